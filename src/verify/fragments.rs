//! Single-entry single-exit decomposition of a process scope by graph reduction.
//!
//! The flow graph is reduced with local rules, each of which replaces a single-entry
//! single-exit part by one edge or node and records it as a [`Fragment`]:
//! *sequence* (a node with one input and one output), *bond* (a split whose outputs all
//! reach one join that has no other inputs), *loop* (an exclusive node looping back to
//! itself), plus merging of parallel edges between exclusive or parallel gateways and of
//! alternative end events. Every rule removes a node or an edge, so the reduction takes
//! linear time in the number of flow elements (times the gateway degree). What cannot be
//! reduced is one *rigid* fragment.
//!
//! The fragments form a tree: the structure of the process the simulator and renderer
//! can reuse. For soundness, a bond is decided by its gateway pair without any search:
//! XOR/XOR, AND/AND, OR/OR, XOR/OR and AND/OR bonds are sound, XOR/AND and OR/AND bonds
//! deadlock at the join, AND/XOR and OR/XOR bonds lack synchronisation at the join.

use rustc_hash::FxHashMap;

use serde::Serialize;

use super::explore::Problem;
use super::net::{GatewayType, gateway_type, is_conditional, triggers};
use crate::model::{ElementId, Kind, Model};

/// The kind of a fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FragmentKind {
    /// One sequence flow.
    Flow,
    /// Fragments one after the other, through nodes with one input and one output.
    Sequence,
    /// A split whose branches all meet at one join.
    Bond {
        /// Behaviour of the split.
        split: GatewayType,
        /// Behaviour of the join.
        join: GatewayType,
    },
    /// A body that an exclusive node can repeat.
    Loop,
    /// What the reduction could not decompose further (or the whole scope's root).
    Rigid,
}

/// One single-entry single-exit fragment.
#[derive(Debug, Clone, Serialize)]
pub struct Fragment {
    /// What it is.
    #[serde(flatten)]
    pub kind: FragmentKind,
    /// The flow node where it is entered (the split of a bond), when there is one.
    pub entry: Option<ElementId>,
    /// The flow node where it is left (the join of a bond), when there is one.
    pub exit: Option<ElementId>,
    /// Child fragments (indices into [`FragmentTree::fragments`]).
    pub children: Vec<usize>,
    /// Flow nodes and flows that belong to this fragment and to none of its children.
    pub elements: Vec<ElementId>,
}

/// The fragment tree of one process or sub-process.
#[derive(Debug, Clone, Serialize)]
pub struct FragmentTree {
    /// The process or sub-process.
    pub scope: ElementId,
    /// All fragments; the root is the last one.
    pub fragments: Vec<Fragment>,
    /// Whether the whole scope reduced to its start and end: then the tree has no rigid
    /// fragment and the verdict of its `problems` is exact.
    pub structured: bool,
    /// Whether the scope only uses elements the structural check understands (one start
    /// event, plain activities and events, XOR/AND/OR gateways, no boundary events).
    pub eligible: bool,
    /// Mismatched bonds and end events reached by two tokens, found while reducing.
    #[serde(skip)]
    pub(crate) problems: Vec<(Problem, ElementId, ElementId)>,
}

impl FragmentTree {
    /// The root fragment.
    #[must_use]
    pub fn root(&self) -> Option<&Fragment> {
        self.fragments.last()
    }
}

#[derive(Debug, Clone)]
struct Node {
    join: GatewayType,
    split: GatewayType,
    /// The element that performs the join / the split (after merges they differ).
    join_el: ElementId,
    split_el: ElementId,
    start: bool,
    end: bool,
    /// An end event that must not be reached twice (see `net::completion_matters`).
    end_event: bool,
    alive: bool,
    ins: Vec<u32>,
    outs: Vec<u32>,
    frags: Vec<usize>,
    elements: Vec<ElementId>,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    src: u32,
    dst: u32,
    alive: bool,
    frag: usize,
}

struct Reducer {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    frags: Vec<Fragment>,
    problems: Vec<(Problem, ElementId, ElementId)>,
    work: Vec<u32>,
}

