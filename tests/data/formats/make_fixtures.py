"""Make the format fixtures of tests/test_formats.py from the seed reports in data/raw.

Not run by the tests: the files it writes are committed. Run it again (from the repo root)
after changing a seed or the page layout:

    .venv/bin/python tests/data/formats/make_fixtures.py

It needs LibreOffice (``soffice``, Debian's libreoffice-writer-nogui), for the
password-protected files its Python bridge (python3-uno, run with /usr/bin/python3), and
AbiWord (``abiword``).
Every .doc/.wps/.pdf/.odt is written by LibreOffice itself from a .docx laid out as an
office lays out a report (a title, first-line indents, a running header and a page number
in the footer, 仿宋 at 16 pt on A4), so the readers meet what a real writer writes:

* ``SEED.doc``: LibreOffice's "MS Word 97" export;
* ``SEED.wps``: LibreOffice's export under .wps (WPS Office's Word 97 compound file);
* ``SEED.pdf``: LibreOffice's PDF export (the running header and page numbers on every page);
* ``SEED.odt``: LibreOffice's OpenDocument export;
* ``SEED.html``: the report as a government site publishes it: navigation, breadcrumb,
  the date and source line with 【字号：大 中 小】【打印】【关闭】, related links and the
  site footer (版权所有, ICP备), in GB2312 for two seeds, UTF-8 for the others;
* ``table.doc``, ``table.odt``: a report with a table (merged cells, a row of empties);
  ``table-rtf.doc``: the same as LibreOffice's RTF under a .doc name (as web systems serve);
* ``SEED-abiword.doc`` (seeds 000, 001, 004): AbiWord's "Microsoft Word" export of the
  .txt, another writer (it writes RTF under .doc, as many do);
* ``scanned.pdf``: the first page of the first seed's PDF rendered to an image and saved
  as an image-only PDF (what a scanner gives: no text layer);
* ``encrypted.pdf``, ``encrypted.doc``, ``encrypted.odt``: the table report
  password-protected (password ``secret``) by LibreOffice's own export;
* ``astral.pdf``: LibreOffice's PDF of :data:`ASTRAL_TEXT`, which holds characters outside
  the Basic Multilingual Plane (an emoji, mathematical letters, CJK Extension B), each of
  which PDFium holds as two UTF-16 code units.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parent
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))
#: The running header every page of the office layout carries.
RUNNING_HEADER = "中共XX区委组织部党建工作材料"
#: The sites' furniture (the web pages)
SITE = "XX区人民政府门户网站"
GB2312_SEEDS = ("001", "004")
#: Seeds also saved by AbiWord (small ones: AbiWord writes every Chinese character as \uN).
ABIWORD_SEEDS = ("000", "001", "004")
#: A short report with characters outside the Basic Multilingual Plane (``astral.pdf``).
ASTRAL_TEXT = (
    "关于XX社区党建工作的报告\n表情😀在行中，数学𝐀𝐁𝐂在句中，扩展字𠀀𠀁在句末。\n"
    "第二段没有特殊字符，只是普通的中文句子。\n"
)
#: The first line is set as a centred title when it is at most this long.
TITLE_CHARS = 40

_UNO_SCRIPT = r"""
import sys, uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

src, pairs = sys.argv[1], sys.argv[2:]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
ctx = resolver.resolve("uno:socket,host=127.0.0.1,port=2083;urp;StarOffice.ComponentContext")
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
for i in range(0, len(pairs), 2):
    target, filt = pairs[i], pairs[i + 1]
    doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", filt), prop("Password", "secret")))
doc.close(True)
"""


def office_docx(lines: list[str], path: Path, *, table: list[list[str]] | None = None) -> None:
    """A .docx laid out as an office report: title, indents, header, page numbers."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.8)
    style = document.styles["Normal"]
    style.font.size = Pt(16)
    style.font.name = "仿宋_GB2312"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    section.header.paragraphs[0].text = RUNNING_HEADER
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    foot._p.append(field)
    foot.add_run(" —")
    first = True
    for line in lines:
        par = document.add_paragraph(line)
        if first and 0 < len(line.strip()) <= TITLE_CHARS:
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            first = False
        else:
            first = first and not line.strip()
            par.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            par.paragraph_format.first_line_indent = Pt(32)
        if table is not None and line.startswith("一、"):
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            grid.style = "Table Grid"
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
            grid.cell(0, 1).merge(grid.cell(0, 2))
            grid.cell(0, 1).text = table[0][1]
    document.save(str(path))


def soffice(source: Path, kind: str, outdir: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", kind, "--outdir", str(outdir), str(source)],
        check=True,
        capture_output=True,
    )
    return outdir / f"{source.stem}.{kind.split(':', maxsplit=1)[0]}"


