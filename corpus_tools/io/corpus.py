"""The corpus table from files, from strings, or from whatever a caller passes.

:func:`load_corpus` reads files and folders (every kind :mod:`corpus_tools.io.formats`
reads) into a :class:`LoadResult`: the documents, and the inputs that could not be read.
:func:`load_texts` makes the table from strings in memory; :func:`as_corpus` is what every
capability calls on its ``corpus`` argument.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, NamedTuple

import pandas as pd

from corpus_tools.errors import InvalidParameterError, NoDocumentsError, check_type, param_error
from corpus_tools.io.documents import Document, corpus_frame
from corpus_tools.io.files import Problem, Skipped, check_load_args, iter_documents, nothing_found
from corpus_tools.io.stream import corpus_chunks
from corpus_tools.io.tables import errors_frame

__all__ = ["LoadResult", "as_corpus", "load_corpus", "load_texts"]


class LoadResult(NamedTuple):
    """What :func:`load_corpus` returns.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per document. Columns: ``doc_id`` (string, unique), ``title`` (string: the
        record's ``title`` field as given, or the page's ``<title>``; else the first
        non-empty line, at most 200 characters), ``text`` (string, as decoded), ``source``
        (string: the file it came from), then every other field of record files (``year``,
        ``province``, ...: text as string, integers as int64, or Int64 when some records lack
        them; a field named ``doc_id``, ``text`` or ``source`` as ``record_doc_id`` ...) and,
        for a file read one document per line, ``line`` (int64, 1-based). String columns are
        ``string[python]`` (see :mod:`corpus_tools.io.tables`).
    errors : pandas.DataFrame
        One row per input that could not be read. Columns: ``path`` (string), ``reason``
        (string).
    """

    documents: pd.DataFrame
    errors: pd.DataFrame


def load_corpus(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    split: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
    include: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    progress: bool | None = False,
) -> LoadResult:
    """Load files and folders into a corpus table.

    Parameters
    ----------
    paths : path or list of paths
        Files or folders (read recursively, hidden files skipped).
    split : {None, "lines", "auto"}, default None
        ``"lines"`` reads one document per non-empty line of plain-text files, with
        ``doc_id`` ``"PATH:LINE"``; ``"auto"`` does so only for the files that hold one
        report per line (:func:`one_report_per_line`) and reads the others whole.
    id_field, text_field : str
        Field names of the id and text in record files (``.jsonl``, ``.csv``, ``.parquet``).
    include, exclude : str or list of str, optional
        Glob patterns choosing the files of folders: a file is read when it matches one of
        ``include`` (default: every readable kind) and none of ``exclude``. A pattern is
        matched against the path relative to the folder and against the file name
        (``"*.jsonl"``, ``"2023/*"``). Documentation files beside the reports
        (``README.md``, ``SOURCE.md``, ``LICENSE.txt`` ...) are read only when ``include``
        names them. Files named directly are always read.
    progress : bool or None, default False
        Show a progress bar on stderr (``None``: only when stderr is a terminal).

    Returns
    -------
    LoadResult
        ``documents`` (see :class:`LoadResult` for the columns) and ``errors``: the inputs
        that could not be read, each with its reason, beside the documents that could.

    Raises
    ------
    NoDocumentsError
        When no document is found: the message names the paths and why (a missing path,
        no readable file, a wrong ``text_field`` with the fields the records do have);
        its ``errors`` attribute is the ``errors`` table.
    InvalidParameterError
        For a bad argument (the message says what is allowed).

    Examples
    --------
    >>> res = load_corpus("data/raw", split="auto")
    >>> res.documents.shape[0], res.errors.shape[0]
    (13, 0)
    >>> load_corpus("data/raw", include="00[01]_*").documents["doc_id"].tolist()
    ['000_14cdbf6256da471f.txt', '001_76da920ca12b73e0.txt']
    >>> load_corpus("nope.jsonl")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.NoDocumentsError: No readable document in 'nope.jsonl': nope.jsonl: no such file or directory.
    """
    func = "load_corpus"
    path_list, options = check_load_args(
        paths, func, split, id_field, text_field, include=include, exclude=exclude
    )
    if progress is not None:
        check_type(progress, "progress", func, bool, "a bool or None")
    errors: list[Problem] = []
    skipped = Skipped()
    docs = list(
        iter_documents(path_list, options, errors.append, skipped=skipped, progress=progress)
    )
    if not docs:
        raise NoDocumentsError(nothing_found(path_list, errors, skipped), errors_frame(errors))
    return LoadResult(corpus_frame(docs), errors_frame(errors))


def load_texts(
    texts: Iterable[str] | dict[str, str], *, doc_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Make a corpus table from strings already in memory (a notebook's own texts).

    Parameters
    ----------
    texts : list of str or dict of doc_id -> str
        The documents.
    doc_ids : list of str, optional
        Ids for a list of texts (default ``"0"``, ``"1"``, ...).

    Returns
    -------
    pandas.DataFrame
        A corpus table (``doc_id``, ``title``, ``text``, ``source`` = ``"<memory>"``).

    Examples
    --------
    >>> load_texts({"a": "三会一课", "b": "三社联动"})[["doc_id", "text"]].to_dict("list")
    {'doc_id': ['a', 'b'], 'text': ['三会一课', '三社联动']}
    """
    func = "load_texts"
    if isinstance(texts, dict):
        items = list(texts.items())
    elif isinstance(texts, str) or not isinstance(texts, Iterable):
        raise param_error(
            "texts", func, "a list of str or a dict of doc_id -> str", type(texts).__name__
        )
    else:
        values = list(texts)
        ids = [str(i) for i in range(len(values))] if doc_ids is None else list(doc_ids)
        if len(ids) != len(values):
            raise InvalidParameterError(
                f"The 'doc_ids' parameter of {func} must have one id per text. "
                f"Got {len(ids)} ids for {len(values)} texts instead."
            )
        items = list(zip(ids, values, strict=True))
    for doc_id, text in items:
        check_type(text, "texts", func, str, "a list of str or a dict of doc_id -> str")
        check_type(doc_id, "doc_ids", func, str, "str ids")
    return corpus_frame([Document(doc_id, text, "<memory>") for doc_id, text in items])


