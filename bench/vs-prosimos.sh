#!/usr/bin/env bash
# Speed side by side: the same model and scenario through Prosimos 2.1.0 (the shared anchor
# harness, ../shared/anchors/prosimos/run.sh) and `bpmnkit simulate` (release build), with the
# same case count. Prints cases/s for both (wall clock and CPU time: compare CPU time when the
# machine is busy) and the ratio, then times 1,000,000 cases of a sample.
#
# Usage: bench/vs-prosimos.sh [MODEL.bpmn SCENARIO.json] [CASES]
#   defaults: bench/simulate/twenty_tasks.bpmn bench/simulate/twenty_tasks.json 10000
# Env: SAMPLE (default samples/order-to-cash.bpmn) for the 1,000,000-case run; SKIP_PROSIMOS=1;
#      BPMNKIT_BIN=path to use an already built release binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

model="${1:-bench/simulate/twenty_tasks.bpmn}"
scenario="${2:-bench/simulate/twenty_tasks.json}"
cases="${3:-10000}"
sample="${SAMPLE:-samples/order-to-cash.bpmn}"

bin="$(mktemp -d)/bpmnkit"
if [ -n "${BPMNKIT_BIN:-}" ]; then
  cp "$BPMNKIT_BIN" "$bin"
else
  cargo build --release --quiet
  # A private copy: a shared target directory may be rebuilt by someone else meanwhile.
  cp "${CARGO_TARGET_DIR:-target}/$(rustc --print host-tuple)/release/bpmnkit" "$bin"
fi

# Runs bpmnkit 3 times; prints the best "wall_s cpu_s" (cpu = user + sys).
time_bpmnkit() {
  local best_wall="" best_cpu=""
  for _ in 1 2 3; do
    local t
    # Wall and CPU (user + sys, from getrusage: microsecond resolution) of one run.
    t=$(python3 -c 'import resource, subprocess, sys, time
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
w = time.perf_counter() - t0
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{w:.3f} {r.ru_utime:.3f} {r.ru_stime:.3f}")' "$bin" simulate "$@" --method sim --format json)
    local wall cpu
    wall=$(echo "$t" | awk '{print $1}')
    cpu=$(echo "$t" | awk '{print $2 + $3}')
    if [ -z "$best_wall" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN{exit !(a < b)}'; then
      best_wall=$wall; best_cpu=$cpu
    fi
  done
  echo "$best_wall $best_cpu"
}

echo "== $model with $scenario, $cases cases, 1 replication"
read -r b_wall b_cpu < <(time_bpmnkit "$model" --scenario "$scenario" --cases "$cases" --seed 1)
b_rate_wall=$(awk -v n="$cases" -v t="$b_wall" 'BEGIN{printf "%.0f", n / (t > 0 ? t : 0.001)}')
b_rate_cpu=$(awk -v n="$cases" -v t="$b_cpu" 'BEGIN{printf "%.0f", n / (t > 0 ? t : 0.001)}')
echo "bpmnkit:  wall ${b_wall} s (${b_rate_wall} cases/s), cpu ${b_cpu} s (${b_rate_cpu} cases/s), whole process"

if [ "${SKIP_PROSIMOS:-0}" != "1" ]; then
  out=$(../shared/anchors/prosimos/run.sh "$model" "$scenario" "$cases" 2>/dev/null)
  p_wall=$(echo "$out" | awk -F': ' '/^wall_s:/{print $2+0}')
  p_cpu=$(echo "$out" | awk -F': ' '/^cpu_s:/{print $2+0}')
  p_rate_wall=$(awk -v n="$cases" -v t="$p_wall" 'BEGIN{printf "%.0f", n / t}')
  p_rate_cpu=$(awk -v n="$cases" -v t="$p_cpu" 'BEGIN{printf "%.0f", n / t}')
  echo "prosimos: wall ${p_wall} s (${p_rate_wall} cases/s), cpu ${p_cpu} s (${p_rate_cpu} cases/s), in-process, imports excluded"
  echo "ratio (bpmnkit / prosimos cases/s): wall $(awk -v a="$b_rate_wall" -v b="$p_rate_wall" 'BEGIN{printf "%.0fx", a / b}'), cpu $(awk -v a="$b_rate_cpu" -v b="$p_rate_cpu" 'BEGIN{printf "%.0fx", a / b}')"
  echo "prosimos cycle_mean_s: $(echo "$out" | awk -F': ' '/^cycle_mean_s:/{print $2}')  (bpmnkit: $("$bin" simulate "$model" --scenario "$scenario" --cases "$cases" --method sim --format json 2>/dev/null | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["simulation"]["cycle_time"]["mean"], 1))' 2>/dev/null || echo '?'))"
fi

sample_scenario="${sample%.bpmn}.scenario.json"
echo "== 1,000,000 cases of $sample"
read -r w1 c1 < <(time_bpmnkit "$sample" --scenario "$sample_scenario" --cases 1000000 --seed 1)
echo "1 replication x 1,000,000 cases: wall ${w1} s, cpu ${c1} s"
read -r w2 c2 < <(time_bpmnkit "$sample" --scenario "$sample_scenario" --cases 500000 --replications 2 --seed 1)
echo "2 replications x 500,000 cases (both cores): wall ${w2} s, cpu ${c2} s"
echo "machine load: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))"
