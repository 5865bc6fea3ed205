"""Every `corpus-tools ...` example of the README that reads the sample corpus (data/raw) runs,
and gives --split where the corpus is read as a folder: 003 holds nine reports in one file,
six of them copies, which only --split auto (or lines) reads as documents (issue 20)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus_tools.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: A command at the start of a line (``$ `` allowed) or inside backticks, to the end of the
#: line or the closing backtick.
_COMMAND = re.compile(r"(?:^\$? ?|`)corpus-tools ([a-z][^`\n]*)", re.MULTILINE)


def _examples() -> list[str]:
    found = []
    for match in _COMMAND.finditer(README):
        line = match.group(1).split("  #")[0].split(" > ")[0].strip()
        if "data/raw" in line and line not in found:
            found.append(line)
    return found


EXAMPLES = _examples()


def test_the_readme_has_examples_on_the_sample_corpus() -> None:
    commands = {line.split()[0] for line in EXAMPLES}
    assert {"inspect", "segment", "placeholders", "slogans", "keywords", "boilerplate"} <= commands
    assert {"dedup", "report"} <= commands


@pytest.mark.parametrize("line", EXAMPLES)
def test_examples_on_the_folder_split_it(line: str) -> None:
    args = shlex.split(line)
    if "data/raw" in args:  # the folder, 003 with it: its nine reports are read as one
        assert "--split" in args, line
        assert args[args.index("--split") + 1] == "auto", line


def test_python_examples_on_the_folder_split_it() -> None:
    calls = re.findall(r"load_corpus\(\"data/raw\"[^)]*\)", README)
    assert calls
    assert all('split="auto"' in call for call in calls), calls


@pytest.mark.slow
@pytest.mark.parametrize("line", EXAMPLES)
def test_examples_on_the_sample_corpus_run(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the examples name data/raw from the repository's root
    monkeypatch.setenv("CORPUS_TOOLS_CACHE", str(tmp_path / "cache"))
    args = shlex.split(line)
    for k, arg in enumerate(args[:-1]):
        if arg == "-o":  # written under tmp_path, not into data/processed
            args[k + 1] = str(tmp_path / Path(args[k + 1]).name)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, (line, result.output, result.exception)
    out = [args[k + 1] for k, arg in enumerate(args[:-1]) if arg == "-o"]
    assert all(Path(path).stat().st_size > 0 for path in out)
    assert out or result.stdout.strip()
