"""Flag latency against a large persistent index, and the index's bytes per document.

The index holds N synthetic reports (default 100,000) made of real sentences from
../shared/corpora (government work reports, local regulations, news transcripts), 40-120
sentences each, so that they share boilerplate sentences the way real reports do, plus the
real reports of state_council_gwr. It is built, saved, loaded; then single submissions
are flagged one at a time (the reviewer's case) and the latency is printed:

* a copy of a held real report (re-punctuated, numbers changed),
* a partial copy (60% of a held synthetic report + new text),
* an excerpt of 300 characters of a held report,
* an unrelated real report (a 2026 provincial work report, not held),
* a typical report (with roles): 40% paragraphs quoted from the 2025 national work report,
  30% copied from a held provincial report, 30% new text (another provincial report).

With ``--roles`` (the default) the national reports are held as references and 29 of the
provincial reports as peers, so every submission is judged with roles on: copy ratio and
quoted ratio apart (``--no-roles``: everything held as a peer, as before roles).

Run:  .venv/bin/python benchmarks/bench_dedup_index.py [--docs N] [--dir DIR] [--no-roles]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from corpus_tools.dedup import DedupIndex

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def records(name: str) -> list[dict[str, Any]]:
    folder = CORPORA / name
    path = folder / "corpus.jsonl"
    opener: Any = open
    if not path.exists():
        path, opener = folder / "corpus.jsonl.gz", gzip.open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def sentences() -> list[str]:
    out: list[str] = []
    for name in ("local_regulations", "xinwen_lianbo", "state_council_gwr"):
        for r in records(name):
            out.extend(s for s in re.split(r"(?<=[。！？；])", r["text"]) if len(s) >= 12)
    return out


def synthetic(n: int, pool: list[str], seed: int = 0) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(40, 121, size=n)
    picks = rng.integers(0, len(pool), size=int(sizes.sum()))
    docs, pos = {}, 0
    for i, size in enumerate(sizes.tolist()):
        docs[f"syn-{i:06d}"] = "\n".join(pool[j] for j in picks[pos : pos + size].tolist())
        pos += size
    return docs


def timed(index: DedupIndex, name: str, text: str, runs: int = 5) -> tuple[float, float, Any]:
    """Median wall time and median CPU time of flagging one submission."""
    wall, cpu, report = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        report = index.flag({name: text})
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--dir", type=str, default=None, help="where to write the index")
    parser.add_argument("--roles", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="load the index in --dir (saved by a run with the same --docs) instead of building it",
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    pool = sentences()
    held = synthetic(args.docs, pool)
    gwr = {r["id"]: r["text"] for r in records("state_council_gwr")}
    provincial = [r["text"] for r in records("provincial_gwr_2026")]
    peers_prov = {f"prov-{i}": t for i, t in enumerate(provincial) if i >= 2}
    held.update(peers_prov)
    if not args.roles:
        held.update(gwr)
    chars = sum(len(t) for t in held.values()) + (sum(map(len, gwr.values())) if args.roles else 0)
    n_held = len(held) + (len(gwr) if args.roles else 0)
    print(
        f"{n_held:,} held documents ({len(gwr) if args.roles else 0} references), "
        f"{chars:,} characters (mean {chars // n_held:,}), "
        f"made in {time.perf_counter() - t0:.0f} s"
    )
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="ct-index-"))
    if not args.reuse:
        t0 = time.perf_counter()
        index = DedupIndex().build(held)
        if args.roles:
            index.add(gwr, role="reference")
        build = time.perf_counter() - t0
        print(f"build: {build:.0f} s ({n_held / build:,.0f} docs/s)")
        t0 = time.perf_counter()
        index.save(folder)
        print(f"save: {time.perf_counter() - t0:.0f} s -> {folder}")
        del index
    t0 = time.perf_counter()
    index = DedupIndex.load(folder)
    print(f"load: {time.perf_counter() - t0:.1f} s")
    sizes = index.nbytes()
    on_disk = {p.name: p.stat().st_size for p in folder.iterdir()}
    search_disk = sum(v for k, v in on_disk.items() if not k.startswith("texts-"))
    text_disk = sum(v for k, v in on_disk.items() if k.startswith("texts-"))
    n = len(index)
    print(
        f"bytes per document: search structures {sizes['search'] / n:,.0f} in memory, "
        f"{search_disk / n:,.0f} on disk; stored texts (zlib) {text_disk / n:,.0f} on disk"
    )
    rng = np.random.default_rng(1)
    real = gwr["gwr-2010-ws"]
    copy = re.sub(r"[0-9]+", lambda m: str(rng.integers(1, 99)), real.replace("，", ","))
    syn = held["syn-000123"].split("\n")
    keep = syn[: int(len(syn) * 0.6)]
    new_len = sum(len(x) for x in keep) * 2 // 3
    part = "\n".join(keep) + "\n" + provincial[1][:new_len]  # new text: not held
    excerpt = "今年以来我们认真贯彻落实。" + real[5000:5300]
    fresh = provincial[0]
    both = {"gwr-2010-ws", "gwr-2010-ro"}  # two transcriptions of one report are held
    national = [p for p in gwr["gwr-2025-ws"].split("\n") if len(p) >= 80]
    peer = [p for p in provincial[2].split("\n") if len(p) >= 80]
    new = [p for p in provincial[1].split("\n") if len(p) >= 80]
    typical = "\n".join(national[5:11] + peer[3:8] + new[2:7])  # about 40/30/30
    cases = [
        ("typical report (mixed)", "typical", typical, {"prov-2", "gwr-2025-ws"}),
        ("copy of a held report", "copy", copy, both),
        ("partial copy (60%)", "partial", part, {"syn-000123"}),
        ("excerpt of 300 chars", "excerpt", excerpt, both),
        ("unrelated report", "fresh", fresh, None),
    ]
    print(
        f"flag latency, one submission against {n:,} documents (median of 5; wall and CPU "
        "time: on a shared machine the wall time includes waiting for a core):"
    )
    index.flag({"warm-up": fresh[:2000]})  # lazy tables, imports
    for label, name, text, expect in cases:
        dt, cpu, report = timed(index, name, text)
        m = report.matches
        top = m["doc_id"].iloc[0] if len(m) else None
        ok = (top in expect) if expect else not bool(report.submissions["flagged"].iloc[0])
        sub = report.submissions.iloc[0]
        print(
            f"   {label:24s} {1000 * dt:7.1f} ms wall {1000 * cpu:7.1f} ms CPU "
            f"({len(text):,} chars, {len(m)} matches, top {top}, "
            f"copy {sub['copy_ratio']:.2f} quoted {sub['quoted_ratio']:.2f}, "
            f"{'right' if ok else 'WRONG'})"
        )
    if args.dir is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
