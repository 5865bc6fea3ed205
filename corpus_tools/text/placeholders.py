"""Unfilled template placeholders (XX社区, X个, ×万元, 20XX年, 某某) and template sections.

Reports written from a 范文 often keep its blanks: ``XX区有X个社区被确定为第X批``,
``×区委``, ``X-X月财政总收入X亿元，同比下降X%``, ``XXX同志``, ``某某``, ``○○``, ``＿＿``.
:func:`find_placeholders` finds them in one text, :func:`placeholder_spans` in a corpus,
:func:`template_sections` scores every section of :func:`corpus_tools.text.parse_sections`
by how dense its blanks are, and :func:`template_scores` gives one score per document.

Precision comes first: real reports write ``×`` and ``X`` too (``数据要素×``, ``7×24小时``,
``4×4``, ``1+N+X``, ``415X``, ``X光``, ``X射线``, ``737 MAX``, the platform ``X``, ``二〇三五年``).
A run of blank marks is reported only when

* it is not glued to Latin letters or digits (``XR``, ``415X``, ``X8489次``, ``4×100米``),
  to a formula (``金额×比例``, ``+X``), to a known real compound (``数据要素×``, ``X光``) or,
  for ``○``/``〇``, to Chinese numerals (``二〇三五``, where it is a zero);
* and either it is *certain* — two marks or more (``XX``), a range (``X-X``), a year
  (``20XX``), ``第X``, or a blank followed by what templates put after a blank (a counter
  ``个``/``人``/``项``, a unit ``万元``/``%``, a date word ``月``, a place or body ``区``/``社区``/
  ``党委``, a title ``同志``) — or it is a lone mark (``X化粪池``, ``×主题活动``) in a text that
  holds at least ``min_support`` certain placeholders.

Examples
--------
>>> from corpus_tools.text import find_placeholders
>>> spans = find_placeholders("XX区有X个社区，投入X万元；提供7×24小时服务。")
>>> spans[["text", "kind"]].values.tolist()
[['XX', 'name'], ['X', 'number'], ['X', 'money']]
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:  # (imported where a table is made: placeholder_rows needs none)
    import pandas as pd

from corpus_tools.errors import (
    check_columns,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.text.patterns import PLACEHOLDER_MARKS

__all__ = [
    "KINDS",
    "SPAN_COLUMNS",
    "PlaceholderReport",
    "PlaceholderRow",
    "find_placeholders",
    "placeholder_rows",
    "placeholder_spans",
    "scan_placeholders",
    "template_scores",
    "template_sections",
]

#: The kinds a placeholder can have, in the order of precedence.
KINDS = ("number", "percent", "money", "date", "name", "person", "generic")
#: Columns of :func:`find_placeholders` (:func:`placeholder_spans` puts ``doc_id`` first).
SPAN_COLUMNS = ("start", "end", "text", "kind")

# --------------------------------------------------------------------------- characters

_LATIN_MARKS = "XxＸｘ"
_TIMES_MARKS = "×✕✖╳"
_CIRCLE_MARKS = "○〇◯"
_ASCII_LINE_MARKS = "*_"  # markdown emphasis and identifiers use these
_MARK_SET = frozenset(PLACEHOLDER_MARKS)
_CN_NUMERALS = frozenset("零一二三四五六七八九十百千万亿两〇○◯")
#: Numerals that are units of a number too (○○万人次, ×亿元): a blank may stand before them.
_ROUND_UNITS = frozenset("十百千万亿")
#: Kinds the words after a blank give when they are a unit a number takes.
_NUMBER_KINDS = ("number", "money", "percent", "date")
_RANGE = "-－—~～至到"
_OPEN_BR = "（([【〔"
_CLOSE_BR = "）)]】〕"
_SPACES = " \t\u3000\u00a0"
_NOT_SPACE = re.compile(f"[^{_SPACES}]")

_m = re.escape(PLACEHOLDER_MARKS)
#: A run of marks: ``20XX``/``19XX`` years, decimals ``X.X``, ranges ``X-X`` and ``X至X``.
#: (``_patterns.PLACEHOLDER_RUN`` plus the decimal form templates use for rates.)
_RUN = re.compile(
    rf"(?:19|20)[{_m}]{{2}}(?![{_m}])"
    rf"|[{_m}]+(?:[.．][{_m}]+)?(?:[{_RANGE}][{_m}]+(?:[.．][{_m}]+)?)*"
)
_MOUMOU = re.compile(r"某某+")

# Surnames before 某某 make an anonymised real person (张某某), not a template blank.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)

# What stands before a surname in 给予苏某某, 以张某某为首, 犯罪嫌疑人张某某, 同行人员苏某某.
_BEFORE_NAME = frozenset('予以对和与及的人员者犯被将由向把给、，,。；;：:（( \t\n\u3000“"')


# --------------------------------------------------------------------------- context words


def _words(kind: str, words: str) -> list[tuple[str, str]]:
    return [(w, kind) for w in words.split()]


# What follows a blank says what it stands for. Longest match wins, so ``万元`` beats
# ``万`` and ``人民医院`` beats ``人``; ``""`` marks words that begin like a counter but are
# no evidence (``X处以``, ``X组织``), ``None`` words that make the mark a real character.
_RIGHT_WORDS: dict[str, str | None] = dict(
    _words("percent", "% ％ ‰ 个百分点 百分点 成以上")
    + _words(
        "money",
        "元 万元 亿元 千元 百元 十万元 百万元 千万元 万亿元 美元 万美元 亿美元 欧元 块钱 元钱",
    )
    + _words(
        "date",
        "年 月 日 号前 月份 月底 月初 月中旬 月上旬 月下旬 季度 时 点钟 年度 年底 年初 世纪 年代",
    )
    + _words(
        "number",
        "个 人 名 户 份 条 件 项 次 家 批 期 场 册 本 篇 位 所 座 处 类 支 套 台 辆 张 株 头 只"
        " 亩 公顷 平方米 平米 立方米 公里 千米 米 吨 斤 千克 公斤 万人 千人 万 亿 千 百 十"
        " 号 例 岁 周岁 秒 点 代 版 倍 天 周 小时 分钟 年来 余 多 人次 户次 万人次 余人 余次 余户 余份 余件 余项 余名"
        " 余个 余家 余场 余万 多万 多个 多名 多次 多人 多家 多项 期次 轮 届 组 队 级 节 课"
        " 门 种 款 栋 间 层 床 盏 根 棵 片 块 首 部 集 题 段 章 卷 页 字 分 颗 枚"
        " 平方公里 平方千米 微克 毫克 克 兆瓦 千瓦 万千瓦 千瓦时 度 标箱 英寸 架次 架 艘 列 强"
        " 国 大类 以上 以下 左右 起 宗 笔 单 班 趟 车次 人次 班次 所 座 幅 部 辆次 千伏 伏",
    )
    + _words(
        "name",
        "省 市 县 区 自治区 自治州 自治县 镇 乡 村 社区 街道 路 街 巷 大道 小区 园区 局 委 厅 办 科 站 中心"
        " 公司 集团 企业 大学 学院 学校 中学 小学 幼儿园 医院 银行 协会 商会 学会 党委 党支部"
        " 支部 党组 党总支 总支 工委 单位 部门 办事处 委员会 政府 人民政府 人民医院 人民法院"
        " 人民检察院 法院 检察院 公安局 派出所 街办 管委会 开发区 新区 示范区 产业园 科技园"
        " 工业园 园 基地 广场 景区 村委 居委 居委会 村委会 片区 网格 组织部 宣传部 统战部"
        " 纪委 监委 财政局 工作组 调研组 督导组 专班 项目 工程 模式 品牌 平台 楼 号楼 栋楼"
        " 社 队伍 团队 合作社 书院 协会党支部 村党支部 社区党委 人大 市场监管局",
    )
    + _words(
        "person",
        "同志 书记 副书记 主任 副主任 局长 副局长 县长 副县长 区长 副区长 市长 副市长 镇长"
        " 副镇长 乡长 村长 部长 副部长 委员 代表 先生 女士 老师 校长 院长 经理 主席 组长"
        " 队长 所长 站长 科长 处长 厅长 省长 主管 书记员 总经理 董事长 等同志",
    )
    # words that begin with a counter but are no evidence (X处以罚款, X条件)
    + [
        (w, "")
        for w in [
            "处以",
            "处罚",
            "处理",
            "条件",
            "条例",
            "名单",
            "名义",
            "家庭",
            "家长",
            "场所",
            "场景",
            "期间",
            "次日",
            "份额",
            "户籍",
            "所在",
            "所有",
            "类似",
            "支持",
            "人员",
            "位于",
            "只是",
            "只有",
            "只要",
            "只能",
            "分别",
            "分析",
            "分享",
            "分类",
            "集中",
            "节约",
            "首先",
            "组织",
            "本次",
            "本着",
            "期待",
            "期望",
            "家乡",
            "人民",
            "人才",
            "名称",
            "时间",
            "时期",
            "时代",
            "日常",
            "局面",
            "办理",
            "办法",
            "办公",
            "科技",
            "科学",
            "站在",
            "路线",
            "路径",
            "区域",
            "国家",
            "国际",
            "国内",
            "起来",
            "度过",
            "强化",
            "强调",
            "列入",
            "以上率下",
            "笔记",
            "班子",
        ]
    ]
    # not evidence: real compounds (X光, X射线, X型), formulas and suffixes
    + [
        (w, None)
        for w in ["光", "射线", "线", "染色体", "型", "轴", "刀", "片子", "战警", "因素", "+", "＋"]
    ]
)
_RIGHT_MAX = max(len(w) for w in _RIGHT_WORDS)
# Words before a blank that say what it stands for: 第X批, 百分之X.
_LEFT_EVIDENCE = {"第": "number", "百分之": "percent"}
# Words right before a lone mark that make it a real character, not a blank.
_LEFT_REAL_ALWAYS = ("要素", "+", "＋", "=", "＝")
_LEFT_REAL = ("平台",)
#: A lone × with "=" this many characters around it (on its line) is a multiplication.
_FORMULA_WINDOW = 40


class _Span(NamedTuple):
    start: int
    end: int
    kind: str
    certain: bool


def _is_latin(ch: str) -> bool:
    if not ch:
        return False
    o = ord(ch)
    return (
        (ch.isascii() and ch.isalpha())
        or 0x00C0 <= o <= 0x024F  # Latin-1 supplement and extended letters (ī, é)
        or 0xFF21 <= o <= 0xFF3A
        or 0xFF41 <= o <= 0xFF5A
        or 0x0370 <= o <= 0x03FF  # Greek (α, β used as labels)
    )


def _is_digit(ch: str) -> bool:
    return bool(ch) and ("0" <= ch <= "9" or "０" <= ch <= "９")


def _char(text: str, i: int) -> str:
    """``text[i]``, or a line break outside the text (so ``in "..."`` tests stay false)."""
    return text[i] if 0 <= i < len(text) else "\n"


def _skip_right(text: str, i: int) -> int:
    while i < len(text) and text[i] in _SPACES:
        i += 1
    return i


def _skip_left(text: str, i: int) -> int:
    """Index of the first non-space character at or before ``i``."""
    while i >= 0 and text[i] in _SPACES:
        i -= 1
    return i


def _right_word(text: str, i: int) -> tuple[str | None, int]:
    """The context word starting at ``i`` (longest first): its kind and length."""
    chunk = text[i : i + _RIGHT_MAX]
    for n in range(len(chunk), 0, -1):
        w = chunk[:n]
        if w in _RIGHT_WORDS:
            return _RIGHT_WORDS[w], n
    return "", 0


def _right_kind(text: str, end: int) -> str | None:
    """``kind`` told by the words after a blank; ``""`` when they tell nothing, ``None``
    when they show the mark is a real character (``X光``, ``×+``)."""
    i = _skip_right(text, end)
    kind, _ = _right_word(text, i)
    if kind is None or kind not in ("", "number"):
        return kind
    # quantity words before the unit: X余万元, X多个, X千米, X万余人
    j = i
    while j < len(text) and j - i < 3 and text[j] in "余多几来万亿千百十":
        j += 1
    if j > i:
        after, _ = _right_word(text, j)
        if after in ("money", "percent"):
            return after
        return "number"
    return kind


def _left_kind(text: str, start: int) -> str:
    j = _skip_left(text, start - 1)
    for word, kind in _LEFT_EVIDENCE.items():
        if j + 1 - len(word) >= 0 and text[j + 1 - len(word) : j + 1] == word:
            return kind
    return ""


#: Characters searched either side of a mark for its line's ends; past them a text's line
#: breaks are indexed once (one line of millions of characters stays linear to scan).
_LINE_SEARCH = 4096


class _LongLines:
    """The line breaks of one text with long lines, and per line what :func:`_is_markdown`
    asks, each computed once; kept for the text being scanned (:func:`_long_lines`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks = [m.start() for m in re.finditer("\n", text)]
        self.separator: dict[tuple[int, str], bool] = {}
        self.runs: dict[str, list[int]] = {}

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.breaks, start)
        ls = self.breaks[i - 1] + 1 if i else 0
        j = bisect.bisect_left(self.breaks, end)
        return ls, (self.breaks[j] if j < len(self.breaks) else len(self.text))

    def is_separator(self, ls: int, le: int, mark: str) -> bool:
        key = (ls, mark)
        if key not in self.separator:
            line = self.text[ls:le]
            self.separator[key] = not line.replace(mark, "").strip(_SPACES + "-=#")
        return self.separator[key]

    def occurs(self, run: str, lo: int, hi: int) -> bool:
        """Whether ``run`` occurs inside ``text[lo:hi]``."""
        if run not in self.runs:
            found, i = [], self.text.find(run)
            while i >= 0:
                found.append(i)
                i = self.text.find(run, i + 1)
            self.runs[run] = found
        starts = self.runs[run]
        k = bisect.bisect_left(starts, lo)
        return k < len(starts) and starts[k] + len(run) <= hi


