"""Keyword frequency tables per group of metadata fields (:func:`keyword_table`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corpus_tools.engine import Engine, legacy_dask_engine
from corpus_tools.errors import check_number, renamed
from corpus_tools.keywords.counts import (
    CHUNK_SIZE,
    RATE_CHARS,
    CorpusCounts,
    assemble,
    count_corpus,
)

if TYPE_CHECKING:  # (imported when used: a table that strips nothing does not load it)
    from corpus_tools.boilerplate import BoilerplateResult

__all__ = [
    "FRAME_ROWS",
    "KeywordRows",
    "keyword_rows",
    "keyword_table",
    "keyword_table_dask",
]

#: The columns of a keyword table after the ``by`` fields (:data:`KEYWORD_COLUMNS`), with
#: their dtypes.
_DTYPES: dict[str, Any] = {
    "term": object,
    "count": np.int64,
    "doc_freq": np.int64,
    "docs": np.int64,
    "rate_per_10k": np.float64,
    "tfidf": np.float64,
}


@renamed(top_n="top")
def keyword_table(
    corpus: Any,
    *,
    by: str | Sequence[str] | None = None,
    segmenter: Any = None,
    stopwords: bool | Iterable[str] = True,
    min_count: int = 1,
    top: int | None = None,
    min_length: int = 1,
    numbers: bool = False,
    strip_boilerplate: bool = False,
    mine_slogans: bool = False,
    boilerplate: BoilerplateResult | None = None,
    slogans: pd.DataFrame | Sequence[str] | None = None,
    cache: bool | str | os.PathLike[str] = True,
    n_jobs: int | None = None,
    engine: str | Engine | None = "local",
    scheduler: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Keyword frequency table of a corpus, per term and per group of metadata fields.

    Every document is segmented by a :class:`~corpus_tools.tokens.Segmenter` (slogans and
    placeholder runs kept whole, tokens cached on disk so a rerun segments nothing and an
    extended corpus only its new documents), then its terms are counted. A token is a term
    unless it is whitespace, punctuation or symbols only
    (:func:`corpus_tools.tokens.is_content_token`; a placeholder run such as ``××`` is a
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
        ``True``: the genre's stopword list (:func:`corpus_tools.tokens.load_stopwords`);
        ``False``: keep every term; or your own list.
    min_count : int, default 1
        Keep a term in a group when it occurs at least this often there.
    top : int, optional
        Keep only the ``top`` most frequent terms of each group (ties broken by term).
        (Formerly ``top_n``, which still works for one release.)
    min_length : int, default 1
        Shortest term kept, in characters (2 drops single characters such as 党, 是).
    numbers : bool, default False
        Count numbers (``2025``, ``１０``) as terms.
    strip_boilerplate : bool, default False
        Remove boilerplate (:mod:`corpus_tools.boilerplate`: watermarks and passages
        repeated across documents) before counting.
    mine_slogans : bool, default False
        Also keep whole the numeric slogans mined from these documents (五星三联, which the
        dictionary alone cuts): those :func:`~corpus_tools.slogans.mine_slogans` finds of
        kind ``"numeric"`` in at least 2 documents of the texts as counted.
    boilerplate : BoilerplateResult, optional
        With ``strip_boilerplate=True``: the result of
        :func:`~corpus_tools.boilerplate.find_boilerplate` on this same corpus (same
        ``doc_id`` s), to strip what it found instead of finding it again. Default: found
        here with its default options.
    slogans : DataFrame or list of str, optional
        With ``mine_slogans=True``: the slogans to keep whole, a table of
        :func:`~corpus_tools.slogans.mine_slogans` (its ``slogan`` column) or a list,
        instead of mining them again. Default: mined here as said above.
    cache : bool or path, default True
        Use the on-disk segmentation cache (``True``: the default folder,
        :func:`~corpus_tools.tokens.default_cache_dir`; a path: that folder).
    n_jobs : int, optional
        Worker processes for segmentation (default: the segmenter's choice).
    engine : {"local", "dask"} or Engine, default "local"
        Where chunks of documents are segmented and counted (:mod:`corpus_tools.engine`):
        ``"local"`` (processes on this machine, ``n_jobs``), ``"dask"`` (a dask.distributed
        cluster: the session's client, a local cluster, or the one at ``scheduler``) or an
        :class:`~corpus_tools.engine.Engine`; the table is the same. The cache is read
        and written by this process only.
    scheduler : str, optional
        Address of a ``dask.distributed`` scheduler (``engine="dask"`` only).
    chunk_size : int, default 2000
        Documents segmented and counted per step (memory holds one chunk's tokens).
    progress : bool or None, default None
        Progress bar (None: on a terminal or in a notebook, once the call has run for a
        moment; True: at once; False: none).

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
    >>> t = ct.keyword_table(docs, cache=False)
    >>> t[["term", "count", "doc_freq"]].head(2).to_dict("records")
    [{'term': '两个维护', 'count': 2, 'doc_freq': 2}, {'term': '做到', 'count': 2, 'doc_freq': 2}]

    Boilerplate found once, for the table and for anything else (nothing is found twice):

    >>> docs = ct.load_texts({f"d{i}": f"央视网消息（新闻联播）：第{i}条新闻。" for i in range(3)})
    >>> found = ct.find_boilerplate(docs)
    >>> sorted(ct.keyword_table(docs, cache=False)["term"])
    ['央视网', '新闻', '新闻联播', '消息', '第']
    >>> t = ct.keyword_table(docs, strip_boilerplate=True, boilerplate=found, cache=False)
    >>> sorted(t["term"])
    ['新闻', '第']
    """
    rows = keyword_rows(
        corpus,
        by=by,
        segmenter=segmenter,
        stopwords=stopwords,
        min_count=min_count,
        top=top,
        min_length=min_length,
        numbers=numbers,
        strip_boilerplate=strip_boilerplate,
        mine_slogans=mine_slogans,
        boilerplate=boilerplate,
        slogans=slogans,
        cache=cache,
        n_jobs=n_jobs,
        engine=engine,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
    )
    try:
        parts = list(rows.parts())
    finally:
        rows.close()
    table = assemble(parts, rows.counted, _DTYPES)
    table.attrs["summary"] = rows.summary(len(table))
    return table


