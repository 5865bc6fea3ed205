"""A stream numbers repeated doc_ids (a, a#2, a#3 ...) across chunks in bounded memory
(:class:`corpus_tools.io.documents.SeenIds`): the same ids as a dict of every id gives."""

from __future__ import annotations

import random

import pytest
from conftest import iter_records

from corpus_tools.io import stream_corpus
from corpus_tools.io.documents import Document, SeenIds, chunk_ids


def _by_dict(chunks: list[list[str]]) -> list[list[str]]:
    seen: dict[str, int] = {}
    return [chunk_ids([Document(i, "", i) for i in chunk], seen) for chunk in chunks]


@pytest.mark.parametrize("recent", [1, 3, 64, 1 << 16])
def test_repeats_are_numbered_as_a_dict_numbers_them(
    recent: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ids packed after every chunk (recent=1) or never: repeats within a chunk, across
    # chunks, of packed ids, and ids no UTF-8 codec takes (a lone surrogate)
    monkeypatch.setattr(SeenIds, "RECENT", recent)
    rng = random.Random(5)
    pool = [f"doc-{k}" for k in range(40)] + ["", "a#2", "政府工作报告", "\ud800x", "😀"]
    chunks = [[rng.choice(pool) for _ in range(rng.randrange(0, 30))] for _ in range(25)]
    seen = SeenIds()
    got = [chunk_ids([Document(i, "", i) for i in chunk], seen) for chunk in chunks]
    assert got == _by_dict(chunks)
    assert len(seen) == len(set(pool) & {i for chunk in chunks for i in chunk})


def test_a_stream_of_real_records_numbers_its_repeats(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    from pathlib import Path

    monkeypatch.setattr(SeenIds, "RECENT", 100)
    records = list(iter_records("xinwen_lianbo", 600))
    # every record twice, the second time later in the file: each id once plain, once #2
    path = Path(str(tmp_path)) / "news.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records + records[::-1]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ids = [i for chunk in stream_corpus(path, chunk_size=50).text_chunks() for i in chunk.ids]
    plain = [str(r.get("id")) for r in records]
    assert ids == plain + [f"{i}#2" for i in plain[::-1]]
