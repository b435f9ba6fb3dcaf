"""Put every generated file through intake and every viewer that accepts it; count what broke.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen python tests/fuzz/run.py [--reduced] [--workers 2]

Each file is imported into a temporary case (``core.operations.import_files``,
as the app does) and shown, offscreen, by every viewer of
``gui.viewers.VIEWERS`` that accepts the item: built, shown, left to load
(media, a scan decoded off the GUI thread), rendered, driven a little
(Show more and scrolling, zoom, play and seek), closed.

The work runs in worker processes (at most ``--workers``), each with its own
case and the app's own crash handler installed. A *crash* is an exception
that escapes (from intake, a viewer, or a Qt slot into the crash handler),
or a worker that dies (a segfault, an abort). A *hang* is the GUI thread
blocked for more than :data:`HANG_SECONDS`: measured in the worker around
every call and event-loop pass, and enforced from here, where a worker
silent for that long is killed and restarted. Intake is refused gracefully
when it raises the app's own errors (a FIFO, a dangling link): that is the
app working, not a crash. Peak RSS is the largest resident size any worker
reached (``getrusage(RUSAGE_CHILDREN).ru_maxrss``).

It prints the counts, and exits 1 on any crash or hang or a peak RSS of 1 GB
or more (0 otherwise, 2 on bad usage).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import generate  # noqa: E402 (next to this file, found through the line above)

#: The GUI thread blocked longer than this is a hang.
HANG_SECONDS = 5.0
#: How long a viewer is left to load its media before it is driven anyway (the GUI stays responsive).
SETTLE_SECONDS = 2.0
#: A worker's peak resident size at or over this fails the run.
RSS_LIMIT_MB = 1024
#: A worker over this is killed at once (the run has failed anyway): the machine is shared.
KILL_RSS_MB = 2048
#: More items than this from one input (a folder) are not all viewed.
MAX_ITEMS_PER_INPUT = 3


# --- the parent --------------------------------------------------------------------------------

@dataclass
class Problem:
    what: str  # "crash" or "hang"
    path: str
    step: str
    detail: str

    def line(self) -> str:
        shown = _shown(self.path)
        first = self.detail.strip().splitlines()[-1] if self.detail.strip() else ""
        return f"{self.what}: {shown!r} at {self.step}: {first}"


@dataclass
class Summary:
    files: int = 0
    imported: int = 0
    refused: int = 0
    viewer_runs: int = 0
    problems: list[Problem] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    worst_rss: tuple[float, str] = (0.0, "")
    seconds: float = 0.0
    over_memory: float = 0.0  # the largest worker stopped for its size
    slowest: list[tuple[float, str, str]] = field(default_factory=list)  # (seconds, path, step)

    @property
    def crashes(self) -> int:
        return sum(p.what == "crash" for p in self.problems)

    @property
    def hangs(self) -> int:
        return sum(p.what == "hang" for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems and self.peak_rss_mb < RSS_LIMIT_MB

    def report(self) -> str:
        lines = [f"files: {self.files}",
                 f"crashes: {self.crashes}",
                 f"hangs>{HANG_SECONDS:g}s: {self.hangs}",
                 f"peak RSS MB: {self.peak_rss_mb:.0f}",
                 f"imported: {self.imported}, refused at intake: {self.refused}, viewer runs: {self.viewer_runs}, "
                 f"{self.seconds:.0f} s"]
        if self.worst_rss[1]:
            lines.append(f"largest RSS after: {self.worst_rss[1]!r} ({self.worst_rss[0]:.0f} MB)")
        lines += [problem.line() for problem in self.problems]
        return "\n".join(lines)

    def slowest_steps(self, count: int = 8) -> str:
        return "\n".join(f"  {seconds:5.1f} s  {_shown(path)!r} {step}"
                         for seconds, path, step in sorted(self.slowest, reverse=True)[:count])


def _shown(path: str) -> str:
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class Worker:
    """One worker process and the file it is on."""

    def __init__(self, number: int, scratch: Path) -> None:
        self.number = number
        self.scratch = scratch
        self.starts = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.current: str | None = None
        self.step = ""
        self.last_heard = 0.0
        self.buffer = b""
        self.start()

    def start(self) -> None:
        self.starts += 1
        home = self.scratch / f"worker{self.number}-{self.starts}"
        for sub in ("home", "settings", "logs", "cache", "data", "tmp"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update({"QT_QPA_PLATFORM": "offscreen", "EVIDENCE_DESK_NO_CRASH_DIALOG": "1",
                    "EVIDENCE_DESK_EXAMINER": "Fuzz Examiner", "EVIDENCE_DESK_LOCATION": "fuzz bench",
                    "EVIDENCE_DESK_HOME": str(home / "home"), "EVIDENCE_DESK_SETTINGS_DIR": str(home / "settings"),
                    "EVIDENCE_DESK_LOG_DIR": str(home / "logs"), "XDG_CACHE_HOME": str(home / "cache"),
                    "XDG_DATA_HOME": str(home / "data"), "TMPDIR": str(home / "tmp"),
                    "PYTHONPATH": os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)})
        self.stderr = open(home / "stderr.log", "wb")  # noqa: SIM115 (closed when the worker ends)
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(home)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        self.current, self.step, self.buffer = None, "starting", b""
        self.ready = False  # until then (importing Qt, making its case) the hang watchdog waits
        self.last_heard = time.monotonic()

    def send(self, path: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.current, self.step = path, "sent"
        self.last_heard = time.monotonic()
        self.proc.stdin.write(json.dumps({"path": path}).encode("ascii") + b"\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        self.stderr.close()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def rss_mb(self) -> float:
        """The worker's resident size now (0 when it cannot be read)."""
        try:
            with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except (OSError, ValueError, AttributeError):
            pass
        return 0.0

    def stacks(self) -> str:
        """Where the worker's threads are (it prints them on SIGUSR1), the GUI thread last."""
        before = Path(self.stderr.name).stat().st_size
        try:
            self.proc.send_signal(signal.SIGUSR1)
        except OSError:
            return ""
        time.sleep(0.5)
        try:
            return Path(self.stderr.name).read_bytes()[before:before + 6000].decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr_tail(self) -> str:
        self.stderr.flush()
        try:
            return Path(self.stderr.name).read_bytes()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""


