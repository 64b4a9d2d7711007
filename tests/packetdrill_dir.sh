#!/bin/sh
# Runs every .pkt script under DIR through `synack packetdrill`, after checking that DIR
# holds exactly COUNT of them (a missing or partial corpus is a failure, not a pass).
#   packetdrill_dir.sh SYNACK DIR COUNT
set -eu
synack=$1 dir=$2 count=$3
if [ ! -d "$dir" ]; then
  echo "packetdrill scripts not found: $dir (set SYNACK_PACKETDRILL_DIR)" >&2
  exit 1
fi
n=$(find "$dir" -name '*.pkt' | wc -l)
if [ "$n" -ne "$count" ]; then
  echo "expected $count scripts under $dir, found $n" >&2
  exit 1
fi
find "$dir" -name '*.pkt' | LC_ALL=C sort | xargs "$synack" packetdrill
