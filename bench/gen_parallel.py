#!/usr/bin/env python3
"""Generates a parallel-heavy, unstructured BPMN process for the verifier's state-space
search: a parallel split into BRANCHES branches of TASKS tasks each, a parallel join, and
cross links that make it unstructured: after the first task of branch i a parallel split
also sends a token to a parallel join in front of the second task of branch i+1 (branch
i+1 waits for branch i there). Without partial-order reduction the reachable markings
grow as (TASKS+1)^BRANCHES.

Defects: `deadlock` makes the first cross-link split exclusive (one of the two joins it
feeds waits forever); `lack-of-sync` makes the last cross-link join exclusive (its branch
then carries two tokens).

Usage: gen_parallel.py --branches 15 --tasks 4 [--cross N] [--defect D] -o out.bpmn
"""

import argparse


def generate(branches, tasks, cross, defect):
    nodes = ['<startEvent id="start" name="Start"/>', '<parallelGateway id="split"/>',
             '<parallelGateway id="join"/>', '<endEvent id="end" name="End"/>']
    flows = [("start", "split"), ("join", "end")]
    cross = min(cross, branches - 1) if tasks >= 2 else 0
    for b in range(branches):
        for k in range(tasks):
            nodes.append(f'<task id="t{b}_{k}" name="Task {b}.{k}"/>')
    for i in range(cross):
        kind = "exclusiveGateway" if defect == "deadlock" and i == 0 else "parallelGateway"
        nodes.append(f'<{kind} id="x{i}"/>')
        kind = "exclusiveGateway" if defect == "lack-of-sync" and i == cross - 1 else "parallelGateway"
        nodes.append(f'<{kind} id="y{i + 1}"/>')
    for b in range(branches):
        flows.append(("split", f"t{b}_0"))
        for k in range(1, tasks):
            src, dst = f"t{b}_{k - 1}", f"t{b}_{k}"
            if k == 1 and b < cross:
                flows.append((src, f"x{b}"))
                src = f"x{b}"
            if k == 1 and 0 < b <= cross:
                flows.append((src, f"y{b}"))
                flows.append((f"x{b - 1}", f"y{b}"))
                src = f"y{b}"
            flows.append((src, dst))
        flows.append((f"t{b}_{tasks - 1}", "join"))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" '
           'targetNamespace="http://bpmnkit.test/parallel">',
           '  <process id="p" isExecutable="false">']
    out += [f"    {n}" for n in nodes]
    out += [f'    <sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
            for i, (a, b) in enumerate(flows)]
    out += ["  </process>", "</definitions>", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=15)
    ap.add_argument("--tasks", type=int, default=4)
    ap.add_argument("--cross", type=int, default=3)
    ap.add_argument("--defect", choices=["none", "deadlock", "lack-of-sync"], default="none")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(generate(a.branches, a.tasks, a.cross, a.defect))


if __name__ == "__main__":
    main()
