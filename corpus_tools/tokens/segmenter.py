"""The :class:`Segmenter`: report text cut into tokens, slogans and placeholders kept whole.

A :class:`Segmenter` owns its own dictionary (the global jieba tokenizer is never touched),
loaded lazily and once per process (:mod:`~corpus_tools.tokens.core`) from jieba's default
dictionary, the project's domain lexicon, user lexicon files and words given in memory
(:mod:`~corpus_tools.tokens.lexicons`). Segmenters pickle cheaply (without their
dictionary), so they can be sent to worker processes or Dask tasks.

Examples
--------
>>> seg = Segmenter()
>>> seg.cut("坚持三会一课制度，XX社区X-X月完成")
['坚持', '三会一课', '制度', '，', 'XX', '社区', 'X-X', '月', '完成']
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from corpus_tools.errors import (
    RENAMED_REMOVED_IN,
    InvalidParameterError,
    check_choice,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.text.patterns import PLACEHOLDER_RUN
from corpus_tools.tokens.core import (
    ALGORITHMS,
    SEGMENTER_RULES_VERSION,
    Core,
    RustCore,
    rust_version,
    shared_core,
)
from corpus_tools.tokens.lexicons import (
    LexiconEntry,
    domain_lexicon_bytes,
    jieba_dict_hash,
    read_lexicon,
)

__all__ = [
    "Segmenter",
    "SklearnTokenizer",
    "as_segmenter",
    "check_stopwords",
    "is_content_token",
]


# --------------------------------------------------------------------------- Segmenter


class Segmenter:
    """Cut report text into tokens; slogans, placeholder runs and numbers stay whole.

    The dictionary (jieba's, plus the lexicons) is the segmenter's own: it is loaded on
    first use, once per process (one to a few seconds; segmenters with the same
    configuration share it read-only, and jieba's compiled dictionary is kept under
    :func:`default_cache_dir`); the global jieba tokenizer is never touched.
    :attr:`tokenizer` gives a ``jieba.Tokenizer`` over it. Arguments are checked here;
    lexicon files are read when the dictionary is loaded or :attr:`lexicon_version` is
    asked for. Segmenters pickle cheaply (without their dictionary), so they and their
    ``cut`` method can be sent to worker processes or Dask tasks.

    Parameters
    ----------
    lexicons : sequence of str or path, default ()
        User lexicon files in jieba's format, one ``word [freq] [tag]`` per line, UTF-8,
        ``#`` comments allowed. Without ``freq`` a word gets just enough frequency to beat
        its best split (jieba's ``suggest_freq``).
    extra_words : iterable of str, default ()
        Words to add in memory, e.g. the slogans mined from the corpus at hand. They are
        protected: never cut, whatever their context.
    domain_lexicon : bool, default True
        Load the project's lexicon of party-building and governance terms and slogans.
    protect_lexicons : bool, default True
        Protect every entry of the ``lexicons`` files (set False for a general-purpose
        dictionary, then only entries tagged ``slogan`` are protected).
    hmm : bool, default True
        Let jieba's HMM join unknown characters into new words (jieba's default).
    algorithm : {"fast", "jieba"}, default "fast"
        ``"fast"``: jieba's algorithm in Rust (rjieba; in Python where rjieba is not
        installed) with a memo of blocks. ``"jieba"``:
        ``jieba.Tokenizer.cut`` on the same pieces (slower; same tokens).
    engine : {"fast", "jieba"}, optional
        The old name of ``algorithm`` (``engine`` now means where jobs run); it works
        until corpus-tools 0.3, with a ``DeprecationWarning``.

    Examples
    --------
    >>> seg = Segmenter(extra_words=["三岗十八级"])
    >>> seg.cut("推行三岗十八级薪酬体系")
    ['推行', '三岗十八级', '薪酬', '体系']
    >>> seg.spans("XX社区")
    [('XX', 0, 2), ('社区', 2, 4)]
    """

    def __init__(
        self,
        *,
        lexicons: Sequence[str | os.PathLike[str]] = (),
        extra_words: Iterable[str] = (),
        domain_lexicon: bool = True,
        protect_lexicons: bool = True,
        hmm: bool = True,
        algorithm: str = "fast",
        engine: str | None = None,
    ) -> None:
        func = "Segmenter"
        if engine is not None:
            algorithm = _renamed_engine(engine, algorithm, func)
        self.lexicons: tuple[Path, ...] = _check_lexicons(lexicons, func)
        self.extra_words: tuple[str, ...] = _check_words(extra_words, func)
        check_type(domain_lexicon, "domain_lexicon", func, bool, "a bool")
        check_type(protect_lexicons, "protect_lexicons", func, bool, "a bool")
        check_type(hmm, "hmm", func, bool, "a bool")
        check_choice(algorithm, "algorithm", func, ALGORITHMS)
        self.domain_lexicon = domain_lexicon
        self.protect_lexicons = protect_lexicons
        self.hmm = hmm
        self.algorithm = algorithm
        self._version: str | None = None
        self._entries: list[LexiconEntry] | None = None
        self._core: Core | RustCore | None = None
        self._hits = 0
        self._misses = 0

    @property
    def engine(self) -> str:
        """The old name of :attr:`algorithm` (deprecated)."""
        warnings.warn(
            "Segmenter.engine is renamed Segmenter.algorithm; 'engine' will stop working in "
            f"corpus-tools {RENAMED_REMOVED_IN}.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.algorithm

    def __repr__(self) -> str:
        return (
            f"Segmenter(lexicons={[str(p) for p in self.lexicons]!r}, "
            f"extra_words=<{len(self.extra_words)} words>, domain_lexicon={self.domain_lexicon}, "
            f"hmm={self.hmm}, algorithm={self.algorithm!r})"
        )

    # -- pickling: configuration only ---------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_core"] = None
        state["_entries"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- what is loaded ---------------------------------------------------------------

    def _sources(self) -> list[tuple[str, bytes, bool]]:
        sources = []
        if self.domain_lexicon:
            sources.append(("<domain lexicon>", domain_lexicon_bytes(), False))
        for path in self.lexicons:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InvalidParameterError(
                    f"The lexicon {str(path)!r} cannot be read: {exc.strerror or exc}."
                ) from None
            sources.append((str(path), data, self.protect_lexicons))
        return sources

    def _load_entries(self) -> tuple[list[LexiconEntry], str]:
        digest = hashlib.blake2b(digest_size=16)
        for part in (SEGMENTER_RULES_VERSION, jieba_dict_hash(), f"hmm={self.hmm}"):
            digest.update(part.encode() + b"\0")
        entries: list[LexiconEntry] = []
        for name, data, protect_all in self._sources():
            digest.update(b"lexicon\0" + hashlib.sha256(data).digest() + bytes([protect_all]))
            entries += read_lexicon(data, name, protect_all=protect_all)
        for word in self.extra_words:
            digest.update(b"word\0" + word.encode("utf-8", "surrogatepass"))
        entries += [LexiconEntry(w, None, True) for w in self.extra_words]
        return entries, digest.hexdigest()

    @property
    def lexicon_version(self) -> str:
        """Hash of everything that decides the tokens (rules, dictionaries, lexicons, words).

        Two segmenters with the same ``lexicon_version`` give the same tokens; the
        document cache is keyed by it.
        """
        if self._version is None:
            self._entries, self._version = self._load_entries()
        return self._version

    def _entries_loaded(self) -> list[LexiconEntry]:
        if self._entries is None:
            self._entries, _ = self._load_entries()
        return self._entries

    def _get_core(self) -> Core | RustCore:
        core = self._core
        if core is None:
            # an entry of frequency 0 removes a word; jieba-rs keeps it as a word of
            # frequency 0, which its HMM then treats differently from jieba's: Python port
            rust = (
                self.algorithm == "fast"
                and rust_version() is not None
                and all(e.freq != 0 for e in self._entries_loaded())
            )
            core = shared_core(self.lexicon_version, self._entries_loaded, hmm=self.hmm, rust=rust)
            self._core = core
        return core

    def _python_core(self) -> Core:
        core = self._get_core()
        if isinstance(core, Core):
            return core
        python: Core = shared_core(self.lexicon_version, self._entries_loaded, hmm=self.hmm)
        return python

    def load(self) -> Segmenter:
        """Load the dictionary now (it is otherwise loaded on first use); return ``self``."""
        self._get_core()
        return self

    @property
    def tokenizer(self) -> Any:
        """The ``jieba.Tokenizer`` holding this segmenter's dictionary (treat as read-only)."""
        return self._python_core().tokenizer

    @property
    def protected_words(self) -> frozenset[str]:
        """The words that are never cut (slogans from the lexicons and ``extra_words``)."""
        self._get_core()
        return frozenset(w.word for w in self._entries or () if w.protected)

    def cache_stats(self) -> dict[str, int]:
        """Documents served from the on-disk cache (``hits``) and segmented (``misses``)
        by :func:`segment_corpus` (and the keyword counts) with this segmenter so far."""
        return {"hits": self._hits, "misses": self._misses}

    def record_cache_use(self, *, hits: int, misses: int) -> None:
        """Add to :meth:`cache_stats` (called by the process that reads the cache)."""
        self._hits += hits
        self._misses += misses

    # -- cutting -----------------------------------------------------------------------

    def cut(self, text: str, *, drop_space: bool = False) -> list[str]:
        """Tokens of ``text``; ``"".join(tokens) == text`` unless ``drop_space``.

        Parameters
        ----------
        text : str
            The text, as loaded.
        drop_space : bool, default False
            Leave out whitespace tokens (spaces, newlines, full-width spaces).

        Returns
        -------
        list of str

        Examples
        --------
        >>> Segmenter().cut("X-X月开展三会一课")
        ['X-X', '月', '开展', '三会一课']
        """
        check_type(text, "text", "Segmenter.cut", str, "a str")
        tokens = self._get_core().cut(text, self.algorithm)
        if drop_space:
            return [t for t in tokens if not t.isspace()]
        return tokens

    def spans(self, text: str, *, drop_space: bool = False) -> list[tuple[str, int, int]]:
        """Tokens with their offsets: ``(token, start, end)`` and ``text[start:end] == token``.

        Examples
        --------
        >>> Segmenter().spans("三社联动 XX")
        [('三社联动', 0, 4), (' ', 4, 5), ('XX', 5, 7)]
        """
        check_type(text, "text", "Segmenter.spans", str, "a str")
        out = []
        pos = 0
        for tok in self._get_core().cut(text, self.algorithm):
            end = pos + len(tok)
            if not (drop_space and tok.isspace()):
                out.append((tok, pos, end))
            pos = end
        return out

    def sklearn_tokenizer(
        self,
        *,
        stopwords: Iterable[str] | None = None,
        keep_punct: bool = False,
        min_chars: int = 1,
    ) -> SklearnTokenizer:
        """A picklable callable for scikit-learn's ``CountVectorizer``/``TfidfVectorizer``.

        Parameters
        ----------
        stopwords : iterable of str, optional
            Tokens to leave out, e.g. :func:`corpus_tools.tokens.load_stopwords()`.
        keep_punct : bool, default False
            Keep punctuation and symbol tokens (whitespace is always left out).
        min_chars : int, default 1
            Leave out tokens shorter than this.

        Examples
        --------
        >>> from sklearn.feature_extraction.text import CountVectorizer
        >>> from corpus_tools.tokens import load_stopwords
        >>> vec = CountVectorizer(tokenizer=Segmenter().sklearn_tokenizer(
        ...     stopwords=load_stopwords()), lowercase=False, token_pattern=None)
        >>> vec.fit_transform(["开展三会一课", "落实三会一课制度"]).toarray().tolist()
        [[1, 0], [1, 1]]
        >>> vec.get_feature_names_out().tolist()
        ['三会一课', '制度']
        """
        func = "Segmenter.sklearn_tokenizer"
        stop = check_stopwords(stopwords, func)
        check_type(keep_punct, "keep_punct", func, bool, "a bool")
        check_number(min_chars, "min_chars", func, kind=int, low=1)
        return SklearnTokenizer(self, stop, keep_punct=keep_punct, min_chars=min_chars)


