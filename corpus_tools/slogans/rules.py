"""Why a string is, or is not, a slogan: the genre's rules, each a small named function.

A rule looks at the string only (and at jieba's dictionary); how much evidence a corpus
must give is the miner's business (:mod:`corpus_tools.slogans.miner`). The ``*_reason``
functions return the first reason that rejects a candidate, one of the constants below,
or None when the candidate may be a slogan; the rules run in the order listed, cheapest
and most telling first.

Examples
--------
>>> numeric_reason("三会一课") is None
True
>>> numeric_reason("十九大"), numeric_reason("一是"), numeric_reason("三个月")
('meeting or ordinal', 'enumerator', 'quantity')
>>> quoted_reason("大党委") is None, quoted_reason("群众")
(True, 'ordinary word')
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from corpus_tools.slogans.dictionary import word_freqs, word_tag
from corpus_tools.slogans.grammar import (
    CJK,
    COUNT_MEASURES,
    DIGITS,
    FUNCTION_END,
    MEASURES,
    MIN_FORMULA_NUMBER,
    NUMERALS,
    PLUS_FORMULA,
    count_items,
    numeral_value,
    split_number,
    split_units,
)

__all__ = [
    "COMMON_WORD",
    "COUNT",
    "DATE",
    "ENUMERATOR",
    "GRADE",
    "GROUP_NAME",
    "HYPERBOLE",
    "IDIOM",
    "INDEFINITE",
    "LENGTH",
    "MAX_ITEM_LENGTH_RATIO",
    "MAX_NUMERIC_CHARS",
    "MAX_QUOTED_CHARS",
    "MEETING_OR_ORDINAL",
    "MIN_NAME_FREQ",
    "MIN_QUOTED_CHARS",
    "MIN_QUOTED_SHARE",
    "MIN_QUOTED_SHARE_OF_WORD",
    "MIN_SINGLE_CHARS",
    "MIN_UNCOUNTABLE_CHARS",
    "NAME_OR_ORDINARY_WORD_PREFIX",
    "NOT_A_NUMBER",
    "NO_CHINESE",
    "NO_NUMERAL",
    "NUMBERED_EVENT",
    "NUMERAL_ONLY",
    "OPEN_END",
    "ORDINAL",
    "ORDINARY_WORD",
    "ORDINARY_WORD_PREFIX",
    "PHRASE",
    "QUANTITY",
    "REDUPLICATION",
    "TOO_LONG",
    "TOO_SHORT",
    "announces_its_items",
    "counts_the_uncountable",
    "emphasis_only",
    "numeric_reason",
    "parallel_reason",
    "prefix_word_reason",
    "quoted_reason",
    "single_reason",
]

# --------------------------------------------------------------------------- reasons

NO_NUMERAL = "no leading numeral"
NUMERAL_ONLY = "numeral only"
TOO_LONG = "too long"
TOO_SHORT = "too short"
LENGTH = "length"
NO_CHINESE = "no Chinese"
#: 十九大, 十九届二中全会, 第一书记
MEETING_OR_ORDINAL = "meeting or ordinal"
#: 一是, 二要, 三方面
ENUMERATOR = "enumerator"
#: 一批, 一轮, 一个十几亿
INDEFINITE = "indefinite"
#: 10万亿元, 48小时, 三年, 两个月, 12大类, 一百多
QUANTITY = "quantity"
#: 七位新闻发言人, 两场记者招待会, 万人
COUNT = "count"
DATE = "date"
#: 千家万户, 一心一意
IDIOM = "idiom"
#: 千家单位万名
HYPERBOLE = "hyperbole"
#: 八一, 九二: a string of numerals that reads as a name or a date, not as a count
NOT_A_NUMBER = "not a number"
#: a dictionary word that is no proper noun or set phrase (一体化, 十分)
COMMON_WORD = "common word"
ORDINARY_WORD = "ordinary word"
ORDINARY_WORD_PREFIX = "ordinary word prefix"
NAME_OR_ORDINARY_WORD_PREFIX = "name or ordinary word prefix"
#: runs into the next clause (ends on 的, 和, 是 ...)
OPEN_END = "open end"
#: 一间一间, 一件一件抓
REDUPLICATION = "reduplication"
#: 一波又一波, 两党和两国
PHRASE = "phrase"
ORDINAL = "ordinal"
#: 二十国集团, 七国集团, 77国集团: a group of countries named by how many they are
GROUP_NAME = "group name"
#: 四级应急响应, 二级预警, 三级医院, 二级保护动物: one grade of a graded scale, not a count
GRADE = "grade"
#: 十五运会, 十四冬, 十四运: the ordinal of a recurring event (like 十九大), not a count
NUMBERED_EVENT = "numbered event"

# --------------------------------------------------------------------------- thresholds

#: A numeric slogan has at most this many characters (15分钟便民服务圈 has 9).
MAX_NUMERIC_CHARS = 16
#: A quoted formula has this many characters at least and at most.
MIN_QUOTED_CHARS, MAX_QUOTED_CHARS = 2, 20
#: An unquoted single-unit slogan (四个意识) has at least this many characters.
MIN_SINGLE_CHARS = 3
#: A dictionary word opening a parallel candidate makes it a name (四川, 三明) only when it
#: is at least this frequent in jieba's dictionary; rarer place and person names are noise.
MIN_NAME_FREQ = 40
#: A quoted formula (kind "quoted") is emphasis when fewer than this share of its
#: occurrences are quoted (共驻共建 quoted once, written plainly everywhere else).
MIN_QUOTED_SHARE = 0.4
#: The same for a quoted numeric dictionary word (一体化, 一揽子).
MIN_QUOTED_SHARE_OF_WORD = 0.2
#: The word NUM 个 counts is a verb or an adjective of at least this many characters
#: (确立, 自信; a single character such as 是 or 有 is too ambiguous to tell).
MIN_UNCOUNTABLE_CHARS = 2
#: The items of an expansion have 2-12 Chinese characters each, and the longest is at
#: most this many times the shortest.
MAX_ITEM_LENGTH_RATIO = 2

# --------------------------------------------------------------------------- vocabulary

_MEETING_OR_ORDINAL = re.compile(
    r"届|全会|代会|次会议|大会|^[" + NUMERALS + r"]+大(?:报告|精神|以来|代表)?$"
)
_CONGRESS = re.compile(r"^[一二三四五六七八九十]{2,}大")
#: A number of countries named as a group: 二十国集团 (G20), 七国集团 (G7), 77国集团.
_GROUP_NAME = re.compile(rf"^[{NUMERALS}0-9]+国(?:集团|组织|联盟)")
#: A grade of a graded scale: the grade (一级 … 四级, 1-4级) and, within a few characters,
#: what is graded: a response or a warning level (四级应急响应, 防汛二级预警), a hospital or
#: protection grade (三级医院, 二级保护动物), a medal class (三级航天功勋奖章). N级 before
#: anything else stays a candidate: 三级联动, 五级书记 (N levels of government) are formulas.
_GRADE = re.compile(
    rf"^[{NUMERALS}0-9]+级.{{0,4}}?(?:响应|预警|警报|警戒|医院|保护|奖章|勋章|风险|火险)"
)
#: The ordinal of a recurring event: 十五运会 (the 15th National Games), 十四冬, 十四运,
#: 十一艺节. Only numbers of ten and more (an event's edition), so 三冬 and the plan period
#: 十四五 (a formula of the genre, see :data:`_PLAN_PERIOD`) are not taken.
_NUMBERED_EVENT = re.compile(
    r"^[二三四五六七八九]?十[一二三四五六七八九]?(?:运会|残运会|运|冬会|冬|艺节|届运动会)"
)
#: A five-year plan period (十三五, 十四五, 十五五): the genre's researchers count it among
#: the numeric formulas (it is quoted, “十四五”, and names a programme, not a date), so it
#: is kept although it is all numerals.
_PLAN_PERIOD = re.compile(r"^十[一二三四五六七八九]五$")
_ORDINAL = re.compile(rf"^第[{NUMERALS}0-9]")
_CHINESE = re.compile(rf"[{CJK}]")
_TWO_CHINESE = re.compile(rf"[{CJK}]{{2}}")
_RANGE = re.compile("以上|以下|以内|左右|之内")
_UNITS_ONLY = re.compile(
    "[万亿千百]*(?:世纪|小时|分钟|公里|千米|平方米|平方公里|千瓦时|千瓦|万元|亿元|元|人次|公斤|"
    "吨|斤|亩|米|秒|%|大类|["
    + "个项条张种类级位名支件批次年月日天周家户人所座场本把份套组队层道步倍成"
    + "])*"
)
_HYPERBOLE = re.compile(rf"^[千万百][^{NUMERALS}][千万百]")
_ITEM = re.compile(rf"[{CJK}]{{2,12}}")
_ITEM_SEPARATORS = re.compile(r"[、,，;；]")
_ROUND = "百千万"
_ZERO = ("〇", "零")
_DATE_NUMERALS = "〇零一二三四五六七八九"
_TIME_MEASURES = "年月日天周"
#: jieba tags kept for a candidate that is itself a dictionary word (proper nouns,
#: abbreviations, set phrases, nouns, distinguishing words): 两委 (j), 四位一体 (l), 零距离 (n).
_KEEP_TAGS = frozenset({"nz", "j", "l", "n", "b", "vn"})
#: jieba tags a quoted formula may have as a dictionary word (道德银行 is none).
_QUOTED_KEEP_TAGS = ("nz", "j", "l")
#: jieba tags of the dictionary words that make an unquoted candidate an ordinary word
#: prefix (一体化, 十分满意, 一线城市) unless they are proper nouns or abbreviations.
_PREFIX_OK_TAGS = frozenset({"nz", "j"})
#: Tags of the words that make a parallel candidate a name or a phrase (四川, 三明, 一心).
_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nt", "i", "d", "c", "r", "p"})
#: The name tags among them that need a frequent word (:data:`MIN_NAME_FREQ`).
_PROPER_NAME_TAGS = ("ns", "nr", "nt")
#: Tags of a word that cannot be counted: after 个 it makes a formula (两个确立, 四个自信).
_UNCOUNTABLE_TAGS = frozenset({"v", "a", "d", "ad", "vd", "vn", "an"})
#: Tags of a following word that makes NUM 个 + word a count after all (两个发热门诊).
_NOUN_TAGS = ("n", "vn", "nz", "ns", "nt", "nr")
#: Numeral-initial words that are adverbs or ordinary nouns, whatever jieba tags them.
_COMMON_NUM_TEXT = (
    "十分 万分 百分 一下 一些 一点 一切 一般 一样 一起 一直 一定 一致 一道 一同 一并 一律 "
    "一度 一旦 一再 一向 一贯 一概 一边 一番 一阵 两者 两岸 双方 一线 一流 一手 "
    "一举 一心 万一 千万 百姓 万物 三角 十足 百倍 万众 一时 一齐 一口 一身 一家 一方 一头 一色 "
    "一路 一行 一环 一年 两年 三年 五年 十年 百年 千年 万年 一天 一月 一日 一份 千方 百计 一半 "
    "一旁 一刀 一侧 一层 一代 一辈 一生 一世 一体化 一把手 一系列 一部分 一方面 双边 双重 两国 "
    "两地 两侧 两边 两端 千里 万里 百万 千亿 万亿 十亿 百亿 双双 零星 一期 一代 三门 一反 零下 一字 十全 一听 一座"
)
_COMMON_NUM_WORDS = frozenset(_COMMON_NUM_TEXT.split())
#: An ordinary-word prefix is looked for among the first this many characters.
_COMMON_PREFIX_CHARS = 4
#: A dictionary-word prefix is looked for among the first this many characters.
_DICTIONARY_PREFIX_CHARS = 5

_Rule = Callable[[str, str, str], str | None]


def _first_reason(rules: tuple[_Rule, ...], s: str, head: str, tail: str) -> str | None:
    for rule in rules:
        reason = rule(s, head, tail)
        if reason is not None:
            return reason
    return None


# --------------------------------------------------------------------------- numeric slogans


def _too_long(s: str, head: str, tail: str) -> str | None:
    return TOO_LONG if len(s) > MAX_NUMERIC_CHARS else None


def _meeting_or_ordinal(s: str, head: str, tail: str) -> str | None:
    if _MEETING_OR_ORDINAL.search(s) or _CONGRESS.match(s):
        return MEETING_OR_ORDINAL
    return None


def _named_by_number(s: str, head: str, tail: str) -> str | None:
    """二十国集团, 四级应急响应, 十五运会: a name, a grade or an edition, not a count."""
    if _GROUP_NAME.match(s):
        return GROUP_NAME
    if _GRADE.match(s):
        return GRADE
    if _NUMBERED_EVENT.match(s):
        return NUMBERED_EVENT
    return None


def _round_quantity(s: str, head: str, tail: str) -> str | None:
    """一百, 三千, 五万: a big round number written in Chinese."""
    if len(head) >= 2 and any(c in _ROUND for c in head) and head[0] not in DIGITS:
        return QUANTITY
    return None


def _indefinite(s: str, head: str, tail: str) -> str | None:
    return INDEFINITE if head == "一" and tail[0] in "批轮些" else None


def _enumerator(s: str, head: str, tail: str) -> str | None:
    """一是, 二要, 三则, 两方面: the numbering of a list, not a formula."""
    if tail[0] in "是要则来者曰" or tail.startswith("方面"):
        return ENUMERATOR
    return None


def _approximate(s: str, head: str, tail: str) -> str | None:
    """十余, 三十多, 三分之一, 两成, 三倍, 5%."""
    if tail[0] in "余多来几亿" or tail.startswith(("分之", "成", "倍", "%")):
        return QUANTITY
    return None


def _units_only(s: str, head: str, tail: str) -> str | None:
    """10万亿元, 48小时, 300公里: a number and units."""
    return QUANTITY if _UNITS_ONLY.fullmatch(tail) else None


def _digit_quantity(s: str, head: str, tail: str) -> str | None:
    """A digit number not followed by two Chinese characters (12大类 is caught above)."""
    if head[0] in DIGITS and not _TWO_CHINESE.search(tail):
        return QUANTITY
    return None


def _measured_quantity(s: str, head: str, tail: str) -> str | None:
    """A number, measure words, then nothing or a unit (三个, 五万元, 两个月)."""
    rest = tail
    while rest and rest[0] in MEASURES:
        rest = rest[1:]
    if not rest or (len(rest) <= 1 and rest in "万亿千百余多"):
        return QUANTITY
    if rest.startswith(("万元", "亿元", "万人", "余人", "余户", "余次", "余名", "余个", "系列")):
        return QUANTITY
    if any(c in _TIME_MEASURES for c in tail[: len(tail) - len(rest)]):
        return QUANTITY  # 两个月, 三年
    return None


def _range(s: str, head: str, tail: str) -> str | None:
    """三年以上, 五人左右."""
    return QUANTITY if _RANGE.search(s) else None


def _date(s: str, head: str, tail: str) -> str | None:
    """〇年, 二〇二四年, 一九年."""
    if head in _ZERO and tail.startswith("年"):
        return DATE
    if len(head) >= 2 and tail[0] in "年月日号" and all(c in _DATE_NUMERALS for c in head):
        return DATE
    return None


def _hyperbole(s: str, head: str, tail: str) -> str | None:
    """千家万户, 万水千山."""
    return IDIOM if _HYPERBOLE.match(s) else None


def _dictionary_word(s: str, head: str, tail: str) -> str | None:
    """An idiom or a common word of jieba's dictionary (proper nouns and set phrases pass)."""
    tag = word_tag(s)
    if tag == "i":
        return IDIOM
    if tag is not None and tag not in _KEEP_TAGS:
        return COMMON_WORD
    return None


