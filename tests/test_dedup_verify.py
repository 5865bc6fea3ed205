"""Batched verification (verify_table) gives what pair-by-pair verification gives.

The batched path (with the compiled loops of ``native.c`` and with the numpy code: the
``loops`` fixture runs a test on both) groups identical texts, intersects shingle sets for
all pairs at once, matches alignment seeds for many pairs at once and rejects pairs by an
upper bound before chaining their passages. Every one of those steps must leave the
verdicts as they were: these tests compare it with :func:`verify_candidates` (one
:func:`verify_pair` per pair, the reference) on real text, with the default options and
with thresholds low enough that nearly every pair needs aligning.
"""

from __future__ import annotations

from itertools import combinations, pairwise
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import iter_records

import corpus_tools as ct
from corpus_tools.dedup import DedupIndex, find_near_duplicates, verify
from corpus_tools.dedup.align import (
    align_folded,
    batch_components,
    dense_ids,
    diagonal_groups,
    passages_of_groups,
    seed_runs,
    seed_table,
    seeds_of,
    stable_order,
)
from corpus_tools.dedup.config import make_config
from corpus_tools.dedup.sketch import features_of_folded, fold_text, shingle_hashes
from corpus_tools.dedup.verify import (
    connected_components,
    exact_groups,
    feature_table,
    seed_chunks,
    shared_counts,
    verify_candidates,
    verify_table,
)
from corpus_tools.errors import InvalidParameterError