def fuzz(cases: list[generate.Case], workers: int = 2, scratch: Path | None = None,
         progress: bool = False) -> Summary:
    """Run every case; the summary of what broke."""
    started = time.monotonic()
    summary = Summary(files=len(cases))
    own_scratch = scratch is None
    scratch_dir = Path(tempfile.mkdtemp(prefix="evidence-desk-fuzz-")) if scratch is None else scratch
    queue = [str(case.path) for case in cases]
    queue.reverse()
    pool = [Worker(n, scratch_dir) for n in range(max(1, min(workers, len(queue) or 1)))]
    selector = selectors.DefaultSelector()
    for worker in pool:
        selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)
    done = 0

    def restart(worker: Worker) -> None:
        selector.unregister(worker.proc.stdout)
        worker.kill()
        worker.stderr.close()
        worker.start()
        selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)

    def feed(worker: Worker) -> None:
        if queue:
            worker.send(queue.pop())
        else:
            worker.current = None

    for worker in pool:
        feed(worker)
    while any(w.current is not None for w in pool):
        for key, _ in selector.select(timeout=0.5):
            worker = key.data
            chunk = os.read(worker.proc.stdout.fileno(), 65536)
            if not chunk:  # the worker died
                code = worker.proc.wait()
                if worker.current is not None:
                    summary.problems.append(Problem("crash", worker.current, worker.step,
                                                    f"{worker.stderr_tail()}\nworker ended with {code}"))
                    if progress:
                        print("  " + summary.problems[-1].line(), file=sys.stderr, flush=True)
                    done += 1
                restart(worker)
                feed(worker)
                continue
            worker.last_heard = time.monotonic()
            worker.buffer += chunk
            while b"\n" in worker.buffer:
                line, worker.buffer = worker.buffer.split(b"\n", 1)
                message = json.loads(line)
                if "ready" in message:
                    worker.ready = True
                elif "step" in message:
                    worker.step = message["step"]
                elif "result" in message:
                    _count(summary, worker.current or "", message["result"], progress)
                    done += 1
                    if progress and done % 50 == 0:
                        print(f"  {done}/{len(cases)} files, {summary.crashes} crashes, {summary.hangs} hangs",
                              file=sys.stderr, flush=True)
                    feed(worker)
        now = time.monotonic()
        for worker in pool:
            rss = worker.rss_mb()
            if worker.current is not None and rss > KILL_RSS_MB:
                summary.problems.append(Problem("crash", worker.current, worker.step,
                                                f"the worker grew to {rss:.0f} MB and was stopped"))
                summary.over_memory = max(summary.over_memory, rss)
                if progress:
                    print("  " + summary.problems[-1].line(), file=sys.stderr, flush=True)
                done += 1
                restart(worker)
                feed(worker)
                continue
            silent = now - worker.last_heard
            if worker.current is not None and (silent > HANG_SECONDS + 1.0 if worker.ready else silent > 120):
                where = worker.stacks()
                summary.problems.append(Problem("hang", worker.current, worker.step,
                                                f"{where}\nno word from the worker for {silent:.1f} s"))
                if progress:
                    print("  " + summary.problems[-1].line(), file=sys.stderr, flush=True)
                done += 1
                restart(worker)
                feed(worker)
    for worker in pool:
        selector.unregister(worker.proc.stdout)
        worker.stop()
    summary.peak_rss_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, summary.over_memory)
    summary.seconds = time.monotonic() - started
    if own_scratch:
        import shutil

        shutil.rmtree(scratch_dir, ignore_errors=True)
    return summary


