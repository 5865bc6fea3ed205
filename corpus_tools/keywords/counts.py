"""Counting terms per group of documents: the machinery under every keyword table.

Documents are segmented a chunk at a time (:mod:`corpus_tools.tokens`: slogans such as 两个确立
and placeholder runs such as ``XX`` are one token, and the tokens of every document are
cached on disk, so a rerun or an extended corpus only segments what is new), and counted
per group of metadata fields (``by=["year"]``); :func:`count_corpus` returns the counts
(:class:`CorpusCounts`) from which :func:`~corpus_tools.keywords.keyword_table` and
:func:`~corpus_tools.keywords.keyness` build their tables.

Two optional steps run before counting, each on a result the caller may pass in, so that
a notebook or the report computes it once: :func:`strip_texts` removes the boilerplate
of a :class:`~corpus_tools.boilerplate.BoilerplateResult`, :func:`with_slogans` makes the
segmenter keep mined slogans whole.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from corpus_tools.engine import Engine, as_engine
from corpus_tools.errors import (
    InvalidParameterError,
    check_columns,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.io import CORPUS_COLUMNS, CorpusStream, as_corpus, corpus_chunks
from corpus_tools.progress import progress_counter

if TYPE_CHECKING:  # (imported when used: a table that strips nothing does not load it)
    from corpus_tools.boilerplate import BoilerplateResult
    from corpus_tools.tokens.cache import TokenBatch

__all__ = [
    "CHUNK_CHARS",
    "CHUNK_SIZE",
    "KEYWORD_COLUMNS",
    "RATE_CHARS",
    "SLOGAN_KINDS",
    "SLOGAN_MIN_DOCS",
    "CorpusCounts",
    "GroupTerms",
    "assemble",
    "check_by",
    "check_given",
    "check_run",
    "chunk_ranges",
    "corpus_arg",
    "count_corpus",
    "document_groups",
    "is_missing",
    "key_columns",
    "segment_chunk",
    "strip_texts",
    "summarize",
    "tokenize_chunk",
    "with_slogans",
]

#: Columns of :func:`keyword_table` after the ``by`` fields.
KEYWORD_COLUMNS = ("term", "count", "doc_freq", "docs", "rate_per_10k", "tfidf")

#: Documents segmented and counted per step: bounds memory (tokens of one chunk at a time).
CHUNK_SIZE = 2000
#: ... and characters per step (a chunk of long reports stops earlier).
CHUNK_CHARS = 1_500_000

#: ``rate_per_10k``: occurrences per this many characters of a group's text.
RATE_CHARS = 10_000

#: ``mine_slogans=True`` keeps whole the slogans :func:`~corpus_tools.slogans.mine_slogans`
#: finds of these kinds (numbered formulas such as 五星三联; a quoted phrase may be ordinary
#: words) ...
SLOGAN_KINDS = ("numeric",)
#: ... in at least this many documents (one document's coinage is not the genre's).
SLOGAN_MIN_DOCS = 2

#: A number as the segmenter cuts it (``2025``, ``３.５``, ``10%``): a term only with numbers=True.
_NUMBER_TOKEN = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)*[%％‰]?")
_DIGITS = frozenset("0123456789０１２３４５６７８９")


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class _Options:
    """What decides whether a token is a term (keyword_table and keyness)."""

    stopwords: frozenset[str]
    min_length: int
    numbers: bool


def _resolve_stopwords(stopwords: Any, func: str) -> frozenset[str]:
    allowed = "True, False or an iterable of str"
    if stopwords is True:
        from corpus_tools.tokens.stopwords import load_stopwords

        return frozenset(load_stopwords())
    if stopwords is False or stopwords is None:
        return frozenset()
    if isinstance(stopwords, (str, bytes)) or not isinstance(stopwords, Iterable):
        raise param_error("stopwords", func, allowed, stopwords)
    words = list(stopwords)
    for w in words:
        if not isinstance(w, str):
            raise param_error("stopwords", func, allowed, f"an iterable holding {w!r}")
    return frozenset(words)


def _term_set(words: set[str], options: _Options) -> set[str]:
    """The content words (:func:`~corpus_tools.tokens.is_content_token`) that are terms
    (see :func:`keyword_table`): long enough, no stopword, no number unless asked for."""
    terms = words - options.stopwords
    if options.min_length > 1:
        terms = {t for t in terms if len(t) >= options.min_length}
    if not options.numbers:  # (a number starts with a digit: the pattern runs on few)
        numbers = {t for t in terms if t[0] in _DIGITS and _NUMBER_TOKEN.fullmatch(t)}
        terms -= numbers
    return terms


# --------------------------------------------------------------------------- input


def corpus_arg(corpus: Any, func: str) -> pd.DataFrame:
    """A corpus table (doc_id, text, ...), a dict doc_id -> text, or a list of texts."""
    return as_corpus(corpus, func, unique=False)


def check_by(by: Any, corpus: pd.DataFrame | None, func: str) -> list[str]:
    """The ``by`` fields as a list; checked against ``corpus``'s columns unless it is None."""
    if by is None:
        return []
    fields = [by] if isinstance(by, str) else by
    if not isinstance(fields, (list, tuple)) or not all(isinstance(f, str) for f in fields):
        raise param_error("by", func, "a field name or a list of field names", by)
    fields = list(fields)
    for name in fields:
        if name in KEYWORD_COLUMNS or name in ("text",):
            raise InvalidParameterError(
                f"The 'by' parameter of {func} cannot group by {name!r}: it is a column of "
                f"the result or the text itself. Choose a metadata field."
            )
        if corpus is not None and name not in corpus.columns:
            meta = [c for c in corpus.columns if c not in ("text",)]
            raise InvalidParameterError(
                f"The 'by' parameter of {func} must name fields of the corpus. {name!r} is "
                f"not one; the corpus has {meta}."
            )
    if len(set(fields)) != len(fields):
        raise param_error("by", func, "distinct field names", by)
    return fields


