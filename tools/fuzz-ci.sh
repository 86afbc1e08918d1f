#!/usr/bin/env bash
# fuzz-ci.sh [BUILD_DIR]: the CI fuzz step (issue 14). Builds the libFuzzer harnesses of
# tests/fuzz with clang (ASan + UBSan) in BUILD_DIR (default build-fuzz), replays the
# regression corpus tests/fuzz/regressions/<harness>/ (each input once, every time), then
# fuzzes each harness from its seeds for ECO_FUZZ_SECONDS (default 20) seconds, one at a
# time. Prints executions, exec/s, corpus size and findings per harness; exits 1 if a
# regression input fails or a run finds a crash, a leak, a timeout or an out-of-memory. A new
# finding is saved in BUILD_DIR/fuzz-ci/findings/: reproduce it with
# `BUILD_DIR/bin/fuzz_<harness> FILE`, fix it, and add FILE to the regression corpus.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-fuzz}
seconds=${ECO_FUZZ_SECONDS:-20}
export ECO_ROOT=$here
. "$here/tests/fuzz/harnesses.sh"

CC=clang cmake -S "$here" -B "$build" -DECO_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target fuzz_all >/dev/null

out=$build/fuzz-ci
rm -rf "$out"
mkdir -p "$out/findings"
# The harnesses' own files (engine maps, campaigns) go to TMPDIR, written on every input: on
# tmpfs, as a disk's metadata writes would slow them a hundredfold.
tmp=$(mktemp -d -p /dev/shm eco-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp
failed=0
printf '%-11s %8s %10s %8s %7s  %s\n' harness regress executions exec/s corpus findings
for h in $eco_fuzz_harnesses; do
    bin=$build/bin/fuzz_$h
    # The regression corpus: every input once; none may fail.
    regress=0 bad=""
    if compgen -G "$here/tests/fuzz/regressions/$h/*" >/dev/null; then
        for f in "$here/tests/fuzz/regressions/$h"/*; do
            regress=$((regress + 1))
            # shellcheck disable=SC2046
            "$bin" $(eco_fuzz_flags "$h") "$f" >"$out/$h.regress.log" 2>&1 || bad="$bad $(basename "$f")"
        done
    fi
    # A short run from the seeds.
    corpus=$out/corpus/$h
    eco_fuzz_seed "$h" "$corpus"
    # shellcheck disable=SC2046
    "$bin" $(eco_fuzz_flags "$h") -max_total_time="$seconds" \
        -artifact_prefix="$out/findings/$h-" "$corpus" >"$out/$h.log" 2>&1 || true
    read -r runs rate _ < <(eco_fuzz_stats "$out/$h.log")
    found=$(find "$out/findings" -name "$h-*" -printf '%f ' 2>/dev/null)
    if [ -n "$bad" ] || [ -n "$found" ]; then
        failed=1
    fi
    printf '%-11s %8s %10s %8s %7s  %s\n' "$h" "$regress${bad:+ FAIL}" "$runs" "$rate" \
        "$(find "$corpus" -type f | wc -l)" "${found:-none}${bad:+; regressions failing:$bad}"
done
if [ "$failed" -ne 0 ]; then
    echo "fuzz-ci: FAILED (logs in $out)" >&2
    exit 1
fi
echo "fuzz-ci: no finding"
