"""Place names of China's administrative divisions in a text: found, resolved, and compared.

The gazetteer ships with the package (``corpus_tools/data/places.tsv.gz``, see
``corpus_tools/data/README.md``; read from ``place_tables.npz``, the same precomputed by
``scripts/build_place_tables.py``): the 34 provincial-level units, 333 prefecture-level units,
2,851 county-level units and 38,495 townships (镇, 乡, 街道, 苏木) of the national division
codes, each with its code and, above township level, its short forms (贵州 for 贵州省, 遵义 for
遵义市, 湄潭 for 湄潭县, 黔南州 for 黔南布依族苗族自治州).

* :func:`find_places` finds every mention in one text, with offsets into the text as loaded,
  and resolves short names that several divisions share (朝阳, 鼓楼, 新华街道) from the other
  mentions of the same text, or marks them ambiguous;
* :func:`infer_place` says which place a report is about (its own province, city or county);
* :func:`belongs_to` says whether a name or code lies within a place;
* :func:`lookup_place` turns ``"贵州省"``, ``"520328"`` or ``"遵义市湄潭县"`` into a :class:`Place`;
* :func:`gazetteer` is the whole table.

Precision comes before recall. Full names (湄潭县, 新华区, 城关镇) are always taken. A short
form is taken alone unless it is also an ordinary word (新华, 和平, 长安, 永安, 资源, 光明,
城区): such a *guarded* form counts only in a list of places (``和平、河西、南开等区``) or right
after the place it belongs to (``西安市长安``). Township names are taken in full only.

Examples
--------
>>> spans = find_places("贵州省遵义市湄潭县推进茶产业，与凤冈、余庆联动。")
>>> spans[["text", "name", "level"]].values.tolist()
[['贵州省', '贵州省', 'province'], ['遵义市', '遵义市', 'city'], ['湄潭县', '湄潭县', 'county'], \
['凤冈', '凤冈县', 'county'], ['余庆', '余庆县', 'county']]
>>> find_places("坚持和平发展，新华社报道。").empty
True
>>> belongs_to("湄潭", "贵州省"), belongs_to("湄潭县", "遵义市"), belongs_to("520328", "四川省")
(True, True, False)
"""

from __future__ import annotations

import bisect
import gzip
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from corpus_tools.errors import InvalidParameterError, check_columns, check_type, param_error
from corpus_tools.text.tables import read_shipped_arrays, shipped_file

if TYPE_CHECKING:  # (imported where a table is made: finding places needs none)
    import pandas as pd

__all__ = [
    "PLACE_COLUMNS",
    "PLACE_LEVELS",
    "Place",
    "PlaceCandidates",
    "PlaceMention",
    "belongs_to",
    "contains",
    "find_places",
    "gazetteer",
    "infer_place",
    "lookup_place",
    "place_candidates",
    "place_mentions",
    "place_of",
    "place_of_mentions",
    "within",
]

#: The levels of a division, from the top.
PLACE_LEVELS = ("province", "city", "county", "township")
#: Columns of :func:`find_places`.
PLACE_COLUMNS = (
    "start",
    "end",
    "text",
    "name",
    "level",
    "code",
    "province",
    "city",
    "county",
    "form",
    "ambiguous",
    "candidates",
)
_LEVEL_OF = {"P": "province", "C": "city", "D": "county", "T": "township"}
_RANK = {level: i for i, level in enumerate(PLACE_LEVELS)}
_DATA_FILE = "places.tsv.gz"
_WORDS_FILE = "place_words.txt.gz"
_MAX_WORD = 4  # the longest word of place_words.txt.gz
_COUNTY_CODE = 6  # digits of a code above township level
_SHORT_WORD = 3  # words shorter than this cross a full name only with a word after them
_SHORT_FULL = 2  # full names this short (和县) are checked for words across them, as short forms

# Kinds of a form: a full name, a short form taken alone, a short form that is also a word.
_FULL, _SHORT, _GUARDED = 0, 1, 2
_MIN_FORM = 2  # characters of the shortest form (a scan looks for their first two)

#: What makes a place name the name of a street (every town has its 北京路 and 上海大道).
_ROADS = ("路", "大道", "街", "大街", "东路", "西路", "南路", "北路", "中路", "巷", "胡同")
#: Separators of an enumeration of places (湄潭、凤冈、余庆).
_LIST_SEPARATORS = "、"
#: What may stand either side of an item of such a list (和平、河西、南开等区).
_ITEM_EDGES = "、，,。；;：:（）()“”\"'《》 \n\t和及与等"
#: What may follow a full name ending in 市/区/乡/镇 when the name is really a longer word:
#: 东方市场, 新区块链, 和美乡村.
_NOT_AFTER = {"市": "场", "区": "块域间别分", "乡": "村镇亲贤愁土情音", "镇": "压"}

# Weights of a mention in :func:`infer_place`: in the title or the first lines, early, later.
_HEAD_CHARS = 300  # the title and the line under it
_EARLY_CHARS = 2000
_HEAD_WEIGHT, _EARLY_WEIGHT = 5.0, 2.0
#: Share of all weight the leading province must hold for a text to have a place at all.
_MIN_PROVINCE_SHARE = 0.35
#: Share of its parent's weight a city or county must hold to be the report's own place.
_MIN_CHILD_SHARE = 0.3

# Words by which a report refers to its own level (全省, 我市, 本县).
_SELF_WORDS = {
    "province": ("全省", "我省", "本省"),
    "city": ("全市", "我市", "本市", "全州", "我州", "全盟", "我盟"),
    "county": ("全县", "我县", "本县", "全旗", "我旗"),
}
_REGION_WORDS = ("全区", "我区", "本区")  # an autonomous region or a district
_NATIONAL_WORDS = ("全国", "我国")


class Place(NamedTuple):
    """One administrative division.

    Attributes
    ----------
    code : str
        Its division code: 6 digits (``"520328"``), 9 for a township.
    name : str
        Its full name (``"湄潭县"``).
    level : str
        ``"province"``, ``"city"``, ``"county"`` or ``"township"``.
    province, city, county : str or None
        The full names of the divisions it lies in (itself included at its own level);
        ``city`` is None for the districts of 北京/天津/上海/重庆 and for county-level cities
        under a province (济源市, 仙桃市, 石河子市).
    """

    code: str
    name: str
    level: str
    province: str
    city: str | None
    county: str | None

    @property
    def path(self) -> str:
        """The names from the province down (``"贵州省遵义市湄潭县"``)."""
        names = [self.province, self.city, self.county]
        if self.level == "township":
            names.append(self.name)
        return "".join(dict.fromkeys(n for n in names if n))