/// Decomposes one process or sub-process scope into its fragment tree.
#[must_use]
pub fn decompose(model: &Model, scope: ElementId) -> FragmentTree {
    let mut eligible = true;
    // Sized up front: a scope's children bound its nodes and flows, and every reduction
    // step adds at most one fragment per node or flow.
    let size = model.el(scope).children.len();
    let mut r = Reducer {
        nodes: Vec::with_capacity(size),
        edges: Vec::with_capacity(size),
        frags: Vec::with_capacity(2 * size + 1),
        problems: Vec::new(),
        work: Vec::with_capacity(size),
    };
    let mut index: FxHashMap<ElementId, u32> =
        FxHashMap::with_capacity_and_hasher(size, rustc_hash::FxBuildHasher);
    let mut starts = 0;
    for (id, e) in model.flow_nodes(scope) {
        if e.kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false) {
            continue; // not part of the scope's flow
        }
        let defs = triggers(model, id);
        let simple = match &e.kind {
            Kind::StartEvent => {
                starts += 1;
                e.links.message_in.is_empty()
            }
            Kind::EndEvent => !defs.contains(&Kind::TerminateEventDefinition),
            Kind::IntermediateCatchEvent | Kind::IntermediateThrowEvent => {
                !defs.contains(&Kind::LinkEventDefinition) && e.links.message_in.is_empty()
            }
            Kind::BoundaryEvent | Kind::EventBasedGateway => false,
            k if k.is_activity() => {
                e.links.boundary_events.is_empty()
                    && !e.bool_attr("isForCompensation").unwrap_or(false)
                    && e.links.message_in.is_empty()
                    && !e
                        .links
                        .outgoing
                        .iter()
                        .any(|&f| is_conditional(model, f) || e.links.default_flow == Some(f))
            }
            k => gateway_type(k).is_some(),
        };
        eligible &= simple;
        let gw = gateway_type(&e.kind);
        // An inclusive split into one conditional flow and its default takes exactly one.
        let split = match gw {
            Some(GatewayType::Or)
                if e.links.outgoing.len() == 2 && e.links.default_flow.is_some() =>
            {
                GatewayType::Xor
            }
            g => g.unwrap_or(GatewayType::And),
        };
        let end = e.kind == Kind::EndEvent || e.links.outgoing.is_empty();
        if e.links.incoming.is_empty() && e.kind != Kind::StartEvent {
            eligible = false;
        }
        if end && e.kind.is_gateway() && e.links.incoming.len() > 1 && gw != Some(GatewayType::Xor)
        {
            eligible = false;
        }
        let i = u32::try_from(r.nodes.len()).unwrap_or(u32::MAX);
        index.insert(id, i);
        r.nodes.push(Node {
            join: gw.unwrap_or(GatewayType::Xor),
            split,
            join_el: id,
            split_el: id,
            start: e.kind == Kind::StartEvent,
            end,
            end_event: super::net::completion_matters(model, id),
            alive: true,
            ins: Vec::new(),
            outs: Vec::new(),
            frags: Vec::new(),
            elements: vec![id],
        });
    }
    if starts != 1 {
        eligible = false;
    }
    for (flow, e) in model.sequence_flows(scope) {
        let (Some(s), Some(t)) = (e.links.source, e.links.target) else {
            eligible = false;
            continue;
        };
        let (Some(&a), Some(&b)) = (index.get(&s), index.get(&t)) else {
            eligible = false;
            continue;
        };
        let frag = r.frag(FragmentKind::Flow, None, None, Vec::new(), vec![flow]);
        let ei = u32::try_from(r.edges.len()).unwrap_or(u32::MAX);
        r.edges.push(Edge {
            src: a,
            dst: b,
            alive: true,
            frag,
        });
        r.nodes[a as usize].outs.push(ei);
        r.nodes[b as usize].ins.push(ei);
    }
    r.work = (0..u32::try_from(r.nodes.len()).unwrap_or(0))
        .rev()
        .collect();
    while let Some(n) = r.work.pop() {
        r.reduce(n);
    }
    let live: Vec<u32> = (0..r.nodes.len())
        .filter(|&i| r.nodes[i].alive)
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    let structured = live
        .iter()
        .all(|&i| r.nodes[i as usize].start || r.nodes[i as usize].end)
        && live.iter().filter(|&&i| r.nodes[i as usize].start).count() == 1
        && r.edges
            .iter()
            .filter(|e| e.alive)
            .all(|e| r.nodes[e.src as usize].start && r.nodes[e.dst as usize].end);
    // The root: what is left, as a sequence when structured and a rigid otherwise.
    let mut children = Vec::new();
    let mut elements = Vec::new();
    for &i in &live {
        children.extend(r.nodes[i as usize].frags.iter().copied());
        elements.extend(r.nodes[i as usize].elements.iter().copied());
    }
    children.extend(r.edges.iter().filter(|e| e.alive).map(|e| e.frag));
    let kind = if structured {
        FragmentKind::Sequence
    } else {
        FragmentKind::Rigid
    };
    let root = r.frag(kind, None, None, children, elements);
    FragmentTree {
        scope,
        fragments: compact(r.frags, root),
        structured,
        eligible,
        problems: r.problems,
    }
}

