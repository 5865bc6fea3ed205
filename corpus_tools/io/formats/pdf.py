"""``.pdf`` with a text layer: the text in reading order, paragraphs joined back.

PDFium (through pypdfium2) gives each page's characters in content order, with line breaks
and the spaces it *generates* where glyphs stand apart. A report printed from Word or WPS
needs four repairs to read as the text its author typed:

1. **Spaces the layout made.** PDFium puts a space wherever a run of glyphs changes font
   or stands apart: between Chinese and Latin or digits (``2019 年``, ``XX 区``) and in
   justified lines. A generated space next to a Chinese character or full-width mark is
   dropped, and so is a typed space drawn away from its place (see 2); spaces the PDF
   holds in place, and generated spaces between Latin words, are kept.
2. **Order inside a line.** A writer may set quotation marks and dashes in its Western
   font and draw them after the line's Chinese (LibreOffice does), so the marks of
   ``采取“一社一策”的`` come at the end of the line. A line where such a mark stands left
   of the glyph before it (or the glyph after it left of the mark) is put back in the
   order of positions, a run of glyphs at a time.
3. **Running headers, footers and page numbers.** The first and last lines of a page are
   dropped when the same line (digits aside) opens or closes at least two pages and 40%
   of them, or when they are a page number (``— 3 —``, ``- 3 -``, ``第 3 页``, ``3/12``).
4. **Lines broken inside a paragraph.** A line is joined to the next unless it ends short
   of the right margin, the next line starts indented (or centred), or a wider gap than
   the line spacing lies between them; across a page break the same rules hold with each
   page's own margins. Chinese joins without a space, Latin words with one.

A PDF whose pages hold no text (a scan) is refused with ``no text layer (scanned?)``; an
encrypted one (a password to open it) with ``password-protected (encrypted) .pdf``.

Why pypdfium2: PDFium is the PDF engine of Chrome (BSD/Apache licences, binary wheels for
every platform, no system package), and it reads text about 30 times faster than
pdfminer.six's layout analysis (benchmarks/bench_formats.py measures both). The repairs
above ask PDFium for the boxes of a line's two ends, of the runs of a line with quotation
marks and whether its spaces next to Chinese were generated: on the seed reports (61 pages,
1,921 lines) that is about 8,700 calls of about 1 microsecond each, and with the Python
around them read_pdf takes 1.25 times the bare ``get_text_range`` loop (median of 5 paired
runs; 1.29 before the calls were read in one ``struct`` unpack, the ends of a line asked
directly and the paragraphs joined as a list). What is left: a third PDFium's answers,
two thirds Python per line and per run of glyphs.

Examples
--------
>>> text = read_pdf("tests/data/formats/004.pdf").text
>>> text.splitlines()[0]
'县委组织部党建工作融入社区为民服务工作情况报告'
>>> "中共XX区委组织部" in text  # the running header of every page
False
"""

from __future__ import annotations

import itertools
import math
import os
import re
import statistics
import struct
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from corpus_tools.errors import InputReadError
from corpus_tools.io.documents import FileText

__all__ = ["PDF_SUFFIXES", "read_pdf"]

PDF_SUFFIXES = (".pdf",)

#: A running header or footer opens or closes at least this share of the pages ...
FURNITURE_SHARE = 0.4
#: ... and at least this many pages.
FURNITURE_MIN_PAGES = 2
#: Lines looked at for furniture at the top and at the bottom of a page.
FURNITURE_LINES = 2
#: A line ending this many character widths short of the right margin ends a paragraph.
SHORT_LINE_CHARS = 1.2
#: A line starting this many character widths right of the left margin starts one.
INDENT_CHARS = 0.8
#: A gap between lines this many times the page's usual line spacing separates paragraphs.
PARAGRAPH_GAP = 1.6
#: A page with fewer body lines than this takes the document's margins, not its own.
MIN_LINES_FOR_MARGINS = 5
#: A glyph set this far (PDF units) left of the glyph before it is out of content order.
ORDER_SLACK = 0.5

