"""Keyword frequency tables, keyness between groups and keyword-in-context, for whole corpora.

Three tables, all computed from the same segmentation (:mod:`corpus_tools.segment`: slogans
such as 两个确立 and placeholder runs such as ``XX`` are one token, and the tokens of every
document are cached on disk, so a rerun or an extended corpus only segments what is new):

* :func:`keyword_table`: per term, and per group of metadata fields (``by=["year"]``), how
  often it occurs (``count``), in how many documents (``doc_freq``), per 10,000 characters
  (``rate_per_10k``) and its tf-idf weight; the genre's stopwords removed.
* :func:`keyness`: which terms are over- or under-used in one group against the rest of the
  corpus (or against a reference group): log-likelihood (G², Dunning 1993), log ratio
  (Hardie 2014) and a p-value.
* :func:`kwic`: keyword in context, one row per occurrence with ``start``/``end`` offsets
  into the text as loaded (``text[start:end] == match``).

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_corpus("../shared/corpora/xinwen_lianbo").documents   # doctest: +SKIP
>>> table = ct.keyword_table(docs, by=["year"], top_n=20)                 # doctest: +SKIP
>>> ct.keyness(docs, by="year", target=2026).head()                      # doctest: +SKIP
>>> ct.kwic(docs, ["两个确立"], window=15).head()                          # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from corpus_tools._progress import progress_bar, progress_counter
from corpus_tools.errors import (
    InvalidParameterError,
    check_choice,
    check_engine,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.io import as_corpus, corpus_chunks

__all__ = ["KEYWORD_COLUMNS", "keyness", "keyword_table", "kwic"]

#: Columns of :func:`keyword_table` after the ``by`` fields.
KEYWORD_COLUMNS = ("term", "count", "doc_freq", "docs", "rate_per_10k", "tfidf")

#: Documents segmented and counted per step: bounds memory (tokens of one chunk at a time).
CHUNK_SIZE = 2000
#: ... and characters per step (a chunk of long reports stops earlier).
CHUNK_CHARS = 1_500_000

#: A number as the segmenter cuts it (``2025``, ``３.５``, ``10%``): a term only with numbers=True.
_NUMBER_TOKEN = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)*[%％‰]?")


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
        from corpus_tools.stopwords import load_stopwords

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


def _term_filter(options: _Options) -> Callable[[str], bool]:
    """A memoised ``token -> is it a term?`` (see :func:`keyword_table`)."""
    from corpus_tools.segment import is_content_token

    memo: dict[str, bool] = {}
    stop = options.stopwords
    min_length = options.min_length
    numbers = options.numbers

    def is_term(tok: str) -> bool:
        hit = memo.get(tok)
        if hit is not None:
            return hit
        ok = (
            len(tok) >= min_length
            and tok not in stop
            and is_content_token(tok)
            and (numbers or _NUMBER_TOKEN.fullmatch(tok) is None)
        )
        memo[tok] = ok
        return ok

    return is_term


# --------------------------------------------------------------------------- input


def _as_corpus(corpus: Any, func: str) -> pd.DataFrame:
    """A corpus table (doc_id, text, ...), a dict doc_id -> text, or a list of texts."""
    return as_corpus(corpus, func, unique=False)


def _check_by(by: Any, corpus: pd.DataFrame | None, func: str) -> list[str]:
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


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _key_sort(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """Order group keys: missing last, values of one type by value, mixed types by type name."""
    out: list[Any] = []
    for v in key:
        if _missing(v):
            out.append((1, "", 0))
        elif isinstance(v, (bool, np.bool_)):
            out.append((0, "bool", int(v)))
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out.append((0, "number", float(v)))
        else:
            out.append((0, type(v).__name__, str(v)))
    return tuple(out)


def _row_keys(corpus: pd.DataFrame, by: list[str]) -> list[tuple[Any, ...]]:
    """The group key of every document (a field a chunk lacks is missing there)."""
    if not by:
        return [()] * len(corpus)
    keys: list[tuple[Any, ...]] = []
    columns = [corpus[f].tolist() if f in corpus.columns else [None] * len(corpus) for f in by]
    for row in zip(*columns, strict=True):
        key = tuple(None if _missing(v) else v for v in row)
        for v in key:
            if not isinstance(v, Hashable):
                raise InvalidParameterError(
                    f"The 'by' fields must hold scalar values (a year, a province); a document "
                    f"holds {type(v).__name__} {v!r}."
                )
        keys.append(key)
    return keys


def _groups(corpus: pd.DataFrame, by: list[str]) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Sorted distinct group keys and the group index of every document."""
    keys = _row_keys(corpus, by)
    distinct = sorted(set(keys), key=_key_sort)
    index = {k: i for i, k in enumerate(distinct)}
    return distinct, [index[k] for k in keys]