impl Reducer {
    fn frag(
        &mut self,
        kind: FragmentKind,
        entry: Option<ElementId>,
        exit: Option<ElementId>,
        children: Vec<usize>,
        elements: Vec<ElementId>,
    ) -> usize {
        self.frags.push(Fragment {
            kind,
            entry,
            exit,
            children,
            elements,
        });
        self.frags.len() - 1
    }

    fn kill_edge(&mut self, e: u32) {
        let Edge { src, dst, .. } = self.edges[e as usize];
        self.edges[e as usize].alive = false;
        self.nodes[src as usize].outs.retain(|&x| x != e);
        self.nodes[dst as usize].ins.retain(|&x| x != e);
    }

    fn touch(&mut self, n: u32) {
        self.work.push(n);
    }

    /// Applies the first rule that fits node `n` (as the middle of a sequence, or as the
    /// source of parallel edges / a bond), and queues the nodes it changed.
    fn reduce(&mut self, n: u32) {
        let ni = n as usize;
        if !self.nodes[ni].alive {
            return;
        }
        // Loop: an exclusive node with an edge to itself.
        let selfs: Vec<u32> = self.nodes[ni]
            .outs
            .iter()
            .copied()
            .filter(|&e| self.edges[e as usize].dst == n)
            .collect();
        if !selfs.is_empty()
            && self.nodes[ni].join == GatewayType::Xor
            && self.nodes[ni].split == GatewayType::Xor
            && self.nodes[ni].ins.len() > selfs.len()
            && self.nodes[ni].outs.len() > selfs.len()
        {
            for e in selfs {
                let child = self.edges[e as usize].frag;
                let el = self.nodes[ni].split_el;
                let f = self.frag(
                    FragmentKind::Loop,
                    Some(el),
                    Some(el),
                    vec![child],
                    Vec::new(),
                );
                self.nodes[ni].frags.push(f);
                self.kill_edge(e);
            }
            self.touch(n);
            return;
        }
        // Sequence: one input, one output.
        let node = &self.nodes[ni];
        if !node.start && !node.end && node.ins.len() == 1 && node.outs.len() == 1 {
            let (e1, e2) = (node.ins[0], node.outs[0]);
            if e1 != e2 {
                let mut children = vec![self.edges[e1 as usize].frag];
                children.extend(self.nodes[ni].frags.iter().copied());
                children.push(self.edges[e2 as usize].frag);
                let elements = std::mem::take(&mut self.nodes[ni].elements);
                let f = self.seq(children, elements);
                let dst = self.edges[e2 as usize].dst;
                let src = self.edges[e1 as usize].src;
                self.edges[e2 as usize].alive = false;
                self.nodes[dst as usize]
                    .ins
                    .iter_mut()
                    .filter(|x| **x == e2)
                    .for_each(|x| *x = e1);
                self.edges[e1 as usize].dst = dst;
                self.edges[e1 as usize].frag = f;
                self.nodes[ni].alive = false;
                self.nodes[ni].ins.clear();
                self.nodes[ni].outs.clear();
                self.touch(src);
                self.touch(dst);
                return;
            }
        }
        // Outgoing edges grouped by target.
        // (in order of first appearance; an index keeps wide splits linear per visit)
        let outs = &self.nodes[ni].outs;
        let mut by_dst: Vec<(u32, Vec<u32>)> = Vec::new();
        let mut slot: FxHashMap<u32, usize> = FxHashMap::default();
        for &e in outs {
            let d = self.edges[e as usize].dst;
            let found = if outs.len() <= 16 {
                by_dst.iter().position(|(x, _)| *x == d)
            } else {
                slot.get(&d).copied()
            };
            match found {
                Some(i) => by_dst[i].1.push(e),
                None => {
                    if outs.len() > 16 {
                        slot.insert(d, by_dst.len());
                    }
                    by_dst.push((d, vec![e]));
                }
            }
        }
        // Alternative end events: several ends with one input each, from this node.
        let ends: Vec<u32> = by_dst
            .iter()
            .filter(|(d, v)| {
                let dn = &self.nodes[*d as usize];
                dn.end && v.len() == 1 && dn.ins.len() == 1 && *d != n
            })
            .map(|(d, _)| *d)
            .collect();
        if ends.len() >= 2 {
            let keep = ends[0];
            for &d in &ends[1..] {
                let e = self.nodes[d as usize].ins[0];
                let child = self.edges[e as usize].frag;
                let mut children = vec![child];
                children.extend(std::mem::take(&mut self.nodes[d as usize].frags));
                let elements = std::mem::take(&mut self.nodes[d as usize].elements);
                let f = self.seq(children, elements);
                self.nodes[keep as usize].frags.push(f);
                self.kill_edge(e);
                self.nodes[d as usize].alive = false;
            }
            self.touch(n);
            self.touch(keep);
            return;
        }
        for (d, es) in &by_dst {
            let d = *d;
            if d == n {
                continue;
            }
            let (split, dn) = (self.nodes[ni].split, &self.nodes[d as usize]);
            // Parallel edges into an end: one token each; an end event that throws a result,
            // reached by two concurrent tokens, completes improperly.
            if dn.end && es.len() >= 2 {
                if dn.end_event && split != GatewayType::Xor {
                    let (s, j) = (self.nodes[ni].split_el, dn.join_el);
                    self.problems.push((Problem::ImproperCompletion, j, s));
                }
                self.merge_parallel(es);
                self.touch(n);
                self.touch(d);
                return;
            }
            let all_out = es.len() == self.nodes[ni].outs.len();
            let all_in = es.len() == dn.ins.len();
            if !dn.end && all_out && all_in && !self.nodes[ni].end {
                self.bond(n, d, es.clone());
                return;
            }
            if es.len() >= 2
                && split == dn.join
                && matches!(split, GatewayType::Xor | GatewayType::And)
            {
                self.merge_parallel(es);
                self.touch(n);
                self.touch(d);
                return;
            }
        }
    }

