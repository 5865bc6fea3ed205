"""Numeric slogans (数字式提法) and quoted formulas: mining, families, lexicon.

The genre speaks in numbered formulas: 三会一课, 四位一体, 一征三议两公开, 双推双评三全程,
三岗十八级, 15分钟便民服务圈. A segmenter cuts them (三/会/一/课) and an n-gram miner drowns
them in counts (三个方面, 一批, 十九大), so this module works on characters with the grammar of
the genre:

* **Quotation cue.** A phrase between quotes (“…”, "…", 「…」, ‘…’) that is short and has no
  clause punctuation is a candidate; one that starts with a numeral (or is a digit formula
  such as 1+N) is a *numeric* slogan, any other a *quoted* formula (大党委, 道德银行, 党建+).
  A quoted list (“一办一品牌、一社一特色”) gives one numeric candidate per item; a quoted
  list without numerals (“强党建、优服务、促治理”) is one quoted formula. A phrase quoted
  once but mostly written without quotes (一体化, 共驻共建) is emphasis, not a formula.
* **Parallel numbered units.** ``NUM morpheme NUM morpheme …`` (一征三议两公开, 三清三拆,
  一名党员一面旗) is a formula even unquoted and even once. The last unit ends at a word
  boundary found with the character-level dictionary of jieba (no segmentation of the
  slogan itself).
* **Expansion.** A numbered phrase followed by as many enumerated items as its number
  (八项本领（学习本领、…、驾驭风险本领）, 五清：即…清、…清) is a formula; the expansion is
  kept as the slogan's ``example``.
* **Ungrammatical count.** ``NUM 个`` before a verb or an adjective (两个确立, 四个自信,
  三个务必) cannot count things, so it is a formula even once (三个方面 is a count).
* **Repetition with a fixed numeral.** An unquoted single-unit phrase (四个意识, 两个确立) is
  kept when it recurs, is closed on the right (its right neighbours vary; punctuation and
  quotes count as distinct neighbours), and its tail is never counted with another numeral
  (三个方面 / 两个方面 / 几个方面 and X个社区 are counts, not formulas).

Rejected whatever the cue: enumerators (一是, 二要), meeting and ordinal names (十九大,
十九届二中全会, 第一书记), dates, idioms (千家万户, 一心一意: jieba's idiom tags), counts and
quantities (X个社区, 一批, 一系列, 万元, 12大类, X余户).

Variants of one frame form a family: numerals are abstracted and a slogan whose units are
a contiguous run of another's units joins it (一征三议两公开 / 三征三议三公开 / 四议两公开).

Examples
--------
>>> from corpus_tools.slogans import mine_slogans
>>> table = mine_slogans("坚持“三会一课”制度，推行一征三议两公开工作法。")
>>> table[["slogan", "kind", "count"]].to_dict("list")
{'slogan': ['三会一课', '一征三议两公开'], 'kind': ['numeric', 'numeric'], 'count': [1, 1]}
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from corpus_tools.errors import (
    InvalidParameterError,
    check_choice,
    check_columns,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.io import atomic_write, load_texts
from corpus_tools.progress import progress_bar
from corpus_tools.text.normalization import normalize

__all__ = [
    "OCCURRENCE_COLUMNS",
    "SLOGAN_COLUMNS",
    "mine_slogans",
    "slogan_family",
    "slogan_occurrences",
    "slogans_by",
    "to_lexicon",
]

#: Columns of the table :func:`mine_slogans` returns, in order.
SLOGAN_COLUMNS = (
    "slogan",
    "kind",
    "family",
    "count",
    "doc_freq",
    "quoted",
    "score",
    "cue",
    "example",
)
#: Columns of the table :func:`slogan_occurrences` returns, in order.
OCCURRENCE_COLUMNS = ("doc_id", "slogan", "kind", "family", "start", "end", "text", "quoted")

KINDS = ("numeric", "quoted")

# --------------------------------------------------------------------------- characters

#: Chinese numerals that open a numbered formula (两 and 双 included, 第 never).
NUMERALS = "一二三四五六七八九十百千万两双零〇"
_DIGITS = "0123456789"
_NUM_SET = frozenset(NUMERALS + _DIGITS)
_CN_NUM_SET = frozenset(NUMERALS)
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
#: Words that count like a numeral: their presence before a tail marks the tail as counted.
_QUANTIFIERS = frozenset("几多各每这那该些数某Xx×")
#: Characters that bind a following numeral into a word or a bigger number (统一, 第一,
#: 进一步, 之一, 万一, 唯一, 周一, 一一).
_BIND_LEFT = (
    frozenset("第之统进唯同万逐其初周每这那哪某单划合专任惟归齐不前后星礼拜又再另几数上下月年日号")
    | _NUM_SET
)
#: Measure words and units: a numeral followed only by these is a count or a quantity.
_MEASURES = frozenset(
    "个项条张种类级位名支件批次年月日天周家户人所座场本把份套组队层道步"
    "倍成米元斤吨亩届期轮度岁号点时分秒篇封册本部台辆间处栋幢头匹只"
)
#: Characters that end no slogan (a phrase ending on them runs into the next clause).
_FUNCTION_END = frozenset("的了和与及等是在为对把将着过也都就而或并以于由从向被让使给要")
_CJK = r"\u3007\u3400-\u4dbf\u4e00-\u9fff"
#: Characters a slogan is made of (Chinese characters, digits, +).
_BODY_RE = re.compile(rf"[{_CJK}0-9+]+")
_NUM_RUN = re.compile(rf"[{NUMERALS}]+|[0-9]+")
_OPEN_QUOTES = '“「『‘"'
_CLOSE_QUOTES = '”」』’"'
_QUOTE_RES = (
    re.compile(r"“([^“”\n]{1,40})”"),
    re.compile(r"「([^「」\n]{1,40})」"),
    re.compile(r"『([^『』\n]{1,40})』"),
    re.compile(r"‘([^‘’“”\n]{1,40})’"),
    re.compile(r'"([^"\n]{1,40})"'),
)
_LIST_SEP = re.compile(r"[、,，;；/]")
_ORDINAL_MEETING = re.compile(
    r"届|全会|代会|次会议|大会|^[" + NUMERALS + r"]+大(?:报告|精神|以来|代表)?$"
)
#: Digit formulas joined by plus signs (1+N, 4+2, 1+X), a Chinese tail allowed (1+N模式).
_PLUS_FORMULA = re.compile(rf"[0-9]+(?:\+[0-9A-Za-z]+)+[{_CJK}]*")
#: Tags of a word that cannot be counted: after 个 it makes a formula (两个确立, 四个自信).
_UNCOUNTABLE_TAGS = frozenset({"v", "a", "d", "ad", "vd", "vn", "an"})
_UNITS_ONLY = re.compile(
    "[万亿千百]*(?:世纪|小时|分钟|公里|千米|平方米|平方公里|千瓦时|千瓦|万元|亿元|元|人次|公斤|"
    "吨|斤|亩|米|秒|%|大类|["
    + "个项条张种类级位名支件批次年月日天周家户人所座场本把份套组队层道步倍成"
    + "])*"
)
_HYPERBOLE = re.compile(rf"^[千万百][^{NUMERALS}][千万百]")
_EXPANSION_COLON = re.compile(r"^[^。；;！!？?\n]{0,8}?(?:[:：]\s*即?|即[:：]?)")
_CLAUSE_END = re.compile(r"[。；;！!？?\n]")
#: jieba tags kept for a candidate that is itself a dictionary word (proper nouns,
#: abbreviations, set phrases, nouns, distinguishing words): 两委 (j), 四位一体 (l), 零距离 (n).
_KEEP_TAGS = frozenset({"nz", "j", "l", "n", "b", "vn"})
#: Measure words that count people, events, places or time: an unquoted, unparallel
#: phrase opened by them (七位新闻发言人, 两场记者招待会, 五号货运飞船) is a count or a name.
_COUNT_MEASURES = frozenset("位名场处起次架艘辆座家所户人批届天年月日号只头台枚例周岁部层队")
#: jieba tags of the dictionary words that make an unquoted candidate an ordinary word
#: prefix (一体化, 十分满意, 一线城市) unless they are proper nouns or abbreviations.
_PREFIX_OK_TAGS = frozenset({"nz", "j"})


# --------------------------------------------------------------------------- dictionary


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], dict[str, str], float]:
    """jieba's main dictionary as ``word -> freq``, ``word -> tag``, log of the total.

    Loaded once, lazily; only read, never added to (no global tokenizer is touched).
    """
    import jieba

    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            word = parts[0]
            freq[word] = int(parts[1])
            if len(parts) > 2:
                tags[word] = parts[2]
    total = math.log(sum(freq.values()))
    return freq, tags, total


@lru_cache(maxsize=1)
def _log_probs() -> dict[str, float]:
    freq, _, log_total = _dictionary()
    return {w: math.log(f or 1) - log_total for w, f in freq.items()}


def _tag(word: str) -> str | None:
    freq, tags, _ = _dictionary()
    if word not in freq:
        return None
    return tags.get(word, "x")


_UNKNOWN_CHAR = -20.0


@lru_cache(maxsize=65536)
def _first_words(window: str, limit: int = 3) -> tuple[int, ...]:
    """Ends of the first ``limit`` words of ``window`` (max-probability cut, no HMM)."""
    logp = _log_probs()
    floor = _UNKNOWN_CHAR
    n = len(window)
    if n == 0:
        return ()
    best: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
    # right-to-left DP as in jieba: best[i] = max over words w starting at i
    for i in range(n - 1, -1, -1):
        cand = (logp.get(window[i], floor) + best[i + 1][0], i + 1)
        for j in range(i + 2, min(n, i + 5) + 1):
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


# --------------------------------------------------------------------------- grammar


def _split_number(s: str) -> tuple[str, str]:
    m = _NUM_RUN.match(s)
    if m is None:
        return "", s
    return m.group(0), s[m.end() :]


def _units(s: str) -> list[tuple[str, str]]:
    """``一征三议两公开`` -> [("一", "征"), ("三", "议"), ("两", "公开")]."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _NUM_RUN.finditer(s):
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


