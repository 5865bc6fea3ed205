"""Report structure: title, front matter and nested headings, with offsets.

Official reports nest their headings in a fixed order::

    一、          level 1
    （一）        level 2   (full-width or ASCII brackets)
    1. / 1、      level 3
    （1）         level 4
    一是 / 二是   level 5   (run-in enumeration items)

Headings usually start a line, but pasted reports often run them into one line
(``…工作思路一、2021年上半年工作小结(一)努力组织收入,助力曲线上扬1.全力挖掘…``). A marker
that does not start a line is taken as a heading only when it continues the numbering of
its level (一、 after nothing, 二、 after 一、 …), and a first item (一、, （一）, 1.) standing
in running text only when its second item follows, so ``统一、规范`` or ``增长1.5%`` are never
headings.

Everything before the first heading (title block, salutation 尊敬的…, opening paragraph)
is the *front matter*, level 0.

Examples
--------
>>> from corpus_tools.text import parse_sections
>>> text = "标题\\n一、主要做法\\n（一）抓基础。正文。\\n二、下步打算\\n正文"
>>> parse_sections(text)[["section_id", "parent", "level", "heading"]].to_dict("list")
{'section_id': [0, 1, 2, 3], 'parent': [-1, -1, 1, -1], 'level': [0, 1, 2, 1], \
'heading': ['标题', '主要做法', '抓基础', '下步打算']}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (imported where a table is made: section_rows needs none)
    import pandas as pd

from corpus_tools.errors import check_columns, check_type

__all__ = ["SECTION_COLUMNS", "find_title", "parse_sections", "section_rows", "sections"]

#: Columns of :func:`parse_sections` (``sections`` puts ``doc_id`` first).
SECTION_COLUMNS = ("section_id", "parent", "level", "heading", "start", "end")

_CN = "一二三四五六七八九十"
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}

_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"(?<![{_CN}百第])([{_CN}]{{1,3}})、")),
    (2, re.compile(rf"[（(]([{_CN}]{{1,3}})[）)]")),
    (3, re.compile(r"(?<![0-9.．０-９])([0-9]{1,2})[、.．](?![0-9０-９])")),
    (4, re.compile(r"[（(]([0-9]{1,2})[）)]")),
    (5, re.compile(rf"(?<![{_CN}第])([{_CN}]{{1,2}})是(?=[^，,。是])")),
]
_SENTENCE_END = "。！？；：:;!?"
_ITEM_ANCHORS = _SENTENCE_END + "，,、"
_HEADING_STOP = re.compile(
    rf"[。！？!?；;\n]|[（(][{_CN}0-9]{{1,3}}[）)]|(?<![0-9.．])[0-9]{{1,2}}[、.．](?![0-9])"
)
_MAX_HEADING = 60
_TITLE_WORDS = re.compile(
    r"汇报|报告|总结|材料|讲话|发言|情况|方案|意见|通知|计划|要点|调研|述职|规划|决定|条例|办法"
)
_NOT_TITLE = re.compile(
    r"仅供|禁止|外传|QQ|qq|会员|投稿|原创|订阅|举报|侵权|公众号|下载|打印|收藏|字号|首页|来源[:：]"
)


def cn_number(s: str) -> int:
    """Value of a Chinese numeral up to 999 (``十二`` → 12, ``二十`` → 20); ASCII digits too."""
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            current = _CN_DIGIT.get(ch, 0)
    return total + current


@dataclass
class _Cand:
    level: int
    number: int
    start: int  # marker start
    body: int  # first character after the marker
    anchor: int  # 2 line start, 1 after sentence punctuation, 0 in running text


def _anchor(text: str, pos: int, level: int) -> int:
    i = pos - 1
    while i >= 0 and text[i] in " \t\u3000":
        i -= 1
    if i < 0 or text[i] in "\r\n":
        return 2
    anchors = _ITEM_ANCHORS if level == 5 else _SENTENCE_END
    if text[i] in anchors or text[i] in '”"）)】':
        return 1
    return 0


def _candidates(text: str) -> list[_Cand]:
    out: list[_Cand] = []
    for level, rx in _MARKERS:
        for m in rx.finditer(text):
            number = cn_number(m.group(1))
            if number <= 0:
                continue
            out.append(_Cand(level, number, m.start(), m.end(), _anchor(text, m.start(), level)))
    out.sort(key=lambda c: (c.start, c.level))
    return out


def _confirmed(cands: list[_Cand], idx: int, text: str, twos: list[bool]) -> bool:
    """A first item is confirmed when item 2 of the same level follows before the level
    closes (``twos``, :func:`_confirmed_by_two`), or when a deeper first item runs on right
    after it (``一、小结(一)努力…``)."""
    c = cands[idx]
    if text and idx + 1 < len(cands) and _runs_on(text, c, cands[idx + 1]):
        return True
    return twos[idx]


def _confirmed_by_two(cands: list[_Cand]) -> list[bool]:
    """For each candidate: does an item 2 of its level follow before a heading of a higher
    level (at a line start or after a sentence) closes it? (Items of level 5 never close.)

    One pass from the end, so a text of many candidates on one line stays linear.
    """
    levels = range(1, 6)
    never = len(cands)
    two = dict.fromkeys(levels, never)  # nearest following item 2 of each level
    close = dict.fromkeys(levels, never)  # nearest following heading that closes each level
    out = [False] * len(cands)
    for i in range(len(cands) - 1, -1, -1):
        c = cands[i]
        out[i] = two[c.level] < (never if c.level == 5 else close[c.level])
        if c.number == 2:
            two[c.level] = i
        if c.anchor > 0:
            for deeper in range(c.level + 1, 6):
                close[deeper] = i
    return out


def _runs_on(text: str, prev: _Cand | None, c: _Cand) -> bool:
    """A first sub-item run into its parent heading: ``一、小结(一)努力组织收入1.挖掘…``."""
    if prev is None or c.number != 1 or c.level <= prev.level or c.level == 5:
        return False
    between = text[prev.body : c.start]
    return len(between) <= 40 and not re.search(r"[。！？!?；;\n]", between)


def _accept(text: str, cands: list[_Cand]) -> list[_Cand]:
    expected = {lvl: 1 for lvl in range(1, 6)}
    twos = _confirmed_by_two(cands)
    taken: list[_Cand] = []
    last_end = -1
    for i, c in enumerate(cands):
        if c.start < last_end:  # inside a marker already taken
            continue
        exp = expected[c.level]
        if c.level == 5:
            ok = c.anchor > 0 and (
                c.number == exp or (c.number == 1 and _confirmed(cands, i, text, twos))
            )
        elif c.anchor == 2:
            ok = True
        elif c.anchor == 1:
            ok = c.number == exp or (c.number == 1 and _confirmed(cands, i, text, twos))
        else:
            prev = taken[-1] if taken else None
            ok = c.number == exp and (
                c.number > 1 or _confirmed(cands, i, text, twos) or _runs_on(text, prev, c)
            )
        if not ok:
            continue
        taken.append(c)
        last_end = c.body
        expected[c.level] = c.number + 1
        for lower in range(c.level + 1, 6):
            expected[lower] = 1
    return taken


def _heading(text: str, body: int, limit: int, level: int) -> str:
    stop = _HEADING_STOP.search(text, body, min(limit, body + _MAX_HEADING + 1))
    end = stop.start() if stop else min(limit, body + _MAX_HEADING)
    head = text[body:end]
    if level == 5 or (stop is None and end - body >= _MAX_HEADING):
        comma = re.search(r"[，,]", head)
        if comma:
            head = head[: comma.start()]
    # a run-in heading followed by a space then body text ("…治理水平 2020年…")
    gap = re.search(r"\s{1,}", head.strip())
    if gap and level < 5:
        head = head.strip()[: gap.start()]
    return head.strip()


def find_title(text: str) -> str:
    """The report's title, read off its front matter; ``""`` when it has none.

    Watermark and web-page lines (仅供学习, QQ群, 下载 打印 …) are skipped; a multi-line
    title block (slogan line, main title, ``——`` subtitle) gives its main line.

    Examples
    --------
    >>> find_title("仅供学习 禁止外传\\n迎接市委组织部党建工作调研汇报材料\\n尊敬的各位领导：")
    '迎接市委组织部党建工作调研汇报材料'
    """
    check_type(text, "text", "find_title", str, "a str")
    taken = _accept(text, _candidates(text))
    limit = taken[0].start if taken else len(text)
    lines = [ln.strip() for ln in text[:limit].splitlines() if ln.strip()][:20]
    fallback = ""
    for raw in lines:
        line = raw
        if not line or _NOT_TITLE.search(line) or line.startswith("尊敬"):
            continue
        if len(line) > 80 or line.endswith(("。", "：", ":")):
            # body text: a run-in title ends where the genre word does
            m = _TITLE_WORDS.search(line[:40])
            if m and not fallback and m.end() <= 30:
                end = m.end()
                while end < len(line) and line[end] in "材料报告":
                    end += 1
                return re.sub(r"^(简介|标题|题目)[:：]\s*", "", line[:end].lstrip("—-─ "))
            break
        line = re.sub(r"^(简介|标题|题目)[:：]\s*", "", line)
        if _TITLE_WORDS.search(line):
            return line.lstrip("—-─ ").strip()
        if not fallback:
            fallback = line
    return fallback


def parse_sections(text: str) -> pd.DataFrame:
    """Parse a report's headings into a sections table.

    Parameters
    ----------
    text : str
        One document's text as loaded.

    Returns
    -------
    pandas.DataFrame
        One row per section, in text order, columns:

        - ``section_id`` (int64): 0, 1, 2 … in text order;
        - ``parent`` (int64): ``section_id`` of the enclosing section, -1 at top level;
        - ``level`` (int64): 0 front matter, 1 ``一、``, 2 ``（一）``, 3 ``1.``/``1、``,
          4 ``（1）``, 5 ``一是`` run-in items;
        - ``heading`` (str): the heading text without its marker (the title for level 0);
        - ``start``, ``end`` (int64): the section's span in ``text``, from its marker to the
          next heading of the same or a higher level.

    Examples
    --------
    >>> parse_sections("一、做法\\n1.抓基础。\\n2.抓队伍。")["heading"].tolist()
    ['做法', '抓基础', '抓队伍']
    """
    import pandas as pd

    rows = section_rows(text)
    frame = pd.DataFrame(
        {
            "section_id": pd.Series(range(len(rows)), dtype="int64"),
            "parent": pd.Series([r["parent"] for r in rows], dtype="int64"),
            "level": pd.Series([r["level"] for r in rows], dtype="int64"),
            "heading": pd.Series([r["heading"] for r in rows], dtype=object),
            "start": pd.Series([r["start"] for r in rows], dtype="int64"),
            "end": pd.Series([r["end"] for r in rows], dtype="int64"),
        }
    )
    return frame


def section_rows(text: str) -> list[dict[str, object]]:
    """The rows of :func:`parse_sections` (``level``, ``heading``, ``start``, ``parent``,
    ``end``; the ``section_id`` is the position), without a table.

    Examples
    --------
    >>> [r["heading"] for r in section_rows("一、做法\\n1.抓基础。\\n2.抓队伍。")]
    ['做法', '抓基础', '抓队伍']
    """
    check_type(text, "text", "parse_sections", str, "a str")
    taken = _accept(text, _candidates(text))
    rows: list[dict[str, object]] = []
    first = taken[0].start if taken else len(text)
    if text[:first].strip():
        rows.append({"level": 0, "heading": find_title(text), "start": 0})
    for j, c in enumerate(taken):
        nxt = taken[j + 1].start if j + 1 < len(taken) else len(text)
        rows.append(
            {"level": c.level, "heading": _heading(text, c.body, nxt, c.level), "start": c.start}
        )
    # ends and parents with a stack of open sections
    stack: list[int] = []
    for i, row in enumerate(rows):
        lvl = int(row["level"])  # type: ignore[call-overload]
        while stack and (
            int(rows[stack[-1]]["level"]) >= lvl  # type: ignore[call-overload]
            or rows[stack[-1]]["level"] == 0
        ):
            rows[stack.pop()]["end"] = row["start"]
        row["parent"] = stack[-1] if stack else -1
        stack.append(i)
    for i in stack:
        rows[i]["end"] = len(text)
    return rows


def sections(corpus: pd.DataFrame) -> pd.DataFrame:
    """:func:`parse_sections` for every document of a corpus table, ``doc_id`` first.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> secs = ct.sections(ct.load_corpus("data/raw").documents)      # doctest: +SKIP
    """
    import pandas as pd

    check_columns(corpus, "corpus", "sections", ["doc_id", "text"])
    parts = []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True):
        frame = parse_sections(text)
        frame.insert(0, "doc_id", doc_id)
        parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=["doc_id", *SECTION_COLUMNS])
    return pd.concat(parts, ignore_index=True)
