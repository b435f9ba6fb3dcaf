"""Examiner signatures in the custody chain: checkpoints and key hand-overs, and their checks.

A **checkpoint** entry signs the chain head just before it: its details carry
the head (``head_seq``, ``head_hash``), the examiner's public key and
fingerprint, and an Ed25519 signature over :func:`.witness.head_message`
(case id, head seq, head hash). Every entry up to that head is then vouched
for by that examiner, since the hash chain ties each entry to the next.

A **key hand-over** entry introduces a new examiner key. Signed by a key the
case already knows, it proves the previous examiner passed the work on.
Signed by the *case* key (a lost examiner key), it is accepted but marked as
not proven by the previous examiner: anyone holding the case folder holds the
case key. It may also declare the old key lost, after which that key's
checkpoints fail.

:func:`check_chain` walks plain rows (from a case file or a packet's
``custody.jsonl``, never trusting the database) and tells which keys signed
what. The first key to sign a case is taken as its examiner's (trust on first
use); any other key needs a hand-over. Pin the first key by fingerprint out of
band (the report cover, ``verify-packet --expect-examiner``) and keep
witnesses (:mod:`.witness`), or a rebuilt chain signed throughout by a
forger's own key verifies as well as the real one.

The ``verify`` hook of a case folder is :func:`check_case`; a review packet's
are in :mod:`.packet.examiner_seal`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import signing, witness
from .custody import canonical
from .errors import BadInput

SIGNED_ACTIONS = ("checkpoint", "key_handover")
HANDOVER_STATEMENT = "evidence-desk key handover v1"
SIGNER_EXAMINER = "examiner"
SIGNER_CASE = "case"


# --- writing ---------------------------------------------------------------------------

def checkpoint_details(case_id: str, head_seq: int, head_hash: str, key: Any) -> dict[str, Any]:
    """The details of a checkpoint over entry ``head_seq``, signed by ``key`` (an ExaminerKey)."""
    signature = key.sign(witness.head_message(case_id, head_seq, head_hash))
    return {"statement": witness.HEAD_STATEMENT, "head_seq": int(head_seq), "head_hash": head_hash,
            "public_key": key.public_hex, "fingerprint": key.fingerprint, "signature": signature.hex()}


def handover_message(case_id: str, head_seq: int, head_hash: str, *, signer: str, signer_public_key: str,
                     new_public_key: str, reason: str, lost_fingerprint: str) -> bytes:
    return canonical({"statement": HANDOVER_STATEMENT, "case_id": case_id, "head_seq": int(head_seq),
                      "head_hash": head_hash, "signer": signer, "signer_public_key": signer_public_key,
                      "new_public_key": new_public_key, "reason": reason,
                      "lost_fingerprint": lost_fingerprint}).encode("utf-8")


def handover_details(case_id: str, head_seq: int, head_hash: str, *, new_public_key: bytes, reason: str,
                     examiner_key: Any = None, case_private_key: bytes | None = None,
                     lost_fingerprint: str = "") -> dict[str, Any]:
    """A hand-over to ``new_public_key`` signed by the examiner's key, or else by the case key."""
    if len(new_public_key) != signing.KEY_BYTES:
        raise BadInput("the new examiner key is not an Ed25519 public key")
    lost = signing.normalise_fingerprint(lost_fingerprint) if lost_fingerprint else ""
    if examiner_key is not None:
        signer, signer_public = SIGNER_EXAMINER, examiner_key.public_key
    elif case_private_key is not None:
        signer, signer_public = SIGNER_CASE, signing.public_key_of(case_private_key)
    else:
        raise BadInput("a hand-over is signed by the examiner's key or, for a lost key, by the case key")
    message = handover_message(case_id, head_seq, head_hash, signer=signer, signer_public_key=signer_public.hex(),
                               new_public_key=new_public_key.hex(), reason=reason, lost_fingerprint=lost)
    signature = examiner_key.sign(message) if examiner_key is not None else signing.sign(case_private_key, message)
    return {"statement": HANDOVER_STATEMENT, "head_seq": int(head_seq), "head_hash": head_hash, "signer": signer,
            "signer_public_key": signer_public.hex(), "signer_fingerprint": signing.fingerprint(signer_public),
            "new_public_key": new_public_key.hex(), "new_fingerprint": signing.fingerprint(new_public_key),
            "reason": reason, "lost_fingerprint": lost, "signature": signature.hex()}


