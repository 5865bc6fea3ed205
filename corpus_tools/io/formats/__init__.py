"""One reader per file kind, and the table that says which reader reads which suffix.

Two sorts of kind:

* a *document* kind holds one report (``.txt``, ``.md``, ``.docx``, ``.doc``, ``.wps``,
  ``.pdf``, ``.odt``, ``.html``, ``.htm``): its reader takes a
  path and returns a :class:`~corpus_tools.io.documents.FileText` (the text as loaded,
  and a title or date when the file states them). :data:`DOCUMENT_READERS` maps each
  suffix to its reader;
* a *record* kind holds one report per record (``.jsonl``, ``.jsonl.gz``, ``.csv``,
  ``.parquet``), read by :func:`~corpus_tools.io.formats.records.record_documents`.

To read a new kind, write a module with a ``read_...(path) -> FileText`` function and add
its suffixes to :data:`DOCUMENT_READERS`: folders, :func:`corpus_tools.io.load_corpus`,
:func:`corpus_tools.io.stream_corpus` and every command then read it.

Examples
--------
>>> suffix_of("reports/2023.JSONL.GZ"), suffix_of("a.docx")
('.jsonl.gz', '.docx')
>>> ".docx" in READABLE_SUFFIXES
True
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from corpus_tools.io.documents import FileText
from corpus_tools.io.formats.odt import ODT_SUFFIXES, read_odt
from corpus_tools.io.formats.ooxml import DOCX_SUFFIXES, read_docx
from corpus_tools.io.formats.pdf import PDF_SUFFIXES, read_pdf
from corpus_tools.io.formats.plaintext import PLAIN_TEXT_SUFFIXES, read_plain_text
from corpus_tools.io.formats.records import RECORD_SUFFIXES, STREAMED_SUFFIXES
from corpus_tools.io.formats.webpage import HTML_SUFFIXES, read_html
from corpus_tools.io.formats.word97 import DOC_SUFFIXES, read_doc

__all__ = [
    "DOCUMENT_READERS",
    "DOCX_SUFFIXES",
    "READABLE_SUFFIXES",
    "RECORD_SUFFIXES",
    "STREAMED_SUFFIXES",
    "TEXT_SUFFIXES",
    "suffix_of",
]

#: Plain-text kinds (the ones ``split="lines"`` was made for).
TEXT_SUFFIXES = PLAIN_TEXT_SUFFIXES

#: Suffix -> the reader of a file holding one document.
DOCUMENT_READERS: dict[str, Callable[[Path], FileText]] = {
    **dict.fromkeys(PLAIN_TEXT_SUFFIXES, read_plain_text),
    **dict.fromkeys(DOCX_SUFFIXES, read_docx),
    **dict.fromkeys(DOC_SUFFIXES, read_doc),
    **dict.fromkeys(PDF_SUFFIXES, read_pdf),
    **dict.fromkeys(ODT_SUFFIXES, read_odt),
    **dict.fromkeys(HTML_SUFFIXES, read_html),
}

#: Every suffix a folder is searched for (lower case).
READABLE_SUFFIXES = tuple(DOCUMENT_READERS) + RECORD_SUFFIXES


def suffix_of(path: str | os.PathLike[str]) -> str:
    """The kind of a file: its suffix in lower case (``.jsonl.gz`` counts as one)."""
    name = Path(path).name.lower()
    if name.endswith(".jsonl.gz"):
        return ".jsonl.gz"
    return Path(name).suffix
