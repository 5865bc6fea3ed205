"""The reviewer's inputs: .doc, .wps, .pdf, .odt and government web pages (issue 17).

The fixtures in tests/data/formats were written by real writers from the seed reports in
data/raw (tests/data/formats/make_fixtures.py says how): LibreOffice saved each seed as
.doc, .wps, .pdf and .odt from an office layout (a running header and page numbers on
every page), and each seed was published as a government-style page (navigation,
breadcrumb, 【字号】【打印】【关闭】, related links, footer with 版权所有 and ICP备).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import corpus_tools as ct
from corpus_tools.cli import cli
from corpus_tools.io import READABLE_SUFFIXES, limits, stream_corpus
from corpus_tools.text import find_placeholders

FORMATS = Path(__file__).resolve().parent / "data" / "formats"
SEEDS = ("000", "001", "002", "003", "004")
KINDS = ("doc", "wps", "pdf", "odt", "html")
#: What the office layout printed on every page (make_fixtures.RUNNING_HEADER).
RUNNING_HEADER = "中共XX区委组织部党建工作材料"
#: The furniture of the government pages: none of it is in a report.
PAGE_FURNITURE = (
    "当前位置",
    "政务公开",
    "工作总结",
    "新闻中心",
    "互动交流",
    "字号",
    "打印",
    "关闭",
    "浏览次数",
    "发布时间",
    "分享到",
    "相关链接",
    "区委组织部召开基层党建工作推进会",
    "热点专题",
    "优化营商环境十条措施解读",
    "网站地图",
    "版权所有",
    "ICP备",
    "公网安备",
    "网站标识码",
    "请输入关键字",
)
CJK = "\u3400-\u9fff\uf900-\ufaff\uff01-\uffef"


def _seed_text(seed: str, seeds_dir: Path) -> str:
    return next(seeds_dir.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")


def _grams(text: str, n: int = 8) -> set[str]:
    """The distinct n-character sequences of ``text``, white space aside (layout)."""
    flat = re.sub(r"\s+", "", text)
    return {flat[i : i + n] for i in range(len(flat) - n + 1)}


def _loaded(path: Path) -> pd.Series:
    res = ct.load_corpus(path)
    assert res.errors.empty, res.errors.to_dict("records")
    assert len(res.documents) == 1
    return res.documents.iloc[0]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_saved_reports_load_to_the_text_of_the_original(
    seed: str, kind: str, seeds_dir: Path
) -> None:
    """The issue's check: >= 97% of the original's 8-character sequences recovered, <= 5%
    of the loaded text's not in the original, none of the page furniture taken."""
    original = _seed_text(seed, seeds_dir)
    doc = _loaded(FORMATS / f"{seed}.{kind}")
    want, got = _grams(original), _grams(doc["text"])
    assert len(want & got) / len(want) >= 0.97
    assert len(got - want) / len(got) <= 0.05
    assert RUNNING_HEADER not in doc["text"].replace(" ", "")
    checkable = [f for f in PAGE_FURNITURE if f not in original]  # finding it: the page's
    assert len(checkable) >= len(PAGE_FURNITURE) - 1
    for furniture in checkable:
        assert furniture not in doc["text"], furniture
    assert doc["source"] == str(FORMATS / f"{seed}.{kind}")


@pytest.mark.parametrize("kind", ["doc", "wps", "odt"])
@pytest.mark.parametrize("seed", SEEDS)
def test_word_and_opendocument_text_comes_out_exactly(
    seed: str, kind: str, seeds_dir: Path
) -> None:
    original = _seed_text(seed, seeds_dir)
    text = _loaded(FORMATS / f"{seed}.{kind}")["text"]
    assert text.rstrip("\n") == original.rstrip("\n")


@pytest.mark.parametrize("seed", ["000", "001", "004"])
def test_doc_from_another_writer_comes_out_exactly(seed: str, seeds_dir: Path) -> None:
    """AbiWord's "Microsoft Word" export is RTF under a .doc name: read as what it is."""
    path = FORMATS / f"{seed}-abiword.doc"
    assert path.read_bytes().startswith(b"{\\rtf")
    text = _loaded(path)["text"]
    assert text.rstrip("\n") == _seed_text(seed, seeds_dir).rstrip("\n")