# --- checking ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    level: str  # "failure" or "warning"
    message: str
    seq: int | None = None


@dataclass(frozen=True)
class KnownKey:
    """An examiner key the chain accepts, and how it came to be accepted."""

    fingerprint: str
    public_key: str
    since_seq: int
    how: str
    proven: bool  # False: introduced by the case key, not by the previous examiner


@dataclass
class ChainSignatures:
    """What the examiner signatures in one chain vouch for."""

    checkpoints: int = 0  # valid ones
    last_signed_seq: int = 0  # the highest entry a valid examiner signature covers
    unsigned: list[int] = field(default_factory=list)  # entries no examiner signature covers
    keys: list[KnownKey] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"checkpoints": self.checkpoints, "last_signed_seq": self.last_signed_seq,
                "unsigned_entries": len(self.unsigned), "examiner_keys": [asdict(k) for k in self.keys]}


def _details(row: Mapping[str, Any]) -> dict[str, Any]:
    value = row.get("details")
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def public_key_from_hex(text: Any) -> bytes:
    """The raw Ed25519 public key written as hex; ValueError if it is not one."""
    key = bytes.fromhex(str(text))
    if len(key) != signing.KEY_BYTES:
        raise ValueError("not an Ed25519 public key")
    return key


_key = public_key_from_hex


def shown(text: str) -> str:
    """Text from the chain (a hand-over's reason) made safe to print: control and bidi
    characters become visible escapes."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def seq_ranges(seqs: Sequence[int]) -> str:
    """``[3, 4, 5, 9]`` as ``#3–#5, #9``."""
    parts: list[str] = []
    start = prev = None
    for seq in [*seqs, None]:
        if start is not None and (seq is None or seq != prev + 1):
            parts.append(f"#{start}" if start == prev else f"#{start}–#{prev}")
            start = None
        if seq is not None and start is None:
            start = seq
        prev = seq
    return ", ".join(parts)


