"""An index whose sketches went to its spill folder (a large corpus, forced here with
``SKETCH_SPILL_BYTES = 0``) writes the same files, byte for byte, as one that held them in
memory, and answers the same before and after it is saved."""

from __future__ import annotations

import filecmp
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from corpus_tools.dedup import DedupIndex
from corpus_tools.dedup import index as dedup_index
from corpus_tools.errors import InvalidParameterError

#: Files of an index directory that are not its content (the lock and its owner).
_NOT_CONTENT = {"writer.lock", "writer.json"}


@pytest.fixture(scope="module")
def chunks(seed_texts: dict[str, str]) -> list[pd.DataFrame]:
    """Three chunks of documents made of the seed reports' sentences: each report of
    chunk 0 copied in part into one of chunk 2, so that there are pairs to find."""
    lines = [s.strip() for t in seed_texts.values() for s in re.split(r"(?<=[。；！？])|\n", t)]
    lines = [s for s in lines if len(s) >= 25]
    rng = random.Random(23)
    docs = {f"d{i:03d}": "".join(rng.sample(lines, 6)) for i in range(90)}
    for i in range(30):  # d060.. copy half of d000..
        docs[f"d{60 + i:03d}"] = docs[f"d{i:03d}"][:300] + docs[f"d{60 + i:03d}"][300:]
    frame = pd.DataFrame({"doc_id": list(docs), "text": list(docs.values())})
    return [frame.iloc[k : k + 30].reset_index(drop=True) for k in range(0, 90, 30)]


def _same_files(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.iterdir() if p.name not in _NOT_CONTENT)
    assert names == sorted(p.name for p in b.iterdir() if p.name not in _NOT_CONTENT)
    for name in names:
        assert filecmp.cmp(a / name, b / name, shallow=False), name


def _build(
    chunks: list[pd.DataFrame], folder: Path, monkeypatch: pytest.MonkeyPatch, spill: bool
) -> DedupIndex:
    monkeypatch.setattr(dedup_index, "SKETCH_SPILL_BYTES", 0 if spill else 1 << 40)
    index = DedupIndex(spill_dir=folder).build(list(chunks[:2]))
    assert (index._sketch is not None) == spill
    return index


def test_spilled_build_and_add_write_the_same_files(
    chunks: list[pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for spill in (False, True):
        index = _build(chunks, tmp_path, monkeypatch, spill)
        index.save(tmp_path / f"built-{spill}")
        assert index._sketch is None and not list(tmp_path.glob(".corpus-tools-index-*"))
        # an add to the loaded index: its arrays mapped, the new sketches spilled or not
        loaded = DedupIndex.load(tmp_path / f"built-{spill}")
        loaded.add(chunks[2], role="reference")
        assert (loaded._sketch is not None) == spill
        loaded.save(tmp_path / f"built-{spill}")
    _same_files(tmp_path / "built-False", tmp_path / "built-True")


def test_spilled_index_answers_as_one_in_memory(
    chunks: list[pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = _build(chunks, tmp_path, monkeypatch, False).add(chunks[2])
    probe = {"p": chunks[2]["text"][4], "q": chunks[0]["text"][7][:200]}
    expected = memory.flag(probe).to_json()
    pairs = memory.near_duplicates().pairs
    assert len(pairs) >= 30 and expected[0]["flagged"] and expected[1]["matches"]
    # asked before it is saved, it merges its spilled sketches; after, it maps the files
    spilled = _build(chunks, tmp_path, monkeypatch, True).add(chunks[2])
    assert spilled.flag(probe).to_json() == expected
    assert spilled._sketch is None
    pd.testing.assert_frame_equal(spilled.near_duplicates().pairs, pairs)
    saved = _build(chunks, tmp_path, monkeypatch, True).add(chunks[2])
    saved.save(tmp_path / "saved")
    assert saved.flag(probe).to_json() == expected
    assert saved.nbytes()["search"] == memory.nbytes()["search"]
    assert saved.text("d064") == memory.text("d064") == chunks[2]["text"][4]


def test_spilled_add_refuses_an_id_already_held(
    chunks: list[pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = _build(chunks, tmp_path, monkeypatch, True)
    again = chunks[2].copy()
    again.loc[3, "doc_id"] = "d017"  # held since the first chunk
    with pytest.raises(InvalidParameterError, match=r"holds 1 doc_id\(s\).*'d017'"):
        index.add(again)
    assert len(index) == 60
    index.add(chunks[2])
    assert index.doc_ids_[-1] == "d089" and index.text("d089") == chunks[2]["text"][29]
