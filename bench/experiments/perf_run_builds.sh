#!/bin/sh
# Build the real tier once per patch set, one after another; results in perf_build_results.jsonl.
# usage: sh bench/experiments/perf_run_builds.sh [CORPUS]   (from /work/main)
CORPUS=${1:-/tmp/corpus/real}
OUT=bench/experiments/perf_build_results.jsonl
# The committed code exported by run.py (git archive HEAD), not the working tree being edited.
export SEARCHAPP_CODE=${SEARCHAPP_CODE:-/tmp/bench-work/100k/code}
for P in ${PATCHSETS:-none lenfix lenfix,limitmb=1024 lenfix,limitmb=1024,procs=2}; do
  rm -rf /tmp/bench-work/exp-build
  BENCH_PATCHES=$P nice -n 5 /work/venv/bin/python bench/measure.py /tmp/bench-work/exp-build.json -- \
    /work/venv/bin/python bench/experiments/perf_build.py /tmp/bench-work/exp-build "$CORPUS" >/dev/null
  /work/venv/bin/python -c "import json;r=json.load(open('/tmp/bench-work/exp-build.json'));r.pop('cmd');print(json.dumps({'corpus':'$CORPUS','patches':'$P',**r}))" >> $OUT
  tail -1 $OUT
done