def check_chain(rows: Iterable[Mapping[str, Any]], case_id: str) -> ChainSignatures:
    """Check every checkpoint and hand-over in ``rows`` (ordered by seq; each with seq, action,
    entry_hash and details) and tell which entries no examiner signature covers."""
    rows = list(rows)
    result = ChainSignatures()
    hashes = {int(r["seq"]): str(r["entry_hash"]) for r in rows}
    first = rows[0] if rows else None
    case_key = str(_details(first).get("public_key", "")) if first and first["action"] == "case_created" else ""
    accepted: dict[str, KnownKey] = {}
    lost: dict[str, int] = {}  # fingerprint -> the hand-over that declared it lost
    signed_entries: set[int] = set()

    def fail(message: str, seq: int) -> None:
        result.problems.append(Problem("failure", message, seq))

    def usable(public_hex: str, fp: str, label: str, seq: int) -> bool:
        if fp in lost and seq > lost[fp]:
            fail(f"{label} is signed by examiner key {fp}, which hand-over #{lost[fp]} declared lost", seq)
            return False
        if public_hex in accepted:
            return True
        if accepted:
            known = ", ".join(k.fingerprint for k in accepted.values())
            fail(f"{label} is signed by examiner key {fp}, which no valid hand-over introduced into this case "
                 f"(its examiner keys: {known})", seq)
            return False
        accepted[public_hex] = KnownKey(fp, public_hex, seq, f"the first examiner key to sign this case (#{seq})",
                                        True)
        return True

    for row in rows:
        action = row["action"]
        if action not in SIGNED_ACTIONS:
            continue
        seq = int(row["seq"])
        label = f"custody entry #{seq} ({action.replace('_', ' ')})"
        d = _details(row)
        try:
            head_seq, head_hash = int(d["head_seq"]), str(d["head_hash"])
            signature = bytes.fromhex(str(d["signature"]))
        except (KeyError, TypeError, ValueError):
            fail(f"{label} is malformed: it lacks the signed head or the signature", seq)
            continue
        if head_seq != seq - 1:
            fail(f"{label} signs entry #{head_seq}, not the entry just before it (#{seq - 1})", seq)
            continue
        if hashes.get(head_seq) != head_hash:
            fail(f"{label} was signed over entry #{head_seq} with hash {head_hash}, but entry #{head_seq} now has "
                 f"hash {hashes.get(head_seq) or '(none)'}: the history it signed was replaced", seq)
            continue
        if action == "checkpoint":
            try:
                public_key = _key(d["public_key"])
            except (KeyError, ValueError):
                fail(f"{label} does not carry an Ed25519 public key", seq)
                continue
            fp = signing.fingerprint(public_key)
            if signing.normalise_fingerprint(str(d.get("fingerprint", fp))) != fp:
                fail(f"{label} states fingerprint {d.get('fingerprint')}, but its key's fingerprint is {fp}", seq)
                continue
            if not signing.verify(public_key, signature, witness.head_message(case_id, head_seq, head_hash)):
                fail(f"{label}: the examiner's signature (key {fp}) does not verify: the checkpoint was forged "
                     "or altered", seq)
                continue
            if not usable(public_key.hex(), fp, label, seq):
                continue
            result.checkpoints += 1
            result.last_signed_seq = head_seq
            signed_entries.add(seq)
            continue
        # a key hand-over
        signer = d.get("signer")
        try:
            signer_key, new_key = _key(d["signer_public_key"]), _key(d["new_public_key"])
        except (KeyError, ValueError):
            fail(f"{label} does not carry the signer's and the new examiner's public keys", seq)
            continue
        reason, lost_fp = str(d.get("reason", "")), str(d.get("lost_fingerprint", ""))
        signer_fp, new_fp = signing.fingerprint(signer_key), signing.fingerprint(new_key)
        message = handover_message(case_id, head_seq, head_hash, signer=str(signer),
                                   signer_public_key=signer_key.hex(), new_public_key=new_key.hex(), reason=reason,
                                   lost_fingerprint=lost_fp)
        if not signing.verify(signer_key, signature, message):
            fail(f"{label}: the signature by key {signer_fp} does not verify: the hand-over was forged or altered",
                 seq)
            continue
        if signer == SIGNER_EXAMINER:
            if not usable(signer_key.hex(), signer_fp, label, seq):
                continue
            how, proven = f"handed over by examiner key {signer_fp} at #{seq}", True
            result.last_signed_seq = head_seq
            signed_entries.add(seq)
        elif signer == SIGNER_CASE:
            if signer_key.hex() != case_key:
                fail(f"{label} says it is signed by the case key, but key {signer_fp} is not the key the case was "
                     "opened with", seq)
                continue
            how, proven = f"introduced at #{seq} by the case key (reason: {shown(reason) or 'none stated'})", False
            result.problems.append(Problem(
                "warning", f"{label} introduces examiner key {new_fp} signed by the case key, not by the previous "
                           f"examiner: not proven by the previous examiner (reason given: {shown(reason) or 'none'})"
                           + (f"; key {lost_fp} is declared lost" if lost_fp else ""), seq))
            if lost_fp:
                lost[lost_fp] = seq
        else:
            fail(f"{label} names an unknown signer {shown(str(signer))!r}", seq)
            continue
        accepted.setdefault(new_key.hex(), KnownKey(new_fp, new_key.hex(), seq, how, proven))
    result.keys = list(accepted.values())
    result.unsigned = [s for s in sorted(hashes) if s > result.last_signed_seq and s not in signed_entries]
    return result