@pytest.fixture(params=["compiled", "numpy"])
def loops(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Verification by the compiled loops, then by the numpy code (the fallback)."""
    if request.param == "numpy":
        monkeypatch.setattr(verify, "NATIVE", None)
    elif verify.NATIVE is None:
        pytest.skip("the compiled loops were not built (no C compiler)")
    return str(request.param)


# options under which nearly every pair is aligned (the bound and the chaining are used)
LOW = {"threshold": 0.9, "containment": 0.2, "partial": 0.05, "min_passage": 12}


def _news(limit: int) -> dict[str, str]:
    return {str(r["id"]): str(r["text"]) for r in iter_records("xinwen_lianbo", limit)}


def _lines() -> dict[str, str]:
    docs = ct.load_corpus("data/raw", split="lines").documents
    return dict(zip(docs["doc_id"].astype(str), docs["text"].astype(str), strict=True))


def _with_copies(texts: dict[str, str]) -> dict[str, str]:
    """``texts`` plus exact copies (a group of 12 and a pair), a re-punctuated copy, a
    half and an edited copy."""
    keys = sorted(texts)
    out = dict(texts)
    for c in range(12):
        out[f"{keys[0]}-copy{c:02d}"] = texts[keys[0]]
    out[f"{keys[1]}-copy"] = texts[keys[1]]
    out[f"{keys[2]}-repunct"] = texts[keys[2]].replace("，", "、").replace("。", "！")
    edited = list(texts[keys[4]])
    edited[::40] = "某" * len(edited[::40])  # a word changed every 40 characters
    out[f"{keys[4]}-edited"] = "".join(edited)
    out[f"{keys[3]}-half"] = texts[keys[3]][: len(texts[keys[3]]) // 2]
    return out


def _both(texts: dict[str, str], cands: Any, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(batched, reference) pairs for candidate pairs of ``texts`` in doc_id order."""
    cfg = make_config(None, options, "test")
    ids = sorted(texts)
    folded = [fold_text(texts[i], cfg) for i in ids]
    feats = [features_of_folded(f, cfg) for f in folded]
    cands = np.asarray(cands, dtype=np.int64).reshape(-1, 2)
    table = feature_table(feats, [f.codes for f in folded])
    got = verify_table(cands, table, ids, cfg)
    ref = verify_candidates(cands, lambda i: (feats[i], folded[i]), ids, cfg, progress=False)
    return got.pairs, ref.pairs


def _all_pairs(n: int) -> np.ndarray:
    return np.array(list(combinations(range(n), 2)), dtype=np.int64).reshape(-1, 2)


@pytest.mark.usefixtures("loops")
@pytest.mark.parametrize("options", [{}, LOW], ids=["default", "low thresholds"])
def test_batched_equals_pair_by_pair_on_seed_lines(options: dict[str, Any]) -> None:
    texts = _with_copies(_lines())
    got, ref = _both(texts, _all_pairs(len(texts)), **options)
    assert len(ref) > 20 and set(ref["relation"]) >= {"duplicate", "contained"}
    pd.testing.assert_frame_equal(got, ref)


# a memory budget so small that the seed tables are built for a few pairs at a time
SMALL = {**LOW, "max_memory": 64 * 3000}


@pytest.mark.usefixtures("loops")
@pytest.mark.parametrize(
    "options", [{}, LOW, SMALL], ids=["default", "low thresholds", "seed chunks"]
)
def test_batched_equals_pair_by_pair_on_news(options: dict[str, Any]) -> None:
    texts = _with_copies(_news(160))
    got, ref = _both(texts, _all_pairs(len(texts)), **options)
    assert set(ref["relation"]) >= {"duplicate", "contained", "partial"}
    pd.testing.assert_frame_equal(got, ref)


@pytest.mark.usefixtures("loops")
def test_pairs_given_in_either_order_and_twice() -> None:
    texts = _with_copies(_lines())
    pairs = _all_pairs(len(texts))[::7]
    mixed = np.concatenate([pairs[::2], pairs[1::2][:, ::-1]])
    got, ref = _both(texts, mixed, **LOW)
    pd.testing.assert_frame_equal(got, ref)


@pytest.mark.usefixtures("loops")
@pytest.mark.filterwarnings("ignore:.*related pairs among:UserWarning")
def test_zero_thresholds_keep_pairs_without_passages() -> None:
    # with containment and partial at 0 every aligned pair has a relation, even one
    # without a single passage: the bound must not reject it
    texts = dict(list(_lines().items())[:40])
    got, ref = _both(texts, _all_pairs(len(texts)), threshold=1.0, containment=0.0, partial=0.0)
    assert len(ref) > 0
    pd.testing.assert_frame_equal(got, ref)


@pytest.mark.usefixtures("loops")
@pytest.mark.filterwarnings("ignore:.*related pairs among:UserWarning")
def test_identical_texts_are_verified_once_and_all_reported() -> None:
    base = _news(40)
    texts = {**base, **{f"copy-{c:03d}": base[sorted(base)[5]] for c in range(60)}}
    result = find_near_duplicates(texts)
    group = {sorted(base)[5], *(f"copy-{c:03d}" for c in range(60))}
    inside = result.pairs[result.pairs["a"].isin(group) & result.pairs["b"].isin(group)]
    assert len(inside) == 61 * 60 // 2
    assert set(inside["relation"]) == {"duplicate"}
    assert (inside[["similarity", "containment", "copy_ratio"]] == 1.0).all().all()
    sizes = result.clusters.groupby("cluster")["doc_id"].apply(set)
    assert any(group <= s for s in sizes)


@pytest.mark.usefixtures("loops")
def test_stream_memory_and_index_paths_agree(tmp_path: Any) -> None:
    texts = _with_copies(_news(120))
    frame = pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})
    whole = find_near_duplicates(frame)
    chunks = [frame.iloc[k : k + 17] for k in range(0, len(frame), 17)][::-1]
    streamed = find_near_duplicates(chunks)
    indexed = DedupIndex().build(frame).near_duplicates()
    assert len(whole.pairs) > 20
    pd.testing.assert_frame_equal(streamed.pairs, whole.pairs)
    pd.testing.assert_frame_equal(indexed.pairs, whole.pairs)
    pd.testing.assert_frame_equal(streamed.clusters, whole.clusters)
    pd.testing.assert_frame_equal(indexed.clusters, whole.clusters)


def test_stream_refuses_an_id_given_twice() -> None:
    one = pd.DataFrame({"doc_id": ["a", "b"], "text": ["坚持党建引领", "推动基层治理"]})
    two = pd.DataFrame({"doc_id": ["c", "a"], "text": ["全面从严治党", "三会一课"]})
    with pytest.raises(InvalidParameterError, match=r"already has, e\.g\. 'a'"):
        find_near_duplicates([one, two])


