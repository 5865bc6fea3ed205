"""What the copier forgot to change: unfilled blanks and names of another place.

A report copied from another unit's keeps traces of it: template blanks never filled
(``XX县``, ``×万元``) and the names of the source's province, city, county or townships.
:func:`find_residue` lists both in one submission, with offsets into the submission as loaded:

* ``placeholder``: every blank :func:`corpus_tools.text.find_placeholders` finds, ``certain``
  when it lies in a copied passage (the template's blank came with the text), else
  ``possible`` (a blank of a template not held, or a false alarm of the scanner);
* ``foreign_place``: every place name (:func:`corpus_tools.text.find_places`) none of whose
  readings lies within the submission's own place or holds it. It is ``certain`` when it lies
  in a passage copied from a source and names the source's place (a division within it or
  holding it) — the copier kept the source's name; elsewhere a foreign name may be a partner
  city, 对口支援 or a cross-region programme, so it is at most ``possible``.

The submission's place is given (``place="贵州省"``) or inferred from its text
(:func:`corpus_tools.text.infer_place`); so is each source's. Nothing here searches for the
sources: the caller passes the copied passages it found (the ``passages`` table of
:meth:`corpus_tools.dedup.DedupIndex.flag`).

Examples
--------
>>> source = "湄潭县2025年工作总结。全县茶园面积60万亩，兴隆镇、永兴镇茶叶产值增长。"
>>> copied = "凤冈县2025年工作总结。全县茶园面积X万亩，兴隆镇、永兴镇茶叶产值增长。"
>>> import pandas as pd
>>> passages = pd.DataFrame({"submission_start": [10], "submission_end": [len(copied)],
...                          "doc_id": ["meitan"]})
>>> residue = find_residue(copied, place="凤冈县", passages=passages,
...                        source_places={"meitan": "湄潭县"})
>>> residue[["text", "kind", "belongs_to", "certainty", "source_doc_id"]].values.tolist()
[['X', 'placeholder', None, 'certain', 'meitan'], \
['兴隆镇', 'foreign_place', '贵州省遵义市湄潭县兴隆镇', 'certain', 'meitan'], \
['永兴镇', 'foreign_place', '贵州省遵义市湄潭县永兴镇', 'certain', 'meitan']]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from corpus_tools.errors import check_columns, check_type, param_error
from corpus_tools.text.placeholders import placeholder_rows
from corpus_tools.text.places import (
    Place,
    PlaceCandidates,
    contains,
    infer_place,
    lookup_place,
    place_mentions,
    place_of,
    within,
)

if TYPE_CHECKING:  # (imported where a table is made: residue_rows needs none)
    import pandas as pd

__all__ = [
    "CERTAINTIES",
    "PASSAGE_COLUMNS",
    "RESIDUE_COLUMNS",
    "RESIDUE_KINDS",
    "SUPPORT_SHARE",
    "Passage",
    "find_residue",
    "residue_rows",
]

#: Columns of :func:`find_residue`.
RESIDUE_COLUMNS = (
    "start",
    "end",
    "text",
    "kind",
    "detail",
    "belongs_to",
    "code",
    "certainty",
    "source_doc_id",
)
#: The kinds of residue.
RESIDUE_KINDS = ("placeholder", "foreign_place")
#: How sure a finding is, most sure first.
CERTAINTIES = ("certain", "possible")
#: The columns :func:`find_residue` reads from ``passages`` (the flag's passages table).
PASSAGE_COLUMNS = ("submission_start", "submission_end", "doc_id")


#: A source whose passages cover at least this share of the submission lends its place as
#: context to find the submission's place names (:func:`find_places`'s ``support``).
SUPPORT_SHARE = 0.1


class _Sources:
    """The place of each source, found when first asked for: from ``source_places``, else
    inferred from its text (a few ms a report; most sources of a submission never are)."""

    def __init__(
        self,
        places: Mapping[str, str | Place | None] | None,
        texts: Mapping[str, str] | None,
    ) -> None:
        self.given = places if places is not None else {}
        self.texts = texts if texts is not None else {}
        self.known: dict[str, Place | None] = {}

    def place(self, doc_id: str) -> Place | None:
        if doc_id not in self.known:
            given = self.given.get(doc_id)
            if given is not None:
                self.known[doc_id] = lookup_place(given)
            elif doc_id in self.texts:
                self.known[doc_id] = infer_place(self.texts[doc_id])
            else:
                self.known[doc_id] = None
        return self.known[doc_id]


class Passage(NamedTuple):
    """A passage of the submission copied from ``doc_id``."""

    start: int
    end: int
    doc_id: str


def find_residue(
    text: str,
    *,
    place: str | Place | None = None,
    passages: pd.DataFrame | None = None,
    source_places: Mapping[str, str | Place | None] | None = None,
    source_texts: Mapping[str, str] | None = None,
    placeholders: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Unfilled blanks and place names of another place left in a submission.

    Parameters
    ----------
    text : str
        The submission's text as loaded.
    place : str or Place, optional
        The submission's own place (``"贵州省"``, ``"520328"``, ``"遵义市湄潭县"``); inferred
        from ``text`` by :func:`corpus_tools.text.infer_place` when None. When no place can
        be inferred either, no name is reported as foreign (only the blanks are).
    passages : pandas.DataFrame, optional
        The passages of the submission copied from held documents: ``submission_start``,
        ``submission_end`` (offsets into ``text``) and ``doc_id`` (the source), as in the
        ``passages`` table of :meth:`corpus_tools.dedup.DedupIndex.flag` (other columns are
        ignored). None: nothing is known to be copied, so no finding is ``certain`` but blanks.
    source_places : mapping of str to str, Place or None, optional
        The place of each source, by ``doc_id`` (a metadata field of the held documents).
        A source's place is looked up (or inferred from ``source_texts``) only when needed:
        for a source covering :data:`SUPPORT_SHARE` of ``text`` (its place is context for
        finding names), or one whose passage holds a name foreign to ``place``.
    source_texts : mapping of str to str, optional
        The text of each source, by ``doc_id``: the place of a source not in
        ``source_places`` is inferred from it.
    placeholders : pandas.DataFrame, optional
        ``find_placeholders(text)``, when already computed.
    mentions : pandas.DataFrame, optional
        ``find_places(text, support=...)``, when already computed; by default the places of
        the sources count as context (a county's short name or a township of a source's place
        is taken even where the submission no longer names its county).

    Returns
    -------
    pandas.DataFrame
        One row per finding, in text order: ``start``, ``end`` (int64 offsets into ``text``:
        ``text[start:end]`` is the finding), ``text`` (str), ``kind`` (str: ``"placeholder"``
        or ``"foreign_place"``), ``detail`` (str: the placeholder's kind, such as
        ``"number"``, or the place's level), ``belongs_to`` (str or None: the full path of the
        division a foreign name names, ``"贵州省遵义市湄潭县"``), ``code`` (str or None: its
        division code), ``certainty`` (str: ``"certain"`` or ``"possible"``, see above)
        and ``source_doc_id`` (str or None: the source of the copied passage the finding
        lies in).

    Raises
    ------
    InvalidParameterError
        When an argument has a wrong type, ``passages`` lacks a column, or a place name is
        unknown or names several divisions.
    """
    func = "find_residue"
    check_type(text, "text", func, str, "a str")
    own = _own_place(text, place, mentions)
    spans = _passages(passages, source_places, source_texts)
    if placeholders is not None:
        check_columns(placeholders, "placeholders", func, ["start", "end", "text", "kind"])
    found: Iterable[Any] | None = None
    if mentions is not None:
        check_columns(mentions, "mentions", func, ["start", "end", "text", "code", "candidates"])
        found = mentions.itertuples(index=False)
    rows = residue_rows(
        text,
        own,
        spans,
        _Sources(source_places, source_texts),
        placeholders=placeholders,
        mentions=found,
    )
    return _frame(rows)


