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

This module reads and writes one generation of that directory as tables
(:class:`StoredIndex`); it knows nothing of matching.

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
import zlib
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.dedup.config import DedupConfig
from corpus_tools.errors import IndexFormatError
from corpus_tools.io import atomic_write

__all__ = [
    "ARRAYS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "LOCATION_COLUMNS",
    "MANIFEST",
    "StoredIndex",
    "copy_file",
    "empty_locations",
    "file_names",
    "move_file",
    "next_generation",
    "read_generation",
    "read_text",
    "segment_name",
    "write_generation",
    "write_texts",
]

FORMAT_NAME = "corpus-tools-dedup-index"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: The search arrays, by role (each an ``.npy`` file).
ARRAYS = ("bands", "anchor_keys", "anchor_docs")
#: Where a document's text is: segment number, byte offset, compressed size, CRC-32.
LOCATION_COLUMNS = ("segment", "offset", "nbytes", "crc32")
#: zlib level of stored texts (6: zlib's default balance of speed and size).
_ZLIB_LEVEL = 6
#: Every file an index writes (and the temporary files of atomic writes that crashed).
_INDEX_FILE = re.compile(
    r"\.?(?:docs(?:-g\d+)?\.parquet|(?:bands|anchor_keys|anchor_docs)(?:-g\d+)?\.npy"
    r"|texts-(?:g\d+-)?\d{4}\.bin)(?:\..*\.tmp)?"
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


def next_generation(root: Path) -> int:
    """One more than the generation of the index in ``root``, 0 when there is none."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        return int(manifest.get("generation", 0)) + 1
    except (OSError, ValueError, TypeError, AttributeError):
        return 0


def empty_locations() -> pd.DataFrame:
    """A table of text locations with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="int64") for c in LOCATION_COLUMNS})


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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


def _remove_unnamed(root: Path, keep: set[str]) -> None:
    """Remove the index files in ``root`` that ``keep`` (the new manifest's) does not name."""
    for entry in os.scandir(root):
        if entry.name not in keep and _INDEX_FILE.fullmatch(entry.name) and entry.is_file():
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def write_generation(root: Path, stored: StoredIndex) -> None:
    """Write the tables of ``stored`` (whose segments are already in ``root``) as generation
    ``stored.generation``: the data files under new names, then the manifest, then remove
    the files of earlier generations."""
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
    with atomic_write(root / MANIFEST, "w") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
    # the new index is in place: files of earlier saves (and of crashed ones) can go
    _remove_unnamed(root, {*names.values(), *(v.name for v in stored.segments.values())})


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


def _check_files(root: Path, manifest: _Manifest) -> None:
    """Every file the manifest names is there, and the data files have their SHA-256."""
    for name in manifest.names.values():
        fpath = root / str(name)
        if not fpath.is_file():
            raise IndexFormatError(f"index file {fpath} is missing")
        if _sha256(fpath) != manifest.files.get(name):
            raise IndexFormatError(
                f"index file {fpath} is corrupt (its SHA-256 differs from the manifest's); "
                "rebuild the index with 'corpus-tools index build'"
            )
    for seg_path in manifest.segments.values():
        if not seg_path.is_file():
            raise IndexFormatError(f"index text file {seg_path} is missing")


def read_generation(root: Path) -> StoredIndex:
    """Read the index in ``root``, checking its format, version and checksums.

    Raises
    ------
    IndexFormatError
        When the directory is not an index, is of another format version, or a file
        is missing or corrupt.
    """
    manifest = _read_manifest(root)
    _check_files(root, manifest)
    names = manifest.names
    try:
        docs = pd.read_parquet(root / str(names["docs"]))
        arrays = [np.load(root / str(names[role]), allow_pickle=False) for role in ARRAYS]
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