    fn seq(&mut self, children: Vec<usize>, elements: Vec<ElementId>) -> usize {
        // Extend a sequence in place when the first child is one (chains then cost linear
        // time); small nested sequences are flattened into it.
        let base = children
            .first()
            .copied()
            .filter(|&c| self.frags[c].kind == FragmentKind::Sequence);
        let (target, rest) = match base {
            Some(b) => (b, &children[1..]),
            None => {
                let f = self.frag(FragmentKind::Sequence, None, None, Vec::new(), Vec::new());
                (f, &children[..])
            }
        };
        for &c in rest {
            if self.frags[c].kind == FragmentKind::Sequence && self.frags[c].children.len() <= 8 {
                let (ch, els) = (
                    std::mem::take(&mut self.frags[c].children),
                    std::mem::take(&mut self.frags[c].elements),
                );
                self.frags[target].children.extend(ch);
                self.frags[target].elements.extend(els);
            } else {
                self.frags[target].children.push(c);
            }
        }
        self.frags[target].elements.extend(elements);
        target
    }

    /// Keeps the first of parallel edges and folds the others into it.
    fn merge_parallel(&mut self, es: &[u32]) {
        let keep = es[0];
        let (s, d) = {
            let e = self.edges[keep as usize];
            (e.src, e.dst)
        };
        let mut children = vec![self.edges[keep as usize].frag];
        for &e in &es[1..] {
            children.push(self.edges[e as usize].frag);
            self.kill_edge(e);
        }
        let (split, join) = (self.nodes[s as usize].split, self.nodes[d as usize].join);
        let entry = Some(self.nodes[s as usize].split_el);
        let exit = Some(self.nodes[d as usize].join_el);
        let f = self.frag(
            FragmentKind::Bond { split, join },
            entry,
            exit,
            children,
            Vec::new(),
        );
        self.edges[keep as usize].frag = f;
    }

