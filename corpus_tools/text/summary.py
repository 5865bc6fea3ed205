"""One row per document: what it is and how it is built (:func:`inspect`)."""

from __future__ import annotations

import pandas as pd

from corpus_tools.errors import check_columns
from corpus_tools.io.tables import STRING_DTYPE, with_table_dtypes
from corpus_tools.text.structure import find_title, parse_sections

__all__ = [
    "inspect",
]

#: The columns :func:`inspect` computes, in order (the corpus's metadata columns follow).
SUMMARY_COLUMNS = (
    "doc_id",
    "title",
    "chars",
    "paragraphs",
    "sections",
    "items",
    "depth",
    "placeholders",
    "guessed_title",
)


def inspect(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per document: what it is and how it is built.

    The corpus's own fields are kept as they are: ``title`` is the corpus's ``title`` column
    (a record's title as given, never replaced); the title read off the text's front matter
    is a column of its own, ``guessed_title``.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id`` (string), ``title`` (string, the corpus's ``title`` column as
        given; missing when the corpus has none), ``chars`` (int64, characters of the text as
        loaded, whitespace included: the ``chars`` of
        :func:`corpus_tools.boilerplate.find_boilerplate`'s documents), ``paragraphs`` (int64,
        non-empty lines), ``sections`` (int64, headings of levels 1–4), ``items`` (int64,
        一是-style items), ``depth`` (int64, deepest heading level used, 0 when none),
        ``placeholders`` (int64, unfilled template blanks, see :mod:`corpus_tools.text`),
        ``guessed_title`` (string, the title read off the front matter by
        :func:`corpus_tools.text.find_title`; missing when the text has none), then every
        other column of
        ``corpus`` except ``text``, with its dtype (text columns as ``string[python]``); a
        column of the corpus named as one of these (a record's own ``chars``) is kept as
        ``corpus_<name>``.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> corpus = ct.load_texts({"a": "关于XX社区的报告\\n一、做法\\n二、打算"})
    >>> corpus["title"] = ["给定的标题"]
    >>> ct.inspect(corpus)[["doc_id", "title", "guessed_title", "sections"]].values.tolist()
    [['a', '给定的标题', '关于XX社区的报告', 2]]
    """
    check_columns(corpus, "corpus", "inspect", ["doc_id", "text"])
    from corpus_tools.text.placeholders import find_placeholders

    rows: dict[str, list[object]] = {c: [] for c in SUMMARY_COLUMNS if c != "title"}
    for doc_id, text in zip(corpus["doc_id"].tolist(), corpus["text"].tolist(), strict=True):
        secs = parse_sections(text)
        heads = secs[(secs["level"] >= 1) & (secs["level"] <= 4)]
        rows["doc_id"].append(doc_id)
        rows["guessed_title"].append(find_title(text) or None)
        rows["chars"].append(len(text))
        rows["paragraphs"].append(sum(1 for ln in text.splitlines() if ln.strip()))
        rows["sections"].append(len(heads))
        rows["items"].append(int((secs["level"] == 5).sum()))
        rows["depth"].append(int(heads["level"].max()) if len(heads) else 0)
        rows["placeholders"].append(len(find_placeholders(text)))
    frame = pd.DataFrame(rows)
    for col in SUMMARY_COLUMNS[2:-1]:
        frame[col] = frame[col].astype("int64")
    if "title" in corpus.columns:
        title = corpus["title"].reset_index(drop=True)
    else:
        title = pd.Series(pd.NA, index=frame.index, dtype=STRING_DTYPE)
    frame.insert(1, "title", title)
    others = corpus[[c for c in corpus.columns if c not in ("doc_id", "title", "text")]]
    if others.shape[1]:
        # a field of the corpus named as a computed column (a record's own "chars") is kept
        # as corpus_<name>: nothing of the corpus is dropped or replaced
        renamed = {c: f"corpus_{c}" for c in others.columns if c in SUMMARY_COLUMNS}
        frame = pd.concat([frame, others.reset_index(drop=True).rename(columns=renamed)], axis=1)
    return with_table_dtypes(frame)
