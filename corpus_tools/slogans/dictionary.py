"""jieba's main dictionary read as data: word frequencies, tags, and the first words of a window.

The miner never segments a slogan; it only asks the dictionary whether a string is a word
(and with which tag: ``i`` idiom, ``n`` noun, ``v`` verb ...) and where the first words of
a short window end. The dictionary file is loaded once, lazily, and only read: no jieba
tokenizer, global or own, is touched.

Examples
--------
>>> word_tag("千家万户"), word_tag("三会一课")
('i', None)
>>> first_words("工作法推动")  # 工作 / 法 / 推动
(2, 3, 5)
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["first_words", "word_freqs", "word_tag"]

#: Log probability of a character the dictionary does not hold.
_UNKNOWN_CHAR = -20.0
#: Longest word, in characters, the first-word cut looks up (longer words are rare and
#: slow the cut down).
_MAX_WORD_CHARS = 5
#: How many word ends :func:`first_words` returns by default.
_FIRST_WORDS = 3


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, int], dict[str, str], float]:
    """jieba's main dictionary as ``word -> freq``, ``word -> tag``, log of the total."""
    import jieba

    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()  # word freq [tag]
            if len(parts) < 2:
                continue
            word = parts[0]
            freq[word] = int(parts[1])
            if len(parts) > 2:
                tags[word] = parts[2]
    total = math.log(sum(freq.values()))
    return freq, tags, total


@lru_cache(maxsize=1)
def word_freqs() -> dict[str, int]:
    """``word -> frequency`` of jieba's main dictionary (read-only: never modify it).

    Examples
    --------
    >>> "统一" in word_freqs(), "三会一课" in word_freqs()
    (True, False)
    """
    return _load()[0]


@lru_cache(maxsize=1)
def _log_probs() -> dict[str, float]:
    freq, _, log_total = _load()
    return {w: math.log(f or 1) - log_total for w, f in freq.items()}


def word_tag(word: str) -> str | None:
    """The jieba tag of a dictionary word (``"x"`` when it has none), None for a non-word.

    Examples
    --------
    >>> word_tag("一心一意"), word_tag("一征三议两公开")
    ('i', None)
    """
    freq, tags, _ = _load()
    if word not in freq:
        return None
    return tags.get(word, "x")


@lru_cache(maxsize=65536)
def first_words(window: str, limit: int = _FIRST_WORDS) -> tuple[int, ...]:
    """Ends of the first ``limit`` words of ``window`` (max-probability cut, no HMM).

    Examples
    --------
    >>> first_words("公开工作法")  # 公开 / 工作 / 法
    (2, 4, 5)
    """
    logp = _log_probs()
    floor = _UNKNOWN_CHAR
    n = len(window)
    if n == 0:
        return ()
    best: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
    # right-to-left DP as in jieba: best[i] = max over words w starting at i
    for i in range(n - 1, -1, -1):
        cand = (logp.get(window[i], floor) + best[i + 1][0], i + 1)
        for j in range(i + 2, min(n, i + _MAX_WORD_CHARS) + 1):
            lp = logp.get(window[i:j])
            if lp is not None and lp + best[j][0] > cand[0]:
                cand = (lp + best[j][0], j)
        best[i] = cand
    ends: list[int] = []
    i = 0
    while i < n and len(ends) < limit:
        i = best[i][1]
        ends.append(i)
    return tuple(ends)
