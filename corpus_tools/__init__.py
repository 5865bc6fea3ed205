"""corpus_tools: measure templates, slogans, boilerplate and copying in Chinese report corpora.

>>> import corpus_tools as ct
>>> ct.find_near_duplicates(["坚持党建引领。" * 4, "坚持党建引领！" * 4]).pairs["relation"].tolist()
['duplicate']

The package is layered; imports only go downward (``tests/test_layers.py`` checks it)::

    cli/            thin click commands over the functions below
    present/        plots and the HTML report
    keywords/ topics/                     analyses that count tokens
    slogans/ formulas/ boilerplate/ dedup/   detectors of what reports share
    tokens/         segmentation, its cache, stopwords
    text/           normalisation, structure, placeholders, places, folding for matching
    io/             loading files into the corpus table, writing outputs
    engine/         where jobs run: local processes or a Dask cluster (the only Dask importer)
    progress        progress bars
    errors version  the exceptions and argument checks every layer uses

Every public name below is a real, typed name to a type checker; at run time it is
imported on first use, so ``import corpus_tools`` (and ``corpus-tools --help``) loads
neither pandas nor jieba until a function needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus_tools.exports import lazy_exports
from corpus_tools.version import __version__ as __version__

if TYPE_CHECKING:
    from corpus_tools.boilerplate import BoilerplateResult as BoilerplateResult
    from corpus_tools.boilerplate import OffsetMap as OffsetMap
    from corpus_tools.boilerplate import find_boilerplate as find_boilerplate
    from corpus_tools.boilerplate import find_watermarks as find_watermarks
    from corpus_tools.boilerplate import strip_boilerplate as strip_boilerplate
    from corpus_tools.boilerplate import strip_spans as strip_spans
    from corpus_tools.dedup import DedupConfig as DedupConfig
    from corpus_tools.dedup import DedupIndex as DedupIndex
    from corpus_tools.dedup import DedupResult as DedupResult
    from corpus_tools.dedup import FlagReport as FlagReport
    from corpus_tools.dedup import IndexCheck as IndexCheck
    from corpus_tools.dedup import IndexRepair as IndexRepair
    from corpus_tools.dedup import check_index as check_index
    from corpus_tools.dedup import copied_passages as copied_passages
    from corpus_tools.dedup import copies_note as copies_note
    from corpus_tools.dedup import document_features as document_features
    from corpus_tools.dedup import find_near_duplicates as find_near_duplicates
    from corpus_tools.dedup import find_near_duplicates_dask as find_near_duplicates_dask
    from corpus_tools.dedup import find_residue as find_residue
    from corpus_tools.dedup import flag_submissions as flag_submissions
    from corpus_tools.dedup import repair_index as repair_index
    from corpus_tools.dedup import unique_corpus as unique_corpus
    from corpus_tools.engine import DaskEngine as DaskEngine
    from corpus_tools.engine import Engine as Engine
    from corpus_tools.engine import LocalEngine as LocalEngine
    from corpus_tools.engine import get_client as get_client
    from corpus_tools.errors import CorpusToolsError as CorpusToolsError
    from corpus_tools.errors import EngineError as EngineError
    from corpus_tools.errors import IndexBusyError as IndexBusyError
    from corpus_tools.errors import IndexChangedError as IndexChangedError
    from corpus_tools.errors import IndexFormatError as IndexFormatError
    from corpus_tools.errors import InputReadError as InputReadError
    from corpus_tools.errors import InvalidParameterError as InvalidParameterError
    from corpus_tools.errors import NoDocumentsError as NoDocumentsError
    from corpus_tools.errors import NotFittedError as NotFittedError
    from corpus_tools.errors import OutputError as OutputError
    from corpus_tools.formulas import FormulaResult as FormulaResult
    from corpus_tools.formulas import find_formulas as find_formulas
    from corpus_tools.io import CorpusStream as CorpusStream
    from corpus_tools.io import LoadResult as LoadResult
    from corpus_tools.io import atomic_write as atomic_write
    from corpus_tools.io import load_corpus as load_corpus
    from corpus_tools.io import load_texts as load_texts
    from corpus_tools.io import stream_corpus as stream_corpus
    from corpus_tools.io import write_table as write_table
    from corpus_tools.keywords import formula_table as formula_table
    from corpus_tools.keywords import keyness as keyness
    from corpus_tools.keywords import keyword_table as keyword_table
    from corpus_tools.keywords import keyword_table_dask as keyword_table_dask
    from corpus_tools.keywords import kwic as kwic
    from corpus_tools.present import Findings as Findings
    from corpus_tools.present import FontNotFoundError as FontNotFoundError
    from corpus_tools.present import ReportData as ReportData
    from corpus_tools.present import ReportOptions as ReportOptions
    from corpus_tools.present import ReportSummary as ReportSummary
    from corpus_tools.present import apply_cjk_font as apply_cjk_font
    from corpus_tools.present import build_report as build_report
    from corpus_tools.present import collect_report_data as collect_report_data
    from corpus_tools.present import document_scorecard as document_scorecard
    from corpus_tools.present import find_cjk_font as find_cjk_font
    from corpus_tools.present import plot_document_sizes as plot_document_sizes
    from corpus_tools.present import plot_duplicates as plot_duplicates
    from corpus_tools.present import plot_formula_heatmap as plot_formula_heatmap
    from corpus_tools.present import plot_formula_timeline as plot_formula_timeline
    from corpus_tools.present import plot_keyword_trends as plot_keyword_trends
    from corpus_tools.present import plot_keywords as plot_keywords
    from corpus_tools.present import plot_originality as plot_originality
    from corpus_tools.present import plot_placeholder_density as plot_placeholder_density
    from corpus_tools.present import plot_slogans as plot_slogans
    from corpus_tools.present import plot_topic_shares as plot_topic_shares
    from corpus_tools.present import plot_topic_terms as plot_topic_terms
    from corpus_tools.present import render_flag_html as render_flag_html
    from corpus_tools.present import render_report as render_report
    from corpus_tools.present import report_findings as report_findings
    from corpus_tools.present import write_flag_html as write_flag_html
    from corpus_tools.present import write_report as write_report
    from corpus_tools.slogans import mine_slogans as mine_slogans
    from corpus_tools.slogans import slogan_family as slogan_family
    from corpus_tools.slogans import slogan_occurrences as slogan_occurrences
    from corpus_tools.slogans import slogans_by as slogans_by
    from corpus_tools.slogans import to_lexicon as to_lexicon
    from corpus_tools.text import NormalizeConfig as NormalizeConfig
    from corpus_tools.text import Normalized as Normalized
    from corpus_tools.text import Place as Place
    from corpus_tools.text import PlaceholderReport as PlaceholderReport
    from corpus_tools.text import belongs_to as belongs_to
    from corpus_tools.text import find_placeholders as find_placeholders
    from corpus_tools.text import find_places as find_places
    from corpus_tools.text import find_title as find_title
    from corpus_tools.text import fold as fold
    from corpus_tools.text import fold_for_matching as fold_for_matching
    from corpus_tools.text import fold_many as fold_many
    from corpus_tools.text import infer_place as infer_place
    from corpus_tools.text import inspect as inspect
    from corpus_tools.text import lookup_place as lookup_place
    from corpus_tools.text import normalize as normalize
    from corpus_tools.text import parse_sections as parse_sections
    from corpus_tools.text import placeholder_spans as placeholder_spans
    from corpus_tools.text import scan_placeholders as scan_placeholders
    from corpus_tools.text import sections as sections
    from corpus_tools.text import template_scores as template_scores
    from corpus_tools.text import template_sections as template_sections
    from corpus_tools.tokens import STOPWORD_KINDS as STOPWORD_KINDS
    from corpus_tools.tokens import Segmenter as Segmenter
    from corpus_tools.tokens import SklearnTokenizer as SklearnTokenizer
    from corpus_tools.tokens import default_cache_dir as default_cache_dir
    from corpus_tools.tokens import gensim_corpus as gensim_corpus
    from corpus_tools.tokens import is_content_token as is_content_token
    from corpus_tools.tokens import load_stopwords as load_stopwords
    from corpus_tools.tokens import segment_corpus as segment_corpus
    from corpus_tools.tokens import segment_corpus_dask as segment_corpus_dask
    from corpus_tools.topics import TopicModel as TopicModel
    from corpus_tools.topics import TopicResult as TopicResult
    from corpus_tools.topics import boilerplate_min_docs as boilerplate_min_docs
    from corpus_tools.topics import fit_topics as fit_topics
    from corpus_tools.topics import topic_features as topic_features
    from corpus_tools.topics import topic_shares as topic_shares
else:
    #: public name -> the subpackage or module that exports it (the same names as above;
    #: tests/test_api.py checks that the two lists agree)
    _EXPORTS = {
        "fold_many": "corpus_tools.text",
        "Findings": "corpus_tools.present",
        "report_findings": "corpus_tools.present",
        "document_scorecard": "corpus_tools.present",
        "copies_note": "corpus_tools.dedup",
        "unique_corpus": "corpus_tools.dedup",
        "render_flag_html": "corpus_tools.present",
        "write_flag_html": "corpus_tools.present",
        "find_near_duplicates_dask": "corpus_tools.dedup",
        "keyword_table_dask": "corpus_tools.keywords",
        "segment_corpus_dask": "corpus_tools.tokens",
        "EngineError": "corpus_tools.errors",
        "get_client": "corpus_tools.engine",
        "DaskEngine": "corpus_tools.engine",
        "LocalEngine": "corpus_tools.engine",
        "Engine": "corpus_tools.engine",
        "plot_formula_timeline": "corpus_tools.present",
        "plot_formula_heatmap": "corpus_tools.present",
        "formula_table": "corpus_tools.keywords",
        "find_residue": "corpus_tools.dedup",
        "lookup_place": "corpus_tools.text",
        "belongs_to": "corpus_tools.text",
        "infer_place": "corpus_tools.text",
        "find_places": "corpus_tools.text",
        "Place": "corpus_tools.text",
        "FormulaResult": "corpus_tools.formulas",
        "find_formulas": "corpus_tools.formulas",
        "IndexRepair": "corpus_tools.dedup",
        "IndexCheck": "corpus_tools.dedup",
        "repair_index": "corpus_tools.dedup",
        "check_index": "corpus_tools.dedup",
        "IndexChangedError": "corpus_tools.errors",
        "IndexBusyError": "corpus_tools.errors",
        "render_report": "corpus_tools.present",
        "collect_report_data": "corpus_tools.present",
        "ReportOptions": "corpus_tools.present",
        "ReportData": "corpus_tools.present",
        "boilerplate_min_docs": "corpus_tools.topics",
        "TopicModel": "corpus_tools.topics",
        "CorpusToolsError": "corpus_tools.errors",
        "InvalidParameterError": "corpus_tools.errors",
        "InputReadError": "corpus_tools.errors",
        "NoDocumentsError": "corpus_tools.errors",
        "IndexFormatError": "corpus_tools.errors",
        "NotFittedError": "corpus_tools.errors",
        "OutputError": "corpus_tools.errors",
        "load_corpus": "corpus_tools.io",
        "load_texts": "corpus_tools.io",
        "stream_corpus": "corpus_tools.io",
        "CorpusStream": "corpus_tools.io",
        "LoadResult": "corpus_tools.io",
        "write_table": "corpus_tools.io",
        "atomic_write": "corpus_tools.io",
        "normalize": "corpus_tools.text",
        "fold": "corpus_tools.text",
        "Normalized": "corpus_tools.text",
        "NormalizeConfig": "corpus_tools.text",
        "parse_sections": "corpus_tools.text",
        "sections": "corpus_tools.text",
        "find_title": "corpus_tools.text",
        "inspect": "corpus_tools.text",
        "find_placeholders": "corpus_tools.text",
        "placeholder_spans": "corpus_tools.text",
        "template_sections": "corpus_tools.text",
        "template_scores": "corpus_tools.text",
        "scan_placeholders": "corpus_tools.text",
        "PlaceholderReport": "corpus_tools.text",
        "fold_for_matching": "corpus_tools.text",
        "Segmenter": "corpus_tools.tokens",
        "segment_corpus": "corpus_tools.tokens",
        "gensim_corpus": "corpus_tools.tokens",
        "is_content_token": "corpus_tools.tokens",
        "SklearnTokenizer": "corpus_tools.tokens",
        "default_cache_dir": "corpus_tools.tokens",
        "load_stopwords": "corpus_tools.tokens",
        "STOPWORD_KINDS": "corpus_tools.tokens",
        "mine_slogans": "corpus_tools.slogans",
        "slogan_occurrences": "corpus_tools.slogans",
        "slogans_by": "corpus_tools.slogans",
        "slogan_family": "corpus_tools.slogans",
        "to_lexicon": "corpus_tools.slogans",
        "find_boilerplate": "corpus_tools.boilerplate",
        "find_watermarks": "corpus_tools.boilerplate",
        "strip_boilerplate": "corpus_tools.boilerplate",
        "strip_spans": "corpus_tools.boilerplate",
        "BoilerplateResult": "corpus_tools.boilerplate",
        "OffsetMap": "corpus_tools.boilerplate",
        "find_near_duplicates": "corpus_tools.dedup",
        "DedupConfig": "corpus_tools.dedup",
        "DedupResult": "corpus_tools.dedup",
        "copied_passages": "corpus_tools.dedup",
        "document_features": "corpus_tools.dedup",
        "DedupIndex": "corpus_tools.dedup",
        "FlagReport": "corpus_tools.dedup",
        "flag_submissions": "corpus_tools.dedup",
        "keyword_table": "corpus_tools.keywords",
        "keyness": "corpus_tools.keywords",
        "kwic": "corpus_tools.keywords",
        "fit_topics": "corpus_tools.topics",
        "topic_features": "corpus_tools.topics",
        "topic_shares": "corpus_tools.topics",
        "TopicResult": "corpus_tools.topics",
        "build_report": "corpus_tools.present",
        "write_report": "corpus_tools.present",
        "ReportSummary": "corpus_tools.present",
        "FontNotFoundError": "corpus_tools.present",
        "find_cjk_font": "corpus_tools.present",
        "apply_cjk_font": "corpus_tools.present",
        "plot_document_sizes": "corpus_tools.present",
        "plot_keywords": "corpus_tools.present",
        "plot_keyword_trends": "corpus_tools.present",
        "plot_slogans": "corpus_tools.present",
        "plot_placeholder_density": "corpus_tools.present",
        "plot_duplicates": "corpus_tools.present",
        "plot_originality": "corpus_tools.present",
        "plot_topic_terms": "corpus_tools.present",
        "plot_topic_shares": "corpus_tools.present",
    }

    #: subpackages reachable as attributes before they are imported (``ct.dedup.DedupIndex``)
    _SUBPACKAGES = frozenset(
        {
            "boilerplate",
            "cli",
            "dedup",
            "errors",
            "io",
            "keywords",
            "present",
            "progress",
            "slogans",
            "text",
            "tokens",
            "topics",
            "engine",
        }
    )

    __getattr__, __dir__ = lazy_exports(
        __name__, _EXPORTS, globals(), subpackages=_SUBPACKAGES, extra=("__version__",)
    )


__all__ = [
    "STOPWORD_KINDS",
    "BoilerplateResult",
    "CorpusStream",
    "CorpusToolsError",
    "DaskEngine",
    "DedupConfig",
    "DedupIndex",
    "DedupResult",
    "Engine",
    "EngineError",
    "Findings",
    "FlagReport",
    "FontNotFoundError",
    "FormulaResult",
    "IndexBusyError",
    "IndexChangedError",
    "IndexCheck",
    "IndexFormatError",
    "IndexRepair",
    "InputReadError",
    "InvalidParameterError",
    "LoadResult",
    "LocalEngine",
    "NoDocumentsError",
    "NormalizeConfig",
    "Normalized",
    "NotFittedError",
    "OffsetMap",
    "OutputError",
    "Place",
    "PlaceholderReport",
    "ReportData",
    "ReportOptions",
    "ReportSummary",
    "Segmenter",
    "SklearnTokenizer",
    "TopicModel",
    "TopicResult",
    "__version__",
    "apply_cjk_font",
    "atomic_write",
    "belongs_to",
    "boilerplate_min_docs",
    "build_report",
    "check_index",
    "collect_report_data",
    "copied_passages",
    "copies_note",
    "default_cache_dir",
    "document_features",
    "document_scorecard",
    "find_boilerplate",
    "find_cjk_font",
    "find_formulas",
    "find_near_duplicates",
    "find_near_duplicates_dask",
    "find_placeholders",
    "find_places",
    "find_residue",
    "find_title",
    "find_watermarks",
    "fit_topics",
    "flag_submissions",
    "fold",
    "fold_for_matching",
    "fold_many",
    "formula_table",
    "gensim_corpus",
    "get_client",
    "infer_place",
    "inspect",
    "is_content_token",
    "keyness",
    "keyword_table",
    "keyword_table_dask",
    "kwic",
    "load_corpus",
    "load_stopwords",
    "load_texts",
    "lookup_place",
    "mine_slogans",
    "normalize",
    "parse_sections",
    "placeholder_spans",
    "plot_document_sizes",
    "plot_duplicates",
    "plot_formula_heatmap",
    "plot_formula_timeline",
    "plot_keyword_trends",
    "plot_keywords",
    "plot_originality",
    "plot_placeholder_density",
    "plot_slogans",
    "plot_topic_shares",
    "plot_topic_terms",
    "render_flag_html",
    "render_report",
    "repair_index",
    "report_findings",
    "scan_placeholders",
    "sections",
    "segment_corpus",
    "segment_corpus_dask",
    "slogan_family",
    "slogan_occurrences",
    "slogans_by",
    "stream_corpus",
    "strip_boilerplate",
    "strip_spans",
    "template_scores",
    "template_sections",
    "to_lexicon",
    "topic_features",
    "topic_shares",
    "unique_corpus",
    "write_flag_html",
    "write_report",
    "write_table",
]
