"""The window's start-up: what the first frame does without, and that it looks the same.

The first frame is built and painted before PySide6 builds its Qt namespace of enums
(lazy_qt), the search lanes or the calendar popups; these tests check that it still does,
and that what it does instead (enum values, eliding, snippets drawn line by line) gives
what Qt itself gives.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QApplication, QListView

from searchapp.core.results import SearchHit, SearchResults, save_snapshot, snapshot_key
from searchapp.ui import elide, lazy_qt, results_delegate
from searchapp.ui.empty_state import EmptyStateLabel
from searchapp.ui.filters import ANY_DATE, DateLimit
from searchapp.ui.mainwindow import MainWindow
from searchapp.ui.results_delegate import ResultDelegate
from searchapp.ui.results_model import ResultRole, ResultsModel
from tests.ui.conftest import TIMEOUT_MS

REPOSITORY = Path(__file__).resolve().parents[2]

SNIPPET = ("The ordeal began as Jason Scoop, who was impersonating President Donald Trump, "
           "began taunting Baldwin in front of his New York City home as he unloaded "
           "luggage from the back of an SUV — “a video of the confrontation” was shared "
           "on Scoop’s account and quickly spread online.")


def test_values_used_instead_of_enums_are_qts() -> None:
    assert lazy_qt.ALIGN_LEFT == Qt.AlignmentFlag.AlignLeft
    assert lazy_qt.ALIGN_RIGHT == Qt.AlignmentFlag.AlignRight
    assert lazy_qt.ALIGN_H_CENTER == Qt.AlignmentFlag.AlignHCenter
    assert lazy_qt.ALIGN_TOP == Qt.AlignmentFlag.AlignTop
    assert lazy_qt.ALIGN_BOTTOM == Qt.AlignmentFlag.AlignBottom
    assert lazy_qt.ALIGN_V_CENTER == Qt.AlignmentFlag.AlignVCenter
    assert lazy_qt.ALIGN_CENTER == Qt.AlignmentFlag.AlignCenter
    assert lazy_qt.TEXT_WORD_WRAP == Qt.TextFlag.TextWordWrap
    assert lazy_qt.DISPLAY_ROLE == Qt.ItemDataRole.DisplayRole
    assert lazy_qt.TOOL_TIP_ROLE == Qt.ItemDataRole.ToolTipRole
    assert lazy_qt.ACCESSIBLE_TEXT_ROLE == Qt.ItemDataRole.AccessibleTextRole
    assert lazy_qt.ACCESSIBLE_DESCRIPTION_ROLE == Qt.ItemDataRole.AccessibleDescriptionRole
    assert lazy_qt.USER_ROLE == Qt.ItemDataRole.UserRole
    assert ResultRole.Title == Qt.ItemDataRole.UserRole + 1
    for value, enum in ((lazy_qt.PLAIN_TEXT, Qt.TextFormat.PlainText),
                        (lazy_qt.RICH_TEXT, Qt.TextFormat.RichText),
                        (lazy_qt.LINKS_ACCESSIBLE_BY_MOUSE,
                         Qt.TextInteractionFlag.LinksAccessibleByMouse),
                        (lazy_qt.LINKS_ACCESSIBLE_BY_KEYBOARD,
                         Qt.TextInteractionFlag.LinksAccessibleByKeyboard),
                        (lazy_qt.CUSTOM_CONTEXT_MENU, Qt.ContextMenuPolicy.CustomContextMenu),
                        (lazy_qt.SCROLL_BAR_ALWAYS_OFF, Qt.ScrollBarPolicy.ScrollBarAlwaysOff),
                        (lazy_qt.TOOL_BUTTON_TEXT_ONLY, Qt.ToolButtonStyle.ToolButtonTextOnly),
                        (lazy_qt.TOOL_BUTTON_TEXT_BESIDE_ICON,
                         Qt.ToolButtonStyle.ToolButtonTextBesideIcon),
                        (lazy_qt.STRONG_FOCUS, Qt.FocusPolicy.StrongFocus)):
        assert value == enum.value


def test_the_lazy_namespace_is_qts() -> None:
    assert lazy_qt.Qt.AlignmentFlag is Qt.AlignmentFlag
    assert lazy_qt.Qt.TextElideMode.ElideRight is Qt.TextElideMode.ElideRight
    assert lazy_qt.namespace_built()  # pytest-qt has long built it


def test_widgets_set_up_from_values_have_the_enums(qtbot, tmp_path: Path) -> None:
    window = MainWindow(tmp_path / "data")
    qtbot.addWidget(window)
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert window.toolBarArea(window.toolbar) == Qt.ToolBarArea.TopToolBarArea
    assert window.info_label.textFormat() == Qt.TextFormat.RichText
    assert window.info_label.textInteractionFlags() == (
        Qt.TextInteractionFlag.LinksAccessibleByMouse
        | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    assert window.results_view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert (window.results_view.horizontalScrollBarPolicy()
            == Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    assert window.splitter.orientation() == Qt.Orientation.Horizontal
    assert window.timeline_chart.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert (window.filter_bar.clear_button.toolButtonStyle()
            == Qt.ToolButtonStyle.ToolButtonTextOnly)
    assert window.index_progress.label.textFormat() == Qt.TextFormat.PlainText
    assert (window.index_progress.cancel_button.toolButtonStyle()
            == Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    stand_in = window.splitter.widget(1)
    assert isinstance(stand_in, EmptyStateLabel)
    assert stand_in.alignment() == Qt.AlignmentFlag.AlignCenter
    assert stand_in.textFormat() == Qt.TextFormat.PlainText
    window.show()
    assert window.focusWidget() is window.search_bar


def test_shortcuts_work_from_the_first_frame(qtbot, tmp_path: Path) -> None:
    """The actions (and their shortcuts) are made with the window, not after the first list:
    keys work as soon as it is on screen, before the index is even opened."""
    window = MainWindow(tmp_path / "data")
    qtbot.addWidget(window)
    with qtbot.waitActive(window, timeout=TIMEOUT_MS):
        window.show()
        window.activateWindow()
    assert window._lane is None  # the engine is not open yet
    shown = window.filter_bar.isVisibleTo(window)
    qtbot.keyClick(window.search_bar, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.filter_bar.isVisibleTo(window) is not shown
    window.results_view.setFocus()
    qtbot.keyClick(window.results_view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.search_bar


def test_results_model_flags_are_read_only_rows() -> None:
    model = ResultsModel()
    model.set_hits((SearchHit("/a.txt", "A", None, 1.0, "text", ()),))
    assert model.flags(model.index(0, 0)) == (Qt.ItemFlag.ItemIsSelectable
                                              | Qt.ItemFlag.ItemIsEnabled
                                              | Qt.ItemFlag.ItemNeverHasChildren)
    assert model.flags(model.index(1, 0)) == Qt.ItemFlag.NoItemFlags


def test_a_window_closed_before_its_engine_opened_had_no_lanes(qtbot, tmp_path: Path) -> None:
    window = MainWindow(tmp_path / "data")
    qtbot.addWidget(window)
    window.show()
    window.close()  # nothing to stop
    assert window._lane is None and window._index_lane is None


# -- eliding --------------------------------------------------------------------------------

def _seed_lines() -> list[str]:
    lines = []
    for path in sorted((REPOSITORY / "seeds").iterdir()):
        if path.is_file():
            lines += [line.strip()[:160] for line in path.read_text(encoding="utf-8",
                                                                     errors="replace")
                      .splitlines() if line.strip()]
    return lines


def _fonts() -> list[QFont]:
    fonts = []
    for size, bold in ((9, False), (9, True), (12, False), (12, True)):
        font = QFont(QApplication.font())
        font.setPointSize(size)
        font.setBold(bold)
        fonts.append(font)
    return fonts


def _check_elide(monkeypatch: pytest.MonkeyPatch, texts: list[str], widths: list[int]
                 ) -> None:
    monkeypatch.setattr(elide, "namespace_built", lambda: False)  # as in the first frame
    for font in _fonts():
        metrics = QFontMetrics(font)
        for text in texts:
            natural = metrics.horizontalAdvance(text)
            for width in [*widths, natural - 1, natural, natural + 1]:
                assert elide.elide_right(font, text, width) == metrics.elidedText(
                    text, Qt.TextElideMode.ElideRight, width), (text, width)
                assert elide.elide_middle(font, text, width) == metrics.elidedText(
                    text, Qt.TextElideMode.ElideMiddle, width), (text, width)


def test_eliding_without_enums_is_qts(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _seed_lines()[:80] + [
        "Alec Baldwin Says He Would Do Anything to Undo ‘Rust’ Tragedy",
        "25 Feb 2025  ·  PDF, p. 3  ·  Bundled articles  ·  000_2a6baaa5875578d0.txt",
        "Émile Zola’s café – naïve façade", "AVAWAV To Ty ffi office", "a" * 90,
        "日本語のタイトル", "e\u0301tude", "emoji 😀 title"]  # the last three go to Qt
    _check_elide(monkeypatch, texts, [1, 8, 40, 120, 260, 431])


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F),
                    min_size=2, max_size=70),
       width=st.integers(min_value=1, max_value=400))
def test_eliding_without_enums_is_qts_for_any_latin_text(qapp, text: str, width: int) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _check_elide(monkeypatch, [text], [width])


# -- painting -----------------------------------------------------------------------------

def _paint_rows(snippet: str, width: int, selected_row: int = -1) -> QImage:
    view = QListView()
    model = ResultsModel(view)
    view.setModel(model)
    view.setItemDelegate(ResultDelegate(view))
    view.setUniformItemSizes(True)
    view.resize(width, 400)
    model.set_hits(tuple(
        SearchHit(f"/articles/{number}.txt", f"Article {number} — a title of some length",
                  dt.date(2025, 2, 25), 1.0, snippet[number * 7:], (), "bundled", "txt")
        for number in range(3)))
    if selected_row >= 0:
        view.setCurrentIndex(model.index(selected_row, 0))
    view.show()
    image = view.viewport().grab().toImage()
    view.close()
    return image


@pytest.mark.parametrize("width", [230, 420, 640])
def test_snippets_drawn_line_by_line_look_as_laid_out(qapp, monkeypatch: pytest.MonkeyPatch,
                                                      width: int) -> None:
    by_lines = _paint_rows(SNIPPET, width, selected_row=1)
    monkeypatch.setattr(results_delegate, "plain_left_to_right", lambda text: False)
    laid_out = _paint_rows(SNIPPET, width, selected_row=1)
    assert by_lines == laid_out


# -- the rest of the first frame ----------------------------------------------------------

# A popup makes the offscreen platform say what it cannot do; that is not the app talking.
@pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|"
                           r"grabbing the keyboard)")
def test_date_popup_still_opens_on_this_month(qtbot) -> None:
    field = DateLimit("Dated from")
    qtbot.addWidget(field)
    field.resize(160, 30)
    field.show()
    qtbot.waitExposed(field)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(field.width() - 8,
                                                                  field.height() // 2))
    calendar = field.calendarWidget()
    qtbot.waitUntil(calendar.isVisible, timeout=TIMEOUT_MS)
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    assert field.date() == ANY_DATE
    calendar.hide()


def test_collection_pauses_until_the_event_loop_runs(qtbot, monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    from searchapp import app

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    assert gc.isenabled()
    app.pause_collection_until_running()
    try:
        assert not gc.isenabled()
        qtbot.waitUntil(gc.isenabled, timeout=TIMEOUT_MS)
        assert frozen == [True]
    finally:
        gc.enable()


FIRST_FRAME = r"""
import sys
from pathlib import Path

