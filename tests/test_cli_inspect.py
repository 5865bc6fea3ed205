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
