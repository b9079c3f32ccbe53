"""Recoll side of the benchmark: runs under /usr/bin/python3 (Debian's python3-recoll).

    /usr/bin/python3 recoll_side.py serve --conf CONFDIR
    /usr/bin/python3 recoll_side.py check --conf CONFDIR --query Q

``serve`` answers the same JSON-line commands as searchapp_side.py serve:

    {"op": "query", "q": "...", "limit": 10}
        query.execute(q, stemming=1, stemlang="english"), fetchmany(limit),
        query.makedocabstract(doc) for each: the first page with highlighted snippets.
    {"op": "show", "path": "...", "q": "..."}
        Recoll's preview equivalent: execute(q) (so the match terms are known), read the
        document's text, query.highlight(text) over the whole of it.
    {"op": "rss"}, {"op": "quit"}

Builds and updates are plain ``recollindex`` runs started by run.py.
"""

import argparse
import json
import sys
import time

T0 = time.perf_counter()
from recoll import recoll  # noqa: E402

IMPORT_S = time.perf_counter() - T0


def proc_status():
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[{"VmRSS": "rss_kb", "VmHWM": "hwm_kb"}[key]] = int(value.split()[0])
    return out


def first_page(db, q, limit):
    query = db.query()
    total = query.execute(q, stemming=1, stemlang="english")
    docs = query.fetchmany(limit)
    abstracts = [query.makedocabstract(doc) for doc in docs]
    return total, docs, abstracts


def serve(conf):
    t = time.perf_counter()
    db = recoll.connect(confdir=conf)
    open_s = time.perf_counter() - t
    print(json.dumps({"ready": True, "import_s": IMPORT_S, "open_s": open_s,
                      **proc_status()}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "query":
            t = time.perf_counter()
            try:
                total, docs, abstracts = first_page(db, cmd["q"], cmd.get("limit", 10))
                t = time.perf_counter() - t
                out = {"t": t, "total": total, "hits": len(docs),
                       "first": docs[0].url if docs else None,
                       "spans": sum(a.count("rclmatch") for a in abstracts)}
            except Exception as exc:  # noqa: BLE001
                out = {"t": time.perf_counter() - t, "error": repr(exc)}
        elif op == "show":
            t = time.perf_counter()
            try:
                query = db.query()
                query.execute(cmd["q"], stemming=1, stemlang="english")
                with open(cmd["path"], encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                marked = query.highlight(text)
                out = {"t": time.perf_counter() - t, "spans": marked.count("rclmatch"),
                       "chars": len(text)}
            except Exception as exc:  # noqa: BLE001
                out = {"t": time.perf_counter() - t, "error": repr(exc)}
        elif op == "rss":
            out = proc_status()
        elif op == "quit":
            print(json.dumps({"bye": True, **proc_status()}), flush=True)
            break
        else:
            out = {"error": "unknown op %s" % op}
        print(json.dumps(out), flush=True)
    db.close()


def check(conf, q):
    db = recoll.connect(confdir=conf)
    query = db.query()
    total = query.execute(q, stemming=1, stemlang="english")
    print(json.dumps({"query": q, "total": total}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["serve", "check"])
    ap.add_argument("--conf", required=True)
    ap.add_argument("--query", default="")
    args = ap.parse_args()
    if args.mode == "serve":
        serve(args.conf)
    else:
        check(args.conf, args.query)


if __name__ == "__main__":
    main()
