"""Formulas: closed repeats with exact counts, families, spread, the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import iter_records
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_tools.cli import cli
from corpus_tools.errors import InvalidParameterError
from corpus_tools.formulas import (
    BREAKS,
    FormulaResult,
    find_formulas,
    fold_formulas,
    formula_families,
)
from corpus_tools.io import load_texts

GUIDING_THOUGHT = "以习近平新时代中国特色社会主义思想为指导"
#: A phrase no news item holds (checked below), planted into items of 2024-2026.
PLANTED = "以数字普惠金融赋能县域特色产业集群"


def _count(key: str, text: str) -> int:
    """Places where ``key`` starts in ``text`` (overlapping occurrences counted)."""
    return len(re.findall(f"(?={re.escape(key)})", text))


def _check(corpus: pd.DataFrame, res: FormulaResult, rows: int | None = None) -> None:
    """Every formula (or the first ``rows``): exact counts by brute force, offsets right."""
    matching = [fold_formulas(t).text for t in corpus["text"]]
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    f = res.formulas if rows is None else res.formulas.head(rows)
    ex = res.examples.set_index("formula_id")
    for row in f.itertuples():
        key = row.key
        assert not set(key) & set(BREAKS), key
        assert row.doc_freq == sum(key in m for m in matching), key
        assert row.count == sum(_count(key, m) for m in matching), key
        assert row.chars == len(key)
        e = ex.loc[row.formula_id]
        assert texts[e.doc_id][e.start : e.end] == e.text == row.text
        assert fold_formulas(row.text).text == key
        # the example is the first occurrence in corpus order
        first = next(i for i, m in enumerate(matching) if key in m)
        assert corpus["doc_id"].iloc[first] == e.doc_id


# --------------------------------------------------------------------------- matching text


def test_fold_formulas_keeps_breaks_and_maps_back() -> None:
    text = "坚持以人民为中心，\r\n\n　ＸＸ社区  党委。"
    f = fold_formulas(text)
    assert f.text == "坚持以人民为中心,\nxx社区党委。"
    s, e = f.to_original(10, 16)
    assert text[s:e] == "ＸＸ社区  党委"


# --------------------------------------------------------------------------- small corpora


def test_closed_repeats_on_a_small_corpus() -> None:
    docs = load_texts(
        {
            "a": "我们坚持以人民为中心的发展思想，推动高质量发展。",
            "b": "必须坚持以人民为中心的发展思想！",
            "c": "坚持以人民为中心的发展思想\n推动高质量发展",
            "d": "始终坚持以人民为中心",
        }
    )
    res = find_formulas(docs, min_docs=2, min_chars=5)
    got = res.formulas[["key", "doc_freq", "count"]].values.tolist()
    assert got == [
        ["坚持以人民为中心", 4, 4],
        ["坚持以人民为中心的发展思想", 3, 3],
        ["推动高质量发展", 2, 2],
    ]
    _check(docs, res)
    # across a line break or a comma nothing is joined
    assert not any("发展推动" in k for k in res.formulas["key"])


def test_min_docs_min_chars_and_top() -> None:
    sentence = "现将有关情况汇报如下"
    docs = load_texts({f"d{i}": f"第{i}份材料。{sentence}，请审议。" for i in range(4)})
    assert find_formulas(docs, min_docs=4).formulas["key"].tolist() == [sentence]
    assert find_formulas(docs, min_docs=5).formulas.empty
    assert find_formulas(docs, min_chars=len(sentence) + 1).formulas.empty
    many = find_formulas(docs, min_docs=2, min_chars=2)
    assert len(many.formulas) > 1
    top = find_formulas(docs, min_docs=2, min_chars=2, top=1)
    pd.testing.assert_frame_equal(top.formulas, many.formulas.head(1))


def test_width_case_and_spaces_are_folded() -> None:
    docs = load_texts(["推进ＡＩ+党建工作", "推进 ai＋党建 工作", "推进AI+党建工作"])
    res = find_formulas(docs, min_docs=3)
    assert res.formulas["key"].tolist() == ["推进ai+党建工作"]
    assert res.formulas["text"].tolist() == ["推进ＡＩ+党建工作"]  # as in the first document
    _check(docs, res)


def test_empty_and_short_texts() -> None:
    res = find_formulas(load_texts({"a": "", "b": "  \n", "c": "短。"}))
    assert res.formulas.empty and res.families.empty and res.examples.empty
    assert list(res.formulas.columns) == [
        "formula_id",
        "text",
        "doc_freq",
        "count",
        "chars",
        "first",
        "last",
        "family",
        "key",
    ]


ALPHABET = "党建引领，。\n Ａa"  # breaks, a space, a letter in two widths


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet=ALPHABET, max_size=14), min_size=2, max_size=7),
    st.integers(2, 3),
    st.integers(2, 4),
)
def test_exact_counts_and_closedness_on_random_corpora(
    texts: list[str], min_docs: int, min_chars: int
) -> None:
    corpus = load_texts(texts)
    res = find_formulas(corpus, min_docs=min_docs, min_chars=min_chars)
    _check(corpus, res)
    matching = [fold_formulas(t).text for t in texts]

    def df(s: str) -> int:
        return sum(s in m for m in matching)

    # the reference: every substring long and frequent enough that no one-character
    # extension keeps all its documents
    letters = sorted({c for m in matching for c in m} - set(BREAKS))
    expected = set()
    for m in matching:
        for i in range(len(m)):
            for j in range(i + min_chars, len(m) + 1):
                s = m[i:j]
                if set(s) & set(BREAKS) or df(s) < min_docs:
                    continue
                if all(df(c + s) < df(s) and df(s + c) < df(s) for c in letters):
                    expected.add(s)
    assert set(res.formulas["key"]) == expected
    assert res.formulas["key"].is_unique
    ranks = list(zip(-res.formulas["doc_freq"], -res.formulas["chars"], strict=True))
    assert ranks == sorted(ranks)


# --------------------------------------------------------------------------- families


def test_families_group_the_named_kinds_of_variant() -> None:
    keys = [
        "坚持以人民为中心的发展思想",  # 0 founder
        "始终坚持以人民为中心的发展思想",  # two characters added in front
        "坚持以人民为中心的发展理念",  # two characters changed: a formula of its own
        "坚持以人民为中心的发展思路",  # one character different
        "2024年政府工作报告",  # 4 founder
        "2025年政府工作报告",  # a changed number
        "xx社区党委书记",  # 6 founder with a blank
        "幸福社区党委书记",  # the blank filled with a name
        "全面从严治党",  # 8 founder
    ]
    assert formula_families(keys) == [0, 0, 2, 0, 4, 4, 6, 6, 8]


def test_families_in_the_result() -> None:
    docs = load_texts(
        {
            "a": "坚持以习近平新时代中国特色社会主义思想为指导。",
            "b": "坚持以习近平新时代中国特色社会主义思想为指导。",
            "c": "始终坚持以习近平新时代中国特色社会主义思想为指导。",
            "d": "始终坚持以习近平新时代中国特色社会主义思想为指导。",
        }
    )
    res = find_formulas(docs, min_docs=2)
    f = res.formulas
    assert f["key"].tolist() == [
        "坚持以习近平新时代中国特色社会主义思想为指导",
        "始终坚持以习近平新时代中国特色社会主义思想为指导",
    ]
    assert f["family"].tolist() == [0, 0]
    fam = res.families
    assert fam[["family", "formulas", "doc_freq"]].values.tolist() == [[0, 2, 4]]
    assert fam["variants"].iloc[0] == f["text"].tolist()


# --------------------------------------------------------------------------- spread


def test_spread_first_last_and_shares() -> None:
    phrase = "加快建设农业强国"
    texts = {
        "a": f"{phrase}。",
        "b": "其他内容。",
        "c": f"要{phrase}，",
        "d": f"{phrase}！",
        "e": "无关。",
        "f": f"扎实{phrase}。",
    }
    corpus = load_texts(texts).assign(year=[2023, 2023, 2024, 2024, 2025, None])
    res = find_formulas(corpus, by="year")
    assert res.by == "year"
    row = res.formulas.iloc[0]
    assert (row.key, row.doc_freq, row.first, row.last) == (phrase, 4, 2023, 2024)
    assert res.spread[["text", "value", "doc_freq", "docs", "share"]].values.tolist() == [
        [phrase, 2023, 1, 2, 0.5],
        [phrase, 2024, 2, 2, 1.0],
    ]
    fam = res.family_spread
    assert fam["doc_freq"].tolist() == [1, 2] and fam["family"].tolist() == [0, 0]
    # without by: no first/last, empty spreads with their columns
    plain = find_formulas(corpus)
    assert plain.formulas["first"].isna().all() and plain.spread.empty
    assert list(plain.spread.columns) == [
        "formula_id",
        "text",
        "value",
        "doc_freq",
        "docs",
        "share",
    ]


def test_string_field_sorts_as_text() -> None:
    phrase = "坚持稳中求进工作总基调"
    corpus = load_texts([f"{phrase}。"] * 3).assign(province=["浙江省", "上海市", "北京市"])
    row = find_formulas(corpus, by="province").formulas.iloc[0]
    assert (row.first, row.last) == ("上海市", "浙江省")


# --------------------------------------------------------------------------- real corpora


@pytest.fixture(scope="module")
def provincial() -> pd.DataFrame:
    recs = list(iter_records("provincial_gwr_2026"))
    return pd.DataFrame(
        {
            "doc_id": [r["id"] for r in recs],
            "text": [r["text"] for r in recs],
            "province": [r["province"] for r in recs],
        }
    )


def test_provincial_guiding_thought_and_exact_top_40(provincial: pd.DataFrame) -> None:
    res = find_formulas(provincial, by="province")
    f = res.formulas
    hit = f[f["key"] == GUIDING_THOUGHT]
    assert len(hit) == 1
    assert int(hit["doc_freq"].iloc[0]) == len(provincial) == 31
    _check(provincial, res, rows=40)
    # every province has one report: its share is 1 wherever the formula stands
    spread = res.spread[res.spread["formula_id"] == int(hit["formula_id"].iloc[0])]
    assert len(spread) == 31 and (spread["share"] == 1.0).all()


@pytest.fixture(scope="module")
def news_planted() -> tuple[pd.DataFrame, list[str], int]:
    """Every fifth news item; PLANTED put into 14 items of 2024-2026, some glued to an
    unpunctuated heading (a news subheading run straight into the text)."""
    recs = [r for i, r in enumerate(iter_records("xinwen_lianbo")) if i % 5 == 0]
    corpus = pd.DataFrame(
        {
            "doc_id": [r["id"] for r in recs],
            "text": [r["text"] for r in recs],
            "year": [r["year"] for r in recs],
        }
    )
    assert not any(PLANTED in fold_formulas(t).text for t in corpus["text"])
    texts = corpus["text"].tolist()
    planted: list[str] = []
    for year, n in ((2024, 6), (2025, 5), (2026, 3)):
        rows = corpus.index[(corpus["year"] == year) & (corpus["text"].str.len() > 200)]
        for k, i in enumerate(rows[:: max(1, len(rows) // n)][:n]):
            t = texts[i]
            if k % 2:  # glued to a heading without punctuation, at the top of the item
                texts[i] = f"县域经济观察{PLANTED}\n{t}"
            else:  # a sentence of its own in the middle
                mid = t.index("。", len(t) // 2) + 1
                texts[i] = f"{t[:mid]}各地{PLANTED}。{t[mid:]}"
            planted.append(corpus["doc_id"].iloc[i])
    return corpus.assign(text=texts), planted, len(planted)


@pytest.mark.slow
def test_news_planted_phrase_found_with_exact_doc_freq(
    news_planted: tuple[pd.DataFrame, list[str], int],
) -> None:
    corpus, planted, n = news_planted
    res = find_formulas(corpus, by="year")
    f = res.formulas
    hit = f[f["key"] == PLANTED]
    assert len(hit) == 1, f[f["key"].str.contains("普惠金融")]
    row = hit.iloc[0]
    assert (row["doc_freq"], row["count"], row["first"], row["last"]) == (n, n, 2024, 2026)
    ex = res.examples.set_index("formula_id").loc[row.formula_id]
    assert ex.doc_id == planted[0]
    spread = res.spread[res.spread["formula_id"] == row.formula_id]
    assert spread[["value", "doc_freq"]].values.tolist() == [[2024, 6], [2025, 5], [2026, 3]]
    _check(corpus, res, rows=25)


def test_same_input_same_output(provincial: pd.DataFrame) -> None:
    sample = provincial.head(12)
    before = sample.copy()
    a = find_formulas(sample, by="province", top=50)
    b = find_formulas(sample.copy(), by="province", top=50)
    for x, y in zip(a[:-1], b[:-1], strict=True):
        pd.testing.assert_frame_equal(x, y)
    pd.testing.assert_frame_equal(sample, before)


# --------------------------------------------------------------------------- errors


def test_errors_name_the_argument() -> None:
    docs = load_texts({"a": "x", "b": "y"})
    with pytest.raises(
        InvalidParameterError,
        match=r"'min_docs' parameter of find_formulas must be an int in \[2, inf\]. Got 1",
    ):
        find_formulas(docs, min_docs=1)
    with pytest.raises(InvalidParameterError, match=r"'min_chars' parameter .* Got 1"):
        find_formulas(docs, min_chars=1)
    with pytest.raises(InvalidParameterError, match=r"'top' parameter .* Got 0"):
        find_formulas(docs, top=0)
    with pytest.raises(InvalidParameterError, match=r"'progress' parameter .* bool or None"):
        find_formulas(docs, progress="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'by' parameter .* column name"):
        find_formulas(docs, by=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'year'"):
        find_formulas(docs, by="year")
    with pytest.raises(InvalidParameterError, match=r"'corpus' parameter of find_formulas"):
        find_formulas(3)
    with pytest.raises(InvalidParameterError, match=r"'text' parameter of fold_formulas"):
        fold_formulas(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- CLI


def test_cli_json_contract(tmp_path: Path, provincial: pd.DataFrame) -> None:
    path = tmp_path / "prov.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for rec in provincial.to_dict("records"):
            fh.write(json.dumps({"id": rec["doc_id"], **rec}, ensure_ascii=False) + "\n")
    res = CliRunner().invoke(
        cli, ["formulas", str(path), "--by", "province", "--top", "5", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert list(data) == ["formulas", "families", "spread"]
    assert len(data["formulas"]) == 5
    first = data["formulas"][0]
    assert list(first)[:7] == ["text", "doc_freq", "count", "chars", "first", "last", "family"]
    assert first["doc_freq"] == 31 and first["first"] == "上海市"
    assert {GUIDING_THOUGHT} <= {f["text"] for f in data["formulas"]}
    res = CliRunner().invoke(cli, ["formulas", str(path), "--top", "3", "--format", "csv"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0] == "text,doc_freq,count,chars,first,last,family,formula_id"
    assert len(lines) == 4
    res = CliRunner().invoke(
        cli, ["formulas", str(path), "--top", "3", "--format", "table", "--show", "families"]
    )
    assert res.exit_code == 0 and "variants" in res.output


def test_cli_bad_inputs(tmp_path: Path, seeds_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["formulas", str(seeds_dir), "--by", "year"])
    assert res.exit_code == 2 and "--by 'year'" in res.stderr
    res = runner.invoke(cli, ["formulas", str(seeds_dir), "--min-docs", "1"])
    assert res.exit_code == 2 and "--min-docs" in res.output
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"第{i}份。{GUIDING_THOUGHT}。", encoding="utf-8")
    res = runner.invoke(cli, ["formulas", str(tmp_path), "--format", "json"])
    assert res.exit_code == 3 and "bad.docx" in res.stderr
    assert json.loads(res.stdout)["formulas"][0]["text"] == GUIDING_THOUGHT
