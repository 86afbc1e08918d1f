#!/usr/bin/env bash
# fuzz.sh HARNESS|all [--time SECONDS] [--runs N] [--jobs N] [-- LIBFUZZER_FLAGS...]
# A long fuzz campaign on demand (issue 14), one harness at a time (`all`: each in turn).
# Defaults are the issue's acceptance: stop at 10 million executions or after 30 minutes,
# whichever comes first. The corpus persists in build-fuzz/fuzz-corpus/HARNESS (seeded from
# the shipped files on the first run, so later runs go on where the last stopped); findings
# go to build-fuzz/fuzz-findings/. Prints executions, exec/s, corpus size and findings per
# harness. --jobs N runs N libFuzzer processes on the one corpus (-fork=N; then -runs does
# not apply and the time limit stops the run). Harnesses: see tests/fuzz/harnesses.sh.
# The build dir is ECO_FUZZ_BUILD (default build-fuzz).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export ECO_ROOT=$here
. "$here/tests/fuzz/harnesses.sh"
usage() {
    sed -n '2,3p' "$0" | sed 's/^# //' >&2
    echo "harnesses: $eco_fuzz_harnesses" >&2
    exit 2
}
[ $# -ge 1 ] || usage
which=$1
shift
seconds=1800 runs=10000000 jobs=1 extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --time) seconds=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) usage ;;
    esac
done
if [ "$which" = all ]; then
    list=$eco_fuzz_harnesses
elif [[ " $eco_fuzz_harnesses " == *" $which "* ]]; then
    list=$which
else
    usage
fi

build=${ECO_FUZZ_BUILD:-$here/build-fuzz}
CC=clang cmake -S "$here" -B "$build" -DECO_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target fuzz_all >/dev/null
mkdir -p "$build/fuzz-findings" "$build/fuzz-logs"
tmp=$(mktemp -d -p /dev/shm eco-fuzz.XXXXXX 2>/dev/null || mktemp -d) # tmpfs: see fuzz-ci.sh
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp

printf '%-11s %11s %8s %7s %8s  %s\n' harness executions exec/s corpus seconds findings
status=0
for h in $list; do
    corpus=$build/fuzz-corpus/$h
    [ -d "$corpus" ] || eco_fuzz_seed "$h" "$corpus"
    log=$build/fuzz-logs/$h.log
    limits=(-max_total_time="$seconds")
    if [ "$jobs" -gt 1 ]; then
        limits+=(-fork="$jobs" -ignore_crashes=1)
    else
        limits+=(-runs="$runs")
    fi
    before=$(find "$build/fuzz-findings" -name "$h-*" | wc -l)
    start=$(date +%s)
    # shellcheck disable=SC2046
    "$build/bin/fuzz_$h" $(eco_fuzz_flags "$h") "${limits[@]}" \
        -artifact_prefix="$build/fuzz-findings/$h-" "${extra[@]}" "$corpus" >"$log" 2>&1 || status=1
    read -r n rate _ < <(eco_fuzz_stats "$log")
    if [ "$jobs" -gt 1 ]; then # the forks print no final stats: take the last status line
        n=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
        rate=$((${n:-0} / ($(date +%s) - start + 1)))
    fi
    found=$(find "$build/fuzz-findings" -name "$h-*" | wc -l)
    new=$((found - before))
    [ "$new" -eq 0 ] || status=1
    printf '%-11s %11s %8s %7s %8s  %s\n' "$h" "${n:-0}" "$rate" "$(find "$corpus" -type f | wc -l)" \
        "$(($(date +%s) - start))" "$([ "$new" -eq 0 ] && echo none || echo "$new new in $build/fuzz-findings (log $log)")"
done
exit "$status"
