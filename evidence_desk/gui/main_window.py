"""The main window: timeline and journal, the item list, the inspector."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core import lock as case_lock
from ..core import operations as ops
from ..core import store
from ..core.case import Case
from ..core.records import Event, Item
from . import actions as action_registry
from . import settings
from .analysis import AnalysisDesk
from .backup import BackupDesk
from .case_dialogs import NewCaseDialog, NewEventDialog
from .claims import ClaimRole, ClaimsPanel
from .crash import CrashHandler
from .event_edit import EditEventDialog
from .event_edit import old_values as old_event_values
from .examiner_key import KeySession
from .help import DEMO_LINE, is_demo_case
from .icons import icon, kind_icon
from .inspector import Inspector
from .intake import IntakeDialog, IntakeRequest, IntakeResult, show_intake_result
from .journal import JournalPane
from .judgements import JudgementDialog, JudgementMarks, mark_claims, mark_statements, targets_of
from .models import ITEM_COLUMNS, EventRole, EventsModel, ItemsModel
from .operations import CaseOps
from .plain import esc, inline, line, markup, plain_message, tip
from .statements import RequestsPanel, StatementsPanel
from .tasks import ErrorPresenter, TaskRunner
from .timeline import TimelineView
from .timeline_view import TimelineChart
from .undo import EditEventCommand, EditItemCommand, OperationCommand, TextUndoKeys
from .verify_dialog import VerifyResultDialog

log = logging.getLogger("evidence_desk.gui.window")

INTAKE_EVENT_CHOICES = 500
#: the item list's column widths, in ITEM_COLUMNS order (the name takes what is left)
ITEM_COLUMN_WIDTHS = (44, 200, 120, 50, 122, 100, 104, 100)
#: columns the item list gives up, in this order, when it is too narrow for all of them
#: (a 1024-pixel laptop screen): the grade and the hash stay, the rest is in the inspector
NARROW_HIDDEN_COLUMNS = ("acquired_by", "source", "acquired_at")
NAME_COLUMN_MIN_PX = 140


class MainWindow(QMainWindow):
    def __init__(self, crash: CrashHandler | None = None) -> None:
        super().__init__()
        self.crash = crash or CrashHandler()
        #: the GUI thread's reads: a read-only connection of its own (WAL), never the writer's
        self.case: Case | None = None
        #: the writable case, used only by operations on the writer thread; None when read-only
        self.writer: Case | None = None
        self.lock: case_lock.CaseLock | None = None
        self.lock_holder: case_lock.LockHolder | None = None
        self.review: Any = None  # a core.packet.review.ReviewSession in review mode
        from .idle_lock import IdleWatch

        self.idle_watch = IdleWatch(self, self.lock_case)  # an encrypted case locks when left alone
        self.lock_screen: Any = None
        self._locked_central: Any = None
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        self.errors = ErrorPresenter(self, self.crash.report)
        self.runner = TaskRunner(self, self.errors)
        self.ops = CaseOps(lambda: self.runner, self)
        self.undo_stack = QUndoStack(self)
        self.text_undo_keys = TextUndoKeys(self)  # Ctrl+Z in a field: its typing first, then the case's edits
        self.intake_dialog: IntakeDialog | None = None
        self.verify_dialog: VerifyResultDialog | None = None
        self.last_intake: IntakeResult | None = None
        self.intake_message: QMessageBox | None = None
        self.grade_dialog: Any = None
        self.export_dialog: Any = None
        self.export_message: QMessageBox | None = None
        self.import_packet_dialog: Any = None
        self.packet_check_dialog: Any = None
        self.last_export: Any = None  # the report written or the packet sealed last, for tests
        self.edit_event_dialog: Any = None
        #: the examiner key of this session (signs checkpoints and packets), once unlocked
        self.keys = KeySession()
        self.examiner_key_dialog: Any = None
        self.reviewer_key_dialog: Any = None
        self.reviewer_passphrase_dialog: Any = None
        self._session_head: tuple[int, str] | None = None  # the custody head when the case was opened
        #: the reviewer's judgements shown beside records (own ones in review mode, received ones otherwise)
        self.marks = JudgementMarks()
        self.judgement_dialog: Any = None
        self.last_feedback: Any = None  # the last review feedback imported, for tests
        self.user_guide: Any = None
        self._build_widgets()
        self.analysis = AnalysisDesk(self)  # statements, claims, requests and bulk item actions
        self.backups = BackupDesk(self)  # File > Back Up… and Restore Backup…
        self.inspector.marks = self.marks
        self.claims_panel.reloaded.connect(
            lambda: mark_claims(self.claims_panel.claim_list, self.marks, ClaimRole) if self.marks else None)
        self.statements_panel.reloaded.connect(
            lambda: mark_statements(self.statements_panel.table, self.statements_panel.statements, self.marks)
            if self.marks else None)
        self.actions = action_registry.build(self, {
            **self.analysis.handlers(),
            "backup": self.backups.choose_backup, "restore_backup": self.backups.choose_restore,
            "new_case": self.new_case, "open_case": self.choose_case, "open_packet": self.choose_packet,
            "export_review_notes": self.export_review_notes, "import": self.choose_files,
            "import_folder": self.choose_folder, "set_examiner": self.set_examiner, "close_window": self.close, "undo": self.undo_stack.undo,
            "redo": self.undo_stack.redo, "save_item": self.inspector.details.request_save,
            "new_event": self.new_event, "add_note": self.focus_journal, "find": self.focus_find,
            "show_all_items": self.show_all_items, "verify": self.verify_case,
            "view_item": self.inspector.open_preview, "copy_hash": self.copy_hash,
            "reveal_timeline": lambda: self.timeline.setFocus(), "reveal_items": self.reveal_items,
            "reveal_inspector": lambda: self.inspector.tabs.setFocus(), "about": self.about,
            "import_packet": self.choose_packet_to_import, "export_report": self.choose_report_export,
            "export_packet": self.choose_packet_export, "grade": self.grade_selected,
            "reveal_claims": lambda: self.reveal_tab(self.claims_panel),
            "reveal_statements": lambda: self.reveal_tab(self.statements_panel),
            "reveal_requests": lambda: self.reveal_tab(self.requests_panel),
            "edit_event": self.edit_event, "attach_event": self.attach_to_event,
            "detach_event": self.detach_from_event, "examiner_key": self.show_examiner_key,
            "judge": self.judge_selected, "import_notes": self.choose_notes_to_import,
            "user_guide": self.show_user_guide,
            "create_reviewer_key": self.show_reviewer_key, "reviewer_key": self.show_reviewer_key,
        })
        self._build_menus()
        # every view subscribes to what operations change; none is refreshed by hand
        for view in (self._case_changed, self.inspector.case_changed, self.claims_panel.case_changed,
                     self.statements_panel.case_changed, self.requests_panel.case_changed):
            self.ops.case_changed.connect(view)
        self.ops.case_changed.connect(self.timeline_chart.case_changed)
        self.undo_stack.canUndoChanged.connect(lambda _=None: self._update_actions())
        self.undo_stack.canRedoChanged.connect(lambda _=None: self._update_actions())
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.actions["undo"].setText(f"&Undo {text}" if text else "&Undo"))
        self.undo_stack.redoTextChanged.connect(
            lambda text: self.actions["redo"].setText(f"&Redo {text}" if text else "&Redo"))
        self.resize(1440, 900)
        geometry = settings.settings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    # --- layout ----------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3cd; color: #5c4300; padding: 8px; border-bottom: 1px solid #e0c36c")
        self.banner.hide()

        self.timeline = TimelineView()
        self.timeline.files_dropped.connect(self.import_paths)
        self.timeline.items_dropped.connect(lambda ids, event_id: self.link_items(ids, event_id, True))
        self.timeline.doubleClicked.connect(lambda _index: self.edit_event())
        self.timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline.customContextMenuRequested.connect(self._timeline_menu)
        self.timeline_header = QLabel("<b>Timeline</b>")
        self.timeline_header.setToolTip("Events by normalised time; unknown times last. Drop files on an event "
                                        "to import them into it, or item rows to attach them to it. Double-click an "
                                        "event to edit it.")
        left_top = QWidget()
        lt = QVBoxLayout(left_top)
        lt.setContentsMargins(6, 6, 6, 0)
        lt.addWidget(self.timeline_header)
        lt.addWidget(self.timeline, 1)
        self.journal = JournalPane()
        self.journal.note_submitted.connect(self.add_note)
        self.journal.notes.itemDoubleClicked.connect(self._journal_jump)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(left_top)
        left.addWidget(self.journal)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)

        self.items_title = QLabel()
        self.items_title.setWordWrap(True)  # a long event title wraps instead of widening the window
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by name, description, hash or source…")
        self.search.setClearButtonEnabled(True)
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", None)
        for kind in store.ITEM_KINDS:
            self.kind_filter.addItem(kind_icon(kind), kind, kind)
        self._filter_timer = QTimer(self, singleShot=True, interval=250)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._filter_timer.start())
        self.kind_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.kind_filter)
        self.items_view = QTableView()
        self.items_view.setSortingEnabled(True)
        self.items_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows at once (Shift/Ctrl+click): grade, attach or link them in one operation
        self.items_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.items_view.verticalHeader().hide()
        self.items_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.items_view.setAlternatingRowColors(True)
        self.items_view.setWordWrap(False)
        self.items_view.horizontalHeader().setStretchLastSection(False)
        self.items_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.items_view.customContextMenuRequested.connect(self._item_menu)
        self.items_view.setAccessibleName("Items")
        self.items_view.viewport().installEventFilter(self)  # on resize: keep the grade and hash in view
        # rows drag onto an event on the timeline to attach them to it
        self.items_view.setDragEnabled(True)
        self.items_view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        items_page = QWidget()
        mid = QVBoxLayout(items_page)
        mid.setContentsMargins(0, 4, 0, 0)
        mid.addWidget(self.items_title)
        mid.addLayout(bar)
        mid.addWidget(self.items_view, 1)
        self.claims_panel = ClaimsPanel()
        self.claims_panel.claim_selected.connect(self._claim_selected)
        self.claims_panel.statement_selected.connect(self.show_statement)
        self.claims_panel.item_selected.connect(self.reveal_item)
        self.claims_panel.item_opened.connect(lambda item_id: (self.reveal_item(item_id), self.reveal_items()))
        self.statements_panel = StatementsPanel()
        self.statements_panel.statement_selected.connect(self.show_statement)
        self.requests_panel = RequestsPanel()
        self.middle_tabs = QTabWidget()
        self.middle_tabs.setDocumentMode(True)
        self.middle_tabs.addTab(items_page, "Items")
        self.middle_tabs.addTab(self.claims_panel, "Claims && contradictions")
        self.middle_tabs.addTab(self.statements_panel, "Statements")
        self.middle_tabs.addTab(self.requests_panel, "Requests")
        self.timeline_chart = TimelineChart()  # beside the event list: the same events on a time axis
        self.timeline_chart.entry_selected.connect(self.select_timeline_entry)
        self.timeline_chart.export_requested.connect(self.export_timeline)
        self.middle_tabs.addTab(self.timeline_chart, "Visual timeline")
        self.middle_tabs.currentChanged.connect(self._tab_changed)
        for widget in (self.claims_panel.claim_list, self.statements_panel.table, self.requests_panel.table,
                       *self.claims_panel.stance_lists.values()):
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            widget.customContextMenuRequested.connect(lambda pos, w=widget: self._record_menu(w, pos))
        middle = QWidget()
        mid_outer = QVBoxLayout(middle)
        mid_outer.setContentsMargins(6, 6, 6, 0)
        mid_outer.addWidget(self.middle_tabs, 1)

        self.inspector = Inspector()
        self.inspector.details.save_requested.connect(self.save_item_edit)
        self.inspector.preview_opened.connect(self._log_view)
        self.inspector.preview.opened_externally.connect(self._log_external_open)
        self.inspector.statement_details.item_requested.connect(self.reveal_item)
        self.inspector.link_requested.connect(lambda item_id, event_id, link: self.link_items([item_id], event_id,
                                                                                               link))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.inspector)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([320, 680, 440])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status_case = QLabel()
        self.status_items = QLabel()
        self.status_examiner = QLabel()
        self.status_verify = QLabel()
        for label in (self.status_case, self.status_items, self.status_examiner, self.status_verify):
            label.setTextFormat(Qt.TextFormat.PlainText)  # a case path, an examiner's name: case text
            label.setContentsMargins(6, 0, 6, 0)
            self.statusBar().addPermanentWidget(label)
        # a long case path or examiner name is cut, not allowed to hold the window wider than the screen
        self.status_case.setMaximumWidth(360)
        self.status_examiner.setMaximumWidth(220)
        self.status_verify.setMaximumWidth(380)
        self.review_verification = ""  # what the status bar says of a packet under review

    def _build_menus(self) -> None:
        a = self.actions
        file_menu = self.menuBar().addMenu("&File")
        for name in ("new_case", "open_case"):
            file_menu.addAction(a[name])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addAction(a["open_packet"])
        file_menu.addAction(a["export_review_notes"])
        file_menu.addAction(a["import_notes"])
        file_menu.addAction(a["import_packet"])
        file_menu.addSeparator()
        file_menu.addAction(a["export_report"])
        file_menu.addAction(a["export_packet"])
        file_menu.addSeparator()
        file_menu.addAction(a["backup"])
        file_menu.addAction(a["restore_backup"])
        file_menu.addSeparator()
        file_menu.addAction(a["import"])
        file_menu.addAction(a["import_folder"])
        file_menu.addSeparator()
        file_menu.addAction(a["set_examiner"])
        file_menu.addSeparator()
        file_menu.addAction(a["close_window"])
        edit = self.menuBar().addMenu("&Edit")
        for name in ("undo", "redo", None, "save_item", "copy_hash", None, "find"):
            edit.addAction(a[name]) if name else edit.addSeparator()
        case_menu = self.menuBar().addMenu("&Case")
        for name in ("new_event", "edit_event", "attach_event", "detach_event", None, "add_note", "grade", "judge",
                     None, "verify"):
            case_menu.addAction(a[name]) if name else case_menu.addSeparator()
        analysis = self.menuBar().addMenu("&Analysis")
        for name in ("new_statement", "new_claim", "new_request", None, "edit_analysis", "link_claim",
                     "unlink_claim", "request_status"):
            analysis.addAction(a[name]) if name else analysis.addSeparator()
        view = self.menuBar().addMenu("&View")
        for name in ("show_all_items", "view_item", None, "reveal_timeline", "reveal_items", "reveal_claims",
                     "reveal_statements", "reveal_requests", "reveal_inspector"):
            view.addAction(a[name]) if name else view.addSeparator()
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(a["user_guide"])
        help_menu.addSeparator()
        help_menu.addAction(a["examiner_key"])
        help_menu.addAction(a["create_reviewer_key"])
        help_menu.addAction(a["reviewer_key"])
        help_menu.addAction(a["about"])
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for name in ("import", "new_event", "new_statement", "new_claim", "add_note", "grade", "show_all_items",
                     "verify", "export_report"):
            toolbar.addAction(a[name])
        self.addToolBar(toolbar)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in settings.recent_cases():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_case(Path(p)))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    # --- cases -----------------------------------------------------------------

    def _case_passphrase(self, path: Path, problem: str = "") -> str | None:
        """An encrypted case's passphrase: $EVIDENCE_DESK_CASE_PASSPHRASE once, else asked."""
        from ..core import sealing
        from .case_dialogs import ask_case_passphrase

        if not problem and os.environ.get(sealing.PASSPHRASE_ENV):
            return os.environ[sealing.PASSPHRASE_ENV]
        return ask_case_passphrase(self, path, problem)

    def open_case(self, path: Path, read_only: bool = False, passphrase: str | None = None) -> bool:
        """Open ``path``, read-only if asked or if another window holds it; an encrypted case
        asks for its passphrase (again, while it is wrong)."""
        from ..core import sealing

        key: sealing.CaseKey | None = None
        if sealing.is_encrypted(path):
            problem = ""
            while True:
                if passphrase is None:
                    passphrase = self._case_passphrase(path, problem)
                    if passphrase is None:
                        return False
                try:
                    key = sealing.unlock(path, passphrase)  # once: both connections share the key
                    break
                except sealing.WrongPassphrase as exc:
                    problem, passphrase = str(exc), None
        holder: case_lock.LockHolder | None = None
        lock: case_lock.CaseLock | None = None
        if not read_only:
            got = case_lock.acquire(path) if path.is_dir() else None
            if isinstance(got, case_lock.LockHolder):
                holder, read_only = got, True
            else:
                lock = got
        writer: Case | None = None
        try:
            examiner = settings.examiner() or None
            if not read_only:
                writer = Case.open(path, examiner=examiner, key=key)
            case = Case.open(path, read_only=True, examiner=examiner, key=key)
        except Exception as exc:
            if writer is not None:
                writer.close()
            if lock is not None:
                lock.release()
            self.errors(f"Opening {path}", exc)
            return False
        self.close_case()
        self.case, self.writer, self.lock, self.lock_holder = case, writer, lock, holder
        from ..core import custody

        self._session_head = custody.read_head(path)
        if writer is not None:
            self.keys.from_environment()
        settings.remember_case(path)
        self._show_case()
        if case.key is not None:
            self.idle_watch.start()
        return True

    # --- the idle lock of an encrypted case -----------------------------------------

    def lock_case(self) -> None:
        """Hide the open encrypted case until its passphrase is given again."""
        if self.case is None or self.case.key is None or self.lock_screen is not None:
            return
        from .idle_lock import LockScreen

        self.idle_watch.stop()
        self.inspector.preview.release()  # no viewer keeps plaintext on screen or in memory files
        self.case.vault.close()
        self._locked_central = self.takeCentralWidget()
        self._locked_central.hide()
        self.lock_screen = LockScreen(self._unlock_case)
        self.setCentralWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        for bar in self.findChildren(QToolBar):
            bar.setEnabled(False)
        self.statusBar().hide()
        self.setWindowTitle("Locked — Evidence Desk")
        self.lock_screen.passphrase.setFocus()

    def _unlock_case(self, passphrase: str) -> bool:
        from ..core import sealing

        if self.case is None or self.lock_screen is None:
            return True
        try:
            sealing.unlock(self.case.path, passphrase)
        except sealing.WrongPassphrase:
            return False
        self.takeCentralWidget().deleteLater()
        self.lock_screen = None
        self.setCentralWidget(self._locked_central)
        self._locked_central.show()
        self.menuBar().setEnabled(True)
        for bar in self.findChildren(QToolBar):
            bar.setEnabled(True)
        self.statusBar().show()
        self._show_case()
        self.idle_watch.start()
        return True

    def close_case(self) -> None:
        if self.case is None:
            return
        self.idle_watch.stop()
        self.runner.shutdown()
        self.runner = TaskRunner(self, self.errors)
        self.undo_stack.clear()
        self._sign_session()
        self.case.close()
        if self.writer is not None:
            self.writer.close()
        self.case = self.writer = None
        self.review = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _sign_session(self) -> None:
        """At the end of a working session that changed the case: a checkpoint signed by the
        examiner's key (asked for if it is not unlocked; Cancel leaves the entries unsigned)."""
        from ..core import custody

        head = custody.read_head(self.writer.path) if self.writer is not None else None
        if self.writer is None or head is None or head == self._session_head:
            return
        key = self.keys.key or self.keys.from_environment()
        if key is None and self.keys.stored() is not None:
            key = self.keys.ask(self, "Sign the custody entries of this session with your examiner key?\n"
                                      "(Cancel leaves them unsigned: verify reports them as unsigned.)")
        if key is None:
            return
        try:
            ops.checkpoint(self.writer, key, "examiner checkpoint at the end of a session in the app")
        except Exception as exc:  # the case stays as it is; the entries are reported as unsigned
            self.errors("Signing the session's custody entries", exc)

    def show_reviewer_key(self) -> None:
        from .reviewer_key import ReviewerKeyDialog

        self.reviewer_key_dialog = ReviewerKeyDialog(self)
        self.reviewer_key_dialog.open()

    def show_examiner_key(self) -> None:
        from .examiner_key import ExaminerKeyDialog

        self.examiner_key_dialog = ExaminerKeyDialog(self, self.keys)
        self.examiner_key_dialog.open()

    def _show_case(self) -> None:
        case = self.case
        assert case is not None
        info = case.info()
        mode = " [review]" if self.review is not None else " [read-only]" if self.read_only else ""
        self.setWindowTitle(f"{line(info.title, 200)} — Evidence Desk{mode}")
        if self.review is not None:
            from .review import banner_text

            self.banner.setText(banner_text(self.review))
            self.banner.show()
        elif self.lock_holder is not None:
            self.banner.setText(f"<b>Read-only:</b> this case is open for writing by "
                                f"{esc(self.lock_holder.describe())}. You can read and verify it; to change it, "
                                "close it there and open it again here.")
            self.banner.show()
        elif self.read_only:
            self.banner.setText("<b>Read-only:</b> the case was opened for reading only; nothing can be changed.")
            self.banner.show()
        elif is_demo_case(info):
            self.banner.setText(DEMO_LINE)
            self.banner.show()
        else:
            self.banner.hide()
        self._load_marks()
        self.events_model = EventsModel(case)
        self.timeline.setModel(self.events_model)
        self.timeline.selectionModel().selectionChanged.connect(self._event_selected)
        if self.events_model.canFetchMore():
            self.events_model.fetchMore()
        self.items_model = ItemsModel(case)
        self.items_model.marks = self.marks
        self.items_view.setModel(self.items_model)
        header = self.items_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate(ITEM_COLUMN_WIDTHS):
            self.items_view.setColumnWidth(col, width)
        self._item_column_widths = list(ITEM_COLUMN_WIDTHS)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._fit_item_columns()
        self.items_view.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        self.items_view.selectionModel().selectionChanged.connect(self._item_selected)
        self.inspector.set_case(case, read_only=self.read_only)
        self.inspector.preview.annotate = None if self.read_only else self._annotate  # viewers' annotations
        self.claims_panel.set_case(case)
        self.statements_panel.set_case(case)
        self.requests_panel.set_case(case)
        self.timeline_chart.set_case(case)
        self.journal.set_read_only(self.read_only and self.review is None)
        self.journal.set_review_mode(self.review is not None)
        self.selected_event: Event | None = None
        self._apply_filter()
        self._refresh_journal()
        self._update_status()
        self._update_actions()

    @property
    def read_only(self) -> bool:
        """Nothing can be changed: no case, a case open read-only, or a packet under review."""
        return self.writer is None or self.review is not None

    def _update_actions(self) -> None:
        writable = self.case is not None and not self.read_only
        self.timeline.writable = writable
        self.claims_panel.set_writable(writable)
        for action in self.actions.values():
            if action.property("changes_case"):
                action.setEnabled(writable)
        if writable:
            self.actions["undo"].setEnabled(self.undo_stack.canUndo())
            self.actions["redo"].setEnabled(self.undo_stack.canRedo())
        self.actions["verify"].setEnabled(self.case is not None)
        self.actions["backup"].setEnabled(self.case is not None and self.review is None)
        self.actions["add_note"].setEnabled(writable or self.review is not None)
        self.actions["export_review_notes"].setEnabled(self.review is not None)
        self.actions["judge"].setEnabled(self.review is not None)
        self.actions["export_report"].setEnabled(self.case is not None)
        # a packet opened for review carries no signing key: it cannot be sealed again
        self.actions["export_packet"].setEnabled(self.case is not None and self.review is None)

    def _update_status(self) -> None:
        case = self.case
        if case is None:
            return
        if self.review is not None:
            self.status_case.setText(f"Review packet: {line(str(self.review.packet))}")
        else:
            self.status_case.setText(f"Case: {line(str(case.path))}")
        self.status_items.setText(f"{case.items.count():,} items")
        self.status_examiner.setText(f"Examiner: {line(case.examiner)}" + (" (read-only)" if self.read_only else ""))
        if self.review is not None:  # the packet was verified on opening: say so, as the banner does
            self.status_verify.setText(self.review_verification)
            self.status_verify.setToolTip(tip(self.review.report.summary()))
            return
        last = settings.settings().value(f"verify/{case.id}", "")
        self.status_verify.setText(f"Last verification: {last}" if last else "Not verified on this computer")
        self.status_verify.setToolTip("")

    # --- selection ---------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _event_selected(self, *_: Any) -> None:
        indexes = self.timeline.selectionModel().selectedIndexes()
        event: Event | None = indexes[0].data(EventRole) if indexes else None
        self.selected_event = event
        self.timeline_chart.select("event", event.id if event else None)
        self._apply_filter()
        if event is not None:
            self.inspector.show_event(event)

    @Slot(str, int)
    def select_timeline_entry(self, kind: str, record_id: int) -> None:
        """A click on the visual timeline: select that event in the event list, or that statement."""
        if kind == "event":
            while self.events_model.row_of(record_id) < 0 and self.events_model.canFetchMore():
                self.events_model.fetchMore()
            row = self.events_model.row_of(record_id)
            if row >= 0:
                self.select_event_row(row)
                self.timeline.scrollTo(self.events_model.index(row))
        elif kind == "statement":
            self.statements_panel.select_statement(record_id, emit=False)
            self.timeline_chart.select("statement", record_id)
            self.show_statement(record_id)

    @Slot(QItemSelection, QItemSelection)
    def _item_selected(self, *_: Any) -> None:
        item = self.selected_item()
        if item is not None:
            self.inspector.show_item(item)

    def selected_item(self) -> Item | None:
        rows = self.items_view.selectionModel().selectedRows() if self.items_view.selectionModel() else []
        return self.items_model.item_at(rows[0].row()) if rows else None

    def select_event_row(self, row: int) -> None:
        index = self.events_model.index(row)
        if index.isValid():
            self.timeline.setCurrentIndex(index)

    def select_item_row(self, row: int) -> None:
        self.items_view.selectRow(row)

    def _apply_filter(self) -> None:
        if self.case is None:
            return
        event = self.selected_event
        self.items_model.set_filter(event_id=event.id if event else None, text=self.search.text(),
                                    kind=self.kind_filter.currentData())
        self._show_items_title()
        shown = self.inspector.item
        if shown is not None and self.middle_tabs.currentIndex() == 0 and not self.case.items.list(
                ids=[shown.id], event_id=event.id if event else None, text=self.search.text(),
                kind=self.kind_filter.currentData()):
            self.inspector.show_nothing()  # the filter took it out of the list: do not keep showing it

    def _show_items_title(self) -> None:
        """The list's heading: the selected event's title as it is now, and how many items are listed."""
        event = self.selected_event
        scope = markup("Items of “{}”", line(event.title, 500)) if event else "All items of the case"
        filtered = " (filtered)" if self.search.text().strip() or self.kind_filter.currentData() else ""
        self.items_title.setText(f"<b>{scope}</b> — {self.items_model.total:,}{filtered}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.items_view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_item_columns()
        return super().eventFilter(watched, event)

    def _fit_item_columns(self) -> None:
        """Hide the columns of NARROW_HIDDEN_COLUMNS, in order, until the rest fit the list's width."""
        view = self.items_view
        if view.model() is None or not hasattr(self, "_item_column_widths"):
            return
        keys = [key for key, _ in ITEM_COLUMNS]
        for column, key in enumerate(keys):
            if not view.isColumnHidden(column) and key != "name":
                self._item_column_widths[column] = view.columnWidth(column)  # as the examiner left it
        available = view.viewport().width()
        hidden: set[str] = set() if self.marks else {"review"}  # the Review column: only once something is judged
        for key in NARROW_HIDDEN_COLUMNS:
            needed = NAME_COLUMN_MIN_PX + sum(width for column, width in enumerate(self._item_column_widths)
                                              if keys[column] != "name" and keys[column] not in hidden)
            if needed <= available:
                break
            hidden.add(key)
        for column, key in enumerate(keys):
            if view.isColumnHidden(column) != (key in hidden):
                view.setColumnHidden(column, key in hidden)
                if key not in hidden:
                    view.setColumnWidth(column, self._item_column_widths[column])

    def _tab_changed(self, _index: int) -> None:
        """The inspector shows what the new tab has selected, never a record of another tab."""
        page = self.middle_tabs.currentWidget()
        if page is self.claims_panel:
            if self.claims_panel.current_claim() is None:
                self.inspector.show_nothing()
            self.claims_panel.announce_current()
        elif page is self.statements_panel:
            statement_id = self.statements_panel.current_statement_id()
            if statement_id is None:
                self.inspector.show_nothing()
            else:
                self.show_statement(statement_id)
        elif page is self.requests_panel:
            self.inspector.show_nothing()
        else:
            item = self.selected_item()
            if item is not None:
                self.inspector.show_item(item)
            elif self.selected_event is not None:
                self.inspector.show_event(self.selected_event)
            else:
                self.inspector.show_nothing()

    @Slot()
    def show_all_items(self) -> None:
        self.timeline.clearSelection()
        self.timeline.setCurrentIndex(QModelIndex())
        self.selected_event = None
        self._apply_filter()

    def focus_find(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_journal(self) -> None:
        self.journal.entry.setFocus()

    def copy_hash(self) -> None:
        item = self.inspector.item or self.selected_item()
        if item is not None:
            QGuiApplication.clipboard().setText(item.sha256)
            self.statusBar().showMessage(f"Copied SHA-256 of {inline(line(item.name, 200))}", 4000)

    def _item_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        names = ("view_item", "copy_hash", "judge", None, "add_note") if self.review is not None else (
            "view_item", "copy_hash", "grade", "save_item", None, "attach_event", "detach_event",
            "link_claim", "new_statement", None, "import")
        for name in names:
            menu.addAction(self.actions[name]) if name else menu.addSeparator()
        self.last_menu = menu
        menu.popup(self.items_view.viewport().mapToGlobal(pos))

    def _timeline_menu(self, pos: Any) -> None:
        index = self.timeline.indexAt(pos)
        if index.isValid():
            self.timeline.setCurrentIndex(index)
        menu = QMenu(self)
        for name in ("edit_event", "new_event", None, "show_all_items", "export_report"):
            menu.addAction(self.actions[name]) if name else menu.addSeparator()
        menu.popup(self.timeline.viewport().mapToGlobal(pos))

    # --- writing ---------------------------------------------------------------

    def _annotate(self, label: str, op: Callable[..., ops.OpResult[Any]], on_done: Callable[[Any], None] | None = None,
                  *, undo: Callable[[Case], ops.OpResult[Any]] | None = None, reason: str = "", text: str = "") -> None:
        """How viewers write annotations; with ``undo``, the change goes on the undo stack
        (``op(writer, reason)``), and an undo or redo of it re-reads the viewer shown then."""
        writer = self._writable()
        if undo is None or writer is None:
            self._run_op(label, op, on_done)
            return
        first = [True]

        def run(what: str, work: Callable[[ops.Work], ops.OpResult[Any]]) -> None:
            done = on_done if first[0] else (lambda _value: self._reload_viewer_annotations())
            first[0] = False
            self.ops.run(what, work, done)

        self.undo_stack.push(OperationCommand(text or label, run, lambda why: op(writer, why),
                                              lambda: undo(writer), reason))

    def _reload_viewer_annotations(self) -> None:
        viewer = self.inspector.preview.viewer
        if viewer is not None and shiboken6.isValid(viewer) and hasattr(viewer, "reload_annotations"):
            viewer.reload_annotations()

    def _run_op(self, label: str, op: Callable[[Case], ops.OpResult[Any]],
                on_done: Callable[[Any], None] | None = None) -> None:
        """Run ``op(writer)`` on the writer thread; every panel hears what it changed."""
        writer = self._writable()
        if writer is not None:
            self.ops.run(label, lambda _work: op(writer), on_done)

    @Slot(int, dict, dict, str)
    def save_item_edit(self, item_id: int, old: dict, new: dict, reason: str) -> None:
        assert self.case is not None
        name = self.inspector.item.name if self.inspector.item else f"item {item_id}"
        self.inspector.details.dirty = False  # what is typed is being saved: show the saved values after
        self.undo_stack.push(EditItemCommand(self.writer, self._run_edit, item_id, old, new, reason, name))

    def _run_edit(self, label: str, op: Callable[[ops.Work], ops.OpResult[Item]]) -> None:
        self.ops.run(label, op, self._item_changed)

    def _item_changed(self, item: Item) -> None:
        self.statusBar().showMessage(f"Saved {inline(line(item.name, 200))}; the change is in its custody history", 5000)

    def _log_view(self, item_id: int) -> None:
        self._run_op("Recording the view", lambda writer: ops.record_view(writer, item_id))

    def _log_external_open(self, item_id: int, path: str) -> None:
        self._run_op("Recording the export", lambda writer: ops.record_export_of_items(
            writer, [item_id], path, "temporary read-only copy opened in another program from the viewer"))

    def add_note(self, text: str, link: bool) -> None:
        case = self.case
        item = self.inspector.item if link else None
        event = self.selected_event if link and item is None else None
        if case is not None and self.review is not None:  # a reviewer's note: beside the packet, not in it
            from ..core.packet.review import add_review_note

            try:
                add_review_note(self.review, text, item_id=item.id if item else None,
                                event_id=event.id if event else None)
            except Exception as exc:
                self.errors("Saving the review note", exc)
                return
            self.journal.note_added()
            self._refresh_journal()
            return
        self._run_op("Adding a journal note",
                     lambda writer: ops.add_journal_note(writer, text, event_id=event.id if event else None,
                                                         item_id=item.id if item else None),
                     lambda _note: self.journal.note_added())

    def _refresh_journal(self) -> None:
        if self.case is None:
            return
        if self.review is not None:
            from .review import notes_for_pane

            notes = notes_for_pane(self.review)
        else:
            notes = self.case.journal.list()
        labels: dict[int, str] = {}
        for note in notes:
            if note.event_id is not None and note.event_id not in labels:
                labels[note.event_id] = self.case.events.get(note.event_id).title
        self.journal.show_notes(notes, labels)

    def _journal_jump(self, entry: Any) -> None:
        """Double-clicking a note shows what it is about: its event, or its item."""
        note = entry.data(Qt.ItemDataRole.UserRole)
        if self.case is None or note is None:
            return
        if note.event_id is not None:
            while self.events_model.row_of(note.event_id) < 0 and self.events_model.canFetchMore():
                self.events_model.fetchMore()
            self.select_event_row(self.events_model.row_of(note.event_id))
        if note.item_id is not None:
            self.inspector.show_item(self.case.items.get(note.item_id))

    def new_event(self) -> None:
        case = self.case
        if case is None or self.read_only:
            return
        dialog = NewEventDialog(self, case.info().default_tz)
        if dialog.exec() != NewEventDialog.DialogCode.Accepted:
            return
        title, when, tz = dialog.title.text(), dialog.when.text().strip() or None, dialog.tz.text().strip()
        place, notes, choose = dialog.place.text(), dialog.notes.toPlainText(), dialog.question.choose() or None
        self._run_op("Adding an event", lambda writer: ops.add_event(writer, title, when=when, tz=tz or None,
                                                                    place=place, notes=notes, choose=choose),
                     self._event_added)

    def _event_added(self, event: Event) -> None:
        while self.events_model.row_of(event.id) < 0 and self.events_model.canFetchMore():
            self.events_model.fetchMore()
        self.select_event_row(self.events_model.row_of(event.id))

    # --- editing events and what belongs to them ----------------------------------

    def _writable(self) -> Case | None:
        return None if self.read_only else self.writer

    def edit_event(self) -> None:
        """Open the edit dialog on the selected event; saving pushes an undoable, logged edit."""
        case = self._writable()
        if case is None or self.selected_event is None:
            if self.case is not None and self.selected_event is None:
                self.statusBar().showMessage("Select an event on the timeline to edit it", 4000)
            return
        assert self.case is not None
        event = self.case.events.get(self.selected_event.id)
        dialog = EditEventDialog(self, event)
        self.edit_event_dialog = dialog
        dialog.accepted.connect(lambda: self._push_event_edit(event, dialog.changes(), dialog.reason.text()))
        dialog.open()

    def _push_event_edit(self, event: Event, changes: dict[str, Any], reason: str) -> None:
        case = self._writable()
        if case is None or not changes:
            return
        self.undo_stack.push(EditEventCommand(case, self._run_event_edit, event.id, old_event_values(event),
                                              changes, reason, event.title))

    def _run_event_edit(self, label: str, op: Callable[[ops.Work], ops.OpResult[Event]]) -> None:
        self.ops.run(label, op, self._event_changed)

    def _event_changed(self, event: Event) -> None:
        self.statusBar().showMessage(f"Saved event “{inline(line(event.title, 200))}”; each change is in the chain of custody", 5000)

    def attach_to_event(self) -> None:
        item = self.inspector.item or self.selected_item()
        if self._writable() is None:
            return
        several = self.analysis.selected_items()
        if len(several) > 1:  # rows selected together: attach them all in one transaction
            self.analysis.bulk_attach(several)
            return
        if item is None:
            self.statusBar().showMessage("Select an item to attach it to an event", 4000)
            return
        if self.inspector.item is None or self.inspector.item.id != item.id:
            self.inspector.show_item(item)
        self.inspector.show_link_page()

    def detach_from_event(self) -> None:
        item = self.selected_item() or self.inspector.item
        event = self.selected_event
        if self._writable() is None or item is None:
            return
        if event is None or self.case is None or all(e.id != event.id for e in self.case.events.of_item(item.id)):
            self.statusBar().showMessage("Select the event on the timeline, then an item of it, to detach it", 5000)
            return
        self.link_items([item.id], event.id, False)

    def link_items(self, item_ids: list[int], event_id: int, link: bool) -> None:
        """Attach (or detach) items to an event in one write; core logs each in custody."""
        if not item_ids:
            return
        verb = "Attaching" if link else "Detaching"
        self._run_op(f"{verb} {len(item_ids)} item(s) {'to' if link else 'from'} an event",
                     lambda writer: ops.link_items(writer, item_ids, event_id, link),
                     lambda ids: self._links_changed(ids, event_id, link))

    def _links_changed(self, item_ids: list[int], event_id: int, link: bool) -> None:
        if self.case is not None:
            title = self.case.events.get(event_id).title
            what = f"{len(item_ids)} items" if len(item_ids) > 1 else "the item"
            self.statusBar().showMessage(f"{'Attached' if link else 'Detached'} {what} "
                                         f"{'to' if link else 'from'} “{inline(line(title, 200))}” (custody-logged)", 5000)

    # --- cases from the menu ----------------------------------------------------

    def new_case(self) -> None:
        from platformdirs import user_documents_dir

        dialog = NewCaseDialog(self, Path(user_documents_dir()) / "Evidence Desk cases")
        if dialog.exec() != NewCaseDialog.DialogCode.Accepted:
            return
        examiner = settings.examiner() or (self.case.examiner if self.case else "")
        if not examiner:  # the first case on this computer: ask once, as importing a packet does
            from .case_dialogs import ask_examiner

            examiner = ask_examiner(self) or ""
            if not examiner:
                return
            settings.remember_examiner(examiner)
        passphrase = dialog.chosen_passphrase()
        try:
            created = Case.create(dialog.case_dir(), dialog.title.text(), examiner,
                                  description=dialog.description.toPlainText(), tz=dialog.tz.text().strip() or "UTC",
                                  passphrase=passphrase)
        except Exception as exc:
            self.errors("Creating the case", exc)
            return
        created.close()
        if self.open_case(dialog.case_dir(), passphrase=passphrase):
            self._session_head = None  # the creation is this session's work: signed when the case closes

    def set_examiner(self) -> None:
        from .case_dialogs import ask_examiner

        name = ask_examiner(self, settings.examiner() or (self.case.examiner if self.case else ""))
        if name is None:
            return
        settings.remember_examiner(name)
        if self.case is not None and not self.read_only:
            self.case.examiner = name
        self._update_status()

    def choose_packet(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Open a review packet (a .zip, or the bagit.txt of an unpacked packet)", "",
            "Review packets (*.zip *.age bagit.txt);;All files (*)")
        if chosen:
            from .review import packet_path_from_choice

            self.open_packet(packet_path_from_choice(chosen))

    def open_packet(self, packet: Path) -> None:
        """Verify ``packet`` off the GUI thread, then show it read-only in review mode."""
        from ..core.packet.review import open_for_review
        from .review import review_cache_dir

        if not self._reviewer_key_ready(packet, lambda: self.open_packet(packet)):
            return
        reviewer = settings.examiner() or None
        self.runner.read(f"Verifying the review packet {packet.name}: signature, every hash, the custody chain",
                         lambda task: open_for_review(packet, review_cache_dir(), task.progress, task.should_cancel,
                                                      reviewer=reviewer), self._review_opened,
                         on_error=lambda exc: self.errors(f"Opening the review packet {packet.name}", exc))

    def _reviewer_key_ready(self, packet: Path, retry: Callable[[], None]) -> bool:
        """True unless ``packet`` is encrypted and the reviewer key still has to be unlocked: then the
        passphrase is asked (``retry`` runs once it opens the key) or the user told to make a key."""
        from ..core.packet.archive import is_encrypted

        if not (packet.is_file() and is_encrypted(packet)):
            return True
        from . import reviewer_key

        if reviewer_key.stored_key() is None:
            QMessageBox.information(self, "Encrypted packet", f"{packet.name} is encrypted for a reviewer, "
                                    "and you have no reviewer key yet (Help ▸ Create Reviewer Key Pair…).")
            return False
        if reviewer_key.is_unlocked() or reviewer_key.unlock_from_environment():
            return True
        self.reviewer_passphrase_dialog = reviewer_key.ReviewerPassphraseDialog(self, packet.name, retry)
        self.reviewer_passphrase_dialog.open()
        return False

    def _review_opened(self, session: Any) -> None:
        from datetime import datetime

        self.close_case()
        self.case, self.review, self.lock, self.lock_holder = session.case, session, None, None
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        verdict = "intact" if session.report.ok else f"{len(session.report.failures)} problem(s)"
        self.review_verification = f"Packet verified on opening: {verdict} ({stamp})"
        self._show_case()

    def export_review_notes(self, target: str | None = None) -> Path | None:
        if self.review is None:
            return None
        from ..core.packet.format import SIGNED_NOTES_SUFFIX
        from ..core.packet.review import export_review_notes

        if not target:
            target, _ = QFileDialog.getSaveFileName(self, "Export your signed review notes",
                                                    f"{self.review.packet.name}{SIGNED_NOTES_SUFFIX}",
                                                    "Signed review notes (*.json)")
        if not target:
            return None
        try:
            out = export_review_notes(self.review, Path(target))
        except Exception as exc:
            self.errors("Exporting the review notes", exc)
            return None
        self.statusBar().showMessage(f"Signed review notes written to {line(str(out))}", 8000)
        return out

    def choose_case(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a case folder",
                                                  str(self.case.path.parent) if self.case else "")
        if folder:
            self.open_case(Path(folder))

    # --- intake ------------------------------------------------------------------

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import evidence files")
        if files:
            self.import_paths([Path(f) for f in files], self.selected_event.id if self.selected_event else None)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import every file of a folder")
        if folder:
            self.import_paths([Path(folder)], self.selected_event.id if self.selected_event else None)

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.import_paths(paths, self.selected_event.id if self.selected_event else None)

    @Slot(list, object)
    def import_paths(self, paths: list[Path], event_id: int | None) -> None:
        case = self.case
        if case is None:
            return
        if self.read_only:
            QMessageBox.information(self, "Read-only case", "This case is open read-only; nothing can be imported.")
            return
        events = case.events.list(limit=INTAKE_EVENT_CHOICES)
        if event_id is not None and all(e.id != event_id for e in events):
            events.append(case.events.get(event_id))
        dialog = IntakeDialog(self, paths, events, event_id, [s.name for s in case.sources.list()])
        self.intake_dialog = dialog
        dialog.accepted.connect(lambda: self._start_intake(dialog.request()))
        dialog.open()

    def _start_intake(self, request: IntakeRequest) -> None:
        writer = self._writable()
        if writer is None:
            return
        count = len(request.paths)
        options = ops.IntakeOptions(kind=request.kind, event_ids=(request.event_id,) if request.event_id else (),
                                    source=request.source or None, description=request.description,
                                    acquired_from=request.acquired_from, method=request.method,
                                    purpose=request.purpose)
        self.ops.run(f"Importing {count} file{'s' if count != 1 else ''}",
                     lambda work: ops.import_files(writer, request.paths, options, work), self._intake_done,
                     progress=True, on_cancelled=self._intake_cancelled)

    def _intake_done(self, report: Any) -> None:
        result = IntakeResult(list(report.items), list(report.failures))
        self.last_intake = result
        self.intake_message = show_intake_result(self, result)
        self.statusBar().showMessage(f"Imported {len(result.items)} item(s)", 6000)

    def _intake_cancelled(self) -> None:
        self.last_intake = IntakeResult()
        self.statusBar().showMessage("Import cancelled: nothing was added to the case", 6000)

    @Slot(object)
    def _case_changed(self, changes: ops.Changes) -> None:
        """The timeline, the item list, the journal and the status bar follow every change."""
        if self.case is None:
            return
        if changes.case:  # first: the lists re-read below (and the panels after) show the marks
            self._load_marks()
        if changes.events or changes.items:
            self._reload_timeline()
        if changes.items or changes.grades or changes.sources:
            self._apply_filter()
        elif changes.events:
            self._show_items_title()  # the selected event's title may have changed
        if changes.journal or changes.events:
            self._refresh_journal()
        if changes.case:  # review feedback received (a case-wide entry): the Review column, the inspector's line
            self._fit_item_columns()
            self.inspector.show_review_line()
        self._update_status()

    def _reload_timeline(self) -> None:
        """Re-read the timeline (times may re-sort it), keeping the selected event selected."""
        selected = self.selected_event.id if self.selected_event else None
        self.events_model.reload()
        if selected is None:
            return
        while self.events_model.row_of(selected) < 0 and self.events_model.canFetchMore():
            self.events_model.fetchMore()
        row = self.events_model.row_of(selected)
        if row < 0:  # the event is gone
            self.selected_event = None
            return
        self.selected_event = self.events_model.event_at(row)
        self.timeline.selectionModel().blockSignals(True)
        self.timeline.setCurrentIndex(self.events_model.index(row))
        self.timeline.selectionModel().blockSignals(False)

    # --- verify --------------------------------------------------------------------

    def verify_case(self) -> None:
        case = self.case
        if case is None:
            return
        if self.review is not None:
            self._verify_review_packet()
            return
        from ..core.verify import verify

        path = case.path  # verification opens its own read-only connection
        self.runner.read("Verifying the case: rehashing every object, walking the custody chain",
                         lambda task: verify(path, task.progress, task.should_cancel, task.set_total, key=case.key),
                         self._verified, on_cancelled=lambda: self.statusBar().showMessage("Verification cancelled",
                                                                                           5000))

    def _verified(self, report: Any) -> None:
        from datetime import datetime

        case = self.case
        assert case is not None
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        verdict = "intact" if report.ok else f"{len(report.failures)} problem(s)"
        settings.settings().setValue(f"verify/{case.id}", f"{verdict} ({stamp})")
        self._update_status()
        # mark what failed where it is seen: the item list and the inspector
        failures: dict[int, list[str]] = {}
        for failure in report.failures:
            if failure.item_id is not None:
                failures.setdefault(failure.item_id, []).append(failure.message)
        self.items_model.set_failures(failures)
        self.inspector.set_failures(failures)
        self._run_op("Recording the verification", lambda writer: ops.record_verification(writer, report))
        self.verify_dialog = VerifyResultDialog(self, report)
        self.verify_dialog.open()

    def _verify_review_packet(self) -> None:
        """Under review, Verify checks the packet itself again (signature, every hash, the chain):
        its unpacked copy is not a case of this computer, and the packet is what the reviewer trusts."""
        from datetime import datetime

        from ..core.packet.verify import verify_packet
        from .packets import PacketCheckDialog

        session = self.review
        packet = session.packet

        def show(report: Any) -> None:
            if self.review is not session:
                return  # another case or packet was opened meanwhile
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            verdict = "intact" if report.ok else f"{len(report.failures)} problem(s)"
            self.review_verification = f"Packet verified again: {verdict} ({stamp})"
            self._update_status()
            self.status_verify.setToolTip(tip(report.summary()))
            self.packet_check_dialog = PacketCheckDialog(self, report, f"Packet check: {packet.name}")
            self.packet_check_dialog.open()

        self.runner.read(f"Verifying the review packet {packet.name}: signature, every hash, the custody chain",
                         lambda task: verify_packet(packet, progress=task.progress, should_cancel=task.should_cancel,
                                                    on_total=task.set_total), show)

    # --- claims, statements, requests ----------------------------------------------

    def reveal_tab(self, page: QWidget) -> None:
        self.middle_tabs.setCurrentWidget(page)
        page.setFocus()

    def reveal_items(self) -> None:
        self.middle_tabs.setCurrentIndex(0)
        self.items_view.setFocus()

    def _claim_selected(self, claim: Any) -> None:
        if self.case is not None:
            self.inspector.show_claim(claim)

    @Slot(int)
    def show_statement(self, statement_id: int) -> None:
        if self.case is not None:
            self.inspector.show_statement(self.case.statements.get(statement_id))

    @Slot(int)
    def reveal_item(self, item_id: int) -> None:
        """Select ``item_id`` in the item list (listing all items first if the filter hides it)."""
        case = self.case
        if case is None:
            return
        if self.items_model.row_of(item_id) < 0 and (
                self.selected_event is not None or self.search.text() or self.kind_filter.currentIndex()):
            # clear the filters without their signals: a delayed re-filter would drop the selection
            for widget in (self.search, self.kind_filter):
                widget.blockSignals(True)
            self.search.clear()
            self.kind_filter.setCurrentIndex(0)
            for widget in (self.search, self.kind_filter):
                widget.blockSignals(False)
            self._filter_timer.stop()
            self.show_all_items()
        while self.items_model.row_of(item_id) < 0 and self.items_model.canFetchMore():
            self.items_model.fetchMore()
        row = self.items_model.row_of(item_id)
        if row < 0:
            self.inspector.show_item(case.items.get(item_id))
            return
        self.items_view.selectionModel().clearSelection()  # re-selecting the same row still shows it
        self.select_item_row(row)
        self.items_view.scrollTo(self.items_model.index(row, 0))
        if self.inspector.item is None or self.inspector.item.id != item_id:
            self.inspector.show_item(self.items_model.item_at(row))

    def _record_menu(self, widget: QWidget, pos: Any) -> None:
        menu = QMenu(self)
        if self.review is not None:
            menu.addAction(self.actions["judge"])
        else:
            if widget is not self.requests_panel.table:
                menu.addAction(self.actions["grade"])
            self.analysis.extend_menu(menu, widget)
        self.last_menu = menu
        menu.popup(widget.mapToGlobal(pos))

    # --- grading ---------------------------------------------------------------------

    def grade_subject(self) -> Any:
        """What Grade… grades: what the current tab has selected, never a record of another tab.

        Items: the selected row (else the item the inspector shows, as after a journal jump);
        claims: the evidence link selected under the claim, else the claim; statements: the
        selected statement. The inspector may show a record chosen elsewhere (an event on the
        timeline, a note in the journal), so it does not decide."""
        case = self.case
        if case is None:
            return None
        page = self.middle_tabs.currentWidget()
        if page is self.claims_panel:
            link = self.claims_panel.current_link()
            if link is not None:
                kind, target = link
                return case.statements.get(target) if kind == "statement" else case.items.get(target)
            claim = self.claims_panel.current_claim()
            return case.claims.get(claim.id) if claim is not None else None
        if page is self.statements_panel:
            statement_id = self.statements_panel.current_statement_id()
            return case.statements.get(statement_id) if statement_id is not None else None
        if page is self.requests_panel:
            return None
        item = self.selected_item() or self.inspector.item
        return case.items.get(item.id) if item is not None else None

    def grade_selected(self) -> None:
        case = self.case
        if case is None or self.read_only:
            return
        several = self.analysis.selected_items() if self.middle_tabs.currentIndex() == 0 else []
        if len(several) > 1:  # rows selected together: one grade for all, in one transaction
            self.analysis.bulk_grade(several)
            return
        subject = self.grade_subject()
        if subject is None:
            self.statusBar().showMessage("Select an item, a statement or a claim to grade", 5000)
            return
        from .grading import GradeDialog, GradeTarget

        dialog = GradeDialog(self, case, GradeTarget.of(subject))
        self.grade_dialog = dialog
        dialog.accepted.connect(lambda: self._record_grade(dialog.target, dialog.choice()))
        dialog.open()

    def _record_grade(self, target: Any, choice: Any) -> None:
        from .grading import gradings

        self._run_op(f"Grading the {target.kind}",
                     lambda writer: ops.grade(writer, gradings(target, choice), choice.rationale),
                     lambda written: self._graded(target, written))

    def _graded(self, target: Any, written: list) -> None:
        from .record_details import grade_axis_text

        grades = "; ".join(grade_axis_text(g) for g in written)
        self.statusBar().showMessage(f"Graded the {line(target.label, 200)}: {line(grades, 200)}; recorded in custody",
                                     6000)

    # --- reviewer judgements and feedback --------------------------------------------------

    def _load_marks(self) -> None:
        """Read the judgements to show: the reviewer's own in review mode, else those received."""
        if self.case is None:
            self.marks.clear()
        elif self.review is not None:
            from ..core.packet.review import latest_judgements, review_judgements

            self.marks.set(latest_judgements(review_judgements(self.review)), received=False)
        else:
            self.marks.set(self.case.feedback.latest(), received=True)

    def _show_marks(self) -> None:
        """After a judgement: every list and the inspector show it."""
        self._load_marks()
        self.items_model.refresh_loaded()
        self._fit_item_columns()
        self.claims_panel.reload()
        self.statements_panel.reload()
        self.inspector.show_review_line()

    def judge_selected(self) -> None:
        """Review ▸ Judge…: what the current tab has selected (as Grade… does), or one of its grades."""
        case = self.case
        if case is None or self.review is None:
            self.statusBar().showMessage("Judgements are made on a packet open for review "
                                         "(File ▸ Open Review Packet)", 6000)
            return
        subject = self.grade_subject()
        if subject is None:
            self.statusBar().showMessage("Select an item, a statement or a claim to judge", 5000)
            return
        dialog = JudgementDialog(self, targets_of(case, subject), self.marks)
        self.judgement_dialog = dialog
        dialog.accepted.connect(lambda: self._save_judgement(dialog))
        dialog.open()

    def _save_judgement(self, dialog: Any) -> None:
        from ..core.packet.review import add_judgement

        target, verdict = dialog.chosen_target(), dialog.verdict()
        if self.review is None or target is None or verdict is None:
            return
        try:
            judgement = add_judgement(self.review, target.target_type, target.target_id, verdict,
                                      dialog.note.toPlainText())
        except Exception as exc:
            self.errors("Saving the judgement", exc)
            return
        self._show_marks()
        self.statusBar().showMessage(f"Judged {target.target_type} {target.target_id}: {judgement.verdict_text}; "
                                     "kept beside the packet, signed when you export your notes", 6000)

    def choose_notes_to_import(self) -> None:
        from ..core.packet.format import SIGNED_NOTES_SUFFIX

        chosen, _ = QFileDialog.getOpenFileName(self, "Import a reviewer's signed notes as feedback", "",
                                                f"Signed review notes (*{SIGNED_NOTES_SUFFIX} *.json);;All files (*)")
        if chosen:
            self.import_notes(Path(chosen))

    def import_notes(self, notes: Path) -> None:
        """Check the reviewer's signed notes and record their judgements beside this case's records."""
        self._run_op(f"Receiving the review feedback {notes.name}",
                     lambda writer: ops.import_review_notes(writer, notes), self._feedback_received)

    def _feedback_received(self, result: Any) -> None:
        self.last_feedback = result
        before = f", {result.already} received before" if result.already else ""
        self.statusBar().showMessage(f"Review feedback from {result.reviewer}: {result.received} judgement(s) "
                                     f"received{before}; shown beside your records, which are unchanged", 10000)

    def show_user_guide(self, page: str = "") -> None:
        from .help import UserGuide

        if self.user_guide is None:
            self.user_guide = UserGuide(self)
        self.user_guide.show_page(page or None)
        self.user_guide.show()
        self.user_guide.raise_()
        self.user_guide.activateWindow()

    # --- reports and packets -----------------------------------------------------------

    def choose_report_export(self) -> None:
        if self.case is None:
            return
        from .exporting import ExportDialog

        dialog = ExportDialog(self, "report", self.case, self.selected_event)
        self.export_dialog = dialog
        dialog.accepted.connect(lambda: self.start_report_export(dialog.request()))
        dialog.open()

    def start_report_export(self, request: Any) -> None:
        # a read-only case still gets its report, written (not logged) through the reader
        case = self.writer if not self.read_only else self.case
        assert case is not None
        self.ops.run(f"Exporting the report {request.out.name}",
                     lambda work: ops.export_report(case, request.out, event_id=request.event_id, work=work,
                                                    examiner_key=self.keys.key),
                     self._report_exported, progress=True,
                     on_cancelled=lambda: self.statusBar().showMessage(
                              "Report export cancelled: nothing was written", 6000))

    def export_timeline(self, out: Path) -> None:
        """The visual timeline to an SVG or PNG, custody-logged as a report's export is (not when read-only)."""
        case = self.writer if not self.read_only else self.case
        if case is None:
            return
        from .timeline_view import write_png

        self.ops.run(f"Exporting the timeline {out.name}",
                     lambda _work: ops.export_timeline(case, out, write_png=write_png),
                     lambda result: self.statusBar().showMessage(
                         f"Timeline written to {result.path} (SHA-256 {result.sha256[:16]}…)"
                         + ("" if result.logged else "; the case is read-only: the export is not logged"), 10000))

    def _report_exported(self, result: Any) -> None:
        self.last_export = result
        case = self.case
        fingerprint = case.info().fingerprint if case else "—"
        verdict = "the case verified intact" if result.verified_ok else \
            "VERIFICATION FAILED at export — the report says so"
        box = QMessageBox(QMessageBox.Icon.Information, "Report exported",
                          f"The report is written to\n{result.path}", QMessageBox.StandardButton.Ok, self)
        box.setInformativeText(
            f"{result.items} item(s); {verdict}.\nSHA-256 of the file: {result.sha256}\n"
            f"Case signing key fingerprint: {fingerprint}\n"
            + ("The export is recorded in the case's custody log." if result.logged
               else "The case is read-only: the export is not logged in it."))
        plain_message(box)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_message = box
        box.open()
        self._update_status()

    def choose_packet_export(self) -> None:
        if self.case is None or self.review is not None:
            return
        from .exporting import ExportDialog

        dialog = ExportDialog(self, "packet", self.case, self.selected_event)
        self.export_dialog = dialog
        dialog.accepted.connect(lambda: self.start_packet_export(dialog.request()))
        dialog.open()

    def start_packet_export(self, request: Any) -> None:
        case = self.writer if not self.read_only else self.case
        assert case is not None
        out, zipped = request.out, request.out.suffix.lower() == ".zip"
        encrypt_to = getattr(request, "encrypt_to", ())  # then one file, NAME.edpacket.age (not NAME.zip)
        self.ops.run(f"Sealing the review packet {out.name}: copying and hashing the evidence",
                     lambda work: ops.export_packet(case, out, zip=zipped, event_id=request.event_id, work=work,
                                                    examiner_key=self.keys.key, encrypt_to=encrypt_to),
                     self._packet_exported, progress=True,
                     on_cancelled=lambda: self.statusBar().showMessage(
                              "Packet export cancelled: nothing was written", 6000))

    def _packet_exported(self, packet: Path) -> None:
        self.last_export = packet
        case = self.case
        fingerprint = case.info().fingerprint if case else "—"
        box = QMessageBox(QMessageBox.Icon.Information, "Review packet sealed",
                          f"The review packet is sealed at\n{packet}", QMessageBox.StandardButton.Close, self)
        examiner = (f"\n\nSealed by your examiner key too, fingerprint:\n{self.keys.key.fingerprint}\n(the "
                    "reviewer pins it with verify-packet --expect-examiner)" if self.keys.key else
                    "\n\nNot sealed by an examiner key (Help ▸ Examiner Key unlocks yours).")
        box.setInformativeText(
            f"Signed with the case key, fingerprint:\n{fingerprint}{examiner}\n\nGive the reviewer these "
            "fingerprints by another channel so they can tell the packet is yours."
            + ("\nThe export and the seal are recorded in the case's custody log." if case and not self.read_only
               else ""))
        plain_message(box)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        verify_button = box.addButton("Verify the packet now", QMessageBox.ButtonRole.ActionRole)
        verify_button.clicked.connect(lambda: self.verify_packet_file(packet))
        self.export_message = box
        box.open()

    def verify_packet_file(self, packet: Path) -> None:
        from ..core.packet.verify import verify_packet
        from .packets import PacketCheckDialog

        def show(report: Any) -> None:
            self.packet_check_dialog = PacketCheckDialog(self, report, f"Packet check: {packet.name}")
            self.packet_check_dialog.open()

        self.runner.read(f"Verifying the packet {packet.name}: signature, every hash, the custody chain",
                         lambda task: verify_packet(packet, progress=task.progress, should_cancel=task.should_cancel,
                                                    on_total=task.set_total), show)

    def choose_packet_to_import(self) -> None:
        from .packets import ImportPacketDialog

        start = self.case.path.parent if self.case else Path.home()
        dialog = ImportPacketDialog(self, start)
        self.import_packet_dialog = dialog
        dialog.accepted.connect(lambda: self.start_packet_import(
            Path(dialog.packet.text().strip()).expanduser(), Path(dialog.case_dir.text().strip()).expanduser(),
            dialog.released_by.text().strip(), dialog.fingerprint.text().strip()))
        dialog.open()

    def start_packet_import(self, packet: Path, case_dir: Path, released_by: str = "",
                            expect_fingerprint: str = "") -> None:
        from .case_dialogs import ask_examiner

        if not self._reviewer_key_ready(packet, lambda: self.start_packet_import(packet, case_dir, released_by,
                                                                                  expect_fingerprint)):
            return
        examiner = settings.examiner() or ask_examiner(self)
        if not examiner:
            return
        settings.remember_examiner(examiner)
        from ..core.operations import Work

        self.runner.read(f"Verifying and importing the packet {packet.name}",
                         lambda task: ops.receive_packet(packet, case_dir, examiner=examiner, released_by=released_by,
                                                         expect_fingerprint=expect_fingerprint or None,
                                                         work=Work.of(task)).value,
                         self._packet_imported, on_error=lambda exc: self._packet_import_failed(packet, exc),
                         on_cancelled=lambda: self.statusBar().showMessage(
                             "Packet import cancelled: no case was created", 6000))

    def _packet_import_failed(self, packet: Path, exc: BaseException) -> None:
        from ..core.packet.transfer import PacketRejected
        from .packets import PacketCheckDialog

        if isinstance(exc, PacketRejected):
            self.errors.shown.append(str(exc))
            self.packet_check_dialog = PacketCheckDialog(self, exc.report, f"Packet refused: {packet.name}",
                                                         refused=True)
            self.packet_check_dialog.open()
            return
        self.errors(f"Importing the packet {packet.name}", exc)

    def _packet_imported(self, result: Any) -> None:
        self.last_export = result
        if not self.open_case(result.case_dir):
            return
        self._session_head = None  # receiving the packet is this session's work: signed when the case closes
        self.statusBar().showMessage(
            f"Received {result.items} item(s) from case key {result.source_fingerprint}: released by "
            f"{line(result.released_by, 200)}, received by {line(result.received_by, 200)}", 10000)

    # --- misc ----------------------------------------------------------------------

    def about(self) -> None:
        fingerprint = self.case.info().fingerprint if self.case else "—"
        stored = self.keys.stored()
        examiner = stored.fingerprint if stored else "none yet (Help ▸ Examiner Key)"
        QMessageBox.about(self, "About Evidence Desk",
                          f"<b>Evidence Desk {__version__}</b><br>Offline evidence catalogue with a tamper-evident "
                          f"chain of custody.<br><br>This case's signing key fingerprint:<br><tt>{fingerprint}</tt>"
                          f"<br><br>Your examiner key fingerprint:<br><tt>{examiner}</tt>")

    def render_screenshot(self, out: Path) -> None:
        """Select the first event and save what the window shows."""
        if self.events_model.rowCount():
            self.select_event_row(0)
            if self.items_model.rowCount():
                self.select_item_row(0)
                self.select_event_row(0)  # the inspector shows the event, the list its items
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        self.grab().save(str(out))

    def closeEvent(self, e: QCloseEvent) -> None:
        if self.inspector.details.dirty:
            answer = QMessageBox.question(self, "Unsaved changes", "Discard the unsaved edits of the selected item?")
            if answer != QMessageBox.StandardButton.Yes:
                e.ignore()
                return
        settings.settings().setValue("window/geometry", self.saveGeometry())
        self.inspector.preview.release()
        self.close_case()
        super().closeEvent(e)

