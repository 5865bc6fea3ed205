"""Near-duplicate search in partitions that stay where they were sketched (any engine).

:func:`find_near_duplicates` with an :class:`~corpus_tools.engine.Engine` (or
``engine="dask"``) runs this plan instead of sketching every document in one process. The
stages are plain functions run through the engine, so the plan runs on a Dask cluster and,
as it is tested, on the local engine too; the result equals the in-memory search's:

1. documents (in doc_id order) are cut into partitions of about equal size; each partition
   is folded and sketched where it is sent (:func:`sketch_partition`), and stays there;
2. band keys and anchors are shuffled by hash into buckets (:func:`bucket_rows`), where
   candidate pairs are formed (:func:`bucket_candidates`: LSH buckets, shared anchors);
3. only the candidate pair list (16 bytes a pair) comes back to this process, where the
   anchor pairs with enough shared anchors are kept (:func:`merge_candidates`);
4. each pair is verified where its first document's partition is (:func:`verify_block`);
   the features of its second document are selected where they are
   (:func:`select_documents`) and sent when it lives elsewhere: only the documents of
   candidate pairs travel;
5. the connected components of the (few) verified pairs are merged in this process.

Given a Dask DataFrame (``dd.read_parquet("corpus/*.parquet")``), partitions are read and
sketched on the workers: only the doc_ids come to this process.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.candidates import (
    MAX_BUCKET,
    anchor_candidate_pairs,
    anchor_pairs_ok,
    lsh_candidate_pairs,
    short_limit,
    short_pairs,
    unique_pairs,
)
from corpus_tools.dedup.config import DedupConfig, effective_max_df
from corpus_tools.dedup.sketch import DocFeatures, features_of_many, fold_codes
from corpus_tools.dedup.verify import DedupResult, dedup_result, verify_pair
from corpus_tools.engine import Engine, Handle
from corpus_tools.errors import InvalidParameterError, check_number, param_error
from corpus_tools.progress import progress_bar
from corpus_tools.text.matching import Folded

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Partition",
    "anchor_sizes",
    "bucket_candidates",
    "bucket_rows",
    "doc_ids_of",
    "is_dask_frame",
    "merge_candidates",
    "partitioned_near_duplicates",
    "select_documents",
    "short_sets",
    "sketch_frame_partition",
    "sketch_partition",
    "split_by_chars",
    "verify_block",
]

_EMPTY_I64 = np.zeros(0, dtype=np.int64)
_NO_PAIRS = np.zeros((0, 2), dtype=np.int64)

#: Partition size bounds in characters when ``partition_chars`` is not given (one
#: partition per worker in between): small partitions cost tasks, large ones memory.
PARTITION_CHARS = (200_000, 20_000_000)

#: Multiplier that mixes a hash before it picks a bucket (2^64 / golden ratio).
_MIX = np.uint64(0x9E3779B97F4A7C15)
#: Bits the mixed hash is shifted by: its high bits pick the bucket.
_MIX_SHIFT = np.uint64(40)


class Partition(NamedTuple):
    """One partition of documents, as held where it was sketched."""

    docs: npt.NDArray[np.int64]  # global index (rank of the doc_id) of each document
    features: list[DocFeatures]  # per document
    codes: list[npt.NDArray[np.uint32]]  # folded code points per document (for alignment)

    def positions(self, docs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Where the documents of global index ``docs`` are in this partition."""
        order = np.argsort(self.docs, kind="stable")
        return order[np.searchsorted(self.docs[order], docs)]


# --------------------------------------------------------------------------- sizes


def split_by_chars(lengths: Sequence[int], target: int) -> list[range]:
    """Consecutive ranges of about ``target`` characters (at least one document each).

    Examples
    --------
    >>> split_by_chars([5, 5, 5, 5, 1], 10)
    [range(0, 2), range(2, 4), range(4, 5)]
    """
    parts: list[range] = []
    start = 0
    chars = 0
    for i, n in enumerate(lengths):
        chars += n
        if chars >= target:
            parts.append(range(start, i + 1))
            start, chars = i + 1, 0
    if start < len(lengths):
        parts.append(range(start, len(lengths)))
    return parts


