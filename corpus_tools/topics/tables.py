"""The tables that describe a fitted topic model (columns documented in
:class:`~corpus_tools.topics.TopicResult`).

Topics are renumbered largest first (:func:`topic_order`), so topic 0 is the one with the
most documents whatever the model's own numbering.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.topics.features import top_terms

__all__ = [
    "WEIGHT_DECIMALS",
    "documents_table",
    "k_scores_table",
    "representatives_table",
    "topic_order",
    "topics_table",
    "unassigned_table",
]

#: Weights are rounded to this many decimals: equal on every machine, and enough to rank.
WEIGHT_DECIMALS = 6

_TOPIC_COLUMNS = ["topic", "size", "share", "coherence", "terms", "term_weights"]
_REP_COLUMNS = ["topic", "rank", "doc_id", "title", "weight"]


def topic_order(labels: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.int64]:
    """The new number of each of the model's topics: largest first, ties by model number.

    Examples
    --------
    >>> topic_order(np.array([2, 2, 0, 1, 2, 0, -1]), 3).tolist()
    [1, 2, 0]
    """
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    order = np.array(sorted(range(k), key=lambda t: (-int(sizes[t]), t)), dtype=np.int64)
    new_of_old = np.empty(k, dtype=np.int64)
    new_of_old[order] = np.arange(k)
    return new_of_old


def documents_table(
    doc_ids: list[str],
    labels: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    new_of_old: npt.NDArray[np.int64],
    *,
    titles: list[str],
) -> pd.DataFrame:
    """``doc_id``, ``title``, ``topic`` (renumbered; -1 kept), ``weight`` (rounded), in order."""
    topics = np.where(labels >= 0, new_of_old[np.maximum(labels, 0)], -1)
    return pd.DataFrame(
        {
            "doc_id": pd.Series(doc_ids, dtype=object),
            "title": pd.Series(titles, dtype=object),
            "topic": topics.astype(np.int64),
            "weight": np.round(weights, WEIGHT_DECIMALS).astype(np.float64),
        }
    )


def unassigned_table(documents: pd.DataFrame, reasons: list[str]) -> pd.DataFrame:
    """``doc_id``, ``title``, ``reason`` of the documents without a topic, in input order.

    ``reasons`` holds why each document has no term ("" when it has terms): a document
    with terms and no topic got no weight from the model.
    """
    left = (documents["topic"] < 0).to_numpy()
    why = [r or "no topic weight" for r, out in zip(reasons, left.tolist(), strict=True) if out]
    return pd.DataFrame(
        {
            "doc_id": pd.Series(documents["doc_id"].to_numpy()[left], dtype=object),
            "title": pd.Series(documents["title"].to_numpy()[left], dtype=object),
            "reason": pd.Series(why, dtype=object),
        }
    )


def topics_table(
    documents: pd.DataFrame,
    term_scores: npt.NDArray[np.float64],
    *,
    coherence: list[float],
    new_of_old: npt.NDArray[np.int64],
    terms: list[str],
    n_terms: int,
) -> pd.DataFrame:
    """One row per topic, in the new numbering: size, share, coherence, top terms."""
    k = len(new_of_old)
    labels = documents["topic"].to_numpy()
    assigned = int((labels >= 0).sum())
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    old_of_new = np.argsort(new_of_old)
    rows = []
    for new, old in enumerate(old_of_new):
        scores = term_scores[old]
        top = top_terms(scores, terms, n_terms)
        norm = float(scores[top[0]]) if top and scores[top[0]] > 0 else 1.0
        rows.append(
            {
                "topic": new,
                "size": int(sizes[new]),
                "share": float(sizes[new] / assigned) if assigned else 0.0,
                "coherence": coherence[old],
                "terms": [terms[i] for i in top],
                "term_weights": [round(float(scores[i]) / norm, WEIGHT_DECIMALS) for i in top],
            }
        )
    return pd.DataFrame(rows, columns=_TOPIC_COLUMNS).astype(
        {"topic": np.int64, "size": np.int64, "share": np.float64, "coherence": np.float64}
    )


def representatives_table(
    documents: pd.DataFrame,
    strength: npt.NDArray[np.float64],
    *,
    titles: list[str],
    k: int,
    n_docs: int,
) -> pd.DataFrame:
    """The ``n_docs`` members of each topic that hold most of it (by ``strength``)."""
    labels = documents["topic"].to_numpy()
    doc_ids = documents["doc_id"].tolist()
    weights = documents["weight"].to_numpy()
    rows = []
    for t in range(k):
        members = np.flatnonzero(labels == t)
        ranked = sorted(members.tolist(), key=lambda i: (-float(strength[i]), i))
        for rank, i in enumerate(ranked[:n_docs], 1):
            rows.append(
                {
                    "topic": t,
                    "rank": rank,
                    "doc_id": doc_ids[i],
                    "title": titles[i],
                    "weight": float(weights[i]),
                }
            )
    return pd.DataFrame(rows, columns=_REP_COLUMNS).astype(
        {"topic": np.int64, "rank": np.int64, "weight": np.float64}
    )


def k_scores_table(scores: list[tuple[int, float]], chosen: int) -> pd.DataFrame:
    """``k``, ``coherence``, ``chosen`` of every k tried (empty when k was given)."""
    return pd.DataFrame(
        {
            "k": pd.Series([s[0] for s in scores], dtype=np.int64),
            "coherence": pd.Series([s[1] for s in scores], dtype=np.float64),
            "chosen": pd.Series([s[0] == chosen for s in scores], dtype=bool),
        }
    )
