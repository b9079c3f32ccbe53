"""A child process for the fault tests: builds or refreshes an index, and may die on cue.

    python -m tests.core.fault_child DATA DOCS MODE [KILL]

MODE is rebuild, refresh or hold-lock. KILL is "" (run to the end and print, as JSON, how
many times each kill point was reached), or "POINT:N": SIGKILL this process the N-th time
the kill point POINT is reached. Kill points are every write into the index (Whoosh file
writes, creating, renaming and deleting its files), every document added, and every step
of swapping generations; so a seeded random choice reaches every phase of a write,
including the middle of a commit, reproducibly. The child prints "go" when it starts
writing, so a parent can also kill it after a random delay.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import sys
from collections import Counter
from pathlib import Path

from whoosh.filedb import filestore, structfile

from searchapp.core.index import Collection, Library

COUNTS: Counter = Counter()
TARGET: tuple[str, int] | None = None


def _hit(point: str) -> None:
    COUNTS[point] += 1
    if TARGET is not None and TARGET[0] == point and COUNTS[point] == TARGET[1]:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def _instrument(owner, name: str, point: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        _hit(point)
        result = original(*args, **kwargs)
        _hit(point + ".after")
        return result

    setattr(owner, name, wrapper)


def main() -> None:
    global TARGET
    data, docs, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    if len(sys.argv) > 4 and sys.argv[4]:
        point, count = sys.argv[4].rsplit(":", 1)
        TARGET = (point, int(count))
    library = Library(data, collections=[Collection("docs", docs)])
    if mode == "hold-lock":
        with library._writer_lock():
            print("locked", flush=True)
            sys.stdin.readline()  # hold the lock until the parent says (or kills us)
        return
    _instrument(structfile.StructFile, "write", "write")
    for name in ("create_file", "rename_file", "delete_file"):
        _instrument(filestore.FileStorage, name, name)
    _instrument(Library, "_add_file", "add_file")
    _instrument(Library, "_write_current", "write_current")
    _instrument(Library, "_remove_old_generations", "remove_old")
    _instrument(os, "replace", "replace")
    _instrument(os, "fsync", "fsync")
    _instrument(shutil, "rmtree", "rmtree")
    print("go", flush=True)
    if mode == "rebuild":
        library.rebuild()
    elif mode == "refresh":
        library.refresh()
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(dict(COUNTS)), flush=True)


if __name__ == "__main__":
    main()
