"""A damaged or crafted index is refused with the reason (exit 4), in bounded memory, and
`index build -o DIR` never overwrites or removes a file the index did not write.

The crafted indexes keep their checksums right (each changed file's SHA-256 written into
the manifest, the manifest's own checksum recomputed), as someone who crafts one would: what
refuses them is the check of each field against the files. The memory bounds are asserted
in a subprocess under ``RLIMIT_AS`` (the address space of a normal run plus a margin).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from corpus_tools.cli import cli
from corpus_tools.dedup import DedupIndex, check_index
from corpus_tools.dedup.store import (
    DOC_ARRAY_COLUMNS,
    FORMAT_VERSION,
    ROLES,
    SEARCHED,
    block_digests,
)
from corpus_tools.errors import IndexFormatError, OutputError

ROOT = Path(__file__).resolve().parents[1]
HELD = ("000_14cdbf6256da471f.txt", "001_76da920ca12b73e0.txt")
#: Address space allowed beyond what a normal `flag` run takes (MiB).
MARGIN_MIB = 768
LINUX_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc/self/status are Linux's"
)


# --------------------------------------------------------------------------- crafting


@pytest.fixture()
def index_dir(tmp_path: Path, seed_texts: dict[str, str]) -> Path:
    out = tmp_path / "ix"
    DedupIndex().build({name: seed_texts[name] for name in HELD}).save(out)
    return out


@pytest.fixture()
def submission(tmp_path: Path, seed_texts: dict[str, str]) -> Path:
    """Copies the second held report: flagging it reads that report's stored text."""
    path = tmp_path / "sub.txt"
    path.write_text("我社区认真落实上级部署。\n" + seed_texts[HELD[1]][200:1400], encoding="utf-8")
    return path


def _manifest(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "manifest.json").read_text("utf-8")))


def _checksum(manifest: dict[str, Any]) -> str:
    """The manifest's checksum as the README documents it."""
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_manifest(out: Path, manifest: dict[str, Any], *, checksum: bool = True) -> None:
    manifest = {k: v for k, v in manifest.items() if k != "checksum"}
    if checksum:
        manifest["checksum"] = _checksum(manifest)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def _replace(out: Path, role: str, data: bytes) -> None:
    """Give the data file ``role`` new bytes, its SHA-256 (and those of its blocks) and the
    manifest's checksum rewritten to match (a crafted file, not a damaged one)."""
    manifest = _manifest(out)
    name = manifest["arrays"][role]
    (out / name).write_bytes(data)
    manifest["files"][name] = hashlib.sha256(data).hexdigest()
    if role in SEARCHED and "blocks" in manifest["arrays"]:
        blocks = manifest["arrays"]["blocks"]
        digests = [block_digests((out / manifest["arrays"][r]).read_bytes()) for r in SEARCHED]
        (out / blocks).write_bytes(_npy(np.concatenate(digests)))
        manifest["files"][blocks] = hashlib.sha256((out / blocks).read_bytes()).hexdigest()
    _write_manifest(out, manifest)


def _npy(arr: np.ndarray[Any, Any]) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _npy_claiming(descr: str, shape: tuple[int, ...], data: bytes) -> bytes:
    """An ``.npy`` file whose header says ``descr`` and ``shape`` over ``data``."""
    buf = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + data


def _docs(out: Path) -> pd.DataFrame:
    """The document table as a DataFrame (``role`` as a string), of any version."""
    arrays = _manifest(out)["arrays"]
    if arrays["docs"].endswith(".parquet"):
        return pd.read_parquet(out / arrays["docs"])
    values = np.load(out / arrays["docs"])
    strings = json.loads((out / arrays["doc_ids"]).read_text("utf-8"))
    columns: dict[str, Any] = {"doc_id": strings["doc_id"]}
    columns.update(zip(DOC_ARRAY_COLUMNS[:-1], values[:-1], strict=True))
    columns["role"] = [ROLES[c] if 0 <= c < len(ROLES) else c for c in values[-1].tolist()]
    columns["unit"] = strings["unit"]
    return pd.DataFrame(columns)


def _replace_docs(out: Path, docs: pd.DataFrame) -> None:
    """Write ``docs`` as the index's document table (version 4: its array file, a role
    not of ROLES as the number 7, and its JSON file), checksums right."""
    roles = [ROLES.index(r) if r in ROLES else 7 for r in docs["role"]]
    rows = [docs[c].to_numpy() for c in DOC_ARRAY_COLUMNS[:-1] if c in docs]
    _replace(out, "docs", _npy(np.stack([*rows, np.array(roles)])))
    strings = {"doc_id": docs["doc_id"].tolist(), "unit": docs["unit"].tolist()}
    _replace(out, "doc_ids", json.dumps(strings, ensure_ascii=False).encode("utf-8"))


