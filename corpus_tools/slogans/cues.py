"""Where the text marks a slogan: quotes, expansions, numerals that open a phrase, parallel units.

These functions only locate cues in a folded text; whether the string found is a slogan
is decided by :mod:`corpus_tools.slogans.rules`, and the bookkeeping over a corpus is done
by :class:`corpus_tools.slogans.miner.Miner`.

Examples
--------
>>> t = "推行一征三议两公开工作法"
>>> parallel_at(t, 2, len(t))
'一征三议两公开'
>>> t = "坚持“三会一课”制度"
>>> [t[a:b] for _, _, items in quotes(t) for a, b in items]
['三会一课']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus_tools.slogans.dictionary import first_words, word_freqs
from corpus_tools.slogans.grammar import (
    CHINESE_NUMERALS,
    CJK,
    DIGITS,
    FUNCTION_END,
    MAX_MORPHEME_CHARS,
    MIN_PARALLEL_UNITS,
    NUMBER_CHARS,
    NUMBER_RUN,
    NUMERALS,
    QUANTIFIERS,
    count_items,
    is_parallel,
)

__all__ = [
    "ANCHOR_RE",
    "CLOSE_QUOTES",
    "EXPANSION_OPENERS",
    "OPEN_QUOTES",
    "clause_end",
    "expansion_after",
    "opens_phrase",
    "parallel_at",
    "quotes",
    "single_ends",
]

OPEN_QUOTES = '“「『‘"'
CLOSE_QUOTES = '”」』’"'
#: A quoted phrase (a candidate) has at most this many characters.
_MAX_QUOTED = 40
_QUOTE_RES = (
    re.compile(rf"“([^“”\n]{{1,{_MAX_QUOTED}}})”"),
    re.compile(rf"「([^「」\n]{{1,{_MAX_QUOTED}}})」"),
    re.compile(rf"『([^『』\n]{{1,{_MAX_QUOTED}}})』"),
    re.compile(rf"‘([^‘’“”\n]{{1,{_MAX_QUOTED}}})’"),
    re.compile(rf'"([^"\n]{{1,{_MAX_QUOTED}}})"'),
)
_LIST_SEP = re.compile(r"[、,，;；/]")
#: Characters that bind a following numeral into a word or a bigger number (统一, 第一,
#: 进一步, 之一, 万一, 唯一, 周一, 一一).
_BIND_LEFT = (
    frozenset("第之统进唯同万逐其初周每这那哪某单划合专任惟归齐不前后星礼拜又再另几数上下月年日号")
    | NUMBER_CHARS
)
#: Where a numeral or a quantifier may open a phrase.
ANCHOR_RE = re.compile("[" + re.escape(NUMERALS + DIGITS + "".join(sorted(QUANTIFIERS))) + "]")
_NON_BODY_RE = re.compile(rf"[^{CJK}0-9+]")
#: Characters right after a phrase that may introduce its expansion.
EXPANSION_OPENERS = "(:：即"
#: An expansion is looked for in at most this many characters after the phrase.
_MAX_EXPANSION = 160
#: A colon introducing an expansion comes within this many characters (五清：即…).
_COLON_WINDOW = 14
_EXPANSION_COLON = re.compile(r"^[^。；;！!？?\n]{0,8}?(?:[:：]\s*即?|即[:：]?)")
_CLAUSE_END = re.compile(r"[。；;！!？?\n]")
#: A listed expansion has at least this many items.
_MIN_ITEMS = 2
#: A numeral run longer than this (一千二百) opens no unit of a parallel formula.
_MAX_UNIT_NUMERAL = 3
#: Characters after the last numeral of a parallel formula in which its last morpheme ends.
_LAST_UNIT_WINDOW = 8
#: Characters after a numeral in which a single-unit phrase (四个意识) ends.
_SINGLE_WINDOW = 7
#: A single-unit phrase has at most this many characters after its numeral.
_MAX_SINGLE_TAIL = 6


def quotes(t: str) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """(quote start, quote end, list items as spans) of every quoted phrase of ``t``.

    Examples
    --------
    >>> t = "“一办一品牌、一社一特色”"
    >>> [(qs, qe, [t[a:b] for a, b in items]) for qs, qe, items in quotes(t)]
    [(0, 13, ['一办一品牌', '一社一特色'])]
    """
    for rx in _QUOTE_RES:
        for m in rx.finditer(t):
            content = m.group(1)
            base = m.start(1)
            pos = 0
            items = []
            for sep in [*_LIST_SEP.finditer(content), None]:
                end = len(content) if sep is None else sep.start()
                items.append((base + pos, base + end))
                if sep is not None:
                    pos = sep.end()
            yield m.start(), m.end(), items


def expansion_after(t: str, end: int) -> str:
    """The bracketed or colon-introduced expansion right after position ``end``, or "".

    Examples
    --------
    >>> expansion_after("两项任务(稳增长、保民生)。", 4)
    '稳增长、保民生'
    >>> expansion_after("五清：即清淤、清障、清垃圾、清违建、清乱堆。", 2)
    '清淤、清障、清垃圾、清违建、清乱堆'
    """
    if end < len(t) and t[end] == "(":
        close = t.find(")", end + 1, end + _MAX_EXPANSION)
        if close > end + 2:  # at least two characters in the brackets
            return t[end + 1 : close]
        return ""
    m = _EXPANSION_COLON.match(t[end : end + _COLON_WINDOW])
    if m:
        start = end + m.end()
        stop = _CLAUSE_END.search(t, start, start + _MAX_EXPANSION)
        stop_at = stop.start() if stop else min(len(t), start + _MAX_EXPANSION)
        text = t[start:stop_at]
        if count_items(text) >= _MIN_ITEMS:
            return text
    return ""


def clause_end(t: str, i: int) -> int:
    """End of the run of slogan characters (Chinese, digits, +) that holds ``t[i]``."""
    m = _NON_BODY_RE.search(t, i)
    return len(t) if m is None else m.start()


def opens_phrase(t: str, i: int) -> bool:
    """The numeral at ``i`` starts a phrase: not 第一, 统一, 长三角, 红十字, 举一反三.

    Examples
    --------
    >>> opens_phrase("落实三会一课", 2), opens_phrase("统一思想", 1), opens_phrase("长三角", 1)
    (True, False, False)
    """
    if i == 0:
        return True
    if t[i - 1] in _BIND_LEFT:
        return False
    freq = word_freqs()
    return not any(k <= len(t) and t[i - 1 : k] in freq for k in (i + 1, i + 2, i + 3))


def _morpheme_end(t: str, j: int, stop: int) -> int:
    """End of the morpheme after the numeral ending at ``j``: up to the next free numeral.

    A numeral bound to the character before it (合一, 统一) is part of the morpheme.
    """
    freq = word_freqs()
    k = j
    while (
        k < stop
        and k - j <= MAX_MORPHEME_CHARS
        and (t[k] not in CHINESE_NUMERALS or t[k - 1 : k + 1] in freq or t[k - 1 : k + 2] in freq)
    ):
        k += 1
    return k


def _last_morpheme(t: str, j: int, stop: int) -> int | None:
    """Length of the last unit's morpheme after the numeral ending at ``j``: up to the first
    word boundary (two single-character words: both); None when it is too long."""
    if j >= stop:
        return None
    window = t[j : min(stop, j + _LAST_UNIT_WINDOW)]
    ends = first_words(window)
    if not ends:
        return None
    cut = ends[0]
    # a single-character word followed by another single-character word that is no
    # function word, then by nothing or a word of two or more characters (面 旗 理念):
    # take both
    if (
        cut == 1
        and len(ends) >= 2
        and ends[1] == 2
        and window[1] not in FUNCTION_END
        and (len(ends) < 3 or ends[2] - 2 >= 2)
    ):
        cut = 2
    while cut > 1 and window[cut - 1] in FUNCTION_END:
        cut -= 1
    return None if cut > MAX_MORPHEME_CHARS else cut


def parallel_at(t: str, i: int, stop: int) -> str | None:
    """The parallel formula (一征三议两公开) starting at ``i`` (before ``stop``), if any.

    Examples
    --------
    >>> parallel_at("实行双推双评三全程制度", 2, 11), parallel_at("三个方面", 0, 4)
    ('双推双评三全程', None)
    """
    units = 0
    pos = i
    while pos < stop:
        m = NUMBER_RUN.match(t, pos, stop)
        if m is None or m.group(0)[0] in DIGITS or len(m.group(0)) > _MAX_UNIT_NUMERAL:
            break
        j = m.end()
        k = _morpheme_end(t, j, stop)
        if k < stop and t[k] in CHINESE_NUMERALS and 1 <= k - j <= MAX_MORPHEME_CHARS:
            units += 1
            pos = k
            continue
        cut = _last_morpheme(t, j, stop)
        if cut is not None:
            units += 1
            pos = j + cut
        break
    if units >= MIN_PARALLEL_UNITS:
        s = t[i:pos]
        if is_parallel(s):
            return s
    return None


def single_ends(t: str, j: int, stop: int) -> list[int]:
    """Ends (in ``t``) of the first words after a numeral run ending at ``j``.

    Each end closes a candidate single-unit phrase (四个 / 四个意识).

    Examples
    --------
    >>> t = "增强四个意识"
    >>> [t[2:e] for e in single_ends(t, 3, len(t))]
    ['四个', '四个意识']
    """
    window = t[j : min(stop, j + _SINGLE_WINDOW)]
    out = []
    for e in first_words(window):
        if e > _MAX_SINGLE_TAIL:
            break
        out.append(j + e)
    return out
