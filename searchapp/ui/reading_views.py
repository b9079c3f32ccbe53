"""Small views shared by the reading panels: a list that says why it is empty (or that it
is still working), and a delegate painting a bold first line and wrapped detail lines."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from searchapp.ui.results_delegate import lay_out_lines

# The detail lines under a row's bold first line (a reason, a first-run note).
DetailRole = Qt.ItemDataRole.UserRole + 100
# A short note painted at the right of the first line ("3 documents", "25 Feb 2025").
BadgeRole = Qt.ItemDataRole.UserRole + 101

MARGIN = 6


class MessageListView(QListView):
    """A list that paints a line saying why it is empty, or what it is waiting for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = ""

    def set_message(self, text: str) -> None:
        self._message = text
        self.viewport().update()

    def message(self) -> str:
        return self._message

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is None or model.rowCount() or not self._message:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(12, 10, -12, -10)
        painter.drawText(area, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                                   | Qt.TextFlag.TextWordWrap), self._message)
        painter.end()


class TwoLineDelegate(QStyledItemDelegate):
    """Bold first line (elided) with a badge at its right, then up to ``detail_lines``
    wrapped lines of detail in the secondary colour. Rows have one fixed height."""

    def __init__(self, detail_lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail_lines = detail_lines

    @staticmethod
    def _bold(font: QFont) -> QFont:
        bold = QFont(font)
        bold.setBold(True)
        return bold

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        height = (2 * MARGIN + QFontMetrics(self._bold(option.font)).height()
                  + self.detail_lines * metrics.lineSpacing() + 2)
        return QSize(max(120, option.rect.width()), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        active = bool(opt.state & QStyle.StateFlag.State_Active)
        group = QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive
        text_color = opt.palette.color(group, QPalette.ColorRole.HighlightedText if selected
                                       else QPalette.ColorRole.Text)
        secondary = text_color if selected else opt.palette.color(
            group, QPalette.ColorRole.PlaceholderText)

        rect = opt.rect.adjusted(MARGIN + 2, MARGIN, -MARGIN - 2, -MARGIN)
        painter.save()
        painter.setClipRect(opt.rect)
        bold = self._bold(opt.font)
        bold_metrics = QFontMetrics(bold)
        metrics = QFontMetrics(opt.font)
        badge = str(index.data(BadgeRole) or "")
        # The badge never takes more than 40% of a narrow row: the title matters more.
        badge = metrics.elidedText(badge, Qt.TextElideMode.ElideRight, int(rect.width() * 0.4))
        badge_width = metrics.horizontalAdvance(badge) + 10 if badge else 0
        if badge:
            painter.setFont(opt.font)
            painter.setPen(secondary)
            painter.drawText(QRect(rect.right() - badge_width + 1, rect.top(), badge_width,
                                   bold_metrics.height()),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             badge)
        title = bold_metrics.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
                                        Qt.TextElideMode.ElideRight,
                                        max(0, rect.width() - badge_width))
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width() - badge_width,
                               bold_metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
        detail = " ".join(str(index.data(DetailRole) or "").split())
        if detail:
            painter.setFont(opt.font)
            painter.setPen(secondary)
            self._draw_wrapped(painter, opt.font, detail, rect.left(),
                               rect.top() + bold_metrics.height() + 1, rect.width())
        painter.restore()

    def _draw_wrapped(self, painter: QPainter, font: QFont, text: str, left: int, top: int,
                      width: int) -> None:
        """At most ``detail_lines`` lines; an ellipsis ends a text that does not fit."""
        metrics = QFontMetrics(font)
        layout = QTextLayout(text, font, painter.device())
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(text_option)
        lines = lay_out_lines(layout, width, metrics.lineSpacing(), self.detail_lines)
        units = len(text.encode("utf-16-le")) // 2
        truncated = bool(lines) and lines[-1].textStart() + lines[-1].textLength() < units
        for line in lines[:-1] if truncated else lines:
            line.draw(painter, QPointF(left, top))
        if truncated:
            last = lines[-1]
            # textStart counts UTF-16 units, as QString does.
            rest = text.encode("utf-16-le")[2 * last.textStart():].decode("utf-16-le")
            painter.drawText(QRect(left, top + int(last.y()), width, metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
