"""Topic clustering that finds the themes of a corpus, not what every report says.

Reports of this genre share most of their words: 党建, 服务, 组织, 推进, 加强 are in every
paragraph of every report, and a topic model fitted on raw tokens spends its topics on them.
:func:`fit_topics` removes what documents share before modelling:

1. **boilerplate**: watermarks and passages repeated in at least 10% of the documents
   (:func:`corpus_tools.boilerplate.strip_boilerplate`), e.g. ``央视网消息（新闻联播）：``;
2. **genre stopwords** (:func:`corpus_tools.tokens.load_stopwords`: 的, 工作, 开展,
   加强 ...), single characters, numbers and placeholder runs (XX, ××);
3. **over-frequent terms**: terms in more than ``max_df`` of the documents (default half),
   and terms in a single document.

Documents are cut with the project's :class:`~corpus_tools.tokens.Segmenter` (slogans such
as 三会一课 stay whole). A document's features are its words and its pairs of adjacent
words (八项+规定, 正确+政绩观), and the words of its first paragraph count ``lead_weight``
times (default 5): reports and news items state their subject in their opening paragraph
(“今年以来，XX社区党委以整顿软弱涣散为抓手……”) and then fill the rest with formulas.

The default model was chosen by measurement (``benchmarks/bench_topics.py``): agreement (NMI)
with the rubric (栏目) labels of sets of eight xinwen_lianbo rubrics. With k = the number of
rubrics, NMF on this representation reached NMI 0.84 / 0.89 / 0.83 on three sets (party
discourse, grassroots reportage, economy), where plain NMF on raw jieba tokens reached
0.77 / 0.68 / 0.59, k-means on the same features 0.83 / 0.85 / 0.75 and gensim LDA
0.48 / 0.53 / 0.37. On two harder sets, whose labels are campaign slogans or a catch-all
rubric rather than themes, it reached 0.66 and 0.60 (baseline 0.57 and 0.38). The first
paragraph's weight was set on the same sets: 1 and 3 gave less, 5 to 8 about the same.
NMF is also deterministic by construction (NNDSVD initialisation, one BLAS thread), so the
same corpus gives the same topics on every run.

Models (``model=``):

* ``"nmf"`` (default): scikit-learn NMF on sublinear tf-idf; a document's topic is its
  largest component, its ``weight`` that component's share of the document's loadings.
* ``"lda"``: gensim ``LdaModel`` on the same (weighted) counts; ``weight`` is the topic's
  probability in the document.
* ``"kmeans"``: k-means clustering of the tf-idf vectors; ``weight`` is the cosine similarity
  of the document to its cluster's centroid.

When ``k`` is not given it is chosen over ``k_range`` (default 4 to 14) by topic coherence
(gensim's ``CoherenceModel``), and the score of every k tried is returned. The default measure
is C_V, also by measurement: on the three sets above (8 rubrics each) C_V chose k = 8, 8 and
7 (NMI 0.84, 0.89, 0.78), NPMI chose 4, 14 and 6 (NMI 0.62, 0.79, 0.78).

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_corpus("reports/").documents                  # doctest: +SKIP
>>> res = fit_topics(docs, k=8, over="year")                      # doctest: +SKIP
>>> res.topics[["topic", "size", "terms"]]                        # doctest: +SKIP
>>> res.documents.head()                                          # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.errors import (
    InvalidParameterError,
    NoDocumentsError,
    check_choice,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.io import as_corpus
from corpus_tools.text.patterns import PLACEHOLDER_RUN

__all__ = [
    "COHERENCE_MEASURES",
    "MODELS",
    "TopicResult",
    "fit_topics",
    "topic_features",
    "topic_shares",
]

#: The models :func:`fit_topics` can fit; the first is the default.
MODELS = ("nmf", "lda", "kmeans")
#: Coherence measures (gensim ``CoherenceModel``); the first is the default.
COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")

#: Boilerplate is a passage found in at least this fraction of the documents (and 3).
_BOILERPLATE_DOC_FRACTION = 0.1
#: Words per topic scored by coherence.
_COHERENCE_TOPN = 10
#: Joins the two words of a pair feature (also how a pair is shown: "正确 政绩观").
_PAIR = " "

_NUMERIC = re.compile(r"[0-9０-９.．%％‰]+")
_PARAGRAPH = re.compile(r"[\n\r\u2028\u2029]")


class TopicResult(NamedTuple):
    """What :func:`fit_topics` returns.

    Attributes
    ----------
    topics : pandas.DataFrame
        One row per topic, largest first. Columns: ``topic`` (int64, 0 = largest),
        ``size`` (int64: documents assigned), ``share`` (float64: fraction of the documents
        with a topic), ``coherence`` (float64: the topic's coherence, ``coherence_measure``),
        ``terms`` (list of str: top terms, best first; a pair of neighbouring words is
        shown with a space, e.g. ``"正确 政绩观"``), ``term_weights`` (list of float,
        aligned with ``terms``, relative to the first).
    documents : pandas.DataFrame
        One row per input document, in input order. Columns: ``doc_id`` (str), ``topic``
        (int64; -1 when the document has no term left after preprocessing), ``weight``
        (float64 in [0, 1]: how strongly it belongs to its topic, see the module notes).
    representatives : pandas.DataFrame
        The documents that best represent each topic. Columns: ``topic`` (int64),
        ``rank`` (int64, 1 = best), ``doc_id`` (str), ``title`` (str, empty when the
        corpus has no title column), ``weight`` (float64).
    k_scores : pandas.DataFrame
        The coherence of every k tried when ``k`` was not given (empty when it was).
        Columns: ``k`` (int64), ``coherence`` (float64), ``chosen`` (bool).
    shares : pandas.DataFrame or None
        Topic shares over the ``over`` field (None when not asked). Columns: the field,
        ``topic`` (int64), ``n_docs`` (int64), ``share`` (float64: fraction of that
        value's documents in the topic; documents without a topic are left out).
    coherence : float
        Mean coherence of the topics.
    coherence_measure : str
        The measure (``"c_v"``, ``"c_npmi"`` or ``"u_mass"``).
    model : str
        The model fitted.
    k : int
        The number of topics.
    """

    topics: pd.DataFrame
    documents: pd.DataFrame
    representatives: pd.DataFrame
    k_scores: pd.DataFrame
    shares: pd.DataFrame | None
    coherence: float
    coherence_measure: str
    model: str
    k: int


class _Fit(NamedTuple):
    labels: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float64]
    term_scores: npt.NDArray[np.float64]  # k x terms
    strength: npt.NDArray[np.float64]  # how much of its topic each document holds (ranking)


# --------------------------------------------------------------------------- validation


def _as_corpus(corpus: Any, func: str) -> pd.DataFrame:
    return as_corpus(corpus, func)


def _check_stopwords(stopwords: Any, func: str) -> frozenset[str]:
    """The genre's stopwords for None, else :func:`corpus_tools.tokens.check_stopwords`."""
    from corpus_tools.tokens.segmenter import check_stopwords
    from corpus_tools.tokens.stopwords import load_stopwords

    return load_stopwords() if stopwords is None else check_stopwords(stopwords, func)


def _check_k_range(k_range: Any, func: str) -> tuple[int, int]:
    allowed = "a pair of ints (low, high) with 2 <= low <= high"
    if not isinstance(k_range, (tuple, list)) or len(k_range) != 2:
        raise param_error("k_range", func, allowed, k_range if _short(k_range) else "other")
    low, high = k_range
    ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high))
    if not ok or low < 2 or high < low:
        raise param_error("k_range", func, allowed, tuple(k_range))
    return int(low), int(high)


