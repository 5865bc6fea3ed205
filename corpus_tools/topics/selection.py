"""The number of topics: the given k, or the k of a range whose topics are most coherent."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

from corpus_tools.topics.coherence import CoherenceScorer, mean_coherence
from corpus_tools.topics.models import Fitted, fit_model, prepare

__all__ = ["Selection", "Tried", "k_candidates", "select_model"]


class Selection(NamedTuple):
    """The model kept, the coherence of its topics and the score of every k tried."""

    fitted: Fitted
    coherence: list[float]  # per topic, in the model's own numbering
    k_scores: list[tuple[int, float]]  # (k, mean coherence); empty when k was given


#: Told of each step of the search: (what runs, e.g. "k=7: nmf", k fits done so far).
Tried = Callable[[str, int], None]


def _quiet(stage: str, done: int) -> None:
    """A :data:`Tried` that says nothing."""


def k_candidates(k: int | None, k_range: tuple[int, int], n_docs: int) -> list[int]:
    """The k fitted: ``[k]``, or the range capped at the number of documents.

    Examples
    --------
    >>> k_candidates(None, (4, 14), 9), k_candidates(None, (4, 14), 3), k_candidates(5, (4, 14), 9)
    ([4, 5, 6, 7, 8, 9], [3], [5])
    """
    if k is not None:
        return [k]
    low, high = k_range
    return list(range(low, min(high, n_docs) + 1)) or [min(low, n_docs)]


def select_model(
    model: str,
    counts: Any,
    *,
    k: int | None,
    k_range: tuple[int, int],
    seed: int,
    scorer: CoherenceScorer,
    report: Tried = _quiet,
) -> Selection:
    """Fit ``model`` with ``k`` topics, or with each k of ``k_range`` and keep the best.

    The best k has the highest mean coherence (a k whose topics cannot be scored counts as
    the worst); on a tie the smallest k is kept. The range is capped at the number of
    documents. ``report`` is told each step ("k=7: nmf", "k=7: c_v") and the number of
    fits done.
    """
    candidates = k_candidates(k, k_range, counts.shape[0])
    best: tuple[float, Fitted, list[float]] | None = None
    scores: list[tuple[int, float]] = []
    prepared = prepare(model, counts)  # the tf-idf (or bag of words) is the same for every k
    for done, kk in enumerate(candidates):
        report(f"k={kk}: {model}", done)
        fitted = fit_model(model, counts, kk, seed, prepared)
        report(f"k={kk}: {scorer.measure}", done)
        per_topic = scorer.score(fitted.term_scores)
        score = mean_coherence(per_topic)
        scores.append((kk, score))
        key = -math.inf if math.isnan(score) else score
        if best is None or key > best[0]:
            best = (key, fitted, per_topic)
    report("tables", len(candidates))
    assert best is not None  # candidates is never empty
    return Selection(best[1], best[2], scores if k is None else [])
