"""Run one measurement in a child process and report its wall time and peak RSS.

Used by run.py; also runnable alone:  python bench/measure.py OUT.json -- CMD ARGS...
The child's stdout is kept (its last JSON line is merged into the result); peak memory is the
child's own ru_maxrss from os.wait4, so it is attributable to that one process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time


def measure(cmd: list[str], env: dict | None = None, log: str | None = None) -> dict:
    out = tempfile.TemporaryFile(mode="w+")
    err = open(log, "a") if log else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    text = out.read()
    result = {"cmd": cmd, "wall_s": wall, "rc": proc.returncode,
              "maxrss_kb": usage.ru_maxrss, "user_s": usage.ru_utime, "sys_s": usage.ru_stime}
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            try:
                result["child"] = json.loads(line)
                break
            except ValueError:
                pass
    if proc.returncode != 0:
        result["stdout_tail"] = text[-2000:]
    return result


if __name__ == "__main__":
    target = sys.argv[1]
    command = sys.argv[sys.argv.index("--") + 1:]
    res = measure(command)
    with open(target, "w") as fh:
        json.dump(res, fh, indent=1)
    print(json.dumps(res))
