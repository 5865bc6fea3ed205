"""``.doc`` and ``.wps``: the binary Word format (Word 97-2003; WPS Office writes it as .wps).

The file is an OLE2 compound file (read with :mod:`olefile`). Its ``WordDocument`` stream
starts with the FIB, which says where the *piece table* is (in the ``0Table`` or ``1Table``
stream): the main text is a sequence of pieces, each either UTF-16 or 8-bit (cp1252)
bytes of the ``WordDocument`` stream. Reading the pieces of the first ``ccpText``
characters gives the main text in reading order, without headers, footers, footnotes,
comments or text boxes (they follow it). Then Word's control characters become text:

* ``\\r`` ends a paragraph -> ``\\n``; ``\\x0b`` (line break) and ``\\x0c`` (page or
  section break) -> ``\\n``;
* a field ``\\x13 code \\x14 result \\x15`` keeps its result only (a page number, a
  hyperlink's text), a field without result is dropped;
* ``\\x07`` ends a table cell, or a table row when the paragraph properties (the PAPX
  pages) say so (``sprmPFTtp``): a row becomes one line, its cells joined by a tab,
  as for ``.docx``;
* anchors of pictures, drawings, footnote and comment marks are dropped.

Why a reader of the format and not a converter: it is exact for Chinese (the pieces are
UTF-16), fast (about 0.35 ms a file of the seed reports, no process to start), and
needs no system package; olefile is pure Python (BSD licence), maintained, and used by
oletools. The file is handed to olefile in memory (by path it reads a sector at a time
and remembers the call's stack), the two big streams are gathered along the sector
chain olefile read (see ``_stream``), and a text without tables or fields, as most
reports are, is made lines with one replacement; a line is searched for control
characters only when ``isprintable`` says it may hold one. So a file is read in about
0.9 times the CPU of olefile opening it by path and reading its two streams.

A file named .doc that is really something else is read as what it is: a ``.docx``
(zip), RTF (what AbiWord saves as .doc), a web page saved as .doc (read as ``.html``);
Word 6/95, Microsoft Works ``.wps`` and encrypted files are named with the reason and
skipped.

Examples
--------
>>> text = read_doc("tests/data/formats/004.doc").text
>>> text.splitlines()[0]
'县委组织部党建工作融入社区为民服务工作情况报告'
"""

from __future__ import annotations

import bisect
import os
import re
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from corpus_tools.errors import InputReadError
from corpus_tools.io.documents import FileText

__all__ = ["DOC_SUFFIXES", "read_doc", "word97_text"]

DOC_SUFFIXES = (".doc", ".wps")

#: The first bytes of an OLE2 compound file.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The first bytes of a zip archive (a .docx saved under .doc).
ZIP_MAGIC = b"PK\x03\x04"
#: The FIB's identifier of a Word binary document.
WORD_IDENT = 0xA5EC
#: Word 97 and later write nFib 193 (0xC1) or more; Word 6/95 wrote 101-105.
NFIB_WORD97 = 0xC1
#: Bits of the FIB's flags word (offset 0x0A).
F_ENCRYPTED = 0x0100
F_WHICH_TABLE = 0x0200
F_OBFUSCATED = 0x8000
#: Byte offsets in the FIB: flags, then the counted arrays fibRgW, fibRgLw, fibRgFcLcb.
FIB_FLAGS = 0x0A
FIB_CSW = 0x20
#: Index of ccpText in fibRgLw97, and of the (fc, lcb) pairs in fibRgFcLcb97.
LW_CCP_TEXT = 3
FCLCB_PLCF_BTE_PAPX = 13
FCLCB_CLX = 33
#: A piece's file position: bit 30 set means 8-bit characters at half the position.
FC_COMPRESSED = 0x40000000
FC_MASK = 0x3FFFFFFF
#: Entries of the CLX: a property modifier, or the piece table.
CLX_PRC = 0x01
CLX_PCDT = 0x02
#: Sizes in the piece table and the paragraph-property pages.
CP_SIZE = 4
PCD_SIZE = 8
FKP_PAGE = 512
BX_PAP_SIZE = 13
#: sprmPFTtp / sprmPFInnerTtp: the paragraph is the end mark of a table row.
SPRM_ROW_ENDS = (0x2417, 0x244C)
#: The last piece table entry is a 4-byte page number; its low 22 bits are the page.
PN_MASK = 0x3FFFFF
#: Word's other control characters: anchors of pictures and drawings, note and comment
#: marks, the optional hyphen are dropped; line, page and column breaks end a line; a
#: non-breaking hyphen is a hyphen.
_CONTROLS = {
    **dict.fromkeys([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x1F]),
    0x0B: "\n",
    0x0C: "\n",
    0x0E: "\n",
    0x1E: "-",
}
_ANY_CONTROL = re.compile("[\x00-\x06\x08\x0b\x0c\x0e\x1e\x1f]")
_CELL = "\x07"
_FIELD_BEGIN, _FIELD_SEP, _FIELD_END = "\x13", "\x14", "\x15"
_FIELDS = re.compile("[\x13\x14\x15]")
#: A text without these (no table, no field) makes a line of each paragraph.
_CELL_OR_FIELD = (_CELL, _FIELD_BEGIN, _FIELD_SEP, _FIELD_END)


