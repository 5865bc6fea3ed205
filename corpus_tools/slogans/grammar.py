"""The vocabulary of the genre: numerals, measure words, slogan characters, numbered units.

Everything here is a plain fact about characters: which ones are numerals, which ones
count things, which ones a slogan is made of, and how a slogan cuts into numbered units
(一征三议两公开 -> 一征 / 三议 / 两公开). The judgments built on these facts live in
:mod:`corpus_tools.slogans.rules`.

Examples
--------
>>> split_units("一征三议两公开")
[('一', '征'), ('三', '议'), ('两', '公开')]
>>> numeral_value("十八"), is_parallel("三会一课"), is_parallel("三个方面")
(18, True, False)
"""

from __future__ import annotations

import re

__all__ = [
    "BODY_RE",
    "CHINESE_NUMERALS",
    "CJK",
    "COUNT_MEASURES",
    "DIGITS",
    "FUNCTION_END",
    "MAX_MORPHEME_CHARS",
    "MEASURES",
    "MIN_FORMULA_NUMBER",
    "MIN_PARALLEL_UNITS",
    "NUMBER_CHARS",
    "NUMBER_RUN",
    "NUMERALS",
    "PLUS_FORMULA",
    "QUANTIFIERS",
    "count_items",
    "is_parallel",
    "numeral_value",
    "split_number",
    "split_units",
]

#: Chinese numerals that open a numbered formula (两 and 双 included, 第 never).
NUMERALS = "一二三四五六七八九十百千万两双零〇"
#: ASCII digits (full-width digits are folded to these before mining).
DIGITS = "0123456789"
#: Every character that can open a number.
NUMBER_CHARS = frozenset(NUMERALS + DIGITS)
#: Chinese numerals only.
CHINESE_NUMERALS = frozenset(NUMERALS)
#: Words that count like a numeral: their presence before a tail marks the tail as counted.
QUANTIFIERS = frozenset("几多各每这那该些数某Xx×")
#: Measure words and units: a numeral followed only by these is a count or a quantity.
MEASURES = frozenset(
    "个项条张种类级位名支件批次年月日天周家户人所座场本把份套组队层道步"
    "倍成米元斤吨亩届期轮度岁号点时分秒篇封册本部台辆间处栋幢头匹只"
)
#: Measure words that count people, events, places or time: an unquoted, unparallel
#: phrase opened by them (七位新闻发言人, 两场记者招待会, 五号货运飞船) is a count or a name.
COUNT_MEASURES = frozenset("位名场处起次架艘辆座家所户人批届天年月日号只头台枚例周岁部层队")
#: Characters that end no slogan (a phrase ending on them runs into the next clause).
FUNCTION_END = frozenset("的了和与及等是在为对把将着过也都就而或并以于由从向被让使给要")
#: Character class (for a regex) of Chinese characters, 〇 included.
CJK = r"\u3007\u3400-\u4dbf\u4e00-\u9fff"
#: Characters a slogan is made of (Chinese characters, digits, +).
BODY_RE = re.compile(rf"[{CJK}0-9+]+")
#: A run of Chinese numerals or a run of digits.
NUMBER_RUN = re.compile(rf"[{NUMERALS}]+|[0-9]+")
#: Digit formulas joined by plus signs (1+N, 4+2, 1+X), a Chinese tail allowed (1+N模式).
PLUS_FORMULA = re.compile(rf"[0-9]+(?:\+[0-9A-Za-z]+)+[{CJK}]*")

#: A numbered unit's morpheme (征 of 一征, 公开 of 两公开) has at most this many characters.
MAX_MORPHEME_CHARS = 3
#: A parallel formula strings at least this many numbered units together (三会一课).
MIN_PARALLEL_UNITS = 2
#: The smallest number a formula announces (两个确立, 两学一做): 一 counts one thing.
MIN_FORMULA_NUMBER = 2

_VALUES = {
    "一": 1,
    "二": 2,
    "两": 2,
    "双": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "零": 0,
    "〇": 0,
}
_ROUND_VALUES = {"百": 100, "千": 1000, "万": 10000}
_TENS = re.compile("([二三四五六七八九]?)十([一二三四五六七八九]?)")
_ITEM_SEPARATORS = re.compile(r"[、,，;；]")


def split_number(s: str) -> tuple[str, str]:
    """The leading number of ``s`` and the rest: ``三会一课`` -> ``("三", "会一课")``.

    Examples
    --------
    >>> split_number("15分钟便民服务圈"), split_number("大党委")
    (('15', '分钟便民服务圈'), ('', '大党委'))
    """
    m = NUMBER_RUN.match(s)
    if m is None:
        return "", s
    return m.group(0), s[m.end() :]


def split_units(s: str) -> list[tuple[str, str]]:
    """``s`` cut into (number, morpheme) units; text before the first number has number "".

    Examples
    --------
    >>> split_units("一征三议两公开")
    [('一', '征'), ('三', '议'), ('两', '公开')]
    >>> split_units("党建+")
    [('', '党建+')]
    """
    out: list[tuple[str, str]] = []
    pos = 0
    for m in NUMBER_RUN.finditer(s):
        if m.start() > pos and out:
            num, morph = out[-1]
            out[-1] = (num, morph + s[pos : m.start()])
        elif m.start() > pos:
            out.append(("", s[pos : m.start()]))
        out.append((m.group(0), ""))
        pos = m.end()
    if pos < len(s):
        if out:
            num, morph = out[-1]
            out[-1] = (num, morph + s[pos:])
        else:
            out.append(("", s[pos:]))
    return out


def is_parallel(s: str) -> bool:
    """Two or more numbered units, each with a morpheme of 1-3 characters, no digits.

    Examples
    --------
    >>> is_parallel("双推双评三全程"), is_parallel("四位一体"), is_parallel("1+N")
    (True, True, False)
    """
    units = split_units(s)
    if len(units) < MIN_PARALLEL_UNITS or units[0][0] == "":
        return False
    return all(num and 1 <= len(morph) <= MAX_MORPHEME_CHARS for num, morph in units) and not any(
        num[0] in DIGITS for num, _ in units
    )


def numeral_value(head: str) -> int | None:
    """The value of a number written in digits or as a simple Chinese numeral, or None.

    Numbers up to 99 and the round 百, 千, 万 are read; anything else (八一, 一千二百) is
    None, so a string of numerals that is a name or a date does not pass for a count.

    Examples
    --------
    >>> numeral_value("两"), numeral_value("二十"), numeral_value("12"), numeral_value("八一")
    (2, 20, 12, None)
    """
    if head.isdigit():
        return int(head)
    if len(head) == 1:
        return _ROUND_VALUES.get(head, _VALUES.get(head))
    m = _TENS.fullmatch(head)
    if m is None:
        return None
    tens = _VALUES[m.group(1)] if m.group(1) else 1
    return tens * 10 + (_VALUES[m.group(2)] if m.group(2) else 0)


def count_items(expansion: str) -> int:
    """How many items an enumeration lists (separated by 、 , ; and their full-width forms).

    Examples
    --------
    >>> count_items("学习本领、政治领导本领、改革创新本领")
    3
    """
    return len([x for x in _ITEM_SEPARATORS.split(expansion) if x.strip()])
