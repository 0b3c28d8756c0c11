#!/usr/bin/env bash
# Browser test of `bpmnkit report`: generates the reports of every sample, every MIWG
# reference model, a hostile-names fixture and a synthetic 2,000-task model, opens each in
# headless Chromium and fails on any console error, page error, failed or network request;
# clicks a finding and checks its element is highlighted on the diagram; plays a witness;
# saves a screenshot per model in bench/out/screens/; measures the 2,000-task report's
# open time (must be under 2 s).
#
#   bench/browser-test.sh            everything
#   SKIP_INSTALL=1 bench/browser-test.sh   do not apt-get/npm install
#
# Installs Debian's chromium + fonts-liberation (apt-get, needs root) and playwright-core
# from npm into bench/browser/node_modules (gitignored).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/bench/out"
CORPUS="${CORPUS:-$ROOT/../shared/corpus}"
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus
GEN="${GEN:-$CORPUS/../anchors/bpmnjs/run.sh}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -z "${SKIP_INSTALL:-}" ]; then
  if [ ! -x "$CHROMIUM" ] || ! fc-list 2>/dev/null | grep -qi "Liberation Sans"; then
    apt-get update && apt-get install -y chromium fonts-liberation
  fi
  if [ ! -d bench/browser/node_modules/playwright-core ]; then
    (cd bench/browser && npm install --no-audit --no-fund --loglevel=error)
  fi
fi

rm -rf "$OUT/reports" "$OUT/screens"
mkdir -p "$OUT/reports" "$OUT/screens"
# Copy the binary at once: a CARGO_TARGET_DIR shared with other checkouts may be rebuilt
# from another branch while this script runs.
# With a target dir shared by several checkouts (CARGO_TARGET_DIR), target/<host tuple>/release/bpmnkit
# is whichever checkout linked last and cargo does not relink a fresh binary: touching
# lib.rs and main.rs makes it build this checkout's.
if [ -n "${CARGO_TARGET_DIR:-}" ]; then touch src/lib.rs src/main.rs; fi
cargo build --release --quiet --bin bpmnkit
EXE="${BPMNKIT_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/$(rustc --print host-tuple)/release/bpmnkit}"
cp "$EXE" "$OUT/bpmnkit"
BIN="$OUT/bpmnkit"
# Exit code 1 means "findings at error level", which the flawed sample has on purpose.
run_report() {
  local rc=0
  "$BIN" report "$@" 2>>"$OUT/reports/report.log" || rc=$?
  if [ "$rc" -gt 1 ]; then tail -20 "$OUT/reports/report.log" >&2; exit "$rc"; fi
}
run_report samples/ -o "$OUT/reports/samples/"
run_report "$CORPUS/miwg-reference/" -o "$OUT/reports/miwg/"
run_report tests/fixtures/report/hostile-names.bpmn -o "$OUT/reports/hostile/"

BIG="$OUT/reports/big"
mkdir -p "$BIG"
if [ ! -f "$OUT/gen-2000.bpmn" ]; then
  "$GEN" gen di 2000 "$OUT/gen-2000.bpmn"
fi
start=$(date +%s.%N)
run_report "$OUT/gen-2000.bpmn" -o "$BIG/"
end=$(date +%s.%N)
echo "bpmnkit report of the 2,000-task model: $(echo "$end - $start" | bc) s ($(du -h "$BIG/gen-2000.html" | cut -f1))"

node bench/browser/test.mjs "$OUT/reports" "$OUT/screens" "$BIG/gen-2000.html"
