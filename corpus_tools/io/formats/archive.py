"""Zip-based documents (``.docx``, ``.odt``) are checked before anything is inflated.

A zip bomb (a small file that would decompress to gigabytes) is refused from the sizes its
directory declares, and a zip that is not the document kind its name says is named so.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from corpus_tools.errors import InputReadError
from corpus_tools.io import limits

__all__ = ["check_zip", "open_zip"]


def check_zip(path: Path, kind: str, member: str, what: str) -> None:
    """Refuse a zip-based document before inflating it.

    Raises :class:`InputReadError` when ``path`` is not a zip archive ("broken ``kind``"),
    would decompress to more than :data:`~corpus_tools.io.limits.MAX_DOCX_UNCOMPRESSED`
    bytes, or lacks ``member`` (then it is "not ``what``").

    Examples
    --------
    >>> check_zip(Path("data/raw/000_14cdbf6256da471f.txt"), ".docx", "word/document.xml",
    ...           "a Word document")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.InputReadError: data/raw/000_14cdbf6256da471f.txt: broken .docx: not a zip archive
    """
    open_zip(path, kind, member, what).close()


def open_zip(path: Path, kind: str, member: str, what: str) -> zipfile.ZipFile:
    """The zip-based document at ``path``, open (the caller closes it), refused as
    :func:`check_zip` refuses it: a reader checks and reads one opened archive.

    Examples
    --------
    >>> with open_zip(Path("tests/data/formats/000.odt"), ".odt", "content.xml",
    ...               "an OpenDocument file") as zf:
    ...     zf.read("content.xml").startswith(b"<?xml")
    True
    """
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputReadError(str(path), f"broken {kind}: not a zip archive") from None
    try:
        total = sum(info.file_size for info in zf.infolist())
        if total > limits.MAX_DOCX_UNCOMPRESSED:
            raise InputReadError(
                str(path),
                f"refused: {kind} would decompress to {total:,} bytes "
                f"(limit {limits.MAX_DOCX_UNCOMPRESSED:,})",
            )
        if member not in zf.NameToInfo:
            raise InputReadError(str(path), f"not {what}: no {member}")
    except BaseException:
        zf.close()
        raise
    return zf
