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
above ask PDFium for the boxes of a line's two ends and of the runs of a line with
quotation marks, and whether a space next to Chinese was generated: on the seed reports
(61 pages, 1,921 lines) about 7,800 boxes and 1,000 spaces. Where the package's compiled
loops were built at install (``pdfcalls.c``, module ``pdfcalls``; not used when
``CORPUS_TOOLS_NATIVE=0`` is set), those questions are asked from C (a few nanoseconds
a box besides PDFium's own work, against 0.2 microseconds through ctypes), and the
lines' places, the runs of the lines with marks, their order and the layout's spaces
are worked out there, with the same floats and characters as the Python below (the
tests read the seed reports both ways). Without them the questions are bare ctypes
calls in batches (no argument conversions; ``map``, no Python between the calls) and
the repairs are worked out a page at a time (a regex pass over the page for the lines
with marks, one split for their runs, one substitution for the spaces) rather than a
line or a run at a time. Either way pages are opened with PDFium's own functions (no
pypdfium2 page objects), and two costs of PDFium's plain use are not paid: the file is
handed to PDFium in memory (from a path it reads a few hundred bytes at a time, about
130 system calls a page), and pages are opened 32 at a time, read by PDFium one after
the other and then repaired one after the other (Python's work between two pages' loads
slows both; 7% of the CPU). With the compiled loops read_pdf runs 1.04 times the
instructions of pypdfium2's plain ``get_text_range`` loop given the file's bytes
(valgrind: 1,056 against 1,017 million for the 61 pages; 1.09 without them).