class _Tier(NamedTuple):
    """The forms of one part of the gazetteer, indexed for scanning a text: the pairs of
    characters that begin a form, as sorted keys (:func:`_pair_keys`), each with its
    group of forms, longest first (``order[bounds[g]:bounds[g + 1]]``, form indexes)."""

    forms: _Forms  # form -> (code, kind) of each division; also by index
    #: whether a pair may begin some form, by :func:`_head_hashes` of its key (a few pairs
    #: that begin none share a hash with one that does: they are then looked up)
    heads: npt.NDArray[np.bool_]
    keys: npt.NDArray[np.uint64]  # the first two characters of some form, sorted
    groups: npt.NDArray[np.int64]  # the group of each key
    bounds: list[int]
    order: list[int]


#: Bits of a code point: two characters are one key (:func:`_pair_keys`).
_CODE_POINT_BITS = np.uint64(21)
#: Bits of the hash of two characters that says where a form may begin (2**20 flags: with
#: the 30,000 pairs that begin a township name, about 3% of other pairs are looked at too).
_HEAD_BITS = 20
#: Fibonacci hashing: the top bits of a key times 2**64 / golden ratio are well spread.
_HEAD_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

#: The precomputed gazetteer, in ``corpus_tools/data`` (``scripts/build_place_tables.py``).
PLACE_TABLES = "place_tables.npz"
_TIERS = ("divisions", "townships")


def _pair_keys(text: str) -> npt.NDArray[np.uint64]:
    """Each pair of adjacent characters of ``text`` as one number (both code points)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return (points[:-1] << _CODE_POINT_BITS) | points[1:]


def _head_hashes(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A hash of each key of :func:`_pair_keys`, in ``[0, 2**_HEAD_BITS)``."""
    return (keys * _HEAD_MULTIPLIER) >> np.uint64(64 - _HEAD_BITS)


def _forms_of(rows: Iterable[list[str]], kinds: dict[str, list[tuple[str, int]]]) -> None:
    """Add the forms of each gazetteer row (code, name, level, short, guarded) to ``kinds``."""
    for code, name, _, short, guarded in rows:
        guards = guarded.split("|") if guarded else []
        kinds.setdefault(name, []).append((code, _GUARDED if name in guards else _FULL))
        for form in short.split("|") if short else ():
            kinds.setdefault(form, []).append((code, _SHORT))
        for form in guards:
            if form != name:
                kinds.setdefault(form, []).append((code, _GUARDED))


def _joined(strings: Iterable[str]) -> npt.NDArray[np.uint8]:
    """Strings (none holding a newline) as the UTF-8 bytes of their lines."""
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def _lines(data: npt.NDArray[np.uint8]) -> list[str]:
    """The strings :func:`_joined` made."""
    return data.tobytes().decode("utf-8").split("\n") if len(data) else []


def _tier_tables(
    name: str, kinds: dict[str, list[tuple[str, int]]], position: dict[str, int]
) -> dict[str, npt.NDArray[Any]]:
    """The arrays of one tier: its forms (in the order first met), the (code, kind) of each,
    and the forms grouped by their first two characters, each group longest first."""
    starting: dict[str, list[int]] = defaultdict(list)
    for k, form in enumerate(kinds):
        starting[form[:_MIN_FORM]].append(k)
    forms = list(kinds)
    order = [k for ks in starting.values() for k in sorted(ks, key=lambda k: -len(forms[k]))]
    cands = [c for form in forms for c in kinds[form]]
    return {
        f"{name}_forms": _joined(forms),
        f"{name}_cand_ends": np.cumsum([len(kinds[f]) for f in forms], dtype=np.int32),
        f"{name}_cand_codes": np.array([position[c] for c, _ in cands], dtype=np.int32),
        f"{name}_cand_kinds": np.array([k for _, k in cands], dtype=np.int8),
        f"{name}_heads": _joined(starting),
        f"{name}_head_ends": np.cumsum([len(ks) for ks in starting.values()], dtype=np.int32),
        f"{name}_head_order": np.array(order, dtype=np.int32),
    }


def compute_place_tables(places: str, words: str) -> dict[str, npt.NDArray[Any]]:
    """The precomputed gazetteer (what ``corpus_tools/data/place_tables.npz`` holds) from
    the text of ``places.tsv.gz`` and of ``place_words.txt.gz``.

    Examples
    --------
    >>> header = "code\\tname\\tlevel\\tshort\\tguarded"
    >>> tables = compute_place_tables(f"{header}\\n520000\\t贵州省\\tP\\t贵州\\t\\n", "丽江 长治")
    >>> tables["divisions_forms"].tobytes().decode("utf-8").split("\\n"), len(tables["words"])
    (['贵州省', '贵州'], 13)
    """
    rows = [ln.split("\t") for ln in places.splitlines()[1:]]
    codes = [r[0] for r in rows]
    position = {code: k for k, code in enumerate(codes)}
    tables = {
        "codes": _joined(codes),
        "names": _joined(r[1] for r in rows),
        "levels": np.array([_RANK[_LEVEL_OF[r[2]]] for r in rows], dtype=np.int8),
        "words": _joined(words.split()),
    }
    for name, town in zip(_TIERS, (False, True), strict=True):
        kinds: dict[str, list[tuple[str, int]]] = {}
        _forms_of((r for r in rows if (len(r[0]) > _COUNTY_CODE) == town), kinds)
        tables.update(_tier_tables(name, kinds, position))
    return tables


def read_place_tables() -> dict[str, npt.NDArray[Any]] | None:
    """The arrays of the shipped ``place_tables.npz`` as they are (None when it is missing)."""
    return read_shipped_arrays(PLACE_TABLES)


def _computed_tables() -> dict[str, npt.NDArray[Any]]:
    """The tables computed from the gazetteer's text files (about 0.3 s)."""
    places = gzip.decompress(shipped_file(_DATA_FILE).read_bytes()).decode("utf-8")
    words = gzip.decompress(shipped_file(_WORDS_FILE).read_bytes()).decode("utf-8")
    return compute_place_tables(places, words)