@pytest.mark.parametrize("seed", SEEDS)
def test_pdf_lines_are_joined_back_into_the_paragraphs(seed: str, seeds_dir: Path) -> None:
    """Each paragraph of the .txt is one line again: lines broken by the page width and
    by page breaks are joined, headers, footers and page numbers dropped."""
    original = _seed_text(seed, seeds_dir)
    text = _loaded(FORMATS / f"{seed}.pdf")["text"]
    paragraphs = [re.sub(r"\s+", "", line) for line in original.split("\n") if line.strip()]
    assert [re.sub(r"\s+", "", line) for line in text.split("\n")] == paragraphs
    assert not re.search(r"^[\s—\-]*\d+[\s—\-]*$", text, re.MULTILINE)  # no page number


@pytest.mark.parametrize("seed", SEEDS)
def test_pdf_has_no_spaces_the_layout_made(seed: str) -> None:
    """No space between Chinese characters, nor between Chinese and Latin or digits
    (PDFium puts one wherever a run of glyphs changes font: ``2019 年``, ``XX 区``)."""
    text = _loaded(FORMATS / f"{seed}.pdf")["text"]
    assert not re.search(f"[{CJK}] +[{CJK}A-Za-z0-9]|[A-Za-z0-9] +[{CJK}]", text)


@pytest.mark.parametrize("seed", SEEDS)
def test_pdf_quotation_marks_stay_where_they_were_set(seed: str, seeds_dir: Path) -> None:
    """LibreOffice draws “ ” after the line's Chinese; every quotation of the report comes
    back in place (a quotation of the .txt is a quotation of the loaded text)."""
    original = _seed_text(seed, seeds_dir)
    text = _loaded(FORMATS / f"{seed}.pdf")["text"]
    quoted = re.findall(r"“[^“”\n]{1,20}”", original)
    assert quoted
    for quotation in quoted:
        assert quotation.replace(" ", "") in text


@pytest.mark.parametrize("seed", SEEDS)
def test_web_page_title_and_date_are_kept(seed: str, seeds_dir: Path) -> None:
    doc = _loaded(FORMATS / f"{seed}.html")
    title = next(line.strip() for line in _seed_text(seed, seeds_dir).split("\n") if line.strip())
    assert doc["title"] == f"{title[:40]}_XX区人民政府门户网站"  # the page's <title>
    k = SEEDS.index(seed)
    assert doc["date"] == f"2023-0{k + 1}-1{k}"  # 发布时间 of the page, not a related link's


def test_web_page_without_stated_date_has_none(tmp_path: Path) -> None:
    page = (FORMATS / "000.html").read_text(encoding="utf-8")
    undated = re.sub(r"发布时间：[0-9-]+", "", page)
    assert undated != page
    (tmp_path / "page.htm").write_text(undated, encoding="utf-8")
    doc = _loaded(tmp_path / "page.htm")
    assert "date" not in doc.index or pd.isna(
        doc["date"]
    )  # the related links' dates are not its own


def test_gb2312_pages_are_decoded(seeds_dir: Path) -> None:
    raw = (FORMATS / "004.html").read_bytes()
    assert b"charset=gb2312" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "县委组织部" in _loaded(FORMATS / "004.html")["text"]


@pytest.mark.parametrize("name", ["table.doc", "table.odt", "table-rtf.doc"])
def test_tables_are_read_row_by_row(name: str) -> None:
    lines = _loaded(FORMATS / name)["text"].split("\n")
    heading = lines.index("一、坚持党建引领，进一步优化组织领导")
    # a merged header cell is one cell; an empty row keeps its cells
    assert lines[heading + 1 : heading + 4] == ["社区\t党员人数", "XX社区\tX人\t优秀", "\t\t"]
    assert lines[heading + 4].startswith("（一）优化社区党组织设置")


def test_offsets_slice_the_text_as_loaded(seeds_dir: Path) -> None:
    docs = ct.load_corpus([FORMATS / "000.doc", FORMATS / "000.pdf"]).documents
    for text in docs["text"]:
        spans = find_placeholders(text)
        assert len(spans) == 45  # the 45 blanks of seed 000, in either file
        for start, end, found in spans[["start", "end", "text"]].itertuples(index=False):
            assert text[start:end] == found


def test_every_kind_is_searched_in_folders() -> None:
    for suffix in (".doc", ".wps", ".pdf", ".odt", ".html", ".htm"):
        assert suffix in READABLE_SUFFIXES
    docs = ct.load_corpus(FORMATS).documents
    names = set(docs["doc_id"])
    assert {f"{seed}.{kind}" for seed in SEEDS for kind in KINDS} <= names
    streamed = pd.concat(list(stream_corpus(FORMATS, chunk_size=7)), ignore_index=True)
    assert streamed["doc_id"].tolist() == docs["doc_id"].tolist()
    assert streamed["text"].tolist() == docs["text"].tolist()