class _FieldTypes:
    """The dtype each ``by`` column would have in the whole corpus table, folded over chunks.

    A chunk whose column is absent or all missing says nothing of the type, only that
    values are missing; an integer column with missing values is float64 in one table
    (pandas), and a boolean one object.
    """

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        self.dtypes: dict[str, Any] = {}
        self.missing: set[str] = set()

    def add(self, frame: pd.DataFrame) -> None:
        for name in self.fields:
            if name not in frame.columns:
                if len(frame):
                    self.missing.add(name)
                continue
            column = frame[name]
            na = column.isna()
            if na.any():
                self.missing.add(name)
            if na.all():
                continue
            dtype = column.dtype
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
                out[name] = np.dtype(np.float64)
            elif kind == "b":
                out[name] = np.dtype(object)
            else:
                out[name] = dtype
        return out


# --------------------------------------------------------------------------- counting


@dataclass
class _Counts:
    """Partial (mergeable) counts of a set of documents, per group index.

    Every token is counted (whitespace dropped); which ones are terms is decided once per
    distinct token at the end (:func:`_terms`), so the per-token work runs in C
    (``Counter.update`` on a list or a set).
    """

    counts: dict[int, Counter[str]] = field(default_factory=dict)
    dfs: dict[int, Counter[str]] = field(default_factory=dict)
    docs: Counter[int] = field(default_factory=Counter)
    chars: Counter[int] = field(default_factory=Counter)
    segmented: int = 0
    cached: int = 0

    def merge(self, other: _Counts) -> None:
        for g, c in other.counts.items():
            if g in self.counts:
                self.counts[g].update(c)
            else:
                self.counts[g] = c
        for g, c in other.dfs.items():
            if g in self.dfs:
                self.dfs[g].update(c)
            else:
                self.dfs[g] = c
        self.docs.update(other.docs)
        self.chars.update(other.chars)
        self.segmented += other.segmented
        self.cached += other.cached

    def renumber(self, new: dict[int, int]) -> _Counts:
        """The same counts with group ``g`` renamed ``new[g]``."""
        return _Counts(
            {new[g]: c for g, c in self.counts.items()},
            {new[g]: c for g, c in self.dfs.items()},
            Counter({new[g]: n for g, n in self.docs.items()}),
            Counter({new[g]: n for g, n in self.chars.items()}),
            self.segmented,
            self.cached,
        )


def _count_tokens(
    token_lists: Sequence[list[str]], texts: Sequence[str], groups: Sequence[int]
) -> _Counts:
    out = _Counts()
    for tokens, text, g in zip(token_lists, texts, groups, strict=True):
        counts = out.counts.get(g)
        if counts is None:
            counts = out.counts[g] = Counter()
            out.dfs[g] = Counter()
        counts.update(tokens)
        out.dfs[g].update(set(tokens))
        out.docs[g] += 1
        out.chars[g] += len(text)
    return out


@dataclass
class _Terms:
    """The counts restricted to terms, with what the statistics need."""

    counts: dict[int, dict[str, int]]
    dfs: dict[int, Counter[str]]
    corpus_df: Counter[str]
    tokens: dict[int, int]  # word tokens per group (whitespace and punctuation not counted)


def _terms(counts: _Counts, options: _Options) -> _Terms:
    from corpus_tools.segment import is_content_token

    is_term = _term_filter(options)
    content: dict[str, bool] = {}
    kept: dict[int, dict[str, int]] = {}
    dfs: dict[int, Counter[str]] = {}
    corpus_df: Counter[str] = Counter()
    tokens: dict[int, int] = {}
    for g, c in counts.counts.items():
        n_words = 0
        terms: dict[str, int] = {}
        for t, n in c.items():
            w = content.get(t)
            if w is None:
                w = content[t] = is_content_token(t)
            if w:
                n_words += n
                if is_term(t):
                    terms[t] = n
        df_all = counts.dfs[g]
        df = Counter({t: df_all[t] for t in terms})
        kept[g], dfs[g], tokens[g] = terms, df, n_words
        corpus_df.update(df)
    return _Terms(kept, dfs, corpus_df, tokens)


def _chunks(lengths: Sequence[int], size: int, max_chars: int = CHUNK_CHARS) -> Iterator[range]:
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


def _segment(
    texts: list[str], segmenter: Any, *, cache: Any, n_jobs: int | None, drop_space: bool = True
) -> tuple[list[list[str]], int, int]:
    """Tokens of ``texts`` and how many documents were segmented now / taken from the cache."""
    from corpus_tools.segment import segment_corpus

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


def _strip(texts: list[str], strip_boilerplate: bool) -> list[str]:
    if not strip_boilerplate:
        return texts
    from corpus_tools.boilerplate import strip_boilerplate as strip

    return strip(texts)


