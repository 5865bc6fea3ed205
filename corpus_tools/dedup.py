"""Near-duplicate, contained and partly copied documents, with the passages that were copied.

Three relations between two documents ``a`` and ``b`` (``a`` the one with fewer shingles):

* **near-duplicate**: Jaccard similarity of their shingle sets >= ``threshold``
  (**duplicate** when their folded texts are identical);
* **contained**: ``a`` is (almost) wholly found inside ``b`` (an excerpt, a section);
* **partial**: a large share of one of them is copied from the other, in passages, while the
  rest is new (a report that reuses 60% of another has Jaccard about 0.4 only).

Matching works on characters of folded text (see :mod:`corpus_tools.shingles`): width,
punctuation, spaces, traditional characters, placeholders and numbers are folded, so a
filled-in copy matches its blank template and a re-punctuated copy its original.

Candidates come from two indexes over per-document sketches, then every candidate pair is
verified on exact shingle sets and aligned:

* MinHash (one-permutation, :func:`corpus_tools.shingles.sketch`) with LSH
  banding finds near-duplicates;
* an inverted index of *anchors*, ``anchor_k``-character shingles sampled by hash value (about
  one per ``anchor_sample`` characters, the same ones in every copy), finds excerpts and
  partial copies that whole-document Jaccard cannot see.

The pieces are small pure functions (:func:`document_features`, :func:`lsh_candidate_pairs`,
:func:`anchor_candidate_pairs`, :func:`verify_pair`, :func:`connected_components`) so the
same job can run on Dask: features per document in ``map``, candidate pairs per band key
group, verification per pair, components at the end.

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_corpus("data/raw/003_9b7675b2e4522a57.txt", split="lines").documents
>>> result = ct.find_near_duplicates(docs)                      # doctest: +SKIP
>>> result.clusters.groupby("cluster").size().tolist()          # doctest: +SKIP
[6]
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.dedup_align import align_folded, covered_length
from corpus_tools.errors import (
    check_engine,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.io import as_corpus as _as_corpus
from corpus_tools.io import corpus_chunks
from corpus_tools.shingles import (
    Folded,
    anchor_set,
    band_keys,
    fold_for_matching,
    shingle_hashes,
    sketch,
)

__all__ = [
    "DedupConfig",
    "DedupResult",
    "DocFeatures",
    "anchor_candidate_pairs",
    "as_corpus",
    "connected_components",
    "copied_passages",
    "document_features",
    "find_near_duplicates",
    "lsh_candidate_pairs",
    "verify_pair",
]

RELATIONS = ("duplicate", "near-duplicate", "contained", "partial")


class DedupConfig(NamedTuple):
    """Options of near-duplicate detection; pass ``config=`` or any field as a keyword.

    Attributes
    ----------
    k : int, default 5
        Shingle length in folded characters for Jaccard and containment.
    num_perm : int, default 128
        MinHash signature length (a power of two).
    bands : int, default 32
        LSH bands (``num_perm / bands`` rows each); 32 x 4 makes pairs at Jaccard 0.5
        candidates with probability 0.87 and at 0.7 with probability 0.9999.
    anchor_k : int, default 8
        Length of anchors and alignment seeds, in folded characters.
    anchor_sample : int, default 16
        About one anchor per this many folded characters (a power of two).
    min_anchor_hits : int, default 3
        Shared anchors that make a pair a candidate (with ``min_anchor_share``).
    min_anchor_share : float, default 0.1
        ... and at least this share of the smaller document's anchors,
    min_anchor_passage : int, default 8
        ... or at least this many whatever the sizes: a passage of about
        ``anchor_sample * min_anchor_passage`` characters copied into a long document
        that also copies another source.
    max_df : int, default 0
        Anchors found in more documents than this are ignored (boilerplate); 0 means
        ``max(50, 1% of the documents)``.
    threshold : float, default 0.5
        Jaccard similarity from which a pair is a near-duplicate.
    containment : float, default 0.8
        Share of the smaller document found in the larger (aligned passages) from which
        it is ``contained``.
    partial : float, default 0.3
        Share of either document copied (aligned passages) from which the pair is a
        ``partial`` copy.
    min_passage : int, default 20
        Shortest copied passage counted, in folded characters (punctuation and spaces
        do not count).
    max_gap : int, default 12
        Largest edit bridged inside one passage, in folded characters.
    wildcards : bool, default True
        Fold placeholders and numbers to one wildcard.
    traditional : bool, default True
        Fold traditional characters to simplified ones.
    seed : int, default 0
        Seed of every hash function.
    """

    k: int = 5
    num_perm: int = 128
    bands: int = 32
    anchor_k: int = 8
    anchor_sample: int = 16
    min_anchor_hits: int = 3
    min_anchor_share: float = 0.1
    min_anchor_passage: int = 8
    max_df: int = 0
    threshold: float = 0.5
    containment: float = 0.8
    partial: float = 0.3
    min_passage: int = 20
    max_gap: int = 12
    wildcards: bool = True
    traditional: bool = True
    seed: int = 0


def make_config(config: DedupConfig | None, overrides: Mapping[str, Any], func: str) -> DedupConfig:
    """Validate ``config`` plus keyword overrides into one :class:`DedupConfig`."""
    if config is None:
        config = DedupConfig()
    elif not isinstance(config, DedupConfig):
        raise param_error("config", func, "a DedupConfig or None", type(config).__name__)
    unknown = sorted(set(overrides) - set(DedupConfig._fields))
    if unknown:
        raise param_error(
            unknown[0],
            func,
            f"one of the options {list(DedupConfig._fields)}",
            overrides[unknown[0]],
        )
    cfg = config._replace(**overrides)
    for name in ("k", "anchor_k"):
        check_number(getattr(cfg, name), name, func, kind=int, low=1, high=64)
    for name in ("num_perm", "anchor_sample"):
        value = getattr(cfg, name)
        check_number(value, name, func, kind=int, low=1, high=1024)
        if value & (value - 1):
            raise param_error(name, func, "a power of two in [1, 1024]", value)
    check_number(cfg.bands, "bands", func, kind=int, low=1, high=cfg.num_perm)
    if cfg.num_perm % cfg.bands:
        raise param_error(
            "bands", func, f"a divisor of num_perm={cfg.num_perm} (e.g. 16, 32 or 64)", cfg.bands
        )
    check_number(cfg.min_anchor_hits, "min_anchor_hits", func, kind=int, low=1)
    check_number(cfg.min_anchor_passage, "min_anchor_passage", func, kind=int, low=1)
    check_number(cfg.max_df, "max_df", func, kind=int, low=0)
    for name in ("min_anchor_share", "threshold", "containment", "partial"):
        check_number(getattr(cfg, name), name, func, low=0, high=1)
    check_number(cfg.min_passage, "min_passage", func, kind=int, low=1)
    check_number(cfg.max_gap, "max_gap", func, kind=int, low=0)
    check_number(cfg.seed, "seed", func, kind=int, low=0, high=2**63 - 1)
    for name in ("wildcards", "traditional"):
        check_type(getattr(cfg, name), name, func, bool, "a bool")
    return cfg


class DocFeatures(NamedTuple):
    """What one document contributes to matching (see :func:`document_features`).

    Attributes
    ----------
    length : int
        Folded length (characters that count: no punctuation or spaces).
    digest : int
        64-bit digest of the folded text (equal digests: duplicates).
    shingles : numpy.ndarray of uint32
        Sorted unique shingle ids.
    bands : numpy.ndarray of uint64
        LSH band keys of the MinHash signature.
    anchors : numpy.ndarray of uint32
        Sorted unique anchor ids.
    """

    length: int
    digest: int
    shingles: npt.NDArray[np.uint32]
    bands: npt.NDArray[np.uint64]
    anchors: npt.NDArray[np.uint32]


def fold_text(text: str, config: DedupConfig) -> Folded:
    """:func:`corpus_tools.shingles.fold_for_matching` with the options of ``config``."""
    return fold_for_matching(text, wildcards=config.wildcards, traditional=config.traditional)


def features_of_folded(folded: Folded, config: DedupConfig) -> DocFeatures:
    """:class:`DocFeatures` of an already folded text."""
    codes = folded.codes
    hashes = shingle_hashes(codes, config.k, seed=config.seed)
    shingles, sig = sketch(hashes, config.num_perm)
    digest = int.from_bytes(hashlib.blake2b(codes.tobytes(), digest_size=8).digest(), "little")
    return DocFeatures(
        length=len(codes),
        digest=digest,
        shingles=shingles,
        bands=band_keys(sig, config.bands),
        anchors=anchor_set(codes, config.anchor_k, config.anchor_sample, seed=config.seed),
    )


def document_features(
    text: str, *, config: DedupConfig | None = None, **overrides: Any
) -> DocFeatures:
    """Fold, shingle and sketch one document (pure; run it per document on any engine).

    Examples
    --------
    >>> f = document_features("坚持党建引领，推动基层治理能力现代化。")
    >>> f.length, f.bands.shape
    (17, (32,))
    """
    cfg = make_config(config, overrides, "document_features")
    check_type(text, "text", "document_features", str, "a str")
    return features_of_folded(fold_text(text, cfg), cfg)


# --------------------------------------------------------------------------- candidates


def _group_pairs(
    keys: npt.NDArray[Any], ids: npt.NDArray[np.int64], max_group: int
) -> npt.NDArray[np.int64]:
    """Pairs ``(i, j)``, ``i < j``, of ids sharing a key; groups above ``max_group`` are skipped."""
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((ids, keys))
    k, d = keys[order], ids[order]
    bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    sizes = np.diff(bounds)
    out = []
    for size in np.unique(sizes):
        if size < 2 or size > max_group:
            continue
        starts = bounds[:-1][sizes == size]
        members = d[starts[:, None] + np.arange(size)]
        iu, ju = np.triu_indices(int(size), k=1)
        out.append(np.stack([members[:, iu].ravel(), members[:, ju].ravel()], axis=1))
    if not out:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(out)
    return np.sort(pairs, axis=1)


def lsh_candidate_pairs(
    bands: npt.NDArray[np.uint64], *, max_bucket: int = 1000
) -> npt.NDArray[np.int64]:
    """Document pairs that share at least one LSH band key.

    Parameters
    ----------
    bands : numpy.ndarray of uint64, shape (n_docs, n_bands)
        Band keys, one row per document (:attr:`DocFeatures.bands`).
    max_bucket : int, default 1000
        Buckets with more documents are linked as a chain (each member with the next)
        instead of all pairs, which keeps the output linear for mass duplicates.

    Returns
    -------
    numpy.ndarray of int64, shape (n_pairs, 2)
        Unique rows ``(i, j)`` with ``i < j``, sorted.

    Examples
    --------
    >>> lsh_candidate_pairs(np.array([[1, 2], [3, 2], [4, 5]], dtype=np.uint64)).tolist()
    [[0, 1]]
    """
    check_type(bands, "bands", "lsh_candidate_pairs", np.ndarray, "a 2-d numpy array")
    if bands.ndim != 2:
        raise param_error("bands", "lsh_candidate_pairs", "a 2-d array (docs x bands)", bands.shape)
    n, nb = bands.shape
    ids = np.arange(n, dtype=np.int64)
    parts = []
    for band in range(nb):
        keys = bands[:, band]
        parts.append(_group_pairs(keys, ids, max_bucket))
        # chain links for oversized buckets
        order = np.argsort(keys, kind="stable")
        ks = keys[order]
        same = ks[1:] == ks[:-1]
        if same.any():
            bounds = np.flatnonzero(np.r_[True, ~same, True])
            big = np.flatnonzero(np.diff(bounds) > max_bucket)
            for g in big:
                members = np.sort(order[bounds[g] : bounds[g + 1]])
                parts.append(np.stack([members[:-1], members[1:]], axis=1))
    return unique_pairs(parts)


def unique_pairs(parts: Sequence[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    allp = np.concatenate(parts)
    allp = allp[allp[:, 0] != allp[:, 1]]
    code = allp[:, 0] * (int(allp.max()) + 1) + allp[:, 1]
    _, first = np.unique(code, return_index=True)
    out = allp[first]
    return out[np.lexsort((out[:, 1], out[:, 0]))]


def anchor_candidate_pairs(
    anchors: Sequence[npt.NDArray[np.uint32]],
    *,
    min_hits: int = 3,
    min_share: float = 0.1,
    min_passage: int = 8,
    max_df: int = 50,
) -> pd.DataFrame:
    """Document pairs that share enough anchors (excerpts and partial copies).

    Parameters
    ----------
    anchors : sequence of numpy.ndarray of uint32
        Sorted unique anchor ids per document (:attr:`DocFeatures.anchors`).
    min_hits : int, default 3
        Fewest shared anchors.
    min_share : float, default 0.1
        Fewest shared anchors as a share of the smaller anchor set ...
    min_passage : int, default 8
        ... unless at least this many are shared (see :func:`anchor_pairs_ok`).
    max_df : int, default 50
        Anchors held by more documents than this are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns ``i``, ``j`` (int64, ``i < j``) and ``hits`` (int64), sorted by ``i, j``.

    Examples
    --------
    >>> a = np.array([1, 2, 3, 4], dtype=np.uint32)
    >>> anchor_candidate_pairs([a, a[:3], a[3:]], min_hits=2).values.tolist()
    [[0, 1, 3]]
    """
    func = "anchor_candidate_pairs"
    check_number(min_hits, "min_hits", func, kind=int, low=1)
    check_number(min_share, "min_share", func, low=0, high=1)
    check_number(min_passage, "min_passage", func, kind=int, low=1)
    check_number(max_df, "max_df", func, kind=int, low=2)
    sizes = np.array([len(a) for a in anchors], dtype=np.int64)
    if len(anchors) < 2 or sizes.sum() == 0:
        keys = np.zeros(0, dtype=np.uint32)
    else:
        keys = np.concatenate([np.asarray(a, dtype=np.uint32) for a in anchors])
    ids = np.repeat(np.arange(len(anchors), dtype=np.int64), sizes)
    return anchor_postings_pairs(
        keys,
        ids,
        sizes,
        min_hits=min_hits,
        min_share=min_share,
        min_passage=min_passage,
        max_df=max_df,
    )


def anchor_postings_pairs(
    keys: npt.NDArray[np.uint32],
    ids: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    *,
    min_hits: int,
    min_share: float,
    min_passage: int,
    max_df: int,
) -> pd.DataFrame:
    """:func:`anchor_candidate_pairs` from postings: ``keys[k]`` is an anchor of document
    ``ids[k]``; ``sizes`` holds every document's number of anchors (an index's arrays)."""
    empty = pd.DataFrame(
        {
            "i": pd.Series(dtype="int64"),
            "j": pd.Series(dtype="int64"),
            "hits": pd.Series(dtype="int64"),
        }
    )
    n = len(sizes)
    if n < 2 or len(keys) == 0:
        return empty
    pairs = _group_pairs(keys, ids, max_df)
    if len(pairs) == 0:
        return empty
    code = pairs[:, 0] * n + pairs[:, 1]
    del pairs
    uniq, hits = np.unique(code, return_counts=True)
    i, j = uniq // n, uniq % n
    smaller = np.minimum(sizes[i], sizes[j])
    ok = anchor_pairs_ok(
        hits, smaller, min_hits=min_hits, min_share=min_share, min_passage=min_passage
    )
    return pd.DataFrame({"i": i[ok], "j": j[ok], "hits": hits[ok].astype(np.int64)})


def anchor_pairs_ok(
    hits: npt.NDArray[Any],
    smaller: npt.NDArray[Any],
    *,
    min_hits: int,
    min_share: float,
    min_passage: int,
) -> npt.NDArray[np.bool_]:
    """Which document pairs sharing ``hits`` anchors are candidates.

    A pair is a candidate when it shares at least ``min_hits`` anchors and either at least
    ``min_share`` of the smaller document's anchors (an excerpt, a partial copy) or at least
    ``min_passage`` anchors whatever the sizes (one passage copied into a long submission
    that mostly copies another source). The one rule for every engine and the index.
    """
    return (hits >= min_hits) & ((hits >= min_share * smaller) | (hits >= min_passage))


# --------------------------------------------------------------------------- verification


class PairVerdict(NamedTuple):
    """The verified relation between two documents (see :func:`verify_pair`).

    Attributes
    ----------
    similarity : float
        Jaccard similarity of the shingle sets.
    containment : float
        Share of the smaller document's shingles found in the other.
    copy_ratio : float
        Share of the smaller document's folded characters in aligned passages (the
        containment when no alignment was needed).
    relation : str or None
        ``duplicate``, ``near-duplicate``, ``contained``, ``partial`` or None.
    swapped : bool
        True when the second document is the smaller one (it then plays ``a``).
    spans : numpy.ndarray of int64, shape (n, 4)
        Aligned folded spans ``(first_start, first_end, second_start, second_end)`` in the
        order the documents were given (empty when not aligned).
    ratio_first, ratio_second : float
        Share of each document (in the order given) inside the passages, or NaN.
    """

    similarity: float
    containment: float
    copy_ratio: float
    relation: str | None
    swapped: bool
    spans: npt.NDArray[np.int64]
    ratio_first: float
    ratio_second: float


def jaccard_containment(
    a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]
) -> tuple[float, float]:
    """Exact Jaccard similarity and containment of the smaller set, from sorted unique ids.

    Examples
    --------
    >>> jaccard_containment(np.array([1, 2, 3], np.uint32), np.array([2, 3, 4, 5], np.uint32))
    (0.4, 0.6666666666666666)
    """
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - inter
    return inter / union, inter / min(len(a), len(b))


_NO_SPANS = np.zeros((0, 4), dtype=np.int64)


def verify_pair(
    fa: DocFeatures,
    fb: DocFeatures,
    folded_a: Folded,
    folded_b: Folded,
    config: DedupConfig,
    *,
    align: bool = False,
    align_floor: float = 0.0,
) -> PairVerdict:
    """Verify one candidate pair on exact shingle sets and, when needed, aligned passages.

    Pure: run it per candidate pair on any engine. With ``align=True`` the passages are
    computed (``flag`` needs them) unless the pair has no relation and shares fewer
    shingles than ``align_floor`` times the first document's (its passages could not
    reach that share of it); otherwise only when the shingle sets alone cannot decide
    (no near-duplicate, but enough shared shingles for a partial copy).
    """
    swapped = len(fb.shingles) < len(fa.shingles) or (
        len(fb.shingles) == len(fa.shingles) and fb.length < fa.length
    )
    nan = float("nan")
    if fa.length == 0 or fb.length == 0:
        # an empty (or all punctuation) text is a copy of nothing
        return PairVerdict(0.0, 0.0, 0.0, None, swapped, _NO_SPANS, 0.0, 0.0)
    if fa.digest == fb.digest and fa.length == fb.length and not align:
        return PairVerdict(1.0, 1.0, 1.0, "duplicate", swapped, _NO_SPANS, 1.0, 1.0)
    sim, cont = jaccard_containment(fa.shingles, fb.shingles)
    relation: str | None = None
    if fa.digest == fb.digest and fa.length == fb.length:
        relation = "duplicate"
    elif sim >= config.threshold:
        relation = "near-duplicate"
    if relation is not None and not align:
        return PairVerdict(sim, cont, cont, relation, swapped, _NO_SPANS, nan, nan)
    # aligned passages cover at most about the shared shingles: below this, no relation
    # (flag aligns anyway: a passage copied into a long submission is still a passage)
    if relation is None:
        shared = cont * min(len(fa.shingles), len(fb.shingles))
        if (not align and cont < 0.8 * min(config.partial, config.containment)) or (
            align and shared < align_floor * len(fa.shingles)
        ):
            return PairVerdict(sim, cont, 0.0, None, swapped, _NO_SPANS, 0.0, 0.0)
    spans = align_folded(
        folded_a.codes,
        folded_b.codes,
        k=config.anchor_k,
        min_passage=config.min_passage,
        max_gap=config.max_gap,
        seed=config.seed,
    )
    if relation == "duplicate" and len(spans) == 0:
        # identical folded texts too short for a passage: the whole text is the passage
        spans = np.array([[0, fa.length, 0, fb.length]], dtype=np.int64)
    ratio_a = covered_length(fa.length, spans[:, 0], spans[:, 1]) / max(fa.length, 1)
    ratio_b = covered_length(fb.length, spans[:, 2], spans[:, 3]) / max(fb.length, 1)
    small = ratio_b if swapped else ratio_a
    if relation is None:
        if small >= config.containment:
            relation = "contained"
        elif max(ratio_a, ratio_b) >= config.partial:
            relation = "partial"
    return PairVerdict(sim, cont, small, relation, swapped, spans, ratio_a, ratio_b)


def connected_components(n: int, pairs: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Union-find labels: ``labels[i]`` is the smallest index of ``i``'s component.

    Examples
    --------
    >>> connected_components(5, [[0, 1], [3, 4], [1, 2]]).tolist()
    [0, 0, 0, 3, 3]
    """
    check_number(n, "n", "connected_components", kind=int, low=0)
    parent = np.arange(n, dtype=np.int64)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = int(parent[root])
        while parent[x] != root:
            parent[x], x = root, int(parent[x])
        return root

    for i, j in np.asarray(pairs, dtype=np.int64).reshape(-1, 2).tolist():
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return np.array([find(i) for i in range(n)], dtype=np.int64)