_PAGE_NUMBER = re.compile(
    r"[\s\-—–－_·•]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4})?"
    r"(?:\s*共\s*\d{1,4}\s*页)?[\s\-—–－_·•]*"
    r"|\s*(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*",
    re.IGNORECASE,
)
_DIGITS_AND_SPACE = re.compile(r"[\d\s]+")
_CJK_CLASS = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uffef"
#: A space next to a Chinese character (or mark): dropped when PDFium generated it.
_SPACE_BY_CJK = re.compile(f"(?<=[{_CJK_CLASS}]) | (?=[{_CJK_CLASS}])")
#: Quotation marks, dashes and the like (General Punctuation): a writer may set them in
#: its Western font, in a run of their own, and draw that run after the line's Chinese
#: (LibreOffice does), so they come out of content order.
_MOVABLE_CLASS = "\u2010-\u206f"
_MOVABLE_FIRST, _MOVABLE_LAST = "\u2010", "\u206f"
_MOVABLE = re.compile(f"[{_MOVABLE_CLASS}]")
#: Runs of glyphs that stay together: Chinese (with its punctuation and full-width
#: forms), quotation marks and dashes, anything else but spaces.
_RUNS = re.compile(f"[{_CJK_CLASS}]+|[{_MOVABLE_CLASS}]+|[^{_CJK_CLASS}{_MOVABLE_CLASS}\\s]+")
#: Characters PDFium returns that are no text: hyphenation marks, non-characters, NUL.
_NOT_TEXT = dict.fromkeys([0x00, 0x02, 0x03, 0xFFFE, 0xFFFF], None)
_HAS_NOT_TEXT = re.compile("[\x00\x02\x03\ufffe\uffff]")
#: PDFium's FS_RECTF: left, top, right, bottom (C floats), read in one call.
_RECTF = struct.Struct("4f")


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class _Line(NamedTuple):
    """One line of a page: its text and where it stands (PDF units, y upwards)."""

    text: str
    left: float
    right: float
    top: float
    bottom: float
    size: float  # the height of its characters: about one Chinese character's width


def read_pdf(path: str | os.PathLike[str]) -> FileText:
    """The text of a PDF's text layer, one line per paragraph.

    Raises
    ------
    InputReadError
        For a scan without text layer, an encrypted or a corrupt file.
    """
    p = Path(path)
    pages = _pdf_pages(p)
    if not pages:
        raise InputReadError(str(p), "empty: a PDF without pages")
    if not any(line.text.strip() for page in pages for line in page):
        raise InputReadError(str(p), "no text layer (scanned?)")
    text = "\n".join(_paragraphs(_drop_furniture(pages)))
    if _HAS_NOT_TEXT.search(text):  # rare: translate costs 0.1 us a character
        text = text.translate(_NOT_TEXT)
    if not text.strip():
        raise InputReadError(str(p), "no text layer (scanned?)")
    return FileText(text)


