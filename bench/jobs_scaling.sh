#!/usr/bin/env bash
# How a batch speeds up with worker processes: synack run on a batch of 8 similar runs
# (bench/jobs_batch.ini, or FILE) with --jobs 1 and with --jobs J (default 2: this
# machine's cores), alternating, REPS times; prints the median wall seconds of each and
# their ratio as one key=value line, checks that both folders hold the same bytes
# (manifest.json aside), and exits 1 when the speed-up is under the floor (1.8).
#   bench/jobs_scaling.sh [BUILD_DIR] [FILE]
#   env: REPS (3), JOBS (2), FLOOR (1.8)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/release
if [ $# -gt 0 ] && [ -d "$1" ]; then build=$1; shift; fi
file=${1:-$top/bench/jobs_batch.ini}
synack=$build/experiments/synack
reps=${REPS:-3}
jobs=${JOBS:-2}
floor=${FLOOR:-1.8}
[ -x "$synack" ] || { echo "jobs_scaling: $synack not built (scripts/build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
timed() {   # timed JOBS DIR: wall seconds of one run of the batch
  local t0 t1
  t0=$(date +%s.%N)
  "$synack" run "$file" --quiet --jobs "$1" -o "$2" >/dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}'
}

one=(); many=()
for ((i = 0; i < reps; i++)); do
  one+=("$(timed 1 "$work/one$i")")
  many+=("$(timed "$jobs" "$work/many$i")")
done
diff -r --exclude=manifest.json "$work/one0" "$work/many0" >/dev/null ||
  { echo "jobs_scaling: --jobs 1 and --jobs $jobs wrote different folders" >&2; exit 1; }
runs=$(ls "$work/one0/runs" | grep -c '\.run$')
m1=$(printf '%s\n' "${one[@]}" | median)
mj=$(printf '%s\n' "${many[@]}" | median)
speedup=$(awk -v a="$m1" -v b="$mj" 'BEGIN {printf "%.2f", a / b}')
verdict=$(awk -v s="$speedup" -v f="$floor" 'BEGIN {print (s >= f) ? "ok" : "below_floor"}')
echo "bench=jobs_scaling runs=$runs reps=$reps cores=$(nproc) jobs=$jobs jobs1_seconds=$m1 jobs${jobs}_seconds=$mj speedup=$speedup floor=$floor verdict=$verdict same_bytes=yes"
[ "$verdict" = ok ]
