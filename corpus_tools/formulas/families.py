"""Families: the variants of one formula grouped under its most widespread form.

Formulas are taken from the most widespread down. Each one joins the family of the first
*founder* (an earlier formula that founded a family) it is a variant of, or founds a family
of its own. A formula is a variant of a founder when, on their folded texts,

* they have the same *shape*: equal once every number and every template blank (``X``,
  ``XX``, ``×``, ``20XX``, ``某某``) is read as one wildcard (``第1批`` / ``第2批`` /
  ``第X批``);
* they differ by one character: one substituted, inserted or deleted
  (``推进``/``推动``; ``中共中央政治局常委`` / ``中共中央政治局常``);
* one is the other with two characters added at its ends (``坚持以…为指导`` /
  ``始终坚持以…为指导``);
* the founder has a blank where the formula has a name of one to six characters
  (``XX社区党委`` / ``幸福社区党委``).

Variants join founders only, never each other's variants, so a family cannot drift from
its founder one character at a time.

Examples
--------
>>> formula_families(["坚持以人民为中心", "始终坚持以人民为中心", "坚持以人名为中心", "全面从严治党"])
[0, 0, 0, 3]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from corpus_tools.text.patterns import DIGIT_RUN, PLACEHOLDER_RUN

__all__ = ["formula_families", "shape"]

#: A template blank (``XX``, ``×``, ``20XX``, ``某某``).
_BLANK = re.compile(f"{PLACEHOLDER_RUN.pattern}|某+")
#: A blank or a number, read as one wildcard by :func:`shape`.
_WILD = re.compile(f"{_BLANK.pattern}|{DIGIT_RUN.pattern}")
#: Characters a variant may add at the ends of a founder.
_AFFIX = 2
#: Longest name that may fill a founder's blank.
_NAME = 6
#: Variants by one edit or by affixes keep at least this many characters in common.
_MIN_COMMON = 4


def shape(key: str) -> str:
    """The folded text with every number and template blank written ``#``.

    Examples
    --------
    >>> shape("第1批xx社区")
    '第#批#社区'
    """
    return _WILD.sub("#", key)


def _deletions(key: str) -> Iterator[str]:
    for i in range(len(key)):
        yield key[:i] + key[i + 1 :]


def _trims(key: str) -> Iterator[str]:
    """The key without up to _AFFIX characters at its ends (at least one removed)."""
    n = len(key)
    for a in range(_AFFIX + 1):
        for b in range(_AFFIX + 1 - a):
            if (a or b) and n - a - b >= _MIN_COMMON:
                yield key[a : n - b]


class _Index:
    """Look-up tables of the founders, keyed by what a variant would share with them."""

    def __init__(self) -> None:
        self.exact: dict[str, int] = {}
        self.shapes: dict[str, int] = {}
        self.deleted: dict[str, int] = {}  # a founder with one character deleted
        self.trimmed: dict[str, int] = {}  # a founder without characters at its ends
        self.blanks: dict[str, list[tuple[re.Pattern[str], int]]] = {}

    def add(self, key: str, family: int, dels: list[str]) -> None:
        """Register a founder; ``dels`` are its one-character deletions (when long enough)."""
        self.exact.setdefault(key, family)
        self.shapes.setdefault(shape(key), family)
        for d in dels:
            self.deleted.setdefault(d, family)
        for t in _trims(key):
            self.trimmed.setdefault(t, family)
        parts = _BLANK.split(key)
        if len(parts) == 2 and len(parts[0]) + len(parts[1]) >= _MIN_COMMON:
            pattern = re.compile(
                re.escape(parts[0]) + f".{{1,{_NAME}}}" + re.escape(parts[1]), flags=re.S
            )
            anchor = "<" + parts[0][:2] if len(parts[0]) >= 2 else ">" + parts[1][-2:]
            self.blanks.setdefault(anchor, []).append((pattern, family))

    def find(self, key: str, dels: list[str]) -> int | None:
        """The earliest family ``key`` is a variant of, or None."""
        hits = [self.shapes.get(shape(key)), self.deleted.get(key), self.trimmed.get(key)]
        hits += [self.exact.get(d) for d in dels]
        hits += [self.deleted.get(d) for d in dels]
        hits += [self.exact.get(t) for t in _trims(key)]
        for anchor in ("<" + key[:2], ">" + key[-2:]):
            hits += [f for p, f in self.blanks.get(anchor, ()) if p.fullmatch(key)]
        found = [h for h in hits if h is not None]
        return min(found) if found else None


def formula_families(keys: Sequence[str]) -> list[int]:
    """Group formulas into families of variants (see the module docstring).

    Parameters
    ----------
    keys : sequence of str
        The formulas' folded texts, most widespread first.

    Returns
    -------
    list of int
        For each formula, the position in ``keys`` of its family's founder (a founder's
        own position for a founder).
    """
    index = _Index()
    out: list[int] = []
    for i, key in enumerate(keys):
        dels = list(_deletions(key)) if len(key) > _MIN_COMMON else []
        family = index.find(key, dels)
        if family is None:
            family = i
            index.add(key, i, dels)
        out.append(family)
    return out
