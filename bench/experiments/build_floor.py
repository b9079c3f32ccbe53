"""The analysis floor: CPU seconds to read and analyse files exactly as a full build's
workers do, in this one process, split into reading (read_document + digest + field
values) and analysis (into a batch.BatchPostings of PARALLEL_BATCH files, as the workers
analyse, its columns included).

    PYTHONPATH=. python bench/experiments/build_floor.py CORPUS_DIR [--every N]
"""
import argparse
import json
import os
import resource
import time


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("--every", type=int, default=1)
args = ap.parse_args()

from searchapp.core import index as idx
from searchapp.core.batch import BatchPostings


class Kept:
    """Stands in for a batch while reading: keeps each document's values as read."""

    def __init__(self):
        self.values = []

    def add_document(self, values):
        self.values.append(values)
        return values


files = sorted(os.listdir(args.corpus))
total_files = len(files)
total_bytes = sum(os.path.getsize(os.path.join(args.corpus, f)) for f in files)
sample = files[::args.every]
sample_bytes = sum(os.path.getsize(os.path.join(args.corpus, f)) for f in sample)
schema = idx._worker_schema()

read_cpu = ana_cpu = 0.0
postings = 0
w0 = time.perf_counter()
c_all = cpu()
for at in range(0, len(sample), idx.PARALLEL_BATCH):
    c0 = cpu()
    kept = Kept()
    for name in sample[at:at + idx.PARALLEL_BATCH]:
        idx._read_for_index("bench", os.path.join(args.corpus, name), batch=kept)
    c1 = cpu()
    # Analysed as a worker analyses a batch.
    batch = BatchPostings(schema)
    for values in kept.values:
        batch.add_document(values)
    columns = batch.columns()
    postings += sum(len(field[3]) // 4 for field in columns.values())
    c2 = cpu()
    read_cpu += c1 - c0
    ana_cpu += c2 - c1
total_cpu = cpu() - c_all
wall = time.perf_counter() - w0
scale = total_bytes / sample_bytes
print(json.dumps({
    "corpus": args.corpus, "files": len(sample), "of": total_files,
    "sample_mb": round(sample_bytes / 2**20, 1), "corpus_mb": round(total_bytes / 2**20, 1),
    "cpu_s": round(total_cpu, 2), "read_cpu_s": round(read_cpu, 2), "analyse_cpu_s": round(ana_cpu, 2),
    "wall_s": round(wall, 2), "postings": postings,
    "scaled_cpu_s_by_bytes": round(total_cpu * scale, 1),
    "scaled_cpu_s_by_files": round(total_cpu * total_files / len(sample), 1),
    "scaled_per_core_of_2_s": round(total_cpu * scale / 2, 1),
}), flush=True)
