"""``.html`` and ``.htm``: the article of a web page, without the site around it.

A report published on a government site sits inside navigation, a breadcrumb
(当前位置：首页 > 政务公开 > ...), a line of tools (【字号：大 中 小】【打印】【关闭】),
share buttons, related links, a side column and the site footer (版权所有, ICP备...).
trafilatura finds the main text (Apache-2.0, maintained, the best-scoring open extractor
in published comparisons); its paragraphs become the lines of the text. The page's
``<title>`` is the document's title, and the publication date, when the page states it
(a ``PubDate``/``article:published_time``-style meta tag, or a labelled date such as
``发布时间：2023-06-15`` or ``发布日期：2023年6月15日``), is kept as the ``date``
metadata field (``YYYY-MM-DD``). A date the page does not label as its own (a related
link's, the copyright year) is not taken.

The bytes are decoded with the charset the page declares (``gb2312`` and ``gbk`` read as
their superset GB18030), else as a plain-text file is. The page is parsed once, by lxml,
and the parsed tree handed to trafilatura.

trafilatura leaves out a paragraph that repeats the one before it word for word (a
template artefact on most sites); a page that really repeats a paragraph keeps it once.

Examples
--------
>>> page = read_html("tests/data/formats/004.html")
>>> page.title
'县委组织部党建工作融入社区为民服务工作情况报告_XX区人民政府门户网站'
>>> dict(page.meta)["date"], "版权所有" in page.text
('2023-05-14', False)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from corpus_tools.errors import InputReadError
from corpus_tools.io import limits
from corpus_tools.io.decode import decode_bytes
from corpus_tools.io.documents import FileText

__all__ = ["HTML_SUFFIXES", "page_date", "read_html"]

HTML_SUFFIXES = (".html", ".htm")

#: Bytes of the page searched for its declared charset.
CHARSET_PROBE_BYTES = 4096
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
#: Declared charsets read as the encoding that contains them.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "iso-8859-1": "cp1252"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

#: Meta tags (name or property, lower case) that carry a page's publication date.
DATE_META = (
    "pubdate",
    "publishdate",
    "article:published_time",
    "og:published_time",
    "dc.date",
    "dc.date.issued",
    "dcterms.issued",
    "datepublished",
    "firstpublishedtime",
    "publish_time",
    "publishtime",
)
_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
#: A date the page labels as its own: 发布时间：..., 发布日期 ..., 发文日期, 成文日期, 时间：...
_LABELLED_DATE = re.compile(
    r"(?:发布|发表|发文|成文|印发|公开|上传)?(?:时间|日期)\s*[:：]?\s*" + _DATE
)
_ISO_DATE = re.compile(_DATE)


def read_html(path: str | os.PathLike[str]) -> FileText:
    """The main text of a web page, its ``<title>`` and (when stated) its date.

    Raises
    ------
    InputReadError
        For a page too large, not HTML, or without an article's text.
    """
    p = Path(path)
    data = p.read_bytes()
    if len(data) > limits.MAX_HTML_BYTES:
        raise InputReadError(
            str(p),
            f"too large for a web page: {len(data):,} bytes (limit {limits.MAX_HTML_BYTES:,})",
        )
    tree = _parse(_decode(data, str(p)), str(p))
    title = _title(tree)
    date = page_date(tree)
    import trafilatura

    found = trafilatura.bare_extraction(
        tree,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )
    text = getattr(found, "text", None) or ""
    if not text.strip():
        raise InputReadError(str(p), "no article text found in the page")
    meta: tuple[tuple[str, Any], ...] = (("date", date),) if date else ()
    return FileText(text, title or None, meta)


def _decode(data: bytes, path: str) -> str:
    declared = _CHARSET.search(data[:CHARSET_PROBE_BYTES])
    if declared is not None:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            return data.decode(_SUPERSETS.get(name, name))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: find the encoding from the bytes
    return decode_bytes(data, path=path)


def _parse(html: str, path: str) -> Any:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise InputReadError(str(path), f"not a web page: {exc}") from None
    return tree


def _title(tree: Any) -> str:
    node = tree.find(".//title")
    if node is None:
        return ""
    return " ".join((node.text_content() or "").split())


def page_date(tree: Any) -> str | None:
    """The publication date a parsed page states (``YYYY-MM-DD``), or None.

    Looked for in the meta tags of :data:`DATE_META`, then in the page's text as a labelled
    date (``发布时间：2023-06-15``, ``发布日期：2023年6月15日``, ``时间：2023/6/15``).

    Examples
    --------
    >>> from lxml import html
    >>> page_date(html.fromstring("<html><body><p>发布时间：2023年6月5日 来源：XX区</p></body></html>"))
    '2023-06-05'
    >>> page_date(html.fromstring("<html><body><p>版权所有 2023</p></body></html>")) is None
    True
    """
    for node in tree.iter("meta"):
        key = (node.get("name") or node.get("property") or node.get("itemprop") or "").lower()
        if key in DATE_META:
            found = _ISO_DATE.search(node.get("content") or "")
            if found:
                return _iso(found)
    body = tree.find("body")
    text = (body if body is not None else tree).text_content()
    found = _LABELLED_DATE.search(text)
    return _iso(found) if found else None


def _iso(match: re.Match[str]) -> str | None:
    year, month, day = (int(g) for g in match.groups()[-3:])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
