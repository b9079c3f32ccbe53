"""SearchApp vs Recoll benchmark: one command runs every measurement and writes RESULTS.md.

    /work/venv/bin/python bench/run.py [--tiers real,100k] [--skip-build] [--reps 3]
                                       [--profile] [--work /tmp/bench-work]

Every measurement runs in its own child process (SearchApp: this venv's python running
bench/searchapp_side.py; Recoll: recollindex, or /usr/bin/python3 running
bench/recoll_side.py), so wall time and peak memory are attributable. Query latencies are
taken with both query processes alive, interleaved query by query, on the same machine in
the same run. Raw figures go to bench/out/<tier>.json; RESULTS.md is rendered from every
tier file present there, plus bench/analysis.md (hand-written notes) if it exists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from measure import measure  # noqa: E402

VENV_PY = sys.executable
SYS_PY = "/usr/bin/python3"
OUT = BENCH / "out"
PROFILES = BENCH / "profiles"
# Environment of every SearchApp child: SEARCHAPP_CODE is set per tier (see snapshot_code).
SA_ENV = dict(os.environ)

TIERS = {
    # name: (source corpus, copy it into the work dir?, update set)
    "real": (Path("/tmp/corpus/real"), False, None),
    "100k": (Path("/tmp/corpus/100k"), True, Path("/tmp/corpus/update100")),
}
RECOLL_CONF = ("topdirs = {topdirs}\nloglevel = 1\nidxflushmb = 50\nnoaspell = 1\n"
               "indexStemmingLanguages = english\n"
               # recollindex runs at nice 19 by default (idxniceprio); SearchApp's build runs
               # at normal priority, so on a shared machine Recoll would be starved.
               "idxniceprio = 0\n")
CATEGORIES = ["rare", "common", "and2", "and3", "phrase", "prefix", "fuzzy"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def dir_bytes(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def corpus_stats(root: Path) -> tuple[int, int]:
    n = size = 0
    for entry in os.scandir(root):
        if entry.is_file():
            n += 1
            size += entry.stat().st_size
    return n, size


def load_queries() -> list[tuple[str, str, str]]:
    rows = []
    for line in (BENCH / "queries.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cat, sa, rc = line.split("\t")
        rows.append((cat, sa, rc))
    return rows


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": pct(values, 0.5), "p95": pct(values, 0.95),
            "max": max(values) if values else float("nan"),
            "mean": statistics.fmean(values) if values else float("nan")}


# -- child processes -----------------------------------------------------------------

class Server:
    """A long-lived query process speaking JSON lines on stdin/stdout."""

    def __init__(self, cmd: list[str], stderr_log: Path, env: dict | None = None):
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(stderr_log, "a"), text=True, bufsize=1,
                                     env=env)
        started = time.perf_counter()
        self.ready = self._read()
        self.ready["spawn_to_ready_s"] = time.perf_counter() - started

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.cmd[0]} ended early; see the stderr log")
        return json.loads(line)

    def ask(self, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def quit(self) -> dict:
        bye = self.ask(op="quit")
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        return bye


def searchapp_server(data: Path, corpus: Path, logf: Path) -> Server:
    return Server([VENV_PY, str(BENCH / "searchapp_side.py"), "serve", "--data", str(data),
                   "--corpus", str(corpus)], logf, env=SA_ENV)


def recoll_server(conf: Path, logf: Path) -> Server:
    return Server([SYS_PY, str(BENCH / "recoll_side.py"), "serve", "--conf", str(conf)], logf)


def write_recoll_conf(conf: Path, topdirs: Path) -> None:
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "recoll.conf").write_text(RECOLL_CONF.format(topdirs=topdirs))


# -- phases --------------------------------------------------------------------------

def prepare_corpus(tier: str, work: Path, fresh: bool) -> Path:
    source, copy, _update = TIERS[tier]
    if not copy:
        return source
    corpus = work / "corpus"
    if fresh and corpus.exists():
        shutil.rmtree(corpus)
    if not corpus.exists():
        log(f"hard-link copy of {source} -> {corpus}")
        subprocess.run(["cp", "-al", str(source), str(corpus)], check=True)
    return corpus


def snapshot_code(work: Path, fresh: bool) -> dict:
    """Export the committed searchapp/ (git HEAD) beside the index it builds; every SearchApp
    child imports that copy, so the code that reads an index is the code that wrote it and
    the figures belong to one commit even while the working tree is being edited. The
    bundled articles come too: the window (phase_window) indexes them, as it does for
    everyone."""
    code = work / "code"
    if fresh or not (code / "searchapp").exists():
        shutil.rmtree(code, ignore_errors=True)
        code.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD", "searchapp", "seeds"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        (code / "REVISION").write_text(json.dumps({"git": rev, "dirty": False,
                                                   "taken": time.strftime("%Y-%m-%d %H:%M:%S")}))
    # `pip install .` compiles the package's bytecode; without this, every SearchApp child
    # would compile searchapp/ afresh (about 30 ms of each process start, when
    # PYTHONDONTWRITEBYTECODE is set) while Whoosh's bytecode is already installed.
    subprocess.run([VENV_PY, "-m", "compileall", "-q", str(code / "searchapp")], check=True)
    SA_ENV["SEARCHAPP_CODE"] = str(code)
    return json.loads((code / "REVISION").read_text())


def phase_build(tier: str, work: Path, corpus: Path, logf: Path, reps: int = 1) -> dict:
    """Full builds, alternating SearchApp and Recoll ``reps`` times; the fastest of each is
    reported (every run is kept under "runs")."""
    n_docs, n_bytes = corpus_stats(corpus)
    out = {"docs": n_docs, "bytes": n_bytes, "reps": reps}
    sa_data = work / "searchapp"
    rc_conf = work / "recoll"
    runs = {"searchapp": [], "recoll": []}
    for rep in range(reps):
        shutil.rmtree(sa_data, ignore_errors=True)
        shutil.rmtree(rc_conf, ignore_errors=True)
        write_recoll_conf(rc_conf, corpus)
        subprocess.run(["sync"])
        log(f"{tier}: SearchApp build ({n_docs} docs) {rep + 1}/{reps}")
        sa = measure([VENV_PY, str(BENCH / "searchapp_side.py"), "build", "--data",
                      str(sa_data), "--corpus", str(corpus)], log=str(logf), env=SA_ENV)
        sa["index_bytes"] = dir_bytes(sa_data / "index")
        log(f"{tier}: SearchApp build {sa['wall_s']:.1f} s; Recoll build")
        subprocess.run(["sync"])
        rc = measure(["recollindex", "-c", str(rc_conf), "-z"], log=str(logf))
        rc["index_bytes"] = dir_bytes(rc_conf / "xapiandb")
        log(f"{tier}: Recoll build {rc['wall_s']:.1f} s")
        runs["searchapp"].append(sa)
        runs["recoll"].append(rc)
    for name in runs:
        out[name] = min(runs[name], key=lambda r: r["wall_s"])
    out["runs"] = runs
    return out


def phase_update(tier: str, work: Path, corpus: Path, logf: Path,
                 walk_recoll: bool = True, reps: int = 1) -> dict | None:
    """The update set applied to pristine copies of both indexes, told the files (SearchApp
    ``update_paths``, ``recollindex -i``; ``reps`` times, alternating which goes first, on
    fresh copies each time) and, like for like again, finding the changes by walking the
    tree (``refresh()``, plain ``recollindex``)."""
    update = TIERS[tier][2]
    if update is None:
        return None
    # Pristine copies of both indexes, so the query indexes keep the build's state.
    sa_upd, sa_walk = work / "searchapp-upd", work / "searchapp-walk"
    rc_upd, rc_walk = work / "recoll-upd", work / "recoll-walk"
    for d in (sa_upd, sa_walk, rc_upd, rc_walk):
        shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(work / "searchapp", sa_walk, symlinks=True)
    if walk_recoll:
        shutil.copytree(work / "recoll", rc_walk, symlinks=True)
    # Apply the update set to the (hard-linked) corpus copy: unlink, then write, so the
    # original /tmp/corpus/100k files are never touched.
    files = sorted(p for p in update.iterdir() if p.is_file())
    targets = []
    replaced = 0
    for src in files:
        dst = corpus / src.name
        if (TIERS[tier][0] / src.name).exists():
            replaced += 1  # a file of the original corpus, replaced (not a new one)
        if dst.exists():
            dst.unlink()
        shutil.copyfile(src, dst)
        targets.append(str(dst))
    told = work / "update-targets.txt"
    told.write_text("\n".join(targets) + "\n", encoding="utf-8")
    subprocess.run(["sync"])
    told_runs = []
    for rep in range(reps):
        for d in (sa_upd, rc_upd):
            shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(work / "searchapp", sa_upd, symlinks=True)
        shutil.copytree(work / "recoll", rc_upd, symlinks=True)
        subprocess.run(["sync"])
        log(f"{tier}: update set ({len(files)} files, {replaced} replaced), told the files, "
            f"{rep + 1}/{reps}")
        run = {}
        for side in ("searchapp", "recoll") if rep % 2 == 0 else ("recoll", "searchapp"):
            if side == "searchapp":
                run[side] = measure([VENV_PY, str(BENCH / "searchapp_side.py"), "update",
                                     "--data", str(sa_upd), "--corpus", str(corpus),
                                     "--paths-from", str(told)], log=str(logf), env=SA_ENV)
            else:
                run[side] = measure(["recollindex", "-c", str(rc_upd), "-i", *targets],
                                    log=str(logf))
        log(f"{tier}: SearchApp update_paths {run['searchapp']['wall_s']:.2f} s, "
            f"recollindex -i {run['recoll']['wall_s']:.2f} s")
        told_runs.append(run)
    # Each side's median run (by wall time) stands for it.
    sa, rc = (sorted((run[side] for run in told_runs), key=lambda m: m["wall_s"])[reps // 2]
              for side in ("searchapp", "recoll"))
    # Searchable: the new files are found by a fresh process.
    check = subprocess.run([SYS_PY, str(BENCH / "recoll_side.py"), "check", "--conf",
                            str(rc_upd), "--query", "filename:new_*"],
                           capture_output=True, text=True)
    rc["check"] = json.loads(check.stdout) if check.returncode == 0 else check.stderr[-500:]
    log(f"{tier}: SearchApp refresh (walks the tree)")
    sa_walk_m = measure([VENV_PY, str(BENCH / "searchapp_side.py"), "update", "--data",
                         str(sa_walk), "--corpus", str(corpus)], log=str(logf), env=SA_ENV)
    log(f"{tier}: SearchApp refresh {sa_walk_m['wall_s']:.1f} s")
    walk = None
    if walk_recoll:
        # Like refresh(), a plain incremental recollindex walks the tree to find the changes.
        log(f"{tier}: recollindex (incremental, walks the tree)")
        walk = measure(["recollindex", "-c", str(rc_walk)], log=str(logf))
        log(f"{tier}: recollindex walk {walk['wall_s']:.1f} s")
    for d in (rc_walk, sa_walk):
        shutil.rmtree(d, ignore_errors=True)
    return {"files": len(files), "replaced": replaced, "searchapp": sa, "recoll": rc,
            "told_runs": told_runs, "searchapp_walk": sa_walk_m, "recoll_walk": walk}


def phase_window(tier: str, work: Path, corpus: Path, logf: Path, fresh: bool) -> dict:
    """The window's own memory: a data folder made as a person makes one (``searchapp
    add``), then bench/window_memory.py opens the real window on it (offscreen) and types
    the query set, with the related-articles panel on (as it opens) and off."""
    data = work / "window"
    env = {**SA_ENV, "PYTHONPATH": SA_ENV["SEARCHAPP_CODE"], "QT_QPA_PLATFORM": "offscreen"}
    out = {}
    if fresh or not (data / "collections.json").exists():
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run(["sync"])
        log(f"{tier}: searchapp add (the window's data folder)")
        out["add"] = measure([VENV_PY, "-m", "searchapp", "--data-dir", str(data), "add",
                              str(corpus)], log=str(logf), env=env)
        log(f"{tier}: searchapp add {out['add']['wall_s']:.1f} s")
    for related in (True, False):
        label = "related_on" if related else "related_off"
        log(f"{tier}: the window through the query set, related articles "
            f"{'on' if related else 'off'}")
        run = measure([VENV_PY, str(BENCH / "window_memory.py"), str(data), "--json",
                       *([] if related else ["--no-related"])], log=str(logf), env=env)
        out[label] = run
        after = run.get("child", {}).get("after", {})
        log(f"{tier}: window resident after the set {after.get('VmRSS')} MB")
    return out


def longest_docs(corpus: Path, n: int = 20) -> list[str]:
    sizes = [(e.stat().st_size, e.path) for e in os.scandir(corpus) if e.is_file()]
    sizes.sort(reverse=True)
    return [p for _s, p in sizes[:n]]


READER_QUERIES = [("government", "government"), ("public debt", "public debt"),
                  ("econom*", "econom*")]


def phase_queries(tier: str, work: Path, corpus: Path, reps: int, logf: Path,
                  profile: bool) -> dict:
    queries = load_queries()
    subprocess.run(["sync"])
    sa = searchapp_server(work / "searchapp", corpus, logf)
    rc = recoll_server(work / "recoll", logf)
    out = {"searchapp_ready": sa.ready, "recoll_ready": rc.ready}
    # Cold: the first query each fresh process answers (index opened, nothing warmed).
    cat0, sa_q0, rc_q0 = queries[0]
    out["cold"] = {"query": sa_q0, "searchapp": sa.ask(op="query", q=sa_q0),
                   "recoll": rc.ask(op="query", q=rc_q0)}
    log(f"{tier}: warm-up pass over {len(queries)} queries")
    for _cat, sa_q, rc_q in queries:
        sa.ask(op="query", q=sa_q)
        rc.ask(op="query", q=rc_q)
    samples = {i: {"searchapp": [], "recoll": []} for i in range(len(queries))}
    answers: dict[int, dict] = {}
    for rep in range(reps):
        log(f"{tier}: measured pass {rep + 1}/{reps}")
        for i, (_cat, sa_q, rc_q) in enumerate(queries):
            order = [("searchapp", sa, sa_q), ("recoll", rc, rc_q)]
            if (rep + i) % 2:
                order.reverse()  # alternate who goes first
            for name, server, q in order:
                res = server.ask(op="query", q=q)
                samples[i][name].append(res["t"])
                answers.setdefault(i, {})[name] = res
    per_query = []
    for i, (cat, sa_q, rc_q) in enumerate(queries):
        per_query.append({
            "category": cat, "searchapp_q": sa_q, "recoll_q": rc_q,
            "searchapp_t": statistics.median(samples[i]["searchapp"]),
            "recoll_t": statistics.median(samples[i]["recoll"]),
            "searchapp_all": samples[i]["searchapp"], "recoll_all": samples[i]["recoll"],
            "searchapp_total": answers[i]["searchapp"].get("total"),
            "recoll_total": answers[i]["recoll"].get("total"),
            "searchapp_error": answers[i]["searchapp"].get("error"),
            "recoll_error": answers[i]["recoll"].get("error"),
            "searchapp_mode": answers[i]["searchapp"].get("mode"),
        })
    out["per_query"] = per_query
    out["rss_after_queries"] = {"searchapp": sa.ask(op="rss"), "recoll": rc.ask(op="rss")}

    # Reader highlight: whole-document spans for the longest documents.
    docs = longest_docs(corpus)
    log(f"{tier}: reader highlight on the {len(docs)} longest documents")
    reader = {"searchapp": [], "recoll": [], "docs": docs,
              "queries": [q for q, _ in READER_QUERIES]}
    for path in docs[:3]:  # warm
        for sa_q, rc_q in READER_QUERIES:
            sa.ask(op="show", path=path, q=sa_q)
            rc.ask(op="show", path=path, q=rc_q)
    errors = []
    for path in docs:
        for sa_q, rc_q in READER_QUERIES:
            a = sa.ask(op="show", path=path, q=sa_q)
            b = rc.ask(op="show", path=path, q=rc_q)
            reader["searchapp"].append(a["t"])
            reader["recoll"].append(b["t"])
            errors += [e for e in (a.get("error"), b.get("error")) if e]
    reader["errors"] = errors[:5]
    out["reader"] = reader
    out["rss_end"] = {"searchapp": sa.ask(op="rss"), "recoll": rc.ask(op="rss")}

    if profile:
        PROFILES.mkdir(exist_ok=True)
        target = PROFILES / f"queries_{tier}.prof"
        log(f"{tier}: cProfile of SearchApp over the query set -> {target}")
        sa.ask(op="profile_start")
        for _cat, sa_q, _rc_q in queries:
            sa.ask(op="query", q=sa_q)
        sa.ask(op="profile_stop", out=str(target))
        out["query_profile"] = str(target.relative_to(REPO))
    sa.quit()
    rc.quit()
    return out


def phase_build_profile(tier: str, work: Path, corpus: Path, logf: Path) -> str:
    PROFILES.mkdir(exist_ok=True)
    target = PROFILES / f"build_{tier}.prof"
    data = work / "searchapp-prof"
    shutil.rmtree(data, ignore_errors=True)
    log(f"{tier}: cProfile of SearchApp build -> {target}")
    measure([VENV_PY, str(BENCH / "searchapp_side.py"), "build", "--data", str(data),
             "--corpus", str(corpus), "--profile", str(target)], log=str(logf), env=SA_ENV)
    shutil.rmtree(data, ignore_errors=True)
    return str(target.relative_to(REPO))


# -- environment and report ------------------------------------------------------------

def machine() -> dict:
    info = {"cores": os.cpu_count(), "platform": platform.platform()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                info["mem_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["python_venv"] = platform.python_version()
    info["python_sys"] = subprocess.run(
        [SYS_PY, "-c", "import platform;print(platform.python_version())"],
        capture_output=True, text=True).stdout.strip()
    import whoosh
    info["whoosh"] = whoosh.versionstring()
    info["recoll"] = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "recollcmd"],
                                    capture_output=True, text=True).stdout.strip()
    info["xapian"] = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libxapian30"],
                                    capture_output=True, text=True).stdout.strip()
    info["git"] = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                 capture_output=True, text=True).stdout.strip()
    info["git_dirty"] = bool(subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                                             "searchapp"], capture_output=True,
                                            text=True).stdout.strip())
    return info


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def render(results: dict[str, dict]) -> str:
    L: list[str] = []
    L.append("# SearchApp vs Recoll: benchmark results\n")
    L.append("Generated by `bench/run.py` from `bench/out/*.json`. Ratios are SearchApp ÷ "
             "Recoll (below 1 means SearchApp is faster / smaller). Both tools measured in "
             "the same run on the same machine; see bench/README.md for the method.\n")
    for tier, r in results.items():
        m = r["machine"]
        L.append(f"## Tier `{tier}`\n")
        L.append(f"- Run: {r['started']} → {r['finished']} (UTC)")
        L.append(f"- Command: `{r['command']}`")
        L.append(f"- Machine: {m.get('cores')} cores, {m.get('mem_gb')} GB, {m.get('cpu')}; "
                 f"{m.get('platform')}")
        code = r.get("code") or {"git": m.get("git"), "dirty": m.get("git_dirty")}
        L.append(f"- Versions: SearchApp git {code.get('git')}"
                 f"{' + uncommitted changes in searchapp/' if code.get('dirty') else ''}"
                 f"{' (snapshot ' + code['taken'] + ')' if code.get('taken') else ''}, "
                 f"Whoosh {m.get('whoosh')}, Python {m.get('python_venv')} (venv); Recoll "
                 f"{m.get('recoll')}, Xapian {m.get('xapian')}, Python {m.get('python_sys')}")
        b = r.get("build")
        if b:
            mb = b["bytes"] / 1e6
            L.append(f"- Corpus: {b['docs']:,} documents, {mb:.1f} MB "
                     f"({r['corpus']})" + (f"; build reused from run of {r['build_from']}"
                                           if r.get("build_from") else ""))
            L.append("")
            L.append("### Index build\n")
            if b.get("reps", 1) > 1:
                walls = {k: ", ".join(f"{x['wall_s']:.1f}" for x in b["runs"][k])
                         for k in ("searchapp", "recoll")}
                L.append(f"{b['reps']} alternating builds per tool, fastest shown (all wall s: "
                         f"SearchApp {walls['searchapp']}; Recoll {walls['recoll']}). "
                         "SearchApp's build is one process; recollindex is multi-threaded.\n")
            L.append("| | wall s | docs/s | MB/s | CPU s (user+sys) | peak RSS MB | index MB |")
            L.append("|---|---:|---:|---:|---:|---:|---:|")
            for name in ("searchapp", "recoll"):
                x = b[name]
                L.append(f"| {name} | {x['wall_s']:.1f} | {b['docs'] / x['wall_s']:,.0f} | "
                         f"{mb / x['wall_s']:.2f} | {x['user_s'] + x['sys_s']:.1f} | "
                         f"{x['maxrss_kb'] / 1024:.0f} | {x['index_bytes'] / 1e6:.0f} |")
            s, c = b["searchapp"], b["recoll"]
            L.append(f"| ratio | {ratio(s['wall_s'], c['wall_s'])} | | | "
                     f"{ratio(s['user_s'] + s['sys_s'], c['user_s'] + c['sys_s'])} | "
                     f"{ratio(s['maxrss_kb'], c['maxrss_kb'])} | "
                     f"{ratio(s['index_bytes'], c['index_bytes'])} |")
            L.append("")
        u = r.get("update")
        if u:
            s, c = u["searchapp"], u["recoll"]
            sw, w = u.get("searchapp_walk"), u.get("recoll_walk")
            L.append("### Incremental update\n")
            runs = u.get("told_runs") or []
            repeated = ""
            if len(runs) > 1:
                repeated = (f" Told the files {len(runs)} times, alternating which tool goes "
                            "first, each time on fresh copies; the rows show each side's "
                            "median run, and every run is listed below the table.")
            L.append(f"{u['files']} files ({u['replaced']} replacements, "
                     f"{u['files'] - u['replaced']} new) applied to a hard-link copy of the "
                     "corpus, each tool on a pristine copy of its index. Told the files: "
                     "SearchApp `lib.update_paths(FILES)` (`searchapp index FILES...`) vs "
                     "`recollindex -c CONF -i FILES...`. Finding the changes by walking the "
                     f"tree: `lib.refresh()` vs a plain `recollindex -c CONF`.{repeated}\n")
            L.append("| | wall s (process) | CPU s | peak RSS MB | detail |")
            L.append("|---|---:|---:|---:|---|")

            def row(name: str, m: dict, detail: str) -> None:
                L.append(f"| {name} | {m['wall_s']:.2f} | {m['user_s'] + m['sys_s']:.2f} | "
                         f"{m['maxrss_kb'] / 1024:.0f} | {detail} |")

            def done(m: dict) -> str:
                ch = m.get("child", {})
                return (f"{ch.get('mode', 'refresh')}() {ch.get('elapsed_s', 0):.2f} s: "
                        f"{ch.get('added')} added, {ch.get('updated')} updated, "
                        f"{ch.get('unchanged')} unchanged; doc_count {ch.get('doc_count')}")

            def ratios(name: str, a: dict, b: dict) -> None:
                L.append(f"| {name} | {ratio(a['wall_s'], b['wall_s'])} | "
                         f"{ratio(a['user_s'] + a['sys_s'], b['user_s'] + b['sys_s'])} | "
                         f"{ratio(a['maxrss_kb'], b['maxrss_kb'])} | |")

            check = c.get("check")
            found = check.get("total") if isinstance(check, dict) else check
            row("searchapp, told the files", s, done(s))
            row("recoll `-i`, told the files", c,
                f"rc={c['rc']}; fresh query `filename:new_*` finds {found}")
            ratios("ratio, told", s, c)
            if sw:
                row("searchapp, walks the tree", sw, done(sw))
            if w:
                row("recoll, walks the tree", w, f"plain `recollindex -c CONF`; rc={w['rc']}")
            if sw and w:
                ratios("ratio, walking", sw, w)
            elif sw:
                L.append("| recoll, walks the tree | | | | not measured in this run (see the "
                         "notes below) |")
            L.append("")
            if len(runs) > 1:
                walls = "; ".join(f"{x['searchapp']['wall_s']:.2f} vs {x['recoll']['wall_s']:.2f}"
                                  for x in runs)
                L.append(f"Told the files, run by run (SearchApp vs Recoll, wall s): {walls}.\n")
        q = r.get("queries")
        if q:
            pq = q["per_query"]
            L.append("### Keystroke to first page (10 hits with highlighted snippets), warm\n")
            L.append(f"{len(pq)} queries (bench/queries.txt), one warm-up pass, then "
                     f"{r['reps']} measured passes interleaved query by query; each query's "
                     "figure is the median of its passes, and p50/p95/max are over queries. "
                     "Times are in-process (parse + search + first page + snippets), ms.\n")
            L.append("| category | n | SearchApp p50 | p95 | max | Recoll p50 | p95 | max | "
                     "p50 ratio | p95 ratio |")
            L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for cat in ["all"] + CATEGORIES:
                rows = [x for x in pq if cat == "all" or x["category"] == cat]
                if not rows:
                    continue
                a = summary([x["searchapp_t"] for x in rows])
                c = summary([x["recoll_t"] for x in rows])
                L.append(f"| {'**all**' if cat == 'all' else cat} | {a['n']} | {ms(a['p50'])} | "
                         f"{ms(a['p95'])} | {ms(a['max'])} | {ms(c['p50'])} | {ms(c['p95'])} | "
                         f"{ms(c['max'])} | {ratio(a['p50'], c['p50'])} | "
                         f"{ratio(a['p95'], c['p95'])} |")
            cold = q["cold"]
            sr, rr = q["searchapp_ready"], q["recoll_ready"]
            L.append("")
            L.append(f"Cold (fresh process, OS page cache warm): opening the index "
                     f"SearchApp {ms(sr['open_s'])} ms (imports {ms(sr['import_s'])} ms) vs "
                     f"Recoll {ms(rr['open_s'])} ms (imports {ms(rr['import_s'])} ms); first "
                     f"query `{cold['query']}` SearchApp {ms(cold['searchapp']['t'])} ms vs "
                     f"Recoll {ms(cold['recoll']['t'])} ms.\n")
            rd = q["reader"]
            a, c = summary(rd["searchapp"]), summary(rd["recoll"])
            L.append("### Reader highlight (whole document)\n")
            L.append(f"SearchApp `show(lib, path, q)` vs Recoll execute(q) + read file + "
                     f"`query.highlight(text)`, for the {len(rd['docs'])} longest documents × "
                     f"queries {', '.join('`' + x + '`' for x in rd['queries'])} "
                     f"({a['n']} calls each, ms).\n")
            L.append("| | p50 | p95 | max | mean |")
            L.append("|---|---:|---:|---:|---:|")
            L.append(f"| searchapp | {ms(a['p50'])} | {ms(a['p95'])} | {ms(a['max'])} | "
                     f"{ms(a['mean'])} |")
            L.append(f"| recoll | {ms(c['p50'])} | {ms(c['p95'])} | {ms(c['max'])} | "
                     f"{ms(c['mean'])} |")
            L.append(f"| ratio | {ratio(a['p50'], c['p50'])} | {ratio(a['p95'], c['p95'])} | "
                     f"{ratio(a['max'], c['max'])} | {ratio(a['mean'], c['mean'])} |")
            if rd.get("errors"):
                L.append(f"\nErrors: {rd['errors']}")
            L.append("")
            rs = q["rss_after_queries"]
            L.append("### Memory of the query process\n")
            L.append(f"Resident size after the whole query set: SearchApp "
                     f"{rs['searchapp']['rss_kb'] / 1024:.0f} MB (peak "
                     f"{rs['searchapp']['hwm_kb'] / 1024:.0f} MB) vs Recoll python3-recoll "
                     f"{rs['recoll']['rss_kb'] / 1024:.0f} MB (peak "
                     f"{rs['recoll']['hwm_kb'] / 1024:.0f} MB); at open: SearchApp "
                     f"{sr['rss_kb'] / 1024:.0f} MB, Recoll {rr['rss_kb'] / 1024:.0f} MB.\n")
            L.append("<details><summary>Per query (median ms, totals)</summary>\n")
            L.append("| category | SearchApp query | ms | total | Recoll query | ms | total |")
            L.append("|---|---|---:|---:|---|---:|---:|")
            for x in pq:
                err = f" ERR {x['searchapp_error']}" if x["searchapp_error"] else ""
                rerr = f" ERR {x['recoll_error']}" if x["recoll_error"] else ""
                mode = (f" ({x['searchapp_mode']})"
                        if x.get("searchapp_mode") not in (None, "all") else "")
                L.append(f"| {x['category']} | `{x['searchapp_q']}` | {ms(x['searchapp_t'])} | "
                         f"{x['searchapp_total']}{mode}{err} | `{x['recoll_q']}` | "
                         f"{ms(x['recoll_t'])} | {x['recoll_total']}{rerr} |")
            L.append("\n</details>\n")
        if r.get("window"):
            L.extend(render_window(r["window"]))
        if r.get("profiles"):
            L.append(f"Profiles written: {', '.join('`' + p + '`' for p in r['profiles'])}\n")
    notes = BENCH / "analysis.md"
    if notes.exists():
        L.append(notes.read_text(encoding="utf-8"))
    return "\n".join(L) + "\n"


def render_window(w: dict) -> list[str]:
    """The window's memory through the query set (phase_window)."""
    L = ["### Memory of the window\n"]
    add = w.get("add")
    intro = ("`bench/window_memory.py` opens SearchApp's window (offscreen) on a data folder "
             "made by `searchapp add`")
    if add:
        intro += f" ({add['wall_s']:.1f} s, peak {add['maxrss_kb'] / 1024:.0f} MB)"
    L.append(intro + ", and types the query set as a person would: each query waits for "
             "its list and, when there is one, for the first article in the reader and "
             "(when the panel is on) its related articles. Resident memory is the window "
             "process's own (anonymous) plus the files it has mapped (libraries and index "
             "pages).\n")
    L.append("| related articles | set s | resident at open MB | after the set MB | peak MB "
             "| anonymous MB | mapped files MB |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for label, name in (("related_on", "on"), ("related_off", "off")):
        child = w.get(label, {}).get("child")
        if not child:
            L.append(f"| {name} | failed (exit {w.get(label, {}).get('rc')}) | | | | | |")
            continue
        a, o = child["after"], child["at_open"]
        L.append(f"| {name} | {child['seconds']:.1f} | {o['VmRSS']} | **{a['VmRSS']}** | "
                 f"{a['VmHWM']} | {a['RssAnon']} | {a['RssFile']} |")
    parts = w.get("related_on", {}).get("child", {}).get("parts")
    if parts:
        L.append("\nIndex pages resident after the set (related articles on): " + ", ".join(
            f"{p['name'].split('.', 1)[-1]} {p['resident_mb']:.1f} of {p['size_mb']:.1f} MB"
            for p in parts) + ".")
    L.append("")
    return L


def short_table(tier: str, r: dict) -> None:
    print(f"\n== {tier} ==")
    b = r.get("build")
    if b:
        s, c = b["searchapp"], b["recoll"]
        print(f"build wall s      SearchApp {s['wall_s']:8.1f}  Recoll {c['wall_s']:8.1f}  "
              f"ratio {ratio(s['wall_s'], c['wall_s'])}")
        print(f"build peak RSS MB SearchApp {s['maxrss_kb'] / 1024:8.0f}  Recoll "
              f"{c['maxrss_kb'] / 1024:8.0f}")
        print(f"index MB          SearchApp {s['index_bytes'] / 1e6:8.0f}  Recoll "
              f"{c['index_bytes'] / 1e6:8.0f}")
    u = r.get("update")
    if u:
        s, c = u["searchapp"], u["recoll"]
        print(f"update wall s     SearchApp {s['wall_s']:8.2f}  Recoll {c['wall_s']:8.2f}  "
              f"ratio {ratio(s['wall_s'], c['wall_s'])}")
    q = r.get("queries")
    if q:
        a = summary([x["searchapp_t"] for x in q["per_query"]])
        c = summary([x["recoll_t"] for x in q["per_query"]])
        print(f"query p50/p95 ms  SearchApp {ms(a['p50']):>6}/{ms(a['p95']):>6}  Recoll "
              f"{ms(c['p50']):>6}/{ms(c['p95']):>6}  p50 ratio {ratio(a['p50'], c['p50'])}")
        a, c = summary(q["reader"]["searchapp"]), summary(q["reader"]["recoll"])
        print(f"reader p50 ms     SearchApp {ms(a['p50']):>6}  Recoll {ms(c['p50']):>6}")
        rs = q["rss_after_queries"]
        print(f"query RSS MB      SearchApp {rs['searchapp']['rss_kb'] / 1024:6.0f}  Recoll "
              f"{rs['recoll']['rss_kb'] / 1024:6.0f}")
    child = r.get("window", {}).get("related_on", {}).get("child")
    if child:
        print(f"window RSS MB     after the set {child['after']['VmRSS']:6d}  "
              f"(peak {child['after']['VmHWM']})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiers", default="real,100k")
    ap.add_argument("--skip-build", action="store_true",
                    help="reuse the indexes (and build figures) of an earlier run")
    ap.add_argument("--fresh-code", action="store_true",
                    help="with --skip-build: query and update with the committed code of "
                         "now, not the snapshot taken with the build (same index format)")
    ap.add_argument("--skip-update", action="store_true")
    ap.add_argument("--skip-window", action="store_true",
                    help="do not measure the window's memory through the query set")
    ap.add_argument("--update-reps", type=int, default=5,
                    help="times the update set is applied, told the files, to fresh copies")
    ap.add_argument("--build-reps", type=int, default=1,
                    help="full builds per tool, alternating; the fastest is reported")
    ap.add_argument("--reps", type=int, default=3, help="measured passes over the query set")
    ap.add_argument("--profile", action="store_true",
                    help="also cProfile SearchApp's query set and its build (real tier)")
    ap.add_argument("--work", default="/tmp/bench-work")
    args = ap.parse_args()
    command = "/work/venv/bin/python bench/run.py " + " ".join(sys.argv[1:])
    OUT.mkdir(exist_ok=True)
    info = machine()
    for tier in args.tiers.split(","):
        tier = tier.strip()
        work = Path(args.work) / tier
        work.mkdir(parents=True, exist_ok=True)
        logf = work / "stderr.log"
        previous = {}
        if (OUT / f"{tier}.json").exists():
            previous = json.loads((OUT / f"{tier}.json").read_text())
        r = {"tier": tier, "command": command, "machine": info, "reps": args.reps,
             "started": dt.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")}
        corpus = prepare_corpus(tier, work, fresh=not args.skip_build)
        r["code"] = snapshot_code(work, fresh=not args.skip_build or args.fresh_code)
        r["corpus"] = str(corpus)
        if args.skip_build:
            if "build" not in previous:
                sys.exit(f"--skip-build: no earlier build figures for {tier} in {OUT}")
            r["build"] = previous["build"]
            r["build_from"] = previous.get("build_from") or previous["started"]
        else:
            r["build"] = phase_build(tier, work, corpus, logf, args.build_reps)
        r["queries"] = phase_queries(tier, work, corpus, args.reps, logf, args.profile)
        if not args.skip_update:
            # A reused corpus copy may have had its inodes touched since Recoll indexed it;
            # Recoll then re-reads everything on a walk, so that figure needs a fresh build.
            r["update"] = phase_update(tier, work, corpus, logf, reps=args.update_reps,
                                       walk_recoll=not args.skip_build)
        if not args.skip_window:
            r["window"] = phase_window(tier, work, corpus, logf, fresh=not args.skip_build)
        r["profiles"] = []
        if args.profile:
            if r["queries"].get("query_profile"):
                r["profiles"].append(r["queries"]["query_profile"])
            if tier == "real":
                r["profiles"].append(phase_build_profile(tier, work, corpus, logf))
        r["finished"] = dt.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")
        (OUT / f"{tier}.json").write_text(json.dumps(r, indent=1))
        short_table(tier, r)
    results = {}
    for tier in TIERS:
        f = OUT / f"{tier}.json"
        if f.exists():
            results[tier] = json.loads(f.read_text())
    (BENCH / "RESULTS.md").write_text(render(results), encoding="utf-8")
    log(f"wrote {BENCH / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
