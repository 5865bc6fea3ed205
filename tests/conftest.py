"""Shared fixtures: the seed reports and the third-party corpora beside the project."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw"
CORPORA = Path(os.environ.get("CORPUS_TOOLS_CORPORA", ROOT.parent / "shared" / "corpora"))


def corpus_file(name: str) -> Path | None:
    """The JSONL(.gz) file of a corpus in ../shared/corpora, or None when absent."""
    folder = CORPORA / name
    for candidate in ("corpus.jsonl", "corpus.jsonl.gz"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def iter_records(name: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Records of a shared corpus (skips the test when the corpus is absent)."""
    path = corpus_file(name)
    if path is None:
        pytest.skip(f"corpus {name!r} not found under {CORPORA}")
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                break
            yield json.loads(line)


def has_cjk_font() -> bool:
    """Whether plots can draw Chinese on this machine (scripts/setup.sh installs a font)."""
    from corpus_tools.present import plots

    try:
        plots.find_cjk_font()
    except plots.FontNotFoundError:
        return False
    return True


#: Skips a test that draws Chinese where no CJK font is installed, saying what to install.
needs_cjk_font = pytest.mark.skipif(
    not has_cjk_font(),
    reason="no CJK font installed (apt-get install fonts-noto-cjk): Chinese cannot be drawn",
)


@pytest.fixture(scope="module")
def seed_corpus(seeds_dir: Path) -> Any:
    """The five seed reports as a corpus table (one document per file)."""
    import corpus_tools as ct

    return ct.load_corpus(str(seeds_dir)).documents


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The five seed reports, by file name, as loaded from disk."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"../shared/corpora not found at {CORPORA}")
    return CORPORA


# --------------------------------------------------------------------------- a real browser


def chromium() -> str | None:
    """The headless browser the HTML pages are tested in, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(
    args: list[str], tmp: Path, *, proxy_port: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run headless Chromium with ``args`` and a fresh profile under ``tmp``; with
    ``proxy_port``, every request goes through the proxy on that local port."""
    exe = chromium()
    assert exe is not None
    profile = tmp / f"profile-{len(list(tmp.iterdir()))}"
    proxy = (
        []
        if proxy_port is None
        else [f"--proxy-server=http://127.0.0.1:{proxy_port}", "--proxy-bypass-list=<-loopback>"]
    )
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        *proxy,
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, timeout=180, check=False)
