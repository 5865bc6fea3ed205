"""The .doc/.wps reader's own gathering of a stream's sectors (issue 17).

read_doc hands olefile the file's bytes and gathers the big streams it needs along the FAT
chain olefile read, rather than through olefile's ``openstream`` (which seeks and reads one
sector at a time): the bytes must be olefile's, and a chain that is not whole must go to
olefile, which reads or refuses it as it always did.
"""

from __future__ import annotations

from pathlib import Path

import olefile
import pytest

from corpus_tools.errors import InputReadError
from corpus_tools.io.formats import word97

FORMATS = Path(__file__).resolve().parent / "data" / "formats"
#: the compound files among the fixtures (others named .doc are RTF or web pages)
FILES = [
    path
    for path in sorted(FORMATS.glob("*.doc")) + sorted(FORMATS.glob("*.wps"))
    if path.read_bytes().startswith(word97.OLE_MAGIC)
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_gathered_streams_are_olefiles_streams(path: Path) -> None:
    data = path.read_bytes()
    with olefile.OleFileIO(data) as ole:
        streams = [kid for kid in ole.root.kids if kid.entry_type == word97._STREAM_ENTRY]
        assert any(kid.size >= ole.minisectorcutoff for kid in streams)  # a big one at least
        for kid in streams:
            assert word97._stream(ole, kid.name, data) == ole.openstream(kid.name).read()
            assert word97._stream(ole, kid.name, None) == ole.openstream(kid.name).read()


def test_a_broken_chain_is_left_to_olefile(tmp_path: Path) -> None:
    # The WordDocument stream's first sector made to point past the FAT: olefile's own
    # reading decides (here it gives an empty stream), and read_doc names the file's fault.
    path = FORMATS / "004.doc"
    data = bytearray(path.read_bytes())
    with olefile.OleFileIO(bytes(data)) as ole:
        entry = next(kid for kid in ole.root.kids if kid.name == "WordDocument")
        directory = ole.sectorsize * (ole.first_dir_sector + 1)
        offset = directory + 128 * entry.sid + 116  # the entry's starting sector
        fat_length = len(ole.fat)
    assert int.from_bytes(data[offset : offset + 4], "little") == entry.isectStart
    data[offset : offset + 4] = (fat_length + 7).to_bytes(4, "little")
    broken = tmp_path / "broken.doc"
    broken.write_bytes(bytes(data))
    with olefile.OleFileIO(bytes(data)) as ole:
        assert ole.openstream("WordDocument").read() == b""  # olefile gives up on it
        assert word97._stream(ole, "WordDocument", bytes(data)) == b""
    with pytest.raises(InputReadError, match=r"broken\.doc: not a Word document"):
        word97.read_doc(broken)
