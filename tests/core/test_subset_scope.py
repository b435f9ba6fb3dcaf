"""A report of one event covers exactly what that event's packet carries, so a
reviewer of an event packet finds every evidence file's hash in its report."""

from __future__ import annotations

import json
from pathlib import Path

from evidence_desk.core.demo import build_demo
from evidence_desk.core.packet.export import export_packet


def test_event_packet_report_names_every_item_the_packet_carries(tmp_path: Path) -> None:
    case = build_demo(tmp_path / "demo")
    try:
        # an event whose statements quote items that are not attached to the event itself
        event = next(e for e in case.events.list()
                     if {s.item_id for s in case.statements.list(event_id=e.id) if s.item_id}
                     - {i.id for i in case.items.list(event_id=e.id)})
        packet = export_packet(case, tmp_path / "packet", event_id=event.id)
        carried = json.loads((packet / "data" / "case.json").read_text("utf-8"))["tables"]["item"]
        html = (packet / "data" / "report.html").read_text("utf-8")
        assert carried
        missing = [r["original_name"] for r in carried if r["sha256"] not in html]
        assert missing == []
    finally:
        case.close()
