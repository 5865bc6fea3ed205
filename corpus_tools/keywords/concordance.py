"""Keyword in context (:func:`kwic`): one row per occurrence with offsets into the text.

A term is matched as a token of the segmentation (what :func:`keyword_table` counts), as a
substring of the text, or on the folded matching text of formulas (what
:func:`formula_table` and :func:`~corpus_tools.find_formulas` count), each occurrence mapped
back to the text as loaded.
"""

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
    check_given,
    check_run,
    chunk_ranges,
    corpus_arg,
    segment_chunk,
    with_slogans,
)
from corpus_tools.keywords.phrases import PhraseMatcher, fold_terms
from corpus_tools.progress import progress_bar

__all__ = [
    "kwic",
]

#: An occurrence: (row of the corpus table, start, end, term).
_Hit = tuple[int, int, int, str]

#: A list of terms longer than this (as ``repr``) is not shown in an error message.
_SHOWN_CHARS = 80


def kwic(
    corpus: Any,
    terms: str | Iterable[str],
    *,
    window: int = 20,
    match: str = "token",
    by: str | Sequence[str] | None = None,
    segmenter: Any = None,
    mine_slogans: bool = False,
    slogans: pd.DataFrame | Sequence[str] | None = None,
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
    match : {"token", "substring", "folded"}, default "token"
        ``"token"``: occurrences that are whole tokens of the segmentation, the ones
        :func:`keyword_table` counts (发展 is not found inside 发展中国家 when the segmenter
        keeps that whole); ``"substring"``: every occurrence in the text; ``"folded"``:
        every occurrence in the matching text of formulas
        (:func:`~corpus_tools.formulas.fold_formulas`: width, case and punctuation variants
        folded, spaces removed), the ones :func:`formula_table` counts, so a copy with a
        stray space or full-width letters is found (give the formulas of
        :func:`~corpus_tools.find_formulas` as ``terms``).
    by : str or list of str, optional
        Metadata fields to copy into the result (``"year"``).
    segmenter, cache, n_jobs, progress
        As for :func:`keyword_table` (``"token"`` only; documents that do not contain a
        term are not segmented).
    mine_slogans, slogans
        As for :func:`keyword_table` (``"token"`` only): the segmenter also keeps whole the
        numeric slogans mined from these documents, or the ``slogans`` given (a table of
        :func:`~corpus_tools.slogans.mine_slogans` or a list), so that the occurrences are
        those a table with the same options counts.

    Returns
    -------
    pandas.DataFrame
        One row per occurrence, in corpus order, then by offset. Columns: ``doc_id`` (str),
        the ``by`` fields, ``term`` (str), ``start``, ``end`` (int64: offsets into the
        document's text as loaded, ``text[start:end] == term``; with ``"folded"``,
        ``text[start:end]`` is the occurrence as it stands, whose matching text is the
        term's), ``left``, ``right`` (str: up to ``window`` characters before and after,
        line breaks kept).

    Raises
    ------
    InvalidParameterError
        For a bad argument.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"a": "坚决拥护两个确立，坚决做到两个维护。"})
    >>> k = ct.kwic(docs, "两个确立", window=4, cache=False)
    >>> k[["term", "start", "end", "left", "right"]].to_dict("records")
    [{'term': '两个确立', 'start': 4, 'end': 8, 'left': '坚决拥护', 'right': '，坚决做'}]

    A formula found wherever it stands, a space in it or not:

    >>> docs = ct.load_texts({"a": "坚持以人民为中心的 发展思想。"})
    >>> k = ct.kwic(docs, "坚持以人民为中心的发展思想", match="folded", window=2)
    >>> k[["start", "end", "right"]].values.tolist(), docs["text"][0][0:14]
    ([[0, 14, '。']], '坚持以人民为中心的 发展思想')
    """
    func = "kwic"
    frame = corpus_arg(corpus, func)
    term_list = _term_list(terms, func)
    check_number(window, "window", func, kind=int, low=0)
    check_choice(match, "match", func, ("token", "substring", "folded"))
    fields = check_by(by, frame, func)
    check_given(
        func, strip_boilerplate=False, boilerplate=None, mine_slogans=mine_slogans, slogans=slogans
    )
    check_run(func, cache=cache, n_jobs=n_jobs, progress=progress)
    texts = [str(t) for t in frame["text"].tolist()]
    if match == "folded":
        hits = _folded_hits(texts, term_list, func)
        return _concordance(frame, texts, fields, sorted(hits), window)
    # only a document holding a term as a substring can hold it as a token
    candidates = [i for i, text in enumerate(texts) if any(t in text for t in term_list)]
    if match == "substring":
        hits = _substring_hits(texts, candidates, term_list)
    elif candidates:
        from corpus_tools.tokens.segmenter import as_segmenter

        seg = as_segmenter(segmenter, func)
        if mine_slogans:
            seg = with_slogans(seg, texts, slogans, func)
        hits = _token_hits(
            texts, candidates, set(term_list), seg, cache=cache, n_jobs=n_jobs, progress=progress
        )
    else:
        hits = []
    return _concordance(frame, texts, fields, sorted(hits), window)


def _term_list(terms: Any, func: str) -> list[str]:
    """The distinct terms, in the order given; refuses anything but non-empty str."""
    allowed = "a str or an iterable of non-empty str"
    if isinstance(terms, str):
        term_list = [terms]
    elif isinstance(terms, Iterable) and not isinstance(terms, bytes):
        term_list = list(terms)
    else:
        raise param_error("terms", func, allowed, type(terms).__name__)
    if not term_list or not all(isinstance(t, str) and t for t in term_list):
        shown = term_list if len(repr(term_list)) < _SHOWN_CHARS else "?"
        raise param_error("terms", func, allowed, shown)
    return list(dict.fromkeys(term_list))


def _substring_hits(texts: list[str], rows: list[int], terms: list[str]) -> list[_Hit]:
    """Every occurrence of every term in the texts of ``rows`` (overlapping ones too)."""
    hits: list[_Hit] = []
    for i in rows:
        for term in terms:
            pos = texts[i].find(term)
            while pos >= 0:
                hits.append((i, pos, pos + len(term), term))
                pos = texts[i].find(term, pos + 1)
    return hits


def _folded_hits(texts: list[str], terms: list[str], func: str) -> list[_Hit]:
    """Every occurrence of every term in the matching text of formulas, mapped back to the
    text as loaded (overlapping ones too)."""
    from corpus_tools.formulas import fold_formulas

    keys = fold_terms(terms, func)
    matcher = PhraseMatcher(keys)
    hits: list[_Hit] = []
    for i, text in enumerate(texts):
        folded = fold_formulas(text)
        for pos, k in matcher.find(folded.text):
            start, end = folded.to_original(pos, pos + len(keys[k]))
            hits.append((i, start, end, terms[k]))
    return hits


def _token_hits(
    texts: list[str],
    rows: list[int],
    wanted: set[str],
    segmenter: Any,
    *,
    cache: Any,
    n_jobs: int | None,
    progress: bool | None,
) -> list[_Hit]:
    """Every token of the texts of ``rows`` that is a wanted term, segmented a chunk at a
    time with whitespace kept (so the tokens join to the text and give its offsets)."""
    hits: list[_Hit] = []
    chunks = list(chunk_ranges([len(texts[i]) for i in rows], CHUNK_SIZE))
    for part in progress_bar(chunks, desc="kwic", unit="chunk", enabled=progress):
        chunk_rows = [rows[k] for k in part]
        tokens, _, _ = segment_chunk(
            [texts[r] for r in chunk_rows], segmenter, cache=cache, n_jobs=n_jobs, drop_space=False
        )
        for r, toks in zip(chunk_rows, tokens, strict=True):
            pos = 0
            for tok in toks:
                end = pos + len(tok)
                if tok in wanted:
                    hits.append((r, pos, end, tok))
                pos = end
    return hits


def _concordance(
    frame: pd.DataFrame, texts: list[str], fields: list[str], hits: list[_Hit], window: int
) -> pd.DataFrame:
    """The result table of sorted ``hits`` (see :func:`kwic`)."""
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