def _pdf_pages(p: Path) -> list[list[_Line]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputReadError(str(p), "password-protected (encrypted) .pdf") from None
        raise InputReadError(str(p), f"broken .pdf: {exc}") from None
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                pages.append(_PageText(textpage, pdfium_c).lines())
            finally:
                textpage.close()
                page.close()
        return pages
    except pdfium.PdfiumError as exc:
        raise InputReadError(str(p), f"broken .pdf: {exc}") from None
    finally:
        pdf.close()


class _PageText:
    """The lines of one page, repaired (spaces, order) from PDFium's text page.

    Each question to PDFium costs a few microseconds, so a line asks only what it needs:
    the box of its first and last glyphs, the position of each run of glyphs of one
    script (a line of Chinese alone is one run), and whether a space next to a Chinese
    character was generated.
    """

    def __init__(self, textpage: Any, api: Any) -> None:
        self.raw = textpage.raw
        self.api = api
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count > 0 else ""
        if len(text) != count:  # a character outside UCS-2: ask one at a time
            text = "".join(chr(api.FPDFText_GetUnicode(self.raw, i)) for i in range(count))
        self.text = text
        self._rect = api.FS_RECTF()
        self._loose_box = api.FPDFText_GetLooseCharBox
        self._boxes: dict[int, tuple[float, float, float, float]] = {}

    def box(self, index: int) -> tuple[float, float, float, float]:
        """``(left, right, bottom, top)`` of a character's em box: ``left`` is where it was
        set, ``right`` where the next character would be, the height the font's."""
        found = self._boxes.get(index)
        if found is None:
            self._loose_box(self.raw, index, self._rect)
            left, top, right, bottom = _RECTF.unpack_from(self._rect)
            found = self._boxes[index] = (left, right, bottom, top)
        return found

    def generated(self, index: int) -> bool:
        return bool(self.api.FPDFText_IsGenerated(self.raw, index))

    def lines(self) -> list[_Line]:
        out = []
        start = 0
        box = self._end_boxes
        for line in self.text.split("\r\n"):
            text = line.strip()
            if text:
                first = start + len(line) - len(line.lstrip())
                end = first + len(text)
                if " " in text or _MOVABLE.search(text):
                    text, first, end = self._repaired(text, first, end)
                left, right, top, bottom, size = box(first, end - 1)
                out.append(_Line(text, left, right, top, bottom, size))
            start += len(line) + 2
        return out

    def _end_boxes(self, first: int, last: int) -> tuple[float, float, float, float, float]:
        """``(left, right, top, bottom, size)`` of the line from glyph ``first`` to ``last``,
        from the boxes of those two glyphs (FS_RECTF: left, top, right, bottom)."""
        boxes = self._boxes
        if first in boxes:
            left, right, bottom, top = boxes[first]
        else:
            self._loose_box(self.raw, first, self._rect)
            left, top, right, bottom = _RECTF.unpack_from(self._rect)
        if last == first:
            return left, right, top, bottom, top - bottom
        if last in boxes:
            _, right_2, bottom_2, top_2 = boxes[last]
        else:
            self._loose_box(self.raw, last, self._rect)
            _, top_2, right_2, bottom_2 = _RECTF.unpack_from(self._rect)
        size = max(top - bottom, top_2 - bottom_2)
        return left, max(right, right_2), max(top, top_2), min(bottom, bottom_2), size

    def _repaired(self, text: str, start: int, end: int) -> tuple[str, int, int]:
        """The line ``self.text[start:end]`` (``text``) in position order and without
        generated spaces next to Chinese; and where its first and last glyphs are."""
        if _MOVABLE.search(text):
            runs = [m.span() for m in _RUNS.finditer(self.text, start, end)]
            lefts = self._lefts([a for a, _ in runs])
            if _out_of_order(self.text, runs, lefts):
                # a stable sort by where each run was set
                order = sorted(range(len(runs)), key=lefts.__getitem__)
                pieces = [self.text[runs[i][0] : runs[i][1]] for i in order]
                return _join_runs(pieces), runs[order[0]][0], runs[order[-1]][1]
        if " " not in text:
            return text, start, end
        return _drop_layout_spaces(self.text, start, end, self.layout_space), start, end

    def _lefts(self, indexes: list[int]) -> list[float]:
        """Where each of these glyphs was set (the left of its box)."""
        ask, raw, rect, unpack = self._loose_box, self.raw, self._rect, _RECTF.unpack_from
        out = []
        for i in indexes:
            ask(raw, i, rect)
            out.append(unpack(rect)[0])
        return out

    def layout_space(self, index: int) -> bool:
        """Whether the space at ``index`` is the layout's: PDFium generated it, or it was set
        in another font's run and stands away from its place (left of the glyph before)."""
        if self.generated(index):
            return True
        return self.box(index)[0] < self.box(index - 1)[0] - ORDER_SLACK


def _out_of_order(text: str, runs: list[tuple[int, int]], lefts: list[float]) -> bool:
    """Whether a run of quotation marks or dashes stands left of the run before it, or the
    run after it left of it (set in another font, drawn out of content order); ``lefts``:
    where each run was set."""
    last = len(runs) - 1
    for k, (a, _) in enumerate(runs):
        if not _MOVABLE_FIRST <= text[a] <= _MOVABLE_LAST:
            continue
        here = lefts[k]
        if k > 0 and here < lefts[k - 1] - ORDER_SLACK:
            return True
        if k < last and lefts[k + 1] < here - ORDER_SLACK:
            return True
    return False


def _join_runs(pieces: list[str]) -> str:
    """Runs of glyphs put back in order: Chinese joins without a space, Latin words
    (runs that stood apart) with one."""
    out = [pieces[0]]
    for before, piece in itertools.pairwise(pieces):
        if before and piece and _is_latin(before[-1]) and _is_latin(piece[0]):
            out.append(" ")
        out.append(piece)
    return "".join(out)


def _drop_layout_spaces(text: str, start: int, end: int, layout: Callable[[int], bool]) -> str:
    """``text[start:end]`` without the layout's spaces next to a Chinese character."""
    pieces: list[str] = []
    last = start
    for m in _SPACE_BY_CJK.finditer(text, start, end):
        i = m.start()
        if layout(i):
            pieces.append(text[last:i])
            last = i + 1
    pieces.append(text[last:end])
    return "".join(pieces)


# --------------------------------------------------------------------------- furniture


def _furniture_key(text: str) -> str:
    """A header or footer line, digits and spaces aside (``第 3 页`` ~ ``第 4 页``)."""
    return _DIGITS_AND_SPACE.sub("#", text.strip())


def _drop_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """The pages without running headers, footers and page numbers."""
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    for lines in pages:
        tops.update({_furniture_key(line.text) for line in lines[:FURNITURE_LINES]})
        bottoms.update({_furniture_key(line.text) for line in lines[-FURNITURE_LINES:]})
    need = max(FURNITURE_MIN_PAGES, FURNITURE_SHARE * len(pages))

    def furniture(line: _Line, counts: Counter[str]) -> bool:
        return bool(_PAGE_NUMBER.fullmatch(line.text)) or counts[_furniture_key(line.text)] >= need

    out = []
    for lines in pages:
        head, tail = 0, len(lines)
        while head < min(FURNITURE_LINES, tail) and furniture(lines[head], tops):
            head += 1
        while tail > max(head, len(lines) - FURNITURE_LINES) and furniture(
            lines[tail - 1], bottoms
        ):
            tail -= 1
        out.append(lines[head:tail])
    return out


# --------------------------------------------------------------------------- paragraphs


class _Margins(NamedTuple):
    """A page's text block: where lines start and end, how far apart they are, how large
    a character is (the median line's)."""

    left: float
    right: float
    spacing: float
    size: float


def _margins(lines: list[_Line]) -> _Margins:
    steps = [a.top - b.top for a, b in itertools.pairwise(lines) if a.top > b.top]
    return _Margins(
        min(x.left for x in lines),
        max(x.right for x in lines),
        statistics.median(steps) if steps else 0.0,
        statistics.median(x.size for x in lines),
    )


def _page_margins(pages: list[list[_Line]]) -> list[_Margins]:
    """Each page's margins; a page of few lines takes the document's (the median page's)."""
    own = [_margins(lines) if len(lines) >= MIN_LINES_FOR_MARGINS else None for lines in pages]
    known = [m for m in own if m is not None]
    if known:
        fallback = _Margins(*(statistics.median(m[k] for m in known) for k in range(4)))
    else:
        every = [x for lines in pages for x in lines]
        fallback = _margins(every) if every else _Margins(0.0, 0.0, 0.0, 0.0)
    return [m if m is not None else fallback for m in own]


def _paragraphs(pages: list[list[_Line]]) -> list[str]:
    """Lines joined into paragraphs, across page breaks too.

    A paragraph ends after a line that ends short of its page's right margin, before a
    line indented (or centred) from its page's left margin, and, on a page, where a wider
    gap than the page's usual line spacing lies between two lines. Lines of one paragraph
    join as :func:`_join` says.
    """
    paragraphs: list[str] = []
    parts: list[str] | None = None  # the current paragraph's pieces (lines, and " ")
    short = right = top = 0.0  # the previous line's page's short-line bar, its right, top
    for lines, margin in zip(pages, _page_margins(pages), strict=True):
        indent = margin.left + INDENT_CHARS * margin.size
        gap = PARAGRAPH_GAP * margin.spacing if margin.spacing > 0 else math.inf
        for k, line in enumerate(lines):
            text = line.text
            if parts is None:
                parts = [text]
            elif right < short or line.left > indent or (k > 0 and top - line.top > gap):
                paragraphs.append("".join(parts))
                parts = [text]
            elif text:
                tail = parts[-1]
                if tail and _is_latin(tail[-1]) and _is_latin(text[0]):
                    parts.append(" ")
                parts.append(text)
            right, top = line.right, line.top
            short = margin.right - SHORT_LINE_CHARS * margin.size
    if parts is not None:
        paragraphs.append("".join(parts))
    return paragraphs