def keyword_rows(
    corpus: Any,
    *,
    by: str | Sequence[str] | None = None,
    segmenter: Any = None,
    stopwords: bool | Iterable[str] = True,
    min_count: int = 1,
    top: int | None = None,
    min_length: int = 1,
    numbers: bool = False,
    strip_boilerplate: bool = False,
    mine_slogans: bool = False,
    boilerplate: BoilerplateResult | None = None,
    slogans: pd.DataFrame | Sequence[str] | None = None,
    cache: bool | str | os.PathLike[str] = True,
    n_jobs: int | None = None,
    engine: str | Engine | None = "local",
    scheduler: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: bool | None = None,
) -> KeywordRows:
    """The corpus counted as :func:`keyword_table` counts it (same parameters), its rows
    still to be made (:class:`KeywordRows`: a frame at a time, for a table larger than
    memory; close it when done).

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({"a": "坚决做到两个维护。", "b": "深刻领悟两个确立，做到两个维护。"})
    >>> rows = keyword_rows(docs, cache=False)
    >>> [len(frame) for frame in rows.frames()], rows.summary(6)["terms"]
    ([6], 6)
    >>> rows.close()
    """
    func = "keyword_table"
    check_number(min_count, "min_count", func, kind=int, low=1)
    if top is not None:
        check_number(top, "top", func, kind=int, low=1)
    counted = count_corpus(
        corpus,
        by,
        func,
        segmenter=segmenter,
        stopwords=stopwords,
        min_length=min_length,
        numbers=numbers,
        strip_boilerplate=strip_boilerplate,
        mine_slogans=mine_slogans,
        boilerplate=boilerplate,
        slogans=slogans,
        cache=cache,
        n_jobs=n_jobs,
        engine=engine,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
    )
    return KeywordRows(counted, min_count=min_count, top=top)


#: Rows of a keyword table per frame of :meth:`KeywordRows.frames` (pyarrow's default
#: row group of a parquet file, so that a table written a frame at a time is the same
#: file as one written whole).
FRAME_ROWS = 1024 * 1024


