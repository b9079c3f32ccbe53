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

# A word's entry in the terms table: W3TermInfo's statistics (not inlined), then where its
# postings are, as W3TermInfo.to_bytes packs them.
_TERM_INFO = struct.Struct(W3TermInfo._struct.format + "qi")

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


def _field_lengths(lengths_reader, fieldname: str) -> list | None:
    """Each document's length in a field, as Whoosh's writer looks it up per posting
    (None where the document has none), or None when the field keeps no lengths."""
    if lengths_reader is None:
        return None
    column = lengths_reader._cached_reader(whoosh3._lenfield(fieldname),
                                           whoosh3.LENGTHS_COLUMN)
    if column is None:
        return None
    return [byte_to_length(b) if b else None
            for b in (column[d] for d in range(lengths_reader.doc_count_all()))]


def _encode_term(docs: Sequence[int], weights: Sequence[float], values: bytes,
                 ends: Sequence[int], lengths: list | None, blocklimit: int,
                 fixedsize: int | None, compression: int,
                 compress=zlib.compress) -> tuple[list, tuple]:
    """One word's postings as Whoosh's W3 postings writer lays them out: its blocks, each
    (header bytes, data bytes), and the word's statistics, W3TermInfo's fields in its
    order (total weight, document frequency, minimum and maximum length, maximum weight,
    first and last document). Mirrors W3PostingsWriter.add_posting and ``_write_block``
    (with compat.py's small-block rule) and W3TermInfo.add_block, so the bytes are the
    same. With ``compress=_later`` the blocks to compress are left as they are, for
    helpers to compress (write_terms). The postings are in Postings' form."""
    count = len(docs)
    if count == 1:
        return _encode_single(docs[0], weights[0], values, ends[0], lengths, fixedsize,
                              compression, compress)
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
            block_lengths = [length for length in map(lengths.__getitem__, block_docs)
                             if length]
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
            databytes = compress(databytes, level)
        infobytes = dumps((last - first, block_docs[-1], max_weight, level,
                           _length_byte(min_length), _length_byte(max_length)), 2)
        blocks.append((infobytes, databytes))
    return blocks, (term_weight, count, term_min_length, term_max_length, term_max_weight,
                    docs[0], docs[-1])


def _encode_single(docnum: int, weight: float, values: bytes, end: int,
                   lengths: list | None, fixedsize: int | None,
                   compression: int, compress=zlib.compress) -> tuple[list, tuple]:
    """_encode_term for a word with one posting, in fewer steps: most words of a small
    segment (in a 100-file update, 11,241 of 19,523) occur in one document."""
    stored_weight = _FLOAT32.unpack(_FLOAT32.pack(weight))[0]  # as array("f") stores it
    length = lengths[docnum] if lengths is not None else None
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
        databytes = compress(databytes, level)
    infobytes = dumps((1, docnum, max_weight, level, _length_byte(min_length),
                       _length_byte(max_length)), 2)
    return [(infobytes, databytes)], (stored_weight, 1, min_length, max_length, max_weight,
                                      docnum, docnum)


def _later(data: bytes, level: int) -> bytes:
    return data  # compressed afterwards: _to_compress, then _put_compressed


def compress_blocks(blocks: list[bytes], level: int) -> list[bytes]:
    """zlib over a group's postings blocks: the work a helper process takes off the
    writer at commit."""
    return [zlib.compress(data, level) for data in blocks]


def _to_compress(encoded: list, compression: int) -> list[bytes]:
    """The blocks of encoded words that _encode_term(compress=_later) left to compress."""
    if not compression:
        return []
    return [data for _, blocks, _ in encoded for _, data in blocks
            if len(data) >= UNCOMPRESSED_BLOCK_BYTES]


def _put_compressed(encoded: list, compressed: list[bytes]) -> None:
    """Put the compressed blocks back in their words, in the order _to_compress took them."""
    replacements = iter(compressed)
    for i, (key, blocks, info) in enumerate(encoded):
        encoded[i] = (key, [(infobytes, next(replacements)
                             if len(data) >= UNCOMPRESSED_BLOCK_BYTES else data)
                            for infobytes, data in blocks], info)
    if next(replacements, None) is not None:
        raise AssertionError("more compressed blocks than blocks to compress")


