#!/bin/sh
# Runs a command and succeeds only if it exits 0 and its standard output is exactly the
# content of a file; otherwise prints the difference and how to bring the file up to date.
#   compare_output.sh FILE HINT COMMAND [ARGS...]
file=$1
hint=$2
shift 2
out=$(mktemp "${TMPDIR:-/tmp}/synack-compare.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
"$@" >"$out"
status=$?
if [ "$status" -ne 0 ]; then
  echo "'$*' exited with status $status" >&2
  exit 1
fi
if ! cmp -s "$out" "$file"; then
  echo "$file differs from the output of '$*':" >&2
  diff -u "$file" "$out" >&2
  echo "$hint" >&2
  exit 1
fi
echo "$file is up to date"
exit 0
