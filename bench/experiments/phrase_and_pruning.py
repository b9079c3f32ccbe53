"""Two query-side experiments on an existing index, in one process, interleaved.

phrases: Whoosh 2.7.4's own phrase check (pairwise Span objects) against SearchApp's
(core/compat.py, positions and set intersections): hits, scores and marks must be identical;
the time of each phrase is the median of --reps runs of each, alternating.

pruning: Whoosh's block-max pruning (``optimize=True``) for the first page, against the exact
one-pass collector search() uses: does the top 10 stay the same, and how fast is each?

    /work/venv/bin/python bench/experiments/phrase_and_pruning.py \\
        /tmp/bench-work/100k/searchapp /tmp/bench-work/100k/corpus [--reps 3]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import run as R  # noqa: E402
from whoosh.query import spans  # noqa: E402

from searchapp.core import compat  # noqa: E402
from searchapp.core import search as S  # noqa: E402
from searchapp.core.index import Collection, Library  # noqa: E402

EXTRA_PHRASES = ['"of the"', '"state of the union"~3', '"credit card" debt',
                 '"public debt" OR "national debt"']


def timed(fn, reps):
    times, result = [], None
    for _ in range(reps):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def page(results):
    return [(h.path, round(h.score, 6), h.snippet, h.matches) for h in results.hits]


def phrases(lib, queries, reps):
    print("phrase | Whoosh's check ms | SearchApp's ms | identical")
    for q in queries:
        spans.SpanNear2.SpanNear2Matcher._get_spans = compat._near_spans
        S.search(lib, q)
        old_t, old = timed(lambda q=q: S.search(lib, q), reps)
        spans.SpanNear2.SpanNear2Matcher._get_spans = compat._phrase_spans
        S.search(lib, q)
        new_t, new = timed(lambda q=q: S.search(lib, q), reps)
        same = page(old) == page(new) and old.total == new.total
        print(f"{q} | {old_t:.1f} | {new_t:.1f} | {'yes' if same else 'NO'}")


def pruning(lib, queries, reps):
    print("query | exact ms | pruned ms | same top 10")
    exact_run = S._run

    def pruned_run(searcher, q, limit, sort, narrowing):
        results = searcher.search(q, limit=limit, optimize=True, **narrowing)
        results.__class__ = type("Pruned", (results.__class__,),
                                 {"__len__": lambda self: self.scored_length()})
        return results

    differ = 0
    for _cat, q, _rq in queries:
        S._run = exact_run
        S.search(lib, q)
        exact_t, exact = timed(lambda q=q: S.search(lib, q), reps)
        S._run = pruned_run
        S.search(lib, q)
        pruned_t, pruned = timed(lambda q=q: S.search(lib, q), reps)
        same = [(h.path, round(h.score, 5)) for h in exact.hits] == \
            [(h.path, round(h.score, 5)) for h in pruned.hits]
        differ += not same
        print(f"{q} | {exact_t:.1f} | {pruned_t:.1f} | {'yes' if same else 'NO'}")
    S._run = exact_run
    print(f"top 10 differs for {differ} of {len(queries)} queries")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("corpus")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", choices=["phrases", "pruning"])
    args = ap.parse_args()
    lib = Library(Path(args.data), collections=[Collection("bench", Path(args.corpus))])
    queries = R.load_queries()
    if args.only != "pruning":
        phrases(lib, [q for cat, q, _ in queries if cat == "phrase"] + EXTRA_PHRASES,
                args.reps)
    if args.only != "phrases":
        pruning(lib, queries, args.reps)


if __name__ == "__main__":
    main()