def is_missing(value: Any) -> bool:
    """True for None, NA, NaT and NaN: a document without a value of a ``by`` field."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _key_sort(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """Order group keys: missing last, values of one type by value, mixed types by type name."""
    out: list[Any] = []
    for v in key:
        if is_missing(v):
            out.append((1, "", 0))
        elif isinstance(v, (bool, np.bool_)):
            out.append((0, "bool", int(v)))
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out.append((0, "number", float(v)))
        else:
            out.append((0, type(v).__name__, str(v)))
    return tuple(out)


def _row_keys(
    corpus: pd.DataFrame, by: list[str], rows: int | None = None
) -> list[tuple[Any, ...]]:
    """The group key of every document (a field a chunk lacks is missing there); ``rows``:
    how many documents, when ``corpus`` holds fields only (and may have no column)."""
    n = len(corpus) if rows is None else rows
    if not by:
        return [()] * n
    keys: list[tuple[Any, ...]] = []
    columns = [corpus[f].tolist() if f in corpus.columns else [None] * n for f in by]
    for row in zip(*columns, strict=True):
        key = tuple(None if is_missing(v) else v for v in row)
        for v in key:
            if not isinstance(v, Hashable):
                raise InvalidParameterError(
                    f"The 'by' fields must hold scalar values (a year, a province); a document "
                    f"holds {type(v).__name__} {v!r}."
                )
        keys.append(key)
    return keys


def document_groups(corpus: pd.DataFrame, by: list[str]) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Sorted distinct group keys and the group index of every document."""
    keys = _row_keys(corpus, by)
    distinct = sorted(set(keys), key=_key_sort)
    index = {k: i for i, k in enumerate(distinct)}
    return distinct, [index[k] for k in keys]


class _FieldTypes:
    """The dtype each ``by`` column would have in the whole corpus table, folded over chunks.

    A chunk whose column is absent or all missing says nothing of the type, only that
    values are missing; an integer column with missing values is Int64 in one table, and a
    boolean one boolean (:mod:`corpus_tools.io.tables`).
    """

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        self.dtypes: dict[str, Any] = {}
        self.missing: set[str] = set()

    def add(self, frame: pd.DataFrame, rows: int | None = None) -> None:
        """Fold in the columns of a chunk of ``rows`` documents (default: ``len(frame)``;
        a table of fields only may have no column)."""
        for name in self.fields:
            if name not in frame.columns:
                if len(frame) if rows is None else rows:
                    self.missing.add(name)
                continue
            column = frame[name]
            na = column.isna()
            if na.any():
                self.missing.add(name)
            if na.all():
                continue
            dtype = column.dtype
            if isinstance(dtype, (pd.Int64Dtype, pd.BooleanDtype)):  # nullable: numpy's kind
                dtype = np.dtype(np.int64 if isinstance(dtype, pd.Int64Dtype) else bool)
            old = self.dtypes.get(name)
            if old is None or old == dtype:
                self.dtypes[name] = dtype
            elif isinstance(old, np.dtype) and isinstance(dtype, np.dtype):
                self.dtypes[name] = np.result_type(old, dtype)
            else:
                self.dtypes[name] = np.dtype(object)

    def result(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, dtype in self.dtypes.items():
            kind = dtype.kind if isinstance(dtype, np.dtype) and name in self.missing else ""
            if kind in ("i", "u"):
                out[name] = pd.Int64Dtype()
            elif kind == "b":
                out[name] = pd.BooleanDtype()
            else:
                out[name] = dtype
        return out


# --------------------------------------------------------------------------- counting


@dataclass
class _Counts:
    """Partial (mergeable) counts of a set of documents, per group index.

    Every token is counted as its id in the run's vocabulary (whitespace too: it is never a
    word); which ones are terms is decided once per distinct token at the end
    (:func:`_terms`). The counts are kept as numbers: ``parts`` holds (keys, counts,
    document counts) arrays, a key being ``group << 32 | token id``; once their sum holds
    :data:`_SHORT_PENDING` / 2 entries it is written to a temporary file (``runs``, each
    sorted by key), so that memory holds a bounded number of entries however many distinct
    tokens the corpus has; :func:`merged_counts` merges them a window at a time.
    """

    vocab: Any = None  # the Vocabulary the ids refer to
    parts: list[tuple[Any, Any, Any]] = field(default_factory=list)
    docs: Counter[int] = field(default_factory=Counter)
    chars: Counter[int] = field(default_factory=Counter)
    segmented: int = 0
    cached: int = 0
    runs: _Runs | None = None
    #: group renumbering applied by :meth:`summed` (old index -> new), None: none
    renamed: dict[int, int] | None = None

    def add(self, keys: Any, counts: Any, dfs: Any) -> None:
        """Add counts of (group, token) keys; summed per key once :attr:`parts` hold
        :data:`_SHORT_PENDING` entries, and the sum written to a run on disk when it
        stays large."""
        self.parts.append((keys, counts, dfs))
        if sum(len(k) for k, _, _ in self.parts) > _SHORT_PENDING:
            summed = _summed(self.parts)
            self.parts = [summed]
            if len(summed[0]) > _SHORT_PENDING // 2:
                if self.runs is None:
                    self.runs = _Runs()
                self.runs.write(*summed)
                self.parts = []

    def windows(self) -> Iterator[tuple[Any, Any, Any]]:
        """The counts (groups as counted, not renamed) as consecutive windows of
        (keys, counts, document counts), sorted by key, each key once, of a bounded size."""
        rest = _summed(self.parts) if self.parts else None
        if self.runs is None:
            if rest is not None:
                yield rest
            return
        yield from self.runs.merged(rest)

    def summed(self) -> tuple[Any, Any, Any]:
        """The counts as (keys, counts, document counts) arrays sorted by key, each once
        (groups renamed; all in memory)."""
        windows = list(self.windows())
        if not windows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        keys, counts, dfs = (np.concatenate(a) for a in zip(*windows, strict=True))
        if self.renamed and len(keys):
            table = np.zeros(max(self.renamed) + 1, dtype=np.int64)
            table[list(self.renamed)] = list(self.renamed.values())
            keys = (table[keys >> _ID_BITS] << _ID_BITS) | (keys & _ID_MASK)
            return _summed([(keys, counts, dfs)])
        return keys, counts, dfs

    def renumber(self, new: dict[int, int]) -> _Counts:
        """The same counts with group ``g`` renamed ``new[g]``."""
        return _Counts(
            self.vocab,
            self.parts,
            Counter({new[g]: n for g, n in self.docs.items()}),
            Counter({new[g]: n for g, n in self.chars.items()}),
            self.segmented,
            self.cached,
            self.runs,
            dict(new),
        )


#: A count entry as written to a run: key, count, document count.
_ENTRY = np.dtype([("key", "<i8"), ("count", "<i8"), ("docs", "<i8")])
#: Entries the runs' read buffers hold in all while they are merged (24 bytes each).
_MERGE_ENTRIES = 1 << 20
#: ... and fewest read from a run at a time.
_MIN_RUN_READ = 4096


class _Runs:
    """Sorted runs of summed counts, in files of a temporary folder (removed with the
    object)."""

    def __init__(self) -> None:
        import tempfile

        self.folder = tempfile.TemporaryDirectory(prefix="corpus-tools-counts-")
        self.paths: list[str] = []

    def write(self, keys: Any, counts: Any, dfs: Any) -> None:
        entries = np.empty(len(keys), dtype=_ENTRY)
        entries["key"], entries["count"], entries["docs"] = keys, counts, dfs
        path = os.path.join(self.folder.name, f"run-{len(self.paths):05d}.bin")
        entries.tofile(path)
        self.paths.append(path)

    def merged(self, rest: tuple[Any, Any, Any] | None) -> Iterator[tuple[Any, Any, Any]]:
        """The runs (and ``rest``, in memory) merged: windows of keys, each once."""
        block = max(_MIN_RUN_READ, _MERGE_ENTRIES // (len(self.paths) + 1))
        readers = [_RunReader(p, block) for p in self.paths]
        if rest is not None:
            entries = np.empty(len(rest[0]), dtype=_ENTRY)
            entries["key"], entries["count"], entries["docs"] = rest
            readers.append(_RunReader(None, block, entries))
        try:
            while True:
                for r in readers:
                    r.fill()
                live = [r for r in readers if len(r.buffer)]
                if not live:
                    return
                full = [int(r.buffer["key"][-1]) for r in live if not r.done]
                end = min(full) if full else max(int(r.buffer["key"][-1]) for r in live)
                taken = [r.take(end) for r in live]
                yield _summed([(t["key"], t["count"], t["docs"]) for t in taken])
        finally:
            for r in readers:
                r.close()


class _RunReader:
    """Reads a run a block at a time (or holds one in memory)."""

    def __init__(self, path: str | None, block: int, entries: Any = None) -> None:
        self.fh = open(path, "rb") if path is not None else None  # noqa: SIM115
        self.block = block
        self.buffer = entries if entries is not None else np.zeros(0, dtype=_ENTRY)
        self.done = self.fh is None

    def fill(self) -> None:
        """Read the next block when the buffer holds less than half a block."""
        if self.done or len(self.buffer) >= self.block // 2:
            return
        assert self.fh is not None
        more = np.fromfile(self.fh, dtype=_ENTRY, count=self.block)
        if len(more) < self.block:
            self.done = True
        self.buffer = np.concatenate((self.buffer, more)) if len(self.buffer) else more

    def take(self, end: int) -> Any:
        """The buffered entries with keys up to ``end``, removed from the buffer."""
        n = int(np.searchsorted(self.buffer["key"], end, side="right"))
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None


def _summed(parts: list[tuple[Any, Any, Any]]) -> tuple[Any, Any, Any]:
    """The (keys, counts, document counts) arrays of ``parts`` as one, sorted by key with
    each key once (its counts summed)."""
    keys, counts, dfs = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([len(keys) > 0], keys[1:] != keys[:-1])))
    if not len(keys):
        return keys, counts, dfs
    return keys[starts], np.add.reduceat(counts[order], starts), np.add.reduceat(dfs[order], starts)


