#!/usr/bin/env bash
# Measures synack's connection storm against ns-3's in the same run on the same machine:
# bench_storm vs the ns-3 peer conn_storm (../shared/peers/ns3) on the same star (N
# clients, K connections each, 10 Mbps / 5 ms links, 240 s TIME-WAIT, client i starting
# at i us), alternating, REPS times at each N; prints the median conns/s of each, their
# ratio and the median peak RSS of each as key=value lines, and exits 1 if a ratio is
# under the floor (100 by default; the target is 300).
#   bench/storm_compare.sh [BUILD_DIR] [N ...]     (N defaults to 1000)
#   env: NS3_STORM (a conn_storm binary; default build/ns3/conn_storm, built if missing),
#        REPS (3), CONNS (10), FLOOR (100), TARGET (300)
# ns-3 is slow: N=1000 takes it about 7 s a run, and its time grows faster than N.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build/release
if [ $# -gt 0 ] && [ -d "$1" ]; then build=$1; shift; fi
sizes=${*:-1000}
bench=$build/bench/bench_storm
peer_src=$top/../shared/peers/ns3/conn_storm.cc
ns3=${NS3_STORM:-$top/build/ns3/conn_storm}
reps=${REPS:-3}
conns=${CONNS:-10}
floor=${FLOOR:-100}
target=${TARGET:-300}
[ -x "$bench" ] || { echo "storm_compare: $bench not built (scripts/build)" >&2; exit 2; }

# The peer is built out of the read-only shared folder, as its build.sh does (Debian's
# ns3-*.pc files are broken, so the include path and libraries are given here).
if [ ! -x "$ns3" ]; then
  if [ -n "${NS3_STORM:-}" ]; then
    echo "storm_compare: NS3_STORM=$ns3 is not an executable" >&2; exit 2
  fi
  [ -f "$peer_src" ] || { echo "storm_compare: $peer_src not found" >&2; exit 2; }
  if [ ! -f /usr/include/ns3/core-module.h ]; then
    echo "storm_compare: ns-3 headers missing (apt-get install -y libns3-dev g++)" >&2; exit 2
  fi
  mkdir -p "$(dirname "$ns3")"
  echo "storm_compare: building $ns3" >&2
  ${CXX:-g++} -O2 -std=c++17 -w -I/usr/include "$peer_src" -o "$ns3" \
    -lns3-point-to-point -lns3-internet -lns3-traffic-control -lns3-bridge \
    -lns3-network -lns3-stats -lns3-core
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

status=0
for n in $sizes; do
  ours=(); theirs=(); ours_rss=(); theirs_rss=()
  for ((i = 0; i < reps; i++)); do
    line=$("$bench" --clients "$n" --conns "$conns" --time-wait 240s --stagger 1us --seed $((i + 1)))
    ours+=("$(field conns_per_sec <<< "$line")")
    ours_rss+=("$(field peak_rss_kb <<< "$line")")
    line=$("$ns3" --clients="$n" --conns="$conns" --stagger=1 --RngRun=$((i + 1)) | grep '^RESULT')
    done_n=$(field "done" <<< "$line")
    if [ "$done_n" != $((n * conns)) ]; then
      echo "storm_compare: ns-3 completed $done_n of $((n * conns)) connections" >&2; status=1
    fi
    theirs+=("$(field conns_per_s <<< "$line")")
    theirs_rss+=("$(field peak_rss_kb <<< "$line")")
  done
  mo=$(printf '%s\n' "${ours[@]}" | median)
  mt=$(printf '%s\n' "${theirs[@]}" | median)
  ro=$(printf '%s\n' "${ours_rss[@]}" | median)
  rt=$(printf '%s\n' "${theirs_rss[@]}" | median)
  ratio=$(awk -v a="$mo" -v b="$mt" 'BEGIN {printf "%.1f", a / b}')
  verdict=$(awk -v r="$ratio" -v f="$floor" -v t="$target" \
              'BEGIN {print (r >= t) ? "on_target" : (r >= f) ? "ok" : "below_floor"}')
  echo "bench=storm clients=$n conns=$conns reps=$reps synack_conns_per_sec=$mo ns3_conns_per_sec=$mt ratio=$ratio floor=$floor target=$target verdict=$verdict synack_peak_rss_kb=$ro ns3_peak_rss_kb=$rt"
  [ "$verdict" != below_floor ] || status=1
done
exit $status
