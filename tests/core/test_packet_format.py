"""The packet's on-disk format is defined once (core/packet/format.py); a sealed
packet must hold exactly what it names, read back by the same definitions and
by the bagit reference library."""

from __future__ import annotations

import json
from pathlib import Path

import bagit
from hypothesis import given
from hypothesis import strategies as st

from evidence_desk.core.case import Case
from evidence_desk.core.packet import format
from evidence_desk.core.packet.export import export_packet


def test_a_sealed_packet_holds_the_files_the_format_names(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_DESK_EXAMINER", "Alice Field")
    (tmp_path / "memo.txt").write_text("clear everybody out\n", "utf-8")
    with Case.create(tmp_path / "case", "Stand-down order", "Alice Field") as case:
        memo = case.items.import_file(tmp_path / "memo.txt")
        case.items.add_derived(memo.id, b"transcript\n", name="memo transcript.txt", reason="typed")
        packet = export_packet(case, tmp_path / "packet")
        chain = case.table_rows("custody")

    files = {p.relative_to(packet).as_posix() for p in packet.rglob("*") if p.is_file()}
    named = {format.BAGIT, format.BAG_INFO, format.MANIFEST, format.TAGMANIFEST, format.SIGNATURE,
             *format.SIGNED_TAG_FILES, format.CASE_JSON, format.CASE_JSONLD, format.CUSTODY_JSONL,
             format.REPORT_PDF, format.REPORT_HTML}
    assert named <= files
    assert sorted(p.rpartition("/")[0] for p in files - named) == [format.DERIVED_DIR, format.EVIDENCE_DIR]

    tag_listed = [line.split("  ", 1)[1] for line in (packet / format.TAGMANIFEST).read_text("utf-8").splitlines()]
    assert tag_listed == sorted(format.SIGNED_TAG_FILES)
    payload_listed = {line.split("  ", 1)[1] for line in (packet / format.MANIFEST).read_text("utf-8").splitlines()}
    assert payload_listed == {p for p in files if format.is_payload(p)}
    assert (packet / format.BAGIT).read_text("utf-8") == format.BAGIT_DECLARATION

    info = format.parse_bag_info((packet / format.BAG_INFO).read_text("utf-8"))
    assert info == dict(bagit.Bag(str(packet)).info)
    assert info[format.EXTERNAL_IDENTIFIER] == case.id

    dump = json.loads((packet / format.CASE_JSON).read_text("utf-8"))
    assert (dump["format"], dump["format_version"]) == (format.PACKET_FORMAT, format.FORMAT_VERSION)
    # the chain as it stood when sealed (the export and the seal are logged after it), as hashed
    lines = (packet / format.CUSTODY_JSONL).read_bytes().splitlines(keepends=True)
    assert 0 < len(lines) < len(chain)
    assert lines == [format.canonical_line(row) for row in chain[:len(lines)]]
    head = chain[len(lines) - 1]
    assert info[format.CUSTODY_HEAD] == f"{head['seq']} {head['entry_hash']}"


_keys = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=":"), min_size=1)


@given(st.dictionaries(_keys, st.text()))
def test_bag_info_text_reads_back_as_one_line_values(fields: dict[str, str]) -> None:
    assert format.parse_bag_info(format.bag_info_text(fields)) == {k: format.one_line(v) for k, v in fields.items()}