@dataclass
class _Terms:
    """The counts restricted to terms, with what the statistics need."""

    counts: dict[int, dict[str, int]]
    dfs: dict[int, Counter[str]]
    corpus_df: Counter[str]
    tokens: dict[int, int]  # word tokens per group (whitespace and punctuation not counted)


def _terms(counts: _Counts, options: _Options) -> _Terms:
    """The counts restricted to terms: each distinct token is judged once (content word?
    term?), then every group keeps its terms, selected by id in numpy."""
    from corpus_tools.tokens.segmenter import is_content_token

    keys, cnt, dfs = counts.summed()
    ids = keys & _ID_MASK
    words = counts.vocab.words if counts.vocab is not None else []
    present = np.flatnonzero(np.bincount(ids, minlength=len(words))).tolist()
    seen = [words[i] for i in present]
    # (letters and digits only: content, which most tokens are, told in C)
    word_set = {t for t in seen if t.isalnum() or is_content_token(t)}
    term_set = _term_set(word_set, options)
    is_word = np.zeros(len(words), dtype=bool)
    is_term = np.zeros(len(words), dtype=bool)
    is_word[[i for i, t in zip(present, seen, strict=True) if t in word_set]] = True
    is_term[[i for i, t in zip(present, seen, strict=True) if t in term_set]] = True
    kept: dict[int, dict[str, int]] = {g: {} for g in counts.docs}
    term_dfs: dict[int, Counter[str]] = {g: Counter() for g in counts.docs}
    tokens: dict[int, int] = dict.fromkeys(counts.docs, 0)
    groups = keys >> _ID_BITS
    bounds = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1], [True])))
    for a, b in itertools.pairwise(bounds.tolist()):
        if a >= len(keys):
            break
        g = int(groups[a])
        gids = ids[a:b]
        sel = is_term[gids]
        names = [words[i] for i in gids[sel].tolist()]
        kept[g] = dict(zip(names, cnt[a:b][sel].tolist(), strict=True))
        term_dfs[g] = Counter(dict(zip(names, dfs[a:b][sel].tolist(), strict=True)))
        tokens[g] = int(cnt[a:b][is_word[gids]].sum())
    sel = is_term[ids]
    total_df = np.bincount(ids[sel], weights=dfs[sel], minlength=len(words))
    in_corpus = np.flatnonzero(total_df)
    corpus_df = Counter(
        dict(
            zip(
                [words[i] for i in in_corpus.tolist()],
                total_df[in_corpus].astype(np.int64).tolist(),
                strict=True,
            )
        )
    )
    return _Terms(kept, term_dfs, corpus_df, tokens)


class CorpusCounts:
    """What :func:`count_corpus` returns: the counts a keyword table is built from.

    ``terms`` (the counts of terms per group, in dicts) is made when first asked for;
    :meth:`group_terms` reads the same one group at a time from the counts merged on
    disk, in bounded memory.
    """

    def __init__(
        self,
        key_dtypes: dict[str, Any],
        fields: list[str],
        keys: list[tuple[Any, ...]],
        counts: _Counts,
        options: _Options,
    ) -> None:
        #: dtype of each ``by`` column in the corpus (the result's key columns get it)
        self.key_dtypes = key_dtypes
        #: the ``by`` fields
        self.fields = fields
        #: the groups' keys (one value per field), sorted; group ``g`` is ``keys[g]``
        self.keys = keys
        #: every token's count, documents and characters per group
        self.counts = counts
        self.options = options
        self._terms: _Terms | None = None

    @property
    def terms(self) -> _Terms:
        """The counts restricted to terms, with word tokens per group (all in memory)."""
        if self._terms is None:
            self._terms = _terms(self.counts, self.options)
        return self._terms

    def group_terms(self) -> GroupTerms:
        """The terms of each group, read one group at a time (:class:`GroupTerms`)."""
        return GroupTerms(self.counts, self.options)


#: Distinct tokens judged (content word? term?) at a time.
_JUDGE_BLOCK = 100_000


