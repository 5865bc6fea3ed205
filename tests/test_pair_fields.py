"""Near-duplicate pairs and clusters carry what a researcher joins on: the documents' titles
and metadata fields (issue 20, item 3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools.errors import InvalidParameterError


@pytest.fixture(scope="module")
def gwr_file(corpora_dir: Path) -> Path:
    from conftest import corpus_file

    path = corpus_file("state_council_gwr")
    if path is None:
        pytest.skip("state_council_gwr not found")
    return path


@pytest.fixture(scope="module")
def gwr_table(gwr_file: Path) -> pd.DataFrame:
    return ct.load_corpus(str(gwr_file)).documents


def test_pairs_carry_titles_and_years(gwr_table: pd.DataFrame) -> None:
    result = ct.find_near_duplicates(gwr_table)
    pairs = result.pairs
    assert pairs.columns.tolist()[:6] == [
        "a",
        "b",
        "similarity",
        "containment",
        "copy_ratio",
        "relation",
    ]
    assert {"title_a", "title_b", "year_a", "year_b"} <= set(pairs.columns)
    titles = dict(zip(gwr_table["doc_id"], gwr_table["title"], strict=True))
    years = dict(zip(gwr_table["doc_id"], gwr_table["year"], strict=True))
    assert pairs["title_a"].tolist() == [titles[d] for d in pairs["a"]]
    assert pairs["title_b"].tolist() == [titles[d] for d in pairs["b"]]
    assert pairs["year_b"].tolist() == [years[d] for d in pairs["b"]]
    assert pairs["year_a"].dtype == gwr_table["year"].dtype
    # the two editions of a government work report (their titles differ by the issuer's
    # name): the same year, and the titles say which report it is
    copies = pairs[pairs["relation"] == "near-duplicate"]
    same = copies[copies["a"].str.startswith("gwr-")]
    assert len(same) >= 40 and (same["year_a"] == same["year_b"]).all()
    for a, b, year in zip(same["title_a"], same["title_b"], same["year_a"], strict=True):
        assert a.startswith(f"{year}年") and b.startswith(f"{year}年") and "政府工作报告" in a + b
    # the clusters name each member
    clusters = result.clusters
    assert clusters["title"].tolist() == [titles[d] for d in clusters["doc_id"]]
    # the CLI's JSON is the contract's, unchanged
    assert set(result.to_json()["pairs"][0]) == {
        "a",
        "b",
        "similarity",
        "containment",
        "relation",
        "copy_ratio",
    }


def test_a_stream_carries_the_same_fields(gwr_file: Path, gwr_table: pd.DataFrame) -> None:
    table = ct.find_near_duplicates(gwr_table)
    stream = ct.find_near_duplicates(ct.stream_corpus(gwr_file, chunk_size=16))
    fields = ["title_a", "title_b", "year_a", "year_b"]
    assert (
        stream.pairs[["a", "b", *fields]]
        .astype(str)
        .equals(table.pairs[["a", "b", *fields]].astype(str))
    )


def test_keep_chooses_the_fields(seeds_dir: Path) -> None:
    docs = ct.load_corpus(str(seeds_dir), split="auto").documents
    auto = ct.find_near_duplicates(docs).pairs
    # --split auto gives each report its line: the metadata a reader finds it by
    assert auto[["a", "line_a", "line_b"]].iloc[0].tolist() == ["003_9b7675b2e4522a57.txt:4", 4, 5]
    assert "title_a" in auto.columns and "source_a" not in auto.columns
    only = ct.find_near_duplicates(docs, keep=["title"]).pairs
    assert [c for c in only.columns if c.endswith(("_a", "_b"))] == ["title_a", "title_b"]
    bare = ct.find_near_duplicates(docs, keep=None)
    assert bare.pairs.columns.tolist() == list(auto.columns[:6])
    assert bare.clusters.columns.tolist() == ["cluster", "doc_id", "size"]
    with pytest.raises(InvalidParameterError, match="'keep' parameter of find_near_duplicates"):
        ct.find_near_duplicates(docs, keep=["province"])
