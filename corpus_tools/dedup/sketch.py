"""Per-document sketches for copy detection: shingle hashes, MinHash, band keys, anchors.

Every function here is small, pure and works on one document (or one signature), so the same
code runs in a loop, in a process pool or on an engine's workers. The text is first folded
by :func:`corpus_tools.text.fold_for_matching` (placeholders and numbers as one wildcard,
punctuation dropped, traditional characters simplified); :func:`document_features` gives
everything one document contributes to matching.

Examples
--------
>>> f = document_features("坚持党建引领，推动基层治理能力现代化。")
>>> f.length, f.bands.shape
(17, (32,))"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from corpus_tools.dedup.config import DENSIFY, DedupConfig, make_config
from corpus_tools.errors import check_choice, check_number, check_type, param_error
from corpus_tools.text.matching import Folded, fold_codes_many, fold_for_matching

__all__ = [
    "DocFeatures",
    "FeatureBatch",
    "anchor_set",
    "band_keys",
    "document_features",
    "features_batch",
    "features_of_folded",
    "features_of_many",
    "fold_codes",
    "fold_text",
    "minhash_signature",
    "shingle_hashes",
    "shingle_set",
    "sketch",
]


_U64 = np.uint64
_M1 = _U64(0xFF51AFD7ED558CCD)
_M2 = _U64(0xC4CEB9FE1A85EC53)
_PRIME = _U64(0x100000001B3)
_S33 = _U64(33)
#: Salt of the hash that orders the bins an empty bin probes (optimal densification).
_PROBE_SALT = 0x0D3E


_T = TypeVar("_T", bound=np.generic)


def _sorted_unique(values: npt.NDArray[_T]) -> npt.NDArray[_T]:
    """``np.unique`` by sorting (much faster than the hash-based default on numpy 2)."""
    s = np.sort(values)
    if len(s) < 2:
        return s
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def _fmix(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser, vectorised (wrapping arithmetic)."""
    h = h ^ (h >> _S33)
    h = h * _M1
    h = h ^ (h >> _S33)
    h = h * _M2
    return h ^ (h >> _S33)