def _with_slogans(segmenter: Any, texts: list[str]) -> Any:
    """A segmenter that also keeps whole the numeric slogans mined from ``texts``."""
    from corpus_tools.segment import Segmenter
    from corpus_tools.slogans import mine_slogans

    mined = mine_slogans(texts, kinds=("numeric",), min_doc_freq=2, progress=False)
    words = sorted(
        {w for w in mined["slogan"].tolist() if w and not any(ch.isspace() for ch in w)}
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
        engine=segmenter.engine,
    )


def _count_local(
    texts: list[str],
    groups: list[int],
    segmenter: Any,
    *,
    cache: Any,
    n_jobs: int | None,
    chunk_size: int,
    bar: Any,
) -> _Counts:
    total = _Counts()
    for part in _chunks([len(t) for t in texts], chunk_size):
        chunk = [texts[i] for i in part]
        tokens, segmented, cached = _segment(chunk, segmenter, cache=cache, n_jobs=n_jobs)
        counts = _count_tokens(tokens, chunk, [groups[i] for i in part])
        counts.segmented, counts.cached = segmented, cached
        total.merge(counts)
        del tokens
        if bar is not None:
            bar.update(len(part))
    return total


def _dask_partition(texts: list[str], groups: list[int], segmenter: Any, cache: Any) -> _Counts:
    tokens, segmented, cached = _segment(texts, segmenter, cache=cache, n_jobs=1)
    counts = _count_tokens(tokens, texts, groups)
    counts.segmented, counts.cached = segmented, cached
    return counts


def _count_dask(
    texts: list[str],
    groups: list[int],
    segmenter: Any,
    *,
    cache: Any,
    chunk_size: int,
    scheduler: str | None,
) -> _Counts:
    try:
        import dask
    except ImportError:  # pragma: no cover - dask is an optional dependency
        raise InvalidParameterError(
            "engine='dask' needs dask: pip install 'corpus-tools[dask]'."
        ) from None
    parts = [
        dask.delayed(_dask_partition)(
            [texts[i] for i in part], [groups[i] for i in part], segmenter, cache
        )
        for part in _chunks([len(t) for t in texts], chunk_size)
    ]
    if scheduler is None:
        results = dask.compute(*parts, scheduler="processes")
    else:
        from distributed import Client

        with Client(scheduler) as client:
            results = client.gather(client.compute(parts))
    total = _Counts()
    for r in results:  # partition order; merging is order-independent anyway
        total.merge(r)
    return total


def _check_run(func: str, *, cache: Any, n_jobs: Any, progress: Any) -> None:
    """Checks of the options every public function shares."""
    if not isinstance(cache, (bool, str, os.PathLike)):
        raise param_error("cache", func, "a bool or a folder path", type(cache).__name__)
    if n_jobs is not None:
        check_number(n_jobs, "n_jobs", func, kind=int)
        if n_jobs == 0 or n_jobs < -1:
            raise param_error("n_jobs", func, "a positive int, -1 (all cores) or None", n_jobs)
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")


def _count(
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
    cache: Any,
    n_jobs: int | None,
    engine: str,
    scheduler: str | None,
    chunk_size: int,
    progress: bool | None,
) -> tuple[dict[str, Any], list[str], list[tuple[Any, ...]], _Counts, _Terms]:
    """Count every token of the corpus per group; returns the ``by`` columns' dtypes, the
    fields, the sorted group keys, the counts and the terms."""
    check_number(min_length, "min_length", func, kind=int, low=1)
    check_type(numbers, "numbers", func, bool, "a bool")
    check_type(strip_boilerplate, "strip_boilerplate", func, bool, "a bool")
    check_type(mine_slogans, "mine_slogans", func, bool, "a bool")
    _check_run(func, cache=cache, n_jobs=n_jobs, progress=progress)
    check_engine(engine, scheduler, func)
    check_number(chunk_size, "chunk_size", func, kind=int, low=1)
    options = _Options(_resolve_stopwords(stopwords, func), min_length, numbers)
    from corpus_tools.segment import as_segmenter

    seg = as_segmenter(segmenter, func)
    run = _Run(seg, cache, n_jobs, engine, scheduler, chunk_size)
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
        return _count_stream(chunks, by, func, options, run, progress=progress)
    frame = _as_corpus(corpus, func)
    fields = _check_by(by, frame, func)
    keys, groups = _groups(frame, fields)
    texts = _strip([str(t) for t in frame["text"].tolist()], strip_boilerplate)
    if mine_slogans:
        run = run._replace(segmenter=_with_slogans(seg, texts))
    with progress_counter(desc="keywords", total=len(texts), enabled=progress) as bar:
        counts = _count_texts(texts, groups, run, bar)
    return {f: frame[f].dtype for f in fields}, fields, keys, counts, _terms(counts, options)


class _Run(NamedTuple):
    """How documents are segmented and counted (the same for every chunk of a corpus)."""

    segmenter: Any
    cache: Any
    n_jobs: int | None
    engine: str
    scheduler: str | None
    chunk_size: int


