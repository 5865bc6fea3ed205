"""The engines: the same stage functions on the local engine and on a real Dask cluster give
the same output as the default path, byte for byte.

The local engine's tests run the partitioned near-duplicate plan, the keyword counts and the
segmentation in this process and in a pool of processes. The Dask tests start one cluster (2
worker processes) for the module and compare, on the same real text (seed reports, 新闻联播
items, the two transcriptions of the national government work reports), the tables with
``DataFrame.equals`` and their serialised bytes (JSON and parquet).
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

from corpus_tools.dedup import DedupResult, find_near_duplicates, find_near_duplicates_dask
from corpus_tools.engine import DaskEngine, Engine, LocalEngine, as_engine, get_client
from corpus_tools.errors import EngineError, InvalidParameterError
from corpus_tools.io import load_corpus
from corpus_tools.keywords import keyword_table, keyword_table_dask
from corpus_tools.tokens import Segmenter, segment_corpus, segment_corpus_dask

SEEDS = Path(__file__).parent.parent / "data" / "raw"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    """The seed reports, one document per line (the six copies of 003 included)."""
    return load_corpus(SEEDS, split="lines").documents


@pytest.fixture(scope="module")
def seed_copies(seeds: pd.DataFrame) -> pd.DataFrame:
    """The seed lines plus excerpts and partial copies of the longest ones, shuffled."""
    long = sorted(seeds["text"], key=len, reverse=True)[:6]
    planted = []
    for k, text in enumerate(long):
        third = len(text) // 3
        planted.append({"doc_id": f"excerpt-{k}", "text": text[third : 2 * third]})
        other = long[(k + 1) % len(long)]
        planted.append({"doc_id": f"partial-{k}", "text": text[: len(text) // 2] + other[-300:]})
    frame = pd.concat([seeds[["doc_id", "text"]], pd.DataFrame(planted)], ignore_index=True)
    return frame.sample(frac=1.0, random_state=0).reset_index(drop=True)


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


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit="1.5GiB",
        dashboard_address=":0",  # any free port
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture
def unreachable() -> Iterator[str]:
    """The address of a port nobody listens on (dask waits at most 2 s to connect)."""
    dask = pytest.importorskip("dask")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        yield f"tcp://127.0.0.1:{port}"


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def _assert_same_result(local: DedupResult, other: DedupResult) -> None:
    assert other.pairs.equals(local.pairs)
    assert other.clusters.equals(local.clusters)
    assert list(other.pairs.dtypes) == list(local.pairs.dtypes)
    assert json.dumps(other.to_json(), ensure_ascii=False) == json.dumps(
        local.to_json(), ensure_ascii=False
    )
    assert _parquet(other.pairs) == _parquet(local.pairs)
    assert _parquet(other.clusters) == _parquet(local.clusters)


def _assert_same_table(local: pd.DataFrame, other: pd.DataFrame) -> None:
    assert other.equals(local)
    assert list(other.dtypes) == list(local.dtypes)
    assert other.attrs["summary"] == local.attrs["summary"]
    assert _parquet(other) == _parquet(local)
    assert other.to_json(force_ascii=False) == local.to_json(force_ascii=False)


# --------------------------------------------------------------------------- the local engine


def test_local_engine_maps_in_process_and_in_a_pool() -> None:
    items = [[k, k + 1] for k in range(7)]
    with LocalEngine(n_jobs=1) as serial:
        one = list(serial.map(sum, items))
    assert one == [(k, 2 * k + 1) for k in range(7)]  # in order, in this process
    with LocalEngine(n_jobs=2) as pool:
        assert pool.workers() == 2
        assert sorted(pool.map(sum, iter(items))) == one  # lazily read, any order
        handles = [pool.submit(max, -1, pool.scatter(2 * k)) for k in range(3)]
        assert pool.gather(handles) == [0, 2, 4]
        assert sorted(pool.as_completed(handles)) == [(0, 0), (1, 2), (2, 4)]
    # n_jobs=None: a small job runs here, a large one on every core
    assert LocalEngine().workers(work=1000) == 1
    assert LocalEngine().workers(work=10**7) == LocalEngine(n_jobs=-1).workers()


def test_an_engine_opened_by_the_caller_stays_open(seeds: pd.DataFrame) -> None:
    texts = seeds["text"].tolist()
    serial = segment_corpus(texts, cache=False, n_jobs=1)
    engine = LocalEngine(n_jobs=2)
    with engine:
        assert segment_corpus(texts, cache=False, engine=engine) == serial
        assert engine.is_open  # a capability does not close what it was given open
        assert segment_corpus(texts, cache=False, engine=engine, drop_space=False) == (
            segment_corpus(texts, cache=False, n_jobs=1, drop_space=False)
        )
    assert not engine.is_open
    # an engine not yet open is opened for the call and closed after it
    assert segment_corpus(texts, cache=False, engine=engine) == serial
    assert not engine.is_open
    with pytest.raises(RuntimeError, match="LocalEngine is not open"):
        list(engine.map(len, ["x"]))


def test_partitioned_near_duplicates_on_the_local_engine(seed_copies: pd.DataFrame) -> None:
    local = find_near_duplicates(seed_copies)
    assert {"duplicate", "contained", "partial"} <= set(local.pairs["relation"])
    for engine in (LocalEngine(n_jobs=1), LocalEngine(n_jobs=2)):
        for chars in (None, 2_000):  # one partition; many (pairs cross partitions)
            other = find_near_duplicates(seed_copies, engine=engine, partition_chars=chars)
            _assert_same_result(local, other)
    options = {"threshold": 0.3, "bands": 16, "min_anchor_hits": 5, "max_df": 3}
    _assert_same_result(
        find_near_duplicates(seed_copies, **options),
        find_near_duplicates(
            seed_copies, engine=LocalEngine(n_jobs=1), partition_chars=3_000, **options
        ),
    )
    for tiny in ({}, {"a": "坚持党建引领"}):
        _assert_same_result(
            find_near_duplicates(tiny), find_near_duplicates(tiny, engine=LocalEngine(n_jobs=1))
        )


def test_a_dask_dataframe_on_the_local_engine(seed_copies: pd.DataFrame) -> None:
    dd = pytest.importorskip("dask.dataframe")
    lazy = dd.from_pandas(seed_copies[["doc_id", "text"]], npartitions=4, sort=False)
    local = find_near_duplicates(seed_copies)
    _assert_same_result(local, find_near_duplicates(lazy, engine=LocalEngine(n_jobs=1)))
    twice = dd.from_pandas(pd.concat([seed_copies.iloc[:3], seed_copies.iloc[:1]]), npartitions=2)
    with pytest.raises(InvalidParameterError, match=r"must have unique doc_id values"):
        find_near_duplicates(twice, engine=LocalEngine(n_jobs=1))
    with pytest.raises(InvalidParameterError, match=r"Columns \['text'\] are missing"):
        find_near_duplicates(lazy[["doc_id"]], engine=LocalEngine(n_jobs=1))


def test_keyword_counts_on_a_pool_and_the_cache_of_this_process(
    seeds: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = seeds.assign(half=[i % 2 for i in range(len(seeds))])
    seg = Segmenter()
    serial = keyword_table(corpus, by="half", segmenter=seg, cache=False, n_jobs=1, chunk_size=7)
    pooled = keyword_table(
        corpus, by="half", segmenter=seg, cache=tmp_path, engine=LocalEngine(2), chunk_size=7
    )
    assert len(serial) > 500
    _assert_same_table(serial, pooled)
    assert pooled.attrs["summary"]["segmented"] == len(corpus)
    assert (tmp_path / "segments-v2.sqlite").is_file()

    # the lengths the workers sent back were written here: a rerun segments nothing
    def refuse(self: Segmenter, text: str, *, drop_space: bool = False) -> list[str]:
        raise AssertionError("segmented again")

    monkeypatch.setattr(Segmenter, "cut", refuse)
    again = keyword_table(corpus, by="half", segmenter=seg, cache=tmp_path, chunk_size=7)
    assert again.equals(serial)
    assert again.attrs["summary"]["from_cache"] == len(corpus)
    assert again.attrs["summary"]["segmented"] == 0


# --------------------------------------------------------------------------- resolving


def test_as_engine_checks_its_arguments() -> None:
    assert isinstance(as_engine(None), LocalEngine)
    assert isinstance(as_engine("dask"), DaskEngine)
    given = LocalEngine(n_jobs=1)
    assert as_engine(given) is given
    with pytest.raises(InvalidParameterError, match="'engine' parameter of f must be one of"):
        as_engine("spark", func="f")
    with pytest.raises(InvalidParameterError, match="'scheduler' parameter of f needs engine="):
        as_engine("local", scheduler="tcp://x:1", func="f")
    with pytest.raises(InvalidParameterError, match="an Engine brings its own"):
        as_engine(given, scheduler="tcp://x:1", func="f")
    with pytest.raises(InvalidParameterError, match="'scheduler' parameter of f must be an"):
        as_engine("dask", scheduler=8786, func="f")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'n_jobs' parameter of f must be a posit"):
        as_engine("local", n_jobs=0, func="f")
    with pytest.raises(InvalidParameterError, match="'start_method' parameter of LocalEngine"):
        LocalEngine(start_method="thread")
    assert issubclass(LocalEngine, Engine) and issubclass(DaskEngine, Engine)


def test_engine_arguments_of_the_capabilities(seeds: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="'scheduler' parameter of segment_corpus"):
        segment_corpus(seeds, scheduler="tcp://x:1")
    with pytest.raises(InvalidParameterError, match="'engine' parameter of find_near_duplicates"):
        find_near_duplicates(seeds, engine="spark")
    with pytest.raises(InvalidParameterError, match="'engine' parameter of keyword_table"):
        keyword_table(seeds, engine=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'partition_chars' parameter of find_near"):
        find_near_duplicates({"a": "x"}, engine=LocalEngine(n_jobs=1), partition_chars=0)
    with pytest.raises(InvalidParameterError, match="'client' parameter of DaskEngine"):
        DaskEngine(client="tcp://x:1")


# --------------------------------------------------------------------------- unreachable


def test_an_unreachable_scheduler_is_one_error(unreachable: str) -> None:
    expected = (
        r"The 'scheduler' parameter of {} must be the address of a running dask scheduler "
        r"\(start one with 'dask scheduler'\)\. 'tcp://127\.0\.0\.1:\d+' cannot be reached"
    )
    docs = {"a": "坚持党建引领，推动基层治理。", "b": "开展三会一课"}
    with pytest.raises(EngineError, match=expected.format("segment_corpus")):
        segment_corpus(docs.values(), cache=False, engine="dask", scheduler=unreachable)
    with pytest.raises(EngineError, match=expected.format("keyword_table")):
        keyword_table(docs, cache=False, engine="dask", scheduler=unreachable)
    with pytest.raises(EngineError, match=expected.format("find_near_duplicates")):
        find_near_duplicates(docs, engine="dask", scheduler=unreachable)
    with pytest.raises(EngineError, match=expected.format("get_client")), get_client(unreachable):
        pass  # pragma: no cover - never entered
    with (
        pytest.raises(EngineError, match=expected.format("DaskEngine")),
        DaskEngine(scheduler=unreachable),
    ):
        pass  # pragma: no cover - never entered


def test_the_cli_names_an_unreachable_scheduler(unreachable: str) -> None:
    from click.testing import CliRunner

    from corpus_tools.cli import cli

    path = str(next(SEEDS.glob("003_*.txt")))
    for command in (["segment", "--no-cache"], ["dedup"]):
        result = CliRunner().invoke(
            cli, [*command, path, "--engine", "dask", "--scheduler", unreachable]
        )
        assert result.exit_code == 2
        assert "must be the address of a running dask scheduler" in result.stderr


# --------------------------------------------------------------------------- Dask: segmentation


@pytest.mark.slow
def test_segment_tokens_identical(client: Any, seeds: pd.DataFrame, news: pd.DataFrame) -> None:
    short = news[news["text"].str.len() < 2500].iloc[:50]
    corpus = pd.concat([seeds, short], ignore_index=True)
    seg = Segmenter()
    for drop_space in (True, False):
        local = segment_corpus(corpus, segmenter=seg, cache=False, drop_space=drop_space)
        dask = segment_corpus(
            corpus, segmenter=seg, cache=False, drop_space=drop_space, engine=DaskEngine(client)
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


@pytest.mark.slow
def test_segment_cache_written_by_dask_serves_the_default_engine(
    client: Any, news: pd.DataFrame, tmp_path: Path
) -> None:
    texts = news["text"].tolist()[:60]
    first = Segmenter()
    tokens = segment_corpus(
        texts + texts[:5], segmenter=first, cache=tmp_path, engine=DaskEngine(client)
    )
    assert first.cache_stats() == {"hits": 0, "misses": 65}
    second = Segmenter()
    assert segment_corpus(texts, segmenter=second, cache=tmp_path) == tokens[:60]
    assert second.cache_stats() == {"hits": 60, "misses": 0}


# --------------------------------------------------------------------------- Dask: keywords


@pytest.mark.slow
def test_keyword_table_identical(client: Any, news: pd.DataFrame, tmp_path: Path) -> None:
    seg = Segmenter()
    local = keyword_table(news, by="year", segmenter=seg, cache=False, chunk_size=50)
    dask = keyword_table(
        news, by="year", segmenter=seg, cache=False, chunk_size=50, engine=DaskEngine(client)
    )
    assert len(local) > 1000 and local["year"].nunique() > 1
    _assert_same_table(local, dask)
    # the cache is written by this process from the lengths the workers send back
    cached = keyword_table(
        news, by="year", segmenter=seg, cache=tmp_path, chunk_size=50, engine=DaskEngine(client)
    )
    assert cached.equals(local) and cached.attrs["summary"]["from_cache"] == 0
    again = keyword_table(news, by="year", segmenter=Segmenter(), cache=tmp_path, chunk_size=50)
    assert again.equals(local) and again.attrs["summary"]["segmented"] == 0
    # the engine opened (and closed) nothing of ours: our client is still the default
    distributed = pytest.importorskip("distributed")
    assert distributed.default_client() is client


# --------------------------------------------------------------------------- Dask: near-duplicates


@pytest.mark.slow
def test_near_duplicates_identical_on_real_copies(client: Any, copies: pd.DataFrame) -> None:
    local = find_near_duplicates(copies, progress=False)
    relations = set(local.pairs["relation"])
    # the corpus holds every kind of copy: a test that cannot fail proves nothing
    assert {"duplicate", "near-duplicate", "contained", "partial"} <= relations
    assert local.clusters["cluster"].nunique() >= 5
    _assert_same_result(local, find_near_duplicates(copies, engine=DaskEngine(client)))
    # many small partitions: band keys and anchors cross buckets and workers
    many = find_near_duplicates(copies, engine=DaskEngine(client), partition_chars=150_000)
    _assert_same_result(local, many)


@pytest.mark.slow
def test_near_duplicates_of_a_dask_dataframe(client: Any, copies: pd.DataFrame) -> None:
    """Partitions read on the workers (only doc_ids travel): the same result."""
    import dask.dataframe as dd

    local = find_near_duplicates(copies, progress=False)
    lazy = dd.from_pandas(copies[["doc_id", "text"]], npartitions=5, sort=False)
    _assert_same_result(local, find_near_duplicates(lazy, engine=DaskEngine(client)))
    twice = dd.from_pandas(pd.concat([copies.iloc[:3], copies.iloc[:1]]), npartitions=2)
    with pytest.raises(InvalidParameterError, match=r"must have unique doc_id values"):
        find_near_duplicates(twice, engine=DaskEngine(client))


@pytest.mark.slow
def test_near_duplicates_identical_with_options(client: Any, copies: pd.DataFrame) -> None:
    sample = copies.iloc[: len(copies) // 2]
    options = {"threshold": 0.3, "bands": 16, "min_anchor_hits": 5, "max_df": 3}
    local = find_near_duplicates(sample, progress=False, **options)
    dask = find_near_duplicates(
        sample, engine=DaskEngine(client), partition_chars=300_000, **options
    )
    assert len(local.pairs) > 0
    _assert_same_result(local, dask)


@pytest.mark.slow
def test_tiny_corpora_and_the_session_client(client: Any, seeds: pd.DataFrame) -> None:
    for corpus in ({}, {"a": "坚持党建引领"}, seeds.iloc[:3]):
        # engine="dask" without a scheduler: the session's default client (the fixture's)
        _assert_same_result(
            find_near_duplicates(corpus), find_near_duplicates(corpus, engine="dask")
        )
    assert segment_corpus([], cache=False, engine="dask") == []


# --------------------------------------------------------------------------- Dask: errors, wiring


@pytest.mark.slow
def test_dask_engine_errors(client: Any) -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"'client' and 'scheduler' parameters of DaskEngine are exclusive",
    ):
        DaskEngine(client, scheduler="tcp://x:1")
    with pytest.raises(
        InvalidParameterError,
        match=r"'threshold' parameter of find_near_duplicates must be a float in \[0, 1\]",
    ):
        find_near_duplicates({"a": "x"}, engine=DaskEngine(client), threshold=1.5)
    with pytest.raises(InvalidParameterError, match=r"'n_jobs' parameter of segment_corpus"):
        segment_corpus(["坚持"], cache=False, engine=DaskEngine(client), n_jobs=0)


@pytest.mark.slow
def test_the_deprecated_dask_functions_warn_and_still_work(
    client: Any, seeds: pd.DataFrame
) -> None:
    with pytest.warns(DeprecationWarning, match="segment_corpus_dask is deprecated"):
        tokens = segment_corpus_dask(seeds, cache=False, client=client, partition_chars=20_000)
    assert tokens == segment_corpus(seeds, cache=False)
    with pytest.warns(DeprecationWarning, match="keyword_table_dask is deprecated"):
        table = keyword_table_dask(seeds, cache=False, client=client)
    assert table.equals(keyword_table(seeds, cache=False))
    with pytest.warns(DeprecationWarning, match="find_near_duplicates_dask is deprecated"):
        result = find_near_duplicates_dask(seeds, client=client, partition_chars=20_000)
    _assert_same_result(find_near_duplicates(seeds), result)
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(InvalidParameterError, match=r"parameters of keyword_table_dask are excl"),
    ):
        keyword_table_dask(seeds, client=client, scheduler="tcp://x:1")


@pytest.mark.slow
def test_engine_dask_in_the_default_functions(client: Any, seeds: pd.DataFrame) -> None:
    address = client.scheduler.address
    local = find_near_duplicates(seeds)
    remote = find_near_duplicates(seeds, engine="dask", scheduler=address)
    assert remote.pairs.equals(local.pairs) and remote.clusters.equals(local.clusters)
    assert segment_corpus(seeds, cache=False, engine="dask", scheduler=address) == segment_corpus(
        seeds, cache=False
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "extra"),
    [("dedup", ["--format", "json"]), ("segment", ["--format", "jsonl", "--no-cache"])],
)
def test_cli_engine_dask_prints_the_same(client: Any, command: str, extra: list[str]) -> None:
    from click.testing import CliRunner

    from corpus_tools.cli import cli

    path = str(next(SEEDS.glob("003_*.txt")))
    args = [command, path, "--split", "lines", *extra]
    local = CliRunner().invoke(cli, args)
    remote = CliRunner().invoke(
        cli, [*args, "--engine", "dask", "--scheduler", client.scheduler.address]
    )
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout
    bad = CliRunner().invoke(cli, [*args, "--scheduler", client.scheduler.address])
    assert bad.exit_code == 2 and "--scheduler needs --engine dask" in bad.stderr
