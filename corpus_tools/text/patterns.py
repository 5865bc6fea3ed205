"""Character classes and regexes shared by several capabilities, compiled once.

* ``PLACEHOLDER_MARKS``: characters templates use for a blank (X, ×, ○, ＊, ＿ ...). Every
  one of them also occurs in real text (二〇三五年, PM_2.5, 7×24小时, 737 MAX).
* ``PLACEHOLDER_RUN``: a run of blank marks as one unit, e.g. ``XX``, ``××``, ``X-X``,
  ``20XX``, ``＿＿``: the segmenter keeps such a run as one token and near-duplicate
  matching folds it to one wildcard. Whether a run is really a blank (and not the ``×`` of
  ``7×24小时``) is decided by :mod:`corpus_tools.text`, not here.
"""

from __future__ import annotations

import re

#: Latin X in every width and case, multiplication and cross signs, circles, stars, blanks.
PLACEHOLDER_MARKS = "XxＸｘ×✕✖╳○〇◯＊*＿_□△"

_MARK = f"[{re.escape(PLACEHOLDER_MARKS)}]"
#: One run of marks, ``X-X`` ranges and ``20XX`` years included.
PLACEHOLDER_RUN = re.compile(
    rf"(?:(?:19|20)(?:{_MARK}{{2}}))|(?:{_MARK}+(?:[-－—~～至到]{_MARK}+)*)"
)
#: ASCII and full-width digits.
DIGIT_RUN = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
