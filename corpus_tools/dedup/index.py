"""A persistent index of held documents, and flagging submissions that copy them.

:class:`DedupIndex` holds, per document, its LSH band keys, its sampled anchors (as an
inverted index) and its text (compressed), so a submission is matched against the index
without the corpus at hand, and its copied passages are reported with offsets into both
texts. Documents are added without rebuilding; on disk the index is a directory (its format:
:mod:`corpus_tools.dedup.store`). The verdict on each submission comes from
:mod:`corpus_tools.dedup.flag`, given the candidate sources the index finds.

Examples
--------
>>> import corpus_tools as ct
>>> index = ct.DedupIndex().build(ct.load_corpus("data/raw").documents)   # doctest: +SKIP
>>> index.save("data/processed/index")                                     # doctest: +SKIP
>>> report = ct.DedupIndex.load("data/processed/index").flag({"new": text})  # doctest: +SKIP
>>> report.submissions                                                     # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import shutil
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.candidates import (
    SpilledPostings,
    anchor_pairs_ok,
    configured_candidates,
    read_into,
    release_heap,
    warn_capped,
)
from corpus_tools.dedup.config import DedupConfig, effective_max_df, make_config
from corpus_tools.dedup.flag import (
    FlagReport,
    HeldSource,
    flag_report,
    given_places,
    judge_submission,
    submission_places,
)
from corpus_tools.dedup.sketch import (
    DocFeatures,
    features_of_folded,
    features_of_many,
    fold_codes,
    fold_text,
    shingle_hashes,
    shingle_set,
)
from corpus_tools.dedup.store import (
    LOCATION_COLUMNS,
    LOCK_TIMEOUT,
    ROLES,
    SPILL_PREFIX,
    ArrayParts,
    BlockCheck,
    DocTable,
    IndexCheck,
    StoredIndex,
    band_tables,
    check_index,
    check_target,
    copy_file,
    current_generation,
    drop_documents,
    empty_locations,
    map_arrays,
    move_file,
    read_for_repair,
    read_generation,
    read_text,
    remove_leftovers,
    segment_name,
    write_generation,
    write_texts,
    writer_lock,
)
from corpus_tools.dedup.verify import DedupResult, verify_candidates
from corpus_tools.errors import (
    IndexChangedError,
    IndexFormatError,
    InvalidParameterError,
    OutputError,
    check_choice,
    check_number,
    check_type,
    param_error,
)

if TYPE_CHECKING:  # pandas is imported where a table is made: flagging a dict needs none
    import pandas as pd

__all__ = ["DedupIndex", "IndexRepair", "flag_submissions", "repair_index", "unit_values"]

#: Folded characters of the documents whose features stay cached while pairs are verified
#: (about 25 bytes each: 20M characters is about 500 MB).
_VERIFY_CACHE_CHARS = 20_000_000
#: Characters of added texts held in memory before they are written to a temporary file.
SPILL_CHARS = 50_000_000
#: Documents sketched at a time when a repair recomputes the search arrays from the texts.
_RESKETCH_BATCH = 1000
#: Bytes of band keys and anchors of added documents held in memory (about 0.6 KB a
#: document) before they are written to the spill folder; from then on every added
#: chunk's are, and :meth:`DedupIndex.save` writes the search arrays from there a band or
#: a range of anchors at a time, so memory holds a few numbers per document, not its
#: sketches (600 MB at a million documents, and as much again to sort them).
SKETCH_SPILL_BYTES = 32 << 20
#: Anchors (postings) sorted at a time when the spilled ones are written in key order.
_ANCHOR_PART = 1 << 21
#: Rows of an index's band keys copied at a time when they are written.
_BAND_ROWS = 1 << 16


#: Values either side of each range a query reads from a loaded index's sorted arrays that
#: are checked to be in order too (a crafted index whose keys are not is refused when read).
_NEAR = 16


def _unsorted(values: npt.NDArray[Any]) -> bool:
    return bool((values[1:] < values[:-1]).any())


def _unsorted_ranges(
    values: npt.NDArray[Any], lo: npt.NDArray[np.int64], hi: npt.NDArray[np.int64]
) -> bool:
    """Whether any of the ranges ``values[lo[i]:hi[i]]`` is not sorted."""
    length = hi - lo
    first = np.repeat(np.cumsum(length) - length, length)
    at = np.repeat(lo, length) + (np.arange(int(length.sum())) - first)
    owner = np.repeat(np.arange(len(length)), length)
    got = values[at]
    return bool(((got[1:] < got[:-1]) & (owner[1:] == owner[:-1])).any())


class _Candidates(NamedTuple):
    """Held documents that may relate to a document (:meth:`DedupIndex.candidates`)."""

    doc: npt.NDArray[np.int64]
    bands: npt.NDArray[np.int64]
    hits: npt.NDArray[np.int64]


class _Chunk(NamedTuple):
    """What the index keeps of the :class:`DocFeatures` of a chunk of added documents."""

    chars: npt.NDArray[Any]  # int64, or int32 once its sketches are spilled (_narrow)
    length: npt.NDArray[Any]
    n_shingles: npt.NDArray[Any]
    n_anchors: npt.NDArray[Any]
    digest: npt.NDArray[np.uint64]
    bands: npt.NDArray[np.uint64]
    postings: npt.NDArray[np.uint64]  # (anchor << 32) | doc position
    role: npt.NDArray[np.int8]  # position in ROLES
    unit: npt.NDArray[np.object_]  # str or None

    @classmethod
    def of(
        cls,
        feats: list[DocFeatures],
        chars: list[int],
        start: int,
        n_bands: int,
        *,
        role: npt.NDArray[np.int8],
        unit: npt.NDArray[np.object_],
    ) -> _Chunk:
        n_anchors = np.array([len(f.anchors) for f in feats], dtype=np.int64)
        docs = np.repeat(np.arange(start, start + len(feats), dtype=np.uint64), n_anchors)
        keys = (
            np.concatenate([f.anchors for f in feats]).astype(np.uint64)
            if feats
            else np.zeros(0, dtype=np.uint64)
        )
        return cls(
            chars=np.array(chars, dtype=np.int64),
            length=np.array([f.length for f in feats], dtype=np.int64),
            n_shingles=np.array([len(f.shingles) for f in feats], dtype=np.int64),
            n_anchors=n_anchors,
            digest=np.array([f.digest for f in feats], dtype=np.uint64),
            bands=(
                np.stack([f.bands for f in feats])
                if feats
                else np.zeros((0, n_bands), dtype=np.uint64)
            ),
            postings=(keys << np.uint64(32)) | docs,
            role=role,
            unit=unit,
        )


_NO_POSTINGS = np.zeros(0, dtype=np.uint64)
#: The column of the text locations that may pass 2**32 (the others are held as uint32
#: while texts are spilled: segment numbers, a text's compressed size, its CRC-32).
_OFFSET = LOCATION_COLUMNS.index("offset")
_NOT_OFFSET = [k for k in range(len(LOCATION_COLUMNS)) if k != _OFFSET]
#: The per-document columns of a :class:`_Chunk` (and of the index, with a ``_``).
_DOC_COLUMNS = ("chars", "length", "n_shingles", "n_anchors", "digest", "role", "unit")


def _narrow(values: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    """Counts as int32 when they fit (half the memory while a large corpus is added)."""
    if values.dtype == np.int32 or (len(values) and int(values.max()) >= 2**31):
        return values
    return values.astype(np.int32)


class _IdHashes:
    """The hashes of the doc_ids an index holds, in sorted runs (8 bytes an id): whether an
    added id may be held is looked up there, and only a hit is checked against the ids."""

    def __init__(self, ids: list[str]) -> None:
        self.runs: list[npt.NDArray[np.int64]] = []
        self.add(self.of(ids))

    @staticmethod
    def of(ids: list[str]) -> npt.NDArray[np.int64]:
        return np.fromiter((hash(i) for i in ids), dtype=np.int64, count=len(ids))

    def add(self, hashes: npt.NDArray[np.int64]) -> None:
        run = np.sort(hashes)
        while self.runs and len(self.runs[-1]) <= 2 * len(run):  # (few runs, each merged
            run = np.sort(np.concatenate([self.runs.pop(), run]), kind="stable")  # rarely)
        self.runs.append(run)

    def held(self, hashes: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        hit = np.zeros(len(hashes), dtype=bool)
        for run in self.runs:
            if len(run):
                at = np.minimum(np.searchsorted(run, hashes), len(run) - 1)
                hit |= run[at] == hashes
        return hit


class _SpilledSketches:
    """The band keys and anchors of the documents added from position ``start`` on, in a
    :class:`~corpus_tools.dedup.candidates.SpilledPostings` folder, read back in the order
    of the index's arrays: its rows of band keys a chunk at a time, a band's keys of every
    document, the anchors of a range of buckets (the first bits of the key)."""

    def __init__(self, folder: Path, bands: int, start: int) -> None:
        self.folder = folder
        self.spill = SpilledPostings(folder, bands)
        self.start = start

    @property
    def rows(self) -> int:
        return self.spill.rows

    def add(self, chunk: _Chunk) -> None:
        ptr = np.zeros(len(chunk.n_anchors) + 1, dtype=np.int64)
        np.cumsum(chunk.n_anchors, out=ptr[1:])
        anchors = (chunk.postings >> np.uint64(32)).astype(np.uint32)
        self.spill.add(chunk.bands, anchors, ptr)

    def band_rows(self) -> Iterator[npt.NDArray[np.uint64]]:
        """The band keys of each chunk (documents x bands)."""
        nb = self.spill.nb
        with open(self.spill.bands_path, "rb") as fh:
            at = 0
            for m in self.spill.chunk_rows:
                buf = np.empty((nb, m), dtype=np.uint64)  # (written band after band)
                read_into(fh.fileno(), buf, at)
                at += buf.nbytes
                yield buf.T

    def codes(self, cum: npt.NDArray[np.int64], b0: int, b1: int) -> npt.NDArray[np.uint64]:
        """The anchors of buckets ``b0`` to ``b1`` as ``key << 32 | document`` (unsorted)."""
        buf = self.spill.bucket_codes(cum, b0, b1)
        buf += np.uint64(self.start)  # (row numbers from 0: the documents from start)
        return buf


def _spilled_arrays(
    old: tuple[npt.NDArray[np.uint64] | None, npt.NDArray[np.uint32], npt.NDArray[np.uint32]],
    sketches: _SpilledSketches,
) -> dict[str, ArrayParts]:
    """The search arrays of an index whose first documents' are ``old`` (its bands, anchor
    keys and anchor documents) and the others' spilled in ``sketches``, to write a part at
    a time: the values :meth:`DedupIndex._merged` and :func:`band_tables` make of them."""
    old_bands, old_keys, old_docs = old
    s0 = sketches.start
    nb = sketches.spill.nb
    n = s0 + sketches.rows

    def bands() -> Iterator[npt.NDArray[np.uint64]]:
        for at in range(0, s0, _BAND_ROWS):
            assert old_bands is not None
            yield old_bands[at : at + _BAND_ROWS]
        yield from sketches.band_rows()

    def band_sorted(b: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        column = np.empty(n, dtype=np.uint64)
        if s0:
            assert old_bands is not None
            column[:s0] = old_bands[:, b]
        sketches.spill.band_column(b, column[s0:])
        at = np.argsort(column, kind="stable")
        return column[at], at

    # the anchors, a range of buckets at a time: those of the old arrays and the spill's
    cum = sketches.spill.bucket_bounds()
    buckets = cum.shape[1] - 1
    shift = 32 - (buckets.bit_length() - 1)
    edges = (np.arange(buckets, dtype=np.uint64) << np.uint64(shift)).astype(np.uint32)
    old_at = np.append(np.searchsorted(old_keys, edges), len(old_keys)).astype(np.int64)
    totals = (cum[:, 1:] - cum[:, :-1]).sum(axis=0) + np.diff(old_at)
    parts = _bucket_parts(totals, _ANCHOR_PART)

    def anchor_codes() -> Iterator[npt.NDArray[np.uint64]]:
        for b0, b1 in parts:
            lo, hi = int(old_at[b0]), int(old_at[b1])
            old_codes = (old_keys[lo:hi].astype(np.uint64) << np.uint64(32)) | old_docs[
                lo:hi
            ].astype(np.uint64)
            code = np.concatenate([old_codes, sketches.codes(cum, b0, b1)])
            del old_codes
            code.sort()
            yield code
            release_heap()

    p = int(totals.sum())
    u32, u64 = np.dtype(np.uint32), np.dtype(np.uint64)
    return {
        "bands": ArrayParts((n, nb), u64, bands),
        "anchor_keys": ArrayParts(
            (p,), u32, lambda: ((c >> np.uint64(32)).astype(np.uint32) for c in anchor_codes())
        ),
        "anchor_docs": ArrayParts(
            (p,),
            u32,
            lambda: ((c & np.uint64(0xFFFFFFFF)).astype(np.uint32) for c in anchor_codes()),
        ),
        "band_keys": ArrayParts((nb, n), u64, lambda: (band_sorted(b)[0] for b in range(nb))),
        "band_order": ArrayParts(
            (nb, n), u32, lambda: (band_sorted(b)[1].astype(np.uint32) for b in range(nb))
        ),
    }


def _bucket_parts(totals: npt.NDArray[np.int64], part: int) -> list[tuple[int, int]]:
    """Consecutive ranges of buckets holding about ``part`` values each (a bucket with more
    is a range of its own); every bucket in one range."""
    parts, b0, held = [], 0, 0
    for b, count in enumerate(totals.tolist()):
        if held and held + count > part:
            parts.append((b0, b))
            b0, held = b, 0
        held += count
    parts.append((b0, len(totals)))
    return parts


def _plain_texts(data: Any) -> list[tuple[str, str]] | None:
    """``(doc_id, text)`` of a dict ``{doc_id: text}`` or a list of texts, as the corpus
    table would hold them; None for anything else (or anything a corpus table refuses):
    that is read as a table."""
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, (list, tuple)):
        items = [(str(k), t) for k, t in enumerate(data)]
    else:
        return None
    if not all(isinstance(k, str) and isinstance(t, str) for k, t in items):
        return None
    return items


def unit_values(frame: pd.DataFrame, field: str | None) -> npt.NDArray[np.object_]:
    """The unit of each row of a corpus table: its ``field`` as a str, None where it is
    missing or empty (or when ``field`` is None or not a column).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"doc_id": ["a", "b"], "text": ["", ""], "county": ["甲县", None]})
    >>> unit_values(frame, "county").tolist()
    ['甲县', None]
    """
    out = np.full(len(frame), None, dtype=object)
    if field is None or field not in frame.columns:
        return out
    for k, value in enumerate(frame[field].tolist()):
        if isinstance(value, float) and math.isnan(value):
            continue
        if value is not None and str(value).strip():
            out[k] = str(value)
    return out


class DedupIndex:
    """An index of held documents to flag submissions against (build, add, query, save, load).

    Parameters
    ----------
    config : DedupConfig, optional
        Matching options (see :class:`corpus_tools.dedup.DedupConfig`); any field can be
        given as a keyword. They are validated by :meth:`build` and stored with the index.
    spill_dir : path, optional
        Where texts go while a large corpus is added (more than :data:`SPILL_CHARS`
        characters not yet saved), and its band keys and anchors (more than
        :data:`SKETCH_SPILL_BYTES`): a hidden temporary folder made there (default: the
        system's temporary folder), removed with the index; :meth:`save` moves the texts
        into place and writes the search arrays from the folder a band or a range of
        anchors at a time, then maps them. Memory then holds about 150 bytes per document
        (its id and a few numbers) and at most :data:`SPILL_CHARS` characters of texts,
        not the corpus nor its search structures (about 1 KB per document of 2,000
        characters); a query before the save reads those back into memory.

    Attributes
    ----------
    doc_ids_ : list of str
        The held documents, in the order they were added.
    config_ : DedupConfig
        The validated options.
    roles_, units_ : numpy.ndarray of object
        Each held document's role (``peer`` or ``reference``) and unit (str or None).
    unit_field_ : str or None
        The metadata field the units came from (see :meth:`add`).

    Examples
    --------
    >>> held = {"r1": "坚持党建引领，推动基层治理能力现代化建设取得新成效。" * 4}
    >>> index = DedupIndex().build(held)
    >>> report = index.flag({"sub": "我们：" + held["r1"]})
    >>> bool(report.submissions["flagged"][0]), report.matches["doc_id"].tolist()
    (True, ['r1'])
    """

    def __init__(
        self,
        config: DedupConfig | None = None,
        *,
        spill_dir: str | os.PathLike[str] | None = None,
        **overrides: Any,
    ) -> None:
        if spill_dir is not None:
            check_type(spill_dir, "spill_dir", "DedupIndex", (str, os.PathLike), "a folder path")
        self.config = config
        self.overrides = overrides
        self.spill_dir = spill_dir
        self._reset()

    # ------------------------------------------------------------------ state

    def _reset(self) -> None:
        old_tmp: Path | None = getattr(self, "_tmp", None)
        if old_tmp is not None:  # texts spilled by an earlier build, never saved
            shutil.rmtree(old_tmp, ignore_errors=True)
        self.doc_ids_: list[str] = []
        # the position of each doc_id (made when first needed), and the ids' hashes that
        # an add checks its ids against (8 bytes a document, not a dict of every id)
        self._positions: dict[str, int] | None = None
        self._id_hashes: _IdHashes | None = None
        self._chars = np.zeros(0, dtype=np.int64)
        self._length = np.zeros(0, dtype=np.int64)
        self._n_shingles = np.zeros(0, dtype=np.int64)
        self._n_anchors = np.zeros(0, dtype=np.int64)
        self._digest = np.zeros(0, dtype=np.uint64)
        self._role = np.zeros(0, dtype=np.int8)
        self._unit = np.zeros(0, dtype=object)
        self.unit_field_: str | None = None
        self._bands: npt.NDArray[np.uint64] | None = None
        self._anchor_keys = np.zeros(0, dtype=np.uint32)
        self._anchor_docs = np.zeros(0, dtype=np.uint32)
        # the band order (each band's keys sorted, and the document at each place): stored
        # in the index since format version 3, else computed when first needed
        self._band_sorted: npt.NDArray[np.uint64] | None = None
        self._band_order: npt.NDArray[np.uint32] | None = None
        # the checksums of the loaded files still to check (BlockCheck), None when all were
        self._checks: BlockCheck | None = None
        # texts: in memory (not yet saved) or located in a segment file
        self._mem_texts: dict[int, str] = {}
        self._text_loc = empty_locations()
        # (of spilled texts, to append: offsets, and the other columns as uint32)
        self._loc_parts: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]] = []
        self._segments: dict[int, Path] = {}
        # the directory this index was loaded from or saved to, and its generation there
        self._dir: Path | None = None
        self._generation: int | None = None
        # added documents whose columns are not yet merged into the arrays above
        self._pending: list[_Chunk] = []
        # ... and whose sketches are not: in memory, or in a spill folder once large
        self._sketches: list[_Chunk] = []
        self._sketch_bytes = 0
        self._sketch: _SpilledSketches | None = None
        # texts written to a temporary folder while adding (moved into place by save)
        self._spilled: set[int] = set()
        self._mem_chars = 0
        self._tmp: Path | None = None

    def __len__(self) -> int:
        return len(self.doc_ids_)

    def __repr__(self) -> str:
        return f"DedupIndex({len(self)} documents)"

    @property
    def config_(self) -> DedupConfig:
        cfg: DedupConfig | None = getattr(self, "_config", None)
        if cfg is None:
            cfg = make_config(self.config, self.overrides, "DedupIndex")
            self._config = cfg
        return cfg

    #: Options that only decide on verified pairs, so they can change on a built index.
    DECISION_OPTIONS = ("threshold", "containment", "partial", "min_passage", "max_gap")

    def set_options(self, **options: Any) -> DedupIndex:
        """Change the decision thresholds of a built or loaded index; returns ``self``.

        Only :attr:`DECISION_OPTIONS` can change: the others shaped the stored sketches.

        Examples
        --------
        >>> DedupIndex().build({"a": "坚持党建引领"}).set_options(partial=0.5).config_.partial
        0.5
        """
        bad = [k for k in options if k not in self.DECISION_OPTIONS]
        if bad:
            raise param_error(
                bad[0],
                "DedupIndex.set_options",
                f"one of {list(self.DECISION_OPTIONS)} (the other options need a rebuild)",
                options[bad[0]],
            )
        self._config = make_config(self.config_, options, "DedupIndex.set_options")
        return self

    # ------------------------------------------------------------------ building

    def build(
        self,
        corpus: Any,
        *,
        role: str = "peer",
        unit_field: str | None = None,
        progress: bool | None = None,
    ) -> DedupIndex:
        """Index ``corpus``, replacing any documents held; returns ``self``.

        ``corpus`` is a corpus table, a dict ``{doc_id: text}``, a list of texts, or a
        stream of corpus tables (:func:`corpus_tools.io.stream_corpus`), which is indexed a
        chunk at a time. ``role`` and ``unit_field`` are those of :meth:`add`."""
        self._config = make_config(self.config, self.overrides, "DedupIndex.build")
        self._reset()
        return self.add(corpus, role=role, unit_field=unit_field, progress=progress)

    def add(
        self,
        corpus: Any,
        *,
        role: str = "peer",
        unit_field: str | None = None,
        progress: bool | None = None,
    ) -> DedupIndex:
        """Add documents without recomputing those already held; returns ``self``.

        ``corpus`` is what :meth:`build` takes. A stream is added a chunk at a time; if a
        chunk is refused, the chunks before it stay added.

        Parameters
        ----------
        role : {"peer", "reference"}
            What these documents are to a submission: ``reference`` may be quoted (central
            documents, the national work report: a passage found in one is quotation, not
            copying); ``peer`` is anything else (other units' reports, earlier reports,
            model essays).
        unit_field : str, optional
            A metadata column of ``corpus`` naming each document's unit (the county, the
            bureau): a submission of the same unit that matches it recycles its own draft
            (see :meth:`flag`). The index keeps the field's name; later adds take it by
            default (documents without it have no unit).

        Raises
        ------
        InvalidParameterError
            When a ``doc_id`` is already held (ids identify documents), or ``unit_field``
            is not a column of ``corpus`` or differs from the index's.

        Examples
        --------
        >>> index = DedupIndex().build({"r1": "坚持党建引领，推动基层治理。"})
        >>> _ = index.add({"gwr": "全面落实三会一课制度。"}, role="reference")
        >>> index.roles_.tolist()
        ['peer', 'reference']
        """
        from corpus_tools.io import as_corpus, corpus_chunks
        from corpus_tools.progress import progress_counter

        func = "DedupIndex.add"
        code = ROLES.index(check_choice(role, "role", func, ROLES))
        if unit_field is not None:
            check_type(unit_field, "unit_field", func, str, "a metadata field name (str)")
            if self.unit_field_ not in (None, unit_field):
                raise param_error(
                    "unit_field",
                    func,
                    f"the index's unit field {self.unit_field_!r} (or None)",
                    unit_field,
                )
        field = unit_field if unit_field is not None else self.unit_field_
        chunks, corpus = corpus_chunks(corpus)
        if chunks is None:
            frame = as_corpus(corpus, func, name="corpus")
            if unit_field is not None and unit_field not in frame.columns:
                raise param_error(
                    "unit_field", func, f"a column of the corpus {list(frame.columns)}", unit_field
                )
            with progress_counter(
                desc="dedup: sketching", total=len(frame), enabled=progress
            ) as bar:
                self._add_frame(frame, bar, role=code, unit_field=field)
        else:
            seen: list[str] = []  # the columns of the tables added, for the message
            with progress_counter(desc="dedup: sketching", enabled=progress) as bar:
                for chunk in chunks:
                    frame = as_corpus(chunk, func, name="corpus")
                    seen.extend(c for c in frame.columns if c not in seen)
                    self._add_frame(frame, bar, role=code, unit_field=field)
            if unit_field is not None and unit_field not in seen:
                raise param_error("unit_field", func, f"a column of the corpus {seen}", unit_field)
        if unit_field is not None:
            self.unit_field_ = unit_field
        return self

    @property
    def roles_(self) -> npt.NDArray[np.object_]:
        """The role of each held document (``peer`` or ``reference``), in index order."""
        self._merged_docs()
        return np.array(ROLES, dtype=object)[self._role]

    @property
    def units_(self) -> npt.NDArray[np.object_]:
        """The unit of each held document (str, or None when it has none), in index order."""
        self._merged_docs()
        return self._unit.copy()

    @property
    def _id_pos(self) -> dict[str, int]:
        """The position of each held ``doc_id``."""
        if self._positions is None:
            ids = self.doc_ids_
            self._positions = dict(zip(ids, range(len(ids)), strict=True))
        return self._positions

    def _add_frame(
        self, frame: pd.DataFrame, bar: Any, *, role: int, unit_field: str | None
    ) -> None:
        cfg = self.config_
        ids = [str(x) for x in frame["doc_id"]]
        if self._id_hashes is None:
            self._id_hashes = _IdHashes(self.doc_ids_)
        hashes = _IdHashes.of(ids)
        held: list[str] = []
        if self._id_hashes.held(hashes).any():  # (then exactly: a hash may be shared)
            known = set(self.doc_ids_)
            held = [i for i in ids if i in known]
        if held:
            raise InvalidParameterError(
                f"The 'corpus' parameter of DedupIndex.add holds {len(held)} doc_id(s) the "
                f"index already has, e.g. {held[0]!r}. Give new ids, or build a new index."
            )
        texts = [str(t) for t in frame["text"]]
        start = len(self.doc_ids_)
        feats: list[DocFeatures] = features_of_many(fold_codes(texts, cfg), cfg)
        if bar is not None:
            bar.update(len(texts))
        for k, (doc_id, text) in enumerate(zip(ids, texts, strict=True)):
            if self._positions is not None:
                self._positions[doc_id] = start + k
            self._mem_texts[start + k] = text
            self._mem_chars += len(text)
        self.doc_ids_.extend(ids)
        self._id_hashes.add(hashes)
        units = unit_values(frame, unit_field)
        # the index keeps the size of the shingle set, not the set (about 1 KB per doc)
        self._queue(
            _Chunk.of(
                feats,
                [len(t) for t in texts],
                start,
                cfg.bands,
                role=np.full(len(ids), role, dtype=np.int8),
                unit=units,
            )
        )
        if self._mem_chars > SPILL_CHARS:
            self._spill()

    def _queue(self, chunk: _Chunk) -> None:
        """Hold an added chunk until it is merged: its sketches in memory, or written to
        the spill folder once they take more than :data:`SKETCH_SPILL_BYTES`."""
        self._pending.append(chunk)
        self._sketches.append(chunk)
        self._sketch_bytes += chunk.bands.nbytes + chunk.postings.nbytes
        if self._sketch is None and self._sketch_bytes <= SKETCH_SPILL_BYTES:
            return
        if self._sketch is None:
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="sketches-", dir=self._spill_folder()))
            start = 0 if self._bands is None else len(self._bands)
            self._sketch = _SpilledSketches(folder, self.config_.bands, start)
        for held in self._sketches:
            self._sketch.add(held)
        self._sketches = []
        self._sketch_bytes = 0
        # the chunks keep their per-document columns (a few numbers each), not sketches
        self._pending = [  # (new empty arrays: a slice would hold the sketches alive)
            c._replace(
                bands=np.zeros((0, c.bands.shape[1]), np.uint64),
                postings=_NO_POSTINGS,
                chars=_narrow(c.chars),
                length=_narrow(c.length),
                n_shingles=_narrow(c.n_shingles),
                n_anchors=_narrow(c.n_anchors),
            )
            for c in self._pending
        ]

    def _merged_docs(self) -> None:
        """Merge the per-document columns of added chunks into the index's (their sketches
        are merged by :meth:`_merged`)."""
        if not self._pending:
            return
        self._check_all()  # (the loaded arrays are copied into the merged ones)
        parts = self._pending[::-1]
        self._pending = []
        held = len(self._chars)
        merged = {}
        for name in _DOC_COLUMNS:  # (filled as the chunks go: not both in memory)
            old = getattr(self, f"_{name}")
            merged[name] = np.empty(held + sum(len(c.chars) for c in parts), dtype=old.dtype)
            merged[name][:held] = old
        while parts:
            chunk = parts.pop()
            for name in _DOC_COLUMNS:
                merged[name][held : held + len(chunk.chars)] = getattr(chunk, name)
            held += len(chunk.chars)
            del chunk
        for name in _DOC_COLUMNS:
            setattr(self, f"_{name}", merged[name])
        release_heap()

    def _merged(self) -> None:
        """Merge the added chunks into the search arrays (once, not per chunk)."""
        self._merged_docs()
        if not self._sketches and self._sketch is None:
            return
        self._check_all()  # (the loaded arrays are copied into the merged ones)
        if self._sketch is not None:  # (then every chunk's sketches are in its folder)
            made = self._spilled_arrays()
            self._bands = np.concatenate(
                [np.asarray(p).reshape(-1) for p in made["bands"].parts()]
            ).reshape(made["bands"].shape)
            keys = made["anchor_keys"]
            self._anchor_keys = np.concatenate([np.zeros(0, np.uint32), *keys.parts()])
            docs = made["anchor_docs"]
            self._anchor_docs = np.concatenate([np.zeros(0, np.uint32), *docs.parts()])
            shutil.rmtree(self._sketch.folder, ignore_errors=True)
            self._sketch = None
        else:
            parts = self._sketches
            bands = [c.bands for c in parts]
            self._bands = np.concatenate(bands if self._bands is None else [self._bands, *bands])
            # one sort of (anchor, doc) for every posting, held as one uint64 code
            code = np.concatenate(
                [
                    (self._anchor_keys.astype(np.uint64) << np.uint64(32))
                    | self._anchor_docs.astype(np.uint64),
                    *[c.postings for c in parts],
                ]
            )
            code.sort()
            self._anchor_keys = (code >> np.uint64(32)).astype(np.uint32)
            self._anchor_docs = (code & np.uint64(0xFFFFFFFF)).astype(np.uint32)
            del code
        self._sketches = []
        self._sketch_bytes = 0
        self._band_sorted = self._band_order = None
        self._checks = None  # (every array is in memory now, its files checked whole)

    def _spilled_arrays(self) -> dict[str, ArrayParts]:
        """The search arrays of the index and its spilled sketches, to write a part at a
        time (:func:`_spilled_arrays`)."""
        assert self._sketch is not None
        old = (self._bands, self._anchor_keys, self._anchor_docs)
        return _spilled_arrays(old, self._sketch)

    def _locations(self) -> npt.NDArray[np.int64]:
        """Where each stored text is (one row per document written to a segment)."""
        if self._loc_parts:
            parts, self._loc_parts = self._loc_parts[::-1], []
            held = len(self._text_loc)
            rows = held + sum(len(p[0]) for p in parts)
            loc = np.empty((rows, len(LOCATION_COLUMNS)), dtype=np.int64)
            loc[:held] = self._text_loc
            self._text_loc = loc
            while parts:  # (filled as the parts go: not both in memory)
                offsets, others = parts.pop()
                loc[held : held + len(offsets), _OFFSET] = offsets
                loc[held : held + len(offsets), _NOT_OFFSET] = others
                held += len(offsets)
        return self._text_loc

    def _spill_folder(self) -> Path:
        """The temporary folder of this index (made when first needed)."""
        if self._tmp is None:
            import tempfile
            import weakref

            try:
                tmp = tempfile.mkdtemp(prefix=SPILL_PREFIX, dir=self.spill_dir)
            except OSError as exc:
                raise OutputError(
                    f"cannot make a temporary folder for index texts in "
                    f"{self.spill_dir or tempfile.gettempdir()}: {exc}"
                ) from exc
            self._tmp = Path(tmp)
            weakref.finalize(self, shutil.rmtree, tmp, ignore_errors=True)
        return self._tmp

    def _spill(self) -> None:
        """Write the texts held in memory to a new segment in the temporary folder."""
        if not self._mem_texts:
            return
        tmp = self._spill_folder()
        seg = max(self._segments, default=-1) + 1
        path = tmp / segment_name(0, seg)
        loc = write_texts(path, seg, self._mem_texts)
        self._segments[seg] = path
        self._spilled.add(seg)
        # (joined when read: no copy of them all per segment)
        self._loc_parts.append((loc[:, _OFFSET].copy(), loc[:, _NOT_OFFSET].astype(np.uint32)))
        self._mem_texts = {}
        self._mem_chars = 0

    # ------------------------------------------------------------------ querying

    def _band_tables(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
        """The band order (:func:`corpus_tools.dedup.store.band_tables`), computed once
        when the index was not loaded with it."""
        self._merged()
        if self._band_sorted is None or self._band_order is None:
            self._check_all()
            bands = self._bands
            if bands is None:
                bands = np.zeros((0, self.config_.bands), np.uint64)
            self._band_sorted, self._band_order = band_tables(bands)
        return self._band_sorted, self._band_order

    def _band_hits(self, bands: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """Per held document, how many of the band keys ``bands`` it shares."""
        n = len(self)
        hits = np.zeros(n, dtype=np.int64)
        if not n:
            return hits
        sorted_keys, order = self._band_tables()
        n_bands = sorted_keys.shape[0]
        lo = np.array(
            [np.searchsorted(sorted_keys[b], bands[b], side="left") for b in range(n_bands)],
            dtype=np.int64,
        )
        hi = np.array(
            [np.searchsorted(sorted_keys[b], bands[b], side="right") for b in range(n_bands)],
            dtype=np.int64,
        )
        if self._checks is not None:  # the values read, and those either side, are intact
            row = np.arange(n_bands, dtype=np.int64) * n
            near_lo, near_hi = np.maximum(lo - _NEAR, 0), np.minimum(hi + _NEAR, n)
            self._checks.check("band_keys", row + near_lo, row + near_hi, 8)
            self._checks.check("band_order", row + lo, row + hi, 4)
            for b in range(n_bands):  # (and fit: sorted about them, pointing at documents)
                if _unsorted(sorted_keys[b, near_lo[b] : near_hi[b]]):
                    raise self._inconsistent("the band keys are not sorted")
        for b in range(n_bands):
            docs = order[b, lo[b] : hi[b]]
            if self._checks is not None and len(docs) and int(docs.max()) >= n:
                raise self._inconsistent(
                    f"the band order points at document {int(docs.max())} of {n}"
                )
            hits[docs] += 1
        return hits

    def _inconsistent(self, problem: str) -> IndexFormatError:
        """The error of a loaded index whose arrays do not fit each other."""
        return IndexFormatError(f"index {self._dir} is inconsistent: {problem}")

    def _anchor_hits(self, anchors: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
        """Per held document, how many of the sampled ``anchors`` it holds (anchors held by
        more documents than the config's ``max_df`` allows not counted)."""
        n = len(self)
        if not n or not len(anchors):
            return np.zeros(n, dtype=np.int64)
        keys = self._anchor_keys
        lo = np.searchsorted(keys, anchors, side="left").astype(np.int64)
        hi = np.searchsorted(keys, anchors, side="right").astype(np.int64)
        if self._checks is not None:  # the keys either side of each range decide it
            near_lo, near_hi = np.maximum(lo - _NEAR, 0), np.minimum(hi + _NEAR, len(keys))
            self._checks.check("anchor_keys", near_lo, near_hi, 4)
            if _unsorted_ranges(keys, near_lo, near_hi):
                raise self._inconsistent("the anchors are not sorted")
        df = hi - lo
        ok = (df > 0) & (df <= effective_max_df(self.config_, n))
        lo, df = lo[ok], df[ok]
        if not len(df):
            return np.zeros(n, dtype=np.int64)
        if self._checks is not None:
            self._checks.check("anchor_docs", lo, lo + df, 4)
        first = np.repeat(np.cumsum(df) - df, df)
        idx = np.repeat(lo, df) + (np.arange(int(df.sum())) - first)
        docs = self._anchor_docs[idx].astype(np.int64)
        if self._checks is not None and int(docs.max()) >= n:  # (bincount would allocate it)
            raise self._inconsistent(f"an anchor points at document {int(docs.max())} of {n}")
        return np.bincount(docs, minlength=n)

    def _check_all(self) -> None:
        """Check the loaded files whole before an array is used whole (an add, a save, the
        pairs among held documents): a query checks only the blocks it reads."""
        if self._checks is not None:
            self._checks.check_all()

    def candidates(self, features: DocFeatures) -> pd.DataFrame:
        """Held documents that may relate to a document with these ``features``.

        Returns
        -------
        pandas.DataFrame
            ``doc`` (int64 position in :attr:`doc_ids_`), ``bands`` (int64, shared LSH
            band keys), ``hits`` (int64, shared anchors), sorted by ``doc``.
        """
        import pandas as pd

        return pd.DataFrame(self._candidates(features)._asdict())

    def _candidates(self, features: DocFeatures) -> _Candidates:
        """:meth:`candidates` as arrays."""
        cfg = self.config_
        self._merged()
        band_hits = self._band_hits(features.bands)
        hits = self._anchor_hits(features.anchors)
        smaller = np.minimum(self._n_anchors, len(features.anchors))
        by_anchor = anchor_pairs_ok(
            hits,
            smaller,
            min_hits=cfg.min_anchor_hits,
            min_share=cfg.min_anchor_share,
            min_passage=cfg.min_anchor_passage,
        )
        # a submission with fewer anchors than min_anchor_hits (a short excerpt) is a
        # candidate of the held documents that hold every one of its anchors
        few = 0 < len(features.anchors) < cfg.min_anchor_hits
        by_anchor |= few & (hits == len(features.anchors))
        docs = np.flatnonzero((band_hits > 0) | by_anchor)
        return _Candidates(docs.astype(np.int64), band_hits[docs], hits[docs])

    def text(self, doc: int | str) -> str:
        """The held text of a document (by position or ``doc_id``)."""
        if isinstance(doc, str):
            if doc not in self._id_pos:
                raise param_error("doc", "DedupIndex.text", "a held doc_id", doc)
            doc = self._id_pos[doc]
        n = len(self.doc_ids_)
        if isinstance(doc, bool) or not isinstance(doc, (int, np.integer)) or not 0 <= doc < n:
            raise param_error(
                "doc", "DedupIndex.text", f"a held doc_id or a position in [0, {n})", doc
            )
        if doc in self._mem_texts:
            return self._mem_texts[doc]
        if doc >= len(self._chars):  # (spilled, its stored length not merged yet)
            self._merged_docs()
        seg, offset, nbytes, crc32 = self._locations()[doc].tolist()
        return read_text(
            self._segments[seg],
            offset,
            nbytes,
            crc32,
            self.doc_ids_[doc],
            chars=int(self._chars[doc]),
        )

    def flag(
        self,
        submissions: Any,
        *,
        unit_field: str | None = None,
        place: Any = None,
        place_field: str | None = None,
        progress: bool | None = None,
    ) -> FlagReport:
        """Match submissions against the held documents.

        Parameters
        ----------
        submissions : pandas.DataFrame, dict or list
            Corpus table (``doc_id``, ``text``), ``{name: text}`` or a list of texts.
        unit_field : str, optional
            A metadata column of ``submissions`` naming each one's unit; the index must
            hold units of the same field (:meth:`add`). A match with a held peer of the
            same unit is ``recycled``: the unit's own earlier draft, counted in
            ``recycled_ratio``, not in ``copy_ratio``.
        place : str or Place, optional
            The place of every submission (``"贵州省"``); by default each one's is read from
            ``place_field`` or inferred from its text. Names of other places left in the
            copied passages are residue (:func:`corpus_tools.dedup.find_residue`).
        place_field : str, optional
            A metadata column of ``submissions`` naming each one's place (inferred where
            empty).
        progress : bool, optional
            Show a progress bar (default: only on a terminal).

        Returns
        -------
        FlagReport
            Tables of submissions, matches, passages, per-section ratios and residue;
            ``to_json()`` gives the CLI's JSON. A submission is flagged when its copy ratio
            (characters copied from peers, not also found in a reference or a peer of its
            own unit) reaches ``config.partial``.

        Examples
        --------
        >>> national = "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局。" * 3
        >>> county = "我县新建村级党群服务中心十二个，培训村干部三百人次，办结群众诉求一千余件。" * 3
        >>> index = DedupIndex().build({"county-2024": county})
        >>> _ = index.add({"gwr": national}, role="reference")
        >>> report = index.flag({"quotes": "我们要" + national, "copies": county})
        >>> report.submissions[["flagged", "copy_ratio", "quoted_ratio"]].round(2).values.tolist()
        [[False, 0.0, 0.97], [True, 1.0, 0.0]]
        """
        from corpus_tools.progress import progress_bar

        func = "DedupIndex.flag"
        plain = _plain_texts(submissions) if unit_field is None and place_field is None else None
        if plain is not None:  # (a dict or list of texts: no table, no pandas)
            places = given_places(len(plain), place, func)
            rows = [
                (name, text, None, where) for (name, text), where in zip(plain, places, strict=True)
            ]
        else:
            rows = self._frame_rows(submissions, unit_field, place, place_field)
        return flag_report(
            self._flag_one(str(name), text, unit, where)
            for name, text, unit, where in progress_bar(rows, desc="flag", enabled=progress)
        )

    def _frame_rows(
        self, submissions: Any, unit_field: str | None, place: Any, place_field: str | None
    ) -> list[tuple[Any, str, Any, Any]]:
        """The submissions as rows ``(name, text, unit, place)``, read as a corpus table."""
        from corpus_tools.io import as_corpus

        func = "DedupIndex.flag"
        frame = as_corpus(submissions, func, name="submissions")
        if unit_field is not None:
            check_type(unit_field, "unit_field", func, str, "a metadata field name (str)")
            if unit_field not in frame.columns:
                raise param_error(
                    "unit_field",
                    func,
                    f"a column of the submissions {list(frame.columns)}",
                    unit_field,
                )
            self._merged_docs()
            if self.unit_field_ != unit_field and (
                self.unit_field_ is not None or (self._role == 0).any()
            ):  # (an index of references only holds no units, and needs none)
                held = (
                    "no units (add them with unit_field=, 'index build --unit-field')"
                    if self.unit_field_ is None
                    else f"the units of the field {self.unit_field_!r}"
                )
                raise param_error(
                    "unit_field", func, f"the index's unit field: it holds {held}", unit_field
                )
        units = unit_values(frame, unit_field)
        places = submission_places(frame, place, place_field, func)
        return list(zip(frame["doc_id"], frame["text"], units.tolist(), places, strict=True))

    def query(self, text: Any, *, name: str = "submission") -> FlagReport:
        """Match one text (or a corpus, like :meth:`flag`) against the held documents.

        Examples
        --------
        >>> held = ("坚持党建引领，推动基层治理能力现代化建设取得新成效。全面落实三会一课制度，"
        ...         "组织生活更加规范有序。深入开展走访调研，群众满意度明显提升，服务阵地全面覆盖。")
        >>> index = DedupIndex().build({"r1": held})
        >>> index.query("深入开展走访调研，群众满意度明显提升，服务阵地全面覆盖。").matches["relation"].tolist()
        ['contained']
        """
        if isinstance(text, str):
            check_type(name, "name", "DedupIndex.query", str, "a str")
            return self.flag({name: text})
        return self.flag(text)

    def _flag_one(self, name: str, text: str, unit: str | None, place: Any = None) -> Any:
        """The verdict on one submission (:func:`corpus_tools.dedup.flag.judge_submission`)."""
        cfg = self.config_
        folded = fold_text(text, cfg)
        feats = features_of_folded(folded, cfg)
        cands = self._candidates(feats)  # merges added chunks: the arrays are whole
        docs = cands.doc
        # references first, each group strongest first: a source that shares only what the
        # references before it hold (quotations) is not aligned
        order = np.lexsort((docs, -cands.hits, -cands.bands, self._role[docs] == 0))
        docs = docs[order]
        return judge_submission(
            name,
            text,
            self._sources(docs.tolist()),
            cfg,
            unit=unit,
            place=place,
            folded=folded,
            features=feats,
        )

    def _sources(self, docs: list[int]) -> Iterator[HeldSource]:
        """The held documents at positions ``docs``, their texts read one at a time."""
        for doc in docs:
            yield HeldSource(
                self.doc_ids_[doc],
                self.text(doc),
                int(self._length[doc]),
                int(self._digest[doc]),
                ROLES[int(self._role[doc])],
                self._unit[doc],
            )

    def _shingles(self, doc: int) -> npt.NDArray[np.uint32]:
        """The shingle set of held document ``doc``, from its text (for the exact join of
        short documents, :func:`corpus_tools.dedup.candidates.configured_candidates`)."""
        cfg = self.config_
        codes = fold_text(self.text(doc), cfg).codes
        return shingle_set(shingle_hashes(codes, cfg.k, seed=cfg.seed))

    def near_duplicates(self, *, progress: bool | None = None) -> DedupResult:
        """Every related pair among the held documents (what :func:`find_near_duplicates`
        returns for the same corpus, whatever order the documents were added in).

        The search arrays are in memory; each candidate pair is verified from the stored
        texts, a few documents at a time, so this runs on a corpus whose texts do not fit
        in memory.

        Examples
        --------
        >>> texts = {"a": "坚持党建引领，推动基层治理。" * 5, "b": "坚持党建引领，推动基层治理！" * 5}
        >>> DedupIndex().build(texts).near_duplicates().pairs[["a", "b", "relation"]].values.tolist()
        [['a', 'b', 'duplicate']]
        """

        cfg = self.config_
        self._merged()
        self._check_all()
        n = len(self)
        ids = self.doc_ids_
        # work in doc_id order, as find_near_duplicates does, so the result is the same
        order = np.array(sorted(range(n), key=ids.__getitem__), dtype=np.int64)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64)
        sorted_ids = [ids[k] for k in order.tolist()]
        bands = self._bands if self._bands is not None else np.zeros((0, cfg.bands), np.uint64)
        found = configured_candidates(
            bands[order],
            self._anchor_keys,
            rank[self._anchor_docs.astype(np.int64)],
            self._n_anchors[order],
            lengths=self._length[order],
            shingles_of=lambda r: self._shingles(int(order[r])),
            config=cfg,
        )
        warn_capped(found.capped, sorted_ids, cfg.max_pairs_per_doc)
        cands = found.pairs
        del found
        cache: OrderedDict[int, tuple[DocFeatures, Any]] = OrderedDict()
        cached_chars = 0

        def features(r: int) -> tuple[DocFeatures, Any]:
            nonlocal cached_chars
            got = cache.get(r)
            if got is None:
                folded = fold_text(self.text(int(order[r])), cfg)
                got = (features_of_folded(folded, cfg), folded)
                cache[r] = got
                cached_chars += got[0].length
                while cached_chars > _VERIFY_CACHE_CHARS and len(cache) > 2:
                    cached_chars -= cache.popitem(last=False)[1][0].length
            else:
                cache.move_to_end(r)
            return got

        return verify_candidates(cands, features, sorted_ids, cfg, progress=progress)

    # ------------------------------------------------------------------ persistence

    @staticmethod
    def lock(path: str | os.PathLike[str], *, timeout: float = LOCK_TIMEOUT) -> Any:
        """Hold the writers' lock of the index directory ``path`` (a context manager).

        :meth:`save` takes it by itself; hold it from :meth:`load` to :meth:`save` so that
        no other process writes between them. Another process that holds it is waited for
        up to ``timeout`` seconds, then :class:`~corpus_tools.errors.IndexBusyError`
        (an ``OutputError`` and a ``TimeoutError``) names it.

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     _ = DedupIndex().build({"r1": "坚持党建引领，推动基层治理。"}).save(folder)
        ...     with DedupIndex.lock(folder):  # no other process writes in between
        ...         _ = DedupIndex.load(folder).add({"r2": "全面落实三会一课制度。"}).save(folder)
        ...     DedupIndex.load(folder).doc_ids_
        ['r1', 'r2']
        """
        check_type(path, "path", "DedupIndex.lock", (str, os.PathLike), "a directory path")
        check_number(timeout, "timeout", "DedupIndex.lock", low=0)
        return writer_lock(Path(path), timeout=timeout)

    def save(
        self, path: str | os.PathLike[str], *, timeout: float = LOCK_TIMEOUT, force: bool = False
    ) -> Path:
        """Write the index to the directory ``path`` (created if needed); returns it.

        Texts already stored in ``path`` are not rewritten; new texts go to a new segment.
        Every save writes its files under names no earlier save in ``path`` used, then the
        manifest (atomically), then removes the files the manifest no longer names: a
        crash at any point leaves the previous index in ``path`` whole and readable.

        The save holds the index's writers' lock (waiting up to ``timeout`` seconds for
        another process). An index loaded from ``path`` is saved there only if no other
        process saved there since it was loaded (else ``IndexChangedError``: load it again
        and add again, or hold :meth:`lock` from load to save); any other index replaces
        the one in ``path``.

        A folder that holds files an index did not write (and no index) is refused, so that
        a mistyped path never replaces someone's files; ``force=True`` writes the index
        beside them. Either way a save removes only files an index writes.

        Raises
        ------
        OutputError
            When ``path`` is a file, or a folder of other files (without ``force``).
        """
        check_type(path, "path", "DedupIndex.save", (str, os.PathLike), "a directory path")
        check_number(timeout, "timeout", "DedupIndex.save", low=0)
        check_type(force, "force", "DedupIndex.save", bool, "a bool")
        out = Path(path)
        check_target(out, force=force)
        self._merged_docs()
        with writer_lock(out, timeout=timeout):
            gen = current_generation(out)
            if self._is_from(out) and gen != self._generation:
                raise IndexChangedError(
                    f"the index in {out} was written by another process since this one was "
                    f"loaded from it (generation {self._generation}, now {gen}); saving it "
                    "would drop that process's documents. Load it again and add again, "
                    "holding DedupIndex.lock(path) from load to save."
                )
            self._write(out, 0 if gen is None else gen + 1)
        return out

    def _is_from(self, out: Path) -> bool:
        """True when this index was loaded from (or saved to) the directory ``out``."""
        return self._dir is not None and self._dir.resolve() == out.resolve()

    def _write(self, out: Path, gen: int) -> None:
        """Write generation ``gen`` into ``out`` (holding its lock)."""
        self._check_all()  # (what is written is checksummed anew: it must be intact)
        cfg = self.config_
        self._merged_docs()
        # spilled sketches are written from their folder a part at a time, else merged
        streamed = {} if self._sketch is None else self._spilled_arrays()
        if not streamed:
            self._merged()
        segments = self._place_segments(out, gen)
        loc = self._locations()
        if self._mem_texts:
            seg = max(segments, default=-1) + 1
            seg_path = out / segment_name(gen, seg)
            loc = np.concatenate([loc, write_texts(seg_path, seg, self._mem_texts)])
            segments[seg] = seg_path
        bands = self._bands if self._bands is not None else np.zeros((0, cfg.bands), np.uint64)
        band_keys = band_order = None
        if not streamed:
            band_keys, band_order = self._band_tables()  # (stored: a query never sorts)
        stored = StoredIndex(
            config=cfg,
            docs=self._doc_table(loc),
            bands=bands,
            anchor_keys=self._anchor_keys,
            anchor_docs=self._anchor_docs,
            segments=segments,
            generation=gen,
            unit_field=self.unit_field_,
            band_keys=band_keys,
            band_order=band_order,
        )
        write_generation(out, stored, streamed)
        if streamed:  # the search arrays are those just written, mapped: none in memory
            arrays = map_arrays(out, gen)
            self._bands = arrays["bands"]
            self._anchor_keys, self._anchor_docs = arrays["anchor_keys"], arrays["anchor_docs"]
            self._band_sorted, self._band_order = arrays["band_keys"], arrays["band_order"]
            self._checks = None
            self._sketch = None
        if self._tmp is not None:  # its texts are in place now, its sketches written
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        # the saved state is now the on-disk one
        self._segments = segments
        self._text_loc = loc
        self._mem_texts = {}
        self._mem_chars = 0
        self._dir = out
        self._generation = gen

    def _place_segments(self, out: Path, gen: int) -> dict[int, Path]:
        """Put every text segment in ``out``: spilled ones are moved, those of another
        directory copied, those already there (named by its manifest) kept."""
        same_dir = self._is_from(out)
        segments: dict[int, Path] = {}
        for seg, seg_path in sorted(self._segments.items()):
            if seg in self._spilled:  # a temporary segment: move it into place
                target = out / segment_name(gen, seg)
                move_file(seg_path, target)
                self._segments[seg] = target
                self._spilled.discard(seg)
            elif same_dir:  # already in place, named by the manifest there
                target = seg_path
            else:
                target = out / segment_name(gen, seg)
                copy_file(seg_path, target)
            segments[seg] = target
        return segments

    def _doc_table(self, loc: npt.NDArray[np.int64]) -> DocTable:
        """The document table of the on-disk format, texts at ``loc``."""
        ids = np.empty(len(self.doc_ids_), dtype=object)
        ids[:] = self.doc_ids_
        return {
            "doc_id": ids,
            "chars": self._chars,
            "length": self._length,
            "n_shingles": self._n_shingles,
            "n_anchors": self._n_anchors,
            "digest": self._digest.view(np.int64),
            **{col: loc[:, k] for k, col in enumerate(LOCATION_COLUMNS)},
            "role": self._role,
            "unit": self._unit,
        }

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> DedupIndex:
        """Read an index written by :meth:`save`, checking its format, version, checksums
        and every field.

        The search arrays are mapped, not read: a query reads the pages it needs. Their
        checksums are checked as they are read (the SHA-256 of each block of 4 KiB a query
        reads, of every file whole before an :meth:`add`, a :meth:`save` or
        :meth:`near_duplicates` uses the arrays whole), and so is their fit to each other
        and to the document table (the values a query reads when it reads them: anchors
        and band order pointing at held documents, keys in order); an index saved before
        format version 3 is checked whole here, as before. The document table of format
        version 4 is read with numpy and ``json``; that of an earlier version (parquet)
        with pyarrow.

        Raises
        ------
        IndexFormatError
            When the directory is not an index, is of another format version, or a file
            is missing or corrupt (also raised later, by the method that reads a damaged
            block).
        """
        check_type(path, "path", "DedupIndex.load", (str, os.PathLike), "a directory path")
        root = Path(path)
        stored = read_generation(root, lazy=True)  # (checksums checked as arrays are read)
        index = cls(stored.config)
        index._restore(stored, root)
        return index

    def _restore(self, stored: StoredIndex, root: Path) -> None:
        """Take the state of a generation read from ``root``."""
        docs = stored.docs
        self._config = make_config(stored.config, {}, "DedupIndex.load")
        self.doc_ids_ = docs["doc_id"].tolist()  # (str: checked on load)
        self._positions = None  # (made when first needed: a flag run never needs it)
        self._chars = docs["chars"].astype(np.int64, copy=False)
        self._length = docs["length"].astype(np.int64, copy=False)
        self._n_shingles = docs["n_shingles"].astype(np.int64, copy=False)
        self._n_anchors = docs["n_anchors"].astype(np.int64, copy=False)
        self._digest = docs["digest"].astype(np.int64, copy=False).view(np.uint64)
        self._role = docs["role"].astype(np.int8, copy=False)  # (each in ROLES: checked)
        self._unit = docs["unit"]
        self.unit_field_ = stored.unit_field
        self._bands = stored.bands
        self._anchor_keys = stored.anchor_keys
        self._anchor_docs = stored.anchor_docs
        self._band_sorted, self._band_order = stored.band_keys, stored.band_order
        self._checks = stored.checks
        self._text_loc = np.stack([docs[c] for c in LOCATION_COLUMNS], axis=1).astype(np.int64)
        self._segments = stored.segments
        self._dir = root
        self._generation = stored.generation

    @classmethod
    def _of_stored(cls, stored: StoredIndex, root: Path, *, resketch: bool) -> DedupIndex:
        """An index of the tables ``stored`` read from ``root``; with ``resketch``, its
        search arrays are recomputed from its stored texts (they were damaged)."""
        index = cls(stored.config)
        index._restore(stored, root)
        if not resketch:
            return index
        cfg = index.config_
        n = len(index)
        chunks = []
        for start in range(0, n, _RESKETCH_BATCH):  # (texts read with the stored lengths)
            stop = min(n, start + _RESKETCH_BATCH)
            texts = [index.text(i) for i in range(start, stop)]
            feats = features_of_many(fold_codes(texts, cfg), cfg)
            chunks.append(
                _Chunk.of(
                    feats,
                    [len(t) for t in texts],
                    start,
                    cfg.bands,
                    role=index._role[start:stop],
                    unit=index._unit[start:stop],
                )
            )
        index._chars = index._length = index._n_shingles = index._n_anchors = np.zeros(
            0, dtype=np.int64
        )
        index._digest = np.zeros(0, dtype=np.uint64)
        index._role, index._unit = np.zeros(0, dtype=np.int8), np.zeros(0, dtype=object)
        index._anchor_keys = np.zeros(0, dtype=np.uint32)
        index._anchor_docs = np.zeros(0, dtype=np.uint32)
        index._bands = None
        for chunk in chunks:
            index._queue(chunk)
        index._merged()
        return index

    def nbytes(self) -> dict[str, int]:
        """Memory of the search structures (the band order included: it is saved with the
        index) and stored texts, in bytes (for sizing)."""
        self._merged()
        bands = 0 if self._bands is None else self._bands.nbytes
        band_keys, band_order = self._band_tables()
        search = (
            bands
            + band_keys.nbytes
            + band_order.nbytes
            + self._anchor_keys.nbytes
            + self._anchor_docs.nbytes
            + self._length.nbytes
            + self._n_shingles.nbytes
            + self._n_anchors.nbytes
            + self._digest.nbytes
            + self._chars.nbytes
        )
        texts = int(self._locations()[:, LOCATION_COLUMNS.index("nbytes")].sum())
        return {"search": int(search), "texts": texts}