#: The text being scanned, when its lines are long (one entry; emptied after each scan).
_LONG: dict[str, _LongLines] = {}


def _long_lines(text: str) -> _LongLines:
    cached = _LONG.get("text")
    if cached is None or cached.text is not text:
        cached = _LongLines(text)
        _LONG["text"] = cached
    return cached


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo, hi = max(0, start - _LINE_SEARCH), end + _LINE_SEARCH
    ls = text.rfind("\n", lo, start) + 1
    le = text.find("\n", end, hi)
    if (ls == 0 and lo > 0) or (le < 0 and hi < len(text)):
        return _long_lines(text).bounds(start, end)
    return ls, (len(text) if le < 0 else le)


def _is_markdown(text: str, start: int, end: int, run: str) -> bool:
    """``**bold**``, ``__x__`` or a rule ``***``: the same run again on its line."""
    ls, le = _line_bounds(text, start, end)
    if le - ls > 2 * _LINE_SEARCH:  # a long line: what is asked of it is computed once
        long = _long_lines(text)
        if long.is_separator(ls, le, run[0]):
            return True
        return long.occurs(run, ls, start) or long.occurs(run, end, le)
    line = text[ls:le]
    if not line.replace(run[0], "").strip(_SPACES + "-=#"):
        return True  # a separator line
    before, after = text[ls:start], text[end:le]
    return run in before or run in after


