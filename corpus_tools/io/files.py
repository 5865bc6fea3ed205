"""From paths to documents: walking folders, checking a file, handing it to its reader.

:func:`iter_files` lists the files under the paths a caller gave (sorted, hidden files
skipped, symlink loops detected); :func:`read_file` reads one file into documents: it
checks that the file exists, is not too large (:mod:`corpus_tools.io.limits`) and is of a
readable kind, then calls the reader of its kind (:mod:`corpus_tools.io.formats`) and, for
a plain-text list of reports, cuts it into one document per line (``split``).
:func:`iter_documents` does that for every file, sending each unreadable input to a
callback, and is what :func:`~corpus_tools.io.load_corpus` and
:func:`~corpus_tools.io.stream_corpus` share.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from corpus_tools.errors import InputReadError, check_choice, check_type, param_error
from corpus_tools.io import limits
from corpus_tools.io.documents import Document
from corpus_tools.io.formats import (
    DOCUMENT_READERS,
    READABLE_SUFFIXES,
    STREAMED_SUFFIXES,
    suffix_of,
)
from corpus_tools.io.formats.records import record_documents

__all__ = [
    "AUTO_REPORT_CHARS",
    "SPLITS",
    "check_load_args",
    "file_items",
    "iter_documents",
    "iter_files",
    "one_report_per_line",
    "read_file",
]

#: Values of ``split``.
SPLITS = (None, "lines", "auto")
#: ``split="auto"``: a line this long holds a whole report ...
AUTO_REPORT_CHARS = 1000
#: ... unless the file has short numbered headings, which only a report laid out in lines
#: has (a heading line is shorter than this).
HEADING_LINE_CHARS = 60
_HEADING_LINE = re.compile(
    r"[\s#*>]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]"
    r"|第[一二三四五六七八九十百]+[部分章节篇])"
)

#: A bad input or record: ``(path, reason)``.
Problem = tuple[str, str]


def one_report_per_line(text: str) -> bool:
    r"""Whether a plain-text file holds one report per line (a scraped list, seed 003).

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
    return not any(len(line) < HEADING_LINE_CHARS and _HEADING_LINE.match(line) for line in lines)


# --------------------------------------------------------------------------- one file


def read_file(
    path: str | os.PathLike[str],
    *,
    doc_id: str | None = None,
    split: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
) -> tuple[list[Document], list[Problem]]:
    """Read one file into documents; return ``(documents, errors)``.

    Errors that spoil the whole file raise :class:`InputReadError`; bad records inside a
    record file are returned as ``(path, reason)`` pairs and the good records kept (a
    record file that breaks off, such as a truncated ``.jsonl.gz``, keeps the records
    before the break and reports the break).

    Examples
    --------
    >>> docs, errors = read_file("data/raw/000_14cdbf6256da471f.txt")
    >>> docs[0].doc_id, len(errors)
    ('000_14cdbf6256da471f.txt', 0)
    """
    docs: list[Document] = []
    errors: list[Problem] = []
    for item in file_items(Path(path), doc_id, split, id_field, text_field):
        if isinstance(item, Document):
            docs.append(item)
        else:
            errors.append(item)
    return docs, errors


def file_items(
    p: Path, doc_id: str | None, split: str | None, id_field: str, text_field: str
) -> Iterator[Document | Problem]:
    """The documents of one file, and ``(path, reason)`` for its bad records, in order.

    Raises InputReadError when nothing of the file can be read.
    """
    name = doc_id if doc_id is not None else p.name
    suffix = suffix_of(p)
    _check_file(p, suffix)
    try:
        if suffix in DOCUMENT_READERS:
            yield from _whole_file_documents(p, suffix, name, split)
        else:
            yield from record_documents(p, suffix, name, id_field, text_field)
    except InputReadError:
        raise
    except PermissionError:
        raise InputReadError(str(p), "permission denied") from None
    except IsADirectoryError:
        raise InputReadError(str(p), "is a directory") from None
    except OSError as exc:
        raise InputReadError(str(p), exc.strerror or str(exc)) from None


def _check_file(p: Path, suffix: str) -> None:
    """Refuse a broken symlink, a file too large to read whole, or an unreadable kind."""
    if p.is_symlink() and not p.exists():
        raise InputReadError(str(p), "broken symlink")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputReadError(str(p), exc.strerror or str(exc)) from None
    if size > limits.MAX_FILE_BYTES and suffix not in STREAMED_SUFFIXES:
        raise InputReadError(
            str(p),
            f"too large: {size:,} bytes (limit {limits.MAX_FILE_BYTES:,} for a file read whole; "
            "write the corpus as .jsonl, .jsonl.gz or .parquet, which are read record by record)",
        )
    if suffix not in READABLE_SUFFIXES:
        raise InputReadError(
            str(p),
            f"unsupported file kind {suffix or '(none)'!r}; readable: "
            + " ".join(READABLE_SUFFIXES),
        )


def _whole_file_documents(p: Path, suffix: str, name: str, split: str | None) -> Iterator[Document]:
    """The one document of a file (or one per line, as ``split`` asks)."""
    found = DOCUMENT_READERS[suffix](p)
    text = found.text
    if not text.strip():
        raise InputReadError(str(p), "empty: no text")
    if split == "lines" or (split == "auto" and one_report_per_line(text)):
        for i, line in enumerate(text.split("\n"), 1):
            if line.strip():
                yield Document(f"{name}:{i}", line, str(p), meta=(("line", i), *found.meta))
        return
    yield Document(name, text, str(p), found.title, found.meta)


# --------------------------------------------------------------------------- walking


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str, str | None]]:
    """Yield ``(file, doc_id, error)`` for every file under ``paths``, sorted.

    Folders are walked recursively (hidden files and folders skipped, symlink loops
    detected); files of unreadable kinds inside folders are skipped silently, a file
    named directly is always tried. ``error`` is set for a path that does not exist.

    Examples
    --------
    >>> [doc_id for _, doc_id, _ in iter_files(["data/raw"])][:2]
    ['000_14cdbf6256da471f.txt', '001_76da920ca12b73e0.txt']
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
        elif suffix_of(path) in READABLE_SUFFIXES:
            yield path, path.relative_to(root).as_posix(), None
        elif entry.is_symlink() and not path.exists():
            yield path, str(path), "broken symlink"


# --------------------------------------------------------------------------- many files


def check_load_args(
    paths: Any, func: str, split: Any, id_field: Any, text_field: Any
) -> list[str | os.PathLike[str]]:
    """Check the arguments :func:`load_corpus` and :func:`stream_corpus` share; return
    ``paths`` as a list."""
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


def iter_documents(
    paths: list[str | os.PathLike[str]],
    split: str | None,
    id_field: str,
    text_field: str,
    on_error: Callable[[Problem], Any],
    *,
    progress: bool | None,
) -> Iterator[Document]:
    """Every document under ``paths`` in order; each unreadable input goes to ``on_error``."""
    from corpus_tools.progress import progress_bar

    files = list(iter_files(paths))
    for path, doc_id, error in progress_bar(files, desc="loading", unit="file", enabled=progress):
        if error is not None:
            on_error((str(path), error))
            continue
        try:
            for item in file_items(path, doc_id, split, id_field, text_field):
                if isinstance(item, Document):
                    yield item
                else:
                    on_error(item)
        except InputReadError as exc:
            on_error((exc.path, exc.reason))