def read_doc(path: str | os.PathLike[str]) -> FileText:
    """The text of a ``.doc`` or ``.wps``: one line per paragraph and per table row.

    Raises
    ------
    InputReadError
        For an encrypted, corrupt or unsupported file (the reason says which).
    """
    p = Path(path)
    data = _whole_file(p)
    if data is None:
        with open(p, "rb") as fh:
            head = fh.read(len(OLE_MAGIC))
    else:
        head = data[: len(OLE_MAGIC)]
    kind = _sniff(p, head)
    if kind is not None:
        return kind(p)
    import olefile

    try:
        # from memory: olefile reads a file by path a sector at a time, and remembers
        # the call's stack (for a warning if it is not closed): a fifth of its time
        source = data if data is not None and len(data) >= olefile.MINIMAL_OLEFILE_SIZE else p
        with olefile.OleFileIO(source if isinstance(source, bytes) else str(source)) as ole:
            return FileText(word97_text(ole, str(p), data))
    except InputReadError:
        raise
    except Exception as exc:  # olefile raises OSError and its own kinds on a broken file
        raise InputReadError(
            str(p), f"broken {p.suffix.lower()}: {type(exc).__name__}: {exc}"
        ) from None


#: A file up to this size (bytes) is read into memory at once, not from its file.
READ_AT_ONCE = 256 * 1024 * 1024


def _whole_file(p: Path) -> bytes | None:
    """The file's bytes, or None for a file larger than :data:`READ_AT_ONCE` (or one that
    cannot be read: opening it again then says why)."""
    try:
        if p.stat().st_size <= READ_AT_ONCE:
            return p.read_bytes()
    except OSError:
        pass
    return None


def _sniff(p: Path, head: bytes) -> Callable[[Path], FileText] | None:
    """The reader of what a file named .doc really is (None: an OLE2 file)."""
    if head.startswith(OLE_MAGIC):
        return None
    if head.startswith(ZIP_MAGIC):
        from corpus_tools.io.formats.ooxml import read_docx

        return read_docx  # a .docx under .doc (newer WPS Office may save so)
    with open(p, "rb") as fh:
        start = fh.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype", b"<?xml")) or b"<html" in start:
        from corpus_tools.io.formats.webpage import read_html

        return read_html  # a web page saved as .doc (government sites often do)
    if start.startswith(b"{\\rtf"):
        from corpus_tools.io.formats.rtf import read_rtf

        return read_rtf  # RTF under .doc (what AbiWord and many web systems save)
    if start.startswith(b"mime-version"):
        raise InputReadError(str(p), "a web archive (MHT) named .doc: not read")
    raise InputReadError(str(p), f"not a Word document: no {p.suffix.lower()} signature")


def word97_text(ole: Any, path: str, data: bytes | None = None) -> str:
    """The main text of the Word document in an open :class:`olefile.OleFileIO` (``data``:
    the file's bytes, when olefile was given them)."""
    if not ole.exists("WordDocument"):
        raise InputReadError(path, _not_word_reason(ole))
    word = _stream(ole, "WordDocument", data)
    fib = _Fib.parse(word, path)
    table_name = "1Table" if fib.flags & F_WHICH_TABLE else "0Table"
    if not ole.exists(table_name):
        raise InputReadError(path, f"broken Word document: no {table_name} stream")
    table = _stream(ole, table_name, data)
    pieces = _pieces(_slice(table, fib.fc_clx, fib.lcb_clx, path), path)
    raw, positions = _main_text(word, pieces, fib.ccp_text, path)
    if _CELL in raw:  # paragraph properties tell table rows; a text without tables needs none
        props = _ParagraphProperties(word, _slice(table, fib.fc_papx, fib.lcb_papx, path))
    else:
        props = _ParagraphProperties(word, b"")
    return _paragraphs(raw, positions, props)


