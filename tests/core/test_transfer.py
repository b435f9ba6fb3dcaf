"""Transfer and review: a field case moves to the office through a packet
without a break in its chain of custody, and a reviewer reads it read-only
and signs their own notes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from evidence_desk.cli import main
from evidence_desk.core import custody
from evidence_desk.core.case import Case
from evidence_desk.core.errors import CaseExists, CaseReadOnly
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.review import (
    add_review_note,
    export_review_notes,
    open_for_review,
    review_notes,
    verify_review_notes,
)
from evidence_desk.core.packet.transfer import PacketRejected, import_packet
from evidence_desk.core.packet.verify import verify_packet
from evidence_desk.core.verify import verify


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("field")
    case = Case.create(base / "field-case", "Stand-down order", "Alice Field", tz="America/Chicago")
    event = case.events.add("Dispatch order", when="04-Oc5-2025/12:34:44")
    (base / "memo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(5000))
    (base / "audio.flac").write_bytes(b"fLaC" + bytes(range(256)) * 50)
    memo = case.items.import_file(base / "memo.png", event_ids=[event.id], source="OEMC", acquired_from="union rep")
    audio = case.items.import_file(base / "audio.flac", event_ids=[event.id], source="OEMC")
    case.items.add_derived(memo.id, b"12:34 clear everybody out", name="memo.txt", reason="OCR of the scan")
    case.items.edit(audio.id, reason="more precise", description="dispatch channel 2 recording")
    case.grades.add("source", memo.source_id, "official", reliability="B")
    case.grades.add("source", memo.source_id, "one record was wrong", reliability="C")
    case.annotations.add(memo.id, "region", "timestamp", page=1, x=0.1, y=0.1, w=0.2, h=0.05)
    packet = export_packet(case, base / "field.zip", zip=True)
    out = {"base": base, "case": case, "packet": packet, "fingerprint": case.info().fingerprint}
    yield out
    case.close()


def test_import_continues_the_chain_in_a_new_case(field: dict, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    code = main(["import-packet", str(field["packet"]), str(tmp_path / "office"), "--examiner", "Bob Office",
                 "--released-by", "Alice Field", "--expect-fingerprint", field["fingerprint"]])
    assert code == 0, capsys.readouterr()
    original = field["case"]
    report = verify(tmp_path / "office")
    assert report.ok, [str(f) for f in report.failures]
    with Case.open(tmp_path / "office", read_only=True) as office:
        assert office.id != original.id
        assert [(i.id, i.sha256, i.name, i.description) for i in office.items.list()] == \
               [(i.id, i.sha256, i.name, i.description) for i in original.items.list()]
        for item in office.items.list():
            assert office.items.read_bytes(item.id) == original.items.read_bytes(item.id)
        assert [e.time.raw for e in office.events.list()] == ["04-Oc5-2025/12:34:44"]
        assert [g.text for g in office.grades.list("source", 1)] == ["B-", "C-"]
        assert office.history.changes("item", 2)[0].old_value == ""
        assert office.annotations.list()[0].text == "timestamp"
        transfers = [e for e in office.history.entries() if e.action == "transferred"]
        assert len(transfers) == 3
        sealed_head = original.history.entries()[-1]  # the sealed entry recorded after the export
        for entry in transfers:
            assert (entry.released_by, entry.received_by) == ("Alice Field", "Bob Office")
            details = entry.details_dict
            assert details["source_fingerprint"] == field["fingerprint"]
            assert details["custody_head"]["seq"] == sealed_head.seq - len(original.items.list()) - 1
    db = sqlite3.connect(tmp_path / "office" / "case.sqlite")
    lines = [r[0] for r in db.execute("SELECT line FROM inherited_custody ORDER BY seq")]
    db.close()
    rows = [json.loads(line) for line in lines]
    assert custody.check_chain(rows, original.id, None) == []
    assert [r["entry_hash"] for r in rows] == [e.entry_hash for e in original.history.entries()][:len(rows)]


def test_received_chain_tampering_is_caught_by_verify(field: dict, tmp_path: Path) -> None:
    import_packet(field["packet"], tmp_path / "office", examiner="Bob Office")
    db = sqlite3.connect(tmp_path / "office" / "case.sqlite")
    db.execute("DROP TRIGGER inherited_custody_no_update")
    db.execute("UPDATE inherited_custody SET line = replace(line, 'Alice Field', 'Mallory') WHERE seq = 2")
    db.commit()
    db.close()
    failures = [str(f) for f in verify(tmp_path / "office").failures]
    assert any("chain received from case" in f and "entry #2" in f and "altered" in f for f in failures), failures


def test_a_received_case_travels_on_with_both_chains(field: dict, tmp_path: Path) -> None:
    import_packet(field["packet"], tmp_path / "office", examiner="Bob Office")
    with Case.open(tmp_path / "office", examiner="Bob Office") as office:
        office.journal.add("checked at the office")
        onward = export_packet(office, tmp_path / "onward")
    report = verify_packet(onward)
    assert report.ok, [str(f) for f in report.failures]
    assert (onward / "data" / "inherited" / f"{field['case'].id}.custody.jsonl").is_file()
    import_packet(onward, tmp_path / "hq", examiner="Carol HQ")
    assert verify(tmp_path / "hq").ok
    db = sqlite3.connect(tmp_path / "hq" / "case.sqlite")
    sources = dict(db.execute("SELECT source_case_id, count(*) FROM inherited_custody GROUP BY 1").fetchall())
    db.close()
    assert set(sources) == {field["case"].id, report.case_id}


def test_a_tampered_packet_is_never_imported(field: dict, tmp_path: Path) -> None:
    folder = tmp_path / "packet"
    shutil.unpack_archive(field["packet"], tmp_path / "unzipped")
    shutil.move(tmp_path / "unzipped" / "field", folder)
    victim = next((folder / "data" / "evidence").iterdir())
    victim.write_bytes(victim.read_bytes() + b"!")
    with pytest.raises(PacketRejected, match="content altered"):
        import_packet(folder, tmp_path / "office", examiner="Bob")
    assert not (tmp_path / "office").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packet", "unzipped"]


def test_import_refuses_a_folder_that_already_holds_something(field: dict, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(CaseExists):
        import_packet(field["packet"], tmp_path / "busy", examiner="Bob")
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"


def test_review_opens_read_only_and_notes_stay_outside_the_packet(field: dict, tmp_path: Path) -> None:
    packet = tmp_path / "field.zip"
    shutil.copy(field["packet"], packet)
    before = packet.read_bytes()
    progress: list[int] = []
    with open_for_review(packet, tmp_path / "cache", progress=progress.append, reviewer="Rita Review") as session:
        assert session.fingerprint == field["fingerprint"]
        assert session.case.read_only
        assert [i.sha256 for i in session.case.items.list()] == [i.sha256 for i in field["case"].items.list()]
        with pytest.raises(CaseReadOnly):
            session.case.journal.add("should not be possible")
        add_review_note(session, "memo timestamp is garbled", item_id=1)
        add_review_note(session, "the order is audible at 0:01")
        assert [n.text for n in review_notes(session)] == ["memo timestamp is garbled",
                                                           "the order is audible at 0:01"]
        assert session.notes_path.parent == packet.parent and session.notes_path != packet
        signed = export_review_notes(session, tmp_path / "notes.json", key_path=tmp_path / "keys" / "rev.key")
    assert sum(progress) > 0
    assert packet.read_bytes() == before
    check = verify_review_notes(signed)
    assert check.ok and check.notes == 2 and check.reviewer == "Rita Review"
    assert check.packet_fingerprint == field["fingerprint"]
    assert oct((tmp_path / "keys" / "rev.key").stat().st_mode & 0o777) == "0o600"
    # a second opening reuses the cache and the notes
    with open_for_review(packet, tmp_path / "cache") as again:
        assert len(review_notes(again)) == 2
    # altered notes fail, and the CLI says so
    document = json.loads(signed.read_text("utf-8"))
    document["signed"]["notes"][0]["text"] = "memo timestamp is fine"
    signed.write_text(json.dumps(document), "utf-8")
    assert not verify_review_notes(signed).ok
    assert main(["verify-review-notes", str(signed)]) == 1


def test_review_refuses_a_packet_that_fails(field: dict, tmp_path: Path) -> None:
    packet = tmp_path / "bad.zip"
    data = bytearray(field["packet"].read_bytes())
    at = data.find(b"fLaC")  # the audio is stored uncompressed: flip one of its bytes
    data[at + 100] ^= 0xFF
    packet.write_bytes(bytes(data))
    with pytest.raises(PacketRejected):
        open_for_review(packet, tmp_path / "cache")
    assert not any((tmp_path / "cache").glob("*/case.sqlite")) if (tmp_path / "cache").exists() else True


def test_import_reports_progress_and_cancel_keeps_nothing(field: dict, tmp_path: Path) -> None:
    from evidence_desk.core.errors import Cancelled

    totals: list[int] = []
    done: list[int] = []
    import_packet(field["packet"], tmp_path / "office", examiner="Bob", progress=done.append,
                  on_total=totals.append)
    assert totals and sum(done) == totals[-1]  # verifying and copying every byte, counted once each
    calls = iter(range(1000))
    with pytest.raises(Cancelled):
        import_packet(field["packet"], tmp_path / "again", examiner="Bob", progress=lambda n: None,
                      should_cancel=lambda: next(calls) > 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office"]
