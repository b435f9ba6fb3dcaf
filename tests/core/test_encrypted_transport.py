"""Encrypted transport: a packet sealed for a reviewer's age key (docs/encrypted-packets.md).

Driven through the command line as a user would: the examiner exports with --encrypt-to,
the reviewer verifies and imports with their own key; a stranger's key, a flipped byte and
a truncated file are refused; the file never carries evidence in the clear; the private
unpacking folder is gone afterwards."""

from __future__ import annotations

import os
import stat
import tarfile
import tempfile
from pathlib import Path

import pytest

from evidence_desk import cli
from evidence_desk.core import reviewer_keys
from evidence_desk.core.packet import encrypted

SECRET = "the informant is Jane Roe of 12 Elm Street"  # a known evidence string
REVIEWER_PASSPHRASE = "reviewer passphrase 1"
CHEAP = reviewer_keys.KdfParams(time_cost=1, memory_kib=8, parallelism=1)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    reviewer_keys.forget()  # each command is its own process: nothing stays unlocked between them
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _locked() -> None:
    reviewer_keys.forget()
    yield
    reviewer_keys.forget()


@pytest.fixture
def case_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "case"
    assert run(capsys, "init", path, "--title", "Stand-down", "--examiner", "Ann Examiner")[0] == 0
    src = tmp_path / "incoming"
    src.mkdir()
    (src / "informant.txt").write_text(f"{SECRET}\n" * 50, "utf-8")
    (src / "dispatch.flac").write_bytes(os.urandom(300_000))
    (src / "café notes — é.txt").write_text("non-ASCII name survives the tar\n", "utf-8")
    code, _, err = run(capsys, "add", path, src / "informant.txt", src / "dispatch.flac", src / "café notes — é.txt")
    assert code == 0, err
    return path


