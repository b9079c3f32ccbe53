"""Ranking quality of SearchApp's own search() on BEIR SciFact.

    /work/venv/bin/python bench/relevance.py --split test

Builds (or reuses) an index of the SciFact abstracts with the app's schema and analysis:
every abstract is written as an article file (title line, blank line, body) into a cache
folder and indexed with ``Library.rebuild()``. Then every query of the split goes through
``searchapp.core.search.search(lib, claim, limit=100)`` exactly as typed (no cleaning), and
the ranked file names are mapped back to SciFact doc ids and scored with ir_measures.

Queries the app refuses with a QueryError, or that find nothing, stay in the evaluation
with an empty ranking (they score 0), and are counted separately.

Experiments (bench/experiments/relevance_*.py) import ``prepare_library`` and
``evaluate`` from here and monkeypatch searchapp.core.search at runtime.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

import ir_measures  # noqa: E402
from ir_measures import AP, R, nDCG  # noqa: E402

import searchapp.core.search as app_search  # noqa: E402
from searchapp.core.errors import QueryError  # noqa: E402
from searchapp.core.index import Collection, Library  # noqa: E402

DATA_DIR = Path("/work/shared/eval/scifact")
DEFAULT_CACHE = BENCH_DIR / ".cache" / "scifact"
LIMIT = 100
MEASURES = [nDCG @ 10, AP @ 100, R @ 100]
# A doc id that is in no qrels file: gives refused / empty queries a place in the run, so
# that ir_measures averages over every query of the split (they score 0) rather than
# silently leaving them out.
NO_DOC = "__no_result__"
# Whatever of the app decides what the index holds: a change to any of these files (or to
# the corpus) makes the cached index stale.
_INDEX_INPUTS = ("schema.py", "documents.py", "index.py")


# -- data ----------------------------------------------------------------------------------

def load_queries() -> dict[str, str]:
    with open(DATA_DIR / "queries.jsonl", encoding="utf-8") as handle:
        return {q["_id"]: q["text"] for q in map(json.loads, handle)}


def load_qrels(split: str) -> list:
    qrels = []
    with open(DATA_DIR / "qrels" / f"{split}.tsv", encoding="utf-8") as handle:
        next(handle)  # header
        for line in handle:
            if line.strip():
                qid, did, score = line.split("\t")
                qrels.append(ir_measures.Qrel(qid, did, int(score)))
    return qrels


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update((DATA_DIR / "corpus.jsonl").read_bytes())
    core = REPO_DIR / "searchapp" / "core"
    for name in _INDEX_INPUTS:
        digest.update((core / name).read_bytes())
    return digest.hexdigest()


def prepare_library(cache_dir: Path = DEFAULT_CACHE, rebuild: bool = False,
                    log=print) -> Library:
    """The SciFact index, built with the app's own Library (reused when up to date)."""
    cache_dir = Path(cache_dir)
    docs_dir = cache_dir / "articles"
    data_dir = cache_dir / "data"
    stamp_file = cache_dir / "STAMP"
    fingerprint = _fingerprint()
    library = Library(data_dir, collections=[Collection("scifact", docs_dir)])
    fresh = (not rebuild and stamp_file.exists()
             and stamp_file.read_text().strip() == fingerprint and library.is_built())
    if fresh:
        log(f"Reusing the index in {data_dir} ({library.document_count():,} docs).")
        return library
    docs_dir.mkdir(parents=True, exist_ok=True)
    for old in docs_dir.glob("*.txt"):
        old.unlink()
    count = 0
    with open(DATA_DIR / "corpus.jsonl", encoding="utf-8") as handle:
        for doc in map(json.loads, handle):
            title = " ".join(doc["title"].split())  # the title is one line
            (docs_dir / f"{doc['_id']}.txt").write_text(
                f"{title}\n\n{doc['text'].strip()}\n", encoding="utf-8")
            count += 1
    log(f"Wrote {count:,} articles to {docs_dir}; indexing…")
    report = library.rebuild()
    log(report.summary())
    if report.failed:
        raise SystemExit(f"{len(report.failed)} articles could not be indexed: "
                         f"{report.failed[:3]}")
    if library.document_count() != count:
        raise SystemExit(f"Indexed {library.document_count()} of {count} articles.")
    stamp_file.write_text(fingerprint + "\n")
    # Search through a fresh Library, as a reused index would be (and as the app does on
    # its next launch).
    library.close()
    return Library(data_dir, collections=[Collection("scifact", docs_dir)])


def _probe(library: Library) -> None:
    """A query whose words are in many abstracts must find something; otherwise the index
    (or the searcher) is not what we think, and every figure would be meaningless."""
    hits = app_search.search(library, "cancer cells", limit=10, snippets=False).hits
    if not hits:
        raise SystemExit("Sanity probe failed: “cancer cells” finds nothing in the index.")


# -- running -------------------------------------------------------------------------------

