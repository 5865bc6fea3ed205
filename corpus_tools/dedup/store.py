"""The on-disk format of a :class:`corpus_tools.dedup.DedupIndex`: one directory.

``manifest.json``
    format name, version, generation (saves so far), options, document count, the names
    of the files below and the SHA-256 of every array file. Each save writes new names
    (``docs-g2.parquet``, ``texts-g2-0003.bin``) and the manifest last, so a crash leaves
    the previous index whole.
``docs.parquet``
    one row per document: ``doc_id``, ``chars``, ``length`` (folded), ``n_shingles``,
    ``n_anchors``, ``digest``, and where its text is (``segment``, ``offset``, ``nbytes``,
    ``crc32``).
``bands.npy`` (uint64, documents x bands), ``anchor_keys.npy`` (uint32, sorted),
``anchor_docs.npy`` (uint32)
    the search structures.
``texts-NNNN.bin``
    zlib-compressed texts, one file per build or ``add``, never rewritten; each text's
    CRC-32 is checked when it is read.
``writer.lock``, ``writer.json``
    the writers' lock (:func:`writer_lock`) and who holds it (pid, host, since when).

This module reads and writes one generation of that directory as tables
(:class:`StoredIndex`), checks it (:func:`check_index`), and knows nothing of matching.

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

Examples
--------
>>> file_names(2)["docs"], segment_name(2, 3)
('docs-g2.parquet', 'texts-g2-0003.bin')
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.dedup.config import DedupConfig
from corpus_tools.errors import IndexBusyError, IndexFormatError, OutputError
from corpus_tools.io import atomic_write

__all__ = [
    "ARRAYS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "LOCATION_COLUMNS",
    "LOCK_FILE",
    "LOCK_TIMEOUT",
    "MANIFEST",
    "OWNER_FILE",
    "SPILL_PREFIX",
    "Damage",
    "IndexCheck",
    "StoredIndex",
    "check_index",
    "copy_file",
    "current_generation",
    "drop_documents",
    "empty_locations",
    "file_names",
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
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: The search arrays, by role (each an ``.npy`` file).
ARRAYS = ("bands", "anchor_keys", "anchor_docs")
#: Where a document's text is: segment number, byte offset, compressed size, CRC-32.
LOCATION_COLUMNS = ("segment", "offset", "nbytes", "crc32")
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
#: Every file an index writes (and the temporary files of atomic writes that crashed).
_INDEX_FILE = re.compile(
    r"\.?(?:docs(?:-g\d+)?\.parquet|(?:bands|anchor_keys|anchor_docs)(?:-g\d+)?\.npy"
    r"|texts-(?:g\d+-)?\d{4}\.bin)(?:\..*\.tmp)?"
    r"|\.(?:manifest|writer)\.json\..*\.tmp"
)


class StoredIndex(NamedTuple):
    """One generation of an index as tables: what is written and read back.

    ``docs`` has the columns of the document table (see the module's docstring);
    ``segments`` maps a segment number to its file.
    """

    config: DedupConfig
    docs: pd.DataFrame
    bands: npt.NDArray[np.uint64]
    anchor_keys: npt.NDArray[np.uint32]
    anchor_docs: npt.NDArray[np.uint32]
    segments: dict[int, Path]
    generation: int


def file_names(gen: int) -> dict[str, str]:
    """The data files of the ``gen``-th save into a directory (the first keeps the names of
    format 1's first release)."""
    tag = "" if gen == 0 else f"-g{gen}"
    return {"docs": f"docs{tag}.parquet", **{role: f"{role}{tag}.npy" for role in ARRAYS}}


def segment_name(gen: int, seg: int) -> str:
    """The name of text segment ``seg`` first written by the ``gen``-th save."""
    return f"texts-{seg:04d}.bin" if gen == 0 else f"texts-g{gen}-{seg:04d}.bin"


def current_generation(root: Path) -> int | None:
    """The generation of the index in ``root``, None when there is none (or no readable
    manifest)."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        return int(manifest.get("generation", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def next_generation(root: Path) -> int:
    """One more than the generation of the index in ``root``, 0 when there is none."""
    gen = current_generation(root)
    return 0 if gen is None else gen + 1


def empty_locations() -> pd.DataFrame:
    """A table of text locations with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="int64") for c in LOCATION_COLUMNS})


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return _sha256_of(fh)


