"""The index writer's posting pool: postings gathered per word, in compact arrays.

Whoosh's own pool keeps every posting as a tuple of five Python objects, pickles them one
at a time to temporary runs when over its memory budget, and at commit merges the runs and
hands them to the segment's field writer a posting at a time. On 6,258 documents (2.9
million postings) that was most of the single writer's work. This pool keeps, for each
(field, word), the document numbers, weights and encoded values in arrays (about 19 bytes
a posting besides the value itself), writes a run sorted by word when over budget, each
word's postings in one piece, and merges runs word by word. At commit a word's blocks of
postings are built from those arrays in one step, byte for byte as Whoosh's W3 postings
writer would build them (tests/core/test_pool.py compares the two), so the index is the
one Whoosh would have written.

A full build's worker processes hand over the text fields' postings a batch of
documents at a time, as a few arrays per field (batch.BatchPostings). Those are kept as
they come, in document order, and sorted by word with numpy when read back
(_BatchedField): the writer does no Python work per posting until it encodes them.
"""

from __future__ import annotations

import collections
import functools
import heapq
import itertools
import logging
import marshal
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from hashlib import md5
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.compat import dumps
from whoosh.filedb import filetables
from whoosh.system import _INT_SIZE, pack_int, pack_ushort
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.numlists import delta_encode
from whoosh.writing import SegmentWriter

from searchapp.core import postings as postings_arrays
from searchapp.core.compat import UNCOMPRESSED_BLOCK_BYTES
from searchapp.core.schema import InBatch

log = logging.getLogger(__name__)

# What one word and one posting cost in memory, in bytes, besides the word's text and the
# posting's value: the entry in its field's dict and a list of four arrays for a word; a
# document number, a weight and a value's end offset for a posting, with the arrays'
# spare room. Measured with tracemalloc: the estimate came within 3% of the memory used
# on 2,000 documents of each benchmark collection.
WORD_BYTES = 420
POSTING_BYTES = 19

# What a posting added a batch of documents at a time (_BatchedField) costs, besides its
# value: its word's number, document, weight and value length (20 bytes), and when it is
# sorted by word, the sort's order and each value's start and end, while the columns are
# put in that order one at a time (about 30 bytes more, for a moment).
BATCHED_POSTING_BYTES = 48
# A word added a batch at a time: its entry in the field's vocabulary and list of words.
BATCHED_WORD_BYTES = 160

# A segment of fewer documents than this (an update's, or a merge of a few updates') has
# its postings blocks stored uncompressed. zlib took 60-80 ms of a 100-file update's 0.7
# s; such a segment is small, and merged into a larger one, compressed, as updates add up.
UNCOMPRESSED_SEGMENT_DOCS = 1_000

# At commit, the files are written once per group of about this many postings.
_WRITE_GROUP_POSTINGS = 20_000

_LENGTHS_SIZE = filetables._lengths.size

# A run on disk is a sequence of records: a 4-byte length, then a marshalled word.
_RECORD_LENGTH = struct.Struct("<I")

_FLOAT32 = struct.Struct("f")

# A word's entry in the terms table, as W3TermInfo.to_bytes packs it: its statistics (not
# inlined), then where its postings are.
_TERM_HEAD = W3TermInfo._struct
_TERM_PLACE = struct.Struct("!qi")

# Field lengths as the byte they are stored as (the lengths of a segment are few).
_length_byte = functools.lru_cache(maxsize=4096)(length_to_byte)

# One word's postings: field, word, document numbers, weights (arrays, or lists from a
# batched store), the values laid end to end, and where each value ends.
Postings = tuple[str, bytes, Sequence[int], Sequence[float], bytes, Sequence[int]]


_EMPTY_DOCS = array("I")
_EMPTY_WEIGHTS = array("d")


def _new_postings() -> list:
    return [_EMPTY_DOCS.__copy__(), _EMPTY_WEIGHTS.__copy__(), bytearray(),
            _EMPTY_DOCS.__copy__()]


def _in_document_order(docs: array, weights: array, values: bytes,
                       ends: array) -> tuple[array, array, bytes, array]:
    """One word's postings sorted by document number (then weight and value, as Whoosh's
    pool orders them). Needed only when postings arrived out of order, which adding whole
    documents never does."""
    starts = [0, *ends[:-1]]
    order = sorted(range(len(docs)),
                   key=lambda i: (docs[i], weights[i], values[starts[i]:ends[i]]))
    sorted_values = bytearray()
    sorted_ends = array("I")
    for i in order:
        sorted_values += values[starts[i]:ends[i]]
        sorted_ends.append(len(sorted_values))
    return (array("I", [docs[i] for i in order]), array("d", [weights[i] for i in order]),
            bytes(sorted_values), sorted_ends)


def _ordered(docs: array) -> bool:
    return all(a <= b for a, b in zip(docs, itertools.islice(docs, 1, None), strict=False))


def _as_arrays(postings: Postings) -> tuple[array, array, bytes, array]:
    """One word's documents, weights, values and value ends, the numbers as arrays (as
    runs on disk keep them)."""
    _, _, docs, weights, values, ends = postings
    return (docs if isinstance(docs, array) else array("I", docs),
            weights if isinstance(weights, array) else array("d", weights), values,
            ends if isinstance(ends, array) else array("I", ends))


def _numpy():
    # Imported when first needed: only a full build with worker processes adds batches,
    # and a 100-file update would otherwise spend 70 ms importing numpy.
    import numpy

    return numpy


