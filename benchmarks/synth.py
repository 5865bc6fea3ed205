"""N synthetic reports built from real sentences of ../shared/corpora, with planted copies.

Every report is a run of sentences drawn from a pool of real sentences (news items of
《新闻联播》, government work reports, local regulations), cut into paragraphs under
numbered headings (一、 …). A share of the reports are planted copies of an earlier one:

* ``duplicate``: the same text, re-punctuated and re-wrapped (full-width/half-width
  punctuation and line breaks changed);
* ``near-duplicate``: about 10% of the sentences replaced;
* ``contained``: a contiguous excerpt (30–60% of the source);
* ``partial``: 60% of the source's sentences kept in order, the rest new.

Deterministic: the same ``n`` and ``seed`` give the same reports. The ground truth lists
``(source, copy, kind)``; other benchmarks may reuse :func:`synthetic_reports`.

For corpora of a million reports, drawing from a pool of some 200,000 real sentences would
put every sentence in dozens of reports, which no real corpus does. :func:`word_reports`
instead writes reports of words drawn from jieba's dictionary by frequency (a Zipfian
vocabulary of 349,046 words), one at a time, with 10% planted near-copies of a recent
report; :func:`write_word_corpus` streams them to a ``.jsonl.gz`` file without holding
the corpus in memory.

Run:  .venv/bin/python benchmarks/synth.py --docs 1000    (prints a summary)
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
SOURCES = ("xinwen_lianbo", "state_council_gwr", "provincial_gwr_2026", "local_regulations")
KINDS = ("duplicate", "near-duplicate", "contained", "partial")
HEADINGS = "一二三四五六七八九十"

_SENTENCE = re.compile(r"[^。！？；\n]{12,160}[。！？；]")


def _records(name: str) -> list[dict[str, Any]]:
    folder = CORPORA / name
    for file, opener in (("corpus.jsonl", open), ("corpus.jsonl.gz", gzip.open)):
        path = folder / file
        if path.is_file():
            with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
                return [json.loads(line) for line in fh]
    return []


@lru_cache(maxsize=2)
def real_sentences(
    max_per_source: int = 60_000, sources: tuple[str, ...] = SOURCES
) -> tuple[str, ...]:
    """Distinct real sentences (12–160 characters, ending in 。！？；) from ../shared/corpora.

    Raises FileNotFoundError when no corpus is there.
    """
    out: list[str] = []
    seen: set[str] = set()
    for name in sources:
        count = 0
        for rec in _records(name):
            for m in _SENTENCE.finditer(str(rec.get("text", ""))):
                s = m.group(0).strip()
                if s in seen or "http" in s:
                    continue
                seen.add(s)
                out.append(s)
                count += 1
                if count >= max_per_source:
                    break
            if count >= max_per_source:
                break
    if not out:
        raise FileNotFoundError(f"no corpus found under {CORPORA}")
    return tuple(out)


def _layout(sentences: list[str], rng: np.random.Generator) -> str:
    """Paragraphs of 2–5 sentences under numbered headings, as a report is laid out."""
    lines: list[str] = []
    i = 0
    section = 0
    while i < len(sentences):
        if section < len(HEADINGS) and (i == 0 or rng.random() < 0.15):
            lines.append(f"{HEADINGS[section]}、{sentences[i][:12].rstrip('，。；')}")
            section += 1
        k = int(rng.integers(2, 6))
        lines.append("".join(sentences[i : i + k]))
        i += k
    return "\n".join(lines)


_REPUNCT = str.maketrans({"，": ",", "。": ".", "；": ";", "：": ":", "（": "(", "）": ")"})


def synthetic_reports(
    n: int,
    *,
    copy_share: float = 0.1,
    mean_sentences: int = 45,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` reports (a corpus table) and the planted copies (ground truth).

    Parameters
    ----------
    n : int
        Number of reports.
    copy_share : float, default 0.1
        Share of the reports that are planted copies of an earlier report.
    mean_sentences : int, default 45
        Mean sentences per report (about 2,000 characters).
    seed : int, default 0

    Returns
    -------
    corpus : pandas.DataFrame
        ``doc_id`` (``syn-0000001``), ``title``, ``text``, ``source`` (``synthetic``),
        ``year`` (int64, 2015–2025), ``kind`` (``original`` or one of :data:`KINDS`).
    truth : pandas.DataFrame
        ``source``, ``copy`` (doc_ids), ``kind``: one row per planted copy.
    """
    pool = real_sentences()
    rng = np.random.default_rng(seed)
    width = max(7, len(str(n)))
    bodies: list[list[str]] = []
    texts: list[str] = []
    kinds: list[str] = []
    truth: list[tuple[int, int, str]] = []
    for i in range(n):
        if i >= 10 and rng.random() < copy_share:
            src = int(rng.integers(0, i))
            while kinds[src] != "original":
                src = int(rng.integers(0, i))
            kind = KINDS[int(rng.integers(0, len(KINDS)))]
            base = bodies[src]
            if kind == "duplicate":
                sents = list(base)
                text = _layout(sents, rng).translate(_REPUNCT).replace("\n", "\n\n")
            else:
                if kind == "near-duplicate":
                    sents = [
                        pool[int(rng.integers(0, len(pool)))] if rng.random() < 0.1 else s
                        for s in base
                    ]
                elif kind == "contained":
                    m = max(3, int(len(base) * rng.uniform(0.3, 0.6)))
                    start = int(rng.integers(0, len(base) - m + 1))
                    sents = base[start : start + m]
                else:  # partial
                    kept = [s for s in base if rng.random() < 0.6]
                    new = rng.integers(0, len(pool), size=len(base) - len(kept))
                    sents = kept + [pool[int(k)] for k in new]
                text = _layout(sents, rng)
            truth.append((src, i, kind))
        else:
            kind = "original"
            m = max(5, int(rng.normal(mean_sentences, mean_sentences / 4)))
            sents = [pool[int(k)] for k in rng.integers(0, len(pool), size=m)]
            text = _layout(sents, rng)
        bodies.append(sents)
        texts.append(text)
        kinds.append(kind)
    ids = [f"syn-{i:0{width}d}" for i in range(n)]
    corpus = pd.DataFrame(
        {
            "doc_id": ids,
            "title": [t.split("\n", 1)[0][:30] for t in texts],
            "text": texts,
            "source": "synthetic",
            "year": rng.integers(2015, 2026, size=n).astype(np.int64),
            "kind": kinds,
        }
    )
    truth_df = pd.DataFrame(
        {
            "source": [ids[s] for s, _, _ in truth],
            "copy": [ids[c] for _, c, _ in truth],
            "kind": [k for _, _, k in truth],
        }
    )
    return corpus, truth_df