class GroupTerms:
    """The counts of a corpus merged once (:meth:`_Counts.windows`) into a sorted file (or
    memory, when small), the distinct tokens judged a block at a time, and the terms of one
    group at a time (:meth:`group`), ordered by count (descending) and term.

    Memory holds a few numbers per token of the vocabulary and one group's terms.
    """

    def __init__(self, counts: _Counts, options: _Options) -> None:
        vocab = counts.vocab
        size = len(vocab) if vocab is not None else 0
        present = np.zeros(size, dtype=bool)
        corpus_df = np.zeros(size, dtype=np.int64)
        self._file: Any = None
        self._memory: list[Any] = []
        self._bounds: list[Any] = []
        for keys, cnt, dfs in counts.windows():
            ids = keys & _ID_MASK
            present[ids] = True
            groups = keys >> _ID_BITS
            cuts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1], [True])))
            for a, b in itertools.pairwise(cuts.tolist()):
                corpus_df[ids[a:b]] += dfs[a:b]  # (ids of one group are distinct)
            self._store(keys, cnt, dfs)
        self.vocab = vocab
        self.is_word, self.is_term = _judged(vocab, present, options)
        corpus_df[~self.is_term] = 0
        #: documents holding each term (by token id), over all groups
        self.corpus_df = corpus_df
        #: distinct terms of the corpus
        self.terms = int(np.count_nonzero(corpus_df))
        self._rank = _ranks(vocab, np.flatnonzero(corpus_df))
        self._renamed = counts.renamed
        self._old = {new: old for old, new in (counts.renamed or {}).items()}

    def _store(self, keys: Any, cnt: Any, dfs: Any) -> None:
        """Keep a merged window: in memory while it is the first, else in a file."""
        entries = np.empty(len(keys), dtype=_ENTRY)
        entries["key"], entries["count"], entries["docs"] = keys, cnt, dfs
        if not self._memory and self._file is None:
            self._memory.append(entries)
            return
        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            for held in self._memory:
                held.tofile(self._file)
            self._memory = []
        entries.tofile(self._file)

    def _entries(self, group: int) -> Any:
        """The merged entries of group ``group`` (as counted)."""
        lo, hi = group << _ID_BITS, (group + 1) << _ID_BITS
        if self._file is None:
            held = self._memory[0] if self._memory else np.zeros(0, dtype=_ENTRY)
            at = np.searchsorted(held["key"], [lo, hi])
            return held[at[0] : at[1]]
        self._file.flush()
        mapped = np.memmap(self._file, dtype=_ENTRY, mode="r")
        a, b = (int(x) for x in np.searchsorted(mapped["key"], [lo, hi]))
        del mapped
        self._file.seek(a * _ENTRY.itemsize)
        return np.fromfile(self._file, dtype=_ENTRY, count=b - a)

    def group(self, g: int) -> tuple[Any, Any, Any, Any]:
        """Group ``g``'s terms (token ids), counts and document counts, most frequent first
        then by term, and its word tokens (whitespace and punctuation not counted)."""
        entries = self._entries(self._old.get(g, g) if self._renamed else g)
        ids = entries["key"] & _ID_MASK
        cnt, dfs = entries["count"], entries["docs"]
        words = int(cnt[self.is_word[ids]].sum())
        sel = self.is_term[ids]
        ids, cnt, dfs = ids[sel], cnt[sel], dfs[sel]
        order = np.lexsort((self._rank[ids], -cnt))
        return ids[order], cnt[order], dfs[order], words

    def words(self, ids: Any) -> list[str]:
        """The terms of token ids."""
        return self.vocab.words_of(ids) if len(ids) else []

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _judged(vocab: Any, present: Any, options: _Options) -> tuple[Any, Any]:
    """Which token ids are words (content tokens) and which terms, of those ``present``
    (bool arrays over the vocabulary), judged :data:`_JUDGE_BLOCK` tokens at a time."""
    from corpus_tools.tokens.segmenter import is_content_token

    is_word = np.zeros(len(present), dtype=bool)
    is_term = np.zeros(len(present), dtype=bool)
    ids = np.flatnonzero(present)
    for start in range(0, len(ids), _JUDGE_BLOCK):
        block = ids[start : start + _JUDGE_BLOCK].tolist()
        seen = vocab.words_of(block)
        word_set = {t for t in seen if t.isalnum() or is_content_token(t)}
        term_set = _term_set(word_set, options)
        is_word[[i for i, t in zip(block, seen, strict=True) if t in word_set]] = True
        is_term[[i for i, t in zip(block, seen, strict=True) if t in term_set]] = True
    return is_word, is_term


def _ranks(vocab: Any, ids: Any) -> Any:
    """The rank of each of token ids ``ids`` in the order of their strings (an int64 array
    over the vocabulary; other ids 0).

    Sorted in numpy by their first three characters (:func:`_prefix_keys`); only the
    words that share those are made strings and sorted, a block at a time."""
    size = len(vocab) if vocab is not None else 0
    rank = np.zeros(size, dtype=np.int64)
    if not len(ids):
        return rank
    keys = _prefix_keys(vocab, ids)
    order = np.argsort(keys, kind="stable")
    ids = ids[order]
    keys = keys[order]
    del order
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    del keys
    ends = np.append(starts[1:], len(ids))
    tied = np.flatnonzero(ends - starts > 1)
    for block in _blocks(starts[tied], ends[tied], _JUDGE_BLOCK):
        a, b = int(block[0][0]), int(block[1][-1])
        words = vocab.words_of(ids[a:b])
        at = list(range(b - a))
        for lo, hi in zip((block[0] - a).tolist(), (block[1] - a).tolist(), strict=True):
            at[lo:hi] = sorted(at[lo:hi], key=words.__getitem__)
        ids[a:b] = ids[a:b][at]
    rank[ids] = np.arange(len(ids), dtype=np.int64)
    return rank


def _blocks(starts: Any, ends: Any, size: int) -> Iterator[tuple[Any, Any]]:
    """Consecutive runs (``starts[i]:ends[i]``, ascending) in blocks of about ``size``
    positions (a longer run alone)."""
    i = 0
    while i < len(starts):
        j = int(np.searchsorted(ends, starts[i] + size, side="right"))
        j = max(j, i + 1)
        yield starts[i:j], ends[i:j]
        i = j


#: Bits of a character in a prefix key (a code point is below 2**21).
_CHAR_BITS = 21


def _prefix_keys(vocab: Any, ids: Any) -> Any:
    """A key per token id ordered as the words' first three characters (0 past the end of
    a word): equal keys for words that may still differ."""
    keys = np.zeros(len(ids), dtype=np.uint64)
    lengths = vocab.lengths[ids]
    for j in range(3):
        chars = vocab.char_at(ids, j).astype(np.uint64)
        chars[lengths <= j] = 0
        keys = (keys << np.uint64(_CHAR_BITS)) | chars
    return keys


