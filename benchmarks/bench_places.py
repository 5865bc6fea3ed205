"""Speed of corpus_tools.text.places and corpus_tools.dedup.residue on real reports.

Printed: the time to load the gazetteer once (CPU), ``find_places`` over the 31 provincial
reports of 2026 (characters per CPU second, best of three passes), ``infer_place`` on the
same, and ``find_residue`` of one report rewritten for another province with every third
city and county name left (tests/test_residue.py builds it), per report.

Run: ``.venv/bin/python benchmarks/bench_places.py`` (needs ../shared/corpora)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

CORPUS = ROOT.parent / "shared" / "corpora" / "provincial_gwr_2026" / "corpus.jsonl"
PASSES = 3


def main() -> int:
    from corpus_tools.text import places

    t0 = time.process_time()
    places.gazetteer()  # loads the data file once
    load = time.process_time() - t0
    with CORPUS.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    texts = [r["text"] for r in records]
    chars = sum(map(len, texts))
    best = min(_timed(lambda: [places.find_places(t) for t in texts]) for _ in range(PASSES))
    infer = min(_timed(lambda: [places.infer_place(t) for t in texts]) for _ in range(PASSES))
    print(f"gazetteer load: {load * 1000:.0f} ms CPU")
    print(f"find_places: {chars:,} characters in {best:.3f} s CPU = {chars / best:,.0f} chars/s")
    print(f"infer_place: {infer / len(texts) * 1000:.1f} ms CPU per report")

    import pandas as pd
    from test_residue import rewrite

    from corpus_tools.dedup.residue import find_residue

    by_province = {r["province"]: r["text"] for r in records}
    new, _, _ = rewrite(by_province["贵州省"], "贵州省", "四川省")
    passages = pd.DataFrame(
        {"submission_start": [0], "submission_end": [len(new)], "doc_id": ["src"]}
    )
    res_time = min(
        _timed(
            lambda: find_residue(
                new, place="四川省", passages=passages, source_places={"src": "贵州省"}
            )
        )
        for _ in range(PASSES)
    )
    print(f"find_residue: {len(new):,}-character report, {res_time * 1000:.1f} ms CPU")
    return 0


def _timed(job: object) -> float:
    t0 = time.process_time()
    job()  # type: ignore[operator]
    return time.process_time() - t0


if __name__ == "__main__":
    raise SystemExit(main())