def _parquet(docs: pd.DataFrame, **options: Any) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    table = pa.Table.from_pandas(docs, preserve_index=False)
    if "unit" in docs and docs["unit"].isna().all():
        table = table.set_column(
            table.schema.get_field_index("unit"), "unit", pa.nulls(len(docs), pa.string())
        )
    pq.write_table(table, buf, **options)
    return buf.getvalue()


def _as_version_3(out: Path) -> None:
    """Make the index in ``out`` one of format version 3 (its document table in parquet),
    as an index written before version 4 is."""
    manifest = _manifest(out)
    docs = _docs(out)
    for role in ("docs", "doc_ids"):
        name = manifest["arrays"].pop(role)
        manifest["files"].pop(name)
        (out / name).unlink()
    name = f"docs-g{manifest['generation']}.parquet"
    data = _parquet(docs, compression="snappy")
    (out / name).write_bytes(data)
    manifest["arrays"]["docs"] = name
    manifest["files"][name] = hashlib.sha256(data).hexdigest()
    manifest["version"] = 3
    _write_manifest(out, manifest)


def _replace_parquet_docs(out: Path, docs: pd.DataFrame, **options: Any) -> None:
    _replace(out, "docs", _parquet(docs, **options))


def _flag(out: Path, submission: Path) -> Any:
    return CliRunner().invoke(cli, ["flag", str(submission), "--index", str(out)])


def _refused(out: Path, submission: Path, reason: str) -> None:
    """`flag` exits 4 saying why; loading and checking the index say it too."""
    res = _flag(out, submission)
    assert res.exit_code == 4, (res.exit_code, res.output, res.exception)
    assert "cannot use the index" in res.output and reason in res.output, res.output
    with pytest.raises(IndexFormatError, match=re.escape(reason)):
        DedupIndex.load(out)


def _refused_when_read(out: Path, submission: Path, reason: str) -> None:
    """A crafted search array that only a whole check (or a query reading it) finds: the
    load maps it without reading it whole; `flag` exits 4 saying why when its query reads
    the crafted values; anything that uses the arrays whole (`index add`, the pairs among
    held documents) and `index check` refuse it too."""
    index = DedupIndex.load(out)  # (the arrays mapped, their values not read)
    with pytest.raises(IndexFormatError, match=re.escape(reason)):
        index.flag({"sub": submission.read_text("utf-8")})
    res = _flag(out, submission)
    assert res.exit_code == 4, (res.exit_code, res.output, res.exception)
    assert "cannot use the index" in res.output and reason in res.output, res.output
    _refused_when_whole(out, submission, reason, flags=False)


def _refused_when_whole(out: Path, submission: Path, reason: str, *, flags: bool = True) -> None:
    """What no query reads is refused when the arrays are used whole, and found by
    `index check`."""
    if flags:  # (a query never reads it: the flag is what it was)
        assert _flag(out, submission).exit_code == 1
    with pytest.raises(IndexFormatError, match=re.escape(reason)):
        DedupIndex.load(out).near_duplicates()
    more = out.parent / "more.txt"
    more.write_text("全面落实三会一课制度，组织生活更加规范有序。" * 5, encoding="utf-8")
    res = CliRunner().invoke(cli, ["index", "add", str(out), str(more)])
    assert res.exit_code == 4 and reason in res.output, res.output
    assert not check_index(out).ok


# --------------------------------------------------------------------------- the manifest


def test_a_manifest_without_segments_is_refused(index_dir: Path, submission: Path) -> None:
    manifest = _manifest(index_dir)
    _write_manifest(index_dir, {**manifest, "segments": {}})
    _refused(index_dir, submission, "segment 0 (not in the manifest)")
    found = check_index(index_dir)
    assert not found.ok and sorted(found.lost) == sorted(HELD)


