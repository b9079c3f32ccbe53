"""The reader: a header (title; date, folder, file type and, for PDFs, the page of the
current match; path) and the article as plain text with its matches.

Document text is only ever given to Qt as plain text (``setPlainText``), so markup in an
article is shown literally and nothing is loaded from anywhere. Matches are painted with
``ExtraSelections``; the current one in a stronger colour, and a quotation opened from the
quotation panel in a colour of its own. Under the text, the related articles.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtGui import QFont, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from searchapp.core.documents import page_at
from searchapp.ui.colors import current_match_colors, match_colors, quote_colors
from searchapp.ui.empty_state import NO_ARTICLE_MESSAGE, EmptyStateLabel
from searchapp.ui.labels import collection_label, type_and_page
from searchapp.ui.related_panel import RelatedPanel
from searchapp.ui.results_model import format_date
from searchapp.ui.text_offsets import utf16_spans

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from searchapp.core.results import DocumentView


def marked_html(text: str, spans: tuple[tuple[int, int], ...], palette: QPalette) -> str:
    """Escaped text with the spans wrapped in coloured spans: safe for a rich-text label."""
    background, foreground = match_colors(palette)
    pieces = []
    position = 0
    for start, end in sorted(spans):
        if start < position or end > len(text):
            continue
        pieces.append(html.escape(text[position:start]))
        pieces.append(f'<span style="background-color:{background.name()};'
                      f'color:{foreground.name()}">{html.escape(text[start:end])}</span>')
        position = end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


class ReaderView(QWidget):
    """Shows one ``DocumentView``; F3 / Shift+F3 (via the window's actions) walk its matches."""

    matchChanged = Signal(int, int)  # current (1-based, 0 when none), total

    def __init__(self, previous_action: QAction, next_action: QAction,
                 open_action: QAction, related_action: QAction, track_action: QAction,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self._document: DocumentView | None = None
        self._spans: list[tuple[int, int]] = []  # body matches in Qt (UTF-16) offsets
        self._current = -1
        self._searched = False
        self._focus_span: tuple[int, int] | None = None  # a quotation shown, UTF-16
        self._track_action = track_action

        self.title_label = QLabel(self)
        self.title_label.setObjectName("readerTitle")
        self.title_label.setAccessibleName("Article title")
        self.title_label.setTextFormat(Qt.TextFormat.RichText)  # escaped text only
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)

        self.meta_label = QLabel(self)
        self.meta_label.setObjectName("readerMeta")
        self.meta_label.setAccessibleName("Article date and file")
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                      QSizePolicy.Policy.Preferred)
        meta_palette = self.meta_label.palette()
        meta_palette.setColor(QPalette.ColorRole.WindowText,
                              meta_palette.color(QPalette.ColorRole.PlaceholderText))
        self.meta_label.setPalette(meta_palette)

        self.toolbar = QToolBar("Reader", self)
        self.toolbar.setObjectName("readerToolbar")
        self.toolbar.setAccessibleName("Reader tools")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addAction(previous_action)
        self.toolbar.addAction(next_action)
        self.match_label = QLabel(self)
        self.match_label.setObjectName("matchCounter")
        self.match_label.setAccessibleName("Match counter")
        self.match_label.setContentsMargins(8, 0, 8, 0)
        self.toolbar.addWidget(self.match_label)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addAction(open_action)

        self.text_view = QPlainTextEdit(self)
        self.text_view.setObjectName("articleText")
        self.text_view.setAccessibleName("Article text")
        self.text_view.setReadOnly(True)
        self.text_view.setUndoRedoEnabled(False)
        self.text_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text_view.setFrameShape(QFrame.Shape.NoFrame)
        self.text_view.document().setDocumentMargin(14)
        self.text_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.text_view.customContextMenuRequested.connect(self._show_context_menu)
        self.text_view.copyAvailable.connect(track_action.setEnabled)
        self.related = RelatedPanel(related_action, self)

        self.placeholder = EmptyStateLabel(parent=self)

        article = QWidget(self)
        header = QVBoxLayout()
        header.setContentsMargins(14, 10, 14, 4)
        header.setSpacing(2)
        header.addWidget(self.title_label)
        header.addWidget(self.meta_label)
        rule = QFrame(article)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        article_layout = QVBoxLayout(article)
        article_layout.setContentsMargins(0, 0, 0, 0)
        article_layout.setSpacing(0)
        article_layout.addLayout(header)
        article_layout.addWidget(self.toolbar)
        article_layout.addWidget(rule)
        article_layout.addWidget(self.text_view, 1)
        related_rule = QFrame(article)
        related_rule.setFrameShape(QFrame.Shape.HLine)
        related_rule.setFrameShadow(QFrame.Shadow.Sunken)
        article_layout.addWidget(related_rule)
        article_layout.addWidget(self.related)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(article)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.show_message(NO_ARTICLE_MESSAGE)

    # -- state ----------------------------------------------------------------------------

    @property
    def document(self) -> DocumentView | None:
        return self._document

    @property
    def match_count(self) -> int:
        return len(self._spans)

    @property
    def current_match(self) -> int:
        """0-based index of the current match, -1 when there is none."""
        return self._current

    def match_spans(self) -> list[tuple[int, int]]:
        return list(self._spans)

    def selected_text(self) -> str:
        """The selection in the article as plain text (paragraph breaks as spaces)."""
        return " ".join(self.text_view.textCursor().selectedText().replace(
            "\u2029", " ").split())

    def focus_span(self) -> tuple[int, int] | None:
        """The quotation shown with ``show_span`` (UTF-16 offsets), or None."""
        return self._focus_span

    def show_span(self, start: int, end: int) -> None:
        """Mark a span of the body (code points, as the core counts) in the quotation colour
        and scroll it into the middle of the view."""
        if self._document is None:
            return
        converted = utf16_spans(self._document.body, [(start, end)])[0]
        if not 0 <= converted[0] <= converted[1] <= self.text_view.document().characterCount():
            return
        self._focus_span = converted
        self._paint_matches()
        cursor = QTextCursor(self.text_view.document())
        cursor.setPosition(converted[1])
        self.text_view.setTextCursor(cursor)
        self.text_view.centerCursor()

    @Slot(QPoint)
    def _show_context_menu(self, position: QPoint) -> None:
        menu = self.text_view.createStandardContextMenu(position)
        menu.addSeparator()
        menu.addAction(self._track_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.text_view.viewport().mapToGlobal(position))

    def show_message(self, message: str) -> None:
        """The empty state: no article, a line saying why."""
        self._document = None
        self._spans = []
        self._focus_span = None
        self._track_action.setEnabled(False)
        self._current = -1
        self.placeholder.setText(message)
        self.text_view.clear()
        self.stack.setCurrentIndex(0)
        self._update_counter()

    def show_document(self, view: DocumentView, searched: bool = True) -> None:
        """Show an article; ``searched`` is False when it was listed, not found."""
        self._document = view
        self._searched = searched
        self._focus_span = None
        self._track_action.setEnabled(False)
        title = view.title or Path(view.path).name
        title_spans = view.title_matches if view.title else ()
        self.title_label.setText(marked_html(title, title_spans, self.palette()))
        self.title_label.setToolTip(title)
        self.meta_label.setToolTip(view.path)
        self.text_view.setPlainText(view.body)
        self._spans = utf16_spans(view.body, view.body_matches)
        self._current = 0 if self._spans else -1
        self._update_meta()
        self.stack.setCurrentIndex(1)
        self._paint_matches()
        if self._spans:
            self._scroll_to_current()
        else:
            self.text_view.moveCursor(QTextCursor.MoveOperation.Start)
        self._update_counter()

    def current_page(self) -> int | None:
        """The PDF page the current match is on; None without pages or a match."""
        view = self._document
        if view is None or not view.pages or not 0 <= self._current < len(view.body_matches):
            return None
        # body_matches count code points, as pages do (the UTF-16 spans would not).
        return page_at(view.pages, view.body_matches[self._current][0])

    def _update_meta(self) -> None:
        view = self._document
        if view is None:
            return
        meta = [format_date(view.date).capitalize() if view.date is None
                else format_date(view.date)]
        if view.collection:
            meta.append(collection_label(view.collection))
        if view.kind:
            meta.append(type_and_page(view.kind, self.current_page()))
        meta.append(view.path)
        self.meta_label.setText("  ·  ".join(meta))

    # -- matches --------------------------------------------------------------------------

    @Slot()
    def next_match(self) -> None:
        self._step(+1)

    @Slot()
    def previous_match(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if not self._spans:
            return
        self._current = (self._current + step) % len(self._spans)  # wraps around
        self._update_meta()
        self._paint_matches()
        self._scroll_to_current()
        self._update_counter()

    def _paint_matches(self) -> None:
        palette = self.palette()
        background, foreground = match_colors(palette)
        current_background, current_foreground = current_match_colors(palette)
        document = self.text_view.document()
        selections = []
        for number, (start, end) in enumerate(self._spans):
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(document)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            char_format = QTextCharFormat()
            if number == self._current:
                char_format.setBackground(current_background)
                char_format.setForeground(current_foreground)
                char_format.setFontUnderline(True)
            else:
                char_format.setBackground(background)
                char_format.setForeground(foreground)
            selection.format = char_format
            selections.append(selection)
        if self._focus_span is not None:
            quote_background, quote_foreground = quote_colors(palette)
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(document)
            cursor.setPosition(self._focus_span[0])
            cursor.setPosition(self._focus_span[1], QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            char_format = QTextCharFormat()
            char_format.setBackground(quote_background)
            char_format.setForeground(quote_foreground)
            selection.format = char_format
            selections.append(selection)
        self.text_view.setExtraSelections(selections)

    def _scroll_to_current(self) -> None:
        start, end = self._spans[self._current]
        cursor = QTextCursor(self.text_view.document())
        cursor.setPosition(end)
        self.text_view.setTextCursor(cursor)
        self.text_view.centerCursor()

    def _update_counter(self) -> None:
        total = len(self._spans)
        current = self._current + 1 if total else 0
        if self._document is None or not self._searched:
            text = ""
        elif total:
            text = f"match {current} of {total}"
        else:
            text = "no matches in the text"
        self.match_label.setText(text)
        self.matchChanged.emit(current, total)
