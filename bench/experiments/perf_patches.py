"""Prototype optimisations for SearchApp's core, applied as monkeypatches (searchapp/ is
not edited). Select with the BENCH_PATCHES environment variable, comma-separated:

  lenfix     Whoosh's W3PerDocReader._cached_reader caches a *missing* length column too.
             Without it, every posting of a field without lengths (the unscored `spell`
             field) costs an os.path.exists() while the segment is written (and merged).
  limitmb=N  the full build's writer pool gets N MB instead of 256 (fewer pickled runs).
  procs=N    the full build uses Whoosh's multiprocess writer with N processes
             (multisegment=False: sub-segments are merged into one at commit).
  nomerge    commit(optimize=False) in the build (keeps the writer's own segments).
  nommap     FileStorage(supports_mmap=False) everywhere: a compound segment's sub-files are
             read through the file instead of each being copied into a BytesIO from the map.
  onepass    exact total in the same pass as the top N (see perf_query_variants._onepass).
  showfix    Results.__bool__ = not is_empty(), so `not searcher.search(q, limit=1)` in
             show() stops counting every match.
"""

from __future__ import annotations

import os

from whoosh.codec import whoosh3

PATCHES = {p.strip() for p in os.environ.get("BENCH_PATCHES", "").split(",") if p.strip()}
_opts = dict(p.split("=", 1) for p in PATCHES if "=" in p)


def _missing_cached_reader(self, fieldname, column):
    readers = self._readers
    if fieldname in readers:
        return readers[fieldname]
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    readers[fieldname] = reader
    return reader


if "lenfix" in PATCHES:
    whoosh3.W3PerDocReader._cached_reader = _missing_cached_reader

if "limitmb" in _opts or "procs" in _opts or "nomerge" in PATCHES:
    import searchapp.core.index as sindex
    from whoosh.multiproc import MpWriter

    _orig_open_writer = sindex._open_writer

    def _open_writer(index, **kwargs):
        if kwargs.get("limitmb") == 256:  # only the full build asks for 256 MB
            if "limitmb" in _opts:
                kwargs["limitmb"] = int(_opts["limitmb"])
            if "procs" in _opts:
                w = MpWriter(index, procs=int(_opts["procs"]), multisegment=False, **kwargs)
            else:
                w = _orig_open_writer(index, **kwargs)
            if "nomerge" in PATCHES:
                orig_commit = w.commit
                w.commit = lambda *a, **k: orig_commit(*a, **{**k, "optimize": False})
            return w
        return _orig_open_writer(index, **kwargs)

    sindex._open_writer = _open_writer


if "nommap" in PATCHES:
    from whoosh.filedb.filestore import FileStorage

    _orig_fs_init = FileStorage.__init__

    def _fs_init(self, path, supports_mmap=True, readonly=False, debug=False):
        _orig_fs_init(self, path, supports_mmap=False, readonly=readonly, debug=debug)

    FileStorage.__init__ = _fs_init

if "onepass" in PATCHES:
    import whoosh.searching

    _orig_search = whoosh.searching.Searcher.search

    def _onepass(self, q, **kw):
        if kw.get("sortedby") is not None or kw.get("limit") is None or (
                set(kw) - {"limit", "filter", "mask"}):
            return _orig_search(self, q, **kw)
        c = self.collector(limit=kw["limit"], optimize=False, filter=kw.get("filter"),
                           mask=kw.get("mask"))
        inner = c
        while hasattr(inner, "child"):
            inner = inner.child
        inner.replace = 0  # Whoosh's matcher.replace(minscore) prunes: the count would be wrong
        self.search_with_collector(q, c)
        return c.results()

    whoosh.searching.Searcher.search = _onepass

if "showfix" in PATCHES:
    import whoosh.searching

    whoosh.searching.Results.__bool__ = lambda self: not self.is_empty()
