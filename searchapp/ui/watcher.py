"""Watching the collection folders, so added, renamed and deleted files are picked up.

Folders are watched, not files (one inotify watch each, bounded by the index lane's scan).
A burst of changes — a copy of a hundred files, a save that writes a temporary file first —
becomes one ``changed`` signal a second after the last event.

Qt watches a folder for files appearing, disappearing and being renamed; a file rewritten
in place, without a rename, is picked up at the next refresh (launch or F5).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

log = logging.getLogger(__name__)

DEBOUNCE_MS = 1_000


class FolderWatcher(QObject):
    """Emits ``changed`` once per burst of changes in any watched folder."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_directory_changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed)

    def set_folders(self, folders: list[str]) -> None:
        """Watch exactly these folders (the rest are dropped)."""
        wanted = set(folders)
        watched = set(self._watcher.directories())
        stale = sorted(watched - wanted)
        if stale:
            self._watcher.removePaths(stale)
        new = [folder for folder in folders if folder not in watched]
        if new:
            failed = self._watcher.addPaths(new)
            if failed:
                log.info("Could not watch %d folder(s) for changes, e.g. %s", len(failed),
                         failed[0])

    def folders(self) -> list[str]:
        return self._watcher.directories()

    def set_debounce_ms(self, milliseconds: int) -> None:
        self._debounce.setInterval(milliseconds)

    @Slot(str)
    def _on_directory_changed(self, path: str) -> None:
        log.debug("Change in %s", path)
        self._debounce.start()  # restarts: one signal per burst