class _BatchedField:
    """One field's postings added a batch of documents at a time (TermPool.add_batch), kept
    as the build's workers send them, in document order: per batch, numpy arrays of each
    posting's word (by number), document, weight and value length, and the values in one
    buffer. They are put in word order only when read back, by one sort per field."""

    def __init__(self) -> None:
        self.vocabulary: dict[bytes, int] = {}
        self.words: list[bytes] = []
        self.word_numbers: list = []
        self.documents: list = []
        self.weights: list = []
        self.lengths: list = []
        self.values = bytearray()
        self.last_document = -1
        self.ordered = True

    def add(self, first: int, columns: tuple, count: int) -> int:
        """Add a batch's postings of this field (batch.BatchPostings' columns), its
        documents numbered from ``first``. Only the postings of its first ``count``
        documents are kept: fewer were added when indexing was cancelled part way.
        Returns what they cost in memory, by the estimates above."""
        np = _numpy()
        words, numbers, word_numbers, documents, weights, lengths, values = columns
        documents = np.frombuffer(documents, np.uint32)
        word_numbers = np.frombuffer(word_numbers, np.uint32)
        weights = np.frombuffer(weights, np.float64)
        lengths = np.frombuffer(lengths, np.uint32)
        if documents.size and documents[-1] >= count:
            # A batch's postings are in document order.
            kept = int(np.searchsorted(documents, count))
            documents, word_numbers = documents[:kept], word_numbers[:kept]
            weights, lengths = weights[:kept], lengths[:kept]
            values = values[:int(lengths.sum())]
        if not documents.size:
            return 0
        # The batch's numbers for its words become this field's numbers for them.
        vocabulary = self.vocabulary
        ids = list(map(vocabulary.get, words))
        size = documents.size * BATCHED_POSTING_BYTES + len(values)
        if None in ids:
            all_words = self.words
            for i, number in enumerate(ids):
                if number is None:
                    word = words[i]
                    ids[i] = vocabulary[word] = len(all_words)
                    all_words.append(word)
                    size += BATCHED_WORD_BYTES + len(word)
        numbers = np.frombuffer(numbers, np.uint32)
        lookup = np.zeros(int(numbers.max()) + 1, np.uint32)
        lookup[numbers] = ids
        if first <= self.last_document:
            self.ordered = False
        self.last_document = max(self.last_document, first + int(documents[-1]))
        self.word_numbers.append(lookup[word_numbers])
        self.documents.append(documents + np.uint32(first))
        self.weights.append(weights)
        self.lengths.append(lengths)
        self.values += values
        return size

    def _sorted_groups(self) -> Iterator[tuple]:
        """The postings in word order, each word's in document order, a group of words of
        about _WRITE_GROUP_POSTINGS postings at a time, emptying the store: (the group's
        words, where each word's postings start in the group and where the last ends,
        and the group's documents, weights, value starts and value ends as numpy
        arrays), then the buffer the values are in. A stable sort by word keeps each
        word's postings in the order they were added."""
        np = _numpy()
        words = self.words
        if not self.word_numbers:
            return  # no batch left any postings
        by_word = sorted(range(len(words)), key=words.__getitem__)
        rank = np.empty(len(words), np.uint32)
        rank[by_word] = np.arange(len(words), dtype=np.uint32)
        ranks = rank[np.concatenate(self.word_numbers)]
        self.word_numbers = []
        del rank
        order = np.argsort(ranks, kind="stable")
        bounds = np.zeros(len(words) + 1, np.int64)
        np.cumsum(np.bincount(ranks, minlength=len(words)), out=bounds[1:])
        del ranks
        documents = np.concatenate(self.documents)[order]
        self.documents = []
        weights = np.concatenate(self.weights)[order]
        self.weights = []
        lengths = np.concatenate(self.lengths)
        self.lengths = []
        ends = np.cumsum(lengths, dtype=np.int64)
        starts = (ends - lengths)[order]
        del lengths
        ends = ends[order]
        del order
        # The values are read from the buffer in place: copying it whole would double it
        # in memory for a while.
        values = self.values
        self.values = bytearray()
        self.vocabulary = {}
        self.words = []
        count = len(words)
        first_word = 0
        while first_word < count:
            start = int(bounds[first_word])
            last_word = int(np.searchsorted(bounds, start + _WRITE_GROUP_POSTINGS,
                                            "right")) - 1
            last_word = min(max(last_word, first_word + 1), count)
            end = int(bounds[last_word])
            yield ([words[number] for number in by_word[first_word:last_word]],
                   bounds[first_word:last_word + 1] - start, documents[start:end],
                   weights[start:end], starts[start:end], ends[start:end], values)
            first_word = last_word

    def _word_groups(self) -> Iterator[tuple]:
        """_sorted_groups with each group's values put in word order, laid end to end (one
        numpy gather per group): (the group's words, where each word's postings start
        and the last ends, where each word's values start and the last ends, and its
        documents, weights and value ends counted from the word's first value as numpy
        arrays, then the values)."""
        np = _numpy()
        source = None
        for group in self._sorted_groups():
            group_words, group_bounds, documents, weights, starts, ends, buffer = group
            if source is None:
                source = np.frombuffer(buffer, np.uint8)
            lengths = ends - starts
            group_values = _gathered(source, starts, lengths)
            placed_ends = np.cumsum(lengths)
            word_starts = np.concatenate(([0], placed_ends))[group_bounds[:-1]]
            word_ends = (placed_ends - np.repeat(word_starts, np.diff(group_bounds))
                         ).astype(np.uint32)
            yield (group_words, group_bounds.tolist(),
                   np.concatenate((word_starts, placed_ends[-1:])).tolist(),
                   documents, weights, word_ends, group_values)

    def sorted_postings(self, fieldname: str) -> Iterator[Postings]:
        """Every word's postings, in word order and each in document order, emptying the
        store."""
        for group in self._word_groups():
            group_words, bounds, value_bounds, *columns, group_values = group
            # Turned into Python numbers a group at a time, in one step each.
            group_docs, group_weights, group_ends = (column.tolist() for column in columns)
            for number, word in enumerate(group_words):
                a, b = bounds[number], bounds[number + 1]
                if a == b:
                    continue  # its postings were left out of a batch cut short
                postings = (fieldname, word, group_docs[a:b], group_weights[a:b],
                            group_values[value_bounds[number]:value_bounds[number + 1]],
                            group_ends[a:b])
                if not self.ordered and not _ordered(postings[2]):
                    postings = (fieldname, word,
                                *_in_document_order(*_as_arrays(postings)))
                yield postings

    def write_run(self, fieldname: str, write) -> None:
        """Write every word's postings as records of a run (TermPool._spill), emptying the
        store, with each group's columns cut into words as bytes: spilling the 6,258 real
        benchmark documents' postings four times took the writer 1.8 s when it took
        them apart a posting at a time."""
        if not self.ordered:
            for postings in self.sorted_postings(fieldname):
                _write_record(write, postings)
            return
        for group in self._word_groups():
            group_words, bounds, value_bounds, documents, weights, ends, group_values = group
            records = []
            for number, word in enumerate(group_words):
                a, b = bounds[number], bounds[number + 1]
                if a == b:
                    continue
                record = marshal.dumps((fieldname, word, documents[a:b].tobytes(),
                                        weights[a:b].tobytes(),
                                        group_values[value_bounds[number]:
                                                     value_bounds[number + 1]],
                                        ends[a:b].tobytes()))
                records += (_RECORD_LENGTH.pack(len(record)), record)
            write(b"".join(records))


