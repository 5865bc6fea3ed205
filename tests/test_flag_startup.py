"""What a ``flag`` run pays before it does anything (issue 21 #4): the readers of file
kinds it does not read are not imported. Behaviour, not time (the CPU seconds live in
benchmarks/bench_startup.py)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus_tools.io.formats import DOCUMENT_READERS, READABLE_SUFFIXES, LazyReader

ROOT = Path(__file__).resolve().parents[1]
#: The reader modules of the kinds a folder of .txt or a .jsonl file holds none of.
OTHER_READERS = ("ooxml", "word97", "pdf", "odt", "webpage", "rtf", "archive")


def _modules_after(code: str, cwd: Path) -> tuple[list[str], str]:
    """The corpus_tools.io.formats modules imported by ``code`` in a fresh interpreter,
    and what it printed."""
    script = (
        "import contextlib, io, json, sys\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "mods = sorted(m for m in sys.modules if m.startswith('corpus_tools.io.formats.'))\n"
        "print(json.dumps({'mods': mods, 'out': out.getvalue()}))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True, cwd=cwd
    )
    got = json.loads(proc.stdout.splitlines()[-1])
    return [m.rsplit(".", 1)[1] for m in got["mods"]], str(got["out"])


@pytest.mark.parametrize(
    ("module", "constant"),
    [
        ("ooxml", "DOCX_SUFFIXES"),
        ("word97", "DOC_SUFFIXES"),
        ("pdf", "PDF_SUFFIXES"),
        ("odt", "ODT_SUFFIXES"),
        ("webpage", "HTML_SUFFIXES"),
    ],
)
def test_lazy_readers_read_the_suffixes_their_modules_name(module: str, constant: str) -> None:
    mod = importlib.import_module(f"corpus_tools.io.formats.{module}")
    suffixes = getattr(mod, constant)
    readers = [DOCUMENT_READERS[s] for s in suffixes]
    assert all(isinstance(r, LazyReader) and r.module == module for r in readers)
    assert {s for s, r in DOCUMENT_READERS.items() if getattr(r, "module", None) == module} == set(
        suffixes
    )
    assert set(suffixes) <= set(READABLE_SUFFIXES)


def test_flag_of_a_text_file_imports_no_other_reader(tmp_path: Path) -> None:
    """``flag SUB.txt --index DIR --format json`` imports the plain-text and record readers
    only; reading a .docx (or any other kind) imports its reader then."""
    from corpus_tools.dedup import DedupIndex

    raw = sorted((ROOT / "data" / "raw").glob("*.txt"))
    held = {p.name: p.read_text(encoding="utf-8") for p in raw[:3]}
    DedupIndex().build(held).save(tmp_path / "ix")
    sub = tmp_path / "sub.txt"
    sub.write_text(held[raw[0].name][100:1500], encoding="utf-8")
    code = (
        "from corpus_tools.cli import main\n"
        "try:\n"
        f"    main(['flag', {str(sub)!r}, '--index', {str(tmp_path / 'ix')!r}, '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    mods, out = _modules_after(code, tmp_path)
    assert json.loads(out)[0]["matches"][0]["doc_id"] == raw[0].name
    assert not set(mods) & set(OTHER_READERS), mods
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip file")
    mods, out = _modules_after(
        "from corpus_tools.io import read_file\n"
        "try:\n"
        f"    read_file({str(bad)!r})\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)\n",
        tmp_path,
    )
    assert "ooxml" in mods and out.strip() == "InputReadError"


def _console(code: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``corpus-tools ARGS`` as the console script does (``sys.exit(main())``), with
    ``code`` run first."""
    script = (
        "import sys\n"
        + code
        + "from corpus_tools.cli import main\n"
        + f"sys.argv = ['corpus-tools', *{args!r}]\n"
        + "sys.exit(main())\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def test_flag_ends_its_process_at_once_with_its_output_and_status(tmp_path: Path) -> None:
    """``flag --index --format json`` ends the process without the interpreter's teardown
    (an object's finaliser never runs), its JSON whole and its exit status 1 (flagged); an
    exit handler registered by anything keeps the usual exit, which runs it."""
    from corpus_tools.dedup import DedupIndex

    raw = sorted((ROOT / "data" / "raw").glob("*.txt"))
    held = {p.name: p.read_text(encoding="utf-8") for p in raw[:3]}
    DedupIndex().build(held).save(tmp_path / "ix")
    sub = tmp_path / "sub.txt"
    sub.write_text(held[raw[1].name][:3000], encoding="utf-8")
    args = ["flag", str(sub), "--index", str(tmp_path / "ix"), "--format", "json"]
    finaliser = (
        "class Last:\n"
        "    def __del__(self):\n"
        "        sys.stderr.write('torn down\\n')\n"
        "last = Last()\n"
    )
    quick = _console(finaliser, args, tmp_path)
    assert quick.returncode == 1, quick.stderr
    assert json.loads(quick.stdout)[0]["flagged"] and "torn down" not in quick.stderr
    handler = "import atexit\natexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
    usual = _console(finaliser + handler, args, tmp_path)
    assert usual.returncode == 1 and usual.stdout == quick.stdout
    assert "handler ran" in usual.stderr and "torn down" in usual.stderr
    table = _console(finaliser, [*args[:-1], "table"], tmp_path)  # (pandas: the usual exit)
    assert table.returncode == 1 and "torn down" in table.stderr


@pytest.mark.parametrize(
    ("args", "preset", "expected"),
    [
        (["--debug", "dedup", "corpus.jsonl"], None, "1"),
        (["flag", "sub.txt", "--index", "held"], None, "1"),
        (["index", "build", "data/raw"], None, "1"),
        (["topics", "data/raw"], None, None),  # NMF: BLAS threads are the user's
        (["keywords", "data/raw"], None, None),
        (["dedup", "corpus.jsonl"], "2", "2"),  # a number the user chose is kept
    ],
)
def test_commands_without_linear_algebra_start_one_blas_thread(
    args: list[str], preset: str | None, expected: str | None
) -> None:
    # (in a fresh process: OpenBLAS reads the setting when numpy is first imported, and
    # importing the CLI must not import numpy)
    code = (
        "import os, sys\n"
        "from corpus_tools.cli import _one_blas_thread\n"
        "assert 'numpy' not in sys.modules\n"
        f"_one_blas_thread({args!r})\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if preset is not None:
        env["OPENBLAS_NUM_THREADS"] = preset
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == str(expected)
