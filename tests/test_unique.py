"""Each group of exact or near-exact copies counted once: unique_corpus, mine_slogans(unique=),
``corpus-tools slogans --unique`` (issue 20, item 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

import corpus_tools as ct
from corpus_tools.cli import cli
from corpus_tools.dedup import copies_note, unique_corpus
from corpus_tools.errors import InvalidParameterError
from corpus_tools.slogans import mine_slogans

#: The first of seed 003's six copies of one report, read with --split auto.
FIRST_COPY = "003_9b7675b2e4522a57.txt:4"


@pytest.fixture(scope="module")
def auto_corpus(seeds_dir: Path) -> pd.DataFrame:
    """The seeds as the README's commands read them (--split auto): 13 documents."""
    return ct.load_corpus(str(seeds_dir), split="auto").documents


def _count(table: pd.DataFrame, slogan: str) -> int:
    return int(table.set_index("slogan").loc[slogan, "count"])


def test_the_six_copies_of_seed_003_are_one_document(auto_corpus: pd.DataFrame) -> None:
    unique = unique_corpus(auto_corpus)
    assert len(auto_corpus) == 13 and len(unique) == 8
    assert int(unique["copies"].sum()) == len(auto_corpus)
    group = unique[unique["copies"] > 1]
    assert group["doc_id"].tolist() == [FIRST_COPY]
    (others,) = group["copy_ids"].tolist()
    assert others == [f"003_9b7675b2e4522a57.txt:{i}" for i in range(5, 10)]
    # the documents kept are the corpus's rows, in corpus order, with their columns
    kept = auto_corpus.set_index("doc_id").loc[unique["doc_id"]]
    assert unique["text"].tolist() == kept["text"].tolist()
    assert list(unique.columns) == [*auto_corpus.columns, "copies", "copy_ids"]
    assert copies_note(unique) == "6 copies of one document counted once"
    assert len(auto_corpus) == 13 and "copies" not in auto_corpus.columns  # not mutated


def test_collapsing_twice_changes_nothing(auto_corpus: pd.DataFrame) -> None:
    once = unique_corpus(auto_corpus)
    twice = unique_corpus(once)
    assert twice["doc_id"].tolist() == once["doc_id"].tolist()
    assert twice["copies"].tolist() == once["copies"].tolist()
    assert twice["copy_ids"].tolist() == once["copy_ids"].tolist()


def test_a_partial_copy_is_not_a_copy(seeds_dir: Path) -> None:
    whole = ct.load_corpus(str(next(seeds_dir.glob("000_*.txt")))).documents
    source = whole["text"].iloc[0]
    partial = ct.load_texts({"partial": "本社区的情况另行撰写。\n" + source[300:1500]})
    refiled = ct.load_texts({"refiled": source.replace("2022", "2023")})
    docs = pd.concat([whole, partial, refiled], ignore_index=True)
    unique = unique_corpus(docs)
    # the refiled report (a changed year) is a copy; the excerpt reuses a part only
    assert unique["doc_id"].tolist() == [whole["doc_id"].iloc[0], "partial"]
    assert unique["copies"].tolist() == [2, 1]


