"""Near-duplicate search over a corpus, and the passages one text copied from another.

:func:`find_near_duplicates` sketches every document, collects candidate pairs from LSH
band keys and shared anchors, verifies them in batches
(:func:`corpus_tools.dedup.verify.verify_table`) and returns the pairs and clusters;
:func:`copied_passages` aligns two texts and reports the copied passages with offsets into
both.

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_corpus("data/raw/003_9b7675b2e4522a57.txt", split="lines").documents
>>> result = ct.find_near_duplicates(docs)
>>> result.clusters.groupby("cluster").size().tolist()
[6]
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.align import align_folded
from corpus_tools.dedup.candidates import (
    CandidateBlocks,
    SpilledPostings,
    configured_candidate_blocks,
    expand_ranges,
    release_heap,
    warn_capped,
)
from corpus_tools.dedup.config import DedupConfig, make_config
from corpus_tools.dedup.fields import chosen_fields, with_fields
from corpus_tools.dedup.partitioned import is_dask_frame, partitioned_near_duplicates
from corpus_tools.dedup.sketch import FeatureBatch, features_batch, fold_codes, fold_text
from corpus_tools.dedup.verify import (
    DedupResult,
    DocIds,
    FeatureTable,
    map_file,
    verify_table,
)
from corpus_tools.engine import Engine, as_engine, is_local, legacy_dask_engine
from corpus_tools.errors import InvalidParameterError, check_number, check_type
from corpus_tools.io import CorpusStream, corpus_chunks
from corpus_tools.progress import progress_counter
from corpus_tools.text.matching import Folded

if TYPE_CHECKING:  # pandas is imported where a table is made: a stream's JSON needs none
    import pandas as pd

__all__ = [
    "copied_passages",
    "find_near_duplicates",
    "find_near_duplicates_dask",
    "passages_frame",
]


# --------------------------------------------------------------------------- corpus level


def find_near_duplicates(
    corpus: Any,
    *,
    config: DedupConfig | None = None,
    progress: bool | None = None,
    engine: str | Engine | None = "local",
    scheduler: str | None = None,
    partition_chars: int | None = None,
    keep: str | list[str] | None = "auto",
    **overrides: Any,
) -> DedupResult:
    """Find duplicate, near-duplicate, contained and partly copied documents of a corpus.

    Parameters
    ----------
    corpus : pandas.DataFrame, dict, list, stream or dask.dataframe.DataFrame
        A corpus table with ``doc_id`` and ``text`` (as from :func:`corpus_tools.load_corpus`),
        a dict ``{doc_id: text}``, a list of texts, or a stream of corpus tables
        (:func:`corpus_tools.io.stream_corpus`): then documents are folded and sketched a
        chunk at a time and their folded codes and shingle ids kept in a temporary file
        (read back as memory maps to verify, never folded twice) and their band keys and
        anchors in two more (grouped from there), so memory holds a few hundred bytes per
        document, not the corpus (plus, while aligning, about 12 bytes per character of
        the documents that need aligning). Same result. With an
        engine other than ``"local"``, also a Dask DataFrame with ``doc_id`` and ``text``
        (``dd.read_parquet("corpus/*.parquet")``), whose partitions are read and sketched
        on the workers: only the doc_ids come to this process.
    config : DedupConfig, optional
        Options; any field can be given as a keyword instead (``threshold=0.6``).
    progress : bool, optional
        Show a progress bar (default: only on a terminal).
    engine : {"local", "dask"} or Engine, default "local"
        ``"local"`` sketches and compares in this process. ``"dask"`` or an
        :class:`~corpus_tools.engine.Engine` (``DaskEngine(client)``, or
        ``LocalEngine(n_jobs=4)`` for processes on this machine) runs the partitioned plan
        (:mod:`corpus_tools.dedup.partitioned`) on it: partitions are sketched and kept
        where they are sent, and the signatures are never gathered in one process. Same
        result.
    scheduler : str, optional
        Address of a dask.distributed scheduler (``engine="dask"`` only; default: the
        session's client, else a local cluster on all cores).
    partition_chars : int, optional
        Partitioned plan only: characters per partition (default: one partition per
        worker, 200k to 20M characters each). Memory on a worker is about 10 bytes per
        character of the partitions it holds.
    keep : "auto", str, list of str or None, default "auto"
        Fields of the corpus carried beside each document (:mod:`corpus_tools.dedup.fields`):
        ``<field>_a`` and ``<field>_b`` after the columns of ``pairs``, ``<field>`` after
        those of ``clusters``. ``"auto"``: ``title`` and up to four short metadata fields
        (year, province ...); None: none. (Not for a Dask DataFrame, whose other columns
        stay on the workers.)

    Returns
    -------
    DedupResult
        ``pairs`` and ``clusters`` tables (see :class:`DedupResult`); ``to_json()`` gives
        the CLI's JSON.

    Raises
    ------
    EngineError
        When the scheduler cannot be reached.

    Examples
    --------
    >>> texts = {"a": "坚持党建引领，推动基层治理。" * 5, "b": "坚持党建引领，推动基层治理！" * 5}
    >>> find_near_duplicates(texts).pairs[["a", "b", "relation"]].values.tolist()
    [['a', 'b', 'duplicate']]
    >>> from corpus_tools.engine import LocalEngine
    >>> find_near_duplicates(texts, engine=LocalEngine(n_jobs=1)).pairs["relation"].tolist()
    ['duplicate']
    """
    func = "find_near_duplicates"
    eng = as_engine(engine, scheduler=scheduler, func=func)
    cfg = make_config(config, overrides, func)
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    if not is_local(engine):  # "dask" or an Engine: the partitioned plan
        if is_dask_frame(corpus):
            _check_dask_frame(corpus, func)
            return partitioned_near_duplicates(
                corpus,
                eng,
                config=cfg,
                progress=progress,
                partition_chars=partition_chars,
                func=func,
            )
        corpus = _as_corpus(corpus, func)
        fields = chosen_fields(corpus, keep, func)
        result = partitioned_near_duplicates(
            corpus, eng, config=cfg, progress=progress, partition_chars=partition_chars, func=func
        )
        return with_fields(result, corpus, fields)
    if partition_chars is not None:
        check_number(partition_chars, "partition_chars", func, kind=int, low=1)
    if keep is None and isinstance(corpus, CorpusStream):  # texts only: no table made
        return _streamed(corpus.text_chunks(), cfg, progress, func)
    chunks, corpus = corpus_chunks(corpus)
    if chunks is not None:  # a stream: sketch a chunk at a time, folded texts on disk
        import pandas as pd

        seen: list[pd.DataFrame] = []  # the chunks' metadata (not their texts)

        def texts() -> Iterator[tuple[list[str], list[str]]]:
            for chunk in chunks:
                frame = _as_corpus(chunk, func)
                seen.append(frame.drop(columns=[c for c in ("text",) if c in frame.columns]))
                yield _ids_texts(frame)

        result = _streamed(texts(), cfg, progress, func)
        if not seen:
            return result
        meta = pd.concat(seen, ignore_index=True)
        return with_fields(result, meta, chosen_fields(meta, keep, func))
    frame = _as_corpus(corpus, func)
    fields = chosen_fields(frame, keep, func)
    sketches = _Sketches(cfg, None)
    with progress_counter(desc="dedup: sketching", total=len(frame), enabled=progress) as bar:
        sketches.add(*_ids_texts(frame), bar, func)
    return with_fields(sketches.near_duplicates(progress=progress), frame, fields)


def _as_corpus(data: Any, func: str) -> pd.DataFrame:
    """``data`` as a corpus table (io.as_corpus, imported here: it imports pandas)."""
    from corpus_tools.io import as_corpus

    return as_corpus(data, func, name="corpus")


def _ids_texts(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The doc_ids and texts of a corpus table, as str."""
    return [str(x) for x in frame["doc_id"]], [str(t) for t in frame["text"]]


def _streamed(
    chunks: Iterable[tuple[list[str], list[str]]],
    cfg: DedupConfig,
    progress: bool | None,
    func: str,
) -> DedupResult:
    """:func:`find_near_duplicates` of a stream of ``(doc_ids, texts)`` chunks: each chunk
    sketched as it comes, its folded texts and shingles spilled to a temporary folder."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="corpus-tools-dedup-") as tmp:
        sketches = _Sketches(cfg, Path(tmp))
        with progress_counter(desc="dedup: sketching", enabled=progress) as bar:
            for ids, texts in chunks:
                sketches.add(ids, texts, bar, func)
                del ids, texts  # (the last chunk's texts: not held while searching)
        return sketches.near_duplicates(progress=progress)


def _check_dask_frame(ddf: Any, func: str) -> None:
    missing = [c for c in ("doc_id", "text") if c not in ddf.columns]
    if missing:
        raise InvalidParameterError(
            f"The 'corpus' parameter of {func} must have the columns ['doc_id', 'text']. "
            f"Columns {missing} are missing."
        )


class _Sketches:
    """The features of a corpus, gathered a chunk at a time, then searched and verified.

    With a ``folder``, each document's folded codes and shingle ids go to two files there
    (read back as memory maps when verifying) and their band keys and anchors to two more
    (:class:`~corpus_tools.dedup.candidates.SpilledPostings`), so memory holds a few
    hundred bytes per document; without, they stay in memory. Either way no text is folded or sketched twice.
    """

    def __init__(self, cfg: DedupConfig, folder: Path | None) -> None:
        self.cfg, self.folder = cfg, folder
        self.ids = DocIds()  # one buffer, not a Python string per document
        self.seen: set[str] = set()
        # one entry per chunk added: flat arrays, no object per document
        self.batches: list[FeatureBatch] = []
        self.n_codes: list[npt.NDArray[np.int64]] = []  # until joined into code_ptr
        self.code_ptr = np.zeros(1, dtype=np.int64)
        self.shingles: list[npt.NDArray[np.uint32]] = []  # in memory only
        self.codes: list[npt.NDArray[np.uint32]] = []
        self.files = None if folder is None else (folder / "shingles.u32", folder / "codes.u32")
        # band keys and anchors spilled too: grouped from their files, a part at a time
        self.spill = None if folder is None else SpilledPostings(folder, cfg.bands)

    def add(self, ids: list[str], texts: list[str], bar: Any, func: str) -> None:
        """Fold and sketch one chunk of documents (their doc_ids and texts)."""
        held = [i for i in ids if i in self.seen]
        if held:
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} holds {len(held)} doc_id(s) an earlier "
                f"chunk already has, e.g. {held[0]!r}. Give every document its own id."
            )
        self.seen.update(ids)
        self.ids.extend(ids)
        codes = fold_codes(texts, self.cfg)
        batch = features_batch(codes, self.cfg)
        if self.spill is not None:
            self.spill.add(batch.bands, batch.anchors, batch.anchor_ptr)
            batch = batch._replace(  # (the anchor counts: in the spill too)
                bands=np.zeros((0, self.cfg.bands), np.uint64),
                anchors=np.zeros(0, np.uint32),
                anchor_ptr=np.zeros(1, np.int64),
            )
        # the shingles go to the file (or self.shingles): a view of them would keep them all
        self.batches.append(batch._replace(shingles=np.zeros(0, dtype=np.uint32)))
        self.n_codes.append(np.fromiter(map(len, codes), dtype=np.int64, count=len(codes)))
        flat_codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.uint32)
        if bar is not None:
            bar.update(len(codes))
        if self.files is None:
            self.shingles.append(batch.shingles)
            self.codes.append(flat_codes)
            return
        for path, part in zip(self.files, (batch.shingles, flat_codes), strict=True):
            with open(path, "ab") as fh:
                _write_pieces(fh, part)

    def _all(self) -> FeatureBatch:
        """The features of every document added, as one batch (joined once)."""
        if len(self.batches) != 1:
            self.batches = [FeatureBatch.joined(self.batches, self.cfg.bands)]
        return self.batches[0]

    def _flat(self, k: int) -> npt.NDArray[np.uint32]:
        if self.files is None:
            parts = self.shingles if k == 0 else self.codes
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
        path = self.files[k]
        if not path.exists() or path.stat().st_size == 0:
            return np.zeros(0, dtype=np.uint32)
        return map_file(path, np.uint32)

    def table(self) -> FeatureTable:
        """The :class:`FeatureTable` of the documents added, in the order added."""
        if self.n_codes:  # joined once into the offsets (not held twice, nor per chunk)
            more = np.cumsum(np.concatenate(self.n_codes)) + self.code_ptr[-1]
            self.code_ptr, self.n_codes = np.concatenate([self.code_ptr, more]), []
        return FeatureTable(
            length=self._all().length,
            digest=self._all().digest,
            shingle_ptr=self._all().shingle_ptr,
            shingles=self._flat(0),
            code_ptr=self.code_ptr,
            codes=self._flat(1),
        )

    def near_duplicates(self, *, progress: bool | None) -> DedupResult:
        """Candidates from band keys and anchors, verified: :func:`find_near_duplicates`."""
        cfg = self.cfg
        self.seen = set()  # what add needed
        # documents in doc_id order: the output does not depend on the input order
        if self.folder is not None:  # the ids' buffer to a file too: none of it resident
            self.ids.spill(self.folder / "ids.utf8")
        order = self.ids.argsort()
        ids = self.ids.take(order)
        # each block of candidates is verified before the next is made
        found, table = self._candidates(order)
        result = verify_table(found, table, ids, cfg, rows=order, progress=progress)
        if found.capped_count:
            warn_capped(found.capped, ids, cfg.max_pairs_per_doc)
        return result

    def _postings(
        self, order: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
        """The band keys, anchors and anchor counts of the documents in ``order``, taken out
        of the batches (each dropped once copied, and the heap given back now and then): the
        band keys and anchors are held once, never joined and then ordered."""
        nb, parts, n = self.cfg.bands, self.batches, len(order)
        where = np.empty(n, dtype=np.int64)
        where[order] = np.arange(n, dtype=np.int64)
        counts = [np.diff(p.anchor_ptr) for p in parts]
        sizes = np.concatenate(counts)[order] if parts else np.zeros(0, dtype=np.int64)
        ptr = _offsets(sizes)
        bands = np.empty((n, nb), dtype=np.uint64)
        keys = np.empty(int(ptr[-1]), dtype=np.uint32)
        rest, row = [], 0
        while parts:
            part, count = parts.pop(0), counts.pop(0)
            at = where[row : row + len(count)]
            bands[at] = part.bands
            keys[expand_ranges(ptr[at], count)] = part.anchors
            rest.append(
                part._replace(bands=np.zeros((0, nb), np.uint64), anchors=np.zeros(0, np.uint32))
            )
            row += len(count)
            del part, at
            if len(parts) % _TRIM_EVERY == 0:
                release_heap()
        self.batches = [FeatureBatch.joined(rest, nb)]
        return bands, keys, sizes

    def _candidates(self, order: npt.NDArray[np.int64]) -> tuple[CandidateBlocks, FeatureTable]:
        """The candidate pairs of the documents in ``order`` (positions in that order), a
        block at a time (:func:`~corpus_tools.dedup.candidates.configured_candidate_blocks`),
        and the :class:`FeatureTable` to verify them."""
        spill = self.spill
        bands, keys, sizes = self._postings(order) if spill is None else (None, None, None)
        table = self.table()
        rows = order  # (not a list: a Python int per document)
        n = len(rows)
        lengths = table.length[order]
        ptr = table.shingle_ptr
        with contextlib.ExitStack() as stack:
            if self.files is None or not self.files[0].exists():  # in memory, or no document
                read = table.shingles.__getitem__
            else:  # read, not mapped: a read of a mapped file maps up to 2 MB around it
                fh = stack.enter_context(open(self.files[0], "rb"))
                read = functools.partial(_read_u32, fh.fileno())
            if spill is not None:
                return spill.candidate_blocks(
                    order,
                    lengths=lengths,
                    shingles_of=lambda k: np.asarray(read(slice(ptr[rows[k]], ptr[rows[k] + 1]))),
                    config=self.cfg,
                ), table
            assert bands is not None and keys is not None and sizes is not None
            blocks = configured_candidate_blocks(
                bands,
                keys,
                np.repeat(np.arange(n, dtype=np.int32 if n < 2**31 else np.int64), sizes),
                sizes,
                lengths=lengths,
                shingles_of=lambda k: np.asarray(read(slice(ptr[rows[k]], ptr[rows[k] + 1]))),
                config=self.cfg,
            )
            return blocks, table


#: Bytes written to a spill file at a time. Linux keeps a file written in large writes in
#: pages of up to 2 MB (large folios), and a read of one document of the file mapped then
#: maps all 2 MB into the process: verification's reads of a 2 GB corpus's folded codes
#: held 2.2 GB of them at once. Written 64 KB at a time, a read maps at most 64 KB.
_WRITE_BYTES = 1 << 16


def _write_pieces(fh: Any, arr: npt.NDArray[Any]) -> None:
    """Append ``arr``'s bytes to the open file ``fh``, :data:`_WRITE_BYTES` at a time."""
    data = np.ascontiguousarray(arr).view(np.uint8).data
    for at in range(0, len(data), _WRITE_BYTES):
        fh.write(data[at : at + _WRITE_BYTES])


#: Batches copied between two calls of :func:`release_heap` (each a chunk of the stream).
_TRIM_EVERY = 16


def _read_u32(fd: int, span: slice) -> npt.NDArray[np.uint32]:
    """Values ``span`` of a file of uint32, read (by offset) without mapping it."""
    count = int(span.stop) - int(span.start)
    data = os.pread(fd, 4 * count, 4 * int(span.start))
    return np.frombuffer(data, dtype=np.uint32, count=count)


def _offsets(sizes: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(np.asarray(sizes, dtype=np.int64), out=ptr[1:])
    return ptr


def find_near_duplicates_dask(
    corpus: Any,
    *,
    client: Any = None,
    scheduler: str | None = None,
    **options: Any,
) -> DedupResult:
    """Deprecated: :func:`find_near_duplicates` with ``engine=DaskEngine(client, scheduler)``.

    Warns a ``DeprecationWarning``; removed in corpus-tools 0.3. ``options`` are those of
    :func:`find_near_duplicates` (``config``, ``progress``, ``partition_chars``,
    ``threshold=0.6``, ...).

    Examples
    --------
    >>> from corpus_tools.engine import DaskEngine
    >>> find_near_duplicates(docs, engine=DaskEngine(client))      # doctest: +SKIP
    """
    engine = legacy_dask_engine(
        "find_near_duplicates_dask", "find_near_duplicates", client, scheduler
    )
    return find_near_duplicates(corpus, engine=engine, **options)


# --------------------------------------------------------------------------- passages


def copied_passages(
    submission: str,
    source: str,
    *,
    config: DedupConfig | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """The passages of ``submission`` copied from ``source``, with offsets into both texts.

    Parameters
    ----------
    submission, source : str
        Texts as loaded.
    config : DedupConfig, optional
        ``min_passage``, ``max_gap``, ``anchor_k`` and the folding options apply.

    Returns
    -------
    pandas.DataFrame
        One row per passage, in submission order: ``submission_start``,
        ``submission_end``, ``match_start``, ``match_end`` (int64 offsets into the texts
        as given), ``chars`` (int64, folded characters copied), ``text`` (str, the
        submission's passage: ``submission[submission_start:submission_end]``).

    Examples
    --------
    >>> src = "一、主要做法。坚持党建引领，推动基层治理能力现代化建设取得新成效。"
    >>> sub = "我们的体会是：坚持党建引领，推动基层治理能力现代化建设取得新成效！"
    >>> copied_passages(sub, src)["text"].tolist()
    ['坚持党建引领，推动基层治理能力现代化建设取得新成效']
    """
    func = "copied_passages"
    cfg = make_config(config, overrides, func)
    check_type(submission, "submission", func, str, "a str")
    check_type(source, "source", func, str, "a str")
    fa, fb = fold_text(submission, cfg), fold_text(source, cfg)
    spans = align_folded(
        fa.codes,
        fb.codes,
        k=cfg.anchor_k,
        min_passage=cfg.min_passage,
        max_gap=cfg.max_gap,
        seed=cfg.seed,
    )
    return passages_frame(spans, fa, fb, submission)


def passages_frame(
    spans: npt.NDArray[np.int64], fa: Folded, fb: Folded, submission: str
) -> pd.DataFrame:
    """Folded passage spans mapped to original offsets, as a table."""
    import pandas as pd

    if len(spans):
        ss, se = fa.starts[spans[:, 0]], fa.ends[spans[:, 1] - 1]
        ms, me = fb.starts[spans[:, 2]], fb.ends[spans[:, 3] - 1]
    else:
        ss = se = ms = me = np.zeros(0, dtype=np.int64)
    return pd.DataFrame(
        {
            "submission_start": ss.astype(np.int64),
            "submission_end": se.astype(np.int64),
            "match_start": ms.astype(np.int64),
            "match_end": me.astype(np.int64),
            "chars": (spans[:, 1] - spans[:, 0]).astype(np.int64),
            "text": pd.Series([submission[s:e] for s, e in zip(ss, se, strict=True)], dtype=object),
        }
    )
