"""Word segmentation that keeps slogans and template placeholders whole.

A :class:`Segmenter` owns its own ``jieba.Tokenizer`` dictionary (the global jieba
tokenizer is never touched), loaded lazily and once per process with

* jieba's default dictionary;
* the project's domain lexicon (``corpus_tools/data/lexicon.txt``: party-building and
  governance terms, known slogans such as 三会一课 and 一征三议两公开);
* user lexicon files in jieba's user-dictionary format (``word [freq] [tag]`` per line);
* words given in memory (``extra_words``), e.g. slogans mined from the corpus at hand.

Rules, applied before the dictionary is consulted, so that counts are stable:

* **Placeholder runs** (:data:`corpus_tools.text.PLACEHOLDER_RUN`: ``X``, ``XX``,
  ``×``, ``××``, ``ＸＸ``, ``○○``, ``＊＊``, ``X-X``, ``20XX``, and ``X.X`` as in
  ``X.X万元``) are one token, never glued to the word after them (``XX | 社区``). A Latin
  ``X``/``x`` touching other Latin letters or digits (``Linux``, ``3x3``) is left alone.
* **Numbers** (ASCII or full-width digits, a decimal part, a trailing ``%``) are one token,
  never glued to their unit: ``3.5万元`` gives ``3.5 | 万元``, ``１９９８年`` gives
  ``１９９８ | 年``. Digits inside Latin words (``5G``, ``G20``) are left to the dictionary.
* **Protected words** are never cut, whatever their context: every entry of ``extra_words``,
  every entry of user lexicon files (unless ``protect_lexicons=False``) and the entries of
  the domain lexicon tagged ``slogan``. Among overlapping protected words the leftmost,
  then longest, wins.
* **Whitespace** runs are one token each; joined, the tokens give the text back exactly.

Everything else is jieba's algorithm (prefix DAG, maximum-probability route, HMM for
unknown words), re-implemented as one backward pass over precomputed log frequencies and a
Viterbi with back-pointers, with a memo of text blocks (reports repeat their clauses, so
many blocks are segmented once): about 2-3 times the speed of ``jieba.lcut`` in one
process (benchmarks/bench_segment.py).
``engine="jieba"`` runs ``jieba.Tokenizer.cut`` on the same pieces instead; the tests
check that both give the same tokens (same arithmetic, same tie-breaking).

For a distributed engine (Dask), :func:`segment_corpus` on one partition with ``n_jobs=1``
is a pure function of the texts and the (picklable) :class:`Segmenter`.

Examples
--------
>>> from corpus_tools.tokens import Segmenter, segment_corpus
>>> seg = Segmenter()
>>> seg.cut("坚持三会一课制度，XX社区X-X月完成")          # doctest: +SKIP
['坚持', '三会一课', '制度', '，', 'XX', '社区', 'X-X', '月', '完成']
>>> segment_corpus(["落实一征三议两公开", "２０２３年"])    # doctest: +SKIP
[['落实', '一征三议两公开'], ['２０２３', '年']]
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import math
import multiprocessing
import os
import re
import sqlite3
import sys
import threading
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from corpus_tools.errors import (
    InvalidParameterError,
    check_choice,
    check_engine,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.progress import progress_bar
from corpus_tools.text.patterns import PLACEHOLDER_MARKS, PLACEHOLDER_RUN

__all__ = [
    "DEFAULT_LEXICON",
    "SEGMENTER_RULES_VERSION",
    "SLOGAN_TAG",
    "Segmenter",
    "SklearnTokenizer",
    "default_cache_dir",
    "gensim_corpus",
    "is_content_token",
    "segment_corpus",
]

#: Bumped whenever a rule above changes the tokens; part of :attr:`Segmenter.lexicon_version`.
SEGMENTER_RULES_VERSION = "1"

#: The domain lexicon shipped with the package.
DEFAULT_LEXICON = "lexicon.txt"

#: The tag that marks a protected entry (never cut) in a lexicon file.
SLOGAN_TAG = "slogan"

#: Blocks jieba segments with its dictionary (``jieba.re_han_default``).
_HAN_SPLIT = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
#: jieba's user-dictionary line: word, optional frequency, optional tag.
_USERDICT_LINE = re.compile(r"^(.+?)(?:\s+([0-9]+))?(?:\s+([a-z]+))?$")

_CJK_RUN = re.compile("[\u4e00-\u9fd5]+")
_LATIN_MARKS = frozenset("XxＸｘ")
_MARKS = frozenset(PLACEHOLDER_MARKS)
_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

#: Largest number of distinct blocks memoised per process, then the memo starts afresh
#: (about 0.7 kB each: the memo stays under about 100 MB).
_MEMO_MAX = 150_000

#: Inputs smaller than this (characters to segment) are not worth starting processes for.
_PARALLEL_MIN_CHARS = 400_000

_ENGINES = ("fast", "jieba")

_MISSING: Any = object()


# --------------------------------------------------------------------------- cache folder


def default_cache_dir() -> Path:
    """Folder of the on-disk caches: ``$CORPUS_TOOLS_CACHE``, else ``~/.cache/corpus-tools``.

    Examples
    --------
    >>> default_cache_dir().name                       # doctest: +SKIP
    'corpus-tools'
    """
    env = os.environ.get("CORPUS_TOOLS_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "corpus-tools"


# --------------------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class _Entry:
    word: str
    freq: int | None
    protected: bool


def _read_lexicon(data: bytes, name: str, *, protect_all: bool) -> list[_Entry]:
    """Parse a jieba user dictionary (``# comments`` and blank lines allowed)."""
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
        entries.append(_Entry(word, value, protect))
    return entries


def _domain_lexicon_bytes() -> bytes:
    return resources.files("corpus_tools").joinpath("data").joinpath(DEFAULT_LEXICON).read_bytes()


_DICT_HASHES: dict[tuple[str, int, int], str] = {}


def _jieba_dict_hash() -> str:
    """Hash of jieba's default dictionary file (memoised by path, size, mtime)."""
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _DICT_HASHES:
        with open(path, "rb") as fh:
            _DICT_HASHES[key] = hashlib.blake2b(fh.read(), digest_size=16).hexdigest()
    return f"jieba-{jieba.__version__}-{_DICT_HASHES[key]}"


# --------------------------------------------------------------------------- the core


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, leftmost then longest, with shared prefixes factored.

    Children are tried before the end of a word, so the first match found at a position
    is the longest word there; every branch starts with a literal, so the regex engine
    skips positions that cannot start a word.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(node[ch]) for ch in sorted(node) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    top = [re.escape(ch) + build(trie[ch]) for ch in sorted(trie)]
    return "|".join(top)


#: Where a placeholder run may start (PLACEHOLDER_RUN is then tried there).
_PH_START = re.compile(f"[{re.escape(PLACEHOLDER_MARKS)}]")
#: Numbers; the first digit is consumed first so that the regex engine can skip ahead.
_NUMBER = re.compile(
    r"[0-9０-９](?<![A-Za-z0-9０-９.．_].)[0-9０-９]*(?:[.．][0-9０-９]+)*[%％‰]?"
    r"(?![A-Za-z0-9０-９_])"
)
_SPACE = re.compile(r"\s+")


class _Core:
    """The loaded dictionary and the cutting code; shared by segmenters of one version."""

    def __init__(
        self,
        total: int,
        logf: dict[str, float | None],
        logf1: dict[str, float | None],
        protected: Iterable[str],
        *,
        hmm: bool,
    ) -> None:
        self.logf = logf  # log(freq) per word, None for prefixes that are not words
        self.logf1 = logf1  # the same for single characters: a small dict, cache-friendly
        self.hmm = hmm
        self.set_total(total)
        self.protected = frozenset(protected)
        self.protect_re = re.compile(_trie_pattern(self.protected)) if self.protected else None
        self.memo: dict[str, tuple[str, ...]] = {}
        self.hmm_memo: dict[str, tuple[str, ...]] = {}
        self._tokenizer: Any = None

    def set_total(self, total: int) -> None:
        self.total = total
        self.logtotal = math.log(total)
        self.unknown = math.log(1) - self.logtotal

    def freq(self, word: str) -> int:
        """jieba's frequency of ``word`` (0 for a prefix or an unknown word)."""
        value = self.logf.get(word)
        return 0 if value is None else round(math.exp(value))

    def add_word(self, word: str, freq: int | None) -> None:
        """Add a word as ``jieba.Tokenizer.add_word`` does (None: jieba's suggest_freq)."""
        if freq is None:
            # just enough for the word to beat its best split
            p = 1.0
            for part in self._cut_block(word, hmm=False):
                p *= (self.freq(part) or 1) / self.total
            freq = max(int(p * self.total) + 1, self.freq(word) or 1)
        self.set_total(self.total + freq - self.freq(word))
        value = math.log(freq) if freq else None
        self.logf[word] = value
        if len(word) == 1:
            self.logf1[word] = value
        for i in range(1, len(word)):
            prefix = word[:i]
            if prefix not in self.logf:
                self.logf[prefix] = None
                if i == 1:
                    self.logf1[prefix] = None

    # -- jieba objects -------------------------------------------------------------

    @property
    def tokenizer(self) -> Any:
        """A ``jieba.Tokenizer`` over this dictionary (built on first use, read-only)."""
        if self._tokenizer is None:
            import jieba

            tk = jieba.Tokenizer()
            exp = math.exp
            tk.FREQ = {w: (0 if v is None else round(exp(v))) for w, v in self.logf.items()}
            tk.total = self.total
            tk.initialized = True
            self._tokenizer = tk
        return self._tokenizer

    # -- whole texts -----------------------------------------------------------------

    def units(self, text: str) -> list[tuple[int, int]]:
        """Spans kept whole before the dictionary is consulted, sorted, not overlapping.

        By priority where two start at the same place: protected words, placeholder
        runs, numbers, whitespace runs; otherwise the leftmost wins.
        """
        found: list[tuple[int, int, int]] = []
        if self.protect_re is not None:
            found += [(m.start(), 0, m.end()) for m in self.protect_re.finditer(text)]
        pos = 0
        search = _PH_START.search
        while True:
            m = search(text, pos)
            if m is None:
                break
            start = m.start()
            run = None
            if start >= 2 and text[start - 2 : start] in ("19", "20"):
                run = PLACEHOLDER_RUN.match(text, start - 2)
            if run is None or run.end() <= start:
                run = PLACEHOLDER_RUN.match(text, start)
            if run is None:  # pragma: no cover - a mark always starts a run
                pos = start + 1
                continue
            end = run.end()
            # a blank number with a decimal part (X.X万元) is one run too
            while end + 1 < len(text) and text[end] in ".．" and text[end + 1] in _MARKS:
                end += 2
                while end < len(text) and text[end] in _MARKS:
                    end += 1
            if not _latin_mark_in_word(text, run.start(), end):
                found.append((run.start(), 1, end))
            pos = end
        found += [(m.start(), 2, m.end()) for m in _NUMBER.finditer(text)]
        found += [(m.start(), 3, m.end()) for m in _SPACE.finditer(text)]
        found.sort()
        out = []
        pos = 0
        for start, _, end in found:
            if start >= pos:
                out.append((start, end))
                pos = end
        return out

    def cut(self, text: str, engine: str) -> list[str]:
        out: list[str] = []
        plain = self._plain_fast if engine == "fast" else self._plain_jieba
        pos = 0
        for start, end in self.units(text):
            if start > pos:
                plain(text[pos:start], out)
            out.append(text[start:end])
            pos = end
        if pos < len(text):
            plain(text[pos:], out)
        return out

    def _plain_fast(self, piece: str, out: list[str]) -> None:
        memo = self.memo
        for i, blk in enumerate(_HAN_SPLIT.split(piece)):
            if not blk:
                continue
            if i % 2:
                toks = memo.get(blk)
                if toks is None:
                    toks = tuple(self._cut_block(blk, hmm=self.hmm))
                    if len(memo) >= _MEMO_MAX:
                        memo.clear()
                    memo[blk] = toks
                out.extend(toks)
            else:
                out.extend(blk)

    def _plain_jieba(self, piece: str, out: list[str]) -> None:
        out.extend(self.tokenizer.cut(piece, HMM=self.hmm))

    # -- one block: jieba's algorithm -------------------------------------------------

    def _route(self, blk: str) -> list[int]:
        """jieba's maximum-probability route through ``blk``, in one backward pass.

        Returns the end (exclusive) of the word starting at each position on the best
        route. Same arithmetic and tie-breaking as ``jieba.Tokenizer.get_DAG`` + ``calc``
        (``log(freq) - log(total) + score``; the longer word on a tie), so the routes
        are identical.
        """
        logf = self.logf
        logf1 = self.logf1
        logtotal = self.logtotal
        missing = _MISSING
        n = len(blk)
        score = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        unknown = self.unknown
        for k in range(n - 1, -1, -1):
            best = -math.inf
            best_end = 0
            i = k
            v = logf1.get(blk[k], missing)
            while v is not missing:
                i += 1
                if v is not None:
                    s = v - logtotal + score[i]
                    if s >= best:
                        best = s
                        best_end = i
                if i >= n:
                    break
                v = logf.get(blk[k : i + 1], missing)
            if best_end:
                score[k] = best
                nxt[k] = best_end
            else:
                score[k] = unknown + score[k + 1]
                nxt[k] = k + 1
        return nxt

    def _cut_block(self, blk: str, *, hmm: bool) -> list[str]:
        """jieba's ``__cut_DAG`` (``hmm``) or ``__cut_DAG_NO_HMM`` on one block."""
        nxt = self._route(blk)
        n = len(blk)
        out: list[str] = []
        x = 0
        buf = ""
        if not hmm:
            while x < n:
                y = nxt[x]
                word = blk[x:y]
                if y - x == 1 and word in _ASCII_ALNUM:
                    buf += word
                else:
                    if buf:
                        out.append(buf)
                        buf = ""
                    out.append(word)
                x = y
            if buf:
                out.append(buf)
            return out
        while x < n:
            y = nxt[x]
            if y - x == 1:
                buf += blk[x]
            else:
                if buf:
                    self._flush(buf, out)
                    buf = ""
                out.append(blk[x:y])
            x = y
        if buf:
            self._flush(buf, out)
        return out

    def _flush(self, buf: str, out: list[str]) -> None:
        """jieba's handling of a run of single characters: HMM unless it is a word."""
        if len(buf) == 1:
            out.append(buf)
        elif self.logf.get(buf) is None:
            words = self.hmm_memo.get(buf)
            if words is None:
                from jieba import finalseg

                if _CJK_RUN.fullmatch(buf) and not finalseg.Force_Split_Words:
                    words = tuple(_hmm_words(buf))
                else:
                    words = tuple(finalseg.cut(buf))
                if len(self.hmm_memo) >= _MEMO_MAX:
                    self.hmm_memo.clear()
                self.hmm_memo[buf] = words
            out.extend(words)
        else:
            out.extend(buf)


def _hmm_words(sentence: str) -> list[str]:
    """``jieba.finalseg.__cut``: the HMM (B/M/E/S) Viterbi path of a run of Chinese characters.

    Same probabilities, same arithmetic (``V + trans + emit``) and the same tie-breaking as
    jieba's ``max`` over ``(prob, state)`` tuples (the larger state letter wins a tie), with
    back-pointers instead of copied paths.
    """
    from jieba import finalseg

    low = finalseg.MIN_FLOAT
    start = finalseg.start_P
    trans = finalseg.trans_P
    e_b = finalseg.emit_P["B"].get
    e_m = finalseg.emit_P["M"].get
    e_s = finalseg.emit_P["S"].get
    e_e = finalseg.emit_P["E"].get
    t_eb, t_sb = trans["E"]["B"], trans["S"]["B"]
    t_mm, t_bm = trans["M"]["M"], trans["B"]["M"]
    t_ss, t_es = trans["S"]["S"], trans["E"]["S"]
    t_be, t_me = trans["B"]["E"], trans["M"]["E"]
    ch = sentence[0]
    v_b = start["B"] + e_b(ch, low)
    v_m = start["M"] + e_m(ch, low)
    v_s = start["S"] + e_s(ch, low)
    v_e = start["E"] + e_e(ch, low)
    back: list[tuple[str, str, str, str]] = []
    for ch in sentence[1:]:
        em = e_b(ch, low)  # B after E or S
        p1 = v_e + t_eb + em
        p2 = v_s + t_sb + em
        n_b, b_b = (p2, "S") if p2 >= p1 else (p1, "E")
        em = e_m(ch, low)  # M after M or B
        p1 = v_m + t_mm + em
        p2 = v_b + t_bm + em
        n_m, b_m = (p1, "M") if p1 >= p2 else (p2, "B")
        em = e_s(ch, low)  # S after S or E
        p1 = v_s + t_ss + em
        p2 = v_e + t_es + em
        n_s, b_s = (p1, "S") if p1 >= p2 else (p2, "E")
        em = e_e(ch, low)  # E after B or M
        p1 = v_b + t_be + em
        p2 = v_m + t_me + em
        n_e, b_e = (p2, "M") if p2 >= p1 else (p1, "B")
        back.append((b_b, b_m, b_s, b_e))
        v_b, v_m, v_s, v_e = n_b, n_m, n_s, n_e
    state = "S" if v_s >= v_e else "E"
    n = len(sentence)
    tags = [state] * n
    for t in range(n - 1, 0, -1):
        state = back[t - 1]["BMSE".index(state)]
        tags[t - 1] = state
    words = []
    begin = nexti = 0
    for i, tag in enumerate(tags):
        if tag == "B":
            begin = i
        elif tag == "E":
            words.append(sentence[begin : i + 1])
            nexti = i + 1
        elif tag == "S":
            words.append(sentence[i])
            nexti = i + 1
    if nexti < n:
        words.append(sentence[nexti:])
    return words


def _latin_mark_in_word(text: str, start: int, end: int) -> bool:
    """True when a Latin ``X`` run touches Latin letters or digits (``Linux``, ``3x3``)."""
    if not any(ch in _LATIN_MARKS for ch in text[start:end]):
        return False
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (before != "" and before in _ASCII_ALNUM) or (after != "" and after in _ASCII_ALNUM)


# --------------------------------------------------------------------------- building


#: Loaded dictionaries by lexicon version, shared by segmenters of the same configuration;
#: the oldest is dropped past _CORES_MAX (a segmenter keeps its own reference).
_CORES: dict[str, _Core] = {}
_CORES_MAX = 4
_CORES_LOCK = threading.Lock()


class _Base(NamedTuple):
    total: int
    logf: dict[str, float | None]
    logf1: dict[str, float | None]


_BASES: dict[str, _Base] = {}


def _base_dictionary() -> _Base:
    """jieba's default dictionary with log frequencies: once per process, compiled on disk."""
    key = _jieba_dict_hash()
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
    base = _Base(total, logf, {w: v for w, v in logf.items() if len(w) == 1})
    _BASES[key] = base
    return base


def _build_core(entries: list[_Entry], *, hmm: bool) -> _Core:
    """jieba's dictionary plus the lexicon entries, in order."""
    base = _base_dictionary()
    if not entries:
        return _Core(base.total, base.logf, base.logf1, (), hmm=hmm)
    core = _Core(base.total, base.logf.copy(), base.logf1.copy(), (), hmm=hmm)
    for entry in entries:
        core.add_word(entry.word, entry.freq)
    protected = sorted({e.word for e in entries if e.protected})
    return _Core(core.total, core.logf, core.logf1, protected, hmm=hmm)


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
    engine : {"fast", "jieba"}, default "fast"
        ``"fast"``: jieba's algorithm with a memo of blocks. ``"jieba"``:
        ``jieba.Tokenizer.cut`` on the same pieces (slower; same tokens).

    Examples
    --------
    >>> seg = Segmenter(extra_words=["三岗十八级"])
    >>> seg.cut("推行三岗十八级薪酬体系")                   # doctest: +SKIP
    ['推行', '三岗十八级', '薪酬', '体系']
    >>> seg.spans("XX社区")                                # doctest: +SKIP
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
        engine: str = "fast",
    ) -> None:
        func = "Segmenter"
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
        if isinstance(extra_words, (str, bytes)) or not isinstance(extra_words, Iterable):
            raise param_error("extra_words", func, "an iterable of str", extra_words)
        words = []
        for w in extra_words:
            if not isinstance(w, str) or not w.strip() or any(ch.isspace() for ch in w):
                raise param_error(
                    "extra_words", func, "an iterable of non-empty str without whitespace", w
                )
            words.append(w)
        check_type(domain_lexicon, "domain_lexicon", func, bool, "a bool")
        check_type(protect_lexicons, "protect_lexicons", func, bool, "a bool")
        check_type(hmm, "hmm", func, bool, "a bool")
        check_choice(engine, "engine", func, _ENGINES)
        self.lexicons: tuple[Path, ...] = tuple(paths)
        self.extra_words: tuple[str, ...] = tuple(words)
        self.domain_lexicon = domain_lexicon
        self.protect_lexicons = protect_lexicons
        self.hmm = hmm
        self.engine = engine
        self._version: str | None = None
        self._entries: list[_Entry] | None = None
        self._core: _Core | None = None
        self._hits = 0
        self._misses = 0

    def __repr__(self) -> str:
        return (
            f"Segmenter(lexicons={[str(p) for p in self.lexicons]!r}, "
            f"extra_words=<{len(self.extra_words)} words>, domain_lexicon={self.domain_lexicon}, "
            f"hmm={self.hmm}, engine={self.engine!r})"
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
            sources.append(("<domain lexicon>", _domain_lexicon_bytes(), False))
        for path in self.lexicons:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InvalidParameterError(
                    f"The lexicon {str(path)!r} cannot be read: {exc.strerror or exc}."
                ) from None
            sources.append((str(path), data, self.protect_lexicons))
        return sources

    def _load_entries(self) -> tuple[list[_Entry], str]:
        digest = hashlib.blake2b(digest_size=16)
        for part in (SEGMENTER_RULES_VERSION, _jieba_dict_hash(), f"hmm={self.hmm}"):
            digest.update(part.encode() + b"\0")
        entries: list[_Entry] = []
        for name, data, protect_all in self._sources():
            digest.update(b"lexicon\0" + hashlib.sha256(data).digest() + bytes([protect_all]))
            entries += _read_lexicon(data, name, protect_all=protect_all)
        for word in self.extra_words:
            digest.update(b"word\0" + word.encode("utf-8", "surrogatepass"))
        entries += [_Entry(w, None, True) for w in self.extra_words]
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

    def _get_core(self) -> _Core:
        core = self._core
        if core is None:
            version = self.lexicon_version
            with _CORES_LOCK:
                core = _CORES.get(version)
                if core is None:
                    if self._entries is None:
                        self._entries, _ = self._load_entries()
                    core = _build_core(self._entries, hmm=self.hmm)
                    while len(_CORES) >= _CORES_MAX:
                        del _CORES[next(iter(_CORES))]
                    _CORES[version] = core
            self._core = core
        return core

    def load(self) -> Segmenter:
        """Load the dictionary now (it is otherwise loaded on first use); return ``self``."""
        self._get_core()
        return self

    @property
    def tokenizer(self) -> Any:
        """The ``jieba.Tokenizer`` holding this segmenter's dictionary (treat as read-only)."""
        return self._get_core().tokenizer

    @property
    def protected_words(self) -> frozenset[str]:
        """The words that are never cut (slogans from the lexicons and ``extra_words``)."""
        self._get_core()
        return frozenset(w.word for w in self._entries or () if w.protected)

    def cache_stats(self) -> dict[str, int]:
        """Documents served from the on-disk cache (``hits``) and segmented (``misses``)
        by :func:`segment_corpus` with this segmenter so far."""
        return {"hits": self._hits, "misses": self._misses}

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
        >>> Segmenter().cut("X-X月开展三会一课")          # doctest: +SKIP
        ['X-X', '月', '开展', '三会一课']
        """
        check_type(text, "text", "Segmenter.cut", str, "a str")
        tokens = self._get_core().cut(text, self.engine)
        if drop_space:
            return [t for t in tokens if not t.isspace()]
        return tokens

    def spans(self, text: str, *, drop_space: bool = False) -> list[tuple[str, int, int]]:
        """Tokens with their offsets: ``(token, start, end)`` and ``text[start:end] == token``.

        Examples
        --------
        >>> Segmenter().spans("三社联动 XX")              # doctest: +SKIP
        [('三社联动', 0, 4), (' ', 4, 5), ('XX', 5, 7)]
        """
        check_type(text, "text", "Segmenter.spans", str, "a str")
        out = []
        pos = 0
        for tok in self._get_core().cut(text, self.engine):
            end = pos + len(tok)
            if not (drop_space and tok.isspace()):
                out.append((tok, pos, end))
            pos = end
        return out

    def _all_tokens(self, text: str) -> list[str]:
        """All tokens of ``text``, whitespace included (no argument checks)."""
        return self._get_core().cut(text, self.engine)

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
        >>> vec.fit_transform(["开展三会一课", "落实三会一课制度"])   # doctest: +SKIP
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


# --------------------------------------------------------------------------- the document cache


class _DocCache:
    """Token lengths of segmented documents in one SQLite file (atomic transactions)."""

    FILE = "segments-v1.sqlite"

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / self.FILE
        self.conn = sqlite3.connect(self.path, timeout=60)
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS seg (key BLOB PRIMARY KEY, lengths BLOB NOT NULL)"
        )
        self.conn.commit()

    @staticmethod
    def key(version: str, text: str) -> bytes:
        h = hashlib.blake2b(digest_size=20)
        h.update(version.encode() + b"\0")
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT key, lengths FROM seg WHERE key IN ({marks})", chunk
            ).fetchall()
            found.update((bytes(k), bytes(v)) for k, v in rows)
        return found

    def put_many(self, items: Sequence[tuple[bytes, bytes]]) -> None:
        if items:
            with self.conn:  # one transaction: all or nothing
                self.conn.executemany(
                    "INSERT OR REPLACE INTO seg (key, lengths) VALUES (?, ?)", items
                )

    def close(self) -> None:
        self.conn.close()


def _open_cache(cache: Any, func: str) -> _DocCache | None:
    if cache is False or cache is None:
        return None
    folder = default_cache_dir() if cache is True else Path(cache)
    try:
        return _DocCache(folder)
    except (OSError, sqlite3.Error) as exc:
        print(
            f"corpus-tools: segment cache {folder} unusable ({exc}); segmenting without it",
            file=sys.stderr,
        )
        return None


# --------------------------------------------------------------------------- workers


def _pack(tokens: list[str]) -> bytes:
    """Token lengths, packed for the cache and for the way back from a worker."""
    return array("I", map(len, tokens)).tobytes()


def _lengths_batch(segmenter: Segmenter, texts: list[str]) -> list[bytes]:
    """Per-document work for the worker processes (a pure, picklable function)."""
    return [_pack(segmenter._all_tokens(t)) for t in texts]


def _tokens_from_lengths(text: str, packed: bytes, drop_space: bool) -> list[str] | None:
    lengths = array("I")
    lengths.frombytes(packed)
    out = []
    pos = 0
    for n in lengths:
        tok = text[pos : pos + n]
        pos += n
        if not (drop_space and tok.isspace()):
            out.append(tok)
    return out if pos == len(text) else None


def _batches(indices: list[int], texts: list[str], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    chars = 0
    for i in indices:
        batch.append(i)
        chars += len(texts[i])
        if chars >= size:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _texts_of(corpus: Any, func: str) -> list[str]:
    import pandas as pd

    if isinstance(corpus, pd.DataFrame):
        if "text" not in corpus.columns:
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} must be a DataFrame with a 'text' column "
                f"or a list of str. It has columns {list(corpus.columns)}."
            )
        values = corpus["text"].tolist()
    elif isinstance(corpus, pd.Series):
        values = corpus.tolist()
    elif isinstance(corpus, (str, bytes)) or not isinstance(corpus, Iterable):
        raise param_error("corpus", func, "a corpus DataFrame or a list of str", corpus)
    else:
        values = list(corpus)
    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} must hold str texts. "
                f"Row {i} is {type(v).__name__} ({v!r:.40})."
            )
    return values


def _segment_args(
    corpus: Any,
    func: str,
    *,
    segmenter: Segmenter | None,
    n_jobs: int | None,
    cache: Any,
    drop_space: bool,
    progress: bool | None,
    start_method: str | None,
) -> tuple[list[str], Segmenter]:
    """Check the arguments both segmentation engines take; return the texts and segmenter."""
    texts = _texts_of(corpus, func)
    if segmenter is None:
        segmenter = Segmenter()
    elif not isinstance(segmenter, Segmenter):
        raise param_error("segmenter", func, "a Segmenter or None", type(segmenter).__name__)
    if n_jobs is not None:
        check_number(n_jobs, "n_jobs", func, kind=int)
        if n_jobs == 0 or n_jobs < -1:
            raise param_error("n_jobs", func, "a positive int, -1 or None", n_jobs)
    if not isinstance(cache, (bool, str, os.PathLike)):
        raise param_error("cache", func, "a bool or a folder path", type(cache).__name__)
    check_type(drop_space, "drop_space", func, bool, "a bool")
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    if start_method is not None:
        check_choice(start_method, "start_method", func, multiprocessing.get_all_start_methods())
    return texts, segmenter


def _from_cache(
    store: _DocCache | None,
    segmenter: Segmenter,
    texts: list[str],
    results: list[list[str] | None],
    drop_space: bool,
) -> tuple[list[int], list[bytes]]:
    """Fill ``results`` from the cache; return the rows still to segment and the cache keys.

    Shared by the local and the Dask engine, so both count hits and misses alike.
    """
    todo = list(range(len(texts)))
    keys: list[bytes] = []
    if store is not None:
        keys = [store.key(segmenter.lexicon_version, t) for t in texts]
        found = store.get_many(list(dict.fromkeys(keys)))
        todo = []
        for i, k in enumerate(keys):
            packed = found.get(k)
            toks = None if packed is None else _tokens_from_lengths(texts[i], packed, drop_space)
            if toks is None:
                todo.append(i)
            else:
                results[i] = toks
        segmenter._hits += len(texts) - len(todo)
    segmenter._misses += len(todo)
    return todo, keys


def segment_corpus(
    corpus: Any,
    *,
    segmenter: Segmenter | None = None,
    n_jobs: int | None = None,
    cache: bool | str | os.PathLike[str] = True,
    drop_space: bool = True,
    progress: bool | None = None,
    start_method: str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> list[list[str]]:
    """Tokens of every document, in the order of the input rows.

    Parameters
    ----------
    corpus : DataFrame with a ``text`` column, Series or list of str
        The documents (a corpus table from :func:`corpus_tools.io.load_corpus`).
    segmenter : Segmenter, optional
        Defaults to ``Segmenter()`` (domain lexicon, no user lexicon).
    n_jobs : int, optional
        Worker processes. ``None``: all cores when there is enough text to segment
        (more than 400,000 characters not in the cache), else one. ``-1``: all cores.
    cache : bool or path, default True
        Keep the tokens of each document on disk, keyed by a hash of its text and the
        segmenter's :attr:`~Segmenter.lexicon_version`, so that a rerun (or a corpus that
        grew) only segments what is new. ``True``: under :func:`default_cache_dir`;
        a path: that folder; ``False``: no cache. The cache is one SQLite file
        (``segments-v1.sqlite``, token lengths only, about 4 bytes per token), written
        one transaction per batch: an interrupted run keeps the batches it finished and
        never leaves a half-written entry. An unusable folder is reported on stderr and
        the run goes on without a cache.
    drop_space : bool, default True
        Leave out whitespace tokens; with ``False`` each document's tokens join to its text.
    progress : bool, optional
        Progress bar on stderr; ``None``: only on a terminal.
    start_method : {"fork", "spawn", "forkserver"}, optional
        How worker processes start (default: the platform's).
    engine : {"local", "dask"}, default "local"
        ``"dask"`` runs on a dask.distributed cluster
        (:func:`corpus_tools.distributed.segment_corpus_dask`), same tokens.
    scheduler : str, optional
        Address of a dask.distributed scheduler (``engine="dask"`` only; default: a local
        cluster on all cores).

    Returns
    -------
    list of list of str
        One list of tokens per input row.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw").documents          # doctest: +SKIP
    >>> tokens = segment_corpus(docs)                        # doctest: +SKIP
    >>> segment_corpus(["三社联动，XX社区"], cache=False)      # doctest: +SKIP
    [['三社联动', '，', 'XX', '社区']]
    """
    func = "segment_corpus"
    texts, segmenter = _segment_args(
        corpus,
        func,
        segmenter=segmenter,
        n_jobs=n_jobs,
        cache=cache,
        drop_space=drop_space,
        progress=progress,
        start_method=start_method,
    )
    check_engine(engine, scheduler, func)
    if engine == "dask":
        from corpus_tools.distributed import segment_corpus_dask

        return segment_corpus_dask(
            corpus,
            segmenter=segmenter,
            n_jobs=n_jobs,
            cache=cache,
            drop_space=drop_space,
            progress=progress,
            start_method=start_method,
            scheduler=scheduler,
        )

    results: list[list[str] | None] = [None] * len(texts)
    store = _open_cache(cache, func)
    try:
        todo, keys = _from_cache(store, segmenter, texts, results, drop_space)
        # identical texts are segmented once
        first: dict[str, int] = {}
        unique = []
        for i in todo:
            if texts[i] not in first:
                first[texts[i]] = i
                unique.append(i)
        chars = sum(len(texts[i]) for i in unique)
        jobs = _resolve_jobs(n_jobs, chars)
        size = 50_000 if jobs <= 1 else max(20_000, min(1_000_000, chars // (jobs * 8) + 1))
        batches = list(_batches(unique, texts, size))
        done: dict[int, list[str]] = {}
        runner = _run(segmenter, texts, batches, jobs, start_method)
        for batch, token_lists in progress_bar(
            runner, desc="segment", unit="batch", total=len(batches), enabled=progress
        ):
            for i, toks in zip(batch, token_lists, strict=True):
                done[i] = toks
            if store is not None:
                try:
                    store.put_many([(keys[i], _pack(done[i])) for i in batch])
                except sqlite3.Error as exc:
                    print(
                        f"corpus-tools: segment cache {store.path} not written ({exc}); "
                        "going on without it",
                        file=sys.stderr,
                    )
                    store.close()
                    store = None
        for i in todo:
            j = first[texts[i]]
            toks = done[j]
            if drop_space:
                results[i] = [t for t in toks if not t.isspace()]
            else:
                results[i] = toks if i == j else list(toks)
    finally:
        if store is not None:
            store.close()
    return [r if r is not None else [] for r in results]


def _resolve_jobs(n_jobs: int | None, chars: int) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    if n_jobs is None:
        return cores if chars >= _PARALLEL_MIN_CHARS else 1
    if n_jobs == -1:
        return cores
    return n_jobs


def _run(
    segmenter: Segmenter,
    texts: list[str],
    batches: list[list[int]],
    jobs: int,
    start_method: str | None,
) -> Iterator[tuple[list[int], list[list[str]]]]:
    """Segment each batch of ``texts``, yielding (batch, tokens per text) in order."""
    if jobs <= 1 or len(batches) <= 1:
        for batch in batches:
            yield batch, [segmenter._all_tokens(texts[i]) for i in batch]
        return
    ctx = multiprocessing.get_context(start_method)
    if ctx.get_start_method() == "fork":
        segmenter.load()  # the children inherit the loaded dictionary
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = [
            (batch, pool.submit(_lengths_batch, segmenter, [texts[i] for i in batch]))
            for batch in batches
        ]
        for batch, fut in futures:
            token_lists = []
            for i, packed in zip(batch, fut.result(), strict=True):
                toks = _tokens_from_lengths(texts[i], packed, False)
                if toks is None:  # pragma: no cover - lengths always add up
                    raise RuntimeError(f"segmentation of row {i} lost characters")
                token_lists.append(toks)
            yield batch, token_lists


# --------------------------------------------------------------------------- gensim


def gensim_corpus(
    tokens: Iterable[Sequence[str]],
    *,
    stopwords: Iterable[str] | None = None,
    keep_punct: bool = False,
    min_chars: int = 1,
    no_below: int = 1,
    no_above: float = 1.0,
) -> tuple[Any, list[list[tuple[int, int]]]]:
    """A gensim ``Dictionary`` and bag-of-words corpus from segmented documents.

    Parameters
    ----------
    tokens : iterable of list of str
        Tokens per document, as :func:`segment_corpus` returns them.
    stopwords : iterable of str, optional
        Tokens to leave out (e.g. :func:`corpus_tools.tokens.load_stopwords()`).
    keep_punct : bool, default False
        Keep punctuation and symbol tokens (whitespace is always left out).
    min_chars : int, default 1
        Leave out tokens shorter than this.
    no_below : int, default 1
        Keep terms found in at least this many documents.
    no_above : float, default 1.0
        Keep terms found in at most this fraction of the documents.

    Returns
    -------
    dictionary : gensim.corpora.Dictionary
        Term ids assigned in order of first occurrence (deterministic).
    bow : list of list of (int, int)
        ``(term id, count)`` per document, aligned with ``tokens``.

    Examples
    --------
    >>> toks = segment_corpus(["开展三会一课", "落实三会一课制度"], cache=False)  # doctest: +SKIP
    >>> dictionary, bow = gensim_corpus(toks)                                 # doctest: +SKIP
    >>> from gensim.models import LdaModel                                    # doctest: +SKIP
    >>> LdaModel(bow, id2word=dictionary, num_topics=2, random_state=0)       # doctest: +SKIP
    """
    func = "gensim_corpus"
    stop = check_stopwords(stopwords, func)
    check_type(keep_punct, "keep_punct", func, bool, "a bool")
    check_number(min_chars, "min_chars", func, kind=int, low=1)
    check_number(no_below, "no_below", func, kind=int, low=1)
    check_number(no_above, "no_above", func, low=0, high=1, low_open=True)
    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Iterable):
        raise param_error("tokens", func, "an iterable of token lists", type(tokens).__name__)
    from gensim.corpora import Dictionary

    docs = []
    for i, doc in enumerate(tokens):
        if isinstance(doc, str) or not isinstance(doc, Sequence):
            raise InvalidParameterError(
                f"The 'tokens' parameter of {func} must hold one list of str per document. "
                f"Document {i} is {type(doc).__name__}."
            )
        docs.append(
            [
                t
                for t in doc
                if len(t) >= min_chars and t not in stop and (keep_punct or is_content_token(t))
            ]
        )
    dictionary = Dictionary()
    # one document at a time: ids in order of first occurrence
    for doc in docs:
        dictionary.add_documents([doc])
    if no_below > 1 or no_above < 1.0:
        dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=None)
    bow = [dictionary.doc2bow(doc) for doc in docs]
    return dictionary, bow
