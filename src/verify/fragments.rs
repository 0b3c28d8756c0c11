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
//!
//! While reducing, adjacency, the children of fragments and the elements of fragments are
//! lists linked through index arrays, so a reduction step allocates nothing; the
//! [`FragmentTree`] with its vectors is only built by [`decompose`] (verification only
//! counts the fragments).

use serde::Serialize;

use super::explore::Problem;
use super::net::{GatewayType, completion_matters, gateway_type, has_trigger, is_conditional};
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
    /// fragment, and the gateway types of its bonds decide soundness exactly.
    pub structured: bool,
    /// Whether the scope only uses elements the structural check understands (one start
    /// event, plain activities and events, XOR/AND/OR gateways, no boundary events).
    pub eligible: bool,
}

impl FragmentTree {
    /// The root fragment.
    #[must_use]
    pub fn root(&self) -> Option<&Fragment> {
        self.fragments.last()
    }
}

/// The end of a list.
const NIL: u32 = u32::MAX;
/// Index of the outgoing (0) and incoming (1) edge lists of a node.
const OUT: usize = 0;
const IN: usize = 1;

/// An ordered list whose links live beside its items (the reducer's `next` arrays, or the
/// edges' own links for adjacency): building, moving and joining lists while reducing
/// allocates nothing, and joining two lists takes constant time.
#[derive(Debug, Clone, Copy)]
struct List {
    head: u32,
    tail: u32,
    len: u32,
}

impl List {
    const EMPTY: List = List {
        head: NIL,
        tail: NIL,
        len: 0,
    };

    fn push(&mut self, next: &mut [u32], item: u32) {
        next[item as usize] = NIL;
        if self.len == 0 {
            self.head = item;
        } else {
            next[self.tail as usize] = item;
        }
        self.tail = item;
        self.len += 1;
    }

    fn append(&mut self, next: &mut [u32], other: List) {
        if other.len == 0 {
            return;
        }
        if self.len == 0 {
            *self = other;
        } else {
            next[self.tail as usize] = other.head;
            self.tail = other.tail;
            self.len += other.len;
        }
    }

    fn iter(self, next: &[u32]) -> impl Iterator<Item = u32> + '_ {
        let mut cur = self.head;
        (0..self.len).map(move |_| {
            let c = cur;
            cur = next[c as usize];
            c
        })
    }
}

#[derive(Debug, Clone, Copy)]
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
    /// Outgoing and incoming edges, linked through [`Edge::next`] / [`Edge::prev`].
    adj: [List; 2],
    /// Fragments folded into this node (linked through `Reducer::frag_next`).
    frags: List,
    /// Its elements (linked through `Reducer::item_next`).
    elements: List,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    src: u32,
    dst: u32,
    alive: bool,
    frag: u32,
    /// Neighbours in the source's outgoing list and the target's incoming list.
    prev: [u32; 2],
    next: [u32; 2],
}

/// A fragment while reducing: its children and elements are lists; entry and exit are
/// element ids or `NIL` (half the size of options).
#[derive(Debug, Clone, Copy)]
struct Frag {
    kind: FragmentKind,
    entry: u32,
    exit: u32,
    children: List,
    elements: List,
}

/// Buffers reused by every reduction step.
struct Scratch {
    /// The outgoing edges of the node being reduced, per target in order of first
    /// appearance: (target, number of edges).
    groups: Vec<(u32, u32)>,
    /// Per node: (step, index into `groups`); valid when the step is the current one, so
    /// grouping takes linear time without clearing or hashing.
    mark: Vec<(u32, u32)>,
    step: u32,
    edges: Vec<u32>,
    nodes: Vec<u32>,
    frags: Vec<u32>,
}

