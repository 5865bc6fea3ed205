"""Quality of near-duplicate, partial-copy and excerpt detection on real text.

1. Two independent transcriptions of the national government work reports
   (../shared/corpora/state_council_gwr, same ``work_key``): every pair must be found and
   no pair across different years.
2. Planted sets built from ../shared/corpora: for each sampled source report, copies that
   a reviewer must catch (exact, blank template, re-filled numbers, shuffled paragraphs,
   re-punctuated, lightly edited), a partial copy (60% of the paragraphs in order, the rest
   new text) and an excerpt (a few hundred characters). They are mixed with the base corpus
   (hard negatives of the same genre) and found with ``find_near_duplicates`` (all pairs)
   and with ``DedupIndex.flag`` (a reviewer's query).

Precision is computed on the pairs that involve a planted document. ``strict`` counts as
wrong every partner other than its source (or another plant of that source); ``lenient``
also accepts partners that the base corpus itself relates to the source (real reports copy
each other: local regulations share whole articles).

Run:  .venv/bin/python benchmarks/bench_dedup_quality.py [--sources N] [--seed S]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

from corpus_tools.dedup import DedupIndex, find_near_duplicates

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
COPY_KINDS = ("exact", "template", "refilled", "shuffled", "repunct", "edited")


def records(name: str) -> list[dict[str, Any]]:
    folder = CORPORA / name
    path = folder / "corpus.jsonl"
    opener: Any = open
    if not path.exists():
        path, opener = folder / "corpus.jsonl.gz", gzip.open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# --------------------------------------------------------------------------- 1. transcriptions


def transcriptions() -> None:
    recs = [r for r in records("state_council_gwr")]
    key = {r["id"]: r["work_key"] for r in recs}
    gwr = {r["id"] for r in recs if r["doc_type"].startswith("state_council_gwr")}
    t0 = time.perf_counter()
    pairs = find_near_duplicates({r["id"]: r["text"] for r in recs}).pairs
    dt = time.perf_counter() - t0
    truth = {
        frozenset(v)
        for v in pd.Series(key).groupby(pd.Series(key)).groups.values()
        if len(v) == 2 and set(v) <= gwr
    }
    found = {frozenset((a, b)) for a, b in zip(pairs["a"], pairs["b"], strict=True)}
    among = [p for p in found if p <= gwr]
    cross = [p for p in among if len({key[x] for x in p}) > 1]
    hit = truth & found
    print("== two transcriptions (state_council_gwr, all 137 records)")
    print(
        f"   work_key pairs found: {len(hit)}/{len(truth)} (recall {len(hit) / len(truth):.3f})"
        f", gwr-1954 traditional/simplified: "
        f"{'found' if frozenset(('gwr-1954-ws', 'gwr-1954-ro')) in found else 'MISSED'}"
    )
    print(
        f"   pairs across different years among the reports: {len(cross)}"
        f" (precision {1 - len(cross) / max(len(among), 1):.3f})"
    )
    other = Counter(
        pairs.loc[
            [frozenset((a, b)) not in truth for a, b in zip(pairs["a"], pairs["b"], strict=True)],
            "relation",
        ]
    )
    print(
        f"   other pairs (NPC resolutions quoting reports and each other): {dict(other)}"
        f"  [{dt:.1f} s]"
    )


# --------------------------------------------------------------------------- 2. planted sets


def paragraphs(text: str) -> list[str]:
    paras = [p for p in re.split(r"\n+", text) if p.strip()]
    if len(paras) < 6:
        paras = [s for s in re.split(r"(?<=[。！？])", text) if s.strip()]
    return paras


def blank_template(text: str, rng: random.Random) -> str:
    return re.sub(r"[0-9０-９]+(?:\.[0-9]+)?", lambda m: rng.choice(["X", "XX", "×"]), text)


def refilled(text: str, rng: random.Random) -> str:
    return re.sub(r"[0-9]+", lambda m: str(rng.randint(1, 999)), text)


def shuffled(text: str, rng: random.Random) -> str:
    paras = paragraphs(text)
    rng.shuffle(paras)
    return "\n".join(paras)


def repunct(text: str, rng: random.Random) -> str:
    out = []
    for ch in text:
        r = rng.random()
        if ch == "，":
            out.append(rng.choice([",", "、", " ", "，"]) if r < 0.7 else "")
        elif ch == "。":
            out.append(rng.choice([".", "；", "。\n", "！"]))
        elif ch == "\n":
            out.append(rng.choice(["\n\n", "\n　　", " "]))
        elif ch in "“”":
            out.append('"')
        else:
            out.append(ch)
    return "".join(out)


def edited(text: str, rng: random.Random, rate: float = 0.02) -> str:
    pool = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    out = []
    for ch in text:
        r = rng.random()
        if r < rate / 3:
            continue  # deletion
        if r < 2 * rate / 3:
            out.append(rng.choice(pool))  # substitution
            continue
        out.append(ch)
        if r < rate:
            out.append(rng.choice(pool))  # insertion
    return "".join(out)


#: the ``--hard`` variant: heavier edits, shorter excerpts, smaller copied shares
HARD = {"edit_rate": 0.05, "excerpt": (120, 300), "share": (0.4, 0.6), "excerpt_edits": 0.01}
EASY = {"edit_rate": 0.02, "excerpt": (200, 500), "share": (0.6, 0.6), "excerpt_edits": 0.0}
MODE = dict(EASY)


def partial(text: str, filler: list[str], rng: random.Random) -> str:
    paras = paragraphs(text)
    share = rng.uniform(*MODE["share"])
    keep = sorted(rng.sample(range(len(paras)), max(1, round(share * len(paras)))))
    kept = [paras[i] for i in keep]
    need = (1 - share) / share * sum(len(p) for p in kept)
    new: list[str] = []
    while sum(len(p) for p in new) < need:
        new.extend(paragraphs(rng.choice(filler))[:3])
    out = kept[:]
    for p in new:
        out.insert(rng.randint(0, len(out)), p)
    return "\n".join(out)


def excerpt(text: str, filler: list[str], rng: random.Random) -> str:
    size = rng.randint(*MODE["excerpt"])
    start = rng.randint(0, max(0, len(text) - size))
    lead = paragraphs(rng.choice(filler))[0][:30] if rng.random() < 0.5 else ""
    piece = text[start : start + size]
    if MODE["excerpt_edits"]:
        piece = edited(piece, rng, MODE["excerpt_edits"])
    return lead + piece


def planted(n_sources: int, seed: int) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    rng = random.Random(seed)
    base: dict[str, str] = {}
    for r in records("provincial_gwr_2026"):
        base[r["id"]] = r["text"]
    for r in records("state_council_gwr"):
        if r["id"].endswith("-ws") and r["doc_type"] == "state_council_gwr":
            base[r["id"]] = r["text"]
    regs = [r for r in records("local_regulations") if r["n_versions_same_title"] == 1]
    for r in rng.sample(regs, 150):
        base[r["id"]] = r["text"]
    news = [r for r in records("xinwen_lianbo") if r["item_type"] == "item" and r["chars"] > 800]
    rng.shuffle(news)
    for r in news[:150]:
        base[r["id"]] = r["text"]
    filler = [r["text"] for r in news[150:1150]]
    candidates = sorted(k for k, v in base.items() if len(v) >= 3000)
    sources = rng.sample(candidates, n_sources)
    plants: dict[str, tuple[str, str]] = {}
    docs = dict(base)
    for s in sources:
        t = base[s]
        made = {
            "exact": t,
            "template": blank_template(t, rng),
            "refilled": refilled(t, rng),
            "shuffled": shuffled(t, rng),
            "repunct": repunct(t, rng),
            "edited": edited(t, rng, MODE["edit_rate"]),
            "partial": partial(t, filler, rng),
            "excerpt": excerpt(t, filler, rng),
        }
        for kind, text in made.items():
            pid = f"plant:{kind}:{s}"
            docs[pid] = text
            plants[pid] = (kind, s)
    return docs, plants


def score(
    found_pairs: list[tuple[str, str, str | None]],
    plants: dict[str, tuple[str, str]],
    natural: dict[str, set[str]],
    label: str,
) -> None:
    """Recall per kind, precision strict and lenient, on pairs involving a plant."""
    detected: dict[str, str | None] = {}
    tp = fp_strict = fp_lenient = 0
    per_kind_fp: Counter[str] = Counter()
    for a, b, rel in found_pairs:
        for p, other in ((a, b), (b, a)):
            if p not in plants:
                continue
            kind, src = plants[p]
            if other == src:
                detected[p] = rel
                tp += 1
            elif other in plants and plants[other][1] == src:
                tp += 1
            elif other in natural.get(src, set()) or (
                other in plants and plants[other][1] in natural.get(src, set())
            ):
                fp_strict += 1
            else:
                fp_strict += 1
                fp_lenient += 1
                per_kind_fp[kind] += 1
            break  # count a pair once
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    relations: dict[str, Counter[str | None]] = defaultdict(Counter)
    for p, (kind, _) in plants.items():
        by_kind[kind][1] += 1
        if p in detected:
            by_kind[kind][0] += 1
            relations[kind][detected[p]] += 1
    print(f"== planted sets, {label}")
    for kind in (*COPY_KINDS, "partial", "excerpt"):
        got, n = by_kind[kind]
        print(f"   {kind:9s} recall {got / n:.3f} ({got}/{n})  relations {dict(relations[kind])}")
    copies = [by_kind[k] for k in COPY_KINDS]
    rc = sum(g for g, _ in copies) / sum(n for _, n in copies)
    print(
        f"   copies    recall {rc:.3f}   partial recall {by_kind['partial'][0] / by_kind['partial'][1]:.3f}"
        f"   excerpt recall {by_kind['excerpt'][0] / by_kind['excerpt'][1]:.3f}"
    )
    print(
        f"   precision strict {tp / max(tp + fp_strict, 1):.3f}, lenient "
        f"{tp / max(tp + fp_lenient, 1):.3f}  ({tp} right, {fp_strict} other partners, "
        f"{fp_lenient} unrelated; unrelated by kind {dict(per_kind_fp)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--hard",
        action="store_true",
        help="heavier edits, shorter excerpts, copied shares of 40-60%%",
    )
    args = parser.parse_args()
    if args.hard:
        MODE.update(HARD)
        print(f"hard variant: {HARD}")
    transcriptions()
    docs, plants = planted(args.sources, args.seed)
    base = {k: v for k, v in docs.items() if k not in plants}
    print(
        f"== planted: {len(base)} base documents, {len(plants)} plants from {args.sources} sources"
    )
    t0 = time.perf_counter()
    base_pairs = find_near_duplicates(base).pairs
    natural: dict[str, set[str]] = defaultdict(set)
    for a, b in zip(base_pairs["a"], base_pairs["b"], strict=True):
        natural[a].add(b)
        natural[b].add(a)
    result = find_near_duplicates(docs).pairs
    dt = time.perf_counter() - t0
    score(
        list(zip(result["a"], result["b"], result["relation"], strict=True)),
        plants,
        natural,
        f"find_near_duplicates over {len(docs)} documents [{dt:.1f} s]",
    )
    t0 = time.perf_counter()
    index = DedupIndex().build(base)
    report = index.flag({p: docs[p] for p in plants})
    dt = time.perf_counter() - t0
    m = report.matches[report.matches["relation"].notna()]
    score(
        list(zip(m["submission"], m["doc_id"], m["relation"], strict=True)),
        plants,
        natural,
        f"DedupIndex.flag of each plant against the base [{dt:.1f} s]",
    )
    flagged = report.submissions.set_index("submission")["flagged"]
    missed = [p for p in plants if not flagged[p]]
    print(f"   plants not flagged: {len(missed)} {Counter(plants[p][0] for p in missed)}")


if __name__ == "__main__":
    main()