def _is_parallel(s: str) -> bool:
    """Two or more numbered units, each with a morpheme of 1-3 characters."""
    units = _units(s)
    if len(units) < 2 or units[0][0] == "":
        return False
    return all(num and 1 <= len(morph) <= 3 for num, morph in units) and not any(
        num[0] in _DIGITS for num, _ in units
    )


def _numeric_reason(s: str) -> str | None:
    """Why ``s`` is not a numeric slogan, or None when it may be one."""
    head, tail = _split_number(s)
    if not head:
        return "no leading numeral"
    if not tail:
        return "numeral only"
    if len(s) > 16:
        return "too long"
    if _ORDINAL_MEETING.search(s) or re.match(r"^[一二三四五六七八九十]{2,}大", s):
        return "meeting or ordinal"
    if len(head) >= 2 and any(c in "百千万" for c in head) and head[0] not in _DIGITS:
        return "quantity"
    if head == "一" and tail[0] in "批轮些":
        return "indefinite"
    if tail[0] in "是要则来者曰" or tail.startswith("方面"):
        return "enumerator"
    if tail[0] in "余多来几亿" or tail.startswith(("分之", "成", "倍", "%")):
        return "quantity"
    if _UNITS_ONLY.fullmatch(tail):
        return "quantity"  # 10万亿元, 48小时, 300公里
    if head[0] in _DIGITS and _PLUS_FORMULA.fullmatch(s):
        return None  # 1+N, 4+2, 1+X
    if head[0] in _DIGITS and not re.search(rf"[{_CJK}]{{2}}", tail):
        return "quantity"
    rest = tail
    while rest and rest[0] in _MEASURES:
        rest = rest[1:]
    if not rest or (len(rest) <= 1 and rest in "万亿千百余多"):
        return "quantity"
    if rest.startswith(("万元", "亿元", "万人", "余人", "余户", "余次", "余名", "余个", "系列")):
        return "quantity"
    if any(c in "年月日天周" for c in tail[: len(tail) - len(rest)]):
        return "quantity"  # 两个月, 三年
    if re.search("以上|以下|以内|左右|之内", s):
        return "quantity"
    if head in ("〇", "零") and tail.startswith("年"):
        return "date"
    if (
        len(head) >= 2
        and tail[0] in "年月日号"
        and all(c in "〇零一二三四五六七八九" for c in head)
    ):
        return "date"
    if _HYPERBOLE.match(s):
        return "idiom"
    tag = _tag(s)
    if tag == "i":
        return "idiom"
    if tag is not None and tag not in _KEEP_TAGS:
        return "common word"
    if s[-1] in _FUNCTION_END:
        return "open end"
    return None


