"""Keyword frequency tables, keyness between groups and keyword-in-context, for whole corpora.

Three tables, all computed from the same segmentation (:mod:`corpus_tools.tokens`: slogans
such as 两个确立 and placeholder runs such as ``XX`` are one token, and the tokens of every
document are cached on disk, so a rerun or an extended corpus only segments what is new):

* :func:`keyword_table` (:mod:`~corpus_tools.keywords.table`): per term, and per group of
  metadata fields (``by=["year"]``), how often it occurs (``count``), in how many documents
  (``doc_freq``), per 10,000 characters (``rate_per_10k``) and its tf-idf weight; the genre's
  stopwords removed.
* :func:`keyness` (:mod:`~corpus_tools.keywords.compare`): which terms are over- or
  under-used in one group against the rest of the corpus (or against a reference group):
  log-likelihood (G², Dunning 1993), log ratio (Hardie 2014) and a p-value.
* :func:`kwic` (:mod:`~corpus_tools.keywords.concordance`): keyword in context, one row per
  occurrence with ``start``/``end`` offsets into the text as loaded
  (``text[start:end] == match``).
* :func:`formula_table` (:mod:`~corpus_tools.keywords.phrases`): the formulas of
  :func:`~corpus_tools.find_formulas` counted as terms per group, on the matching text they
  are found in (a formula's trend over the years in one table); ``kwic(...,
  match="folded")`` shows them in context.

All three count through :mod:`~corpus_tools.keywords.counts`. The optional steps before
counting take what a caller computed already: ``strip_boilerplate=True,
boilerplate=find_boilerplate(docs)`` and ``mine_slogans=True, slogans=mine_slogans(docs)``.

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_corpus("../shared/corpora/xinwen_lianbo").documents   # doctest: +SKIP
>>> found = ct.find_boilerplate(docs)                                    # doctest: +SKIP
>>> table = ct.keyword_table(                                            # doctest: +SKIP
...     docs, by=["year"], top=20, strip_boilerplate=True, boilerplate=found
... )
>>> ct.keyness(docs, by="year", target=2026).head()                      # doctest: +SKIP
>>> ct.kwic(docs, ["两个确立"], window=15).head()                          # doctest: +SKIP
"""

from corpus_tools.keywords.compare import keyness as keyness
from corpus_tools.keywords.concordance import kwic as kwic
from corpus_tools.keywords.counts import KEYWORD_COLUMNS as KEYWORD_COLUMNS
from corpus_tools.keywords.phrases import formula_table as formula_table
from corpus_tools.keywords.table import keyword_table as keyword_table
from corpus_tools.keywords.table import keyword_table_dask as keyword_table_dask
