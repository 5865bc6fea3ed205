"""Formulas counted as terms, per group of documents: :func:`formula_table`.

A keyword table counts the tokens of a segmentation; a formula (套话) is counted the way
:func:`~corpus_tools.find_formulas` finds it: on the *matching text* of each document
(:func:`~corpus_tools.formulas.fold_formulas`: width, punctuation variants and case
folded, spaces removed), every place it starts, overlapping ones included. So a formula's
``count`` over all groups is the ``count`` :func:`~corpus_tools.find_formulas` gives it, and
its ``doc_freq`` summed over the groups its ``doc_freq``; per group (year, province) they are
its trend. :class:`PhraseMatcher` finds the occurrences; :func:`corpus_tools.kwic` with
``match="folded"`` uses it to show them in context.

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_texts({
...     "a": "坚持以人民为中心的发展思想。", "b": "坚持以人民为中心的 发展思想！",
...     "c": "始终坚持以人民为中心的发展思想，坚持以人民为中心的发展思想。",
... }).assign(year=[2024, 2025, 2025])
>>> table = formula_table(docs, by="year", min_docs=2)
>>> table[["year", "term", "count", "doc_freq", "docs"]].to_dict("records")
[{'year': 2024, 'term': '坚持以人民为中心的发展思想', 'count': 1, 'doc_freq': 1, 'docs': 1}, \
{'year': 2025, 'term': '坚持以人民为中心的发展思想', 'count': 3, 'doc_freq': 2, 'docs': 2}]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corpus_tools.errors import (
    InvalidParameterError,
    check_columns,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.keywords.counts import (
    RATE_CHARS,
    check_by,
    corpus_arg,
    document_groups,
    key_columns,
)
from corpus_tools.progress import progress_counter

if TYPE_CHECKING:
    from corpus_tools.formulas import FormulaResult

__all__ = ["FORMULA_TABLE_COLUMNS", "PhraseMatcher", "fold_terms", "formula_table"]

#: Columns of :func:`formula_table` after the ``by`` fields.
FORMULA_TABLE_COLUMNS = (
    "term",
    "count",
    "doc_freq",
    "docs",
    "rate_per_10k",
    "formula_id",
    "key",
)


class PhraseMatcher:
    """Every occurrence of a set of phrases in a text, overlapping ones included.

    The phrases are indexed by their first ``width`` characters (``width``: the shortest
    phrase's length); each position of a text whose next ``width`` characters start a
    phrase is checked against those phrases. Exact: no hashing, no sampling.

    Parameters
    ----------
    keys : sequence of str
        The phrases (non-empty), in the text they are matched in.

    Examples
    --------
    >>> PhraseMatcher(["两个确立", "确立"]).find("深刻领悟两个确立的决定性意义，两个确立")
    [(4, 0), (6, 1), (15, 0), (17, 1)]
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = list(keys)
        self.width = min((len(k) for k in self.keys), default=1)
        self.index: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            self.index.setdefault(key[: self.width], []).append(i)

    def find(self, text: str) -> list[tuple[int, int]]:
        """``(start, phrase)`` of every occurrence in ``text``, by start, then phrase."""
        out: list[tuple[int, int]] = []
        if not self.keys:
            return out
        width, keys, get = self.width, self.keys, self.index.get
        for i in range(len(text) - width + 1):
            hit = get(text[i : i + width])
            if hit is not None:
                out.extend((i, k) for k in hit if text.startswith(keys[k], i))
        return out


def fold_terms(terms: Iterable[str], func: str, name: str = "terms") -> list[str]:
    """The matching text (:func:`~corpus_tools.formulas.fold_formulas`) of each term;
    refuses a term that folds to nothing (spaces only)."""
    from corpus_tools.formulas import fold_formulas

    keys = []
    for term in terms:
        key = fold_formulas(term).text
        if not key:
            raise param_error(name, func, "terms with a character other than spaces", term)
        keys.append(key)
    return keys


def _term_list(formulas: Any, func: str) -> list[str]:
    allowed = "a FormulaResult, a formulas table, an iterable of non-empty str or None"
    if isinstance(formulas, (str, bytes)) or not isinstance(formulas, Iterable):
        raise param_error("formulas", func, allowed, type(formulas).__name__)
    terms = list(formulas)
    if not all(isinstance(t, str) and t for t in terms):
        raise param_error("formulas", func, allowed, "an iterable holding other values")
    return list(dict.fromkeys(terms))


def _formula_rows(
    corpus: pd.DataFrame,
    formulas: Any,
    *,
    min_docs: int | None,
    min_chars: int | None,
    top: int | None,
    func: str,
) -> pd.DataFrame:
    """The formulas to count: ``formula_id``, ``term`` and ``key`` (matching text)."""
    from corpus_tools.formulas import FormulaResult, find_formulas

    if formulas is None:
        found = find_formulas(
            corpus,
            min_docs=3 if min_docs is None else min_docs,
            min_chars=8 if min_chars is None else min_chars,
            top=top,
        )
        table = found.formulas
    else:
        for name, value in (("min_docs", min_docs), ("min_chars", min_chars)):
            if value is not None:
                raise InvalidParameterError(
                    f"The {name!r} parameter of {func} is used when the formulas are found "
                    f"here (formulas=None). Got {name}={value} with formulas given; leave "
                    f"{name} out, or pass find_formulas(corpus, {name}={value})."
                )
        if isinstance(formulas, FormulaResult):
            table = formulas.formulas
        elif isinstance(formulas, pd.DataFrame):
            check_columns(formulas, "formulas", func, ["formula_id", "text", "key"])
            table = formulas
        else:
            terms = _term_list(formulas, func)
            table = pd.DataFrame(
                {
                    "formula_id": np.arange(len(terms), dtype=np.int64),
                    "text": pd.Series(terms, dtype=object),
                    "key": pd.Series(fold_terms(terms, func, "formulas"), dtype=object),
                }
            )
        if top is not None:
            table = table.head(top)
    return pd.DataFrame(
        {
            "formula_id": table["formula_id"].to_numpy(dtype=np.int64),
            "term": pd.Series(table["text"].astype(str).tolist(), dtype=object),
            "key": pd.Series(table["key"].astype(str).tolist(), dtype=object),
        }
    )


def _count(
    texts: list[str], groups: list[int], keys: list[str], progress: bool | None
) -> tuple[dict[int, Counter[int]], dict[int, Counter[int]]]:
    """Occurrences and documents of each phrase, per group."""
    from corpus_tools.formulas import fold_formulas

    matcher = PhraseMatcher(keys)
    counts: dict[int, Counter[int]] = {}
    dfs: dict[int, Counter[int]] = {}
    with progress_counter(desc="formulas", total=len(texts), enabled=progress) as bar:
        for text, g in zip(texts, groups, strict=True):
            found = Counter(k for _, k in matcher.find(fold_formulas(text).text))
            if found:
                counts.setdefault(g, Counter()).update(found)
                dfs.setdefault(g, Counter()).update(found.keys())
            if bar is not None:
                bar.update(1)
    return counts, dfs


def formula_table(
    corpus: Any,
    formulas: FormulaResult | pd.DataFrame | Iterable[str] | None = None,
    *,
    by: str | Sequence[str] | None = None,
    min_docs: int | None = None,
    min_chars: int | None = None,
    top: int | None = None,
    min_count: int = 1,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Formulas counted as terms per group of documents: a formula's trend in one table.

    Each formula is counted on the matching text it was found in
    (:func:`~corpus_tools.formulas.fold_formulas`), every place it starts, so its counts
    summed over the groups are the ``count`` and ``doc_freq`` of
    :func:`~corpus_tools.find_formulas`. The columns are those of
    :func:`~corpus_tools.keyword_table`, so :func:`~corpus_tools.present.plot_keyword_trends`
    draws the table as it is.

    Parameters
    ----------
    corpus : DataFrame, dict or list of str
        A corpus table with ``doc_id``, ``text`` and the ``by`` fields, or texts. Not
        modified.
    formulas : FormulaResult, DataFrame or iterable of str, optional
        What to count. A :func:`~corpus_tools.find_formulas` result of this corpus (its
        ``formulas`` table, in its order: pass what you found already, nothing is found
        twice), such a table filtered (columns ``formula_id``, ``text``, ``key``), or
        phrases of your own (folded here as formulas are; ``formula_id`` is their position
        in the list). Default: the formulas of this corpus, found here with ``min_docs``,
        ``min_chars`` and ``top``.
    by : str or list of str, optional
        Metadata fields to group by (``"year"``, ``["year", "province"]``); documents
        without a value form their own group, sorted last (as in ``keyword_table``).
    min_docs, min_chars : int, optional
        With ``formulas=None``: the options of :func:`~corpus_tools.find_formulas` (its
        defaults 3 and 8 when None). Refused with ``formulas`` given.
    top : int, optional
        Count only the ``top`` first formulas (the most widespread): the same formulas in
        every group.
    min_count : int, default 1
        Keep a formula in a group when it occurs at least this often there.
    progress : bool or None, default False
        Progress bar on stderr (None: only on a terminal).

    Returns
    -------
    pandas.DataFrame
        One row per (group, formula) that occurs in the group, sorted by group, then
        ``count`` descending, then ``formula_id``. Columns: the ``by`` fields, then

        - ``term`` (str): the formula as it stands (``formulas.text``) or as given;
        - ``count`` (int64): places it starts in the group's matching texts;
        - ``doc_freq`` (int64): documents of the group that hold it;
        - ``docs`` (int64): documents in the group;
        - ``rate_per_10k`` (float64): ``count`` per 10,000 characters of the group's text
          as loaded (the denominator of ``keyword_table``);
        - ``formula_id`` (int64): its id in the result (or position in the list);
        - ``key`` (str): its matching text.

        ``table.attrs["summary"]`` holds run figures: documents, groups, rows, terms
        (formulas counted), chars.

    Raises
    ------
    InvalidParameterError
        For a bad argument: a ``by`` field the corpus lacks, ``min_docs``/``min_chars``
        with ``formulas`` given, a term that folds to nothing, ``top < 1``.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({
    ...     "a": "全面从严治党永远在路上。", "b": "全面从严治党永远在路上，一刻不停歇。",
    ...     "c": "全面从严治党永远在路上！", "d": "党的自我革命永远在路上。",
    ... }).assign(year=[2022, 2023, 2023, 2023])
    >>> res = ct.find_formulas(docs, by="year")                 # found once ...
    >>> t = formula_table(docs, res, by="year")                 # ... and counted per year
    >>> t.round(1)[["year", "term", "count", "doc_freq", "docs", "rate_per_10k"]].values.tolist()
    [[2022, '全面从严治党永远在路上', 1, 1, 1, 833.3], [2023, '全面从严治党永远在路上', 2, 2, 3, 476.2]]
    >>> formula_table(docs, ["永远在路上"])[["term", "count", "doc_freq"]].values.tolist()
    [['永远在路上', 4, 4]]
    """
    func = "formula_table"
    frame = corpus_arg(corpus, func)
    fields = check_by(by, frame, func)
    for name, value, low in (
        ("min_docs", min_docs, 2),
        ("min_chars", min_chars, 2),
        ("top", top, 1),
    ):
        if value is not None:
            check_number(value, name, func, kind=int, low=low)
    check_number(min_count, "min_count", func, kind=int, low=1)
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    rows = _formula_rows(
        frame, formulas, min_docs=min_docs, min_chars=min_chars, top=top, func=func
    )
    keys, groups = document_groups(frame, fields)
    texts = [str(t) for t in frame["text"].tolist()]
    counts, dfs = _count(texts, groups, rows["key"].tolist(), progress)
    docs = np.bincount(groups, minlength=len(keys)).astype(np.int64)
    chars = np.bincount(groups, weights=[len(t) for t in texts], minlength=len(keys))
    table = _assemble(rows, counts, dfs, docs=docs, chars=chars, min_count=min_count)
    out = pd.DataFrame(
        key_columns(
            fields,
            keys,
            table.pop("_group").to_numpy(),
            {f: frame[f].dtype for f in fields},
        ),
        index=table.index,
    )
    out = pd.concat([out, table], axis=1)
    out.attrs["summary"] = {
        "documents": len(frame),
        "groups": len(keys),
        "rows": len(out),
        "terms": len(rows),
        "chars": int(chars.sum()),
    }
    return out


def _assemble(
    rows: pd.DataFrame,
    counts: dict[int, Counter[int]],
    dfs: dict[int, Counter[int]],
    *,
    docs: np.ndarray,
    chars: np.ndarray,
    min_count: int,
) -> pd.DataFrame:
    """The table's rows (a ``_group`` column first), sorted."""
    group, index, count, doc_freq = [], [], [], []
    for g in sorted(counts):
        for k, n in counts[g].items():
            if n >= min_count:
                group.append(g)
                index.append(k)
                count.append(n)
                doc_freq.append(dfs[g][k])
    g_arr = np.asarray(group, dtype=np.int64)
    k_arr = np.asarray(index, dtype=np.int64)
    n_arr = np.asarray(count, dtype=np.int64)
    ids = rows["formula_id"].to_numpy()[k_arr] if len(k_arr) else np.zeros(0, dtype=np.int64)
    order = np.lexsort((k_arr, ids, -n_arr, g_arr))  # group, most frequent, formula_id
    g_arr, k_arr, n_arr = g_arr[order], k_arr[order], n_arr[order]
    return pd.DataFrame(
        {
            "_group": g_arr,
            "term": pd.Series(rows["term"].to_numpy()[k_arr], dtype=object),
            "count": n_arr,
            "doc_freq": np.asarray(doc_freq, dtype=np.int64)[order],
            "docs": docs[g_arr],
            "rate_per_10k": n_arr * float(RATE_CHARS) / np.maximum(chars[g_arr], 1.0),
            "formula_id": rows["formula_id"].to_numpy(dtype=np.int64)[k_arr],
            "key": pd.Series(rows["key"].to_numpy()[k_arr], dtype=object),
        }
    )
