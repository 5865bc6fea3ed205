"""Fixed costs a user pays on every command: CPU seconds to start, and what gets imported.

Each command is a whole process (this checkout first on ``PYTHONPATH``), run ``--repeat``
times interleaved with the others; printed: the median CPU seconds of the process tree
(``resource.getrusage(RUSAGE_CHILDREN)`` before and after), wall seconds and peak RSS, next to
a bare ``python -c pass``. Then one run of each with ``PYTHONPROFILEIMPORTTIME=1`` (the same as
``python -X importtime``): the ten top-level packages that cost the most import time (self
time of all their modules, summed), the modules outside each package that import it directly,
and which of the heavy libraries (pandas, numpy, pyarrow, jieba, sklearn, gensim, matplotlib, scipy, dask, zhconv,
pkg_resources, click, tqdm) were imported at all.

With ``--index DIR`` (an index saved by ``benchmarks/bench_dedup_index.py --dir DIR``, 100k
synthetic reports by default) the reviewer's command is timed too: ``corpus-tools flag SUB
--index DIR --format json`` on one report that the index does not hold (the first 2026
provincial work report of ../shared/corpora, or ``--submission FILE.jsonl``), and the flag
run is split into its stages in one process (imports, loading the index, the first and a
second query) so that what remains of its fixed cost is seen, and whether pandas was
imported. ``--baseline DIR`` (another checkout of corpus-tools, e.g. a worktree of main) times
its flag command too, in the same interleaved rounds, splits it into the same stages, and says
whether the two printed the same bytes; ``--baseline-index DIR`` gives it the same index in
the format that checkout writes (an older checkout reads no newer format).

Run:  .venv/bin/python benchmarks/bench_startup.py [--repeat 10] [--index DIR [--submission F]]
          [--baseline DIR [--baseline-index DIR]]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dedup_job import ROOT, Run, corpus_tools_argv, median, run_process

HEAVY = (
    "pandas",
    "numpy",
    "pyarrow",
    "jieba",
    "sklearn",
    "gensim",
    "matplotlib",
    "scipy",
    "dask",
    "zhconv",
    "pkg_resources",
    "click",
    "tqdm",
)
# "import time: self [us] | cumulative | imported package", nesting shown by indentation
_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")
TOP = 10


CORPORA = ROOT.parent / "shared" / "corpora"

#: The stages of one flag run, timed in one process (CPU seconds each).
FLAG_STAGES = """
import json, sys, time
clock = time.process_time
marks = [("start", clock())]
import corpus_tools.cli.flag
from corpus_tools.dedup import DedupIndex
marks.append(("import the flag command", clock()))
index = DedupIndex.load(sys.argv[1])
marks.append(("load the index", clock()))
with open(sys.argv[2], encoding="utf-8") as fh:
    rec = json.loads(fh.readline())