def _quoted_reason(s: str) -> str | None:
    """Why the non-numeric quoted phrase ``s`` is not a formula, or None."""
    if len(s) < 2 or len(s) > 20:
        return "length"
    if not re.search(rf"[{_CJK}]", s):
        return "no Chinese"
    if re.match(rf"^第[{NUMERALS}0-9]", s) or _ORDINAL_MEETING.search(s):
        return "meeting or ordinal"
    tag = _tag(s)
    if tag is not None and tag not in ("nz", "j", "l"):
        return "ordinary word"
    if s[-1] in _FUNCTION_END or s[0] in _FUNCTION_END:
        return "open end"
    return None


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


_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nt", "i", "d", "c", "r", "p"})


def _prefix_word_reason(s: str, *, parallel: bool = False) -> str | None:
    """An unquoted candidate that opens with an ordinary word (一体化, 十分, 一线, 四川).

    ``parallel``: only names, idioms and function words count (四位 in 四位一体 does not).
    """
    freq, _, _ = _dictionary()
    head, _ = _split_number(s)
    for j in range(min(len(s), 4), 1, -1):
        if s[:j] in _COMMON_NUM_WORDS:
            return "ordinary word prefix"
    for j in range(min(len(s), 5), len(head), -1):
        w = s[:j]
        if w == s or w not in freq:
            continue
        if len(w) == len(head) + 1 and s[len(head)] in _MEASURES:
            continue  # 四个, 三项: the measure word of a counted formula
        tag = _tag(w)
        if parallel:
            if tag in _NAME_TAGS and (tag not in ("ns", "nr", "nt") or freq[w] >= 40):
                return "name or ordinary word prefix"
        elif tag not in _PREFIX_OK_TAGS:
            return "ordinary word prefix"
    return None


def _parallel_reason(s: str) -> str | None:
    """Why an unquoted parallel string is a run of counts, dates or names, or None."""
    units = _units(s)
    morphs = [m for _, m in units]
    if any(a and b.startswith(a) for a, b in itertools.pairwise(morphs)) and all(
        n == "一" for n, _ in units
    ):
        return "reduplication"  # 一间一间, 一件一件抓
    if any(_numeral_value(n) is None for n, _ in units):
        return "not a number"  # 八一, 九二 (names and dates, not counts)
    if units[0][0] == "一" and units[0][1] in ("个", "项", "种", "批", "次", "些"):
        return "indefinite"  # 一个十几亿, 一个一穷二白
    if any(c in "的又接和及等在是了着与部或至" for m in morphs for c in m):
        return "phrase"  # 一波又一波, 两党和两国, 五部门进一步
    if all(n in ("百", "千", "万") for n, _ in units):
        return "hyperbole"  # 千家单位万名, 千方百计
    for num, morph in units[1:]:
        unit = num + morph
        if any(unit[:k] in _COMMON_NUM_WORDS for k in range(2, len(unit) + 1)):
            return "ordinary word"  # 三秦百姓, 三县一体化, 五级书记一起抓
    last = units[-1][1]
    if not last or all(c in "个种项件条次号期批些年月日天岁倍" for c in last):
        return "quantity"
    for num, morph in units:
        if len(num) >= 2 and any(c in "百千万" for c in num):
            return "quantity"
        if not morph:
            return "quantity"
        if morph[0] in "年次期届月日天周岁倍亿余多号" or (num == "一" and morph[0] in "批轮些"):
            return "quantity"
        if morph[-1] == "第":
            return "ordinal"
    return _prefix_word_reason(s, parallel=True)


def slogan_family(slogan: str) -> str:
    """The frame of a slogan: numerals replaced by ``#`` (一征三议两公开 -> #征#议#公开).

    Parameters
    ----------
    slogan : str
        A slogan as found by :func:`mine_slogans`.

    Returns
    -------
    str
        The frame; a slogan without numerals is its own frame.

    Examples
    --------
    >>> slogan_family("三征三议三公开")
    '#征#议#公开'
    """
    check_type(slogan, "slogan", "slogan_family", str, "a str")
    return "".join(("#" if num else "") + morph for num, morph in _units(slogan))


def _numeral_value(head: str) -> int | None:
    if head.isdigit():
        return int(head)
    if len(head) == 1:
        return {"百": 100, "千": 1000, "万": 10000}.get(head, _VALUES.get(head))
    m = re.fullmatch("([二三四五六七八九]?)十([一二三四五六七八九]?)", head)
    if m is None:
        return None
    tens = _VALUES[m.group(1)] if m.group(1) else 1
    return tens * 10 + (_VALUES[m.group(2)] if m.group(2) else 0)


def _even_items(expansion: str) -> bool:
    """Items of an enumeration: 2-12 Chinese characters each, of comparable lengths."""
    items = [x.strip() for x in re.split(r"[、,，;；]", expansion) if x.strip()]
    if not items or not all(re.fullmatch(rf"[{_CJK}]{{2,12}}", x) for x in items):
        return False
    lengths = [len(x) for x in items]
    return max(lengths) <= 2 * min(lengths)


