"""SearchApp side of the benchmark. Run by bench/run.py in its own process (venv python).

    searchapp_side.py build  --data DIR --corpus DIR [--profile OUT.prof]
    searchapp_side.py update --data DIR --corpus DIR [--paths-from FILE] [--profile OUT.prof]
    searchapp_side.py serve  --data DIR --corpus DIR

``build`` and ``update`` print one JSON line with their figures. ``update`` walks the corpus
(``lib.refresh()``), or with ``--paths-from`` is told the changed files, one path a line
(``lib.update_paths()``, the counterpart of ``recollindex -i FILES``). ``serve`` keeps one
library open (as the window does) and answers JSON-line commands on stdin, so the driver
can interleave SearchApp and Recoll query by query:

    {"op": "query", "q": "...", "limit": 10}   -> {"t": seconds, "total": n, "hits": n}
    {"op": "show", "path": "...", "q": "..."}  -> {"t": seconds, "spans": n}
    {"op": "rss"}                              -> {"rss_kb": ..., "hwm_kb": ...}
    {"op": "profile_start"} / {"op": "profile_stop", "out": "file.prof"}
    {"op": "quit"}
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
# run.py points SEARCHAPP_CODE at a snapshot of searchapp/ taken with the build, so the
# code that reads an index is the code that wrote it even while searchapp/ is being edited.
sys.path.insert(0, os.environ.get("SEARCHAPP_CODE") or str(Path(__file__).resolve().parent.parent))

if os.environ.get("BENCH_PATCHES"):  # prototype optimisations (bench/experiments only)
    sys.path.insert(0, str(Path(__file__).resolve().parent / "experiments"))
    import perf_patches  # noqa: F401,E402
from searchapp.core.index import Collection, Library  # noqa: E402

IMPORT_S = time.perf_counter() - T0


def proc_status() -> dict:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[{"VmRSS": "rss_kb", "VmHWM": "hwm_kb"}[key]] = int(value.split()[0])
    return out


def dir_bytes(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def make_library(args) -> Library:
    return Library(Path(args.data), collections=[Collection("bench", Path(args.corpus))])


def run_profiled(fn, profile_out: str | None):
    if not profile_out:
        return fn()
    import cProfile
    prof = cProfile.Profile()
    try:
        return prof.runcall(fn)
    finally:
        prof.dump_stats(profile_out)


def cmd_build(args) -> dict:
    lib = make_library(args)
    started = time.perf_counter()
    report = run_profiled(lambda: lib.rebuild(), args.profile)
    elapsed = time.perf_counter() - started
    lib.close()
    return {"elapsed_s": elapsed, "added": report.added, "failed": len(report.failed),
            "index_bytes": dir_bytes(Path(args.data) / "index"), **proc_status()}


def cmd_update(args) -> dict:
    lib = make_library(args)
    paths = None
    if args.paths_from:
        paths = [line for line in Path(args.paths_from).read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    started = time.perf_counter()
    if paths is None:
        report = run_profiled(lambda: lib.refresh(), args.profile)
    else:
        report = run_profiled(lambda: lib.update_paths(paths), args.profile)
    elapsed = time.perf_counter() - started
    # Committed and searchable: a fresh searcher sees the new documents.
    t1 = time.perf_counter()
    count = lib.document_count()
    reopen = time.perf_counter() - t1
    lib.close()
    return {"mode": "refresh" if paths is None else "update_paths",
            "paths": None if paths is None else len(paths),
            "elapsed_s": elapsed, "reopen_s": reopen, "added": report.added,
            "updated": report.updated, "removed": report.removed,
            "unchanged": report.unchanged, "failed": len(report.failed),
            "doc_count": count, "index_bytes": dir_bytes(Path(args.data) / "index"),
            **proc_status()}


def cmd_serve(args) -> None:
    # Imported here, as the window and `searchapp search` do: `searchapp index` (build and
    # update) never imports the search side.
    t = time.perf_counter()
    from searchapp.core.search import search, show
    import_s = IMPORT_S + time.perf_counter() - t

    t = time.perf_counter()
    lib = make_library(args)
    doc_count = lib.document_count()  # opens the index and a searcher
    open_s = time.perf_counter() - t
    print(json.dumps({"ready": True, "import_s": import_s, "open_s": open_s,
                      "doc_count": doc_count, **proc_status()}), flush=True)
    prof = None
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "query":
            t = time.perf_counter()
            try:
                res = search(lib, cmd["q"], limit=cmd.get("limit", 10))
                t = time.perf_counter() - t
                out = {"t": t, "total": res.total, "hits": len(res.hits), "mode": res.mode,
                       "first": res.hits[0].path if res.hits else None,
                       "spans": sum(len(h.matches) for h in res.hits)}
            except Exception as exc:  # noqa: BLE001
                out = {"t": time.perf_counter() - t, "error": repr(exc)}
        elif op == "show":
            t = time.perf_counter()
            try:
                view = show(lib, cmd["path"], cmd["q"])
                out = {"t": time.perf_counter() - t,
                       "spans": len(view.body_matches) + len(view.title_matches),
                       "chars": len(view.body)}
            except Exception as exc:  # noqa: BLE001
                out = {"t": time.perf_counter() - t, "error": repr(exc)}
        elif op == "rss":
            out = proc_status()
        elif op == "profile_start":
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
            out = {"ok": True}
        elif op == "profile_stop":
            prof.disable()
            prof.dump_stats(cmd["out"])
            out = {"ok": True}
        elif op == "quit":
            print(json.dumps({"bye": True, **proc_status()}), flush=True)
            break
        else:
            out = {"error": f"unknown op {op}"}
        print(json.dumps(out), flush=True)
    lib.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["build", "update", "serve"])
    ap.add_argument("--data", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--profile")
    ap.add_argument("--paths-from", metavar="FILE",
                    help="update: the changed files, one path a line (told, not walked)")
    args = ap.parse_args()
    if args.mode == "serve":
        cmd_serve(args)
        return
    result = {"build": cmd_build, "update": cmd_update}[args.mode](args)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
