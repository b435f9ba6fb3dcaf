"""The GUI and the CLI share every operation: the same action, driven once from the
command line (case A) and once through the real window (case B, built the same
way), writes the same custody entries.

Each operation is its own test case, so a drift between the two front ends
fails by the operation's name. Only what cannot be the same is normalised:
times, the two cases' own folders, the case keys, and the hashes of files that
embed their export time (each checked against the real file first).
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import wave
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from evidence_desk import cli
from evidence_desk.core.case import Case
from evidence_desk.core.packet import format as packet_format
from evidence_desk.gui.case_dialogs import NewEventDialog
from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle

EXAMINER = "Test Examiner"  # the GUI's examiner comes from $EVIDENCE_DESK_EXAMINER (tests/conftest.py)

# what both front ends are told, word for word
INTAKE = {"source": "CPD", "acquired_from": "Officer J. Doe, badge 1234", "method": "copied from the officer's phone",
          "description": "radio traffic and the officer's notes"}
NEW_EVENT = {"title": "Units cleared the scene", "when": "04-Oc5-2025/12:34:44", "place": "South Side"}
EVENT_EDIT = {"title": "Memo written (scan)", "when": "between 12:30 and 12:40 on 2025-10-04", "reason": "scan of the memo read"}
ITEM_EDIT = {"description": "dispatcher memo, page 1 of 2", "reason": "second page found"}
GRADE = {"credibility": "2", "reliability": "B", "rationale": "Matches the dispatch audio word for word"}
NOTE = "Asked OEMC for the full dispatch recording"


# --- two cases built the same way -------------------------------------------------

@dataclass(frozen=True)
class Ids:
    dispatch: int  # event "Dispatch order relayed", has the memo
    memo_event: int  # event "Memo written", time unknown
    memo: int  # item on the dispatch event, source OEMC
    radio: int  # item on no event, no source
    oemc: int  # source


@dataclass(frozen=True)
class Bench:
    """One side of the comparison: its case, where it writes exports, the shared real files."""

    root: Path
    case_dir: Path
    out: Path
    files: Path
    ids: Ids
    base_seq: int  # the last custody entry before the operation


def _write_wav(path: Path) -> None:
    """Half a second of a 440 Hz tone: a real audio file."""
    rate = 8000
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
                               for n in range(rate // 2)))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    (folder / "intake").mkdir(parents=True)
    (folder / "memo.txt").write_text("Per chief of patrol: clear everybody out.\n", "utf-8")
    (folder / "radio.txt").write_text("Unit 12 to dispatch: copy, clearing out.\n", "utf-8")
    _write_wav(folder / "intake" / "dispatch.wav")
    (folder / "intake" / "notes.txt").write_text("12:41 all units off the block.\n", "utf-8")
    return folder


def _build(root: Path, files: Path) -> Path:
    """Two events, the memo on the first (source OEMC), a radio log on none."""
    path = root / "case"
    (root / "out").mkdir(parents=True)
    with Case.create(path, "Stand-down inquiry", EXAMINER, tz="America/Chicago") as case:
        dispatch = case.events.add("Dispatch order relayed", when="2025-10-04 12:34:44", place="OEMC dispatch")
        case.events.add("Memo written", when="early one morning")
        case.items.import_file(files / "memo.txt", event_ids=[dispatch.id], source="OEMC",
                               description="dispatcher memo", acquired_from="OEMC records clerk",
                               method="handed over on USB")
        case.items.import_file(files / "radio.txt", acquired_from="OEMC records clerk")
    return path


def _bench(root: Path, files: Path) -> Bench:
    case_dir = root / "case"
    with Case.open(case_dir, read_only=True) as case:
        memo = next(i for i in case.items.list() if i.name == "memo.txt")
        radio = next(i for i in case.items.list() if i.name == "radio.txt")
        dispatch, memo_event = (next(e for e in case.events.list() if e.title == t)
                                for t in ("Dispatch order relayed", "Memo written"))
        assert memo.source_id is not None
        ids = Ids(dispatch.id, memo_event.id, memo.id, radio.id, memo.source_id)
        base_seq = case.history.head_seq()
    return Bench(root, case_dir, root / "out", files, ids, base_seq)


@pytest.fixture
def case_dir(tmp_path: Path, files: Path) -> Path:
    """Case B: the one the ``window`` fixture opens."""
    return _build(tmp_path / "gui", files)


@pytest.fixture
def benches(tmp_path: Path, files: Path, case_dir: Path) -> tuple[Bench, Bench]:
    _build(tmp_path / "cli", files)
    cli_bench, gui_bench = _bench(tmp_path / "cli", files), _bench(tmp_path / "gui", files)
    # built the same way: same ids, same history so far, apart from times and keys
    assert cli_bench.ids == gui_bench.ids
    assert cli_bench.base_seq == gui_bench.base_seq
    return cli_bench, gui_bench


# --- the CLI side -------------------------------------------------------------------

def run_cli(*argv: str) -> None:
    """``evidence-desk ARGV --examiner EXAMINER``, in this process; it must succeed."""
    args = [*argv, "--examiner", EXAMINER]
    code = cli.main(args)
    assert code == 0, f"evidence-desk {' '.join(args)} exited {code}"


def cli_import(b: Bench) -> None:
    run_cli("add", str(b.case_dir), str(b.files / "intake" / "dispatch.wav"), str(b.files / "intake" / "notes.txt"),
            "--event", str(b.ids.dispatch), "--source", INTAKE["source"], "--from", INTAKE["acquired_from"],
            "--method", INTAKE["method"], "--description", INTAKE["description"])


def cli_add_event(b: Bench) -> None:
    run_cli("event", "add", str(b.case_dir), "--title", NEW_EVENT["title"], "--when", NEW_EVENT["when"],
            "--place", NEW_EVENT["place"])


def cli_edit_event(b: Bench) -> None:
    run_cli("event", "edit", str(b.case_dir), str(b.ids.memo_event),
            "--title", EVENT_EDIT["title"], "--when", EVENT_EDIT["when"], "--reason", EVENT_EDIT["reason"])


def cli_edit_item(b: Bench) -> None:
    run_cli("edit", str(b.case_dir), str(b.ids.memo),
            "--description", ITEM_EDIT["description"], "--reason", ITEM_EDIT["reason"])


def cli_attach(b: Bench) -> None:
    run_cli("link", str(b.case_dir), str(b.ids.radio), str(b.ids.dispatch))


def cli_detach(b: Bench) -> None:
    run_cli("link", str(b.case_dir), str(b.ids.memo), str(b.ids.dispatch),
            "--remove")


def cli_grade(b: Bench) -> None:
    # the CLI grades one axis per call: the item's credibility, then its source's reliability
    run_cli("grade", str(b.case_dir), "item", str(b.ids.memo),
            "--credibility", GRADE["credibility"], "--rationale", GRADE["rationale"])
    run_cli("grade", str(b.case_dir), "source", str(b.ids.oemc),
            "--reliability", GRADE["reliability"], "--rationale", GRADE["rationale"])


def cli_note(b: Bench) -> None:
    run_cli("note", "add", str(b.case_dir), "--text", NOTE, "--event", str(b.ids.dispatch))


def cli_verify(b: Bench) -> None:
    run_cli("verify", str(b.case_dir), "--record")


def cli_report(b: Bench) -> None:
    run_cli("report", str(b.case_dir), "-o", str(b.out / "report.pdf"))


def cli_packet(b: Bench) -> None:
    run_cli("export", str(b.case_dir), "-o", str(b.out / "packet.zip"))


# --- the GUI side: the real window, its actions and dialogs -----------------------------

def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _select_event(win: MainWindow, event_id: int) -> None:
    row = win.events_model.row_of(event_id)
    assert row >= 0
    win.select_event_row(row)
    assert win.selected_event is not None and win.selected_event.id == event_id


def _select_item(win: MainWindow, item_id: int) -> None:
    row = win.items_model.row_of(item_id)
    assert row >= 0
    win.select_item_row(row)
    assert win.inspector.item is not None and win.inspector.item.id == item_id


def gui_import(qtbot, win: MainWindow, b: Bench) -> None:
    # File ▸ Import Files… asks a file chooser for these paths; the intake dialog is the real one
    win.import_paths([b.files / "intake" / "dispatch.wav", b.files / "intake" / "notes.txt"], b.ids.dispatch)
    dialog = win.intake_dialog
    assert dialog is not None and dialog.isVisible() and dialog.event.currentData() == b.ids.dispatch
    dialog.source.setEditText(INTAKE["source"])
    qtbot.keyClicks(dialog.acquired_from, INTAKE["acquired_from"])
    qtbot.keyClicks(dialog.method, INTAKE["method"])
    dialog.description.setPlainText(INTAKE["description"])
    _click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    wait_idle(qtbot, win)
    assert win.last_intake is not None and len(win.last_intake.items) == 2


def gui_add_event(qtbot, win: MainWindow, b: Bench) -> None:
    filled: list[str] = []

    def fill() -> None:  # the dialog runs modally: fill it in once it is up
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NewEventDialog):
            QTimer.singleShot(20, fill)
            return
        try:
            dialog.title.setText(NEW_EVENT["title"])
            dialog.when.setText(NEW_EVENT["when"])
            dialog.place.setText(NEW_EVENT["place"])
            filled.append(dialog.reading.text())
            _click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, fill)
    win.actions["new_event"].trigger()
    wait_idle(qtbot, win)
    assert filled and "month 'Oc5' read as Oct" in filled[0]


def gui_edit_event(qtbot, win: MainWindow, b: Bench) -> None:
    _select_event(win, b.ids.memo_event)
    win.actions["edit_event"].trigger()
    dialog = win.edit_event_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.title.setText(EVENT_EDIT["title"])
    dialog.when.setText(EVENT_EDIT["when"])
    qtbot.keyClicks(dialog.reason, EVENT_EDIT["reason"])
    _click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    wait_idle(qtbot, win)
    assert not dialog.isVisible()


def gui_edit_item(qtbot, win: MainWindow, b: Bench) -> None:
    win.show_all_items()
    _select_item(win, b.ids.memo)
    details = win.inspector.details
    details.description.setPlainText(ITEM_EDIT["description"])
    qtbot.keyClicks(details.reason, ITEM_EDIT["reason"])
    _click(qtbot, details.save)
    wait_idle(qtbot, win)


def gui_attach(qtbot, win: MainWindow, b: Bench) -> None:
    win.show_all_items()
    _select_item(win, b.ids.radio)
    win.actions["attach_event"].trigger()
    inspector = win.inspector
    inspector.attach_choice.setCurrentIndex(inspector.attach_choice.findData(b.ids.dispatch))
    _click(qtbot, inspector.attach_button)
    wait_idle(qtbot, win)


def gui_detach(qtbot, win: MainWindow, b: Bench) -> None:
    _select_event(win, b.ids.dispatch)
    _select_item(win, b.ids.memo)
    win.actions["detach_event"].trigger()
    wait_idle(qtbot, win)


def gui_grade(qtbot, win: MainWindow, b: Bench) -> None:
    win.show_all_items()
    _select_item(win, b.ids.memo)
    win.actions["grade"].trigger()
    dialog = win.grade_dialog
    assert dialog is not None and dialog.isVisible()
    for button in (dialog.credibility_buttons[GRADE["credibility"]], dialog.reliability_buttons[GRADE["reliability"]]):
        # on the indicator: a radio button stretched across its group only reacts on its box and label
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
        assert button.isChecked()
    qtbot.keyClicks(dialog.rationale, GRADE["rationale"])
    _click(qtbot, dialog.ok_button)
    wait_idle(qtbot, win)
    assert not dialog.isVisible()


def gui_note(qtbot, win: MainWindow, b: Bench) -> None:
    _select_event(win, b.ids.dispatch)  # the note links to the selection: the event
    assert win.journal.link.isChecked()
    qtbot.keyClicks(win.journal.entry, NOTE)
    _click(qtbot, win.journal.add)
    wait_idle(qtbot, win)
    assert win.journal.entry.toPlainText() == ""


def gui_verify(qtbot, win: MainWindow, b: Bench) -> None:
    win.actions["verify"].trigger()
    qtbot.waitUntil(lambda: win.verify_dialog is not None, timeout=15_000)
    wait_idle(qtbot, win)
    assert win.verify_dialog.report.ok
    win.verify_dialog.close()


def _export(qtbot, win: MainWindow, action: str, out: Path) -> None:
    win.actions[action].trigger()
    dialog = win.export_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.path.setText(str(out))  # typed, rather than chosen with Browse…
    _click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: win.last_export is not None, timeout=30_000)
    wait_idle(qtbot, win)
    win.export_message.close()


def gui_report(qtbot, win: MainWindow, b: Bench) -> None:
    _export(qtbot, win, "export_report", b.out / "report.pdf")


def gui_packet(qtbot, win: MainWindow, b: Bench) -> None:
    _export(qtbot, win, "export_packet", b.out / "packet.zip")


# --- what each wrote, with only the volatile values normalised -----------------------------

#: every hashed field of an entry except its time, its place in the chain and its hashes
COMPARED = ("action", "target_type", "target_id", "item_id", "item_sha256", "purpose", "released_by",
            "received_by", "condition", "examiner", "location")
TIME_KEYS = {"acquired_at", "created_at", "changed_at", "graded_at", "stored_at", "at", "received_at"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tagmanifest(packet: Path) -> bytes:
    with zipfile.ZipFile(packet) as archive:
        return archive.read(f"{packet.stem}/{packet_format.TAGMANIFEST}")


def written(b: Bench) -> list[dict[str, Any]]:
    """The custody entries the operation wrote in ``b``'s case, comparable across cases."""
    with Case.open(b.case_dir, read_only=True) as case:
        entries = case.history.entries_after(b.base_seq)
        chain = {e.seq: e.entry_hash for e in case.history.entries()}
        fingerprint = case.info().fingerprint
    roots = sorted({str(b.root), str(b.root.resolve())}, key=len, reverse=True)

    def norm(key: str, value: Any, details: dict[str, Any]) -> Any:
        if isinstance(value, dict):
            return {k: norm(k, v, value) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(key, v, details) for v in value]
        if key in TIME_KEYS and isinstance(value, str):
            return "<time>"
        if key == "report_sha256":
            assert value == _sha256(Path(details["report"]).read_bytes()), "the logged hash is the report's"
            return "<sha256 of the report written>"
        if key == "tagmanifest_sha256":
            assert value == _sha256(_tagmanifest(b.out / details["packet"])), "the logged hash is the packet's"
            return "<sha256 of the packet's tag manifest>"
        if key == "fingerprint" and value == fingerprint:
            return "<this case's key fingerprint>"
        if key == "entry_hash" and "seq" in details:
            assert value == chain[details["seq"]]
            return f"<hash of entry {details['seq']}>"
        if isinstance(value, str):
            for root in roots:
                value = value.replace(root, "<this side's folder>")
        return value

    out = []
    for entry in entries:
        # The examiner signs the head after each command on the command line, at the end of a
        # working session in the app: checkpoints differ by design and are tested on their own.
        if entry.action == "checkpoint":
            continue
        row = {name: getattr(entry, name) for name in COMPARED}
        row["details"] = norm("", entry.details_dict, {})
        out.append(row)
    return out


