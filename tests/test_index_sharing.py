"""One index shared by several processes: writers serialise, readers see one generation,
a writer killed at any point loses nothing that was saved, and damage is checked and repaired.

Writers and readers here are real processes: the ``corpus-tools`` command in subprocesses
for the concurrent rounds, and forked processes (POSIX) that kill themselves with SIGKILL
before a chosen file operation for the fault injection.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from corpus_tools.cli import cli
from corpus_tools.dedup import DedupIndex, check_index, repair_index
from corpus_tools.dedup import store as dedup_store
from corpus_tools.errors import IndexBusyError, IndexChangedError, InvalidParameterError

ROOT = Path(__file__).resolve().parents[1]
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="fork and SIGKILL are POSIX")


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def lines(seed_texts: dict[str, str]) -> list[str]:
    """Real sentences of the seed reports, to make documents of."""
    out = [s for t in seed_texts.values() for s in re.split(r"(?<=[。；！？])|\n", t)]
    return [s.strip() for s in out if len(s.strip()) >= 25]


def _docs(lines: list[str], prefix: str, n: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    return {f"{prefix}-{i}": "".join(rng.sample(lines, 4)) for i in range(n)}


def _jsonl(path: Path, docs: dict[str, str]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for doc_id, text in docs.items():
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return path


def _held(index_dir: Path) -> dict[str, str]:
    index = DedupIndex.load(index_dir)
    assert len(set(index.doc_ids_)) == len(index.doc_ids_), "a document is held twice"
    return {d: index.text(d) for d in index.doc_ids_}


def _only_named_files(index_dir: Path) -> None:
    """The directory holds the manifest, the files it names and the lock: nothing a dead
    writer left."""
    manifest = json.loads((index_dir / "manifest.json").read_text("utf-8"))
    named = {*manifest["files"], *manifest["segments"].values(), "manifest.json", "writer.lock"}
    assert {p.name for p in index_dir.iterdir()} == named


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from corpus_tools.cli import main; main()", *args]


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        _command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


# --------------------------------------------------------------------------- library


def test_a_save_never_drops_what_another_process_saved(tmp_path: Path, lines: list[str]) -> None:
    out = tmp_path / "ix"
    DedupIndex().build(_docs(lines, "base", 3, 0)).save(out)
    first, second = DedupIndex.load(out), DedupIndex.load(out)
    first.add(_docs(lines, "a", 2, 1)).save(out)
    second.add(_docs(lines, "b", 2, 2))
    with pytest.raises(IndexChangedError, match=r"generation 0, now 1\); saving it would drop"):
        second.save(out)
    # holding the lock from load to save is the way
    with DedupIndex.lock(out):
        DedupIndex.load(out).add(_docs(lines, "b", 2, 2)).save(out)
    assert sorted(_held(out)) == ["a-0", "a-1", "b-0", "b-1", "base-0", "base-1", "base-2"]
    # an index built elsewhere replaces the one there (a rebuild)
    DedupIndex().build(_docs(lines, "new", 1, 3)).save(out)
    assert list(_held(out)) == ["new-0"]
    _only_named_files(out)


def test_lock_timeout_names_the_process_that_writes(tmp_path: Path, lines: list[str]) -> None:
    out = tmp_path / "ix"
    DedupIndex().build(_docs(lines, "base", 2, 0)).save(out)
    part = _jsonl(tmp_path / "part.jsonl", _docs(lines, "k", 2, 1))
    with DedupIndex.lock(out):
        rc, stdout, stderr = _finish(
            _start("index", "add", str(out), str(part), "--wait", "0.5", "--format", "json")
        )
        assert rc == 4, (stdout, stderr)
        assert re.search(
            rf"index is being written by another process \(pid {os.getpid()}\) for \d+ s; "
            r"try again",
            stderr,
        ), stderr
        assert "Traceback" not in stderr
        # a reader is not held up by a writer
        assert sorted(DedupIndex.load(out).doc_ids_) == ["base-0", "base-1"]
    with pytest.raises(IndexBusyError, match="pid unknown"), DedupIndex.lock(out):
        # the lock held by another thread of this process: the same message, no holder file
        from concurrent.futures import ThreadPoolExecutor

        (out / "writer.json").unlink()
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: DedupIndex.lock(out, timeout=0.2).__enter__()).result()
    with pytest.raises(InvalidParameterError, match=r"'timeout' parameter of DedupIndex\.lock"):
        DedupIndex.lock(out, timeout=-1)


def test_a_reader_starts_again_when_a_writer_publishes_meanwhile(
    tmp_path: Path, lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between reading the manifest and opening its files, another process publishes a new
    generation and removes the files of the old one: the reader reads the new one whole."""
    out = tmp_path / "ix"
    DedupIndex().build(_docs(lines, "base", 3, 0)).save(out)
    real = dedup_store._read_manifest
    calls = []

    def racing(root: Path) -> Any:
        manifest = real(root)
        calls.append(manifest.generation)
        if len(calls) == 1:
            DedupIndex.load(out).add(_docs(lines, "late", 2, 1)).save(out)
            assert not (out / manifest.names["bands"]).exists()  # the old one is gone
        return manifest

    monkeypatch.setattr(dedup_store, "_read_manifest", racing)
    index = DedupIndex.load(out)
    assert calls[:2] == [0, 0] and calls[-1] == 1
    assert sorted(index.doc_ids_) == ["base-0", "base-1", "base-2", "late-0", "late-1"]


