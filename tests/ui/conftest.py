"""Fixtures for the window tests: a MainWindow on the bundled articles, index ready."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from searchapp.ui.mainwindow import MainWindow

TIMEOUT_MS = 10_000


@pytest.fixture
def make_window(qtbot) -> Callable[[], MainWindow]:
    """Open a window and wait until the first list of articles and the first article are
    on screen."""

    def open_window() -> MainWindow:
        window = MainWindow()
        qtbot.addWidget(window)  # closed (which stops its thread) at teardown
        window.show()
        with qtbot.waitSignal(window.resultsShown, timeout=TIMEOUT_MS), \
                qtbot.waitSignal(window.documentShown, timeout=TIMEOUT_MS):
            window.start()
        return window

    return open_window


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()


@pytest.fixture
def article_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Replace the bundled collection with an empty folder the test fills in."""
    folder = tmp_path / "articles"
    folder.mkdir()
    monkeypatch.setattr("searchapp.core.index.bundled_seeds_dir", lambda: folder)
    return folder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform plugin warns that it cannot resize native windows to their size
    # hints; that is the test platform talking, not the app. Only that message is ignored.
    for item in items:
        item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support "
                                                  r"propagateSizeHints\(\)"))
