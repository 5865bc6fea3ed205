"""Folding and sketching many documents at once gives what one document at a time gives.

The dedup job folds (:func:`fold_many`) and sketches (:func:`features_of_many`) a chunk of
documents in a few vectorised passes; an index built before stores sketches made one
document at a time, so the two must agree to the last bit, on real text and on the edge
cases: empty texts, texts shorter than a shingle, wildcards at the end of one text and the
start of the next, characters outside the folding tables, lone surrogates, batch limits.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import iter_records

import corpus_tools.dedup.sketch as sketch_module
from corpus_tools.dedup.align import batch_groups, seed_table
from corpus_tools.dedup.config import make_config
from corpus_tools.dedup.sketch import (
    DocFeatures,
    features_of_folded,
    features_of_many,
    fold_codes,
    fold_text,
    shingle_hashes,
)
from corpus_tools.errors import InvalidParameterError
from corpus_tools.text import matching
from corpus_tools.text.matching import Folded, fold_codes_many, fold_for_matching, fold_many

EDGES = [
    "",
    "1",
    "至",
    "1至",
    "至1",
    "X",
    "XX",
    "\x00",
    "1\x001",
    "坚持",
    "一二三四",
    "一二三四五",
    "一二三四五六七",
    "一二三四五六七八",
    "完成X个项目",
    "2019年",
    "，。！",
    "𠀀𠀁𠀂𠀃𠀄𠀅",
    "\U00030000\U00030001党建\U000e0001",
    "坚持\ud800党建",
    "X至X月，共XX人" * 3,
]


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "X×○某至到1２３.5—,，年月日XX　 \n\t𠀀\ud800a党建\x00\U00030000"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def _same_folded(a: Folded, b: Folded) -> bool:
    return (
        np.array_equal(a.codes, b.codes)
        and a.codes.dtype == b.codes.dtype
        and np.array_equal(a.starts, b.starts)
        and a.starts.dtype == b.starts.dtype
        and np.array_equal(a.ends, b.ends)
        and a.ends.dtype == b.ends.dtype
        and a.original_length == b.original_length
    )


def _same_features(a: DocFeatures, b: DocFeatures) -> bool:
    return (
        a.length == b.length
        and a.digest == b.digest
        and all(
            np.array_equal(x, y) and x.dtype == y.dtype for x, y in zip(a[2:], b[2:], strict=True)
        )
    )


@pytest.fixture(scope="module")
def news() -> list[str]:
    return [str(r["text"]) for r in iter_records("xinwen_lianbo", 1500)]


@pytest.fixture(scope="module")
def regulations() -> list[str]:
    return [str(r["text"]) for r in iter_records("local_regulations", 40)]


@pytest.mark.parametrize("wildcards", [True, False])
@pytest.mark.parametrize("traditional", [True, False])
def test_fold_many_equals_one_at_a_time(
    news: list[str], seed_texts: dict[str, str], wildcards: bool, traditional: bool
) -> None:
    texts = news + list(seed_texts.values()) + EDGES + _random_texts(800, 1)
    many = fold_many(texts, wildcards=wildcards, traditional=traditional)
    codes = fold_codes_many(texts, wildcards=wildcards, traditional=traditional)
    assert len(many) == len(codes) == len(texts)
    for text, got, got_codes in zip(texts, many, codes, strict=True):
        want = fold_for_matching(text, wildcards=wildcards, traditional=traditional)
        assert _same_folded(got, want), text[:40]
        assert np.array_equal(got_codes, want.codes) and got_codes.dtype == np.uint32


def test_fold_many_batches_of_any_size(
    monkeypatch: pytest.MonkeyPatch, regulations: list[str]
) -> None:
    texts = EDGES + regulations[:10] + _random_texts(200, 2)
    want = [fold_for_matching(t) for t in texts]
    for size in (1, 7, 1000):  # a text longer than the batch is folded alone
        monkeypatch.setattr(matching, "_FOLD_BATCH_CHARS", size)
        got = fold_many(texts)
        assert all(_same_folded(g, w) for g, w in zip(got, want, strict=True))
        codes = fold_codes_many(texts)
        assert all(np.array_equal(c, w.codes) for c, w in zip(codes, want, strict=True))


def test_fold_many_keeps_offsets_into_each_text(seed_texts: dict[str, str]) -> None:
    texts = ["20XX年X-X月，", "完成X个项目", *seed_texts.values()]
    for text, f in zip(texts, fold_many(texts), strict=True):
        assert f.original_length == len(text)
        assert int(f.ends.max(initial=0)) <= len(text)
    first = fold_many(texts)[0]
    assert first.to_original(0, 2) == (0, 5)  # 20XX年 from its own text, not the list's


def test_fold_many_rejects_what_is_not_a_list_of_str() -> None:
    with pytest.raises(InvalidParameterError, match="'texts' parameter of fold_many"):
        fold_many("坚持党建引领")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="a list of str"):
        fold_many(["坚持", 3])  # type: ignore[list-item]
    assert fold_many([]) == [] and fold_codes_many([]) == []
    with pytest.raises(InvalidParameterError, match="'texts' parameter of fold_codes_many"):
        fold_codes_many(("坚持",))  # type: ignore[arg-type]


def _check_features(texts: list[str], overrides: dict[str, object] | None = None) -> None:
    cfg = make_config(None, overrides or {}, "test")
    codes = fold_codes(texts, cfg)
    many = features_of_many(codes, cfg)
    assert len(many) == len(texts)
    for text, got in zip(texts, many, strict=True):
        assert _same_features(got, features_of_folded(fold_text(text, cfg), cfg)), text[:40]


def test_features_of_many_equal_one_at_a_time(
    news: list[str], seed_texts: dict[str, str], regulations: list[str]
) -> None:
    _check_features(news + list(seed_texts.values()) + regulations + EDGES + _random_texts(300, 3))


@pytest.mark.parametrize(
    "overrides",
    [
        {"k": 1},
        {"k": 9, "num_perm": 64, "bands": 16},
        {"num_perm": 256, "bands": 64, "anchor_k": 4, "anchor_sample": 2},
        {"seed": 7, "wildcards": False},
        {"densify": "rotation"},
    ],
)
def test_features_of_many_with_other_settings(
    news: list[str], overrides: dict[str, object]
) -> None:
    _check_features(news[:300] + EDGES, overrides)


def test_features_of_many_across_batch_limits(
    monkeypatch: pytest.MonkeyPatch, news: list[str]
) -> None:
    monkeypatch.setattr(sketch_module, "_BATCH_CHARS", 500)
    monkeypatch.setattr(sketch_module, "_BATCH_DOCS", 3)
    _check_features(news[:200] + EDGES)


def test_features_of_many_checks_its_config() -> None:
    with pytest.raises(InvalidParameterError, match="'config' parameter of features_of_many"):
        features_of_many([], {"k": 5})  # type: ignore[arg-type]


def test_seed_matching_same_with_either_sort(
    monkeypatch: pytest.MonkeyPatch, news: list[str]
) -> None:
    """batch_groups sorts the seed matches by one int64 key, or by two keys where one
    could overflow: the same groups either way."""
    cfg = make_config(None, {}, "test")
    texts = [*news[:60], news[0][: len(news[0]) // 2] + news[1], news[2] * 2]
    hashes = [shingle_hashes(fold_text(t, cfg).codes, cfg.anchor_k) for t in texts]
    table = seed_table(hashes)
    pairs = np.array([(a, b) for a in range(len(texts)) for b in range(a + 1, len(texts))])
    x, y = pairs[:, 0], pairs[:, 1]
    one = batch_groups(table, x, y, cfg.anchor_k, cfg.max_gap)
    monkeypatch.setattr("corpus_tools.dedup.align._KEY_LIMIT", 0)
    two = batch_groups(table, x, y, cfg.anchor_k, cfg.max_gap)
    assert len(one[0]) > 0
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])
    with_groups = {(int(x[p]), int(y[p])) for p in one[0]}
    assert {(0, 60), (1, 60), (2, 61)} <= with_groups  # the planted copies are seeded