index.flag({rec["id"]: rec["text"]}).to_json()
marks.append(("first query (places, folding)", clock()))
index.flag({rec["id"] + "-again": rec["text"]}).to_json()
marks.append(("second query", clock()))
marks.append(("(pandas imported: %s)" % ("pandas" in sys.modules), marks[-1][1]))
print(json.dumps([(name, b - a) for (_, a), (name, b) in zip(marks, marks[1:])]))
"""


def submission(path: str | None, work: Path) -> Path:
    """The submission flagged: ``path``, else a 2026 provincial report no index holds."""
    if path is not None:
        return Path(path)
    with open(CORPORA / "provincial_gwr_2026" / "corpus.jsonl", encoding="utf-8") as fh:
        rec = json.loads(fh.readline())
    out = work / "submission.jsonl"
    out.write_text(json.dumps({"id": "submission", "text": rec["text"]}, ensure_ascii=False))
    return out


FLAG = "corpus-tools flag SUB --index IDX"
BASELINE = "  the same, baseline checkout"


def commands(
    index: str | None = None,
    sub: Path | None = None,
    baseline: str | None = None,
    baseline_index: str | None = None,
) -> dict[str, list[str]]:
    ct = corpus_tools_argv()
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import corpus_tools'": [sys.executable, "-c", "import corpus_tools"],
        "corpus-tools --help": [*ct, "--help"],
        "corpus-tools dedup --help": [*ct, "dedup", "--help"],
    }
    if index is not None and sub is not None:
        cmds[FLAG] = [*ct, "flag", str(sub), "--index", index, "--format", "json"]
        if baseline is not None:
            cmds[BASELINE] = [*ct, "flag", str(sub), "--index", baseline_index or index]
            cmds[BASELINE] += ["--format", "json"]
    return cmds


def with_path(env: dict[str, str], checkout: str) -> dict[str, str]:
    """``env`` with ``checkout`` first on ``PYTHONPATH`` (instead of this one)."""
    rest = [p for p in env["PYTHONPATH"].split(os.pathsep) if p != str(ROOT)]
    return {**env, "PYTHONPATH": os.pathsep.join([str(Path(checkout).resolve()), *rest])}


def flag_stages(index: str, sub: Path, env: dict[str, str], cwd: Path) -> list[tuple[str, float]]:
    """The stages of one flag run; run in ``cwd`` (a folder holding no corpus_tools: ``-c``
    puts the current folder before ``PYTHONPATH``)."""
    proc = subprocess.run(
        [sys.executable, "-c", FLAG_STAGES, index, str(sub)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    stages: list[tuple[str, float]] = json.loads(proc.stdout.splitlines()[-1])
    return stages


def import_profile(
    argv: list[str], env: dict[str, str]
) -> tuple[dict[str, float], dict[str, set[str]], int]:
    """Import milliseconds (self time, summed) per top-level package; the modules outside a
    package that import it directly; how many modules were imported."""
    proc = subprocess.run(
        argv,
        env={**env, "PYTHONPROFILEIMPORTTIME": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []  # (level, module, self us) in the order printed: a module before its importer
    for line in proc.stderr.splitlines():
        m = _LINE.match(line)
        if m:
            self_us, _cumulative, indent, name = m.groups()
            rows.append(((len(indent) - 1) // 2, name, int(self_us)))
    per_package: dict[str, float] = defaultdict(float)
    importers: dict[str, set[str]] = defaultdict(set)
    for i, (level, name, self_us) in enumerate(rows):
        pkg = name.split(".")[0]
        per_package[pkg] += self_us / 1000
        parent = next((n for lv, n, _ in rows[i + 1 :] if lv < level), "(the command)")
        if parent.split(".")[0] != pkg:
            importers[pkg].add(parent)
    return dict(per_package), dict(importers), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="interleaved rounds")
    parser.add_argument("--index", default=None, help="an index directory: time 'flag' too")
    parser.add_argument("--submission", default=None, help="JSONL file of the submission")
    parser.add_argument(
        "--baseline", default=None, help="another checkout: time its flag command too (A/B)"
    )
    parser.add_argument(
        "--baseline-index", default=None, help="the index in the baseline checkout's format"
    )
    args = parser.parse_args()
    # bytecode is written by the first run of each command (as an installed package has
    # it), so that no measured run compiles the sources
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    stages: dict[str, list[tuple[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        work = Path(tmp)
        sub = submission(args.submission, work) if args.index else None
        cmds = commands(args.index, sub, args.baseline, args.baseline_index)
        runs: dict[str, list[Run]] = {name: [] for name in cmds}
        names = list(cmds)
        env["CORPUS_TOOLS_CACHE"] = str(work / "cache")
        envs = {name: env for name in names}
        if args.baseline is not None:
            envs[BASELINE] = with_path(env, args.baseline)
        for name in names:  # bytecode compiled, files in the page cache
            run_process(cmds[name], work / "out", work / "err", envs[name])
        for r in range(args.repeat):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                runs[name].append(run_process(cmds[name], work / "out", work / "err", envs[name]))
        if args.index and sub is not None:
            stages[FLAG] = flag_stages(args.index, sub, env, work)
            if args.baseline is not None:
                base_index = args.baseline_index or args.index
                stages[BASELINE] = flag_stages(base_index, sub, envs[BASELINE], work)
    print(f"load {os.getloadavg()[0]:.1f}; medians of {args.repeat} interleaved runs")
    print(f"{'command':<34} {'CPU s':>6} {'wall s':>7} {'peak MB':>8}")
    for name, rs in runs.items():
        print(
            f"{name:<34} {median([r.cpu for r in rs]):6.3f} {median([r.wall for r in rs]):7.3f} "
            f"{median([r.rss_mb for r in rs]):8.0f}"
        )
    if BASELINE in runs:
        same = {r.digest for r in runs[FLAG] + runs[BASELINE]}
        print(
            f"flag output of the two checkouts: {'the same bytes' if len(same) == 1 else 'DIFFERS'}"
        )
    for name, by_stage in stages.items():
        print(f"\n{name.strip()}, stage by stage in one process (CPU s):")
        for stage, seconds in by_stage:
            print(f"  {stage:<30} {seconds:6.3f}")
    for name, argv in cmds.items():
        if name in ("python -c pass", FLAG, BASELINE):
            continue
        per_package, importers, count = import_profile(argv, env)
        top = sorted(per_package.items(), key=lambda kv: -kv[1])[:TOP]
        heavy = [h for h in HEAVY if h in per_package]
        print(f"\n{name}: {count} modules imported; heavy: {', '.join(heavy) or 'none'}")
        print(f"  {'package':<24} {'import ms':>9}  imported directly by")
        for pkg, ms in top:
            via = sorted(importers.get(pkg, ()))
            more = f" (+{len(via) - 3})" if len(via) > 3 else ""
            print(f"  {pkg[:24]:<24} {ms:9.1f}  {', '.join(via[:3])}{more}")


if __name__ == "__main__":
    main()
