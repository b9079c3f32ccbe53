"""The single writer's side of a full build, replayed from the workers' output, in CPU s.

    PYTHONPATH=. python bench/experiments/writer_replay.py CORPUS CACHE LIMITMB
        [--mode batches|documents] [--files N] [--profile OUT] [--helpers N]

The first run reads and analyses CORPUS's files (two processes, as the build's workers
do) and keeps what they hand over in CACHE; later runs replay only the writer: adding the
documents to a fresh index with a LIMITMB pool, then the commit (which encodes and
compresses here, unless ``--helpers`` gives it processes to do that, as the build's
workers do). ``--mode documents`` replays the hand-off before the seventh
session: each document's text fields as lists of (word, frequency, weight, value)
tuples, which the writer added to its pool a posting at a time (TermPool.
add_document_field); ``batches`` the build's, a batch's postings as arrays per field
(batch.BatchPostings). Prints one line of timings.
"""
import argparse
import concurrent.futures
import cProfile
import multiprocessing
import os
import pickle
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("CODE", "."))

from searchapp.core import index as idx  # noqa: E402
from searchapp.core import pool as P  # noqa: E402
from searchapp.core.schema import ANALYSED_FIELDS, InBatch  # noqa: E402


def _documents(batch):
    """A batch as the workers handed it over before: each text field analysed into a list
    of postings, its text passed on to be stored."""
    schema = idx._worker_schema()
    outcomes = []
    for collection, path in batch:
        outcome = idx._read_for_index(collection, path)
        if outcome[0] == "ok":
            values = dict(outcome[3])
            for name in ANALYSED_FIELDS:
                if values.get(name) is not None:
                    if schema[name].stored:
                        values[f"_stored_{name}"] = values[name]
                    values[name] = list(schema[name].index(values[name]))
            outcome = (*outcome[:3], values)
        outcomes.append(outcome)
    return outcomes, None


def _add_document(writer, values):
    """add_document as it was for a document whose text fields came as lists of postings:
    each list added to the pool a posting at a time."""
    values = dict(values)
    for name in ANALYSED_FIELDS:
        items = values.get(name)
        if isinstance(items, list):
            field = writer.schema[name]
            values[name] = InBatch(writer.pool.add_document_field(
                name, writer.docnum, items, 1.0, field.scorable))
    writer.add_document(**values)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("cache")
    ap.add_argument("limitmb", type=float)
    ap.add_argument("--mode", choices=["batches", "documents"], default="batches")
    ap.add_argument("--files", type=int, default=None)
    ap.add_argument("--profile")
    ap.add_argument("--helpers", type=int, default=0,
                    help="processes that encode and compress at commit, as the build's")
    args = ap.parse_args()
    if not os.path.exists(args.cache):
        files = sorted(str(p) for p in Path(args.corpus).rglob("*") if p.is_file())
        files = files[:args.files]
        size = idx.PARALLEL_BATCH
        batches = [[("c", f) for f in files[i:i + size]] for i in range(0, len(files), size)]
        read = idx._read_batch_for_index if args.mode == "batches" else _documents
        context = multiprocessing.get_context("spawn")
        with open(args.cache, "wb") as fh, concurrent.futures.ProcessPoolExecutor(
                2, mp_context=context) as ex:
            for result in ex.map(read, batches, chunksize=4):
                pickle.dump(pickle.dumps(result, 5), fh, 5)
    blobs = []
    with open(args.cache, "rb") as fh:
        while True:
            try:
                blobs.append(pickle.load(fh))
            except EOFError:
                break
    spills = {"count": 0, "cpu": 0.0}
    spill = P.TermPool._spill

    def timed_spill(self):
        spills["count"] += 1
        started = time.process_time()
        spill(self)
        spills["cpu"] += time.process_time() - started

    P.TermPool._spill = timed_spill
    folder = Path(args.cache + ".index")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    index = idx._Storage(str(folder)).create_index(idx.build_schema())
    writer = idx._open_writer(index, limitmb=args.limitmb)
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    started = time.process_time()
    unpickling = 0.0
    for blob in blobs:
        t = time.process_time()
        outcomes, columns = pickle.loads(blob)
        unpickling += time.process_time() - t
        first = writer.docnum
        for outcome in outcomes:
            if outcome[0] == "ok":
                _add_document(writer, outcome[3])
        if columns:
            writer.add_batch(first, columns, writer.docnum - first)
    adding = time.process_time() - started
    t = time.process_time()
    wall = time.perf_counter()
    if args.helpers:
        with concurrent.futures.ProcessPoolExecutor(
                args.helpers, mp_context=multiprocessing.get_context("spawn")) as helpers:
            list(helpers.map(int, range(args.helpers)))  # started, as the build's are
            t = time.process_time()
            wall = time.perf_counter()
            writer.helpers = helpers
            writer.commit(optimize=True)
    else:
        writer.commit(optimize=True)
    commit = time.process_time() - t
    commit_wall = time.perf_counter() - wall
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"mode {args.mode}: add {adding:.2f} (unpickle {unpickling:.2f}, spills "
          f"{spills['count']} {spills['cpu']:.2f}) commit {commit:.2f} (wall {commit_wall:.2f}) "
          f"total {adding + commit:.2f} CPU s")


if __name__ == "__main__":
    main()