def _open_end(s: str, head: str, tail: str) -> str | None:
    return OPEN_END if s[-1] in FUNCTION_END else None


#: Rules that reject a number whatever it is written with (digit formulas included).
_NUMBER_RULES: tuple[_Rule, ...] = (
    _too_long,
    _meeting_or_ordinal,
    _named_by_number,
    _round_quantity,
    _indefinite,
    _enumerator,
    _approximate,
    _units_only,
)
#: Rules for what is not a digit formula (1+N passes between the two lists).
_PHRASE_RULES: tuple[_Rule, ...] = (
    _digit_quantity,
    _measured_quantity,
    _range,
    _date,
    _hyperbole,
    _dictionary_word,
    _open_end,
)


def numeric_reason(s: str) -> str | None:
    """Why ``s`` is not a numeric slogan, or None when it may be one.

    Parameters
    ----------
    s : str
        A candidate, folded (full-width digits as ASCII).

    Returns
    -------
    str or None
        One of the reason constants of this module, None when no rule rejects ``s``.

    Examples
    --------
    >>> [numeric_reason(s) for s in ["一征三议两公开", "1+N", "15分钟便民服务圈"]]
    [None, None, None]
    >>> [numeric_reason(s) for s in ["一批", "48小时", "千家万户", "三方面"]]
    ['indefinite', 'quantity', 'idiom', 'enumerator']
    """
    head, tail = split_number(s)
    if not head:
        return NO_NUMERAL
    if not tail:
        return None if _PLAN_PERIOD.match(s) else NUMERAL_ONLY
    reason = _first_reason(_NUMBER_RULES, s, head, tail)
    if reason is not None:
        return reason
    if head[0] in DIGITS and PLUS_FORMULA.fullmatch(s):
        return None  # 1+N, 4+2, 1+X
    return _first_reason(_PHRASE_RULES, s, head, tail)


