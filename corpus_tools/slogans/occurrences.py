"""Occurrences of known slogans in text: leftmost longest, with offsets into the text as loaded.

:class:`SloganMatcher` finds every slogan of a list in a folded document (a character trie,
leftmost longest, non-overlapping, a numeric slogan only where its numeral opens a phrase).
:func:`slogan_occurrences` returns them as a table, :func:`slogans_by` counts them per
value of a metadata field (year, province).

Examples
--------
>>> occ = slogan_occurrences({"a": "推行“四议两公开”和一征三议两公开。"}, ["四议两公开", "一征三议两公开"])
>>> occ[["slogan", "start", "end", "quoted"]].values.tolist()
[['四议两公开', 3, 8, True], ['一征三议两公开', 10, 17, False]]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd

from corpus_tools.errors import check_columns, check_type, param_error
from corpus_tools.progress import progress_bar
from corpus_tools.slogans.cues import CLOSE_QUOTES, OPEN_QUOTES, opens_phrase
from corpus_tools.slogans.documents import (
    Document,
    corpus_frame,
    fold_slogan,
    folded_documents,
)
from corpus_tools.slogans.families import slogan_family
from corpus_tools.slogans.grammar import NUMBER_CHARS

__all__ = [
    "OCCURRENCE_COLUMNS",
    "Occurrence",
    "SloganMatcher",
    "find_occurrences",
    "slogan_occurrences",
    "slogans_by",
]

#: Columns of the table :func:`slogan_occurrences` returns, in order.
OCCURRENCE_COLUMNS = ("doc_id", "slogan", "kind", "family", "start", "end", "text", "quoted")

#: Key of a trie node that ends a word.
_END = ""
#: A match is tried only where the text starts with the first this many characters of a
#: slogan (a cheap filter before walking the trie).
_PREFIX_CHARS = 2


class Occurrence(NamedTuple):
    """One occurrence: ``text`` is ``document text[start:end]`` (offsets as loaded)."""

    doc_id: str
    slogan: str
    start: int
    end: int
    text: str
    quoted: bool


def _trie(words: Iterable[str]) -> dict[str, Any]:
    """A character trie of ``words``; a node holding ``_END`` ends a word."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[_END] = True
    return root


def _longest_at(root: dict[str, Any], t: str, i: int) -> int:
    """End of the longest word of the trie starting at ``t[i]``, or -1."""
    node: dict[str, Any] | None = root
    best = -1
    j = i
    n = len(t)
    while j < n and node is not None:
        node = node.get(t[j])
        if node is None:
            break
        j += 1
        if _END in node:
            best = j
    return best


class SloganMatcher:
    """Finds the slogans of ``kinds`` (folded slogan -> "numeric" or "quoted") in documents.

    Examples
    --------
    >>> from corpus_tools.slogans.documents import corpus_frame, folded_documents
    >>> doc = folded_documents(corpus_frame("统一思想，落实一征三议两公开", "f", "text", "doc_id"),
    ...                        "text", "doc_id", "f")[0]
    >>> [o.slogan for o in SloganMatcher({"一思": "numeric", "一征三议两公开": "numeric"}).find(doc)]
    ['一征三议两公开']
    """

    def __init__(self, kinds: Mapping[str, str]) -> None:
        self.kinds = dict(kinds)
        self._root = _trie(self.kinds)
        self._starter = re.compile("[" + re.escape("".join(sorted(self._root))) + "]")
        self._prefixes = {w[:_PREFIX_CHARS] for w in self.kinds}

    def _numeral_bound(self, t: str, i: int, end: int) -> bool:
        """A numeric slogan at ``t[i:end]`` is part of a bigger word or number (统一, 三会一课1)."""
        if i > 0 and not opens_phrase(t, i):
            return True
        return end < len(t) and t[end] in NUMBER_CHARS

    def find(self, doc: Document) -> list[Occurrence]:
        """The occurrences in ``doc``, leftmost longest, non-overlapping, in text order."""
        t = doc.folded
        out: list[Occurrence] = []
        pos = 0
        for m in self._starter.finditer(t):
            i = m.start()
            if i < pos or t[i : i + _PREFIX_CHARS] not in self._prefixes:
                continue
            end = _longest_at(self._root, t, i)
            if end < 0:
                continue
            hit = t[i:end]
            if self.kinds[hit] == "numeric" and self._numeral_bound(t, i, end):
                continue
            before = t[i - 1] if i else ""
            after = t[end] if end < len(t) else ""
            quoted = before in OPEN_QUOTES or after in CLOSE_QUOTES
            a, b = doc.original(i, end)
            out.append(Occurrence(doc.doc_id, hit, a, b, doc.text[a:b], quoted))
            pos = end
        return out


def find_occurrences(
    docs: Sequence[Document], kinds: Mapping[str, str], *, progress: bool | None
) -> list[list[Occurrence]]:
    """The occurrences of the slogans of ``kinds`` in each of ``docs`` (one list per document).

    Parameters
    ----------
    docs : sequence of Document
        Folded documents (:func:`corpus_tools.slogans.documents.folded_documents`).
    kinds : mapping of str to str
        Folded slogan -> ``"numeric"`` or ``"quoted"``.
    progress : bool or None
        Progress bar on stderr (None: only on a terminal).
    """
    if not kinds:
        return [[] for _ in docs]
    matcher = SloganMatcher(kinds)
    return [
        matcher.find(doc) for doc in progress_bar(docs, desc="counting slogans", enabled=progress)
    ]


