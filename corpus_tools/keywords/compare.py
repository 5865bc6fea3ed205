"""Keyness: terms over- or under-used in one group against the rest (:func:`keyness`).

Log-likelihood (G², Dunning 1993), log ratio (Hardie 2014) and a p-value per term.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.engine import Engine
from corpus_tools.errors import (
    InvalidParameterError,
    check_number,
    param_error,
    renamed,
)
from corpus_tools.keywords.counts import (
    CHUNK_SIZE,
    RATE_CHARS,
    CorpusCounts,
    assemble,
    count_corpus,
    is_missing,
    summarize,
)

if TYPE_CHECKING:  # (imported when used: a table that strips nothing does not load it)
    from corpus_tools.boilerplate import BoilerplateResult

__all__ = [
    "keyness",
]

#: The columns of a keyness table after the ``by`` fields, with their dtypes.
_DTYPES: dict[str, Any] = {
    "term": object,
    "count": np.int64,
    "reference_count": np.int64,
    "rate_per_10k": np.float64,
    "reference_rate_per_10k": np.float64,
    "log_likelihood": np.float64,
    "p_value": np.float64,
    "log_ratio": np.float64,
    "direction": object,
}

#: Hardie's log ratio puts this count for a zero count, so that a term absent on one side
#: has a finite ratio.
ZERO_COUNT = 0.5


def _g2(a: np.ndarray, b: np.ndarray, n1: float, n2: float) -> np.ndarray:
    """G² of the 2x2 table [[a, n1 - a], [b, n2 - b]]: a term's count in n1 and n2 tokens."""
    total = n1 + n2
    term = a + b
    rest = total - term
    cells = (
        (a, n1 * term / total),
        (n1 - a, n1 * rest / total),
        (b, n2 * term / total),
        (n2 - b, n2 * rest / total),
    )
    g2 = np.zeros(len(a), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for observed, expected in cells:
            g2 += np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    return np.maximum(2.0 * g2, 0.0)


def _chi2_sf_1(x: np.ndarray) -> np.ndarray:
    """Survival function of chi-squared with one degree of freedom."""
    return np.asarray(
        [math.erfc(math.sqrt(max(v, 0.0) / 2.0)) for v in x.tolist()], dtype=np.float64
    )


@renamed(top_n="top")
def keyness(
    corpus: Any,
    *,
    by: str | Sequence[str],
    target: Any = None,
    reference: Any = None,
    segmenter: Any = None,
    stopwords: bool | Iterable[str] = True,
    min_count: int = 5,
    top: int | None = None,
    max_p: float = 1.0,
    min_length: int = 1,
    numbers: bool = False,
    strip_boilerplate: bool = False,
    mine_slogans: bool = False,
    boilerplate: BoilerplateResult | None = None,
    slogans: pd.DataFrame | Sequence[str] | None = None,
    cache: bool | str | os.PathLike[str] = True,
    n_jobs: int | None = None,
    engine: str | Engine | None = "local",
    scheduler: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Which terms rise or fall in a group against the rest of the corpus (log-likelihood).

    For every group of ``by`` (or only ``target``), each term's count in the group is set
    against its count in the reference: the rest of the corpus, or the group
    ``reference``. The test is Dunning's log-likelihood G² on the 2x2 table (this term,
    other tokens) x (group, reference), sizes in word tokens (whitespace and punctuation not
    counted); the effect size is Hardie's log ratio, ``log2`` of the ratio of relative
    frequencies (:data:`ZERO_COUNT` put for a zero count).

    Parameters
    ----------
    corpus : DataFrame, dict or list of str
        As for :func:`keyword_table`.
    by : str or list of str
        Metadata field(s) defining the groups, e.g. ``"year"``.
    target : scalar or tuple, optional
        Only this group (a value of ``by``; a tuple for several fields). Default: every group.
    reference : scalar or tuple, optional
        Compare against this group instead of all other documents.
    min_count : int, default 5
        Keep a term when its count in target and reference together reaches this.
    top : int, optional
        Keep the ``top`` rising and the ``top`` falling terms of each group. (Formerly
        ``top_n``, which still works for one release.)
    max_p : float, default 1.0
        Keep terms with ``p_value <= max_p`` (e.g. 0.01; 1.0 keeps all).
    segmenter, stopwords, min_length, numbers, strip_boilerplate, mine_slogans
        As for :func:`keyword_table`.
    boilerplate, slogans
        As for :func:`keyword_table`: results computed already (a
        :func:`~corpus_tools.boilerplate.find_boilerplate` result on this corpus, slogans
        from :func:`~corpus_tools.slogans.mine_slogans`), used with
        ``strip_boilerplate=True`` and ``mine_slogans=True`` instead of computing them here.
    cache, n_jobs, engine, scheduler, chunk_size, progress
        As for :func:`keyword_table`.

    Returns
    -------
    pandas.DataFrame
        One row per (group, term), sorted by group, then ``direction`` (``rise`` first), then
        ``log_likelihood`` descending, then term. Columns: the ``by`` fields (the target
        group), then

        - ``term`` (str);
        - ``count`` (int64), ``reference_count`` (int64): occurrences in the group and in
          the reference;
        - ``rate_per_10k`` (float64), ``reference_rate_per_10k`` (float64): per 10,000
          characters of each side's text;
        - ``log_likelihood`` (float64): G², larger means more surprising;
        - ``p_value`` (float64): of G² under chi-squared with one degree of freedom;
        - ``log_ratio`` (float64): log2 of (relative frequency in the group / in the
          reference); 1 means twice as frequent;
        - ``direction`` (str): ``rise`` (over-used in the group) or ``fall``.

    Raises
    ------
    InvalidParameterError
        For a bad argument; a ``target`` or ``reference`` that is not a group; a corpus with
        a single group and no reference.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts(
    ...     {"a": "全面从严治党，从严治党。", "b": "乡村振兴，乡村振兴。"}
    ... ).assign(year=[2023, 2026])
    >>> k = ct.keyness(docs, by="year", target=2026, min_count=2, cache=False)
    >>> k[["year", "term", "count", "reference_count", "direction"]].to_dict("records")
    [{'year': 2026, 'term': '乡村振兴', 'count': 2, 'reference_count': 0, 'direction': 'rise'}]

    On a real corpus (新闻联播, in ../shared/corpora):

    >>> docs = ct.load_corpus("../shared/corpora/xinwen_lianbo").documents   # doctest: +SKIP
    >>> k = ct.keyness(docs, by="year", target=2026, reference=2023, top=10)  # doctest: +SKIP
    >>> k[["term", "count", "reference_count", "log_ratio", "direction"]]    # doctest: +SKIP
    """
    func = "keyness"
    if by is None:
        raise param_error("by", func, "a field name or a list of field names", by)
    check_number(min_count, "min_count", func, kind=int, low=1)
    if top is not None:
        check_number(top, "top", func, kind=int, low=1)
    check_number(max_p, "max_p", func, kind=float, low=0, high=1)
    counted = count_corpus(
        corpus,
        by,
        func,
        segmenter=segmenter,
        stopwords=stopwords,
        min_length=min_length,
        numbers=numbers,
        strip_boilerplate=strip_boilerplate,
        mine_slogans=mine_slogans,
        boilerplate=boilerplate,
        slogans=slogans,
        cache=cache,
        n_jobs=n_jobs,
        engine=engine,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
    )
    targets, ref_group = _compared_groups(counted, target, reference, func)
    everywhere: Counter[str] = Counter()  # term counts of the whole corpus
    if ref_group is None:
        for c in counted.terms.counts.values():
            everywhere.update(c)
    parts: list[pd.DataFrame] = []
    for g in targets:
        if g == ref_group:
            continue
        if ref_group is None:
            sides = _against_the_rest(counted, g, everywhere)
        else:
            sides = _against_a_group(counted, g, ref_group)
        part = _group_rows(sides, g, min_count=min_count, max_p=max_p, top=top)
        if part is not None:
            parts.append(part)
    table = assemble(parts, counted, _DTYPES)
    table["direction"] = table["direction"].astype(str)
    table.attrs["summary"] = summarize(counted, len(table))
    return table


def _compared_groups(
    counted: CorpusCounts, target: Any, reference: Any, func: str
) -> tuple[list[int], int | None]:
    """The groups to test (``target``, or every group with documents) and the reference
    group (None: the rest of the corpus)."""
    keys = counted.keys
    present = [g for g in range(len(keys)) if counted.counts.docs[g]]
    targets = present if target is None else [_find_group(target, keys, "target", func)]
    ref_group = None if reference is None else _find_group(reference, keys, "reference", func)
    if ref_group is None and len(present) < 2:
        raise InvalidParameterError(
            f"keyness needs at least two groups of {counted.fields} to compare; the corpus "
            f"has {len(present)}. Group by another field or give a reference."
        )
    return targets, ref_group


def _find_group(value: Any, keys: list[tuple[Any, ...]], name: str, func: str) -> int:
    """The index of the group ``value`` names (a tuple for several ``by`` fields)."""
    wanted = value if isinstance(value, tuple) else (value,)
    for i, key in enumerate(keys):
        if len(key) == len(wanted) and all(
            _same_key(k, w) for k, w in zip(key, wanted, strict=True)
        ):
            return i
    shown = [k[0] if len(k) == 1 else k for k in keys]
    raise param_error(name, func, f"a group of the corpus, one of {shown}", value)


def _same_key(key: Any, wanted: Any) -> bool:
    if is_missing(key) or is_missing(wanted):
        return is_missing(key) and is_missing(wanted)
    if key == wanted:
        return True
    if isinstance(key, float) and key.is_integer():  # a year column with gaps is float
        key = int(key)
    return str(key) == str(wanted)  # "2026" on a command line names the group 2026


class _Sides(NamedTuple):
    """A group and its reference: the counts of each term of ``vocab`` on both sides, and
    each side's size in word tokens and in characters."""

    vocab: list[str]
    counts: npt.NDArray[np.int64]
    reference_counts: npt.NDArray[np.int64]
    tokens: float
    reference_tokens: float
    chars: int
    reference_chars: int


def _against_the_rest(counted: CorpusCounts, g: int, everywhere: Counter[str]) -> _Sides:
    """Group ``g`` against all other documents (``everywhere``: the corpus' term counts)."""
    terms, counts = counted.terms, counted.counts
    own = terms.counts.get(g, {})
    vocab = sorted(everywhere)
    a = np.fromiter((own.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
    b = np.fromiter((everywhere[t] for t in vocab), dtype=np.int64, count=len(vocab)) - a
    tokens = terms.tokens.get(g, 0)
    return _Sides(
        vocab,
        a,
        b,
        float(tokens),
        float(sum(terms.tokens.values()) - tokens),
        counts.chars[g],
        sum(counts.chars.values()) - counts.chars[g],
    )


def _against_a_group(counted: CorpusCounts, g: int, ref_group: int) -> _Sides:
    """Group ``g`` against group ``ref_group``."""
    terms, counts = counted.terms, counted.counts
    own = terms.counts.get(g, {})
    ref_counts = terms.counts.get(ref_group, {})
    vocab = sorted(set(own) | set(ref_counts))
    a = np.fromiter((own.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
    b = np.fromiter((ref_counts.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
    return _Sides(
        vocab,
        a,
        b,
        float(terms.tokens.get(g, 0)),
        float(terms.tokens.get(ref_group, 0)),
        counts.chars[g],
        counts.chars[ref_group],
    )


def _group_rows(
    sides: _Sides, g: int, *, min_count: int, max_p: float, top: int | None
) -> pd.DataFrame | None:
    """The rows of group ``g`` (a ``_group`` column, then :data:`_DTYPES`' columns), rising
    terms first, each direction by decreasing G²; None when the group cannot be tested."""
    n1, n2 = sides.tokens, sides.reference_tokens
    keep = (sides.counts + sides.reference_counts) >= min_count
    if n1 <= 0 or n2 <= 0 or not keep.any():
        return None
    sel = np.flatnonzero(keep)
    a, b = sides.counts[sel], sides.reference_counts[sel]
    g2 = _g2(a.astype(np.float64), b.astype(np.float64), n1, n2)
    rel_a = np.where(a > 0, a, ZERO_COUNT) / n1
    rel_b = np.where(b > 0, b, ZERO_COUNT) / n2
    part = pd.DataFrame(
        {
            "_group": np.full(len(sel), g, dtype=np.int64),
            "term": pd.Series([sides.vocab[i] for i in sel.tolist()], dtype=object),
            "count": a,
            "reference_count": b,
            "rate_per_10k": a * float(RATE_CHARS) / max(sides.chars, 1),
            "reference_rate_per_10k": b * float(RATE_CHARS) / max(sides.reference_chars, 1),
            "log_likelihood": g2,
            "p_value": _chi2_sf_1(g2),
            "log_ratio": np.log2(rel_a / rel_b),
            "direction": np.where(a / n1 >= b / n2, "rise", "fall").astype(object),
        }
    )
    part = part[part["p_value"] <= max_p]
    part = part.assign(_rank=(part["direction"] == "fall").astype(np.int64))
    part = part.sort_values(
        ["_rank", "log_likelihood", "term"], ascending=[True, False, True], kind="mergesort"
    )
    if top is not None:
        part = part.groupby("_rank", sort=False).head(top)
    return part.drop(columns="_rank")
