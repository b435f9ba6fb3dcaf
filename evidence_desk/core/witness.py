"""Witnesses outside the case: the per-user witness log, receipts and short codes.

A case folder cannot prove that nothing was rolled back: an older copy of the
whole folder is a perfectly valid case. Only something kept elsewhere can show
that a newer state existed. Three such witnesses are checked by ``verify``:

- the **witness log**: every checkpoint this user's examiner key signs is also
  appended, one JSON line, to ``witness.jsonl`` in the user's data folder
  (``$EVIDENCE_DESK_HOME`` in tests and CI);
- **receipts**: ``evidence-desk receipt CASE -o FILE`` writes a small signed
  JSON statement of the current head, to keep on a second drive or in an e-mail;
- **short codes**: the head's number and the first 16 base32 characters of its
  hash (80 bits, grouped), printed on the report cover, that a person can
  type back (``verify --code``). Ten characters would be 50 bits, which a
  forger who can vary an entry's text could grind on a GPU in a day; 80 cannot.

A witness that saw entry N with hash H fails a case whose chain is shorter
(truncation or rollback) or whose entry N has another hash (replaced history).
Two copies of one case that were both worked on also fail: a forked case has
no single history, and the witness says so.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import signing
from .custody import canonical, now_utc, utc_text
from .errors import BadInput

log = logging.getLogger("evidence_desk.witness")

WITNESS_FILE = "witness.jsonl"
WITNESS_FORMAT = "evidence-desk-witness"
RECEIPT_FORMAT = "evidence-desk-receipt"
RECEIPT_VERSION = 1
HEAD_STATEMENT = "evidence-desk chain head v1"  # what a checkpoint, a receipt and a witness line sign
CODE_CHARS = 16
MIN_CODE_CHARS = 10


def head_message(case_id: str, head_seq: int, head_hash: str) -> bytes:
    """The canonical bytes an examiner signs to say: case ``case_id`` had entry ``head_seq`` = ``head_hash``."""
    return canonical({"statement": HEAD_STATEMENT, "case_id": case_id, "head_seq": int(head_seq),
                      "head_hash": head_hash}).encode("utf-8")


# --- short codes -------------------------------------------------------------------

def short_code(entry_hash: str) -> str:
    """The first 16 base32 characters of ``entry_hash``, in groups of four (``ABCD-EFGH-IJKL-MNOP``)."""
    text = base64.b32encode(bytes.fromhex(entry_hash)).decode("ascii")[:CODE_CHARS]
    return "-".join(text[i:i + 4] for i in range(0, CODE_CHARS, 4))


def head_code(seq: int, entry_hash: str) -> str:
    """What the report cover prints and a person types back: ``#57 ABCD-EFGH-IJKL-MNOP``."""
    return f"#{seq} {short_code(entry_hash)}" if entry_hash else ""


@dataclass(frozen=True)
class TypedCode:
    seq: int
    prefix: str  # base32, no dashes
    text: str


def parse_code(text: str) -> TypedCode:
    """Read a typed-back code: ``#57 ABCD-EFGH-IJKL-MNOP``, ``57 abcdefgh...``; 0 and 1 read as O and I."""
    match = re.fullmatch(r"\s*#?\s*(\d+)[\s:.\-·]+([A-Za-z0-9\s\-]+?)\s*", text)
    if not match:
        raise BadInput(f"not a head code: {text!r} (expected the entry number and the code, e.g. "
                       "'#57 ABCD-EFGH-IJKL-MNOP')")
    prefix = re.sub(r"[\s\-]", "", match.group(2)).upper().replace("0", "O").replace("1", "I")
    if len(prefix) < MIN_CODE_CHARS or not re.fullmatch(r"[A-Z2-7]+", prefix):
        raise BadInput(f"the code in {text!r} must have at least {MIN_CODE_CHARS} of the letters A-Z and digits 2-7")
    return TypedCode(int(match.group(1)), prefix[:CODE_CHARS], text.strip())


# --- witness records ------------------------------------------------------------------

