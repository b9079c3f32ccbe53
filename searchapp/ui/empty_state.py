"""The line a pane shows when it has nothing to show yet, in the placeholder colour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

NO_ARTICLE_MESSAGE = "Select an article to read it."


class EmptyStateLabel(QLabel):
    """Centred, wrapped plain text (never markup) in the palette's placeholder colour."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerPlaceholder")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText,
                         palette.color(QPalette.ColorRole.PlaceholderText))
        self.setPalette(palette)
        self.setText(text)