# --------------------------------------------------------------------------- quoted formulas


def quoted_reason(s: str) -> str | None:
    """Why the non-numeric quoted phrase ``s`` is not a formula, or None.

    Examples
    --------
    >>> [quoted_reason(s) for s in ["道德银行", "党建+", "第一书记", "x", "坚持和"]]
    [None, None, 'meeting or ordinal', 'length', 'open end']
    """
    if len(s) < MIN_QUOTED_CHARS or len(s) > MAX_QUOTED_CHARS:
        return LENGTH
    if not _CHINESE.search(s):
        return NO_CHINESE
    if _ORDINAL.match(s) or _MEETING_OR_ORDINAL.search(s):
        return MEETING_OR_ORDINAL
    tag = word_tag(s)
    if tag is not None and tag not in _QUOTED_KEEP_TAGS:
        return ORDINARY_WORD
    if s[-1] in FUNCTION_END or s[0] in FUNCTION_END:
        return OPEN_END
    return None


def emphasis_only(s: str, kind: str, *, count: int, quoted: int, quote_cue: bool) -> bool:
    """A phrase quoted for emphasis only: mostly written without quotes (共驻共建, 一体化).

    Parameters
    ----------
    s : str
        The slogan.
    kind : {"numeric", "quoted"}
        Its kind.
    count, quoted : int
        Its occurrences in the corpus, and those of them directly between quotes.
    quote_cue : bool
        Whether the miner found it between quotes.

    Examples
    --------
    >>> emphasis_only("共驻共建", "quoted", count=10, quoted=1, quote_cue=True)
    True
    >>> emphasis_only("三会一课", "numeric", count=10, quoted=1, quote_cue=True)
    False
    """
    if kind == "quoted":
        return quoted < MIN_QUOTED_SHARE * count
    return quote_cue and word_tag(s) is not None and quoted < MIN_QUOTED_SHARE_OF_WORD * count


