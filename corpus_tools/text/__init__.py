"""The text layer: normalisation with an offset map, report structure, placeholders, folding.

Everything here works on one document's text and returns offsets into the text as loaded:

* :func:`normalize` / :func:`fold` (:mod:`~corpus_tools.text.normalization`): width,
  punctuation, case and space folding, with a map back to the original;
* :func:`parse_sections` / :func:`sections` / :func:`find_title`
  (:mod:`~corpus_tools.text.structure`): front matter and nested headings;
* :func:`find_placeholders` and the template tables (:mod:`~corpus_tools.text.placeholders`):
  unfilled template blanks (XX社区, X个, ×万元);
* :func:`fold_for_matching` and :func:`fold_many` (:mod:`~corpus_tools.text.matching`): the folded code points copy
  detection compares (placeholders and numbers as one wildcard);
* :func:`find_places` / :func:`infer_place` (:mod:`~corpus_tools.text.places`): names of
  China's administrative divisions in a text, and the place a report is about;
* :func:`inspect` (:mod:`~corpus_tools.text.summary`): one row per document.


Every name is imported on first use (``corpus_tools.text.normalize`` loads neither pandas
nor the place tables), and is a real, typed name to a type checker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus_tools.exports import lazy_exports

if TYPE_CHECKING:
    from corpus_tools.text.matching import WILDCARD as WILDCARD
    from corpus_tools.text.matching import Folded as Folded
    from corpus_tools.text.matching import fold_for_matching as fold_for_matching
    from corpus_tools.text.matching import fold_many as fold_many
    from corpus_tools.text.normalization import NormalizeConfig as NormalizeConfig
    from corpus_tools.text.normalization import Normalized as Normalized
    from corpus_tools.text.normalization import fold as fold
    from corpus_tools.text.normalization import fold_keep_spaces as fold_keep_spaces
    from corpus_tools.text.normalization import normalize as normalize
    from corpus_tools.text.patterns import PLACEHOLDER_MARKS as PLACEHOLDER_MARKS
    from corpus_tools.text.patterns import PLACEHOLDER_RUN as PLACEHOLDER_RUN
    from corpus_tools.text.placeholders import PlaceholderReport as PlaceholderReport
    from corpus_tools.text.placeholders import find_placeholders as find_placeholders
    from corpus_tools.text.placeholders import placeholder_spans as placeholder_spans
    from corpus_tools.text.placeholders import scan_placeholders as scan_placeholders
    from corpus_tools.text.placeholders import template_scores as template_scores
    from corpus_tools.text.placeholders import template_sections as template_sections
    from corpus_tools.text.places import PLACE_COLUMNS as PLACE_COLUMNS
    from corpus_tools.text.places import PLACE_LEVELS as PLACE_LEVELS
    from corpus_tools.text.places import Place as Place
    from corpus_tools.text.places import belongs_to as belongs_to
    from corpus_tools.text.places import find_places as find_places
    from corpus_tools.text.places import gazetteer as gazetteer
    from corpus_tools.text.places import infer_place as infer_place
    from corpus_tools.text.places import lookup_place as lookup_place
    from corpus_tools.text.structure import SECTION_COLUMNS as SECTION_COLUMNS
    from corpus_tools.text.structure import find_title as find_title
    from corpus_tools.text.structure import parse_sections as parse_sections
    from corpus_tools.text.structure import sections as sections
    from corpus_tools.text.summary import inspect as inspect

#: public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "WILDCARD": "corpus_tools.text.matching",
    "Folded": "corpus_tools.text.matching",
    "fold_for_matching": "corpus_tools.text.matching",
    "fold_many": "corpus_tools.text.matching",
    "NormalizeConfig": "corpus_tools.text.normalization",
    "Normalized": "corpus_tools.text.normalization",
    "fold": "corpus_tools.text.normalization",
    "fold_keep_spaces": "corpus_tools.text.normalization",
    "normalize": "corpus_tools.text.normalization",
    "PLACEHOLDER_MARKS": "corpus_tools.text.patterns",
    "PLACEHOLDER_RUN": "corpus_tools.text.patterns",
    "PlaceholderReport": "corpus_tools.text.placeholders",
    "find_placeholders": "corpus_tools.text.placeholders",
    "placeholder_spans": "corpus_tools.text.placeholders",
    "scan_placeholders": "corpus_tools.text.placeholders",
    "template_scores": "corpus_tools.text.placeholders",
    "template_sections": "corpus_tools.text.placeholders",
    "PLACE_COLUMNS": "corpus_tools.text.places",
    "PLACE_LEVELS": "corpus_tools.text.places",
    "Place": "corpus_tools.text.places",
    "belongs_to": "corpus_tools.text.places",
    "find_places": "corpus_tools.text.places",
    "gazetteer": "corpus_tools.text.places",
    "infer_place": "corpus_tools.text.places",
    "lookup_place": "corpus_tools.text.places",
    "SECTION_COLUMNS": "corpus_tools.text.structure",
    "find_title": "corpus_tools.text.structure",
    "parse_sections": "corpus_tools.text.structure",
    "sections": "corpus_tools.text.structure",
    "inspect": "corpus_tools.text.summary",
}

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())


__all__ = [
    "PLACEHOLDER_MARKS",
    "PLACEHOLDER_RUN",
    "PLACE_COLUMNS",
    "PLACE_LEVELS",
    "SECTION_COLUMNS",
    "WILDCARD",
    "Folded",
    "NormalizeConfig",
    "Normalized",
    "Place",
    "PlaceholderReport",
    "belongs_to",
    "find_placeholders",
    "find_places",
    "find_title",
    "fold",
    "fold_for_matching",
    "fold_keep_spaces",
    "fold_many",
    "gazetteer",
    "infer_place",
    "inspect",
    "lookup_place",
    "normalize",
    "parse_sections",
    "placeholder_spans",
    "scan_placeholders",
    "sections",
    "template_scores",
    "template_sections",
]
