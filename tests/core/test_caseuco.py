"""The CASE/UCO graph says who did what to which file, and says it the same way twice."""

from __future__ import annotations

from pathlib import Path

from evidence_desk.core.case import Case
from evidence_desk.core.packet.caseuco import case_graph
from evidence_desk.core.packet.export import scoped_tables


def _dump(case: Case) -> dict:
    info = case.info()
    tables = scoped_tables(case, None)
    for row in tables["item"]:
        row["packet_path"] = f"data/evidence/{row['id']}"
    return {"case": {"id": info.id, "title": info.title, "description": "", "fingerprint": info.fingerprint},
            "tables": tables}


def test_graph_links_derivations_performers_and_hashes(tmp_path: Path) -> None:
    case = Case.create(tmp_path / "case", "Graph", "Alice Field")
    (tmp_path / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    scan = case.items.import_file(tmp_path / "scan.png")
    text = case.items.add_derived(scan.id, b"OCR text", name="scan.txt", reason="OCR")
    case.history.record_transfer([scan.id], released_by="Alice Field", received_by="Bob Office", purpose="to the office")
    chain = case.table_rows("custody")
    graph = case_graph(_dump(case), chain)
    assert graph == case_graph(_dump(case), chain)  # deterministic IRIs
    nodes = {n["@id"]: n for n in graph["@graph"]}
    files = {n["uco-core:name"]: n["@id"] for n in nodes.values() if n["@type"] == "uco-observable:File"}
    derived = next(n for n in nodes.values() if n.get("uco-core:name") == "derived")
    assert derived["uco-action:object"] == [{"@id": files["scan.png"]}]
    assert {"@id": files["scan.txt"]} in derived["uco-action:result"]
    performer = nodes[derived["uco-action:performer"]["@id"]]
    assert performer == {**performer, "@type": "uco-identity:Person", "uco-core:name": "Alice Field"}
    transfer = next(n for n in nodes.values() if n.get("uco-core:name") == "transferred")
    assert "released by: Alice Field" in transfer["uco-core:description"]
    assert "received by: Bob Office" in transfer["uco-core:description"]
    hashes = [n for n in nodes.values() if n["@type"] == "uco-observable:File"]
    values = {f["uco-core:hasFacet"][1]["uco-observable:hash"][0]["uco-types:hashValue"]["@value"] for f in hashes}
    assert values == {scan.sha256, text.sha256}
    assert all(n["@id"].startswith("kb:") and len(n["@id"]) == 39 for n in nodes.values())
    case.close()