def test_the_manifest_has_a_checksum(index_dir: Path, submission: Path) -> None:
    manifest = _manifest(index_dir)
    assert manifest["checksum"] == _checksum(manifest)
    # a changed field (here a decision threshold, which no other file contradicts)
    changed = json.loads(json.dumps(manifest))
    changed["config"]["threshold"] = 0.9
    (index_dir / "manifest.json").write_text(json.dumps(changed), "utf-8")
    _refused(index_dir, submission, "its checksum differs from its content")
    # a version-2 manifest must have one
    _write_manifest(index_dir, manifest, checksum=False)
    _refused(index_dir, submission, "it has no checksum")
    _write_manifest(index_dir, manifest)
    assert _flag(index_dir, submission).exit_code == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"segments": {"0": "../../etc/passwd"}}, "not a file of an index"),
        ({"segments": {"x": "texts-g0-0000.bin"}}, "not a segment number"),
        ({"arrays": {"docs": "docs-g0.parquet"}}, "'arrays' names"),
        ({"documents": -1}, "not a whole number"),
        ({"documents": True}, "not a whole number"),
        ({"documents": 10**12}, "has the shape"),
        ({"generation": "7"}, "not a whole number"),
        ({"config": {"k": 5, "bands": 7}}, "'bands' parameter"),
        ({"config": {"kk": 5}}, "lacks or garbles"),
        ({"unit_field": 3}, "not a field name"),
        ({"files": {}}, "'files' lacks"),
    ],
    ids=str,
)
def test_every_manifest_field_is_checked(
    index_dir: Path, submission: Path, change: dict[str, Any], reason: str
) -> None:
    _write_manifest(index_dir, {**_manifest(index_dir), **change})
    _refused(index_dir, submission, reason)


def test_an_oversized_manifest_is_not_read(index_dir: Path, submission: Path) -> None:
    manifest = _manifest(index_dir)
    manifest["padding"] = "x" * (17 << 20)
    _write_manifest(index_dir, manifest)
    _refused(index_dir, submission, "more than a manifest ever takes")


def test_a_version_1_index_without_checksum_is_read(
    index_dir: Path, submission: Path, seed_texts: dict[str, str]
) -> None:
    """The first format: untagged names, no checksum, no roles or units (all peers)."""
    manifest = _manifest(index_dir)
    docs = _docs(index_dir).drop(columns=["role", "unit"])
    old_names = {"docs": "docs.parquet", "bands": "bands.npy"}
    old_names.update(anchor_keys="anchor_keys.npy", anchor_docs="anchor_docs.npy")
    files = {}
    for role, name in manifest["arrays"].items():
        src = index_dir / name
        if role not in old_names:  # (the band order came with version 3)
            src.unlink()
            continue
        data = docs.to_parquet(index=False) if role == "docs" else src.read_bytes()
        (index_dir / old_names[role]).write_bytes(data)
        files[old_names[role]] = hashlib.sha256(data).hexdigest()
        src.unlink()
    (index_dir / "texts-g0-0000.bin").rename(index_dir / "texts-0000.bin")
    v1 = {k: v for k, v in manifest.items() if k not in ("checksum", "unit_field", "arrays")}
    v1.update(version=1, files=files, segments={"0": "texts-0000.bin"})
    (index_dir / "manifest.json").write_text(json.dumps(v1), "utf-8")
    index = DedupIndex.load(index_dir)
    assert index.doc_ids_ == list(HELD) and index.roles_.tolist() == ["peer", "peer"]
    assert index.text(HELD[1]) == seed_texts[HELD[1]]
    assert _flag(index_dir, submission).exit_code == 1
    # an add writes version 2 beside it and removes the version-1 files it replaces
    index.add({"more": seed_texts["004_4ba3fb77ef7e832c.txt"]}).save(index_dir)
    assert _manifest(index_dir)["version"] == FORMAT_VERSION
    assert not any((index_dir / n).exists() for n in old_names.values())
    assert (index_dir / "texts-0000.bin").exists()  # still named: its texts are kept
    assert check_index(index_dir).ok


# --------------------------------------------------------------------------- the arrays


def test_out_of_range_anchor_documents_are_refused(index_dir: Path, submission: Path) -> None:
    adocs = np.load(index_dir / _manifest(index_dir)["arrays"]["anchor_docs"])
    adocs[:] = 0xFFFFFFF0  # bincount over this would take 32 GiB
    _replace(index_dir, "anchor_docs", _npy(adocs))
    _refused_when_read(index_dir, submission, "an anchor points at document 4294967280 of 2")
    found = check_index(index_dir)
    assert [d.file for d in found.damaged] == ["anchor_docs-g0.npy"] and found.repairable


