"""Two accounts side by side: a table whose rows are the engine's aligned segments — a
passage both print (with how alike the two wordings are), or one only one prints against a
blank — so the two columns scroll together. Quotations the two word differently are marked
in both columns (account A's wording in rose, B's in green) and listed below; choosing one
scrolls to it. All text is painted as plain text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QSize,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from searchapp.ui.colors import is_dark, only_colors, variant_colors
from searchapp.ui.labels import collection_label
from searchapp.ui.models import ReadOnlyRows
from searchapp.ui.results_model import format_date
from searchapp.ui.text_offsets import utf16_spans

if TYPE_CHECKING:
    from searchapp.core.compare import AccountInfo, AlignedSegment, Comparison, Passage

# Spans (start, end) of differing quotations inside a cell's text, in code points.
QuoteSpansRole = Qt.ItemDataRole.UserRole + 1
CELL_MARGIN = 6


def account_line(info: AccountInfo) -> str:
    parts = [format_date(info.date)]
    if info.collection:
        parts.append(collection_label(info.collection))
    return "  ·  ".join(parts)


def similarity_text(similarity: float) -> str:
    return "=" if similarity >= 0.995 else f"≈ {round(similarity * 100)}%"


class ComparisonModel(ReadOnlyRows, QAbstractTableModel):
    """Rows are aligned segments; columns: account A, how alike, account B."""

    A, MARK, B = range(3)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._comparison: Comparison | None = None
        self._segments: tuple[AlignedSegment, ...] = ()
        self._spans: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.beginResetModel()
        self._comparison = comparison
        self._segments = comparison.segments if comparison is not None else ()
        self._spans = {}
        if comparison is not None:
            for row, segment in enumerate(self._segments):
                for column, passage, variants in (
                        (self.A, segment.a, [d.a for d in comparison.quote_differences]),
                        (self.B, segment.b, [d.b for d in comparison.quote_differences])):
                    if passage is None:
                        continue
                    spans = _inside(passage, [(v.start, v.end) for v in variants])
                    if spans:
                        self._spans[(row, column)] = spans
        self.endResetModel()

    def segment(self, row: int) -> AlignedSegment | None:
        return self._segments[row] if 0 <= row < len(self._segments) else None

    def row_of(self, column: int, start: int) -> int:
        """The row whose passage in a column holds a body offset; -1 when none does."""
        for row, segment in enumerate(self._segments):
            passage = segment.a if column == self.A else segment.b
            if passage is not None and passage.start <= start < passage.end:
                return row
        return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._segments)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        comparison = self._comparison
        if section == self.MARK:
            return ""
        if section in (self.A, self.B):
            if comparison is None:
                return "A" if section == self.A else "B"
            info = comparison.a if section == self.A else comparison.b
            letter = "A" if section == self.A else "B"
            return f"{letter}: {info.title or Path(info.path).name}"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        segment = self.segment(index.row())
        column = index.column()
        if segment is None or not 0 <= column < 3:
            return None
        passage = segment.a if column == self.A else segment.b if column == self.B else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.MARK:
                return similarity_text(segment.similarity) if segment.kind == "shared" else ""
            return passage.text if passage is not None else ""
        if role == QuoteSpansRole:
            return self._spans.get((index.row(), column), [])
        if role == Qt.ItemDataRole.ToolTipRole and column == self.MARK:
            if segment.kind == "shared":
                return (f"Both accounts print this passage "
                        f"({round(segment.similarity * 100)}% the same words)")
            return "Only account A prints this" if segment.kind == "only_a" \
                else "Only account B prints this"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == self.MARK:
                return ("shared" if segment.kind == "shared" else
                        "only in A" if segment.kind == "only_a" else "only in B")
            return passage.text if passage is not None else "(not in this account)"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.MARK:
            return int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        return None

    def kind(self, row: int) -> str:
        segment = self.segment(row)
        return segment.kind if segment is not None else ""


def _inside(passage: Passage, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of body spans that fall inside a passage, relative to its text."""
    found = []
    for start, end in spans:
        low, high = max(start, passage.start), min(end, passage.end)
        if low < high:
            found.append((low - passage.start, high - passage.start))
    return sorted(found)


