"""Files written whole or not at all: :func:`atomic_write` (a temporary file beside the
target, renamed over it on success). Nothing here needs pandas: readers of an index and the
command line's writers import it alone."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from corpus_tools.errors import OutputError, check_choice, check_type

__all__ = ["atomic_write"]

#: The mode an ordinary ``open()`` gives a new file, before the umask.
_FILE_MODE = 0o666


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    An exception (or an interrupt) leaves ``path`` as it was and no temporary file behind.

    Parameters
    ----------
    path : path
        The file to write (its folder is created when missing).
    mode : {"wb", "w"}, default "wb"
        Binary, or text (UTF-8, newlines as written).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "out.json")
    >>> with atomic_write(path, "w") as fh:
    ...     _ = fh.write('{"三会一课": 3}')
    >>> open(path, encoding="utf-8").read()
    '{"三会一课": 3}'
    """
    check_choice(mode, "mode", "atomic_write", ("w", "wb"))
    check_type(path, "path", "atomic_write", (str, os.PathLike), "a file path")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    try:
        kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the mode an ordinary open() would
        os.chmod(tmp, _FILE_MODE & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
