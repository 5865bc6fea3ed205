"""Closed repeats: strings in ``min_docs`` documents that no longer string covers as well.

A string ``s`` of the folded corpus (:mod:`corpus_tools.formulas.folding`) is reported when

* it is at least ``min_chars`` long and occurs in at least ``min_docs`` documents;
* no one-character extension keeps all its documents: every ``s + c`` and every ``c + s``
  occurs in fewer documents. Then no longer string that contains ``s`` occurs in the same
  documents (a longer one would pass through such an extension), so ``s`` is *closed*.

Right extensions are the children of ``s``'s node in the tree of common prefixes
(:func:`~corpus_tools.formulas.suffixes.lcp_nodes` with ``right_closed=True``). A left
extension ``c + s`` that keeps every document of ``s`` is itself right-closed (else ``s``
would not be), so it is one of the nodes enumerated, one character deeper, whose suffixes
minus their first character fall inside ``s``'s interval: the inverse suffix array finds
that interval, and ``s`` is dropped. Counts are exact: ``doc_freq`` is the number of
documents whose folded text contains ``s``, ``count`` the number of places it starts.

Examples
--------
>>> from corpus_tools.formulas.folding import fold_corpus
>>> fc = fold_corpus(["一是坚持党的领导。", "二是坚持党的领导", "坚持党的领导！", "始终坚持党的领导"])
>>> rep = closed_repeats(fc, min_docs=2, min_chars=4)
>>> [(fc.codes[p : p + n].tobytes().decode("utf-32-le"), int(d))
...  for p, n, d in zip(rep.first, rep.chars, rep.doc_freq)]
[('坚持党的领导', 4), ('是坚持党的领导', 2)]
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.formulas.folding import FoldedCorpus
from corpus_tools.formulas.suffixes import lcp_nodes, prune_blocks, suffix_array

__all__ = ["Repeats", "closed_repeats", "occurrences"]


class Repeats(NamedTuple):
    """Closed repeats as parallel arrays, most widespread first.

    Attributes
    ----------
    sa : numpy.ndarray of int32
        The suffix array of the folded corpus (``lb``/``rb`` index it).
    lb, rb : numpy.ndarray of int64
        The repeat's interval of sorted suffixes (inclusive): its occurrences start at
        ``sa[lb:rb + 1]``.
    chars : numpy.ndarray of int64
        Length in folded characters.
    doc_freq, counts : numpy.ndarray of int64
        Documents that contain it, and places where it starts.
    first : numpy.ndarray of int64
        Position of its first occurrence in the folded corpus.
    """

    sa: npt.NDArray[np.int32]
    lb: npt.NDArray[np.int64]
    rb: npt.NDArray[np.int64]
    chars: npt.NDArray[np.int64]
    doc_freq: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]


def occurrences(
    sa: npt.NDArray[np.int32], lb: npt.NDArray[np.int64], rb: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every occurrence of the given repeats: (repeat index, start position), grouped by
    repeat in the order given."""
    sizes = (rb - lb + 1).astype(np.int64)
    owner = np.repeat(np.arange(len(lb), dtype=np.int64), sizes)
    offset = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(sizes) - sizes, sizes
    )
    return owner, sa[lb[owner] + offset].astype(np.int64)


def _left_open(
    sa: npt.NDArray[np.int32],
    lb: npt.NDArray[np.int64],
    rb: npt.NDArray[np.int64],
    depth: npt.NDArray[np.int64],
    df: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """True for the nodes ``s`` with a node ``c + s`` one deeper in the same documents."""
    n = len(sa)
    isa = np.empty(n, dtype=np.int64)
    isa[sa] = np.arange(n, dtype=np.int64)
    key = depth * (n + 1) + lb
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    # each node's string without its first character starts at rank r, depth - 1 long
    r = isa[sa[lb].astype(np.int64) + 1]
    j = np.searchsorted(sorted_key, (depth - 1) * (n + 1) + r, side="right") - 1
    ok = j >= 0
    cand = order[np.maximum(j, 0)]
    ok &= depth[cand] == depth - 1
    ok &= rb[cand] >= r
    ok &= df[cand] == df
    drop = np.zeros(len(lb), dtype=bool)
    drop[cand[ok]] = True
    return drop


def closed_repeats(fc: FoldedCorpus, *, min_docs: int, min_chars: int) -> Repeats:
    """The closed repeats of a folded corpus (see the module docstring).

    Parameters
    ----------
    fc : FoldedCorpus
        From :func:`corpus_tools.formulas.folding.fold_corpus`.
    min_docs, min_chars : int
        At least this many documents; at least this many folded characters.

    Returns
    -------
    Repeats
        Sorted by ``doc_freq`` (descending), then ``chars`` (descending), ``count``
        (descending) and first occurrence.
    """
    empty = np.zeros(0, dtype=np.int64)
    sa, lcp = suffix_array(fc.codes)
    if not len(sa):
        return Repeats(sa, empty, empty, empty, empty, empty, empty)
    doc_sa = fc.doc[sa]
    keep = prune_blocks(lcp, doc_sa, min_depth=min_chars, min_docs=min_docs)
    if not len(keep):
        return Repeats(sa, empty, empty, empty, empty, empty, empty)
    neighbours = np.append(keep[1:] == keep[:-1] + 1, False)
    lcp_kept = np.where(neighbours, lcp[keep], -1)
    nodes = lcp_nodes(
        lcp_kept, doc_sa[keep], min_depth=min_chars, min_docs=min_docs, right_closed=True
    )
    lb, rb = keep[nodes.lb], keep[nodes.rb]
    depth, df = nodes.depth, nodes.doc_freq
    closed = ~_left_open(sa, lb, rb, depth, df)
    lb, rb, depth, df = lb[closed], rb[closed], depth[closed], df[closed]
    counts = rb - lb + 1
    _, pos = occurrences(sa, lb, rb)
    first = np.minimum.reduceat(pos, np.cumsum(counts) - counts) if len(pos) else empty
    order = np.lexsort((first, -counts, -depth, -df))
    return Repeats(sa, lb[order], rb[order], depth[order], df[order], counts[order], first[order])
