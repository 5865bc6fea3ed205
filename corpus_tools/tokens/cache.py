"""The on-disk cache of segmented documents: token lengths per (lexicon version, text).

One SQLite file (``segments-v1.sqlite``) under :func:`default_cache_dir` or a folder given
as ``cache=``. A document is stored as the lengths of its tokens (4 bytes a token, the same
packing a worker uses to send tokens back), keyed by a hash of the segmenter's
``lexicon_version`` and the text; written one transaction per batch, so an interrupted run
keeps the batches it finished and never leaves a half-written entry.

Only the calling process reads and writes the cache, whichever engine segments: workers
need no shared disk. Several jobs may share one cache folder at once (two batch jobs, a
notebook): SQLite serialises their transactions, each short (one batch), and a job waits up
to :data:`BUSY_TIMEOUT` seconds for another's (tests/test_cache_sharing.py runs them side by
side). The rollback journal is kept rather than WAL, which needs shared memory and does not
work on network file systems. A cache file that SQLite finds damaged (not a database,
malformed) is moved aside with a warning and a new one started; any other error leaves the
run going on without the cache, never with wrong tokens.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import time
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "CUT",
    "PackedTexts",
    "SegmentCache",
    "cut_at_lengths",
    "default_cache_dir",
    "join_cut",
    "lengths_fit",
    "open_cache",
    "pack_lengths",
    "packed_arrays",
    "read_cached",
    "tokens_from_lengths",
    "write_cached",
]

#: Keys asked of SQLite at once (its limit on bound parameters is 999 on old builds).
_KEYS_PER_QUERY = 500

#: Seconds a job waits for another job's transaction on the same cache before it goes on
#: without the cache (a transaction writes one batch: well under a second).
BUSY_TIMEOUT = 60.0

#: The character put between tokens to split them in one pass (:func:`join_cut`; a text
#: that holds it is cut token by token instead).
CUT = "\x00"

#: What SQLite says of a file that is no database, or a damaged one.
_DAMAGED = ("not a database", "malformed", "disk image")


def default_cache_dir() -> Path:
    """Folder of the on-disk caches: ``$CORPUS_TOOLS_CACHE``, else ``~/.cache/corpus-tools``.

    Examples
    --------
    >>> import os
    >>> default_cache_dir() == Path(os.environ.get("CORPUS_TOOLS_CACHE") or
    ...     Path.home() / ".cache" / "corpus-tools").expanduser()
    True
    """
    env = os.environ.get("CORPUS_TOOLS_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "corpus-tools"


# --------------------------------------------------------------------------- token lengths


def pack_lengths(tokens: Sequence[str]) -> bytes:
    """The lengths of ``tokens``, 4 bytes each: how the cache and the workers keep tokens.

    Examples
    --------
    >>> tokens_from_lengths("XX社区", pack_lengths(["XX", "社区"]), drop_space=False)
    ['XX', '社区']
    """
    return array("I", map(len, tokens)).tobytes()


def lengths_fit(text: str, packed: bytes) -> bool:
    """True when the packed token lengths add up to the length of ``text``."""
    lengths = array("I")
    lengths.frombytes(packed)
    return sum(lengths) == len(text)


def tokens_from_lengths(text: str, packed: bytes, drop_space: bool) -> list[str] | None:
    """The tokens of ``text`` cut at the packed lengths (None when they do not add up);
    whitespace tokens left out with ``drop_space``."""
    lengths = array("I")
    lengths.frombytes(packed)
    out = []
    pos = 0
    for n in lengths:
        tok = text[pos : pos + n]
        pos += n
        if not (drop_space and tok.isspace()):
            out.append(tok)
    return out if pos == len(text) else None


class PackedTexts(NamedTuple):
    """Texts and their packed token lengths as arrays (:func:`packed_arrays`)."""

    #: the texts taken, as indices into the texts given
    rows: list[int]
    #: their code points, joined (uint32)
    codes: Any
    #: the lengths of all their tokens, in order (int64)
    lengths: Any
    #: how many tokens each text has (int64)
    sizes: Any


def packed_arrays(texts: Sequence[str], packed: Sequence[bytes]) -> PackedTexts:
    """The texts whose packed token lengths add up to their length and that do not hold
    :data:`CUT` (the others are left out), as numpy arrays: what a caller needs to cut or
    count many texts' tokens without a Python step per token.

    Examples
    --------
    >>> got = packed_arrays(["XX社区", "错"], [pack_lengths(["XX", "社区"]), pack_lengths(["错了"])])
    >>> got.rows, got.lengths.tolist(), got.sizes.tolist()
    ([0], [2, 2], [2])
    """
    import numpy as np

    sizes = np.fromiter((len(p) // 4 for p in packed), dtype=np.int64, count=len(packed))
    lengths = np.frombuffer(b"".join(packed), dtype=np.uint32).astype(np.int64)
    # the characters of each text's tokens: a difference of the running sum at its bounds
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    running = np.concatenate(([0], np.cumsum(lengths)))
    chars = running[bounds[1:]] - running[bounds[:-1]]
    fits = (chars == [len(t) for t in texts]).tolist()
    rows = [i for i, t in enumerate(texts) if fits[i] and CUT not in t]
    if len(rows) < len(texts):
        taken = np.zeros(len(texts), dtype=bool)
        taken[rows] = True
        lengths = lengths[np.repeat(taken, sizes)]
        sizes = sizes[taken]
    joined = "".join([texts[i] for i in rows])
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return PackedTexts(rows, codes, lengths, sizes)


def join_cut(codes: Any, lengths: Any) -> list[str]:
    """The strings of the given lengths (int64 array) that the code points ``codes``
    (uint32 array, holding no :data:`CUT`) make one after the other: one separator put in
    after each (numpy), then one ``str.split``.

    Examples
    --------
    >>> import numpy as np
    >>> join_cut(np.array([ord(c) for c in "XX社区"], dtype=np.uint32), np.array([2, 2]))
    ['XX', '社区']
    """
    import numpy as np

    out = np.full(len(codes) + len(lengths), ord(CUT), dtype=np.uint32)
    # each character moves right by the number of tokens before its own
    out[np.arange(len(codes)) + np.repeat(np.arange(len(lengths)), lengths)] = codes
    return out.tobytes().decode("utf-32-le", "surrogatepass").split(CUT)[:-1]


def cut_at_lengths(texts: Sequence[str], packed: Sequence[bytes]) -> list[list[str] | None]:
    """The tokens of every text cut at its packed lengths (whitespace tokens kept), or None
    for a text whose lengths do not add up to its length.

    :func:`tokens_from_lengths` for many texts at once, without a Python step per token
    (:func:`packed_arrays`, :func:`join_cut`), so that a warm rerun reads its tokens at the
    speed of C.

    Examples
    --------
    >>> cut_at_lengths(["XX社区", "三会一课", "错"], [pack_lengths(["XX", "社区"]),
    ...                 pack_lengths(["三会一课"]), pack_lengths(["错了"])])
    [['XX', '社区'], ['三会一课'], None]
    """
    arrays = packed_arrays(texts, packed)
    out: list[list[str] | None] = [None] * len(texts)
    if len(arrays.rows) < len(texts):  # a text holding CUT is cut token by token
        for i, text in enumerate(texts):
            if CUT in text:
                out[i] = tokens_from_lengths(text, packed[i], False)
    flat = join_cut(arrays.codes, arrays.lengths)
    start = 0
    for i, n in zip(arrays.rows, arrays.sizes.tolist(), strict=True):
        out[i] = flat[start : start + n]
        start += n
    return out


# --------------------------------------------------------------------------- the file


class SegmentCache:
    """Token lengths of segmented documents in one SQLite file (atomic transactions)."""

    FILE = "segments-v1.sqlite"

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / self.FILE
        self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
        try:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS seg (key BLOB PRIMARY KEY, lengths BLOB NOT NULL)"
            )
            self.conn.commit()
            self.conn.execute("SELECT key, lengths FROM seg LIMIT 1").fetchall()
        except sqlite3.Error:
            self.conn.close()
            raise

    @staticmethod
    def key(version: str, text: str) -> bytes:
        """The key of ``text`` segmented by a segmenter of ``lexicon_version`` ``version``."""
        h = hashlib.blake2b(digest_size=20)
        h.update(version.encode() + b"\0")
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        for i in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[i : i + _KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT key, lengths FROM seg WHERE key IN ({marks})", chunk
            ).fetchall()
            found.update((bytes(k), bytes(v)) for k, v in rows)
        return found

    def put_many(self, items: Sequence[tuple[bytes, bytes]]) -> None:
        if items:
            with self.conn:  # one transaction: all or nothing
                self.conn.executemany(
                    "INSERT OR REPLACE INTO seg (key, lengths) VALUES (?, ?)", items
                )

    def close(self) -> None:
        self.conn.close()


def open_cache(cache: Any, func: str) -> SegmentCache | None:
    """The cache ``cache=`` names (True: :func:`default_cache_dir`; a folder; False/None:
    none). An unusable folder is reported on stderr and the run goes on without a cache."""
    if cache is False or cache is None:
        return None
    folder = default_cache_dir() if cache is True else Path(cache)
    try:
        return SegmentCache(folder)
    except sqlite3.DatabaseError as exc:
        if any(word in str(exc) for word in _DAMAGED) and _move_aside(folder, exc):
            return open_cache(folder, func)
        why: Exception = exc
    except OSError as exc:
        why = exc
    print(
        f"corpus-tools: segment cache {folder} unusable ({why}); segmenting without it",
        file=sys.stderr,
    )
    return None


def _move_aside(folder: Path, exc: Exception) -> bool:
    """Move a damaged cache file aside (kept for a look, never read again), saying so."""
    path = folder / SegmentCache.FILE
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:  # another job moved it first: open the new one
        return True
    except OSError:
        return False
    print(
        f"corpus-tools: segment cache {path} was damaged ({exc}); moved to {aside.name}, "
        "starting a new cache",
        file=sys.stderr,
    )
    return True


def write_cached(
    store: SegmentCache | None, items: Sequence[tuple[bytes, bytes]]
) -> SegmentCache | None:
    """Write ``(key, packed lengths)`` items; the cache to go on with (None after an error,
    reported on stderr: the run goes on without it)."""
    if store is None:
        return None
    try:
        store.put_many(items)
    except sqlite3.Error as exc:
        print(
            f"corpus-tools: segment cache {store.path} not written ({exc}); going on without it",
            file=sys.stderr,
        )
        store.close()
        return None
    return store


def read_cached(
    store: SegmentCache | None,
    version: str,
    texts: Sequence[str],
    results: list[list[str] | None],
    drop_space: bool,
) -> tuple[list[int], list[bytes]]:
    """Fill ``results`` from the cache; return the rows still to segment and the keys of
    all rows (empty without a cache)."""
    if store is None:
        return list(range(len(texts))), []
    keys = [store.key(version, t) for t in texts]
    found = store.get_many(list(dict.fromkeys(keys)))
    todo = []
    for i, k in enumerate(keys):
        packed = found.get(k)
        toks = None if packed is None else tokens_from_lengths(texts[i], packed, drop_space)
        if toks is None:
            todo.append(i)
        else:
            results[i] = toks
    return todo, keys
