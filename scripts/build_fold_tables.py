"""Build corpus_tools/data/fold_tables.npz, the folding tables of text/tables.py.

They are computed from this Python's Unicode database (``unicodedata``): the default
``normalize`` folding of every character, the letters and digits below U+30000, and the
folding of every code point that matching uses (text/matching.py ``compute_match_table``,
with and without zhconv's traditional -> simplified table, whose dictionary's SHA-256 is
kept: another zhconv computes its own). Run it again when the folding rules of
text/normalization.py or text/matching.py change, or to ship tables made with a newer Python
(a Python with another Unicode version computes its own). Run from the repository root::

    python scripts/build_fold_tables.py
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

from corpus_tools.text.matching import compute_letters_digits, compute_match_table, zhconv_digest
from corpus_tools.text.normalization import compute_fold_table
from corpus_tools.text.tables import FOLD_TABLES, LETTERS_DIGITS_SIZE

OUT = Path("corpus_tools/data") / FOLD_TABLES


def main() -> None:
    table = compute_fold_table(True, True, True, True)
    keys = np.array(sorted(table), dtype=np.uint32)
    values = np.array([ord(table[k] or "\0") for k in keys.tolist()], dtype=np.uint32)
    assert "\0" not in table.values(), "NUL stands for a deleted character"
    letters = compute_letters_digits()
    assert len(letters) == LETTERS_DIGITS_SIZE
    matching: dict[str, Any] = {}
    for name, traditional in (("match_plain", False), ("match_traditional", True)):
        folded = compute_match_table(traditional)
        changed = np.flatnonzero(folded != np.arange(len(folded), dtype=np.uint32))
        matching[f"{name}_keys"] = changed.astype(np.uint32)
        matching[f"{name}_values"] = folded[changed]
    np.savez_compressed(
        OUT,
        unidata_version=np.array(unicodedata.unidata_version),
        fold_keys=keys,
        fold_values=values,
        letters_digits=np.packbits(letters),
        zhconv_digest=np.array(zhconv_digest()),
        **matching,
    )
    print(
        f"{OUT}: {len(keys):,} folded characters, Unicode {unicodedata.unidata_version}, "
        f"{OUT.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()
