#!/usr/bin/env bash
# Render speed, whole processes: `bpmnkit render` vs bpmn-js (Viewer in headless Chromium:
# launch + page load + importXML + saveSVG, through ../shared/anchors/bpmnjs/run.sh render).
#
#   bench/render-speed.sh [TASKS] [RUNS]     (default: 2000 tasks, 5 runs; medians reported)
#
# The model is the anchor's generated one (`run.sh gen di TASKS`): typed tasks, XOR/AND
# split-joins, timer events, collapsed sub-processes, with full DI. Also prints SVG sizes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
[ -d "$SHARED/anchors" ] || SHARED=/work/shared
ANCHOR="$SHARED/anchors/bpmnjs/run.sh"
TASKS="${1:-2000}"
RUNS="${2:-5}"
OUT="${OUT:-$ROOT/target/render-speed}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$OUT/bin"

(cd "$ROOT" && cargo build --release -q --bin bpmnkit)
cp "$CARGO_TARGET_DIR/$(rustc --print host-tuple)/release/bpmnkit" "$OUT/bin/"
BPMNKIT="$OUT/bin/bpmnkit"
MODEL="$OUT/gen-$TASKS.bpmn"
[ -s "$MODEL" ] || "$ANCHOR" gen di "$TASKS" "$MODEL" >&2

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

"$ANCHOR" render "$MODEL" "$OUT/bpmnjs" --no-png >/dev/null 2>&1   # warm-up (install, caches)
"$BPMNKIT" render "$MODEL" -o "$OUT/bpmnkit.svg"

ours=(); theirs=()
for _ in $(seq "$RUNS"); do
  t0=$(now_ms); "$BPMNKIT" render "$MODEL" -o "$OUT/bpmnkit.svg"; t1=$(now_ms)
  ours+=($((t1 - t0)))
  t0=$(now_ms); "$ANCHOR" render "$MODEL" "$OUT/bpmnjs" --no-png >/dev/null 2>&1; t1=$(now_ms)
  theirs+=($((t1 - t0)))
done
a=$(printf '%s\n' "${ours[@]}" | median)
b=$(printf '%s\n' "${theirs[@]}" | median)
elements=$(grep -o 'data-element-id=' "$OUT/bpmnkit.svg" | wc -l)
sa=$(wc -c <"$OUT/bpmnkit.svg"); sb=$(wc -c <"$OUT/bpmnjs/out.svg")
echo "model: $MODEL ($TASKS tasks, $elements drawn elements)"
echo "bpmnkit render: median ${a} ms  (runs: ${ours[*]})"
echo "bpmn-js render: median ${b} ms  (runs: ${theirs[*]})"
awk -v a="$a" -v b="$b" 'BEGIN { printf "speed-up: %.1fx\n", b / (a > 0 ? a : 1) }'
awk -v a="$sa" -v b="$sb" -v n="$elements" 'BEGIN { printf "SVG bytes: bpmnkit %d (%.0f B/element), bpmn-js %d (%.0f B/element), ratio %.3f\n", a, a / n, b, b / n, a / b }'
