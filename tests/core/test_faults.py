"""Faults the index survives, each provoked: SIGKILL while writing, damage on disk, stale and
contended locks, a read-only data folder, a full disk, and source files that misbehave.

The kill loops are seeded (SEARCHAPP_FAULT_SEED); SEARCHAPP_STRESS_KILLS children are killed
in all, half while building and half while updating (10 by default, for CI; 50 or more for
a stress run).
"""

from __future__ import annotations

import builtins
import errno
import gc
import io
import json
import os
import random
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from searchapp.core import index as index_module
from searchapp.core import postings
from searchapp.core.documents import read_document
from searchapp.core.errors import IndexBusyError, IndexUnavailableError
from searchapp.core.index import Collection, Library, _digest
from searchapp.core.search import search

REPO = Path(__file__).resolve().parents[2]
KILLS = -(-int(os.environ.get("SEARCHAPP_STRESS_KILLS", "10")) // 2)  # per kind of write
SEED = int(os.environ.get("SEARCHAPP_FAULT_SEED", "6"))
CORPUS_SIZE = 240
WORDS = ("river stone lantern harbor meadow copper violet thunder orchard quartz falcon "
         "ember glacier willow saffron canyon").split()



# -- a generated folder of documents ---------------------------------------------------------

def _write_doc(folder: Path, number: int, version: int, rng: random.Random) -> None:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 120)))
    (folder / f"d{number:04d}.txt").write_text(
        f"Document {number}\n\n{words} tok{number}v{version} common\n", encoding="utf-8")


def _make_corpus(folder: Path, rng: random.Random, count: int = CORPUS_SIZE) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        _write_doc(folder, number, 0, rng)