def _count(summary: Summary, path: str, result: dict, progress: bool = False) -> None:
    problems_before = len(summary.problems)
    summary.imported += result["imported"]
    summary.refused += result["refused"]
    summary.viewer_runs += len(result["steps"]) - 1
    for step in result["steps"]:
        if step["error"]:
            summary.problems.append(Problem("crash", path, step["name"], step["error"]))
        for report in step["crash_reports"]:
            summary.problems.append(Problem("crash", path, step["name"], f"crash handler: {report}"))
        if step["stall"] > HANG_SECONDS:
            summary.problems.append(Problem("hang", path, step["name"],
                                            f"the GUI thread was blocked for {step['stall']:.1f} s"))
        summary.slowest.append((step["seconds"], path, step["name"]))
        summary.slowest = sorted(summary.slowest, reverse=True)[:20]
    if progress:
        for problem in summary.problems[problems_before:]:
            print("  " + problem.line(), file=sys.stderr, flush=True)
    rss = result["rss_mb"]
    if rss > summary.worst_rss[0]:
        summary.worst_rss = (rss, _shown(path))


# --- a worker ----------------------------------------------------------------------------------

def worker_main(home: Path) -> int:
    """Read file paths (JSON lines) on stdin; for each, say each step and then the result on stdout."""
    import faulthandler

    from PySide6.QtWidgets import QApplication

    from evidence_desk.core.case import Case
    from evidence_desk.gui.crash import CrashHandler

    faulthandler.register(signal.SIGUSR1, all_threads=True)  # the parent asks where a hang is
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="ascii")
    sys.stdout = sys.stderr  # nothing printed by the app can corrupt the protocol
    app = QApplication.instance() or QApplication(["evidence-desk-fuzz"])
    crash = CrashHandler()
    crash.install()
    case = Case.create(home / "case", "Fuzz case", "Fuzz Examiner")
    runner = _Runner(app, crash, case, out)
    runner.log = home / "files.log"
    runner.say({"ready": True})
    for line in sys.stdin:
        runner.one(json.loads(line)["path"])
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(10_000)
    case.close()
    return 0


