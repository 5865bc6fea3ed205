"""Bytes to text: the encodings Chinese report files come in.

UTF-8 (with or without BOM) and UTF-16 with BOM are recognised exactly; otherwise GB18030 (a
superset of GBK and GB2312) is tried, line by line when a file was pasted together from
sources in both encodings, and failing that the encoding charset-normalizer finds. Binary
data is refused rather than decoded to noise.

Examples
--------
>>> decode_bytes("三会一课".encode("gbk"))
'三会一课'
>>> decode_bytes(b"\\xef\\xbb\\xbf" + "三会一课".encode("utf-8"))
'三会一课'
"""

from __future__ import annotations

from corpus_tools.errors import InputReadError

__all__ = ["decode_bytes"]

#: Bytes looked at for NUL bytes (a binary file shows them early).
BINARY_PROBE_BYTES = 65536
#: Characters looked at for control characters ...
CONTROL_PROBE_CHARS = 20000
#: ... and the share of them from which the text is taken for a binary file.
MAX_CONTROL_SHARE = 0.05
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_bytes(data: bytes, *, path: str = "<bytes>") -> str:
    """Decode the bytes of a plain-text report.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised exactly; otherwise
    GB18030 (a superset of GBK and GB2312) is tried, and failing that the encoding
    charset-normalizer finds. Binary data (NUL bytes, or text that decodes to mostly
    control characters) is refused.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    path : str, optional
        Named in the error.

    Returns
    -------
    str
        The text, BOM removed, nothing else changed.

    Raises
    ------
    InputReadError
        When the bytes are not text in any of these encodings.

    Examples
    --------
    >>> decode_bytes("第X批".encode("gb18030"))
    '第X批'
    """
    if data.startswith(_UTF8_BOM):
        return _strict(data[len(_UTF8_BOM) :], "utf-8", path)
    if data.startswith(_UTF16_BOMS):
        return _strict(data, "utf-16", path)
    if b"\x00" in data[:BINARY_PROBE_BYTES]:
        raise InputReadError(path, "binary file (NUL bytes), not text")
    try:
        return _check_text(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    try:
        whole: str | None = data.decode("gb18030")
    except UnicodeDecodeError:
        whole = None
    mixed = _decode_lines(data)
    if mixed is not None and (whole is None or mixed != whole):
        return _check_text(mixed, path)
    if whole is not None:
        return _check_text(whole, path)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputReadError(path, "not text: no encoding decodes it (tried UTF-8, GB18030)")
    return _check_text(str(best), path)


def _decode_lines(data: bytes) -> str | None:
    """Decode line by line, UTF-8 first, then GB18030: files pasted together from
    sources in both encodings. None when a line is neither, or when no line is UTF-8
    with non-ASCII text (then the file is plain GB18030)."""
    out: list[str] = []
    utf8_lines = 0
    for line in data.split(b"\n"):
        try:
            piece = line.decode("utf-8")
            if not line.isascii():
                utf8_lines += 1
        except UnicodeDecodeError:
            try:
                piece = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
        out.append(piece)
    if utf8_lines == 0:
        return None
    return "\n".join(out)


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return _check_text(data.decode(encoding), path)
    except UnicodeDecodeError as exc:
        raise InputReadError(
            path,
            f"starts with a {encoding} byte-order mark but is not valid {encoding} "
            f"(byte {exc.start})",
        ) from None


def _check_text(text: str, path: str) -> str:
    sample = text[:CONTROL_PROBE_CHARS]
    if sample:
        bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
        if bad / len(sample) > MAX_CONTROL_SHARE:
            raise InputReadError(path, "binary file: control characters, not text")
    return text