#: olefile's marks: a directory entry that is a stream, and the end of a sector chain.
_STREAM_ENTRY, _END_OF_CHAIN = 2, 0xFFFFFFFE


def _stream(ole: Any, name: str, data: bytes | None) -> bytes:
    """The bytes of the top-level stream ``name`` (it exists).

    A stream in the big sectors of a file whose bytes are at hand (``data``) is gathered
    along its chain in the FAT that olefile read (olefile's own ``openstream`` seeks and
    reads each 512-byte sector with a debug message formatted for it: a fifth of reading a
    report). Anything unusual about the chain (a sector out of the FAT or the file, a
    chain shorter than the stream), a stream in the mini stream, and a file olefile read
    from its path go to ``openstream``, which reads (or refuses) them as it always does.
    """
    entry = next((kid for kid in ole.root.kids if kid.name.lower() == name.lower()), None)
    if (
        data is None
        or entry is None
        or entry.entry_type != _STREAM_ENTRY
        or entry.size < ole.minisectorcutoff
    ):
        return bytes(ole.openstream(name).read())
    fat, size, sector = ole.fat, entry.size, ole.sectorsize
    count = -(-size // sector)
    view = memoryview(data)
    chunks = []
    at = entry.isectStart
    for _ in range(count if count <= len(fat) else 0):
        start = sector * (at + 1)  # sector 0 follows the 512-byte header
        chunk = view[start : start + sector]
        if not 0 <= at < len(fat) or (len(chunk) != sector and at != len(fat) - 1):
            break
        chunks.append(chunk)
        at = fat[at] & 0xFFFFFFFF
    else:
        gathered = b"".join(chunks)
        if len(gathered) >= size:
            return gathered[:size]
    return bytes(ole.openstream(name).read())


def _not_word_reason(ole: Any) -> str:
    if ole.exists("EncryptedPackage"):
        return "password-protected (encrypted) document"
    if ole.exists("CONTENTS") or ole.exists("MatOST"):
        return "a Microsoft Works document (not WPS Office or Word 97): not read"
    return "not a Word document: no WordDocument stream"


class _Fib(NamedTuple):
    """What the reader needs of the File Information Block."""

    flags: int
    ccp_text: int
    fc_clx: int
    lcb_clx: int
    fc_papx: int
    lcb_papx: int

    @classmethod
    def parse(cls, word: bytes, path: str) -> _Fib:
        if len(word) < FIB_CSW + 2 or struct.unpack_from("<H", word, 0)[0] != WORD_IDENT:
            raise InputReadError(path, "not a Word document: no Word identifier in its FIB")
        nfib = struct.unpack_from("<H", word, 2)[0]
        flags = struct.unpack_from("<H", word, FIB_FLAGS)[0]
        if flags & (F_ENCRYPTED | F_OBFUSCATED):
            raise InputReadError(path, "password-protected (encrypted) Word document")
        if nfib < NFIB_WORD97:
            raise InputReadError(
                path, f"Word 6/95 document (nFib {nfib}): not read (save it as .docx)"
            )
        try:
            csw = struct.unpack_from("<H", word, FIB_CSW)[0]
            at = FIB_CSW + 2 + 2 * csw
            cslw = struct.unpack_from("<H", word, at)[0]
            lw = at + 2
            ccp_text = struct.unpack_from("<i", word, lw + 4 * LW_CCP_TEXT)[0]
            fclcb = lw + 4 * cslw + 2
            fc_papx, lcb_papx = struct.unpack_from("<II", word, fclcb + 8 * FCLCB_PLCF_BTE_PAPX)
            fc_clx, lcb_clx = struct.unpack_from("<II", word, fclcb + 8 * FCLCB_CLX)
        except struct.error:
            raise InputReadError(path, "broken Word document: truncated FIB") from None
        if ccp_text < 0:
            raise InputReadError(path, "broken Word document: negative text length")
        return cls(flags, ccp_text, fc_clx, lcb_clx, fc_papx, lcb_papx)


def _slice(data: bytes, start: int, length: int, path: str) -> bytes:
    if start + length > len(data):
        raise InputReadError(path, "broken Word document: a table points past its stream")
    return data[start : start + length]


class _Piece(NamedTuple):
    cp_start: int
    cp_end: int
    fc: int  # byte position in the WordDocument stream
    compressed: bool  # 8-bit characters (else UTF-16)


def _pieces(clx: bytes, path: str) -> list[_Piece]:
    """The piece table of the CLX (property modifiers before it are skipped)."""
    i = 0
    while i < len(clx):
        kind = clx[i]
        if kind == CLX_PRC:
            (size,) = struct.unpack_from("<H", clx, i + 1)
            i += 3 + size
        elif kind == CLX_PCDT:
            (size,) = struct.unpack_from("<I", clx, i + 1)
            return _piece_list(clx[i + 5 : i + 5 + size], path)
        else:
            break
    raise InputReadError(path, "broken Word document: no piece table")


def _piece_list(plc: bytes, path: str) -> list[_Piece]:
    n = (len(plc) - CP_SIZE) // (CP_SIZE + PCD_SIZE)
    if n <= 0:
        raise InputReadError(path, "broken Word document: empty piece table")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out = []
    for k in range(n):
        (fc_raw,) = struct.unpack_from("<I", plc, CP_SIZE * (n + 1) + PCD_SIZE * k + 2)
        compressed = bool(fc_raw & FC_COMPRESSED)
        fc = (fc_raw & FC_MASK) // 2 if compressed else fc_raw & FC_MASK
        out.append(_Piece(cps[k], cps[k + 1], fc, compressed))
    return out


def _main_text(
    word: bytes, pieces: list[_Piece], ccp_text: int, path: str
) -> tuple[str, list[tuple[int, int, int]]]:
    """The first ``ccp_text`` characters, and per piece ``(text start, fc, bytes per char)``
    to find a character's position in the stream (for its paragraph properties)."""
    parts: list[str] = []
    positions: list[tuple[int, int, int]] = []
    done = 0
    for piece in pieces:
        if piece.cp_start >= ccp_text:
            break
        count = min(piece.cp_end, ccp_text) - piece.cp_start
        width = 1 if piece.compressed else 2
        end = piece.fc + count * width
        if count < 0 or end > len(word):
            raise InputReadError(path, "broken Word document: a piece points past its stream")
        data = word[piece.fc : end]
        text = (
            data.decode("cp1252", "replace")
            if piece.compressed
            else data.decode("utf-16-le", "replace")
        )
        positions.append((done, piece.fc, width))
        parts.append(text)
        done += len(text)
    return "".join(parts), positions


class _Paragraph(NamedTuple):
    in_table: bool  # sprmPFInTable or sprmPItap: the paragraph is in a table cell
    row_end: bool  # sprmPFTtp / sprmPFInnerTtp: it is the end mark of a table row


class _ParagraphProperties:
    """The table properties of paragraphs, by stream position (from the PAPX pages)."""

    def __init__(self, word: bytes, bte: bytes) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.props: list[_Paragraph] = []
        n = (len(bte) - 4) // 8
        if n <= 0:
            return
        pages = struct.unpack_from(f"<{n}I", bte, 4 * (n + 1))
        for pn in pages:
            self._read_page(word, (pn & PN_MASK) * FKP_PAGE)
        order = sorted(range(len(self.starts)), key=self.starts.__getitem__)
        self.starts = [self.starts[k] for k in order]
        self.ends = [self.ends[k] for k in order]
        self.props = [self.props[k] for k in order]

    def _read_page(self, word: bytes, at: int) -> None:
        page = word[at : at + FKP_PAGE]
        if len(page) < FKP_PAGE:
            return
        crun = page[FKP_PAGE - 1]
        if 4 * (crun + 1) + BX_PAP_SIZE * crun > FKP_PAGE:
            return  # not a PAPX page
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        base = 4 * (crun + 1)
        for k in range(crun):
            offset = 2 * page[base + BX_PAP_SIZE * k]
            self.starts.append(fcs[k])
            self.ends.append(fcs[k + 1])
            self.props.append(_table_props(page, offset) if offset else _NOT_IN_TABLE)

    def at(self, fc: int) -> _Paragraph:
        """The properties of the paragraph holding stream position ``fc``."""
        k = bisect.bisect_right(self.starts, fc) - 1
        if k >= 0 and fc < self.ends[k]:
            return self.props[k]
        return _NOT_IN_TABLE


_NOT_IN_TABLE = _Paragraph(in_table=False, row_end=False)
#: sprmPFInTable, sprmPItap: the paragraph is in a table (at some depth).
SPRM_IN_TABLE = (0x2416, 0x6649)


def _table_props(page: bytes, offset: int) -> _Paragraph:
    """The table properties the PapxInFkp at ``offset`` of an FKP page sets."""
    if offset >= len(page) - 1:
        return _NOT_IN_TABLE
    cb = page[offset]
    if cb:
        start, size = offset + 1, 2 * cb - 1
    else:
        start, size = offset + 2, 2 * page[offset + 1]
    grpprl = page[start + 2 : start + size]  # after the style index
    in_table = row_end = False
    for sprm, value in _sprms(grpprl):
        if sprm in SPRM_IN_TABLE and value:
            in_table = True
        elif sprm in SPRM_ROW_ENDS and value:
            row_end = in_table = True
    return _Paragraph(in_table, row_end)


#: Operand size by a sprm's spra (its top three bits); 6 means a size byte comes first.
_SPRA_SIZE = (1, 1, 2, 4, 2, 2, -1, 3)
_SPRA_VARIABLE = 6


def _sprms(grpprl: bytes) -> Iterator[tuple[int, int]]:
    """``(sprm, first operand byte)`` for each property modifier in a grpprl."""
    i = 0
    while i + 2 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, i)
        spra = sprm >> 13
        i += 2
        if spra == _SPRA_VARIABLE:
            if i >= len(grpprl):
                return
            size = grpprl[i] + 1
        else:
            size = _SPRA_SIZE[spra]
        yield sprm, grpprl[i] if i < len(grpprl) else 0
        i += size