def test_bound_never_below_what_passages_cover() -> None:
    # for every pair of news items: the joined stretches of the diagonal groups bound the
    # characters the aligned passages cover, in both texts
    cfg = make_config(None, {"min_passage": 12}, "test")
    texts = list(_news(60).values())
    folded = [fold_text(t, cfg).codes for t in texts]
    from corpus_tools.dedup.align import batch_groups, group_length

    hashes = [
        shingle_hashes(c, cfg.anchor_k) if len(c) >= cfg.anchor_k else np.zeros(0, np.uint64)
        for c in folded
    ]
    table = seed_table(hashes)
    pairs = _all_pairs(len(texts))
    gp, groups = batch_groups(table, pairs[:, 0], pairs[:, 1], cfg.anchor_k, cfg.max_gap)
    keep = groups[:, 1] - groups[:, 0] >= group_length(cfg.anchor_k, cfg.min_passage)
    gp, groups = gp[keep], groups[keep]
    reach_a = batch_components(
        gp, groups[:, 0], groups[:, 1], len(pairs), max_gap=cfg.max_gap, min_len=cfg.min_passage
    )
    reach_b = batch_components(gp, groups[:, 2], groups[:, 3], len(pairs), max_gap=cfg.max_gap)
    covered = 0
    for p, (x, y) in enumerate(pairs.tolist()):
        spans = align_folded(
            folded[x], folded[y], k=cfg.anchor_k, min_passage=cfg.min_passage, max_gap=cfg.max_gap
        )
        a = int((spans[:, 1] - spans[:, 0]).sum())
        mask = np.zeros(len(folded[y]), bool)
        for s0, s1 in spans[:, 2:].tolist():
            mask[s0:s1] = True
        b = int(mask.sum())
        assert a <= reach_a[p] and b <= reach_b[p], (x, y)
        covered += a > 0
    assert covered > 5  # the sample has pairs with passages
    assert (reach_a == 0).mean() > 0.5  # and the bound rejects most pairs


@pytest.mark.usefixtures("loops")
def test_shared_counts_match_set_intersections() -> None:
    cfg = make_config(None, {}, "test")
    texts = list(_news(50).values())
    folded = [fold_text(t, cfg) for t in texts]
    feats = [features_of_folded(f, cfg) for f in folded]
    table = feature_table(feats, [f.codes for f in folded])
    pairs = _all_pairs(len(texts))
    got = shared_counts(table, pairs[:, 0], pairs[:, 1])
    want = [len(np.intersect1d(feats[x].shingles, feats[y].shingles)) for x, y in pairs.tolist()]
    assert got.tolist() == want


def test_seed_chunks_stay_within_the_budget() -> None:
    rng = np.random.default_rng(0)
    length = rng.integers(0, 900, size=300)
    pairs = np.sort(rng.integers(0, 300, size=(2000, 2)), axis=1)
    chunks = seed_chunks(pairs, length, 5000)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(pairs) and len(chunks) > 10
    for (a, b), (c, _) in pairwise(chunks):
        assert b == c and b > a  # consecutive, none empty
    for a, b in chunks:
        rows = np.unique(pairs[a:b])
        assert length[rows].sum() <= 5000 or b - a == 1


def test_dense_ids_and_seed_table() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 50, size=400).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    ids, n = dense_ids(values)
    _, inverse = np.unique(values, return_inverse=True)
    assert ids.tolist() == inverse.tolist() and n == len(np.unique(values))
    table = seed_table([values[:150], values[150:], np.zeros(0, np.uint64)])
    for r, part in enumerate([values[:150], values[150:]]):
        lo, hi = table.ptr[r], table.ptr[r + 1]
        assert table.order[lo:hi].tolist() == np.argsort(part, kind="stable").tolist()


