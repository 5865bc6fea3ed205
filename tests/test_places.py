"""Tests of corpus_tools.text.places: the gazetteer, place names found, reports placed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import iter_records

from corpus_tools.errors import InvalidParameterError
from corpus_tools.text.places import (
    PLACE_COLUMNS,
    PLACE_LEVELS,
    Place,
    belongs_to,
    find_places,
    gazetteer,
    infer_place,
    lookup_place,
)

CASES = Path(__file__).parent / "cases"


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((CASES / name).read_text(encoding="utf-8"))
    return cases


# --------------------------------------------------------------------------- gazetteer


def test_gazetteer_has_every_level_with_codes() -> None:
    table = gazetteer()
    counts = table["level"].value_counts().to_dict()
    assert counts == {"township": 38495, "county": 2851, "city": 333, "province": 34}
    assert table["code"].is_unique
    lengths = table["code"].str.len()
    assert set(lengths[table["level"] == "township"]) == {9}
    assert set(lengths[table["level"] != "township"]) == {6}


def test_gazetteer_has_the_changes_since_the_2023_codes() -> None:
    by_code = gazetteer().set_index("code")
    assert by_code.loc["653228", "name"] == "和康县"
    assert by_code.loc["653229", "name"] == "和安县"
    assert by_code.loc["653229", "city"] == "和田地区"
    assert by_code.loc["460302", "name"] == "西沙区"
    assert "130171" not in by_code.index  # 石家庄高新技术产业开发区 is no division


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("贵州省", ("贵州",)),
        ("遵义市", ("遵义",)),
        ("湄潭县", ("湄潭",)),
        ("黔南布依族苗族自治州", ("黔南", "黔南州")),
        ("兰坪白族普米族自治县", ("兰坪", "兰坪县")),
        ("管城回族区", ("管城",)),
        ("万柏林区", ("万柏林",)),
        ("广西壮族自治区", ("广西",)),
        ("海南藏族自治州", ("海南州",)),  # 海南 is the province
        ("沙县区", ("沙县",)),
    ],
)
def test_short_forms(name: str, short: tuple[str, ...]) -> None:
    table = gazetteer().set_index("name")
    row = table.loc[[name]].iloc[0]
    assert tuple(row["short"]) == short


def test_words_are_guarded() -> None:
    table = gazetteer()
    guarded = {g for forms in table["guarded"] for g in forms}
    assert {"新华", "和平", "长安", "永安", "资源", "城区"} <= guarded
    short = {s for forms in table["short"] for s in forms}
    assert not {"新华", "和平", "长安", "永安"} & short


# --------------------------------------------------------------------------- find_places


@pytest.mark.parametrize("case", _cases("places.json"), ids=lambda c: c["label"])
def test_real_sentences(case: dict[str, Any]) -> None:
    spans = find_places(case["input"])
    assert spans["text"].tolist() == case["expected"]
    assert spans["name"].tolist() == case["names"]


def test_columns_and_dtypes() -> None:
    spans = find_places("贵州省遵义市湄潭县兴隆镇")
    assert tuple(spans.columns) == PLACE_COLUMNS
    assert str(spans["start"].dtype) == "int64"
    assert str(spans["end"].dtype) == "int64"
    assert spans["ambiguous"].dtype == bool
    assert spans["level"].tolist() == list(PLACE_LEVELS)
    town = spans.iloc[3]
    assert (town["province"], town["city"], town["county"]) == ("贵州省", "遵义市", "湄潭县")
    assert town["code"] == "520328108"
    empty = find_places("没有地名")
    assert tuple(empty.columns) == PLACE_COLUMNS and empty.empty


def test_ambiguous_names_resolved_by_the_text_or_marked() -> None:
    alone = find_places("鼓楼区")
    assert bool(alone["ambiguous"].iloc[0])
    assert len(alone["candidates"].iloc[0]) == 4
    spans = find_places("福建省福州市推进改革，鼓楼区率先试点。")
    row = spans[spans["text"] == "鼓楼区"].iloc[0]
    assert not row["ambiguous"] and row["city"] == "福州市"
    after = find_places("南京市鼓楼区")
    assert after["code"].tolist() == ["320100", "320106"]


def test_levels_filter_keeps_the_context() -> None:
    spans = find_places("南京市鼓楼区", levels=["county"])
    assert spans["code"].tolist() == ["320106"]


def test_support_admits_a_county_short_form() -> None:
    assert find_places("湄潭茶产业").empty
    spans = find_places("湄潭茶产业", support=["贵州省"])
    assert spans["name"].tolist() == ["湄潭县"]
    town = find_places("兴隆镇茶园", support=[lookup_place("湄潭县")])
    assert town["code"].tolist() == ["520328108"]


def test_offsets_slice_real_reports() -> None:
    n = 0
    for rec in iter_records("provincial_gwr_2026"):
        text = rec["text"]
        spans = find_places(text)
        for start, end, found in zip(spans["start"], spans["end"], spans["text"], strict=True):
            assert text[start:end] == found
        starts, ends = spans["start"].tolist(), spans["end"].tolist()
        assert all(e <= s for e, s in zip(ends, starts[1:], strict=False))
        n += len(spans)
    assert n > 2000


# Short forms that are ordinary words in these reports; each was taken for a county before
# the rules of find_places (found by reading every short form it took on this corpus).
TRAPS = (
    "新建",
    "惠民",
    "新和",
    "新平",
    "和安",
    "小金",
    "大新",
    "和政",
    "安居",
    "大城",
    "双城",
    "青山",
)


def test_no_ordinary_word_taken_for_a_county_in_real_reports() -> None:
    taken: list[str] = []
    for rec in iter_records("provincial_gwr_2026"):
        spans = find_places(rec["text"])
        taken += [t for t in spans["text"] if t in TRAPS]
    assert taken == []


# --------------------------------------------------------------------------- infer_place


def test_infer_place_of_every_provincial_report() -> None:
    wrong = []
    for rec in iter_records("provincial_gwr_2026"):
        place = infer_place(rec["text"])
        if place is None or place.level != "province" or place.name != rec["province"]:
            wrong.append((rec["province"], place))
    assert wrong == []


def test_national_reports_have_no_place() -> None:
    places = [infer_place(rec["text"]) for rec in iter_records("state_council_gwr")]
    assert len(places) > 100
    assert sum(p is None for p in places) >= 0.9 * len(places)


def test_infer_place_goes_down_to_the_county() -> None:
    text = "湄潭县2025年政府工作报告\n过去一年，全县上下在遵义市委的领导下，湄潭县茶产业稳步发展。"
    place = infer_place(text)
    assert place is not None and place.code == "520328"
    city = infer_place("遵义市政府工作报告\n全市经济平稳，遵义市湄潭县、凤冈县茶产业发展。")
    assert city is not None and city.name == "遵义市"
    mentions = find_places(text)
    assert infer_place(text, mentions=mentions) == place


# --------------------------------------------------------------------------- lookups


def test_lookup_and_belongs_to() -> None:
    assert lookup_place("520328").name == "湄潭县"
    assert lookup_place("黔南州").code == "522700"
    assert lookup_place("北京市朝阳区").code == "110105"
    place = lookup_place("湄潭")
    assert isinstance(place, Place) and place.path == "贵州省遵义市湄潭县"
    assert lookup_place(place) is place
    assert belongs_to("湄潭县", "贵州省")
    assert belongs_to("兴隆镇", "湄潭县")  # one of the 兴隆镇 lies there
    assert not belongs_to("南京市鼓楼区", "福建省")
    assert belongs_to("贵州省", "贵州省")
    assert not belongs_to("贵州省", "湄潭县")


def test_errors() -> None:
    with pytest.raises(InvalidParameterError, match="names 4: 江苏省南京市鼓楼区"):
        lookup_place("鼓楼区")
    with pytest.raises(InvalidParameterError, match="'name_or_code' parameter of lookup_place"):
        lookup_place("火星市")
    with pytest.raises(InvalidParameterError, match="'name_or_code' parameter of belongs_to"):
        belongs_to("火星市", "贵州省")
    with pytest.raises(InvalidParameterError, match="'text' parameter of find_places"):
        find_places(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'levels' parameter of find_places"):
        find_places("贵州", levels=["village"])
    with pytest.raises(InvalidParameterError, match="'levels' parameter of find_places"):
        find_places("贵州", levels="county")
    with pytest.raises(InvalidParameterError, match="'support' parameter of find_places"):
        find_places("贵州", support="贵州省")
    with pytest.raises(InvalidParameterError, match="'mentions' parameter of infer_place"):
        infer_place("贵州", mentions=pd.DataFrame({"start": [0]}))


def test_shipped_place_tables_are_what_the_gazetteer_files_make() -> None:
    """corpus_tools/data/place_tables.npz holds what compute_place_tables makes of
    places.tsv.gz and place_words.txt.gz (rebuild it with scripts/build_place_tables.py)."""
    import gzip
    from importlib import resources

    import numpy as np

    from corpus_tools.text.places import compute_place_tables, read_place_tables

    shipped = read_place_tables()
    assert shipped is not None, "corpus_tools/data/place_tables.npz is missing"
    data = resources.files("corpus_tools").joinpath("data")
    places = gzip.decompress(data.joinpath("places.tsv.gz").read_bytes()).decode("utf-8")
    words = gzip.decompress(data.joinpath("place_words.txt.gz").read_bytes()).decode("utf-8")
    made = compute_place_tables(places, words)
    assert sorted(shipped) == sorted(made)
    for name, array in made.items():
        assert shipped[name].dtype == array.dtype, name
        assert np.array_equal(shipped[name], array), name


def test_places_are_read_not_computed_when_the_tables_ship() -> None:
    """A process that finds places reads the shipped tables; without them it computes the
    same gazetteer from the text files."""
    import subprocess
    import sys

    code = (
        "from corpus_tools.text import places\n"
        "def refuse(*args):\n"
        "    raise AssertionError('computed')\n"
        "places.compute_place_tables = refuse\n"
        "print(places.find_places('贵州省遵义市湄潭县兴隆镇')['code'].tolist())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "['520000', '520300', '520328', '520328108']\n"


def test_computed_gazetteer_finds_what_the_shipped_one_does(monkeypatch: Any) -> None:
    """The fallback when place_tables.npz is missing gives the same mentions."""
    from corpus_tools.text import places

    text = "贵州省遵义市湄潭县兴隆镇，与凤冈、余庆联动；北京市朝阳区和辽宁省朝阳市。"
    shipped = find_places(text)
    monkeypatch.setattr(places, "read_place_tables", lambda: None)
    places._load.cache_clear()
    try:
        computed = find_places(text)
    finally:
        places._load.cache_clear()
    pd.testing.assert_frame_equal(shipped, computed)
    assert len(shipped) == 10


def test_gazetteer_of_tables_out_of_code_order_finds_the_same() -> None:
    """Divisions are looked up by bisection of their codes: tables not in code order (a
    gazetteer file edited by hand) are put in order first."""
    from corpus_tools.text.places import _Gazetteer, compute_place_tables

    header = "code\tname\tlevel\tshort\tguarded"
    rows = [
        "520328\t湄潭县\tD\t湄潭\t",
        "520000\t贵州省\tP\t贵州\t",
        "520300\t遵义市\tC\t遵义\t",
    ]
    g = _Gazetteer(compute_place_tables("\n".join([header, *rows]) + "\n", "茶园"))
    assert list(g.names) == ["520000", "520300", "520328"]
    assert g.places["520328"].path == "贵州省遵义市湄潭县"
    assert g.levels["520300"] == "city" and "520001" not in g.names


def test_place_candidates_made_once_give_the_mentions_of_every_support() -> None:
    """A text's candidates (the part of finding places that does not depend on support)
    made once give what place_mentions finds without them, with and without support;
    candidates of another text are not used."""
    from conftest import iter_records

    from corpus_tools.text.places import place_candidates, place_mentions

    texts = [str(r["text"]) for r in iter_records("provincial_gwr_2026", 6)]
    supports = [(), ("520000",), ("110105", "520328")]
    for text in texts:
        found = place_candidates(text)
        for support in supports:
            assert place_mentions(text, support=support, candidates=found) == place_mentions(
                text, support=support
            )
        assert place_mentions(text, levels=("province",), candidates=found) == place_mentions(
            text, levels=("province",)
        )
    other = place_candidates(texts[0])
    assert place_mentions(texts[1], candidates=other) == place_mentions(texts[1])
    assert len(place_mentions(texts[1])) > 20  # (a provincial report names many places)
