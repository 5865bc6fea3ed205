"""The number of topics: the given k, or the k of a range whose topics are most coherent."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, NamedTuple

from corpus_tools.engine.local import available_cores
from corpus_tools.topics.coherence import CoherenceScorer, mean_coherence
from corpus_tools.topics.models import Fitted, fit_prepared, fitting, prepare

__all__ = [
    "MIN_PARALLEL_FITS",
    "THREADED_MODELS",
    "Selection",
    "Tried",
    "fit_each",
    "fit_threads",
    "k_candidates",
    "select_model",
]

#: Fewer k than this are fitted one after the other (threads would not pay).
MIN_PARALLEL_FITS = 2
#: Rounds the number of idle cores (cores less the load average) to the nearest.
ROUND_HALF = 0.5
#: The models whose fits run in threads: their time is in numpy, scipy and scikit-learn's
#: compiled code, which runs without the GIL; gensim's LDA is mostly Python and would not
#: gain.
THREADED_MODELS = ("nmf", "kmeans")


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


def fit_threads(n_jobs: int | None) -> int:
    """Threads fitting the k of a range: ``n_jobs``; -1: one per core; ``None``: one per
    idle core (the cores less the 1-minute load average, at least one).

    On a machine whose cores are busy a second thread gains no time and costs CPU (on the
    national reports at load 4 on 2 cores: 6% more wall time, 5% more CPU), where on idle
    cores the fits end sooner (4 of them in 1.9 s instead of 3.0 on 2 cores). The topics are
    the same whatever the number.

    Examples
    --------
    >>> fit_threads(1), fit_threads(3), 1 <= fit_threads(None) <= fit_threads(-1)
    (1, 3, True)
    """
    if n_jobs is not None and n_jobs != -1:
        return max(1, n_jobs)
    cores = available_cores()
    if n_jobs == -1:
        return cores
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on this platform: the cores
        return cores
    return max(1, min(cores, math.floor(cores - load + ROUND_HALF)))


def select_model(
    model: str,
    counts: Any,
    *,
    k: int | None,
    k_range: tuple[int, int],
    seed: int,
    scorer: CoherenceScorer,
    report: Tried = _quiet,
    threads: int = 1,
) -> Selection:
    """Fit ``model`` with ``k`` topics, or with each k of ``k_range`` and keep the best.

    The best k has the highest mean coherence (a k whose topics cannot be scored counts as
    the worst); on a tie the smallest k is kept. The range is capped at the number of
    documents. Up to ``threads`` fits run at once (:func:`fit_each`): the same model is
    kept whatever their number. ``report`` is told each step ("k=7: nmf" as a fit starts,
    "k=7: c_v" as it is scored) and the number of k done.
    """
    candidates = k_candidates(k, k_range, counts.shape[0])
    best: tuple[tuple[float, int], Fitted, list[float]] | None = None
    scores: list[tuple[int, float]] = []
    prepared = prepare(model, counts)  # the tf-idf (or bag of words) is the same for every k
    with fitting():
        for done, (kk, fitted) in enumerate(
            fit_each(model, prepared, candidates, seed, threads=threads, report=report)
        ):
            report(f"k={kk}: {scorer.measure}", done)
            per_topic = scorer.score(fitted.term_scores)
            score = mean_coherence(per_topic)
            scores.append((kk, score))
            key = (-math.inf if math.isnan(score) else score, -kk)  # a tie: the smaller k
            if best is None or key > best[0]:
                best = (key, fitted, per_topic)
    report("tables", len(candidates))
    assert best is not None  # candidates is never empty
    return Selection(best[1], best[2], sorted(scores) if k is None else [])


def fit_each(
    model: str,
    prepared: Any,
    candidates: list[int],
    seed: int,
    *,
    threads: int = 1,
    report: Tried = _quiet,
) -> Iterator[tuple[int, Fitted]]:
    """(k, fit) for each k of ``candidates``, as the fits end; call inside :func:`fitting`.

    With ``threads`` > 1 up to that many fits run at once in threads, the largest k first
    (they take longest, and one started last would end alone); each fit is the one it would
    be alone. Only the models of :data:`THREADED_MODELS` run so. ``report`` is told each k
    as it starts ("k=14: nmf") and the number ended.
    """
    if threads <= 1 or len(candidates) < MIN_PARALLEL_FITS or model not in THREADED_MODELS:
        for done, kk in enumerate(candidates):
            report(f"k={kk}: {model}", done)
            yield kk, fit_prepared(model, prepared, kk, seed)
        return
    waiting = sorted(candidates, reverse=True)
    running: dict[Future[Fitted], int] = {}
    done = 0
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="topics-fit") as pool:
        while waiting or running:
            while waiting and len(running) < threads:  # start the next before scoring
                kk = waiting.pop(0)
                report(f"k={kk}: {model}", done)
                running[pool.submit(fit_prepared, model, prepared, kk, seed)] = kk
            ended, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(ended, key=running.__getitem__):
                kk = running.pop(future)
                done += 1
                yield kk, future.result()