def _short(value: Any) -> bool:
    return isinstance(value, (int, float, str, tuple, list, type(None))) and len(repr(value)) < 80


# --------------------------------------------------------------------------- features


def _keep(token: str, stop: frozenset[str]) -> bool:
    from corpus_tools.tokens.segmenter import is_content_token

    return (
        len(token) >= 2
        and token not in stop
        and is_content_token(token)
        and _NUMERIC.fullmatch(token) is None
        and PLACEHOLDER_RUN.fullmatch(token) is None
    )


def _doc_features(
    tokens: Sequence[str], stop: frozenset[str], lead_weight: int, pairs: bool
) -> tuple[list[str], list[str]]:
    """(weighted features, kept words) of one document's tokens (whitespace kept).

    Pairs join consecutive kept words of a paragraph (stopwords and punctuation between
    them skipped: 树立和践行正确政绩观 gives 树立+践行, 践行+正确, 正确+政绩观).
    """
    paragraphs: list[list[str]] = [[]]
    for tok in tokens:
        if tok.isspace():
            if _PARAGRAPH.search(tok) and paragraphs[-1]:
                paragraphs.append([])
        elif _keep(tok, stop):
            paragraphs[-1].append(tok)
    feats: list[str] = []
    words: list[str] = []
    for para in paragraphs:
        if not para:
            continue
        f = list(para)
        if pairs:
            f += [a + _PAIR + b for a, b in itertools.pairwise(para)]
        feats += f * (lead_weight if not words else 1)
        words += para
    return feats, words