    /// Node `a`'s outputs are exactly node `b`'s inputs: decide the bond by its gateway
    /// types and merge `b` into `a`.
    fn bond(&mut self, a: u32, b: u32, es: Vec<u32>) {
        let (ai, bi) = (a as usize, b as usize);
        let (split, join) = (self.nodes[ai].split, self.nodes[bi].join);
        let (split_el, join_el) = (self.nodes[ai].split_el, self.nodes[bi].join_el);
        if es.len() >= 2 {
            match (split, join) {
                (GatewayType::Xor | GatewayType::Or, GatewayType::And) => {
                    self.problems.push((Problem::Deadlock, join_el, split_el));
                }
                (GatewayType::And | GatewayType::Or, GatewayType::Xor) => {
                    self.problems.push((Problem::LackOfSync, join_el, split_el));
                }
                _ => {}
            }
        }
        let children: Vec<usize> = es.iter().map(|&e| self.edges[e as usize].frag).collect();
        let kind = if es.len() >= 2 {
            FragmentKind::Bond { split, join }
        } else {
            FragmentKind::Sequence
        };
        let f = self.frag(kind, Some(split_el), Some(join_el), children, Vec::new());
        for &e in &es {
            self.edges[e as usize].alive = false;
        }
        let outs = std::mem::take(&mut self.nodes[bi].outs);
        for &e in &outs {
            self.edges[e as usize].src = a;
        }
        let b_frags = std::mem::take(&mut self.nodes[bi].frags);
        let b_elements = std::mem::take(&mut self.nodes[bi].elements);
        let (b_split, b_split_el) = (self.nodes[bi].split, self.nodes[bi].split_el);
        let node = &mut self.nodes[ai];
        node.outs = outs;
        node.split = b_split;
        node.split_el = b_split_el;
        node.frags.push(f);
        node.frags.extend(b_frags);
        node.elements.extend(b_elements);
        self.nodes[bi].alive = false;
        self.nodes[bi].ins.clear();
        let targets: Vec<u32> = self.nodes[ai]
            .outs
            .iter()
            .map(|&e| self.edges[e as usize].dst)
            .collect();
        self.touch(a);
        for t in targets {
            self.touch(t);
        }
        let sources: Vec<u32> = self.nodes[ai]
            .ins
            .iter()
            .map(|&e| self.edges[e as usize].src)
            .collect();
        for s in sources {
            self.touch(s);
        }
    }
}

