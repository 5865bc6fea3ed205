"""Plain-text files in the encodings reports come in: decoded as what they are, or refused
with the reason -- never decoded to mojibake and accepted silently."""

from __future__ import annotations

from pathlib import Path

import pytest

import corpus_tools as ct
from corpus_tools.errors import InputReadError, NoDocumentsError
from corpus_tools.io import decode_bytes

SEED_004 = "004_4ba3fb77ef7e832c.txt"

#: Japanese prose (a municipal report), written for this test.
JAPANESE = (
    "日本の地方自治体では、住民サービスの向上に向けて様々な取り組みが進められている。\n"
    "令和五年度の予算案によると、子育て支援や高齢者福祉の充実が重点施策として掲げられた。\n"
    "市長は記者会見で「地域の活性化には、行政と住民の協力が欠かせない」と述べた。\n"
    "また、防災対策として避難所の整備や情報伝達体制の強化にも取り組む方針だ。\n"
)
#: Korean prose, written for this test: EUC-KR bytes read as GB18030 give only common
#: Chinese characters, so only the frequency of the characters tells it is mojibake.
KOREAN = (
    "지방자치단체는 주민의 복리에 관한 사무를 처리하고 재산을 관리하며, 법령의 범위 안에서 "
    "자치에 관한 규정을 제정할 수 있다. 올해 예산안에는 아동 돌봄과 노인 복지를 강화하는 "
    "내용이 포함되었다.\n"
)
#: French and German prose (Latin-1).
LATIN = (
    "Le conseil municipal a adopté le budget de l'année: crèches, écoles et sécurité.\n"
    "Der Gemeinderat hat über die Förderung der Vereine und die Straßenreinigung beraten.\n"
)


def _traditional(text: str, encoding: str) -> str:
    """``text`` in traditional characters, the lines that ``encoding`` can write."""
    import zhconv

    lines = []
    for line in zhconv.convert(text, "zh-tw").split("\n"):
        try:
            line.encode(encoding)
        except UnicodeEncodeError:
            continue
        lines.append(line)
    return "\n".join(lines)


def _load(path: Path) -> str:
    return str(ct.load_corpus(path).documents["text"].iloc[0])


def _refusal(path: Path) -> str:
    with pytest.raises(NoDocumentsError) as caught:
        ct.load_corpus(path)
    (reason,) = caught.value.errors["reason"].tolist()
    return str(reason)


@pytest.mark.parametrize("encoding", ["cp950", "big5"])
def test_a_big5_report_is_read_as_big5(
    tmp_path: Path, seed_texts: dict[str, str], encoding: str
) -> None:
    text = _traditional(seed_texts[SEED_004], encoding)
    assert len(text) > 2000
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    assert _load(path) == text


def test_a_traditional_report_saved_as_gb18030_stays_gb18030(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    text = _traditional(seed_texts[SEED_004], "gb18030")
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("gb18030"))
    assert _load(path) == text


def test_shift_jis_japanese_is_read_as_shift_jis(tmp_path: Path) -> None:
    path = tmp_path / "japan.txt"
    path.write_bytes(JAPANESE.encode("shift_jis"))
    assert _load(path) == JAPANESE


def test_latin1_is_read_as_latin1_not_as_chinese(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(LATIN.encode("latin-1"))
    assert _load(path) == LATIN


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(
    tmp_path: Path, seed_texts: dict[str, str], encoding: str
) -> None:
    text = seed_texts[SEED_004]
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    assert _load(path) == text


def test_utf32_with_bom_is_read(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(seed_texts[SEED_004].encode("utf-32"))
    assert _load(path) == seed_texts[SEED_004]


def test_a_nul_byte_anywhere_refuses_the_file(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    data = seed_texts["003_9b7675b2e4522a57.txt"].encode("utf-8")
    assert len(data) > 90_000  # far past the first 64 KB, which alone were looked at before
    late = data[:90_000] + b"\x00" + data[90_000:]
    path = tmp_path / "late.txt"
    path.write_bytes(late)
    assert _refusal(path) == "binary file: NUL byte at byte 90,000, not text"
    with pytest.raises(InputReadError, match="NUL byte at byte 3"):
        decode_bytes(b"abc\x00def")


def test_korean_read_as_chinese_mojibake_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "korean.txt"
    data = KOREAN.encode("euc-kr")
    assert data.decode("gb18030")  # it "decodes" -- into common Chinese characters
    path.write_bytes(data)
    reason = _refusal(path)
    assert reason.startswith("encoding not recognised")
    assert "as GB18030: 100% common characters" in reason and "not decoded to mojibake" in reason


def test_a_cut_utf8_character_is_named_with_its_byte(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    # two UTF-8 files glued after `head -c`, which cut a character in half
    first = seed_texts[SEED_004].encode("utf-8")[:3000]
    second = seed_texts[SEED_004].encode("utf-8")[:2500]
    path = tmp_path / "glued.txt"
    path.write_bytes(first + second)
    with pytest.raises(UnicodeDecodeError) as cut:
        (first + second).decode("utf-8")
    reason = _refusal(path)
    assert f"not UTF-8 (invalid from byte {cut.value.start:,} of 5,500" in reason
    assert "as UTF-16LE" in reason and "as UTF-16BE" in reason  # the two readings told apart


def test_damaged_bytes_are_refused_with_each_encoding_tried(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    # a GB18030 report whose every tenth byte was lost: no encoding reads it as text
    data = seed_texts[SEED_004].encode("gb18030")
    damaged = bytes(b for i, b in enumerate(data) if i % 10)
    path = tmp_path / "damaged.txt"
    path.write_bytes(damaged)
    assert "encoding not recognised" in _refusal(path)


def test_gb18030_and_mixed_files_are_unchanged(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    for name, text in seed_texts.items():
        assert decode_bytes(text.encode("gb18030")) == text, name
    short = "三会一课".encode("gbk")  # too short to judge: read as GB18030, the genre's
    assert decode_bytes(short) == "三会一课"


def test_real_reports_read_as_gb18030(tmp_path: Path) -> None:
    from conftest import iter_records

    for rec in iter_records("state_council_gwr"):
        text = rec["text"]
        try:
            data = text.encode("gb18030")
        except UnicodeEncodeError:
            continue
        assert decode_bytes(data) == text, rec["id"]
