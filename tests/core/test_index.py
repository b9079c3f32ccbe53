"""Building aside, swapping, incremental refresh, and an index that cannot be used."""

import json
import os

import pytest

from searchapp.core import index as index_module
from searchapp.core.errors import IndexBusyError
from searchapp.core.index import Collection, Library
from searchapp.core.search import search
from tests.core.conftest import names


def _generations(library: Library) -> list[str]:
    return sorted(p.name for p in library.index_root.iterdir() if p.is_dir())


def test_first_use_builds_and_records_the_live_generation(tmp_path):
    library = Library(tmp_path)
    report = library.ensure_ready()
    assert report.rebuilt and report.added == 5 and not report.failed
    current = json.loads((library.index_root / "CURRENT").read_text())
    assert _generations(library) == [current["generation"]]
    assert library.document_count() == 5


def test_rebuild_swaps_in_a_new_generation_and_removes_the_old(tmp_path):
    library = Library(tmp_path)
    library.ensure_ready()
    before = _generations(library)
    library.rebuild()
    after = _generations(library)
    assert len(after) == 1 and after != before
    assert search(library, "Clooney").total == 1


def test_failed_rebuild_leaves_the_old_index_serving(tmp_path, monkeypatch):
    library = Library(tmp_path)
    library.ensure_ready()
    before = _generations(library)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Library, "_add_read", broken)
    with pytest.raises(Exception, match="No space left"):
        library.rebuild()
    assert _generations(library) == before
    assert search(library, "Clooney").total == 1


def test_schema_change_triggers_a_rebuild(tmp_path, monkeypatch):
    Library(tmp_path).ensure_ready()
    monkeypatch.setattr(index_module, "SCHEMA_VERSION", index_module.SCHEMA_VERSION + 1)
    library = Library(tmp_path)
    assert not library.is_built()
    assert library.ensure_ready().rebuilt


def test_refresh_follows_added_changed_renamed_and_deleted_files(tmp_path, make_library):
    library = make_library({"a.txt": "Alpha\n\nfirst apple", "b.txt": "Beta\n\nbanana"})
    folder = tmp_path / "docs"
    (folder / "c.txt").write_text("Gamma\n\ncherry apple", encoding="utf-8")
    (folder / "a.txt").write_text("Alpha\n\nnow apricot", encoding="utf-8")
    (folder / "b.txt").rename(folder / "renamed.txt")
    report = library.refresh()
    assert (report.added, report.updated, report.removed) == (2, 1, 1)
    assert sorted(names(search(library, "apple"))) == ["c.txt"]
    assert names(search(library, "apricot")) == ["a.txt"]
    assert names(search(library, "banana")) == ["renamed.txt"]
    assert library.document_count() == 3
    (folder / "c.txt").unlink()
    assert library.refresh().removed == 1
    assert search(library, "cherry").total == 0


def test_unchanged_files_are_not_read_again(make_library, monkeypatch):
    library = make_library({"a.txt": "Alpha\n\napple"})
    monkeypatch.setattr(index_module, "read_document",
                        lambda path: pytest.fail(f"re-read {path}"))
    report = library.refresh()
    assert report.unchanged == 1 and report.added == report.updated == 0


def test_touched_file_with_same_content_counts_as_unchanged(tmp_path, make_library):
    library = make_library({"a.txt": "Alpha\n\napple"})
    path = tmp_path / "docs" / "a.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    report = library.refresh()
    assert report.unchanged == 1 and report.updated == 0
    assert library.document_count() == 1


def test_unreadable_files_are_reported_and_the_rest_indexed(make_library):
    library = make_library({"good.txt": "Good\n\nfine text", "bad.txt": b"\x00\x01\x02binary"})
    assert library.document_count() == 1
    assert names(search(library, "fine")) == ["good.txt"]