def gov_page(title: str, lines: list[str], date: str, charset: str) -> str:
    body = "\n".join(
        f'<p style="text-indent:2em;">{line}</p>' if line.strip() else "<p><br/></p>"
        for line in lines
    )
    nav = "".join(
        f'<li><a href="/{i}/">{name}</a></li>'
        for i, name in enumerate(
            ["首页", "政务公开", "新闻中心", "政务服务", "互动交流", "走进XX", "专题专栏"]
        )
    )
    related = "".join(
        f'<li><a href="/xwzx/{i}.html">{name}</a><span>2023-0{i}-1{i}</span></li>'
        for i, name in enumerate(
            [
                "区委组织部召开基层党建工作推进会",
                "全区软弱涣散党组织整顿工作部署会召开",
                "我区开展“党员进社区”志愿服务活动",
                "关于公布2023年度党建示范点名单的通知",
            ],
            1,
        )
    )
    hot = "".join(
        f'<li><a href="/rd/{i}.html">{name}</a></li>'
        for i, name in enumerate(["热点：优化营商环境十条措施解读", "图解：政府工作报告"], 1)
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_{SITE}</title>
<meta name="keywords" content="党建,社区,组织部">
<link rel="stylesheet" href="/css/common.css">
<script type="text/javascript">var _hmt = _hmt || []; function doZoom(size){{}}</script>
</head>
<body>
<div class="top"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{SITE}"></a></div>
<div class="search"><form action="/search"><input type="text" name="q" value="请输入关键字">
<input type="submit" value="搜索"></form></div></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="main">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/zwgk/gzzj/">工作总结</a></div>
<div class="left">
<div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布时间：{date}&nbsp;&nbsp;来源：XX区委组织部&nbsp;&nbsp;浏览次数：1024
&nbsp;&nbsp;【字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a>
<a href="javascript:doZoom(14)">小</a>】【<a href="javascript:window.print()">打印</a>】
【<a href="javascript:window.close()">关闭</a>】</div>
<div class="content" id="zoom"><div class="TRS_Editor">
{body}
</div></div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="related"><h3>相关链接</h3><ul>{related}</ul></div>
</div></div>
<div class="right"><h3>热点专题</h3><ul>{hot}</ul></div>
</div>
<div class="footer"><p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> |
<a href="/contact">联系我们</a></p>
<p>版权所有：XX区人民政府办公室 主办：XX区人民政府办公室 承办：XX区大数据中心</p>
<p>网站标识码：1234000001 <a href="https://beian.miit.gov.cn/">X ICP备12345678号-1</a>
X公网安备 12345602000123号</p></div>
</body>
</html>
"""


def main() -> None:
    if shutil.which("soffice") is None:
        sys.exit("soffice (LibreOffice) is needed: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for k, seed in enumerate(SEEDS):
            text = seed.read_text(encoding="utf-8")
            lines = text.split("\n")
            stem = seed.stem[:3]
            source = work / f"{stem}.docx"
            office_docx(lines, source)
            for kind in ("doc", "wps", "pdf", "odt"):
                made = soffice(source, kind, work)
                shutil.copyfile(made, OUT / f"{stem}.{kind}")
            title = next(line.strip() for line in lines if line.strip())[:40]
            charset = "gb2312" if stem in GB2312_SEEDS else "utf-8"
            page = gov_page(title, lines, f"2023-0{k + 1}-1{k}", charset)
            encoding = "gb18030" if charset == "gb2312" else "utf-8"
            (OUT / f"{stem}.html").write_bytes(page.encode(encoding))
        table_lines = SEEDS[4].read_text(encoding="utf-8").split("\n")[:6]
        office_docx(
            table_lines,
            work / "table.docx",
            table=[["社区", "党员人数", ""], ["XX社区", "X人", "优秀"], ["", "", ""]],
        )
        for kind in ("doc", "odt"):
            shutil.copyfile(soffice(work / "table.docx", kind, work), OUT / f"table.{kind}")
        shutil.copyfile(soffice(work / "table.docx", "rtf", work), OUT / "table-rtf.doc")
        for seed in SEEDS:
            if seed.stem[:3] in ABIWORD_SEEDS:
                target = OUT / f"{seed.stem[:3]}-abiword.doc"
                subprocess.run(
                    ["abiword", "--to=doc", "-o", str(target), str(seed)],
                    check=True,
                    capture_output=True,
                )
        _scanned(OUT / f"{SEEDS[0].stem[:3]}.pdf", OUT / "scanned.pdf")
        _encrypted(work / "table.docx", work)
        (work / "astral.txt").write_text(ASTRAL_TEXT, encoding="utf-8")
        shutil.copyfile(soffice(work / "astral.txt", "pdf", work), OUT / "astral.pdf")


def _scanned(pdf: Path, target: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    doc[0].render(scale=1).to_pil().convert("L").save(target, resolution=72)


def _encrypted(source: Path, work: Path) -> None:
    """Password-protected .doc/.odt/.pdf written by LibreOffice through its UNO bridge."""
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--accept=socket,host=127.0.0.1,port=2083;urp;",
            f"-env:UserInstallation=file://{work}/profile",
        ]
    )
    try:
        script = work / "protect.py"
        script.write_text(_UNO_SCRIPT, encoding="utf-8")
        pairs = [
            str(OUT / "encrypted.doc"),
            "MS Word 97",
            str(OUT / "encrypted.odt"),
            "writer8",
        ]
        for _ in range(60):  # wait for the office to listen
            done = subprocess.run(
                ["/usr/bin/python3", str(script), str(source), *pairs],
                check=False,
                capture_output=True,
            )
            if done.returncode == 0:
                break
            subprocess.run(["sleep", "1"], check=True)
        else:
            raise RuntimeError(done.stderr.decode())
    finally:
        office.terminate()
        office.wait()
    options = (
        '{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    )
    made = soffice(source, f"pdf:writer_pdf_Export:{options}", work)
    shutil.copyfile(made, OUT / "encrypted.pdf")


if __name__ == "__main__":
    main()
