"""Boilerplate: template-site watermarks and passages repeated across documents.

Two kinds of boilerplate are found, both reported with offsets into the text as loaded:

* ``watermark`` (:mod:`~corpus_tools.boilerplate.watermarks`) -- the marks template websites
  put on the reports they sell or copy (``本文系作者原创投稿，仅供学习参考，请勿照搬照抄！``),
  found in a single document by what they say and where they stand;
* ``repeated`` (:mod:`~corpus_tools.boilerplate.repeated`) -- sentences and paragraphs that
  occur, after normalisation, in at least ``min_docs`` documents: the news opening
  ``央视网消息（新闻联播）：``, web-page furniture, template sentences and paragraphs.

:func:`strip_boilerplate` (:mod:`~corpus_tools.boilerplate.strip`) removes them and keeps a
map back to the original offsets.

Examples
--------
>>> import corpus_tools as ct
>>> corpus = ct.load_texts({f"d{i}": f"央视网消息（新闻联播）：第{i}条新闻的正文。" for i in range(4)})
>>> res = find_boilerplate(corpus)
>>> res.passages[["kind", "text", "doc_freq"]].to_dict("records")
[{'kind': 'repeated', 'text': '央视网消息（新闻联播）：', 'doc_freq': 4}]
"""

from corpus_tools.boilerplate.repeated import KINDS as KINDS
from corpus_tools.boilerplate.repeated import BoilerplateResult as BoilerplateResult
from corpus_tools.boilerplate.repeated import find_boilerplate as find_boilerplate
from corpus_tools.boilerplate.strip import OffsetMap as OffsetMap
from corpus_tools.boilerplate.strip import strip_boilerplate as strip_boilerplate
from corpus_tools.boilerplate.strip import strip_spans as strip_spans
from corpus_tools.boilerplate.watermarks import find_watermarks as find_watermarks
from corpus_tools.boilerplate.watermarks import watermark_cues as watermark_cues
