"""Each group of exact or near-exact copies counted once: :func:`unique_corpus`.

Reports are submitted twice, pasted into a collection six times, reposted with a changed
date. Counted as they stand, each copy adds its slogans, placeholders and keywords again:
the six copies of one report in seed 003 make 三社联动 40 occurrences where the distinct
texts hold 10. :func:`unique_corpus` keeps one document of each group of copies (the first
in corpus order) and says how many it stands for, so that any corpus-level statistic is
computed on distinct texts::

    ct.mine_slogans(ct.unique_corpus(docs))

Groups are the connected components of the pairs :func:`corpus_tools.dedup.find_near_duplicates`
finds to be ``duplicate`` (the same text once width, punctuation, numbers and placeholders
are folded) or ``near-duplicate`` with a Jaccard similarity of at least ``threshold``.
A contained excerpt or a partial copy is not a copy of the whole: it is kept.

Examples
--------
>>> import corpus_tools as ct
>>> docs = ct.load_corpus("data/raw", split="auto").documents
>>> unique = unique_corpus(docs)
>>> len(docs), len(unique), int(unique["copies"].sum())
(13, 8, 13)
>>> copies_note(unique)
'6 copies of one document counted once'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.dedup.search import find_near_duplicates
from corpus_tools.dedup.verify import DedupResult, connected_components
from corpus_tools.errors import InvalidParameterError, check_number, check_type, param_error
from corpus_tools.io import as_corpus

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["COPY_COLUMNS", "UNIQUE_THRESHOLD", "copies_note", "unique_corpus"]

#: Jaccard similarity of character shingles from which two documents are near-exact copies
#: (a resubmission with a changed date or a name filled in; a report that reuses half of
#: another is a partial copy, not a copy).
UNIQUE_THRESHOLD = 0.9
#: The columns :func:`unique_corpus` adds.
COPY_COLUMNS = ("copies", "copy_ids")


def _group_labels(
    ids: Sequence[str], duplicates: DedupResult, threshold: float, func: str
) -> npt.NDArray[np.int64]:
    """``labels[i]``: the position in ``ids`` of the first document of ``ids[i]``'s group of
    copies (``i`` itself for a document without copy). Pairs that name a document not in
    ``ids`` are refused."""
    pos = {d: i for i, d in enumerate(ids)}
    pairs = duplicates.pairs
    if pairs.empty:
        return np.arange(len(pos), dtype=np.int64)
    relation, similarity = pairs["relation"], pairs["similarity"].astype("float64")
    close = pairs[
        (relation == "duplicate") | ((relation == "near-duplicate") & (similarity >= threshold))
    ]
    edges = []
    for a, b in zip(close["a"].astype(str), close["b"].astype(str), strict=True):
        if a not in pos or b not in pos:
            missing = a if a not in pos else b
            raise InvalidParameterError(
                f"The 'duplicates' parameter of {func} must be find_near_duplicates of this "
                f"corpus. Got a pair naming doc_id {missing!r}, not in the corpus, instead."
            )
        edges.append((pos[a], pos[b]))
    return connected_components(len(pos), np.array(edges, dtype=np.int64).reshape(-1, 2))


def unique_corpus(
    corpus: Any,
    *,
    threshold: float = UNIQUE_THRESHOLD,
    duplicates: DedupResult | None = None,
    progress: bool | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The corpus with each group of exact or near-exact copies collapsed to one document.

    Parameters
    ----------
    corpus : pandas.DataFrame, dict or list
        A corpus table with unique ``doc_id`` and ``text`` (:func:`corpus_tools.load_corpus`),
        a dict ``{doc_id: text}`` or a list of texts. Not modified.
    threshold : float, default 0.9
        Jaccard similarity of character shingles from which two documents are copies of one
        another (identical folded texts always are). Lower it to collapse looser
        near-duplicates (0.5 is :func:`~corpus_tools.dedup.find_near_duplicates`' own).
    duplicates : DedupResult, optional
        :func:`~corpus_tools.dedup.find_near_duplicates` of this corpus, when you have it
        (computed with a threshold at most ``threshold``; its default is): it is not
        computed again.
    progress : bool or None, default None
        Progress bar of the near-duplicate search (None: on a terminal or in a notebook,
        when it takes more than a moment).
    seed : int, default 0
        Seed of the near-duplicate search's hashing.

    Returns
    -------
    pandas.DataFrame
        One row per group of copies and per document without copy, in corpus order: the
        first document of each group (its columns as given), and

        - ``copies`` (int64): the documents the row stands for, itself included (1 for a
          document without copy);
        - ``copy_ids`` (object, list of str): the ``doc_id`` of the other documents of its
          group, in corpus order (empty for a document without copy).

        ``copies`` sums to the number of documents of ``corpus``. A corpus that already has
        these columns (collapsed before) adds them up, so collapsing twice changes nothing.

    Raises
    ------
    InvalidParameterError
        For a bad argument (no ``doc_id``/``text``, a duplicate ``doc_id``, ``threshold``
        outside [0, 1], ``duplicates`` of other documents).

    See Also
    --------
    copies_note : the sentence that says how many copies were collapsed.

    Examples
    --------
    Count the slogans of distinct texts, not of every copy:

    >>> import corpus_tools as ct
    >>> docs = ct.load_corpus("data/raw", split="auto").documents
    >>> unique = unique_corpus(docs)
    >>> unique.loc[unique["copies"] > 1, ["doc_id", "copies"]].values.tolist()
    [['003_9b7675b2e4522a57.txt:4', 6]]
    >>> slogans = ct.mine_slogans(unique)
    >>> slogans.set_index("slogan").loc["三社联动", "count"]
    np.int64(10)
    """
    func = "unique_corpus"
    frame = as_corpus(corpus, func)
    check_number(threshold, "threshold", func, low=0, high=1)
    if duplicates is None:
        duplicates = find_near_duplicates(frame, threshold=threshold, progress=progress, seed=seed)
    else:
        check_type(duplicates, "duplicates", func, DedupResult, "a DedupResult or None")
    ids = [str(d) for d in frame["doc_id"].tolist()]
    labels = _group_labels(ids, duplicates, threshold, func)
    weights = _weights(frame)
    previous = _previous_ids(frame)
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(i)
    keep = sorted(members)  # the first of each group: its label is its own position
    copies = [int(sum(weights[i] for i in members[k])) for k in keep]
    copy_ids = [
        [*previous[k], *(d for i in members[k][1:] for d in (ids[i], *previous[i]))] for k in keep
    ]
    out = frame.iloc[keep].drop(columns=[c for c in COPY_COLUMNS if c in frame.columns])
    out = out.reset_index(drop=True)
    out["copies"] = pd.Series(copies, dtype="int64")
    out["copy_ids"] = pd.Series(copy_ids, dtype=object)
    return out


