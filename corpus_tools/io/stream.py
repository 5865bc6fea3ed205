"""Corpora larger than memory: the corpus table a chunk at a time.

:func:`stream_corpus` returns a :class:`CorpusStream`, which reads the files again on each
iteration and yields corpus tables of at most ``chunk_size`` rows; :func:`corpus_chunks`
tells a capability whether it was given such a stream or a whole corpus.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from corpus_tools.errors import check_number, check_type, param_error
from corpus_tools.io.documents import CORPUS_COLUMNS, Document, chunk_ids, corpus_frame
from corpus_tools.io.files import (
    Problem,
    ReadOptions,
    Skipped,
    check_load_args,
    iter_documents,
    nothing_found,
)

if TYPE_CHECKING:  # pandas is imported where a table is made: a stream of texts needs none
    import pandas as pd

__all__ = [
    "STREAM_CHUNK",
    "STREAM_CHUNK_CHARS",
    "CorpusStream",
    "FieldChunk",
    "TextChunk",
    "corpus_chunks",
    "stream_corpus",
]

#: Documents per chunk of :func:`stream_corpus`, by default.
STREAM_CHUNK = 5000
#: ... and a chunk ends once it holds this many characters.
STREAM_CHUNK_CHARS = 20_000_000


class CorpusStream:
    """A corpus read in chunks: iterate it for corpus tables of at most ``chunk_size`` rows.

    What :func:`stream_corpus` returns. Each iteration reads the files again, so a stream
    can be passed to a function that needs two passes. The chunks together hold the rows
    :func:`load_corpus` would return, in the same order, with the same ``doc_id`` values
    (a repeated id gets ``#2``, ``#3``, ... across chunks too).

    A pass that finds no document warns (``UserWarning``) with the reason -- the paths, the
    inputs that could not be read, the files of folders not read -- unless
    :attr:`warn_empty` is False (the command line says it as an error instead).

    Attributes
    ----------
    errors : pandas.DataFrame
        ``path``, ``reason``: the inputs the last (or current) pass could not read.
    documents : int
        Documents yielded by the last (or current) pass.
    skipped : Skipped
        The files of folders the last pass did not read (other kinds, documentation
        files, left out by ``include``/``exclude``).
    warn_empty : bool
        Warn when a pass finds no document (default True).
    """

    def __init__(
        self,
        paths: list[str | os.PathLike[str]],
        *,
        chunk_size: int,
        chunk_chars: int,
        options: ReadOptions,
        progress: bool | None,
        on_error: Callable[[str, str], Any] | None,
    ) -> None:
        self.paths = paths
        self.chunk_size = chunk_size
        self.chunk_chars = chunk_chars
        self.options = options
        self.progress = progress
        self.on_error = on_error
        self._errors: list[Problem] = []
        self.documents = 0
        self.skipped = Skipped()
        self.warn_empty = True

    @property
    def split(self) -> str | None:
        return self.options.split

    @property
    def id_field(self) -> str:
        return self.options.id_field

    @property
    def text_field(self) -> str:
        return self.options.text_field

    def nothing_found(self) -> str:
        """Why the last pass found no document (see :func:`load_corpus`'s error)."""
        return nothing_found(self.paths, self._errors, self.skipped)

    def __repr__(self) -> str:
        return f"CorpusStream({len(self.paths)} path(s), chunk_size={self.chunk_size})"

    @property
    def errors(self) -> pd.DataFrame:
        from corpus_tools.io.tables import errors_frame

        return errors_frame(self._errors)

    def _error(self, item: Problem) -> None:
        self._errors.append(item)
        if self.on_error is not None:
            self.on_error(*item)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        ids: dict[str, int] = {}
        return self._chunks(lambda batch: corpus_frame(batch, ids))

    def field_chunks(self, fields: Sequence[str]) -> Iterator[FieldChunk]:
        """The chunks as :class:`FieldChunk` values: the texts and the metadata ``fields``
        only, without building the corpus table (what counting by a field needs).

        ``fields`` are metadata fields (not ``doc_id``, ``title``, ``text``, ``source``).

        Examples
        --------
        >>> [chunk] = stream_corpus("data/raw").field_chunks(["year"])
        >>> len(chunk.texts), list(chunk.fields.columns), "doc_id" in chunk.names
        (5, [], True)
        """
        wanted = list(fields)
        return self._chunks(lambda batch: _field_chunk(batch, wanted))

    def text_chunks(self) -> Iterator[TextChunk]:
        """The chunks as :class:`TextChunk` values: each document's ``doc_id`` (as the
        corpus table has it) and text, and nothing else (what the near-duplicate search
        needs, without building a table or importing pandas).

        Examples
        --------
        >>> [chunk] = stream_corpus("data/raw").text_chunks()
        >>> chunk.ids[:2], len(chunk.texts)
        (['000_14cdbf6256da471f.txt', '001_76da920ca12b73e0.txt'], 5)
        """
        ids: dict[str, int] = {}
        return self._chunks(lambda batch: TextChunk(chunk_ids(batch, ids), [d.text for d in batch]))

    def _chunks(self, make: Callable[[list[Document]], Any]) -> Iterator[Any]:
        """One pass: ``make(documents)`` for each chunk of documents."""
        self._errors = []
        self.documents = 0
        self.skipped = Skipped()
        batch: list[Document] = []
        chars = 0
        docs = iter_documents(
            self.paths, self.options, self._error, skipped=self.skipped, progress=self.progress
        )
        for doc in docs:
            batch.append(doc)
            chars += len(doc.text)
            if len(batch) >= self.chunk_size or chars >= self.chunk_chars:
                self.documents += len(batch)
                yield make(batch)
                batch, chars = [], 0
        if batch:
            self.documents += len(batch)
            yield make(batch)
        if not self.documents and self.warn_empty:
            warnings.warn(self.nothing_found(), UserWarning, stacklevel=2)

    def load(self) -> pd.DataFrame:
        """All chunks as one corpus table (what :func:`load_corpus` returns as documents)."""
        import pandas as pd

        frames = list(self)
        if not frames:
            return corpus_frame([])
        return pd.concat(frames, ignore_index=True)


class TextChunk(NamedTuple):
    """A chunk of a stream as :meth:`CorpusStream.text_chunks` yields it."""

    #: the documents' ``doc_id`` (a repeated one made unique with ``#2``, ``#3``, ...)
    ids: list[str]
    #: their texts
    texts: list[str]


class FieldChunk(NamedTuple):
    """A chunk of a stream as :meth:`CorpusStream.field_chunks` yields it."""

    #: the documents' texts
    texts: list[str]
    #: the fields asked for that the chunk has, as the corpus table's columns (dtypes)
    fields: pd.DataFrame
    #: the names of every column the chunk's corpus table has
    names: frozenset[str]


def _field_chunk(docs: list[Document], wanted: list[str]) -> FieldChunk:
    """The :class:`FieldChunk` of ``docs``: the columns ``corpus_frame`` would make of the
    ``wanted`` fields (the first value of a field in a document wins), nothing else."""
    names = set(CORPUS_COLUMNS)
    values: dict[str, list[Any]] = {name: [] for name in wanted}
    met: set[str] = set()  # the wanted fields some document has
    for d in docs:
        fields = dict(reversed(d.meta))  # (the first value of a field wins)
        names.update(fields)
        for name in wanted:
            value = fields.get(name)
            values[name].append(value)
            if value is not None or name in fields:
                met.add(name)
    import pandas as pd

    from corpus_tools.io.tables import column_array

    columns = {n: column_array(values[n]) for n in wanted if n in met}
    return FieldChunk([d.text for d in docs], pd.DataFrame(columns), frozenset(names))


def stream_corpus(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    chunk_size: int = STREAM_CHUNK,
    split: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
    include: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    progress: bool | None = False,
    on_error: Callable[[str, str], Any] | None = None,
) -> CorpusStream:
    """Read files and folders as a stream of corpus tables, for corpora larger than memory.

    Nothing is read until the stream is iterated. Each chunk is a corpus table with the
    columns of :func:`load_corpus` (metadata columns appear in a chunk when one of its
    records has them). ``.jsonl``, ``.jsonl.gz`` and ``.parquet`` files are read record by
    record; a ``.csv`` file and a file of one document (plain text, ``.docx`` ...) are
    read whole (one file at a time). :func:`keyword_table`, :func:`keyness`,
    :meth:`DedupIndex.build` and :func:`find_near_duplicates` take a stream and keep one
    chunk in memory at a time; any other function given a stream reads it whole.

    Parameters
    ----------
    paths, split, id_field, text_field, include, exclude, progress
        As for :func:`load_corpus`.
    chunk_size : int, default 5000
        Most documents per chunk (a chunk also ends at 20 million characters).
    on_error : callable, optional
        Called as ``on_error(path, reason)`` for each unreadable input as it is met
        (they are also in :attr:`CorpusStream.errors`).

    Returns
    -------
    CorpusStream
        Iterable (again and again) over the chunks.

    Examples
    --------
    >>> stream = stream_corpus("data/raw", chunk_size=2)
    >>> [len(chunk) for chunk in stream]
    [2, 2, 1]
    >>> import corpus_tools as ct
    >>> table = ct.keyword_table(stream_corpus("big.jsonl.gz"), by="year")  # doctest: +SKIP
    """
    func = "stream_corpus"
    path_list, options = check_load_args(
        paths, func, split, id_field, text_field, include=include, exclude=exclude
    )
    check_number(chunk_size, "chunk_size", func, kind=int, low=1)
    if on_error is not None and not callable(on_error):
        raise param_error("on_error", func, "a callable (path, reason) or None", on_error)
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    return CorpusStream(
        path_list,
        chunk_size=chunk_size,
        chunk_chars=STREAM_CHUNK_CHARS,
        options=options,
        progress=progress,
        on_error=on_error,
    )


def corpus_chunks(data: Any) -> tuple[Iterator[pd.DataFrame] | None, Any]:
    """Tell a stream of corpus tables from a corpus: ``(chunks, None)`` or ``(None, data)``.

    A stream is a :class:`CorpusStream`, a list of DataFrames, or an iterator whose first
    item is a DataFrame (a pandas chunked reader, a generator). Any other iterator is
    read into a list (its first item was looked at), which is returned as ``data``. The
    chunks are not checked here.

    Examples
    --------
    >>> chunks, data = corpus_chunks(["三会一课"])
    >>> chunks is None, data
    (True, ['三会一课'])
    """
    if isinstance(data, CorpusStream):
        return iter(data), None
    import pandas as pd

    if isinstance(data, (list, tuple)):
        if data and all(isinstance(x, pd.DataFrame) for x in data):
            return iter(data), None
        return None, data
    if isinstance(data, Iterator):
        try:
            first = next(data)
        except StopIteration:
            return None, []
        if isinstance(first, pd.DataFrame):
            return _prepend(first, data), None
        return None, [first, *data]
    return None, data


def _prepend(first: pd.DataFrame, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``first`` then ``rest``, holding no reference to ``first`` once it is passed on
    (``itertools.chain`` would keep the first chunk alive to the end)."""
    yield first
    del first
    yield from rest