def test_the_duplicates_given_are_used(
    auto_corpus: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corpus_tools.dedup.unique as unique_module

    found = ct.find_near_duplicates(auto_corpus)

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("searched again")

    monkeypatch.setattr(unique_module, "find_near_duplicates", boom)
    assert len(unique_corpus(auto_corpus, duplicates=found)) == 8
    with pytest.raises(InvalidParameterError, match="'duplicates' parameter of unique_corpus"):
        unique_corpus(auto_corpus.head(5), duplicates=found)


def test_bad_arguments(auto_corpus: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="'threshold' parameter of unique_corpus"):
        unique_corpus(auto_corpus, threshold=1.5)
    with pytest.raises(InvalidParameterError, match="'unique' parameter of copies_note"):
        copies_note(auto_corpus)
    with pytest.raises(InvalidParameterError, match="'unique' parameter of mine_slogans"):
        mine_slogans(auto_corpus, unique="yes")  # type: ignore[arg-type]


def test_two_editions_of_each_national_report_are_one(corpora_dir: Path) -> None:
    from conftest import iter_records

    recs = list(iter_records("state_council_gwr"))
    docs = pd.DataFrame(
        {
            "doc_id": [r["id"] for r in recs],
            "text": [r["text"] for r in recs],
            "work_key": [r["work_key"] for r in recs],
        }
    )
    unique = unique_corpus(docs)
    work = dict(zip(docs["doc_id"], docs["work_key"], strict=True))
    groups = unique[unique["copies"] > 1]
    # the corpus holds most government work reports twice (two sources, -ro and -ws): each
    # pair is one text; every group collapsed is one work
    assert len(groups) >= 40 and set(groups["copies"]) == {2}
    for doc, others in zip(groups["doc_id"], groups["copy_ids"], strict=True):
        assert {work[d] for d in (doc, *others)} == {work[doc]}
    # two yearly NPC resolutions share half their wording: not copies
    assert {"npcres-2014-ws", "npcres-2015-ws"} <= set(unique["doc_id"])


def test_slogans_of_distinct_texts(auto_corpus: pd.DataFrame) -> None:
    every = mine_slogans(auto_corpus)
    distinct = mine_slogans(auto_corpus, unique=True)
    # each copy of 003's report adds its 三社联动 again: 40 in all, 10 in distinct texts
    assert _count(every, "三社联动") == 40 and _count(distinct, "三社联动") == 10
    assert _count(every, "两委") == 24 and _count(distinct, "两委") == 14
    assert distinct.attrs["unique"] == "6 copies of one document counted once"
    assert "unique" not in every.attrs
    # the same as mining the collapsed corpus
    pd.testing.assert_frame_equal(
        mine_slogans(unique_corpus(auto_corpus)), distinct, check_like=False
    )


def test_cli_slogans_unique(seeds_dir: Path) -> None:
    import json

    def run(*extra: str) -> Any:
        result = CliRunner().invoke(
            cli, ["slogans", str(seeds_dir), "--split", "auto", "--format", "json", *extra]
        )
        assert result.exit_code == 0, result.output
        return result

    every = {r["slogan"]: r["count"] for r in json.loads(run().stdout)}
    once = run("--unique")
    distinct = {r["slogan"]: r["count"] for r in json.loads(once.stdout)}
    assert every["三社联动"] == 40 and distinct["三社联动"] == 10
    assert "6 copies of one document counted once (8 distinct documents of 13)" in once.stderr


def test_cli_corpus_level_commands_take_unique(seeds_dir: Path) -> None:
    import json

    def run(command: str, *extra: str) -> Any:
        args = [command, str(seeds_dir), "--split", "auto", "--format", "json", *extra]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        return result

    note = "unique: 6 copies of one document counted once (8 distinct documents of 13)"
    every = {c: run(c) for c in ("placeholders", "boilerplate", "formulas")}
    once = {c: run(c, "--unique") for c in every}
    assert all(note in r.stderr for r in once.values())
    assert not any("unique:" in r.stderr for r in every.values())
    spans = {
        k: len(json.loads(r.stdout)["spans"])
        for k, r in (("e", every["placeholders"]), ("u", once["placeholders"]))
    }
    assert spans == {"e": 442, "u": 197}  # 49 placeholders in each of the six copies
    kinds = {
        k: {p["kind"] for p in json.loads(r.stdout)["passages"]}
        for k, r in (("e", every["boilerplate"]), ("u", once["boilerplate"]))
    }
    assert kinds == {"e": {"repeated", "watermark"}, "u": {"watermark"}}
    # the phrases "repeated" in three documents or more were the copies'
    assert len(json.loads(every["formulas"].stdout)["formulas"]) > 100
    assert json.loads(once["formulas"].stdout)["formulas"] == []


def test_cli_keywords_unique(seeds_dir: Path, tmp_path: Path) -> None:
    """keywords --unique reads the corpus whole, collapses the copies, then counts."""

    def counts(*extra: str) -> tuple[dict[str, tuple[int, int]], str]:
        out = tmp_path / f"k{len(extra)}.csv"
        args = ["keywords", str(seeds_dir), "--split", "auto", "-o", str(out), "--no-cache"]
        result = CliRunner().invoke(cli, [*args, *extra])
        assert result.exit_code == 0, result.output
        table = pd.read_csv(out, encoding="utf-8-sig")
        rows = table.set_index("term")[["count", "docs"]]
        return {t: (int(c), int(d)) for t, (c, d) in rows.iterrows()}, result.stderr

    every, _ = counts()
    once, stderr = counts("--unique")
    assert every["三社联动"] == (40, 13) and once["三社联动"] == (10, 8)
    assert "6 copies of one document counted once (8 distinct documents of 13)" in stderr
