"""The corpus table: its columns, and the documents that become its rows.

Every reader yields :class:`Document` values; :func:`corpus_frame` turns them into the
table every capability works on (``doc_id``, ``title``, ``text``, ``source``, then the
metadata fields), keeping ``doc_id`` unique, with the dtypes of :mod:`corpus_tools.io.tables`.

Examples
--------
>>> docs = [Document("a.txt", "关于XX社区的报告\\n正文", "a.txt"), Document("a.txt", "又一篇", "b.txt")]
>>> corpus_frame(docs)[["doc_id", "title"]].values.tolist()
[['a.txt', '关于XX社区的报告'], ['a.txt#2', '又一篇']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CORPUS_COLUMNS",
    "TITLE_CHARS",
    "Document",
    "FileText",
    "chunk_ids",
    "corpus_frame",
    "first_line",
]

#: The columns every corpus table starts with, in this order; metadata fields follow.
CORPUS_COLUMNS = ("doc_id", "title", "text", "source")
#: A title taken from the text (its first non-empty line) is cut to this many characters.
TITLE_CHARS = 200


@dataclass(frozen=True)
class Document:
    """One document read from a file, before it is a row of the corpus table.

    ``meta`` holds ``(field, value)`` pairs (a record's other fields, a page's date, the
    line number of a file read one report per line); ``title`` None means the first line.
    """

    doc_id: str
    text: str
    source: str
    title: str | None = None
    meta: tuple[tuple[str, Any], ...] = ()


class FileText(NamedTuple):
    """What a reader of one document kind returns: the text as loaded, and what the file
    says about it (a web page's ``<title>`` and publication date)."""

    text: str
    title: str | None = None
    meta: tuple[tuple[str, Any], ...] = ()


#: The characters ``str.splitlines`` breaks lines at.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def first_line(text: str) -> str:
    """The first non-empty line of ``text``, stripped, at most :data:`TITLE_CHARS` long.

    Examples
    --------
    >>> first_line("\\n  XX区委组织部2023年工作总结  \\n一、主要做法")
    'XX区委组织部2023年工作总结'
    """
    rest = text.lstrip()  # every line break is whitespace: empty lines go too
    end = _LINE_BREAK.search(rest)
    return (rest if end is None else rest[: end.start()]).rstrip()[:TITLE_CHARS]


def corpus_frame(docs: list[Document], counts: dict[str, int] | None = None) -> pd.DataFrame:
    """The corpus table of ``docs``; ``counts`` carries the ids seen across chunks.

    A repeated ``doc_id`` gets ``#2``, ``#3``, ... so that ids stay unique
    (:func:`chunk_ids`). Columns follow :mod:`corpus_tools.io.tables`: text as
    ``string[python]``, integer fields as ``int64`` (``Int64`` when a record lacks them),
    metadata fields in the order first met.
    """
    import pandas as pd

    from corpus_tools.io.tables import column_array

    columns: dict[str, list[Any]] = {c: [] for c in CORPUS_COLUMNS}
    columns["doc_id"] = chunk_ids(docs, {} if counts is None else counts)
    for row, d in enumerate(docs):
        columns["title"].append(d.title if d.title else first_line(d.text))
        columns["text"].append(d.text)
        columns["source"].append(d.source)
        for k, v in d.meta:
            values = columns.get(k)
            if values is None:  # (not setdefault: it would build the list for every field)
                values = columns[k] = [None] * row
            if len(values) == row:  # the first value of a field in a document wins
                values.append(v)
        for values in columns.values():
            if len(values) == row:
                values.append(None)
    return pd.DataFrame({name: column_array(values) for name, values in columns.items()})


def chunk_ids(docs: list[Document], counts: dict[str, int]) -> list[str]:
    """The ``doc_id`` of each of ``docs`` in the corpus table: a repeated one gets ``#2``,
    ``#3``, ...; ``counts`` carries the ids seen so far (across chunks) and is updated.

    Examples
    --------
    >>> seen = {}
    >>> chunk_ids([Document("a", "x", "a"), Document("a", "y", "a")], seen), seen
    (['a', 'a#2'], {'a': 2})
    """
    out = []
    for d in docs:
        doc_id = d.doc_id
        n = counts.get(doc_id, 0)
        counts[doc_id] = n + 1
        out.append(f"{doc_id}#{n + 1}" if n else doc_id)
    return out
