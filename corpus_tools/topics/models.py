"""The three topic models: fit on the counts of a corpus, then assign documents to topics.

Each model has two functions. ``fit`` learns the topics of the training counts and
returns the training documents' assignment with the learned state; ``assign`` puts the
counts of any documents (new ones, or the training ones again) into those topics. Both run
with one BLAS thread (:func:`fit_model`, :func:`assign`), so a corpus gives the same
floating-point sums, and the same topics, on every machine.

* ``nmf``: scikit-learn NMF (NNDSVD initialisation: deterministic) on sublinear tf-idf;
  a document's topic is its largest component, its ``weight`` that component's share of
  the document's loadings, its ``strength`` the component itself.
* ``lda``: gensim ``LdaModel`` on the counts; ``weight`` and ``strength`` are the topic's
  probability in the document.
* ``kmeans``: k-means of the tf-idf vectors; ``weight`` and ``strength`` are the cosine
  similarity of the document to its cluster's centroid.

A document without any feature gets topic -1 and weight 0.

scikit-learn's ``ConvergenceWarning`` is not passed on: whether a model converged is kept in
:attr:`Fitted.converged` (NMF and k-means stopped before their iteration limit), for the
caller to say in a sentence.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "MODELS",
    "Assignment",
    "Fitted",
    "assign",
    "fit_model",
    "fit_prepared",
    "fitting",
    "prepare",
]

#: The models :func:`~corpus_tools.topics.fit_topics` can fit; the first is the default.
MODELS = ("nmf", "lda", "kmeans")

#: NMF stops after this many iterations, or earlier when the loss improves by less than tol.
NMF_MAX_ITER = 400
NMF_TOL = 1e-4
#: k-means runs from this many seeded starts and keeps the best.
KMEANS_N_INIT = 10
#: LDA: passes over the corpus, and inference iterations per document.
LDA_PASSES = 10
LDA_ITERATIONS = 100


class Assignment(NamedTuple):
    """Documents in topics, in the model's own topic numbering (before ordering by size)."""

    labels: npt.NDArray[np.int64]  # topic of each document, -1 without features
    weights: npt.NDArray[np.float64]  # in [0, 1]: how strongly it belongs to its topic
    strength: npt.NDArray[np.float64]  # how much of its topic it holds (ranks representatives)


class Fitted(NamedTuple):
    """A fitted model: the training documents' assignment, term scores and the state."""

    assignment: Assignment
    term_scores: npt.NDArray[np.float64]  # k x terms
    state: Any  # what ``assign`` needs (the fitted estimators)
    converged: bool = True  # False: stopped at the iteration limit (``max_iter``)


def _tfidf(counts: Any) -> tuple[Any, Any]:
    """(fitted sublinear tf-idf transformer, the tf-idf of ``counts``)."""
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    return tfidf, tfidf.transform(counts)


# --------------------------------------------------------------------------- nmf


def _nmf_assignment(w: npt.NDArray[np.float64]) -> Assignment:
    total = w.sum(axis=1)
    labels = np.where(total > 0, w.argmax(axis=1), -1).astype(np.int64)
    safe = np.where(total > 0, total, 1.0)
    weights = np.where(labels >= 0, w.max(axis=1) / safe, 0.0)
    strength = np.where(labels >= 0, w.max(axis=1), 0.0).astype(np.float64)
    return Assignment(labels, weights.astype(np.float64), strength)


def _prepare_nmf(counts: Any) -> Any:
    """tf-idf of ``counts`` and its distinct columns: what the fits for every k share."""
    from corpus_tools.topics.factorization import distinct_columns

    tfidf, x = _tfidf(counts)
    return tfidf, distinct_columns(x)


def _fit_nmf(prepared: Any, k: int, seed: int) -> Fitted:
    """scikit-learn's NMF (NNDSVD, coordinate descent), each distinct column solved once.

    :func:`~corpus_tools.topics.factorization.fit_nmf` computes what
    ``NMF(init="nndsvd").fit_transform`` computes, up to rounding, 4 to 6 times faster; the
    estimator returned is scikit-learn's, with those components, to assign new documents.
    """
    from sklearn.decomposition import NMF

    from corpus_tools.topics.factorization import fit_nmf

    tfidf, cols = prepared
    w, h, n_iter = fit_nmf(cols, k, max_iter=NMF_MAX_ITER, tol=NMF_TOL, seed=seed)
    nmf = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=NMF_MAX_ITER, tol=NMF_TOL)
    nmf.components_ = h  # what fit would have learned (sklearn's fitted attributes)
    nmf.n_components_ = k
    nmf.n_features_in_ = cols.n_features
    nmf.n_iter_ = n_iter
    return Fitted(
        _nmf_assignment(w),
        np.asarray(h, dtype=np.float64),
        (tfidf, nmf),
        converged=n_iter < NMF_MAX_ITER,
    )


def _assign_nmf(state: Any, counts: Any) -> Assignment:
    tfidf, nmf = state
    return _nmf_assignment(nmf.transform(tfidf.transform(counts)))


# --------------------------------------------------------------------------- k-means


def _kmeans_assignment(
    x: Any, labels: npt.NDArray[np.int64], centers: npt.NDArray[np.float64]
) -> Assignment:
    empty = np.asarray(x.getnnz(axis=1) == 0)
    sims = np.asarray(x.multiply(centers[labels]).sum(axis=1)).ravel()
    labels = labels.copy()
    labels[empty] = -1
    sims[empty] = 0.0
    sims = np.clip(sims, 0.0, 1.0)
    return Assignment(labels, sims, sims)