@pytest.mark.parametrize(
    ("role", "make", "reason"),
    [
        # a header claiming a billion rows over a file of a few bytes: refused unallocated
        ("bands", lambda a: _npy_claiming("<u8", (10**9, 32), a.tobytes()), "has the shape"),
        ("anchor_keys", lambda a: _npy_claiming("<u4", (10**12,), a.tobytes()), "not what its"),
        ("bands", lambda a: _npy(a.astype(np.float64)), "float64 values, not uint64"),
        ("anchor_keys", lambda a: _npy_claiming("|O", a.shape, b"\x80\x04N."), "object values"),
        ("anchor_keys", lambda a: _npy(a)[:-8], "not what its shape"),
        ("anchor_docs", lambda a: _npy(a[:-1]), "has the shape"),
        ("anchor_docs", lambda a: _npy(np.asfortranarray(a.reshape(1, -1))), "has the shape"),
    ],
    ids=["huge-shape", "huge-length", "dtype", "pickle", "short", "length", "2-d"],
)
def test_array_headers_are_checked_against_their_files(
    index_dir: Path,
    submission: Path,
    role: str,
    make: Callable[[np.ndarray[Any, Any]], bytes],
    reason: str,
) -> None:
    arr = np.load(index_dir / _manifest(index_dir)["arrays"][role])
    _replace(index_dir, role, make(arr))
    _refused(index_dir, submission, reason)


def test_unsorted_anchors_are_refused_when_read(index_dir: Path, submission: Path) -> None:
    keys = np.load(index_dir / _manifest(index_dir)["arrays"]["anchor_keys"])
    _replace(index_dir, "anchor_keys", _npy(keys[::-1].copy()))
    _refused_when_read(index_dir, submission, "the anchors are not sorted")


