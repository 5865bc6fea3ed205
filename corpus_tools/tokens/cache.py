"""The on-disk cache of segmented documents: token ids per (lexicon version, text).

One SQLite file (``segments-v2.sqlite``) under :func:`default_cache_dir` or a folder given
as ``cache=``. A document is stored as the ids of its tokens in order and its distinct ids
(4 bytes an id), keyed by a hash of the segmenter's ``lexicon_version`` and the text; the
ids refer to one vocabulary in the same file, so that a rerun counts tokens as numbers
(``numpy.bincount``) without making a string per token. A batch of documents and the
tokens it adds to the vocabulary are written in one transaction, so an interrupted run
keeps the batches it finished and never leaves a half-written entry. The file of the
former format (``segments-v1.sqlite``, token lengths) is not read: a cache of that format
is rebuilt as documents are segmented again, never misread.

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
    "SegmentCache",
    "TokenBatch",
    "Vocabulary",
    "default_cache_dir",
    "mapped_batch",
    "open_cache",
    "pack_lengths",
    "read_cached",
    "tokenize_batch",
    "tokens_from_lengths",
    "write_cached",
]

#: Keys asked of SQLite at once (its limit on bound parameters is 999 on old builds).
_KEYS_PER_QUERY = 500

#: Seconds a job waits for another job's transaction on the same cache before it goes on
#: without the cache (a transaction writes one batch: well under a second).
BUSY_TIMEOUT = 60.0

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


# --------------------------------------------------------------------------- token ids


class TokenBatch(NamedTuple):
    """Documents as token ids of a batch's own vocabulary: what a worker sends back
    (:func:`tokenize_batch`) and the cache turns into ids of its vocabulary.

    ``words[i]`` is the token of id ``i``; each document is ``(ids, distinct)``, its tokens
    in order and the distinct ones (in any order), as uint32 bytes.
    """

    words: list[str]
    docs: list[tuple[bytes, bytes]]


def tokenize_batch(token_lists: Sequence[Sequence[str]]) -> TokenBatch:
    """The documents of ``token_lists`` as a :class:`TokenBatch` (ids in order of first
    occurrence).

    Examples
    --------
    >>> batch = tokenize_batch([["XX", "社区", "XX"], ["社区"]])
    >>> batch.words, [list(memoryview(ids).cast("I")) for ids, _ in batch.docs]
    (['XX', '社区'], [[0, 1, 0], [1]])
    """
    index: dict[str, int] = {}
    docs: list[tuple[bytes, bytes]] = []
    for tokens in token_lists:
        ids = array("I", [index.setdefault(t, len(index)) for t in tokens])
        docs.append((ids.tobytes(), array("I", set(ids)).tobytes()))
    return TokenBatch(list(index), docs)


#: Words decoded (hashed, judged) at a time from a vocabulary's packed text.
_WORD_BLOCK = 1 << 18


class _Grown:
    """A numpy array appended to, its capacity doubled when full (amortised O(1))."""

    def __init__(self, dtype: Any) -> None:
        import numpy as np

        self.data = np.zeros(1024, dtype=dtype)
        self.size = 0

    def append(self, values: Any) -> None:
        import numpy as np

        end = self.size + len(values)
        if end > len(self.data):
            grown = np.zeros(max(end, 2 * len(self.data)), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size : end] = values
        self.size = end

    def view(self) -> Any:
        return self.data[: self.size]


class Vocabulary:
    """The tokens that token ids stand for: ``word(i)`` is id ``i``, ``lengths[i]`` its
    length (int64 array); ids are given in order and never change.

    The words are held packed, as their UTF-32 code units in one array (4 bytes a
    character), and found by hash (Python's ``hash``, this process only) in a few sorted
    numpy arrays, each match checked against the packed word: some 30 bytes a token where
    a list of str and a dict would take about 170, so that a corpus of millions of distinct
    tokens keeps its vocabulary small. The cache keeps one in its file (all documents' ids
    refer to it); a run without a cache keeps one in memory.

    Examples
    --------
    >>> vocab = Vocabulary()
    >>> vocab.add(["社区", "XX"]).tolist(), vocab.add(["XX", "三会一课"]).tolist()
    ([0, 1], [1, 2])
    >>> vocab.words, vocab.lengths.tolist()
    (['社区', 'XX', '三会一课'], [2, 2, 4])
    """

    def __init__(self) -> None:
        import numpy as np

        self._codes = _Grown(np.uint32)
        self._lengths = _Grown(np.int64)
        self._starts = _Grown(np.int64)  # where each word's code units begin
        #: sorted (hashes, ids) arrays, None until a word is first looked up
        self._levels: list[tuple[Any, Any]] | None = None

    def __len__(self) -> int:
        return self._lengths.size

    @property
    def lengths(self) -> Any:
        """The length of each word (int64 array)."""
        return self._lengths.view()

    @property
    def words(self) -> list[str]:
        """Every word, in id order (made now: a list of str per word)."""
        return self.words_of(range(len(self)))

    def word(self, i: int) -> str:
        """The word of id ``i``."""
        start = int(self._starts.data[i])
        codes = self._codes.data[start : start + int(self._lengths.data[i])]
        return codes.tobytes().decode("utf-32-le", "surrogatepass")

    def char_at(self, ids: Any, j: int) -> Any:
        """The code point at position ``j`` of each word of ``ids`` (uint32 array; any
        value for a word of ``j`` characters or fewer)."""
        import numpy as np

        at = np.minimum(self._starts.data[ids] + j, max(self._codes.size - 1, 0))
        return self._codes.data[at]

    def words_of(self, ids: Any) -> list[str]:
        """The words of token ids (a sequence or an int array)."""
        import numpy as np

        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids):
            return []
        lengths = self._lengths.data[ids]
        ends = np.cumsum(lengths)
        at = np.repeat(self._starts.data[ids] - (ends - lengths), lengths)
        at += np.arange(len(at), dtype=np.int64)
        joined = self._codes.data[at].tobytes().decode("utf-32-le", "surrogatepass")
        bounds = ends.tolist()
        return [joined[a:b] for a, b in zip([0, *bounds], bounds, strict=False)]

    def extend(self, words: Sequence[str], lengths: Any = None) -> None:
        """Append ``words`` (none of them known yet) as the next ids (``lengths``: their
        lengths, an int64 array, when known)."""
        self.extend_packed(*_pack_words(words), hashes=self._hashes(words))

    def extend_packed(self, text: bytes, lengths: bytes, hashes: Any = None) -> None:
        """Append the words of a packed vocabulary row (:func:`_pack_words`: UTF-32 code
        units and uint32 lengths) as the next ids; ``hashes``: theirs, when known."""
        import numpy as np

        codes = np.frombuffer(text, dtype=np.uint32)
        sizes = np.frombuffer(lengths, dtype=np.uint32).astype(np.int64)
        if int(sizes.sum()) != len(codes):
            raise sqlite3.DatabaseError("malformed vocabulary row (lengths do not fit)")
        start = len(self)
        starts = np.cumsum(sizes) - sizes + self._codes.size
        self._codes.append(codes)
        self._lengths.append(sizes)
        self._starts.append(starts)
        if self._levels is not None and len(sizes):
            if hashes is None:
                hashes = self._hashes(self.words_of(range(start, len(self))))
            self._add_level(hashes, np.arange(start, len(self), dtype=np.int64))

    @staticmethod
    def _hashes(words: Sequence[str]) -> Any:
        import numpy as np

        return np.fromiter(map(hash, words), dtype=np.int64, count=len(words))

    def _add_level(self, hashes: Any, ids: Any) -> None:
        """Add sorted (hash, id) arrays; merge the last levels while the newer is not much
        smaller than the one before (a few levels, each merge amortised)."""
        import numpy as np

        assert self._levels is not None
        order = np.argsort(hashes, kind="stable")
        self._levels.append((hashes[order], ids[order]))
        while len(self._levels) > 1 and len(self._levels[-2][0]) < 2 * len(self._levels[-1][0]):
            (h1, i1), (h2, i2) = self._levels.pop(), self._levels.pop()
            h, i = np.concatenate((h2, h1)), np.concatenate((i2, i1))
            order = np.argsort(h, kind="stable")
            self._levels.append((h[order], i[order]))

    def _index(self) -> list[tuple[Any, Any]]:
        """The hash levels, made when first needed (a run that only reads ids never does)."""
        import numpy as np

        if self._levels is None:
            self._levels = []
            n = len(self)
            hashes = np.zeros(n, dtype=np.int64)
            for a in range(0, n, _WORD_BLOCK):
                b = min(n, a + _WORD_BLOCK)
                hashes[a:b] = self._hashes(self.words_of(range(a, b)))
            if n:
                self._add_level(hashes, np.arange(n, dtype=np.int64))
        return self._levels

    def lookup(self, words: Sequence[str]) -> Any:
        """The id of each of ``words`` (int64 array), -1 for a word not known."""
        import numpy as np

        words = list(words)
        hashes = self._hashes(words)
        found = np.full(len(words), -1, dtype=np.int64)
        for level_hashes, level_ids in self._index():
            at = np.minimum(np.searchsorted(level_hashes, hashes), len(level_hashes) - 1)
            hit = (level_hashes[at] == hashes) & (found < 0)
            found[hit] = level_ids[at[hit]]
        held = np.flatnonzero(found >= 0)
        if len(held):
            wrong = held[~self._same(found[held], [words[i] for i in held.tolist()])]
            for i in wrong.tolist():  # another word of the same hash (rare): look at all
                found[i] = self._slow_lookup(words[i], int(hashes[i]))
        return found

    def _same(self, ids: Any, words: list[str]) -> Any:
        """Whether word ``ids[k]`` is ``words[k]`` (a bool array), compared in numpy."""
        import numpy as np

        text, packed = _pack_words(words)
        codes = np.frombuffer(text, dtype=np.uint32)
        sizes = np.frombuffer(packed, dtype=np.uint32).astype(np.int64)
        theirs_start = np.cumsum(sizes) - sizes
        same = self._lengths.data[ids] == sizes
        n = np.where(same, sizes, 0)  # code units compared: of words of equal lengths
        total = int(n.sum())
        if not total:
            return same
        offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
        mine = self._codes.data[np.repeat(self._starts.data[ids], n) + offset]
        theirs = codes[np.repeat(theirs_start, n) + offset]
        owner = np.repeat(np.arange(len(ids)), n)
        differ = np.bincount(owner, weights=mine != theirs, minlength=len(ids))
        return same & (differ == 0)

    def _slow_lookup(self, word: str, h: int) -> int:
        """The id of ``word`` among all the words of hash ``h``, -1 when none is it."""
        import numpy as np

        for level_hashes, level_ids in self._index():
            lo = int(np.searchsorted(level_hashes, h, side="left"))
            hi = int(np.searchsorted(level_hashes, h, side="right"))
            for i in level_ids[lo:hi].tolist():
                if self.word(i) == word:
                    return int(i)
        return -1

    def new_words(self, words: Sequence[str]) -> list[str]:
        """The distinct ``words`` not known yet, in order."""
        words = list(words)
        found = self.lookup(words)
        return list(dict.fromkeys(w for w, i in zip(words, found.tolist(), strict=True) if i < 0))

    def add(self, words: Sequence[str]) -> Any:
        """The ids of ``words`` (uint32 array), the unknown ones added first."""
        import numpy as np

        words = list(words)
        found = self.lookup(words)
        missing = np.flatnonzero(found < 0)
        if len(missing):
            new = list(dict.fromkeys(words[i] for i in missing.tolist()))
            start = len(self)
            self.extend(new)
            index = dict(zip(new, range(start, start + len(new)), strict=True))
            found[missing] = [index[words[i]] for i in missing.tolist()]
        return found.astype(np.uint32)

    def packed(self, start: int) -> tuple[bytes, bytes]:
        """The words from id ``start`` on, packed as a vocabulary row (:func:`_pack_words`)."""
        import numpy as np

        first = int(self._starts.data[start]) if start < len(self) else self._codes.size
        text = self._codes.data[first : self._codes.size].tobytes()
        return text, self._lengths.data[start : len(self)].astype(np.uint32).tobytes()

    def tokens(self, ids: bytes) -> list[str]:
        """The tokens of packed ids (uint32 bytes)."""
        import numpy as np

        return self.words_of(np.frombuffer(ids, dtype=np.uint32))


def mapped_batch(vocab: Vocabulary, batch: TokenBatch) -> list[tuple[bytes, bytes]]:
    """The documents of ``batch`` as ids of ``vocab`` (its new words added): mapped in
    numpy all at once, then cut apart.

    Examples
    --------
    >>> vocab = Vocabulary()
    >>> vocab.add(["社区"]).tolist()
    [0]
    >>> [(ids, _)] = mapped_batch(vocab, tokenize_batch([["XX", "社区", "XX"]]))
    >>> list(memoryview(ids).cast("I"))
    [1, 0, 1]
    """
    import numpy as np

    ids = vocab.add(batch.words)
    seqs = ids[np.frombuffer(b"".join(s for s, _ in batch.docs), dtype=np.uint32)].tobytes()
    bags = ids[np.frombuffer(b"".join(b for _, b in batch.docs), dtype=np.uint32)].tobytes()
    out: list[tuple[bytes, bytes]] = []
    at_seq = at_bag = 0
    for seq, bag in batch.docs:
        end_seq, end_bag = at_seq + len(seq), at_bag + len(bag)
        out.append((seqs[at_seq:end_seq], bags[at_bag:end_bag]))
        at_seq, at_bag = end_seq, end_bag
    return out


def _pack_words(words: Sequence[str]) -> tuple[bytes, bytes]:
    """Words as (UTF-32 code units, uint32 lengths): any string, NUL included."""
    text = "".join(words).encode("utf-32-le", "surrogatepass")
    return text, array("I", map(len, words)).tobytes()


# --------------------------------------------------------------------------- the file


class SegmentCache:
    """Segmented documents as token ids in one SQLite file (atomic transactions).

    Table ``doc``: per key (:meth:`key`), the ids of the document's tokens in order and
    its distinct ids (uint32 each); table ``vocab``: the tokens the ids stand for, in rows
    of consecutive ids (``start``, UTF-32 text, lengths). A batch's new tokens and its
    documents are written in one transaction, which first reads the tokens other jobs
    added, so two jobs never give one id to two tokens.
    """

    FILE = "segments-v2.sqlite"

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / self.FILE
        self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        self.vocab = Vocabulary()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS doc (key BLOB PRIMARY KEY, ids BLOB NOT NULL, "
                "bag BLOB NOT NULL)"
            )
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS vocab (start INTEGER PRIMARY KEY, "
                "words BLOB NOT NULL, lengths BLOB NOT NULL)"
            )
            self.conn.execute("COMMIT")
            self.conn.execute("SELECT key, ids, bag FROM doc LIMIT 1").fetchall()
            self.refresh()
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

    @staticmethod
    def keys(version: str, texts: Sequence[str]) -> list[bytes]:
        """:meth:`key` of each of ``texts`` (the version hashed once)."""
        base = hashlib.blake2b(digest_size=20)
        base.update(version.encode() + b"\0")
        out = []
        for text in texts:
            h = base.copy()
            h.update(text.encode("utf-8", "surrogatepass"))
            out.append(h.digest())
        return out

    def refresh(self) -> None:
        """Read the tokens other jobs added to the vocabulary since it was read."""
        rows = self.conn.execute(
            "SELECT start, words, lengths FROM vocab WHERE start >= ? ORDER BY start",
            (len(self.vocab),),
        ).fetchall()
        for start, words, lengths in rows:
            if start != len(self.vocab):
                raise sqlite3.DatabaseError("malformed vocabulary (ids out of order)")
            self.vocab.extend_packed(bytes(words), bytes(lengths))

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, tuple[bytes, bytes]]:
        """The ``(ids, distinct ids)`` of the keys held (ids of :attr:`vocab`, which is
        read on when an entry names ids it does not have yet)."""
        found: dict[bytes, tuple[bytes, bytes]] = {}
        for i in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[i : i + _KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT key, ids, bag FROM doc WHERE key IN ({marks})", chunk
            ).fetchall()
            found.update((bytes(k), (bytes(v), bytes(b))) for k, v, b in rows)
        return found

    def put_batch(self, keys: Sequence[bytes], batch: TokenBatch) -> list[tuple[bytes, bytes]]:
        """Write the documents of ``batch`` under ``keys`` (one transaction, the new tokens
        with them); return them as ids of :attr:`vocab`."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self.refresh()
            start = len(self.vocab)
            docs = mapped_batch(self.vocab, batch)
            if len(self.vocab) > start:  # the batch's new words, packed as they are held
                conn.execute(
                    "INSERT INTO vocab (start, words, lengths) VALUES (?, ?, ?)",
                    (start, *self.vocab.packed(start)),
                )
            conn.executemany(
                "INSERT OR REPLACE INTO doc (key, ids, bag) VALUES (?, ?, ?)",
                [(k, ids, bag) for k, (ids, bag) in zip(keys, docs, strict=True)],
            )
            conn.execute("COMMIT")
        except BaseException:
            # the words added to vocab stay in memory only: the caller goes on without
            # this cache (write_cached closes it), so no later write can refer to them
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return docs

    def put_many(self, items: Sequence[tuple[bytes, Sequence[str]]]) -> None:
        """Write ``(key, tokens)`` items (one transaction)."""
        if items:
            self.put_batch([k for k, _ in items], tokenize_batch([t for _, t in items]))

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
    store: SegmentCache | None, keys: Sequence[bytes], batch: TokenBatch, vocab: Vocabulary
) -> tuple[SegmentCache | None, list[tuple[bytes, bytes]]]:
    """Write the documents of ``batch`` under ``keys``; the cache to go on with (None after
    an error, reported on stderr: the run goes on without it) and the documents as ids of
    ``vocab`` (the cache's own, or the run's when there is no cache)."""
    if store is None:
        return None, mapped_batch(vocab, batch)
    try:
        return store, store.put_batch(keys, batch)
    except sqlite3.Error as exc:
        print(
            f"corpus-tools: segment cache {store.path} not written ({exc}); going on without it",
            file=sys.stderr,
        )
        store.close()
        return None, mapped_batch(vocab, batch)