class DifferencesModel(ReadOnlyRows, QAbstractTableModel):
    """The quotations the two accounts word differently: A's wording, B's wording."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._comparison: Comparison | None = None

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.beginResetModel()
        self._comparison = comparison
        self.endResetModel()

    def difference(self, row: int):
        differences = self._comparison.quote_differences if self._comparison else ()
        return differences[row] if 0 <= row < len(differences) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        if parent is not None and parent.isValid() or self._comparison is None:
            return 0
        return len(self._comparison.quote_differences)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and section in (0, 1):
            return ("A prints", "B prints")[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or index.column() not in (0, 1):
            return None
        difference = self.difference(index.row())
        if difference is None:
            return None
        variant = difference.a if index.column() == 0 else difference.b
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            return f"“{variant.text}”"
        if role == Qt.ItemDataRole.BackgroundRole:
            colors = variant_colors(QApplication.palette())
            return colors[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            # Legible on the tinted backgrounds: black on the light ones.
            palette = QApplication.palette()
            return palette.color(QPalette.ColorRole.Text) if is_dark(palette) \
                else QColor("#000000")
        return None


class SegmentDelegate(QStyledItemDelegate):
    """Wrapped plain text with differing quotations marked; tall enough for all of it."""

    def _layout(self, text: str, font: QFont, width: int,
                spans: list[tuple[int, int]], column: int,
                palette: QPalette) -> tuple[QTextLayout, float, list]:
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        formats = []
        background = variant_colors(palette)[0 if column == ComparisonModel.A else 1]
        for start, end in utf16_spans(text, spans):
            char_format = QTextCharFormat()
            char_format.setBackground(background)
            char_format.setFontWeight(QFont.Weight.Bold)
            if background.lightness() > 128:
                char_format.setForeground(QColor("#000000"))
            selection = QTextLayout.FormatRange()
            selection.start = start
            selection.length = end - start
            selection.format = char_format
            formats.append(selection)
        layout.setFormats(formats)
        layout.beginLayout()
        height = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(10, width))
            line.setPosition(QPointF(0, height))
            height += line.height()
        layout.endLayout()
        return layout, height, formats

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if index.column() == ComparisonModel.MARK:
            return QSize(option.fontMetrics.horizontalAdvance("≈ 100%") + 2 * CELL_MARGIN,
                         option.fontMetrics.height() + 2 * CELL_MARGIN)
        width = option.rect.width() - 2 * CELL_MARGIN
        spans = list(index.data(QuoteSpansRole) or [])
        _layout, height, _formats = self._layout(text, option.font, width, spans,
                                                 index.column(), option.palette)
        return QSize(max(60, option.rect.width()), int(height) + 2 * CELL_MARGIN)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        model = index.model()
        kind = model.kind(index.row()) if isinstance(model, ComparisonModel) else ""
        tint = None
        if kind == "only_a" and index.column() == ComparisonModel.A:
            tint = only_colors(opt.palette)[0]
        elif kind == "only_b" and index.column() == ComparisonModel.B:
            tint = only_colors(opt.palette)[1]
        if tint is not None:
            painter.fillRect(opt.rect, tint)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        color = opt.palette.color(QPalette.ColorRole.HighlightedText if selected
                                  else QPalette.ColorRole.Text)
        painter.save()
        painter.setPen(color)
        rect = opt.rect.adjusted(CELL_MARGIN, CELL_MARGIN, -CELL_MARGIN, -CELL_MARGIN)
        if index.column() == ComparisonModel.MARK:
            painter.setPen(opt.palette.color(QPalette.ColorRole.PlaceholderText)
                           if not selected else color)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter
                                       | Qt.AlignmentFlag.AlignTop), text)
        elif text:
            spans = list(index.data(QuoteSpansRole) or [])
            layout, _height, formats = self._layout(text, opt.font, rect.width(), spans,
                                                    index.column(), opt.palette)
            painter.setClipRect(opt.rect)
            layout.draw(painter, QPointF(rect.left(), rect.top()), formats)
        painter.restore()


class CompareDialog(QDialog):
    """The side-by-side window for two accounts; filled in when the comparison arrives."""

    def __init__(self, title_a: str, title_b: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle(f"Compare — {title_a} / {title_b}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setSizeGripEnabled(True)
        self.resize(1100, 720)
        self._comparison: Comparison | None = None

        self.header_a = QLabel(self)
        self.header_b = QLabel(self)
        for label, name in ((self.header_a, "accountA"), (self.header_b, "accountB")):
            label.setObjectName(name)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            font = QFont(label.font())
            font.setBold(True)
            label.setFont(font)
        self.header_a.setText(f"A: {title_a}")
        self.header_b.setText(f"B: {title_b}")
        self.summary_label = QLabel("Comparing the two accounts…", self)
        self.summary_label.setObjectName("compareSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)

        self.model = ComparisonModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("segmentTable")
        self.table.setAccessibleName("The two accounts, passage by passage")
        self.table.setModel(self.model)
        self.table.setItemDelegate(SegmentDelegate(self.table))
        self.table.setWordWrap(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A scroll bar coming and going would change the wrapped rows' width, and so their
        # heights, and so the scroll bar: keep it.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ComparisonModel.A, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ComparisonModel.MARK, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(ComparisonModel.B, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(ComparisonModel.MARK,
                             self.fontMetrics().horizontalAdvance("≈ 100%") + 16)
        header.sectionResized.connect(self._schedule_rows)
        self._row_timer = QTimer(self)
        self._row_timer.setSingleShot(True)
        self._row_timer.setInterval(0)
        self._row_timer.timeout.connect(self.table.resizeRowsToContents)

        self.differences = DifferencesModel(self)
        self.difference_table = QTableView(self)
        self.difference_table.setObjectName("differenceTable")
        self.difference_table.setAccessibleName("Quotations worded differently")
        self.difference_table.setModel(self.differences)
        self.difference_table.setWordWrap(True)
        self.difference_table.verticalHeader().hide()
        self.difference_table.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectRows)
        self.difference_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        difference_header = self.difference_table.horizontalHeader()
        difference_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.difference_table.selectionModel().currentRowChanged.connect(
            self._on_difference_chosen)
        self.differences_label = QLabel(self)
        self.differences_label.setTextFormat(Qt.TextFormat.PlainText)
        self.differences_label.setObjectName("differencesLabel")

        headers = QHBoxLayout()
        headers.addWidget(self.header_a, 1)
        headers.addSpacing(header.sectionSize(ComparisonModel.MARK))
        headers.addWidget(self.header_b, 1)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.differences_label)
        lower_layout.addWidget(self.difference_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(headers)
        layout.addWidget(self.summary_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    def comparison(self) -> Comparison | None:
        return self._comparison

    def set_failed(self, message: str) -> None:
        self.summary_label.setText(message)

    def set_comparison(self, comparison: Comparison) -> None:
        self._comparison = comparison
        for label, letter, info in ((self.header_a, "A", comparison.a),
                                    (self.header_b, "B", comparison.b)):
            label.setText(f"{letter}: {info.title or Path(info.path).name}\n"
                          f"{account_line(info)}")
            label.setToolTip(info.path)
        self.model.set_comparison(comparison)
        self.differences.set_comparison(comparison)
        word_for_word = sum(1 for s in comparison.shared if s.similarity >= 0.995)
        shared = len(comparison.shared)
        self.summary_label.setText(
            f"{shared} passage{'s' if shared != 1 else ''} in both ({word_for_word} word for "
            f"word; ≈ marks near ones), {len(comparison.only_a)} only in A, "
            f"{len(comparison.only_b)} only in B.  Quotations: {comparison.same_quotes} "
            f"printed the same, {len(comparison.quote_differences)} worded differently "
            "(marked in both columns).")
        count = len(comparison.quote_differences)
        self.differences_label.setText(
            "Quotations worded differently — choose one to see it in place:" if count
            else "Every quotation both print is worded the same way.")
        self.difference_table.setVisible(bool(count))
        self._schedule_rows()

    @Slot()
    def _schedule_rows(self) -> None:
        self._row_timer.start()

    @Slot(QModelIndex, QModelIndex)
    def _on_difference_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        difference = self.differences.difference(current.row())
        if difference is None:
            return
        row = self.model.row_of(ComparisonModel.A, difference.a.start)
        if row < 0:
            row = self.model.row_of(ComparisonModel.B, difference.b.start)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0),
                                QAbstractItemView.ScrollHint.PositionAtCenter)
