"""``flag``'s seeding with the compiled loops (``fastpairs.seed_groups``) gives exactly the
diagonal groups and bounds of the numpy code, on real text; and a flag report is the same
with the compiled loops on and off."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import iter_records

import corpus_tools as ct
from corpus_tools.dedup import DedupIndex, verify
from corpus_tools.dedup.align import (
    batch_components,
    diagonal_groups,
    group_length,
    seed_runs,
    seeds_of,
)
from corpus_tools.dedup.config import make_config
from corpus_tools.dedup.sketch import fold_text, shingle_hashes, shingle_set
from corpus_tools.dedup.verify import native_loops

NATIVE = native_loops()

pytestmark = pytest.mark.skipif(
    NATIVE is None,
    reason="the compiled loops were not built (no C compiler): the numpy code runs",
)


def _texts() -> list[str]:
    docs = ct.load_corpus("data/raw").documents
    texts = [str(t) for t in docs["text"]]
    texts += [str(r["text"]) for r in iter_records("xinwen_lianbo", 40)]
    # pieces of the seeds, edited: pairs with many diagonals, gaps and repeated windows
    rng = np.random.default_rng(3)
    for t in texts[:5]:
        cut = [t[i : i + 300] for i in range(0, len(t), 300)]
        rng.shuffle(cut)
        joined = "".join(cut[:20])
        chars = list(joined + joined[:400])
        step = int(rng.integers(11, 40))
        chars[::step] = "某" * len(chars[::step])
        texts.append("".join(chars))
    return texts


def _numpy_groups(
    a: np.ndarray, b: np.ndarray, k: int, *, gap: int, least: int, min_passage: int
) -> tuple[np.ndarray, int, int]:
    groups = diagonal_groups(seed_runs(seeds_of(a, k), seeds_of(b, k), k), gap, least)
    if len(groups) == 0:
        return groups.reshape(-1, 4), 0, 0
    owner = np.zeros(len(groups), dtype=np.int64)
    reach_a = batch_components(
        owner, groups[:, 0], groups[:, 1], 1, max_gap=gap, min_len=min_passage
    )
    reach_b = batch_components(owner, groups[:, 2], groups[:, 3], 1, max_gap=gap)
    return groups, int(reach_a[0]), int(reach_b[0])


def test_seed_groups_equal_the_numpy_code_on_real_text() -> None:
    assert NATIVE is not None
    cfg = make_config(None, {}, "test")
    k, gap, mp = cfg.anchor_k, cfg.max_gap, cfg.min_passage
    least = group_length(k, mp)
    folded = [fold_text(t, cfg).codes for t in _texts()]
    pairs = [(i, j) for i in range(len(folded)) for j in range(len(folded)) if i != j]
    rng = np.random.default_rng(5)
    picked = [pairs[p] for p in rng.choice(len(pairs), size=min(len(pairs), 400), replace=False)]
    picked += [(i, i) for i in range(len(folded))]  # a text against itself
    related = 0
    for i, j in picked:
        a, b = folded[i], folded[j]
        hashes = shingle_hashes(a, k) if len(a) >= k else np.zeros(0, dtype=np.uint64)
        data, reach_a, reach_b = NATIVE.seed_groups(hashes, b, k, 0, gap, least, mp)
        got = np.frombuffer(data, dtype=np.int64).reshape(-1, 4)
        want, want_a, want_b = _numpy_groups(a, b, k, gap=gap, least=least, min_passage=mp)
        assert got.tolist() == want.tolist(), (i, j)
        assert (reach_a, reach_b) == (want_a, want_b), (i, j)
        related += len(want) > 1
    assert related > 20  # (pairs with several groups were compared, not only empty ones)


def test_seed_groups_short_and_empty_texts() -> None:
    assert NATIVE is not None
    none = np.zeros(0, dtype=np.uint64)
    codes = fold_text("坚持党建引领，推动基层治理", make_config(None, {}, "test")).codes
    data, reach_a, reach_b = NATIVE.seed_groups(none, codes, 8, 0, 12, 12, 20)
    assert (data, reach_a, reach_b) == (b"", 0, 0)
    data, *_ = NATIVE.seed_groups(shingle_hashes(codes, 8), codes[:3], 8, 0, 12, 12, 20)
    assert data == b""
    with pytest.raises(TypeError):
        NATIVE.seed_groups(codes, codes, 8, 0, 12, 12, 20)  # hashes must be 8-byte items
    with pytest.raises(ValueError):
        NATIVE.seed_groups(none, codes, 0, 0, 12, 12, 20)


def test_shingle_overlap_equals_the_numpy_code_on_real_text() -> None:
    """The compiled shingle set of a held text and the count of its ids in the
    submission's set are sketch.shingle_set and the size of the intersection (texts shorter
    than k, one character and empty included)."""
    assert NATIVE is not None
    cfg = make_config(None, {}, "test")
    texts = [*_texts()[:30], "", "党", "坚持", "坚持党建引领"]
    folded = [fold_text(t, cfg).codes for t in texts]
    for a in folded[:4]:
        ids_a = shingle_set(shingle_hashes(a, cfg.k))
        for b in folded:
            data, shared = NATIVE.shingle_overlap(b, cfg.k, 0, ids_a)
            want = shingle_set(shingle_hashes(b, cfg.k))
            assert np.frombuffer(data, dtype=np.uint32).tolist() == want.tolist()
            assert shared == len(np.intersect1d(ids_a, want, assume_unique=True))
    with pytest.raises(ValueError):
        NATIVE.shingle_overlap(folded[0], 0, 0, folded[0])
    with pytest.raises(TypeError):
        NATIVE.shingle_overlap(folded[0].astype(np.int64), 5, 0, folded[0])


def test_flag_report_is_the_same_with_the_numpy_code(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = ct.load_corpus("data/raw").documents
    texts = dict(zip(docs["doc_id"].astype(str), docs["text"].astype(str), strict=True))
    ids = sorted(texts)
    index = DedupIndex().build({d: texts[d] for d in ids[1:]})
    sub = texts[ids[1]][:3000] + texts[ids[0]] + texts[ids[2]][-2000:]
    native = index.flag({"sub": sub}).to_json()
    monkeypatch.setattr(verify, "NATIVE", None)
    assert index.flag({"sub": sub}).to_json() == native
    assert native[0]["matches"]  # (passages were aligned both ways)
