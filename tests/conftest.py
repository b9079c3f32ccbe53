"""Test set-up shared by every test: no real display, no real user directories.

Qt reads QT_QPA_PLATFORM when the QApplication is created, so it is set here, when pytest
loads this file, before pytest-qt makes the application.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Index, settings and XDG folders all live in this test's tmp_path."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SEARCHAPP_DATA_DIR", str(data_dir))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / variable.lower()))

    from PySide6.QtCore import QCoreApplication, QSettings

    settings_dir = str(tmp_path / "settings")
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, settings_dir)
        QSettings.setPath(settings_format, QSettings.Scope.SystemScope, settings_dir)
    QCoreApplication.setOrganizationName("SearchAppTests")
    QCoreApplication.setApplicationName("searchapp-tests")
    yield data_dir
