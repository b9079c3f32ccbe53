"""Full build with the prototype patches of perf_patches.py (selected by BENCH_PATCHES).

    BENCH_PATCHES=lenfix,limitmb=1024 /work/venv/bin/python bench/experiments/perf_build.py DATA CORPUS
Prints one JSON line: elapsed, documents, index bytes, peak RSS (VmHWM) of this process
(children of procs=N report their own; see perf_run_builds.sh which uses bench/measure.py).
"""
import json, sys, time
from pathlib import Path
import os
sys.path.insert(0, os.environ.get("SEARCHAPP_CODE") or str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import perf_patches as patches  # noqa: F401,E402
from searchapp.core.index import Collection, Library  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from searchapp_side import dir_bytes, proc_status  # noqa: E402

data, corpus = Path(sys.argv[1]), Path(sys.argv[2])
lib = Library(data, collections=[Collection("bench", corpus)])
t = time.perf_counter()
rep = lib.rebuild()
el = time.perf_counter() - t
n = lib.document_count()
lib.close()
print(json.dumps({"patches": sorted(patches.PATCHES), "elapsed_s": el, "added": rep.added,
                  "doc_count": n, "index_bytes": dir_bytes(data / "index"), **proc_status()}))
