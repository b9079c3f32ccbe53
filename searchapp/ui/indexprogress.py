"""The indexing progress shown in the status bar: file count, current file, time left and
a button that stops at the next file."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from searchapp.ui import lazy_qt
from searchapp.ui.lazy_qt import Qt

# Time left is shown once the rate is worth trusting.
ESTIMATE_AFTER_SECONDS = 1.5
LABEL_WIDTH = 440


def format_time_left(seconds: float) -> str:
    if seconds < 5:
        return "a few seconds left"
    if seconds < 60:
        return f"about {int(round(seconds / 5) * 5)} s left"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60:02d} min left"


class TimeLeft:
    """Estimates the time left from the rate so far (files per second since the start)."""

    def __init__(self) -> None:
        self._started: float | None = None
        self._first_done = 0

    def reset(self) -> None:
        self._started = None

    def estimate(self, done: int, total: int, now: float | None = None) -> float | None:
        now = time.monotonic() if now is None else now
        if self._started is None:
            self._started, self._first_done = now, done
            return None
        elapsed = now - self._started
        progressed = done - self._first_done
        if elapsed < ESTIMATE_AFTER_SECONDS or progressed <= 0:
            return None
        return (total - done) * elapsed / progressed


class IndexProgress(QWidget):
    """Hidden until an update has files to index."""

    def __init__(self, cancel_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indexProgressPanel")
        self._time_left = TimeLeft()

        self.label = QLabel(self)
        self.label.setObjectName("indexProgressText")
        self.label.setAccessibleName("Indexing status")
        # Enum properties from their values: this is made with the first frame, before the Qt
        # namespace is built (see lazy_qt).
        self.label.setProperty("textFormat", lazy_qt.PLAIN_TEXT)
        # A fixed width: a label that resized with each file name would lay out (and
        # repaint) the whole window many times a second while indexing.
        self.label.setFixedWidth(LABEL_WIDTH)

        self.bar = QProgressBar(self)
        self.bar.setObjectName("indexProgress")
        self.bar.setAccessibleName("Indexing progress")
        self.bar.setFixedWidth(200)
        self.bar.setTextVisible(True)

        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("cancelIndexing")
        self.cancel_button.setDefaultAction(cancel_action)
        self.cancel_button.setProperty("toolButtonStyle", lazy_qt.TOOL_BUTTON_TEXT_BESIDE_ICON)
        self.cancel_button.setAutoRaise(True)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def start(self) -> None:
        """A new run: the rate starts again from its first file."""
        self._time_left.reset()

    def update_progress(self, done: int, total: int, current: str) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.bar.setFormat(f"{done:,} of {total:,}")
        parts = [f"Indexing {Path(current).name}" if current else "Saving the index…"]
        seconds = self._time_left.estimate(done, total)
        if current and seconds is not None:
            parts.append(format_time_left(seconds))
        text = " — ".join(parts)
        self.label.setText(self.label.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideMiddle, LABEL_WIDTH))
        self.label.setToolTip(current)
        self.show()

    def stopping(self) -> None:
        self.label.setText("Stopping after the current file…")

    def finish(self) -> None:
        self.hide()
        self._time_left.reset()
