"""Speed and memory of ``corpus-tools formulas`` against a plain n-gram counter.

Run from the repository root::

    .venv/bin/python benchmarks/bench_formulas.py                  # 2k, 6k, all items, 3 rounds
    .venv/bin/python benchmarks/bench_formulas.py --sizes 2000 --rounds 1

The corpus is ``xinwen_lianbo`` (../shared/corpora, or ``CORPUS_TOOLS_CORPORA``): 20,985
新闻联播 items, 10.9M characters. Samples of 2,000 and 6,000 items (a fixed random sample,
the smaller inside the larger) and the whole corpus are written as JSONL files first.

Each run is a whole process, timed from start to exit: ours is the command line
``corpus-tools formulas FILE --by year --format json`` (loading, folding, the suffix array,
families, spread, the JSON written to /dev/null); the peer is the script a researcher would
write first: read the same file, put every 8- to 20-character substring of each text in a
``collections.Counter`` (once per document, for document counts), keep those in at least 3
documents. The peer runs under a 4 GB address-space limit (the budget ours is held to) and
is reported as out of memory when it needs more. Rounds interleave the two and the sizes;
once the peer has run out of memory at a size, it is not run on more text.
The figures are medians over rounds: wall seconds, CPU seconds (user + system of the
process, the figure to compare on a shared machine) and peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("CORPUS_TOOLS_CORPORA", ROOT.parent / "shared" / "corpora"))
#: The peer's memory limit, and ours to meet.
LIMIT_BYTES = 4 * 1024**3
SIZES = [2000, 6000, 0]  # 0: every item

PEER = r"""
import json, resource, sys
from collections import Counter
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
counts = Counter()
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        text = json.loads(line)["text"]
        grams = set()
        for n in range(8, 21):
            grams.update(text[i : i + n] for i in range(len(text) - n + 1))
        counts.update(grams)
frequent = {g: c for g, c in counts.items() if c >= 3}
print(len(frequent))
"""


def _records() -> list[dict[str, Any]]:
    folder = CORPORA / "xinwen_lianbo"
    path = folder / "corpus.jsonl"
    opener: Any = open if path.is_file() else gzip.open
    if not path.is_file():
        path = folder / "corpus.jsonl.gz"
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def write_samples(folder: Path, sizes: list[int]) -> dict[int, tuple[Path, int, int]]:
    """JSONL files of nested random samples: size -> (path, items, characters)."""
    records = _records()
    order = list(range(len(records)))
    random.Random(0).shuffle(order)
    out = {}
    for size in sizes:
        n = len(records) if size == 0 else size
        chosen = sorted(order[:n])
        path = folder / f"news_{n}.jsonl"
        chars = 0
        with path.open("w", encoding="utf-8") as fh:
            for i in chosen:
                r = records[i]
                chars += len(r["text"])
                row = {"id": r["id"], "text": r["text"], "year": r["year"]}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        out[size] = (path, n, chars)
    return out


def run(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` to its end: wall and CPU seconds, peak RSS, exit code, and what it found
    (formulas in our JSON, frequent n-grams printed by the peer)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=errors, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        errors.seek(0)
        err = errors.read().decode("utf-8", "replace")
        out.seek(0)
        printed = out.read().decode("utf-8", "replace").strip()
    found: Any = None
    if printed.startswith("{"):
        found = len(json.loads(printed)["formulas"])
    elif printed.isdigit():
        found = int(printed)
    code = os.waitstatus_to_exitcode(status)
    return {
        "seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit": code,
        "out_of_memory": "MemoryError" in err,
        "found": found,
        "error": err.strip().splitlines()[-1] if code and err.strip() else "",
    }


def _skipped(items: int) -> dict[str, Any]:
    return {"exit": -1, "out_of_memory": True, "error": f"not run: out of memory at {items} items"}


def ours(path: Path) -> list[str]:
    cli = "from corpus_tools.cli import main; main()"
    return [sys.executable, "-c", cli, "formulas", str(path), "--by", "year", "--format", "json"]


def peer(path: Path, script: Path) -> list[str]:
    return [sys.executable, str(script), str(path), str(LIMIT_BYTES)]


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in runs if r["exit"] == 0]
    if not done:
        if runs[0]["exit"] == -1:
            return {"status": runs[0]["error"]}
        oom = any(r["out_of_memory"] for r in runs)
        return {"status": "out of memory (4 GB)" if oom else f"failed: {runs[0]['error']}"}
    return {
        "status": "ok",
        "seconds": round(statistics.median(r["seconds"] for r in done), 1),
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in done), 1),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in done)),
        "found": done[0]["found"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="items (0: all)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true", help="time ours only")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        samples = write_samples(Path(tmp), args.sizes)
        script = Path(tmp) / "ngram_counter.py"
        script.write_text(PEER, encoding="utf-8")
        runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
        peer_oom = None  # items at which the peer ran out of memory: not run again there
        for r in range(args.rounds):
            for size, (path, items, _) in samples.items():
                runs.setdefault(("ours", size), []).append(run(ours(path)))
                if args.no_peer or (peer_oom is not None and items >= peer_oom and r):
                    continue
                if peer_oom is not None and items > peer_oom:  # more text needs more memory
                    runs.setdefault(("peer", size), []).append(_skipped(peer_oom))
                    continue
                result = run(peer(path, script))
                runs.setdefault(("peer", size), []).append(result)
                if result["out_of_memory"]:
                    peer_oom = items if peer_oom is None else min(peer_oom, items)
                print(f"round {r + 1}/{args.rounds}, {path.name}: done", flush=True)
        for size, (_, items, chars) in samples.items():
            ours_s = _summary(runs[("ours", size)])
            line = {"items": items, "chars": chars, "ours": ours_s}
            if ("peer", size) in runs:
                line["ngram_counter"] = _summary(runs[("peer", size)])
            print(json.dumps(line, ensure_ascii=False), flush=True)
            peer_s = line.get("ngram_counter", {})
            if ours_s.get("status") == "ok" and peer_s.get("status") == "ok":
                print(
                    f"{items} items: corpus-tools takes {ours_s['seconds'] / peer_s['seconds']:.2f}x "
                    f"the n-gram counter's wall time, {ours_s['cpu_seconds'] / peer_s['cpu_seconds']:.2f}x "
                    f"its CPU time; peak RSS {ours_s['peak_rss_mb']} vs {peer_s['peak_rss_mb']} MB",
                    flush=True,
                )


if __name__ == "__main__":
    main()
