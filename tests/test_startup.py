"""Fixed costs: what a command imports before it does anything (issue 21 #4).

Behaviour, not time: a fresh interpreter runs the command and prints which heavy libraries
ended up in ``sys.modules``. The CPU seconds live in benchmarks/bench_startup.py.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "pyarrow", "jieba", "rjieba", "sklearn", "gensim", "scipy", "dask")


def imported_after(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (this checkout first on the path); the heavy
    libraries then in ``sys.modules`` and what the code printed to stdout."""
    script = (
        "import contextlib, io, json, sys\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'heavy': heavy, 'out': out.getvalue(), 'pkg_resources': "
        "'pkg_resources' in sys.modules}))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def run_main(*argv: str) -> str:
    return (
        "from corpus_tools.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
    )


def test_help_imports_no_heavy_library() -> None:
    result = imported_after(run_main("--help"))
    assert "Commands:" in str(result["out"])  # the help was printed
    assert "flag" in str(result["out"])
    assert result["heavy"] == []
    assert result["pkg_resources"] is False


def test_version_imports_no_heavy_library() -> None:
    result = imported_after(run_main("--version"))
    assert "version" in str(result["out"])
    assert result["heavy"] == []


def test_cli_common_imports_no_pandas() -> None:
    result = imported_after("import corpus_tools.cli.common")
    assert result["heavy"] == []


def test_normalize_needs_numpy_only() -> None:
    """The text layer's face imports a function's module only: folding needs no pandas."""
    result = imported_after(
        "from corpus_tools.text import normalize\nprint(normalize('“ＡＢ”　c').text)"
    )
    assert result["out"] == '"ab"c\n'
    assert result["heavy"] == ["numpy"]


def test_text_face_names_are_the_typed_ones() -> None:
    """Each lazy name of ``corpus_tools.text`` is the object its typed import names."""
    import importlib

    from corpus_tools import text

    tree = ast.parse((ROOT / "corpus_tools" / "text" / "__init__.py").read_text("utf-8"))
    typed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and str(node.module).startswith("corpus_tools.text."):
            typed.update({a.asname or a.name: str(node.module) for a in node.names})
    assert sorted(text.__all__) == sorted(typed)
    for name, module in typed.items():
        assert getattr(text, name) is getattr(importlib.import_module(module), name)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = text.nothing  # type: ignore[attr-defined]


def test_traditional_folding_without_pkg_resources() -> None:
    """zhconv's table is read from its file: ``pkg_resources`` (deprecated, slow) stays out."""
    result = imported_after(
        "from corpus_tools.text import fold_for_matching as f\n"
        "print(f('國務院關於統籌發展').text == f('国务院关于统筹发展').text)"
    )
    assert result["out"] == "True\n"
    assert result["pkg_resources"] is False


def test_shipped_fold_tables_are_what_this_python_computes() -> None:
    """corpus_tools/data/fold_tables.npz holds what text/normalization.py and
    text/matching.py compute (rebuild it with scripts/build_fold_tables.py)."""
    import unicodedata

    import numpy as np

    from corpus_tools.text.matching import compute_letters_digits
    from corpus_tools.text.normalization import compute_fold_table
    from corpus_tools.text.tables import read_fold_tables, shipped_tables

    data = read_fold_tables()
    assert data is not None, "corpus_tools/data/fold_tables.npz is missing"
    if str(data["unidata_version"]) != unicodedata.unidata_version:
        assert shipped_tables() is None  # another Unicode: computed, never read
        pytest.skip(f"tables made with Unicode {data['unidata_version']}")
    shipped = shipped_tables()
    assert shipped is not None
    table = compute_fold_table(True, True, True, True)
    assert shipped["fold_keys"].tolist() == sorted(table)
    assert [chr(v) if v else None for v in shipped["fold_values"].tolist()] == [
        table[k] for k in sorted(table)
    ]
    assert np.array_equal(shipped["letters_digits"], compute_letters_digits())


def test_shipped_match_tables_are_what_matching_computes() -> None:
    """The folding of every code point that matching uses ships too (with and without
    traditional characters) and equals what text/matching.py computes; the traditional one
    is used only with the zhconv dictionary it was made from."""
    import numpy as np

    from corpus_tools.text import matching
    from corpus_tools.text.tables import shipped_tables

    shipped = shipped_tables()
    if shipped is None:
        pytest.skip("tables made with another Unicode version")
    for traditional in (False, True):
        table = matching._shipped_match_table(shipped, traditional)
        if traditional and str(shipped["zhconv_digest"]) != matching.zhconv_digest():
            assert table is None  # another zhconv: computed, never read
            continue
        assert table is not None
        assert np.array_equal(table, matching.compute_match_table(traditional))
    other = {**shipped, "zhconv_digest": np.array("0" * 64)}
    assert matching._shipped_match_table(other, True) is None
    assert matching._shipped_match_table(other, False) is not None


def test_folding_reads_the_shipped_tables() -> None:
    """A process that folds text does not compute the tables (0.2 CPU-s) when they ship."""
    result = imported_after(
        "import unicodedata\n"
        "from corpus_tools.text import matching, normalization, tables\n"
        "def refuse(*args):\n"
        "    raise AssertionError('computed')\n"
        "normalization.compute_fold_table = refuse\n"
        "matching.compute_letters_digits = refuse\n"
        "matching.compute_match_table = refuse\n"
        "made = str(tables.read_fold_tables()['unidata_version'])\n"
        "if made == unicodedata.unidata_version:\n"
        "    print(normalization.normalize('“ＡＢ”　c').text)\n"
        "    print(matching.fold_for_matching('XX社区，２０２３年').text == "
        "matching.fold_for_matching('某某社区2023年').text)\n"
        "else:\n"
        "    print('\"ab\"c')\n"
        "    print(True)\n"
    )
    assert result["out"] == '"ab"c\nTrue\n'


COMMANDS = (
    "inspect", "placeholders", "slogans", "formulas", "boilerplate", "dedup", "index",
    "flag", "keywords", "topics", "segment", "report",
)  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_imports_no_heavy_library(command: str) -> None:
    """A command's ``--help`` loads its module only: the capability is imported when it runs."""
    result = imported_after(run_main(command, "--help"))
    assert "Usage:" in str(result["out"]) and command in str(result["out"])
    assert result["heavy"] == []


def test_choices_spelled_in_the_cli_are_the_library_s() -> None:
    """The option choices the CLI spells out (so that --help imports nothing heavy) are the
    library's own."""
    from corpus_tools.boilerplate.repeated import KINDS as BOILERPLATE_KINDS
    from corpus_tools.cli import boilerplate, placeholders, report
    from corpus_tools.present import SECTIONS
    from corpus_tools.text.placeholders import KINDS as PLACEHOLDER_KINDS

    assert boilerplate.KINDS == BOILERPLATE_KINDS
    assert placeholders.KINDS == PLACEHOLDER_KINDS
    assert report.SECTIONS == SECTIONS


def test_dedup_json_of_a_file_imports_no_pandas(tmp_path: Path) -> None:
    """``dedup FILE --format json`` reads, sketches, verifies and writes with numpy alone
    (pandas is 0.4 CPU-s of a 1.5 CPU-s job on 6,000 news items), and prints what a run
    with pandas loaded prints; a table format still loads it."""
    records = tmp_path / "lines.jsonl"
    lines = (ROOT / "data" / "raw").glob("*.txt")
    rows = [
        {"id": f"{p.stem}:{k}", "text": line}
        for p in sorted(lines)
        for k, line in enumerate(p.read_text(encoding="utf-8").splitlines())
        if line.strip()
    ]
    records.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    lean = imported_after(run_main("dedup", str(records), "--format", "json"))
    assert "pandas" not in lean["heavy"] and "pyarrow" not in lean["heavy"]
    data = json.loads(str(lean["out"]))
    assert {p["relation"] for p in data["pairs"]} >= {"duplicate"} and data["clusters"]
    loaded = imported_after("import pandas\n" + run_main("dedup", str(records), "--format", "json"))
    assert loaded["out"] == lean["out"]
    table = imported_after(run_main("dedup", str(records), "--format", "csv"))
    assert "pandas" in table["heavy"] and str(table["out"]).startswith("a,b,")


def test_flag_json_against_an_index_imports_no_pandas(tmp_path: Path) -> None:
    """``flag SUB --index DIR --format json`` loads the index (its document table in numpy
    and JSON files), queries it and writes the JSON with numpy alone, and prints what a run
    with pandas loaded prints; the table format and --unit-field still load it."""
    from corpus_tools.dedup import DedupIndex

    raw = sorted((ROOT / "data" / "raw").glob("*.txt"))
    held = {p.name: p.read_text(encoding="utf-8") for p in raw[:4]}
    index = tmp_path / "ix"
    DedupIndex().build(held).save(index)
    sub = tmp_path / "sub.txt"
    sub.write_text("我社区认真落实上级部署。\n" + held[raw[1].name][200:1400], encoding="utf-8")
    args = ("flag", str(sub), "--index", str(index), "--format", "json")
    lean = imported_after(run_main_code(*args))
    assert "pandas" not in lean["heavy"] and "pyarrow" not in lean["heavy"]
    data = json.loads(str(lean["out"]))
    assert data[0]["flagged"] and data[0]["matches"][0]["doc_id"] == raw[1].name
    loaded = imported_after("import pandas\n" + run_main_code(*args))
    assert loaded["out"] == lean["out"]
    table = imported_after(run_main_code(*args[:-1], "table"))
    assert "pandas" in table["heavy"] and "FLAGGED" in str(table["out"])


def run_main_code(*argv: str) -> str:
    """:func:`run_main` for a command that exits 1 (flagged) as well as 0."""
    return (
        "from corpus_tools.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, 1, None), exc.code\n"
    )
