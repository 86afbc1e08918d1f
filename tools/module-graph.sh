#!/usr/bin/env bash
# module-graph.sh [--check]: the module graph of docs/architecture.md, from the build itself.
# Configures the tree in a scratch folder with `cmake --graphviz` (tests and benchmarks left
# out by CMakeGraphVizOptions below), writes docs/architecture.dot and draws
# docs/architecture.svg with Graphviz dot. With --check it only compares the graph CMake makes
# now with docs/architecture.dot, and fails if they differ (the `architecture_graph` test), so
# the drawing cannot drift from the build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/CMakeGraphVizOptions.cmake" <<'CMAKE'
set(GRAPHVIZ_GRAPH_NAME "ecodrive")
set(GRAPHVIZ_IGNORE_TARGETS "^test_" "^bench_" "CRITERION" "^/" "^m$" "Threads")
set(GRAPHVIZ_GENERATE_PER_TARGET FALSE)
set(GRAPHVIZ_GENERATE_DEPENDERS FALSE)
set(GRAPHVIZ_EXTERNAL_LIBS TRUE)
CMAKE
cmake -S "$here" -B "$tmp" --graphviz="$tmp/raw.dot" >/dev/null
# Node numbers depend on the order CMake visits targets; name the nodes by their labels so
# the file depends only on the graph, and sort the edges.
{
    echo 'digraph "ecodrive modules" {'
    echo '    rankdir = BT; node [fontname = "Helvetica", fontsize = 11];'
    sed -n 's/^ *"node[0-9]*" \[ label = "\([^"]*\)", shape = \([a-z]*\) \];$/    "\1" [shape = \2];/p' "$tmp/raw.dot" | sort
    sed -n 's/.*\/\/ \(.*\) -> \(.*\)$/    "\1" -> "\2";/p' "$tmp/raw.dot" | sort -u
    echo '}'
} >"$tmp/architecture.dot"
if [ "${1:-}" = --check ]; then
    if ! diff -u "$here/docs/architecture.dot" "$tmp/architecture.dot"; then
        echo "module-graph: docs/architecture.dot differs from the build's graph; run tools/module-graph.sh"
        exit 1
    fi
    echo "module-graph: docs/architecture.dot matches the build ($(grep -c -- '->' "$tmp/architecture.dot") links)"
    exit 0
fi
cp "$tmp/architecture.dot" "$here/docs/architecture.dot"
dot -Tsvg "$here/docs/architecture.dot" -o "$here/docs/architecture.svg"
echo "module-graph: wrote docs/architecture.dot and docs/architecture.svg"
