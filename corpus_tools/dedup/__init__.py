"""Near-duplicate, contained and partly copied documents, with the passages that were copied.

Three relations between two documents ``a`` and ``b`` (``a`` the one with fewer shingles):

* **near-duplicate**: Jaccard similarity of their shingle sets >= ``threshold``
  (**duplicate** when their folded texts are identical);
* **contained**: ``a`` is (almost) wholly found inside ``b`` (an excerpt, a section);
* **partial**: a large share of one of them is copied from the other, in passages, while the
  rest is new (a report that reuses 60% of another has Jaccard about 0.4 only).

Matching works on characters of folded text (:func:`corpus_tools.text.fold_for_matching`):
width, punctuation, spaces, traditional characters, placeholders and numbers are folded, so
a filled-in copy matches its blank template and a re-punctuated copy its original.

The flow, one module a step:

=================  ==========================================================================
``config``         :class:`DedupConfig`: every option, checked once
``sketch``         per document: shingle hashes, MinHash band keys, sampled anchors
``candidates``     pairs sharing a band key (LSH) or enough anchors (excerpts, partial copies)
``verify``         exact shingle sets and aligned passages decide each pair's relation
``align``          the copied passages of two folded texts
``search``         :func:`find_near_duplicates` over a corpus, :func:`copied_passages`
``partitioned``    the same search in partitions kept on an engine's workers (Dask)
``flag``           the verdict on one submission given its candidate sources; :class:`FlagReport`
``store``          the on-disk format of an index: manifest, generations, checksums, segments
``index``          :class:`DedupIndex`: held documents, searched and saved; flagging submissions
``unique``         :func:`unique_corpus`: each group of copies counted once (``unique=True``)
=================  ==========================================================================

Every name is imported on first use (``corpus_tools.dedup.DedupIndex`` loads neither the
search over a corpus nor the engines), and is a real, typed name to a type checker.

Examples
--------
>>> from corpus_tools.dedup import find_near_duplicates
>>> texts = {"a": "坚持党建引领，推动基层治理。" * 5, "b": "坚持党建引领，推动基层治理！" * 5}
>>> find_near_duplicates(texts).pairs[["a", "b", "relation"]].values.tolist()
[['a', 'b', 'duplicate']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus_tools.exports import lazy_exports

if TYPE_CHECKING:
    from corpus_tools.dedup.candidates import anchor_candidate_pairs as anchor_candidate_pairs
    from corpus_tools.dedup.candidates import lsh_candidate_pairs as lsh_candidate_pairs
    from corpus_tools.dedup.config import RELATIONS as RELATIONS
    from corpus_tools.dedup.config import DedupConfig as DedupConfig
    from corpus_tools.dedup.flag import FlagReport as FlagReport
    from corpus_tools.dedup.index import DedupIndex as DedupIndex
    from corpus_tools.dedup.index import IndexRepair as IndexRepair
    from corpus_tools.dedup.index import flag_submissions as flag_submissions
    from corpus_tools.dedup.index import repair_index as repair_index
    from corpus_tools.dedup.residue import CERTAINTIES as CERTAINTIES
    from corpus_tools.dedup.residue import RESIDUE_COLUMNS as RESIDUE_COLUMNS
    from corpus_tools.dedup.residue import RESIDUE_KINDS as RESIDUE_KINDS
    from corpus_tools.dedup.residue import find_residue as find_residue
    from corpus_tools.dedup.search import copied_passages as copied_passages
    from corpus_tools.dedup.search import find_near_duplicates as find_near_duplicates
    from corpus_tools.dedup.search import find_near_duplicates_dask as find_near_duplicates_dask
    from corpus_tools.dedup.sketch import DocFeatures as DocFeatures
    from corpus_tools.dedup.sketch import document_features as document_features
    from corpus_tools.dedup.store import IndexCheck as IndexCheck
    from corpus_tools.dedup.store import check_index as check_index
    from corpus_tools.dedup.unique import copies_note as copies_note
    from corpus_tools.dedup.unique import unique_corpus as unique_corpus
    from corpus_tools.dedup.verify import DedupResult as DedupResult
    from corpus_tools.dedup.verify import connected_components as connected_components
    from corpus_tools.dedup.verify import verify_pair as verify_pair

#: public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "CERTAINTIES": "corpus_tools.dedup.residue",
    "DedupConfig": "corpus_tools.dedup.config",
    "DedupIndex": "corpus_tools.dedup.index",
    "DedupResult": "corpus_tools.dedup.verify",
    "DocFeatures": "corpus_tools.dedup.sketch",
    "FlagReport": "corpus_tools.dedup.flag",
    "IndexCheck": "corpus_tools.dedup.store",
    "IndexRepair": "corpus_tools.dedup.index",
    "RELATIONS": "corpus_tools.dedup.config",
    "RESIDUE_COLUMNS": "corpus_tools.dedup.residue",
    "RESIDUE_KINDS": "corpus_tools.dedup.residue",
    "anchor_candidate_pairs": "corpus_tools.dedup.candidates",
    "check_index": "corpus_tools.dedup.store",
    "connected_components": "corpus_tools.dedup.verify",
    "copied_passages": "corpus_tools.dedup.search",
    "copies_note": "corpus_tools.dedup.unique",
    "document_features": "corpus_tools.dedup.sketch",
    "find_near_duplicates": "corpus_tools.dedup.search",
    "find_near_duplicates_dask": "corpus_tools.dedup.search",
    "find_residue": "corpus_tools.dedup.residue",
    "flag_submissions": "corpus_tools.dedup.index",
    "lsh_candidate_pairs": "corpus_tools.dedup.candidates",
    "repair_index": "corpus_tools.dedup.index",
    "unique_corpus": "corpus_tools.dedup.unique",
    "verify_pair": "corpus_tools.dedup.verify",
}

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