def as_segmenter(segmenter: Any, func: str) -> Segmenter:
    """``segmenter``, or a default :class:`Segmenter` for None; anything else is refused
    with a message naming ``func``."""
    if segmenter is None:
        return Segmenter()
    if not isinstance(segmenter, Segmenter):
        raise param_error(
            "segmenter", func, "a corpus_tools.tokens.Segmenter or None", type(segmenter).__name__
        )
    return segmenter


def check_stopwords(stopwords: Iterable[str] | None, func: str) -> frozenset[str]:
    """``stopwords`` as a frozenset (None: empty), refusing anything but an iterable of str."""
    if stopwords is None:
        return frozenset()
    if isinstance(stopwords, (str, bytes)) or not isinstance(stopwords, Iterable):
        raise param_error("stopwords", func, "an iterable of str or None", stopwords)
    words = frozenset(stopwords)
    for w in words:
        if not isinstance(w, str):
            raise param_error("stopwords", func, "an iterable of str or None", f"item {w!r}")
    return words


def is_content_token(token: str) -> bool:
    """False for whitespace and for tokens made only of punctuation or symbols.

    Examples
    --------
    >>> [is_content_token(t) for t in ["三会一课", "，", "——", " ", "XX", "2023"]]
    [True, False, False, False, True, True]
    """
    check_type(token, "token", "is_content_token", str, "a str")
    if token.isalnum():  # letters and digits only (most tokens): content
        return True
    if not token or token.isspace():
        return False
    return not all(unicodedata.category(ch)[0] in "PSZ" for ch in token) or (
        PLACEHOLDER_RUN.fullmatch(token) is not None
    )


