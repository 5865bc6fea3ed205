"""Sentences and paragraphs repeated across documents (:func:`find_boilerplate`).

How repeated passages are found
-------------------------------
Every document is cut into *units*: a line, or a sentence within a line (a sentence ends
with 。！？； and the closing quotes after it, or with a colon: ``央视网消息（新闻联播）：`` is a
unit of its own). A unit's key is its folded text without whitespace.

A unit is matched by its *tail* (:mod:`~corpus_tools.boilerplate.sentences`): the longest
string ending where the unit ends that stands as a whole unit somewhere, ends units of at
least ``min_docs`` documents and, when it is not the whole unit, is at least ``min_chars``
characters long. So a repeated sentence is found whatever precedes it: a
sentence run on from an unpunctuated heading counts as the sentence, the heading is left
out. The tails come from the character-level engine of :mod:`corpus_tools.formulas`
(sorted suffixes, the tree of their common prefixes, exact document counts), not from
hashes.

Neighbouring repeated sentences are merged into one passage when they stand together in at
least 80% of the documents that hold the more frequent of the two, so the nine lines of
page furniture, or a whole template paragraph, come out as one passage, while the news
opening is not glued to the sentence that follows it in a handful of items. A merged passage
that is not itself found in ``min_docs`` documents falls back to its sentences. A passage is
kept when it is at least ``min_chars`` characters long (whitespace not counted) and occurs
in at least ``min_docs`` documents; its ``doc_freq`` is the number of documents it is
reported in (a sentence inside a longer passage counts there, not as itself). Units inside a
watermark are left out of the counting.

Each document is folded and cut once; what is kept is the units' keys and offsets; the
counting and merging are vectorised with numpy. See ``benchmarks/bench_boilerplate.py`` for
speed and memory on 100,000 documents."""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.boilerplate.sentences import sentence_tails
from corpus_tools.boilerplate.watermarks import watermark_spans
from corpus_tools.errors import (
    InvalidParameterError,
    check_choice,
    check_columns,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.text.normalization import fold_keep_spaces

__all__ = [
    "KINDS",
    "BoilerplateResult",
    "check_corpus",
    "check_options",
    "find_boilerplate",
]

#: The kinds of boilerplate, in the order passages are listed.
KINDS = ("watermark", "repeated")

# --------------------------------------------------------------------------- watermark cues
# The patterns run on folded text (normalize: NFKC, lower case, ASCII punctuation) with the
# whitespace removed, so ＱＱ群, QQ 群 and qq群 are one cue.


#: A unit: text up to and including a sentence end (。！？； with the closing quotes and
#: brackets after it, or a colon, which opens what follows), or the rest of a line; it
#: neither starts nor ends with whitespace. Runs on folded text, where ！？；： are ASCII.
_UNIT = re.compile(
    r"[^\s。!?;:](?:[^\n。!?;:]*(?:[。!?;]+[\"')\]>]*|:+)|[^\n。!?;:]*[^\s。!?;:])?"
    r"|[。!?;]+[\"')\]>]*|:+"
)
#: A number, for ``fold_digits`` (on folded text, where full-width digits are ASCII).
_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


# --------------------------------------------------------------------------- folding


# --------------------------------------------------------------------------- offsets map


# --------------------------------------------------------------------------- finding


class BoilerplateResult(NamedTuple):
    """What :func:`find_boilerplate` returns.

    Attributes
    ----------
    passages : pandas.DataFrame
        One row per passage, watermarks first, then by decreasing ``doc_freq``. Columns:
        ``passage_id`` (int64, 0..n-1 in this order); ``kind`` (str: ``"watermark"`` or
        ``"repeated"``); ``text`` (str: the passage as it stands in its first occurrence,
        a slice of the original text); ``chars`` (int64: its length, whitespace not
        counted); ``doc_freq`` (int64: number of documents it occurs in); ``occurrences``
        (int64: number of times it occurs, a document may hold it twice); ``docs`` (list
        of str: the ``doc_id`` of those documents, in corpus order).
    spans : pandas.DataFrame
        One row per occurrence, for highlighting. Columns: ``passage_id`` (int64),
        ``kind`` (str), ``doc_id`` (str), ``start``, ``end`` (int64: offsets into that
        document's text as loaded). Sorted by document (corpus order) then ``start``;
        spans never overlap.
    documents : pandas.DataFrame
        One row per document, in corpus order. Columns: ``doc_id`` (str); ``chars``
        (int64: characters of the text as loaded, whitespace included, the ``chars`` of
        :func:`corpus_tools.text.inspect` and ``corpus-tools inspect``);
        ``boilerplate_chars`` (int64: those inside the spans of passages, whitespace within
        a passage included); ``watermark_chars`` (int64: those inside watermark spans);
        ``originality`` (float64: ``1 - boilerplate_chars / chars``, 1.0 for an empty text).
    """

    passages: pd.DataFrame
    spans: pd.DataFrame
    documents: pd.DataFrame


class _Units:
    """The units of all documents, as flat arrays (built one document at a time)."""

    def __init__(self, *, fold_digits: bool) -> None:
        self.fold_digits = fold_digits
        self.keys: list[str] = []
        self.start = array("q")
        self.end = array("q")
        self.chars = array("q")
        self.doc = array("q")
        # watermark blocks: doc, start, end, chars, key
        self.wm_doc: list[int] = []
        self.wm_start: list[int] = []
        self.wm_end: list[int] = []
        self.wm_chars: list[int] = []
        self.wm_key: list[str] = []

    def add(self, d: int, text: str, *, watermarks: bool) -> None:
        folded, norm = fold_keep_spaces(text)
        marks = watermark_spans(folded) if watermarks else []
        fs: list[int] = []
        fe: list[int] = []
        mi = 0
        for m in _UNIT.finditer(folded):
            s, e = m.span()
            key = "".join(m.group().split())
            while mi < len(marks) and marks[mi][1] <= s:
                mi += 1
            if mi < len(marks) and marks[mi][0] < e:  # inside a watermark
                continue
            fs.append(s)
            fe.append(e)
            self.keys.append(_DIGITS.sub("0", key) if self.fold_digits else key)
            self.chars.append(len(key))
        if fs:
            if norm is None:
                self.start.extend(fs)
                self.end.extend(fe)
            else:
                os_, oe = norm.to_original_many(fs, fe)
                self.start.extend(os_.tolist())
                self.end.extend(oe.tolist())
            self.doc.extend([d] * len(fs))
        for s, e in marks:
            key = "".join(folded[s:e].split())
            o_s, o_e = (s, e) if norm is None else norm.to_original(s, e)
            self.wm_doc.append(d)
            self.wm_start.append(o_s)
            self.wm_end.append(o_e)
            self.wm_chars.append(len(key))
            self.wm_key.append(key)

    def tail(self, text: str, i: int, length: int) -> tuple[int, int]:
        """Where the last ``length`` key characters of unit ``i`` start in ``text`` (the
        document's text as loaded), and how many characters without whitespace they hold."""
        start, end = self.start[i], self.end[i]
        folded, norm = fold_keep_spaces(text[start:end])
        pos = [j for j, ch in enumerate(folded) if not ch.isspace()]  # key char -> folded
        # key character -> character of the key before digit folding
        to_raw = list(range(len(pos)))
        if self.fold_digits:
            raw = "".join(folded[j] for j in pos)
            to_raw, at = [], 0
            for m in _DIGITS.finditer(raw):
                to_raw.extend(range(at, m.start()))
                to_raw.append(m.start())
                at = m.end()
            to_raw.extend(range(at, len(raw)))
        first = to_raw[len(to_raw) - length]
        offset = pos[first] if norm is None else int(norm.starts[pos[first]])
        return start + offset, len(pos) - first


def _np(a: array[int]) -> npt.NDArray[np.int64]:
    return np.frombuffer(a, dtype=np.int64) if len(a) else np.zeros(0, dtype=np.int64)


def _doc_freq(
    keys: npt.NDArray[np.int64], docs: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct keys (sorted) and the number of distinct documents holding each."""
    if not len(keys):
        return keys, keys.copy()
    order = np.lexsort((docs, keys))
    k = keys[order]
    d = docs[order]
    first = np.ones(len(k), dtype=bool)
    first[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    k = k[first]
    new = np.ones(len(k), dtype=bool)
    new[1:] = k[1:] != k[:-1]
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, len(k))).astype(np.int64)
    return k[starts], counts


def _lookup(
    uniq: npt.NDArray[np.int64], values: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    return values[np.searchsorted(uniq, keys)]


#: Two neighbouring frequent units belong to one passage when they stand together in at
#: least this share of the documents holding the more frequent of them.
_TOGETHER = 0.8


class _Occurrences(NamedTuple):
    """Occurrences of passages as parallel arrays."""

    key: npt.NDArray[np.int64]
    doc: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    chars: npt.NDArray[np.int64]

    @classmethod
    def empty(cls) -> _Occurrences:
        return cls(*(np.zeros(0, dtype=np.int64) for _ in range(5)))

    def take(self, mask: npt.NDArray[np.bool_]) -> _Occurrences:
        return _Occurrences(*(a[mask] for a in self))


def _sentences(
    u: _Units, texts: list[str], *, min_docs: int, min_chars: int
) -> tuple[_Occurrences, npt.NDArray[np.bool_]]:
    """Each unit's repeated sentence (its tail) as an occurrence, keyed by sentence (a unit
    without one gets a key of its own, below 0); and whether the sentence is the whole unit."""
    doc, start, chars = _np(u.doc), _np(u.start).copy(), _np(u.chars).copy()
    tails = sentence_tails(u.keys, doc, min_docs=min_docs, min_tail=min_chars)
    lengths = np.array([len(k) for k in u.keys], dtype=np.int64)
    found = tails.sentence >= 0
    whole = found & (tails.length == lengths)
    for i in np.flatnonzero(found & ~whole).tolist():
        start[i], chars[i] = u.tail(texts[int(doc[i])], i, int(tails.length[i]))
    key = np.where(found, tails.sentence, -1 - np.arange(len(doc), dtype=np.int64))
    return _Occurrences(key, doc, start, _np(u.end), chars), whole


def _segment_keys(
    h: npt.NDArray[np.int64], seg_first: npt.NDArray[np.int64], seg_len: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """An exact key per segment of ``h`` (a run of sentence keys): the sentence's own key
    for a one-sentence segment, a key above every sentence key for each distinct run."""
    keys = h[seg_first].copy()
    base = int(h.max()) + 1 if len(h) else 0
    runs: dict[tuple[int, ...], int] = {}
    values = h.tolist()
    for j in np.flatnonzero(seg_len > 1).tolist():
        a = int(seg_first[j])
        run = tuple(values[a : a + int(seg_len[j])])
        keys[j] = base + runs.setdefault(run, len(runs))
    return keys


def _merge(
    occ: _Occurrences, whole: npt.NDArray[np.bool_], *, min_docs: int, min_chars: int
) -> _Occurrences:
    """Frequent sentences, neighbours that stand together merged into passages."""
    h, doc = occ.key, occ.doc
    uniq, df = _doc_freq(h, doc)
    unit_df = _lookup(uniq, df, h)
    idx = np.flatnonzero(unit_df >= min_docs)
    if not len(idx):
        return _Occurrences.empty()
    # neighbouring frequent sentences of one document (nothing between them), and how often
    # the same two stand together
    adjacent = (idx[1:] == idx[:-1] + 1) & (doc[idx[1:]] == doc[idx[:-1]]) & whole[idx[1:]]
    pair = h[idx[:-1]] * (int(h.max()) + 1) + h[idx[1:]]
    p_uniq, p_df = _doc_freq(pair[adjacent], doc[idx[1:]][adjacent])
    together = np.zeros(len(idx) - 1, dtype=bool)
    if adjacent.any():
        most = np.maximum(unit_df[idx[:-1]], unit_df[idx[1:]])[adjacent]
        together[adjacent] = _lookup(p_uniq, p_df, pair[adjacent]) >= _TOGETHER * most
    # segments: runs of frequent sentences, each standing together with the previous one
    new = np.ones(len(idx), dtype=bool)
    new[1:] = ~together
    seg_first = np.flatnonzero(new)
    seg_of = np.cumsum(new) - 1
    seg_last = np.append(seg_first[1:], len(idx)) - 1
    seg_len = seg_last - seg_first + 1
    seg = _Occurrences(
        _segment_keys(h[idx], seg_first, seg_len),
        doc[idx[seg_first]],
        occ.start[idx[seg_first]],
        occ.end[idx[seg_last]],
        np.add.reduceat(occ.chars[idx], seg_first),
    )
    s_uniq, s_df = _doc_freq(seg.key, seg.doc)
    keep_seg = (_lookup(s_uniq, s_df, seg.key) >= min_docs) & (seg.chars >= min_chars)
    # segments that fail fall back to their single sentences (a one-sentence segment is its
    # sentence)
    split = ~keep_seg & (seg_len > 1)
    units_of_split = idx[split[seg_of]]
    out = _Occurrences(
        *(np.concatenate([a[keep_seg], b[units_of_split]]) for a, b in zip(seg, occ, strict=True))
    )
    out = out.take(out.chars >= min_chars)
    # a passage must still occur in min_docs documents as emitted
    k_uniq, k_df = _doc_freq(out.key, out.doc)
    return out.take(_lookup(k_uniq, k_df, out.key) >= min_docs)


def check_corpus(corpus: Any, func: str) -> tuple[list[str], list[str]]:
    check_columns(corpus, "corpus", func, ["doc_id", "text"])
    ids = [str(x) for x in corpus["doc_id"].tolist()]
    texts = corpus["text"].tolist()
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} must have str values in column 'text'. "
                f"Got {type(t).__name__} for doc_id {ids[i]!r} instead."
            )
    if len(set(ids)) != len(ids):
        dup = pd.Series(ids)[pd.Series(ids).duplicated()].iloc[0]
        raise InvalidParameterError(
            f"The 'corpus' parameter of {func} must have unique values in column 'doc_id'. "
            f"Got {dup!r} more than once instead."
        )
    return ids, texts


def check_options(
    func: str, min_docs: Any, min_chars: Any, kinds: Any, progress: Any
) -> tuple[str, ...]:
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    check_number(min_docs, "min_docs", func, kind=int, low=2)
    check_number(min_chars, "min_chars", func, kind=int, low=1)
    if isinstance(kinds, str):
        kinds = (kinds,)
    if not isinstance(kinds, (list, tuple)) or not kinds:
        raise param_error("kinds", func, f"a non-empty list of {list(KINDS)}", kinds)
    for k in kinds:
        check_choice(k, "kinds", func, KINDS)
    return tuple(kinds)


def find_boilerplate(
    corpus: pd.DataFrame,
    *,
    min_docs: int = 3,
    min_chars: int = 10,
    kinds: Sequence[str] = KINDS,
    fold_digits: bool = False,
    progress: bool | None = None,
) -> BoilerplateResult:
    """Find watermarks and passages repeated across the documents of a corpus.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table (:func:`corpus_tools.load_corpus`) with columns ``doc_id`` (unique)
        and ``text``; other columns are ignored. Not modified.
    min_docs : int, default 3
        A sentence or paragraph is ``repeated`` boilerplate when it occurs in at least this
        many documents (after normalisation). At least 2.
    min_chars : int, default 10
        Shortest repeated passage reported, in characters without whitespace (a run of short
        lines such as 下载/打印/全屏 counts as one passage). At least 1.
    kinds : list of {"watermark", "repeated"}, default both
        What to look for. Watermarks are found in each document on its own.
    fold_digits : bool, default False
        Match sentences that differ only in their Arabic numbers (``居民消费价格涨幅2%左右；``
        and ``…3%左右；``, ``10.国内联播快讯：`` and ``11.国内联播快讯：``): a template filled
        with other figures is still the template. A passage's ``text`` is then its first
        occurrence; the others may carry other numbers.
    progress : bool or None, default None
        Progress bar (None: on a terminal or in a notebook, once the call has run for a
        moment; True: at once; False: none).

    Returns
    -------
    BoilerplateResult
        ``passages``, ``spans`` (occurrences with offsets into the original texts) and
        ``documents`` (boilerplate characters and originality); see
        :class:`BoilerplateResult` for the columns.

    Raises
    ------
    InvalidParameterError
        For a bad argument: a corpus without ``doc_id``/``text``, a duplicate ``doc_id``, a
        text that is not a str, ``min_docs < 2``, ``min_chars < 1``, an unknown kind.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({
    ...     "a": "本文来源于网络，如有侵权请联系删除\\n关于社区治理的汇报\\n今年以来，社区……",
    ...     "b": "关于党建工作的汇报\\n各位领导：现将有关情况汇报如下。今年以来……",
    ... })
    >>> res = find_boilerplate(docs)
    >>> res.passages[["kind", "text", "doc_freq"]].to_dict("records")
    [{'kind': 'watermark', 'text': '本文来源于网络，如有侵权请联系删除', 'doc_freq': 1}]
    >>> res.documents["originality"].round(2).tolist()
    [0.54, 1.0]
    """
    func = "find_boilerplate"
    kinds_t = check_options(func, min_docs, min_chars, kinds, progress)
    check_type(fold_digits, "fold_digits", func, bool, "a bool")
    ids, texts = check_corpus(corpus, func)
    from corpus_tools.progress import progress_bar

    want_wm = "watermark" in kinds_t
    want_rep = "repeated" in kinds_t
    units = _Units(fold_digits=fold_digits)
    for d, text in enumerate(progress_bar(texts, desc="boilerplate", enabled=progress)):
        units.add(d, text, watermarks=want_wm)

    rep = _Occurrences.empty()
    if want_rep and units.keys:
        sentences, whole = _sentences(units, texts, min_docs=min_docs, min_chars=min_chars)
        rep = _merge(sentences, whole, min_docs=min_docs, min_chars=min_chars)
    marks: dict[str, int] = {}
    w_key = np.array([marks.setdefault(k, len(marks)) for k in units.wm_key], dtype=np.int64)
    occ = pd.DataFrame(
        {
            "kind": ["watermark"] * len(w_key) + ["repeated"] * len(rep.key),
            "key": np.concatenate([w_key, rep.key]),
            "doc": np.concatenate([np.array(units.wm_doc, dtype=np.int64), rep.doc]),
            "start": np.concatenate([np.array(units.wm_start, dtype=np.int64), rep.start]),
            "end": np.concatenate([np.array(units.wm_end, dtype=np.int64), rep.end]),
            "chars": np.concatenate([np.array(units.wm_chars, dtype=np.int64), rep.chars]),
        }
    )
    return _assemble(occ, ids, texts)


def _assemble(occ: pd.DataFrame, ids: list[str], texts: list[str]) -> BoilerplateResult:
    occ = occ.sort_values(["doc", "start"], kind="stable").reset_index(drop=True)
    # one passage per (kind, key); its first occurrence gives the text
    grouped = occ.groupby(["kind", "key"], sort=False)
    passages = grouped.agg(
        first_doc=("doc", "first"),
        first_start=("start", "first"),
        first_end=("end", "first"),
        chars=("chars", "first"),
        doc_freq=("doc", "nunique"),
        occurrences=("doc", "size"),
    ).reset_index()
    passages["kind_order"] = passages["kind"].map({k: i for i, k in enumerate(KINDS)})
    passages = passages.sort_values(
        ["kind_order", "doc_freq", "chars", "first_doc", "first_start"],
        ascending=[True, False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    passages["passage_id"] = np.arange(len(passages), dtype=np.int64)
    passages["text"] = [
        texts[d][s:e]
        for d, s, e in zip(
            passages["first_doc"], passages["first_start"], passages["first_end"], strict=True
        )
    ]
    pid = dict(
        zip(
            zip(passages["kind"], passages["key"], strict=True), passages["passage_id"], strict=True
        )
    )
    occ["passage_id"] = [pid[(k, v)] for k, v in zip(occ["kind"], occ["key"], strict=True)]
    docs_of = occ.drop_duplicates(["passage_id", "doc"]).groupby("passage_id", sort=True)["doc"]
    doc_lists = {p: [ids[d] for d in ds] for p, ds in docs_of}
    passages["docs"] = [doc_lists[p] for p in passages["passage_id"]]
    passages = passages[["passage_id", "kind", "text", "chars", "doc_freq", "occurrences", "docs"]]
    passages = passages.astype({"chars": "int64", "doc_freq": "int64", "occurrences": "int64"})

    spans = pd.DataFrame(
        {
            "passage_id": occ["passage_id"].astype("int64"),
            "kind": occ["kind"].astype(object),
            "doc_id": [ids[d] for d in occ["doc"]],
            "start": occ["start"].astype("int64"),
            "end": occ["end"].astype("int64"),
        }
    )
    # characters of the text as loaded (what `inspect` counts), and those inside the spans
    # (which never overlap): whitespace within a passage counts as the passage's
    doc = occ["doc"].to_numpy()
    span_chars = (occ["end"] - occ["start"]).to_numpy()
    covered = np.bincount(doc, weights=span_chars, minlength=len(ids)).astype(np.int64)
    wm = (occ["kind"] == "watermark").to_numpy()
    wm_covered = np.bincount(doc[wm], weights=span_chars[wm], minlength=len(ids)).astype(np.int64)
    total = np.array([len(t) for t in texts], dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        originality = np.where(total > 0, 1.0 - covered / np.maximum(total, 1), 1.0)
    documents = pd.DataFrame(
        {
            "doc_id": pd.Series(ids, dtype=object),
            "chars": total,
            "boilerplate_chars": covered,
            "watermark_chars": wm_covered,
            "originality": originality.astype(np.float64),
        }
    )
    return BoilerplateResult(passages, spans, documents)


# --------------------------------------------------------------------------- stripping
