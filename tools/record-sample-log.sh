#!/bin/bash
# record-sample-log.sh BIN_DIR OUT.log [SECONDS]
# Records the newcomer's sample log (issue 11): `ecosim bus` (the first SECONDS of WLTC class
# 3b, default 40) and `ecodrived` in closed loop on the vcan0 of a User-mode Linux guest
# (tests/vm/uml_run.sh), at real time, both with their defaults (the Prius, the shipped DBC
# and mapping), so that `ecodrived --replay` of it needs no option; the daemon's candump log
# (every frame it received and sent) goes to OUT.log.
# The shipped one is models/logs/closed_loop_wltc3b_40s.log; `ecodrived --replay` of it is
# in the README and in the tests (tests/test_sample_log.c).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
if [ "${UML_GUEST:-}" != 1 ]; then
    [ $# -ge 2 ] || { sed -n '2,3p' "$0" | sed 's/^# //' >&2; exit 2; }
    bin=$(cd "$1" && pwd) out=$(cd "$(dirname "$2")" && pwd)/${2##*/}
    exec "$here/tests/vm/uml_run.sh" "$here/tools/${0##*/}" "$bin" "$out" "${3:-40}"
fi
. "$here/tests/vm/lib.sh"
bin=$1 out=$2 secs=$3
tmp=$(mktemp -d)
wltc3b_window "$secs" "$tmp/cycle.csv"
"$bin/ecodrived" --iface vcan0 --log "$tmp/log" 2>"$tmp/daemon.err" &
daemon=$!
trap 'kill $daemon 2>/dev/null' EXIT
for _ in $(seq 200); do [[ $(<"$tmp/daemon.err") == *running* ]] && break; sleep 0.05; done
"$bin/ecosim" bus --iface vcan0 --cycle "$tmp/cycle.csv" --json >/dev/null
kill -TERM $daemon
wait $daemon
trap - EXIT
tail -2 "$tmp/daemon.err"
mv "$tmp/log" "$tmp/log.done" && cp "$tmp/log.done" "$out.tmp" && mv "$out.tmp" "$out"
echo "$out: $(wc -l <"$out") lines, $(($(wc -c <"$out") / 1024)) kB"