def test_dense_ids_when_hashes_share_their_high_bits() -> None:
    # real 8-gram hashes of news items, and hashes that agree above the bits dense_ids
    # packs the index into (a case the packed sort must put right)
    cfg = make_config(None, {}, "test")
    real = np.concatenate([shingle_hashes(fold_text(t, cfg).codes, 8) for t in _news(40).values()])
    bits = (len(real) - 1).bit_length()
    rng = np.random.default_rng(5)
    crafted = (real[:300] >> np.uint64(bits + 3) << np.uint64(bits + 3)) | rng.integers(
        0, 1 << bits, size=300
    ).astype(np.uint64)
    for values in (real, np.concatenate([real, crafted, crafted[::-1], real[:50]])):
        ids, n = dense_ids(values)
        uniq, inverse = np.unique(values, return_inverse=True)
        assert ids.tolist() == inverse.tolist() and n == len(uniq)


def test_stable_order_is_a_stable_argsort() -> None:
    rng = np.random.default_rng(2)
    for size, limit in ((1, 1), (7, 3), (5000, 40), (5000, 1 << 40), (300, 1 << 61)):
        keys = rng.integers(0, limit, size=size, dtype=np.int64)
        assert stable_order(keys, limit).tolist() == np.argsort(keys, kind="stable").tolist()


def _resolve_by_mask(spans: list[list[int]], n: int, min_passage: int) -> list[list[int]]:
    """The passage rule spelled with a mask of claimed positions (the reference)."""
    taken = np.zeros(n, dtype=bool)
    out = []
    for span in sorted(spans, key=lambda p: (-(p[1] - p[0]), p[0], p[2])):
        a0, a1, b0, b1 = span
        if a1 - a0 < min_passage:
            continue
        free = ~taken[a0:a1]
        if not free.all():
            edges = np.diff(np.concatenate([[0], free.view(np.int8), [0]]))
            starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
            if len(starts) == 0:
                continue
            best = int(np.argmax(ends - starts))
            a0, a1, b0 = a0 + int(starts[best]), a0 + int(ends[best]), b0 + int(starts[best])
            b1 = min(b1, b0 + (a1 - a0))
        if a1 - a0 >= min_passage and b1 > b0:
            taken[a0:a1] = True
            out.append([a0, a1, b0, b1])
    return sorted(out)


