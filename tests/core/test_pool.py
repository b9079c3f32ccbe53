"""The writer's own posting pool writes the index Whoosh's pool would have written."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import pickle
import random
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from searchapp.core import pool as pool_module
from searchapp.core import postings
from searchapp.core.batch import BatchPostings
from searchapp.core.index import _read_for_index, bundled_seeds_dir
from searchapp.core.pool import TermPool, TermPoolWriter
from searchapp.core.schema import build_schema

# Small enough that a writer over a few hundred documents writes several runs.
TINY_POOL_MB = 0.05


def _seed_words() -> list[str]:
    words = []
    for path in sorted(bundled_seeds_dir().glob("*.txt")):
        words += path.read_text(encoding="utf-8").split()
    return words


def _write_corpus(folder: Path, count: int, seed: int) -> list[Path]:
    """The bundled articles plus ``count`` documents made of their words, with a few
    accented and apostrophised words, of lengths from a line to several pages."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    words = _seed_words() + ["café", "naïve", "didn’t", "Baldwin’s", "rock’n’roll"]
    paths = []
    for seed_path in sorted(bundled_seeds_dir().glob("*.txt")):
        target = folder / f"seed_{seed_path.name}"
        target.write_bytes(seed_path.read_bytes())
        paths.append(target)
    for number in range(count):
        title = " ".join(rng.choices(words, k=rng.randint(1, 8)))
        body = " ".join(rng.choices(words, k=rng.choice([5, 40, 300, 2000])))
        target = folder / f"doc_{seed}_{number:04d}.txt"
        target.write_text(f" date 2001-02-{number % 28 + 1:02d} {title}\n\n{body}\n",
                          encoding="utf-8")
        paths.append(target)
    return paths


@pytest.fixture(autouse=True)
def compressed_as_whoosh(monkeypatch):
    """Segments of every size compressed as Whoosh compresses them, so that the bytes can
    be compared; a small segment is otherwise stored uncompressed (tested below)."""
    monkeypatch.setattr(pool_module, "UNCOMPRESSED_SEGMENT_DOCS", 0)


def _values(paths: list[Path]) -> list[dict]:
    values = []
    for path in paths:
        outcome = _read_for_index("docs", str(path))
        assert outcome[0] == "ok"
        values.append(outcome[3])
    return values


def _new_index(folder: Path):
    folder.mkdir(parents=True)
    return FileStorage(str(folder)).create_index(build_schema())


def _add(index, writer_class, documents: list[dict], limitmb: float,
         deleted_paths: tuple[str, ...] = (), helpers=None, **commit) -> int:
    """Add documents with one writer and commit; returns how many runs its pool wrote."""
    writer = writer_class(index, limitmb=limitmb)
    if helpers is not None:
        writer.helpers = helpers
    for path in deleted_paths:
        writer.delete_by_term("path", path)
    for values in documents:
        writer.add_document(**values)
    runs = len(getattr(writer.pool, "_runs", ()))
    writer.commit(**commit)
    return runs


def _contents(index) -> dict:
    """Everything a search reads: each field's words with their statistics and postings
    (documents, weights, values), each document's field lengths and stored fields."""
    with index.reader() as reader:
        schema = reader.schema
        terms = {}
        for fieldname, tbytes in reader.all_terms():
            info = reader.term_info(fieldname, tbytes)
            matcher = reader.postings(fieldname, tbytes)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            terms[fieldname, tbytes] = (
                info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                info.max_weight(), info.min_id(), info.max_id(), postings)
        scored = [name for name in schema.scorable_names()]
        lengths = {docnum: [reader.doc_field_length(docnum, name) for name in scored]
                   for docnum in reader.all_doc_ids()}
        stored = list(reader.iter_docs())
        return {"terms": terms, "lengths": lengths, "stored": stored,
                "segments": len(index._segments()), "docs": reader.doc_count()}


def _segment_files(index) -> dict[str, bytes]:
    """The bytes of the (single) segment's Whoosh files, by name without the segment's
    id (the postings arrays beside it are SearchApp's own: compared below)."""
    (segment,) = index._segments()
    storage = segment.open_compound_file(index.storage)
    try:
        return {name.replace(segment.segment_id(), ""): storage.open_file(name).read()
                for name in storage.list() if not name.endswith(postings.SUFFIX)}
    finally:
        storage.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    folder = tmp_path_factory.mktemp("pool-corpus")
    return _write_corpus(folder / "first", 250, seed=1), _write_corpus(folder / "more", 60,
                                                                        seed=2)