class _Runner:
    def __init__(self, app, crash, case, out) -> None:
        self.app, self.crash, self.case, self.out = app, crash, case, out
        self.stall = 0.0
        self.last_beat = 0.0
        self.step_name = ""

    def say(self, message: dict) -> None:
        self.out.write(json.dumps(message) + "\n")

    def timed(self, call):
        """Run ``call`` on the GUI thread, noting the longest block."""
        started = time.monotonic()
        try:
            return call()
        finally:
            self.stall = max(self.stall, time.monotonic() - started)
            if time.monotonic() - self.last_beat > 0.5:
                self.last_beat = time.monotonic()
                self.say({"step": self.step_name})

    def events(self, seconds: float = 0.0, until=lambda: False) -> None:
        """Let the event loop run for ``seconds`` (or until ``until()``), each pass timed."""
        from PySide6.QtCore import QEventLoop

        deadline = time.monotonic() + seconds
        while True:
            self.timed(lambda: self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50))
            if until() or time.monotonic() >= deadline:
                break
            time.sleep(0.01)

    def step(self, name: str, body) -> dict:
        self.step_name = name
        self.say({"step": name})
        self.stall, reports_before = 0.0, len(self.crash.reports)
        started = time.monotonic()
        error = ""
        try:
            body()
        except Exception:  # noqa: BLE001 (every escaping exception is what is being counted)
            error = traceback.format_exc()
        try:
            self.events(0.05)  # queued crash reports arrive
        except Exception:  # noqa: BLE001
            error = error or traceback.format_exc()
        return {"name": name, "error": error, "crash_reports": self.crash.reports[reports_before:],
                "stall": self.stall, "seconds": time.monotonic() - started}

    def one(self, path: str) -> None:
        from evidence_desk.core import operations
        from evidence_desk.core.errors import EvidenceDeskError

        steps: list[dict] = []
        found: dict = {"items": [], "refused": 0}

        def intake() -> None:
            try:
                result = self.timed(lambda: operations.import_files(self.case, [Path(path)]))
            except (EvidenceDeskError, OSError):  # shown to the user as a message, as the app does
                found["refused"] += 1
                return
            found["items"] = list(result.value.items)
            found["refused"] += len(result.value.failures)

        steps.append(self.step("intake", lambda: (_self_test_fault(path, self), intake())))
        for item in found["items"][:MAX_ITEMS_PER_INPUT]:
            for viewer_class in self.viewer_classes(item):
                steps.append(self.step(f"{viewer_class.__name__} of item {item.id} ({item.media_type})",
                                       lambda cls=viewer_class, it=item: self.view(cls, it)))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.say({"result": {"imported": len(found["items"]), "refused": found["refused"], "steps": steps,
                             "rss_mb": rss}})
        with open(self.log, "a", encoding="utf-8", errors="backslashreplace") as log:  # what each file cost
            log.write(f"{_current_rss_mb():7.0f} MB  {max(s['seconds'] for s in steps):5.1f} s  {_shown(path)}\n")

    @staticmethod
    def viewer_classes(item) -> list:
        from evidence_desk.gui.viewers import VIEWERS

        return [cls for _priority, cls in VIEWERS.ranked(item)]

    def view(self, cls, item) -> None:
        from evidence_desk.gui.viewers import MediaViewer, ScanViewer, TextViewer, ViewerContext

        context = ViewerContext.of(self.case, item, on_viewed=lambda _id: None,
                                   on_opened_externally=lambda _id, _path: None,
                                   open_externally=lambda _path: True)
        viewer = self.timed(lambda: cls(context))
        try:
            self.timed(lambda: viewer.resize(900, 640))
            self.timed(viewer.show)
            self.events(SETTLE_SECONDS, until=lambda: _settled(viewer))
            self.timed(viewer.grab)  # paint it all, as a screen would
            if isinstance(viewer, TextViewer):
                self.timed(viewer.show_more)
                bar = viewer.editor.verticalScrollBar()
                self.timed(lambda: bar.setValue(bar.maximum()))
                self.timed(lambda: viewer.editor.moveCursor(viewer.editor.textCursor().MoveOperation.End))
                self.timed(viewer.grab)
            elif isinstance(viewer, ScanViewer):
                for button in (viewer.zoom_in_button, viewer.zoom_out_button, viewer.actual_button,
                               viewer.fit_button):
                    self.timed(button.click)
                self.timed(viewer.grab)
            elif isinstance(viewer, MediaViewer):
                self.timed(viewer.toggle_play)
                self.events(0.1)
                self.timed(lambda: viewer.seek(500))
                self.timed(lambda: viewer.seek(10**13))  # far past any end
                self.events(0.1)
                self.timed(viewer.player.stop)
                self.timed(viewer.grab)
        finally:
            self.timed(viewer.close)
            viewer.deleteLater()
            self.events(0.05)
            from PySide6.QtCore import QCoreApplication, QEvent

            # processEvents() leaves deferred deletes to the main loop, which a worker never enters
            self.timed(lambda: QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete))