def residue_rows(
    text: str,
    own: Place | None,
    spans: list[Passage],
    sources: Any,
    *,
    placeholders: pd.DataFrame | None = None,
    mentions: Iterable[Any] | None = None,
    candidates: PlaceCandidates | None = None,
) -> list[tuple[Any, ...]]:
    """The rows of :func:`find_residue` (in :data:`RESIDUE_COLUMNS` order), its arguments
    taken as checked: the submission's place, its copied passages, and ``sources`` (anything
    with ``place(doc_id) -> Place | None``); ``candidates``: the text's
    :func:`corpus_tools.text.places.place_candidates`, when already made.

    Examples
    --------
    >>> text = "凤冈县茶园X万亩，兴隆镇茶叶增长。"
    >>> [r[2:4] for r in residue_rows(text, lookup_place("凤冈县"), [], None)]
    [('X', 'placeholder'), ('兴隆镇', 'foreign_place')]
    """
    blanks: Iterable[Any] = (
        placeholder_rows(text) if placeholders is None else placeholders.itertuples(index=False)
    )
    if mentions is None:
        helpers = _support(spans, len(text), sources)
        if own is not None:
            helpers.add(own.code)
        mentions = place_mentions(text, support=sorted(helpers), candidates=candidates)
    rows = [_blank(row, spans) for row in blanks]
    if own is not None:
        for row in mentions:
            finding = _foreign(row, own, spans, sources)
            if finding is not None:
                rows.append(finding)
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def _own_place(text: str, place: str | Place | None, mentions: pd.DataFrame | None) -> Place | None:
    if place is None:
        return infer_place(text, mentions=mentions)
    if not isinstance(place, (str, Place)):
        raise param_error(
            "place", "find_residue", "a place name, code or Place", type(place).__name__
        )
    return lookup_place(place)


