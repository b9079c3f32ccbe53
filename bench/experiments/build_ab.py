"""Run commands back to back, each measured like bench/measure.py (wall, user+sys of the
process and its waited-for children via wait4, peak RSS), one JSON line per command.

    python bench/experiments/build_ab.py OUT.jsonl NAME -- CMD ... ++ NAME -- CMD ...
"""
import json
import os
import subprocess
import sys
import time

out = sys.argv[1]
args = sys.argv[2:]
jobs = []
while args:
    name = args[0]
    rest = args[2:]
    cmd = rest[:rest.index("++")] if "++" in rest else rest
    jobs.append((name, cmd))
    args = rest[len(cmd) + 1:]
for name, cmd in jobs:
    subprocess.run(["sync"])
    load = os.getloadavg()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout_data = []
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    text = proc.stdout.read(); err = proc.stderr.read()
    rec = {"name": name, "cmd": cmd, "wall_s": round(wall, 2),
           "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
           "user_s": round(usage.ru_utime, 2), "sys_s": round(usage.ru_stime, 2),
           "maxrss_mb": round(usage.ru_maxrss / 1024), "rc": os.waitstatus_to_exitcode(status),
           "loadavg_before": [round(x, 2) for x in load], "loadavg_after": [round(x, 2) for x in os.getloadavg()],
           "finished": time.strftime("%H:%M:%S")}
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            rec["child"] = json.loads(line); break
    if rec["rc"]:
        rec["stderr_tail"] = err[-2000:]
    with open(out, "a") as fh:
        fh.write(json.dumps(rec) + "\n")
    print(json.dumps(rec), flush=True)
