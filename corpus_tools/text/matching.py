"""Folding a text for matching copies, with a map back to the original offsets.

The matching text is the text as loaded, folded for comparison:

1. :func:`corpus_tools.text.normalize` folding (width, punctuation variants, case,
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
(0, 5)"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.errors import check_type, param_error
from corpus_tools.text.patterns import DIGIT_RUN, PLACEHOLDER_MARKS
from corpus_tools.text.tables import LETTERS_DIGITS_SIZE, shipped_tables

__all__ = [
    "WILDCARD",
    "WILDCARD_CHAR",
    "Folded",
    "compute_letters_digits",
    "compute_match_table",
    "fold_codes_many",
    "fold_for_matching",
    "fold_many",
    "zhconv_digest",
]

#: The code point that stands for a folded placeholder or number (private use, never kept
#: from a real text, whose private-use characters are dropped as symbols).
WILDCARD = 0xE000


#: Shown for the wildcard in :attr:`Folded.text`.
WILDCARD_CHAR = chr(WILDCARD)


_TABLE_SIZE = LETTERS_DIGITS_SIZE


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

    Read from the shipped tables (``corpus_tools/data/fold_tables.npz``) when they were made
    with this Python's Unicode database and, for ``traditional``, this zhconv's dictionary;
    else computed (:func:`compute_match_table`, about 0.05 s).
    """
    shipped = shipped_tables()
    table = None if shipped is None else _shipped_match_table(shipped, traditional)
    if table is None:
        table = compute_match_table(traditional)
    if shipped is not None and len(shipped["letters_digits"]) == _TABLE_SIZE:
        keep = shipped["letters_digits"].copy()
    else:
        keep = compute_letters_digits()
    keep[WILDCARD] = True
    return table, keep


def _shipped_match_table(
    shipped: dict[str, npt.NDArray[Any]], traditional: bool
) -> npt.NDArray[np.uint32] | None:
    """The shipped folding of every code point (None when it does not ship, or when the
    traditional one was made from another zhconv dictionary than the installed one)."""
    name = "match_traditional" if traditional else "match_plain"
    if f"{name}_keys" not in shipped:
        return None
    if traditional and str(shipped.get("zhconv_digest", "")) != zhconv_digest():
        return None
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    table[shipped[f"{name}_keys"]] = shipped[f"{name}_values"]
    return table


def compute_match_table(traditional: bool) -> npt.NDArray[np.uint32]:
    """Code point -> folded code point (0: dropped) below U+30000, computed with
    :func:`corpus_tools.text.normalize` on every code point, so matching folds exactly as the
    rest of the toolkit does; with ``traditional``, traditional characters folded to
    simplified ones (zhconv's table).

    Examples
    --------
    >>> table = compute_match_table(True)
    >>> chr(table[ord("Ａ")]), chr(table[ord("國")]), chr(table[ord("，")])
    ('a', '国', ',')
    """
    from corpus_tools.text.normalization import normalize

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
    return table


def compute_letters_digits() -> npt.NDArray[np.bool_]:
    """True for the code points below U+30000 that are letters or digits (Unicode category
    L or N), computed from Python's Unicode database: the characters matching keeps.

    Examples
    --------
    >>> keep = compute_letters_digits()
    >>> bool(keep[ord("党")]), bool(keep[ord("5")]), bool(keep[ord("，")])
    (True, True, False)
    """
    keep = np.zeros(_TABLE_SIZE, dtype=bool)
    for cp in range(1, _TABLE_SIZE):
        if 0xD800 <= cp < 0xE000:
            continue
        if unicodedata.category(chr(cp))[0] in "LN":
            keep[cp] = True
    return keep


def _zhconv_dictionary() -> bytes:
    """zhconv's dictionary file, read directly: importing ``zhconv`` imports
    ``pkg_resources`` (a tenth of a second, and deprecated) only to open that file."""
    spec = importlib.util.find_spec("zhconv")  # finds the package without running it
    folders = [] if spec is None else list(spec.submodule_search_locations or ())
    if not folders:
        raise ImportError("zhconv is needed to fold traditional characters: pip install zhconv")
    with open(Path(folders[0]) / "zhcdict.json", "rb") as fh:
        return fh.read()


