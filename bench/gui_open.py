"""How long the desktop app takes to show a case: empty vs 100,000 items.

Builds a large case directly through core (no 100,000 real files), then, in
the same run, times from process start to the first painted main window
(``evidence-desk gui CASE --first-paint``) for an empty case and for the
large one, several times each, and prints the medians and their ratio.
Goal: the large case within 1.5x of the empty one.

It also opens the large case in-process and scrolls the all-items list to
the very end, page by page, and prints how long each page took (the list
fetches 200 rows at a time as it scrolls).

The bulk path: the first ``--objects`` items are imported the normal way
(``Case.import_file``: vault copy, hash, acquisition custody entry); the
rest reuse those objects and are inserted in one transaction, each item
with the same acquisition custody entry ``Case.import_file`` would write
(so ``evidence-desk verify`` passes on the result); events likewise.

    python bench/gui_open.py [--items 100000] [--events 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_large_case(path: Path, items: int, events: int, objects: int = 200) -> None:
    """A valid case of ``items`` items on ``events`` events sharing ``objects`` vault objects."""
    from evidence_desk.core import custody, store
    from evidence_desk.core import uncertain_time as utime
    from evidence_desk.core.case import Case
    from evidence_desk.core.custody import NewEntry
    from evidence_desk.core.sqlparts import now_text
    from evidence_desk.core.sqlparts import time_row as _time_row

    examiner = "Bench Examiner"
    case = Case.create(path, "Large bench case", examiner, tz="America/Chicago")
    sources = [case.sources.add(f"Source {i}", kind="person").id for i in range(20)]
    with tempfile.TemporaryDirectory() as tmp:
        originals = []
        for i in range(min(objects, items)):
            f = Path(tmp) / f"object-{i:04d}.txt"
            f.write_text(f"bench evidence object {i}\n" * (1 + i % 7), "utf-8")
            originals.append(case.items.import_file(f, source=f"Source {i % 20}", acquired_from="bench",
                                              description=f"bench object {i}"))
    db = case.db
    with store.transaction(db):
        event_ids = []
        for e in range(events):
            minute = e % (24 * 60)
            when = f"2025-10-{1 + (e // 1440) % 28:02d} {minute // 60:02d}:{minute % 60:02d}"
            t = utime.parse(when if e % 13 else f"around noon, day {e}", "America/Chicago")
            row = {"title": f"Bench event {e}", "place": f"Block {e % 97}", "notes": "",
                   **_time_row("time", t), "time_normalised_by": f"{examiner} (Evidence Desk reader)",
                   "created_at": now_text(), "created_by": examiner}
            event_id = db["event"].insert(row).last_pk
            custody.append(db, case.id, NewEntry(
                action="event_added", examiner=examiner, target_type="event", target_id=event_id,
                details={k: v for k, v in row.items() if k not in ("created_at", "created_by")}))
            event_ids.append(event_id)
        for n in range(len(originals), items):
            base = originals[n % len(originals)]
            record = {"original_name": f"item-{n:06d}.txt", "sha256": base.sha256, "size": base.size,
                      "media_type": base.media_type, "kind": ("document", "audio", "scan", "statement")[n % 4],
                      "description": f"bench item {n}", "acquired_at": now_text(), "acquired_by": examiner,
                      "acquired_from": "bench", "acquisition_method": "bench bulk insert",
                      "original_path": f"/bench/item-{n:06d}.txt", "source_id": sources[n % len(sources)],
                      "derived_from": None, "derivation_reason": ""}
            item_id = db["item"].insert(record).last_pk
            linked = [event_ids[n % len(event_ids)]] if event_ids else []
            for event_id in linked:
                db["item_event"].insert({"item_id": item_id, "event_id": event_id})
            custody.append(db, case.id, NewEntry(
                action="acquired", examiner=examiner, target_type="item", target_id=item_id, item_id=item_id,
                item_sha256=base.sha256, purpose="intake", released_by="bench", received_by=examiner,
                details={"item": record, "events": linked, "identical_content_items": []}))
        last = db.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
    custody.write_head(path, last[0], last[1])
    case.close()


def time_first_paint(case_dir: Path, env: dict[str, str]) -> float:
    """Seconds from spawning the app to its first painted main window."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "evidence_desk", "gui", str(case_dir), "--first-paint"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "first-paint":
            elapsed = time.perf_counter() - start
            break
    else:
        raise SystemExit(f"the app exited without painting: {proc.stderr.read() if proc.stderr else ''}")
    proc.wait(timeout=60)
    return elapsed


def scroll_check(case_dir: Path) -> None:
    """In-process: show all items and scroll to the end one page at a time."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from evidence_desk.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.open_case(case_dir, read_only=True)
    window.show()
    window.show_all_items()
    app.processEvents()
    model, view = window.items_model, window.items_view
    pages: list[float] = []
    started = time.perf_counter()
    while model.canFetchMore():
        t0 = time.perf_counter()
        view.scrollToBottom()  # the view asks the model for the next page
        app.processEvents()
        pages.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    pages_ms = sorted(p * 1000 for p in pages)
    print(f"scroll to the end: {model.rowCount():,} rows in {len(pages)} pages, {total:.1f} s in all; "
          f"per page median {statistics.median(pages_ms):.1f} ms, "
          f"95th percentile {pages_ms[int(len(pages_ms) * 0.95)]:.1f} ms, max {pages_ms[-1]:.1f} ms")
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the cases here and keep them")
    parser.add_argument("--scroll-check", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scroll_check:
        scroll_check(args.scroll_check)
        return 0
    from evidence_desk.core.case import Case

    work = args.keep or Path(tempfile.mkdtemp(prefix="gui-open-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), EVIDENCE_DESK_EXAMINER="Bench Examiner",
               EVIDENCE_DESK_SETTINGS_DIR=str(work / "settings"), EVIDENCE_DESK_NO_CRASH_DIALOG="1")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    empty, large = work / "empty", work / "large"
    if not empty.exists():
        Case.create(empty, "Empty bench case", "Bench Examiner").close()
    if not large.exists():
        t0 = time.perf_counter()
        build_large_case(large, args.items, args.events)
        print(f"built {args.items:,} items / {args.events:,} events in {time.perf_counter() - t0:.1f} s at {large}")
    time_first_paint(empty, env)  # warm the OS file cache for both
    time_first_paint(large, env)
    times: dict[str, list[float]] = {"empty": [], "large": []}
    for _ in range(args.repeat):  # interleaved, so drift hits both alike
        times["empty"].append(time_first_paint(empty, env))
        times["large"].append(time_first_paint(large, env))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"platform: {env.get('QT_QPA_PLATFORM') or 'display ' + env.get('DISPLAY', '')}; repeats: {args.repeat}")
    for name in ("empty", "large"):
        print(f"first paint, {name:5} case: median {med[name] * 1000:.0f} ms "
              f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times[name])})")
    ratio = med["large"] / med["empty"]
    print(f"ratio large/empty: {ratio:.2f} (goal <= 1.5) {'OK' if ratio <= 1.5 else 'OVER'}")
    subprocess.run([sys.executable, __file__, "--scroll-check", str(large)], env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
