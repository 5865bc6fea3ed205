"""Worker processes end with their parent: ``kill -9`` of the main process leaves none behind.

A real CLI job with workers (``corpus-tools keywords`` on the national government work
reports, ``--jobs 2``, no cache, so the workers segment for several seconds) is killed with
SIGKILL once its workers are at work; every worker must be gone within a few seconds. The
same with a Dask local cluster (``--engine dask``), and for the portable watchdog alone
(no kernel signal), which is what other systems than Linux rely on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # installed with dask, no stubs
import pytest
from conftest import ROOT, corpus_file

from corpus_tools.engine import LocalEngine

#: Seconds every worker has to end after its parent was killed ("within a few seconds").
GONE_WITHIN = 5.0
#: Seconds a job has to start its workers before the test gives up.
START_WITHIN = 120.0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _cli() -> list[str]:
    return [sys.executable, "-c", "from corpus_tools.cli import main; main()"]


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie no init has reaped yet counts as gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_for_workers(main: subprocess.Popen[Any], count: int) -> list[psutil.Process]:
    """The descendants of ``main`` once ``count`` of them use CPU (the workers at work)."""
    proc = psutil.Process(main.pid)
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        if main.poll() is not None:
            pytest.fail(f"the job ended before its workers started (exit {main.returncode})")
        kids = proc.children(recursive=True)
        busy = []
        for kid in kids:
            try:
                if sum(kid.cpu_times()[:2]) > 0.5:
                    busy.append(kid)
            except psutil.NoSuchProcess:
                continue
        if len(busy) >= count:
            return kids
        time.sleep(0.1)
    main.kill()
    pytest.fail(f"no {count} busy workers after {START_WITHIN} s")


def _kill_and_check(main: subprocess.Popen[Any], kids: list[psutil.Process]) -> None:
    os.kill(main.pid, signal.SIGKILL)
    main.wait()
    deadline = time.monotonic() + GONE_WITHIN
    left = [k.pid for k in kids if _alive(k.pid)]
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [pid for pid in left if _alive(pid)]
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent by {GONE_WITHIN} s"


@pytest.fixture(scope="module")
def reports() -> Path:
    path = corpus_file("state_council_gwr")
    if path is None:
        pytest.skip("corpus 'state_council_gwr' not found under ../shared/corpora")
    return path


@pytest.fixture(scope="module")
def news() -> Path:
    path = corpus_file("xinwen_lianbo")
    if path is None:
        pytest.skip("corpus 'xinwen_lianbo' not found under ../shared/corpora")
    return path


@pytest.mark.slow
def test_kill_9_of_a_keywords_job_leaves_no_worker(news: Path, tmp_path: Path) -> None:
    # 20,985 items: the job is still counting when it is killed (the 137 national reports
    # are segmented within the second the test waits, since segmentation runs on rjieba)
    argv = [*_cli(), "keywords", str(news), "-o", str(tmp_path / "k.csv"), "--no-cache"]
    main = subprocess.Popen(
        [*argv, "--jobs", "2"], env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    kids = _wait_for_workers(main, 2)
    time.sleep(1.0)  # well into their batches: the results they write have no reader now
    _kill_and_check(main, kids)
    assert not (tmp_path / "k.csv").exists()


@pytest.mark.slow
def test_kill_9_of_a_dask_job_leaves_no_worker(reports: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    argv = [*_cli(), "segment", str(reports), "--format", "jsonl", "--no-cache"]
    main = subprocess.Popen(
        [*argv, "--engine", "dask"],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kids = _wait_for_workers(main, 2)
    _kill_and_check(main, kids)


def test_watchdog_alone_ends_orphaned_workers(tmp_path: Path) -> None:
    """Without the kernel's signal (other systems), the watchdog thread ends the workers,
    even one blocked in a long call."""
    script = textwrap.dedent(
        """
        import concurrent.futures as cf, os, sys, time
        from corpus_tools.engine.lifeline import exit_with_parent

        pool = cf.ProcessPoolExecutor(2, initializer=exit_with_parent,
                                      initargs=(os.getpid(), False))
        futures = [pool.submit(time.sleep, 600) for _ in range(2)]
        while len(pool._processes) < 2:
            time.sleep(0.05)
        print(" ".join(map(str, pool._processes)), flush=True)
        time.sleep(600)
        """
    )
    main = subprocess.Popen(
        [sys.executable, "-c", script], env=_env(), stdout=subprocess.PIPE, text=True
    )
    assert main.stdout is not None
    pids = [int(p) for p in main.stdout.readline().split()]
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    kids = [psutil.Process(p) for p in pids]
    _kill_and_check(main, kids)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _sigterm_default(_: int) -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_workers_end_on_sigterm() -> None:
    """A worker ends on SIGTERM although the CLI's handler (SIGTERM -> KeyboardInterrupt,
    which a worker blocked in a pipe write swallows) is inherited through fork."""
    old = signal.signal(signal.SIGTERM, _interrupted)  # as corpus_tools.cli.main does
    try:
        with LocalEngine(n_jobs=2, start_method="fork") as engine:
            defaults = {ok for _, ok in engine.map(_sigterm_default, range(4))}
    finally:
        signal.signal(signal.SIGTERM, old)
    assert defaults == {True}
