#!/bin/bash
# case_daemon_bad_input.sh BIN_DIR: issue 4, "Bad input". A missing interface and a down
# interface give a clear message and exit status 2; a mapping that names a signal missing
# from the DBC is refused at start-up with that name; a DBC with a syntax error names the
# line; --cpu on a CPU the guest lacks fails with a clear message.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vm_case_begin "$@"
models=$here/../../models

expect() { # expect STATUS PATTERN CMD...: CMD exits with STATUS and its stderr matches PATTERN
    local want=$1 pat=$2 rc
    shift 2
    "$@" >/dev/null 2>"$tmp/err" </dev/null
    rc=$?
    [ "$rc" = "$want" ] || fail "$* exited $rc, not $want: $(cat "$tmp/err")"
    grep -Eq "$pat" "$tmp/err" || fail "$*: message does not match '$pat': $(cat "$tmp/err")"
    echo "ok ($rc): $(grep -v 'no link data' "$tmp/err" | head -1)"
}

expect 2 'nosuch0.*does not exist' "$bin/ecodrived" --iface nosuch0
ip link add dev vcan9 type vcan || fail "cannot add vcan9"
expect 2 'vcan9.*down' "$bin/ecodrived" --iface vcan9
ip link del dev vcan9

sed 's/"BattSOC"/"BattStateOfCharge"/' "$models/mappings/ecodrive.json" >"$tmp/map.json"
expect 2 'BattStateOfCharge' "$bin/ecodrived" --iface vcan0 --mapping "$tmp/map.json"

ln=$(grep -n '^ SG_ EngineTorque ' "$models/ecodrive.dbc") && ln=${ln%%:*} || fail "no EngineTorque"
sed "${ln}s/ (0.1,0) / (0.1;0) /" "$models/ecodrive.dbc" >"$tmp/bad.dbc" # EngineTorque's SG_
cmp -s "$tmp/bad.dbc" "$models/ecodrive.dbc" && fail "the DBC edit did not apply"
expect 2 "bad.dbc:$ln" "$bin/ecodrived" --iface vcan0 --dbc "$tmp/bad.dbc" --mapping "$models/mappings/ecodrive.json"

sed 's/"equals": "Engaged"/"equals": "On"/' "$models/mappings/ecodrive.json" >"$tmp/map.json"
expect 2 'engaged.equals.*"On" is not a VAL_ name of signal CruiseActive' "$bin/ecodrived" --iface vcan0 --mapping "$tmp/map.json"

expect 1 'cpu 7.*no such CPU' "$bin/ecodrived" --iface vcan0 --cpu 7 --controller baseline
expect 2 'none.log' "$bin/ecodrived" --replay "$tmp/none.log" --controller baseline
