"""What a topic model sees of a document: its words and word pairs, minus what all share.

The steps, each a function: strip boilerplate (:func:`strip_texts`), cut and filter the
tokens of each document into weighted features (:func:`document_features`), count them
over a vocabulary fitted on the training corpus (:func:`build_features`) or on the
vocabulary of a fitted model (:func:`count_features`). :func:`topic_features` is the
public view of the counts.
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.boilerplate import BoilerplateResult, find_boilerplate
from corpus_tools.boilerplate import strip_boilerplate as strip_passages
from corpus_tools.errors import (
    InvalidParameterError,
    NoDocumentsError,
    check_number,
    check_type,
    param_error,
)
from corpus_tools.io import as_corpus
from corpus_tools.text.patterns import PLACEHOLDER_RUN
from corpus_tools.tokens import (
    Segmenter,
    as_segmenter,
    check_stopwords,
    is_content_token,
    load_stopwords,
    segment_corpus,
)

__all__ = [
    "BOILERPLATE_DOC_FRACTION",
    "PAIR",
    "UNASSIGNED_REASONS",
    "DocumentTerms",
    "FeatureOptions",
    "Features",
    "Report",
    "boilerplate_min_docs",
    "build_features",
    "check_feature_options",
    "count_features",
    "count_paragraph_terms",
    "count_terms",
    "document_features",
    "strip_texts",
    "termless_reasons",
    "top_terms",
    "topic_features",
    "weighted_features",
]

#: Boilerplate is a passage found in at least this fraction of the documents ...
BOILERPLATE_DOC_FRACTION = 0.1
#: ... and in at least this many documents (below 3 documents only watermarks are found).
BOILERPLATE_MIN_DOCS = 3
#: Joins the two words of a pair feature (also how a pair is shown: "正确 政绩观").
PAIR = " "
#: Shortest kept word, in characters: single characters (的, 是, 在) carry no theme.
MIN_WORD_CHARS = 2
#: top_terms sorts this many candidates per term asked for first (the rest when they run out).
TOP_TERMS_FIRST_PER_TERM = 20
#: Below this many documents a term in one document is kept (min_df 1), else it needs 2.
SMALL_CORPUS_DOCS = 10
#: Why a document gets no topic (the ``reason`` of ``unassigned``), and what it means.
UNASSIGNED_REASONS = {
    "empty text": "the document's text is empty",
    "only boilerplate": "what it says is boilerplate (watermarks, passages shared by many "
    "documents), removed before modelling",
    "no content words": "it holds only stopwords, numbers, placeholders or single characters",
    "no shared terms": "none of its words or word pairs is in enough of the other documents "
    "(min_df), or each is in too many (max_df)",
    "no topic weight": "the model gives it no weight on any topic",
}

_NUMERIC = re.compile(r"[0-9０-９.．%％‰]+")
_PARAGRAPH = re.compile(r"[\n\r\u2028\u2029]")


class FeatureOptions(NamedTuple):
    """The checked options of the features (see :func:`topic_features`)."""

    segmenter: Segmenter
    stopwords: frozenset[str]
    strip_boilerplate: bool
    lead_weight: int
    pairs: bool
    min_df: int | None
    max_df: float
    n_jobs: int | None
    cache: bool | str
    pair_min_df: int | None = None


class Features(NamedTuple):
    """The counts a model is fitted on."""

    matrix: Any  # scipy.sparse csr: weighted counts, documents x terms
    terms: list[str]
    words: list[list[str]]  # unweighted kept words per document (for coherence)
    vectorizer: Any  # the fitted CountVectorizer: maps new documents onto ``terms``
    reasons: list[str]  # why a document has no term (UNASSIGNED_REASONS); "" when it has


def check_feature_options(
    *,
    segmenter: Any,
    stopwords: Iterable[str] | None,
    strip_boilerplate: Any,
    lead_weight: Any,
    pairs: Any,
    min_df: Any,
    max_df: Any,
    n_jobs: int | None,
    cache: bool | str,
    func: str,
    pair_min_df: Any = None,
) -> FeatureOptions:
    """The options checked (errors name ``func``); None stopwords become the genre's list."""
    seg = as_segmenter(segmenter, func)
    stop = load_stopwords() if stopwords is None else check_stopwords(stopwords, func)
    check_type(strip_boilerplate, "strip_boilerplate", func, bool, "a bool")
    check_number(lead_weight, "lead_weight", func, kind=int, low=1)
    check_type(pairs, "pairs", func, bool, "a bool")
    if min_df is not None:
        check_number(min_df, "min_df", func, kind=int, low=1)
    if pair_min_df is not None:
        check_number(pair_min_df, "pair_min_df", func, kind=int, low=1)
    check_number(max_df, "max_df", func, low=0, high=1, low_open=True)
    return FeatureOptions(
        seg, stop, strip_boilerplate, lead_weight, pairs, min_df, max_df, n_jobs, cache, pair_min_df
    )


