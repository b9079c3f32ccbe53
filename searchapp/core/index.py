"""Opening, building and updating the index; the single writer.

The index lives in the data directory as numbered generations::

    DATA_DIR/index/CURRENT        which generation is live (replaced atomically)
    DATA_DIR/index/g000003/       a complete Whoosh index
    DATA_DIR/index/writer.lock    held by the one process that writes

A full build (first launch, a new schema, a damaged index) happens in a new generation
directory and becomes live only when it is complete, so a crash or a full disk never leaves
a half-written index in place of a good one. Incremental updates write into the live
generation; Whoosh replaces its table of contents atomically at commit.
"""

from __future__ import annotations

import collections
import concurrent.futures
import datetime as dt
import functools
import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import re
import shutil
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher
from whoosh.util import random_name
from whoosh.util.filelock import FileLock, try_for
from whoosh.writing import LockError, SegmentWriter

from searchapp.core.collections import default_data_dir, load_settings
from searchapp.core.compat import column_values  # mends Whoosh 2.7.4 on import
from searchapp.core.documents import Document, read_document
from searchapp.core.errors import (
    IndexBusyError,
    IndexUnavailableError,
    SearchAppError,
    UnreadableDocumentError,
)
from searchapp.core.formats import READERS
from searchapp.core.pool import TermPoolWriter
from searchapp.core.quotes import extract_quote_spans
from searchapp.core.schema import (
    SCHEMA_VERSION,
    TOKEN_PATTERN,
    build_schema,
    weighting,
)

if TYPE_CHECKING:
    from searchapp.core.batch import BatchPostings

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]  # (done, total, current file)
CancelCallback = Callable[[], bool]

BUNDLED_COLLECTION = "bundled"
INDEXED_SUFFIXES = frozenset(READERS)
REPORT_FILE = "last-index-report.json"

# A full build of this many files or more reads and analyses them in worker processes,
# PARALLEL_BATCH files per task, one worker per core up to MAX_WORKERS. A batch's postings
# come back as a few arrays per field (batch.BatchPostings), and larger batches repeat
# fewer words: 64 files rather than 16 took 0.6 s off the writer's 7 CPU s on the 6,258
# real benchmark documents, for about 40 MB more in each worker.
PARALLEL_MIN_FILES = 500
PARALLEL_BATCH = 64
MAX_WORKERS = 4

# The full build's in-memory posting pool (core/pool.py), in MB: a sixteenth of the
# machine's memory, between 256 and 1,024. Past it, the pool writes a run of postings to
# disk and merges the runs at commit. With 1,024 MB the writer's peak was 287 MB for
# 6,258 documents (the pool never filled) and 1.05 GB for 100,000, which filled it three
# times (bench/RESULTS.md; Whoosh's own pool, which counted postings far larger, peaked
# at 709 MB and 3.0 GB).
BUILD_MEMORY_MB = (256, 1024)


def _build_memory_mb() -> int:
    low, high = BUILD_MEMORY_MB
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return low
    return max(low, min(high, total_mb // 16))


# How long a writer waits for another SearchApp process to finish writing.
WRITER_WAIT_SECONDS = 10.0


def bundled_seeds_dir() -> Path:
    """The bundled articles: inside the installed package, or at the top of a source checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "seeds"
    if installed.is_dir():
        return installed
    return package_dir.parent / "seeds"


@dataclass(frozen=True)
class Collection:
    """A folder whose documents are indexed, under a short name shown in results."""

    name: str
    root: Path


@dataclass
class IndexReport:
    """What one build or refresh did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    rebuilt: bool = False
    cancelled: bool = False
    elapsed: float = 0.0
    warning: str | None = None

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.removed} removed",
            f"{self.unchanged} unchanged",
        ]
        if self.failed:
            parts.append(f"{len(self.failed)} could not be indexed")
        verb = "Rebuilt the index" if self.rebuilt else "Index up to date"
        text = f"{verb}: {', '.join(parts)} ({self.elapsed:.1f} s)"
        if self.cancelled:
            text += " — cancelled; the rest will be indexed next time"
        return text


@dataclass(frozen=True)
class _FileState:
    size: int
    mtime: int
    digest: str