_BREAKS = re.compile("[\r\x07]")


class _Layout:
    """Paragraph and cell marks made lines: a paragraph is a line, a table row a line of
    cells joined by tabs (a paragraph inside a cell stays inside it, after a line break)."""

    def __init__(self, positions: list[tuple[int, int, int]], props: _ParagraphProperties):
        self.positions = positions
        self.starts = [p[0] for p in positions]
        self.props = props
        self.lines: list[str] = []
        self.cells: list[str] = []
        self.current: list[str] = []

    def paragraph_at(self, index: int) -> _Paragraph:
        k = bisect.bisect_right(self.starts, index) - 1
        start, fc, width = self.positions[max(k, 0)]
        return self.props.at(fc + (index - start) * width)

    def mark(self, index: int, ch: str) -> None:
        props = self.paragraph_at(index)
        if ch == "\r" and props.in_table and not props.row_end:
            self.current.append("\n")  # a paragraph inside a table cell
        elif ch == "\r":
            self.lines.append("".join(self.current))
            self.current = []
        elif props.row_end:
            self.lines.append("\t".join(self.cells))
            self.cells, self.current = [], []
        else:
            self.cells.append("".join(self.current).strip())
            self.current = []

    def text(self) -> str:
        if self.cells:
            self.lines.append("\t".join([*self.cells, "".join(self.current).strip()]))
        elif self.current:
            self.lines.append("".join(self.current))
        return _without_controls("\n".join(self.lines))