def _list_item(text: str, dot: int) -> bool:
    """Is ``text[dot]`` the dot of a list number at the start of a line (``\n5.``)?"""
    i = dot - 1
    while i >= 0 and _is_digit(text[i]):
        i -= 1
    return i < 0 or text[i] in "\n\r" + _SPACES


def _lone_ok(text: str, start: int, end: int, *, evidence: str) -> bool:
    """Checks for a lone mark: is it a real character (数据要素×, 1+N+X, a×b=c, √×)?

    The checks after the first group only apply when the words after the mark are no
    evidence of a blank (``平台X家`` is a blank, ``平台X罚款`` the platform).
    """
    mark, prev, nxt = text[start], _char(text, start - 1), _char(text, end)
    jl = _skip_left(text, start - 1)
    left = text[max(0, jl - 1) : jl + 1]
    if any(left.endswith(w) for w in _LEFT_REAL_ALWAYS):
        return False  # 数据要素×, 1+N+X, 5+X
    if "√" in (prev, nxt):
        return False  # a true/false mark
    if evidence:
        return True
    if any(left.endswith(w) for w in _LEFT_REAL):
        return False  # 平台X罚款
    if mark in _LATIN_MARKS and (nxt in _OPEN_BR or nxt == "的"):
        return False  # the platform X的…, train X（行）: a name, not a blank
    ls, le = _line_bounds(text, start, end)
    if mark in _TIMES_MARKS:
        if prev in _CLOSE_BR or nxt in _OPEN_BR:
            return False  # (a×b)×c
        if prev in _SPACES + "\n" and nxt in _SPACES + "\n":
            return False  # a close button or table cell: 分享到微信 ×
        window = text[max(ls, start - _FORMULA_WINDOW) : min(le, end + _FORMULA_WINDOW)]
        if "=" in window or "＝" in window:
            return False  # a = b×c
    if prev in _OPEN_BR and nxt in _CLOSE_BR:
        return False  # (×): a true/false mark
    if mark in "○◯□△" and _NOT_SPACE.search(text, ls, start) is None:
        return False  # a bullet at the start of a line
    # a suffix inside a quoted name: “创新X”, “数据要素×”
    return not (nxt in '”"’』」' and prev not in '“"‘『「')


