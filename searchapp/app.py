"""QApplication set-up: show the window first, open the index right after.

Kept lean on purpose: importing this module loads only Qt and the window code; the engine
(and Whoosh) is imported on the search thread once the window is on screen.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import searchapp

log = logging.getLogger(__name__)

ORGANIZATION = "SearchApp"
APPLICATION = "searchapp"


def configure_application(app: QApplication) -> None:
    """Names that QSettings and the desktop use to find this application."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("SearchApp")
    app.setApplicationVersion(searchapp.__version__)
    app.setDesktopFileName(APPLICATION)  # matches resources/searchapp.desktop


def run_window(data_dir: Path | None = None) -> int:
    """Create the application, show the main window and run until it closes."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)

    from searchapp.ui.mainwindow import MainWindow

    window = MainWindow(data_dir)  # it gives the application its icon once on screen
    window.show()
    # Open the index only once the window has been shown and the event loop runs.
    QTimer.singleShot(0, window.start)
    return app.exec()