def _fit_kmeans(prepared: Any, k: int, seed: int) -> Fitted:
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import normalize

    tfidf, x = prepared
    km = KMeans(n_clusters=k, n_init=KMEANS_N_INIT, random_state=seed)
    labels = km.fit_predict(x).astype(np.int64)
    centers = normalize(np.asarray(km.cluster_centers_, dtype=np.float64))
    return Fitted(
        _kmeans_assignment(x, labels, centers),
        centers,
        (tfidf, km, centers),
        converged=km.n_iter_ < km.max_iter,
    )


def _assign_kmeans(state: Any, counts: Any) -> Assignment:
    tfidf, km, centers = state
    x = tfidf.transform(counts)
    return _kmeans_assignment(x, km.predict(x).astype(np.int64), centers)


# --------------------------------------------------------------------------- lda


def _bow(counts: Any) -> list[list[tuple[int, int]]]:
    from gensim.matutils import Sparse2Corpus

    return list(Sparse2Corpus(counts, documents_columns=False))


def _lda_assignment(lda: Any, random_state: Any, bow: list[list[tuple[int, int]]]) -> Assignment:
    """Topic probabilities of each document, inferred from the same random state each time.

    gensim draws each document's starting point from ``lda.random_state``; starting from
    the state saved after training makes the training documents' assignment reproducible.
    """
    rng = np.random.RandomState()
    rng.set_state(random_state)
    lda.random_state = rng
    theta = np.zeros((len(bow), lda.num_topics), dtype=np.float64)
    for i, doc in enumerate(bow):
        for t, p in lda.get_document_topics(doc, minimum_probability=0.0):
            theta[i, t] = p
    empty = np.array([len(d) == 0 for d in bow], dtype=bool)
    labels = theta.argmax(axis=1).astype(np.int64)
    weights = theta.max(axis=1)
    labels[empty] = -1
    weights[empty] = 0.0
    return Assignment(labels, weights, weights)


def _prepare_lda(counts: Any) -> Any:
    return _bow(counts), counts.shape[1]


def _fit_lda(prepared: Any, k: int, seed: int) -> Fitted:
    from gensim.models import LdaModel

    bow, n_terms = prepared
    id2word = {i: str(i) for i in range(n_terms)}
    lda = LdaModel(
        bow,
        num_topics=k,
        id2word=id2word,
        random_state=seed,
        passes=LDA_PASSES,
        iterations=LDA_ITERATIONS,
        alpha="auto",
        eta="auto",
        eval_every=None,  # no perplexity estimate after each pass: 3x faster, same model
    )
    random_state = lda.random_state.get_state()
    return Fitted(
        _lda_assignment(lda, random_state, bow),
        np.asarray(lda.get_topics(), dtype=np.float64),
        (lda, random_state),
    )


def _assign_lda(state: Any, counts: Any) -> Assignment:
    lda, random_state = state
    return _lda_assignment(lda, random_state, _bow(counts))


# --------------------------------------------------------------------------- dispatch

_PREPARE: dict[str, Callable[[Any], Any]] = {
    "nmf": _prepare_nmf,
    "lda": _prepare_lda,
    "kmeans": _tfidf,
}
_FIT: dict[str, Callable[[Any, int, int], Fitted]] = {
    "nmf": _fit_nmf,
    "lda": _fit_lda,
    "kmeans": _fit_kmeans,
}
_ASSIGN: dict[str, Callable[[Any, Any], Assignment]] = {
    "nmf": _assign_nmf,
    "lda": _assign_lda,
    "kmeans": _assign_kmeans,
}


def prepare(model: str, counts: Any) -> Any:
    """What every fit of ``model`` on ``counts`` (csr) needs, whatever k: the tf-idf (and,
    for NMF, its distinct columns) or the bag of words (LDA). Pass it to :func:`fit_model`
    to compute it once for the k of a range."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1):
        return _PREPARE[model](counts)


@contextmanager
def fitting() -> Iterator[None]:
    """One BLAS (and OpenMP) thread, scikit-learn's ``ConvergenceWarning`` not passed on.

    One BLAS thread: the same floating-point sums on every machine, and a modest CPU;
    convergence is recorded in the result (and k-means finding fewer distinct clusters than
    k is a corpus too small for k, said by the caller). Both settings are the process's:
    enter this once around fits that run in threads (:func:`fit_prepared`), never in each.
    """
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def fit_prepared(model: str, prepared: Any, k: int, seed: int) -> Fitted:
    """Fit ``model`` with ``k`` topics on :func:`prepare` of its counts, inside :func:`fitting`.

    Fits of several k may run in threads at once: each reads ``prepared`` and writes only
    its own arrays (most of an NMF fit is numpy and scipy products, which run without the
    GIL), so each gives what it gives alone.
    """
    return _FIT[model](prepared, k, seed)


def fit_model(model: str, counts: Any, k: int, seed: int, prepared: Any = None) -> Fitted:
    """Fit ``model`` (one of :data:`MODELS`) with ``k`` topics on ``counts`` (csr).

    ``prepared`` is :func:`prepare` of the same ``model`` and ``counts``, computed here when
    not given.
    """
    with fitting():
        return fit_prepared(
            model, prepare(model, counts) if prepared is None else prepared, k, seed
        )


def assign(model: str, state: Any, counts: Any) -> Assignment:
    """Assign the documents of ``counts`` (csr over the fitted terms) to fitted topics."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _ASSIGN[model](state, counts)
