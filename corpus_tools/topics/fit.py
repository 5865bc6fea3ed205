"""Fitting topics: the :class:`TopicModel` object and :func:`fit_topics`, a function over it.

:class:`TopicModel` follows scikit-learn: the constructor stores its arguments, ``fit``
checks them and learns attributes ending in ``_``, ``transform`` assigns documents, new ones
or the training ones, to the fitted topics (and raises
:class:`~corpus_tools.errors.NotFittedError` before ``fit``). :func:`fit_topics` fits one
and returns its tables as a :class:`TopicResult`, with topic shares over a field.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any, NamedTuple

import pandas as pd

from corpus_tools.boilerplate import BoilerplateResult
from corpus_tools.errors import (
    InvalidParameterError,
    NoDocumentsError,
    NotFittedError,
    check_choice,
    check_number,
    check_type,
    param_error,
    renamed,
)
from corpus_tools.io import as_corpus
from corpus_tools.progress import progress_counter
from corpus_tools.topics.caveats import (
    TopicWarning,
    convergence_note,
    small_corpus_note,
    unassigned_note,
)
from corpus_tools.topics.coherence import COHERENCE_MEASURES, CoherenceScorer, mean_coherence
from corpus_tools.topics.features import (
    FeatureOptions,
    Features,
    build_features,
    check_feature_options,
    count_features,
)
from corpus_tools.topics.models import MODELS, assign
from corpus_tools.topics.selection import Selection, fit_threads, k_candidates, select_model
from corpus_tools.topics.shares import topic_shares
from corpus_tools.topics.tables import (
    documents_table,
    k_scores_table,
    representatives_table,
    topic_order,
    topics_table,
    unassigned_table,
)

__all__ = ["ModelOptions", "TopicModel", "TopicResult", "check_model_options", "fit_topics"]

#: Fewest topics a model has (and the smallest k of ``k_range``).
MIN_TOPICS = 2
#: Seeds are 32-bit (numpy's RandomState).
MAX_SEED = 2**32 - 1
#: Columns of a corpus table that are not metadata (``by`` must name another one).
CORPUS_COLUMNS = ("doc_id", "text")


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
        One row per input document, in input order. Columns: ``doc_id`` (str), ``title``
        (str: the corpus's own ``title``, empty when it has none), the ``by`` field when
        given (its dtype), ``topic`` (int64; -1 when the document has no topic, see
        ``unassigned``), ``weight`` (float64 in [0, 1]: how strongly it belongs to its
        topic, see :mod:`corpus_tools.topics`).
    representatives : pandas.DataFrame
        The documents that best represent each topic. Columns: ``topic`` (int64),
        ``rank`` (int64, 1 = best), ``doc_id`` (str), ``title`` (str, empty when the
        corpus has no title column), ``weight`` (float64).
    k_scores : pandas.DataFrame
        The coherence of every k tried when ``k`` was not given (empty when it was).
        Columns: ``k`` (int64), ``coherence`` (float64), ``chosen`` (bool).
    shares : pandas.DataFrame or None
        Topic shares over the ``by`` field (None when not asked). Columns: the field,
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
    unassigned : pandas.DataFrame
        The documents without a topic, in input order. Columns: ``doc_id`` (str),
        ``title`` (str), ``reason`` (str, one of
        :data:`~corpus_tools.topics.features.UNASSIGNED_REASONS`: "empty text", "only
        boilerplate", "no content words", "no shared terms", "no topic weight").
    converged : bool
        False when the model stopped at its iteration limit (NMF, k-means).
    notes : list of str
        The caveats said as :class:`~corpus_tools.topics.caveats.TopicWarning` during the
        fit: a corpus too small for its topics, documents without a topic, no convergence.
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
    unassigned: pd.DataFrame
    converged: bool
    notes: list[str]


# --------------------------------------------------------------------------- options


class ModelOptions(NamedTuple):
    """The checked arguments of a :class:`TopicModel`."""

    k: int | None
    model: str
    k_range: tuple[int, int]
    n_terms: int
    n_docs: int
    seed: int
    coherence: str
    features: FeatureOptions


def _check_k_range(k_range: Any, func: str) -> tuple[int, int]:
    allowed = f"a pair of ints (low, high) with {MIN_TOPICS} <= low <= high"
    if not isinstance(k_range, (tuple, list)) or len(k_range) != 2:
        short = isinstance(k_range, (int, float, str, tuple, list, type(None)))
        shown = k_range if short and len(repr(k_range)) < 80 else "other"
        raise param_error("k_range", func, allowed, shown)
    low, high = k_range
    ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high))
    if not ok or low < MIN_TOPICS or high < low:
        raise param_error("k_range", func, allowed, tuple(k_range))
    return int(low), int(high)


def check_model_options(params: dict[str, Any], n_docs: int, func: str) -> ModelOptions:
    """Check the arguments of :class:`TopicModel` (by name) for ``n_docs`` documents.

    Errors name ``func``.
    """
    check_choice(params["model"], "model", func, MODELS)
    check_choice(params["coherence"], "coherence", func, COHERENCE_MEASURES)
    check_number(params["n_terms"], "n_terms", func, kind=int, low=1)
    check_number(params["n_docs"], "n_docs", func, kind=int, low=0)
    check_number(params["seed"], "seed", func, kind=int, low=0, high=MAX_SEED)
    k_range = _check_k_range(params["k_range"], func)
    if params["progress"] is not None:
        check_type(params["progress"], "progress", func, bool, "a bool or None")
    k = params["k"]
    if k is not None:
        check_number(k, "k", func, kind=int, low=MIN_TOPICS, high=max(MIN_TOPICS, n_docs))
    features = check_feature_options(
        segmenter=params["segmenter"],
        stopwords=params["stopwords"],
        strip_boilerplate=params["strip_boilerplate"],
        lead_weight=params["lead_weight"],
        pairs=params["pairs"],
        min_df=params["min_df"],
        max_df=params["max_df"],
        n_jobs=params["n_jobs"],
        cache=params["cache"],
        func=func,
        pair_min_df=params["pair_min_df"],
    )
    return ModelOptions(
        k,
        params["model"],
        k_range,
        params["n_terms"],
        params["n_docs"],
        params["seed"],
        params["coherence"],
        features,
    )


def _check_by(by: Any, frame: pd.DataFrame, func: str) -> None:
    check_type(by, "by", func, str, "a str (a column of the corpus)")
    if by not in frame.columns or by in CORPUS_COLUMNS:
        cols = [c for c in frame.columns if c not in CORPUS_COLUMNS]
        raise InvalidParameterError(
            f"The 'by' parameter of {func} must be a metadata column of the corpus, "
            f"one of {cols}. Got {by!r} instead."
        )


def _titles(frame: pd.DataFrame) -> list[str]:
    if "title" not in frame.columns:
        return [""] * len(frame)
    return [str(t) if isinstance(t, str) else "" for t in frame["title"].tolist()]


# --------------------------------------------------------------------------- the model

_PARAMS = (
    "k",
    "model",
    "k_range",
    "n_terms",
    "n_docs",
    "seed",
    "coherence",
    "segmenter",
    "stopwords",
    "strip_boilerplate",
    "lead_weight",
    "pairs",
    "min_df",
    "max_df",
    "n_jobs",
    "cache",
    "progress",
    "pair_min_df",
)


class TopicModel:
    """Topics of a corpus, fitted once, to describe it and to assign new documents.

    Documents are represented by their lead-weighted words and word pairs, with boilerplate,
    genre stopwords and over-frequent terms removed (see :mod:`corpus_tools.topics`). The
    same corpus and ``seed`` give the same topics.

    Parameters
    ----------
    k : int, optional
        Number of topics, 2 to the number of documents. When not given it is chosen over
        ``k_range`` by coherence, and the scores are in ``k_scores_``.
    model : {"nmf", "lda", "kmeans"}, default "nmf"
        The model (:mod:`corpus_tools.topics.models`).
    k_range : (int, int), default (4, 14)
        Smallest and largest k tried when ``k`` is not given (capped at the number of
        documents).
    n_terms : int, default 10
        Terms listed per topic in ``topics_``.
    n_docs : int, default 3
        Representative documents listed per topic in ``representatives_``.
    seed : int, default 0
        Random state of the models (NMF's initialisation is deterministic anyway).
    coherence : {"c_v", "c_npmi", "u_mass"}, default "c_v"
        Coherence measure reported, and used to choose k.
    segmenter : corpus_tools.tokens.Segmenter, optional
        Defaults to ``Segmenter()``.
    stopwords : iterable of str, optional
        Tokens to leave out; default the genre's list (:func:`corpus_tools.load_stopwords`).
    strip_boilerplate : bool, default True
        Remove watermarks and repeated passages first (see :meth:`fit`).
    lead_weight : int, default 5
        How many times the words of a document's first paragraph count.
    pairs : bool, default True
        Use pairs of adjacent words as features too.
    min_df : int, optional
        Keep terms in at least this many documents; default 2 (1 below 10 documents).
    max_df : float, default 0.5
        Keep terms in at most this fraction of the documents.
    n_jobs : int, optional
        Worker processes for segmentation (:func:`corpus_tools.tokens.segment_corpus`),
        and threads fitting the k of ``k_range`` with nmf or kmeans (default: one per idle
        core; the same topics whatever their number).
    cache : bool or path, default True
        Segmentation cache (:func:`corpus_tools.tokens.segment_corpus`).
    progress : bool, optional
        A progress bar on stderr naming each step (boilerplate, segmenting, features, then
        the model and the coherence of each k tried); ``None``: on a terminal or in a
        notebook, not when stderr is piped.
    pair_min_df : int, optional
        Keep word pairs in at least this many documents (default: as words, ``min_df``).
        3 takes about a third less CPU on long reports, with other topics: see
        :mod:`corpus_tools.topics`.

    Attributes
    ----------
    k_ : int
        The number of topics.
    topics_ : pandas.DataFrame
        ``topic``, ``size``, ``share``, ``coherence``, ``terms``, ``term_weights``.
    documents_ : pandas.DataFrame
        The training documents in their topics: ``doc_id``, ``title``, ``topic``,
        ``weight``.
    representatives_ : pandas.DataFrame
        ``topic``, ``rank``, ``doc_id``, ``title``, ``weight``.
    k_scores_ : pandas.DataFrame
        ``k``, ``coherence``, ``chosen`` of every k tried (empty when ``k`` was given).
    coherence_ : float
        Mean coherence of the topics.
    terms_ : list of str
        The vocabulary (a pair of words is ``"word1 word2"``).
    unassigned_ : pandas.DataFrame
        The training documents without a topic: ``doc_id``, ``title``, ``reason``.
    converged_ : bool
        False when the model stopped at its iteration limit.
    notes_ : list of str
        The caveats of the fit, each also given as a :class:`TopicWarning`.

    The columns are those of :class:`TopicResult`.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> seeds = ct.load_corpus("data/raw", split="lines").documents
    >>> tm = TopicModel(k=4).fit(seeds)
    >>> tm
    TopicModel(k=4)
    >>> tm.k_, tm.topics_.columns.tolist()
    (4, ['topic', 'size', 'share', 'coherence', 'terms', 'term_weights'])
    >>> again = tm.transform(seeds)
    >>> again.columns.tolist()
    ['doc_id', 'title', 'topic', 'weight']
    >>> bool((again["topic"] == tm.documents_["topic"]).mean() > 0.9)
    True
    """

    def __init__(
        self,
        k: int | None = None,
        *,
        model: str = "nmf",
        k_range: tuple[int, int] = (4, 14),
        n_terms: int = 10,
        n_docs: int = 3,
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
        progress: bool | None = None,
        pair_min_df: int | None = None,
    ) -> None:
        self.k = k
        self.model = model
        self.k_range = k_range
        self.n_terms = n_terms
        self.n_docs = n_docs
        self.seed = seed
        self.coherence = coherence
        self.segmenter = segmenter
        self.stopwords = stopwords
        self.strip_boilerplate = strip_boilerplate
        self.lead_weight = lead_weight
        self.pairs = pairs
        self.min_df = min_df
        self.max_df = max_df
        self.n_jobs = n_jobs
        self.cache = cache
        self.progress = progress
        self.pair_min_df = pair_min_df

    def get_params(self) -> dict[str, Any]:
        """The constructor's arguments by name (as scikit-learn's ``get_params``)."""
        return {name: getattr(self, name) for name in _PARAMS}

    def __repr__(self) -> str:
        defaults = TopicModel().get_params()
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not (value is defaults[name] or (_plain(value) and value == defaults[name]))
        ]
        return f"TopicModel({', '.join(changed)})"

    def fit(self, corpus: Any, *, boilerplate: BoilerplateResult | None = None) -> TopicModel:
        """Learn the topics of ``corpus``.

        Parameters
        ----------
        corpus : DataFrame with ``doc_id`` and ``text``, dict of doc_id -> text, or list of str
            The documents (a corpus table from :func:`corpus_tools.load_corpus`). Not
            modified.
        boilerplate : BoilerplateResult, optional
            A result of :func:`corpus_tools.boilerplate.find_boilerplate` on this same
            corpus, stripped instead of computing it again (when ``strip_boilerplate``).
            Default: the passages in at least 10% of the documents (and 3), that is
            ``find_boilerplate(corpus, min_docs=boilerplate_min_docs(len(corpus)))``.

        Returns
        -------
        TopicModel
            ``self``, fitted.

        Raises
        ------
        InvalidParameterError
            For a bad argument, or when no term survives preprocessing.
        NoDocumentsError
            For a corpus with fewer than 2 documents.

        Warns
        -----
        TopicWarning
            For each caveat of the fit, also kept in ``notes_`` (see :func:`fit_topics`).
        """
        func = "TopicModel"
        frame = as_corpus(corpus, func)
        options = check_model_options(self.get_params(), len(frame), func)
        self._fit(frame, options, boilerplate=boilerplate, func=func)
        _say(self.notes_, func, stacklevel=3)
        return self

    def _fit(
        self,
        frame: pd.DataFrame,
        options: ModelOptions,
        *,
        boilerplate: BoilerplateResult | None,
        func: str,
    ) -> TopicModel:
        """Fit on a checked corpus table with checked options (errors name ``func``).

        The caveats of the fit are kept in ``notes_`` (the caller says them: :func:`_say`).
        """
        features, selected = self._select(frame, options, boilerplate=boilerplate, func=func)
        fitted = selected.fitted
        k = len(fitted.term_scores)
        new_of_old = topic_order(fitted.assignment.labels, k)
        titles = _titles(frame)
        documents = documents_table(
            [str(d) for d in frame["doc_id"].tolist()],
            fitted.assignment.labels,
            fitted.assignment.weights,
            new_of_old,
            titles=titles,
        )
        self.k_ = k
        self.documents_ = documents
        self.topics_ = topics_table(
            documents,
            fitted.term_scores,
            coherence=selected.coherence,
            new_of_old=new_of_old,
            terms=features.terms,
            n_terms=options.n_terms,
        )
        self.representatives_ = representatives_table(
            documents, fitted.assignment.strength, titles=titles, k=k, n_docs=options.n_docs
        )
        self.k_scores_ = k_scores_table(selected.k_scores, k)
        self.coherence_ = mean_coherence([float(v) for v in self.topics_["coherence"].tolist()])
        self.terms_ = features.terms
        self.unassigned_ = unassigned_table(documents, features.reasons)
        self.converged_ = fitted.converged
        notes = (
            small_corpus_note(documents, k),
            unassigned_note(self.unassigned_, len(frame)),
            convergence_note(options.model, k, fitted.converged),
        )
        self.notes_ = [note for note in notes if note is not None]
        self._fitted = (options, features.vectorizer, fitted.state, new_of_old)
        return self

    def _select(
        self,
        frame: pd.DataFrame,
        options: ModelOptions,
        *,
        boilerplate: BoilerplateResult | None,
        func: str,
    ) -> tuple[Features, Selection]:
        """The features, and the model of the k given or chosen, under a progress bar."""
        total = len(k_candidates(options.k, options.k_range, len(frame)))
        with progress_counter(desc="topics", unit="k", total=total, enabled=self.progress) as bar:

            def stage(label: str, done: int | None = None) -> None:
                if bar is not None:
                    bar.set_description(f"topics: {label}", refresh=False)
                    if done is not None:
                        bar.n = done
                    bar.refresh()

            features = build_features(
                frame,
                options.features,
                boilerplate=boilerplate,
                func=func,
                report=stage,
                progress=self.progress,
            )
            if len(frame) < MIN_TOPICS:
                raise NoDocumentsError(f"{func} needs at least 2 documents; got {len(frame)}.")
            scorer = CoherenceScorer(features.words, features.terms, options.coherence)
            selected = select_model(
                options.model,
                features.matrix,
                k=options.k,
                k_range=options.k_range,
                seed=options.seed,
                scorer=scorer,
                report=stage,
                threads=fit_threads(options.features.n_jobs),
            )
        return features, selected

    def transform(
        self, corpus: Any, *, boilerplate: BoilerplateResult | None = None
    ) -> pd.DataFrame:
        """Assign documents, new ones or the training ones, to the fitted topics.

        The documents are prepared as in :meth:`fit` (their own boilerplate stripped, the
        same segmenter and stopwords) and counted over the fitted vocabulary; words the
        training corpus did not keep are ignored.

        Parameters
        ----------
        corpus : DataFrame with ``doc_id`` and ``text``, dict of doc_id -> text, or list of str
            The documents. Not modified.
        boilerplate : BoilerplateResult, optional
            A result of :func:`corpus_tools.boilerplate.find_boilerplate` on ``corpus``.
            Default as in :meth:`fit`: watermarks, and what at least 10% of its documents
            (and 3) share.

        Returns
        -------
        pandas.DataFrame
            One row per document, in input order: ``doc_id`` (str), ``title`` (str, empty
            when the corpus has none), ``topic`` (int64, the numbering of ``topics_``; -1
            when the document has no fitted term), ``weight`` (float64 in [0, 1]). For the
            training corpus it gives the topics of ``documents_`` (k-means: the same
            table); the weights may differ in the last decimals, since NMF solves a
            document's loadings again for the fitted topics (and LDA infers them again), so
            a document on the border of two topics could change sides.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.

        Examples
        --------
        >>> tm = TopicModel(k=2, min_df=1, max_df=1.0, cache=False)
        >>> tm.transform(["社区治理"])
        Traceback (most recent call last):
        ...
        corpus_tools.errors.NotFittedError: This TopicModel is not fitted yet. Call fit(corpus) \