# Values are put in order this many bytes at a time (with two 8-byte indexes per byte).
_GATHER_BYTES = 1 << 20


def _gathered(source, starts, lengths) -> bytes:
    """The values at ``starts`` (of ``lengths``) in the ``source`` bytes (a numpy array),
    end to end."""
    np = _numpy()
    placed_ends = np.cumsum(lengths)
    gathered = bytearray()
    first = 0
    while first < len(lengths):
        done = int(placed_ends[first - 1]) if first else 0
        last = max(first + 1,
                   int(np.searchsorted(placed_ends, done + _GATHER_BYTES, "right")))
        chunk_lengths = lengths[first:last]
        chunk_ends = placed_ends[first:last] - done
        # Byte i of the chunk is byte i + shift of the source.
        shift = np.repeat(starts[first:last] - (chunk_ends - chunk_lengths), chunk_lengths)
        gathered += source[np.arange(int(chunk_ends[-1])) + shift].tobytes()
        first = last
    return bytes(gathered)


def _write_record(write, postings: Postings) -> None:
    """One word's postings as a record of a run on disk."""
    docs, weights, values, ends = _as_arrays(postings)
    record = marshal.dumps((postings[0], postings[1], docs.tobytes(), weights.tobytes(),
                            values, ends.tobytes()))
    write(_RECORD_LENGTH.pack(len(record)))
    write(record)


