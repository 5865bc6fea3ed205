"""The tokens layer: word segmentation that keeps slogans and template placeholders whole.

A :class:`Segmenter` owns its own ``jieba.Tokenizer`` dictionary (the global jieba
tokenizer is never touched), loaded lazily and once per process with

* jieba's default dictionary;
* the project's domain lexicon (``corpus_tools/data/lexicon.txt``: party-building and
  governance terms, known slogans such as 三会一课 and 一征三议两公开);
* user lexicon files in jieba's user-dictionary format (``word [freq] [tag]`` per line);
* words given in memory (``extra_words``), e.g. slogans mined from the corpus at hand.

Rules, applied before the dictionary is consulted, so that counts are stable:

* **Placeholder runs** (:data:`corpus_tools.text.PLACEHOLDER_RUN`: ``X``, ``XX``,
  ``×``, ``××``, ``ＸＸ``, ``○○``, ``＊＊``, ``X-X``, ``20XX``, and ``X.X`` as in
  ``X.X万元``) are one token, never glued to the word after them (``XX | 社区``). A Latin
  ``X``/``x`` touching other Latin letters or digits (``Linux``, ``3x3``) is left alone.
* **Numbers** (ASCII or full-width digits, a decimal part, a trailing ``%``) are one token,
  never glued to their unit: ``3.5万元`` gives ``3.5 | 万元``, ``１９９８年`` gives
  ``１９９８ | 年``. Digits inside Latin words (``5G``, ``G20``) are left to the dictionary.
* **Protected words** are never cut, whatever their context: every entry of ``extra_words``,
  every entry of user lexicon files (unless ``protect_lexicons=False``) and the entries of
  the domain lexicon tagged ``slogan``. Among overlapping protected words the leftmost,
  then longest, wins.
* **Whitespace** runs are one token each; joined, the tokens give the text back exactly.

Everything else is jieba's algorithm (prefix DAG, maximum-probability route, HMM for
unknown words). ``algorithm="fast"`` (the default) runs it in Rust with rjieba (jieba-rs)
over the same dictionary and lexicons, with a memo of text blocks: a whole
``corpus-tools segment`` job takes about a third of the CPU of a plain ``jieba.lcut`` script
(benchmarks/bench_segment_job.py); where rjieba is not installed it runs a port of jieba's
algorithm to Python. ``algorithm="jieba"`` runs ``jieba.Tokenizer.cut`` on the same pieces
instead; the tests check that all give the same tokens (same arithmetic, same
tie-breaking).

The modules, from the cutting up:

==============  =========================================================================
``hmm``         jieba's HMM for unknown words (a Viterbi with back-pointers)
``lexicons``    jieba's dictionary (compiled on disk) and lexicon files
``core``        a loaded dictionary (Rust or Python) and the rules applied before it
``segmenter``   :class:`Segmenter`, :func:`is_content_token`, the scikit-learn adapter
``cache``       the on-disk cache of token ids, read and written by the caller only
``corpus``      :func:`segment_corpus` on any engine (:mod:`corpus_tools.engine`), gensim
``stopwords``   the genre's stopwords
==============  =========================================================================

Examples
--------
>>> from corpus_tools.tokens import Segmenter, segment_corpus
>>> seg = Segmenter()
>>> seg.cut("坚持三会一课制度，XX社区X-X月完成")
['坚持', '三会一课', '制度', '，', 'XX', '社区', 'X-X', '月', '完成']
>>> segment_corpus(["落实一征三议两公开", "２０２３年"], cache=False)
[['落实', '一征三议两公开'], ['２０２３', '年']]
"""

from corpus_tools.tokens.cache import default_cache_dir as default_cache_dir
from corpus_tools.tokens.corpus import gensim_corpus as gensim_corpus
from corpus_tools.tokens.corpus import segment_corpus as segment_corpus
from corpus_tools.tokens.corpus import segment_corpus_dask as segment_corpus_dask
from corpus_tools.tokens.segmenter import Segmenter as Segmenter
from corpus_tools.tokens.segmenter import SklearnTokenizer as SklearnTokenizer
from corpus_tools.tokens.segmenter import as_segmenter as as_segmenter
from corpus_tools.tokens.segmenter import check_stopwords as check_stopwords
from corpus_tools.tokens.segmenter import is_content_token as is_content_token
from corpus_tools.tokens.stopwords import STOPWORD_KINDS as STOPWORD_KINDS
from corpus_tools.tokens.stopwords import load_stopwords as load_stopwords
