"""Sizes read the same in every window, and progress past 2 GiB is not cut to 32 bits."""

from __future__ import annotations

import threading

from evidence_desk.core.sizes import format_bytes_exact
from evidence_desk.gui.tasks import ProgressDialog, Task


def test_progress_of_a_batch_larger_than_two_gib(qtbot) -> None:
    task = Task("Importing", lambda _task: None)
    dialog = ProgressDialog(task, None)
    qtbot.addWidget(dialog)

    def worker() -> None:  # the worker thread reports; the signals cross to the GUI thread
        task.set_total(5 * 1024 ** 3)
        task.progress(3 * 1024 ** 3 + 512 * 1024 ** 2)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: dialog.done > 0)
    assert dialog.total == 5 * 1024 ** 3
    assert dialog.labelText().endswith("3.5 GiB of 5.0 GiB")
    assert dialog.value() == 700


def test_the_inspector_and_the_viewer_say_an_items_size_alike(qtbot, window) -> None:
    window.show_all_items()
    window.select_item_row(0)
    item = window.selected_item()
    memo = window.case.items.object_path(item.id).read_bytes()
    assert item.size == len(memo)
    assert window.inspector.details.size.text() == format_bytes_exact(len(memo)) == f"{len(memo)} bytes"
    window.inspector.preview.show_content(window.case, item)
    assert format_bytes_exact(len(memo)) in window.inspector.preview.viewer.header.facts.text()
