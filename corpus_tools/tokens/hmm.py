"""jieba's HMM for unknown words: the B/M/E/S Viterbi path of a run of Chinese characters.

Same probabilities (``jieba.finalseg``), same arithmetic (``V + trans + emit``) and the same
tie-breaking as jieba's ``max`` over ``(prob, state)`` tuples (the larger state letter wins
a tie), with back-pointers instead of copied paths; tests/test_segment.py checks it against
``jieba.finalseg`` on real text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

__all__ = ["hmm_words"]


class _Tables(NamedTuple):
    """jieba's HMM probabilities, as the Viterbi loop reads them."""

    low: float  # log probability of an unseen emission
    start: dict[str, float]
    e_b: Callable[[str, float], float]  # emission log probability per state
    e_m: Callable[[str, float], float]
    e_s: Callable[[str, float], float]
    e_e: Callable[[str, float], float]
    t_eb: float  # transition log probabilities the four states can take
    t_sb: float
    t_mm: float
    t_bm: float
    t_ss: float
    t_es: float
    t_be: float
    t_me: float


@functools.cache
def _tables() -> _Tables:
    from jieba import finalseg

    emit = finalseg.emit_P
    trans = finalseg.trans_P
    return _Tables(
        finalseg.MIN_FLOAT,
        finalseg.start_P,
        emit["B"].get,
        emit["M"].get,
        emit["S"].get,
        emit["E"].get,
        trans["E"]["B"],
        trans["S"]["B"],
        trans["M"]["M"],
        trans["B"]["M"],
        trans["S"]["S"],
        trans["E"]["S"],
        trans["B"]["E"],
        trans["M"]["E"],
    )


def _viterbi_tags(sentence: str, tables: _Tables) -> list[str]:
    """The most probable B/M/E/S tag of each character (unrolled over the four states:
    this loop is the segmenter's hot path on unknown words)."""
    low, start, e_b, e_m, e_s, e_e, t_eb, t_sb, t_mm, t_bm, t_ss, t_es, t_be, t_me = tables
    ch = sentence[0]
    v_b = start["B"] + e_b(ch, low)
    v_m = start["M"] + e_m(ch, low)
    v_s = start["S"] + e_s(ch, low)
    v_e = start["E"] + e_e(ch, low)
    back: list[tuple[str, str, str, str]] = []
    for ch in sentence[1:]:
        em = e_b(ch, low)  # B after E or S
        p1 = v_e + t_eb + em
        p2 = v_s + t_sb + em
        n_b, b_b = (p2, "S") if p2 >= p1 else (p1, "E")
        em = e_m(ch, low)  # M after M or B
        p1 = v_m + t_mm + em
        p2 = v_b + t_bm + em
        n_m, b_m = (p1, "M") if p1 >= p2 else (p2, "B")
        em = e_s(ch, low)  # S after S or E
        p1 = v_s + t_ss + em
        p2 = v_e + t_es + em
        n_s, b_s = (p1, "S") if p1 >= p2 else (p2, "E")
        em = e_e(ch, low)  # E after B or M
        p1 = v_b + t_be + em
        p2 = v_m + t_me + em
        n_e, b_e = (p2, "M") if p2 >= p1 else (p1, "B")
        back.append((b_b, b_m, b_s, b_e))
        v_b, v_m, v_s, v_e = n_b, n_m, n_s, n_e
    state = "S" if v_s >= v_e else "E"
    tags = [state] * len(sentence)
    for t in range(len(sentence) - 1, 0, -1):
        state = back[t - 1]["BMSE".index(state)]
        tags[t - 1] = state
    return tags


def _words_of_tags(sentence: str, tags: list[str]) -> list[str]:
    """Cut ``sentence`` after each E and S tag (a trailing B/M run is one word)."""
    words = []
    begin = nexti = 0
    for i, tag in enumerate(tags):
        if tag == "B":
            begin = i
        elif tag == "E":
            words.append(sentence[begin : i + 1])
            nexti = i + 1
        elif tag == "S":
            words.append(sentence[i])
            nexti = i + 1
    if nexti < len(sentence):
        words.append(sentence[nexti:])
    return words


def hmm_words(sentence: str) -> list[str]:
    """``jieba.finalseg.__cut`` on a non-empty run of Chinese characters.

    Examples
    --------
    >>> hmm_words("网格员巡查")
    ['网格员', '巡查']
    """
    return _words_of_tags(sentence, _viterbi_tags(sentence, _tables()))