def test_a_crafted_band_order_is_refused(
    index_dir: Path, tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    order = np.load(index_dir / _manifest(index_dir)["arrays"]["band_order"])
    order[3, :] = 0xFFFFFFF0  # a query would index past the documents
    _replace(index_dir, "band_order", _npy(order))
    copy = tmp_path / "copy.txt"  # (a copy: its band keys are those of a held document)
    copy.write_text(seed_texts[HELD[1]], encoding="utf-8")
    _refused_when_read(index_dir, copy, "the band order points at document 4294967280 of 2")


def test_unsorted_band_keys_are_refused(index_dir: Path, submission: Path) -> None:
    keys = np.load(index_dir / _manifest(index_dir)["arrays"]["band_keys"])
    keys[5] = keys[5][::-1].copy()
    if keys[5][0] == keys[5][1]:  # (the two held reports share this band: try another)
        keys[6] = np.array([1, 0], dtype=np.uint64)
    _replace(index_dir, "band_keys", _npy(keys))
    _refused_when_read(index_dir, submission, "the band keys are not sorted")


def test_a_band_order_not_of_the_band_keys_is_found_by_check_and_repaired(
    index_dir: Path, submission: Path
) -> None:
    """In range and sorted, so loading takes it (it cannot read out of bounds); `index
    check` compares it with the band keys, and a repair computes it again."""
    before = _flag(index_dir, submission).output
    manifest = _manifest(index_dir)
    keys = np.load(index_dir / manifest["arrays"]["band_keys"])
    keys[:] = np.arange(keys.shape[1], dtype=np.uint64)  # sorted, and no band's keys
    _replace(index_dir, "band_keys", _npy(keys))
    found = check_index(index_dir)
    assert [d.file for d in found.damaged] == [manifest["arrays"]["band_order"]]
    assert "differ from the documents'" in found.damaged[0].reason and found.repairable
    res = CliRunner().invoke(cli, ["index", "repair", str(index_dir), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["dropped"] == [], res.output
    assert check_index(index_dir).ok
    assert _flag(index_dir, submission).output == before


def test_a_version_2_index_without_band_order_is_read_and_flags_the_same(
    index_dir: Path, submission: Path
) -> None:
    """Format version 2 had no band order: it is computed when a query first needs it."""
    before = _flag(index_dir, submission)
    _as_version_3(index_dir)  # (its document table in parquet)
    manifest = _manifest(index_dir)
    for role in ("band_keys", "band_order", "blocks"):
        name = manifest["arrays"].pop(role)
        manifest["files"].pop(name)
        (index_dir / name).unlink()
    manifest["version"] = 2
    _write_manifest(index_dir, manifest)
    index = DedupIndex.load(index_dir)
    assert index._band_order is None
    after = _flag(index_dir, submission)
    assert after.exit_code == before.exit_code == 1 and after.output == before.output
    assert check_index(index_dir).ok
    # a version-2 manifest naming a band order (or a version 3 naming none) is garbled
    manifest["version"] = 3
    _write_manifest(index_dir, manifest)
    _refused(index_dir, submission, "'arrays' names")


def _flip_byte(path: Path, at: int) -> None:
    """Damage a file in place (its checksums left as they were)."""
    data = bytearray(path.read_bytes())
    data[at] ^= 0x55
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("role", ["anchor_keys", "anchor_docs", "band_keys", "band_order"])
def test_a_damaged_block_of_a_searched_array_is_named_when_read(
    index_dir: Path, submission: Path, role: str
) -> None:
    """A loaded index checks the SHA-256 of each block a query reads (not every byte of
    every file first): a flipped byte in one is named, and `index check` and `index repair`
    find it as before."""
    before = _flag(index_dir, submission).output
    name = _manifest(index_dir)["arrays"][role]
    _flip_byte(index_dir / name, -2)  # (the index is small: one block holds every value)
    res = _flag(index_dir, submission)
    assert res.exit_code == 4, res.output
    assert f"{name} is corrupt (the SHA-256 of its bytes" in res.output
    assert "index repair" in res.output
    found = check_index(index_dir)
    assert [d.file for d in found.damaged] == [name] and found.lost == []
    res = CliRunner().invoke(cli, ["index", "repair", str(index_dir), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert check_index(index_dir).ok and _flag(index_dir, submission).output == before


def test_a_block_no_query_read_is_checked_before_the_array_is_copied(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    """A load checks the first blocks of each searched array (its header), a query those it
    reads; an add (which writes the arrays into a new generation, checksummed anew) and the
    pairs among held documents check every file whole first."""
    held = dict(seed_texts)
    lines = [line for text in seed_texts.values() for line in text.split("\n") if len(line) > 30]
    held.update({f"line-{k:03d}": line for k, line in enumerate(lines)})
    out = tmp_path / "ix"
    DedupIndex().build(held).save(out)
    name = _manifest(out)["arrays"]["anchor_keys"]
    assert (out / name).stat().st_size > 3 * 4096  # (a block past those a load checks)
    _flip_byte(out / name, -2)
    index = DedupIndex.load(out)  # (the damage is not in what the load read)
    with pytest.raises(IndexFormatError, match=re.escape(f"{name} is corrupt (its SHA-256")):
        index.near_duplicates()
    more = tmp_path / "more.txt"
    more.write_text("全面落实三会一课制度，组织生活更加规范有序。" * 5, encoding="utf-8")
    res = CliRunner().invoke(cli, ["index", "add", str(out), str(more)])
    assert res.exit_code == 4 and f"{name} is corrupt (its SHA-256 differs" in res.output
    assert [d.file for d in check_index(out).damaged] == [name]


def test_damaged_bands_change_no_answer_and_are_named_before_use(
    index_dir: Path, submission: Path
) -> None:
    """No query reads the bands (one key per band and document): a load does not checksum
    them (a quarter of a flag run's load of a 100k index), a flag of a damaged bands file
    answers as before, and whatever uses them (the pairs among held documents, an add, a
    check) names the damage; repair recomputes them."""
    before = _flag(index_dir, submission)
    name = _manifest(index_dir)["arrays"]["bands"]
    _flip_byte(index_dir / name, -2)
    after = _flag(index_dir, submission)
    assert (after.exit_code, after.output) == (before.exit_code, before.output)
    with pytest.raises(IndexFormatError, match=re.escape(f"{name} is corrupt (its SHA-256")):
        DedupIndex.load(index_dir).near_duplicates()
    assert [d.file for d in check_index(index_dir).damaged] == [name]
    res = CliRunner().invoke(cli, ["index", "repair", str(index_dir), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert check_index(index_dir).ok and _flag(index_dir, submission).output == before.output


def test_block_checksums_that_do_not_fit_are_refused_and_repaired(
    index_dir: Path, submission: Path
) -> None:
    manifest = _manifest(index_dir)
    name = manifest["arrays"]["blocks"]
    blocks = np.load(index_dir / name)
    _replace(index_dir, "blocks", _npy(np.zeros_like(blocks)))  # (its own SHA-256 right)
    res = _flag(index_dir, submission)
    assert res.exit_code == 4 and "is corrupt (the SHA-256 of its bytes 0" in res.output
    found = check_index(index_dir)
    assert [(d.file, d.reason) for d in found.damaged] == [
        (name, "inconsistent: its block checksums differ from the files'")
    ]
    _replace(index_dir, "blocks", _npy(blocks[:-1]))  # one block short
    _refused(index_dir, submission, "does not fit the files it checks")
    assert CliRunner().invoke(cli, ["index", "repair", str(index_dir)]).exit_code == 0
    assert check_index(index_dir).ok and _flag(index_dir, submission).exit_code == 1


# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.assign(doc_id=[HELD[0], HELD[0]]), "is held twice"),
        (lambda d: d.assign(nbytes=[-1, 5]), "'nbytes' has negative values"),
        (lambda d: d.assign(offset=d["offset"] + 10**9), "truncated"),
        (lambda d: d.assign(segment=[0, 7]), "segment 7 (not in the manifest)"),
        (lambda d: d.assign(crc32=[1 << 40, 1]), "more than 32 bits"),
        (lambda d: d.assign(length=d["chars"] + 1), "longer than its text"),
        (lambda d: d.assign(chars=d["nbytes"] * 2000), "characters per compressed byte"),
        (lambda d: d.assign(role=["peer", "judge"]), "the role 7 is none of"),
        (lambda d: d.drop(columns=["crc32"]), "has the shape (9, 2), not (10, 2)"),
        (lambda d: d.assign(chars=d["chars"].astype("float64")), "float64 values, not int64"),
        (lambda d: d.iloc[:1], "has the shape (10, 1), not (10, 2)"),
    ],
    ids=[
        "duplicate-id",
        "negative",
        "offset",
        "segment",
        "crc",
        "length",
        "ratio",
        "role",
        "column",
        "type",
        "rows",
    ],
)
def test_every_value_of_the_document_table_is_checked(
    index_dir: Path,
    submission: Path,
    change: Callable[[pd.DataFrame], pd.DataFrame],
    reason: str,
) -> None:
    _replace_docs(index_dir, change(_docs(index_dir)))
    _refused(index_dir, submission, reason)


def test_anchors_per_document_other_than_the_table_s_are_refused_when_used_whole(
    index_dir: Path, submission: Path
) -> None:
    """The anchors per document are counted over every posting: a query, which reads a few
    of them, does not; anything that uses them whole does."""
    docs = _docs(index_dir)
    _replace_docs(index_dir, docs.assign(n_anchors=docs["n_anchors"] + 1))
    _refused_when_whole(index_dir, submission, "anchors per document differ")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.assign(doc_id=[HELD[0], HELD[0]]), "is held twice"),
        (lambda d: d.assign(role=["peer", "judge"]), "the role 'judge'"),
        (lambda d: d.drop(columns=["crc32"]), "has the columns"),
        (lambda d: d.assign(chars=d["chars"].astype("float64")), "has double in column"),
        (lambda d: d.iloc[:1], "holds 1 rows; the manifest says 2"),
    ],
    ids=["duplicate-id", "role", "column", "type", "rows"],
)
def test_every_value_of_a_version_3_table_is_checked(
    index_dir: Path,
    submission: Path,
    change: Callable[[pd.DataFrame], pd.DataFrame],
    reason: str,
) -> None:
    """An index written before version 4 holds its document table in parquet."""
    _as_version_3(index_dir)
    _replace_parquet_docs(index_dir, change(_docs(index_dir)))
    _refused(index_dir, submission, reason)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b'{"doc_id": ["a"], "unit": [null]}', "'doc_id' is not a list of 2 values"),
        (b'{"doc_id": ["a", 3], "unit": [null, null]}', "'doc_id' holds a non-str"),
        (b'{"doc_id": ["a", "b"], "unit": [null, 3]}', "'unit' holds a non-str or null"),
        (b'{"doc_id": ["a", "b"]}', "not an object of ['doc_id', 'unit']"),
        (b'["a", "b"]', "not an object of ['doc_id', 'unit']"),
        (b'{"doc_id": ["a", "b"', "is corrupt: Expecting"),
        (b"\xff\xfe", "is corrupt: 'utf-8' codec"),
    ],
    ids=["short", "not-str", "unit", "field", "list", "cut", "not-utf8"],
)
def test_every_field_of_the_json_table_is_checked(
    index_dir: Path, submission: Path, text: bytes, reason: str
) -> None:
    _replace(index_dir, "doc_ids", text)
    _refused(index_dir, submission, reason)


