"""Updating just the files named (Library.update_paths): what the folder watcher and
`searchapp index FILE…` use instead of walking every folder."""

from __future__ import annotations

import os

import pytest

from searchapp.core import index as index_module
from searchapp.core import pool as pool_module
from searchapp.core.errors import IndexBusyError, IndexUnavailableError
from searchapp.core.index import Collection, Library
from searchapp.core.search import search
from tests.core.conftest import names


def _segments(library: Library) -> list[tuple[str, int]]:
    index = library._index_or_none()
    return sorted((s.segment_id(), s.doc_count_all()) for s in index._segments())


def _no_full_scan(monkeypatch) -> None:
    """Fail the test if the update reads the states of every indexed document."""
    def scan(self, searcher, collections, under=()):
        if not under:
            pytest.fail("the update read every document's columns")
        return real(self, searcher, collections, under)

    real = Library._indexed_states
    monkeypatch.setattr(Library, "_indexed_states", scan)


def test_new_changed_touched_and_deleted_files(tmp_path, make_library, monkeypatch):
    library = make_library({"a.txt": "Alpha\n\napple", "b.txt": "Beta\n\nbanana",
                            "c.txt": "Gamma\n\ncherry", "d.txt": "Delta\n\ndate"})
    folder = tmp_path / "docs"
    (folder / "new.txt").write_text("New\n\nnectarine", encoding="utf-8")
    (folder / "a.txt").write_text("Alpha\n\napricot now", encoding="utf-8")
    touched = folder / "b.txt"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    (folder / "c.txt").unlink()
    (folder / "d.txt").write_text("Delta\n\ndurian, not named", encoding="utf-8")
    _no_full_scan(monkeypatch)

    report = library.update_paths([folder / "new.txt", str(folder / "a.txt"), touched,
                                   folder / "c.txt"])
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert not report.failed
    assert names(search(library, "nectarine")) == ["new.txt"]
    assert names(search(library, "apricot")) == ["a.txt"] and search(library, "apple").total == 0
    assert search(library, "cherry").total == 0
    # Only the files named are looked at: d.txt changed too, but was not named.
    assert names(search(library, "date")) == ["d.txt"] and search(library, "durian").total == 0
    assert library.document_count() == 4
    # The touched file was re-stamped: a refresh finds it unchanged without reading it.
    monkeypatch.undo()
    real_read = index_module.read_document
    monkeypatch.setattr(index_module, "read_document",
                        lambda path: pytest.fail(f"re-read {path}") if path == touched
                        else real_read(path))
    assert library.refresh().updated == 1  # d.txt, at last


def test_commit_keeps_the_built_segment_and_adds_a_small_one(tmp_path, make_library):
    library = make_library({f"d{n}.txt": f"Doc {n}\n\nplain words {n}" for n in range(20)})
    before = _segments(library)
    (tmp_path / "docs" / "extra.txt").write_text("Extra\n\nkumquat", encoding="utf-8")
    assert library.update_paths([tmp_path / "docs" / "extra.txt"]).added == 1
    after = _segments(library)
    assert before[0] in after and len(after) == 2
    assert sorted(count for _id, count in after) == [1, 20]


def test_nothing_to_do_writes_nothing(tmp_path, make_library):
    library = make_library({"a.txt": "Alpha\n\napple"})
    before = _segments(library)
    report = library.update_paths([tmp_path / "docs" / "a.txt"])
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 1)
    assert _segments(library) == before


def test_paths_outside_every_collection_are_reported(tmp_path, make_library):
    library = make_library({"a.txt": "Alpha\n\napple"})
    stray = tmp_path / "elsewhere" / "note.txt"
    stray.parent.mkdir()
    stray.write_text("Note\n\nquince", encoding="utf-8")
    sibling = tmp_path / "docs-other.txt"  # shares the folder's name as a prefix only
    sibling.write_text("Sibling\n\nquince", encoding="utf-8")
    report = library.update_paths([stray, sibling])
    assert dict(report.failed) == {str(stray): "not inside any indexed folder",
                                   str(sibling): "not inside any indexed folder"}
    assert search(library, "quince").total == 0 and library.document_count() == 1


