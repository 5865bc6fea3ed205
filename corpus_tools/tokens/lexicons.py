"""The words a segmenter knows: jieba's default dictionary and lexicon files.

* jieba's default dictionary, with log frequencies, read once per process and kept
  compiled (``marshal``) under :func:`~corpus_tools.tokens.default_cache_dir`;
* lexicons in jieba's user-dictionary format (``word [freq] [tag]`` per line, ``#``
  comments): the project's domain lexicon (``corpus_tools/data/lexicon.txt``) and the
  user's files. An entry tagged ``slogan`` (or any entry of a file read with
  ``protect_all``) is protected: never cut.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import marshal
import math
import os
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

from corpus_tools.errors import InvalidParameterError
from corpus_tools.tokens.cache import default_cache_dir

__all__ = [
    "DEFAULT_LEXICON",
    "SLOGAN_TAG",
    "BaseDictionary",
    "LexiconEntry",
    "base_dictionary",
    "domain_lexicon_bytes",
    "jieba_dict_hash",
    "read_lexicon",
]

#: The domain lexicon shipped with the package.
DEFAULT_LEXICON = "lexicon.txt"

#: The tag that marks a protected entry (never cut) in a lexicon file.
SLOGAN_TAG = "slogan"

#: jieba's user-dictionary line: word, optional frequency, optional tag.
_USERDICT_LINE = re.compile(r"^(.+?)(?:\s+([0-9]+))?(?:\s+([a-z]+))?$")


@dataclass(frozen=True)
class LexiconEntry:
    """One word of a lexicon; ``freq`` None: just enough to beat its best split."""

    word: str
    freq: int | None
    protected: bool


def read_lexicon(data: bytes, name: str, *, protect_all: bool) -> list[LexiconEntry]:
    """Parse a jieba user dictionary (``# comments`` and blank lines allowed).

    Examples
    --------
    >>> read_lexicon("三会一课 50 slogan\\n网格员\\n".encode(), "demo", protect_all=False)
    [LexiconEntry(word='三会一课', freq=50, protected=True), \
LexiconEntry(word='网格员', freq=None, protected=False)]
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidParameterError(
            f"The lexicon {name} must be UTF-8 text in jieba's user-dictionary format "
            f"('word [freq] [tag]' per line). Byte {exc.start} is not UTF-8."
        ) from None
    entries = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _USERDICT_LINE.match(line)
        if match is None or not match.group(1).strip():  # pragma: no cover - regex is total
            raise InvalidParameterError(f"The lexicon {name} has a bad line {lineno}: {raw!r}.")
        word, freq, tag = match.group(1).strip(), match.group(2), match.group(3)
        value = int(freq) if freq else None
        # frequency 0 removes a word (jieba's convention): such an entry is never protected
        protect = (protect_all or tag == SLOGAN_TAG) and value != 0
        entries.append(LexiconEntry(word, value, protect))
    return entries


def domain_lexicon_bytes() -> bytes:
    """The project's domain lexicon, as shipped."""
    return resources.files("corpus_tools").joinpath("data").joinpath(DEFAULT_LEXICON).read_bytes()


_DICT_HASHES: dict[tuple[str, int, int], str] = {}


def jieba_dict_hash() -> str:
    """Hash of jieba's default dictionary file (memoised by path, size, mtime).

    jieba is found, not imported (importing it costs a fifth of a second, and the "fast"
    algorithm runs without it).
    """
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is needed for segmentation: pip install jieba")
    path = os.path.join(os.path.dirname(spec.origin), "dict.txt")
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _DICT_HASHES:
        with open(path, "rb") as fh:
            _DICT_HASHES[key] = hashlib.blake2b(fh.read(), digest_size=16).hexdigest()
    return f"jieba-{importlib.metadata.version('jieba')}-{_DICT_HASHES[key]}"


class BaseDictionary(NamedTuple):
    """jieba's default dictionary: total frequency and log frequency per word (None for
    prefixes that are not words), and the same for single characters only."""

    total: int
    logf: dict[str, float | None]
    logf1: dict[str, float | None]


_BASES: dict[str, BaseDictionary] = {}


def base_dictionary() -> BaseDictionary:
    """jieba's default dictionary with log frequencies: once per process, compiled on disk."""
    key = jieba_dict_hash()
    base = _BASES.get(key)
    if base is not None:
        return base
    cache_file = default_cache_dir() / f"{key}.marshal"
    loaded: Any = None
    with contextlib.suppress(Exception), open(cache_file, "rb") as fh:
        loaded = marshal.load(fh)
    if isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[1], dict):
        total, logf = loaded
    else:
        import jieba

        freq, total = jieba.Tokenizer.gen_pfdict(jieba.Tokenizer().get_dict_file())
        log = math.log
        logf = {w: (log(f) if f else None) for w, f in freq.items()}
        del freq
        with contextlib.suppress(OSError):
            from corpus_tools.io import atomic_write

            with atomic_write(cache_file, "wb") as fh:
                marshal.dump((total, logf), fh)
    base = BaseDictionary(total, logf, {w: v for w, v in logf.items() if len(w) == 1})
    _BASES[key] = base
    return base
