"""The quotation panel: the quotations of the current results (or of the open article), how
many documents carry each and who ran it first; and, for the one selected, every printing
of it side by side — the exact words printed, date, outlet, and which ran it first.

The window asks the search lane for the lists; this panel only shows them and says what it
is waiting for. A quotation's occurrences can be exported (CSV or Markdown) with a citation
line each, written by the engine's export functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from searchapp.ui.labels import collection_label
from searchapp.ui.models import ItemListModel, ReadOnlyRows
from searchapp.ui.reading_views import BadgeRole, DetailRole, MessageListView, TwoLineDelegate
from searchapp.ui.results_model import format_date

if TYPE_CHECKING:
    from searchapp.core.quotes import Quotation, QuoteOccurrence

# Typing in the quotation search waits this long for the next key.
QUOTE_SEARCH_DELAY_MS = 300
FIRST_MARK = "★ first"


def documents_text(count: int) -> str:
    return f"{count} document{'s' if count != 1 else ''}"


class QuotationsModel(ItemListModel):
    """Read-only list of ``Quotation``s: the wording, how many carry it, who ran it first."""

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item_at(index)
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"“{item.text}”"
        if role == BadgeRole:
            return documents_text(item.documents)
        if role == DetailRole:
            return item.first_note
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"“{item.text}”\n{documents_text(item.documents)}. {item.first_note}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.text}, {documents_text(item.documents)}"
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return item.first_note
        return None


class OccurrencesModel(ReadOnlyRows, QAbstractTableModel):
    """One row per printing of a quotation, side by side: the words printed; when (and
    whether it ran first, and whether the words differ); and where (article, outlet)."""

    COLUMNS = ("Printed wording", "When", "Printed in")
    TEXT, DATE, SOURCE = range(3)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quotation: Quotation | None = None
        self._rows: tuple[QuoteOccurrence, ...] = ()
        self._first: set[tuple[str, int]] = set()

    def set_quotation(self, quotation: Quotation | None) -> None:
        self.beginResetModel()
        self._quotation = quotation
        self._rows = quotation.occurrences if quotation is not None else ()
        self._first = ({(o.path, o.start) for o in quotation.first}
                       if quotation is not None else set())
        self.endResetModel()

    def quotation(self) -> Quotation | None:
        return self._quotation

    def occurrence(self, row: int) -> QuoteOccurrence | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def is_first(self, row: int) -> bool:
        occurrence = self.occurrence(row)
        return occurrence is not None and (occurrence.path, occurrence.start) in self._first

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS) \
                and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        occurrence = self.occurrence(index.row())
        if occurrence is None or not 0 <= index.column() < len(self.COLUMNS):
            return None
        column = index.column()
        first = self.is_first(index.row())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.TEXT:
                return occurrence.text
            if column == self.DATE:
                lines = [format_date(occurrence.date)]
                if first:
                    lines.append(FIRST_MARK)
                lines.append("same words" if occurrence.exact else "variant")
                return "\n".join(lines)
            title = occurrence.title or Path(occurrence.path).name
            return f"{title}\n{collection_label(occurrence.collection)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.TEXT:
                return f"“{occurrence.text}”\nEnter or double-click opens it in the reader"
            if column == self.SOURCE:
                return occurrence.path
            if not occurrence.exact:
                return "Printed with different words than the quotation above"
            return None
        if role == Qt.ItemDataRole.FontRole and first:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class QuotationPanel(QDockWidget):
    """The "Quotations" dock: a quotation search, the list, and the selected quotation's
    printings; Export writes those printings with citations."""

    searchRequested = Signal(str)  # the quotation search's text, after a pause in typing
    occurrenceActivated = Signal(object)  # QuoteOccurrence
    exported = Signal(str)  # the file written

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Quotations", parent)
        self.setObjectName("quotationPanel")
        self.setAccessibleName("Quotations")
        self.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        body = QWidget(self)

        self.search_field = QLineEdit(body)
        self.search_field.setObjectName("quoteSearch")
        self.search_field.setAccessibleName("Search quotations")
        self.search_field.setPlaceholderText("Search quotations: words, or paste a quotation")
        self.search_field.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(QUOTE_SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit_search)
        self.search_field.textEdited.connect(lambda _text: self._search_timer.start())
        self.search_field.returnPressed.connect(self._emit_search)

        self.source_label = QLabel(body)
        self.source_label.setObjectName("quoteSource")
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        self.source_label.setWordWrap(True)
        self.busy = QProgressBar(body)
        self.busy.setObjectName("quoteBusy")
        self.busy.setRange(0, 0)  # "working", without a count
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()

        self.model = QuotationsModel(self)
        self.list_view = MessageListView(body)
        self.list_view.setObjectName("quotationList")
        self.list_view.setAccessibleName("Quotations found")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(TwoLineDelegate(2, self.list_view))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)

        self.occurrences = OccurrencesModel(self)
        self.table = QTableView(body)
        self.table.setObjectName("occurrenceTable")
        self.table.setAccessibleName("Where the quotation was printed")
        self.table.setModel(self.occurrences)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # A scroll bar coming and going would change the wrapped rows' width, and so their
        # heights, and so the scroll bar: keep it.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(OccurrencesModel.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(OccurrencesModel.DATE,
                                    QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(OccurrencesModel.SOURCE, 150)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header.sectionResized.connect(self._schedule_row_heights)
        self._row_timer = QTimer(self)
        self._row_timer.setSingleShot(True)
        self._row_timer.setInterval(0)
        self._row_timer.timeout.connect(self.table.resizeRowsToContents)
        self.table.activated.connect(self._on_occurrence_activated)

        self.note_label = QLabel(body)
        self.note_label.setObjectName("firstNote")
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setWordWrap(True)
        self.export_button = QPushButton("&Export…", body)
        self.export_button.setObjectName("exportQuotation")
        self.export_button.setToolTip("Save where this quotation was printed, with a citation "
                                      "for each, as CSV or Markdown")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.choose_export_file)

        details = QWidget(body)
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.setSpacing(4)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_label, 1)
        note_row.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        details_layout.addLayout(note_row)
        details_layout.addWidget(self.table, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical, body)
        self.splitter.setObjectName("quoteSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(details)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)

        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search_field)
        layout.addWidget(self.source_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.splitter, 1)
        self.setWidget(body)
        self.set_idle("Search for something, or open an article, to see its quotations.")

    # -- states ---------------------------------------------------------------------------

    def set_idle(self, message: str) -> None:
        self.busy.hide()
        self.source_label.setText("")
        self.source_label.hide()
        self._show_items((), message)

    def set_working(self, description: str) -> None:
        """A request is under way: say what for; the previous list goes."""
        self.source_label.setText(description)
        self.source_label.show()
        self.busy.show()
        self._show_items((), "Looking for quotations…")

    def set_quotations(self, quotations: list[Quotation], description: str) -> None:
        self.busy.hide()
        self.source_label.setText(description)
        self.source_label.show()
        self._show_items(quotations, "No quotation found. Quotations are words between "
                                     "quotation marks, four words or more.")

    def set_failed(self, message: str) -> None:
        self.busy.hide()
        self._show_items((), message)

    def is_working(self) -> bool:
        return not self.busy.isHidden()

    def _show_items(self, items: list[Quotation] | tuple[Quotation, ...], empty: str) -> None:
        self.model.set_items(items)
        self.list_view.set_message(empty if not items else "")
        if items:
            self.list_view.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            self._show_quotation(None)

    def quotations(self) -> list[Quotation]:
        return [q for row in range(self.model.rowCount()) if (q := self.model.item(row))]

    def current_quotation(self) -> Quotation | None:
        return self.occurrences.quotation()

    def select_quotation(self, row: int) -> None:
        self.list_view.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    # -- search ---------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.show()
        self.raise_()
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    @Slot()
    def _emit_search(self) -> None:
        self._search_timer.stop()
        self.searchRequested.emit(self.search_field.text().strip())

    def search_text(self) -> str:
        return self.search_field.text().strip()

    # -- the selected quotation -----------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_quotation(self.model.item(current.row()) if current.isValid() else None)

    def _show_quotation(self, quotation: Quotation | None) -> None:
        self.occurrences.set_quotation(quotation)
        self.note_label.setText(quotation.first_note if quotation is not None else "")
        self.export_button.setEnabled(quotation is not None and bool(quotation.occurrences))
        self._schedule_row_heights()

    @Slot()
    def _schedule_row_heights(self) -> None:
        # Wrapped wording needs taller rows; once per batch of column resizes.
        self._row_timer.start()

    @Slot(QModelIndex)
    def _on_occurrence_activated(self, index: QModelIndex) -> None:
        occurrence = self.occurrences.occurrence(index.row())
        if occurrence is not None:
            self.occurrenceActivated.emit(occurrence)

    # -- export ---------------------------------------------------------------------------

    @Slot()
    def choose_export_file(self) -> None:
        quotation = self.current_quotation()
        if quotation is None:
            return
        words = "-".join(quotation.normalized.split()[:5]) or "quotation"
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export Quotation", str(Path.home() / f"{words}.csv"),
            "CSV (*.csv);;Markdown (*.md)")
        if path:
            self.export_quotation(path, chosen)

    def export_quotation(self, path: str, chosen_filter: str = "") -> bool:
        """Write the selected quotation's occurrences: Markdown for .md (or the Markdown
        filter), CSV otherwise."""
        from searchapp.core.export import quotation_csv, quotation_markdown, write_export

        quotation = self.current_quotation()
        if quotation is None:
            return False
        markdown = Path(path).suffix.lower() in (".md", ".markdown") or (
            not Path(path).suffix and "Markdown" in chosen_filter)
        if not Path(path).suffix:
            path += ".md" if markdown else ".csv"
        text = quotation_markdown(quotation) if markdown else quotation_csv(quotation)
        try:
            write_export(Path(path), text)
        except OSError as exc:
            QMessageBox.warning(self, "Export Quotation", f"Could not write {path}: {exc}")
            return False
        self.exported.emit(path)
        return True
