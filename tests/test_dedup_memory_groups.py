"""Postings grouped a range of keys (or a band) at a time are the postings grouped at once.

Issue 23: at 2 GB of input the 32M band keys and 34M anchors were grouped with full-size
temporaries (3.5 GB at the peak). They are now grouped a part at a time, in key order, into
one result; these tests force small parts so that path runs, on real text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import iter_records

import corpus_tools as ct
from corpus_tools.dedup.candidates import (
    Groups,
    band_groups,
    candidate_pairs,
    group_postings,
    lsh_candidate_pairs,
)
from corpus_tools.dedup.config import DedupConfig
from corpus_tools.dedup.sketch import document_features


def _features(texts: list[str]) -> tuple[Any, Any, Any, Any]:
    """Band keys, anchor postings (keys, docs) and anchor counts of ``texts``."""
    feats = [document_features(t, config=DedupConfig()) for t in texts]
    bands = np.stack([f.bands for f in feats])
    sizes = np.array([len(f.anchors) for f in feats], dtype=np.int64)
    keys = np.concatenate([f.anchors for f in feats])
    docs = np.repeat(np.arange(len(feats), dtype=np.int64), sizes)
    return bands, keys, docs, sizes


@pytest.fixture(scope="module")
def seed_lines(seeds_dir: Path) -> list[str]:
    """The lines of the five seed reports (headings and phrases recur across them)."""
    texts: list[str] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        docs = ct.load_corpus(str(path), split="lines").documents
        texts.extend(str(t) for t in docs["text"])
    assert len(texts) > 50
    return texts


@pytest.fixture(scope="module")
def news() -> list[str]:
    """3,000 新闻联播 items (skipped when the shared corpora are absent)."""
    return [str(r.get("text") or "") for r in iter_records("xinwen_lianbo", limit=3000)]


def _one_shot(keys: Any, docs: Any, max_group: int, chain: bool, paired: bool) -> Groups:
    """The grouping as it was: one lexsort of every posting, groups cut at key changes."""
    order = np.lexsort((docs, keys))
    k, gdocs = keys[order], np.asarray(docs, dtype=np.int64)[order]
    bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    sizes = np.diff(bounds)
    if paired:  # groups that make no pair left out
        keep = (sizes > 1) & ((sizes <= max_group) | chain)
        gdocs, sizes = gdocs[np.repeat(keep, sizes)], sizes[keep]
    stop = np.repeat(np.cumsum(sizes), sizes)
    pos = np.arange(len(stop))
    big = np.repeat(sizes > max_group, sizes)
    stop[big] = np.minimum(pos[big] + 2, stop[big]) if chain else pos[big] + 1
    return Groups(gdocs, stop)


def _bands_one_shot(bands: Any, max_bucket: int, paired: bool) -> Groups:
    """band_groups as it was: bucket ids from np.unique per band, one sort of them all."""
    n, nb = bands.shape
    keys = np.concatenate([np.unique(bands[:, b], return_inverse=True)[1] for b in range(nb)])
    offsets = np.repeat(
        np.r_[0, np.cumsum([len(np.unique(bands[:, b])) for b in range(nb)])][:-1], n
    )
    docs = np.tile(np.arange(n), nb)
    return _one_shot(keys.ravel() + offsets, docs, max_bucket, True, paired)


def _same(a: Groups, b: Groups) -> bool:
    return np.array_equal(a.docs, b.docs) and np.array_equal(a.stop, b.stop)


@pytest.mark.parametrize("paired", [False, True])
@pytest.mark.parametrize(("max_group", "chain"), [(5, True), (5, False), (1000, False)])
def test_anchor_postings_grouped_in_parts_are_grouped_at_once(
    seed_lines: list[str], max_group: int, chain: bool, paired: bool
) -> None:
    _, keys, docs, _ = _features(seed_lines)
    rule = {"max_group": max_group, "chain": chain, "paired": paired}
    whole = group_postings(keys, docs, part=len(keys), **rule)
    parts = group_postings(keys, docs, part=len(keys) // 20, **rule)  # about 20 ranges
    assert len(keys) > 2000
    assert _same(whole, parts)
    assert _same(whole, _one_shot(keys, docs, max_group, chain, paired))
    assert (np.diff(whole.stop) >= 0).all() and len(whole.docs) == len(whole.stop)


def test_news_postings_grouped_in_parts_are_grouped_at_once(news: list[str]) -> None:
    bands, keys, docs, _ = _features(news)
    for chain, paired in [(False, False), (False, True), (True, True)]:
        whole = group_postings(keys, docs, 50, chain=chain, paired=paired, part=len(keys))
        parts = group_postings(keys, docs, 50, chain=chain, paired=paired, part=1000)
        assert _same(whole, parts)
        assert _same(whole, _one_shot(keys, docs, 50, chain, paired))
    for paired in (False, True):
        assert _same(band_groups(bands, 3, paired=paired), _bands_one_shot(bands, 3, paired))


def test_band_keys_grouped_a_band_at_a_time_are_grouped_at_once(seed_lines: list[str]) -> None:
    bands, _, _, _ = _features(seed_lines)
    for max_bucket, paired in [(1000, False), (1000, True), (2, True), (2, False)]:
        got = band_groups(bands, max_bucket, paired=paired)
        assert _same(got, _bands_one_shot(bands, max_bucket, paired))
    # the seed lines share band keys: some buckets hold several lines
    assert len(band_groups(bands, paired=True).docs) > 10


def test_band_keys_that_share_their_high_bits_are_told_apart() -> None:
    """One sort of (high bits of the key, document): keys equal above the document's bits
    but different below are sorted again, by key then document."""
    rng = np.random.default_rng(5)
    n = 1000  # 10 bits of document
    high = rng.integers(0, 4, size=(n, 3)).astype(np.uint64) << np.uint64(40)
    bands = high | rng.integers(0, 1 << 10, size=(n, 3)).astype(np.uint64) % np.uint64(7)
    for paired in (False, True):
        assert _same(band_groups(bands, 50, paired=paired), _bands_one_shot(bands, 50, paired))


def test_pairs_of_the_paired_groups_are_the_pairs_of_all_groups(news: list[str]) -> None:
    """Leaving out the groups that make no pair changes no candidate pair."""
    bands, keys, docs, sizes = _features(news)
    found = candidate_pairs(bands, keys, docs, sizes)
    lsh = lsh_candidate_pairs(bands)
    # the candidates from the full groups, made directly
    pairs: set[tuple[int, int]] = set()
    for groups in (_bands_one_shot(bands, 1000, False),):
        for q in range(len(groups.docs)):
            for r in range(q + 1, int(groups.stop[q])):
                pairs.add((int(groups.docs[q]), int(groups.docs[r])))
    assert {tuple(p) for p in lsh.tolist()} == pairs
    assert {tuple(p) for p in lsh.tolist()} <= {tuple(p) for p in found.pairs.tolist()}


def test_pairs_made_and_counted_in_small_parts_are_the_same(
    news: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The block's pairs are made and counted GROUP_PART at a time (a run of one pair
    longer than a part included): the same candidates, strengths and caps."""
    from corpus_tools.dedup import candidates

    bands, keys, docs, sizes = _features(news)
    anchors = [keys[docs == d] for d in range(len(news))]

    def run() -> tuple[Any, ...]:
        found = candidate_pairs(bands, keys, docs, sizes, max_pairs_per_doc=3)
        return (
            found.pairs,
            found.capped.to_numpy(),
            lsh_candidate_pairs(bands),
            candidates.anchor_candidate_pairs(anchors).to_numpy(),
        )

    whole = run()
    monkeypatch.setattr(candidates, "GROUP_PART", 50)
    parts = run()
    assert len(whole[0]) > 100 and len(whole[1]) > 0
    for a, b in zip(whole, parts, strict=True):
        assert np.array_equal(a, b)


