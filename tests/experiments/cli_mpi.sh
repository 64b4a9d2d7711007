#!/bin/sh
# The runs of a batch spread over MPI ranks give the same folder as one run on this
# machine (manifest.json aside): mpirun -n 3 (rank 0 collects, two workers) and mpirun
# -n 1 (a local run) against synack run --jobs 2; a batch whose rank 0 is stopped keeps
# what ended, sums it up (exit 1), and --resume under mpirun finishes it; a run whose
# process is killed on a worker is recorded as failed, and --resume runs it again.
#   cli_mpi.sh SYNACK MPIEXEC DATA_DIR WORK_DIR
synack=$1
mpiexec=$2
exp=$3/durable.ini
work=$4
failures=0
rm -rf "$work"
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

# Open MPI refuses root without being told
asroot=
[ "$(id -u)" -eq 0 ] && asroot=--allow-run-as-root
mpi() {
  "$mpiexec" $asroot "$@"
}

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

same() {
  if ! diff -r --exclude=manifest.json "$1" "$2" >"$work/diff"; then
    fail "$3: the folder differs from a local run:"
    head -10 "$work/diff" >&2
  fi
}

# the pid of rank RANK among the children of mpirun MPIRUN_PID, or nothing
rank_pid() {
  for p in $(pgrep -P "$1"); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo "$p"
      return
    fi
  done
}

# wait until file $1 has $2 lines saying a run is done (at most 60 s)
wait_done() {
  i=0
  while [ "$(grep -c ': done in' "$1" 2>/dev/null)" -lt "$2" ] && [ $i -lt 6000 ]; do
    sleep 0.01
    i=$((i + 1))
  done
}

"$synack" run "$exp" --quiet --jobs 2 -o "$work/local" >"$work/local.out" ||
  fail "the local run failed"
mpi --oversubscribe -n 3 "$synack" run "$exp" --quiet -o "$work/ranks3" >"$work/ranks3.out" ||
  { fail "mpirun -n 3 failed:"; cat "$work/ranks3.out" >&2; }
same "$work/local" "$work/ranks3" "mpirun -n 3"
cmp -s "$work/local.out" "$work/ranks3.out" || fail "mpirun -n 3 printed another verdict"
[ "$(ls "$work/ranks3/runs" | grep -c '\.run$')" -eq 12 ] || fail "mpirun -n 3 ran not 12 runs"
mpi -n 1 "$synack" run "$exp" -o "$work/ranks1" >"$work/ranks1.out" 2>&1 ||
  { fail "mpirun -n 1 failed:"; cat "$work/ranks1.out" >&2; }
same "$work/local" "$work/ranks1" "mpirun -n 1"
grep -q "^12 runs (12 now)" "$work/ranks1.out" || fail "mpirun -n 1 did not run as a local run"

# rank 0 stopped (SIGTERM, as a scheduler sends) after two runs: kept, summed up, resumed
"$mpiexec" $asroot --oversubscribe -n 3 "$synack" run "$exp" -o "$work/stopped" \
  >"$work/stopped.out" 2>"$work/stopped.err" &
mpirun_pid=$!
wait_done "$work/stopped.err" 2
rank0=$(rank_pid $mpirun_pid 0)
[ -n "$rank0" ] && kill -TERM "$rank0"
wait $mpirun_pid
[ $? -ne 0 ] || fail "a stopped batch under mpirun exits with 0"
grep -q "stopped after [0-9]* of 12 runs.*--resume" "$work/stopped.err" ||
  { fail "a stopped batch under mpirun does not say so:"; cat "$work/stopped.err" >&2; }
[ -s "$work/stopped/summary.csv" ] || fail "the stopped batch wrote no summary"
ls -a "$work/stopped/runs" | grep -q '^\.[^.]' && fail "a half-written run file was left behind"
mpi --oversubscribe -n 3 "$synack" run --resume "$work/stopped" >"$work/resumed.out" 2>&1 ||
  { fail "--resume under mpirun failed:"; cat "$work/resumed.out" >&2; }
same "$work/local" "$work/stopped" "stopped and resumed under mpirun"

# a run's process killed on a worker: recorded as failed, run again by --resume
slow="--replications 1 --set client.conns=600"
"$synack" run "$exp" --quiet $slow -o "$work/slow" >/dev/null || fail "the slow local run failed"
"$mpiexec" $asroot --oversubscribe -n 3 "$synack" run "$exp" $slow -o "$work/killed" \
  >"$work/killed.out" 2>"$work/killed.err" &
mpirun_pid=$!
killed=
i=0
while [ -z "$killed" ] && [ $i -lt 3000 ]; do
  worker=$(rank_pid $mpirun_pid 1)
  child=$( [ -n "$worker" ] && pgrep -P "$worker" | head -1)
  [ -n "$child" ] && kill -KILL "$child" 2>/dev/null && killed=$child
  sleep 0.01
  i=$((i + 1))
done
wait $mpirun_pid
[ $? -ne 0 ] || fail "a batch with a failed run under mpirun exits with 0"
grep -q "killed by signal 9 (SIGKILL" "$work/killed/failures.csv" 2>/dev/null ||
  { fail "the killed run is not in failures.csv:"; cat "$work/killed.err" >&2; }
mpi --oversubscribe -n 3 "$synack" run --resume "$work/killed" >"$work/rekilled.out" 2>&1 ||
  { fail "--resume of the failed run failed:"; cat "$work/rekilled.out" >&2; }
same "$work/slow" "$work/killed" "a failed run resumed under mpirun"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "mpirun -n 3, mpirun -n 1, stopped, resumed and failed-then-resumed folders equal a local run"