#: Set in the environment, files named for a fault make the worker commit it (the runner's own test).
SELF_TEST_ENV = "EVIDENCE_DESK_FUZZ_SELF_TEST"


def _self_test_fault(path: str, runner: _Runner) -> None:
    if os.environ.get(SELF_TEST_ENV) != "1":
        return
    name = os.path.basename(path)
    if "selftest-slot-raises" in name:
        from PySide6.QtCore import QTimer

        def slot() -> None:
            raise RuntimeError("a slot raised")

        QTimer.singleShot(0, slot)
    elif "selftest-raises" in name:
        raise RuntimeError("intake raised")
    elif "selftest-segfault" in name:
        import ctypes

        ctypes.string_at(0)
    elif "selftest-hang" in name:
        runner.timed(lambda: time.sleep(HANG_SECONDS + 3))


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration, ValueError):
        return 0.0


def _settled(viewer) -> bool:
    from PySide6.QtMultimedia import QMediaPlayer

    from evidence_desk.gui.viewers import AudioViewer, MediaViewer, ScanViewer

    if isinstance(viewer, MediaViewer):
        status = viewer.player.mediaStatus()
        loaded = status not in (QMediaPlayer.MediaStatus.NoMedia, QMediaPlayer.MediaStatus.LoadingMedia) \
            or bool(viewer.problem)
        if isinstance(viewer, AudioViewer) and viewer.peak_reader is not None:
            return loaded and viewer.peak_reader._done
        return loaded
    if isinstance(viewer, ScanViewer):
        return viewer.page_loaded or bool(viewer.problem)
    return True


# --- command line ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reduced", action="store_true", help="the reduced set of the test suite")
    parser.add_argument("--seed", type=int, default=generate.SEED)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="write the files (and the workers' folders) here and keep them")
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--files", type=Path, help="run the files in this folder instead of generating them")
    args = parser.parse_args(argv)
    if args.worker is not None:
        return worker_main(args.worker)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="evidence-desk-fuzz-files-"))
    try:
        if args.files is not None:
            cases = [generate.Case(path, "given", "given") for path in sorted(args.files.iterdir())]
        else:
            cases = generate.generate(folder / "files", args.seed, reduced=args.reduced)
        if args.only:
            cases = [case for case in cases if args.only in str(case.path)]
        print(f"fuzzing {len(cases)} files with {args.workers} worker(s)…", file=sys.stderr, flush=True)
        scratch = folder / "work" if args.keep else None
        if scratch is not None:
            scratch.mkdir(parents=True, exist_ok=True)
        summary = fuzz(cases, args.workers, scratch, progress=True)
    finally:
        if args.keep is None:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    if args.keep is not None:
        (args.keep / "problems.txt").write_text(
            "\n\n".join(f"{p.line()}\n{p.detail}" for p in summary.problems), "utf-8", errors="replace")
    print(summary.report())
    print("slowest steps:\n" + summary.slowest_steps(), file=sys.stderr)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