def _count_texts(texts: list[str], groups: list[int], run: _Run, bar: Any) -> _Counts:
    """Counts of ``texts`` (group ``groups[i]``) on the run's engine; ``bar`` (or None)
    advances by the documents counted."""
    if run.engine == "dask":
        counts = _count_dask(
            texts,
            groups,
            run.segmenter,
            cache=run.cache,
            chunk_size=run.chunk_size,
            scheduler=run.scheduler,
        )
        if bar is not None:
            bar.update(len(texts))
        return counts
    return _count_local(
        texts,
        groups,
        run.segmenter,
        cache=run.cache,
        n_jobs=run.n_jobs,
        chunk_size=run.chunk_size,
        bar=bar,
    )


def _count_stream(
    chunks: Iterator[pd.DataFrame],
    by: Any,
    func: str,
    options: _Options,
    run: _Run,
    *,
    progress: bool | None,
) -> tuple[dict[str, Any], list[str], list[tuple[Any, ...]], _Counts, _Terms]:
    """:func:`_count` over a stream of corpus tables, one chunk in memory at a time.

    Groups are numbered as they appear and renumbered in sorted order at the end, so the
    counts equal those of the whole corpus at once.
    """
    # a chunk has a metadata column when one of its records has the field: whether a
    # field exists at all is known after the pass
    fields = _check_by(by, None, func)
    types = _FieldTypes(fields)
    columns: set[str] = set()
    seen: dict[tuple[Any, ...], int] = {}
    total = _Counts()
    with progress_counter(desc="keywords", enabled=progress) as bar:
        for chunk in chunks:
            frame = _as_corpus(chunk, func)
            columns.update(str(c) for c in frame.columns)
            types.add(frame)
            groups = [seen.setdefault(k, len(seen)) for k in _row_keys(frame, fields)]
            texts = [str(t) for t in frame["text"].tolist()]
            del frame
            total.merge(_count_texts(texts, groups, run, bar))
    if columns:  # (an empty stream has no column to check the fields against)
        _check_by(by, pd.DataFrame(columns=sorted(columns)), func)
    keys = sorted(seen, key=_key_sort)
    counts = total.renumber({seen[k]: i for i, k in enumerate(keys)})
    return types.result(), fields, keys, counts, _terms(counts, options)


def _summary(
    counts: _Counts, terms: _Terms, keys: list[tuple[Any, ...]], rows: int
) -> dict[str, int]:
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