def _passages(
    passages: pd.DataFrame | None,
    source_places: Mapping[str, str | Place | None] | None,
    source_texts: Mapping[str, str] | None,
) -> list[Passage]:
    func = "find_residue"
    if passages is None:
        return []
    check_columns(passages, "passages", func, list(PASSAGE_COLUMNS))
    for name, value in (("source_places", source_places), ("source_texts", source_texts)):
        if value is not None and not isinstance(value, Mapping):
            raise param_error(name, func, "a mapping from doc_id", type(value).__name__)
    return [
        Passage(int(s), int(e), str(d))
        for s, e, d in zip(
            passages["submission_start"].tolist(),
            passages["submission_end"].tolist(),
            passages["doc_id"].tolist(),
            strict=True,
        )
    ]


def _support(spans: list[Passage], chars: int, sources: _Sources) -> set[str]:
    """Codes of the places of the sources that cover :data:`SUPPORT_SHARE` of the text."""
    covered: dict[str, int] = {}
    for p in spans:
        covered[p.doc_id] = covered.get(p.doc_id, 0) + p.end - p.start
    out = set()
    for doc_id, n in covered.items():
        if n >= SUPPORT_SHARE * max(chars, 1):
            place = sources.place(doc_id)
            if place is not None:
                out.add(place.code)
    return out


def _covering(start: int, end: int, spans: list[Passage]) -> list[Passage]:
    """The copied passages a finding lies in (its middle, for one that straddles an edge)."""
    middle = (start + end) / 2
    return [p for p in spans if p.start <= middle < p.end]


def _blank(row: Any, spans: list[Passage]) -> tuple[Any, ...]:
    covering = _covering(row.start, row.end, spans)
    source = covering[0].doc_id if covering else None
    certainty = "certain" if source is not None else "possible"
    return (row.start, row.end, row.text, "placeholder", row.kind, None, None, certainty, source)


def _foreign(
    row: Any, own: Place, spans: list[Passage], sources: _Sources
) -> tuple[Any, ...] | None:
    """A row for a name none of whose readings is the submission's place; None otherwise."""
    codes = tuple(row.candidates) or (row.code,)
    if within(codes, own) or contains(codes, own):
        return None
    covering = _covering(row.start, row.end, spans)
    for passage in covering:
        src = sources.place(passage.doc_id)
        if src is None:
            continue
        related = [c for c in codes if within([c], src) or contains([c], src)]
        if related:
            code = row.code if row.code in related else related[0]
            return _place_row(row, code, "certain", passage.doc_id)
    source = covering[0].doc_id if covering else None
    return _place_row(row, row.code, "possible", source)


def _place_row(row: Any, code: str, certainty: str, source: str | None) -> tuple[Any, ...]:
    named = place_of(code)
    return (
        row.start,
        row.end,
        row.text,
        "foreign_place",
        named.level,
        named.path,
        code,
        certainty,
        source,
    )


def _frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    import pandas as pd

    columns = list(zip(*rows, strict=True)) if rows else [()] * len(RESIDUE_COLUMNS)
    data = {
        name: pd.Series(list(values), dtype="int64" if name in ("start", "end") else object)
        for name, values in zip(RESIDUE_COLUMNS, columns, strict=True)
    }
    return pd.DataFrame(data)
