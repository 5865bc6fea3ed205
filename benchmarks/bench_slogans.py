"""Quality and speed of numeric-slogan mining (corpus_tools.slogans) against a textbook peer.

Run from the repository root::

    .venv/bin/python benchmarks/bench_slogans.py            # seeds + planted + provincial top 50
    .venv/bin/python benchmarks/bench_slogans.py --large    # + timing on xinwen_lianbo (20k items)

What it prints
--------------
1. Seeds (data/raw) against the hand-read gold list tests/cases/slogans_seeds.json: precision
   and recall on numeric slogans, mining the five reports as one corpus and each report
   alone; the same for the peer, a textbook n-gram miner (frequency, PMI, boundary entropy),
   and the ratio.
2. Planted slogans: invented numbered formulas that occur nowhere are planted into real
   report text (provincial_gwr_2026 and state_council_gwr of ../shared/corpora, or of
   $CORPUS_TOOLS_CORPORA) in the ways the
   genre writes them (quoted once; parallel form once, unquoted; with an expansion; unquoted
   but repeated). Recall = planted slogans found exactly; precision = of the slogans whose
   occurrences touch a planted span, those that are exactly the planted one.
3. The 50 best numeric slogans of provincial_gwr_2026, for a person to eyeball.
4. With --large: time to mine xinwen_lianbo (20,985 items, 10.9M characters).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus_tools.io import load_corpus  # noqa: E402
from corpus_tools.slogans import NUMERALS, mine_slogans  # noqa: E402

CORPORA = Path(os.environ.get("CORPUS_TOOLS_CORPORA", ROOT.parent / "shared" / "corpora"))
GOLD = ROOT / "tests" / "cases" / "slogans_seeds.json"


# --------------------------------------------------------------------------- the peer


def textbook_miner(
    texts: list[str],
    *,
    min_freq: int = 2,
    min_pmi: float = 2.0,
    min_entropy: float = 0.9,
    max_n: int = 7,
) -> set[str]:
    """Frequency + PMI + left/right boundary entropy over character n-grams (n = 2..max_n)."""
    counts: Counter[str] = Counter()
    left: dict[str, Counter[str]] = defaultdict(Counter)
    right: dict[str, Counter[str]] = defaultdict(Counter)
    total = 0
    edge = 0
    for text in texts:
        for clause in re.findall(r"[\u4e00-\u9fff0-9]+", text):
            n = len(clause)
            total += n
            for i in range(n):
                for k in range(1, max_n + 1):
                    if i + k > n:
                        break
                    g = clause[i : i + k]
                    counts[g] += 1
                    if k >= 2:
                        # punctuation and quotes count as distinct neighbours every time
                        edge += 1
                        left[g][clause[i - 1] if i else f"^{edge}"] += 1
                        right[g][clause[i + k] if i + k < n else f"${edge}"] += 1

    def entropy(c: Counter[str]) -> float:
        s = sum(c.values())
        return -sum(v / s * math.log(v / s) for v in c.values())

    out = set()
    for g, c in counts.items():
        if len(g) < 2 or c < min_freq:
            continue
        p = c / total
        pmi = min(
            math.log(p / ((counts[g[:k]] / total) * (counts[g[k:]] / total)))
            for k in range(1, len(g))
        )
        if pmi < min_pmi:
            continue
        if min(entropy(left[g]), entropy(right[g])) < min_entropy:
            continue
        out.add(g)
    return out


# --------------------------------------------------------------------------- scoring


def prf(found: set[str], gold: set[str], optional: set[str]) -> tuple[float, float, int, int]:
    judged = found - optional
    tp = len(found & gold)
    precision = tp / len(judged) if judged else 1.0
    recall = tp / len(gold) if gold else 1.0
    return precision, recall, tp, len(judged)


def numeric_only(strings: set[str]) -> set[str]:
    return {s for s in strings if s[0] in NUMERALS or s[0].isdigit()}


def seeds_section() -> dict[str, float]:
    gold_file = json.loads(GOLD.read_text(encoding="utf-8"))
    per_doc = {k: set(v) for k, v in gold_file["numeric"].items()}
    gold = set().union(*per_doc.values())
    optional = set(gold_file["numeric_optional"])
    docs = load_corpus(ROOT / "data" / "raw").documents
    print(
        "== 1. seeds: numeric slogans against the hand-read gold list "
        f"({len(gold)} slogans, {len(optional)} optional)"
    )
    t0 = time.perf_counter()
    table = mine_slogans(docs, kinds=["numeric"])
    t_ours = time.perf_counter() - t0
    p, r, tp, n = prf(set(table.slogan), gold, optional)
    print(f"ours, corpus mode : P={p:.3f} R={r:.3f} ({tp} right of {n} judged; {t_ours:.2f}s)")
    missed = sorted(gold - set(table.slogan))
    wrong = sorted(set(table.slogan) - gold - optional)
    print(f"   missed: {missed}\n   wrong : {wrong}")
    # single-document mode: each report alone, gold = that report's list
    tps = found_n = gold_n = 0
    for name, doc_gold in per_doc.items():
        row = docs[docs.doc_id == name]
        one = mine_slogans(row, kinds=["numeric"])
        f = set(one.slogan)
        tps += len(f & doc_gold)
        found_n += len(f - optional)
        gold_n += len(doc_gold)
    ps, rs = tps / max(found_n, 1), tps / gold_n
    print(f"ours, one report at a time: P={ps:.3f} R={rs:.3f} (micro-averaged over 5 reports)")
    t0 = time.perf_counter()
    peer = numeric_only(textbook_miner(docs.text.tolist()))
    t_peer = time.perf_counter() - t0
    pp, rp, tpp, npp = prf(peer, gold, optional)
    print(f"peer (PMI + boundary entropy): P={pp:.3f} R={rp:.3f} ({tpp} of {npp}; {t_peer:.2f}s)")
    f_ours = 2 * p * r / (p + r) if p + r else 0.0
    f_peer = 2 * pp * rp / (pp + rp) if pp + rp else 0.0
    print(
        f"ratio ours/peer: precision {p:.3f}/{pp:.3f}, recall {r:.3f}/{rp:.3f}, "
        f"F1 {f_ours:.3f} vs {f_peer:.3f}; time x{t_ours / max(t_peer, 1e-9):.2f}"
    )
    return {"p": p, "r": r, "p_single": ps, "r_single": rs}


# --------------------------------------------------------------------------- planting

_ONE = list("访帮联促评查改学比带包审述考诺践晒亮树管治融链网格岗站廊坊议访办")
_TWO = [
    "到位",
    "联动",
    "共治",
    "融合",
    "同步",
    "清单",
    "合一",
    "过硬",
    "联创",
    "共建",
    "并进",
    "争先",
    "赋能",
    "领航",
    "先锋",
    "提质",
    "攻坚",
    "提标",
    "联席",
    "共享",
    "直通",
    "包联",
]
_NOUNS = ["堡垒", "窗口", "驿站", "讲堂", "哨所", "纽带", "方阵", "网格", "阵地", "书屋"]
_NUMS = list("一二三四五六七八九十两双")
_ITEMS = [
    "组织到位",
    "责任到位",
    "宣传发动",
    "督促检查",
    "资金保障",
    "队伍建设",
    "阵地建设",
    "制度完善",
    "服务提升",
    "考核评价",
    "信息公开",
    "矛盾化解",
]


def invent(rng: random.Random, existing: str) -> list[tuple[str, str]]:
    """Invented slogans (form, slogan) that occur nowhere in ``existing``."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def take(form: str, s: str) -> None:
        if s not in seen and s not in existing:
            seen.add(s)
            out.append((form, s))

    while len(out) < 160:
        form = rng.choice(["pair", "triple", "measure", "compound", "digit"])
        n1, n2, n3 = (rng.choice(_NUMS) for _ in range(3))
        if form == "pair":
            a, b = rng.sample(_ONE, 2)
            take(form, f"{n1}{a}{n2}{b}")
        elif form == "triple":
            a, b = rng.sample(_ONE, 2)
            take(form, f"{n1}{a}{n2}{b}{n3}{rng.choice(_TWO)}")
        elif form == "measure":
            n = rng.choice("三四五六七八九")
            take(form, f"{n}{rng.choice('个项')}{rng.choice(_TWO)}")
        elif form == "compound":
            take(form, f"{n1}{rng.choice(_ONE)}{rng.choice(_TWO)}")
        else:
            take(form, f"{rng.choice([5, 10, 20, 30])}分钟{rng.choice(_NOUNS)}服务圈")
    return out


