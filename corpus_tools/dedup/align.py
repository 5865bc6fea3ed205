"""Aligned passages between two folded texts: seed, extend along diagonals, merge, resolve.

Pure functions on :class:`corpus_tools.text.Folded` code arrays; offsets returned here are
folded positions, mapped to the original texts by :mod:`corpus_tools.dedup`.

The method is the one plagiarism checkers use: every ``k``-character window of the
submission that also occurs in the source is a seed; seeds on one diagonal (same shift)
and consecutive form a run; runs that continue each other in both texts across a small gap
(an edited word, a changed number) merge into one passage; passages shorter than
``min_passage`` folded characters are dropped (a shared slogan is not a copy); where two
passages claim the same submission characters, the longer one keeps them.
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.sketch import shingle_hashes

__all__ = [
    "SeedTable",
    "Seeds",
    "align_folded",
    "batch_components",
    "batch_groups",
    "batch_union",
    "covered_length",
    "dense_ids",
    "diagonal_groups",
    "group_length",
    "passage_reach",
    "passages_of_groups",
    "seed_runs",
    "seed_table",
    "seed_table_flat",
    "seeds_of",
    "stable_order",
    "union_length",
    "union_mask",
]

#: A seed that occurs more often than this in the source is only matched to its first
#: occurrences (repeated boilerplate would otherwise multiply the seeds).
MAX_OCCURRENCES = 4

#: Sort keys below this fit in an int64 (with room to spare).
_KEY_LIMIT = 1 << 62


class Seeds(NamedTuple):
    """The alignment seeds of one folded text, computed once and reused for every pair.

    Attributes
    ----------
    hashes : numpy.ndarray of uint64
        Hash of the ``k``-window at every position (:func:`shingle_hashes`).
    order : numpy.ndarray of int64
        Positions sorted by hash (stable).
    sorted : numpy.ndarray of uint64
        ``hashes[order]``.
    """

    hashes: npt.NDArray[np.uint64]
    order: npt.NDArray[np.int64]
    sorted: npt.NDArray[np.uint64]


def seeds_of(codes: npt.NDArray[np.uint32], k: int, seed: int = 0) -> Seeds:
    """The :class:`Seeds` of folded ``codes`` (none when shorter than ``k``): the window
    hashes in their stable sorted order (that of ``np.argsort(kind="stable")``, found by
    sorting the hashes packed with their positions, several times faster).

    Examples
    --------
    >>> from corpus_tools.dedup.sketch import fold_for_matching
    >>> s = seeds_of(fold_for_matching("坚持党建引领，推动基层治理").codes, 8)
    >>> len(s.hashes), bool((s.sorted[1:] >= s.sorted[:-1]).all())
    (5, True)
    """
    if len(codes) < k:
        empty = np.zeros(0, dtype=np.uint64)
        return Seeds(empty, np.zeros(0, dtype=np.int64), empty)
    h = shingle_hashes(codes, k, seed=seed)
    # np.argsort(h, kind="stable") and h in that order, by sorting packed values
    order, ordered = _value_order(h)
    return Seeds(h, order, ordered)


_NO_RUNS = np.zeros((0, 4), dtype=np.int64)


def seed_runs(sa: Seeds, sb: Seeds, k: int) -> npt.NDArray[np.int64]:
    """Diagonal runs of equal ``k``-windows: rows ``(a_start, a_end, b_start, b_end)``.

    Runs of one window only (a phrase shared by chance) are left out: they join nothing.
    """
    ha, sb_sorted = sa.hashes, sb.sorted
    if len(ha) == 0 or len(sb_sorted) == 0:
        return _NO_RUNS
    # (searched in sorted order, ``sa.order``: each search starts where the one before
    # ended, in pages already read; the same bounds as searching ``ha`` as it is)
    lo = np.empty(len(ha), dtype=np.int64)
    hi = np.empty(len(ha), dtype=np.int64)
    lo[sa.order] = np.searchsorted(sb_sorted, sa.sorted, side="left")
    hi[sa.order] = np.searchsorted(sb_sorted, sa.sorted, side="right")
    cnt = np.minimum(hi - lo, MAX_OCCURRENCES)
    total = int(cnt.sum())
    if total == 0:
        return _NO_RUNS
    i_idx = np.repeat(np.arange(len(ha), dtype=np.int64), cnt)
    first = np.repeat(np.cumsum(cnt) - cnt, cnt)
    offs = np.arange(total, dtype=np.int64) - first
    j_idx = sb.order[np.repeat(lo, cnt) + offs]
    diag = j_idx - i_idx
    srt = np.argsort(diag, kind="stable")  # i_idx is ascending already
    i_s, d_s = i_idx[srt], diag[srt]
    new = np.ones(total, dtype=bool)
    new[1:] = (d_s[1:] != d_s[:-1]) | (i_s[1:] != i_s[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], total) - 1
    long = ends > starts  # more than one window
    starts, ends = starts[long], ends[long]
    a0 = i_s[starts]
    a1 = i_s[ends] + k
    d = d_s[starts]
    return np.stack([a0, a1, a0 + d, a1 + d], axis=1)


class SeedTable(NamedTuple):
    """The alignment seeds of many documents, with every ``k``-window hash replaced by a
    dense id (equal ids: equal hashes), so the seeds of many pairs are matched at once.

    Row ``r``'s windows are ``ids[ptr[r]:ptr[r + 1]]`` (one per position); ``order``
    holds each row's positions sorted by id (stable) and ``sorted`` the ids in that order.
    """

    ptr: npt.NDArray[np.int64]
    ids: npt.NDArray[np.uint32]
    order: npt.NDArray[np.int32]
    sorted: npt.NDArray[np.uint32]


def seed_table(hashes: list[npt.NDArray[np.uint64]]) -> SeedTable:
    """The :class:`SeedTable` of documents' ``k``-window hashes (:func:`shingle_hashes`).

    Examples
    --------
    >>> t = seed_table([np.array([9, 4, 9], np.uint64), np.array([4], np.uint64)])
    >>> t.ids.tolist(), t.order.tolist(), t.sorted.tolist()
    ([1, 0, 1, 0], [1, 0, 2, 0], [0, 1, 1, 0])
    """
    sizes = np.array([len(h) for h in hashes], dtype=np.int64)
    flat = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
    return seed_table_flat(flat, sizes)


def seed_table_flat(flat: npt.NDArray[np.uint64], sizes: npt.NDArray[np.int64]) -> SeedTable:
    """:func:`seed_table` of the hashes of all documents one after the other (``sizes``
    per document)."""
    ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=ptr[1:])
    ids, distinct = dense_ids(flat)
    owner = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    # by row, then id, then position (a stable sort of one int64 key)
    perm = stable_order(owner * distinct + ids, max(len(sizes), 1) * max(distinct, 1))
    order = (perm - ptr[owner[perm]]).astype(np.int32)
    return SeedTable(ptr, ids, order, ids[perm])


def stable_order(keys: npt.NDArray[np.int64], limit: int) -> npt.NDArray[np.int64]:
    """``np.argsort(keys, kind="stable")`` of keys in ``[0, limit)``, by sorting values.

    Where ``limit`` times the number of keys fits an int64, each key is packed with its
    index and the packed values are sorted: numpy sorts plain integers with SIMD code
    several times faster than it orders indexes (argsort), and the packed sort is stable
    by construction.

    Examples
    --------
    >>> stable_order(np.array([3, 1, 3, 0, 1]), 4).tolist()
    [3, 1, 4, 0, 2]
    """
    n = len(keys)
    bits = max(n - 1, 1).bit_length()
    if limit > _KEY_LIMIT >> bits:
        return np.argsort(keys, kind="stable")
    packed = keys.astype(np.int64) << bits
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    packed &= (1 << bits) - 1
    return packed


def dense_ids(values: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.uint32], int]:
    """Each value's rank among the distinct values (uint32), and how many there are:
    ``np.unique(values, return_inverse=True)`` in about half its memory.

    Examples
    --------
    >>> ids, n = dense_ids(np.array([30, 10, 30, 20], np.uint64))
    >>> ids.tolist(), n
    ([2, 0, 2, 1], 3)
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.uint32), 0
    perm, ordered = _value_order(np.asarray(values, dtype=np.uint64))
    new = np.empty(len(values), dtype=np.uint32)
    new[0] = 0
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:], casting="unsafe")
    del ordered
    rank = np.cumsum(new, dtype=np.uint32)
    ids = np.empty(len(values), dtype=np.uint32)
    ids[perm] = rank
    return ids, int(rank[-1]) + 1


