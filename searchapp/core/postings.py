"""Each index segment's frequent words' postings, kept as plain arrays beside the segment.

Whoosh stores a word's postings in blocks that pickle document numbers, weights and
positions together and compress them, so reading which documents hold "people" on
100,000 articles (30,000 of them) means decompressing and unpickling every position too:
about 30 ms of a search. For every word of the title and body found in at least
``MIN_DOCS`` documents, a segment's ``.arrays`` file holds the document numbers (int32)
and weights (float32) as they are, which a search maps into memory and uses without
decoding anything. Rarer words cost little to read Whoosh's way and are not kept.

The file is derived from the segment: the commit that writes the segment writes it from
the postings in hand (searchapp.core.pool), and an indexing pass that finds one missing
reads it from the segment (``write_missing``). It bears the segment's name, so Whoosh
deletes it with the segment. A missing or damaged one only makes searches slower: they
read the segment instead.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import shutil
import struct
import sys
from array import array
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.codec.whoosh3 import W3LeafMatcher

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

FIELDS = ("title", "body")
# Words in fewer documents than this are read from the segment itself (at most a block or
# two of postings: a fraction of a millisecond).
MIN_DOCS = 128
SUFFIX = ".arrays"
_MAGIC = b"SAPOSTINGS2\n"
_HEADER = struct.Struct("<Q")


def read_blocks(matcher: W3LeafMatcher, directory: list | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """A word's document numbers (segment-local) and weights, decoded from its postings
    blocks; positions are unpickled with them but never turned into objects. With
    ``directory``, each block's (last document number, offset) is appended to it."""
    import numpy as np

    id_parts, weight_parts = [], []
    offset = matcher._baseoffset
    while not matcher._atend:
        count = matcher._blocklength
        if directory is not None:
            directory.append((matcher._maxid, offset))
        offset = matcher._nextoffset
        if count:
            matcher._read_data()
            ids, weights = matcher._data[0], matcher._data[1]
            ids = np.asarray(ids, dtype=np.int64)
            id_parts.append(ids if matcher._byteids else np.cumsum(ids))
            if weights is None:
                weight_parts.append(np.ones(count, dtype=np.float64))
            elif isinstance(weights, float):
                weight_parts.append(np.full(count, weights, dtype=np.float64))
            else:
                weight_parts.append(np.asarray(weights, dtype=np.float64))
        matcher._next_block()
    if not id_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    if len(id_parts) == 1:
        return id_parts[0], weight_parts[0]
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def raw_matcher(reader, fieldname: str, btext: bytes):
    """The segment's own postings reader for a word, deleted documents included."""
    return reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format,
                                 scorer=None)


def _path_of(reader) -> Path | None:
    storage = reader.storage()
    # A compound segment is read through an overlay of its own file on the index folder.
    folder = getattr(storage, "folder", None) or getattr(getattr(storage, "b", None),
                                                         "folder", None)
    if folder is None:
        return None
    return Path(folder) / f"{reader.segment().segment_id()}{SUFFIX}"


def _segment_readers(index_reader) -> list:
    return [leaf for leaf, _offset in index_reader.leaf_readers()]


def write_missing(index) -> int:
    """Write the arrays of every segment of ``index`` that has none; returns how many
    were written. Failing to write one (a full disk) is logged and leaves it missing."""
    written = 0
    with index.reader() as index_reader:
        for reader in _segment_readers(index_reader):
            if reader.doc_count_all() < MIN_DOCS:
                # No word can be in enough of its documents: the small segment of an
                # update has nothing to keep, and the update does not even load numpy.
                continue
            path = _path_of(reader)
            if path is None or _usable(path, reader):
                continue
            try:
                _write(reader, path)
                written += 1
            except (OSError, ValueError) as exc:
                log.warning("Could not write %s: %s", path, exc)
    return written


def _usable(path: Path, reader) -> bool:
    try:
        with open(path, "rb") as handle, \
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            _layout(data, reader.doc_count_all())
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


def _layout(data, doc_count: int) -> tuple[dict, int, int]:
    """The word table of a mapped ``.arrays`` file and its numbers of postings and blocks,
    after checking that the file is whole and made for a segment of ``doc_count``."""
    if len(data) < len(_MAGIC) + _HEADER.size or data[:len(_MAGIC)] != _MAGIC:
        raise ValueError("not a postings arrays file")
    (length,) = _HEADER.unpack_from(data, len(data) - _HEADER.size)
    begin = len(data) - _HEADER.size - length
    if begin < len(_MAGIC):
        raise ValueError("damaged")
    header = json.loads(bytes(data[begin:begin + length]).decode("utf-8"))
    if header["doc_count"] != doc_count:
        raise ValueError("made for another segment")
    total, blocks = header["postings"], header["blocks"]
    if begin != len(_MAGIC) + 8 * total + 12 * blocks:
        raise ValueError("truncated")
    return header["terms"], total, blocks


def _write(reader, path: Path) -> None:
    """Write a segment's arrays from the segment itself (one written before the commit
    wrote them, or whose file was lost)."""
    writer = ArraysWriter(path)
    try:
        for fieldname in FIELDS:
            if fieldname not in reader.schema:
                continue
            for btext, info in reader.iter_field(fieldname):
                if info.doc_frequency() < MIN_DOCS:
                    continue
                directory: list = []
                ids, weights = read_blocks(raw_matcher(reader, fieldname, btext), directory)
                writer.add(fieldname, btext, ids.astype("<i4").tobytes(),
                           weights.astype("<f4").tobytes(), [m for m, _ in directory],
                           [o for _, o in directory])
        writer.finish(reader.doc_count_all())
    except BaseException:
        writer.discard()
        raise


