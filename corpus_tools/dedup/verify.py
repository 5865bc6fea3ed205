"""Verification of candidate pairs: exact shingle sets, aligned passages, the relation.

:func:`verify_pair` decides one pair; :func:`verify_candidates` walks a candidate list pair
by pair (:class:`~corpus_tools.dedup.DedupIndex` and the reference in the tests);
:func:`verify_table` decides a whole candidate list in batches from a
:class:`FeatureTable` (what :func:`~corpus_tools.dedup.find_near_duplicates` uses): identical
texts grouped, shingle sets intersected for all pairs at once, seeds of many pairs matched at
once, a pair rejected by an exact bound before its passages are chained; same verdicts.
Where the package's compiled loops were built (``native.c``, see :func:`native_loops`), the
set intersections and each pair's seeds, bound and chaining run in C, a block of pairs a
call, with the same results as the numpy code.
:func:`dedup_result` and :func:`dedup_frame` turn verified pairs into the
:class:`DedupResult` tables, with the clusters of mutual copies (:func:`connected_components`).
"""

from __future__ import annotations

import mmap
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.align import (
    SeedTable,
    align_folded,
    batch_components,
    batch_groups,
    covered_length,
    group_length,
    passages_of_groups,
    seed_table_flat,
    union_length,
)
from corpus_tools.dedup.candidates import map_file, memory_budget, release_pages
from corpus_tools.dedup.config import RELATIONS, DedupConfig
from corpus_tools.dedup.sketch import DocFeatures, shingle_hashes
from corpus_tools.errors import (
    check_number,
)
from corpus_tools.text.matching import Folded

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DedupResult",
    "DocIds",
    "FeatureTable",
    "PairFigures",
    "PairRows",
    "PairVerdict",
    "connected_components",
    "dedup_frame",
    "dedup_result",
    "exact_groups",
    "feature_table",
    "jaccard_containment",
    "map_file",
    "native_loops",
    "release_pages",
    "seed_chunks",
    "shared_counts",
    "verify_candidates",
    "verify_pair",
    "verify_table",
]


def native_loops() -> ModuleType | None:
    """The compiled loops of verification (``corpus_tools.dedup.fastpairs``, built from
    ``native.c`` when the package is installed), or None where they were not built (no C
    compiler) or ``CORPUS_TOOLS_NATIVE=0`` is set: then the numpy code runs, with the same
    results (the tests check that both agree on real text) and about nine times the CPU
    time of the compiled loops (2.5 CPU-s instead of 0.28 for the pairs of 20,985 news
    items; a whole ``dedup`` job about 1.6 times).

    Examples
    --------
    >>> native_loops() is None or hasattr(native_loops(), "align_cover")
    True
    """
    if os.environ.get("CORPUS_TOOLS_NATIVE", "1") == "0":
        return None
    try:
        from corpus_tools.dedup import fastpairs
    except ImportError:
        return None
    return fastpairs


#: What :func:`shared_counts` and the alignment of :func:`verify_table` run: the compiled
#: loops (see :func:`native_loops`) or None (numpy). Read once, at import.
NATIVE = native_loops()


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
    edges = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    labels = np.arange(n, dtype=np.int64)
    i, j = edges[:, 0], edges[:, 1]
    # hook every edge's labels to the smaller one, then jump pointers to the roots; a
    # label always points to a member of its component no larger than the node
    while len(i):
        li, lj = labels[i], labels[j]
        if (li == lj).all():
            break
        low = np.minimum(li, lj)
        np.minimum.at(labels, li, low)
        np.minimum.at(labels, lj, low)
        while True:
            jumped = labels[labels]
            if (jumped == labels).all():
                break
            labels = jumped
    return labels


#: Longest doc_id (UTF-8 bytes) :meth:`DocIds.argsort` sorts as fixed-width byte strings
#: (n times this many bytes while sorting); longer ones are sorted as Python strings.
SORT_WIDTH = 64


