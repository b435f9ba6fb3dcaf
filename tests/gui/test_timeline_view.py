"""The visual timeline beside the event list: clicking a mark selects the record in the app,
zoom and pan change the span shown, it follows the case's changes, and it paints the PNG export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from evidence_desk import cli
from evidence_desk.core import operations as ops
from evidence_desk.core.case import Case
from evidence_desk.core.records import Event
from evidence_desk.gui.main_window import MainWindow
from evidence_desk.gui.models import EventRole
from evidence_desk.gui.timeline_view import ZOOM_STEP

from .conftest import wait_idle


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """Events at an exact time, over a quarter hour, and unknown; statements from two sources;
    a contested claim on the dispatch."""
    path = tmp_path / "case"
    with Case.create(path, "Stand-down inquiry", "Test Examiner", tz="America/Chicago") as case:
        dispatch = case.events.add("Dispatch <order> relayed", when="2025-10-04 12:34:44", place="OEMC dispatch")
        case.events.add("Units cleared", when="between 12:30 and 12:45 on 2025-10-04")
        case.events.add("Press statement")
        order = case.statements.add("Dispatcher", "radio", "Clear everybody out.", when="2025-10-04 12:34",
                                    event_ids=[dispatch.id], source="OEMC radio")
        denial = case.statements.add("Spokesperson", "press release", "No order was given.", when="2025-10-05",
                                     source="CPD News Affairs")
        claim = case.claims.add("Units were told to stand down")
        case.claims.link(claim.id, "supports", statement_id=order.id)
        case.claims.link(claim.id, "contradicts", statement_id=denial.id)
    return path


@pytest.fixture
def chart_window(qtbot, case_dir: Path):
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(case_dir)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.middle_tabs.setCurrentWidget(win.timeline_chart)
    qtbot.waitUntil(lambda: win.timeline_chart.canvas.width() > 500)
    yield win
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=10_000)
    win.inspector.details.dirty = False
    win.close()


def _selected_event(win: MainWindow) -> Event | None:
    indexes = win.timeline.selectionModel().selectedIndexes()
    return indexes[0].data(EventRole) if indexes else None


def _click_mark(qtbot, win: MainWindow, kind: str, title_start: str) -> None:
    canvas = win.timeline_chart.canvas
    mark = next(m for m in canvas.lay.marks if m.kind == kind and m.title.startswith(title_start))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(mark.x0), round(mark.y)))


def test_clicking_a_mark_selects_that_event_in_the_event_list(qtbot, chart_window: MainWindow) -> None:
    win = chart_window
    assert _selected_event(win) is None
    _click_mark(qtbot, win, "event", "Units cleared")
    assert _selected_event(win).title == "Units cleared"
    assert win.selected_event.title == "Units cleared"
    _click_mark(qtbot, win, "event", "Dispatch <order>")  # the contested one, its title drawn as text
    assert _selected_event(win).title == "Dispatch <order> relayed"
    assert win.timeline_chart.canvas.selected == ("event", _selected_event(win).id)
    _click_mark(qtbot, win, "event", "Press statement")  # in the unknown lane
    assert _selected_event(win).title == "Press statement"
    # selecting in the event list shows it on the chart, panned into view when it was off the plot
    chart = win.timeline_chart
    for _ in range(12):
        qtbot.keyClick(chart.canvas, Qt.Key.Key_Plus)
    qtbot.keyClick(chart.canvas, Qt.Key.Key_Right)
    first = win.events_model.event_at(0)
    mark = chart.canvas.lay.find("event", first.id)
    assert not chart.canvas.lay.plot_x0 <= mark.x0 <= chart.canvas.lay.plot_x1
    win.select_event_row(0)
    assert chart.canvas.selected == ("event", first.id)
    mark = chart.canvas.lay.find("event", first.id)
    assert chart.canvas.lay.plot_x0 <= mark.x0 <= chart.canvas.lay.plot_x1


def test_clicking_a_statement_mark_selects_it_in_the_statements_panel(qtbot, chart_window: MainWindow) -> None:
    win = chart_window
    _click_mark(qtbot, win, "statement", "Spokesperson")
    statement_id = win.statements_panel.current_statement_id()
    assert statement_id is not None
    assert win.case.statements.get(statement_id).speaker == "Spokesperson"
    assert win.inspector.statement is not None and win.inspector.statement.id == statement_id
    assert win.timeline_chart.canvas.selected == ("statement", statement_id)
    assert win.middle_tabs.currentWidget() is win.timeline_chart  # the chart stays in view


def test_zoom_and_pan_from_keys_buttons_wheel_and_drag(qtbot, chart_window: MainWindow) -> None:
    chart = chart_window.timeline_chart
    canvas = chart.canvas
    canvas.setFocus()
    full = chart.view
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert chart.view.span == pytest.approx(full.span / ZOOM_STEP)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert chart.view.span == pytest.approx(full.span * ZOOM_STEP)
    before = chart.view
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert chart.view.span == pytest.approx(before.span) and chart.view.start > before.start
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert chart.view.start < before.start
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert chart.view == full
    qtbot.mouseClick(chart.zoom_in, Qt.MouseButton.LeftButton)
    assert chart.view.span == pytest.approx(full.span / ZOOM_STEP)
    qtbot.mouseClick(chart.fit_button, Qt.MouseButton.LeftButton)
    assert chart.view == full
    # the wheel zooms around the pointer: the time under it stays under it
    lay = canvas.lay
    x = (lay.plot_x0 + lay.plot_x1) / 3
    t = lay.time_at(x)
    wheel = QWheelEvent(QPointF(x, 60), canvas.mapToGlobal(QPointF(x, 60)), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(canvas, wheel)
    assert chart.view.span < full.span
    assert canvas.lay.time_at(x) == pytest.approx(t, abs=1.0)
    # a drag to the right shows earlier times, and selects nothing
    start = chart.view.start
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(600, 20))
    qtbot.mouseMove(canvas, QPoint(700, 20))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(700, 20))
    assert chart.view.start < start
    assert _selected_event(chart_window) is None
    # the caption follows the span shown
    assert chart.span_label.toolTip() == canvas.lay.caption
    assert chart.span_label.text() == "3 event(s), 2 statement(s), 1 undated"


def test_the_chart_follows_changes_made_in_the_app(qtbot, chart_window: MainWindow) -> None:
    win = chart_window
    before = len(win.timeline_chart.canvas.lay.marks)
    win._run_op("Adding an event", lambda writer: ops.add_event(writer, "Late <b>event</b>", when="2025-10-06 09:00"))
    wait_idle(qtbot, win)
    marks = win.timeline_chart.canvas.lay.marks
    assert len(marks) == before + 1
    assert any(m.title == "Late <b>event</b>" and m.shape == "point" for m in marks)


def test_cli_writes_a_png_painted_by_the_same_code(tmp_path: Path, case_dir: Path, capsys) -> None:
    out = tmp_path / "timeline.png"
    assert cli.main(["timeline", str(case_dir), "-o", str(out), "--width", "1000"]) == 0
    assert "wrote" in capsys.readouterr().out
    image = QImage(str(out))
    assert not image.isNull() and image.width() == 2000
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 20  # lanes, bars, text: not a blank page
    assert QColor("#1f4e79").name() in colours or any(c.startswith("#1f4e") for c in colours)
    assert cli.main(["timeline", str(case_dir), "-o", str(tmp_path / "timeline.gif")]) == 2
    assert not (tmp_path / "timeline.gif").exists()


def test_hundreds_of_entries_paint_and_tooltips_show_markup_as_text(qtbot) -> None:
    from evidence_desk.core import timeline_layout as tl
    from evidence_desk.core import uncertain_time as utime
    from evidence_desk.gui.timeline_view import TimelineChart, tooltip_html

    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.resize(1000, 600)
    data = tl.make_data(((i, f"<b>Event</b> {i}", utime.parse(f"2025-10-04 {i % 24:02d}:{i % 60:02d}", "UTC"))
                         for i in range(300)),
                        ((i, f"Speaker {i}: said", f"Source {i % 5}", utime.parse("" if i % 3 else "2025-10-04", "UTC"))
                         for i in range(300)), {1: ["<i>contested</i>"]}, "UTC")
    chart.canvas.set_data(data)
    image = chart.grab().toImage()
    assert not image.isNull()
    assert len(chart.canvas.lay.marks) == 600
    assert chart.canvas.minimumHeight() >= chart.canvas.lay.height - 1  # the scroll area reaches the last lane
    mark = chart.canvas.lay.find("event", 1)
    tip = tooltip_html(mark)
    assert "&lt;b&gt;Event&lt;/b&gt; 1" in tip and "&lt;i&gt;contested&lt;/i&gt;" in tip and "<b>" not in tip


def test_export_from_the_chart_writes_the_file_and_logs_it(qtbot, chart_window: MainWindow, tmp_path: Path) -> None:
    win = chart_window
    out = tmp_path / "chart.png"
    win.timeline_chart.export_requested.emit(out)
    wait_idle(qtbot, win)
    image = QImage(str(out))
    assert not image.isNull() and image.width() == 2400
    logged = [e for e in win.case.history.entries() if e.action == "exported"]
    assert len(logged) == 1 and logged[0].details_dict["timeline"] == str(out.resolve())
    assert "Timeline written to" in win.statusBar().currentMessage()
