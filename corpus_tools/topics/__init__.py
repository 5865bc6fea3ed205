"""Topic clustering that finds the themes of a corpus, not what every report says.

Reports of this genre share most of their words: 党建, 服务, 组织, 推进, 加强 are in every
paragraph of every report, and a topic model fitted on raw tokens spends its topics on them.
:func:`fit_topics` (and :class:`TopicModel`) removes what documents share before modelling:

1. **boilerplate**: watermarks and passages repeated in at least 10% of the documents
   (:func:`corpus_tools.boilerplate.strip_boilerplate`), e.g. ``央视网消息（新闻联播）：``;
   a result of :func:`~corpus_tools.boilerplate.find_boilerplate` already computed can be
   passed in (``boilerplate=``);
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

Models (``model=``, :mod:`~corpus_tools.topics.models`):

* ``"nmf"`` (default): scikit-learn NMF on sublinear tf-idf; a document's topic is its
  largest component, its ``weight`` that component's share of the document's loadings.
* ``"lda"``: gensim ``LdaModel`` on the same (weighted) counts; ``weight`` is the topic's
  probability in the document.
* ``"kmeans"``: k-means clustering of the tf-idf vectors; ``weight`` is the cosine similarity
  of the document to its cluster's centroid.

When ``k`` is not given it is chosen over ``k_range`` (default 4 to 14) by topic coherence
(the measures of gensim's ``CoherenceModel``, to the last bit, with the co-occurrence counts
computed once for every k: :mod:`~corpus_tools.topics.coherence`), and the score of every k
tried is returned. The default measure is C_V, also by measurement: on the three sets above
(8 rubrics each) C_V chose k = 8, 8 and 7 (NMI 0.84, 0.89, 0.78), NPMI chose 4, 14 and 6
(NMI 0.62, 0.79, 0.78).

A fitted :class:`TopicModel` assigns new documents to its topics (``transform``): fit on
one year's reports, then place the next year's in the same themes.

Time goes to the models: on the 137 national reports (176,504 features, most of them word
pairs found in two reports) NMF for k = 4..14 is three quarters of the CPU time. Most of
those pairs share their tf-idf column with others (32,058 distinct columns), and NMF solves
each distinct column once (:mod:`~corpus_tools.topics.factorization`: scikit-learn's NMF of
the full matrix, up to rounding, stopped at the same iteration): the output is byte for byte
the same as fitting all 176,504 columns, in a quarter of the time. The NMF (and k-means)
fits of the k of ``k_range`` run in threads (``n_jobs``, default one per idle core; each
fit is what it would be alone, so the topics do not depend on the number of threads), and
each is scored as it ends. The features are counted as integer codes, and only the pairs
kept are written out as strings.
``pair_min_df=3`` keeps the pairs found in 3 reports or more (59,634 features); it is not the
default because the topics change (on those reports: the same k, the same documents together
up to NMI 0.96 with the default; on the five xinwen_lianbo sets of the benchmark, k = 8, NMI
to the rubrics 0.837/0.888/0.844/0.665/0.594 against 0.837/0.889/0.830/0.658/0.601).

What a fit needs said is a :class:`TopicWarning` and a sentence in the result's ``notes``
(:mod:`~corpus_tools.topics.caveats`): fewer documents than 3 per topic, documents left without
a topic (named, with the reason, in ``unassigned``), a model stopped at its iteration limit.

The parts, one module each: :mod:`~corpus_tools.topics.features` (what the model sees),
:mod:`~corpus_tools.topics.models` (NMF, LDA, k-means: fit and assign),
:mod:`~corpus_tools.topics.factorization` (NMF on distinct columns),
:mod:`~corpus_tools.topics.cooccurrence` (word counts over sliding windows),
:mod:`~corpus_tools.topics.coherence`, :mod:`~corpus_tools.topics.selection` (choosing k),
:mod:`~corpus_tools.topics.tables` (describing a fit), :mod:`~corpus_tools.topics.caveats`,
:mod:`~corpus_tools.topics.shares` and :mod:`~corpus_tools.topics.fit` (:class:`TopicModel`,
:func:`fit_topics`).

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_corpus("reports/").documents                   # doctest: +SKIP
>>> res = ct.fit_topics(docs, k=8, by="year")                      # doctest: +SKIP
>>> res.topics[["topic", "size", "terms"]]                         # doctest: +SKIP
>>> model = ct.TopicModel(k=8).fit(docs)                           # doctest: +SKIP
>>> model.transform(ct.load_corpus("reports-2025/").documents)     # doctest: +SKIP
"""

from corpus_tools.topics.caveats import TopicWarning as TopicWarning
from corpus_tools.topics.coherence import COHERENCE_MEASURES as COHERENCE_MEASURES
from corpus_tools.topics.features import UNASSIGNED_REASONS as UNASSIGNED_REASONS
from corpus_tools.topics.features import boilerplate_min_docs as boilerplate_min_docs
from corpus_tools.topics.features import topic_features as topic_features
from corpus_tools.topics.fit import TopicModel as TopicModel
from corpus_tools.topics.fit import TopicResult as TopicResult
from corpus_tools.topics.fit import fit_topics as fit_topics
from corpus_tools.topics.models import MODELS as MODELS
from corpus_tools.topics.shares import topic_shares as topic_shares

__all__ = [
    "COHERENCE_MEASURES",
    "MODELS",
    "UNASSIGNED_REASONS",
    "TopicModel",
    "TopicResult",
    "TopicWarning",
    "boilerplate_min_docs",
    "fit_topics",
    "topic_features",
    "topic_shares",
]
