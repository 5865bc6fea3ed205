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

import importlib
import os
from collections.abc import Callable
from pathlib import Path

from corpus_tools.io.documents import FileText
from corpus_tools.io.formats.plaintext import PLAIN_TEXT_SUFFIXES, read_plain_text
from corpus_tools.io.formats.records import RECORD_SUFFIXES, STREAMED_SUFFIXES

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

# The suffixes of the kinds whose reader is imported only when a file of that kind is read
# (a ``flag`` of a .jsonl file pays for no PDF parser); each module defines the same tuple
# (tests/test_flag_startup.py checks that they agree).
DOCX_SUFFIXES = (".docx",)  # ooxml.DOCX_SUFFIXES
_DOC_SUFFIXES = (".doc", ".wps")  # word97.DOC_SUFFIXES
_PDF_SUFFIXES = (".pdf",)  # pdf.PDF_SUFFIXES
_ODT_SUFFIXES = (".odt",)  # odt.ODT_SUFFIXES
_HTML_SUFFIXES = (".html", ".htm")  # webpage.HTML_SUFFIXES


class LazyReader:
    """The reader ``name`` of the module ``corpus_tools.io.formats.<module>``, imported
    when first called.

    Examples
    --------
    >>> DOCUMENT_READERS[".pdf"]
    LazyReader('pdf', 'read_pdf')
    """

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name
        self.reader: Callable[[Path], FileText] | None = None

    def __call__(self, path: Path) -> FileText:
        if self.reader is None:
            module = importlib.import_module(f"corpus_tools.io.formats.{self.module}")
            self.reader = getattr(module, self.name)
        return self.reader(path)

    def __repr__(self) -> str:
        return f"LazyReader({self.module!r}, {self.name!r})"


#: Suffix -> the reader of a file holding one document.
DOCUMENT_READERS: dict[str, Callable[[Path], FileText]] = {
    **dict.fromkeys(PLAIN_TEXT_SUFFIXES, read_plain_text),
    **dict.fromkeys(DOCX_SUFFIXES, LazyReader("ooxml", "read_docx")),
    **dict.fromkeys(_DOC_SUFFIXES, LazyReader("word97", "read_doc")),
    **dict.fromkeys(_PDF_SUFFIXES, LazyReader("pdf", "read_pdf")),
    **dict.fromkeys(_ODT_SUFFIXES, LazyReader("odt", "read_odt")),
    **dict.fromkeys(_HTML_SUFFIXES, LazyReader("webpage", "read_html")),
}

#: Every suffix a folder is searched for (lower case).
READABLE_SUFFIXES = tuple(DOCUMENT_READERS) + RECORD_SUFFIXES


def suffix_of(path: str | os.PathLike[str]) -> str:
    """The kind of a file: its suffix in lower case (``.jsonl.gz`` counts as one)."""
    name = Path(path).name.lower()
    if name.endswith(".jsonl.gz"):
        return ".jsonl.gz"
    return Path(name).suffix