def _names(
    slogans: pd.DataFrame | Sequence[str], func: str
) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """The slogans given, with their kinds and families when a table gives them."""
    if isinstance(slogans, pd.DataFrame):
        check_columns(slogans, "slogans", func, ["slogan"])
        names = [str(s) for s in slogans["slogan"].tolist()]
        kind_of = (
            dict(zip(names, slogans["kind"].tolist(), strict=True)) if "kind" in slogans else {}
        )
        fam_of = (
            dict(zip(names, slogans["family"].tolist(), strict=True)) if "family" in slogans else {}
        )
        return names, kind_of, fam_of
    if isinstance(slogans, str) or not isinstance(slogans, Sequence):
        raise param_error(
            "slogans", func, "a slogan table or a list of str", type(slogans).__name__
        )
    names = list(slogans)
    for s in names:
        check_type(s, "slogans", func, str, "a list of str")
    return names, {}, {}


def slogan_occurrences(
    corpus: pd.DataFrame | str | Sequence[str] | dict[str, str],
    slogans: pd.DataFrame | Sequence[str],
    *,
    text_column: str = "text",
    id_column: str = "doc_id",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Every occurrence of the given slogans, with offsets into the original text.

    Parameters
    ----------
    corpus : DataFrame, str, list of str or dict of doc_id -> str
        As for :func:`corpus_tools.slogans.mine_slogans`.
    slogans : DataFrame or sequence of str
        The table :func:`corpus_tools.slogans.mine_slogans` returned (its ``slogan``,
        ``kind`` and ``family`` columns are used) or slogans as strings.
    text_column, id_column : str
        Column names of a corpus table.
    progress : bool or None, default None
        Progress bar on stderr (None: only on a terminal).

    Returns
    -------
    pandas.DataFrame
        One row per occurrence (leftmost longest, non-overlapping), in document order:
        ``doc_id`` (str), ``slogan`` (str), ``kind`` (str), ``family`` (str), ``start``
        and ``end`` (int64: ``text[start:end]`` is the occurrence in the text as loaded),
        ``text`` (str: that slice), ``quoted`` (bool: directly between quotes).

    Examples
    --------
    >>> occ = slogan_occurrences({"a": "坚持“三会一课”制度"}, ["三会一课"])
    >>> occ[["doc_id", "start", "end", "text"]].values.tolist()
    [['a', 3, 7, '三会一课']]
    """
    func = "slogan_occurrences"
    frame = corpus_frame(corpus, func, text_column, id_column)
    names, kind_of, fam_of = _names(slogans, func)
    kinds: dict[str, str] = {}
    for s in names:
        key = fold_slogan(s)
        if key:
            kinds[key] = kind_of.get(s) or ("numeric" if key[0] in NUMBER_CHARS else "quoted")
    docs = folded_documents(frame, text_column, id_column, func)
    per_doc = find_occurrences(docs, kinds, progress=progress)
    out = pd.DataFrame(
        [
            (
                o.doc_id,
                o.slogan,
                kinds[o.slogan],
                fam_of.get(o.slogan, slogan_family(o.slogan)),
                o.start,
                o.end,
                o.text,
                o.quoted,
            )
            for found in per_doc
            for o in found
        ],
        columns=list(OCCURRENCE_COLUMNS),
    )
    return out.astype({"start": "int64", "end": "int64", "quoted": "bool"})


def slogans_by(
    corpus: pd.DataFrame,
    slogans: pd.DataFrame | Sequence[str],
    *,
    by: str | Sequence[str],
    text_column: str = "text",
    id_column: str = "doc_id",
) -> pd.DataFrame:
    """Count slogans per value of a metadata field (year, province): follow them over time.

    Parameters
    ----------
    corpus : DataFrame
        A corpus table holding the ``by`` columns (``year`` of a JSONL corpus, say).
    slogans : DataFrame or sequence of str
        As for :func:`slogan_occurrences`.
    by : str or sequence of str
        Metadata column(s) to group by.
    text_column, id_column : str
        Column names of the corpus table.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``slogan`` (str), ``family`` (str), ``count`` (int64:
        occurrences) and ``doc_freq`` (int64: documents), sorted by the ``by`` values and
        then by count, highest first. Groups without any occurrence are left out.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "year": [2019, 2020],
    ...                      "text": ["落实三会一课", "落实“三会一课”，推行四议两公开"]})
    >>> slogans_by(docs, ["三会一课", "四议两公开"], by="year")[["year", "slogan", "count"]].values.tolist()
    [[2019, '三会一课', 1], [2020, '三会一课', 1], [2020, '四议两公开', 1]]
    """
    func = "slogans_by"
    keys = [by] if isinstance(by, str) else list(by) if isinstance(by, Sequence) else None
    if not keys or not all(isinstance(k, str) for k in keys):
        raise param_error("by", func, "a column name or a list of column names", by)
    check_columns(corpus, "corpus", func, [id_column, text_column, *keys])
    occ = slogan_occurrences(corpus, slogans, text_column=text_column, id_column=id_column)
    meta = corpus[[id_column, *keys]].rename(columns={id_column: "doc_id"})
    meta = meta.assign(doc_id=meta["doc_id"].astype(str))
    merged = occ.merge(meta, on="doc_id", how="left")
    columns = [*keys, "slogan", "family", "count", "doc_freq"]
    if merged.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    grouped = (
        merged.groupby([*keys, "slogan", "family"], sort=True, dropna=False)
        .agg(count=("doc_id", "size"), doc_freq=("doc_id", "nunique"))
        .reset_index()
    )
    grouped = grouped.astype({"count": "int64", "doc_freq": "int64"})
    order = [*keys, "count", "slogan"]
    ascending = [True] * len(keys) + [False, True]
    return grouped.sort_values(order, ascending=ascending, kind="mergesort").reset_index(drop=True)[
        columns
    ]
