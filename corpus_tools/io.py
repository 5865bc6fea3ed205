"""Loading real report files into a corpus table, and writing outputs atomically.

Readable kinds: ``.txt`` and ``.md`` (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK,
detected from the bytes, not the extension), ``.docx`` (paragraphs and tables in document
order), and record files ``.jsonl``, ``.jsonl.gz``, ``.csv``, ``.parquet`` (one document per
record with ``id`` and ``text`` fields, every other field kept as metadata).

A file that cannot be read is reported with its path and reason in ``LoadResult.errors``
and skipped; the others load. Text is kept exactly as decoded (BOM removed, nothing else),
so offsets reported by every capability slice the ``text`` column.

Examples
--------
>>> import corpus_tools as ct
>>> result = ct.load_corpus("data/raw")
>>> result.documents[["doc_id", "title"]].head()      # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io as _io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

import pandas as pd

from corpus_tools.errors import (
    InputReadError,
    InvalidParameterError,
    OutputError,
    check_choice,
    check_number,
    check_type,
    param_error,
)

__all__ = [
    "CORPUS_COLUMNS",
    "CorpusStream",
    "LoadResult",
    "as_corpus",
    "atomic_write",
    "decode_bytes",
    "iter_files",
    "load_corpus",
    "load_texts",
    "one_report_per_line",
    "read_file",
    "stream_corpus",
    "write_table",
]

#: The columns every corpus table starts with, in this order; metadata fields follow.
CORPUS_COLUMNS = ("doc_id", "title", "text", "source")

TEXT_SUFFIXES = (".txt", ".md")
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".csv", ".parquet")
DOCX_SUFFIXES = (".docx",)
READABLE_SUFFIXES = TEXT_SUFFIXES + DOCX_SUFFIXES + RECORD_SUFFIXES

#: Files read a record at a time, whatever their size.
STREAMED_SUFFIXES = (".jsonl", ".jsonl.gz", ".parquet")
#: Largest input file read whole (plain text, .docx, .csv), and largest record of a .jsonl,
#: in bytes (a single document of 30 MB is fine; 2 GB is refused).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Largest total uncompressed size of a .docx (a zip bomb is refused, not inflated).
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
#: Records read from a parquet file at a time.
PARQUET_BATCH = 2048
#: Documents per chunk of :func:`stream_corpus`, by default.
STREAM_CHUNK = 5000
#: ... and a chunk ends once it holds this many characters.
STREAM_CHUNK_CHARS = 20_000_000


class LoadResult(NamedTuple):
    """What :func:`load_corpus` returns.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per document. Columns: ``doc_id`` (str, unique), ``title`` (str: the
        record's title field, else the first non-empty line, at most 200 characters),
        ``text`` (str, as decoded), ``source`` (str: the file it came from), then every
        metadata field of record files (``year``, ``province``, ...) and, for a file read
        one document per line, ``line`` (int, 1-based).
    errors : pandas.DataFrame
        One row per input that could not be read. Columns: ``path`` (str), ``reason`` (str).
    """

    documents: pd.DataFrame
    errors: pd.DataFrame


@dataclass(frozen=True)
class _Doc:
    doc_id: str
    text: str
    source: str
    title: str | None = None
    meta: tuple[tuple[str, Any], ...] = ()


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, *, path: str = "<bytes>") -> str:
    """Decode the bytes of a plain-text report.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised exactly; otherwise
    GB18030 (a superset of GBK and GB2312) is tried, and failing that the encoding
    charset-normalizer finds. Binary data (NUL bytes, or text that decodes to mostly
    control characters) is refused.

    Raises
    ------
    InputReadError
        When the bytes are not text in any of these encodings.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path)
    if b"\x00" in data[:65536]:
        raise InputReadError(path, "binary file (NUL bytes), not text")
    try:
        return _check_text(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    try:
        whole = data.decode("gb18030")
    except UnicodeDecodeError:
        whole = None
    mixed = _decode_lines(data)
    if mixed is not None and (whole is None or mixed != whole):
        return _check_text(mixed, path)
    if whole is not None:
        return _check_text(whole, path)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputReadError(path, "not text: no encoding decodes it (tried UTF-8, GB18030)")
    return _check_text(str(best), path)


def _decode_lines(data: bytes) -> str | None:
    """Decode line by line, UTF-8 first, then GB18030: files pasted together from
    sources in both encodings. None when a line is neither, or when no line is UTF-8
    with non-ASCII text (then the file is plain GB18030)."""
    lines = data.split(b"\n")
    out: list[str] = []
    utf8_lines = 0
    for line in lines:
        try:
            piece = line.decode("utf-8")
            if any(b > 0x7F for b in line):
                utf8_lines += 1
        except UnicodeDecodeError:
            try:
                piece = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
        out.append(piece)
    if utf8_lines == 0:
        return None
    return "\n".join(out)


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return _check_text(data.decode(encoding), path)
    except UnicodeDecodeError as exc:
        raise InputReadError(
            path,
            f"starts with a {encoding} byte-order mark but is not valid {encoding} "
            f"(byte {exc.start})",
        ) from None


def _check_text(text: str, path: str) -> str:
    sample = text[:20000]
    if sample:
        bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
        if bad / len(sample) > 0.05:
            raise InputReadError(path, "binary file: control characters, not text")
    return text


#: Values of ``split``.
SPLITS = (None, "lines", "auto")
#: ``split="auto"``: a line this long holds a whole report ...
AUTO_REPORT_CHARS = 1000
#: ... unless the file has short numbered headings, which only a report laid out in lines has.
_HEADING_LINE = re.compile(
    r"[\s#*>]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]"
    r"|第[一二三四五六七八九十百]+[部分章节篇])"
)


def one_report_per_line(text: str) -> bool:
    """Whether a plain-text file holds one report per line (a scraped list, seed 003).

    True when at least two lines hold 1,000 characters or more and no short line (under 60
    characters) starts with a heading number (``一、``, ``（二）``, ``第三部分``, also after
    Markdown marks such as ``## `` or ``**``): a report laid out in lines has such headings
    between its paragraphs; a file of whole reports does not. A list of short reports (all
    under 1,000 characters) is not recognised: read it with ``split="lines"``.

    Examples
    --------
    >>> one_report_per_line("一、总体情况\n" + "今年以来，我们坚持党建引领。" * 100)
    False
    >>> one_report_per_line(("今年以来，我们坚持党建引领。" * 100 + "\n") * 2)
    True
    """
    check_type(text, "text", "one_report_per_line", str, "a str")
    lines = [line for line in text.split("\n") if line.strip()]
    if sum(len(line) >= AUTO_REPORT_CHARS for line in lines) < 2:
        return False
    return not any(len(line) < 60 and _HEADING_LINE.match(line) for line in lines)


# --------------------------------------------------------------------------- readers


def _docx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise InputReadError(
                    str(path),
                    f"refused: .docx would decompress to {total:,} bytes "
                    f"(limit {MAX_DOCX_UNCOMPRESSED:,})",
                )
            if "word/document.xml" not in zf.namelist():
                raise InputReadError(str(path), "not a Word document: no word/document.xml")
    except zipfile.BadZipFile:
        raise InputReadError(str(path), "broken .docx: not a zip archive") from None
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on broken parts
        raise InputReadError(str(path), f"broken .docx: {type(exc).__name__}: {exc}") from None
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if not cells or value != cells[-1]:  # merged cells repeat their text
                        cells.append(value)
                lines.append("\t".join(cells))
    return "\n".join(lines)


def _records(path: Path, suffix: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (record number, record) from a record file; bad records raise InputReadError."""
    if suffix in (".jsonl", ".jsonl.gz"):
        opener: Any = gzip.open if suffix == ".jsonl.gz" else open
        try:
            with opener(path, "rb") as fh:
                lineno = 0
                while raw := fh.readline(MAX_FILE_BYTES + 1):
                    lineno += 1
                    if len(raw) > MAX_FILE_BYTES:  # one record larger than any file read whole
                        while raw and not raw.endswith(b"\n"):
                            raw = fh.readline(1 << 24)
                        yield (
                            lineno,
                            {
                                "__error__": f"line {lineno}: a record of more than "
                                f"{MAX_FILE_BYTES:,} bytes, skipped"
                            },
                        )
                        continue
                    if not raw.strip():
                        continue
                    try:
                        rec = json.loads(raw)
                    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                        yield lineno, {"__error__": f"line {lineno}: invalid JSON ({exc})"}
                        continue
                    if not isinstance(rec, dict):
                        yield lineno, {"__error__": f"line {lineno}: not a JSON object"}
                        continue
                    yield lineno, rec
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise InputReadError(str(path), f"truncated or corrupt: {exc}") from None
    elif suffix == ".csv":
        text = decode_bytes(path.read_bytes(), path=str(path))
        csv.field_size_limit(MAX_FILE_BYTES)
        try:
            reader = csv.DictReader(_io.StringIO(text))
            for lineno, rec in enumerate(reader, 2):
                yield lineno, dict(rec)
        except csv.Error as exc:
            raise InputReadError(str(path), f"broken CSV: {exc}") from None
    else:  # parquet, read a row group's batch at a time
        import pyarrow.parquet as pq

        i = 0
        try:
            batches = pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH)
            for batch in batches:
                for rec in batch.to_pandas().to_dict("records"):
                    i += 1
                    yield i, {str(k): v for k, v in rec.items()}
        except Exception as exc:  # pyarrow raises its own error kinds
            if isinstance(exc, InputReadError):
                raise
            raise InputReadError(str(path), f"broken parquet: {exc}") from None


def _suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".jsonl.gz"):
        return ".jsonl.gz"
    return path.suffix.lower()


def _first_line(text: str) -> str:
    for raw in text.splitlines():
        line = raw.strip()
        if line:
            return line[:200]
    return ""


def read_file(
    path: str | os.PathLike[str],
    *,
    doc_id: str | None = None,
    split: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
) -> tuple[list[_Doc], list[tuple[str, str]]]:
    """Read one file into documents; return ``(documents, errors)``.

    Errors that spoil the whole file raise :class:`InputReadError`; bad records inside a
    record file are returned as ``(path, reason)`` pairs and the good records kept (a
    record file that breaks off, such as a truncated ``.jsonl.gz``, keeps the records
    before the break and reports the break).
    """
    docs: list[_Doc] = []
    errors: list[tuple[str, str]] = []
    for item in _file_items(Path(path), doc_id, split, id_field, text_field):
        if isinstance(item, _Doc):
            docs.append(item)
        else:
            errors.append(item)
    return docs, errors


def _file_items(
    p: Path, doc_id: str | None, split: str | None, id_field: str, text_field: str
) -> Iterator[_Doc | tuple[str, str]]:
    """The documents of one file, and ``(path, reason)`` for its bad records, in order.

    Raises InputReadError when nothing of the file can be read.
    """
    name = doc_id if doc_id is not None else p.name
    suffix = _suffix(p)
    if p.is_symlink() and not p.exists():
        raise InputReadError(str(p), "broken symlink")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputReadError(str(p), exc.strerror or str(exc)) from None
    if size > MAX_FILE_BYTES and suffix not in STREAMED_SUFFIXES:
        raise InputReadError(
            str(p),
            f"too large: {size:,} bytes (limit {MAX_FILE_BYTES:,} for a file read whole; "
            "write the corpus as .jsonl, .jsonl.gz or .parquet, which are read record by record)",
        )
    if suffix not in READABLE_SUFFIXES:
        raise InputReadError(
            str(p),
            f"unsupported file kind {suffix or '(none)'!r}; readable: "
            + " ".join(READABLE_SUFFIXES),
        )
    try:
        if suffix in TEXT_SUFFIXES or suffix in DOCX_SUFFIXES:
            if suffix in DOCX_SUFFIXES:
                text = _docx_text(p)
            else:
                with open(p, "rb") as fh:
                    text = decode_bytes(fh.read(), path=str(p))
            if not text.strip():
                raise InputReadError(str(p), "empty: no text")
            if split == "lines" or (split == "auto" and one_report_per_line(text)):
                for i, line in enumerate(text.split("\n"), 1):
                    if line.strip():
                        yield _Doc(f"{name}:{i}", line, str(p), meta=(("line", i),))
                return
            yield _Doc(name, text, str(p))
            return
        yield from _record_items(p, suffix, name, id_field, text_field)
    except PermissionError:
        raise InputReadError(str(p), "permission denied") from None
    except IsADirectoryError:
        raise InputReadError(str(p), "is a directory") from None
    except OSError as exc:
        if isinstance(exc, InputReadError):
            raise
        raise InputReadError(str(p), exc.strerror or str(exc)) from None


def _record_items(
    p: Path, suffix: str, name: str, id_field: str, text_field: str
) -> Iterator[_Doc | tuple[str, str]]:
    kept = 0
    bad = 0
    try:
        for lineno, rec in _records(p, suffix):
            if "__error__" in rec:
                bad += 1
                yield str(p), rec["__error__"]
                continue
            text = rec.get(text_field)
            if not isinstance(text, str) or not text.strip():
                bad += 1
                yield str(p), f"record {lineno}: no text in field {text_field!r}"
                continue
            rid = rec.get(id_field)
            rid = f"{name}:{lineno}" if rid is None or rid == "" else str(rid)
            title = rec.get("title")
            meta = tuple(
                (k, v)
                for k, v in rec.items()
                if k not in (id_field, text_field, "title", "doc_id", "source")
            )
            kept += 1
            yield _Doc(rid, text, str(p), title if isinstance(title, str) else None, meta)
    except InputReadError as exc:
        if not kept:
            raise
        # the records before the break are already out: keep them, report the break
        yield exc.path, f"{exc.reason} (after {kept:,} good records, which were kept)"
        return
    if not kept and not bad:
        raise InputReadError(str(p), "empty: no records")


# --------------------------------------------------------------------------- walking


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str, str | None]]:
    """Yield ``(file, doc_id, error)`` for every file under ``paths``, sorted.

    Folders are walked recursively (hidden files and folders skipped, symlink loops
    detected); files of unreadable kinds inside folders are skipped silently, a file
    named directly is always tried. ``error`` is set for a path that does not exist.
    """
    for raw in paths:
        root = Path(raw)
        if not root.exists() and not root.is_symlink():
            yield root, str(root), "no such file or directory"
            continue
        if root.is_dir():
            seen: set[tuple[int, int]] = set()
            yield from _walk(root, root, seen)
        else:
            yield root, root.name, None


def _walk(
    root: Path, folder: Path, seen: set[tuple[int, int]]
) -> Iterator[tuple[Path, str, str | None]]:
    try:
        st = folder.stat()
    except OSError as exc:
        yield folder, str(folder), exc.strerror or str(exc)
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        yield folder, str(folder), "symlink loop: folder already visited"
        return
    seen.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield folder, str(folder), f"cannot list folder: {exc.strerror or exc}"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield path, str(path), exc.strerror or str(exc)
            continue
        if is_dir:
            yield from _walk(root, path, seen)
        elif _suffix(path) in READABLE_SUFFIXES:
            yield path, path.relative_to(root).as_posix(), None
        elif entry.is_symlink() and not path.exists():
            yield path, str(path), "broken symlink"


# --------------------------------------------------------------------------- public


def load_corpus(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    split: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
    progress: bool | None = False,
) -> LoadResult:
    """Load files and folders into a corpus table.

    Parameters
    ----------
    paths : path or list of paths
        Files or folders (read recursively, hidden files skipped).
    split : {None, "lines", "auto"}, default None
        ``"lines"`` reads one document per non-empty line of plain-text files, with
        ``doc_id`` ``"PATH:LINE"``; ``"auto"`` does so only for the files that hold one
        report per line (:func:`one_report_per_line`) and reads the others whole.
    id_field, text_field : str
        Field names of the id and text in record files (``.jsonl``, ``.csv``, ``.parquet``).
    progress : bool or None, default False
        Show a progress bar on stderr (``None``: only when stderr is a terminal).

    Returns
    -------
    LoadResult
        ``documents`` (see :class:`LoadResult` for the columns) and ``errors``.

    Raises
    ------
    InvalidParameterError
        For a bad argument (the message says what is allowed).

    Examples
    --------
    >>> res = load_corpus("data/raw", split="lines")          # doctest: +SKIP
    >>> res.documents.shape[0], res.errors.shape[0]            # doctest: +SKIP
    (13, 0)
    """
    func = "load_corpus"
    path_list = _check_load_args(paths, func, split, id_field, text_field)
    errors: list[tuple[str, str]] = []
    docs = list(
        _iter_docs(path_list, split, id_field, text_field, errors.append, progress=progress)
    )
    return LoadResult(_frame(docs), pd.DataFrame(errors, columns=["path", "reason"], dtype=object))


def _check_load_args(
    paths: Any, func: str, split: Any, id_field: Any, text_field: Any
) -> list[str | os.PathLike[str]]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    elif not isinstance(paths, Iterable):
        raise param_error("paths", func, "a path or a list of paths", type(paths).__name__)
    path_list = list(paths)
    if not path_list:
        raise param_error("paths", func, "a non-empty list of paths", path_list)
    for p in path_list:
        check_type(p, "paths", func, (str, os.PathLike), "a path or a list of paths")
    check_choice(split, "split", func, SPLITS)
    check_type(id_field, "id_field", func, str, "a str")
    check_type(text_field, "text_field", func, str, "a str")
    return path_list


def _iter_docs(
    paths: list[str | os.PathLike[str]],
    split: str | None,
    id_field: str,
    text_field: str,
    on_error: Callable[[tuple[str, str]], Any],
    *,
    progress: bool | None,
) -> Iterator[_Doc]:
    """Every document under ``paths`` in order; each unreadable input goes to ``on_error``."""
    from corpus_tools.progress import progress_bar

    files = list(iter_files(paths))
    for path, doc_id, error in progress_bar(files, desc="loading", unit="file", enabled=progress):
        if error is not None:
            on_error((str(path), error))
            continue
        try:
            for item in _file_items(path, doc_id, split, id_field, text_field):
                if isinstance(item, _Doc):
                    yield item
                else:
                    on_error(item)
        except InputReadError as exc:
            on_error((exc.path, exc.reason))


class CorpusStream:
    """A corpus read in chunks: iterate it for corpus tables of at most ``chunk_size`` rows.

    What :func:`stream_corpus` returns. Each iteration reads the files again, so a stream
    can be passed to a function that needs two passes. The chunks together hold the rows
    :func:`load_corpus` would return, in the same order, with the same ``doc_id`` values
    (a repeated id gets ``#2``, ``#3``, ... across chunks too).

    Attributes
    ----------
    errors : pandas.DataFrame
        ``path``, ``reason``: the inputs the last (or current) pass could not read.
    documents : int
        Documents yielded by the last (or current) pass.
    """

    def __init__(
        self,
        paths: list[str | os.PathLike[str]],
        *,
        chunk_size: int,
        chunk_chars: int,
        split: str | None,
        id_field: str,
        text_field: str,
        progress: bool | None,
        on_error: Callable[[str, str], Any] | None,
    ) -> None:
        self.paths = paths
        self.chunk_size = chunk_size
        self.chunk_chars = chunk_chars
        self.split = split
        self.id_field = id_field
        self.text_field = text_field
        self.progress = progress
        self.on_error = on_error
        self._errors: list[tuple[str, str]] = []
        self.documents = 0

    def __repr__(self) -> str:
        return f"CorpusStream({len(self.paths)} path(s), chunk_size={self.chunk_size})"

    @property
    def errors(self) -> pd.DataFrame:
        return pd.DataFrame(self._errors, columns=["path", "reason"], dtype=object)

    def _error(self, item: tuple[str, str]) -> None:
        self._errors.append(item)
        if self.on_error is not None:
            self.on_error(*item)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        self._errors = []
        self.documents = 0
        ids: dict[str, int] = {}
        batch: list[_Doc] = []
        chars = 0
        docs = _iter_docs(
            self.paths,
            self.split,
            self.id_field,
            self.text_field,
            self._error,
            progress=self.progress,
        )
        for doc in docs:
            batch.append(doc)
            chars += len(doc.text)
            if len(batch) >= self.chunk_size or chars >= self.chunk_chars:
                self.documents += len(batch)
                yield _frame(batch, ids)
                batch, chars = [], 0
        if batch:
            self.documents += len(batch)
            yield _frame(batch, ids)

    def load(self) -> pd.DataFrame:
        """All chunks as one corpus table (what :func:`load_corpus` returns as documents)."""
        frames = list(self)
        if not frames:
            return _frame([])
        return pd.concat(frames, ignore_index=True)


def stream_corpus(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    chunk_size: int = STREAM_CHUNK,
    split: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
    progress: bool | None = False,
    on_error: Callable[[str, str], Any] | None = None,
) -> CorpusStream:
    """Read files and folders as a stream of corpus tables, for corpora larger than memory.

    Nothing is read until the stream is iterated. Each chunk is a corpus table with the
    columns of :func:`load_corpus` (metadata columns appear in a chunk when one of its
    records has them). ``.jsonl``, ``.jsonl.gz`` and ``.parquet`` files are read record by
    record; a ``.csv`` file, a ``.docx`` and a plain-text file are read whole (one file at
    a time). :func:`keyword_table`, :func:`keyness`, :meth:`DedupIndex.build` and
    :func:`find_near_duplicates` take a stream and keep one chunk in memory at a time;
    any other function given a stream reads it whole.

    Parameters
    ----------
    paths, split, id_field, text_field, progress
        As for :func:`load_corpus`.
    chunk_size : int, default 5000
        Most documents per chunk (a chunk also ends at 20 million characters).
    on_error : callable, optional
        Called as ``on_error(path, reason)`` for each unreadable input as it is met
        (they are also in :attr:`CorpusStream.errors`).

    Returns
    -------
    CorpusStream
        Iterable (again and again) over the chunks.

    Examples
    --------
    >>> stream = stream_corpus("data/raw", chunk_size=2)          # doctest: +SKIP
    >>> [len(chunk) for chunk in stream]                          # doctest: +SKIP
    [2, 2, 1]
    >>> table = ct.keyword_table(stream_corpus("big.jsonl.gz"), by="year")  # doctest: +SKIP
    """
    func = "stream_corpus"
    path_list = _check_load_args(paths, func, split, id_field, text_field)
    check_number(chunk_size, "chunk_size", func, kind=int, low=1)
    if on_error is not None and not callable(on_error):
        raise param_error("on_error", func, "a callable (path, reason) or None", on_error)
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    return CorpusStream(
        path_list,
        chunk_size=chunk_size,
        chunk_chars=STREAM_CHUNK_CHARS,
        split=split,
        id_field=id_field,
        text_field=text_field,
        progress=progress,
        on_error=on_error,
    )


def corpus_chunks(data: Any) -> tuple[Iterator[pd.DataFrame] | None, Any]:
    """Tell a stream of corpus tables from a corpus: ``(chunks, None)`` or ``(None, data)``.

    A stream is a :class:`CorpusStream`, a list of DataFrames, or an iterator whose first
    item is a DataFrame (a pandas chunked reader, a generator). Any other iterator is
    read into a list (its first item was looked at), which is returned as ``data``. The
    chunks are not checked here.
    """
    if isinstance(data, CorpusStream):
        return iter(data), None
    if isinstance(data, (list, tuple)):
        if data and all(isinstance(x, pd.DataFrame) for x in data):
            return iter(data), None
        return None, data
    if isinstance(data, Iterator):
        try:
            first = next(data)
        except StopIteration:
            return None, []
        if isinstance(first, pd.DataFrame):
            return _prepend(first, data), None
        return None, [first, *data]
    return None, data


def _prepend(first: pd.DataFrame, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``first`` then ``rest``, holding no reference to ``first`` once it is passed on
    (``itertools.chain`` would keep the first chunk alive to the end)."""
    yield first
    del first
    yield from rest


def _frame(docs: list[_Doc], counts: dict[str, int] | None = None) -> pd.DataFrame:
    """The corpus table of ``docs``; ``counts`` carries the ids seen across chunks."""
    rows: list[dict[str, Any]] = []
    if counts is None:
        counts = {}
    for d in docs:
        doc_id = d.doc_id
        n = counts.get(doc_id, 0)
        counts[doc_id] = n + 1
        if n:  # keep ids unique: a repeated id gets "#2", "#3", ...
            doc_id = f"{doc_id}#{n + 1}"
        row: dict[str, Any] = {
            "doc_id": doc_id,
            "title": d.title if d.title else _first_line(d.text),
            "text": d.text,
            "source": d.source,
        }
        for k, v in d.meta:
            row.setdefault(k, v)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in CORPUS_COLUMNS})
    return frame


def load_texts(
    texts: Iterable[str] | dict[str, str], *, doc_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Make a corpus table from strings already in memory (a notebook's own texts).

    Examples
    --------
    >>> load_texts({"a": "三会一课", "b": "三社联动"})[["doc_id", "text"]].to_dict("list")
    {'doc_id': ['a', 'b'], 'text': ['三会一课', '三社联动']}
    """
    func = "load_texts"
    if isinstance(texts, dict):
        items = list(texts.items())
    elif isinstance(texts, str) or not isinstance(texts, Iterable):
        raise param_error(
            "texts", func, "a list of str or a dict of doc_id -> str", type(texts).__name__
        )
    else:
        values = list(texts)
        ids = [str(i) for i in range(len(values))] if doc_ids is None else list(doc_ids)
        if len(ids) != len(values):
            raise InvalidParameterError(
                f"The 'doc_ids' parameter of {func} must have one id per text. "
                f"Got {len(ids)} ids for {len(values)} texts instead."
            )
        items = list(zip(ids, values, strict=True))
    for doc_id, text in items:
        check_type(text, "texts", func, str, "a list of str or a dict of doc_id -> str")
        check_type(doc_id, "doc_ids", func, str, "str ids")
    return _frame([_Doc(doc_id, text, "<memory>") for doc_id, text in items])


def as_corpus(data: Any, func: str, *, name: str = "corpus", unique: bool = True) -> pd.DataFrame:
    """The corpus table a capability works on, from what a caller may pass.

    ``data`` is a corpus table (``doc_id``, ``text``, as :func:`load_corpus` returns; not
    copied), a dict ``{doc_id: text}``, a list of texts, or a stream of corpus tables
    (:func:`stream_corpus`; read whole here). ``func`` and ``name`` go into
    the error message; ``unique`` requires distinct ``doc_id`` values.

    Examples
    --------
    >>> as_corpus(["三会一课"], "f")[["doc_id", "text"]].values.tolist()
    [['0', '三会一课']]
    """
    allowed = (
        "a corpus DataFrame (doc_id, text), a dict {doc_id: text}, a list of str "
        "or a stream of corpus tables (stream_corpus)"
    )
    chunks, data = corpus_chunks(data)
    if chunks is not None:
        frames = [as_corpus(c, func, name=name, unique=False) for c in chunks]
        data = pd.concat(frames, ignore_index=True) if frames else _frame([])
    if isinstance(data, pd.DataFrame):
        missing = [c for c in ("doc_id", "text") if c not in data.columns]
        if missing:
            raise InvalidParameterError(
                f"The {name!r} parameter of {func} must be a corpus table with columns "
                f"['doc_id', 'text'] (as load_corpus returns). Columns {missing} are missing; "
                f"it has {list(data.columns)}."
            )
        frame = data
    elif isinstance(data, dict) or (
        isinstance(data, Iterable) and not isinstance(data, (str, bytes))
    ):
        try:
            frame = load_texts(data if isinstance(data, dict) else list(data))
        except InvalidParameterError:
            raise param_error(name, func, allowed, type(data).__name__) from None
    else:
        raise param_error(name, func, allowed, type(data).__name__)
    texts = frame["text"].tolist()
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise InvalidParameterError(
            f"The {name!r} parameter of {func} must hold a str in every 'text' cell. "
            f"Row {bad[0]} (doc_id {frame['doc_id'].iloc[bad[0]]!r}) holds "
            f"{type(texts[bad[0]]).__name__} instead."
        )
    if unique:
        ids = frame["doc_id"].astype(str)
        if ids.duplicated().any():
            dup = ids[ids.duplicated()].iloc[0]
            raise InvalidParameterError(
                f"The {name!r} parameter of {func} must have unique doc_ids. "
                f"{dup!r} occurs more than once."
            )
    return frame


# --------------------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    An exception (or an interrupt) leaves ``path`` as it was and no temporary file behind.

    Examples
    --------
    >>> with atomic_write("out.json", "w") as fh:          # doctest: +SKIP
    ...     fh.write("{}")
    """
    check_choice(mode, "mode", "atomic_write", ("w", "wb"))
    check_type(path, "path", "atomic_write", (str, os.PathLike), "a file path")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    try:
        kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the mode an ordinary open() would
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` atomically as parquet or CSV (by extension); return the path.

    CSV is written as UTF-8 with a BOM so that spreadsheet programs show Chinese.
    """
    func = "write_table"
    check_type(frame, "frame", func, pd.DataFrame, "a pandas DataFrame")
    target = Path(path)
    suffix = target.suffix.lower()
    check_choice(suffix, "path", func, (".parquet", ".csv"))
    with atomic_write(target, "wb") as fh:
        if suffix == ".parquet":
            frame.to_parquet(fh, index=False)
        else:
            fh.write(frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
    return target