@dataclass(frozen=True)
class WitnessRecord:
    """One signed sighting of a case's chain head, from the witness log or a receipt."""

    kind: str  # "checkpoint" or "receipt"
    case_id: str
    head_seq: int
    head_hash: str
    at: str
    fingerprint: str
    public_key: str
    signature: str
    examiner: str = ""
    case_path: str = ""

    def signature_valid(self) -> bool:
        try:
            public_key, signature = bytes.fromhex(self.public_key), bytes.fromhex(self.signature)
        except ValueError:
            return False
        return signing.fingerprint(public_key) == self.fingerprint and signing.verify(
            public_key, signature, head_message(self.case_id, self.head_seq, self.head_hash))

    def to_json(self) -> dict[str, Any]:
        return {"format": WITNESS_FORMAT, **asdict(self)}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> WitnessRecord:
        return cls(kind=str(value.get("kind", "")), case_id=str(value["case_id"]), head_seq=int(value["head_seq"]),
                   head_hash=str(value["head_hash"]), at=str(value.get("at", "")),
                   fingerprint=str(value["fingerprint"]), public_key=str(value["public_key"]),
                   signature=str(value["signature"]), examiner=str(value.get("examiner", "")),
                   case_path=str(value.get("case_path", "")))


def sign_head(key: Any, kind: str, case_id: str, head_seq: int, head_hash: str, *, examiner: str = "",
              case_path: str = "") -> WitnessRecord:
    """A record of the head signed now by ``key`` (an :class:`~.examiner_keys.ExaminerKey`)."""
    signature = key.sign(head_message(case_id, head_seq, head_hash))
    return WitnessRecord(kind=kind, case_id=case_id, head_seq=int(head_seq), head_hash=head_hash,
                         at=utc_text(now_utc()), fingerprint=key.fingerprint, public_key=key.public_hex,
                         signature=signature.hex(), examiner=examiner, case_path=case_path)


# --- the log -------------------------------------------------------------------------

def log_path() -> Path:
    from .examiner_keys import data_dir

    return data_dir() / WITNESS_FILE


def append(record: WitnessRecord, path: Path | None = None) -> Path:
    """Append ``record`` as one line to the witness log, durably. Lines are written with one
    ``O_APPEND`` write each, so two processes appending at once never interleave a line."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = canonical(record.to_json()).encode("utf-8") + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


@dataclass(frozen=True)
class WitnessSource:
    """Records read from one witness: the local log, or a file given on the command line."""

    label: str
    records: tuple[WitnessRecord, ...]
    unreadable: tuple[str, ...] = ()  # "line 7: not JSON" and the like


def read_log(path: Path | None = None, label: str | None = None) -> WitnessSource:
    """Every record of a witness log (missing log: none). Unreadable lines are named, not fatal."""
    path = path or log_path()
    label = label or f"witness log {path}"
    try:
        text = path.read_text("utf-8", errors="replace")
    except FileNotFoundError:
        return WitnessSource(label, ())
    return _parse_lines(text, label)


def _parse_lines(text: str, label: str) -> WitnessSource:
    records: list[WitnessRecord] = []
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
            if not isinstance(value, dict) or value.get("format") != WITNESS_FORMAT:
                raise ValueError("not a witness record")
            records.append(WitnessRecord.from_json(value))
        except (ValueError, KeyError, TypeError) as exc:
            bad.append(f"line {number}: {exc}")
    return WitnessSource(label, tuple(records), tuple(bad))


def read_witness_file(path: Path) -> WitnessSource:
    """A file given with ``verify --witness``: a receipt, or a copy of a witness log."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise BadInput(f"no witness file at {path}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path} is neither a receipt nor a witness log (not UTF-8 text)") from None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict) and value.get("format") == RECEIPT_FORMAT:
        try:
            return WitnessSource(f"receipt {path}", (WitnessRecord.from_json({**value, "kind": "receipt"}),))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInput(f"{path} is a damaged receipt ({exc})") from None
    source = _parse_lines(text, f"witness log {path}")
    if not source.records:
        raise BadInput(f"{path} is neither a receipt nor a witness log")
    return source


