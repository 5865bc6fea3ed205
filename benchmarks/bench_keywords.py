"""End-to-end speed and memory of the keyword batch job, cold and warm cache, against a peer.

Run from the repository root (takes several minutes; the machine is shared, run it rarely)::

    .venv/bin/python benchmarks/bench_keywords.py                 # all of xinwen_lianbo
    .venv/bin/python benchmarks/bench_keywords.py --limit 3000    # a quick look

The corpus (../shared/corpora/xinwen_lianbo, 20,985 news items, 10.9M characters) is split
into a first part (90 %) and the rest (10 %), written to a temporary folder as JSONL. Each
phase runs in its own process, so that its peak memory is its own:

1. ``peer``: what a data team writes without the toolkit: ``load_corpus``, a private
   ``jieba.Tokenizer`` (default dictionary), ``lcut`` each item, ``Counter`` per year minus
   the same stopwords, the top 20 per year written to parquet. One process.
2. ``cold``: ``corpus-tools keywords PART -o OUT.parquet --by year --top 20`` with an empty
   segmentation cache (the compiled dictionary is prepared beforehand, as after any first
   use, so the phase measures documents, not the one-off dictionary build).
3. ``grown``: the same over PART + REST: only the new 10 % may be segmented.
4. ``warm``: the same again: nothing is segmented.

Printed per phase: documents, wall seconds, documents per second, peak resident memory of
the main process and of its worker processes, documents segmented and read from the cache;
then the ratios cold/warm and ours/peer. The check of the issue: warm is at least 3x faster
than cold, and ``grown`` segments only the new documents.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "xinwen_lianbo" / "corpus.jsonl.gz"


def _peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its (waited-for) children."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


# --------------------------------------------------------------------------- phases (child side)


def phase_peer(paths: list[str], out: str) -> dict[str, Any]:
    import jieba
    import pandas as pd

    from corpus_tools.io import load_corpus, write_table
    from corpus_tools.tokens import load_stopwords

    start = time.perf_counter()
    docs = load_corpus(paths).documents
    tokenizer = jieba.Tokenizer()
    stop = load_stopwords()
    per_year: dict[Any, Counter[str]] = {}
    for text, year in zip(docs["text"], docs["year"], strict=True):
        words = [w for w in tokenizer.lcut(text) if w.strip() and w not in stop]
        per_year.setdefault(year, Counter()).update(words)
    rows = [
        {"year": year, "term": term, "count": n}
        for year in sorted(per_year)
        for term, n in per_year[year].most_common(20)
    ]
    write_table(pd.DataFrame(rows), out)
    return {"documents": len(docs), "seconds": time.perf_counter() - start}


def phase_ours(paths: list[str], out: str) -> dict[str, Any]:
    from click.testing import CliRunner

    from corpus_tools.cli import cli

    start = time.perf_counter()
    result = CliRunner().invoke(
        cli,
        ["keywords", *paths, "-o", out, "--by", "year", "--top", "20", "--format", "json"],
        catch_exceptions=False,
    )
    seconds = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"corpus-tools keywords failed ({result.exit_code}): {result.output}")
    summary = json.loads(result.stdout)
    return {"documents": summary["documents"], "seconds": seconds, "summary": summary}


def phase_prepare() -> dict[str, Any]:
    from corpus_tools.tokens import Segmenter

    start = time.perf_counter()
    Segmenter().load()
    return {"seconds": time.perf_counter() - start}


def run_child(phase: str, paths: list[str], out: str) -> None:
    if phase == "peer":
        result = phase_peer(paths, out)
    elif phase == "prepare":
        result = phase_prepare()
    else:
        result = phase_ours(paths, out)
    result["peak_mb"], result["workers_peak_mb"] = _peak_mb()
    from corpus_tools.tokens import Segmenter

    result["lexicon_version"] = Segmenter().lexicon_version
    print(json.dumps(result))


# --------------------------------------------------------------------------- driver


def _split_corpus(folder: Path, limit: int | None) -> tuple[list[str], list[str]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip()]
    if limit is not None:
        lines = lines[:limit]
    cut = int(len(lines) * 0.9)
    part, rest = folder / "part.jsonl", folder / "rest.jsonl"
    part.write_text("".join(lines[:cut]), encoding="utf-8")
    rest.write_text("".join(lines[cut:]), encoding="utf-8")
    return [str(part)], [str(part), str(rest)]


def _spawn(phase: str, paths: list[str], out: Path, cache: Path) -> dict[str, Any]:
    env = dict(os.environ, CORPUS_TOOLS_CACHE=str(cache))
    cmd = [sys.executable, __file__, "--child", phase, "--out", str(out), *paths]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N items")
    parser.add_argument("--no-peer", action="store_true", help="skip the peer")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        run_child(args.child, args.paths, args.out)
        return
    if not CORPUS.is_file():
        raise SystemExit(f"corpus not found: {CORPUS}")
    with tempfile.TemporaryDirectory(prefix="bench-keywords-") as tmp:
        folder = Path(tmp)
        cache = folder / "cache"
        part, grown = _split_corpus(folder, args.limit)
        prep = _spawn("prepare", [], folder / "none", cache)
        print(f"compiled dictionary prepared in {prep['seconds']:.1f} s (one-off, not counted)")
        phases: list[tuple[str, list[str]]] = [("cold", part), ("grown", grown), ("warm", grown)]
        if not args.no_peer:
            phases.insert(0, ("peer", part))
        results: dict[str, dict[str, Any]] = {}
        header = (
            f"{'phase':<6} {'docs':>7} {'seconds':>8} {'docs/s':>8} {'peak MB':>8} "
            f"{'workers MB':>10} {'segmented':>9} {'cached':>7}"
        )
        print(header)
        print("-" * len(header))
        for name, paths in phases:
            res = _spawn(name, paths, folder / f"{name}.parquet", cache)
            results[name] = res
            summary = res.get("summary", {})
            print(
                f"{name:<6} {res['documents']:>7} {res['seconds']:>8.1f} "
                f"{res['documents'] / res['seconds']:>8.0f} {res['peak_mb']:>8.0f} "
                f"{res['workers_peak_mb']:>10.0f} {summary.get('segmented', '-')!s:>9} "
                f"{summary.get('from_cache', '-')!s:>7}"
            )
        versions = {r["lexicon_version"] for r in [prep, *results.values()]}
        if len(versions) > 1:
            print(
                "WARNING: the segmenter's lexicon changed during the run; the cache could not "
                "be reused across phases. Run again."
            )
        cold, grown_r = results["cold"], results["grown"]
        rate = {k: v["documents"] / v["seconds"] for k, v in results.items()}
        new_docs = grown_r["documents"] - cold["documents"]
        print()
        print(f"warm / cold speed-up (docs/s): {rate['warm'] / rate['cold']:.1f}x  (goal >= 3x)")
        print(
            f"grown: {grown_r['summary']['segmented']} documents segmented for {new_docs} new "
            f"({grown_r['summary']['from_cache']} from the cache)"
        )
        if "peer" in results:
            print(f"cold / peer (docs/s): {rate['cold'] / rate['peer']:.2f}x")
            print(f"warm / peer (docs/s): {rate['warm'] / rate['peer']:.2f}x")
        print(f"cpu cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
