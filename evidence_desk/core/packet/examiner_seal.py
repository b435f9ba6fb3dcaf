"""The examiner's seal on a review packet: written at export, checked by ``verify-packet``.

Besides the case key's signature, a packet sealed while an examiner key was
unlocked carries the examiner's public key and fingerprint and a second
Ed25519 signature over the same tag manifest (names in :mod:`.format`). The
examiner's key files are listed in the tag manifest, so both signatures cover
them. ``verify-packet --expect-examiner FINGERPRINT`` fails unless that key
sealed the packet. The checkpoints in the packet's chain are checked as a
case's are (:func:`~evidence_desk.core.checkpoints.check_chain`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import checkpoints, signing
from . import format


def write_examiner_seal(write: Callable[[str, bytes], None], key: Any) -> tuple[str, ...]:
    """Write the examiner's public key files through ``write(rel, data)``; return the tag files written."""
    write(format.EXAMINER_PUBLIC_PEM, signing.public_pem(key.public_key))
    write(format.EXAMINER_PUBLIC_HEX, (key.public_hex + "\n").encode())
    write(format.EXAMINER_FINGERPRINT, (key.fingerprint + "\n").encode())
    return format.EXAMINER_TAG_FILES


def sign_tagmanifest(write: Callable[[str, bytes], None], key: Any, tagmanifest: bytes) -> None:
    write(format.EXAMINER_SIGNATURE, key.sign(tagmanifest))


def check_packet_seal(root: Path, files: Mapping[str, int], report: Any, tagmanifest: Mapping[str, str],
                      expect_examiner: str | None = None) -> None:
    """The hook of packet verification: the examiner's seal over the tag manifest, and the pin."""
    expected = signing.normalise_fingerprint(expect_examiner) if expect_examiner else ""
    if format.EXAMINER_PUBLIC_HEX not in files or format.EXAMINER_SIGNATURE not in files:
        if expected:
            report.fail("signature", f"the packet is not sealed by an examiner key, but examiner {expected} was "
                                     "expected", path=format.EXAMINER_SIGNATURE)
        else:
            report.warnings.append("the packet is sealed by the case key only, not by an examiner key: it does not "
                                   "say which examiner sealed it")
        return
    key_text = (root / format.EXAMINER_PUBLIC_HEX).read_bytes()[:200].decode("ascii", "replace").strip()
    try:
        public_key = checkpoints.public_key_from_hex(key_text)
    except ValueError:
        report.fail("signature", f"{format.EXAMINER_PUBLIC_HEX} does not hold an Ed25519 public key",
                    path=format.EXAMINER_PUBLIC_HEX)
        return
    report.examiner_fingerprint = signing.fingerprint(public_key)
    for rel in format.EXAMINER_TAG_FILES:
        if rel in files and rel not in tagmanifest:
            report.fail("tag", f"{rel} is not listed in {format.TAGMANIFEST}, so no signature covers it", path=rel)
    if format.EXAMINER_PUBLIC_PEM in files:
        try:
            pem_key = signing.public_from_pem((root / format.EXAMINER_PUBLIC_PEM).read_bytes()[:4096])
        except signing.BadKey:
            pem_key = b""
        if pem_key != public_key:
            report.fail("signature", f"{format.EXAMINER_PUBLIC_PEM} and {format.EXAMINER_PUBLIC_HEX} hold different "
                                     "keys", path=format.EXAMINER_PUBLIC_PEM)
    if format.TAGMANIFEST in files:
        signature = (root / format.EXAMINER_SIGNATURE).read_bytes()[:1024]
        report.examiner_signature_valid = signing.verify(public_key, signature,
                                                         (root / format.TAGMANIFEST).read_bytes())
        if not report.examiner_signature_valid:
            report.fail("signature", f"the examiner's signature {format.EXAMINER_SIGNATURE} does not match "
                                     f"{format.TAGMANIFEST} under examiner key {report.examiner_fingerprint}: the "
                                     "packet was altered after sealing or the signature is damaged",
                        path=format.EXAMINER_SIGNATURE)
    if expected and expected != report.examiner_fingerprint:
        report.fail("signature", f"the packet is sealed by examiner key {report.examiner_fingerprint}, not by the "
                                 f"expected examiner {expected}", path=format.EXAMINER_PUBLIC_HEX)


def check_packet_chain(chain: Sequence[Mapping[str, Any]], case_id: str, report: Any) -> None:
    """The hook of packet verification: the checkpoints and hand-overs in the packet's chain."""
    signatures = checkpoints.check_chain(chain, case_id)
    problems = list(signatures.problems)
    unsigned = checkpoints.unsigned_problem(signatures, len(chain), require_signed=False)
    if unsigned is not None:
        problems.append(unsigned)
    for problem in problems:
        if problem.level == "failure":
            report.fail("signature", f"{format.CUSTODY_JSONL}: {problem.message}", path=format.CUSTODY_JSONL,
                        seq=problem.seq)
        else:
            report.warnings.append(f"{format.CUSTODY_JSONL}: {problem.message}")
    known = {k.fingerprint for k in signatures.keys}
    if report.examiner_fingerprint and known and report.examiner_fingerprint not in known:
        report.warnings.append(f"the packet is sealed by examiner key {report.examiner_fingerprint}, which signed no "
                               f"checkpoint of its chain (the chain's examiner keys: {', '.join(sorted(known))})")
    report.signatures = signatures.to_json()
