"""NMF fitted as scikit-learn fits it, with each distinct feature column solved once.

Most features of long reports are word pairs found in two documents, and their tf-idf
columns repeat: on the 137 national reports 176,504 features have 32,058 distinct columns.
Coordinate descent (scikit-learn's ``NMF(solver="cd")``) solves the loadings of each
feature on its own, so features with the same column and the same start keep the same
loadings throughout. :func:`fit_nmf` fits the matrix of distinct columns, each scaled by the
square root of its number of copies ``m``, which is the same problem: the objective, every
update and the stopping rule (the projected gradient of a distinct column counts ``m``
times) are those of the full matrix, and NNDSVD starts from the same singular vectors
(scikit-learn's randomized SVD draws its random matrix on the documents' side). Only the
floating-point rounding differs: the loadings agree with scikit-learn's to about 1e-13 and
the fits stop at the same iteration, 4 to 6 times faster (k = 4 and 14 on those reports).

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> x = sp.csr_matrix(np.array([[1.0, 1.0, 0.0, 2.0], [0.0, 0.0, 3.0, 1.0], [1.0, 1.0, 1.0, 0.0]]))
>>> cols = distinct_columns(x)
>>> cols.matrix.shape, cols.inverse.tolist()
((3, 3), [0, 0, 1, 2])
>>> w, h, n_iter = fit_nmf(cols, 2, max_iter=200, tol=1e-4)
>>> h.shape, bool(np.array_equal(h[:, 0], h[:, 1]))
((2, 4), True)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = ["NNDSVD_EPS", "ROUNDING_NOISE", "Columns", "distinct_columns", "fit_nmf"]

#: NNDSVD sets loadings below this to 0 (scikit-learn's ``eps`` of its NMF initialisation).
NNDSVD_EPS = 1e-6
#: A first sweep whose violation is below this times the size of the products it came from
#: started at the optimum (the violation is rounding noise, about 1e-16 of them).
ROUNDING_NOISE = 1e-12
#: Random projections that sort the columns into candidate groups (checked exactly after).
_PROJECTIONS = 2


class Columns(NamedTuple):
    """A documents x features matrix as its distinct columns."""

    matrix: Any  # csr, documents x distinct columns: each once, times sqrt(copies)
    inverse: npt.NDArray[np.int64]  # the distinct column of each feature
    scale: npt.NDArray[np.float64]  # sqrt(copies) of each distinct column
    n_features: int


def distinct_columns(x: Any) -> Columns:
    """The distinct columns of the sparse matrix ``x``, in order of first occurrence.

    Columns are equal when their stored positions and values are bit for bit the same.
    """
    xc = x.tocsc(copy=True).astype(np.float64)
    xc.sum_duplicates()
    xc.eliminate_zeros()
    xc.sort_indices()
    n_docs, n_features = xc.shape
    rng = np.random.RandomState(0)
    probes = rng.random_sample((n_docs, _PROJECTIONS))
    # equal columns give bit-identical projections (the same sums in the same order)
    keys = np.column_stack([np.diff(xc.indptr).astype(np.float64), xc.T @ probes])
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = np.asarray(inverse, dtype=np.int64).ravel()
    if not _same_as_representatives(xc, first[inverse]):
        first, inverse = _exact_groups(xc)
    # number the groups by first occurrence
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    inverse = rank[inverse]
    first = first[order]
    copies = np.bincount(inverse, minlength=len(first)).astype(np.float64)
    scale = np.sqrt(copies)
    matrix = xc[:, first].multiply(scale[None, :]).tocsr()
    return Columns(matrix, inverse, scale, n_features)


def _same_as_representatives(xc: Any, rep: npt.NDArray[np.int64]) -> bool:
    """Whether every column of ``xc`` equals the column ``rep`` names for it."""
    other = xc[:, rep]
    return bool(
        np.array_equal(xc.indptr, other.indptr)
        and np.array_equal(xc.indices, other.indices)
        and np.array_equal(xc.data, other.data)
    )


def _exact_groups(xc: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(first column of each group, group of each column) by exact comparison."""
    groups: dict[tuple[bytes, bytes], int] = {}
    first: list[int] = []
    inverse = np.empty(xc.shape[1], dtype=np.int64)
    for j in range(xc.shape[1]):
        a, b = xc.indptr[j], xc.indptr[j + 1]
        key = (xc.indices[a:b].tobytes(), xc.data[a:b].tobytes())
        if key not in groups:
            groups[key] = len(first)
            first.append(j)
        inverse[j] = groups[key]
    return np.asarray(first, dtype=np.int64), inverse