def topic_features(
    corpus: Any,
    *,
    segmenter: Any = None,
    stopwords: Iterable[str] | None = None,
    strip_boilerplate: bool = True,
    lead_weight: int = 5,
    pairs: bool = True,
    min_df: int | None = None,
    max_df: float = 0.5,
    n_jobs: int | None = None,
    cache: bool | str = True,
) -> tuple[Any, list[str], list[list[str]]]:
    """The document-term counts :func:`fit_topics` models, after removing what is shared.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id`` and ``text``, dict of doc_id -> text, or list of str
        The documents. Not modified.
    segmenter : corpus_tools.tokens.Segmenter, optional
        Defaults to ``Segmenter()`` (the project's lexicon; slogans stay whole).
    stopwords : iterable of str, optional
        Tokens to leave out; default :func:`corpus_tools.tokens.load_stopwords()`.
    strip_boilerplate : bool, default True
        Remove watermarks and passages repeated in at least 10% of the documents (and 3).
    lead_weight : int, default 5
        How many times the words of a document's first paragraph count.
    pairs : bool, default True
        Add pairs of adjacent kept words as features.
    min_df : int, optional
        Keep terms in at least this many documents; default 2 (1 below 10 documents).
    max_df : float, default 0.5
        Keep terms in at most this fraction of the documents.
    n_jobs, cache
        Passed to :func:`corpus_tools.tokens.segment_corpus`.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix
        Weighted counts, one row per document, one column per term.
    terms : list of str
        Column names; a pair of words is ``"word1 word2"``.
    words : list of list of str
        The kept words of each document, in order and unweighted (for coherence).

    Examples
    --------
    >>> X, terms, words = topic_features(["社区治理网格化", "财政收支平衡"], max_df=1.0)  # doctest: +SKIP
    """
    func = "topic_features"
    frame = _as_corpus(corpus, func)
    built = _features(
        frame,
        func=func,
        segmenter=segmenter,
        stopwords=stopwords,
        strip_boilerplate=strip_boilerplate,
        lead_weight=lead_weight,
        pairs=pairs,
        min_df=min_df,
        max_df=max_df,
        n_jobs=n_jobs,
        cache=cache,
    )
    return built.matrix, built.terms, built.words


class _Built(NamedTuple):
    matrix: Any  # scipy.sparse csr: weighted counts, documents x terms
    terms: list[str]
    words: list[list[str]]  # unweighted kept words per document (for coherence)


