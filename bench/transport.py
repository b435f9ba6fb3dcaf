"""Encrypted transport against plain export: the cost of sealing a packet for a reviewer.

Builds one case with ``--mb`` megabytes of evidence (random, so nothing compresses),
then for the same case times, ``--repeat`` times each (median):

- export as a folder, as a zip, and encrypted for a reviewer key (``--encrypt-to``);
- opening: unpacking the zip vs decrypting the encrypted packet into the private folder;
- verify-packet of the folder, the zip and the encrypted packet (decrypt + verify).

and prints each figure in MB/s and its ratio to the plain folder export (or to the zip
for opening). The age stream itself (pyrage, in memory, no disk) is timed too.

    python bench/transport.py [--mb 200] [--files 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int, reset=None) -> float:
    times = []
    for _ in range(repeat):
        if reset is not None:
            reset()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="ed-bench-transport-"))
    os.environ["EVIDENCE_DESK_HOME"] = str(base / "home")
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "Bench Examiner")
    tempfile.tempdir = str(base / "tmp")
    (base / "tmp").mkdir()
    from evidence_desk.core import reviewer_keys
    from evidence_desk.core.case import Case
    from evidence_desk.core.packet.archive import OpenedPacket
    from evidence_desk.core.packet.export import export_packet
    from evidence_desk.core.packet.verify import verify_packet

    try:
        src = base / "incoming"
        src.mkdir()
        per = args.mb * 1024 * 1024 // args.files
        for i in range(args.files):
            with open(src / f"evidence-{i}.bin", "wb") as f:
                for _ in range(per // (1 << 20)):
                    f.write(os.urandom(1 << 20))
        case = Case.create(base / "case", "Transport bench", "Bench Examiner")
        for path in sorted(src.iterdir()):
            case.items.import_file(path)
        total = sum(p.stat().st_size for p in src.iterdir())
        mb = total / 1e6
        key = reviewer_keys.create("bench passphrase", kdf=reviewer_keys.KdfParams(1, 8, 1))
        out = base / "out"

        def fresh() -> None:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()

        results: dict[str, float] = {}
        results["export folder"] = timed(lambda: export_packet(case, out / "p"), args.repeat, fresh)
        results["export zip"] = timed(lambda: export_packet(case, out / "p.zip", zip=True), args.repeat, fresh)
        results["export encrypted"] = timed(lambda: export_packet(case, out / "p", encrypt_to=[key.public_key]),
                                            args.repeat, fresh)
        fresh()
        folder = export_packet(case, out / "p")
        zipped = export_packet(case, out / "p.zip", zip=True)
        sealed = export_packet(case, out / "p", encrypt_to=[key.public_key])
        size_ratio = sealed.stat().st_size / zipped.stat().st_size

        def open_close(path: Path) -> None:
            with OpenedPacket(path):
                pass

        results["open zip (unpack)"] = timed(lambda: open_close(zipped), args.repeat)
        results["open encrypted (decrypt)"] = timed(lambda: open_close(sealed), args.repeat)
        for label, path in (("verify folder", folder), ("verify zip", zipped), ("verify encrypted", sealed)):
            results[label] = timed(lambda path=path: verify_packet(path), args.repeat)
            assert verify_packet(path).ok, label

        import pyrage

        blob = os.urandom(64 << 20)
        recipient = pyrage.x25519.Recipient.from_str(key.public_key)
        sink = io.BytesIO()
        raw = timed(lambda: pyrage.encrypt_io(io.BytesIO(blob), io.BytesIO(), [recipient]), args.repeat)
        pyrage.encrypt_io(io.BytesIO(blob), sink, [recipient])
        ident = key.age_identity()
        raw_dec = timed(lambda: pyrage.decrypt_io(io.BytesIO(sink.getvalue()), io.BytesIO(), [ident]), args.repeat)
        case.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)

    print(f"evidence: {mb:.0f} MB in {args.files} files; median of {args.repeat}; {os.cpu_count()} CPUs")
    ref = {"export": results["export folder"], "open": results["open zip (unpack)"],
           "verify": results["verify folder"]}
    for label, seconds in results.items():
        group = label.split()[0]
        print(f"  {label:28s} {seconds:7.2f} s  {mb / seconds:7.0f} MB/s   x{seconds / ref[group]:.2f} "
              f"of {'export folder' if group == 'export' else 'open zip' if group == 'open' else 'verify folder'}")
    print(f"  age stream alone (memory)    encrypt {64 * 1.048576 / raw:5.0f} MB/s, decrypt "
          f"{64 * 1.048576 / raw_dec:5.0f} MB/s")
    print(f"  encrypted file size / zip size: {size_ratio:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
