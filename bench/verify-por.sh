#!/usr/bin/env bash
# Partial-order reduction in `bpmnkit verify`: states and times of the reduced search (the
# default) against the full search (--exhaustive, what the verifier did before the
# reduction) on parallel-heavy unstructured models from bench/gen_parallel.py.
#
# Usage: bench/verify-por.sh [OUTDIR]
# Environment:
#   BRANCHES="4 6 8 10 15 20"   TASKS=4   CROSS=3   DEFECTS="none deadlock lack-of-sync"
#   MAX_STATES=1000000          budget of both searches
#   BPMNKIT_BIN=path            use this binary instead of building one
#
# Columns per search: verdict, states explored, in-process verify milliseconds (--timings).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${TMPDIR:-/tmp}/bpmnkit-verify-por}
branches=${BRANCHES:-4 6 8 10 15 20}
tasks=${TASKS:-4}
cross=${CROSS:-3}
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

one() { # file [flags] -> "verdict states ms"
  local f=$1; shift
  local summary ms
  summary=$("$bin" verify --format json --max-states "$max_states" "$@" "$f" 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["verdict"], sum(u["states"] for u in r["units"]))' || true)
  ms=$("$bin" verify --timings --max-states "$max_states" "$@" "$f" 2>&1 >/dev/null | grep '^timing' | cut -f4)
  echo "$summary $ms"
}

printf '%-26s | %-8s %9s %10s | %-8s %9s %10s\n' model reduced states ms full states ms
for n in $branches; do
  for defect in $defects; do
    f="$out/par-$n-$tasks-$cross-$defect.bpmn"
    python3 "$root/bench/gen_parallel.py" --branches "$n" --tasks "$tasks" --cross "$cross" \
      --defect "$defect" -o "$f"
    read -r rv rs rt <<<"$(one "$f")"
    read -r fv fs ft <<<"$(one "$f" --exhaustive)"
    printf '%-26s | %-8s %9s %10s | %-8s %9s %10s\n' "$(basename "$f" .bpmn)" "$rv" "$rs" "$rt" "$fv" "$fs" "$ft"
  done
done