class _Run(NamedTuple):
    """A run of blank marks ``text[start:end]`` and what its shape says."""

    start: int
    end: int
    run: str
    prev: str  # the character before the run (a line break outside the text)
    nxt: str  # the character after it
    marks: str  # the run's blank marks (without range and decimal signs)
    year: bool  # 20XX, 19XX
    ranged: bool  # X-X, X至X
    decimal: bool  # X.X
    lone: bool  # one mark


def _describe(text: str, start: int, end: int) -> _Run:
    run = text[start:end]
    marks = "".join(c for c in run if c in _MARK_SET)
    return _Run(
        start=start,
        end=end,
        run=run,
        prev=_char(text, start - 1),
        nxt=_char(text, end),
        marks=marks,
        year=run[:2] in ("19", "20") and len(marks) == 2 and run[2:3] in _MARK_SET,
        ranged=any(c in _RANGE for c in run),
        decimal=any(c in ".．" for c in run),
        lone=len(marks) == 1,
    )


def _glued_to_alphanumerics(text: str, r: _Run) -> bool:
    """XR, MAX, 415X, X8489次, 4×100米, 4×4, PM_2.5, 2.X: part of a word or a number."""
    if _is_latin(r.prev) or _is_latin(r.nxt) or _is_digit(r.nxt) or _is_digit(r.prev):
        return True  # (and 2020XX: a year blank starts at its 20)
    # 2.X, a version or a decimal, unless a list item "5.X个乡镇"
    return (
        r.prev in ".．"
        and _is_digit(_char(text, r.start - 2))
        and not _list_item(text, r.start - 1)
    )


def _circle_zero(text: str, r: _Run) -> bool:
    """○/〇 beside Chinese numerals is a zero: 二〇三五年, 一九八○年, 二百○八所.

    Before a round unit alone (○○万人次, ○亿元, ○千米) it is a blank: a zero is written
    after a numeral (一百〇五万), never at the head of a number.
    """
    del text  # the shape alone tells
    if not all(c in _CIRCLE_MARKS for c in r.marks):
        return False
    if r.prev in _CN_NUMERALS:
        return True
    return r.nxt in _CN_NUMERALS and r.nxt not in _ROUND_UNITS


def _markup(text: str, r: _Run) -> bool:
    """``*``/``_`` as markdown emphasis, identifiers and separator lines.

    A lone ``*`` or ``_`` glued to a unit a number takes (``*个``, ``*万元``, ``*%``,
    ``*月份``) is a blank all the same (a bullet ``* 3个`` has a space after it).
    """
    if not all(c in _ASCII_LINE_MARKS for c in r.marks):
        return False
    if r.lone and r.nxt not in _SPACES and _right_kind(text, r.end) in _NUMBER_KINDS:
        return False
    return r.lone or _is_markdown(text, r.start, r.end, r.run)


