"""Tuning ranking on SciFact *train*: closest-match coordination, title weight, BM25 k1/b
and idf, each variant through the app's own search() with the change patched in.

    /work/venv/bin/python bench/experiments/relevance_tuning.py [--split train] [VARIANT ...]
"""

from __future__ import annotations

import argparse
import math
import sys
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import relevance  # noqa: E402
from whoosh import query as wq  # noqa: E402
from whoosh import scoring  # noqa: E402
from whoosh.index import FileIndex  # noqa: E402

import searchapp.core.search as app_search  # noqa: E402


class LuceneBM25F(scoring.BM25F):
    """BM25F with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5))."""

    def idf(self, searcher, fieldname, text):
        n = searcher.doc_frequency(fieldname, text)
        total = searcher.doc_count_all()
        return math.log(1 + (total - n + 0.5) / (n + 0.5))


def _retitle(q, weight):
    """The same query with every title term weighted `weight` (closest mode only)."""
    if isinstance(q, wq.Term) and q.fieldname == "title":
        return wq.Term("title", q.text, boost=weight)
    if q.is_leaf():
        return q
    return q.apply(lambda child: _retitle(child, weight))


@contextmanager
def patched(title_boost=2.0, scale=0.9, weighting=None, closest_title=None, fallback=1):
    old_boost, old_closest = app_search.TITLE_BOOST, app_search._closest_query
    old_fallback = app_search.FALLBACK_BELOW
    app_search.FALLBACK_BELOW = fallback
    old_searcher = FileIndex.searcher
    app_search.TITLE_BOOST = title_boost
    app_search._parsers.clear()

    def closest(q):
        if isinstance(q, wq.And):
            q = wq.Or(app_search._flat_and(q), boost=q.boost, scale=scale)
        if closest_title is not None:
            q = _retitle(q, closest_title)
        return q

    app_search._closest_query = closest
    if weighting is not None:
        FileIndex.searcher = lambda self, **kw: old_searcher(self, weighting=weighting, **kw)
    try:
        yield
    finally:
        app_search.TITLE_BOOST, app_search._closest_query = old_boost, old_closest
        app_search.FALLBACK_BELOW = old_fallback
        app_search._parsers.clear()
        FileIndex.searcher = old_searcher


VARIANTS = {
    "app": {},
    "no-coordination": {"scale": None},
    "title-1": {"title_boost": 1.0},
    "title-1 no-coord": {"title_boost": 1.0, "scale": None},
    "title-1 k0.9 b0.4": {"title_boost": 1.0, "weighting": scoring.BM25F(K1=0.9, B=0.4)},
    "title-1 k0.9 b0.4 no-coord": {"title_boost": 1.0, "scale": None,
                                   "weighting": scoring.BM25F(K1=0.9, B=0.4)},
    "title-1 lucene-idf k0.9 b0.4": {"title_boost": 1.0,
                                     "weighting": LuceneBM25F(K1=0.9, B=0.4)},
    "title-1 lucene-idf k0.9 b0.4 no-coord": {"title_boost": 1.0, "scale": None,
                                              "weighting": LuceneBM25F(K1=0.9, B=0.4)},
    "title-1 lucene-idf k1.2 b0.75": {"title_boost": 1.0, "weighting": LuceneBM25F()},
    "title-0.5 lucene-idf k0.9 b0.4": {"title_boost": 0.5,
                                       "weighting": LuceneBM25F(K1=0.9, B=0.4)},
    "title-1.5 lucene-idf k0.9 b0.4": {"title_boost": 1.5,
                                       "weighting": LuceneBM25F(K1=0.9, B=0.4)},
    "title-0.5": {"title_boost": 0.5},
    "title-0.25": {"title_boost": 0.25},
    "title 2 / closest 0.5": {"closest_title": 0.5},
    "title 2 / closest 0.35": {"closest_title": 0.35},
    "title 2 / closest 0.5 lucene-idf": {"closest_title": 0.5, "weighting": LuceneBM25F()},
    "title 2 / closest 0.35 lucene-idf": {"closest_title": 0.35, "weighting": LuceneBM25F()},
    "title 1 / closest 0.35 lucene-idf": {"title_boost": 1.0, "closest_title": 0.35,
                                          "weighting": LuceneBM25F()},
    "title-0.35": {"title_boost": 0.35},
    "title-0.5 lucene-idf": {"title_boost": 0.5, "weighting": LuceneBM25F()},
    "title-0.35 lucene-idf": {"title_boost": 0.35, "weighting": LuceneBM25F()},
    "title-0.35 lucene-idf fallback<3": {"title_boost": 0.35, "weighting": LuceneBM25F(),
                                         "fallback": 3},
    "title-0.35 lucene-idf fallback<10": {"title_boost": 0.35, "weighting": LuceneBM25F(),
                                          "fallback": 10},
    "title-0.35 lucene-idf k1.0 b0.6": {"title_boost": 0.35,
                                        "weighting": LuceneBM25F(K1=1.0, B=0.6)},
    "title-0.75": {"title_boost": 0.75},
    "title-1.25": {"title_boost": 1.25},
    "title-1 lucene-idf": {"title_boost": 1.0, "weighting": LuceneBM25F()},
    "title-1 k1.2 b0.5": {"title_boost": 1.0, "weighting": scoring.BM25F(K1=1.2, B=0.5)},
    "title-1 k1.5 b0.75": {"title_boost": 1.0, "weighting": scoring.BM25F(K1=1.5, B=0.75)},
    "title-1 k1.2 b0.9": {"title_boost": 1.0, "weighting": scoring.BM25F(K1=1.2, B=0.9)},
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="train")
    parser.add_argument("variants", nargs="*")
    args = parser.parse_args()
    library = relevance.prepare_library()
    for name in args.variants or VARIANTS:
        with patched(**VARIANTS[name]):
            library.close()  # a new searcher with the patched weighting
            outcome = relevance.evaluate(library, args.split, snippets=False)
        m = outcome.metrics
        print(f"{args.split}\t{name}\tnDCG@10 {m['nDCG@10']:.4f}\tAP@100 {m['AP@100']:.4f}"
              f"\tR@100 {m['R@100']:.4f}\t{outcome.modes}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