def little_endian(numbers: array) -> bytes:
    """An array's bytes in the order the file keeps them."""
    if sys.byteorder != "little":
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return numbers.tobytes()


class ArraysWriter:
    """Writes one segment's ``.arrays`` file a word at a time: at commit, from the postings
    the writer has in hand (searchapp.core.pool), or afterwards from the segment.

    Laid out as: magic, every document number (int32), every weight (float32), every
    block's last document number (int32) and offset in the postings file (int64), the
    word table (JSON), its length. Document numbers go straight to the file and the rest
    to spool files appended at the end, so memory holds one word's postings at a time."""

    def __init__(self, path: Path, scratch: Path | None = None) -> None:
        """``scratch`` names the files written until ``finish`` (by default, the file's
        name with ``.part``, and numbered ones beside it)."""
        self.path = path
        scratch = scratch or path.with_name(path.name + ".part")
        self._partial = scratch
        self._spools = [scratch.with_name(f"{scratch.stem}.{n}{scratch.suffix}")
                        for n in range(3)]
        self._terms: dict[str, list] = {}
        self._total = self._blocks = 0
        self._files: list = []
        try:
            self._files = [open(self._partial, "wb"),
                           *(open(spool, "w+b") for spool in self._spools)]
            self._files[0].write(_MAGIC)
        except BaseException:
            self.discard()
            raise

    def add(self, fieldname: str, btext: bytes, ids: bytes, weights: bytes,
            maxids: list[int], offsets: list[int]) -> None:
        """One word's document numbers (int32) and weights (float32), as little-endian
        bytes, and its postings blocks' last document numbers and offsets."""
        out, weights_out, maxids_out, offsets_out = self._files
        count = len(ids) // 4
        out.write(ids)
        weights_out.write(weights)
        maxids_out.write(little_endian(array("i", maxids)))
        offsets_out.write(little_endian(array("q", offsets)))
        self._terms.setdefault(fieldname, []).append(
            (btext.decode("utf-8"), self._total, count, self._blocks, len(maxids)))
        self._total += count
        self._blocks += len(maxids)

    def finish(self, doc_count: int) -> None:
        """Complete the file, for a segment of ``doc_count`` documents, and put it in
        place."""
        out = self._files[0]
        for spool in self._files[1:]:
            spool.seek(0)
            shutil.copyfileobj(spool, out)
        header = json.dumps({"doc_count": doc_count, "postings": self._total,
                             "blocks": self._blocks, "terms": self._terms},
                            ensure_ascii=False).encode("utf-8")
        out.write(header + _HEADER.pack(len(header)))
        out.flush()
        os.fsync(out.fileno())
        for handle in self._files:
            handle.close()
        self._files = []
        os.replace(self._partial, self.path)
        self.discard()  # the spools

    def discard(self) -> None:
        """Close and delete what was written (the file in place, if any, stays)."""
        for handle in self._files:
            try:
                handle.close()
            except OSError:
                pass
        self._files = []
        for leftover in (self._partial, *self._spools):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass


class SegmentArrays:
    """A segment's ``.arrays`` file, mapped into memory."""

    def __init__(self, path: Path, doc_count: int) -> None:
        import numpy as np

        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        data = self._map
        terms, total, blocks = _layout(data, doc_count)
        base = len(_MAGIC)
        self._ids = np.frombuffer(data, dtype="<i4", count=total, offset=base)
        base += 4 * total
        self._weights = np.frombuffer(data, dtype="<f4", count=total, offset=base)
        base += 4 * total
        self._maxids = np.frombuffer(data, dtype="<i4", count=blocks, offset=base)
        base += 4 * blocks
        self._offsets = np.frombuffer(data, dtype="<i8", count=blocks, offset=base)
        self._terms = {(fieldname, text): tuple(entry)
                       for fieldname, listed in terms.items()
                       for text, *entry in listed}

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """A word's document numbers and weights, if it is kept here."""
        found = self._terms.get((fieldname, text))
        if found is None:
            return None
        start, count, _, _ = found
        return self._ids[start:start + count], self._weights[start:start + count]

    def blocks(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Each postings block's last document number and offset in the postings file,
        so that one document's positions are read without walking the blocks before it."""
        found = self._terms.get((fieldname, text))
        if found is None:
            return None
        _, _, start, count = found
        return self._maxids[start:start + count], self._offsets[start:start + count]


# Opened files, by path: a segment never changes, so its file serves every searcher.
_opened: dict[str, SegmentArrays] = {}


def arrays_of(reader) -> SegmentArrays | None:
    """The arrays of a segment reader's segment, or None when it has none usable."""
    path = _path_of(reader)
    if path is None:
        return None
    key = str(path)
    if _opened.get(key) is not None:
        return _opened[key]
    try:
        found = SegmentArrays(path, reader.doc_count_all())
    except FileNotFoundError:
        return None  # not written yet: looked for again next time
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("Ignoring %s: %s", path, exc)
        return None
    # Files of segments that are gone (merged away, or a rebuilt index's old generation) are
    # let go, so their disk space is freed once no searcher uses them.
    for gone in [name for name in _opened if not os.path.exists(name)]:
        del _opened[gone]
    _opened[key] = found
    return found
