"""Peak memory of the keyword and near-duplicate jobs on 100k and 1M documents, streamed and not.

Run from the repository root (1M documents take about an hour on two cores)::

    .venv/bin/python benchmarks/bench_memory.py --docs 100000           # about 15 minutes
    .venv/bin/python benchmarks/bench_memory.py --docs 100000 1000000 --work /big/disk

The corpus is :func:`synth.word_reports` (reports of about 540 characters made of jieba
dictionary words, 10% near-copies of a recent report), written once per size to
``WORK/words-N.jsonl.gz`` and reused. Each job runs in its own process, so that its peak
resident memory (``ru_maxrss``) is its own; worker processes are reported apart.

Jobs, per size:

``keywords stream``
    ``keyword_table(stream_corpus(FILE), by="year")``: one chunk of 5,000 documents in
    memory at a time, plus the counts (which grow with the vocabulary, not the corpus).
``keywords in memory``
    ``keyword_table(load_corpus(FILE).documents, by="year")``: the corpus as a table.
``keywords jieba`` (the peer)
    what one writes without the toolkit: ``pandas.read_json(lines=True)``, ``jieba.lcut``
    per document, a ``Counter`` per year.
``dedup stream`` / ``dedup in memory``
    ``find_near_duplicates`` on the stream (sketches in memory, texts in a temporary
    file) and on the loaded table.
``index stream``
    ``DedupIndex().build(stream)`` then ``save``.
``load``
    ``load_corpus(FILE)`` alone: the floor of any in-memory job.

With ``--peers-up-to N`` (default 100,000) the in-memory jobs and the peer run only up to
N documents; above it only the streamed jobs and ``load`` run. The streamed and in-memory
keyword tables are compared byte for byte, and so are the two dedup results.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

JOBS = (
    "keywords-stream",
    "keywords-memory",
    "keywords-jieba",
    "dedup-stream",
    "dedup-memory",
    "index-stream",
    "load",
)
PEER_JOBS = ("keywords-memory", "keywords-jieba", "dedup-memory")


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


# --------------------------------------------------------------------------- jobs (child side)


def run_job(job: str, corpus: Path, out: Path, n_jobs: int) -> dict[str, Any]:
    import corpus_tools as ct
    from corpus_tools.io import write_table

    facts: dict[str, Any] = {}
    if job.startswith("keywords-") and job != "keywords-jieba":
        data: Any = (
            ct.stream_corpus(corpus)
            if job == "keywords-stream"
            else ct.load_corpus(corpus).documents
        )
        table = ct.keyword_table(data, by="year", cache=False, n_jobs=n_jobs)
        facts["documents"] = table.attrs["summary"]["documents"]
        facts["rows"] = len(table)
        target = out / f"{job}.parquet"
        table.attrs = {}
        write_table(table, target)
        facts["digest"] = _digest(target)
    elif job == "keywords-jieba":
        import jieba
        import pandas as pd

        frame = pd.read_json(corpus, lines=True)
        tok = jieba.Tokenizer()
        tok.initialize()
        counts: dict[int, Counter[str]] = {}
        for text, year in zip(frame["text"], frame["year"], strict=True):
            counts.setdefault(int(year), Counter()).update(tok.lcut(text))
        facts["documents"] = len(frame)
        facts["rows"] = sum(len(c) for c in counts.values())
    elif job.startswith("dedup-"):
        data = (
            ct.stream_corpus(corpus) if job == "dedup-stream" else ct.load_corpus(corpus).documents
        )
        result = ct.find_near_duplicates(data, progress=False)
        facts["pairs"] = len(result.pairs)
        target = out / f"{job}.json"
        target.write_text(json.dumps(result.to_json(), ensure_ascii=False), encoding="utf-8")
        facts["digest"] = _digest(target)
    elif job == "index-stream":
        stream = ct.stream_corpus(corpus)
        index = ct.DedupIndex(spill_dir=out).build(stream, progress=False)
        index.save(out / "index")
        facts["documents"] = len(index)
        facts["index_mb"] = round(
            sum(p.stat().st_size for p in (out / "index").iterdir()) / 2**20, 1
        )
    elif job == "load":
        docs = ct.load_corpus(corpus).documents
        facts["documents"] = len(docs)
        facts["chars"] = int(docs["text"].str.len().sum())
    else:
        raise SystemExit(f"unknown job {job!r}; jobs: {', '.join(JOBS)}")
    expected = int(corpus.name.split("-")[1].split(".")[0])
    if facts.get("documents", expected) != expected:
        raise SystemExit(f"job {job} read {facts['documents']:,} of {expected:,} documents")
    return facts


# --------------------------------------------------------------------------- driver


def _spawn(job: str, corpus: Path, out: Path, n_jobs: int) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, __file__, "--job", job, str(corpus), str(out), "--jobs", str(n_jobs)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"job {job} failed:\n{done.stderr[-3000:]}")
    facts: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    facts["wall_s"] = round(time.perf_counter() - start, 1)
    if done.stderr.strip():  # a skipped input would make the figures meaningless
        raise SystemExit(f"job {job} reported on stderr:\n{done.stderr[-3000:]}")
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[100_000])
    parser.add_argument("--peers-up-to", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/corpus-tools-bench-memory"))
    parser.add_argument("--jobs", type=int, default=2, help="segmentation processes")
    parser.add_argument("--only", nargs="*", choices=JOBS, help="run only these jobs")
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:  # child: run one job, print its facts as the last line
        corpus, out = Path(args.paths[0]), Path(args.paths[1])
        start = time.perf_counter()
        facts = run_job(args.job, corpus, out, args.jobs)
        own, kids = _peak_mb()
        facts.update(
            job=args.job,
            seconds=round(time.perf_counter() - start, 1),
            peak_mb=round(own),
            workers_peak_mb=round(kids),
        )
        print(json.dumps(facts))
        return

    import synth

    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for n in args.docs:
        corpus = args.work / f"words-{n}.jsonl.gz"
        if not corpus.is_file():
            start = time.perf_counter()
            synth.write_word_corpus(corpus, n)
            print(f"wrote {corpus} in {time.perf_counter() - start:.0f} s", flush=True)
        size_mb = corpus.stat().st_size / 2**20
        print(f"\n== {n:,} documents ({size_mb:,.0f} MB gzipped JSONL)", flush=True)
        results: dict[str, dict[str, Any]] = {}
        for job in args.only or JOBS:
            if job in PEER_JOBS and n > args.peers_up_to:
                continue
            facts = _spawn(job, corpus, args.work / f"out-{n}", args.jobs)
            results[job] = facts
            rows.append({"docs": n, **facts})
            extra = {
                k: v
                for k, v in facts.items()
                if k not in ("job", "seconds", "peak_mb", "workers_peak_mb", "wall_s")
            }
            print(
                f"{job:18s} peak {facts['peak_mb']:>7,} MB  workers {facts['workers_peak_mb']:>6,} MB"
                f"  {facts['seconds']:>7.1f} s  {extra}",
                flush=True,
            )
        for ours, other in (
            ("keywords-stream", "keywords-memory"),
            ("keywords-stream", "keywords-jieba"),
            ("dedup-stream", "dedup-memory"),
            ("index-stream", "load"),
            ("keywords-stream", "load"),
        ):
            if ours in results and other in results:
                a, b = results[ours], results[other]
                line = (
                    f"{ours} / {other}: peak memory {a['peak_mb'] / max(b['peak_mb'], 1):.2f}x, "
                    f"time {a['seconds'] / max(b['seconds'], 0.1):.2f}x"
                )
                if "digest" in a and "digest" in b:
                    line += f", same output: {a['digest'] == b['digest']}"
                print(line)
    print("\n" + json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
