#!/usr/bin/env bash
# How the connection storm scales with the number of clients: bench_storm at a small and
# a large N (1,000 and 100,000 by default; K = 10 connections each), alternating, REPS
# times; prints the median conns/s at each, their ratio (small / large) and the peak RSS
# of the large run as one key=value line, and exits 1 when the ratio is above the floor
# (1.5: the large star may be at most 1.5x slower per connection).
#   bench/storm_scaling.sh [BUILD_DIR] [SMALL LARGE]
#   env: REPS (3), CONNS (10), FLOOR (1.5)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/release
if [ $# -gt 0 ] && [ -d "$1" ]; then build=$1; shift; fi
small=${1:-1000}
large=${2:-100000}
bench=$build/bench/bench_storm
reps=${REPS:-3}
conns=${CONNS:-10}
floor=${FLOOR:-1.5}
[ -x "$bench" ] || { echo "storm_scaling: $bench not built (scripts/build)" >&2; exit 2; }

field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

s=(); l=(); rss=()
for ((i = 0; i < reps; i++)); do
  line=$("$bench" --clients "$small" --conns "$conns" --seed $((i + 1)))
  s+=("$(field conns_per_sec <<< "$line")")
  line=$("$bench" --clients "$large" --conns "$conns" --seed $((i + 1)))
  l+=("$(field conns_per_sec <<< "$line")")
  rss+=("$(field peak_rss_kb <<< "$line")")
done
ms=$(printf '%s\n' "${s[@]}" | median)
ml=$(printf '%s\n' "${l[@]}" | median)
mr=$(printf '%s\n' "${rss[@]}" | median)
ratio=$(awk -v a="$ms" -v b="$ml" 'BEGIN {printf "%.2f", a / b}')
verdict=$(awk -v r="$ratio" -v f="$floor" 'BEGIN {print (r <= f) ? "ok" : "above_floor"}')
echo "bench=storm_scaling conns=$conns reps=$reps small=$small large=$large small_conns_per_sec=$ms large_conns_per_sec=$ml ratio=$ratio floor=$floor verdict=$verdict large_peak_rss_kb=$mr"
[ "$verdict" = ok ]
