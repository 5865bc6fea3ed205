"""Formulas (套话): the phrases a corpus repeats below the sentence, and how they spread.

``以习近平新时代中国特色社会主义思想为指导`` stands in every provincial government work report
of 2026; neither a sentence-level repeat finder nor a slogan miner reports it. Here a
suffix array of the whole folded corpus finds every string repeated in ``min_docs``
documents that no longer string covers as well, with exact counts:

* :func:`find_formulas` (:mod:`~corpus_tools.formulas.mining`) -- the formulas, their
  families of variants, their spread over a metadata field (first and last year, documents
  per province), an example of each with offsets into the text as loaded;
* :func:`fold_formulas` (:mod:`~corpus_tools.formulas.folding`) -- the matching text a
  formula is found in (its ``doc_freq`` is the number of documents whose matching text
  contains it);
* the engine (:mod:`~corpus_tools.formulas.suffixes`, :mod:`~corpus_tools.formulas.repeats`),
  which :mod:`corpus_tools.boilerplate` uses for its repeated sentences too.

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_texts([
...     "会议强调，要以习近平新时代中国特色社会主义思想为指导。",
...     "我们坚持以习近平新时代中国特色社会主义思想为指导，",
...     "深入学习贯彻习近平新时代中国特色社会主义思想。",
... ])
>>> find_formulas(docs, min_docs=2).formulas[["text", "doc_freq"]].values.tolist()
[['习近平新时代中国特色社会主义思想', 3], ['以习近平新时代中国特色社会主义思想为指导', 2]]
"""

from corpus_tools.formulas.families import formula_families as formula_families
from corpus_tools.formulas.folding import BREAKS as BREAKS
from corpus_tools.formulas.folding import fold_formulas as fold_formulas
from corpus_tools.formulas.mining import FormulaResult as FormulaResult
from corpus_tools.formulas.mining import find_formulas as find_formulas
