"""Texts with very long lines (a corpus dumped one report per line, a 50 MB file without a
line break): the placeholder scan and the report structure give what they give on short
lines, by linear means (benchmarks/bench_long_lines.py, not here, measures the time)."""

from __future__ import annotations

import random

import pytest

from corpus_tools.text import find_placeholders, structure
from corpus_tools.text import placeholders as ph

#: Marks that ask for the line around them: markdown runs, separators, lone circles.
PIECES = ["**", "*", "__", "_", "***", "○", "○○", "X", "XX", "×", " ", "-", "=", "#",
          "加强**党建**工作", "a*b", "第X批", "（×）", "\n○ 要点", "——"]  # fmt: skip


def _texts(seed_texts: dict[str, str], n: int) -> list[str]:
    """Seed text cut and mixed with marks, most of it on lines of up to 300,000 characters."""
    rnd = random.Random(7)
    seeds = list(seed_texts.values())
    out = []
    for trial in range(n):
        base = rnd.choice(seeds)
        base = base.replace("\n", "") if trial % 3 else base
        parts = []
        for _ in range(rnd.randint(5, 50)):
            i = rnd.randrange(len(base))
            parts += [base[i : i + rnd.randint(0, 6000)], rnd.choice(PIECES)]
        out.append("".join(parts))
    return out


def test_long_lines_give_the_spans_short_searches_give(
    seed_texts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _texts(seed_texts, 60)
    assert max(max(len(ln) for ln in t.split("\n")) for t in texts) > 100_000
    # with a search window longer than any line, every line is cut by plain find/rfind
    monkeypatch.setattr(ph, "_LINE_SEARCH", 10**9)
    direct = [find_placeholders(t) for t in texts]
    # with a tiny one, every line goes through the line index built once per text
    monkeypatch.setattr(ph, "_LINE_SEARCH", 4)
    indexed = [find_placeholders(t) for t in texts]
    for a, b in zip(direct, indexed, strict=True):
        assert a.equals(b)
    assert sum(len(a) for a in direct) > 1000
    assert ph._LONG == {}  # no text is kept alive after its scan


def test_a_long_line_of_markdown_is_read_as_markdown(seed_texts: dict[str, str]) -> None:
    text = "".join(seed_texts.values()).replace("\n", "")
    line = ("**重点工作**" + text[:5000]) * 20 + "XX社区有X个网格"
    spans = find_placeholders(line)
    assert "**" not in spans["text"].tolist()  # emphasis, not blanks
    assert spans["text"].tolist()[-2:] == ["XX", "X"]


def _confirmed_slow(cands: list, idx: int) -> bool:
    """The scan :func:`structure._confirmed_by_two` replaces: forward from each candidate
    (quadratic on a line of thousands of headings)."""
    c = cands[idx]
    for other in cands[idx + 1 :]:
        if other.level < c.level and other.anchor > 0 and c.level != 5:
            return False
        if other.level == c.level and other.number == 2:
            return True
    return False


def test_first_items_are_confirmed_as_by_the_forward_scan(seed_texts: dict[str, str]) -> None:
    texts = [*seed_texts.values(), "".join(seed_texts.values()).replace("\n", "")]
    texts += _texts(seed_texts, 10)
    for text in texts:
        cands = structure._candidates(text)
        fast = structure._confirmed_by_two(cands)
        assert fast == [_confirmed_slow(cands, i) for i in range(len(cands))]
    assert sum(fast) > 10
