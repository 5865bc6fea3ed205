"""Keep the C allocator from handing large freed blocks back to the OS at once.

Numpy's temporary arrays of a few megabytes are freed and allocated again thousands of
times in a dedup or keyword job. glibc maps each block above its threshold separately and
unmaps it on free, so every reuse faults its pages in again: about a sixth of a job's CPU time
went to the kernel. Raising the thresholds keeps up to :data:`TRIM_BYTES` of freed memory for
reuse, so peak memory does not change (measured on the 20,985-item dedup job: the same
peak, system time from about 1.1 s to 0.25 s).

The setting is made only by the command-line program, for its own process: a notebook
that imports the library keeps its allocator as it was.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["tune_allocator"]

#: Blocks from this size up are mapped on their own (glibc's dynamic default tops at 32 MB).
MMAP_BYTES = 64 << 20
#: Freed memory at the top of the heap kept for reuse before it is returned to the OS.
TRIM_BYTES = 128 << 20
_M_TRIM_THRESHOLD = -1  # glibc's malloc.h
_M_MMAP_THRESHOLD = -3


def tune_allocator() -> bool:
    """Raise glibc's mmap and trim thresholds for this process; ``False`` where there is
    no glibc ``mallopt`` (macOS, Windows, musl), which changes nothing.

    Examples
    --------
    >>> tune_allocator() in (True, False)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = mallopt(_M_MMAP_THRESHOLD, MMAP_BYTES) == 1
    return mallopt(_M_TRIM_THRESHOLD, TRIM_BYTES) == 1 and ok