def _nndsvd(
    cols: Columns, k: int, seed: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """scikit-learn's NNDSVD start (``init="nndsvd"``) of the full matrix, in distinct columns.

    Returns W (documents x k) and Ht (distinct columns x k, scaled as ``cols.matrix``).
    """
    from sklearn.utils.extmath import randomized_svd

    # the full matrix has the same U and S; V of a distinct column is scale times V of a copy
    u, s, v = randomized_svd(cols.matrix, k, random_state=seed)
    v = v / cols.scale  # the rows of V of the full matrix, one per distinct column
    weights = cols.scale**2  # copies: norms over the full matrix
    w = np.zeros_like(u)
    h = np.zeros_like(v)
    w[:, 0] = np.sqrt(s[0]) * np.abs(u[:, 0])
    h[0, :] = np.sqrt(s[0]) * np.abs(v[0, :])
    for j in range(1, k):
        x, y = u[:, j], v[j, :]
        x_p, y_p = np.maximum(x, 0), np.maximum(y, 0)
        x_n, y_n = np.abs(np.minimum(x, 0)), np.abs(np.minimum(y, 0))
        x_p_nrm, y_p_nrm = np.linalg.norm(x_p), np.sqrt(weights @ y_p**2)
        x_n_nrm, y_n_nrm = np.linalg.norm(x_n), np.sqrt(weights @ y_n**2)
        m_p, m_n = x_p_nrm * y_p_nrm, x_n_nrm * y_n_nrm
        if m_p > m_n:
            uu, vv, sigma = x_p / x_p_nrm, y_p / y_p_nrm, m_p
        else:
            uu, vv, sigma = x_n / x_n_nrm, y_n / y_n_nrm, m_n
        lbd = np.sqrt(s[j] * sigma)
        w[:, j] = lbd * uu
        h[j, :] = lbd * vv
    w[w < NNDSVD_EPS] = 0
    h[h < NNDSVD_EPS] = 0
    return w, h.T * cols.scale[:, None]


def _sweep(
    w: npt.NDArray[np.float64],
    hht: npt.NDArray[np.float64],
    xht: npt.NDArray[np.float64],
    copies: npt.NDArray[np.float64] | None,
) -> float:
    """One cyclic coordinate-descent pass over the columns of ``w`` (in place).

    The update of scikit-learn's ``_update_cdnmf_fast``, for all rows at once (rows are
    independent); returns the sum of the absolute projected gradients, a row counting
    ``copies`` times (as scaled: ``copies`` holds sqrt(m)).
    """
    violation = 0.0
    xht = np.asfortranarray(xht)
    for t in range(w.shape[1]):
        col = w[:, t]
        grad = w @ hht[t]
        grad -= xht[:, t]
        # the projected gradient: a loading at 0 cannot go lower
        pg = np.where(col > 0, grad, np.minimum(grad, 0.0))
        np.abs(pg, out=pg)
        violation += float(pg @ copies) if copies is not None else float(pg.sum())
        hess = hht[t, t]
        if hess != 0:
            grad /= hess
            np.subtract(col, grad, out=grad)
            np.maximum(grad, 0.0, out=col)
    return violation


def fit_nmf(
    cols: Columns, k: int, *, max_iter: int, tol: float, seed: int = 0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], int]:
    """NMF of the matrix of ``cols``: (W, H over every feature, iterations).

    What ``NMF(n_components=k, init="nndsvd", solver="cd", max_iter=max_iter, tol=tol,
    random_state=seed).fit_transform`` computes on the full matrix, up to rounding.
    """
    w, ht = _nndsvd(cols, k, seed)
    w = np.asfortranarray(w)  # columns contiguous: a sweep updates a column at a time
    ht = np.asfortranarray(ht)
    x = cols.matrix.tocsc()  # csc @ dense and csr.T @ dense: scipy's fastest products here
    xt = cols.matrix.T.tocsr()
    n_iter = 0
    violation_init = 0.0
    for n_iter in range(1, max_iter + 1):
        xht = x @ np.ascontiguousarray(ht)
        violation = _sweep(w, ht.T @ ht, xht, None)
        xwt = xt @ w
        violation += _sweep(ht, w.T @ w, xwt, cols.scale)
        if n_iter == 1:
            violation_init = violation
            # a start already optimal up to rounding: scikit-learn stops when its rounding
            # happens to give a violation of exactly 0, our sums round otherwise
            if violation <= ROUNDING_NOISE * (np.abs(xht).sum() + cols.scale @ np.abs(xwt).sum(1)):
                break
        if violation_init == 0 or violation / violation_init <= tol:
            break
    h = (ht / cols.scale[:, None])[cols.inverse].T
    return np.ascontiguousarray(w), np.ascontiguousarray(h), n_iter
