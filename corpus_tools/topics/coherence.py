"""Topic coherence: how often a topic's top words occur together in the corpus.

A topic's coherence is computed on its top words (a pair feature counts as its two words),
over the kept words of the training documents. It scores a fitted model and chooses ``k``
when it is not given; the default measure, C_V, was chosen by measurement (see
:mod:`corpus_tools.topics`).

The measures are those of gensim's ``CoherenceModel`` (Röder, Both and Hinneburg 2015, as
gensim 4 computes them), and give the same values to the last bit (tested against gensim):

* ``"c_v"``: windows of 110 words; each top word's vector of NPMI with the topic's top
  words is compared (cosine) with the topic's summed vector; the topic's score is the mean;
* ``"c_npmi"``: windows of 10 words; the mean NPMI of the ordered pairs of top words;
* ``"u_mass"``: whole documents; the mean log conditional probability of each top word
  given each better one.

The counts behind them (:class:`~corpus_tools.topics.cooccurrence.WindowCounts`) are
computed once per corpus and shared by every k tried, where gensim counted them again for
every model. The arithmetic on the counts is done in gensim's order of operations, so that
the floating-point results, and the k chosen, stay the same.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from corpus_tools.topics.cooccurrence import WindowCounts
from corpus_tools.topics.features import PAIR, top_terms

__all__ = ["COHERENCE_MEASURES", "SLIDING_WINDOWS", "CoherenceScorer", "mean_coherence"]

#: Coherence measures (as gensim's ``CoherenceModel`` names them); the first is the default.
COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")
#: Words per window of each measure (gensim's defaults); None: a window is a document.
SLIDING_WINDOWS: dict[str, int | None] = {"c_v": 110, "c_npmi": 10, "u_mass": None}
#: Words per topic scored by coherence.
COHERENCE_WORDS = 10
#: Top terms of a topic looked at to find its COHERENCE_WORDS words (pairs give two each).
CANDIDATE_TERMS = 20
#: Added to a joint probability before its logarithm, so that words never seen together
#: score low instead of minus infinity (gensim's constant, kept for equal results).
EPSILON = 1e-12


def mean_coherence(values: list[float]) -> float:
    """The mean of the scores that are not NaN (NaN when none is).

    Examples
    --------
    >>> mean_coherence([0.5, float("nan"), 0.7])
    0.6
    """
    ok = [v for v in values if not math.isnan(v)]
    return float(sum(ok) / len(ok)) if ok else math.nan


# --------------------------------------------------------------------------- measures


def _npmi(counts: WindowCounts, a: str, b: str) -> np.float64:
    """Normalised pointwise mutual information of two words over the windows."""
    n = float(counts.n_windows)
    joint = counts.co_occurrences(a, b) / n
    ratio = np.log((joint + EPSILON) / ((counts.occurrences(a) / n) * (counts.occurrences(b) / n)))
    return np.float64(ratio / (-np.log(joint + EPSILON)))


def _sparse_values(values: dict[int, float]) -> list[tuple[int, float]]:
    """The entries of a context vector that are not zero, by index (as a sparse vector)."""
    return sorted((i, v) for i, v in values.items() if v != 0)


def _cosine(v1: list[tuple[int, float]], v2: list[tuple[int, float]]) -> np.float64:
    """Cosine of two sparse vectors, summed in index order as a sparse product sums them."""
    other = dict(v2)
    dot = 0.0
    for i, v in v1:
        if i in other:
            dot += v * other[i]
    norm1 = np.sqrt(np.sum(np.array([v for _, v in v1]) ** 2))
    norm2 = np.sqrt(np.sum(np.array([v for _, v in v2]) ** 2))
    return np.float64(dot / (norm1 * norm2))


def _c_v(topics: list[list[str]], counts: WindowCounts) -> list[float]:
    """C_V of each topic: cosine of each word's NPMI vector with the topic's summed vector."""
    index: dict[str, int] = {}  # a word's place in the context vectors, first seen first
    for topic in topics:
        for w in topic:
            index.setdefault(w, len(index))
    npmi: dict[tuple[str, str], np.float64] = {}

    def pair(a: str, b: str) -> np.float64:
        key = (a, b) if index[a] <= index[b] else (b, a)
        if key not in npmi:
            npmi[key] = _npmi(counts, *key)
        return npmi[key]

    out = []
    for topic in topics:
        whole: dict[int, float] = {}
        for wj in topic:
            total = 0.0
            for wi in topic:
                total += pair(wi, wj)
            whole[index[wj]] = total
        topic_vector = _sparse_values(whole)
        sims = np.zeros(len(topic))
        for s, w in enumerate(topic):
            own = _sparse_values({index[wj]: 0.0 + pair(w, wj) for wj in topic})
            sims[s] = _cosine(own, topic_vector)
        out.append(float(np.mean(sims)))
    return out


def _c_npmi(topics: list[list[str]], counts: WindowCounts) -> list[float]:
    """The mean NPMI of the ordered pairs of a topic's words."""
    return [
        float(np.mean([_npmi(counts, a, b) for a in topic for b in topic if a != b]))
        for topic in topics
    ]


