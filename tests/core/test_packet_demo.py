"""The demo case (Chicago, 4 October 2025) as a review packet: the real
validators accept it, a reviewer can re-walk it, and it travels to another
case intact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bagit

from evidence_desk.core.case import Case
from evidence_desk.core.demo import build_demo
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.transfer import import_packet
from evidence_desk.core.verify import verify


def test_demo_packet_passes_every_validator_and_transfers(tmp_path: Path) -> None:
    case = build_demo(tmp_path / "demo")
    items = case.items.list()
    packet = export_packet(case, tmp_path / "demo-packet.zip", zip=True)
    fingerprint = case.info().fingerprint
    case.close()

    result = import_packet(packet, tmp_path / "office", examiner="Office Examiner",
                           expect_fingerprint=fingerprint)
    assert result.report.ok and result.items == len(items)
    assert verify(tmp_path / "office").ok

    import shutil

    shutil.unpack_archive(packet, tmp_path / "unzipped")
    bag = tmp_path / "unzipped" / "demo-packet"
    assert bagit.Bag(str(bag)).validate()
    validate = subprocess.run([str(Path(sys.executable).with_name("case_validate")), str(bag / "data" / "case.jsonld")],
                              capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout[-2000:]
    text = "".join(subprocess.run(["pdftotext", str(bag / "data" / "report.pdf"), "-"], capture_output=True,
                                  text=True, check=True).stdout.split())
    assert all(item.sha256 in text for item in items)
    assert fingerprint in text
    with Case.open(tmp_path / "office", read_only=True) as office:
        assert len(office.statements.list()) > 0 and any(c.contested for c in office.claims.list())
        assert [i.sha256 for i in office.items.list()] == [i.sha256 for i in items]