# --------------------------------------------------------------------------- corpus level


def as_corpus(data: Any, name: str, func: str) -> pd.DataFrame:
    """A corpus table from a DataFrame (``doc_id``, ``text``), a dict or a list of texts."""
    return _as_corpus(data, func, name=name)


class DedupResult(NamedTuple):
    """What :func:`find_near_duplicates` returns.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per related pair, columns ``a``, ``b`` (str doc_ids; ``a`` is the smaller
        document), ``similarity`` (float64, Jaccard of shingle sets), ``containment``
        (float64, share of ``a``'s shingles found in ``b``), ``copy_ratio`` (float64, share
        of ``a``'s characters in passages copied from ``b``; for near-duplicates the
        containment), ``relation`` (str: ``duplicate``, ``near-duplicate``, ``contained``,
        ``partial``), sorted by relation strength then ids.
    clusters : pandas.DataFrame
        Groups of mutual copies (connected by duplicate and near-duplicate pairs):
        ``cluster`` (int64, 0 for the largest group), ``doc_id`` (str), ``size`` (int64).
    """

    pairs: pd.DataFrame
    clusters: pd.DataFrame

    def to_json(self) -> dict[str, Any]:
        """The ``dedup`` JSON of the CLI contract: ``{"pairs": [...], "clusters": [[...]]}``."""
        pairs = [
            {
                "a": r["a"],
                "b": r["b"],
                "similarity": round(float(r["similarity"]), 4),
                "containment": round(float(r["containment"]), 4),
                "relation": r["relation"],
                "copy_ratio": round(float(r["copy_ratio"]), 4),
            }
            for r in self.pairs.to_dict("records")
        ]
        clusters = [
            list(group["doc_id"]) for _, group in self.clusters.groupby("cluster", sort=True)
        ]
        return {"pairs": pairs, "clusters": clusters}


