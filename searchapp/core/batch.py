"""A batch of documents analysed in a full build's worker process, its postings as arrays.

Runs only in the build's worker processes (numpy is imported here, never by the window).
The analysis is the one the schema's fields define (schema.StemmingAnalyzer and
PlainAnalyzer), done a batch of documents at a time: the work for each word occurrence is
left to C (a regular-expression split, a dictionary lookup through ``map``), and the
postings, Whoosh's pickled character lists included, are made with numpy over the batch's
documents, many at a time. The Python loop over each occurrence that this replaces took
60% of a worker's time at 100,000 documents; bench/analysis.md has the figures.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator
from itertools import accumulate

import numpy as np
from whoosh import fields, formats

from searchapp.core.errors import UnreadableDocumentError
from searchapp.core.schema import (
    TOKEN_PATTERN,
    InBatch,
    PlainAnalyzer,
    StemmingAnalyzer,
    _fold,
    _stemmed,
)

# The words and what lies between them, in order: the words at the odd places.
_SPLIT = re.compile(f"({TOKEN_PATTERN})")

# How many words as written (counted once for their stems and once for their folded forms)
# each worker remembers the analysis of; beyond it, the memory is emptied between two
# batches. Each costs about 155 bytes (measured with tracemalloc), so this is about 37 MB.
# The 100,000-document benchmark has 213,000, so there it is never emptied; a larger
# vocabulary costs the analysis of its words again after each emptying.
REMEMBERED_WORDS = 250_000

# The highest integer the postings below pickle in four bytes (pickle's BININT is signed):
# a longer text, which no file under the size limits should give, is not indexed.
_MAX_INT = 2**31 - 1


class _Numbers(dict):
    """Each word as written, mapped to the number of what the analysis makes of it (a stem,
    or the folded word) in ``words``, analysed at the first lookup only."""

    def __init__(self, analyse: Callable[[str], str]) -> None:
        super().__init__()
        self.analyse = analyse
        self.numbers: dict[str, int] = {}
        self.words: list[str] = []

    def __missing__(self, written: str) -> int:
        word = self.analyse(written)
        number = self.numbers.get(word)
        if number is None:
            number = self.numbers[word] = len(self.words)
            self.words.append(word)
        self[written] = number
        return number


# The stemmer without its cache: these dictionaries are the cache.
_stem = _stemmed.__wrapped__
_stems = _Numbers(_stem)
_folds = _Numbers(_fold)


def _forget_if_full() -> None:
    global _stems, _folds
    if len(_stems) + len(_folds) > REMEMBERED_WORDS:
        _stems, _folds = _Numbers(_stem), _Numbers(_fold)


class _Occurrences:
    """One field's word occurrences over a batch: each one's word number (in ``numbers``),
    its start and end in the text, and how many each document has."""

    def __init__(self, numbers: _Numbers) -> None:
        self.numbers = numbers
        self.words = array("I")
        self.starts = array("I")
        self.ends = array("I")
        self.documents: list[int] = []
        self.counts: list[int] = []

    def add(self, document: int, text: str) -> list[str]:
        """Add a document's text; returns its words as written."""
        pieces = _SPLIT.split(text)
        written = pieces[1::2]
        self.words.extend(map(self.numbers.__getitem__, written))
        ends = list(accumulate(map(len, pieces)))
        self.starts.extend(ends[0:-1:2])
        self.ends.extend(ends[1::2])
        self.documents.append(document)
        self.counts.append(len(written))
        return written


def _int_sizes(values):
    """The bytes pickle takes for each of these integers: an opcode and 1, 2 or 4 bytes."""
    return np.where(values < 256, 2, np.where(values < 65536, 3, 5))


def _put_uint32(out, at, values, byteorder: str) -> None:
    """Write these integers into ``out`` at ``at``, four bytes each in that byte order."""
    for byte in range(4):
        shift = 8 * (byte if byteorder == "little" else 3 - byte)
        out[at + byte] = (values >> shift) & 255


def _put_ints(out, at, values):
    """Pickle these integers (BININT1, BININT2 or BININT, below 2**31) into ``out`` at
    ``at``; returns where each ends."""
    small = values < 256
    medium = ~small & (values < 65536)
    large = values >= 65536
    where, value = at[small], values[small]
    out[where] = ord("K")
    out[where + 1] = value
    where, value = at[medium], values[medium]
    out[where] = ord("M")
    out[where + 1] = value & 255
    out[where + 2] = value >> 8
    where, value = at[large], values[large]
    out[where] = ord("J")
    _put_uint32(out, where + 1, value, "little")
    return at + np.where(small, 2, np.where(medium, 3, 5))


# Postings are made for whole documents of about this many word occurrences at a time,
# which bounds the arrays below (about 150 bytes an occurrence, for a moment): a batch of
# long speeches (4.5 MB, 800,000 occurrences) made at once had taken a worker from 114 MB
# to 248 MB.
CHUNK_OCCURRENCES = 65_536