# --------------------------------------------------------------------------- boilerplate


def boilerplate_min_docs(n_docs: int) -> int:
    """The ``min_docs`` of :func:`~corpus_tools.boilerplate.find_boilerplate` for topics.

    A passage is boilerplate to the topic model when at least 10% of the documents hold it
    (and 3). Pass ``find_boilerplate(corpus, min_docs=boilerplate_min_docs(len(corpus)))``
    as ``boilerplate=`` to strip exactly what the default strips.

    Examples
    --------
    >>> boilerplate_min_docs(20), boilerplate_min_docs(332)
    (3, 34)
    """
    check_number(n_docs, "n_docs", "boilerplate_min_docs", kind=int, low=0)
    return max(BOILERPLATE_MIN_DOCS, math.ceil(BOILERPLATE_DOC_FRACTION * n_docs))


def check_boilerplate(boilerplate: Any, doc_ids: Iterable[str], func: str) -> None:
    """Refuse anything but a :class:`BoilerplateResult` whose spans name only these doc_ids."""
    if not isinstance(boilerplate, BoilerplateResult):
        raise param_error(
            "boilerplate",
            func,
            "a BoilerplateResult (find_boilerplate on this corpus) or None",
            type(boilerplate).__name__,
        )
    unknown = set(boilerplate.spans["doc_id"].astype(str)) - set(doc_ids)
    if unknown:
        raise InvalidParameterError(
            f"The 'boilerplate' parameter of {func} must be a result of find_boilerplate on "
            f"this corpus. Its spans name doc_id {sorted(unknown)[0]!r}, which the corpus "
            "does not hold."
        )


def strip_texts(
    frame: pd.DataFrame, *, strip: bool, boilerplate: BoilerplateResult | None, func: str
) -> list[str]:
    """The texts of ``frame`` without boilerplate (as given, or found in at least 10% of them).

    ``boilerplate`` (checked) is used as given; without it the boilerplate of ``frame`` is
    found with :func:`boilerplate_min_docs`: watermarks in any document, passages repeated
    in at least 10% of the documents and 3 (so none below 3 documents: a single new document
    given to :meth:`TopicModel.transform <corpus_tools.topics.TopicModel.transform>` loses
    its watermarks only).
    """
    texts = [str(t) for t in frame["text"].tolist()]
    doc_ids = [str(d) for d in frame["doc_id"].tolist()]
    if boilerplate is not None:
        check_boilerplate(boilerplate, doc_ids, func)
    if not strip:
        return texts
    table = pd.DataFrame({"doc_id": doc_ids, "text": texts})
    if boilerplate is None:
        # a step of the topics bar, not a bar of its own inside it
        boilerplate = find_boilerplate(
            table, min_docs=boilerplate_min_docs(len(table)), progress=False
        )
    return [str(t) for t in strip_passages(table, result=boilerplate)["text"].tolist()]


# --------------------------------------------------------------------------- features


def _keep(token: str, stop: frozenset[str]) -> bool:
    return (
        len(token) >= MIN_WORD_CHARS
        and token not in stop
        and is_content_token(token)
        and _NUMERIC.fullmatch(token) is None
        and PLACEHOLDER_RUN.fullmatch(token) is None
    )