/// Keeps the fragments reachable from the root (merging leaves emptied ones behind),
/// children before parents, the root last.
fn compact(mut frags: Vec<Fragment>, root: usize) -> Vec<Fragment> {
    let mut order = Vec::new();
    let mut stack = vec![(root, false)];
    while let Some((f, done)) = stack.pop() {
        if done {
            order.push(f);
        } else {
            stack.push((f, true));
            for &c in frags[f].children.iter().rev() {
                stack.push((c, false));
            }
        }
    }
    let mut new_index = vec![usize::MAX; frags.len()];
    for (i, &f) in order.iter().enumerate() {
        new_index[f] = i;
    }
    // Each fragment appears once in `order`: move it out instead of cloning it.
    order
        .iter()
        .map(|&f| {
            let mut fr = Fragment {
                kind: frags[f].kind,
                entry: frags[f].entry,
                exit: frags[f].exit,
                children: std::mem::take(&mut frags[f].children),
                elements: std::mem::take(&mut frags[f].elements),
            };
            for c in &mut fr.children {
                *c = new_index[*c];
            }
            fr
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn model(body: &str) -> Model {
        let xml = format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p">{body}</process></definitions>"#
        );
        crate::parse::parse_str("t.bpmn", &xml, &crate::parse::ParseOptions::default()).unwrap()
    }

    fn flows(pairs: &[(&str, &str)]) -> String {
        pairs
            .iter()
            .enumerate()
            .map(|(i, (a, b))| {
                format!(r#"<sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>"#)
            })
            .collect()
    }

    #[test]
    fn nested_blocks_form_a_tree_of_bonds() {
        let m = model(&format!(
            r#"<startEvent id="s"/><parallelGateway id="ps"/><exclusiveGateway id="xs"/>
            <task id="a"/><task id="b"/><exclusiveGateway id="xj"/><task id="c"/>
            <parallelGateway id="pj"/><endEvent id="e"/>{}"#,
            flows(&[
                ("s", "ps"),
                ("ps", "xs"),
                ("xs", "a"),
                ("xs", "b"),
                ("a", "xj"),
                ("b", "xj"),
                ("ps", "c"),
                ("xj", "pj"),
                ("c", "pj"),
                ("pj", "e"),
            ])
        ));
        let tree = decompose(&m, m.by_id("p").unwrap());
        assert!(tree.eligible && tree.structured);
        assert!(tree.problems.is_empty());
        let bonds: Vec<(FragmentKind, String, String)> = tree
            .fragments
            .iter()
            .filter(|f| matches!(f.kind, FragmentKind::Bond { .. }))
            .map(|f| {
                (
                    f.kind,
                    m.el(f.entry.unwrap()).id_str().to_owned(),
                    m.el(f.exit.unwrap()).id_str().to_owned(),
                )
            })
            .collect();
        let xor = FragmentKind::Bond {
            split: GatewayType::Xor,
            join: GatewayType::Xor,
        };
        let and = FragmentKind::Bond {
            split: GatewayType::And,
            join: GatewayType::And,
        };
        assert!(
            bonds.contains(&(xor, "xs".into(), "xj".into())),
            "{bonds:?}"
        );
        assert!(
            bonds.contains(&(and, "ps".into(), "pj".into())),
            "{bonds:?}"
        );
        // The XOR bond is inside the AND bond: the AND bond's subtree holds it.
        let root = tree.root().unwrap();
        assert_eq!(root.kind, FragmentKind::Sequence);
    }

    #[test]
    fn mismatched_bond_is_decided_at_its_join() {
        let m = model(&format!(
            r#"<startEvent id="s"/><inclusiveGateway id="o"/><task id="a"/><task id="b"/>
            <exclusiveGateway id="x"/><endEvent id="e"/>{}"#,
            flows(&[
                ("s", "o"),
                ("o", "a"),
                ("o", "b"),
                ("a", "x"),
                ("b", "x"),
                ("x", "e")
            ])
        ));
        let tree = decompose(&m, m.by_id("p").unwrap());
        assert!(tree.structured);
        assert_eq!(tree.problems.len(), 1);
        let (problem, join, split) = tree.problems[0];
        assert_eq!(problem, Problem::LackOfSync);
        assert_eq!(m.el(join).id_str(), "x");
        assert_eq!(m.el(split).id_str(), "o");
    }

    #[test]
    fn unstructured_graph_leaves_a_rigid_root() {
        // Two AND splits crossing into each other's joins.
        let m = model(&format!(
            r#"<startEvent id="s"/><parallelGateway id="p1"/><parallelGateway id="p2"/>
            <parallelGateway id="j1"/><parallelGateway id="j2"/><endEvent id="e"/>{}"#,
            flows(&[
                ("s", "p1"),
                ("p1", "p2"),
                ("p1", "j1"),
                ("p2", "j1"),
                ("p2", "j2"),
                ("j1", "j2"),
                ("j2", "e"),
            ])
        ));
        let tree = decompose(&m, m.by_id("p").unwrap());
        assert!(tree.eligible);
        assert!(!tree.structured);
        assert_eq!(tree.root().unwrap().kind, FragmentKind::Rigid);
    }
}
