"""QApplication set-up: show the window first, open the index right after.

Kept lean on purpose: importing this module loads only Qt and the window code; the engine
(and Whoosh) is imported on the search thread once the window is on screen.
"""

from __future__ import annotations

import gc
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
    """Names that QSettings and the desktop use to find this application; and no garbage
    collection while the window is being made (see ``pause_collection_until_running``)."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("SearchApp")
    app.setApplicationVersion(searchapp.__version__)
    app.setDesktopFileName(APPLICATION)  # matches resources/searchapp.desktop
    pause_collection_until_running()


def pause_collection_until_running() -> None:
    """Switch Python's cyclic garbage collector off until the event loop runs.

    Importing the window's modules (PySide6 builds their classes and enums then) and making
    the window create tens of thousands of objects that all stay alive: the collector would
    go over them again and again, some 3 ms of the start. When the event loop first runs,
    they are frozen (``gc.freeze``: kept out of every later collection, as they live as long
    as the window) and collection resumes for what comes after."""
    if not gc.isenabled():
        return  # someone else manages the collector

    def resume() -> None:
        gc.freeze()
        gc.enable()

    gc.disable()
    QTimer.singleShot(0, resume)


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
