#!/usr/bin/env bash
# Visual comparison of bpmnkit's SVG with bpmn-js (the bpmn.io viewer).
#
#   bench/visual.sh [OUTDIR]        (default: target/visual)
#   ONLY='B.2.0|C.6' bench/visual.sh   (only models whose name matches the regex)
#
# For every MIWG reference model and every sample: renders the first diagram with
# `bpmnkit render` and with bpmn-js 18.31.1 in headless Chromium
# (../shared/anchors/bpmnjs/run.sh render, which installs itself on first use), rasterises
# both SVGs with resvg (examples/visual.rs, so the rasteriser is the same for both), aligns
# them by their viewBoxes and writes OUTDIR/<model>.png: bpmnkit | bpmn-js | difference.
# Prints the mean absolute pixel difference (0-255 per RGB channel, on white) per model.
# Both sides need Liberation Sans (metric-compatible with Arial): installed with apt if
# missing and we are root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/target/visual}"
SHARED="${SHARED:-$ROOT/../shared}"
[ -d "$SHARED/anchors" ] || SHARED=/work/shared
ANCHOR="$SHARED/anchors/bpmnjs/run.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if ! fc-list 2>/dev/null | grep -qi "Liberation Sans"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation >&2
  else
    echo "warning: Liberation Sans not installed (apt-get install fonts-liberation); text will differ" >&2
  fi
fi

(cd "$ROOT" && cargo build --release -q --bin bpmnkit --example visual)
mkdir -p "$OUT/bin"
# Copy right after building: a shared CARGO_TARGET_DIR may be rebuilt by another checkout.
cp "$CARGO_TARGET_DIR/$(rustc --print host-tuple)/release/bpmnkit" "$CARGO_TARGET_DIR/$(rustc --print host-tuple)/release/examples/visual" "$OUT/bin/"
BPMNKIT="$OUT/bin/bpmnkit"
VISUAL="$OUT/bin/visual"

models=("$SHARED"/corpus/miwg-reference/*.bpmn)
while IFS= read -r f; do models+=("$f"); done < <(find "$ROOT/samples" -name '*.bpmn' 2>/dev/null | sort)

printf '%-34s %10s %10s %10s %8s\n' model bpmnkit_B bpmnjs_B elements mean_diff
total=0; n=0
for model in "${models[@]}"; do
  name="$(basename "$model" .bpmn)"
  [ "$(dirname "$model")" = "$ROOT/samples/flawed" ] && name="flawed-$name"
  [[ -n "${ONLY:-}" && ! "$name" =~ $ONLY ]] && continue
  work="$OUT/work/$name"
  mkdir -p "$work"
  if ! "$BPMNKIT" render "$model" -o "$work/bpmnkit.svg" 2>"$work/bpmnkit.err"; then
    printf '%-34s bpmnkit failed: %s\n' "$name" "$(head -c 200 "$work/bpmnkit.err")"; continue
  fi
  if [ -s "$work/bpmnjs/out.svg" ] && [ "$work/bpmnjs/out.svg" -nt "$model" ]; then
    :  # bpmn-js output from an earlier run (delete OUTDIR/work to redo)
  elif ! "$ANCHOR" render "$model" "$work/bpmnjs" --no-png >"$work/bpmnjs.log" 2>&1; then
    printf '%-34s bpmn-js failed (see %s)\n' "$name" "$work/bpmnjs.log"; continue
  fi
  diff="$("$VISUAL" compare "$work/bpmnkit.svg" "$work/bpmnjs/out.svg" "$OUT/$name.png")"
  elements="$(grep -o 'data-element-id=' "$work/bpmnkit.svg" | wc -l)"
  printf '%-34s %10d %10d %10d %8s\n' "$name" "$(wc -c <"$work/bpmnkit.svg")" \
    "$(wc -c <"$work/bpmnjs/out.svg")" "$elements" "$diff"
  total="$(echo "$total + $diff" | bc -l)"; n=$((n + 1))
done
[ "$n" -gt 0 ] && printf 'mean over %d models: %.3f (contact sheets in %s)\n' "$n" "$(echo "$total / $n" | bc -l)" "$OUT"
