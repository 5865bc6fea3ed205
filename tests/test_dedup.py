"""Near-duplicates, containment, partial copies, passages, clusters and the persistent index."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import iter_records
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_tools.dedup import (
    DedupConfig,
    DedupIndex,
    connected_components,
    copied_passages,
    document_features,
    find_near_duplicates,
    flag_submissions,
    lsh_candidate_pairs,
)
from corpus_tools.dedup.sketch import band_keys, minhash_signature, shingle_hashes
from corpus_tools.dedup.verify import jaccard_containment
from corpus_tools.errors import IndexFormatError, InvalidParameterError
from corpus_tools.io import load_corpus
from corpus_tools.text import fold_for_matching
from corpus_tools.text.matching import WILDCARD_CHAR

SEED_003 = "003_9b7675b2e4522a57.txt"
CASES = json.loads((Path(__file__).parent / "cases" / "dedup_folding.json").read_text("utf-8"))


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.splitlines() if p.strip()]


# --------------------------------------------------------------------------- folding


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_folding_cases(case: dict[str, str]) -> None:
    a, b = fold_for_matching(case["input"]), fold_for_matching(case["other"])
    assert (a.text == b.text) is case["same"]


def test_folded_offsets_slice_the_original(seed_texts: dict[str, str]) -> None:
    text = seed_texts["000_14cdbf6256da471f.txt"]
    folded = fold_for_matching(text)
    assert len(folded.codes) > 1000
    for i in range(0, len(folded.codes), 97):
        piece = text[folded.starts[i] : folded.ends[i]]
        if folded.codes[i] == ord(WILDCARD_CHAR):
            assert re.fullmatch(r"[0-9０-９XxＸｘ×○〇某.．\-—－至到\s]+", piece), piece
        else:
            assert len(piece) == 1


def test_filled_template_matches_blank_template(seed_texts: dict[str, str]) -> None:
    blank = seed_texts["000_14cdbf6256da471f.txt"]  # holds XX区, X个, 第X批
    filled = blank.replace("XX区", "城关区").replace("X个", "12个").replace("第X批", "第3批")
    assert filled != blank
    pairs = find_near_duplicates({"blank": blank, "filled": filled}).pairs
    assert pairs["relation"].tolist() in (["near-duplicate"], ["duplicate"])
    assert pairs["similarity"].iloc[0] > 0.95


# --------------------------------------------------------------------------- sketches


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet="党建引领基层治理创新发展XX12，。", min_size=0, max_size=80),
    st.text(alphabet="党建引领基层治理创新发展XX12，。", min_size=0, max_size=80),
)
def test_similarity_symmetric_bounded(a: str, b: str) -> None:
    fa, fb = document_features(a), document_features(b)
    s1, c1 = jaccard_containment(fa.shingles, fb.shingles)
    s2, c2 = jaccard_containment(fb.shingles, fa.shingles)
    assert (s1, c1) == (s2, c2)
    assert 0.0 <= s1 <= c1 <= 1.0
    if len(fa.shingles):
        assert jaccard_containment(fa.shingles, fa.shingles) == (1.0, 1.0)


def test_minhash_estimates_jaccard(seed_texts: dict[str, str]) -> None:
    text = seed_texts["002_fcffc313e2c7ef3d.txt"]
    half = len(text) // 2
    a = fold_for_matching(text).codes
    b = fold_for_matching(text[: half + half // 2] + seed_texts["004_4ba3fb77ef7e832c.txt"]).codes
    ha, hb = shingle_hashes(a, 5), shingle_hashes(b, 5)
    exact, _ = jaccard_containment(np.unique(ha), np.unique(hb))
    sa, sb = minhash_signature(ha, 256), minhash_signature(hb, 256)
    assert abs(float((sa == sb).mean()) - exact) < 0.1
    # identical sets: identical signatures and band keys
    assert np.array_equal(minhash_signature(ha, 128), minhash_signature(ha.copy(), 128))
    assert np.array_equal(band_keys(sa, 32), band_keys(sa.copy(), 32))


def test_lsh_pairs_and_components() -> None:
    bands = np.array([[1, 9], [2, 9], [3, 4], [5, 6], [7, 6]], dtype=np.uint64)
    assert lsh_candidate_pairs(bands).tolist() == [[0, 1], [3, 4]]
    assert connected_components(5, [[0, 1], [3, 4], [1, 2]]).tolist() == [0, 0, 0, 3, 3]


# --------------------------------------------------------------------------- relations


def test_seed_003_lines_is_one_cluster_of_six(seeds_dir: Path) -> None:
    docs = load_corpus(str(seeds_dir / SEED_003), split="lines").documents
    result = find_near_duplicates(docs)
    sizes = result.clusters.groupby("cluster").size().tolist()
    assert sizes == [6]
    assert set(result.pairs["relation"]) <= {"duplicate", "near-duplicate"}
    assert len(result.pairs) == 15


def test_seed_reports_are_not_copies_of_each_other(seeds_dir: Path) -> None:
    docs = load_corpus(str(seeds_dir)).documents
    assert find_near_duplicates(docs).pairs.empty


def test_repunctuated_shuffled_and_excerpt(seed_texts: dict[str, str]) -> None:
    text = seed_texts["002_fcffc313e2c7ef3d.txt"]
    paras = _paragraphs(text)
    rng = random.Random(3)
    shuffled = paras[:]
    rng.shuffle(shuffled)
    repunct = text.replace("，", ", ").replace("。", ".\n").replace("“", '"').replace("”", '"')
    long_para = max(paras, key=len)
    excerpt = "今年以来，我们认真学习。" + long_para[:300]
    corpus = {
        "orig": text,
        "shuffled": "\n".join(shuffled),
        "repunct": repunct,
        "excerpt": excerpt,
        "other": seed_texts["004_4ba3fb77ef7e832c.txt"],
    }
    pairs = find_near_duplicates(corpus).pairs
    rel = {frozenset((r.a, r.b)): r.relation for r in pairs.itertuples()}
    assert rel[frozenset(("repunct", "orig"))] == "duplicate"
    assert rel[frozenset(("shuffled", "orig"))] == "near-duplicate"
    excerpt_rows = pairs[pairs["a"] == "excerpt"]
    assert excerpt_rows["relation"].tolist() == ["contained"] * 3  # in orig, repunct, shuffled
    assert not any("other" in k for k in rel)


def test_partial_copy_found_though_jaccard_is_low(seed_texts: dict[str, str]) -> None:
    src = seed_texts["002_fcffc313e2c7ef3d.txt"]
    new = seed_texts["001_76da920ca12b73e0.txt"]
    copy = src[: int(len(src) * 0.6)] + "\n" + new[: int(len(src) * 0.4)]
    pairs = find_near_duplicates(
        {"src": src, "copy": copy, "x": seed_texts["004_4ba3fb77ef7e832c.txt"]}
    ).pairs
    row = pairs[(pairs["a"].isin(["src", "copy"])) & (pairs["b"].isin(["src", "copy"]))]
    assert len(row) == 1
    assert row["similarity"].iloc[0] < 0.5
    assert row["relation"].iloc[0] == "partial"
    assert 0.5 < row["copy_ratio"].iloc[0] < 0.75


def test_copied_passages_offsets_slice_both_texts(seed_texts: dict[str, str]) -> None:
    src = seed_texts["004_4ba3fb77ef7e832c.txt"]
    paras = _paragraphs(src)
    sub = (
        "新的开头段落，介绍基本情况。\n"
        + paras[3]
        + "\n中间插入的新内容，与原文无关。\n"
        + paras[5]
    )
    passages = copied_passages(sub, src)
    assert len(passages) == 2
    for p in passages.itertuples():
        assert sub[p.submission_start : p.submission_end] == p.text
        assert (
            fold_for_matching(p.text).text
            == fold_for_matching(src[p.match_start : p.match_end]).text
        )
    assert passages["text"].tolist()[0] in paras[3]


def test_traditional_transcription_matches_simplified() -> None:
    recs = {r["id"]: r for r in iter_records("state_council_gwr") if r["work_key"] == "gwr-1954"}
    pairs = find_near_duplicates({k: v["text"] for k, v in recs.items()}).pairs
    assert pairs["relation"].tolist() == ["near-duplicate"]
    without = find_near_duplicates({k: v["text"] for k, v in recs.items()}, traditional=False)
    assert without.pairs.empty or without.pairs["similarity"].iloc[0] < 0.5


@pytest.mark.slow
def test_two_transcriptions_all_found_none_across_years() -> None:
    recs = [
        r
        for r in iter_records("state_council_gwr")
        if r["doc_type"].startswith("state_council_gwr")
    ]
    key = {r["id"]: r["work_key"] for r in recs}
    pairs = find_near_duplicates({r["id"]: r["text"] for r in recs}).pairs
    found = {frozenset((a, b)) for a, b in zip(pairs["a"], pairs["b"], strict=True)}
    truth = {
        frozenset(ids)
        for ids in pd.Series(key).groupby(pd.Series(key)).groups.values()
        if len(ids) == 2
    }
    assert truth <= found
    assert all(key[a] == key[b] for a, b in zip(pairs["a"], pairs["b"], strict=True))


def test_deterministic_output(seed_texts: dict[str, str]) -> None:
    corpus = dict(seed_texts)
    corpus["copy"] = seed_texts["001_76da920ca12b73e0.txt"][:800]
    one = json.dumps(find_near_duplicates(corpus).to_json(), ensure_ascii=False)
    two = json.dumps(
        find_near_duplicates(dict(reversed(list(corpus.items())))).to_json(), ensure_ascii=False
    )
    assert one == two
    assert '"contained"' in one


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"threshold": 1.5},
            r"The 'threshold' parameter of find_near_duplicates must be a "
            r"float in \[0, 1\]. Got 1.5 instead.",
        ),
        ({"bands": 48}, r"'bands' parameter .* a divisor of num_perm=128"),
        ({"num_perm": 100}, r"'num_perm' parameter .* a power of two"),
        ({"shingle": 5}, r"'shingle' parameter .* one of the options"),
        ({"config": "fast"}, r"'config' parameter .* a DedupConfig or None"),
    ],
)
def test_bad_options(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        find_near_duplicates({"a": "文本"}, **kwargs)  # type: ignore[arg-type]


def test_bad_corpus() -> None:
    with pytest.raises(InvalidParameterError, match=r"'corpus' parameter .* a corpus DataFrame"):
        find_near_duplicates("data/raw")
    frame = pd.DataFrame({"doc_id": ["a", "a"], "text": ["一", "二"]})
    with pytest.raises(
        InvalidParameterError, match=r"must have unique doc_ids\. 'a' occurs more than once"
    ):
        find_near_duplicates(frame)
    with pytest.raises(InvalidParameterError, match=r"columns \['doc_id', 'text'\]"):
        find_near_duplicates(pd.DataFrame({"id": ["a"]}))


def test_config_object_and_overrides_agree(seed_texts: dict[str, str]) -> None:
    a = find_near_duplicates(seed_texts, config=DedupConfig(partial=0.5))
    b = find_near_duplicates(seed_texts, partial=0.5)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)


# --------------------------------------------------------------------------- index and flag


@pytest.fixture(scope="module")
def held(seed_texts: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in seed_texts.items() if k != SEED_003}


def test_index_roundtrip_add_and_flag(tmp_path: Path, held: dict[str, str]) -> None:
    names = sorted(held)
    index = DedupIndex().build({k: held[k] for k in names[:2]})
    index.save(tmp_path / "ix")
    loaded = DedupIndex.load(tmp_path / "ix")
    assert loaded.doc_ids_ == names[:2]
    assert loaded.text(names[1]) == held[names[1]]
    # add without rebuilding, save in place: the first text segment is kept as written
    first_segment = (tmp_path / "ix" / "texts-g0-0000.bin").read_bytes()
    loaded.add({k: held[k] for k in names[2:]}).save(tmp_path / "ix")
    assert (tmp_path / "ix" / "texts-g0-0000.bin").read_bytes() == first_segment
    again = DedupIndex.load(tmp_path / "ix")
    assert again.doc_ids_ == names
    sub = held[names[3]][:900] + "\n结合本地实际，我们还开展了其他工作。"
    report = again.flag({"sub": sub, "fresh": "这是一篇与库中材料都无关的短文，" * 3})
    assert report.submissions["flagged"].tolist() == [True, False]
    assert report.matches["doc_id"].tolist() == [names[3]]
    assert report.matches["relation"].tolist() == ["contained"]
    for p in report.passages.itertuples():
        assert sub[p.submission_start : p.submission_end] == p.text
    out = report.to_json()
    assert set(out[0]) >= {"submission", "flagged", "copy_ratio", "matches"}
    assert set(out[0]["matches"][0]["passages"][0]) >= {
        "submission_start",
        "submission_end",
        "match_start",
        "match_end",
    }
    # the same answer as an index built in memory in one go
    direct = flag_submissions({"sub": sub}, against=held)
    assert direct.matches["copy_ratio"].tolist() == report.matches["copy_ratio"].tolist()[:1]


def test_flag_sections_and_residue(held: dict[str, str]) -> None:
    src = held["004_4ba3fb77ef7e832c.txt"]
    paras = _paragraphs(src)
    sub = (
        "一、基本情况\n"
        + "我县认真贯彻落实上级部署，结合XX社区实际，新建X个服务站点。" * 3
        + "\n二、主要做法\n"
        + "\n".join(paras[3:7])
    )
    report = DedupIndex().build(held).flag({"sub": sub})
    secs = report.sections
    first = secs[secs["heading"].str.contains("基本情况")]
    second = secs[secs["heading"].str.contains("主要做法")]
    assert float(first["copy_ratio"].iloc[0]) < 0.1
    assert float(second["copy_ratio"].iloc[0]) > 0.8
    assert len(report.residue) >= 2
    assert set(report.residue["text"]) >= {"XX", "X"}
    for r in report.residue.itertuples():
        assert sub[r.start : r.end] == r.text


def test_index_errors(tmp_path: Path, held: dict[str, str]) -> None:
    index = DedupIndex().build(held)
    with pytest.raises(InvalidParameterError, match=r"already has, e\.g\. '00"):
        index.add({"000_14cdbf6256da471f.txt": "重复的编号"})
    index.save(tmp_path / "ix")
    with pytest.raises(IndexFormatError, match=r"no manifest\.json"):
        DedupIndex.load(tmp_path)
    manifest = json.loads((tmp_path / "ix" / "manifest.json").read_text("utf-8"))
    (tmp_path / "ix" / "manifest.json").write_text(json.dumps({**manifest, "version": 99}))
    with pytest.raises(IndexFormatError, match="format version 99; this corpus-tools reads"):
        DedupIndex.load(tmp_path / "ix")
    (tmp_path / "ix" / "manifest.json").write_text(json.dumps(manifest))
    bands = tmp_path / "ix" / manifest["arrays"]["bands"]
    data = bytearray(bands.read_bytes())
    data[-1] ^= 0xFF
    bands.write_bytes(bytes(data))
    # (no query reads the bands: they are checked before anything uses them whole)
    with pytest.raises(IndexFormatError, match=r"bands-g0\.npy is corrupt"):
        DedupIndex.load(tmp_path / "ix").near_duplicates()
    with pytest.raises(InvalidParameterError, match="exactly one of index= or against="):
        flag_submissions({"s": "文本"})
    with pytest.raises(InvalidParameterError, match=r"'k' parameter of DedupIndex\.set_options"):
        index.set_options(k=7)


def test_corrupt_text_segment_is_reported(tmp_path: Path, held: dict[str, str]) -> None:
    DedupIndex().build(held).save(tmp_path / "ix")
    seg = tmp_path / "ix" / "texts-g0-0000.bin"
    data = bytearray(seg.read_bytes())
    data[10] ^= 0xFF
    seg.write_bytes(bytes(data))
    index = DedupIndex.load(tmp_path / "ix")
    with pytest.raises(IndexFormatError, match=r"texts-g0-0000\.bin is corrupt"):
        index.text(0)


def test_empty_texts_are_copies_of_nothing() -> None:
    assert find_near_duplicates({"a": "", "b": "。。", "c": "X"}).pairs.empty
    report = DedupIndex().build({"a": "", "b": "坚持党建引领"}).flag({"s": "", "t": "坚持党建引领"})
    assert report.submissions["flagged"].tolist() == [False, True]
    # a duplicate too short for a passage still shows where it matched
    assert report.passages[["submission_start", "submission_end"]].values.tolist() == [[0, 6]]
    assert report.submissions["copy_ratio"].tolist() == [0.0, 1.0]


def test_a_second_small_source_is_found_with_its_passage(seed_texts: dict[str, str]) -> None:
    """A submission that copies one report and a filled-in paragraph of another: both
    sources, and the paragraph's passage at its offsets in both texts."""
    from corpus_tools.dedup import flag_submissions
    from corpus_tools.io import load_texts

    template = seed_texts["000_14cdbf6256da471f.txt"]
    paragraph = template.split("\n")[5]
    filled = paragraph.replace("XX区", "城东区").replace("X个", "7个")
    body = seed_texts["004_4ba3fb77ef7e832c.txt"]
    submission = body + "\n" + filled
    held = load_texts(seed_texts)
    report = flag_submissions({"sub": submission}, against=held)
    sources = report.matches["doc_id"].tolist()
    assert sources[:2] == ["004_4ba3fb77ef7e832c.txt", "000_14cdbf6256da471f.txt"]
    small = report.passages[report.passages["doc_id"] == "000_14cdbf6256da471f.txt"]
    assert len(small) >= 1
    p = small.iloc[0]
    assert p.submission_start >= len(body)
    copied = submission[p.submission_start : p.submission_end]
    original = template[p.match_start : p.match_end]
    assert len(copied) > 100
    assert copied.replace("城东区", "XX区").replace("7个", "X个") == original
    assert report.submissions["copy_ratio"].item() > 0.95


