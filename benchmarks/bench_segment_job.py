"""Segmentation as a user runs it: whole processes, corpus-tools against jieba and rjieba scripts.

Every tool is one process on the same JSONL file of 新闻联播 items, writing one
``{"doc_id", "tokens"}`` line per record to a file:

* ``corpus-tools segment FILE --format jsonl --no-cache`` -- the CLI as installed (this checkout
  first on ``PYTHONPATH``), with its defaults (domain lexicon, HMM, worker processes for large
  inputs), no cache read or written;
* ``corpus-tools ... -j 1`` -- the same in one process (the CPU cost without the worker pool);
* ``peers/segment_jieba.py`` -- plain ``jieba.lcut`` per record;
* ``peers/segment_rjieba.py`` -- ``rjieba.cut`` (jieba-rs, Rust) per record, skipped with a
  message if rjieba is not installed.

Runs are interleaved (A B C D, then B C D A, ...), ``--repeat`` rounds. Per run: wall seconds,
CPU seconds of the process tree (``resource.getrusage(RUSAGE_CHILDREN)`` before and after, so
worker processes count), peak RSS of the largest process in the tree. Printed: medians, the
median over rounds of jieba's CPU (and wall) divided by each tool's in the same round (above 1:
the tool is faster than jieba), throughput, and the agreement of each tool's tokens with
jieba's: jieba tokens whose span (start, end) in the text is not a token of the tool, over all
jieba tokens, and the documents with any difference. corpus-tools differs from jieba by design
where it keeps slogans, placeholder runs and numbers whole.

Run:  .venv/bin/python benchmarks/bench_segment_job.py [--docs 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dedup_job import (
    PEERS,
    ROOT,
    Run,
    Tool,
    corpus_tools_argv,
    median,
    news_records,
    news_sample,
    run_process,
    script_argv,
    write_jsonl,
)

WARMUP_DOCS = 50


def make_tools(cache: Path) -> list[Tool]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["CORPUS_TOOLS_CACHE"] = str(cache)
    ct = corpus_tools_argv()
    base = [*ct, "segment"]
    opts = ["--format", "jsonl", "--no-cache"]
    tools = [
        Tool("corpus-tools", lambda p: [*base, str(p), *opts], env),
        Tool("ct -j 1", lambda p: [*base, str(p), *opts, "-j", "1"], env),
        Tool("jieba", script_argv(sys.executable, str(PEERS / "segment_jieba.py"))),
    ]
    if importlib.util.find_spec("rjieba") is None:
        print("skipping rjieba: not installed (pip install -e '.[test]')")
    else:
        tools.append(Tool("rjieba", script_argv(sys.executable, str(PEERS / "segment_rjieba.py"))))
    for tool in tools:
        tool.env = tool.env or dict(os.environ)
    return tools


def read_tokens(path: Path) -> dict[str, list[str]]:
    with open(path, encoding="utf-8") as fh:
        return {r["doc_id"]: r["tokens"] for r in map(json.loads, fh)}


def spans(tokens: list[str]) -> set[tuple[int, int]]:
    out = set()
    pos = 0
    for tok in tokens:
        out.add((pos, pos + len(tok)))
        pos += len(tok)
    return out


def agreement(tool: dict[str, list[str]], jieba: dict[str, list[str]]) -> dict[str, Any]:
    """jieba tokens the tool does not have (by span), documents differing, texts differing."""
    differ = total = docs = other_text = 0
    examples: Counter[tuple[str, str]] = Counter()
    for doc_id, ref in jieba.items():
        got = tool.get(doc_id, [])
        total += len(ref)
        if "".join(got) != "".join(ref):  # not the same text: compare the tokens as bags
            other_text += 1
            missing = Counter(ref) - Counter(got)
            n = sum(missing.values())
        else:
            mine = spans(got)
            text = "".join(ref)
            pos = 0
            n = 0
            for tok in ref:
                if (pos, pos + len(tok)) not in mine:
                    n += 1
                    # the tool's token(s) covering this jieba token, for the examples
                    cover = [t for s, t in _cover(got, pos, pos + len(tok))]
                    examples[tok, "|".join(cover) if cover else text[pos : pos + len(tok)]] += 1
                pos += len(tok)
        differ += n
        docs += n > 0
    return {
        "differ": differ,
        "total": total,
        "docs_differ": docs,
        "docs": len(jieba),
        "text_differs": other_text,
        "examples": examples.most_common(5),
    }


def _cover(tokens: list[str], start: int, end: int) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for tok in tokens:
        if pos < end and pos + len(tok) > start:
            out.append((pos, tok))
        pos += len(tok)
        if pos >= end:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="新闻联播 items (seeded sample)")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--json", default=None, help="write every run and count to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-segment-job-") as tmp:
        work = Path(tmp)
        tools = make_tools(work / "cache")
        records = news_records()
        warm = work / "warmup.jsonl"
        write_jsonl(warm, records[:WARMUP_DOCS])
        for tool in tools:
            run_process(tool.argv(warm), work / "warm.out", work / "stderr.txt", tool.env)
        path = work / f"news-{args.docs}.jsonl"
        n, chars = write_jsonl(path, news_sample(records, args.docs))
        print(f"news {n:,} items ({chars:,} characters): load {os.getloadavg()[0]:.1f} before")
        runs: dict[str, list[Run]] = {t.name: [] for t in tools}
        outputs = {t.name: work / f"out-{i}.jsonl" for i, t in enumerate(tools)}
        for r in range(args.repeat):
            order = tools[r % len(tools) :] + tools[: r % len(tools)]
            for tool in order:
                run = run_process(
                    tool.argv(path), outputs[tool.name], work / "stderr.txt", tool.env
                )
                runs[tool.name].append(run)
                print(
                    f"  round {r + 1} {tool.name:<13} wall {run.wall:7.2f} s  "
                    f"CPU {run.cpu:7.2f} s  peak {run.rss_mb:6.0f} MB",
                    flush=True,
                )
        ref = read_tokens(outputs["jieba"])
        agree = {name: agreement(read_tokens(out), ref) for name, out in outputs.items()}
    jieba = runs["jieba"]
    print(f"\nnews {n:,} items: medians of {args.repeat} interleaved runs")
    print(
        f"{'tool':<13} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'chars/CPU-s':>11} "
        f"{'vs jieba CPU':>12} {'vs jieba wall':>13} {'same out':>8} {'tokens differing':>22}"
    )
    for name, rs in runs.items():
        cpu = median([r.cpu for r in rs])
        vs_cpu = median([j.cpu / r.cpu for j, r in zip(jieba, rs, strict=True)])
        vs_wall = median([j.wall / r.wall for j, r in zip(jieba, rs, strict=True)])
        a = agree[name]
        same = "yes" if len({r.digest for r in rs}) == 1 else "NO"
        print(
            f"{name:<13} {median([r.wall for r in rs]):7.2f} {cpu:7.2f} "
            f"{median([r.rss_mb for r in rs]):8.0f} {chars / cpu:11,.0f} {vs_cpu:11.2f}x "
            f"{vs_wall:12.2f}x {same:>8} {a['differ']:>9,} of {a['total']:,}"
        )
    print("(vs jieba: jieba's seconds / the tool's in the same round, median; >1 is faster)")
    for name, a in agree.items():
        if name != "jieba":
            print(
                f"{name}: {a['docs_differ']} of {a['docs']} documents differ from jieba "
                f"({a['text_differs']} with other text); most frequent: {a['examples']}"
            )
    if args.json:
        result = {
            "docs": n,
            "chars": chars,
            "runs": {name: [vars(r) for r in rs] for name, rs in runs.items()},
            "agreement": agree,
        }
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
