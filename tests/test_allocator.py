"""The command-line program raises glibc's allocator thresholds for its own process only."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest

from corpus_tools.cli.allocator import tune_allocator


def _has_mallopt() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "mallopt")
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux") or not _has_mallopt(), reason="glibc")
def test_tune_allocator_takes_effect_on_glibc() -> None:
    assert tune_allocator() is True


def test_importing_the_library_leaves_the_allocator_alone() -> None:
    code = "import sys, corpus_tools.dedup; print('corpus_tools.cli.allocator' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
