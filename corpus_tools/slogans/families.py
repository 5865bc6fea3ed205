"""Families of slogans: variants of one frame (一征三议两公开 / 三征三议三公开 / 四议两公开).

Two slogans are in one family when their frames (numerals abstracted) are equal, or when
the units of one are a contiguous run of the units of the other (四议两公开 inside
一征三议两公开). A family is labelled by its most frequent member.

Examples
--------
>>> labels = family_labels(["一征三议两公开", "三征三议三公开", "四议两公开", "三会一课"],
...                        {"一征三议两公开": 5, "三征三议三公开": 1, "四议两公开": 2})
>>> sorted(set(labels.values()))
['一征三议两公开', '三会一课']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from corpus_tools.errors import check_type
from corpus_tools.slogans.grammar import split_units

__all__ = ["family_labels", "slogan_family"]

#: Numerals of zero: 零碳 and 零距离 are no variants of one frame (#碳 would join 双碳).
_ZERO = ("零", "〇")


def _frame(units: list[tuple[str, str]]) -> str:
    return "".join(("#" if num else "") + morph for num, morph in units)


def slogan_family(slogan: str) -> str:
    """The frame of a slogan: numerals replaced by ``#`` (一征三议两公开 -> #征#议#公开).

    Parameters
    ----------
    slogan : str
        A slogan as found by :func:`corpus_tools.slogans.mine_slogans`.

    Returns
    -------
    str
        The frame; a slogan without numerals is its own frame.

    Examples
    --------
    >>> slogan_family("三征三议三公开")
    '#征#议#公开'
    """
    check_type(slogan, "slogan", "slogan_family", str, "a str")
    return _frame(split_units(slogan))


def _has_frame(s: str, units: list[tuple[str, str]]) -> bool:
    """Whether ``s`` is grouped by its frame: it opens with a numeral, and a zero (零碳)
    only with a morpheme of two characters or more."""
    if not units or not units[0][0]:
        return False
    return (
        len(units) > 1
        or len(units[0][1]) >= 2  # a morpheme of two characters or more: 四个意识
        or (units[0][0] not in _ZERO and len(s) >= 2)
    )


def _frame_key(s: str, units: list[tuple[str, str]]) -> str:
    """Slogans with the same key are variants of one frame."""
    if not _has_frame(s, units):
        return s.rstrip("+")  # 党建+ and 党建
    if units[0][0] in _ZERO:
        return _frame(units) + s  # a zero slogan is only its own variant
    return _frame(units)


class _Groups:
    """Union-find over strings; a group's root is its smallest member."""

    def __init__(self, members: Sequence[str]) -> None:
        self.parent = {s: s for s in members}

    def find(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _contains_run(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Whether ``shorter`` is a contiguous run of ``longer``."""
    n = len(shorter)
    return any(longer[k : k + n] == shorter for k in range(len(longer) - n + 1))


def family_labels(slogans: Sequence[str], counts: Mapping[str, int]) -> dict[str, str]:
    """slogan -> the most frequent member of its family (ties: shortest, then by code).

    Parameters
    ----------
    slogans : sequence of str
        The slogans to group.
    counts : mapping of str to int
        Their occurrences (a slogan missing counts 0).

    Returns
    -------
    dict of str to str
        Every slogan mapped to its family's label.
    """
    groups = _Groups(slogans)
    by_frame: dict[str, list[str]] = defaultdict(list)
    morphs: dict[str, tuple[str, ...]] = {}
    for s in slogans:
        units = split_units(s)
        by_frame[_frame_key(s, units)].append(s)
        if len(units) > 1 and units[0][0]:  # several numbered units: 四议两公开
            morphs[s] = tuple(m for _, m in units)
    for members in by_frame.values():
        for other in members[1:]:
            groups.union(members[0], other)
    multi = sorted(morphs)
    for a in multi:
        for b in multi:
            if len(morphs[b]) < len(morphs[a]) and _contains_run(morphs[a], morphs[b]):
                groups.union(a, b)
    return _labels(groups, slogans, counts)


def _labels(groups: _Groups, slogans: Sequence[str], counts: Mapping[str, int]) -> dict[str, str]:
    """Every slogan mapped to the most frequent member of its group."""
    members_of: dict[str, list[str]] = defaultdict(list)
    for s in slogans:
        members_of[groups.find(s)].append(s)
    out: dict[str, str] = {}
    for members in members_of.values():
        label = min(members, key=lambda m: (-counts.get(m, 0), len(m), m))
        for m in members:
            out[m] = label
    return out