def _without_controls(text: str) -> str:
    """``text`` with Word's other control characters made text or dropped (a text that
    ``isprintable`` holds none: a test 2.5 times faster than the pattern's search)."""
    if text.isprintable() or not _ANY_CONTROL.search(text):
        return text
    return text.translate(_CONTROLS)


def _paragraphs(
    raw: str, positions: list[tuple[int, int, int]], props: _ParagraphProperties
) -> str:
    """Word's control characters made text: paragraphs, table rows, field results."""
    if not any(mark in raw for mark in _CELL_OR_FIELD):  # each paragraph mark ends a line
        return "\n".join(map(_without_controls, raw.split("\r")))
    layout = _Layout(positions, props)
    for start, end in _field_free_spans(raw):
        last = start
        for m in _BREAKS.finditer(raw, start, end):
            layout.current.append(raw[last : m.start()])
            layout.mark(m.start(), m.group())
            last = m.end()
        layout.current.append(raw[last:end])
    return layout.text()


def _field_free_spans(raw: str) -> Iterator[tuple[int, int]]:
    """Spans of ``raw`` outside field codes: a field ``\\x13 code \\x14 result \\x15``
    keeps its result, a field without result is dropped (fields nest)."""
    in_code: list[bool] = []  # per open field: still in its code part?
    last = 0
    for m in _FIELDS.finditer(raw):
        if not any(in_code) and m.start() > last:
            yield last, m.start()
        mark = m.group()
        if mark == _FIELD_BEGIN:
            in_code.append(True)
        elif mark == _FIELD_SEP and in_code:
            in_code[-1] = False
        elif mark == _FIELD_END and in_code:
            in_code.pop()
        last = m.end()
    if not any(in_code) and len(raw) > last:
        yield last, len(raw)
