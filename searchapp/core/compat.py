"""Corrections to Whoosh 2.7.4 that SearchApp depends on, applied once on import.

Whoosh 2.7.4 is the last release of the original distribution (the forks change behaviour
we rely on, see pyproject.toml), so its known faults are mended here rather than upstream.
"""

from whoosh.codec import whoosh3


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