def _jieba_vocabulary() -> tuple[np.ndarray, np.ndarray]:
    """jieba's dictionary words (CJK only) and their cumulative frequency."""
    import jieba

    words: list[str] = []
    freqs: list[float] = []
    path = Path(jieba.__file__).parent / "dict.txt"
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, *_ = line.split()
            if all("\u4e00" <= ch <= "\u9fff" for ch in word):
                words.append(word)
                freqs.append(float(freq))
    cum = np.cumsum(np.asarray(freqs))
    return np.asarray(words, dtype=object), cum / cum[-1]


def word_reports(
    n: int, *, mean_chars: int = 500, copy_share: float = 0.1, seed: int = 0
) -> Iterator[dict[str, Any]]:
    """``n`` synthetic reports as records (``id``, ``text``, ``year``, ``kind``), one at a time.

    Sentences of 4–24 dictionary words drawn by frequency, a comma now and then, laid out
    in paragraphs under numbered headings; the length of a report is drawn around
    ``mean_chars``. A share ``copy_share`` of the reports are near-copies (10% of the
    sentences replaced) of one of the 1,000 reports before them, so memory stays bounded.
    """
    words, cum = _jieba_vocabulary()
    rng = np.random.default_rng(seed)
    recent: list[list[str]] = []
    width = max(7, len(str(n)))

    def sentences(count: int) -> list[str]:
        lengths = rng.integers(4, 25, size=count)
        picked = words[np.searchsorted(cum, rng.random(int(lengths.sum())), side="right")]
        cuts = rng.integers(3, 22, size=count)
        out: list[str] = []
        start = 0
        for k, cut in zip(lengths.tolist(), cuts.tolist(), strict=True):
            sent = picked[start : start + k]
            start += k
            if k > 8 and cut < k - 3:
                out.append("".join(sent[:cut]) + "，" + "".join(sent[cut:]) + "。")
            else:
                out.append("".join(sent) + "。")
        return out

    for i in range(n):
        if recent and rng.random() < copy_share:
            base = recent[int(rng.integers(0, len(recent)))]
            fresh = iter(sentences(len(base)))
            replace = rng.random(len(base)) < 0.1
            sents = [next(fresh) if r else s for s, r in zip(base, replace.tolist(), strict=True)]
            kind = "near-duplicate"
        else:
            target = max(40, int(rng.normal(mean_chars, mean_chars / 4)))
            sents = []
            chars = 0
            while chars < target:
                for sent in sentences(max(2, (target - chars) // 30)):
                    sents.append(sent)
                    chars += len(sent)
                    if chars >= target:
                        break
            kind = "original"
        recent.append(sents)
        if len(recent) > 1000:
            recent.pop(0)
        yield {
            "id": f"w-{i:0{width}d}",
            "text": _layout(sents, rng),
            "year": int(rng.integers(2015, 2026)),
            "kind": kind,
        }


def write_word_corpus(path: Path, n: int, *, mean_chars: int = 500, seed: int = 0) -> Path:
    """Write :func:`word_reports` to ``path`` (``.jsonl.gz``, written to a temporary name
    and renamed, so a half-written file is never taken for a corpus); returns ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
        for rec in word_reports(n, mean_chars=mean_chars, seed=seed):
            fh.write(json.dumps(rec, ensure_ascii=False))
            fh.write("\n")
    tmp.replace(path)
    return path


def sentence_reports(
    megabytes: float, *, mean_chars: int = 650, seed: int = 0
) -> Iterator[dict[str, Any]]:
    """Reports re-sampling the sentences of the 新闻联播 items until ``megabytes`` of JSONL
    (UTF-8) are written: about 16 sentences each, 10% near-copies (10% of the sentences
    replaced) of one of the 1,000 reports before. The corpus of issue 23 item 1: every
    sentence recurs in more reports the larger the corpus (the pool is fixed), so the
    pairs of documents sharing a passage grow faster than the corpus."""
    pool = real_sentences(sources=("xinwen_lianbo",))
    rng = np.random.default_rng(seed)
    recent: list[list[str]] = []
    target = int(megabytes * 2**20)
    written = 0
    i = 0
    per_doc = max(2, mean_chars // 40)
    while written < target:
        if recent and rng.random() < 0.1:
            base = recent[int(rng.integers(0, len(recent)))]
            sents = [
                pool[int(rng.integers(0, len(pool)))] if rng.random() < 0.1 else s for s in base
            ]
        else:
            m = max(2, int(rng.normal(per_doc, per_doc / 4)))
            sents = [pool[int(k)] for k in rng.integers(0, len(pool), size=m)]
        recent.append(sents)
        if len(recent) > 1000:
            recent.pop(0)
        rec = {
            "id": f"s-{i:08d}",
            "text": _layout(sents, rng),
            "year": int(rng.integers(2015, 2026)),
        }
        written += len(json.dumps(rec, ensure_ascii=False).encode("utf-8")) + 1
        i += 1
        yield rec


def word_megabytes(
    megabytes: float, *, mean_chars: int = 650, seed: int = 0
) -> Iterator[dict[str, Any]]:
    """:func:`word_reports` until ``megabytes`` of JSONL (UTF-8) are written."""
    target = int(megabytes * 2**20)
    written = 0
    for rec in word_reports(10**9, mean_chars=mean_chars, seed=seed):
        if written >= target:
            return
        written += len(json.dumps(rec, ensure_ascii=False).encode("utf-8")) + 1
        yield rec


def write_records(path: Path, records: Iterator[dict[str, Any]]) -> Path:
    """Write records to ``path`` as plain JSONL (a temporary name renamed at the end)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False))
            fh.write("\n")
    tmp.replace(path)
    return path


def write_slices(folder: Path, n: int, *, seed: int = 0) -> Path:
    """``n`` files of 20–80 characters sliced at random from one report (the longest
    State Council work report, else a seed report): many small overlapping documents,
    issue 23 item 2."""
    recs = _records("state_council_gwr")
    if recs:
        text = max((str(r.get("text", "")) for r in recs), key=len)
    else:
        seeds = Path(__file__).resolve().parents[1] / "data" / "raw"
        text = max((p.read_text(encoding="utf-8") for p in seeds.glob("*.txt")), key=len)
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        size = int(rng.integers(20, 81))
        start = int(rng.integers(0, len(text) - size))
        (folder / f"slice-{k:06d}.txt").write_text(text[start : start + size], encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    corpus, truth = synthetic_reports(args.docs, seed=args.seed)
    chars = corpus["text"].str.len()
    print(f"{len(corpus)} reports, {chars.sum():,} characters (mean {chars.mean():,.0f})")
    print(f"{len(real_sentences()):,} real sentences in the pool")
    print(truth["kind"].value_counts().to_string())


if __name__ == "__main__":
    main()