def _value_order(
    values: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """An order of ``values`` that sorts them, and the sorted values.

    The high bits of each value are packed with its index and sorted as plain integers
    (several times faster than argsort); values whose high bits tie but differ below
    them (rare: two hashes sharing a prefix) are then put in order among themselves.
    """
    n = len(values)
    bits = np.uint64(max(n - 1, 1).bit_length())
    packed = values >> bits
    packed <<= bits
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort()
    prefix = packed >> bits
    perm = (packed & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.int64)
    del packed
    ordered = values[perm]
    tied = (prefix[1:] == prefix[:-1]) & (ordered[1:] != ordered[:-1])
    if tied.any():  # sort each run of one prefix that holds two values by value
        run = np.cumsum(np.r_[True, prefix[1:] != prefix[:-1]])
        at = np.flatnonzero(np.isin(run, run[1:][tied]))
        fix = np.lexsort((perm[at], ordered[at], run[at]))
        perm[at], ordered[at] = perm[at][fix], ordered[at][fix]
    return perm, ordered


def _spread(
    ptr: npt.NDArray[np.int64], rows: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For the rows one after the other: the index of the row in ``rows`` and the
    position in the flat arrays of every element."""
    sizes = ptr[rows + 1] - ptr[rows]
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), sizes)
    at = np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(
        ptr[rows] - (np.cumsum(sizes) - sizes), sizes
    )
    return owner, at


def batch_groups(
    table: SeedTable, x: npt.NDArray[np.int64], y: npt.NDArray[np.int64], k: int, max_gap: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """:func:`diagonal_groups` (before the length filter) of the seed runs of every pair
    ``(x[p], y[p])`` of rows of ``table`` at once: ``(pair, groups)``, sorted by pair,
    diagonal and start (per pair what :func:`seed_runs` and :func:`diagonal_groups` give).
    """
    none = np.zeros(0, dtype=np.int64), np.zeros((0, 4), dtype=np.int64)
    a_owner, a_at = _spread(table.ptr, x)
    b_owner, b_at = _spread(table.ptr, y)
    if len(a_at) == 0 or len(b_at) == 0:
        return none
    shift = np.uint64(32)
    held = (b_owner.astype(np.uint64) << shift) | table.sorted[b_at].astype(np.uint64)
    # a's seeds in id order too: sorted queries keep the binary searches in the cache
    asked = (a_owner.astype(np.uint64) << shift) | table.sorted[a_at].astype(np.uint64)
    lo = np.searchsorted(held, asked, side="left")
    cnt = _run_lengths(held)[lo]  # how often each asked seed is held (0: not at all)
    cnt[held[np.minimum(lo, len(held) - 1)] != asked] = 0
    np.minimum(cnt, MAX_OCCURRENCES, out=cnt)
    total = int(cnt.sum())
    if total == 0:
        return none
    which = np.repeat(np.arange(len(asked), dtype=np.int64), cnt)
    offs = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    j = table.order[b_at[np.repeat(lo, cnt) + offs]].astype(np.int64)
    pair = a_owner[which]
    i = table.order[a_at[which]].astype(np.int64)
    # sort by (pair, diagonal, position in a)
    width = int(max(i.max(), j.max())) + 1
    key = pair * (2 * width + 1) + (j - i + width)
    if (int(pair[-1]) + 1) * (2 * width + 1) * width < _KEY_LIMIT:
        packed = key * width + i  # distinct: sorted as values, then unpacked
        packed.sort()
        key_s, i_s = np.divmod(packed, width)
        del packed
    else:
        srt = np.lexsort((i, key))
        i_s, key_s = i[srt], key[srt]
    new = np.ones(total, dtype=bool)
    new[1:] = (key_s[1:] != key_s[:-1]) | (i_s[1:] != i_s[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], total) - 1
    long = ends > starts  # runs of one window join nothing
    starts, ends = starts[long], ends[long]
    if len(starts) == 0:
        return none
    a0, a1, rkey = i_s[starts], i_s[ends] + k, key_s[starts]
    new = np.ones(len(a0), dtype=bool)
    new[1:] = (rkey[1:] != rkey[:-1]) | (a0[1:] > a1[:-1] + max_gap)
    first = np.flatnonzero(new)
    g0, g1 = a0[first], np.maximum.reduceat(a1, first)
    gpair = rkey[first] // (2 * width + 1)
    d = rkey[first] - gpair * (2 * width + 1) - width
    return gpair, np.stack([g0, g1, g0 + d, g1 + d], axis=1)


def _run_lengths(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """For sorted ``values``: at the first position of each run of equal values, the
    run's length; 0 elsewhere and at ``len(values)`` (one binary search saved per query:
    the first position is what a left search finds)."""
    n = len(values)
    first = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    out = np.zeros(n + 1, dtype=np.int64)
    out[first] = np.diff(np.r_[first, n])
    return out


def batch_components(
    owner: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    n: int,
    *,
    max_gap: int,
    min_len: int = 0,
) -> npt.NDArray[np.int64]:
    """Per owner ``0 .. n - 1``: the spans ``[start, end)`` joined across gaps of at most
    ``max_gap``, and the summed length of the joined stretches at least ``min_len`` long.

    A passage is a chain of diagonal groups, each starting at most ``max_gap`` characters
    after the chain's end so far (in both texts): it lies inside one joined stretch of its
    groups' spans, and is kept only if at least ``min_passage`` long in ``a``. So with the
    groups' ``a`` spans and ``min_len=min_passage`` (or their ``b`` spans and no minimum)
    this bounds what passages can cover, before they are chained.

    Examples
    --------
    >>> batch_components(
    ...     np.array([0, 0, 0, 1]), np.array([0, 12, 50, 0]), np.array([10, 20, 55, 9]), 2,
    ...     max_gap=2, min_len=10,
    ... ).tolist()
    [20, 0]
    """
    if len(owner) == 0:
        return np.zeros(n, dtype=np.int64)
    order = np.lexsort((starts, owner))
    o, s, e = owner[order], starts[order], ends[order]
    big = int(e.max()) + max_gap + 1
    reach = np.maximum.accumulate(o * big + e) - o * big  # running end within an owner
    new = np.ones(len(o), dtype=bool)
    new[1:] = (o[1:] != o[:-1]) | (s[1:] > reach[:-1] + max_gap)
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(o)) - 1
    length = reach[last] - s[first]
    keep = length >= min_len
    got = np.bincount(o[first][keep], weights=length[keep], minlength=n)
    return got.astype(np.int64)


def batch_union(
    owner: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    n: int,
) -> npt.NDArray[np.int64]:
    """Length of the union of the spans ``[start, end)`` of each owner ``0 .. n - 1``.

    Examples
    --------
    >>> batch_union(np.array([0, 1, 0]), np.array([0, 5, 2]), np.array([3, 6, 9]), 2).tolist()
    [9, 1]
    """
    if len(owner) == 0:
        return np.zeros(n, dtype=np.int64)
    order = np.lexsort((starts, owner))
    o, s, e = owner[order], starts[order], ends[order]
    big = int(e.max()) + 1
    reach = np.maximum.accumulate(o * big + e) - o * big  # running end within an owner
    begin = s.copy()
    same = o[1:] == o[:-1]
    begin[1:][same] = np.maximum(s[1:][same], reach[:-1][same])
    got = np.bincount(o, weights=np.clip(e - begin, 0, None), minlength=n)
    return got.astype(np.int64)


def passage_reach(
    groups: npt.NDArray[np.int64], n_a: int, n_b: int, max_gap: int
) -> tuple[int, int]:
    """Upper bounds of the characters of ``a`` and of ``b`` that passages chained from
    :func:`diagonal_groups` can cover (before chaining them).

    A passage is a chain of groups, each starting at most ``max_gap`` characters after the
    end of one before it (in both texts), so every character it covers lies in a group or
    within ``max_gap`` after a group's end: the union of ``[start, end + max_gap)`` bounds
    it.
    """
    runs = groups
    return (
        union_length(runs[:, 0], np.minimum(runs[:, 1] + max_gap, n_a)),
        union_length(runs[:, 2], np.minimum(runs[:, 3] + max_gap, n_b)),
    )


_FEW = 32


def union_length(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> int:
    """Length of the union of the spans ``[start, end)`` (sorted by start, no mask).

    Examples
    --------
    >>> union_length(np.array([5, 0, 2]), np.array([9, 3, 4]))
    8
    """
    if len(starts) == 0:
        return 0
    if len(starts) <= _FEW:  # a few spans: a sweep in Python beats numpy's call overhead
        total = end = 0
        for s0, e0 in sorted(zip(starts.tolist(), ends.tolist(), strict=True)):
            lo = max(s0, end)
            if e0 > lo:
                total += e0 - lo
                end = e0
        return total
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    begin = s.copy()
    begin[1:] = np.maximum(s[1:], reach[:-1])
    return int(np.clip(e - begin, 0, None).sum())


def diagonal_groups(
    runs: npt.NDArray[np.int64], max_gap: int, min_len: int
) -> npt.NDArray[np.int64]:
    """Runs on one diagonal less than ``max_gap`` apart become one group; groups shorter
    than ``min_len`` are dropped (a short match on its own diagonal is a shared phrase).

    ``runs`` are sorted by diagonal, then start (as :func:`seed_runs` gives them).
    """
    if len(runs) == 0:
        return runs
    d = runs[:, 2] - runs[:, 0]
    new = np.ones(len(runs), dtype=bool)
    new[1:] = (d[1:] != d[:-1]) | (runs[1:, 0] > runs[:-1, 1] + max_gap)
    starts = np.flatnonzero(new)
    a0 = runs[starts, 0]
    a1 = np.maximum.reduceat(runs[:, 1], starts)
    keep = a1 - a0 >= min_len
    a0, a1, d0 = a0[keep], a1[keep], d[starts][keep]
    return np.stack([a0, a1, a0 + d0, a1 + d0], axis=1)


def _merge(groups: list[list[int]], max_gap: int) -> list[list[int]]:
    """Chain diagonal groups ``[a0, a1, b0, b1]`` that continue each other in both texts
    within ``max_gap`` (taken by start, the longer first; Python lists: a pair has a few
    groups, where numpy's per-call cost would dominate)."""
    active: list[list[int]] = []
    done: list[list[int]] = []
    for a0, a1, b0, b1 in sorted(groups, key=lambda g: (g[0], g[0] - g[1])):
        keep: list[list[int]] = []
        for p in active:
            if p[1] + max_gap < a0:
                done.append(p)
            else:
                keep.append(p)
        active = keep
        best = None
        for p in active:
            if a1 <= p[1] and b1 <= p[3] and b0 >= p[2]:
                best = p  # already inside this passage
                break
            shift_a = a0 - p[1]
            shift_b = b0 - p[3]
            if (
                -max_gap <= shift_a <= max_gap
                and -max_gap <= shift_b <= max_gap
                and abs(shift_a - shift_b) <= max_gap
                and (best is None or p[1] - p[0] > best[1] - best[0])
            ):
                best = p
        if best is None:
            active.append([a0, a1, b0, b1])
        else:
            best[1] = max(best[1], a1)
            best[3] = max(best[3], b1)
    done.extend(active)
    return done


def _resolve(passages: list[list[int]], min_passage: int) -> list[list[int]]:
    """Longest first; a later passage keeps only its longest stretch not yet claimed
    (the first, of equally long ones)."""
    passages = sorted(passages, key=lambda p: (-(p[1] - p[0]), p[0], p[2]))
    taken: list[tuple[int, int]] = []  # claimed spans of a, disjoint, by start
    out: list[list[int]] = []
    for a0, a1, q0, q1 in passages:
        if a1 - a0 < min_passage:
            continue
        f0, f1 = _longest_free(taken, a0, a1)
        if f1 - f0 < min_passage:
            continue
        b0, b1 = q0, q1
        if (f0, f1) != (a0, a1):  # partly claimed already: the b span shrinks with it
            b0 = q0 + f0 - a0
            b1 = min(q1, b0 + (f1 - f0))
        if b1 > b0:
            bisect.insort(taken, (f0, f1))
            out.append([f0, f1, b0, b1])
    out.sort()
    return out


def _longest_free(taken: list[tuple[int, int]], a0: int, a1: int) -> tuple[int, int]:
    """The longest stretch of ``[a0, a1)`` outside the ``taken`` spans (the first of
    equally long ones; ``(a0, a0)`` when none is free)."""
    best = (a0, a0)
    start = a0
    for t0, t1 in taken:
        if t1 <= start:
            continue
        if t0 >= a1:
            break
        if t0 - start > best[1] - best[0]:
            best = (start, t0)
        start = max(start, t1)
    if a1 - start > best[1] - best[0]:
        best = (start, a1)
    return best


def align_folded(
    a: npt.NDArray[np.uint32],
    b: npt.NDArray[np.uint32],
    *,
    k: int = 8,
    min_passage: int = 20,
    max_gap: int = 12,
    seed: int = 0,
) -> npt.NDArray[np.int64]:
    """Passages of ``a`` copied from ``b``, as folded spans.

    Parameters
    ----------
    a, b : numpy.ndarray of uint32
        Folded code points (:attr:`corpus_tools.text.Folded.codes`) of the submission
        and of the source.
    k : int, default 8
        Seed length in folded characters.
    min_passage : int, default 20
        Shortest passage kept, in folded characters of ``a``.
    max_gap : int, default 12
        Largest edit (in folded characters) bridged inside one passage.
    seed : int, default 0
        Hash seed.

    Returns
    -------
    numpy.ndarray of int64, shape (n, 4)
        Rows ``(a_start, a_end, b_start, b_end)`` sorted by ``a_start``; the ``a`` spans do
        not overlap.

    Examples
    --------
    >>> from corpus_tools.dedup.sketch import fold_for_matching
    >>> a = fold_for_matching("新的开头。" + "坚持党建引领，推动基层治理能力现代化建设取得新成效。").codes
    >>> b = fold_for_matching("坚持党建引领，推动基层治理能力现代化建设取得新成效。另起一段").codes
    >>> align_folded(a, b, k=6, min_passage=10).tolist()
    [[4, 28, 0, 24]]
    """
    runs = seed_runs(seeds_of(a, k, seed), seeds_of(b, k, seed), k)
    groups = diagonal_groups(runs, max_gap, group_length(k, min_passage))
    return passages_of_groups(groups, len(a), min_passage=min_passage, max_gap=max_gap)


def group_length(k: int, min_passage: int) -> int:
    """Shortest diagonal group that may join a passage (shorter: a shared phrase)."""
    return max(k + 4, min_passage // 2)


def passages_of_groups(
    groups: npt.NDArray[np.int64], n_a: int, *, min_passage: int, max_gap: int
) -> npt.NDArray[np.int64]:
    """The passages (as :func:`align_folded` returns them) chained from
    :func:`diagonal_groups`."""
    if len(groups) == 0:
        return np.zeros((0, 4), dtype=np.int64)
    merged = _merge(np.asarray(groups).tolist(), max_gap)
    return np.asarray(_resolve(merged, min_passage), dtype=np.int64).reshape(-1, 4)


def union_mask(n: int, starts: npt.ArrayLike, ends: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Boolean mask of length ``n``, True inside any ``[start, end)``."""
    s = np.asarray(starts, dtype=np.int64)
    e = np.asarray(ends, dtype=np.int64)
    delta = np.zeros(n + 1, dtype=np.int64)
    np.add.at(delta, s, 1)
    np.add.at(delta, e, -1)
    return np.cumsum(delta[:n]) > 0


def covered_length(n: int, starts: npt.ArrayLike, ends: npt.ArrayLike) -> int:
    """Number of positions in ``[0, n)`` covered by the union of the spans."""
    return int(union_mask(n, starts, ends).sum())
