"""The line a pane shows when it has nothing to show yet, in the placeholder colour."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from searchapp.ui import lazy_qt

NO_ARTICLE_MESSAGE = "Select an article to read it."


class EmptyStateLabel(QLabel):
    """Centred, wrapped plain text (never markup) in the palette's placeholder colour."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerPlaceholder")
        # Qt.AlignmentFlag.AlignCenter and Qt.TextFormat.PlainText: the reader's pane shows
        # this in the first frame, built without the Qt namespace (see lazy_qt).
        self.setProperty("alignment", lazy_qt.ALIGN_CENTER)
        self.setWordWrap(True)
        self.setProperty("textFormat", lazy_qt.PLAIN_TEXT)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText,
                         palette.color(QPalette.ColorRole.PlaceholderText))
        self.setPalette(palette)
        self.setText(text)