def _seed_key(seed: int, salt: int) -> np.uint64:
    """A 64-bit starting value derived from ``seed`` and ``salt``."""
    value = (seed * 0x9E3779B97F4A7C15 + salt * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    return _fmix(np.array([value], dtype=np.uint64))[0]


def shingle_hashes(
    codes: npt.NDArray[np.uint32], k: int, *, seed: int = 0
) -> npt.NDArray[np.uint64]:
    """64-bit hash of the ``k``-character shingle starting at every position.

    A text shorter than ``k`` gives one shingle, the whole text (none when empty).

    Examples
    --------
    >>> codes = fold_for_matching("全面从严治党全面从严治党").codes
    >>> h = shingle_hashes(codes, 4)
    >>> len(h), bool(h[0] == h[6])
    (9, True)
    """
    check_number(k, "k", "shingle_hashes", kind=int, low=1)
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    kk = min(k, n)
    c = codes.astype(np.uint64)
    m = n - kk + 1
    h = np.full(m, _seed_key(seed, kk), dtype=np.uint64)
    for j in range(kk):
        h = (h * _PRIME) ^ c[j : j + m]
    return _fmix(h)


def shingle_set(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """Sorted unique 32-bit shingle ids (the top bits of :func:`shingle_hashes`)."""
    return _sorted_unique((hashes >> _U64(32)).astype(np.uint32))


def sketch(
    hashes: npt.NDArray[np.uint64], num_perm: int = 128, *, densify: str = "optimal"
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """Shingle set and MinHash signature with one sort: ``(shingle_set, signature)``.

    Equal to ``(shingle_set(hashes), minhash_signature(hashes, num_perm, densify=densify))``.

    Examples
    --------
    >>> h = shingle_hashes(fold_for_matching("坚持党建引领基层治理创新").codes, 5)
    >>> ids, sig = sketch(h, 16)
    >>> bool((ids == shingle_set(h)).all()), sig.shape
    (True, (16,))
    """
    check_choice(densify, "densify", "sketch", DENSIFY)
    u = _sorted_unique(hashes)
    ids = (u >> _U64(32)).astype(np.uint32)
    if len(ids) > 1:
        keep = np.empty(len(ids), dtype=bool)
        keep[0] = True
        np.not_equal(ids[1:], ids[:-1], out=keep[1:])
        ids = ids[keep]
    return ids, _one_permutation(u, num_perm, "sketch", densify)


def minhash_signature(
    hashes: npt.NDArray[np.uint64], num_perm: int = 128, *, densify: str = "optimal"
) -> npt.NDArray[np.uint32]:
    """One-permutation MinHash signature, densified.

    One hash per shingle (not ``num_perm``): the hash space is cut into ``num_perm`` bins
    and each bin keeps its smallest value. A short text leaves bins empty; each empty bin
    borrows the value of a non-empty one, and two signatures agree at a position with
    probability close to the Jaccard similarity of the shingle sets, as for classical
    MinHash, at a fraction of the cost. ``num_perm`` must be a power of two.

    ``densify="optimal"`` (the default) lets every empty bin probe the bins in its own
    pseudo-random order and borrow from the first non-empty one (Shrivastava, "Optimal
    densification for fast and accurate minwise hashing", 2017), so neighbouring empty
    bins borrow from different bins. ``"rotation"`` (Shrivastava and Li, 2014; indexes
    built before corpus-tools 0.2.1) borrows from the next non-empty bin: on a short text
    a run of empty bins all copy one bin, and a shared opening (央视网消息…) then fills
    whole LSH bands, which made hundreds of unrelated news items candidates of each other.

    Examples
    --------
    >>> h = shingle_hashes(fold_for_matching("坚持党建引领基层治理创新").codes, 5)
    >>> minhash_signature(h, 16).shape
    (16,)
    """
    check_choice(densify, "densify", "minhash_signature", DENSIFY)
    return _one_permutation(_sorted_unique(hashes), num_perm, "minhash_signature", densify)


@lru_cache(maxsize=8)
def _probe_order(num_perm: int) -> npt.NDArray[np.int64]:
    """Row ``i``: the order in which empty bin ``i`` probes the bins (a fixed pseudo-random
    permutation per bin, from this module's hash, so it never changes with numpy)."""
    grid = np.arange(num_perm * num_perm, dtype=np.uint64).reshape(num_perm, num_perm)
    keys = _fmix(grid + _seed_key(0, _PROBE_SALT))
    return np.argsort(keys, axis=1, kind="stable").astype(np.int64)


def _one_permutation(
    u: npt.NDArray[np.uint64], num_perm: int, func: str, densify: str = "optimal"
) -> npt.NDArray[np.uint32]:
    """The signature of sorted unique (already mixed) 64-bit hashes ``u``."""
    check_number(num_perm, "num_perm", func, kind=int, low=2, high=1024)
    if num_perm & (num_perm - 1):
        raise param_error("num_perm", func, "a power of two in [2, 1024]", num_perm)
    bits = num_perm.bit_length() - 1
    empty = np.uint32(0xFFFFFFFF)
    sig = np.full(num_perm, empty, dtype=np.uint32)
    if len(u) == 0:
        return sig
    bins = (u >> _U64(64 - bits)).astype(np.int64)
    first = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
    vals = ((u[first] >> _U64(32 - bits)) & _U64(0xFFFFFFFF)).astype(np.uint32)
    vals = np.minimum(vals, np.uint32(0xFFFFFFFE))
    sig[bins[first]] = vals
    filled = sig != empty
    missing = np.flatnonzero(~filled)
    if len(missing) == 0:
        return sig
    if densify == "optimal":
        probes = _probe_order(num_perm)[missing]
        src = probes[np.arange(len(missing)), np.argmax(filled[probes], axis=1)]
        salt = missing.astype(np.uint64)  # the target bin: equal values only from one source
    else:
        nonempty = np.flatnonzero(filled)
        # next non-empty bin, circularly, and the distance to it
        src = nonempty[np.searchsorted(nonempty, missing) % len(nonempty)]
        salt = ((src - missing) % num_perm).astype(np.uint64)
    mixed = _fmix(sig[src].astype(np.uint64) * _U64(num_perm) + salt)
    sig[missing] = np.minimum((mixed >> _U64(32)).astype(np.uint32), np.uint32(0xFFFFFFFE))
    return sig


def band_keys(signature: npt.NDArray[np.uint32], bands: int) -> npt.NDArray[np.uint64]:
    """One 64-bit key per LSH band (``len(signature) // bands`` rows each).

    Two documents are candidates when any band key is equal.

    Examples
    --------
    >>> sig = np.arange(128, dtype=np.uint32)
    >>> band_keys(sig, 32).shape
    (32,)
    """
    func = "band_keys"
    check_number(bands, "bands", func, kind=int, low=1)
    if len(signature) % bands:
        raise param_error(
            "bands", func, f"a divisor of the signature length {len(signature)}", bands
        )
    rows = len(signature) // bands
    grid = signature.reshape(bands, rows).astype(np.uint64)
    h = np.arange(bands, dtype=np.uint64) * _U64(0x9E3779B97F4A7C15)
    for r in range(rows):
        h = _fmix(h ^ grid[:, r])
    return h


def anchor_set(
    codes: npt.NDArray[np.uint32], k: int, sample: int, *, seed: int = 0
) -> npt.NDArray[np.uint32]:
    """Sampled ``k``-character shingles: the ids whose hash is 0 modulo ``sample``.

    Sampling by hash value is consistent: a passage copied into two documents yields the
    same anchors in both, about one per ``sample`` characters, whatever surrounds it. This
    is what finds an excerpt inside a long report, where whole-document Jaccard cannot.

    Examples
    --------
    >>> codes = fold_for_matching("坚持以人民为中心的发展思想" * 3).codes
    >>> anchor_set(codes, 4, 1).size <= 13
    True
    """
    check_number(sample, "sample", "anchor_set", kind=int, low=1)
    if sample & (sample - 1):
        raise param_error("sample", "anchor_set", "a power of two", sample)
    if len(codes) < k:
        return np.zeros(0, dtype=np.uint32)
    h = shingle_hashes(codes, k, seed=seed)
    chosen = h[(h & _U64(sample - 1)) == 0]
    return _sorted_unique((chosen >> _U64(32)).astype(np.uint32))


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
    """:func:`corpus_tools.text.fold_for_matching` with the options of ``config``."""
    return fold_for_matching(text, wildcards=config.wildcards, traditional=config.traditional)


def fold_codes(texts: list[str], config: DedupConfig) -> list[npt.NDArray[np.uint32]]:
    """The folded codes of :func:`fold_text` for many texts, in vectorised passes
    (:func:`~corpus_tools.text.matching.fold_codes_many`): what sketching reads."""
    return fold_codes_many(texts, wildcards=config.wildcards, traditional=config.traditional)


def features_of_folded(folded: Folded, config: DedupConfig) -> DocFeatures:
    """:class:`DocFeatures` of an already folded text."""
    codes = folded.codes
    hashes = shingle_hashes(codes, config.k, seed=config.seed)
    shingles, sig = sketch(hashes, config.num_perm, densify=config.densify)
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


#: Folded characters sketched in one vectorised pass of :func:`features_of_many` (bounds the
#: memory of its temporary arrays to about 50 MB).
_BATCH_CHARS = 1 << 19
#: Documents in one pass: their number takes the top ``_DOC_BITS`` (14) bits of the sort key
#: of :func:`_ids_and_signatures`, so no more than 2**14.
_BATCH_DOCS = 1 << 14


def _shingle_starts(
    lengths: npt.NDArray[np.int64], k: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``(doc, position)`` of every ``k``-shingle of documents of at least ``k`` characters,
    laid end to end (positions into the concatenation)."""
    counts = np.maximum(lengths - (k - 1), 0)
    counts[lengths < k] = 0
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    doc = np.repeat(np.arange(len(lengths), dtype=np.int64), counts)
    first = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(counts[:-1], out=first[1:])
    pos = np.arange(len(doc), dtype=np.int64) - first[doc] + starts[doc]
    return doc, pos


def _all_shingles(flat: npt.NDArray[np.uint64], k: int, seed: int) -> npt.NDArray[np.uint64]:
    """:func:`shingle_hashes` of the whole concatenation (positions across documents too)."""
    m = len(flat) - k + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.full(m, _seed_key(seed, k), dtype=np.uint64)
    for j in range(k):
        h *= _PRIME
        h ^= flat[j : j + m]
    return _fmix(h)


def _grouped_ids(
    doc: npt.NDArray[np.int64], hashes: npt.NDArray[np.uint64], n: int
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """Sorted unique top-32-bit ids per document: ``(ids, offsets)`` (``n + 1`` offsets)."""
    keys = (doc.astype(np.uint64) << _S33 - _U64(1)) | (hashes >> _U64(32))
    keys = _sorted_unique(keys)
    owner = (keys >> _U64(32)).astype(np.int64)
    ptr = np.searchsorted(owner, np.arange(n + 1, dtype=np.int64))
    return (keys & _U64(0xFFFFFFFF)).astype(np.uint32), ptr.astype(np.int64)


def _densify_optimal(sig: npt.NDArray[np.uint32], num_perm: int) -> None:
    """Fill the empty bins of every row of ``sig`` in place (as :func:`_one_permutation`)."""
    empty = np.uint32(0xFFFFFFFF)
    filled = sig != empty
    some = filled.any(axis=1)
    rows, cols = np.nonzero(~filled & some[:, None])
    if len(rows) == 0:
        return
    order = _probe_order(num_perm)
    src = np.full(len(rows), -1, dtype=np.int64)
    todo = np.arange(len(rows))
    for step in range(num_perm):
        probe = order[cols[todo], step]
        hit = filled[rows[todo], probe]
        src[todo[hit]] = probe[hit]
        todo = todo[~hit]
        if len(todo) == 0:
            break
    mixed = _fmix(sig[rows, src].astype(np.uint64) * _U64(num_perm) + cols.astype(np.uint64))
    sig[rows, cols] = np.minimum((mixed >> _U64(32)).astype(np.uint32), np.uint32(0xFFFFFFFE))


#: Bits of the document number in the one sort key of :func:`_ids_and_signatures` (a batch
#: holds at most 2**14 documents); the key keeps the hash's top 50 bits below them.
_DOC_BITS = 14
_KEPT = 64 - _DOC_BITS


def _ids_and_signatures(
    doc: npt.NDArray[np.int64], hashes: npt.NDArray[np.uint64], n: int, num_perm: int
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """:func:`_grouped_ids` and :func:`_signatures` from one sort.

    The key is the document number above the hash's top 50 bits, so sorted keys are in
    (document, hash) order: the shingle id (top 32 bits) is non-decreasing within a
    document, and the first key of each (document, MinHash bin) has the bin's smallest
    value (the 32 bits after the bin's, all among the 50 kept).
    """
    bits = num_perm.bit_length() - 1
    key = (doc.astype(np.uint64) << _U64(_KEPT)) | (hashes >> _U64(_DOC_BITS))
    key.sort()
    ids_doc = (key >> _U64(_KEPT - 32)) & _U64(0xFFFFFFFF)  # top 32 bits of the hash
    owner = key >> _U64(_KEPT)
    new = np.empty(len(key), dtype=bool)
    if len(key):
        new[0] = True
        np.not_equal(ids_doc[1:], ids_doc[:-1], out=new[1:])
        new[1:] |= owner[1:] != owner[:-1]
    ids = ids_doc[new].astype(np.uint32)
    ptr = np.searchsorted(owner[new], np.arange(n + 1, dtype=np.uint64)).astype(np.int64)
    sig = np.full((n, num_perm), 0xFFFFFFFF, dtype=np.uint32)
    if len(key):
        cell = key >> _U64(_KEPT - bits)  # document * num_perm + bin
        first = np.empty(len(key), dtype=bool)
        first[0] = True
        np.not_equal(cell[1:], cell[:-1], out=first[1:])
        vals = (key[first] >> _U64(_KEPT - 32 - bits)) & _U64(0xFFFFFFFF)
        mins = np.minimum(vals.astype(np.uint32), np.uint32(0xFFFFFFFE))
        sig.reshape(-1)[cell[first].astype(np.int64)] = mins
    _densify_optimal(sig, num_perm)
    return ids, ptr, sig


def _band_rows(sig: npt.NDArray[np.uint32], bands: int) -> npt.NDArray[np.uint64]:
    """:func:`band_keys` of every row of ``sig``."""
    rows = sig.shape[1] // bands
    grid = sig.reshape(len(sig), bands, rows).astype(np.uint64)
    h = np.broadcast_to(
        np.arange(bands, dtype=np.uint64) * _U64(0x9E3779B97F4A7C15), grid.shape[:2]
    )
    for r in range(rows):
        h = _fmix(h ^ grid[:, :, r])
    return h


def _split(values: npt.NDArray[_T], ptr: npt.NDArray[np.int64]) -> list[npt.NDArray[_T]]:
    return [values[a:b] for a, b in zip(ptr[:-1].tolist(), ptr[1:].tolist(), strict=True)]


def _features_batch(codes: list[npt.NDArray[np.uint32]], config: DedupConfig) -> FeatureBatch:
    """:func:`features_of_folded` of every document of one batch, in vectorised passes."""
    n = len(codes)
    lengths = np.fromiter((len(c) for c in codes), dtype=np.int64, count=n)
    flat = np.concatenate(codes).astype(np.uint64) if n else np.zeros(0, dtype=np.uint64)
    k = config.k
    doc, pos = _shingle_starts(lengths, k)
    hashes = _all_shingles(flat, k, config.seed)[pos]
    short = np.flatnonzero((lengths > 0) & (lengths < k))
    if len(short):  # a text shorter than k is one shingle, the whole text
        extra = np.concatenate([shingle_hashes(codes[i], k, seed=config.seed) for i in short])
        doc, hashes = np.r_[doc, short], np.r_[hashes, extra]
    ids, ptr, sig = _ids_and_signatures(doc, hashes, n, config.num_perm)
    bands = _band_rows(sig, config.bands)
    adoc, apos = _shingle_starts(lengths, config.anchor_k)
    ahash = _all_shingles(flat, config.anchor_k, config.seed)[apos]
    chosen = (ahash & _U64(config.anchor_sample - 1)) == 0
    anchors, aptr = _grouped_ids(adoc[chosen], ahash[chosen], n)
    digests = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(c.tobytes(), digest_size=8).digest(), "little")
            for c in codes
        ),
        dtype=np.uint64,
        count=n,
    )
    return FeatureBatch(lengths, digests, ids, ptr, bands, anchors, aptr)


class FeatureBatch(NamedTuple):
    """The :class:`DocFeatures` of many documents as flat arrays (:func:`features_batch`).

    Document ``i``'s shingle ids are ``shingles[shingle_ptr[i]:shingle_ptr[i + 1]]``, its
    band keys ``bands[i]``, its anchors ``anchors[anchor_ptr[i]:anchor_ptr[i + 1]]``.
    """

    length: npt.NDArray[np.int64]
    digest: npt.NDArray[np.uint64]
    shingles: npt.NDArray[np.uint32]
    shingle_ptr: npt.NDArray[np.int64]
    bands: npt.NDArray[np.uint64]
    anchors: npt.NDArray[np.uint32]
    anchor_ptr: npt.NDArray[np.int64]

    def docs(self) -> list[DocFeatures]:
        """One :class:`DocFeatures` per document."""
        return [
            DocFeatures(length=ln, digest=dg, shingles=s, bands=b, anchors=a)
            for ln, dg, s, b, a in zip(
                self.length.tolist(),
                self.digest.tolist(),
                _split(self.shingles, self.shingle_ptr),
                self.bands,
                _split(self.anchors, self.anchor_ptr),
                strict=True,
            )
        ]

    @classmethod
    def of(cls, feats: list[DocFeatures], bands: int) -> FeatureBatch:
        """The batch of per-document features."""

        def flat(parts: list[npt.NDArray[Any]], dtype: type[np.generic]) -> Any:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        def ptr(parts: list[npt.NDArray[Any]]) -> npt.NDArray[np.int64]:
            out = np.zeros(len(parts) + 1, dtype=np.int64)
            np.cumsum([len(p) for p in parts], out=out[1:])
            return out

        shingles, anchors = [f.shingles for f in feats], [f.anchors for f in feats]
        return cls(
            np.array([f.length for f in feats], dtype=np.int64),
            np.array([f.digest for f in feats], dtype=np.uint64),
            flat(shingles, np.uint32),
            ptr(shingles),
            np.stack([f.bands for f in feats]) if feats else np.zeros((0, bands), np.uint64),
            flat(anchors, np.uint32),
            ptr(anchors),
        )

    @classmethod
    def joined(cls, parts: list[FeatureBatch], bands: int) -> FeatureBatch:
        """The batches one after the other, as one."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls.of([], bands)

        def ptr(ptrs: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
            shifted, base = [np.zeros(1, dtype=np.int64)], 0
            for p in ptrs:
                shifted.append(p[1:] + base)
                base += int(p[-1])
            return np.concatenate(shifted)

        return cls(
            np.concatenate([p.length for p in parts]),
            np.concatenate([p.digest for p in parts]),
            np.concatenate([p.shingles for p in parts]),
            ptr([p.shingle_ptr for p in parts]),
            np.concatenate([p.bands for p in parts]),
            np.concatenate([p.anchors for p in parts]),
            ptr([p.anchor_ptr for p in parts]),
        )


def features_batch(codes: list[npt.NDArray[np.uint32]], config: DedupConfig) -> FeatureBatch:
    """:func:`features_of_many` as one :class:`FeatureBatch` of flat arrays (no object per
    document: what a corpus of millions keeps).

    Examples
    --------
    >>> cfg = make_config(None, {}, "features_batch")
    >>> b = features_batch([fold_text(t, cfg).codes for t in ["全面从严治党", ""]], cfg)
    >>> b.length.tolist(), b.bands.shape, b.shingle_ptr.tolist()
    ([6, 0], (2, 32), [0, 2, 2])
    """
    check_type(config, "config", "features_batch", DedupConfig, "a DedupConfig")
    if config.densify != "optimal":  # indexes from before 0.2.1: one document at a time
        feats = [features_of_folded(_as_folded(c), config) for c in codes]
        return FeatureBatch.of(feats, config.bands)
    parts: list[FeatureBatch] = []
    start = 0
    while start < len(codes):
        stop, chars = start, 0
        while (
            stop < len(codes)
            and stop - start < _BATCH_DOCS
            and (chars < _BATCH_CHARS or stop == start)
        ):
            chars += len(codes[stop])
            stop += 1
        parts.append(_features_batch(codes[start:stop], config))
        start = stop
    return FeatureBatch.joined(parts, config.bands)


def features_of_many(codes: list[npt.NDArray[np.uint32]], config: DedupConfig) -> list[DocFeatures]:
    """:func:`features_of_folded` of many folded texts at once (the same values, much faster).

    ``codes`` are the ``codes`` of :class:`~corpus_tools.text.matching.Folded` texts. The
    documents are sketched in batches of about half a million characters: one vectorised pass
    per batch instead of some thirty numpy calls per document.

    Examples
    --------
    >>> cfg = make_config(None, {}, "features_of_many")
    >>> texts = ["坚持党建引领，推动基层治理能力现代化。", "全面从严治党", ""]
    >>> many = features_of_many([fold_text(t, cfg).codes for t in texts], cfg)
    >>> one = [features_of_folded(fold_text(t, cfg), cfg) for t in texts]
    >>> all((a.bands == b.bands).all() and a.digest == b.digest for a, b in zip(many, one))
    True
    """
    check_type(config, "config", "features_of_many", DedupConfig, "a DedupConfig")
    return features_batch(codes, config).docs()


def _as_folded(codes: npt.NDArray[np.uint32]) -> Folded:
    pos = np.arange(len(codes), dtype=np.int64)
    return Folded(codes, pos, pos + 1, len(codes))
