"""Fixed costs a user pays on every command: CPU seconds to start, and what gets imported.

Each command is a whole process (this checkout first on ``PYTHONPATH``), run ``--repeat``
times interleaved with the others; printed: the median CPU seconds of the process tree
(``resource.getrusage(RUSAGE_CHILDREN)`` before and after), wall seconds and peak RSS, next to
a bare ``python -c pass``. Then one run of each with ``PYTHONPROFILEIMPORTTIME=1`` (the same as
``python -X importtime``): the ten top-level packages that cost the most import time (self
time of all their modules, summed), the modules outside each package that import it directly,
and which of the heavy libraries (pandas, numpy, pyarrow, jieba, sklearn, gensim, matplotlib, scipy, dask, zhconv,
pkg_resources, click, tqdm) were imported at all.

Run:  .venv/bin/python benchmarks/bench_startup.py [--repeat 10]
"""

from __future__ import annotations

import argparse
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


def commands() -> dict[str, list[str]]:
    ct = corpus_tools_argv()
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import corpus_tools'": [sys.executable, "-c", "import corpus_tools"],
        "corpus-tools --help": [*ct, "--help"],
        "corpus-tools dedup --help": [*ct, "dedup", "--help"],
    }


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
    args = parser.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    cmds = commands()
    runs: dict[str, list[Run]] = {name: [] for name in cmds}
    names = list(cmds)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        work = Path(tmp)
        env["CORPUS_TOOLS_CACHE"] = str(work / "cache")
        for name in names:  # bytecode compiled, files in the page cache
            run_process(cmds[name], work / "out", work / "err", env)
        for r in range(args.repeat):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                runs[name].append(run_process(cmds[name], work / "out", work / "err", env))
    print(f"load {os.getloadavg()[0]:.1f}; medians of {args.repeat} interleaved runs")
    print(f"{'command':<34} {'CPU s':>6} {'wall s':>7} {'peak MB':>8}")
    for name, rs in runs.items():
        print(
            f"{name:<34} {median([r.cpu for r in rs]):6.3f} {median([r.wall for r in rs]):7.3f} "
            f"{median([r.rss_mb for r in rs]):8.0f}"
        )
    for name, argv in cmds.items():
        if name == "python -c pass":
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
