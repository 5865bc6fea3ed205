"""Quality of topic clustering: NMI against real labels, with the plain baseline in the same run.

Label sets (text only: the xinwen_lianbo titles carry the rubric tag and are not used):

* ``xwlb-party``: items of 8 overlapping party-discourse rubrics of xinwen_lianbo
  (学思想 强党性…, 党旗在基层一线高高飘扬, 树立和践行正确政绩观, 三中/四中全会精神,
  八项规定精神, 铭记历史 缅怀先烈, 实干笃行) -- the set the issue is about;
* ``xwlb-grassroots``: 8 rubrics of reportage and party life (在希望的田野上, 一线调研,
  新春走基层, 文化中国行, 代表委员履职故事, 二十大代表风采, 党纪学习教育, 总书记与我们在一起);
* ``xwlb-economy``: 8 economic rubrics that overlap in time and wording (a stress test);
* ``xwlb-campaigns``: 8 small campaign rubrics (11-26 items) whose labels are slogans of a
  season more than themes (真抓实干…, 新时代新征程新伟业, 高质量发展调研行): a hard set;
* ``xwlb-party-wide``: the party rubrics with 新思想引领新征程 (459 items on every subject)
  in place of two of them: a hard set, one rubric being a catch-all;
* ``locreg-titles``: local regulations whose normalised title (province prefix removed)
  exists in at least 5 provinces, labelled by that title (parallel but independently
  drafted laws: 优化营商环境条例, 信访条例 ...), the 10 largest groups;
* ``locreg-province``: 300 local regulations labelled by province (not a theme: printed
  for information only).

For each set, k = the number of labels, and the script prints NMI for:

* ``baseline``: plain NMF on raw jieba tokens (a private ``jieba.Tokenizer``, tf-idf of
  every token, NMF with scikit-learn's defaults) -- the issue's reference point;
* ``default``: :func:`corpus_tools.topics.fit_topics` with its defaults, run twice to check
  that both runs give identical output;
* ``kmeans`` and ``lda``: the other models on the same preprocessing (``--all``);
* ``auto-k``: the default with k chosen by coherence (``--auto-k``), with the k found;
* ``held-out``: a :class:`corpus_tools.topics.TopicModel` fitted on four fifths of the
  items, its ``transform`` on the other fifth (``--held-out``): NMI of the held-out items,
  and how many land in the topic whose training items mostly share their label.

Run::

    .venv/bin/python benchmarks/bench_topics.py            # default + baseline
    .venv/bin/python benchmarks/bench_topics.py --all --auto-k --held-out

One process, one BLAS thread (the machine is shared).

``--job`` times the whole command a user runs instead, ``corpus-tools topics CORPUS --format
json`` (k chosen by coherence unless ``--k``), as processes: this checkout against an older
revision (``--before REV``, exported with ``git archive``) and against itself with more options
(``--also "--pair-min-df 3"``), interleaved (the order reversed every other round),
``--repeat`` rounds, with a warm segmentation cache shared by both (one
untimed run first; both versions segment alike, and the script says so if a timed run wrote
to the cache). Per run: wall seconds, CPU seconds of the process tree (all its threads, and
any worker process: ``resource.getrusage(RUSAGE_CHILDREN)``), peak RSS, the machine's load
average as it started and how often the process was preempted (made to wait for a core);
printed: the medians, the median of the per-round CPU ratios to this checkout's, and whether
the outputs are the same. On a shared machine the wall time is mostly the load: a process
of 18 CPU-s on one thread took 25 to 44 s at load 4 to 6 on 2 cores (every other core-second
spent waiting, tens of thousands of preemptions), so compare versions within a run::

    .venv/bin/python benchmarks/bench_topics.py --job --before 8791af3 --repeat 3
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import os
import re
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("CORPUS_TOOLS_CORPORA", ROOT.parent / "shared" / "corpora"))

XWLB_SETS = {
    "xwlb-party": [
        "学思想 强党性 重实践 建新功",
        "党旗在基层一线高高飘扬",
        "树立和践行正确政绩观",
        "学习贯彻党的二十届四中全会精神",
        "学习贯彻党的二十届三中全会精神",
        "锲而不舍落实中央八项规定精神",
        "铭记历史 缅怀先烈",
        "新时代新征程新伟业——实干笃行",
    ],
    "xwlb-grassroots": [
        "在希望的田野上",
        "一线调研",
        "新春走基层",
        "文化中国行",
        "代表委员履职故事",
        "二十大代表风采",
        "党纪学习教育",
        "总书记与我们在一起",
    ],
    "xwlb-economy": [
        "推动高质量发展系列主题新闻发布会",
        "锚定现代化 改革再深化",
        "“十四五”高质量发展答卷",
        "开好局 起好步",
        "“十五五”开好局起好步",
        "权威部门话开局",
        "活力中国调研行",
        "在希望的田野上·三夏时节",
    ],
    "xwlb-campaigns": [
        "学习贯彻四中全会精神在基层",
        "学习贯彻习近平新时代中国特色社会主义思想主题教育",
        "喜迎二十大",
        "团结奋斗 忠诚履职",
        "新时代新征程新伟业",
        "真抓实干 打开改革发展新天地",
        "高质量发展调研行",
        "凝心聚力 真抓实干 奋力实现“十五五”良好开局",
    ],
    "xwlb-party-wide": [
        "新思想引领新征程",
        "学思想 强党性 重实践 建新功",
        "党旗在基层一线高高飘扬",
        "树立和践行正确政绩观",
        "锲而不舍落实中央八项规定精神",
        "党纪学习教育",
        "学习贯彻党的二十届三中全会精神",
        "铭记历史 缅怀先烈",
    ],
}


def _open(name: str):  # type: ignore[no-untyped-def]
    for candidate in ("corpus.jsonl", "corpus.jsonl.gz"):
        path = CORPORA / name / candidate
        if path.is_file():
            return (
                gzip.open(path, "rt", encoding="utf-8")
                if path.suffix == ".gz"
                else open(path, encoding="utf-8")
            )
    sys.exit(f"corpus {name!r} not found under {CORPORA}")


def xwlb_set(rubrics: list[str]) -> tuple[pd.DataFrame, list[str]]:
    rows = []
    with _open("xinwen_lianbo") as fh:
        for line in fh:
            r = json.loads(line)
            if r["item_type"] == "item" and r["column"] in rubrics:
                rows.append(
                    {"doc_id": r["id"], "text": r["text"], "year": r["year"], "label": r["column"]}
                )
    frame = pd.DataFrame(rows)
    return frame[["doc_id", "text", "year"]], frame["label"].tolist()


_PROVINCE_PREFIX = re.compile(r"^(?:山东|河南|浙江|上海|北京|重庆|广东)(?:省|市)?")


def locreg_sets(groups: int = 10, min_provinces: int = 5) -> dict[str, tuple[pd.DataFrame, list]]:
    recs = []
    with _open("local_regulations") as fh:
        for line in fh:
            r = json.loads(line)
            title = _PROVINCE_PREFIX.sub("", r["title"])
            recs.append((r["id"], r["text"], r["province"], title))
    provinces: dict[str, set[str]] = defaultdict(set)
    for _, _, prov, title in recs:
        provinces[title].add(prov)
    wide = [t for t, p in provinces.items() if len(p) >= min_provinces]
    counts = Counter(t for _, _, _, t in recs if t in wide)
    chosen = {t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:groups]}
    sel = [r for r in recs if r[3] in chosen]
    by_title = (
        pd.DataFrame({"doc_id": [r[0] for r in sel], "text": [r[1] for r in sel]}),
        [r[3] for r in sel],
    )
    step = max(1, len(recs) // 300)
    sample = recs[::step][:300]
    by_province = (
        pd.DataFrame({"doc_id": [r[0] for r in sample], "text": [r[1] for r in sample]}),
        [r[2] for r in sample],
    )
    return {"locreg-titles": by_title, "locreg-province": by_province}


def baseline(texts: list[str], k: int) -> list[int]:
    """Plain NMF on raw jieba tokens: the issue's reference point."""
    import jieba
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    vec = TfidfVectorizer(tokenizer=tok.lcut, token_pattern=None, lowercase=False)
    x = vec.fit_transform(texts)
    return NMF(n_components=k, random_state=0, max_iter=400).fit_transform(x).argmax(1).tolist()


