"""Peak memory and time of whole `corpus-tools dedup`, `index build` (and, with ``--jobs
keywords``, `keywords`) processes on streamed synthetic corpora of 100 MB, 400 MB (and 2 GB
with ``--big``), and on many tiny files.

Run from the repository root (2 GB takes long on a shared 2-core machine)::

    .venv/bin/python benchmarks/bench_memory.py                      # 100 MB and 400 MB
    .venv/bin/python benchmarks/bench_memory.py --big --work /big/disk
    .venv/bin/python benchmarks/bench_memory.py --sizes 100 --slices 50000

Corpora (:mod:`synth`), written once per size to ``WORK`` and reused:

``sentences``
    reports re-sampling the sentences of the 新闻联播 items (about 650 characters, 10%
    near-copies of a recent report): the corpus of issue 23 item 1. The pool of sentences is
    fixed, so each recurs in more reports the larger the corpus, and the pairs of reports
    sharing a passage grow faster than the corpus: the worst case for candidate pairs.
``words``
    reports of jieba dictionary words drawn by frequency (``--corpus words``), where few
    pairs share anything: the memory of the sketches themselves.
``--slices N``
    N files of 20-80 characters sliced from one report (issue 23 item 2).

Each job is one ``corpus-tools`` process (this checkout first on ``PYTHONPATH``), its output
written to a file; ``/usr/bin/time`` (else ``wait4``) gives its peak resident memory and CPU
seconds (the peak is that of the largest process: for `keywords`, the main process or one of
its segmentation workers; `keywords` runs cold, with a new segmentation cache, by year).
``--max-memory`` is passed on to the commands. Printed per job: input MB, documents,
peak RSS, CPU and wall seconds, pairs; then the ratios of peak memory and CPU between sizes
and the growth exponent of CPU time (slope of log CPU on log size).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

CLI = [sys.executable, "-c", "from corpus_tools.cli import main; main()"]


def _measure(argv: list[str], stdout: Path, more_env: dict[str, str]) -> dict[str, Any]:
    """Run ``argv``; its peak RSS (MB), CPU and wall seconds and exit code."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.update(more_env)
    start = time.perf_counter()
    with open(stdout, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env)
        assert proc.stderr is not None
        err = proc.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return {
        "rc": os.waitstatus_to_exitcode(status),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "wall_s": round(wall, 1),
        "stderr": err.strip()[-600:],
    }


def _corpus(kind: str, megabytes: float, work: Path) -> Path:
    import synth

    path = work / f"{kind}-{megabytes:g}MB.jsonl"
    if not path.is_file():
        start = time.perf_counter()
        maker = synth.sentence_reports if kind == "sentences" else synth.word_megabytes
        synth.write_records(path, maker(megabytes))
        print(f"wrote {path} in {time.perf_counter() - start:.0f} s", flush=True)
    return path


def _documents(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def run_jobs(
    source: Path, label: str, docs: int, *, jobs: list[str], work: Path, extra: list[str]
) -> list[dict[str, Any]]:
    rows = []
    size_mb = sum(p.stat().st_size for p in _files(source)) / 2**20
    for job in jobs:
        out = work / f"out-{label}-{job}"
        env: dict[str, str] = {}
        if job == "dedup":
            argv = [*CLI, "dedup", str(source), "--format", "json", *extra]
        elif job == "keywords":  # cold: a new segmentation cache (the default run writes one)
            cache = work / f"cache-{label}"
            shutil.rmtree(cache, ignore_errors=True)
            env["CORPUS_TOOLS_CACHE"] = str(cache)
            argv = [*CLI, "keywords", str(source), "-o", str(out.with_suffix(".parquet"))]
            argv += ["--by", "year", "--format", "json"]
        else:
            shutil.rmtree(out.with_suffix(".idx"), ignore_errors=True)
            argv = [*CLI, "index", "build", str(source), "-o", str(out.with_suffix(".idx"))]
            argv += ["--format", "json", *extra]
        facts = _measure(argv, out.with_suffix(".json"), env)
        pairs = None
        if facts["rc"] == 0 and job == "dedup":
            pairs = len(json.loads(out.with_suffix(".json").read_text("utf-8"))["pairs"])
        row = {"corpus": label, "job": job, "input_mb": round(size_mb), "docs": docs}
        row.update(facts, pairs=pairs)
        rows.append(row)
        warn = " | " + facts["stderr"].splitlines()[-1][:160] if facts["stderr"] else ""
        print(
            f"{label:>22} {job:12} {size_mb:>7,.0f} MB {docs:>9,} docs  peak {facts['peak_mb']:>6,} MB"
            f"  CPU {facts['cpu_s']:>7.1f} s  wall {facts['wall_s']:>7.1f} s  pairs {pairs}"
            f"  rc {facts['rc']}{warn}",
            flush=True,
        )
    return rows


def _files(source: Path) -> list[Path]:
    return sorted(source.iterdir()) if source.is_dir() else [source]


def _growth(rows: list[dict[str, Any]]) -> None:
    for job in ("dedup", "index-build", "keywords"):
        pts = [r for r in rows if r["job"] == job and r["rc"] == 0 and "slices" not in r["corpus"]]
        for a, b in itertools.pairwise(pts):
            ratio = b["input_mb"] / max(a["input_mb"], 1)
            cpu = b["cpu_s"] / max(a["cpu_s"], 0.1)
            print(
                f"{job}: {a['input_mb']} -> {b['input_mb']} MB (x{ratio:.1f}): peak memory "
                f"x{b['peak_mb'] / max(a['peak_mb'], 1):.2f}, CPU x{cpu:.2f} "
                f"(growth exponent {math.log(cpu) / math.log(ratio):.2f})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[100, 400], help="MB of JSONL")
    parser.add_argument("--big", action="store_true", help="add 2 GB (takes long)")
    parser.add_argument("--corpus", choices=("sentences", "words"), default="sentences")
    parser.add_argument("--slices", type=int, default=0, help="also N tiny overlapping files")
    parser.add_argument(
        "--jobs",
        nargs="+",
        default=["dedup", "index-build"],
        choices=["dedup", "index-build", "keywords"],
        help="keywords: cold, by year, with its segmentation workers (takes long)",
    )
    parser.add_argument("--max-memory", default=None, help="passed on, e.g. 1G")
    parser.add_argument("--work", type=Path, default=Path("/tmp/corpus-tools-bench-memory"))
    parser.add_argument("--json", type=Path, default=None, help="write the rows here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    extra = ["--max-memory", args.max_memory] if args.max_memory else []
    sizes = [*args.sizes, *([2048.0] if args.big else [])]
    rows: list[dict[str, Any]] = []
    if args.slices:
        import synth

        folder = args.work / f"slices-{args.slices}"
        if not folder.is_dir():
            synth.write_slices(folder, args.slices)
        rows += run_jobs(
            folder,
            f"slices-{args.slices}",
            args.slices,
            jobs=["dedup"],
            work=args.work,
            extra=extra,
        )
    for mb in sizes:
        path = _corpus(args.corpus, mb, args.work)
        rows += run_jobs(
            path,
            f"{args.corpus}-{mb:g}MB",
            _documents(path),
            jobs=args.jobs,
            work=args.work,
            extra=extra,
        )
    _growth(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
