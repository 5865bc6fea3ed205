"""Speed, memory and quality of ``find_boilerplate`` against a plain baseline.

Run from the repository root::

    .venv/bin/python benchmarks/bench_boilerplate.py              # both corpora
    .venv/bin/python benchmarks/bench_boilerplate.py --docs 20000 --only synthetic

Two corpora:

* ``xinwen_lianbo`` (../shared/corpora, ~21k real news items);
* ``synthetic``: ``--docs`` documents (100,000 by default) made of real clauses from the
  news corpus, joined two by two into sentences no two documents share, with known
  boilerplate planted: a page-furniture block at the top of 20% of the documents, a
  template-site watermark above the title of 1%, and 12 template paragraphs (real
  paragraphs of the national government work reports) each planted in a known number of
  documents (3 ... 20,000).

The peer is the baseline a researcher would write first: fold each document
(``corpus_tools.text.fold``), cut it into sentences, count each sentence once per
document with a ``collections.Counter``, then sum the characters of the sentences held
by at least 3 documents. It finds no watermark, merges nothing and keeps no offsets.
Each engine runs in its own process; ``seconds`` is wall time, ``cpu_seconds`` the CPU time
of that process (the figure to compare on a shared machine); ``peak_rss_mb`` is the peak
resident memory during
the run (reset after loading, Linux ``clear_refs``), ``rss_before_mb`` what the loaded
corpus and libraries took before it.

Quality on the synthetic corpus: a planted paragraph is *found* when one passage has
its exact text (after normalisation) and exactly the planted document frequency; the
furniture likewise; the watermark is found when every planted copy is reported as
``watermark``. False passages are reported passages that are none of these.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import gzip
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("CORPUS_TOOLS_CORPORA", ROOT.parent / "shared" / "corpora"))
FURNITURE = "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】"
WATERMARK = "本文来源于网络，仅供学习交流使用，如有侵权请联系删除"
PLANT_DFS = [3, 5, 8, 13, 50, 100, 500, 1000, 2000, 5000, 10000, 20000]


def _open(name: str) -> Any:
    folder = CORPORA / name
    if (folder / "corpus.jsonl").is_file():
        return open(folder / "corpus.jsonl", encoding="utf-8")
    return gzip.open(folder / "corpus.jsonl.gz", "rt", encoding="utf-8")


def load_news() -> pd.DataFrame:
    rows = []
    with _open("xinwen_lianbo") as fh:
        for line in fh:
            rec = json.loads(line)
            rows.append((rec["id"], rec["text"]))
    return pd.DataFrame(rows, columns=["doc_id", "text"])


def synthetic(n_docs: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Documents of real clauses with planted boilerplate, and the truth."""
    rng = random.Random(seed)
    clauses: set[str] = set()
    with _open("xinwen_lianbo") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            for raw in re.split(r"[，。！？；：:;\n]", text):
                c = raw.strip()
                if 6 <= len(c) <= 30 and "央视网" not in c:
                    clauses.add(c)
    pool = sorted(clauses)
    paragraphs = []
    with _open("state_council_gwr") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["doc_type"] == "state_council_gwr" and rec["id"].endswith("-ro"):
                paras = [p.strip() for p in rec["text"].split("\n") if 80 <= len(p.strip()) <= 300]
                if len(paras) > 5:
                    paragraphs.append(paras[5])
    plants = paragraphs[: len(PLANT_DFS)]
    texts: list[list[str]] = []
    for _ in range(n_docs):
        lines = []
        for _ in range(rng.randint(1, 5)):
            sents = [
                rng.choice(pool) + "，" + rng.choice(pool) + "。" for _ in range(rng.randint(1, 6))
            ]
            lines.append("".join(sents))
        texts.append(lines)
    truth: dict[str, Any] = {"plants": {}, "furniture": [], "watermark": []}
    for para, df in zip(plants, PLANT_DFS, strict=False):
        docs = sorted(rng.sample(range(n_docs), min(df, n_docs)))
        for d in docs:
            texts[d].insert(rng.randint(1, len(texts[d])), para)
        truth["plants"][para] = len(docs)
    furniture = sorted(rng.sample(range(n_docs), n_docs // 5))
    for d in furniture:
        texts[d].insert(0, FURNITURE)
    marked = sorted(rng.sample(range(n_docs), max(1, n_docs // 100)))
    for d in marked:
        texts[d].insert(0, WATERMARK)
    truth["furniture"] = len(furniture)
    truth["watermark"] = len(marked)
    frame = pd.DataFrame(
        {"doc_id": [f"syn-{i:06d}" for i in range(n_docs)], "text": ["\n".join(t) for t in texts]}
    )
    return frame, truth


# --------------------------------------------------------------------------- the peer

_SENT = re.compile(r"[^\n。！？；：!?;:]+[。！？；：!?;:]?")


def baseline(corpus: pd.DataFrame, min_docs: int = 3, min_chars: int = 10) -> pd.DataFrame:
    from corpus_tools.text import fold

    per_doc = []
    counts: Counter[str] = Counter()
    for text in corpus["text"]:
        sents = ["".join(s.split()) for s in _SENT.findall(fold(text, spaces="keep"))]
        per_doc.append(sents)
        counts.update(set(sents))
    frequent = {s for s, c in counts.items() if c >= min_docs and len(s) >= min_chars}
    rows = []
    for doc_id, sents in zip(corpus["doc_id"], per_doc, strict=True):
        total = sum(len(s) for s in sents)
        bp = sum(len(s) for s in sents if s in frequent)
        rows.append((doc_id, bp, 1 - bp / total if total else 1.0))
    return pd.DataFrame(rows, columns=["doc_id", "boilerplate_chars", "originality"])


# --------------------------------------------------------------------------- one run


def _quality(res: Any, truth: dict[str, Any]) -> dict[str, Any]:
    from corpus_tools.text import fold

    def key(t: str) -> str:
        return "".join(fold(t).split())

    found = 0
    passages = res.passages
    keys = [key(t) for t in passages["text"]]
    matched: set[int] = set()
    for para, df in truth["plants"].items():
        hits = [i for i, k in enumerate(keys) if k == key(para)]
        if len(hits) == 1 and int(passages["doc_freq"].iloc[hits[0]]) == df:
            found += 1
        matched.update(hits)
    furn = [i for i, k in enumerate(keys) if k == key(FURNITURE)]
    furniture_ok = len(furn) == 1 and int(passages["doc_freq"].iloc[furn[0]]) == truth["furniture"]
    matched.update(furn)
    wm = [i for i, k in enumerate(keys) if k == key(WATERMARK)]
    wm_ok = (
        len(wm) == 1
        and passages["kind"].iloc[wm[0]] == "watermark"
        and int(passages["doc_freq"].iloc[wm[0]]) == truth["watermark"]
    )
    matched.update(wm)
    false = [passages["text"].iloc[i] for i in range(len(passages)) if i not in matched]
    return {
        "plants_found": f"{found}/{len(truth['plants'])}",
        "furniture_found": furniture_ok,
        "watermark_found": wm_ok,
        "false_passages": len(false),
        "false_examples": false[:3],
    }


def _status(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> float:
    """Reset the peak RSS (Linux: clear_refs 5) so it measures the run, not the loading."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def run_one(corpus_name: str, engine: str, data: str | None) -> dict[str, Any]:
    truth = None
    if corpus_name == "xinwen_lianbo":
        corpus = load_news()
    else:
        assert data is not None
        corpus = pd.read_parquet(data + ".parquet")
        truth = json.loads(Path(data + ".json").read_text(encoding="utf-8"))
    gc.collect()
    loaded_rss = _reset_peak()
    t0 = time.perf_counter()
    c0 = time.process_time()
    out: dict[str, Any] = {}
    if engine == "corpus_tools":
        from corpus_tools.boilerplate import find_boilerplate

        res = find_boilerplate(corpus)
        out["passages"] = len(res.passages)
        out["mean_originality"] = round(float(res.documents["originality"].mean()), 4)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0
        if truth is not None:
            out.update(_quality(res, truth))
    else:
        docs = baseline(corpus)
        out["mean_originality"] = round(float(docs["originality"].mean()), 4)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0
    out.update(
        docs=len(corpus),
        chars=int(corpus["text"].str.len().sum()),
        seconds=round(seconds, 2),
        cpu_seconds=round(cpu, 2),
        docs_per_s=round(len(corpus) / seconds),
        rss_before_mb=round(loaded_rss),
        peak_rss_mb=round(_status("VmHWM")),
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000, help="synthetic corpus size")
    ap.add_argument("--only", choices=["xinwen_lianbo", "synthetic"], default=None)
    ap.add_argument(
        "--child", nargs=3, metavar=("CORPUS", "ENGINE", "DATA"), help=argparse.SUPPRESS
    )
    args = ap.parse_args()
    if args.child:
        name, engine, data = args.child
        print(json.dumps(run_one(name, engine, data), ensure_ascii=False))
        return
    corpora = [args.only] if args.only else ["xinwen_lianbo", "synthetic"]
    tmp = tempfile.TemporaryDirectory()
    data = str(Path(tmp.name) / "synthetic")
    if "synthetic" in corpora:
        t0 = time.perf_counter()
        frame, truth = synthetic(args.docs)
        frame.to_parquet(data + ".parquet")
        Path(data + ".json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
        print(
            f"synthetic corpus: {len(frame)} docs, {frame['text'].str.len().sum():,} chars, "
            f"built in {time.perf_counter() - t0:.0f} s"
        )
        del frame
    for name in corpora:
        results = {}
        for engine in ("corpus_tools", "baseline"):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", name, engine, data],
                capture_output=True,
                text=True,
                check=True,
            )
            results[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(
                f"{name:14s} {engine:13s} {json.dumps(results[engine], ensure_ascii=False)}",
                flush=True,
            )
        ours, peer = results["corpus_tools"], results["baseline"]
        print(
            f"{name:14s} ratio: corpus_tools takes {ours['seconds'] / peer['seconds']:.2f}x the "
            f"baseline's time ({ours['docs_per_s']} vs {peer['docs_per_s']} docs/s), "
            f"peak RSS {ours['peak_rss_mb']} vs {peer['peak_rss_mb']} MB",
            flush=True,
        )
    tmp.cleanup()


if __name__ == "__main__":
    main()
