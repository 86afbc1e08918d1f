# The fuzz harnesses, their seeds and their flags, sourced by tools/fuzz-ci.sh and
# tools/fuzz.sh. Needs $ECO_ROOT (the source tree).
#   eco_fuzz_seed HARNESS DIR   fills DIR with the shipped files of that format (models/,
#                               sim/cycles, sim/drives, tests/data), the hand-written ones of
#                               tests/fuzz/seeds/HARNESS and, for the binary formats, records
#                               made here
#   eco_fuzz_flags HARNESS      the libFuzzer flags of a run: dictionary, input size, limits
#   eco_fuzz_stats LOG          "executions exec/s new_units" from a run's -print_final_stats

eco_fuzz_harnesses="dbc mapping candump can_rx checksum route weights vehicle epa engine_map cycle campaign horizon"

# Copy files into a corpus under names that keep their origin.
_eco_fuzz_copy() {
    local dir=$1 f
    shift
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$dir/$(basename "$(dirname "$f")")_$(basename "$f")"
    done
    return 0
}

# can_rx records: id (4 bytes, little-endian), control (dlc | 0x10 known id | 0x20 E2E |
# 0x40 FD, the length FD_LEN[low nibble]), a time step in ms (2 bytes), the data (8 bytes, FD:
# its length). One stream per database (byte 0: 0, 1; 0x10 the CAN FD one).
_eco_fuzz_can_rx() {
    local dir=$1 db k
    for db in 00 01; do
        {
            printf "\\x$db"
            for k in 0 1 2 3 4 5; do
                printf "\\x0$k\\x00\\x00\\x00\\x38\\x0a\\x00\\x10\\x27\\x20\\x4e\\x00\\x00\\x00\\x00"
            done
            printf '\x00\x02\x00\x00\x08\x64\x00\x11\x22\x33\x44\x55\x66\x77\x88'
            printf '\x01\x01\x00\x00\x14\xe8\x03\x01\x02\x03\x04\x00\x00\x00\x00'
        } >"$dir/stream_db$db"
    done
    { # the FD database: 64-byte EcoVehicleMotion (message 0) and 16-byte frames, E2E on
        printf '\x10'
        for k in 0 1 2 3; do
            printf '\x00\x00\x00\x00\x7f\x14\x00'
            head -c 64 /dev/zero
            printf "\\x0$k\\x00\\x00\\x00\\x7a\\x0a\\x00"
            head -c 16 /dev/zero
        done
    } >"$dir/stream_fd"
}

# checksum: one configuration per algorithm, fields placed (flags 3): an 8-byte message,
# checksum on byte 7, counter on byte 6; and a 64-byte CAN FD one for hkg_canfd.
_eco_fuzz_checksum() {
    local dir=$1 a hex
    for a in 0 1 2 3 4 5 6 7 8 9 10 11 12; do
        hex=$(printf '%02x' "$a")
        {
            printf "\\x$hex\\x07\\x00\\x03\\x00\\x02\\x00\\x00"
            printf '\x07\x00\x00\x00\x06\x00\x00\x00\x10\x0a\x00'
            printf '\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10'
            printf '\x11\x22\x33\x44\x55\x66\x77\x88\x05'
        } >"$dir/algo_$a"
    done
    {
        printf '\x09\x3f\x00\x03\x00\x03\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00'
        printf '\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
        head -c 64 /dev/zero | tr '\0' '\125'
        printf '\x03'
    } >"$dir/canfd_64"
}

