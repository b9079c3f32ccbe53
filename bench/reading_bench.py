"""Timing of the reading features (issue 7) on a large index: timeline vs search, story
clusters for a 200-hit page, related articles and quotation look-ups.

    /work/venv/bin/python bench/reading_bench.py --data-dir /tmp/reading-bench/data \
        --corpus /tmp/corpus/100k [--build] [--reps 5] [--no-full-list]

With --build the index is (re)built first (several minutes at 100,000 documents). Prints a
Markdown table; bench/READING.md keeps the figures of the last run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from searchapp.core.index import Collection, Library
from searchapp.core.quotes import find_quote, quotations
from searchapp.core.related import cluster_stories, related
from searchapp.core.search import search
from searchapp.core.timeline import timeline

# Common and rare words of the benchmark corpus (SpamAssassin mail + State of the Union).
QUERIES = ["people", "money", "email list", "government", "spamassassin", "congress",
           "zeitgeist", "\"free software\""]
CLUSTER_QUERIES = ["people", "money", "government"]


def best_of(reps: int, call: Callable[[], object]) -> tuple[float, object]:
    """Median wall time of reps calls (after one warm-up), and the last result."""
    result = call()
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/reading-bench/data"))
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/corpus/100k"))
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--no-full-list", action="store_true",
                        help="skip quotations() over the whole collection (minutes)")
    args = parser.parse_args()
    library = Library(args.data_dir, collections=[Collection("bench", args.corpus)])
    if args.build or not library.is_built():
        print(library.rebuild().summary())
    with library.searcher() as searcher:
        documents = searcher.reader().doc_count()
    print(f"{documents:,} documents, median of {args.reps} runs after a warm-up\n")
    print("| query | matches | search (10 hits) | timeline by year | timeline by month |")
    print("|---|---:|---:|---:|---:|")
    for query in QUERIES:
        search_time, results = best_of(args.reps, lambda q=query: search(library, q, limit=10))
        year_time, by_year = best_of(args.reps, lambda q=query: timeline(library, q))
        month_time, _m = best_of(args.reps, lambda q=query: timeline(library, q, by="month"))
        assert by_year.total == results.total, (query, by_year.total, results.total)
        print(f"| `{query}` | {results.total:,} | {search_time * 1000:.1f} ms | "
              f"{year_time * 1000:.1f} ms | {month_time * 1000:.1f} ms |")
    empty_time, everything = best_of(args.reps, lambda: timeline(library, ""))
    list_time, _l = best_of(args.reps, lambda: search(library, "", limit=10))
    print(f"| (empty) | {everything.total:,} | {list_time * 1000:.1f} ms | "
          f"{empty_time * 1000:.1f} ms | |")
    print()
    print("| query | page | clusters | search (200 hits, no snippets) | clustering |")
    print("|---|---:|---:|---:|---:|")
    for query in CLUSTER_QUERIES:
        search_time, page = best_of(
            args.reps, lambda q=query: search(library, q, limit=200, snippets=False))
        paths = [hit.path for hit in page.hits]
        cluster_time, clusters = best_of(args.reps, lambda p=paths: cluster_stories(library, p))
        largest = max(len(c.paths) for c in clusters)
        print(f"| `{query}` | {len(paths)} | {len(clusters)} (largest {largest}) | "
              f"{search_time * 1000:.0f} ms | {cluster_time * 1000:.0f} ms |")
    print()
    page = search(library, "money", limit=3, snippets=False)
    related_time, found = best_of(args.reps, lambda: related(library, page.hits[0].path))
    print(f"related(): {related_time * 1000:.0f} ms ({len(found)} documents)")
    quote_time, listed = best_of(args.reps, lambda: quotations(library, "money"))
    print(f"quotations(library, \"money\"): {quote_time * 1000:.0f} ms "
          f"({len(listed)} quotations)")
    if listed:
        text = listed[0].text
        find_time, quotation = best_of(args.reps, lambda: find_quote(library, text))
        print(f"find_quote(a quotation of {len(text.split())} words): {find_time * 1000:.0f} ms "
              f"({quotation.documents} documents)")
    if args.no_full_list:
        return
    started = time.perf_counter()
    every = quotations(library)
    print(f"quotations(library) over the whole collection: "
          f"{time.perf_counter() - started:.1f} s ({len(every)} quotations in 2+ documents)")


if __name__ == "__main__":
    main()
