"""Tests of corpus_tools.slogans and ``corpus-tools slogans`` on the seeds and real corpora."""

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
from corpus_tools.io import load_corpus
from corpus_tools.slogans import (
    NUMERALS,
    OCCURRENCE_COLUMNS,
    SLOGAN_COLUMNS,
    mine_slogans,
    slogan_family,
    slogan_occurrences,
    slogans_by,
    to_lexicon,
)
from corpus_tools.text import normalize

CASES = json.loads(
    (Path(__file__).parent / "cases" / "slogans_seeds.json").read_text(encoding="utf-8")
)
GOLD = {name: set(v) for name, v in CASES["numeric"].items()}
ALL_GOLD = set().union(*GOLD.values())
OPTIONAL = set(CASES["numeric_optional"])


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> pd.DataFrame:
    return load_corpus(seeds_dir).documents


@pytest.fixture(scope="module")
def table(seeds: pd.DataFrame) -> pd.DataFrame:
    return mine_slogans(seeds)


def _numeric(table: pd.DataFrame) -> set[str]:
    return set(table.loc[table.kind == "numeric", "slogan"])


# --------------------------------------------------------------------------- quality


def test_seeds_precision_and_recall_against_hand_read_gold(table: pd.DataFrame) -> None:
    found = _numeric(table)
    judged = found - OPTIONAL
    right = found & ALL_GOLD
    assert len(right) / len(judged) >= 0.9, sorted(judged - ALL_GOLD)
    assert len(right) / len(ALL_GOLD) >= 0.9, sorted(ALL_GOLD - found)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_each_seed_alone_finds_its_slogans(seeds: pd.DataFrame, name: str) -> None:
    one = mine_slogans(seeds[seeds.doc_id == name], kinds=["numeric"])
    found = set(one.slogan)
    assert len(found & GOLD[name]) / len(GOLD[name]) >= 0.85, sorted(GOLD[name] - found)
    assert not (found - GOLD[name] - OPTIONAL), sorted(found - GOLD[name] - OPTIONAL)


def test_non_slogans_of_the_seeds_are_rejected(table: pd.DataFrame) -> None:
    assert not (_numeric(table) & set(CASES["not_slogans"]))


def test_no_enumerator_meeting_ordinal_or_count_is_reported(table: pd.DataFrame) -> None:
    for s in _numeric(table):
        assert not re.match(rf"^[{NUMERALS}]+[是要]", s), s
        assert not re.search(r"届|全会|^[一二三四五六七八九十]{2,}大", s), s
        assert not s.startswith("第"), s
        assert not re.fullmatch(rf"[{NUMERALS}0-9]+[个项批名次万亿元年月日]", s), s


def test_expansion_of_a_slogan_found_once_is_its_example(seeds: pd.DataFrame) -> None:
    doc = seeds[seeds.doc_id.str.startswith("001_")]
    t = mine_slogans(doc)
    row = t[t.slogan == "八项本领"]
    assert len(row) == 1 and row.iloc[0]["count"] == 1
    example = row.iloc[0]["example"]
    assert "学习本领" in example and "驾驭风险本领" in example
    assert example in doc.iloc[0]["text"]


def test_variants_of_one_frame_share_a_family(table: pd.DataFrame) -> None:
    fam = dict(zip(table.slogan, table.family, strict=True))
    assert fam["一征三议两公开"] == fam["三征三议三公开"] == fam["四议两公开"]
    assert fam["三会一课"] != fam["一征三议两公开"]


