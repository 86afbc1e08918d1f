#!/bin/bash
# run_vm_tests.sh BIN_DIR [NAME...]
#
# Runs the tests/vm/case_*.sh cases (or only the named ones: vcan_smoke or
# case_vcan_smoke.sh) inside a User-mode Linux guest with a real kernel CAN stack and vcan0,
# each as `bash case_NAME.sh BIN_DIR` in a fresh vcan0. Prints `PASS NAME` or `FAIL NAME`
# per case (a failed case's output follows, indented), then `N passed, N failed`; exits 1
# if any case failed or the guest did not run them all. See README.md beside this file.
#
# Environment:
#   VM_CASE_TIMEOUT=S     seconds one case may take (default 400)
#   VM_TESTS_BOOT_EACH=1  boot a guest per case (default: one boot for all cases, ~2 s saved
#                         per case)
#   VM_TESTS_VERBOSE=1    print the output of passing cases too
#   UML_TIMEOUT, UML_MEM  passed to uml_run.sh (default timeout: 60 s + VM_CASE_TIMEOUT per case)

set -u
here=$(cd "$(dirname "$0")" && pwd -P)
case_timeout=${VM_CASE_TIMEOUT:-400}

# --- inside the guest: run_vm_tests.sh --in-guest RESULTS BIN_DIR CASE_FILE... ---------------
if [ "${1:-}" = --in-guest ]; then
    results=$2 bin_dir=$3
    shift 3
    [ "${UML_GUEST:-}" = 1 ] || { echo "--in-guest is for uml_run.sh" >&2; exit 2; }
    first=1
    for c in "$@"; do
        name=${c##*/}
        name=${name#case_}
        name=${name%.sh}
        if [ "$first" = 0 ]; then
            # A fresh vcan0 for every case: no frames, sockets or settings left from the last one.
            ip -batch - <<'IP' || { echo "FAIL $name"; echo "    cannot re-create vcan0"; echo "FAIL $name" >>"$results"; continue; }
link del dev vcan0
link add dev vcan0 type vcan
link set up vcan0
IP
        fi
        first=0
        out=$TMPDIR/case.out
        start=$EPOCHREALTIME
        # timeout puts the case in a process group of its own; whatever the case left running
        # is killed with that group afterwards.
        timeout -k 5 "$case_timeout" bash "$c" "$bin_dir" </dev/null >"$out" 2>&1 &
        pid=$!
        wait "$pid"
        rc=$?
        kill -KILL -- "-$pid" 2>/dev/null
        secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
        if [ "$rc" = 0 ]; then
            echo "PASS $name"
            [ "${VM_TESTS_VERBOSE:-0}" = 1 ] && sed 's/^/    /' "$out"
            echo "PASS $name $secs" >>"$results"
        else
            echo "FAIL $name"
            sed 's/^/    /' "$out"
            [ "$rc" = 124 ] && echo "    (killed after VM_CASE_TIMEOUT=${case_timeout}s)"
            [ "$rc" != 124 ] && echo "    (exit status $rc)"
            echo "FAIL $name $secs" >>"$results"
        fi
    done
    exit 0
fi

# --- on the host ----------------------------------------------------------------------------
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
    echo "usage: ${0##*/} BIN_DIR [NAME...]" >&2
    exit 2
fi
[ -d "$1" ] || { echo "${0##*/}: BIN_DIR '$1' is not a directory" >&2; exit 2; }
bin_dir=$(cd "$1" && pwd -P)
shift

cases=()
if [ $# -eq 0 ]; then
    cases=("$here"/case_*.sh)
    [ -e "${cases[0]}" ] || cases=()
else
    for n in "$@"; do
        n=${n##*/}
        n=${n#case_}
        n=${n%.sh}
        [ -f "$here/case_$n.sh" ] || { echo "${0##*/}: no case $here/case_$n.sh" >&2; exit 2; }
        cases+=("$here/case_$n.sh")
    done
fi
names=()
for c in "${cases[@]}"; do
    n=${c##*/}
    n=${n#case_}
    names+=("${n%.sh}")
done

# The guest writes one line per finished case to this file, through hostfs; /run and /dev are
# the guest's own, so the file must not be there.
tmp_base=${TMPDIR:-/tmp}
case $(cd "$tmp_base" 2>/dev/null && pwd -P) in /run | /run/* | /dev | /dev/* | '') tmp_base=/tmp ;; esac
results_dir=$(mktemp -d "$tmp_base/vm_tests.XXXXXX") || exit 2
trap 'rm -rf "$results_dir"' EXIT
results=$results_dir/results
: >"$results"

t0=$EPOCHREALTIME
boots=0
uml_status=0
run_group() {    # run_group CASE_FILE...: one boot for these cases
    boots=$((boots + 1))
    UML_TIMEOUT=${UML_TIMEOUT:-$((60 + $# * case_timeout))} \
        "$here/uml_run.sh" "$here/run_vm_tests.sh" --in-guest "$results" "$bin_dir" "$@"
    local rc=$?
    if [ "$rc" != 0 ]; then
        echo "${0##*/}: uml_run.sh failed with status $rc" >&2
        uml_status=$rc
    fi
}
if [ "${#cases[@]}" -gt 0 ]; then
    if [ "${VM_TESTS_BOOT_EACH:-0}" = 1 ]; then
        for c in "${cases[@]}"; do run_group "$c"; done
    else
        run_group "${cases[@]}"
    fi
fi

passed=0 failed=0
for n in "${names[@]}"; do
    if grep -q "^PASS $n " "$results"; then
        passed=$((passed + 1))
    elif grep -q "^FAIL $n " "$results"; then
        failed=$((failed + 1))
    else
        echo "FAIL $n"
        echo "    (no result: the guest did not run this case to its end; see the messages above)"
        failed=$((failed + 1))
    fi
done
secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "vm: ${#names[@]} cases in $boots UML boot(s), ${secs} s wall"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$uml_status" = 0 ]
