"""Loading real report files: encodings, .docx, record files, folders, bad inputs."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corpus_tools as ct
from corpus_tools.errors import InputReadError, InvalidParameterError, NoDocumentsError
from corpus_tools.io import atomic_write, decode_bytes, write_table

SEED_004 = "004_4ba3fb77ef7e832c.txt"


def _docx(path: Path, text: str, *, table: list[list[str]] | None = None) -> None:
    import docx

    document = docx.Document()
    for para in text.split("\n"):
        document.add_paragraph(para)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    document.save(str(path))


def test_seed_folder_loads_five_documents(seeds_dir: Path) -> None:
    res = ct.load_corpus(seeds_dir)
    assert res.errors.empty
    assert list(res.documents.columns[:4]) == ["doc_id", "title", "text", "source"]
    assert res.documents["doc_id"].tolist() == sorted(p.name for p in seeds_dir.glob("*.txt"))
    for rec in res.documents.itertuples():
        assert rec.text == (seeds_dir / rec.doc_id).read_text(encoding="utf-8")


def test_split_lines_reads_one_report_per_line(seeds_dir: Path) -> None:
    path = next(seeds_dir.glob("003_*.txt"))
    docs = ct.load_corpus(path, split="lines").documents
    assert len(docs) == 9
    assert docs["doc_id"].iloc[0] == f"{path.name}:1"
    assert docs["line"].tolist() == list(range(1, 10))
    # the last six lines are one report repeated
    assert docs["text"].iloc[3:].nunique() == 1
    assert docs["text"].iloc[3] != docs["text"].iloc[2]


def test_split_auto_splits_only_the_file_of_one_report_per_line(seeds_dir: Path) -> None:
    docs = ct.load_corpus(seeds_dir, split="auto").documents
    whole = ct.load_corpus(seeds_dir).documents
    by_lines = ct.load_corpus(next(seeds_dir.glob("003_*.txt")), split="lines").documents
    # 003 is read one report per line; the four reports laid out in lines stay whole
    assert len(docs) == 4 + len(by_lines) == 13
    is_003 = docs["doc_id"].str.startswith("003_")
    assert docs.loc[is_003, "text"].tolist() == by_lines["text"].tolist()
    kept = whole[~whole["doc_id"].str.startswith("003_")]
    assert docs.loc[~is_003, "text"].tolist() == kept["text"].tolist()


@pytest.mark.parametrize("name", ["provincial_gwr_2026", "state_council_gwr"])
def test_split_auto_keeps_real_reports_whole(name: str) -> None:
    from conftest import corpus_file

    from corpus_tools.io import one_report_per_line

    path = corpus_file(name)
    if path is None:
        pytest.skip(f"{name} corpus absent")
    docs = ct.load_corpus(path).documents
    assert not any(one_report_per_line(t) for t in docs["text"])
    if name == "provincial_gwr_2026":
        # six of these reports have two or more paragraphs of 1,000+ characters: their
        # numbered headings are what keeps them whole
        long_lines = [sum(len(ln) >= 1000 for ln in t.split("\n")) for t in docs["text"]]
        assert sum(n >= 2 for n in long_lines) == 6
    if name == "provincial_gwr_2026":
        # the same reports written in Markdown (## 一、…, **（二）…**) stay whole too
        heading = re.compile(r"(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
        for text in docs["text"]:
            lines = text.split("\n")
            for mark in ("## {}", "**{}**", "> {}"):
                md = "\n".join(
                    mark.format(ln) if len(ln) < 60 and heading.match(ln) else ln for ln in lines
                )
                assert not one_report_per_line(md), mark
    with pytest.raises(InvalidParameterError, match="'text' parameter of one_report_per_line"):
        one_report_per_line(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_same_report_in_other_encodings_loads_to_same_text(
    tmp_path: Path, seed_texts: dict[str, str], encoding: str
) -> None:
    text = seed_texts[SEED_004]
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    got = ct.load_corpus(path).documents["text"].iloc[0]
    assert got == text


def test_docx_loads_to_same_text(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    text = seed_texts[SEED_004]
    path = tmp_path / "report.docx"
    _docx(path, text)
    got = ct.load_corpus(path).documents["text"].iloc[0]
    assert got == text


def test_docx_tables_are_read_in_document_order(tmp_path: Path) -> None:
    path = tmp_path / "t.docx"
    _docx(path, "一、基本情况\n全区共有社区X个。", table=[["社区", "党员"], ["XX社区", "X人"]])
    text = ct.load_corpus(path).documents["text"].iloc[0]
    assert text.endswith("社区\t党员\nXX社区\tX人")
    assert text.index("基本情况") < text.index("XX社区")


def test_gb18030_with_rare_characters(tmp_path: Path) -> None:
    text = "㐀㐁是扩展A区汉字，𠀀在扩展B区。三会一课。"
    path = tmp_path / "rare.txt"
    path.write_bytes(text.encode("gb18030"))
    assert ct.load_corpus(path).documents["text"].iloc[0] == text


def test_bad_inputs_are_named_and_skipped(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    (tmp_path / "good.txt").write_text(seed_texts[SEED_004], encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    res = ct.load_corpus(tmp_path)
    assert res.documents["doc_id"].tolist() == ["good.txt"]
    names = [Path(p).name for p in res.errors["path"]]
    reasons = dict(zip(names, res.errors["reason"], strict=True))
    assert set(reasons) == {"empty.txt", "binary.txt", "broken.docx"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "docx" in reasons["broken.docx"]


def test_a_load_that_finds_nothing_raises_and_says_why(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    # a missing path beside a good file is an error row; alone, it is never silently empty
    (tmp_path / "good.txt").write_text(seed_texts[SEED_004], encoding="utf-8")
    res = ct.load_corpus([tmp_path / "nope.txt", tmp_path / "good.txt"])
    assert res.documents["doc_id"].tolist() == ["good.txt"]
    assert res.errors.values.tolist() == [[str(tmp_path / "nope.txt"), "no such file or directory"]]
    with pytest.raises(NoDocumentsError, match=r"'/nope/x.jsonl': .*no such file or directory"):
        ct.load_corpus("/nope/x.jsonl")
    # a folder of no readable file names what it holds
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.xml").write_text("<x/>", encoding="utf-8")
    with pytest.raises(
        NoDocumentsError, match=r"not read: 1 file\(s\) of other kinds \(notes.xml\)"
    ):
        ct.load_corpus(empty)
    # every input unreadable: each is named, and the table of them comes with the error
    (empty / "blank.txt").write_bytes(b"")
    with pytest.raises(NoDocumentsError, match=r"blank\.txt: empty: no text") as caught:
        ct.load_corpus(empty)
    assert caught.value.errors["reason"].tolist() == ["empty: no text"]
    assert isinstance(caught.value, ValueError)  # callers may catch the built-in too


def test_a_wrong_text_field_is_one_error_naming_the_fields(tmp_path: Path) -> None:
    from conftest import corpus_file

    path = corpus_file("state_council_gwr")
    if path is None:
        pytest.skip("state_council_gwr absent")
    with pytest.raises(NoDocumentsError) as caught:
        ct.load_corpus(path, text_field="body")
    (reason,) = caught.value.errors["reason"].tolist()  # one error for 137 records
    assert reason.startswith("no record has a field 'body' (137 records)")
    assert "'id', 'title', 'text', 'year'" in reason
    # a field most records have: only the records without it are named, one each
    lines = [json.dumps({"id": "a", "body": "正文一"}), json.dumps({"id": "b"})]
    lines += [json.dumps({"id": "c", "body": "正文三"})]
    (tmp_path / "x.jsonl").write_text("\n".join(lines), encoding="utf-8")
    res = ct.load_corpus(tmp_path / "x.jsonl", text_field="body")
    assert res.documents["doc_id"].tolist() == ["a", "c"]
    assert res.errors["reason"].tolist() == ["record 2: no text in field 'body' (no such field)"]
    # records before the first one with the field are named too, in order
    (tmp_path / "y.jsonl").write_text("\n".join([lines[1], *lines]), encoding="utf-8")
    res = ct.load_corpus(tmp_path / "y.jsonl", text_field="body")
    assert [r.split(":")[0] for r in res.errors["reason"]] == ["record 1", "record 3"]


def test_documentation_files_beside_the_records_are_not_reports(tmp_path: Path) -> None:
    from conftest import corpus_file

    path = corpus_file("state_council_gwr")
    if path is None:
        pytest.skip("state_council_gwr absent")
    folder = path.parent
    docs = ct.load_corpus(folder).documents
    assert len(docs) == 137 and not docs["source"].str.endswith("SOURCE.md").any()
    # asked for, it is read
    asked = ct.load_corpus(folder, include=["SOURCE.md", "*.jsonl"]).documents
    assert len(asked) == 138 and asked["source"].str.endswith("SOURCE.md").sum() == 1
    assert ct.load_corpus(folder / "SOURCE.md").documents["doc_id"].tolist() == ["SOURCE.md"]


def test_include_and_exclude_choose_the_files_of_folders(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    for year in ("2022", "2023"):
        (tmp_path / year).mkdir()
        for name, text in seed_texts.items():
            (tmp_path / year / name).write_text(text, encoding="utf-8")
    (tmp_path / "2023" / "README.md").write_text(
        "# 说明\n本文件夹收录2023年报告。", encoding="utf-8"
    )
    everything = ct.load_corpus(tmp_path).documents["doc_id"].tolist()
    assert len(everything) == 10 and "2023/README.md" not in everything
    got = ct.load_corpus(tmp_path, include="2023/*").documents["doc_id"].tolist()
    assert got == [f"2023/{name}" for name in sorted(seed_texts)]
    got = ct.load_corpus(tmp_path, include="00[12]_*", exclude=["2022/*"]).documents
    assert got["doc_id"].tolist() == [
        "2023/001_76da920ca12b73e0.txt",
        "2023/002_fcffc313e2c7ef3d.txt",
    ]
    # a documentation file is read when a pattern names it, not for "*.md"
    with pytest.raises(NoDocumentsError, match=r"1 documentation file\(s\).*\(README.md\)"):
        ct.load_corpus(tmp_path, include="*.md")
    got = ct.load_corpus(tmp_path, include=["README*", "2022/000_*"]).documents
    assert got["doc_id"].tolist() == ["2022/000_14cdbf6256da471f.txt", "2023/README.md"]
    with pytest.raises(NoDocumentsError, match="10 file\\(s\\) left out by include=/exclude="):
        ct.load_corpus(tmp_path, exclude="*.txt")
    with pytest.raises(InvalidParameterError, match="'include' parameter of load_corpus"):
        ct.load_corpus(tmp_path, include=[3])  # type: ignore[list-item]
    stream = ct.stream_corpus(tmp_path, include="2022/*", chunk_size=2)
    assert sum(len(c) for c in stream) == 5


def test_fields_keep_their_values_and_types(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    long_title = "关于" + "进一步加强基层党组织建设" * 20 + "的报告"
    recs = [
        {"id": "a", "text": seed_texts[SEED_004], "year": 2021, "title": long_title, "n": 3},
        {"id": "b", "text": "第二篇。", "title": 2023, "source": "人民日报", "ok": True},
        {"id": "c", "text": "第三篇。", "year": 2023, "doc_id": "外部编号", "n": 5},
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    docs = ct.load_corpus(path).documents
    # one record lacks the year: the column stays integer (nullable), not float
    assert str(docs["year"].dtype) == "Int64"
    assert docs["year"].tolist()[0] == 2021 and docs["year"].isna().tolist() == [False, True, False]
    assert str(docs["ok"].dtype) == "boolean"
    # the given title is kept whole (no 200-character cut), a numeric one as text
    assert docs["title"].tolist() == [long_title, "2023", "第三篇。"]
    # record fields named like a column of the table are kept, not dropped
    assert docs["record_source"].tolist()[1] == "人民日报"
    assert docs["record_doc_id"].tolist()[2] == "外部编号"
    assert docs["source"].tolist() == [str(path)] * 3
    # text columns have pandas' string dtype (string[python]), in errors too
    from corpus_tools.io.tables import STRING_DTYPE

    for col in ("doc_id", "title", "text", "source", "record_source"):
        assert docs[col].dtype == STRING_DTYPE, col
    assert (docs["n"].dtype, str(docs["n"].astype("Int64").tolist()[1])) == ("Int64", "<NA>")
    res = ct.load_corpus([path, tmp_path / "missing.txt"])
    assert res.errors["reason"].dtype == STRING_DTYPE
    # all present: plain int64
    full = tmp_path / "full.jsonl"
    full.write_text(json.dumps({"id": "x", "text": "正文", "year": 2020}), encoding="utf-8")
    assert ct.load_corpus(full).documents["year"].dtype == "int64"


def test_an_empty_stream_warns_with_the_reason(tmp_path: Path) -> None:
    stream = ct.stream_corpus(tmp_path / "nope")
    with pytest.warns(UserWarning, match="no such file or directory"):
        assert list(stream) == []
    stream.warn_empty = False
    assert list(stream) == [] and stream.documents == 0


def test_symlink_loop_is_reported(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    sub = tmp_path / "a"
    sub.mkdir()
    (sub / "r.txt").write_text(seed_texts[SEED_004], encoding="utf-8")
    os.symlink(tmp_path, sub / "loop")
    res = ct.load_corpus(tmp_path)
    assert res.documents["doc_id"].tolist() == ["a/r.txt"]
    assert any("loop" in r for r in res.errors["reason"])


def test_records_jsonl_gz_csv_parquet(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    recs = [
        {"id": "a", "text": seed_texts[SEED_004], "year": 2021, "title": "标题A"},
        {"id": "b", "text": "第二篇。", "year": 2022},
    ]
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n"
    (tmp_path / "c.jsonl").write_text(lines, encoding="utf-8")
    with gzip.open(tmp_path / "d.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(lines)
    pd.DataFrame(recs).to_csv(tmp_path / "e.csv", index=False)
    pd.DataFrame(recs).to_parquet(tmp_path / "f.parquet")
    for name in ("c.jsonl", "d.jsonl.gz", "e.csv", "f.parquet"):
        docs = ct.load_corpus(tmp_path / name).documents
        assert docs["doc_id"].tolist() == ["a", "b"], name
        assert docs["text"].iloc[0] == seed_texts[SEED_004], name
        assert docs["title"].tolist() == ["标题A", "第二篇。"], name
        assert [int(y) for y in docs["year"]] == [2021, 2022], name


def test_renamed_fields_and_bad_records(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"key": "k1", "body": "正文一"}\n{not json}\n{"key": "k3"}\n[1, 2]\n'
        '{"key": "k5", "body": "正文五"}\n',
        encoding="utf-8",
    )
    res = ct.load_corpus(path, id_field="key", text_field="body")
    assert res.documents["doc_id"].tolist() == ["k1", "k5"]
    assert len(res.errors) == 3
    assert any("invalid JSON" in r for r in res.errors["reason"])
    assert any("no text in field 'body'" in r for r in res.errors["reason"])


def test_truncated_gzip_is_reported(tmp_path: Path) -> None:
    lines = (json.dumps({"id": str(i), "text": "文本" * 50}) for i in range(200))
    data = gzip.compress("\n".join(lines).encode())
    (tmp_path / "t.jsonl.gz").write_bytes(data[: len(data) // 2])
    res = ct.load_corpus(tmp_path / "t.jsonl.gz")
    assert len(res.errors) == 1
    reason = res.errors["reason"].iloc[0]
    assert "truncated" in reason
    # the records before the break are kept, in order, and the message says how many
    kept = res.documents["doc_id"].tolist()
    assert 0 < len(kept) < 200
    assert kept == [str(i) for i in range(len(kept))]
    assert f"after {len(kept):,} good records" in reason


def test_state_council_corpus_loads_with_metadata() -> None:
    from conftest import corpus_file

    path = corpus_file("state_council_gwr")
    if path is None:
        pytest.skip("state_council_gwr absent")
    docs = ct.load_corpus(path).documents
    assert len(docs) == 137
    assert docs["doc_id"].is_unique
    assert {"year", "work_key", "doc_type"} <= set(docs.columns)


def test_load_validates_arguments() -> None:
    with pytest.raises(InvalidParameterError, match="'split' parameter of load_corpus must be"):
        ct.load_corpus("data/raw", split="paragraphs")
    with pytest.raises(InvalidParameterError, match="'paths' parameter of load_corpus"):
        ct.load_corpus([])
    with pytest.raises(InvalidParameterError, match="'paths' parameter of load_corpus"):
        ct.load_corpus(42)  # type: ignore[arg-type]


def test_decode_refuses_binary() -> None:
    with pytest.raises(InputReadError, match="binary"):
        decode_bytes(b"\x00\x01\x02abc")


def test_load_texts() -> None:
    frame = ct.load_texts(["三会一课", "三社联动"], doc_ids=["a", "b"])
    assert frame["doc_id"].tolist() == ["a", "b"]
    with pytest.raises(InvalidParameterError, match="one id per text"):
        ct.load_texts(["x"], doc_ids=["a", "b"])


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target, "w") as fh:
        fh.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_write_gives_the_usual_file_mode(tmp_path: Path) -> None:
    with atomic_write(tmp_path / "out.txt", "w") as fh:
        fh.write("x")
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    assert (tmp_path / "out.txt").stat().st_mode == plain.stat().st_mode


def test_write_table_round_trips(tmp_path: Path) -> None:
    frame = pd.DataFrame({"term": ["三会一课", "两委"], "count": [3, 2]})
    write_table(frame, tmp_path / "k.parquet")
    assert pd.read_parquet(tmp_path / "k.parquet").equals(frame)
    write_table(frame, tmp_path / "k.csv")
    assert pd.read_csv(tmp_path / "k.csv", encoding="utf-8-sig").equals(frame)
    write_table(frame, tmp_path / "k.xlsx")
    back = pd.read_excel(tmp_path / "k.xlsx")
    assert back["term"].tolist() == ["三会一课", "两委"] and back["count"].tolist() == [3, 2]
    with pytest.raises(InvalidParameterError, match="'path' parameter of write_table"):
        write_table(frame, tmp_path / "k.xls")


def test_mixed_encodings_decode_line_by_line(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    lines = seed_texts[SEED_004].split("\n")[:6]
    data = b"\n".join(
        line.encode("utf-8" if i % 2 == 0 else "gb18030") for i, line in enumerate(lines)
    )
    (tmp_path / "mixed.txt").write_bytes(data)
    assert ct.load_corpus(tmp_path / "mixed.txt").documents["text"].iloc[0] == "\n".join(lines)


def test_huge_docx_is_refused_not_inflated(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    import zipfile

    from corpus_tools.io import MAX_DOCX_UNCOMPRESSED

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(MAX_DOCX_UNCOMPRESSED // len(chunk) + 2):
                fh.write(chunk)
    (tmp_path / "good.txt").write_text(seed_texts[SEED_004], encoding="utf-8")
    res = ct.load_corpus(tmp_path)
    assert res.documents["doc_id"].tolist() == ["good.txt"]
    assert "refused" in res.errors["reason"].iloc[0]
    assert bomb.stat().st_size < 2_000_000


def test_odd_file_names(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    names = ["报告 (终稿).txt", "-dash.txt", "a'quote\".txt", "换\n行.txt", "Ünï.TXT"]
    for name in names:
        (tmp_path / name).write_text(seed_texts[SEED_004], encoding="utf-8")
    docs = ct.load_corpus(tmp_path).documents
    assert sorted(docs["doc_id"]) == sorted(names)


def test_unreadable_file_is_named(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    if os.geteuid() == 0:
        # root reads any file whatever its mode: a dangling link is what root cannot read
        os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
        expected = "broken symlink"
    else:
        locked = tmp_path / "locked.txt"
        locked.write_text("x", encoding="utf-8")
        locked.chmod(0)
        expected = "permission denied"
    (tmp_path / "good.txt").write_text(seed_texts[SEED_004], encoding="utf-8")
    res = ct.load_corpus(tmp_path)
    assert res.documents["doc_id"].tolist() == ["good.txt"]
    assert res.errors["reason"].tolist() == [expected]


@pytest.mark.slow
def test_hundred_thousand_tiny_files(tmp_path: Path) -> None:
    for d in range(100):
        sub = tmp_path / f"d{d:02d}"
        sub.mkdir()
        for i in range(1000):
            (sub / f"{i:04d}.txt").write_text(f"第{d * 1000 + i}号。三会一课。", encoding="utf-8")
    docs = ct.load_corpus(tmp_path).documents
    assert len(docs) == 100_000
    assert docs["doc_id"].is_unique
    assert docs["text"].iloc[-1] == "第99999号。三会一课。"


@pytest.mark.slow
def test_thirty_megabyte_document(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    text = seed_texts["003_9b7675b2e4522a57.txt"]
    big = text * (30_000_000 // len(text.encode("utf-8")) + 1)
    (tmp_path / "big.txt").write_text(big, encoding="utf-8")
    docs = ct.load_corpus(tmp_path).documents
    assert docs["text"].iloc[0] == big


def test_size_limit_applies_to_files_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_texts: dict[str, str]
) -> None:
    from corpus_tools.io import limits

    text = seed_texts[SEED_004]
    limit = len(text.encode("utf-8")) // 2
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", limit)
    (tmp_path / "whole.txt").write_text(text, encoding="utf-8")
    records = [{"id": f"r{i}", "text": line} for i, line in enumerate(text.split("\n")) if line]
    records.insert(3, {"id": "huge", "text": text})  # one record above the limit
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    (tmp_path / "records.jsonl.gz").write_bytes(gzip.compress(body))
    assert len(body) > limit
    res = ct.load_corpus(tmp_path)
    # the plain-text file is read whole, so it is refused; the JSONL file is read record by
    # record whatever its size, and only its oversized record is skipped
    reasons = dict(zip(res.errors["path"], res.errors["reason"], strict=True))
    assert "too large" in reasons[str(tmp_path / "whole.txt")]
    assert "line 4: a record of more than" in reasons[str(tmp_path / "records.jsonl.gz")]
    assert res.documents["doc_id"].tolist() == [r["id"] for r in records if r["id"] != "huge"]


_BREAKS = list("ab党 \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\u3000\xa0")


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_BREAKS), max_size=40).map("".join), st.text()))
def test_first_line_is_the_first_non_empty_line_as_splitlines_cuts_it(text: str) -> None:
    """A title taken from a text is its first non-empty line, stripped (the text's lines as
    ``str.splitlines`` cuts them), found without splitting the whole text."""
    from corpus_tools.io.documents import TITLE_CHARS, first_line

    want = next((line.strip() for line in text.splitlines() if line.strip()), "")
    assert first_line(text) == want[:TITLE_CHARS]