Examples
--------
>>> text = read_pdf("tests/data/formats/004.pdf").text
>>> text.splitlines()[0]
'县委组织部党建工作融入社区为民服务工作情况报告'
>>> "中共XX区委组织部" in text  # the running header of every page
False
"""

from __future__ import annotations

import array
import bisect
import ctypes
import functools
import itertools
import math
import operator
import os
import re
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple, cast

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
#: Boxes asked of PDFium at a time: room for this many is kept per thread (a rectangle
#: and a reference to it, about 100 bytes each); a page asking more asks in turns.
BATCH = 1024
#: Pages opened at a time: PDFium reads them one after the other, then they are repaired
#: one after the other. Python's work between two pages' loads slows both (on the seed
#: reports the reader takes 7% less CPU than a page at a time, 32 pages against 1; 16
#: give 5%). At most this many pages are open at once: about 0.35 MB each for the seed
#: reports (11 MB more at the peak for 32 pages than for one).
PAGES_AT_ONCE = 32
#: A PDF up to this size (bytes) is read into memory at once, not from its file.
READ_AT_ONCE = 256 * 1024 * 1024
#: UTF-16 code units of a page's text read at a time: room for them is kept per thread
#: (8 KiB; a longer page makes it larger).
TEXT_ROOM = 4096
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
#: (The space first, so that the search skips to the next space.)
_SPACE_BY_CJK = re.compile(f" (?:(?<=[{_CJK_CLASS}] )|(?=[{_CJK_CLASS}]))")
#: Quotation marks, dashes and the like (General Punctuation): a writer may set them in
#: its Western font, in a run of their own, and draw that run after the line's Chinese
#: (LibreOffice does), so they come out of content order.
_MOVABLE_CLASS = "\u2010-\u206f"
_MOVABLE_FIRST, _MOVABLE_LAST = "\u2010", "\u206f"
#: The first such mark of a line (not a space: the line separator is one) to the line's
#: end, one match a line. (The class without its spaces U+2028, U+2029, U+202F and U+205F
#: rather than a look-ahead for ``\\s``: a pattern opening with a class is searched a
#: character at a time against the class, not tried as a match at every character.)
_MOVABLE_LINE = re.compile("[\u2010-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u206f][^\r\n]*")
#: Runs of glyphs that stay together: Chinese (with its punctuation and full-width
#: forms), quotation marks and dashes, anything else but spaces.
_RUNS = re.compile(f"[{_CJK_CLASS}]+|[{_MOVABLE_CLASS}]+|[^{_CJK_CLASS}{_MOVABLE_CLASS}\\s]+")
#: A line split at its runs: the spaces before each, the run (and the spaces at the end).
_RUN_SPLIT = re.compile(f"(?!\\s)({_RUNS.pattern})")  # (a run starts with no space)
#: Spaces of the classes of runs (the ideographic space is a Chinese character there, the
#: line and paragraph separators marks): a run ends without them.
_SPACES_IN_RUNS = ("\u3000", "\u2028", "\u2029", "\u202f", "\u205f")
#: Runs of glyphs put back in order join without a space, but Latin words (or numbers)
#: keep one: of the spaces put between the runs, those not between two such are dropped.
_SEAM = re.compile(" (?:(?<![A-Za-z0-9] )|(?![A-Za-z0-9]))")
#: Two Latin words (or numbers) a space apart: where _SEAM keeps a space.
_LATIN_SEAM = re.compile("[A-Za-z0-9] [A-Za-z0-9]")
#: Characters PDFium returns that are no text: hyphenation marks, non-characters, NUL.
_NOT_TEXT = dict.fromkeys([0x00, 0x02, 0x03, 0xFFFE, 0xFFFF], None)
_NOT_TEXT_CHARS = ("\x00", "\x02", "\x03", "\ufffe", "\uffff")


#: Latin letters and digits: two words (or numbers) joined keep a space between them.
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


class _Page(NamedTuple):
    """The lines of one page, a column per attribute: each line's text and where it stands
    (PDF units, y upwards)."""

    texts: list[str]
    lefts: list[float]
    rights: list[float]
    tops: list[float]
    sizes: list[float]  # the height of its characters: about one Chinese character's width

    def sliced(self, head: int, tail: int) -> _Page:
        """Lines ``head`` to ``tail`` (not included)."""
        return _Page(
            self.texts[head:tail],
            self.lefts[head:tail],
            self.rights[head:tail],
            self.tops[head:tail],
            self.sizes[head:tail],
        )


def read_pdf(path: str | os.PathLike[str]) -> FileText:
    """The text of a PDF's text layer, one line per paragraph.

    Raises
    ------
    InputReadError
        For a scan without text layer, an encrypted or a corrupt file.
    """
    p = Path(path)
    pages, astral = _pdf_pages(p)
    if not pages:
        raise InputReadError(str(p), "empty: a PDF without pages")
    if not any(text.strip() for page in pages for text in page.texts):
        raise InputReadError(str(p), "no text layer (scanned?)")
    text = "\n".join(_paragraphs(_drop_furniture(pages)))
    if any(ch in text for ch in _NOT_TEXT_CHARS):  # rare: translate costs 0.1 us a character
        text = text.translate(_NOT_TEXT)
    if astral:  # PDFium holds a character outside UCS-2 as two: join the surrogate halves
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if not text.strip():
        raise InputReadError(str(p), "no text layer (scanned?)")
    return FileText(text)


def _pdf_pages(p: Path) -> tuple[list[_Page], bool]:
    """The pages' lines, and whether some page holds a character outside UCS-2."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(_pdf_input(p))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputReadError(str(p), "password-protected (encrypted) .pdf") from None
        raise InputReadError(str(p), f"broken .pdf: {exc}") from None
    # PDFium's own calls, not pypdfium2's page objects: those cost 65 us a page (a
    # finaliser, a weak reference to the document), a tenth of reading the page.
    calls = _char_calls()
    boxes = _boxes()
    try:
        pages: list[_Page] = []
        astral = False
        count = len(pdf)
        for start in range(0, count, PAGES_AT_ONCE):
            opened: list[tuple[Any, Any]] = []  # (page, text page) handles, to be closed
            try:
                texts = [
                    _open_page(pdf.raw, index, pdfium_c, opened, boxes)
                    for index in range(start, min(count, start + PAGES_AT_ONCE))
                ]
                for (_, textpage), (text, wide) in zip(opened, texts, strict=True):
                    pages.append(_PageText(textpage, text, calls, boxes).lines())
                    astral |= wide
            finally:
                for page, textpage in opened:
                    pdfium_c.FPDFText_ClosePage(textpage)
                    pdfium_c.FPDF_ClosePage(page)
        return pages, astral
    except _BrokenPage as exc:
        raise InputReadError(str(p), f"broken .pdf: {exc}") from None
    finally:
        pdf.close()