#: What a token is to :func:`_paragraphs`: a kept word, a paragraph break, or nothing.
_WORD, _BREAK, _NOTHING = 1, 2, 0


def _kind(token: str, stop: frozenset[str]) -> int:
    if token.isspace():
        return _BREAK if _PARAGRAPH.search(token) else _NOTHING
    return _WORD if _keep(token, stop) else _NOTHING


def _paragraphs(
    tokens: Sequence[str], stop: frozenset[str], kinds: dict[str, int] | None = None
) -> list[list[str]]:
    """The kept words of each paragraph (a line break ends a paragraph).

    ``kinds`` remembers what each distinct token is (:func:`_kind`) across the documents of
    a corpus: a corpus has a few percent as many distinct tokens as tokens.
    """
    kinds = {} if kinds is None else kinds
    paragraphs: list[list[str]] = [[]]
    for tok in tokens:
        kind = kinds.get(tok)
        if kind is None:
            kind = kinds[tok] = _kind(tok, stop)
        if kind == _WORD:
            paragraphs[-1].append(tok)
        elif kind == _BREAK and paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def weighted_features(paragraphs: list[list[str]], lead_weight: int, pairs: bool) -> list[str]:
    """The features of a document's paragraphs of kept words, the first one's repeated.

    Pairs join consecutive kept words of a paragraph (stopwords and punctuation between
    them skipped: 树立和践行正确政绩观 gives 树立+践行, 践行+正确, 正确+政绩观); the first
    paragraph's words and pairs count ``lead_weight`` times.

    Examples
    --------
    >>> weighted_features([["正确", "政绩观"], ["八项"]], 2, True)
    ['正确', '政绩观', '正确 政绩观', '正确', '政绩观', '正确 政绩观', '八项']
    """
    feats: list[str] = []
    for i, para in enumerate(paragraphs):
        f = list(para)
        if pairs:
            f += [a + PAIR + b for a, b in itertools.pairwise(para)]
        feats += f * (lead_weight if i == 0 else 1)
    return feats


#: Says which step runs (a progress bar's label); see :func:`document_features`.
Report = Callable[[str], None]


def _quiet(stage: str) -> None:
    """A :data:`Report` that says nothing."""


class DocumentTerms(NamedTuple):
    """What the model sees of one document."""

    paragraphs: list[list[str]]  # the kept words of each paragraph (its features:
    # weighted_features, or count_paragraph_terms for a corpus)
    words: list[str]  # the kept words, in order, unweighted (for coherence)
    reason: str  # why it has no feature (a key of UNASSIGNED_REASONS); "" when it has some


def _wordless_reason(original: str, stripped: str) -> str:
    """Why a document kept no word: its text was empty, all boilerplate, or all stopwords."""
    if not original.strip():
        return "empty text"
    if stripped != original:  # what had content was removed as boilerplate
        return "only boilerplate"
    return "no content words"


def document_features(
    frame: pd.DataFrame,
    options: FeatureOptions,
    *,
    boilerplate: BoilerplateResult | None,
    func: str,
    report: Report = _quiet,
    progress: bool | None = False,
) -> list[DocumentTerms]:
    """The features, kept words and (when it has none) the reason of every document, in order.

    ``report`` is told the name of each step as it starts ("boilerplate", "segmenting",
    "features"); ``progress`` is the segmentation's own bar
    (:func:`~corpus_tools.tokens.segment_corpus`).
    """
    if len(frame) == 0:
        raise NoDocumentsError(f"{func} needs at least one document; the corpus is empty.")
    if options.strip_boilerplate:
        report("boilerplate")
    texts = strip_texts(frame, strip=options.strip_boilerplate, boilerplate=boilerplate, func=func)
    report("segmenting")
    tokens = segment_corpus(
        texts,
        segmenter=options.segmenter,
        n_jobs=options.n_jobs,
        cache=options.cache,
        drop_space=False,
        progress=progress,
    )
    report("features")
    out = []
    kinds: dict[str, int] = {}
    for original, stripped, toks in zip(frame["text"].tolist(), texts, tokens, strict=True):
        paragraphs = _paragraphs(toks, options.stopwords, kinds)
        words = [w for para in paragraphs for w in para]
        reason = "" if words else _wordless_reason(str(original), stripped)
        out.append(DocumentTerms(paragraphs, words, reason))
    return out


