"""Building the analysis in the app: statements, claims, their evidence, evidence requests,
and working on several selected items at once.

:class:`AnalysisDesk` belongs to the main window. It opens the dialogs of
:mod:`.analysis_dialogs`, runs each change as one :mod:`core.operations` call on the writer
thread (custody-logged, with its reason), and pushes every edit onto the window's undo stack as
an :class:`~.undo.OperationCommand` whose undo is a new logged edit back to the old values.
A creation (a statement, a claim, a request) is undone by withdrawing the record while nothing
refers to it yet: its row goes, one custody entry keeps what it held, the entry that made it stays.
A link is undone by taking it off the claim, again with a custody entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu, QWidget

from ..core import operations as ops
from ..core.records import Claim, ClaimLink, Item, Request, Statement
from .analysis_dialogs import (
    BulkGradeDialog,
    ClaimDialog,
    EventChoiceDialog,
    LinkDialog,
    ReasonDialog,
    RequestDialog,
    RequestStatusDialog,
    StatementDialog,
    statement_values,
)
from .undo import OperationCommand

if TYPE_CHECKING:
    from .main_window import MainWindow


#: how many of the records being linked a dialog names one by one
EVIDENCE_LINES = 8


class AnalysisDesk(QObject):
    """The window's statements, claims and requests editing, and its bulk item actions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: Any = None  # the dialog open now (tests fill it in)
        window.claims_panel.evidence_dropped.connect(self.evidence_dropped)
        window.statements_panel.table.doubleClicked.connect(lambda _index: self.edit_statement())
        window.claims_panel.claim_list.itemDoubleClicked.connect(lambda _row, _col: self.edit_claim())
        window.requests_panel.table.doubleClicked.connect(lambda _index: self.change_request_status())

    def handlers(self) -> dict[str, Callable[[], object]]:
        return {"new_statement": self.new_statement, "new_claim": self.new_claim,
                "new_request": self.new_request, "edit_analysis": self.edit_selected,
                "link_claim": self.link_selected, "unlink_claim": self.unlink_selected,
                "request_status": self.change_request_status}

    # --- what the window has selected -------------------------------------------------------

    def selected_items(self) -> list[Item]:
        """Every item selected in the item list, in list order."""
        w = self.window
        model = w.items_view.selectionModel()
        if model is None or w.case is None:
            return []
        rows = sorted(index.row() for index in model.selectedRows())
        return [item for item in (w.items_model.item_at(r) for r in rows) if item is not None]

    def _page(self) -> QWidget:
        return self.window.middle_tabs.currentWidget()

    def _selected_statement(self) -> Statement | None:
        w = self.window
        statement_id = w.statements_panel.current_statement_id()
        return w.case.statements.get(statement_id) if statement_id is not None and w.case else None

    def _writer(self) -> Any:
        return self.window._writable()

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

    def run(self, label: str, op: Callable[[ops.Work], ops.OpResult[Any]]) -> None:
        """Run ``op`` on the writer; panels re-read on what it changed."""
        self.window.ops.run(label, op, lambda _value: self._say(f"{label}: done, recorded in custody"))

    def _show(self, dialog: Any, accepted: Callable[[], None]) -> None:
        self.dialog = dialog
        dialog.accepted.connect(accepted)
        dialog.open()

    def _push_creation(self, kind: str, text: str, record_type: type, shown: Callable[[Any], None],
                       add: Callable[[], ops.OpResult[Any]]) -> None:
        """Make a record as an undoable step: Undo withdraws it (refused, with the reason said,
        once something refers to it); Redo makes it again, as a new record."""
        writer = self._writer()
        made: list[int] = []

        def do(_why: str) -> ops.OpResult[Any]:
            if made:  # the undo was refused (something refers to it): the record is still there
                return ops.OpResult(None, ops.Changes())
            result = add()
            made[:] = [result.value.id]  # on the writer thread, before any undo of it can run
            return result

        def withdraw() -> ops.OpResult[Any]:
            if not made:
                return ops.OpResult(None, ops.Changes())
            result = ops.withdraw_record(writer, kind, made[0], "undo")  # raises, and keeps it, if refused
            made.clear()
            return result

        def run(label: str, op: Callable[[ops.Work], ops.OpResult[Any]]) -> None:
            self.window.ops.run(label, op, lambda value: shown(value) if isinstance(value, record_type)
                                else self._say(f"{label}: done, recorded in custody"))

        self.window.undo_stack.push(OperationCommand(text, run, do, withdraw))

    # --- statements ----------------------------------------------------------------------

    def new_statement(self) -> None:
        w = self.window
        if self._writer() is None or w.case is None:
            return
        item = w.selected_item() if self._page() is w.middle_tabs.widget(0) else None
        events = [w.selected_event.id] if w.selected_event is not None else []
        dialog = StatementDialog(w, w.case, item_id=item.id if item else None, event_ids=events)
        self._show(dialog, lambda: self._add_statement(dialog))

    def _add_statement(self, dialog: StatementDialog) -> None:
        writer = self._writer()
        if writer is None:
            return
        v, options = dialog.values(), dialog.add_options()

        def shown(statement: Statement) -> None:
            self.window.reveal_tab(self.window.statements_panel)
            self.window.statements_panel.select_statement(statement.id)
            self._say(f"Added the statement by {statement.speaker}; recorded in custody")

        self._push_creation("statement", f"add the statement by {v['speaker']}", Statement, shown,
                            lambda: ops.add_statement(writer, v["speaker"], v["medium"], v["text"], **options))

    def edit_statement(self, statement: Statement | None = None) -> None:
        w = self.window
        statement = statement or self._selected_statement()
        if self._writer() is None or w.case is None:
            return
        if statement is None:
            self._say("Select a statement to edit it")
            return
        dialog = StatementDialog(w, w.case, statement)
        self._show(dialog, lambda: self._push_statement_edit(statement, dialog.changes(), dialog.reason.text()))

    def _push_statement_edit(self, statement: Statement, new: dict[str, Any], reason: str) -> None:
        writer = self._writer()
        if writer is None or not new:
            return
        old = {k: v for k, v in statement_values(statement).items() if k in new}
        sid = statement.id
        self.window.undo_stack.push(OperationCommand(
            f"edit {', '.join(sorted(new))} of the statement by {statement.speaker}", self.run,
            lambda why: ops.edit_statement(writer, sid, why, **new),
            lambda: ops.edit_statement(writer, sid, "undo", **old), reason))

    # --- claims --------------------------------------------------------------------------

    def new_claim(self) -> None:
        w = self.window
        if self._writer() is None or w.case is None:
            return
        dialog = ClaimDialog(w)
        self._show(dialog, lambda: self._add_claim(dialog.claim_text()))

    def _add_claim(self, text: str) -> None:
        writer = self._writer()
        if writer is None:
            return

        def shown(claim: Claim) -> None:
            self.window.reveal_tab(self.window.claims_panel)
            self.window.claims_panel.select_claim(claim.id)
            self._say("Added the claim; recorded in custody. Drag items or statements onto it to link them")

        self._push_creation("claim", "add a claim", Claim, shown, lambda: ops.add_claim(writer, text))

    def edit_claim(self) -> None:
        w = self.window
        claim = w.claims_panel.current_claim()
        if self._writer() is None or w.case is None:
            return
        if claim is None:
            self._say("Select a claim to edit it")
            return
        dialog = ClaimDialog(w, claim)
        self._show(dialog, lambda: self._push_claim_edit(claim, dialog.claim_text(), dialog.reason.text()))

    def _push_claim_edit(self, claim: Claim, text: str, reason: str) -> None:
        writer = self._writer()
        if writer is None:
            return
        cid, old = claim.id, claim.text
        self.window.undo_stack.push(OperationCommand(
            "reword the claim", self.run, lambda why: ops.edit_claim(writer, cid, why, text),
            lambda: ops.edit_claim(writer, cid, "undo", old), reason))

    # --- links between claims and their evidence ----------------------------------------------

    def link_selected(self) -> None:
        """Link what is selected (items in the item list, or a statement) to a claim, by dialog."""
        w = self.window
        if self._writer() is None or w.case is None:
            return
        statement = self._selected_statement() if self._page() is w.statements_panel else None
        items = [] if statement is not None else self.selected_items()
        if statement is None and not items:
            self._say("Select items in the item list, or a statement, to link them to a claim")
            return
        claim = w.claims_panel.current_claim()
        self.ask_link(claim.id if claim else None, "", [i.id for i in items],
                      [statement.id] if statement else [])

    def evidence_dropped(self, claim_id: int, stance: str, item_ids: list[int], statement_ids: list[int]) -> None:
        self.ask_link(claim_id, stance, item_ids, statement_ids)

    def ask_link(self, claim_id: int | None, stance: str, item_ids: Sequence[int],
                 statement_ids: Sequence[int]) -> None:
        w = self.window
        if self._writer() is None or w.case is None:
            return
        dialog = LinkDialog(w, w.case.claims.list(), self._evidence_text(item_ids, statement_ids),
                            claim_id=claim_id, stance=stance or "supports")
        self._show(dialog, lambda: self.push_link(dialog.claim_id(), dialog.stance(), item_ids, statement_ids,
                                                  dialog.note.text().strip()))

    def _evidence_text(self, item_ids: Sequence[int], statement_ids: Sequence[int]) -> str:
        case = self.window.case
        assert case is not None
        parts = [f"Item #{i.id} {i.name} ({i.kind})" for i in case.items.list(ids=list(item_ids))]
        parts += [f"Statement by {s.speaker} ({s.medium}): “{s.text[:120]}”"
                  for s in case.statements.list(ids=list(statement_ids))]
        shown = parts[:EVIDENCE_LINES] + ([f"… and {len(parts) - EVIDENCE_LINES} more"]
                                          if len(parts) > EVIDENCE_LINES else [])
        return "Link to the claim:\n" + "\n".join(shown)

    def push_link(self, claim_id: int | None, stance: str, item_ids: Sequence[int],
                  statement_ids: Sequence[int], note: str) -> None:
        """Link the evidence (one transaction, one entry each); undo takes those links off again."""
        writer = self._writer()
        if writer is None or claim_id is None:
            return
        made: list[int] = []

        def link(_why: str) -> ops.OpResult[list[int]]:
            result = ops.link_claim_evidence(writer, claim_id, stance, item_ids=list(item_ids),
                                             statement_ids=list(statement_ids), note=note)
            made[:] = result.value  # on the writer thread, before any undo of it can run
            return result

        def unlink() -> ops.OpResult[Any]:
            if not made:
                return ops.OpResult([], ops.Changes())
            return ops.unlink_claim(writer, list(made), "undo")

        n = len(item_ids) + len(statement_ids)
        what = f"{n} records" if n > 1 else ("the item" if item_ids else "the statement")
        self.window.undo_stack.push(OperationCommand(f"link {what} to claim #{claim_id} ({stance})", self.run,
                                                     link, unlink))

    def edit_link(self, link: ClaimLink) -> None:
        w = self.window
        if self._writer() is None or w.case is None:
            return
        dialog = LinkDialog(w, w.case.claims.list(), self._evidence_text(
            [link.item_id] if link.item_id is not None else [],
            [link.statement_id] if link.statement_id is not None else []), link=link)
        self._show(dialog, lambda: self._push_link_edit(link, dialog.changes(), dialog.reason.text()))

    def _push_link_edit(self, link: ClaimLink, new: dict[str, str], reason: str) -> None:
        writer = self._writer()
        if writer is None or not new:
            return
        old = {k: getattr(link, k) for k in new}
        self.window.undo_stack.push(OperationCommand(
            f"change the {' and '.join(sorted(new))} of a link to claim #{link.claim_id}", self.run,
            lambda why: ops.edit_claim_link(writer, link.id, why, **new),
            lambda: ops.edit_claim_link(writer, link.id, "undo", **old), reason))

    def unlink_selected(self) -> None:
        w = self.window
        link = w.claims_panel.current_claim_link()
        if self._writer() is None or w.case is None:
            return
        if link is None:
            self._say("Select the evidence under a claim to take it off the claim")
            return
        dialog = ReasonDialog(w, "Take off the claim", self._evidence_text(
            [link.item_id] if link.item_id is not None else [],
            [link.statement_id] if link.statement_id is not None else []).replace(
            "Link to the claim:", f"Take off claim #{link.claim_id} ({link.stance}):"), "Take off")
        self._show(dialog, lambda: self.push_unlink(link, dialog.reason.text()))

    def push_unlink(self, link: ClaimLink, reason: str) -> None:
        """Take a link off its claim; undo links the same evidence again (a new link, logged)."""
        writer = self._writer()
        if writer is None:
            return
        current = [link.id]

        def unlink(why: str) -> ops.OpResult[Any]:
            return ops.unlink_claim(writer, list(current), why)

        def relink() -> ops.OpResult[list[int]]:
            result = ops.link_claim_evidence(
                writer, link.claim_id, link.stance, item_ids=[link.item_id] if link.item_id is not None else [],
                statement_ids=[link.statement_id] if link.statement_id is not None else [], note=link.note)
            current[:] = result.value  # a redo takes off the link made now
            return result

        self.window.undo_stack.push(OperationCommand(f"take evidence off claim #{link.claim_id}", self.run,
                                                     unlink, relink, reason))

    # --- requests --------------------------------------------------------------------------

    def new_request(self) -> None:
        w = self.window
        if self._writer() is None or w.case is None:
            return
        dialog = RequestDialog(w, w.case)
        self._show(dialog, lambda: self._add_request(dialog.title.text().strip(), dialog.options()))

    def _add_request(self, title: str, options: dict[str, Any]) -> None:
        writer = self._writer()
        if writer is None:
            return

        def shown(request: Request) -> None:
            self.window.reveal_tab(self.window.requests_panel)
            self.window.requests_panel.select_request(request.id)
            self._say(f"Added the request “{request.title}”; recorded in custody")

        self._push_creation("request", f"add the request “{title}”", Request, shown,
                            lambda: ops.add_request(writer, title, **options))

    def change_request_status(self) -> None:
        w = self.window
        if self._writer() is None or w.case is None:
            return
        request = w.requests_panel.current_request()
        if request is None:
            self._say("Select a request on the Requests tab to change its status")
            return
        dialog = RequestStatusDialog(w, w.case, request, [i.id for i in self.selected_items()])
        self._show(dialog, lambda: self.push_request_change(request, dialog.changes(), dialog.reason.text()))

    def push_request_change(self, request: Request, new: dict[str, Any], reason: str) -> None:
        writer = self._writer()
        if writer is None or not new:
            return
        old: dict[str, Any] = {"status": request.status, "item_ids": list(request.item_ids), "title": request.title,
                               "addressed_to": request.addressed_to, "description": request.description,
                               "asked": request.asked.raw, "due": request.due.raw, "tz": request.asked.tz}
        old = {k: v for k, v in old.items() if k in new}
        if "tz" in old or "asked" in old or "due" in old:  # the times are read back in their old zone
            old.update(asked=request.asked.raw, due=request.due.raw, tz=request.asked.tz)
        rid = request.id
        what = "the status" if set(new) <= {"status", "item_ids"} else ", ".join(sorted(new))
        self.window.undo_stack.push(OperationCommand(
            f"change {what} of request “{request.title}”", self.run,
            lambda why: ops.edit_request(writer, rid, why, **new),
            lambda: ops.edit_request(writer, rid, "undo", **old), reason))

    # --- several items at once -------------------------------------------------------------------

    def bulk_grade(self, items: Sequence[Item]) -> None:
        w = self.window
        if self._writer() is None or w.case is None:
            return
        dialog = BulkGradeDialog(w, items)
        ids = [i.id for i in items]
        self._show(dialog, lambda: self._grade(ids, dialog.rationale.toPlainText().strip(),
                                               dialog.reliability.currentData(), dialog.credibility.currentData()))

    def _grade(self, ids: list[int], rationale: str, reliability: str | None, credibility: str | None) -> None:
        writer = self._writer()
        if writer is None:
            return
        self.window.ops.run(f"Grading {len(ids)} items", lambda _work: ops.grade_items(
            writer, ids, rationale, reliability=reliability, credibility=credibility),
            lambda grades: self._say(f"Recorded {len(grades)} grades for {len(ids)} items, each in custody"))

    def bulk_attach(self, items: Sequence[Item]) -> None:
        w = self.window
        if self._writer() is None or w.case is None:
            return
        dialog = EventChoiceDialog(w, w.case, items)
        ids = [i.id for i in items]
        self._show(dialog, lambda: w.link_items(ids, dialog.event.currentData(), True))

    # --- menus -----------------------------------------------------------------------------

    def extend_menu(self, menu: QMenu, widget: QWidget) -> None:
        """Add what can be done to what ``widget`` shows (a context menu of a claims, statements
        or requests view)."""
        w = self.window
        a = w.actions
        menu.addSeparator()
        if widget is w.statements_panel.table:
            for name in ("new_statement", "edit_analysis", "link_claim"):
                menu.addAction(a[name])
        elif widget is w.requests_panel.table:
            for name in ("new_request", "request_status"):
                menu.addAction(a[name])
        else:
            for name in ("new_claim", "edit_analysis", "unlink_claim"):
                menu.addAction(a[name])

    def edit_selected(self) -> None:
        """Edit what the current tab has selected: a statement, a claim, a link, a request."""
        w = self.window
        page = self._page()
        if page is w.statements_panel:
            self.edit_statement()
        elif page is w.claims_panel:
            link = w.claims_panel.current_claim_link()
            self.edit_link(link) if link is not None else self.edit_claim()
        elif page is w.requests_panel:
            self.change_request_status()
        else:
            self._say("Select a statement, a claim, a link or a request to edit it")