def test_a_table_compressed_beyond_a_bound_is_refused(index_dir: Path, submission: Path) -> None:
    _as_version_3(index_dir)
    _replace_parquet_docs(index_dir, _docs(index_dir), compression="zstd")
    _refused(index_dir, submission, "compressed with ZSTD")


def test_a_version_3_index_is_read_and_flags_the_same(
    index_dir: Path, submission: Path, seed_texts: dict[str, str]
) -> None:
    """Version 3 (the document table in parquet, read with pyarrow) is read as before; a
    save writes version 4."""
    before = _flag(index_dir, submission)
    as_json = CliRunner().invoke(
        cli, ["flag", str(submission), "--index", str(index_dir), "--format", "json"]
    )
    _as_version_3(index_dir)
    assert _manifest(index_dir)["version"] == 3
    after = _flag(index_dir, submission)
    assert after.exit_code == before.exit_code == 1 and after.output == before.output
    res = CliRunner().invoke(
        cli, ["flag", str(submission), "--index", str(index_dir), "--format", "json"]
    )
    assert res.output == as_json.output
    index = DedupIndex.load(index_dir)
    assert index.doc_ids_ == list(HELD) and index.roles_.tolist() == ["peer", "peer"]
    index.add({"more": seed_texts["004_4ba3fb77ef7e832c.txt"]}).save(index_dir)
    assert _manifest(index_dir)["version"] == FORMAT_VERSION == 4
    assert not any(p.suffix == ".parquet" for p in index_dir.iterdir())
    assert check_index(index_dir).ok
    assert _flag(index_dir, submission).output == before.output