def effective_max_df(config: DedupConfig, n_docs: int) -> int:
    """``config.max_df``, or ``max(50, 1% of n_docs)`` when it is 0."""
    return config.max_df if config.max_df > 0 else max(50, n_docs // 100)


def find_near_duplicates(
    corpus: Any,
    *,
    config: DedupConfig | None = None,
    progress: bool | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    **overrides: Any,
) -> DedupResult:
    """Find duplicate, near-duplicate, contained and partly copied documents of a corpus.

    Parameters
    ----------
    corpus : pandas.DataFrame, dict, list or stream
        A corpus table with ``doc_id`` and ``text`` (as from :func:`corpus_tools.load_corpus`),
        a dict ``{doc_id: text}``, a list of texts, or a stream of corpus tables
        (:func:`corpus_tools.io.stream_corpus`): then documents are sketched a chunk at a
        time and their texts kept in a temporary file (:meth:`DedupIndex.near_duplicates`),
        so memory holds about 1 KB per document, not the corpus. Same result.
    config : DedupConfig, optional
        Options; any field can be given as a keyword instead (``threshold=0.6``).
    progress : bool, optional
        Show a progress bar (default: only on a terminal).
    engine : {"local", "dask"}, default "local"
        ``"dask"`` runs on a dask.distributed cluster without gathering the signatures in
        one process (:func:`corpus_tools.distributed.find_near_duplicates_dask`); same
        result.
    scheduler : str, optional
        Address of a dask.distributed scheduler (``engine="dask"`` only; default: a local
        cluster on all cores).

    Returns
    -------
    DedupResult
        ``pairs`` and ``clusters`` tables (see :class:`DedupResult`); ``to_json()`` gives
        the CLI's JSON.

    Examples
    --------
    >>> texts = {"a": "坚持党建引领，推动基层治理。" * 5, "b": "坚持党建引领，推动基层治理！" * 5}
    >>> find_near_duplicates(texts).pairs[["a", "b", "relation"]].values.tolist()
    [['a', 'b', 'duplicate']]
    """
    func = "find_near_duplicates"
    check_engine(engine, scheduler, func)
    if engine == "dask":
        from corpus_tools.distributed import find_near_duplicates_dask

        return find_near_duplicates_dask(
            corpus, config=config, progress=progress, scheduler=scheduler, **overrides
        )
    cfg = make_config(config, overrides, func)
    chunks, corpus = corpus_chunks(corpus)
    if chunks is not None:  # a stream: sketch a chunk at a time, texts on disk
        from corpus_tools.dedup_index import DedupIndex

        index = DedupIndex(cfg).build(chunks, progress=progress)
        return index.near_duplicates(progress=progress)
    frame = as_corpus(corpus, "corpus", func)
    from corpus_tools._progress import progress_bar

    # documents in doc_id order: the output does not depend on the input order
    frame = frame.assign(_id=frame["doc_id"].astype(str)).sort_values("_id", kind="stable")
    ids = list(frame["_id"])
    texts = list(frame["text"])
    folded = [
        fold_text(t, cfg) for t in progress_bar(texts, desc="dedup: sketching", enabled=progress)
    ]
    feats = [features_of_folded(f, cfg) for f in folded]
    n = len(feats)
    lsh = lsh_candidate_pairs(
        np.stack([f.bands for f in feats]) if n else np.zeros((0, cfg.bands), dtype=np.uint64)
    )
    anchor = anchor_candidate_pairs(
        [f.anchors for f in feats],
        min_hits=cfg.min_anchor_hits,
        min_share=cfg.min_anchor_share,
        min_passage=cfg.min_anchor_passage,
        max_df=effective_max_df(cfg, n),
    )
    cands = unique_pairs([lsh, anchor[["i", "j"]].to_numpy(dtype=np.int64)])
    return verify_candidates(cands, lambda i: (feats[i], folded[i]), ids, cfg, progress=progress)


def verify_candidates(
    cands: npt.NDArray[np.int64],
    features: Callable[[int], tuple[DocFeatures, Folded]],
    ids: list[str],
    cfg: DedupConfig,
    *,
    progress: bool | None,
) -> DedupResult:
    """Verify candidate pairs ``(i, j)`` of documents ``ids`` (``features(i)`` gives a
    document's features and folded text) into the result; pairs are walked in blocks, never
    as one Python list."""
    from corpus_tools._progress import progress_bar

    def pairs() -> Iterator[tuple[int, int]]:
        for start in range(0, len(cands), 65536):
            yield from cands[start : start + 65536].tolist()

    rows = []
    verify = progress_bar(pairs(), desc="dedup: verifying", total=len(cands), enabled=progress)
    for i, j in verify:
        (fi, oi), (fj, oj) = features(i), features(j)
        v = verify_pair(fi, fj, oi, oj, cfg)
        if v.relation is None:
            continue
        a, b = (j, i) if v.swapped else (i, j)
        rows.append((ids[a], ids[b], v.similarity, v.containment, v.copy_ratio, v.relation, a, b))
    return dedup_result(rows, ids)


def dedup_result(rows: list[tuple[Any, ...]], ids: list[str]) -> DedupResult:
    pairs = pd.DataFrame(
        rows, columns=["a", "b", "similarity", "containment", "copy_ratio", "relation", "ia", "ib"]
    )
    strength = pairs["relation"].map({r: k for k, r in enumerate(RELATIONS)})
    pairs = pairs.assign(_s=strength).sort_values(
        ["_s", "similarity", "a", "b"], ascending=[True, False, True, True], kind="stable"
    )
    close = pairs[pairs["relation"].isin(["duplicate", "near-duplicate"])]
    labels = connected_components(len(ids), close[["ia", "ib"]].to_numpy(dtype=np.int64))
    sizes = np.bincount(labels, minlength=len(ids))
    members = [(i, int(lab)) for i, lab in enumerate(labels.tolist()) if sizes[lab] > 1]
    groups: dict[int, list[int]] = {}
    for i, lab in members:
        groups.setdefault(lab, []).append(i)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), ids[g[0]]))
    crow = [(c, ids[i], len(g)) for c, g in enumerate(ordered) for i in sorted(g)]
    clusters = pd.DataFrame(crow, columns=["cluster", "doc_id", "size"]).astype(
        {"cluster": "int64", "doc_id": object, "size": "int64"}
    )
    out = pairs.drop(columns=["_s", "ia", "ib"]).reset_index(drop=True)
    out = out.astype(
        {
            "a": object,
            "b": object,
            "similarity": "float64",
            "containment": "float64",
            "copy_ratio": "float64",
            "relation": object,
        }
    )
    return DedupResult(out, clusters)