@dataclass
class Outcome:
    metrics: dict[str, float]
    queries: int
    times: list[float]
    modes: dict[str, int]
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (qid, text, message)
    empty: list[str] = field(default_factory=list)
    per_query: dict[str, dict] = field(default_factory=dict)

    @property
    def mean_ms(self) -> float:
        return 1000 * statistics.fmean(self.times)

    @property
    def p95_ms(self) -> float:
        return 1000 * statistics.quantiles(self.times, n=20, method="inclusive")[-1]

    def summary(self) -> dict:
        return {
            "queries": self.queries,
            **{k: round(v, 4) for k, v in self.metrics.items()},
            "mean_ms": round(self.mean_ms, 1),
            "p95_ms": round(self.p95_ms, 1),
            "modes": dict(self.modes),
            "query_errors": len(self.errors),
            "no_results": len(self.empty),
        }

    def line(self) -> str:
        m = self.metrics
        return (f"nDCG@10 {m['nDCG@10']:.4f}  AP@100 {m['AP@100']:.4f}  "
                f"R@100 {m['R@100']:.4f}  | {self.mean_ms:.1f} ms mean, {self.p95_ms:.1f} ms "
                f"p95 | closest {self.modes.get('closest', 0)}, all {self.modes.get('all', 0)}"
                f", errors {len(self.errors)}, empty {len(self.empty)}")


def evaluate(library: Library, split: str, limit: int = LIMIT, snippets: bool = True,
             queries: dict[str, str] | None = None) -> Outcome:
    """Every query of the split through the app's search(), scored with ir_measures."""
    queries = queries or load_queries()
    qrels = load_qrels(split)
    qids = sorted({q.query_id for q in qrels}, key=int)
    # Warm-up (not timed): the first query builds the parser's date grammar and opens the
    # searcher, which no later query pays for.
    app_search.search(library, "warm up query", limit=limit, snippets=snippets)
    _probe(library)
    run: list = []
    times: list[float] = []
    modes: dict[str, int] = {}
    errors: list[tuple[str, str, str]] = []
    empty: list[str] = []
    per_query: dict[str, dict] = {}
    for qid in qids:
        text = queries[qid]
        started = time.perf_counter()
        try:
            # Looked up on the module each time, so experiments can patch it.
            results = app_search.search(library, text, limit=limit, snippets=snippets)
        except QueryError as exc:
            times.append(time.perf_counter() - started)
            errors.append((qid, text, str(exc)))
            modes["error"] = modes.get("error", 0) + 1
            run.append(ir_measures.ScoredDoc(qid, NO_DOC, 0.0))
            per_query[qid] = {"mode": "error", "error": str(exc)}
            continue
        times.append(time.perf_counter() - started)
        modes[results.mode] = modes.get(results.mode, 0) + 1
        per_query[qid] = {"mode": results.mode, "total": results.total}
        if not results.hits:
            empty.append(qid)
            run.append(ir_measures.ScoredDoc(qid, NO_DOC, 0.0))
            continue
        # Scores as ranks: the app's order (score, then its tie-break) is what is judged.
        n = len(results.hits)
        for rank, hit in enumerate(results.hits):
            run.append(ir_measures.ScoredDoc(qid, Path(hit.path).stem, float(n - rank)))
    aggregate = ir_measures.calc_aggregate(MEASURES, qrels, run)
    metrics = {str(m): float(aggregate[m]) for m in MEASURES}
    for metric in ir_measures.iter_calc([nDCG @ 10], qrels, run):
        per_query.setdefault(metric.query_id, {})["nDCG@10"] = metric.value
    return Outcome(metrics, len(qids), times, modes, errors, empty, per_query)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--rebuild", action="store_true", help="re-index even if cached")
    parser.add_argument("--no-snippets", action="store_true",
                        help="search(snippets=False): time ranking without snippet making")
    parser.add_argument("--json", type=Path, help="also write the figures (and per-query "
                        "modes and errors) to this JSON file")
    parser.add_argument("--show-errors", action="store_true",
                        help="list every query the app refused")
    args = parser.parse_args(argv)

    library = prepare_library(args.cache_dir, args.rebuild)
    outcome = evaluate(library, args.split, snippets=not args.no_snippets)
    s = outcome.summary()
    print(f"SciFact {args.split}: {s['queries']} queries through "
          f"searchapp.core.search.search(limit={LIMIT}"
          f"{', snippets=False' if args.no_snippets else ''})")
    for name, value in outcome.metrics.items():
        print(f"  {name:<8} {value:.4f}")
    print(f"  query time: mean {s['mean_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms")
    print(f"  modes: {', '.join(f'{k} {v}' for k, v in sorted(s['modes'].items()))}")
    print(f"  refused with QueryError: {s['query_errors']}; answered with no hits: "
          f"{s['no_results']}")
    shown = outcome.errors if args.show_errors else outcome.errors[:5]
    for qid, text, message in shown:
        print(f"    q{qid}: {text!r} -> {message}")
    if len(shown) < len(outcome.errors):
        print(f"    … {len(outcome.errors) - len(shown)} more (--show-errors)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "split": args.split, **s, "errors": outcome.errors, "empty": outcome.empty,
            "per_query": outcome.per_query}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