def flag_submissions(
    submissions: Any,
    *,
    index: DedupIndex | str | os.PathLike[str] | None = None,
    against: Any = None,
    reference: Any = None,
    unit_field: str | None = None,
    place: Any = None,
    place_field: str | None = None,
    config: DedupConfig | None = None,
    progress: bool | None = None,
    **overrides: Any,
) -> FlagReport:
    """Flag submissions that copy held documents: against an index or a corpus.

    Parameters
    ----------
    submissions : pandas.DataFrame, dict or list
        The submitted reports (corpus table, ``{name: text}`` or list of texts).
    index : DedupIndex or path, optional
        A built index, or the directory of a saved one (it holds its references).
    against : pandas.DataFrame, dict or list, optional
        Held peer documents to index on the fly (instead of ``index``).
    reference : pandas.DataFrame, dict or list, optional
        Held documents that may be quoted (with ``against``, or alone): a passage found in
        one counts as quoted, not copied.
    unit_field : str, optional
        The metadata field naming each document's unit, in ``submissions`` and in the held
        documents (see :meth:`DedupIndex.flag`).
    place, place_field : optional
        The submissions' place, or the metadata field naming it (see :meth:`DedupIndex.flag`);
        inferred from each text by default.
    config : DedupConfig, optional
        Options for ``against`` (a saved index keeps its own).

    Returns
    -------
    FlagReport

    Examples
    --------
    >>> held = {"r1": "坚持党建引领，推动基层治理能力现代化建设取得新成效。" * 4}
    >>> flag_submissions({"s": held["r1"]}, against=held).flagged
    True
    >>> flag_submissions({"s": held["r1"]}, reference=held).flagged  # quoted, not copied
    False
    """
    func = "flag_submissions"
    in_memory = against is not None or reference is not None
    if (index is None) == (not in_memory):
        raise param_error(
            "index/against",
            func,
            "exactly one of index= or against=/reference=",
            "both" if index is not None else "neither",
        )
    if in_memory:
        idx = DedupIndex(config, **overrides)
        idx._config = make_config(config, overrides, "DedupIndex.build")
        if against is not None:
            idx.add(against, unit_field=unit_field, progress=progress)
        if reference is not None:
            idx.add(reference, role="reference", progress=progress)
    elif isinstance(index, DedupIndex):
        idx = index
    elif isinstance(index, (str, os.PathLike)):
        idx = DedupIndex.load(index)
    else:
        raise param_error("index", func, "a DedupIndex or a directory path", type(index).__name__)
    return idx.flag(
        submissions,
        unit_field=unit_field,
        place=place,
        place_field=place_field,
        progress=progress,
    )


