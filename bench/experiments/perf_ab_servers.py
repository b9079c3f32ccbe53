"""Interleaved A/B of two SearchApp query processes (searchapp_side.py serve), one with the
prototype patches of perf_patches.py (BENCH_PATCHES), both alive at once, query by query.

    /work/venv/bin/python bench/experiments/perf_ab_servers.py DATA CORPUS CODE \\
        --patches nommap,onepass,showfix [--reps 3]
"""
import argparse, json, os, statistics, sys
from pathlib import Path
BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))
import run as R  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("data"); ap.add_argument("corpus"); ap.add_argument("code")
ap.add_argument("--patches", default="nommap,onepass,showfix")
ap.add_argument("--reps", type=int, default=3)
a = ap.parse_args()
queries = R.load_queries()
cmd = [R.VENV_PY, str(BENCH / "searchapp_side.py"), "serve", "--data", a.data, "--corpus", a.corpus]
env_a = {**os.environ, "SEARCHAPP_CODE": a.code}
env_a.pop("BENCH_PATCHES", None)
env_b = {**env_a, "BENCH_PATCHES": a.patches}
log = Path("/tmp/bench-work/ab.stderr")
srv = {"base": R.Server(cmd, log, env=env_a), a.patches: R.Server(cmd, log, env=env_b)}
names = list(srv)
out = {n: {"ready": s.ready} for n, s in srv.items()}
for n, s in srv.items():
    out[n]["cold_first_query"] = s.ask(op="query", q=queries[0][1])
for _c, q, _r in queries:
    for s in srv.values():
        s.ask(op="query", q=q)
t = {n: {i: [] for i in range(len(queries))} for n in names}
tot = {n: {} for n in names}
for rep in range(a.reps):
    for i, (_c, q, _r) in enumerate(queries):
        for n in (names if (rep + i) % 2 == 0 else names[::-1]):
            r = srv[n].ask(op="query", q=q)
            t[n][i].append(r["t"]); tot[n][i] = r.get("total")
docs = R.longest_docs(Path(a.corpus))
sh = {n: [] for n in names}
for rep in range(a.reps):
    for p in docs:
        for q, _ in R.READER_QUERIES:
            for n in (names if rep % 2 == 0 else names[::-1]):
                sh[n].append(srv[n].ask(op="show", path=p, q=q)["t"])
for n, s in srv.items():
    out[n]["rss_end"] = s.ask(op="rss")
    s.quit()
print(f"{'':10s}" + "".join(f"{n:>34s}" for n in names))
for cat in ["all"] + R.CATEGORIES:
    idx = [i for i, (c, _q, _r) in enumerate(queries) if cat == "all" or c == cat]
    row = f"{cat:10s}"
    for n in names:
        m = R.summary([statistics.median(t[n][i]) for i in idx])
        row += f"{m['p50']*1000:10.1f}/{m['p95']*1000:7.1f}/{m['max']*1000:7.1f} ms"
    print(row)
for n in names:
    m = R.summary(sh[n])
    print(f"show {n:28s} p50 {m['p50']*1000:6.1f} p95 {m['p95']*1000:6.1f} max {m['max']*1000:6.1f} ms")
    r = out[n]
    print(f"  open {r['ready']['open_s']*1000:.0f} ms, RSS at open {r['ready']['rss_kb']//1024} MB, "
          f"after all {r['rss_end']['rss_kb']//1024} MB (peak {r['rss_end']['hwm_kb']//1024}); "
          f"cold first query {r['cold_first_query']['t']*1000:.1f} ms")
print("totals differ:", [queries[i][1] for i in range(len(queries)) if tot[names[0]][i] != tot[names[1]][i]] or "none")