# --------------------------------------------------------------------------- the texts


def _bomb(gib: int = 1) -> bytes:
    """A zlib stream of ``gib`` GiB of 'a' in about 1 MB, made in a second (one deflate
    block repeated after full flushes)."""
    chunk = b"a" * (16 << 20)
    head = zlib.compressobj(9)
    first = head.compress(chunk) + head.flush(zlib.Z_FULL_FLUSH)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = raw.compress(chunk) + raw.flush(zlib.Z_FULL_FLUSH)
    tail = raw.flush(zlib.Z_FINISH)
    n = gib * 64
    adler = 1
    for _ in range(n):
        adler = zlib.adler32(chunk, adler)
    return first + block * (n - 1) + tail + adler.to_bytes(4, "big")


def _plant_text(out: Path, doc: int, blob: bytes) -> None:
    """Append ``blob`` to the text file and point document ``doc`` at it, CRC-32 right."""
    manifest = _manifest(out)
    seg = out / manifest["segments"]["0"]
    offset = seg.stat().st_size
    with open(seg, "ab") as fh:
        fh.write(blob)
    docs = _docs(out)
    docs.loc[doc, ["offset", "nbytes", "crc32"]] = [offset, len(blob), zlib.crc32(blob)]
    _replace_docs(out, docs)


_WRAPPER = (
    "import atexit, os, resource, sys\n"
    "limit = int(os.environ.get('CT_TEST_AS_LIMIT', '0'))\n"
    "if limit:\n"
    "    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "def peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmPeak'):\n"
    "            sys.stderr.write('VMPEAK ' + line.split()[1] + '\\n')\n"
    "atexit.register(peak)\n"
    "from corpus_tools.cli import main\n"
    "main()\n"
)


def _run(args: list[str], limit: int = 0) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess that caps its own address space at ``limit`` bytes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CT_TEST_AS_LIMIT": str(limit)}
    return subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )


def _peak_of_a_normal_run(out: Path, submission: Path) -> int:
    res = _run(["flag", str(submission), "--index", str(out), "--format", "json"])
    assert res.returncode == 1, res.stderr
    return int(res.stderr.split("VMPEAK ")[1].split()[0]) * 1024


@LINUX_ONLY
def test_a_zlib_bomb_stops_at_the_stored_length(index_dir: Path, submission: Path) -> None:
    """1 GiB of text in a 1 MB blob (CRC-32 right): refused once the text passes the
    length stored for it, within a normal run's memory plus a margin."""
    limit = _peak_of_a_normal_run(index_dir, submission) + (MARGIN_MIB << 20)
    _plant_text(index_dir, 1, _bomb())
    res = _run(["flag", str(submission), "--index", str(index_dir)], limit)
    assert res.returncode == 4, res.stderr[-2000:]
    assert "decompresses to more than its stored length" in res.stderr
    assert "index repair" in res.stderr
    found = check_index(index_dir)
    assert found.lost == [HELD[1]]


