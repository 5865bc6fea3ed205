"""What a researcher joins on, beside each pair and cluster: the documents' titles and metadata.

:func:`find_near_duplicates` names documents by ``doc_id``; a researcher reading its pairs
wants to see which reports they are (title, year, province) without merging by hand.
:func:`with_fields` adds the corpus's fields to a result: ``title_a``, ``title_b``,
``year_a``, ``year_b`` ... after the columns of each pair, and ``title``, ``year`` ... after
those of each cluster member.

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_corpus("data/raw/003_9b7675b2e4522a57.txt", split="lines").documents
>>> pairs = ct.find_near_duplicates(docs).pairs
>>> pairs[["a", "b", "line_a", "line_b"]].head(2).values.tolist()
[['003_9b7675b2e4522a57.txt:4', '003_9b7675b2e4522a57.txt:5', 4, 5], \
['003_9b7675b2e4522a57.txt:4', '003_9b7675b2e4522a57.txt:6', 4, 6]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from corpus_tools.errors import InvalidParameterError, param_error

if TYPE_CHECKING:
    import pandas as pd

    from corpus_tools.dedup.verify import DedupResult

__all__ = ["FIELD_WIDTH", "MAX_FIELDS", "NOT_FIELDS", "metadata_fields", "with_fields"]

#: Columns of a corpus that are not metadata to carry beside a document.
NOT_FIELDS = ("doc_id", "text", "source", "copies", "copy_ids")
#: ``keep="auto"`` carries ``title`` and at most this many other fields ...
MAX_FIELDS = 4
#: ... whose values are this short at most (year, province, doc_type; not URLs or paths).
FIELD_WIDTH = 24


def metadata_fields(
    frame: pd.DataFrame,
    *,
    exclude: Sequence[str] = NOT_FIELDS,
    limit: int = MAX_FIELDS,
) -> list[str]:
    """The metadata columns of ``frame`` worth carrying beside a document, in its order:
    short values (year, province, doc_type), not URLs, paths or texts; at most ``limit``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"doc_id": ["a"], "text": ["…"], "year": [2024],
    ...                       "url": ["https://www.gov.cn/zhengce/content/2024-01/1.htm"]})
    >>> metadata_fields(frame)
    ['year']
    """
    out = []
    for name in frame.columns:
        if name in exclude:
            continue
        values = frame[name].dropna()
        if not len(values) or isinstance(values.iloc[0], (list, tuple, dict)):
            continue
        if int(values.astype(str).str.len().max()) <= FIELD_WIDTH:
            out.append(str(name))
    return out[:limit]


def chosen_fields(frame: pd.DataFrame, keep: Any, func: str) -> list[str]:
    """The fields ``keep`` names (``"auto"``: title and the short metadata fields; None:
    none), checked against the columns of ``frame``."""
    if keep is None:
        return []
    if isinstance(keep, str) and keep == "auto":
        title = ["title"] if "title" in frame.columns else []
        return title + metadata_fields(frame, exclude=(*NOT_FIELDS, "title"))
    names = [keep] if isinstance(keep, str) else keep
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise param_error("keep", func, '"auto", a field name, a list of them or None', keep)
    missing = [n for n in names if n not in frame.columns or n in ("doc_id", "text")]
    if missing:
        raise InvalidParameterError(
            f"The 'keep' parameter of {func} must name fields of the corpus. "
            f"Got {missing[0]!r}, not among {sorted(map(str, frame.columns))}, instead."
        )
    return list(dict.fromkeys(names))


def with_fields(result: DedupResult, corpus: pd.DataFrame, fields: Sequence[str]) -> DedupResult:
    """``result`` with the ``fields`` of ``corpus`` beside each document: ``<field>_a`` and
    ``<field>_b`` after the columns of ``pairs``, ``<field>`` after those of ``clusters``
    (their dtype as in the corpus). A field named as a column the result has is skipped;
    an empty corpus carries none (an empty stream has no fields to tell)."""
    if not fields or corpus.empty:
        return result
    meta = corpus.assign(doc_id=corpus["doc_id"].astype(str)).drop_duplicates("doc_id")
    meta = meta.set_index("doc_id")[list(fields)]
    pairs, clusters = result.pairs, result.clusters
    pairs = pairs.copy()
    clusters = clusters.copy()
    for name in fields:
        values = meta[name]
        for side in ("a", "b"):
            column = f"{name}_{side}"
            if column not in pairs.columns:
                pairs[column] = values.reindex(pairs[side].astype(str)).set_axis(pairs.index)
        if name not in clusters.columns:
            ids = clusters["doc_id"].astype(str)
            clusters[name] = values.reindex(ids).set_axis(clusters.index)
    return result._replace(pairs=pairs, clusters=clusters)
