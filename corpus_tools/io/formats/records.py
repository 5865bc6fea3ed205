"""Record files: ``.jsonl``, ``.jsonl.gz``, ``.csv``, ``.parquet``, one document per record.

Each record has an id and a text field (``id`` and ``text`` unless the caller names others);
a ``title`` field is the title; every other field is kept as metadata. ``.jsonl``,
``.jsonl.gz`` and ``.parquet`` are read a record (or a batch) at a time, whatever their size;
``.csv`` is read whole. A bad record is reported and skipped, the good ones kept; a file
that breaks off (a truncated ``.jsonl.gz``) keeps the records before the break.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus_tools.errors import InputReadError
from corpus_tools.io import limits
from corpus_tools.io.decode import decode_bytes
from corpus_tools.io.documents import Document

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
#: Fields of a record that are never metadata (besides the id and text fields).
_NOT_META = ("title", "doc_id", "source")

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
    if not isinstance(rec, dict):
        return {ERROR_KEY: f"line {lineno}: not a JSON object"}
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
    file holds no record at all, or breaks off before its first good record.
    """
    kept = 0
    bad = 0
    try:
        for lineno, rec in read_records(path, suffix):
            doc = _record_document(
                rec, lineno, path, name, id_field=id_field, text_field=text_field
            )
            if isinstance(doc, Document):
                kept += 1
            else:
                bad += 1
            yield doc
    except InputReadError as exc:
        if not kept:
            raise
        # the records before the break are already out: keep them, report the break
        yield exc.path, f"{exc.reason} (after {kept:,} good records, which were kept)"
        return
    if not kept and not bad:
        raise InputReadError(str(path), "empty: no records")


def _record_document(
    rec: Record, lineno: int, path: Path, name: str, *, id_field: str, text_field: str
) -> Document | tuple[str, str]:
    if ERROR_KEY in rec:
        return str(path), rec[ERROR_KEY]
    text = rec.get(text_field)
    if not isinstance(text, str) or not text.strip():
        return str(path), f"record {lineno}: no text in field {text_field!r}"
    rid = rec.get(id_field)
    rid = f"{name}:{lineno}" if rid is None or rid == "" else str(rid)
    title = rec.get("title")
    meta = tuple((k, v) for k, v in rec.items() if k not in (id_field, text_field, *_NOT_META))
    return Document(rid, text, str(path), title if isinstance(title, str) else None, meta)