def _chunks(occurrences: _Occurrences) -> Iterator[tuple]:
    """The occurrences in chunks of whole documents: each chunk's word numbers, starts and
    ends, and its documents and their counts of occurrences."""
    counts = np.array(occurrences.counts, np.int64)
    documents = np.array(occurrences.documents, np.uint32)
    words = np.frombuffer(occurrences.words, np.uint32)
    starts = np.frombuffer(occurrences.starts, np.uint32)
    ends = np.frombuffer(occurrences.ends, np.uint32)
    document_ends = np.cumsum(counts)
    first_document = first = 0
    while first_document < counts.size:
        last_document = max(first_document + 1, int(np.searchsorted(
            document_ends, first + CHUNK_OCCURRENCES, side="right")))
        last = int(document_ends[last_document - 1])
        if last > first:
            yield (words[first:last], starts[first:last], ends[first:last],
                   documents[first_document:last_document],
                   counts[first_document:last_document])
        first_document, first = last_document, last


def _keys(words, documents, counts):
    """Each occurrence's posting, as (document << 32 | word number)."""
    return (np.repeat(documents.astype(np.uint64), counts) << np.uint64(32)) | words


def _grouped(words, documents, counts) -> tuple:
    """Occurrences put together by posting (document, then word number), each document's
    in the order of its text: the order, each one's key (_keys) and its position in its
    document's text."""
    positions = np.arange(words.size, dtype=np.int32) - np.repeat(
        (np.cumsum(counts) - counts).astype(np.int32), counts)
    keys = _keys(words, documents, counts)
    order = np.argsort(keys, kind="stable")
    return order, keys[order], positions[order]


def _characters_postings(occurrences: _Occurrences, boost: float) -> tuple | None:
    """The postings of a field in Whoosh's Characters format, as BatchPostings' columns:
    per document and word, the word's count, its weight (count × boost) and its value,
    ``pack_uint(count) + pickle.dumps(deltas, 2)`` where ``deltas`` lists (position,
    start, length) for each occurrence, position and start as distances from the last
    occurrence's position and end. That pickle is written here byte for byte as
    Python's pickler writes it (a test compares them): the list, then each tuple
    memoised under the next number, appended in batches of 1000."""
    keys, counts, lengths, values = [], [], [], []
    for chunk in _chunks(occurrences):
        chunk_keys, chunk_counts, chunk_lengths, chunk_values = _characters_chunk(*chunk)
        keys.append(chunk_keys)
        counts.append(chunk_counts)
        lengths.append(chunk_lengths)
        values.append(chunk_values)
    if not keys:
        return None
    return _columns(np.concatenate(keys), occurrences.numbers.words,
                    np.concatenate(counts) * boost, np.concatenate(lengths),
                    b"".join(values))