def _pdf_input(p: Path) -> bytes | str:
    """The file's bytes for PDFium to read from memory, or its path for a file larger than
    :data:`READ_AT_ONCE` (or one that cannot be read: PDFium then says why).

    From a path PDFium reads a few hundred bytes at a time, each read a seek, a size
    check and a read of the system's: about 130 system calls a page of the seed reports,
    2.5% of the time it takes to read them.
    """
    try:
        if p.stat().st_size <= READ_AT_ONCE:
            return p.read_bytes()
    except OSError:
        pass
    return str(p)


def _open_page(
    doc: Any, index: int, api: Any, opened: list[tuple[Any, Any]], room: _Boxes
) -> tuple[str, bool]:
    """Page ``index`` of ``doc`` (PDFium's FPDF_DOCUMENT) opened with its text page (both
    handles put in ``opened``), and its text with whether it holds a character outside
    UCS-2 (as two surrogate halves, one per PDFium character)."""
    page = api.FPDF_LoadPage(doc, index)
    if not page:
        raise _BrokenPage("Failed to load page.")
    textpage = api.FPDFText_LoadPage(page)
    if not textpage:
        api.FPDF_ClosePage(page)
        raise _BrokenPage("Failed to load text page.")
    opened.append((page, textpage))
    return _page_text(textpage, api, room)


def _page_text(textpage: Any, api: Any, room: _Boxes) -> tuple[str, bool]:
    """All the characters of a text page, as pypdfium2's ``get_text_range()`` reads them
    (its bounds step over characters PDFium leaves out at either end, crbug.com/pdfium/2079);
    one at a time when a character lies outside UCS-2 (then ``True``: the text holds it as
    two surrogate halves, one per PDFium character, so that indexes stay PDFium's). The
    characters are read into this thread's ``room``."""
    count = api.FPDFText_CountChars(textpage)
    if count == -1:
        raise _BrokenPage("Failed to get character count.")
    text_index = api.FPDFText_GetTextIndexFromCharIndex
    first, last = 0, count - 1
    t_start = t_end = -1
    while first <= last and (t_start := text_index(textpage, first)) == -1:
        first += 1
    while first <= last and (t_end := text_index(textpage, last)) == -1:
        last -= 1
    text = ""
    if first <= last:
        size = t_end + 2 - t_start
        buffer = room.text(size)
        written = api.FPDFText_GetText(textpage, first, last + 1 - first, buffer)
        text = memoryview(buffer)[:size][: written - 1].tobytes().decode("utf-16-le", "ignore")
    if len(text) != count:  # a character outside UCS-2: ask one at a time
        text = "".join(chr(api.FPDFText_GetUnicode(textpage, i)) for i in range(count))
        return text, True
    return text, False


class _BrokenPage(Exception):
    """PDFium could not read a page's text."""


class _CharCalls(NamedTuple):
    """PDFium's per-character questions, called with the fewest conversions."""

    box: Callable[..., Any]  # FPDFText_GetLooseCharBox(textpage, index, FS_RECTF*)
    generated: Callable[..., int]  # FPDFText_IsGenerated(textpage, index)
    #: The compiled loops (``pdfcalls``, built from pdfcalls.c), with the address of
    #: ``FPDFText_GetLooseCharBox`` for them to call; None where they are not built.
    native: ModuleType | None = None
    box_address: int = 0
    generated_address: int = 0


