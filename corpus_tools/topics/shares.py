"""Topic shares over a metadata field: how the themes move by year, province, rubric."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corpus_tools.errors import check_columns, check_type, renamed

__all__ = ["topic_shares"]


def _empty(by: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            by: pd.Series([], dtype=object),
            "topic": pd.Series([], dtype=np.int64),
            "n_docs": pd.Series([], dtype=np.int64),
            "share": pd.Series([], dtype=np.float64),
        }
    )


@renamed(over="by")
def topic_shares(documents: pd.DataFrame, corpus: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Share of each topic among the documents of each value of a metadata field.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table of a :class:`~corpus_tools.topics.TopicResult`, or of
        :meth:`TopicModel.transform <corpus_tools.topics.TopicModel.transform>` (``doc_id``,
        ``topic``).
    corpus : pandas.DataFrame
        The corpus table with ``doc_id`` and the ``by`` column. Not modified.
    by : str
        The field, e.g. ``"year"`` (formerly ``over``, which still works for one release).
        Documents with a missing value are left out, and so are documents without a topic
        (-1).

    Returns
    -------
    pandas.DataFrame
        One row per (value, topic) with at least one document, sorted by value then topic.
        Columns: the ``by`` field (its dtype), ``topic`` (int64), ``n_docs`` (int64),
        ``share`` (float64: ``n_docs`` over that value's documents with a topic).

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "year": [2023, 2023, 2024]})
    >>> documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "topic": [0, 1, 1]})
    >>> topic_shares(documents, corpus, by="year").to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'year': 2023, 'topic': 0, 'n_docs': 1, 'share': 0.5},
     {'year': 2023, 'topic': 1, 'n_docs': 1, 'share': 0.5},
     {'year': 2024, 'topic': 1, 'n_docs': 1, 'share': 1.0}]
    """
    func = "topic_shares"
    check_columns(documents, "documents", func, ["doc_id", "topic"])
    check_type(by, "by", func, str, "a str (a column of the corpus)")
    check_columns(corpus, "corpus", func, ["doc_id", by])
    values = dict(zip(corpus["doc_id"].astype(str), corpus[by], strict=True))
    frame = pd.DataFrame(
        {
            by: [values.get(str(d)) for d in documents["doc_id"].tolist()],
            "topic": documents["topic"].astype(np.int64).to_numpy(),
        }
    )
    frame = frame[frame["topic"] >= 0]
    frame = frame[frame[by].notna()]
    if frame.empty:
        return _empty(by)
    counts = frame.groupby([by, "topic"], sort=True).size().rename("n_docs").reset_index()
    totals = counts.groupby(by, sort=False)["n_docs"].transform("sum")
    counts["n_docs"] = counts["n_docs"].astype(np.int64)
    counts["share"] = (counts["n_docs"] / totals).astype(np.float64)
    return counts.reset_index(drop=True)
