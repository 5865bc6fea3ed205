"""``.docx`` (Word 2007+): paragraphs and tables in document order, via python-docx.

A table row becomes one line, its cells joined by a tab (a merged cell, which python-docx
repeats, once). The archive is checked before anything is inflated: a file that would
decompress to more than :data:`~corpus_tools.io.limits.MAX_DOCX_UNCOMPRESSED` bytes is
refused (a zip bomb), as is a zip that holds no ``word/document.xml``
(:func:`~corpus_tools.io.formats.archive.check_zip`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from corpus_tools.errors import InputReadError
from corpus_tools.io.documents import FileText
from corpus_tools.io.formats.archive import check_zip

__all__ = ["DOCX_SUFFIXES", "read_docx"]

DOCX_SUFFIXES = (".docx",)


def read_docx(path: str | os.PathLike[str]) -> FileText:
    """The text of a ``.docx``: one line per paragraph and per table row."""
    p = Path(path)
    check_zip(p, ".docx", "word/document.xml", "a Word document")
    import docx

    try:
        document = docx.Document(str(p))
    except Exception as exc:  # python-docx raises many kinds on broken parts
        raise InputReadError(str(p), f"broken .docx: {type(exc).__name__}: {exc}") from None
    return FileText("\n".join(_body_lines(document)))


def _body_lines(document: Any) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            lines.extend(_row_line(row) for row in Table(block, document).rows)
    return lines


def _row_line(row: Any) -> str:
    cells: list[str] = []
    for cell in row.cells:
        value = cell.text.strip()
        if not cells or value != cells[-1]:  # merged cells repeat their text
            cells.append(value)
    return "\t".join(cells)
