# shellcheck shell=bash
# Helpers for tests/vm/case_*.sh, which run inside the UML guest (see README.md).
# Source it: . "$(dirname "$0")/lib.sh"

# fail MESSAGE...: print the reason and end the case with status 1.
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# require_guest: a case needs the guest's kernel CAN stack; on the host it would only
# test the host (which has no AF_CAN).
require_guest() {
    [ "${UML_GUEST:-}" = 1 ] ||
        fail "${0##*/} runs inside the UML guest: tests/vm/uml_run.sh ${0#./} [BIN_DIR]"
}

# vm_case_begin "$@": a case's opening. Inside the guest (require_guest), it sets $bin to
# the build's bin folder (the case's first argument), $tmp to a new scratch folder and $here
# to the case's own folder.
vm_case_begin() {
    require_guest
    bin=${1:?BIN_DIR}
    tmp=$(mktemp -d)
    here=$(cd "$(dirname "$0")" && pwd)
}

# can_receivers IFACE: how many raw CAN sockets currently receive everything on IFACE
# (candump with no filter, for instance), from the kernel's own receive list.
can_receivers() {
    local line n=0
    while IFS= read -r line; do
        [[ $line =~ ^[[:space:]]+$1[[:space:]].*raw$ ]] && n=$((n + 1))
    done </proc/net/can/rcvlist_all
    echo "$n"
}

# wait_receivers IFACE N [SECONDS]: wait until at least N such sockets listen on IFACE,
# so that frames sent next are not lost to a listener that has not bound yet.
wait_receivers() {
    local deadline=$((SECONDS + ${3:-10}))
    while [ "$(can_receivers "$1")" -lt "$2" ]; do
        [ "$SECONDS" -lt "$deadline" ] || fail "no listener bound to $1 within ${3:-10} s"
        sleep 0.02
    done
}

# wait_lines FILE N [SECONDS]: wait until FILE has at least N lines; status 1 if it has
# not by then. (A program writing to a file buffers its output: run it under stdbuf -oL.)
wait_lines() {
    local deadline=$((SECONDS + ${3:-10})) lines=()
    while :; do
        [ -f "$1" ] && mapfile -t lines <"$1"
        [ "${#lines[@]}" -ge "$2" ] && return 0
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.02
    done
}

# field FILE NAME: the field NAME of the one-line JSON object in FILE, as text.
field() {
    local j
    j=$(<"$1")
    j=${j#*\""$2"\":}
    echo "${j%%[,\}]*}"
}

# wltc3b_window SECONDS OUT: the rows of the shipped WLTC class 3b CSV with time_s <= SECONDS
# (and its header) into OUT, a cycle of its own.
wltc3b_window() {
    local header t rest
    {
        IFS= read -r header
        echo "$header"
        while IFS=, read -r t rest; do
            if [ "${t%%.*}" -le "$1" ]; then echo "$t,$rest"; fi
        done
    } <"$(dirname "${BASH_SOURCE[0]}")/../../sim/cycles/wltc_class3b.csv" >"$2"
}

# crc8 BYTE...: CRC-8/SAE-J1850 (poly 0x1D, init 0xFF, final XOR 0xFF; AUTOSAR E2E profile 1)
# of the bytes, bit by bit, in bash: the cases' independent check of the daemon's CRCs.
crc8() {
    local c=255 x i
    for x in "$@"; do
        c=$((c ^ x))
        for i in 1 2 3 4 5 6 7 8; do
            if ((c & 128)); then c=$((((c << 1) ^ 0x1D) & 255)); else c=$(((c << 1) & 255)); fi
        done
    done
    echo $((c ^ 255))
}
# The catalogue's check value (reveng CRC-8/SAE-J1850: check=0x4b over "123456789").
[ "$(crc8 49 50 51 52 53 54 55 56 57)" = $((0x4B)) ] || fail "lib.sh: bash crc8 is wrong"
