#!/usr/bin/env bash
# The systemd units as installed (issue 11): `cmake --install` into a staging root, then
# systemd-analyze verify on both units (the template as an instance) with that root, the
# files they name present in it (ExecStart's binary, Documentation=, the example
# configuration's vehicle, DBC and mapping), the security exposure of both at most 2.0,
# and the logrotate file accepted by logrotate. Usage: check_units.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: check_units.sh BUILD_DIR}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fail() { echo "check_units: $*" >&2; exit 1; }

DESTDIR=$stage cmake --install "$build" >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
units=$stage$prefix/lib/systemd/system
[ -f "$units/ecodrived.service" ] && [ -f "$units/ecodrived@.service" ] ||
    fail "units not installed under $units"

# The staged root as systemd will see it: the units where systemd looks for them, and the
# template's configuration for the instance can0.
mkdir -p "$stage/etc/systemd/system" "$stage/etc/ecodrive" "$stage/usr/lib/systemd" "$stage/bin"
cp -r /usr/lib/systemd/system "$stage/usr/lib/systemd/" # the targets the units hang on
cp /bin/kill "$stage/bin/kill"                           # ExecReload's /bin/kill (procps)
cp "$units"/ecodrived*.service "$stage/etc/systemd/system/"
cp "$stage$prefix/share/ecodrive/deploy/can0.conf" "$stage/etc/ecodrive/can0.conf"

for unit in ecodrived.service ecodrived@can0.service; do
    out=$(systemd-analyze verify --man=no --root="$stage" "$unit" 2>&1) ||
        fail "systemd-analyze verify $unit: $out"
    # verify also warns without failing: no line may mention the unit
    if grep -i "ecodrived" <<<"$out" | grep -v "^$" >/dev/null; then
        fail "systemd-analyze verify $unit: $out"
    fi
done

grep -q "^ExecStart=$prefix/bin/ecodrived " "$units/ecodrived@.service" ||
    fail "ExecStart is not $prefix/bin/ecodrived"
[ -x "$stage$prefix/bin/ecodrived" ] || fail "no $prefix/bin/ecodrived in the install"
for u in ecodrived.service ecodrived@.service; do
    doc=$(sed -n 's|^Documentation=file://||p' "$units/$u")
    [ -f "$stage$doc" ] || fail "$u: Documentation= $doc is not installed"
done
for key in VEHICLE DBC MAPPING; do # the file is systemd's KEY=value, not shell
    f=$(sed -n "s/^$key=//p" "$stage/etc/ecodrive/can0.conf")
    [ -f "$stage$f" ] || fail "can0.conf names $f, which is not installed"
done

for u in ecodrived.service ecodrived@.service; do
    level=$(systemd-analyze security --offline=true --root="$stage" "$units/$u" 2>&1 |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    [ -n "$level" ] || fail "$u: no exposure level from systemd-analyze security"
    awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || fail "$u: exposure $level > 2.0"
    echo "check_units: $u exposure $level"
done

# The logrotate file, run for real on a log held open for appending as ecodrived holds it
# (fopen "a"): after a forced rotation the old lines are in .1 and the writer's next line
# starts the emptied log at offset 0 (copytruncate with O_APPEND leaves no hole).
mkdir -p "$stage/log"
sed "s|/var/log/ecodrive/|$stage/log/|" "$stage$prefix/share/ecodrive/deploy/ecodrive.logrotate" \
    >"$stage/logrotate.conf"
exec 3>>"$stage/log/frames.log"
echo "(1.0) can0 123#00" >&3
logrotate --force --state "$stage/logrotate.state" "$stage/logrotate.conf" ||
    fail "logrotate refused deploy/ecodrive.logrotate"
echo "(2.0) can0 123#01" >&3
exec 3>&-
[ "$(cat "$stage/log/frames.log.1")" = "(1.0) can0 123#00" ] || fail "logrotate: .1 is not the old log"
[ "$(cat "$stage/log/frames.log")" = "(2.0) can0 123#01" ] ||
    fail "logrotate: the log after rotation is not the next line alone ($(wc -c <"$stage/log/frames.log") bytes)"
echo "check_units: ok"
