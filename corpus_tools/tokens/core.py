"""The cutting itself: a loaded dictionary (:class:`Core`) and the rules applied before it.

Rules, applied before the dictionary is consulted (:meth:`Core.units`), so that counts are
stable: protected words, placeholder runs, numbers and whitespace runs are one token each.
Everything else is jieba's algorithm (prefix DAG, maximum-probability route, HMM for
unknown words). The ``"fast"`` algorithm runs it in Rust: :class:`RustCore` cuts each block
of text with ``rjieba`` (jieba-rs: jieba's dictionary, DAG, route and HMM ported to Rust;
MIT, maintained, binary wheels; about 10 times jieba's speed) over jieba's dictionary plus
the same lexicon entries, with a memo of text blocks (reports repeat their clauses). Where
jieba-rs's HMM keeps a run of Latin letters, digits and marks together that jieba splits
(``2024-2030``, ``F-16``: jieba-rs's pattern for such runs has an unescaped ``.``), its token
is split as jieba splits it, so the tokens are jieba's (tests/test_segment.py checks it on
real text). :class:`Core` is the same algorithm re-implemented in Python, as one backward
pass over precomputed log frequencies (:meth:`Core.route`) and a Viterbi with back-pointers
(:mod:`~corpus_tools.tokens.hmm`): the ``"fast"`` algorithm where rjieba is not installed,
and the dictionary behind :attr:`Core.tokenizer`. The ``"jieba"`` algorithm runs
``jieba.Tokenizer.cut`` on the same pieces instead.

A :class:`Core` or :class:`RustCore` is shared read-only by the segmenters of one lexicon
version in a process (:func:`shared_core`).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from corpus_tools.text.patterns import PLACEHOLDER_MARKS, PLACEHOLDER_RUN
from corpus_tools.tokens.hmm import hmm_words
from corpus_tools.tokens.lexicons import LexiconEntry, base_dictionary

__all__ = [
    "ALGORITHMS",
    "SEGMENTER_RULES_VERSION",
    "Core",
    "RustCore",
    "build_core",
    "build_rust_core",
    "clear_memos",
    "cut_around",
    "kept_whole",
    "memo_blocks",
    "memo_cut",
    "rust_version",
    "shared_core",
    "trie_pattern",
]

#: Bumped whenever a rule here changes the tokens; part of ``Segmenter.lexicon_version``.
SEGMENTER_RULES_VERSION = "1"

#: How a block of plain text is cut: jieba's algorithm re-implemented, or jieba itself.
ALGORITHMS = ("fast", "jieba")

#: Blocks jieba segments with its dictionary (``jieba.re_han_default``).
_HAN_SPLIT = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")

_CJK_RUN = re.compile("[\u4e00-\u9fd5]+")
_LATIN_MARKS = frozenset("XxＸｘ")
_MARKS = frozenset(PLACEHOLDER_MARKS)
_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

#: Largest number of distinct blocks memoised per process, then the memo starts afresh
#: (about 0.7 kB each: the memo stays under about 100 MB).
_MEMO_MAX = 150_000

_MISSING: Any = object()


def trie_pattern(words: Iterable[str]) -> str:
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
#: A character outside jieba's Chinese range: a block without one needs no re-split.
_NOT_HAN = re.compile("[^\u4e00-\u9fd5]")
#: How jieba's HMM (``jieba.finalseg.re_skip``) cuts a run that is not Chinese.
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def kept_whole(text: str, protect_re: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Spans kept whole before the dictionary is consulted, sorted, not overlapping.

    By priority where two start at the same place: protected words (``protect_re``),
    placeholder runs, numbers, whitespace runs; otherwise the leftmost wins.
    """
    found: list[tuple[int, int, int]] = []
    if protect_re is not None:
        found += [(m.start(), 0, m.end()) for m in protect_re.finditer(text)]
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


def cut_around(
    text: str,
    protect_re: re.Pattern[str] | None,
    plain: Callable[[str, list[str]], None],
) -> list[str]:
    """All tokens of ``text``: the spans kept whole, and ``plain`` on the text between."""
    out: list[str] = []
    pos = 0
    for start, end in kept_whole(text, protect_re):
        if start > pos:
            plain(text[pos:start], out)
        out.append(text[start:end])
        pos = end
    if pos < len(text):
        plain(text[pos:], out)
    return out


def memo_cut(
    piece: str, out: list[str], memo: dict[str, tuple[str, ...]], cut: Callable[[str], list[str]]
) -> None:
    """Cut ``piece`` block by block (jieba's blocks), each block once per memo."""
    for i, blk in enumerate(_HAN_SPLIT.split(piece)):
        if not blk:
            continue
        if i % 2:
            toks = memo.get(blk)
            if toks is None:
                toks = tuple(cut(blk))
                if len(memo) >= _MEMO_MAX:
                    memo.clear()
                memo[blk] = toks
            out.extend(toks)
        else:
            out.extend(blk)


class Core:
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
        self.protect_re = re.compile(trie_pattern(self.protected)) if self.protected else None
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
        """Spans kept whole before the dictionary is consulted (:func:`kept_whole`)."""
        return kept_whole(text, self.protect_re)

    def cut(self, text: str, algorithm: str) -> list[str]:
        """All tokens of ``text`` (whitespace runs included) by ``algorithm``."""
        plain = self._plain_fast if algorithm == "fast" else self._plain_jieba
        return cut_around(text, self.protect_re, plain)

    def _plain_fast(self, piece: str, out: list[str]) -> None:
        memo_cut(piece, out, self.memo, self._cut_python)

    def _cut_python(self, blk: str) -> list[str]:
        return self._cut_block(blk, hmm=self.hmm)

    def _plain_jieba(self, piece: str, out: list[str]) -> None:
        out.extend(self.tokenizer.cut(piece, HMM=self.hmm))

    # -- one block: jieba's algorithm -------------------------------------------------

    def route(self, blk: str) -> list[int]:
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
        nxt = self.route(blk)
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
                    words = tuple(hmm_words(buf))
                else:
                    words = tuple(finalseg.cut(buf))
                if len(self.hmm_memo) >= _MEMO_MAX:
                    self.hmm_memo.clear()
                self.hmm_memo[buf] = words
            out.extend(words)
        else:
            out.extend(buf)


