"""One row per document: what it is and how it is built (:func:`inspect`)."""

from __future__ import annotations

import pandas as pd

from corpus_tools.errors import check_columns
from corpus_tools.text.structure import find_title, parse_sections

__all__ = [
    "inspect",
]


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + "…"


def inspect(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per document: what it is and how it is built.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id`` (str), ``title`` (str, from the front matter, else the loaded
        title), ``chars`` (int64), ``paragraphs`` (int64, non-empty lines), ``sections``
        (int64, headings of levels 1–4), ``items`` (int64, 一是-style items),
        ``depth`` (int64, deepest heading level used, 0 when none), ``placeholders``
        (int64, unfilled template blanks, see :mod:`corpus_tools.text`), then every metadata
        column of ``corpus`` except ``text``.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> ct.inspect(ct.load_texts({"a": "报告\\n一、做法\\n二、打算"}))[["doc_id", "sections"]]
      doc_id  sections
    0      a         2
    """
    check_columns(corpus, "corpus", "inspect", ["doc_id", "text"])
    from corpus_tools.text.placeholders import find_placeholders

    rows = []
    for raw in corpus.to_dict("records"):
        rec = {str(k): v for k, v in raw.items()}
        text = rec["text"]
        secs = parse_sections(text)
        heads = secs[(secs["level"] >= 1) & (secs["level"] <= 4)]
        title = find_title(text) or _clip(str(rec.get("title") or ""), 30)
        row = {
            "doc_id": rec["doc_id"],
            "title": title,
            "chars": len(text),
            "paragraphs": sum(1 for ln in text.splitlines() if ln.strip()),
            "sections": len(heads),
            "items": int((secs["level"] == 5).sum()),
            "depth": int(heads["level"].max()) if len(heads) else 0,
            "placeholders": len(find_placeholders(text)),
        }
        for k, v in rec.items():
            if k not in row and k not in ("text", "title"):
                row[k] = v
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in ("chars", "paragraphs", "sections", "items", "depth", "placeholders"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    return frame
