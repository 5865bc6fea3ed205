"""The on-disk format of a :class:`corpus_tools.dedup.DedupIndex`: one directory.

``manifest.json``
    format name, version, generation (saves so far), options, document count, the field the
    documents' units came from, the names of the files below, the SHA-256 of every array
    file, and its own SHA-256 (``checksum``, of the rest of it). Each save writes new names
    (``docs-g2.parquet``, ``texts-g2-0003.bin``) and the manifest last, so a crash leaves
    the previous index whole.
``docs-gN.npy`` (int64, columns x documents), ``doc_ids-gN.json``
    the document table: per document its ``chars``, ``length`` (folded), ``n_shingles``,
    ``n_anchors``, ``digest``, where its text is (``segment``, ``offset``, ``nbytes``,
    ``crc32``) and its ``role`` (0 ``peer``, 1 ``reference``), one row of the array each
    (:data:`DOC_ARRAY_COLUMNS`); its ``doc_id`` and ``unit`` (or null) in the JSON file
    (``{"doc_id": [...], "unit": [...]}``). Read with numpy and ``json`` alone (version 4).
``bands-gN.npy`` (uint64, documents x bands), ``anchor_keys-gN.npy`` (uint32, sorted),
``anchor_docs-gN.npy`` (uint32)
    the search structures.
``band_keys-gN.npy`` (uint64, bands x documents), ``band_order-gN.npy`` (uint32)
    the band order: each band's keys sorted, and the document at each place of that
    order, so that a query looks its band keys up without sorting the index
    (:func:`band_tables`; version 3, computed when absent).
``blocks-gN.npy`` (uint8, blocks x 32)
    the SHA-256 of each block of :data:`BLOCK_BYTES` of the files a query reads in part
    (:data:`SEARCHED`, in that order; version 3): a loaded index checks a block when a
    query first reads it (:class:`BlockCheck`).
``texts-gN-NNNN.bin``
    zlib-compressed texts, one file per build or ``add``, never rewritten; each text's
    CRC-32 is checked when it is read.
``writer.lock``, ``writer.json``
    the writers' lock (:func:`writer_lock`) and who holds it (pid, host, since when).

Format version 3 (read, never written) held the document table in one parquet file
(``docs-gN.parquet``: the columns above, ``role`` as a string), read with pyarrow. Format
version 2 (read, never written) had no band order (it is computed when first
needed) and no block checksums (every file is checked whole when loaded). Format version 1
(read, never written) had no ``checksum``, no ``role`` or ``unit`` (every document a peer)
and no generation tag in the names of the first save (``docs.parquet``, ``texts-0000.bin``).

This module reads and writes one generation of that directory as tables
(:class:`StoredIndex`), checks it (:func:`check_index`), and knows nothing of matching.

Reading trusts nothing: a damaged or crafted index is refused with the reason
(:class:`~corpus_tools.errors.IndexFormatError`), in memory bounded by the size of its
files. The manifest is read only up to :data:`MAX_MANIFEST_BYTES` and each of its fields is
checked; every array's header (dtype, shape) is checked against its file's size before the
array is mapped into memory (read only: a page is read from the disk when used, and the
SHA-256 is computed over the mapping, without a copy); the document table's shape and
types (its JSON file's fields; a parquet table's rows, columns, types and compression) are
checked before it is read, and every value after
(ranges, unique ids, roles, offsets inside their text files); anchors must point at held
documents, sorted, as many per document as the table says, and the band order at documents,
each band sorted (:func:`check_index` also checks that it is the order of the band keys).
A loaded index (:meth:`corpus_tools.dedup.DedupIndex.load`, a lazy read) checks
these of the values a query reads, when it reads them, and all of them before the arrays
are used whole (:class:`BlockCheck`). A stored text is decompressed at most to the
size its stored length allows (a "zip bomb" stops there), checked against its CRC-32
and its length.

Sharing one index between processes:

* **Writers serialise.** A writer holds ``writer.lock`` (an OS file lock taken with
  ``filelock``: ``flock`` on Unix, ``LockFileEx`` on Windows) while it writes; another
  writer waits for it, up to a timeout after which it is told which process holds it. The
  OS drops the lock of a process that dies, however it dies, so a killed writer never
  leaves the index locked.
* **Readers see one generation.** The manifest is replaced atomically (a rename), and it
  only names files that are complete and never rewritten under that name. A reader opens
  every data file the manifest it read names before it reads any; if one is gone (a writer
  published a newer generation meanwhile and removed the older one), it reads the new
  manifest and starts again. Readers take no lock, so a long ``flag`` never blocks a writer.
* **A crash is no generation.** A writer killed between any two of its file writes leaves
  the previous manifest, and every file it names, as they were; what it wrote is removed by
  the next writer once that one has published its generation.
* **Only its own files.** A writer removes only files an index writes (names with a
  generation tag, its temporary files, and the files the manifest it replaces named): a
  folder that is not an index keeps every file of its own (see :func:`foreign_entries`).

Examples
--------
>>> file_names(2)["docs"], file_names(2)["doc_ids"], segment_name(2, 3)
('docs-g2.npy', 'doc_ids-g2.json', 'texts-g2-0003.bin')
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import mmap
import os
import re
import shutil
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.config import DedupConfig, make_config
from corpus_tools.dedup.verify import release_pages
from corpus_tools.errors import CorpusToolsError, IndexBusyError, IndexFormatError, OutputError
from corpus_tools.io.atomic import atomic_write

__all__ = [
    "ARRAYS",
    "BAND_TABLES",
    "BLOCK_BYTES",
    "DOC_ARRAY_COLUMNS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "LOCATION_COLUMNS",
    "LOCK_FILE",
    "LOCK_TIMEOUT",
    "MANIFEST",
    "MAX_MANIFEST_BYTES",
    "OWNER_FILE",
    "READ_VERSIONS",
    "ROLES",
    "SEARCHED",
    "SPILL_PREFIX",
    "ArrayParts",
    "BlockCheck",
    "Damage",
    "DocTable",
    "IndexCheck",
    "StoredIndex",
    "band_tables",
    "block_digests",
    "check_index",
    "check_target",
    "copy_file",
    "current_generation",
    "drop_documents",
    "empty_locations",
    "file_names",
    "foreign_entries",
    "map_arrays",
    "move_file",
    "next_generation",
    "read_for_repair",
    "read_generation",
    "read_text",
    "remove_leftovers",
    "segment_name",
    "write_generation",
    "write_texts",
    "writer_lock",
]

FORMAT_NAME = "corpus-tools-dedup-index"
#: The version written; 2 added the manifest's checksum, roles and units, and tags every
#: generation's file names (so a writer can tell its own files from a user's); 3 added
#: the band order (:data:`BAND_TABLES`); 4 the document table in numpy and JSON files (read
#: without pyarrow or pandas) instead of parquet.
FORMAT_VERSION = 4
#: The versions read (an index of version 1 holds peers only; one of version 1 or 2 has
#: no band order: it is computed when first needed; one before version 4 has its document
#: table in parquet, read with pyarrow).
READ_VERSIONS = (1, 2, 3, 4)
#: The first version with a manifest checksum, roles and units.
_V2 = 2
#: The first version with the band order.
_V3 = 3
#: The first version with the document table in numpy and JSON files.
_V4 = 4
MANIFEST = "manifest.json"
#: The search arrays, by role (each an ``.npy`` file).
ARRAYS = ("bands", "anchor_keys", "anchor_docs")
#: The band order (version 3, each an ``.npy`` file): ``band_keys`` (uint64, bands x
#: documents, each row sorted) and ``band_order`` (uint32, the document at each place).
BAND_TABLES = ("band_keys", "band_order")
#: The arrays a query reads only in part (version 3): the SHA-256 of each of their blocks of
#: :data:`BLOCK_BYTES` is stored (``blocks-gN.npy``, uint8, blocks x 32, in this order of
#: files), so that a loaded index checks the blocks a query reads, when it reads them, and
#: not every byte of every file first.
SEARCHED = ("anchor_keys", "anchor_docs", "band_keys", "band_order")
#: Bytes of a checked block (a page: a query reads a few thousand of them).
BLOCK_BYTES = 4096
#: The files version 3 added.
_V3_FILES = (*BAND_TABLES, "blocks")
#: Bytes at the start of an array file checked before its header is parsed (numpy reads a
#: header of up to 10,000 bytes).
_HEADER_BYTES = 3 * BLOCK_BYTES
#: Where a document's text is: segment number, byte offset, compressed size, CRC-32.
LOCATION_COLUMNS = ("segment", "offset", "nbytes", "crc32")
#: The integer columns of the document table, in order (after ``doc_id``).
_INT_COLUMNS = ("chars", "length", "n_shingles", "n_anchors", "digest", *LOCATION_COLUMNS)
#: The rows of the document table's array file (version 4): the integer columns, then the
#: role (its position in :data:`ROLES`).
DOC_ARRAY_COLUMNS = (*_INT_COLUMNS, "role")
#: The fields of the document table's JSON file (version 4), each a list of one value per
#: document: the ``doc_id`` (str) and the ``unit`` (str or null).
_DOC_JSON_FIELDS = ("doc_id", "unit")
#: What a held document is: ``reference`` (may be quoted: central documents, national
#: reports) or ``peer`` (any other: other units' reports, earlier reports, model essays).
ROLES = ("peer", "reference")
LOCK_FILE = "writer.lock"
OWNER_FILE = "writer.json"
#: Seconds a writer waits for another process writing the same index before it gives up.
LOCK_TIMEOUT = 60.0
#: Seconds between two tries of a lock held by another process.
_LOCK_POLL = 0.05
#: Times a reader starts again when writers publish new generations while it reads.
_SNAPSHOT_TRIES = 50
#: Name prefix of the folders where texts wait while documents are added (see DedupIndex).
SPILL_PREFIX = ".corpus-tools-index-"
#: zlib level of stored texts (6: zlib's default balance of speed and size).
_ZLIB_LEVEL = 6
#: Largest manifest read (a manifest names one text file per save: 16 MiB is ~400,000).
MAX_MANIFEST_BYTES = 16 << 20
#: Deflate never expands more than 1032 to 1 (258-byte matches in 2 bits): a stored text
#: whose length claims more than this per compressed byte is a lie.
_ZLIB_MAX_RATIO = 1032
#: UTF-8 takes at most 4 bytes a character: the bound a text is decompressed to.
_UTF8_MAX = 4
#: Compression codecs read in a document table: snappy (what pandas writes) expands at
#: most about 21 to 1 (a 64-byte copy in 3 bytes), so the table read stays within a known
#: multiple of its file; zstd, gzip and brotli can expand a thousandfold and are refused.
_TABLE_CODECS = ("UNCOMPRESSED", "SNAPPY")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
#: File names an index writes: data files of a generation (tagged ``-gN``) and their
#: temporary files; the untagged names of version 1 only as temporary files.
_TAGGED = (
    r"(?:docs-g\d+\.parquet|doc_ids-g\d+\.json"
    r"|(?:docs|bands|anchor_keys|anchor_docs|band_keys|band_order|blocks)-g\d+\.npy"
    r"|texts-g\d+-\d{4,}\.bin)"
)
_UNTAGGED = r"(?:docs\.parquet|(?:bands|anchor_keys|anchor_docs)\.npy|texts-\d{4,}\.bin)"
_OWN_FILE = re.compile(
    rf"\.?{_TAGGED}(?:\..*\.tmp)?|\.{_UNTAGGED}\..*\.tmp|\.(?:manifest|writer)\.json\..*\.tmp"
)
#: Names a manifest may give its files (plain names inside the index's folder).
_DATA_NAME = re.compile(
    r"(?:docs(?:-g\d+)?\.parquet|(?:bands|anchor_keys|anchor_docs)(?:-g\d+)?\.npy"
    r"|(?:docs|band_keys|band_order|blocks)-g\d+\.npy|doc_ids-g\d+\.json)"
)
#: Digits of a segment number at most (a manifest naming more is garbled).
_MAX_SEGMENT_DIGITS = 9
_SEGMENT_NAME = re.compile(r"texts-(?:g\d+-)?\d{4,}\.bin")
#: Names of a folder's own files shown when a save refuses the folder.
_SHOWN_ENTRIES = 5
#: The manifest fields of the lock holder file (for telling it from a user's file).
_OWNER_FIELDS = {"pid", "host", "since"}


#: The document table in memory: one array per column (``doc_id`` and ``unit`` of objects,
#: str or None; ``role`` int8, the position in :data:`ROLES`; the others int64).
DocTable = dict[str, npt.NDArray[Any]]


class StoredIndex(NamedTuple):
    """One generation of an index as tables: what is written and read back.

    ``docs`` holds the columns of the document table (:data:`DocTable`; see the module's
    docstring);
    ``segments`` maps a segment number to its file; ``unit_field`` names the metadata field
    the documents' units came from (None when they have none).
    """

    config: DedupConfig
    docs: DocTable
    bands: npt.NDArray[np.uint64]
    anchor_keys: npt.NDArray[np.uint32]
    anchor_docs: npt.NDArray[np.uint32]
    segments: dict[int, Path]
    generation: int
    unit_field: str | None = None
    #: the band order (:func:`band_tables`); None when not stored (computed when written)
    band_keys: npt.NDArray[np.uint64] | None = None
    band_order: npt.NDArray[np.uint32] | None = None
    #: the checksums still to check as the arrays are read (a lazy read), else None
    checks: BlockCheck | None = None


class ArrayParts(NamedTuple):
    """An array to write a part at a time, never whole in memory: its ``shape`` and
    ``dtype``, and ``parts()``, which yields its values in C order (arrays of any shape
    whose values, one after the other, are the array's).

    Examples
    --------
    >>> whole = ArrayParts((2, 3), np.dtype(np.uint32), lambda: iter([np.arange(6, dtype=np.uint32)]))
    >>> whole.shape, whole.dtype.itemsize
    ((2, 3), 4)
    """

    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    parts: Callable[[], Iterator[npt.NDArray[Any]]]


def band_tables(
    bands: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    """The band order of band keys (documents x bands): each band's keys sorted (bands x
    documents), and the document at each place of that order (uint32).

    Examples
    --------
    >>> keys, order = band_tables(np.array([[5, 1], [3, 1], [4, 0]], dtype=np.uint64))
    >>> keys.tolist(), order.tolist()
    ([[3, 4, 5], [0, 1, 1]], [[1, 2, 0], [2, 0, 1]])
    """
    n, n_bands = bands.shape
    keys = np.empty((n_bands, n), dtype=np.uint64)
    order = np.empty((n_bands, n), dtype=np.uint32)
    for b in range(n_bands):  # (a band at a time: the memory of one int64 order on top)
        column = np.ascontiguousarray(bands[:, b])
        at = np.argsort(column, kind="stable")
        keys[b] = column[at]
        order[b] = at
    return keys, order


def file_names(gen: int) -> dict[str, str]:
    """The data files of the ``gen``-th save into a directory."""
    roles = ("docs", *ARRAYS, *_V3_FILES)
    return {"doc_ids": f"doc_ids-g{gen}.json", **{role: f"{role}-g{gen}.npy" for role in roles}}


#: The data files of a version-1 index saved once (its manifest may not name them).
_FIRST_RELEASE_NAMES = {"docs": "docs.parquet", **{role: f"{role}.npy" for role in ARRAYS}}


def segment_name(gen: int, seg: int) -> str:
    """The name of text segment ``seg`` first written by the ``gen``-th save."""
    return f"texts-g{gen}-{seg:04d}.bin"


def current_generation(root: Path) -> int | None:
    """The generation of the index in ``root``, None when there is none (or no readable
    manifest)."""
    manifest = _manifest_json(root)
    if manifest is None:
        return None
    try:
        return int(manifest.get("generation", 0))
    except (ValueError, TypeError):
        return None


def next_generation(root: Path) -> int:
    """One more than the generation of the index in ``root``, 0 when there is none."""
    gen = current_generation(root)
    return 0 if gen is None else gen + 1


def empty_locations() -> npt.NDArray[np.int64]:
    """Text locations of no document: int64, one row per document, one column per
    :data:`LOCATION_COLUMNS`."""
    return np.zeros((0, len(LOCATION_COLUMNS)), dtype=np.int64)


#: Bytes read at a time when a file just written is checksummed (a multiple of
#: :data:`BLOCK_BYTES`): read, not mapped, so that its pages never count in this process's
#: resident memory (a mapping of the arrays of a 2 GB corpus would add 700 MB to it).
_READ_BYTES = 1 << 22


def _sha256(path: Path) -> str:
    """SHA-256 of a file written by this process, read a part at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for data in iter(lambda: fh.read(_READ_BYTES), b""):
            h.update(data)
    return h.hexdigest()


