"""CPU time of ``flag`` with residue and roles on, against a 100,000-document index, and of
the reviewer's page.

The index is the one of bench_dedup_index.py (N synthetic reports of real sentences, the
provincial reports of 2026 but two as peers, the national work reports as references).
Single submissions are flagged one at a time, each with its residue (placeholders and names
of another place, the submission's place inferred from its text, each source's place
inferred from the source's text):

* a typical report: 40% paragraphs quoted from the 2025 national work report (reference),
  30% copied from a held provincial report (peer), 30% new text (another province's report),
  its place inferred (none dominates), then given (the province of its new text: the names
  of the copied province are residue);
* a provincial report (贵州省) rewritten for another province (四川省) with every third city
  and county name left, as in tests/test_residue.py, its source held as a peer.

Printed per case: median CPU and wall time of 5 runs, each with the sources' places
inferred again (a run's first submission: the cache of source places is emptied), and the
same with the cache warm (the next submissions of a run that share sources); the residue
found; then the time to render the page (render_flag_html) for the case.

Run:  .venv/bin/python benchmarks/bench_flag_evidence.py [--docs N] [--dir DIR] [--reuse]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

RUNS = 5


def _timed(job: Any, *, before: Any = None) -> tuple[float, float, Any]:
    wall, cpu, out = [], [], None
    for _ in range(RUNS):
        if before is not None:
            before()
        t0, c0 = time.perf_counter(), time.process_time()
        out = job()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), out


def main() -> None:
    from bench_dedup_index import records, sentences, synthetic
    from test_residue import rewrite

    from corpus_tools.dedup import DedupIndex, flag
    from corpus_tools.present.evidence import render_flag_html

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--dir", type=str, default=None, help="where to write the index")
    parser.add_argument("--reuse", action="store_true", help="load the index in --dir")
    args = parser.parse_args()
    gwr = {r["id"]: r["text"] for r in records("state_council_gwr")}
    by_province = {r["province"]: r["text"] for r in records("provincial_gwr_2026")}
    provincial = list(by_province.values())
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="ct-index-"))
    if not args.reuse:
        t0 = time.perf_counter()
        held = synthetic(args.docs, sentences())
        held.update({f"prov-{i}": t for i, t in enumerate(provincial) if i >= 2})
        index = DedupIndex().build(held)
        index.add(gwr, role="reference")
        index.save(folder)
        print(
            f"index of {len(index):,} documents built and saved in {time.perf_counter() - t0:.0f} s"
        )
        del index, held
    index = DedupIndex.load(folder)
    national = [p for p in gwr["gwr-2025-ws"].split("\n") if len(p) >= 80]
    peer = [p for p in provincial[2].split("\n") if len(p) >= 80]
    new = [p for p in provincial[1].split("\n") if len(p) >= 80]
    typical = "\n".join(national[5:11] + peer[3:8] + new[2:7])  # about 40/30/30
    names = list(by_province)
    source = names.index("贵州省")
    assert source >= 2, "the source must be held (the first two provincial reports are not)"
    rewritten, kept, _ = rewrite(by_province["贵州省"], "贵州省", "四川省")
    cases = [
        ("typical report (mixed)", typical, None),
        # its new text is province 1's: names of province 2 left in what it copied are residue
        ("typical report, place given", typical, names[1]),
        ("rewritten for another province", rewritten, None),
    ]
    index.flag({"warm-up": provincial[0][:2000]})  # imports, the gazetteer, lazy tables
    print(
        f"flag with residue and roles on, one submission against {len(index):,} documents "
        f"(median of {RUNS}; CPU, and wall on a shared machine):"
    )
    for label, text, place in cases:

        def job(text: str = text, place: str | None = place) -> Any:
            return index.flag({"sub": text}, place=place)

        wall, cpu, report = _timed(job, before=flag._SOURCE_PLACES.clear)
        _, cpu_warm, _ = _timed(job)
        sub = report.submissions.iloc[0]
        res = report.residue
        foreign = res[res["kind"] == "foreign_place"]
        print(
            f"   {label:32s} {1000 * cpu:6.1f} ms CPU {1000 * wall:6.1f} ms wall; sources' "
            f"places known: {1000 * cpu_warm:6.1f} ms CPU ({len(text):,} chars, copy "
            f"{sub['copy_ratio']:.2f} quoted {sub['quoted_ratio']:.2f}, place {sub['place']}, "
            f"residue {len(res)}: {len(foreign)} foreign places, "
            f"{int((foreign['certainty'] == 'certain').sum())} certain)"
        )
        if label.startswith("rewritten"):
            spans = set(zip(foreign["start"].tolist(), foreign["end"].tolist(), strict=True))
            print(f"   {'':32s} names left found: {sum(k in spans for k in kept)}/{len(kept)}")
        wall, cpu, page = _timed(lambda report=report: render_flag_html(report))
        print(f"   {'':32s} page: {1000 * cpu:6.1f} ms CPU, {len(page.encode()) / 1024:,.0f} KB")
    if args.dir is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
