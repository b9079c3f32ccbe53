"""Time update_paths' phases (no profiler) on a fresh copy of the 100k index, with the code
in CODE (default: this checkout), for A/B runs of two snapshots.

    cp -a /tmp/bench-work/100k/searchapp /tmp/upd && \\
    CODE=/tmp/snapshot /work/venv/bin/python bench/experiments/update_phases.py /tmp/upd
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("CODE", str(Path(__file__).resolve().parents[2])))
T0 = time.perf_counter()
from searchapp.core import index as I  # noqa: E402
from searchapp.core import pool as P  # noqa: E402
from searchapp.core.index import Collection, Library  # noqa: E402

imported = time.perf_counter() - T0
timers: dict[str, float] = {}


def wrap(obj, name, key):
    fn = getattr(obj, name)

    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            timers[key] = timers.get(key, 0) + time.perf_counter() - t
    setattr(obj, name, timed)


wrap(I, "_read_for_index", "read")
wrap(P.TermPoolWriter, "add_document", "add_document")
wrap(P.TermPoolWriter, "commit", "commit")
wrap(P, "write_terms", "write_terms")
wrap(I, "_write_postings_arrays", "postings_arrays")
lib = Library(Path(sys.argv[1]),
              collections=[Collection("bench", Path("/tmp/bench-work/100k/corpus"))])
paths = Path("/tmp/bench-work/100k/update-targets.txt").read_text().split()
t = time.perf_counter()
report = lib.update_paths(paths)
total = time.perf_counter() - t
print(f"imports {imported * 1000:.0f} ms; update_paths {total * 1000:.0f} ms;",
      "; ".join(f"{k} {v * 1000:.0f}" for k, v in timers.items()),
      f"({report.added} added, {report.updated} updated)")