def chunk_ranges(
    lengths: Sequence[int], size: int, max_chars: int = CHUNK_CHARS
) -> Iterator[range]:
    """Consecutive ranges of at most ``size`` documents and about ``max_chars`` characters."""
    start = 0
    chars = 0
    for i, n in enumerate(lengths):
        chars += n
        if i + 1 - start >= size or chars >= max_chars:
            yield range(start, i + 1)
            start, chars = i + 1, 0
    if start < len(lengths):
        yield range(start, len(lengths))


# --------------------------------------------------------------------------- segmentation


def segment_chunk(
    texts: list[str], segmenter: Any, *, cache: Any, n_jobs: int | None, drop_space: bool = True
) -> tuple[list[list[str]], int, int]:
    """Tokens of ``texts`` and how many documents were segmented now / taken from the cache."""
    from corpus_tools.tokens import segment_corpus

    before = segmenter.cache_stats()
    tokens = segment_corpus(
        texts,
        segmenter=segmenter,
        n_jobs=n_jobs,
        cache=cache,
        drop_space=drop_space,
        progress=False,
    )
    after = segmenter.cache_stats()
    hits = int(after["hits"] - before["hits"])
    return tokens, int(after["misses"] - before["misses"]), hits


def check_given(
    func: str,
    *,
    strip_boilerplate: Any,
    boilerplate: Any,
    mine_slogans: Any,
    slogans: Any,
) -> None:
    """Check the two optional steps and the results a caller passes for them: a result is
    only taken with its step switched on (``boilerplate`` needs ``strip_boilerplate=True``)."""
    check_type(strip_boilerplate, "strip_boilerplate", func, bool, "a bool")
    check_type(mine_slogans, "mine_slogans", func, bool, "a bool")
    for name, value, step, on in (
        ("boilerplate", boilerplate, "strip_boilerplate", strip_boilerplate),
        ("slogans", slogans, "mine_slogans", mine_slogans),
    ):
        if value is not None and not on:
            raise InvalidParameterError(
                f"The {name!r} parameter of {func} is used with {step}=True. Got {step}=False; "
                f"set {step}=True to use it, or leave {name} out."
            )
    if boilerplate is not None:  # (imported only then: a table that strips nothing skips it)
        _check_boilerplate(boilerplate, func)
    if slogans is not None:
        _slogan_list(slogans, func)


def _check_boilerplate(boilerplate: Any, func: str) -> None:
    from corpus_tools.boilerplate import BoilerplateResult

    if not isinstance(boilerplate, BoilerplateResult):
        raise param_error(
            "boilerplate",
            func,
            "a BoilerplateResult (find_boilerplate) or None",
            type(boilerplate).__name__,
        )


def strip_texts(frame: pd.DataFrame, boilerplate: BoilerplateResult | None, func: str) -> list[str]:
    """The texts of ``frame`` without their boilerplate.

    ``boilerplate`` is a result of :func:`~corpus_tools.boilerplate.find_boilerplate` on this
    corpus (its spans name documents by ``doc_id``); None finds it here, with the default
    options.
    """
    from corpus_tools.boilerplate import strip_boilerplate as remove_boilerplate

    texts = [str(t) for t in frame["text"].tolist()]
    if boilerplate is None:
        return remove_boilerplate(texts)
    ids = [str(d) for d in frame["doc_id"].tolist()]
    _check_same_corpus(ids, boilerplate, func)
    stripped = remove_boilerplate(pd.DataFrame({"doc_id": ids, "text": texts}), result=boilerplate)
    return [str(t) for t in stripped["text"].tolist()]


def _check_same_corpus(ids: list[str], boilerplate: BoilerplateResult, func: str) -> None:
    """Refuse a result whose spans name documents the corpus does not hold (another corpus),
    and a corpus whose ``doc_id`` s do not name one document each."""
    seen: set[str] = set()
    for doc_id in ids:
        if doc_id in seen:
            raise InvalidParameterError(
                f"The 'boilerplate' parameter of {func} names documents by doc_id, so the "
                f"corpus must have unique values in column 'doc_id'. Got {doc_id!r} more than "
                "once instead; leave boilerplate out to find it in this corpus."
            )
        seen.add(doc_id)
    unknown = sorted(set(map(str, boilerplate.spans["doc_id"].tolist())) - seen)
    if unknown:
        raise InvalidParameterError(
            f"The 'boilerplate' parameter of {func} must come from this corpus. Its spans "
            f"name doc_id {unknown[0]!r}, which the corpus does not hold."
        )


def _slogan_list(slogans: Any, func: str) -> list[str]:
    """The slogans of a :func:`~corpus_tools.slogans.mine_slogans` table or of a list."""
    allowed = "a slogan table (mine_slogans), a list of str or None"
    if isinstance(slogans, pd.DataFrame):
        check_columns(slogans, "slogans", func, ["slogan"])
        words = slogans["slogan"].tolist()
    elif isinstance(slogans, (str, bytes)) or not isinstance(slogans, Iterable):
        raise param_error("slogans", func, allowed, type(slogans).__name__)
    else:
        words = list(slogans)
    for w in words:
        if not isinstance(w, str):
            raise param_error("slogans", func, allowed, w)
    return words


def with_slogans(segmenter: Any, texts: Sequence[str], slogans: Any, func: str) -> Any:
    """A segmenter that also keeps whole the given slogans, or (None) the slogans mined from
    ``texts``: kinds :data:`SLOGAN_KINDS` in at least :data:`SLOGAN_MIN_DOCS` documents.

    Slogans holding whitespace are left out (a token never does); ``segmenter`` itself when
    it knows every slogan already.
    """
    from corpus_tools.tokens.segmenter import Segmenter

    if slogans is None:
        from corpus_tools.slogans import mine_slogans

        slogans = mine_slogans(
            list(texts), kinds=SLOGAN_KINDS, min_docs=SLOGAN_MIN_DOCS, progress=False
        )
    words = sorted(
        {w for w in _slogan_list(slogans, func) if w and not any(ch.isspace() for ch in w)}
        - set(segmenter.extra_words)
    )
    if not words:
        return segmenter
    return Segmenter(
        lexicons=segmenter.lexicons,
        extra_words=(*segmenter.extra_words, *words),
        domain_lexicon=segmenter.domain_lexicon,
        protect_lexicons=segmenter.protect_lexicons,
        hmm=segmenter.hmm,
        algorithm=segmenter.algorithm,
    )


