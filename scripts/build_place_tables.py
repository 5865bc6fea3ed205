"""Build corpus_tools/data/place_tables.npz, the gazetteer of text/places.py precomputed.

It is computed from ``corpus_tools/data/places.tsv.gz`` and ``place_words.txt.gz`` (both made
by ``scripts/build_places.py``) by ``compute_place_tables``: the divisions' codes, names and
levels, the forms of each tier with the divisions they name, the forms grouped by their first
two characters, and the ordinary words, not compressed (read in 4 ms, where inflating the
compressed file took 14). Reading it takes a few milliseconds where computing
it takes about 0.3 CPU-s, which every process that finds places (each ``flag`` run) would
pay. Run it again whenever those two files or the rules of ``compute_place_tables`` change
(tests/test_places.py checks the shipped file against the computation). Run from the
repository root::

    python scripts/build_place_tables.py
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from corpus_tools.text.places import PLACE_TABLES, compute_place_tables

DATA = Path("corpus_tools/data")
OUT = DATA / PLACE_TABLES


def main() -> None:
    places = gzip.decompress((DATA / "places.tsv.gz").read_bytes()).decode("utf-8")
    words = gzip.decompress((DATA / "place_words.txt.gz").read_bytes()).decode("utf-8")
    tables = compute_place_tables(places, words)
    # not compressed: inflating its 2.7 MB cost 10 of the 14 ms a flag run spent reading
    # it (1.0 MB compressed); the wheel's own compression still shrinks it
    np.savez(OUT, **tables)  # type: ignore[arg-type]
    print(f"{OUT}: {len(tables['levels']):,} divisions, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
