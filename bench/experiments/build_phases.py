"""Time one full build (Library.rebuild) of a corpus, by phase, in CPU and wall seconds.

    PYTHONPATH=. python bench/experiments/build_phases.py --corpus DIR --data DIR [--variant ours|whoosh] [--profile OUT.prof]
                    [--limitmb N] [--phase-detail]

Prints one JSON line. CPU figures: writer = this process (user+sys), workers = reaped
children (RUSAGE_CHILDREN, i.e. the spawned analysis processes), total = both.
"""
import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Phase:
    def __init__(self):
        self.wall = 0.0
        self.cpu = 0.0
        self.calls = 0

    def wrap(self, fn):
        def wrapped(*a, **k):
            w, c = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **k)
            finally:
                self.wall += time.perf_counter() - w
                self.cpu += time.process_time() - c
                self.calls += 1
        return wrapped

    def out(self):
        return {"wall_s": round(self.wall, 2), "cpu_s": round(self.cpu, 2), "calls": self.calls}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--variant", choices=["ours", "whoosh", "tree"], default="tree")
    ap.add_argument("--profile")
    ap.add_argument("--limitmb", type=int)
    args = ap.parse_args()

    from whoosh.writing import SegmentWriter

    from searchapp.core import index as idx

    if args.limitmb:
        idx._build_memory_mb = lambda: args.limitmb
    if args.variant == "whoosh" and hasattr(idx, "TermPoolWriter"):
        idx.TermPoolWriter = SegmentWriter
    if args.variant == "ours" and not hasattr(idx, "TermPoolWriter"):
        sys.exit("this tree has no pool of its own")

    phases = {name: Phase() for name in ("add_read", "commit", "postings_arrays",
                                         "flush_segment", "merge_segments", "assemble",
                                         "waiting_for_workers", "write_group")}
    idx.Library._add_read = phases["add_read"].wrap(idx.Library._add_read)
    idx._write_postings_arrays = phases["postings_arrays"].wrap(idx._write_postings_arrays)
    SegmentWriter.commit = phases["commit"].wrap(SegmentWriter.commit)
    SegmentWriter._flush_segment = phases["flush_segment"].wrap(SegmentWriter._flush_segment)
    SegmentWriter._assemble_segment = phases["assemble"].wrap(SegmentWriter._assemble_segment)
    # Time the writer waits for a worker's batch, or at commit for a helper's group.
    import concurrent.futures
    concurrent.futures.Future.result = phases["waiting_for_workers"].wrap(
        concurrent.futures.Future.result)
    from searchapp.core import pool
    if hasattr(pool, "_write_group"):
        pool._write_group = phases["write_group"].wrap(pool._write_group)

    lib = idx.Library(Path(args.data), collections=[idx.Collection("bench", Path(args.corpus))])
    c0s, c0c = cpu_self(), cpu_children()
    w0 = time.perf_counter()
    if args.profile:
        import cProfile
        prof = cProfile.Profile()
        report = prof.runcall(lib.rebuild)
        prof.dump_stats(args.profile)
    else:
        report = lib.rebuild()
    wall = time.perf_counter() - w0
    writer_cpu = cpu_self() - c0s
    worker_cpu = cpu_children() - c0c
    lib.close()
    index_bytes = sum(f.stat().st_size for f in (Path(args.data) / "index").rglob("*") if f.is_file())
    print(json.dumps({
        "variant": args.variant, "corpus": args.corpus, "added": report.added,
        "failed": len(report.failed),
        "wall_s": round(wall, 2), "cpu_total_s": round(writer_cpu + worker_cpu, 2),
        "cpu_writer_s": round(writer_cpu, 2), "cpu_workers_s": round(worker_cpu, 2),
        "peak_rss_writer_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "index_mb": round(index_bytes / 2**20, 2),
        "limitmb": idx._build_memory_mb(),
        "phases": {k: v.out() for k, v in phases.items()},
        "loadavg": os.getloadavg(),
    }), flush=True)


if __name__ == "__main__":
    main()