@functools.cache
def _char_calls() -> _CharCalls:
    """``FPDFText_GetLooseCharBox`` and ``FPDFText_IsGenerated`` as bare C calls, and the
    compiled loop asking many boxes at once where it is built.

    Through pypdfium2 each costs about 1.5 us, most of it ctypes converting and checking
    the arguments and releasing the GIL; the same C function with no argument types
    (the text page handle and a pointer to a rectangle passed as they are, the index as
    a C int) that keeps the GIL (a call takes well under a microsecond) costs about 0.3 us.
    The compiled loop (``corpus_tools/io/formats/pdfcalls.c``, built at install; not used
    when ``CORPUS_TOOLS_NATIVE=0`` is set) calls the box function itself, a few
    nanoseconds a box besides PDFium's own work. Where pypdfium2's functions use another
    calling convention than cdecl, its own calls are used (the same text, slower).
    """
    import pypdfium2.raw as pdfium_c

    found = []
    cdecl = True
    # the box's answer (whether it was found) is not read: no result converted (0.05 us)
    for fn, answer in (
        (pdfium_c.FPDFText_GetLooseCharBox, None),
        (pdfium_c.FPDFText_IsGenerated, ctypes.c_int),
    ):
        if type(fn)._flags_ != ctypes.CFUNCTYPE(ctypes.c_int)._flags_:
            found.append(fn)
            cdecl = False
            continue
        address = ctypes.cast(fn, ctypes.c_void_p).value or 0
        call = ctypes.PYFUNCTYPE(answer)(address)
        call.argtypes = None  # type: ignore[assignment]  # None: no conversion (typeshed: a list)
        found.append(call)
    native = _native_calls() if cdecl else None
    box, generated = (
        ctypes.cast(fn, ctypes.c_void_p).value or 0
        for fn in (pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_IsGenerated)
    )
    return _CharCalls(found[0], found[1], native, box, generated)


def _native_calls() -> ModuleType | None:
    """The compiled loops of the reader, or None where they are not built or
    ``CORPUS_TOOLS_NATIVE=0`` is set."""
    if os.environ.get("CORPUS_TOOLS_NATIVE", "1") == "0":
        return None
    try:
        from corpus_tools.io.formats import pdfcalls
    except ImportError:
        return None
    return pdfcalls


def native_pdf_calls() -> bool:
    """Whether the PDF reader's loops over a page's characters and lines are compiled
    (else they run in Python through ctypes, with the same text)."""
    return _native_calls() is not None


class _Boxes:
    """Room for the boxes of a batch of characters: PDFium writes each into a rectangle
    of its own (``slots``: references to them), read back at once as floats (``floats``:
    left, top, right, bottom of each box in turn), and for a page's text (:meth:`text`).
    One per thread, made when first used."""

    def __init__(self) -> None:
        import pypdfium2.raw as pdfium_c

        rects = (pdfium_c.FS_RECTF * BATCH)()
        self.slots = [ctypes.byref(rect) for rect in rects]
        self.floats = memoryview(rects).cast("B").cast("f")
        self._text = (ctypes.c_ushort * TEXT_ROOM)()
        self._room = array.array("f", bytes(16 * BATCH))

    def room(self, size: int) -> array.array[float]:
        """Room for ``size`` floats, for the compiled loop to write boxes into (a new,
        larger one when it is short: views of the old one may still be read)."""
        if len(self._room) < size:
            self._room = array.array("f", bytes(4 * max(size, 2 * len(self._room))))
        return self._room

    def text(self, size: int) -> ctypes.Array[ctypes.c_ushort]:
        """Room for ``size`` UTF-16 code units of a page's text, kept for the next page (a
        ctypes array type of each page's own length costs 45 us to make, and its memory)."""
        if len(self._text) < size:
            self._text = (ctypes.c_ushort * max(size, 2 * len(self._text)))()
        return self._text


_THREAD = threading.local()
#: Runs an iterator to its end (the calls in a ``map``), keeping nothing.
_consume: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend


def _boxes() -> _Boxes:
    """This thread's :class:`_Boxes`."""
    found = getattr(_THREAD, "boxes", None)
    if found is None:
        found = _THREAD.boxes = _Boxes()
    return found


class _PageText:
    """The lines of one page, repaired (spaces, order) from PDFium's text page.

    A line asks PDFium only what it needs: the boxes of its first and last glyphs, where
    each run of glyphs of one script was set when the line holds a quotation mark or
    dash (a line of Chinese alone is one run), and whether a space next to a Chinese
    character was generated. The rest is string work on the page's text, read at once,
    and the questions go to PDFium in batches (``map``, no Python between the calls).
    """

    def __init__(self, textpage: Any, text: str, calls: _CharCalls, boxes: _Boxes) -> None:
        self.handle = textpage
        self.text = text
        self._ask = calls.box
        self._generated = calls.generated
        self._boxes = boxes
        self._native = calls.native
        self._native_box = calls.box_address
        self._native_generated = calls.generated_address
        self._address = ctypes.cast(textpage, ctypes.c_void_p).value if calls.native else 0

    def ask(self, indexes: list[int]) -> memoryview[float]:
        """The boxes of these characters: left, top, right, bottom of each in turn (a
        view of this thread's room, good until the next question)."""
        count = len(indexes)
        boxes = self._boxes
        if self._native is not None:
            room = boxes.room(4 * count)
            self._native.loose_boxes(self._native_box, self._address, indexes, room)
            return cast("memoryview[float]", memoryview(room)[: 4 * count])
        if count > BATCH:
            asked = array.array("f")
            for at in range(0, count, BATCH):
                asked.extend(self.ask(indexes[at : at + BATCH]))
            return memoryview(asked)
        _consume(map(self._ask, itertools.repeat(self.handle, count), indexes, boxes.slots))
        return boxes.floats[: 4 * count]

    def lines(self) -> _Page:
        """The page's lines with text: repaired, and where each stands.

        Whole-page steps (``map`` over the lines) rather than a Python loop over them: at
        two microseconds a line that loop alone would be a tenth of the time PDFium
        takes to read the page.
        """
        lines = self.text.split("\r\n")
        stripped = list(map(str.strip, lines))
        kept = list(itertools.compress(stripped, stripped))  # the lines with text
        # where each line starts on the page (each ends with "\r\n"), and its first glyph
        twos = itertools.repeat(2)
        starts = itertools.accumulate(map(operator.add, map(len, lines), twos), initial=0)
        firsts = list(
            map(
                operator.add,
                itertools.compress(starts, stripped),
                map(str.find, itertools.compress(lines, stripped), kept),
            )
        )
        lasts = list(map(operator.add, firsts, map(len, kept)))  # one past each line's end
        # the lines put in order of positions, and the others without the layout's spaces
        fixed = {}
        marks = list(map(re.Match.start, _MOVABLE_LINE.finditer(self.text)))
        if marks:  # the lines they are in (once: a line may hold a lone "\r" or "\n")
            after = map(bisect.bisect_right, itertools.repeat(firsts), marks)
            found = map(operator.sub, after, itertools.repeat(1))
            fixed = self._reorder(firsts, lasts, kept, list(dict.fromkeys(found)))
        page = self.text
        if fixed:  # their spaces need no question: hidden (the others keep their places)
            hidden = lines.copy()
            at = list(itertools.compress(range(len(lines)), stripped))
            for k in fixed:
                hidden[at[k]] = "x" * len(lines[at[k]])
            page = "\r\n".join(hidden)
        cleaned = self._without_layout_spaces(page).split("\r\n")
        texts = list(map(str.strip, itertools.compress(cleaned, stripped)))
        for k, text in fixed.items():
            texts[k] = text
        if self._native is not None:
            return _Page(
                texts, *self._native.placed(self._native_box, self._address, firsts, lasts)
            )
        count = len(firsts)
        firsts += map(operator.sub, lasts, itertools.repeat(1))  # and the last glyphs
        return _placed(texts, self.ask(firsts), count)

    def _reorder(
        self, firsts: list[int], lasts: list[int], lines: list[str], movable: list[int]
    ) -> dict[int, str]:
        """The lines ``movable`` (their numbers in ``lines``, as PDFium gave them) where a
        quotation mark or dash stands out of content order, put in the order of positions
        a run of glyphs at a time: their numbers and texts (their first glyphs set in
        ``firsts``, and one past their last in ``lasts``)."""
        split = self._runs if self._native is None else self._native.runs
        runs, starts, bounds = split(lines, firsts, movable)
        found = None
        if self._native is not None:  # (None where a box is no number: Python decides)
            found = self._native.ordered(
                self._native_box, self._address, runs, starts, bounds, ORDER_SLACK
            )
        if found is None:
            lefts = cast(list[float], self.ask(starts)[0::4].tolist())  # where each run was set
            wrong = _out_of_order(runs, lefts, bounds)
            # a stable sort of each line's runs by where each was set
            orders = [sorted(range(bounds[j], bounds[j + 1]), key=lefts.__getitem__) for j in wrong]
        else:
            wrong, orders = found
        if not wrong:
            return {}
        # Chinese joins without a space, Latin words with one (one substitution a page)
        joined = "\n".join([" ".join(map(runs.__getitem__, order)) for order in orders])
        # (as a rule no two Latin words or numbers meet: every space goes, no regex)
        joined = _SEAM.sub("", joined) if _LATIN_SEAM.search(joined) else joined.replace(" ", "")
        fixed = dict(zip(map(movable.__getitem__, wrong), joined.split("\n"), strict=True))
        for j, order in zip(wrong, orders, strict=True):
            k = movable[j]
            firsts[k] = starts[order[0]]
            lasts[k] = starts[order[-1]] + len(runs[order[-1]])
        return fixed

    @staticmethod
    def _runs(
        lines: list[str], firsts: list[int], movable: list[int]
    ) -> tuple[list[str], list[int], list[int]]:
        """The runs of glyphs of the lines ``movable``, read at once: the runs, where each
        starts on the page, and where each line's runs start in that list (and the end)."""
        chosen = list(map(lines.__getitem__, movable))
        joined = "\n".join(chosen)
        parts = _RUN_SPLIT.split(joined)  # the spaces before each run, the run, ... spaces
        ends = list(itertools.accumulate(map(len, parts)))  # where the next part starts
        offsets = ends[0:-1:2]  # where each run starts in ``joined``
        # where each line starts in ``joined`` and which runs are its
        ones = itertools.repeat(1)
        line_at = list(itertools.accumulate(map(operator.add, map(len, chosen), ones), initial=0))
        bounds = list(map(bisect.bisect_left, itertools.repeat(offsets), line_at))
        # a run's place on the page: its place in ``joined`` and its line's shift
        shifts = map(operator.sub, map(firsts.__getitem__, movable), line_at)
        counts = map(operator.sub, bounds[1:], bounds)
        per_run = itertools.chain.from_iterable(map(itertools.repeat, shifts, counts))
        starts = list(map(operator.add, offsets, per_run))
        runs = parts[1::2]
        if any(space in joined for space in _SPACES_IN_RUNS):  # as _RUN_AND_GAP took them
            runs = list(map(str.rstrip, runs))
        return runs, starts, bounds

    def _without_layout_spaces(self, page: str) -> str:
        """The page's text without the layout's spaces next to a Chinese character."""
        if self._native is not None:
            return cast(
                str,
                self._native.layout_spaces(
                    self._native_box, self._native_generated, self._address, page, ORDER_SLACK
                ),
            )
        pieces = _SPACE_BY_CJK.split(page)
        if len(pieces) == 1:
            return page
        # where each space was: after the pieces before it and their spaces
        spaces = itertools.islice(
            itertools.accumulate(
                map(operator.add, map(len, pieces), itertools.repeat(1)), initial=-1
            ),
            1,
            len(pieces),
        )
        if all(map(self._generated, itertools.repeat(self.handle), spaces)):
            return "".join(pieces)  # as a rule every one
        kept = []
        at = -1
        for piece in pieces[:-1]:
            at += len(piece) + 1
            kept.append(piece)
            if not (self._generated(self.handle, at) or self._moved(at)):
                kept.append(" ")
        kept.append(pieces[-1])
        return "".join(kept)

    def _moved(self, index: int) -> bool:
        """Whether the (typed) space at ``index`` was set in another font's run and stands
        away from its place: left of the glyph before it (the page's first is not)."""
        if index < 1:
            return False
        here, _, _, _, before, _, _, _ = self.ask([index, index - 1]).tolist()
        return bool(here < before - ORDER_SLACK)