before transform(corpus).
        >>> train = ["网格员走访居民，社区治理", "社区治理，网格员", "财政收支平衡，财政预算", "财政预算收支"]
        >>> tm.fit(train).documents_["topic"].tolist()
        [0, 0, 1, 1]
        >>> tm.transform(["财政预算执行", "网格员巡查"])["topic"].tolist()
        [1, 0]
        """
        func = "TopicModel.transform"
        if not hasattr(self, "_fitted"):
            raise NotFittedError(
                "This TopicModel is not fitted yet. Call fit(corpus) before transform(corpus)."
            )
        options, vectorizer, state, new_of_old = self._fitted
        frame = as_corpus(corpus, func)
        counts = count_features(
            frame, options.features, vectorizer, boilerplate=boilerplate, func=func
        )
        found = assign(options.model, state, counts)
        return documents_table(
            [str(d) for d in frame["doc_id"].tolist()],
            found.labels,
            found.weights,
            new_of_old,
            titles=_titles(frame),
        )

    def fit_transform(
        self, corpus: Any, *, boilerplate: BoilerplateResult | None = None
    ) -> pd.DataFrame:
        """``fit(corpus)``, then the training documents in their topics (``documents_``)."""
        return self.fit(corpus, boilerplate=boilerplate).documents_.copy()


def _say(notes: list[str], func: str, *, stacklevel: int) -> None:
    """Give each caveat of a fit as a :class:`TopicWarning` (``stacklevel`` 2: the caller)."""
    for note in notes:
        warnings.warn(f"{func}: {note}", TopicWarning, stacklevel=stacklevel + 1)


def _plain(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool, tuple, type(None)))


# --------------------------------------------------------------------------- function


@renamed(over="by")
def fit_topics(
    corpus: Any,
    *,
    k: int | None = None,
    model: str = "nmf",
    k_range: tuple[int, int] = (4, 14),
    n_terms: int = 10,
    n_docs: int = 3,
    by: str | None = None,
    seed: int = 0,
    coherence: str = "c_v",
    segmenter: Any = None,
    stopwords: Iterable[str] | None = None,
    strip_boilerplate: bool = True,
    boilerplate: BoilerplateResult | None = None,
    lead_weight: int = 5,
    pairs: bool = True,
    min_df: int | None = None,
    max_df: float = 0.5,
    n_jobs: int | None = None,
    cache: bool | str = True,
    progress: bool | None = None,
    pair_min_df: int | None = None,
) -> TopicResult:
    """Cluster documents into topics and describe each topic by its terms and documents.

    Fits a :class:`TopicModel` (whose ``transform`` also assigns new documents) and
    returns its tables. The default (NMF on lead-weighted words and word pairs, boilerplate,
    genre stopwords and over-frequent terms removed) was chosen by measurement; see
    :mod:`corpus_tools.topics` and ``benchmarks/bench_topics.py``. The same input and
    ``seed`` give the same result.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id`` and ``text``, dict of doc_id -> text, or list of str
        The documents (a corpus table from :func:`corpus_tools.load_corpus`). Not modified.
    k : int, optional
        Number of topics, 2 to the number of documents. When not given it is chosen over
        ``k_range`` by coherence, and the scores are in ``k_scores``.
    model : {"nmf", "lda", "kmeans"}, default "nmf"
        The model; see :mod:`corpus_tools.topics`.
    k_range : (int, int), default (4, 14)
        Smallest and largest k tried when ``k`` is not given (capped at the number of
        documents).
    n_terms : int, default 10
        Terms listed per topic.
    n_docs : int, default 3
        Representative documents listed per topic.
    by : str, optional
        A metadata column of ``corpus`` (e.g. ``"year"``): topic shares per value
        (:func:`topic_shares`). Formerly ``over``, which still works for one release.
    seed : int, default 0
        Random state of the models (NMF's initialisation is deterministic anyway).
    coherence : {"c_v", "c_npmi", "u_mass"}, default "c_v"
        Coherence measure reported, and used to choose k (C_V chose k best in our
        measurement; see :mod:`corpus_tools.topics`).
    segmenter : corpus_tools.tokens.Segmenter, optional
        Defaults to ``Segmenter()``.
    stopwords : iterable of str, optional
        Tokens to leave out; default the genre's list (:func:`corpus_tools.load_stopwords`).
    strip_boilerplate : bool, default True
        Remove watermarks and repeated passages first.
    boilerplate : BoilerplateResult, optional
        A result of :func:`corpus_tools.boilerplate.find_boilerplate` on this same corpus
        (the report's, say), stripped instead of computing it again. Its spans must name
        doc_ids of ``corpus``. Default: the passages in at least 10% of the documents (and
        3), that is ``find_boilerplate(corpus, min_docs=boilerplate_min_docs(len(corpus)))``.
    lead_weight : int, default 5
        How many times the words of a document's first paragraph count.
    pairs : bool, default True
        Use pairs of adjacent words as features too.
    min_df : int, optional
        Keep terms in at least this many documents; default 2 (1 below 10 documents).
    max_df : float, default 0.5
        Keep terms in at most this fraction of the documents.
    n_jobs : int, optional
        Worker processes for segmentation (:func:`corpus_tools.tokens.segment_corpus`),
        and threads fitting the k of ``k_range`` with nmf or kmeans (default: one per idle
        core; the same topics whatever their number).
    cache : bool or path, default True
        Segmentation cache (:func:`corpus_tools.tokens.segment_corpus`).
    progress : bool, optional
        A progress bar on stderr naming each step and each k tried; ``None``: on a terminal
        or in a notebook, not when stderr is piped.
    pair_min_df : int, optional
        Keep word pairs in at least this many documents (default: as words, ``min_df``).
        3 takes about a third less CPU on long reports, with other topics: see
        :mod:`corpus_tools.topics`.

    Returns
    -------
    TopicResult
        ``topics``, ``documents`` (doc_id, title, the ``by`` field, topic, weight),
        ``representatives``, ``k_scores``, ``shares``, ``coherence``, ``unassigned``
        (documents without a topic and why), ``converged``, ``notes``; see
        :class:`TopicResult` for the columns.

    Raises
    ------
    InvalidParameterError
        For a bad argument, an unknown ``by`` column, a ``boilerplate`` of another corpus,
        or when no term survives preprocessing.
    NoDocumentsError
        For an empty corpus.

    Warns
    -----
    TopicWarning
        When the documents with a topic are too few for k topics (fewer than 3 per topic),
        when documents are left without a topic (the ``unassigned`` table says why), or
        when the model stopped at its iteration limit. The sentences are also in ``notes``.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw", split="lines").documents
    >>> res = fit_topics(docs, k=4, by="source")
    >>> res.topics.columns.tolist()
    ['topic', 'size', 'share', 'coherence', 'terms', 'term_weights']
    >>> res.documents.columns.tolist(), len(res.documents) == len(docs)
    (['doc_id', 'title', 'source', 'topic', 'weight'], True)
    >>> res.shares.columns.tolist()
    ['source', 'topic', 'n_docs', 'share']
    >>> from corpus_tools.topics import boilerplate_min_docs
    >>> bp = ct.find_boilerplate(docs, min_docs=boilerplate_min_docs(len(docs)))
    >>> fit_topics(docs, k=4, by="source", boilerplate=bp).documents.equals(res.documents)
    True
    >>> res.unassigned.columns.tolist(), res.unassigned["reason"].iloc[0]
    (['doc_id', 'title', 'reason'], 'only boilerplate')
    """
    func = "fit_topics"
    frame = as_corpus(corpus, func)
    estimator = TopicModel(
        k,
        model=model,
        k_range=k_range,
        n_terms=n_terms,
        n_docs=n_docs,
        seed=seed,
        coherence=coherence,
        segmenter=segmenter,
        stopwords=stopwords,
        strip_boilerplate=strip_boilerplate,
        lead_weight=lead_weight,
        pairs=pairs,
        min_df=min_df,
        max_df=max_df,
        n_jobs=n_jobs,
        cache=cache,
        progress=progress,
        pair_min_df=pair_min_df,
    )
    options = check_model_options(estimator.get_params(), len(frame), func)
    if by is not None:
        _check_by(by, frame, func)
    estimator._fit(frame, options, boilerplate=boilerplate, func=func)
    _say(estimator.notes_, func, stacklevel=3)  # past the decorator, at the caller
    documents = estimator.documents_
    if by is not None and by not in documents.columns:  # beside the title: nothing to merge
        documents = documents.copy()
        documents.insert(2, by, frame[by].reset_index(drop=True))
    return TopicResult(
        topics=estimator.topics_,
        documents=documents,
        representatives=estimator.representatives_,
        k_scores=estimator.k_scores_,
        shares=topic_shares(estimator.documents_, frame, by=by) if by is not None else None,
        coherence=estimator.coherence_,
        coherence_measure=coherence,
        model=model,
        k=estimator.k_,
        unassigned=estimator.unassigned_,
        converged=estimator.converged_,
        notes=estimator.notes_,
    )
