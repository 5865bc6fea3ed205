"""``.txt`` and ``.md`` files: the bytes decoded (:func:`corpus_tools.io.decode.decode_bytes`),
nothing else changed, so offsets slice the file's text.

Examples
--------
>>> read_plain_text("data/raw/001_76da920ca12b73e0.txt").text[:5]
'自XX社区'
"""

from __future__ import annotations

import os

from corpus_tools.io.decode import decode_bytes
from corpus_tools.io.documents import FileText

__all__ = ["PLAIN_TEXT_SUFFIXES", "read_plain_text"]

PLAIN_TEXT_SUFFIXES = (".txt", ".md")


def read_plain_text(path: str | os.PathLike[str]) -> FileText:
    """The text of a plain-text file, in whatever encoding :func:`decode_bytes` finds."""
    with open(path, "rb") as fh:
        return FileText(decode_bytes(fh.read(), path=str(path)))
