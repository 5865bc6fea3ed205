"""RTF under a ``.doc`` name: what AbiWord saves as "Word", and many web systems serve.

A small reader of the Rich Text Format (no library needed): the text of the document's
body in order, a paragraph (``\\par``) a line, a table row (``\\row``) a line of
tab-joined cells (``\\cell``), a field's result without its code. Characters come as
``\\uN`` (Unicode) or ``\\'hh`` bytes in the document's code page (``\\ansicpg936``: GBK)
or the font's (``\\fcharset134``: GB2312 -> GB18030). Font, colour and style tables,
document information, headers, footers, footnotes, comments, pictures and every
``{\\*...}`` destination are skipped.

Examples
--------
>>> rtf_text(rb"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl{\\f0 SimSun;}}\\'b9\\'d8\\'d3\\'da\\par "
...          rb"\\u19977?\\u20250?\\u19968?\\u35838?}")
'关于\\n三会一课'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus_tools.errors import InputReadError
from corpus_tools.io.documents import FileText

__all__ = ["read_rtf", "rtf_text"]

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, optional number, one delimiter space
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the code page
    rb"|\\([^a-zA-Z'])"  # control symbol
    rb"|([{}])"
    rb"|[\r\n]+"  # line breaks in the file are no text
    rb"|([^\\{}\r\n]+)"
)
#: Destinations (groups) whose text is not the document's body.
SKIPPED = frozenset(
    b"""annotation atnauthor atnid author bkmkend bkmkstart colortbl comment company
    datastore doccomm falt field_instruction fldinst filetbl footer footerf footerl footerr
    footnote generator header headerf headerl headerr info keywords latentstyles listtable
    listoverridetable listtext mmathPr nonshppict object operator pgdsctbl pict printim
    revtbl rsidtbl shpinst sp stylesheet subject tc themedata title txe xe xmlnstbl
    colorschememapping""".split()
)
#: Control words that are characters.
CHARACTERS = {
    b"par": "\n",
    b"line": "\n",
    b"sect": "\n",
    b"page": "\n",
    b"tab": "\t",
    b"emdash": "\u2014",
    b"endash": "\u2013",
    b"lquote": "\u2018",
    b"rquote": "\u2019",
    b"ldblquote": "\u201c",
    b"rdblquote": "\u201d",
    b"bullet": "\u2022",
    b"emspace": "\u2003",
    b"enspace": "\u2002",
    b"qmspace": "\u2005",
}
SYMBOLS = {b"~": "\u00a0", b"-": "", b"_": "\u2011", b"\\": "\\", b"{": "{", b"}": "}"}
#: \fcharset -> code page (134: GB2312, 136: Big5, 128: Shift-JIS, 129: Hangul ...).
CHARSETS = {
    134: "gb18030",
    136: "cp950",
    128: "cp932",
    129: "cp949",
    238: "cp1250",
    204: "cp1251",
    161: "cp1253",
    162: "cp1254",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    222: "cp874",
    163: "cp1258",
}
#: \ansicpg code pages read as the encoding that contains them.
_CODE_PAGES = {936: "gb18030", 950: "cp950", 65001: "utf-8"}


@dataclass
class _Group:
    skip: bool = False
    uc: int = 1  # characters standing for the last \u, to be skipped
    codepage: str = "cp1252"
    fonttbl: bool = False


@dataclass
class _Reader:
    """The state of one pass over an RTF document."""

    groups: list[_Group] = field(default_factory=lambda: [_Group()])
    fonts: dict[int, str] = field(default_factory=dict)
    font: int | None = None
    default_codepage: str = "cp1252"
    pending: bytearray = field(default_factory=bytearray)
    units: list[int] = field(default_factory=list)  # UTF-16 code units of \u
    out: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    line_start: int = 0  # where in ``out`` the current line (or table cell) begins
    in_table: bool = False
    to_skip: int = 0
    first_in_group: bool = False

    @property
    def group(self) -> _Group:
        return self.groups[-1]

    def flush(self) -> None:
        if self.pending:
            self.out.append(bytes(self.pending).decode(self.group.codepage, "replace"))
            self.pending.clear()
        if self.units:
            data = b"".join(u.to_bytes(2, "little") for u in self.units)
            self.out.append(data.decode("utf-16-le", "replace"))
            self.units.clear()

    def emit(self, text: str) -> None:
        if not self.group.skip and text:
            self.flush()
            self.out.append(text)

    def open(self) -> None:
        self.flush()
        top = self.group
        self.groups.append(_Group(top.skip, top.uc, top.codepage, top.fonttbl))
        self.first_in_group = True
        self.to_skip = 0

    def close(self) -> None:
        self.flush()
        if len(self.groups) > 1:
            self.groups.pop()
        self.first_in_group = False
        self.to_skip = 0

    def word(self, name: bytes, number: int | None) -> None:
        group = self.group
        first, self.first_in_group = self.first_in_group, False
        if name == b"fonttbl":
            group.skip = group.fonttbl = True
        elif group.fonttbl:
            self._font_entry(name, number)
        elif first and name in SKIPPED:
            group.skip = True
        elif name == b"u" and number is not None:
            self._unicode(number)
        elif name == b"uc" and number is not None:
            group.uc = max(number, 0)
        elif name == b"ansicpg" and number is not None:
            self.default_codepage = _CODE_PAGES.get(number, f"cp{number}")
            group.codepage = _known(self.default_codepage)
        elif name == b"f" and number is not None:
            self.font = number
            group.codepage = self.fonts.get(number, self.default_codepage)
        else:
            self._layout(name)

    def _font_entry(self, name: bytes, number: int | None) -> None:
        if name == b"f" and number is not None:
            self.font = number
        elif name == b"fcharset" and number is not None and self.font is not None:
            codepage = CHARSETS.get(number)
            if codepage:
                self.fonts[self.font] = codepage

    def _unicode(self, number: int) -> None:
        if self.group.skip:
            return
        if self.pending:
            self.flush()
        self.units.append(number & 0xFFFF)
        self.to_skip = self.group.uc

    def _layout(self, name: bytes) -> None:
        if name in CHARACTERS:
            self.emit(CHARACTERS[name])
            if CHARACTERS[name] == "\n" and not self.in_table and not self.group.skip:
                self.line_start = len(self.out)  # (in a table cell, the cell goes on)
        elif name == b"pard":
            self.in_table = False
        elif name == b"intbl":
            self.in_table = True
        elif name == b"cell" and not self.group.skip:
            self.cells.append(self._take().strip())
        elif name == b"row" and not self.group.skip:
            self._take()
            self.out.append("\t".join(self.cells) + "\n")
            self.line_start = len(self.out)
            self.cells = []

    def _take(self) -> str:
        """The text of the current cell, removed from the output."""
        self.flush()
        text = "".join(self.out[self.line_start :])
        del self.out[self.line_start :]
        return text

    def text(self, data: str) -> None:
        self.first_in_group = False
        if self.to_skip:
            skipped = min(self.to_skip, len(data))
            data = data[skipped:]
            self.to_skip -= skipped
        if data and not self.group.skip:
            self.flush()
            self.out.append(data)

    def byte(self, value: int) -> None:
        self.first_in_group = False
        if self.to_skip:
            self.to_skip -= 1
            return
        if not self.group.skip:
            if self.units:
                self.flush()
            self.pending.append(value)


def _known(codepage: str) -> str:
    try:
        "".encode(codepage)
    except LookupError:
        return "cp1252"
    return codepage


def rtf_text(data: bytes) -> str:
    """The body text of an RTF document (lines: paragraphs and table rows)."""
    reader = _Reader()
    pos = 0
    for m in _TOKEN.finditer(data):
        if m.start() < pos:
            continue  # inside the bytes of a \bin
        word, number, byte, symbol, brace, text = m.groups()
        if word is not None:
            value = int(number) if number is not None else None
            if word == b"bin" and value:
                pos = m.end() + value
                continue
            reader.word(word, value)
        elif byte is not None:
            reader.byte(int(byte, 16))
        elif symbol is not None:
            _symbol(reader, symbol)
        elif brace == b"{":
            reader.open()
        elif brace == b"}":
            reader.close()
        elif text is not None:
            reader.text(text.decode(reader.group.codepage, "replace"))
    reader.flush()
    return "".join(reader.out).removesuffix("\n")


def _symbol(reader: _Reader, symbol: bytes) -> None:
    if symbol == b"*":
        if reader.first_in_group:
            reader.group.skip = True  # an optional destination the reader does not know
        return
    reader.first_in_group = False
    if reader.to_skip:
        reader.to_skip -= 1
        return
    reader.emit(SYMBOLS.get(symbol, ""))


def read_rtf(path: str | os.PathLike[str]) -> FileText:
    """The text of an RTF file.

    Raises
    ------
    InputReadError
        When the file does not start as RTF does.
    """
    p = Path(path)
    data = p.read_bytes()
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise InputReadError(str(p), "not an RTF document: no {\\rtf signature")
    return FileText(rtf_text(data))
