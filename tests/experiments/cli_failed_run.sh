#!/bin/sh
# A run that fails leaves no folder with the final name and no partial folder beside it;
# a folder that was there before is left as it was.
#   cli_failed_run.sh SYNACK DATA_DIR WORK_DIR
synack=$1
data=$2
work=$3
failures=0
rm -rf "$work"
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run WANT_STATUS OUTDIR ARGS...: synack run with -o OUTDIR, checking the exit status
# (WANT_STATUS "nonzero": any but 0) and that nothing is left beside OUTDIR.
run() {
  want=$1
  outdir=$2
  shift 2
  "$synack" run --quiet -o "$outdir" "$@" >"$work/stdout" 2>"$work/stderr"
  got=$?
  if [ "$want" = nonzero ]; then
    [ "$got" -ne 0 ] || fail "synack run $* -o $outdir: exit status 0, expected a failure"
  elif [ "$got" -ne "$want" ]; then
    fail "synack run $* -o $outdir: exit status $got, expected $want"
  fi
  if [ ! -s "$work/stderr" ]; then
    fail "synack run $* -o $outdir: failed without a message"
  fi
  cat "$work/stderr"
  parent=$(dirname "$outdir")
  name=$(basename "$outdir")
  if [ -d "$parent" ]; then
    for p in "$parent"/."$name".partial-*; do
      [ -e "$p" ] && fail "synack run $* -o $outdir: left $p behind"
    done
  fi
}

# the file is bad: nothing is made
run 2 "$work/invalid" "$data/bad_unknown_key.ini"
[ -e "$work/invalid" ] && fail "an invalid file left $work/invalid"
run 2 "$work/missing" "$data/no-such-file.ini"
[ -e "$work/missing" ] && fail "a missing file left $work/missing"
run 2 "$work/badset" "$data/small.ini" --set tcp_time_wait=1s
[ -e "$work/badset" ] && fail "a bad --set left $work/badset"

# the output folder cannot be made: its parent is a file, or cannot hold folders
: >"$work/plainfile"
run 2 "$work/plainfile/out" "$data/small.ini"
[ -f "$work/plainfile" ] || fail "$work/plainfile is no longer a file"
run 2 /proc/synack-x/out "$data/small.ini"
[ -e /proc/synack-x/out ] && fail "/proc/synack-x/out exists"

# the output folder exists: it is left as it was
mkdir "$work/existing" && echo keep >"$work/existing/keep"
run 2 "$work/existing" "$data/small.ini"
contents=$(ls -A "$work/existing")
[ "$contents" = keep ] || fail "$work/existing was changed: it holds $contents"

# the final name is taken by a dangling symbolic link: refused before anything runs
ln -s "$work/nowhere" "$work/link"
run 2 "$work/link" "$data/small.ini"
[ -L "$work/link" ] || fail "$work/link is no longer a symbolic link"
[ -e "$work/nowhere" ] && fail "the run wrote through the link into $work/nowhere"

# "-o DIR/" names DIR: the run writes it whole
"$synack" run --quiet -o "$work/slash/" "$data/small.ini" >"$work/stdout" 2>"$work/stderr" ||
  { cat "$work/stderr"; fail "-o DIR/ failed"; }
[ -s "$work/slash/runs.csv" ] || fail "-o DIR/ did not write DIR/runs.csv"
rm -rf "$work/slash"

# nothing else appeared in the work folder
left=$(ls -A "$work" | grep -v -x -e stdout -e stderr -e plainfile -e existing -e link)
[ -z "$left" ] || fail "left behind in $work: $left"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "failed runs left nothing behind"
exit 0
