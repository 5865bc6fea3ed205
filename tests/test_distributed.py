"""The Dask engine against a real local cluster: the same output as the default engine, byte for byte.

One cluster (2 worker processes) is started for the whole module; every comparison runs
the default engine and the Dask engine on the same real text (seed reports, 新闻联播 items,
the two transcriptions of the national government work reports) and compares the tables
with ``DataFrame.equals`` and their serialised bytes (JSON and parquet).
"""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import iter_records

from corpus_tools.dedup import DedupResult, find_near_duplicates
from corpus_tools.distributed import (
    find_near_duplicates_dask,
    get_client,
    keyword_table_dask,
    segment_corpus_dask,
)
from corpus_tools.errors import InvalidParameterError
from corpus_tools.io import load_corpus
from corpus_tools.keywords import keyword_table
from corpus_tools.tokens import Segmenter, segment_corpus

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow  # a real cluster: worker processes start in a few seconds


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit="1.5GiB",
        dashboard_address=None,
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    """The seed reports, one document per line (the six copies of 003 included)."""
    return load_corpus(Path(__file__).parent.parent / "data" / "raw", split="lines").documents


@pytest.fixture(scope="module")
def news() -> pd.DataFrame:
    """About 200 real 新闻联播 items (every 100th), from 2022 to 2026, with their year."""
    rows = [
        {"doc_id": r["id"], "text": r["text"], "year": r["year"]}
        for i, r in enumerate(iter_records("xinwen_lianbo"))
        if i % 100 == 0
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def copies(seeds: pd.DataFrame, news: pd.DataFrame) -> pd.DataFrame:
    """Seeds + news + the national reports' two transcriptions + planted excerpts/partials."""
    reports = [
        {"doc_id": r["id"], "text": r["text"]}
        for r in iter_records("state_council_gwr")
        if r["doc_type"] == "state_council_gwr" and 1990 <= int(r["year"] or 0) <= 2005
    ]
    planted = []
    long_news = [t for t in news["text"] if len(t) > 1500][:12]
    for k, text in enumerate(long_news):
        third = len(text) // 3
        planted.append({"doc_id": f"excerpt-{k:02d}", "text": text[third : 2 * third]})
        other = long_news[(k + 1) % len(long_news)]
        planted.append(
            {"doc_id": f"partial-{k:02d}", "text": text[: len(text) // 2] + other[-800:]}
        )
    frame = pd.concat(
        [seeds[["doc_id", "text"]], news[["doc_id", "text"]], pd.DataFrame(reports + planted)],
        ignore_index=True,
    )
    assert len(reports) >= 10 and len(planted) >= 10
    return frame.sample(frac=1.0, random_state=0).reset_index(drop=True)  # order must not matter


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def _assert_same_result(local: DedupResult, dask: DedupResult) -> None:
    assert dask.pairs.equals(local.pairs)
    assert dask.clusters.equals(local.clusters)
    assert list(dask.pairs.dtypes) == list(local.pairs.dtypes)
    assert json.dumps(dask.to_json(), ensure_ascii=False) == json.dumps(
        local.to_json(), ensure_ascii=False
    )
    assert _parquet(dask.pairs) == _parquet(local.pairs)
    assert _parquet(dask.clusters) == _parquet(local.clusters)


# --------------------------------------------------------------------------- segmentation


def test_segment_tokens_identical(client: Any, seeds: pd.DataFrame, news: pd.DataFrame) -> None:
    short = news[news["text"].str.len() < 2500].iloc[:50]
    corpus = pd.concat([seeds, short], ignore_index=True)
    seg = Segmenter()
    for drop_space in (True, False):
        local = segment_corpus(corpus, segmenter=seg, cache=False, drop_space=drop_space)
        dask = segment_corpus_dask(
            corpus,
            segmenter=seg,
            cache=False,
            drop_space=drop_space,
            client=client,
            partition_chars=20_000,  # several tasks on both workers
        )
        assert dask == local
        lines = [
            json.dumps({"doc_id": d, "tokens": t}, ensure_ascii=False)
            for d, t in zip(corpus["doc_id"], dask, strict=True)
        ]
        assert "\n".join(lines) == "\n".join(
            json.dumps({"doc_id": d, "tokens": t}, ensure_ascii=False)
            for d, t in zip(corpus["doc_id"], local, strict=True)
        )
    # with whitespace kept, the tokens join to the text as loaded
    assert ["".join(t) for t in dask] == corpus["text"].tolist()


def test_segment_cache_written_by_dask_serves_the_default_engine(
    client: Any, news: pd.DataFrame, tmp_path: Path
) -> None:
    texts = news["text"].tolist()[:60]
    first = Segmenter()
    tokens = segment_corpus_dask(texts + texts[:5], segmenter=first, cache=tmp_path, client=client)
    assert first.cache_stats() == {"hits": 0, "misses": 65}
    second = Segmenter()
    assert segment_corpus(texts, segmenter=second, cache=tmp_path) == tokens[:60]
    assert second.cache_stats() == {"hits": 60, "misses": 0}


# --------------------------------------------------------------------------- keywords


def test_keyword_table_identical(client: Any, news: pd.DataFrame, tmp_path: Path) -> None:
    seg = Segmenter()
    local = keyword_table(news, by="year", segmenter=seg, cache=False, chunk_size=50)
    dask = keyword_table_dask(
        news, by="year", segmenter=seg, cache=False, chunk_size=50, client=client
    )
    assert len(local) > 1000 and local["year"].nunique() > 1
    assert dask.equals(local)
    assert list(dask.dtypes) == list(local.dtypes)
    assert dask.attrs["summary"] == local.attrs["summary"]
    assert _parquet(dask) == _parquet(local)
    assert dask.to_json(force_ascii=False) == local.to_json(force_ascii=False)
    # the keyword module opened (and closed) its own connection: ours is still the default
    assert distributed.default_client() is client


# --------------------------------------------------------------------------- near-duplicates


def test_near_duplicates_identical_on_real_copies(client: Any, copies: pd.DataFrame) -> None:
    local = find_near_duplicates(copies, progress=False)
    relations = set(local.pairs["relation"])
    # the corpus holds every kind of copy: a test that cannot fail proves nothing
    assert {"duplicate", "near-duplicate", "contained", "partial"} <= relations
    assert local.clusters["cluster"].nunique() >= 5
    dask = find_near_duplicates_dask(copies, client=client)
    _assert_same_result(local, dask)
    # many small partitions: band keys and anchors cross buckets and workers
    many = find_near_duplicates_dask(copies, client=client, partition_chars=150_000)
    _assert_same_result(local, many)


def test_near_duplicates_of_a_dask_dataframe(client: Any, copies: pd.DataFrame) -> None:
    """Partitions read on the workers (only doc_ids travel): the same result."""
    import dask.dataframe as dd

    local = find_near_duplicates(copies, progress=False)
    lazy = dd.from_pandas(copies[["doc_id", "text"]], npartitions=5, sort=False)
    _assert_same_result(local, find_near_duplicates_dask(lazy, client=client))
    twice = dd.from_pandas(pd.concat([copies.iloc[:3], copies.iloc[:1]]), npartitions=2)
    with pytest.raises(InvalidParameterError, match=r"must have unique doc_id values"):
        find_near_duplicates_dask(twice, client=client)
    with pytest.raises(InvalidParameterError, match=r"Columns \['text'\] are missing"):
        find_near_duplicates_dask(lazy[["doc_id"]], client=client)


def test_near_duplicates_identical_with_options(client: Any, copies: pd.DataFrame) -> None:
    sample = copies.iloc[: len(copies) // 2]
    options = {"threshold": 0.3, "bands": 16, "min_anchor_hits": 5, "max_df": 3}
    local = find_near_duplicates(sample, progress=False, **options)
    dask = find_near_duplicates_dask(sample, client=client, partition_chars=300_000, **options)
    assert len(local.pairs) > 0
    _assert_same_result(local, dask)


def test_tiny_corpora_and_the_session_client(client: Any, seeds: pd.DataFrame) -> None:
    for corpus in ({}, {"a": "坚持党建引领"}, seeds.iloc[:3]):
        # no client given: the session's default client (the fixture's) is used
        _assert_same_result(find_near_duplicates(corpus), find_near_duplicates_dask(corpus))
    assert segment_corpus_dask([], cache=False) == []


# --------------------------------------------------------------------------- errors


def test_errors(client: Any) -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"'client' parameter of find_near_duplicates_dask must be a distributed.Client",
    ):
        find_near_duplicates_dask({"a": "x"}, client="tcp://x:1")
    with pytest.raises(
        InvalidParameterError,
        match=r"'client' and 'scheduler' parameters of segment_corpus_dask are exclusive",
    ):
        segment_corpus_dask(["坚持"], cache=False, client=client, scheduler="tcp://x:1")
    with pytest.raises(
        InvalidParameterError,
        match=r"'partition_chars' parameter of find_near_duplicates_dask must be an int in \[1",
    ):
        find_near_duplicates_dask({"a": "x"}, client=client, partition_chars=0)
    with pytest.raises(
        InvalidParameterError,
        match=r"'threshold' parameter of find_near_duplicates_dask must be a float in \[0, 1\]",
    ):
        find_near_duplicates_dask({"a": "x"}, client=client, threshold=1.5)
    with pytest.raises(
        InvalidParameterError,
        match=r"'scheduler' parameter of keyword_table_dask must be an address",
    ):
        keyword_table_dask({"a": "x"}, client=client, scheduler=8786)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"'n_jobs' parameter of segment_corpus_dask"):
        segment_corpus_dask(["坚持"], cache=False, client=client, n_jobs=0)


def test_unreachable_scheduler_is_named() -> None:
    with socket.socket() as sock:  # a free port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with (
        pytest.raises(InvalidParameterError, match=r"cannot be reached"),
        get_client(address, timeout=2),
    ):
        pass  # pragma: no cover - never entered


# --------------------------------------------------------------------------- the wiring


def test_engine_dask_in_the_default_functions(client: Any, seeds: pd.DataFrame) -> None:
    address = client.scheduler.address
    local = find_near_duplicates(seeds)
    remote = find_near_duplicates(seeds, engine="dask", scheduler=address)
    assert remote.pairs.equals(local.pairs) and remote.clusters.equals(local.clusters)
    assert segment_corpus(seeds, cache=False, engine="dask", scheduler=address) == segment_corpus(
        seeds, cache=False
    )
    with pytest.raises(InvalidParameterError, match="'scheduler' parameter of segment_corpus"):
        segment_corpus(seeds, scheduler=address)
    with pytest.raises(InvalidParameterError, match="'engine' parameter of find_near_duplicates"):
        find_near_duplicates(seeds, engine="spark")


@pytest.mark.parametrize(
    ("command", "extra"),
    [("dedup", ["--format", "json"]), ("segment", ["--format", "jsonl", "--no-cache"])],
)
def test_cli_engine_dask_prints_the_same(client: Any, command: str, extra: list[str]) -> None:
    from click.testing import CliRunner

    from corpus_tools.cli import cli

    path = str(next((Path(__file__).parent.parent / "data" / "raw").glob("003_*.txt")))
    args = [command, path, "--split", "lines", *extra]
    local = CliRunner().invoke(cli, args)
    remote = CliRunner().invoke(
        cli, [*args, "--engine", "dask", "--scheduler", client.scheduler.address]
    )
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout
    bad = CliRunner().invoke(cli, [*args, "--scheduler", client.scheduler.address])
    assert bad.exit_code == 2 and "--scheduler needs --engine dask" in bad.stderr