def test_a_mistyped_path_is_reported_and_changes_nothing(make_library):
    library = make_library({"a.txt": "Alpha\n\napple"})
    typo = library.collections[-1].root / "a.tx"
    report = library.update_paths([typo])
    assert dict(report.failed) == {str(typo): "no such file or folder"}
    assert report.removed == 0 and library.document_count() == 1


def test_relative_paths_and_paths_through_a_linked_folder(tmp_path, make_library, monkeypatch):
    library = make_library({"a.txt": "Alpha\n\napple"})
    (tmp_path / "docs" / "b.txt").write_text("Beta\n\nbanana", encoding="utf-8")
    (tmp_path / "docs" / "c.txt").write_text("Gamma\n\ncherry", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "docs", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    report = library.update_paths(["docs/b.txt", "link/c.txt"])
    assert report.added == 2 and not report.failed
    assert search(library, "banana").hits[0].path == str(tmp_path / "docs" / "b.txt")
    assert search(library, "cherry").hits[0].path == str(tmp_path / "docs" / "c.txt")


def test_unreadable_binary_and_skipped_files_are_reported(tmp_path, make_library):
    library = make_library({"a.txt": "Alpha\n\napple"})
    folder = tmp_path / "docs"
    (folder / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2)
    (folder / "picture.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".hidden.txt").write_text("Hidden\n\nsecret", encoding="utf-8")
    (folder / ".cache").mkdir()
    (folder / ".cache" / "x.txt").write_text("Cached\n\nsecret", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    paths = [folder / name for name in
             ("blob.txt", "picture.jpg", ".hidden.txt", ".cache/x.txt", "pipe.txt")]
    failed = dict(library.update_paths(paths).failed)
    assert "binary" in failed[str(folder / "blob.txt")]
    assert "not a kind of document" in failed[str(folder / "picture.jpg")]
    assert "hidden file" in failed[str(folder / ".hidden.txt")]
    assert "hidden or linked folder" in failed[str(folder / ".cache" / "x.txt")]
    assert "not a regular file" in failed[str(folder / "pipe.txt")]
    assert library.document_count() == 1 and search(library, "secret").total == 0
    # The report is kept for `searchapp status` and the window, as after a refresh.
    assert str(folder / "blob.txt") in {path for path, _ in library.last_report()["failed"]}


def test_a_file_that_became_unreadable_leaves_the_index(tmp_path, make_library):
    library = make_library({"a.txt": "Alpha\n\napple", "b.txt": "Beta\n\nbanana"})
    (tmp_path / "docs" / "a.txt").write_bytes(b"\x00\x01\x02binary")
    report = library.update_paths([tmp_path / "docs" / "a.txt"])
    assert str(tmp_path / "docs" / "a.txt") in dict(report.failed)
    assert search(library, "apple").total == 0 and library.document_count() == 1


def test_a_folder_stands_for_everything_under_it(tmp_path, make_library):
    library = make_library({"top.txt": "Top\n\nlemon", "sub/one.txt": "One\n\nmango",
                            "sub/deep/two.txt": "Two\n\npapaya",
                            "gone/three.txt": "Three\n\nguava"})
    folder = tmp_path / "docs"
    (folder / "sub" / "one.txt").unlink()
    (folder / "sub" / "deep" / "new.txt").write_text("New\n\nlychee", encoding="utf-8")
    (folder / "sub" / "moved").mkdir()
    (folder / "sub" / "moved" / "in.txt").write_text("In\n\nlime", encoding="utf-8")
    (folder / "top.txt").write_text("Top\n\nchanged, not named", encoding="utf-8")
    (folder / "gone" / "three.txt").unlink()
    (folder / "gone").rmdir()
    report = library.update_paths([folder / "sub", folder / "gone"])
    assert (report.added, report.removed) == (2, 2)
    assert sorted(names(search(library, "lychee OR lime"))) == ["in.txt", "new.txt"]
    assert search(library, "mango OR guava").total == 0
    assert names(search(library, "lemon")) == ["top.txt"]
    assert names(search(library, "papaya")) == ["two.txt"]


def test_a_named_collection_folder_matches_a_refresh(tmp_path, make_library):
    library = make_library({f"d{n}.txt": f"Doc {n}\n\nword{n}" for n in range(12)})
    folder = tmp_path / "docs"
    for n in (0, 1):
        (folder / f"d{n}.txt").unlink()
    for n in (2, 3):
        (folder / f"d{n}.txt").write_text(f"Doc {n}\n\nrewritten{n}", encoding="utf-8")
    (folder / "d99.txt").write_text("Doc 99\n\nword99", encoding="utf-8")
    twin = Library(tmp_path / "twin-data", collections=library.collections)
    twin.ensure_ready()  # built from the files as they are now
    report = library.update_paths([folder])
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 2, 2, 8)
    for query in ("word0", "rewritten2", "word99", "doc"):
        assert sorted(h.path for h in search(library, query, limit=50).hits) == \
            sorted(h.path for h in search(twin, query, limit=50).hits)


def test_busy_index_raises_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "WRITER_WAIT_SECONDS", 0.2)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha\n\napple", encoding="utf-8")
    first = Library(tmp_path / "data", collections=[Collection("docs", docs)])
    second = Library(tmp_path / "data", collections=[Collection("docs", docs)])
    first.ensure_ready()
    (docs / "b.txt").write_text("Beta\n\nbanana", encoding="utf-8")
    with first._writer_lock():
        with pytest.raises(IndexBusyError, match="updating the index"):
            second.update_paths([docs / "b.txt"])
        assert search(second, "apple").total == 1  # searching never waits
    assert search(second, "banana").total == 0
    assert second.update_paths([docs / "b.txt"]).added == 1


def test_no_index_yet_is_an_error(tmp_path):
    library = Library(tmp_path / "data", collections=[Collection("docs", tmp_path)])
    with pytest.raises(IndexUnavailableError, match="no index"):
        library.update_paths([tmp_path / "a.txt"])


def test_failure_while_writing_leaves_the_index_as_it_was(tmp_path, make_library,
                                                          monkeypatch):
    library = make_library({"a.txt": "Alpha\n\napple"})
    before = _segments(library)
    (tmp_path / "docs" / "a.txt").write_text("Alpha\n\napricot", encoding="utf-8")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Library, "_add_read", full_disk)
    with pytest.raises(IndexUnavailableError, match="No space left"):
        library.update_paths([tmp_path / "docs" / "a.txt"])
    monkeypatch.undo()
    assert _segments(library) == before and names(search(library, "apple")) == ["a.txt"]
    # The writer lock and Whoosh's own lock were released: the next update goes through.
    assert library.update_paths([tmp_path / "docs" / "a.txt"]).updated == 1
    assert names(search(library, "apricot")) == ["a.txt"]


def test_small_postings_blocks_are_stored_uncompressed(make_library, monkeypatch):
    # searchapp.core.compat: zlib only for blocks it can shrink; both kinds read back. (A
    # segment this small is otherwise not compressed at all.)
    monkeypatch.setattr(pool_module, "UNCOMPRESSED_SEGMENT_DOCS", 100)
    library = make_library({f"d{n}.txt": f"Doc {n}\n\nbanana split unique{n}"
                            for n in range(150)})
    with library.searcher() as searcher:
        reader = searcher.reader()
        rare = reader.postings("body", "unique7")
        common = reader.postings("body", "banana")
        assert rare._compression == 0 and common._compression > 0
        assert len(list(common.all_ids())) == 150 and len(list(rare.all_ids())) == 1
    assert search(library, "unique7").total == 1
    assert search(library, '"banana split"').total == 150
