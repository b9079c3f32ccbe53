"""Paints a result row: bold title; date, file type (and page), folder and file name; and a
snippet with marked matches. Grouped by story, a story's row says how many other articles
cover it (a click there shows or folds them) and those articles are indented below it."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPalette,
    QRegion,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from searchapp.ui.colors import match_colors
from searchapp.ui.results_model import ResultRole
from searchapp.ui.text_offsets import utf16_spans

SNIPPET_LINES = 3
MARGIN = 8
SPACING = 3
MEMBER_INDENT = 22  # how far a story's other articles are indented under it


def lay_out_lines(layout: QTextLayout, width: int, line_spacing: float,
                  max_lines: int) -> list[QTextLine]:
    """Break a text layout into at most ``max_lines`` lines of ``width``, stacked."""
    lines: list[QTextLine] = []
    layout.beginLayout()
    while len(lines) < max_lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, len(lines) * line_spacing))
        lines.append(line)
    layout.endLayout()
    return lines


class ResultDelegate(QStyledItemDelegate):
    """Rows of one fixed height: title, date and file, up to three snippet lines."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        title_metrics = QFontMetrics(self._title_font(option.font))
        height = (2 * MARGIN + title_metrics.height() + metrics.height() + SPACING
                  + SNIPPET_LINES * metrics.lineSpacing())
        return QSize(max(200, option.rect.width()), height)

    @staticmethod
    def _also_label(index: QModelIndex | QPersistentModelIndex) -> str:
        also = str(index.data(ResultRole.Also) or "")
        if not also:
            return ""
        return ("▾ " if index.data(ResultRole.Expanded) else "▸ ") + also

    def also_rect(self, option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex) -> QRect:
        """Where "▸ also covered by N articles" is painted (empty when the row has none)."""
        label = self._also_label(index)
        if not label:
            return QRect()
        metrics = QFontMetrics(option.font)
        rect = option.rect.adjusted(MARGIN + 2, MARGIN, -MARGIN - 2, -MARGIN)
        title_height = QFontMetrics(self._title_font(option.font)).height()
        width = metrics.horizontalAdvance(label) + 12
        return QRect(rect.right() - width + 1, rect.top() + title_height, width,
                     metrics.height())

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,
                    option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        # A click on "also covered by N articles" shows or folds the story's others.
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent) \
                and event.button() == Qt.MouseButton.LeftButton \
                and self.also_rect(option, index).contains(event.position().toPoint()) \
                and hasattr(model, "set_expanded"):
            model.set_expanded(index.row(), not index.data(ResultRole.Expanded))
            return True
        return super().editorEvent(event, model, option, index)

    @staticmethod
    def _title_font(font: QFont) -> QFont:
        bold = QFont(font)
        bold.setBold(True)
        return bold

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the style draws the background and focus; the text is ours
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        active = bool(opt.state & QStyle.StateFlag.State_Active)
        group = QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive
        palette = opt.palette
        text_role = (QPalette.ColorRole.HighlightedText if selected
                     else QPalette.ColorRole.Text)
        text_color = palette.color(group, text_role)
        secondary = palette.color(group, QPalette.ColorRole.PlaceholderText)
        if selected:
            secondary = text_color

        rect = opt.rect.adjusted(MARGIN + 2, MARGIN, -MARGIN - 2, -MARGIN)
        painter.save()
        painter.setClipRect(opt.rect)
        if index.data(ResultRole.Member):
            # One of a story's other articles: indented, with a rule showing where it hangs.
            painter.setPen(secondary)
            guide = rect.left() + MEMBER_INDENT // 2 - 4
            painter.drawLine(guide, opt.rect.top(), guide, opt.rect.bottom())
            rect.setLeft(rect.left() + MEMBER_INDENT)
        also = self._also_label(index)
        also_area = self.also_rect(opt, index)

        # Title (bold, elided), then date, type, folder and file in the secondary colour.
        metrics = QFontMetrics(opt.font)
        title_font = self._title_font(opt.font)
        title_metrics = QFontMetrics(title_font)
        line_height = title_metrics.height()
        title = title_metrics.elidedText(str(index.data(ResultRole.Title) or ""),
                                         Qt.TextElideMode.ElideRight, rect.width())
        painter.setFont(title_font)
        painter.setPen(text_color)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line_height),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         title)
        meta_parts = [index.data(ResultRole.Date), index.data(ResultRole.TypeAndPage),
                      index.data(ResultRole.Collection), index.data(ResultRole.FileName)]
        meta = "  ·  ".join(str(part) for part in meta_parts if part)
        meta_width = rect.width() - (also_area.width() + 8 if also else 0)
        meta = metrics.elidedText(meta, Qt.TextElideMode.ElideMiddle, max(0, meta_width))
        painter.setFont(opt.font)
        meta_top = rect.top() + line_height
        if also:
            link = palette.color(group, QPalette.ColorRole.Link)
            painter.setPen(text_color if selected else link)
            painter.drawText(also_area, int(Qt.AlignmentFlag.AlignRight
                                            | Qt.AlignmentFlag.AlignVCenter), also)
        painter.setPen(secondary)
        painter.drawText(QRect(rect.left(), meta_top, rect.width(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), meta)

        # Snippet: wrapped to at most SNIPPET_LINES lines, matches marked.
        snippet = str(index.data(ResultRole.Snippet) or "")
        matches = index.data(ResultRole.Matches) or ()
        top = meta_top + metrics.height() + SPACING
        painter.setFont(opt.font)
        painter.setPen(text_color)
        if not snippet:
            painter.setPen(secondary)
            painter.drawText(QRect(rect.left(), top, rect.width(), metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft), "(no text)")
        else:
            self._draw_snippet(painter, opt, snippet, matches, rect.left(), top,
                               rect.width(), selected)
        painter.restore()

    @staticmethod
    def _draw_snippet(painter: QPainter, opt: QStyleOptionViewItem, snippet: str,
                      matches: tuple[tuple[int, int], ...], left: int, top: int, width: int,
                      selected: bool) -> None:
        layout = QTextLayout(snippet, opt.font, painter.device())
        matches = tuple(utf16_spans(snippet, matches))
        snippet_units = len(snippet.encode("utf-16-le")) // 2
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(text_option)
        background, foreground = match_colors(opt.palette)
        formats = []
        for start, end in matches:
            if not 0 <= start < end <= snippet_units:
                continue
            char_format = QTextCharFormat()
            char_format.setFontWeight(QFont.Weight.Bold)
            if selected:
                # On the selection colour, a yellow box would fight it: underline instead.
                char_format.setFontUnderline(True)
            else:
                char_format.setBackground(background)
                char_format.setForeground(foreground)
            selection = QTextLayout.FormatRange()
            selection.start = start
            selection.length = end - start
            selection.format = char_format
            formats.append(selection)
        layout.setFormats(formats)
        metrics = QFontMetrics(opt.font)
        lines = lay_out_lines(layout, width, metrics.lineSpacing(), SNIPPET_LINES)
        y = float(len(lines) * metrics.lineSpacing())
        truncated = bool(lines) and (
            lines[-1].textStart() + lines[-1].textLength() < snippet_units)
        painter.save()
        area = QRegion(QRect(left, top, width, int(y)))
        if truncated:
            # Leave room for an ellipsis at the end of the last visible line.
            ellipsis_width = metrics.horizontalAdvance("…") + 2
            last_top = top + int(lines[-1].y())
            area = area.subtracted(QRegion(QRect(left + width - ellipsis_width, last_top,
                                                 ellipsis_width, metrics.lineSpacing())))
        painter.setClipRegion(area, Qt.ClipOperation.IntersectClip)
        # Selections (not just formats) so that the match backgrounds are painted too.
        layout.draw(painter, QPointF(left, top), formats)
        painter.restore()
        if truncated:
            painter.drawText(QPointF(left + width - metrics.horizontalAdvance("…"),
                                     top + lines[-1].y() + metrics.ascent()), "…")
