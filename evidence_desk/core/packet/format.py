"""The review packet on disk, in one place: every name, key and encoding.

A packet is a BagIt bag (RFC 8493)::

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    seal/public-key.pem  seal/public-key.hex  seal/fingerprint.txt
    seal/tagmanifest-sha256.txt.sig   Ed25519 signature of tagmanifest-sha256.txt
    seal/examiner-public-key.pem  seal/examiner-public-key.hex  seal/examiner-fingerprint.txt
    seal/tagmanifest-sha256.txt.examiner.sig   the examiner's signature of the same tag manifest
                                  (when an examiner key was unlocked at export)
    data/evidence/<id>-<name>         original items, byte for byte (names: :mod:`.names`)
    data/derived/<id>-<name>          transcripts, OCR and other derived records
    data/report.pdf  data/report.html the chain-of-custody report
    data/custody.jsonl                the custody chain, one entry per line as hashed
    data/case.json                    every case record, to rebuild the case elsewhere
    data/case.jsonld                  the same provenance as a CASE/UCO graph
    data/inherited/<case id>.custody.jsonl   chains of cases this one received

The tag manifest lists :data:`SIGNED_TAG_FILES` (and :data:`EXAMINER_TAG_FILES`
when the examiner sealed it too), so one signature over it seals every byte.
The signature files cannot be listed in what they sign; BagIt allows tag
files the tag manifest does not list, and verification accepts those only
(:data:`UNLISTED_TAG_FILES`).

A reviewer's notes live beside the packet, never inside it
(``<packet>`` + :data:`NOTES_SUFFIX`), and are exported as their own signed file.

Writers (:mod:`.export`, :mod:`.review`) and readers (:mod:`.verify`,
:mod:`.transfer`, :mod:`.archive`, the GUI) take every name from here.
"""

from __future__ import annotations

import json
from typing import Any

from ..custody import canonical

__all__ = [
    "BAGIT", "BAGIT_DECLARATION", "BAG_INFO", "BAG_SOFTWARE_AGENT", "BAGGING_DATE", "CASE_JSON", "CASE_JSONLD",
    "CONTACT_NAME", "CUSTODY_HEAD", "CUSTODY_JSONL", "DERIVED_DIR", "EVIDENCE_DIR", "EXAMINER_FINGERPRINT",
    "EXAMINER_KEY_FINGERPRINT", "EXAMINER_PUBLIC_HEX", "EXAMINER_PUBLIC_PEM", "EXAMINER_SIGNATURE",
    "EXAMINER_TAG_FILES", "EXTERNAL_DESCRIPTION",
    "EXTERNAL_IDENTIFIER", "FINGERPRINT", "FORMAT_VERSION", "INHERITED_DIR", "INTERNAL_SENDER_IDENTIFIER",
    "JUDGEMENTS_SUFFIX", "KEY_FINGERPRINT", "MANIFEST", "NOTES_FORMAT", "NOTES_FORMAT_VERSION", "NOTES_SUFFIX", "PACKET_FORMAT",
    "PAYLOAD_DIR", "PAYLOAD_OXUM", "PUBLIC_HEX", "PUBLIC_PEM", "REPORT_HTML", "REPORT_PDF", "SEAL_DIR",
    "SIGNATURE", "SIGNED_NOTES_SUFFIX", "SIGNED_TAG_FILES", "SOFTWARE", "SOURCE_ORGANIZATION", "TAGMANIFEST",
    "UNLISTED_TAG_FILES",
    "MAX_JSON_DEPTH", "bag_info_text", "canonical", "canonical_line", "inherited_chain", "is_payload",
    "loads_bounded", "one_line", "parse_bag_info", "readable_json",
]

# --- what the packet is ------------------------------------------------------------

PACKET_FORMAT = "evidence-desk-case"  # "format" in case.json
FORMAT_VERSION = 1  # "format_version" in case.json
SOFTWARE = "Evidence Desk"

# --- BagIt tag files, at the top of the bag ------------------------------------------

BAGIT = "bagit.txt"
BAGIT_DECLARATION = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"

# --- the seal --------------------------------------------------------------------------

SEAL_DIR = "seal"
PUBLIC_PEM = f"{SEAL_DIR}/public-key.pem"
PUBLIC_HEX = f"{SEAL_DIR}/public-key.hex"
FINGERPRINT = f"{SEAL_DIR}/fingerprint.txt"
SIGNATURE = f"{SEAL_DIR}/{TAGMANIFEST}.sig"
SIGNED_TAG_FILES = (BAG_INFO, BAGIT, MANIFEST, FINGERPRINT, PUBLIC_HEX, PUBLIC_PEM)  # as the tag manifest lists them
# the examiner's seal (core/packet/examiner_seal.py): their personal key, kept outside every case
EXAMINER_PUBLIC_PEM = f"{SEAL_DIR}/examiner-public-key.pem"
EXAMINER_PUBLIC_HEX = f"{SEAL_DIR}/examiner-public-key.hex"
EXAMINER_FINGERPRINT = f"{SEAL_DIR}/examiner-fingerprint.txt"
EXAMINER_SIGNATURE = f"{SEAL_DIR}/{TAGMANIFEST}.examiner.sig"
EXAMINER_TAG_FILES = (EXAMINER_FINGERPRINT, EXAMINER_PUBLIC_HEX, EXAMINER_PUBLIC_PEM)
UNLISTED_TAG_FILES = (TAGMANIFEST, SIGNATURE, EXAMINER_SIGNATURE)  # tag files the tag manifest cannot list

