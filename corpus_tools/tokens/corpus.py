"""Segmentation of whole corpora, on any engine, with the on-disk cache; and adapters.

:func:`segment_corpus` cuts every document of a corpus with a :class:`Segmenter`:

1. the calling process reads the cache (:mod:`~corpus_tools.tokens.cache`) and keeps the
   documents not found there, each distinct text once;
2. batches of those texts run through the engine as :func:`segment_batch` (in this
   process) or :func:`segment_batch_lengths` (in a pool of processes or on a Dask cluster:
   :mod:`corpus_tools.engine`), which sends token lengths back (4 bytes a token);
3. the calling process cuts the tokens from the texts it holds, and writes them to the
   cache (as token ids) as each batch comes back.

:func:`gensim_corpus` turns tokens into a gensim dictionary and bag-of-words corpus.

Examples
--------
>>> segment_corpus(["落实一征三议两公开", "２０２３年"], cache=False)
[['落实', '一征三议两公开'], ['２０２３', '年']]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from corpus_tools.engine import Engine, as_engine, legacy_dask_engine
from corpus_tools.errors import InvalidParameterError, check_number, check_type, param_error
from corpus_tools.progress import progress_bar
from corpus_tools.tokens.cache import (
    SegmentCache,
    open_cache,
    pack_lengths,
    read_cached,
    tokenize_batch,
    tokens_from_lengths,
    write_cached,
)
from corpus_tools.tokens.segmenter import (
    Segmenter,
    as_segmenter,
    check_stopwords,
    is_content_token,
)

__all__ = [
    "batch_chars",
    "gensim_corpus",
    "segment_batch",
    "segment_batch_lengths",
    "segment_corpus",
    "segment_corpus_dask",
    "texts_of",
]

#: Characters per batch in this process (a batch is also one cache transaction).
SERIAL_BATCH_CHARS = 50_000
#: Characters per batch on workers: about 8 batches per worker, within these bounds
#: (small enough to balance the workers, large enough that sending a batch costs little).
PARALLEL_BATCH_CHARS = (20_000, 1_000_000)
BATCHES_PER_WORKER = 8


# --------------------------------------------------------------------------- the stage


def segment_batch(texts: list[str], segmenter: Segmenter) -> list[list[str]]:
    """The stage every engine runs: all tokens of each text (whitespace included).

    A pure function of the texts and the (picklable) segmenter.

    Examples
    --------
    >>> segment_batch(["XX社区开展三会一课"], Segmenter())
    [['XX', '社区', '开展', '三会一课']]
    """
    return [segmenter.cut(text) for text in texts]


def segment_batch_lengths(texts: list[str], segmenter: Segmenter) -> list[bytes]:
    """:func:`segment_batch` for a worker in another process: the packed token lengths of
    each text (4 bytes a token), from which the caller cuts the tokens out of the texts it
    holds (:func:`~corpus_tools.tokens.cache.tokens_from_lengths`).

    Examples
    --------
    >>> from corpus_tools.tokens.cache import tokens_from_lengths
    >>> [packed] = segment_batch_lengths(["XX社区开展三会一课"], Segmenter())
    >>> tokens_from_lengths("XX社区开展三会一课", packed, drop_space=True)
    ['XX', '社区', '开展', '三会一课']
    """
    return [pack_lengths(tokens) for tokens in segment_batch(texts, segmenter)]


def batch_chars(chars: int, workers: int, *, here: bool = False) -> int:
    """Characters per batch for ``chars`` characters to segment: SERIAL_BATCH_CHARS in this
    process (``here``), else about BATCHES_PER_WORKER batches per worker."""
    if here:
        return SERIAL_BATCH_CHARS
    low, high = PARALLEL_BATCH_CHARS
    return max(low, min(high, chars // (max(1, workers) * BATCHES_PER_WORKER) + 1))


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


# --------------------------------------------------------------------------- input


def texts_of(corpus: Any, func: str) -> list[str]:
    """The texts of a corpus table (its ``text`` column), a Series or a list of str."""
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


def _check_options(func: str, *, cache: Any, drop_space: Any, progress: Any) -> None:
    if not isinstance(cache, (bool, str, os.PathLike)):
        raise param_error("cache", func, "a bool or a folder path", type(cache).__name__)
    check_type(drop_space, "drop_space", func, bool, "a bool")
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")


# --------------------------------------------------------------------------- corpus level


def segment_corpus(
    corpus: Any,
    *,
    segmenter: Segmenter | None = None,
    n_jobs: int | None = None,
    cache: bool | str | os.PathLike[str] = True,
    drop_space: bool = True,
    progress: bool | None = None,
    start_method: str | None = None,
    engine: str | Engine | None = "local",
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
        Local engine: worker processes. ``None``: all cores when there is enough text to
        segment (more than 400,000 characters not in the cache), else one. ``-1``: all
        cores.
    cache : bool or path, default True
        Keep the tokens of each document on disk, keyed by a hash of its text and the
        segmenter's :attr:`~Segmenter.lexicon_version`, so that a rerun (or a corpus that
        grew) only segments what is new. ``True``: under
        :func:`~corpus_tools.tokens.default_cache_dir`; a path: that folder; ``False``: no
        cache. The cache is one SQLite file (``segments-v2.sqlite``, token ids, about 7
        bytes per token), written by this process only, one transaction per
        batch: an interrupted run keeps the batches it finished and never leaves a
        half-written entry. An unusable folder is reported on stderr and the run goes on
        without a cache.
    drop_space : bool, default True
        Leave out whitespace tokens; with ``False`` each document's tokens join to its text.
    progress : bool, optional
        Progress bar on stderr; ``None``: only on a terminal.
    start_method : {"fork", "spawn", "forkserver"}, optional
        Local engine: how worker processes start (default: the platform's).
    engine : {"local", "dask"} or Engine, default "local"
        Where the batches are segmented (:mod:`corpus_tools.engine`): ``"local"``
        (processes on this machine), ``"dask"`` (a dask.distributed cluster) or an
        :class:`~corpus_tools.engine.Engine`. The same tokens on every engine.
    scheduler : str, optional
        Address of a dask.distributed scheduler (``engine="dask"`` only; default: the
        session's client, else a local cluster on all cores).

    Returns
    -------
    list of list of str
        One list of tokens per input row.

    Raises
    ------
    EngineError
        When the scheduler cannot be reached.

    Examples
    --------
    >>> segment_corpus(["三社联动，XX社区"], cache=False)
    [['三社联动', '，', 'XX', '社区']]
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw").documents
    >>> tokens = segment_corpus(docs, engine="dask", scheduler="tcp://head:8786")  # doctest: +SKIP
    """
    func = "segment_corpus"
    texts = texts_of(corpus, func)
    segmenter = as_segmenter(segmenter, func)
    _check_options(func, cache=cache, drop_space=drop_space, progress=progress)
    eng = as_engine(
        engine, scheduler=scheduler, n_jobs=n_jobs, start_method=start_method, func=func
    )
    results: list[list[str] | None] = [None] * len(texts)
    store = open_cache(cache, func)
    try:
        version = segmenter.lexicon_version if store is not None else ""
        todo, keys = read_cached(store, version, texts, results, drop_space)
        segmenter.record_cache_use(hits=len(texts) - len(todo), misses=len(todo))
        first: dict[str, int] = {}  # identical texts are segmented once
        for i in todo:
            first.setdefault(texts[i], i)
        done, store = _segment_texts(
            eng, segmenter, texts, list(first.values()), store=store, keys=keys, progress=progress
        )
        for i in todo:
            j = first[texts[i]]
            if drop_space:
                results[i] = [t for t in done[j] if not t.isspace()]
            else:
                results[i] = done[j] if i == j else list(done[j])
    finally:
        if store is not None:
            store.close()
    return [r if r is not None else [] for r in results]