def _u_mass(topics: list[list[str]], counts: WindowCounts) -> list[float]:
    """The mean log conditional probability of each word given each word ranked above it."""
    n = float(counts.n_windows)
    out = []
    for topic in topics:
        sims = [
            np.log(
                ((counts.co_occurrences(w, better) / n) + EPSILON)
                / (counts.occurrences(better) / n)
            )
            for i, w in enumerate(topic[1:])
            for better in topic[: i + 1]
        ]
        out.append(float(np.mean(sims)))
    return out


_MEASURES = {"c_v": _c_v, "c_npmi": _c_npmi, "u_mass": _u_mass}


class CoherenceScorer:
    """Scores the topics of models fitted on one corpus's features.

    The window counts are computed once, when a first model is scored, and kept for the
    next ones.

    Parameters
    ----------
    words : list of list of str
        The kept words of each document (:class:`~corpus_tools.topics.features.Features`).
    terms : list of str
        The feature names (a pair is two words joined by a space).
    measure : {"c_v", "c_npmi", "u_mass"}
        The coherence measure.

    Examples
    --------
    >>> words = [["社区", "治理", "网格"], ["社区", "网格", "居民"], ["财政", "预算", "收支"]]
    >>> terms = ["居民", "收支", "治理", "社区", "网格", "财政", "预算"]
    >>> scorer = CoherenceScorer(words, terms, "u_mass")
    >>> scores = np.array([[0, 0, 0.9, 1.0, 0.8, 0, 0], [0, 0.5, 0, 0, 0, 1.0, 0.9]])
    >>> [round(v, 3) for v in scorer.score(scores)]  # log(1/2): 治理 in one of 社区's two
    [-0.231, 0.0]
    """

    def __init__(self, words: Sequence[Sequence[str]], terms: list[str], measure: str) -> None:
        self.words = words
        self.terms = terms
        self.measure = measure
        self.vocab = {w for doc in words for w in doc}
        self._counts: WindowCounts | None = None

    def topic_words(self, scores: npt.NDArray[np.float64]) -> list[str]:
        """The words a topic is scored on: those of its top terms, best first, no repeats."""
        out: list[str] = []
        for i in top_terms(scores, self.terms, CANDIDATE_TERMS):
            for w in self.terms[i].split(PAIR):
                if w in self.vocab and w not in out:
                    out.append(w)
        return out[:COHERENCE_WORDS]

    def counts(self) -> WindowCounts:
        """The window counts of the corpus for this measure (computed on first use)."""
        if self._counts is None:
            texts = [doc for doc in self.words if doc]
            self._counts = WindowCounts(texts, SLIDING_WINDOWS[self.measure])
        return self._counts

    def score(self, term_scores: npt.NDArray[np.float64]) -> list[float]:
        """The coherence of each topic (rows of ``term_scores``); NaN below two words."""
        topic_words = [self.topic_words(row) for row in term_scores]
        scored = [i for i, tw in enumerate(topic_words) if len(tw) >= 2]
        values = [math.nan] * len(topic_words)
        if scored:
            found = _MEASURES[self.measure]([topic_words[i] for i in scored], self.counts())
            for i, v in zip(scored, found, strict=True):
                values[i] = v
        return values