/// The reduced scope: the fragments as lists, and what the reduction found. Counting the
/// fragments (all a verdict reports) needs no [`FragmentTree`]; [`Reduction::into_tree`]
/// builds one for callers that want the structure.
pub(crate) struct Reduction {
    scope: ElementId,
    frags: Vec<Frag>,
    frag_next: Vec<u32>,
    items: Vec<ElementId>,
    item_next: Vec<u32>,
    root: u32,
    /// Fragments no longer in the tree (see [`Reduction::fragment_count`]).
    orphans: usize,
    /// See [`FragmentTree::structured`].
    pub structured: bool,
    /// See [`FragmentTree::eligible`].
    pub eligible: bool,
    /// Mismatched bonds and end events reached by two tokens, found while reducing:
    /// (problem, join or end event, split).
    pub problems: Vec<(Problem, ElementId, ElementId)>,
}

struct Reducer {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    frags: Vec<Frag>,
    frag_next: Vec<u32>,
    items: Vec<ElementId>,
    item_next: Vec<u32>,
    problems: Vec<(Problem, ElementId, ElementId)>,
    work: Vec<u32>,
    /// Sequences flattened into their parent, left behind empty.
    orphans: usize,
}

/// Decomposes one process or sub-process scope into its fragment tree.
#[must_use]
pub fn decompose(model: &Model, scope: ElementId) -> FragmentTree {
    reduce(model, scope).into_tree()
}

