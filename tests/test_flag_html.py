"""``flag --html``: the reviewer's page of a flag run (issue 18, item 5)."""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import chromium, needs_cjk_font, run_chromium

from corpus_tools.cli import cli
from corpus_tools.dedup import flag_submissions
from corpus_tools.errors import InvalidParameterError
from corpus_tools.present.evidence import char_differences, render_flag_html, write_flag_html

MEITAN = (
    "湄潭县2025年政府工作报告\n过去一年，全县茶园面积稳定在60万亩，兴隆镇、永兴镇、复兴镇"
    "茶叶产值增长12%，湄江街道新建茶旅融合示范点3个。我们坚持生态优先，湄潭县获评全国茶旅"
    "融合示范县，遵义市委、市政府充分肯定。<script>alert('held')</script>今年要推动茶产业提质"
    "增效，建成标准化茶园10万亩。"
)
FENGGANG = MEITAN.replace("湄潭县", "凤冈县").replace("湄江街道", "龙泉镇").replace("60", "X")
EVIL = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def report() -> object:
    return flag_submissions(
        {EVIL: FENGGANG, "own": "凤冈县工作总结。全县新建村级党群服务中心十二个。" * 3},
        against={"meitan": MEITAN},
        place="凤冈县",
    )


def test_char_differences() -> None:
    a = "全县茶园面积60万亩，兴隆镇茶叶产值增长。凤冈县获评示范县。"
    b = "全县茶园面积X万亩，兴隆镇茶叶产值增长。湄潭县获评示范县。"
    left, right = char_differences(a, b)
    assert [a[s:e] for s, e in left] == ["60", "凤冈"]
    assert [b[s:e] for s, e in right] == ["X", "湄潭"]
    assert char_differences("同样的文字。", "同样的文字。") == ([], [])
    assert char_differences("一句话。 ", "一句话。") == (
        [],
        [],
    )  # whitespace alone is no difference
    # long passages: clause by clause, still exact
    long_a = "坚持党建引领，推动基层治理。" * 2000 + "凤冈县。"
    long_b = "坚持党建引领，推动基层治理。" * 2000 + "湄潭县。"
    left, right = char_differences(long_a, long_b)
    assert [long_a[s:e] for s, e in left] == ["凤冈"]


def test_page_marks_residue_and_escapes_documents(report: object) -> None:
    page = render_flag_html(report, texts={EVIL: FENGGANG})  # type: ignore[arg-type]
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    # nothing from a document becomes markup
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;held&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    # offline: a policy that forbids loading, and no address to load from
    assert "default-src 'none'" in page
    assert not re.findall(r'(?:src|href)="(?!#|data:)', page)
    assert "@import" not in page and "url(" not in page
    # the verdict card, sections, sources, residue and passages
    for text in ("复制比 copy ratio", "最大来源 largest source", "残留 residue", "meitan", "分节"):
        assert text in page
    for town in ("兴隆镇", "永兴镇", "复兴镇"):
        assert (
            f'<mark class="res res-certain" title="residue (certain): left by the copier">{town}</mark>'
            in page
        )
    assert '<mark class="ph ph-number"' in page and ">X</mark>" in page
    # the held document's side: its figure differs from the submission's blank
    assert '<mark class="diff" title="differs from the other side">60</mark>' in page
    assert "贵州省遵义市湄潭县兴隆镇" in page  # belongs_to in the residue table
    # the same report, the same page
    assert render_flag_html(report, texts={EVIL: FENGGANG}) == page  # type: ignore[arg-type]
    # without texts the residue table has no context but the page is whole
    assert "res-certain" in render_flag_html(report)  # type: ignore[arg-type]


def test_write_and_errors(report: object, tmp_path: Path) -> None:
    out = write_flag_html(report, tmp_path / "sub" / "flag.html")  # type: ignore[arg-type]
    assert out.read_text(encoding="utf-8") == render_flag_html(report)  # type: ignore[arg-type]
    assert [p.name for p in out.parent.iterdir()] == ["flag.html"]  # no temporary left
    with pytest.raises(InvalidParameterError, match="'report' parameter of render_flag_html"):
        render_flag_html({"a": 1})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'texts' parameter of render_flag_html"):
        render_flag_html(report, texts=["a"])  # type: ignore[arg-type]


