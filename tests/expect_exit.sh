#!/bin/sh
# Runs a command and succeeds only if it exits with the given status (ctest's own checks
# cannot name an exit status other than zero).
#   expect_exit.sh STATUS COMMAND [ARGS...]
want=$1
shift
"$@"
got=$?
if [ "$got" -ne "$want" ]; then
  echo "exit status $got, expected $want" >&2
  exit 1
fi
exit 0
