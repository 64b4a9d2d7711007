#!/usr/bin/env bash
# Measures synack's scheduler against the reference ladder queue in the same run on the
# same machine: bench_hold vs hold_ref ladq at each N, alternating, REPS times; prints
# the medians and their ratio as key=value lines, and exits 1 if a ratio is under the
# floor (0.9 by default).
#   bench/hold_compare.sh [BUILD_DIR] ; env: HOLD_REF, REPS (5), OPS (10000000),
#                                          SIZES ("10000 1000000"), FLOOR (0.9)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/release}
bench=$build/bench/bench_hold
ref=${HOLD_REF:-$top/../shared/peers/eventset/hold_ref}
reps=${REPS:-5}
ops=${OPS:-10000000}
floor=${FLOOR:-0.9}
[ -x "$bench" ] || { echo "hold_compare: $bench not built (scripts/build)" >&2; exit 2; }
[ -x "$ref" ] || { echo "hold_compare: reference $ref not found (set HOLD_REF)" >&2; exit 2; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

status=0
for n in ${SIZES:-10000 1000000}; do
  ours=(); theirs=()
  for ((i = 0; i < reps; i++)); do
    ours+=("$("$bench" --n "$n" --ops "$ops" --seed $((i + 1)) |
              sed -n 's/.*events_per_sec=\([0-9.]*\).*/\1/p')")
    theirs+=("$("$ref" ladq "$n" "$ops" -c 1 -s $((i + 1)) |
                sed -n 's/.*Mops_wall=\([0-9.]*\).*/\1/p' | awk '{printf "%.0f", $1 * 1e6}')")
  done
  mo=$(printf '%s\n' "${ours[@]}" | median)
  mt=$(printf '%s\n' "${theirs[@]}" | median)
  ratio=$(awk -v a="$mo" -v b="$mt" 'BEGIN {printf "%.3f", a / b}')
  verdict=$(awk -v r="$ratio" -v f="$floor" 'BEGIN {print (r >= f) ? "ok" : "below_floor"}')
  echo "bench=hold n=$n ops=$ops reps=$reps synack_events_per_sec=$mo ladq_events_per_sec=$mt ratio=$ratio floor=$floor verdict=$verdict"
  [ "$verdict" = ok ] || status=1
done
exit $status
