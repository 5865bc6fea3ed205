"""Keyword tables in bounded memory: counts spilled to disk and merged, the parquet file
written a frame at a time, the vocabulary held packed; every way gives the same table."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import iter_records

import corpus_tools.keywords.counts as counts_module
import corpus_tools.keywords.table as table_module
from corpus_tools.io import write_table
from corpus_tools.keywords import keyness, keyword_table
from corpus_tools.tokens.cache import Vocabulary


@pytest.fixture(scope="module")
def news_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 real 新闻联播 items as JSONL (id, text, year)."""
    path = tmp_path_factory.mktemp("news") / "news.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for rec in iter_records("xinwen_lianbo", limit=2000):
            row = {k: rec[k] for k in ("id", "text", "year")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def small_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts summed every few hundred entries, written to runs and merged a few at a time;
    the sizes of the runs written (filled as they are)."""
    monkeypatch.setattr(counts_module, "_SHORT_PENDING", 400)
    monkeypatch.setattr(counts_module, "_MERGE_ENTRIES", 300)
    monkeypatch.setattr(counts_module, "_MIN_RUN_READ", 8)
    sizes: list[int] = []
    write = counts_module._Runs.write

    def counted_write(self: Any, keys: Any, counts: Any, dfs: Any) -> None:
        sizes.append(len(keys))
        write(self, keys, counts, dfs)

    monkeypatch.setattr(counts_module._Runs, "write", counted_write)
    return sizes


def _run(args: list[str], cache: Path) -> Any:
    from corpus_tools.cli import cli

    return CliRunner().invoke(
        cli, ["keywords", *args], env={"CORPUS_TOOLS_CACHE": str(cache)}, catch_exceptions=False
    )


@pytest.mark.parametrize("options", [{}, {"top": 25, "min_count": 2}])
def test_spilled_counts_give_the_table_counted_in_memory(
    news_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, Any],
) -> None:
    docs = pd.read_json(news_file, lines=True).rename(columns={"id": "doc_id"})
    cache = tmp_path / "cache"
    expected = keyword_table(docs, by="year", cache=cache, **options)
    assert len(expected) > (40 if options else 1000)
    sizes = small_runs(monkeypatch)
    spilled = tmp_path / "spilled"
    for kind in ("cold", "warm"):  # segmented now, then counted from the cache
        got = keyword_table(docs, by="year", cache=spilled, chunk_size=50, **options)
        pd.testing.assert_frame_equal(got, expected)
        assert got.attrs["summary"] == {
            **expected.attrs["summary"],
            "segmented": len(docs) if kind == "cold" else 0,
            "from_cache": 0 if kind == "cold" else len(docs),
        }
    assert len(sizes) > 20  # the counts went through many runs on disk


def test_keyness_of_spilled_counts_is_that_of_counts_in_memory(
    news_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = pd.read_json(news_file, lines=True).rename(columns={"id": "doc_id"})
    expected = keyness(docs, by="year", cache=tmp_path / "cache")
    assert len(expected) > 100
    spilled = small_runs(monkeypatch)
    got = keyness(docs, by="year", cache=tmp_path / "cache", chunk_size=50)
    pd.testing.assert_frame_equal(got, expected)
    assert len(spilled) > 20


def test_cli_writes_the_file_to_parquet_writes_of_the_whole_table(
    news_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    expected = keyword_table(
        pd.read_json(news_file, lines=True).rename(columns={"id": "doc_id"}),
        by="year",
        cache=cache,
    )
    whole = tmp_path / "whole.parquet"
    plain = expected.copy()
    plain.attrs = {}  # (the CLI writes the data only)
    write_table(plain, whole)
    out = tmp_path / "kw.parquet"
    spilled = small_runs(monkeypatch)
    res = _run([str(news_file), "-o", str(out), "--by", "year", "--format", "json"], cache)
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == whole.read_bytes()  # one frame: the same bytes
    summary = json.loads(res.stdout)
    assert (
        summary["rows"] == len(expected) and summary["terms"] == expected.attrs["summary"]["terms"]
    )
    assert summary["tokens"] == expected.attrs["summary"]["tokens"]
    assert spilled  # (and the counts were spilled)
    # frames of 1,000 rows: as many row groups, the same table
    monkeypatch.setattr(table_module, "FRAME_ROWS", 1000)
    framed = tmp_path / "framed.parquet"
    res = _run([str(news_file), "-o", str(framed), "--by", "year", "--format", "json"], cache)
    assert res.exit_code == 0, res.output
    assert pq.ParquetFile(framed).metadata.num_row_groups == -(-len(expected) // 1000)
    pd.testing.assert_frame_equal(pd.read_parquet(framed), pd.read_parquet(whole))
    # the terminal summary previews the first rows
    res = _run([str(news_file), "-o", str(framed), "--by", "year", "--format", "table"], cache)
    assert res.exit_code == 0 and expected["term"].iloc[0] in res.stdout


def test_cli_empty_table_is_written(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "，。、", "year": 2020}) + "\n", "utf-8")
    out = tmp_path / "kw.parquet"
    res = _run([str(src), "-o", str(out), "--by", "year", "--format", "json"], tmp_path / "c")
    assert res.exit_code == 0, res.output
    table = pd.read_parquet(out)
    assert len(table) == 0 and list(table.columns)[:2] == ["year", "term"]
    assert json.loads(res.stdout)["rows"] == 0


# --------------------------------------------------------------------------- vocabulary

ODD = ["a", "ab", "ab\x00", "abc", "abd", "", "社区", "𠀀x", "\ud800", "b", "abcd", "abce", "社"]


def test_vocabulary_ids_words_and_packed_rows() -> None:
    vocab = Vocabulary()
    assert vocab.add(ODD).tolist() == list(range(len(ODD)))
    assert vocab.words == ODD and vocab.lengths.tolist() == [len(w) for w in ODD]
    assert vocab.add(["abce", "新", "a", "新"]).tolist() == [11, 13, 0, 13]
    copy = Vocabulary()
    copy.extend_packed(*vocab.packed(0))
    assert copy.words == vocab.words
    assert copy.add(["新", "社区", "再"]).tolist() == [13, 6, 14]
    assert vocab.packed(13) == _packed(["新"])


def _packed(words: list[str]) -> tuple[bytes, bytes]:
    fresh = Vocabulary()
    fresh.add(words)
    return fresh.packed(0)


def test_vocabulary_finds_words_whose_hashes_collide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        Vocabulary,
        "_hashes",
        staticmethod(lambda ws: np.array([len(w) % 3 for w in ws], dtype=np.int64)),
    )
    rng = random.Random(7)
    words = ["".join(rng.choice("ab社区𠀀") for _ in range(rng.randint(1, 4))) for _ in range(900)]
    vocab = Vocabulary()
    first: dict[str, int] = {}
    for i in range(0, len(words), 100):
        ids = vocab.add(words[i : i + 100]).tolist()
        assert ids == [first.setdefault(w, len(first)) for w in words[i : i + 100]]
    assert vocab.words == list(first)


def test_term_ranks_follow_string_order() -> None:
    rng = random.Random(3)
    words = list(
        dict.fromkeys(
            "".join(rng.choice("ab\x00社区𠀀") for _ in range(rng.randint(1, 6)))
            for _ in range(5000)
        )
    )
    vocab = Vocabulary()
    vocab.add([*ODD, *words])
    ids = np.arange(len(vocab))
    rank = counts_module._ranks(vocab, ids)
    assert vocab.words_of(np.argsort(rank)) == sorted(vocab.words)