class TermPool:
    """Postings of one segment being written, gathered per (field, word).

    Keeps the interface the Whoosh writer uses: ``add()``, ``iter_postings()`` (postings
    sorted by field, word and document), ``cleanup()`` and ``fieldnames``; ``iter_terms()``
    gives the same postings a word at a time.
    """

    def __init__(self, tempstore, limitmb: int = 128) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        self.fieldnames: set[str] = set()
        self._fields: dict[str, dict[bytes, list]] = {}
        # Fields whose postings came a batch of documents at a time (add_batch).
        self._batched: dict[str, _BatchedField] = {}
        self._size = 0
        self._runs: list[str] = []
        # (field, word) keys whose postings arrived out of document order, and fields
        # whose documents did, to be sorted when read back.
        self._unordered: set[tuple[str, bytes]] = set()
        self._unordered_fields: set[str] = set()
        # The last document added a field at a time, by field.
        self._last_document: dict[str, int] = {}

    # -- adding ------------------------------------------------------------------------

    def _terms_of(self, fieldname: str) -> dict[bytes, list]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item: tuple) -> None:
        """Add one posting, (fieldname, word bytes, docnum, weight, value bytes or None)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self._terms_of(fieldname)
        postings = terms.get(tbytes)
        size = POSTING_BYTES
        if postings is None:
            postings = terms[tbytes] = _new_postings()
            size += WORD_BYTES + len(tbytes)
        elif docnum < postings[0][-1]:
            self._unordered.add((fieldname, tbytes))
        if docnum > self._last_document.get(fieldname, -1):
            self._last_document[fieldname] = docnum
        docs, weights, values, ends = postings
        docs.append(docnum)
        weights.append(weight)
        if vbytes:
            values += vbytes
            size += len(vbytes)
        ends.append(len(values))
        self._size += size
        if self._size > self.limit:
            self._spill()

    def add_document_field(self, fieldname: str, docnum: int, items: Iterable[tuple],
                           boost: float, scorable: bool) -> int:
        """Add the postings of one field of one document, as ``field.index()`` gives them:
        (word bytes, frequency, weight, value bytes). Returns the field's length (the sum
        of frequencies when the field is scorable, else 0)."""
        terms = self._terms_of(fieldname)
        if docnum < self._last_document.get(fieldname, -1):
            # Documents added out of order (never so from the writer): every word of the
            # field is checked when the postings are read back.
            self._unordered_fields.add(fieldname)
        self._last_document[fieldname] = docnum
        empty_docs, empty_weights = _EMPTY_DOCS.__copy__, _EMPTY_WEIGHTS.__copy__
        length = 0
        size = 0
        for tbytes, freq, weight, vbytes in items:
            postings = terms.get(tbytes)
            if postings is None:
                postings = terms[tbytes] = [empty_docs(), empty_weights(), bytearray(),
                                            empty_docs()]
                size += WORD_BYTES + len(tbytes)
            docs, weights, values, ends = postings
            docs.append(docnum)
            weights.append(weight if boost == 1.0 else weight * boost)
            if vbytes:
                values += vbytes
                size += POSTING_BYTES + len(vbytes)
            else:
                size += POSTING_BYTES
            ends.append(len(values))
            length += freq
        self._size += size
        if self._size > self.limit:
            self._spill()
        return length if scorable else 0

    def add_batch(self, fieldname: str, first: int, columns: tuple, count: int) -> None:
        """Add the postings of one field of a batch of documents, as a worker process
        analysed them (batch.BatchPostings' columns), the documents numbered from
        ``first``; only those of its first ``count`` documents are kept."""
        store = self._batched.get(fieldname)
        if store is None:
            store = self._batched[fieldname] = _BatchedField()
            self.fieldnames.add(fieldname)
        self._size += store.add(first, columns, count)
        if self._size > self.limit:
            self._spill()

    # -- runs on disk ------------------------------------------------------------------

    def _sorted_fields(self) -> Iterator[tuple[str, _BatchedField | None,
                                               Iterator[Postings] | None]]:
        """The fields in memory in order, emptying the pool: each with its batched store
        alone when its postings all came in batches, else with its postings in order."""
        unordered, unordered_fields = self._unordered, self._unordered_fields
        fields, batched = self._fields, self._batched
        self._fields = {}
        self._batched = {}
        self._unordered = set()
        self._unordered_fields = set()
        self._size = 0
        for fieldname in sorted(fields.keys() | batched.keys()):
            store = batched.pop(fieldname, None)
            terms = fields.pop(fieldname, None)
            if terms is None:
                yield fieldname, store, None
                continue
            sources = [self._sorted_terms(fieldname, terms, unordered, unordered_fields)]
            if store is not None:
                sources.insert(0, store.sorted_postings(fieldname))
            yield fieldname, None, sources[0] if len(sources) == 1 else _merged(sources)

    def _sorted_in_memory(self) -> Iterator[Postings]:
        """The postings in memory, by field and word, emptying the pool as it goes."""
        for fieldname, store, postings in self._sorted_fields():
            yield from postings if store is None else store.sorted_postings(fieldname)

    @staticmethod
    def _sorted_terms(fieldname: str, terms: dict[bytes, list], unordered: set,
                      unordered_fields: set) -> Iterator[Postings]:
        for tbytes in sorted(terms):
            docs, weights, values, ends = terms.pop(tbytes)
            values = bytes(values)
            if (fieldname, tbytes) in unordered or (fieldname in unordered_fields
                                                    and not _ordered(docs)):
                docs, weights, values, ends = _in_document_order(docs, weights, values,
                                                                 ends)
            yield fieldname, tbytes, docs, weights, values, ends

    def _spill(self) -> None:
        path = f"{random_name()}.run"
        handle = self.tempstore.create_file(path).raw_file()
        self._runs.append(path)
        try:
            write = handle.write
            for fieldname, store, postings in self._sorted_fields():
                if store is not None:
                    store.write_run(fieldname, write)
                    continue
                for word_postings in postings:
                    _write_record(write, word_postings)
        finally:
            handle.close()

    def _read_run(self, path: str) -> Iterator[Postings]:
        handle = self.tempstore.open_file(path).raw_file()
        try:
            read = handle.read
            unpack = _RECORD_LENGTH.unpack
            size = _RECORD_LENGTH.size
            while True:
                header = read(size)
                if not header:
                    return
                fieldname, tbytes, docs, weights, values, ends = marshal.loads(
                    read(unpack(header)[0]))
                docs_array = array("I")
                docs_array.frombytes(docs)
                weights_array = array("d")
                weights_array.frombytes(weights)
                ends_array = array("I")
                ends_array.frombytes(ends)
                yield fieldname, tbytes, docs_array, weights_array, values, ends_array
        finally:
            handle.close()
            self.tempstore.delete_file(path)

    # -- reading back ------------------------------------------------------------------

    def iter_terms(self) -> Iterator[Postings]:
        """Every word's postings, sorted by field and word, each in document order (see
        Postings for their form)."""
        if not self._runs:
            yield from self._sorted_in_memory()
            return
        sources = [self._read_run(path) for path in self._runs]
        self._runs = []
        sources.append(self._sorted_in_memory())
        yield from _merged(sources)

    def iter_postings(self) -> Iterator[tuple]:
        """Every posting, (fieldname, word bytes, docnum, weight, value bytes), sorted by
        field, word and document, as Whoosh's field writers take them."""
        for fieldname, tbytes, docs, weights, values, ends in self.iter_terms():
            start = 0
            for docnum, weight, end in zip(docs, weights, ends, strict=True):
                yield fieldname, tbytes, docnum, weight, values[start:end]
                start = end

    def cleanup(self) -> None:
        """Forget the postings and delete any runs left on disk."""
        self._fields = {}
        self._batched = {}
        self._unordered = set()
        self._unordered_fields = set()
        self._last_document = {}
        self._size = 0
        for path in self._runs:
            try:
                self.tempstore.delete_file(path)
            except OSError:
                pass
        self._runs = []


