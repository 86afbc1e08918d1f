#!/bin/bash
# case_vcan_smoke.sh [BIN_DIR]: the guest's kernel CAN stack is real. vcan0 is a vcan link,
# and a standard and an extended frame sent with cansend reach candump, exactly as sent.
# Runs inside the UML guest: tests/vm/uml_run.sh tests/vm/case_vcan_smoke.sh
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
require_guest

details=$(ip -details link show vcan0) || fail "no vcan0"
[[ $details == *"link/can"* ]] || fail "vcan0 is not a CAN link: $details"
[[ $details =~ $'\n'[[:space:]]+vcan[[:space:]] ]] || fail "ip -details does not say vcan0 is a vcan: $details"
[[ $details =~ [\<,]UP[,\>] ]] || fail "vcan0 is not up: $details"

log=$(mktemp)
before=$(can_receivers vcan0)
stdbuf -oL candump -L vcan0 >"$log" &
candump_pid=$!
trap 'kill "$candump_pid" 2>/dev/null; rm -f "$log"' EXIT
wait_receivers vcan0 $((before + 1))

cansend vcan0 123#DEADBEEF || fail "cansend of a standard frame failed"
cansend vcan0 1ABCDEF0#0011223344556677 || fail "cansend of an extended frame failed"
wait_lines "$log" 2 10 || fail "candump did not receive the frames within 10 s; it got: $(cat "$log")"
sleep 0.3    # any frame that should not be there has time to arrive too
kill -TERM "$candump_pid" && wait "$candump_pid"

expected=$'vcan0 123#DEADBEEF\nvcan0 1ABCDEF0#0011223344556677'
got=$(sed -E 's/^\([0-9]+\.[0-9]{6}\) //' "$log")
[ "$got" = "$expected" ] || fail "candump captured other frames than those sent:
--- expected
$expected
--- got (candump -L)
$(cat "$log")"
grep -Evq '^\([0-9]+\.[0-9]{6}\) ' "$log" && fail "a candump -L line has no timestamp: $(cat "$log")"
echo "ok: vcan0 is a vcan link; candump got exactly the standard and the extended frame"
