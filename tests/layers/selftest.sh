#!/usr/bin/env bash
# selftest.sh SOURCE_DIR BUILD_DIR: tools/check-layers.sh catches each kind of violation.
# Each case copies the tree, adds one deliberate violation, and requires the check to fail
# with a finding that names the file (or the binary) and the rule it broke.
set -uo pipefail
src=${1:?SOURCE_DIR}
build=${2:?BUILD_DIR}
check=$src/tools/check-layers.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
cases=0

fresh() { # a copy of the tree and of the build's layers.txt and daemon
    rm -rf "$tmp/src" "$tmp/build"
    mkdir -p "$tmp/src" "$tmp/build/bin"
    cp -r "$src/src" "$src/include" "$src/sim" "$tmp/src/"
    cp "$build/layers.txt" "$tmp/build/"
    cp "$build/bin/ecodrived" "$tmp/build/bin/"
}

expect_finding() { # expect_finding NAME PATTERN: the check must fail and print PATTERN
    local out rc
    cases=$((cases + 1))
    out=$(bash "$check" "$tmp/src" "$tmp/build" 2>&1)
    rc=$?
    if [ $rc -ne 1 ] || ! grep -q -- "$2" <<<"$out"; then
        echo "FAIL $1: exit $rc, expected a finding matching '$2'; got:"
        sed 's/^/    /' <<<"$out"
        failures=$((failures + 1))
    else
        echo "ok   $1: $(grep -- "$2" <<<"$out" | head -1)"
    fi
}

first_c() { ls "$tmp/src/$1"/*.c | head -1; }

fresh
f=$(first_c src/control)
sed -i '1i #include <cjson/cJSON.h>' "$f"
expect_finding "cJSON in control" "src/control/$(basename "$f"):1: control includes <cjson/cJSON.h> but does not link cjson"

fresh
f=$(first_c src/model)
sed -i '1i #include "ecodrive/config.h"' "$f"
expect_finding "config header in model" "src/model/$(basename "$f"):1: model includes ecodrive/config.h of module config"

fresh
f=$(first_c src/can)
sed -i '1i #include "ecodrive/mpc.h"' "$f"
expect_finding "control header in can" "src/can/$(basename "$f"):1: can includes ecodrive/mpc.h of module control"

fresh
f=$(first_c src/rt)
sed -i '1i #include "../control/mpc_internal.h"' "$f"
expect_finding "another folder's private header" "src/rt/$(basename "$f"):1: rt includes ../control/mpc_internal.h, a private header"

fresh
sed -i '1i #include "paths.h"' "$tmp/src/src/ecodrived/main.c"
sed -i '1i #include "ecodrive/sim.h"' "$tmp/src/src/ecodrived/main.c"
expect_finding "daemon includes an unowned header" "src/ecodrived/main.c:1: includes ecodrive/sim.h, which no module owns"

fresh
f=$(first_c src/config)
sed -i '1i #include <sys/socket.h>' "$f"
expect_finding "socket header outside can" "src/config/$(basename "$f"):1: config includes <sys/socket.h> but does not link socketcan"

fresh
: >"$tmp/src/include/ecodrive/stray.h"
expect_finding "public header without a module" "include/ecodrive/stray.h: no module owns it"

fresh
cp "$build"/libeco_*.a "$tmp/build/"
printf 'int eco_cfg_vehicle_load(const char *, const char *, void *);\nint eco_model_uses_config(void) { return eco_cfg_vehicle_load(0, 0, 0); }\n' >"$tmp/up.c"
cc -c -o "$tmp/up.o" "$tmp/up.c" && ar rs "$tmp/build/libeco_model.a" "$tmp/up.o" 2>/dev/null
expect_finding "a call that runs up" "libeco_model.a uses eco_cfg_vehicle_load"

fresh
printf 'void eco_sim_plot_gnuplot(void) {}\nint eco_cmd_sweep(void) { return 0; }\nint main(void) { return 0; }\n' >"$tmp/fake.c"
cc -o "$tmp/build/bin/ecodrived" "$tmp/fake.c"
expect_finding "simulator symbols in the daemon" "bin/ecodrived defines 2 simulator symbols"

fresh
{ printf 'int eco_long_function(void)\n{\n    int x = 0;\n'; for i in $(seq 80); do echo "    x += $i;"; done; printf '    return x;\n}\n'; } >>"$(first_c src/common)"
expect_finding "function over 80 lines" "common/[a-z_]*\.c:[0-9]*: a function of 84 lines (at most 80)"

fresh
f=$(first_c sim)
for i in $(seq 700); do echo "/* padding $i */"; done >>"$f"
expect_finding "file over 600 lines" "sim/$(basename "$f"): [0-9]* lines (at most 600)"

echo "selftest: $((cases - failures)) passed, $failures failed"
[ $failures -eq 0 ]
