"""End-to-end cost of the keyword batch job, cold and warm cache, against a peer: CPU and wall.

Run from the repository root (takes several minutes; the machine is shared, run it rarely)::

    .venv/bin/python benchmarks/bench_keywords.py                 # all of xinwen_lianbo, 3 rounds
    .venv/bin/python benchmarks/bench_keywords.py --limit 3000 --rounds 1   # a quick look

The corpus (../shared/corpora/xinwen_lianbo, 20,985 news items, 10.9M characters) is split
into a first part (90 %) and the rest (10 %), written to a temporary folder as JSONL. Every
phase is a whole process of its own, measured from outside: wall seconds from start to exit,
CPU seconds (user + system) of the process and of every process it started (the worker
processes), and the peak resident memory of the largest of them (``os.wait4``):

1. ``peer``: what a data team writes without the toolkit: ``load_corpus``, a private
   ``jieba.Tokenizer`` (default dictionary), ``lcut`` each item, ``Counter`` per year minus
   the same stopwords, the top 20 per year written to parquet. One process.
2. ``cold``: ``corpus-tools keywords PART -o OUT.parquet --by year --top 20`` with an empty
   segmentation cache (the compiled dictionary is prepared beforehand, as after any first
   use, so the phase measures documents, not the one-off dictionary build).
3. ``grown``: the same over PART + REST: only the new 10 % may be segmented.
4. ``warm``: the same again: nothing is segmented.

The four phases run in turn, round after round (``--rounds``, each round from an empty
segmentation cache), so that a change in the machine's load falls on all of them; the
figures printed are the medians over the rounds. The check of the issue: warm costs at most
a fifth of cold's CPU seconds, ``grown`` segments only the new documents, and the warm
output is byte-identical to the grown one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "xinwen_lianbo" / "corpus.jsonl.gz"

#: The command line of the toolkit's phases, after ``PATH...``.
OPTIONS = ["--by", "year", "--top", "20", "--format", "json"]


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


def phase_prepare() -> dict[str, Any]:
    from corpus_tools.tokens import Segmenter

    start = time.perf_counter()
    Segmenter().load()
    return {"seconds": time.perf_counter() - start}


def run_child(phase: str, paths: list[str], out: str) -> None:
    result = phase_peer(paths, out) if phase == "peer" else phase_prepare()
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


def _run(cmd: list[str], cache: Path, folder: Path) -> dict[str, Any]:
    """Run ``cmd`` as a whole process; its stdout, wall seconds, and CPU seconds and peak
    memory of it and every process it started (and waited for)."""
    env = dict(os.environ, CORPUS_TOOLS_CACHE=str(cache))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    with open(folder / "stdout", "w+b") as out, open(folder / "stderr", "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}):\n{stderr}")
    return {
        "stdout": stdout,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
    }


def _phase(name: str, paths: list[str], out: Path, cache: Path, folder: Path) -> dict[str, Any]:
    """One phase, as a whole process: the toolkit's command line, or this script's peer."""
    if name in ("peer", "prepare"):
        cmd = [sys.executable, __file__, "--child", name, "--out", str(out), *paths]
    else:
        cli = "from corpus_tools.cli import main; main()"
        cmd = [sys.executable, "-c", cli, "keywords", *paths, "-o", str(out), *OPTIONS]
    res = _run(cmd, cache, folder)
    stdout = res.pop("stdout")
    if name in ("peer", "prepare"):  # this script's child: one JSON line at the end
        res.update(json.loads(stdout.strip().splitlines()[-1]))
    else:  # the command's summary (--format json)
        res["summary"] = json.loads(stdout)
        res["documents"] = res["summary"]["documents"]
    return res


def _median(rounds: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N items")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the phases (medians)")
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
    print(f"load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-keywords-") as tmp:
        folder = Path(tmp)
        cache = folder / "cache"
        part, grown = _split_corpus(folder, args.limit)
        prep = _phase("prepare", [], folder / "none", cache, folder)
        print(f"compiled dictionary prepared in {prep['seconds']:.1f} s (one-off, not counted)")
        phases: list[tuple[str, list[str]]] = [("cold", part), ("grown", grown), ("warm", grown)]
        if not args.no_peer:
            phases.insert(0, ("peer", part))
        results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in phases}
        header = (
            f"{'round':>5} {'phase':<6} {'docs':>7} {'CPU s':>7} {'wall s':>7} {'docs/s':>7} "
            f"{'peak MB':>8} {'segmented':>9} {'cached':>7}"
        )
        print(header)
        print("-" * len(header))
        identical = True
        for r in range(args.rounds):
            for old in cache.glob("segments-*"):  # an empty segmentation cache for cold
                old.unlink()
            for name, paths in phases:
                res = _phase(name, paths, folder / f"{name}.parquet", cache, folder)
                results[name].append(res)
                summary = res.get("summary", {})
                print(
                    f"{r + 1:>5} {name:<6} {res['documents']:>7} {res['cpu']:>7.2f} "
                    f"{res['wall']:>7.2f} {res['documents'] / res['wall']:>7.0f} "
                    f"{res['peak_mb']:>8.0f} {summary.get('segmented', '-')!s:>9} "
                    f"{summary.get('from_cache', '-')!s:>7}",
                    flush=True,
                )
            same = (folder / "warm.parquet").read_bytes() == (folder / "grown.parquet").read_bytes()
            identical = identical and same
        versions = {r["lexicon_version"] for r in [prep, *results.get("peer", [])]}
        if len(versions) > 1:
            print(
                "WARNING: the segmenter's lexicon changed during the run; the cache could not "
                "be reused across phases. Run again."
            )
        print()
        print(f"medians of {args.rounds} round(s):")
        med = {
            name: {k: _median(rs, k) for k in ("cpu", "wall", "peak_mb")}
            for name, rs in results.items()
        }
        for name, m in med.items():
            docs = results[name][0]["documents"]
            print(
                f"  {name:<6} {docs:>7} docs  CPU {m['cpu']:6.2f} s  wall {m['wall']:6.2f} s  "
                f"{docs / m['wall']:5.0f} docs/s  peak {m['peak_mb']:4.0f} MB"
            )
        cold, warm = med["cold"], med["warm"]
        grown_r = results["grown"][-1]
        new_docs = grown_r["documents"] - results["cold"][-1]["documents"]
        print()
        print(f"cold / warm, CPU seconds: {cold['cpu'] / warm['cpu']:.1f}x  (goal >= 5x)")
        print(f"cold / warm, wall seconds: {cold['wall'] / warm['wall']:.1f}x")
        print(
            f"grown: {grown_r['summary']['segmented']} documents segmented for {new_docs} new "
            f"({grown_r['summary']['from_cache']} from the cache)"
        )
        print(f"warm output byte-identical to grown's in every round: {identical}")
        if "peer" in med:
            peer = med["peer"]
            print(f"peer / cold, CPU seconds: {peer['cpu'] / cold['cpu']:.2f}x")
            print(f"peer / warm, CPU seconds: {peer['cpu'] / warm['cpu']:.2f}x")
        print(f"cpu cores: {os.cpu_count()}")
    print(f"load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
