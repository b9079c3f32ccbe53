"""The search lane: one worker thread that owns the Library and runs every core call.

Whoosh searchers are not thread-safe, so opening the index, searching and loading documents
all happen on this single thread, in the order they were asked for. Each request carries an
increasing id; the worker skips a search that a newer one has already superseded, and the
window drops any reply older than what it shows. The core stays Qt-free: progress and
cancellation reach it as plain callbacks.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

if TYPE_CHECKING:
    from searchapp.core.index import Library

log = logging.getLogger(__name__)

# How many hits a search brings back for the list; the count shows the full total.
RESULT_LIMIT = 200


class SearchWorker(QObject):
    """Runs on the search thread; talks to the window only through signals."""

    indexProgress = Signal(int, int, str)  # done, total, current file
    libraryReady = Signal(object, int)  # IndexReport, document count
    libraryFailed = Signal(str)
    searchFinished = Signal(int, object)  # request id, SearchResults
    searchFailed = Signal(int, str, bool)  # request id, message, is a query error
    documentLoaded = Signal(int, object)  # request id, DocumentView
    documentFailed = Signal(int, str)

    def __init__(self, data_dir: Path | None) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._library: Library | None = None
        self._cancel = threading.Event()
        # Written by the window thread, read here: a plain int is enough for "newest id".
        self.latest_search_id = 0

    def cancel(self) -> None:
        """Ask a running index build to stop at the next file (called from any thread)."""
        self._cancel.set()

    @Slot(bool)
    def openLibrary(self, refresh: bool) -> None:
        # The engine (and Whoosh) is imported here, on the worker thread, so the window
        # appears before any of it is loaded.
        from searchapp.core.errors import SearchAppError
        from searchapp.core.index import Library

        try:
            if self._library is None:
                self._library = Library(self._data_dir)
            report = self._library.ensure_ready(
                progress=self._report_progress, cancel=self._cancel.is_set, refresh=refresh
            )
            count = self._library.document_count()
        except SearchAppError as exc:
            log.warning("The index could not be opened: %s", exc)
            self.libraryFailed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - thread edge: log it and tell the person
            log.exception("Unexpected failure while opening the index")
            self.libraryFailed.emit(f"The index could not be opened: {exc}")
            return
        self.libraryReady.emit(report, count)

    def _report_progress(self, done: int, total: int, current: str) -> None:
        self.indexProgress.emit(done, total, current)

    @Slot(int, str, str)
    def search(self, request_id: int, text: str, sort: str) -> None:
        if request_id < self.latest_search_id:
            return  # a newer query is already queued behind this one
        from searchapp.core.errors import QueryError, SearchAppError
        from searchapp.core.search import search

        if self._library is None:
            self.searchFailed.emit(request_id, "The index is not open yet.", False)
            return
        try:
            results = search(self._library, text, limit=RESULT_LIMIT, sort=sort)
        except QueryError as exc:
            self.searchFailed.emit(request_id, str(exc), True)
            return
        except SearchAppError as exc:
            self.searchFailed.emit(request_id, str(exc), False)
            return
        except Exception as exc:  # noqa: BLE001 - thread edge: log it and tell the person
            log.exception("Unexpected failure while searching for %r", text)
            self.searchFailed.emit(request_id, f"The search failed: {exc}", False)
            return
        self.searchFinished.emit(request_id, results)

    @Slot(int, str, str)
    def loadDocument(self, request_id: int, path: str, text: str) -> None:
        from searchapp.core.errors import QueryError, SearchAppError
        from searchapp.core.search import show

        if self._library is None:
            self.documentFailed.emit(request_id, "The index is not open yet.")
            return
        try:
            try:
                view = show(self._library, path, text or None)
            except QueryError:
                view = show(self._library, path, None)  # show the text, just unmarked
        except SearchAppError as exc:
            self.documentFailed.emit(request_id, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - thread edge: log it and tell the person
            log.exception("Unexpected failure while loading %s", path)
            self.documentFailed.emit(request_id, f"The article could not be shown: {exc}")
            return
        self.documentLoaded.emit(request_id, view)

    @Slot()
    def closeLibrary(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


class SearchLane(QObject):
    """Owns the worker thread and hands out increasing request ids."""

    _openRequested = Signal(bool)
    _searchRequested = Signal(int, str, str)
    _documentRequested = Signal(int, str, str)
    _closeRequested = Signal()

    def __init__(self, data_dir: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("search lane")
        self.worker = SearchWorker(data_dir)
        self.worker.moveToThread(self._thread)
        self._thread.finished.connect(self.worker.deleteLater)
        self._openRequested.connect(self.worker.openLibrary)
        self._searchRequested.connect(self.worker.search)
        self._documentRequested.connect(self.worker.loadDocument)
        self._closeRequested.connect(self.worker.closeLibrary)
        self._next_id = 0
        self._running = False

    def start(self) -> None:
        if not self._running:
            self._thread.start()
            self._running = True

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def open_library(self, refresh: bool = True) -> None:
        self.start()
        self._openRequested.emit(refresh)

    def search(self, text: str, sort: str) -> int:
        """Queue a search; returns its request id."""
        request_id = self._new_id()
        self.worker.latest_search_id = request_id
        self._searchRequested.emit(request_id, text, sort)
        return request_id

    def load_document(self, path: str, text: str) -> int:
        request_id = self._new_id()
        self._documentRequested.emit(request_id, path, text)
        return request_id

    def stop(self) -> None:
        """Cancel any index build, close the index on its own thread and end the thread."""
        if not self._running:
            return
        self._running = False
        self.worker.cancel()
        self._closeRequested.emit()
        self._thread.quit()
        self._thread.wait()