def test_damaged_index_is_detected_and_rebuilt(tmp_path):
    library = Library(tmp_path)
    library.ensure_ready()
    library.close()
    generation = library.index_root / _generations(library)[0]
    for segment_file in generation.glob("*.seg"):
        segment_file.write_bytes(b"garbage")
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"not a table of contents")
    fresh = Library(tmp_path)
    assert not fresh.is_built()
    assert fresh.ensure_ready().rebuilt
    assert search(fresh, "Clooney").total == 1


def test_second_writer_is_told_the_index_is_busy(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "WRITER_WAIT_SECONDS", 0.2)
    first, second = Library(tmp_path), Library(tmp_path)
    first.ensure_ready()
    with first._writer_lock():
        with pytest.raises(IndexBusyError, match="updating the index"):
            second.refresh()
        # Searching still works while another process writes.
        assert search(second, "Clooney").total == 1
        assert "updating the index" in second.ensure_ready().warning


def test_missing_collection_folder_leaves_an_empty_index(tmp_path):
    library = Library(tmp_path / "data", collections=[Collection("gone", tmp_path / "nope")])
    assert library.ensure_ready().rebuilt
    assert search(library, "").total == 0


def test_parallel_build_indexes_exactly_what_a_serial_one_does(tmp_path, monkeypatch):
    serial = Library(tmp_path / "serial")
    serial.ensure_ready()
    monkeypatch.setattr(index_module, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(index_module, "PARALLEL_BATCH", 2)
    parallel = Library(tmp_path / "parallel")
    report = parallel.ensure_ready()
    assert report.added == 5 and not report.failed
    for query in ("pull", '"kiss the ring"', "Clooney", ""):
        first, second = search(serial, query), search(parallel, query)
        assert [(h.path, h.snippet, h.matches) for h in first.hits] == \
            [(h.path, h.snippet, h.matches) for h in second.hits]
        assert first.total == second.total


def test_what_change_detection_compares_is_kept_as_columns_not_words(seeds_library):
    # Read a document at a time, never searched: as index words these only cost build time.
    with seeds_library.searcher() as searcher:
        reader = searcher.reader()
        assert {"title", "body", "path", "date"} <= set(reader.indexed_field_names())
        assert not {"size", "mtime", "digest", "dated"} & set(reader.indexed_field_names())
        paths, sizes, mtimes, dated = (reader.column_reader(name)
                                       for name in ("path", "size", "mtime", "dated"))
        for docnum in range(reader.doc_count_all()):
            info = os.stat(paths[docnum])
            assert (sizes[docnum], mtimes[docnum]) == (info.st_size, info.st_mtime_ns)
            assert dated[docnum] == (searcher.stored_fields(docnum).get("date") is not None)


def test_opening_the_index_does_not_copy_its_segments_into_memory(seeds_library):
    # The compound segment is read through its memory map, except for the postings and
    # the stored fields, which are read with pread (searchapp.core.compat).
    from whoosh.filedb import compound

    from searchapp.core import compat

    assert compound.BufferFile is compat._MappedSubFile
    with seeds_library.searcher() as searcher:
        reader = searcher.reader()
        assert isinstance(reader._terms._dbfile.file, compat._ViewFile)  # the term list
        assert isinstance(reader._terms._postfile.file, compat._ReadFile)
        stored = reader._perdoc._cached_reader("_stored", None)._child._dbfile
        assert isinstance(stored.file, compat._ReadFile)
    assert search(seeds_library, '"kiss the ring"').total == 2


def test_reading_with_pread_gives_what_the_memory_map_gives(seeds_library, monkeypatch):
    from searchapp.core import compat

    def read_everything():
        seeds_library._close_searcher()
        with seeds_library.searcher() as searcher:
            stored = [searcher.stored_fields(d) for d in range(searcher.doc_count_all())]
        results = [search(seeds_library, q) for q in
                   ("baldwin", '"kiss the ring"', "armorer OR hutchins", "safe* gun~")]
        return stored, [(r.total, [(h.path, h.snippet) for h in r.hits]) for r in results]

    read = read_everything()
    monkeypatch.setattr(compat, "READ_NOT_MAPPED", ())
    mapped = read_everything()
    seeds_library._close_searcher()
    assert read == mapped
    assert read[1][0][0] == 5  # every bundled article mentions Baldwin


def test_without_a_file_handle_to_spare_the_index_is_read_through_its_map(seeds_library,
                                                                         monkeypatch):
    from searchapp.core import compat

    def no_handle_left(fd):
        raise OSError(24, "Too many open files")

    seeds_library._close_searcher()
    monkeypatch.setattr(compat.os, "dup", no_handle_left)
    with seeds_library.searcher() as searcher:
        assert isinstance(searcher.reader()._terms._postfile.file, compat._ViewFile)
    assert search(seeds_library, '"kiss the ring"').total == 2
    seeds_library._close_searcher()


def test_a_closed_searcher_leaves_no_index_file_open(seeds_library):
    def open_files():
        return len(os.listdir("/proc/self/fd"))

    def open_and_close():
        with seeds_library.searcher() as searcher:
            searcher.stored_fields(0)
        seeds_library._close_searcher()

    # The last closed searcher's memory map may outlive it a little (Whoosh leaves it to
    # the garbage collector while pieces of it are in use), so the count is taken after one.
    open_and_close()
    before = open_files()
    for _ in range(5):
        open_and_close()
    assert open_files() == before


def test_read_file_reads_as_a_plain_file_does(tmp_path, monkeypatch):
    import io
    import pickle
    import random
    import struct

    from searchapp.core import compat

    monkeypatch.setattr(compat, "READ_AHEAD", 64)
    data = bytes(random.Random(5).randrange(256) for _ in range(3000))
    path = tmp_path / "segment"
    path.write_bytes(b"x" * 100 + data + b"y" * 100)
    fd = os.open(path, os.O_RDONLY)
    try:
        ours, plain = compat._ReadFile(fd, 100, len(data)), io.BytesIO(data)
        steps = random.Random(6)
        for _ in range(2000):
            if steps.random() < 0.3:
                where = steps.randrange(len(data) + 10)
                assert ours.seek(where) == plain.seek(where)
            if steps.random() < 0.2:  # a look ahead, as the unpickler takes, moves nothing
                where = plain.tell()
                ahead = ours.peek(steps.choice([1, 100]))
                assert ahead == data[where:where + len(ahead)]
                assert ahead or where >= len(data)
                assert ours.tell() == where
            if steps.random() < 0.2:  # a read at a position, as for stored fields, too
                where, size = steps.randrange(len(data) + 10), steps.choice([1, 50, 100])
                assert ours.get(where, size) == data[where:where + size]
                assert ours.tell() == plain.tell()
            size = steps.choice([-1, 0, 1, 4, 63, 64, 65, 200, 5000])
            assert ours.read(size) == plain.read(size)
            assert ours.tell() == plain.tell()
        # Postings block headers are pickles, read through the look ahead.
        headers = [(n, n * 1000, 0.5, n % 2, 3, 200) for n in range(0, 300, 7)]
        pickled = b"".join(pickle.dumps(header, 2) for header in headers)
        (tmp_path / "postings").write_bytes(b"x" * 100 + pickled)
        postings = os.open(tmp_path / "postings", os.O_RDONLY)
        try:
            for part in (compat._ReadFile(postings, 100, len(pickled)),
                         compat._ViewFile(pickled)):
                assert [pickle.load(part) for _ in headers] == headers
                assert part.tell() == len(pickled)
        finally:
            os.close(postings)
        numbers = compat._ReadSubFile(compat._ReadFile(fd, 100, len(data)))
        assert list(numbers.get_array(8, "i", 10)) == list(struct.unpack("!10i", data[8:48]))
        ours.seek(len(data) - 3)
        assert ours.readline() == data[-3:].split(b"\n")[0] + (b"\n" if b"\n" in data[-3:] else b"")
        broken = compat._ReadFile(fd, 100, len(data) + 500)  # says it is longer than the file
        broken.seek(len(data) + 150)
        with pytest.raises(OSError):
            broken.read(300)
    finally:
        os.close(fd)