@pytest.mark.parametrize("limitmb", [256, TINY_POOL_MB], ids=["in-memory", "spilled"])
def test_one_build_writes_what_whoosh_writes(tmp_path, corpus, limitmb) -> None:
    """A build's segment, from postings in memory or from runs on disk."""
    documents = _values(corpus[0])
    whoosh_index = _new_index(tmp_path / "whoosh")
    own_index = _new_index(tmp_path / "own")
    _add(whoosh_index, SegmentWriter, documents, limitmb, optimize=True)
    runs = _add(own_index, TermPoolWriter, documents, limitmb, optimize=True)
    if limitmb == TINY_POOL_MB:
        assert runs >= 3
    else:
        assert runs == 0
    assert _contents(own_index) == _contents(whoosh_index)
    assert _segment_files(own_index) == _segment_files(whoosh_index)


def _add_in_batches(index, documents: list[dict], limitmb: float, size: int = 16,
                    added_of_last: int | None = None, **commit) -> int:
    """Add documents as a parallel build does: a batch at a time, each analysed into a
    BatchPostings and handed over (pickled, as from a worker process); of the last batch
    only the first ``added_of_last`` documents are added, as when indexing is cancelled.
    Returns how many runs the pool wrote."""
    schema = index.schema
    writer = TermPoolWriter(index, limitmb=limitmb)
    batches = [documents[i:i + size] for i in range(0, len(documents), size)]
    for number, batch in enumerate(batches):
        analysed = BatchPostings(schema)
        prepared = [analysed.add_document(values) for values in batch]
        columns = pickle.loads(pickle.dumps(analysed.columns()))
        if number == len(batches) - 1 and added_of_last is not None:
            prepared = prepared[:added_of_last]
        first = writer.docnum
        for values in prepared:
            writer.add_document(**values)
        writer.add_batch(first, columns, len(prepared))
    runs = len(writer.pool._runs)
    writer.commit(**commit)
    return runs


@pytest.mark.parametrize("limitmb", [256, TINY_POOL_MB], ids=["in-memory", "spilled"])
def test_postings_added_a_batch_at_a_time_write_what_whoosh_writes(tmp_path, corpus,
                                                                  limitmb) -> None:
    """The full build's workers send each batch's postings as arrays (BatchPostings)."""
    documents = _values(corpus[0])
    whoosh_index = _new_index(tmp_path / "whoosh")
    own_index = _new_index(tmp_path / "own")
    _add(whoosh_index, SegmentWriter, documents, 256, optimize=True)
    runs = _add_in_batches(own_index, documents, limitmb, optimize=True)
    assert (runs >= 3) if limitmb == TINY_POOL_MB else (runs == 0)
    assert _contents(own_index) == _contents(whoosh_index)
    assert _segment_files(own_index) == _segment_files(whoosh_index)


def test_a_batch_cut_short_keeps_only_the_added_documents_postings(tmp_path,
                                                                   corpus) -> None:
    """Cancelling a build part way through a batch: the documents added are indexed with
    their postings, and nothing of the others is."""
    documents = _values(corpus[0])[:40]
    whoosh_index = _new_index(tmp_path / "whoosh")
    own_index = _new_index(tmp_path / "own")
    _add(whoosh_index, SegmentWriter, documents[:37], 256, optimize=True)
    _add_in_batches(own_index, documents, 256, size=16, added_of_last=5, optimize=True)
    assert _contents(own_index) == _contents(whoosh_index)
    assert _segment_files(own_index) == _segment_files(whoosh_index)


@pytest.mark.parametrize("limitmb", [256, TINY_POOL_MB], ids=["in-memory", "spilled"])
def test_batches_merged_with_existing_segments_write_what_whoosh_writes(
        tmp_path, corpus, limitmb) -> None:
    """A segment merged at commit sends its postings through the pool one at a time,
    beside the batches' postings of the same fields."""
    first = _values(corpus[0])
    more = _values(corpus[1])
    indexes = {}
    for name in ("whoosh", "own"):
        index = _new_index(tmp_path / name)
        _add(index, SegmentWriter if name == "whoosh" else TermPoolWriter, first, 256,
             merge=False)
        if name == "whoosh":
            _add(index, SegmentWriter, more, 256, optimize=True)
        else:
            _add_in_batches(index, more, limitmb, size=7, optimize=True)
        assert len(index._segments()) == 1
        indexes[name] = index
    assert _contents(indexes["own"]) == _contents(indexes["whoosh"])
    assert _segment_files(indexes["own"]) == _segment_files(indexes["whoosh"])


