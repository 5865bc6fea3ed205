"""Normalisation for matching, with a map back to the original text.

Reports that copy each other rarely copy byte for byte: full-width and half-width forms,
Chinese and ASCII punctuation, curly and straight quotes, stray spaces and line breaks all
vary. :func:`normalize` folds those differences away and keeps, for every character of the
folded text, the span of the original text it came from, so that every match found on folded
text is reported with offsets into the text as loaded.

Folding is character-wise (one original character gives at most one folded character) and
runs of whitespace are removed or collapsed, so the map is monotone and exact.

Examples
--------
>>> from corpus_tools.text import normalize
>>> n = normalize("“三会一课”　制度，ＡＢＣ")
>>> n.text
'"三会一课"制度,abc'
>>> n.to_original(1, 5)
(1, 5)
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.errors import check_choice, check_type, param_error
from corpus_tools.text.tables import shipped_tables

__all__ = ["NormalizeConfig", "Normalized", "compute_fold_table", "fold", "normalize"]


class NormalizeConfig(NamedTuple):
    """Options of :func:`normalize`; pass ``config=`` or any field as a keyword override.

    Attributes
    ----------
    width : bool, default True
        Fold compatibility forms (NFKC, one character to one): full-width ASCII and digits,
        half-width katakana punctuation, circled forms that stay one character.
    punctuation : bool, default True
        Fold punctuation variants to one representative: all quotes to ``"``, all dashes
        to ``-``, book-title marks to ``<`` and ``>``, brackets 【】〔〕 to ``[`` ``]``,
        ``～`` to ``~``.
    lowercase : bool, default True
        Lower-case Latin letters (``XX`` and ``xx`` then match).
    spaces : {"remove", "collapse", "keep"}, default "remove"
        Whitespace, line breaks included: removed (best for Chinese, where a space is noise),
        collapsed to one ``" "`` per run, or kept as they are.
    invisible : bool, default True
        Drop zero-width and format characters (ZWSP, BOM, soft hyphen, bidi marks).
    """

    width: bool = True
    punctuation: bool = True
    lowercase: bool = True
    spaces: str = "remove"
    invisible: bool = True


_SPACE_MODES = ("remove", "collapse", "keep")

_PUNCT_GROUPS = {
    '"': "“”„‟″‶「」『』〝〞〟＂‘’‚‛′‵'`＇﹁﹂﹃﹄",
    "-": "‐‑‒–—―−－﹘﹣⸺⸻─━",
    "<": "《〈«‹ﹽﹿ︽︿",
    ">": "》〉»›ﹾ﹀︾",
    "[": "【〔〖〘〚［﹝",
    "]": "】〕〗〙〛］﹞",
    "~": "～〜〰",
    "·": "・•‧∙⋅･",
    "…": "⋯",
}


def _is_invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or ch == "\u00ad"


#: The code points a folding table covers: the BMP (surrogates excepted) and the
#: supplementary blocks with compatibility forms (mathematical letters, enclosed
#: alphanumerics, CJK compatibility ideographs). Every other character folds to itself.
_TABLE_RANGES = (
    range(0x0000, 0xD800),
    range(0xE000, 0x10000),
    range(0x1D400, 0x1D800),
    range(0x1F100, 0x1F200),
    range(0x2F800, 0x2FA20),
)
#: Folding a character again and again reaches a fixed point within this many rounds.
_FIXED_POINT_ROUNDS = 4


def _punctuation_map(punctuation: bool) -> dict[str, str]:
    """Each punctuation variant -> its representative (empty when not folding punctuation)."""
    if not punctuation:
        return {}
    return {v: rep for rep, variants in _PUNCT_GROUPS.items() for v in variants}


class _CharFold(NamedTuple):
    """One folding step for one character, as a configuration asks."""

    width: bool
    lowercase: bool
    invisible: bool
    punct: dict[str, str]

    def __call__(self, ch: str) -> str | None:
        """``ch`` folded once (None: deleted): width, then case, then punctuation."""
        if self.invisible and _is_invisible(ch):
            return None
        out = ch
        if self.width:
            out = _one_char(unicodedata.normalize("NFKC", out), out)
        if self.lowercase:
            out = _one_char(out.lower(), out)
        out = self.punct.get(out, out)
        if self.invisible and _is_invisible(out):
            return None
        return out

    def fixed_point(self, ch: str) -> str | None:
        """Fold ``ch`` until folding changes nothing, so that folding twice is folding once."""
        out = self(ch)
        for _ in range(_FIXED_POINT_ROUNDS):
            if out is None:
                break
            nxt = self(out)
            if nxt == out:
                break
            out = nxt
        return out


def _one_char(folded: str, ch: str) -> str:
    """``folded`` when it is one character (folding is one to one), else ``ch``."""
    return folded if len(folded) == 1 else ch


@lru_cache(maxsize=16)
def _table(width: bool, punctuation: bool, lowercase: bool, invisible: bool) -> dict[int, Any]:
    """The one-to-one translation table for a configuration, once per process: the default
    options' from the table shipped (:mod:`~corpus_tools.text.tables`), the others computed."""
    if width and punctuation and lowercase and invisible:
        shipped = shipped_tables()
        if shipped is not None:
            keys = shipped["fold_keys"].tolist()
            values = shipped["fold_values"].tolist()
            return {k: (chr(v) if v else None) for k, v in zip(keys, values, strict=True)}
    return compute_fold_table(width, punctuation, lowercase, invisible)


