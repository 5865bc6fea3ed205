"""Character shingles for copy detection: wildcard folding, hashing, MinHash, band keys, anchors.

Every function here is small, pure and works on one document (or one signature), so the same
code runs in a loop, in a process pool or as a Dask ``map`` (see :mod:`corpus_tools.dedup`).

The matching text is the text as loaded, folded for comparison:

1. :func:`corpus_tools.normalize.normalize` folding (width, punctuation variants, case,
   invisible characters), applied through a code-point table built once from it;
2. traditional to simplified characters (one character to one, from ``zhconv``'s table),
   so a traditional transcription matches a simplified one;
3. placeholder runs (``X``, ``XX``, ``×``, ``X-X``, ``20XX``, ``○○``, ``某某``) and digit runs
   (``2019``, ``1.5``) become one wildcard, so a filled-in copy matches its blank template;
4. everything that is not a letter, digit or ideograph (punctuation, spaces, symbols) is
   dropped, so a re-punctuated or re-wrapped copy matches its original;
5. consecutive wildcards collapse into one (``1-6月`` and ``X-X月`` both give ``#月``).

:class:`Folded` keeps, for every folded character, the span of the original text it stands
for, so every match is reported with offsets into the original text.

Examples
--------
>>> f = fold_for_matching("20XX年X-X月，完成X个项目")
>>> g = fold_for_matching("2019年1—6月,完成 12 个项目。")
>>> f.text == g.text
True
>>> f.to_original(0, 2)
(0, 5)
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from corpus_tools._patterns import DIGIT_RUN, PLACEHOLDER_MARKS
from corpus_tools.errors import check_number, check_type, param_error

__all__ = [
    "WILDCARD",
    "Folded",
    "anchor_set",
    "band_keys",
    "fold_for_matching",
    "minhash_signature",
    "shingle_hashes",
    "shingle_set",
    "sketch",
]

#: The code point that stands for a folded placeholder or number (private use, never kept
#: from a real text, whose private-use characters are dropped as symbols).
WILDCARD = 0xE000
#: Shown for the wildcard in :attr:`Folded.text`.
WILDCARD_CHAR = chr(WILDCARD)

_TABLE_SIZE = 0x30000
_U64 = np.uint64
_M1 = _U64(0xFF51AFD7ED558CCD)
_M2 = _U64(0xC4CEB9FE1A85EC53)
_PRIME = _U64(0x100000001B3)
_S33 = _U64(33)


class Folded(NamedTuple):
    """Matching text as code points, with the original span of every folded character.

    Attributes
    ----------
    codes : numpy.ndarray of uint32
        Folded code points; :data:`WILDCARD` for a placeholder or number.
    starts, ends : numpy.ndarray of int64
        ``codes[i]`` stands for ``original[starts[i]:ends[i]]``.
    original_length : int
        Length of the original text.
    """

    codes: npt.NDArray[np.uint32]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    original_length: int

    @property
    def text(self) -> str:
        """The folded text as a string (wildcards as U+E000)."""
        return self.codes.astype(np.uint32).tobytes().decode("utf-32-le")

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the folded span ``[start, end)`` (non-empty) to a span of the original."""
        n = len(self.codes)
        if not 0 <= start < end <= n:
            raise param_error(
                "start/end", "Folded.to_original", f"0 <= start < end <= {n}", (start, end)
            )
        return int(self.starts[start]), int(self.ends[end - 1])


@lru_cache(maxsize=2)
def _tables(traditional: bool) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """Code point -> folded code point, and whether a folded code point is kept.

    Built once from :func:`corpus_tools.normalize.normalize` on every code point below
    U+30000, so matching folds exactly as the rest of the toolkit does.
    """
    from corpus_tools.normalize import normalize

    cps = np.concatenate([np.arange(0, 0xD800), np.arange(0xE000, _TABLE_SIZE)]).astype(np.uint32)
    text = cps.tobytes().decode("utf-32-le")
    norm = normalize(text)
    table = np.zeros(_TABLE_SIZE, dtype=np.uint32)  # 0 = dropped (NUL is never kept)
    folded = np.frombuffer(norm.text.encode("utf-32-le"), dtype=np.uint32)
    ok = folded < _TABLE_SIZE
    table[cps[norm.starts[ok]]] = folded[ok]
    if traditional:
        t2s = _traditional_table()
        inside = table < _TABLE_SIZE
        table[inside] = t2s[table[inside]]
    keep = np.zeros(_TABLE_SIZE, dtype=bool)
    for cp in range(1, _TABLE_SIZE):
        if 0xD800 <= cp < 0xE000:
            continue
        if unicodedata.category(chr(cp))[0] in "LN":
            keep[cp] = True
    keep[WILDCARD] = True
    return table, keep


@lru_cache(maxsize=1)
def _traditional_table() -> npt.NDArray[np.uint32]:
    """Identity table with traditional characters mapped to simplified ones (zhconv)."""
    import importlib

    zc: Any = importlib.import_module("zhconv.zhconv")
    zc.loaddict()
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    for src, dst in zc.zhcdicts["zh2Hans"].items():
        if len(src) == 1 and len(dst) == 1 and ord(src) < _TABLE_SIZE and ord(dst) < _TABLE_SIZE:
            table[ord(src)] = ord(dst)
    return table


@lru_cache(maxsize=1)
def _wild_table() -> npt.NDArray[np.bool_]:
    """True for the code points a placeholder run or a number is made of.

    The blank marks of :data:`corpus_tools._patterns.PLACEHOLDER_MARKS`, ``某``, and every
    character :data:`corpus_tools._patterns.DIGIT_RUN` matches. The separators of
    ``X-X``, ``1.5`` and ``X至X`` between two of them are punctuation (dropped) or
    handled by collapsing, so a per-character test gives the same runs as the regexes,
    in a single vectorised pass.
    """
    table = np.zeros(_TABLE_SIZE, dtype=bool)
    for ch in PLACEHOLDER_MARKS + "某":
        table[ord(ch)] = True
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isdigit() and DIGIT_RUN.fullmatch(ch):
            table[cp] = True
    return table


