#!/usr/bin/env bash
# Symbolic execution in `bpmnkit verify`: the default (symbolic execution of unstructured
# acyclic processes) against the reduced search (--no-symbolic, what the verifier did
# before) on unstructured acyclic models from bench/gen_acyclic.py.
#
# Usage: bench/verify-symbolic.sh [OUTDIR]
# Environment:
#   WIDTHS="1 2 3 4 6 10"   DEPTH=8   DEFECTS="none deadlock lack-of-sync"
#   MAX_STATES=1000000      budget of the search
#   BPMNKIT_BIN=path        use this binary instead of building one
#
# Columns per method: decision, verdict, states explored, in-process verify milliseconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${TMPDIR:-/tmp}/bpmnkit-verify-symbolic}
widths=${WIDTHS:-1 2 3 4 6 10}
depth=${DEPTH:-8}
defects=${DEFECTS:-none deadlock lack-of-sync}
max_states=${MAX_STATES:-1000000}
mkdir -p "$out"
bin="$out/bpmnkit"
if [ -n "${BPMNKIT_BIN:-}" ]; then
  cp "$BPMNKIT_BIN" "$bin"
else
  (cd "$root" && cargo build --release --quiet --bin bpmnkit)
  cp "${CARGO_TARGET_DIR:-$root/target}/$(rustc --print host-tuple)/release/bpmnkit" "$bin"
fi

one() { # file [flags] -> "decision verdict states ms"
  local f=$1; shift
  local summary ms
  summary=$("$bin" verify --format json --max-states "$max_states" "$@" "$f" 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; u=r["units"][0]; print(u["decision"], r["verdict"], u["states"])' || true)
  ms=$("$bin" verify --timings --max-states "$max_states" "$@" "$f" 2>&1 >/dev/null | grep '^timing' | cut -f4)
  echo "$summary $ms"
}

printf '%-28s %5s | %-11s %-8s %8s %10s | %-11s %-8s %8s %10s\n' model nodes default verdict states ms \
  no-symbolic verdict states ms
for w in $widths; do
  for defect in $defects; do
    f="$out/acyclic-$w-$depth-$defect.bpmn"
    python3 "$root/bench/gen_acyclic.py" --width "$w" --depth "$depth" --defect "$defect" -o "$f"
    nodes=$(grep -c 'Gateway id\|<task \|Event id' "$f")
    read -r sd sv ss st <<<"$(one "$f")"
    read -r rd rv rs rt <<<"$(one "$f" --no-symbolic)"
    printf '%-28s %5s | %-11s %-8s %8s %10s | %-11s %-8s %8s %10s\n' "$(basename "$f" .bpmn)" "$nodes" \
      "$sd" "$sv" "$ss" "$st" "$rd" "$rv" "$rs" "$rt"
  done
done