def tokenize_chunk(texts: list[str], segmenter: Any) -> TokenBatch:
    """The stage every engine runs: the tokens of a chunk of documents, as ids of the
    chunk's own vocabulary (:class:`~corpus_tools.tokens.cache.TokenBatch`), each distinct
    text segmented once. The calling process maps them to the ids of the run's vocabulary
    (the cache's) and counts them: workers never touch the cache.

    Examples
    --------
    >>> from corpus_tools.tokens import Segmenter
    >>> tokenize_chunk(["XX社区开展三会一课"], Segmenter()).words
    ['XX', '社区', '开展', '三会一课']
    """
    from corpus_tools.tokens.cache import tokenize_batch

    memo: dict[str, list[str]] = {}
    token_lists = []
    for text in texts:
        tokens = memo.get(text)
        if tokens is None:
            tokens = memo[text] = segmenter.cut(text)
        token_lists.append(tokens)
    return tokenize_batch(token_lists)


#: Fewest characters in a chunk counted on a worker of several (smaller chunks: more tasks
#: to balance the workers, but more partial counts to send back and merge).
MIN_PARALLEL_CHUNK_CHARS = 100_000
#: Chunks per worker when the corpus is cut for several workers.
CHUNKS_PER_WORKER = 4


def _chunk_chars(chars: int, workers: int) -> int:
    """Characters per chunk: CHUNK_CHARS in one process; on several workers, enough chunks
    to keep them all busy."""
    if workers <= 1:
        return CHUNK_CHARS
    share = chars // (workers * CHUNKS_PER_WORKER) + 1
    return max(MIN_PARALLEL_CHUNK_CHARS, min(CHUNK_CHARS, share))


def check_run(func: str, *, cache: Any, n_jobs: Any, progress: Any) -> None:
    """Checks of the options every public function shares."""
    if not isinstance(cache, (bool, str, os.PathLike)):
        raise param_error("cache", func, "a bool or a folder path", type(cache).__name__)
    if n_jobs is not None:
        check_number(n_jobs, "n_jobs", func, kind=int)
        if n_jobs == 0 or n_jobs < -1:
            raise param_error("n_jobs", func, "a positive int, -1 (all cores) or None", n_jobs)
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")


def count_corpus(
    corpus: Any,
    by: Any,
    func: str,
    *,
    segmenter: Any,
    stopwords: Any,
    min_length: int,
    numbers: bool,
    strip_boilerplate: bool,
    mine_slogans: bool,
    boilerplate: BoilerplateResult | None,
    slogans: Any,
    cache: Any,
    n_jobs: int | None,
    engine: str | Engine | None,
    scheduler: str | None,
    chunk_size: int,
    progress: bool | None,
) -> CorpusCounts:
    """Count every token of the corpus per group (see :class:`CorpusCounts`).

    With ``strip_boilerplate``, the texts are counted without their boilerplate (the spans
    of ``boilerplate``, found here when it is None: :func:`strip_texts`); with
    ``mine_slogans``, the segmenter also keeps ``slogans`` whole (mined from the texts as
    counted when None: :func:`with_slogans`).
    """
    check_number(min_length, "min_length", func, kind=int, low=1)
    check_type(numbers, "numbers", func, bool, "a bool")
    check_given(
        func,
        strip_boilerplate=strip_boilerplate,
        boilerplate=boilerplate,
        mine_slogans=mine_slogans,
        slogans=slogans,
    )
    check_run(func, cache=cache, n_jobs=n_jobs, progress=progress)
    eng = as_engine(engine, scheduler=scheduler, n_jobs=n_jobs, func=func)
    check_number(chunk_size, "chunk_size", func, kind=int, low=1)
    options = _Options(_resolve_stopwords(stopwords, func), min_length, numbers)
    from corpus_tools.tokens.segmenter import as_segmenter

    seg = as_segmenter(segmenter, func)
    tokens = _Tokens(cache, func)
    try:
        return _count_all(
            corpus,
            by,
            func,
            options,
            _Run(seg, tokens, eng, chunk_size, func),
            strip=(strip_boilerplate, boilerplate),
            mine=(mine_slogans, slogans),
            progress=progress,
        )
    finally:
        tokens.close()


def _count_all(
    corpus: Any,
    by: Any,
    func: str,
    options: _Options,
    run: _Run,
    *,
    strip: tuple[bool, BoilerplateResult | None],
    mine: tuple[bool, Any],
    progress: bool | None,
) -> CorpusCounts:
    """:func:`count_corpus` once its options are checked (``strip``: strip_boilerplate and
    boilerplate; ``mine``: mine_slogans and slogans)."""
    (strip_boilerplate, boilerplate), (mine_slogans, slogans) = strip, mine
    eng = run.engine
    stream = corpus if isinstance(corpus, CorpusStream) else None
    chunks, corpus = corpus_chunks(corpus)
    if chunks is not None:
        for name, value in (
            ("strip_boilerplate", strip_boilerplate),
            ("mine_slogans", mine_slogans),
        ):
            if value:
                raise InvalidParameterError(
                    f"The {name!r} option of {func} needs the whole corpus at once, and a "
                    "stream holds one chunk at a time. Pass a corpus table (load_corpus) "
                    f"to use it, or set {name}=False."
                )
        with eng:
            return _count_stream(
                _stream_parts(stream, chunks, by, func), by, func, options, run, progress=progress
            )
    frame = corpus_arg(corpus, func)
    fields = check_by(by, frame, func)
    keys, groups = document_groups(frame, fields)
    texts = [str(t) for t in frame["text"].tolist()]
    if strip_boilerplate:
        texts = strip_texts(frame, boilerplate, func)
    if mine_slogans:
        run = run._replace(segmenter=with_slogans(run.segmenter, texts, slogans, func))
    counts = _Counts()
    with eng, progress_counter(desc="keywords", total=len(texts), enabled=progress) as bar:
        _count_texts(texts, groups, run, bar, counts)
    key_dtypes = {f: frame[f].dtype for f in fields}
    return CorpusCounts(key_dtypes, fields, keys, counts, options)


class _Tokens:  # (a class, not a tuple: a failed write leaves the run without the cache)
    """The run's token store: the cache (None without one, or after a failed write) and
    the vocabulary the counted ids refer to (the cache's, else one in memory)."""

    def __init__(self, cache: Any, func: str) -> None:
        self.cache = cache
        self.func = func
        self.store: Any = None
        self.vocab: Any = None

    def open(self) -> Any:
        """The vocabulary, the cache opened first (once: when a document is counted)."""
        if self.vocab is None:
            from corpus_tools.tokens.cache import Vocabulary, open_cache

            self.store = open_cache(self.cache, self.func)
            self.vocab = self.store.vocab if self.store is not None else Vocabulary()
        return self.vocab

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


class _Run(NamedTuple):
    """How documents are segmented and counted (the same for every chunk of a corpus)."""

    segmenter: Any
    tokens: _Tokens
    engine: Engine  # open while the corpus is counted
    chunk_size: int
    func: str


