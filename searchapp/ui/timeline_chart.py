"""A small bar chart of the matching documents per year (or month), painted by hand
(QtCharts is not part of PySide6-Essentials). Undated documents are counted apart, at the
right. Clicking a bar, or Enter on the focused one, asks for that period."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Signal
from PySide6.QtGui import (
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from searchapp.ui import lazy_qt
from searchapp.ui.lazy_qt import Qt

if TYPE_CHECKING:
    from searchapp.core.timeline import PeriodCount, Timeline

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_BAR_WIDTH = 48
PADDING = 6


def period_label(period: str) -> str:
    """"2021", or "Dec 2021" for a month."""
    year, _, month = period.partition("-")
    return f"{MONTHS[int(month) - 1]} {year}" if month else year


def short_label(period: str) -> str:
    """What fits under a bar: "2021", or "Dec" (with the year on January and the first)."""
    year, _, month = period.partition("-")
    return f"{MONTHS[int(month) - 1]}" if month else year


class TimelineChart(QWidget):
    """Bars of ``PeriodCount``s; ``periodActivated`` carries the period key ("2025")."""

    periodActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setAccessibleName("Timeline of matching documents")
        # Qt.FocusPolicy.StrongFocus: the chart is in the first frame (see lazy_qt).
        self.setProperty("focusPolicy", lazy_qt.STRONG_FOCUS)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._timeline: Timeline | None = None
        self._message = ""
        self._current = -1  # the bar the keyboard is on
        self._hover = -1

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(300, 4 * metrics.height() + 2 * PADDING)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.sizeHint().height())

    # -- state ----------------------------------------------------------------------------

    def timeline(self) -> Timeline | None:
        return self._timeline

    def set_timeline(self, timeline: Timeline) -> None:
        self._timeline = timeline
        self._message = "" if timeline.total else "No documents to chart."
        self._current = min(self._current, len(timeline.periods) - 1)
        self._update_accessible()
        self.update()

    def set_message(self, message: str) -> None:
        """A line instead of bars (while counting, or when it failed); old bars fade."""
        self._message = message
        self.update()

    def message(self) -> str:
        return self._message

    def periods(self) -> tuple[PeriodCount, ...]:
        return self._timeline.periods if self._timeline is not None else ()

    def summary(self) -> str:
        """The chart in words: "2021: 1, 2025: 2, 2 undated"."""
        if self._timeline is None:
            return ""
        parts = [f"{period_label(p.period)}: {p.count}" for p in self._timeline.periods]
        if self._timeline.undated:
            parts.append(f"{self._timeline.undated} undated")
        return ", ".join(parts)

    def _update_accessible(self) -> None:
        self.setAccessibleDescription(self.summary())
        self.setToolTip("" if self._timeline is None else
                        "Documents per period; click a bar to show only that period")

    # -- geometry -------------------------------------------------------------------------

    def _undated_text(self) -> str:
        undated = self._timeline.undated if self._timeline is not None else 0
        return f"{undated:,} undated" if undated else ""

    def bar_rects(self) -> list[QRect]:
        """Each period's clickable column (bar and label), in widget coordinates."""
        periods = self.periods()
        if not periods:
            return []
        metrics = QFontMetrics(self.font())
        undated = self._undated_text()
        right = self.width() - PADDING - (metrics.horizontalAdvance(undated) + 16
                                          if undated else 0)
        area = QRect(PADDING, PADDING, max(0, right - PADDING), self.height() - 2 * PADDING)
        slot = min(area.width() / len(periods), MAX_BAR_WIDTH + 12.0)
        return [QRect(int(area.left() + slot * i), area.top(), max(1, int(slot)),
                      area.height()) for i in range(len(periods))]

    def bar_at(self, x: int, y: int) -> int:
        for number, rect in enumerate(self.bar_rects()):
            if rect.contains(x, y):
                return number
        return -1

    # -- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        metrics = QFontMetrics(self.font())
        secondary = palette.color(QPalette.ColorRole.PlaceholderText)
        text_color = palette.color(QPalette.ColorRole.WindowText)
        periods = self.periods()
        if self._message or not periods:
            if periods:
                painter.setOpacity(0.35)  # the old counts, under a "counting…" line
                self._paint_bars(painter, periods, metrics, secondary, text_color)
                painter.setOpacity(1.0)
            message = self._message or ("Only undated documents match."
                                        if self._timeline is not None else "")
            if self._timeline is not None and not periods and self._timeline.undated:
                message = f"{message}  {self._undated_text()}".strip()
            # Nothing to say in the first frame, which is painted before PySide6 builds the
            # Qt namespace (that QPainter.setPen would build, see lazy_qt).
            if message:
                painter.setPen(secondary)
                painter.drawText(self.rect().adjusted(PADDING, 0, -PADDING, 0),
                                 lazy_qt.ALIGN_CENTER, message)
            painter.end()
            return
        self._paint_bars(painter, periods, metrics, secondary, text_color)
        undated = self._undated_text()
        if undated:
            painter.setPen(secondary)
            painter.drawText(QRect(self.width() - PADDING - metrics.horizontalAdvance(undated)
                                   - 8, PADDING, metrics.horizontalAdvance(undated) + 8,
                                   self.height() - 2 * PADDING - metrics.height()),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                             undated)
        painter.end()

    def _paint_bars(self, painter: QPainter, periods: tuple[PeriodCount, ...],
                    metrics: QFontMetrics, secondary, text_color) -> None:
        palette = self.palette()
        highest = max(p.count for p in periods) or 1
        bar_color = palette.color(QPalette.ColorRole.Highlight)
        label_height = metrics.height()
        for number, (period, rect) in enumerate(zip(periods, self.bar_rects(), strict=True)):
            bar_width = min(MAX_BAR_WIDTH, max(2, rect.width() - 6))
            chart_top = rect.top() + label_height  # room for the count above the bar
            chart_height = rect.height() - 2 * label_height - 2
            height = max(2, round(chart_height * period.count / highest))
            left = rect.left() + (rect.width() - bar_width) / 2
            bar = QRectF(left, chart_top + chart_height - height, bar_width, height)
            color = bar_color.lighter(125) if number == self._hover else bar_color
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(bar, 2, 2)
            painter.setPen(text_color)
            painter.drawText(QRect(rect.left(), int(bar.top()) - label_height, rect.width(),
                                   label_height),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                             f"{period.count:,}")
            label = metrics.elidedText(short_label(period.period), Qt.TextElideMode.ElideRight,
                                       rect.width())
            painter.setPen(secondary)
            painter.drawText(QRect(rect.left(), rect.bottom() - label_height + 1, rect.width(),
                                   label_height),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                             label)
            if number == self._current and self.hasFocus():
                painter.setPen(text_color)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0, 0, -1, -1))

    # -- interaction ----------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hover = self.bar_at(event.position().toPoint().x(), event.position().toPoint().y())
        if hover != self._hover:
            self._hover = hover
            self.setCursor(Qt.CursorShape.PointingHandCursor if hover >= 0
                           else Qt.CursorShape.ArrowCursor)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = -1
        self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        number = self.bar_at(point.x(), point.y())
        if event.button() == Qt.MouseButton.LeftButton and number >= 0 and not self._message:
            self._current = number
            self.periodActivated.emit(self.periods()[number].period)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        periods = self.periods()
        if periods and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if event.key() == Qt.Key.Key_Left else 1
            self._current = max(0, min(len(periods) - 1, self._current + step))
            self.update()
            return
        if periods and 0 <= self._current < len(periods) and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.periodActivated.emit(periods[self._current].period)
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            number = self.bar_at(event.pos().x(), event.pos().y())
            if number >= 0:
                period = self.periods()[number]
                noun = "document" if period.count == 1 else "documents"
                QToolTip.showText(event.globalPos(),
                                  f"{period_label(period.period)}: {period.count:,} {noun}. "
                                  "Click to show only these.", self)
                return True
        return super().event(event)