def test_unseen_slogans_planted_in_real_text_are_found() -> None:
    records = list(iter_records("provincial_gwr_2026", limit=3))
    invented = ["三联四促", "五查两改一提升", "六个同心"]
    text = records[0]["text"]
    cut = text.index("。", len(text) // 3) + 1
    cut2 = text.index("。", 2 * len(text) // 3) + 1
    planted = (
        text[:cut]
        + "各地推行“三联四促”工作法，实行五查两改一提升机制。"
        + text[cut:cut2]
        + "全面落实六个同心（思想同心、目标同心、责任同心、行动同心、服务同心、发展同心），"
        "凝聚合力。" + text[cut2:]
    )
    for s in invented:
        assert s not in text
    found = set(mine_slogans(planted, kinds=["numeric"]).slogan)
    assert set(invented) <= found
    # the host text mined alone reports none of them
    assert not (set(invented) & set(mine_slogans(text, kinds=["numeric"]).slogan))


def test_numbered_verbs_are_formulas_and_numbered_nouns_are_counts() -> None:
    text = "必须做到两个维护，增强四个自信。存在三个方面的问题，设立两个发热门诊，用了两个月。"
    found = set(mine_slogans(text, kinds=["numeric"]).slogan)
    assert {"两个维护", "四个自信"} <= found
    assert not found & {"三个方面", "两个发热", "两个月"}


def test_quoted_non_numeric_formulas_are_a_second_kind(table: pd.DataFrame) -> None:
    quoted = set(table.loc[table.kind == "quoted", "slogan"])
    assert {"大党委", "道德银行", "红色物业", "党建+"} <= quoted
    assert not any(s[0] in NUMERALS for s in quoted)


@pytest.mark.slow
def test_news_items_find_the_genre_formulas_and_no_meeting_names() -> None:
    records = list(iter_records("xinwen_lianbo", limit=600))
    corpus = pd.DataFrame(
        {"doc_id": [r["id"] for r in records], "text": [r["text"] for r in records]}
    )
    t = mine_slogans(corpus, kinds=["numeric"])
    # the corpus card counts 两个确立 638x and 两个维护 585x in the whole corpus
    assert {"两个确立", "两个维护"} <= set(t.slogan.head(10))
    top = t.head(40)
    assert not top.slogan.str.contains(r"届|全会|^[一二三四五六七八九十]{2,}大").any()
    assert not top.slogan.str.match(rf"^[{NUMERALS}]+[名场次号]").any()


# --------------------------------------------------------------------------- table contract


def test_table_columns_dtypes_and_order(table: pd.DataFrame) -> None:
    assert tuple(table.columns) == SLOGAN_COLUMNS
    assert str(table["count"].dtype) == "int64" and str(table["score"].dtype) == "float64"
    assert set(table.kind) <= {"numeric", "quoted"}
    assert (table["count"] >= table["doc_freq"]).all() and (table["doc_freq"] >= 1).all()
    assert (table["quoted"] <= table["count"]).all()
    assert table["score"].between(0, 1, inclusive="left").all()
    keys = list(zip(-table.score, -table["count"], table.slogan, strict=True))
    assert keys == sorted(keys)


def test_same_input_same_output_and_input_untouched(seeds: pd.DataFrame) -> None:
    before = seeds.copy(deep=True)
    a = mine_slogans(seeds)
    b = mine_slogans(seeds)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(seeds, before)


def test_filters_top_and_kinds(seeds: pd.DataFrame, table: pd.DataFrame) -> None:
    t = mine_slogans(seeds, kinds=["numeric"], min_count=2, min_docs=2, top=5)
    assert len(t) <= 5 and set(t.kind) == {"numeric"}
    assert (t["count"] >= 2).all() and (t["doc_freq"] >= 2).all()
    expected = table[(table.kind == "numeric") & (table["count"] >= 2) & (table.doc_freq >= 2)]
    assert t.slogan.tolist() == expected.slogan.head(5).tolist()


def test_min_doc_freq_is_the_old_name_of_min_docs(seeds: pd.DataFrame) -> None:
    new = mine_slogans(seeds, min_docs=3)
    assert len(new) and (new["doc_freq"] >= 3).all() and (mine_slogans(seeds).doc_freq < 3).any()
    with pytest.warns(DeprecationWarning, match="'min_doc_freq' parameter of mine_slogans"):
        old = mine_slogans(seeds, min_doc_freq=3)
    pd.testing.assert_frame_equal(old, new)
    with pytest.raises(InvalidParameterError, match="both 'min_doc_freq' and 'min_docs'"):
        mine_slogans(seeds, min_doc_freq=3, min_docs=3)


# --------------------------------------------------------------------------- occurrences


def test_occurrence_offsets_slice_the_original_text(
    seeds: pd.DataFrame, table: pd.DataFrame
) -> None:
    occ = slogan_occurrences(seeds, table)
    assert tuple(occ.columns) == OCCURRENCE_COLUMNS
    texts = dict(zip(seeds.doc_id, seeds.text, strict=True))
    assert len(occ) == int(table["count"].sum())
    for row in occ.itertuples(index=False):
        original = texts[row.doc_id][row.start : row.end]
        assert original == row.text
        assert normalize(original, punctuation=False, lowercase=False).text == row.slogan


def test_occurrences_across_width_and_spaces() -> None:
    text = "落实“三会一课”。推行１５分钟便民服务圈，一征三议两公 开。"
    occ = slogan_occurrences({"d": text}, ["三会一课", "15分钟便民服务圈", "一征三议两公开"])
    got = [(r.slogan, text[r.start : r.end]) for r in occ.itertuples()]
    assert got == [
        ("三会一课", "三会一课"),
        ("15分钟便民服务圈", "１５分钟便民服务圈"),
        ("一征三议两公开", "一征三议两公 开"),
    ]
    assert occ.quoted.tolist() == [True, False, False]


def test_slogan_family_frames() -> None:
    assert slogan_family("一征三议两公开") == slogan_family("三征三议三公开") == "#征#议#公开"
    assert slogan_family("大党委") == "大党委"
    with pytest.raises(InvalidParameterError, match="'slogan' parameter of slogan_family"):
        slogan_family(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- lexicon


def test_lexicon_keeps_slogans_whole_in_an_own_tokenizer(
    tmp_path: Path, table: pd.DataFrame
) -> None:
    import jieba

    path = tmp_path / "slogans.txt"
    words = to_lexicon(table, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in lines] == words
    assert all(len(line.split()) == 3 and int(line.split()[1]) >= 1000 for line in lines)
    assert not any("、" in w or "," in w for w in words)
    tok = jieba.Tokenizer()
    sentence = "推行一征三议两公开工作法，落实三会一课制度，建设一刻钟党建服务圈"
    assert "一征三议两公开" not in tok.lcut(sentence)
    tok.load_userdict(str(path))
    cut = tok.lcut(sentence)
    assert {"一征三议两公开", "三会一课", "一刻钟党建服务圈"} <= set(cut)
    assert "".join(cut) == sentence


def test_lexicon_loads_in_the_project_segmenter(tmp_path: Path, table: pd.DataFrame) -> None:
    segment = pytest.importorskip("corpus_tools.tokens")
    path = tmp_path / "slogans.txt"
    to_lexicon(table, path)
    seg = segment.Segmenter(lexicons=[path], domain_lexicon=False, protect_lexicons=False)
    sentence = "全面推行一征三议两公开工作法，实行双推双评三全程制度"
    tokens = seg.cut(sentence)
    assert {"一征三议两公开", "双推双评三全程"} <= set(tokens)
    assert "".join(tokens) == sentence


def test_slogans_by_a_metadata_field() -> None:
    records = list(iter_records("provincial_gwr_2026", limit=6))
    corpus = pd.DataFrame(
        {
            "doc_id": [r["id"] for r in records],
            "text": [r["text"] for r in records],
            "province": [r["province"] for r in records],
        }
    )
    table = mine_slogans(corpus)
    by = slogans_by(corpus, table, by="province")
    assert list(by.columns) == ["province", "slogan", "family", "count", "doc_freq"]
    totals = by.groupby("slogan")["count"].sum()
    assert totals.to_dict() == dict(zip(table.slogan, table["count"], strict=True))
    assert set(by.province) <= set(corpus.province)
    with pytest.raises(InvalidParameterError, match=r"columns \['doc_id', 'text', 'year'\]"):
        slogans_by(corpus, table, by="year")
    with pytest.raises(InvalidParameterError, match="'by' parameter of slogans_by"):
        slogans_by(corpus, table, by=[])


def test_lexicon_from_words_without_writing() -> None:
    assert to_lexicon(["三会一课", "三会一课", " 四位一体 "]) == ["三会一课", "四位一体"]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kinds": ["slogan"]}, r"'kinds' parameter of mine_slogans must be one of"),
        ({"kinds": "numeric"}, r"'kinds' parameter of mine_slogans must be a non-empty list"),
        ({"min_count": 0}, r"'min_count' parameter of mine_slogans must be an int in \[1, inf\]"),
        ({"min_docs": 1.5}, r"'min_docs' parameter of mine_slogans must be an int"),
        ({"min_repeat": 1}, r"'min_repeat' parameter of mine_slogans must be an int in \[2"),
        ({"top": 0}, r"'top' parameter of mine_slogans must be an int in \[1, inf\]"),
    ],
)
def test_mine_slogans_bad_options(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        mine_slogans("落实“三会一课”", **kwargs)  # type: ignore[arg-type]


def test_mine_slogans_bad_corpus() -> None:
    with pytest.raises(
        InvalidParameterError, match="'corpus' parameter of mine_slogans must be a str"
    ):
        mine_slogans(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"columns \['doc_id', 'text'\]"):
        mine_slogans(pd.DataFrame({"id": ["a"], "body": ["x"]}))
    with pytest.raises(InvalidParameterError, match="Document 'a' has float"):
        mine_slogans(pd.DataFrame({"doc_id": ["a"], "text": [float("nan")]}))


def test_occurrences_and_lexicon_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="'slogans' parameter of slogan_occurrences"):
        slogan_occurrences("三会一课", "三会一课")
    with pytest.raises(InvalidParameterError, match="'slogans' parameter of slogan_occurrences"):
        slogan_occurrences("三会一课", [3])  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError, match="'table' parameter of to_lexicon"):
        to_lexicon("三会一课")
    with pytest.raises(
        InvalidParameterError, match=r"'freq' parameter of to_lexicon must be an int"
    ):
        to_lexicon(["三会一课"], freq=0)
    with pytest.raises(InvalidParameterError, match="'tag' parameter of to_lexicon"):
        to_lexicon(["三会一课"], tag="n z")
    with pytest.raises(
        InvalidParameterError,
        match=r"'table' parameter of to_lexicon must be a DataFrame with columns \['slogan'\]",
    ):
        to_lexicon(pd.DataFrame({"word": ["三会一课"]}), tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()


# --------------------------------------------------------------------------- invariants

_ALPHABET = [*"一二三四五六七八九十两双百第是个会课社区党建工作，。、“”（）：X15 ", "三会一课"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), min_size=0, max_size=60).map("".join))
def test_any_text_gives_a_consistent_table(text: str) -> None:
    t = mine_slogans({"a": text, "b": text[::-1]})
    assert tuple(t.columns) == SLOGAN_COLUMNS
    assert (t["count"] >= t["doc_freq"]).all()
    occ = slogan_occurrences({"a": text, "b": text[::-1]}, t)
    assert len(occ) == int(t["count"].sum())
    for row in occ.itertuples():
        src = text if row.doc_id == "a" else text[::-1]
        assert src[row.start : row.end] == row.text