def _placed(texts: list[str], boxes: memoryview[float], count: int) -> _Page:
    """Lines from their texts and the boxes of their first glyphs and then of their last
    (FS_RECTF: left, top, right, bottom; four floats a glyph): a line's left is its first
    glyph's, its right and top the farther of the two, its size the larger height (the
    larger as ``max`` takes it, without its call)."""
    half = 4 * count
    tops, bottoms = boxes[1:half:4].tolist(), boxes[3:half:4].tolist()
    tops_2, bottoms_2 = boxes[half + 1 :: 4].tolist(), boxes[half + 3 :: 4].tolist()
    rights = zip(boxes[2:half:4].tolist(), boxes[half + 2 :: 4].tolist(), strict=True)
    heights = zip(
        map(operator.sub, tops, bottoms), map(operator.sub, tops_2, bottoms_2), strict=True
    )
    return _Page(
        texts,
        cast(list[float], boxes[0:half:4].tolist()),
        [b if b > a else a for a, b in rights],
        [b if b > a else a for a, b in zip(tops, tops_2, strict=True)],
        [b if b > a else a for a, b in heights],
    )


def _out_of_order(runs: list[str], lefts: list[float], bounds: list[int]) -> list[int]:
    """The lines where a run of quotation marks or dashes stands left of the run before
    it, or the run after it left of it (set in another font, drawn out of content order).

    ``runs`` are the runs of glyphs of some lines, ``lefts`` where each was set, and
    line ``j`` has the runs ``bounds[j]`` to ``bounds[j + 1]``.
    """
    # each run set left of the one before it (by more than the slack)
    back = list(
        map(operator.lt, lefts[1:], map(operator.sub, lefts, itertools.repeat(ORDER_SLACK)))
    )
    # but not from a line's last run to the next line's first
    lines_last = map(operator.sub, bounds[1:-1], itertools.repeat(1))
    _consume(map(back.__setitem__, lines_last, itertools.repeat(False)))
    found: list[int] = []
    for r in itertools.compress(range(len(back)), back):  # runs r and r + 1
        if (
            _MOVABLE_FIRST <= runs[r][0] <= _MOVABLE_LAST
            or _MOVABLE_FIRST <= runs[r + 1][0] <= _MOVABLE_LAST
        ):
            j = bisect.bisect_right(bounds, r) - 1
            if not found or found[-1] != j:
                found.append(j)
    return found


