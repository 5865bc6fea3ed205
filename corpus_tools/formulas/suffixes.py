"""Sorted suffixes and the tree of their common prefixes: the engine of every repeat.

A repeated string is a common prefix of the suffixes that start where it occurs. Sorted,
those suffixes stand next to each other, and the longest common prefix (LCP) of neighbours
says how far they agree. Every *node* of the tree of common prefixes is an interval
``[lb, rb]`` of sorted suffixes whose pairwise LCP is at least ``depth``, with a smaller
LCP on both sides: the string of ``depth`` characters they share occurs exactly there
(Abouelhoda, Kurtz and Ohlebusch 2004, "Replacing suffix trees with enhanced suffix
arrays"). :func:`lcp_nodes` enumerates the nodes in one pass over the LCP array and counts,
for each, the *documents* its occurrences lie in (the "colour" count of Hui 1992: a pair of
neighbouring suffixes of one document is counted once, at their lowest common node), so
every ``doc_freq`` is exact.

:func:`suffix_array` sorts all suffixes of a corpus (``pydivsufsort``, C) and returns the
LCP array cut at breaks; :func:`prune_blocks` keeps only the runs of sorted suffixes that
share ``min_depth`` characters and lie in ``min_docs`` documents, before the Python pass.

Examples
--------
>>> import numpy as np
>>> codes = np.array([ord(c) for c in "abcx\\0abcy\\0abc\\0"], dtype=np.uint32)
>>> doc = np.array([0] * 5 + [1] * 5 + [2] * 4, dtype=np.int32)
>>> sa, lcp = suffix_array(codes)
>>> nodes = lcp_nodes(lcp, doc[sa], min_depth=2, min_docs=2)
>>> [("".join(chr(c) for c in codes[sa[lb] : sa[lb] + d]), int(df))
...  for lb, d, df in zip(nodes.lb, nodes.depth, nodes.doc_freq)]
[('abc', 3), ('bc', 3)]
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "Nodes",
    "distinct",
    "lcp_nodes",
    "previous_same",
    "prune_blocks",
    "suffix_array",
]

#: Alphabets up to this size are sorted as 16-bit symbols (half the work of 32-bit ones).
_SMALL_ALPHABET = 1 << 16


def distinct(
    values: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct values, sorted, and how often each occurs.

    ``np.unique`` of numpy 2.4 hashes int64 arrays first, seventy times slower here than a
    sort on two million values.
    """
    ordered = np.sort(values)
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(new)
    return ordered[starts], np.diff(np.append(starts, len(ordered))).astype(np.int64)


def _ranks(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.unsignedinteger]:
    """The codes renumbered 0..k-1 in the same order (a small, dense alphabet)."""
    present = np.zeros(int(codes.max()) + 1, dtype=np.int64)
    present[codes] = 1
    rank = np.cumsum(present) - 1
    dtype = np.uint16 if int(rank[-1]) < _SMALL_ALPHABET else np.uint32
    return rank[codes].astype(dtype)


