"""Streaming: a corpus read a chunk at a time gives what the in-memory functions give.

``stream_corpus`` chunks against ``load_corpus``; keyword tables, keyness and
near-duplicates of a stream against those of the whole table; an index whose texts spill
to disk against one built in memory; and the CLI commands that now stream.
"""

from __future__ import annotations

import gc
import gzip
import json
import math
import random
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import iter_records

from corpus_tools.cli import cli
from corpus_tools.dedup import DedupIndex, DedupResult, find_near_duplicates
from corpus_tools.dedup import index as dedup_index
from corpus_tools.errors import InvalidParameterError, OutputError
from corpus_tools.io import as_corpus, corpus_chunks, load_corpus, load_texts, stream_corpus
from corpus_tools.io import stream as ct_stream
from corpus_tools.io.formats import records as ct_records
from corpus_tools.keywords import keyness, keyword_table, kwic
from corpus_tools.tokens import Segmenter

SEED_003 = "003_9b7675b2e4522a57.txt"


# --------------------------------------------------------------------------- helpers


def _write_records(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as .jsonl, .jsonl.gz or .parquet (by the name)."""
    if path.name.endswith(".parquet"):
        pd.DataFrame(records).to_parquet(path, index=False)
        return path
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    path.write_bytes(gzip.compress(payload) if path.name.endswith(".gz") else payload)
    return path


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _cells(series: pd.Series) -> list[Any]:
    """The values of a column, every kind of missing value as None (dtypes of chunks differ)."""
    return [None if _missing(v) else v for v in series.tolist()]


def _assert_same_corpus(chunks: list[pd.DataFrame], expected: pd.DataFrame) -> None:
    """The chunks hold the rows of ``expected``, in order, with the same values."""
    whole = pd.concat(chunks, ignore_index=True)
    assert whole.columns.tolist() == expected.columns.tolist()
    assert whole["doc_id"].tolist() == expected["doc_id"].tolist()
    for column in expected.columns:
        assert _cells(whole[column]) == _cells(expected[column]), column


def _assert_same_table(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Exactly the same table: values, dtypes, column order, and the run summary."""
    assert got.columns.tolist() == expected.columns.tolist()
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.equals(expected)
    assert got.attrs["summary"] == expected.attrs["summary"]


def _assert_same_dedup(got: DedupResult, expected: DedupResult) -> None:
    pd.testing.assert_frame_equal(got.pairs, expected.pairs, check_exact=True)
    pd.testing.assert_frame_equal(got.clusters, expected.clusters, check_exact=True)
    assert got.to_json() == expected.to_json()


def _gz_whole_records(path: Path) -> list[dict[str, Any]]:
    """The whole records before the break of a truncated .jsonl.gz, read with zlib (not
    with the loader under test)."""
    data = zlib.decompressobj(wbits=31).decompress(path.read_bytes())
    *whole, _partial = data.split(b"\n")
    return [json.loads(line) for line in whole]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter().load()


@pytest.fixture(scope="module")
def gwr_records() -> list[dict[str, Any]]:
    """The national reports corpus (137 records: two transcriptions of most reports)."""
    return list(iter_records("state_council_gwr"))


@pytest.fixture(scope="module")
def gwr_file(tmp_path_factory: pytest.TempPathFactory, gwr_records: list[dict[str, Any]]) -> Path:
    return _write_records(tmp_path_factory.mktemp("gwr") / "gwr.jsonl", gwr_records)


@pytest.fixture(scope="module")
def gwr_table(gwr_file: Path) -> pd.DataFrame:
    return load_corpus(gwr_file).documents


@pytest.fixture(scope="module")
def gwr_dedup(gwr_table: pd.DataFrame) -> DedupResult:
    # without the fields carried beside the pairs: a DedupIndex holds doc_ids and texts only
    result = find_near_duplicates(gwr_table, keep=None)
    # the corpus holds known copies: the comparison below is not between empty results
    assert (result.pairs["relation"] == "near-duplicate").sum() >= 40
    assert len(result.clusters) >= 80
    return result


@pytest.fixture(scope="module")
def news_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 real 新闻联播 items (months 9 and 10; most have no ``column``) as .jsonl.gz."""
    records = list(iter_records("xinwen_lianbo", 300))
    return _write_records(tmp_path_factory.mktemp("news") / "news.jsonl.gz", records)


@pytest.fixture(scope="module")
def news_table(news_file: Path) -> pd.DataFrame:
    docs = load_corpus(news_file).documents
    assert docs["month"].nunique() >= 2 and docs["column"].isna().any()
    return docs


# --------------------------------------------------------------------------- stream_corpus


@pytest.mark.parametrize("split", [None, "lines"])
@pytest.mark.parametrize("chunk_size", [1, 2, 4, 1000])
def test_seed_chunks_are_the_loaded_corpus(
    seeds_dir: Path, split: str | None, chunk_size: int
) -> None:
    expected = load_corpus(seeds_dir, split=split).documents
    stream = stream_corpus(seeds_dir, split=split, chunk_size=chunk_size)
    chunks = list(stream)
    _assert_same_corpus(chunks, expected)
    n = len(expected)
    assert [len(c) for c in chunks] == [min(chunk_size, n - k) for k in range(0, n, chunk_size)]
    assert stream.documents == n and stream.errors.empty
    # a stream is read again on every pass, chunk for chunk
    again = list(stream)
    assert len(again) == len(chunks)
    assert all(a.equals(b) for a, b in zip(again, chunks, strict=True))
    assert stream.documents == n
    assert stream.load().equals(pd.concat(chunks, ignore_index=True))
    assert as_corpus(stream, "test")["doc_id"].tolist() == expected["doc_id"].tolist()


def test_a_chunk_ends_at_the_character_limit(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ct_stream, "STREAM_CHUNK_CHARS", 6000)
    expected = load_corpus(seeds_dir, split="lines").documents
    chunks = list(stream_corpus(seeds_dir, split="lines", chunk_size=1000))
    _assert_same_corpus(chunks, expected)
    assert len(chunks) > 2
    for k, chunk in enumerate(chunks):
        lengths = chunk["text"].str.len().tolist()
        # a chunk ends with the document that reaches the limit, not before, not after
        assert sum(lengths[:-1]) < 6000
        assert k == len(chunks) - 1 or sum(lengths) >= 6000


@pytest.mark.parametrize("chunk_size", [1, 5, 13, 1000])
def test_real_records_in_jsonl_gz_and_parquet(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    gwr_records: list[dict[str, Any]],
    chunk_size: int,
) -> None:
    monkeypatch.setattr(ct_records, "PARQUET_BATCH", 7)  # batches that chunks cut across
    records = gwr_records[:70]  # cpc reports, NPC resolutions, reports: None in the metadata
    folder = tmp_path / "in"
    folder.mkdir()
    _write_records(folder / "a.jsonl.gz", records[:30])
    _write_records(folder / "b.parquet", records[30:60])
    pd.DataFrame(records[60:]).to_csv(folder / "c.csv", index=False)  # read whole
    expected = load_corpus(folder).documents
    chunks = list(stream_corpus(folder, chunk_size=chunk_size))
    _assert_same_corpus(chunks, expected)
    assert all(len(c) <= chunk_size for c in chunks)
    assert len(chunks) == math.ceil(70 / chunk_size)
    # and both are the records themselves (read independently)
    whole = pd.concat(chunks, ignore_index=True)
    assert whole["doc_id"].tolist() == [r["id"] for r in records]
    assert whole["text"].tolist() == [r["text"] for r in records]
    assert whole["title"].tolist() == [r["title"] for r in records]
    assert whole["year"].tolist()[:60] == [r["year"] for r in records[:60]]
    assert whole["year"].tolist()[60:] == [str(r["year"]) for r in records[60:]]  # CSV: text
    assert (
        whole["source"].tolist()
        == [str(folder / name) for name in ("a.jsonl.gz", "b.parquet", "c.csv") for _ in range(30)][
            : len(records)
        ]
    )


def test_parquet_is_read_batch_by_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gwr_records: list[dict[str, Any]]
) -> None:
    import pyarrow.parquet as pq

    monkeypatch.setattr(ct_records, "PARQUET_BATCH", 5)
    path = _write_records(tmp_path / "gwr.parquet", gwr_records[:60])
    original = pq.ParquetFile.iter_batches
    read: list[int] = []

    def counting(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for batch in original(self, *args, **kwargs):
            read.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", counting)
    chunks = iter(stream_corpus(path, chunk_size=4))
    first = next(chunks)
    assert first["doc_id"].tolist() == [r["id"] for r in gwr_records[:4]]
    assert read == [5]  # one batch read for the first chunk, not the file
    rest = list(chunks)
    assert sum(read) == 60 and max(read) == 5
    assert sum(len(c) for c in rest) == 56


def test_repeated_ids_across_files_get_suffixes_across_chunks(tmp_path: Path) -> None:
    records = list(iter_records("provincial_gwr_2026", 5))
    _write_records(tmp_path / "a.jsonl", records)
    _write_records(tmp_path / "b.jsonl", records)
    _write_records(tmp_path / "c.jsonl.gz", records)
    ids = [r["id"] for r in records]
    expected_ids = ids + [f"{i}#2" for i in ids] + [f"{i}#3" for i in ids]
    expected = load_corpus(tmp_path).documents
    assert expected["doc_id"].tolist() == expected_ids
    for chunk_size in (1, 3, 4, 7):
        chunks = list(stream_corpus(tmp_path, chunk_size=chunk_size))
        _assert_same_corpus(chunks, expected)
        assert pd.concat(chunks)["doc_id"].is_unique


def test_truncated_jsonl_gz_keeps_the_records_before_the_break(
    tmp_path: Path, gwr_records: list[dict[str, Any]]
) -> None:
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gwr_records[:60])
    data = gzip.compress(payload.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    whole = [r["id"] for r in _gz_whole_records(path)]
    assert 10 < len(whole) < 60
    loaded = load_corpus(path)
    stream = stream_corpus(path, chunk_size=4)
    chunks = list(stream)
    for ids, errors in (
        (loaded.documents["doc_id"].tolist(), loaded.errors),
        (pd.concat(chunks)["doc_id"].tolist(), stream.errors),
    ):
        assert ids == whole
        assert errors["path"].tolist() == [str(path)]
        (reason,) = errors["reason"].tolist()
        assert "truncated" in reason
        assert f"(after {len(whole):,} good records, which were kept)" in reason
    _assert_same_corpus(chunks, loaded.documents)
    assert stream.documents == len(whole)


def test_bad_inputs_are_reported_as_met_beside_good_ones(
    tmp_path: Path, seeds_dir: Path, gwr_records: list[dict[str, Any]]
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    _write_records(folder / "a_good.jsonl", gwr_records[16:20])
    (folder / "b_empty.txt").write_bytes(b"")
    payload = gzip.compress(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gwr_records[20:60]).encode()
    )
    (folder / "c_cut.jsonl.gz").write_bytes(payload[: len(payload) // 2])
    kept = [r["id"] for r in _gz_whole_records(folder / "c_cut.jsonl.gz")]
    assert kept
    (folder / "d_binary.txt").write_bytes(bytes(range(256)) * 8)
    shutil.copy(seeds_dir / SEED_003, folder / "e_seed.txt")

    yielded = 0
    met: list[tuple[str, str, int]] = []

    def on_error(path: str, reason: str) -> None:
        met.append((path, reason, yielded))

    stream = stream_corpus(folder, chunk_size=1, on_error=on_error)
    for chunk in stream:
        yielded += len(chunk)
    loaded = load_corpus(folder)
    # every bad input named once, in order, with the reasons load_corpus gives
    assert [(p, r) for p, r, _ in met] == list(loaded.errors.itertuples(index=False, name=None))
    assert stream.errors.equals(loaded.errors)
    assert [Path(p).name for p, _, _ in met] == ["b_empty.txt", "c_cut.jsonl.gz", "d_binary.txt"]
    # ... as they were met: after the documents before them, before those after them
    assert [n for _, _, n in met] == [4, 4 + len(kept), 4 + len(kept)]
    assert "empty" in met[0][1] and "truncated" in met[1][1] and "binary" in met[2][1]
    assert stream.documents == yielded == len(loaded.documents) == 4 + len(kept) + 1
    # a second pass reports the same, not twice as much
    assert len(list(stream)) == yielded
    assert stream.errors.equals(loaded.errors)
    assert len(met) == 6


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"chunk_size": 0}, r"'chunk_size' parameter of stream_corpus must be an int in \[1"),
        ({"chunk_size": 2.5}, "'chunk_size' parameter of stream_corpus must be an int"),
        ({"on_error": "print"}, "'on_error' parameter of stream_corpus must be a callable"),
        ({"split": "paragraphs"}, "'split' parameter of stream_corpus must be one of"),
        ({"progress": "yes"}, "'progress' parameter of stream_corpus must be a bool or None"),
        ({"text_field": 3}, "'text_field' parameter of stream_corpus must be a str"),
    ],
)
def test_stream_argument_errors(seeds_dir: Path, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        stream_corpus(seeds_dir, **kwargs)


def test_stream_path_errors() -> None:
    with pytest.raises(InvalidParameterError, match="'paths' parameter of stream_corpus"):
        stream_corpus([])
    with pytest.raises(InvalidParameterError, match="'paths' parameter of stream_corpus"):
        stream_corpus(42)  # type: ignore[arg-type]


def test_corpus_chunks_tells_streams_from_corpora(seeds_dir: Path) -> None:
    frame = load_corpus(seeds_dir).documents
    parts = [frame.iloc[:2], frame.iloc[2:]]
    for stream in (parts, (p for p in parts), stream_corpus(seeds_dir, chunk_size=2)):
        chunks, rest = corpus_chunks(stream)
        assert rest is None and chunks is not None
        assert pd.concat(list(chunks))["doc_id"].tolist() == frame["doc_id"].tolist()
    chunks, rest = corpus_chunks(frame)
    assert chunks is None and rest is frame
    texts = ["三会一课", "三社联动"]
    chunks, rest = corpus_chunks(t for t in texts)
    assert chunks is None and rest == texts
    assert corpus_chunks(texts) == (None, texts)


# --------------------------------------------------------------------------- keywords


@pytest.mark.parametrize("by", [None, "month", "column", ["month", "column"]])
def test_keyword_table_of_a_stream_is_the_in_memory_table(
    news_file: Path, news_table: pd.DataFrame, segmenter: Segmenter, by: Any
) -> None:
    expected = keyword_table(news_table, by=by, segmenter=segmenter, cache=False)
    stream = stream_corpus(news_file, chunk_size=17)
    got = keyword_table(stream, by=by, segmenter=segmenter, cache=False)
    _assert_same_table(got, expected)
    assert got.attrs["summary"]["documents"] == 300 == stream.documents


@pytest.mark.parametrize("by", ["month", ["month", "column"]])
def test_keyness_of_a_stream_is_the_in_memory_table(
    news_file: Path, news_table: pd.DataFrame, segmenter: Segmenter, by: Any
) -> None:
    expected = keyness(news_table, by=by, segmenter=segmenter, cache=False)
    got = keyness(stream_corpus(news_file, chunk_size=17), by=by, segmenter=segmenter, cache=False)
    _assert_same_table(got, expected)
    assert len(got) > 1000 and set(got["direction"]) == {"rise", "fall"}
    target = keyness(
        news_table, by="month", target=10, reference=9, segmenter=segmenter, cache=False
    )
    streamed = keyness(
        stream_corpus(news_file, chunk_size=17),
        by="month",
        target=10,
        reference=9,
        segmenter=segmenter,
        cache=False,
    )
    _assert_same_table(streamed, target)


def test_a_stream_uses_the_segmentation_cache(
    tmp_path: Path, news_file: Path, news_table: pd.DataFrame, segmenter: Segmenter
) -> None:
    cache = tmp_path / "cache"
    expected = keyword_table(news_table, by="month", segmenter=segmenter, cache=cache)
    assert expected.attrs["summary"]["segmented"] == 300
    got = keyword_table(
        stream_corpus(news_file, chunk_size=40), by="month", segmenter=segmenter, cache=cache
    )
    assert got.attrs["summary"]["segmented"] == 0
    assert got.attrs["summary"]["from_cache"] == 300
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_lists_and_generators_of_tables_in_another_order(
    news_table: pd.DataFrame, segmenter: Segmenter
) -> None:
    by = ["month", "column"]
    expected = keyword_table(news_table, by=by, segmenter=segmenter, cache=False)
    expected_key = keyness(news_table, by="month", segmenter=segmenter, cache=False)
    parts = [news_table.iloc[k : k + 23] for k in range(0, len(news_table), 23)]
    first, *rest = parts[::-1]  # the last months first, then the rest in any order
    random.Random(7).shuffle(rest)
    parts = [first, *rest]
    met = pd.concat(parts)["month"].drop_duplicates().tolist()
    assert met != sorted(met)  # the groups now meet in another order
    _assert_same_table(keyword_table(parts, by=by, segmenter=segmenter, cache=False), expected)
    generated = keyword_table((p for p in parts), by=by, segmenter=segmenter, cache=False)
    _assert_same_table(generated, expected)
    key = keyness(iter(parts), by="month", segmenter=segmenter, cache=False)
    _assert_same_table(key, expected_key)


def test_keyword_table_stream_with_a_field_missing_in_whole_chunks(
    tmp_path: Path, gwr_records: list[dict[str, Any]], segmenter: Segmenter
) -> None:
    """``congress`` is an int on party congress reports and None on every other record:
    with small chunks, some chunks hold it only as None. The in-memory table has it as
    float64 (1.0, ..., NaN); the stream must give the same."""
    records = [r for r in gwr_records if len(r["text"]) < 6000]
    assert {r["congress"] is None for r in records} == {True, False}
    path = _write_records(tmp_path / "short.jsonl", records)
    docs = load_corpus(path).documents
    expected = keyword_table(docs, by="congress", segmenter=segmenter, cache=False)
    got = keyword_table(
        stream_corpus(path, chunk_size=3), by="congress", segmenter=segmenter, cache=False
    )
    assert got["congress"].dtype == expected["congress"].dtype
    _assert_same_table(got, expected)


def test_stream_by_year_from_records_and_plain_text(
    tmp_path: Path, seeds_dir: Path, gwr_records: list[dict[str, Any]], segmenter: Segmenter
) -> None:
    """Records with a year first, then plain-text files without one (their own group)."""
    records = [r for r in gwr_records if len(r["text"]) < 3000]
    path = _write_records(tmp_path / "a.jsonl", records)
    paths = [path, seeds_dir]
    expected = keyword_table(
        load_corpus(paths).documents, by="year", segmenter=segmenter, cache=False
    )
    assert expected["year"].isna().any()
    got = keyword_table(
        stream_corpus(paths, chunk_size=len(records)), by="year", segmenter=segmenter, cache=False
    )
    _assert_same_table(got, expected)


def test_stream_refuses_options_that_need_the_whole_corpus(news_file: Path) -> None:
    for func in (keyword_table, keyness):
        for option in ("strip_boilerplate", "mine_slogans"):
            with pytest.raises(
                InvalidParameterError, match=f"'{option}' option of {func.__name__} needs the whole"
            ):
                func(stream_corpus(news_file, chunk_size=50), by="month", **{option: True})


def test_a_by_field_first_met_in_a_later_chunk(
    seeds_dir: Path, news_file: Path, segmenter: Segmenter
) -> None:
    # the seeds (no month) come first, in chunks of their own: 'month' appears later
    paths = [seeds_dir, news_file]
    expected = keyword_table(
        load_corpus(paths).documents, by="month", segmenter=segmenter, cache=False
    )
    stream = stream_corpus(paths, chunk_size=3)
    got = keyword_table(stream, by="month", segmenter=segmenter, cache=False)
    _assert_same_table(got, expected)
    # a field that no chunk has is refused after the pass, naming the fields there are
    with pytest.raises(InvalidParameterError, match="'province' is not one; the corpus has"):
        keyness(stream_corpus(news_file, chunk_size=50), by="province", cache=False)


def _unreadable(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    return folder


def test_an_empty_stream_gives_the_table_of_an_empty_corpus(tmp_path: Path) -> None:
    folder = _unreadable(tmp_path / "bad")
    stream = stream_corpus(folder)
    with pytest.warns(UserWarning, match="No readable document in .*binary file: NUL byte"):
        got = keyword_table(stream, cache=False)
    assert stream.documents == 0 and len(stream.errors) == 2
    expected = keyword_table(load_texts([]), cache=False)  # the table of an empty corpus
    assert got.empty and got.columns.tolist() == expected.columns.tolist()
    _assert_same_table(got, expected)


def test_an_empty_stream_has_no_near_duplicates(tmp_path: Path) -> None:
    folder = _unreadable(tmp_path / "bad")
    with pytest.warns(UserWarning, match="No readable document in .*empty: no text"):
        result = find_near_duplicates(stream_corpus(folder))
    _assert_same_dedup(result, find_near_duplicates(load_texts([])))
    assert result.to_json() == {"pairs": [], "clusters": []}


def test_kwic_reads_a_stream_whole(news_file: Path, news_table: pd.DataFrame) -> None:
    expected = kwic(news_table, ["二十大", "高质量发展"], match="substring", by="month")
    assert len(expected) > 20
    got = kwic(
        stream_corpus(news_file, chunk_size=17),
        ["二十大", "高质量发展"],
        match="substring",
        by="month",
    )
    pd.testing.assert_frame_equal(got, expected)


# --------------------------------------------------------------------------- dedup


def test_near_duplicates_of_a_stream_are_the_in_memory_ones(
    gwr_file: Path, gwr_dedup: DedupResult
) -> None:
    stream = stream_corpus(gwr_file, chunk_size=16)
    _assert_same_dedup(find_near_duplicates(stream, keep=None), gwr_dedup)


@pytest.mark.slow
def test_near_duplicates_whatever_the_order_of_the_chunks(
    gwr_table: pd.DataFrame, gwr_dedup: DedupResult
) -> None:
    shuffled = gwr_table.sample(frac=1.0, random_state=3)
    assert shuffled["doc_id"].tolist() != gwr_table["doc_id"].tolist()
    parts = [shuffled.iloc[k : k + 15] for k in range(0, len(shuffled), 15)]
    _assert_same_dedup(find_near_duplicates(parts, keep=None), gwr_dedup)
    index = DedupIndex()
    for part in reversed(parts):
        index.add(part)
    _assert_same_dedup(index.near_duplicates(), gwr_dedup)


def test_options_apply_to_a_stream_as_to_a_table(gwr_table: pd.DataFrame) -> None:
    table = gwr_table.iloc[:70]
    options = {"threshold": 0.6, "containment": 0.7, "partial": 0.3}
    expected = find_near_duplicates(table, **options)
    assert not expected.pairs.equals(find_near_duplicates(table).pairs)  # they matter here
    parts = [table.iloc[k : k + 8] for k in range(0, len(table), 8)]
    _assert_same_dedup(find_near_duplicates(iter(parts), **options), expected)


def test_seed_003_repeats_found_in_a_stream(seeds_dir: Path) -> None:
    expected = find_near_duplicates(load_corpus(seeds_dir, split="lines").documents)
    got = find_near_duplicates(stream_corpus(seeds_dir, split="lines", chunk_size=2))
    _assert_same_dedup(got, expected)
    (cluster,) = got.to_json()["clusters"]
    assert len(cluster) == 6 and all(SEED_003 in d for d in cluster)


def _submissions(gwr_table: pd.DataFrame, seed_texts: dict[str, str]) -> dict[str, str]:
    texts = dict(zip(gwr_table["doc_id"], gwr_table["text"], strict=True))
    a, b = texts["gwr-1985-ws"], texts["gwr-2010-ws"]
    return {
        "excerpt": "结合本地区实际，我们认真学习了报告。\n" + a[3000:7000],
        "mixed": b[1000:3500] + "\n" + a[9000:10500],
        "fresh": seed_texts["004_4ba3fb77ef7e832c.txt"],
    }


@pytest.mark.slow
def test_spilled_index_saves_loads_and_flags_as_one_built_in_memory(
    *,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    gwr_file: Path,
    gwr_table: pd.DataFrame,
    gwr_dedup: DedupResult,
    seed_texts: dict[str, str],
) -> None:
    monkeypatch.setattr(dedup_index, "SPILL_CHARS", 300_000)
    spill = tmp_path / "spill"
    spill.mkdir()
    index = DedupIndex(spill_dir=spill).build(stream_corpus(gwr_file, chunk_size=10))
    (temp,) = spill.iterdir()
    spilled = sorted(p.name for p in temp.iterdir())
    assert len(spilled) >= 5  # 2.5 M characters in segments of about 300,000
    assert index.doc_ids_ == gwr_table["doc_id"].tolist()
    texts = gwr_table["text"].tolist()
    assert all(index.text(i) == t for i, t in enumerate(texts))
    _assert_same_dedup(index.near_duplicates(), gwr_dedup)

    out = tmp_path / "ix"
    index.save(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(p.name for p in out.glob("texts-*.bin"))
    assert sorted(manifest["segments"].values()) == on_disk
    assert set(spilled) <= set(on_disk) and len(on_disk) >= len(spilled)
    assert manifest["documents"] == len(texts)
    assert not temp.exists()  # the spilled segments were moved, not copied; the folder went
    del index
    gc.collect()
    assert not temp.exists()

    loaded = DedupIndex.load(out)
    assert all(loaded.text(i) == t for i, t in enumerate(texts))
    subs = _submissions(gwr_table, seed_texts)
    got = loaded.flag(subs)
    expected = DedupIndex().build(gwr_table).flag(subs)
    assert got.submissions["flagged"].tolist() == [True, True, False]
    assert set(got.matches["doc_id"]) >= {"gwr-1985-ws", "gwr-2010-ws"}
    for name in got._fields:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), check_exact=True)
    for p in got.passages.itertuples(index=False):
        assert subs[p.submission][p.submission_start : p.submission_end] == p.text
        original = loaded.text(p.doc_id)[p.match_start : p.match_end]
        assert len(original) >= 20


def test_spill_folder_that_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeds_dir: Path
) -> None:
    monkeypatch.setattr(dedup_index, "SPILL_CHARS", 1000)
    index = DedupIndex(spill_dir=tmp_path / "missing" / "folder")
    with pytest.raises(OutputError, match="cannot make a temporary folder for index texts"):
        index.build(stream_corpus(seeds_dir, chunk_size=2))
    with pytest.raises(InvalidParameterError, match="'spill_dir' parameter of DedupIndex"):
        DedupIndex(spill_dir=3)  # type: ignore[arg-type]


@pytest.mark.slow
def test_adding_a_stream_to_a_loaded_index_with_spilling(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    gwr_records: list[dict[str, Any]],
    gwr_table: pd.DataFrame,
    gwr_dedup: DedupResult,
) -> None:
    half = 70
    out = tmp_path / "ix"
    DedupIndex().build(gwr_table.iloc[:half]).save(out)
    first_segment = (out / "texts-g0-0000.bin").read_bytes()
    later = _write_records(tmp_path / "later.jsonl.gz", gwr_records[half:])
    monkeypatch.setattr(dedup_index, "SPILL_CHARS", 250_000)
    loaded = DedupIndex.load(out)
    loaded.spill_dir = tmp_path
    loaded.add(stream_corpus(later, chunk_size=9))
    assert any(tmp_path.glob(".corpus-tools-index-*/texts-*.bin"))  # it did spill
    loaded.save(out)
    assert (out / "texts-g0-0000.bin").read_bytes() == first_segment
    again = DedupIndex.load(out)
    assert again.doc_ids_ == gwr_table["doc_id"].tolist()
    assert all(again.text(i) == t for i, t in enumerate(gwr_table["text"]))
    _assert_same_dedup(again.near_duplicates(), gwr_dedup)
    # a refused chunk: the chunks before it stay added
    extra = gwr_table.iloc[:4].assign(doc_id=lambda f: f["doc_id"] + "-copy")
    with pytest.raises(InvalidParameterError, match="already has"):
        again.add([extra.iloc[:2], gwr_table.iloc[5:6]])
    assert len(again) == len(gwr_table) + 2


# --------------------------------------------------------------------------- CLI


def _invoke(args: list[str], cache: Path) -> Any:
    return CliRunner().invoke(
        cli, args, env={"CORPUS_TOOLS_CACHE": str(cache)}, catch_exceptions=False
    )


def test_cli_keywords_and_keyness_write_the_in_memory_tables(
    tmp_path: Path, news_file: Path, news_table: pd.DataFrame
) -> None:
    cache = tmp_path / "cache"
    out = tmp_path / "kw.parquet"
    res = _invoke(
        ["keywords", str(news_file), "-o", str(out), "--by", "month", "--format", "json"], cache
    )
    assert res.exit_code == 0, res.stderr
    expected = keyword_table(news_table, by="month", cache=False)
    expected.attrs = {}
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected, check_exact=True)
    summary = json.loads(res.stdout)
    assert summary["documents"] == 300 and summary["rows"] == len(expected)
    out = tmp_path / "key.parquet"
    res = _invoke(
        ["keywords", str(news_file), "-o", str(out), "--keyness", "month", "--format", "json"],
        cache,
    )
    assert res.exit_code == 0, res.stderr
    expected = keyness(news_table, by="month", cache=False)
    expected.attrs = {}
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected, check_exact=True)


def test_cli_dedup_json_is_the_library_result(gwr_file: Path, gwr_dedup: DedupResult) -> None:
    res = CliRunner().invoke(cli, ["dedup", str(gwr_file), "--format", "json"])
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == json.loads(json.dumps(gwr_dedup.to_json()))


def test_cli_index_build_then_flag(
    tmp_path: Path, gwr_records: list[dict[str, Any]], seed_texts: dict[str, str]
) -> None:
    held = [r for r in gwr_records if r["work_key"] in {"gwr-1985", "gwr-2010", "gwr-1957"}]
    folder = tmp_path / "held"
    folder.mkdir()
    _write_records(folder / "a.jsonl.gz", held[:3])
    _write_records(folder / "b.jsonl", held[3:])
    table = load_corpus(folder).documents
    subs = _submissions(table, seed_texts)
    sub_dir = tmp_path / "subs"
    sub_dir.mkdir()
    for name, text in subs.items():
        (sub_dir / f"{name}.txt").write_text(text, encoding="utf-8")
    index = tmp_path / "ix"
    runner = CliRunner()
    built = runner.invoke(
        cli, ["index", "build", str(folder), "-o", str(index), "--format", "json"]
    )
    assert built.exit_code == 0, built.stderr
    assert json.loads(built.stdout)["documents"] == len(held)
    expected = DedupIndex().build(table).flag(load_corpus(sub_dir).documents).to_json()
    for how in (["--index", str(index)], ["--against", str(folder)]):
        res = runner.invoke(cli, ["flag", str(sub_dir), *how, "--format", "json"])
        assert res.exit_code == 1, res.stderr
        got = json.loads(res.stdout)
        assert got == json.loads(json.dumps(expected))
        assert [s["flagged"] for s in got] == [True, False, True]
        assert [s["submission"] for s in got] == ["excerpt.txt", "fresh.txt", "mixed.txt"]


def test_cli_index_add_spills_beside_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gwr_records: list[dict[str, Any]]
) -> None:
    # chunks of about 300,000 characters, each more than an index holds before spilling
    monkeypatch.setattr(ct_stream, "STREAM_CHUNK_CHARS", 300_000)
    monkeypatch.setattr(dedup_index, "SPILL_CHARS", 200_000)
    spilled_to: list[Path] = []
    spill = DedupIndex._spill

    def recording(self: DedupIndex) -> None:
        spill(self)
        spilled_to.append(self._tmp)  # type: ignore[arg-type]

    monkeypatch.setattr(DedupIndex, "_spill", recording)
    first = _write_records(tmp_path / "first.jsonl", gwr_records[:40])
    second = _write_records(tmp_path / "second.jsonl.gz", gwr_records[40:90])
    index = tmp_path / "ix"
    runner = CliRunner()
    built = runner.invoke(cli, ["index", "build", str(first), "-o", str(index), "--format", "json"])
    assert built.exit_code == 0, built.stderr
    by_build = len(spilled_to)
    added = runner.invoke(cli, ["index", "add", str(index), str(second), "--format", "json"])
    assert added.exit_code == 0, added.stderr
    summary = json.loads(added.stdout)
    assert (summary["added"], summary["documents"]) == (50, 90)
    # texts waited on the index's file system, in several segments, now moved in: the build's
    # beside the index (a new index), the add's inside it (the next writer cleans up what a
    # writer that died left there)
    assert {p.parent for p in spilled_to[:by_build]} == {tmp_path}
    assert len(spilled_to) - by_build >= 3
    assert {p.parent for p in spilled_to[by_build:]} == {index}
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["segments"].values()) == sorted(p.name for p in index.glob("texts-*"))
    assert len(manifest["segments"]) >= 4
    loaded = DedupIndex.load(index)
    assert loaded.doc_ids_ == [r["id"] for r in gwr_records[:90]]
    assert all(loaded.text(i) == r["text"] for i, r in enumerate(gwr_records[:90]))
    del built, added  # their tracebacks hold the command's index
    gc.collect()
    assert not [p for p in spilled_to if p.exists()]  # the temporary folders went with it


@pytest.mark.parametrize(
    "command",
    [
        ["keywords", "-o", "{out}/kw.csv"],
        ["keywords", "-o", "{out}/kw.csv", "--by", "year"],
        ["keywords", "-o", "{out}/kw.csv", "--keyness", "year"],
        ["dedup", "--format", "json"],
        ["index", "build", "-o", "{out}/ix"],
    ],
    ids=["keywords", "keywords-by", "keyness", "dedup", "index-build"],
)
def test_cli_nothing_readable_exits_4(tmp_path: Path, command: list[str]) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "cut.jsonl.gz").write_bytes(gzip.compress(b'{"id": "x", "text": "abc"}\n' * 50)[:20])
    out = tmp_path / "out"
    out.mkdir()
    args = [a.replace("{out}", str(out)) for a in command]
    args.insert(2 if args[0] == "index" else 1, str(bad))
    res = _invoke(args, tmp_path / "cache")
    assert res.exit_code == 4, (res.stdout, res.stderr)
    assert "no readable document" in res.stderr
    for name in ("empty.txt", "binary.txt", "cut.jsonl.gz"):
        assert name in res.stderr
    assert not list(out.iterdir())  # nothing written


def test_cli_flag_against_nothing_readable_exits_4(tmp_path: Path, seeds_dir: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    res = CliRunner().invoke(
        cli, ["flag", str(seeds_dir / SEED_003), "--against", str(bad), "--format", "json"]
    )
    assert res.exit_code == 4, (res.stdout, res.stderr)
    assert "empty.txt" in res.stderr and "no readable document" in res.stderr


# --------------------------------------------------------------------------- bounded memory


class _Chunks:
    """Chunks of a corpus table, yielded one by one, counting how many are still alive
    (not yet garbage) each time the consumer asks for the next one."""

    def __init__(self, table: pd.DataFrame, size: int) -> None:
        self.table = table
        self.size = size
        self.yielded = 0
        self.freed = 0
        self.most_alive = 0

    def _free(self) -> None:
        self.freed += 1

    def __iter__(self) -> Iterator[pd.DataFrame]:
        import weakref

        for start in range(0, len(self.table), self.size):
            gc.collect()
            self.most_alive = max(self.most_alive, self.yielded - self.freed)
            chunk = self.table.iloc[start : start + self.size].copy()
            weakref.finalize(chunk, self._free)
            self.yielded += 1
            yield chunk
            del chunk


def test_keywords_and_index_hold_one_chunk_at_a_time(
    news_table: pd.DataFrame, segmenter: Segmenter
) -> None:
    # when chunk k+1 is asked for, chunk k may still be in hand, chunk k-1 must be gone
    for consume in (
        lambda chunks: keyword_table(iter(chunks), segmenter=segmenter, cache=False),
        lambda chunks: DedupIndex().build(iter(chunks)),
        lambda chunks: find_near_duplicates(iter(chunks)),
    ):
        chunks = _Chunks(news_table, 25)
        consume(chunks)
        assert chunks.yielded == 12
        assert chunks.most_alive <= 1
    # kwic reads a stream whole: every earlier chunk is alive, so the check can fail
    chunks = _Chunks(news_table, 25)
    kwic(iter(chunks), ["习近平"], segmenter=segmenter, cache=False)
    assert chunks.most_alive == 11
