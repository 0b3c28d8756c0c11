#!/usr/bin/env python3
"""Generates an unstructured, acyclic BPMN process for the verifier's symbolic execution:
a parallel split into WIDTH branches, each a chain of DEPTH motifs, and a parallel join.
No motif is a single-entry single-exit block of one split and one join, so the fragment
decomposition leaves the process rigid. The two motifs alternate:

- mixed: a parallel split; one branch chooses (exclusive), one choice forks again; an
  inclusive join merges both choices, a parallel join meets the other branch, and an
  inclusive join takes the extra branch of the inner fork (11 nodes);
- or-cross: an inclusive split whose two branches split inclusively again and cross into
  two inclusive joins, merged by a third (14 nodes).

Defects (in the middle motif of the first branch, a mixed one): `deadlock` makes its last
join parallel (the extra branch runs only for one choice), `lack-of-sync` makes it
exclusive (both branches pass it).

Usage: gen_acyclic.py --width 10 --depth 8 [--defect D] -o out.bpmn
"""

import argparse


def generate(width, depth, defect):
    nodes = ['<startEvent id="start" name="Start"/>', '<parallelGateway id="split"/>',
             '<parallelGateway id="join"/>', '<endEvent id="end" name="End"/>']
    flows = [("start", "split"), ("join", "end")]

    def node(kind, nid):
        tag = {"t": "task", "x": "exclusiveGateway", "p": "parallelGateway",
               "o": "inclusiveGateway"}[kind]
        name = f' name="Task {nid}"' if kind == "t" else ""
        nodes.append(f'<{tag} id="{nid}"{name}/>')
        return nid

    def mixed(p, entry, last):
        fork, u, v = node("p", p + "fork"), node("t", p + "u"), node("t", p + "v")
        choice, a, b = node("x", p + "choice"), node("t", p + "a"), node("t", p + "b")
        merge, fork2, w = node("o", p + "merge"), node("p", p + "fork2"), node("t", p + "w")
        meet = node("p", p + "meet")
        kind = {"deadlock": "p", "lack-of-sync": "x"}.get(defect, "o") if last else "o"
        out = node(kind, p + "out")
        flows.extend([(entry, fork), (fork, u), (fork, v), (u, choice), (choice, a),
                      (choice, b), (a, merge), (b, fork2), (fork2, merge), (fork2, w),
                      (merge, meet), (v, meet), (meet, out), (w, out)])
        return out

    def or_cross(p, entry):
        o1, a, b = node("o", p + "o1"), node("t", p + "a"), node("t", p + "b")
        o2, o3 = node("o", p + "o2"), node("o", p + "o3")
        c, d, e, f = (node("t", p + x) for x in "cdef")
        j1, j2, g, h, j3 = (node("o", p + "j1"), node("o", p + "j2"), node("t", p + "g"),
                            node("t", p + "h"), node("o", p + "j3"))
        flows.extend([(entry, o1), (o1, a), (o1, b), (a, o2), (b, o3), (o2, c), (o2, d),
                      (o3, e), (o3, f), (c, j1), (e, j1), (d, j2), (f, j2), (j1, g),
                      (j2, h), (g, j3), (h, j3)])
        return j3

    for br in range(width):
        cur = "split"
        for k in range(depth):
            p = f"b{br}_{k}_"
            if k % 2 == 0:
                cur = mixed(p, cur, defect != "none" and br == 0 and k == (depth // 2) // 2 * 2)
            else:
                cur = or_cross(p, cur)
        flows.append((cur, "join"))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" '
           'targetNamespace="http://bpmnkit.test/acyclic">',
           '  <process id="p" isExecutable="false">']
    out += [f"    {n}" for n in nodes]
    out += [f'    <sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
            for i, (a, b) in enumerate(flows)]
    out += ["  </process>", "</definitions>", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=10)
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--defect", choices=["none", "deadlock", "lack-of-sync"], default="none")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(generate(a.width, a.depth, a.defect))


if __name__ == "__main__":
    main()