def _count_items(expansion: str) -> int:
    items = [x for x in re.split(r"[、,，;；]", expansion) if x.strip()]
    return len(items)


# --------------------------------------------------------------------------- scanning


@dataclass
class _Stats:
    count: int = 0
    quoted: int = 0
    docs: set[str] = field(default_factory=set)
    cues: set[str] = field(default_factory=set)
    expansion: str = ""
    context: str = ""


@dataclass
class _Doc:
    doc_id: str
    text: str
    folded: str
    starts: Any
    ends: Any


def _quotes(t: str) -> Iterable[tuple[int, int, list[tuple[int, int]]]]:
    """(quote start, quote end, list items as spans) of every quoted phrase of ``t``."""
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


def _expansion_after(t: str, end: int) -> str:
    """The bracketed or colon-introduced expansion right after position ``end``."""
    if end < len(t) and t[end] == "(":
        close = t.find(")", end + 1, end + 160)
        if close > end + 2:
            return t[end + 1 : close]
        return ""
    m = _EXPANSION_COLON.match(t[end : end + 14])
    if m:
        start = end + m.end()
        stop = _CLAUSE_END.search(t, start, start + 160)
        stop_at = stop.start() if stop else min(len(t), start + 160)
        text = t[start:stop_at]
        if _count_items(text) >= 2:
            return text
    return ""


_ANCHOR_RE = re.compile("[" + re.escape(NUMERALS + _DIGITS + "".join(sorted(_QUANTIFIERS))) + "]")
_NON_BODY_RE = re.compile(rf"[^{_CJK}0-9+]")


def _clause_end(t: str, i: int) -> int:
    m = _NON_BODY_RE.search(t, i)
    return len(t) if m is None else m.start()


def _left_ok(t: str, i: int) -> bool:
    """The numeral at ``i`` starts a phrase: not 第一, 统一, 长三角, 红十字, 举一反三."""
    if i == 0:
        return True
    if t[i - 1] in _BIND_LEFT:
        return False
    freq, _, _ = _dictionary()
    return not any(k <= len(t) and t[i - 1 : k] in freq for k in (i + 1, i + 2, i + 3))


def _parallel_at(t: str, i: int, stop: int) -> str | None:
    """The parallel formula starting at ``i`` (before ``stop``), if any."""
    units = 0
    pos = i
    while pos < stop:
        m = _NUM_RUN.match(t, pos, stop)
        if m is None or m.group(0)[0] in _DIGITS or len(m.group(0)) > 3:
            break
        j = m.end()
        k = j
        freq = _dictionary()[0]
        # a numeral bound to the character before it (合一, 统一) is part of the morpheme
        while (
            k < stop
            and k - j < 4
            and (t[k] not in _CN_NUM_SET or t[k - 1 : k + 1] in freq or t[k - 1 : k + 2] in freq)
        ):
            k += 1
        if k < stop and t[k] in _CN_NUM_SET and 1 <= k - j <= 3:
            units += 1
            pos = k
            continue
        # last unit: up to the first word boundary(s)
        if j >= stop:
            break
        window = t[j : min(stop, j + 8)]
        ends = _first_words(window)
        if not ends:
            break
        cut = ends[0]
        # a single-character word followed by another one (面 旗 理念): take both
        if (
            cut == 1
            and len(ends) >= 2
            and ends[1] == 2
            and window[1] not in _FUNCTION_END
            and (len(ends) < 3 or ends[2] - 2 >= 2)
        ):
            cut = 2
        while cut > 1 and window[cut - 1] in _FUNCTION_END:
            cut -= 1
        if cut > 3:
            break
        units += 1
        pos = j + cut
        break
    if units >= 2:
        s = t[i:pos]
        if _is_parallel(s):
            return s
    return None


def _single_ends(t: str, j: int, stop: int) -> list[int]:
    """Word-boundary ends (absolute) after a numeral run ending at ``j``."""
    window = t[j : min(stop, j + 7)]
    ends = _first_words(window, limit=3)
    out = []
    for e in ends:
        if e > 6:
            break
        out.append(j + e)
    return out


def _prepare(corpus: Any, func: str, text_column: str, id_column: str) -> pd.DataFrame:
    if isinstance(corpus, str):
        return load_texts({"doc": corpus})
    if isinstance(corpus, (list, tuple, dict)):
        return load_texts(corpus)
    if isinstance(corpus, pd.DataFrame):
        check_columns(corpus, "corpus", func, [id_column, text_column])
        return corpus
    raise param_error(
        "corpus",
        func,
        "a str, a list or dict of str, or a corpus DataFrame",
        type(corpus).__name__,
    )


def _documents(frame: pd.DataFrame, text_column: str, id_column: str, func: str) -> list[_Doc]:
    docs = []
    for doc_id, text in zip(frame[id_column].tolist(), frame[text_column].tolist(), strict=True):
        if not isinstance(text, str):
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} must hold str texts in column "
                f"{text_column!r}. Document {doc_id!r} has {type(text).__name__}."
            )
        n = normalize(text, punctuation=False, lowercase=False)
        docs.append(_Doc(str(doc_id), text, n.text, n.starts, n.ends))
    return docs


def _fold_like_text(s: str) -> str:
    """Fold a slogan given by a user the way documents are folded for matching."""
    return normalize(s, punctuation=False, lowercase=False).text if s else s


def _original(doc: _Doc, start: int, end: int) -> tuple[int, int]:
    return int(doc.starts[start]), int(doc.ends[end - 1])


def _context(doc: _Doc, start: int, end: int, width: int = 18) -> str:
    a, b = _original(doc, start, end)
    lo = max(0, a - width)
    hi = min(len(doc.text), b + width)
    return doc.text[lo:hi].replace("\n", " ").strip()