# --- receipts ------------------------------------------------------------------------

def receipt_json(record: WitnessRecord, case_title: str) -> dict[str, Any]:
    """The receipt's content: the signed head, the short code, and who signed it."""
    return {"format": RECEIPT_FORMAT, "version": RECEIPT_VERSION, "case_id": record.case_id,
            "case_title": case_title, "case_path": record.case_path, "head_seq": record.head_seq,
            "head_hash": record.head_hash, "code": head_code(record.head_seq, record.head_hash),
            "at": record.at, "examiner": record.examiner, "fingerprint": record.fingerprint,
            "public_key": record.public_key, "signature": record.signature,
            "statement": HEAD_STATEMENT}


# --- checking a chain against witnesses ------------------------------------------------

@dataclass(frozen=True)
class WitnessProblem:
    level: str  # "failure" or "warning"
    message: str
    seq: int | None = None


def check(hashes: Mapping[int, str], case_id: str, sources: Iterable[WitnessSource],
          codes: Iterable[TypedCode] = ()) -> tuple[list[WitnessProblem], int]:
    """Compare the chain (``hashes``: seq -> entry hash) with every witness of ``case_id``.

    Returns the problems and how many records about this case were checked. For
    each witness one truncation (the highest entry it saw beyond the chain) and
    one replacement (the lowest entry it saw that differs) are named, not one
    per record: a witness log may hold hundreds of sightings of one case."""
    problems: list[WitnessProblem] = []
    last = max(hashes, default=0)
    checked = 0
    for source in sources:
        for bad in source.unreadable:
            problems.append(WitnessProblem("warning", f"{source.label}, {bad}: ignored"))
        mine = [r for r in source.records if r.case_id == case_id]
        valid: list[WitnessRecord] = []
        for record in mine:
            if record.signature_valid():
                valid.append(record)
            else:
                problems.append(WitnessProblem(
                    "warning", f"{source.label}: the record of entry #{record.head_seq} seen at {record.at} has a "
                               "signature that does not verify; it was ignored (the witness itself was altered)"))
        checked += len(valid)
        beyond = [r for r in valid if r.head_seq > last]
        if beyond:
            top = max(beyond, key=lambda r: r.head_seq)
            problems.append(WitnessProblem(
                "failure", f"truncation or rollback: the witness saw entry {top.head_seq} with hash {top.head_hash}, "
                           f"the case has only {last} ({source.label}, seen {top.at} by key {top.fingerprint})",
                top.head_seq))
        differ = sorted((r for r in valid if r.head_seq <= last and hashes.get(r.head_seq) != r.head_hash),
                        key=lambda r: r.head_seq)
        if differ:
            first = differ[0]
            found = hashes.get(first.head_seq)
            more = len({r.head_seq for r in differ}) - 1
            problems.append(WitnessProblem(
                "failure", f"replaced history: the witness saw entry {first.head_seq} with hash {first.head_hash}, "
                           + (f"the case's entry {first.head_seq} has hash {found}" if found else
                              f"the case has no entry {first.head_seq}")
                           + (f" (and {more} later witnessed entr{'y' if more == 1 else 'ies'} differ too)" if more
                              else "")
                           + f" ({source.label}, seen {first.at} by key {first.fingerprint})", first.head_seq))
    for code in codes:
        checked += 1
        found = hashes.get(code.seq)
        if code.seq > last:
            problems.append(WitnessProblem(
                "failure", f"truncation or rollback: the code {code.text!r} names entry {code.seq}, the case has "
                           f"only {last}", code.seq))
        elif found is None or not short_code(found).replace("-", "").startswith(code.prefix):
            problems.append(WitnessProblem(
                "failure", f"replaced history: the code {code.text!r} does not match entry {code.seq} of the case "
                           f"(its code is {head_code(code.seq, found) if found else 'missing'})", code.seq))
    return problems, checked
