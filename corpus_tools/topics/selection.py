"""The number of topics: the given k, or the k of a range whose topics are most coherent."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from corpus_tools.topics.coherence import CoherenceScorer, mean_coherence
from corpus_tools.topics.models import Fitted, fit_model

__all__ = ["Selection", "select_model"]


class Selection(NamedTuple):
    """The model kept, the coherence of its topics and the score of every k tried."""

    fitted: Fitted
    coherence: list[float]  # per topic, in the model's own numbering
    k_scores: list[tuple[int, float]]  # (k, mean coherence); empty when k was given


def select_model(
    model: str,
    counts: Any,
    *,
    k: int | None,
    k_range: tuple[int, int],
    seed: int,
    scorer: CoherenceScorer,
) -> Selection:
    """Fit ``model`` with ``k`` topics, or with each k of ``k_range`` and keep the best.

    The best k has the highest mean coherence (a k whose topics cannot be scored counts as
    the worst); on a tie the smallest k is kept. The range is capped at the number of
    documents.
    """
    if k is not None:
        fitted = fit_model(model, counts, k, seed)
        return Selection(fitted, scorer.score(fitted.term_scores), [])
    n = counts.shape[0]
    low, high = k_range
    candidates = list(range(low, min(high, n) + 1)) or [min(low, n)]
    best: tuple[float, Fitted, list[float]] | None = None
    scores: list[tuple[int, float]] = []
    for kk in candidates:
        fitted = fit_model(model, counts, kk, seed)
        per_topic = scorer.score(fitted.term_scores)
        score = mean_coherence(per_topic)
        scores.append((kk, score))
        key = -math.inf if math.isnan(score) else score
        if best is None or key > best[0]:
            best = (key, fitted, per_topic)
    assert best is not None  # candidates is never empty
    return Selection(best[1], best[2], scores)
