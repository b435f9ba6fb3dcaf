"""Every action of the main window, built once and keyed by name.

Menus, the toolbar and context menus reuse these; each has a shortcut and a
status tip. Actions that change the case are marked so read-only mode can
switch them all off at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from .icons import icon

StandardKey = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcut: QKeySequence.StandardKey | str
    tip: str
    changes_case: bool = False
    icon: str = ""


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("new_case", "&New Case…", StandardKey.New, "Create a new, empty case folder"),
    ActionSpec("open_case", "&Open Case…", StandardKey.Open, "Open an existing case folder"),
    ActionSpec("open_packet", "Open Re&view Packet…", "Ctrl+Shift+O",
               "Verify a sealed review packet and open it read-only, with your own review notes"),
    ActionSpec("export_review_notes", "E&xport Review Notes…", "Ctrl+Shift+X",
               "Save your review notes on the open packet as a file signed with your reviewer key"),
    ActionSpec("import_notes", "Import Review &Feedback…", "Ctrl+Shift+F",
               "Receive a reviewer's signed notes on a packet you sealed: their judgements are shown beside your "
               "records (custody-logged; none of your records changes)", changes_case=True),
    ActionSpec("import_packet", "Import Packet as &New Case…", "Ctrl+Shift+P",
               "Verify a review packet and continue its case, and its chain of custody, in a new case folder"),
    ActionSpec("export_report", "Export &Report…", "Ctrl+R",
               "Write the chain-of-custody report (PDF or HTML) of the case or the selected event",
               icon="document"),
    ActionSpec("export_packet", "Export Review Pac&ket…", "Ctrl+Shift+K",
               "Seal a signed review packet (folder or .zip) of the case or the selected event"),
    ActionSpec("backup", "&Back Up…", "", "Copy the case into a backup folder (incremental, verified), "
               "even while it is open here"),
    ActionSpec("restore_backup", "Restore Bac&kup…", "",
               "Verify a backup folder and bring it back as a new case folder"),
    ActionSpec("import", "&Import Files…", "Ctrl+I", "Copy files into the vault and catalogue them",
               changes_case=True, icon="document"),
    ActionSpec("import_folder", "Import &Folder…", "Ctrl+Shift+I",
               "Copy every file of a folder into the vault and catalogue them", changes_case=True),
    ActionSpec("set_examiner", "Set &Examiner…", "Ctrl+Shift+E",
               "Change the name recorded as examiner in the custody entries you make from now on"),
    ActionSpec("close_window", "&Quit", StandardKey.Quit, "Close the case and quit Evidence Desk"),
    ActionSpec("undo", "&Undo", StandardKey.Undo, "Undo the last edit (recorded as a new custody entry)",
               changes_case=True),
    ActionSpec("redo", "&Redo", StandardKey.Redo, "Redo the edit you undid (recorded as a new custody entry)",
               changes_case=True),
    ActionSpec("save_item", "&Save Item Changes", StandardKey.Save,
               "Save the edited metadata of the selected item; each change is logged in custody",
               changes_case=True),
    ActionSpec("new_event", "New &Event…", "Ctrl+E", "Add an event to the timeline", changes_case=True,
               icon="event"),
    ActionSpec("edit_event", "Edi&t Event…", "F2",
               "Change the selected event's title, place, notes or time as the source gave it, with a reason "
               "(each change is custody-logged with its old value)", changes_case=True),
    ActionSpec("attach_event", "&Attach to Event…", "Ctrl+L",
               "Attach the selected item to another event (custody-logged); or drag the item onto the timeline",
               changes_case=True),
    ActionSpec("detach_event", "&Detach from This Event", "Ctrl+Shift+L",
               "Detach the selected item from the event selected on the timeline (custody-logged)",
               changes_case=True),
    ActionSpec("add_note", "Add &Journal Note", "Ctrl+J",
               "Write a timestamped note in the case journal (it is custody-logged)", changes_case=True,
               icon="note"),
    ActionSpec("grade", "&Grade…", "Ctrl+G",
               "Grade the selected item, statement or claim (credibility 1–6) and its source (reliability A–F), "
               "with a rationale", changes_case=True),
    ActionSpec("new_statement", "New &Statement…", "Ctrl+Shift+S",
               "Record what someone said: speaker, medium, time as said, verbatim text, source, the item it is "
               "drawn from and the events it concerns (custody-logged)", changes_case=True, icon="statement"),
    ActionSpec("new_claim", "New &Claim…", "Ctrl+Shift+M",
               "Add a claim; then drag items or statements onto it, or link them, for or against it",
               changes_case=True),
    ActionSpec("new_request", "New Evidence Re&quest…", "Ctrl+Alt+R",
               "Record a request for evidence: what, of whom, asked and due (custody-logged)", changes_case=True),
    ActionSpec("edit_analysis", "&Edit Selected Statement, Claim or Request…", "Shift+F2",
               "Change the selected statement, claim, link or request, with a reason (undoable; each change is "
               "custody-logged with its old value)", changes_case=True),
    ActionSpec("link_claim", "&Link to Claim…", "Ctrl+K",
               "Link the selected items or statement to a claim: supports, contradicts or mentions, with a note",
               changes_case=True),
    ActionSpec("unlink_claim", "&Take Off Claim…", "Ctrl+Shift+Del",
               "Take the selected evidence off its claim, with a reason (custody-logged; undoable)",
               changes_case=True),
    ActionSpec("request_status", "Edit Request or &Status…", "Ctrl+Shift+U",
               "Change the selected request's wording and times, its status (fulfilled, refused…) and the items "
               "it produced, with a reason (undoable)",
               changes_case=True),
    ActionSpec("judge", "Review &Judgement…", "Ctrl+Shift+J",
               "In review mode: mark the selected item, one of its grades, a statement or a claim as accepted, "
               "disputed or needing more information, with a note (signed into your review notes)"),
    ActionSpec("find", "&Find Items", StandardKey.Find, "Filter the item list by name, description, hash or source"),
    ActionSpec("show_all_items", "Show &All Items", "Ctrl+Shift+A",
               "List every item of the case rather than those of the selected event", icon="list"),
    ActionSpec("verify", "&Verify Case…", "Ctrl+Shift+V",
               "Rehash every object and walk the custody chain; list anything broken", icon="app"),
    ActionSpec("view_item", "&Open Item Preview", "Ctrl+P", "Show the selected item's content in the inspector"),
    ActionSpec("copy_hash", "Copy SHA-256", "Ctrl+Shift+C", "Copy the selected item's full SHA-256 hash"),
    ActionSpec("reveal_timeline", "Focus &Timeline", "Ctrl+1", "Move the keyboard focus to the timeline"),
    ActionSpec("reveal_items", "Focus &Items", "Ctrl+2", "Move the keyboard focus to the item list"),
    ActionSpec("reveal_claims", "Show &Claims && Contradictions", "Ctrl+4",
               "Every claim with its grade and the evidence that supports, contradicts or mentions it"),
    ActionSpec("reveal_statements", "Show &Statements", "Ctrl+5",
               "Every statement: speaker, medium, time as the source said it, grade, text"),
    ActionSpec("reveal_requests", "Show Evidence &Requests", "Ctrl+6",
               "Open evidence requests: to whom, asked, due, status, resulting items"),
    ActionSpec("reveal_inspector", "Focus I&nspector", "Ctrl+3", "Move the keyboard focus to the inspector"),
    ActionSpec("examiner_key", "Examiner &Key…", "Ctrl+Alt+K",
               "Your personal signing key, kept outside every case: its fingerprint, and unlocking it for "
               "this session"),
    ActionSpec("create_reviewer_key", "Create Reviewer Key &Pair…", "",
               "Make your reviewer key pair: examiners encrypt packets for its public key so only you open them"),
    ActionSpec("reviewer_key", "Reviewer &Public Key…", "",
               "Your reviewer public key (age1…), to copy or save for the examiner who encrypts packets for you"),
    ActionSpec("user_guide", "&User Guide", "F1",
               "The offline guide: working a case as an investigator, and reviewing a packet"),
    ActionSpec("about", "&About Evidence Desk", "", "Version and the case's signing key fingerprint"),
)


def build(parent: QWidget, handlers: dict[str, Callable[[], object]]) -> dict[str, QAction]:
    """Make one QAction per spec, connected to ``handlers[name]``."""
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.name)
        shortcut = QKeySequence(spec.shortcut)
        action.setShortcut(shortcut)
        action.setStatusTip(spec.tip)
        hint = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{spec.tip} ({hint})" if hint else spec.tip)
        action.setProperty("changes_case", spec.changes_case)
        if spec.icon:
            action.setIcon(icon(spec.icon))
        handler = handlers.get(spec.name)
        if handler is not None:
            action.triggered.connect(lambda _checked=False, h=handler: h())
        actions[spec.name] = action
        parent.addAction(action)
    return actions
