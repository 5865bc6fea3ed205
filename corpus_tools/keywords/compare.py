"""Keyness: terms over- or under-used in one group against the rest (:func:`keyness`).

Log-likelihood (G², Dunning 1993), log ratio (Hardie 2014) and a p-value per term.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corpus_tools.engine import Engine
from corpus_tools.errors import (
    InvalidParameterError,
    check_number,
    param_error,
)
from corpus_tools.keywords.counts import CHUNK_SIZE, assemble, count_corpus, find_group, summarize

__all__ = [
    "keyness",
]


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


def keyness(
    corpus: Any,
    *,
    by: str | Sequence[str],
    target: Any = None,
    reference: Any = None,
    segmenter: Any = None,
    stopwords: bool | Iterable[str] = True,
    min_count: int = 5,
    top_n: int | None = None,
    max_p: float = 1.0,
    min_length: int = 1,
    numbers: bool = False,
    strip_boilerplate: bool = False,
    mine_slogans: bool = False,
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
    frequencies (0.5 put for a zero count).

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
    top_n : int, optional
        Keep the ``top_n`` rising and the ``top_n`` falling terms of each group.
    max_p : float, default 1.0
        Keep terms with ``p_value <= max_p`` (e.g. 0.01; 1.0 keeps all).
    segmenter, stopwords, min_length, numbers, strip_boilerplate, mine_slogans
        As for :func:`keyword_table`.
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
    >>> docs = ct.load_corpus("../shared/corpora/xinwen_lianbo").documents   # doctest: +SKIP
    >>> k = ct.keyness(docs, by="year", target=2026, reference=2023, top_n=10)  # doctest: +SKIP
    >>> k[["term", "count", "reference_count", "log_ratio", "direction"]]    # doctest: +SKIP
    """
    func = "keyness"
    if by is None:
        raise param_error("by", func, "a field name or a list of field names", by)
    check_number(min_count, "min_count", func, kind=int, low=1)
    if top_n is not None:
        check_number(top_n, "top_n", func, kind=int, low=1)
    check_number(max_p, "max_p", func, kind=float, low=0, high=1)
    key_dtypes, fields, keys, counts, terms = count_corpus(
        corpus,
        by,
        func,
        segmenter=segmenter,
        stopwords=stopwords,
        min_length=min_length,
        numbers=numbers,
        strip_boilerplate=strip_boilerplate,
        mine_slogans=mine_slogans,
        cache=cache,
        n_jobs=n_jobs,
        engine=engine,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
    )
    present = [g for g in range(len(keys)) if counts.docs[g]]
    targets = present if target is None else [find_group(target, keys, "target", func)]
    ref_group = None if reference is None else find_group(reference, keys, "reference", func)
    if ref_group is None and len(present) < 2:
        raise InvalidParameterError(
            f"keyness needs at least two groups of {fields} to compare; the corpus has "
            f"{len(present)}. Group by another field or give a reference."
        )
    all_counts: Counter[str] = Counter()
    for c in terms.counts.values():
        all_counts.update(c)
    all_tokens = sum(terms.tokens.values())
    all_chars = sum(counts.chars.values())
    parts: list[pd.DataFrame] = []
    for g in targets:
        if g == ref_group:
            continue
        own = terms.counts.get(g, {})
        if ref_group is None:
            ref_tokens = all_tokens - terms.tokens.get(g, 0)
            ref_chars = all_chars - counts.chars[g]
            vocab = sorted(all_counts)
            a = np.fromiter((own.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
            b = np.fromiter((all_counts[t] for t in vocab), dtype=np.int64, count=len(vocab)) - a
        else:
            ref_counts = terms.counts.get(ref_group, {})
            ref_tokens = terms.tokens.get(ref_group, 0)
            ref_chars = counts.chars[ref_group]
            vocab = sorted(set(own) | set(ref_counts))
            a = np.fromiter((own.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
            b = np.fromiter((ref_counts.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
        n1, n2 = float(terms.tokens.get(g, 0)), float(ref_tokens)
        keep = (a + b) >= min_count
        if n1 <= 0 or n2 <= 0 or not keep.any():
            continue
        sel = np.flatnonzero(keep)
        a, b = a[sel], b[sel]
        terms_sel = [vocab[i] for i in sel.tolist()]
        g2 = _g2(a.astype(np.float64), b.astype(np.float64), n1, n2)
        p = _chi2_sf_1(g2)
        rel_a = np.where(a > 0, a, 0.5) / n1
        rel_b = np.where(b > 0, b, 0.5) / n2
        log_ratio = np.log2(rel_a / rel_b)
        rise = a / n1 >= b / n2
        part = pd.DataFrame(
            {
                "_group": np.full(len(sel), g, dtype=np.int64),
                "term": pd.Series(terms_sel, dtype=object),
                "count": a,
                "reference_count": b,
                "rate_per_10k": a * 10_000.0 / max(counts.chars[g], 1),
                "reference_rate_per_10k": b * 10_000.0 / max(ref_chars, 1),
                "log_likelihood": g2,
                "p_value": p,
                "log_ratio": log_ratio,
                "direction": np.where(rise, "rise", "fall").astype(object),
            }
        )
        part = part[part["p_value"] <= max_p]
        part = part.assign(_rank=(part["direction"] == "fall").astype(np.int64))
        part = part.sort_values(
            ["_rank", "log_likelihood", "term"], ascending=[True, False, True], kind="mergesort"
        )
        if top_n is not None:
            part = part.groupby("_rank", sort=False).head(top_n)
        parts.append(part.drop(columns="_rank"))
    columns = [
        "term",
        "count",
        "reference_count",
        "rate_per_10k",
        "reference_rate_per_10k",
        "log_likelihood",
        "p_value",
        "log_ratio",
        "direction",
    ]
    table = assemble(
        parts,
        fields=fields,
        keys=keys,
        key_dtypes=key_dtypes,
        columns=columns,
        dtypes={
            "term": object,
            "count": np.int64,
            "reference_count": np.int64,
            "rate_per_10k": np.float64,
            "reference_rate_per_10k": np.float64,
            "log_likelihood": np.float64,
            "p_value": np.float64,
            "log_ratio": np.float64,
            "direction": object,
        },
    )
    table["direction"] = table["direction"].astype(str)
    table.attrs["summary"] = summarize(counts, terms, keys, len(table))
    return table