def test_passages_claim_only_free_stretches_as_the_mask_rule_does() -> None:
    from corpus_tools.dedup.align import _merge

    cfg = make_config(None, {}, "test")
    texts = list(_news(60).values())
    cases = []
    for x, y in pairwise(texts):  # an item and an edited copy
        a = fold_text(x, cfg).codes
        b = fold_text(y[:200] + x[len(x) // 3 :] + x[: len(x) // 2], cfg).codes
        runs = seed_runs(seeds_of(a, 8), seeds_of(b, 8), 8)
        cases.append((diagonal_groups(runs, max_gap=12, min_len=0), len(a)))
    rng = np.random.default_rng(4)
    for _ in range(300):  # overlapping groups on many diagonals
        a0 = rng.integers(0, 300, 8)
        a1 = a0 + rng.integers(2, 60, 8)
        b0 = np.maximum(a0 + rng.integers(-20, 20, 8), 0)
        cases.append((np.stack([a0, a1, b0, b0 + (a1 - a0)], 1), 400))
    claimed = 0
    for groups, n in cases:
        for min_passage, max_gap in ((20, 12), (8, 3)):
            merged = _merge(np.asarray(groups).tolist(), max_gap)
            want = _resolve_by_mask(merged, n, min_passage)
            got = passages_of_groups(groups, n, min_passage=min_passage, max_gap=max_gap)
            assert got.tolist() == want
            claimed += len(want) > 1
    assert claimed > 50


def test_exact_groups_and_components() -> None:
    length = np.array([5, 5, 0, 5, 0, 7])
    digest = np.array([1, 2, 9, 1, 9, 1], dtype=np.uint64)
    assert exact_groups(length, digest).tolist() == [0, 1, 2, 0, 4, 5]
    rng = np.random.default_rng(1)
    n = 300
    edges = rng.integers(0, n, size=(260, 2))
    labels = connected_components(n, edges)
    # reference: plain union-find
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in edges.tolist():
        ri, rj = find(i), find(j)
        parent[max(ri, rj)] = min(ri, rj)
    want = [min(k for k in range(n) if find(k) == find(i)) for i in range(n)]
    assert labels.tolist() == want


@pytest.mark.parametrize("source", ["lines", "news", "none"])
def test_dedup_json_is_dumps_byte_for_byte(source: str) -> None:
    from corpus_tools.cli.common import dumps
    from corpus_tools.cli.dedup import dedup_json

    texts = {"lines": _lines, "news": lambda: _with_copies(_news(120))}.get(
        source, lambda: {"a": "坚持党建引领", "b": "推动基层治理"}
    )()
    result = find_near_duplicates(texts)
    assert (len(result.pairs) == 0) == (source == "none")
    assert dedup_json(result) == dumps(result.to_json())


def test_group_duplicates_keeps_every_figure() -> None:
    from corpus_tools.cli.common import dumps
    from corpus_tools.cli.dedup import dedup_json, duplicate_groups

    base = _news(80)
    item = sorted(base)[7]
    copies = {f"{item}-copy{c:02d}": base[item] for c in range(25)}
    result = find_near_duplicates({**base, **copies})
    grouped, groups = duplicate_groups(result)
    group = sorted([item, *copies])
    assert group in groups and groups[0] == group  # the largest group first
    rep = {m: g[0] for g in groups for m in g}
    # every pair left out is a duplicate inside a group, or has the figures of the pair
    # of the representatives, which is kept
    kept = {(r.a, r.b): r for r in grouped.pairs.itertuples()}
    assert len(grouped.pairs) < len(result.pairs) - 300
    for r in result.pairs.itertuples():
        ra, rb = rep.get(r.a, r.a), rep.get(r.b, r.b)
        if ra == rb:
            assert r.relation == "duplicate"
            continue
        k = kept.get((ra, rb)) or kept.get((rb, ra))
        assert k is not None, (r.a, r.b)
        assert (k.similarity, k.containment, k.copy_ratio, k.relation) == (
            r.similarity,
            r.containment,
            r.copy_ratio,
            r.relation,
        )
    want = {**grouped.to_json(), "duplicates": groups}
    assert dedup_json(grouped, groups) == dumps(want)


def test_cli_group_duplicates(tmp_path: Any) -> None:
    import json

    from click.testing import CliRunner

    from corpus_tools.cli import cli

    base = _news(40)
    item = sorted(base)[3]
    texts = {**base, **{f"{item}-copy{c}": base[item] for c in range(5)}}
    path = tmp_path / "news.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in texts.items()
        ),
        encoding="utf-8",
    )
    args = ["dedup", str(path), "--format", "json"]
    plain = json.loads(CliRunner().invoke(cli, args, catch_exceptions=False).output)
    grouped = json.loads(
        CliRunner().invoke(cli, [*args, "--group-duplicates"], catch_exceptions=False).output
    )
    assert "duplicates" not in plain
    assert sorted([item, *(f"{item}-copy{c}" for c in range(5))]) in grouped["duplicates"]
    assert grouped["clusters"] == plain["clusters"]
    assert len(grouped["pairs"]) < len(plain["pairs"])


