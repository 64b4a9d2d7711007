#!/bin/sh
# A batch survives being stopped and is as good as one run at once: stopped by SIGINT
# after a few runs, it keeps them and sums them up (exit 1), and --resume runs only the
# rest; raising --replications on resume adds only the missing ones; --resume refuses
# another experiment, naming what differs; three shards merged give the same folder.
# Each way must give the same bytes as an uninterrupted run (manifest.json aside).
#   cli_durable.sh SYNACK DATA_DIR WORK_DIR
synack=$1
exp=$2/durable.ini
work=$3
failures=0
rm -rf "$work"
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

same_as_reference() {
  if ! diff -r --exclude=manifest.json "$work/ref" "$1" >"$work/diff"; then
    fail "$2: the folder differs from an uninterrupted run:"
    head -10 "$work/diff" >&2
  fi
}

"$synack" run "$exp" --quiet --jobs 2 -o "$work/ref" >/dev/null || fail "the reference run failed"
total=$(ls "$work/ref/runs" | grep -c '\.run$')
[ "$total" -eq 12 ] || fail "the reference has $total runs, not 12"

# stopped by SIGINT once two runs have ended (one line per run on stderr: not a tty)
"$synack" run "$exp" --jobs 1 -o "$work/stopped" >"$work/stopped.out" 2>"$work/stopped.err" &
pid=$!
i=0
while [ "$(grep -c ': done in' "$work/stopped.err")" -lt 2 ] && [ $i -lt 6000 ]; do
  sleep 0.01
  i=$((i + 1))
done
kill -INT $pid
wait $pid
status=$?
[ "$status" -eq 1 ] || fail "a stopped batch exits with $status, not 1"
grep -q "stopped after [0-9]* of 12 runs.*--resume" "$work/stopped.err" ||
  { fail "a stopped batch does not say so:"; cat "$work/stopped.err" >&2; }
kept=$(ls "$work/stopped/runs" | grep -c '\.run$')
[ "$kept" -ge 2 ] && [ "$kept" -lt 12 ] || fail "the stopped batch kept $kept of 12 runs"
[ -s "$work/stopped/summary.csv" ] || fail "the stopped batch wrote no summary"
ls "$work/stopped/runs" | grep -q '^\.' && fail "a half-written run file was left behind"

# resumed: only the rest runs, and the folder is as if it had never stopped
"$synack" run --resume "$work/stopped" --jobs 2 >"$work/resumed.out" 2>&1 ||
  { fail "--resume failed:"; cat "$work/resumed.out" >&2; }
grep -q "12 runs ($((12 - kept)) now)" "$work/resumed.out" ||
  { fail "--resume did not run exactly the $((12 - kept)) missing runs:"; cat "$work/resumed.out" >&2; }
same_as_reference "$work/stopped" "stopped and resumed"

# a finished folder: resuming it runs nothing
"$synack" run "$exp" --resume "$work/stopped" >"$work/again.out" 2>&1 ||
  fail "resuming a finished folder failed"
grep -q "12 runs (0 now)" "$work/again.out" || fail "resuming a finished folder ran runs again"

# another experiment is refused, naming the key
"$synack" run "$exp" --resume "$work/stopped" --set tcp.time_wait=2s >"$work/other.out" 2>&1
[ $? -eq 2 ] || fail "resuming with another experiment did not exit 2"
grep -q "\[tcp\] time_wait: '1s' in the folder, '2s' here" "$work/other.out" ||
  { fail "resuming with another experiment does not say what differs:"; cat "$work/other.out" >&2; }

# replications added later: only the new ones run
"$synack" run "$exp" --quiet --replications 3 -o "$work/grown" >/dev/null ||
  fail "the 3-replication run failed"
"$synack" run --resume "$work/grown" --replications 6 >"$work/grown.out" 2>&1 ||
  fail "raising --replications on resume failed"
grep -q "12 runs (6 now)" "$work/grown.out" ||
  { fail "raising replications from 3 to 6 did not run exactly 6 runs:"; cat "$work/grown.out" >&2; }
same_as_reference "$work/grown" "3 replications, then 6"
"$synack" run --resume "$work/grown" --replications 2 >"$work/shrunk.out" 2>&1
[ $? -eq 2 ] || fail "lowering replications on resume did not exit 2"

# three shards, merged
for i in 1 2 3; do
  "$synack" run "$exp" --quiet --shard $i/3 -o "$work/shard$i" >/dev/null ||
    fail "shard $i/3 failed"
done
n1=$(ls "$work/shard1/runs" | grep -c '\.run$')
[ "$n1" -eq 4 ] || fail "shard 1/3 ran $n1 runs, not 4"
# a shard's folder remembers its slice: resumed without --shard it runs no other run
rm "$work/shard2/runs/three_way.p0.r1.run"
"$synack" run --resume "$work/shard2" >"$work/shard2.out" 2>&1 ||
  { fail "resuming a shard failed:"; cat "$work/shard2.out" >&2; }
grep -q "4 runs (1 now)" "$work/shard2.out" ||
  { fail "resuming a shard did not run just its missing run:"; cat "$work/shard2.out" >&2; }
"$synack" run --resume "$work/shard2" --shard 1/3 >"$work/shardx.out" 2>&1
[ $? -eq 2 ] || fail "resuming a shard as another shard did not exit 2"
"$synack" merge -o "$work/merged" "$work/shard1" "$work/shard2" "$work/shard3" \
  >"$work/merge.out" 2>&1 || { fail "merge failed:"; cat "$work/merge.out" >&2; }
same_as_reference "$work/merged" "three shards merged"
"$synack" run "$exp" --quiet --shard 1/3 --set tcp.time_wait=2s -o "$work/odd" >/dev/null
"$synack" merge -o "$work/bad" "$work/shard1" "$work/odd" >"$work/badmerge.out" 2>&1
[ $? -eq 2 ] || fail "merging folders of two experiments did not exit 2"
grep -q "time_wait" "$work/badmerge.out" || fail "a refused merge does not say what differs"
[ -e "$work/bad" ] && fail "a refused merge left its folder"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "stopped, resumed, grown and merged folders equal an uninterrupted run"
