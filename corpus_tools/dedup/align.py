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

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.sketch import shingle_hashes

__all__ = ["align_folded", "covered_length", "union_mask"]

#: A seed that occurs more often than this in the source is only matched to its first
#: occurrences (repeated boilerplate would otherwise multiply the seeds).
MAX_OCCURRENCES = 4


def _runs(
    a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32], k: int, seed: int
) -> npt.NDArray[np.int64]:
    """Diagonal runs of equal ``k``-windows: rows ``(a_start, a_end, b_start, b_end)``."""
    if len(a) < k or len(b) < k:
        return np.zeros((0, 4), dtype=np.int64)
    ha = shingle_hashes(a, k, seed=seed)
    hb = shingle_hashes(b, k, seed=seed)
    order = np.argsort(hb, kind="stable")
    sb = hb[order]
    lo = np.searchsorted(sb, ha, side="left")
    hi = np.searchsorted(sb, ha, side="right")
    cnt = np.minimum(hi - lo, MAX_OCCURRENCES)
    total = int(cnt.sum())
    if total == 0:
        return np.zeros((0, 4), dtype=np.int64)
    i_idx = np.repeat(np.arange(len(ha), dtype=np.int64), cnt)
    first = np.repeat(np.cumsum(cnt) - cnt, cnt)
    offs = np.arange(total, dtype=np.int64) - first
    j_idx = order[np.repeat(lo, cnt) + offs].astype(np.int64)
    diag = j_idx - i_idx
    srt = np.lexsort((i_idx, diag))
    i_s, d_s = i_idx[srt], diag[srt]
    new = np.ones(total, dtype=bool)
    new[1:] = (d_s[1:] != d_s[:-1]) | (i_s[1:] != i_s[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], total) - 1
    a0 = i_s[starts]
    a1 = i_s[ends] + k
    d = d_s[starts]
    return np.stack([a0, a1, a0 + d, a1 + d], axis=1)


def _merge_diagonals(runs: npt.NDArray[np.int64], max_gap: int) -> npt.NDArray[np.int64]:
    """Vectorised first pass: runs on one diagonal less than ``max_gap`` apart become one."""
    diag = runs[:, 2] - runs[:, 0]
    order = np.lexsort((runs[:, 0], diag))
    r, d = runs[order], diag[order]
    new = np.ones(len(r), dtype=bool)
    new[1:] = (d[1:] != d[:-1]) | (r[1:, 0] > r[:-1, 1] + max_gap)
    group = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    a0 = r[starts, 0]
    a1 = np.maximum.reduceat(r[:, 1], starts)
    return np.stack([a0, a1, a0 + d[starts], a1 + d[starts]], axis=1) if len(group) else r


def _merge(runs: npt.NDArray[np.int64], max_gap: int, min_len: int) -> list[list[int]]:
    """Chain runs that continue each other in both texts within ``max_gap`` characters.

    Diagonal groups shorter than ``min_len`` are dropped first: a short match on its own
    diagonal is a shared phrase, and keeping them would only slow the chaining.
    """
    runs = _merge_diagonals(runs, max_gap)
    runs = runs[runs[:, 1] - runs[:, 0] >= min_len]
    order = np.lexsort((-(runs[:, 1] - runs[:, 0]), runs[:, 0]))
    active: list[list[int]] = []
    done: list[list[int]] = []
    for a0, a1, b0, b1 in runs[order].tolist():
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


def _resolve(passages: list[list[int]], n: int, min_passage: int) -> list[list[int]]:
    """Longest first; a later passage keeps only its longest stretch not yet claimed."""
    passages = sorted(passages, key=lambda p: (-(p[1] - p[0]), p[0], p[2]))
    taken = np.zeros(n, dtype=bool)
    out: list[list[int]] = []
    for p0, p1, q0, q1 in passages:
        if p1 - p0 < min_passage:
            continue
        a0, a1, b0, b1 = p0, p1, q0, q1
        free = ~taken[a0:a1]
        if not free.all():
            # longest run of free positions inside [a0, a1)
            edges = np.diff(np.concatenate([[0], free.view(np.int8), [0]]))
            run_s = np.flatnonzero(edges == 1)
            run_e = np.flatnonzero(edges == -1)
            if len(run_s) == 0:
                continue
            best = int(np.argmax(run_e - run_s))
            shift = int(run_s[best])
            a0, a1 = a0 + shift, a0 + int(run_e[best])
            b0 = b0 + shift
            b1 = min(b1, b0 + (a1 - a0))
        if a1 - a0 >= min_passage and b1 > b0:
            taken[a0:a1] = True
            out.append([a0, a1, b0, b1])
    out.sort()
    return out


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
    runs = _runs(a, b, k, seed)
    # a lone seed (one shared k-window) is a shared phrase, not a copy: it joins nothing
    runs = runs[runs[:, 1] - runs[:, 0] > k]
    if len(runs) == 0:
        return np.zeros((0, 4), dtype=np.int64)
    merged = _merge(runs, max_gap, max(k + 4, min_passage // 2))
    return np.asarray(_resolve(merged, len(a), min_passage), dtype=np.int64).reshape(-1, 4)


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
