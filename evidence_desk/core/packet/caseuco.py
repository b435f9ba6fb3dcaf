"""The case's provenance as a CASE/UCO graph (JSON-LD), for tools that speak
the Cyber-investigation Analysis Standard Expression.

What it says: one ``case-investigation:Investigation``; each item as a
``uco-observable:File`` with its name, size, media type and SHA-256
(``uco-types:Hash``); each item's ``case-investigation:ProvenanceRecord``
(its exhibit number); every custody entry as a
``case-investigation:InvestigativeAction`` with who performed it
(``uco-identity:Person``), the instrument (Evidence Desk as a
``uco-tool:Tool``), what it acted on and what it produced; derived records are
results of an action whose object is the original.

Node IRIs end in UUIDs derived from the case id and the record, so exporting
the same case twice gives the same graph and ``case_validate`` raises no
warnings about identifiers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

CASE_VERSION = "1.5.0"
CONTEXT = {
    "kb": "urn:uuid:",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def case_graph(dump: Mapping[str, Any], chain: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON-LD document for a packet's case dump and custody chain."""
    case = dump["case"]
    ns = uuid.UUID(case["id"]) if _is_uuid(case["id"]) else uuid.uuid5(uuid.NAMESPACE_URL, case["id"])

    def iri(*parts: Any) -> str:
        return "kb:" + str(uuid.uuid5(ns, "/".join(str(p) for p in parts)))

    graph: list[dict[str, Any]] = []
    people: dict[str, str] = {}

    def person(name: str) -> dict[str, str]:
        name = name.strip() or "unknown"
        if name not in people:
            people[name] = iri("person", name)
            graph.append({"@id": people[name], "@type": "uco-identity:Person", "uco-core:name": name})
        return {"@id": people[name]}

    tool = iri("tool", "evidence-desk")
    graph.append({"@id": tool, "@type": "uco-tool:Tool", "uco-core:name": dump.get("software", "Evidence Desk"),
                  "uco-tool:toolType": "chain-of-custody case management"})
    items = {row["id"]: row for row in dump["tables"]["item"]}
    files: dict[int, str] = {}
    records: dict[int, str] = {}
    for item_id, row in items.items():
        files[item_id] = iri("item", item_id)
        graph.append(_file(files[item_id], iri, item_id, row))
        records[item_id] = iri("provenance", item_id)
        graph.append({
            "@id": records[item_id], "@type": "case-investigation:ProvenanceRecord",
            "case-investigation:exhibitNumber": f"item {item_id}",
            "uco-core:description": _provenance_text(row),
            "uco-core:object": [{"@id": files[item_id]}],
        })
    actions: list[str] = []
    for entry in chain:
        action_iri = iri("custody", entry["seq"])
        actions.append(action_iri)
        node: dict[str, Any] = {
            "@id": action_iri, "@type": "case-investigation:InvestigativeAction",
            "uco-core:name": entry["action"],
            "uco-core:description": _entry_text(entry),
            "uco-action:startTime": {"@type": "xsd:dateTime", "@value": entry["at_utc"]},
            "uco-action:performer": person(entry["examiner"]),
            "uco-action:instrument": {"@id": tool},
        }
        item_id = entry.get("item_id")
        if item_id in files:
            row = items[item_id]
            if entry["action"] in ("acquired", "transferred", "imported") and entry["target_type"] == "item":
                node["uco-action:result"] = [{"@id": files[item_id]}, {"@id": records[item_id]}]
            elif entry["action"] == "derived" and row["derived_from"] in files:
                node["uco-action:object"] = [{"@id": files[row["derived_from"]]}]
                node["uco-action:result"] = [{"@id": files[item_id]}, {"@id": records[item_id]}]
            else:
                node["uco-action:object"] = [{"@id": files[item_id]}]
        graph.append(node)
    investigation = iri("investigation")
    graph.append({
        "@id": investigation, "@type": "case-investigation:Investigation",
        "uco-core:name": case["title"],
        "uco-core:description": case["description"] or f"Evidence Desk case {case['id']}",
        "case-investigation:focus": ["chain of custody"],
        "uco-core:object": [{"@id": i} for i in (*actions, *records.values())] or [{"@id": tool}],
    })
    graph.append({"@id": iri("bundle"), "@type": "uco-core:Bundle",
                  "uco-core:description": f"Evidence Desk review packet of case {case['id']} "
                                          f"(signing key {case['fingerprint']})",
                  "uco-core:object": [{"@id": investigation}]})
    return {"@context": CONTEXT, "@graph": graph}


def _file(node_iri: str, iri: Any, item_id: int, row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "@id": node_iri, "@type": "uco-observable:File",
        "uco-core:name": row["original_name"],
        "uco-core:hasFacet": [
            {"@id": iri("item", item_id, "file"), "@type": "uco-observable:FileFacet",
             "uco-observable:fileName": row["original_name"],
             "uco-observable:sizeInBytes": {"@type": "xsd:integer", "@value": str(row["size"])}},
            {"@id": iri("item", item_id, "content"), "@type": "uco-observable:ContentDataFacet",
             "uco-observable:mimeType": row["media_type"],
             "uco-observable:sizeInBytes": {"@type": "xsd:integer", "@value": str(row["size"])},
             "uco-observable:hash": [{
                 "@id": iri("item", item_id, "sha256"), "@type": "uco-types:Hash",
                 "uco-types:hashMethod": "SHA256",
                 "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": row["sha256"]},
             }]},
        ],
    }


def _provenance_text(row: Mapping[str, Any]) -> str:
    parts = [f"{row['kind']} acquired {row['acquired_at']} by {row['acquired_by']}"]
    if row.get("acquired_from"):
        parts.append(f"from {row['acquired_from']}")
    if row.get("acquisition_method"):
        parts.append(f"method: {row['acquisition_method']}")
    if row.get("derived_from") is not None:
        parts.append(f"derived from item {row['derived_from']}: {row['derivation_reason']}")
    if row.get("packet_path"):
        parts.append(f"in the packet at {row['packet_path']}")
    return "; ".join(parts)


def _entry_text(entry: Mapping[str, Any]) -> str:
    parts = [f"custody entry #{entry['seq']}: {entry['action']}"]
    for label, key in (("purpose", "purpose"), ("released by", "released_by"), ("received by", "received_by"),
                       ("condition", "condition"), ("location", "location")):
        if entry.get(key):
            parts.append(f"{label}: {entry[key]}")
    parts.append(f"entry hash {entry['entry_hash']}")
    return "; ".join(parts)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
