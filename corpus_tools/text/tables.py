"""The code-point tables of folding, computed at build time and shipped.

:func:`~corpus_tools.text.normalize` and :func:`~corpus_tools.text.fold_for_matching` look
characters up in tables derived from Python's Unicode database: the folding of every
character (NFKC width, case, punctuation variants, invisible characters, to a fixed point)
and which characters are letters or digits, and the folding of every code point that
matching derives from them (text/matching.py). Computing them costs about 0.25 CPU-s, which
every process that folds text would pay (each ``dedup``, ``flag``, ``index`` run). They are
computed once by ``scripts/build_fold_tables.py`` into ``corpus_tools/data/fold_tables.npz``
(about 20 kB) and read from there. A Python whose Unicode database is another version than
the one they were made with computes them as before, so the tables always agree with the
running Python (tests/test_startup.py checks the shipped ones against the computation).

Examples
--------
>>> tables = shipped_tables()
>>> tables is None or {"unidata_version", "fold_keys", "fold_values", "letters_digits",
...                    "match_traditional_keys", "match_traditional_values"} <= set(tables)
True
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "FOLD_TABLES",
    "LETTERS_DIGITS_SIZE",
    "read_fold_tables",
    "read_shipped_arrays",
    "shipped_file",
    "shipped_tables",
]

#: The file, in ``corpus_tools/data``.
FOLD_TABLES = "fold_tables.npz"

#: Code points the letters-and-digits table covers (those of text/matching.py's tables).
LETTERS_DIGITS_SIZE = 0x30000


def read_fold_tables() -> dict[str, npt.NDArray[Any]] | None:
    """The arrays of the shipped file as they are (None when it is missing)."""
    return read_shipped_arrays(FOLD_TABLES)


def read_shipped_arrays(name: str) -> dict[str, npt.NDArray[Any]] | None:
    """The arrays of the ``.npz`` file ``name`` shipped in ``corpus_tools/data``, as they
    are (no pickles); None when it is missing or unreadable (the caller then computes them).
    """
    try:
        with shipped_file(name).open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (OSError, ValueError):
        return None


def shipped_file(name: str) -> Any:
    """The file ``name`` of ``corpus_tools/data``: its path where the package is installed
    as files (importlib.resources, 6 ms of a flag run's imports, is not needed), else the
    resource importlib.resources gives (a zipped install). Either has ``open("rb")``.

    Examples
    --------
    >>> shipped_file("fold_tables.npz").name
    'fold_tables.npz'
    """
    path = Path(__file__).resolve().parent.parent / "data" / name
    if path.is_file():
        return path
    from importlib import resources

    return resources.files("corpus_tools").joinpath("data").joinpath(name)


@lru_cache(maxsize=1)
def shipped_tables() -> dict[str, npt.NDArray[Any]] | None:
    """The shipped tables: ``fold_keys``/``fold_values`` (code point -> folded code point,
    0 for deleted, of ``normalize``'s default options), ``letters_digits`` (one bit per code
    point below :data:`LETTERS_DIGITS_SIZE`, unpacked here to booleans); None when the file is
    missing or was made with another Unicode version than this Python's."""
    data = read_fold_tables()
    if data is None or str(data["unidata_version"]) != unicodedata.unidata_version:
        return None
    bits = np.unpackbits(data["letters_digits"], count=LETTERS_DIGITS_SIZE).astype(bool)
    return {**data, "letters_digits": bits}