_WORDS = re.compile(TOKEN_PATTERN)


def _distinct_words(text: str) -> str:
    """Each word of a text once: the spelling field only records which words exist, so
    analysing every repetition would be wasted (it halved that field's share of a build)."""
    return " ".join(dict.fromkeys(_WORDS.findall(text)))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _as_datetime(date: dt.date | None) -> dt.datetime | None:
    return dt.datetime(date.year, date.month, date.day) if date else None


def list_files(collection: Collection) -> Iterator[str]:
    """Every indexable file under a collection's folder, in a stable order, as path text
    (a Path for each doubled the listing of 100,000 files, 0.23 s against 0.48 s)."""
    root = collection.root
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(str(root), followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if _indexable_name(name):
                yield os.path.join(dirpath, name)


def _indexable_name(name: str) -> bool:
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in INDEXED_SUFFIXES


def _in_skipped_folder(root: str, folder: str) -> bool:
    """Whether list_files, walking ``root``, never enters this folder: it or a folder on
    the way is hidden or a link."""
    if folder == root:
        return False
    current = root
    for part in os.path.relpath(folder, root).split(os.sep):
        current = os.path.join(current, part)
        if part.startswith(".") or os.path.islink(current):
            return True
    return False


def _why_not_listed(root: str, path: str) -> str | None:
    """Why list_files would not list this file under ``root`` (None if it would): the same
    rules, checked for one path without walking the folder."""
    if _in_skipped_folder(root, os.path.dirname(path)):
        return "inside a hidden or linked folder, which indexing skips"
    name = os.path.basename(path)
    if name.startswith("."):
        return "a hidden file, which indexing skips"
    if not _indexable_name(name):
        return "not a kind of document SearchApp reads"
    return None


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _has_documents_under(searcher: Searcher, folder: str) -> bool:
    """Whether the index has a path inside this folder (one look in the term list)."""
    prefix = folder.rstrip(os.sep) + os.sep
    return next(iter(searcher.reader().expand_prefix("path", prefix)), None) is not None


class _Storage(FileStorage):
    """Whoosh's file storage, remembering the files it opened, so that a writer abandoned
    after a failure (a full disk) or a damaged index that failed to open leaves no file
    open (Whoosh leaves them to the garbage collector)."""

    def create_file(self, *args, **kwargs):
        handle = super().create_file(*args, **kwargs)
        written = self.__dict__.setdefault("written", [])
        written[:] = [h for h in written if not h.is_closed]
        written.append(handle)
        return handle

    def open_file(self, *args, **kwargs):
        handle = super().open_file(*args, **kwargs)
        written = self.__dict__.setdefault("written", [])
        written[:] = [h for h in written if not h.is_closed]
        written.append(handle)
        return handle

    def temp_storage(self, name=None):
        temp = _Storage(os.path.join(self.folder, name or f"{random_name()}.tmp")).create()
        self.__dict__.setdefault("temps", []).append(temp)
        return temp

    def close_written(self) -> None:
        for storage in [self, *self.__dict__.get("temps", [])]:
            for handle in storage.__dict__.pop("written", []):
                try:
                    handle.close()
                except Exception:  # noqa: BLE001 - closing flushes, which may fail again
                    try:
                        handle.file.close()
                    except Exception:  # noqa: BLE001
                        pass


def _write_postings_arrays(index) -> None:
    """Give each segment its arrays of frequent words' postings (core/postings.py), which
    searches read instead of decoding the segment: on 100,000 articles a common word's
    first page went from about 35 ms to 6 ms. The commit that writes a segment writes
    them too (core/pool.py); this fills in any that are missing, reading them back from
    the segment (1.1 s for the 6,258 real benchmark documents)."""
    from searchapp.core import postings

    postings.write_missing(index)


def _open_writer(index, **kwargs) -> SegmentWriter:
    """A Whoosh writer whose lock is released even when creating the writer fails (its
    temporary files cannot be made on a full disk); Whoosh itself would keep the lock until
    the half-made writer is garbage collected, and the index would look busy meanwhile."""
    lock = index.lock("WRITELOCK")
    if not try_for(lock.acquire, timeout=WRITER_WAIT_SECONDS, delay=0.1):
        raise LockError
    try:
        writer = TermPoolWriter(index, _lk=False, **kwargs)
    except BaseException:
        lock.release()
        if isinstance(index.storage, _Storage):
            index.storage.close_written()
        raise
    writer.writelock = lock  # Whoosh releases it at commit or cancel
    return writer


def _abandon(writer) -> None:
    """Cancel a Whoosh writer after a failure. Cancelling closes its files, which flushes
    them and on a full disk fails again; the files, the temporary folder and the lock are
    released regardless, or the index would stay "busy" until SearchApp is restarted."""
    try:
        writer.cancel()
        return
    except Exception as exc:  # noqa: BLE001 - the first failure is the one reported
        log.warning("Cancelling the index writer failed too: %s", exc)
    storage = writer.storage
    if isinstance(storage, _Storage):
        storage.close_written()
    try:
        writer._tempstorage.destroy()
    except Exception:  # noqa: BLE001
        pass
    lock = writer.writelock
    if lock is not None and getattr(lock, "fd", None) is not None:
        lock.release()
    writer.is_closed = True


def _document_values(document: Document, collection: str, size: int, mtime: int,
                     digest: str, spell: bool = True) -> dict:
    """The field values of one document, as add_document takes them; without the spelling
    field's words when they are taken from the analysis of the title and body instead
    (batch.BatchPostings)."""
    return {
        "path": document.path,
        "title": document.title,
        "body": document.body,
        **({"spell": _distinct_words(f"{document.title}\n{document.body}")} if spell else {}),
        "date": _as_datetime(document.date),
        "dated": 1 if document.date else 0,
        "collection": collection,
        "kind": Path(document.path).suffix.lower().lstrip("."),
        "pages": list(document.pages) if document.pages else None,
        "quotes": [list(span) for span in extract_quote_spans(document.body)] or None,
        "size": size,
        "mtime": mtime,
        "digest": digest,
    }


def _read_for_index(collection: str, path_text: str,
                    batch: BatchPostings | None = None) -> tuple:
    """Read one file into field values: ("ok", path, digest, values) or ("failed", path,
    reason). With ``batch`` (worker processes), the text fields are analysed into it."""
    path = Path(path_text)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A pipe would block the read forever and a device (a link to /dev/zero) would
            # never end: only regular files are read.
            return ("failed", path_text, "not a regular file (a pipe or a device)")
        document = read_document(path)
        digest = _digest(document.text.encode("utf-8"))
    except UnreadableDocumentError as exc:
        return ("failed", path_text, str(exc).removeprefix(f"{path}: "))
    except OSError as exc:
        return ("failed", path_text, f"cannot be read ({exc.strerror})")
    values = _document_values(document, collection, info.st_size, info.st_mtime_ns, digest,
                              spell=batch is None)
    if batch is not None:
        try:
            values = batch.add_document(values)
        except UnreadableDocumentError as exc:
            return ("failed", path_text, str(exc))
    return ("ok", path_text, digest, values)


@functools.cache
def _worker_schema():
    return build_schema()


def _read_batch_for_index(batch: list[tuple[str, str]]) -> tuple[list[tuple], dict]:
    """Run in a worker process: read and analyse a batch of files. Returns each file's
    outcome, and the text fields' postings of those read (BatchPostings' columns), their
    documents numbered in the order of the outcomes, from 0."""
    from searchapp.core.batch import BatchPostings  # numpy: worker processes only

    postings = BatchPostings(_worker_schema())
    outcomes = [_read_for_index(collection, path, batch=postings)
                for collection, path in batch]
    return outcomes, postings.columns()


class Library:
    """The index of every collection, and the only way SearchApp reads or writes it."""

    def __init__(self, data_dir: Path | None = None,
                 collections: Iterable[Collection] | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.index_root = self.data_dir / "index"
        self.hidden_collections: set[str] = set()
        self._from_settings = collections is None
        self.collections = list(collections) if collections is not None else []
        self.reload_collections()
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._index: whoosh_index.Index | None = None
        self._generation: str | None = None
        self._current_stamp: tuple[int, int] | None = None
        self._searcher: Searcher | None = None
        # Why the index on disk could not be opened (damage), for the person; else None.
        self.open_problem: str | None = None

    def reload_collections(self) -> None:
        """Read the person's folders again (after `add`, `remove` or hiding the bundled
        articles). A library given explicit collections keeps them."""
        if not self._from_settings:
            return
        settings = load_settings(self.data_dir)
        collections = [Collection(BUNDLED_COLLECTION, bundled_seeds_dir())]
        collections += [Collection(str(folder), folder) for folder in settings.folders]
        self.collections = collections
        self.hidden_collections = {BUNDLED_COLLECTION} if settings.hide_bundled else set()

    # -- generations ---------------------------------------------------------------------

    @property
    def _current_file(self) -> Path:
        return self.index_root / "CURRENT"

    def _read_current(self) -> dict | None:
        try:
            data = json.loads(self._current_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("generation"), str):
            return None
        return data

    def _write_current(self, generation: str) -> None:
        record = {"generation": generation, "schema": SCHEMA_VERSION}
        temporary = self.index_root / f"CURRENT.{os.getpid()}.tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(record, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self._current_file)
        except BaseException:
            temporary.unlink(missing_ok=True)  # a full disk leaves no half-written file
            raise
        directory = os.open(self.index_root, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self._current_file.stat()
        except OSError:
            return None
        return (info.st_ino, info.st_mtime_ns)

    def _open_current(self) -> whoosh_index.Index | None:
        """Open the live generation, or return None if there is none usable (then
        ``self.open_problem`` says why, when an index was there but is damaged)."""
        self.open_problem = None
        for _attempt in range(3):
            record = self._read_current()
            if record is None:
                if self._current_file.exists():
                    self.open_problem = "its table of generations (CURRENT) is damaged"
                return None
            if record.get("schema") != SCHEMA_VERSION:
                return None
            generation_dir = self.index_root / record["generation"]
            try:
                storage = _Storage(str(generation_dir))
                index = storage.open_index(schema=self.schema)
                with index.searcher() as probe:  # reads the segment files: catches damage
                    probe.doc_count()
            except Exception as exc:  # noqa: BLE001 - any failure here means "damaged"
                if self._read_current() != record:
                    continue  # another process swapped in a new generation meanwhile
                storage.close_written()
                log.warning("The index in %s cannot be opened: %s", generation_dir, exc)
                self.open_problem = f"{type(exc).__name__}: {exc}"[:300]
                return None
            self._generation = record["generation"]
            return index
        return None

    def _index_or_none(self) -> whoosh_index.Index | None:
        with self._lock:
            stamp = self._stamp()
            if self._index is None or stamp != self._current_stamp:
                self._close_searcher()
                self._index = self._open_current()
                self._current_stamp = stamp
            return self._index

    def is_built(self) -> bool:
        """True when a usable index of the current schema exists."""
        return self._index_or_none() is not None

    # -- reading -------------------------------------------------------------------------

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher on the latest committed index, reused while it is up to date.

        Whoosh's ``Searcher.refresh()`` is never used: a new searcher is opened instead.
        """
        with self._lock:
            index = self._index_or_none()
            if index is None:
                raise IndexUnavailableError(
                    "There is no index yet. Run “searchapp index” to build it."
                )
            if self._searcher is None or not self._searcher.up_to_date():
                self._close_searcher()
                self._searcher = index.searcher(weighting=weighting())
            yield self._searcher

    def document_count(self) -> int:
        with self.searcher() as searcher:
            return searcher.doc_count()

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def _writer_lock(self, wait: float | None = None) -> Iterator[None]:
        if wait is None:
            wait = WRITER_WAIT_SECONDS  # read at call time (a default would freeze it)
        try:
            self.index_root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexUnavailableError(
                f"Cannot create the index folder {self.index_root}: {exc.strerror}."
            ) from exc
        try:
            lock = FileLock(str(self.index_root / "writer.lock"))
        except OSError as exc:
            raise IndexUnavailableError(
                f"The index folder {self.index_root} is not writable: {exc.strerror}."
            ) from exc
        deadline = time.monotonic() + wait
        while True:
            try:
                acquired = lock.acquire(blocking=False)
            except OSError as exc:
                raise IndexUnavailableError(
                    f"The index folder {self.index_root} is not writable: {exc.strerror}."
                ) from exc
            if acquired:
                break
            if time.monotonic() >= deadline:
                raise IndexBusyError(
                    "Another SearchApp window or command is updating the index. "
                    "Searching still works; try again when it has finished."
                )
            time.sleep(0.1)
        try:
            yield
        finally:
            lock.release()

    def ensure_ready(self, progress: ProgressCallback | None = None,
                     cancel: CancelCallback | None = None,
                     refresh: bool = True,
                     only: Iterable[str] | None = None) -> IndexReport:
        """Make sure a usable index exists, building it if needed; then catch up with the
        files on disk (unless refresh is False; only the named collections if given)."""
        if self._index_or_none() is None:
            problem = self.open_problem
            report = self.rebuild(progress, cancel)
            if problem:
                report.warning = (f"The index could not be read ({problem}); it has been "
                                  "rebuilt from your files.")
            return report
        if not refresh:
            return IndexReport()
        try:
            return self.refresh(progress, cancel, only=only)
        except SearchAppError as exc:
            # The existing index still answers searches; the person is told why it is stale.
            return IndexReport(warning=str(exc))

    def rebuild(self, progress: ProgressCallback | None = None,
                cancel: CancelCallback | None = None) -> IndexReport:
        """Build a complete new index aside, then make it the live one."""
        started = time.monotonic()
        with self._writer_lock():
            generation = f"g{time.time_ns():020d}"
            generation_dir = self.index_root / generation
            report = IndexReport(rebuilt=True)
            try:
                generation_dir.mkdir(parents=True)
                index = _Storage(str(generation_dir)).create_index(self.schema)
                writer = _open_writer(index, limitmb=_build_memory_mb())
                try:
                    files = [(c, p) for c in self.collections for p in list_files(c)]

                    def commit(helpers=None) -> None:
                        if progress:
                            progress(len(files), len(files), "")
                        writer.helpers = helpers
                        writer.commit(optimize=True)

                    if len(files) >= PARALLEL_MIN_FILES and (os.cpu_count() or 1) > 1:
                        self._add_files_in_parallel(writer, files, report, progress, cancel,
                                                    then=commit)
                    else:
                        for done, (collection, path) in enumerate(files):
                            if cancel and cancel():
                                report.cancelled = True
                                break
                            if progress:
                                progress(done, len(files), str(path))
                            if self._add_file(writer, collection, path, report):
                                report.added += 1
                        commit()
                except BaseException:
                    _abandon(writer)
                    raise
                _write_postings_arrays(index)
                self._write_current(generation)
            except OSError as exc:
                shutil.rmtree(generation_dir, ignore_errors=True)
                raise IndexUnavailableError(
                    f"Could not write the index in {self.index_root}: {exc.strerror}. "
                    "The previous index, if any, is unchanged."
                ) from exc
            except BaseException:
                shutil.rmtree(generation_dir, ignore_errors=True)
                raise
            self._remove_leftovers(generation)
        self._index_or_none()
        report.elapsed = time.monotonic() - started
        self._save_report(report)
        return report

    def _remove_leftovers(self, live_generation: str | None) -> None:
        """Remove what a killed or failed writer left behind; only with the writer lock held:
        generations that never went live (or were half deleted), temporary CURRENT files,
        and Whoosh's temporary folders and tables of contents in the live generation."""
        if not live_generation:
            return
        self._remove_old_generations(keep=live_generation)
        leftovers = list(self.index_root.glob("CURRENT.*.tmp"))
        live = self.index_root / live_generation
        lock = FileLock(str(live / "MAIN_WRITELOCK"))  # Whoosh's own lock, as a check
        try:
            idle = lock.acquire(blocking=False)
        except OSError:
            idle = False
        if idle:  # no Whoosh writer is using its temporary files
            lock.release()
            leftovers += [*live.glob("*.tmp"), *live.glob("_*.toc.*")]
        for entry in leftovers:
            try:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("Could not remove the leftover %s: %s", entry, exc)

    def _remove_old_generations(self, keep: str) -> None:
        for entry in self.index_root.iterdir():
            if not entry.name.startswith("g") or entry.name == keep:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:  # a damaged generation that is a file (or a link) is removed too
                try:
                    entry.unlink()
                except OSError as exc:
                    log.warning("Could not remove %s: %s", entry, exc)

    def _indexed_states(self, searcher: Searcher, collections: set[str],
                        under: Iterable[str] = ()) -> dict[str, _FileState]:
        """Path → (size, mtime, digest) of the indexed documents of some collections, read
        from columns (no stored text is loaded); with ``under``, only those inside these
        folders. Documents of collections that no longer exist are included, so they are
        removed."""
        known = {c.name for c in self.collections}
        check_names = not known <= collections
        folders = tuple(folder.rstrip(os.sep) + os.sep for folder in under)
        states = {}
        for segment, _offset in searcher.reader().leaf_readers():
            count = segment.doc_count_all()
            if count == 0:
                continue  # an empty index has no columns at all
            names = column_values(segment, "collection") if check_names else None
            paths = column_values(segment, "path")
            sizes = column_values(segment, "size")
            mtimes = column_values(segment, "mtime")
            digests = column_values(segment, "digest")
            docnums = segment.all_doc_ids() if segment.has_deletions() else range(count)
            for docnum in docnums:
                if names is not None and names[docnum] not in collections \
                        and names[docnum] in known:
                    continue
                path = paths[docnum]
                if folders and not path.startswith(folders):
                    continue
                states[path] = _FileState(sizes[docnum], mtimes[docnum], digests[docnum])
        return states

    def _indexed_states_of(self, searcher: Searcher,
                           paths: Iterable[str]) -> dict[str, _FileState]:
        """The same for just these paths, each looked up by its term: the cost is that of
        the paths, however many documents the index holds."""
        found = {path: docnum for path in paths
                 for docnum in searcher.document_numbers(path=path)}
        if not found:
            return {}
        reader = searcher.reader()
        sizes = reader.column_reader("size")
        mtimes = reader.column_reader("mtime")
        digests = reader.column_reader("digest")
        return {path: _FileState(sizes[docnum], mtimes[docnum], digests[docnum])
                for path, docnum in found.items()}

    def _writable_index(self, missing: str) -> whoosh_index.Index:
        """The live index, for a writer holding the writer lock, cleared of what a killed
        writer left behind."""
        index = self._index_or_none()
        if index is None:
            raise IndexUnavailableError(missing)
        self._remove_leftovers(self._generation)
        return index

    def _collection_of(self, path: str) -> tuple[Collection, str] | None:
        """The collection a path belongs to (of nested ones, the one refresh files it
        under) and the path as that collection's listing spells it; None when outside
        every collection. A path through a linked folder is also tried with the folder
        resolved, as collection folders are."""
        resolved = os.path.join(os.path.realpath(os.path.dirname(path)),
                                os.path.basename(path))
        for spelling in dict.fromkeys((path, resolved)):
            for collection in reversed(self.collections):
                if _inside(str(collection.root), spelling):
                    return collection, spelling
        return None

    def refresh(self, progress: ProgressCallback | None = None,
                cancel: CancelCallback | None = None,
                only: Iterable[str] | None = None) -> IndexReport:
        """Index added and changed files and drop deleted ones, touching nothing else.

        Files whose size and modification time are unchanged are skipped without being
        read; the others are compared by content hash before being re-indexed. With
        ``only``, just the named collections are looked at.
        """
        started = time.monotonic()
        report = IndexReport()
        with self._writer_lock():
            index = self._writable_index("There is no index to refresh.")
            names = set(only) if only is not None else {c.name for c in self.collections}
            with index.searcher() as searcher:
                indexed = self._indexed_states(searcher, names)
                on_disk: dict[str, Collection] = {}
                for collection in self.collections:
                    if collection.name in names:
                        on_disk.update(dict.fromkeys(list_files(collection), collection))
                written = self._write_changes(index, searcher, indexed, on_disk, report,
                                              progress, cancel)
            _write_postings_arrays(index)
        return self._finish_pass(report, started, written)

    def update_paths(self, paths: Iterable[str | os.PathLike],
                     progress: ProgressCallback | None = None,
                     cancel: CancelCallback | None = None) -> IndexReport:
        """Bring just these files up to date, for callers that know what changed (the
        folder watcher, `searchapp index FILE…`). Each is looked up in the index by its
        path, so an update costs what the files named cost, however large the index.

        A new or changed file is indexed (one touched but with the same content is only
        re-stamped), and one that is gone, or hidden or of a kind SearchApp does not read,
        leaves the index, exactly as refresh would decide. A folder stands for everything
        under it, on disk and in the index. Paths outside every collection, and files that
        indexing skips, are reported as not indexed.
        """
        started = time.monotonic()
        report = IndexReport()
        with self._writer_lock():
            index = self._writable_index("There is no index to update.")
            with index.searcher() as searcher:
                on_disk: dict[str, Collection] = {}
                files: list[str] = []
                folders: list[str] = []
                for given in dict.fromkeys(os.path.abspath(os.fspath(p)) for p in paths):
                    found = self._collection_of(given)
                    if found is None:
                        report.failed.append((given, "not inside any indexed folder"))
                        continue
                    collection, path = found
                    root = str(collection.root)
                    if os.path.isdir(path) and not os.path.islink(path):
                        folders.append(path)
                        if not _in_skipped_folder(root, path):
                            inside = Collection(collection.name, Path(path))
                            on_disk.update(dict.fromkeys(list_files(inside), collection))
                    elif _has_documents_under(searcher, path):
                        folders.append(path)  # a folder that has gone
                    else:
                        files.append(path)
                        why = _why_not_listed(root, path)
                        if why is None:
                            if os.path.lexists(path):
                                on_disk[path] = collection
                        elif os.path.lexists(path):
                            report.failed.append((path, why))
                indexed = self._indexed_states_of(searcher, files)
                # Named, but neither on disk nor in the index: most likely mistyped.
                report.failed.extend((path, "no such file or folder") for path in files
                                     if path not in indexed and not os.path.lexists(path))
                if folders:
                    known = {c.name for c in self.collections}
                    indexed.update(self._indexed_states(searcher, known, under=folders))
                written = self._write_changes(index, searcher, indexed, on_disk, report,
                                              progress, cancel)
            _write_postings_arrays(index)
        return self._finish_pass(report, started, written)

    def _finish_pass(self, report: IndexReport, started: float, written: bool) -> IndexReport:
        """Time an update or refresh, and keep its report when it changed the index."""
        report.elapsed = time.monotonic() - started
        if written:
            self._save_report(report)
        return report

    def _write_changes(self, index, searcher: Searcher, indexed: dict[str, _FileState],
                       on_disk: dict[str, Collection], report: IndexReport,
                       progress: ProgressCallback | None,
                       cancel: CancelCallback | None) -> bool:
        """Make the index match the files on disk, given what it holds of them: drop what
        has gone, index what is new or changed, commit. False if nothing needed writing.

        The commit keeps Whoosh's default merge policy: each update adds one small segment,
        and the smallest are merged together once there are enough of them for their size
        (after five one-file updates, about a dozen hundred-file ones), so the large segment of
        the last full build is never rewritten by an update.
        """
        removed = [path for path in indexed if path not in on_disk]
        candidates = []
        for path, collection in on_disk.items():
            state = indexed.get(path)
            if state is None:
                candidates.append((collection, path, False))
                continue
            try:
                info = os.stat(path)
            except OSError:
                removed.append(path)
                continue
            if info.st_size == state.size and info.st_mtime_ns == state.mtime:
                report.unchanged += 1
            else:
                candidates.append((collection, path, True))
        if not removed and not candidates:
            return False
        try:
            writer = _open_writer(index)
        except LockError as exc:
            raise IndexBusyError(
                "Another program is writing to the index; try again in a moment."
            ) from exc
        except OSError as exc:  # a read-only folder or a full disk
            raise IndexUnavailableError(
                f"Could not update the index: {exc.strerror}. "
                "The index is unchanged and still answers searches."
            ) from exc
        try:
            for path in removed:
                writer.delete_by_term("path", path, searcher=searcher)
                report.removed += 1
            for done, (collection, path, known) in enumerate(candidates):
                if cancel and cancel():
                    report.cancelled = True
                    break
                if progress:
                    progress(done, len(candidates), path)
                if known:
                    writer.delete_by_term("path", path, searcher=searcher)
                digest = self._add_file(writer, collection, path, report)
                if digest is None:
                    continue
                if not known:
                    report.added += 1
                elif digest == indexed[path].digest:
                    report.unchanged += 1  # touched, not changed: re-stamped only
                else:
                    report.updated += 1
            if progress:
                progress(len(candidates), len(candidates), "")
            writer.commit()
        except OSError as exc:
            _abandon(writer)
            raise IndexUnavailableError(
                f"Could not update the index: {exc.strerror}. "
                "The index is unchanged and still answers searches."
            ) from exc
        except BaseException:
            _abandon(writer)
            raise
        return True

    def _add_file(self, writer, collection: Collection, path: str,
                  report: IndexReport) -> str | None:
        """Add one file; return its content digest, or None (with the reason recorded)."""
        outcome = _read_for_index(collection.name, str(path))
        return self._add_read(writer, outcome, report)

    def _add_read(self, writer, outcome: tuple, report: IndexReport) -> str | None:
        """Add what _read_for_index produced (here or in a worker process)."""
        if outcome[0] == "failed":
            report.failed.append((outcome[1], outcome[2]))
            return None
        _, _, digest, values = outcome
        writer.add_document(**values)
        return digest

    def _add_files_in_parallel(self, writer, files: list[tuple[Collection, str]],
                               report: IndexReport, progress: ProgressCallback | None,
                               cancel: CancelCallback | None,
                               then: Callable[[concurrent.futures.Executor], None]) -> None:
        """Read and analyse files in worker processes (one per core) while this process,
        the single writer, adds their postings in order. At most a few batches are in
        flight, so memory stays bounded however large the folder. ``then`` (the commit) is
        given the workers, which help it once every file is read."""
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        context = multiprocessing.get_context("spawn")  # safe beside the window's threads
        pending: collections.deque = collections.deque()
        items = iter(files)
        done = 0
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            try:
                while True:
                    while len(pending) < workers * 4:
                        batch = list(itertools.islice(items, PARALLEL_BATCH))
                        if not batch:
                            break
                        future = None
                        try:
                            future = pool.submit(_read_batch_for_index,
                                                 [(c.name, str(p)) for c, p in batch])
                        except concurrent.futures.process.BrokenProcessPool:
                            pass  # read here, below
                        pending.append((batch, future))
                    if not pending:
                        break
                    batch, future = pending.popleft()
                    try:
                        outcomes, postings = (future.result() if future is not None
                                              else (None, None))
                    except concurrent.futures.process.BrokenProcessPool:
                        outcomes = postings = None
                    if outcomes is None:
                        log.warning("An indexing worker stopped; reading its files here")
                        outcomes = [_read_for_index(c.name, str(p)) for c, p in batch]
                    first = writer.docnum
                    for (_collection, path), outcome in zip(batch, outcomes, strict=True):
                        if cancel and cancel():
                            report.cancelled = True
                            break
                        if progress:
                            progress(done, len(files), str(path))
                        if self._add_read(writer, outcome, report):
                            report.added += 1
                        done += 1
                    if postings:
                        # The documents just added, in order, are the batch's.
                        writer.add_batch(first, postings, writer.docnum - first)
                    if report.cancelled:
                        break
            finally:
                for _batch, future in pending:
                    if future is not None:
                        future.cancel()
            then(pool)

    def _save_report(self, report: IndexReport) -> None:
        """Keep the files that could not be indexed, for `searchapp status` and the window."""
        record = {
            "finished": dt.datetime.now().isoformat(timespec="seconds"),
            "summary": report.summary(),
            "failed": report.failed,
        }
        try:
            temporary = self.data_dir / f"{REPORT_FILE}.{os.getpid()}.tmp"
            temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.data_dir / REPORT_FILE)
        except OSError as exc:
            log.warning("Could not save the indexing report: %s", exc)

    def last_report(self) -> dict | None:
        """What the last build or refresh recorded, or None."""
        try:
            return json.loads((self.data_dir / REPORT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        with self._lock:
            self._close_searcher()
            self._index = None