def _key_columns(
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


# --------------------------------------------------------------------------- keyword table


def keyword_table(
    corpus: Any,
    *,
    by: str | Sequence[str] | None = None,
    segmenter: Any = None,
    stopwords: bool | Iterable[str] = True,
    min_count: int = 1,
    top_n: int | None = None,
    min_length: int = 1,
    numbers: bool = False,
    strip_boilerplate: bool = False,
    mine_slogans: bool = False,
    cache: bool | str | os.PathLike[str] = True,
    n_jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Keyword frequency table of a corpus, per term and per group of metadata fields.

    Every document is segmented by a :class:`~corpus_tools.segment.Segmenter` (slogans and
    placeholder runs kept whole, tokens cached on disk so a rerun segments nothing and an
    extended corpus only its new documents), then its terms are counted. A token is a term
    unless it is whitespace, punctuation or symbols only
    (:func:`corpus_tools.segment.is_content_token`; a placeholder run such as ``××`` is a
    term), a number (unless ``numbers=True``), a stopword, or shorter than ``min_length``.
    These are the tokens :meth:`Segmenter.sklearn_tokenizer` keeps, so a table agrees with
    a scikit-learn ``CountVectorizer`` over the same segmenter and stopwords.

    Parameters
    ----------
    corpus : DataFrame, dict or list of str
        A corpus table with ``doc_id`` and ``text`` (as :func:`~corpus_tools.io.load_corpus`
        returns), or texts (``{doc_id: text}`` or a list).
    by : str or list of str, optional
        Metadata fields to group by (``"year"``, ``["year", "province"]``). Documents whose
        field is missing form their own group (value ``None``), sorted last.
    segmenter : Segmenter, optional
        The segmenter to use (its lexicons and extra words); default ``Segmenter()``.
    stopwords : bool or iterable of str, default True
        ``True``: the genre's stopword list (:func:`corpus_tools.stopwords.load_stopwords`);
        ``False``: keep every term; or your own list.
    min_count : int, default 1
        Keep a term in a group when it occurs at least this often there.
    top_n : int, optional
        Keep only the ``top_n`` most frequent terms of each group (ties broken by term).
    min_length : int, default 1
        Shortest term kept, in characters (2 drops single characters such as 党, 是).
    numbers : bool, default False
        Count numbers (``2025``, ``１０``) as terms.
    strip_boilerplate : bool, default False
        Remove boilerplate (:mod:`corpus_tools.boilerplate`) before counting.
    cache : bool, default True
        Use the on-disk segmentation cache.
    n_jobs : int, optional
        Worker processes for segmentation (default: the segmenter's choice).
    engine : {"local", "dask"}, default "local"
        ``"dask"`` segments and counts chunks as Dask tasks (local processes, or the cluster
        at ``scheduler``); the table is the same.
    scheduler : str, optional
        Address of a ``dask.distributed`` scheduler (``engine="dask"`` only).
    chunk_size : int, default 2000
        Documents segmented and counted per step (memory holds one chunk's tokens).
    progress : bool or None, default False
        Progress bar on stderr; ``None``: only when stderr is a terminal.

    Returns
    -------
    pandas.DataFrame
        One row per (group, term), sorted by group, then ``count`` descending, then term.
        Columns: the ``by`` fields (dtype of the corpus column), then

        - ``term`` (str): the token;
        - ``count`` (int64): occurrences in the group's documents;
        - ``doc_freq`` (int64): documents of the group that contain it;
        - ``docs`` (int64): documents in the group;
        - ``rate_per_10k`` (float64): ``count`` per 10,000 characters of the group's text;
        - ``tfidf`` (float64): ``count / terms counted in the group`` times the smoothed
          idf over all documents, ``ln((1 + N) / (1 + df)) + 1`` (scikit-learn's).

        ``table.attrs["summary"]`` holds run figures: documents, groups, rows, terms,
        tokens, chars, segmented (documents segmented now), from_cache.

    Raises
    ------
    InvalidParameterError
        For a bad argument, or a ``by`` field the corpus does not have.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"a": "坚决做到两个维护。", "b": "深刻领悟两个确立，做到两个维护。"})
    >>> t = ct.keyword_table(docs)                                  # doctest: +SKIP
    >>> t.loc[t.term == "两个维护", ["term", "count", "doc_freq"]]  # doctest: +SKIP
           term  count  doc_freq
    0  两个维护      2         2
    """
    func = "keyword_table"
    check_number(min_count, "min_count", func, kind=int, low=1)
    if top_n is not None:
        check_number(top_n, "top_n", func, kind=int, low=1)
    key_dtypes, fields, keys, counts, terms = _count(
        corpus,
        by,
        func,
        segmenter=segmenter,
        stopwords=stopwords,
        min_length=min_length,
        numbers=numbers,
        strip_boilerplate=strip_boilerplate,
        mine_slogans=mine_slogans,
        cache=cache,
        n_jobs=n_jobs,
        engine=engine,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
    )
    n_docs = sum(counts.docs.values())
    parts: list[pd.DataFrame] = []
    for g in range(len(keys)):
        c = terms.counts.get(g)
        if not c:
            continue
        ordered = sorted(c.items(), key=_by_count)
        cnt = np.fromiter((n for _, n in ordered), dtype=np.int64, count=len(ordered))
        total_terms = int(cnt.sum())
        keep = cnt >= min_count
        if top_n is not None:
            keep &= np.arange(len(ordered)) < top_n
        if not keep.any():
            continue
        df_g = terms.dfs[g]
        sel = [t for (t, _), k in zip(ordered, keep.tolist(), strict=True) if k]
        cnt = cnt[keep]
        doc_freq = np.fromiter((df_g[t] for t in sel), dtype=np.int64, count=len(sel))
        corpus_df = np.fromiter((terms.corpus_df[t] for t in sel), dtype=np.float64, count=len(sel))
        idf = np.log((1.0 + n_docs) / (1.0 + corpus_df)) + 1.0
        parts.append(
            pd.DataFrame(
                {
                    "_group": np.full(len(sel), g, dtype=np.int64),
                    "term": pd.Series(sel, dtype=object),
                    "count": cnt,
                    "doc_freq": doc_freq,
                    "docs": np.full(len(sel), counts.docs[g], dtype=np.int64),
                    "rate_per_10k": cnt * 10_000.0 / max(counts.chars[g], 1),
                    "tfidf": cnt / total_terms * idf,
                }
            )
        )
    table = _assemble(
        parts,
        fields=fields,
        keys=keys,
        key_dtypes=key_dtypes,
        columns=list(KEYWORD_COLUMNS),
        dtypes={
            "term": object,
            "count": np.int64,
            "doc_freq": np.int64,
            "docs": np.int64,
            "rate_per_10k": np.float64,
            "tfidf": np.float64,
        },
    )
    table.attrs["summary"] = _summary(counts, terms, keys, len(table))
    return table


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _assemble(
    parts: list[pd.DataFrame],
    *,
    fields: list[str],
    keys: list[tuple[Any, ...]],
    key_dtypes: dict[str, Any],
    columns: list[str],
    dtypes: dict[str, Any],
) -> pd.DataFrame:
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
    out = pd.DataFrame(_key_columns(fields, keys, group_idx, key_dtypes), index=body.index)
    for c in columns:
        out[c] = body[c]
    if "term" in out.columns:
        out["term"] = out["term"].astype(str)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- keyness


def _g2(a: np.ndarray, b: np.ndarray, n1: float, n2: float) -> np.ndarray:
    """G² of the 2x2 table [[a, n1 - a], [b, n2 - b]]: a term's count in n1 and n2 tokens."""
    total = n1 + n2
    term = a + b
    rest = total - term
    cells = (
        (a, n1 * term / total),
        (n1 - a, n1 * rest / total),
        (b, n2 * term / total),
        (n2 - b, n2 * rest / total),
    )
    g2 = np.zeros(len(a), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for observed, expected in cells:
            g2 += np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    return np.maximum(2.0 * g2, 0.0)


def _chi2_sf_1(x: np.ndarray) -> np.ndarray:
    """Survival function of chi-squared with one degree of freedom."""
    return np.asarray(
        [math.erfc(math.sqrt(max(v, 0.0) / 2.0)) for v in x.tolist()], dtype=np.float64
    )


def keyness(
    corpus: Any,
    *,
    by: str | Sequence[str],
    target: Any = None,
    reference: Any = None,
    segmenter: Any = None,
    stopwords: bool | Iterable[str] = True,
    min_count: int = 5,
    top_n: int | None = None,
    max_p: float = 1.0,
    min_length: int = 1,
    numbers: bool = False,
    strip_boilerplate: bool = False,
    mine_slogans: bool = False,
    cache: bool | str | os.PathLike[str] = True,
    n_jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Which terms rise or fall in a group against the rest of the corpus (log-likelihood).

    For every group of ``by`` (or only ``target``), each term's count in the group is set
    against its count in the reference: the rest of the corpus, or the group
    ``reference``. The test is Dunning's log-likelihood G² on the 2x2 table (this term,
    other tokens) x (group, reference), sizes in word tokens (whitespace and punctuation not
    counted); the effect size is Hardie's log ratio, ``log2`` of the ratio of relative
    frequencies (0.5 put for a zero count).

    Parameters
    ----------
    corpus : DataFrame, dict or list of str
        As for :func:`keyword_table`.
    by : str or list of str
        Metadata field(s) defining the groups, e.g. ``"year"``.
    target : scalar or tuple, optional
        Only this group (a value of ``by``; a tuple for several fields). Default: every group.
    reference : scalar or tuple, optional
        Compare against this group instead of all other documents.
    min_count : int, default 5
        Keep a term when its count in target and reference together reaches this.
    top_n : int, optional
        Keep the ``top_n`` rising and the ``top_n`` falling terms of each group.
    max_p : float, default 1.0
        Keep terms with ``p_value <= max_p`` (e.g. 0.01; 1.0 keeps all).
    segmenter, stopwords, min_length, numbers, strip_boilerplate, mine_slogans
        As for :func:`keyword_table`.
    cache, n_jobs, engine, scheduler, chunk_size, progress
        As for :func:`keyword_table`.

    Returns
    -------
    pandas.DataFrame
        One row per (group, term), sorted by group, then ``direction`` (``rise`` first), then
        ``log_likelihood`` descending, then term. Columns: the ``by`` fields (the target
        group), then

        - ``term`` (str);
        - ``count`` (int64), ``reference_count`` (int64): occurrences in the group and in
          the reference;
        - ``rate_per_10k`` (float64), ``reference_rate_per_10k`` (float64): per 10,000
          characters of each side's text;
        - ``log_likelihood`` (float64): G², larger means more surprising;
        - ``p_value`` (float64): of G² under chi-squared with one degree of freedom;
        - ``log_ratio`` (float64): log2 of (relative frequency in the group / in the
          reference); 1 means twice as frequent;
        - ``direction`` (str): ``rise`` (over-used in the group) or ``fall``.

    Raises
    ------
    InvalidParameterError
        For a bad argument; a ``target`` or ``reference`` that is not a group; a corpus with
        a single group and no reference.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("../shared/corpora/xinwen_lianbo").documents   # doctest: +SKIP
    >>> k = ct.keyness(docs, by="year", target=2026, reference=2023, top_n=10)  # doctest: +SKIP
    >>> k[["term", "count", "reference_count", "log_ratio", "direction"]]    # doctest: +SKIP
    """
    func = "keyness"
    if by is None:
        raise param_error("by", func, "a field name or a list of field names", by)
    check_number(min_count, "min_count", func, kind=int, low=1)
    if top_n is not None:
        check_number(top_n, "top_n", func, kind=int, low=1)
    check_number(max_p, "max_p", func, kind=float, low=0, high=1)
    key_dtypes, fields, keys, counts, terms = _count(
        corpus,
        by,
        func,
        segmenter=segmenter,
        stopwords=stopwords,
        min_length=min_length,
        numbers=numbers,
        strip_boilerplate=strip_boilerplate,
        mine_slogans=mine_slogans,
        cache=cache,
        n_jobs=n_jobs,
        engine=engine,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
    )
    present = [g for g in range(len(keys)) if counts.docs[g]]
    targets = present if target is None else [_find_group(target, keys, "target", func)]
    ref_group = None if reference is None else _find_group(reference, keys, "reference", func)
    if ref_group is None and len(present) < 2:
        raise InvalidParameterError(
            f"keyness needs at least two groups of {fields} to compare; the corpus has "
            f"{len(present)}. Group by another field or give a reference."
        )
    all_counts: Counter[str] = Counter()
    for c in terms.counts.values():
        all_counts.update(c)
    all_tokens = sum(terms.tokens.values())
    all_chars = sum(counts.chars.values())
    parts: list[pd.DataFrame] = []
    for g in targets:
        if g == ref_group:
            continue
        own = terms.counts.get(g, {})
        if ref_group is None:
            ref_tokens = all_tokens - terms.tokens.get(g, 0)
            ref_chars = all_chars - counts.chars[g]
            vocab = sorted(all_counts)
            a = np.fromiter((own.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
            b = np.fromiter((all_counts[t] for t in vocab), dtype=np.int64, count=len(vocab)) - a
        else:
            ref_counts = terms.counts.get(ref_group, {})
            ref_tokens = terms.tokens.get(ref_group, 0)
            ref_chars = counts.chars[ref_group]
            vocab = sorted(set(own) | set(ref_counts))
            a = np.fromiter((own.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
            b = np.fromiter((ref_counts.get(t, 0) for t in vocab), dtype=np.int64, count=len(vocab))
        n1, n2 = float(terms.tokens.get(g, 0)), float(ref_tokens)
        keep = (a + b) >= min_count
        if n1 <= 0 or n2 <= 0 or not keep.any():
            continue
        sel = np.flatnonzero(keep)
        a, b = a[sel], b[sel]
        terms_sel = [vocab[i] for i in sel.tolist()]
        g2 = _g2(a.astype(np.float64), b.astype(np.float64), n1, n2)
        p = _chi2_sf_1(g2)
        rel_a = np.where(a > 0, a, 0.5) / n1
        rel_b = np.where(b > 0, b, 0.5) / n2
        log_ratio = np.log2(rel_a / rel_b)
        rise = a / n1 >= b / n2
        part = pd.DataFrame(
            {
                "_group": np.full(len(sel), g, dtype=np.int64),
                "term": pd.Series(terms_sel, dtype=object),
                "count": a,
                "reference_count": b,
                "rate_per_10k": a * 10_000.0 / max(counts.chars[g], 1),
                "reference_rate_per_10k": b * 10_000.0 / max(ref_chars, 1),
                "log_likelihood": g2,
                "p_value": p,
                "log_ratio": log_ratio,
                "direction": np.where(rise, "rise", "fall").astype(object),
            }
        )
        part = part[part["p_value"] <= max_p]
        part = part.assign(_rank=(part["direction"] == "fall").astype(np.int64))
        part = part.sort_values(
            ["_rank", "log_likelihood", "term"], ascending=[True, False, True], kind="mergesort"
        )
        if top_n is not None:
            part = part.groupby("_rank", sort=False).head(top_n)
        parts.append(part.drop(columns="_rank"))
    columns = [
        "term",
        "count",
        "reference_count",
        "rate_per_10k",
        "reference_rate_per_10k",
        "log_likelihood",
        "p_value",
        "log_ratio",
        "direction",
    ]
    table = _assemble(
        parts,
        fields=fields,
        keys=keys,
        key_dtypes=key_dtypes,
        columns=columns,
        dtypes={
            "term": object,
            "count": np.int64,
            "reference_count": np.int64,
            "rate_per_10k": np.float64,
            "reference_rate_per_10k": np.float64,
            "log_likelihood": np.float64,
            "p_value": np.float64,
            "log_ratio": np.float64,
            "direction": object,
        },
    )
    table["direction"] = table["direction"].astype(str)
    table.attrs["summary"] = _summary(counts, terms, keys, len(table))
    return table


def _find_group(value: Any, keys: list[tuple[Any, ...]], name: str, func: str) -> int:
    wanted = value if isinstance(value, tuple) else (value,)
    for i, key in enumerate(keys):
        if len(key) == len(wanted) and all(_same(k, w) for k, w in zip(key, wanted, strict=True)):
            return i
    shown = [k[0] if len(k) == 1 else k for k in keys]
    raise param_error(name, func, f"a group of the corpus, one of {shown}", value)


def _same(key: Any, wanted: Any) -> bool:
    if _missing(key) or _missing(wanted):
        return _missing(key) and _missing(wanted)
    if key == wanted:
        return True
    if isinstance(key, float) and key.is_integer():  # a year column with gaps is float
        key = int(key)
    return str(key) == str(wanted)  # "2026" on a command line names the group 2026


# --------------------------------------------------------------------------- kwic


def kwic(
    corpus: Any,
    terms: str | Iterable[str],
    *,
    window: int = 20,
    match: str = "token",
    by: str | Sequence[str] | None = None,
    segmenter: Any = None,
    cache: bool | str | os.PathLike[str] = True,
    n_jobs: int | None = None,
    progress: bool | None = False,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``terms`` with its offsets and context.

    Parameters
    ----------
    corpus : DataFrame, dict or list of str
        As for :func:`keyword_table`.
    terms : str or iterable of str
        The terms to find.
    window : int, default 20
        Characters of context on each side.
    match : {"token", "substring"}, default "token"
        ``"token"``: occurrences that are whole tokens of the segmentation, the ones
        :func:`keyword_table` counts (发展 is not found inside 发展中国家 when the segmenter
        keeps that whole); ``"substring"``: every occurrence in the text.
    by : str or list of str, optional
        Metadata fields to copy into the result (``"year"``).
    segmenter, cache, n_jobs, progress
        As for :func:`keyword_table` (``"token"`` only; documents that do not contain a
        term are not segmented).

    Returns
    -------
    pandas.DataFrame
        One row per occurrence, in corpus order, then by offset. Columns: ``doc_id`` (str),
        the ``by`` fields, ``term`` (str), ``start``, ``end`` (int64: offsets into the
        document's text as loaded, ``text[start:end] == term``), ``left``, ``right`` (str:
        up to ``window`` characters before and after, line breaks kept).

    Raises
    ------
    InvalidParameterError
        For a bad argument.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"a": "坚决拥护两个确立，坚决做到两个维护。"})
    >>> k = ct.kwic(docs, "两个确立", window=4)
    >>> k[["term", "start", "end", "left", "right"]].to_dict("records")  # doctest: +SKIP
    [{'term': '两个确立', 'start': 4, 'end': 8, 'left': '坚决拥护', 'right': '，坚决做'}]
    """
    func = "kwic"
    frame = _as_corpus(corpus, func)
    allowed = "a str or an iterable of non-empty str"
    if isinstance(terms, str):
        term_list = [terms]
    elif isinstance(terms, Iterable) and not isinstance(terms, bytes):
        term_list = list(terms)
    else:
        raise param_error("terms", func, allowed, type(terms).__name__)
    if not term_list or not all(isinstance(t, str) and t for t in term_list):
        raise param_error("terms", func, allowed, term_list if _short_list(term_list) else "?")
    term_list = sorted(set(term_list), key=term_list.index)
    check_number(window, "window", func, kind=int, low=0)
    check_choice(match, "match", func, ("token", "substring"))
    fields = _check_by(by, frame, func)
    _check_run(func, cache=cache, n_jobs=n_jobs, progress=progress)
    texts = [str(t) for t in frame["text"].tolist()]
    hits: list[tuple[int, int, int, str]] = []  # (row, start, end, term)
    candidates = [i for i, text in enumerate(texts) if any(t in text for t in term_list)]
    if match == "substring":
        for i in candidates:
            for term in term_list:
                pos = texts[i].find(term)
                while pos >= 0:
                    hits.append((i, pos, pos + len(term), term))
                    pos = texts[i].find(term, pos + 1)
    elif candidates:
        from corpus_tools.segment import as_segmenter

        seg = as_segmenter(segmenter, func)
        wanted = set(term_list)
        lengths = [len(texts[i]) for i in candidates]
        for part in progress_bar(
            list(_chunks(lengths, CHUNK_SIZE)), desc="kwic", unit="chunk", enabled=progress
        ):
            rows = [candidates[k] for k in part]
            tokens, _, _ = _segment(
                [texts[r] for r in rows], seg, cache=cache, n_jobs=n_jobs, drop_space=False
            )
            for r, toks in zip(rows, tokens, strict=True):
                pos = 0
                for tok in toks:  # with whitespace kept, the tokens join to the text
                    end = pos + len(tok)
                    if tok in wanted:
                        hits.append((r, pos, end, tok))
                    pos = end
    hits.sort()
    row_idx = [h[0] for h in hits]
    out: dict[str, Any] = {"doc_id": [str(v) for v in frame["doc_id"].iloc[row_idx].tolist()]}
    for name in fields:
        out[name] = frame[name].iloc[row_idx].reset_index(drop=True)
    out["term"] = [h[3] for h in hits]
    out["start"] = np.asarray([h[1] for h in hits], dtype=np.int64)
    out["end"] = np.asarray([h[2] for h in hits], dtype=np.int64)
    out["left"] = [texts[r][max(0, s - window) : s] for r, s, _, _ in hits]
    out["right"] = [texts[r][e : e + window] for r, _, e, _ in hits]
    table = pd.DataFrame(out)
    for c in ("doc_id", "term", "left", "right"):
        table[c] = table[c].astype(str)
    return table


def _short_list(values: list[Any]) -> bool:
    return len(repr(values)) < 80
