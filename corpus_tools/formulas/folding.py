"""The matching text of formulas, and a corpus folded into one array of code points.

A formula is matched on the document's text folded by :func:`corpus_tools.text.normalize`
(full/half width, punctuation variants, case, invisible characters) with every space removed,
so ``以习近平新时代中国特色社会主义思想为指导`` and a copy with a stray space or full-width
letters are one formula. A formula never runs across a *break*: a line break or clause
punctuation (``，。！？；：`` and their folded forms ``,.!?;:``, where only the ideographic
``。`` and ASCII ``,!?;:`` remain after folding). The enumeration comma ``、``, quotes and
brackets are not breaks, so ``增强"四个意识"、坚定"四个自信"`` can be one formula.

:func:`fold_formulas` gives that matching text of one document, with the map back to the
original offsets; :func:`fold_corpus` folds a whole corpus into flat arrays, the input of
the suffix array (:mod:`corpus_tools.formulas.suffixes`).

Examples
--------
>>> f = fold_formulas("坚持以人民为中心，\\n　ＸＸ社区  党委。")
>>> f.text
'坚持以人民为中心,\\nxx社区党委。'
>>> f.to_original(10, 16)
(11, 19)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.errors import check_type
from corpus_tools.text.normalization import Normalized, fold_keep_spaces

__all__ = [
    "BREAKS",
    "LINE_BREAKS",
    "FoldedCorpus",
    "fold_corpus",
    "fold_formulas",
    "is_break",
]

#: Line breaks (a formula never spans lines); in the matching text each run is one "\n".
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: Clause punctuation after folding (，：！？；→ ,:!?; and the ideographic full stop 。).
CLAUSE_BREAKS = ",。!?;:"
#: Every character a formula never contains.
BREAKS = LINE_BREAKS + CLAUSE_BREAKS

#: Characters per chunk when a corpus is folded: bounds the temporary arrays, and a chunk
#: holding a character that folding deletes (a zero-width space) takes the slow path alone.
_CHUNK_CHARS = 200_000
#: Code points below this are looked up in tables; no space or break lies above it.
_BMP = 0x10000


@lru_cache(maxsize=1)
def _tables() -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(space, line break, clause break) flags for every BMP code point, built once."""
    space = np.array([chr(cp).isspace() for cp in range(_BMP)], dtype=bool)
    line = np.zeros(_BMP, dtype=bool)
    line[[ord(c) for c in LINE_BREAKS]] = True
    clause = np.zeros(_BMP, dtype=bool)
    clause[[ord(c) for c in CLAUSE_BREAKS]] = True
    return space & ~line, line, clause


