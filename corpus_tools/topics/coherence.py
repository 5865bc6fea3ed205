"""Topic coherence (gensim ``CoherenceModel``): how often a topic's top words occur together.

A topic's coherence is computed on its top words (a pair feature counts as its two words),
over the kept words of the training documents. It scores a fitted model and chooses ``k``
when it is not given; the default measure, C_V, was chosen by measurement (see
:mod:`corpus_tools.topics`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from corpus_tools.topics.features import PAIR, top_terms

__all__ = ["COHERENCE_MEASURES", "CoherenceScorer", "mean_coherence"]

#: Coherence measures (gensim ``CoherenceModel``); the first is the default.
COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")
#: Words per topic scored by coherence.
COHERENCE_WORDS = 10
#: Top terms of a topic looked at to find its COHERENCE_WORDS words (pairs give two each).
CANDIDATE_TERMS = 20


def mean_coherence(values: list[float]) -> float:
    """The mean of the scores that are not NaN (NaN when none is).

    Examples
    --------
    >>> mean_coherence([0.5, float("nan"), 0.7])
    0.6
    """
    ok = [v for v in values if not math.isnan(v)]
    return float(sum(ok) / len(ok)) if ok else math.nan


class CoherenceScorer:
    """Scores the topics of models fitted on one corpus's features.

    Parameters
    ----------
    words : list of list of str
        The kept words of each document (:class:`~corpus_tools.topics.features.Features`).
    terms : list of str
        The feature names (a pair is two words joined by a space).
    measure : {"c_v", "c_npmi", "u_mass"}
        The coherence measure.
    """

    def __init__(self, words: list[list[str]], terms: list[str], measure: str) -> None:
        from gensim.corpora import Dictionary

        self.words = words
        self.terms = terms
        self.measure = measure
        self.dictionary = Dictionary()
        for doc in words:
            self.dictionary.add_documents([doc])
        self.vocab = set(self.dictionary.token2id)

    def topic_words(self, scores: npt.NDArray[np.float64]) -> list[str]:
        """The words a topic is scored on: those of its top terms, best first, no repeats."""
        out: list[str] = []
        for i in top_terms(scores, self.terms, CANDIDATE_TERMS):
            for w in self.terms[i].split(PAIR):
                if w in self.vocab and w not in out:
                    out.append(w)
        return out[:COHERENCE_WORDS]

    def score(self, term_scores: npt.NDArray[np.float64]) -> list[float]:
        """The coherence of each topic (rows of ``term_scores``); NaN below two words."""
        from gensim.models.coherencemodel import CoherenceModel

        topic_words = [self.topic_words(row) for row in term_scores]
        scored = [i for i, tw in enumerate(topic_words) if len(tw) >= 2]
        values = [math.nan] * len(topic_words)
        if not scored:
            return values
        texts = [w for w in self.words if w]
        kwargs: dict[str, Any] = {
            "topics": [topic_words[i] for i in scored],
            "dictionary": self.dictionary,
            "coherence": self.measure,
            "topn": COHERENCE_WORDS,
            "processes": 1,
        }
        if self.measure == "u_mass":
            kwargs["corpus"] = [self.dictionary.doc2bow(t) for t in texts]
        else:
            kwargs["texts"] = texts
        cm = CoherenceModel(**kwargs)
        for i, v in zip(scored, cm.get_coherence_per_topic(), strict=True):
            values[i] = float(v)
        return values