class IndexRepair(NamedTuple):
    """What :func:`repair_index` did.

    Attributes
    ----------
    check : IndexCheck
        What was damaged before the repair.
    dropped : list of str
        The documents whose stored text was damaged: dropped from the index, to be added
        again.
    rebuilt_search : bool
        True when the search arrays were damaged and recomputed from the stored texts.
    generation, documents : int
        Of the index now in the directory.
    """

    check: IndexCheck
    dropped: list[str]
    rebuilt_search: bool
    generation: int
    documents: int

    def to_json(self) -> dict[str, Any]:
        found = self.check.to_json()
        return {
            "index": found["index"],
            "damaged": found["damaged"],
            "dropped": self.dropped,
            "rebuilt_search": self.rebuilt_search,
            "generation": self.generation,
            "documents": self.documents,
        }


def repair_index(path: str | os.PathLike[str], *, timeout: float = LOCK_TIMEOUT) -> IndexRepair:
    """Repair the index in ``path``: drop the documents whose stored text is damaged,
    recompute damaged search arrays from the stored texts, and remove what dead writers left.

    Holds the writers' lock (waiting up to ``timeout`` seconds). The repaired index is a
    new generation; its ``dropped`` documents must be added again.

    Raises
    ------
    IndexFormatError
        When the manifest or the document table is damaged: the documents cannot be named,
        so only a rebuild from the original files helps.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = DedupIndex().build({"r1": "坚持党建引领，推动基层治理。"}).save(folder)
    ...     done = repair_index(folder)
    >>> done.dropped, done.documents
    ([], 1)
    """
    check_type(path, "path", "repair_index", (str, os.PathLike), "a directory path")
    check_number(timeout, "timeout", "repair_index", low=0)
    root = Path(path)
    with writer_lock(root, timeout=timeout):
        check = check_index(root)
        if check.ok:
            remove_leftovers(root, set(check.named))
            return IndexRepair(check, [], False, check.generation, check.documents)
        if not check.repairable:
            raise IndexFormatError(
                f"index {root} cannot be repaired: its document table {check.files['docs']} "
                "is damaged, so the documents it held cannot be named; rebuild it with "
                "'corpus-tools index build'"
            )
        stored, intact = read_for_repair(root, check)
        lost = check.lost
        gone = set(lost)
        keep = np.array([d not in gone for d in stored.docs["doc_id"].tolist()], dtype=bool)
        index = DedupIndex._of_stored(drop_documents(stored, keep), root, resketch=not intact)
        index.save(root, timeout=timeout)
    assert index._generation is not None
    return IndexRepair(check, lost, not intact, index._generation, len(index))
