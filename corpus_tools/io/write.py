"""Writing outputs so that an interrupted run never leaves a half-written file.

Examples
--------
>>> import pandas as pd, tempfile, os
>>> folder = tempfile.mkdtemp()
>>> path = write_table(pd.DataFrame({"word": ["三会一课"], "count": [3]}),
...                    os.path.join(folder, "counts.csv"))
>>> open(path, encoding="utf-8-sig").read()
'word,count\\n三会一课,3\\n'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd

from corpus_tools.errors import OutputError, check_choice, check_type

__all__ = ["atomic_write", "write_table"]

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


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` atomically as parquet or CSV (by extension); return the path.

    CSV is written as UTF-8 with a BOM so that spreadsheet programs show Chinese.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : path
        Ends in ``.parquet`` or ``.csv``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    func = "write_table"
    check_type(frame, "frame", func, pd.DataFrame, "a pandas DataFrame")
    target = Path(path)
    suffix = target.suffix.lower()
    check_choice(suffix, "path", func, (".parquet", ".csv"))
    with atomic_write(target, "wb") as fh:
        if suffix == ".parquet":
            frame.to_parquet(fh, index=False)
        else:
            fh.write(frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
    return target