def held_out(name: str, frame: pd.DataFrame, labels: list, k: int) -> None:
    """Fit on four fifths, assign the other fifth with ``transform``; print NMI and hits."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from corpus_tools.topics import TopicModel

    held = [i % 5 == 0 for i in range(len(frame))]
    train = frame[[not h for h in held]]
    test = frame[held]
    train_labels = [lab for lab, h in zip(labels, held, strict=True) if not h]
    test_labels = [lab for lab, h in zip(labels, held, strict=True) if h]
    t0 = time.perf_counter()
    model = TopicModel(k=k).fit(train)
    out = model.transform(test)
    secs = time.perf_counter() - t0
    majority = (
        pd.Series(train_labels)
        .groupby(model.documents_["topic"].to_numpy())
        .agg(lambda s: s.value_counts().index[0])
    )
    hits = sum(
        majority.get(t) == lab for t, lab in zip(out["topic"].tolist(), test_labels, strict=True)
    ) / len(test_labels)
    score = nmi(test_labels, out["topic"].tolist())
    print(
        f"{name:18s} {len(test):5d} {k:3d} {'held-out':10s} {score:6.3f} {'':>7s} {secs:6.1f}  "
        f"in the topic of their label: {hits:.2f}"
    )


# --------------------------------------------------------------------------- whole jobs


class Run(NamedTuple):
    wall: float
    cpu: float
    rss_mb: float
    digest: str
    load: float  # the machine's 1-minute load average as the run started
    preempted: int  # times a thread of the process was made to wait for a core


def run_process(argv: list[str], env: dict[str, str], out: Path) -> Run:
    """One whole process, stdout to ``out``: wall and CPU seconds of its tree, peak RSS.

    CPU seconds are user + system time of the process and of every process it waited for
    (``RUSAGE_CHILDREN``: all its threads, and worker processes if it started any). Wall
    above CPU (on one thread) is time spent waiting: for a core when the machine is loaded
    (``preempted``, the involuntary context switches, and ``load`` say how much), or for
    the disk.
    """
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out, "wb") as fo:
        proc = subprocess.Popen(argv, stdout=fo, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        sys.exit(f"{' '.join(argv[:4])} failed:\n{err[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    preempted = after.ru_nivcsw - before.ru_nivcsw
    return Run(wall, cpu, usage.ru_maxrss / 1024, digest, load, preempted)


def export_revision(rev: str, dest: Path) -> Path:
    """The package as it was at ``rev`` (``git archive``), under ``dest``."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "corpus_tools"],
        capture_output=True,
        check=True,
    ).stdout
    tar = dest / "src.tar"
    tar.write_bytes(data)
    with tarfile.open(tar) as fh:
        fh.extractall(dest / "src", filter="data")
    return dest / "src"