def _features(
    frame: pd.DataFrame,
    *,
    func: str,
    segmenter: Any,
    stopwords: Iterable[str] | None,
    strip_boilerplate: bool,
    lead_weight: int,
    pairs: bool,
    min_df: int | None,
    max_df: float,
    n_jobs: int | None,
    cache: bool | str,
) -> _Built:
    from corpus_tools.tokens.segmenter import as_segmenter

    seg = as_segmenter(segmenter, func)
    stop = _check_stopwords(stopwords, func)
    check_type(strip_boilerplate, "strip_boilerplate", func, bool, "a bool")
    check_number(lead_weight, "lead_weight", func, kind=int, low=1)
    check_type(pairs, "pairs", func, bool, "a bool")
    if min_df is not None:
        check_number(min_df, "min_df", func, kind=int, low=1)
    check_number(max_df, "max_df", func, low=0, high=1, low_open=True)
    n = len(frame)
    if n == 0:
        raise NoDocumentsError(f"{func} needs at least one document; the corpus is empty.")
    texts = [str(t) for t in frame["text"].tolist()]
    if strip_boilerplate and n >= 3:
        from corpus_tools.boilerplate.strip import strip_boilerplate as strip

        min_docs = max(3, math.ceil(_BOILERPLATE_DOC_FRACTION * n))
        texts = strip(texts, min_docs=min_docs)
    from corpus_tools.tokens import segment_corpus

    tokens = segment_corpus(
        texts, segmenter=seg, n_jobs=n_jobs, cache=cache, drop_space=False, progress=False
    )
    built = [_doc_features(t, stop, lead_weight, pairs) for t in tokens]
    from sklearn.feature_extraction.text import CountVectorizer

    low = min_df if min_df is not None else (1 if n < 10 else 2)
    vec = CountVectorizer(analyzer=_identity, min_df=low, max_df=max_df if n > 1 else 1.0)
    try:
        matrix = vec.fit_transform([f for f, _ in built])
    except ValueError:
        raise InvalidParameterError(
            f"{func}: no term is left after preprocessing ({n} documents; terms must occur "
            f"in at least min_df={low} and at most max_df={max_df} of them, stopwords removed). "
            "Give more documents, lower min_df or raise max_df."
        ) from None
    terms = [str(t) for t in vec.get_feature_names_out()]
    return _Built(matrix.tocsr(), terms, [w for _, w in built])


def _identity(doc: list[str]) -> list[str]:
    return doc


# --------------------------------------------------------------------------- models


def _tfidf(counts: Any) -> Any:
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True).fit_transform(counts)


def _fit_nmf(counts: Any, k: int, seed: int) -> _Fit:
    from sklearn.decomposition import NMF

    x = _tfidf(counts)
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=400, tol=1e-4)
    w = model.fit_transform(x)
    total = w.sum(axis=1)
    labels = np.where(total > 0, w.argmax(axis=1), -1).astype(np.int64)
    safe = np.where(total > 0, total, 1.0)
    weights = np.where(labels >= 0, w.max(axis=1) / safe, 0.0)
    strength = np.where(labels >= 0, w.max(axis=1), 0.0).astype(np.float64)
    return _Fit(
        labels,
        weights.astype(np.float64),
        np.asarray(model.components_, dtype=np.float64),
        strength,
    )


def _fit_kmeans(counts: Any, k: int, seed: int) -> _Fit:
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import normalize

    x = _tfidf(counts)
    empty = np.asarray(x.getnnz(axis=1) == 0)
    km = KMeans(n_clusters=k, n_init=10, random_state=seed)
    labels = km.fit_predict(x).astype(np.int64)
    centers = normalize(np.asarray(km.cluster_centers_, dtype=np.float64))
    sims = np.asarray(x.multiply(centers[labels]).sum(axis=1)).ravel()
    labels[empty] = -1
    sims[empty] = 0.0
    sims = np.clip(sims, 0.0, 1.0)
    return _Fit(labels, sims, centers, sims)


