"""Your own folders in the window: adding (menu, drop), indexing on the index lane with
progress and cancel, the folder watcher, filters, collections in results and the indexing
report (offscreen)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fpdf import FPDF
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication

from searchapp.core.collections import load_settings
from searchapp.core.formats import READERS
from searchapp.core.index import BUNDLED_COLLECTION, IndexReport
from searchapp.ui import settings as setting_keys
from searchapp.ui.labels import BUNDLED_COLLECTION as UI_BUNDLED_COLLECTION
from searchapp.ui.labels import BUNDLED_LABEL, KIND_GROUPS
from searchapp.ui.mainwindow import MainWindow
from searchapp.ui.report import FailedFilesModel
from searchapp.ui.results_model import ResultRole
from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_mainwindow import file_names, type_query


def write_article(folder: Path, name: str, title: str, body: str,
                  date: str | None = None) -> Path:
    path = folder / name
    first = f"date {date} {title}" if date else title
    path.write_text(f"{first}\n\n{body}\n", encoding="utf-8")
    return path


def write_pdf(path: Path, pages: list[str], encrypt: bool = False) -> Path:
    pdf = FPDF()
    for text in pages:
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.multi_cell(0, 10, text)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.output(str(path))
    return path


def add_folder_and_wait(qtbot, window: MainWindow, folder: Path) -> IndexReport:
    with qtbot.waitSignal(window.indexFinished, timeout=TIMEOUT_MS) as blocker:
        window.add_folder(str(folder))
    return blocker.args[0]


class ProgressRecorder(QObject):
    def __init__(self, on_first=None) -> None:
        super().__init__()
        self.calls: list[tuple[int, int, str]] = []
        self._on_first = on_first

    @Slot(int, int, str)
    def record(self, done: int, total: int, current: str) -> None:
        self.calls.append((done, total, current))
        if self._on_first is not None and len(self.calls) == 1:
            self._on_first()


def test_ui_names_agree_with_the_core() -> None:
    assert UI_BUNDLED_COLLECTION == BUNDLED_COLLECTION
    grouped = {kind for _label, kinds in KIND_GROUPS.values() for kind in kinds}
    assert grouped == {suffix.lstrip(".") for suffix in READERS}


def test_adding_a_folder_indexes_it_with_progress(qtbot, window: MainWindow,
                                                  tmp_path: Path) -> None:
    folder = tmp_path / "Field notes"
    folder.mkdir()
    write_article(folder, "heron.txt", "Grey heron", "A zebrafish pond and a grey heron.",
                  "2024-05-01")
    (folder / "otter.md").write_text("# Otters\n\nThe otter ate a zebrafish.\n", "utf-8")
    write_pdf(folder / "survey.pdf", ["Nothing here.", "A zebrafish survey, page two."])
    progress = ProgressRecorder()
    window.index_lane.worker.indexProgress.connect(progress.record)

    report = add_folder_and_wait(qtbot, window, folder)

    assert report.added == 3 and not report.failed and not report.cancelled
    assert progress.calls[0][:2] == (0, 3) and progress.calls[-1] == (3, 3, "")
    assert {Path(c).name for _d, _t, c in progress.calls if c} <= {"heron.txt", "otter.md",
                                                                   "survey.pdf"}
    assert window.user_folders() == [str(folder.resolve())]
    assert window.actions.remove_folder.isEnabled()
    assert "3 added" in window.statusBar().currentMessage()
    assert window.index_progress.isHidden()

    type_query(qtbot, window, "zebrafish")
    model = window.results_model
    rows = {model.index(r, 0).data(ResultRole.FileName): model.index(r, 0)
            for r in range(model.rowCount())}
    assert set(rows) == {"heron.txt", "otter.md", "survey.pdf"}
    assert {index.data(ResultRole.Collection) for index in rows.values()} == {"Field notes"}
    assert rows["otter.md"].data(ResultRole.TypeAndPage) == "Markdown"
    assert rows["survey.pdf"].data(ResultRole.Page) == 2
    assert rows["survey.pdf"].data(ResultRole.TypeAndPage) == "PDF, p. 2"

    # The reader's header names the folder and, for a PDF, the page of the current match.
    with qtbot.waitSignal(window.documentShown, timeout=TIMEOUT_MS):
        window.results_view.setCurrentIndex(rows["survey.pdf"])
    meta = window.reader.meta_label.text()
    assert "Field notes" in meta and "PDF, p. 2" in meta
    assert window.reader.current_page() == 2


def test_bundled_articles_are_labelled(window: MainWindow) -> None:
    assert window.results_model.index(0, 0).data(ResultRole.Collection) == BUNDLED_LABEL
    assert window.results_model.index(0, 0).data(ResultRole.TypeAndPage) == "Text"
    assert BUNDLED_LABEL in window.reader.meta_label.text()


def test_cancelling_leaves_a_usable_index(qtbot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(400):
        write_article(folder, f"note{number:03}.txt", f"Note {number}",
                      f"Walrus sighting number {number} on the ice.")
    # Cancel as soon as the first progress report arrives, as the Cancel button would.
    recorder = ProgressRecorder(on_first=window.actions.cancel_indexing.trigger)
    window.index_lane.worker.indexProgress.connect(recorder.record)

    report = add_folder_and_wait(qtbot, window, folder)

    assert report.cancelled
    assert report.added < 400
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.index_progress.isHidden()
    assert not window.indexing
    # The index still answers, with what was indexed before the cancel.
    results = type_query(qtbot, window, "walrus")
    assert results.total == report.added
    results = type_query(qtbot, window, "Clooney")
    assert results.total == 1
    # The next update indexes the rest.
    window.index_lane.worker.indexProgress.disconnect(recorder.record)
    with qtbot.waitSignal(window.indexFinished, timeout=TIMEOUT_MS) as blocker:
        window.refresh_index()
    assert blocker.args[0].added == 400 - report.added
    assert type_query(qtbot, window, "walrus").total == 400


def test_watched_folder_picks_up_new_and_deleted_files(qtbot, window: MainWindow,
                                                       tmp_path: Path) -> None:
    folder = tmp_path / "watched"
    (folder / "sub").mkdir(parents=True)
    write_article(folder, "first.txt", "First", "Nothing special.")
    window.watcher.set_debounce_ms(100)  # the window waits a second; the test need not
    add_folder_and_wait(qtbot, window, folder)
    qtbot.waitUntil(lambda: str(folder.resolve() / "sub") in window.watcher.folders(),
                    timeout=TIMEOUT_MS)

    with qtbot.waitSignal(window.indexFinished, timeout=TIMEOUT_MS,
                          check_params_cb=lambda report: report.added == 1):
        write_article(folder / "sub", "narwhal.txt", "Narwhal", "A narwhal surfaced.")
    assert file_names(window) and type_query(qtbot, window, "narwhal").total == 1
    assert file_names(window) == ["narwhal.txt"]

    with qtbot.waitSignal(window.indexFinished, timeout=TIMEOUT_MS,
                          check_params_cb=lambda report: report.removed == 1):
        (folder / "sub" / "narwhal.txt").unlink()
    # The search on screen was run again: the deleted file has left the results.
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 0, timeout=TIMEOUT_MS)
    assert type_query(qtbot, window, "narwhal").total == 0


def test_filters_by_collection_type_and_date(qtbot, window: MainWindow,
                                             tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    write_article(folder, "old.txt", "Old report", "Badger census.", "2019-03-01")
    write_article(folder, "new.txt", "New report", "Badger census again.", "2024-03-01")
    (folder / "page.html").write_text(
        "<html><head><title>Badger page</title></head><body><article><p>Badger census "
        "on the web, long enough to count as an article body for the extractor to keep."
        "</p></article></body></html>", "utf-8")
    add_folder_and_wait(qtbot, window, folder)
    assert type_query(qtbot, window, "").total == 8  # 5 bundled + 3

    bar = window.filter_bar
    with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS):
        bar.set_collection_included(BUNDLED_COLLECTION, False)
    assert sorted(file_names(window)) == ["new.txt", "old.txt", "page.html"]
    assert bar.collection_button.text() == "mixed"

    with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS):
        bar.set_kind_included("html", False)
    assert sorted(file_names(window)) == ["new.txt", "old.txt"]

    with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS):
        bar.date_from.set_value(dt.date(2020, 1, 1))
    assert file_names(window) == ["new.txt"]

    # The query's own date: and the panel's dates both apply.
    assert type_query(qtbot, window, "badger date:2019").total == 0
    assert type_query(qtbot, window, "badger date:2024").total == 1

    # Filters persist in the settings, and clearing brings everything back.
    window.save_settings()
    settings = window.settings
    assert setting_keys.read(settings, setting_keys.FILTER_EXCLUDED_COLLECTIONS) == [
        BUNDLED_COLLECTION]
    assert setting_keys.read(settings, setting_keys.FILTER_EXCLUDED_KINDS) == ["html"]
    assert setting_keys.read(settings, setting_keys.FILTER_DATE_FROM) == "2020-01-01"
    with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS):
        type_query(qtbot, window, "badger")
    with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS):
        window.actions.clear_filters.trigger()
    assert window.results_model.rowCount() == 3
    assert not window.actions.clear_filters.isEnabled()


def test_filters_are_restored_at_the_next_launch(qtbot, make_window) -> None:
    first = make_window()
    with qtbot.waitSignal(first.resultsShown, timeout=TIMEOUT_MS):
        first.filter_bar.date_to.set_value(dt.date(2021, 12, 31))
    kept = first.results_model.rowCount()
    first.close()
    second = make_window()
    assert second.filter_bar.date_to.value() == dt.date(2021, 12, 31)
    assert second.results_model.rowCount() == kept < 5


def test_hiding_the_bundled_articles_shows_how_to_add_a_folder(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda results: results.total == 0):
        window.actions.show_bundled.setChecked(False)
    assert load_settings(tmp_path / "data").hide_bundled
    assert "Add Folder" in window.results_view.placeholder()
    assert "Show bundled articles" in window.results_view.placeholder()
    assert window.filter_bar.collections() == []
    with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda results: results.total == 5):
        window.actions.show_bundled.setChecked(True)


def test_removing_a_folder_drops_its_documents(qtbot, window: MainWindow,
                                               tmp_path: Path) -> None:
    folder = tmp_path / "temporary"
    folder.mkdir()
    write_article(folder, "lynx.txt", "Lynx", "A lynx in the snow.")
    add_folder_and_wait(qtbot, window, folder)
    assert type_query(qtbot, window, "lynx").total == 1
    with qtbot.waitSignal(window.indexFinished, timeout=TIMEOUT_MS) as blocker:
        window.remove_folder(str(folder))
    assert blocker.args[0].removed == 1
    assert window.user_folders() == []
    assert not window.actions.remove_folder.isEnabled()
    assert type_query(qtbot, window, "lynx").total == 0


def test_adding_something_that_is_not_a_folder_says_so(qtbot, window: MainWindow,
                                                       tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.warning",
                        lambda *args: None)
    with qtbot.waitSignal(window.folderChangeFailed, timeout=TIMEOUT_MS) as blocker:
        window.add_folder(str(tmp_path / "missing"))
    assert "is not a folder" in blocker.args[0]
    assert "is not a folder" in window.statusBar().currentMessage()


def test_report_window_lists_unreadable_files(qtbot, window: MainWindow,
                                              tmp_path: Path) -> None:
    folder = tmp_path / "messy"
    folder.mkdir()
    write_article(folder, "fine.txt", "Fine", "Readable text.")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    write_pdf(folder / "locked.pdf", ["Secret text"], encrypt=True)
    report = add_folder_and_wait(qtbot, window, folder)
    assert report.added == 1 and len(report.failed) == 2
    assert "Indexing Report" in window.statusBar().currentMessage()

    with qtbot.waitSignal(window.reportShown, timeout=TIMEOUT_MS):
        window.actions.index_report.trigger()
    dialog = window.report_dialog
    assert dialog is not None and dialog.isVisible()
    assert "1 added" in dialog.summary_label.text()
    assert "2 files could not be indexed" in dialog.summary_label.text()
    model: FailedFilesModel = dialog.model
    rows = {Path(model.index(r, 0).data()).name: model.index(r, 1).data()
            for r in range(model.rowCount())}
    assert rows.keys() == {"binary.txt", "locked.pdf"}
    assert "binary" in rows["binary.txt"]
    assert "encrypted" in rows["locked.pdf"]

    dialog.table.selectRow(list(rows).index("locked.pdf"))
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == str(folder.resolve() / "locked.pdf")


def test_report_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = FailedFilesModel()
    qtmodeltester.check(model)
    model.set_rows([("/a/b.txt", "looks like a binary file"), ("/a/c.pdf", "damaged")])
    qtmodeltester.check(model)


def test_dropping_a_folder_adds_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "dropped"
    folder.mkdir()
    write_article(folder, "puffin.txt", "Puffin", "A puffin with fish.")
    not_a_folder = folder / "puffin.txt"

    file_only = QMimeData()
    file_only.setUrls([QUrl.fromLocalFile(str(not_a_folder))])
    refused = QDragEnterEvent(QPoint(40, 40), Qt.DropAction.CopyAction, file_only,
                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    refused.setAccepted(False)
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    enter = QDragEnterEvent(QPoint(40, 40), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(40, 40), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.indexFinished, timeout=TIMEOUT_MS) as blocker:
        window.dropEvent(drop)
    assert drop.isAccepted()
    assert blocker.args[0].added == 1
    assert window.user_folders() == [str(folder.resolve())]
    saved = json.loads((tmp_path / "data" / "collections.json").read_text("utf-8"))
    assert saved["folders"] == [str(folder.resolve())]