def _project(new: object, old: object, path: str, added: set[str]) -> object:
    """``new`` cut to the shape of ``old`` (the fields ``old`` has), noting the fields added."""
    if isinstance(new, dict) and isinstance(old, dict):
        added.update(f"{path}{k}" for k in new if k not in old)
        return {k: _project(new[k], old[k], f"{path}{k}.", added) for k in new if k in old}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [_project(a, b, f"{path[:-1]}[].", added) for a, b in zip(new, old, strict=True)]
    return new


def compare_outputs(before: Path, after: Path) -> str:
    """Whether two JSON outputs are the same bytes, or the same in the fields before has."""
    if before.read_bytes() == after.read_bytes():
        return "identical bytes"
    old, new = json.loads(before.read_bytes()), json.loads(after.read_bytes())
    added: set[str] = set()
    if _project(new, old, "", added) != old:
        return "DIFFERENT values"
    return f"the same values in every field before prints; fields added: {sorted(added)}"


def _cache_size(cache: Path) -> int:
    return sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())


#: The CLI without its installed script (the version first on PYTHONPATH).
_CLI = "import sys; from corpus_tools.cli import main; sys.argv[0] = 'corpus-tools'; main()"


class Version(NamedTuple):
    name: str
    argv: list[str]
    env: dict[str, str]


