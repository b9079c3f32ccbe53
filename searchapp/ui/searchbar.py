"""The query box: search as you type (debounced), Enter at once, Esc clears, history."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QMenu, QStyle, QWidget

from searchapp.ui.lazy_qt import Qt
from searchapp.ui.settings import MAX_RECENT_QUERIES

DEBOUNCE_MS = 150

SYNTAX_HELP_HTML = """
<b>Search syntax</b>
<table cellspacing="0" cellpadding="2">
<tr><td><code>rust shooting</code></td><td>articles with both words</td></tr>
<tr><td><code>"kiss the ring"</code></td><td>the exact phrase</td></tr>
<tr><td><code>"alec trump"~5</code></td><td>words within 5 of each other</td></tr>
<tr><td><code>rust OR trigger</code></td><td>either word</td></tr>
<tr><td><code>NOT trump</code>, <code>-trump</code></td><td>leave out articles with a word</td></tr>
<tr><td><code>shoot*</code>, <code>b?ldwin</code></td><td>prefix and one-letter wildcards</td></tr>
<tr><td><code>baldwn~</code></td><td>fuzzy: similar spellings too</td></tr>
<tr><td><code>title:interview</code></td><td>only in titles</td></tr>
<tr><td><code>date:2025</code></td><td>articles from a year (or a day: date:2021-12-02)</td></tr>
<tr><td><code>date:[2021 to 2022]</code></td><td>articles from a range of dates</td></tr>
</table>
<p>Enter searches at once, Esc clears, Up recalls earlier searches,
Down moves into the results.</p>
"""


class SearchBar(QLineEdit):
    """Emits ``searchRequested`` ~150 ms after typing stops, or at once on Enter."""

    searchRequested = Signal(str)
    enterListRequested = Signal()
    syntaxHelpRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBar")
        self.setAccessibleName("Search query")
        self.setAccessibleDescription("Type words to search the articles; results update as "
                                      "you type")
        self.setPlaceholderText("Search articles — try “kiss the ring”, title:rust, date:2025")
        self.setClearButtonEnabled(True)
        self.setToolTip(SYNTAX_HELP_HTML)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.textEdited.connect(self._on_text_edited)
        self.returnPressed.connect(self.search_now)

        self._recent: list[str] = []
        self._history_position: int | None = None  # index into _recent while recalling
        self._draft = ""

        style = self.style()
        self.history_action = QAction(
            style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
            "Recent searches", self)
        self.history_action.setToolTip("Recent searches (Alt+Down)")
        self.history_action.triggered.connect(self.show_history_menu)
        self.addAction(self.history_action, QLineEdit.ActionPosition.TrailingPosition)
        self.help_action = QAction(
            style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxQuestion),
            "Search syntax", self)
        self.help_action.setToolTip(SYNTAX_HELP_HTML)
        self.help_action.triggered.connect(self.syntaxHelpRequested)
        self.addAction(self.help_action, QLineEdit.ActionPosition.TrailingPosition)

    # -- history --------------------------------------------------------------------------

    def recent_queries(self) -> list[str]:
        return list(self._recent)

    def set_recent_queries(self, queries: list[str]) -> None:
        unique: list[str] = []
        for query in queries:
            query = query.strip()
            if query and query not in unique:
                unique.append(query)
        self._recent = unique[:MAX_RECENT_QUERIES]
        self.history_action.setEnabled(bool(self._recent))

    def remember(self, query: str) -> None:
        """Put a query at the top of the recent list (most recent first)."""
        query = query.strip()
        if not query:
            return
        self.set_recent_queries([query, *self._recent])

    @Slot()
    def show_history_menu(self) -> None:
        if not self._recent:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for query in self._recent:
            action = menu.addAction(query.replace("&", "&&"))
            action.setData(query)
            action.triggered.connect(lambda checked=False, q=query: self.run_query(q))
        menu.popup(self.mapToGlobal(self.rect().bottomLeft()))

    def _recall(self, step: int) -> bool:
        """Move through recent queries, shell-style; False when there is nowhere to go."""
        if not self._recent:
            return False
        if self._history_position is None:
            if step > 0:
                return False
            self._draft = self.text()
            position = 0
            if self._recent[0] == self.text().strip() and len(self._recent) > 1:
                position = 1
        else:
            position = self._history_position - step
        if position < 0:
            self._history_position = None
            self.setText(self._draft)
            self._schedule()
            return True
        if position >= len(self._recent):
            return True  # at the oldest: stay
        self._history_position = position
        self.setText(self._recent[position])
        self._schedule()
        return True

    # -- searching ------------------------------------------------------------------------

    def run_query(self, query: str) -> None:
        """Put a query in the box and search for it at once."""
        self.setText(query)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search_now()

    @Slot()
    def search_now(self) -> None:
        self._debounce.stop()
        self.searchRequested.emit(self.text())

    def _schedule(self) -> None:
        self._debounce.start()

    @Slot(str)
    def _on_text_edited(self, _text: str) -> None:
        self._history_position = None
        self._schedule()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers()
        if key == Qt.Key.Key_Escape and self.text():
            self._history_position = None
            self.clear()
            self.search_now()
            event.accept()
            return
        if key == Qt.Key.Key_Down and modifiers & Qt.KeyboardModifier.AltModifier:
            self.show_history_menu()
            event.accept()
            return
        if key == Qt.Key.Key_Up and not modifiers:
            self._recall(-1)
            event.accept()
            return
        if key == Qt.Key.Key_Down and not modifiers:
            if not self._recall(+1):
                self.enterListRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        # Esc clears the box first; only an empty box lets it reach the window's shortcuts.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and self.text()):
            event.accept()
            return True
        return super().event(event)
