"""The same jobs on a Dask cluster: segmentation, keyword tables and near-duplicates.

Each function here is a drop-in for the default engine's function, with the same
parameters plus where to run:

* :func:`segment_corpus_dask` for :func:`corpus_tools.tokens.segment_corpus`;
* :func:`keyword_table_dask` for :func:`corpus_tools.keywords.keyword_table`;
* :func:`find_near_duplicates_dask` for :func:`corpus_tools.dedup.find_near_duplicates`.

The output is the same as the default engine's, byte for byte (the tests compare the
tables and their serialised JSON and parquet bytes on a real local cluster).

Where the work runs (:func:`get_client`): the ``client`` given; else a new connection to
the ``dask.distributed`` scheduler at ``scheduler`` (``"tcp://host:8786"``, started with
``dask scheduler`` + ``dask worker`` or by ``dask-jobqueue`` on SLURM); else the current
default client of the session (a notebook's ``Client()``); else a ``LocalCluster`` of
worker processes on all cores, started for the call and closed after it.

Near-duplicates never gather the signatures in one process (and, given a Dask DataFrame,
never the texts either): documents are cut into partitions that stay on the workers; each
partition folds and sketches its documents; band keys and anchors are shuffled by hash into
buckets, where candidate pairs are formed (LSH buckets, shared anchors); only the candidate
pair list (16 bytes a pair) comes back; each pair is verified on the worker holding its
first document (the features of the second are selected and sent when it lives elsewhere:
only the documents of candidate pairs travel), and the connected components of the (few)
verified pairs are merged on the client.

Examples
--------
>>> from corpus_tools.distributed import find_near_duplicates_dask, get_client
>>> with get_client() as client:                                   # doctest: +SKIP
...     result = find_near_duplicates_dask(docs, client=client)
>>> find_near_duplicates_dask(docs, scheduler="tcp://head:8786")    # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import itertools
import os
from array import array
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.errors import (
    InvalidParameterError,
    check_number,
    check_type,
    param_error,
)

__all__ = [
    "find_near_duplicates_dask",
    "get_client",
    "keyword_table_dask",
    "segment_corpus_dask",
]

_EMPTY_I64 = np.zeros(0, dtype=np.int64)
_NO_PAIRS = np.zeros((0, 2), dtype=np.int64)


# --------------------------------------------------------------------------- clients


def _import_distributed(func: str) -> Any:
    try:
        import distributed
    except ImportError:  # pragma: no cover - dask is an optional dependency
        raise InvalidParameterError(
            f"{func} needs dask.distributed: pip install 'corpus-tools[dask]'."
        ) from None
    return distributed


@contextlib.contextmanager
def get_client(
    scheduler: str | None = None,
    *,
    n_workers: int | None = None,
    threads_per_worker: int = 1,
    memory_limit: str | float | None = "auto",
    timeout: float = 30.0,
) -> Iterator[Any]:
    """A ``dask.distributed`` client, closed (with its local cluster) on leaving the block.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``"tcp://head:8786"``; ``dask scheduler`` prints
        it). Default: start a ``LocalCluster`` of worker processes on this machine.
    n_workers : int, optional
        Local cluster only: worker processes (default: one per core).
    threads_per_worker : int, default 1
        Local cluster only. The jobs are pure Python and hold the GIL: use processes.
    memory_limit : str, float or None, default "auto"
        Local cluster only: per worker (``"2GiB"``; ``"auto"`` shares the machine's memory).
    timeout : float, default 30
        Seconds to wait for the scheduler at ``scheduler``.

    Yields
    ------
    distributed.Client

    Examples
    --------
    >>> with get_client() as client:                        # doctest: +SKIP
    ...     tokens = segment_corpus_dask(docs, client=client)
    >>> with get_client("tcp://head:8786") as client:       # doctest: +SKIP
    ...     client.dashboard_link
    """
    func = "get_client"
    if scheduler is not None:
        check_type(scheduler, "scheduler", func, str, "an address such as 'tcp://host:8786'")
    if n_workers is not None:
        check_number(n_workers, "n_workers", func, kind=int, low=1)
    check_number(threads_per_worker, "threads_per_worker", func, kind=int, low=1)
    check_number(timeout, "timeout", func, low=0, low_open=True)
    distributed = _import_distributed(func)
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InvalidParameterError(
                f"The 'scheduler' parameter of {func} must be the address of a running "
                f"dask scheduler (start one with 'dask scheduler'). {scheduler!r} cannot be "
                f"reached: {exc}"
            ) from None
        with client:
            yield client
        return
    import logging

    cluster = distributed.LocalCluster(
        n_workers=n_workers or os.cpu_count() or 1,
        threads_per_worker=threads_per_worker,
        processes=True,
        memory_limit=memory_limit,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


def _check_client(client: Any, scheduler: Any, func: str) -> None:
    """``client`` is a ``distributed.Client`` or None; ``scheduler`` an address or None."""
    if scheduler is not None:
        check_type(scheduler, "scheduler", func, str, "an address such as 'tcp://host:8786'")
    if client is None:
        return
    distributed = _import_distributed(func)
    if not isinstance(client, distributed.Client):
        raise param_error("client", func, "a distributed.Client or None", type(client).__name__)
    if scheduler is not None:
        raise InvalidParameterError(
            f"The 'client' and 'scheduler' parameters of {func} are exclusive: give one. "
            f"Got client={client!r} and scheduler={scheduler!r}."
        )


@contextlib.contextmanager
def _client_for(client: Any, scheduler: str | None, func: str) -> Iterator[Any]:
    """The client to run on: ``client``, ``scheduler``, the session's default, or a local one."""
    _check_client(client, scheduler, func)
    if client is not None:
        yield client
        return
    if scheduler is None:
        distributed = _import_distributed(func)
        try:
            current = distributed.default_client()
        except ValueError:
            current = None
        if current is not None and current.status == "running":
            yield current
            return
    with get_client(scheduler) as new:
        yield new


def _n_workers(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def _split_by_chars(lengths: Sequence[int], target: int) -> list[range]:
    """Consecutive ranges of about ``target`` characters (at least one document each)."""
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
    """Characters per partition: one partition per worker (or per ``workers`` slot), 200k to
    20M characters each."""
    if partition_chars is not None:
        return partition_chars
    return max(200_000, min(20_000_000, -(-total // workers)))


def _check_common(func: str, client: Any, scheduler: Any, partition_chars: Any) -> None:
    _check_client(client, scheduler, func)
    if partition_chars is not None:
        check_number(partition_chars, "partition_chars", func, kind=int, low=1)


# --------------------------------------------------------------------------- segmentation


def _segment_lengths(segmenter: Any, texts: list[str]) -> list[bytes]:
    """Worker task: token lengths of each text, packed (4 bytes a token)."""
    return [array("I", [len(t) for t in segmenter.cut(text)]).tobytes() for text in texts]


def segment_corpus_dask(
    corpus: Any,
    *,
    segmenter: Any = None,
    n_jobs: int | None = None,
    cache: bool | str | os.PathLike[str] = True,
    drop_space: bool = True,
    progress: bool | None = None,
    start_method: str | None = None,
    client: Any = None,
    scheduler: str | None = None,
    partition_chars: int | None = None,
) -> list[list[str]]:
    """:func:`corpus_tools.tokens.segment_corpus` on a Dask cluster: the same tokens.

    The on-disk cache is read and written by the calling process only (workers need no
    shared disk): cached documents are not sent; identical texts are segmented once;
    workers return token lengths (4 bytes a token), from which the tokens are cut.

    Parameters
    ----------
    corpus, segmenter, cache, drop_space, progress
        As for :func:`~corpus_tools.tokens.segment_corpus`.
    n_jobs, start_method
        Accepted (and checked) for a drop-in call; the cluster decides the processes.
    client : distributed.Client, optional
        Run on this client's cluster.
    scheduler : str, optional
        Or connect to the scheduler at this address (see :func:`get_client`).
    partition_chars : int, optional
        Characters per task (default: about two tasks per worker, 200k to 20M each).

    Returns
    -------
    list of list of str
        One list of tokens per input row, as the default engine gives them.

    Examples
    --------
    >>> tokens = segment_corpus_dask(["三社联动，XX社区"], cache=False)  # doctest: +SKIP
    [['三社联动', '，', 'XX', '社区']]
    """

    from corpus_tools.progress import progress_bar
    from corpus_tools.tokens.segmenter import (
        _from_cache,
        _open_cache,
        _segment_args,
        _tokens_from_lengths,
    )

    func = "segment_corpus_dask"
    texts, segmenter = _segment_args(
        corpus,
        func,
        segmenter=segmenter,
        n_jobs=n_jobs,
        cache=cache,
        drop_space=drop_space,
        progress=progress,
        start_method=start_method,
    )
    _check_common(func, client, scheduler, partition_chars)

    results: list[list[str] | None] = [None] * len(texts)
    store = _open_cache(cache, func)
    try:
        todo, keys = _from_cache(store, segmenter, texts, results, drop_space)
        first: dict[str, int] = {}
        unique: list[int] = []
        for i in todo:
            if texts[i] not in first:
                first[texts[i]] = i
                unique.append(i)
        done: dict[int, bytes] = {}
        if unique:
            with _client_for(client, scheduler, func) as c:
                lengths = [len(texts[i]) for i in unique]
                target = _target_chars(sum(lengths), 2 * _n_workers(c), partition_chars)
                batches = [[unique[k] for k in part] for part in _split_by_chars(lengths, target)]
                data = c.scatter([[texts[i] for i in batch] for batch in batches], hash=False)
                futures = [c.submit(_segment_lengths, segmenter, d, pure=False) for d in data]
                batch_of = {f.key: batch for f, batch in zip(futures, batches, strict=True)}
                from distributed import as_completed

                for fut in progress_bar(
                    as_completed(futures),
                    desc="segment (dask)",
                    unit="batch",
                    total=len(futures),
                    enabled=progress,
                ):
                    batch = batch_of[fut.key]
                    packed_list = fut.result()
                    new = []
                    for i, packed in zip(batch, packed_list, strict=True):
                        done[i] = packed
                        if store is not None:
                            new.append((keys[i], packed))
                    if store is not None:
                        store.put_many(new)
                    fut.release()
        for i in todo:
            toks = _tokens_from_lengths(texts[i], done[first[texts[i]]], drop_space)
            if toks is None:  # pragma: no cover - lengths always add up
                raise RuntimeError(f"segmentation of row {i} lost characters")
            results[i] = toks
    finally:
        if store is not None:
            store.close()
    return [r if r is not None else [] for r in results]


# --------------------------------------------------------------------------- keywords


def keyword_table_dask(
    corpus: Any,
    *,
    by: str | Sequence[str] | None = None,
    segmenter: Any = None,
    stopwords: Any = True,
    min_count: int = 1,
    top_n: int | None = None,
    min_length: int = 1,
    numbers: bool = False,
    strip_boilerplate: bool = False,
    mine_slogans: bool = False,
    cache: bool | str | os.PathLike[str] = True,
    n_jobs: int | None = None,
    chunk_size: int | None = None,
    progress: bool | None = False,
    client: Any = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """:func:`corpus_tools.keywords.keyword_table` with segmenting and counting on Dask.

    Chunks of documents are segmented and counted as tasks on the cluster; the partial
    counts are merged in the calling process, and the table is built from them exactly as
    the default engine builds it (same rows, order, dtypes and ``attrs["summary"]``).

    Parameters
    ----------
    corpus, by, segmenter, stopwords, min_count, top_n, min_length, numbers
        As for :func:`~corpus_tools.keywords.keyword_table`.
    strip_boilerplate, mine_slogans, cache, n_jobs, chunk_size, progress
        As for :func:`~corpus_tools.keywords.keyword_table` (``chunk_size``: documents per
        task, default the keyword module's).
    client : distributed.Client, optional
        Run on this client's cluster.
    scheduler : str, optional
        Or connect to the scheduler at this address (see :func:`get_client`).

    Returns
    -------
    pandas.DataFrame
        The keyword table (see :func:`~corpus_tools.keywords.keyword_table`).

    Examples
    --------
    >>> table = keyword_table_dask(docs, by="year", top_n=20)      # doctest: +SKIP
    """
    from corpus_tools.keywords import keyword_table
    from corpus_tools.keywords.counts import CHUNK_SIZE

    func = "keyword_table_dask"
    _check_common(func, client, scheduler, None)
    if chunk_size is None:
        chunk_size = CHUNK_SIZE
    with _client_for(client, scheduler, func) as c:
        return keyword_table(
            corpus,
            by=by,
            segmenter=segmenter,
            stopwords=stopwords,
            min_count=min_count,
            top=top_n,
            min_length=min_length,
            numbers=numbers,
            strip_boilerplate=strip_boilerplate,
            mine_slogans=mine_slogans,
            cache=cache,
            n_jobs=n_jobs,
            engine="dask",
            scheduler=c.scheduler.address,
            chunk_size=chunk_size,
            progress=progress,
        )


# --------------------------------------------------------------------------- near-duplicates


class _Part(NamedTuple):
    """One partition of documents, as held on a worker."""

    docs: npt.NDArray[np.int64]  # global index (rank of the doc_id) of each document
    features: list[Any]  # DocFeatures per document
    codes: list[npt.NDArray[np.uint32]]  # folded code points per document (for alignment)

    def positions(self, docs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Where the documents of global index ``docs`` are in this partition."""
        order = np.argsort(self.docs, kind="stable")
        return order[np.searchsorted(self.docs[order], docs)]


def _bucket_of(keys: npt.NDArray[Any], buckets: int) -> npt.NDArray[np.int64]:
    """Bucket of each key (mixed first: band keys and anchor ids are hashes already)."""
    mixed = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return (mixed >> np.uint64(40)).astype(np.int64) % buckets


def _features_frame_task(frame: pd.DataFrame, docs: npt.NDArray[np.int64], config: Any) -> _Part:
    """Worker task: :func:`_features_task` on a partition of a Dask DataFrame."""
    texts = frame["text"].tolist()
    if not all(isinstance(t, str) for t in texts):
        raise param_error(
            "corpus",
            "find_near_duplicates_dask",
            "a corpus whose 'text' column holds str",
            "other values",
        )
    return _features_task(texts, docs, config)


def _features_task(texts: list[str], docs: npt.NDArray[np.int64], config: Any) -> _Part:
    """Worker task: fold and sketch the documents of a partition."""
    from corpus_tools.dedup.sketch import features_of_folded, fold_text

    feats = []
    codes = []
    for text in texts:
        folded = fold_text(text, config)
        feats.append(features_of_folded(folded, config))
        codes.append(folded.codes)
    return _Part(np.asarray(docs, dtype=np.int64), feats, codes)


def _piece_task(part: _Part, bucket: int, buckets: int, bands: int) -> tuple[Any, Any]:
    """Worker task, where the partition is: its band keys and anchors of one bucket."""
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


def _bucket_task(
    max_bucket: int, max_df: int, *pieces: tuple[Any, Any]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Worker task: candidate pairs of one bucket of band keys and anchors.

    Returns the LSH pairs (rows ``i < j``, unique) and, for anchor pairs, ``(i, j)`` with
    the number of anchors of this bucket they share (summed over buckets by the caller).
    """
    from corpus_tools.dedup.candidates import anchor_candidate_pairs, lsh_candidate_pairs

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
    if len(lsh):
        lsh = np.unique(lsh, axis=0)

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


def _select_task(part: _Part, docs: npt.NDArray[np.int64]) -> _Part:
    """Worker task, where the partition is: the features of the documents ``docs`` only."""
    pos = part.positions(docs).tolist()
    return _Part(docs, [part.features[k] for k in pos], [part.codes[k] for k in pos])


def _verify_task(
    own: _Part, pairs: npt.NDArray[np.int64], config: Any, *others: _Part
) -> list[tuple[int, int, float, float, float, str]]:
    """Worker task: verify candidate pairs ``(i, j)``, ``i`` in ``own``, ``j`` in ``own``
    or in one of ``others`` (documents selected from other partitions)."""
    from corpus_tools.dedup.verify import verify_pair
    from corpus_tools.text.matching import Folded

    both = own
    if others:
        both = _Part(
            np.concatenate([own.docs, *(o.docs for o in others)]),
            [f for part in (own, *others) for f in part.features],
            [c for part in (own, *others) for c in part.codes],
        )
    rows = []
    pos_i = own.positions(pairs[:, 0]).tolist()
    pos_j = both.positions(pairs[:, 1]).tolist()
    for (i, j), pi, pj in zip(pairs.tolist(), pos_i, pos_j, strict=True):
        fi, fj = own.features[pi], both.features[pj]
        # verify_pair aligns folded code points only; offsets are not needed for pairs
        v = verify_pair(
            fi,
            fj,
            Folded(own.codes[pi], _EMPTY_I64, _EMPTY_I64, 0),
            Folded(both.codes[pj], _EMPTY_I64, _EMPTY_I64, 0),
            config,
        )
        if v.relation is None:
            continue
        a, b = (j, i) if v.swapped else (i, j)
        rows.append((a, b, v.similarity, v.containment, v.copy_ratio, v.relation))
    return rows


def find_near_duplicates_dask(
    corpus: Any,
    *,
    config: Any = None,
    progress: bool | None = None,
    client: Any = None,
    scheduler: str | None = None,
    partition_chars: int | None = None,
    **overrides: Any,
) -> Any:
    """:func:`corpus_tools.dedup.find_near_duplicates` on a Dask cluster: the same result.

    Parameters
    ----------
    corpus : pandas.DataFrame, dict, list or dask.dataframe.DataFrame
        As for :func:`~corpus_tools.dedup.find_near_duplicates`; or a Dask DataFrame with
        ``doc_id`` and ``text`` columns (``dd.read_parquet("corpus/*.parquet")``), whose
        partitions are read and sketched on the workers: only the doc_ids come to this
        process, so a corpus larger than its memory can be compared.
    config, progress, **overrides
        As for :func:`~corpus_tools.dedup.find_near_duplicates` (``threshold=0.6``, ...).
    client : distributed.Client, optional
        Run on this client's cluster.
    scheduler : str, optional
        Or connect to the scheduler at this address (see :func:`get_client`).
    partition_chars : int, optional
        Characters per partition (default: one partition per worker, 200k to
        20M characters each). Memory on a worker is about 10 bytes per character of the
        partitions it holds.

    Returns
    -------
    DedupResult
        ``pairs`` and ``clusters``, equal to the default engine's.

    Examples
    --------
    >>> texts = {"a": "坚持党建引领，推动基层治理。" * 5, "b": "坚持党建引领，推动基层治理！" * 5}
    >>> find_near_duplicates_dask(texts).pairs[["a", "b", "relation"]].values.tolist()  # doctest: +SKIP
    [['a', 'b', 'duplicate']]
    """
    from corpus_tools.dedup.config import make_config
    from corpus_tools.dedup.verify import dedup_result
    from corpus_tools.io import as_corpus

    func = "find_near_duplicates_dask"
    cfg = make_config(config, overrides, func)
    lazy = _is_dask_frame(corpus)
    if lazy:
        missing = [c for c in ("doc_id", "text") if c not in corpus.columns]
        if missing:
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} must have the columns ['doc_id', 'text']. "
                f"Columns {missing} are missing."
            )
    else:
        corpus = as_corpus(corpus, func, name="corpus")
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    _check_common(func, client, scheduler, partition_chars)
    with _client_for(client, scheduler, func) as c:
        if lazy:
            ids, feats, owner = _lazy_partitions(corpus, c, cfg, func)
        else:
            ids, feats, owner = _memory_partitions(corpus, c, cfg, partition_chars)
        if len(ids) < 2:
            return dedup_result([], ids)
        rows = _pairs_on_cluster(c, feats, owner=owner, ids=ids, cfg=cfg, progress=progress)
        del feats
    return dedup_result(rows, ids)


def _is_dask_frame(value: Any) -> bool:
    module = type(value).__module__
    return module.startswith(("dask.dataframe", "dask_expr")) and hasattr(value, "to_delayed")


def _memory_partitions(
    frame: pd.DataFrame, client: Any, cfg: Any, partition_chars: int | None
) -> tuple[list[str], list[Any], npt.NDArray[np.int64]]:
    """Documents in doc_id order, sent to the workers in ranges of about equal size."""
    frame = frame.assign(_id=frame["doc_id"].astype(str)).sort_values("_id", kind="stable")
    ids = list(frame["_id"])
    texts = list(frame["text"])
    n = len(texts)
    lengths = [len(t) for t in texts]
    target = _target_chars(sum(lengths), _n_workers(client), partition_chars)
    feats: list[Any] = []
    owner = np.zeros(n, dtype=np.int64)
    if n < 2:
        return ids, feats, owner
    for p, r in enumerate(_split_by_chars(lengths, target)):
        # scattered one at a time: workers fold the first partitions while later ones travel
        [data] = client.scatter([texts[r.start : r.stop]], hash=False)
        docs = np.arange(r.start, r.stop, dtype=np.int64)
        feats.append(client.submit(_features_task, data, docs, cfg, pure=False))
        owner[r.start : r.stop] = p
        del data
    return ids, feats, owner


def _lazy_partitions(
    ddf: Any, client: Any, cfg: Any, func: str
) -> tuple[list[str], list[Any], npt.NDArray[np.int64]]:
    """A Dask DataFrame's partitions, read and sketched on the workers; only doc_ids travel."""
    import dask

    id_parts = client.gather(client.compute(ddf["doc_id"].astype(str).to_delayed()))
    counts = [len(s) for s in id_parts]
    flat = np.array([x for s in id_parts for x in s.tolist()], dtype=object)
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
    feats: list[Any] = []
    if n < 2:
        return ids, feats, owner
    start = 0
    for p, (part, count) in enumerate(zip(ddf.to_delayed(), counts, strict=True)):
        docs = rank[start : start + count]
        owner[docs] = p
        start += count
        task = dask.delayed(_features_frame_task, pure=False)(part, docs, cfg)
        feats.append(client.compute(task))
    return ids, feats, owner


def _pairs_on_cluster(
    c: Any,
    feats: list[Any],
    *,
    owner: npt.NDArray[np.int64],
    ids: list[str],
    cfg: Any,
    progress: bool | None,
) -> list[tuple[Any, ...]]:
    """Shuffle band keys and anchors into buckets, gather candidates, verify them by block."""
    from distributed import as_completed

    from corpus_tools.dedup.config import effective_max_df
    from corpus_tools.progress import progress_bar

    n = len(ids)
    nparts = len(feats)
    max_df = effective_max_df(cfg, n)
    buckets = max(1, min(nparts, _n_workers(c)))
    sizes = [c.submit(_anchor_sizes_task, f, pure=False) for f in feats]
    pieces = [
        [c.submit(_piece_task, f, b, buckets, cfg.bands, pure=False) for f in feats]
        for b in range(buckets)
    ]
    found = [c.submit(_bucket_task, 1000, max_df, *ps, pure=False) for ps in pieces]
    gathered, size_list = c.gather([found, sizes])
    del pieces, found, sizes
    anchor_sizes = np.zeros(n, dtype=np.int64)
    for docs, counts in size_list:
        anchor_sizes[docs] = counts
    cands = _candidates(
        [g[0] for g in gathered],
        [g[1] for g in gathered],
        [g[2] for g in gathered],
        sizes=anchor_sizes,
        n=n,
        cfg=cfg,
    )
    # verification where the first document's partition p is; for pairs whose second
    # document is in another partition q, the features of just those documents are
    # selected where q is and sent to p (one small task per pair of partitions)
    first = owner[cands[:, 0]]
    second = owner[cands[:, 1]]
    order = np.lexsort((cands[:, 1], second, first))
    cands, first, second = cands[order], first[order], second[order]
    tasks = []
    for lo, hi in _runs(first):
        p = int(first[lo])
        block, sec = cands[lo:hi], second[lo:hi]
        needed = []
        for qlo, qhi in _runs(sec):
            q = int(sec[qlo])
            if q != p:
                docs = np.unique(block[qlo:qhi, 1])
                needed.append(c.submit(_select_task, feats[q], docs, pure=False))
        tasks.append(c.submit(_verify_task, feats[p], block, cfg, *needed, pure=False))
    rows: list[tuple[Any, ...]] = []
    for fut in progress_bar(
        as_completed(tasks),
        desc="dedup (dask): verifying",
        unit="block",
        total=len(tasks),
        enabled=progress,
    ):
        for a, b, sim, cont, ratio, rel in fut.result():
            rows.append((ids[a], ids[b], sim, cont, ratio, rel, a, b))
        fut.release()
    return rows


def _runs(values: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of equal values in a sorted array."""
    if len(values) == 0:
        return []
    bounds = np.flatnonzero(np.r_[True, values[1:] != values[:-1], True]).tolist()
    return list(itertools.pairwise(bounds))


def _anchor_sizes_task(part: _Part) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    return part.docs, np.array([len(f.anchors) for f in part.features], dtype=np.int64)


def _candidates(
    lsh_list: list[npt.NDArray[np.int64]],
    anchor_list: list[npt.NDArray[np.int64]],
    hit_list: list[npt.NDArray[np.int64]],
    *,
    sizes: npt.NDArray[np.int64],
    n: int,
    cfg: Any,
) -> npt.NDArray[np.int64]:
    """Unique candidate pairs: LSH pairs plus anchor pairs with enough shared anchors."""
    from corpus_tools.dedup.candidates import anchor_pairs_ok

    lsh = np.concatenate(lsh_list) if lsh_list else _NO_PAIRS
    anchor_pairs = np.concatenate(anchor_list) if anchor_list else _NO_PAIRS
    hits = np.concatenate(hit_list) if hit_list else _EMPTY_I64
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
