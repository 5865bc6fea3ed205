"""Loading real report files into a corpus table, and writing outputs atomically.

Readable kinds: ``.txt`` and ``.md`` (UTF-8, with or without BOM, GB18030/GBK, UTF-16 and
UTF-32, Big5, Shift-JIS, Windows-1252, detected from the bytes, not the extension; a file that
reads as text in none of them is refused with the reason, never decoded to mojibake),
``.docx``, ``.doc`` and ``.wps`` (Word 97 and WPS Office), ``.odt`` (paragraphs and tables
in document order), ``.pdf`` (the text layer, paragraphs joined back, running headers and
page numbers dropped), ``.html``/``.htm`` (the article's main text, the page's ``<title>``
and stated date), and record files ``.jsonl``, ``.jsonl.gz``, ``.csv``, ``.parquet`` (one
document per record with ``id`` and ``text`` fields, every other field kept as metadata).

A file that cannot be read (corrupt, password-protected, a scan without text layer) is
reported with its path and reason in ``LoadResult.errors`` and skipped; the others load. A
load that finds no document at all raises :class:`~corpus_tools.errors.NoDocumentsError`
saying why. In folders, ``include=``/``exclude=`` glob patterns choose the files, and
documentation files (``README.md``, ``SOURCE.md``) are not read as reports unless named.
The text is kept as loaded, and so is every field of a record (a ``title`` as given, a
``year`` as an integer), so offsets reported by every capability slice the ``text`` column.

The flow from files to the table, one module a step:

``files``       walk folders, check a file (size, kind), hand it to its reader, split lines
``formats/``    one reader per kind: ``plaintext``, ``ooxml`` (.docx), ``word97`` (.doc,
                .wps; ``rtf`` for RTF under .doc), ``pdf``, ``odt``, ``webpage`` (.html),
                ``records``; ``archive`` checks zips; the table of suffix -> reader is in
                ``formats/__init__``
``decode``      bytes -> text (the encodings reports come in)
``limits``      the safety limits (file size, zip bombs, web page size)
``tables``      the dtypes of every table (text ``string[python]``, integers ``Int64``
                when values are missing)
``documents``   :class:`Document` and the corpus table built from them
``corpus``      :func:`load_corpus`, :func:`load_texts`, :func:`as_corpus`
``stream``      :func:`stream_corpus` for corpora larger than memory
``write``       :func:`atomic_write`, :func:`write_table` (``.parquet``, ``.csv``,
                ``.xlsx``; cells a spreadsheet would run as formulas neutralised)

Every name is imported on first use (``corpus_tools.io.atomic_write`` loads none of the
readers), and is a real, typed name to a type checker.

Examples
--------
>>> import corpus_tools as ct
>>> result = ct.load_corpus("data/raw")
>>> result.documents["doc_id"].tolist()[:2], len(result.errors)
(['000_14cdbf6256da471f.txt', '001_76da920ca12b73e0.txt'], 0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus_tools.exports import lazy_exports

if TYPE_CHECKING:
    from corpus_tools.io.atomic import atomic_write as atomic_write
    from corpus_tools.io.corpus import LoadResult as LoadResult
    from corpus_tools.io.corpus import as_corpus as as_corpus
    from corpus_tools.io.corpus import load_corpus as load_corpus
    from corpus_tools.io.corpus import load_texts as load_texts
    from corpus_tools.io.decode import decode_bytes as decode_bytes
    from corpus_tools.io.documents import CORPUS_COLUMNS as CORPUS_COLUMNS
    from corpus_tools.io.documents import Document as Document
    from corpus_tools.io.documents import FileText as FileText
    from corpus_tools.io.files import AUTO_REPORT_CHARS as AUTO_REPORT_CHARS
    from corpus_tools.io.files import SIDE_FILE as SIDE_FILE
    from corpus_tools.io.files import SPLITS as SPLITS
    from corpus_tools.io.files import iter_files as iter_files
    from corpus_tools.io.files import one_report_per_line as one_report_per_line
    from corpus_tools.io.files import read_file as read_file
    from corpus_tools.io.formats import DOCX_SUFFIXES as DOCX_SUFFIXES
    from corpus_tools.io.formats import READABLE_SUFFIXES as READABLE_SUFFIXES
    from corpus_tools.io.formats import RECORD_SUFFIXES as RECORD_SUFFIXES
    from corpus_tools.io.formats import STREAMED_SUFFIXES as STREAMED_SUFFIXES
    from corpus_tools.io.formats import TEXT_SUFFIXES as TEXT_SUFFIXES
    from corpus_tools.io.formats.records import PARQUET_BATCH as PARQUET_BATCH
    from corpus_tools.io.limits import MAX_DOCX_UNCOMPRESSED as MAX_DOCX_UNCOMPRESSED
    from corpus_tools.io.limits import MAX_FILE_BYTES as MAX_FILE_BYTES
    from corpus_tools.io.limits import MAX_HTML_BYTES as MAX_HTML_BYTES
    from corpus_tools.io.stream import STREAM_CHUNK as STREAM_CHUNK
    from corpus_tools.io.stream import STREAM_CHUNK_CHARS as STREAM_CHUNK_CHARS
    from corpus_tools.io.stream import CorpusStream as CorpusStream
    from corpus_tools.io.stream import corpus_chunks as corpus_chunks
    from corpus_tools.io.stream import stream_corpus as stream_corpus
    from corpus_tools.io.tables import STRING_DTYPE as STRING_DTYPE
    from corpus_tools.io.tables import with_table_dtypes as with_table_dtypes
    from corpus_tools.io.write import LIST_SEPARATOR as LIST_SEPARATOR
    from corpus_tools.io.write import TABLE_SUFFIXES as TABLE_SUFFIXES
    from corpus_tools.io.write import for_spreadsheet as for_spreadsheet
    from corpus_tools.io.write import is_formula_like as is_formula_like
    from corpus_tools.io.write import write_table as write_table

#: public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "AUTO_REPORT_CHARS": "corpus_tools.io.files",
    "CORPUS_COLUMNS": "corpus_tools.io.documents",
    "CorpusStream": "corpus_tools.io.stream",
    "DOCX_SUFFIXES": "corpus_tools.io.formats",
    "Document": "corpus_tools.io.documents",
    "FileText": "corpus_tools.io.documents",
    "LIST_SEPARATOR": "corpus_tools.io.write",
    "LoadResult": "corpus_tools.io.corpus",
    "MAX_DOCX_UNCOMPRESSED": "corpus_tools.io.limits",
    "MAX_FILE_BYTES": "corpus_tools.io.limits",
    "MAX_HTML_BYTES": "corpus_tools.io.limits",
    "PARQUET_BATCH": "corpus_tools.io.formats.records",
    "READABLE_SUFFIXES": "corpus_tools.io.formats",
    "RECORD_SUFFIXES": "corpus_tools.io.formats",
    "SIDE_FILE": "corpus_tools.io.files",
    "SPLITS": "corpus_tools.io.files",
    "STREAMED_SUFFIXES": "corpus_tools.io.formats",
    "STREAM_CHUNK": "corpus_tools.io.stream",
    "STREAM_CHUNK_CHARS": "corpus_tools.io.stream",
    "STRING_DTYPE": "corpus_tools.io.tables",
    "TABLE_SUFFIXES": "corpus_tools.io.write",
    "TEXT_SUFFIXES": "corpus_tools.io.formats",
    "as_corpus": "corpus_tools.io.corpus",
    "atomic_write": "corpus_tools.io.atomic",
    "corpus_chunks": "corpus_tools.io.stream",
    "decode_bytes": "corpus_tools.io.decode",
    "for_spreadsheet": "corpus_tools.io.write",
    "is_formula_like": "corpus_tools.io.write",
    "iter_files": "corpus_tools.io.files",
    "load_corpus": "corpus_tools.io.corpus",
    "load_texts": "corpus_tools.io.corpus",
    "one_report_per_line": "corpus_tools.io.files",
    "read_file": "corpus_tools.io.files",
    "stream_corpus": "corpus_tools.io.stream",
    "with_table_dtypes": "corpus_tools.io.tables",
    "write_table": "corpus_tools.io.write",
}

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())


__all__ = [
    "CORPUS_COLUMNS",
    "CorpusStream",
    "LoadResult",
    "as_corpus",
    "atomic_write",
    "decode_bytes",
    "for_spreadsheet",
    "is_formula_like",
    "iter_files",
    "load_corpus",
    "load_texts",
    "one_report_per_line",
    "read_file",
    "stream_corpus",
    "with_table_dtypes",
    "write_table",
]
