"""Corrections to Whoosh 2.7.4 that SearchApp depends on, applied once on import.

Whoosh 2.7.4 is the last release of the original distribution (the forks change behaviour
we rely on, see pyproject.toml), so its known faults are mended here rather than upstream.
"""

from whoosh.codec import whoosh3
from whoosh.filedb import compound, structfile


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


class _ViewFile:
    """A read-only file over a slice of the segment's memory map: no copy is made."""

    __slots__ = ("_view", "_pos", "_length")

    def __init__(self, view) -> None:
        self._view = memoryview(view)
        self._pos = 0
        self._length = len(self._view)

    def read(self, size: int = -1) -> bytes:
        start = self._pos
        end = self._length if size is None or size < 0 else min(self._length, start + size)
        self._pos = end
        return self._view[start:end].tobytes()

    def readline(self, size: int = -1) -> bytes:
        rest = self._view[self._pos:]
        index = bytes(rest[:4096]).find(b"\n") if size < 0 else -1
        end = self._length if index < 0 else self._pos + index + 1
        if size >= 0:
            end = min(end, self._pos + size)
        line = self._view[self._pos:end].tobytes()
        self._pos = end
        return line

    def seek(self, position: int, whence: int = 0) -> int:
        if whence == 1:
            position += self._pos
        elif whence == 2:
            position += self._length
        self._pos = position
        return position

    def tell(self) -> int:
        return self._pos

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