class _Forms(Mapping[str, tuple[tuple[str, int], ...]]):
    """form -> the (code, kind) of each division it names, made when asked for; the forms
    by index too (a scan finds them by index: the table by name is made when first used)."""

    def __init__(self, tables: dict[str, npt.NDArray[Any]], name: str, codes: list[str]) -> None:
        self._forms = _lines(tables[f"{name}_forms"])
        self._index: dict[str, int] | None = None
        self._bounds = [0, *tables[f"{name}_cand_ends"].tolist()]
        self._codes = codes
        self._cand_codes = tables[f"{name}_cand_codes"].tolist()
        self._cand_kinds = tables[f"{name}_cand_kinds"].tolist()

    @property
    def _at(self) -> dict[str, int]:
        if self._index is None:
            self._index = dict(zip(self._forms, range(len(self._forms)), strict=True))
        return self._index

    def at(self, k: int) -> tuple[tuple[str, int], ...]:
        """The (code, kind) of each division the ``k``-th form names."""
        lo, hi = self._bounds[k], self._bounds[k + 1]
        codes = self._codes
        return tuple(
            (codes[c], kind)
            for c, kind in zip(self._cand_codes[lo:hi], self._cand_kinds[lo:hi], strict=True)
        )

    def __getitem__(self, form: str) -> tuple[tuple[str, int], ...]:
        return self.at(self._at[form])

    def get(self, form: str, default: Any = None) -> Any:  # (no exception on a miss)
        k = self._at.get(form)
        return default if k is None else self.at(k)

    def __contains__(self, form: object) -> bool:
        return form in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._forms)

    def __len__(self) -> int:
        return len(self._forms)

    def ordered(self) -> list[str]:
        """The forms, in the order of the gazetteer."""
        return self._forms