# --- the payload -----------------------------------------------------------------------

PAYLOAD_DIR = "data"
EVIDENCE_DIR = f"{PAYLOAD_DIR}/evidence"
DERIVED_DIR = f"{PAYLOAD_DIR}/derived"
INHERITED_DIR = f"{PAYLOAD_DIR}/inherited"
CASE_JSON = f"{PAYLOAD_DIR}/case.json"
CASE_JSONLD = f"{PAYLOAD_DIR}/case.jsonld"
CUSTODY_JSONL = f"{PAYLOAD_DIR}/custody.jsonl"
REPORT_PDF = f"{PAYLOAD_DIR}/report.pdf"
REPORT_HTML = f"{PAYLOAD_DIR}/report.html"


def inherited_chain(source_case_id: str) -> str:
    """Where the custody chain received from case ``source_case_id`` is carried on."""
    return f"{INHERITED_DIR}/{source_case_id}.custody.jsonl"


def is_payload(rel: str) -> bool:
    """Whether the bag path ``rel`` is payload (listed in the manifest) rather than a tag file."""
    return rel.startswith(f"{PAYLOAD_DIR}/")


# --- bag-info.txt ------------------------------------------------------------------------

SOURCE_ORGANIZATION = "Source-Organization"
CONTACT_NAME = "Contact-Name"
BAGGING_DATE = "Bagging-Date"
EXTERNAL_IDENTIFIER = "External-Identifier"  # the case id
EXTERNAL_DESCRIPTION = "External-Description"
BAG_SOFTWARE_AGENT = "Bag-Software-Agent"
PAYLOAD_OXUM = "Payload-Oxum"  # "<payload bytes>.<payload files>"
INTERNAL_SENDER_IDENTIFIER = "Internal-Sender-Identifier"  # the packet's file name when sealed
KEY_FINGERPRINT = "Evidence-Desk-Key-Fingerprint"
EXAMINER_KEY_FINGERPRINT = "Evidence-Desk-Examiner-Fingerprint"  # only when the examiner sealed it
CUSTODY_HEAD = "Evidence-Desk-Custody-Head"  # "<seq> <entry hash>", or "none"


def one_line(value: Any) -> str:
    """``value`` as one line of text (a bag-info value cannot span lines)."""
    return " ".join(str(value).split())


def bag_info_text(fields: dict[str, Any]) -> str:
    """The text of ``bag-info.txt``: one ``Key: value`` line per field, sorted."""
    return "".join(f"{key}: {one_line(value)}\n" for key, value in sorted(fields.items()))


def parse_bag_info(text: str, max_lines: int | None = None) -> dict[str, str]:
    """The fields of a ``bag-info.txt``; the first value of a repeated key wins.

    Continuation lines (leading whitespace) are skipped: this program never writes them."""
    fields: dict[str, str] = {}
    for line in text.splitlines()[:max_lines]:
        key, sep, value = line.partition(":")
        if sep and not line[:1].isspace():
            fields.setdefault(key.strip(), value.strip())
    return fields


# --- JSON ----------------------------------------------------------------------------------
# ``canonical`` (from the custody chain, its one definition) is what is hashed
# and signed: custody entries, review notes. ``readable_json`` is for the
# records a person or another tool reads (case.json, case.jsonld, exported notes).


def canonical_line(value: Any) -> bytes:
    """One line of a ``.jsonl`` file (custody chain, review notes): canonical UTF-8 and a newline."""
    return canonical(value).encode("utf-8") + b"\n"


def readable_json(value: Any, *, sort_keys: bool = True) -> bytes:
    """Indented UTF-8 JSON, for files read by people and other tools rather than hashed as values."""
    return json.dumps(value, indent=1, ensure_ascii=False, sort_keys=sort_keys).encode("utf-8")


# --- beside the packet: a reviewer's notes ------------------------------------------------

NOTES_SUFFIX = ".review-notes.jsonl"  # appended to the packet's name: the notes being written
SIGNED_NOTES_SUFFIX = ".review-notes.signed.json"  # the default name of the exported, signed notes
NOTES_FORMAT = "evidence-desk-review-notes"
#: 1: notes only. 2: adds ``judgements``, the reviewer's verdict (accepted / disputed / needs more
#: information) on an item, a grade, a statement or a claim, each with a note; the signature covers them.
NOTES_FORMAT_VERSION = 2
JUDGEMENTS_SUFFIX = ".review-judgements.jsonl"  # appended to the packet's name: the judgements being made


#: How deep JSON read from a packet (case.json, a custody line, review notes) may nest. What
#: Evidence Desk writes nests under 10 levels; a hostile file nested 100,000 deep must be refused
#: as malformed, not exhaust the stack (RecursionError) here or in a later walk over it.
MAX_JSON_DEPTH = 64


def loads_bounded(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` for JSON from a packet: nesting deeper than ``max_depth`` is a ``ValueError``
    (what every reader already treats as malformed JSON). The size is bounded by the caller
    (:class:`~.archive.PacketLimits`, a line of a file already limited)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"nested more than {max_depth} levels deep") from None
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:  # iterative: the check itself must not recurse
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > max_depth:
            raise ValueError(f"nested more than {max_depth} levels deep")
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return value
