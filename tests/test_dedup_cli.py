"""``corpus-tools dedup``, ``index build|add`` and ``flag`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus_tools.cli import cli
from corpus_tools.text import fold

SEED_003 = "003_9b7675b2e4522a57.txt"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def held_dir(tmp_path: Path, seed_texts: dict[str, str]) -> Path:
    folder = tmp_path / "held"
    folder.mkdir()
    for name in ("000_14cdbf6256da471f.txt", "001_76da920ca12b73e0.txt"):
        (folder / name).write_text(seed_texts[name], encoding="utf-8")
    return folder


@pytest.fixture()
def submission(tmp_path: Path, seed_texts: dict[str, str]) -> Path:
    text = seed_texts["001_76da920ca12b73e0.txt"]
    path = tmp_path / "sub.txt"
    path.write_text("我社区认真落实上级部署。\n" + text[200:1400], encoding="utf-8")
    return path


def test_dedup_json_clusters_seed_003(runner: CliRunner, seeds_dir: Path) -> None:
    res = runner.invoke(
        cli, ["dedup", str(seeds_dir / SEED_003), "--split", "lines", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert len(data["clusters"]) == 1 and len(data["clusters"][0]) == 6
    assert {p["relation"] for p in data["pairs"]} == {"duplicate"}
    assert set(data["pairs"][0]) >= {"a", "b", "similarity", "containment", "relation"}


def test_dedup_table_and_bad_threshold(runner: CliRunner, seeds_dir: Path) -> None:
    res = runner.invoke(
        cli, ["dedup", str(seeds_dir / SEED_003), "--split", "lines", "--format", "table"]
    )
    assert res.exit_code == 0
    assert "duplicate" in res.output and "cluster" in res.output
    bad = runner.invoke(cli, ["dedup", str(seeds_dir), "--threshold", "1.5"])
    assert bad.exit_code == 2
    assert "1.5 is not in the range" in bad.output


def test_index_build_add_flag(
    runner: CliRunner, tmp_path: Path, held_dir: Path, submission: Path, seeds_dir: Path
) -> None:
    out = tmp_path / "ix"
    res = runner.invoke(
        cli,
        [
            "index",
            "build",
            str(held_dir / "000_14cdbf6256da471f.txt"),
            "-o",
            str(out),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["documents"] == 1
    # not held yet: not flagged
    res = runner.invoke(cli, ["flag", str(submission), "--index", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)[0]["flagged"] is False
    res = runner.invoke(
        cli,
        ["index", "add", str(out), str(held_dir / "001_76da920ca12b73e0.txt"), "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["documents"] == 2
    res = runner.invoke(cli, ["flag", str(submission), "--index", str(out), "--format", "json"])
    assert res.exit_code == 1, res.output
    (sub,) = json.loads(res.output)
    assert sub["flagged"] is True and sub["copy_ratio"] > 0.8
    (match,) = sub["matches"]
    assert match["doc_id"] == "001_76da920ca12b73e0.txt"
    text = submission.read_text(encoding="utf-8")
    held = (held_dir / "001_76da920ca12b73e0.txt").read_text(encoding="utf-8")
    for p in match["passages"]:
        piece = text[p["submission_start"] : p["submission_end"]]
        original = held[p["match_start"] : p["match_end"]]
        assert piece and len(original) >= 20
        # the submission re-punctuates: the passages agree once folded
        assert fold(piece) == fold(original)
    table = runner.invoke(cli, ["flag", str(submission), "--index", str(out), "--format", "table"])
    assert table.exit_code == 1
    assert "FLAGGED" in table.output and "Copied passages" in table.output


def test_flag_against_several_paths(
    runner: CliRunner, held_dir: Path, submission: Path, seeds_dir: Path
) -> None:
    res = runner.invoke(
        cli,
        [
            "flag",
            str(submission),
            "--against",
            str(held_dir / "000_14cdbf6256da471f.txt"),
            str(held_dir / "001_76da920ca12b73e0.txt"),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    assert [d["submission"] for d in data] == ["sub.txt"]
    assert data[0]["largest_source"] == "001_76da920ca12b73e0.txt"
    res = runner.invoke(cli, ["flag", str(submission), "--against", "--format", "json"])
    assert res.exit_code == 2
    assert "requires one or more paths" in res.output
    res = runner.invoke(cli, ["flag", str(submission)])
    assert res.exit_code == 2
    assert "exactly one of --index DIR or --against" in res.output


def test_flag_corrupt_or_wrong_version_index(
    runner: CliRunner, tmp_path: Path, held_dir: Path, submission: Path
) -> None:
    out = tmp_path / "ix"
    assert runner.invoke(cli, ["index", "build", str(held_dir), "-o", str(out)]).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    (out / "manifest.json").write_text(json.dumps({**manifest, "version": 99}), "utf-8")
    res = runner.invoke(cli, ["flag", str(submission), "--index", str(out)])
    assert res.exit_code == 4
    assert "format version 99" in res.output
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    (out / manifest["arrays"]["anchor_keys"]).write_bytes(b"garbage")
    res = runner.invoke(cli, ["flag", str(submission), "--index", str(out)])
    assert res.exit_code == 4
    assert "anchor_keys-g0.npy is corrupt" in res.output
    res = runner.invoke(cli, ["flag", str(submission), "--index", str(tmp_path / "nowhere")])
    assert res.exit_code == 2  # CLI.md: no such path is a usage error
    (tmp_path / "not-an-index").mkdir()
    res = runner.invoke(cli, ["flag", str(submission), "--index", str(tmp_path / "not-an-index")])
    assert res.exit_code == 4
    assert "not a corpus-tools index" in res.output
