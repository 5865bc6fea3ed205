"""Bad input beside good input, for every command: the good ones are processed, each bad
one is named on stderr with its reason, the exit status is 3, and nothing is lost."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from corpus_tools.cli import COMMANDS, cli

GOOD = ["001_76da920ca12b73e0.txt", "002_fcffc313e2c7ef3d.txt", "004_4ba3fb77ef7e832c.txt"]
BAD = {
    "empty.txt": "empty",
    "binary.txt": "binary",
    "broken.docx": "docx",
    "truncated.jsonl.gz": "truncated",
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """Three seed reports, a JSONL file with good and bad records, and broken files."""
    folder = tmp_path_factory.mktemp("mixed")
    for name in GOOD:
        shutil.copy(seeds_dir / name, folder / name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a zip at all")
    import gzip

    payload = gzip.compress(
        "\n".join(
            json.dumps({"id": f"r{i}", "text": "三会一课。" * 40}) for i in range(300)
        ).encode()
    )
    (folder / "truncated.jsonl.gz").write_bytes(payload[: len(payload) // 2])
    (folder / "records.jsonl").write_text(
        json.dumps(
            {"id": "rec-ok", "text": (seeds_dir / GOOD[0]).read_text("utf-8")}, ensure_ascii=False
        )
        + "\n{broken json\n"
        + json.dumps({"id": "rec-notext"})
        + "\n"
        # legal JSON, not Unicode text: a lone surrogate crashed every command (exit 1)
        + '{"id": "rec-surrogate", "text": "\u515a\u5efaab\\ud800cd"}\n',
        encoding="utf-8",
    )
    return folder


def _recoverable(path: Path) -> set[str]:
    """Ids of the whole records before the break of a truncated .jsonl.gz (read with zlib,
    not with the loader under test): they are good documents too, and must not be lost."""
    import zlib

    data = zlib.decompressobj(wbits=31).decompress(path.read_bytes())
    *whole, _partial = data.split(b"\n")
    return {json.loads(line)["id"] for line in whole}


@pytest.fixture(scope="module")
def good_ids(mixed: Path) -> set[str]:
    recovered = _recoverable(mixed / "truncated.jsonl.gz")
    assert 50 < len(recovered) < 300  # the file breaks off about half way
    return {*GOOD, "rec-ok", *recovered}


def _doc_ids_from(key: str) -> Callable[[Any], set[str]]:
    def get(data: Any) -> set[str]:
        return {str(d["doc_id"]) for d in data[key]}

    return get


def _segment_ids(out: str) -> set[str]:
    return {json.loads(line)["doc_id"] for line in out.splitlines() if line.strip()}


# command -> (extra arguments, how to read the good doc_ids from its output, or None)
CASES: dict[str, tuple[list[str], Callable[[Any], set[str]] | None]] = {
    "inspect": (["--format", "json"], _doc_ids_from("documents")),
    "segment": (["--format", "jsonl"], None),
    "slogans": (["--format", "json"], None),
    "boilerplate": (["--format", "json"], _doc_ids_from("documents")),
    "placeholders": (["--format", "json", "--show", "documents"], _doc_ids_from("documents")),
    "dedup": (["--format", "json"], None),
    "formulas": (["--format", "json"], None),
    "topics": (["--format", "json", "-k", "2"], _doc_ids_from("documents")),
}


@pytest.mark.parametrize("command", sorted(CASES))
def test_every_command_processes_the_good_and_names_the_bad(
    mixed: Path, good_ids: set[str], command: str
) -> None:
    extra, ids = CASES[command]
    result = CliRunner().invoke(cli, [command, str(mixed), *extra])
    assert result.exit_code == 3, (result.stderr, result.stdout[-500:])
    for name, reason in BAD.items():
        line = next((ln for ln in result.stderr.splitlines() if name in ln), None)
        assert line is not None, f"{name} not named on stderr"
        assert reason in line
    assert "broken json" not in result.stdout
    assert "invalid JSON" in result.stderr and "no text in field 'text'" in result.stderr
    assert "line 4: field 'text' holds a lone surrogate" in result.stderr
    assert "Traceback" not in result.stderr and "rec-surrogate" not in result.stdout
    if command == "segment":
        assert _segment_ids(result.stdout) == good_ids
    elif command == "dedup":
        # the good JSONL record is seed 001 again: found as its duplicate
        pairs = {(p["a"], p["b"], p["relation"]) for p in json.loads(result.stdout)["pairs"]}
        assert any({a, b} == {GOOD[0], "rec-ok"} and rel == "duplicate" for a, b, rel in pairs)
    elif command == "slogans":
        # 两委 stands quoted in seed 001 (and so in its copy, the good JSONL record)
        rows = {r["slogan"]: r for r in json.loads(result.stdout)}
        assert rows["两委"]["doc_freq"] >= 2
    elif ids is not None:
        assert ids(json.loads(result.stdout)) >= good_ids


def test_keywords_table_holds_every_good_document(
    mixed: Path, good_ids: set[str], tmp_path: Path
) -> None:
    out = tmp_path / "kw.csv"
    result = CliRunner().invoke(cli, ["keywords", str(mixed), "-o", str(out), "--no-cache"])
    assert result.exit_code == 3, result.stderr
    for name in BAD:
        assert name in result.stderr
    assert "lone surrogate" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["documents"] == len(good_ids)
    table = pd.read_csv(out, encoding="utf-8-sig")
    # the good JSONL record is seed 001 again, so 001's terms count twice
    texts = [(mixed / name).read_text("utf-8") for name in [*GOOD, GOOD[0]]]
    for term in ("软弱涣散", "党建引领"):
        expected = sum(term in t for t in texts)
        assert expected > 0
        assert table.loc[table["term"] == term, "doc_freq"].item() == expected


def test_index_flag_and_report_on_mixed_inputs(mixed: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    index = tmp_path / "idx"
    built = runner.invoke(cli, ["index", "build", str(mixed), "-o", str(index)])
    assert built.exit_code == 3, built.stderr
    for name in BAD:
        assert name in built.stderr
    assert "lone surrogate" in built.stderr
    # the held copy of seed 001 is found from the index and from the mixed folder itself
    sub = str(mixed / GOOD[0])
    for how in (["--index", str(index)], ["--against", str(mixed)]):
        flagged = runner.invoke(cli, ["flag", sub, *how, "--format", "json"])
        assert flagged.exit_code in (1, 3), flagged.stderr
        (res,) = json.loads(flagged.stdout)
        assert res["flagged"] is True
        assert {m["doc_id"] for m in res["matches"]} >= {GOOD[0], "rec-ok"}
    out = tmp_path / "report.html"
    made = runner.invoke(cli, ["report", str(mixed), "-o", str(out)])
    assert made.exit_code == 3, made.stderr
    for name in BAD:
        assert name in made.stderr
    page = out.read_text(encoding="utf-8")
    for name in GOOD:
        assert name in page


def test_all_commands_of_the_contract_are_covered() -> None:
    covered = {*CASES, "keywords", "index", "flag", "report"}
    assert set(COMMANDS) == covered


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_keywords_leaves_the_previous_table(
    tmp_path: Path, seeds_dir: Path, signum: int
) -> None:
    from conftest import corpus_file

    big = corpus_file("xinwen_lianbo")
    if big is None:
        pytest.skip("xinwen_lianbo corpus absent")
    out = tmp_path / "kw.parquet"
    exe = str(Path(sys.executable).parent / "corpus-tools")
    env = {**os.environ, "CORPUS_TOOLS_CACHE": str(tmp_path / "cache")}
    first = subprocess.run(
        [exe, "keywords", str(seeds_dir), "-o", str(out)], capture_output=True, env=env, check=False
    )
    assert first.returncode == 0, first.stderr
    before = out.read_bytes()
    proc = subprocess.Popen(
        [exe, "keywords", str(big), "-o", str(out), "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    time.sleep(6)
    assert proc.poll() is None, "the long job ended before it could be interrupted"
    proc.send_signal(signum)
    proc.wait(timeout=60)
    assert proc.returncode == 130  # SIGTERM ends the job as Ctrl-C does: cleanly
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "kw.parquet"]