/// Reduces one scope (see the module documentation).
pub(crate) fn reduce(model: &Model, scope: ElementId) -> Reduction {
    let mut eligible = true;
    // Sized up front and no larger (a first run then touches little fresh memory): one
    // fragment per flow, and every reduction step adds at most one while removing a node or
    // a flow. The node index
    // is dense over the ids of the scope's children, an arena range no larger than the
    // scope's subtree.
    let kids = &model.el(scope).children;
    let (mut nodes, mut flows) = (0, 0);
    let (mut lo, mut hi) = (u32::MAX, 0);
    for &c in kids {
        let kind = &model.el(c).kind;
        if kind.is_flow_node() {
            nodes += 1;
        } else if *kind == Kind::SequenceFlow {
            flows += 1;
        }
        lo = lo.min(c.0);
        hi = hi.max(c.0);
    }
    let size = kids.len();
    let mut r = Reducer {
        nodes: Vec::with_capacity(nodes),
        edges: Vec::with_capacity(flows),
        frags: Vec::with_capacity(nodes + 2 * flows + 1),
        frag_next: Vec::with_capacity(nodes + 2 * flows + 1),
        items: Vec::with_capacity(nodes + flows),
        item_next: Vec::with_capacity(nodes + flows),
        problems: Vec::new(),
        work: Vec::with_capacity(nodes),
        orphans: 0,
    };
    let mut index = vec![NIL; if size == 0 { 0 } else { (hi - lo) as usize + 1 }];
    let node_of = |index: &[u32], el: ElementId| {
        el.0.checked_sub(lo)
            .and_then(|k| index.get(k as usize))
            .copied()
            .filter(|&i| i != NIL)
    };
    let mut starts = 0;
    for (id, e) in model.flow_nodes(scope) {
        if e.kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false) {
            continue; // not part of the scope's flow
        }
        let simple = match &e.kind {
            Kind::StartEvent => {
                starts += 1;
                e.links.message_in.is_empty()
            }
            Kind::EndEvent => !has_trigger(model, id, &Kind::TerminateEventDefinition),
            Kind::IntermediateCatchEvent | Kind::IntermediateThrowEvent => {
                !has_trigger(model, id, &Kind::LinkEventDefinition) && e.links.message_in.is_empty()
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
        let i = u32::try_from(r.nodes.len()).unwrap_or(NIL);
        index[(id.0 - lo) as usize] = i;
        let elements = r.new_item(id);
        r.nodes.push(Node {
            join: gw.unwrap_or(GatewayType::Xor),
            split,
            join_el: id,
            split_el: id,
            start: e.kind == Kind::StartEvent,
            end,
            end_event: completion_matters(model, id),
            alive: true,
            adj: [List::EMPTY; 2],
            frags: List::EMPTY,
            elements,
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
        let (Some(a), Some(b)) = (node_of(&index, s), node_of(&index, t)) else {
            eligible = false;
            continue;
        };
        let frag = r.frag(FragmentKind::Flow, None, None);
        r.frags[frag as usize].elements = r.new_item(flow);
        let ei = u32::try_from(r.edges.len()).unwrap_or(NIL);
        r.edges.push(Edge {
            src: a,
            dst: b,
            alive: true,
            frag,
            prev: [NIL; 2],
            next: [NIL; 2],
        });
        r.link(OUT, a, ei);
        r.link(IN, b, ei);
    }
    r.work
        .extend((0..u32::try_from(r.nodes.len()).unwrap_or(0)).rev());
    let mut scratch = Scratch {
        groups: Vec::new(),
        mark: vec![(0, 0); r.nodes.len()],
        step: 0,
        edges: Vec::new(),
        nodes: Vec::new(),
        frags: Vec::new(),
    };
    while let Some(n) = r.work.pop() {
        r.reduce(n, &mut scratch);
    }
    let live = || r.nodes.iter().filter(|n| n.alive);
    let structured = live().all(|n| n.start || n.end)
        && live().filter(|n| n.start).count() == 1
        && r.edges
            .iter()
            .filter(|e| e.alive)
            .all(|e| r.nodes[e.src as usize].start && r.nodes[e.dst as usize].end);
    // The root: what is left, as a sequence when structured and a rigid otherwise.
    let kind = if structured {
        FragmentKind::Sequence
    } else {
        FragmentKind::Rigid
    };
    let root = r.frag(kind, None, None);
    let (mut children, mut elements) = (List::EMPTY, List::EMPTY);
    for n in r.nodes.iter().filter(|n| n.alive) {
        children.append(&mut r.frag_next, n.frags);
        elements.append(&mut r.item_next, n.elements);
    }
    for e in r.edges.iter().filter(|e| e.alive) {
        children.push(&mut r.frag_next, e.frag);
    }
    r.frags[root as usize].children = children;
    r.frags[root as usize].elements = elements;
    Reduction {
        scope,
        frags: r.frags,
        frag_next: r.frag_next,
        items: r.items,
        item_next: r.item_next,
        root,
        orphans: r.orphans,
        structured,
        eligible,
        problems: r.problems,
    }
}

impl Reduction {
    /// The number of fragments of the tree. Every fragment made has one parent until
    /// the root, except the sequences flattened into another one, so the count needs no
    /// walk of the tree.
    pub fn fragment_count(&self) -> usize {
        self.frags.len() - self.orphans
    }

    /// The fragment tree: the fragments the root reaches, children before parents, the
    /// root last.
    pub fn into_tree(self) -> FragmentTree {
        let mut order = Vec::new();
        let mut stack = vec![(self.root, false)];
        let mut kids = Vec::new();
        while let Some((f, done)) = stack.pop() {
            if done {
                order.push(f);
            } else {
                stack.push((f, true));
                kids.clear();
                kids.extend(self.frags[f as usize].children.iter(&self.frag_next));
                stack.extend(kids.iter().rev().map(|&c| (c, false)));
            }
        }
        let mut new_index = vec![usize::MAX; self.frags.len()];
        for (i, &f) in order.iter().enumerate() {
            new_index[f as usize] = i;
        }
        let fragments = order
            .iter()
            .map(|&f| {
                let fr = &self.frags[f as usize];
                Fragment {
                    kind: fr.kind,
                    entry: (fr.entry != NIL).then_some(ElementId(fr.entry)),
                    exit: (fr.exit != NIL).then_some(ElementId(fr.exit)),
                    children: fr
                        .children
                        .iter(&self.frag_next)
                        .map(|c| new_index[c as usize])
                        .collect(),
                    elements: fr
                        .elements
                        .iter(&self.item_next)
                        .map(|i| self.items[i as usize])
                        .collect(),
                }
            })
            .collect();
        FragmentTree {
            scope: self.scope,
            fragments,
            structured: self.structured,
            eligible: self.eligible,
        }
    }
}

impl Reducer {
    fn frag(
        &mut self,
        kind: FragmentKind,
        entry: Option<ElementId>,
        exit: Option<ElementId>,
    ) -> u32 {
        self.frags.push(Frag {
            kind,
            entry: entry.map_or(NIL, |e| e.0),
            exit: exit.map_or(NIL, |e| e.0),
            children: List::EMPTY,
            elements: List::EMPTY,
        });
        self.frag_next.push(NIL);
        u32::try_from(self.frags.len() - 1).unwrap_or(NIL)
    }

    /// A list of one new item.
    fn new_item(&mut self, el: ElementId) -> List {
        let i = u32::try_from(self.items.len()).unwrap_or(NIL);
        self.items.push(el);
        self.item_next.push(NIL);
        List {
            head: i,
            tail: i,
            len: 1,
        }
    }

    fn add_child(&mut self, parent: u32, child: u32) {
        self.frags[parent as usize]
            .children
            .push(&mut self.frag_next, child);
    }

    fn add_node_frag(&mut self, n: u32, f: u32) {
        self.nodes[n as usize].frags.push(&mut self.frag_next, f);
    }

    /// The outgoing (`OUT`) or incoming (`IN`) edges of a node, in order.
    fn adj(&self, dir: usize, n: u32) -> impl Iterator<Item = u32> + '_ {
        let list = self.nodes[n as usize].adj[dir];
        let mut cur = list.head;
        (0..list.len).map(move |_| {
            let c = cur;
            cur = self.edges[c as usize].next[dir];
            c
        })
    }

    /// The edges from `a` to `b`, in order, into `out`.
    fn edges_to(&self, a: u32, b: u32, out: &mut Vec<u32>) {
        out.clear();
        out.extend(
            self.adj(OUT, a)
                .filter(|&e| self.edges[e as usize].dst == b),
        );
    }

    /// The node whose `dir` list holds edge `e`.
    fn end_of(&self, dir: usize, e: u32) -> u32 {
        let edge = &self.edges[e as usize];
        if dir == OUT { edge.src } else { edge.dst }
    }

    fn link(&mut self, dir: usize, n: u32, e: u32) {
        let list = self.nodes[n as usize].adj[dir];
        self.edges[e as usize].prev[dir] = list.tail;
        self.edges[e as usize].next[dir] = NIL;
        if list.len == 0 {
            self.nodes[n as usize].adj[dir].head = e;
        } else {
            self.edges[list.tail as usize].next[dir] = e;
        }
        let list = &mut self.nodes[n as usize].adj[dir];
        list.tail = e;
        list.len += 1;
    }

    fn unlink(&mut self, dir: usize, e: u32) {
        let n = self.end_of(dir, e) as usize;
        let (p, x) = (
            self.edges[e as usize].prev[dir],
            self.edges[e as usize].next[dir],
        );
        if p == NIL {
            self.nodes[n].adj[dir].head = x;
        } else {
            self.edges[p as usize].next[dir] = x;
        }
        if x == NIL {
            self.nodes[n].adj[dir].tail = p;
        } else {
            self.edges[x as usize].prev[dir] = p;
        }
        self.nodes[n].adj[dir].len -= 1;
    }

    /// Edge `new` takes the place of edge `old` in the incoming list of `old`'s target.
    fn replace_in(&mut self, old: u32, new: u32) {
        let d = self.edges[old as usize].dst as usize;
        let (p, x) = (
            self.edges[old as usize].prev[IN],
            self.edges[old as usize].next[IN],
        );
        self.edges[new as usize].prev[IN] = p;
        self.edges[new as usize].next[IN] = x;
        if p == NIL {
            self.nodes[d].adj[IN].head = new;
        } else {
            self.edges[p as usize].next[IN] = new;
        }
        if x == NIL {
            self.nodes[d].adj[IN].tail = new;
        } else {
            self.edges[x as usize].prev[IN] = new;
        }
    }

    fn kill_edge(&mut self, e: u32) {
        self.unlink(OUT, e);
        self.unlink(IN, e);
        self.edges[e as usize].alive = false;
    }

    fn touch(&mut self, n: u32) {
        self.work.push(n);
    }

    /// Applies the first rule that fits node `n` (as the middle of a sequence, or as the
    /// source of parallel edges / a bond), and queues the nodes it changed.
    fn reduce(&mut self, n: u32, s: &mut Scratch) {
        let ni = n as usize;
        let node = &self.nodes[ni];
        if !node.alive {
            return;
        }
        let outs = node.adj[OUT].len;
        // Sequence: one input, one output. Checked before the loop rule below, which cannot
        // apply then: an output back to `n` would be its only input as well.
        if !node.start && !node.end && node.adj[IN].len == 1 && outs == 1 {
            let (e1, e2) = (node.adj[IN].head, node.adj[OUT].head);
            if e1 != e2 {
                self.sequence(n, e1, e2, s);
                return;
            }
        }
        // One output or none (most nodes): a single group of one edge, so no loop, no
        // alternative ends and no parallel edges; only a bond of one edge (a sequence)
        // can apply.
        if outs <= 1 {
            if outs == 1 && !node.end {
                let e = node.adj[OUT].head;
                let d = self.edges[e as usize].dst;
                let dn = &self.nodes[d as usize];
                if d != n && !dn.end && dn.adj[IN].len == 1 {
                    self.bond(n, d, &[e]);
                }
            }
            return;
        }
        // A split whose outputs go to different nodes, none of them itself or an end, each
        // with no other input: no rule below applies (each needs an edge back to the node,
        // an end among the targets, or two edges to one target). Most visits of a split
        // while its branches are being reduced end here.
        if self.adj(OUT, n).all(|e| {
            let d = self.edges[e as usize].dst;
            let dn = &self.nodes[d as usize];
            d != n && !dn.end && dn.adj[IN].len == 1
        }) {
            return;
        }
        // Outgoing edges grouped by target, in order of first appearance.
        s.step = s.step.wrapping_add(1);
        if s.step == 0 {
            s.mark.fill((0, 0));
            s.step = 1;
        }
        s.groups.clear();
        for e in self.adj(OUT, n) {
            let d = self.edges[e as usize].dst;
            let mark = &mut s.mark[d as usize];
            if mark.0 == s.step {
                s.groups[mark.1 as usize].1 += 1;
            } else {
                *mark = (s.step, u32::try_from(s.groups.len()).unwrap_or(NIL));
                s.groups.push((d, 1));
            }
        }
        // Loop: an exclusive node with an edge to itself.
        let mark = s.mark[ni];
        let selfs = if mark.0 == s.step {
            s.groups[mark.1 as usize].1
        } else {
            0
        };
        let node = &self.nodes[ni];
        if selfs > 0
            && node.join == GatewayType::Xor
            && node.split == GatewayType::Xor
            && node.adj[IN].len > selfs
            && node.adj[OUT].len > selfs
        {
            let el = node.split_el;
            s.edges.clear();
            s.edges.extend(
                self.adj(OUT, n)
                    .filter(|&e| self.edges[e as usize].dst == n),
            );
            for &e in &s.edges {
                let child = self.edges[e as usize].frag;
                let f = self.frag(FragmentKind::Loop, Some(el), Some(el));
                self.add_child(f, child);
                self.add_node_frag(n, f);
                self.kill_edge(e);
            }
            self.touch(n);
            return;
        }
        // Alternative end events: several ends with one input each, from this node.
        s.nodes.clear();
        for &(d, count) in &s.groups {
            let dn = &self.nodes[d as usize];
            if dn.end && count == 1 && dn.adj[IN].len == 1 && d != n {
                s.nodes.push(d);
            }
        }
        if s.nodes.len() >= 2 {
            let keep = s.nodes[0];
            for &d in &s.nodes[1..] {
                let dn = self.nodes[d as usize];
                let e = dn.adj[IN].head;
                s.frags.clear();
                s.frags.push(self.edges[e as usize].frag);
                s.frags.extend(dn.frags.iter(&self.frag_next));
                let f = self.seq(&s.frags, dn.elements);
                let dead = &mut self.nodes[d as usize];
                dead.frags = List::EMPTY;
                dead.elements = List::EMPTY;
                self.add_node_frag(keep, f);
                self.kill_edge(e);
                self.nodes[d as usize].alive = false;
            }
            self.touch(n);
            self.touch(keep);
            return;
        }
        let (split, split_el, outs, n_end) = {
            let node = &self.nodes[ni];
            (node.split, node.split_el, node.adj[OUT].len, node.end)
        };
        for &(d, count) in &s.groups {
            if d == n {
                continue;
            }
            let dn = &self.nodes[d as usize];
            let (d_end, d_ins, d_join) = (dn.end, dn.adj[IN].len, dn.join);
            // Parallel edges into an end: one token each; an end event that throws a result,
            // reached by two concurrent tokens, completes improperly.
            if d_end && count >= 2 {
                if dn.end_event && split != GatewayType::Xor {
                    let j = dn.join_el;
                    self.problems
                        .push((Problem::ImproperCompletion, j, split_el));
                }
                self.edges_to(n, d, &mut s.edges);
                self.merge_parallel(&s.edges);
                self.touch(n);
                self.touch(d);
                return;
            }
            let all_out = count == outs;
            let all_in = count == d_ins;
            if !d_end && all_out && all_in && !n_end {
                self.edges_to(n, d, &mut s.edges);
                self.bond(n, d, &s.edges);
                return;
            }
            if count >= 2 && split == d_join && matches!(split, GatewayType::Xor | GatewayType::And)
            {
                self.edges_to(n, d, &mut s.edges);
                self.merge_parallel(&s.edges);
                self.touch(n);
                self.touch(d);
                return;
            }
        }
    }

    /// Node `n` has one input `e1` and one output `e2`: fold it into `e1`.
    fn sequence(&mut self, n: u32, e1: u32, e2: u32, s: &mut Scratch) {
        let node = self.nodes[n as usize];
        s.frags.clear();
        s.frags.push(self.edges[e1 as usize].frag);
        s.frags.extend(node.frags.iter(&self.frag_next));
        s.frags.push(self.edges[e2 as usize].frag);
        let f = self.seq(&s.frags, node.elements);
        let dst = self.edges[e2 as usize].dst;
        let src = self.edges[e1 as usize].src;
        self.edges[e2 as usize].alive = false;
        self.replace_in(e2, e1);
        self.edges[e1 as usize].dst = dst;
        self.edges[e1 as usize].frag = f;
        let node = &mut self.nodes[n as usize];
        node.alive = false;
        node.adj = [List::EMPTY; 2];
        node.frags = List::EMPTY;
        node.elements = List::EMPTY;
        self.touch(src);
        self.touch(dst);
    }

    fn seq(&mut self, children: &[u32], elements: List) -> u32 {
        // Extend a sequence in place when the first child is one (chains then cost linear
        // time); small nested sequences are flattened into it.
        let base = children
            .first()
            .copied()
            .filter(|&c| self.frags[c as usize].kind == FragmentKind::Sequence);
        let (target, rest) = match base {
            Some(b) => (b, &children[1..]),
            None => (self.frag(FragmentKind::Sequence, None, None), children),
        };
        let t = target as usize;
        for &c in rest {
            let child = self.frags[c as usize];
            if child.kind == FragmentKind::Sequence && child.children.len <= 8 {
                self.orphans += 1;
                self.frags[c as usize].children = List::EMPTY;
                self.frags[c as usize].elements = List::EMPTY;
                self.frags[t]
                    .children
                    .append(&mut self.frag_next, child.children);
                self.frags[t]
                    .elements
                    .append(&mut self.item_next, child.elements);
            } else {
                self.frags[t].children.push(&mut self.frag_next, c);
            }
        }
        self.frags[t].elements.append(&mut self.item_next, elements);
        target
    }

    /// Keeps the first of parallel edges and folds the others into it.
    fn merge_parallel(&mut self, es: &[u32]) {
        let keep = es[0];
        let Edge { src, dst, frag, .. } = self.edges[keep as usize];
        let (s, d) = (&self.nodes[src as usize], &self.nodes[dst as usize]);
        let f = self.frag(
            FragmentKind::Bond {
                split: s.split,
                join: d.join,
            },
            Some(s.split_el),
            Some(d.join_el),
        );
        self.add_child(f, frag);
        for &e in &es[1..] {
            self.add_child(f, self.edges[e as usize].frag);
            self.kill_edge(e);
        }
        self.edges[keep as usize].frag = f;
    }

    /// Node `a`'s outputs are exactly node `b`'s inputs: decide the bond by its gateway
    /// types and merge `b` into `a`.
    fn bond(&mut self, a: u32, b: u32, es: &[u32]) {
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
        let kind = if es.len() >= 2 {
            FragmentKind::Bond { split, join }
        } else {
            FragmentKind::Sequence
        };
        let f = self.frag(kind, Some(split_el), Some(join_el));
        for &e in es {
            self.add_child(f, self.edges[e as usize].frag);
            self.edges[e as usize].alive = false;
        }
        // `b`'s outputs become `a`'s (all of `a`'s old outputs were the bond's edges).
        let b_node = self.nodes[bi];
        let mut e = b_node.adj[OUT].head;
        for _ in 0..b_node.adj[OUT].len {
            self.edges[e as usize].src = a;
            e = self.edges[e as usize].next[OUT];
        }
        let node = &mut self.nodes[ai];
        node.adj[OUT] = b_node.adj[OUT];
        node.split = b_node.split;
        node.split_el = b_node.split_el;
        let mut frags = node.frags;
        let mut elements = node.elements;
        frags.push(&mut self.frag_next, f);
        frags.append(&mut self.frag_next, b_node.frags);
        elements.append(&mut self.item_next, b_node.elements);
        let node = &mut self.nodes[ai];
        node.frags = frags;
        node.elements = elements;
        let dead = &mut self.nodes[bi];
        dead.alive = false;
        dead.adj = [List::EMPTY; 2];
        dead.frags = List::EMPTY;
        dead.elements = List::EMPTY;
        self.touch(a);
        let mut e = self.nodes[ai].adj[OUT].head;
        for _ in 0..self.nodes[ai].adj[OUT].len {
            self.work.push(self.edges[e as usize].dst);
            e = self.edges[e as usize].next[OUT];
        }
        let mut e = self.nodes[ai].adj[IN].head;
        for _ in 0..self.nodes[ai].adj[IN].len {
            self.work.push(self.edges[e as usize].src);
            e = self.edges[e as usize].next[IN];
        }
    }
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
        assert!(reduce(&m, m.by_id("p").unwrap()).problems.is_empty());
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
        let tree = reduce(&m, m.by_id("p").unwrap());
        assert!(tree.structured);
        assert_eq!(tree.problems.len(), 1);
        let (problem, join, split) = tree.problems[0];
        assert_eq!(problem, Problem::LackOfSync);
        assert_eq!(m.el(join).id_str(), "x");
        assert_eq!(m.el(split).id_str(), "o");
    }

    #[test]
    fn fragment_count_is_the_size_of_the_tree() {
        // Samples and the generated benchmark models: every scope's count (what verify
        // reports) equals the tree's size, and every fragment but the root has one parent.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut scopes = 0;
        for dir in ["samples", "benches/models"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "bpmn") {
                    continue;
                }
                let m = crate::parse::parse_file(&path, &Default::default()).unwrap();
                for (id, e) in m.iter() {
                    if !e.kind.is_flow_container() {
                        continue;
                    }
                    scopes += 1;
                    let tree = decompose(&m, id);
                    assert_eq!(reduce(&m, id).fragment_count(), tree.fragments.len());
                    let mut parents = vec![0; tree.fragments.len()];
                    for f in &tree.fragments {
                        for &c in &f.children {
                            parents[c] += 1;
                        }
                    }
                    let (last, rest) = parents.split_last().unwrap();
                    assert_eq!(*last, 0, "{}", path.display());
                    assert!(rest.iter().all(|&p| p == 1), "{}", path.display());
                }
            }
        }
        assert!(scopes > 10);
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