# --------------------------------------------------------------------------- mining


@dataclass
class _Miner:
    min_repeat: int
    stats: dict[str, _Stats] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    # unquoted single-unit candidates: string -> (count, docs, right neighbours)
    singles: Counter[str] = field(default_factory=Counter)
    single_right: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    single_contexts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # tail -> numerals or quantifiers seen before it
    tail_heads: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(
        self, s: str, kind: str, doc: _Doc, span: tuple[int, int], *, cue: str, expansion: str = ""
    ) -> None:
        start, end = span
        st = self.stats.get(s)
        if st is None:
            st = self.stats[s] = _Stats()
            self.kinds[s] = kind
            st.context = _context(doc, start, end)
        st.cues.add(cue)
        if expansion and not st.expansion:
            st.expansion = expansion

    def scan(self, doc: _Doc) -> None:
        t = doc.folded
        skip_to = 0
        for qs, qe, items in _quotes(t):
            expansion = _expansion_after(t, qe)
            numeric = [(a, b) for a, b in items if b > a and t[a] in _NUM_SET]
            for a, b in numeric:
                s = t[a:b]
                ok = _BODY_RE.fullmatch(s) or _PLUS_FORMULA.fullmatch(s)
                if ok and _numeric_reason(s) is None:
                    one = expansion if len(items) == 1 else ""
                    self.add(s, "numeric", doc, (a, b), cue="quote", expansion=one)
            if numeric:
                continue
            # a non-numeric quote is one formula, a list (强党建、优服务、促治理) included
            a, b = qs + 1, qe - 1
            s = t[a:b]
            if all(_BODY_RE.fullmatch(t[x:y]) for x, y in items) and _quoted_reason(s) is None:
                self.add(s, "quoted", doc, (a, b), cue="quote", expansion=expansion)
        for m in _ANCHOR_RE.finditer(t):
            i = m.start()
            if i < skip_to:
                continue
            ch = t[i]
            ce = _clause_end(t, i)
            if ch in _QUANTIFIERS:
                if i + 1 < ce and t[i + 1] in _MEASURES:
                    self._tails(_single_ends(t, i + 1, ce), t, i + 1, ch)
                continue
            run = _NUM_RUN.match(t, i, ce)
            assert run is not None
            j = run.end()
            skip_to = j
            if (i > 0 and t[i - 1] in _NUM_SET) or not _left_ok(t, i) or j >= ce:
                continue
            head = run.group(0)
            ends = _single_ends(t, j, ce)
            self._tails(ends, t, j, head)
            if head[0] in _DIGITS:
                continue
            par = _parallel_at(t, i, ce)
            if par is not None:
                end = i + len(par)
                if _numeric_reason(par) is None and _parallel_reason(par) is None:
                    after = _expansion_after(t, end)
                    self.add(par, "numeric", doc, (i, end), cue="parallel", expansion=after)
                skip_to = end
                continue
            value = _numeral_value(head)
            if value is not None and value >= 2 and t[j] == "个" and len(ends) >= 2:
                # NUM 个 + a verb or adjective: ungrammatical as a count, so a formula
                word = t[j + 1 : ends[1]]
                after = t[ends[1] : ends[2]] if len(ends) >= 3 else ""
                if (
                    len(word) >= 2
                    and _tag(word) in _UNCOUNTABLE_TAGS
                    and _tag(after) not in ("n", "vn", "nz", "ns", "nt", "nr")
                    and _numeric_reason(t[i : ends[1]]) is None
                ):
                    self.add(t[i : ends[1]], "numeric", doc, (i, ends[1]), cue="grammar")
            for e in ends:
                s = t[i:e]
                self.singles[s] += 1
                self.single_contexts[s].add(t[max(0, i - 2) : i] + "|" + t[e : e + 2])
                self.single_right[s][t[e] if e < ce else f"#{e}"] += 1
                if e < len(t) and t[e] in "(:：即":
                    expansion = _expansion_after(t, e)
                    value = _numeral_value(head)
                    if (
                        expansion
                        and value is not None
                        and value >= 2
                        and _count_items(expansion) == value
                        and _even_items(expansion)
                        and s[len(head)] not in _COUNT_MEASURES
                        and _numeric_reason(s) is None
                    ):
                        self.add(s, "numeric", doc, (i, e), cue="expansion", expansion=expansion)

    def _tails(self, ends: list[int], t: str, j: int, head: str) -> None:
        for e in ends[:2]:
            self.tail_heads[t[j:e]][head] += 1

    def _counted(self, head: str, tail: str) -> bool:
        """Whether ``tail`` (or its first word) is a noun counted by many numbers."""
        for k in range(1, len(tail) + 1):
            heads = self.tail_heads.get(tail[:k])
            if not heads or k == 1:
                continue
            total = sum(heads.values())
            counted = sum(v for h, v in heads.items() if h in _QUANTIFIERS)
            if counted >= 0.1 * total or (len(heads) >= 3 and heads[head] < 0.5 * total):
                return True
        return False

    def accept_singles(self) -> None:
        """Unquoted single-unit candidates with enough evidence."""
        accepted: list[str] = []
        for s, n in sorted(self.singles.items()):
            if n < self.min_repeat or s in self.stats:
                continue
            # a copied passage repeats its phrases: count distinct contexts, not copies
            if len(self.single_contexts[s]) < self.min_repeat:
                continue
            if len(s) < 3 or _numeric_reason(s) is not None or _prefix_word_reason(s):
                continue
            head, tail = _split_number(s)
            if head == "一" and tail[0] in _MEASURES:
                continue  # 一个, 一批, 一项: the indefinite article, not a count of items
            if _numeral_value(head) is None or tail[0] in _COUNT_MEASURES:
                continue  # 八一, 九二: names and dates; 七位新闻发言人: a count of people
            if head in ("万", "千", "百") or _tag(s) is not None:
                continue  # counts of people and events, surnames (万), dictionary words
            # a counted noun (三个方面, X个社区) follows many numbers and quantifiers
            if self._counted(head, tail):
                continue
            right = self.single_right[s]
            top = max(right.values())
            if len(right) < 2 or top / n > 0.75:
                continue
            # a longer candidate with the same start that takes most occurrences wins
            if any(self.singles.get(s + c, 0) >= 0.75 * n for c, _ in right.most_common(1)):
                continue
            accepted.append(s)
        known = set(self.stats) | set(accepted)
        for s in accepted:
            # 零碳园区建设 when 零碳园区 is a slogan: the shorter one is the formula
            if any(s[:k] in known for k in range(2, len(s))):
                continue
            self.stats[s] = _Stats()
            self.kinds[s] = "numeric"
            self.stats[s].cues.add("repeat")


