"""From paths to documents: walking folders, checking a file, handing it to its reader.

:func:`iter_files` lists the files under the paths a caller gave (sorted, hidden files
skipped, symlink loops detected; ``include``/``exclude`` glob patterns choose the files of
folders, and documentation files beside the reports -- ``README.md``, ``SOURCE.md`` -- are
not read unless a pattern names them); :func:`read_file` reads one file into documents: it
checks that the file exists, is not too large (:mod:`corpus_tools.io.limits`) and is of a
readable kind, then calls the reader of its kind (:mod:`corpus_tools.io.formats`) and, for
a plain-text list of reports, cuts it into one document per line (``split``).
:func:`iter_documents` does that for every file, sending each unreadable input to a
callback, and is what :func:`~corpus_tools.io.load_corpus` and
:func:`~corpus_tools.io.stream_corpus` share; :func:`nothing_found` says why a load found
no document.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, NamedTuple

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
    "SIDE_FILE",
    "SPLITS",
    "ReadOptions",
    "Skipped",
    "check_load_args",
    "file_items",
    "iter_documents",
    "iter_files",
    "nothing_found",
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

#: Documentation files a corpus folder keeps beside its reports (``README.md``,
#: ``SOURCE.md``, ``LICENSE.txt`` ...): in a folder they are not read as reports unless
#: ``include=`` names them (a file named directly is always read).
_SIDE_WORDS = r"(?:readme|source|sources|license|licence|copying|notice|changelog|authors|citation)"
SIDE_FILE = re.compile(_SIDE_WORDS + r"(?:[._-][^.]*)?\.(?:md|txt)", re.IGNORECASE)
#: An include pattern names documentation files when it holds one of their words
#: (``README*``, ``SOURCE.md``); ``*.md`` or ``2023/*`` do not.
_NAMES_SIDE_FILES = re.compile(_SIDE_WORDS, re.IGNORECASE)
#: Names given as examples of the files a folder held but that were not read.
SKIPPED_EXAMPLES = 3


@dataclass
class Skipped:
    """The files of folders that were not read, and why: not errors (a folder may hold
    other files), but what a load that finds nothing must say."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, path: Path, why: str) -> None:
        self.counts[why] += 1
        names = self.examples.setdefault(why, [])
        if len(names) < SKIPPED_EXAMPLES:
            names.append(path.name)

    def describe(self) -> str:
        """``"2 files of other kinds (a.xml, b.bin); 1 documentation file (SOURCE.md)..."``"""
        parts = []
        for why in sorted(self.counts):
            n = self.counts[why]
            names = ", ".join(self.examples[why])
            more = ", ..." if n > len(self.examples[why]) else ""
            parts.append(f"{n:,} {why} ({names}{more})")
        return "; ".join(parts)


#: Why a file in a folder is not read.
OTHER_KIND = "file(s) of other kinds"
SIDE = "documentation file(s), read only when an include= pattern names them (README*)"
LEFT_OUT = "file(s) left out by include=/exclude="


def iter_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    skipped: Skipped | None = None,
) -> Iterator[tuple[Path, str, str | None]]:
    """Yield ``(file, doc_id, error)`` for every file under ``paths``, sorted.

    Folders are walked recursively (hidden files and folders skipped, symlink loops
    detected); a file named directly is always tried. In folders, a file is read when it
    matches one of the ``include`` glob patterns (all readable kinds when none is given)
    and none of ``exclude``; files of unreadable kinds are skipped, and documentation files
    (:data:`SIDE_FILE`: ``README.md``, ``SOURCE.md``, ``LICENSE.txt`` ...) too unless an
    ``include`` pattern names them (holds their word: ``README*``, ``SOURCE.md``; ``*.md``
    does not). Each file not read is counted in ``skipped``. ``error`` is set for a path
    that does not exist.

    A pattern is matched (case-sensitively, ``*`` also across ``/``) against the file's
    path relative to the folder given, and against its name: ``"*.jsonl"``,
    ``"2023/*"``, ``"corpus.jsonl*"``.

    Examples
    --------
    >>> [doc_id for _, doc_id, _ in iter_files(["data/raw"])][:2]
    ['000_14cdbf6256da471f.txt', '001_76da920ca12b73e0.txt']
    >>> [doc_id for _, doc_id, _ in iter_files(["data/raw"], include=["00[34]_*"])]
    ['003_9b7675b2e4522a57.txt', '004_4ba3fb77ef7e832c.txt']
    """
    choose = _Chooser(tuple(include), tuple(exclude), skipped if skipped is not None else Skipped())
    for raw in paths:
        root = Path(raw)
        if not root.exists() and not root.is_symlink():
            yield root, str(root), "no such file or directory"
            continue
        if root.is_dir():
            seen: set[tuple[int, int]] = set()
            yield from _walk(root, root, seen, choose)
        else:
            yield root, root.name, None


