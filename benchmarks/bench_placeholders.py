"""Quality and speed of corpus_tools.text.

Quality
    Real reports from ../shared/corpora are turned into templates the way 范文 are made:
    numbers before counters and units become ``X``/``×``/``XX`` (``X个``, ``X.X万元``,
    ``X%``, ``20XX年``, ``X-X月``, ``第X批``), place names become ``XX省``/``×市``/``○○县``,
    people before 同志 become ``XXX``/``某某``; one document in three is left as it is (a
    filled report). Every ×/X/○ the real text already had (数据要素×, 7×24小时, 4×4,
    1+N+X, 415X, X光, X射线, 737 MAX, 二〇三五年 …) stays and is a negative. Printed:
    precision, recall (a prediction and a blank match when they overlap), kind agreement,
    and how many real marks were taken (target 0).

    The seed reports are a second, independent test: every mark run in data/raw is a
    template blank (read by hand: 000, 002, 003 are full of them, none is a real ×), so
    recall on them is printed, and for each seed the headings of its top sections.

Speed
    ``placeholder_spans`` against the naive detector every other tool would use (all
    ``_patterns.PLACEHOLDER_RUN`` matches), same texts, same run; the ratio is printed.

Run: ``.venv/bin/python benchmarks/bench_placeholders.py [--docs N] [--seed S]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from corpus_tools.io import load_corpus  # noqa: E402
from corpus_tools.text import (  # noqa: E402
    PLACEHOLDER_MARKS,
    PLACEHOLDER_RUN,
    placeholder_spans,
    scan_placeholders,
)

#: The real corpora (as in tests/conftest.py: $CORPUS_TOOLS_CORPORA, else ../shared/corpora).
CORPORA = Path(os.environ.get("CORPUS_TOOLS_CORPORA", ROOT.parent / "shared" / "corpora"))

PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
]
# counters and units after which templates blank the number (a wide list on purpose: the
# detector's own lexicon is smaller, so unseen counters test the lone-mark path)
NUMBER_AFTER = re.compile(
    rf"(?<![0-9A-Za-z.．%+＋_{re.escape(PLACEHOLDER_MARKS)}])(?<![A-Za-z] )([0-9]+(?:\.[0-9]+)?)"
    r"(?=\s?(?:%|[\u4e00-\u9fff]))"
)
YEAR = re.compile(r"(?<![0-9])(20[0-9]{2})(?=年)")
RANGE = re.compile(r"(?<![0-9.])([0-9]{1,2})[-—至到~]([0-9]{1,2})(?=月|日|个|人|名|家|项)")
PLACE = re.compile(rf"({'|'.join(PROVINCES)})(?=省|市|自治区|[，。、])")
PERSON = re.compile(r"(?<=[，。、：；“\s])([\u4e00-\u9fff]{2,3})(?=同志)")


def _records(name: str) -> Iterator[dict[str, Any]]:
    folder = CORPORA / name
    for fn in ("corpus.jsonl", "corpus.jsonl.gz"):
        path = folder / fn
        if path.is_file():
            opener: Any = gzip.open if fn.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line)
            return


def real_documents(limit: int, rng: random.Random) -> list[tuple[str, str]]:
    """Real reports: every provincial report, recent national ones, and news items
    and regulations (all those holding a real ×/X, plus a random sample)."""
    marks = re.compile(f"[{re.escape(PLACEHOLDER_MARKS)}]")
    docs: list[tuple[str, str]] = []
    for rec in _records("provincial_gwr_2026"):
        docs.append((rec["id"], rec["text"]))
    for rec in _records("state_council_gwr"):
        if (rec.get("year") or 0) >= 1978 and not rec.get("is_stub"):
            docs.append((rec["id"], rec["text"]))
    for name, share in (("xinwen_lianbo", 0.01), ("local_regulations", 0.03)):
        for rec in _records(name):
            if marks.search(rec["text"]) or rng.random() < share:
                docs.append((rec["id"], rec["text"]))
    rng.shuffle(docs)
    return docs[:limit]


class Blanked:
    """A real text turned into a template: the text, its blanks and its real marks."""

    def __init__(
        self,
        text: str,
        blanks: list[tuple[int, int, str]],
        real: list[tuple[int, int]],
        own: list[tuple[int, int]],
    ):
        self.text = text
        self.blanks = blanks
        self.real = real  # marks of the real text: ×, X, ○ (negatives)
        self.own = own  # blanks the real text itself writes: “XX报”“XX新闻” (neither)


#: A run the real text itself uses as a blank: two Latin X or × standing alone (XX报).
OWN_BLANK = re.compile(r"(?<![A-Za-z0-9０-９])[XxＸｘ×]{2,}(?![A-Za-z0-9０-９])")


def _kind_after(text: str, end: int) -> str:
    after = text[end : end + 4]
    if after[:1] in "%％":
        return "percent"
    if re.match(r"\s?(个百分点|百分点)", after):
        return "percent"
    if re.match(r"\s?[余多]?[万亿千百]*[余多]?(元|美元|欧元)", after):
        return "money"
    if re.match(r"\s?(年|月|日)", after):
        return "date"
    return "number"


def blank(text: str, rng: random.Random, *, share: float = 0.6) -> Blanked:
    """Blank numbers, places and people of ``text`` like a template; keep real marks."""
    style = rng.choices(["X", "×", "XX", "x", "Ｘ", "＿＿"], weights=[45, 30, 10, 5, 5, 5])[0]
    name_style = rng.choices(
        ["XX", "×", "××", "○○", "某某", "X"], weights=[40, 20, 10, 10, 10, 10]
    )[0]
    edits: list[tuple[int, int, str, str]] = []  # start, end, replacement marks, kind
    taken = [False] * (len(text) + 1)

    def add(s: int, e: int, rep: str, kind: str) -> None:
        if any(taken[s:e]) or rng.random() > share:
            return
        for i in range(s, e):
            taken[i] = True
        edits.append((s, e, rep, kind))

    for m in RANGE.finditer(text):
        add(
            m.start(),
            m.end(),
            f"{style}-{style}" if len(style) == 1 else "X-X",
            "date" if text[m.end() : m.end() + 1] in "月日" else "number",
        )
    for m in YEAR.finditer(text):
        add(m.start(1), m.end(1), "20XX" if style != "＿＿" else "＿＿", "date")
    for m in NUMBER_AFTER.finditer(text):
        num = m.group(1)
        rep = style
        if "." in num and style in ("X", "x", "Ｘ") and rng.random() < 0.5:
            rep = f"{style}.{style}"
        add(m.start(1), m.end(1), rep, _kind_after(text, m.end(1)))
    for m in PLACE.finditer(text):
        add(m.start(1), m.end(1), name_style, "name")
    for m in PERSON.finditer(text):
        add(m.start(1), m.end(1), "XXX" if name_style in ("XX", "X") else name_style, "person")
    edits.sort()
    out: list[str] = []
    blanks: list[tuple[int, int, str]] = []
    real: list[tuple[int, int]] = []
    own: list[tuple[int, int]] = []
    pos = 0
    length = 0
    marks = set(PLACEHOLDER_MARKS)
    own_chars = {i for m in OWN_BLANK.finditer(text) for i in range(m.start(), m.end())}

    def copy(upto: int) -> None:
        nonlocal pos, length
        chunk = text[pos:upto]
        for i, ch in enumerate(chunk):
            if ch in marks:
                (own if pos + i in own_chars else real).append((length + i, length + i + 1))
        out.append(chunk)
        length += len(chunk)
        pos = upto

    for s, e, rep, kind in edits:
        copy(s)
        out.append(rep)
        blanks.append((length, length + len(rep), kind))
        length += len(rep)
        pos = e
    copy(len(text))
    # 某某 in the real text (张某某, anonymised people) is a negative too
    new = "".join(out)
    blank_starts = {b[0] for b in blanks}
    for m in re.finditer("某某", new):
        if m.start() not in blank_starts and not any(b[0] <= m.start() < b[1] for b in blanks):
            real.append((m.start(), m.end()))
    return Blanked(new, blanks, real, own)


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def quality(
    docs: list[tuple[str, str]], rng: random.Random, min_support: int = 2
) -> dict[str, Any]:
    blanked: dict[str, Blanked] = {}
    for i, (doc_id, text) in enumerate(docs):
        # one document in three stays a filled report (its real marks still count)
        blanked[doc_id] = blank(text, rng, share=0.6 if i % 3 else 0.0)
    corpus = pd.DataFrame({"doc_id": list(blanked), "text": [b.text for b in blanked.values()]})
    t0 = time.perf_counter()
    spans = placeholder_spans(corpus, min_support=min_support)
    elapsed = time.perf_counter() - t0
    tp = fp = 0
    real_taken: list[str] = []
    missed: list[str] = []
    own_taken: list[str] = []
    found = 0
    kinds_ok = 0
    kind_pairs: Counter[tuple[str, str]] = Counter()
    per_kind: Counter[str] = Counter()
    per_kind_found: Counter[str] = Counter()
    grouped = {k: g for k, g in spans.groupby("doc_id", sort=False)}
    for doc_id, b in blanked.items():
        g = grouped.get(doc_id)
        pred = [] if g is None else list(zip(g["start"], g["end"], g["kind"], strict=True))
        truth = [(s, e) for s, e, _ in b.blanks]
        for s, e, _kind in pred:
            if _overlaps((s, e), b.own):
                own_taken.append(f"{doc_id}: …{b.text[max(0, s - 12) : e + 12]}…")
                continue  # the real text's own blank: neither right nor wrong
            if _overlaps((s, e), truth):
                tp += 1
            else:
                fp += 1
            if _overlaps((s, e), b.real):
                real_taken.append(f"{doc_id}: …{b.text[max(0, s - 12) : e + 12]}…")
        for s, e, kind in b.blanks:
            per_kind[kind] += 1
            hit = [p for p in pred if p[0] < e and s < p[1]]
            if not hit:
                missed.append(f"{doc_id}: …{b.text[max(0, s - 12) : e + 12]}…")
            else:
                found += 1
                per_kind_found[kind] += 1
                kinds_ok += hit[0][2] == kind
                kind_pairs[(kind, hit[0][2])] += 1
    n_truth = sum(len(b.blanks) for b in blanked.values())
    return {
        "documents": len(blanked),
        "filled_documents": sum(1 for b in blanked.values() if not b.blanks),
        "blanks": n_truth,
        "real_marks": sum(len(b.real) for b in blanked.values()),
        "predicted": len(spans),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": found / n_truth if n_truth else 1.0,
        "kind_agreement": kinds_ok / found if found else 1.0,
        "recall_by_kind": {k: per_kind_found[k] / per_kind[k] for k in sorted(per_kind)},
        "kind_confusion": {f"{a}->{b}": n for (a, b), n in kind_pairs.most_common() if a != b},
        "real_taken": real_taken,
        "missed": missed,
        "own_taken": own_taken,
        "own_marks": sum(len(b.own) for b in blanked.values()),
        "chars": int(corpus["text"].str.len().sum()),
        "seconds": elapsed,
    }


def seeds() -> dict[str, Any]:
    docs = load_corpus(str(ROOT / "data" / "raw"), progress=False).documents
    report = scan_placeholders(docs)
    found = total = extra = 0
    for doc_id, text in zip(docs["doc_id"], docs["text"], strict=True):
        gold = [(m.start(), m.end()) for m in PLACEHOLDER_RUN.finditer(text)]
        g = report.spans[report.spans["doc_id"] == doc_id]
        pred = list(zip(g["start"], g["end"], strict=True))
        total += len(gold)
        found += sum(1 for s in gold if _overlaps(s, pred))
        extra += sum(1 for p in pred if not _overlaps(p, gold))
    tops = {}
    for doc_id in docs["doc_id"]:
        secs = report.sections[report.sections["doc_id"] == doc_id]
        tops[doc_id] = [
            f"{r.heading[:16]} ({r.placeholders}, {r.density:.1f})"
            for r in secs.head(3).itertuples()
        ]
    return {
        "gold": total,
        "recall": found / total if total else 1.0,
        "extra": extra,
        "documents": report.documents[["doc_id", "placeholders", "template_score"]],
        "top_sections": tops,
    }


def speed(docs: list[tuple[str, str]], repeat: int = 3) -> tuple[float, float]:
    corpus = pd.DataFrame({"doc_id": [d for d, _ in docs], "text": [t for _, t in docs]})

    def naive() -> int:
        rows = []
        for doc_id, text in docs:
            for m in PLACEHOLDER_RUN.finditer(text):
                rows.append((doc_id, m.start(), m.end(), m.group()))
        frame = pd.DataFrame(rows, columns=["doc_id", "start", "end", "text"])
        return len(frame)

    def ours() -> int:
        return len(placeholder_spans(corpus))

    best = {}
    for name, fn in (("naive", naive), ("ours", ours)):
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        best[name] = min(times)
    return best["ours"], best["naive"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=600, help="real documents to blank")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-support", type=int, default=2, help="as in find_placeholders")
    ap.add_argument("--missed", type=int, default=0, help="print this many missed blanks")
    args = ap.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"../shared/corpora not found at {CORPORA}")
    rng = random.Random(args.seed)
    docs = real_documents(args.docs, rng)
    q = quality(docs, rng, args.min_support)
    print("== quality: real reports blanked like templates (corpus_tools.text)")
    print(
        f"documents {q['documents']} ({q['filled_documents']} left filled), "
        f"{q['chars']:,} chars, blanks {q['blanks']}, real ×/X/○ marks kept {q['real_marks']}"
    )
    print(
        f"predicted {q['predicted']}  precision {q['precision']:.4f}  recall {q['recall']:.4f}"
        f"  kind agreement {q['kind_agreement']:.3f}"
    )
    print("recall by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in q["recall_by_kind"].items()))
    print("kind confusion (truth->found): " + json.dumps(q["kind_confusion"], ensure_ascii=False))
    print(f"real ×/X taken: {len(q['real_taken'])}")
    print(
        f"(the real text's own blanks, e.g. “XX报”: {q['own_marks']} marks, "
        f"{len(q['own_taken'])} reported, counted neither right nor wrong)"
    )
    for line in q["real_taken"][:20]:
        print("   ", line)
    if args.missed:
        for line in q["missed"][: args.missed]:
            print("  missed:", line)
    s = seeds()
    print("\n== seeds (data/raw): every mark run is a template blank")
    print(f"gold runs {s['gold']}  recall {s['recall']:.4f}  spans outside gold {s['extra']}")
    print(s["documents"].to_string(index=False))
    for doc_id, tops in s["top_sections"].items():
        print(f"  {doc_id}: " + " | ".join(tops))
    ours, naive = speed(docs)
    chars = sum(len(t) for _, t in docs)
    print("\n== speed (best of 3, same texts)")
    print(
        f"placeholder_spans {ours:.3f}s ({chars / ours / 1e6:.2f} M chars/s); "
        f"naive PLACEHOLDER_RUN scan {naive:.3f}s; ratio ours/naive {ours / naive:.2f}"
    )


if __name__ == "__main__":
    main()