# --------------------------------------------------------------------------- CLI


def test_cli_json_lexicon_and_occurrences(seeds_dir: Path, tmp_path: Path) -> None:
    lex = tmp_path / "lex.txt"
    occ = tmp_path / "occ.csv"
    result = CliRunner().invoke(
        cli,
        [
            "slogans",
            str(seeds_dir),
            "--format",
            "json",
            "--kind",
            "numeric",
            "--lexicon",
            str(lex),
            "--occurrences",
            str(occ),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"slogan", "count", "doc_freq", "score", "family", "example"} <= set(rows[0])
    assert {r["kind"] for r in rows} == {"numeric"}
    assert [r["slogan"] for r in rows][:1] == [rows[0]["slogan"]]
    assert lex.read_text(encoding="utf-8").split()[0] == rows[0]["slogan"]
    frame = pd.read_csv(occ, encoding="utf-8-sig")
    assert len(frame) == sum(r["count"] for r in rows)


def test_cli_table_and_usage_errors(seeds_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["slogans", str(seeds_dir), "--format", "table", "--top", "3"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split()[:3] == ["slogan", "kind", "family"]
    assert len(result.output.splitlines()) == 5
    bad = CliRunner().invoke(
        cli, ["slogans", str(seeds_dir), "--occurrences", str(tmp_path / "o.txt")]
    )
    assert bad.exit_code == 2 and ".csv or .parquet" in bad.output
    bad = CliRunner().invoke(cli, ["slogans", str(seeds_dir), "--top", "0"])
    assert bad.exit_code == 2


def test_cli_min_docs_and_its_old_spelling(seeds_dir: Path) -> None:
    outputs = []
    for option in ("--min-docs", "--min-doc-freq"):
        result = CliRunner().invoke(
            cli, ["slogans", str(seeds_dir), "--format", "json", option, "3"]
        )
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    rows = json.loads(outputs[0])
    assert rows and all(r["doc_freq"] >= 3 for r in rows)
    assert outputs[0] == outputs[1]
    everything = json.loads(
        CliRunner().invoke(cli, ["slogans", str(seeds_dir), "--format", "json"]).output
    )
    assert len(everything) > len(rows)