def sentences(s: str, form: str, how: str, rng: random.Random) -> list[str]:
    if how == "quoted":
        frame = rng.choice(
            [
                "我们推行“{s}”工作法，推动工作落细落实。",
                "深化“{s}”机制，提升服务效能。",
                "以“{s}”为抓手，夯实基层基础。",
                "探索“{s}”模式，群众满意度明显提升。",
            ]
        )
        return [frame.format(s=s)]
    if how == "parallel":
        frame = rng.choice(
            [
                "全面推行{s}工作法，推动工作落细落实。",
                "坚持{s}，持续提升治理水平。",
                "各社区实行{s}，形成长效机制。",
            ]
        )
        return [frame.format(s=s)]
    if how == "expansion":
        n = {"两": 2, "双": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}[s[0]]
        items = "、".join(rng.sample(_ITEMS, n))
        return [f"全面落实{s}（{items}），提升基层治理水平。"]
    # repeated, unquoted, in varied contexts
    return [f"把{s}作为重点工作。", f"今年以来，{s}成效明显。", f"持续深化{s}，推动工作提质增效。"]


def plant_section(seed: int = 0) -> dict[str, float]:
    rng = random.Random(seed)
    hosts = load_corpus([CORPORA / "provincial_gwr_2026" / "corpus.jsonl"]).documents
    extra = load_corpus([CORPORA / "state_council_gwr" / "corpus.jsonl"]).documents
    extra = extra[extra.doc_id.str.contains("-ws") & (extra.text.str.len() > 8000)].head(20)
    hosts = pd.concat([hosts, extra], ignore_index=True)[["doc_id", "text"]]
    everything = "\n".join(hosts.text.tolist()) + "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "data" / "raw").glob("*.txt")
    )
    slogans = invent(rng, everything)
    texts = hosts.text.tolist()
    planted: list[tuple[int, int, int, str, str]] = []  # doc, start, end, slogan, how
    for k, (form, s) in enumerate(slogans):
        if form in ("pair", "triple"):
            how = "quoted" if k % 2 == 0 else "parallel"
        elif form == "digit":
            how = "quoted"
        else:
            how = ["quoted", "expansion", "repeated", "quoted"][k % 4]
            if how == "expansion" and s[0] not in "两双三四五六七八九":
                how = "quoted"
        d = k % len(texts)
        text = texts[d]
        for sentence in sentences(s, form, how, rng):
            cuts = [m.end() for m in re.finditer("。", text)]
            at = rng.choice(cuts) if cuts else len(text)
            # shift earlier plants of this document that lie after the cut
            planted[:] = [
                (
                    pd_,
                    ps + len(sentence) if pd_ == d and ps >= at else ps,
                    pe + len(sentence) if pd_ == d and ps >= at else pe,
                    sl,
                    hw,
                )
                for pd_, ps, pe, sl, hw in planted
            ]
            text = text[:at] + sentence + text[at:]
            off = at + sentence.index(s)
            planted.append((d, off, off + len(s), s, how))
        texts[d] = text
    hosts = hosts.assign(text=texts)
    print(
        f"\n== 2. planted: {len(slogans)} invented slogans in {len(hosts)} real documents "
        "(provincial_gwr_2026 + 20 state_council_gwr reports)"
    )
    t0 = time.perf_counter()
    table = mine_slogans(hosts, kinds=["numeric"])
    elapsed = time.perf_counter() - t0
    from corpus_tools.slogans import slogan_occurrences

    occ = slogan_occurrences(hosts, table)
    found = set(table.slogan)
    truth = {s for _, s in slogans}
    by_how: dict[str, list[bool]] = defaultdict(list)
    for s_how in {(s, how) for _, _, _, s, how in planted}:
        by_how[s_how[1]].append(s_how[0] in found)
    recall = len(truth & found) / len(truth)
    # precision around the plants: slogans reported over a planted span
    ids = hosts.doc_id.tolist()
    spans = defaultdict(list)
    for d, a, b, s, _ in planted:
        spans[ids[d]].append((a, b, s))
    touching: set[str] = set()
    for row in occ.itertuples(index=False):
        for a, b, _ in spans.get(row.doc_id, []):
            if row.start < b and a < row.end:
                touching.add(row.slogan)
    right = touching & truth
    precision = len(right) / len(touching) if touching else 1.0
    print(
        f"ours: P={precision:.3f} R={recall:.3f} ({len(right)} right of {len(touching)} "
        f"reported over plants; {len(truth & found)} of {len(truth)} found; {elapsed:.1f}s)"
    )
    for how, hits in sorted(by_how.items()):
        print(f"   {how:9s}: recall {sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})")
    print(f"   missed: {sorted(truth - found)[:30]}")
    print(f"   wrong : {sorted(touching - truth)[:30]}")
    peer = textbook_miner(hosts.text.tolist())
    pr = len(truth & peer) / len(truth)
    print(f"peer recall on planted: {pr:.3f}; ratio ours/peer x{recall / max(pr, 1e-9):.2f}")
    return {"p": precision, "r": recall}