# --------------------------------------------------------------------------- furniture


def _furniture_key(text: str) -> str:
    """A header or footer line, digits and spaces aside (``第 3 页`` ~ ``第 4 页``)."""
    return _DIGITS_AND_SPACE.sub("#", text.strip())


def _drop_furniture(pages: list[_Page]) -> list[_Page]:
    """The pages without running headers, footers and page numbers."""
    heads = [list(map(_furniture_key, page.texts[:FURNITURE_LINES])) for page in pages]
    feet = [list(map(_furniture_key, page.texts[-FURNITURE_LINES:])) for page in pages]
    tops = Counter(itertools.chain.from_iterable(map(set, heads)))  # pages opening so
    bottoms = Counter(itertools.chain.from_iterable(map(set, feet)))
    need = max(FURNITURE_MIN_PAGES, FURNITURE_SHARE * len(pages))

    def furniture(text: str, key: str, counts: Counter[str]) -> bool:
        return bool(_PAGE_NUMBER.fullmatch(text)) or counts[key] >= need

    out = []
    for page, head_keys, foot_keys in zip(pages, heads, feet, strict=True):
        texts = page.texts
        head, tail = 0, len(texts)
        while head < min(FURNITURE_LINES, tail) and furniture(texts[head], head_keys[head], tops):
            head += 1
        foot = len(texts) - len(foot_keys)  # the line the keys in ``foot_keys`` start at
        while tail > max(head, len(texts) - FURNITURE_LINES) and furniture(
            texts[tail - 1], foot_keys[tail - 1 - foot], bottoms
        ):
            tail -= 1
        out.append(page if (head, tail) == (0, len(texts)) else page.sliced(head, tail))
    return out


