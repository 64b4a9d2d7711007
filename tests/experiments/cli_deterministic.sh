#!/bin/sh
# The same experiment run with one thread and with two writes byte-identical results
# (manifest.json aside: it records times, the host and the command line): every file
# of the folder, what the runs recorded (traces, captures, samples) included.
#   cli_deterministic.sh SYNACK FILE WORK_DIR [RUN OPTION...]
synack=$1
file=$2
work=$3
shift 3
rm -rf "$work"
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT
status=0
for jobs in 1 2; do
  if ! "$synack" run "$file" --quiet --jobs $jobs -o "$work/jobs$jobs" "$@" >"$work/stdout$jobs"; then
    echo "synack run $file --jobs $jobs failed" >&2
    exit 1
  fi
  # --quiet prints the verdict and nothing else
  if [ "$(wc -l <"$work/stdout$jobs")" -ne 1 ] || ! grep -q '^VERDICT ' "$work/stdout$jobs"; then
    echo "synack run --quiet --jobs $jobs printed more than its verdict:" >&2
    cat "$work/stdout$jobs" >&2
    status=1
  fi
done
cmp "$work/stdout1" "$work/stdout2" || status=1
for f in runs.csv summary.csv config.resolved.ini verdict.txt metrics.csv; do
  [ -s "$work/jobs1/$f" ] || { echo "$f is missing or empty" >&2; status=1; }
done
# every file and folder, each run's own files in runs/ included
if ! diff -r --exclude=manifest.json "$work/jobs1" "$work/jobs2" >"$work/diff"; then
  echo "the folders differ between --jobs 1 and --jobs 2:" >&2
  head -20 "$work/diff" >&2
  status=1
fi
[ -s "$work/jobs1/manifest.json" ] || { echo "manifest.json is missing" >&2; status=1; }
[ "$status" -eq 0 ] && echo "--jobs 1 and --jobs 2 wrote the same files:" $(ls "$work/jobs1")
exit $status
