"""How often topic words occur, and occur together, in the windows coherence counts over.

Coherence measures count *windows*: a window of ``window`` consecutive kept words slides over
each document one word at a time (C_V: 110 words, NPMI: 10), and a document shorter than the
window is one window; for U_Mass a window is a whole document. gensim's ``CoherenceModel``
counted them again for every k, reading every window (652,383 on the 137 national reports):
89 CPU-seconds of C_V for k = 4..14. :class:`WindowCounts` computes them from the corpus once,
word by word as topics ask for them, and keeps them for every k: 1.3 CPU-seconds.

The counts are gensim's (4.x) ``WordOccurrenceAccumulator`` counts, equal to them by test,
including a quirk of its sliding window: a word is marked present when it enters the window
at the right and marked absent when *any* of its occurrences leaves at the left, even if
another occurrence is still inside. So in a window a word counts as present when its last
occurrence that entered did so after (or at the step when) its last occurrence left. On the
window axis of the whole corpus (the windows of all documents end to end), the windows where
a word counts as present are a union of intervals, one per occurrence: the occurrence at
position ``p`` of a document enters at window ``max(0, p - window + 1)`` and that stays
true until the first occurrence at or after that window leaves, one window after its
position (and at the document's last window at the latest). Occurrences are intervals, and
co-occurrences are the lengths of the intersections of two unions of intervals: integer
arithmetic on sorted arrays, never a pass over the windows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["WindowCounts"]

IntArray = npt.NDArray[np.int64]
#: Past every window: pads the starts of intervals so that a search never runs off the end.
_FAR = np.iinfo(np.int64).max


class WindowCounts:
    """Windows holding a word, and windows holding two words, over a tokenised corpus.

    Parameters
    ----------
    texts : sequence of sequence of str
        The words of each document, in order. Empty documents hold no window.
    window : int or None
        Words per sliding window; None: a window is a whole document.

    Attributes
    ----------
    n_windows : int
        The number of windows of the corpus.

    Examples
    --------
    >>> counts = WindowCounts([["社区", "治理", "网格", "治理"], ["财政", "预算"]], window=2)
    >>> counts.n_windows
    4
    >>> counts.occurrences("治理"), counts.co_occurrences("社区", "治理")
    (3, 1)
    >>> WindowCounts([["社区", "治理"], ["财政", "治理"]], window=None).occurrences("治理")
    2
    """

    def __init__(self, texts: Sequence[Sequence[str]], window: int | None) -> None:
        self.window = window
        self._ids: dict[str, int] = {}
        ids = np.fromiter(
            (self._ids.setdefault(w, len(self._ids)) for doc in texts for w in doc),
            dtype=np.int64,
        )
        lengths = np.array([len(doc) for doc in texts], dtype=np.int64)
        lengths = lengths[lengths > 0]
        self._offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        # a whole document is a window as long as the longest document
        self._span = window if window is not None else int(lengths.max(initial=1))
        self._doc_windows = np.maximum(1, lengths - self._span + 1)
        self._first_window = np.concatenate(([0], np.cumsum(self._doc_windows)[:-1])).astype(
            np.int64
        )
        self.n_windows = int(self._doc_windows.sum())
        self._doc_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        self._by_word = np.argsort(ids, kind="stable")  # positions, grouped by word, in order
        self._bounds = np.searchsorted(ids[self._by_word], np.arange(len(self._ids) + 1))
        self._spans: dict[int, tuple[IntArray, IntArray]] = {}
        self._pairs: dict[tuple[int, int], int] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._ids

    def _intervals(self, word: str) -> tuple[IntArray, IntArray]:
        """(starts, ends) of the disjoint sorted intervals of windows where ``word`` counts."""
        w = self._ids[word]
        found = self._spans.get(w)
        if found is not None:
            return found
        pos = self._by_word[self._bounds[w] : self._bounds[w + 1]]
        doc = self._doc_of[pos]
        local = pos - self._offsets[doc]
        enter = np.maximum(0, local - self._span + 1)
        # the first occurrence at or after the entering window leaves one window after it
        leaver = local[np.searchsorted(pos, self._offsets[doc] + enter)]
        starts = self._first_window[doc] + enter
        ends = self._first_window[doc] + np.minimum(leaver + 1, self._doc_windows[doc])
        # starts and ends never decrease: an interval joins the previous one when they touch
        new = np.ones(len(starts), dtype=bool)
        new[1:] = starts[1:] > ends[:-1]
        last = np.append(new[1:], True)
        found = (starts[new], ends[last])
        self._spans[w] = found
        return found

    def occurrences(self, word: str) -> int:
        """The number of windows where ``word`` counts as present."""
        starts, ends = self._intervals(word)
        return int((ends - starts).sum())

    def co_occurrences(self, word1: str, word2: str) -> int:
        """The number of windows where both words count as present."""
        if word1 == word2:
            return self.occurrences(word1)
        key = (min(self._ids[word1], self._ids[word2]), max(self._ids[word1], self._ids[word2]))
        found = self._pairs.get(key)
        if found is not None:
            return found
        starts1, ends1 = self._intervals(word1)
        starts2, ends2 = self._intervals(word2)
        covered = np.concatenate(([0], np.cumsum(ends2 - starts2)))
        padded = np.append(starts2, _FAR)

        def before(x: IntArray) -> IntArray:  # windows of word2 before each window x
            j = np.searchsorted(ends2, x, side="right")
            return covered[j] + np.maximum(x - padded[j], 0)

        found = int((before(ends1) - before(starts1)).sum())
        self._pairs[key] = found
        return found