def _characters_chunk(words, starts, ends, documents, counts) -> tuple:
    """_characters_postings for one chunk: the postings' keys, counts, value lengths and
    values."""
    total = words.size
    order, keys, positions = _grouped(words, documents, counts)
    starts = starts.astype(np.int32)[order]
    ends = ends.astype(np.int32)[order]
    del order
    first = np.empty(total, bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    last = np.empty(total, bool)
    last[:-1] = first[1:]
    last[-1] = True
    posting_starts = np.flatnonzero(first)
    posting_counts = np.diff(np.append(posting_starts, total))
    posting_of = np.cumsum(first, dtype=np.int32) - 1
    index = np.arange(total, dtype=np.int32) - posting_starts[posting_of].astype(np.int32)
    memo = index + 1  # the list itself is memoised as 0
    several = posting_counts[posting_of] > 1
    del posting_of
    position_deltas = positions.copy()
    position_deltas[1:] -= np.where(first[1:], 0, positions[:-1])
    del positions
    start_deltas = starts.copy()
    start_deltas[1:] -= np.where(first[1:], 0, ends[:-1])
    lengths = ends - starts
    del starts, ends
    # Before an occurrence: for the first, the count (4 bytes), PROTO 2, EMPTY_LIST,
    # BINPUT 0 and MARK unless it is alone; every 1000th, APPENDS and MARK. After the
    # last: APPEND (alone) or APPENDS, and STOP.
    before = np.where(first, 9 + several, np.where(index % 1000 == 0, 2, 0))
    sizes = (before + _int_sizes(position_deltas) + _int_sizes(start_deltas)
             + _int_sizes(lengths) + 1 + np.where(memo < 256, 2, 5) + 2 * last)
    at = np.cumsum(sizes) - sizes
    out = np.zeros(int(at[-1] + sizes[-1]), np.uint8)
    heads = at[first]
    _put_uint32(out, heads, posting_counts, "big")  # pack_uint
    for offset, opcode in enumerate(b"\x80\x02]q\x00"):
        out[heads + 4 + offset] = opcode
    out[heads[posting_counts > 1] + 9] = ord("(")
    batch_starts = at[~first & (index % 1000 == 0)]
    out[batch_starts] = ord("e")
    out[batch_starts + 1] = ord("(")
    at += before
    at = _put_ints(out, at, position_deltas)
    at = _put_ints(out, at, start_deltas)
    at = _put_ints(out, at, lengths)
    out[at] = 0x87  # TUPLE3
    at += 1
    short = memo < 256
    out[at[short]] = ord("q")  # BINPUT
    out[at[short] + 1] = memo[short]
    where, value = at[~short], memo[~short]
    out[where] = ord("r")  # LONG_BINPUT
    _put_uint32(out, where + 1, value, "little")
    at += np.where(short, 2, 5)
    tails = at[last]
    out[tails] = np.where(posting_counts == 1, ord("a"), ord("e"))
    out[tails + 1] = ord(".")
    return (keys[posting_starts], posting_counts, np.add.reduceat(sizes, posting_starts),
            out.tobytes())


def _existence_postings(occurrences: _Occurrences, boost: float) -> tuple | None:
    """The postings of a field in Whoosh's Existence format, as BatchPostings' columns:
    each word once per document, with the field's boost as its weight and no value."""
    keys = [np.unique(_keys(words, documents, counts))
            for words, _, _, documents, counts in _chunks(occurrences)]
    if not keys:
        return None
    keys = np.concatenate(keys)
    return _columns(keys, occurrences.numbers.words, np.full(keys.size, boost),
                    np.zeros(keys.size, np.uint32), b"")


def _columns(keys, words: list[str], weights, value_lengths, values: bytes) -> tuple:
    """BatchPostings' columns of postings given as (document << 32 | word number) keys in
    document order, the words numbered afresh from 0 for the batch."""
    documents = (keys >> np.uint64(32)).astype(np.uint32)
    used, numbers = np.unique((keys & np.uint64(0xFFFFFFFF)).astype(np.uint32),
                              return_inverse=True)
    return ([words[number].encode("utf-8") for number in used.tolist()],
            np.arange(used.size, dtype=np.uint32).tobytes(),
            numbers.astype(np.uint32).tobytes(), documents.tobytes(),
            np.asarray(weights, np.float64).tobytes(),
            np.asarray(value_lengths, np.uint32).tobytes(), values)


class BatchPostings:
    """The text fields' postings of a batch of documents analysed in a worker process, kept
    as a few arrays per field rather than a tuple per posting. The single writer adds
    them a batch at a time with numpy (TermPool.add_batch) where it added each posting
    in Python: on the 6,258 real benchmark documents (2.6 million postings), the writer's
    adding went from 5.5-6.4 to 1.6-1.7 CPU s, unpickling included, most of what is left
    being the documents' stored fields (bench/experiments/writer_replay.py).

    The title and body are analysed for the schema's stemming analyser; the spelling
    field's words are the title's and body's words (as index._document_values makes
    them), taken from the same split of the text."""

    def __init__(self, schema: fields.Schema) -> None:
        _forget_if_full()
        self.schema = schema
        for name, analyzer, fmt in (("title", StemmingAnalyzer, formats.Characters),
                                    ("body", StemmingAnalyzer, formats.Characters),
                                    ("spell", PlainAnalyzer, formats.Existence)):
            field = schema[name]
            if not (isinstance(field.analyzer, analyzer) and type(field.format) is fmt):
                raise TypeError(f"the {name} field is not analysed as BatchPostings does")
        self.title = _Occurrences(_stems)
        self.body = _Occurrences(_stems)
        self.spell = _Occurrences(_folds)
        self.documents = 0

    def add_document(self, values: dict) -> dict:
        """Analyse one document's text fields into the batch. Returns its field values for
        add_document, each text field replaced by its length (InBatch) and its text
        passed on as Whoosh's ``_stored_<field>`` value. A spelling value in ``values``
        is not read: the title's and body's words are the spelling field's. A text too
        long to index raises UnreadableDocumentError, and leaves the batch as it was."""
        for name in ("title", "body"):
            if len(values.get(name) or "") > _MAX_INT:
                raise UnreadableDocumentError(
                    f"too long to index ({len(values[name]):,} characters of text)")
        document = self.documents
        self.documents += 1
        prepared = dict(values)
        written: list[str] = []
        for name, occurrences in (("title", self.title), ("body", self.body)):
            value = values.get(name)
            if value is None:
                continue
            words = occurrences.add(document, value)
            written += words
            field = self.schema[name]
            prepared[name] = InBatch(len(words) if field.scorable else 0)
            if field.stored:
                prepared[f"_stored_{name}"] = value
        self.spell.words.extend(map(self.spell.numbers.__getitem__, written))
        self.spell.documents.append(document)
        self.spell.counts.append(len(written))
        prepared["spell"] = InBatch(0)
        return prepared

    def columns(self) -> dict[str, tuple]:
        """Each field's postings: (words, their numbers, each posting's word number,
        document, weight, value length, then the values end to end), arrays in this
        machine's byte order (the writer is on it too); a field without any is left
        out."""
        schema = self.schema
        postings = {
            "title": _characters_postings(self.title, schema["title"].format.field_boost),
            "body": _characters_postings(self.body, schema["body"].format.field_boost),
            "spell": _existence_postings(self.spell, schema["spell"].format.field_boost),
        }
        return {name: columns for name, columns in postings.items() if columns}
