"""Stripping boilerplate from texts, with a map back to the original offsets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from corpus_tools.boilerplate.repeated import (
    KINDS,
    BoilerplateResult,
    check_corpus,
    check_options,
    find_boilerplate,
)
from corpus_tools.errors import (
    InvalidParameterError,
    check_type,
    param_error,
)

__all__ = [
    "OffsetMap",
    "strip_boilerplate",
    "strip_spans",
]


class OffsetMap(NamedTuple):
    """Map offsets in a stripped text back to the original text.

    The stripped text is the concatenation of ``original[s:e]`` for each row ``(s, e)`` of
    ``pieces``, in order; nothing is inserted between pieces.

    Attributes
    ----------
    pieces : numpy.ndarray of int64, shape (k, 2)
        The kept pieces as ``[start, end)`` offsets into the original text, sorted.
    stripped_starts : numpy.ndarray of int64, shape (k,)
        Where each piece begins in the stripped text.
    original_length : int
        Length of the original text.

    Examples
    --------
    >>> stripped, omap = strip_spans("广告。正文一。广告。正文二。", [(0, 3), (7, 10)])
    >>> stripped, omap.to_original(4, 8)
    ('正文一。正文二。', (10, 14))
    """

    pieces: npt.NDArray[np.int64]
    stripped_starts: npt.NDArray[np.int64]
    original_length: int

    @property
    def stripped_length(self) -> int:
        """Length of the stripped text."""
        if not len(self.pieces):
            return 0
        return int(self.stripped_starts[-1] + self.pieces[-1, 1] - self.pieces[-1, 0])

    def _position(self, pos: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        j = np.searchsorted(self.stripped_starts, pos, side="right") - 1
        return self.pieces[j, 0] + (pos - self.stripped_starts[j])

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the stripped span ``[start, end)`` to a span of the original text.

        A span lying inside one kept piece maps to exactly the same characters; a span that
        crosses a removed passage maps to an original span that includes it. An empty span
        maps to an empty span at the matching original position.
        """
        n = self.stripped_length
        if not (isinstance(start, (int, np.integer)) and isinstance(end, (int, np.integer))):
            raise param_error("start/end", "OffsetMap.to_original", "ints", (start, end))
        if not 0 <= start <= end <= n:
            raise param_error(
                "start/end", "OffsetMap.to_original", f"0 <= start <= end <= {n}", (start, end)
            )
        if start == end:
            if start == n:
                pos = int(self.pieces[-1, 1]) if len(self.pieces) else self.original_length
            else:
                pos = int(self._position(np.array([start]))[0])
            return pos, pos
        s = int(self._position(np.array([start]))[0])
        e = int(self._position(np.array([end - 1]))[0]) + 1
        return s, e

    def to_original_many(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Vectorised :meth:`to_original` for arrays of non-empty stripped spans."""
        s = np.asarray(starts, dtype=np.int64)
        e = np.asarray(ends, dtype=np.int64)
        n = self.stripped_length
        if s.shape != e.shape or (s.size and (s.min() < 0 or e.max() > n or np.any(e <= s))):
            raise param_error(
                "starts/ends",
                "OffsetMap.to_original_many",
                f"non-empty spans within [0, {n}]",
                "out-of-range spans",
            )
        return self._position(s), self._position(e - 1) + 1


def strip_spans(
    text: str, spans: Sequence[tuple[int, int]] | npt.ArrayLike
) -> tuple[str, OffsetMap]:
    """Remove ``spans`` (``[start, end)`` offsets, in any order, may overlap) from ``text``.

    Returns
    -------
    (str, OffsetMap)
        The text without the spans (the kept pieces joined, nothing inserted) and the map
        from its offsets back to ``text``.

    Examples
    --------
    >>> strip_spans("下载打印\\n2026年政府工作报告", [(0, 4)])[0]
    '\\n2026年政府工作报告'
    """
    func = "strip_spans"
    check_type(text, "text", func, str, "a str")
    try:
        arr = np.asarray(spans, dtype=np.int64)
    except (TypeError, ValueError):
        raise param_error("spans", func, "a list of (start, end) int pairs", "other") from None
    arr = arr.reshape(0, 2) if arr.size == 0 else arr
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise param_error("spans", func, "a list of (start, end) int pairs", f"shape {arr.shape}")
    n = len(text)
    if arr.size and (arr.min() < 0 or arr.max() > n or np.any(arr[:, 1] < arr[:, 0])):
        raise param_error(
            "spans", func, f"(start, end) pairs with 0 <= start <= end <= {n}", "out-of-range spans"
        )
    arr = arr[np.argsort(arr[:, 0], kind="stable")]
    kept: list[tuple[int, int]] = []
    pos = 0
    for s, e in arr.tolist():
        if s > pos:
            kept.append((pos, s))
        pos = max(pos, e)
    if pos < n:
        kept.append((pos, n))
    pieces = np.array(kept, dtype=np.int64).reshape(-1, 2)
    lengths = pieces[:, 1] - pieces[:, 0]
    starts = (
        np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        if len(pieces)
        else np.zeros(0, dtype=np.int64)
    )
    stripped = "".join(text[s:e] for s, e in kept)
    return stripped, OffsetMap(pieces, starts, n)


@overload
def strip_boilerplate(
    corpus: pd.DataFrame,
    *,
    result: BoilerplateResult | None = ...,
    kinds: Sequence[str] = ...,
    min_docs: int = ...,
    min_chars: int = ...,
    fold_digits: bool = ...,
    progress: bool | None = ...,
) -> pd.DataFrame: ...


@overload
def strip_boilerplate(
    corpus: Sequence[str],
    *,
    result: BoilerplateResult | None = ...,
    kinds: Sequence[str] = ...,
    min_docs: int = ...,
    min_chars: int = ...,
    fold_digits: bool = ...,
    progress: bool | None = ...,
) -> list[str]: ...


def strip_boilerplate(
    corpus: pd.DataFrame | Sequence[str],
    *,
    result: BoilerplateResult | None = None,
    kinds: Sequence[str] = KINDS,
    min_docs: int = 3,
    min_chars: int = 10,
    fold_digits: bool = False,
    progress: bool | None = False,
) -> pd.DataFrame | list[str]:
    """Remove watermarks and repeated passages, keeping a map back to the original offsets.

    Use it before counting keywords or fitting topics, so that page furniture and template
    sentences do not dominate the counts.

    Parameters
    ----------
    corpus : pandas.DataFrame or list of str
        A corpus table with ``doc_id`` and ``text`` (not modified), or plain texts (then the
        stripped texts are returned as a list, in the same order, and ``doc_id`` s are
        their positions).
    result : BoilerplateResult, optional
        A result of :func:`find_boilerplate` on this same corpus, to strip what it found
        (for instance after filtering ``result.spans``); by default it is computed with
        ``min_docs``, ``min_chars`` and ``kinds``.
    kinds : list of {"watermark", "repeated"}, default both
        Which kinds of passage to remove.
    min_docs, min_chars, fold_digits, progress
        As in :func:`find_boilerplate` (ignored when ``result`` is given).

    Returns
    -------
    pandas.DataFrame or list of str
        For a table: a copy with every column kept, ``text`` replaced by the stripped text,
        and two columns added: ``removed_chars`` (int64: characters removed, whitespace
        included) and ``offset_map`` (:class:`OffsetMap`): ``row.offset_map.to_original(s,
        e)`` turns a span ``[s, e)`` of the stripped text into offsets of the original
        text. Stripping removes each passage's characters and nothing else: the line
        breaks around a removed line stay, so no two sentences are glued together.

    Examples
    --------
    >>> import corpus_tools as ct
    >>> docs = ct.load_texts({f"d{i}": f"央视网消息（新闻联播）：第{i}条新闻。" for i in range(3)})
    >>> out = strip_boilerplate(docs)
    >>> out["text"].tolist()
    ['第0条新闻。', '第1条新闻。', '第2条新闻。']
    >>> out["offset_map"][0].to_original(0, 6)
    (12, 18)
    >>> strip_boilerplate(["本文来源于网络，如有侵权请联系删除\\n正文。"])
    ['\\n正文。']
    """
    func = "strip_boilerplate"
    kinds_t = check_options(func, min_docs, min_chars, kinds, progress)
    as_list = not isinstance(corpus, pd.DataFrame)
    if as_list:
        if isinstance(corpus, str) or not isinstance(corpus, Sequence):
            raise param_error(
                "corpus", func, "a corpus DataFrame or a list of str", type(corpus).__name__
            )
        for t in corpus:
            check_type(t, "corpus", func, str, "a corpus DataFrame or a list of str")
        frame = pd.DataFrame({"doc_id": [str(i) for i in range(len(corpus))], "text": list(corpus)})
    else:
        frame = corpus
    ids, texts = check_corpus(frame, func)
    if result is None:
        result = find_boilerplate(
            frame,
            min_docs=min_docs,
            min_chars=min_chars,
            kinds=kinds_t,
            fold_digits=fold_digits,
            progress=progress,
        )
    elif not isinstance(result, BoilerplateResult):
        raise param_error("result", func, "a BoilerplateResult or None", type(result).__name__)
    spans = result.spans[result.spans["kind"].isin(kinds_t)]
    by_doc: dict[str, Any] = {
        d: g[["start", "end"]].to_numpy() for d, g in spans.groupby("doc_id", sort=False)
    }
    unknown = set(by_doc) - set(ids)
    if unknown:
        raise InvalidParameterError(
            f"The 'result' parameter of {func} must come from this corpus. "
            f"Its spans name doc_id {sorted(unknown)[0]!r}, which the corpus does not hold."
        )
    stripped: list[str] = []
    maps: list[OffsetMap] = []
    removed: list[int] = []
    for doc_id, text in zip(ids, texts, strict=True):
        s, m = strip_spans(text, by_doc.get(doc_id, np.zeros((0, 2), dtype=np.int64)))
        stripped.append(s)
        maps.append(m)
        removed.append(len(text) - len(s))
    if as_list:
        return stripped
    out = frame.copy()
    out["text"] = stripped
    out["removed_chars"] = np.array(removed, dtype=np.int64)
    out["offset_map"] = pd.Series(maps, index=out.index, dtype=object)
    return out
