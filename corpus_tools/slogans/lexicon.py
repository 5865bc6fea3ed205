"""to_lexicon: slogans as a jieba user dictionary, so the segmenter keeps them whole.

Examples
--------
>>> to_lexicon(["三会一课", "传、帮、带"])
['三会一课']
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import pandas as pd

from corpus_tools.errors import check_columns, check_number, check_type, param_error
from corpus_tools.io import atomic_write
from corpus_tools.slogans.grammar import BODY_RE

__all__ = ["to_lexicon"]

#: Frequency written per occurrence of a slogan when ``freq`` is None: large enough that
#: jieba keeps the slogan whole.
_FREQ_PER_COUNT = 1000


def to_lexicon(
    table: pd.DataFrame | Sequence[str],
    path: str | os.PathLike[str] | None = None,
    *,
    freq: int | None = None,
    tag: str = "slogan",
) -> list[str]:
    """Export slogans as a jieba user dictionary the segmenter loads; return the words.

    Parameters
    ----------
    table : DataFrame or sequence of str
        The table :func:`corpus_tools.slogans.mine_slogans` returned, or words.
    path : str or path-like, optional
        Where to write the dictionary (one ``word freq tag`` line per slogan, UTF-8,
        written atomically). Nothing is written when None.
    freq : int or None, default None
        Frequency written for every word; None uses ``max(count, 1) * 1000`` (large enough
        that jieba keeps the slogan whole).
    tag : str, default "slogan"
        Tag written after the frequency (no spaces). :class:`corpus_tools.tokens.Segmenter`
        protects entries tagged ``slogan`` (never cuts them) even in a lexicon loaded with
        ``protect_lexicons=False``.

    Returns
    -------
    list of str
        The words, in table order, without duplicates; phrases holding punctuation or
        spaces (quoted lists such as 传、帮、带) are left out.

    Examples
    --------
    >>> to_lexicon(["三会一课", "四位一体"])
    ['三会一课', '四位一体']
    >>> # to_lexicon(table, "slogans.txt"); then Segmenter(lexicons=["slogans.txt"])
    """
    func = "to_lexicon"
    if freq is not None:
        check_number(freq, "freq", func, kind=int, low=1)
    check_type(tag, "tag", func, str, "a str")
    if not tag or re.search(r"\s", tag):
        raise param_error("tag", func, "a non-empty tag without spaces", tag)
    words, counts = _words(table, func)
    seen: set[str] = set()
    out: list[tuple[str, int]] = []
    for word, c in zip(words, counts, strict=True):
        w = word.strip()
        if not w or w in seen or BODY_RE.fullmatch(w) is None:
            continue  # a quoted list (传、帮、带) is no word for a segmenter
        seen.add(w)
        out.append((w, freq if freq is not None else max(c, 1) * _FREQ_PER_COUNT))
    if path is not None:
        with atomic_write(path, "w") as fh:
            for w, f in out:
                fh.write(f"{w} {f} {tag}\n")
    return [w for w, _ in out]


def _words(table: pd.DataFrame | Sequence[str], func: str) -> tuple[list[str], list[int]]:
    """The words of a slogan table or a list, with their counts (1 when not given)."""
    if isinstance(table, pd.DataFrame):
        check_columns(table, "table", func, ["slogan"])
        words = [str(w) for w in table["slogan"].tolist()]
        counts = [int(c) for c in table["count"].tolist()] if "count" in table else [1] * len(words)
        return words, counts
    if isinstance(table, str) or not isinstance(table, Sequence):
        raise param_error("table", func, "a slogan table or a list of str", type(table).__name__)
    words = list(table)
    for w in words:
        check_type(w, "table", func, str, "a list of str")
    return words, [1] * len(words)
