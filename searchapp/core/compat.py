"""Corrections to Whoosh 2.7.4 that SearchApp depends on, applied once on import.

Whoosh 2.7.4 is the last release of the original distribution (the forks change behaviour
we rely on, see pyproject.toml), so its known faults are mended here rather than upstream.
"""

import functools
import os
import struct
import zlib

from whoosh import columns, fields, formats
from whoosh.analysis import morph
from whoosh.codec import whoosh3
from whoosh.compat import dumps
from whoosh.filedb import compound, structfile
from whoosh.query import spans
from whoosh.util.numeric import length_to_byte


def _cached_column_reader(self, fieldname, column):
    # 2.7.4 caches a length column only when the field has one: for an unscored field
    # (our spelling field) it asked the disk again for every posting — 1.68 million stat()
    # calls and 14% of a 6,258-document build (bench/RESULTS.md). A missing column is
    # remembered as None.
    readers = self._readers
    if fieldname not in readers:
        readers[fieldname] = (self.column_reader(fieldname, column)
                              if self.has_column(fieldname) else None)
    return readers[fieldname]


whoosh3.W3PerDocReader._cached_reader = _cached_column_reader


def _cached_stemmer(self):
    # 2.7.4 caches stems in a least-frequently-used cache written in Python, whose
    # bookkeeping on every word cost about an eighth of analysing a document. The stems
    # are the same from functools' cache, which is written in C.
    if self.lang:
        from whoosh.lang import stemmer_for_language

        stemfn = stemmer_for_language(self.lang)
    else:
        stemfn = self.stemfn
    if isinstance(self.cachesize, int) and self.cachesize != 0:
        maxsize = None if self.cachesize < 0 else self.cachesize
        self._stem = functools.lru_cache(maxsize=maxsize)(stemfn)
    else:
        self._stem = stemfn


morph.StemFilter.clear = _cached_stemmer

# Postings blocks whose pickle is shorter than this are stored uncompressed.
UNCOMPRESSED_BLOCK_BYTES = 96