# --------------------------------------------------------------------------- unquoted candidates


def prefix_word_reason(s: str, *, parallel: bool = False) -> str | None:
    """An unquoted candidate that opens with an ordinary word (一体化, 十分, 一线, 四川).

    ``parallel``: only names, idioms and function words count (四位 in 四位一体 does not).

    Examples
    --------
    >>> prefix_word_reason("一体化建设"), prefix_word_reason("四个意识") is None
    ('ordinary word prefix', True)
    """
    freq = word_freqs()
    head, _ = split_number(s)
    for j in range(min(len(s), _COMMON_PREFIX_CHARS), 1, -1):
        if s[:j] in _COMMON_NUM_WORDS:
            return ORDINARY_WORD_PREFIX
    for j in range(min(len(s), _DICTIONARY_PREFIX_CHARS), len(head), -1):
        w = s[:j]
        if w == s or w not in freq:
            continue
        if len(w) == len(head) + 1 and s[len(head)] in MEASURES:
            continue  # 四个, 三项: the measure word of a counted formula
        tag = word_tag(w)
        if parallel:
            if tag in _NAME_TAGS and (tag not in _PROPER_NAME_TAGS or freq[w] >= MIN_NAME_FREQ):
                return NAME_OR_ORDINARY_WORD_PREFIX
        elif tag not in _PREFIX_OK_TAGS:
            return ORDINARY_WORD_PREFIX
    return None