_ALLOWED_CORPUS = (
    "a corpus DataFrame (doc_id, text), a dict {doc_id: text}, a list of str "
    "or a stream of corpus tables (stream_corpus)"
)


def as_corpus(data: Any, func: str, *, name: str = "corpus", unique: bool = True) -> pd.DataFrame:
    """The corpus table a capability works on, from what a caller may pass.

    ``data`` is a corpus table (``doc_id``, ``text``, as :func:`load_corpus` returns; not
    copied), a dict ``{doc_id: text}``, a list of texts, or a stream of corpus tables
    (:func:`stream_corpus`; read whole here). ``func`` and ``name`` go into
    the error message; ``unique`` requires distinct ``doc_id`` values.

    Examples
    --------
    >>> as_corpus(["三会一课"], "f")[["doc_id", "text"]].values.tolist()
    [['0', '三会一课']]
    """
    chunks, data = corpus_chunks(data)
    if chunks is not None:
        frames = [as_corpus(c, func, name=name, unique=False) for c in chunks]
        data = pd.concat(frames, ignore_index=True) if frames else corpus_frame([])
    frame = _corpus_table(data, func, name)
    _check_texts(frame, func, name)
    if unique:
        ids = frame["doc_id"].astype(str)
        if ids.duplicated().any():
            dup = ids[ids.duplicated()].iloc[0]
            raise InvalidParameterError(
                f"The {name!r} parameter of {func} must have unique doc_ids. "
                f"{dup!r} occurs more than once."
            )
    return frame


def _corpus_table(data: Any, func: str, name: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        missing = [c for c in ("doc_id", "text") if c not in data.columns]
        if missing:
            raise InvalidParameterError(
                f"The {name!r} parameter of {func} must be a corpus table with columns "
                f"['doc_id', 'text'] (as load_corpus returns). Columns {missing} are missing; "
                f"it has {list(data.columns)}."
            )
        return data
    if isinstance(data, dict) or (
        isinstance(data, Iterable) and not isinstance(data, (str, bytes))
    ):
        try:
            return load_texts(data if isinstance(data, dict) else list(data))
        except InvalidParameterError:
            raise param_error(name, func, _ALLOWED_CORPUS, type(data).__name__) from None
    raise param_error(name, func, _ALLOWED_CORPUS, type(data).__name__)


def _check_texts(frame: pd.DataFrame, func: str, name: str) -> None:
    texts = frame["text"].tolist()
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise InvalidParameterError(
            f"The {name!r} parameter of {func} must hold a str in every 'text' cell. "
            f"Row {bad[0]} (doc_id {frame['doc_id'].iloc[bad[0]]!r}) holds "
            f"{type(texts[bad[0]]).__name__} instead."
        )
