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

import ctypes
import functools
import mmap
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.config import DedupConfig, effective_max_df
from corpus_tools.dedup.sketch import DocFeatures
from corpus_tools.errors import (
    check_number,
    check_type,
    param_error,
)

if TYPE_CHECKING:  # pandas is imported where a table is made
    import pandas as pd

__all__ = [
    "BYTES_PER_PAIR",
    "MAX_BUCKET",
    "SHORT_PER_VALUE",
    "SPILLED_BLOCK_PAIRS",
    "CandidateBlocks",
    "Candidates",
    "Groups",
    "SpilledPostings",
    "anchor_candidate_pairs",
    "anchor_pairs_ok",
    "anchor_postings_pairs",
    "band_groups",
    "candidate_pairs",
    "configured_candidate_blocks",
    "configured_candidates",
    "corpus_candidates",
    "expand_ranges",
    "group_postings",
    "lsh_candidate_pairs",
    "map_file",
    "memory_budget",
    "read_into",
    "release_heap",
    "release_pages",
    "short_limit",
    "short_pairs",
    "short_similar",
    "similar_pairs",
    "unique_pairs",
    "warn_capped",
]


#: Largest LSH bucket of one band key whose documents are all paired; a larger one (mass
#: duplicates) is linked as a chain, each member with the next, which keeps it linear.
MAX_BUCKET = 1000

#: Bytes of transient arrays per candidate pair while pairs are made, sorted and counted
#: (i, j, positions, the int64 key and np.unique's sort), measured: the memory budget is
#: divided by it to give the pairs made at a time.
BYTES_PER_PAIR = 64

#: Default memory budget: this share of the machine's memory, within these bounds.
MEMORY_SHARE = 0.125
MEMORY_BOUNDS = (256 * 2**20, 2 * 2**30)

#: Slack for float comparisons of similarity bounds.
_EPS = 1e-9

#: Budget of tokens per budgeted pair in the exact count of :func:`similar_pairs` (a pair's
#: tokens, as int64 keys, sorted, take about as much as a pair being made).
_PAIRS_PER_TOKEN = 2

#: Strength of a pair known to be similar (above any count of shared bands and anchors).
_SIMILAR = np.int64(1) << 52

#: A document is short, and its near-duplicates are found exactly (:func:`short_pairs`),
#: when it has at most this many shingles per MinHash value: then about e^-2 = 14% of its
#: bins or more are empty and LSH sees it only through densification.
SHORT_PER_VALUE = 2

#: Short documents whose shingle sets are read between two calls of ``after_read`` (each read
#: of a mapped file maps up to 64 KB around it: about 64 MB a batch).
_READ_BATCH = 1024

#: Documents named in the warning about capped documents.
_NAMED = 5


def memory_budget(max_memory: int = 0) -> int:
    """Bytes that candidate generation may use: ``max_memory``, or when it is 0 an eighth
    of the machine's memory (256 MiB to 2 GiB).

    Examples
    --------
    >>> memory_budget(2**30)
    1073741824
    >>> 256 * 2**20 <= memory_budget() <= 2 * 2**30
    True
    """
    check_number(max_memory, "max_memory", "memory_budget", kind=int, low=0)
    if max_memory:
        return max_memory
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: the lower bound
        total = 0
    low, high = MEMORY_BOUNDS
    return int(min(high, max(low, total * MEMORY_SHARE)))


class Groups(NamedTuple):
    """Postings grouped by key, documents increasing inside a group (:func:`group_postings`).

    Entry ``q`` (document ``docs[q]``) is paired with the entries ``q + 1 .. stop[q] - 1``
    of its group: all the later members, the next one only (a chain, for an oversized LSH
    bucket) or none (an anchor held by too many documents). Groups are in key order.
    """

    docs: npt.NDArray[np.signedinteger[Any]]  # int32 where it fits (half the memory)
    stop: npt.NDArray[np.signedinteger[Any]]

    def partners(self) -> npt.NDArray[np.int64]:
        """How many pairs each entry makes."""
        return self.stop - np.arange(len(self.stop), dtype=np.int64) - 1

    def weights(self, n: int) -> npt.NDArray[np.float64]:
        """How many pairs each of the documents ``0 .. n - 1`` makes (summed a part of the
        entries at a time)."""
        total = np.zeros(n, dtype=np.float64)
        for c0 in range(0, len(self.stop), GROUP_PART):
            part = Groups(self.docs[c0 : c0 + GROUP_PART], self.stop[c0 : c0 + GROUP_PART] - c0)
            total += np.bincount(part.docs, weights=part.partners(), minlength=n)
            self.release()
        return total

    def release(self) -> None:
        """Let the pages read of arrays mapped from files (spilled groups) go."""
        release_pages(self.docs)
        release_pages(self.stop)


#: Postings grouped at a time by :func:`group_postings` (one range of keys: its sort keys,
#: order and bounds take about 40 bytes a posting), so the grouping of tens of millions of
#: postings (a 2 GB corpus) needs about 100 MB beside its result, not ten times the postings.
GROUP_PART = 1 << 21


def group_postings(
    keys: npt.NDArray[Any],
    docs: npt.NDArray[Any],
    max_group: int,
    *,
    chain: bool,
    paired: bool = False,
    part: int = GROUP_PART,
) -> Groups:
    """:class:`Groups` of postings ``(keys[k], docs[k])`` (one posting per key and document).

    Groups larger than ``max_group`` are chained (``chain=True``) or skipped. With
    ``paired=True`` the groups that make no pair (one document; skipped) are left out: the
    same pairs, in less memory. The postings are grouped ``part`` at a time, a range of
    keys each, in key order: the same groups as all at once.

    Examples
    --------
    >>> g = group_postings(np.array([9, 4, 9, 4, 7]), np.array([0, 1, 1, 2, 2]), 5, chain=False)
    >>> g.docs.tolist(), g.stop.tolist()
    ([1, 2, 2, 0, 1], [2, 2, 3, 5, 5])
    >>> group_postings(np.array([9, 4, 9, 4, 7]), np.array([0, 1, 1, 2, 2]), 5, chain=False,
    ...                paired=True).stop.tolist()
    [2, 2, 4, 4]
    """
    keys, docs = np.asarray(keys), np.asarray(docs)
    if len(keys) == 0:
        return Groups(np.zeros(0, np.int64), np.zeros(0, np.int64))
    n_docs = int(docs.max()) + 1
    out = _GroupsOut(len(keys), n_docs, (max_group, chain, paired))
    for sel in _key_ranges(keys, part):
        if sel is None:
            out.put(*_sorted_postings(keys, docs, n_docs))
        else:
            out.put(*_sorted_postings(keys[sel], docs[sel], n_docs))
    return out.groups()


