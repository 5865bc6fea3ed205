"""Candidate pairs: documents sharing an LSH band key or enough anchors.

Both indexes work on the per-document sketches of :mod:`corpus_tools.dedup.sketch`:

* MinHash (one-permutation) band keys with LSH banding find near-duplicates;
* an inverted index of *anchors*, ``anchor_k``-character shingles sampled by hash value (about
  one per ``anchor_sample`` characters, the same ones in every copy), finds excerpts and
  partial copies that whole-document Jaccard cannot see.

Every function is pure and vectorised with numpy; :func:`anchor_pairs_ok` is the one rule
that every search path (in memory, streamed, the index, an engine) applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.errors import (
    check_number,
    check_type,
    param_error,
)

__all__ = [
    "anchor_candidate_pairs",
    "anchor_pairs_ok",
    "anchor_postings_pairs",
    "lsh_candidate_pairs",
    "unique_pairs",
]


def _group_pairs(
    keys: npt.NDArray[Any], ids: npt.NDArray[np.int64], max_group: int
) -> npt.NDArray[np.int64]:
    """Pairs ``(i, j)``, ``i < j``, of ids sharing a key; groups above ``max_group`` are skipped."""
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((ids, keys))
    k, d = keys[order], ids[order]
    bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    sizes = np.diff(bounds)
    out = []
    for size in np.unique(sizes):
        if size < 2 or size > max_group:
            continue
        starts = bounds[:-1][sizes == size]
        members = d[starts[:, None] + np.arange(size)]
        iu, ju = np.triu_indices(int(size), k=1)
        out.append(np.stack([members[:, iu].ravel(), members[:, ju].ravel()], axis=1))
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(out)
    return np.sort(pairs, axis=1)


def lsh_candidate_pairs(
    bands: npt.NDArray[np.uint64], *, max_bucket: int = 1000
) -> npt.NDArray[np.int64]:
    """Document pairs that share at least one LSH band key.

    Parameters
    ----------
    bands : numpy.ndarray of uint64, shape (n_docs, n_bands)
        Band keys, one row per document (:attr:`DocFeatures.bands`).
    max_bucket : int, default 1000
        Buckets with more documents are linked as a chain (each member with the next)
        instead of all pairs, which keeps the output linear for mass duplicates.

    Returns
    -------
    numpy.ndarray of int64, shape (n_pairs, 2)
        Unique rows ``(i, j)`` with ``i < j``, sorted.

    Examples
    --------
    >>> lsh_candidate_pairs(np.array([[1, 2], [3, 2], [4, 5]], dtype=np.uint64)).tolist()
    [[0, 1]]
    """
    check_type(bands, "bands", "lsh_candidate_pairs", np.ndarray, "a 2-d numpy array")
    if bands.ndim != 2:
        raise param_error("bands", "lsh_candidate_pairs", "a 2-d array (docs x bands)", bands.shape)
    n, nb = bands.shape
    ids = np.arange(n, dtype=np.int64)
    parts = []
    for band in range(nb):
        keys = bands[:, band]
        parts.append(_group_pairs(keys, ids, max_bucket))
        # chain links for oversized buckets
        order = np.argsort(keys, kind="stable")
        ks = keys[order]
        same = ks[1:] == ks[:-1]
        if same.any():
            bounds = np.flatnonzero(np.r_[True, ~same, True])
            big = np.flatnonzero(np.diff(bounds) > max_bucket)
            for g in big:
                members = np.sort(order[bounds[g] : bounds[g + 1]])
                parts.append(np.stack([members[:-1], members[1:]], axis=1))
    return unique_pairs(parts)


def unique_pairs(parts: Sequence[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    allp = np.concatenate(parts)
    allp = allp[allp[:, 0] != allp[:, 1]]
    code = allp[:, 0] * (int(allp.max()) + 1) + allp[:, 1]
    _, first = np.unique(code, return_index=True)
    out = allp[first]
    return out[np.lexsort((out[:, 1], out[:, 0]))]


def anchor_candidate_pairs(
    anchors: Sequence[npt.NDArray[np.uint32]],
    *,
    min_hits: int = 3,
    min_share: float = 0.1,
    min_passage: int = 8,
    max_df: int = 50,
) -> pd.DataFrame:
    """Document pairs that share enough anchors (excerpts and partial copies).

    Parameters
    ----------
    anchors : sequence of numpy.ndarray of uint32
        Sorted unique anchor ids per document (:attr:`DocFeatures.anchors`).
    min_hits : int, default 3
        Fewest shared anchors.
    min_share : float, default 0.1
        Fewest shared anchors as a share of the smaller anchor set ...
    min_passage : int, default 8
        ... unless at least this many are shared (see :func:`anchor_pairs_ok`).
    max_df : int, default 50
        Anchors held by more documents than this are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j`` (int64, ``i < j``) and ``hits`` (int64), sorted by ``i, j``.

    Examples
    --------
    >>> a = np.array([1, 2, 3, 4], dtype=np.uint32)
    >>> anchor_candidate_pairs([a, a[:3], a[3:]], min_hits=2).values.tolist()
    [[0, 1, 3]]
    """
    func = "anchor_candidate_pairs"
    check_number(min_hits, "min_hits", func, kind=int, low=1)
    check_number(min_share, "min_share", func, low=0, high=1)
    check_number(min_passage, "min_passage", func, kind=int, low=1)
    check_number(max_df, "max_df", func, kind=int, low=2)
    sizes = np.array([len(a) for a in anchors], dtype=np.int64)
    if len(anchors) < 2 or sizes.sum() == 0:
        keys = np.zeros(0, dtype=np.uint32)
    else:
        keys = np.concatenate([np.asarray(a, dtype=np.uint32) for a in anchors])
    ids = np.repeat(np.arange(len(anchors), dtype=np.int64), sizes)
    return anchor_postings_pairs(
        keys,
        ids,
        sizes,
        min_hits=min_hits,
        min_share=min_share,
        min_passage=min_passage,
        max_df=max_df,
    )


def anchor_postings_pairs(
    keys: npt.NDArray[np.uint32],
    ids: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    *,
    min_hits: int,
    min_share: float,
    min_passage: int,
    max_df: int,
) -> pd.DataFrame:
    """:func:`anchor_candidate_pairs` from postings: ``keys[k]`` is an anchor of document
    ``ids[k]``; ``sizes`` holds every document's number of anchors (an index's arrays)."""
    empty = pd.DataFrame(
        {
            "i": pd.Series(dtype="int64"),
            "j": pd.Series(dtype="int64"),
            "hits": pd.Series(dtype="int64"),
        }
    )
    n = len(sizes)
    if n < 2 or len(keys) == 0:
        return empty
    pairs = _group_pairs(keys, ids, max_df)
    if len(pairs) == 0:
        return empty
    code = pairs[:, 0] * n + pairs[:, 1]
    del pairs
    uniq, hits = np.unique(code, return_counts=True)
    i, j = uniq // n, uniq % n
    smaller = np.minimum(sizes[i], sizes[j])
    ok = anchor_pairs_ok(
        hits, smaller, min_hits=min_hits, min_share=min_share, min_passage=min_passage
    )
    return pd.DataFrame({"i": i[ok], "j": j[ok], "hits": hits[ok].astype(np.int64)})


def anchor_pairs_ok(
    hits: npt.NDArray[Any],
    smaller: npt.NDArray[Any],
    *,
    min_hits: int,
    min_share: float,
    min_passage: int,
) -> npt.NDArray[np.bool_]:
    """Which document pairs sharing ``hits`` anchors are candidates.

    A pair is a candidate when it shares at least ``min_hits`` anchors and either at least
    ``min_share`` of the smaller document's anchors (an excerpt, a partial copy) or at least
    ``min_passage`` anchors whatever the sizes (one passage copied into a long submission
    that mostly copies another source). The one rule for every engine and the index.
    """
    return (hits >= min_hits) & ((hits >= min_share * smaller) | (hits >= min_passage))