_END = ""


def _trie(words: Iterable[str]) -> dict[str, Any]:
    """A character trie of ``words``; a node holding ``_END`` ends a word."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[_END] = True
    return root


def _longest_at(root: dict[str, Any], t: str, i: int) -> int:
    """End of the longest word of the trie starting at ``t[i]``, or -1."""
    node: dict[str, Any] | None = root
    best = -1
    j = i
    n = len(t)
    while j < n and node is not None:
        node = node.get(t[j])
        if node is None:
            break
        j += 1
        if _END in node:
            best = j
    return best


def _count(miner: _Miner, docs: Sequence[_Doc], progress: bool | None) -> list[tuple[Any, ...]]:
    """Count every accepted slogan in every document (leftmost longest, non-overlapping)."""
    if not miner.stats:
        return []
    root = _trie(miner.stats)
    starter = re.compile("[" + re.escape("".join(sorted(root))) + "]")
    prefixes = {w[:2] for w in miner.stats}
    occurrences: list[tuple[Any, ...]] = []
    for doc in progress_bar(docs, desc="counting slogans", enabled=progress):
        t = doc.folded
        pos = 0
        for m in starter.finditer(t):
            i = m.start()
            if i < pos or t[i : i + 2] not in prefixes:
                continue
            end = _longest_at(root, t, i)
            if end < 0:
                continue
            hit = t[i:end]
            numeric = miner.kinds[hit] == "numeric"
            before = t[i - 1] if i else ""
            after = t[end] if end < len(t) else ""
            if numeric and i > 0 and not _left_ok(t, i):
                continue
            if numeric and after and after in _NUM_SET:
                continue
            quoted = before in _OPEN_QUOTES or after in _CLOSE_QUOTES
            st = miner.stats[hit]
            if not st.context:
                st.context = _context(doc, i, end)
            a, b = _original(doc, i, end)
            occurrences.append((doc.doc_id, hit, a, b, doc.text[a:b], quoted))
            pos = end
    return occurrences


def _tally(miner: _Miner, occurrences: Sequence[tuple[Any, ...]]) -> None:
    for st in miner.stats.values():
        st.count, st.quoted, st.docs = 0, 0, set()
    for doc_id, hit, _a, _b, _text, quoted in occurrences:
        st = miner.stats[hit]
        st.count += 1
        st.quoted += int(quoted)
        st.docs.add(doc_id)


def _families(slogans: Sequence[str], counts: dict[str, int]) -> dict[str, str]:
    """slogan -> the most frequent member of its family (ties: shortest, then by code)."""
    parent = {s: s for s in slogans}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_frame: dict[str, list[str]] = defaultdict(list)
    morphs: dict[str, tuple[str, ...]] = {}
    for s in slogans:
        units = _units(s)
        if (
            units
            and units[0][0]
            and (
                len(units) > 1
                or len(units[0][1]) >= 2
                or (units[0][0] not in ("零", "〇") and len(s) >= 2)
            )
        ):
            by_frame[slogan_family(s) + ("" if units[0][0] not in ("零", "〇") else s)].append(s)
            if len(units) >= 2:
                morphs[s] = tuple(m for _, m in units)
        else:
            by_frame[s.rstrip("+")].append(s)
    for members in by_frame.values():
        for other in members[1:]:
            union(members[0], other)
    multi = sorted(morphs)
    for a in multi:
        ma = morphs[a]
        for b in multi:
            mb = morphs[b]
            if a == b or len(mb) >= len(ma) or len(mb) < 2:
                continue
            if any(ma[k : k + len(mb)] == mb for k in range(len(ma) - len(mb) + 1)):
                union(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for s in slogans:
        groups[find(s)].append(s)
    out: dict[str, str] = {}
    for members in groups.values():
        label = min(members, key=lambda m: (-counts.get(m, 0), len(m), m))
        for m in members:
            out[m] = label
    return out


def _score(st: _Stats) -> float:
    evidence = (
        1.0 * st.quoted
        + 0.5 * (st.count - st.quoted)
        + 0.5 * max(0, len(st.docs) - 1)
        + (1.0 if "parallel" in st.cues else 0.0)
        + (1.0 if st.expansion else 0.0)
        + (0.5 if "repeat" in st.cues else 0.0)
    )
    return round(evidence / (1.0 + evidence), 4)


def mine_slogans(
    corpus: pd.DataFrame | str | Sequence[str] | dict[str, str],
    *,
    kinds: Sequence[str] = KINDS,
    min_count: int = 1,
    min_doc_freq: int = 1,
    min_repeat: int = 3,
    top: int | None = None,
    text_column: str = "text",
    id_column: str = "doc_id",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Find numeric slogans and quoted formulas; count them; group them in families.

    Works on characters (never on segmented tokens), on one document as well as on a
    corpus: a slogan found once, quoted or in parallel form, is kept.

    Parameters
    ----------
    corpus : DataFrame, str, list of str or dict of doc_id -> str
        A corpus table (``doc_id`` and ``text`` columns, as :func:`corpus_tools.load_corpus`
        returns) or texts in memory; a single str is one document.
    kinds : sequence of {"numeric", "quoted"}, default both
        Which kinds to report: numbered formulas (三会一课) and non-numeric quoted formulas
        (大党委, 道德银行).
    min_count : int, default 1
        Keep slogans found at least this many times in all.
    min_doc_freq : int, default 1
        Keep slogans found in at least this many documents.
    min_repeat : int, default 3
        Occurrences an unquoted single-unit phrase (四个意识) needs before it counts as a
        slogan without any other cue.
    top : int or None, default None
        Keep only the ``top`` best rows.
    text_column, id_column : str
        Column names of a corpus table.
    progress : bool or None, default None
        Progress bar on stderr (None: only on a terminal).

    Returns
    -------
    pandas.DataFrame
        One row per slogan, best first (score, then count, then slogan). Columns:

        - ``slogan`` (str): the slogan, width-folded (full-width digits become ASCII).
        - ``kind`` (str): ``"numeric"`` or ``"quoted"``.
        - ``family`` (str): the most frequent member of its family (一征三议两公开 for
          四议两公开 when both occur); a slogan alone is its own family.
        - ``count`` (int64): occurrences in all documents, quoted or not; matching is
          leftmost-longest over every slogan kept (both kinds), so 四议两公开 inside
          一征三议两公开 is not counted twice.
        - ``doc_freq`` (int64): documents it occurs in.
        - ``quoted`` (int64): occurrences directly between quotes.
        - ``score`` (float64): evidence in [0, 1): ``e / (1 + e)`` with ``e`` = quoted
          occurrences + half the unquoted ones + half the extra documents + 1 for a parallel
          form + 1 for an expansion + 0.5 for a recurring unquoted phrase.
        - ``cue`` (str): how it was found, ``+``-joined among ``quote``, ``parallel``,
          ``expansion``, ``grammar`` (NUM 个 + verb), ``repeat``.
        - ``example`` (str): the expansion when the text gives one (八项本领 -> 学习本领、…),
          else the text around its first occurrence.

    Examples
    --------
    >>> t = mine_slogans({"a": "落实“三会一课”制度。", "b": "严格落实三会一课。"})
    >>> t[["slogan", "count", "doc_freq", "quoted"]].values.tolist()
    [['三会一课', 2, 2, 1]]
    """
    func = "mine_slogans"
    frame = _prepare(corpus, func, text_column, id_column)
    if isinstance(kinds, str) or not isinstance(kinds, Sequence) or not kinds:
        raise param_error("kinds", func, "a non-empty list of 'numeric'/'quoted'", kinds)
    for k in kinds:
        check_choice(k, "kinds", func, KINDS)
    check_number(min_count, "min_count", func, kind=int, low=1)
    check_number(min_doc_freq, "min_doc_freq", func, kind=int, low=1)
    check_number(min_repeat, "min_repeat", func, kind=int, low=2)
    if top is not None:
        check_number(top, "top", func, kind=int, low=1)
    docs = _documents(frame, text_column, id_column, func)
    miner = _Miner(min_repeat=min_repeat)
    for doc in progress_bar(docs, desc="mining slogans", enabled=progress):
        miner.scan(doc)
    miner.accept_singles()
    occurrences = _count(miner, docs, progress)
    _tally(miner, occurrences)
    dropped = {w for w, st in miner.stats.items() if _emphasis_only(w, miner.kinds[w], st)}
    if dropped:
        # an ordinary phrase quoted once must not hide the slogans inside it: count again
        # the documents where it occurs
        affected = {o[0] for o in occurrences if o[1] in dropped}
        for w in dropped:
            del miner.stats[w]
        kept = [o for o in occurrences if o[0] not in affected]
        redo = _count(miner, [d for d in docs if d.doc_id in affected], progress=False)
        _tally(miner, kept + redo)
    return _table(miner, kinds=kinds, min_count=min_count, min_doc_freq=min_doc_freq, top=top)