def _merged(sources: list[Iterator[Postings]]) -> Iterator[Postings]:
    """Postings from several sources, each sorted by field and word, merged the same way.
    A word found in several has its postings joined in the order of the sources, which
    is document order unless a source went back in numbering."""
    merged = heapq.merge(*sources, key=itemgetter(0, 1))
    for (fieldname, tbytes), parts in itertools.groupby(merged, key=itemgetter(0, 1)):
        first, *rest = parts
        if not rest:
            yield first
            continue
        docs, weights, first_values, first_ends = _as_arrays(first)
        docs, weights = array("I", docs), array("d", weights)
        values, ends = bytearray(first_values), array("I", first_ends)
        ordered = True
        for part in rest:
            part_docs, part_weights, part_values, part_ends = _as_arrays(part)
            if part_docs[0] < docs[-1]:
                ordered = False
            offset = len(values)
            docs.extend(part_docs)
            weights.extend(part_weights)
            values += part_values
            ends.extend(map(offset.__add__, part_ends))
        values = bytes(values)
        if not ordered and not _ordered(docs):
            docs, weights, values, ends = _in_document_order(docs, weights, values, ends)
        yield fieldname, tbytes, docs, weights, values, ends


def _field_length_bytes(lengths_reader, fieldname: str) -> bytes | None:
    """Each document's length in a field, as the byte Whoosh stores it (0 where the
    document has none), or None when the field keeps no lengths."""
    if lengths_reader is None:
        return None
    column = lengths_reader._cached_reader(whoosh3._lenfield(fieldname),
                                           whoosh3.LENGTHS_COLUMN)
    if column is None:
        return None
    return bytes(column[d] for d in range(lengths_reader.doc_count_all()))


# A stored length byte as the length Whoosh's writer compares (None for no length).
_LENGTH_OF_BYTE = [None, *map(byte_to_length, range(1, 256))]


def _encode_term(docs: Sequence[int], weights: Sequence[float], values: bytes,
                 ends: Sequence[int], lengths: Sequence | None, blocklimit: int,
                 fixedsize: int | None, compression: int) -> tuple[list, tuple]:
    """One word's postings as Whoosh's W3 postings writer lays them out: its blocks, each
    (header bytes, data bytes), and the word's statistics, W3TermInfo's fields in its
    order (total weight, document frequency, minimum and maximum length, maximum weight,
    first and last document). Mirrors W3PostingsWriter.add_posting and ``_write_block``
    (with compat.py's small-block rule) and W3TermInfo.add_block, so the bytes are the
    same. The postings are in Postings' form; ``lengths`` has each one's document's
    length in the field (None for none), or is None when the field keeps no lengths."""
    count = len(docs)
    if count == 1:
        return _encode_single(docs[0], weights[0], values, ends[0],
                              None if lengths is None else lengths[0], fixedsize,
                              compression)
    blocks = []
    term_weight = 0.0
    term_min_length = None
    term_max_length = 0
    term_max_weight = 0
    start_value = 0
    for first in range(0, count, blocklimit):
        last = min(first + blocklimit, count)
        block_docs = docs[first:last]
        block_weights = weights[first:last]
        stored_weights = array("f", block_weights)
        max_weight = max(0, max(block_weights))
        min_length = None
        max_length = 0
        if lengths is not None:
            block_lengths = [length for length in lengths[first:last] if length]
            if block_lengths:
                min_length = min(block_lengths)
                max_length = max(block_lengths)
        # The block's statistics join the word's (W3TermInfo.add_block).
        term_weight += sum(stored_weights)
        term_min_length = (min_length if term_min_length is None
                           else min(term_min_length, min_length))
        term_max_length = max(term_max_length, max_length)
        term_max_weight = max(term_max_weight, max_weight)
        # The block's data (W3PostingsWriter._mini_ids, _mini_weights, _mini_values).
        mini_ids = tuple(delta_encode(block_docs))
        first_weight = stored_weights[0]
        if all(w == 1.0 for w in stored_weights):
            mini_weights = None
        elif all(w == first_weight for w in stored_weights):
            mini_weights = first_weight
        else:
            mini_weights = tuple(stored_weights)
        if fixedsize == 0:
            mini_values = None
        else:
            block_values = []
            for end in ends[first:last]:
                if end > start_value:
                    block_values.append(values[start_value:end])
                start_value = end
            if fixedsize is None or fixedsize < 0:
                mini_values = tuple(block_values)
            else:
                mini_values = b"".join(block_values)
        databytes = dumps((mini_ids, mini_weights, mini_values), 2)
        level = compression if len(databytes) >= UNCOMPRESSED_BLOCK_BYTES else 0
        if level:
            databytes = zlib.compress(databytes, level)
        infobytes = dumps((last - first, block_docs[-1], max_weight, level,
                           _length_byte(min_length), _length_byte(max_length)), 2)
        blocks.append((infobytes, databytes))
    return blocks, (term_weight, count, term_min_length, term_max_length, term_max_weight,
                    docs[0], docs[-1])