@pytest.mark.usefixtures("loops")
def test_candidates_verified_block_by_block_give_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stream path verifies each block of candidates (and a slice of a block at a
    time) before the next block is made: the pairs and clusters are those of one pass."""
    from corpus_tools.dedup import candidates as cmod
    from corpus_tools.dedup import verify as vmod

    texts = _with_copies(_news(300))
    ids = sorted(texts)
    cfg = make_config(None, {}, "test")
    folded = [fold_text(texts[i], cfg) for i in ids]
    feats = [features_of_folded(f, cfg) for f in folded]
    table = feature_table(feats, [f.codes for f in folded])
    args = (
        np.stack([f.bands for f in feats]),
        np.concatenate([f.anchors for f in feats]),
        np.repeat(np.arange(len(feats)), [len(f.anchors) for f in feats]),
        np.array([len(f.anchors) for f in feats], dtype=np.int64),
    )
    extra = {
        "lengths": np.array([f.length for f in feats]),
        "shingles_of": lambda k: feats[k].shingles,
    }
    whole = cmod.configured_candidates(*args, **extra, config=cfg)
    one = verify_table(whole.pairs, table, ids, cfg)
    small = make_config(None, {"max_memory": 64 * 40}, "test")  # about 40 pairs per block
    blocks = cmod.configured_candidate_blocks(*args, **extra, config=small)
    monkeypatch.setattr(vmod, "VERIFY_PAIRS", 7)
    many = verify_table(blocks, table, ids, small)
    assert blocks.blocks > 5
    assert len(one.pairs) > 30 and set(one.pairs["relation"]) >= {"duplicate", "partial"}
    pd.testing.assert_frame_equal(many.pairs, one.pairs)
    pd.testing.assert_frame_equal(many.clusters, one.clusters)


def _slices(text: str, count: int, seed: int = 7) -> dict[str, str]:
    """``count`` overlapping slices of 40-80 characters of ``text`` (issue 23 item 2)."""
    rng = np.random.default_rng(seed)
    out = {}
    for k in range(count):
        start = int(rng.integers(0, len(text) - 80))
        out[f"slice-{k:03d}"] = text[start : start + int(rng.integers(40, 81))]
    return out


def test_many_pairs_per_document_are_named_in_a_warning(
    seed_texts: dict[str, str], tmp_path: Any
) -> None:
    import json
    import warnings

    from click.testing import CliRunner

    from corpus_tools.cli import cli

    text = seed_texts["001_76da920ca12b73e0.txt"]
    dense = _slices(text[:500], 200)  # every slice overlaps about a dozen others
    with pytest.warns(UserWarning, match=r"related pairs among 200 documents") as caught:
        pairs = find_near_duplicates(dense).pairs
    assert len(pairs) > 10 * len(dense)
    assert f"{len(pairs):,} related pairs" in str(caught[0].message)
    with warnings.catch_warnings():  # slices of a longer text overlap fewer: no word
        warnings.simplefilter("error")
        sparse = find_near_duplicates(_slices(text[:3000], 200)).pairs
    assert 0 < len(sparse) <= 10 * 200
    path = tmp_path / "slices.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in dense.items()
        ),
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["dedup", str(path), "--format", "json"])
    assert res.exit_code == 0
    assert "warning: " in res.stderr and "per document" in res.stderr
    assert len(json.loads(res.stdout)["pairs"]) == len(pairs)


def test_result_rows_and_tables_agree_and_tables_are_made_on_demand() -> None:
    texts = _with_copies(_news(80))
    result = find_near_duplicates(texts, keep=None)  # no fields: no table to join them to
    rows = result.rows()
    assert result._pairs is None and result._clusters is None  # nothing built yet
    pairs, clusters = result  # unpacks as the named tuple it was
    assert result[0] is pairs and result[1] is clusters and len(result) == 2
    assert list(pairs.columns) == ["a", "b", "similarity", "containment", "copy_ratio", "relation"]
    assert pairs.dtypes.astype(str).tolist() == ["object"] * 2 + ["float64"] * 3 + ["object"]
    for name in ("a", "b", "similarity", "containment", "copy_ratio", "relation"):
        assert pairs[name].tolist() == getattr(rows, name)
    assert clusters.groupby("cluster")["doc_id"].apply(list).tolist() == rows.clusters
    assert set(rows.relation) >= {"duplicate", "contained"}
    # pairs sorted by relation strength, then similarity (highest first), then doc_ids
    strength = pairs["relation"].map(
        {"duplicate": 0, "near-duplicate": 1, "contained": 2, "partial": 3}
    )
    keys = list(zip(strength, -pairs["similarity"], pairs["a"], pairs["b"], strict=True))
    assert keys == sorted(keys)
    # a result made from tables gives the same rows, JSON and repr
    again = type(result)(pairs, clusters)
    assert again.rows() == rows and again.to_json() == result.to_json()
    assert (
        repr(again)
        == repr(result)
        == (f"DedupResult(pairs: {len(pairs):,} rows, clusters: {len(rows.clusters):,})")
    )
    swapped = result._replace(pairs=pairs.head(3))
    assert len(swapped.pairs) == 3 and swapped.clusters is clusters
    with pytest.raises(TypeError, match="both tables"):
        type(result)(pairs)