def _emphasis_only(s: str, kind: str, st: _Stats) -> bool:
    """A phrase quoted for emphasis only: mostly unquoted (共驻共建, 一体化, 一揽子)."""
    if kind == "quoted":
        return st.quoted < 0.4 * st.count
    return "quote" in st.cues and _tag(s) is not None and st.quoted < 0.2 * st.count


def _table(
    miner: _Miner, *, kinds: Sequence[str], min_count: int, min_doc_freq: int, top: int | None
) -> pd.DataFrame:
    rows = []
    counts = {s: st.count for s, st in miner.stats.items()}
    live = [s for s, st in miner.stats.items() if st.count > 0]
    families = _families(sorted(live), counts)
    for s in live:
        st = miner.stats[s]
        kind = miner.kinds[s]
        if kind not in kinds or st.count < min_count or len(st.docs) < min_doc_freq:
            continue
        cues = "+".join(
            c for c in ("quote", "parallel", "expansion", "grammar", "repeat") if c in st.cues
        )
        rows.append(
            (
                s,
                kind,
                families[s],
                st.count,
                len(st.docs),
                st.quoted,
                _score(st),
                cues,
                st.expansion or st.context,
            )
        )
    frame = pd.DataFrame(rows, columns=list(SLOGAN_COLUMNS))
    frame = frame.astype(
        {"count": "int64", "doc_freq": "int64", "quoted": "int64", "score": "float64"}
    )
    frame = frame.sort_values(
        ["score", "count", "slogan"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)
    if top is not None:
        frame = frame.head(top).reset_index(drop=True)
    return frame


def slogan_occurrences(
    corpus: pd.DataFrame | str | Sequence[str] | dict[str, str],
    slogans: pd.DataFrame | Sequence[str],
    *,
    text_column: str = "text",
    id_column: str = "doc_id",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Every occurrence of the given slogans, with offsets into the original text.

    Parameters
    ----------
    corpus : DataFrame, str, list of str or dict of doc_id -> str
        As for :func:`mine_slogans`.
    slogans : DataFrame or sequence of str
        The table :func:`mine_slogans` returned (its ``slogan``, ``kind`` and ``family``
        columns are used) or slogans as strings.

    Returns
    -------
    pandas.DataFrame
        One row per occurrence (leftmost longest, non-overlapping), in document order:
        ``doc_id`` (str), ``slogan`` (str), ``kind`` (str), ``family`` (str), ``start``
        and ``end`` (int64: ``text[start:end]`` is the occurrence in the text as loaded),
        ``text`` (str: that slice), ``quoted`` (bool: directly between quotes).

    Examples
    --------
    >>> occ = slogan_occurrences({"a": "坚持“三会一课”制度"}, ["三会一课"])
    >>> occ[["doc_id", "start", "end", "text"]].values.tolist()
    [['a', 3, 7, '三会一课']]
    """
    func = "slogan_occurrences"
    frame = _prepare(corpus, func, text_column, id_column)
    if isinstance(slogans, pd.DataFrame):
        check_columns(slogans, "slogans", func, ["slogan"])
        names = [str(s) for s in slogans["slogan"].tolist()]
        kind_of = (
            dict(zip(names, slogans["kind"].tolist(), strict=True)) if "kind" in slogans else {}
        )
        fam_of = (
            dict(zip(names, slogans["family"].tolist(), strict=True)) if "family" in slogans else {}
        )
    elif isinstance(slogans, str) or not isinstance(slogans, Sequence):
        raise param_error(
            "slogans", func, "a slogan table or a list of str", type(slogans).__name__
        )
    else:
        names = list(slogans)
        for s in names:
            check_type(s, "slogans", func, str, "a list of str")
        kind_of, fam_of = {}, {}
    miner = _Miner(min_repeat=2)
    for s in names:
        key = _fold_like_text(s)
        if not key:
            continue
        miner.stats[key] = _Stats()
        miner.kinds[key] = kind_of.get(s) or ("numeric" if key[0] in _NUM_SET else "quoted")
    docs = _documents(frame, text_column, id_column, func)
    occ = _count(miner, docs, progress)
    out = pd.DataFrame(
        [
            (d, s, miner.kinds[s], fam_of.get(s, slogan_family(s)), a, b, txt, q)
            for d, s, a, b, txt, q in occ
        ],
        columns=list(OCCURRENCE_COLUMNS),
    )
    return out.astype({"start": "int64", "end": "int64", "quoted": "bool"})


def slogans_by(
    corpus: pd.DataFrame,
    slogans: pd.DataFrame | Sequence[str],
    *,
    by: str | Sequence[str],
    text_column: str = "text",
    id_column: str = "doc_id",
) -> pd.DataFrame:
    """Count slogans per value of a metadata field (year, province): follow them over time.

    Parameters
    ----------
    corpus : DataFrame
        A corpus table holding the ``by`` columns (``year`` of a JSONL corpus, say).
    slogans : DataFrame or sequence of str
        As for :func:`slogan_occurrences`.
    by : str or sequence of str
        Metadata column(s) to group by.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``slogan`` (str), ``family`` (str), ``count`` (int64:
        occurrences) and ``doc_freq`` (int64: documents), sorted by the ``by`` values and
        then by count, highest first. Groups without any occurrence are left out.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "year": [2019, 2020],
    ...                      "text": ["落实三会一课", "落实“三会一课”，推行四议两公开"]})
    >>> slogans_by(docs, ["三会一课", "四议两公开"], by="year")[["year", "slogan", "count"]].values.tolist()
    [[2019, '三会一课', 1], [2020, '三会一课', 1], [2020, '四议两公开', 1]]
    """
    func = "slogans_by"
    keys = [by] if isinstance(by, str) else list(by) if isinstance(by, Sequence) else None
    if not keys or not all(isinstance(k, str) for k in keys):
        raise param_error("by", func, "a column name or a list of column names", by)
    check_columns(corpus, "corpus", func, [id_column, text_column, *keys])
    occ = slogan_occurrences(corpus, slogans, text_column=text_column, id_column=id_column)
    meta = corpus[[id_column, *keys]].rename(columns={id_column: "doc_id"})
    meta = meta.assign(doc_id=meta["doc_id"].astype(str))
    merged = occ.merge(meta, on="doc_id", how="left")
    columns = [*keys, "slogan", "family", "count", "doc_freq"]
    if merged.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    grouped = (
        merged.groupby([*keys, "slogan", "family"], sort=True, dropna=False)
        .agg(count=("doc_id", "size"), doc_freq=("doc_id", "nunique"))
        .reset_index()
    )
    grouped = grouped.astype({"count": "int64", "doc_freq": "int64"})
    order = [*keys, "count", "slogan"]
    ascending = [True] * len(keys) + [False, True]
    return grouped.sort_values(order, ascending=ascending, kind="mergesort").reset_index(drop=True)[
        columns
    ]


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
        The table :func:`mine_slogans` returned, or words.
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
    if isinstance(table, pd.DataFrame):
        check_columns(table, "table", func, ["slogan"])
        words = [str(w) for w in table["slogan"].tolist()]
        counts = [int(c) for c in table["count"].tolist()] if "count" in table else [1] * len(words)
    elif isinstance(table, str) or not isinstance(table, Sequence):
        raise param_error("table", func, "a slogan table or a list of str", type(table).__name__)
    else:
        words = list(table)
        for w in words:
            check_type(w, "table", func, str, "a list of str")
        counts = [1] * len(words)
    seen: set[str] = set()
    out: list[tuple[str, int]] = []
    for word, c in zip(words, counts, strict=True):
        w = word.strip()
        if not w or w in seen or _BODY_RE.fullmatch(w) is None:
            continue  # a quoted list (传、帮、带) is no word for a segmenter
        seen.add(w)
        out.append((w, freq if freq is not None else max(c, 1) * 1000))
    if path is not None:
        with atomic_write(path, "w") as fh:
            for w, f in out:
                fh.write(f"{w} {f} {tag}\n")
    return [w for w, _ in out]
