"""Judging one submission against the held documents that may be its sources.

Given a submission (its text, folded text and features) and its candidate sources (each
held document's id, text, folded length, digest, role and unit), :func:`judge_submission`
verifies every source, aligns the copied passages and says whether the submission is
flagged: its copy ratio (copied from peers of other units), quoted ratio (found in
references) and recycled ratio (found in peers of its own unit), its matches, its passages
with offsets into both texts, the same ratios per section and the unfilled placeholders
left in it. :func:`flag_report` turns the verdicts of
many submissions into the tables of a :class:`FlagReport`.

Nothing here knows where the sources come from: :class:`corpus_tools.dedup.DedupIndex`
finds the candidates and reads their texts, then calls this module.

Examples
--------
>>> from corpus_tools.dedup.config import make_config
>>> from corpus_tools.dedup.sketch import features_of_folded, fold_text
>>> cfg = make_config(None, {}, "example")
>>> held = "坚持党建引领，推动基层治理能力现代化建设取得新成效。" * 4
>>> f = features_of_folded(fold_text(held, cfg), cfg)
>>> source = HeldSource("r1", held, f.length, f.digest)
>>> verdict = judge_submission("sub", "我们：" + held, [source], cfg)
>>> verdict.submission["flagged"], verdict.submission["largest_source"]
(True, 'r1')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup import verify
from corpus_tools.dedup.align import (
    Seeds,
    batch_components,
    covered_length,
    diagonal_groups,
    group_length,
    passages_of_groups,
    seed_runs,
    seeds_of,
    union_mask,
)
from corpus_tools.dedup.config import DedupConfig
from corpus_tools.dedup.residue import RESIDUE_COLUMNS, Passage, residue_rows
from corpus_tools.dedup.sketch import (
    DocFeatures,
    features_of_folded,
    fold_text,
    shingle_hashes,
    shingle_set,
)
from corpus_tools.dedup.verify import PairVerdict, verify_pair
from corpus_tools.errors import (
    IndexFormatError,
    InvalidParameterError,
    check_type,
    param_error,
)
from corpus_tools.text.matching import Folded
from corpus_tools.text.places import (
    Place,
    PlaceMention,
    lookup_place,
    place_candidates,
    place_mentions,
    place_of_mentions,
)

if TYPE_CHECKING:  # the tables are made when first read: the JSON of a report needs none
    import pandas as pd

__all__ = [
    "MIN_MATCH_RATIO",
    "PEER",
    "REFERENCE",
    "FlagReport",
    "FlaggedSubmission",
    "HeldSource",
    "flag_report",
    "given_places",
    "judge_submission",
    "submission_places",
]

#: Matches whose copy ratio is below this and that have no relation are not reported.
MIN_MATCH_RATIO = 0.02
PEER, REFERENCE = "peer", "reference"
_NO_BANDS = np.zeros(0, dtype=np.uint64)
_NO_ANCHORS = np.zeros(0, dtype=np.uint32)


class FlagReport:
    """What :meth:`DedupIndex.flag` returns: one table per level of detail.

    Every character of a submission matched in a held document counts once, by the most
    innocent explanation: found in a ``reference`` (a document that may be quoted), it is
    **quoted**; else found in a peer of the submission's own unit (``unit_field``), it is
    **recycled** (the unit's own earlier draft); else it is **copied** (from a peer of
    another unit, or of no unit). The three ratios are shares of the submission's folded
    characters and add up to at most 1; only the copy ratio sets ``flagged``.

    Attributes
    ----------
    submissions : pandas.DataFrame
        One row per submission: ``submission`` (str), ``flagged`` (bool: ``copy_ratio`` >=
        the ``partial`` option), ``copy_ratio`` (float64: copied folded characters / all
        folded characters, the 总文字复制比 without quotations), ``quoted_ratio``
        (float64), ``recycled_ratio`` (float64), ``unit`` (str or None), ``place`` (str or
        None: the full name of the submission's place, given or inferred from its text,
        ``"贵州省遵义市湄潭县"``), ``largest_source`` (str or None: the copied-from peer with
        the largest share), ``largest_source_ratio`` (float64), ``matches`` (int64),
        ``residue`` (int64: residue findings).
    matches : pandas.DataFrame
        One row per matched held document: ``submission``, ``doc_id`` (str), ``role``
        (str: ``peer`` or ``reference``), ``recycled`` (bool: a peer of the submission's
        unit), ``similarity`` (float64, Jaccard), ``containment`` (float64: share of the
        submission's shingles found in the document), ``copy_ratio`` (float64: share of
        the submission matched in this document, whatever the role), ``relation`` (str or
        None).
    passages : pandas.DataFrame
        ``submission``, ``doc_id``, ``role``, ``recycled``, ``submission_start``,
        ``submission_end``, ``match_start``, ``match_end`` (int64 offsets into the texts as
        loaded), ``chars`` (int64), ``text`` (str, the submission's passage),
        ``match_text`` (str, the held document's passage); best source first.
    sections : pandas.DataFrame
        Per section of each submission (:func:`corpus_tools.text.parse_sections`):
        ``submission``, ``section_id``, ``level`` (int64), ``heading`` (str), ``start``,
        ``end`` (int64), ``chars``, ``copied_chars``, ``quoted_chars``, ``recycled_chars``
        (int64, folded), ``copy_ratio``, ``quoted_ratio``, ``recycled_ratio`` (float64).
    residue : pandas.DataFrame
        What a copier left (evidence; it does not set ``flagged``), in text order per
        submission (:func:`corpus_tools.dedup.find_residue`): ``submission``, ``start``,
        ``end`` (int64 offsets into the submission as loaded: ``text[start:end]`` is the
        finding), ``text``, ``kind`` (str: ``placeholder`` for an unfilled blank,
        ``foreign_place`` for a place name none of whose readings is within the
        submission's place or holds it), ``detail`` (str: the placeholder's kind, e.g.
        ``number``, or the place's level), ``belongs_to`` (str: the full name of the
        division a foreign name names, ``"贵州省遵义市湄潭县兴隆镇"``; None for a
        placeholder), ``code`` (its division code, or None), ``certainty`` (``certain``: a
        placeholder in a passage copied from a peer, or a place name in one that names the
        source's place; else ``possible``: a partner city, a cross-region programme),
        ``source_doc_id`` (the peer of the copied passage it lies in, or None). A place
        name inside a passage quoted from a reference is no residue.

    The tables are made when first read (they unpack in this order, as a tuple would):
    :meth:`to_json` and :attr:`flagged` read the verdicts' records, so the command line's
    JSON needs no table (nor pandas).
    """

    _fields = ("submissions", "matches", "passages", "sections", "residue")

    def __init__(
        self,
        submissions: pd.DataFrame | None = None,
        matches: pd.DataFrame | None = None,
        passages: pd.DataFrame | None = None,
        sections: pd.DataFrame | None = None,
        residue: pd.DataFrame | None = None,
    ) -> None:
        given = (submissions, matches, passages, sections, residue)
        if any(t is None for t in given) and not all(t is None for t in given):
            raise TypeError("FlagReport takes all five tables or none")
        self._tables: dict[str, Any] = (
            {} if submissions is None else dict(zip(self._fields, given, strict=True))
        )
        self._records: dict[str, list[dict[str, Any]]] | None = None

    @classmethod
    def of_records(cls, records: dict[str, list[dict[str, Any]]]) -> FlagReport:
        """The report whose tables are made from ``records`` (one list of rows per table,
        by name) when first read."""
        report = cls()
        report._records = records
        return report

    def _table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            records = self.records()
            self._tables[name] = _frame(records[name], _COLUMNS[name])
        table: pd.DataFrame = self._tables[name]
        return table

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """The rows of each table (name -> list of dicts, column -> value)."""
        if self._records is None:
            self._records = {name: self._tables[name].to_dict("records") for name in self._fields}
        return self._records

    @property
    def submissions(self) -> pd.DataFrame:
        """One row per submission (see the class)."""
        return self._table("submissions")

    @property
    def matches(self) -> pd.DataFrame:
        """One row per matched held document (see the class)."""
        return self._table("matches")

    @property
    def passages(self) -> pd.DataFrame:
        """The copied passages (see the class)."""
        return self._table("passages")

    @property
    def sections(self) -> pd.DataFrame:
        """The ratios per section (see the class)."""
        return self._table("sections")

    @property
    def residue(self) -> pd.DataFrame:
        """What a copier left (see the class)."""
        return self._table("residue")

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter([self._table(name) for name in self._fields])

    def __len__(self) -> int:
        return len(self._fields)

    def __getitem__(self, k: int) -> pd.DataFrame:
        return self._table(self._fields[k])

    def __repr__(self) -> str:
        return f"FlagReport({len(self.records()['submissions'])} submissions)"

    @property
    def flagged(self) -> bool:
        """True when any submission was flagged."""
        return any(bool(sub["flagged"]) for sub in self.records()["submissions"])

    def to_json(self) -> list[dict[str, Any]]:
        """The ``flag`` JSON of the CLI contract (see the README for every field)."""
        return [self._submission_json(sub) for sub in self.records()["submissions"]]

    def _submission_json(self, sub: dict[Any, Any]) -> dict[str, Any]:
        name = sub["submission"]
        records = self.records()
        secs = [s for s in records["sections"] if s["submission"] == name]
        res = [r for r in records["residue"] if r["submission"] == name]
        return {
            "submission": name,
            "flagged": bool(sub["flagged"]),
            "copy_ratio": round(float(sub["copy_ratio"]), 4),
            "quoted_ratio": round(float(sub["quoted_ratio"]), 4),
            "recycled_ratio": round(float(sub["recycled_ratio"]), 4),
            "unit": sub["unit"],
            "place": sub["place"],
            "largest_source": sub["largest_source"],
            "largest_source_ratio": round(float(sub["largest_source_ratio"]), 4),
            "matches": self._matches_json(name),
            "sections": [
                {
                    "section_id": int(s["section_id"]),
                    "level": int(s["level"]),
                    "heading": s["heading"],
                    "start": int(s["start"]),
                    "end": int(s["end"]),
                    "copy_ratio": round(float(s["copy_ratio"]), 4),
                    "quoted_ratio": round(float(s["quoted_ratio"]), 4),
                    "recycled_ratio": round(float(s["recycled_ratio"]), 4),
                }
                for s in secs
            ],
            "residue": [
                {
                    "start": int(r["start"]),
                    "end": int(r["end"]),
                    **{k: r[k] for k in _RESIDUE_JSON},
                }
                for r in res
            ],
            "residue_count": len(res),
            "residue_certain": sum(r["certainty"] == "certain" for r in res),
            # (the placeholders alone, as before residue had other kinds)
            "template_residue": [
                {
                    "start": int(r["start"]),
                    "end": int(r["end"]),
                    "text": r["text"],
                    "kind": r["detail"],
                }
                for r in res
                if r["kind"] == "placeholder"
            ],
        }

    def _matches_json(self, name: str) -> list[dict[str, Any]]:
        records = self.records()
        mrows = [m for m in records["matches"] if m["submission"] == name]
        prow = [p for p in records["passages"] if p["submission"] == name]
        out = []
        for m in mrows:
            ps = [p for p in prow if p["doc_id"] == m["doc_id"]]
            out.append(
                {
                    "doc_id": m["doc_id"],
                    "role": m["role"],
                    "recycled": bool(m["recycled"]),
                    "similarity": round(float(m["similarity"]), 4),
                    "containment": round(float(m["containment"]), 4),
                    "copy_ratio": round(float(m["copy_ratio"]), 4),
                    "relation": m["relation"],
                    "passages": [{key: int(p[key]) for key in _PASSAGE_JSON} for p in ps],
                }
            )
        return out


#: The fields of a residue finding in the JSON after its offsets, as they are.
_RESIDUE_JSON = ("text", "kind", "detail", "belongs_to", "code", "certainty", "source_doc_id")
#: The fields of a passage in the JSON (int).
_PASSAGE_JSON = ("submission_start", "submission_end", "match_start", "match_end", "chars")


class HeldSource(NamedTuple):
    """A held document that may be a source of a submission: what judging it needs."""

    doc_id: str
    text: str
    #: length of its folded text and digest of it (the index holds both)
    length: int
    digest: int
    #: ``peer`` or ``reference`` (a passage found in a reference is quoted, not copied)
    role: str = PEER
    #: its unit (None when it has none): a peer of the submission's unit is recycled
    unit: str | None = None


class FlaggedSubmission(NamedTuple):
    """The verdict on one submission: one record (or list of records) per table of
    :class:`FlagReport`."""

    submission: dict[str, Any]
    matches: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    residue: list[dict[str, Any]]


_MATCH_COLUMNS = {
    "submission": object,
    "doc_id": object,
    "role": object,
    "recycled": bool,
    "similarity": "float64",
    "containment": "float64",
    "copy_ratio": "float64",
    "relation": object,
}
_PASSAGE_COLUMNS = {
    "submission": object,
    "doc_id": object,
    "role": object,
    "recycled": bool,
    "submission_start": "int64",
    "submission_end": "int64",
    "match_start": "int64",
    "match_end": "int64",
    "chars": "int64",
    "text": object,
    "match_text": object,
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
    "quoted_chars": "int64",
    "recycled_chars": "int64",
    "copy_ratio": "float64",
    "quoted_ratio": "float64",
    "recycled_ratio": "float64",
}
_RESIDUE_COLUMNS = {
    "submission": object,
    "start": "int64",
    "end": "int64",
    "text": object,
    "kind": object,
    "detail": object,
    "belongs_to": object,
    "code": object,
    "certainty": object,
    "source_doc_id": object,
}
_SUB_COLUMNS = {
    "submission": object,
    "flagged": bool,
    "copy_ratio": "float64",
    "quoted_ratio": "float64",
    "recycled_ratio": "float64",
    "unit": object,
    "place": object,
    "largest_source": object,
    "largest_source_ratio": "float64",
    "matches": "int64",
    "residue": "int64",
}


_COLUMNS = {
    "submissions": _SUB_COLUMNS,
    "matches": _MATCH_COLUMNS,
    "passages": _PASSAGE_COLUMNS,
    "sections": _SECTION_COLUMNS,
    "residue": _RESIDUE_COLUMNS,
}


def _frame(rows: list[dict[str, Any]], columns: dict[str, Any]) -> pd.DataFrame:
    """A table with exactly ``columns`` (name -> dtype), built once from records."""
    import pandas as pd

    data = {}
    for col, dtype in columns.items():
        values = [r[col] for r in rows]
        data[col] = (
            pd.Series(values, dtype=dtype)
            if dtype is not object
            else pd.Series(values, dtype=object)
        )
    return pd.DataFrame(data)


def flag_report(parts: Iterable[FlaggedSubmission]) -> FlagReport:
    """The tables of a :class:`FlagReport` from the verdicts on the submissions, in order."""
    parts = list(parts)
    return FlagReport.of_records(
        {
            "submissions": [p.submission for p in parts],
            "matches": [m for p in parts for m in p.matches],
            "passages": [m for p in parts for m in p.passages],
            "sections": [m for p in parts for m in p.sections],
            "residue": [m for p in parts for m in p.residue],
        }
    )


#: Source places inferred from held texts, by (doc_id, folded length, digest): a held
#: document is the source of many submissions of a run (bounded: oldest dropped first).
_SOURCE_PLACES: dict[tuple[str, int, int], Place | None] = {}
_SOURCE_PLACES_KEPT = 4096


def _source_place(source: HeldSource) -> Place | None:
    """The place a held document is about (:func:`corpus_tools.text.infer_place`), once."""
    key = (source.doc_id, source.length, source.digest)
    if key not in _SOURCE_PLACES:
        if len(_SOURCE_PLACES) >= _SOURCE_PLACES_KEPT:
            del _SOURCE_PLACES[next(iter(_SOURCE_PLACES))]
        _SOURCE_PLACES[key] = place_of_mentions(source.text, place_mentions(source.text))
    return _SOURCE_PLACES[key]


class _SourcePlaces:
    """The place of each source, inferred when first asked for (:func:`_source_place`)."""

    def __init__(self, sources: dict[str, HeldSource]) -> None:
        self.sources = sources

    def place(self, doc_id: str) -> Place | None:
        source = self.sources.get(doc_id)
        return None if source is None else _source_place(source)


def submission_places(
    frame: pd.DataFrame, place: str | Place | None, place_field: str | None, func: str
) -> list[Place | None]:
    """The place of each submission of a corpus table: ``place`` for all, or the value of
    its ``place_field`` (None, to be inferred from its text, where missing or empty).

    Raises
    ------
    InvalidParameterError
        Both given, ``place_field`` not a column, or a place that names no division or
        several (the message names the submission).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"doc_id": ["a", "b"], "text": ["", ""], "prov": ["贵州省", None]})
    >>> [p and p.name for p in submission_places(frame, None, "prov", "flag")]
    ['贵州省', None]
    """
    if place is not None and place_field is not None:
        raise param_error("place", func, "None when place_field is given", place)
    if place is not None or place_field is None:
        return given_places(len(frame), place, func)
    check_type(place_field, "place_field", func, str, "a metadata field name (str)")
    if place_field not in frame.columns:
        raise param_error(
            "place_field", func, f"a column of the submissions {list(frame.columns)}", place_field
        )
    out: list[Place | None] = []
    for name, value in zip(frame["doc_id"].tolist(), frame[place_field].tolist(), strict=True):
        if (
            value is None
            or (isinstance(value, float) and math.isnan(value))
            or not str(value).strip()
        ):
            out.append(None)
            continue
        try:
            out.append(lookup_place(str(value).strip()))
        except InvalidParameterError as exc:
            raise param_error(
                "place_field", func, f"place names (submission {name!r}: {exc})", value
            ) from None
    return out


def given_places(n: int, place: str | Place | None, func: str) -> list[Place | None]:
    """The place of each of ``n`` submissions when ``place`` (or None: each inferred from
    its text) is given for all.

    Examples
    --------
    >>> [p.name for p in given_places(2, "贵州省", "flag")]
    ['贵州省', '贵州省']
    """
    if place is None:
        return [None] * n
    if not isinstance(place, (str, Place)):
        raise param_error("place", func, "a place name, code or Place", type(place).__name__)
    try:
        return [lookup_place(place)] * n
    except InvalidParameterError as exc:
        raise param_error("place", func, f"a place name ({exc})", place) from None


def _own_place(
    text: str, mentions: list[PlaceMention], copied: list[dict[str, Any]]
) -> Place | None:
    """The place a submission is about, inferred from the names outside the passages it
    copied (those name the source's place, the more so the less the copier changed), or
    from all its names when those outside say nothing."""
    if copied and mentions:
        spans = [(p["submission_start"], p["submission_end"]) for p in copied]
        outside = [m for m in mentions if not any(a <= (m.start + m.end) / 2 < b for a, b in spans)]
        if 0 < len(outside) < len(mentions):
            own = place_of_mentions(text, outside)
            if own is not None:
                return own
    return place_of_mentions(text, mentions)


def _residue(
    text: str,
    passages: list[dict[str, Any]],
    place: Place | None,
    sources: dict[str, HeldSource],
) -> tuple[Place | None, list[dict[str, Any]]]:
    """The submission's place (given, else inferred) and what a copier left in it
    (:func:`corpus_tools.dedup.find_residue`): unfilled placeholders and names of another
    place. Passages from references are quotations: a place name inside one is no residue,
    and they make nothing certain."""
    copied = [p for p in passages if p["role"] != REFERENCE]
    mentions = None
    candidates = place_candidates(text)  # (what does not depend on the context: once)
    if place is None:
        mentions = place_mentions(text, candidates=candidates)
        place = _own_place(text, mentions, copied)
        if place is not None:
            mentions = None  # (found again with the sources' places as context)
    quoted = [(p["submission_start"], p["submission_end"]) for p in passages if p not in copied]
    spans = [Passage(p["submission_start"], p["submission_end"], p["doc_id"]) for p in copied]
    found = residue_rows(
        text, place, spans, _SourcePlaces(sources), mentions=mentions, candidates=candidates
    )
    rows: list[dict[str, Any]] = []
    for values in found:
        r = dict(zip(RESIDUE_COLUMNS, values, strict=True))
        middle = (r["start"] + r["end"]) / 2
        quotation = r["source_doc_id"] is None and any(a <= middle < b for a, b in quoted)
        if r["kind"] != "placeholder" and quotation:
            continue  # a name in a quotation of a reference: not residue
        rows.append(r)
    return place, rows


def _as_place(place: str | Place | None) -> Place | None:
    if place is None or isinstance(place, Place):
        return place
    if not isinstance(place, str):
        raise param_error(
            "place", "judge_submission", "a place name, code or Place", type(place).__name__
        )
    return lookup_place(place)


class _Cover(NamedTuple):
    """Folded characters of a submission counted as copied, quoted and recycled (disjoint:
    a character found in a reference is quoted; else in a peer of its own unit, recycled;
    else in another peer, copied)."""

    copied: npt.NDArray[np.bool_]
    quoted: npt.NDArray[np.bool_]
    recycled: npt.NDArray[np.bool_]


def _section_ratios(
    text: str, folded_starts: npt.NDArray[np.int64], cover: _Cover
) -> list[dict[str, Any]]:
    """Folded, copied, quoted and recycled characters per section of ``text``."""
    from corpus_tools.text.structure import section_rows

    secs = section_rows(text)
    if not secs:
        return []
    starts = np.array([s["start"] for s in secs], dtype=np.int64)
    ends = np.array([s["end"] for s in secs], dtype=np.int64)
    lo = np.searchsorted(folded_starts, starts, side="left")
    hi = np.searchsorted(folded_starts, ends, side="left")
    chars = hi - lo
    counts = {}
    for kind, mask in zip(("copied", "quoted", "recycled"), cover, strict=True):
        cum = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
        counts[kind] = (cum[hi] - cum[lo]).tolist()
    rows = []
    for k, sec in enumerate(secs):
        n = int(chars[k])
        c, q, r = counts["copied"][k], counts["quoted"][k], counts["recycled"][k]
        rows.append(
            {
                "section_id": k,
                "level": cast(int, sec["level"]),
                "heading": str(sec["heading"]),
                "start": int(starts[k]),
                "end": int(ends[k]),
                "chars": n,
                "copied_chars": c,
                "quoted_chars": q,
                "recycled_chars": r,
                "copy_ratio": c / n if n else 0.0,
                "quoted_ratio": q / n if n else 0.0,
                "recycled_ratio": r / n if n else 0.0,
            }
        )
    return rows


class _Shingled(NamedTuple):
    """A held document's folded text and shingle set, and how many of its shingles the
    submission holds."""

    folded: Folded
    ids: npt.NDArray[np.uint32]
    shared: int


def _source_shingles(
    source: HeldSource, cfg: DedupConfig, shingles: npt.NDArray[np.uint32]
) -> _Shingled:
    """A held document's folded text (its length checked) and shingle set, and how many
    of them the submission's ``shingles`` hold: by the compiled loops when built (one
    pass: hashing, sorting, counting), else by numpy; the same arrays and counts."""
    other = fold_text(source.text, cfg)
    if len(other.codes) != source.length:
        raise IndexFormatError(
            f"the held document {source.doc_id!r} folds to {len(other.codes)} characters, "
            f"not the {source.length} its index says: the index is inconsistent; rebuild it"
        )
    # only the shingle set is needed to verify (digest and length are held)
    native = verify.NATIVE
    if native is not None:
        codes = np.ascontiguousarray(other.codes, dtype=np.uint32)
        held = np.ascontiguousarray(shingles, dtype=np.uint32)
        data, shared = native.shingle_overlap(codes, cfg.k, cfg.seed, held)
        return _Shingled(other, np.frombuffer(data, dtype=np.uint32), shared)
    ids = shingle_set(shingle_hashes(other.codes, cfg.k, seed=cfg.seed))
    return _Shingled(other, ids, len(np.intersect1d(shingles, ids, assume_unique=True)))


def _jaccard_containment(n_a: int, n_b: int, shared: int) -> tuple[float, float]:
    """:func:`corpus_tools.dedup.verify.jaccard_containment` of two sets of ``n_a`` and
    ``n_b`` ids sharing ``shared`` (the same floats)."""
    if n_a == 0 or n_b == 0:
        return 0.0, 0.0
    return shared / (n_a + n_b - shared), shared / min(n_a, n_b)


def _stretches(
    starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64], max_gap: int, min_len: int
) -> int:
    """Characters in the stretches of the spans ``[start, end)`` joined across gaps of at
    most ``max_gap``, counting only stretches at least ``min_len`` long."""
    owner = np.zeros(len(starts), dtype=np.int64)
    return int(batch_components(owner, starts, ends, 1, max_gap=max_gap, min_len=min_len)[0])


def _position_ids(folded: Folded, cfg: DedupConfig) -> npt.NDArray[np.uint32]:
    """The shingle id starting at each folded character (as :func:`sketch` makes ids)."""
    hashes = shingle_hashes(folded.codes, cfg.k, seed=cfg.seed)
    return (hashes >> np.uint64(32)).astype(np.uint32)


def _shares_only_quotes(
    unquoted: npt.NDArray[np.uint32], ids: npt.NDArray[np.uint32], shingles: int
) -> bool:
    """Whether fewer than :data:`MIN_MATCH_RATIO` of the submission's ``shingles`` are
    shingles of a source (``ids``, sorted) found outside quoted text (``unquoted``:
    sorted unique ids of the shingles that start outside it): then the source can add no
    copying worth reporting, and is not aligned."""
    if len(ids) == 0 or len(unquoted) == 0:
        return True
    at = np.searchsorted(ids, unquoted)  # (both sorted: one pass through memory)
    at[at == len(ids)] = 0
    return int((ids[at] == unquoted).sum()) < MIN_MATCH_RATIO * max(shingles, 1)


class _SubmissionSeeds:
    """The submission's alignment seeds (:func:`corpus_tools.dedup.align.seeds_of`; with
    the compiled loops only their window hashes), computed when first asked for and kept
    for every source."""

    def __init__(self, codes: npt.NDArray[np.uint32], cfg: DedupConfig) -> None:
        self.codes, self.cfg = codes, cfg
        self.seeds: Seeds | None = None
        self.windows: npt.NDArray[np.uint64] | None = None

    def get(self) -> Seeds:
        if self.seeds is None:
            self.seeds = seeds_of(self.codes, self.cfg.anchor_k, self.cfg.seed)
        return self.seeds

    def hashes(self) -> npt.NDArray[np.uint64]:
        """The hash of the ``anchor_k``-window at each position (none when shorter)."""
        if self.windows is None:
            k = self.cfg.anchor_k
            self.windows = (
                shingle_hashes(self.codes, k, seed=self.cfg.seed)
                if len(self.codes) >= k
                else np.zeros(0, dtype=np.uint64)
            )
        return self.windows


def _seed_groups(
    seeds: _SubmissionSeeds, other: Folded, cfg: DedupConfig
) -> tuple[npt.NDArray[np.int64], int, int]:
    """The diagonal groups of the submission's seed runs in a source, and what the
    stretches of their spans reach in the submission and in the source (the bound of
    :func:`_seeded`): by the compiled loops when built (:data:`verify.NATIVE`), else
    by numpy; the same arrays and numbers either way."""
    k, gap = cfg.anchor_k, cfg.max_gap
    least = group_length(k, cfg.min_passage)
    native = verify.NATIVE
    if native is not None:
        codes = np.ascontiguousarray(other.codes, dtype=np.uint32)
        data, reach_a, reach_b = native.seed_groups(
            seeds.hashes(), codes, k, cfg.seed, gap, least, cfg.min_passage
        )
        return np.frombuffer(data, dtype=np.int64).reshape(-1, 4), reach_a, reach_b
    runs = seed_runs(seeds.get(), seeds_of(other.codes, k, cfg.seed), k)
    groups = diagonal_groups(runs, gap, least)
    if len(groups) == 0:
        return groups, 0, 0
    reach_a = _stretches(groups[:, 0], groups[:, 1], gap, cfg.min_passage)
    return groups, reach_a, _stretches(groups[:, 2], groups[:, 3], gap, 0)


class _Seeded(NamedTuple):
    """What judging a source found before its passages are chained: its Jaccard and
    containment, and the diagonal groups of its seed runs (None when not aligned)."""

    similarity: float
    containment: float
    groups: npt.NDArray[np.int64] | None


def _seeded(
    feats: DocFeatures,
    source: HeldSource,
    shingled: _Shingled,
    *,
    seeds: _SubmissionSeeds,
    cfg: DedupConfig,
) -> _Seeded | None:
    """None when :func:`verify_pair` (aligning, ``align_floor`` :data:`MIN_MATCH_RATIO`)
    would find no relation and passages covering less than :data:`MIN_MATCH_RATIO` of the
    submission, told before the passages are chained: it would not align them, or the
    stretches of their diagonal groups (``seeds``: the submission's, computed once) bound
    what passages can cover below every share that counts, on either side (see
    :func:`corpus_tools.dedup.align.batch_components`). Else the groups to chain (None for
    a duplicate or near-duplicate: verified as before)."""
    if feats.length == 0 or source.length == 0:
        return None  # (a copy of nothing)
    nothing = _Seeded(0.0, 0.0, None)
    if feats.digest == source.digest and feats.length == source.length:
        return nothing
    ids, other = shingled.ids, shingled.folded
    sim, cont = _jaccard_containment(len(feats.shingles), len(ids), shingled.shared)
    if sim >= cfg.threshold:
        return nothing
    # (verify_pair's test, to the same float: it would not align the pair)
    if cont * min(len(feats.shingles), len(ids)) < MIN_MATCH_RATIO * len(feats.shingles):
        return None
    groups, reach_a, reach_b = _seed_groups(seeds, other, cfg)
    if len(groups) == 0:
        return None
    ratio_a = reach_a / max(feats.length, 1)
    ratio_b = reach_b / max(source.length, 1)
    least = min(cfg.partial, cfg.containment)
    if ratio_a < MIN_MATCH_RATIO and ratio_a < least and ratio_b < least:
        return None
    return _Seeded(sim, cont, groups)


class _Judged(NamedTuple):
    """One source judged against the submission."""

    verdict: PairVerdict
    other: Folded
    shingles: int  # size of the source's shingle set


def _judge_source(
    source: HeldSource,
    feats: DocFeatures,
    folded: Folded,
    cfg: DedupConfig,
    shingled: _Shingled,
    *,
    seeded: _Seeded,
) -> _Judged:
    """The verdict :func:`verify_pair` gives (aligning), from the diagonal groups when they
    were found already (a pair with no relation before alignment: the passages are chained
    from them as :func:`corpus_tools.dedup.align.align_folded` chains them)."""
    other, ids = shingled.folded, shingled.ids
    ofeats = DocFeatures(source.length, source.digest, ids, _NO_BANDS, _NO_ANCHORS)
    if seeded.groups is None:
        verdict = verify_pair(
            feats, ofeats, folded, other, cfg, align=True, align_floor=MIN_MATCH_RATIO
        )
        return _Judged(verdict, other, len(ids))
    n_a, n_b = feats.length, source.length
    swapped = len(ids) < len(feats.shingles) or (len(ids) == len(feats.shingles) and n_b < n_a)
    spans = passages_of_groups(
        seeded.groups, len(folded.codes), min_passage=cfg.min_passage, max_gap=cfg.max_gap
    )
    ratio_a = covered_length(n_a, spans[:, 0], spans[:, 1]) / max(n_a, 1)
    ratio_b = covered_length(n_b, spans[:, 2], spans[:, 3]) / max(n_b, 1)
    small = ratio_b if swapped else ratio_a
    relation = None
    if small >= cfg.containment:
        relation = "contained"
    elif max(ratio_a, ratio_b) >= cfg.partial:
        relation = "partial"
    verdict = PairVerdict(
        seeded.similarity, seeded.containment, small, relation, swapped, spans, ratio_a, ratio_b
    )
    return _Judged(verdict, other, len(ids))


def _passages(
    name: str,
    source: dict[str, Any],
    text: str,
    folded: Folded,
    judged: _Judged,
    *,
    source_text: str,
) -> list[dict[str, Any]]:
    """The copied passages of one source, with offsets into both texts as loaded."""
    sp = judged.verdict.spans
    ss, se = folded.starts[sp[:, 0]], folded.ends[sp[:, 1] - 1]
    ms, me = judged.other.starts[sp[:, 2]], judged.other.ends[sp[:, 3] - 1]
    return [
        {
            "submission": name,
            **source,
            "submission_start": a,
            "submission_end": b,
            "match_start": c,
            "match_end": d,
            "chars": n,
            "text": text[a:b],
            "match_text": source_text[c:d],
        }
        for a, b, c, d, n in zip(
            ss.tolist(),
            se.tolist(),
            ms.tolist(),
            me.tolist(),
            (sp[:, 1] - sp[:, 0]).tolist(),
            strict=True,
        )
    ]


def judge_submission(
    name: str,
    text: str,
    sources: Iterable[HeldSource],
    config: DedupConfig,
    *,
    unit: str | None = None,
    place: str | Place | None = None,
    folded: Folded | None = None,
    features: DocFeatures | None = None,
) -> FlaggedSubmission:
    """Verify one submission against its candidate sources and give the verdict.

    Parameters
    ----------
    name, text : str
        The submission.
    sources : iterable of HeldSource
        The held documents that may be its sources (read one at a time), references
        first: a source whose shingles in common with the submission lie (but for
        :data:`MIN_MATCH_RATIO` of it) inside passages already found in a reference before
        it shares only quotations, and is neither aligned nor listed.
    config : DedupConfig
        The matching options (those the sources' lengths and digests were made with).
    unit : str, optional
        The submission's unit: a peer source of the same unit is its own earlier draft
        (``recycled``), not copying.
    place : str or Place, optional
        The submission's own place (``"贵州省"``); inferred from its text when None. A
        place name of another place left in it is residue (``foreign_place``).
    folded, features : optional
        The submission's folded text and features, when already computed.

    Returns
    -------
    FlaggedSubmission
        Flagged when its copy ratio (characters copied from peers of other units, not also
        found in a reference or a peer of its own unit) reaches ``config.partial``. Its
        residue is :func:`corpus_tools.dedup.find_residue` over the passages copied from
        peers (a place name inside a quotation of a reference is not residue).
    """
    folded = fold_text(text, config) if folded is None else folded
    feats = features_of_folded(folded, config) if features is None else features
    matches: list[dict[str, Any]] = []
    passages: list[dict[str, Any]] = []
    n = feats.length
    masks = {kind: np.zeros(n, dtype=bool) for kind in ("copied", "quoted", "recycled")}
    positions: npt.NDArray[np.uint32] | None = None  # the submission's shingle at each place
    unquoted: npt.NDArray[np.uint32] | None = None  # ids of those outside quoted text
    held: dict[str, HeldSource] = {}  # the sources passages were found in
    seeds = _SubmissionSeeds(folded.codes, config)  # (computed once, when first needed)
    for source in sources:
        shingled = _source_shingles(source, config, feats.shingles)
        if masks["quoted"].any():
            if unquoted is None:
                positions = _position_ids(folded, config) if positions is None else positions
                unquoted = np.unique(positions[~masks["quoted"][: len(positions)]])
            if _shares_only_quotes(unquoted, shingled.ids, len(feats.shingles)):
                continue  # it shares only what a reference before it holds: quotations
        seeded = _seeded(feats, source, shingled, seeds=seeds, cfg=config)
        if seeded is None:
            continue  # (what aligning it would conclude)
        judged = _judge_source(source, feats, folded, config, shingled, seeded=seeded)
        v = judged.verdict
        ratio = v.ratio_first if v.ratio_first == v.ratio_first else 0.0
        if v.relation is None and ratio < MIN_MATCH_RATIO:
            continue
        recycled = source.role != REFERENCE and unit is not None and source.unit == unit
        about = {"doc_id": source.doc_id, "role": source.role, "recycled": recycled}
        inter = v.containment * min(len(feats.shingles), judged.shingles)
        matches.append(
            {
                "submission": name,
                **about,
                "similarity": v.similarity,
                "containment": inter / max(len(feats.shingles), 1),
                "copy_ratio": ratio,
                "relation": v.relation,
            }
        )
        kind = "quoted" if source.role == REFERENCE else "recycled" if recycled else "copied"
        masks[kind] |= union_mask(n, v.spans[:, 0], v.spans[:, 1])
        if kind == "quoted":
            unquoted = None  # (recomputed for the next source)
        found = _passages(name, about, text, folded, judged, source_text=source.text)
        if found:
            held[source.doc_id] = source
        passages.extend(found)
    matches.sort(key=lambda m: (-m["copy_ratio"], -m["similarity"], m["doc_id"]))
    rank = {m["doc_id"]: k for k, m in enumerate(matches)}
    passages.sort(key=lambda p: (rank[p["doc_id"]], p["submission_start"]))
    quoted = masks["quoted"]
    own = masks["recycled"] & ~quoted
    cover = _Cover(masks["copied"] & ~quoted & ~own, quoted, own)
    copy_ratio, quoted_ratio, recycled_ratio = (float(m.sum()) / max(n, 1) for m in cover)
    copying = [m for m in matches if m["role"] != REFERENCE and not m["recycled"]]
    where, found_residue = _residue(text, passages, _as_place(place), held)
    residue = [{"submission": name, **r} for r in found_residue]
    sub = {
        "submission": name,
        "flagged": bool(cover.copied.any() and copy_ratio >= config.partial),
        "copy_ratio": copy_ratio,
        "quoted_ratio": quoted_ratio,
        "recycled_ratio": recycled_ratio,
        "unit": unit,
        "place": where.path if where is not None else None,
        "largest_source": copying[0]["doc_id"] if copying else None,
        "largest_source_ratio": float(copying[0]["copy_ratio"]) if copying else 0.0,
        "matches": len(matches),
        "residue": len(residue),
    }
    sections = [{"submission": name, **r} for r in _section_ratios(text, folded.starts, cover)]
    return FlaggedSubmission(sub, matches, passages, sections, residue)