class DocIds(Sequence[str]):
    """The doc_ids of a corpus as one UTF-8 buffer and its offsets, read as ``str`` one at a
    time: about 20 bytes a document instead of a Python string and a list slot each (80
    bytes: 80 MB for a million documents, held while the corpus is searched and verified).

    Fill it with :meth:`extend` (a chunk at a time); :meth:`argsort` gives the order of the
    ids as sorted strings and :meth:`take` a view in an order (no copy of the buffer).
    Encoded with ``surrogatepass``, so any ``str`` comes back as it went in, and the byte
    order of UTF-8 is the order of the code points: sorted bytes are sorted strings.

    Examples
    --------
    >>> ids = DocIds()
    >>> ids.extend(["b-2", "中文", "a-1"])
    >>> ids.extend(["b-10"])
    >>> len(ids), ids[1], ids[-1]
    (4, '中文', 'b-10')
    >>> order = ids.argsort()
    >>> order.tolist(), list(ids.take(order))
    ([2, 3, 0, 1], ['a-1', 'b-10', 'b-2', '中文'])
    """

    def __init__(self) -> None:
        self._parts: list[bytes] = []  # chunks added since the buffer was last joined
        self._part_sizes: list[npt.NDArray[np.int64]] = []
        self._blob: bytes | mmap.mmap = b""
        self._ptr = np.zeros(1, dtype=np.int64)
        self._order: npt.NDArray[np.int64] | None = None  # a view: position -> id

    def extend(self, ids: Iterable[str]) -> None:
        """Append doc_ids (not to a view made by :meth:`take`)."""
        if self._order is not None:
            raise TypeError("a view of DocIds (DocIds.take) cannot be extended")
        encoded = [s.encode("utf-8", "surrogatepass") for s in ids]
        self._parts.append(b"".join(encoded))
        self._part_sizes.append(np.fromiter(map(len, encoded), np.int64, count=len(encoded)))

    def spill(self, path: str | os.PathLike[str]) -> None:
        """Move the buffer to the file ``path``, read back memory-mapped and its pages let
        go after each pass (the ids are read only to sort them and for the pairs written)."""
        blob, _ = self._joined()
        if not blob:
            return
        with open(path, "wb") as fh:
            fh.write(blob)
        with open(path, "rb") as fh:
            self._blob = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def _release(self) -> None:
        if isinstance(self._blob, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
            self._blob.madvise(mmap.MADV_DONTNEED)

    def _joined(self) -> tuple[bytes | mmap.mmap, npt.NDArray[np.int64]]:
        if self._parts:
            sizes = np.concatenate([np.diff(self._ptr), *self._part_sizes])
            self._blob = b"".join([self._blob, *self._parts])
            ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
            np.cumsum(sizes, out=ptr[1:])
            self._ptr = ptr.astype(np.uint32) if len(self._blob) < 2**32 else ptr
            self._parts, self._part_sizes = [], []
        return self._blob, self._ptr

    def __len__(self) -> int:
        if self._order is not None:
            return len(self._order)
        return len(self._ptr) - 1 + sum(len(s) for s in self._part_sizes)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        blob, ptr = self._joined()
        k = int(index)
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError("DocIds index out of range")
        if self._order is not None:
            k = int(self._order[k])
        return blob[ptr[k] : ptr[k + 1]].decode("utf-8", "surrogatepass")

    def _rows(self) -> npt.NDArray[np.int64]:
        """The buffer's id of each position."""
        self._joined()
        return np.arange(len(self), dtype=np.int64) if self._order is None else self._order

    def take(self, order: npt.NDArray[Any]) -> DocIds:
        """A view: its position ``p`` is this one's ``order[p]``."""
        view = DocIds()
        view._blob, view._ptr = self._joined()
        order = np.asarray(order, dtype=np.int64)
        view._order = order if self._order is None else self._order[order]  # (no copy)
        return view

    def argsort(self) -> npt.NDArray[np.int64]:
        """Positions in the order of the ids sorted as strings (ties in position order:
        what ``sorted(range(n), key=ids.__getitem__)`` gives)."""
        blob, ptr = self._joined()
        rows = self._rows()
        starts, sizes = ptr[rows], ptr[rows + 1] - ptr[rows]
        width = int(sizes.max()) if len(sizes) else 0
        if width > SORT_WIDTH or blob.find(b"\x00") >= 0:  # (NUL: numpy's padding)
            order = np.array(sorted(range(len(self)), key=self.__getitem__), dtype=np.int64)
            self._release()
            return order
        data = np.frombuffer(blob, dtype=np.uint8)
        grid = np.zeros((len(rows), max(width, 1)), dtype=np.uint8)
        for c in range(width):  # column c: byte c of every id that long
            has = np.flatnonzero(sizes > c)
            grid[has, c] = data[starts[has] + c]
        del data
        self._release()
        keys = grid.view(f"S{max(width, 1)}").ravel()
        return np.argsort(keys, kind="stable").astype(np.int64)

    def strings(self, positions: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
        """The ids at ``positions`` as an object array (each distinct id decoded once)."""
        positions = np.asarray(positions, dtype=np.int64)
        touched, back = np.unique(positions, return_inverse=True)
        names = np.empty(len(touched), dtype=object)
        names[:] = [self[k] for k in touched.tolist()]
        self._release()
        return names[back.reshape(positions.shape)]


def id_strings(ids: Sequence[str], positions: npt.NDArray[Any]) -> list[str]:
    """The doc_ids ``ids[p]`` of ``positions``, as a list (a :class:`DocIds` decodes only
    the ids asked for)."""
    if isinstance(ids, DocIds):
        return list(ids.strings(positions).tolist())
    return list(np.asarray(ids, dtype=object)[np.asarray(positions, dtype=np.int64)].tolist())


class PairRows(NamedTuple):
    """A :class:`DedupResult` as plain columns, for writers that need no table: the
    values of ``pairs`` column by column, and each cluster's doc_ids."""

    a: list[str]
    b: list[str]
    similarity: list[float]
    containment: list[float]
    copy_ratio: list[float]
    relation: list[str]
    clusters: list[list[str]]


class DedupResult:
    """What :func:`find_near_duplicates` returns: two tables, made when first read.

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

    It unpacks as ``pairs, clusters = result``. The command line writes its output from
    :meth:`rows` and never builds the tables (nor imports pandas) unless a format needs
    them.
    """

    __slots__ = ("_clusters", "_pairs", "_rows")

    def __init__(self, pairs: pd.DataFrame | None = None, clusters: pd.DataFrame | None = None):
        if (pairs is None) != (clusters is None):
            raise TypeError("DedupResult takes both tables (pairs, clusters) or neither")
        self._pairs, self._clusters = pairs, clusters
        self._rows: PairRows | None = None

    @classmethod
    def of_rows(cls, rows: PairRows) -> DedupResult:
        """The result whose tables are made from ``rows`` when first read."""
        result = cls()
        result._rows = rows
        return result

    @property
    def pairs(self) -> pd.DataFrame:
        """The related pairs (see the class)."""
        if self._pairs is None:
            self._pairs = _pairs_table(self.rows())
        return self._pairs

    @property
    def clusters(self) -> pd.DataFrame:
        """The clusters of mutual copies (see the class)."""
        if self._clusters is None:
            self._clusters = _clusters_table(self.rows().clusters)
        return self._clusters

    def rows(self) -> PairRows:
        """The result as plain columns (:class:`PairRows`)."""
        if self._rows is None:
            pairs, clusters = self.pairs, self.clusters
            self._rows = PairRows(
                a=pairs["a"].tolist(),
                b=pairs["b"].tolist(),
                similarity=pairs["similarity"].tolist(),
                containment=pairs["containment"].tolist(),
                copy_ratio=pairs["copy_ratio"].tolist(),
                relation=pairs["relation"].tolist(),
                clusters=clusters.groupby("cluster", sort=True)["doc_id"].apply(list).tolist(),
            )
        return self._rows

    def _replace(self, **tables: pd.DataFrame) -> DedupResult:
        """A result with some tables replaced (as a named tuple's ``_replace``)."""
        unknown = set(tables) - {"pairs", "clusters"}
        if unknown:
            raise TypeError(f"DedupResult has no table {sorted(unknown)[0]!r}")
        return DedupResult(tables.get("pairs", self.pairs), tables.get("clusters", self.clusters))

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter((self.pairs, self.clusters))

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index: int) -> pd.DataFrame:
        return (self.pairs, self.clusters)[index]

    def __repr__(self) -> str:
        rows = self.rows()
        return f"DedupResult(pairs: {len(rows.a):,} rows, clusters: {len(rows.clusters):,})"

    def to_json(self) -> dict[str, Any]:
        """The ``dedup`` JSON of the CLI contract: ``{"pairs": [...], "clusters": [[...]]}``."""
        rows = self.rows()
        pairs = [
            {
                "a": a,
                "b": b,
                "similarity": round(float(sim), 4),
                "containment": round(float(cont), 4),
                "relation": rel,
                "copy_ratio": round(float(ratio), 4),
            }
            for a, b, sim, cont, ratio, rel in zip(*rows[:6], strict=True)
        ]
        return {"pairs": pairs, "clusters": [list(ids) for ids in rows.clusters]}


def _pairs_table(rows: PairRows) -> pd.DataFrame:
    import pandas as pd

    columns: dict[str, Any] = {
        "a": np.asarray(rows.a, dtype=object),
        "b": np.asarray(rows.b, dtype=object),
        "similarity": np.asarray(rows.similarity, dtype=np.float64),
        "containment": np.asarray(rows.containment, dtype=np.float64),
        "copy_ratio": np.asarray(rows.copy_ratio, dtype=np.float64),
        "relation": np.asarray(rows.relation, dtype=object),
    }
    return pd.DataFrame(columns).astype(
        {"a": object, "b": object, "relation": object}  # not pandas' inferred strings
    )


def _clusters_table(clusters: list[list[str]]) -> pd.DataFrame:
    import pandas as pd

    crow = [(c, doc, len(ids)) for c, ids in enumerate(clusters) for doc in ids]
    return pd.DataFrame(crow, columns=["cluster", "doc_id", "size"]).astype(
        {"cluster": "int64", "doc_id": object, "size": "int64"}
    )


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
    """The result tables from verified rows ``(a, b, similarity, containment, copy_ratio,
    relation, ia, ib)`` (``ia``, ``ib`` positions in ``ids``)."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    codes = {r: k for k, r in enumerate(RELATIONS)}
    figures = PairFigures(
        np.asarray(cols[2], dtype=np.float64),
        np.asarray(cols[3], dtype=np.float64),
        np.asarray(cols[4], dtype=np.float64),
        np.asarray([codes[r] for r in cols[5]], dtype=np.int64),
    )
    return dedup_frame(
        np.asarray(cols[6], dtype=np.int64), np.asarray(cols[7], dtype=np.int64), figures, ids
    )


class PairFigures(NamedTuple):
    """The verified figures of many pairs, as arrays (see :class:`DedupResult`).

    ``relation`` is the index of the relation in :data:`RELATIONS` (-1: none).
    """

    similarity: npt.NDArray[np.float64]
    containment: npt.NDArray[np.float64]
    copy_ratio: npt.NDArray[np.float64]
    relation: npt.NDArray[np.int64]

    def take(self, idx: npt.NDArray[Any]) -> PairFigures:
        """The figures of the pairs ``idx`` (positions or a mask)."""
        return PairFigures(*(arr[idx] for arr in self))


def dedup_frame(
    ia: npt.NDArray[np.int64],
    ib: npt.NDArray[np.int64],
    figures: PairFigures,
    ids: Sequence[str],
) -> DedupResult:
    """The result from verified pairs as arrays: positions ``ia`` (the smaller document)
    and ``ib`` in ``ids`` (a list or :class:`DocIds`) and their figures; pairs by relation
    strength, similarity (the highest first), then doc_ids (a stable sort: ties keep the
    order given)."""
    similarity, containment, copy_ratio, relation = figures
    rank = np.empty(len(ids), dtype=np.int64)  # each doc_id's place in sorted order
    if isinstance(ids, DocIds):
        rank[ids.argsort()] = np.arange(len(ids), dtype=np.int64)
    else:
        rank[np.argsort(np.asarray(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    order = np.lexsort((rank[ib], rank[ia], -similarity, relation))
    ia, ib, relation = ia[order], ib[order], relation[order]
    close = np.isin(relation, [RELATIONS.index("duplicate"), RELATIONS.index("near-duplicate")])
    labels = connected_components(len(ids), np.stack([ia[close], ib[close]], axis=1))
    names = np.asarray(RELATIONS, dtype=object)
    return DedupResult.of_rows(
        PairRows(
            a=id_strings(ids, ia),
            b=id_strings(ids, ib),
            similarity=similarity[order].tolist(),
            containment=containment[order].tolist(),
            copy_ratio=copy_ratio[order].tolist(),
            relation=names[relation].tolist(),
            clusters=_clusters(labels, ids),
        )
    )


def _clusters(labels: npt.NDArray[np.int64], ids: Sequence[str]) -> list[list[str]]:
    """Groups of more than one document, the largest first (ties by first doc_id)."""
    sizes = np.bincount(labels, minlength=len(ids))
    members = np.flatnonzero(sizes[labels] > 1)
    groups: dict[int, list[int]] = {}
    for i, lab in zip(members.tolist(), labels[members].tolist(), strict=True):
        groups.setdefault(lab, []).append(i)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), ids[g[0]]))
    return [[ids[i] for i in g] for g in ordered]


# --------------------------------------------------------------------------- in batches


class FeatureTable(NamedTuple):
    """What verification reads of every document, as flat arrays (rows: documents).

    The arrays may be memory maps of files (the streaming path), so verification reads a
    document's shingles and folded codes without folding its text again.

    Attributes
    ----------
    length, digest : numpy.ndarray
        Folded length (int64) and digest (uint64) of each document.
    shingle_ptr : numpy.ndarray of int64, shape (n + 1,)
        Document ``r``'s shingle ids are ``shingles[shingle_ptr[r]:shingle_ptr[r + 1]]``.
    shingles : numpy.ndarray of uint32
        Sorted unique shingle ids of every document, one after the other.
    code_ptr : numpy.ndarray of int64, shape (n + 1,)
        Document ``r``'s folded codes are ``codes[code_ptr[r]:code_ptr[r + 1]]``.
    codes : numpy.ndarray of uint32
        Folded code points of every document, one after the other.
    """

    length: npt.NDArray[np.int64]
    digest: npt.NDArray[np.uint64]
    shingle_ptr: npt.NDArray[np.int64]
    shingles: npt.NDArray[np.uint32]
    code_ptr: npt.NDArray[np.int64]
    codes: npt.NDArray[np.uint32]


def _ptr(sizes: Sequence[int]) -> npt.NDArray[np.int64]:
    ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(np.asarray(sizes, dtype=np.int64), out=ptr[1:])
    return ptr


def feature_table(
    feats: Sequence[DocFeatures], codes: Sequence[npt.NDArray[np.uint32]]
) -> FeatureTable:
    """The :class:`FeatureTable` of documents' features and folded codes (in memory).

    Examples
    --------
    >>> from corpus_tools.dedup.sketch import document_features, fold_for_matching
    >>> t = feature_table([document_features("坚持党建引领")], [fold_for_matching("坚持党建引领").codes])
    >>> t.length.tolist(), t.shingle_ptr.tolist()
    ([6], [0, 2])
    """
    return FeatureTable(
        length=np.array([f.length for f in feats], dtype=np.int64),
        digest=np.array([f.digest for f in feats], dtype=np.uint64),
        shingle_ptr=_ptr([len(f.shingles) for f in feats]),
        shingles=np.concatenate([f.shingles for f in feats] or [np.zeros(0, np.uint32)]),
        code_ptr=_ptr([len(c) for c in codes]),
        codes=np.concatenate([np.asarray(c, np.uint32) for c in codes] or [np.zeros(0, np.uint32)]),
    )


def exact_groups(
    length: npt.NDArray[np.int64], digest: npt.NDArray[np.uint64]
) -> npt.NDArray[np.int64]:
    """For every document the first (smallest) position with the same folded text.

    Empty texts are their own group (an empty text is a copy of nothing).

    Examples
    --------
    >>> exact_groups(np.array([3, 3, 3, 0, 0]), np.array([7, 9, 7, 1, 1], np.uint64)).tolist()
    [0, 1, 0, 3, 4]
    """
    n = len(length)
    order = np.lexsort((np.arange(n), digest, length))
    ls, ds = length[order], digest[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (ls[1:] != ls[:-1]) | (ds[1:] != ds[:-1]) | (ls[1:] == 0)
    first = order[np.flatnonzero(new)]
    rep = np.empty(n, dtype=np.int64)
    rep[order] = first[np.cumsum(new) - 1]
    return rep


#: Shingle ids gathered per block of pairs by :func:`shared_counts` (bounds its memory).
SHARED_BLOCK = 1 << 18
#: Shingle ids (:func:`shared_counts`) or folded characters (alignment) the compiled loops
#: read per call: they hold nothing, and the pages they read of a memory-mapped table are
#: released between calls, so this bounds those pages (16 MB) and saves page faults.
NATIVE_BLOCK = 1 << 22


def _gather(
    ptr: npt.NDArray[np.int64], data: npt.NDArray[np.uint32], docs: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint64]:
    """The sets of ``docs`` one after the other, each value tagged with its pair index in
    the high 32 bits (so the result is sorted when every set is)."""
    sizes = ptr[docs + 1] - ptr[docs]
    total = int(sizes.sum())
    owner = np.repeat(np.arange(len(docs), dtype=np.uint64), sizes)
    at = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes - ptr[docs], sizes)
    return (owner << np.uint64(32)) | np.asarray(data[at], dtype=np.uint64)


def shared_counts(
    table: FeatureTable, x: npt.NDArray[np.int64], y: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Size of the intersection of the shingle sets of rows ``x[p]`` and ``y[p]``, for
    every pair ``p`` at once (the smaller set looked up in the larger, in blocks).

    Examples
    --------
    >>> from corpus_tools.dedup.sketch import document_features as f, fold_for_matching as g
    >>> texts = ["坚持党建引领推动治理", "坚持党建引领推动发展"]
    >>> t = feature_table([f(s) for s in texts], [g(s).codes for s in texts])
    >>> shared_counts(t, np.array([0]), np.array([1])).tolist()
    [4]
    """
    ptr = np.ascontiguousarray(table.shingle_ptr, dtype=np.int64)
    nx, ny = ptr[x + 1] - ptr[x], ptr[y + 1] - ptr[y]
    out = np.zeros(len(x), dtype=np.int64)
    if NATIVE is not None:
        x, y = np.ascontiguousarray(x, dtype=np.int64), np.ascontiguousarray(y, dtype=np.int64)
        data = np.ascontiguousarray(table.shingles, dtype=np.uint32)  # (no copy: a view)
        for lo, hi in _blocks(nx + ny, NATIVE_BLOCK):
            NATIVE.shared_counts(ptr, data, x[lo:hi], y[lo:hi], out[lo:hi])
            release_pages(table.shingles)  # a memory-mapped file: what this block read
        return out
    cost = np.cumsum(nx + ny)
    cuts = np.searchsorted(
        cost, np.arange(SHARED_BLOCK, int(cost[-1]) if len(cost) else 0, SHARED_BLOCK)
    )
    bounds = np.unique(np.concatenate([[0], cuts + 1, [len(x)]]).clip(0, len(x)))
    blocks = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
    small = np.where(nx <= ny, x, y)
    big = np.where(nx <= ny, y, x)
    for lo, hi in blocks:
        held = _gather(ptr, table.shingles, big[lo:hi])
        asked = _gather(ptr, table.shingles, small[lo:hi])
        if len(held) == 0 or len(asked) == 0:
            continue
        pos = np.minimum(np.searchsorted(held, asked), len(held) - 1)
        found = asked[held[pos] == asked] >> np.uint64(32)
        out[lo:hi] = np.bincount(found.astype(np.int64), minlength=hi - lo)
        release_pages(table.shingles)  # a memory-mapped file: what this block read
    return out


_NONE = -1  # no relation

#: Folded characters (of both texts) of the pairs whose seeds are matched in one batch.
ALIGN_BLOCK = 1 << 19
#: Bytes per folded character while a seed table is built (window hashes, dense ids, the
#: sort keys and orders): :func:`seed_chunks` keeps a table within the memory budget.
SEED_BYTES_PER_CHAR = 64
#: ... and never more than this many characters at a time (about 500 MB while built): a
#: larger table saves little work, as most pairs' rows are in one chunk anyway.
SEED_CHARS = 1 << 23


def _seed_table(table: FeatureTable, rows: npt.NDArray[np.int64], cfg: DedupConfig) -> SeedTable:
    """The alignment seeds of table ``rows``: the windows of all their codes hashed in
    one pass, those across two documents dropped."""
    k = cfg.anchor_k
    ptr = np.asarray(table.code_ptr)
    sizes = ptr[rows + 1] - ptr[rows]
    offsets = np.cumsum(sizes) - sizes
    at = np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(ptr[rows] - offsets, sizes)
    codes = np.asarray(table.codes[at], dtype=np.uint32)
    del at
    windows = np.maximum(sizes - k + 1, 0)
    if len(codes) < k:
        return seed_table_flat(np.zeros(0, dtype=np.uint64), windows)
    inside = np.arange(int(windows.sum()), dtype=np.int64) + np.repeat(
        offsets - (np.cumsum(windows) - windows), windows
    )
    return seed_table_flat(shingle_hashes(codes, k, seed=cfg.seed)[inside], windows)


def _blocks(cost: npt.NDArray[np.int64], size: int) -> list[tuple[int, int]]:
    """Consecutive ranges of items whose summed ``cost`` stays near ``size``."""
    if len(cost) == 0:
        return []
    total = np.cumsum(cost)
    cuts = np.searchsorted(total, np.arange(size, int(total[-1]), size), side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [len(cost)]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def _aligned(
    pairs: npt.NDArray[np.int64],
    table: FeatureTable,
    swapped: npt.NDArray[np.bool_],
    cfg: DedupConfig,
    progress: bool | None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Copy ratio and relation (index in RELATIONS, or -1) of row pairs ``(x, y)`` whose
    shingle sets alone cannot decide: aligned passages of ``x`` copied from ``y``.

    The seeds of a block of pairs are matched and grouped along diagonals at once
    (:func:`corpus_tools.dedup.align.batch_groups`); a pair is rejected before its
    passages are chained when the stretches its groups form, joined across every gap a
    passage may bridge, could not cover enough of either document
    (:func:`corpus_tools.dedup.align.batch_components`): the same verdict, much cheaper.
    Only the pairs left are chained one by one.
    """
    from corpus_tools.progress import progress_bar

    ratio = np.zeros(len(pairs), dtype=np.float64)
    rel = np.full(len(pairs), _NONE, dtype=np.int64)
    if len(pairs) == 0:
        return ratio, rel
    if NATIVE is not None:
        return _aligned_native(NATIVE, pairs, table, swapped, cfg, progress=progress)
    length = np.asarray(table.length)
    la, lb = length[pairs[:, 0]], length[pairs[:, 1]]
    budget = max(1, min(SEED_CHARS, memory_budget(cfg.max_memory) // SEED_BYTES_PER_CHAR))
    work = [
        (c0, c0 + lo, c0 + hi)
        for c0, c1 in seed_chunks(pairs, length, budget)
        for lo, hi in _blocks(la[c0:c1] + lb[c0:c1], ALIGN_BLOCK)
    ]
    chunk, sx, sy = -1, pairs[:0, 0], pairs[:0, 1]
    seeds = seed_table_flat(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
    for c0, lo, hi in progress_bar(work, desc="dedup: aligning", unit="block", enabled=progress):
        if c0 != chunk:  # the seeds of the rows of the next chunk of pairs
            chunk, stop = c0, max(h for c, _, h in work if c == c0)
            needed, where = np.unique(pairs[c0:stop].reshape(-1), return_inverse=True)
            seeds = _seed_table(table, needed, cfg)
            release_pages(table.codes)  # a memory-mapped file: what the seeds read
            sx, sy = where.reshape(-1, 2).T
        got = _align_block(
            seeds,
            (sx[lo - c0 : hi - c0], sy[lo - c0 : hi - c0]),
            (la[lo:hi], lb[lo:hi]),
            swapped[lo:hi],
            cfg,
        )
        ratio[lo:hi], rel[lo:hi] = got
    return ratio, rel


def _aligned_native(
    native: ModuleType,
    pairs: npt.NDArray[np.int64],
    table: FeatureTable,
    swapped: npt.NDArray[np.bool_],
    cfg: DedupConfig,
    *,
    progress: bool | None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """:func:`_aligned` by the compiled loops: each pair's seeds matched, grouped, bounded
    and chained in C, a block of pairs a call (the same steps and ties as the numpy code;
    only the two texts of a pair are held at a time, so no seed table is built)."""
    from corpus_tools.progress import progress_bar

    length = np.asarray(table.length, dtype=np.int64)
    x = np.ascontiguousarray(pairs[:, 0], dtype=np.int64)
    y = np.ascontiguousarray(pairs[:, 1], dtype=np.int64)
    la, lb = length[x], length[y]
    ptr = np.ascontiguousarray(table.code_ptr, dtype=np.int64)
    codes = np.ascontiguousarray(table.codes, dtype=np.uint32)  # (no copy: a view)
    sw = np.ascontiguousarray(swapped, dtype=np.bool_)
    cover = np.empty((2, len(pairs)), dtype=np.int64)
    blocks = _blocks(la + lb, NATIVE_BLOCK)
    min_group = group_length(cfg.anchor_k, cfg.min_passage)
    for lo, hi in progress_bar(blocks, desc="dedup: aligning", unit="block", enabled=progress):
        native.align_cover(
            ptr, codes, x[lo:hi], y[lo:hi], la[lo:hi], lb[lo:hi], sw[lo:hi],
            cover[0, lo:hi], cover[1, lo:hi],
            cfg.anchor_k, cfg.seed, cfg.min_passage, cfg.max_gap, min_group,
            cfg.containment, cfg.partial,
        )  # fmt: skip
        release_pages(table.codes)  # a memory-mapped file: what this block read
    # -1: rejected by the bound before chaining (no relation); else covered characters
    kept = cover[0] >= 0
    share_a = np.where(kept, cover[0], 0) / np.maximum(la, 1)
    share_b = np.where(kept, cover[1], 0) / np.maximum(lb, 1)
    small = np.where(sw, share_b, share_a)
    rel = np.full(len(pairs), _NONE, dtype=np.int64)
    rel[kept & (np.maximum(share_a, share_b) >= cfg.partial)] = RELATIONS.index("partial")
    rel[kept & (small >= cfg.containment)] = RELATIONS.index("contained")
    return small, rel


def seed_chunks(
    pairs: npt.NDArray[np.int64], length: npt.NDArray[np.int64], budget: int
) -> list[tuple[int, int]]:
    """Consecutive ranges of ``pairs`` whose distinct rows hold at most ``budget`` folded
    characters together (a range holds one pair at least): the seed table of one range is
    built at a time, so its memory stays within the budget however many pairs there are.

    Examples
    --------
    >>> seed_chunks(np.array([[0, 1], [0, 2], [3, 4]]), np.array([5, 5, 5, 5, 5]), 15)
    [(0, 2), (2, 3)]
    """
    lens = length.tolist()
    bounds: list[tuple[int, int]] = []
    seen: set[int] = set()
    start = chars = 0
    for p, (x, y) in enumerate(pairs.tolist()):
        new = {x, y} - seen
        add = sum(lens[r] for r in new)
        if seen and chars + add > budget:
            bounds.append((start, p))
            start, chars, seen = p, 0, set()
            add = lens[x] + (lens[y] if y != x else 0)
            new = {x, y}
        seen |= new
        chars += add
    bounds.append((start, len(pairs)))
    return bounds


def _align_block(
    seeds: SeedTable,
    rows: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    lengths: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    swapped: npt.NDArray[np.bool_],
    cfg: DedupConfig,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Copy ratio and relation of one block of pairs (``rows`` of ``seeds``, folded
    ``lengths`` of both texts)."""
    sx, sy = rows
    n_a, n_b = lengths
    ratio = np.zeros(len(sx), dtype=np.float64)
    rel = np.full(len(sx), _NONE, dtype=np.int64)
    gp, groups = batch_groups(seeds, sx, sy, cfg.anchor_k, cfg.max_gap)
    keep = groups[:, 1] - groups[:, 0] >= group_length(cfg.anchor_k, cfg.min_passage)
    gp, groups = gp[keep], groups[keep]
    reach_a = batch_components(
        gp, groups[:, 0], groups[:, 1], len(sx), max_gap=cfg.max_gap, min_len=cfg.min_passage
    )
    reach_b = batch_components(gp, groups[:, 2], groups[:, 3], len(sx), max_gap=cfg.max_gap)
    share_a, share_b = reach_a / n_a, reach_b / n_b
    small = np.where(swapped, share_b, share_a)
    go = np.flatnonzero((small >= cfg.containment) | (np.maximum(share_a, share_b) >= cfg.partial))
    g_lo = np.searchsorted(gp, go, side="left")
    g_hi = np.searchsorted(gp, go, side="right")
    one = g_hi - g_lo == 1  # one group: it is the passage (if long enough), no chaining
    ratio[go[one]], rel[go[one]] = _single(
        groups[g_lo[one]], n_a[go[one]], n_b[go[one]], swapped[go[one]], cfg
    )
    many = ~one
    for p, s0, s1 in zip(go[many].tolist(), g_lo[many].tolist(), g_hi[many].tolist(), strict=True):
        ratio[p], rel[p] = _chained(groups[s0:s1], int(n_a[p]), int(n_b[p]), bool(swapped[p]), cfg)
    return ratio, rel


def _single(
    group: npt.NDArray[np.int64],
    la: npt.NDArray[np.int64],
    lb: npt.NDArray[np.int64],
    swapped: npt.NDArray[np.bool_],
    cfg: DedupConfig,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """:func:`_chained` of pairs with one diagonal group each, at once: the group is the
    only passage when at least ``min_passage`` long (same length in both texts)."""
    length = group[:, 1] - group[:, 0]
    covered = np.where(length >= cfg.min_passage, length, 0)
    ratio_a = covered / np.maximum(la, 1)
    ratio_b = covered / np.maximum(lb, 1)
    small = np.where(swapped, ratio_b, ratio_a)
    rel = np.full(len(group), _NONE, dtype=np.int64)
    rel[np.maximum(ratio_a, ratio_b) >= cfg.partial] = RELATIONS.index("partial")
    rel[small >= cfg.containment] = RELATIONS.index("contained")
    return small, rel


def _chained(
    groups: npt.NDArray[np.int64], la: int, lb: int, swapped: bool, cfg: DedupConfig
) -> tuple[float, int]:
    """Copy ratio and relation code of one pair from its diagonal groups."""
    spans = passages_of_groups(groups, la, min_passage=cfg.min_passage, max_gap=cfg.max_gap)
    # the a spans do not overlap; the b spans may
    ratio_a = int((spans[:, 1] - spans[:, 0]).sum()) / max(la, 1)
    ratio_b = union_length(spans[:, 2], spans[:, 3]) / max(lb, 1)
    small = ratio_b if swapped else ratio_a
    if small >= cfg.containment:
        return small, RELATIONS.index("contained")
    if max(ratio_a, ratio_b) >= cfg.partial:
        return small, RELATIONS.index("partial")
    return small, _NONE


def verify_table(
    cands: npt.NDArray[np.int64] | Iterable[npt.NDArray[np.int64]],
    table: FeatureTable,
    ids: Sequence[str],
    cfg: DedupConfig,
    *,
    rows: npt.NDArray[np.int64] | None = None,
    progress: bool | None = None,
) -> DedupResult:
    """Verify candidate pairs ``(i, j)`` of documents ``ids`` in batches (what
    :func:`verify_candidates` gives, pair by pair, with the same figures).

    ``cands`` is one array of pairs or an iterable of such arrays
    (:class:`~corpus_tools.dedup.candidates.CandidateBlocks`): each block is verified
    :data:`VERIFY_PAIRS` pairs at a time and only the related pairs are kept, so memory
    holds one slice's figures, not every candidate's. ``rows[i]`` is document ``i``'s row
    in ``table`` (default: the same position). Identical folded texts are grouped first: a
    pair inside a group is a duplicate without verification, and a pair across groups is
    verified once for the groups' first members (998 copies of one item no longer mean 500k
    verifications). Shingle sets are intersected for all pairs at once; only the pairs they
    cannot decide are aligned.
    """
    rows = np.arange(len(ids), dtype=np.int64) if rows is None else rows
    docs = _Docs(rows, table)  # lengths and set sizes read from the table for each slice
    # per document only each one's group, as int32 where it fits
    rep = _narrow(exact_groups(np.asarray(table.length)[rows], np.asarray(table.digest)[rows]))
    blocks = [cands] if isinstance(cands, np.ndarray) else cands
    found: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], PairFigures]] = []
    for given in blocks:
        block = np.asarray(given, dtype=np.int64).reshape(-1, 2)
        for lo in range(0, len(block), VERIFY_PAIRS):
            found.append(_verify_slice(block[lo : lo + VERIFY_PAIRS], docs, rep, cfg, progress))
            release_pages(table.shingles)  # what this slice read of a mapped file
            release_pages(table.codes)
    if not found:
        found.append(_verify_slice(np.zeros((0, 2), dtype=np.int64), docs, rep, cfg, progress))
    a = np.concatenate([f[0] for f in found])
    b = np.concatenate([f[1] for f in found])
    figures = PairFigures(
        *(np.concatenate(parts) for parts in zip(*(f[2] for f in found), strict=True))
    )
    _warn_dense(len(a), len(ids), cfg.max_pairs_per_doc)
    return dedup_frame(a, b, figures, ids)


#: More related pairs than this many per document is worth a word to the user.
DENSE_PAIRS_PER_DOC = 10


def _warn_dense(pairs: int, docs: int, cap: int) -> None:
    """Warn when the related pairs outnumber the documents :data:`DENSE_PAIRS_PER_DOC`
    times: every pair is reported, and the user should know why the output is so large
    (issue 23: 50,000 slices of one report give 842,626 pairs, no document capped)."""
    if docs == 0 or pairs <= DENSE_PAIRS_PER_DOC * docs:
        return
    warnings.warn(
        f"{pairs:,} related pairs among {docs:,} documents ({pairs / docs:.1f} per "
        "document): many documents are related to many others (copies of one text, or "
        "short texts cut from one source), and every pair is reported. --group-duplicates "
        "lists identical texts once; higher thresholds keep fewer pairs; a lower "
        f"max_pairs_per_doc (--max-pairs-per-doc, now {cap:,}) compares each document "
        "with fewer others.",
        UserWarning,
        stacklevel=3,
    )


#: Candidate pairs verified at a time by :func:`verify_table` (about 100 bytes each while
#: verified), so a corpus with tens of millions of candidates is verified in bounded memory.
VERIFY_PAIRS = 1 << 20


def _verify_slice(
    cands: npt.NDArray[np.int64],
    docs: _Docs,
    rep: npt.NDArray[np.int64],
    cfg: DedupConfig,
    progress: bool | None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], PairFigures]:
    """The related pairs among ``cands``: positions ``a`` (the smaller), ``b``, figures."""
    i, j = cands[:, 0], cands[:, 1]
    li, lj = docs.length(i), docs.length(j)
    keep = (li > 0) & (lj > 0)  # an empty text is a copy of nothing
    i, j, li, lj = i[keep], j[keep], li[keep], lj[keep]
    ni, nj = docs.n_sh(i), docs.n_sh(j)
    swapped = (nj < ni) | ((nj == ni) & (lj < li))
    # each pair of groups once, in the order the pair was given (alignment is not symmetric)
    key = (rep[i].astype(np.int64) << 32) | rep[j]
    ukey, back = np.unique(key, return_inverse=True)
    ux, uy = ukey >> 32, ukey & 0xFFFFFFFF
    u_swapped = np.zeros(len(ukey), dtype=bool)
    u_swapped[back] = swapped
    figures = _decide(ux, uy, u_swapped, docs, cfg, progress=progress).take(back)
    ok = figures.relation != _NONE
    a = np.where(swapped, j, i)[ok]
    b = np.where(swapped, i, j)[ok]
    return a, b, figures.take(ok)


