"""What the writers' lock and the readers' snapshots cost: `index add` and `flag`, whole
processes, against the same commands of a tree without them.

The baseline is the package as of a git revision before the lock (default: the commit that
split dedup/index.py, just before the lock came), extracted with ``git archive``. Both trees
run the same ``corpus-tools`` commands (through ``python -c 'from corpus_tools.cli import
main; main()'`` with each tree first on PYTHONPATH) on copies of one index:

* ``index add DIR part.jsonl``: 1,000 new reports added to an index of 2,000;
* ``flag SUB... --index DIR``: 20 submissions (copies, partial copies, unrelated reports).

Runs are interleaved (baseline, new, new, baseline, ...), each on a fresh copy of the index
(copying is not timed); the medians of wall time and of the child's CPU time (user + system,
from ``getrusage``) are printed with their ratio. The reports are synthetic, made of real
sentences of ../shared/corpora (or of data/raw when that is absent).

Run:  python benchmarks/bench_index_locking.py [--runs 7] [--baseline REV]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("CORPUS_TOOLS_CORPORA", ROOT.parent / "shared" / "corpora"))
#: The commit before the writers' lock and the readers' snapshots.
BASELINE = "800947f"
HELD, ADDED, SUBMISSIONS = 2000, 1000, 20


def sentences() -> list[str]:
    texts: list[str] = []
    for name in ("local_regulations", "state_council_gwr"):
        folder = CORPORA / name
        path = folder / "corpus.jsonl"
        if not path.exists():
            path = folder / "corpus.jsonl.gz"
        if not path.exists():
            continue
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for line in fh)
    if not texts:
        texts = [p.read_text("utf-8") for p in sorted((ROOT / "data" / "raw").glob("*.txt"))]
    return [s for t in texts for s in re.split(r"(?<=[。！？；])", t) if len(s) >= 12]


def reports(n: int, pool: list[str], prefix: str, seed: int) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(40, 121, size=n)
    return {
        f"{prefix}-{i:05d}": "\n".join(pool[j] for j in rng.integers(0, len(pool), size=k))
        for i, k in enumerate(sizes.tolist())
    }


def write_jsonl(path: Path, docs: dict[str, str]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for doc_id, text in docs.items():
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return path


def extract(rev: str, into: Path) -> Path:
    """The package as of ``rev`` (``git archive``), in ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "corpus_tools"],
        check=True,
        capture_output=True,
    ).stdout
    into.mkdir(parents=True)
    tar = into / "tree.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as tf:
        tf.extractall(into, filter="data")
    tar.unlink()
    return into


def run(tree: Path, args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall and CPU seconds of one ``corpus-tools`` process run from ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, "-c", "from corpus_tools.cli import main; main()", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(
            f"{' '.join(args[:2])} from {tree} exited {done.returncode}: {done.stderr}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compare(label: str, runs: int, job: Any) -> None:
    """Interleaved runs of ``job(variant)``; prints medians and ratios."""
    got: dict[str, list[tuple[float, float]]] = {"baseline": [], "locking": []}
    for i in range(runs):
        order = ("baseline", "locking") if i % 2 == 0 else ("locking", "baseline")
        for variant in order:
            got[variant].append(job(variant))
    med = {
        v: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
        for v, r in got.items()
    }
    spread = {v: (min(c for _, c in r), max(c for _, c in r)) for v, r in got.items()}
    (bw, bc), (lw, lc) = med["baseline"], med["locking"]
    print(
        f"{label}: median wall {bw:.2f} s -> {lw:.2f} s ({lw / bw - 1:+.1%}); "
        f"median CPU {bc:.2f} s -> {lc:.2f} s ({lc / bc - 1:+.1%}); CPU range baseline "
        f"{spread['baseline'][0]:.2f}-{spread['baseline'][1]:.2f} s, locking "
        f"{spread['locking'][0]:.2f}-{spread['locking'][1]:.2f} s ({runs} runs each)"
    )


def lock_cost(index: Path, times: int = 200) -> None:
    """What taking and dropping the writers' lock costs by itself, in this process."""
    from corpus_tools.dedup import DedupIndex

    walls = []
    for _ in range(times):
        t0 = time.perf_counter()
        with DedupIndex.lock(index):
            pass
        walls.append(time.perf_counter() - t0)
    print(
        f"the lock alone (take, write its holder file, drop), in one process: median "
        f"{1000 * statistics.median(walls):.2f} ms ({times} times)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", default=BASELINE, help="git revision without the lock")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ct-bench-lock-"))
    try:
        trees = {"baseline": extract(args.baseline, work / "baseline"), "locking": ROOT}
        pool = sentences()
        held = reports(HELD, pool, "held", 0)
        added = reports(ADDED, pool, "new", 1)
        chars = sum(len(t) for t in added.values())
        print(
            f"index of {HELD:,} reports; add {ADDED:,} reports ({chars // ADDED:,} characters "
            f"on average); flag {SUBMISSIONS} submissions; baseline {args.baseline}"
        )
        base_files = work / "held.jsonl"
        write_jsonl(base_files, held)
        index = work / "index"
        run(trees["baseline"], ["index", "build", str(base_files), "-o", str(index)])
        part = write_jsonl(work / "part.jsonl", added)
        subs = work / "subs"
        subs.mkdir()
        rng = np.random.default_rng(2)
        names = sorted(held)
        for k in range(SUBMISSIONS):
            source = held[names[int(rng.integers(len(names)))]]
            text = (
                source
                if k % 3 == 0
                else source[: len(source) // 2] + "\n" + reports(1, pool, "x", 100 + k)["x-00000"]
                if k % 3 == 1
                else reports(1, pool, "x", 200 + k)["x-00000"]
            )
            (subs / f"sub{k:02d}.txt").write_text(text, encoding="utf-8")

        def add(variant: str) -> tuple[float, float]:
            target = work / f"index-{variant}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(index, target)
            return run(trees[variant], ["index", "add", str(target), str(part)])

        def flag(variant: str) -> tuple[float, float]:
            return run(trees[variant], ["flag", str(subs), "--index", str(index)], ok=(0, 1))

        compare(f"index add of {ADDED:,} reports", args.runs, add)
        compare(f"flag of {SUBMISSIONS} submissions", args.runs, flag)
        lock_cost(index)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