# --------------------------------------------------------------------------- check, repair


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def test_check_and_repair_a_damaged_text_segment(tmp_path: Path, lines: list[str]) -> None:
    out = tmp_path / "ix"
    first = _docs(lines, "a", 4, 0)
    second = _docs(lines, "b", 3, 1)
    DedupIndex().build(first).save(out)
    DedupIndex.load(out).add(second).save(out)
    runner = CliRunner()
    ok = runner.invoke(cli, ["index", "check", str(out), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["ok"] is True
    # damage the second document of the first segment
    index = DedupIndex.load(out)
    offset = int(index._text_loc[1][1])  # (segment, offset, nbytes, crc32)
    _flip(out / "texts-g0-0000.bin", offset + 5)
    bad = runner.invoke(cli, ["index", "check", str(out), "--format", "json"])
    assert bad.exit_code == 4
    report = json.loads(bad.stdout)
    assert report["damaged"] == [
        {
            "file": "texts-g0-0000.bin",
            "reason": "1 of its 4 texts are corrupt (first: its CRC-32 differs)",
            "documents": ["a-1"],
        }
    ]
    assert "index repair" in bad.stderr
    fixed = runner.invoke(cli, ["index", "repair", str(out), "--format", "json"])
    assert fixed.exit_code == 4  # documents were dropped: they must be added again
    assert json.loads(fixed.stdout)["dropped"] == ["a-1"]
    assert "must be added again: a-1" in fixed.stderr
    held = _held(out)
    assert held == {k: v for k, v in {**first, **second}.items() if k != "a-1"}
    assert runner.invoke(cli, ["index", "check", str(out)]).exit_code == 0
    # the repaired index finds what it holds, and takes the dropped document back
    assert DedupIndex.load(out).query(first["a-2"]).matches["doc_id"].tolist()[0] == "a-2"
    DedupIndex.load(out).add({"a-1": first["a-1"]}).save(out)
    assert _held(out) == {**held, "a-1": first["a-1"]}
    again = runner.invoke(cli, ["index", "repair", str(out), "--format", "json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["dropped"] == []


def test_repair_recomputes_damaged_search_files_and_a_missing_segment(
    tmp_path: Path, lines: list[str]
) -> None:
    out = tmp_path / "ix"
    first, second = _docs(lines, "a", 3, 0), _docs(lines, "b", 2, 1)
    DedupIndex().build(first).save(out)
    DedupIndex.load(out).add(second).save(out)
    before = DedupIndex.load(out)
    searched = ("_bands", "_anchor_keys", "_anchor_docs", "_length", "_digest", "_n_anchors")
    # (copies: a loaded index maps its arrays, and the files are damaged in place below)
    held = {name: np.array(getattr(before, name)) for name in (*searched, "_band_sorted")}
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    _flip(out / manifest["arrays"]["bands"], -3)
    _flip(out / manifest["arrays"]["anchor_keys"], -3)
    _flip(out / manifest["arrays"]["band_keys"], -3)
    found = check_index(out)
    assert not found.ok and found.lost == []
    assert {d.file for d in found.damaged} == {
        manifest["arrays"]["bands"],
        manifest["arrays"]["anchor_keys"],
        manifest["arrays"]["band_keys"],
    }
    done = repair_index(out)
    assert done.rebuilt_search and done.dropped == [] and done.documents == 5
    after = DedupIndex.load(out)
    assert after.doc_ids_ == before.doc_ids_
    for name in (*searched, "_band_sorted"):
        assert (getattr(after, name) == held[name]).all(), name
    # a segment lost whole: its documents are named, the rest kept
    (out / manifest["segments"]["1"]).unlink()
    res = CliRunner().invoke(cli, ["index", "repair", str(out), "--format", "json"])
    assert res.exit_code == 4
    assert sorted(json.loads(res.stdout)["dropped"]) == ["b-0", "b-1"]
    assert _held(out) == first
    _only_named_files(out)
    # a damaged document table cannot name what was lost: rebuild
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    _flip(out / manifest["arrays"]["docs"], 40)
    res = CliRunner().invoke(cli, ["index", "repair", str(out)])
    assert res.exit_code == 4
    assert "its document table" in res.stderr and "index build" in res.stderr
    res = CliRunner().invoke(cli, ["index", "check", str(tmp_path)])
    assert res.exit_code == 4 and "not a corpus-tools index" in res.stderr


# --------------------------------------------------------------------------- concurrent


@POSIX_ONLY
def test_concurrent_writers_and_readers_lose_nothing(
    tmp_path: Path, lines: list[str], seed_texts: dict[str, str]
) -> None:
    """Rounds of four `index add` processes (7 reports each) and two `flag` readers on one
    index: every add exits 0 with its documents held (or is refused for a lock timeout only),
    no reader crashes, the index always loads; two writers adding the same ids at once hold
    them once."""
    out = tmp_path / "ix"
    base = _docs(lines, "base", 5, 0)
    DedupIndex().build(base).save(out)
    sub = tmp_path / "sub.txt"
    sub.write_text("我们认真贯彻落实。\n" + base["base-0"], encoding="utf-8")
    expected = dict(base)
    for round_ in range(3):
        parts = {w: _docs(lines, f"r{round_}w{w}", 7, 10 * round_ + w) for w in range(4)}
        files = {w: _jsonl(tmp_path / f"part{round_}{w}.jsonl", d) for w, d in parts.items()}
        writers = {
            w: _start("index", "add", str(out), str(f), "--format", "json")
            for w, f in files.items()
        }
        readers = [
            _start("flag", str(sub), "--index", str(out), "--format", "json") for _ in range(2)
        ]
        for w, proc in writers.items():
            rc, stdout, stderr = _finish(proc)
            if rc == 0:
                assert json.loads(stdout)["added"] == 7
                expected.update(parts[w])
            else:  # only a clear lock timeout may refuse an add
                assert rc == 4 and "is being written by another process" in stderr, stderr
        for proc in readers:
            rc, stdout, stderr = _finish(proc)
            assert rc == 1, stderr  # the submission copies base-0: flagged, never a crash
            (verdict,) = json.loads(stdout)
            assert verdict["largest_source"] == "base-0"
            assert "Traceback" not in stderr
        assert _held(out) == expected
        _only_named_files(out)
    # two writers add the same documents at once: one adds them, the other refuses them
    same = _jsonl(tmp_path / "same.jsonl", _docs(lines, "same", 7, 99))
    procs = [_start("index", "add", str(out), str(same), "--format", "json") for _ in range(2)]
    results = sorted(_finish(p)[0::2] for p in procs)
    assert [rc for rc, _ in results] == [0, 2], results
    assert "already has" in results[1][1]
    expected.update(_docs(lines, "same", 7, 99))
    assert _held(out) == expected
    assert CliRunner().invoke(cli, ["index", "check", str(out)]).exit_code == 0


# --------------------------------------------------------------------------- crashes


def _writer(args: list[str], kill_at: int, log: str, spill_chars: int) -> None:
    """A forked `corpus-tools index add` that SIGKILLs itself before its ``kill_at``-th file
    operation (0: never) and logs every operation it starts."""
    import corpus_tools.dedup.index as dedup_index
    import corpus_tools.io as ct_io

    # read a few documents at a time, and spill their texts into the index folder
    ct_io.STREAM_CHUNK_CHARS = spill_chars
    dedup_index.SPILL_CHARS = spill_chars
    count = [0]

    def step(what: str) -> None:
        count[0] += 1
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{count[0]} {what}\n")
        if count[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def wrap(func: Any, name: str) -> Any:
        def wrapped(*a: Any, **k: Any) -> Any:
            target = a[1] if name == "replace" else a[0]
            step(f"{name} {os.path.basename(str(target))}")
            return func(*a, **k)

        return wrapped

    real_write = dedup_store.atomic_write

    @contextlib.contextmanager
    def atomic_write(path: Any, mode: str = "wb") -> Iterator[Any]:
        step(f"write {Path(path).name}")
        with real_write(path, mode) as fh:
            yield fh

    os.replace = wrap(os.replace, "replace")
    os.unlink = wrap(os.unlink, "unlink")
    os.rmdir = wrap(os.rmdir, "rmdir")
    dedup_store.atomic_write = atomic_write
    try:
        cli.main(args, prog_name="corpus-tools")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    # what a process exiting normally does (os._exit follows in a forked child)
    import gc

    gc.collect()
    sys.stdout.flush()
    os._exit(code)


def _run_writer(
    index_dir: Path, part: Path, log: Path, *, kill_at: int = 0, kill_after: float | None = None
) -> int:
    args = ["index", "add", str(index_dir), str(part), "--format", "json"]
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_writer, args=(args, kill_at, str(log), 500))
    proc.start()
    if kill_after is not None:
        time.sleep(kill_after)
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
    proc.join(120)
    assert proc.exitcode is not None
    return proc.exitcode


def _committed(log: Path, kill_at: int) -> bool:
    """Whether the manifest was replaced before the writer killed itself."""
    done = [ln for ln in log.read_text("utf-8").splitlines() if int(ln.split()[0]) < kill_at]
    return any(ln.endswith("replace manifest.json") for ln in done)


#: Writers killed at a random moment (besides one killed before each of its file operations).
RANDOM_KILLS = 12


@POSIX_ONLY
def test_a_writer_killed_at_any_point_loses_nothing_saved(tmp_path: Path, lines: list[str]) -> None:
    """Kill `index add` before each of its file operations in turn (writes, renames,
    removals), then at random moments: after every kill the index loads and holds exactly the
    documents of the completed adds (the killed add's all or none: all once its manifest is
    in place), and the next add succeeds and leaves nothing of the dead writer behind."""
    out = tmp_path / "ix"
    expected = _docs(lines, "base", 4, 0)
    DedupIndex().build(expected).save(out)
    log = tmp_path / "ops.log"
    n = 0

    def next_part() -> tuple[Path, dict[str, str]]:
        nonlocal n
        n += 1
        docs = _docs(lines, f"p{n}", 5, n)  # 5 reports of ~300 chars: spills twice
        return _jsonl(tmp_path / f"p{n}.jsonl", docs), docs

    kill_at, points = 1, 0
    while True:
        part, docs = next_part()
        log.write_text("", "utf-8")
        code = _run_writer(out, part, log, kill_at=kill_at)
        if code == 0:  # it finished before its kill_at-th operation: every point was tried
            expected.update(docs)
            break
        assert code == -signal.SIGKILL, code
        points += 1
        if _committed(log, kill_at):
            expected.update(docs)
        assert _held(out) == expected, (kill_at, log.read_text("utf-8"))
        # the next add completes and cleans up what the dead one left
        part, docs = next_part()
        assert _run_writer(out, part, log) == 0
        expected.update(docs)
        assert _held(out) == expected
        _only_named_files(out)
        kill_at += 1
    assert points >= 15  # owner file, spills, segments, tables, manifest, clean-up
    rng = random.Random(7)
    for _ in range(RANDOM_KILLS):
        part, docs = next_part()
        code = _run_writer(out, part, log, kill_after=rng.uniform(0.0, 0.4))
        held = _held(out)  # loads, whatever the moment
        if code == 0 or set(docs) <= set(held):
            expected.update(docs)
        assert held == expected  # all of the killed add's documents, or none
    part, docs = next_part()
    assert _run_writer(out, part, log) == 0
    expected.update(docs)
    assert _held(out) == expected
    _only_named_files(out)
    assert check_index(out).ok
    shutil.rmtree(out)