def _count_texts(texts: list[str], groups: list[int], run: _Run, bar: Any, total: _Counts) -> None:
    """Add the counts of ``texts`` (group ``groups[i]``) to ``total``; ``bar`` (or None)
    advances by the documents counted.

    This process reads the cache a chunk at a time and counts the documents found there
    itself (:func:`_count_cached`: no worker, no dictionary); only the documents left to
    segment go to the run's engine, in chunks (:func:`tokenize_chunk`), whose tokens this
    process writes to the cache and counts (:func:`_count_segmented`). A rerun that finds
    every document in the cache starts no worker process.
    """
    total.vocab = run.tokens.open()
    todo, keys = _count_cached(texts, groups, run, total=total, bar=bar)
    run.segmenter.record_cache_use(hits=len(texts) - len(todo), misses=len(todo))
    if todo:
        _count_segmented(texts, groups, todo, keys, run, total=total, bar=bar)


def _count_cached(
    texts: list[str], groups: list[int], run: _Run, *, total: _Counts, bar: Any
) -> tuple[list[int], list[bytes]]:
    """Count into ``total`` the documents whose tokens the cache holds (read a chunk at a
    time and counted by :func:`_count_ids`); return the rows left to segment and their
    cache keys (no keys without a cache)."""
    store = run.tokens.store
    if store is None:
        return list(range(len(texts))), []
    version = run.segmenter.lexicon_version
    todo: list[int] = []
    todo_keys: list[bytes] = []
    for part in chunk_ranges([len(t) for t in texts], run.chunk_size):
        keys = store.keys(version, texts[part.start : part.stop])
        try:
            found = store.get_many(list(dict.fromkeys(keys)))
        except sqlite3.Error:  # closed after a failed write: segment everything
            found = {}
        rows = [i for i, key in zip(part, keys, strict=True) if key in found]
        counted = _count_ids(
            [texts[i] for i in rows],
            [found[keys[i - part.start]] for i in rows],
            [groups[i] for i in rows],
            total,
            refresh=store.refresh,
        )
        fits = [rows[j] for j in counted]
        total.cached += len(fits)
        done = set(fits)
        for i, key in zip(part, keys, strict=True):
            if i not in done:
                todo.append(i)
                todo_keys.append(key)
        if bar is not None:
            bar.update(len(fits))
    return todo, todo_keys


#: Bits of a token id in a count's key (``group << 32 | id``).
_ID_BITS = 32
_ID_MASK = (1 << _ID_BITS) - 1
#: Entries of counts kept before they are summed (about 24 bytes each); a sum of more than
#: half as many is written to a run on disk (:class:`_Runs`).
_SHORT_PENDING = 2_000_000
#: Most cells (groups x vocabulary) counted by ``numpy.bincount`` at once (8 bytes each);
#: a chunk of more groups is counted by sorting its keys.
_DENSE_CELLS = 1 << 22


def _joined(blobs: list[bytes]) -> tuple[Any, Any]:
    """uint32 blobs as one int64 array, and how many values each blob holds."""
    sizes = np.fromiter((len(b) >> 2 for b in blobs), dtype=np.int64, count=len(blobs))
    return np.frombuffer(b"".join(blobs), dtype=np.uint32).astype(np.int64), sizes


def _count_ids(
    texts: list[str],
    entries: list[tuple[bytes, bytes]],
    groups: list[int],
    total: _Counts,
    *,
    refresh: Any = None,
) -> list[int]:
    """Count into ``total`` the tokens of the texts whose entries (token ids, distinct ids)
    fit them: every id in the vocabulary, the tokens' lengths adding up to the text's;
    return the indices of the texts counted. ``refresh`` reads the vocabulary on when an
    entry names an id it does not have yet (another job wrote it)."""
    vocab = total.vocab
    ids, sizes = _joined([e[0] for e in entries])
    bags, bag_sizes = _joined([e[1] for e in entries])
    if refresh is not None and len(ids) and max(ids.max(), bags.max(initial=0)) >= len(vocab):
        refresh()
    fits = _fitting((ids, sizes), (bags, bag_sizes), vocab, [len(t) for t in texts])
    rows = np.flatnonzero(fits).tolist()
    if len(rows) < len(texts):
        ids, sizes = ids[np.repeat(fits, sizes)], sizes[fits]
        bags, bag_sizes = bags[np.repeat(fits, bag_sizes)], bag_sizes[fits]
    doc_groups = np.array([groups[i] for i in rows], dtype=np.int64)
    if rows:  # documents and characters per group, the groups of this chunk at once
        docs = np.bincount(doc_groups)
        chars = np.bincount(doc_groups, weights=np.array([len(texts[i]) for i in rows]))
        for g in np.flatnonzero(docs).tolist():
            total.docs[g] += int(docs[g])
            total.chars[g] += int(chars[g])
    if len(ids):
        _add_ids(total, ids, np.repeat(doc_groups, sizes), bags, np.repeat(doc_groups, bag_sizes))
    return rows


def _fitting(tokens: tuple[Any, Any], bags: tuple[Any, Any], vocab: Any, lengths: list[int]) -> Any:
    """Which documents' entries fit their texts (a bool array): ids in the vocabulary,
    token lengths adding up to the text's length (``tokens`` and ``bags``: the ids and
    how many each document has)."""
    (ids, sizes), n = tokens, len(vocab)
    bad = np.zeros(len(sizes), dtype=bool)
    for values, counts in tokens, bags:
        out = values >= n
        if out.any():
            bad |= (
                np.bincount(np.repeat(np.arange(len(counts)), counts)[out], minlength=len(counts))
                > 0
            )
    token_lengths = vocab.lengths[np.minimum(ids, max(n - 1, 0))] if n else np.zeros_like(ids)
    running = np.concatenate(([0], np.cumsum(token_lengths)))
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    chars = running[bounds[1:]] - running[bounds[:-1]]
    return (chars == np.array(lengths, dtype=np.int64)) & ~bad


