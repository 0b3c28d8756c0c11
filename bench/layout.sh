#!/usr/bin/env bash
# Layout quality: bpmnkit's auto-layout vs bpmn-auto-layout 1.3.0 on the MIWG reference
# models and samples/*.bpmn, each stripped of its DI first.
#
#   bench/layout.sh [MODEL.bpmn ...]      (default: MIWG reference models + samples)
#
# Per model and tool: shapes drawn, flow nodes missing, node overlaps, edges through nodes,
# edge crossings (all edges; sequence flows only), bends, area (bounding box, summed over planes), pools/lanes/message flows
# drawn of those in the model, nodes outside their lane. Figures come from
# `bpmnkit layout --metrics` (src/render/layout/metrics.rs), the same code for both tools.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
[ -d "$SHARED/corpus" ] || SHARED=/work/shared
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
(cd "$ROOT" && cargo build --release --quiet)
ANCHOR="$SHARED/anchors/bpmnjs/run.sh"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# a private copy: the shared target dir may be rebuilt from another branch meanwhile
cp "$CARGO_TARGET_DIR/$(rustc --print host-tuple)/release/bpmnkit" "$WORK/bpmnkit"
"$WORK/bpmnkit" layout --help >/dev/null 2>&1 || { echo "the release binary has no layout command (rebuilt from another branch meanwhile?); run again" >&2; exit 2; }
BIN="$WORK/bpmnkit"

if [ $# -gt 0 ]; then models=("$@"); else
  models=("$SHARED"/corpus/miwg-reference/*.bpmn)
  for f in "$ROOT"/samples/*.bpmn "$ROOT"/samples/*/*.bpmn; do [ -e "$f" ] && models+=("$f"); done
fi

printf '%-22s %-4s %6s %5s %5s %5s %6s %6s %6s %10s %6s %6s %6s %5s\n' \
  model tool shapes miss ovl thru cross sqcross bends area pools lanes msgs out
better=0; worse=0; sbetter=0; sworse=0; n=0; cn=0; cbetter=0; cworse=0
for f in "${models[@]}"; do
  name="$(basename "$f" .bpmn)"
  nodi="$WORK/$name.nodi.bpmn"
  "$BIN" layout --strip-di "$f" -o "$nodi"
  ours="$WORK/$name.ours.bpmn"; theirs="$WORK/$name.bal.bpmn"
  if "$BIN" layout "$nodi" -o "$ours" 2>"$WORK/err"; then
    read -r s mi ov th cr fc be ar po la ms ou < <("$BIN" layout --metrics "$ours")
    printf '%-22s %-4s %6s %5s %5s %5s %6s %6s %6s %10s %6s %6s %6s %5s\n' "$name" ours "$s" "$mi" "$ov" "$th" "$cr" "$fc" "$be" "$ar" "$po" "$la" "$ms" "$ou"
    oc=$cr; osq=$fc
  else
    printf '%-22s %-4s FAILED: %s\n' "$name" ours "$(head -c 200 "$WORK/err")"; oc=
  fi
  if "$ANCHOR" layout "$nodi" "$theirs" >/dev/null 2>"$WORK/err"; then
    read -r s mi ov th cr fc be ar po la ms ou < <("$BIN" layout --metrics "$theirs")
    printf '%-22s %-4s %6s %5s %5s %5s %6s %6s %6s %10s %6s %6s %6s %5s\n' "" bal "$s" "$mi" "$ov" "$th" "$cr" "$fc" "$be" "$ar" "$po" "$la" "$ms" "$ou"
    tc=$cr; tsq=$fc; tmiss=$mi
  else
    printf '%-22s %-4s FAILED: %s\n' "" bal "$(tail -c 200 "$WORK/err" | tr '\n' ' ')"; tc=
  fi
  n=$((n+1))
  if [ -n "$oc" ] && [ -n "$tc" ]; then
    if [ "$oc" -lt "$tc" ]; then better=$((better+1)); elif [ "$oc" -gt "$tc" ]; then worse=$((worse+1)); fi
    if [ "$osq" -lt "$tsq" ]; then sbetter=$((sbetter+1)); elif [ "$osq" -gt "$tsq" ]; then sworse=$((sworse+1)); fi
    if [ "$tmiss" = 0 ]; then
      cn=$((cn+1))
      if [ "$osq" -lt "$tsq" ]; then cbetter=$((cbetter+1)); elif [ "$osq" -gt "$tsq" ]; then cworse=$((cworse+1)); fi
    fi
  fi
done
echo
echo "models: $n"
echo "all edges:           fewer crossings than bpmn-auto-layout on $better, more on $worse (rest equal or bal failed)"
echo "sequence flows only: fewer crossings than bpmn-auto-layout on $sbetter, more on $sworse (rest equal or bal failed)"
echo "sequence flows, models where bal draws every flow node ($cn): fewer on $cbetter, more on $cworse"
echo "(bal = bpmn-auto-layout $(grep -o 'AUTO_LAYOUT_VERSION=[0-9.]*' "$ANCHOR" | cut -d= -f2); it lays out only the first process and draws no pools, lanes, message flows or artifacts)"
