#!/usr/bin/env bash
# check-layers.sh SOURCE_DIR BUILD_DIR: keeps the code inside the module graph that CMake
# links (DESIGN.md's module table, built by CMakeLists.txt), and inside the size limits.
#
# BUILD_DIR/layers.txt, written by CMake from the same calls that make the module libraries,
# has one line per module or program:
#   module NAME DIR DEPS EXTERNALS HEADERS      (lists comma-separated, "-" when empty)
#   program NAME FILE DEPS EXTERNALS -
# It fails (exit 1, one line per finding) on
#   - a project header included by a module that does not link the header's module, directly
#     or through its dependencies (e.g. a src/control file including ecodrive/config.h);
#   - a private header of another module's folder ("../can/x.h");
#   - an external library's header (cJSON, GSL, sockets and libsocketcan) in a module that
#     does not link that library itself: nothing below config includes cJSON, only can
#     includes socket headers;
#   - a public header that no module owns;
#   - a module library (BUILD_DIR/libeco_NAME.a) that calls an eco_ function of a module it
#     does not link, or cJSON, GSL or libsocketcan without linking them;
#   - an eco_sim_ or eco_cmd_ symbol defined in BUILD_DIR/bin/ecodrived (nm): the daemon
#     links no simulator code;
#   - a function over 80 lines or a file over 600 lines in src/ and sim/.
set -uo pipefail
src=${1:?usage: check-layers.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: check-layers.sh SOURCE_DIR BUILD_DIR}
layers=$build/layers.txt
[ -r "$layers" ] || { echo "check-layers: $layers: not found (configure with CMake first)"; exit 2; }

MAX_FUNCTION_LINES=80
MAX_FILE_LINES=600
declare -A deps ext owner dir_module
declare -a units
findings=0
finding() { echo "check-layers: $*"; findings=$((findings + 1)); }
split() { [ "$1" = - ] && return; tr ',' ' ' <<<"$1"; }

while read -r kind name path d e h; do
    [ -n "$kind" ] || continue
    deps[$name]=$(split "$d")
    ext[$name]=$(split "$e")
    units+=("$name:$path")
    if [ "$kind" = module ]; then
        dir_module[$path]=$name
        for header in $(split "$h"); do owner[$header]=$name; done
    fi
done <"$layers"