def _spilled(folder: Path, texts: list[str], chunk: int) -> tuple[Any, Any]:
    """The texts' features added to a SpilledPostings ``chunk`` documents at a time."""
    from corpus_tools.dedup.candidates import SpilledPostings
    from corpus_tools.dedup.sketch import features_batch, fold_text

    cfg = DedupConfig()
    spill = SpilledPostings(folder, cfg.bands)
    for lo in range(0, len(texts), chunk):
        batch = features_batch([fold_text(t, cfg).codes for t in texts[lo : lo + chunk]], cfg)
        spill.add(batch.bands, batch.anchors, batch.anchor_ptr)
    return spill, cfg


def test_spilled_postings_are_grouped_as_in_memory(
    news: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The streamed dedup writes band keys and anchors to files a chunk at a time and groups
    them from there (issue 23: 0.7 KB a document in memory otherwise); documents are
    renumbered in doc_id order, so the groups must be those of the arrays in that order,
    whatever the chunks and however many parts the anchors are read in."""
    import corpus_tools.dedup.candidates as cands

    texts = news[:1500]
    bands, keys, docs, _ = _features(texts)
    order = np.random.default_rng(5).permutation(len(texts))
    where = np.empty(len(texts), dtype=np.int64)
    where[order] = np.arange(len(texts))
    spill, _ = _spilled(tmp_path, texts, 400)
    assert _same(spill.band_groups(order), band_groups(bands[order], paired=True))
    expected = group_postings(keys, where[docs], 30, chain=False, paired=True)
    assert len(expected.docs) > 1000
    monkeypatch.setattr(cands, "GROUP_PART", 5000)  # many parts of a few buckets each
    assert _same(spill.anchor_groups(where, 30), expected)


def test_spilled_candidate_blocks_give_the_pairs_of_the_arrays(
    news: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks from the spill files, made small (a few thousand pairs each), give the pairs
    and the capped documents of configured_candidate_blocks on the arrays."""
    import corpus_tools.dedup.candidates as cands
    from corpus_tools.dedup.sketch import features_of_many, fold_text

    texts = news
    cfg = DedupConfig(max_pairs_per_doc=5)
    feats = features_of_many([fold_text(t, cfg).codes for t in texts], cfg)
    order = np.argsort([t[::-1] for t in texts], kind="stable")  # some other numbering
    bands, keys, docs, sizes = _features([texts[k] for k in order.tolist()])
    lengths = np.array([feats[k].length for k in order.tolist()], dtype=np.int64)

    def shingles_of(k: int) -> Any:
        return feats[int(order[k])].shingles

    want = cands.configured_candidate_blocks(
        bands, keys, docs, sizes, lengths=lengths, shingles_of=shingles_of, config=cfg
    ).collect()
    monkeypatch.setattr(cands, "SPILLED_BLOCK_PAIRS", 3000)
    spill, _ = _spilled(tmp_path, texts, 700)
    blocks = spill.candidate_blocks(order, lengths=lengths, shingles_of=shingles_of, config=cfg)
    got = blocks.collect()
    assert got.blocks > 3 and want.blocks == 1
    assert len(want.pairs) > 100 and np.array_equal(got.pairs, want.pairs)
    assert len(want.capped) and got.capped.equals(want.capped)
