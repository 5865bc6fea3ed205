"""The safety limits of reading: how large a file, a record or an archive may be.

One place for every limit, so that a reader of any kind refuses what is too large the same
way (``InputReadError`` with the size and the limit), before inflating or parsing it.
"""

from __future__ import annotations

__all__ = ["MAX_DOCX_UNCOMPRESSED", "MAX_FILE_BYTES", "MAX_HTML_BYTES"]

#: Largest input file read whole (plain text, .docx, .doc, .pdf, .csv ...), and largest record
#: of a .jsonl,
#: in bytes (a single document of 30 MB is fine; 2 GB is refused).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Largest total uncompressed size of a .docx or .odt (a zip bomb is refused, not inflated).
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
#: Largest web page read (an article page is well under a megabyte; a larger file is an
#: archive or a data dump, which the main-text extractor would parse for minutes).
MAX_HTML_BYTES = 50 * 1024 * 1024
