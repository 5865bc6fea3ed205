"""``.odt`` (OpenDocument text, LibreOffice's and WPS Office's own format).

The archive is checked as a ``.docx`` is (zip bombs refused), then ``content.xml`` is read
with lxml (already a dependency, through python-docx), entities not resolved, no network:
paragraphs and headings in document order, list items as paragraphs, sections and
tables of contents walked through, a table row as one line of tab-joined cells (a
covered cell of a merge skipped). Spaces written as ``<text:s text:c="3"/>``, tabs and
line breaks are restored; notes, comments, text boxes and tracked deletions are not body
text and are left out (as for ``.docx``). A password-protected file is named as such.

Why not odfpy: its last release is from 2020, and walking ``content.xml`` takes a few
dozen lines with the parser the toolkit already has.

Examples
--------
>>> read_odt("tests/data/formats/table.odt").text.splitlines()[3:6]
['一、坚持党建引领，进一步优化组织领导', '社区\\t党员人数', 'XX社区\\tX人\\t优秀']
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any

from corpus_tools.errors import InputReadError
from corpus_tools.io.documents import FileText
from corpus_tools.io.formats.archive import open_zip

__all__ = ["ODT_SUFFIXES", "read_odt"]

ODT_SUFFIXES = (".odt",)

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"

_PARAGRAPHS = frozenset({f"{_TEXT}p", f"{_TEXT}h"})
_TABLES = frozenset({f"{_TABLE}table"})
_ROW = f"{_TABLE}table-row"
_CELL = f"{_TABLE}table-cell"
#: Elements that hold no body text: declarations, tracked changes (deleted text lives
#: there), the templates of a table of contents, forms.
_NOT_BODY = frozenset(
    {
        f"{_TEXT}tracked-changes",
        f"{_TEXT}sequence-decls",
        f"{_TEXT}variable-decls",
        f"{_TEXT}user-field-decls",
        f"{_TEXT}table-of-content-source",
        f"{_TEXT}illustration-index-source",
        f"{_OFFICE}forms",
        f"{_TABLE}table-columns",
        f"{_TABLE}table-column",
        f"{_TABLE}covered-table-cell",
    }
)
#: Inline elements left out of a paragraph's text: notes, comments, frames (images and
#: text boxes), a change's position marks.
_NOT_INLINE = frozenset(
    {
        f"{_TEXT}note",
        f"{_OFFICE}annotation",
        f"{_OFFICE}annotation-end",
        f"{_DRAW}frame",
        f"{_DRAW}custom-shape",
        f"{_TEXT}change",
        f"{_TEXT}change-start",
        f"{_TEXT}change-end",
    }
)
_SPACE = f"{_TEXT}s"
_TAB = f"{_TEXT}tab"
_LINE_BREAK = f"{_TEXT}line-break"
#: ODF collapses white space in element content; extra spaces are ``<text:s/>``.
_WHITE = re.compile(r"[ \t\r\n]+")
#: The most spaces one ``<text:s text:c="N"/>`` is taken to stand for.
MAX_SPACES = 1000


def read_odt(path: str | os.PathLike[str]) -> FileText:
    """The text of an ``.odt``: one line per paragraph, heading and table row.

    Raises
    ------
    InputReadError
        For an encrypted, corrupt or oversized file (the reason says which).
    """
    p = Path(path)
    from lxml import etree

    with open_zip(p, ".odt", "content.xml", "an OpenDocument file") as zf:
        try:
            content = zf.read("content.xml")
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            root = etree.fromstring(content, parser)
        except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError) as exc:
            _refuse_encrypted(zf, p)  # an encrypted content.xml is no XML
            raise InputReadError(str(p), f"broken .odt: {type(exc).__name__}: {exc}") from None
        body = root.find(f"{_OFFICE}body/{_OFFICE}text")
        if body is None:
            _refuse_encrypted(zf, p)
            raise InputReadError(str(p), "not a text document: no office:text in content.xml")
    lines: list[str] = []
    _blocks(body, lines)
    return FileText("\n".join(lines))


def _refuse_encrypted(zf: zipfile.ZipFile, p: Path) -> None:
    """Raise for a password-protected ``.odt`` (its manifest lists encryption data): asked
    only when its content cannot be read, so a readable file's manifest is not inflated."""
    try:
        manifest = zf.read("META-INF/manifest.xml") if _has(zf, "META-INF/manifest.xml") else b""
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if b"encryption-data" in manifest:
        raise InputReadError(str(p), "password-protected (encrypted) .odt")


def _has(zf: zipfile.ZipFile, name: str) -> bool:
    try:
        zf.getinfo(name)
    except KeyError:
        return False
    return True


def _blocks(element: Any, lines: list[str]) -> None:
    """Append the lines of the block elements under ``element``, in document order."""
    for child in element:
        tag = child.tag
        if tag in _PARAGRAPHS:
            lines.append(_inline_text(child))
        elif tag in _TABLES:
            _table_lines(child, lines)
        elif tag not in _NOT_BODY and isinstance(tag, str):
            _blocks(child, lines)  # lists, list items, sections, index bodies


def _table_lines(table: Any, lines: list[str]) -> None:
    for row in table.iter(_ROW):
        if _owning_table(row) is not table:
            continue  # a row of a table nested in a cell: part of that cell's text
        cells = []
        for cell in row:
            if cell.tag == _CELL:
                inner: list[str] = []
                _blocks(cell, inner)
                cells.append("\n".join(inner).strip())
        lines.append("\t".join(cells))


def _owning_table(row: Any) -> Any:
    parent = row.getparent()
    while parent is not None and parent.tag not in _TABLES:
        parent = parent.getparent()
    return parent


def _inline_text(element: Any) -> str:
    out: list[str] = []
    _inline(element, out)
    return "".join(out)


def _space_count(value: str | None) -> int:
    """The spaces a ``<text:s>`` stands for (1 when its count is missing or not a number)."""
    if value is None or not value.isdigit():
        return 1
    return min(int(value), MAX_SPACES)


def _collapsed(text: str) -> str:
    """``text`` with each run of white space made one space (a text without a tab, line
    break or two spaces in a row is left as it is, without a search through it)."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        return _WHITE.sub(" ", text)
    return text


def _inline(element: Any, out: list[str]) -> None:
    if element.text:
        out.append(_collapsed(element.text))
    for child in element:
        tag = child.tag
        if tag == _SPACE:
            out.append(" " * _space_count(child.get(f"{_TEXT}c")))
        elif tag == _TAB:
            out.append("\t")
        elif tag == _LINE_BREAK:
            out.append("\n")
        elif tag not in _NOT_INLINE and isinstance(tag, str):
            _inline(child, out)  # spans, links, fields, bookmarks
        if child.tail:
            out.append(_collapsed(child.tail))
