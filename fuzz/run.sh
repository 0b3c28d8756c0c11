#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a given time each, seeded with the
# shared corpus. Crashes land in fuzz/artifacts/<target>/; turn each into a regression
# test (tests/fuzz_regressions.rs) before fixing it.
#
#   fuzz/run.sh 600            # every target, 10 minutes each
#   fuzz/run.sh 60 parse       # one target, 1 minute
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
seconds=${1:-60}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
corpus_src=${BPMNKIT_CORPUS:-$here/../../shared/corpus}
cd "$here"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
jobs=${FUZZ_JOBS:-1}
for t in "${targets[@]}"; do
    seeds="$here/corpus/$t"
    mkdir -p "$seeds"
    # Seed with every model of the shared corpus (copied: libFuzzer adds to the folder).
    if [ -d "$corpus_src" ] && [ -z "$(ls -A "$seeds")" ]; then
        find "$corpus_src" -name '*.bpmn' -size -256k -exec cp {} "$seeds/" \;
        cp "$here"/../tests/hostile/*.bpmn "$seeds/" 2>/dev/null || true
    fi
    echo "== fuzzing $t for ${seconds}s"
    cargo +nightly fuzz run "$t" "$seeds" -- \
        -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 \
        -dict="$here/bpmn.dict" -jobs="$jobs" -workers="$jobs" -print_final_stats=1
done
