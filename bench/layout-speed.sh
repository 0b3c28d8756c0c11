#!/usr/bin/env bash
# Layout speed as whole processes: `bpmnkit layout` vs bpmn-auto-layout 1.3.0 (Node, via
# ../shared/anchors/bpmnjs/harness.mjs) on a generated model without DI.
#
#   bench/layout-speed.sh [TASKS] [RUNS]     (default 1000 tasks, 10 runs each)
#
# Prints the median wall time of each and the ratio. Both read the file, lay it out and
# write the result to a file.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
[ -d "$SHARED/anchors" ] || SHARED=/work/shared
TASKS="${1:-1000}"; RUNS="${2:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-shared}"
(cd "$ROOT" && cargo build --release --quiet)
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
cp "$CARGO_TARGET_DIR/release/bpmnkit" "$WORK/bpmnkit"
ANCHOR="$SHARED/anchors/bpmnjs"
"$ANCHOR/run.sh" gen nodi "$TASKS" "$WORK/in.bpmn" >&2
"$ANCHOR/run.sh" install >/dev/null 2>&1 || true

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_runs() { # command...
  for _ in $(seq "$RUNS"); do
    local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
  done | median
}
ours=$(time_runs "$WORK/bpmnkit" layout "$WORK/in.bpmn" -o "$WORK/ours.bpmn")
cache="${ANCHOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bpmn-anchors/bpmnjs}"
theirs=$(ANCHOR_CACHE="$cache" time_runs node "$ANCHOR/harness.mjs" layout "$WORK/in.bpmn" "$WORK/bal.bpmn")
nodes=$(grep -c '<bpmndi:BPMNShape' "$WORK/ours.bpmn")
printf 'model: %s tasks, %s shapes laid out; %s runs each, median wall time\n' "$TASKS" "$nodes" "$RUNS"
printf 'bpmnkit layout:       %8.3f s\n' "$ours"
printf 'bpmn-auto-layout:     %8.3f s\n' "$theirs"
printf 'ratio:                %8.1fx\n' "$(echo "$theirs / $ours" | bc -l)"