class _Crash(Exception):
    pass


@pytest.mark.parametrize(
    "case", [(when, k) for when in ("rebuild", "add") for k in range(7)], ids=str
)
def test_a_crash_while_saving_leaves_the_previous_index_whole(
    tmp_path: Path,
    held: dict[str, str],
    seed_texts: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, int],
) -> None:
    import corpus_tools.dedup.store as di

    when, crash_at = case

    out = tmp_path / "ix"
    DedupIndex().build(held).save(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    if when == "rebuild":  # another corpus saved over it (index build -o DIR again)
        new = DedupIndex().build({f"n{i}": t for i, t in enumerate(seed_texts.values())})
    else:  # index add: the same directory, new texts
        new = DedupIndex.load(out).add({"extra": seed_texts[SEED_003]})
    # the save's files are written one by one through atomic_write: crash at the k-th
    real = di.atomic_write
    calls = []

    def crashing(path: Any, mode: str = "wb") -> Any:
        calls.append(Path(path).name)
        if len(calls) > crash_at:
            raise _Crash
        return real(path, mode)

    monkeypatch.setattr(di, "atomic_write", crashing)
    with pytest.raises(_Crash):
        new.save(out)
    monkeypatch.setattr(di, "atomic_write", real)
    # every file of the previous index is there, unchanged, and it loads and reads
    for name, data in before.items():
        assert (out / name).read_bytes() == data, name
    old = DedupIndex.load(out)
    assert old.doc_ids_ == list(held)
    assert [old.text(k) for k in held] == list(held.values())
    # a save that completes replaces it and leaves no file of the old one behind
    new = DedupIndex().build({"only": seed_texts[SEED_003]})
    new.save(out)
    assert DedupIndex.load(out).doc_ids_ == ["only"]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    named = {*manifest["files"], *manifest["segments"].values(), "manifest.json", "writer.lock"}
    assert {p.name for p in out.iterdir()} == named
