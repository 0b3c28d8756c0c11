#!/usr/bin/env bash
# Side-by-side timing of `bpmnkit lint` and bpmnlint (the anchor in ../shared/anchors/bpmnlint),
# both with all 28 bpmnlint rules on, as whole processes (start-up included):
#   1. the 10,000-node model from gen-large.py
#   2. the whole shared corpus (every *.bpmn under ../shared/corpus)
# Prints wall time (best of RUNS), peak resident memory (/usr/bin/time -v) and the ratio.
#
# Usage: bench/vs-bpmnlint.sh            (env: RUNS=3 NODES=10000 SHARED=../shared)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
ANCHOR="$SHARED/anchors/bpmnlint"
RUNS="${RUNS:-3}"
NODES="${NODES:-10000}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ -n "${BPMNKIT_BIN:-}" ]; then
  BIN="$BPMNKIT_BIN"   # measure this binary instead of building one
else
  echo "building bpmnkit (release)..." >&2
  cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
  # Copy the binary: a shared target dir may be rebuilt by someone else while we measure.
  cp "$TARGET/$(rustc --print host-tuple)/release/bpmnkit" "$WORK/bpmnkit"
  BIN="$WORK/bpmnkit"
fi
"$BIN" lint --help > /dev/null 2>&1 || { echo "$BIN has no lint command (stale or foreign build?)" >&2; exit 2; }

python3 "$ANCHOR/gen-large.py" --nodes "$NODES" -o "$WORK/large.bpmn" >&2
printf '{ "extends": ["bpmnlint:all", "bpmnlint:recommended"] }\n' > "$WORK/all.bpmnlintrc"

# First anchor run installs bpmnlint into its cache; keep it out of the timings.
"$ANCHOR/run.sh" "$WORK/large.bpmn" > /dev/null 2>&1 || true

# measure NAME CMD... -> prints "seconds maxrss_kb" of the fastest of RUNS runs
measure() {
  local best_t="" best_m=""
  for _ in $(seq "$RUNS"); do
    # Wall time from bash's microsecond clock (GNU time's elapsed has 10 ms steps, too
    # coarse here); peak memory from GNU time.
    local t0 t1 t m
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt" || true
    t1=$EPOCHREALTIME
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    m=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
    if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then
      best_t=$t; best_m=$m
    fi
  done
  echo "$best_t $best_m"
}

row() { # label files bpmnkit_result bpmnlint_result findings_k findings_b
  read -r kt km <<< "$3"
  read -r bt bm <<< "$4"
  awk -v l="$1" -v kt="$kt" -v km="$km" -v bt="$bt" -v bm="$bm" -v fk="$5" -v fb="$6" 'BEGIN {
    printf "%-22s bpmnkit %7.4f s %8.1f MiB (%s findings) | bpmnlint %7.3f s %8.1f MiB (%s findings) | %6.1fx faster, %5.1fx less memory\n",
      l, kt, km / 1024, fk, bt, bm / 1024, fb, bt / (kt > 0 ? kt : 0.001), bm / km }'
}

count_k() { "$BIN" lint --config "$WORK/all.bpmnlintrc" --format json "$@" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["errors"]+s["warnings"]+s["infos"])'; }
count_b() { "$ANCHOR/run.sh" "$@" 2>/dev/null | wc -l; }

echo "== $NODES-node model ($(wc -c < "$WORK/large.bpmn") bytes), best of $RUNS =="
k=$(measure "$BIN" lint --config "$WORK/all.bpmnlintrc" --format json "$WORK/large.bpmn")
b=$(measure "$ANCHOR/run.sh" "$WORK/large.bpmn")
row "large model" 1 "$k" "$b" "$(count_k "$WORK/large.bpmn")" "$(count_b "$WORK/large.bpmn")"

CORPUS="$SHARED/corpus"
n=$(find "$CORPUS" -name '*.bpmn' | wc -l)
echo "== whole corpus ($n files under $CORPUS), best of $RUNS =="
k=$(measure "$BIN" lint --config "$WORK/all.bpmnlintrc" --format json "$CORPUS")
b=$(measure "$ANCHOR/run.sh" "$CORPUS")
row "corpus" "$n" "$k" "$b" "$(count_k "$CORPUS")" "$(count_b "$CORPUS")"