def _encode_single(docnum: int, weight: float, values: bytes, end: int,
                   length: int | None, fixedsize: int | None,
                   compression: int) -> tuple[list, tuple]:
    """_encode_term for a word with one posting, in fewer steps: most words of a small
    segment (in a 100-file update, 11,241 of 19,523) occur in one document."""
    stored_weight = _FLOAT32.unpack(_FLOAT32.pack(weight))[0]  # as array("f") stores it
    min_length = length or None
    max_length = length or 0
    max_weight = max(0, weight)
    if fixedsize == 0:
        mini_values = None
    else:
        block_values = [values[0:end]] if end > 0 else []
        if fixedsize is None or fixedsize < 0:
            mini_values = tuple(block_values)
        else:
            mini_values = b"".join(block_values)
    databytes = dumps(((docnum,), None if stored_weight == 1.0 else stored_weight,
                       mini_values), 2)
    level = compression if len(databytes) >= UNCOMPRESSED_BLOCK_BYTES else 0
    if level:
        databytes = zlib.compress(databytes, level)
    infobytes = dumps((1, docnum, max_weight, level, _length_byte(min_length),
                       _length_byte(max_length)), 2)
    return [(infobytes, databytes)], (stored_weight, 1, min_length, max_length, max_weight,
                                      docnum, docnum)


class _Encoding(NamedTuple):
    """How a field's words are encoded (encode_group)."""

    blocklimit: int
    fixedsize: int | None
    compression: int
    prefix: bytes  # the field's number, before each word in the terms table
    md5_keys: bool  # whether the terms table hashes its keys with md5 (W3's always do)
    block_offsets_from: int  # words of this many postings or more have them returned


def _packed(words: list[Postings], lengths: bytes | None) -> tuple:
    """A group of words' postings in a few objects, cheap to send to a helper process:
    the words, each one's count of postings, and the postings' documents, weights,
    value ends (from each word's first value) and document lengths as arrays' bytes,
    with the values end to end."""
    counts = array("I")
    docs = array("I")
    weights = array("d")
    ends = array("I")
    values = []
    for _, _, word_docs, word_weights, word_values, word_ends in words:
        counts.append(len(word_docs))
        docs.extend(word_docs)
        weights.extend(word_weights)
        ends.extend(word_ends)
        values.append(word_values)
    return ([tbytes for _, tbytes, *_ in words], counts.tobytes(), docs.tobytes(),
            weights.tobytes(), ends.tobytes(), b"".join(values),
            None if lengths is None else bytes(map(lengths.__getitem__, docs)))


def encode_group(encoding: _Encoding, packed: tuple) -> tuple:
    """Encode a group of words (_packed) as the segment's files take them: the postings
    file's bytes for the group, then for each word the size of its part (array bytes),
    the start of its entry in the terms table (W3TermInfo's statistics), its key's hash
    (array bytes; empty unless md5_keys) and, for the words of block_offsets_from
    postings or more, (its number, where its blocks start from its own start). The
    full build's helper processes run this at commit while the writer merges the next
    words; the file writes stay with the writer (_write_group)."""
    words, counts, docs, weights, ends, values, lengths = packed
    counts = array("I", counts)
    docs = array("I", docs)
    weights = array("d", weights)
    ends = array("I", ends)
    if lengths is not None:
        lengths = list(map(_LENGTH_OF_BYTE.__getitem__, lengths))
    magic = whoosh3.WHOOSH3_HEADER_MAGIC
    pack_head = _TERM_HEAD.pack
    postings = []
    sizes = array("I")
    heads = []
    hashes = array("I")
    block_offsets = []
    first = value_start = 0
    for number, (tbytes, count) in enumerate(zip(words, counts, strict=True)):
        last = first + count
        word_ends = ends[first:last]
        value_end = value_start + word_ends[-1]
        blocks, (weight, df, min_length, max_length, max_weight, min_id,
                 max_id) = _encode_term(docs[first:last], weights[first:last],
                                        values[value_start:value_end], word_ends,
                                        None if lengths is None else lengths[first:last],
                                        encoding.blocklimit, encoding.fixedsize,
                                        encoding.compression)
        size = len(magic)
        postings.append(magic)
        offsets = []
        final = len(blocks) - 1
        for block, (infobytes, databytes) in enumerate(blocks):
            offsets.append(size)
            length = len(infobytes) + len(databytes)
            postings += (pack_int(-length if block == final else length), infobytes,
                         databytes)
            size += _INT_SIZE + length
        sizes.append(size)
        heads.append(pack_head(False, weight, df,
                               0 if min_length is None else _length_byte(min_length),
                               _length_byte(max_length), max_weight, min_id, max_id))
        if encoding.md5_keys:
            hashes.append(_md5_hash(encoding.prefix + tbytes))
        if count >= encoding.block_offsets_from:
            block_offsets.append((number, offsets))
        first, value_start = last, value_end
    return (b"".join(postings), sizes.tobytes(), b"".join(heads), hashes.tobytes(),
            block_offsets)


# Groups of words being encoded by helpers while the writer merges and sends the next
# ones: enough to keep two helpers busy.
_GROUPS_IN_FLIGHT = 4