def _key_ranges(keys: npt.NDArray[Any], part: int) -> Iterator[npt.NDArray[np.int64] | None]:
    """Positions of the postings of consecutive ranges of keys, about ``part`` each, in key
    order (None: all of them, one range). The ranges are cut at quantiles of a sample."""
    count = -(-len(keys) // max(1, part))
    if count <= 1:
        yield None
        return
    sample = np.sort(keys[:: max(1, len(keys) // (count * _SAMPLE_PER_RANGE))])
    cuts = np.unique(sample[(np.arange(1, count) * len(sample)) // count])
    ranges = np.empty(len(keys), dtype=np.uint16 if len(cuts) < 2**16 - 1 else np.int64)
    for c0 in range(0, len(keys), part):  # range numbers a part at a time
        ranges[c0 : c0 + part] = np.searchsorted(cuts, keys[c0 : c0 + part], side="right")
    for r in range(len(cuts) + 1):
        yield np.flatnonzero(ranges == r)


#: Keys sampled per range of :func:`_key_ranges` to place its cuts.
_SAMPLE_PER_RANGE = 64


def _sorted_postings(
    keys: npt.NDArray[Any], docs: npt.NDArray[Any], n_docs: int
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """Documents of postings sorted by key then document, and the first entry of each key
    (and the end)."""
    bits = max(1, (n_docs - 1).bit_length())
    low = int(keys.min())
    if (int(keys.max()) - low + 1) << bits < _KEY_LIMIT:  # one int64 key, sorted in place
        comb = (keys - keys.dtype.type(low)).astype(np.int64)
        comb <<= bits
        comb |= docs
        comb.sort()
        k = comb >> bits
        bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
        del k
        comb &= (1 << bits) - 1  # now the documents
        return comb, bounds
    order = np.lexsort((docs, keys))
    k = keys[order]
    return docs[order], np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])


#: Sort keys ``key << bits | doc`` below this fit an int64.
_KEY_LIMIT = 1 << 62


def _small(limit: int) -> type[np.signedinteger[Any]]:
    """int32 for indexes below ``limit`` where they fit, else int64."""
    return np.int32 if limit < 2**31 - 1 else np.int64


class _GroupsOut:
    """:class:`Groups` filled a range of keys at a time, in key order.

    The arrays are allocated for every posting but written only up to the entries kept:
    pages never written are never resident (the LSH buckets of a corpus with few
    near-duplicates are nearly all of one document, and left out when ``paired``). With a
    ``spill`` path prefix, the entries kept are written to two files instead
    (``PREFIX.docs``, ``PREFIX.stop``) and the groups are memory maps of them
    (:func:`map_file`): the readers let their pages go a part at a time
    (:func:`release_pages`), so memory holds none of them (a 2 GB corpus's anchor groups:
    6.6M entries, 53 MB).
    """

    def __init__(
        self, total: int, n_docs: int, rule: tuple[int, bool, bool], spill: str | None = None
    ) -> None:
        self.dtypes = (_small(n_docs), _small(total + 1))
        self.spill = spill
        if spill is None:
            self.docs = np.empty(total, dtype=self.dtypes[0])
            self.stop = np.empty(total, dtype=self.dtypes[1])
        else:
            for suffix in (".docs", ".stop"):
                open(spill + suffix, "wb").close()
        self.at = 0
        self.max_group, self.chain, self.paired = rule

    def put(self, gdocs: npt.NDArray[Any], bounds: npt.NDArray[np.int64]) -> None:
        """Add groups: documents ``gdocs`` sorted by key, ``bounds`` the first entry of
        each key (and the end)."""
        sizes = np.diff(bounds)
        if self.paired:
            keep = sizes > 1 if self.chain else (sizes > 1) & (sizes <= self.max_group)
            if not keep.all():
                gdocs, sizes = gdocs[np.repeat(keep, sizes)], sizes[keep]
        at, m = self.at, len(gdocs)
        stop = np.repeat(np.cumsum(sizes) + at, sizes)
        big = np.flatnonzero(np.repeat(sizes > self.max_group, sizes))
        if len(big):
            stop[big] = np.minimum(big + at + 2, stop[big]) if self.chain else big + at + 1
        if self.spill is None:
            self.docs[at : at + m] = gdocs
            self.stop[at : at + m] = stop
        else:
            for suffix, values, dtype in zip(
                (".docs", ".stop"), (gdocs, stop), self.dtypes, strict=True
            ):
                with open(self.spill + suffix, "ab") as fh:
                    fh.write(np.ascontiguousarray(values, dtype=dtype).data)
        self.at += m

    def groups(self) -> Groups:
        if self.spill is None:
            return Groups(self.docs[: self.at], self.stop[: self.at])
        if self.at == 0:  # (an empty file cannot be mapped)
            return Groups(np.zeros(0, self.dtypes[0]), np.zeros(0, self.dtypes[1]))
        docs, stop = (
            map_file(self.spill + suffix, dtype)
            for suffix, dtype in zip((".docs", ".stop"), self.dtypes, strict=True)
        )
        return Groups(docs, stop)


def band_groups(
    bands: npt.NDArray[np.uint64], max_bucket: int = MAX_BUCKET, *, paired: bool = False
) -> Groups:
    """:class:`Groups` of LSH buckets: documents sharing a band key in the same band (a
    band at a time, so the extra memory is a few arrays of one band's keys); ``paired``:
    see :func:`group_postings`.

    Examples
    --------
    >>> bands = np.array([[5, 1], [3, 1], [5, 2]], dtype=np.uint64)
    >>> g = band_groups(bands)
    >>> g.docs.tolist(), g.stop.tolist()
    ([1, 0, 2, 0, 1, 2], [1, 3, 3, 5, 5, 6])
    >>> band_groups(bands, paired=True).docs.tolist()
    [0, 2, 0, 1]
    """
    n, nb = bands.shape
    if n == 0:
        return Groups(np.zeros(0, np.int64), np.zeros(0, np.int64))
    out = _GroupsOut(n * nb, n, (max_bucket, True, paired))
    for band in range(nb):
        out.put(*_sorted_band(np.ascontiguousarray(bands[:, band])))
    return out.groups()


def _sorted_band(keys: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """Documents ``0 .. len(keys) - 1`` sorted by key then document, and the first entry of
    each key (and the end): one sort of the keys' high bits with the document in the low
    bits; the rare runs where different keys share the high bits are sorted again exactly."""
    n = len(keys)
    bits = max(1, (n - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    packed = keys & ~low
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort()
    docs = (packed & low).astype(np.int64)
    packed >>= np.uint64(bits)
    same = packed[1:] == packed[:-1]  # same high bits
    del packed
    full = keys[docs]
    differ = full[1:] != full[:-1]
    clash = same & differ
    if clash.any():  # runs of one prefix holding two keys: sorted by (key, doc)
        run = np.cumsum(np.r_[True, ~same])
        bad = np.isin(run, run[1:][clash])
        at = np.flatnonzero(bad)
        order = np.lexsort((docs[at], full[at], run[at]))
        docs[at], full[at] = docs[at][order], full[at][order]
        differ = full[1:] != full[:-1]
    return docs, np.flatnonzero(np.r_[True, differ, True])


def _block_pairs(groups: Groups, lo: int, hi: int, n: int) -> npt.NDArray[np.int64]:
    """Keys ``(i - lo) * n + j`` of the pairs made by the entries of documents ``lo..hi-1``
    (made :data:`GROUP_PART` at a time into the one array returned)."""
    sel, lens = _block_entries(groups, lo, hi)
    ends = np.cumsum(lens)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    c0 = 0
    while c0 < len(sel):
        base = int(ends[c0 - 1]) if c0 else 0
        c1 = max(c0 + 1, int(np.searchsorted(ends, base + GROUP_PART, side="right")))
        s, k = sel[c0:c1], lens[c0:c1]
        part = out[base : int(ends[c1 - 1])]
        np.multiply(np.repeat(groups.docs[s].astype(np.int64) - lo, k), n, out=part)
        part += groups.docs[expand_ranges(s + 1, k)]
        c0 = c1
    return out


def _block_entries(
    groups: Groups, lo: int, hi: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The entries of documents ``lo..hi-1`` that make pairs, and how many each (the
    entries looked at a part at a time)."""
    sels, lens = [], []
    for c0 in range(0, len(groups.docs), GROUP_PART):
        docs = groups.docs[c0 : c0 + GROUP_PART]
        at = np.arange(c0, c0 + len(docs), dtype=np.int64)
        count = groups.stop[c0 : c0 + GROUP_PART] - at - 1
        keep = np.flatnonzero((docs >= lo) & (docs < hi) & (count > 0))
        sels.append(at[keep])
        lens.append(count[keep].astype(np.int64))
        groups.release()
    if not sels:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(sels), np.concatenate(lens)


def _counted(
    codes: npt.NDArray[np.int64], least: int = 1, also: npt.NDArray[np.int64] | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``np.unique(codes, return_counts=True)`` (``codes`` sorted in place), keeping the
    values counted at least ``least`` times or found in the sorted ``also``; counted a
    part at a time, so beside ``codes`` memory holds a part and what is kept."""
    codes.sort()
    values, counts = [], []
    c0, total = 0, len(codes)
    while c0 < total:
        c1 = min(total, c0 + GROUP_PART)
        if c1 < total:  # cut before the run of the value at c1 (after it, if it is all)
            cut = c0 + int(np.searchsorted(codes[c0:c1], codes[c1], side="left"))
            c1 = cut if cut > c0 else int(np.searchsorted(codes, codes[c1], side="right"))
        part = codes[c0:c1]
        starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
        count = np.diff(np.r_[starts, len(part)])
        value = part[starts]
        del starts
        if least > 1:
            keep = count >= least
            if also is not None and len(also):
                at = np.searchsorted(also, value).clip(max=len(also) - 1)
                keep |= also[at] == value
            value, count = value[keep], count[keep]
        values.append(value)
        counts.append(count)
        c0 = c1
    if not values:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(values), np.concatenate(counts)


def _doc_blocks(weights: npt.NDArray[Any], budget: int) -> list[tuple[int, int]]:
    """Consecutive document ranges making at most ``budget`` pairs each (a document that
    makes more alone is a range of its own)."""
    n = len(weights)
    cum = np.cumsum(weights)
    blocks = []
    lo = 0
    while lo < n:
        base = cum[lo - 1] if lo else 0.0
        hi = int(np.searchsorted(cum, base + budget, side="right"))
        hi = max(hi, lo + 1)
        blocks.append((lo, min(hi, n)))
        lo = hi
    return blocks


class Candidates(NamedTuple):
    """Candidate pairs (:func:`candidate_pairs`) and the documents whose pairs were capped.

    Attributes
    ----------
    pairs : numpy.ndarray of int64, shape (n_pairs, 2)
        Unique rows ``(i, j)``, ``i < j``, sorted.
    capped : pandas.DataFrame
        ``doc`` (int64) and ``dropped`` (int64, candidate pairs not kept), one row per
        document that had more than ``max_pairs_per_doc``.
    blocks : int
        Blocks of documents the pairs were made in (1 when the budget held them all).
    """

    pairs: npt.NDArray[np.int64]
    capped: pd.DataFrame
    blocks: int


def candidate_pairs(
    bands: npt.NDArray[np.uint64],
    anchor_keys: npt.NDArray[np.uint32],
    anchor_docs: npt.NDArray[Any],
    anchor_sizes: npt.NDArray[np.int64],
    *,
    min_hits: int = 3,
    min_share: float = 0.1,
    min_passage: int = 8,
    max_df: int = 50,
    max_bucket: int = MAX_BUCKET,
    max_pairs_per_doc: int = 0,
    max_memory: int = 0,
    similar: npt.NDArray[np.int64] | None = None,
) -> Candidates:
    """Pairs sharing an LSH band key or enough anchors, made a block of documents at a time.

    The same pairs as :func:`lsh_candidate_pairs` plus :func:`anchor_postings_pairs`, but
    never more than the memory budget of pairs at once: documents are cut into consecutive
    blocks, each block's pairs ``(i, j)`` with ``i`` in the block are made, counted
    (shared bands, shared anchors), filtered by :func:`anchor_pairs_ok` and capped, and
    only the survivors are kept. Memory: the postings (16 bytes per band key and anchor)
    plus ``max_memory``; time: every pair made once, plus one pass over the postings per
    block.

    Parameters
    ----------
    bands : numpy.ndarray of uint64, shape (n_docs, n_bands)
        LSH band keys, one row per document.
    anchor_keys, anchor_docs : numpy.ndarray
        Postings: ``anchor_keys[k]`` is an anchor of document ``anchor_docs[k]``.
    anchor_sizes : numpy.ndarray of int64
        Anchors per document.
    min_hits, min_share, min_passage, max_df
        The anchor rule (:func:`anchor_candidate_pairs`).
    max_bucket : int, default 1000
        LSH buckets above it are chained (see :func:`lsh_candidate_pairs`).
    max_pairs_per_doc : int, default 0
        Each document keeps at most this many pairs with later documents, the strongest
        (most shared bands, then anchors, then the earlier partner); 0: no cap.
    max_memory : int, default 0
        Bytes for the pairs being made (:func:`memory_budget`; 0: a share of RAM).
    similar : numpy.ndarray of int64, shape (k, 2), optional
        Pairs known to be similar (:func:`short_pairs`: rows ``i < j``, sorted), added
        as the strongest candidates.

    Returns
    -------
    Candidates

    Examples
    --------
    >>> bands = np.array([[1, 2], [1, 3], [4, 5]], dtype=np.uint64)
    >>> keys = np.array([7, 8, 9, 7, 8, 9], dtype=np.uint32)
    >>> docs = np.array([0, 0, 0, 2, 2, 2])
    >>> candidate_pairs(bands, keys, docs, np.array([3, 0, 3])).pairs.tolist()
    [[0, 1], [0, 2]]
    """
    blocks = CandidateBlocks(
        bands,
        anchor_keys,
        anchor_docs,
        anchor_sizes,
        min_hits=min_hits,
        min_share=min_share,
        min_passage=min_passage,
        max_df=max_df,
        max_bucket=max_bucket,
        max_pairs_per_doc=max_pairs_per_doc,
        max_memory=max_memory,
        similar=similar,
    )
    return blocks.collect()


class CandidateBlocks:
    """The pairs of :func:`candidate_pairs` a block of documents at a time: iterate it for
    arrays of rows ``(i, j)`` (each block's sorted; blocks in order of ``i``), so the pairs
    of one block can be verified before the next is made and memory never holds them all.

    After a complete pass, :attr:`capped` and :attr:`blocks` are those of
    :class:`Candidates`. The arguments are those of :func:`candidate_pairs`.

    Examples
    --------
    >>> bands = np.array([[1, 2], [1, 3], [4, 5]], dtype=np.uint64)
    >>> keys = np.array([7, 8, 9, 7, 8, 9], dtype=np.uint32)
    >>> docs = np.array([0, 0, 0, 2, 2, 2])
    >>> [b.tolist() for b in CandidateBlocks(bands, keys, docs, np.array([3, 0, 3]))]
    [[[0, 1], [0, 2]]]
    """

    def __init__(
        self,
        bands: npt.NDArray[np.uint64],
        anchor_keys: npt.NDArray[np.uint32],
        anchor_docs: npt.NDArray[Any],
        anchor_sizes: npt.NDArray[np.int64],
        *,
        min_hits: int = 3,
        min_share: float = 0.1,
        min_passage: int = 8,
        max_df: int = 50,
        max_bucket: int = MAX_BUCKET,
        max_pairs_per_doc: int = 0,
        max_memory: int = 0,
        similar: npt.NDArray[np.int64] | None = None,
    ) -> None:
        func = "candidate_pairs"
        check_type(bands, "bands", func, np.ndarray, "a 2-d numpy array")
        if bands.ndim != 2:
            raise param_error("bands", func, "a 2-d array (docs x bands)", bands.shape)
        check_number(max_pairs_per_doc, "max_pairs_per_doc", func, kind=int, low=0)
        self._setup(
            band_groups(bands, max_bucket, paired=True),
            group_postings(np.asarray(anchor_keys), anchor_docs, max_df, chain=False, paired=True),
            anchor_sizes,
            rule={"min_hits": min_hits, "min_share": min_share, "min_passage": min_passage},
            limits=(max_pairs_per_doc, max_memory, 0),
            similar=similar,
        )

    def _setup(
        self,
        lsh: Groups,
        anchors: Groups,
        anchor_sizes: npt.NDArray[np.signedinteger[Any]],
        *,
        rule: dict[str, Any],
        limits: tuple[int, int, int],
        similar: npt.NDArray[np.int64] | None,
    ) -> None:
        self.lsh, self.anchors = lsh, anchors
        self.rule = rule
        sizes = np.asarray(anchor_sizes)  # (int32 from the spilled path: as it is)
        self.sizes = sizes if sizes.dtype.kind in "iu" else sizes.astype(np.int64)
        self.n = len(self.sizes)
        self.cap, max_memory, block_pairs = limits
        self.budget = max(1, memory_budget(max_memory) // BYTES_PER_PAIR)
        self.release = bool(block_pairs)  # the spilled path: the heap given back per block
        if block_pairs:
            self.budget = min(self.budget, block_pairs)
        self.similar = np.zeros((0, 2), dtype=np.int64) if similar is None else similar
        self._capped: list[npt.NDArray[np.int64]] = []
        self.blocks = 0

    @classmethod
    def of_groups(
        cls,
        lsh: Groups,
        anchors: Groups,
        anchor_sizes: npt.NDArray[np.signedinteger[Any]],
        *,
        config: DedupConfig,
        similar: npt.NDArray[np.int64] | None = None,
        block_pairs: int = 0,
    ) -> CandidateBlocks:
        """The blocks of LSH buckets ``lsh`` (:func:`band_groups`) and anchor groups
        ``anchors`` (:func:`group_postings`) already made, with ``config``'s anchor rule,
        cap and budget (what :func:`configured_candidate_blocks` gives from the arrays);
        ``block_pairs``, when not 0: pairs made in one block at most, whatever the budget.

        Examples
        --------
        >>> bands = np.array([[1, 2], [1, 3], [4, 5]], dtype=np.uint64)
        >>> none = group_postings(np.zeros(0, np.uint32), np.zeros(0, np.int64), 50, chain=False)
        >>> blocks = CandidateBlocks.of_groups(
        ...     band_groups(bands, paired=True), none, np.zeros(3, np.int64), config=DedupConfig()
        ... )
        >>> [b.tolist() for b in blocks]
        [[[0, 1]]]
        """
        cfg = config
        self = cls.__new__(cls)
        self._setup(
            lsh,
            anchors,
            anchor_sizes,
            rule={
                "min_hits": cfg.min_anchor_hits,
                "min_share": cfg.min_anchor_share,
                "min_passage": cfg.min_anchor_passage,
            },
            limits=(cfg.max_pairs_per_doc, cfg.max_memory, block_pairs),
            similar=similar,
        )
        return self

    @property
    def capped_count(self) -> int:
        """How many documents had their pairs capped (so far): :attr:`capped` has as many
        rows, but this makes no table."""
        return sum(len(part) for part in self._capped)

    @property
    def capped(self) -> pd.DataFrame:
        """``doc`` and ``dropped`` of the documents whose pairs were capped (so far)."""
        import pandas as pd

        parts = self._capped
        table = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
        return pd.DataFrame({"doc": table[:, 0], "dropped": table[:, 1]}, dtype="int64")

    def collect(self) -> Candidates:
        """All the blocks' pairs at once (what :func:`candidate_pairs` returns)."""
        kept = list(self)
        pairs = np.concatenate(kept) if kept else np.zeros((0, 2), dtype=np.int64)
        return Candidates(pairs, self.capped, self.blocks)

    def __iter__(self) -> Iterator[npt.NDArray[np.int64]]:
        n, similar = self.n, self.similar
        self._capped, self.blocks = [], 0
        weights = self.lsh.weights(n) + self.anchors.weights(n)
        blocks = _doc_blocks(weights, self.budget) if n else []
        del weights
        for lo, hi in blocks:
            if self.release:  # what verifying the last block freed
                release_heap()
            codes, strength = _block_candidates(
                self.lsh, self.anchors, (lo, hi), sizes=self.sizes, rule=self.rule
            )
            self.lsh.release()
            self.anchors.release()
            a, b = np.searchsorted(similar[:, 0], [lo, hi])
            if b > a:
                codes, strength = _with_similar(codes, strength, similar[a:b], lo, n)
            if self.cap and len(codes):
                codes, dropped = _cap(codes, strength, n, self.cap)
                if len(dropped):
                    self._capped.append(dropped + np.array([lo, 0]))
            self.blocks += 1
            yield np.stack([codes // n + lo, codes % n], axis=1).astype(np.int64)


def _block_candidates(
    lsh: Groups,
    anchors: Groups,
    block: tuple[int, int],
    *,
    sizes: npt.NDArray[np.int64],
    rule: dict[str, Any],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Sorted keys of the block's candidate pairs and their strength (bands * 2^32 + hits)."""
    lo, hi = block
    n = len(sizes)
    lcode, lcount = _counted(_block_pairs(lsh, lo, hi, n))
    # a pair with fewer shared anchors than min_hits is no anchor candidate: kept only for
    # the strength of an LSH candidate
    acode, acount = _counted(_block_pairs(anchors, lo, hi, n), rule["min_hits"], lcode)
    i, j = acode // n + lo, acode % n
    ok = anchor_pairs_ok(acount, np.minimum(sizes[i], sizes[j]), **rule)
    codes = np.union1d(lcode, acode[ok])
    strength = np.zeros(len(codes), dtype=np.int64)
    strength[np.searchsorted(codes, lcode)] += lcount.astype(np.int64) << 32
    inside = np.searchsorted(codes, acode).clip(max=max(len(codes) - 1, 0))
    found = (codes[inside] == acode) if len(codes) else np.zeros(len(acode), bool)
    strength[inside[found]] += acount[found].astype(np.int64)
    return codes, strength


def _with_similar(
    codes: npt.NDArray[np.int64],
    strength: npt.NDArray[np.int64],
    similar: npt.NDArray[np.int64],
    lo: int,
    n: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """A block's candidates plus the similar pairs of its documents, those the strongest."""
    extra = (similar[:, 0] - lo) * n + similar[:, 1]
    merged = np.union1d(codes, extra)
    power = np.zeros(len(merged), dtype=np.int64)
    power[np.searchsorted(merged, codes)] = strength
    power[np.searchsorted(merged, extra)] += _SIMILAR
    return merged, power


def _cap(
    codes: npt.NDArray[np.int64], strength: npt.NDArray[np.int64], n: int, cap: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The ``cap`` strongest pairs of each first document; ``(doc, dropped)`` rows of those
    that had more (``doc`` relative to the block)."""
    first = codes // n
    counts = np.bincount(first)
    over = np.flatnonzero(counts > cap)
    if len(over) == 0:
        return codes, np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((codes, -strength, first))  # by document, strongest first
    starts = np.cumsum(counts) - counts
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - np.repeat(starts, counts)
    kept = codes[rank < cap]
    return kept, np.stack([over, counts[over] - cap], axis=1).astype(np.int64)


def warn_capped(capped: pd.DataFrame, ids: Sequence[str], cap: int) -> None:
    """Warn which documents had their candidate pairs capped (``capped``: from
    :func:`candidate_pairs`, ``ids``: the doc_id of every document)."""
    if len(capped) == 0:
        return
    worst = capped.sort_values(["dropped", "doc"], ascending=[False, True]).head(_NAMED)
    named = ", ".join(f"{ids[d]} ({k:,} dropped)" for d, k in worst.itertuples(index=False))
    more = f" and {len(capped) - _NAMED:,} more" if len(capped) > _NAMED else ""
    warnings.warn(
        f"{len(capped):,} documents had more than max_pairs_per_doc={cap:,} candidate pairs "
        f"with later documents; each kept its {cap:,} strongest and "
        f"{int(capped['dropped'].sum()):,} pairs were dropped: {named}{more}. "
        "Raise max_pairs_per_doc (--max-pairs-per-doc; 0: no cap) to compare them all.",
        UserWarning,
        stacklevel=3,
    )


def similar_pairs(
    sets: Sequence[npt.NDArray[np.uint32]], threshold: float, *, max_memory: int = 0
) -> npt.NDArray[np.int64]:
    """Every pair of sets with Jaccard similarity at least ``threshold``, exactly.

    A prefix-filter join (Chaudhuri et al. 2006; Bayardo et al. 2007): with the tokens of
    every set in one global order, rarest first, two sets at Jaccard ``t`` or more share a
    token among the first ``m - ceil(t * m) + 1`` of either (``m``: its size). Pairs
    sharing such a token are made a block at a time (:func:`candidate_pairs`' budget),
    those whose sizes cannot reach ``t`` dropped, and the rest counted exactly. Run on
    short documents, whose MinHash bins are mostly empty and whose LSH candidates are
    only as good as the banding (a pair at 0.5 is missed one time in eight).

    Parameters
    ----------
    sets : sequence of numpy.ndarray of uint32
        Sorted unique token ids per set (:attr:`DocFeatures.shingles`).
    threshold : float
        In (0, 1].
    max_memory : int, default 0
        Bytes for the pairs being made (:func:`memory_budget`).

    Returns
    -------
    numpy.ndarray of int64, shape (n_pairs, 2)
        Rows ``(i, j)``, ``i < j``, sorted.

    Examples
    --------
    >>> a = np.arange(10, dtype=np.uint32)
    >>> similar_pairs([a, a[:6], a[5:], a[:9]], 0.6).tolist()
    [[0, 1], [0, 3], [1, 3]]
    """
    func = "similar_pairs"
    check_number(threshold, "threshold", func, low=0, high=1)
    if threshold <= 0:
        raise param_error("threshold", func, "a number in (0, 1]", threshold)
    sizes = np.array([len(x) for x in sets], dtype=np.int64)
    n = len(sets)
    if n < 2 or sizes.sum() == 0:
        return np.zeros((0, 2), dtype=np.int64)
    tokens = np.concatenate([np.asarray(x, dtype=np.uint32) for x in sets])
    starts = np.cumsum(sizes) - sizes
    ranks = _rarest_first(tokens, sizes)
    pos = np.arange(len(ranks), dtype=np.int64) - np.repeat(starts, sizes)
    prefix = sizes - np.ceil(threshold * sizes - _EPS).astype(np.int64) + 1
    first = pos < np.repeat(prefix, sizes)
    del pos
    doc = np.repeat(np.arange(n, dtype=np.int64), sizes)
    groups = group_postings(ranks[first], doc[first], n, chain=False, paired=True)
    del ranks, doc, first
    weights = groups.weights(n)
    budget = max(1, memory_budget(max_memory) // BYTES_PER_PAIR)
    kept = []
    for lo, hi in _doc_blocks(weights, budget):
        codes = _counted(_block_pairs(groups, lo, hi, n))[0]
        i, j = codes // n + lo, codes % n
        small, large = np.minimum(sizes[i], sizes[j]), np.maximum(sizes[i], sizes[j])
        ok = small >= threshold * large - _EPS
        i, j = i[ok], j[ok]
        # the exact count, a chunk of pairs at a time (their tokens within the budget)
        for c0, c1 in _doc_blocks(sizes[i] + sizes[j], budget * _PAIRS_PER_TOKEN):
            ci, cj = i[c0:c1], j[c0:c1]
            inter = _overlaps(tokens, starts, sizes, ci, cj)
            good = inter >= threshold * (sizes[ci] + sizes[cj] - inter) - _EPS
            kept.append(np.stack([ci[good], cj[good]], axis=1))
    return np.concatenate(kept) if kept else np.zeros((0, 2), dtype=np.int64)


def _rarest_first(tokens: npt.NDArray[np.uint32], sizes: npt.NDArray[np.int64]) -> Any:
    """Each set's tokens as global ranks (rarest first, then by id), ascending per set."""
    total = len(tokens)
    low = np.uint64(0xFFFFFFFF)
    comb = (tokens.astype(np.uint64) << np.uint64(32)) | np.arange(total, dtype=np.uint64)
    comb.sort()
    where = (comb & low).astype(np.int64)
    ids = comb >> np.uint64(32)
    del comb
    bounds = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
    del ids
    df = np.diff(bounds)
    rank = np.empty(len(df), dtype=np.uint64)
    rank[np.argsort(df, kind="stable")] = np.arange(len(df), dtype=np.uint64)
    ranks = np.empty(total, dtype=np.uint64)
    ranks[where] = np.repeat(rank, df)
    del where
    doc = np.repeat(np.arange(len(sizes), dtype=np.uint64), sizes)
    ranks |= doc << np.uint64(32)
    ranks.sort()
    return (ranks & low).astype(np.int64)


def expand_ranges(
    starts: npt.NDArray[np.int64], lens: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """``starts[k] .. starts[k] + lens[k] - 1`` for every k, concatenated.

    Examples
    --------
    >>> expand_ranges(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    total = int(lens.sum())
    offsets = np.cumsum(lens) - lens
    return np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lens)


def _overlaps(
    tokens: npt.NDArray[np.uint32],
    starts: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    i: npt.NDArray[np.int64],
    j: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """Tokens shared by sets ``i[k]`` and ``j[k]`` (set d: ``tokens[starts[d]:][:sizes[d]]``,
    sorted): each pair's keys ``pair * 2^32 + token`` are sorted already, so one side is
    looked up in the other without a sort."""
    if len(i) == 0:
        return np.zeros(0, dtype=np.int64)
    pair = np.arange(len(i), dtype=np.int64) << 32
    left = np.repeat(pair, sizes[i]) | tokens[expand_ranges(starts[i], sizes[i])].astype(np.int64)
    right = np.repeat(pair, sizes[j]) | tokens[expand_ranges(starts[j], sizes[j])].astype(np.int64)
    at = np.searchsorted(left, right).clip(max=len(left) - 1)
    shared = right[left[at] == right] >> 32
    return np.bincount(shared, minlength=len(i)).astype(np.int64)


def short_limit(num_perm: int, k: int) -> int:
    """Longest folded text (in characters) whose near-duplicates are found exactly: at most
    ``SHORT_PER_VALUE * num_perm`` shingles of ``k`` characters."""
    return SHORT_PER_VALUE * num_perm + k - 1


def short_pairs(
    docs: npt.NDArray[np.int64],
    sets: Sequence[npt.NDArray[np.uint32]],
    threshold: float,
    *,
    max_memory: int = 0,
) -> npt.NDArray[np.int64]:
    """Pairs of short documents ``docs`` (with shingle ``sets``) at Jaccard >= ``threshold``,
    as rows ``(i, j)`` of document numbers, ``i < j``, sorted (:func:`similar_pairs`).

    Examples
    --------
    >>> a = np.arange(10, dtype=np.uint32)
    >>> short_pairs(np.array([7, 3, 5]), [a, a[:8], a[6:]], 0.5).tolist()
    [[3, 7]]
    """
    if len(docs) < 2 or threshold <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    local = similar_pairs(sets, threshold, max_memory=max_memory)
    found = np.sort(np.asarray(docs, dtype=np.int64)[local], axis=1)
    return found[np.lexsort((found[:, 1], found[:, 0]))] if len(found) else found


def configured_candidates(
    bands: npt.NDArray[np.uint64],
    anchor_keys: npt.NDArray[np.uint32],
    anchor_docs: npt.NDArray[Any],
    anchor_sizes: npt.NDArray[np.int64],
    *,
    lengths: npt.NDArray[np.int64],
    shingles_of: Callable[[int], npt.NDArray[np.uint32]],
    config: DedupConfig,
) -> Candidates:
    """The candidate pairs every search path makes, with ``config``'s settings: LSH band keys
    and shared anchors (:func:`candidate_pairs`) and, among the documents whose folded
    ``lengths`` are at most :func:`short_limit`, the exact near-duplicates
    (:func:`short_pairs`; ``shingles_of(k)`` gives document ``k``'s shingle set, asked for
    the short documents only)."""
    blocks = configured_candidate_blocks(
        bands,
        anchor_keys,
        anchor_docs,
        anchor_sizes,
        lengths=lengths,
        shingles_of=shingles_of,
        config=config,
    )
    return blocks.collect()


def configured_candidate_blocks(
    bands: npt.NDArray[np.uint64],
    anchor_keys: npt.NDArray[np.uint32],
    anchor_docs: npt.NDArray[Any],
    anchor_sizes: npt.NDArray[np.int64],
    *,
    lengths: npt.NDArray[np.int64],
    shingles_of: Callable[[int], npt.NDArray[np.uint32]],
    config: DedupConfig,
    after_read: Callable[[], Any] | None = None,
) -> CandidateBlocks:
    """:func:`configured_candidates` a block of documents at a time (:class:`CandidateBlocks`).

    ``after_read()``, when given, is called after every :data:`_READ_BATCH` short
    documents' shingle sets are read (copied): the stream releases there the pages of its
    mapped file those reads touched.
    """
    cfg = config
    return CandidateBlocks(
        bands,
        anchor_keys,
        anchor_docs,
        anchor_sizes,
        min_hits=cfg.min_anchor_hits,
        min_share=cfg.min_anchor_share,
        min_passage=cfg.min_anchor_passage,
        max_df=effective_max_df(cfg, len(lengths)),
        max_pairs_per_doc=cfg.max_pairs_per_doc,
        max_memory=cfg.max_memory,
        similar=short_similar(lengths, shingles_of, cfg, after_read),
    )


def short_similar(
    lengths: npt.NDArray[np.int64],
    shingles_of: Callable[[int], npt.NDArray[np.uint32]],
    config: DedupConfig,
    after_read: Callable[[], Any] | None = None,
) -> npt.NDArray[np.int64]:
    """:func:`short_pairs` of the documents whose folded ``lengths`` are at most
    :func:`short_limit` (``shingles_of(k)``: document ``k``'s shingle set, asked for those
    only; ``after_read``: see :func:`configured_candidate_blocks`). Their sets are
    dropped before this returns."""
    cfg = config
    short = np.flatnonzero(np.asarray(lengths) <= short_limit(cfg.num_perm, cfg.k))
    sets: list[npt.NDArray[np.uint32]] = []
    for lo in range(0, len(short), _READ_BATCH):
        sets.extend(np.array(shingles_of(k)) for k in short[lo : lo + _READ_BATCH].tolist())
        if after_read is not None:
            after_read()
    return short_pairs(short, sets, cfg.threshold, max_memory=cfg.max_memory)


def corpus_candidates(features: Sequence[DocFeatures], config: DedupConfig) -> Candidates:
    """The candidate pairs of documents with these ``features`` (in their order), as every
    search path makes them (:func:`configured_candidates`).

    Examples
    --------
    >>> from corpus_tools.dedup.sketch import document_features
    >>> texts = ["坚持党建引领，推动基层治理。" * 3, "坚持党建引领，推动基层治理！" * 3, "全面从严治党"]
    >>> corpus_candidates([document_features(t) for t in texts], DedupConfig()).pairs.tolist()
    [[0, 1]]
    """
    n = len(features)
    bands = np.stack([f.bands for f in features]) if n else np.zeros((0, config.bands), np.uint64)
    sizes = np.array([len(f.anchors) for f in features], dtype=np.int64)
    keys = np.concatenate([f.anchors for f in features]) if n else np.zeros(0, np.uint32)
    return configured_candidates(
        bands,
        keys,
        np.repeat(np.arange(n, dtype=np.int64), sizes),
        sizes,
        lengths=np.array([f.length for f in features], dtype=np.int64),
        shingles_of=lambda k: features[k].shingles,
        config=config,
    )


def lsh_candidate_pairs(
    bands: npt.NDArray[np.uint64], *, max_bucket: int = MAX_BUCKET, max_memory: int = 0
) -> npt.NDArray[np.int64]:
    """Document pairs that share at least one LSH band key.

    Parameters
    ----------
    bands : numpy.ndarray of uint64, shape (n_docs, n_bands)
        Band keys, one row per document (:attr:`DocFeatures.bands`).
    max_bucket : int, default 1000
        Buckets with more documents are linked as a chain (each member with the next)
        instead of all pairs, which keeps the output linear for mass duplicates.
    max_memory : int, default 0
        Bytes for the pairs being made (:func:`memory_budget`; 0: a share of RAM).

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
    n = len(bands)
    groups = band_groups(bands, max_bucket, paired=True)
    weights = groups.weights(n)
    budget = max(1, memory_budget(max_memory) // BYTES_PER_PAIR)
    parts = []
    for lo, hi in _doc_blocks(weights, budget) if n else []:
        codes = _counted(_block_pairs(groups, lo, hi, n))[0]
        parts.append(np.stack([codes // n + lo, codes % n], axis=1))
    return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)


def _sorted_unique(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    s = np.sort(values)
    if len(s) < 2:
        return s
    return s[np.r_[True, s[1:] != s[:-1]]]


def unique_pairs(parts: Sequence[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    """Unique rows ``(i, j)``, ``i != j``, sorted, of the pair arrays ``parts``."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    allp = np.concatenate(parts)
    allp = allp[allp[:, 0] != allp[:, 1]]
    if len(allp) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    width = int(allp.max()) + 1
    codes = _sorted_unique(allp[:, 0] * width + allp[:, 1])
    return np.stack([codes // width, codes % width], axis=1)


def anchor_candidate_pairs(
    anchors: Sequence[npt.NDArray[np.uint32]],
    *,
    min_hits: int = 3,
    min_share: float = 0.1,
    min_passage: int = 8,
    max_df: int = 50,
    max_memory: int = 0,
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
    max_memory : int, default 0
        Bytes for the pairs being made (:func:`memory_budget`; 0: a share of RAM).

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
        max_memory=max_memory,
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
    max_memory: int = 0,
) -> pd.DataFrame:
    """:func:`anchor_candidate_pairs` from postings: ``keys[k]`` is an anchor of document
    ``ids[k]``; ``sizes`` holds every document's number of anchors (an index's arrays)."""
    import pandas as pd

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
    groups = group_postings(np.asarray(keys), ids, max_df, chain=False, paired=True)
    weights = groups.weights(n)
    budget = max(1, memory_budget(max_memory) // BYTES_PER_PAIR)
    rule: dict[str, Any] = {
        "min_hits": min_hits,
        "min_share": min_share,
        "min_passage": min_passage,
    }
    parts = []
    for lo, hi in _doc_blocks(weights, budget):
        code, hits = _counted(_block_pairs(groups, lo, hi, n), min_hits)
        i, j = code // n + lo, code % n
        ok = anchor_pairs_ok(hits, np.minimum(sizes[i], sizes[j]), **rule)
        parts.append(pd.DataFrame({"i": i[ok], "j": j[ok], "hits": hits[ok].astype(np.int64)}))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else empty


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


#: Anchors are spilled in buckets by the top bits of their value (anchor ids are hash bits,
#: so the buckets are about equal): the postings of consecutive buckets are grouped at a
#: time, one read per chunk of the stream.
_BUCKET_BITS = 12
#: Bytes of one spilled value (a band key, or an anchor's ``key << 32 | row``).
_WORD = 8

#: Candidate pairs made in one block at most on the spilled path, whatever the budget: a
#: block's pairs are made (about 10 bytes each), then its candidates verified together
#: (aligning them takes about 100 bytes per character of the documents aligned), so the
#: memory of both stays near 20 MB + 50 MB instead of growing with the pairs of the corpus
#: up to the budget (words 2 GB: one block of 31M pairs, 300 MB, then 370 MB of seeds).
SPILLED_BLOCK_PAIRS = 1 << 21


class SpilledPostings:
    """The band keys and anchors of a stream's documents, written to files in ``folder`` a
    chunk at a time (:meth:`add`) and grouped from there (:meth:`candidate_blocks`): memory
    holds a few counts per document and per chunk, and one band or one part of the anchors
    (:data:`GROUP_PART` postings) while it is grouped, not every document's 32 band keys
    and anchors (0.7 KB a document: 700 MB at a million).

    ``bands.u64`` holds each chunk's band keys band after band; ``anchors.u64`` each
    chunk's anchors as ``key << 32 | row`` (``row``: the document's number in the order
    added) sorted by bucket, the first :data:`_BUCKET_BITS` bits of the key. Both are read
    with ``pread`` (never mapped: nothing read stays resident).

    Examples
    --------
    >>> import tempfile
    >>> from corpus_tools.dedup.sketch import features_of_many, fold_text
    >>> cfg = DedupConfig()
    >>> texts = ["坚持党建引领，推动基层治理。" * 3, "全面从严治党", "坚持党建引领，推动基层治理！" * 3]
    >>> feats = features_of_many([fold_text(t, cfg).codes for t in texts], cfg)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     spill = SpilledPostings(folder, cfg.bands)
    ...     for f in feats:  # one chunk per document
    ...         spill.add(f.bands[None], f.anchors, np.array([0, len(f.anchors)]))
    ...     blocks = spill.candidate_blocks(
    ...         np.array([2, 0, 1]),  # document 0 is the one added third
    ...         lengths=np.array([f.length for f in feats])[[2, 0, 1]],
    ...         shingles_of=lambda k: feats[[2, 0, 1][k]].shingles,
    ...         config=cfg,
    ...     )
    ...     [b.tolist() for b in blocks]
    [[[0, 1]]]
    """

    def __init__(self, folder: str | os.PathLike[str], bands: int) -> None:
        self.bands_path = os.path.join(folder, "bands.u64")
        self.anchors_path = os.path.join(folder, "anchors.u64")
        self.folder = os.fspath(folder)
        self.nb = bands
        self.rows = 0
        self.chunk_rows: list[int] = []  # documents per chunk
        self.chunk_at: list[int] = []  # where each chunk's anchors start (postings)
        self.chunk_cum: list[npt.NDArray[np.int32]] = []  # its bucket bounds (postings)
        self.sizes: list[npt.NDArray[np.int32]] = []  # anchors per document
        self.postings = 0

    def add(
        self,
        bands: npt.NDArray[np.uint64],
        anchors: npt.NDArray[np.uint32],
        anchor_ptr: npt.NDArray[np.int64],
    ) -> None:
        """Append one chunk: its documents' ``bands`` (one row each) and ``anchors``
        (document ``i``'s: ``anchors[anchor_ptr[i]:anchor_ptr[i + 1]]``)."""
        m = len(bands)
        if self.rows + m >= 2**32:
            raise ValueError("SpilledPostings holds fewer than 2**32 documents")
        sizes = np.diff(anchor_ptr).astype(np.int32)
        rows = np.repeat(np.arange(self.rows, self.rows + m, dtype=np.uint64), sizes)
        keys = np.asarray(anchors, dtype=np.uint32)
        bucket = (keys >> np.uint32(32 - _BUCKET_BITS)).astype(np.uint16)
        order = np.argsort(bucket, kind="stable")  # a radix sort of 16-bit values
        records = (keys.astype(np.uint64) << np.uint64(32)) | rows
        records = records[order]
        del rows, order
        cum = np.zeros((1 << _BUCKET_BITS) + 1, dtype=np.int32)
        np.cumsum(np.bincount(bucket, minlength=1 << _BUCKET_BITS), out=cum[1:])
        with open(self.bands_path, "ab") as fh:
            fh.write(np.ascontiguousarray(np.asarray(bands, dtype=np.uint64).T).data)
        with open(self.anchors_path, "ab") as fh:
            fh.write(records.data)
        self.chunk_rows.append(m)
        self.chunk_at.append(self.postings)
        self.chunk_cum.append(cum)
        self.sizes.append(sizes)
        self.rows += m
        self.postings += len(records)

    def candidate_blocks(
        self,
        order: npt.NDArray[np.int64],
        *,
        lengths: npt.NDArray[np.int64],
        shingles_of: Callable[[int], npt.NDArray[np.uint32]],
        config: DedupConfig,
        after_read: Callable[[], Any] | None = None,
    ) -> CandidateBlocks:
        """:func:`configured_candidate_blocks` of the documents added, numbered in
        ``order`` (``order[p]``: the document added ``order[p]``-th is document ``p``;
        ``lengths`` and ``shingles_of`` in that numbering)."""
        cfg = config
        order = np.asarray(order, dtype=np.int64)
        n = len(order)
        self.compact()
        similar = short_similar(lengths, shingles_of, cfg, after_read)
        release_heap()
        where = np.empty(n, dtype=_small(n))
        where[order] = np.arange(n, dtype=where.dtype)
        lsh = self.band_groups(order)
        release_heap()
        anchors = self.anchor_groups(where, effective_max_df(cfg, n))
        del where
        release_heap()
        sizes = np.concatenate(self.sizes)[order] if n else np.zeros(0, dtype=np.int64)
        return CandidateBlocks.of_groups(
            lsh, anchors, sizes, config=cfg, similar=similar, block_pairs=SPILLED_BLOCK_PAIRS
        )

    def compact(self) -> None:
        """Join what :meth:`add` kept per chunk into one array each.

        The few small objects kept per chunk are made while the stream's doc_id strings
        are alive, and sit among them in Python's small-object arenas: once the strings
        are freed, each arena kept one of them stays allocated (words 2 GB: 74 arenas,
        77 MB, a third of them in use). Replaced by one object each, the arenas go.
        """
        if len(self.sizes) > 1:
            self.sizes = [np.concatenate(self.sizes)]
        if len(self.chunk_cum) > 1:
            stacked = np.stack(self.chunk_cum)
            self.chunk_cum = list(stacked)  # (views of one array: made now, not per chunk)
        # new int objects (the old ones go with their arenas)
        self.chunk_rows = np.array(self.chunk_rows, dtype=np.int64).tolist()
        self.chunk_at = np.array(self.chunk_at, dtype=np.int64).tolist()

    def groups_path(self, name: str) -> str:
        """The path prefix of the files of the groups ``name`` (:class:`_GroupsOut`)."""
        return os.path.join(self.folder, f"groups-{name}")

    def band_groups(self, order: npt.NDArray[np.int64], max_bucket: int = MAX_BUCKET) -> Groups:
        """:func:`band_groups` (``paired=True``) of the band keys added, documents numbered
        in ``order``: one band read at a time."""
        n = len(order)
        if n == 0:
            return Groups(np.zeros(0, np.int64), np.zeros(0, np.int64))
        out = _GroupsOut(n * self.nb, n, (max_bucket, True, True), self.groups_path("lsh"))
        keys = np.empty(n, dtype=np.uint64)
        for band in range(self.nb):
            self.band_column(band, keys)
            out.put(*_sorted_band(keys[order]))
        return out.groups()

    def band_column(self, band: int, out: npt.NDArray[np.uint64]) -> None:
        """Fill ``out`` (one value per document added, in the order added) with the keys of
        band ``band``, read chunk after chunk."""
        with open(self.bands_path, "rb") as fh:
            at = start = 0
            for m in self.chunk_rows:
                read_into(fh.fileno(), out[start : start + m], at + band * m * _WORD)
                at += m * self.nb * _WORD
                start += m

    def bucket_bounds(self) -> npt.NDArray[np.int64]:
        """Where each bucket's anchors start in each chunk (chunks x buckets + 1)."""
        if not self.chunk_cum:
            return np.zeros((0, 2), dtype=np.int64)
        return np.stack(self.chunk_cum).astype(np.int64, copy=False)

    def bucket_codes(self, cum: npt.NDArray[np.int64], b0: int, b1: int) -> npt.NDArray[np.uint64]:
        """The anchors of buckets ``b0`` to ``b1`` as ``key << 32 | row`` (row: the document's
        number in the order added), chunk after chunk (``cum``: :meth:`bucket_bounds`)."""
        counts = cum[:, b1] - cum[:, b0]
        buf = np.empty(int(counts.sum()), dtype=np.uint64)
        filled = 0
        with open(self.anchors_path, "rb") as fh:
            for c, count in enumerate(counts.tolist()):
                if count:
                    offset = (self.chunk_at[c] + int(cum[c, b0])) * _WORD
                    read_into(fh.fileno(), buf[filled : filled + count], offset)
                    filled += count
        return buf

    def anchor_groups(self, where: npt.NDArray[Any], max_df: int) -> Groups:
        """:func:`group_postings` (``chain=False, paired=True``) of the anchors added,
        document ``r`` added numbered ``where[r]``: consecutive buckets of about
        :data:`GROUP_PART` postings read and grouped at a time, in key order."""
        n = len(where)
        if self.postings == 0 or n < 2:
            return Groups(np.zeros(0, np.int64), np.zeros(0, np.int64))
        out = _GroupsOut(self.postings, n, (max_df, False, True), self.groups_path("anchors"))
        cum = self.bucket_bounds()  # chunks x (buckets + 1)
        totals = cum[:, 1:].sum(axis=0, dtype=np.int64) - cum[:, :-1].sum(axis=0, dtype=np.int64)
        for b0, b1 in _bucket_parts(totals, GROUP_PART):
            buf = self.bucket_codes(cum, b0, b1)
            keys = buf >> np.uint64(32)
            buf &= np.uint64(0xFFFFFFFF)
            docs = where[buf]
            del buf
            out.put(*_sorted_postings(keys, docs, n))
            del keys, docs
            release_heap()
        return out.groups()


def release_heap() -> None:
    """Give the memory freed on the C heap back to the system (glibc's ``malloc_trim``;
    elsewhere nothing).

    numpy arrays of up to 32 MB come from the C heap once larger ones have been freed
    (glibc raises its mmap threshold), and freeing them leaves the process's resident
    memory as it was: the streamed dedup of a 400 MB corpus held 84 MB of freed heap at the
    end of sketching, and each stage's peak stood on what the stages before had freed.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def _bucket_parts(totals: npt.NDArray[np.int64], part: int) -> list[tuple[int, int]]:
    """Consecutive ranges of buckets holding about ``part`` postings each (a bucket with
    more is a range of its own); empty ranges left out."""
    cum = np.cumsum(totals)
    parts, b0 = [], 0
    while b0 < len(totals):
        base = int(cum[b0 - 1]) if b0 else 0
        b1 = max(b0 + 1, int(np.searchsorted(cum, base + part, side="right")))
        b1 = min(b1, len(totals))
        if cum[b1 - 1] > base:
            parts.append((b0, b1))
        b0 = b1
    return parts


def read_into(fd: int, arr: npt.NDArray[Any], offset: int) -> None:
    """Fill the contiguous array ``arr`` with the file's bytes from ``offset`` (pread: no
    mapping, so nothing read stays in this process's memory)."""
    if not arr.flags.c_contiguous:  # (a copy would be filled instead)
        raise ValueError("read_into fills a contiguous array")
    view = arr.reshape(-1).data.cast("B")
    got = 0
    while got < len(view):
        n = os.preadv(fd, [view[got:]], offset + got)
        if n <= 0:
            raise OSError(f"spill file ended {len(view) - got} bytes early")
        got += n


def map_file(path: str | os.PathLike[str], dtype: type[np.generic]) -> npt.NDArray[Any]:
    """A read-only array over a file's bytes, memory-mapped (see :func:`release_pages`).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     np.arange(4, dtype=np.uint32).tofile(f"{d}/a.u32")
    ...     a = map_file(f"{d}/a.u32", np.uint32)
    ...     a.tolist(), release_pages(a)
    ([0, 1, 2, 3], True)
    """
    with open(path, "rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mmap, "MADV_RANDOM"):  # documents are read here and there: no read-ahead
        mapped.madvise(mmap.MADV_RANDOM)
    return np.frombuffer(mapped, dtype=dtype)


def release_pages(arr: Any) -> bool:
    """Let the pages of a file-mapped array (:func:`map_file`) leave this process's
    resident memory (they stay in the OS's file cache and are read again if touched).

    Verification reads the folded codes and shingles of a few thousand documents at a time
    from such arrays; without this, every page read once would count in the process's
    resident memory until the end (gigabytes for a large corpus). ``False`` (and nothing
    done) for an array that is not file-mapped or where ``madvise`` is not available.
    """
    base = arr
    while base is not None and not isinstance(base, mmap.mmap):
        base = (
            getattr(base, "base", None)
            if isinstance(base, np.ndarray)
            else getattr(base, "obj", None)
        )
    if base is None or not hasattr(mmap, "MADV_DONTNEED"):
        return False
    base.madvise(mmap.MADV_DONTNEED)
    return True