def single_reason(s: str) -> str | None:
    """Why an unquoted single-unit phrase (四个意识) is no slogan whatever its evidence.

    The evidence (it recurs, its right neighbours vary, its tail is not counted with other
    numerals) is weighed by :class:`corpus_tools.slogans.miner.Miner`.

    Examples
    --------
    >>> single_reason("四个意识") is None
    True
    >>> [single_reason(s) for s in ["一个", "一项工作", "七位新闻发言人", "八一建军"]]
    ['too short', 'indefinite', 'count', 'not a number']
    """
    if len(s) < MIN_SINGLE_CHARS:
        return TOO_SHORT
    if _PLAN_PERIOD.match(s):
        return None  # 十四五: all numerals, a formula all the same
    reason = numeric_reason(s) or prefix_word_reason(s)
    if reason is not None:
        return reason
    head, tail = split_number(s)
    if head == "一" and tail[0] in MEASURES:
        return INDEFINITE  # 一个, 一批, 一项: the indefinite article, not a count of items
    if numeral_value(head) is None:
        return NOT_A_NUMBER  # 八一, 九二: names and dates
    if tail[0] in COUNT_MEASURES or head in ("万", "千", "百"):
        return COUNT  # 七位新闻发言人: a count of people; 万: also a surname
    if word_tag(s) is not None:
        return COMMON_WORD  # a dictionary word
    return None