class _Chooser:
    """Which files of a folder are read: ``include``/``exclude`` patterns, kinds, and
    documentation files."""

    def __init__(self, include: tuple[str, ...], exclude: tuple[str, ...], skipped: Skipped):
        self.include = include
        self.exclude = exclude
        self.skipped = skipped

    def chosen(self, path: Path, rel: str) -> bool:
        def matches(patterns: tuple[str, ...]) -> bool:
            return any(fnmatchcase(rel, p) or fnmatchcase(path.name, p) for p in patterns)

        side = SIDE_FILE.fullmatch(path.name) is not None
        if self.exclude and matches(self.exclude):
            why = LEFT_OUT
        elif side:
            named = tuple(p for p in self.include if _NAMES_SIDE_FILES.search(p))
            if named and matches(named):
                return True
            why = SIDE
        elif self.include:
            if matches(self.include):
                return True
            why = LEFT_OUT if suffix_of(path) in READABLE_SUFFIXES else OTHER_KIND
        elif suffix_of(path) not in READABLE_SUFFIXES:
            why = OTHER_KIND
        else:
            return True
        self.skipped.add(path, why)
        return False


def _walk(
    root: Path, folder: Path, seen: set[tuple[int, int]], choose: _Chooser
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
            yield from _walk(root, path, seen, choose)
        elif entry.is_symlink() and not path.exists():
            yield path, str(path), "broken symlink"
        elif choose.chosen(path, path.relative_to(root).as_posix()):
            yield path, path.relative_to(root).as_posix(), None


# --------------------------------------------------------------------------- many files


class ReadOptions(NamedTuple):
    """How the files are chosen and read: the arguments :func:`~corpus_tools.io.load_corpus`
    and :func:`~corpus_tools.io.stream_corpus` share besides the paths."""

    split: str | None = None
    id_field: str = "id"
    text_field: str = "text"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def check_load_args(
    paths: Any,
    func: str,
    split: Any,
    id_field: Any,
    text_field: Any,
    *,
    include: Any = None,
    exclude: Any = None,
) -> tuple[list[str | os.PathLike[str]], ReadOptions]:
    """Check the arguments :func:`load_corpus` and :func:`stream_corpus` share; return
    ``paths`` as a list and the rest as :class:`ReadOptions`."""
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
    options = ReadOptions(
        split,
        id_field,
        text_field,
        _patterns(include, "include", func),
        _patterns(exclude, "exclude", func),
    )
    return path_list, options


def _patterns(value: Any, name: str, func: str) -> tuple[str, ...]:
    """Glob patterns: None, one pattern or a list of them."""
    allowed = "a glob pattern (str), a list of them, or None"
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise param_error(name, func, allowed, type(value).__name__)
    patterns = tuple(value)
    for pattern in patterns:
        check_type(pattern, name, func, str, allowed)
        if not pattern:
            raise param_error(name, func, "non-empty glob patterns", pattern)
    return patterns


def iter_documents(
    paths: list[str | os.PathLike[str]],
    options: ReadOptions,
    on_error: Callable[[Problem], Any],
    *,
    skipped: Skipped | None = None,
    progress: bool | None,
) -> Iterator[Document]:
    """Every document under ``paths`` in order; each unreadable input goes to ``on_error``,
    each file of a folder not read is counted in ``skipped``."""
    from corpus_tools.progress import progress_bar

    files = list(
        iter_files(paths, include=options.include, exclude=options.exclude, skipped=skipped)
    )
    for path, doc_id, error in progress_bar(files, desc="loading", unit="file", enabled=progress):
        if error is not None:
            on_error((str(path), error))
            continue
        try:
            for item in file_items(
                path, doc_id, options.split, options.id_field, options.text_field
            ):
                if isinstance(item, Document):
                    yield item
                else:
                    on_error(item)
        except InputReadError as exc:
            on_error((exc.path, exc.reason))


#: Unreadable inputs named in the message of a load that found nothing.
LISTED_ERRORS = 3


def nothing_found(
    paths: Sequence[str | os.PathLike[str]], errors: Sequence[Problem], skipped: Skipped
) -> str:
    """Why a load found no document: the inputs that could not be read (with their
    reasons) and the files of folders that were not read.

    Examples
    --------
    >>> nothing_found(["/nope/x.jsonl"], [("/nope/x.jsonl", "no such file or directory")],
    ...               Skipped())
    "No readable document in '/nope/x.jsonl': /nope/x.jsonl: no such file or directory."
    """
    shown = ", ".join(repr(str(p)) for p in paths[:LISTED_ERRORS])
    if len(paths) > LISTED_ERRORS:
        shown += f" and {len(paths) - LISTED_ERRORS:,} more paths"
    parts = [f"{p}: {r}" for p, r in errors[:LISTED_ERRORS]]
    if len(errors) > LISTED_ERRORS:
        parts.append(f"{len(errors) - LISTED_ERRORS:,} more unreadable inputs")
    if skipped.counts:
        parts.append("not read: " + skipped.describe())
    if not parts:
        parts.append("no file of a readable kind (" + " ".join(READABLE_SUFFIXES) + ")")
    return f"No readable document in {shown}: " + "; ".join(parts) + "."
