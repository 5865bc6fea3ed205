"""Repeated sentences, found whatever precedes them (:func:`sentence_tails`).

A document is cut into *units*: sentences (up to 。！？； and the closing quotes after them, or
a colon) and lines. Cutting alone misses a sentence run straight on from an unpunctuated
heading (``县域经济观察以数字普惠金融…。``): the unit is heading and sentence together,
found nowhere else. So a unit is matched by its *tail*: the repeated sentence of a unit is
the longest string that

* ends where the unit ends,
* is a whole unit somewhere in the corpus (it stands as a sentence of its own at least once),
* ends a unit in at least ``min_docs`` documents,
* and is the whole unit, or at least ``min_tail`` characters long and not starting with
  punctuation that stands inside a sentence (a unit ending in ``表示：`` is not the sentence
  ``表示：``; ``甲，乙。`` does not end with the sentence ``，乙。`` even if that stands alone
  somewhere).

The tails are found on the engine of :mod:`corpus_tools.formulas.suffixes`: the units
read backwards are sorted, and the tree of their common prefixes (common endings of the
units) is walked once with exact document counts. A node whose string is a whole unit
somewhere is a *sentence*; each unit takes the deepest sentence among the nodes that hold
it. A sentence left with fewer than ``min_docs`` documents once deeper sentences have taken
theirs gives its units back to the next sentence up.

Examples
--------
>>> import numpy as np
>>> keys = ["现将情况汇报如下。", "会议强调现将情况汇报如下。", "现将情况汇报如下。", "其他。"]
>>> tails = sentence_tails(keys, np.array([0, 1, 2, 3]), min_docs=3, min_tail=5)
>>> tails.sentence.tolist(), tails.length.tolist()
([0, 0, 0, -1], [9, 9, 9, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.formulas.suffixes import distinct, lcp_nodes

__all__ = ["Tails", "sentence_tails"]

#: A tail does not start with these (folded): they stand inside a sentence, not before one.
INNER_PUNCTUATION = ",、;:)]>}…·-"


class Tails(NamedTuple):
    """The repeated sentence each unit ends with (see :func:`sentence_tails`).

    Attributes
    ----------
    sentence : numpy.ndarray of int64
        An id of the sentence (equal ids, equal sentences), -1 when the unit ends with none.
    length : numpy.ndarray of int64
        Its length in key characters (0 for none); the unit's own length when the whole
        unit is the sentence.
    """

    sentence: npt.NDArray[np.int64]
    length: npt.NDArray[np.int64]


def _codes(text: str) -> npt.NDArray[np.unsignedinteger]:
    """Code points of ``text``, 16 bits each when none lies above the BMP."""
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) == 2 * len(text):
        return np.frombuffer(data, dtype=np.uint16)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _neighbour_lcp(
    flat: npt.NDArray[np.uint32], starts: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Common prefix of each string and the next (strings ``flat[starts[i]:starts[i+1]]``,
    in sorted order); the last value is 0."""
    n = len(starts) - 1
    lcp = np.zeros(n, dtype=np.int64)
    if n < 2:
        return lcp
    a, b = starts[:-2], starts[1:-1]
    room = np.minimum(starts[1:-1] - a, starts[2:] - b)
    active = np.flatnonzero(room > 0)
    t = 0
    while len(active):
        same = flat[a[active] + t] == flat[b[active] + t]
        active = active[same]
        t += 1
        lcp[active] = t
        active = active[room[active] > t]
    return lcp


def _deepest(
    lb: npt.NDArray[np.int64],
    rb: npt.NDArray[np.int64],
    depth: npt.NDArray[np.int64],
    chosen: npt.NDArray[np.bool_],
    n: int,
) -> npt.NDArray[np.int64]:
    """For each of ``n`` sorted units, the deepest chosen node holding it (-1: none)."""
    label = np.full(n, -1, dtype=np.int64)
    for i in np.flatnonzero(chosen)[np.argsort(depth[chosen], kind="stable")].tolist():
        label[lb[i] : rb[i] + 1] = i
    return label


def sentence_tails(
    keys: Sequence[str], doc: npt.NDArray[np.integer], *, min_docs: int, min_tail: int = 1
) -> Tails:
    """The repeated sentence every unit ends with (see the module docstring).

    Parameters
    ----------
    keys : sequence of str
        Each unit's matching text (folded, spaces removed), in corpus order.
    doc : numpy.ndarray of int
        The document of each unit.
    min_docs : int
        A sentence ends units of at least this many documents.
    min_tail : int, default 1
        Shortest sentence taken as the tail of a longer unit.

    Returns
    -------
    Tails
        Per unit, the sentence and its length.
    """
    n = len(keys)
    none = Tails(np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.int64))
    if n < min_docs:
        return none
    backwards = [k[::-1] for k in keys]
    order = np.array(sorted(range(n), key=backwards.__getitem__), dtype=np.int64)
    lengths = np.array([len(k) for k in keys], dtype=np.int64)[order]
    joined = "".join(backwards[i] for i in order.tolist())
    del backwards
    flat = _codes(joined)
    del joined
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    doc_sorted = np.asarray(doc, dtype=np.int64)[order]
    nodes = lcp_nodes(_neighbour_lcp(flat, starts), doc_sorted, min_depth=1, min_docs=min_docs)
    if not len(nodes.lb):
        return none
    # a node is a sentence when one of its units is exactly its string
    deepest = _deepest(nodes.lb, nodes.rb, nodes.depth, np.ones(len(nodes.lb), bool), n)
    whole = (deepest >= 0) & (nodes.depth[np.maximum(deepest, 0)] == lengths)
    sentence = np.zeros(len(nodes.lb), dtype=bool)
    sentence[deepest[whole]] = True
    # a node's string starts with its last character read backwards
    first = flat[starts[nodes.lb] + nodes.depth - 1]
    inner = np.isin(first, [ord(c) for c in INNER_PUNCTUATION])
    tail_ok = (nodes.depth >= min_tail) & ~inner
    width = int(doc_sorted.max()) + 1
    while True:
        # the deepest sentence when it is the whole unit, else the deepest that may be a tail
        deepest = _deepest(nodes.lb, nodes.rb, nodes.depth, sentence, n)
        tail = _deepest(nodes.lb, nodes.rb, nodes.depth, sentence & tail_ok, n)
        is_whole = (deepest >= 0) & (nodes.depth[np.maximum(deepest, 0)] == lengths)
        label = np.where(is_whole, deepest, tail)
        held = label >= 0
        pairs, _ = distinct(label[held] * width + doc_sorted[held])
        docs = np.bincount(pairs // width, minlength=len(sentence))
        weak = sentence & (docs < min_docs)
        if not weak.any():
            break
        sentence &= ~weak
    out_sentence = np.full(n, -1, dtype=np.int64)
    out_length = np.zeros(n, dtype=np.int64)
    out_sentence[order] = label
    out_length[order] = np.where(held, nodes.depth[np.maximum(label, 0)], 0)
    # sentence ids 0, 1, ... in the order the sentences first occur in the corpus
    found = out_sentence >= 0
    ids, _ = distinct(out_sentence[found])
    first = np.full(len(ids), n, dtype=np.int64)
    np.minimum.at(first, np.searchsorted(ids, out_sentence[found]), np.flatnonzero(found))
    renumber = np.empty(len(ids), dtype=np.int64)
    renumber[np.argsort(first, kind="stable")] = np.arange(len(ids), dtype=np.int64)
    out_sentence[found] = renumber[np.searchsorted(ids, out_sentence[found])]
    return Tails(out_sentence, out_length)