#: Words that say a quoted XX stands for any name, in a sentence about names: 以“XX报”
#: “XX新闻”等为名假冒新闻媒体, 冠以“XX中心”字样, 自称“XX专家”.
_NAMING = re.compile(r"为名|名义|字样|冠以|冠名|自称|冒充|假冒|仿冒|冒用|山寨|之类的?名")
#: Characters of a sentence searched for a naming word after a quoted run.
_NAMING_WINDOW = 30
_OPEN_QUOTES = '“"‘『「'
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def _name_pattern(text: str, r: _Run) -> bool:
    """“XX报”“XX新闻”等为名: a quoted XX in a sentence about names stands for any name (a
    news item on fake accounts), not for a blank a template left."""
    if r.prev not in _OPEN_QUOTES:
        return False
    window = text[r.end : r.end + _NAMING_WINDOW]
    stop = _SENTENCE_END.search(window)
    return bool(_NAMING.search(window[: stop.start()] if stop else window))


#: Rules that show a run is made of real characters, whatever words follow it.
_REAL_BY_SHAPE = (
    _glued_to_alphanumerics,
    _circle_zero,
    _markup,
    _name_pattern,
)


def _kind(text: str, r: _Run, right: str, left: str) -> str:
    """What a blank stands for, from its shape and the words beside it."""
    if r.year or (r.ranged and right == "date"):
        return "date"
    if right in ("name", "person") and _char(text, _skip_left(text, r.start - 1)) == "第":
        return "number"  # 第×调研组: an ordinal
    if "percent" in (left, right):
        return "percent"
    return right or left or ("number" if r.decimal else "generic")


def _classify(text: str, start: int, end: int) -> _Span | None:
    """Decide whether the mark run ``text[start:end]`` is a blank; ``None`` if real."""
    r = _describe(text, start, end)
    if any(rule(text, r) for rule in _REAL_BY_SHAPE):
        return None
    right = _right_kind(text, end)
    if right is None:
        return None  # X光, X射线, ×+
    left = _left_kind(text, start)
    if r.lone and not _lone_ok(text, start, end, evidence=right or left):
        return None
    kind = _kind(text, r, right, left)
    certain = not r.lone or r.year or r.ranged or r.decimal or kind != "generic"
    return _Span(start, end, kind, certain)


def _moumou(text: str, start: int, end: int) -> _Span | None:
    prev = _char(text, start - 1)
    if prev in _SURNAMES and _char(text, start - 2) in _BEFORE_NAME:
        return None  # 以张某某为首, 给予苏某某: an anonymised real person
    right = _right_kind(text, end) or ""
    kind = right if right in ("name", "person") else "person" if right == "" else "generic"
    if right == "" and _char(text, end) in "县市区镇乡村省":
        kind = "name"
    return _Span(start, end, kind, True)


def _scan(text: str, min_support: int) -> list[_Span]:
    spans: list[_Span] = []
    for m in _RUN.finditer(text):
        s = _classify(text, m.start(), m.end())
        if s is not None:
            spans.append(s)
    for m in _MOUMOU.finditer(text):
        s = _moumou(text, m.start(), m.end())
        if s is not None:
            spans.append(s)
    _LONG.clear()  # the long text is not kept alive past its scan
    certain = sum(1 for s in spans if s.certain)
    if certain < min_support:
        spans = [s for s in spans if s.certain]
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


# --------------------------------------------------------------------------- public API

_FIND = "find_placeholders"


def _check_kinds(kinds: Iterable[str] | None, func: str) -> tuple[str, ...] | None:
    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [kinds]
    try:
        chosen = tuple(kinds)
    except TypeError:
        raise param_error("kinds", func, f"None or a list of {list(KINDS)}", kinds) from None
    bad = [k for k in chosen if k not in KINDS]
    if bad or not chosen:
        raise param_error("kinds", func, f"None or a non-empty list of {list(KINDS)}", kinds)
    return chosen


def _frame(spans: Sequence[_Span], text: str) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "start": pd.Series([s.start for s in spans], dtype="int64"),
            "end": pd.Series([s.end for s in spans], dtype="int64"),
            "text": pd.Series([text[s.start : s.end] for s in spans], dtype=object),
            "kind": pd.Series([s.kind for s in spans], dtype=object),
        }
    )


class PlaceholderRow(NamedTuple):
    """One row of :func:`find_placeholders` (what :func:`placeholder_rows` returns)."""

    start: int
    end: int
    text: str
    kind: str


def placeholder_rows(text: str) -> list[PlaceholderRow]:
    """The rows of ``find_placeholders(text)`` (every kind, ``min_support`` 2), without a
    table.

    Examples
    --------
    >>> [(r.text, r.kind) for r in placeholder_rows("XX同志带领X个工作组")]
    [('XX', 'person'), ('X', 'number')]
    """
    check_type(text, "text", _FIND, str, "a str")
    return [PlaceholderRow(s.start, s.end, text[s.start : s.end], s.kind) for s in _scan(text, 2)]