# --------------------------------------------------------------------------- bad inputs


def _reasons(paths: list[Path]) -> dict[str, str]:
    with pytest.raises(ct.NoDocumentsError) as caught:  # nothing readable: the load raises
        ct.load_corpus(paths)
    errors = caught.value.errors
    return {Path(p).name: r for p, r in zip(errors["path"], errors["reason"], strict=True)}


def test_scanned_pdf_is_named_and_skipped() -> None:
    assert _reasons([FORMATS / "scanned.pdf"]) == {"scanned.pdf": "no text layer (scanned?)"}


@pytest.mark.parametrize("kind", ["pdf", "doc", "odt"])
def test_password_protected_files_are_named(kind: str) -> None:
    reason = _reasons([FORMATS / f"encrypted.{kind}"])[f"encrypted.{kind}"]
    assert reason.startswith("password-protected (encrypted)")


@pytest.mark.parametrize("kind", ["doc", "wps", "pdf", "odt"])
def test_truncated_files_are_named_as_broken(kind: str, tmp_path: Path) -> None:
    data = (FORMATS / f"002.{kind}").read_bytes()
    cut = tmp_path / f"cut.{kind}"
    cut.write_bytes(data[: len(data) // 3])
    reason = _reasons([cut])[cut.name]
    assert "broken" in reason or "not a" in reason


def test_other_files_named_doc_are_read_as_what_they_are(tmp_path: Path) -> None:
    shutil.copy(FORMATS / "001.html", tmp_path / "page.doc")  # a site's "Word" download
    import docx

    document = docx.Document()
    document.add_paragraph("关于XX社区“两委”换届工作的报告")
    document.save(str(tmp_path / "new.doc"))  # a .docx saved under .doc
    (tmp_path / "rich.doc").write_bytes(b"{\\rtf1\\ansi\\ansicpg936 \\'b9\\'d8\\'d3\\'da}")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    res = ct.load_corpus(tmp_path)
    texts = dict(zip(res.documents["doc_id"], res.documents["text"], strict=True))
    assert texts["new.doc"] == "关于XX社区“两委”换届工作的报告"
    assert "版权所有" not in texts["page.doc"] and "整顿工作组" in texts["page.doc"]
    assert texts["rich.doc"] == "关于"  # GBK bytes of \ansicpg936
    assert res.errors["path"].tolist() == [str(tmp_path / "old.doc")]
    assert res.errors["reason"].iloc[0].startswith("broken .doc")  # an OLE2 header, no more


def test_odt_zip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    size = sum(i.file_size for i in zipfile.ZipFile(FORMATS / "table.odt").infolist())
    monkeypatch.setattr(limits, "MAX_DOCX_UNCOMPRESSED", size - 1)
    reason = _reasons([FORMATS / "table.odt"])["table.odt"]
    assert reason.startswith("refused: .odt would decompress to")


def test_cli_reads_every_kind_and_names_the_bad_ones(tmp_path: Path) -> None:
    """inspect and dedup over one report in five formats: one cluster, exit 3 for the bad."""
    for kind in KINDS:
        shutil.copy(FORMATS / f"004.{kind}", tmp_path / f"004.{kind}")
    for name in ("scanned.pdf", "encrypted.doc"):
        shutil.copy(FORMATS / name, tmp_path / name)
    runner = CliRunner()
    result = runner.invoke(cli, ["inspect", str(tmp_path), "--format", "json"])
    assert result.exit_code == 3
    assert "scanned.pdf: no text layer (scanned?)" in result.stderr
    assert "encrypted.doc: password-protected" in result.stderr
    ids = sorted(d["doc_id"] for d in json.loads(result.stdout)["documents"])
    assert ids == sorted(f"004.{kind}" for kind in KINDS)
    result = runner.invoke(cli, ["dedup", str(tmp_path), "--format", "json"])
    assert result.exit_code == 3
    clusters = json.loads(result.stdout)["clusters"]
    assert [sorted(c) for c in clusters] == [ids]
    held = [str(tmp_path / "004.pdf"), str(tmp_path / "004.html")]
    args = ["flag", str(tmp_path / "004.doc"), "--against", *held, "--format", "json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.stderr  # the .doc copies the held PDF and page
    (report,) = json.loads(result.stdout)
    assert report["flagged"] and report["copy_ratio"] > 0.9