class KeywordRows:
    """The rows of a keyword table, made one group at a time from the counts merged on
    disk (:meth:`CorpusCounts.group_terms`): :meth:`frames` gives the table in frames of
    :data:`FRAME_ROWS` rows, so that a writer holds one frame, not the table; the run
    figures (:meth:`summary`) are complete once every row was made.
    """

    def __init__(self, counted: CorpusCounts, *, min_count: int, top: int | None) -> None:
        self.counted = counted
        self.min_count = min_count
        self.top = top
        self.groups = counted.group_terms()
        self.tokens = 0

    def parts(self) -> Iterator[pd.DataFrame]:
        """The rows of each group with terms kept (a ``_group`` column, then
        :data:`_DTYPES`' columns)."""
        for part in self._id_parts():
            yield self._named(part)

    def _id_parts(self) -> Iterator[pd.DataFrame]:
        """:meth:`parts` with token ids in column ``term`` (strings made per frame)."""
        self.tokens = 0
        for g in range(len(self.counted.keys)):
            yield from self._group_rows(g)

    def _named(self, part: pd.DataFrame) -> pd.DataFrame:
        """``part`` with the terms of its ids in column ``term``."""
        terms = pd.Series(self.groups.words(part["term"].to_numpy()), dtype=object)
        return part.assign(term=terms.set_axis(part.index))

    def frames(self) -> Iterator[pd.DataFrame]:
        """The table in consecutive frames of :data:`FRAME_ROWS` rows (the last fewer; one
        empty frame for an empty table), each as :func:`keyword_table` builds it."""
        held: list[pd.DataFrame] = []
        size = 0
        made = False
        for part in self._id_parts():
            at = 0
            while at < len(part):
                piece = part.iloc[at : at + FRAME_ROWS - size]
                at += len(piece)
                held.append(piece)
                size += len(piece)
                if size == FRAME_ROWS:
                    yield assemble([self._named(h) for h in held], self.counted, _DTYPES)
                    made = True
                    held, size = [], 0
        if held or not made:
            yield assemble([self._named(h) for h in held], self.counted, _DTYPES)

    def summary(self, rows: int) -> dict[str, int]:
        """The run figures of ``table.attrs["summary"]`` (once every part was made)."""
        counts = self.counted.counts
        return {
            "documents": int(sum(counts.docs.values())),
            "groups": len(self.counted.keys),
            "rows": rows,
            "terms": self.groups.terms,
            "tokens": self.tokens,
            "chars": int(sum(counts.chars.values())),
            "segmented": counts.segmented,
            "from_cache": counts.cached,
        }

    def close(self) -> None:
        self.groups.close()

    def _group_rows(self, g: int) -> Iterator[pd.DataFrame]:
        """The rows of group ``g`` (none when no term of the group is kept), in slices of
        at most :data:`FRAME_ROWS` rows."""
        counts, top = self.counted.counts, self.top
        ids, cnt, dfs, words = self.groups.group(g)
        self.tokens += words
        total_terms = int(cnt.sum())
        if top is not None:
            ids, cnt, dfs = ids[:top], cnt[:top], dfs[:top]
        keep = cnt >= self.min_count
        ids, cnt, dfs = ids[keep], cnt[keep], dfs[keep]
        n_docs = sum(counts.docs.values())
        for a in range(0, len(ids), FRAME_ROWS):
            part = slice(a, a + FRAME_ROWS)
            rows = len(ids[part])
            corpus_df = self.groups.corpus_df[ids[part]].astype(np.float64)
            idf = np.log((1.0 + n_docs) / (1.0 + corpus_df)) + 1.0  # scikit-learn's smooth idf
            yield pd.DataFrame(
                {
                    "_group": np.full(rows, g, dtype=np.int64),
                    "term": ids[part],
                    "count": cnt[part],
                    "doc_freq": dfs[part],
                    "docs": np.full(rows, counts.docs[g], dtype=np.int64),
                    "rate_per_10k": cnt[part] * float(RATE_CHARS) / max(counts.chars[g], 1),
                    "tfidf": cnt[part] / total_terms * idf,
                }
            )


def keyword_table_dask(
    corpus: Any, *, client: Any = None, scheduler: str | None = None, **options: Any
) -> pd.DataFrame:
    """Deprecated: :func:`keyword_table` with ``engine=DaskEngine(client, scheduler)``.

    Warns a ``DeprecationWarning``; removed in corpus-tools 0.3. ``options`` are those of
    :func:`keyword_table`.

    Examples
    --------
    >>> from corpus_tools.engine import DaskEngine
    >>> keyword_table(docs, by="year", engine=DaskEngine(client))      # doctest: +SKIP
    """
    engine = legacy_dask_engine("keyword_table_dask", "keyword_table", client, scheduler)
    return keyword_table(corpus, engine=engine, **options)