def suffix_array(
    codes: npt.NDArray[np.uint32],
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Sort the suffixes of ``codes`` and measure how far neighbours agree.

    Parameters
    ----------
    codes : numpy.ndarray of uint32
        Code points; ``0`` is a break, which no common prefix runs across. The array must
        end with a break.

    Returns
    -------
    (sa, lcp) : numpy.ndarray of int32
        ``sa[i]`` is the start of the i-th smallest suffix; ``lcp[i]`` the length of the
        common prefix of suffixes ``sa[i]`` and ``sa[i + 1]`` before the first break
        (``lcp[-1] == 0``).
    """
    from pydivsufsort import divsufsort, kasai

    n = len(codes)
    if n == 0:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty.copy()
    symbols = _ranks(codes)
    sa = np.asarray(divsufsort(symbols), dtype=np.int32)
    lcp = np.asarray(kasai(symbols, sa), dtype=np.int32)
    # the common prefix stops at the first break: distance from each start to the next 0
    positions = np.arange(n, dtype=np.int32)
    next_break = np.where(codes == 0, positions, np.int32(n))
    next_break = np.minimum.accumulate(next_break[::-1])[::-1]
    np.minimum(lcp, (next_break - positions)[sa], out=lcp)
    return sa, lcp


def prune_blocks(
    lcp: npt.NDArray[np.int32],
    doc: npt.NDArray[np.int32],
    *,
    min_depth: int,
    min_docs: int,
) -> npt.NDArray[np.int64]:
    """Indices of the sorted suffixes that may hold a repeat of ``min_depth`` characters
    in ``min_docs`` documents.

    A *block* is a run of sorted suffixes whose neighbours share at least ``min_depth``
    characters; a repeat that long lies inside one block, and in at most as many documents
    as the block holds. Blocks of fewer than ``min_docs`` documents are dropped.

    Parameters
    ----------
    lcp : numpy.ndarray
        As :func:`suffix_array` returns (``lcp[i]`` between suffixes ``i`` and ``i + 1``).
    doc : numpy.ndarray
        The document of each sorted suffix (``doc_of_position[sa]``).
    """
    n = len(lcp)
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    join = lcp[:-1] >= min_depth  # suffix i and i + 1 share min_depth characters
    member = np.zeros(n, dtype=bool)
    member[:-1] |= join
    member[1:] |= join
    idx = np.flatnonzero(member)
    if not len(idx):
        return idx.astype(np.int64)
    new_block = np.ones(len(idx), dtype=bool)
    new_block[1:] = ~join[idx[:-1]] | (idx[1:] != idx[:-1] + 1)
    block = np.cumsum(new_block) - 1
    width = int(doc.max()) + 1
    pairs = np.sort(block.astype(np.int64) * width + doc[idx])
    distinct = pairs[np.append(True, pairs[1:] != pairs[:-1])]
    per_block = np.bincount(distinct // width, minlength=int(block[-1]) + 1)
    return idx[per_block[block] >= min_docs].astype(np.int64)


def previous_same(
    group: npt.NDArray[np.int64], doc: npt.NDArray[np.int32]
) -> npt.NDArray[np.int64]:
    """For each item, the index of the previous item of the same ``group`` and ``doc``
    (-1 for the first)."""
    n = len(doc)
    key = group.astype(np.int64) * (int(doc.max()) + 1 if n else 1) + doc
    order = np.argsort(key, kind="stable")
    prev = np.full(n, -1, dtype=np.int64)
    same = key[order][1:] == key[order][:-1]
    prev[order[1:][same]] = order[:-1][same]
    return prev


class Nodes(NamedTuple):
    """Nodes of the tree of common prefixes (see :func:`lcp_nodes`), as parallel arrays.

    Attributes
    ----------
    lb, rb : numpy.ndarray of int64
        First and last sorted suffix of the node (inclusive).
    depth : numpy.ndarray of int64
        Length of the string the node's suffixes share.
    parent_depth : numpy.ndarray of int64
        Depth of the enclosing node: the strings of ``parent_depth + 1 .. depth`` characters
        occur exactly at this node's suffixes.
    doc_freq : numpy.ndarray of int64
        Number of distinct documents among the node's suffixes.
    child_doc_freq : numpy.ndarray of int64
        The largest ``doc_freq`` of a child (1 for a single suffix): the string extended by
        one more character keeps all its documents when this equals ``doc_freq``.
    """

    lb: npt.NDArray[np.int64]
    rb: npt.NDArray[np.int64]
    depth: npt.NDArray[np.int64]
    parent_depth: npt.NDArray[np.int64]
    doc_freq: npt.NDArray[np.int64]
    child_doc_freq: npt.NDArray[np.int64]


class _Out:
    """Growing columns of the nodes kept."""

    def __init__(self) -> None:
        self.cols = [array("q") for _ in Nodes._fields]

    def nodes(self) -> Nodes:
        return Nodes(*(np.frombuffer(c, dtype=np.int64).copy() for c in self.cols))


def lcp_nodes(
    lcp: npt.NDArray[np.integer],
    doc: npt.NDArray[np.integer],
    *,
    min_depth: int,
    min_docs: int,
    right_closed: bool = False,
    prev: npt.NDArray[np.int64] | None = None,
) -> Nodes:
    """Enumerate the nodes of the tree of common prefixes, with exact document counts.

    Parameters
    ----------
    lcp : numpy.ndarray of int
        ``lcp[i]``: common prefix of sorted suffixes ``i`` and ``i + 1`` (the last value is
        not used); a value below ``min_depth`` separates blocks, which are enumerated
        apart (pass only the suffixes :func:`prune_blocks` keeps, with ``-1`` between
        blocks that were not neighbours).
    doc : numpy.ndarray of int
        Document of each sorted suffix.
    min_depth : int
        Only nodes at least this deep are reported (and enumerated).
    min_docs : int
        Only nodes with at least this many documents are reported.
    right_closed : bool, default False
        Report only nodes whose every child has fewer documents (no longer string in the
        same documents starts the same way).
    prev : numpy.ndarray, optional
        :func:`previous_same` of the blocks and documents (computed when not given).

    Returns
    -------
    Nodes
        In the order they close (children before their parent).
    """
    n = len(doc)
    if n == 0:
        return _Out().nodes()
    h = np.full(n + 1, -1, dtype=np.int64)
    h[1:n] = lcp[: n - 1]
    h[h < min_depth] = -1
    if prev is None:
        block = np.cumsum(h[:n] < 0).astype(np.int64)
        prev = previous_same(block, np.asarray(doc, dtype=np.int32))
    out = _Out()
    _walk(h.tolist(), prev.tolist(), out, min_docs=min_docs, right_closed=right_closed)
    nodes = out.nodes()
    # a block's top node: its parent is deeper than -1 only through the LCP it was cut at
    top = nodes.parent_depth < 0
    if top.any():
        left = np.asarray(lcp, dtype=np.int64)[np.maximum(nodes.lb[top] - 1, 0)]
        left[nodes.lb[top] == 0] = 0
        right = np.asarray(lcp, dtype=np.int64)[nodes.rb[top]]
        right[nodes.rb[top] == n - 1] = 0
        nodes.parent_depth[top] = np.clip(np.maximum(left, right), 0, None)
    return nodes


def _walk(h: list[int], prev: list[int], out: _Out, *, min_docs: int, right_closed: bool) -> None:
    """The bottom-up pass (one stack of open nodes); see :func:`lcp_nodes`.

    ``h[i]`` is the LCP between suffixes ``i - 1`` and ``i`` (-1 at a block boundary and at
    both ends). Each stack entry is an open node: depth, first suffix, duplicate pairs
    counted inside it, largest document count of a closed child.
    """
    s_depth, s_lb, s_dup, s_child = [-1], [0], [0], [0]
    c_lb, c_rb, c_depth, c_parent, c_df, c_child = out.cols
    n = len(prev)
    for i in range(1, n + 1):
        hi = h[i]
        lb = i - 1
        carry_dup, carry_child = 0, 1
        while hi < s_depth[-1]:
            depth, lb = s_depth.pop(), s_lb.pop()
            dup, child = s_dup.pop(), s_child.pop()
            df = i - lb - dup
            top = s_depth[-1]
            if df >= min_docs and (not right_closed or child < df):
                c_lb.append(lb)
                c_rb.append(i - 1)
                c_depth.append(depth)
                c_parent.append(hi if hi > top else top)
                c_df.append(df)
                c_child.append(child)
            if hi > top:  # the node opened below takes this one as its child
                carry_dup, carry_child = dup, df
            else:
                s_dup[-1] += dup
                if df > s_child[-1]:  # noqa: PLR1730 (a call to max() costs more in this loop)
                    s_child[-1] = df
        if hi > s_depth[-1]:
            s_depth.append(hi)
            s_lb.append(lb)
            s_dup.append(carry_dup)
            s_child.append(carry_child)
        if i < n:
            p = prev[i]
            if p >= 0:  # the same document again: counted once, at the lowest common node
                s_dup[bisect_right(s_lb, p) - 1] += 1
