"""The two lanes: one worker thread for searches and one for index writes.

Whoosh searchers are not thread-safe, and Whoosh allows a single writer; so each lane owns a
``Library`` of its own and runs its core calls on its own thread, in the order they were
asked for. The search lane opens the index, searches and loads documents; it never writes,
so searching keeps working on what is already indexed while the index lane adds a folder
(the search lane's Library opens a new searcher as soon as a commit changes the index).

Each search carries an increasing id; the worker skips a search that a newer one has already
superseded, and the window drops any reply older than what it shows. The core stays
Qt-free: progress and cancellation reach it as plain callbacks.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

if TYPE_CHECKING:
    from searchapp.core.index import Library
    from searchapp.core.search import SearchFilters

log = logging.getLogger(__name__)

# How many hits a search brings back for the list; the count shows the full total.
RESULT_LIMIT = 200
# Related articles listed under the reader.
RELATED_LIMIT = 6
# Quotations listed in the quotation panel (and tracked for one document).
QUOTATION_LIMIT = 60
# At most this many folders are watched for changes (each costs an inotify watch).
MAX_WATCHED_FOLDERS = 2_000
# Progress is reported at most this often (plus the first and the last step), so indexing
# thousands of small files does not flood the window with signals.
PROGRESS_INTERVAL = 0.05


READING_KINDS = ("related", "clusters", "timeline", "compare", "quote", "quotations")


class SearchWorker(QObject):
    """Runs on the search thread; talks to the window only through signals."""

    libraryReady = Signal(int)  # document count
    libraryMissing = Signal()  # no usable index yet: the index lane builds it
    libraryFailed = Signal(str)
    searchFinished = Signal(int, object)  # request id, SearchResults
    searchFailed = Signal(int, str, bool)  # request id, message, is a query error
    documentLoaded = Signal(int, object)  # request id, DocumentView
    documentFailed = Signal(int, str)
    reportLoaded = Signal(object)  # the last indexing report (dict) or None
    collectionsChanged = Signal(list, bool)  # every collection's name, bundled hidden
    foldersChanged = Signal(list, list)  # folders added, folders removed
    folderChangeFailed = Signal(str)
    # The reading features (related, clusters, quotations, compare, timeline): one pair of
    # signals for all, keyed by the kind of request (see READING_KINDS).
    readingFinished = Signal(str, int, object)  # kind, request id, plain result
    readingFailed = Signal(str, int, str)  # kind, request id, message
    readingCancelled = Signal(str, int)  # kind, request id: a newer request superseded it

    def __init__(self, data_dir: Path | None) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._library: Library | None = None
        # Written by the window thread, read here: a plain int is enough for "newest id".
        self.latest_search_id = 0
        # The newest request of each reading kind (written by the window thread).
        self.latest_reading_ids: dict[str, int] = {}

    @Slot()
    def openLibrary(self) -> None:
        # The engine (and Whoosh) is imported here, on the worker thread, so the window
        # appears before any of it is loaded.
        from searchapp.core.errors import SearchAppError
        from searchapp.core.index import Library

        try:
            if self._library is None:
                self._library = Library(self._data_dir)
                self._emit_collections(self._library)
            if not self._library.is_built():
                self.libraryMissing.emit()
                return
            count = self._library.document_count()
        except SearchAppError as exc:
            log.warning("The index could not be opened: %s", exc)
            self.libraryFailed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - thread edge: log it and tell the person
            log.exception("Unexpected failure while opening the index")
            self.libraryFailed.emit(f"The index could not be opened: {exc}")
            return
        self.libraryReady.emit(count)

    def _emit_collections(self, library: Library) -> None:
        names = [collection.name for collection in library.collections]
        from searchapp.core.index import BUNDLED_COLLECTION

        self.collectionsChanged.emit(names, BUNDLED_COLLECTION in library.hidden_collections)

    # The folder list is changed here, the only thread of the window that writes it (the
    # index lane only reads it before each update), so no change is lost; and this lane is
    # never busy for long, unlike the index lane.

    @Slot(list, list)
    def changeFolders(self, add: list[str], remove: list[str]) -> None:
        from searchapp.core.collections import add_folders, remove_folders
        from searchapp.core.errors import SearchAppError
        from searchapp.core.index import Library

        try:
            if self._library is None:
                self._library = Library(self._data_dir)
            data_dir = self._library.data_dir
            added = add_folders(data_dir, [Path(p) for p in add]) if add else []
            removed = remove_folders(data_dir, [Path(p) for p in remove]) if remove else []
        except SearchAppError as exc:
            self.folderChangeFailed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - thread edge: log it and tell the person
            log.exception("Unexpected failure while changing the folders")
            self.folderChangeFailed.emit(f"The folder list could not be changed: {exc}")
            return
        self._library.reload_collections()
        self._emit_collections(self._library)
        self.foldersChanged.emit([str(p) for p in added], [str(p) for p in removed])

    @Slot(bool)
    def setBundledHidden(self, hidden: bool) -> None:
        from searchapp.core.collections import set_bundled_hidden
        from searchapp.core.errors import SearchAppError
        from searchapp.core.index import Library

        try:
            if self._library is None:
                self._library = Library(self._data_dir)
            set_bundled_hidden(self._library.data_dir, hidden)
        except SearchAppError as exc:
            self.folderChangeFailed.emit(str(exc))
            return
        self._library.reload_collections()
        self._emit_collections(self._library)

    @Slot(int, str, str, object)
    def search(self, request_id: int, text: str, sort: str,
               filters: SearchFilters | None) -> None:
        if request_id < self.latest_search_id:
            return  # a newer query is already queued behind this one
        from searchapp.core.errors import QueryError, SearchAppError
        from searchapp.core.search import search

        if self._library is None:
            self.searchFailed.emit(request_id, "The index is not open yet.", False)
            return
        try:
            results = search(self._library, text, limit=RESULT_LIMIT, sort=sort,
                             filters=filters)
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
        if not text.strip() and (filters is None or filters.query() is None):
            from searchapp.core.results import save_snapshot, snapshot_key

            data_dir = self._library.data_dir
            save_snapshot(data_dir, results, snapshot_key(data_dir, sort))
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

    @Slot(str, int, object)
    def read(self, kind: str, request_id: int, args: tuple) -> None:
        """Run one reading request (``_read_<kind>``) on this lane's Library: Whoosh
        searchers are not thread-safe, so reads share the search thread."""
        if request_id < self.latest_reading_ids.get(kind, 0):
            return  # a newer request of the same kind is queued behind this one
        from searchapp.core.errors import SearchAppError

        if self._library is None:
            self.readingFailed.emit(kind, request_id, "The index is not open yet.")
            return
        search_id = self.latest_search_id

        def superseded() -> bool:
            # A newer request of this kind, or (for a query's quotations) a newer search.
            newer_search = kind == "quotations" and bool(args and args[0] == "query") \
                and self.latest_search_id > search_id
            return self.latest_reading_ids.get(kind, 0) > request_id or newer_search

        try:
            result = getattr(self, f"_read_{kind}")(self._library, superseded, *args)
        except SearchAppError as exc:
            self.readingFailed.emit(kind, request_id, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - thread edge: log it and tell the person
            log.exception("Unexpected failure in the %s request", kind)
            self.readingFailed.emit(kind, request_id, f"That did not work: {exc}")
            return
        if superseded():
            self.readingCancelled.emit(kind, request_id)
            return
        self.readingFinished.emit(kind, request_id, result)

    @staticmethod
    def _read_related(library: Library, _superseded: Callable[[], bool], path: str) -> list:
        from searchapp.core.related import related

        return related(library, path, limit=RELATED_LIMIT)

    @staticmethod
    def _read_clusters(library: Library, _superseded: Callable[[], bool],
                       paths: list[str]) -> list:
        from searchapp.core.related import cluster_stories

        return cluster_stories(library, paths)

    @staticmethod
    def _read_timeline(library: Library, _superseded: Callable[[], bool], text: str,
                       filters: SearchFilters | None) -> object:
        from searchapp.core.timeline import timeline

        by_year = timeline(library, text, by="year", filters=filters)
        years = [int(p.period) for p in by_year.periods]
        # Results within about two years read better month by month.
        if years and years[-1] - years[0] < 2:
            return timeline(library, text, by="month", filters=filters)
        return by_year

    @staticmethod
    def _read_compare(library: Library, _superseded: Callable[[], bool], path_a: str,
                      path_b: str) -> object:
        from searchapp.core.compare import compare

        return compare(library, path_a, path_b)

    @staticmethod
    def _read_quote(library: Library, _superseded: Callable[[], bool], text: str) -> list:
        from searchapp.core.quotes import find_quote

        return [find_quote(library, text)]

    @staticmethod
    def _read_quotations(library: Library, superseded: Callable[[], bool], source: str,
                         value: str) -> list:
        """``("query", text)``: the quotations of a query's documents (the engine reads at
        most its 500 best); ``("document", path)``: each quotation of one document,
        tracked across the collection."""
        from searchapp.core.quotes import quotations

        if source == "query":
            return quotations(library, value, limit=QUOTATION_LIMIT, cancel=superseded)
        return _document_quotations(library, value, superseded)

    @Slot()
    def loadReport(self) -> None:
        # Read here rather than on the index lane, which may be busy for minutes.
        from searchapp.core.index import Library

        try:
            if self._library is None:
                self._library = Library(self._data_dir)
            report = self._library.last_report()
        except Exception:  # noqa: BLE001 - thread edge: an unreadable report is no report
            log.exception("The indexing report could not be read")
            report = None
        self.reportLoaded.emit(report)

    @Slot()
    def closeLibrary(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


def _document_quotations(library: Library, path: str,
                         superseded: Callable[[], bool]) -> list:
    """The quotations one document prints, each tracked (find_quote) to every document
    that carries it; those that others carry too come first. The engine has no call for
    this, so it is built from public ones: extract_quote_spans and find_quote."""
    from searchapp.core.quotes import extract_quote_spans, find_quote
    from searchapp.core.search import show

    body = show(library, path, None).body
    found = []
    covered: set[int] = set()  # quotation starts of this document already listed
    for start, end in extract_quote_spans(body)[:QUOTATION_LIMIT]:
        if superseded():
            break
        if start in covered:
            continue
        quotation = find_quote(library, body[start:end])
        own = [o for o in quotation.occurrences if o.path == path]
        covered.update(o.quote_start for o in own)
        if quotation.occurrences:
            found.append(quotation)
    found.sort(key=lambda q: -q.documents)  # stable: the document's order among equals
    return found


class _Lane(QObject):
    """A worker object living on a thread of its own."""

    def __init__(self, worker: QObject, name: str, parent: QObject | None) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName(name)
        self.worker = worker
        worker.moveToThread(self._thread)
        self._thread.finished.connect(worker.deleteLater)
        self._running = False

    def start(self) -> None:
        if not self._running:
            self._thread.start()
            self._running = True

    def _finish(self) -> None:
        self._thread.quit()
        self._thread.wait()


class SearchLane(_Lane):
    """Owns the search thread and hands out increasing request ids."""

    _openRequested = Signal()
    _foldersRequested = Signal(list, list)
    _bundledHiddenRequested = Signal(bool)
    _searchRequested = Signal(int, str, str, object)
    _documentRequested = Signal(int, str, str)
    _reportRequested = Signal()
    _readingRequested = Signal(str, int, object)
    _closeRequested = Signal()

    worker: SearchWorker

    def __init__(self, data_dir: Path | None, parent: QObject | None = None) -> None:
        super().__init__(SearchWorker(data_dir), "search lane", parent)
        self._openRequested.connect(self.worker.openLibrary)
        self._foldersRequested.connect(self.worker.changeFolders)
        self._bundledHiddenRequested.connect(self.worker.setBundledHidden)
        self._searchRequested.connect(self.worker.search)
        self._documentRequested.connect(self.worker.loadDocument)
        self._reportRequested.connect(self.worker.loadReport)
        self._readingRequested.connect(self.worker.read)
        self._closeRequested.connect(self.worker.closeLibrary)
        self._next_id = 0

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def open_library(self) -> None:
        self.start()
        self._openRequested.emit()

    def change_folders(self, add: list[str], remove: list[str]) -> None:
        """Add and remove folders; ``foldersChanged`` or ``folderChangeFailed`` answers."""
        self.start()
        self._foldersRequested.emit(list(add), list(remove))

    def set_bundled_hidden(self, hidden: bool) -> None:
        self.start()
        self._bundledHiddenRequested.emit(hidden)

    def search(self, text: str, sort: str, filters: SearchFilters | None = None) -> int:
        """Queue a search; returns its request id."""
        request_id = self._new_id()
        self.worker.latest_search_id = request_id
        self._searchRequested.emit(request_id, text, sort, filters)
        return request_id

    def load_document(self, path: str, text: str) -> int:
        request_id = self._new_id()
        self._documentRequested.emit(request_id, path, text)
        return request_id

    def load_report(self) -> None:
        self.start()
        self._reportRequested.emit()

    def read(self, kind: str, *args: object) -> int:
        """Queue a reading request (one of READING_KINDS); returns its request id. The
        answer is ``readingFinished``, ``readingFailed`` or ``readingCancelled``."""
        if kind not in READING_KINDS:
            raise ValueError(f"unknown reading request {kind!r}")
        request_id = self._new_id()
        self.worker.latest_reading_ids[kind] = request_id
        self._readingRequested.emit(kind, request_id, tuple(args))
        return request_id

    def stop(self) -> None:
        """Close the index on its own thread and end the thread."""
        if not self._running:
            return
        self._running = False
        self._closeRequested.emit()
        self._finish()


class IndexWorker(QObject):
    """Runs on the index thread: the window's only writer of the index."""

    indexProgress = Signal(int, int, str)  # done, total, current file
    indexFinished = Signal(object, int)  # IndexReport, document count
    indexFailed = Signal(str)
    foldersScanned = Signal(list, bool)  # folders to watch, whether the cap cut the list

    def __init__(self, data_dir: Path | None) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._library: Library | None = None
        self._cancel = threading.Event()
        self._last_progress = 0.0

    def cancel(self) -> None:
        """Ask the running update to stop at the next file (called from any thread)."""
        self._cancel.set()

    def clear_cancel(self) -> None:
        self._cancel.clear()

    @Slot()
    def update(self) -> None:
        """Build the index if there is none, else index added and changed files of every
        collection and drop deleted ones."""
        from searchapp.core.errors import SearchAppError
        from searchapp.core.index import Library

        try:
            if self._library is None:
                self._library = Library(self._data_dir)
            else:
                self._library.reload_collections()
            self._scan_folders(self._library)
            report = self._library.ensure_ready(progress=self._report_progress,
                                                cancel=self._cancel.is_set, refresh=True)
            count = self._library.document_count()
        except SearchAppError as exc:
            log.warning("The index could not be updated: %s", exc)
            self.indexFailed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - thread edge: log it and tell the person
            log.exception("Unexpected failure while updating the index")
            self.indexFailed.emit(f"The index could not be updated: {exc}")
            return
        self.indexFinished.emit(report, count)

    def _report_progress(self, done: int, total: int, current: str) -> None:
        now = time.monotonic()
        if done == 0 or not current or now - self._last_progress >= PROGRESS_INTERVAL:
            self._last_progress = now
            self.indexProgress.emit(done, total, current)

    def _scan_folders(self, library: Library) -> None:
        """Every collection folder and its subfolders (not hidden ones, as indexing skips
        them, nor the index's own folder), up to MAX_WATCHED_FOLDERS."""
        data_dir = os.path.realpath(library.data_dir)
        folders: list[str] = []
        capped = False
        for collection in library.collections:
            if not collection.root.is_dir():
                continue
            for dirpath, dirnames, _filenames in os.walk(collection.root):
                if len(folders) >= MAX_WATCHED_FOLDERS:
                    capped = True
                    break
                if os.path.realpath(dirpath) == data_dir:
                    dirnames[:] = []
                    continue
                folders.append(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            if capped:
                break
        if capped:
            log.warning("Watching only the first %d folders for changes; press F5 to pick "
                        "up changes in the others", MAX_WATCHED_FOLDERS)
        self.foldersScanned.emit(folders, capped)

    @Slot()
    def closeLibrary(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


class IndexLane(_Lane):
    """Owns the index thread. The window sends one update at a time (it coalesces the
    rest), so clearing the cancel flag before each request cannot lose a cancel."""

    _updateRequested = Signal()
    _closeRequested = Signal()

    worker: IndexWorker

    def __init__(self, data_dir: Path | None, parent: QObject | None = None) -> None:
        super().__init__(IndexWorker(data_dir), "index lane", parent)
        self._updateRequested.connect(self.worker.update)
        self._closeRequested.connect(self.worker.closeLibrary)

    def update(self) -> None:
        self.start()
        self.worker.clear_cancel()
        self._updateRequested.emit()

    def cancel(self) -> None:
        self.worker.cancel()

    def stop(self) -> None:
        """Stop any update at the next file, close the index and end the thread."""
        if not self._running:
            return
        self._running = False
        self.worker.cancel()
        self._closeRequested.emit()
        self._finish()
