"""Stopwords for party-building and government reports (used by keywords and topics).

Two kinds, listed in ``corpus_tools/data/stopwords.txt`` with the reasons:

* ``function``: function words, pronouns, particles, prepositions, measure words and
  ordinal markers (的, 了, 和, 一是 ...), frequent in any Chinese text;
* ``genre``: the 套话 of this genre, the verbs, adverbs and nouns that every report uses in
  every paragraph (工作, 开展, 加强, 推进, 进一步, 切实, 扎实 ...) and that drown every count.

Segmentation never uses them: :mod:`corpus_tools.tokens` keeps every token, and the
analyses (:mod:`corpus_tools.keywords`, :mod:`corpus_tools.topics`) leave them out.

Examples
--------
>>> from corpus_tools.tokens import load_stopwords
>>> stop = load_stopwords()
>>> {"工作", "开展", "的"} <= stop
True
>>> "三会一课" in stop
False
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from corpus_tools.errors import InvalidParameterError, param_error

__all__ = ["STOPWORD_KINDS", "load_stopwords"]

#: The sections of the stopword list.
STOPWORD_KINDS = ("function", "genre")


@lru_cache(maxsize=1)
def _sections() -> dict[str, frozenset[str]]:
    text = (
        resources.files("corpus_tools")
        .joinpath("data")
        .joinpath("stopwords.txt")
        .read_text("utf-8")
    )
    sections: dict[str, set[str]] = {kind: set() for kind in STOPWORD_KINDS}
    current: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            if current not in sections:  # pragma: no cover - guards the data file
                raise InvalidParameterError(f"stopwords.txt line {lineno}: unknown section {line}")
            continue
        if current is None:  # pragma: no cover - guards the data file
            raise InvalidParameterError(f"stopwords.txt line {lineno}: word before a section")
        sections[current].add(line)
    return {kind: frozenset(words) for kind, words in sections.items()}


def load_stopwords(
    *, kinds: Iterable[str] = STOPWORD_KINDS, extra: Iterable[str] = ()
) -> frozenset[str]:
    """The stopwords of this genre, as segmenter tokens.

    Parameters
    ----------
    kinds : iterable of {"function", "genre"}, default both
        Which sections of the list: ``"function"`` words of any Chinese text, ``"genre"``
        套话 of reports (工作, 开展, 加强, 推进 ...).
    extra : iterable of str, default ()
        Words to add (a project's own list).

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> "推进" in load_stopwords(kinds=["genre"])
    True
    >>> "的" in load_stopwords(kinds=["genre"])
    False
    >>> "XX社区" in load_stopwords(extra=["XX社区"])
    True
    """
    func = "load_stopwords"
    allowed = "an iterable of 'function', 'genre'"
    if isinstance(kinds, (str, bytes)) or not isinstance(kinds, Iterable):
        raise param_error("kinds", func, allowed, kinds)
    chosen = list(kinds)
    for kind in chosen:
        if kind not in STOPWORD_KINDS:
            raise param_error("kinds", func, allowed, kind)
    if isinstance(extra, (str, bytes)) or not isinstance(extra, Iterable):
        raise param_error("extra", func, "an iterable of str", extra)
    more = list(extra)
    for word in more:
        if not isinstance(word, str) or not word:
            raise param_error("extra", func, "an iterable of non-empty str", word)
    sections = _sections()
    words: set[str] = set(more)
    for kind in chosen:
        words |= sections[kind]
    return frozenset(words)
