"""Formulas (套话) below the sentence: :func:`find_formulas`.

The engine is a suffix array of the whole folded corpus (:mod:`.suffixes`): the closed
repeats (:mod:`.repeats`) are the formulas, grouped into families (:mod:`.families`) and
spread over a metadata field (:mod:`.spread`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.errors import check_columns, check_number, check_type
from corpus_tools.formulas.families import formula_families
from corpus_tools.formulas.folding import FoldedCorpus, fold_corpus
from corpus_tools.formulas.repeats import Repeats, closed_repeats, occurrences
from corpus_tools.formulas.spread import field_codes, first_last, spread_table
from corpus_tools.formulas.suffixes import distinct
from corpus_tools.io import as_corpus
from corpus_tools.progress import progress_counter, set_stage

__all__ = ["FORMULA_COLUMNS", "FormulaResult", "find_formulas"]

#: Columns of :attr:`FormulaResult.formulas`, in order.
FORMULA_COLUMNS = [
    "formula_id",
    "text",
    "doc_freq",
    "count",
    "chars",
    "first",
    "last",
    "family",
    "key",
]
#: Characters of context on each side of an example.
CONTEXT_CHARS = 15
#: Stages of the progress bar: fold, sort suffixes and find repeats, families, tables.
_STAGES = 3


class FormulaResult(NamedTuple):
    """What :func:`find_formulas` returns: five tables and the field they spread over.

    Attributes
    ----------
    formulas : pandas.DataFrame
        One row per formula, most widespread first. ``formula_id`` (int64, 0..n-1 in this
        order); ``text`` (str: the formula as it stands in its first occurrence, a slice of
        the text as loaded); ``doc_freq`` (int64: documents whose matching text,
        :func:`~corpus_tools.formulas.fold_formulas`, contains it); ``count`` (int64:
        places where it occurs); ``chars`` (int64: length of its matching text); ``first``,
        ``last`` (object: the first and last value of the ``by`` field among its documents,
        in the field's sort order; None without ``by``); ``family`` (int64: the
        ``formula_id`` of its family's founder, see ``families``); ``key`` (str: its
        matching text).
    families : pandas.DataFrame
        One row per family of the formulas listed (a family's founder is the first of its
        variants in ``formulas``), in the order of their founders.
        ``family`` (int64: the founder's ``formula_id``); ``text`` (str: the founder's
        text); ``formulas`` (int64: number of variants, founder included); ``doc_freq``
        (int64: documents holding any variant); ``first``, ``last`` (object: as above, over
        those documents); ``variants`` (list of str: the variants' texts, founder first).
    spread : pandas.DataFrame
        Tidy, one row per formula and value of ``by`` it occurs under (empty without
        ``by``): ``formula_id`` (int64), ``text`` (str), ``value`` (object: a value of the
        field), ``doc_freq`` (int64: its documents with that value), ``docs`` (int64: the
        corpus's documents with that value), ``share`` (float64: ``doc_freq / docs``).
        Sorted by ``formula_id``, then value.
    family_spread : pandas.DataFrame
        The same per family: ``family`` (int64), ``text`` (str: the founder's), ``value``,
        ``doc_freq`` (documents holding any variant), ``docs``, ``share``.
    examples : pandas.DataFrame
        The first occurrence of each formula: ``formula_id`` (int64), ``doc_id`` (str),
        ``start``, ``end`` (int64: offsets into that document's text as loaded), ``text``
        (str: ``text[start:end]``), ``context`` (str: the formula with up to
        15 characters on each side).
    by : str or None
        The field ``first``, ``last`` and the spreads are over.
    """

    formulas: pd.DataFrame
    families: pd.DataFrame
    spread: pd.DataFrame
    family_spread: pd.DataFrame
    examples: pd.DataFrame
    by: str | None


def _check(
    corpus: Any, *, by: Any, min_docs: Any, min_chars: Any, top: Any, progress: Any
) -> pd.DataFrame:
    func = "find_formulas"
    frame = as_corpus(corpus, func)
    check_number(min_docs, "min_docs", func, kind=int, low=2)
    check_number(min_chars, "min_chars", func, kind=int, low=2)
    if top is not None:
        check_number(top, "top", func, kind=int, low=1)
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    if by is not None:
        check_type(by, "by", func, str, "a column name (str) or None")
        check_columns(frame, "corpus", func, ["doc_id", "text", by])
    return frame


def _keys(
    fc: FoldedCorpus, first: npt.NDArray[np.int64], chars: npt.NDArray[np.int64]
) -> list[str]:
    """The matching text of each repeat (a slice of the folded corpus)."""
    folded = fc.codes.tobytes().decode("utf-32-le", "surrogatepass")
    return [folded[p : p + n] for p, n in zip(first.tolist(), chars.tolist(), strict=True)]


class _Occurrences(NamedTuple):
    """Distinct (repeat, document) pairs of every repeat, grouped by repeat."""

    group: npt.NDArray[np.int64]
    doc: npt.NDArray[np.int64]


def _doc_pairs(rep: Repeats, fc: FoldedCorpus) -> _Occurrences:
    owner, pos = occurrences(rep.sa, rep.lb, rep.rb)
    key, _ = distinct(owner * (int(fc.doc.max()) + 1) + fc.doc[pos])
    width = int(fc.doc.max()) + 1
    return _Occurrences(key // width, key % width)


def _examples(rep: Repeats, fc: FoldedCorpus, ids: list[str], texts: list[str]) -> pd.DataFrame:
    first = rep.first
    doc = fc.doc[first].astype(np.int64)
    start = fc.start[first].astype(np.int64)
    end = fc.end[first + rep.chars - 1].astype(np.int64)
    slices, contexts = [], []
    for d, s, e in zip(doc.tolist(), start.tolist(), end.tolist(), strict=True):
        t = texts[d]
        slices.append(t[s:e])
        contexts.append(t[max(0, s - CONTEXT_CHARS) : e + CONTEXT_CHARS])
    return pd.DataFrame(
        {
            "formula_id": np.arange(len(first), dtype=np.int64),
            "doc_id": pd.Series([ids[d] for d in doc.tolist()], dtype=object),
            "start": start,
            "end": end,
            "text": pd.Series(slices, dtype=object),
            "context": pd.Series(contexts, dtype=object),
        }
    )


def _family_tables(
    formulas: pd.DataFrame,
    pairs: _Occurrences,
    codes: npt.NDArray[np.int64] | None,
    order: list[Any],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    family = formulas["family"].to_numpy()
    founders, _ = distinct(family)
    slot = np.searchsorted(founders, family)
    width = int(pairs.doc.max()) + 1 if len(pairs.doc) else 1
    fam_key, _ = distinct(slot[pairs.group] * width + pairs.doc)
    fam_group, fam_doc = fam_key // width, fam_key % width
    texts = formulas["text"].tolist()
    variants: list[list[str]] = [[] for _ in founders]
    for i, s in enumerate(slot.tolist()):
        variants[s].append(texts[i])
    table = pd.DataFrame(
        {
            "family": founders.astype(np.int64),
            "text": pd.Series([texts[f] for f in founders.tolist()], dtype=object),
            "formulas": np.bincount(slot, minlength=len(founders)).astype(np.int64),
            "doc_freq": np.bincount(fam_group, minlength=len(founders)).astype(np.int64),
            "first": None,
            "last": None,
            "variants": pd.Series(variants, dtype=object),
        }
    )
    fam_spread = _spread(
        fam_group, fam_doc, codes, order, name="family", ids=founders, texts=table["text"]
    )
    if codes is not None:
        first, last = first_last(fam_group, fam_doc, codes, order, len(founders))
        table["first"], table["last"] = (
            pd.Series(first, dtype=object),
            pd.Series(last, dtype=object),
        )
    return table, fam_spread


def _spread(
    group: npt.NDArray[np.int64],
    doc: npt.NDArray[np.int64],
    codes: npt.NDArray[np.int64] | None,
    order: list[Any],
    *,
    name: str,
    ids: npt.NDArray[np.int64],
    texts: pd.Series,
) -> pd.DataFrame:
    columns = [name, "text", "value", "doc_freq", "docs", "share"]
    if codes is None:
        return pd.DataFrame(
            {
                name: pd.Series(dtype="int64"),
                "text": pd.Series(dtype=object),
                "value": pd.Series(dtype=object),
                "doc_freq": pd.Series(dtype="int64"),
                "docs": pd.Series(dtype="int64"),
                "share": pd.Series(dtype="float64"),
            }
        )
    table = spread_table(group, doc, codes, order)
    g = table.pop("group").to_numpy()
    table.insert(0, name, ids[g].astype(np.int64))
    table.insert(1, "text", pd.Series(texts.to_numpy()[g], dtype=object))
    return table[columns]


def _formula_table(
    rep: Repeats, keys: list[str], examples: pd.DataFrame, families: list[int]
) -> pd.DataFrame:
    n = len(keys)
    return pd.DataFrame(
        {
            "formula_id": np.arange(n, dtype=np.int64),
            "text": examples["text"],
            "doc_freq": rep.doc_freq.astype(np.int64),
            "count": rep.counts.astype(np.int64),
            "chars": rep.chars.astype(np.int64),
            "first": pd.Series([None] * n, dtype=object),
            "last": pd.Series([None] * n, dtype=object),
            "family": np.array(families, dtype=np.int64),
            "key": pd.Series(keys, dtype=object),
        }
    )[FORMULA_COLUMNS]


def _cut(rep: Repeats, top: int | None) -> Repeats:
    if top is None or top >= len(rep.lb):
        return rep
    return Repeats(rep.sa, *(a[:top] for a in rep[1:]))


def find_formulas(
    corpus: Any,
    *,
    by: str | None = None,
    min_docs: int = 3,
    min_chars: int = 8,
    top: int | None = None,
    progress: bool | None = None,
) -> FormulaResult:
    """Find the formulas (套话) a corpus repeats below the sentence, and how they spread.

    A formula is a string of the matching text (:func:`~corpus_tools.formulas.fold_formulas`:
    width, punctuation variants and case folded, spaces removed; it never runs across a line
    break or clause punctuation ，。！？；：) that occurs in at least ``min_docs`` documents, is
    at least ``min_chars`` characters long, and is not contained in a longer string found in
    the same documents (以习近平新时代中国特色社会主义思想为指导 is reported, and so is
    习近平新时代中国特色社会主义思想 when more documents hold it). Counts are exact: a suffix
    array of the whole corpus, no sampling, no hashing.

    Parameters
    ----------
    corpus : pandas.DataFrame, dict or list of str
        A corpus table (:func:`corpus_tools.load_corpus`) with ``doc_id``, ``text`` and the
        ``by`` column, or texts (:func:`corpus_tools.io.as_corpus`). Not modified.
    by : str, optional
        A metadata column (``"year"``, ``"province"``): each formula's ``first`` and
        ``last`` value, and the ``spread`` tables.
    min_docs : int, default 3
        Fewest documents a formula occurs in. At least 2.
    min_chars : int, default 8
        Shortest formula, in characters of the matching text. At least 2.
    top : int, optional
        Keep the ``top`` most widespread formulas (by ``doc_freq``, then length, count,
        first occurrence). A formula's family depends only on the formulas ranked above it,
        so it is the same with or without ``top``.
    progress : bool or None, default None
        Progress bar (None: on a terminal or in a notebook, once the call has run for a
        moment; True: at once; False: none).

    Returns
    -------
    FormulaResult
        ``formulas``, ``families``, ``spread``, ``family_spread``, ``examples`` (see
        :class:`FormulaResult` for the columns) and ``by``.

    Raises
    ------
    InvalidParameterError
        For a bad argument: a corpus without ``doc_id``/``text`` or the ``by`` column, a
        duplicate ``doc_id``, ``min_docs < 2``, ``min_chars < 2``, ``top < 1``.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> corpus = ct.load_texts({
    ...     "a": "坚持以人民为中心的发展思想，推动高质量发展。",
    ...     "b": "我们坚持以人民为中心的发展思想。",
    ...     "c": "始终坚持以人民为中心的发展思想！",
    ... }).assign(year=[2023, 2024, 2025])
    >>> res = find_formulas(corpus, by="year", min_docs=2)
    >>> res.formulas[["text", "doc_freq", "first", "last", "family"]].to_dict("records")
    [{'text': '坚持以人民为中心的发展思想', 'doc_freq': 3, 'first': 2023, 'last': 2025, 'family': 0}]
    >>> res.examples[["doc_id", "start", "end"]].to_dict("records")
    [{'doc_id': 'a', 'start': 0, 'end': 13}]
    """
    frame = _check(
        corpus, by=by, min_docs=min_docs, min_chars=min_chars, top=top, progress=progress
    )
    ids = [str(x) for x in frame["doc_id"].tolist()]
    texts = frame["text"].tolist()
    with progress_counter(desc="formulas", unit="step", total=_STAGES, enabled=progress) as bar:
        set_stage(bar, "formulas: folding")
        fc = fold_corpus(texts)
        _step(bar)
        set_stage(bar, "formulas: suffix array")
        rep = closed_repeats(fc, min_docs=min_docs, min_chars=min_chars)
        _step(bar)
        set_stage(bar, "formulas: families")
        rep = _cut(rep, top)
        keys = _keys(fc, rep.first, rep.chars)
        families = formula_families(keys)
        _step(bar)
    examples = _examples(rep, fc, ids, texts)
    formulas = _formula_table(rep, keys, examples, families)
    pairs = _doc_pairs(rep, fc) if len(rep.lb) else _Occurrences(*(np.zeros((2, 0), np.int64)))
    codes: npt.NDArray[np.int64] | None = None
    order: list[Any] = []
    if by is not None:
        order, codes = field_codes(frame[by].reset_index(drop=True))
        first, last = first_last(pairs.group, pairs.doc, codes, order, len(formulas))
        formulas["first"] = pd.Series(first, dtype=object)
        formulas["last"] = pd.Series(last, dtype=object)
    spread = _spread(
        pairs.group,
        pairs.doc,
        codes,
        order,
        name="formula_id",
        ids=formulas["formula_id"].to_numpy(),
        texts=formulas["text"],
    )
    fam, fam_spread = _family_tables(formulas, pairs, codes, order)
    return FormulaResult(formulas, fam, spread, fam_spread, examples, by)


def _step(bar: Any) -> None:
    if bar is not None:
        bar.update(1)
