"""corpus_tools: measure templates, slogans, boilerplate and copying in Chinese report corpora.

>>> import corpus_tools as ct
>>> docs = ct.load_corpus("data/raw").documents          # doctest: +SKIP

Public names are imported on first use, so ``import corpus_tools`` stays fast and loads
neither jieba nor scikit-learn until a capability needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "CorpusToolsError": "errors",
    "InvalidParameterError": "errors",
    "InputReadError": "errors",
    "NoDocumentsError": "errors",
    "IndexFormatError": "errors",
    "NotFittedError": "errors",
    "OutputError": "errors",
    # io
    "load_corpus": "io",
    "load_texts": "io",
    "stream_corpus": "io",
    "CorpusStream": "io",
    "LoadResult": "io",
    "write_table": "io",
    "atomic_write": "io",
    # normalisation
    "normalize": "normalize",
    "fold": "normalize",
    "Normalized": "normalize",
    "NormalizeConfig": "normalize",
    # structure
    "parse_sections": "structure",
    "sections": "structure",
    "find_title": "structure",
    "inspect": "structure",
    # placeholders
    "find_placeholders": "placeholders",
    "placeholder_spans": "placeholders",
    "template_sections": "placeholders",
    "template_scores": "placeholders",
    "scan_placeholders": "placeholders",
    "PlaceholderReport": "placeholders",
    # segmentation
    "Segmenter": "segment",
    "segment_corpus": "segment",
    "gensim_corpus": "segment",
    "is_content_token": "segment",
    "SklearnTokenizer": "segment",
    "default_cache_dir": "segment",
    "load_stopwords": "stopwords",
    "STOPWORD_KINDS": "stopwords",
    # slogans
    "mine_slogans": "slogans",
    "slogan_occurrences": "slogans",
    "slogans_by": "slogans",
    "slogan_family": "slogans",
    "to_lexicon": "slogans",
    # near-duplicates
    "find_near_duplicates": "dedup",
    "DedupConfig": "dedup",
    "DedupResult": "dedup",
    "copied_passages": "dedup",
    "document_features": "dedup",
    "DedupIndex": "dedup_index",
    "FlagReport": "dedup_index",
    "flag_submissions": "dedup_index",
    "fold_for_matching": "shingles",
    # keywords
    "keyword_table": "keywords",
    "keyness": "keywords",
    "kwic": "keywords",
    # topics
    "fit_topics": "topics",
    "topic_features": "topics",
    "topic_shares": "topics",
    "TopicResult": "topics",
    # scale-out on Dask
    "segment_corpus_dask": "distributed",
    "keyword_table_dask": "distributed",
    "find_near_duplicates_dask": "distributed",
    "get_client": "distributed",
    # figures and the HTML report
    "build_report": "report",
    "write_report": "report",
    "ReportSummary": "report",
    "FontNotFoundError": "plots",
    "find_cjk_font": "plots",
    "apply_cjk_font": "plots",
    "plot_document_sizes": "plots",
    "plot_keywords": "plots",
    "plot_keyword_trends": "plots",
    "plot_slogans": "plots",
    "plot_placeholder_density": "plots",
    "plot_duplicates": "plots",
    "plot_originality": "plots",
    "plot_topic_terms": "plots",
    "plot_topic_shares": "plots",
    # boilerplate
    "find_boilerplate": "boilerplate",
    "find_watermarks": "boilerplate",
    "strip_boilerplate": "boilerplate",
    "strip_spans": "boilerplate",
    "BoilerplateResult": "boilerplate",
    "OffsetMap": "boilerplate",
}

__all__ = [*sorted(_EXPORTS), "__version__"]  # noqa: PLE0604


# ``normalize`` is both a submodule and its main function: bind the function now, so that
# importing the submodule later (which sets the package attribute only on first import)
# cannot leave ``ct.normalize`` pointing at the module.
from corpus_tools.normalize import normalize as normalize  # noqa: E402

#: submodules reachable as attributes (``ct.plots.plot_slogans``)
_SUBMODULES = frozenset(
    {
        "boilerplate",
        "dedup",
        "dedup_index",
        "distributed",
        "io",
        "keywords",
        "placeholders",
        "plots",
        "report",
        "segment",
        "slogans",
        "stopwords",
        "structure",
        "topics",
    }
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"corpus_tools.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'corpus_tools' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"corpus_tools.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