def _segment_texts(
    engine: Engine,
    segmenter: Segmenter,
    texts: list[str],
    rows: list[int],
    *,
    store: SegmentCache | None,
    keys: list[bytes],
    progress: bool | None,
) -> tuple[dict[int, list[str]], SegmentCache | None]:
    """All tokens of ``texts[i]`` for each row ``i`` of ``rows``, segmented on ``engine`` in
    batches, each written to the cache as it comes back; and the cache to go on with (None
    once a write failed). Workers in other processes send token lengths back, not strings."""
    done: dict[int, list[str]] = {}
    if not rows:
        return done, store
    chars = sum(len(texts[i]) for i in rows)
    with engine:
        workers = engine.workers(chars)
        if engine.forks and workers > 1:
            segmenter.load()  # forked workers inherit the loaded dictionary
        here = engine.runs_here(chars)
        stage: Callable[..., Any] = segment_batch if here else segment_batch_lengths
        batches = list(_batches(rows, texts, batch_chars(chars, workers, here=here)))
        items = ([texts[i] for i in batch] for batch in batches)
        results = engine.map(stage, items, segmenter, work=chars)
        for k, out in progress_bar(
            results, desc="segment", unit="batch", total=len(batches), enabled=progress
        ):
            batch = batches[k]
            # (from a worker: token lengths, cut here from the texts)
            tokens: list[list[str]] = (
                out
                if here
                else [_unpacked(texts[i], p, i) for i, p in zip(batch, out, strict=True)]
            )
            done.update(zip(batch, tokens, strict=True))
            if store is not None:
                store, _ = write_cached(
                    store, [keys[i] for i in batch], tokenize_batch(tokens), store.vocab
                )
    return done, store


def _unpacked(text: str, packed: bytes, row: int) -> list[str]:
    tokens = tokens_from_lengths(text, packed, False)
    if tokens is None:  # pragma: no cover - lengths always add up
        raise RuntimeError(f"segmentation of row {row} lost characters")
    return tokens


def segment_corpus_dask(
    corpus: Any,
    *,
    client: Any = None,
    scheduler: str | None = None,
    partition_chars: int | None = None,
    **options: Any,
) -> list[list[str]]:
    """Deprecated: :func:`segment_corpus` with ``engine=DaskEngine(client, scheduler)``.

    Warns a ``DeprecationWarning``; removed in corpus-tools 0.3. The batches are sized by
    :func:`segment_corpus` now: ``partition_chars`` is checked and otherwise unused.

    Examples
    --------
    >>> from corpus_tools.engine import DaskEngine
    >>> segment_corpus(docs, engine=DaskEngine(client))      # doctest: +SKIP
    """
    if partition_chars is not None:
        check_number(partition_chars, "partition_chars", "segment_corpus_dask", kind=int, low=1)
    engine = legacy_dask_engine("segment_corpus_dask", "segment_corpus", client, scheduler)
    return segment_corpus(corpus, engine=engine, **options)


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
    >>> toks = segment_corpus(["开展三会一课", "落实三会一课制度"], cache=False)
    >>> dictionary, bow = gensim_corpus(toks)
    >>> bow
    [[(0, 1), (1, 1)], [(0, 1), (2, 1), (3, 1)]]
    >>> from gensim.models import LdaModel
    >>> lda = LdaModel(bow, id2word=dictionary, num_topics=2, random_state=0)
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