@LINUX_ONLY
def test_out_of_range_anchors_are_refused_in_bounded_memory(
    index_dir: Path, submission: Path
) -> None:
    limit = _peak_of_a_normal_run(index_dir, submission) + (MARGIN_MIB << 20)
    adocs = np.load(index_dir / _manifest(index_dir)["arrays"]["anchor_docs"])
    adocs[:] = 0xFFFFFFF0  # (every posting: those the query reads among them)
    _replace(index_dir, "anchor_docs", _npy(adocs))
    res = _run(["flag", str(submission), "--index", str(index_dir)], limit)
    assert res.returncode == 4, res.stderr[-2000:]
    assert "an anchor points at document" in res.stderr


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        (zlib.compress("坚持党建引领".encode()) + b"\x00", "bytes after the end"),
        (zlib.compress("坚持党建引领".encode())[:-3], "cut short"),
        (b"\x78\x9c" + bytes(range(40)), "does not decompress"),
        (zlib.compress(b"\xff\xfe" * 30), "is not UTF-8"),
        (zlib.compress("短".encode()), "holds 1 characters, not the"),
    ],
    ids=["trailing-bytes", "cut-short", "not-zlib", "not-utf8", "wrong-length"],
)
def test_a_crafted_text_is_refused_when_read(
    index_dir: Path, submission: Path, blob: bytes, reason: str
) -> None:
    """Texts whose CRC-32 is right but whose content is not what the table says."""
    _plant_text(index_dir, 1, blob)
    index = DedupIndex.load(index_dir)  # (texts are checked when read)
    with pytest.raises(IndexFormatError, match=re.escape(reason)):
        index.text(1)
    res = _flag(index_dir, submission)
    assert res.exit_code == 4 and reason in res.output, res.output
    assert check_index(index_dir).lost == [HELD[1]]


def test_flipped_bytes_in_a_text_file_are_named_at_the_first_read(
    index_dir: Path, submission: Path
) -> None:
    docs = _docs(index_dir)
    seg = index_dir / _manifest(index_dir)["segments"]["0"]
    data = bytearray(seg.read_bytes())
    data[int(docs["offset"][1]) + 20] ^= 0x55
    seg.write_bytes(bytes(data))
    res = _flag(index_dir, submission)
    assert res.exit_code == 4
    assert f"the text of document {HELD[1]!r}: its CRC-32 differs" in res.output
    assert "index repair" in res.output
    res = CliRunner().invoke(cli, ["index", "check", str(index_dir), "--format", "json"])
    assert res.exit_code == 4
    assert json.loads(res.stdout)["damaged"][0]["documents"] == [HELD[1]]


# --------------------------------------------------------------------------- the user's files


def test_build_refuses_a_folder_of_other_files(
    tmp_path: Path, seed_texts: dict[str, str], submission: Path
) -> None:
    held = tmp_path / "held"
    held.mkdir()
    for name in HELD:
        (held / name).write_text(seed_texts[name], encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    mine = {"docs.parquet": b"my table", "texts-0001.bin": b"my texts", "notes.txt": b"mine"}
    for name, data in mine.items():
        (folder / name).write_bytes(data)
    runner = CliRunner()
    res = runner.invoke(cli, ["index", "build", str(held), "-o", str(folder)])
    assert res.exit_code == 4
    assert "not empty and is not a corpus-tools index" in res.output and "--force" in res.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == mine
    with pytest.raises(OutputError, match="force=True"):
        DedupIndex().build({"a": "坚持党建引领"}).save(folder)
    # forced: the index is written beside them, and no later save touches them
    res = runner.invoke(cli, ["index", "build", str(held), "-o", str(folder), "--force"])
    assert res.exit_code == 0, res.output
    assert runner.invoke(cli, ["flag", str(submission), "--index", str(folder)]).exit_code == 1
    more = tmp_path / "more.txt"
    more.write_text(seed_texts["004_4ba3fb77ef7e832c.txt"], encoding="utf-8")
    assert runner.invoke(cli, ["index", "add", str(folder), str(more)]).exit_code == 0
    res = runner.invoke(cli, ["index", "build", str(more), "-o", str(folder)])
    assert res.exit_code == 0, res.output  # it is an index now: rebuilt in place
    assert runner.invoke(cli, ["index", "repair", str(folder)]).exit_code == 0
    for name, data in mine.items():
        assert (folder / name).read_bytes() == data
    # a manifest.json of someone else's is never replaced, not even forced
    other = tmp_path / "web"
    other.mkdir()
    (other / "manifest.json").write_text('{"name": "my app"}', "utf-8")
    res = runner.invoke(cli, ["index", "build", str(held), "-o", str(other), "--force"])
    assert res.exit_code == 4 and "manifest.json that is not a corpus-tools index" in res.output
    assert (other / "manifest.json").read_text("utf-8") == '{"name": "my app"}'
    # a file, not a folder
    res = runner.invoke(cli, ["index", "build", str(held), "-o", str(more)])
    assert res.exit_code == 4 and "is a file, not a folder" in res.output