def termless_reasons(built: list[DocumentTerms], matrix: Any) -> list[str]:
    """Why each document has no counted term ("" when it has some), given its counts."""
    counted = np.asarray(matrix.getnnz(axis=1)) > 0
    return [
        "" if has else (doc.reason or "no shared terms")
        for doc, has in zip(built, counted.tolist(), strict=True)
    ]


def _identity(doc: list[str]) -> list[str]:
    return doc


def build_features(
    frame: pd.DataFrame,
    options: FeatureOptions,
    *,
    boilerplate: BoilerplateResult | None,
    func: str,
    report: Report = _quiet,
    progress: bool | None = False,
) -> Features:
    """Fit the vocabulary on ``frame`` and count its documents' features.

    ``report`` and ``progress`` as in :func:`document_features`.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    built = document_features(
        frame, options, boilerplate=boilerplate, func=func, report=report, progress=progress
    )
    n = len(frame)
    low = options.min_df if options.min_df is not None else (1 if n < SMALL_CORPUS_DOCS else 2)
    matrix, terms = count_paragraph_terms(
        [doc.paragraphs for doc in built],
        lead_weight=options.lead_weight,
        pairs=options.pairs,
        min_df=low,
        max_df=options.max_df if n > 1 else 1.0,
    )
    if not terms:
        raise InvalidParameterError(
            f"{func}: no term is left after preprocessing ({n} documents; terms must occur "
            f"in at least min_df={low} and at most max_df={options.max_df} of them, stopwords "
            "removed). Give more documents, lower min_df or raise max_df."
        )
    vec = CountVectorizer(analyzer=_identity, vocabulary=terms)
    if options.pair_min_df is not None and options.pair_min_df > low:
        matrix, terms, vec = _prune_pairs(matrix, terms, options.pair_min_df)
        if not terms:
            raise InvalidParameterError(
                f"{func}: no term is left after preprocessing: no word, and no word pair in "
                f"pair_min_df={options.pair_min_df} documents. Lower pair_min_df."
            )
    words = [doc.words for doc in built]
    return Features(matrix, terms, words, vec, termless_reasons(built, matrix))


def count_terms(
    docs: Sequence[Sequence[str]], *, min_df: int, max_df: float
) -> tuple[Any, list[str]]:
    """(counts, terms): what scikit-learn's ``CountVectorizer`` fits on these token lists.

    The terms in at least ``min_df`` documents and at most ``max_df`` of them (a float: a
    fraction of the documents; an int: a number), sorted; the counts a csr matrix of
    int64, each row's entries in the order ``CountVectorizer(analyzer=..., min_df=min_df,
    max_df=max_df).fit_transform(docs)`` gives them (by the term's first occurrence in the
    corpus), so that every sum over a row rounds as it did. The terms are counted once as
    integer codes, where the vectorizer built and sorted a dictionary of all 260,000 terms
    of the national reports per document and then dropped two thirds of them: a third of
    the time. No term left: ``terms`` is empty.

    Examples
    --------
    >>> counts, terms = count_terms([["社区", "治理", "社区"], ["社区", "财政"]], min_df=1, max_df=1.0)
    >>> terms, counts.toarray().tolist()
    (['治理', '社区', '财政'], [[1, 2, 0], [0, 1, 1]])
    """
    import scipy.sparse as sp  # type: ignore[import-untyped]

    n = len(docs)
    ids: dict[str, int] = {}  # in order of first occurrence, as the vectorizer numbers them
    lengths = np.fromiter((len(doc) for doc in docs), dtype=np.int64, count=n)
    found = np.fromiter(
        (ids.setdefault(t, len(ids)) for doc in docs for t in doc),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    v = max(1, len(ids))
    # one code per (document, term): sorted, they give each row's terms by first occurrence
    codes, counts = np.unique(
        np.repeat(np.arange(n, dtype=np.int64), lengths) * v + found, return_counts=True
    )
    doc, term = np.divmod(codes, v)
    df = np.bincount(term, minlength=len(ids))
    high = max_df if isinstance(max_df, numbers.Integral) else max_df * n
    keep = (df >= min_df) & (df <= high)
    names = list(ids)
    order = sorted(np.flatnonzero(keep).tolist(), key=names.__getitem__)
    column = np.full(len(ids), -1, dtype=np.int64)
    column[order] = np.arange(len(order))
    kept = keep[term]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(doc[kept], minlength=n))))
    matrix = sp.csr_matrix(
        (counts[kept].astype(np.int64), column[term[kept]], indptr), shape=(n, len(order))
    )
    return matrix, [names[i] for i in order]


def count_paragraph_terms(
    docs: Sequence[list[list[str]]],
    *,
    lead_weight: int,
    pairs: bool,
    min_df: int,
    max_df: float,
) -> tuple[Any, list[str]]:
    """:func:`count_terms` of the :func:`weighted_features` of each document's paragraphs.

    The same counts and terms, without writing out the features: words are numbered once,
    a pair is a number made of its two words', and only the pairs kept (in at least
    ``min_df`` documents: a third of those of the national reports) are joined into a
    string. Features are numbered in the order :func:`weighted_features` lists them
    (document, paragraph, its words, then its pairs), which orders each row's entries as
    :func:`count_terms` does.

    Examples
    --------
    >>> docs = [[["正确", "政绩观"], ["八项"]], [["正确", "政绩观", "八项"]]]
    >>> counts, terms = count_paragraph_terms(docs, lead_weight=2, pairs=True, min_df=2, max_df=1.0)
    >>> terms, counts.toarray().tolist()
    (['八项', '政绩观', '正确', '正确 政绩观'], [[1, 2, 2, 2], [2, 2, 2, 2]])
    """
    ids: dict[str, int] = {}
    lengths = [len(para) for doc in docs for para in doc]
    flat = np.fromiter(
        (ids.setdefault(w, len(ids)) for doc in docs for para in doc for w in para),
        dtype=np.int64,
        count=sum(lengths),
    )
    names = list(ids)
    if any(PAIR in w for w in names):  # a word that reads as a pair: count the strings
        features = [weighted_features(doc, lead_weight, pairs) for doc in docs]
        return count_terms(features, min_df=min_df, max_df=max_df)
    v = max(1, len(ids))
    doc, key, weight = _occurrences(
        docs, np.asarray(lengths, dtype=np.int64), flat, v, lead_weight=lead_weight, pairs=pairs
    )
    n = len(docs)
    # feature numbers by first occurrence (the occurrences are in the order listed)
    keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(keys))
    feature = rank[inverse.ravel()]
    key_of = np.empty(len(keys), dtype=np.int64)
    key_of[rank] = keys
    n_features = max(1, len(keys))
    codes, at = np.unique(doc * n_features + feature, return_inverse=True)
    counts = np.bincount(at.ravel(), weights=weight).astype(np.int64)
    row, feature = np.divmod(codes, n_features)
    df = np.bincount(feature, minlength=len(keys))
    high = max_df if isinstance(max_df, numbers.Integral) else max_df * n
    kept_features = np.flatnonzero((df >= min_df) & (df <= high))

    def name(k: int) -> str:
        return names[k] if k < v else names[k // v - 1] + PAIR + names[k % v]

    kept_names = [name(k) for k in key_of[kept_features].tolist()]
    order = sorted(range(len(kept_names)), key=kept_names.__getitem__)
    column = np.full(len(keys), -1, dtype=np.int64)
    column[kept_features[order]] = np.arange(len(order))
    kept = column[feature] >= 0
    indptr = np.concatenate(([0], np.cumsum(np.bincount(row[kept], minlength=n))))
    matrix = _csr(counts[kept], column[feature[kept]], indptr, (n, len(order)))
    return matrix, [kept_names[i] for i in order]


def _occurrences(
    docs: Sequence[list[list[str]]],
    lengths: npt.NDArray[np.int64],
    flat: npt.NDArray[np.int64],
    v: int,
    *,
    lead_weight: int,
    pairs: bool,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """(document, feature key, weight) of every feature occurrence, in the order listed.

    A word's key is its number w < v; a pair's is v * (a + 1) + b for words a then b, where
    v is the number of words. Within a paragraph its words come first, then its pairs.
    """
    n_para = len(lengths)
    para_doc = np.repeat(np.arange(len(docs), dtype=np.int64), [len(doc) for doc in docs])
    first_para = np.zeros(n_para, dtype=bool)
    starts = np.cumsum([0] + [len(doc) for doc in docs])[:-1]
    first_para[starts[starts < n_para]] = True
    para_of = np.repeat(np.arange(n_para, dtype=np.int64), lengths)
    slot_start = np.cumsum(lengths) - lengths  # where each paragraph's words start in flat
    word_slot = np.arange(len(flat), dtype=np.int64) - slot_start[para_of]
    # position in the listing: paragraph p takes 2 * len(p) - 1 places (words, then pairs)
    places = np.maximum(2 * lengths - 1, 0) if pairs else lengths
    place0 = np.cumsum(places) - places
    pos = [place0[para_of] + word_slot]
    key = [flat]
    para = [para_of]
    if pairs:
        has_next = word_slot[:-1] + 1 < lengths[para_of[:-1]] if len(flat) else np.zeros(0, bool)
        a = np.flatnonzero(has_next)
        pos.append(place0[para_of[a]] + lengths[para_of[a]] + word_slot[a])
        key.append(v * (flat[a] + 1) + flat[a + 1])
        para.append(para_of[a])
    order = np.argsort(np.concatenate(pos), kind="stable")
    all_para = np.concatenate(para)[order]
    weight = np.where(first_para[all_para], float(lead_weight), 1.0)
    return para_doc[all_para], np.concatenate(key)[order], weight


def _csr(data: Any, indices: Any, indptr: Any, shape: tuple[int, int]) -> Any:
    """A csr matrix of these arrays, as they are (entries not sorted within rows)."""
    import scipy.sparse as sp

    return sp.csr_matrix((data.astype(np.int64), indices, indptr), shape=shape)


def _prune_pairs(matrix: Any, terms: list[str], min_docs: int) -> tuple[Any, list[str], Any]:
    """The counts, terms and vectorizer without the word pairs in fewer than ``min_docs``."""
    from sklearn.feature_extraction.text import CountVectorizer

    docs = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = np.array([PAIR not in t for t in terms], dtype=bool) | (docs >= min_docs)
    kept = [t for t, k in zip(terms, keep.tolist(), strict=True) if k]
    return matrix[:, keep].tocsr(), kept, CountVectorizer(analyzer=_identity, vocabulary=kept)


def count_features(
    frame: pd.DataFrame,
    options: FeatureOptions,
    vectorizer: Any,
    *,
    boilerplate: BoilerplateResult | None,
    func: str,
) -> Any:
    """The counts of ``frame``'s features over a fitted vocabulary (csr, documents x terms)."""
    built = document_features(frame, options, boilerplate=boilerplate, func=func)
    return vectorizer.transform(
        [weighted_features(doc.paragraphs, options.lead_weight, options.pairs) for doc in built]
    ).tocsr()