@dataclass(frozen=True)
class Operation:
    cli: Callable[[Bench], None]
    gui: Callable[[Any, MainWindow, Bench], None]
    actions: list[str]  # what it must write (so two empty lists cannot pass)
    ordered: bool = True


OPERATIONS = {
    "import_files": Operation(cli_import, gui_import, ["source_added", "acquired", "acquired"]),
    "add_event": Operation(cli_add_event, gui_add_event, ["event_added"]),
    "edit_event": Operation(cli_edit_event, gui_edit_event, ["event_changed", "event_changed"]),
    "edit_item": Operation(cli_edit_item, gui_edit_item, ["metadata_changed"]),
    "attach_item_to_event": Operation(cli_attach, gui_attach, ["linked"]),
    "detach_item_from_event": Operation(cli_detach, gui_detach, ["unlinked"]),
    # one GUI transaction, two CLI calls: the same set of entries
    "grade_item_and_source": Operation(cli_grade, gui_grade, ["graded", "graded"], ordered=False),
    "journal_note_on_event": Operation(cli_note, gui_note, ["journal_note"]),
    "verify_recorded": Operation(cli_verify, gui_verify, ["verified"]),
    "export_report_pdf": Operation(cli_report, gui_report, ["exported"]),
    "export_packet": Operation(cli_packet, gui_packet, ["exported", "exported", "sealed"]),
}


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_cli_and_gui_write_the_same_custody_entries(qtbot, window: MainWindow, benches: tuple[Bench, Bench],
                                                    name: str) -> None:
    op = OPERATIONS[name]
    cli_bench, gui_bench = benches
    assert window.case is not None and window.case.path == gui_bench.case_dir

    op.cli(cli_bench)
    op.gui(qtbot, window, gui_bench)
    wait_idle(qtbot, window)

    from_cli, from_gui = written(cli_bench), written(gui_bench)
    if not op.ordered:
        from_cli, from_gui = (sorted(rows, key=lambda r: json.dumps(r, sort_keys=True)) for rows in (from_cli, from_gui))
    assert sorted(r["action"] for r in from_cli) == sorted(op.actions)
    assert from_gui == from_cli