def _fit_lda(counts: Any, k: int, seed: int) -> _Fit:
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    bow = list(Sparse2Corpus(counts, documents_columns=False))
    id2word = {i: str(i) for i in range(counts.shape[1])}
    lda = LdaModel(
        bow,
        num_topics=k,
        id2word=id2word,
        random_state=seed,
        passes=10,
        iterations=100,
        alpha="auto",
        eta="auto",
        eval_every=None,  # no perplexity estimate after each pass: 3x faster, same model
    )
    n = counts.shape[0]
    theta = np.zeros((n, k), dtype=np.float64)
    for i, doc in enumerate(bow):
        for t, p in lda.get_document_topics(doc, minimum_probability=0.0):
            theta[i, t] = p
    empty = np.array([len(d) == 0 for d in bow], dtype=bool)
    labels = theta.argmax(axis=1).astype(np.int64)
    weights = theta.max(axis=1)
    labels[empty] = -1
    weights[empty] = 0.0
    return _Fit(labels, weights, np.asarray(lda.get_topics(), dtype=np.float64), weights)


_FITTERS = {"nmf": _fit_nmf, "lda": _fit_lda, "kmeans": _fit_kmeans}


def _fit(model: str, counts: Any, k: int, seed: int) -> _Fit:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    # one BLAS thread: the same floating-point sums on every machine, and a modest CPU
    with threadpool_limits(limits=1):
        return _FITTERS[model](counts, k, seed)


# --------------------------------------------------------------------------- describing


def _order(fit: _Fit, k: int) -> npt.NDArray[np.int64]:
    """Old topic index of each new one: largest first, ties by old index."""
    sizes = np.bincount(fit.labels[fit.labels >= 0], minlength=k)
    return np.array(sorted(range(k), key=lambda t: (-int(sizes[t]), t)), dtype=np.int64)


def _top_terms(scores: npt.NDArray[np.float64], terms: list[str], n_terms: int) -> list[int]:
    """The ``n_terms`` best terms, skipping repeats.

    A word already shown inside a pair is not shown again, nor a pair of two words
    already shown.
    """
    order = np.lexsort((np.arange(len(scores)), -scores))
    out: list[int] = []
    shown: set[str] = set()
    for i in order:
        if len(out) >= n_terms or scores[i] <= 0:
            break
        parts = terms[i].split(_PAIR)
        if (len(parts) == 1 and parts[0] in shown) or (len(parts) > 1 and set(parts) <= shown):
            continue
        out.append(int(i))
        shown.update(parts)
    return out


def _coherence_words(top: list[int], terms: list[str], vocab: set[str]) -> list[str]:
    out: list[str] = []
    for i in top:
        for w in terms[i].split(_PAIR):
            if w in vocab and w not in out:
                out.append(w)
    return out[:_COHERENCE_TOPN]


def _coherence(
    topic_words: list[list[str]], words: list[list[str]], measure: str, dictionary: Any
) -> list[float]:
    from gensim.models.coherencemodel import CoherenceModel

    scored = [i for i, tw in enumerate(topic_words) if len(tw) >= 2]
    values = [math.nan] * len(topic_words)
    if not scored:
        return values
    texts = [w for w in words if w]
    kwargs: dict[str, Any] = {
        "topics": [topic_words[i] for i in scored],
        "dictionary": dictionary,
        "coherence": measure,
        "topn": _COHERENCE_TOPN,
        "processes": 1,
    }
    if measure == "u_mass":
        kwargs["corpus"] = [dictionary.doc2bow(t) for t in texts]
    else:
        kwargs["texts"] = texts
    cm = CoherenceModel(**kwargs)
    for i, v in zip(scored, cm.get_coherence_per_topic(), strict=True):
        values[i] = float(v)
    return values


def _dictionary(words: list[list[str]]) -> Any:
    from gensim.corpora import Dictionary

    d = Dictionary()
    for doc in words:
        d.add_documents([doc])
    return d


def _mean(values: list[float]) -> float:
    ok = [v for v in values if not math.isnan(v)]
    return float(sum(ok) / len(ok)) if ok else math.nan


