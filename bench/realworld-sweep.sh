#!/usr/bin/env bash
# Runs every command of bpmnkit on real-world BPMN files and prints one line per file per
# command: exit code, wall time and what looks wrong (a panic, a time-out, exit 2 on a
# file that parses, output that is not well-formed, a layout that does not re-parse or
# loses elements, anything slower than 0.5 s).
#
# Usage: bench/realworld-sweep.sh [DIR_OR_FILE...]   (default: tests/fixtures/realworld)
# Env:   BPMNKIT=path/to/bpmnkit (default: a release build of this tree)
#        SWEEP_OUT=dir for the SVG/HTML/BPMN outputs (default: a temporary directory)
#        SWEEP_ONLY_BAD=1 prints only the lines with a flag
# Exit: 0 when no line has a flag, 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
if [ -z "${BPMNKIT:-}" ]; then
    cargo build --release --quiet
    BPMNKIT=${CARGO_TARGET_DIR:-$here/target}/$(rustc --print host-tuple)/release/bpmnkit
fi
out=${SWEEP_OUT:-$(mktemp -d)}
[ $# -eq 0 ] && set -- tests/fixtures/realworld
exec python3 - "$BPMNKIT" "$out" "$@" <<'PY'
import json, os, re, subprocess, sys, time
import xml.etree.ElementTree as ET

bin_, out, *roots = sys.argv[1:]
only_bad = os.environ.get("SWEEP_ONLY_BAD") == "1"
SLOW = 0.5
TIMEOUT = 5.0
EXTS = (".bpmn", ".bpmn2", ".bpmn20.xml", ".xml", ".txt", ".png")

files = []
for r in roots:
    if os.path.isfile(r):
        files.append(r)
        continue
    for d, _, names in os.walk(r):
        files += [os.path.join(d, n) for n in names if n.endswith(EXTS)]
files.sort()


def run(args):
    t = time.monotonic()
    try:
        p = subprocess.run([bin_, *args], capture_output=True, timeout=TIMEOUT)
        return p.returncode, time.monotonic() - t, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, time.monotonic() - t, b"", b""


def well_formed(path):
    try:
        ET.parse(path)
        return True
    except Exception:
        return False


bad_lines = 0
for f in files:
    rel = os.path.relpath(f)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", rel)
    code, _, inspect_out, _ = run(["inspect", "--format", "json", f])
    parses = code in (0, 1)
    def semantic(raw):
        """Element counts of the file but its diagram interchange (which layout rewrites)."""
        try:
            docs = json.loads(raw)
        except ValueError:
            return None
        doc = docs[0] if isinstance(docs, list) and docs else {}
        return {k: v for k, v in doc.get("counts", {}).items() if not k.startswith("BPMN")}

    counts = semantic(inspect_out) if parses else None
    svg = os.path.join(out, slug + ".svg")
    html = os.path.join(out, slug + ".html")
    laid = os.path.join(out, slug + ".laid.bpmn")
    commands = [
        ("inspect", ["inspect", f]),
        ("inspect-json", ["inspect", "--format", "json", f]),
        ("check", ["check", f]),
        ("check-json", ["check", "--format", "json", f]),
        ("lint", ["lint", f]),
        ("lint-json", ["lint", "--format", "json", f]),
        ("verify", ["verify", f]),
        ("verify-json", ["verify", "--format", "json", f]),
        ("simulate", ["simulate", "--cases", "200", f]),
        ("simulate-json", ["simulate", "--cases", "200", "--format", "json", f]),
        ("render", ["render", "--all", "-o", svg, f]),
        ("layout", ["layout", "-o", laid, f]),
        ("report", ["report", "--cases", "200", "-o", html, f]),
    ]
    for name, args in commands:
        for p in (svg, laid, html):
            if name in ("render", "layout", "report") and os.path.exists(p):
                os.remove(p)
        rc, secs, stdout, stderr = run(args)
        flags = []
        err = stderr.decode("utf-8", "replace")
        if "panicked" in err or rc == 101:
            flags.append("PANIC")
        if rc == 124:
            flags.append("TIMEOUT")
        elif rc not in (0, 1, 2):
            flags.append(f"EXIT{rc}")
        if rc == 2 and parses and not (name.startswith("simulate") and "no-process" in err + stdout.decode("utf-8", "replace")):
            flags.append("EXIT2-ON-PARSED")
        if rc == 2 and not err.strip() and not stdout.strip():
            flags.append("SILENT-ERROR")
        if secs > SLOW:
            flags.append("SLOW")
        if name.endswith("-json") and rc in (0, 1) and stdout.strip():
            try:
                json.loads(stdout)
            except ValueError:
                # several files or lines: accept JSON lines
                try:
                    [json.loads(l) for l in stdout.splitlines() if l.strip()]
                except ValueError:
                    flags.append("BAD-JSON")
        if name == "render" and rc in (0, 1):
            base = svg[: -len(".svg")]
            made = [os.path.join(out, n) for n in os.listdir(out)
                    if os.path.join(out, n).startswith(base) and n.endswith(".svg")]
            if not made:
                flags.append("NO-SVG")
            drawn = 0
            for s in made:
                if not well_formed(s):
                    flags.append("BAD-SVG")
                with open(s, encoding="utf-8", errors="replace") as fh:
                    drawn += fh.read().count("data-element-id=")
            # every element with a DI shape or edge is drawn (under its data-element-id)
            try:
                di = json.loads(inspect_out)[0].get("di", {})
            except (ValueError, IndexError, AttributeError):
                di = {}
            want = di.get("with_shape", 0) + di.get("with_edge", 0)
            if made and drawn < want:
                flags.append(f"SVG-MISSES-ELEMENTS({drawn}<{want})")
        if name == "layout" and rc in (0, 1):
            if not os.path.exists(laid):
                flags.append("NO-OUTPUT")
            else:
                rc2, _, again, _ = run(["inspect", "--format", "json", laid])
                if rc2 not in (0, 1):
                    flags.append("LAYOUT-NO-REPARSE")
                else:
                    after = semantic(again)
                    if after != counts:
                        lost = {k: (v, (after or {}).get(k)) for k, v in (counts or {}).items()
                                if (after or {}).get(k) != v}
                        flags.append(f"LAYOUT-CHANGED-ELEMENTS{lost}".replace(" ", ""))
        if name == "report" and rc in (0, 1) and not os.path.exists(html):
            flags.append("NO-OUTPUT")
        first = (err.strip().splitlines() or [""])[0][:100] if rc == 2 else ""
        if flags:
            bad_lines += 1
        if flags or not only_bad:
            print(f"{rel}\t{name}\texit={rc}\t{secs:.3f}s\t{' '.join(flags) or 'ok'}\t{first}")
sys.stdout.flush()
print(f"# {len(files)} files, {bad_lines} flagged lines", file=sys.stderr)
sys.exit(1 if bad_lines else 0)
PY