def _lookup(table: npt.NDArray[np.bool_], cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    out = np.zeros(len(cps), dtype=bool)
    inside = cps < _BMP
    out[inside] = table[cps[inside]]
    return out


def is_break(cps: npt.NDArray[np.uint32], *, clauses: bool = True) -> npt.NDArray[np.bool_]:
    """True at the folded code points a formula cannot contain (line breaks, and clause
    punctuation unless ``clauses=False``)."""
    _, line, clause = _tables()
    out = _lookup(line, cps)
    if clauses:
        out |= _lookup(clause, cps)
    return out


def _codepoints(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def fold_formulas(text: str) -> Normalized:
    """The matching text of formulas in one document, with offsets into ``text``.

    Folded as :func:`corpus_tools.text.normalize` folds, every space removed, each run of
    line breaks written as one ``"\\n"``; clause punctuation is kept (folded). A formula of
    :func:`corpus_tools.find_formulas` never contains a character of :data:`BREAKS`, and its
    ``doc_freq`` is the number of documents whose matching text contains it::

        sum(formula in fold_formulas(t).text for t in corpus["text"])

    Parameters
    ----------
    text : str
        A document's text as loaded.

    Returns
    -------
    Normalized
        ``text`` (the matching text), ``starts``/``ends`` (the original span of every
        matching character) and ``to_original(start, end)``.

    Examples
    --------
    >>> fold_formulas("全面从严治党\\r\\n\\n向纵深发展").text
    '全面从严治党\\n向纵深发展'
    """
    check_type(text, "text", "fold_formulas", str, "a str")
    folded, norm = fold_keep_spaces(text)
    cps = _codepoints(folded)
    starts = np.arange(len(cps), dtype=np.int64) if norm is None else norm.starts
    space, line, _ = _tables()
    keep = ~_lookup(space, cps)
    is_line = _lookup(line, cps)
    # a line break that follows a kept line break (spaces between them do not count) goes
    kept_idx = np.flatnonzero(keep)
    line_kept = is_line[kept_idx]
    repeat = np.zeros(len(kept_idx), dtype=bool)
    repeat[1:] = line_kept[1:] & line_kept[:-1]
    kept_idx = kept_idx[~repeat]
    out = cps[kept_idx].copy()
    out[is_line[kept_idx]] = ord("\n")
    s = starts[kept_idx].astype(np.int64)
    return Normalized(out.tobytes().decode("utf-32-le", "surrogatepass"), s, s + 1, len(text))


class FoldedCorpus(NamedTuple):
    """A corpus folded into flat arrays (see :func:`fold_corpus`).

    Attributes
    ----------
    codes : numpy.ndarray of uint32
        Folded code points of all documents in corpus order; ``0`` stands for a break (one
        per run) and ends every document, so no repeat runs across a break or a document.
    doc : numpy.ndarray of int32
        The document (its position in the corpus) of each code.
    start, end : numpy.ndarray of int32
        The original span ``text[start:end]`` of each code in its document (a break: the
        position where it stands, ``start == end`` when it only ends the document).
    """

    codes: npt.NDArray[np.uint32]
    doc: npt.NDArray[np.int32]
    start: npt.NDArray[np.int32]
    end: npt.NDArray[np.int32]


def _chunks(texts: Sequence[str]) -> list[tuple[int, int]]:
    """Document ranges of about _CHUNK_CHARS characters each."""
    out: list[tuple[int, int]] = []
    first, size = 0, 0
    for i, t in enumerate(texts):
        size += len(t) + 1
        if size >= _CHUNK_CHARS:
            out.append((first, i + 1))
            first, size = i + 1, 0
    if first < len(texts) or not out:
        out.append((first, len(texts)))
    return out


def _fold_chunk(
    texts: Sequence[str], first: int, *, clauses: bool
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Fold documents joined by line breaks: codes (0 = break), doc, original start."""
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    doc_start = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
    folded, norm = fold_keep_spaces("\n".join(texts) + "\n")
    cps = _codepoints(folded)
    pos = np.arange(len(cps), dtype=np.int64) if norm is None else norm.starts
    space, _, _ = _tables()
    keep = ~_lookup(space, cps)
    cps, pos = cps[keep], pos[keep]
    brk = is_break(cps, clauses=clauses)
    # one 0 per run of breaks (each document ends with the joining line break)
    drop = np.zeros(len(cps), dtype=bool)
    drop[1:] = brk[1:] & brk[:-1]
    cps, pos, brk = cps[~drop], pos[~drop], brk[~drop]
    cps = np.where(brk, np.uint32(0), cps).astype(np.uint32)
    doc = np.searchsorted(doc_start, pos, side="right") - 1
    local = pos - doc_start[doc]
    return cps, (doc + first).astype(np.int32), local.astype(np.int32)


def fold_corpus(texts: Sequence[str], *, clauses: bool = True) -> FoldedCorpus:
    """Fold every document (as :func:`fold_formulas`) into one array of code points.

    Parameters
    ----------
    texts : sequence of str
        The documents' texts, in corpus order.
    clauses : bool, default True
        Clause punctuation breaks a repeat (formulas); ``False``: only line breaks and the
        ends of documents do.

    Returns
    -------
    FoldedCorpus
        ``codes`` (0 for a break), and per code its ``doc`` and original ``start``/``end``.

    Examples
    --------
    >>> fc = fold_corpus(["党建，引领", "党建"])
    >>> fc.codes.tolist() == [ord("党"), ord("建"), 0, ord("引"), ord("领"), 0,
    ...                       ord("党"), ord("建"), 0]
    True
    >>> fc.doc.tolist(), fc.start.tolist()
    ([0, 0, 0, 0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 4, 5, 0, 1, 2])
    """
    parts = [_fold_chunk(texts[a:b], a, clauses=clauses) for a, b in _chunks(texts) if b > a]
    if not parts:
        empty32 = np.zeros(0, dtype=np.int32)
        return FoldedCorpus(np.zeros(0, dtype=np.uint32), empty32, empty32, empty32.copy())
    codes = np.concatenate([p[0] for p in parts])
    doc = np.concatenate([p[1] for p in parts])
    start = np.concatenate([p[2] for p in parts])
    end = np.where(codes == 0, start, start + 1).astype(np.int32)
    return FoldedCorpus(codes, doc, start, end)