def _mutate(folder: Path, rng: random.Random, version: int) -> None:
    """Change, delete and add some documents, so a write has work of every kind."""
    existing = sorted(folder.glob("*.txt"))
    for path in rng.sample(existing, k=max(1, len(existing) // 10)):
        _write_doc(folder, int(path.stem[1:]), version, rng)
    for path in rng.sample(existing, k=max(1, len(existing) // 25)):
        path.unlink(missing_ok=True)
    top = max(int(p.stem[1:]) for p in existing)
    for number in range(top + 1, top + 1 + max(1, len(existing) // 25)):
        _write_doc(folder, number, version, rng)


def _disk_map(folder: Path) -> dict[str, str]:
    return {str(p): _digest(read_document(p).text.encode("utf-8"))
            for p in sorted(folder.glob("*.txt")) if p.is_file()}


def _indexed(library: Library) -> list[tuple[str, str]]:
    """(path, digest) of every document in the index, duplicates included."""
    with library.searcher() as searcher:
        reader = searcher.reader()
        paths, digests = reader.column_reader("path"), reader.column_reader("digest")
        pairs = []
        for docnum in reader.all_doc_ids():
            path, digest = paths[docnum], digests[docnum]
            pairs.append((path.decode() if isinstance(path, bytes) else path,
                          digest.decode() if isinstance(digest, bytes) else digest))
    return pairs


def _assert_exactly_once(library: Library, expected: dict[str, str]) -> None:
    pairs = _indexed(library)
    counts = Counter(path for path, _ in pairs)
    assert not [p for p, n in counts.items() if n > 1], "documents indexed twice"
    assert dict(pairs) == expected
    assert library.document_count() == len(expected)


def _assert_no_leftovers(library: Library) -> None:
    record = json.loads((library.index_root / "CURRENT").read_text())
    entries = {p.name for p in library.index_root.iterdir()}
    assert entries <= {"CURRENT", "writer.lock", record["generation"]}, entries
    live = library.index_root / record["generation"]
    stray = [p.name for p in live.iterdir() if p.name.endswith(".tmp") or ".toc." in p.name]
    assert not stray, stray


# -- killed while writing --------------------------------------------------------------------

def _child(data: Path, docs: Path, mode: str, target: str = "") -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.core.fault_child", str(data), str(docs), mode, target],
        cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def _run_child(data: Path, docs: Path, mode: str, target: str = "",
               delay: float | None = None) -> tuple[bool, dict]:
    """Run one write in a child; return (was it killed, kill-point counts if it finished)."""
    child = _child(data, docs, mode, target)
    assert child.stdout.readline().strip() == "go", child.stderr.read()
    if delay is not None:
        try:
            child.wait(timeout=delay)  # the random moment of the kill, not a wait for a state
        except subprocess.TimeoutExpired:
            child.kill()  # SIGKILL
    out, err = child.communicate(timeout=120)
    if child.returncode == -9:
        return True, {}
    assert child.returncode == 0, err
    return False, json.loads(out.strip().splitlines()[-1])


@pytest.mark.stress
@pytest.mark.parametrize("mode", ["rebuild", "refresh"])
def test_killed_writer_leaves_old_or_new_index_never_a_mix(tmp_path, mode):
    rng = random.Random(f"{SEED}-{mode}")
    docs, data = tmp_path / "docs", tmp_path / "data"
    _make_corpus(docs, rng)
    killed_build, counts = _run_child(data, docs, "rebuild")  # first build, uninterrupted
    assert not killed_build
    old = _disk_map(docs)
    if mode == "refresh":  # the kill points an uninterrupted refresh reaches
        _mutate(docs, rng, 1)
        killed_refresh, counts = _run_child(data, docs, "refresh")
        assert not killed_refresh
        old = _disk_map(docs)
    durations_hint = 1.5  # seconds: long enough to reach commit on a slow machine
    kills = 0
    for trial in range(KILLS):
        fresh = mode == "rebuild" and trial % 5 == 4  # the very first build killed
        if fresh:
            shutil.rmtree(data)
            old = None
        _mutate(docs, rng, trial + 2)
        new = _disk_map(docs)
        if trial % 4 == 3:  # a kill after a random delay, as a crash would come
            was_killed, _ = _run_child(data, docs, mode, delay=rng.uniform(0, durations_hint))
        else:  # a kill at a random one of the points every write goes through
            point = rng.choice(sorted(k for k, v in counts.items() if v))
            target = f"{point}:{rng.randint(1, counts[point])}"
            was_killed, _ = _run_child(data, docs, mode, target)
        kills += was_killed

        library = Library(data, collections=[Collection("docs", docs)])
        if old is not None:
            assert library.is_built(), "the old index must survive a killed write"
        if library.is_built():
            pairs = dict(_indexed(library))
            assert len(pairs) == len(_indexed(library)), "documents indexed twice"
            assert pairs in (old, new), "a mix of the old and the new index"
            assert search(library, "common").total == len(pairs)
        report = library.ensure_ready()
        assert report.warning is None, report.warning  # no lock left held, nothing stale
        _assert_exactly_once(library, new)
        _assert_no_leftovers(library)
        some = rng.choice(sorted(new))
        token = read_document(Path(some)).body.split()[-2]
        assert [h.path for h in search(library, token).hits] == [some]
        library.close()
        old = new
    print(f"\n{mode}: {kills} of {KILLS} children killed mid-write, 0 documents lost")
    assert kills >= KILLS // 2  # most trials really did die mid-write


# -- a damaged index -------------------------------------------------------------------------

def _damage_truncate_segments(generation: Path) -> None:
    for path in generation.glob("*.seg"):
        with open(path, "r+b") as handle:
            handle.truncate(path.stat().st_size // 2)


def _damage_toc(generation: Path) -> None:
    for path in generation.glob("*.toc"):
        path.write_bytes(b"\x00garbage table of contents" * 10)


def _damage_missing_segments(generation: Path) -> None:
    for path in generation.glob("*.seg"):
        path.unlink()


def _damage_missing_toc(generation: Path) -> None:
    for path in generation.glob("*.toc"):
        path.unlink()


def _damage_not_an_index(generation: Path) -> None:
    shutil.rmtree(generation)
    generation.mkdir()
    (generation / "notes.txt").write_text("this folder is not an index")


def _damage_current_garbage(generation: Path) -> None:
    (generation.parent / "CURRENT").write_bytes(b"\xff\xfe{not json")


def _damage_current_missing_generation(generation: Path) -> None:
    shutil.rmtree(generation)


def _damage_generation_is_a_file(generation: Path) -> None:
    shutil.rmtree(generation)
    generation.write_bytes(b"not a folder")


DAMAGES = {
    "truncated-segments": _damage_truncate_segments,
    "garbage-toc": _damage_toc,
    "missing-segments": _damage_missing_segments,
    "missing-toc": _damage_missing_toc,
    "not-an-index": _damage_not_an_index,
    "garbage-CURRENT": _damage_current_garbage,
    "CURRENT-names-missing-generation": _damage_current_missing_generation,
    "generation-is-a-file": _damage_generation_is_a_file,
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_index_is_detected_and_rebuilt_with_a_message(tmp_path, damage):
    rng = random.Random(SEED)
    docs = tmp_path / "docs"
    _make_corpus(docs, rng, count=30)
    library = Library(tmp_path / "data", collections=[Collection("docs", docs)])
    library.ensure_ready()
    library.close()
    record = json.loads((library.index_root / "CURRENT").read_text())
    DAMAGES[damage](library.index_root / record["generation"])

    fresh = Library(tmp_path / "data", collections=[Collection("docs", docs)])
    assert not fresh.is_built()
    assert fresh.open_problem, "the reason the index could not be used is available"
    with pytest.raises(IndexUnavailableError):
        search(fresh, "common")  # a plain message, not a Whoosh traceback
    report = fresh.ensure_ready()
    assert report.rebuilt and report.warning and "rebuilt" in report.warning
    _assert_exactly_once(fresh, _disk_map(docs))
    _assert_no_leftovers(fresh)
    assert search(fresh, "common").total == 30


def test_index_folder_that_is_a_file_gives_a_clear_message(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "index").write_text("a file where the index folder should be")
    library = Library(tmp_path / "data", collections=[Collection("docs", tmp_path)])
    assert not library.is_built()
    with pytest.raises(IndexUnavailableError, match="index folder"):
        library.ensure_ready()


# -- locks -----------------------------------------------------------------------------------

def test_lock_of_a_killed_writer_is_recovered(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "WRITER_WAIT_SECONDS", 0.2)
    docs, data = tmp_path / "docs", tmp_path / "data"
    _make_corpus(docs, random.Random(SEED), count=20)
    library = Library(data, collections=[Collection("docs", docs)])
    library.ensure_ready()
    holder = _child(data, docs, "hold-lock")
    try:
        assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
        _write_doc(docs, 500, 1, random.Random(1))
        with pytest.raises(IndexBusyError) as busy:
            library.refresh()
        assert "Searching still works" in str(busy.value)
        with pytest.raises(IndexBusyError):
            library.rebuild()
        assert "updating the index" in library.ensure_ready().warning
        assert search(library, "common").total == 20  # reading never waits for the writer
    finally:
        holder.kill()  # SIGKILL: the lock file stays on disk, the lock dies with the process
        holder.communicate()
    assert (data / "index" / "writer.lock").exists()
    assert library.refresh().added == 1  # no waiting, no manual clean-up
    assert search(library, "common").total == 21


def test_one_writer_at_a_time_while_others_search(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "WRITER_WAIT_SECONDS", 0.1)
    docs, data = tmp_path / "docs", tmp_path / "data"
    _make_corpus(docs, random.Random(SEED), count=20)
    writer_side = Library(data, collections=[Collection("docs", docs)])
    writer_side.ensure_ready()
    reader_side = Library(data, collections=[Collection("docs", docs)])
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def progress(done, total, current):
        if not inside.is_set():
            inside.set()
            release.wait(30)

    def rebuild():
        try:
            writer_side.rebuild(progress=progress)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert inside.wait(30)
        for attempt in (reader_side.refresh, reader_side.rebuild):
            with pytest.raises(IndexBusyError):
                attempt()
        assert search(reader_side, "common").total == 20
        assert reader_side.ensure_ready().warning
    finally:
        release.set()
        thread.join(60)
    assert not errors
    assert search(reader_side, "common").total == 20  # sees the swapped-in generation


def test_whoosh_lock_held_elsewhere_is_index_busy_not_lock_error(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "WRITER_WAIT_SECONDS", 0.1)
    docs, data = tmp_path / "docs", tmp_path / "data"
    _make_corpus(docs, random.Random(SEED), count=10)
    library = Library(data, collections=[Collection("docs", docs)])
    library.ensure_ready()
    _write_doc(docs, 99, 1, random.Random(2))
    outside = library._index_or_none().writer()  # a writer that bypassed SearchApp's lock
    try:
        with pytest.raises(IndexBusyError):
            library.refresh()
        assert library.ensure_ready().warning
    finally:
        outside.cancel()
    assert library.refresh().added == 1


def test_a_generation_swapped_in_while_opening_is_not_mistaken_for_damage(tmp_path,
                                                                          monkeypatch):
    docs, data = tmp_path / "docs", tmp_path / "data"
    _make_corpus(docs, random.Random(SEED), count=10)
    Library(data, collections=[Collection("docs", docs)]).ensure_ready()
    other = Library(data, collections=[Collection("docs", docs)])
    reader = Library(data, collections=[Collection("docs", docs)])
    original = index_module.FileStorage.open_index
    calls = []

    def open_index(self, *args, **kwargs):
        if not calls:  # another process rebuilds (and removes this generation) right now
            calls.append(1)
            other.rebuild()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(index_module.FileStorage, "open_index", open_index)
    assert reader.is_built() and reader.open_problem is None
    assert search(reader, "common").total == 10


# -- read-only data folder and full disk -----------------------------------------------------

class _FullDisk:
    """A file whose writes fail with ENOSPC once the shared budget of bytes is spent."""

    def __init__(self, handle, budget: list[int]) -> None:
        self._handle, self._budget = handle, budget

    def write(self, data):
        if self._budget[0] is not None:
            if len(data) > self._budget[0]:
                self._budget[0] = 0
                raise OSError(errno.ENOSPC, "No space left on device")
            self._budget[0] -= len(data)
        return self._handle.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def __iter__(self):
        return iter(self._handle)

    def __getattr__(self, name):
        return getattr(self._handle, name)


def _under(path, root: Path) -> bool:
    try:
        return isinstance(path, (str, os.PathLike)) and \
            os.path.abspath(os.fspath(path)).startswith(str(root))
    except TypeError:
        return False


def _inject_fs_faults(monkeypatch, root: Path, kind: str, budget: list | None = None) -> None:
    """Make writes under ``root`` fail as they would on a read-only or full file system.

    kind "erofs": every write fails (a read-only mount; also what chmod does for non-root).
    kind "eacces": the folders are read-only (no file can be created, renamed or deleted)
    but existing files can still be opened for writing, as after ``chmod a-w`` on folders.
    kind "enospc": writes succeed until ``budget[0]`` bytes are spent, then fail.
    """
    real_open, real_os_open = builtins.open, os.open
    code = errno.EROFS if kind == "erofs" else errno.EACCES

    def refuse(path):
        raise OSError(code, os.strerror(code), os.fspath(path))

    def fake_open(file, mode="r", *args, **kwargs):
        writing = any(c in mode for c in "wax+")
        if writing and _under(file, root):
            if kind == "erofs" or (kind == "eacces" and not os.path.exists(file)):
                refuse(file)
            handle = real_open(file, mode, *args, **kwargs)
            return _FullDisk(handle, budget) if kind == "enospc" else handle
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path, flags, *args, **kwargs):
        if _under(path, root) and kind != "enospc" and kwargs.get("dir_fd") is None:
            creates = flags & os.O_CREAT and not os.path.exists(path)
            writes = flags & (os.O_WRONLY | os.O_RDWR)
            if creates or (kind == "erofs" and writes):
                refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def entry_change(real):
        def changed(path, *args, **kwargs):
            if kind != "enospc" and (_under(path, root) or kwargs.get("dir_fd") is not None):
                refuse(path)
            return real(path, *args, **kwargs)
        return changed

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    for name in ("mkdir", "rename", "replace", "remove", "unlink", "rmdir"):
        monkeypatch.setattr(os, name, entry_change(getattr(os, name)))


def _root_ignores_chmod(folder: Path) -> bool:
    probe = folder / "probe"
    folder.chmod(0o555)
    try:
        probe.write_text("x")
        probe.unlink()
        return True
    except PermissionError:
        return False
    finally:
        folder.chmod(0o755)


def _built(tmp_path: Path, count: int = 40) -> tuple[Library, Path, dict[str, str]]:
    docs = tmp_path / "docs"
    _make_corpus(docs, random.Random(SEED), count=count)
    library = Library(tmp_path / "data", collections=[Collection("docs", docs)])
    library.ensure_ready()
    return library, docs, _disk_map(docs)


def _assert_still_serving(library: Library, expected: dict[str, str], generation: str):
    assert json.loads((library.index_root / "CURRENT").read_text())["generation"] == generation
    assert dict(_indexed(library)) == expected
    assert search(library, "common").total == len(expected)
    assert not list(library.index_root.glob("CURRENT.*"))


@pytest.mark.parametrize("kind", ["erofs", "eacces", "chmod"])
def test_read_only_data_folder(tmp_path, monkeypatch, kind):
    library, docs, before = _built(tmp_path)
    generation = json.loads((library.index_root / "CURRENT").read_text())["generation"]
    _mutate(docs, random.Random(3), 1)
    if kind == "chmod":
        if _root_ignores_chmod(library.data_dir):
            pytest.skip("running as root: chmod does not stop writes (the other kinds "
                        "simulate it)")
        for folder in [library.data_dir, *library.data_dir.rglob("*")]:
            folder.chmod(0o555 if folder.is_dir() else 0o444)
    else:
        _inject_fs_faults(monkeypatch, library.data_dir, kind)
    try:
        with pytest.raises(IndexUnavailableError, match="writ|index folder|Permission denied"):
            library.refresh()
        with pytest.raises(IndexUnavailableError):
            library.rebuild()
        report = library.ensure_ready()
        assert report.warning and "still answers searches" in report.warning \
            or "not writable" in report.warning
        _assert_still_serving(library, before, generation)
        fresh = Library(library.data_dir, collections=library.collections)
        assert search(fresh, "common").total == len(before)
    finally:
        monkeypatch.undo()
        if kind == "chmod":
            for folder in [library.data_dir, *library.data_dir.rglob("*")]:
                folder.chmod(0o755 if folder.is_dir() else 0o644)
    library.ensure_ready()
    _assert_exactly_once(library, _disk_map(docs))


def test_first_use_in_a_read_only_folder_says_so(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    _make_corpus(docs, random.Random(SEED), count=5)
    (tmp_path / "data").mkdir()
    _inject_fs_faults(monkeypatch, tmp_path / "data", "erofs")
    library = Library(tmp_path / "data", collections=[Collection("docs", docs)])
    with pytest.raises(IndexUnavailableError, match="Read-only file system"):
        library.ensure_ready()
    assert not library.is_built()


def _bytes_written(monkeypatch, library: Library, action) -> int:
    budget = [10**12]
    _inject_fs_faults(monkeypatch, library.index_root, "enospc", budget)
    action()
    monkeypatch.undo()
    return 10**12 - budget[0]


# After a failed commit Whoosh leaves the segment readers it opened for merging to the
# garbage collector; their files are closed then, with a ResourceWarning.
_GC_CLOSES_READERS = pytest.mark.filterwarnings(
    "ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")


FRACTIONS = [0.0, 0.01, 0.2, 0.5, 0.8, 0.95, 0.999]


@_GC_CLOSES_READERS
@pytest.mark.parametrize("fraction", FRACTIONS)
def test_disk_full_during_rebuild_keeps_the_old_index(tmp_path, monkeypatch, fraction):
    library, docs, before = _built(tmp_path)
    generation = json.loads((library.index_root / "CURRENT").read_text())["generation"]
    # How much a rebuild writes, measured on a copy, so the disk fills at a chosen point.
    shutil.copytree(library.data_dir, tmp_path / "measure")
    measure = Library(tmp_path / "measure", collections=library.collections)
    total = _bytes_written(monkeypatch, measure, measure.rebuild)
    _inject_fs_faults(monkeypatch, library.index_root, "enospc", [int(total * fraction)])
    with pytest.raises(IndexUnavailableError, match="No space left") as full:
        library.rebuild()
    assert "unchanged" in str(full.value)
    _assert_still_serving(library, before, generation)
    assert {p.name for p in library.index_root.iterdir()} <= {"CURRENT", "writer.lock",
                                                               generation}
    monkeypatch.undo()
    assert library.rebuild().rebuilt
    _assert_exactly_once(library, before)
    gc.collect()


@_GC_CLOSES_READERS
@pytest.mark.parametrize("fraction", FRACTIONS)
def test_disk_full_during_refresh_keeps_the_index_answering(tmp_path, monkeypatch, fraction):
    library, docs, before = _built(tmp_path)
    generation = json.loads((library.index_root / "CURRENT").read_text())["generation"]
    _mutate(docs, random.Random(4), 1)
    shutil.copytree(library.data_dir, tmp_path / "measure")
    measure = Library(tmp_path / "measure", collections=library.collections)
    # The commit's writes only: the postings arrays that follow it are optional (their own
    # test is below).
    monkeypatch.setattr(index_module, "_write_postings_arrays", lambda index: None)
    total = _bytes_written(monkeypatch, measure, measure.refresh)
    monkeypatch.setattr(index_module, "_write_postings_arrays", lambda index: None)
    _inject_fs_faults(monkeypatch, library.index_root, "enospc", [int(total * fraction)])
    with pytest.raises(IndexUnavailableError, match="No space left"):
        library.refresh()
    report = library.ensure_ready()
    assert "No space left" in report.warning and "still answers" in report.warning
    _assert_still_serving(library, before, generation)
    monkeypatch.undo()
    library.ensure_ready()
    _assert_exactly_once(library, _disk_map(docs))
    _assert_no_leftovers(library)
    gc.collect()


@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.99])
def test_disk_full_while_writing_postings_arrays(tmp_path, monkeypatch, caplog, fraction):
    # The arrays are a faster copy of what the segment holds: failing to write them loses
    # nothing, leaves no partial file, and the next indexing pass writes them.
    monkeypatch.setattr(postings, "MIN_DOCS", 2)
    library, docs, before = _built(tmp_path)
    (arrays,) = library.index_root.glob(f"*/*{postings.SUFFIX}")
    expected = [(h.path, h.score) for h in search(library, "common", limit=100).hits]
    size = arrays.stat().st_size
    arrays.unlink()
    _inject_fs_faults(monkeypatch, library.index_root, "enospc", [int(size * fraction)])
    with caplog.at_level("WARNING"):
        library.refresh()
    assert "No space left" in caplog.text
    assert not list(library.index_root.glob(f"*/*{postings.SUFFIX}*"))
    monkeypatch.undo()
    postings._opened.clear()
    assert [(h.path, h.score) for h in search(library, "common", limit=100).hits] == expected
    monkeypatch.setattr(postings, "MIN_DOCS", 2)
    library.refresh()
    assert list(library.index_root.glob(f"*/*{postings.SUFFIX}")) == [arrays]
    assert arrays.stat().st_size == size
    _assert_exactly_once(library, before)


# -- source files that misbehave -------------------------------------------------------------

def test_files_vanishing_or_changing_between_listing_and_reading(tmp_path, monkeypatch):
    library, docs, _ = _built(tmp_path, count=30)
    real_list = index_module.list_files
    paths = sorted(docs.glob("*.txt"))
    vanished, changed, replaced = paths[0], paths[1], paths[2]
    added_late = docs / "late.txt"

    def racing_list(collection):
        listed = list(real_list(collection))
        vanished.unlink()
        changed.write_text("Changed\n\nfreshly rewritten zucchini", encoding="utf-8")
        replaced.unlink()
        replaced.mkdir()  # a folder now has the name the file had
        added_late.write_text("Late\n\narrived after the listing", encoding="utf-8")
        return iter(listed)

    for action in ("rebuild", "refresh"):
        if action == "refresh":
            shutil.rmtree(replaced)
            _make_corpus(docs, random.Random(SEED), count=3)  # bring the three back
            library.refresh()
        monkeypatch.setattr(index_module, "list_files", racing_list)
        report = getattr(library, action)()
        monkeypatch.undo()
        failed = dict(report.failed)
        assert str(replaced) in failed
        if action == "rebuild":
            assert "No such file" in failed[str(vanished)]
        assert [h.path for h in search(library, "zucchini").hits] == [str(changed)]
        library.ensure_ready()  # catches up with whatever happened meanwhile
        _assert_exactly_once(library, _disk_map(docs))


def test_file_changing_between_stat_and_read_is_caught_up(tmp_path, monkeypatch):
    library, docs, _ = _built(tmp_path, count=10)
    target = sorted(docs.glob("*.txt"))[0]
    target.write_text("Edited\n\nfirst edit", encoding="utf-8")
    real_read = index_module.read_document

    def edited_meanwhile(path):
        if path == target:
            path.write_text("Edited\n\nsecond edit, a longer one", encoding="utf-8")
        return real_read(path)

    monkeypatch.setattr(index_module, "read_document", edited_meanwhile)
    library.refresh()
    monkeypatch.undo()
    library.refresh()
    _assert_exactly_once(library, _disk_map(docs))
    assert [h.path for h in search(library, "longer").hits] == [str(target)]


def test_permission_denied_is_reported_and_the_rest_indexed(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    _make_corpus(docs, random.Random(SEED), count=10)
    secret = docs / "secret.txt"
    secret.write_text("Secret\n\nclassified", encoding="utf-8")
    secret.chmod(0)
    if os.access(secret, os.R_OK):  # root reads anything: refuse it the way the OS would
        real_open, real_os_open, real_read_bytes = builtins.open, os.open, Path.read_bytes

        def denied(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))

        monkeypatch.setattr(builtins, "open", lambda f, *a, **k: denied(f)
                            if os.fspath(f) == str(secret) else real_open(f, *a, **k))
        monkeypatch.setattr(io, "open", builtins.open)
        monkeypatch.setattr(os, "open", lambda f, *a, **k: denied(f)
                            if os.fspath(f) == str(secret) else real_os_open(f, *a, **k))
        monkeypatch.setattr(Path, "read_bytes", lambda p: denied(p)
                            if str(p) == str(secret) else real_read_bytes(p))
    library = Library(tmp_path / "data", collections=[Collection("docs", docs)])
    report = library.ensure_ready()
    assert "Permission denied" in dict(report.failed)[str(secret)]
    assert library.document_count() == 10
    assert library.refresh().failed  # still reported, never indexed twice or half
    assert library.document_count() == 10


def test_symlink_loops_and_special_files_are_skipped(tmp_path):
    docs = tmp_path / "docs"
    _make_corpus(docs, random.Random(SEED), count=5)
    (docs / "a.txt").symlink_to(docs / "b.txt")
    (docs / "b.txt").symlink_to(docs / "a.txt")
    (docs / "self.txt").symlink_to(docs / "self.txt")
    (docs / "sub").mkdir()
    (docs / "sub" / "up").symlink_to(docs, target_is_directory=True)  # a folder loop
    (docs / "dangling.txt").symlink_to(docs / "nowhere.txt")
    os.mkfifo(docs / "pipe.txt")  # reading a pipe would block forever
    (docs / "zero.txt").symlink_to("/dev/zero")  # and this one would never end
    library = Library(tmp_path / "data", collections=[Collection("docs", docs)])
    report = library.ensure_ready()
    failed = dict(report.failed)
    for name in ("a.txt", "b.txt", "self.txt"):
        assert "symbolic links" in failed[str(docs / name)]
    assert "No such file" in failed[str(docs / "dangling.txt")]
    assert "not a regular file" in failed[str(docs / "pipe.txt")]
    assert "not a regular file" in failed[str(docs / "zero.txt")]
    assert library.document_count() == 5
    assert library.refresh().added == 0 and library.document_count() == 5
