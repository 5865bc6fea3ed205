"""Bytes to text: the encodings Chinese report files come in, and nothing decoded to noise.

UTF-8 (with or without BOM), UTF-16 and UTF-32 with BOM are recognised exactly. Otherwise
GB18030 (a superset of GBK and GB2312) is tried, line by line when a file was pasted together
from sources in both encodings, and kept when it reads as Chinese: at least
:data:`PLAUSIBLE` of its non-ASCII characters are common characters (GB2312's 6,763, Big5's
5,401 frequent traditional ones) or punctuation -- real reports score 0.95 to 1; a Big5 file
read as GB18030 about 0.35, Japanese about 0.2 -- and at least :data:`FREQUENT` of its
Chinese characters are among the 500 most frequent ones (84% of the characters of the genre;
real documents 0.34 and up, Korean EUC-KR read as GB18030, which gives common characters
only, 0.15).

A file that does not read as Chinese in GB18030 is tried as Big5 (cp950, then Big5-HKSCS),
Shift-JIS (cp932), UTF-16 without BOM and Windows-1252 (Latin-1), each scored against its own
script's common characters; it is decoded as the one that reads as text, when that one is
clearly better than GB18030 (by :data:`MARGIN`). Anything else is refused with the reason --
never decoded to mojibake silently. A NUL byte anywhere is binary data, unless the file is
UTF-16 without BOM (then the NUL bytes are the high halves of ASCII characters).

Examples
--------
>>> decode_bytes("三会一课".encode("gbk"))
'三会一课'
>>> decode_bytes(b"\\xef\\xbb\\xbf" + "三会一课".encode("utf-8"))
'三会一课'
>>> decode_bytes("堅持三會一課制度，落實組織生活。".encode("big5"))
'堅持三會一課制度，落實組織生活。'
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from corpus_tools.errors import InputReadError

__all__ = ["FREQUENT", "MARGIN", "PLAUSIBLE", "decode_bytes"]

#: Characters looked at for control characters ...
CONTROL_PROBE_CHARS = 20000
#: ... and the share of them from which the text is taken for a binary file.
MAX_CONTROL_SHARE = 0.05
#: Share of a decoding's non-ASCII characters that must be common characters of its script
#: (or punctuation) for the decoding to be text, not mojibake. Real reports score 0.95-1,
#: mojibake 0.2-0.4 (tests/test_encodings.py).
PLAUSIBLE = 0.8
#: Share of a Chinese reading's ideographs that must be among the most frequent ones
#: (:data:`FREQUENT_CHARACTERS`): 0.34 for the lowest of 5,277 real documents (a list of
#: names), 0.15 for Korean read as GB18030, under 0.08 for Big5 or Japanese read as GB18030.
FREQUENT = 0.25
#: How much better than GB18030 another encoding must score to be chosen instead.
MARGIN = 0.3
#: The 500 most frequent characters of the shared corpora (新闻联播, local regulations,
#: government work reports: 84% of their Chinese characters), then their traditional forms.
FREQUENT_CHARACTERS = (
    "的国人和会中行民第业政条一发应建在设十工以定大当规部全法新理市地有作管主关进展区年动生务用等合经门为"
    "要机产保化对方不实制员本加同日公者施上出二家成三体水开重时共力代安资平强事表提位护高通府议委持责其或"
    "个文五社内能物改及四下联是自了单划构推现央处总消面道项学服各月量场运城多长交期防可分级组度程利并目技"
    "治报增入任监活立由性息农统天系计向标与近济得网企正品调电照我前相视过元好将明到播质路依基他供源党教来"
    "于准县今育习军营万所科域导按取信海续办织据外收领常造指次权车美境点列义情例案使查决环特式闻际村职省示"
    "专备协更记违结术费后数件支放坚举气意批深两求审间反六金创布范心称督书确检投从乡未步商战告医革之款集接"
    "证完斯受色预律流线广采需就们节这八台置席七院种障负题快态况绿局比北养南已根修口格届卫装团起九效具见解"
    "小复问验整研俄达维执原传优措促予西亿罚章积精围策止超名参风带志土华核界健善空形众升果东克河益助林稳击"
    "价最引限百测排无世险乌游房山愿型约江落互火转输变财污救严首群容至筑令做评打居控老给非急配停镇队害极神"
    "承必疗请园旅类航选历励然料客论巴灾断也校究族则亚因略融影还识史染千命京突州先干继易势除别住认热知球础"
    "國會業條發應設當規關進區動務經門為機產對實員體開時資強護議責個內聯單劃構現處總項學場運長級組並報監農"
    "統計標與濟網調電視過將質黨來於準縣習軍營萬導續辦織據領權車點義決環聞際職專備協記違結術費後數堅舉氣兩"
    "審間創範稱書確檢從鄉戰醫證預線廣採們節這臺種負題態況綠養屆衛裝團見復問驗達維執傳優億罰積圍參風帶華眾"
    "東穩擊價測無險烏遊願約轉輸變財汙嚴築評給鎮隊極療請園類選歷勵論災斷則亞還識幹繼勢別認熱礎爲衆羣"
)
#: Below this many non-ASCII characters a file is too short to refuse: it is read as
#: GB18030 when that decodes it and no other encoding reads it better.
MIN_EVIDENCE = 20
#: Characters of a decoding looked at to score it.
SCORE_CHARS = 200_000

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: A Latin-1 word holds one or two accented letters in a row; mojibake of CJK bytes holds runs.
_LATIN_RUN = 3


class _Reading(NamedTuple):
    """One way of decoding a file: the encoding's name, the text, its score (share of
    common characters), how many non-ASCII characters the score is taken over, and for a
    Chinese reading the share of its ideographs among the most frequent ones (1.0 when it
    has too few ideographs to tell)."""

    name: str
    text: str
    score: float
    evidence: int
    frequent: float = 1.0

    @property
    def plausible(self) -> bool:
        return self.score >= PLAUSIBLE and self.frequent >= FREQUENT


def decode_bytes(data: bytes, *, path: str = "<bytes>") -> str:
    """Decode the bytes of a plain-text report.

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
        When the bytes are binary (a NUL byte, mostly control characters) or read as text in
        none of the encodings tried (the reason gives each one's score).

    Examples
    --------
    >>> decode_bytes("第X批".encode("gb18030"))
    '第X批'
    >>> decode_bytes("地域の活性化には、行政と住民の協力が欠かせない。".encode("shift_jis"))
    '地域の活性化には、行政と住民の協力が欠かせない。'
    >>> decode_bytes(b"report\\x00\\x01")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.InputReadError: <bytes>: binary file: NUL byte at byte 6, not text
    """
    if data.startswith(_UTF8_BOM):
        return _strict(data[len(_UTF8_BOM) :], "utf-8", path)
    if data.startswith(_UTF32_BOMS):
        return _strict(data, "utf-32", path)
    if data.startswith(_UTF16_BOMS):
        return _strict(data, "utf-16", path)
    nul = data.find(b"\x00")
    if nul >= 0:
        found = _utf16_without_bom(data)
        if found is None:
            raise InputReadError(path, f"binary file: NUL byte at byte {nul:,}, not text")
        return _check_text(found, path)
    try:
        return _check_text(data.decode("utf-8"), path)
    except UnicodeDecodeError as exc:
        broken = exc.start
    return _check_text(_guess(data, path, broken), path)


def _guess(data: bytes, path: str, broken: int) -> str:
    """The text of bytes that are not UTF-8 (``broken``: where UTF-8 fails): GB18030 when it
    reads as Chinese, else the encoding that clearly reads as text, else refused with each
    encoding's score."""
    gb = _gb18030(data)
    if gb is not None and gb.plausible:
        return gb.text
    others = [r for r in _other_readings(data) if r is not None]
    plausible = [r for r in others if r.plausible]
    best = max(plausible, key=lambda r: r.score, default=None)
    # another encoding wins when GB18030 reads as mojibake, or clearly worse
    if best is not None and (gb is None or gb.score < PLAUSIBLE or best.score - gb.score >= MARGIN):
        return best.text
    if gb is not None and gb.evidence < MIN_EVIDENCE and best is None:
        return gb.text  # too little text to tell, and nothing else reads it
    readings = [r for r in (gb, *others) if r is not None]
    raise InputReadError(path, _refusal(readings, broken, len(data)))


def _refusal(readings: list[_Reading], broken: int, size: int) -> str:
    if not readings:
        return (
            "not text in any encoding tried (UTF-8, GB18030, Big5, Shift-JIS, UTF-16, "
            "Windows-1252); save it as UTF-8"
        )
    scores = "; ".join(
        f"as {r.name}: {r.score:.0%} common characters"
        + (f", {r.frequent:.0%} frequent ones" if r.frequent < 1 else "")
        for r in readings
    )
    return (
        f"encoding not recognised: not UTF-8 (invalid from byte {broken:,} of {size:,}: a cut "
        "or damaged character there, if the rest is UTF-8), and no encoding tried reads it as "
        f"text ({scores}; "
        f"text has {PLAUSIBLE:.0%} common characters and {FREQUENT:.0%} frequent ones); "
        "save it as UTF-8 -- it was not decoded to mojibake"
    )


def _gb18030(data: bytes) -> _Reading | None:
    """The GB18030 reading: the whole file, or line by line beside UTF-8 when the file
    mixes both -- whichever reads better (a short GB18030 line can be valid UTF-8 too:
    ``通知`` is ``D6 AA CD A8``, UTF-8 for ``֪ͨ``)."""
    readings = []
    whole = _decode_first(data, ("gb18030",))
    if whole is not None:
        readings.append(_reading("GB18030", whole, _chinese_chars(), chinese=True))
    mixed = _decode_lines(data)
    if mixed is not None:
        readings.append(_reading("GB18030", mixed, _chinese_chars(), chinese=True))
    return max(readings, key=lambda r: (r.score, r.frequent), default=None)


def _other_readings(data: bytes) -> Iterable[_Reading | None]:
    big5 = _decode_first(data, ("cp950", "big5hkscs"))
    yield None if big5 is None else _reading("Big5", big5, _big5_chars(), chinese=True)
    sjis = _decode_first(data, ("cp932",))
    yield None if sjis is None else _reading("Shift-JIS", sjis, _japanese_chars())
    if len(data) % 2 == 0:
        for name in ("utf-16-le", "utf-16-be"):
            text = _decode_first(data, (name,))
            label = "UTF-16LE" if name.endswith("le") else "UTF-16BE"
            yield None if text is None else _reading(label, text, _utf16_chars(), ascii=True)
    latin = _decode_first(data, ("cp1252",))
    yield None if latin is None else _latin_reading(latin)


def _decode_first(data: bytes, encodings: tuple[str, ...]) -> str | None:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _reading(
    name: str, text: str, good: frozenset[str], *, ascii: bool = False, chinese: bool = False
) -> _Reading:
    """Score ``text``: the share of its (non-ASCII, unless ``ascii``) characters in ``good``;
    for a ``chinese`` reading also the share of its ideographs among the most frequent."""
    counts = Counter(text[:SCORE_CHARS])
    total = hits = 0
    for ch, n in counts.items():
        if ch.isascii() and not ascii:
            continue
        total += n
        if ch in good or (ch.isascii() and (ch.isprintable() or ch in "\t\n\r")):
            hits += n
    frequent = 1.0
    if chinese:
        ideographs = {ch: n for ch, n in counts.items() if _IDEOGRAPH.match(ch)}
        seen = sum(ideographs.values())
        if seen >= MIN_EVIDENCE:
            common = _frequent_chars()
            frequent = sum(n for ch, n in ideographs.items() if ch in common) / seen
    return _Reading(name, text, hits / total if total else 1.0, total, frequent)


def _latin_reading(text: str) -> _Reading:
    """Windows-1252: accented letters one or two in a row inside words, not long runs."""
    good = _latin_chars()
    total = hits = 0
    for m in _NON_ASCII_RUN.finditer(text, 0, SCORE_CHARS):
        run = m.group()
        total += len(run)
        if len(run) < _LATIN_RUN:
            hits += sum(ch in good for ch in run)
    return _Reading("Windows-1252", text, hits / total if total else 1.0, total)


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 without BOM (its NUL bytes the high halves of ASCII characters),
    in the byte order that reads as text, or None."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _decode_first(data, (encoding,))
        if text is None or "\x00" in text:
            continue
        if _reading("UTF-16", text, _utf16_chars(), ascii=True).score >= PLAUSIBLE:
            return text
    return None


# --------------------------------------------------------------------------- characters


def _double_byte(encoding: str, leads: Iterable[int], trails: Iterable[int]) -> set[str]:
    out: set[str] = set()
    trail_list = list(trails)
    for lead in leads:
        for trail in trail_list:
            try:
                out.add(bytes((lead, trail)).decode(encoding))
            except UnicodeDecodeError:
                continue
    return out


_GB_TRAILS = range(0xA1, 0xFF)
_BIG5_TRAILS = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
_SJIS_TRAILS = [*range(0x40, 0x7F), *range(0x80, 0xFD)]


@functools.cache
def _punctuation() -> frozenset[str]:
    """General punctuation, CJK symbols, full-width forms, and GB2312's symbol rows
    (·、。“”《》①⑴㈠Ⅰ×÷℃...)."""
    blocks = (range(0x2010, 0x2070), range(0x3000, 0x3040), range(0xFF01, 0xFF66))
    chars = {chr(c) for block in blocks for c in block}
    chars |= _double_byte("gb2312", range(0xA1, 0xA4), _GB_TRAILS)
    return frozenset(chars)


@functools.cache
def _frequent_chars() -> frozenset[str]:
    return frozenset(FREQUENT_CHARACTERS)


@functools.cache
def _big5_common() -> frozenset[str]:
    """Big5's 5,401 frequently used characters (A440-C67E)."""
    return frozenset(_double_byte("big5", range(0xA4, 0xC7), _BIG5_TRAILS))


@functools.cache
def _chinese_chars() -> frozenset[str]:
    """What Chinese text in GB18030 is made of: GB2312's 6,763 characters, Big5's frequent
    traditional ones (a traditional text saved as GB18030) and punctuation."""
    gb2312 = _double_byte("gb2312", range(0xB0, 0xF8), _GB_TRAILS)
    return frozenset(gb2312 | _big5_common() | _punctuation())


@functools.cache
def _big5_chars() -> frozenset[str]:
    """Big5's frequent and less frequent characters (levels 1 and 2), its symbols, punctuation."""
    rest = _double_byte("big5", [*range(0xA1, 0xA4), *range(0xC9, 0xFA)], _BIG5_TRAILS)
    return frozenset(_big5_common() | rest | _punctuation())


@functools.cache
def _japanese_chars() -> frozenset[str]:
    """JIS X 0208 level-1 kanji (2,965), kana and punctuation (no half-width katakana, which
    is what Chinese bytes read as Shift-JIS give)."""
    kanji = _double_byte("shift_jis", range(0x88, 0x99), _SJIS_TRAILS)
    kana = {chr(c) for c in range(0x3041, 0x3100)}
    return frozenset(kanji | kana | (_punctuation() - {chr(c) for c in range(0xFF61, 0xFF66)}))


@functools.cache
def _utf16_chars() -> frozenset[str]:
    return frozenset(_chinese_chars() | _big5_chars() | _japanese_chars())


@functools.cache
def _latin_chars() -> frozenset[str]:
    """Accented Latin letters and the typographic marks of Windows-1252."""
    letters = {chr(c) for c in range(0xC0, 0x100)} - {"×", "÷"}
    return frozenset(letters | set("‘’“”–—…•€«»°·¡¿ ©®"))


# --------------------------------------------------------------------------- helpers


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
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputReadError(
            path,
            f"starts with a {encoding} byte-order mark but is not valid {encoding} "
            f"(byte {exc.start})",
        ) from None
    if "\x00" in text:
        raise InputReadError(
            path, f"binary file: NUL character at character {text.index(chr(0)):,}, not text"
        )
    return _check_text(text, path)


def _check_text(text: str, path: str) -> str:
    sample = text[:CONTROL_PROBE_CHARS]
    if sample:
        bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
        if bad / len(sample) > MAX_CONTROL_SHARE:
            raise InputReadError(path, "binary file: control characters, not text")
    return text