_RANGE_WORDS = np.array([ord(c) for c in "至到"], dtype=np.uint32)


def _wild_mask(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """True at every character of a placeholder run or a number (``X至X`` included)."""
    table = _wild_table()
    if len(cps) and int(cps.max()) < _TABLE_SIZE:
        wild = table[cps]
    else:
        wild = np.zeros(len(cps), dtype=bool)
        inside = cps < _TABLE_SIZE
        wild[inside] = table[cps[inside]]
    if len(cps) > 2:
        # the 至/到 of a range between two wild characters belongs to the run (X至X月)
        mid = cps[1:-1]
        word = (mid == _RANGE_WORDS[0]) | (mid == _RANGE_WORDS[1])
        wild[1:-1] |= word & wild[:-2] & wild[2:]
    return wild


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


def fold_for_matching(text: str, *, wildcards: bool = True, traditional: bool = True) -> Folded:
    """Fold ``text`` into matching code points, keeping the map to the original.

    Parameters
    ----------
    text : str
        A document's text as loaded.
    wildcards : bool, default True
        Fold placeholder runs (``XX``, ``×``, ``20XX``, ``某某``) and numbers to one wildcard.
    traditional : bool, default True
        Fold traditional characters to simplified ones.

    Returns
    -------
    Folded
        ``codes`` with ``starts``/``ends`` into ``text``.

    Examples
    --------
    >>> fold_for_matching("“三会一课”制度，X个支部").text == fold_for_matching("三会一课制度5个支部").text
    True
    """
    func = "fold_for_matching"
    check_type(text, "text", func, str, "a str")
    check_type(wildcards, "wildcards", func, bool, "a bool")
    check_type(traditional, "traditional", func, bool, "a bool")
    table, keep = _tables(traditional)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(cps)
    if n and int(cps.max()) < _TABLE_SIZE:
        codes = table[cps]
        kept = keep[codes]
    else:
        inside = cps < _TABLE_SIZE
        codes = np.where(inside, table[np.where(inside, cps, 0)], cps)
        kept = np.where(inside, keep[np.where(inside, codes, 0)], True)
    kept &= codes != 0
    if wildcards and n:
        wild = _wild_mask(cps)
        codes[wild] = WILDCARD
        kept |= wild
    idx = np.flatnonzero(kept)
    codes = codes[idx]
    starts = idx.astype(np.int64)
    if wildcards and len(codes) > 1:
        # collapse runs of wildcards; a run's head stands for the whole run
        is_w = codes == WILDCARD
        tail = np.zeros(len(codes), dtype=bool)
        tail[1:] = is_w[1:] & is_w[:-1]
        head_idx = np.flatnonzero(~tail)
        last = np.empty(len(head_idx), dtype=np.int64)
        last[:-1] = head_idx[1:] - 1
        last[-1] = len(codes) - 1
        ends = starts[last] + 1
        codes = codes[head_idx]
        starts = starts[head_idx]
    else:
        ends = starts + 1
    return Folded(codes.astype(np.uint32), starts, ends.astype(np.int64), n)


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
    hashes: npt.NDArray[np.uint64], num_perm: int = 128
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """Shingle set and MinHash signature with one sort: ``(shingle_set, signature)``.

    Equal to ``(shingle_set(hashes), minhash_signature(hashes, num_perm))``.

    Examples
    --------
    >>> h = shingle_hashes(fold_for_matching("坚持党建引领基层治理创新").codes, 5)
    >>> ids, sig = sketch(h, 16)
    >>> bool((ids == shingle_set(h)).all()), sig.shape
    (True, (16,))
    """
    u = _sorted_unique(hashes)
    ids = (u >> _U64(32)).astype(np.uint32)
    if len(ids) > 1:
        keep = np.empty(len(ids), dtype=bool)
        keep[0] = True
        np.not_equal(ids[1:], ids[:-1], out=keep[1:])
        ids = ids[keep]
    return ids, _one_permutation(u, num_perm, "sketch")


def minhash_signature(
    hashes: npt.NDArray[np.uint64], num_perm: int = 128
) -> npt.NDArray[np.uint32]:
    """One-permutation MinHash signature with rotation densification.

    One hash per shingle (not ``num_perm``): the hash space is cut into ``num_perm`` bins
    and each bin keeps its smallest value; an empty bin borrows from the next non-empty one
    (Shrivastava and Li, 2014). Two signatures agree at a position with probability close
    to the Jaccard similarity of the shingle sets, as for classical MinHash, at a fraction
    of the cost. ``num_perm`` must be a power of two.

    Examples
    --------
    >>> h = shingle_hashes(fold_for_matching("坚持党建引领基层治理创新").codes, 5)
    >>> minhash_signature(h, 16).shape
    (16,)
    """
    return _one_permutation(_sorted_unique(hashes), num_perm, "minhash_signature")


def _one_permutation(u: npt.NDArray[np.uint64], num_perm: int, func: str) -> npt.NDArray[np.uint32]:
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
    missing = np.flatnonzero(sig == empty)
    if len(missing):
        filled = np.flatnonzero(sig != empty)
        # next non-empty bin, circularly, and the distance to it
        pos = np.searchsorted(filled, missing) % len(filled)
        src = filled[pos]
        dist = (src - missing) % num_perm
        mixed = _fmix(sig[src].astype(np.uint64) * _U64(num_perm) + dist.astype(np.uint64))
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