def read_cached(
    store: SegmentCache | None,
    version: str,
    texts: Sequence[str],
    results: list[list[str] | None],
    drop_space: bool,
) -> tuple[list[int], list[bytes]]:
    """Fill ``results`` from the cache; return the rows still to segment and the keys of
    all rows (empty without a cache). An entry whose tokens do not make its text is
    segmented again, never used."""
    if store is None:
        return list(range(len(texts))), []
    keys = [store.key(version, t) for t in texts]
    found = store.get_many(list(dict.fromkeys(keys)))
    todo = []
    for i, k in enumerate(keys):
        entry = found.get(k)
        toks = None if entry is None else _tokens_of(store, entry[0], texts[i])
        if toks is None:
            todo.append(i)
        else:
            results[i] = [t for t in toks if not t.isspace()] if drop_space else toks
    return todo, keys


def _tokens_of(store: SegmentCache, ids: bytes, text: str) -> list[str] | None:
    """The tokens of an entry, or None when they do not make ``text``."""
    view = memoryview(ids).cast("I")
    if len(view) and max(view) >= len(store.vocab):
        store.refresh()  # written by another job since the vocabulary was read
        if max(view) >= len(store.vocab):
            return None
    tokens = store.vocab.tokens(ids)
    return tokens if "".join(tokens) == text else None
