"""Resident memory of the window with an index open, after the whole query set.

Opens SearchApp's window on an existing data folder, types each of bench/queries.txt's
SearchApp queries as a person would (each waits for its results and, when there are any,
for the first article in the reader with its related articles), and prints the window
process's resident memory at open and after the set, with its peak, and how much of it is
the process's own (anonymous) memory and how much mapped files (the index's pages, which
the system shares with its file cache, and the libraries). It ends with the index's parts
that are mapped, and how much of each is resident.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python bench/window_memory.py DATA_DIR \
        [--no-related] [--json]

``--no-related`` turns the related-articles panel off first; ``--json`` prints the figures
as one JSON object (``bench/run.py`` runs it so).

For the 100,000-document tier, the data folder is made with
``searchapp --data-dir DATA_DIR add /tmp/corpus/100k``.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from searchapp.app import configure_application
from searchapp.ui.mainwindow import MainWindow

QUERIES = Path(__file__).resolve().parent / "queries.txt"


def _memory() -> dict[str, int]:
    """This process's resident memory (VmRSS), its peak (VmHWM), and the resident
    anonymous memory and mapped files, in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value
    return {name: int(fields[name].split()[0]) // 1024
            for name in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}


def _mapped_parts() -> list[tuple[str, float, float]]:
    """Each mapped part of the index (the parts of the segment files and the frequent
    words' postings arrays), its size and how much of it is resident, in MB, from the
    present bit of /proc/self/pagemap."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.structfile import StructFile

    page = os.sysconf("SC_PAGE_SIZE")
    parts = []
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split(None, 5)
        if len(fields) < 6 or not fields[5].endswith((".seg", ".arrays")):
            continue
        low, high = (int(x, 16) for x in fields[0].split("-"))
        count = (high - low) // page
        with open("/proc/self/pagemap", "rb") as pagemap:
            pagemap.seek(low // page * 8)
            present = [entry >> 63 for entry in
                       struct.unpack(f"{count}Q", pagemap.read(count * 8))]
        path = fields[5]
        if path.endswith(".arrays"):
            parts.append((Path(path).name, count * page / 2**20, sum(present) * page / 2**20))
            continue
        segment = CompoundStorage(StructFile(open(path, "rb")), use_mmap=False)
        for name in segment.list():
            offset, length = segment.range(name)
            first, last = offset // page, (offset + length) // page + 1
            parts.append((name, length / 2**20, sum(present[first:last]) * page / 2**20))
        segment.close()
    return parts


def _wait(signals, seconds: float = 60.0) -> bool:
    """Run the event loop until one of the signals fires; False on a timeout."""
    loop = QEventLoop()
    fired = []
    for signal in signals:
        signal.connect(lambda *_: (fired.append(True), loop.quit()))
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    for signal in signals:
        signal.disconnect()
    return bool(fired)


def main() -> int:
    data_dir = Path(sys.argv[1])
    related = "--no-related" not in sys.argv[2:]
    queries = [line.split("\t")[1] for line in QUERIES.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    app = QApplication(sys.argv[:1])
    configure_application(app)
    window = MainWindow(data_dir)
    window.show()
    QTimer.singleShot(0, window.start)
    if not _wait([window.firstListShown], 120):
        print("the window showed no list in 120 s", file=sys.stderr)
        return 1
    window.actions.show_related.setChecked(related)
    opened = _memory()
    started = time.perf_counter()
    failed = 0
    for query in queries:
        window.run_search(query)
        if not _wait([window.resultsShown, window.searchFailed]):
            failed += 1
            continue
        if window.results_model.rowCount():
            _wait([window.documentShown], 30)
            if related:
                _wait([window.relatedShown], 30)
    after = _memory()
    result = {"queries": len(queries), "seconds": round(time.perf_counter() - started, 1),
              "unanswered": failed, "related": related, "at_open": opened, "after": after,
              "parts": [{"name": name, "size_mb": round(size, 1), "resident_mb": round(rss, 1)}
                        for name, size, rss in sorted(_mapped_parts(), key=lambda p: -p[2])
                        if rss >= 0.1]}
    if "--json" in sys.argv[2:]:
        print(json.dumps(result))
    else:
        print(f"{len(queries)} queries in {result['seconds']:.1f} s ({failed} without an "
              f"answer), related articles {'on' if related else 'off'}")
        for moment, memory in (("at open", opened), ("after the set", after)):
            print(f"{moment}: resident {memory['VmRSS']} MB (peak {memory['VmHWM']} MB), of "
                  f"which anonymous {memory['RssAnon']} MB, mapped files "
                  f"{memory['RssFile']} MB")
        print("mapped parts of the index with pages resident:")
        for part in result["parts"]:
            print(f"  {part['name']:36} {part['resident_mb']:7.1f} of {part['size_mb']:7.1f} MB")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
