# Type stub of the compiled extension built from native.c (see setup.py): the per-pair
# loops of near-duplicate verification. Arrays are C-contiguous, one-dimensional numpy
# arrays (any object with the buffer protocol); ``out`` arrays are written in place.
from typing import Any

def shared_counts(ptr: Any, data: Any, x: Any, y: Any, out: Any, /) -> None:
    """Size of the intersection of the sorted unique uint32 sets of rows ``x[p]`` and
    ``y[p]`` (row ``r``: ``data[ptr[r]:ptr[r + 1]]``) into ``out[p]`` (int64)."""

def align_cover(
    ptr: Any,
    codes: Any,
    x: Any,
    y: Any,
    la: Any,
    lb: Any,
    swapped: Any,
    out_a: Any,
    out_b: Any,
    k: int,
    seed: int,
    min_passage: int,
    max_gap: int,
    min_group: int,
    containment: float,
    partial: float,
    /,
) -> None:
    """Characters of ``a`` (row ``x[p]`` of the folded ``codes``) and of ``b`` (row
    ``y[p]``) covered by the passages of ``a`` copied from ``b`` into ``out_a[p]``,
    ``out_b[p]``; -1 in both when the pair is rejected by the bound before chaining."""

def seed_groups(
    hashes_a: Any,
    codes_b: Any,
    k: int,
    seed: int,
    max_gap: int,
    min_group: int,
    min_passage: int,
    /,
) -> tuple[bytes, int, int]:
    """The diagonal groups of the seed runs of ``a`` (its ``k``-window hashes, uint64) in
    ``b`` (its folded codes, uint32) as bytes of int64 rows ``(a0, a1, b0, b1)`` in
    (diagonal, start) order, and what the stretches of their ``a`` spans (at least
    ``min_passage`` long) and of their ``b`` spans cover: ``(groups, reach_a, reach_b)``."""

def shingle_overlap(codes_b: Any, k: int, seed: int, ids_a: Any, /) -> tuple[bytes, int]:
    """``b``'s shingle set (``sketch.shingle_set`` of its ``k``-window hashes: sorted
    unique uint32 ids) as bytes, and how many of its ids the sorted unique uint32 ``ids_a``
    holds: ``(ids_b, shared)``."""
