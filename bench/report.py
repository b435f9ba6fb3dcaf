"""Benchmark: render the chain-of-custody report of a 1,000-item case.

Builds a case through the Case API (1,000 small real files, each with a custody
history: acquisition, a transfer, a view, a grade, some with an annotation and a
metadata edit), then times building the report model (including verification,
which rehashes every object) and rendering the PDF and the HTML. Goal: the PDF
renders in under 10 s.

Also times building a review packet against ``cp -r`` of the case folder when
``evidence_desk.core.packet.export.export_packet`` exists (see :func:`bench_packet`).

    PYTHONPATH=. python bench/report.py [--items 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence_desk.core import report  # noqa: E402
from evidence_desk.core.case import Case  # noqa: E402


def build_case(root: Path, n_items: int) -> Case:
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "Bench Examiner")
    files = root / "files"
    files.mkdir(parents=True)
    case = Case.create(root / "case", "Benchmark case: 1,000 exhibits", "Bench Examiner",
                       description="Synthetic case for timing the report", tz="America/Chicago")
    events = [case.events.add(f"Event {k}", when=f"2025-10-{1 + k % 28:02d} {k % 24:02d}:{k % 60:02d}",
                             place=f"Location {k}") for k in range(40)]
    sources = [case.sources.add(f"Source {k}", kind="organisation").id for k in range(10)]
    for sid in sources:
        case.grades.add("source", sid, "track record of accurate reports", reliability="ABCDEF"[sid % 6])
    rng = __import__("random").Random(7)
    for k in range(n_items):
        path = files / f"exhibit-{k:04d}.bin"
        path.write_bytes(rng.randbytes(2048 + k))
        item = case.items.import_file(path, event_ids=[events[k % len(events)].id], source=f"Source {k % 10}",
                                description=f"Exhibit {k}: synthetic evidence file for the benchmark",
                                acquired_from=f"Witness {k % 37}", method="copied from USB stick")
        case.history.record_transfer([item.id], released_by="Bench Examiner", received_by="Lab technician",
                             purpose="forensic imaging", condition="sealed bag, intact")
        case.history.record_view(item.id, purpose="review")
        case.grades.add("item", item.id, "consistent with other exhibits", credibility=str(1 + k % 6))
        if k % 5 == 0:
            case.annotations.add(item.id, "passage", text=f"relevant passage {k}", text_start=0, text_end=40)
        if k % 7 == 0:
            case.items.edit(item.id, reason="typo", description=f"Exhibit {k}: corrected description")
    for k in range(30):
        st = case.statements.add(f"Speaker {k}", "interview", f"Statement {k} text. " * 10,
                                event_ids=[events[k].id], source=f"Source {k % 10}")
        claim = case.claims.add(f"Claim {k}")
        case.claims.link(claim.id, "supports", statement_id=st.id)
        case.claims.link(claim.id, "contradicts", item_id=1 + k)
    case.requests.add("Dispatch logs", addressed_to="OEMC", asked="2025-10-06", due="2025-10-20")
    return case


def bench_packet(case: Case, work: Path) -> tuple[float, float] | None:
    """HOOK for the packet helper / lead: time packet export against ``cp -r``.

    Returns (seconds to export the packet, seconds to ``cp -r`` the case folder),
    or None while ``evidence_desk.core.packet.export.export_packet`` does not exist.
    """
    try:
        from evidence_desk.core.packet.export import export_packet  # type: ignore[attr-defined]
    except ImportError:
        return None
    started = time.perf_counter()
    subprocess.run(["cp", "-r", str(case.path), str(work / "copy")], check=True)
    cp_seconds = time.perf_counter() - started
    started = time.perf_counter()
    export_packet(case, work / "packet")  # includes its own report (PDF + HTML) and verification
    return time.perf_counter() - started, cp_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="ed-bench-report-"))
    try:
        started = time.perf_counter()
        case = build_case(work, args.items)
        print(f"built case: {args.items} items, {case.counts()['custody']} custody entries "
              f"in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        model = report.build_report_model(case)
        t_model = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        report.render_pdf(model, work / "report.pdf")
        t_pdf, cpu_pdf = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        report.render_html(model, work / "report.html")
        t_html = time.perf_counter() - started
        pages = next((line.split()[-1] for line in subprocess.run(
            ["pdfinfo", str(work / "report.pdf")], capture_output=True, text=True).stdout.splitlines()
            if line.startswith("Pages:")), "?")
        print(f"report model (incl. verify of every object): {t_model:.2f} s")
        print(f"PDF render:  {t_pdf:.2f} s  ({pages} pages, {(work / 'report.pdf').stat().st_size:,} bytes)"
              f"  goal < 10 s: {'OK' if t_pdf < 10 else 'MISSED'}")
        print(f"PDF render CPU time: {cpu_pdf:.2f} s (wall time above includes waiting for a busy machine; "
              f"load average {os.getloadavg()[0]:.1f})")
        print(f"HTML render: {t_html:.2f} s  ({(work / 'report.html').stat().st_size:,} bytes)")
        print(f"model + PDF: {t_model + t_pdf:.2f} s")
        packet = bench_packet(case, work)
        if packet is None:
            print("packet vs cp -r: skipped (evidence_desk.core.packet.export.export_packet not available)")
        else:
            ratio = packet[1] / packet[0]
            print(f"packet export: {packet[0]:.2f} s; cp -r of the case folder: {packet[1]:.2f} s; "
                  f"packet / cp -r throughput: {ratio:.3f} (goal >= 0.5: {'OK' if ratio >= 0.5 else 'MISSED'})")
            print(f"  the packet renders its own report (PDF + HTML, about {t_model + t_pdf + t_html:.1f} s here); "
                  f"without it: {packet[1] / max(packet[0] - t_model - t_pdf - t_html, 1e-9):.3f} "
                  "(bench/packet.py measures the copy on evidence-heavy cases)")
        case.close()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