def top_terms(scores: npt.NDArray[np.float64], terms: list[str], n_terms: int) -> list[int]:
    """Indexes of the ``n_terms`` best terms, best first, skipping repeats.

    A word already shown inside a pair is not shown again, nor a pair of two words
    already shown; terms scoring 0 are not shown.

    Examples
    --------
    >>> terms = ["正确", "正确 政绩观", "政绩观", "八项"]
    >>> top_terms(np.array([0.9, 1.0, 0.8, 0.5]), terms, 3)
    [1, 3]
    """
    out: list[int] = []
    shown: set[str] = set()
    for i in _best_first(scores, n_terms):
        if len(out) >= n_terms or scores[i] <= 0:
            break
        parts = terms[i].split(PAIR)
        if (len(parts) == 1 and parts[0] in shown) or (len(parts) > 1 and set(parts) <= shown):
            continue
        out.append(int(i))
        shown.update(parts)
    return out


def _best_first(scores: npt.NDArray[np.float64], n_terms: int) -> Iterator[int]:
    """Indexes by decreasing score, ties by index (the order of a full sort).

    The best few are sorted first and the others only if the caller reads on: a topic's
    top terms are among its first few hundred, and sorting all 176,000 scores of each
    topic took a third of the coherence's time.
    """
    n = len(scores)
    few = TOP_TERMS_FIRST_PER_TERM * max(1, n_terms)
    if few >= n:
        yield from np.lexsort((np.arange(n), -scores)).tolist()
        return
    bar = np.partition(scores, n - few)[n - few]  # the few-th best score
    # every score at least the bar comes before every other: the prefix of the full order
    head = np.flatnonzero(scores >= bar)
    yield from head[np.lexsort((head, -scores[head]))].tolist()
    rest = np.flatnonzero(~(scores >= bar))
    yield from rest[np.lexsort((rest, -scores[rest]))].tolist()