def _score_k(
    fit: _Fit, *, k: int, built: _Built, measure: str, dictionary: Any, vocab: set[str]
) -> list[float]:
    words = [
        _coherence_words(_top_terms(fit.term_scores[t], built.terms, 20), built.terms, vocab)
        for t in range(k)
    ]
    return _coherence(words, built.words, measure, dictionary)


# --------------------------------------------------------------------------- public


def fit_topics(
    corpus: Any,
    *,
    k: int | None = None,
    model: str = "nmf",
    k_range: tuple[int, int] = (4, 14),
    n_terms: int = 10,
    n_docs: int = 3,
    over: str | None = None,
    seed: int = 0,
    coherence: str = "c_v",
    segmenter: Any = None,
    stopwords: Iterable[str] | None = None,
    strip_boilerplate: bool = True,
    lead_weight: int = 5,
    pairs: bool = True,
    min_df: int | None = None,
    max_df: float = 0.5,
    n_jobs: int | None = None,
    cache: bool | str = True,
) -> TopicResult:
    """Cluster documents into topics and describe each topic by its terms and documents.

    The default (NMF on lead-weighted words and word pairs, boilerplate, genre stopwords
    and over-frequent terms removed) was chosen by measurement; see the module notes and
    ``benchmarks/bench_topics.py``. The same input and ``seed`` give the same result.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id`` and ``text``, dict of doc_id -> text, or list of str
        The documents (a corpus table from :func:`corpus_tools.load_corpus`). Not modified.
    k : int, optional
        Number of topics, 2 to the number of documents. When not given it is chosen over
        ``k_range`` by coherence, and the scores are in ``k_scores``.
    model : {"nmf", "lda", "kmeans"}, default "nmf"
        The model; see the module notes.
    k_range : (int, int), default (4, 14)
        Smallest and largest k tried when ``k`` is not given (capped at the number of
        documents).
    n_terms : int, default 10
        Terms listed per topic.
    n_docs : int, default 3
        Representative documents listed per topic.
    over : str, optional
        A metadata column of ``corpus`` (e.g. ``"year"``): topic shares per value.
    seed : int, default 0
        Random state of the models (NMF's initialisation is deterministic anyway).
    coherence : {"c_v", "c_npmi", "u_mass"}, default "c_v"
        Coherence measure reported, and used to choose k (C_V chose k best in our
        measurement; see the module notes).
    segmenter : corpus_tools.tokens.Segmenter, optional
        Defaults to ``Segmenter()``.
    stopwords : iterable of str, optional
        Tokens to leave out; default the genre's list (:func:`corpus_tools.load_stopwords`).
    strip_boilerplate : bool, default True
        Remove watermarks and passages repeated in at least 10% of the documents first.
    lead_weight : int, default 5
        How many times the words of a document's first paragraph count.
    pairs : bool, default True
        Use pairs of adjacent words as features too.
    min_df : int, optional
        Keep terms in at least this many documents; default 2 (1 below 10 documents).
    max_df : float, default 0.5
        Keep terms in at most this fraction of the documents.
    n_jobs : int, optional
        Worker processes for segmentation (:func:`corpus_tools.tokens.segment_corpus`).
    cache : bool or path, default True
        Segmentation cache (:func:`corpus_tools.tokens.segment_corpus`).

    Returns
    -------
    TopicResult
        ``topics``, ``documents`` (doc_id, topic, weight), ``representatives``,
        ``k_scores``, ``shares``, ``coherence``; see :class:`TopicResult` for the columns.

    Raises
    ------
    InvalidParameterError
        For a bad argument, an unknown ``over`` column, or when no term survives
        preprocessing.
    NoDocumentsError
        For an empty corpus.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw", split="lines").documents    # doctest: +SKIP
    >>> res = fit_topics(docs, k=4)                                   # doctest: +SKIP
    >>> res.topics[["topic", "size", "terms"]]                        # doctest: +SKIP
    >>> res.documents.groupby("topic").size()                         # doctest: +SKIP
    >>> fit_topics(docs).k_scores                                     # doctest: +SKIP
    """
    func = "fit_topics"
    frame = _as_corpus(corpus, func)
    check_choice(model, "model", func, MODELS)
    check_choice(coherence, "coherence", func, COHERENCE_MEASURES)
    check_number(n_terms, "n_terms", func, kind=int, low=1)
    check_number(n_docs, "n_docs", func, kind=int, low=0)
    check_number(seed, "seed", func, kind=int, low=0, high=2**32 - 1)
    k_low, k_high = _check_k_range(k_range, func)
    n = len(frame)
    if k is not None:
        check_number(k, "k", func, kind=int, low=2, high=max(2, n))
    if over is not None:
        check_type(over, "over", func, str, "a str (a column of the corpus)")
        if over not in frame.columns or over in ("doc_id", "text"):
            cols = [c for c in frame.columns if c not in ("doc_id", "text")]
            raise InvalidParameterError(
                f"The 'over' parameter of {func} must be a metadata column of the corpus, "
                f"one of {cols}. Got {over!r} instead."
            )
    built = _features(
        frame,
        func=func,
        segmenter=segmenter,
        stopwords=stopwords,
        strip_boilerplate=strip_boilerplate,
        lead_weight=lead_weight,
        pairs=pairs,
        min_df=min_df,
        max_df=max_df,
        n_jobs=n_jobs,
        cache=cache,
    )
    if n < 2:
        raise NoDocumentsError(f"{func} needs at least 2 documents; got {n}.")
    dictionary = _dictionary(built.words)
    vocab = set(dictionary.token2id)

    k_rows: list[tuple[int, float]] = []
    if k is None:
        candidates = list(range(k_low, min(k_high, n) + 1)) or [min(k_low, n)]
        best: tuple[float, int, _Fit, list[float]] | None = None
        for kk in candidates:
            fit_k = _fit(model, built.matrix, kk, seed)
            per_topic = _score_k(
                fit_k, k=kk, built=built, measure=coherence, dictionary=dictionary, vocab=vocab
            )
            score = _mean(per_topic)
            k_rows.append((kk, score))
            key = -math.inf if math.isnan(score) else score
            if best is None or key > best[0]:
                best = (key, kk, fit_k, per_topic)
        assert best is not None
        _, k_final, fit, per_topic_raw = best
    else:
        k_final = k
        fit = _fit(model, built.matrix, k, seed)
        per_topic_raw = _score_k(
            fit, k=k, built=built, measure=coherence, dictionary=dictionary, vocab=vocab
        )

    order = _order(fit, k_final)
    new_of_old = np.empty(k_final, dtype=np.int64)
    new_of_old[order] = np.arange(k_final)
    labels = np.where(fit.labels >= 0, new_of_old[np.maximum(fit.labels, 0)], -1)

    doc_ids = [str(d) for d in frame["doc_id"].tolist()]
    documents = pd.DataFrame(
        {
            "doc_id": pd.Series(doc_ids, dtype=object),
            "topic": labels.astype(np.int64),
            "weight": np.round(fit.weights, 6).astype(np.float64),
        }
    )
    assigned = int((labels >= 0).sum())
    sizes = np.bincount(labels[labels >= 0], minlength=k_final)
    rows = []
    for new, old in enumerate(order):
        top = _top_terms(fit.term_scores[old], built.terms, n_terms)
        scores = fit.term_scores[old]
        norm = float(scores[top[0]]) if top and scores[top[0]] > 0 else 1.0
        rows.append(
            {
                "topic": new,
                "size": int(sizes[new]),
                "share": float(sizes[new] / assigned) if assigned else 0.0,
                "coherence": per_topic_raw[old],
                "terms": [built.terms[i] for i in top],
                "term_weights": [round(float(scores[i]) / norm, 6) for i in top],
            }
        )
    topics = pd.DataFrame(
        rows, columns=["topic", "size", "share", "coherence", "terms", "term_weights"]
    )
    topics = topics.astype(
        {"topic": np.int64, "size": np.int64, "share": np.float64, "coherence": np.float64}
    )

    titles = (
        [str(t) if isinstance(t, str) else "" for t in frame["title"].tolist()]
        if "title" in frame.columns
        else [""] * n
    )
    rep_rows = []
    for t in range(k_final):
        members = np.flatnonzero(labels == t)
        ranked = sorted(members.tolist(), key=lambda i: (-float(fit.strength[i]), i))
        for rank, i in enumerate(ranked[:n_docs], 1):
            rep_rows.append(
                {
                    "topic": t,
                    "rank": rank,
                    "doc_id": doc_ids[i],
                    "title": titles[i],
                    "weight": float(documents["weight"].iat[i]),
                }
            )
    representatives = pd.DataFrame(
        rep_rows, columns=["topic", "rank", "doc_id", "title", "weight"]
    ).astype({"topic": np.int64, "rank": np.int64, "weight": np.float64})

    k_scores = pd.DataFrame(
        {
            "k": pd.Series([r[0] for r in k_rows], dtype=np.int64),
            "coherence": pd.Series([r[1] for r in k_rows], dtype=np.float64),
            "chosen": pd.Series([r[0] == k_final for r in k_rows], dtype=bool),
        }
    )
    shares = topic_shares(documents, frame, over=over) if over is not None else None
    return TopicResult(
        topics=topics,
        documents=documents,
        representatives=representatives,
        k_scores=k_scores,
        shares=shares,
        coherence=_mean([float(v) for v in topics["coherence"].tolist()]),
        coherence_measure=coherence,
        model=model,
        k=k_final,
    )