def _weights(frame: pd.DataFrame) -> list[int]:
    """The documents each row already stands for (1, or ``copies`` of a collapsed corpus)."""
    if "copies" not in frame.columns:
        return [1] * len(frame)
    return [int(c) for c in frame["copies"].tolist()]


def _previous_ids(frame: pd.DataFrame) -> list[list[str]]:
    """The ``copy_ids`` each row already holds (none, unless the corpus was collapsed)."""
    if "copy_ids" not in frame.columns:
        return [[] for _ in range(len(frame))]
    return [[str(d) for d in ids] if ids is not None else [] for ids in frame["copy_ids"]]


def copies_note(unique: pd.DataFrame, *, noun: str = "document") -> str:
    """One line on what :func:`unique_corpus` collapsed: ``"6 copies of one document
    counted once"``, ``"9 copies of 3 documents counted once each"``, or ``"no copies"``.

    Examples
    --------
    >>> copies_note(pd.DataFrame({"doc_id": ["a", "b", "c"], "copies": [6, 1, 3]}))
    '9 copies of 2 documents counted once each'
    >>> copies_note(pd.DataFrame({"doc_id": ["a"], "copies": [6]}), noun="report")
    '6 copies of one report counted once'
    """
    func = "copies_note"
    if not isinstance(unique, pd.DataFrame) or "copies" not in unique.columns:
        raise param_error("unique", func, "a table from unique_corpus (with 'copies')", unique)
    check_type(noun, "noun", func, str, "a str")
    copies = unique["copies"].to_numpy(dtype=np.int64)
    groups = copies[copies > 1]
    if len(groups) == 0:
        return "no copies"
    total = int(groups.sum())
    if len(groups) == 1:
        return f"{total} copies of one {noun} counted once"
    return f"{total} copies of {len(groups)} {noun}s counted once each"
