"""A source is judged without chaining its passages only when that cannot change the flag.

``judge_submission`` computes the submission's alignment seeds once, and rejects a source
whose diagonal groups bound its passages below every share that counts before chaining
them (``_seeded`` is None); the verdict of a source it keeps is made from those groups. Both
must be what :func:`corpus_tools.dedup.verify.verify_pair` (aligning) says, on real reports
that share formulas, quote and copy each other.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from conftest import iter_records

from corpus_tools.dedup import flag as dflag
from corpus_tools.dedup.config import make_config
from corpus_tools.dedup.flag import MIN_MATCH_RATIO, HeldSource
from corpus_tools.dedup.sketch import features_of_folded, fold_text
from corpus_tools.dedup.verify import verify_pair


def _check(texts: dict[str, str], subs: dict[str, str]) -> tuple[int, int, int]:
    """Compare every (submission, held) pair; returns how many were rejected, how many of
    those have passages (too short to count: rejected by the groups' bound), and how many
    were kept."""
    cfg = make_config(None, {}, "test")
    rejected = with_passages = kept = 0
    for name, text in subs.items():
        folded = fold_text(text, cfg)
        feats = features_of_folded(folded, cfg)
        seeds = dflag._SubmissionSeeds(folded.codes, cfg)
        for doc_id, held in texts.items():
            hf = features_of_folded(fold_text(held, cfg), cfg)
            source = HeldSource(doc_id, held, hf.length, hf.digest)
            shingled = dflag._source_shingles(source, cfg, feats.shingles)
            want = verify_pair(
                feats,
                hf._replace(shingles=shingled.ids),
                folded,
                shingled.folded,
                cfg,
                align=True,
                align_floor=MIN_MATCH_RATIO,
            )
            seeded = dflag._seeded(feats, source, shingled, seeds=seeds, cfg=cfg)
            if seeded is None:  # what verify_pair says of it is dropped
                ratio = want.ratio_first if not math.isnan(want.ratio_first) else 0.0
                assert want.relation is None and ratio < MIN_MATCH_RATIO, (name, doc_id)
                rejected += 1
                with_passages += len(want.spans) > 0
                continue
            got = dflag._judge_source(source, feats, folded, cfg, shingled, seeded=seeded).verdict
            assert got.spans.tolist() == want.spans.tolist(), (name, doc_id)
            assert got[:5] == want[:5] and got[6:] == want[6:], (name, doc_id)
            kept += 1
    return rejected, with_passages, kept


def test_pruned_sources_are_those_verify_pair_drops_on_seed_reports(
    seed_texts: dict[str, str],
) -> None:
    names = sorted(seed_texts)
    subs = {
        "copy": "我社区认真落实上级部署。\n" + seed_texts[names[1]][200:1400],
        "mix": seed_texts[names[3]][:800] + "\n" + seed_texts[names[4]][300:900],
        "whole": seed_texts[names[2]],
    }
    rejected, _, kept = _check(seed_texts, subs)
    assert rejected >= 3 and kept >= 3


def test_pruned_sources_are_those_verify_pair_drops_on_work_reports() -> None:
    """Government work reports share many formulas: most candidates share a few phrases."""
    national = {r["id"]: r["text"] for r in iter_records("state_council_gwr", limit=6)}
    provincial = [r["text"] for r in iter_records("provincial_gwr_2026", limit=10)]
    if len(provincial) < 10:
        pytest.skip("fewer than 10 provincial reports")
    paras = [p for p in list(national.values())[-1].split("\n") if len(p) >= 80]
    subs = {
        "fresh": provincial[0],
        "quoting": "\n".join(paras[2:6] + provincial[1].split("\n")[:20]),
        "edited": re.sub(r"[0-9]+", "9", list(national.values())[3]),
    }
    held = {**national, **{f"prov-{k}": t for k, t in enumerate(provincial[2:], 2)}}
    rejected, with_passages, kept = _check(held, subs)
    assert rejected > with_passages >= 3 and kept >= 3


def test_seeds_are_in_stable_sorted_order(seed_texts: dict[str, str]) -> None:
    """The seeds made by sorting packed values are those of a stable argsort of the window
    hashes, repeats and all (what flag and verification align with)."""
    from corpus_tools.dedup.align import seeds_of
    from corpus_tools.dedup.sketch import shingle_hashes

    cfg = make_config(None, {}, "test")
    texts = [*seed_texts.values(), "短", "坚持党建引领" * 40]
    for text in texts:
        codes = fold_text(text, cfg).codes
        got = seeds_of(codes, cfg.anchor_k, cfg.seed)
        if len(codes) < cfg.anchor_k:
            assert len(got.hashes) == len(got.order) == len(got.sorted) == 0
            continue
        h = shingle_hashes(codes, cfg.anchor_k, seed=cfg.seed)
        order = np.argsort(h, kind="stable")
        want = (h, order, h[order])
        assert all(a.tolist() == b.tolist() for a, b in zip(got, want, strict=True))
