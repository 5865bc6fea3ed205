"""Two batch jobs at once on the same output table and the same segmentation cache (issue 22 #6).

Real concurrent processes, as a team runs them: ``corpus-tools keywords ... -o same.parquet``
twice at once with ``CORPUS_TOOLS_CACHE`` naming the same folder (and a ``segment`` job
beside them), several rounds from a cold cache to a warm one. After every round: both
exited 0 without a cache warning, the table is complete and equals a single run's, no
temporary file is left beside it, and the cache opens, passes SQLite's integrity check and
holds every document.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from corpus_tools.tokens import Segmenter
from corpus_tools.tokens.cache import SegmentCache

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3


def _jsonl(path: Path, texts: dict[str, str]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i, (doc_id, text) in enumerate(texts.items()):
            rec = {"id": doc_id, "text": text, "year": 2020 + i % 3}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def _start(args: list[str], cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CORPUS_TOOLS_CACHE": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-c", "from corpus_tools.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = proc.communicate(timeout=600)
    return proc.returncode, err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seed_texts: dict[str, str]) -> Path:
    """The seeds, each also cut in paragraphs: enough documents for several batches."""
    texts = dict(seed_texts)
    for doc_id, text in seed_texts.items():
        for k, para in enumerate(p for p in text.split("\n") if len(p) > 40):
            texts[f"{doc_id}#{k}"] = para
    return _jsonl(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", texts)


def _texts(corpus: Path) -> list[str]:
    return [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines()]


def _keywords(corpus: Path, out: Path, *extra: str) -> list[str]:
    return ["keywords", str(corpus), "-o", str(out), "--by", "year", "--top", "200", *extra]


def test_two_keyword_jobs_share_an_output_and_a_cache(corpus: Path, tmp_path: Path) -> None:
    reference = tmp_path / "single.parquet"
    alone = _start(_keywords(corpus, reference, "--no-cache"), tmp_path / "unused")
    assert _finish(alone)[0] == 0
    expected = pd.read_parquet(reference)
    assert len(expected) > 100

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "same.parquet"
    cache = tmp_path / "cache"
    for round_ in range(ROUNDS):
        jobs = [
            _start(_keywords(corpus, out), cache),
            _start(_keywords(corpus, out, "-j", "2"), cache),
            _start(["segment", str(corpus), "--format", "jsonl", "-j", "1"], cache),
        ]
        for code, err in map(_finish, jobs):
            assert code == 0, err
            assert "cache" not in err, err  # no "cache unusable" / "not written" warning
        table = pd.read_parquet(out)
        pd.testing.assert_frame_equal(table, expected)
        assert [p.name for p in out_dir.iterdir()] == ["same.parquet"], f"round {round_}"
        _check_cache(cache, _texts(corpus))


def _check_cache(cache: Path, texts: list[str]) -> None:
    """The cache passes SQLite's integrity check and holds the right tokens of every one
    of ``texts`` (the ids of jobs written side by side refer to one vocabulary)."""
    path = cache / SegmentCache.FILE
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = SegmentCache(cache)
    try:
        version = Segmenter().lexicon_version
        keys = [store.key(version, t) for t in texts]
        found = store.get_many(keys)
    finally:
        store.close()
    assert set(found) == set(keys)  # every document segmented once is held
    seg = Segmenter()
    for text, key in zip(texts, keys, strict=True):
        ids, distinct = found[key]
        assert store.vocab.tokens(ids) == seg.cut(text)
        assert sorted(memoryview(distinct).cast("I")) == sorted(set(memoryview(ids).cast("I")))


@pytest.mark.parametrize("damage", [b"not a database at all" * 100, b"truncated"])
def test_a_damaged_cache_is_moved_aside(
    corpus: Path, tmp_path: Path, damage: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    from corpus_tools.tokens import segment_corpus

    cache = tmp_path / "cache"
    texts = _texts(corpus)[:6]
    expected = segment_corpus(texts, cache=False)
    first = segment_corpus(texts, cache=cache)
    assert first == expected
    path = cache / SegmentCache.FILE
    path.write_bytes(damage)
    assert segment_corpus(texts, cache=cache) == expected
    err = capsys.readouterr().err
    assert "was damaged" in err and "starting a new cache" in err
    aside = [p for p in cache.iterdir() if p.name.startswith(f"{SegmentCache.FILE}.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == damage
    _check_cache(cache, texts)
