"""Import files into a case forever, until killed (the fault-injection test's victim).

Usage: python kill_import.py CASE_DIR FILE...  Prints "ready" once the case is
open, then imports the files round and round. Each file is altered by one
byte-pattern per round (a counter in its first bytes) so every round writes
new objects as well as duplicates.

With ``--stall copy`` or ``--stall commit`` it stops instead at one precise
point (mid-copy, or after the object is placed but before the database
commits), prints "stalled" and sleeps, so a kill there is deterministic.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# sqlite_utils imports pandas and numpy when installed (case-utils brings them into
# the test environment; the application does not ship them). Skip them so each
# victim starts in a fraction of a second and the test can afford many kills.
sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]
sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]

from evidence_desk.core import custody  # noqa: E402
from evidence_desk.core.case import Case  # noqa: E402


def stall() -> None:
    print("stalled", flush=True)
    time.sleep(3600)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("case_dir", type=Path)
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--stall", choices=("copy", "commit"))
    args = parser.parse_args()
    case = Case.open(args.case_dir)
    print("ready", flush=True)
    if args.stall == "copy":
        case.items.import_file(args.files[0], progress=lambda _n: stall())
    elif args.stall == "commit":
        custody.append = lambda *a, **k: stall()  # the object is placed, the transaction open
        case.items.import_file(args.files[0])
    round_ = 0
    while True:
        for path in args.files:
            with open(path, "r+b") as f:  # new content for this round, same size
                f.write(round_.to_bytes(8, "little"))
            case.items.import_file(path, description=f"round {round_}")
        round_ += 1


if __name__ == "__main__":
    sys.exit(main())
