#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a given time each, one after another,
# seeded with the shared corpus (models) or the sample scenarios (scenario). Crashes land
# in fuzz/artifacts/<target>/; turn each into a regression test (tests/fixtures/fuzz/)
# before fixing it. Each run's full log, with libFuzzer's final stats (executions,
# coverage, corpus size), is kept in fuzz/logs/<target>.log.
#
#   fuzz/run.sh 600              # every target, 10 minutes each
#   fuzz/run.sh 60 lint verify   # two targets, 1 minute each
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
seconds=${1:-60}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
corpus_src=${BPMNKIT_CORPUS:-$here/../../shared/corpus}
[ -d "$corpus_src" ] || corpus_src=/work/shared/corpus
cd "$here"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
jobs=${FUZZ_JOBS:-1}
status=0
mkdir -p "$here/logs"
for t in "${targets[@]}"; do
    seeds="$here/corpus/$t"
    mkdir -p "$seeds"
    # Seed once (copied: libFuzzer adds what it finds to the folder).
    if [ -z "$(ls -A "$seeds")" ]; then
        if [ "$t" = scenario ]; then
            # One byte picks the model (the order of MODELS in fuzz_targets/scenario.rs),
            # the rest is a scenario written for it.
            i=0
            for s in samples/invoice-approval samples/order-to-cash samples/purchase-order \
                samples/complaint-resolution samples/global-onboarding \
                tests/fixtures/simulate/and_join tests/fixtures/simulate/boundary_timer \
                tests/fixtures/simulate/calendar tests/fixtures/simulate/loop; do
                { printf "\\x$(printf %02x $i)"; cat "$here/../$s.scenario.json"; } \
                    > "$seeds/$(basename "$s").json"
                i=$((i + 1))
            done
        elif [ -d "$corpus_src" ]; then
            find "$corpus_src" -name '*.bpmn' -size -256k -exec cp {} "$seeds/" \;
            cp "$here"/../tests/hostile/*.bpmn "$seeds/" 2>/dev/null || true
            cp "$here"/../samples/*.bpmn "$seeds/" 2>/dev/null || true
        fi
    fi
    # -jobs sends libFuzzer's output to fuzz-<n>.log: only for parallel runs.
    par=()
    [ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")
    dict=(-dict="$here/bpmn.dict")
    [ "$t" = scenario ] && dict=()
    echo "== fuzzing $t for ${seconds}s ($(ls "$seeds" | wc -l) inputs in fuzz/corpus/$t)"
    set +e
    cargo +nightly fuzz run "$t" "$seeds" -- \
        -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 \
        "${dict[@]}" "${par[@]}" -print_final_stats=1 \
        2>&1 | tee "$here/logs/$t.log" |
        grep -E '^#[0-9]+.*(INITED|DONE)|^stat::|panicked|ERROR|SUMMARY|Test unit written'
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -ne 0 ]; then
        echo "!! $t failed (exit $rc): see fuzz/logs/$t.log and fuzz/artifacts/$t/"
        status=1
    fi
done
exit $status
