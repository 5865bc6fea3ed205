"""NMF on distinct columns computes scikit-learn's NMF of the full matrix (up to rounding)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import iter_records
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from corpus_tools.tokens import Segmenter
from corpus_tools.topics import topic_features
from corpus_tools.topics.factorization import distinct_columns, fit_nmf
from corpus_tools.topics.models import NMF_MAX_ITER, NMF_TOL, assign, fit_model, prepare


@pytest.fixture(scope="module")
def national_counts() -> Any:
    """Counts of 30 national reports: long documents, most word pairs in two of them."""
    rows = [
        {"doc_id": r["id"], "text": r["text"]} for r in iter_records("state_council_gwr", limit=30)
    ]
    counts, _, _ = topic_features(pd.DataFrame(rows), segmenter=Segmenter().load(), cache=False)
    return counts


@pytest.fixture(scope="module")
def national(national_counts: Any) -> Any:
    """Their tf-idf, as the NMF model sees them."""
    return TfidfTransformer(sublinear_tf=True).fit_transform(national_counts).tocsr()


def test_distinct_columns_group_equal_columns_only(national: Any) -> None:
    cols = distinct_columns(national)
    assert cols.n_features == national.shape[1]
    assert cols.matrix.shape[1] < national.shape[1] / 2  # many pairs share their column
    dense = national.toarray()
    first = np.unique(cols.inverse, return_index=True)[1]
    # every feature's column is its group's, and the groups' columns differ
    assert np.array_equal(dense, dense[:, first][:, cols.inverse])
    assert len({dense[:, j].tobytes() for j in first}) == len(first)
    # a group stands for its copies: its column times sqrt(copies)
    copies = np.bincount(cols.inverse)
    assert np.allclose(cols.matrix.toarray(), dense[:, first] * np.sqrt(copies))


@pytest.mark.parametrize("k", [4, 9])
def test_fit_is_scikit_learns_nmf_of_the_full_matrix(national: Any, k: int) -> None:
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        nmf = NMF(n_components=k, init="nndsvd", random_state=0, max_iter=NMF_MAX_ITER, tol=NMF_TOL)
        w_ref = nmf.fit_transform(national)
        w, h, n_iter = fit_nmf(
            distinct_columns(national), k, max_iter=NMF_MAX_ITER, tol=NMF_TOL, seed=0
        )
    assert n_iter == nmf.n_iter_  # the same stopping rule, at the same iteration
    assert h.shape == nmf.components_.shape
    assert np.abs(w - w_ref).max() < 1e-9 * max(1.0, np.abs(w_ref).max())
    assert np.abs(h - nmf.components_).max() < 1e-9 * max(1.0, np.abs(h).max())
    assert np.array_equal(w.argmax(axis=1), w_ref.argmax(axis=1))


def test_fitted_estimator_assigns_new_documents(national_counts: Any) -> None:
    counts = national_counts
    fitted = fit_model("nmf", counts, 4, 0, prepare("nmf", counts))
    again = assign("nmf", fitted.state, counts)
    # the training documents, solved again for the fitted topics, land where they were
    agree = (again.labels == fitted.assignment.labels).mean()
    assert agree > 0.9


def _top_terms_by_full_sort(scores: Any, terms: list[str], n_terms: int) -> list[int]:
    """top_terms as it was: every score sorted."""
    out: list[int] = []
    shown: set[str] = set()
    for i in np.lexsort((np.arange(len(scores)), -scores)):
        if len(out) >= n_terms or scores[i] <= 0:
            break
        parts = terms[i].split(" ")
        if (len(parts) == 1 and parts[0] in shown) or (len(parts) > 1 and set(parts) <= shown):
            continue
        out.append(int(i))
        shown.update(parts)
    return out


@pytest.mark.parametrize("first", [1, 20])
@pytest.mark.parametrize("n_terms", [1, 3, 10, 40])
def test_top_terms_sorts_the_best_first_as_a_full_sort_would(
    n_terms: int, first: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corpus_tools.topics import features
    from corpus_tools.topics.features import top_terms

    # 1 candidate per term: the search reads past the best few (where repeats are skipped)
    monkeypatch.setattr(features, "TOP_TERMS_FIRST_PER_TERM", first)
    rng = np.random.RandomState(n_terms)
    words = [f"w{i}" for i in range(60)]
    # few words, many pairs of them: most candidates are skipped as repeats, so the
    # search reads past the best few hundred; scores repeat (ties) and are mostly 0
    terms = words + [f"{a} {b}" for a in words for b in words if a != b][:3000]
    scores = rng.choice([0.0, 0.0, 0.0, 0.1, 0.2, 0.5, 1.0], size=len(terms))
    assert top_terms(scores, terms, n_terms) == _top_terms_by_full_sort(scores, terms, n_terms)
    assert top_terms(np.zeros(len(terms)), terms, n_terms) == []


def test_a_start_already_optimal_stops_as_scikit_learn_does() -> None:
    # two pairs of documents with no term in common: NNDSVD starts at the optimum, and the
    # violation is rounding noise (scikit-learn stops when it happens to be exactly 0)
    train = [
        "网格员走访居民，社区治理",
        "社区治理，网格员",
        "财政收支平衡，财政预算",
        "财政预算收支",
    ]
    counts, _, _ = topic_features(train, min_df=1, max_df=1.0, cache=False)
    x = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    nmf = NMF(n_components=2, init="nndsvd", random_state=0, max_iter=NMF_MAX_ITER, tol=NMF_TOL)
    with threadpool_limits(limits=1):
        w_ref = nmf.fit_transform(x)
        w, _, n_iter = fit_nmf(distinct_columns(x), 2, max_iter=NMF_MAX_ITER, tol=NMF_TOL)
    assert nmf.n_iter_ < NMF_MAX_ITER and n_iter < NMF_MAX_ITER  # both converged
    assert np.abs(w - w_ref).max() < 1e-12