# horizon records: 8 data bytes of EcoHorizon, control (dlc | 0x10 forced type), speed m/s,
# time step ms (2 bytes): a map ECU's stream, POSITION at 100 m (2 km ahead known), a
# 50 km/h limit from there, a 2 % slope from 300 m, a signal at 600 m (30 s), and the car on
# at 10 m/s for ten POSITIONs.
_eco_fuzz_horizon() {
    local dir=$1 k
    {
        printf '\x01\x20\x03\xd0\x07\x00\x00\x00\x08\x0a\x64\x00'
        printf '\x02\x20\x03\x32\x00\x00\x00\x00\x08\x0a\x0a\x00'
        printf '\x04\x60\x09\x14\x00\x00\x00\x00\x08\x0a\x0a\x00'
        printf '\x05\xc0\x12\x02\x2c\x01\x00\x00\x08\x0a\x0a\x00'
        for k in 1 2 3 4 5 6 7 8 9 10; do
            printf '\x01\x20\x03\xd0\x07\x00\x00\x00\x08\x0a\x64\x00'
        done
    } >"$dir/map_ecu"
}

eco_fuzz_seed() {
    local h=$1 dir=$2 r=${ECO_ROOT:?} f stem
    mkdir -p "$dir"
    [ -d "$r/tests/fuzz/seeds/$h" ] && _eco_fuzz_copy "$dir" "$r/tests/fuzz/seeds/$h"/*
    case $h in
    dbc) _eco_fuzz_copy "$dir" "$r"/models/*.dbc ;;
    mapping) _eco_fuzz_copy "$dir" "$r"/models/mappings/*.json ;;
    can_rx) _eco_fuzz_can_rx "$dir" ;;
    horizon) _eco_fuzz_horizon "$dir" ;;
    checksum) _eco_fuzz_checksum "$dir" ;;
    weights) _eco_fuzz_copy "$dir" "$r"/models/weights/*.json ;;
    vehicle) _eco_fuzz_copy "$dir" "$r"/models/vehicles/*.json "$r"/tests/data/vehicles/*.json ;;
    epa)
        for f in "$r"/models/vehicles/*.csv "$r"/tests/data/epa_*.csv; do
            for q in PRIUS 'COROLLA|cvt' 'MODEL 3'; do
                { printf '%s\n' "$q"; cat "$f"; } >"$dir/$(basename "$f" .csv)_${q%%[ |]*}"
            done
        done
        ;;
    engine_map)
        for f in "$r"/models/maps/*.fuel.csv "$r"/tests/data/maps/*.fuel.csv; do
            stem=${f%.fuel.csv}
            { cat "$f"; printf '\n--limits--\n'; cat "$stem.limits.csv"; } \
                >"$dir/$(basename "$(dirname "$f")")_$(basename "$stem")"
        done
        ;;
    cycle) # the first rows of each shipped cycle and drive: the format, not the length
        for f in "$r"/sim/cycles/*.csv "$r"/sim/drives/*.csv; do
            head -n 40 "$f" >"$dir/$(basename "$f")"
        done
        ;;
    campaign) # an EPA record by absolute path: relative ones resolve in a private folder
        printf '{"vehicles": [{"epa": "%s", "model": "PRIUS"}], "cycles": ["us06"],\n' \
            "$r/models/vehicles/epa_testcars_calibration.csv" >"$dir/epa.json"
        printf ' "controllers": ["baseline"]}\n' >>"$dir/epa.json"
        ;;
    esac
    return 0
}

eco_fuzz_flags() {
    local h=$1 max_len=4096
    case $h in
    dbc | vehicle | engine_map) max_len=16384 ;;
    epa | campaign) max_len=8192 ;;
    esac
    # -timeout: one input may take this long (s); -rss_limit_mb: ASan's quarantine alone
    # holds 256 MB. The campaign loader prints its message on stderr: closed (fd mask 2).
    printf -- '-dict=%s -max_len=%d -timeout=10 -rss_limit_mb=2048 -print_final_stats=1' \
        "$ECO_ROOT/tests/fuzz/dict/$h.dict" "$max_len"
    [ "$h" = campaign ] && printf -- ' -close_fd_mask=2'
    return 0
}

eco_fuzz_stats() {
    awk '/^stat::number_of_executed_units:/ {n = $2}
         /^stat::average_exec_per_sec:/ {r = $2}
         /^stat::new_units_added:/ {u = $2}
         END {printf "%s %s %s\n", n ? n : 0, r ? r : 0, u ? u : 0}' "$1"
}