import PySide6.QtCore as QtCore
import PySide6.QtGui as QtGui
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from searchapp.app import configure_application

app = QApplication(sys.argv[:1])
configure_application(app)
from searchapp.ui.mainwindow import MainWindow

window = MainWindow(Path(sys.argv[1]))

def shown():
    print("rows:", window.results_model.rowCount())
    print("Qt namespace:", "Qt" in vars(QtCore))
    print("QTextCharFormat:", "QTextCharFormat" in vars(QtGui))
    print("lanes:", window._lane is not None or window._index_lane is not None)
    print("modules:", " ".join(sorted(m for m in sys.modules if m.split(".")[0] in (
        "numpy", "whoosh", "searchapp"))))
    window.close()
    app.quit()

window.firstListShown.connect(shown)
window.show()
QTimer.singleShot(0, window.start)
QTimer.singleShot(10_000, app.quit)
app.exec()
"""


def test_first_frame_is_painted_before_the_qt_namespace_is_built(tmp_path: Path) -> None:
    """In a process of its own, as the application starts: last time's list is painted
    without PySide6's Qt namespace, QTextCharFormat, the lanes or the engine."""
    data_dir = tmp_path / "first-frame"
    data_dir.mkdir()
    hits = tuple(SearchHit(f"/articles/{number}.txt", f"Article {number}: a title",
                           dt.date(2025, 2, 25 - number), 1.0, SNIPPET, (), "bundled", "txt")
                 for number in range(5))
    save_snapshot(data_dir, SearchResults(query="", total=5, hits=hits, mode="list"),
                  snapshot_key(data_dir, "relevance"))
    assert json.loads((data_dir / "first-list.json").read_text(encoding="utf-8"))["hits"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(REPOSITORY), os.environ.get("PYTHONPATH", "")]))
    completed = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(data_dir)],
                               capture_output=True, text=True, env=env, timeout=60,
                               cwd=tmp_path)
    report = dict(line.split(": ", 1) for line in completed.stdout.splitlines() if ": " in line)
    assert report.get("rows") == "5", completed.stderr[-2000:]
    assert report["Qt namespace"] == "False"
    assert report["QTextCharFormat"] == "False"
    assert report["lanes"] == "False"
    modules = report["modules"].split()
    assert "searchapp.ui.mainwindow" in modules
    assert not [name for name in modules if name.split(".")[0] in ("numpy", "whoosh")]
    assert "searchapp.core.search" not in modules and "searchapp.core.index" not in modules