def counts_the_uncountable(head: str, word: str, next_word: str) -> bool:
    """``head`` 个 ``word`` counts a verb or an adjective (两个确立, 四个自信): a formula.

    ``next_word`` is the word after it: a noun there makes it an ordinary count
    (两个发热门诊).

    Examples
    --------
    >>> counts_the_uncountable("两", "确立", "")
    True
    >>> counts_the_uncountable("三", "方面", "的"), counts_the_uncountable("两", "发热", "门诊")
    (False, False)
    """
    value = numeral_value(head)
    return (
        value is not None
        and value >= MIN_FORMULA_NUMBER
        and len(word) >= MIN_UNCOUNTABLE_CHARS
        and word_tag(word) in _UNCOUNTABLE_TAGS
        and word_tag(next_word) not in _NOUN_TAGS
    )


def _even_items(expansion: str) -> bool:
    """Items of an enumeration: 2-12 Chinese characters each, of comparable lengths."""
    items = [x.strip() for x in _ITEM_SEPARATORS.split(expansion) if x.strip()]
    if not items or not all(_ITEM.fullmatch(x) for x in items):
        return False
    lengths = [len(x) for x in items]
    return max(lengths) <= MAX_ITEM_LENGTH_RATIO * min(lengths)


def announces_its_items(s: str, expansion: str) -> bool:
    """``s`` is followed by as many listed items as its number (八项本领（学习本领、…）).

    Parameters
    ----------
    s : str
        A numbered phrase.
    expansion : str
        The list that follows it in the text (in brackets, or after a colon).

    Examples
    --------
    >>> announces_its_items("两项任务", "稳增长、保民生")
    True
    >>> announces_its_items("三项任务", "稳增长、保民生")
    False
    """
    head, _ = split_number(s)
    value = numeral_value(head)
    return (
        value is not None
        and value >= MIN_FORMULA_NUMBER
        and count_items(expansion) == value
        and _even_items(expansion)
        and s[len(head)] not in COUNT_MEASURES
    )