def find_placeholders(
    text: str,
    *,
    kinds: Iterable[str] | None = None,
    min_support: int = 2,
) -> pd.DataFrame:
    """Find the unfilled template blanks of one text.

    Parameters
    ----------
    text : str
        One document's text as loaded.
    kinds : list of str, optional
        Keep only these kinds (see ``Returns``); all by default.
    min_support : int, default 2
        A lone mark with nothing around it that marks a blank (``X化粪池``, ``×主题活动``,
        ``《×》``) is reported only when the text holds at least this many certain
        placeholders (``XX``, ``X个``, ``第X批``, ``20XX年``…): in a template it is a blank,
        in a news item ``平台X`` or ``X（行）`` it is not. ``0`` reports every lone mark that
        survives the other checks.

    Returns
    -------
    pandas.DataFrame
        One row per placeholder, in text order, columns:

        - ``start``, ``end`` (int64): the blank's span in ``text``, so
          ``text[start:end] == text_column``;
        - ``text`` (str): the blank as written: ``X``, ``XX``, ``×``, ``X-X``, ``20XX``,
          ``X.X``, ``某某``, ``○○``, ``＿＿``. The words after it (``个``, ``万元``) are not part of it;
        - ``kind`` (str): ``number`` (``X个``, ``第X批``), ``percent`` (``X%``),
          ``money`` (``X万元``), ``date`` (``20XX年``, ``X-X月``), ``name`` of a place or body
          (``XX社区``, ``×区委``), ``person`` (``XXX同志``, ``某某``), else ``generic``.

    Examples
    --------
    >>> df = find_placeholders("20XX年X-X月，XX同志带领X个工作组，投入X.X万元。")
    >>> df[["start", "text", "kind"]].to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'start': [0, 5, 10, 16, 24], 'text': ['20XX', 'X-X', 'XX', 'X', 'X.X'],
     'kind': ['date', 'date', 'person', 'number', 'money']}
    """
    check_type(text, "text", _FIND, str, "a str")
    chosen = _check_kinds(kinds, _FIND)
    check_number(min_support, "min_support", _FIND, kind=int, low=0)
    spans = _scan(text, min_support)
    if chosen is not None:
        spans = [s for s in spans if s.kind in chosen]
    return _frame(spans, text)


def _corpus_texts(corpus: pd.DataFrame, func: str) -> list[tuple[Any, str]]:
    check_columns(corpus, "corpus", func, ["doc_id", "text"])
    out = []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True):
        if not isinstance(text, str):
            raise param_error(
                "corpus",
                func,
                "a table whose 'text' column holds str",
                f"{type(text).__name__} in document {doc_id!r}",
            )
        out.append((doc_id, text))
    return out


def placeholder_spans(
    corpus: pd.DataFrame,
    *,
    kinds: Iterable[str] | None = None,
    min_support: int = 2,
) -> pd.DataFrame:
    """:func:`find_placeholders` for every document of a corpus table.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table with ``doc_id`` and ``text`` (from :func:`corpus_tools.io.load_corpus`).
    kinds, min_support
        As in :func:`find_placeholders`.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id`` (as in ``corpus``), ``start``, ``end`` (int64), ``text`` (str),
        ``kind`` (str), documents in corpus order, spans in text order.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"a": "XX县有X个村", "b": "提供7×24小时服务"})
    >>> placeholder_spans(docs)[["doc_id", "text", "kind"]]
      doc_id text    kind
    0      a   XX    name
    1      a    X  number
    """
    func = "placeholder_spans"
    texts = _corpus_texts(corpus, func)
    chosen = _check_kinds(kinds, func)
    check_number(min_support, "min_support", func, kind=int, low=0)
    return _spans_table(texts, chosen, min_support)


def _spans_table(
    texts: Sequence[tuple[Any, str]], chosen: tuple[str, ...] | None, min_support: int
) -> pd.DataFrame:
    import pandas as pd

    ids: list[Any] = []
    parts: list[_Span] = []
    strings: list[str] = []
    for doc_id, text in texts:
        for s in _scan(text, min_support):
            if chosen is None or s.kind in chosen:
                ids.append(doc_id)
                parts.append(s)
                strings.append(text[s.start : s.end])
    frame = pd.DataFrame(
        {
            "doc_id": pd.Series(ids, dtype=object),
            "start": pd.Series([s.start for s in parts], dtype="int64"),
            "end": pd.Series([s.end for s in parts], dtype="int64"),
            "text": pd.Series(strings, dtype=object),
            "kind": pd.Series([s.kind for s in parts], dtype=object),
        }
    )
    return frame


# --------------------------------------------------------------------------- sections

_SECTION_COLUMNS = (
    "doc_id",
    "section_id",
    "parent",
    "level",
    "heading",
    "start",
    "end",
    "chars",
    "placeholders",
    "density",
    "kinds",
)


def _kinds_text(kinds: Sequence[str]) -> str:
    counts = Counter(kinds)
    return ",".join(
        k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], KINDS.index(kv[0])))
    )