def topic_shares(documents: pd.DataFrame, corpus: pd.DataFrame, *, over: str) -> pd.DataFrame:
    """Share of each topic among the documents of each value of a metadata field.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table of a :class:`TopicResult` (``doc_id``, ``topic``).
    corpus : pandas.DataFrame
        The corpus table with ``doc_id`` and the ``over`` column. Not modified.
    over : str
        The field, e.g. ``"year"``. Documents with a missing value are left out, and so
        are documents without a topic (-1).

    Returns
    -------
    pandas.DataFrame
        One row per (value, topic) with at least one document, sorted by value then topic.
        Columns: ``over`` (the field's dtype), ``topic`` (int64), ``n_docs`` (int64),
        ``share`` (float64: ``n_docs`` over that value's documents with a topic).

    Examples
    --------
    >>> res = fit_topics(docs, k=5)                                   # doctest: +SKIP
    >>> topic_shares(res.documents, docs, over="year")                # doctest: +SKIP
    """
    func = "topic_shares"
    from corpus_tools.errors import check_columns

    check_columns(documents, "documents", func, ["doc_id", "topic"])
    check_type(over, "over", func, str, "a str (a column of the corpus)")
    check_columns(corpus, "corpus", func, ["doc_id", over])
    values = dict(zip(corpus["doc_id"].astype(str), corpus[over], strict=True))
    frame = pd.DataFrame(
        {
            over: [values.get(str(d)) for d in documents["doc_id"].tolist()],
            "topic": documents["topic"].astype(np.int64).to_numpy(),
        }
    )
    frame = frame[frame["topic"] >= 0]
    frame = frame[frame[over].notna()]
    if frame.empty:
        return pd.DataFrame(
            {
                over: pd.Series([], dtype=object),
                "topic": pd.Series([], dtype=np.int64),
                "n_docs": pd.Series([], dtype=np.int64),
                "share": pd.Series([], dtype=np.float64),
            }
        )
    counts = frame.groupby([over, "topic"], sort=True).size().rename("n_docs").reset_index()
    totals = counts.groupby(over, sort=False)["n_docs"].transform("sum")
    counts["n_docs"] = counts["n_docs"].astype(np.int64)
    counts["share"] = (counts["n_docs"] / totals).astype(np.float64)
    return counts.reset_index(drop=True)