# --------------------------------------------------------------------------- parallel formulas


def _reduplication(units: list[tuple[str, str]]) -> str | None:
    morphs = [m for _, m in units]
    if any(a and b.startswith(a) for a, b in itertools.pairwise(morphs)) and all(
        n == "一" for n, _ in units
    ):
        return REDUPLICATION  # 一间一间, 一件一件抓
    return None


def _not_a_number(units: list[tuple[str, str]]) -> str | None:
    if any(numeral_value(n) is None for n, _ in units):
        return NOT_A_NUMBER  # 八一, 九二 (names and dates, not counts)
    return None


def _indefinite_first(units: list[tuple[str, str]]) -> str | None:
    if units[0][0] == "一" and units[0][1] in ("个", "项", "种", "批", "次", "些"):
        return INDEFINITE  # 一个十几亿, 一个一穷二白
    return None


def _function_word(units: list[tuple[str, str]]) -> str | None:
    if any(c in "的又接和及等在是了着与部或至" for _, m in units for c in m):
        return PHRASE  # 一波又一波, 两党和两国, 五部门进一步
    return None


def _all_round(units: list[tuple[str, str]]) -> str | None:
    if all(n in ("百", "千", "万") for n, _ in units):
        return HYPERBOLE  # 千家单位万名, 千方百计
    return None


def _inner_common_word(units: list[tuple[str, str]]) -> str | None:
    for num, morph in units[1:]:
        unit = num + morph
        if any(unit[:k] in _COMMON_NUM_WORDS for k in range(2, len(unit) + 1)):
            return ORDINARY_WORD  # 三秦百姓, 三县一体化, 五级书记一起抓
    return None


def _measure_tail(units: list[tuple[str, str]]) -> str | None:
    last = units[-1][1]
    if not last or all(c in "个种项件条次号期批些年月日天岁倍" for c in last):
        return QUANTITY
    return None


def _unit_reason(num: str, morph: str) -> str | None:
    if len(num) >= 2 and any(c in _ROUND for c in num):
        return QUANTITY
    if not morph:
        return QUANTITY
    if morph[0] in "年次期届月日天周岁倍亿余多号" or (num == "一" and morph[0] in "批轮些"):
        return QUANTITY
    if morph[-1] == "第":
        return ORDINAL
    return None


def _unit_quantity(units: list[tuple[str, str]]) -> str | None:
    for num, morph in units:
        reason = _unit_reason(num, morph)
        if reason is not None:
            return reason
    return None


_PARALLEL_RULES: tuple[Callable[[list[tuple[str, str]]], str | None], ...] = (
    _reduplication,
    _not_a_number,
    _indefinite_first,
    _function_word,
    _all_round,
    _inner_common_word,
    _measure_tail,
    _unit_quantity,
)


def parallel_reason(s: str) -> str | None:
    """Why an unquoted parallel string is a run of counts, dates or names, or None.

    Examples
    --------
    >>> parallel_reason("一征三议两公开") is None
    True
    >>> [parallel_reason(s) for s in ["一间一间", "千方百计", "两党和两国"]]
    ['reduplication', 'hyperbole', 'phrase']
    """
    units = split_units(s)
    for rule in _PARALLEL_RULES:
        reason = rule(units)
        if reason is not None:
            return reason
    return prefix_word_reason(s, parallel=True)
