#!/usr/bin/env bash
# Layout speed as whole processes: `bpmnkit layout` vs bpmn-auto-layout 1.3.0 (Node, via
# ../shared/anchors/bpmnjs/harness.mjs) on a generated model without DI.
#
#   bench/layout-speed.sh [TASKS] [RUNS]     (default 1000 tasks, 10 runs each)
#
# Prints the median wall time and CPU time (user + sys, less sensitive to a loaded machine)
# of each and the ratios. Both read the file, lay it out and
# write the result to a file.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
[ -d "$SHARED/anchors" ] || SHARED=/work/shared
TASKS="${1:-1000}"; RUNS="${2:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
(cd "$ROOT" && cargo build --release --quiet)
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
cp "$CARGO_TARGET_DIR/$(rustc --print host-tuple)/release/bpmnkit" "$WORK/bpmnkit"
"$WORK/bpmnkit" layout --help >/dev/null 2>&1 || { echo "the release binary has no layout command (rebuilt from another branch meanwhile?); run again" >&2; exit 2; }
ANCHOR="$SHARED/anchors/bpmnjs"
"$ANCHOR/run.sh" gen nodi "$TASKS" "$WORK/in.bpmn" >&2
"$ANCHOR/run.sh" install >/dev/null 2>&1 || true

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# prints "wall cpu" (seconds; cpu = user + sys) per run
time_runs() { # command...
  for _ in $(seq "$RUNS"); do
    # Wall time from bash's microsecond clock around the command itself (wrapped in GNU
    # time it would include time's own start, about 1 ms); CPU from a second run under
    # time (its %e has 10 ms steps).
    local t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1
    local t1=$EPOCHREALTIME
    /usr/bin/time -f '%U %S' -o "$WORK/t" "$@" >/dev/null 2>&1
    awk -v a="$t0" -v b="$t1" '{printf "%.4f %.3f\n", b - a, $1 + $2}' "$WORK/t"
  done > "$WORK/runs"
  echo "$(cut -d' ' -f1 "$WORK/runs" | median) $(cut -d' ' -f2 "$WORK/runs" | median)"
}
read -r ours_wall ours_cpu < <(time_runs "$WORK/bpmnkit" layout "$WORK/in.bpmn" -o "$WORK/ours.bpmn")
cache="${ANCHOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bpmn-anchors/bpmnjs}"
read -r bal_wall bal_cpu < <(ANCHOR_CACHE="$cache" time_runs node "$ANCHOR/harness.mjs" layout "$WORK/in.bpmn" "$WORK/bal.bpmn")
nodes=$(grep -c '<bpmndi:BPMNShape' "$WORK/ours.bpmn")
printf 'model: %s tasks, %s shapes laid out; %s runs each, medians (load average now: %s)\n' \
  "$TASKS" "$nodes" "$RUNS" "$(cut -d' ' -f1 /proc/loadavg)"
printf '%-20s %10s %10s\n' "" "wall s" "cpu s"
printf '%-20s %10.4f %10.3f\n' "bpmnkit layout" "$ours_wall" "$ours_cpu"
printf '%-20s %10.3f %10.3f\n' "bpmn-auto-layout" "$bal_wall" "$bal_cpu"
ratio() { if [ "$(echo "$2 > 0" | bc)" = 1 ]; then printf '%.1fx' "$(echo "$1 / $2" | bc -l)"; else echo "n/a (below timer resolution)"; fi; }
printf '%-20s %10s %10s\n' "ratio" "$(ratio "$bal_wall" "$ours_wall")" "$(ratio "$bal_cpu" "$ours_cpu")"