# Groups of words whose blocks are being compressed by helpers while the writer encodes
# the next ones: enough to keep two helpers busy.
_GROUPS_IN_FLIGHT = 4


def write_terms(fieldwriter, schema, lengths_reader, terms: Iterable[Postings],
                helpers: Executor | None = None, compression: int | None = None,
                frequent: FrequentWords | None = None) -> None:
    """Write a segment's postings a word at a time, with the bytes Whoosh's
    ``FieldWriter.add_postings`` would write. Whoosh adds one posting at a time through
    several calls; here a word's blocks are built from the pool's arrays in one step, and
    the files are written a group of words at a time.

    With ``helpers`` (the full build's worker processes, idle once every file is read),
    the groups' blocks are compressed there while this process encodes the next groups:
    zlib took 1.9 s of the 6.5 s commit of the 6,258 real benchmark documents, on one
    core while the other waited. ``compression`` overrides the codec's zlib level (0:
    none). ``frequent`` is given the frequent words' postings as they are written."""
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    compress = zlib.compress if helpers is None else _later
    for fieldname, group in itertools.groupby(terms, key=itemgetter(0)):
        fieldobj = schema[fieldname]
        fieldwriter.start_field(fieldname, fieldobj)
        postwriter = fieldwriter._postwriter
        blocklimit = postwriter._blocklimit
        level = postwriter._compression if compression is None else compression
        fixedsize = fieldobj.format.fixed_value_size()
        prefix = pack_ushort(fieldwriter._fieldid)
        lengths = _field_lengths(lengths_reader, fieldname)
        keep = frequent is not None and fieldname in postings_arrays.FIELDS
        in_flight: collections.deque = collections.deque()
        group = iter(group)
        while True:
            encoded = []
            wanted = []
            size = 0
            for _, tbytes, docs, weights, values, ends in group:
                blocks, info = _encode_term(docs, weights, values, ends, lengths,
                                            blocklimit, fixedsize, level, compress)
                if keep and len(docs) >= postings_arrays.MIN_DOCS:
                    wanted.append((len(encoded), tbytes, docs, weights))
                encoded.append((prefix + tbytes, blocks, info))
                size += len(docs)
                if size >= _WRITE_GROUP_POSTINGS:
                    break
            if not encoded:
                break
            if helpers is None:
                starts = _write_encoded(encoded, postfile, tindex)
                if wanted:
                    frequent.add(fieldname, encoded, wanted, starts, blocklimit)
                continue
            blocks = _to_compress(encoded, level)
            in_flight.append((encoded, blocks, _submit(helpers, blocks, level),
                              wanted))
            while len(in_flight) > _GROUPS_IN_FLIGHT:
                _write_group(*in_flight.popleft(), level, postfile, tindex,
                             fieldname, frequent, blocklimit)
        while in_flight:
            _write_group(*in_flight.popleft(), level, postfile, tindex, fieldname,
                         frequent, blocklimit)
        fieldwriter.finish_field()


def _write_group(encoded: list, blocks: list[bytes], future: Future | None, wanted: list,
                 level: int, postfile, tindex, fieldname: str,
                 frequent: FrequentWords | None, blocklimit: int) -> None:
    """Write a group whose blocks were sent to the helpers, once they are compressed."""
    starts = _write_compressed(encoded, blocks, future, level, postfile, tindex)
    if wanted:
        frequent.add(fieldname, encoded, wanted, starts, blocklimit)


class FrequentWords:
    """The postings of frequent words, passed on as the commit writes them to the
    segment's postings arrays (searchapp.core.postings), which were otherwise read back
    from the segment once it was written: decoding its blocks again took 1.1 s after a
    15 s build of the 6,258 real benchmark documents."""

    def __init__(self, writer: postings_arrays.ArraysWriter) -> None:
        self.writer = writer
        self.failed = False

    def add(self, fieldname: str, encoded: list, wanted: list, starts: list,
            blocklimit: int) -> None:
        """The words of a written group that are wanted: (their place in ``encoded``, word
        bytes, document numbers, weights); ``starts`` are where each word's postings
        begin in the postings file."""
        if self.failed:
            return
        little_endian = postings_arrays.little_endian
        magic = len(whoosh3.WHOOSH3_HEADER_MAGIC)
        for number, tbytes, docs, weights in wanted:
            offsets = []
            position = starts[number] + magic
            for infobytes, databytes in encoded[number][1]:
                offsets.append(position)
                position += _INT_SIZE + len(infobytes) + len(databytes)
            count = len(docs)
            last_docs = [docs[min(first + blocklimit, count) - 1]
                         for first in range(0, count, blocklimit)]
            try:
                self.writer.add(fieldname, tbytes,
                                little_endian(docs if isinstance(docs, array)
                                              else array("I", docs)),
                                little_endian(array("f", weights)), last_docs, offsets)
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


