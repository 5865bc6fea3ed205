"""Boilerplate: template-site watermarks and passages repeated across documents.

Two kinds of boilerplate are found, both reported with offsets into the text as loaded:

* ``watermark`` -- the marks template websites put on the reports they sell or copy
  (``本文系作者原创投稿，仅供学习参考，请勿照搬照抄！``, a block ``仅供学习 禁止外传 … 会员群 …
  QQ群`` above the title, ``本文来源于网络，如有侵权请联系删除`` at the end). They are found
  in a single document, by *what they say* (cue phrases: 仅供学习, 请勿照搬, 如有侵权, 公众号,
  QQ群, 会员, 订阅 ...) and *where they stand* (in the lines before the first paragraph of
  the body or after its last one; a line with several strong cues is taken anywhere).
* ``repeated`` -- sentences and paragraphs that occur, after normalisation
  (:func:`corpus_tools.normalize.normalize`), in at least ``min_docs`` documents: the news
  opening ``央视网消息（新闻联播）：``, web-page furniture (``下载 打印 全屏 收藏 【字号：加大
  还原 减小】``), template sentences and paragraphs.

How repeated passages are found
-------------------------------
Every document is cut into *units*: a line, or a sentence within a line (a sentence ends
with 。！？； and the closing quotes after it, or with a colon: ``央视网消息（新闻联播）：`` is a
unit of its own). A unit's key is its folded text without whitespace. The document
frequency of each key is counted, one vote per document. Neighbouring frequent units are
merged into one passage when they stand together in at least 80% of the documents that
hold the more frequent of the two, so the nine lines of page furniture, or a whole
template paragraph, come out as one passage, while the news opening is not glued to the
sentence that follows it in a handful of items. A merged passage that is not itself
found in ``min_docs`` documents falls back to its units. A passage is kept when it is at
least ``min_chars`` characters long (whitespace not counted) and occurs in at least
``min_docs`` documents; its ``doc_freq`` is the number of documents it is reported in.
Units inside a watermark are left out of the counting.

The work is streamed: each document is folded, cut and hashed once, and only arrays of
64-bit hashes and offsets are kept (about 40 bytes per sentence); counting and merging are
vectorised with numpy. See ``benchmarks/bench_boilerplate.py`` for speed and memory on
100,000 documents.

Examples
--------
>>> import corpus_tools as ct
>>> corpus = ct.load_texts({f"d{i}": f"央视网消息（新闻联播）：第{i}条新闻的正文。" for i in range(4)})
>>> res = find_boilerplate(corpus)
>>> res.passages[["kind", "text", "doc_freq"]].to_dict("records")
[{'kind': 'repeated', 'text': '央视网消息（新闻联播）：', 'doc_freq': 4}]
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.errors import (
    InvalidParameterError,
    check_choice,
    check_columns,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.normalize import Normalized, normalize

__all__ = [
    "KINDS",
    "BoilerplateResult",
    "OffsetMap",
    "find_boilerplate",
    "find_watermarks",
    "strip_boilerplate",
    "strip_spans",
    "watermark_cues",
]

#: The kinds of boilerplate, in the order passages are listed.
KINDS = ("watermark", "repeated")

# --------------------------------------------------------------------------- watermark cues
# The patterns run on folded text (normalize: NFKC, lower case, ASCII punctuation) with the
# whitespace removed, so ＱＱ群, QQ 群 and qq群 are one cue.

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

#: A unit: text up to and including a sentence end (。！？； with the closing quotes and
#: brackets after it, or a colon, which opens what follows), or the rest of a line; it
#: neither starts nor ends with whitespace. Runs on folded text, where ！？；： are ASCII.
_UNIT = re.compile(
    r"[^\s。!?;:](?:[^\n。!?;:]*(?:[。!?;]+[\"')\]>]*|:+)|[^\n。!?;:]*[^\s。!?;:])?"
    r"|[。!?;]+[\"')\]>]*|:+"
)
#: A sentence inside a long line (watermark pieces): no colon split here.
_SENTENCE = re.compile(r"[^\n。!?;]*[。!?;]+[\"')\]>]*|[^\n。!?;]+")
_LINE = re.compile(r"[^\n]+")
#: A number, for ``fold_digits`` (on folded text, where full-width digits are ASCII).
_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?")

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


def _watermark_spans(folded: str) -> list[tuple[int, int]]:
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
    folded, norm = _fold(text)
    rows = []
    for fs, fe in _watermark_spans(folded):
        s, e = (fs, fe) if norm is None else norm.to_original(fs, fe)
        strong, weak = _cues("".join(folded[fs:fe].split()))
        rows.append({"start": s, "end": e, "text": text[s:e], "strong": strong, "weak": weak})
    frame = pd.DataFrame(rows, columns=["start", "end", "text", "strong", "weak"])
    return frame.astype({"start": "int64", "end": "int64", "strong": "int64", "weak": "int64"})


# --------------------------------------------------------------------------- folding


@lru_cache(maxsize=1)
def _lut() -> npt.NDArray[np.uint32]:
    """Code point -> folded code point (0: deleted) for the BMP, as normalize() folds.

    Built once, on first use, by folding one string of every BMP character.
    """
    cps = np.concatenate([np.arange(1, 0xD800), np.arange(0xE000, 0x10000)]).astype(np.uint32)
    sample = cps.tobytes().decode("utf-32-le")
    norm = normalize(sample, spaces="keep")
    lut = np.arange(0x10000, dtype=np.uint32)
    lut[cps] = 0  # deleted unless normalize kept it
    lut[cps[norm.starts]] = np.frombuffer(norm.text.encode("utf-32-le"), dtype=np.uint32)
    return lut


def _fold(text: str) -> tuple[str, Normalized | None]:
    """``normalize(text, spaces="keep")`` by table look-up.

    Returns the folded text and ``None`` when folding kept every position (the usual case:
    offsets are the same in both texts), else the :class:`Normalized` with its offset map.
    """
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if cps.size and int(cps.max()) < 0x10000:
        out = _lut()[cps]
        if not (out == 0).any():
            return out.tobytes().decode("utf-32-le", "surrogatepass"), None
    elif not cps.size:
        return "", None
    norm = normalize(text, spaces="keep")
    return norm.text, norm


# --------------------------------------------------------------------------- offsets map


class OffsetMap(NamedTuple):
    """Map offsets in a stripped text back to the original text.

    The stripped text is the concatenation of ``original[s:e]`` for each row ``(s, e)`` of
    ``pieces``, in order; nothing is inserted between pieces.

    Attributes
    ----------
    pieces : numpy.ndarray of int64, shape (k, 2)
        The kept pieces as ``[start, end)`` offsets into the original text, sorted.
    stripped_starts : numpy.ndarray of int64, shape (k,)
        Where each piece begins in the stripped text.
    original_length : int
        Length of the original text.

    Examples
    --------
    >>> stripped, omap = strip_spans("广告。正文一。广告。正文二。", [(0, 3), (7, 10)])
    >>> stripped, omap.to_original(4, 8)
    ('正文一。正文二。', (10, 14))
    """

    pieces: npt.NDArray[np.int64]
    stripped_starts: npt.NDArray[np.int64]
    original_length: int

    @property
    def stripped_length(self) -> int:
        """Length of the stripped text."""
        if not len(self.pieces):
            return 0
        return int(self.stripped_starts[-1] + self.pieces[-1, 1] - self.pieces[-1, 0])

    def _position(self, pos: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        j = np.searchsorted(self.stripped_starts, pos, side="right") - 1
        return self.pieces[j, 0] + (pos - self.stripped_starts[j])

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the stripped span ``[start, end)`` to a span of the original text.

        A span lying inside one kept piece maps to exactly the same characters; a span that
        crosses a removed passage maps to an original span that includes it. An empty span
        maps to an empty span at the matching original position.
        """
        n = self.stripped_length
        if not (isinstance(start, (int, np.integer)) and isinstance(end, (int, np.integer))):
            raise param_error("start/end", "OffsetMap.to_original", "ints", (start, end))
        if not 0 <= start <= end <= n:
            raise param_error(
                "start/end", "OffsetMap.to_original", f"0 <= start <= end <= {n}", (start, end)
            )
        if start == end:
            if start == n:
                pos = int(self.pieces[-1, 1]) if len(self.pieces) else self.original_length
            else:
                pos = int(self._position(np.array([start]))[0])
            return pos, pos
        s = int(self._position(np.array([start]))[0])
        e = int(self._position(np.array([end - 1]))[0]) + 1
        return s, e

    def to_original_many(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Vectorised :meth:`to_original` for arrays of non-empty stripped spans."""
        s = np.asarray(starts, dtype=np.int64)
        e = np.asarray(ends, dtype=np.int64)
        n = self.stripped_length
        if s.shape != e.shape or (s.size and (s.min() < 0 or e.max() > n or np.any(e <= s))):
            raise param_error(
                "starts/ends",
                "OffsetMap.to_original_many",
                f"non-empty spans within [0, {n}]",
                "out-of-range spans",
            )
        return self._position(s), self._position(e - 1) + 1


def strip_spans(
    text: str, spans: Sequence[tuple[int, int]] | npt.ArrayLike
) -> tuple[str, OffsetMap]:
    """Remove ``spans`` (``[start, end)`` offsets, in any order, may overlap) from ``text``.

    Returns
    -------
    (str, OffsetMap)
        The text without the spans (the kept pieces joined, nothing inserted) and the map
        from its offsets back to ``text``.

    Examples
    --------
    >>> strip_spans("下载打印\\n2026年政府工作报告", [(0, 4)])[0]
    '\\n2026年政府工作报告'
    """
    func = "strip_spans"
    check_type(text, "text", func, str, "a str")
    try:
        arr = np.asarray(spans, dtype=np.int64)
    except (TypeError, ValueError):
        raise param_error("spans", func, "a list of (start, end) int pairs", "other") from None
    arr = arr.reshape(0, 2) if arr.size == 0 else arr
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise param_error("spans", func, "a list of (start, end) int pairs", f"shape {arr.shape}")
    n = len(text)
    if arr.size and (arr.min() < 0 or arr.max() > n or np.any(arr[:, 1] < arr[:, 0])):
        raise param_error(
            "spans", func, f"(start, end) pairs with 0 <= start <= end <= {n}", "out-of-range spans"
        )
    arr = arr[np.argsort(arr[:, 0], kind="stable")]
    kept: list[tuple[int, int]] = []
    pos = 0
    for s, e in arr.tolist():
        if s > pos:
            kept.append((pos, s))
        pos = max(pos, e)
    if pos < n:
        kept.append((pos, n))
    pieces = np.array(kept, dtype=np.int64).reshape(-1, 2)
    lengths = pieces[:, 1] - pieces[:, 0]
    starts = (
        np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        if len(pieces)
        else np.zeros(0, dtype=np.int64)
    )
    stripped = "".join(text[s:e] for s, e in kept)
    return stripped, OffsetMap(pieces, starts, n)


# --------------------------------------------------------------------------- finding


class BoilerplateResult(NamedTuple):
    """What :func:`find_boilerplate` returns.

    Attributes
    ----------
    passages : pandas.DataFrame
        One row per passage, watermarks first, then by decreasing ``doc_freq``. Columns:
        ``passage_id`` (int64, 0..n-1 in this order); ``kind`` (str: ``"watermark"`` or
        ``"repeated"``); ``text`` (str: the passage as it stands in its first occurrence,
        a slice of the original text); ``chars`` (int64: its length, whitespace not
        counted); ``doc_freq`` (int64: number of documents it occurs in); ``occurrences``
        (int64: number of times it occurs, a document may hold it twice); ``docs`` (list
        of str: the ``doc_id`` of those documents, in corpus order).
    spans : pandas.DataFrame
        One row per occurrence, for highlighting. Columns: ``passage_id`` (int64),
        ``kind`` (str), ``doc_id`` (str), ``start``, ``end`` (int64: offsets into that
        document's text as loaded). Sorted by document (corpus order) then ``start``;
        spans never overlap.
    documents : pandas.DataFrame
        One row per document, in corpus order. Columns: ``doc_id`` (str); ``chars``
        (int64: characters, whitespace not counted); ``boilerplate_chars`` (int64: those
        covered by a passage); ``watermark_chars`` (int64: those covered by a watermark);
        ``originality`` (float64: ``1 - boilerplate_chars / chars``, 1.0 for an empty text).
    """

    passages: pd.DataFrame
    spans: pd.DataFrame
    documents: pd.DataFrame


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _hash(key: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little", signed=True
    )


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64 finaliser: a well-spread 64-bit value per input (wraps on purpose)."""
    with np.errstate(over="ignore"):
        z = x * _MIX + np.uint64(0x632BE59BD9B4E019)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


class _Units:
    """The units of all documents, as flat arrays (built one document at a time)."""

    def __init__(self) -> None:
        self.hash = array("q")
        self.start = array("q")
        self.end = array("q")
        self.chars = array("q")
        self.doc = array("q")
        self.doc_chars = array("q")
        # watermark blocks: doc, start, end, chars, key
        self.wm_doc: list[int] = []
        self.wm_start: list[int] = []
        self.wm_end: list[int] = []
        self.wm_chars: list[int] = []
        self.wm_key: list[str] = []

    def add(self, d: int, text: str, *, watermarks: bool, fold_digits: bool) -> None:
        folded, norm = _fold(text)
        marks = _watermark_spans(folded) if watermarks else []
        fs: list[int] = []
        fe: list[int] = []
        total = 0
        mi = 0
        for m in _UNIT.finditer(folded):
            s, e = m.span()
            key = "".join(m.group().split())
            total += len(key)
            while mi < len(marks) and marks[mi][1] <= s:
                mi += 1
            if mi < len(marks) and marks[mi][0] < e:  # inside a watermark
                continue
            fs.append(s)
            fe.append(e)
            self.hash.append(_hash(_DIGITS.sub("0", key) if fold_digits else key))
            self.chars.append(len(key))
        self.doc_chars.append(total)
        if fs:
            if norm is None:
                self.start.extend(fs)
                self.end.extend(fe)
            else:
                os_, oe = norm.to_original_many(fs, fe)
                self.start.extend(os_.tolist())
                self.end.extend(oe.tolist())
            self.doc.extend([d] * len(fs))
        for s, e in marks:
            key = "".join(folded[s:e].split())
            o_s, o_e = (s, e) if norm is None else norm.to_original(s, e)
            self.wm_doc.append(d)
            self.wm_start.append(o_s)
            self.wm_end.append(o_e)
            self.wm_chars.append(len(key))
            self.wm_key.append(key)


def _np(a: array[int]) -> npt.NDArray[np.int64]:
    return np.frombuffer(a, dtype=np.int64) if len(a) else np.zeros(0, dtype=np.int64)


def _doc_freq(
    keys: npt.NDArray[np.int64], docs: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct keys (sorted) and the number of distinct documents holding each."""
    if not len(keys):
        return keys, keys.copy()
    order = np.lexsort((docs, keys))
    k = keys[order]
    d = docs[order]
    first = np.ones(len(k), dtype=bool)
    first[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    k = k[first]
    new = np.ones(len(k), dtype=bool)
    new[1:] = k[1:] != k[:-1]
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, len(k))).astype(np.int64)
    return k[starts], counts


def _lookup(
    uniq: npt.NDArray[np.int64], values: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    return values[np.searchsorted(uniq, keys)]


#: Two neighbouring frequent units belong to one passage when they stand together in at
#: least this share of the documents holding the more frequent of them.
_TOGETHER = 0.8


def _repeated(
    u: _Units, *, min_docs: int, min_chars: int
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
]:
    """Occurrences of repeated passages: (key, doc, start, end, chars) arrays."""
    h, doc = _np(u.hash), _np(u.doc)
    start, end, chars = _np(u.start), _np(u.end), _np(u.chars)
    empty = np.zeros(0, dtype=np.int64)
    if not len(h):
        return empty, empty, empty, empty, empty
    uniq, df = _doc_freq(h, doc)
    unit_df = _lookup(uniq, df, h)
    idx = np.flatnonzero(unit_df >= min_docs)
    if not len(idx):
        return empty, empty, empty, empty, empty
    # neighbouring frequent units of one document, and how often they stand together
    adjacent = (idx[1:] == idx[:-1] + 1) & (doc[idx[1:]] == doc[idx[:-1]])
    with np.errstate(over="ignore"):
        pair = (_mix(h[idx[:-1]].astype(np.uint64)) ^ h[idx[1:]].astype(np.uint64)).astype(np.int64)
    p_uniq, p_df = _doc_freq(pair[adjacent], doc[idx[1:]][adjacent])
    together = np.zeros(len(idx) - 1, dtype=bool)
    if adjacent.any():
        most = np.maximum(unit_df[idx[:-1]], unit_df[idx[1:]])[adjacent]
        together[adjacent] = _lookup(p_uniq, p_df, pair[adjacent]) >= _TOGETHER * most
    # segments: runs of frequent units, each standing together with the previous one
    new = np.ones(len(idx), dtype=bool)
    new[1:] = ~together
    seg_first = np.flatnonzero(new)
    seg_of = np.cumsum(new) - 1
    pos = np.arange(len(idx)) - seg_first[seg_of]
    # segment key: sum of unit hashes times powers of an odd constant (a one-unit segment's
    # key is the unit's own hash)
    with np.errstate(over="ignore"):
        powers = np.ones(int(pos.max()) + 1, dtype=np.uint64)
        for i in range(1, len(powers)):
            powers[i] = powers[i - 1] * np.uint64(0x100000001B3)
        terms = h[idx].astype(np.uint64) * powers[pos]
        seg_key = np.add.reduceat(terms, seg_first).astype(np.int64)
    seg_doc = doc[idx[seg_first]]
    seg_last = np.append(seg_first[1:], len(idx)) - 1
    seg_start = start[idx[seg_first]]
    seg_end = end[idx[seg_last]]
    seg_chars = np.add.reduceat(chars[idx], seg_first)
    seg_len = seg_last - seg_first + 1
    s_uniq, s_df = _doc_freq(seg_key, seg_doc)
    keep_seg = (_lookup(s_uniq, s_df, seg_key) >= min_docs) & (seg_chars >= min_chars)
    # segments that fail fall back to their single units (a one-unit segment is its unit)
    split = ~keep_seg & (seg_len > 1)
    units_of_split = idx[split[seg_of]]
    key = np.concatenate([seg_key[keep_seg], h[units_of_split]])
    d = np.concatenate([seg_doc[keep_seg], doc[units_of_split]])
    s = np.concatenate([seg_start[keep_seg], start[units_of_split]])
    e = np.concatenate([seg_end[keep_seg], end[units_of_split]])
    c = np.concatenate([seg_chars[keep_seg], chars[units_of_split]])
    ok = c >= min_chars
    key, d, s, e, c = key[ok], d[ok], s[ok], e[ok], c[ok]
    # a passage must still occur in min_docs documents as emitted
    k_uniq, k_df = _doc_freq(key, d)
    ok = _lookup(k_uniq, k_df, key) >= min_docs
    return key[ok], d[ok], s[ok], e[ok], c[ok]


def _check_corpus(corpus: Any, func: str) -> tuple[list[str], list[str]]:
    check_columns(corpus, "corpus", func, ["doc_id", "text"])
    ids = [str(x) for x in corpus["doc_id"].tolist()]
    texts = corpus["text"].tolist()
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} must have str values in column 'text'. "
                f"Got {type(t).__name__} for doc_id {ids[i]!r} instead."
            )
    if len(set(ids)) != len(ids):
        dup = pd.Series(ids)[pd.Series(ids).duplicated()].iloc[0]
        raise InvalidParameterError(
            f"The 'corpus' parameter of {func} must have unique values in column 'doc_id'. "
            f"Got {dup!r} more than once instead."
        )
    return ids, texts


def _check_options(
    func: str, min_docs: Any, min_chars: Any, kinds: Any, progress: Any
) -> tuple[str, ...]:
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    check_number(min_docs, "min_docs", func, kind=int, low=2)
    check_number(min_chars, "min_chars", func, kind=int, low=1)
    if isinstance(kinds, str):
        kinds = (kinds,)
    if not isinstance(kinds, (list, tuple)) or not kinds:
        raise param_error("kinds", func, f"a non-empty list of {list(KINDS)}", kinds)
    for k in kinds:
        check_choice(k, "kinds", func, KINDS)
    return tuple(kinds)


def find_boilerplate(
    corpus: pd.DataFrame,
    *,
    min_docs: int = 3,
    min_chars: int = 10,
    kinds: Sequence[str] = KINDS,
    fold_digits: bool = False,
    progress: bool | None = False,
) -> BoilerplateResult:
    """Find watermarks and passages repeated across the documents of a corpus.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus table (:func:`corpus_tools.load_corpus`) with columns ``doc_id`` (unique)
        and ``text``; other columns are ignored. Not modified.
    min_docs : int, default 3
        A sentence or paragraph is ``repeated`` boilerplate when it occurs in at least this
        many documents (after normalisation). At least 2.
    min_chars : int, default 10
        Shortest repeated passage reported, in characters without whitespace (a run of short
        lines such as 下载/打印/全屏 counts as one passage). At least 1.
    kinds : list of {"watermark", "repeated"}, default both
        What to look for. Watermarks are found in each document on its own.
    fold_digits : bool, default False
        Match sentences that differ only in their Arabic numbers (``居民消费价格涨幅2%左右；``
        and ``…3%左右；``, ``10.国内联播快讯：`` and ``11.国内联播快讯：``): a template filled
        with other figures is still the template. A passage's ``text`` is then its first
        occurrence; the others may carry other numbers.
    progress : bool or None, default False
        Show a progress bar on stderr (``None``: only when stderr is a terminal).

    Returns
    -------
    BoilerplateResult
        ``passages``, ``spans`` (occurrences with offsets into the original texts) and
        ``documents`` (boilerplate characters and originality); see
        :class:`BoilerplateResult` for the columns.

    Raises
    ------
    InvalidParameterError
        For a bad argument: a corpus without ``doc_id``/``text``, a duplicate ``doc_id``, a
        text that is not a str, ``min_docs < 2``, ``min_chars < 1``, an unknown kind.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({
    ...     "a": "本文来源于网络，如有侵权请联系删除\\n关于社区治理的汇报\\n今年以来，社区……",
    ...     "b": "关于党建工作的汇报\\n各位领导：现将有关情况汇报如下。今年以来……",
    ... })
    >>> res = find_boilerplate(docs)
    >>> res.passages[["kind", "text", "doc_freq"]].to_dict("records")
    [{'kind': 'watermark', 'text': '本文来源于网络，如有侵权请联系删除', 'doc_freq': 1}]
    >>> res.documents["originality"].round(2).tolist()
    [0.51, 1.0]
    """
    func = "find_boilerplate"
    kinds_t = _check_options(func, min_docs, min_chars, kinds, progress)
    check_type(fold_digits, "fold_digits", func, bool, "a bool")
    ids, texts = _check_corpus(corpus, func)
    from corpus_tools._progress import progress_bar

    want_wm = "watermark" in kinds_t
    want_rep = "repeated" in kinds_t
    units = _Units()
    for d, text in enumerate(progress_bar(texts, desc="boilerplate", enabled=progress)):
        units.add(d, text, watermarks=want_wm, fold_digits=fold_digits)

    # occurrences: (kind, key, doc, start, end, chars)
    if want_rep:
        r_key, r_doc, r_s, r_e, r_c = _repeated(units, min_docs=min_docs, min_chars=min_chars)
    else:
        r_key = r_doc = r_s = r_e = r_c = np.zeros(0, dtype=np.int64)
    w_key = np.array([_hash(k) for k in units.wm_key], dtype=np.int64)
    occ = pd.DataFrame(
        {
            "kind": ["watermark"] * len(w_key) + ["repeated"] * len(r_key),
            "key": np.concatenate([w_key, r_key]),
            "doc": np.concatenate([np.array(units.wm_doc, dtype=np.int64), r_doc]),
            "start": np.concatenate([np.array(units.wm_start, dtype=np.int64), r_s]),
            "end": np.concatenate([np.array(units.wm_end, dtype=np.int64), r_e]),
            "chars": np.concatenate([np.array(units.wm_chars, dtype=np.int64), r_c]),
        }
    )
    return _assemble(occ, ids, texts, _np(units.doc_chars))


def _assemble(
    occ: pd.DataFrame, ids: list[str], texts: list[str], doc_chars: npt.NDArray[np.int64]
) -> BoilerplateResult:
    occ = occ.sort_values(["doc", "start"], kind="stable").reset_index(drop=True)
    # one passage per (kind, key); its first occurrence gives the text
    grouped = occ.groupby(["kind", "key"], sort=False)
    passages = grouped.agg(
        first_doc=("doc", "first"),
        first_start=("start", "first"),
        first_end=("end", "first"),
        chars=("chars", "first"),
        doc_freq=("doc", "nunique"),
        occurrences=("doc", "size"),
    ).reset_index()
    passages["kind_order"] = passages["kind"].map({k: i for i, k in enumerate(KINDS)})
    passages = passages.sort_values(
        ["kind_order", "doc_freq", "chars", "first_doc", "first_start"],
        ascending=[True, False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    passages["passage_id"] = np.arange(len(passages), dtype=np.int64)
    passages["text"] = [
        texts[d][s:e]
        for d, s, e in zip(
            passages["first_doc"], passages["first_start"], passages["first_end"], strict=True
        )
    ]
    pid = dict(
        zip(
            zip(passages["kind"], passages["key"], strict=True), passages["passage_id"], strict=True
        )
    )
    occ["passage_id"] = [pid[(k, v)] for k, v in zip(occ["kind"], occ["key"], strict=True)]
    docs_of = occ.drop_duplicates(["passage_id", "doc"]).groupby("passage_id", sort=True)["doc"]
    doc_lists = {p: [ids[d] for d in ds] for p, ds in docs_of}
    passages["docs"] = [doc_lists[p] for p in passages["passage_id"]]
    passages = passages[["passage_id", "kind", "text", "chars", "doc_freq", "occurrences", "docs"]]
    passages = passages.astype({"chars": "int64", "doc_freq": "int64", "occurrences": "int64"})

    spans = pd.DataFrame(
        {
            "passage_id": occ["passage_id"].astype("int64"),
            "kind": occ["kind"].astype(object),
            "doc_id": [ids[d] for d in occ["doc"]],
            "start": occ["start"].astype("int64"),
            "end": occ["end"].astype("int64"),
        }
    )
    covered = np.bincount(
        occ["doc"].to_numpy(), weights=occ["chars"].to_numpy(), minlength=len(ids)
    ).astype(np.int64)
    wm = occ["kind"] == "watermark"
    wm_covered = np.bincount(
        occ.loc[wm, "doc"].to_numpy(), weights=occ.loc[wm, "chars"].to_numpy(), minlength=len(ids)
    ).astype(np.int64)
    total = doc_chars.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        originality = np.where(total > 0, 1.0 - covered / np.maximum(total, 1), 1.0)
    documents = pd.DataFrame(
        {
            "doc_id": pd.Series(ids, dtype=object),
            "chars": total,
            "boilerplate_chars": covered,
            "watermark_chars": wm_covered,
            "originality": originality.astype(np.float64),
        }
    )
    return BoilerplateResult(passages, spans, documents)


# --------------------------------------------------------------------------- stripping


@overload
def strip_boilerplate(
    corpus: pd.DataFrame,
    *,
    result: BoilerplateResult | None = ...,
    kinds: Sequence[str] = ...,
    min_docs: int = ...,
    min_chars: int = ...,
    fold_digits: bool = ...,
    progress: bool | None = ...,
) -> pd.DataFrame: ...


@overload
def strip_boilerplate(
    corpus: Sequence[str],
    *,
    result: BoilerplateResult | None = ...,
    kinds: Sequence[str] = ...,
    min_docs: int = ...,
    min_chars: int = ...,
    fold_digits: bool = ...,
    progress: bool | None = ...,
) -> list[str]: ...


def strip_boilerplate(
    corpus: pd.DataFrame | Sequence[str],
    *,
    result: BoilerplateResult | None = None,
    kinds: Sequence[str] = KINDS,
    min_docs: int = 3,
    min_chars: int = 10,
    fold_digits: bool = False,
    progress: bool | None = False,
) -> pd.DataFrame | list[str]:
    """Remove watermarks and repeated passages, keeping a map back to the original offsets.

    Use it before counting keywords or fitting topics, so that page furniture and template
    sentences do not dominate the counts.

    Parameters
    ----------
    corpus : pandas.DataFrame or list of str
        A corpus table with ``doc_id`` and ``text`` (not modified), or plain texts (then the
        stripped texts are returned as a list, in the same order, and ``doc_id`` s are
        their positions).
    result : BoilerplateResult, optional
        A result of :func:`find_boilerplate` on this same corpus, to strip what it found
        (for instance after filtering ``result.spans``); by default it is computed with
        ``min_docs``, ``min_chars`` and ``kinds``.
    kinds : list of {"watermark", "repeated"}, default both
        Which kinds of passage to remove.
    min_docs, min_chars, fold_digits, progress
        As in :func:`find_boilerplate` (ignored when ``result`` is given).

    Returns
    -------
    pandas.DataFrame or list of str
        For a table: a copy with every column kept, ``text`` replaced by the stripped text,
        and two columns added: ``removed_chars`` (int64: characters removed, whitespace
        included) and ``offset_map`` (:class:`OffsetMap`): ``row.offset_map.to_original(s,
        e)`` turns a span ``[s, e)`` of the stripped text into offsets of the original
        text. Stripping removes each passage's characters and nothing else: the line
        breaks around a removed line stay, so no two sentences are glued together.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({f"d{i}": f"央视网消息（新闻联播）：第{i}条新闻。" for i in range(3)})
    >>> out = strip_boilerplate(docs)
    >>> out["text"].tolist()
    ['第0条新闻。', '第1条新闻。', '第2条新闻。']
    >>> out["offset_map"][0].to_original(0, 6)
    (12, 18)
    >>> strip_boilerplate(["本文来源于网络，如有侵权请联系删除\\n正文。"])
    ['\\n正文。']
    """
    func = "strip_boilerplate"
    kinds_t = _check_options(func, min_docs, min_chars, kinds, progress)
    as_list = not isinstance(corpus, pd.DataFrame)
    if as_list:
        if isinstance(corpus, str) or not isinstance(corpus, Sequence):
            raise param_error(
                "corpus", func, "a corpus DataFrame or a list of str", type(corpus).__name__
            )
        for t in corpus:
            check_type(t, "corpus", func, str, "a corpus DataFrame or a list of str")
        frame = pd.DataFrame({"doc_id": [str(i) for i in range(len(corpus))], "text": list(corpus)})
    else:
        frame = corpus
    ids, texts = _check_corpus(frame, func)
    if result is None:
        result = find_boilerplate(
            frame,
            min_docs=min_docs,
            min_chars=min_chars,
            kinds=kinds_t,
            fold_digits=fold_digits,
            progress=progress,
        )
    elif not isinstance(result, BoilerplateResult):
        raise param_error("result", func, "a BoilerplateResult or None", type(result).__name__)
    spans = result.spans[result.spans["kind"].isin(kinds_t)]
    by_doc: dict[str, Any] = {
        d: g[["start", "end"]].to_numpy() for d, g in spans.groupby("doc_id", sort=False)
    }
    unknown = set(by_doc) - set(ids)
    if unknown:
        raise InvalidParameterError(
            f"The 'result' parameter of {func} must come from this corpus. "
            f"Its spans name doc_id {sorted(unknown)[0]!r}, which the corpus does not hold."
        )
    stripped: list[str] = []
    maps: list[OffsetMap] = []
    removed: list[int] = []
    for doc_id, text in zip(ids, texts, strict=True):
        s, m = strip_spans(text, by_doc.get(doc_id, np.zeros((0, 2), dtype=np.int64)))
        stripped.append(s)
        maps.append(m)
        removed.append(len(text) - len(s))
    if as_list:
        return stripped
    out = frame.copy()
    out["text"] = stripped
    out["removed_chars"] = np.array(removed, dtype=np.int64)
    out["offset_map"] = pd.Series(maps, index=out.index, dtype=object)
    return out
