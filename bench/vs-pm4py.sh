#!/usr/bin/env bash
# Side by side: pm4py 2.7 (Woflan soundness on its BPMN -> Petri net translation) and
# `bpmnkit verify` on generated block-structured models (gen_blocks.py: families
# seq/xor/mixed/and, with --defect deadlock|lack-of-sync).
#
# Usage: bench/vs-pm4py.sh [OUTDIR]
# Environment:
#   FAMILIES="seq xor mixed and"   SIZES="100 1000 5000"   DEFECTS="none deadlock lack-of-sync"
#   PM4PY_TIMEOUT=60      seconds per file for pm4py (it needs minutes from ~1000 nodes)
#   PM4PY_MAX_NODES=1000  larger models are not given to pm4py (5000-node models take it
#                         18-27 minutes per file, see ../shared/design/verification.md)
#   RUNS=3                bpmnkit runs per file; the best is shown
#   ANCHORS=../shared/anchors/pm4py
#   BPMNKIT_BIN=path      use this binary instead of building one
#   E2E=1                 also time whole processes, as a user or a CI job waits for them:
#                         `run.sh FILE` (Python start, pm4py import, read, convert, Woflan;
#                         one fresh process per file, about 3 s each) against
#                         `bpmnkit verify FILE` (best of RUNS fresh processes)
#
# Columns: pm4py verdict and in-process seconds (read + convert + Woflan, import excluded);
# bpmnkit verdict, in-process milliseconds for verify alone and for read + verify (best of
# RUNS, from --timings), and the speed-up of bpmnkit (read + verify) over pm4py.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
anchors=${ANCHORS:-$root/../shared/anchors/pm4py}
out=${1:-${TMPDIR:-/tmp}/bpmnkit-vs-pm4py}
families=${FAMILIES:-seq xor mixed and}
sizes=${SIZES:-100 1000 5000}
defects=${DEFECTS:-none deadlock lack-of-sync}
pm_timeout=${PM4PY_TIMEOUT:-60}
pm_max=${PM4PY_MAX_NODES:-1000}
runs=${RUNS:-3}
mkdir -p "$out"

bin="$out/bpmnkit"
if [ -n "${BPMNKIT_BIN:-}" ]; then
  cp "$BPMNKIT_BIN" "$bin"
else
  (cd "$root" && cargo build --release --quiet --bin bpmnkit)
  # A private copy: a shared target directory may be rebuilt by another checkout meanwhile.
  cp "${CARGO_TARGET_DIR:-$root/target}/$(rustc --print host-tuple)/release/bpmnkit" "$bin"
fi

models=()
pm_models=()
for fam in $families; do
  for n in $sizes; do
    for defect in $defects; do
      f="$out/$fam-$n-$defect.bpmn"
      # Some families cannot carry some defects (seq has no XOR block to break).
      [ -f "$f" ] || python3 "$anchors/gen_blocks.py" --nodes "$n" --family "$fam" --seed 1 \
        --defect "$defect" -o "$f" >/dev/null 2>&1 || continue
      models+=("$f")
      if [ "$n" -le "$pm_max" ]; then pm_models+=("$f"); fi
    done
  done
done

# pm4py: one process for all files (each file in a forked child with a timeout).
pm_out="$out/pm4py.tsv"
if [ "${#pm_models[@]}" -gt 0 ]; then
  ANCHOR_TIMEOUT=$pm_timeout "$anchors/run.sh" "${pm_models[@]}" >"$pm_out" 2>"$out/pm4py.log" || true
else
  : >"$pm_out"
fi

printf '%-28s %-9s %10s   %-9s %10s %12s %10s\n' model pm4py "pm4py s" bpmnkit "verify ms" "read+ver ms" speedup
for f in "${models[@]}"; do
  name=$(basename "$f" .bpmn)
  verdict=$("$bin" verify --format json "$f" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["verdict"])' || true)
  best_v=""; best_t=""
  for _ in $(seq "$runs"); do
    line=$("$bin" verify --timings "$f" 2>&1 >/dev/null | grep '^timing' || true)
    read_ms=$(echo "$line" | cut -f3); ver_ms=$(echo "$line" | cut -f4)
    tot=$(python3 -c "print(f'{$read_ms + $ver_ms:.3f}')")
    if [ -z "$best_t" ] || python3 -c "import sys; sys.exit(0 if $tot < $best_t else 1)"; then
      best_t=$tot; best_v=$(python3 -c "print(f'{$ver_ms:.3f}')")
    fi
  done
  pm_line=$(grep -F "$f" "$pm_out" | head -1 || true)
  if [ -n "$pm_line" ]; then
    pm_verdict=$(echo "$pm_line" | cut -f2); pm_s=$(echo "$pm_line" | cut -f3)
    if [ "$pm_verdict" = "sound" ] || [ "$pm_verdict" = "unsound" ]; then
      speed=$(python3 -c "print(f'{$pm_s * 1000 / $best_t:.0f}x')")
    else
      pm_verdict="timeout"; pm_s=">$pm_timeout"; speed=">$(python3 -c "print(f'{$pm_timeout * 1000 / $best_t:.0f}x')")"
    fi
  else
    pm_verdict="-"; pm_s="-"; speed="-"
  fi
  printf '%-28s %-9s %10s   %-9s %10s %12s %10s\n' "$name" "$pm_verdict" "$pm_s" "$verdict" "$best_v" "$best_t" "$speed"
done

if [ "${E2E:-0}" = 1 ]; then
  echo
  # The machine's own cost of starting a process, for reading the table: on a loaded host
  # it doubles, for both tools.
  python3 - "$runs" <<'PY'
import subprocess, sys, time
def wall():
    t = time.perf_counter(); subprocess.run(["true"]); return time.perf_counter() - t
print(f"process start on this machine (true, best of {sys.argv[1]}): {min(wall() for _ in range(int(sys.argv[1]))) * 1e3:.3f} ms")
PY
  printf '%-28s %12s %14s %10s\n' model "pm4py e2e s" "bpmnkit e2e ms" speedup
  for f in "${pm_models[@]}"; do
    python3 - "$anchors/run.sh" "$bin" "$f" "$runs" "$pm_timeout" <<'PY'
import os, subprocess, sys, time
run_sh, bin_, f, runs, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
def wall(cmd, limit=None):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=limit)
    return time.perf_counter() - t
env_timeout = {"ANCHOR_TIMEOUT": str(timeout)}
try:
    t0 = time.perf_counter()
    out = subprocess.run([run_sh, f], capture_output=True, text=True, timeout=timeout + 60,
                         env={**os.environ, **env_timeout}).stdout
    pm = time.perf_counter() - t0
    verdict = out.split("\t")[1] if "\t" in out else "error"
except subprocess.TimeoutExpired:
    pm, verdict = None, "timeout"
bk = min(wall([bin_, "verify", f]) for _ in range(runs))
name = os.path.basename(f)[:-5]
if verdict in ("sound", "unsound") and pm is not None:
    print(f"{name:<28} {pm:12.3f} {bk * 1e3:14.3f} {pm / bk:9.0f}x")
else:
    print(f"{name:<28} {'timeout':>12} {bk * 1e3:14.3f} {'-':>10}")
PY
  done
fi
