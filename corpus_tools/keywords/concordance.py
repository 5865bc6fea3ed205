"""Keyword in context (:func:`kwic`): one row per occurrence with offsets into the text."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corpus_tools.errors import (
    check_choice,
    check_number,
    param_error,
)
from corpus_tools.keywords.counts import (
    CHUNK_SIZE,
    check_by,
    check_run,
    chunk_ranges,
    corpus_arg,
    segment_chunk,
)
from corpus_tools.progress import progress_bar

__all__ = [
    "kwic",
]


def kwic(
    corpus: Any,
    terms: str | Iterable[str],
    *,
    window: int = 20,
    match: str = "token",
    by: str | Sequence[str] | None = None,
    segmenter: Any = None,
    cache: bool | str | os.PathLike[str] = True,
    n_jobs: int | None = None,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``terms`` with its offsets and context.

    Parameters
    ----------
    corpus : DataFrame, dict or list of str
        As for :func:`keyword_table`.
    terms : str or iterable of str
        The terms to find.
    window : int, default 20
        Characters of context on each side.
    match : {"token", "substring"}, default "token"
        ``"token"``: occurrences that are whole tokens of the segmentation, the ones
        :func:`keyword_table` counts (发展 is not found inside 发展中国家 when the segmenter
        keeps that whole); ``"substring"``: every occurrence in the text.
    by : str or list of str, optional
        Metadata fields to copy into the result (``"year"``).
    segmenter, cache, n_jobs, progress
        As for :func:`keyword_table` (``"token"`` only; documents that do not contain a
        term are not segmented).

    Returns
    -------
    pandas.DataFrame
        One row per occurrence, in corpus order, then by offset. Columns: ``doc_id`` (str),
        the ``by`` fields, ``term`` (str), ``start``, ``end`` (int64: offsets into the
        document's text as loaded, ``text[start:end] == term``), ``left``, ``right`` (str:
        up to ``window`` characters before and after, line breaks kept).

    Raises
    ------
    InvalidParameterError
        For a bad argument.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"a": "坚决拥护两个确立，坚决做到两个维护。"})
    >>> k = ct.kwic(docs, "两个确立", window=4)
    >>> k[["term", "start", "end", "left", "right"]].to_dict("records")  # doctest: +SKIP
    [{'term': '两个确立', 'start': 4, 'end': 8, 'left': '坚决拥护', 'right': '，坚决做'}]
    """
    func = "kwic"
    frame = corpus_arg(corpus, func)
    allowed = "a str or an iterable of non-empty str"
    if isinstance(terms, str):
        term_list = [terms]
    elif isinstance(terms, Iterable) and not isinstance(terms, bytes):
        term_list = list(terms)
    else:
        raise param_error("terms", func, allowed, type(terms).__name__)
    if not term_list or not all(isinstance(t, str) and t for t in term_list):
        raise param_error("terms", func, allowed, term_list if _short_list(term_list) else "?")
    term_list = sorted(set(term_list), key=term_list.index)
    check_number(window, "window", func, kind=int, low=0)
    check_choice(match, "match", func, ("token", "substring"))
    fields = check_by(by, frame, func)
    check_run(func, cache=cache, n_jobs=n_jobs, progress=progress)
    texts = [str(t) for t in frame["text"].tolist()]
    hits: list[tuple[int, int, int, str]] = []  # (row, start, end, term)
    candidates = [i for i, text in enumerate(texts) if any(t in text for t in term_list)]
    if match == "substring":
        for i in candidates:
            for term in term_list:
                pos = texts[i].find(term)
                while pos >= 0:
                    hits.append((i, pos, pos + len(term), term))
                    pos = texts[i].find(term, pos + 1)
    elif candidates:
        from corpus_tools.tokens.segmenter import as_segmenter

        seg = as_segmenter(segmenter, func)
        wanted = set(term_list)
        lengths = [len(texts[i]) for i in candidates]
        for part in progress_bar(
            list(chunk_ranges(lengths, CHUNK_SIZE)), desc="kwic", unit="chunk", enabled=progress
        ):
            rows = [candidates[k] for k in part]
            tokens, _, _ = segment_chunk(
                [texts[r] for r in rows], seg, cache=cache, n_jobs=n_jobs, drop_space=False
            )
            for r, toks in zip(rows, tokens, strict=True):
                pos = 0
                for tok in toks:  # with whitespace kept, the tokens join to the text
                    end = pos + len(tok)
                    if tok in wanted:
                        hits.append((r, pos, end, tok))
                    pos = end
    hits.sort()
    row_idx = [h[0] for h in hits]
    out: dict[str, Any] = {"doc_id": [str(v) for v in frame["doc_id"].iloc[row_idx].tolist()]}
    for name in fields:
        out[name] = frame[name].iloc[row_idx].reset_index(drop=True)
    out["term"] = [h[3] for h in hits]
    out["start"] = np.asarray([h[1] for h in hits], dtype=np.int64)
    out["end"] = np.asarray([h[2] for h in hits], dtype=np.int64)
    out["left"] = [texts[r][max(0, s - window) : s] for r, s, _, _ in hits]
    out["right"] = [texts[r][e : e + window] for r, _, e, _ in hits]
    table = pd.DataFrame(out)
    for c in ("doc_id", "term", "left", "right"):
        table[c] = table[c].astype(str)
    return table


def _short_list(values: list[Any]) -> bool:
    return len(repr(values)) < 80
