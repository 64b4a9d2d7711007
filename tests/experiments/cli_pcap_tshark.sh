#!/bin/sh
# A capture written by `synack run --pcap` is one tshark reads without a warning, and
# what tshark sees in it (times, flags, relative seq and ack, lengths) is what the
# trace says the client sent and received: a handshake, a request and its reply, and
# the four-way close, twice. Skipped (exit 77) when tshark is not installed.
#   cli_pcap_tshark.sh SYNACK DATA_DIR WORK_DIR
synack=$1
data=$2
work=$3
if ! command -v tshark >/dev/null 2>&1; then
  echo "tshark is not installed: capture check skipped (apt-get install tshark)"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT
if ! "$synack" run "$data/traced.ini" --quiet --set client.conns=2 --set link.loss=0 \
     --set link.dup=0 --set link.hold=0 --set experiment.replications=1 \
     --pcap "$work/c.pcap" -o "$work/out" >/dev/null; then
  echo "synack run --pcap failed" >&2
  exit 1
fi
status=0
# tshark warns about a malformed capture on stderr, and about a malformed or odd
# segment in its expert information
tshark -r "$work/c.pcap" >"$work/summary" 2>"$work/stderr"
grep -v '^Running as user' "$work/stderr" >"$work/warnings"
if [ -s "$work/warnings" ]; then
  echo "tshark complained reading the capture:" >&2
  cat "$work/warnings" >&2
  status=1
fi
tshark -r "$work/c.pcap" -q -z expert,warn 2>/dev/null >"$work/expert"
if grep -qE '^ +[0-9]+ +[A-Za-z]+ +[A-Za-z]+ ' "$work/expert"; then
  echo "tshark's expert information has warnings or errors:" >&2
  cat "$work/expert" >&2
  status=1
fi
for flags in '\[SYN\]' '\[SYN, ACK\]' '\[PSH, ACK\]' '\[FIN, ACK\]'; do
  if [ "$(grep -c "$flags" "$work/summary")" -lt 2 ]; then
    echo "tshark does not show two $flags segments:" >&2
    cat "$work/summary" >&2
    status=1
  fi
done
# tshark's view: time, flags, relative seq and ack, payload length
tshark -r "$work/c.pcap" -T fields -E separator=, -e frame.time_epoch -e tcp.flags \
  -e tcp.seq -e tcp.ack -e tcp.len 2>/dev/null >"$work/tshark.csv"
# the trace's: the client's sends and receives, seq and ack made relative to each
# direction's initial sequence number (the seq of its SYN)
awk -F, '
  function flagbits(f,   b) {
    b = 0
    if (f ~ /S/) b += 2; if (f ~ /F/) b += 1; if (f ~ /R/) b += 4
    if (f ~ /P/) b += 8; if (f ~ /\./) b += 16
    return sprintf("0x%04x", b)
  }
  NR > 1 && $5 == "11.0.0.1" && ($6 == "send" || $6 == "recv") {
    fwd = $8 ":" $9 ">" $10 ":" $11; back = $10 ":" $11 ">" $8 ":" $9
    if ($12 ~ /S/) isn[fwd] = $13
    seq = $13 - isn[fwd]; if (seq < 0) seq += 4294967296
    ack = 0
    if ($12 ~ /\./) { ack = $14 - isn[back]; if (ack < 0) ack += 4294967296 }
    printf "%s,%s,%d,%d,%d\n", $4, flagbits($12), seq, ack, $15
  }' "$work/out/trace.csv" >"$work/trace.csv"
if [ ! -s "$work/trace.csv" ] || ! cmp -s "$work/tshark.csv" "$work/trace.csv"; then
  echo "tshark's segments differ from the trace's (tshark < > trace):" >&2
  diff "$work/tshark.csv" "$work/trace.csv" | head -20 >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "tshark read $(wc -l <"$work/tshark.csv") segments, as traced, without a warning"
exit $status
