"""Reading across accounts in the window: related articles, stories, quotations, the
side-by-side comparison, the timeline and exports — on the bundled articles (offscreen)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextCursor

from searchapp.ui.compare_dialog import ComparisonModel, QuoteSpansRole
from searchapp.ui.mainwindow import MainWindow
from searchapp.ui.quote_panel import FIRST_MARK, OccurrencesModel
from searchapp.ui.reading_views import BadgeRole, DetailRole
from searchapp.ui.results_model import ResultRole
from searchapp.ui.text_offsets import utf16_spans
from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_mainwindow import file_names, type_query

NEVER_POINT = "I would never point a gun at anyone"


def short(path: str) -> str:
    return Path(path).name[:3]


def select_article(qtbot, window: MainWindow, prefix: str) -> None:
    """Make the listed article whose file name starts with prefix current, and wait for
    it in the reader."""
    row = next(r for r, name in enumerate(file_names(window)) if name.startswith(prefix))
    with qtbot.waitSignal(window.documentShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda view: short(view.path) == prefix):
        window.results_view.setCurrentIndex(window.results_model.index(row, 0))


def test_related_articles_for_002_with_reasons(qtbot, qtmodeltester,
                                               window: MainWindow) -> None:
    with qtbot.waitSignal(window.relatedShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda items: items and all(
                              short(i.path) != "002" for i in items)
                          and {short(i.path) for i in items[:2]} == {"003", "004"}):
        select_article(qtbot, window, "002")
    panel = window.reader.related
    model = panel.model
    qtmodeltester.check(model)
    first = model.index(0, 0)
    assert first.data(DetailRole).startswith("Shares") and "quotation" in first.data(DetailRole)
    assert first.data(BadgeRole).startswith("undated")  # 003 and 004 carry no date
    assert panel.header.text().startswith("Related articles (")
    assert not panel.list_view.isHidden()

    # Enter on a related article opens it in the reader (it is selected in the list too).
    target = model.item(0)
    panel.list_view.setCurrentIndex(first)
    with qtbot.waitSignal(window.documentShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda view: view.path == target.path):
        qtbot.keyClick(panel.list_view, Qt.Key.Key_Return)
    assert window.results_model.hit(window.results_view.currentIndex().row()).path == \
        target.path

    # Folding the section hides the list, and is remembered.
    window.actions.show_related.trigger()
    assert panel.list_view.isHidden()
    from searchapp.ui import settings as setting_keys
    assert setting_keys.read(window.settings, setting_keys.RELATED_VISIBLE) is False


def test_group_by_story_folds_the_five_articles_into_two(qtbot, qtmodeltester,
                                                         window: MainWindow) -> None:
    model = window.results_model
    with qtbot.waitSignal(window.storiesShown, timeout=TIMEOUT_MS) as stories:
        window.actions.group_by_story.trigger()
    assert sorted(sorted(short(p) for p in c.paths) for c in stories.args[0]) == [
        ["000", "001"], ["002", "003", "004"]]
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    assert [short(model.hit(r).path) for r in range(2)] == ["000", "002"]
    assert model.index(0, 0).data(ResultRole.Also) == "also covered by 1 article"
    assert model.index(1, 0).data(ResultRole.Also) == "also covered by 2 articles"
    assert " in 2 stories · " in window.count_label.text()
    assert short(window.reader.document.path) == "000"  # regrouping kept the article

    # Keyboard: Down to the second story, Right shows its other articles, Left folds them.
    window.results_view.setFocus()
    with qtbot.waitSignal(window.documentShown, timeout=TIMEOUT_MS):
        qtbot.keyClick(window.results_view, Qt.Key.Key_Down)
    qtbot.keyClick(window.results_view, Qt.Key.Key_Right)
    assert model.rowCount() == 4
    assert [short(model.hit(r).path) for r in range(4)] == ["000", "002", "003", "004"]
    assert model.index(2, 0).data(ResultRole.Member) and model.index(1, 0).data(
        ResultRole.Expanded)
    qtmodeltester.check(model)
    with qtbot.waitSignal(window.documentShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda view: short(view.path) == "003"):
        qtbot.keyClick(window.results_view, Qt.Key.Key_Down)
    qtbot.keyClick(window.results_view, Qt.Key.Key_Left)
    assert model.rowCount() == 2 and window.results_view.currentIndex().row() == 1

    # Ungrouping lists every article again; the choice is remembered.
    window.actions.group_by_story.trigger()
    assert model.rowCount() == 5 and not model.is_grouped()
    from searchapp.ui import settings as setting_keys
    assert setting_keys.read(window.settings, setting_keys.GROUP_BY_STORY) is False


def test_quotation_panel_tracks_a_quotation_to_three_documents(
        qtbot, qtmodeltester, window: MainWindow, tmp_path: Path) -> None:
    panel = window.quotation_panel
    window.actions.show_quotations.trigger()
    assert panel.isVisible()
    with qtbot.waitSignal(window.quotationsShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda found: any(
                              q.text.startswith(NEVER_POINT) for q in found)):
        type_query(qtbot, window, "gun")
    assert panel.source_label.text() == "Quotations in the results for “gun”"
    assert not panel.is_working()
    row = next(r for r, q in enumerate(panel.quotations()) if q.text.startswith(NEVER_POINT))
    assert panel.model.index(row, 0).data(BadgeRole) == "3 documents"
    qtmodeltester.check(panel.model)
    panel.select_quotation(row)
    occurrences = panel.occurrences
    qtmodeltester.check(occurrences)
    assert occurrences.rowCount() == 3
    assert short(occurrences.occurrence(0).path) == "002"  # ran it first, on 2 Dec 2021
    assert occurrences.index(0, OccurrencesModel.DATE).data() == \
        f"2 Dec 2021\n{FIRST_MARK}\nvariant"
    assert "a trigger" in occurrences.index(0, OccurrencesModel.TEXT).data()
    assert occurrences.index(0, OccurrencesModel.SOURCE).data().endswith("\nBundled articles")
    assert all(FIRST_MARK not in occurrences.index(r, OccurrencesModel.DATE).data()
               for r in (1, 2))
    assert "First run on 2 Dec 2021" in panel.note_label.text()

    # Activating an occurrence opens its article with the quotation marked and in view.
    target = occurrences.occurrence(2)
    with qtbot.waitSignal(window.documentShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda view: view.path == target.path):
        panel.table.activated.emit(occurrences.index(2, OccurrencesModel.TEXT))
    reader = window.reader
    body = reader.document.body
    assert reader.focus_span() == tuple(utf16_spans(body, [(target.start, target.end)])[0])
    start, end = reader.focus_span()
    assert reader.text_view.toPlainText()[start:end] == target.text
    cursor_rect = reader.text_view.cursorRect()
    assert reader.text_view.viewport().rect().contains(cursor_rect.center())

    # Export: the occurrences with a citation each, in CSV.
    exported = tmp_path / "quote.csv"
    assert panel.export_quotation(str(exported))
    rows = list(csv.DictReader(exported.read_text(encoding="utf-8").splitlines()))
    assert [short(r["path"]) for r in rows][0] == "002" and len(rows) == 3
    assert rows[0]["first"] == "yes" and rows[0]["citation"].startswith("“")


def test_track_this_quotation_from_a_reader_selection(qtbot, window: MainWindow) -> None:
    select_article(qtbot, window, "003")
    reader = window.reader
    assert not window.actions.track_quotation.isEnabled()
    cursor = reader.text_view.document().find("never point a gun at anyone")
    assert not cursor.isNull()
    selection = QTextCursor(cursor)
    selection.setPosition(cursor.selectionStart() - len("I would "))
    selection.setPosition(cursor.selectionEnd() + len(" and pull"),
                          QTextCursor.MoveMode.KeepAnchor)
    reader.text_view.setTextCursor(selection)
    assert window.actions.track_quotation.isEnabled()
    reader.text_view.setFocus()
    with qtbot.waitSignal(window.quotationsShown, timeout=TIMEOUT_MS) as shown:
        qtbot.keyClick(reader.text_view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    panel = window.quotation_panel
    assert panel.isVisible() and window.actions.show_quotations.isChecked()
    assert panel.search_text() == "I would never point a gun at anyone and pull"
    assert panel.source_label.text().startswith("Tracking “I would never point")
    (quotation,) = shown.args[0]
    assert {short(p) for p in quotation.paths} == {"002", "003", "004"}
    assert [short(o.path) for o in quotation.first] == ["002"]

    # Ctrl+Shift+Q goes to the quotation search; typing words there lists by words.
    qtbot.keyClick(window.results_view, Qt.Key.Key_Q,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert panel.search_field.hasFocus() or panel.search_field.selectedText()
    with qtbot.waitSignal(window.quotationsShown, timeout=TIMEOUT_MS,
                          check_params_cb=lambda found: bool(found) and all(
                              "pardon" in q.normalized for q in found)):
        panel.search_field.clear()
        qtbot.keyClicks(panel.search_field, "pardon")
    assert panel.source_label.text() == "Quotations matching “pardon”"


def test_compare_two_selected_accounts_side_by_side(qtbot, qtmodeltester,
                                                    window: MainWindow) -> None:
    view = window.results_view
    names = file_names(window)
    assert not window.actions.compare_selected.isEnabled()
    for prefix, modifier in (("002", Qt.KeyboardModifier.NoModifier),
                             ("004", Qt.KeyboardModifier.ControlModifier)):
        index = window.results_model.index(
            next(r for r, n in enumerate(names) if n.startswith(prefix)), 0)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier,
                         view.visualRect(index).center())
    assert window.actions.compare_selected.isEnabled()
    with qtbot.waitSignal(window.comparisonShown, timeout=TIMEOUT_MS) as shown:
        window.actions.compare_selected.trigger()
    dialog = shown.args[0]
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    model = dialog.model
    qtmodeltester.check(model)
    qtmodeltester.check(dialog.differences)
    assert short(dialog.comparison().a.path) == "002"
    assert dialog.header_a.text().startswith("A: Alec Baldwin Says")
    assert "2 Dec 2021" in dialog.header_a.text() and "undated" in dialog.header_b.text()

    # A shared passage side by side, with how alike the two are.
    shared = [r for r in range(model.rowCount())
              if "never point a gun at anyone" in model.index(r, ComparisonModel.A).data()
              and "never point a gun at anyone" in model.index(r, ComparisonModel.B).data()]
    assert len(shared) == 1
    row = shared[0]
    assert model.index(row, ComparisonModel.MARK).data().startswith("≈ ")
    # Passages only one account prints stand against a blank.
    only_a = [r for r in range(model.rowCount()) if model.kind(r) == "only_a"]
    assert only_a and all(model.index(r, ComparisonModel.B).data() == "" for r in only_a)

    # The quotation worded differently is marked in both columns and listed below.
    spans_a = model.index(row, ComparisonModel.A).data(QuoteSpansRole)
    spans_b = model.index(row, ComparisonModel.B).data(QuoteSpansRole)
    text_a = model.index(row, ComparisonModel.A).data()
    text_b = model.index(row, ComparisonModel.B).data()
    assert any("pull a trigger" in text_a[s:e] for s, e in spans_a)
    assert any("pull the trigger" in text_b[s:e] for s, e in spans_b)
    differences = dialog.differences
    assert differences.rowCount() >= 1
    assert "a trigger" in differences.index(0, 0).data()
    assert "the trigger" in differences.index(0, 1).data()
    # Choosing the difference scrolls the accounts to it.
    dialog.difference_table.setCurrentIndex(differences.index(0, 0))
    assert dialog.table.currentIndex().row() == row
    dialog.close()


def test_timeline_counts_and_a_click_filters_to_the_year(qtbot, window: MainWindow) -> None:
    chart = window.timeline_chart
    qtbot.waitUntil(lambda: chart.timeline() is not None, timeout=TIMEOUT_MS)
    assert chart.summary() == "2021: 1, 2025: 2, 2 undated"
    assert chart.timeline().by == "year"
    rects = chart.bar_rects()
    assert len(rects) == 2
    with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS):
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=rects[1].center())
    assert file_names(window) == ["000_2a6baaa5875578d0.txt", "001_903a7f7205f0a688.txt"]
    assert window.filter_bar.date_from.value() == dt.date(2025, 1, 1)
    assert window.filter_bar.date_to.value() == dt.date(2025, 12, 31)
    # Within one year the chart counts by month.
    qtbot.waitUntil(lambda: chart.timeline() is not None and chart.timeline().by == "month",
                    timeout=TIMEOUT_MS)
    assert chart.summary() == "Feb 2025: 2"


def test_export_results_as_csv_and_markdown(qtbot, window: MainWindow,
                                            tmp_path: Path) -> None:
    type_query(qtbot, window, "Baldwin")
    total = window.results_model.rowCount()
    csv_path = tmp_path / "results.csv"
    with qtbot.waitSignal(window.exported, timeout=TIMEOUT_MS):
        assert window.export_results(str(csv_path))
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == total == 5
    assert [Path(r["path"]).name for r in rows] == file_names(window)
    assert all(r["citation"].endswith(r["path"]) for r in rows)
    markdown = tmp_path / "results"
    assert window.export_results(str(markdown), "Markdown (*.md)")
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert text.startswith("# Results for “Baldwin”")
    assert "1. “Alec Baldwin" in text and "Bundled" in text or "bundled" in text
    assert text.count("\n1. ") + text.startswith("1. ") == 1 and "\n5. " in text


def test_stale_reading_replies_are_dropped(qtbot, window: MainWindow) -> None:
    paths = {short(hit.path): hit.path for hit in window.results_model.hits()}
    shown: list[list] = []
    window.relatedShown.connect(shown.append)
    window._request_related(paths["002"])
    with qtbot.waitSignal(window.relatedShown, timeout=TIMEOUT_MS):
        window._request_related(paths["000"])
    with qtbot.assertNotEmitted(window.relatedShown, wait=100):
        pass
    assert len(shown) == 1 and short(shown[0][0].path) == "001"


def test_empty_query_lists_the_open_article_quotations(qtbot, window: MainWindow) -> None:
    assert short(window.reader.document.path) == "000"
    with qtbot.waitSignal(window.quotationsShown, timeout=TIMEOUT_MS) as shown:
        window.actions.show_quotations.trigger()
    panel = window.quotation_panel
    assert panel.source_label.text().startswith("Quotations in “Alec Baldwin has sparked")
    assert shown.args[0] and all(
        any(short(p) == "000" for p in q.paths) for q in shown.args[0])
    assert shown.args[0][0].documents >= 2  # the ones others printed too come first
    assert QModelIndex() != panel.list_view.currentIndex()


def test_an_open_quotation_panel_reopens_in_the_next_window(qtbot, make_window) -> None:
    # The panel is built only after the first list is painted; the saved window state still
    # puts it back where it was, open.
    first = make_window()
    first.actions.show_quotations.setChecked(True)
    assert first.quotation_panel.isVisible()
    first.close()

    second = make_window()
    qtbot.waitUntil(lambda: second.actions.show_quotations.isChecked(), timeout=TIMEOUT_MS)
    assert second.quotation_panel.isVisible()
    assert second.dockWidgetArea(second.quotation_panel) == Qt.DockWidgetArea.RightDockWidgetArea
    second.actions.show_quotations.setChecked(False)
    assert second.quotation_panel.isHidden()