def _sha256_of(fh: IO[bytes]) -> str:
    """SHA-256 of an open file from its start; leaves it at its start again."""
    if hasattr(fh, "fileno") and os.fstat(fh.fileno()).st_size:
        try:  # over a read-only mapping: no copy of the file through a buffer
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                return hashlib.sha256(buf).hexdigest()
        except (OSError, ValueError):
            pass  # (a file that cannot be mapped is read)
    h = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(1 << 20), b""):
        h.update(block)
    fh.seek(0)
    return h.hexdigest()


def _manifest_checksum(manifest: dict[str, Any]) -> str:
    """SHA-256 of a manifest's fields other than ``checksum`` (keys sorted, no spaces)."""
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _manifest_json(root: Path) -> dict[str, Any] | None:
    """The manifest in ``root`` as JSON when it is one of this format (size bounded), else
    None."""
    path = root / MANIFEST
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        return None
    return manifest


# ---------------------------------------------------------------------- the writers' lock


#: Locks this process holds, by (directory, thread): a thread may take its lock again.
_HELD: dict[tuple[str, int], list[Any]] = {}


@contextlib.contextmanager
def writer_lock(root: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the writers' lock of the index in ``root`` (created if needed).

    Waits up to ``timeout`` seconds for another process that holds it, then raises
    :class:`IndexBusyError` naming that process. The same thread may take it again inside.
    """
    from filelock import FileLock, Timeout

    key = (str(Path(root).resolve()), threading.get_ident())
    held = _HELD.get(key)
    if held is not None:
        held[1] += 1
        try:
            yield
        finally:
            held[1] -= 1
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create index directory {root}: {exc}") from exc
    lock = FileLock(str(root / LOCK_FILE))
    try:
        lock.acquire(timeout=timeout, poll_interval=_LOCK_POLL)
    except Timeout:
        raise IndexBusyError(_busy_message(root, timeout)) from None
    _HELD[key] = [lock, 1]
    try:
        _write_owner(root)
        yield
    finally:
        del _HELD[key]
        with contextlib.suppress(OSError):
            (root / OWNER_FILE).unlink()
        lock.release()


def _write_owner(root: Path) -> None:
    """Say who holds the lock, for the message of a writer that waits in vain."""
    import socket  # (here: a query, which takes no lock, need not import it)

    owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
    with contextlib.suppress(OSError), atomic_write(root / OWNER_FILE, "w") as fh:
        json.dump(owner, fh)


def _busy_message(root: Path, timeout: float) -> str:
    import socket

    try:
        owner = json.loads((root / OWNER_FILE).read_text(encoding="utf-8"))
        who = f"pid {int(owner['pid'])}"
        if owner.get("host") != socket.gethostname():
            who += f" on {owner.get('host')}"
        held = time.time() - float(owner["since"])
    except (OSError, ValueError, TypeError, KeyError):
        who, held = "pid unknown", timeout
    return (
        f"index is being written by another process ({who}) for {held:.0f} s; try again "
        f"(waited {timeout:g} s for {root})"
    )


# ---------------------------------------------------------------------- texts


def write_texts(path: Path, seg: int, texts: dict[int, str]) -> npt.NDArray[np.int64]:
    """Write ``texts`` (by document position, in order) compressed to one segment file;
    return where each is: one row per text of ``segment``, ``offset``, ``nbytes``, ``crc32``
    (int64)."""
    rows = []
    offset = 0
    with atomic_write(path, "wb") as fh:
        for doc in sorted(texts):
            blob = zlib.compress(texts[doc].encode("utf-8"), _ZLIB_LEVEL)
            fh.write(blob)
            rows.append((seg, offset, len(blob), zlib.crc32(blob)))
            offset += len(blob)
    return np.array(rows, dtype=np.int64).reshape(-1, len(LOCATION_COLUMNS))


def _text_problem(blob: bytes, nbytes: int, crc32: int, chars: int) -> tuple[str, str | None]:
    """``(reason, None)`` when a stored text is damaged, else ``("", text)``; memory
    bounded by its stored length, whatever the blob decompresses to."""
    if len(blob) != nbytes:
        return "it ends before the text does (the file is truncated)", None
    if zlib.crc32(blob) != crc32:
        return "its CRC-32 differs", None
    limit = _UTF8_MAX * chars
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(blob, limit + 1)  # (max_length 0 would mean no limit)
    except zlib.error as exc:
        return f"it does not decompress ({exc})", None
    if len(raw) > limit or inflater.unconsumed_tail:
        return f"it decompresses to more than its stored length of {chars} characters", None
    if not inflater.eof:
        return "it is cut short (its compressed stream does not end)", None
    if inflater.unused_data:
        return "it has bytes after the end of its compressed stream", None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "it is not UTF-8 once decompressed", None
    if len(text) != chars:
        return f"it holds {len(text)} characters, not the {chars} stored", None
    return "", text


def read_text(path: Path, offset: int, nbytes: int, crc32: int, doc_id: str, *, chars: int) -> str:
    """Read one stored text, checking its CRC-32 and its length ``chars``, and
    decompressing it no further than that length allows."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            blob = fh.read(nbytes)
    except OSError as exc:
        raise IndexFormatError(f"index text file {path} cannot be read: {exc}") from exc
    reason, text = _text_problem(blob, nbytes, crc32, chars)
    if text is None:
        raise IndexFormatError(
            f"index text file {path} is corrupt (the text of document {doc_id!r}: {reason}); "
            f"'corpus-tools index repair {path.parent}' drops the documents whose text is "
            "damaged and names them to add again"
        )
    return text


def move_file(src: Path, target: Path) -> None:
    """Move a file into place: a rename on one file system, else a copy then a delete."""
    try:
        os.replace(src, target)
    except OSError:
        copy_file(src, target)
        src.unlink()


def copy_file(src: Path, target: Path) -> None:
    """Copy a file to ``target`` atomically."""
    with atomic_write(target, "wb") as fh, open(src, "rb") as source:
        shutil.copyfileobj(source, fh)


# ---------------------------------------------------------------------- whose files


def _is_own_entry(entry: os.DirEntry[str]) -> bool:
    """Whether an index writes a file or folder of this name (and, for the lock files,
    of this content)."""
    name = entry.name
    if name.startswith(SPILL_PREFIX):
        return entry.is_dir(follow_symlinks=False)
    if _OWN_FILE.fullmatch(name):
        return entry.is_file(follow_symlinks=False)
    if name == LOCK_FILE:  # filelock's lock file: empty
        return entry.is_file(follow_symlinks=False) and entry.stat().st_size == 0
    if name == OWNER_FILE:
        try:
            owner = json.loads(Path(entry.path).read_bytes()[:4096].decode("utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(owner, dict) and set(owner) == _OWNER_FIELDS
    return False


def foreign_entries(root: Path) -> list[str]:
    """The names in the folder ``root`` that no index wrote, sorted (empty when ``root``
    does not exist, is empty, or holds an index of this format, whose folder may hold
    other files too).

    A save refuses such a folder unless forced, and a forced save writes beside them
    without changing or removing any (it removes only files an index writes).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "docs.parquet").write_bytes(b"mine")
    ...     foreign_entries(Path(folder))
    ['docs.parquet']
    """
    if not root.exists():
        return []
    if not root.is_dir():
        raise OutputError(f"{root} is a file, not a folder: give a folder for the index")
    if _manifest_json(root) is not None:
        return []
    try:
        entries = list(os.scandir(root))
    except OSError as exc:
        raise OutputError(f"cannot read the folder {root}: {exc.strerror or exc}") from exc
    return sorted(e.name for e in entries if not _is_own_entry(e))


def check_target(root: Path, *, force: bool = False) -> None:
    """Refuse to save an index into ``root`` when it is a file, or a folder of files no
    index wrote (unless ``force``: the index is then written beside them), or a folder
    whose ``manifest.json`` is not an index's (always: the index must write its own).

    Raises
    ------
    OutputError
        Naming the folder, some of its files, and ``--force``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "notes.txt").write_text("mine")
    ...     check_target(Path(folder))
    Traceback (most recent call last):
    ...
    corpus_tools.errors.OutputError: ... is not empty and is not a corpus-tools index ...
    """
    foreign = foreign_entries(root)
    if not foreign:
        return
    if MANIFEST in foreign:
        raise OutputError(
            f"{root} holds a manifest.json that is not a corpus-tools index, and an index "
            "must write its own there: give an empty or new folder for the index"
        )
    if not force:
        more = ", ..." if len(foreign) > _SHOWN_ENTRIES else ""
        raise OutputError(
            f"{root} is not empty and is not a corpus-tools index (it holds "
            f"{', '.join(foreign[:_SHOWN_ENTRIES])}{more}): give an empty or new folder for "
            "the index, or --force (force=True) to write the index beside those files (none "
            "of them is changed or removed)"
        )


# ---------------------------------------------------------------------- writing


def remove_leftovers(root: Path, keep: set[str], previous: frozenset[str] = frozenset()) -> None:
    """Remove the files in ``root`` an index wrote that ``keep`` (the new manifest's names)
    does not name: those of earlier generations (``previous``: the names the manifest it
    replaced gave; tagged names) and those a writer that died left (temporary files, files
    of a generation it never published, folders of texts it was adding). Never a file an
    index does not write. Call it holding the writers' lock."""
    for entry in os.scandir(root):
        name = entry.name
        if name in keep:
            continue
        if name.startswith(SPILL_PREFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        elif (name in previous or _OWN_FILE.fullmatch(name)) and entry.is_file(
            follow_symlinks=False
        ):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _fsync_dir(root: Path) -> None:
    """Make the renames in ``root`` durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _named_by(manifest: dict[str, Any] | None) -> frozenset[str]:
    """The plain file names a manifest (as JSON) gives its data files and text segments."""
    if manifest is None:
        return frozenset()
    names: list[Any] = []
    for key in ("arrays", "segments"):
        value = manifest.get(key)
        if isinstance(value, dict):
            names.extend(value.values())
    if "arrays" not in manifest:
        names.extend(_FIRST_RELEASE_NAMES.values())
    return frozenset(
        n
        for n in names
        if isinstance(n, str) and (_DATA_NAME.fullmatch(n) or _SEGMENT_NAME.fullmatch(n))
    )


def write_generation(
    root: Path, stored: StoredIndex, streamed: Mapping[str, ArrayParts] | None = None
) -> None:
    """Write the tables of ``stored`` (whose segments are already in ``root``) as generation
    ``stored.generation``: the data files under new names, then the manifest (the commit),
    then remove the files of earlier generations and what dead writers left. Call it
    holding the writers' lock.

    ``streamed`` gives arrays (by name: :data:`ARRAYS`, :data:`BAND_TABLES`) to write a
    part at a time instead of those of ``stored`` (which may then be empty): the files
    are the same, the memory that of a part."""
    streamed = streamed or {}
    previous = _named_by(_manifest_json(root))
    names = file_names(stored.generation)
    _write_docs(root, names, stored.docs)
    arrays: dict[str, npt.NDArray[Any] | ArrayParts] = {
        "bands": stored.bands,
        "anchor_keys": stored.anchor_keys,
        "anchor_docs": stored.anchor_docs,
    }
    if not all(role in streamed for role in BAND_TABLES):
        band_keys, band_order = (
            band_tables(stored.bands)
            if stored.band_keys is None or stored.band_order is None
            else (stored.band_keys, stored.band_order)
        )
        arrays.update(band_keys=band_keys, band_order=band_order)
    arrays.update(streamed)
    for role in (*ARRAYS, *BAND_TABLES):
        _save_array(root / names[role], arrays[role])
    digests = [_file_block_digests(root / names[role]) for role in SEARCHED]
    with atomic_write(root / names["blocks"], "wb") as fh:
        np.save(fh, np.concatenate(digests), allow_pickle=False)
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generation": stored.generation,
        "documents": len(stored.docs["doc_id"]),
        "config": stored.config._asdict(),
        "unit_field": stored.unit_field,
        "arrays": names,
        "files": {name: _sha256(root / name) for name in names.values()},
        "segments": {str(k): v.name for k, v in sorted(stored.segments.items())},
    }
    manifest["checksum"] = _manifest_checksum(manifest)
    _fsync_dir(root)  # the data files' names are durable before the manifest names them
    with atomic_write(root / MANIFEST, "w") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
    _fsync_dir(root)
    # the new index is in place: files of earlier saves (and of crashed ones) can go
    named = {*names.values(), *(v.name for v in stored.segments.values())}
    remove_leftovers(root, named, previous)


def _save_array(path: Path, arr: npt.NDArray[Any] | ArrayParts) -> None:
    """Write ``arr`` as ``np.save`` does (the same bytes), an :class:`ArrayParts` a part at a
    time."""
    with atomic_write(path, "wb") as fh:
        if not isinstance(arr, ArrayParts):
            np.save(fh, arr, allow_pickle=False)
            return
        header = {
            "descr": np.lib.format.dtype_to_descr(arr.dtype),
            "fortran_order": False,
            "shape": tuple(arr.shape),
        }
        np.lib.format.write_array_header_1_0(fh, header)
        written = 0
        for part in arr.parts():
            data = np.ascontiguousarray(part, dtype=arr.dtype)
            fh.write(data.reshape(-1).data.cast("B"))
            written += data.size
        if written != math.prod(arr.shape):
            raise ValueError(f"{path.name}: {written} values written for shape {arr.shape}")


def map_arrays(root: Path, gen: int) -> dict[str, npt.NDArray[Any]]:
    """The arrays (:data:`ARRAYS`, :data:`BAND_TABLES`) of generation ``gen`` that this
    process has just written in ``root``, mapped read-only (trusted: nothing checked)."""
    names = file_names(gen)
    return {
        role: np.load(root / names[role], mmap_mode="r", allow_pickle=False)
        for role in (*ARRAYS, *BAND_TABLES)
    }


# ---------------------------------------------------------------------- reading


class _Manifest(NamedTuple):
    config: DedupConfig
    names: dict[str, str]
    files: dict[str, str]
    segments: dict[int, Path]
    documents: int
    generation: int
    version: int
    unit_field: str | None


def _load_manifest_json(root: Path) -> tuple[Path, dict[str, Any]]:
    path = root / MANIFEST
    if not path.is_file():
        raise IndexFormatError(
            f"{root} is not a corpus-tools index (no manifest.json); build one with "
            "'corpus-tools index build PATH... -o DIR'"
        )
    try:
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise IndexFormatError(
                f"{path} is corrupt: {size:,} bytes, more than a manifest ever takes "
                f"({MAX_MANIFEST_BYTES:,})"
            )
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise IndexFormatError(f"{path} is corrupt: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise IndexFormatError(f"{root} is not a corpus-tools dedup index")
    return path, manifest


def _whole(value: Any, low: int = 0) -> int:
    """``value`` when it is an int (not a bool) >= ``low``, else ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{value!r} is not a whole number >= {low}")
    return value


def _names(value: Any, pattern: re.Pattern[str], what: str) -> dict[str, str]:
    """A JSON object whose values are plain file names of the index (no path)."""
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not an object")
    for name in value.values():
        if not isinstance(name, str) or not pattern.fullmatch(name):
            raise ValueError(f"{what} names {name!r}, not a file of an index")
    if len(set(value.values())) != len(value):
        raise ValueError(f"{what} names one file twice")
    return {str(k): v for k, v in value.items()}


def _parse_manifest(root: Path, path: Path, manifest: dict[str, Any]) -> _Manifest:
    """Every field of a manifest checked (types, ranges, file names, checksum)."""
    version = manifest.get("version")
    if version not in READ_VERSIONS:
        raise IndexFormatError(
            f"{root} is an index of format version {version}; this corpus-tools reads "
            f"version {', '.join(map(str, READ_VERSIONS))}. Rebuild it with "
            "'corpus-tools index build'."
        )
    checksum = manifest.get("checksum")
    if checksum is None and version >= _V2:
        raise IndexFormatError(f"{path} is corrupt: it has no checksum (version 2 has one)")
    if checksum is not None and checksum != _manifest_checksum(manifest):
        raise IndexFormatError(
            f"{path} is corrupt (its checksum differs from its content); rebuild the index "
            "with 'corpus-tools index build'"
        )
    try:
        names = _names(manifest.get("arrays", _FIRST_RELEASE_NAMES), _DATA_NAME, "'arrays'")
        roles = [
            "docs",
            *(["doc_ids"] if version >= _V4 else []),
            *ARRAYS,
            *(_V3_FILES if version >= _V3 else ()),
        ]
        if set(names) != set(roles):
            raise ValueError(f"'arrays' names {sorted(names)}, not {sorted(roles)}")
        files = manifest["files"]
        if not isinstance(files, dict) or not all(
            isinstance(files.get(n), str) and _SHA256_HEX.fullmatch(files[n])
            for n in names.values()
        ):
            raise ValueError("'files' lacks the SHA-256 of a data file")
        segments = _names(manifest["segments"], _SEGMENT_NAME, "'segments'")
        unit_field = manifest.get("unit_field")
        if unit_field is not None and not isinstance(unit_field, str):
            raise ValueError(f"'unit_field' is {unit_field!r}, not a field name")
        config = manifest["config"]
        if not isinstance(config, dict):
            raise ValueError("'config' is not an object")
        # saved before densify was an option: its band keys were made by rotation
        config = {"densify": "rotation", **config}
        return _Manifest(
            config=make_config(DedupConfig(**config), {}, "the index's manifest"),
            names=names,
            files={n: files[n] for n in names.values()},
            segments=_segment_paths(root, segments),
            documents=_whole(manifest["documents"]),
            generation=_whole(manifest.get("generation", 0)),
            version=version,
            unit_field=unit_field,
        )
    except (KeyError, TypeError, ValueError, CorpusToolsError) as exc:
        raise IndexFormatError(f"{path} lacks or garbles a field: {exc}") from exc


def _segment_paths(root: Path, segments: dict[str, str]) -> dict[int, Path]:
    out = {}
    for key, name in segments.items():
        if not (key.isascii() and key.isdigit()) or len(key) > _MAX_SEGMENT_DIGITS:
            raise ValueError(f"'segments' has the key {key!r}, not a segment number")
        out[int(key)] = root / name
    return out


def _read_manifest(root: Path) -> _Manifest:
    """The manifest of the index in ``root``, its format, fields and checksum checked."""
    path, manifest = _load_manifest_json(root)
    return _parse_manifest(root, path, manifest)


class _Snapshot(NamedTuple):
    """A manifest and its data files, opened before any is read."""

    manifest: _Manifest
    files: dict[str, IO[bytes]]
    missing: list[Path]  # files it names that are not there (data files and segments)


def _open_all(root: Path, manifest: _Manifest, stack: contextlib.ExitStack) -> _Snapshot:
    files: dict[str, IO[bytes]] = {}
    missing: list[Path] = []
    for role, name in manifest.names.items():
        try:
            files[role] = stack.enter_context(open(root / str(name), "rb"))  # noqa: SIM115
        except FileNotFoundError:
            missing.append(root / str(name))
        except OSError as exc:
            raise IndexFormatError(f"index {root} cannot be read: {exc}") from exc
    missing.extend(p for p in manifest.segments.values() if not p.is_file())
    return _Snapshot(manifest, files, missing)


@contextlib.contextmanager
def _snapshot(root: Path, *, strict: bool = True) -> Iterator[_Snapshot]:
    """Open the data files of the newest complete generation in ``root``.

    Once open, a file stays readable if a writer removes its name (POSIX; on Windows the
    writer cannot remove it and its successor will). A name that went missing between
    reading the manifest and opening it means a newer generation was published: start
    again from its manifest. A file missing from the generation still current is an error
    when ``strict``, else listed in ``missing``.
    """
    for _ in range(_SNAPSHOT_TRIES):
        manifest = _read_manifest(root)
        with contextlib.ExitStack() as stack:
            snap = _open_all(root, manifest, stack)
            if snap.missing and current_generation(root) != manifest.generation:
                continue  # a writer published a newer generation meanwhile
            if snap.missing and strict:
                path = snap.missing[0]
                kind = "text file" if path.suffix == ".bin" else "file"
                raise IndexFormatError(f"index {kind} {path} is missing")
            yield snap
            return
    raise IndexFormatError(
        f"index {root} changed {_SNAPSHOT_TRIES} times while it was read; try again"
    )


def _file_size(fh: IO[bytes]) -> int:
    return os.fstat(fh.fileno()).st_size


def _map(fh: IO[bytes], path: Path) -> mmap.mmap:
    """The file ``fh`` mapped read-only (a page is read when used; a writer never rewrites a
    published file, and the mapping outlives the file's name and handle)."""
    try:
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:  # (an empty file cannot be mapped)
        raise IndexFormatError(f"index file {path} cannot be read: {exc}") from exc


def _read_npy(
    fh: IO[bytes],
    path: Path,
    dtype: type[np.generic],
    shape: tuple[int | None, ...],
    *,
    check: BlockCheck | None = None,
    role: str = "",
) -> npt.NDArray[Any]:
    """An ``.npy`` array of unsigned ``dtype`` whose shape matches ``shape`` (None: any
    length), its header checked against the file's size before anything is allocated; the
    array maps the file (``check``'s mapping of ``role`` when given, which is told where
    the values start)."""
    want = np.dtype(dtype)
    fmt = np.lib.format
    fh.seek(0)
    try:
        version = fmt.read_magic(fh)
        if version == (1, 0):
            got_shape, fortran, got = fmt.read_array_header_1_0(fh)
        elif version == (2, 0):
            got_shape, fortran, got = fmt.read_array_header_2_0(fh)
        else:
            raise ValueError(f"npy version {version}")
    except (ValueError, OSError, SyntaxError, TypeError) as exc:
        raise IndexFormatError(f"index file {path} is not an array file: {exc}") from exc
    if got.kind != want.kind or got.itemsize != want.itemsize or got.hasobject or fortran:
        raise IndexFormatError(f"index file {path} holds {got} values, not {want}")
    if len(got_shape) != len(shape) or any(
        s is not None and s != g for s, g in zip(shape, got_shape, strict=True)
    ):
        expect = tuple("any" if s is None else s for s in shape)
        raise IndexFormatError(f"index file {path} has the shape {got_shape}, not {expect}")
    count = int(np.prod(got_shape, dtype=object))
    if fh.tell() + count * got.itemsize != _file_size(fh):
        raise IndexFormatError(
            f"index file {path} is {_file_size(fh):,} bytes, not what its shape {got_shape} needs"
        )
    if check is not None:
        check.set_offset(role, fh.tell())
    if count == 0:
        return np.zeros(got_shape, dtype=want)
    buf = check.mapping(role) if check is not None else _map(fh, path)
    arr = np.frombuffer(buf, dtype=got, count=count, offset=fh.tell())
    return arr.reshape(got_shape).astype(want, copy=False)


def _doc_columns(version: int) -> dict[str, str]:
    """The parquet document table's columns (name -> ``string`` or ``int64``) of a version
    before 4."""
    columns = {"doc_id": "string", **dict.fromkeys(_INT_COLUMNS, "int64")}
    if version >= _V2:
        columns.update(role="string", unit="string")
    return columns


def _write_docs(root: Path, names: dict[str, str], docs: DocTable) -> None:
    """The document table of version 4: its numbers in an ``.npy`` file, its strings in a
    JSON file."""
    n = len(docs["doc_id"])
    values = ArrayParts(  # (a column at a time, not a copy of the table)
        (len(DOC_ARRAY_COLUMNS), n),
        np.dtype(np.int64),
        lambda: (np.asarray(docs[name], dtype=np.int64) for name in DOC_ARRAY_COLUMNS),
    )
    _save_array(root / names["docs"], values)
    with atomic_write(root / names["doc_ids"], "w") as fh:
        # what json.dump of {field: [...]} writes, a field at a time
        for k, field in enumerate(_DOC_JSON_FIELDS):
            fh.write(("{" if k == 0 else ",") + json.dumps(field) + ":")
            strings = [None if v is None else str(v) for v in docs[field].tolist()]
            json.dump(strings, fh, ensure_ascii=False, separators=(",", ":"))
            del strings
        fh.write("}")


def _open_table(fh: IO[bytes], path: Path, n: int, version: int) -> Any:
    """The document table's parquet file, its rows, columns, types and compression
    checked before anything is read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = _doc_columns(version)
    strings = [c for c, t in columns.items() if t == "string"]
    fh.seek(0)
    try:
        pf = pq.ParquetFile(fh, read_dictionary=strings)
        meta, schema = pf.metadata, pf.schema_arrow
    except Exception as exc:
        raise IndexFormatError(f"index file {path} is not a readable table: {exc}") from exc
    if schema.names != list(columns):
        raise IndexFormatError(
            f"index file {path} has the columns {schema.names}, not {list(columns)}"
        )
    for name, kind in columns.items():
        typ = schema.field(name).type
        ok = (
            pa.types.is_dictionary(typ)
            and (pa.types.is_string(typ.value_type) or pa.types.is_large_string(typ.value_type))
            if kind == "string"
            else pa.types.is_int64(typ)
        )
        if not ok:
            raise IndexFormatError(f"index file {path} has {typ} in column {name!r}")
    if meta.num_rows != n:
        raise IndexFormatError(
            f"index file {path} holds {meta.num_rows} rows; the manifest says {n} documents"
        )
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            codec = group.column(c).compression
            if codec not in _TABLE_CODECS:
                raise IndexFormatError(
                    f"index file {path} is compressed with {codec}; an index writes "
                    f"{' or '.join(_TABLE_CODECS)} only"
                )
    return pf


def _strings(column: Any, path: Path, *, nulls: bool) -> npt.NDArray[np.object_]:
    """A dictionary-encoded string column as an object array of shared ``str`` values
    (memory: one pointer a row, whatever the values repeat)."""
    if column.null_count and not nulls:
        raise IndexFormatError(f"index file {path} has empty values in {column.type}")
    parts = []
    for chunk in column.chunks:
        values = np.array([*chunk.dictionary.to_pylist(), None], dtype=object)
        codes = chunk.indices.fill_null(len(values) - 1).to_numpy(zero_copy_only=False)
        parts.append(values[codes.astype(np.int64)])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=object)


def _read_docs(
    files: dict[str, IO[bytes]], root: Path, names: dict[str, str], n: int, version: int
) -> DocTable:
    """The document table, in memory bounded by its files, every value checked
    (:func:`_check_docs`): of version 4 from its array and JSON files, of an earlier
    version from its parquet file (with pyarrow)."""
    if version >= _V4:
        docs = _read_doc_files(files, root, names, n)
    else:
        docs = _read_parquet_docs(files["docs"], root / names["docs"], n, version)
    _check_docs(docs, root / names["docs"], root / names.get("doc_ids", names["docs"]))
    return docs


def _read_doc_files(
    files: dict[str, IO[bytes]], root: Path, names: dict[str, str], n: int
) -> DocTable:
    """The document table of version 4 (its values not yet checked)."""
    path = root / names["docs"]
    values = _read_npy(files["docs"], path, np.int64, (len(DOC_ARRAY_COLUMNS), n))
    docs: DocTable = {"doc_id": np.zeros(0, dtype=object)}
    for row, name in enumerate(DOC_ARRAY_COLUMNS):
        docs[name] = np.array(values[row], dtype=np.int64)  # (a copy: the file is closed)
    roles = docs["role"]
    bad = (roles < 0) | (roles >= len(ROLES))
    if bad.any():
        raise IndexFormatError(
            f"index file {path} is corrupt: the role {int(roles[bad][0])} is none of "
            f"{list(range(len(ROLES)))} ({', '.join(ROLES)})"
        )
    docs["role"] = roles.astype(np.int8)
    json_path = root / names["doc_ids"]
    fh = files["doc_ids"]
    fh.seek(0)
    try:
        data = json.loads(fh.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise IndexFormatError(f"index file {json_path} is corrupt: {exc}") from exc
    if not isinstance(data, dict) or sorted(data) != sorted(_DOC_JSON_FIELDS):
        raise IndexFormatError(
            f"index file {json_path} is corrupt: not an object of {list(_DOC_JSON_FIELDS)}"
        )
    for name in _DOC_JSON_FIELDS:
        column = data[name]
        if not isinstance(column, list) or len(column) != n:
            raise IndexFormatError(
                f"index file {json_path} is corrupt: {name!r} is not a list of {n} values"
            )
        nulls = name == "unit"
        # (JSON gives str, not a subclass: the types counted at C speed, 4 times faster)
        if not set(map(type, column)) <= ({str, type(None)} if nulls else {str}):
            what = "str or null" if nulls else "str"
            raise IndexFormatError(
                f"index file {json_path} is corrupt: {name!r} holds a non-{what}"
            )
        array = np.empty(n, dtype=object)
        array[:] = column
        docs[name] = array
    return docs


def _read_parquet_docs(fh: IO[bytes], path: Path, n: int, version: int) -> DocTable:
    """The parquet document table of a version before 4 (snappy expands at most ~21x;
    repeated strings stay shared), its values not yet checked."""
    pf = _open_table(fh, path, n, version)
    try:
        table = pf.read(use_threads=False)
    except Exception as exc:
        raise IndexFormatError(f"index file {path} cannot be read: {exc}") from exc
    data: DocTable = {}
    for name in table.column_names:
        column = table.column(name)
        if name in ("doc_id", "role", "unit"):
            data[name] = _strings(column, path, nulls=name == "unit")
        else:
            if column.null_count:
                raise IndexFormatError(f"index file {path} has empty values in {name!r}")
            data[name] = column.to_numpy().astype(np.int64, copy=False)
    del table
    if version < _V2:  # every document a peer, no units
        data["role"] = np.full(n, ROLES[0], dtype=object)
        data["unit"] = np.full(n, None, dtype=object)
    roles = data["role"]
    codes = np.zeros(n, dtype=np.int8)
    known = np.zeros(n, dtype=bool)
    for code, role in enumerate(ROLES):
        same = roles == role
        codes[same] = code
        known |= same
    if not known.all():
        raise IndexFormatError(
            f"index file {path} is corrupt: the role {roles[~known][0]!r} is none of {list(ROLES)}"
        )
    data["role"] = codes
    return data


def _check_docs(docs: DocTable, path: Path, ids_path: Path) -> None:
    """Every value of the document table within what a writer writes."""
    problems = []
    ids = docs["doc_id"].tolist()
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        twice = next(i for i in ids if i in seen or seen.add(i))  # type: ignore[func-returns-value]
        raise IndexFormatError(
            f"index file {ids_path} is corrupt: the doc_id {twice!r} is held twice"
        )
    ints = {c: docs[c] for c in _INT_COLUMNS}
    for name in ("chars", "length", "n_shingles", "n_anchors", *LOCATION_COLUMNS):
        if len(ints[name]) and ints[name].min() < 0:
            problems.append(f"{name!r} has negative values")
    if (ints["length"] > ints["chars"]).any():
        problems.append("a folded length is longer than its text")
    if (ints["crc32"] >= 1 << 32).any():
        problems.append("a CRC-32 has more than 32 bits")
    if (ints["chars"] > _ZLIB_MAX_RATIO * ints["nbytes"]).any():
        problems.append(f"a text claims more than {_ZLIB_MAX_RATIO} characters per compressed byte")
    if problems:
        raise IndexFormatError(f"index file {path} is corrupt: {'; '.join(problems)}")


def _distinct(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The distinct values, sorted (``np.unique``, which imports ``numpy.ma`` first: a
    tenth of a flag run's imports)."""
    out = np.sort(values, kind="stable")
    if len(out) > 1:
        out = out[np.concatenate([[True], out[1:] != out[:-1]])]
    return out


def _location_problems(
    docs: DocTable, segments: dict[int, Path]
) -> list[tuple[str, str, npt.NDArray[np.bool_]]]:
    """Texts that lie outside their text files: ``(file, reason, documents)`` per file."""
    seg = docs["segment"]
    end = docs["offset"] + docs["nbytes"]
    out = []
    for s in _distinct(seg).tolist():
        rows = seg == s
        path = segments.get(int(s))
        if path is None:
            out.append((f"segment {s} (not in the manifest)", "missing", rows))
            continue
        try:
            size = path.stat().st_size
        except OSError:
            out.append((path.name, "missing", rows))
            continue
        past = rows & (end > size)
        if past.any():
            out.append((path.name, f"truncated ({int(past.sum())} texts lie past its end)", past))
    return out


def _check_locations(docs: DocTable, segments: dict[int, Path], root: Path) -> None:
    for name, reason, rows in _location_problems(docs, segments):
        first = docs["doc_id"][int(np.flatnonzero(rows)[0])]
        if name.startswith("segment"):
            raise IndexFormatError(
                f"index {root} is inconsistent: the text of document {first!r} lies in "
                f"{name}; 'corpus-tools index repair {root}' drops such documents"
            )
        raise IndexFormatError(
            f"index text file {root / name} is {reason}: the text of document {first!r} "
            f"cannot be read; 'corpus-tools index repair {root}' drops such documents"
        )


class _Arrays(NamedTuple):
    """The search arrays of a generation (mapped read-only), the band order None when the
    generation has none (versions 1 and 2)."""

    bands: npt.NDArray[np.uint64]
    anchor_keys: npt.NDArray[np.uint32]
    anchor_docs: npt.NDArray[np.uint32]
    band_keys: npt.NDArray[np.uint64] | None
    band_order: npt.NDArray[np.uint32] | None


def _read_arrays(
    files: dict[str, IO[bytes]], root: Path, manifest: _Manifest, check: BlockCheck | None = None
) -> _Arrays:
    names = manifest.names
    n, n_bands = manifest.documents, manifest.config.bands

    def read(role: str, dtype: type[np.generic], shape: tuple[int | None, ...]) -> Any:
        by = check if role in SEARCHED else None  # (the others were checked whole)
        return _read_npy(files[role], root / names[role], dtype, shape, check=by, role=role)

    bands = read("bands", np.uint64, (n, n_bands))
    keys = read("anchor_keys", np.uint32, (None,))
    adocs = read("anchor_docs", np.uint32, (len(keys),))
    if "band_keys" not in files or "band_order" not in files:  # (none before version 3)
        return _Arrays(bands, keys, adocs, None, None)
    band_keys = read("band_keys", np.uint64, (n_bands, n))
    order = read("band_order", np.uint32, (n_bands, n))
    return _Arrays(bands, keys, adocs, band_keys, order)


#: Values checked at a time (bounds the temporary arrays of a check: 4M values).
_CHECK_CHUNK = 1 << 22
#: Anchor postings counted at a time: 1 MiB of them (with their 2 MiB of counts' indices)
#: stays in the cache between the bounds check and the count (twice as fast as 4M).
_POSTINGS_CHUNK = 1 << 18


def _unsorted(values: npt.NDArray[Any]) -> bool:
    """Whether a 1-d array is not sorted (checked a chunk at a time; the pages of a mapped
    file released after each, so a check does not hold the whole file in memory)."""
    for start in range(0, len(values) - 1, _CHECK_CHUNK):
        stop = min(len(values), start + _CHECK_CHUNK + 1)
        found = bool((values[start + 1 : stop] < values[start : stop - 1]).any())
        release_pages(values)
        if found:
            return True
    return False


def _check_postings(
    keys: npt.NDArray[np.uint32], adocs: npt.NDArray[np.uint32], n_anchors: npt.NDArray[np.int64]
) -> str:
    """Why the anchor postings do not fit the document table ("" when they do)."""
    n = len(n_anchors)
    counts = np.zeros(n, dtype=np.int64)
    # (one pass, a chunk in the cache at a time: its bounds, then its counts; no temporary
    # copy of every posting, and no count array past n for a crafted document number)
    for start in range(0, len(adocs), _POSTINGS_CHUNK):
        part = adocs[start : start + _POSTINGS_CHUNK]
        if int(part.max()) >= n:
            return f"an anchor points at document {int(part.max())} of {n}"
        counts += np.bincount(part, minlength=n)
        release_pages(part)  # (a query reads a few of these pages again, not all)
    if _unsorted(keys):
        return "the anchors are not sorted"
    if not np.array_equal(counts, n_anchors):
        return "the anchors per document differ from the document table's"
    return ""


def _check_band_tables(
    band_keys: npt.NDArray[np.uint64], order: npt.NDArray[np.uint32], n: int
) -> str:
    """Why the band order cannot be used ("" when it can): a document out of range, or a
    band's keys not sorted. (That it is the order of the band keys is checked by
    :func:`check_index`; a band order that is not would miss candidates, never read out
    of bounds.)"""
    top = int(order.max()) if order.size else 0
    release_pages(order)
    if order.size and top >= n:
        return f"the band order points at document {top} of {n}"
    if any(_unsorted(row) for row in band_keys):
        return "the band keys are not sorted"
    return ""


def _band_order_problem(arrays: _Arrays) -> str:
    """Why the band order differs from the order of the band keys ("" when it does not)."""
    if arrays.band_keys is None or arrays.band_order is None:
        return ""
    n = len(arrays.bands)
    problem = _check_band_tables(arrays.band_keys, arrays.band_order, n)
    if problem:
        return problem
    for b, (row, order) in enumerate(zip(arrays.band_keys, arrays.band_order, strict=True)):
        if not np.array_equal(np.bincount(order, minlength=n), np.ones(n, dtype=np.int64)):
            return f"the band order of band {b} is not one place per document"
        if not np.array_equal(arrays.bands[order.astype(np.int64), b], row):
            return f"the band keys of band {b} differ from the documents'"
    return ""


def _read_tables(root: Path, snap: _Snapshot, check: BlockCheck | None = None) -> StoredIndex:
    """Every table of a snapshot, each checked before and after it is read (the search
    arrays' checksums by ``check`` when given, as they are read)."""
    manifest = snap.manifest
    n = manifest.documents
    arrays = _read_arrays(snap.files, root, manifest, check)  # bounds n by the disk
    docs = _read_docs(snap.files, root, manifest.names, n, manifest.version)
    _check_locations(docs, manifest.segments, root)

    def structure() -> str:
        problem = _check_postings(arrays.anchor_keys, arrays.anchor_docs, docs["n_anchors"])
        if not problem and arrays.band_keys is not None and arrays.band_order is not None:
            problem = _check_band_tables(arrays.band_keys, arrays.band_order, n)
        return problem

    if check is None:
        problem = structure()
        if problem:
            raise IndexFormatError(f"index {root} is inconsistent: {problem}")
    else:  # (a query checks what it reads: see BlockCheck)
        check.structure = structure
    return StoredIndex(
        config=manifest.config,
        docs=docs,
        bands=arrays.bands,
        anchor_keys=arrays.anchor_keys,
        anchor_docs=arrays.anchor_docs,
        segments=manifest.segments,
        generation=manifest.generation,
        unit_field=manifest.unit_field,
        band_keys=arrays.band_keys,
        band_order=arrays.band_order,
        checks=check,
    )


#: The files whose checksums a lazy read checks later (see :class:`BlockCheck`): the
#: searched arrays a block at a time as a query reads them, and the bands, which no query
#: reads, whole before anything uses them (an add, a save, the pairs among held documents,
#: ``index check``); a damaged bands file changes no query's answer. (Checking the bands
#: on every load took a quarter of a flag run's load of a 100k index: 20 ms for 25.6 MB.)
#: The others are checked whole when loaded.
_CHECKED_LATER = (*SEARCHED, "bands")


def _block_check(root: Path, snap: _Snapshot) -> BlockCheck:
    """The checks of the search arrays of a snapshot as they are read (the blocks file's
    own SHA-256 checked already); the first blocks of each checked now, before its header
    is read."""
    manifest, names = snap.manifest, snap.manifest.names
    digests = _read_npy(snap.files["blocks"], root / names["blocks"], np.uint8, (None, 32))
    maps = {role: _map(snap.files[role], root / names[role]) for role in _CHECKED_LATER}
    whole = {role: manifest.files[names[role]] for role in _CHECKED_LATER}
    check = BlockCheck(root, maps, {}, digests, whole)
    for role in _CHECKED_LATER:
        check.name(role, names[role])
    if len(digests) != sum(_blocks_of(len(maps[role])) for role in SEARCHED):
        check.check_all()  # (names the damaged file, if one is)
        raise IndexFormatError(
            f"index file {root / names['blocks']} does not fit the files it checks; "
            f"'corpus-tools index repair {root}' writes it again"
        )
    for role in SEARCHED:
        check.check_bytes(role, 0, min(len(maps[role]), _HEADER_BYTES))
    return check


def read_generation(root: Path, *, lazy: bool = False) -> StoredIndex:
    """Read the index in ``root``, checking its format, version, checksums and every
    field against its files (see the module's docstring).

    Readers take no lock: they read the newest complete generation, whatever writers do
    meanwhile.

    With ``lazy`` (and an index of version 3), the files a query reads in part are not
    checked whole here: the arrays returned map them, every field is checked as above, and
    ``checks`` (:class:`BlockCheck`) checks the SHA-256 of each block when it is read, or of
    every file whole before an array is used whole.

    Raises
    ------
    IndexFormatError
        When the directory is not an index, is of another format version, or a file
        is missing, corrupt or inconsistent with the others.
    """
    with _snapshot(root) as snap:
        manifest = snap.manifest
        later = _CHECKED_LATER if lazy and "blocks" in manifest.names else ()
        for role, fh in snap.files.items():
            name = manifest.names[role]
            if role not in later and _sha256_of(fh) != manifest.files.get(name):
                raise IndexFormatError(
                    f"index file {root / name} is corrupt (its SHA-256 differs from the "
                    "manifest's); rebuild the index with 'corpus-tools index build'"
                )
        return _read_tables(root, snap, _block_check(root, snap) if later else None)


# ---------------------------------------------------------------------- checks of blocks


def block_digests(data: Any) -> npt.NDArray[np.uint8]:
    """The SHA-256 of each block of :data:`BLOCK_BYTES` of ``data`` (bytes or a buffer; the
    last block may be shorter), one row of 32 bytes each.

    Examples
    --------
    >>> block_digests(b"x" * 5000).shape
    (2, 32)
    """
    view = memoryview(data).cast("B")
    rows = [
        hashlib.sha256(view[start : start + BLOCK_BYTES]).digest()
        for start in range(0, len(view), BLOCK_BYTES)
    ]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), 32)


def _file_block_digests(path: Path) -> npt.NDArray[np.uint8]:
    """:func:`block_digests` of a file this process has just written, read a part at a
    time (never mapped: see :data:`_READ_BYTES`)."""
    rows = [np.zeros((0, 32), dtype=np.uint8)]
    with open(path, "rb") as fh:
        rows.extend(block_digests(data) for data in iter(lambda: fh.read(_READ_BYTES), b""))
    return np.concatenate(rows)


def _blocks_of(size: int) -> int:
    return -(-size // BLOCK_BYTES)


class BlockCheck:
    """The checksums of a loaded index's files that are checked when read, not on load.

    The searched arrays (:data:`SEARCHED`) are checked a block at a time (:meth:`check`:
    the SHA-256 of each block a query reads, against ``blocks-gN.npy``, whose own SHA-256
    the manifest holds and the load checked), and before anything uses them whole (an add,
    a save, the pairs among held documents) every file whole (:meth:`check_all`: its
    SHA-256 against the manifest's, as a load of version 2 did) and the arrays against each
    other and the document table (:attr:`structure`: the anchors sorted, each pointing at a
    held document, as many per document as the table says; the band order pointing at held
    documents, each band's keys sorted). A query checks those of the values it reads (the
    reader of the arrays does).
    """

    #: Why the arrays do not fit each other ("" when they do), checked by :meth:`check_all`.
    structure: Callable[[], str] | None = None

    def __init__(
        self,
        root: Path,
        maps: dict[str, mmap.mmap],
        offsets: dict[str, int],
        digests: npt.NDArray[np.uint8],
        whole: dict[str, str],
    ) -> None:
        self.root = root
        self._maps = maps  # role -> the file mapped (kept open: the arrays are views of it)
        self._whole = whole  # role -> the SHA-256 of the whole file (the manifest's)
        self._names: dict[str, str] = {}
        self._digests: dict[str, npt.NDArray[np.uint8]] = {}
        self._checked: dict[str, npt.NDArray[np.bool_]] = {}
        self._offsets = offsets  # role -> where its values start in its file
        first = 0
        for role in SEARCHED:
            count = _blocks_of(len(maps[role]))
            self._digests[role] = digests[first : first + count]
            self._checked[role] = np.zeros(count, dtype=bool)
            first += count
        self._all_checked = False

    def name(self, role: str, name: str) -> None:
        """Name the file of ``role`` (for the messages)."""
        self._names[role] = name

    def set_offset(self, role: str, offset: int) -> None:
        """Where the values of the array of ``role`` start in its file."""
        self._offsets[role] = offset

    def mapping(self, role: str) -> mmap.mmap:
        """The file of ``role``, mapped."""
        return self._maps[role]

    def _damaged(self, role: str, where: str) -> IndexFormatError:
        return IndexFormatError(
            f"index file {self.root / self._names.get(role, role)} is corrupt (the SHA-256 of "
            f"{where} differs from the manifest's); 'corpus-tools index repair {self.root}' "
            "recomputes the search files from the stored texts"
        )

    def check_bytes(self, role: str, start: int, stop: int) -> None:
        """Check the blocks holding the bytes ``start`` to ``stop`` of the file of ``role``."""
        self.check_blocks(role, np.arange(start // BLOCK_BYTES, _blocks_of(stop)))

    def check_blocks(self, role: str, blocks: npt.NDArray[np.int64]) -> None:
        checked, digests, buf = self._checked[role], self._digests[role], self._maps[role]
        todo = _distinct(blocks)
        todo = todo[(todo >= 0) & (todo < len(checked))]
        todo = todo[~checked[todo]]
        view = memoryview(buf)
        try:
            for block in todo.tolist():
                start = block * BLOCK_BYTES
                got = hashlib.sha256(view[start : start + BLOCK_BYTES]).digest()
                if got != digests[block].tobytes():
                    raise self._damaged(role, f"its bytes {start:,} to {start + BLOCK_BYTES:,}")
        finally:
            view.release()
        checked[todo] = True

    def check(
        self,
        role: str,
        lo: npt.NDArray[np.int64],
        hi: npt.NDArray[np.int64],
        itemsize: int,
    ) -> None:
        """Check the blocks that hold the values ``lo[i]`` to ``hi[i]`` (exclusive) of the
        array of ``role`` (positions in its values, flattened), before they are used.

        Raises
        ------
        IndexFormatError
            When a block's SHA-256 differs from the one stored for it.
        """
        lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
        keep = hi > lo
        if not keep.any():
            return
        offset = self._offsets[role]
        first = (offset + lo[keep] * itemsize) // BLOCK_BYTES
        last = (offset + hi[keep] * itemsize - 1) // BLOCK_BYTES
        counts = last - first + 1
        starts = np.repeat(first - (np.cumsum(counts) - counts), counts)
        self.check_blocks(role, starts + np.arange(int(counts.sum()), dtype=np.int64))

    def check_all(self) -> None:
        """Check every file whole (its SHA-256 against the manifest's), once."""
        if self._all_checked:
            return
        for role, want in self._whole.items():
            if hashlib.sha256(self._maps[role]).hexdigest() != want:
                raise IndexFormatError(
                    f"index file {self.root / self._names.get(role, role)} is corrupt (its "
                    "SHA-256 differs from the manifest's); 'corpus-tools index repair "
                    f"{self.root}' recomputes the search files from the stored texts"
                )
        if self.structure is not None:
            problem = self.structure()
            if problem:
                raise IndexFormatError(f"index {self.root} is inconsistent: {problem}")
        for checked in self._checked.values():
            checked[:] = True
        self._all_checked = True


# ---------------------------------------------------------------------- check and repair


class Damage(NamedTuple):
    """A damaged file of an index: its name, what is wrong, and the held documents whose
    text is lost with it (none for the search arrays: they are recomputed from the texts)."""

    file: str
    reason: str
    documents: tuple[str, ...]


class IndexCheck(NamedTuple):
    """What :func:`check_index` found.

    Attributes
    ----------
    root : Path
    generation, documents : int
        Of the generation checked.
    damaged : list of Damage
        Empty when every checksum holds and every file fits the others.
    files : dict
        The data files of the generation, by role (``docs``, ``bands``, ...).
    named : frozenset of str
        Every file the manifest names (data files and text segments).
    """

    root: Path
    generation: int
    documents: int
    damaged: list[Damage]
    files: dict[str, str]
    named: frozenset[str]

    @property
    def repairable(self) -> bool:
        """False when the document table is damaged: the documents cannot be named."""
        tables = {self.files[r] for r in ("docs", "doc_ids") if r in self.files}
        return all(d.file not in tables for d in self.damaged)

    @property
    def ok(self) -> bool:
        """True when nothing is damaged."""
        return not self.damaged

    @property
    def lost(self) -> list[str]:
        """The documents whose stored text is damaged (to add again), in index order."""
        return [d for damage in self.damaged for d in damage.documents]

    def to_json(self) -> dict[str, Any]:
        return {
            "index": str(self.root),
            "generation": self.generation,
            "documents": self.documents,
            "ok": self.ok,
            "damaged": [
                {"file": d.file, "reason": d.reason, "documents": list(d.documents)}
                for d in self.damaged
            ],
        }


def _damaged_data_files(snap: _Snapshot) -> list[Damage]:
    out = []
    for role, name in snap.manifest.names.items():
        fh = snap.files.get(role)
        if fh is None:
            out.append(Damage(name, "missing", ()))
        elif _sha256_of(fh) != snap.manifest.files.get(name):
            out.append(Damage(name, "corrupt (its SHA-256 differs from the manifest's)", ()))
    return out


def _damaged_arrays(snap: _Snapshot, root: Path, docs: DocTable) -> list[Damage]:
    """The search arrays (whose checksums hold) that do not fit the document table."""
    manifest, names = snap.manifest, snap.manifest.names
    n, n_bands = manifest.documents, manifest.config.bands
    shapes: dict[str, tuple[type[np.generic], tuple[int | None, ...]]] = {
        "bands": (np.uint64, (n, n_bands)),
        "anchor_keys": (np.uint32, (None,)),
        "anchor_docs": (np.uint32, (None,)),
        "band_keys": (np.uint64, (n_bands, n)),
        "band_order": (np.uint32, (n_bands, n)),
    }
    arrays, out = {}, []
    for role, (dtype, shape) in shapes.items():
        if role not in names:  # (no band order before version 3)
            continue
        try:
            arrays[role] = _read_npy(snap.files[role], root / names[role], dtype, shape)
        except IndexFormatError as exc:
            out.append(Damage(names[role], f"unreadable: {exc}", ()))
    if out:
        return out
    keys, adocs = arrays["anchor_keys"], arrays["anchor_docs"]
    problem = (
        f"{len(adocs)} anchor documents for {len(keys)} anchors"
        if len(keys) != len(adocs)
        else _check_postings(keys, adocs, docs["n_anchors"])
    )
    if problem:
        out.append(Damage(names["anchor_docs"], f"inconsistent: {problem}", ()))
    problem = _band_order_problem(
        _Arrays(
            bands=arrays["bands"],
            anchor_keys=keys,
            anchor_docs=adocs,
            band_keys=arrays.get("band_keys"),
            band_order=arrays.get("band_order"),
        )
    )
    if problem:
        out.append(Damage(names["band_order"], f"inconsistent: {problem}", ()))
    if "blocks" in names and not _blocks_fit(snap):
        out.append(
            Damage(names["blocks"], "inconsistent: its block checksums differ from the files'", ())
        )
    return out


def _blocks_fit(snap: _Snapshot) -> bool:
    """Whether the block checksums of a snapshot are those of its searched arrays."""
    digests = []
    for role in SEARCHED:
        fh = snap.files[role]
        if not _file_size(fh):
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            digests.append(block_digests(buf))
    try:
        stored = _read_npy(
            snap.files["blocks"], Path(snap.manifest.names["blocks"]), np.uint8, (None, 32)
        )
    except IndexFormatError:
        return False
    return bool(np.array_equal(np.concatenate(digests), stored))


def _damaged_texts(docs: DocTable, segments: dict[int, Path]) -> list[Damage]:
    """Every stored text read back and checked (CRC-32, bounded decompression, length),
    by segment."""
    out = []
    ids = docs["doc_id"]
    segs = docs["segment"]
    for seg in np.unique(segs).tolist():
        rows = np.flatnonzero(segs == seg)
        path = segments.get(int(seg))
        names = ids[rows]
        if path is None or not path.is_file():
            name = path.name if path is not None else f"segment {seg} (not in the manifest)"
            out.append(Damage(name, "missing", tuple(names.tolist())))
            continue
        reasons = _bad_texts(
            path, {c: docs[c][rows] for c in ("offset", "nbytes", "crc32", "chars")}
        )
        bad = np.array([bool(r) for r in reasons], dtype=bool)
        if bad.any():
            first = next(r for r in reasons if r)
            out.append(
                Damage(
                    path.name,
                    f"{int(bad.sum())} of its {len(rows)} texts are corrupt (first: {first})",
                    tuple(names[bad].tolist()),
                )
            )
    return out


def _bad_texts(path: Path, rows: DocTable) -> list[str]:
    """Per text of ``rows`` (all in the file ``path``), why it is damaged ("" if not)."""
    out = []
    with open(path, "rb") as fh:
        for offset, nbytes, crc, chars in zip(
            rows["offset"].tolist(),
            rows["nbytes"].tolist(),
            rows["crc32"].tolist(),
            rows["chars"].tolist(),
            strict=True,
        ):
            fh.seek(offset)
            out.append(_text_problem(fh.read(nbytes), nbytes, crc, chars)[0])
    return out


def check_index(path: str | os.PathLike[str]) -> IndexCheck:
    """Verify every checksum of the index in ``path`` (the SHA-256 of its data files, the
    CRC-32 of every stored text) and that its files fit each other (every field the loader
    checks, and every text decompressed to its stored length), and say what is damaged.

    Takes no lock: it checks the newest complete generation, whatever writers do meanwhile.

    Raises
    ------
    IndexFormatError
        When ``path`` holds no readable manifest of a format version read (nothing to
        check).

    Examples
    --------
    >>> import tempfile
    >>> from corpus_tools.dedup import DedupIndex
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = DedupIndex().build({"r1": "坚持党建引领，推动基层治理。"}).save(folder)
    ...     found = check_index(folder)
    >>> found.ok, found.documents
    (True, 1)
    """
    root = Path(path)
    with _snapshot(root, strict=False) as snap:
        manifest = snap.manifest
        found = IndexCheck(
            root,
            manifest.generation,
            manifest.documents,
            _damaged_data_files(snap),
            dict(manifest.names),
            frozenset([*manifest.names.values(), *(p.name for p in manifest.segments.values())]),
        )
        if not found.repairable:
            return found
        docs_name = manifest.names["docs"]
        try:
            docs = _read_docs(
                snap.files, root, manifest.names, manifest.documents, manifest.version
            )
        except IndexFormatError as exc:  # its checksum matched: a faulty or crafted writer
            found.damaged.append(Damage(docs_name, f"unreadable: {exc}", ()))
            return found
        searched = {manifest.names[r] for r in (*ARRAYS, *_V3_FILES) if r in manifest.names}
        if not any(d.file in searched for d in found.damaged):
            found.damaged.extend(_damaged_arrays(snap, root, docs))
    found.damaged.extend(_damaged_texts(docs, manifest.segments))
    return found


def read_for_repair(root: Path, check: IndexCheck) -> tuple[StoredIndex, bool]:
    """The tables of the generation ``check`` found, and whether its search arrays are
    intact (when not, the arrays returned are empty: recompute them from the texts). The
    band order is never returned: the repaired index's is computed from its band keys."""
    manifest = _read_manifest(root)
    names = manifest.names
    damaged = {d.file for d in check.damaged}
    intact = not damaged & {names[role] for role in ARRAYS}
    with contextlib.ExitStack() as stack:
        tables = [r for r in ("docs", "doc_ids") if r in names]
        roles = [*tables, *ARRAYS] if intact else tables
        files: dict[str, IO[bytes]] = {
            r: stack.enter_context(open(root / names[r], "rb")) for r in roles
        }
        docs = _read_docs(files, root, names, manifest.documents, manifest.version)
        if intact:
            arrays = _read_arrays(files, root, manifest)
            bands, keys, adocs = arrays.bands, arrays.anchor_keys, arrays.anchor_docs
        else:
            bands = np.zeros((0, manifest.config.bands), np.uint64)
            keys, adocs = np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    stored = StoredIndex(
        config=manifest.config,
        docs=docs,
        bands=bands,
        anchor_keys=keys,
        anchor_docs=adocs,
        segments=manifest.segments,
        generation=manifest.generation,
        unit_field=manifest.unit_field,
    )
    return stored, intact


def drop_documents(stored: StoredIndex, keep: npt.NDArray[np.bool_]) -> StoredIndex:
    """``stored`` without the documents where ``keep`` is False (and without the segments
    that hold none of the rest); the search arrays are filtered and renumbered.

    Examples
    --------
    >>> from corpus_tools.dedup.config import make_config
    >>> docs = {"doc_id": np.array(["a", "b"], dtype=object), "segment": np.array([0, 1])}
    >>> s = StoredIndex(make_config(None, {}, "x"), docs, np.zeros((2, 1), np.uint64),
    ...                 np.array([5, 7], np.uint32), np.array([1, 0], np.uint32),
    ...                 {0: Path("t0"), 1: Path("t1")}, 0)
    >>> d = drop_documents(s, np.array([False, True]))
    >>> d.docs["doc_id"].tolist(), d.anchor_keys.tolist(), d.anchor_docs.tolist(), list(d.segments)
    (['b'], [5], [0], [1])
    """
    new_pos = np.cumsum(keep, dtype=np.int64) - 1
    kept_postings = keep[stored.anchor_docs.astype(np.int64)]
    docs = {name: values[keep] for name, values in stored.docs.items()}
    used = {int(x) for x in docs["segment"].tolist()}
    return stored._replace(
        docs=docs,
        # (the arrays of a damaged index, to be recomputed, are empty)
        bands=stored.bands[keep] if len(stored.bands) else stored.bands,
        anchor_keys=stored.anchor_keys[kept_postings],
        anchor_docs=new_pos[stored.anchor_docs[kept_postings].astype(np.int64)].astype(np.uint32),
        segments={k: v for k, v in stored.segments.items() if k in used},
        band_keys=None,  # (computed again from the bands kept)
        band_order=None,
    )