# --------------------------------------------------------------------------- passages


def copied_passages(
    submission: str,
    source: str,
    *,
    config: DedupConfig | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """The passages of ``submission`` copied from ``source``, with offsets into both texts.

    Parameters
    ----------
    submission, source : str
        Texts as loaded.
    config : DedupConfig, optional
        ``min_passage``, ``max_gap``, ``anchor_k`` and the folding options apply.

    Returns
    -------
    pandas.DataFrame
        One row per passage, in submission order: ``submission_start``,
        ``submission_end``, ``match_start``, ``match_end`` (int64 offsets into the texts
        as given), ``chars`` (int64, folded characters copied), ``text`` (str, the
        submission's passage: ``submission[submission_start:submission_end]``).

    Examples
    --------
    >>> src = "一、主要做法。坚持党建引领，推动基层治理能力现代化建设取得新成效。"
    >>> sub = "我们的体会是：坚持党建引领，推动基层治理能力现代化建设取得新成效！"
    >>> copied_passages(sub, src)["text"].tolist()
    ['坚持党建引领，推动基层治理能力现代化建设取得新成效']
    """
    func = "copied_passages"
    cfg = make_config(config, overrides, func)
    check_type(submission, "submission", func, str, "a str")
    check_type(source, "source", func, str, "a str")
    fa, fb = fold_text(submission, cfg), fold_text(source, cfg)
    spans = align_folded(
        fa.codes,
        fb.codes,
        k=cfg.anchor_k,
        min_passage=cfg.min_passage,
        max_gap=cfg.max_gap,
        seed=cfg.seed,
    )
    return passages_frame(spans, fa, fb, submission)


def passages_frame(
    spans: npt.NDArray[np.int64], fa: Folded, fb: Folded, submission: str
) -> pd.DataFrame:
    """Folded passage spans mapped to original offsets, as a table."""
    if len(spans):
        ss, se = fa.starts[spans[:, 0]], fa.ends[spans[:, 1] - 1]
        ms, me = fb.starts[spans[:, 2]], fb.ends[spans[:, 3] - 1]
    else:
        ss = se = ms = me = np.zeros(0, dtype=np.int64)
    return pd.DataFrame(
        {
            "submission_start": ss.astype(np.int64),
            "submission_end": se.astype(np.int64),
            "match_start": ms.astype(np.int64),
            "match_end": me.astype(np.int64),
            "chars": (spans[:, 1] - spans[:, 0]).astype(np.int64),
            "text": pd.Series([submission[s:e] for s, e in zip(ss, se, strict=True)], dtype=object),
        }
    )