def _sha256_of(fh: IO[bytes]) -> str:
    """SHA-256 of an open file from its start; leaves it at its start again."""
    h = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(1 << 20), b""):
        h.update(block)
    fh.seek(0)
    return h.hexdigest()


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
    owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
    with contextlib.suppress(OSError), atomic_write(root / OWNER_FILE, "w") as fh:
        json.dump(owner, fh)


def _busy_message(root: Path, timeout: float) -> str:
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


def write_texts(path: Path, seg: int, texts: dict[int, str]) -> pd.DataFrame:
    """Write ``texts`` (by document position, in order) compressed to one segment file;
    return where each is: ``segment``, ``offset``, ``nbytes``, ``crc32`` (int64)."""
    rows = []
    offset = 0
    with atomic_write(path, "wb") as fh:
        for doc in sorted(texts):
            blob = zlib.compress(texts[doc].encode("utf-8"), _ZLIB_LEVEL)
            fh.write(blob)
            rows.append((seg, offset, len(blob), zlib.crc32(blob)))
            offset += len(blob)
    return pd.DataFrame(rows, columns=list(LOCATION_COLUMNS), dtype=np.int64)


def read_text(path: Path, offset: int, nbytes: int, crc32: int, doc_id: str) -> str:
    """Read one stored text, checking its CRC-32."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            blob = fh.read(nbytes)
    except OSError as exc:
        raise IndexFormatError(f"index text file {path} cannot be read: {exc}") from exc
    if zlib.crc32(blob) != crc32:
        raise IndexFormatError(
            f"index text file {path} is corrupt (checksum of document "
            f"{doc_id!r} differs); rebuild the index with 'corpus-tools index build'"
        )
    return zlib.decompress(blob).decode("utf-8")


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


# ---------------------------------------------------------------------- writing


def remove_leftovers(root: Path, keep: set[str]) -> None:
    """Remove the index files in ``root`` that ``keep`` (the manifest's) does not name: those
    of earlier generations and those a writer that died left (temporary files, files of a
    generation it never published, folders of texts it was adding). Call it holding the
    writers' lock."""
    for entry in os.scandir(root):
        if entry.name in keep:
            continue
        if entry.name.startswith(SPILL_PREFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        elif _INDEX_FILE.fullmatch(entry.name) and entry.is_file():
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


def write_generation(root: Path, stored: StoredIndex) -> None:
    """Write the tables of ``stored`` (whose segments are already in ``root``) as generation
    ``stored.generation``: the data files under new names, then the manifest (the commit),
    then remove the files of earlier generations and what dead writers left. Call it
    holding the writers' lock."""
    names = file_names(stored.generation)
    with atomic_write(root / names["docs"], "wb") as fh:
        stored.docs.to_parquet(fh, index=False)
    arrays: list[npt.NDArray[Any]] = [stored.bands, stored.anchor_keys, stored.anchor_docs]
    for role, arr in zip(ARRAYS, arrays, strict=True):
        with atomic_write(root / names[role], "wb") as fh:
            np.save(fh, arr, allow_pickle=False)
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generation": stored.generation,
        "documents": len(stored.docs),
        "config": stored.config._asdict(),
        "arrays": names,
        "files": {name: _sha256(root / name) for name in names.values()},
        "segments": {str(k): v.name for k, v in sorted(stored.segments.items())},
    }
    _fsync_dir(root)  # the data files' names are durable before the manifest names them
    with atomic_write(root / MANIFEST, "w") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
    _fsync_dir(root)
    # the new index is in place: files of earlier saves (and of crashed ones) can go
    named = {*names.values(), *(v.name for v in stored.segments.values())}
    remove_leftovers(root, named)


# ---------------------------------------------------------------------- reading


class _Manifest(NamedTuple):
    config: DedupConfig
    names: dict[str, str]
    files: dict[str, str]
    segments: dict[int, Path]
    documents: int
    generation: int


def _read_manifest(root: Path) -> _Manifest:
    """The manifest of the index in ``root``, its format and fields checked."""
    path = root / MANIFEST
    if not path.is_file():
        raise IndexFormatError(
            f"{root} is not a corpus-tools index (no manifest.json); build one with "
            "'corpus-tools index build PATH... -o DIR'"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexFormatError(f"{path} is corrupt: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise IndexFormatError(f"{root} is not a corpus-tools dedup index")
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"{root} is an index of format version {version}; this corpus-tools reads "
            f"version {FORMAT_VERSION}. Rebuild it with 'corpus-tools index build'."
        )
    try:
        fields = _Manifest(
            config=DedupConfig(**manifest["config"]),
            names=manifest.get("arrays", file_names(0)),
            files=dict(manifest["files"]),
            segments={int(k): root / str(v) for k, v in manifest["segments"].items()},
            documents=int(manifest["documents"]),
            generation=int(manifest.get("generation", 0)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexFormatError(f"{path} lacks or garbles a field: {exc}") from exc
    if not isinstance(fields.names, dict) or set(fields.names) != {"docs", *ARRAYS}:
        raise IndexFormatError(f"{path} garbles its 'arrays' field")
    return fields


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


def read_generation(root: Path) -> StoredIndex:
    """Read the index in ``root``, checking its format, version and checksums.

    Readers take no lock: they read the newest complete generation, whatever writers do
    meanwhile.

    Raises
    ------
    IndexFormatError
        When the directory is not an index, is of another format version, or a file
        is missing or corrupt.
    """
    with _snapshot(root) as snap:
        manifest = snap.manifest
        for role, fh in snap.files.items():
            name = manifest.names[role]
            if _sha256_of(fh) != manifest.files.get(name):
                raise IndexFormatError(
                    f"index file {root / name} is corrupt (its SHA-256 differs from the "
                    "manifest's); rebuild the index with 'corpus-tools index build'"
                )
        try:
            docs = pd.read_parquet(snap.files["docs"])
            arrays = [np.load(snap.files[role], allow_pickle=False) for role in ARRAYS]
        except Exception as exc:  # checksums matched, so this is a writer's bug
            raise IndexFormatError(f"index {root} cannot be read: {exc}") from exc
    bands, keys, adocs = arrays
    n_docs = manifest.documents
    if (
        len(docs) != n_docs
        or bands.shape != (n_docs, manifest.config.bands)
        or len(keys) != len(adocs)
    ):
        raise IndexFormatError(f"index {root} is inconsistent (array sizes differ)")
    return StoredIndex(
        config=manifest.config,
        docs=docs,
        bands=bands.astype(np.uint64),
        anchor_keys=keys.astype(np.uint32),
        anchor_docs=adocs.astype(np.uint32),
        segments=manifest.segments,
        generation=manifest.generation,
    )


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
        Empty when every checksum holds.
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
        return all(d.file != self.files["docs"] for d in self.damaged)

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


def _damaged_data_files(snap: _Snapshot, root: Path) -> list[Damage]:
    out = []
    for role, name in snap.manifest.names.items():
        fh = snap.files.get(role)
        if fh is None:
            out.append(Damage(name, "missing", ()))
        elif _sha256_of(fh) != snap.manifest.files.get(name):
            out.append(Damage(name, "corrupt (its SHA-256 differs from the manifest's)", ()))
    return out


def _damaged_texts(docs: pd.DataFrame, segments: dict[int, Path]) -> list[Damage]:
    """Every stored text read back and its CRC-32 checked, by segment."""
    out = []
    ids = docs["doc_id"].astype(str).to_numpy()
    for seg, rows in docs.groupby("segment", sort=True).indices.items():
        path = segments.get(int(seg))  # type: ignore[call-overload]
        names = ids[rows]
        if path is None or not path.is_file():
            name = path.name if path is not None else f"segment {seg} (not in the manifest)"
            out.append(Damage(name, "missing", tuple(names.tolist())))
            continue
        bad = _bad_texts(path, docs.iloc[rows])
        if bad.any():
            out.append(
                Damage(
                    path.name,
                    f"{int(bad.sum())} of its {len(rows)} texts are corrupt (CRC-32 differs)",
                    tuple(names[bad].tolist()),
                )
            )
    return out


def _bad_texts(path: Path, rows: pd.DataFrame) -> npt.NDArray[np.bool_]:
    bad = np.zeros(len(rows), dtype=bool)
    with open(path, "rb") as fh:
        for k, (offset, nbytes, crc) in enumerate(
            zip(
                rows["offset"].tolist(),
                rows["nbytes"].tolist(),
                rows["crc32"].tolist(),
                strict=True,
            )
        ):
            fh.seek(offset)
            bad[k] = zlib.crc32(fh.read(nbytes)) != crc
    return bad


def check_index(path: str | os.PathLike[str]) -> IndexCheck:
    """Verify every checksum of the index in ``path``: the SHA-256 of its data files and the
    CRC-32 of every stored text, and say what is damaged.

    Takes no lock: it checks the newest complete generation, whatever writers do meanwhile.

    Raises
    ------
    IndexFormatError
        When ``path`` holds no readable manifest of this format version (nothing to check).

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
            _damaged_data_files(snap, root),
            dict(manifest.names),
            frozenset([*manifest.names.values(), *(p.name for p in manifest.segments.values())]),
        )
        if not found.repairable:
            return found
        try:
            docs = pd.read_parquet(snap.files["docs"])
        except Exception as exc:  # its checksum matched: written so by a faulty writer
            found.damaged.append(Damage(manifest.names["docs"], f"unreadable: {exc}", ()))
            return found
    found.damaged.extend(_damaged_texts(docs, manifest.segments))
    return found


def read_for_repair(root: Path, check: IndexCheck) -> tuple[StoredIndex, bool]:
    """The tables of the generation ``check`` found, and whether its search arrays are
    intact (when not, the arrays returned are empty: recompute them from the texts)."""
    manifest = _read_manifest(root)
    names = manifest.names
    docs = pd.read_parquet(root / names["docs"])
    damaged = {d.file for d in check.damaged}
    intact = not damaged & {names[role] for role in ARRAYS}
    if intact:
        bands, keys, adocs = (np.load(root / names[r], allow_pickle=False) for r in ARRAYS)
    else:
        bands = np.zeros((0, manifest.config.bands), np.uint64)
        keys, adocs = np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    stored = StoredIndex(
        config=manifest.config,
        docs=docs,
        bands=bands.astype(np.uint64),
        anchor_keys=keys.astype(np.uint32),
        anchor_docs=adocs.astype(np.uint32),
        segments=manifest.segments,
        generation=manifest.generation,
    )
    return stored, intact


def drop_documents(stored: StoredIndex, keep: npt.NDArray[np.bool_]) -> StoredIndex:
    """``stored`` without the documents where ``keep`` is False (and without the segments
    that hold none of the rest); the search arrays are filtered and renumbered.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpus_tools.dedup.config import make_config
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "segment": [0, 1]})
    >>> s = StoredIndex(make_config(None, {}, "x"), docs, np.zeros((2, 1), np.uint64),
    ...                 np.array([5, 7], np.uint32), np.array([1, 0], np.uint32),
    ...                 {0: Path("t0"), 1: Path("t1")}, 0)
    >>> d = drop_documents(s, np.array([False, True]))
    >>> d.docs["doc_id"].tolist(), d.anchor_keys.tolist(), d.anchor_docs.tolist(), list(d.segments)
    (['b'], [5], [0], [1])
    """
    new_pos = np.cumsum(keep, dtype=np.int64) - 1
    kept_postings = keep[stored.anchor_docs.astype(np.int64)]
    docs = stored.docs[keep].reset_index(drop=True)
    used = {int(x) for x in docs["segment"].tolist()}
    return stored._replace(
        docs=docs,
        # (the arrays of a damaged index, to be recomputed, are empty)
        bands=stored.bands[keep] if len(stored.bands) else stored.bands,
        anchor_keys=stored.anchor_keys[kept_postings],
        anchor_docs=new_pos[stored.anchor_docs[kept_postings].astype(np.int64)].astype(np.uint32),
        segments={k: v for k, v in stored.segments.items() if k in used},
    )