def unsigned_problem(signatures: ChainSignatures, entries: int, *, require_signed: bool) -> Problem | None:
    """The finding for entries no examiner has signed: a warning, or a failure when signing is required."""
    if not signatures.unsigned:
        return None
    level = "failure" if require_signed else "warning"
    n = len(signatures.unsigned)
    what = f"{n} custody entr{'y' if n == 1 else 'ies'} ({seq_ranges(signatures.unsigned)})"
    if signatures.checkpoints == 0 and signatures.last_signed_seq == 0:
        message = (f"unsigned: no examiner has signed this chain; {what} carry no examiner signature "
                   "(a checkpoint is written when a command or a session with an examiner key ends)")
    else:
        message = (f"unsigned: {what} come after the last signed checkpoint (which covers up to "
                   f"#{signatures.last_signed_seq}); no examiner has signed them yet")
    return Problem(level, message, signatures.unsigned[0])


# --- the verify hooks ------------------------------------------------------------------------

@dataclass(frozen=True)
class Checks:
    """What ``verify`` checks beyond the case itself: witnesses, typed codes, and whether unsigned
    entries fail. The local witness log is read unless ``local_witness`` is False."""

    sources: tuple[witness.WitnessSource, ...] = ()
    codes: tuple[witness.TypedCode, ...] = ()
    local_witness: bool = True
    require_signed: bool = False

    @classmethod
    def of(cls, witness_files: Iterable[Path | str] = (), codes: Iterable[str] = (), *, local_witness: bool = True,
           require_signed: bool = False) -> Checks:
        """Read the witness files and codes now, so a bad one fails before anything is hashed."""
        return cls(tuple(witness.read_witness_file(Path(p)) for p in witness_files),
                   tuple(witness.parse_code(c) for c in codes), local_witness, require_signed)


DEFAULT_CHECKS = Checks()


def check_case(conn: sqlite3.Connection, report: Any, checks: Checks | None = None) -> None:
    """The hook of :func:`~evidence_desk.core.verify.verify`: examiner signatures and witnesses of a
    case, read through its read-only connection; adds failures, ``warnings`` and ``signatures``."""
    checks = checks or DEFAULT_CHECKS
    ids = conn.execute("SELECT id FROM case_info").fetchall()
    if len(ids) != 1:
        return
    case_id = str(ids[0][0])
    rows = [{"seq": r[0], "action": r[1], "entry_hash": r[2], "details": r[3]} for r in conn.execute(
        "SELECT seq, action, entry_hash, CASE WHEN action IN ('case_created', 'checkpoint', 'key_handover') "
        "THEN details ELSE '' END FROM custody ORDER BY seq")]
    signatures = check_chain(rows, case_id)
    problems = list(signatures.problems)
    unsigned = unsigned_problem(signatures, len(rows), require_signed=checks.require_signed)
    if unsigned is not None:
        problems.append(unsigned)
    sources = list(checks.sources)
    if checks.local_witness:
        sources.insert(0, witness.read_log())
    found, witnessed = witness.check({int(r["seq"]): str(r["entry_hash"]) for r in rows}, case_id, sources,
                                     checks.codes)
    for problem in problems:
        _add(report, "signature", problem)
    for problem in found:
        _add(report, "witness", problem)
    report.signatures = {**signatures.to_json(), "witness_records": witnessed,
                         "witnesses": [s.label for s in sources]}


def _add(report: Any, what: str, problem: Problem, **where: Any) -> None:
    if problem.level == "failure":
        report.fail(what, problem.message, seq=problem.seq, **where)
    else:
        report.warnings.append(problem.message)