def test_cli_html(tmp_path: Path) -> None:
    held = tmp_path / "held"
    held.mkdir()
    (held / "meitan.txt").write_text(MEITAN, encoding="utf-8")
    sub = tmp_path / "fenggang.txt"
    sub.write_text(FENGGANG, encoding="utf-8")
    out = tmp_path / "out" / "flag.html"
    runner = CliRunner()
    res = runner.invoke(
        cli,
        ["flag", str(sub), "--against", str(held), "--place", "凤冈县", "--html", str(out)],
    )
    assert res.exit_code == 1, res.output
    assert f"wrote {out}" in res.stderr
    page = out.read_text(encoding="utf-8")
    assert "fenggang.txt" in page and "res-certain" in page and "FLAGGED" in page
    # a folder where the page should go: nothing written, exit 4
    bad = runner.invoke(cli, ["flag", str(sub), "--against", str(held), "--html", str(held)])
    assert bad.exit_code in (2, 4) and "Traceback" not in bad.output


# --------------------------------------------------------------------------- a real browser


#: Hosts Chromium itself calls (update checks, clock, sign-in), whatever the page: a request
#: to any other host is one the page made.
_BROWSER_HOSTS = frozenset(
    {
        "clients2.google.com",
        "update.googleapis.com",
        "accounts.google.com",
        "optimizationguide-pa.googleapis.com",
        "content-autofill.googleapis.com",
        "safebrowsingohttpgateway.googleapis.com",
        "redirector.gvt1.com",
        "edgedl.me.gvt1.com",
    }
)


class _Proxy:
    """A proxy that only writes down the host of each request made to it (answers none)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hosts: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(2)
            try:
                line = conn.recv(4096).split(b"\r\n")[0].decode("latin-1")
            except OSError:
                line = ""
            conn.close()
            # "GET http://host/path HTTP/1.1" or "CONNECT host:443 HTTP/1.1"
            target = line.split(" ")[1] if line.count(" ") >= 2 else "?"
            host = re.sub(r"^[a-z]+://", "", target).split("/")[0].split(":")[0]
            self.hosts.append(host)

    def page_hosts(self) -> set[str]:
        """Hosts requested other than Chromium's own services."""
        return set(self.hosts) - _BROWSER_HOSTS

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.mark.browser
@pytest.mark.slow
@needs_cjk_font
@pytest.mark.skipif(chromium() is None, reason="chromium not installed (apt-get install chromium)")
def test_page_in_chromium(report: object, tmp_path: Path) -> None:
    import matplotlib.image
    import numpy as np

    path = write_flag_html(report, tmp_path / "flag.html", texts={EVIL: FENGGANG})  # type: ignore[arg-type]
    proxy = _Proxy()
    try:
        # the detector works: a page that loads an image from the network reaches the proxy
        control = tmp_path / "control.html"
        control.write_text('<img src="http://example.com/x.png">', encoding="utf-8")
        run_chromium(["--dump-dom", control.as_uri()], tmp_path, proxy_port=proxy.port)
        assert "example.com" in proxy.page_hosts()
        proxy.hosts.clear()
        dom = run_chromium(["--dump-dom", path.as_uri()], tmp_path, proxy_port=proxy.port)
        shot = tmp_path / "flag.png"
        run = run_chromium(
            [f"--screenshot={shot}", "--window-size=1200,2400", path.as_uri()],
            tmp_path,
            proxy_port=proxy.port,
        )
        assert proxy.page_hosts() == set()  # the page loaded nothing from the network
    finally:
        proxy.close()
    assert dom.returncode == 0 and run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    text = dom.stdout.decode("utf-8")
    assert "\ufffd" not in text
    # the residue is shown, marked; the documents' markup is shown as text
    assert re.search(r'<mark class="res res-certain"[^>]*>兴隆镇</mark>', text)
    assert "&lt;script&gt;alert('held')&lt;/script&gt;" in text
    assert '&lt;img src=x onerror="alert(1)"&gt;' in text
    assert "<img" not in text
    pixels = np.asarray(matplotlib.image.imread(str(shot)))[..., :3]
    assert pixels.shape[:2] == (2400, 1200)
    assert (pixels < 0.5).any(axis=2).mean() > 0.01  # text drawn, not a blank page
    # the residue's red is on the page
    red = (pixels[..., 0] > 0.7) & (pixels[..., 1] < 0.25) & (pixels[..., 2] < 0.3)
    assert red.sum() > 100
