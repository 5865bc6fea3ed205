"""A persistent index of held documents, and flagging submissions that copy them.

:class:`DedupIndex` holds, per document, its LSH band keys, its sampled anchors (as an
inverted index) and its text (compressed), so a submission is matched against the index
without the corpus at hand, and its copied passages are reported with offsets into both
texts. Documents are added without rebuilding; on disk the index is a directory:

``manifest.json``
    format name, version, generation (saves so far), options, document count, the names
    of the files below and the SHA-256 of every array file. Each save writes new names
    (``docs-g2.parquet``, ``texts-g2-0003.bin``) and the manifest last, so a crash leaves
    the previous index whole.
``docs.parquet``
    one row per document: ``doc_id``, ``chars``, ``length`` (folded), ``n_shingles``,
    ``n_anchors``, ``digest``, and where its text is (``segment``, ``offset``, ``nbytes``,
    ``crc32``).
``bands.npy`` (uint64, documents x bands), ``anchor_keys.npy`` (uint32, sorted),
``anchor_docs.npy`` (uint32)
    the search structures.
``texts-NNNN.bin``
    zlib-compressed texts, one file per build or ``add``, never rewritten; each text's
    CRC-32 is checked when it is read.

Examples
--------
>>> import corpus_tools as ct
>>> index = ct.DedupIndex().build(ct.load_corpus("data/raw").documents)   # doctest: +SKIP
>>> index.save("data/processed/index")                                     # doctest: +SKIP
>>> report = ct.DedupIndex.load("data/processed/index").flag({"new": text})  # doctest: +SKIP
>>> report.submissions                                                     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.dedup.align import union_mask
from corpus_tools.dedup.candidates import (
    anchor_pairs_ok,
    anchor_postings_pairs,
    lsh_candidate_pairs,
    unique_pairs,
)
from corpus_tools.dedup.config import DedupConfig, effective_max_df, make_config
from corpus_tools.dedup.sketch import (
    DocFeatures,
    features_of_folded,
    fold_text,
    shingle_hashes,
    sketch,
)
from corpus_tools.dedup.verify import DedupResult, verify_candidates, verify_pair
from corpus_tools.errors import (
    IndexFormatError,
    InvalidParameterError,
    OutputError,
    check_type,
    param_error,
)
from corpus_tools.io import as_corpus, atomic_write

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "DedupIndex", "FlagReport", "flag_submissions"]

FORMAT_NAME = "corpus-tools-dedup-index"
FORMAT_VERSION = 1
_ARRAYS = ("bands", "anchor_keys", "anchor_docs")
#: Every file an index writes (and the temporary files of atomic writes that crashed).
_INDEX_FILE = re.compile(
    r"\.?(?:docs(?:-g\d+)?\.parquet|(?:bands|anchor_keys|anchor_docs)(?:-g\d+)?\.npy"
    r"|texts-(?:g\d+-)?\d{4}\.bin)(?:\..*\.tmp)?"
)


def _file_names(gen: int) -> dict[str, str]:
    """The data files of the ``gen``-th save into a directory (the first keeps the names of
    format 1's first release)."""
    tag = "" if gen == 0 else f"-g{gen}"
    return {"docs": f"docs{tag}.parquet", **{role: f"{role}{tag}.npy" for role in _ARRAYS}}


def _segment_name(gen: int, seg: int) -> str:
    return f"texts-{seg:04d}.bin" if gen == 0 else f"texts-g{gen}-{seg:04d}.bin"


def _next_generation(out: Path) -> int:
    """One more than the generation of the index in ``out``, 0 when there is none."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return int(manifest.get("generation", 0)) + 1
    except (OSError, ValueError, TypeError, AttributeError):
        return 0


def _remove_unnamed(out: Path, keep: set[str]) -> None:
    """Remove the index files in ``out`` that ``keep`` (the new manifest's) does not name."""
    for entry in os.scandir(out):
        if entry.name not in keep and _INDEX_FILE.fullmatch(entry.name) and entry.is_file():
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


#: Matches whose copy ratio is below this and that have no relation are not reported.
MIN_MATCH_RATIO = 0.02
#: Folded characters of the documents whose features stay cached while pairs are verified
#: (about 25 bytes each: 20M characters is about 500 MB).
_VERIFY_CACHE_CHARS = 20_000_000
#: Characters of added texts held in memory before they are written to a temporary file.
SPILL_CHARS = 50_000_000
_NO_BANDS = np.zeros(0, dtype=np.uint64)
_NO_ANCHORS = np.zeros(0, dtype=np.uint32)


class FlagReport(NamedTuple):
    """What :meth:`DedupIndex.flag` returns: one table per level of detail.

    Attributes
    ----------
    submissions : pandas.DataFrame
        One row per submission: ``submission`` (str), ``flagged`` (bool), ``copy_ratio``
        (float64: copied folded characters / all folded characters, the 总文字复制比),
        ``largest_source`` (str or None), ``largest_source_ratio`` (float64),
        ``matches`` (int64), ``residue`` (int64: unfilled placeholders left in it).
    matches : pandas.DataFrame
        One row per matched held document: ``submission``, ``doc_id`` (str),
        ``similarity`` (float64, Jaccard), ``containment`` (float64: share of the
        submission's shingles found in the document), ``copy_ratio`` (float64: share of
        the submission copied from this document), ``relation`` (str or None).
    passages : pandas.DataFrame
        ``submission``, ``doc_id``, ``submission_start``, ``submission_end``,
        ``match_start``, ``match_end`` (int64 offsets into the texts as loaded), ``chars``
        (int64), ``text`` (str, the submission's passage).
    sections : pandas.DataFrame
        Per section of each submission (:func:`corpus_tools.text.parse_sections`):
        ``submission``, ``section_id``, ``level`` (int64), ``heading`` (str), ``start``,
        ``end`` (int64), ``chars``, ``copied_chars`` (int64, folded), ``copy_ratio``
        (float64).
    residue : pandas.DataFrame
        Unfilled placeholders still in each submission (template residue):
        ``submission``, ``start``, ``end`` (int64), ``text``, ``kind`` (str).
    """

    submissions: pd.DataFrame
    matches: pd.DataFrame
    passages: pd.DataFrame
    sections: pd.DataFrame
    residue: pd.DataFrame

    @property
    def flagged(self) -> bool:
        """True when any submission was flagged."""
        return bool(self.submissions["flagged"].any())

    def to_json(self) -> list[dict[str, Any]]:
        """The ``flag`` JSON of the CLI contract (plus sections and residue)."""
        out = []
        for sub in self.submissions.to_dict("records"):
            name = sub["submission"]
            matches = []
            mrows = self.matches[self.matches["submission"] == name]
            prow = self.passages[self.passages["submission"] == name]
            for m in mrows.itertuples(index=False):
                ps = prow[prow["doc_id"] == m.doc_id]
                matches.append(
                    {
                        "doc_id": m.doc_id,
                        "similarity": round(float(m.similarity), 4),
                        "containment": round(float(m.containment), 4),
                        "copy_ratio": round(float(m.copy_ratio), 4),
                        "relation": m.relation,
                        "passages": [
                            {
                                "submission_start": int(p.submission_start),
                                "submission_end": int(p.submission_end),
                                "match_start": int(p.match_start),
                                "match_end": int(p.match_end),
                                "chars": int(p.chars),
                            }
                            for p in ps.itertuples(index=False)
                        ],
                    }
                )
            secs = self.sections[self.sections["submission"] == name]
            res = self.residue[self.residue["submission"] == name]
            out.append(
                {
                    "submission": name,
                    "flagged": bool(sub["flagged"]),
                    "copy_ratio": round(float(sub["copy_ratio"]), 4),
                    "largest_source": sub["largest_source"],
                    "largest_source_ratio": round(float(sub["largest_source_ratio"]), 4),
                    "matches": matches,
                    "sections": [
                        {
                            "section_id": int(s.section_id),
                            "level": int(s.level),
                            "heading": s.heading,
                            "start": int(s.start),
                            "end": int(s.end),
                            "copy_ratio": round(float(s.copy_ratio), 4),
                        }
                        for s in secs.itertuples(index=False)
                    ],
                    "template_residue": [
                        {"start": int(r.start), "end": int(r.end), "text": r.text, "kind": r.kind}
                        for r in res.itertuples(index=False)
                    ],
                }
            )
        return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _Chunk(NamedTuple):
    """What the index keeps of the :class:`DocFeatures` of a chunk of added documents."""

    chars: npt.NDArray[np.int64]
    length: npt.NDArray[np.int64]
    n_shingles: npt.NDArray[np.int64]
    n_anchors: npt.NDArray[np.int64]
    digest: npt.NDArray[np.uint64]
    bands: npt.NDArray[np.uint64]
    postings: npt.NDArray[np.uint64]  # (anchor << 32) | doc position

    @classmethod
    def of(cls, feats: list[DocFeatures], chars: list[int], start: int, n_bands: int) -> _Chunk:
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
        )


def _write_texts(path: Path, seg: int, texts: dict[int, str]) -> pd.DataFrame:
    """Write ``texts`` (by document position, in order) compressed to one segment file;
    return where each is: ``segment``, ``offset``, ``nbytes``, ``crc32``."""
    rows = []
    offset = 0
    with atomic_write(path, "wb") as fh:
        for doc in sorted(texts):
            blob = zlib.compress(texts[doc].encode("utf-8"), 6)
            fh.write(blob)
            rows.append((seg, offset, len(blob), zlib.crc32(blob)))
            offset += len(blob)
    return pd.DataFrame(rows, columns=["segment", "offset", "nbytes", "crc32"], dtype=np.int64)


def _move(src: Path, target: Path) -> None:
    """Move a file into place: a rename on one file system, else a copy then a delete."""
    try:
        os.replace(src, target)
    except OSError:
        with atomic_write(target, "wb") as fh, open(src, "rb") as source:
            shutil.copyfileobj(source, fh)
        src.unlink()


class DedupIndex:
    """An index of held documents to flag submissions against (build, add, query, save, load).

    Parameters
    ----------
    config : DedupConfig, optional
        Matching options (see :class:`corpus_tools.dedup.DedupConfig`); any field can be
        given as a keyword. They are validated by :meth:`build` and stored with the index.
    spill_dir : path, optional
        Where texts go while a large corpus is added (more than :data:`SPILL_CHARS`
        characters not yet saved): a hidden temporary folder made there (default: the
        system's temporary folder), removed with the index; :meth:`save` moves the texts
        into place. Memory then holds the search structures (about 1 KB per document of
        2,000 characters) and at most :data:`SPILL_CHARS` characters of texts, not the
        corpus.

    Attributes
    ----------
    doc_ids_ : list of str
        The held documents, in the order they were added.
    config_ : DedupConfig
        The validated options.

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
        self._id_pos: dict[str, int] = {}
        self._chars = np.zeros(0, dtype=np.int64)
        self._length = np.zeros(0, dtype=np.int64)
        self._n_shingles = np.zeros(0, dtype=np.int64)
        self._n_anchors = np.zeros(0, dtype=np.int64)
        self._digest = np.zeros(0, dtype=np.uint64)
        self._bands: npt.NDArray[np.uint64] | None = None
        self._anchor_keys = np.zeros(0, dtype=np.uint32)
        self._anchor_docs = np.zeros(0, dtype=np.uint32)
        self._band_sorted: npt.NDArray[np.uint64] | None = None
        self._band_order: npt.NDArray[np.int64] | None = None
        # texts: in memory (not yet saved) or located in a segment file
        self._mem_texts: dict[int, str] = {}
        self._text_loc = pd.DataFrame(
            {
                "segment": pd.Series(dtype="int64"),
                "offset": pd.Series(dtype="int64"),
                "nbytes": pd.Series(dtype="int64"),
                "crc32": pd.Series(dtype="int64"),
            }
        )
        self._segments: dict[int, Path] = {}
        self._dir: Path | None = None
        # added documents whose sketches are not yet merged into the arrays above
        self._pending: list[_Chunk] = []
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

    def build(self, corpus: Any, *, progress: bool | None = None) -> DedupIndex:
        """Index ``corpus``, replacing any documents held; returns ``self``.

        ``corpus`` is a corpus table, a dict ``{doc_id: text}``, a list of texts, or a
        stream of corpus tables (:func:`corpus_tools.io.stream_corpus`), which is indexed a
        chunk at a time."""
        self._config = make_config(self.config, self.overrides, "DedupIndex.build")
        self._reset()
        return self.add(corpus, progress=progress)

    def add(self, corpus: Any, *, progress: bool | None = None) -> DedupIndex:
        """Add documents without recomputing those already held; returns ``self``.

        ``corpus`` is what :meth:`build` takes. A stream is added a chunk at a time; if a
        chunk is refused, the chunks before it stay added.

        Raises
        ------
        InvalidParameterError
            When a ``doc_id`` is already held (ids identify documents).
        """
        from corpus_tools.io import corpus_chunks
        from corpus_tools.progress import progress_counter

        chunks, corpus = corpus_chunks(corpus)
        if chunks is None:
            frame = as_corpus(corpus, "DedupIndex.add", name="corpus")
            with progress_counter(
                desc="index: sketching", total=len(frame), enabled=progress
            ) as bar:
                self._add_frame(frame, bar)
            return self
        with progress_counter(desc="index: sketching", enabled=progress) as bar:
            for chunk in chunks:
                self._add_frame(as_corpus(chunk, "DedupIndex.add", name="corpus"), bar)
        return self

    def _add_frame(self, frame: pd.DataFrame, bar: Any) -> None:
        cfg = self.config_
        ids = [str(x) for x in frame["doc_id"]]
        held = [i for i in ids if i in self._id_pos]
        if held:
            raise InvalidParameterError(
                f"The 'corpus' parameter of DedupIndex.add holds {len(held)} doc_id(s) the "
                f"index already has, e.g. {held[0]!r}. Give new ids, or build a new index."
            )
        texts = [str(t) for t in frame["text"]]
        start = len(self.doc_ids_)
        feats: list[DocFeatures] = []
        for text in texts:
            feats.append(features_of_folded(fold_text(text, cfg), cfg))
            if bar is not None:
                bar.update(1)
        for k, (doc_id, text) in enumerate(zip(ids, texts, strict=True)):
            self._id_pos[doc_id] = start + k
            self._mem_texts[start + k] = text
            self._mem_chars += len(text)
        self.doc_ids_.extend(ids)
        # the index keeps the size of the shingle set, not the set (about 1 KB per doc)
        self._pending.append(_Chunk.of(feats, [len(t) for t in texts], start, cfg.bands))
        if self._mem_chars > SPILL_CHARS:
            self._spill()

    def _merged(self) -> None:
        """Merge the sketches of added chunks into the search arrays (once, not per chunk)."""
        if not self._pending:
            return
        parts = self._pending
        self._chars = np.concatenate([self._chars, *[c.chars for c in parts]])
        self._length = np.concatenate([self._length, *[c.length for c in parts]])
        self._n_shingles = np.concatenate([self._n_shingles, *[c.n_shingles for c in parts]])
        self._n_anchors = np.concatenate([self._n_anchors, *[c.n_anchors for c in parts]])
        self._digest = np.concatenate([self._digest, *[c.digest for c in parts]])
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
        self._pending = []
        code.sort()
        self._anchor_keys = (code >> np.uint64(32)).astype(np.uint32)
        self._anchor_docs = (code & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        del code
        self._band_sorted = self._band_order = None

    def _spill(self) -> None:
        """Write the texts held in memory to a new segment in the temporary folder."""
        if not self._mem_texts:
            return
        if self._tmp is None:
            import tempfile
            import weakref

            try:
                tmp = tempfile.mkdtemp(prefix=".corpus-tools-index-", dir=self.spill_dir)
            except OSError as exc:
                raise OutputError(
                    f"cannot make a temporary folder for index texts in "
                    f"{self.spill_dir or tempfile.gettempdir()}: {exc}"
                ) from exc
            self._tmp = Path(tmp)
            weakref.finalize(self, shutil.rmtree, tmp, ignore_errors=True)
        seg = max(self._segments, default=-1) + 1
        path = self._tmp / f"texts-{seg:04d}.bin"
        loc = _write_texts(path, seg, self._mem_texts)
        self._segments[seg] = path
        self._spilled.add(seg)
        self._text_loc = pd.concat([self._text_loc, loc], ignore_index=True)
        self._mem_texts = {}
        self._mem_chars = 0

    # ------------------------------------------------------------------ querying

    def _band_tables(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        if self._band_sorted is None or self._band_order is None:
            bands = self._bands if self._bands is not None else np.zeros((0, 1), np.uint64)
            order = np.argsort(bands, axis=0, kind="stable").T.astype(np.int64)
            self._band_order = order
            self._band_sorted = np.take_along_axis(bands.T, order, axis=1)
        return self._band_sorted, self._band_order

    def candidates(self, features: DocFeatures) -> pd.DataFrame:
        """Held documents that may relate to a document with these ``features``.

        Returns
        -------
        pandas.DataFrame
            ``doc`` (int64 position in :attr:`doc_ids_`), ``bands`` (int64, shared LSH
            band keys), ``hits`` (int64, shared anchors), sorted by ``doc``.
        """
        cfg = self.config_
        self._merged()
        n = len(self)
        band_hits = np.zeros(n, dtype=np.int64)
        if n:
            sorted_keys, order = self._band_tables()
            for b in range(sorted_keys.shape[0]):
                lo = np.searchsorted(sorted_keys[b], features.bands[b], side="left")
                hi = np.searchsorted(sorted_keys[b], features.bands[b], side="right")
                band_hits[order[b, lo:hi]] += 1
        hits = np.zeros(n, dtype=np.int64)
        if n and len(features.anchors):
            lo = np.searchsorted(self._anchor_keys, features.anchors, side="left")
            hi = np.searchsorted(self._anchor_keys, features.anchors, side="right")
            df = hi - lo
            ok = (df > 0) & (df <= effective_max_df(cfg, n))
            lo, df = lo[ok], df[ok]
            if len(df):
                first = np.repeat(np.cumsum(df) - df, df)
                idx = np.repeat(lo, df) + (np.arange(int(df.sum())) - first)
                hits = np.bincount(self._anchor_docs[idx].astype(np.int64), minlength=n)
        smaller = np.minimum(self._n_anchors, len(features.anchors))
        by_anchor = anchor_pairs_ok(
            hits,
            smaller,
            min_hits=cfg.min_anchor_hits,
            min_share=cfg.min_anchor_share,
            min_passage=cfg.min_anchor_passage,
        )
        docs = np.flatnonzero((band_hits > 0) | by_anchor)
        return pd.DataFrame(
            {"doc": docs.astype(np.int64), "bands": band_hits[docs], "hits": hits[docs]}
        )

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
        loc = self._text_loc.iloc[doc]
        path = self._segments[int(loc["segment"])]
        try:
            with open(path, "rb") as fh:
                fh.seek(int(loc["offset"]))
                blob = fh.read(int(loc["nbytes"]))
        except OSError as exc:
            raise IndexFormatError(f"index text file {path} cannot be read: {exc}") from exc
        if zlib.crc32(blob) != int(loc["crc32"]):
            raise IndexFormatError(
                f"index text file {path} is corrupt (checksum of document "
                f"{self.doc_ids_[doc]!r} differs); rebuild the index with 'corpus-tools index build'"
            )
        return zlib.decompress(blob).decode("utf-8")

    def flag(self, submissions: Any, *, progress: bool | None = None) -> FlagReport:
        """Match submissions against the held documents.

        Parameters
        ----------
        submissions : pandas.DataFrame, dict or list
            Corpus table (``doc_id``, ``text``), ``{name: text}`` or a list of texts.
        progress : bool, optional
            Show a progress bar (default: only on a terminal).

        Returns
        -------
        FlagReport
            Tables of submissions, matches, passages, per-section copy ratios and template
            residue; ``to_json()`` gives the CLI's JSON. A submission is flagged when it is
            a duplicate, near-duplicate, contained or partial copy of a held document, or
            when its total copy ratio reaches ``config.partial``.
        """
        from corpus_tools.progress import progress_bar

        frame = as_corpus(submissions, "DedupIndex.flag", name="submissions")
        parts: list[_Flagged] = []
        for name, text in progress_bar(
            list(zip(frame["doc_id"], frame["text"], strict=True)), desc="flag", enabled=progress
        ):
            parts.append(self._flag_one(str(name), text))
        return _report(parts)

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

    def _flag_one(self, name: str, text: str) -> _Flagged:
        cfg = self.config_
        folded = fold_text(text, cfg)
        feats = features_of_folded(folded, cfg)
        cands = self.candidates(feats)  # merges added chunks: _length, _digest are whole
        matches: list[dict[str, Any]] = []
        passages: list[dict[str, Any]] = []
        covered = np.zeros(feats.length, dtype=bool)
        for doc in cands["doc"].tolist():
            other = fold_text(self.text(doc), cfg)
            # only the shingle set is needed to verify (digest and length are held)
            ids, _ = sketch(shingle_hashes(other.codes, cfg.k, seed=cfg.seed), 2)
            ofeats = DocFeatures(
                int(self._length[doc]), int(self._digest[doc]), ids, _NO_BANDS, _NO_ANCHORS
            )
            v = verify_pair(
                feats, ofeats, folded, other, cfg, align=True, align_floor=MIN_MATCH_RATIO
            )
            ratio = v.ratio_first if v.ratio_first == v.ratio_first else 0.0
            if v.relation is None and ratio < MIN_MATCH_RATIO:
                continue
            inter = v.containment * min(len(feats.shingles), len(ofeats.shingles))
            doc_id = self.doc_ids_[doc]
            matches.append(
                {
                    "submission": name,
                    "doc_id": doc_id,
                    "similarity": v.similarity,
                    "containment": inter / max(len(feats.shingles), 1),
                    "copy_ratio": ratio,
                    "relation": v.relation,
                }
            )
            covered |= union_mask(feats.length, v.spans[:, 0], v.spans[:, 1])
            sp = v.spans
            ss, se = folded.starts[sp[:, 0]], folded.ends[sp[:, 1] - 1]
            ms, me = other.starts[sp[:, 2]], other.ends[sp[:, 3] - 1]
            passages.extend(
                {
                    "submission": name,
                    "doc_id": doc_id,
                    "submission_start": a,
                    "submission_end": b,
                    "match_start": c,
                    "match_end": d,
                    "chars": n,
                    "text": text[a:b],
                }
                for a, b, c, d, n in zip(
                    ss.tolist(),
                    se.tolist(),
                    ms.tolist(),
                    me.tolist(),
                    (sp[:, 1] - sp[:, 0]).tolist(),
                    strict=True,
                )
            )
        matches.sort(key=lambda m: (-m["copy_ratio"], -m["similarity"], m["doc_id"]))
        copy_ratio = float(covered.sum()) / max(feats.length, 1)
        related = any(m["relation"] is not None for m in matches)
        flagged = bool(related or (matches and copy_ratio >= cfg.partial))
        residue = [{"submission": name, **r} for r in _residue(text)]
        sub = {
            "submission": name,
            "flagged": flagged,
            "copy_ratio": copy_ratio,
            "largest_source": matches[0]["doc_id"] if matches else None,
            "largest_source_ratio": float(matches[0]["copy_ratio"]) if matches else 0.0,
            "matches": len(matches),
            "residue": len(residue),
        }
        sections = [
            {"submission": name, **r} for r in _section_ratios(text, folded.starts, covered)
        ]
        return _Flagged(sub, matches, passages, sections, residue)

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
        n = len(self)
        ids = self.doc_ids_
        # work in doc_id order, as find_near_duplicates does, so the result is the same
        order = np.array(sorted(range(n), key=ids.__getitem__), dtype=np.int64)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64)
        sorted_ids = [ids[k] for k in order.tolist()]
        bands = self._bands if self._bands is not None else np.zeros((0, cfg.bands), np.uint64)
        lsh = lsh_candidate_pairs(bands[order])
        anchor = anchor_postings_pairs(
            self._anchor_keys,
            rank[self._anchor_docs.astype(np.int64)],
            self._n_anchors[order],
            min_hits=cfg.min_anchor_hits,
            min_share=cfg.min_anchor_share,
            min_passage=cfg.min_anchor_passage,
            max_df=effective_max_df(cfg, n),
        )
        cands = unique_pairs([lsh, anchor[["i", "j"]].to_numpy(dtype=np.int64)])
        del lsh, anchor
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

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the index to the directory ``path`` (created if needed); returns it.

        Texts already stored in ``path`` are not rewritten; new texts go to a new segment.
        Every save writes its files under names no earlier save in ``path`` used, then the
        manifest (atomically), then removes the files the manifest no longer names: a
        crash at any point leaves the previous index in ``path`` whole and readable.
        """
        check_type(path, "path", "DedupIndex.save", (str, os.PathLike), "a directory path")
        cfg = self.config_
        out = Path(path)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create index directory {out}: {exc}") from exc
        self._merged()
        same_dir = self._dir is not None and self._dir.resolve() == out.resolve()
        gen = _next_generation(out)
        segments: dict[int, Path] = {}
        for seg, seg_path in sorted(self._segments.items()):
            if seg in self._spilled:  # a temporary segment: move it into place
                target = out / _segment_name(gen, seg)
                _move(seg_path, target)
                self._segments[seg] = target
                self._spilled.discard(seg)
            elif same_dir:  # already in place, named by the manifest there
                target = seg_path
            else:
                target = out / _segment_name(gen, seg)
                with atomic_write(target, "wb") as fh, open(seg_path, "rb") as src:
                    shutil.copyfileobj(src, fh)
            segments[seg] = target
        loc = self._text_loc.copy()
        if self._mem_texts:
            seg = max(segments, default=-1) + 1
            seg_path = out / _segment_name(gen, seg)
            add = _write_texts(seg_path, seg, self._mem_texts)
            segments[seg] = seg_path
            loc = pd.concat([loc, add], ignore_index=True)
        docs = pd.DataFrame(
            {
                "doc_id": pd.Series(self.doc_ids_, dtype=object),
                "chars": self._chars,
                "length": self._length,
                "n_shingles": self._n_shingles,
                "n_anchors": self._n_anchors,
                "digest": self._digest.view(np.int64),
                "segment": loc["segment"].to_numpy(np.int64),
                "offset": loc["offset"].to_numpy(np.int64),
                "nbytes": loc["nbytes"].to_numpy(np.int64),
                "crc32": loc["crc32"].to_numpy(np.int64),
            }
        )
        names = _file_names(gen)
        with atomic_write(out / names["docs"], "wb") as fh:
            docs.to_parquet(fh, index=False)
        bands = self._bands if self._bands is not None else np.zeros((0, cfg.bands), np.uint64)
        arrays: list[npt.NDArray[Any]] = [bands, self._anchor_keys, self._anchor_docs]
        for role, arr in zip(_ARRAYS, arrays, strict=True):
            with atomic_write(out / names[role], "wb") as fh:
                np.save(fh, arr, allow_pickle=False)
        files = {name: _sha256(out / name) for name in names.values()}
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "generation": gen,
            "documents": len(self),
            "config": self.config_._asdict(),
            "arrays": names,
            "files": files,
            "segments": {str(k): v.name for k, v in sorted(segments.items())},
        }
        with atomic_write(out / "manifest.json", "w") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=2)
        # the new index is in place: files of earlier saves (and of crashed ones) can go
        _remove_unnamed(out, {*names.values(), *(v.name for v in segments.values())})
        # the saved state is now the on-disk one
        self._segments = segments
        self._text_loc = loc.reset_index(drop=True)
        self._mem_texts = {}
        self._mem_chars = 0
        self._dir = out
        return out

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> DedupIndex:
        """Read an index written by :meth:`save`, checking its format, version and checksums.

        Raises
        ------
        IndexFormatError
            When the directory is not an index, is of another format version, or a file
            is missing or corrupt.
        """
        check_type(path, "path", "DedupIndex.load", (str, os.PathLike), "a directory path")
        root = Path(path)
        manifest_path = root / "manifest.json"
        if not manifest_path.is_file():
            raise IndexFormatError(
                f"{root} is not a corpus-tools index (no manifest.json); build one with "
                "'corpus-tools index build PATH... -o DIR'"
            )
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IndexFormatError(f"{manifest_path} is corrupt: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
            raise IndexFormatError(f"{root} is not a corpus-tools dedup index")
        version = manifest.get("version")
        if version != FORMAT_VERSION:
            raise IndexFormatError(
                f"{root} is an index of format version {version}; this corpus-tools reads "
                f"version {FORMAT_VERSION}. Rebuild it with 'corpus-tools index build'."
            )
        try:
            files = dict(manifest["files"])
            config = DedupConfig(**manifest["config"])
            segments = {int(k): root / str(v) for k, v in manifest["segments"].items()}
            n_docs = int(manifest["documents"])
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexFormatError(f"{manifest_path} lacks or garbles a field: {exc}") from exc
        names = manifest.get("arrays", _file_names(0))
        if not isinstance(names, dict) or set(names) != {"docs", *_ARRAYS}:
            raise IndexFormatError(f"{manifest_path} garbles its 'arrays' field")
        for name in names.values():
            fpath = root / str(name)
            if not fpath.is_file():
                raise IndexFormatError(f"index file {fpath} is missing")
            if _sha256(fpath) != files.get(name):
                raise IndexFormatError(
                    f"index file {fpath} is corrupt (its SHA-256 differs from the manifest's); "
                    "rebuild the index with 'corpus-tools index build'"
                )
        for seg_path in segments.values():
            if not seg_path.is_file():
                raise IndexFormatError(f"index text file {seg_path} is missing")
        try:
            docs = pd.read_parquet(root / str(names["docs"]))
            arrays = [np.load(root / str(names[role]), allow_pickle=False) for role in _ARRAYS]
        except Exception as exc:  # checksums matched, so this is a writer's bug
            raise IndexFormatError(f"index {root} cannot be read: {exc}") from exc
        bands, keys, adocs = arrays
        if len(docs) != n_docs or bands.shape != (n_docs, config.bands) or len(keys) != len(adocs):
            raise IndexFormatError(f"index {root} is inconsistent (array sizes differ)")
        index = cls(config)
        index._config = make_config(config, {}, "DedupIndex.load")
        index.doc_ids_ = [str(x) for x in docs["doc_id"]]
        index._id_pos = {d: i for i, d in enumerate(index.doc_ids_)}
        index._chars = docs["chars"].to_numpy(np.int64)
        index._length = docs["length"].to_numpy(np.int64)
        index._n_shingles = docs["n_shingles"].to_numpy(np.int64)
        index._n_anchors = docs["n_anchors"].to_numpy(np.int64)
        index._digest = docs["digest"].to_numpy(np.int64).view(np.uint64)
        index._bands = bands.astype(np.uint64)
        index._anchor_keys = keys.astype(np.uint32)
        index._anchor_docs = adocs.astype(np.uint32)
        index._text_loc = docs[["segment", "offset", "nbytes", "crc32"]].reset_index(drop=True)
        index._segments = segments
        index._dir = root
        return index

    def nbytes(self) -> dict[str, int]:
        """Memory of the search structures and stored texts, in bytes (for sizing)."""
        self._merged()
        bands = 0 if self._bands is None else self._bands.nbytes
        search = (
            bands
            + self._anchor_keys.nbytes
            + self._anchor_docs.nbytes
            + self._length.nbytes
            + self._n_shingles.nbytes
            + self._n_anchors.nbytes
            + self._digest.nbytes
            + self._chars.nbytes
        )
        texts = int(self._text_loc["nbytes"].sum()) if len(self._text_loc) else 0
        return {"search": int(search), "texts": texts}


class _Flagged(NamedTuple):
    submission: dict[str, Any]
    matches: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    residue: list[dict[str, Any]]


_MATCH_COLUMNS = {
    "submission": object,
    "doc_id": object,
    "similarity": "float64",
    "containment": "float64",
    "copy_ratio": "float64",
    "relation": object,
}
_PASSAGE_COLUMNS = {
    "submission": object,
    "doc_id": object,
    "submission_start": "int64",
    "submission_end": "int64",
    "match_start": "int64",
    "match_end": "int64",
    "chars": "int64",
    "text": object,
}
_SECTION_COLUMNS = {
    "submission": object,
    "section_id": "int64",
    "level": "int64",
    "heading": object,
    "start": "int64",
    "end": "int64",
    "chars": "int64",
    "copied_chars": "int64",
    "copy_ratio": "float64",
}
_RESIDUE_COLUMNS = {
    "submission": object,
    "start": "int64",
    "end": "int64",
    "text": object,
    "kind": object,
}
_SUB_COLUMNS = {
    "submission": object,
    "flagged": bool,
    "copy_ratio": "float64",
    "largest_source": object,
    "largest_source_ratio": "float64",
    "matches": "int64",
    "residue": "int64",
}


def _frame(rows: list[dict[str, Any]], columns: dict[str, Any]) -> pd.DataFrame:
    """A table with exactly ``columns`` (name -> dtype), built once from records."""
    data = {}
    for col, dtype in columns.items():
        values = [r[col] for r in rows]
        data[col] = (
            pd.Series(values, dtype=dtype)
            if dtype is not object
            else pd.Series(values, dtype=object)
        )
    return pd.DataFrame(data)


def _residue(text: str) -> list[dict[str, Any]]:
    """Unfilled placeholders (from :mod:`corpus_tools.text` when available)."""
    try:
        from corpus_tools.text.placeholders import find_placeholders
    except ImportError:  # pragma: no cover - the module ships with the package
        return []
    found = find_placeholders(text)
    return [
        {
            "start": int(r["start"]),
            "end": int(r["end"]),
            "text": str(r["text"]),
            "kind": str(r["kind"]),
        }
        for r in found.to_dict("records")
    ]


def _section_ratios(
    text: str, folded_starts: npt.NDArray[np.int64], covered: npt.NDArray[np.bool_]
) -> list[dict[str, Any]]:
    """Folded and copied characters per section of ``text``."""
    from corpus_tools.text.structure import parse_sections

    secs = parse_sections(text)
    if secs.empty:
        return []
    cum = np.concatenate([[0], np.cumsum(covered, dtype=np.int64)])
    starts = secs["start"].to_numpy(np.int64)
    ends = secs["end"].to_numpy(np.int64)
    lo = np.searchsorted(folded_starts, starts, side="left")
    hi = np.searchsorted(folded_starts, ends, side="left")
    chars = (hi - lo).tolist()
    copied = (cum[hi] - cum[lo]).tolist()
    return [
        {
            "section_id": int(sid),
            "level": int(level),
            "heading": str(heading),
            "start": int(a),
            "end": int(b),
            "chars": n,
            "copied_chars": c,
            "copy_ratio": c / n if n else 0.0,
        }
        for sid, level, heading, a, b, n, c in zip(
            secs["section_id"].tolist(),
            secs["level"].tolist(),
            secs["heading"].tolist(),
            starts.tolist(),
            ends.tolist(),
            chars,
            copied,
            strict=True,
        )
    ]


def _report(parts: list[_Flagged]) -> FlagReport:
    return FlagReport(
        _frame([p.submission for p in parts], _SUB_COLUMNS),
        _frame([m for p in parts for m in p.matches], _MATCH_COLUMNS),
        _frame([m for p in parts for m in p.passages], _PASSAGE_COLUMNS),
        _frame([m for p in parts for m in p.sections], _SECTION_COLUMNS),
        _frame([m for p in parts for m in p.residue], _RESIDUE_COLUMNS),
    )


def flag_submissions(
    submissions: Any,
    *,
    index: DedupIndex | str | os.PathLike[str] | None = None,
    against: Any = None,
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
        A built index, or the directory of a saved one.
    against : pandas.DataFrame, dict or list, optional
        Held documents to index on the fly (instead of ``index``).
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
    """
    func = "flag_submissions"
    if (index is None) == (against is None):
        raise param_error(
            "index/against",
            func,
            "exactly one of index= or against=",
            "both" if index is not None else "neither",
        )
    if against is not None:
        idx = DedupIndex(config, **overrides).build(against, progress=progress)
    elif isinstance(index, DedupIndex):
        idx = index
    elif isinstance(index, (str, os.PathLike)):
        idx = DedupIndex.load(index)
    else:
        raise param_error("index", func, "a DedupIndex or a directory path", type(index).__name__)
    return idx.flag(submissions, progress=progress)
