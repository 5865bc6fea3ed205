"""The safety limits of reading: how large a file, a record or an archive may be.

One place for every limit, so that a reader of any kind refuses what is too large the same
way (``InputReadError`` with the size and the limit), before inflating or parsing it.
"""

from __future__ import annotations

__all__ = ["MAX_DOCX_UNCOMPRESSED", "MAX_FILE_BYTES"]

#: Largest input file read whole (plain text, .docx, .csv), and largest record of a .jsonl,
#: in bytes (a single document of 30 MB is fine; 2 GB is refused).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Largest total uncompressed size of a .docx (a zip bomb is refused, not inflated).
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