@pytest.fixture
def reviewer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The reviewer's key pair, in the test's own app home; its public key."""
    monkeypatch.setenv("EVIDENCE_DESK_REVIEWER_PASSPHRASE", REVIEWER_PASSPHRASE)
    key = reviewer_keys.create(REVIEWER_PASSPHRASE, reviewer="Rita Reviewer", kdf=CHEAP)
    reviewer_keys.forget()
    return key.public_key


def unpacking_leftovers() -> list[str]:
    return [p.name for p in Path(tempfile.gettempdir()).iterdir() if ".unpacking" in p.name]


def test_round_trip_verifies_exactly_as_the_plain_packet(case_dir: Path, reviewer: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export", case_dir, "-o", tmp_path / "plain")
    assert code == 0, err
    code, out, err = run(capsys, "export", case_dir, "-o", tmp_path / "sealed", "--encrypt-to", reviewer)
    assert code == 0, err
    packet = tmp_path / "sealed.edpacket.age"
    assert f"review packet sealed at {packet}" in out and f"encrypted for reviewer key {reviewer}" in out
    assert packet.read_bytes().startswith(b"age-encryption.org/v1\n-> X25519 ")
    # nothing else was left beside it: no clear bag, no partial file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "incoming", "plain", "sealed.edpacket.age"]

    plain = run(capsys, "verify-packet", tmp_path / "plain", "--json")
    sealed = run(capsys, "verify-packet", packet, "--json")
    assert plain[0] == sealed[0] == 0
    import json

    a, b = json.loads(plain[1]), json.loads(sealed[1])
    for key in ("ok", "failures", "warnings", "fingerprint", "items", "files_hashed"):
        assert a[key] == b[key], key
    assert a["failures"] == [] and a["items"] == 3
    assert unpacking_leftovers() == []

    # the file is plain age: the identity opens it with age tooling, and inside is the bag as a tar
    identity = reviewer_keys.unlock(REVIEWER_PASSPHRASE).age_identity()
    import pyrage

    clear = tmp_path / "clear.tar"
    pyrage.decrypt_file(str(packet), str(clear), [identity])
    with tarfile.open(clear) as tar:
        names = tar.getnames()
    assert "sealed/bagit.txt" in names and "sealed/data/case.json" in names
    assert any(n.startswith("sealed/data/evidence/") and "café notes" in n for n in names)


def test_no_evidence_in_the_clear_in_the_encrypted_file(case_dir: Path, reviewer: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "export", case_dir, "-o", tmp_path / "p.edpacket.age", "--encrypt-to", reviewer)[0] == 0
    data = (tmp_path / "p.edpacket.age").read_bytes()
    for needle in (SECRET, "Jane Roe", "informant.txt", "bagit.txt", "Stand-down", "Ann Examiner"):
        assert needle.encode() not in data, needle
    assert b"BagIt" not in data


def test_recipient_from_a_public_key_file_and_import(case_dir: Path, reviewer: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pub = tmp_path / "rita.age-recipient.txt"
    code, out, _ = run(capsys, "reviewer-key", "show", "-o", pub)
    assert code == 0 and reviewer in pub.read_text("utf-8")
    assert pub.read_text("utf-8").splitlines()[0].startswith("#")
    assert run(capsys, "export", case_dir, "-o", tmp_path / "p", "--encrypt-to", pub)[0] == 0
    code, out, err = run(capsys, "import-packet", tmp_path / "p.edpacket.age", tmp_path / "received",
                         "--examiner", "Rita Reviewer")
    assert code == 0, err
    assert "3 items" in out
    assert run(capsys, "verify", tmp_path / "received")[0] == 0
    assert unpacking_leftovers() == []


def test_packet_for_another_recipient_is_refused(case_dir: Path, reviewer: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import pyrage

    stranger = str(pyrage.x25519.Identity.generate().to_public())
    assert run(capsys, "export", case_dir, "-o", tmp_path / "p", "--encrypt-to", stranger)[0] == 0
    code, out, err = run(capsys, "verify-packet", tmp_path / "p.edpacket.age")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "this packet is encrypted for another recipient" in err and reviewer in err
    code, _, err = run(capsys, "import-packet", tmp_path / "p.edpacket.age", tmp_path / "received")
    assert code == 2 and "another recipient" in err and not (tmp_path / "received").exists()
    assert unpacking_leftovers() == []


@pytest.mark.parametrize("where", ["middle", "last byte", "truncated"])
def test_tampered_ciphertext_is_refused(case_dir: Path, reviewer: str, tmp_path: Path, where: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "export", case_dir, "-o", tmp_path / "p", "--encrypt-to", reviewer)[0] == 0
    packet = tmp_path / "p.edpacket.age"
    data = bytearray(packet.read_bytes())
    if where == "truncated":
        del data[-70_000:]  # a whole age chunk and more
    else:
        data[len(data) // 2 if where == "middle" else -1] ^= 0x01
    packet.write_bytes(bytes(data))
    code, out, err = run(capsys, "verify-packet", packet)
    assert code == 1
    failures = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert len(failures) == 1 and "altered or cut short" in failures[0]
    assert unpacking_leftovers() == []
    code, _, err = run(capsys, "import-packet", packet, tmp_path / "received")
    assert code == 1 and err.count("\n") == 1 and "altered or cut short" in err
    assert not (tmp_path / "received").exists()


def test_passphrase_file_wrong_passphrase_and_no_key(case_dir: Path, reviewer: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "export", case_dir, "-o", tmp_path / "p", "--encrypt-to", reviewer)[0] == 0
    packet = tmp_path / "p.edpacket.age"
    monkeypatch.delenv("EVIDENCE_DESK_REVIEWER_PASSPHRASE")
    monkeypatch.delenv("EVIDENCE_DESK_KEY_PASSPHRASE")
    code, _, err = run(capsys, "verify-packet", packet)
    assert code == 3 and "no passphrase for the reviewer key" in err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n", "utf-8")
    code, _, err = run(capsys, "verify-packet", packet, "--passphrase-file", wrong)
    assert code == 2 and "wrong passphrase for the reviewer key" in err
    right = tmp_path / "right.txt"
    right.write_text(f"{REVIEWER_PASSPHRASE}\n", "utf-8")
    assert run(capsys, "verify-packet", packet, "--passphrase-file", right)[0] == 0
    reviewer_keys.key_path().unlink()
    code, _, err = run(capsys, "verify-packet", packet)
    assert code == 2 and "you have no reviewer key" in err


def test_reviewer_key_create_and_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("EVIDENCE_DESK_REVIEWER_PASSPHRASE", REVIEWER_PASSPHRASE)
    code, out, err = run(capsys, "reviewer-key", "create", "--reviewer", "Rita")
    assert code == 0, err
    public = out.split("public key ", 1)[1].split()[0]
    assert public.startswith("age1")
    path = reviewer_keys.key_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "AGE-SECRET-KEY" not in path.read_text("utf-8")  # the identity is only stored encrypted
    code, out, _ = run(capsys, "reviewer-key", "show")
    assert code == 0 and out == f"{public}\n"
    code, _, err = run(capsys, "reviewer-key", "create")
    assert code == 2 and "already exists" in err
    assert reviewer_keys.unlock(REVIEWER_PASSPHRASE).public_key == public


def test_bad_recipient_is_bad_input(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", case_dir, "-o", tmp_path / "p", "--encrypt-to", "age1notakey")
    assert code == 2 and "not a valid age X25519 public key" in err
    code, _, err = run(capsys, "export", case_dir, "-o", tmp_path / "p", "--encrypt-to", tmp_path / "missing.pub")
    assert code == 2 and "neither an age public key" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "incoming"]


def test_failed_encryption_leaves_nothing(case_dir: Path, reviewer: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence_desk.core.case import Case
    from evidence_desk.core.errors import Cancelled
    from evidence_desk.core.packet.export import export_packet

    calls = [0]

    def cancel_after_a_few() -> bool:
        calls[0] += 1
        return calls[0] > 6  # well into the tar, after the evidence was copied

    with Case.open(case_dir) as case, pytest.raises(Cancelled):
        export_packet(case, tmp_path / "p", encrypt_to=[reviewer], should_cancel=cancel_after_a_few)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "incoming"]


def test_decrypting_uses_a_private_folder_removed_after(case_dir: Path, reviewer: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from evidence_desk.core.packet.archive import OpenedPacket

    assert run(capsys, "export", case_dir, "-o", tmp_path / "p", "--encrypt-to", reviewer)[0] == 0
    reviewer_keys.unlock(REVIEWER_PASSPHRASE)
    packet = tmp_path / "p.edpacket.age"
    with OpenedPacket(packet) as opened:
        assert opened.encrypted and (opened.root / "bagit.txt").is_file()
        folder = opened.root.parent
        assert folder.parent == Path(tempfile.gettempdir())  # never beside the packet
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert SECRET in next((opened.root / "data" / "evidence").glob("*informant*")).read_text("utf-8")
    assert not folder.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "incoming", "p.edpacket.age"]


def test_hostile_tar_inside_a_valid_age_file_is_refused(reviewer: str, tmp_path: Path) -> None:
    """A file correctly encrypted for me can still be hostile: its tar is checked like a zip."""
    import io

    import pyrage

    from evidence_desk.core.packet.archive import OpenedPacket, PacketRefused

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("p/../../escape.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    packet = tmp_path / "evil.edpacket.age"
    packet.write_bytes(pyrage.encrypt(raw.getvalue(), [pyrage.x25519.Recipient.from_str(reviewer)]))
    reviewer_keys.unlock(REVIEWER_PASSPHRASE)
    with pytest.raises(PacketRefused, match="climbs out"):
        OpenedPacket(packet)
    assert not (tmp_path.parent / "escape.txt").exists() and unpacking_leftovers() == []


def test_names() -> None:
    assert encrypted.encrypted_name(Path("/x/case-7")) == Path("/x/case-7.edpacket.age")
    assert encrypted.encrypted_name(Path("/x/case-7.age")) == Path("/x/case-7.age")
    assert encrypted.encrypted_name(Path("/x/case-7.zip")) == Path("/x/case-7.edpacket.age")
    assert encrypted.bag_name(Path("/x/case-7.edpacket.age")) == "case-7"
