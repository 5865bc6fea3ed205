"""Tests of corpus_tools.dedup.residue: blanks and names of another place left in a copy."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import iter_records

from corpus_tools.dedup.residue import RESIDUE_COLUMNS, find_residue
from corpus_tools.errors import InvalidParameterError
from corpus_tools.text.places import gazetteer, lookup_place

SOURCE = "湄潭县2025年工作总结。全县茶园面积60万亩，兴隆镇、永兴镇茶叶产值增长，与凤冈县联动。"
COPY = "凤冈县2025年工作总结。全县茶园面积X万亩，兴隆镇、永兴镇茶叶产值增长，与凤冈县联动。"


def _passage(start: int, end: int, doc_id: str = "meitan") -> pd.DataFrame:
    return pd.DataFrame({"submission_start": [start], "submission_end": [end], "doc_id": [doc_id]})


def test_townships_of_the_source_left_in_a_copied_passage() -> None:
    res = find_residue(
        COPY, place="凤冈县", passages=_passage(10, len(COPY)), source_places={"meitan": "湄潭县"}
    )
    assert tuple(res.columns) == RESIDUE_COLUMNS
    assert str(res["start"].dtype) == "int64" and str(res["end"].dtype) == "int64"
    for start, end, found in zip(res["start"], res["end"], res["text"], strict=True):
        assert COPY[start:end] == found
    rows = res[["text", "kind", "detail", "certainty", "source_doc_id"]].values.tolist()
    assert rows == [
        ["X", "placeholder", "number", "certain", "meitan"],
        ["兴隆镇", "foreign_place", "township", "certain", "meitan"],
        ["永兴镇", "foreign_place", "township", "certain", "meitan"],
    ]
    assert res["belongs_to"].tolist()[1:] == [
        "贵州省遵义市湄潭县兴隆镇",
        "贵州省遵义市湄潭县永兴镇",
    ]
    assert res["code"].tolist()[1] == "520328108"
    assert res["belongs_to"].tolist()[0] is None


def test_source_place_inferred_from_its_text() -> None:
    res = find_residue(
        COPY, place="凤冈县", passages=_passage(10, len(COPY)), source_texts={"meitan": SOURCE}
    )
    assert res.loc[res["kind"] == "foreign_place", "certainty"].tolist() == ["certain"] * 2


def test_outside_a_copied_passage_a_foreign_name_is_only_possible() -> None:
    text = "凤冈县工作总结。学习浙江安吉经验，与湄潭县共建茶产业带。全县茶园面积X万亩。"
    res = find_residue(text, place="凤冈县")
    places = res[res["kind"] == "foreign_place"]
    assert places["text"].tolist() == ["浙江", "湄潭县"]
    assert set(places["certainty"]) == {"possible"}
    assert places["source_doc_id"].tolist() == [None, None]
    # a blank outside any copied passage is possible too
    assert res.loc[res["kind"] == "placeholder", "certainty"].tolist() == ["possible"]


def test_a_name_of_another_place_than_the_source_is_possible_in_a_copied_passage() -> None:
    text = "凤冈县工作总结。学习浙江安吉经验，与湄潭县共建茶产业带。"
    res = find_residue(
        text,
        place="凤冈县",
        passages=_passage(0, len(text), "meitan"),
        source_places={"meitan": "湄潭县"},
    )
    rows = res[["text", "certainty", "source_doc_id"]].values.tolist()
    assert rows == [["浙江", "possible", "meitan"], ["湄潭县", "certain", "meitan"]]


def test_own_place_inferred_and_the_places_above_it_are_not_foreign() -> None:
    text = (
        "凤冈县2025年工作总结\n全县在遵义市委、贵州省委领导下，凤冈县茶产业发展，借鉴湄潭县经验。"
    )
    res = find_residue(text)
    assert res["text"].tolist() == ["湄潭县"]
    assert res["certainty"].tolist() == ["possible"]


def test_without_a_place_only_the_blanks() -> None:
    text = "全国XX个城市推进改革，北京、上海、天津、重庆率先试点。"
    res = find_residue(text)
    assert res[["text", "kind"]].values.tolist() == [["XX", "placeholder"]]


def test_errors() -> None:
    with pytest.raises(InvalidParameterError, match="'passages' parameter of find_residue"):
        find_residue(COPY, place="凤冈县", passages=pd.DataFrame({"start": [0]}))
    with pytest.raises(InvalidParameterError, match="'place' parameter of find_residue"):
        find_residue(COPY, place=520327)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="names 4"):
        find_residue(COPY, place="鼓楼区")
    with pytest.raises(InvalidParameterError, match="'source_places' parameter of find_residue"):
        find_residue(COPY, place="凤冈县", passages=_passage(0, 5), source_places=["湄潭县"])  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'text' parameter of find_residue"):
        find_residue(b"x")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the check


def _names(province: str) -> pd.DataFrame:
    table = gazetteer()
    code = lookup_place(province).code[:2]
    return table[table["code"].str.startswith(code) & (table["level"] != "township")]


def _mapping(a: str, b: str) -> dict[str, str]:
    """Each name of province ``a`` (full and short) -> a name of the same level of ``b``."""
    names_a, names_b = _names(a), _names(b)
    mapping: dict[str, str] = {}
    for level in ("province", "city", "county"):
        rows_a = names_a[names_a["level"] == level].reset_index(drop=True)
        rows_b = names_b[names_b["level"] == level].reset_index(drop=True)
        for i, row in rows_a.iterrows():
            other = rows_b.iloc[int(i) % len(rows_b)]
            mapping[row["name"]] = other["name"]
            forms = (*row["short"], *(g for g in row["guarded"] if g != row["name"]))
            alternatives = list(other["short"]) or [other["name"]]
            for j, form in enumerate(forms):
                mapping.setdefault(form, alternatives[min(j, len(alternatives) - 1)])
    return mapping


def rewrite(text: str, a: str, b: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """Province ``a``'s report rewritten for ``b``: its names replaced by ``b``'s, but every
    third of its city and county names (in order of first use) left unchanged everywhere.

    Returns the new text, the spans of the names left and the spans of the names put in.
    Built with plain string replacement, independent of find_places.
    """
    mapping = _mapping(a, b)
    pattern = re.compile("|".join(sorted(map(re.escape, mapping), key=len, reverse=True)))
    names_a = _names(a)
    firm = {n for n, g in zip(names_a["name"], names_a["guarded"], strict=True) if n not in g}
    firm -= {a}
    firm |= {s for forms in names_a.loc[names_a["level"] == "city", "short"] for s in forms}
    used = list(dict.fromkeys(m.group() for m in pattern.finditer(text) if m.group() in firm))
    left = set(used[::3])
    out: list[str] = []
    kept: list[tuple[int, int]] = []
    put: list[tuple[int, int]] = []
    pos = n = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        n += m.start() - pos
        name = m.group() if m.group() in left else mapping[m.group()]
        (kept if m.group() in left else put).append((n, n + len(name)))
        out.append(name)
        n += len(name)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), kept, put


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("贵州省", "四川省"),
        ("浙江省", "江苏省"),
        ("河南省", "山东省"),
        ("广东省", "福建省"),
        ("甘肃省", "青海省"),
        ("云南省", "广西壮族自治区"),
    ],
)
def test_report_rewritten_for_another_province(a: str, b: str) -> None:
    texts = {rec["province"]: rec["text"] for rec in iter_records("provincial_gwr_2026")}
    new, kept, put = rewrite(texts[a], a, b)
    assert len(kept) >= 10
    passages = _passage(0, len(new), "source")
    res = find_residue(new, place=b, passages=passages, source_places={"source": a})
    foreign = res[res["kind"] == "foreign_place"]
    spans = set(zip(foreign["start"], foreign["end"], strict=True))
    found = [k for k in kept if k in spans]
    assert len(found) >= 0.9 * len(kept)
    for start, end in found:
        assert belongs(new[start:end], a)
    # none of the names put in for the other province is taken
    assert not [p for p in put if ((foreign["start"] < p[1]) & (foreign["end"] > p[0])).any()]
    # at most two other certain findings
    certain = foreign[foreign["certainty"] == "certain"]
    others = [s for s in zip(certain["start"], certain["end"], strict=True) if s not in set(kept)]
    assert len(others) <= 2


def belongs(name: str, province: str) -> bool:
    from corpus_tools.text.places import belongs_to

    return belongs_to(name, province)