def _target_chars(total: int, workers: int, partition_chars: int | None) -> int:
    """Characters per partition: one partition per worker, within PARTITION_CHARS."""
    if partition_chars is not None:
        return partition_chars
    low, high = PARTITION_CHARS
    return max(low, min(high, -(-total // workers)))


# --------------------------------------------------------------------------- stages


def sketch_partition(
    texts: list[str], docs: npt.NDArray[np.int64], config: DedupConfig
) -> Partition:
    """Stage: fold and sketch the documents of a partition (``docs``: their global index)."""
    codes = fold_codes(texts, config)
    feats = features_of_many(codes, config)
    return Partition(np.asarray(docs, dtype=np.int64), feats, codes)


def sketch_frame_partition(
    frame: pd.DataFrame, docs: npt.NDArray[np.int64], config: DedupConfig
) -> Partition:
    """Stage: :func:`sketch_partition` on a partition of a Dask DataFrame."""
    texts = frame["text"].tolist()
    if not all(isinstance(t, str) for t in texts):
        raise param_error(
            "corpus",
            "find_near_duplicates",
            "a corpus whose 'text' column holds str",
            "other values",
        )
    return sketch_partition(texts, docs, config)


def doc_ids_of(frame: pd.Series) -> list[str]:
    """Stage: the doc_ids of a partition of a Dask DataFrame's ``doc_id`` column, as str."""
    return frame.astype(str).tolist()


def anchor_sizes(part: Partition) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Stage: the documents of a partition and how many anchors each has."""
    return part.docs, np.array([len(f.anchors) for f in part.features], dtype=np.int64)


def _bucket_of(keys: npt.NDArray[Any], buckets: int) -> npt.NDArray[np.int64]:
    """Bucket of each key (mixed first: band keys and anchor ids are hashes already)."""
    mixed = keys.astype(np.uint64) * _MIX
    return (mixed >> _MIX_SHIFT).astype(np.int64) % buckets


def bucket_rows(part: Partition, bucket: int, buckets: int, bands: int) -> tuple[Any, Any]:
    """Stage, where the partition is: its band keys and anchors that fall in one bucket,
    as ``((band, key, doc), (anchor, doc))`` arrays."""
    feats = part.features
    n = len(feats)
    docs = part.docs
    if n:
        keys = np.stack([f.bands for f in feats]).astype(np.uint64).ravel()
        anchors = np.concatenate([f.anchors for f in feats]).astype(np.uint32)
    else:
        keys = np.zeros(0, dtype=np.uint64)
        anchors = np.zeros(0, dtype=np.uint32)
    sel = _bucket_of(keys, buckets) == bucket
    band = np.tile(np.arange(bands, dtype=np.uint16), n)[sel]
    band_rows = (band, keys[sel], np.repeat(docs, bands)[sel])
    sizes = np.array([len(f.anchors) for f in feats], dtype=np.int64)
    asel = _bucket_of(anchors, buckets) == bucket
    anchor_rows = (anchors[asel], np.repeat(docs, sizes)[asel])
    return band_rows, anchor_rows


def short_sets(part: Partition, limit: int) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """Stage, where the partition is: its short documents (folded length at most ``limit``)
    and their shingle sets, for the exact search of their near-duplicates."""
    keep = [k for k, f in enumerate(part.features) if f.length <= limit]
    return part.docs[keep], [part.features[k].shingles for k in keep]


def _lsh_pairs_of_bucket(pieces: Sequence[tuple[Any, Any]], max_bucket: int) -> Any:
    band = np.concatenate([p[0][0] for p in pieces]) if pieces else np.zeros(0, np.uint16)
    keys = np.concatenate([p[0][1] for p in pieces]) if pieces else np.zeros(0, np.uint64)
    docs = np.concatenate([p[0][2] for p in pieces]) if pieces else _EMPTY_I64
    lsh_parts = []
    for b in np.unique(band).tolist():
        sel = band == b
        d = docs[sel]
        order = np.argsort(d, kind="stable")
        d = d[order]
        # one band, documents in increasing order: local row pairs are document pairs
        local = lsh_candidate_pairs(keys[sel][order].reshape(-1, 1), max_bucket=max_bucket)
        if len(local):
            lsh_parts.append(d[local])
    lsh = np.concatenate(lsh_parts) if lsh_parts else _NO_PAIRS
    return np.unique(lsh, axis=0) if len(lsh) else lsh


def bucket_candidates(
    max_bucket: int, max_df: int, *pieces: tuple[Any, Any]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Stage: candidate pairs of one bucket of band keys and anchors (``pieces``: the
    :func:`bucket_rows` of every partition for this bucket).

    Returns the LSH pairs (rows ``i < j``, unique) and, for anchor pairs, ``(i, j)`` with
    the number of anchors of this bucket they share (summed over buckets by the caller).
    """
    lsh = _lsh_pairs_of_bucket(pieces, max_bucket)
    anchors = np.concatenate([p[1][0] for p in pieces]) if pieces else np.zeros(0, np.uint32)
    adocs = np.concatenate([p[1][1] for p in pieces]) if pieces else _EMPTY_I64
    if len(anchors) == 0:
        return lsh, _NO_PAIRS, _EMPTY_I64
    # documents of this bucket renumbered 0..m-1 (in global order), anchors grouped by them
    ud, local_doc = np.unique(adocs, return_inverse=True)
    order = np.lexsort((anchors, local_doc))
    anchors, local_doc = anchors[order], local_doc[order]
    bounds = np.flatnonzero(np.r_[True, local_doc[1:] != local_doc[:-1], True])
    per_doc = [anchors[bounds[k] : bounds[k + 1]] for k in range(len(bounds) - 1)]
    found = anchor_candidate_pairs(per_doc, min_hits=1, min_share=0.0, max_df=max_df)
    pairs = np.stack([ud[found["i"].to_numpy()], ud[found["j"].to_numpy()]], axis=1)
    return lsh, pairs.astype(np.int64), found["hits"].to_numpy(np.int64)


def select_documents(part: Partition, docs: npt.NDArray[np.int64]) -> Partition:
    """Stage, where the partition is: the features of the documents ``docs`` only."""
    pos = part.positions(docs).tolist()
    return Partition(docs, [part.features[k] for k in pos], [part.codes[k] for k in pos])


def verify_block(
    own: Partition, pairs: npt.NDArray[np.int64], config: DedupConfig, *others: Partition
) -> list[tuple[int, int, float, float, float, str]]:
    """Stage: verify candidate pairs ``(i, j)``, ``i`` in ``own``, ``j`` in ``own`` or in
    one of ``others`` (documents selected from other partitions)."""
    both = own
    if others:
        both = Partition(
            np.concatenate([own.docs, *(o.docs for o in others)]),
            [f for part in (own, *others) for f in part.features],
            [c for part in (own, *others) for c in part.codes],
        )
    rows = []
    pos_i = own.positions(pairs[:, 0]).tolist()
    pos_j = both.positions(pairs[:, 1]).tolist()
    for (i, j), pi, pj in zip(pairs.tolist(), pos_i, pos_j, strict=True):
        # verify_pair aligns folded code points only; offsets are not needed for pairs
        v = verify_pair(
            own.features[pi],
            both.features[pj],
            Folded(own.codes[pi], _EMPTY_I64, _EMPTY_I64, 0),
            Folded(both.codes[pj], _EMPTY_I64, _EMPTY_I64, 0),
            config,
        )
        if v.relation is None:
            continue
        a, b = (j, i) if v.swapped else (i, j)
        rows.append((a, b, v.similarity, v.containment, v.copy_ratio, v.relation))
    return rows


# --------------------------------------------------------------------------- this process


def merge_candidates(
    found: Sequence[tuple[Any, Any, Any]],
    *,
    sizes: npt.NDArray[np.int64],
    n: int,
    cfg: DedupConfig,
) -> npt.NDArray[np.int64]:
    """Unique candidate pairs from the buckets' :func:`bucket_candidates`: the LSH pairs
    plus the anchor pairs with enough shared anchors (``sizes``: anchors per document)."""
    lsh = np.concatenate([g[0] for g in found]) if found else _NO_PAIRS
    anchor_pairs = np.concatenate([g[1] for g in found]) if found else _NO_PAIRS
    hits = np.concatenate([g[2] for g in found]) if found else _EMPTY_I64
    codes = [lsh.reshape(-1, 2) @ np.array([n, 1], dtype=np.int64)]
    if len(anchor_pairs):
        # a pair's shared anchors are spread over the buckets: add them up
        code = anchor_pairs @ np.array([n, 1], dtype=np.int64)
        uniq, inverse = np.unique(code, return_inverse=True)
        total = np.bincount(inverse.ravel(), weights=hits, minlength=len(uniq))
        i, j = uniq // n, uniq % n
        smaller = np.minimum(sizes[i], sizes[j])
        ok = anchor_pairs_ok(
            total,
            smaller,
            min_hits=cfg.min_anchor_hits,
            min_share=cfg.min_anchor_share,
            min_passage=cfg.min_anchor_passage,
        )
        codes.append(uniq[ok])
    allc = np.unique(np.concatenate(codes))
    return np.stack([allc // n, allc % n], axis=1).astype(np.int64)


def _runs(values: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of equal values in a sorted array."""
    if len(values) == 0:
        return []
    bounds = np.flatnonzero(np.r_[True, values[1:] != values[:-1], True]).tolist()
    return list(itertools.pairwise(bounds))


def is_dask_frame(value: Any) -> bool:
    """True for a Dask DataFrame (told by its type's module: dask is not imported here)."""
    module = type(value).__module__
    return module.startswith(("dask.dataframe", "dask_expr")) and hasattr(value, "to_delayed")


def _memory_partitions(
    frame: pd.DataFrame, engine: Engine, cfg: DedupConfig, partition_chars: int | None
) -> tuple[list[str], list[Handle], npt.NDArray[np.int64]]:
    """Documents in doc_id order, sent to the workers in ranges of about equal size."""
    frame = frame.assign(_id=frame["doc_id"].astype(str)).sort_values("_id", kind="stable")
    ids = list(frame["_id"])
    texts = list(frame["text"])
    n = len(texts)
    lengths = [len(t) for t in texts]
    target = _target_chars(sum(lengths), engine.workers(), partition_chars)
    feats: list[Handle] = []
    owner = np.zeros(n, dtype=np.int64)
    if n < 2:
        return ids, feats, owner
    for p, r in enumerate(split_by_chars(lengths, target)):
        # sent one at a time: workers fold the first partitions while later ones travel
        data = engine.scatter(texts[r.start : r.stop])
        docs = np.arange(r.start, r.stop, dtype=np.int64)
        feats.append(engine.submit(sketch_partition, data, docs, cfg))
        owner[r.start : r.stop] = p
        del data
    return ids, feats, owner


def _lazy_partitions(
    ddf: Any, engine: Engine, cfg: DedupConfig, func: str
) -> tuple[list[str], list[Handle], npt.NDArray[np.int64]]:
    """A Dask DataFrame's partitions, read and sketched on the workers; only doc_ids travel."""
    id_parts = engine.gather(
        [engine.submit(doc_ids_of, p) for p in engine.partitions(ddf["doc_id"])]
    )
    counts = [len(s) for s in id_parts]
    flat = np.array([x for s in id_parts for x in s], dtype=object)
    del id_parts
    n = len(flat)
    order = np.argsort(flat, kind="stable")
    ids = flat[order].tolist()
    for k in range(1, n):
        if ids[k] == ids[k - 1]:
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} must have unique doc_id values. "
                f"Got {ids[k]!r} twice."
            )
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    owner = np.zeros(n, dtype=np.int64)
    feats: list[Handle] = []
    if n < 2:
        return ids, feats, owner
    start = 0
    for p, (part, count) in enumerate(zip(engine.partitions(ddf), counts, strict=True)):
        docs = rank[start : start + count]
        owner[docs] = p
        start += count
        feats.append(engine.submit(sketch_frame_partition, part, docs, cfg))
    return ids, feats, owner


def _candidates_on(
    engine: Engine, feats: list[Handle], *, n: int, cfg: DedupConfig
) -> npt.NDArray[np.int64]:
    """Shuffle band keys and anchors into buckets; the candidate pairs they give."""
    max_df = effective_max_df(cfg, n)
    buckets = max(1, min(len(feats), engine.workers()))
    sizes = [engine.submit(anchor_sizes, f) for f in feats]
    found = [
        engine.submit(
            bucket_candidates,
            MAX_BUCKET,
            max_df,
            *(engine.submit(bucket_rows, f, b, buckets, cfg.bands) for f in feats),
        )
        for b in range(buckets)
    ]
    limit = short_limit(cfg.num_perm, cfg.k)
    shorts = [engine.submit(short_sets, f, limit) for f in feats]
    gathered = engine.gather(found)
    anchor_count = np.zeros(n, dtype=np.int64)
    for docs, counts in engine.gather(sizes):
        anchor_count[docs] = counts
    merged = merge_candidates(gathered, sizes=anchor_count, n=n, cfg=cfg)
    docs_sets = engine.gather(shorts)
    short_docs = np.concatenate([d for d, _ in docs_sets]) if docs_sets else _EMPTY_I64
    sets = [x for _, part_sets in docs_sets for x in part_sets]
    similar = short_pairs(short_docs, sets, cfg.threshold, max_memory=cfg.max_memory)
    return unique_pairs([merged, similar])


def _verify_on(
    engine: Engine,
    feats: list[Handle],
    cands: npt.NDArray[np.int64],
    *,
    owner: npt.NDArray[np.int64],
    ids: list[str],
    cfg: DedupConfig,
    progress: bool | None,
) -> list[tuple[Any, ...]]:
    """Verify the candidates where the first document's partition p is; for pairs whose
    second document is in another partition q, the features of just those documents are
    selected where q is and sent to p (one small task per pair of partitions)."""
    first = owner[cands[:, 0]]
    second = owner[cands[:, 1]]
    order = np.lexsort((cands[:, 1], second, first))
    cands, first, second = cands[order], first[order], second[order]
    tasks = []
    for lo, hi in _runs(first):
        p = int(first[lo])
        block, sec = cands[lo:hi], second[lo:hi]
        needed = [
            engine.submit(select_documents, feats[int(sec[qlo])], np.unique(block[qlo:qhi, 1]))
            for qlo, qhi in _runs(sec)
            if int(sec[qlo]) != p
        ]
        tasks.append(engine.submit(verify_block, feats[p], block, cfg, *needed))
    rows: list[tuple[Any, ...]] = []
    done = engine.as_completed(tasks)
    for _, verified in progress_bar(
        done, desc="dedup: verifying", unit="block", total=len(tasks), enabled=progress
    ):
        for a, b, sim, cont, ratio, rel in verified:
            rows.append((ids[a], ids[b], sim, cont, ratio, rel, a, b))
    return rows


def partitioned_near_duplicates(
    corpus: Any,
    engine: Engine,
    *,
    config: DedupConfig,
    progress: bool | None,
    partition_chars: int | None,
    func: str,
) -> DedupResult:
    """The partitioned plan on ``engine`` (opened for the call unless already open).

    ``corpus`` is a checked corpus table (doc_id, text) or a Dask DataFrame with those
    columns; ``config`` a checked :class:`DedupConfig`. The result equals the in-memory
    search's (:func:`~corpus_tools.dedup.find_near_duplicates` with the local engine).
    """
    if partition_chars is not None:
        check_number(partition_chars, "partition_chars", func, kind=int, low=1)
    with engine:
        if is_dask_frame(corpus):
            ids, feats, owner = _lazy_partitions(corpus, engine, config, func)
        else:
            ids, feats, owner = _memory_partitions(corpus, engine, config, partition_chars)
        if len(ids) < 2:
            return dedup_result([], ids)
        cands = _candidates_on(engine, feats, n=len(ids), cfg=config)
        rows = _verify_on(engine, feats, cands, owner=owner, ids=ids, cfg=config, progress=progress)
        del feats
    return dedup_result(rows, ids)
