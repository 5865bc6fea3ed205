"""What a topic fit tells its user: a corpus too small for its topics, documents left out,
a model that did not converge. Each is one sentence, given as a :class:`TopicWarning` (the
CLI prints it as a line on stderr) and kept in the result.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

__all__ = [
    "MIN_DOCS_PER_TOPIC",
    "TopicWarning",
    "convergence_note",
    "small_corpus_note",
    "unassigned_note",
]

#: A topic is a theme several documents share: below this many documents per topic on
#: average, most topics are single documents (seven reports in seven topics of one each).
MIN_DOCS_PER_TOPIC = 3


class TopicWarning(UserWarning):
    """A fit that ran but whose result needs a caveat (see :mod:`corpus_tools.topics.caveats`)."""


def small_corpus_note(documents: pd.DataFrame, k: int) -> str | None:
    """A sentence when the documents with a topic are too few for ``k`` topics, else None.

    Examples
    --------
    >>> docs = pd.DataFrame({"topic": [0, 1, 2, 2, -1]})
    >>> small_corpus_note(docs, 3)
    '4 documents with a topic are too few for 3 topics (a topic needs about 3 documents; \
2 of the topics hold a single document). Give more documents or ask for fewer topics (k).'
    >>> small_corpus_note(pd.DataFrame({"topic": [0, 0, 0, 1, 1, 1]}), 2) is None
    True
    """
    topics = documents["topic"]
    assigned = int((topics >= 0).sum())
    if assigned >= MIN_DOCS_PER_TOPIC * k:
        return None
    singles = int((topics[topics >= 0].value_counts() == 1).sum())
    held = f"; {singles} of the topics hold a single document" if singles else ""
    return (
        f"{assigned} documents with a topic are too few for {k} topics (a topic needs about "
        f"{MIN_DOCS_PER_TOPIC} documents{held}). Give more documents or ask for fewer topics (k)."
    )


def unassigned_note(unassigned: pd.DataFrame, n_docs: int) -> str | None:
    """A sentence naming how many documents have no topic and why, else None.

    Examples
    --------
    >>> left = pd.DataFrame({"reason": ["only boilerplate"] * 6 + ["empty text"]})
    >>> unassigned_note(left, 13)
    '7 of 13 documents have no topic (6 only boilerplate, 1 empty text); the unassigned \
table names them.'
    """
    if unassigned.empty:
        return None
    counts = Counter(unassigned["reason"].tolist())
    why = ", ".join(f"{n} {reason}" for reason, n in counts.most_common())
    return (
        f"{len(unassigned)} of {n_docs} documents have no topic ({why}); the unassigned "
        "table names them."
    )


def convergence_note(model: str, k: int, converged: bool) -> str | None:
    """A sentence when the model stopped at its iteration limit, else None.

    Examples
    --------
    >>> convergence_note("nmf", 9, False)
    'The nmf model with k=9 stopped at its iteration limit before it converged: its topics \
are approximate, and a document on the border of two topics may belong to either.'
    """
    if converged:
        return None
    return (
        f"The {model} model with k={k} stopped at its iteration limit before it converged: "
        "its topics are approximate, and a document on the border of two topics may belong "
        "to either."
    )