def _submit(helpers: Executor, blocks: list[bytes], level: int) -> Future | None:
    if not blocks:
        return None
    try:
        return helpers.submit(compress_blocks, blocks, level)
    except Exception as exc:  # noqa: BLE001 - a helper that stopped: compress here
        log.warning("Compressing postings here; the helper processes stopped: %s", exc)
        return None


def _write_compressed(encoded: list, blocks: list[bytes], future: Future | None,
                      level: int, postfile, tindex) -> list[int]:
    if blocks:
        compressed = None
        if future is not None:
            try:
                compressed = future.result()
            except Exception as exc:  # noqa: BLE001 - a helper that stopped: compress here
                log.warning("Compressing postings here; a helper process failed: %s", exc)
        if compressed is None:
            compressed = compress_blocks(blocks, level)
        _put_compressed(encoded, compressed)
    return _write_encoded(encoded, postfile, tindex)


def _md5_hash(key: bytes) -> int:
    # filetables.md5_hash, int(md5(key).hexdigest(), 16) & 0xffffffff, without the hex.
    return int.from_bytes(md5(key).digest()[12:], "big")


def _write_encoded(encoded: list, postfile, tindex) -> list[int]:
    """Write encoded words to the postings file and their entries to the terms table, as
    W3PostingsWriter.finish_postings, W3FieldWriter.finish_term, W3TermInfo.to_bytes and
    OrderedHashWriter.add do, with each file written once per group: Whoosh asks each
    file for its position (a system call) for every word. Returns where each word's
    postings start."""
    postings_start = position = postfile.tell()
    postings = []
    terms_file = tindex.dbfile
    terms_start = terms_position = terms_file.tell()
    terms = []
    starts = []
    magic = whoosh3.WHOOSH3_HEADER_MAGIC
    hashfn = _md5_hash if tindex.hashfn is filetables.md5_hash else tindex.hashfn
    buckets = tindex.buckets
    pack_info = _TERM_INFO.pack
    index_append = tindex.index.append
    pack_lengths = filetables._lengths.pack
    last_key = tindex.lastkey
    for key, blocks, (weight, df, min_length, max_length, max_weight, min_id,
                      max_id) in encoded:
        start = position
        starts.append(start)
        postings.append(magic)
        position += len(magic)
        last = len(blocks) - 1
        for number, (infobytes, databytes) in enumerate(blocks):
            length = len(infobytes) + len(databytes)
            postings += (pack_int(-length if number == last else length), infobytes,
                         databytes)
            position += _INT_SIZE + length
        value = pack_info(False, weight, df,
                          0 if min_length is None else _length_byte(min_length),
                          _length_byte(max_length), max_weight, min_id, max_id, start,
                          position - start)
        if key <= last_key:
            raise ValueError(f"Keys must increase: {last_key!r}..{key!r}")
        index_append(terms_position)
        h = hashfn(key)
        buckets[h & 255].append((h, terms_position))
        terms += (pack_lengths(len(key), len(value)), key, value)
        terms_position += _LENGTHS_SIZE + len(key) + len(value)
        last_key = key
    postfile.write(b"".join(postings))
    terms_file.write(b"".join(terms))
    tindex.lastkey = last_key
    if postfile.tell() != position or terms_file.tell() != terms_position:
        raise AssertionError(
            f"postings written from {postings_start} to {postfile.tell()}, expected "
            f"{position}; terms from {terms_start} to {terms_file.tell()}, "
            f"expected {terms_position}")
    return starts


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
