"""Paints a result row: bold title; date, file type (and page), folder and file name; and a
snippet with marked matches. Grouped by story, a story's row says how many other articles
cover it (a click there shows or folds them) and those articles are indented below it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPalette,
    QRegion,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from searchapp.ui import lazy_qt
from searchapp.ui.colors import match_colors
from searchapp.ui.elide import elide_middle, elide_right, plain_left_to_right
from searchapp.ui.lazy_qt import Qt
from searchapp.ui.results_model import ResultRole
from searchapp.ui.text_offsets import utf16_spans

if TYPE_CHECKING:
    from PySide6.QtGui import QTextCharFormat

SNIPPET_LINES = 3
MARGIN = 8
SPACING = 3
MEMBER_INDENT = 22  # how far a story's other articles are indented under it

# Painting uses no Qt enum (see lazy_qt): the first frame's rows are painted before PySide6
# has built the Qt namespace.
_LEFT_CENTRED = lazy_qt.ALIGN_LEFT | lazy_qt.ALIGN_V_CENTER
_RIGHT_CENTRED = lazy_qt.ALIGN_RIGHT | lazy_qt.ALIGN_V_CENTER


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

        # Text is drawn in a role of the palette, by style.drawItemText (which sets the pen
        # itself): QPainter.setPen would make PySide6 build the Qt namespace, to rule out
        # its Qt.PenStyle overload, before the first list is painted (see lazy_qt).
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        active = bool(opt.state & QStyle.StateFlag.State_Active)
        palette = opt.palette
        palette.setCurrentColorGroup(QPalette.ColorGroup.Active if active
                                     else QPalette.ColorGroup.Inactive)
        text_role = (QPalette.ColorRole.HighlightedText if selected
                     else QPalette.ColorRole.Text)
        secondary_role = text_role if selected else QPalette.ColorRole.PlaceholderText

        rect = opt.rect.adjusted(MARGIN + 2, MARGIN, -MARGIN - 2, -MARGIN)
        painter.save()
        painter.setClipRect(opt.rect)
        if index.data(ResultRole.Member):
            # One of a story's other articles: indented, with a rule showing where it hangs.
            painter.setPen(palette.color(secondary_role))
            guide = rect.left() + MEMBER_INDENT // 2 - 4
            painter.drawLine(guide, opt.rect.top(), guide, opt.rect.bottom())
            rect.setLeft(rect.left() + MEMBER_INDENT)
        also = self._also_label(index)
        also_area = self.also_rect(opt, index)

        # Title (bold, elided), then date, type, folder and file in the secondary colour.
        metrics = QFontMetrics(opt.font)
        title_font = self._title_font(opt.font)
        line_height = QFontMetrics(title_font).height()
        title = elide_right(title_font, str(index.data(ResultRole.Title) or ""), rect.width())
        painter.setFont(title_font)
        style.drawItemText(painter, QRect(rect.left(), rect.top(), rect.width(), line_height),
                           _LEFT_CENTRED, palette, True, title, text_role)
        meta_parts = [index.data(ResultRole.Date), index.data(ResultRole.TypeAndPage),
                      index.data(ResultRole.Collection), index.data(ResultRole.FileName)]
        meta = "  ·  ".join(str(part) for part in meta_parts if part)
        meta_width = rect.width() - (also_area.width() + 8 if also else 0)
        meta = elide_middle(opt.font, meta, max(0, meta_width))
        painter.setFont(opt.font)
        meta_top = rect.top() + line_height
        if also:
            style.drawItemText(painter, also_area, _RIGHT_CENTRED, palette, True, also,
                               text_role if selected else QPalette.ColorRole.Link)
        style.drawItemText(painter, QRect(rect.left(), meta_top, rect.width(), metrics.height()),
                           _LEFT_CENTRED, palette, True, meta, secondary_role)

        # Snippet: wrapped to at most SNIPPET_LINES lines, matches marked.
        snippet = str(index.data(ResultRole.Snippet) or "")
        matches = index.data(ResultRole.Matches) or ()
        top = meta_top + metrics.height() + SPACING
        if not snippet:
            style.drawItemText(painter, QRect(rect.left(), top, rect.width(), metrics.height()),
                               lazy_qt.ALIGN_LEFT, palette, True, "(no text)", secondary_role)
        else:
            self._draw_snippet(painter, style, opt, palette, text_role, snippet, matches,
                               rect.left(), top, rect.width(), selected)
        painter.restore()

    @staticmethod
    def _draw_snippet(painter: QPainter, style: QStyle, opt: QStyleOptionViewItem,
                      palette: QPalette, text_role: QPalette.ColorRole, snippet: str,
                      matches: tuple[tuple[int, int], ...], left: int, top: int, width: int,
                      selected: bool) -> None:
        # Laid out for the view's screen; painter.device(), the viewport, would cost the first
        # frame some 9 ms while PySide6 first wraps it.
        layout = QTextLayout(snippet, opt.font, opt.widget)
        matches = tuple(utf16_spans(snippet, matches))
        snippet_units = len(snippet)  # in UTF-16 code units, as Qt counts
        if not snippet.isascii() and max(snippet) > "\uffff":
            snippet_units = len(snippet.encode("utf-16-le")) // 2
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(text_option)
        selections = _match_selections(opt.palette, matches, snippet_units, selected)
        # Without matches, plain left-to-right text is drawn line by line in its colour: the
        # same pixels as layout.draw with a format for the colour (there is no QPainter.setPen,
        # see paint()), without loading QTextCharFormat (1.5 ms of the first frame).
        by_lines = (not selections and opt.widget is not None
                    and opt.widget.isLeftToRight() and plain_left_to_right(snippet))
        if not by_lines:
            from PySide6.QtGui import QTextCharFormat

            colour = QTextCharFormat()
            colour.setForeground(palette.brush(text_role))
            layout.setFormats([_format_range(0, snippet_units, colour), *selections])
        metrics = QFontMetrics(opt.font)
        line_spacing = metrics.lineSpacing()
        lines = lay_out_lines(layout, width, line_spacing, SNIPPET_LINES)
        y = float(len(lines) * line_spacing)
        truncated = bool(lines) and (
            lines[-1].textStart() + lines[-1].textLength() < snippet_units)
        painter.save()
        area = QRegion(QRect(left, top, width, int(y)))
        if truncated:
            # Leave room for an ellipsis at the end of the last visible line.
            ellipsis_width = metrics.horizontalAdvance("…") + 2
            last_top = top + int(lines[-1].y())
            area = area.subtracted(QRegion(QRect(left + width - ellipsis_width, last_top,
                                                 ellipsis_width, line_spacing)))
        # Within the row (the clip paint() set): the same as Qt.ClipOperation.IntersectClip.
        painter.setClipRegion(area.intersected(opt.rect))
        if by_lines:
            for line in lines:
                start = line.textStart()
                style.drawItemText(painter, QRect(left, top + int(line.y()), width, line_spacing),
                                   lazy_qt.ALIGN_LEFT | lazy_qt.ALIGN_TOP, palette, True,
                                   snippet[start:start + line.textLength()], text_role)
        else:
            # Selections (not just formats) so that the match backgrounds are painted too.
            layout.draw(painter, QPointF(left, top), selections)
        painter.restore()
        if truncated:
            advance = metrics.horizontalAdvance("…")
            style.drawItemText(painter, QRect(left + width - advance, top + int(lines[-1].y()),
                                              advance, line_spacing),
                               lazy_qt.ALIGN_LEFT | lazy_qt.ALIGN_TOP, palette, True, "…",
                               text_role)


def _match_selections(palette: QPalette, matches: tuple[tuple[int, int], ...],
                      snippet_units: int, selected: bool) -> list[QTextLayout.FormatRange]:
    """The matches in bold, on the marker colour (underlined on a selected row)."""
    selections: list[QTextLayout.FormatRange] = []
    spans = [(start, end) for start, end in matches if 0 <= start < end <= snippet_units]
    if not spans:
        return selections
    from PySide6.QtGui import QTextCharFormat  # loaded with the first match (see above)

    background, foreground = match_colors(palette)
    for start, end in spans:
        char_format = QTextCharFormat()
        char_format.setFontWeight(QFont.Weight.Bold)
        if selected:
            # On the selection colour, a yellow box would fight it: underline instead.
            char_format.setFontUnderline(True)
        else:
            char_format.setBackground(background)
            char_format.setForeground(foreground)
        selections.append(_format_range(start, end - start, char_format))
    return selections


def _format_range(start: int, length: int, char_format: QTextCharFormat
                  ) -> QTextLayout.FormatRange:
    selection = QTextLayout.FormatRange()
    selection.start = start
    selection.length = length
    selection.format = char_format
    return selection
