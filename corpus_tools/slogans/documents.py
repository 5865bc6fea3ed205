"""Documents as the miner reads them: folded text, with the offsets back to the text as loaded.

Mining and counting run on the folded text (full-width digits as ASCII, spaces and line
breaks inside a phrase removed, traditional characters kept), so 三会一课 and
三会 一课 are one slogan; every position reported to the user is mapped back through
the offset map of :func:`corpus_tools.text.normalize`.

Examples
--------
>>> doc = folded_documents(corpus_frame({"a": "推行一征三议两公 开"}, "f", "text", "doc_id"),
...                        "text", "doc_id", "f")[0]
>>> doc.folded, doc.original(2, 9)
('推行一征三议两公开', (2, 10))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from corpus_tools.errors import InvalidParameterError, check_columns, param_error
from corpus_tools.io import load_texts
from corpus_tools.text.normalization import normalize

__all__ = ["CONTEXT_CHARS", "Document", "corpus_frame", "fold_slogan", "folded_documents"]

#: Characters of text kept on each side of a slogan as its context (the ``example``).
CONTEXT_CHARS = 18


@dataclass(frozen=True)
class Document:
    """One document: its id, its text as loaded, the folded text and the offset map.

    ``starts[i]`` and ``ends[i]`` are the offsets in ``text`` of the folded character ``i``.
    """

    doc_id: str
    text: str
    folded: str
    starts: Any
    ends: Any

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``text`` of the folded span ``folded[start:end]``."""
        return int(self.starts[start]), int(self.ends[end - 1])

    def context(self, start: int, end: int) -> str:
        """The text around ``text[start:end]`` (offsets as loaded), on one line."""
        lo = max(0, start - CONTEXT_CHARS)
        hi = min(len(self.text), end + CONTEXT_CHARS)
        return self.text[lo:hi].replace("\n", " ").strip()


def corpus_frame(corpus: Any, func: str, text_column: str, id_column: str) -> pd.DataFrame:
    """A corpus table from what the user gave (a table, a text, a list or dict of texts)."""
    if isinstance(corpus, str):
        return load_texts({"doc": corpus})
    if isinstance(corpus, (list, tuple, dict)):
        return load_texts(corpus)
    if isinstance(corpus, pd.DataFrame):
        check_columns(corpus, "corpus", func, [id_column, text_column])
        return corpus
    raise param_error(
        "corpus",
        func,
        "a str, a list or dict of str, or a corpus DataFrame",
        type(corpus).__name__,
    )


def folded_documents(
    frame: pd.DataFrame, text_column: str, id_column: str, func: str
) -> list[Document]:
    """The documents of a corpus table, folded, in table order."""
    docs = []
    for doc_id, text in zip(frame[id_column].tolist(), frame[text_column].tolist(), strict=True):
        if not isinstance(text, str):
            raise InvalidParameterError(
                f"The 'corpus' parameter of {func} must hold str texts in column "
                f"{text_column!r}. Document {doc_id!r} has {type(text).__name__}."
            )
        n = normalize(text, punctuation=False, lowercase=False)
        docs.append(Document(str(doc_id), text, n.text, n.starts, n.ends))
    return docs


def fold_slogan(s: str) -> str:
    """Fold a slogan given by a user the way documents are folded for mining.

    Examples
    --------
    >>> fold_slogan("１５分钟便民服务圈")
    '15分钟便民服务圈'
    """
    return normalize(s, punctuation=False, lowercase=False).text if s else s