def _write_block(self, last=False):
    # 2.7.4 means to leave small blocks uncompressed, but its test is overwritten on the next
    # line, so every block goes through zlib. Most terms of a small segment have one or two
    # postings: in a 100-file update 80% of the blocks were under 96 bytes and zlib made
    # them larger. Storing those as they are took that update's commit from 0.56 to 0.49 s
    # and its segment from 4.20 to 4.11 MB. Each block records whether it is compressed,
    # so readers take either kind, and indexes written before read as they did.
    if not self._blockcount:
        self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
    self._terminfo.add_block(self)
    databytes = dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
    comp = self._compression if len(databytes) >= UNCOMPRESSED_BLOCK_BYTES else 0
    if comp:
        databytes = zlib.compress(databytes, comp)
    ids = self._ids
    infobytes = dumps((len(ids), ids[-1], self._maxweight, comp,
                       length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
    blocklength = len(infobytes) + len(databytes)
    self._postfile.write_int(-blocklength if last else blocklength)
    self._postfile.write(infobytes)
    self._postfile.write(databytes)
    self._blockcount += 1
    self._new_block()


whoosh3.W3PostingsWriter._write_block = _write_block


# Bytes a postings block's header is read in (they take 20 to 40).
PEEK = 256


class _PartFile:
    """A read-only file over one part of a segment: where reading stands, and seeking."""

    __slots__ = ("_pos", "_length")

    def _advance(self, size: int | None) -> tuple[int, int]:
        """The span that reading ``size`` bytes (the rest, when negative) covers from
        where reading stands, and move past it."""
        start = self._pos
        end = self._length if size is None or size < 0 else min(self._length, start + size)
        self._pos = max(start, end)
        return start, end

    def seek(self, position: int, whence: int = 0) -> int:
        if whence == 1:
            position += self._pos
        elif whence == 2:
            position += self._length
        self._pos = position
        return position

    def tell(self) -> int:
        return self._pos


class _ViewFile(_PartFile):
    """A read-only file over a slice of the segment's memory map: no copy is made."""

    __slots__ = ("_view",)

    def __init__(self, view) -> None:
        self._view = memoryview(view)
        self._pos = 0
        self._length = len(self._view)

    def read(self, size: int = -1) -> bytes:
        start, end = self._advance(size)
        return self._view[start:end].tobytes()

    def peek(self, size: int = 1) -> bytes:
        # Lets the unpickler read a postings block's header in one piece instead of asking
        # for it a few bytes at a time (about twenty calls per block). It asks for 128 KB;
        # a peek may give less, and it reads on when a header is longer.
        return self._view[self._pos:self._pos + PEEK].tobytes()

    def readline(self, size: int = -1) -> bytes:
        rest = self._view[self._pos:]
        index = bytes(rest[:4096]).find(b"\n") if size < 0 else -1
        end = self._length if index < 0 else self._pos + index + 1
        if size >= 0:
            end = min(end, self._pos + size)
        line = self._view[self._pos:end].tobytes()
        self._pos = end
        return line

    def close(self) -> None:
        self._view.release()


class _MappedSubFile(structfile.BufferFile):
    # 2.7.4 wraps each sub-file of a compound segment in io.BytesIO, which copies it out of
    # the memory map: opening a 6,258-document index took a query process from 30 to 167 MB
    # (1.2 GB at 100,000 documents). Reading through the map directly keeps only the pages
    # in use, at the same query speed (bench/RESULTS.md).
    def __init__(self, buf, name=None, onclose=None) -> None:
        self._buf = buf
        self._name = name
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False
        self.file = _ViewFile(buf)


compound.BufferFile = _MappedSubFile

# The two big parts of a segment that are read a few scattered pieces at a time: the
# postings, and the stored fields (each document's title, path, date and text, read for
# each row of the result list, the reader and the related articles).
READ_NOT_MAPPED = (".pst", "._stored.col")
# Bytes read at once: a postings block's length, header and, for most blocks, data.
READ_AHEAD = 4096


class _ReadFile(_PartFile):
    """A read-only file over part of the segment, read with ``os.pread``.

    Reading a piece through the memory map made the kernel map the cached pages around it
    into the window too (up to 64 KB for a 2 KB document's stored fields): after the
    benchmark's 60 queries at 100,000 documents, 190 MB of postings and 192 MB of stored
    fields sat in the window's resident memory. Read this way, the pieces stay in the
    system's file cache, where repeated reads find them, and the window holds only what it
    decodes.
    """

    # What was last read ahead, as (where it starts, the bytes): one attribute, so that a
    # reader always sees a start and bytes that belong together.
    __slots__ = ("_fd", "_start", "_ahead")

    def __init__(self, fd: int, start: int, length: int) -> None:
        self._fd = fd
        self._start = start
        self._length = length
        self._pos = 0
        self._ahead = (0, b"")

    def _pread(self, start: int, size: int) -> bytes:
        data = os.pread(self._fd, size, self._start + start)
        if len(data) < size:
            raise OSError(f"the index file ended early (read {len(data)} of {size} bytes)")
        return data

    def get(self, start: int, size: int) -> bytes:
        """``size`` bytes from ``start``, where reading stands unchanged (as Whoosh's
        reads of a document's stored fields or a block's data expect)."""
        at, ahead = self._ahead
        if at <= start and start + size - at <= len(ahead):
            return ahead[start - at:start + size - at]
        return self._pread(start, max(0, min(size, self._length - start)))

    def read(self, size: int = -1) -> bytes:
        start, end = self._advance(size)
        if end <= start:
            return b""
        at, ahead = self._ahead
        if at <= start and end - at <= len(ahead):
            return ahead[start - at:end - at]
        data = self._pread(start, min(max(end - start, READ_AHEAD), self._length - start))
        self._ahead = (start, data)
        return data if len(data) == end - start else data[:end - start]

    def peek(self, size: int = 1) -> bytes:
        # As _ViewFile.peek: what is read ahead from here, read first if need be.
        start = self._pos
        at, ahead = self._ahead
        if not at <= start < at + len(ahead):
            if start >= self._length:
                return b""
            at, ahead = start, self._pread(start, min(READ_AHEAD, self._length - start))
            self._ahead = (at, ahead)
        return ahead[start - at:]

    def readline(self, size: int = -1) -> bytes:
        line = b""
        while size < 0 or len(line) < size:
            chunk = self.read(1)
            line += chunk
            if not chunk or chunk == b"\n":
                break
        return line

    def close(self) -> None:
        self._ahead = (0, b"")


class _ReadSubFile(structfile.StructFile):
    """Whoosh's structured file over a _ReadFile, whose reads at a position leave where
    reading stands alone, as they do over the memory map."""

    def get(self, position: int, length: int) -> bytes:
        return self.file.get(position, length)

    def get_array(self, position: int, typecode: str, length: int):
        return structfile.BufferFile.get_array(self, position, typecode, length)


_compound_init = compound.CompoundStorage.__init__
_compound_open_file = compound.CompoundStorage.open_file
_compound_close = compound.CompoundStorage.close


def _compound_storage_init(self, dbfile, use_mmap=True, basepos=0) -> None:
    # The segment file stays open (a duplicate of Whoosh's handle, which it closes once the
    # file is mapped) for the parts read with pread. Without one (no pread on this system,
    # or no file handle left), every part is read through the map, as Whoosh does.
    self._read_fd = None
    if hasattr(os, "pread") and hasattr(dbfile, "fileno"):
        try:
            self._read_fd = os.dup(dbfile.fileno())
        except OSError:
            pass
    try:
        _compound_init(self, dbfile, use_mmap, basepos)
    except BaseException:
        if self._read_fd is not None:
            os.close(self._read_fd)
        raise


def _compound_storage_open_file(self, name, *args, **kwargs):
    fd = getattr(self, "_read_fd", None)
    if fd is None or self.is_closed or not name.endswith(READ_NOT_MAPPED):
        return _compound_open_file(self, name, *args, **kwargs)
    offset, length = self.range(name)
    return _ReadSubFile(_ReadFile(fd, offset, length), name=name)


def _compound_storage_close(self) -> None:
    try:
        _compound_close(self)
    finally:
        fd, self._read_fd = getattr(self, "_read_fd", None), None
        if fd is not None:
            os.close(fd)


compound.CompoundStorage.__init__ = _compound_storage_init
compound.CompoundStorage.open_file = _compound_storage_open_file
compound.CompoundStorage.close = _compound_storage_close



def column_values(segment, fieldname: str) -> list:
    """One column's values for every document of a segment (deleted ones too), decoded.

    Whoosh reads a column value by value, through two wrappers; reading the two kinds of
    column that change detection needs in one piece took the indexed states of 100,000
    documents from 0.50 to 0.17 s. Other kinds are read Whoosh's way.
    """
    field = segment.schema[fieldname]
    raw = segment.column_reader(fieldname, translate=False)
    if type(raw) is columns.NumericColumn.Reader:
        count = raw._count
        data = raw._dbfile.get(raw._basepos, count * raw._fixedlen)
        values = list(struct.unpack(f"!{count}{raw._typecode}", data))
        values += [raw._default] * (raw._doccount - count)
    elif type(raw) is columns.VarBytesColumn.Reader:
        data = raw._dbfile.get(raw._basepos, sum(raw._lengths))
        values, start = [], 0
        for length in raw._lengths:
            values.append(data[start:start + length])
            start += length
    else:
        values = list(raw)
    # Decoded as Whoosh would, without a call per value for the two common field types.
    if type(field) is fields.NUMERIC and field.numtype is int and not field.decimal_places:
        offset = 1 << (field.bits - 1) if field.signed else 0
        return [value - offset for value in values]
    if type(field) is fields.ID:
        return [value.decode("utf-8") for value in values]
    return [field.from_column_value(value) for value in values]


_near_spans = spans.SpanNear2.SpanNear2Matcher._get_spans


def _phrase_spans(self):
    # An exact phrase (ordered, next to each other) is checked on plain positions: the
    # starts where word i sits at start + i for every i, found with set intersections from
    # the rarest word. 2.7.4 built a Span object for every position of every word in every
    # candidate document and compared them pairwise: "state of the union" on 100,000
    # documents took 3.4 s, now 1.4 s (bench/RESULTS.md). Each word's postings are decoded
    # once, with their character offsets, and Spans (for highlighting) are made only for
    # the matches.
    ms = self.ms
    if not (self.ordered and self.slop == 1 and self.mindist == 1 and len(ms) > 1
            and all(isinstance(getattr(m, "format", None), formats.Characters)
                    for m in ms)):
        return _near_spans(self)
    last = len(ms) - 1
    # The first and last words with their character offsets (position, start, end), the
    # words between (often "of", "the") as bare positions, which decode faster.
    matches = phrase_matches(ms[0].value_as("characters"),
                             [m.value_as("positions") for m in ms[1:last]],
                             ms[last].value_as("characters"))
    return [spans.Span(start, start + last, startchar=startchar, endchar=endchar)
            for start, startchar, endchar in matches]


def phrase_matches(first_chars: list, middle: list[list[int]],
                   last_chars: list) -> list[tuple[int, int, int]]:
    """Where the words of an exact phrase stand next to each other in order, from the first
    and last words' (position, start char, end char) entries and the positions of the words
    between: (position of the first word, its start char, the last word's end char), in
    order. The starts are found with set intersections, from the rarest word."""
    positions = [[entry[0] for entry in first_chars], *middle,
                 [entry[0] for entry in last_chars]]
    last = len(positions) - 1
    starts = None
    for i in sorted(range(len(positions)), key=lambda i: len(positions[i])):
        shifted = {position - i for position in positions[i]}
        starts = shifted if starts is None else starts & shifted
        if not starts:
            return []
    firsts = {entry[0]: entry for entry in first_chars}
    lasts = {entry[0]: entry for entry in last_chars}
    return [(start, firsts[start][1], lasts[start + last][2]) for start in sorted(starts)]


spans.SpanNear2.SpanNear2Matcher._get_spans = _phrase_spans