def _versions(
    args: argparse.Namespace, tmp: Path, cache: Path, command: list[str]
) -> list[Version]:
    """before (--before REV), after (this checkout), after with --also ARGS."""
    script = Path(sys.executable).with_name("corpus-tools")  # the installed entry point
    cli = [str(script)] if script.exists() else [sys.executable, "-c", _CLI]

    def env(src: Path) -> dict[str, str]:
        return dict(os.environ, CORPUS_TOOLS_CACHE=str(cache), PYTHONPATH=str(src))

    versions = [Version("after", [*cli, *command], env(ROOT))]
    if args.before:
        versions.insert(
            0, Version("before", [*cli, *command], env(export_revision(args.before, tmp)))
        )
    if args.also:
        versions.append(
            Version(f"after {args.also}", [*cli, *command, *args.also.split()], env(ROOT))
        )
    return versions


def _rounds(versions: list[Version], repeat: int, tmp: Path, cache: Path) -> dict[str, list[Run]]:
    """Each version once a round, in turn (the order reversed every other round)."""
    runs: dict[str, list[Run]] = {v.name: [] for v in versions}
    for r in range(repeat):
        for v in versions if r % 2 == 0 else versions[::-1]:
            size = _cache_size(cache)
            run = run_process(v.argv, v.env, tmp / f"{versions.index(v)}-{r}.json")
            grew = "  (wrote to the cache: not warm)" if _cache_size(cache) != size else ""
            runs[v.name].append(run)
            print(
                f"round {r + 1} {v.name:8s} wall {run.wall:7.1f} s  CPU {run.cpu:7.1f} s  "
                f"peak RSS {run.rss_mb:6.0f} MB  load {run.load:4.1f}  "
                f"preempted {run.preempted:6d}{grew}",
                flush=True,
            )
    return runs


