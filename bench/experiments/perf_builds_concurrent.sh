#!/bin/sh
# The build patch sets side by side (started together, so they share the machine's load
# alike); each line of perf_build_results.jsonl: wall, CPU (user+sys), peak RSS of the child.
# usage: sh bench/experiments/perf_builds_concurrent.sh [CORPUS]   (from /work/main)
CORPUS=${1:-/tmp/corpus/real}
OUT=bench/experiments/perf_build_results.jsonl
export SEARCHAPP_CODE=${SEARCHAPP_CODE:-/tmp/bench-work/100k/code}
W=/tmp/bench-work/expc; rm -rf $W; mkdir -p $W
i=0
for P in ${PATCHSETS:-none lenfix lenfix,limitmb=512 lenfix,limitmb=1024}; do
  i=$((i+1))
  BENCH_PATCHES=$P /work/venv/bin/python bench/measure.py $W/$i.json -- \
    /work/venv/bin/python bench/experiments/perf_build.py $W/data$i "$CORPUS" >/dev/null &
done
wait
for f in $W/*.json; do
  /work/venv/bin/python -c "import json,sys;r=json.load(open('$f'));r.pop('cmd');print(json.dumps({'corpus':'$CORPUS','run':'concurrent',**r}))" >> $OUT
  tail -1 $OUT | cut -c1-200
done
rm -rf $W/data*