# --------------------------------------------------------------------------- public


def topic_features(
    corpus: Any,
    *,
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
    pair_min_df: int | None = None,
) -> tuple[Any, list[str], list[list[str]]]:
    """The document-term counts :func:`~corpus_tools.topics.fit_topics` models.

    What documents share is removed first: boilerplate, genre stopwords, single characters,
    numbers, placeholders, and terms in too many documents (see :mod:`corpus_tools.topics`).

    Parameters
    ----------
    corpus : DataFrame with ``doc_id`` and ``text``, dict of doc_id -> text, or list of str
        The documents. Not modified.
    segmenter : corpus_tools.tokens.Segmenter, optional
        Defaults to ``Segmenter()`` (the project's lexicon; slogans stay whole).
    stopwords : iterable of str, optional
        Tokens to leave out; default :func:`corpus_tools.tokens.load_stopwords()`.
    strip_boilerplate : bool, default True
        Remove watermarks and repeated passages first: those of ``boilerplate`` when given,
        else those found in at least 10% of the documents (and 3;
        :func:`boilerplate_min_docs`).
    boilerplate : BoilerplateResult, optional
        A result of :func:`corpus_tools.boilerplate.find_boilerplate` on this same corpus,
        so that it is not computed again (for instance the report's). Its spans must name
        doc_ids of ``corpus``. Not used when ``strip_boilerplate`` is False.
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
    pair_min_df : int, optional
        Keep word pairs in at least this many documents (default: as words, ``min_df``).
        Most pairs are in two documents only: on the 137 national reports 3 keeps 60,000
        of 177,000 features and the whole run takes 0.65 times the CPU, with other topics
        (see :mod:`corpus_tools.topics`).

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
    >>> docs = ["党建引领社区治理\\n网格员走访居民", "社区治理靠网格\\n财政收支平衡"]
    >>> X, terms, words = topic_features(docs, max_df=1.0, cache=False)
    >>> X.shape, words[1]
    ((2, 15), ['社区', '治理', '网格', '财政', '收支平衡'])
    >>> dict(zip(terms, X.toarray()[1].tolist()))["社区 治理"]  # a pair, in the first paragraph
    5
    """
    func = "topic_features"
    frame = as_corpus(corpus, func)
    options = check_feature_options(
        segmenter=segmenter,
        stopwords=stopwords,
        strip_boilerplate=strip_boilerplate,
        lead_weight=lead_weight,
        pairs=pairs,
        min_df=min_df,
        max_df=max_df,
        n_jobs=n_jobs,
        cache=cache,
        func=func,
        pair_min_df=pair_min_df,
    )
    built = build_features(frame, options, boilerplate=boilerplate, func=func)
    return built.matrix, built.terms, built.words
