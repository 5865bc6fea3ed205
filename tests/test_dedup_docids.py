"""What the streamed dedup keeps per document while it searches and verifies (issue 23).

words 2 GB (993,683 documents) peaked at 1.76 times words 400 MB: doc_ids held as Python
strings (80 bytes a document), the anchor groups in memory (6.6M entries) and int64 arrays
per document grew with the corpus. The ids are now one UTF-8 buffer (DocIds), the groups
files mapped and released a part at a time; these tests hold the results to what they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import iter_records

from corpus_tools.dedup.candidates import SpilledPostings, release_pages
from corpus_tools.dedup.config import DedupConfig
from corpus_tools.dedup.sketch import features_of_many, fold_text
from corpus_tools.dedup.verify import SORT_WIDTH, DocIds, PairFigures, dedup_frame


def _ids(values: list[str], chunk: int = 3) -> DocIds:
    ids = DocIds()
    for start in range(0, len(values), chunk):
        ids.extend(values[start : start + chunk])
    return ids


# ids whose str order and naive byte orders disagree: 3- and 4-byte UTF-8, lone
# surrogates (U+D800 sorts between U+D7FF and U+E000), prefixes, repeats, Latin-1 bytes
TRICKY = [
    "b-10", "b-2", "b", "a", "中文", "中", "\U0001f600", "\uffff", "\ud800", "\ud7ff",
    "\ue000", "é", "e", "z" * 20, "b-2", "", "A", "0", "~",
]  # fmt: skip


def test_ids_read_back_as_given_and_sort_as_strings(seeds_dir: Path) -> None:
    names = [str(p.name) for p in sorted(seeds_dir.iterdir())] + TRICKY
    ids = _ids(names)
    assert len(ids) == len(names)
    assert list(ids) == names
    assert ids[-1] == names[-1] and ids[2:5] == names[2:5]
    want = sorted(range(len(names)), key=names.__getitem__)  # stable: repeats in place
    assert ids.argsort().tolist() == want
    view = ids.take(np.array(want))
    assert list(view) == sorted(names)
    assert view.argsort().tolist() == list(range(len(names)))
    again = view.take(np.arange(len(names))[::-1])  # a view of a view
    assert list(again) == sorted(names)[::-1]
    with pytest.raises(IndexError):
        ids[len(names)]
    with pytest.raises(TypeError):
        view.extend(["x"])


@pytest.mark.parametrize("odd", ["a\x00b", "x" * (SORT_WIDTH + 1)])
def test_ids_numpy_cannot_sort_are_sorted_as_python_strings(odd: str) -> None:
    """A NUL (numpy's padding) or an id longer than SORT_WIDTH bytes: sorted() instead."""
    names = [*TRICKY, odd, "a", "a\x00"]
    assert _ids(names).argsort().tolist() == sorted(range(len(names)), key=names.__getitem__)


def test_real_doc_ids_sort_as_strings() -> None:
    """Ids as a corpus has them (file names, numbers, Chinese titles)."""
    names = [str(r.get("id") or r.get("title") or "") for r in iter_records("xinwen_lianbo", 3000)]
    names += [str(r.get("title") or "") for r in iter_records("xinwen_lianbo", 3000)]
    ids = _ids(names, chunk=700)
    assert ids.argsort().tolist() == sorted(range(len(names)), key=names.__getitem__)


def test_the_result_from_doc_ids_is_the_result_from_a_list() -> None:
    names = ["r-3", "r-1", "中", "r-20", "r-2", "\U0001f600"]
    rng = np.random.default_rng(3)
    ia, ib = rng.integers(0, 6, 40), rng.integers(0, 6, 40)
    figures = PairFigures(
        rng.random(40).round(1), rng.random(40), rng.random(40), rng.integers(0, 4, 40)
    )
    want = dedup_frame(ia, ib, figures, names).rows()
    assert dedup_frame(ia, ib, figures, _ids(names)).rows() == want
    assert dedup_frame(ia, ib, figures, _ids(names).take(np.arange(6))).rows() == want
    assert want.clusters  # duplicates and near-duplicates among them


def test_the_stream_holds_no_string_per_doc_id(tmp_path: Path) -> None:
    """The ids of a streamed corpus take about their UTF-8 bytes and an offset."""
    import tracemalloc

    from corpus_tools.dedup.config import make_config
    from corpus_tools.dedup.search import _Sketches

    cfg = make_config(None, {}, "test")
    (tmp_path / "s").mkdir()
    sketches = _Sketches(cfg, tmp_path / "s")
    names = [f"report-{i:08d}" for i in range(50_000)]
    tracemalloc.start()
    for start in range(0, len(names), 5000):
        chunk = names[start : start + 5000]
        sketches.ids.extend(chunk)
    del chunk
    order = sketches.ids.argsort()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert list(sketches.ids.take(order)[:2]) == names[:2]
    assert held < 40 * len(names)  # 15 bytes, an offset, the order; a str alone is 64


def _spilled(folder: Path, texts: list[str], chunk: int) -> tuple[SpilledPostings, Any]:
    cfg = DedupConfig()
    spill = SpilledPostings(folder, cfg.bands)
    for start in range(0, len(texts), chunk):
        feats = features_of_many(
            [fold_text(t, cfg).codes for t in texts[start : start + chunk]], cfg
        )
        sizes = np.array([len(f.anchors) for f in feats], dtype=np.int64)
        spill.add(
            np.stack([f.bands for f in feats]),
            np.concatenate([f.anchors for f in feats]),
            np.r_[0, np.cumsum(sizes)],
        )
    return spill, cfg


def test_spilled_groups_are_files_read_a_part_at_a_time(tmp_path: Path) -> None:
    """The groups the streamed dedup pairs from are memory maps of files in the spill
    folder, whose pages their readers release (not arrays of 8 bytes an entry)."""
    texts = [str(r.get("text") or "") for r in iter_records("xinwen_lianbo", limit=2000)]
    spill, _ = _spilled(tmp_path, texts, 600)
    where = np.arange(len(texts))
    anchors = spill.anchor_groups(where, 30)
    lsh = spill.band_groups(where)
    assert len(anchors.docs) > 1000
    for groups in (anchors, lsh):
        assert release_pages(groups.docs) and release_pages(groups.stop)
    assert (tmp_path / "groups-anchors.docs").stat().st_size == anchors.docs.nbytes


def test_spilled_ids_read_back_from_their_file(tmp_path: Path) -> None:
    """The streamed dedup moves the ids' buffer to its temporary folder (DocIds.spill)."""
    names = [*TRICKY, "a\x00"]
    ids = _ids(names)
    ids.spill(tmp_path / "ids.utf8")
    assert (tmp_path / "ids.utf8").read_bytes().decode("utf-8", "surrogatepass") == "".join(names)
    order = ids.argsort()
    assert order.tolist() == sorted(range(len(names)), key=names.__getitem__)
    view = ids.take(order)
    assert list(view) == sorted(names)
    assert view.strings(np.array([0, 0, 3])).tolist() == [sorted(names)[k] for k in (0, 0, 3)]
