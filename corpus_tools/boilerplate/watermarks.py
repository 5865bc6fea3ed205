"""Template-site watermarks: the marks websites put on the reports they sell or copy.

``本文系作者原创投稿，仅供学习参考，请勿照搬照抄！``, a block ``仅供学习 禁止外传 … 会员群 … QQ群``
above the title, ``本文来源于网络，如有侵权请联系删除`` at the end. They are found in a single
document, by *what they say* (cue phrases: 仅供学习, 请勿照搬, 如有侵权, 公众号, QQ群, 会员,
订阅 ...) and *where they stand* (in the lines before the first paragraph of the body or after
its last one; a line with several strong cues is taken anywhere).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

from corpus_tools.errors import (
    check_type,
)
from corpus_tools.text.normalization import fold_keep_spaces, normalize

__all__ = [
    "find_watermarks",
    "watermark_cues",
    "watermark_spans",
]

#: Phrases that, on their own, mark a line as a template site's mark.
_STRONG_CUES = [
    r"仅供(?:学习|参考|交流|阅读|欣赏|个人)",
    r"(?:请勿|禁止|严禁|不得|谢绝)(?:照搬|抄袭|转载|外传|倒卖|商用|翻印|上传)",
    r"照搬照抄",
    r"原创投稿|作者原创|网友投稿|投稿邮箱|原创首发",
    r"如有侵权|侵权(?:必究|删除|请联系)|侵删|联系(?:我们)?删除",
    r"版权(?:所有|归|声明)|著作权归|转载请注明|未经(?:授权|许可|同意)[,，]?(?:不得|禁止|严禁)?(?:转载|复制|摘编)",
    r"(?:微信)?公众号|微信号|(?:qq|微信|会员|交流)群|qq号|客服微信",
    r"本文(?:来源于|来自|转自|摘自|选自)",
    r"更多(?:精品|优质|精彩|免费|原创)?(?:资料|范文|文章|文档|材料)",
    r"扫描二维码|长按识别|扫码(?:关注|下载|获取|领取|加入)|点击(?:关注|下载|订阅)",
    r"倒卖",
    r"(?:百度|道客|豆丁)文库|范文网|原创力文档",
    r"商业用途|下载后可编辑|欢迎下载",
]


#: Words that hint at a mark but occur in real reports too.
_WEAK_CUES = [
    "会员",
    "订阅",
    "资料",
    "平台",
    "分享",
    "举报",
    "权益",
    "下载",
    "免费",
    "投稿",
    "关注",
    "获取",
    "原创",
    "微信",
    "qq",
    "原作者",
    "www\\.",
    "https?:",
    "\\.com",
]


#: The characters a strong cue can start with: a look-ahead on them lets the regex skip the
#: other positions at once (four times faster on Chinese text than the bare alternation).
_STRONG_FIRST = "仅请禁严不谢照原作网投如侵联版著转未微公q会交客本更扫长点倒百道豆范商下欢"


_STRONG = re.compile(f"(?=[{_STRONG_FIRST}])(?:" + "|".join(f"(?:{p})" for p in _STRONG_CUES) + ")")


_WEAK = re.compile("|".join(_WEAK_CUES))


#: A sentence inside a long line (watermark pieces): no colon split here.
_SENTENCE = re.compile(r"[^\n。!?;]*[。!?;]+[\"')\]>]*|[^\n。!?;]+")


_LINE = re.compile(r"[^\n]+")


# Positions and sizes used by watermark detection (characters of folded text, no spaces).
_ZONE_PIECES = 15  # at most this many lines/sentences before the body (and after it)


_ZONE_CHARS = 800  # ... and at most this many characters


_BODY_CHARS = 60  # a piece this long that is not a mark is the body: the zone ends there


_LONG_LINE = 100  # lines longer than this are cut into sentences


_SHORT = 40  # a line scoring 3 (strong cue 2, weak cue 1) is a mark up to this length ...


_LONG = 80  # ... a line scoring 6 up to this length


_GAP_PIECES = 3  # short pieces between two marks belong to the same block ...


_GAP_CHARS = 40  # ... when each is at most this long


_ANYWHERE_CHARS = 40  # a whole line this short with two strong cues is a mark anywhere


def watermark_cues(text: str) -> tuple[int, int]:
    """Count the distinct watermark cues in ``text``: ``(strong, weak)``.

    Strong cues are phrases that in this genre only a template site writes (仅供学习,
    请勿照搬, 如有侵权, 公众号, QQ群, 会员群, 本文来源于, 更多精品资料 ...); weak cues are words
    such a site uses that also occur in real reports (会员, 订阅, 资料, 平台, 分享, 免费 ...).
    Matching is on folded text, so width, case and spaces do not matter; a cue repeated
    counts once, and a weak cue inside a strong one (微信 in 微信公众号) does not count.

    Examples
    --------
    >>> watermark_cues("更多精品资料请关注公众号")
    (2, 1)
    >>> watermark_cues("各位代表：现在，我代表省人民政府，向大会报告工作")
    (0, 0)
    """
    check_type(text, "text", "watermark_cues", str, "a str")
    key = "".join(normalize(text).text.split())
    return _cues(key)


def _cues(key: str) -> tuple[int, int]:
    strong = set(_STRONG.findall(key))
    weak = set(_WEAK.findall(_STRONG.sub("|", key))) if strong else set(_WEAK.findall(key))
    return len(strong), len(weak)


class _Piece(NamedTuple):
    start: int  # folded offsets
    end: int
    chars: int  # non-space folded characters
    strong: int
    weak: int
    whole_line: bool


def _line_pieces(folded: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """The pieces of one line as folded spans: the line, or its sentences when it is long.

    The third field says whether the piece is a whole line.
    """
    body = folded[start:end]
    if len(body) <= _LONG_LINE or len("".join(body.split())) <= _LONG_LINE:
        s, e = _trim(folded, start, end)
        return [(s, e, True)] if s < e else []
    out = []
    for m in _SENTENCE.finditer(body):
        s, e = _trim(folded, start + m.start(), start + m.end())
        if s < e:
            out.append((s, e, False))
    return out


def _piece(folded: str, span: tuple[int, int, bool]) -> _Piece:
    s, e, whole = span
    key = "".join(folded[s:e].split())
    return _Piece(s, e, len(key), *_cues(key), whole)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_mark(p: _Piece) -> bool:
    """What a piece says: enough cues for its length (a sentence inside a paragraph needs
    strong cues only; a line of its own may count weak ones)."""
    if not p.whole_line:
        return (p.strong >= 2 and p.chars <= _SHORT) or (p.strong >= 3 and p.chars <= _LONG)
    score = 2 * p.strong + p.weak
    return (score >= 3 and p.chars <= _SHORT) or (score >= 6 and p.chars <= _LONG)


def _zone(folded: str, lines: list[tuple[int, int]], *, reverse: bool) -> list[_Piece]:
    """The pieces before the body (or, ``reverse``, after it), in text order."""
    zone: list[_Piece] = []
    chars = 0
    for ls, le in reversed(lines) if reverse else lines:
        spans = _line_pieces(folded, ls, le)
        for span in reversed(spans) if reverse else spans:
            if len(zone) >= _ZONE_PIECES or chars >= _ZONE_CHARS:
                return zone[::-1] if reverse else zone
            p = _piece(folded, span)
            if p.chars >= _BODY_CHARS and not _is_mark(p):
                return zone[::-1] if reverse else zone
            zone.append(p)
            chars += p.chars
    return zone[::-1] if reverse else zone


def _blocks(zone: list[_Piece]) -> list[tuple[int, int]]:
    """Blocks of marks in a zone (folded spans), short gaps between two marks filled."""
    blocks: list[tuple[int, int]] = []  # zone index ranges
    for i, p in enumerate(zone):
        if not _is_mark(p):
            continue
        if blocks:
            first, last = blocks[-1]
            gap = zone[last + 1 : i]
            if len(gap) <= _GAP_PIECES and all(g.chars <= _GAP_CHARS for g in gap):
                blocks[-1] = (first, i)
                continue
        blocks.append((i, i))
    return [(zone[a].start, zone[b].end) for a, b in blocks]


def watermark_spans(folded: str) -> list[tuple[int, int]]:
    """Watermark spans in folded coordinates, sorted, non-overlapping."""
    lines = [m.span() for m in _LINE.finditer(folded)]
    if not lines:
        return []
    found = _blocks(_zone(folded, lines, reverse=False))
    found += _blocks(_zone(folded, lines, reverse=True))
    if _STRONG.search(folded):  # a line with two strong cues anywhere
        for ls, le in lines:
            if not _STRONG.search(folded, ls, le):
                continue
            for span in _line_pieces(folded, ls, le):
                p = _piece(folded, span)
                if p.whole_line and p.chars <= _ANYWHERE_CHARS and p.strong >= 2:
                    found.append((p.start, p.end))
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def find_watermarks(text: str) -> pd.DataFrame:
    """Find the watermarks and ads of template websites in one document.

    A line (or, in a long line, a sentence) is a mark by what it says and where it
    stands. What it says: its cues (see :func:`watermark_cues`) score 2 per strong cue and
    1 per weak one; a line of its own is a mark when it scores 3 in at most 40 characters
    or 6 in at most 80; a sentence inside a paragraph needs two strong cues in at most 40
    characters or three in at most 80.
    Where it stands: before the body of the document (the lines above its first
    paragraph) or after it (below the last one).
    Short lines between two marks belong to the same block (a brand name between 仅供学习
    and 会员群). A whole line of at most 40 characters with two strong cues is a mark
    wherever it stands (a page footer such as 更多精品资料请关注公众号 repeated through the
    text).

    Parameters
    ----------
    text : str
        The document's text as loaded.

    Returns
    -------
    pandas.DataFrame
        One row per block of marks, in text order. Columns: ``start`` (int64), ``end``
        (int64): offsets into ``text``; ``text`` (str): ``text[start:end]``; ``strong``
        (int64), ``weak`` (int64): the distinct cues it carries.

    Examples
    --------
    >>> marks = find_watermarks("本文系作者原创投稿，仅供学习参考，请勿照搬照抄！\\n关于社区整顿的汇报")
    >>> marks[["start", "end"]].to_dict("records")
    [{'start': 0, 'end': 24}]
    """
    check_type(text, "text", "find_watermarks", str, "a str")
    folded, norm = fold_keep_spaces(text)
    rows = []
    for fs, fe in watermark_spans(folded):
        s, e = (fs, fe) if norm is None else norm.to_original(fs, fe)
        strong, weak = _cues("".join(folded[fs:fe].split()))
        rows.append({"start": s, "end": e, "text": text[s:e], "strong": strong, "weak": weak})
    frame = pd.DataFrame(rows, columns=["start", "end", "text", "strong", "weak"])
    return frame.astype({"start": "int64", "end": "int64", "strong": "int64", "weak": "int64"})