def compute_fold_table(
    width: bool, punctuation: bool, lowercase: bool, invisible: bool
) -> dict[int, str | None]:
    """The one-to-one translation table for a configuration, computed from Python's
    Unicode database: code point -> folded character (None: deleted), for the characters
    that fold to another. Every value is a fixed point of the table, which makes folding
    idempotent.

    Examples
    --------
    >>> table = compute_fold_table(True, True, True, True)
    >>> table[ord("Ａ")], table[ord("“")], table[0x200B]
    ('a', '"', None)
    """
    fold_char = _CharFold(width, lowercase, invisible, _punctuation_map(punctuation))
    table: dict[int, str | None] = {}
    for rng in _TABLE_RANGES:
        for cp in rng:
            ch = chr(cp)
            out = fold_char.fixed_point(ch)
            if out != ch:
                table[cp] = out
    return table


class Normalized(NamedTuple):
    """Folded text and, per folded character, the original span it came from.

    Attributes
    ----------
    text : str
        The folded text.
    starts, ends : numpy.ndarray of int64
        ``text[i]`` came from ``original[starts[i]:ends[i]]`` (a collapsed whitespace run
        spans several original characters; every other character exactly one).
    original_length : int
        Length of the original text.
    """

    text: str
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the folded span ``[start, end)`` to a span of the original text.

        An empty span maps to an empty span at the matching original position.
        """
        n = len(self.text)
        if not (isinstance(start, (int, np.integer)) and isinstance(end, (int, np.integer))):
            raise param_error("start/end", "Normalized.to_original", "ints", (start, end))
        if not 0 <= start <= end <= n:
            raise param_error(
                "start/end", "Normalized.to_original", f"0 <= start <= end <= {n}", (start, end)
            )
        if start == end:
            pos = int(self.starts[start]) if start < n else self.original_length
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])

    def to_original_many(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Vectorised :meth:`to_original` for arrays of non-empty folded spans."""
        s = np.asarray(starts, dtype=np.int64)
        e = np.asarray(ends, dtype=np.int64)
        if s.size and (s.min() < 0 or e.max() > len(self.text) or np.any(e <= s)):
            raise param_error(
                "starts/ends",
                "Normalized.to_original_many",
                f"non-empty spans within [0, {len(self.text)}]",
                "out-of-range spans",
            )
        return self.starts[s], self.ends[e - 1]


def _config(
    config: NormalizeConfig | None, overrides: dict[str, Any], func: str
) -> NormalizeConfig:
    if config is None:
        config = NormalizeConfig()
    elif not isinstance(config, NormalizeConfig):
        raise param_error("config", func, "a NormalizeConfig or None", type(config).__name__)
    unknown = set(overrides) - set(NormalizeConfig._fields)
    if unknown:
        raise param_error(
            sorted(unknown)[0],
            func,
            f"one of the options {list(NormalizeConfig._fields)}",
            overrides[sorted(unknown)[0]],
        )
    config = config._replace(**overrides)
    check_choice(config.spaces, "spaces", func, _SPACE_MODES)
    for name in ("width", "punctuation", "lowercase", "invisible"):
        check_type(getattr(config, name), name, func, bool, "a bool")
    return config


