"""The presentation layer: figures that render Chinese, and the self-contained HTML report.

* :mod:`~corpus_tools.present.plots`: ``plot_*`` functions take a table and ``ax=None``, draw
  and return the ``Axes``; the CJK font is found and applied for them.
* The report, in two steps: :func:`collect_report_data` computes its tables, each once
  (:mod:`~corpus_tools.present.data`: a :class:`ReportData`), and :func:`render_report` turns
  them into one HTML page (:mod:`~corpus_tools.present.render`, with the sections in
  :mod:`~corpus_tools.present.sections` and :mod:`~corpus_tools.present.excerpts`, the HTML
  pieces in :mod:`~corpus_tools.present.markup`). :func:`build_report` / :func:`write_report`
  (:mod:`~corpus_tools.present.report`) do both.
* The reviewer's page of a ``flag`` run: :func:`render_flag_html` / :func:`write_flag_html`
  (:mod:`~corpus_tools.present.evidence`).
"""

from corpus_tools.present.data import SECTIONS as SECTIONS
from corpus_tools.present.data import Findings as Findings
from corpus_tools.present.data import ReportData as ReportData
from corpus_tools.present.data import ReportOptions as ReportOptions
from corpus_tools.present.data import collect_report_data as collect_report_data
from corpus_tools.present.data import document_scorecard as document_scorecard
from corpus_tools.present.data import report_findings as report_findings
from corpus_tools.present.evidence import render_flag_html as render_flag_html
from corpus_tools.present.evidence import write_flag_html as write_flag_html
from corpus_tools.present.plots import FontNotFoundError as FontNotFoundError
from corpus_tools.present.plots import apply_cjk_font as apply_cjk_font
from corpus_tools.present.plots import find_cjk_font as find_cjk_font
from corpus_tools.present.plots import plot_document_sizes as plot_document_sizes
from corpus_tools.present.plots import plot_duplicates as plot_duplicates
from corpus_tools.present.plots import plot_formula_heatmap as plot_formula_heatmap
from corpus_tools.present.plots import plot_formula_timeline as plot_formula_timeline
from corpus_tools.present.plots import plot_keyword_trends as plot_keyword_trends
from corpus_tools.present.plots import plot_keywords as plot_keywords
from corpus_tools.present.plots import plot_originality as plot_originality
from corpus_tools.present.plots import plot_placeholder_density as plot_placeholder_density
from corpus_tools.present.plots import plot_slogans as plot_slogans
from corpus_tools.present.plots import plot_topic_shares as plot_topic_shares
from corpus_tools.present.plots import plot_topic_terms as plot_topic_terms
from corpus_tools.present.render import render_report as render_report
from corpus_tools.present.report import ReportSummary as ReportSummary
from corpus_tools.present.report import build_report as build_report
from corpus_tools.present.report import write_report as write_report