def _sections_table(
    texts: Sequence[tuple[Any, str]], spans: pd.DataFrame, min_chars: int, max_level: int
) -> pd.DataFrame:
    import pandas as pd

    from corpus_tools.text.structure import parse_sections

    by_doc: dict[Any, tuple[np.ndarray, list[str]]] = {}
    if len(spans):
        for doc_id, grp in spans.groupby("doc_id", sort=False):
            by_doc[doc_id] = (grp["start"].to_numpy(), grp["kind"].tolist())
    rows: list[dict[str, Any]] = []
    for doc_id, text in texts:
        secs = parse_sections(text)
        starts, kinds = by_doc.get(doc_id, (np.empty(0, dtype="int64"), []))
        order = np.argsort(starts, kind="stable")
        starts = starts[order]
        kinds = [kinds[i] for i in order]
        columns = zip(
            secs["section_id"].tolist(),
            secs["parent"].tolist(),
            secs["level"].tolist(),
            secs["heading"].tolist(),
            secs["start"].tolist(),
            secs["end"].tolist(),
            strict=True,
        )
        for section_id, parent, level, heading, start, end in columns:
            lo = int(np.searchsorted(starts, start, side="left"))
            hi = int(np.searchsorted(starts, end, side="left"))
            chars = int(end - start)
            n = hi - lo
            rows.append(
                {
                    "doc_id": doc_id,
                    "section_id": int(section_id),
                    "parent": int(parent),
                    "level": int(level),
                    "heading": str(heading),
                    "start": int(start),
                    "end": int(end),
                    "chars": chars,
                    "placeholders": n,
                    "density": 100.0 * n / chars if chars else 0.0,
                    "kinds": _kinds_text(kinds[lo:hi]),
                    "_whole": start == 0 and end == len(text),
                }
            )
    frame = pd.DataFrame(rows, columns=[*_SECTION_COLUMNS, "_whole"])
    for col in ("section_id", "parent", "level", "start", "end", "chars", "placeholders"):
        frame[col] = frame[col].astype("int64")
    frame["density"] = frame["density"].astype("float64")
    keep = ((frame["chars"] >= min_chars) | frame["_whole"].astype(bool)) & (
        frame["level"] <= max_level
    )
    frame = frame.loc[keep, list(_SECTION_COLUMNS)]
    order = np.lexsort(
        (
            frame["start"].to_numpy(),
            np.arange(len(frame)),  # corpus order of documents
            -frame["placeholders"].to_numpy(),
            -frame["density"].to_numpy(),
        )
    )
    return frame.iloc[order].reset_index(drop=True)


def template_sections(
    corpus: pd.DataFrame,
    *,
    spans: pd.DataFrame | None = None,
    min_chars: int = 40,
    max_level: int = 5,
    min_support: int = 2,
) -> pd.DataFrame:
    """Score every section of every document by its placeholders; densest first.

    Sections come from :func:`corpus_tools.text.parse_sections` (front matter, ``一、``,
    ``（一）``, ``1.``, ``（1）``, ``一是`` items); a section spans its subsections, so a
    heading and its children are all listed.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table with ``doc_id`` and ``text``.
    spans : pandas.DataFrame, optional
        Placeholders already found (:func:`placeholder_spans`); found afresh when omitted.
    min_chars : int, default 40
        Sections shorter than this are left out (one blank in a bare heading is not a
        template section), unless the section is the whole document.
    max_level : int, default 5
        Deepest heading level listed: 1 ranks only the ``一、`` sections (with the front
        matter, level 0), 2 adds ``（一）``, …, 5 lists ``一是`` items too.
    min_support : int, default 2
        As in :func:`find_placeholders`, when ``spans`` is omitted.

    Returns
    -------
    pandas.DataFrame
        One row per section, ranked by ``density`` then ``placeholders`` (ties: corpus
        then text order), columns ``doc_id``; ``section_id``, ``parent``, ``level`` (int64,
        as in ``parse_sections``); ``heading`` (str); ``start``, ``end`` (int64, offsets in
        the document's text); ``chars`` (int64, ``end - start``); ``placeholders`` (int64,
        blanks starting in the section); ``density`` (float64, placeholders per 100
        characters); ``kinds`` (str, the kinds present, most frequent first, comma-joined).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"a": "报告\\n一、做法\\n投入X万元，建成X个站点，覆盖XX社区居民X人。"
    ...                        "\\n二、打算\\n继续加强基层党建工作，推动各项工作取得新的更大成效。"})
    >>> template_sections(docs, min_chars=10)[["heading", "placeholders", "kinds"]].values.tolist()
    [['做法', 4, 'number,money,name'], ['打算', 0, '']]
    """
    func = "template_sections"
    texts = _corpus_texts(corpus, func)
    check_number(min_chars, "min_chars", func, kind=int, low=0)
    check_number(max_level, "max_level", func, kind=int, low=0, high=5)
    check_number(min_support, "min_support", func, kind=int, low=0)
    spans = _given_spans(spans, texts, min_support, func)
    return _sections_table(texts, spans, min_chars, max_level)


def _given_spans(
    spans: pd.DataFrame | None, texts: Sequence[tuple[Any, str]], min_support: int, func: str
) -> pd.DataFrame:
    if spans is None:
        return _spans_table(texts, None, min_support)
    check_columns(spans, "spans", func, ["doc_id", "start", "end", "kind"])
    return spans


