"""Record files: ``.jsonl``, ``.jsonl.gz``, ``.csv``, ``.parquet``, one document per record.

Each record has an id and a text field (``id`` and ``text`` unless the caller names others);
a ``title`` field is the title, kept as given; every other field is kept as metadata with
its value (a field named like a column of the corpus table -- ``doc_id``, ``text``,
``source`` -- as ``record_doc_id`` ...). ``.jsonl``, ``.jsonl.gz`` and ``.parquet`` are read
a record (or a batch) at a time, whatever their size; ``.csv`` is read whole.

A bad record is reported and skipped, the good ones kept: invalid JSON, JSON nested deeper
than :data:`MAX_DEPTH`, a string holding a lone surrogate (``"ab\\ud800cd"`` is legal JSON
but not Unicode text: no command could encode it), a record without text. When no record
has the text field, the file is one error naming the fields its records do have (a wrong
``text_field``), not one error per record. A file that breaks off (a truncated
``.jsonl.gz``) keeps the records before the break.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus_tools.errors import InputReadError
from corpus_tools.io import limits
from corpus_tools.io.decode import decode_bytes
from corpus_tools.io.documents import Document
from corpus_tools.io.values import is_missing

__all__ = [
    "PARQUET_BATCH",
    "RECORD_SUFFIXES",
    "STREAMED_SUFFIXES",
    "read_records",
    "record_documents",
]

RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".csv", ".parquet")
#: Files read a record at a time, whatever their size.
STREAMED_SUFFIXES = (".jsonl", ".jsonl.gz", ".parquet")
#: Records read from a parquet file at a time.
PARQUET_BATCH = 2048
#: Bytes read at a time while skipping the rest of an oversized JSON line.
_SKIP_BYTES = 1 << 24
#: The key of a record that stands for an error at its place in the file.
ERROR_KEY = "__error__"
#: A JSON escape of a surrogate code point (a pair is one character once decoded, a lone
#: one is not text); only records whose line holds one are searched for a lone surrogate.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")

Record = dict[str, Any]


def read_records(path: Path, suffix: str) -> Iterator[tuple[int, Record]]:
    """Yield ``(record number, record)`` from a record file.

    A bad record is yielded as ``{ERROR_KEY: reason}``; a file that cannot be read on
    raises :class:`InputReadError`.
    """
    if suffix in (".jsonl", ".jsonl.gz"):
        yield from _jsonl_records(path, gzipped=suffix == ".jsonl.gz")
    elif suffix == ".csv":
        yield from _csv_records(path)
    else:
        yield from _parquet_records(path)


def _jsonl_records(path: Path, *, gzipped: bool) -> Iterator[tuple[int, Record]]:
    opener: Any = gzip.open if gzipped else open
    try:
        with opener(path, "rb") as fh:
            lineno = 0
            while raw := fh.readline(limits.MAX_FILE_BYTES + 1):
                lineno += 1
                if len(raw) > limits.MAX_FILE_BYTES:  # one record larger than any file read whole
                    while raw and not raw.endswith(b"\n"):
                        raw = fh.readline(_SKIP_BYTES)
                    reason = (
                        f"line {lineno}: a record of more than "
                        f"{limits.MAX_FILE_BYTES:,} bytes, skipped"
                    )
                    yield lineno, {ERROR_KEY: reason}
                elif raw.strip():
                    yield lineno, _json_record(raw, lineno)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputReadError(str(path), f"truncated or corrupt: {exc}") from None


def _json_record(raw: bytes, lineno: int) -> Record:
    try:
        rec = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return {ERROR_KEY: f"line {lineno}: invalid JSON ({exc})"}
    except RecursionError:
        return {ERROR_KEY: f"line {lineno}: JSON nested too deeply"}
    if not isinstance(rec, dict):
        return {ERROR_KEY: f"line {lineno}: not a JSON object"}
    if _ESCAPED_SURROGATE.search(raw) or raw.count(b"[") + raw.count(b"{") > MAX_DEPTH:
        return _check_record(rec, lineno)
    return rec


def _csv_records(path: Path) -> Iterator[tuple[int, Record]]:
    text = decode_bytes(path.read_bytes(), path=str(path))
    csv.field_size_limit(limits.MAX_FILE_BYTES)
    try:
        reader = csv.DictReader(io.StringIO(text))
        for lineno, rec in enumerate(reader, 2):  # line 1 is the header
            yield lineno, dict(rec)
    except csv.Error as exc:
        raise InputReadError(str(path), f"broken CSV: {exc}") from None


def _parquet_records(path: Path) -> Iterator[tuple[int, Record]]:
    """Records a batch at a time (never the whole file)."""
    import pyarrow.parquet as pq

    i = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH):
            for rec in batch.to_pandas().to_dict("records"):
                i += 1
                yield i, {str(k): v for k, v in rec.items()}
    except InputReadError:
        raise
    except Exception as exc:  # pyarrow raises its own error kinds
        raise InputReadError(str(path), f"broken parquet: {exc}") from None


def record_documents(
    path: Path, suffix: str, name: str, id_field: str, text_field: str
) -> Iterator[Document | tuple[str, str]]:
    """The documents of a record file, and ``(path, reason)`` for its bad records, in order.

    A record without an id gets ``NAME:NUMBER``. Raises :class:`InputReadError` when the
    file holds no record at all, when no record has the text field (one error naming the
    fields the records do have, not one per record), or when it breaks off before its first
    good record.
    """
    kept = 0
    bad = 0
    held = _Held(text_field)
    try:
        for lineno, rec in read_records(path, suffix):
            doc = _record_document(
                rec, lineno, path, name, id_field=id_field, text_field=text_field
            )
            if isinstance(doc, Document):
                kept += 1
                yield from held.release(str(path))
                yield doc
            elif isinstance(doc, _NoField):
                if kept:
                    bad += 1
                    yield str(path), held.reason(lineno)
                else:
                    held.hold(lineno, rec)
            else:
                bad += 1
                yield doc
    except InputReadError as exc:
        if not kept:
            raise
        # the records before the break are already out: keep them, report the break
        yield exc.path, f"{exc.reason} (after {kept:,} good records, which were kept)"
        return
    if not kept and held.count:
        raise InputReadError(str(path), held.summary())
    if not kept and not bad:
        raise InputReadError(str(path), "empty: no records")


#: Records without the text field held back (named one by one if a later record has it) ...
HELD_RECORDS = 1000
#: ... and field names listed when no record has it.
LISTED_FIELDS = 30


class _Held:
    """Records without the text field, before the first record that has it: if none has
    it, the field name is wrong and one error says so, with the fields the records have."""

    def __init__(self, text_field: str) -> None:
        self.text_field = text_field
        self.count = 0
        self.lines: list[int] = []
        self.fields: dict[str, None] = {}

    def hold(self, lineno: int, rec: Record) -> None:
        self.count += 1
        if len(self.lines) < HELD_RECORDS:
            self.lines.append(lineno)
            for key in rec:
                if len(self.fields) < LISTED_FIELDS:
                    self.fields.setdefault(str(key), None)

    def reason(self, lineno: int) -> str:
        return f"record {lineno}: no text in field {self.text_field!r} (no such field)"

    def release(self, path: str) -> Iterator[tuple[str, str]]:
        """The held records one by one (the field exists: these records lack it)."""
        if not self.count:
            return
        for lineno in self.lines:
            yield path, self.reason(lineno)
        if self.count > len(self.lines):
            more = self.count - len(self.lines)
            yield path, f"{more:,} more records without a field {self.text_field!r}"
        self.count = 0
        self.lines = []

    def summary(self) -> str:
        fields = ", ".join(repr(f) for f in self.fields) or "none"
        return (
            f"no record has a field {self.text_field!r} ({self.count:,} records); "
            f"the records have the fields {fields}: name the text field with "
            "--text-field (text_field=)"
        )


class _NoField:
    """The text field is absent from a record (not empty: absent)."""


_NO_FIELD = _NoField()
#: Record fields that would collide with a column of the corpus table are kept under
#: ``record_<field>``, so that no field of the corpus is lost.
_COLUMNS = ("doc_id", "text", "source")
_COLUMN_SET = frozenset(_COLUMNS)
#: Deepest nesting of a record's values (a deeper record is refused: its values could not be
#: written back as JSON without overflowing the stack).
MAX_DEPTH = 100
_SURROGATE = re.compile("[\ud800-\udfff]")


def _record_document(
    rec: Record, lineno: int, path: Path, name: str, *, id_field: str, text_field: str
) -> Document | tuple[str, str] | _NoField:
    if ERROR_KEY in rec:
        return str(path), rec[ERROR_KEY]
    if text_field not in rec:
        return _NO_FIELD
    text = rec[text_field]
    if not isinstance(text, str) or not text or text.isspace():  # (isspace: no copy)
        what = "empty" if isinstance(text, str) or is_missing(text) else "not a string"
        return str(path), f"record {lineno}: no text in field {text_field!r} ({what})"
    rid = rec.get(id_field)
    if type(rid) is not str or not rid:  # (most ids are strings: no further test)
        rid = f"{name}:{lineno}" if is_missing(rid) or rid == "" else str(rid)
    title = rec.get("title")
    if type(title) is not str:  # (no value of a record is written as an empty string)
        title = None if is_missing(title) or title == "" else str(title)
    title = title or None
    rest = dict(rec)  # (dict operations, in C: most records have a dozen fields)
    for key in (id_field, text_field, "title"):
        rest.pop(key, None)
    if _COLUMN_SET.isdisjoint(rest):
        return Document(rid, text, str(path), title, tuple(rest.items()))
    meta = tuple((f"record_{k}" if k in _COLUMN_SET else k, v) for k, v in rest.items())
    return Document(rid, text, str(path), title, meta)


def _check_record(rec: Record, lineno: int) -> Record:
    """``rec``, or an error record when a string in it holds a lone surrogate (legal JSON,
    ``"\\ud800"``, but not Unicode text: no command could encode it) or it is nested
    deeper than :data:`MAX_DEPTH`."""
    stack: list[tuple[Any, int, str]] = [(rec, 0, "")]
    while stack:
        value, depth, field = stack.pop()
        if depth > MAX_DEPTH:
            return {ERROR_KEY: f"line {lineno}: nested deeper than {MAX_DEPTH} levels"}
        if isinstance(value, str):
            m = _SURROGATE.search(value)
            if m is not None:
                return {
                    ERROR_KEY: f"line {lineno}: field {field!r} holds a lone surrogate "
                    f"(\\u{ord(m.group()):04x} at character {m.start():,}), which is not "
                    "Unicode text: the record is skipped"
                }
        elif isinstance(value, dict):
            for k, v in value.items():
                name = field or str(k).encode("utf-8", "replace").decode()
                stack.extend(((k, depth + 1, name), (v, depth + 1, name)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1, field) for v in value)
    return rec