def write_terms(fieldwriter, schema, lengths_reader, terms: Iterable[Postings],
                helpers: Executor | None = None, compression: int | None = None,
                frequent: FrequentWords | None = None) -> None:
    """Write a segment's postings a word at a time, with the bytes Whoosh's
    ``FieldWriter.add_postings`` would write. Whoosh adds one posting at a time through
    several calls; here a word's blocks are built from the pool's arrays in one step, and
    the files are written a group of words at a time.

    With ``helpers`` (the full build's worker processes, idle once every file is read),
    the groups are encoded and compressed there (encode_group) while this process merges
    the next words. When the helpers only compressed, the commit ran mostly on one core:
    on the 6,258 real benchmark documents it took 5.2 s, now 4.0 s; at 100,000 documents
    52 s, now 46-48 s, both cores busy (bench/analysis.md). ``compression`` overrides the
    codec's zlib level (0: none). ``frequent`` is given the frequent words' postings as
    they are written."""
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    md5_keys = tindex.hashfn is filetables.md5_hash
    for fieldname, group in itertools.groupby(terms, key=itemgetter(0)):
        fieldobj = schema[fieldname]
        fieldwriter.start_field(fieldname, fieldobj)
        postwriter = fieldwriter._postwriter
        keep = frequent is not None and fieldname in postings_arrays.FIELDS
        encoding = _Encoding(
            postwriter._blocklimit, fieldobj.format.fixed_value_size(),
            postwriter._compression if compression is None else compression,
            pack_ushort(fieldwriter._fieldid), md5_keys,
            postings_arrays.MIN_DOCS if keep else 2**32)
        lengths = _field_length_bytes(lengths_reader, fieldname)
        in_flight: collections.deque = collections.deque()
        group = iter(group)
        while True:
            words = []
            size = 0
            for postings in group:
                words.append(postings)
                size += len(postings[2])
                if size >= _WRITE_GROUP_POSTINGS:
                    break
            if not words:
                break
            packed = _packed(words, lengths)
            in_flight.append((words, encoding, packed, _submit(helpers, encoding, packed)))
            while len(in_flight) > (_GROUPS_IN_FLIGHT if helpers is not None else 0):
                _write_group(*in_flight.popleft(), postfile, tindex, fieldname, frequent)
        while in_flight:
            _write_group(*in_flight.popleft(), postfile, tindex, fieldname, frequent)
        fieldwriter.finish_field()


def _submit(helpers: Executor | None, encoding: _Encoding, packed: tuple) -> Future | None:
    if helpers is None:
        return None
    try:
        return helpers.submit(encode_group, encoding, packed)
    except Exception as exc:  # noqa: BLE001 - a helper that stopped: encode here
        log.warning("Encoding postings here; the helper processes stopped: %s", exc)
        return None


def _write_group(words: list[Postings], encoding: _Encoding, packed: tuple,
                 future: Future | None, postfile, tindex, fieldname: str,
                 frequent: FrequentWords | None) -> None:
    """Write a group of words once encoded, here or by a helper."""
    encoded = None
    if future is not None:
        try:
            encoded = future.result()
        except Exception as exc:  # noqa: BLE001 - a helper that stopped: encode here
            log.warning("Encoding postings here; a helper process failed: %s", exc)
    if encoded is None:
        encoded = encode_group(encoding, packed)
    starts = _write_encoded(words, encoding, encoded, postfile, tindex)
    if frequent is not None and encoded[4]:
        frequent.add(fieldname, words, encoded[4], starts, encoding.blocklimit)


class FrequentWords:
    """The postings of frequent words, passed on as the commit writes them to the
    segment's postings arrays (searchapp.core.postings), which were otherwise read back
    from the segment once it was written: decoding its blocks again took 1.1 s after a
    15 s build of the 6,258 real benchmark documents."""

    def __init__(self, writer: postings_arrays.ArraysWriter) -> None:
        self.writer = writer
        self.failed = False

    def add(self, fieldname: str, words: list[Postings], block_offsets: list,
            starts: list[int], blocklimit: int) -> None:
        """The frequent words of a written group: ``block_offsets`` has (the word's place
        in ``words``, where its blocks start from the word's start), ``starts`` where
        each word's postings start in the postings file."""
        if self.failed:
            return
        little_endian = postings_arrays.little_endian
        for number, offsets in block_offsets:
            _, tbytes, docs, weights, _, _ = words[number]
            start = starts[number]
            count = len(docs)
            last_docs = [docs[min(first + blocklimit, count) - 1]
                         for first in range(0, count, blocklimit)]
            try:
                self.writer.add(fieldname, tbytes,
                                little_endian(docs if isinstance(docs, array)
                                              else array("I", docs)),
                                little_endian(array("f", weights)), last_docs,
                                [start + offset for offset in offsets])
            except OSError as exc:
                # Searches read these words from the segment instead; the arrays are
                # written from it after the commit if they can be.
                log.warning("Could not write %s: %s", self.writer.path, exc)
                self.writer.discard()
                self.failed = True
                return

    def finish(self, doc_count: int) -> None:
        if self.failed:
            return
        try:
            self.writer.finish(doc_count)
        except OSError as exc:
            log.warning("Could not write %s: %s", self.writer.path, exc)
            self.writer.discard()


def _md5_hash(key: bytes) -> int:
    # filetables.md5_hash, int(md5(key).hexdigest(), 16) & 0xffffffff, without the hex.
    return int.from_bytes(md5(key).digest()[12:], "big")