def _codepoints(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _from_codepoints(cps: npt.NDArray[np.uint32]) -> str:
    return cps.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


#: The BMP: the whitespace table covers it (no character above it is whitespace).
_BMP = 0x10000


@lru_cache(maxsize=1)
def _is_space() -> npt.NDArray[np.bool_]:
    """Whitespace lookup for the BMP, built on first use (not at import: ``--help`` and
    commands that never fold text do not pay for it)."""
    table = np.zeros(_BMP, dtype=bool)
    table[[cp for cp in range(_BMP) if chr(cp).isspace()]] = True
    return table


def _space_mask(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    return (cps < _BMP) & _is_space()[np.minimum(cps, _BMP - 1)]


def normalize(text: str, *, config: NormalizeConfig | None = None, **overrides: Any) -> Normalized:
    """Fold ``text`` for matching and keep a map back to it.

    Parameters
    ----------
    text : str
        The document's text as loaded.
    config : NormalizeConfig, optional
        Options; any field can also be given as a keyword (``spaces="collapse"``).

    Returns
    -------
    Normalized
        ``text`` (folded) with ``starts``/``ends`` arrays mapping each folded character to
        the original, and ``to_original(start, end)`` for spans.

    Examples
    --------
    >>> n = normalize("第 X 批　（一）")
    >>> n.text, n.to_original(0, 2)
    ('第x批(一)', (0, 3))
    """
    func = "normalize"
    check_type(text, "text", func, str, "a str")
    cfg = _config(config, overrides, func)
    n = len(text)
    # One-to-one translation (deletions become a sentinel so positions stay aligned).
    sentinel = "\x00" if "\x00" not in text else None
    if sentinel is None:
        # a NUL in the input: fall back to a private-use sentinel absent from the text
        sentinel = next(chr(cp) for cp in range(0xF0000, 0xF1000) if chr(cp) not in text)
    key = (cfg.width, cfg.punctuation, cfg.lowercase, cfg.invisible)
    translated = text.translate(_deleting_table(key, sentinel))
    cps = _codepoints(translated)
    positions = np.arange(n, dtype=np.int64)
    keep = cps != ord(sentinel)
    is_space = _space_mask(cps)
    if cfg.spaces == "remove":
        keep &= ~is_space
        starts = positions[keep]
        ends = starts + 1
        out = cps[keep]
    elif cfg.spaces == "keep":
        starts = positions[keep]
        ends = starts + 1
        out = cps[keep]
    else:  # collapse: the first space of a run stands for the run
        cand = keep.copy()
        space_kept = is_space & keep
        # index of the previous kept character, to see whether it was a space too
        kept_idx = np.flatnonzero(keep)
        prev_space = np.zeros(len(kept_idx), dtype=bool)
        if len(kept_idx) > 1:
            prev_space[1:] = space_kept[kept_idx[:-1]]
        run_tail = space_kept[kept_idx] & prev_space
        cand[kept_idx[run_tail]] = False
        starts = positions[cand]
        out = cps[cand].copy()
        out[_space_mask(out)] = ord(" ")
        # a run's space stands for everything up to the next folded character
        ends = np.append(starts[1:], n) if len(starts) else starts.copy()
        not_space = out != ord(" ")
        ends[not_space] = starts[not_space] + 1
    return Normalized(_from_codepoints(out), starts, ends, n)


@lru_cache(maxsize=16)
def _deleting_table(key: tuple[bool, bool, bool, bool], sentinel: str) -> dict[int, Any]:
    """The translation table with deletions written as ``sentinel`` (keeps positions)."""
    return {k: (sentinel if v is None else v) for k, v in _table(*key).items()}


def fold(text: str, *, config: NormalizeConfig | None = None, **overrides: Any) -> str:
    """The folded text of :func:`normalize`, without the offset map.

    Examples
    --------
    >>> fold("ＸＸ社区　“三社联动”")
    'xx社区"三社联动"'
    """
    return normalize(text, config=config, **overrides).text


@lru_cache(maxsize=1)
def _lut() -> npt.NDArray[np.uint32]:
    """Code point -> folded code point (0: deleted) for the BMP, as normalize() folds.

    Built once, on first use, by folding one string of every BMP character.
    """
    cps = np.concatenate([np.arange(1, 0xD800), np.arange(0xE000, 0x10000)]).astype(np.uint32)
    sample = cps.tobytes().decode("utf-32-le")
    norm = normalize(sample, spaces="keep")
    lut = np.arange(0x10000, dtype=np.uint32)
    lut[cps] = 0  # deleted unless normalize kept it
    lut[cps[norm.starts]] = np.frombuffer(norm.text.encode("utf-32-le"), dtype=np.uint32)
    return lut


def fold_keep_spaces(text: str) -> tuple[str, Normalized | None]:
    """``normalize(text, spaces="keep")`` by table look-up.

    Returns the folded text and ``None`` when folding kept every position (the usual case:
    offsets are the same in both texts), else the :class:`Normalized` with its offset map.
    """
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if cps.size and int(cps.max()) < 0x10000:
        out = _lut()[cps]
        if not (out == 0).any():
            return out.tobytes().decode("utf-32-le", "surrogatepass"), None
    elif not cps.size:
        return "", None
    norm = normalize(text, spaces="keep")
    return norm.text, norm