class _CountingPool(concurrent.futures.ProcessPoolExecutor):
    submitted = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


class _StoppedHelpers(concurrent.futures.Executor):
    """Helpers that stopped: some jobs are refused, the others fail."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        if self.submitted % 2:
            raise concurrent.futures.process.BrokenProcessPool("a helper was killed")
        future = concurrent.futures.Future()
        future.set_exception(concurrent.futures.process.BrokenProcessPool("killed"))
        return future


@pytest.mark.parametrize("helpers", ["processes", "stopped"])
def test_blocks_compressed_by_helpers_are_the_same_bytes(tmp_path, corpus, helpers) -> None:
    """A full build's commit has the worker processes compress postings blocks; if they
    stopped, the writer compresses them itself. Either way the segment is Whoosh's."""
    documents = _values(corpus[0])
    whoosh_index = _new_index(tmp_path / "whoosh")
    own_index = _new_index(tmp_path / "own")
    _add(whoosh_index, SegmentWriter, documents, 256, optimize=True)
    if helpers == "processes":
        context = multiprocessing.get_context("spawn")  # as the build starts its workers
        with _CountingPool(2, mp_context=context) as pool:
            _add(own_index, TermPoolWriter, documents, TINY_POOL_MB, helpers=pool,
                 optimize=True)
        assert pool.submitted > 2
    else:
        stopped = _StoppedHelpers()
        _add(own_index, TermPoolWriter, documents, 256, helpers=stopped, optimize=True)
        assert stopped.submitted > 2
    assert _segment_files(own_index) == _segment_files(whoosh_index)


@pytest.mark.parametrize("limitmb", [256, TINY_POOL_MB], ids=["in-memory", "spilled"])
def test_commits_that_merge_segments_write_what_whoosh_writes(tmp_path, corpus,
                                                              limitmb) -> None:
    """Updates: segments left side by side, then merged with new and deleted documents,
    which sends existing segments' postings through the pool word by word."""
    first = _values(corpus[0])
    more = _values(corpus[1])
    deleted = tuple(values["path"] for values in first[10:40])
    indexes = {}
    for name, writer_class in (("whoosh", SegmentWriter), ("own", TermPoolWriter)):
        index = _new_index(tmp_path / name)
        _add(index, writer_class, first[:120], limitmb, merge=False)
        _add(index, writer_class, first[120:], limitmb, merge=False)
        assert len(index._segments()) == 2
        _add(index, writer_class, more[:20], limitmb, deleted_paths=deleted[:5], merge=False)
        assert len(index._segments()) == 3
        _add(index, writer_class, more[20:], limitmb, deleted_paths=deleted[5:],
             optimize=True)
        assert len(index._segments()) == 1
        indexes[name] = index
    assert _contents(indexes["own"]) == _contents(indexes["whoosh"])
    assert _contents(indexes["own"])["docs"] == len(first) + len(more) - len(deleted)
    assert _segment_files(indexes["own"]) == _segment_files(indexes["whoosh"])


def _arrays_contents(index) -> dict:
    """Every word of the (single) segment's postings arrays: documents, weights, and its
    blocks' last documents and offsets."""
    (segment,) = index._segments()
    with index.reader() as reader:
        arrays = postings.arrays_of(reader)
        assert arrays is not None
        contents = {}
        for key in arrays._terms:
            ids, weights = arrays.get(*key)
            maxids, offsets = arrays.blocks(*key)
            contents[key] = (ids.tolist(), weights.tolist(), maxids.tolist(),
                             offsets.tolist())
        return contents


@pytest.mark.parametrize("helpers", [None, "processes"])
def test_commit_writes_the_postings_arrays_the_segment_gives(tmp_path, corpus,
                                                             helpers) -> None:
    """The frequent words' arrays written as the commit writes their postings equal those
    read back from the segment afterwards."""
    documents = _values(corpus[0])
    index = _new_index(tmp_path / "own")
    if helpers is None:
        _add(index, TermPoolWriter, documents, 256, optimize=True)
    else:
        with concurrent.futures.ProcessPoolExecutor(
                2, mp_context=multiprocessing.get_context("spawn")) as pool:
            _add(index, TermPoolWriter, documents, TINY_POOL_MB, helpers=pool,
                 optimize=True)
    written = _arrays_contents(index)
    assert ("body", "the") in written and len(written["body", "the"][0]) >= postings.MIN_DOCS
    assert any(len(maxids) > 1 for _, _, maxids, _ in written.values())  # several blocks
    (path,) = (tmp_path / "own").glob(f"*{postings.SUFFIX}")
    path.unlink()
    postings._opened.clear()
    assert postings.write_missing(index) == 1
    assert _arrays_contents(index) == written


