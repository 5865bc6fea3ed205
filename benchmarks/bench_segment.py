"""Speed of corpus_tools.tokens against raw ``jieba.lcut`` on the same report text, same run.

Text: the government work reports of ../shared/corpora (state_council_gwr: national reports
1954-2025, two transcriptions of many years; provincial_gwr_2026), at least 5 MB of UTF-8.
``--distinct`` keeps one transcription per report (no document twice), so that the memo of
repeated clauses is measured on text that is not duplicated wholesale.

Measured, with dictionaries loaded beforehand (load times printed apart):

1. raw ``jieba.lcut`` (global tokenizer, default dictionary, HMM on) - the peer;
2. ``Segmenter().cut`` (domain lexicon loaded, one process, memo emptied first);
3. ``segment_corpus(n_jobs=2, cache=False)`` (two worker processes, fork);
4. ``segment_corpus`` rerun with a warm on-disk cache.

1 and 2 are interleaved chunk by chunk (about 200,000 characters each), so that the load
other users put on the shared machine falls on both alike. The tokens of 1 and 2 differ
only where the rules differ (slogans, placeholders, numbers, whitespace runs); their
identity with jieba's algorithm is checked in tests/test_segment.py.

Run:  .venv/bin/python benchmarks/bench_segment.py [--distinct] [--limit-mb 5]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("CORPUS_TOOLS_CORPORA", ROOT.parent / "shared" / "corpora"))


def load_texts(distinct: bool) -> list[str]:
    texts = []
    for name in ("state_council_gwr", "provincial_gwr_2026"):
        path = CORPORA / name / "corpus.jsonl"
        if not path.is_file():
            sys.exit(f"corpus {name} not found under {CORPORA}")
        seen: set[str] = set()
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                key = rec.get("work_key") or rec["id"]
                if distinct and key in seen:
                    continue
                seen.add(key)
                texts.append(rec["text"])
    return texts


def chunks(texts: list[str], size: int) -> list[list[str]]:
    out: list[list[str]] = [[]]
    chars = 0
    for t in texts:
        out[-1].append(t)
        chars += len(t)
        if chars >= size:
            out.append([])
            chars = 0
    return [c for c in out if c]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--distinct", action="store_true", help="one copy per report")
    parser.add_argument(
        "--limit-mb",
        type=float,
        default=None,
        help="stop after this many MB of UTF-8 text (default: all)",
    )
    args = parser.parse_args()

    import jieba

    from corpus_tools.tokens import Segmenter, segment_corpus
    from corpus_tools.tokens.core import clear_memos, memo_blocks

    texts = load_texts(args.distinct)
    if args.limit_mb:
        kept, size = [], 0
        for t in texts:
            kept.append(t)
            size += len(t.encode("utf-8"))
            if size >= args.limit_mb * 1e6:
                break
        texts = kept
    n_chars = sum(map(len, texts))
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    print(
        f"text: {len(texts)} documents, {n_chars:,} characters, {n_bytes / 1e6:.1f} MB"
        f"{' (one copy per report)' if args.distinct else ''}"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")

    jieba.setLogLevel(logging.WARNING)
    t0 = time.perf_counter()
    jieba.initialize()
    t_jieba_load = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CORPUS_TOOLS_CACHE"] = tmp  # cold: the compiled dictionary is built too
        t0 = time.perf_counter()
        seg = Segmenter().load()
        t_seg_load = time.perf_counter() - t0
        print(
            f"load: jieba {t_jieba_load:.2f} s, Segmenter (cold, domain lexicon) {t_seg_load:.2f} s"
        )
        clear_memos()

        t_jieba = t_ours = 0.0
        n_jieba = n_ours = 0
        for chunk in chunks(texts, 200_000):
            t0 = time.perf_counter()
            for t in chunk:
                n_jieba += len(jieba.lcut(t))
            t_jieba += time.perf_counter() - t0
            t0 = time.perf_counter()
            for t in chunk:
                n_ours += len(seg.cut(t))
            t_ours += time.perf_counter() - t0
        memo = memo_blocks()
        print(
            f"jieba.lcut         {n_chars / t_jieba:>10,.0f} chars/s  ({t_jieba:.1f} s, "
            f"{n_jieba:,} tokens)"
        )
        print(
            f"Segmenter.cut      {n_chars / t_ours:>10,.0f} chars/s  ({t_ours:.1f} s, "
            f"{n_ours:,} tokens, {memo:,} distinct blocks memoised)"
        )
        print(f"ratio (one process): {t_jieba / t_ours:.2f}x raw jieba")

        clear_memos()  # the forked workers start with an empty memo too
        t0 = time.perf_counter()
        segment_corpus(texts, n_jobs=2, cache=False, start_method="fork", progress=False)
        t_par = time.perf_counter() - t0
        print(
            f"segment_corpus(n_jobs=2) {n_chars / t_par:>10,.0f} chars/s ({t_par:.1f} s, "
            f"workers started inside) -> {t_jieba / t_par:.2f}x raw jieba"
        )

        cache = Path(tmp) / "segments"
        segment_corpus(texts, segmenter=seg, n_jobs=1, cache=cache, progress=False)
        t0 = time.perf_counter()
        segment_corpus(texts, segmenter=seg, n_jobs=1, cache=cache, progress=False)
        t_cached = time.perf_counter() - t0
        print(
            f"rerun from cache   {n_chars / t_cached:>10,.0f} chars/s  ({t_cached:.2f} s)"
            f" -> {t_jieba / t_cached:.1f}x raw jieba"
        )
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end (2 cores shared: ratios are "
        "measured chunk by chunk in one run; absolute speeds vary with the load)"
    )


if __name__ == "__main__":
    main()