# --------------------------------------------------------------------------- paragraphs


class _Margins(NamedTuple):
    """A page's text block: where lines start and end, how far apart they are, how large
    a character is (the median line's)."""

    left: float
    right: float
    spacing: float
    size: float


def _median(values: Iterable[float]) -> float:
    """``statistics.median`` (the same arithmetic) without its checks and conversions."""
    ordered = sorted(values)
    half = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[half]
    return (ordered[half - 1] + ordered[half]) / 2


def _margins(page: _Page) -> _Margins:
    tops = page.tops
    steps = [a - b for a, b in itertools.pairwise(tops) if a > b]
    return _Margins(
        min(page.lefts),
        max(page.rights),
        _median(steps) if steps else 0.0,
        _median(page.sizes),
    )


def _page_margins(pages: list[_Page]) -> list[_Margins]:
    """Each page's margins; a page of few lines takes the document's (the median page's)."""
    own = [_margins(page) if len(page.texts) >= MIN_LINES_FOR_MARGINS else None for page in pages]
    known = [m for m in own if m is not None]
    if known:
        fallback = _Margins(*(_median(m[k] for m in known) for k in range(4)))
    else:
        every = _Page(
            *(list(itertools.chain.from_iterable(column)) for column in zip(*pages, strict=True))
        )
        fallback = _margins(every) if every.texts else _Margins(0.0, 0.0, 0.0, 0.0)
    return [m if m is not None else fallback for m in own]


def _paragraphs(pages: list[_Page]) -> list[str]:
    """Lines joined into paragraphs, across page breaks too.

    A paragraph ends after a line that ends short of its page's right margin, before a
    line indented (or centred) from its page's left margin, and, on a page, where a wider
    gap than the page's usual line spacing lies between two lines. Chinese lines join
    without a space, Latin words (or numbers) with one.
    """
    paragraphs: list[str] = []
    parts: list[str] | None = None  # the current paragraph's pieces (lines, and " ")
    short = right = top = 0.0  # the previous line's page's short-line bar, its right, top
    for page, margin in zip(pages, _page_margins(pages), strict=True):
        indent = margin.left + INDENT_CHARS * margin.size
        gap = PARAGRAPH_GAP * margin.spacing if margin.spacing > 0 else math.inf
        page_short = margin.right - SHORT_LINE_CHARS * margin.size
        top = -math.inf  # no gap above a page's first line
        for text, left, line_right, line_top in zip(
            page.texts, page.lefts, page.rights, page.tops, strict=True
        ):
            if parts is None:
                parts = [text]
            elif right < short or left > indent or top - line_top > gap:
                paragraphs.append("".join(parts))
                parts = [text]
            elif text:
                tail = parts[-1]
                if tail and tail[-1] in _LATIN and text[0] in _LATIN:
                    parts.append(" ")
                parts.append(text)
            right, top, short = line_right, line_top, page_short
    if parts is not None:
        paragraphs.append("".join(parts))
    return paragraphs