# closure NAME: the module itself and every module it links, transitively.
closure() {
    local todo=("$1") seen=" " m
    while ((${#todo[@]})); do
        m=${todo[0]}
        todo=("${todo[@]:1}")
        [[ $seen == *" $m "* ]] && continue
        seen+="$m "
        for d in ${deps[$m]:-}; do todo+=("$d"); done
    done
    echo "$seen"
}

# The external library a system header belongs to, or nothing.
external_of() {
    case $1 in
    cjson/* | cJSON.h) echo cjson ;;
    gsl/*) echo gsl ;;
    libsocketcan.h | linux/can.h | linux/can/* | sys/socket.h | net/if.h | linux/if_arp.h) echo socketcan ;;
    criterion/*) echo criterion ;;
    esac
}

for header in "$src"/include/ecodrive/*; do
    [ -n "${owner[$(basename "$header")]:-}" ] ||
        finding "include/ecodrive/$(basename "$header"): no module owns it (HEADERS in CMakeLists.txt)"
done

check_file() { # check_file UNIT FILE
    local unit=$1 file=$2 rel=${2#"$src"/} allowed lineno inc lib mod
    allowed=$(closure "$unit")
    while IFS=: read -r lineno inc; do
        inc=${inc#*#include}
        inc=${inc//[[:space:]]/}
        case $inc in
        \"ecodrive/*\")
            inc=${inc#\"ecodrive/}
            inc=${inc%\"}
            mod=${owner[$inc]:-}
            if [ -z "$mod" ]; then
                finding "$rel:$lineno: includes ecodrive/$inc, which no module owns"
            elif [[ $allowed != *" $mod "* ]]; then
                finding "$rel:$lineno: $unit includes ecodrive/$inc of module $mod, which it does not link"
            fi
            ;;
        \"../*\")
            finding "$rel:$lineno: $unit includes ${inc//\"/}, a private header of another folder"
            ;;
        \"*\")
            inc=${inc//\"/}
            [ -e "$(dirname "$file")/$inc" ] ||
                finding "$rel:$lineno: $unit includes \"$inc\", which is not in its own folder"
            ;;
        \<*\>)
            inc=${inc#<}
            inc=${inc%>}
            lib=$(external_of "$inc")
            if [ -n "$lib" ] && [[ " ${ext[$unit]:-} " != *" $lib "* ]]; then
                finding "$rel:$lineno: $unit includes <$inc> but does not link $lib itself"
            fi
            ;;
        esac
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$file")
}

check_sizes() { # check_sizes FILE: function and file lengths (K&R: braces of a function at column 0)
    local rel=${1#"$src"/} n
    n=$(wc -l <"$1")
    ((n > MAX_FILE_LINES)) && finding "$rel: $n lines (at most $MAX_FILE_LINES)"
    awk -v f="$rel" -v max="$MAX_FUNCTION_LINES" '
        /^\{/ { start = FNR }
        /^\}/ && start { n = FNR - start + 1; if (n > max) printf "%s:%d: a function of %d lines (at most %d)\n", f, start, n, max; start = 0 }
    ' "$1" | while read -r line; do echo "check-layers: $line"; done
}

for header in "$src"/include/ecodrive/*; do
    mod=${owner[$(basename "$header")]:-}
    [ -n "$mod" ] && check_file "$mod" "$header"
done

# Symbols: every eco_ symbol a module library uses must be defined in a module it links.
defined_in() { nm --defined-only "$1" 2>/dev/null | awk '$3 ~ /^eco_/ { print $3 }' | sort -u; }
for u in "${units[@]}"; do
    name=${u%%:*}
    lib=$build/libeco_$name.a
    [ -e "$lib" ] || continue
    allowed_syms=$(for m in $(closure "$name"); do
        [ -e "$build/libeco_$m.a" ] && defined_in "$build/libeco_$m.a"
    done | sort -u)
    while read -r sym; do
        [ -z "$sym" ] && continue
        from=""
        for other in "${units[@]}"; do
            o=${other%%:*}
            [ -e "$build/libeco_$o.a" ] && grep -qx "$sym" <(defined_in "$build/libeco_$o.a") && from=$o
        done
        finding "libeco_$name.a uses $sym${from:+ of module $from}, which $name does not link"
    done < <(nm --undefined-only "$lib" 2>/dev/null | awk '$2 ~ /^eco_/ { print $2 }' | sort -u |
        comm -23 - <(echo "$allowed_syms"))
    # External libraries by their symbol prefixes: cJSON_, gsl_, libsocketcan's can_.
    for pair in cjson:cJSON_ gsl:gsl_ socketcan:can_; do
        extlib=${pair%%:*}
        [[ " ${ext[$name]:-} " == *" $extlib "* ]] && continue
        used=$(nm --undefined-only "$lib" 2>/dev/null | awk -v p="^${pair#*:}" '$2 ~ p { print $2 }' | sort -u)
        [ -n "$used" ] && finding "libeco_$name.a calls $extlib ($(head -3 <<<"$used" | tr '\n' ' ')...) but does not link it"
    done
done

for u in "${units[@]}"; do
    name=${u%%:*}
    path=${u#*:}
    if [ -d "$src/$path" ]; then
        files=("$src/$path"/*.[ch])
    else
        files=("$src/$path")
    fi
    for f in "${files[@]}"; do
        [ -e "$f" ] || continue
        check_file "$name" "$f"
    done
done

size_out=$(for f in "$src"/src/*.c "$src"/src/*/*.[ch] "$src"/sim/*.[ch]; do
    [ -e "$f" ] && check_sizes "$f"
done)
if [ -n "$size_out" ]; then
    echo "$size_out"
    findings=$((findings + $(wc -l <<<"$size_out")))
fi

daemon=$build/bin/ecodrived
if [ -x "$daemon" ]; then
    sim_symbols=$(nm --defined-only "$daemon" | awk '$3 ~ /^(eco_sim_|eco_cmd_)/ { print $3 }')
    if [ -n "$sim_symbols" ]; then
        finding "bin/ecodrived defines $(wc -l <<<"$sim_symbols") simulator symbols:" $sim_symbols
    fi
else
    finding "$daemon: not built"
fi

if ((findings)); then
    echo "check-layers: $findings finding(s)"
    exit 1
fi
echo "check-layers: ${#units[@]} modules and programs keep to the graph; sizes within $MAX_FUNCTION_LINES/$MAX_FILE_LINES lines"