def _pieces(secs: pd.DataFrame, length: int) -> list[tuple[int, int]]:
    """The text cut at every section boundary: each piece belongs to one innermost section."""
    cuts = sorted({0, length, *secs["start"].tolist(), *secs["end"].tolist()})
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _documents_table(
    texts: Sequence[tuple[Any, str]], spans: pd.DataFrame, threshold: float
) -> pd.DataFrame:
    import pandas as pd

    from corpus_tools.text.structure import parse_sections

    by_doc: dict[Any, np.ndarray] = {}
    if len(spans):
        for doc_id, grp in spans.groupby("doc_id", sort=False):
            by_doc[doc_id] = np.sort(grp["start"].to_numpy())
    rows = []
    for doc_id, text in texts:
        starts = by_doc.get(doc_id, np.empty(0, dtype="int64"))
        secs = parse_sections(text)
        total = len(text)
        templ = 0
        for a, b in _pieces(secs, total):
            n = int(np.searchsorted(starts, b) - np.searchsorted(starts, a))
            if n and 100.0 * n / (b - a) >= threshold:
                templ += b - a
        rows.append(
            {
                "doc_id": doc_id,
                "chars": total,
                "placeholders": len(starts),
                "density": 100.0 * len(starts) / total if total else 0.0,
                "template_chars": templ,
                "template_score": templ / total if total else 0.0,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["doc_id", "chars", "placeholders", "density", "template_chars", "template_score"],
    )
    for col in ("chars", "placeholders", "template_chars"):
        frame[col] = frame[col].astype("int64")
    for col in ("density", "template_score"):
        frame[col] = frame[col].astype("float64")
    return frame


def template_scores(
    corpus: pd.DataFrame,
    *,
    spans: pd.DataFrame | None = None,
    threshold: float = 0.5,
    min_support: int = 2,
) -> pd.DataFrame:
    """One template score per document: the share of its text that is unfilled template.

    The text is cut at every section boundary of :func:`corpus_tools.text.parse_sections`
    (so each piece belongs to one innermost section: a paragraph item, a heading's
    introduction, the front matter); a piece is template text when it holds at least
    ``threshold`` placeholders per 100 characters.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table with ``doc_id`` and ``text``.
    spans : pandas.DataFrame, optional
        Placeholders already found (:func:`placeholder_spans`); found afresh when omitted.
    threshold : float, default 0.5
        Placeholders per 100 characters from which a piece counts as template (0.5 = one
        blank in 200 characters; filled reports have none).
    min_support : int, default 2
        As in :func:`find_placeholders`, when ``spans`` is omitted.

    Returns
    -------
    pandas.DataFrame
        One row per document, in corpus order: ``doc_id``; ``chars`` (int64);
        ``placeholders`` (int64); ``density`` (float64, placeholders per 100 characters);
        ``template_chars`` (int64, characters in template pieces); ``template_score``
        (float64 in [0, 1], ``template_chars / chars``).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"t": "XX区有X个社区，涉及居民X人。", "r": "全年完成投资3亿元。"})
    >>> template_scores(docs)[["doc_id", "placeholders", "template_score"]]
      doc_id  placeholders  template_score
    0      t             3             1.0
    1      r             0             0.0
    """
    func = "template_scores"
    texts = _corpus_texts(corpus, func)
    check_number(threshold, "threshold", func, low=0, low_open=True)
    check_number(min_support, "min_support", func, kind=int, low=0)
    spans = _given_spans(spans, texts, min_support, func)
    return _documents_table(texts, spans, threshold)


class PlaceholderReport(NamedTuple):
    """What :func:`scan_placeholders` finds in a corpus.

    Attributes
    ----------
    spans : pandas.DataFrame
        :func:`placeholder_spans`.
    sections : pandas.DataFrame
        :func:`template_sections`, densest first.
    documents : pandas.DataFrame
        :func:`template_scores`, highest ``template_score`` first (ties: corpus order).
    """

    spans: pd.DataFrame
    sections: pd.DataFrame
    documents: pd.DataFrame


def scan_placeholders(
    corpus: pd.DataFrame,
    *,
    kinds: Iterable[str] | None = None,
    min_support: int = 2,
    min_chars: int = 40,
    max_level: int = 5,
    threshold: float = 0.5,
) -> PlaceholderReport:
    """Placeholders, template sections and template scores of a corpus in one pass.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table with ``doc_id`` and ``text``.
    kinds, min_support
        As in :func:`find_placeholders`; ``kinds`` also restricts what sections and
        scores count.
    min_chars, max_level
        As in :func:`template_sections`.
    threshold
        As in :func:`template_scores`.

    Returns
    -------
    PlaceholderReport
        ``spans``, ``sections`` and ``documents`` tables.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> report = scan_placeholders(ct.load_corpus("data/raw").documents)  # doctest: +SKIP
    >>> report.sections.head()                                           # doctest: +SKIP
    """
    func = "scan_placeholders"
    texts = _corpus_texts(corpus, func)
    chosen = _check_kinds(kinds, func)
    check_number(min_support, "min_support", func, kind=int, low=0)
    check_number(min_chars, "min_chars", func, kind=int, low=0)
    check_number(max_level, "max_level", func, kind=int, low=0, high=5)
    check_number(threshold, "threshold", func, low=0, low_open=True)
    spans = _spans_table(texts, chosen, min_support)
    sections = _sections_table(texts, spans, min_chars, max_level)
    documents = _documents_table(texts, spans, threshold)
    order = np.lexsort((np.arange(len(documents)), -documents["template_score"].to_numpy()))
    documents = documents.iloc[order].reset_index(drop=True)
    return PlaceholderReport(spans, sections, documents)