def provincial_section() -> None:
    docs = load_corpus([CORPORA / "provincial_gwr_2026" / "corpus.jsonl"]).documents
    t0 = time.perf_counter()
    table = mine_slogans(docs, kinds=["numeric"], top=50)
    print(f"\n== 3. provincial_gwr_2026: top 50 numeric slogans ({time.perf_counter() - t0:.1f}s)")
    print("  ".join(f"{r.slogan}({r.count})" for r in table.itertuples()))


def large_section() -> None:
    folder = CORPORA / "xinwen_lianbo"
    path = next(p for p in (folder / "corpus.jsonl", folder / "corpus.jsonl.gz") if p.exists())
    t0 = time.perf_counter()
    docs = load_corpus([path]).documents
    t1 = time.perf_counter()
    c1 = time.process_time()
    table = mine_slogans(docs)
    t2 = time.perf_counter()
    c2 = time.process_time()
    print(
        f"\n== 4. xinwen_lianbo: {len(docs)} items, {docs.text.str.len().sum():,} chars; "
        f"load {t1 - t0:.1f}s, mine {t2 - t1:.1f}s wall / {c2 - c1:.1f}s CPU (one process); "
        f"{len(table)} slogans ({(table.kind == 'numeric').sum()} numeric)"
    )
    print(
        "  ".join(
            f"{r.slogan}({r.count})" for r in table[table.kind == "numeric"].head(40).itertuples()
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also time xinwen_lianbo")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    seeds_section()
    if (CORPORA / "provincial_gwr_2026").is_dir():
        plant_section(args.seed)
        provincial_section()
    else:
        print(f"\n(../shared/corpora not found at {CORPORA}: planted and provincial skipped)")
    if args.large:
        large_section()


if __name__ == "__main__":
    main()