class RustCore:
    """jieba's algorithm in Rust (``rjieba.Jieba``) over jieba's dictionary and the lexicon
    entries, with the same rules around it; shared by segmenters of one lexicon version.

    Its tokens are :class:`Core`'s (and ``jieba.Tokenizer.cut``'s) on the same pieces.
    """

    def __init__(self, entries: list[LexiconEntry], *, hmm: bool) -> None:
        import rjieba

        jb = rjieba.Jieba()
        for entry in entries:  # in order, as Core.add_word (None: jieba's suggest_freq)
            jb.add_word(entry.word, entry.freq, None)
        self.jb = jb
        self.hmm = hmm
        self.protected = frozenset(e.word for e in entries if e.protected)
        self.protect_re = re.compile(trie_pattern(self.protected)) if self.protected else None
        self.memo: dict[str, tuple[str, ...]] = {}
        self.hmm_memo: dict[str, tuple[str, ...]] = {}  # (unused: the HMM runs in Rust)

    def cut(self, text: str, algorithm: str) -> list[str]:
        """All tokens of ``text`` (whitespace runs included); ``algorithm`` is "fast"."""
        return cut_around(text, self.protect_re, self._plain)

    def _plain(self, piece: str, out: list[str]) -> None:
        memo_cut(piece, out, self.memo, self._cut_block)

    def _cut_block(self, blk: str) -> list[str]:
        """One block (``jieba.re_han_default``) as jieba cuts it."""
        toks: list[str] = self.jb.cut(blk, self.hmm)
        if not self.hmm or _NOT_HAN.search(blk) is None:
            return toks
        # jieba's HMM splits a run that is not Chinese with finalseg.re_skip
        # (2024 | - | 2030); jieba-rs's pattern keeps some such runs whole
        out: list[str] = []
        has_word = self.jb.has_word
        for tok in toks:
            if len(tok) > 1 and _NOT_HAN.search(tok) is not None and not has_word(tok):
                out.extend(x for x in _HMM_SKIP.split(tok) if x)
            else:
                out.append(tok)
        return out


def rust_version() -> str | None:
    """``rjieba-VERSION`` when rjieba is installed (the "fast" algorithm runs on it), else
    None (it runs on :class:`Core`). Found without importing it."""
    import importlib.util

    if importlib.util.find_spec("rjieba") is None:
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"rjieba-{version('rjieba')}"
    except PackageNotFoundError:  # pragma: no cover - importable but not installed
        return "rjieba"


def _latin_mark_in_word(text: str, start: int, end: int) -> bool:
    """True when a Latin ``X`` run touches Latin letters or digits (``Linux``, ``3x3``)."""
    if not any(ch in _LATIN_MARKS for ch in text[start:end]):
        return False
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (before != "" and before in _ASCII_ALNUM) or (after != "" and after in _ASCII_ALNUM)


# --------------------------------------------------------------------------- building


def build_core(entries: list[LexiconEntry], *, hmm: bool) -> Core:
    """jieba's dictionary plus the lexicon entries, in order."""
    base = base_dictionary()
    if not entries:
        return Core(base.total, base.logf, base.logf1, (), hmm=hmm)
    core = Core(base.total, base.logf.copy(), base.logf1.copy(), (), hmm=hmm)
    for entry in entries:
        core.add_word(entry.word, entry.freq)
    protected = sorted({e.word for e in entries if e.protected})
    return Core(core.total, core.logf, core.logf1, protected, hmm=hmm)


#: Loaded dictionaries by lexicon version, shared by segmenters of the same configuration;
#: the oldest is dropped past _CORES_MAX (a segmenter keeps its own reference).
_CORES: dict[str, Core | RustCore] = {}
_CORES_MAX = 4
_CORES_LOCK = threading.Lock()


def build_rust_core(entries: list[LexiconEntry], *, hmm: bool) -> RustCore:
    """jieba-rs's copy of jieba's dictionary plus the lexicon entries, in order."""
    return RustCore(entries, hmm=hmm)


def shared_core(
    version: str, entries: Callable[[], list[LexiconEntry]], *, hmm: bool, rust: bool = False
) -> Any:
    """The loaded dictionary of lexicon version ``version`` in this process, built from
    ``entries()`` on first use: a :class:`RustCore` with ``rust``, else a :class:`Core`."""
    key = f"{version}-rust" if rust else version
    with _CORES_LOCK:
        core = _CORES.get(key)
        if core is None:
            core = (build_rust_core if rust else build_core)(entries(), hmm=hmm)
            while len(_CORES) >= _CORES_MAX:
                del _CORES[next(iter(_CORES))]
            _CORES[key] = core
    return core


def memo_blocks() -> int:
    """Blocks memoised by the dictionaries loaded in this process (for benchmarks)."""
    return sum(len(core.memo) for core in _CORES.values())


def clear_memos() -> None:
    """Empty the memo of text blocks of every dictionary loaded in this process (for
    benchmarks: a repeat would be served from it)."""
    for core in _CORES.values():
        core.memo.clear()
        core.hmm_memo.clear()
