"""The near-duplicate job as a user runs it: whole processes, corpus-tools against peer scripts.

Every tool is one process on the same JSONL file, its output written to a file:

* ``corpus-tools dedup FILE --format json`` -- the CLI as installed (this checkout first on
  ``PYTHONPATH``): folding, sketching, candidates, exact verification, passage alignment,
  clusters, JSON (the line ``tools:`` says whether its verification runs the compiled loops of
  ``corpus_tools/dedup/native.c`` or, where they were not built, the numpy code;
  ``--numpy`` adds ``ct-numpy``, the same checkout with ``CORPUS_TOOLS_NATIVE=0``, to the
  rounds: what the fallback costs, its output compared);
* ``peers/dedup_datasketch.py`` -- datasketch MinHash(128) + MinHashLSH(threshold 0.5) over
  character 5-grams, every document queried, pairs with estimated Jaccard >= 0.5 printed;
* ``peers/dedup_rensa.py`` -- the same job with rensa (MinHash in Rust), 32 bands of 4 rows;
* ``peers/dedup_textdedup.py`` -- text-dedup's MinHash (optional: ``--text-dedup-python`` names
  the interpreter of a throwaway virtualenv that has ``pip install text-dedup``).

Runs are interleaved (A B C D, then B C D A, ...), ``--repeat`` rounds per size. Per run: wall
seconds, CPU seconds of the process tree (user + system, from ``resource.getrusage(
RUSAGE_CHILDREN)`` before and after), peak RSS of the largest process in the tree (``wait4``).
Printed: medians, the median over rounds of each peer's CPU (and wall) divided by corpus-tools'
in the same round (above 1: corpus-tools used less), and the growth exponent of the median CPU
seconds over the sizes run (slope of log CPU on log n).

So that a speed figure never hides a quality change, each tool's pairs are counted and the
peers' pairs are verified exactly (Jaccard of the peers' shingle sets: character 5-grams of the
text without whitespace); of the peer pairs at Jaccard >= 0.5, the share that corpus-tools
reports as ``duplicate`` / ``near-duplicate`` is its recall of that peer (also with any relation,
and as "in the same cluster"). corpus-tools' candidate count comes from a separate, untimed run
that counts the pairs handed to its verification step (``n/a`` if that step is renamed).

Data: a seeded sample of the 新闻联播 items of ../shared/corpora/xinwen_lianbo (all 20,985 at
that size), written with ``id`` and ``text`` only to a temporary folder; ``--synthetic SIZES``
adds synthetic reports of jieba dictionary words (``synth.word_reports``, about 500 characters,
10% near-copies); 100,000 of them take a long time.

Run:  .venv/bin/python benchmarks/bench_dedup_job.py [--sizes 2000,6000,20985] [--repeat 3]
          [--synthetic 20000,100000] [--text-dedup-python /tmp/td/bin/python] [--json out.json]
          [--baseline /tmp/base] [--numpy]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
PEERS = Path(__file__).resolve().parent / "peers"
K = 5  # characters per shingle in the peers' exact verification (as in peers/*.py)
THRESHOLD = 0.5
NEAR = ("duplicate", "near-duplicate")
BASELINE = "ct-baseline"  # the tool name of --baseline
NUMPY = "ct-numpy"  # the tool name of --numpy
WARMUP_DOCS = 50  # a tiny file run once by every tool first: imports and caches warmed


# --------------------------------------------------------------------------- running


@dataclass
class Tool:
    name: str
    argv: Callable[[Path], list[str]]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    out_bytes: int
    digest: str


def run_process(argv: list[str], out: Path, err: Path, env: dict[str, str]) -> Run:
    """One whole process, stdout to ``out``; wall and CPU seconds of its tree, its peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen(argv, stdout=fo, stderr=fe, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        tail = err.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"{argv[:3]} exited {proc.returncode}:\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    data = out.read_bytes()
    return Run(wall, cpu, usage.ru_maxrss / 1024, len(data), hashlib.sha256(data).hexdigest())


def script_argv(python: str, script: str) -> Callable[[Path], list[str]]:
    """The command line of a peer script on a file."""
    return lambda path: [python, script, str(path)]


def corpus_tools_argv() -> list[str]:
    script = Path(sys.executable).with_name("corpus-tools")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corpus_tools.cli"]


def verification_path(env: dict[str, str]) -> str:
    """Which loops the checkout on ``env``'s PYTHONPATH verifies with."""
    code = "from corpus_tools.dedup.verify import NATIVE; print(NATIVE is not None)"
    argv = [sys.executable, "-c", code]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return "compiled loops" if out.stdout.strip() == "True" else "numpy code"


def make_tools(
    text_dedup_python: str | None, cache: Path, baseline: str | None, numpy: bool = False
) -> list[Tool]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["CORPUS_TOOLS_CACHE"] = str(cache)
    ct = corpus_tools_argv()
    tools = [Tool("corpus-tools", lambda p: [*ct, "dedup", str(p), "--format", "json"], env)]
    print(f"corpus-tools verifies with its {verification_path(env)}")
    if numpy:  # the same checkout without its compiled loops: what the fallback costs
        argv = lambda p: [*ct, "dedup", str(p), "--format", "json"]  # noqa: E731
        tools.append(Tool(NUMPY, argv, {**env, "CORPUS_TOOLS_NATIVE": "0"}))
    if baseline is not None:  # another checkout of corpus-tools: A/B in the same rounds
        base_env = {**env, "PYTHONPATH": str(Path(baseline).resolve())}
        argv = lambda p: [*ct, "dedup", str(p), "--format", "json"]  # noqa: E731
        tools.append(Tool(BASELINE, argv, base_env))
    for name, module in (("datasketch", "datasketch"), ("rensa", "rensa")):
        if importlib.util.find_spec(module) is None:
            print(f"skipping {name}: not installed (pip install -e '.[test]')")
            continue
        argv = script_argv(sys.executable, str(PEERS / f"dedup_{name}.py"))
        tools.append(Tool(name, argv, dict(os.environ)))
    if text_dedup_python is None:
        print(
            "skipping text-dedup: give --text-dedup-python PY, a throwaway virtualenv made with "
            "'python -m venv /tmp/td && /tmp/td/bin/pip install text-dedup'"
        )
    else:
        check = subprocess.run(
            [text_dedup_python, "-c", "import text_dedup.minhash"], capture_output=True, check=False
        )
        if check.returncode != 0:
            print(f"skipping text-dedup: {text_dedup_python} cannot import text_dedup.minhash")
        else:
            argv = script_argv(text_dedup_python, str(PEERS / "dedup_textdedup.py"))
            tools.append(Tool("text-dedup", argv, dict(os.environ)))
    return tools


# --------------------------------------------------------------------------- data


def news_records() -> list[dict[str, str]]:
    folder = CORPORA / "xinwen_lianbo"
    for name, opener in (("corpus.jsonl", open), ("corpus.jsonl.gz", gzip.open)):
        path = folder / name
        if path.is_file():
            with opener(path, "rt", encoding="utf-8") as fh:
                return [{"id": str(r["id"]), "text": str(r["text"])} for r in map(json.loads, fh)]
    raise SystemExit(f"no 新闻联播 corpus under {folder}")


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Write ``id`` and ``text`` of each record; returns (records, characters)."""
    docs = chars = 0
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            docs += 1
            chars += len(rec["text"])
            fh.write(json.dumps({"id": rec["id"], "text": rec["text"]}, ensure_ascii=False))
            fh.write("\n")
    return docs, chars


def news_sample(records: list[dict[str, str]], n: int) -> list[dict[str, str]]:
    if n >= len(records):
        return records
    idx = np.sort(np.random.default_rng(0).choice(len(records), size=n, replace=False))
    return [records[i] for i in idx.tolist()]


def synthetic_records(n: int) -> Iterable[dict[str, Any]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synth import word_reports

    return word_reports(n, mean_chars=500, seed=0)


# --------------------------------------------------------------------------- quality


def read_texts(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as fh:
        return {r["id"]: r["text"] for r in map(json.loads, fh)}


def peer_shingles(text: str) -> np.ndarray:
    s = "".join(text.split())
    grams = {s[i : i + K] for i in range(max(len(s) - K + 1, 1))} if s else set()
    return np.array(sorted({hash(g) for g in grams}), dtype=np.int64)


def exact_jaccard(pairs: Iterable[tuple[str, str]], texts: dict[str, str]) -> dict[tuple, float]:
    cache: dict[str, np.ndarray] = {}
    out: dict[tuple[str, str], float] = {}
    for a, b in pairs:
        if (a, b) in out:
            continue
        if texts[a] == texts[b]:
            out[a, b] = 1.0
            continue
        sa = cache.get(a)
        if sa is None:
            sa = cache[a] = peer_shingles(texts[a])
        sb = cache.get(b)
        if sb is None:
            sb = cache[b] = peer_shingles(texts[b])
        inter = len(np.intersect1d(sa, sb, assume_unique=True))
        union = len(sa) + len(sb) - inter
        out[a, b] = inter / union if union else 0.0
    return out


def key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def ct_candidates(path: Path, env: dict[str, str]) -> int | None:
    """corpus-tools' candidate pairs for ``path``: the pairs its CLI hands to verification."""
    code = """
import sys
import corpus_tools.dedup.verify as verify
counts = []
def counting(original):
    def count(cands, *args, **kwargs):
        if hasattr(cands, "__len__"):
            counts.append(len(cands))
            return original(cands, *args, **kwargs)
        def blocks():  # candidates handed over a block at a time
            for block in cands:
                counts.append(len(block))
                yield block
        return original(blocks(), *args, **kwargs)
    return count
for step in ("verify_candidates", "verify_table"):
    if not hasattr(verify, step):
        continue
    wrapped = counting(getattr(verify, step))
    for name in ("corpus_tools.dedup.verify", "corpus_tools.dedup.index", "corpus_tools.dedup.search"):
        module = __import__(name, fromlist=["_"])
        if hasattr(module, step):
            setattr(module, step, wrapped)
from corpus_tools.cli import main
sys.argv = ["corpus-tools", "dedup", sys.argv[1], "--format", "json"]
try:
    main()
finally:
    sys.stderr.write("CANDIDATES %s\\n" % (sum(counts) if counts else "n/a"))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    for line in proc.stderr.splitlines():
        if line.startswith("CANDIDATES ") and line.split()[1].isdigit():
            return int(line.split()[1])
    return None


def quality(
    outputs: dict[str, Path], texts: dict[str, str], ct_cands: int | None
) -> dict[str, dict[str, Any]]:
    ct = json.loads(outputs["corpus-tools"].read_text(encoding="utf-8"))
    ct_all = {key(p["a"], p["b"]): p["relation"] for p in ct["pairs"]}
    ct_near = {k for k, rel in ct_all.items() if rel in NEAR}
    cluster = {d: c for c, members in enumerate(ct.get("clusters", [])) for d in members}
    rels = Counter(ct_all.values())
    res: dict[str, dict[str, Any]] = {
        "corpus-tools": {
            "candidates": ct_cands,
            "pairs": len(ct_all),
            "near_pairs": len(ct_near),
            "relations": dict(sorted(rels.items())),
            "clusters": len(ct.get("clusters", [])),
        }
    }
    peer_true: dict[str, set[tuple[str, str]]] = {}
    peers = {name: json.loads(path.read_text(encoding="utf-8")) for name, path in outputs.items()}
    peers.pop("corpus-tools")
    wanted = {key(a, b) for out in peers.values() for a, b, _ in out["pairs"]}
    jac = exact_jaccard(sorted(wanted), texts)
    for name, out in peers.items():
        pairs = {key(a, b) for a, b, _ in out["pairs"]}
        true = {k for k in pairs if jac[k] >= THRESHOLD}
        peer_true[name] = true
        missed = sorted(k for k in true if k not in ct_near)
        res[name] = {
            "candidates": out.get("candidates"),
            "pairs": len(pairs),
            "exact_ge_threshold": len(true),
            "ct_near_found": len(true & ct_near),
            "ct_any_found": len(true & set(ct_all)),
            "ct_same_cluster": sum(
                1 for a, b in true if a in cluster and cluster[a] == cluster.get(b)
            ),
            "recall_near": len(true & ct_near) / len(true) if true else float("nan"),
            "recall_any": len(true & set(ct_all)) / len(true) if true else float("nan"),
            "ct_near_in_peer": len(ct_near & pairs),
            "missed_examples": [
                [a, b, round(jac[a, b], 3), ct_all.get((a, b))] for a, b in missed[:3]
            ],
        }
    union = set().union(*peer_true.values()) if peer_true else set()
    res["corpus-tools"]["peers_union_exact"] = len(union)
    res["corpus-tools"]["recall_union_near"] = (
        len(union & ct_near) / len(union) if union else float("nan")
    )
    return res


# --------------------------------------------------------------------------- report


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratios(runs: dict[str, list[Run]], name: str, attr: str) -> float:
    base = runs["corpus-tools"]
    per_round = [getattr(p, attr) / getattr(b, attr) for p, b in zip(runs[name], base, strict=True)]
    return median(per_round)


def print_size(label: str, runs: dict[str, list[Run]], qual: dict[str, dict[str, Any]]) -> None:
    print(f"\n{label}: medians of {len(runs['corpus-tools'])} interleaved runs")
    print(
        f"{'tool':<13} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'out MB':>7} "
        f"{'CPU ratio':>9} {'wall ratio':>10} {'candidates':>10} {'pairs':>8} {'same out':>8}"
    )
    for name, rs in runs.items():
        q = qual.get(name, {})
        cands = q.get("candidates")
        same = "yes" if len({r.digest for r in rs}) == 1 else "NO"
        cpu_ratio = "" if name == "corpus-tools" else f"{ratios(runs, name, 'cpu'):.2f}x"
        wall_ratio = "" if name == "corpus-tools" else f"{ratios(runs, name, 'wall'):.2f}x"
        print(
            f"{name:<13} {median([r.wall for r in rs]):7.2f} {median([r.cpu for r in rs]):7.2f} "
            f"{median([r.rss_mb for r in rs]):8.0f} {median([r.out_bytes for r in rs]) / 1e6:7.2f} "
            f"{cpu_ratio:>9} {wall_ratio:>10} {'n/a' if cands is None else cands:>10} "
            f"{q.get('pairs', ''):>8} {same:>8}"
        )
    print("(ratio: the peer's CPU or wall seconds / corpus-tools' in the same round, median)")
    ct = qual["corpus-tools"]
    print(
        f"corpus-tools pairs by relation: {ct['relations']}; {ct['clusters']} clusters; "
        f"recall of the union of the peers' exact pairs (Jaccard >= {THRESHOLD}, "
        f"{ct['peers_union_exact']} pairs) as duplicate/near-duplicate: "
        f"{ct['recall_union_near']:.3f}"
    )
    print(
        f"{'peer':<13} {'pairs':>8} {'exact>=0.5':>10} {'ct near':>8} {'ct any':>8} "
        f"{'same cl.':>8} {'recall':>7} {'ct near in peer':>15}"
    )
    for name, q in qual.items():
        if name == "corpus-tools":
            continue
        print(
            f"{name:<13} {q['pairs']:>8} {q['exact_ge_threshold']:>10} {q['ct_near_found']:>8} "
            f"{q['ct_any_found']:>8} {q['ct_same_cluster']:>8} {q['recall_near']:>7.3f} "
            f"{q['ct_near_in_peer']:>8} of {ct['near_pairs']}"
        )
        for ex in q["missed_examples"]:
            print(f"    missed by corpus-tools as near-duplicate: {ex}")


def growth(series: list[tuple[int, dict[str, list[Run]]]]) -> dict[str, float]:
    out: dict[str, float] = {}
    if len(series) < 2:
        return out
    for name in series[0][1]:
        pts = [(n, median([r.cpu for r in runs[name]])) for n, runs in series if name in runs]
        x = np.log([n for n, _ in pts])
        y = np.log([c for _, c in pts])
        out[name] = float(np.polyfit(x, y, 1)[0])
    return out


def no_nan(obj: Any) -> Any:
    """``obj`` with NaN floats as None (JSON has no NaN)."""
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: no_nan(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [no_nan(v) for v in obj]
    return obj


# --------------------------------------------------------------------------- main


def bench_file(
    label: str, path: Path, tools: list[Tool], repeat: int, work: Path
) -> tuple[dict[str, list[Run]], dict[str, dict[str, Any]]]:
    runs: dict[str, list[Run]] = {t.name: [] for t in tools}
    outputs = {t.name: work / f"out-{t.name}.json" for t in tools}
    print(f"\n{label}: load {os.getloadavg()[0]:.1f} before", flush=True)
    for r in range(repeat):
        order = tools[r % len(tools) :] + tools[: r % len(tools)]
        for tool in order:
            run = run_process(tool.argv(path), outputs[tool.name], work / "stderr.txt", tool.env)
            runs[tool.name].append(run)
            print(
                f"  round {r + 1} {tool.name:<13} wall {run.wall:7.2f} s  CPU {run.cpu:7.2f} s  "
                f"peak {run.rss_mb:6.0f} MB",
                flush=True,
            )
    cands = ct_candidates(path, tools[0].env)
    ours = {k: v for k, v in outputs.items() if k not in (BASELINE, NUMPY)}
    qual = quality(ours, read_texts(path), cands)
    print_size(label, runs, qual)
    for other, what in ((BASELINE, "the baseline checkout's"), (NUMPY, "the numpy code's")):
        if other in runs:
            same = {r.digest for r in runs[other]} == {r.digest for r in runs["corpus-tools"]}
            print(f"output identical to {what}: {'yes' if same else 'NO'}")
    print(f"load {os.getloadavg()[0]:.1f} after", flush=True)
    return runs, qual


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,6000,20985", help="news items per file")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds per size")
    parser.add_argument("--synthetic", default="", help="synthetic report counts, e.g. 100000")
    parser.add_argument("--text-dedup-python", default=None, help="a python with text-dedup")
    parser.add_argument("--json", default=None, help="write every run and count to this file")
    parser.add_argument(
        "--baseline",
        default=None,
        help="another checkout of corpus-tools (e.g. 'git worktree add /tmp/base main'), run "
        "interleaved with this one: before/after in the same rounds, outputs compared",
    )
    parser.add_argument(
        "--numpy",
        action="store_true",
        help="also run this checkout with CORPUS_TOOLS_NATIVE=0 (its numpy code instead of the "
        "compiled loops) in the same rounds: what the fallback costs, outputs compared",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    synthetic = [int(s) for s in args.synthetic.split(",") if s]
    result: dict[str, Any] = {"runs": {}, "quality": {}, "growth": {}}
    with tempfile.TemporaryDirectory(prefix="bench-dedup-job-") as tmp:
        work = Path(tmp)
        tools = make_tools(args.text_dedup_python, work / "cache", args.baseline, args.numpy)
        print("tools: " + ", ".join(t.name for t in tools))
        records = news_records() if sizes else []
        warm = work / "warmup.jsonl"
        write_jsonl(warm, records[:WARMUP_DOCS] or list(synthetic_records(WARMUP_DOCS)))
        for tool in tools:  # imports compiled, dictionaries cached, files in the page cache
            run_process(tool.argv(warm), work / "warm.out", work / "stderr.txt", tool.env)
        series: dict[str, list[tuple[int, dict[str, list[Run]]]]] = {"news": [], "synthetic": []}
        for kind, ns in (("news", sizes), ("synthetic", synthetic)):
            for n in ns:
                path = work / f"{kind}-{n}.jsonl"
                recs = news_sample(records, n) if kind == "news" else synthetic_records(n)
                count, chars = write_jsonl(path, recs)
                label = f"{kind} {count:,} items ({chars:,} characters)"
                runs, qual = bench_file(label, path, tools, args.repeat, work)
                series[kind].append((count, runs))
                result["runs"][f"{kind}-{count}"] = {
                    name: [vars(r) for r in rs] for name, rs in runs.items()
                }
                result["quality"][f"{kind}-{count}"] = qual
        for kind, ser in series.items():
            exps = growth(ser)
            if exps:
                sizes_run = ", ".join(f"{n:,}" for n, _ in ser)
                print(f"\ngrowth exponent of median CPU seconds, {kind} ({sizes_run}):")
                for name, e in exps.items():
                    print(f"  {name:<13} n^{e:.2f}")
                result["growth"][kind] = exps
    if args.json:
        Path(args.json).write_text(json.dumps(no_nan(result), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