class _Docs(NamedTuple):
    rows: npt.NDArray[np.int64]  # document -> table row
    table: FeatureTable

    def length(self, docs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """The folded lengths of documents ``docs``."""
        return np.asarray(self.table.length)[self.rows[docs]]

    def n_sh(self, docs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """How many shingles documents ``docs`` have."""
        ptr, at = self.table.shingle_ptr, self.rows[docs]
        return ptr[at + 1] - ptr[at]


def _narrow(values: npt.NDArray[np.int64]) -> npt.NDArray[np.signedinteger[Any]]:
    """Non-negative ``values`` as int32 where they fit (half the memory), else as given."""
    if len(values) and int(values.max()) >= 2**31:
        return values
    return values.astype(np.int32)


def _decide(
    x: npt.NDArray[np.int64],
    y: npt.NDArray[np.int64],
    swapped: npt.NDArray[np.bool_],
    docs: _Docs,
    cfg: DedupConfig,
    *,
    progress: bool | None,
) -> PairFigures:
    """Similarity, containment, copy ratio and relation of document pairs ``(x, y)``."""
    rows, table = docs.rows, docs.table
    nx, ny = docs.n_sh(x), docs.n_sh(y)
    same = x == y  # a group with itself: identical texts
    inter = nx.copy()
    inter[~same] = shared_counts(table, rows[x[~same]], rows[y[~same]])
    union = nx + ny - inter
    sim = inter / np.maximum(union, 1)
    cont = inter / np.maximum(np.minimum(nx, ny), 1)
    rel = np.full(len(x), _NONE, dtype=np.int64)
    rel[sim >= cfg.threshold] = RELATIONS.index("near-duplicate")
    rel[same] = RELATIONS.index("duplicate")
    sim[same] = cont[same] = 1.0
    ratio = cont.copy()
    todo = np.flatnonzero((rel == _NONE) & (cont >= 0.8 * min(cfg.partial, cfg.containment)))
    if len(todo):
        got_ratio, got_rel = _aligned(
            np.stack([rows[x[todo]], rows[y[todo]]], axis=1), table, swapped[todo], cfg, progress
        )
        ratio[todo], rel[todo] = got_ratio, got_rel
    return PairFigures(sim, cont, ratio, rel)