def _tier(tables: dict[str, npt.NDArray[Any]], name: str, codes: list[str]) -> _Tier:
    forms = _Forms(tables, name, codes)
    heads = tables[f"{name}_heads"]
    # (every head is two characters: the forms' first two, joined by newlines)
    pairs = heads[heads != ord("\n")].tobytes().decode("utf-8")
    points = np.frombuffer(pairs.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    keys = (points[0::_MIN_FORM] << _CODE_POINT_BITS) | points[1::_MIN_FORM]
    groups = np.argsort(keys, kind="stable")
    heads = np.zeros(1 << _HEAD_BITS, dtype=bool)
    heads[_head_hashes(keys)] = True
    bounds = [0, *tables[f"{name}_head_ends"].tolist()]
    order = tables[f"{name}_head_order"].tolist()
    return _Tier(forms, heads, keys[groups], groups, bounds, order)


class _ByCode(Mapping[str, str]):
    """code -> a value of each division (``values[k]`` of the ``k``-th of the sorted
    ``codes``), found by bisection: no table of 41,713 entries made at start-up."""

    def __init__(self, codes: list[str], values: Any) -> None:
        self._codes, self._values = codes, values

    def _position(self, code: str) -> int:
        k = bisect.bisect_left(self._codes, code)
        if k == len(self._codes) or self._codes[k] != code:
            raise KeyError(code)
        return k

    def __getitem__(self, code: str) -> str:
        return str(self._values[self._position(code)])

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        k = bisect.bisect_left(self._codes, code)
        return k < len(self._codes) and self._codes[k] == code

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


class _Levels:
    """The level of each ``k``-th division, named when read."""

    def __init__(self, ranks: npt.NDArray[np.int8]) -> None:
        self._ranks = ranks.tolist()

    def __getitem__(self, k: int) -> str:
        return PLACE_LEVELS[self._ranks[k]]


class _Names:
    """The full name of each ``k``-th division (the names split when first read)."""

    def __init__(self, data: npt.NDArray[np.uint8]) -> None:
        self._data: npt.NDArray[np.uint8] | None = data
        self._names: list[str] = []

    def __getitem__(self, k: int) -> str:
        if self._data is not None:
            self._names, self._data = _lines(self._data), None
        return self._names[k]


class _Lazy(dict[str, Any]):
    """A table whose entries are made when first asked for (``d[code]``)."""

    def __init__(self, make: Any, items: dict[str, Any]) -> None:
        super().__init__(items)
        self._make = make

    def __missing__(self, code: str) -> Any:
        value = self._make(code)
        self[code] = value
        return value


class _Gazetteer:
    """Every division and its forms, read from the precomputed tables (a few ms; computed
    from the text files when they do not ship)."""

    def __init__(self, tables: dict[str, npt.NDArray[Any]]) -> None:
        codes = _lines(tables["codes"])  # (in order: looked up by bisection)
        names: Any
        levels: Any
        if codes != sorted(codes):
            codes, names, levels = _sorted_by_code(codes, tables)
        else:
            names, levels = _Names(tables["names"]), _Levels(tables["levels"])
        self.names: Mapping[str, str] = _ByCode(codes, names)
        self.levels: Mapping[str, str] = _ByCode(codes, levels)
        self.parents: dict[str, tuple[str, ...]] = _Lazy(self._chain, {})
        self.places: dict[str, Place] = _Lazy(self._place, {})
        self.divisions, self.townships = (_tier(tables, name, codes) for name in _TIERS)
        self.words = frozenset(_lines(tables["words"]))

    def tiers(self, townships: bool) -> tuple[_Tier, ...]:
        return (self.divisions, self.townships) if townships else (self.divisions,)

    def forms(self, form: str, *, townships: bool = True) -> tuple[tuple[str, int], ...]:
        """The (code, kind) of every division ``form`` names (no township if not asked)."""
        found: tuple[tuple[str, int], ...] = self.divisions.forms.get(form, ())
        if townships and not found:  # (no township shares a form with a division)
            found = self.townships.forms.get(form, ())
        return found

    def is_code(self, key: str) -> bool:
        return key in self.names

    def _chain(self, code: str) -> tuple[str, ...]:
        """Codes of the province, city, county a division lies in, then its own."""
        level = self.levels[code]  # (KeyError: no such division)
        chain = [code[:2] + "0000"]
        if level in ("county", "township") and code[:4] + "00" in self.names:
            chain.append(code[:4] + "00")
        if level == "township" and code[:6] in self.names:
            chain.append(code[:6])
        chain.append(code)
        return tuple(dict.fromkeys(chain))

    def _place(self, code: str) -> Place:
        chain = self.parents[code]
        above = {self.levels[c]: self.names[c] for c in chain}
        return Place(
            code,
            self.names[code],
            self.levels[code],
            above["province"],
            above.get("city"),
            above.get("county"),
        )


def _sorted_by_code(
    codes: list[str], tables: dict[str, npt.NDArray[Any]]
) -> tuple[list[str], list[str], list[str]]:
    """The codes, names and levels in code order (tables not made in code order)."""
    rows = sorted(zip(codes, _lines(tables["names"]), tables["levels"].tolist(), strict=True))
    return [r[0] for r in rows], [r[1] for r in rows], [PLACE_LEVELS[r[2]] for r in rows]


@lru_cache(maxsize=1)
def _load() -> _Gazetteer:
    """The gazetteer, read once per process."""
    tables = read_place_tables()
    return _Gazetteer(tables if tables is not None else _computed_tables())


def _scan(
    text: str, tiers: Sequence[_Tier]
) -> list[tuple[int, list[tuple[int, str, tuple[tuple[str, int], ...]]]]]:
    """At each position where a form starts: the forms that start there, longest first,
    each as ``(end, form, the (code, kind) of each division it names)``.

    Only the positions whose two characters may begin some form are looked up (found for
    the whole text at once), so the cost is in the few places where a name may start.
    """
    if len(text) < _MIN_FORM:
        return []
    pairs = _pair_keys(text)
    hashes = _head_hashes(pairs)
    hits: dict[int, list[tuple[int, str, tuple[tuple[str, int], ...]]]] = {}
    for tier in tiers:
        if not len(tier.keys):
            continue
        maybe = np.flatnonzero(tier.heads[hashes])
        at = np.searchsorted(tier.keys, pairs[maybe])
        np.minimum(at, len(tier.keys) - 1, out=at)
        same = tier.keys[at] == pairs[maybe]
        found_at, groups = maybe[same].tolist(), tier.groups[at[same]].tolist()
        forms, order, bounds = tier.forms.ordered(), tier.order, tier.bounds
        for i, group in zip(found_at, groups, strict=True):
            found = [
                (i + len(forms[k]), forms[k], tier.forms.at(k))
                for k in order[bounds[group] : bounds[group + 1]]
                if text.startswith(forms[k], i)
            ]
            if found:
                hits.setdefault(i, []).extend(found)
    out = []
    for i in sorted(hits):
        found = hits[i]
        if len(found) > 1:
            found.sort(key=lambda ef: -ef[0])
        out.append((i, found))
    return out


def _crossed(text: str, start: int, end: int, words: frozenset[str], *, right: bool = True) -> bool:
    """Whether an ordinary word overlaps the span without being inside it.

    美丽江苏 (美丽 over 丽江), 长治久安 (over 长治), 惠民生 (民生 over 惠民), 太行山东北部
    (东北 over 山东): a short name read across a word boundary is no place. A word that
    overlaps from outside is let pass when its own outer character belongs to a word further
    out (支持平凉: 持平 yields to 支持; 昆明理工: 明理 yields to 理工). With ``right=False``
    only words that begin before the span count (a full name: 湄潭县域 is 湄潭县 + 县域, 上海市委
    is 上海市 + 市委), and a two-character one only when the rest of the name is a word too
    (顺应城市 is no 应城市, but 在内蒙古 is 在 + 内蒙古; 中南部县城 is no 南部县). A word right
    after a number is the number's unit (2026年内蒙古).
    """
    n = len(text)
    for p in range(max(0, start - _MAX_WORD + 1), end):
        for q in range(max(p + 2, start + 1), min(n, p + _MAX_WORD) + 1):
            if (p >= start and q <= end) or (not right and p >= start):
                continue
            if text[p:q] not in words:
                continue
            if not right and q - p < _SHORT_WORD and text[q:end] not in words:
                continue  # 在内蒙古自治区 is 在 + 内蒙古自治区; 顺应城市 is 顺应 + 城市
            if (
                p < start
                and q < end
                and (_word_at(text, p + 1, words, ending=True) or _after_number(text, p))
            ):
                continue
            if start < p and q > end and _word_at(text, q - 1, words, ending=False):
                continue
            return True
    return False


def _after_number(text: str, p: int) -> bool:
    return p > 0 and text[p - 1].isdigit()


def _word_at(text: str, edge: int, words: frozenset[str], *, ending: bool) -> bool:
    """Whether a word ends at ``edge`` (``ending``), or starts at ``edge``, in ``text``."""
    for size in range(2, _MAX_WORD + 1):
        lo, hi = (edge - size, edge) if ending else (edge, edge + size)
        if lo >= 0 and hi <= len(text) and text[lo:hi] in words:
            return True
    return False


def _full_ok(text: str, end: int, form: str) -> bool:
    """False when a full name is the start of a longer word (东方市场, 和美乡村)."""
    after = text[end] if end < len(text) else ""
    return not (after and after in _NOT_AFTER.get(form[-1], ""))


class _Mention(NamedTuple):
    start: int
    end: int
    form: str
    codes: tuple[str, ...]
    kind: int  # _FULL or _SHORT, as taken


# What a form needs before it is taken.
_TAKE, _NEEDS_COUNTY, _NEEDS_TOWNSHIP, _NEEDS_LIST = range(4)


def _classify(
    text: str,
    start: int,
    end: int,
    form: str,
    g: _Gazetteer,
    *,
    cands: tuple[tuple[str, int], ...],
) -> tuple[int, tuple[str, ...], int] | None:
    """What a form at ``text[start:end]`` (naming ``cands``, :meth:`_Gazetteer.forms`) needs
    to be taken, its codes and kind; None: never."""
    if text.startswith(_ROADS, end) and not text.startswith("街道", end):
        return None  # 武汉路, 郑州中路, 北京大街: a street of another town
    full = tuple(c for c, k in cands if k == _FULL and len(c) == _COUNTY_CODE)
    if full:
        if not _full_ok(text, end, form):
            return None
        # a one-character name (和县, 范县, 沙县) is as easily part of a word (示范县, 和县域);
        # a longer one only from the left (罗浮山县: 浮山县)
        if _crossed(text, start, end, g.words, right=end - start <= _SHORT_FULL):
            return None
        return _TAKE, full, _FULL
    if _crossed(text, start, end, g.words):
        return None
    towns = tuple(c for c, k in cands if k == _FULL)
    if towns:
        return (_NEEDS_TOWNSHIP, towns, _FULL) if _full_ok(text, end, form) else None
    short = tuple(c for c, k in cands if k == _SHORT)
    high = tuple(c for c in short if g.places[c].level in ("province", "city"))
    if high:  # 兴安: 兴安盟, and 兴安县 and 兴安区, which the text around may prefer
        return _TAKE, short, _SHORT
    if short:
        return _NEEDS_COUNTY, short, _SHORT
    guarded = tuple(c for c, _ in cands)
    return _NEEDS_LIST, guarded, (_FULL if form == g.places[guarded[0]].name else _SHORT)


class PlaceCandidates(NamedTuple):
    """What finding places in ``text`` finds before its context decides (the forms taken on
    their own, and those that wait for a parent, a list or a supporting place): the same
    whatever ``support`` :func:`place_mentions` is given, so made once per text
    (:func:`place_candidates`) and passed to each call."""

    text: str
    townships: bool
    taken: list[Any]
    waiting: dict[int, list[Any]]


def place_candidates(text: str, *, townships: bool = True) -> PlaceCandidates:
    """The :class:`PlaceCandidates` of ``text`` (township names looked for only when
    ``townships``), its argument taken as checked.

    Examples
    --------
    >>> text = "贵州省湄潭县"
    >>> found = place_candidates(text)
    >>> place_mentions(text, candidates=found) == place_mentions(text)
    True
    """
    taken, waiting = _candidates(text, _load(), townships=townships)
    return PlaceCandidates(text, townships, taken, waiting)


def _select(
    text: str,
    g: _Gazetteer,
    support: Iterable[str] = (),
    *,
    townships: bool = True,
    candidates: PlaceCandidates | None = None,
) -> list[_Mention]:
    """The mentions taken, in order, without overlaps (see the module docstring); township
    names are looked for only when ``townships``; ``candidates``: the text's
    :func:`place_candidates`, when already made (else, or when made of another text or
    tier, made here)."""
    if (
        candidates is not None
        and candidates.townships == townships
        and (candidates.text is text or candidates.text == text)
    ):
        taken, waiting = candidates.taken, candidates.waiting
    else:
        taken, waiting = _candidates(text, g, townships=townships)
    taken = _in_context(taken, waiting, g, support)
    if waiting[_NEEDS_LIST]:
        taken = _listed(text, taken, waiting[_NEEDS_LIST], g)
    return taken


def _candidates(
    text: str, g: _Gazetteer, *, townships: bool
) -> tuple[list[_Mention], dict[int, list[_Mention]]]:
    """Mentions taken on their own, and the others by what they still need."""
    taken: list[_Mention] = []
    waiting: dict[int, list[_Mention]] = {_NEEDS_COUNTY: [], _NEEDS_TOWNSHIP: [], _NEEDS_LIST: []}
    reach = 0  # end of the last mention taken outright
    for start, options in _scan(text, g.tiers(townships)):
        if start < reach:
            continue
        for end, form, cands in options:
            verdict = _classify(text, start, end, form, g, cands=cands)
            if verdict is None:
                continue
            need, codes, kind = verdict
            mention = _Mention(start, end, form, codes, kind)
            if need == _TAKE:
                taken.append(mention)
                reach = end
            else:
                waiting[need].append(mention)
            break
    return taken, waiting


def _in_context(
    taken: list[_Mention], waiting: dict[int, list[_Mention]], g: _Gazetteer, support: Iterable[str]
) -> list[_Mention]:
    """Add the counties' short names and the townships whose surroundings are mentioned.

    A county's short name needs its city mentioned, or its province to be the one the text
    is mostly about; a township needs its county or city. Places in ``support`` count as
    mentioned, their provinces as leading.
    """
    out = list(taken)
    seen: set[str] = set()
    leading = set(_leading_provinces(taken, g))
    for c in support:
        seen.update(g.parents[c])
        leading.add(g.parents[c][0])
    for m in taken:
        for c in m.codes:
            seen.update(g.parents[c][1:])
    for m in waiting[_NEEDS_COUNTY]:
        keep = tuple(
            c
            for c in m.codes
            if g.parents[c][0] in leading or any(p in seen for p in g.parents[c][1:-1])
        )
        if keep:
            out.append(m._replace(codes=keep))
            for c in keep:
                seen.update(g.parents[c][1:])
    for m in waiting[_NEEDS_TOWNSHIP]:
        keep = tuple(c for c in m.codes if any(p in seen for p in g.parents[c][1:-1]))
        if keep:
            out.append(m._replace(codes=keep))
    return _without_overlaps(out)


def _leading_provinces(mentions: list[_Mention], g: _Gazetteer) -> list[str]:
    """The province(s) most mentioned (counting the mentions of their cities and counties)."""
    counts = Counter(g.parents[m.codes[0]][0] for m in mentions if len(m.codes) == 1)
    if not counts:
        return []
    top = max(counts.values())
    return [p for p, n in counts.items() if n == top]


def _without_overlaps(mentions: list[_Mention]) -> list[_Mention]:
    out: list[_Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if not out or m.start >= out[-1].end:
            out.append(m)
    return out


def _listed(
    text: str, taken: list[_Mention], guarded: list[_Mention], g: _Gazetteer
) -> list[_Mention]:
    """Guarded forms in a list of places or right after their direct parent, to a fixed point."""
    out = list(taken)
    pending = guarded
    changed = True
    while pending and changed:
        changed = False
        by_end = {m.end: m for m in out}
        by_start = {m.start: m for m in out}
        still = []
        for m in pending:
            parent = by_end.get(m.start)
            inside = (
                ()
                if parent is None
                else tuple(
                    c for c in m.codes if len(g.parents[c]) > 1 and g.parents[c][-2] in parent.codes
                )
            )
            if not inside and _list_item(text, m):
                before = (
                    by_end.get(m.start - 1)
                    if m.start and text[m.start - 1] in _LIST_SEPARATORS
                    else None
                )
                after = (
                    by_start.get(m.end + 1) if text[m.end : m.end + 1] in _LIST_SEPARATORS else None
                )
                inside = m.codes if _peer(text, before, g) or _peer(text, after, g) else ()
            if inside:
                out.append(m._replace(codes=inside))
                changed = True
            else:
                still.append(m)
        pending = still
        out = _without_overlaps(out)
    return out


def _list_item(text: str, m: _Mention) -> bool:
    """Whether the form stands alone between separators (法治天津、平安天津: 平安 does not)."""
    before = text[m.start - 1] if m.start else ""
    after = text[m.end] if m.end < len(text) else ""
    return (not before or before in _ITEM_EDGES) and (not after or after in _ITEM_EDGES)


def _peer(text: str, m: _Mention | None, g: _Gazetteer) -> bool:
    """A neighbour in a list supports a guarded form: a place above township, not glued to a
    word after it (推动海东、海西 lists places; 钟山、云龙湖 does not)."""
    if m is None or g.places[m.codes[0]].level == "township":
        return False
    return m.end >= len(text) or text[m.end] in _ITEM_EDGES


def _resolve(mentions: list[_Mention], g: _Gazetteer) -> list[tuple[_Mention, str, bool]]:
    """Pick each mention's division: by the mention before it, nesting, then the document."""
    votes: Counter[str] = Counter()
    for m in mentions:
        if len(m.codes) == 1:
            votes.update(g.parents[m.codes[0]])
    out = []
    previous: _Mention | None = None
    for m in mentions:
        codes = m.codes
        if len(codes) > 1 and previous is not None and previous.end == m.start:
            inside = tuple(c for c in codes if any(p in g.parents[c] for p in previous.codes))
            codes = inside or codes
        if len(codes) > 1:
            codes = _outermost(codes, g)
        if len(codes) > 1:
            scores = {c: _score(c, votes, g) for c in codes}
            top = max(scores.values())
            best = tuple(c for c in codes if scores[c] == top)
            codes = best if top > 0 else codes
        code = min(codes, key=lambda c: (_RANK[g.places[c].level], c))
        out.append((m, code, len(codes) > 1))
        previous = m
    return out


def _outermost(codes: tuple[str, ...], g: _Gazetteer) -> tuple[str, ...]:
    """吉林 is 吉林省 and 吉林市: when one candidate holds all the others, it is the one."""
    for c in codes:
        if all(c in g.parents[o] for o in codes):
            return (c,)
    return codes


#: How much another mention weighs for a candidate: in its province, city, county, itself.
_VOTE = {"province": 1, "city": 2, "county": 4, "township": 4}
_VOTE_SELF = 8


def _score(code: str, votes: Counter[str], g: _Gazetteer) -> int:
    """Weight of the other unambiguous mentions that lie where this candidate lies."""
    return sum(
        votes[c] * (_VOTE_SELF if c == code else _VOTE[g.places[c].level]) for c in g.parents[code]
    )


def find_places(
    text: str,
    *,
    levels: Sequence[str] | None = None,
    support: Iterable[str | Place] = (),
) -> pd.DataFrame:
    """Every mention of a Chinese administrative division in ``text``.

    Parameters
    ----------
    text : str
        One document's text as loaded.
    levels : sequence of str, optional
        Keep only these levels (``"province"``, ``"city"``, ``"county"``, ``"township"``);
        all by default. The other levels above township still help resolve ambiguous
        names; township names are looked for only when ``"township"`` is asked for.
    support : iterable of str or Place, optional
        Places known to be relevant although the text may not name them (the place of a
        source a passage was copied from): a county's short name or a township's name
        counts when it lies in one of them, as when its province or city is mentioned.

    Returns
    -------
    pandas.DataFrame
        One row per mention, in text order: ``start``, ``end`` (int64, offsets into
        ``text``: ``text[start:end]`` is the mention), ``text`` (str, as written),
        ``name`` (str, the division's full name), ``level`` (str), ``code`` (str, 6 digits,
        9 for a township), ``province`` (str), ``city`` and ``county`` (str or None, full
        names of the divisions it lies in), ``form`` (str: ``"full"`` or ``"short"``),
        ``ambiguous`` (bool: several divisions fit and the text did not decide; the
        columns then describe the highest-level, lowest-coded one) and ``candidates``
        (object: tuple of the codes of every division the name can stand for).

    Examples
    --------
    >>> spans = find_places("北京市朝阳区和辽宁省朝阳市。南京市鼓楼区，鼓楼区")
    >>> spans[["text", "code", "ambiguous"]].values.tolist()
    [['北京市', '110000', False], ['朝阳区', '110105', False], ['辽宁省', '210000', False], \
['朝阳市', '211300', False], ['南京市', '320100', False], ['鼓楼区', '320106', False], \
['鼓楼区', '320106', False]]
    >>> find_places("鼓楼区")[["name", "ambiguous", "candidates"]].values.tolist()
    [['鼓楼区', True, ('320106', '320302', '350102', '410204')]]
    """
    check_type(text, "text", "find_places", str, "a str")
    keep = _check_levels(levels, "find_places")
    if isinstance(support, (str, Place)) or not isinstance(support, Iterable):
        raise param_error(
            "support", "find_places", "an iterable of places (names, codes or Place)", support
        )
    return _frame(place_mentions(text, levels=keep, support=support))


class PlaceMention(NamedTuple):
    """One row of :func:`find_places` (the same fields, in the same order)."""

    start: int
    end: int
    text: str
    name: str
    level: str
    code: str
    province: str
    city: str | None
    county: str | None
    form: str
    ambiguous: bool
    candidates: tuple[str, ...]


def place_mentions(
    text: str,
    *,
    levels: Iterable[str] = PLACE_LEVELS,
    support: Iterable[str | Place] = (),
    candidates: PlaceCandidates | None = None,
) -> list[PlaceMention]:
    """The rows of :func:`find_places` as records, its arguments taken as checked (for the
    layers that need no table: flag's residue); ``candidates``: the text's
    :func:`place_candidates` when already made (the part of the work that does not depend
    on ``support``: a text's mentions found with and without support scan it once).

    Examples
    --------
    >>> [(m.text, m.code) for m in place_mentions("贵州省湄潭县")]
    [('贵州省', '520000'), ('湄潭县', '520328')]
    """
    keep = frozenset(levels)
    g = _load()
    helpers = [lookup_place(p).code for p in support]
    mentions = _select(text, g, helpers, townships="township" in keep, candidates=candidates)
    rows = []
    for m, code, ambiguous in _resolve(mentions, g):
        place = g.places[code]
        if place.level not in keep:
            continue
        rows.append(
            PlaceMention(
                m.start,
                m.end,
                m.form,
                place.name,
                place.level,
                code,
                place.province,
                place.city,
                place.county,
                "full" if m.kind == _FULL else "short",
                ambiguous,
                m.codes,
            )
        )
    return rows


_DTYPES = {"start": "int64", "end": "int64", "ambiguous": "bool"}


def _frame(rows: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    import pandas as pd

    columns = list(zip(*rows, strict=True)) if rows else [()] * len(PLACE_COLUMNS)
    data = {
        name: pd.Series(list(values), dtype=_DTYPES.get(name, object))
        for name, values in zip(PLACE_COLUMNS, columns, strict=True)
    }
    return pd.DataFrame(data)


def _check_levels(levels: Sequence[str] | None, func: str) -> frozenset[str]:
    if levels is None:
        return frozenset(PLACE_LEVELS)
    if isinstance(levels, str) or not isinstance(levels, Iterable):
        raise param_error("levels", func, f"a sequence of levels from {list(PLACE_LEVELS)}", levels)
    chosen = list(levels)
    if not chosen or any(lv not in PLACE_LEVELS for lv in chosen):
        raise param_error(
            "levels", func, f"a non-empty sequence of levels from {list(PLACE_LEVELS)}", chosen
        )
    return frozenset(chosen)


def lookup_place(name_or_code: str | Place) -> Place:
    """The division a name, short name, code or path names.

    Parameters
    ----------
    name_or_code : str or Place
        ``"贵州省"``, ``"贵州"``, ``"520000"``, ``"遵义市湄潭县"`` (a path decides between
        divisions that share a name), or a :class:`Place` (returned as is).

    Raises
    ------
    InvalidParameterError
        When nothing in the gazetteer has that name, or several divisions do: the message
        lists them with their paths.

    Examples
    --------
    >>> lookup_place("湄潭").path
    '贵州省遵义市湄潭县'
    >>> lookup_place("北京市朝阳区").code
    '110105'
    """
    if isinstance(name_or_code, Place):
        return name_or_code
    check_type(name_or_code, "name_or_code", "lookup_place", str, "a place name or code")
    codes = _codes_of(name_or_code.strip())
    g = _load()
    if not codes:
        raise param_error(
            "name_or_code",
            "lookup_place",
            "a division in the gazetteer (name, short name or code)",
            name_or_code,
        )
    if len(codes) > 1:
        listed = ", ".join(f"{g.places[c].path} ({c})" for c in codes[:8])
        more = f" and {len(codes) - 8} more" if len(codes) > 8 else ""
        raise InvalidParameterError(
            f"The 'name_or_code' parameter of lookup_place must name one division. "
            f"Got {name_or_code!r}, which names {len(codes)}: {listed}{more}. "
            "Give the path (遵义市湄潭县) or the code instead."
        )
    return g.places[codes[0]]


def _codes_of(key: str) -> list[str]:
    """Every division ``key`` can name: a code, a name or short name, or a path of names."""
    g = _load()
    if g.is_code(key):
        return [key]
    found = g.forms(key)
    if found:
        codes = tuple(c for c, _ in found)
        return sorted(_outermost(codes, g) if len(codes) > 1 else codes)
    parts = _tile(key, g, townships=False) or _tile(key, g, townships=True)
    if not parts:
        return []
    codes = tuple(c for c, _ in g.forms(parts[0][2]))
    for _, _, form in parts[1:]:
        codes = tuple(c for c, _ in g.forms(form) if any(p in g.parents[c] for p in codes))
    return sorted(codes)


def _tile(key: str, g: _Gazetteer, *, townships: bool) -> list[tuple[int, int, str]]:
    """``key`` cut into forms, longest first from the left; [] when it is not all forms."""
    starts = dict(_scan(key, g.tiers(townships)))
    parts = []
    i = 0
    while i < len(key):
        if i not in starts:
            return []
        end, form, _ = starts[i][0]
        parts.append((i, end, form))
        i = end
    return parts


def belongs_to(name_or_code: str | Place, place: str | Place) -> bool:
    """Whether a division lies within ``place`` (or is ``place``).

    A name shared by several divisions (朝阳, 鼓楼区) belongs to ``place`` when any of them
    does; give a path (``"北京市朝阳区"``) or a code to be exact.

    Parameters
    ----------
    name_or_code : str or Place
        A full name, short name, path or code, as :func:`lookup_place` takes.
    place : str or Place
        The place it may lie in (a name must name one division).

    Examples
    --------
    >>> belongs_to("湄潭县", "贵州省"), belongs_to("朝阳", "北京市"), belongs_to("北京市朝阳区", "辽宁")
    (True, True, False)
    """
    container = lookup_place(place)
    if isinstance(name_or_code, Place):
        codes = [name_or_code.code]
    else:
        check_type(name_or_code, "name_or_code", "belongs_to", str, "a place name or code")
        codes = _all_codes(name_or_code.strip())
        if not codes:
            raise param_error(
                "name_or_code",
                "belongs_to",
                "a division in the gazetteer (name, short name or code)",
                name_or_code,
            )
    g = _load()
    return any(container.code in g.parents[c] for c in codes)


def _all_codes(key: str) -> list[str]:
    g = _load()
    if not g.is_code(key):
        found = g.forms(key)
        if found:
            return sorted(c for c, _ in found)
    return _codes_of(key)


def within(codes: Iterable[str], place: Place) -> bool:
    """Whether any of the division ``codes`` lies within ``place`` (for the residue layer)."""
    g = _load()
    return any(place.code in _parents_of(c, g) for c in codes)


def contains(codes: Iterable[str], place: Place) -> bool:
    """Whether any of the division ``codes`` holds ``place`` (贵州省 holds 湄潭县)."""
    chain = _parents_of(place.code, _load())
    return any(c in chain for c in codes)


def _parents_of(code: str, g: _Gazetteer) -> tuple[str, ...]:
    """The codes of the divisions ``code`` lies in, then its own; () for no division."""
    try:
        return g.parents[code]
    except KeyError:
        return ()


def place_of(code: str) -> Place:
    """The :class:`Place` of a division code from :func:`find_places`."""
    return _load().places[code]


def infer_place(text: str, *, mentions: pd.DataFrame | None = None) -> Place | None:
    """The place a report is about: its own province, city or county, or None.

    Every mention counts for its division and the divisions above it, more in the title
    and the opening (the first ``300`` characters count five times, the first ``2,000``
    twice). The province with the most weight is the report's if it holds at least 35% of
    the weight of all mentions (and, when the text speaks of 全国 more than of 全省/全市/全县,
    if it is named in the opening: a national report is about no province); the walk goes
    down to a city, then a county, while one holds at least 30% of its parent's weight and
    the report speaks of itself at that level (全市, 我县, 本区) at least as often as at the
    level above (全省).

    Parameters
    ----------
    text : str
        The report's text as loaded.
    mentions : pandas.DataFrame, optional
        Its :func:`find_places` table, when already computed.

    Returns
    -------
    Place or None
        None when no province dominates (a national report, a text with no places).

    Examples
    --------
    >>> infer_place("湄潭县2025年政府工作报告\\n过去一年，全县茶产业稳步发展，湄潭县获评示范县。").path
    '贵州省遵义市湄潭县'
    >>> infer_place("国务院政府工作报告：京津冀、长三角协同发展。") is None
    True
    """
    check_type(text, "text", "infer_place", str, "a str")
    if mentions is None:
        return place_of_mentions(text, place_mentions(text))
    check_columns(mentions, "mentions", "infer_place", ["start", "code", "ambiguous"])
    rows = zip(
        mentions["start"].tolist(),
        mentions["code"].tolist(),
        mentions["ambiguous"].tolist(),
        strict=True,
    )
    return _place_of(text, rows)


def place_of_mentions(text: str, mentions: Iterable[PlaceMention]) -> Place | None:
    """:func:`infer_place` of a text whose mentions (:func:`place_mentions`) are known.

    Examples
    --------
    >>> text = "湄潭县2025年政府工作报告。全县茶产业稳步发展。"
    >>> place_of_mentions(text, place_mentions(text)).name
    '湄潭县'
    """
    return _place_of(text, ((m.start, m.code, m.ambiguous) for m in mentions))


def _place_of(text: str, mentions: Iterable[tuple[int, str, bool]]) -> Place | None:
    """:func:`infer_place` from the (start, code, ambiguous) of each mention."""
    g = _load()
    weight, head, total = _weights(mentions, g)
    if not total:
        return None
    province = _best(weight, [c for c in weight if c.endswith("0000")])
    if province is None or weight[province] < _MIN_PROVINCE_SHARE * total:
        return None
    if province not in head and _national(text):
        return None  # a national report that names one province often (台湾, 香港)
    depth = _self_level(text, g.places[province])
    chosen = province
    for level in ("city", "county")[: _RANK[depth]]:
        children = [c for c in weight if g.places[c].level == level and chosen in g.parents[c]]
        child = _best(weight, children)
        if child is None or weight[child] < _MIN_CHILD_SHARE * weight[chosen]:
            if level == "city" and depth == "county":
                continue  # a district of a municipality, a county-level city under a province
            break
        chosen = child
    return g.places[chosen]


def _weights(
    mentions: Iterable[tuple[int, str, bool]], g: _Gazetteer
) -> tuple[dict[str, float], set[str], float]:
    """Weight of every division (its mentions and those of the divisions in it), the
    divisions named in the opening, and the weight of all mentions."""
    weight: dict[str, float] = defaultdict(float)
    head: set[str] = set()
    total = 0.0
    for start, code, ambiguous in mentions:
        if ambiguous:
            continue
        w = _HEAD_WEIGHT if start < _HEAD_CHARS else _EARLY_WEIGHT if start < _EARLY_CHARS else 1.0
        if start < _HEAD_CHARS:
            head.update(g.parents[code])
        total += w
        for c in g.parents[code]:
            if len(c) == _COUNTY_CODE:
                weight[c] += w
    return weight, head, total


def _best(weight: dict[str, float], codes: list[str]) -> str | None:
    if not codes:
        return None
    return max(sorted(codes), key=lambda c: weight[c])


def _national(text: str) -> bool:
    """Whether a text speaks of the country (全国, 我国) more than of its own unit (全省, 我县)."""
    own = sum(text.count(w) for words in _SELF_WORDS.values() for w in words)
    own += sum(text.count(w) for w in _REGION_WORDS)
    return sum(text.count(w) for w in _NATIONAL_WORDS) > own


def _self_level(text: str, province: Place) -> str:
    """The level at which a report speaks of itself: 全省 -> province, 全市 -> city, 全县 -> county."""
    counts = {level: sum(text.count(w) for w in words) for level, words in _SELF_WORDS.items()}
    region = sum(text.count(w) for w in _REGION_WORDS)
    counts["province" if province.name.endswith("自治区") else "county"] += region
    if not any(counts.values()):
        return "county"
    return max(("province", "city", "county"), key=lambda lv: (counts[lv], -_RANK[lv]))


def gazetteer() -> pd.DataFrame:
    """The whole gazetteer, one row per division.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``name``, ``level``, ``province``, ``city``, ``county`` (str or None) and
        ``short`` (object: tuple of the short forms taken alone), ``guarded`` (object: tuple
        of the short forms that are also ordinary words), in code order.

    Examples
    --------
    >>> table = gazetteer()
    >>> table["level"].value_counts().to_dict()
    {'township': 38495, 'county': 2851, 'city': 333, 'province': 34}
    >>> table.set_index("name").loc["黔南布依族苗族自治州", "short"]
    ('黔南', '黔南州')
    """
    import pandas as pd

    g = _load()
    short: dict[str, list[str]] = {}
    guarded: dict[str, list[str]] = {}
    for tier in g.tiers(townships=True):
        for form, cands in tier.forms.items():
            for code, kind in cands:
                if kind == _SHORT:
                    short.setdefault(code, []).append(form)
                elif kind == _GUARDED:
                    guarded.setdefault(code, []).append(form)
    rows = [
        (*g.places[code], tuple(short.get(code, ())), tuple(guarded.get(code, ())))
        for code in sorted(g.names)
    ]
    columns = ["code", "name", "level", "province", "city", "county", "short", "guarded"]
    return pd.DataFrame(rows, columns=columns).astype(object)