class SklearnTokenizer:
    """The callable :meth:`Segmenter.sklearn_tokenizer` returns (picklable)."""

    def __init__(
        self,
        segmenter: Segmenter,
        stopwords: frozenset[str],
        *,
        keep_punct: bool = False,
        min_chars: int = 1,
    ) -> None:
        self.segmenter = segmenter
        self.stopwords = stopwords
        self.keep_punct = keep_punct
        self.min_chars = min_chars

    def __call__(self, text: str) -> list[str]:
        stop = self.stopwords
        keep = self.keep_punct
        n = self.min_chars
        return [
            t
            for t in self.segmenter.cut(text, drop_space=True)
            if len(t) >= n and t not in stop and (keep or is_content_token(t))
        ]

    def __repr__(self) -> str:
        return (
            f"SklearnTokenizer({self.segmenter!r}, stopwords=<{len(self.stopwords)} words>, "
            f"keep_punct={self.keep_punct}, min_chars={self.min_chars})"
        )


def _renamed_engine(engine: str, algorithm: str, func: str) -> str:
    """``Segmenter(engine=...)``, the old name of ``algorithm``: warn and use it."""
    if algorithm != "fast":
        raise InvalidParameterError(
            f"{func} got both 'engine' and 'algorithm', which is its new name. "
            "Give 'algorithm' only."
        )
    warnings.warn(
        f"The 'engine' parameter of {func} is renamed 'algorithm'; 'engine' will stop "
        f"working in corpus-tools {RENAMED_REMOVED_IN}.",
        DeprecationWarning,
        stacklevel=3,
    )
    return engine


def _check_lexicons(lexicons: Any, func: str) -> tuple[Path, ...]:
    if isinstance(lexicons, (str, bytes, os.PathLike)) or not isinstance(lexicons, Iterable):
        raise param_error("lexicons", func, "a list of lexicon file paths", lexicons)
    paths = []
    for item in lexicons:
        check_type(item, "lexicons", func, (str, os.PathLike), "a list of file paths")
        path = Path(item)
        if not path.is_file():
            raise InvalidParameterError(
                f"The 'lexicons' parameter of {func} must list existing files. "
                f"{str(path)!r} is not a file."
            )
        paths.append(path)
    return tuple(paths)


def _check_words(extra_words: Any, func: str) -> tuple[str, ...]:
    if isinstance(extra_words, (str, bytes)) or not isinstance(extra_words, Iterable):
        raise param_error("extra_words", func, "an iterable of str", extra_words)
    words = []
    for w in extra_words:
        if not isinstance(w, str) or not w.strip() or any(ch.isspace() for ch in w):
            raise param_error(
                "extra_words", func, "an iterable of non-empty str without whitespace", w
            )
        words.append(w)
    return tuple(words)
