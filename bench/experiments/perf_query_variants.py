"""A/B of prototype query-side changes, in one process, interleaved query by query.

    /work/venv/bin/python bench/experiments/perf_query_variants.py DATA_DIR CORPUS [--reps 3]
        [--variants base,noopt] [--code DIR]

Variants (monkeypatches; searchapp/ itself is untouched):
  base    SearchApp as it is.
  noopt   searcher.search(..., optimize=False): the top-10 collector scores every match and
          counts it in the same pass, instead of skipping blocks and then re-running the
          whole query (docs_for_query) when search() asks len(results) for the exact total.
  onepass like noopt but also without matcher replacement (replace=0), so the count of the
          single pass is exact (noopt's totals are wrong: see _onepass).
  showfix for show(): Results gets __bool__ = not is_empty(), so show()'s
          `not searcher.search(q, limit=1)` no longer counts every match (len) first.
Reader highlight (show) is measured on the 20 longest documents for base and showfix.
With BENCH_NOMMAP=1 in the environment, FileStorage is opened with supports_mmap=False.
Also reports the process's memory at each stage (VmRSS; RssAnon / RssFile from
/proc/self/status).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("corpus")
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--variants", default="base,noopt")
ap.add_argument("--code", default=os.environ.get("SEARCHAPP_CODE"))
args = ap.parse_args()
BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, args.code or str(BENCH.parent))


def mem() -> dict:
    out = {}
    for line in open("/proc/self/status"):
        if line.startswith(("VmRSS", "RssAnon", "RssFile")):
            k, v = line.split(":")
            out[k] = int(v.split()[0]) // 1024
    return out


MEM = {"start": mem()}
import whoosh.searching  # noqa: E402

if os.environ.get("BENCH_NOMMAP"):
    # Open index storage without mmap: a compound segment's sub-files are then read through
    # the file (SubFile) instead of each being copied into a BytesIO from the mapping.
    from whoosh.filedb.filestore import FileStorage
    _orig_init = FileStorage.__init__

    def _init(self, path, supports_mmap=True, readonly=False, debug=False):
        _orig_init(self, path, supports_mmap=False, readonly=readonly, debug=debug)

    FileStorage.__init__ = _init

import searchapp.core.search as S  # noqa: E402
from searchapp.core.index import Collection, Library  # noqa: E402

MEM["imported"] = mem()
ORIG_SEARCH = whoosh.searching.Searcher.search


def _onepass(self, q, **kw):
    """Exact total in the same pass as the top N: no block skipping (usequality=False) and
    no matcher replacement (replace=0; Whoosh's replace(minscore) prunes documents that
    cannot reach the top N, which is why optimize=False alone gives a wrong total)."""
    if kw.get("sortedby") is not None or kw.get("limit") is None:
        return ORIG_SEARCH(self, q, **kw)
    c = self.collector(limit=kw.pop("limit"), optimize=False, filter=kw.pop("filter", None),
                       mask=kw.pop("mask", None))
    inner = c
    while hasattr(inner, "child"):
        inner = inner.child
    inner.replace = 0
    if kw:
        return ORIG_SEARCH(self, q, limit=inner.limit, **kw)
    self.search_with_collector(q, c)
    return c.results()


def set_variant(name: str) -> None:
    if name == "noopt":
        def patched(self, q, **kw):
            kw.setdefault("optimize", False)
            return ORIG_SEARCH(self, q, **kw)
        whoosh.searching.Searcher.search = patched
    elif name == "onepass":
        whoosh.searching.Searcher.search = _onepass
    else:
        whoosh.searching.Searcher.search = ORIG_SEARCH
    if name == "showfix":
        whoosh.searching.Results.__bool__ = lambda self: not self.is_empty()
    elif "__bool__" in whoosh.searching.Results.__dict__:
        del whoosh.searching.Results.__bool__


queries = []
for line in (BENCH / "queries.txt").read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        cat, sa, _rc = line.split("\t")
        queries.append((cat, sa))

lib = Library(Path(args.data), collections=[Collection("bench", Path(args.corpus))])
t = time.perf_counter()
lib.document_count()
open_s = time.perf_counter() - t
MEM["opened"] = mem()
variants = args.variants.split(",")
times = {v: {i: [] for i in range(len(queries))} for v in variants}
totals = {v: {} for v in variants}
for v in variants:  # warm
    set_variant(v)
    for _c, q in queries:
        S.search(lib, q)
for rep in range(args.reps):
    for i, (_c, q) in enumerate(queries):
        order = variants if (rep + i) % 2 == 0 else variants[::-1]
        for v in order:
            set_variant(v)
            t = time.perf_counter()
            res = S.search(lib, q)
            times[v][i].append(time.perf_counter() - t)
            totals[v][i] = res.total
MEM["after_queries"] = mem()


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


cats = ["all"] + sorted({c for c, _ in queries}, key=[c for c, _ in queries].index)
print(f"open {open_s * 1000:.0f} ms; memory MB {json.dumps(MEM)}")
print("query p50/p95/max ms (median of reps per query):")
print("category".ljust(9) + "".join(v.rjust(24) for v in variants))
for cat in cats:
    idx = [i for i, (c, _q) in enumerate(queries) if cat == "all" or c == cat]
    row = cat.ljust(9)
    for v in variants:
        med = [statistics.median(times[v][i]) for i in idx]
        row += (f"{pct(med, .5) * 1000:7.1f}/{pct(med, .95) * 1000:7.1f}/"
                f"{max(med) * 1000:7.1f}").rjust(24)
    print(row)
print("slowest queries (base ms -> others):")
base = variants[0]
slow = sorted(range(len(queries)), key=lambda i: -statistics.median(times[base][i]))[:10]
for i in slow:
    print(f"  {queries[i][1]:28s}" + "".join(
        f" {v}={statistics.median(times[v][i]) * 1000:7.1f}" for v in variants)
        + f"  total={totals[base][i]}")
diff = [queries[i][1] for i in range(len(queries))
        if len({totals[v][i] for v in variants}) > 1]
print("totals differ between variants for:", diff or "none")

# Reader highlight on the longest documents.
docs = sorted(((e.stat().st_size, e.path) for e in os.scandir(args.corpus) if e.is_file()),
              reverse=True)[:20]
rq = ["government", "public debt", "econom*"]
st = {"base": [], "showfix": []}
for v in st:
    set_variant(v)
    for _s, p in docs[:3]:
        for q in rq:
            S.show(lib, p, q)
for rep in range(args.reps):
    for _s, p in docs:
        for q in rq:
            for v in (("base", "showfix") if rep % 2 == 0 else ("showfix", "base")):
                set_variant(v)
                t = time.perf_counter()
                S.show(lib, p, q)
                st[v].append(time.perf_counter() - t)
for v, xs in st.items():
    print(f"show {v:8s} p50 {pct(xs, .5) * 1000:6.1f} p95 {pct(xs, .95) * 1000:6.1f} "
          f"max {max(xs) * 1000:6.1f} ms  (n={len(xs)})")
MEM["end"] = mem()
print("memory MB", json.dumps(MEM))