def _add_ids(total: _Counts, ids: Any, groups: Any, bags: Any, bag_groups: Any) -> None:
    """Add to ``total`` the tokens ``ids`` (of groups ``groups``) and the distinct tokens
    of each document ``bags`` (groups ``bag_groups``): counts and document counts per
    group and token, by ``numpy.bincount`` (or by sorting, for many groups)."""
    width = len(total.vocab)
    cells = (int(groups.max()) + 1) * width
    if cells <= _DENSE_CELLS:
        counts = np.bincount(groups * width + ids, minlength=cells)
        dfs = np.bincount(bag_groups * width + bags, minlength=cells)
        cell = np.flatnonzero(counts)
        keys = ((cell // width) << _ID_BITS) | (cell % width)
        total.add(keys, counts[cell], dfs[cell])
        return
    keys, counts = _distinct((groups << _ID_BITS) | ids)
    bag_keys, bag_counts = _distinct((bag_groups << _ID_BITS) | bags)
    at = np.minimum(np.searchsorted(keys, bag_keys), len(keys) - 1)
    held = keys[at] == bag_keys  # (a distinct id is always one of the document's ids)
    dfs = np.zeros_like(counts)
    dfs[at[held]] = bag_counts[held]
    total.add(keys, counts, dfs)


def _distinct(values: Any) -> tuple[Any, Any]:
    """The distinct values of an int64 array, sorted, and how often each occurs
    (``numpy.unique(values, return_counts=True)`` by one in-place sort, which is faster).
    """
    values.sort()
    starts = np.flatnonzero(np.concatenate(([len(values) > 0], values[1:] != values[:-1])))
    return values[starts], np.diff(np.append(starts, len(values)))


def _count_segmented(
    texts: list[str],
    groups: list[int],
    rows: list[int],
    keys: list[bytes],
    run: _Run,
    *,
    total: _Counts,
    bar: Any,
) -> None:
    """Segment the documents ``rows`` on the run's engine, in chunks
    (:func:`tokenize_chunk`), and count them into ``total``, writing the tokens of each
    chunk to the cache under ``keys`` (one per row) as it comes back."""
    from corpus_tools.tokens.cache import write_cached

    lengths = [len(texts[i]) for i in rows]
    chars = sum(lengths)
    parts = list(
        chunk_ranges(lengths, run.chunk_size, _chunk_chars(chars, run.engine.workers(chars)))
    )
    chunks = ([texts[rows[j]] for j in part] for part in parts)
    results = run.engine.map(tokenize_chunk, chunks, run.segmenter, work=chars)
    tokens = run.tokens
    for k, batch in results:
        part = parts[k]
        names = [keys[j] for j in part] if tokens.store is not None else []
        tokens.store, entries = write_cached(tokens.store, names, batch, tokens.vocab)
        counted = _count_ids(
            [texts[rows[j]] for j in part], entries, [groups[rows[j]] for j in part], total
        )
        if len(counted) < len(part):  # pragma: no cover - the tokens always make the text
            raise RuntimeError("segmentation lost characters")
        total.segmented += len(part)
        if bar is not None:
            bar.update(len(part))


def _stream_parts(
    stream: CorpusStream | None, chunks: Iterator[pd.DataFrame], by: Any, func: str
) -> Iterator[tuple[list[str], pd.DataFrame, Iterable[str]]]:
    """The chunks of a stream as (texts, a table holding the ``by`` fields, the names of
    the chunk's columns): read without building the corpus table from a
    :class:`~corpus_tools.io.CorpusStream` grouped by metadata fields only."""
    fields = check_by(by, None, func)
    if stream is not None and not set(fields) & set(CORPUS_COLUMNS):
        for part in stream.field_chunks(fields):
            yield part.texts, part.fields, part.names
        return
    for chunk in chunks:
        frame = corpus_arg(chunk, func)
        yield [str(t) for t in frame["text"].tolist()], frame, [str(c) for c in frame.columns]


def _count_stream(
    parts: Iterator[tuple[list[str], pd.DataFrame, Iterable[str]]],
    by: Any,
    func: str,
    options: _Options,
    run: _Run,
    *,
    progress: bool | None,
) -> CorpusCounts:
    """:func:`count_corpus` over a stream of corpus tables, one chunk in memory at a time
    (``parts``: :func:`_stream_parts`).

    Groups are numbered as they appear and renumbered in sorted order at the end, so the
    counts equal those of the whole corpus at once.
    """
    # a chunk has a metadata column when one of its records has the field: whether a
    # field exists at all is known after the pass
    fields = check_by(by, None, func)
    types = _FieldTypes(fields)
    columns: set[str] = set()
    seen: dict[tuple[Any, ...], int] = {}
    total = _Counts()
    with progress_counter(desc="keywords", enabled=progress) as bar:
        for texts, frame, names in parts:
            columns.update(names)
            types.add(frame, len(texts))
            groups = [seen.setdefault(k, len(seen)) for k in _row_keys(frame, fields, len(texts))]
            _count_texts(texts, groups, run, bar, total)
    if columns:  # (an empty stream has no column to check the fields against)
        check_by(by, pd.DataFrame(columns=sorted(columns)), func)
    keys = sorted(seen, key=_key_sort)
    counts = total.renumber({seen[k]: i for i, k in enumerate(keys)})
    return CorpusCounts(types.result(), fields, keys, counts, options)


def summarize(counted: CorpusCounts, rows: int) -> dict[str, int]:
    """The run figures a table carries in ``attrs["summary"]``."""
    counts, terms, keys = counted.counts, counted.terms, counted.keys
    return {
        "documents": int(sum(counts.docs.values())),
        "groups": len(keys),
        "rows": rows,
        "terms": len(terms.corpus_df),
        "tokens": int(sum(terms.tokens.values())),
        "chars": int(sum(counts.chars.values())),
        "segmented": counts.segmented,
        "from_cache": counts.cached,
    }


def key_columns(
    fields: list[str],
    keys: list[tuple[Any, ...]],
    group_idx: np.ndarray,
    dtypes: dict[str, Any],
) -> dict[str, Any]:
    """The ``by`` columns of a result, with the corpus column's dtype where it allows."""
    out: dict[str, Any] = {}
    for j, name in enumerate(fields):
        values = [keys[g][j] for g in group_idx.tolist()]
        series = pd.Series(values, dtype=object)
        try:
            series = series.astype(dtypes.get(name, object))
        except (TypeError, ValueError):
            series = series.infer_objects()
        out[name] = series.array
    return out


# --------------------------------------------------------------------------- result tables


def assemble(
    parts: list[pd.DataFrame], counted: CorpusCounts, dtypes: dict[str, Any]
) -> pd.DataFrame:
    """One result table from per-group ``parts`` (a ``_group`` column, then ``dtypes``'
    columns): the ``by`` columns first, with the corpus columns' dtypes, then ``dtypes``'
    columns in order."""
    columns = list(dtypes)
    if parts:
        body = pd.concat(parts, ignore_index=True)
    else:
        body = pd.DataFrame(
            {
                "_group": pd.Series(dtype=np.int64),
                **{c: pd.Series(dtype=dtypes[c]) for c in columns},
            }
        )
    group_idx = body["_group"].to_numpy()
    out = pd.DataFrame(
        key_columns(counted.fields, counted.keys, group_idx, counted.key_dtypes),
        index=body.index,
    )
    for c in columns:
        out[c] = body[c]
    if "term" in out.columns:
        out["term"] = out["term"].astype(str)
    return out.reset_index(drop=True)
