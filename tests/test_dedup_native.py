"""The compiled loops of verification (``corpus_tools.dedup.fastpairs``, built from
``native.c``) give exactly what the numpy code gives, on real text.

``align_cover`` is compared with :func:`~corpus_tools.dedup.align.align_folded` pair by
pair (seed lines, news items, and texts spliced from news sentences so that pairs have
many diagonal groups, repeated windows and ties to resolve); ``shared_counts`` with set
intersections; and whole searches with the compiled loops on and off. Where the
extension was not built (no C compiler), these tests skip and the numpy code runs.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest
from conftest import iter_records

import corpus_tools as ct
from corpus_tools.dedup import find_near_duplicates, verify
from corpus_tools.dedup.align import align_folded, group_length
from corpus_tools.dedup.config import make_config
from corpus_tools.dedup.sketch import features_of_folded, fold_text
from corpus_tools.dedup.verify import feature_table, native_loops, shared_counts

NATIVE = native_loops()

pytestmark = pytest.mark.skipif(
    NATIVE is None,
    reason="the compiled loops were not built (no C compiler): the numpy code runs",
)


def _news(limit: int) -> list[str]:
    return [str(r["text"]) for r in iter_records("xinwen_lianbo", limit)]


def _lines(limit: int) -> list[str]:
    docs = ct.load_corpus("data/raw", split="lines").documents
    texts = [t for t in docs["text"].astype(str) if len(t) > 30]
    return texts[:limit]


def _spliced(texts: list[str], n: int, pool: int = 60) -> list[str]:
    """Texts made of sentences of ``texts`` (the first ``pool`` of them) in a shuffled
    order, some twice, some edited: pairs of them share many short passages on many
    diagonals (with a small pool, each passage at several places of both texts)."""
    rng = np.random.default_rng(7)
    sentences = [s for t in texts for s in t.replace("，", "。").split("。") if len(s) > 6]
    out = []
    for _ in range(n):
        picked = [sentences[i] for i in rng.integers(0, min(len(sentences), pool), size=14)]
        if rng.random() < 0.5:
            picked.append(picked[0])  # a sentence twice: one window, several occurrences
        text = "。".join(picked)
        if rng.random() < 0.5:
            chars = list(text)
            step = int(rng.integers(9, 30))
            chars[::step] = "某" * len(chars[::step])  # an edit every few characters
            text = "".join(chars)
        out.append(text)
    return out


def _covers(codes: list[np.ndarray], pairs: np.ndarray, cfg, **bound: float):
    ptr = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in codes], out=ptr[1:])
    flat = np.concatenate(codes).astype(np.uint32)
    lengths = np.diff(ptr)
    x, y = pairs[:, 0].copy(), pairs[:, 1].copy()
    out = np.empty((2, len(pairs)), dtype=np.int64)
    assert NATIVE is not None
    NATIVE.align_cover(
        ptr, flat, x, y, lengths[x], lengths[y], np.zeros(len(pairs), bool), out[0], out[1],
        cfg.anchor_k, cfg.seed, cfg.min_passage, cfg.max_gap,
        group_length(cfg.anchor_k, cfg.min_passage),
        bound.get("containment", 0.0), bound.get("partial", 0.0),
    )  # fmt: skip
    return out


def _union(spans: np.ndarray) -> int:
    covered: set[int] = set()
    for s0, s1 in spans.tolist():
        covered.update(range(s0, s1))
    return len(covered)


@pytest.mark.parametrize("source", ["seed lines", "news", "spliced news", "repetitive"])
@pytest.mark.parametrize("options", [{}, {"min_passage": 12, "max_gap": 20}])
def test_covers_are_what_the_aligned_passages_cover(source: str, options: dict) -> None:
    texts = {
        "seed lines": lambda: _lines(20) + _spliced(_lines(20), 15),
        "news": lambda: _news(30) + _spliced(_news(30), 5),
        "spliced news": lambda: _spliced(_news(40), 30),
        "repetitive": lambda: _spliced(_news(10), 30, pool=8),
    }[source]()
    cfg = make_config(None, options, "test")
    codes = [fold_text(t, cfg).codes for t in texts]
    # every ordered pair (alignment is not symmetric), each text with itself too
    pairs = np.array([*permutations(range(len(codes)), 2), *((i, i) for i in range(5))])
    got = _covers(codes, pairs, cfg)  # zero thresholds: no pair is rejected by the bound
    want_a, want_b = [], []
    for x, y in pairs.tolist():
        spans = align_folded(
            codes[x], codes[y], k=cfg.anchor_k, min_passage=cfg.min_passage,
            max_gap=cfg.max_gap, seed=cfg.seed,
        )  # fmt: skip
        want_a.append(int((spans[:, 1] - spans[:, 0]).sum()))
        want_b.append(_union(spans[:, 2:]))
    assert got[0].tolist() == want_a
    assert got[1].tolist() == want_b
    assert sum(a > 0 for a in want_a) > 10  # pairs with passages, not only empty ones


def test_the_bound_rejects_with_minus_one_and_keeps_the_rest() -> None:
    cfg = make_config(None, {}, "test")
    texts = _spliced(_news(40), 20)
    codes = [fold_text(t, cfg).codes for t in texts]
    pairs = np.array(list(permutations(range(len(codes)), 2)))
    free = _covers(codes, pairs, cfg)
    bound = _covers(codes, pairs, cfg, containment=0.8, partial=0.3)
    rejected = bound[0] == -1
    assert rejected.any() and (~rejected).any()
    assert (bound[:, ~rejected] == free[:, ~rejected]).all()
    assert (bound[1, rejected] == -1).all()


def test_shared_counts_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = make_config(None, {}, "test")
    texts = _news(50) + _lines(30)
    folded = [fold_text(t, cfg) for t in texts]
    feats = [features_of_folded(f, cfg) for f in folded]
    table = feature_table(feats, [f.codes for f in folded])
    pairs = np.array(list(permutations(range(len(texts)), 2)))
    compiled = shared_counts(table, pairs[:, 0], pairs[:, 1])
    monkeypatch.setattr(verify, "NATIVE", None)
    assert shared_counts(table, pairs[:, 0], pairs[:, 1]).tolist() == compiled.tolist()
    want = [len(np.intersect1d(feats[x].shingles, feats[y].shingles)) for x, y in pairs.tolist()]
    assert compiled.tolist() == want


@pytest.mark.parametrize("options", [{}, {"threshold": 0.9, "containment": 0.2, "partial": 0.05}])
def test_a_search_gives_the_same_result_on_both_paths(
    monkeypatch: pytest.MonkeyPatch, options: dict
) -> None:
    records = list(iter_records("xinwen_lianbo", 1500))
    texts = {str(r["id"]): str(r["text"]) for r in records}
    spliced = _spliced(list(texts.values()), 200)
    texts.update({f"spliced-{i:03d}": t for i, t in enumerate(spliced)})
    compiled = find_near_duplicates(texts, **options).to_json()
    monkeypatch.setattr(verify, "NATIVE", None)
    numpy = find_near_duplicates(texts, **options).to_json()
    assert compiled == numpy
    relations = {p["relation"] for p in compiled["pairs"]}
    assert relations >= {"duplicate", "near-duplicate", "partial"}


def test_native_loops_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORPUS_TOOLS_NATIVE", "0")
    assert native_loops() is None
    monkeypatch.delenv("CORPUS_TOOLS_NATIVE")
    assert native_loops() is NATIVE


def test_arrays_are_checked_before_they_are_read() -> None:
    assert NATIVE is not None
    ptr = np.array([0, 3, 5], dtype=np.int64)
    data = np.array([1, 2, 3, 2, 3], dtype=np.uint32)
    one = np.array([0], dtype=np.int64)
    out = np.zeros(1, dtype=np.int64)
    NATIVE.shared_counts(ptr, data, one, one + 1, out)
    assert out.tolist() == [2]
    with pytest.raises(IndexError, match="row 2 out of range"):
        NATIVE.shared_counts(ptr, data, one, one + 2, out)
    with pytest.raises(ValueError, match="spans"):
        NATIVE.shared_counts(np.array([0, 3, 9], dtype=np.int64), data, one, one + 1, out)
    with pytest.raises(TypeError, match="'data' must be a contiguous 1-d array of 4-byte"):
        NATIVE.shared_counts(ptr, data.astype(np.int64), one, one, out)
    with pytest.raises(ValueError, match="one length"):
        NATIVE.shared_counts(ptr, data, one, one, np.zeros(2, dtype=np.int64))
    with pytest.raises((TypeError, BufferError, ValueError)):
        NATIVE.shared_counts(ptr, data, one, one, out[::-1].copy().view(np.float64))
    with pytest.raises(ValueError, match="lengths must be positive"):
        NATIVE.align_cover(
            ptr, data, one, one, one * 0, one + 3, np.zeros(1, bool), out, out.copy(),
            8, 0, 20, 12, 12, 0.8, 0.3,
        )  # fmt: skip


def test_covers_on_texts_with_few_distinct_characters() -> None:
    # news texts folded onto 2-5 characters: every window recurs (the first occurrences
    # only are matched), runs cross, groups tie in length and start -- under many options
    rng = np.random.default_rng(3)
    base = [fold_text(t, make_config(None, {}, "test")).codes for t in _news(60)]
    checked = 0
    for _ in range(40):
        alpha, k = int(rng.integers(2, 6)), int(rng.integers(2, 6))
        options = {"anchor_k": k, "min_passage": int(rng.integers(1, 30))}
        cfg = make_config(None, {**options, "max_gap": int(rng.integers(0, 15))}, "test")
        picks = rng.choice(len(base), size=12, replace=False)
        codes = []
        for i in picks.tolist():
            start = int(rng.integers(0, max(len(base[i]) - 150, 1)))
            codes.append(base[i][start : start + 150] % alpha + 0x4E00)
        pairs = np.array([*permutations(range(len(codes)), 2)])[::3]
        got = _covers(codes, pairs, cfg)
        for p, (x, y) in enumerate(pairs.tolist()):
            spans = align_folded(
                codes[x], codes[y], k=cfg.anchor_k, min_passage=cfg.min_passage,
                max_gap=cfg.max_gap, seed=cfg.seed,
            )  # fmt: skip
            want = (int((spans[:, 1] - spans[:, 0]).sum()), _union(spans[:, 2:]))
            assert (int(got[0, p]), int(got[1, p])) == want, (options, x, y)
            checked += want[0] > 0
    assert checked > 100


def test_version_says_which_loops_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from corpus_tools.cli import _dedup_loops, cli

    out = CliRunner().invoke(cli, ["--version"]).output
    assert "dedup verification: compiled (native.c)" in out
    monkeypatch.setenv("CORPUS_TOOLS_NATIVE", "0")
    assert _dedup_loops() == "numpy code (CORPUS_TOOLS_NATIVE=0)"
