"""Verification of candidate pairs: exact shingle sets, aligned passages, the relation.

:func:`verify_pair` decides one pair; :func:`verify_candidates` walks a candidate list in
blocks; :func:`dedup_result` turns verified rows into the :class:`DedupResult` tables, with
the clusters of mutual copies (:func:`connected_components`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.dedup.align import align_folded, covered_length
from corpus_tools.dedup.config import RELATIONS, DedupConfig
from corpus_tools.dedup.sketch import DocFeatures
from corpus_tools.errors import (
    check_number,
)
from corpus_tools.text.matching import Folded

__all__ = [
    "DedupResult",
    "PairVerdict",
    "connected_components",
    "dedup_result",
    "jaccard_containment",
    "verify_candidates",
    "verify_pair",
]


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
    from corpus_tools.progress import progress_bar

    def pairs() -> Iterator[tuple[int, int]]:
        for start in range(0, len(cands), 65536):
            yield from cands[start : start + 65536].tolist()

    rows = []
    verify = progress_bar(
        pairs(), desc="dedup: verifying", unit="pair", total=len(cands), enabled=progress
    )
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
