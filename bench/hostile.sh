#!/usr/bin/env bash
# Time and peak memory of `bpmnkit inspect` on generated hostile files (bounds are
# measured here, not asserted in tests). Usage: bench/hostile.sh [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d)}
cd "$here"
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-$here/target}/$(rustc --print host-tuple)/release/bpmnkit
BPMNKIT_HOSTILE_OUT="$out" cargo test --release --quiet --test main \
    hostile::write_generated_files -- --ignored > /dev/null
cp tests/hostile/*.bpmn "$out/"
printf '%-36s %10s %6s %9s %10s\n' file bytes exit seconds max_rss_kb
for f in "$out"/*.bpmn; do
    for args in "" "--max-depth 1000000 --max-attributes 100000 --max-attribute-length 100000000"; do
        case "$(basename "$f")" in
            deep-nesting*|many-attributes*|long-attribute*) ;;
            *) [ -n "$args" ] && continue ;;
        esac
        # Wall time and peak RSS of the child, measured by Python's resource module (no
        # dependency on GNU time).
        read -r rc secs rss < <(python3 - "$bin" $args "$f" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.run([sys.argv[1], "inspect", "--format", "json", *sys.argv[2:]],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(rc, f"{time.monotonic() - t:.2f}", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
)
        name=$(basename "$f")${args:+ (raised)}
        printf '%-36s %10s %6s %9s %10s\n' "$name" "$(stat -c %s "$f")" "$rc" "$secs" "$rss"
    done
done