def test_a_commit_that_fails_leaves_no_unfinished_arrays(tmp_path, corpus,
                                                         monkeypatch) -> None:
    documents = _values(corpus[0])
    index = _new_index(tmp_path / "own")
    writer = TermPoolWriter(index, limitmb=256)
    for values in documents:
        writer.add_document(**values)

    def full_disk(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "_assemble_segment", full_disk)
    with pytest.raises(OSError, match="No space left"):
        writer.commit()
    assert list((tmp_path / "own").glob("*-arrays*.tmp"))  # written, not yet in place
    writer.cancel()
    assert not list((tmp_path / "own").glob("*arrays*"))


def _block_levels(index) -> set[int]:
    """The zlib levels of every postings block of every word."""
    levels = set()
    with index.reader() as reader:
        for fieldname, tbytes in reader.all_terms():
            matcher = reader.postings(fieldname, tbytes)
            while matcher.is_active():
                levels.add(matcher._compression)  # the current block's, from its header
                matcher.next()
    return levels


def test_small_segments_are_stored_uncompressed_and_read_the_same(tmp_path, corpus,
                                                                  monkeypatch) -> None:
    """An update's segment: zlib would cost more time than the few bytes it saves."""
    documents = _values(corpus[1])
    whoosh_index = _new_index(tmp_path / "whoosh")
    own_index = _new_index(tmp_path / "own")
    _add(whoosh_index, SegmentWriter, documents, 256)
    monkeypatch.setattr(pool_module, "UNCOMPRESSED_SEGMENT_DOCS", len(documents) + 1)
    _add(own_index, TermPoolWriter, documents, 256)
    assert _contents(own_index) == _contents(whoosh_index)
    assert _block_levels(own_index) == {0}
    assert 3 in _block_levels(whoosh_index)


@pytest.mark.parametrize("limitmb", [256, 0.001], ids=["in-memory", "spilled"])
def test_postings_out_of_document_order_come_back_sorted(tmp_path, limitmb) -> None:
    rng = random.Random(3)
    postings = []
    for fieldname in ("body", "title"):
        for word in (b"apple", b"pear", b"quince"):
            for docnum in rng.sample(range(500), 120):
                value = bytes(rng.randrange(256) for _ in range(rng.randint(0, 6)))
                postings.append((fieldname, word, docnum, float(rng.randint(1, 9)), value))
    rng.shuffle(postings)
    pool = TermPool(FileStorage(str(tmp_path)), limitmb=limitmb)
    for item in postings:
        pool.add(item)
    if limitmb == 256:
        assert not pool._runs
    else:
        assert len(pool._runs) > 1
    assert list(pool.iter_postings()) == sorted(postings)
    pool.cleanup()
    assert list(tmp_path.iterdir()) == []



@pytest.mark.parametrize("limitmb", [256, 0.04], ids=["in-memory", "spilled"])
def test_batches_out_of_document_order_come_back_sorted(tmp_path, limitmb) -> None:
    schema = build_schema()
    words = _seed_words()
    rng = random.Random(4)
    expected = []
    batches = []
    for first in range(0, 60, 6):
        analysed = BatchPostings(schema)
        for docnum in range(first, first + 6):
            body = " ".join(rng.choices(words, k=rng.randint(1, 80)))
            analysed.add_document({"body": body})
            expected += [("body", tbytes, docnum, weight, value)
                         for tbytes, _, weight, value in schema["body"].index(body)]
        batches.append((first, analysed.columns()["body"]))
    rng.shuffle(batches)
    pool = TermPool(FileStorage(str(tmp_path)), limitmb=limitmb)
    for first, columns in batches:
        pool.add_batch("body", first, columns, 6)
    assert (len(pool._runs) > 1) if limitmb != 256 else not pool._runs
    assert list(pool.iter_postings()) == sorted(expected)
    pool.cleanup()
    assert list(tmp_path.iterdir()) == []