def job(args: argparse.Namespace) -> None:
    """Time ``corpus-tools topics`` as whole processes: --before REV against this checkout."""
    corpus = Path(args.corpus) if Path(args.corpus).exists() else CORPORA / args.corpus
    if not corpus.exists():
        sys.exit(f"corpus {args.corpus!r} not found under {CORPORA}")
    command = ["topics", str(corpus), "--format", "json"]
    if args.k is not None:
        command += ["-k", str(args.k)]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "cache"
        versions = _versions(args, tmp, cache, command)
        after = next(i for i, v in enumerate(versions) if v.name == "after")
        print(f"corpus-tools {' '.join(command)}; warming the segmentation cache ...", flush=True)
        run_process(versions[after].argv, versions[after].env, tmp / "warm.json")
        runs = _rounds(versions, args.repeat, tmp, cache)
        outputs = {  # each other version's first output against this checkout's
            v.name: compare_outputs(tmp / f"{i}-0.json", tmp / f"{after}-0.json")
            for i, v in enumerate(versions)
            if i != after
        }
    print()
    loads = [r.load for rs in runs.values() for r in rs]
    print(
        f"{len(versions)} versions x {args.repeat} rounds on {os.cpu_count()} cores; "
        f"load average at the starts: median {statistics.median(loads):.1f} "
        f"({min(loads):.1f}-{max(loads):.1f})"
    )
    for name, rs in runs.items():
        print(
            f"{name:8s} median wall {statistics.median(r.wall for r in rs):7.1f} s  "
            f"median CPU {statistics.median(r.cpu for r in rs):7.1f} s  "
            f"peak RSS {max(r.rss_mb for r in rs):6.0f} MB"
            + ("" if len({r.digest for r in rs}) == 1 else "  (runs printed different bytes)")
        )
    for name, said in outputs.items():
        cpu = [o.cpu / a.cpu for o, a in zip(runs[name], runs["after"], strict=True)]
        wall = [o.wall / a.wall for o, a in zip(runs[name], runs["after"], strict=True)]
        print(
            f"{name} / after: CPU {statistics.median(cpu):.2f}x, wall "
            f"{statistics.median(wall):.2f}x (medians of the rounds); output: {said}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--all", action="store_true", help="also kmeans and lda")
    parser.add_argument("--auto-k", action="store_true", help="also choose k by coherence")
    parser.add_argument("--held-out", action="store_true", help="also transform held-out items")
    parser.add_argument("--sets", nargs="*", default=None, help="only these sets")
    parser.add_argument("--job", action="store_true", help="time the CLI as whole processes")
    parser.add_argument("--before", default=None, help="--job: the git revision to compare")
    parser.add_argument("--repeat", type=int, default=3, help="--job: interleaved rounds")
    parser.add_argument(
        "--corpus",
        default="state_council_gwr",
        help="--job: corpus (a folder of the shared corpora, or a path)",
    )
    parser.add_argument("--k", type=int, default=None, help="--job: -k K (default: auto)")
    parser.add_argument(
        "--also", default=None, help="--job: also this checkout with these options (quoted)"
    )
    args = parser.parse_args()
    if args.job:
        job(args)
        return

    from sklearn.metrics import normalized_mutual_info_score as nmi
    from threadpoolctl import threadpool_limits

    from corpus_tools.topics import fit_topics

    sets: dict[str, tuple[pd.DataFrame, list]] = {
        name: xwlb_set(rubrics) for name, rubrics in XWLB_SETS.items()
    }
    sets.update(locreg_sets())
    if args.sets:
        sets = {k: v for k, v in sets.items() if k in args.sets}

    print(f"{'set':18s} {'docs':>5s} {'k':>3s} {'method':10s} {'NMI':>6s} {'coh':>7s} {'secs':>6s}")
    summary = []
    with threadpool_limits(limits=1):
        for name, (frame, labels) in sets.items():
            k = len(set(labels))
            t0 = time.perf_counter()
            base = nmi(labels, baseline(frame["text"].tolist(), k))
            tb = time.perf_counter() - t0
            print(
                f"{name:18s} {len(frame):5d} {k:3d} {'baseline':10s} {base:6.3f} {'':>7s} {tb:6.1f}"
            )
            t0 = time.perf_counter()
            res = fit_topics(frame, k=k)
            td = time.perf_counter() - t0
            again = fit_topics(frame, k=k)
            same = res.documents.equals(again.documents) and res.topics.equals(again.topics)
            score = nmi(labels, res.documents["topic"].tolist())
            print(
                f"{name:18s} {len(frame):5d} {k:3d} {'default':10s} {score:6.3f} "
                f"{res.coherence:7.3f} {td:6.1f}  identical rerun: {same}  "
                f"ratio to baseline: {score / base:.2f}"
            )
            summary.append((name, base, score, same))
            if args.all:
                for model in ("kmeans", "lda"):
                    t0 = time.perf_counter()
                    r = fit_topics(frame, k=k, model=model)
                    s = nmi(labels, r.documents["topic"].tolist())
                    print(
                        f"{name:18s} {len(frame):5d} {k:3d} {model:10s} {s:6.3f} "
                        f"{r.coherence:7.3f} {time.perf_counter() - t0:6.1f}"
                    )
            if args.auto_k:
                t0 = time.perf_counter()
                r = fit_topics(frame, k_range=(4, 14))
                s = nmi(labels, r.documents["topic"].tolist())
                scores = " ".join(f"{a}:{b:.3f}" for a, b in r.k_scores[["k", "coherence"]].values)
                print(
                    f"{name:18s} {len(frame):5d} {r.k:3d} {'auto-k':10s} {s:6.3f} "
                    f"{r.coherence:7.3f} {time.perf_counter() - t0:6.1f}  [{scores}]"
                )
            if args.held_out:
                held_out(name, frame, labels, k)
            for row in res.topics.head(k).itertuples():
                print(f"    topic {row.topic} ({row.size}): {' | '.join(row.terms[:8])}")
    print()
    for name, base, score, same in summary:
        print(
            f"{name:18s} baseline {base:.3f}  default {score:.3f}  "
            f"gain {score - base:+.3f}  deterministic {same}"
        )


if __name__ == "__main__":
    main()