@lru_cache(maxsize=1)
def zhconv_digest() -> str:
    """SHA-256 of the installed zhconv's dictionary, which the shipped traditional folding
    was made from (``scripts/build_fold_tables.py``); "" when zhconv is not installed."""
    try:
        return hashlib.sha256(_zhconv_dictionary()).hexdigest()
    except ImportError:
        return ""


@lru_cache(maxsize=1)
def _traditional_table() -> npt.NDArray[np.uint32]:
    """Identity table with traditional characters mapped to simplified ones (zhconv's)."""
    pairs: dict[str, str] = json.loads(_zhconv_dictionary().decode("utf-8"))["zh2Hans"]
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    for src, dst in pairs.items():
        if len(src) == 1 and len(dst) == 1 and ord(src) < _TABLE_SIZE and ord(dst) < _TABLE_SIZE:
            table[ord(src)] = ord(dst)
    return table


@lru_cache(maxsize=1)
def _wild_table() -> npt.NDArray[np.bool_]:
    """True for the code points a placeholder run or a number is made of.

    The blank marks of :data:`corpus_tools.text.PLACEHOLDER_MARKS`, ``某``, and every
    character :data:`corpus_tools.text.patterns.DIGIT_RUN` matches. The separators of
    ``X-X``, ``1.5`` and ``X至X`` between two of them are punctuation (dropped) or
    handled by collapsing, so a per-character test gives the same runs as the regexes,
    in a single vectorised pass.
    """
    table = np.zeros(_TABLE_SIZE, dtype=bool)
    for ch in PLACEHOLDER_MARKS + "某":
        table[ord(ch)] = True
    # every character of the basic plane at once, its digits found by ``filter`` (4 ms,
    # against 25 for a loop of chr and isdigit over the code points)
    plane = np.arange(0x10000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    for ch in filter(str.isdigit, plane):
        if DIGIT_RUN.fullmatch(ch):
            table[ord(ch)] = True
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


def _mapped(
    cps: npt.NDArray[np.uint32], wildcards: bool, traditional: bool
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """Each code point's folded code and whether it is kept (placeholders and numbers as
    wildcards), before wildcard runs are collapsed."""
    table, keep = _tables(traditional)
    if len(cps) and int(cps.max()) < _TABLE_SIZE:
        codes = table[cps]
        kept = keep[codes]
    else:
        inside = cps < _TABLE_SIZE
        codes = np.where(inside, table[np.where(inside, cps, 0)], cps)
        kept = np.where(inside, keep[np.where(inside, codes, 0)], True)
    kept &= codes != 0
    if wildcards and len(cps):
        wild = _wild_mask(cps)  # a separator of fold_many is never wild: no run crosses it
        codes[wild] = WILDCARD
        kept |= wild
    return codes, kept


def _joined(
    texts: list[str], wildcards: bool, traditional: bool
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """:func:`_mapped` of the texts one after the other, each followed by a separator kept
    as code 0 (so a run of wildcards never crosses it), and where each text starts."""
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(sizes + 1, out=offsets[1:])
    joined = _SEPARATOR.join(texts) + _SEPARATOR
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes, kept = _mapped(cps, wildcards, traditional)
    sep = offsets[1:] - 1
    kept[sep] = True
    codes[sep] = 0
    return codes, kept, offsets


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
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(cps)
    codes, kept = _mapped(cps, wildcards, traditional)
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


#: Characters folded in one pass of :func:`fold_many` (larger passes leave the cache).
_FOLD_BATCH_CHARS = 1 << 17
#: Put between the texts :func:`fold_many` folds in one pass: dropped, never a wildcard.
_SEPARATOR = "\n"


def fold_many(
    texts: list[str], *, wildcards: bool = True, traditional: bool = True
) -> list[Folded]:
    """:func:`fold_for_matching` of many texts in one vectorised pass (the same results).

    Folding one short text costs some twenty numpy calls whatever its length; here they
    are paid once for the whole list, so a corpus of news items folds several times faster.
    The texts are folded some hundred thousand characters at a time (the temporary arrays
    then stay in the processor's cache).

    Examples
    --------
    >>> texts = ["20XX年X-X月，完成X个项目", "2019年1—6月,完成 12 个项目。", ""]
    >>> [f.text for f in fold_many(texts)] == [fold_for_matching(t).text for t in texts]
    True
    """
    func = "fold_many"
    _check_fold_args(texts, wildcards, traditional, func)
    out: list[Folded] = []
    for start, stop in _fold_batches(texts):
        out.extend(_fold_batch(texts[start:stop], wildcards, traditional))
    return out


def fold_codes_many(
    texts: list[str], *, wildcards: bool = True, traditional: bool = True
) -> list[npt.NDArray[np.uint32]]:
    """The ``codes`` of :func:`fold_many` alone (no offsets to compute): what sketching needs.

    Examples
    --------
    >>> texts = ["20XX年X-X月，完成X个项目", "", "全面从严治党"]
    >>> [c.tolist() for c in fold_codes_many(texts)] == [f.codes.tolist() for f in fold_many(texts)]
    True
    """
    func = "fold_codes_many"
    _check_fold_args(texts, wildcards, traditional, func)
    out: list[npt.NDArray[np.uint32]] = []
    for start, stop in _fold_batches(texts):
        out.extend(_fold_codes_batch(texts[start:stop], wildcards, traditional))
    return out


def _check_fold_args(texts: list[str], wildcards: bool, traditional: bool, func: str) -> None:
    check_type(texts, "texts", func, list, "a list of str")
    for text in texts:
        check_type(text, "texts", func, str, "a list of str")
    check_type(wildcards, "wildcards", func, bool, "a bool")
    check_type(traditional, "traditional", func, bool, "a bool")


def _fold_batches(texts: list[str]) -> Iterator[tuple[int, int]]:
    """Consecutive ranges of ``texts`` of about :data:`_FOLD_BATCH_CHARS` characters."""
    start = 0
    while start < len(texts):
        stop, chars = start + 1, len(texts[start])
        while stop < len(texts) and chars + len(texts[stop]) <= _FOLD_BATCH_CHARS:
            chars += len(texts[stop])
            stop += 1
        yield start, stop
        start = stop


def _fold_codes_batch(
    texts: list[str], wildcards: bool, traditional: bool
) -> list[npt.NDArray[np.uint32]]:
    """:func:`fold_codes_many` of texts that together fit in the processor's cache."""
    codes, kept, _ = _joined(texts, wildcards, traditional)
    codes = codes[kept]
    if wildcards and len(codes) > 1:
        is_w = codes == WILDCARD
        tail = np.zeros(len(codes), dtype=bool)
        tail[1:] = is_w[1:] & is_w[:-1]
        codes = codes[~tail]
    bounds = np.flatnonzero(codes == 0).tolist()
    codes = codes.astype(np.uint32, copy=False)
    return [codes[a + 1 : b] for a, b in zip([-1, *bounds[:-1]], bounds, strict=True)]


def _fold_batch(texts: list[str], wildcards: bool, traditional: bool) -> list[Folded]:
    """:func:`fold_many` of texts that together fit in the processor's cache."""
    codes, kept, offsets = _joined(texts, wildcards, traditional)
    idx = np.flatnonzero(kept)
    codes = codes[idx]
    is_sep = codes == 0
    owner = np.cumsum(is_sep) - is_sep  # the text each kept character belongs to
    starts = idx - offsets[owner]
    if wildcards and len(codes) > 1:
        is_w = codes == WILDCARD
        tail = np.zeros(len(codes), dtype=bool)
        tail[1:] = is_w[1:] & is_w[:-1]
        head_idx = np.flatnonzero(~tail)
        last = np.empty(len(head_idx), dtype=np.int64)
        last[:-1] = head_idx[1:] - 1
        last[-1] = len(codes) - 1
        ends = starts[last] + 1
        codes, starts, owner = codes[head_idx], starts[head_idx], owner[head_idx]
    else:
        ends = starts + 1
    real = codes != 0
    codes, starts, ends, owner = codes[real], starts[real], ends[real], owner[real]
    codes = codes.astype(np.uint32)
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1)).tolist()
    return [
        Folded(codes[a:b], starts[a:b], ends[a:b], n)
        for a, b, n in zip(bounds[:-1], bounds[1:], (np.diff(offsets) - 1).tolist(), strict=True)
    ]