def _write_encoded(words: list[Postings], encoding: _Encoding, encoded: tuple, postfile,
                   tindex) -> list[int]:
    """Write a group's encoded words to the postings file and their entries to the terms
    table, as W3PostingsWriter.finish_postings, W3FieldWriter.finish_term,
    W3TermInfo.to_bytes and OrderedHashWriter.add do, with each file written once per
    group: Whoosh asks each file for its position (a system call) for every word.
    Returns where each word's postings start."""
    postings, sizes, heads, hashes, _ = encoded
    sizes = array("I", sizes)
    hashes = array("I", hashes)
    postings_start = postfile.tell()
    starts = list(itertools.accumulate(sizes, initial=postings_start))
    terms_file = tindex.dbfile
    terms_start = terms_position = terms_file.tell()
    terms = []
    buckets = tindex.buckets
    index_append = tindex.index.append
    pack_lengths = filetables._lengths.pack
    pack_place = _TERM_PLACE.pack
    head_size = _TERM_HEAD.size
    hashfn = None if encoding.md5_keys else tindex.hashfn
    prefix = encoding.prefix
    last_key = tindex.lastkey
    for number, (_, tbytes, *_) in enumerate(words):
        key = prefix + tbytes
        if key <= last_key:
            raise ValueError(f"Keys must increase: {last_key!r}..{key!r}")
        value = (heads[number * head_size:(number + 1) * head_size]
                 + pack_place(starts[number], sizes[number]))
        index_append(terms_position)
        h = hashes[number] if hashfn is None else hashfn(key)
        buckets[h & 255].append((h, terms_position))
        terms += (pack_lengths(len(key), len(value)), key, value)
        terms_position += _LENGTHS_SIZE + len(key) + len(value)
        last_key = key
    postfile.write(postings)
    terms_file.write(b"".join(terms))
    tindex.lastkey = last_key
    if postfile.tell() != starts[-1] or terms_file.tell() != terms_position:
        raise AssertionError(
            f"postings written from {postings_start} to {postfile.tell()}, expected "
            f"{starts[-1]}; terms from {terms_start} to {terms_file.tell()}, "
            f"expected {terms_position}")
    return starts[:-1]


class TermPoolWriter(SegmentWriter):
    """Whoosh's segment writer with the pool above: documents' postings go into it a field
    at a time, and at commit the postings file is written a word at a time."""

    def __init__(self, ix, limitmb: int = 128, **kwargs) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, limitmb=limitmb)
        # Processes that may compress postings blocks at commit (write_terms).
        self.helpers: Executor | None = None
        self._frequent: FrequentWords | None = None

    def add_document(self, **fields) -> None:
        # Whoosh's add_document, except that each field's postings go to the pool in one
        # call rather than one call (and one tuple) per posting.
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool

        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]

            length = 0
            if type(value) is InBatch:
                # Its postings come with its batch (add_batch), weighted as analysed.
                if self._field_boost(fields, fieldname, docboost) != 1.0:
                    raise ValueError(f"{fieldname}: a boost cannot apply to postings "
                                     "analysed in a batch")
                length = value.length
            elif field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                length = pool.add_document_field(fieldname, docnum, field.index(value),
                                                 fieldboost, field.scorable)

            if field.separate_spelling() and type(value) is not InBatch:
                spellfield = field.spelling_fieldname(fieldname)
                for word in field.spellable_words(value):
                    pool.add((spellfield, word.encode("utf-8"), 0, 1, None))

            vformat = field.vector
            if vformat:
                vitems = vformat.word_values(value, field.analyzer, mode="index")
                vitems = sorted((text, weight, vbytes) for text, _, weight, vbytes in vitems)
                perdocwriter.add_vector_items(fieldname, field, vitems)

            # A custom value may be given for the stored field and column.
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None,
                                   length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column,
                                              field.to_column_value(customval))

        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_batch(self, first: int, columns: dict[str, tuple], count: int) -> None:
        """Add the text fields' postings of a batch of documents analysed in a worker
        process (batch.BatchPostings' columns), whose documents were added, each with
        its text fields given as InBatch, as numbers ``first`` to ``first + count - 1``."""
        self._check_state()
        for fieldname, field_columns in columns.items():
            self.pool.add_batch(fieldname, first, field_columns, count)

    def _flush_segment(self) -> None:
        fieldwriter = self.fieldwriter
        if type(fieldwriter) is not whoosh3.W3FieldWriter:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        lengths_reader = self.per_document_reader() if self.codec.length_stats else None
        frequent = self._frequent_words()
        try:
            write_terms(fieldwriter, self.schema, lengths_reader, self.pool.iter_terms(),
                        self.helpers,
                        compression=0 if self.docnum < UNCOMPRESSED_SEGMENT_DOCS else None,
                        frequent=frequent)
        except BaseException:
            if frequent is not None:
                frequent.writer.discard()
            raise
        fieldwriter.close()
        if lengths_reader is not None:
            lengths_reader.close()
        self._frequent = frequent

    def _assemble_segment(self) -> None:
        # Whoosh gathers every file named after the segment into its compound file, so
        # the postings arrays are put in place once it has.
        super()._assemble_segment()
        frequent, self._frequent = self._frequent, None
        if frequent is not None:
            frequent.finish(self.docnum)

    def cancel(self) -> None:
        # A commit that failed after the postings were written leaves the arrays' files
        # unfinished: they go with the rest.
        frequent, self._frequent = self._frequent, None
        if frequent is not None:
            frequent.writer.discard()
        super().cancel()

    def _frequent_words(self) -> FrequentWords | None:
        """Where the commit puts the segment's postings arrays, if it can have any."""
        folder = getattr(self.storage, "folder", None)
        if self.docnum < postings_arrays.MIN_DOCS or folder is None:
            return None
        segment_id = self.newsegment.segment_id()
        path = Path(folder) / f"{segment_id}{postings_arrays.SUFFIX}"
        # Until then they are temporary files (removed if the writer is killed), named
        # so that Whoosh does not take them for the segment's.
        scratch = Path(folder) / f"{segment_id}-arrays.tmp"
        try:
            return FrequentWords(postings_arrays.ArraysWriter(path, scratch))
        except OSError as exc:
            log.warning("Could not write %s: %s", path, exc)
            return None
