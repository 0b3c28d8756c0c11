//! Symbolic execution of an acyclic scope (after Favre & Völzer, BPM 2010): soundness of
//! an unstructured acyclic workflow graph with exclusive, parallel and inclusive gateways
//! in polynomial time, without enumerating a single state.
//!
//! Every decision (an exclusive or inclusive split with two or more outgoing flows) gets
//! one *outcome symbol* per outgoing flow. Going through the graph in topological order,
//! every flow gets a *label*: the set of outcomes of which at least one happens exactly in
//! the runs that mark the flow. The start event's flows carry the symbol `τ` (always),
//! a decision's flows carry their own outcome, other splits pass their input's label on,
//! exclusive and inclusive joins take the union of their inputs' labels and a parallel
//! join takes the label of its inputs, which must all be *equivalent*. Equivalence is
//! decided on a normal form: a label that holds all outcomes of a decision holds that
//! decision's input label instead, and an outcome that implies the rest of its label (its
//! decision only runs after one of them) is dropped.
//!
//! Alongside, a *co-marking* relation over flows records which two flows some run marks
//! both (one bit row per flow): flows leaving one node are co-marked unless the node
//! chooses between them, and a flow leaving node `n` is co-marked with an earlier flow `e`
//! iff one of `n`'s inputs is (for a parallel join, its first input, since all of them are
//! marked in the same runs). Two inputs of one node that some run marks both can be marked
//! at the same time, because neither needs the node to fire first.
//!
//! The first errors, in topological order, are exact: a parallel join whose input labels
//! differ deadlocks in some run, an exclusive join (explicit, or an activity or event with
//! several inputs) that has two co-marked inputs lets a second token through, and an end
//! event that throws a result (`net::completion_matters`) with two co-marked inputs
//! completes improperly. Behind an error the labels no longer describe the runs (a join
//! that lets two tokens through runs its successors twice), so the elements after an error
//! are only decided here when none of them joins flows: they then run once or twice behind
//! a lack of synchronisation, and behind a deadlock exactly when the join can fire at all.
//! A parallel join with two inputs that no run marks both never fires: the flows after it
//! are never marked, an exclusive join works on without them, a parallel join waiting for
//! them deadlocks too, and only an inclusive join after the stuck tokens (which may wait
//! for them) is not decided here. Otherwise [`decide`] gives only the first errors: the
//! caller searches the state space for the rest, and falls back on them when the search
//! runs out of states (the verdict "unsound" is exact either way).
//!
//! Cost: `O(F²/64)` words for the co-marking rows and `O(F·D/64)` for the labels (`F`
//! flows, `D` outcomes), plus the normal forms of the parallel joins' inputs.

use std::collections::HashMap;

use super::explore::Problem;
use super::net::{GatewayType, gateway_type, has_trigger, is_conditional};
use crate::model::{ElementId, Kind, Model};

/// One finding of the symbolic decision.
#[derive(Debug, Clone)]
pub(crate) struct SymFinding {
    pub problem: Problem,
    /// The element at fault.
    pub element: ElementId,
    /// The split or decision the witness goes through (the scope's start when none).
    pub split: ElementId,
    /// Elements broken by the same fault.
    pub affected: Vec<(Problem, ElementId)>,
}

/// A fixed-size bitset.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64).max(1)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn unset(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn or(&mut self, o: &Bits) {
        self.0.iter_mut().zip(&o.0).for_each(|(a, b)| *a |= b);
    }
    fn and_not(&mut self, o: &Bits) {
        self.0.iter_mut().zip(&o.0).for_each(|(a, b)| *a &= !b);
    }
    fn subset_of(&self, o: &Bits) -> bool {
        self.0.iter().zip(&o.0).all(|(a, b)| a & !b == 0)
    }
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * 64 + b)
            })
        })
    }
}

struct Node {
    el: ElementId,
    kind: Kind,
    join: GatewayType,
    split: GatewayType,
    ins: Vec<usize>,
    outs: Vec<usize>,
}

struct Graph {
    nodes: Vec<Node>,
    /// (source node, target node, flow element).
    edges: Vec<(usize, usize, ElementId)>,
    start: usize,
    /// Nodes in topological order, and each node's position in it.
    order: Vec<usize>,
    rank: Vec<usize>,
    index: HashMap<ElementId, usize>,
    /// Whether the root is a virtual node (zero or several start events).
    virtual_root: bool,
}

impl Graph {
    /// The element a witness goes through for split node `split` and fault node `fault`:
    /// the split itself, or for the virtual root, the entry before the fault.
    fn shown(&self, split: usize, fault: usize) -> ElementId {
        if split != self.start || !self.virtual_root {
            return self.nodes[split].el;
        }
        let before = ancestors(self, fault);
        self.nodes[self.start]
            .outs
            .iter()
            .map(|&f| self.edges[f].1)
            .find(|&t| before[t])
            .map_or(self.nodes[split].el, |t| self.nodes[t].el)
    }
}

/// The nodes from which `x` can be reached (`x` included).
fn ancestors(g: &Graph, x: usize) -> Vec<bool> {
    let mut seen = vec![false; g.nodes.len()];
    let mut stack = vec![x];
    seen[x] = true;
    while let Some(n) = stack.pop() {
        for &f in &g.nodes[n].ins {
            let s = g.edges[f].0;
            if !seen[s] {
                seen[s] = true;
                stack.push(s);
            }
        }
    }
    seen
}

/// Reads the scope as a workflow graph; `None` when it is not one this module decides:
/// boundary events, event-based gateways, messages, links, terminate end events,
/// compensation, events or activities with conditional flows, flows into a start event or
/// out of an end event, a node that nothing leads to besides the start events, a parallel
/// or inclusive gateway that joins and leads nowhere. Cycles are found later.
///
/// The graph gets one root: the start event, or a virtual node before the start events
/// that picks one of them (each starts its own instance), or, in a process without start
/// events, a virtual node that starts every node without incoming flows at once.
fn graph(model: &Model, scope: ElementId) -> Option<Graph> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: HashMap<ElementId, usize> = HashMap::new();
    let mut starts = Vec::new();
    let mut sources = Vec::new();
    for (id, e) in model.flow_nodes(scope) {
        if e.kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false) {
            continue; // not part of the scope's flow
        }
        let gw = gateway_type(&e.kind);
        let plain = match e.kind {
            Kind::StartEvent => e.links.incoming.is_empty(),
            Kind::EndEvent => {
                e.links.outgoing.is_empty()
                    && !has_trigger(model, id, &Kind::TerminateEventDefinition)
            }
            Kind::IntermediateCatchEvent | Kind::IntermediateThrowEvent => {
                !has_trigger(model, id, &Kind::LinkEventDefinition)
            }
            ref k if k.is_activity() => {
                e.links.boundary_events.is_empty()
                    && !e.bool_attr("isForCompensation").unwrap_or(false)
            }
            _ => {
                gw.is_some()
                    && (!e.links.outgoing.is_empty()
                        || e.links.incoming.len() < 2
                        || gw == Some(GatewayType::Xor))
            }
        };
        let unconditional = gw.is_some()
            || !e
                .links
                .outgoing
                .iter()
                .any(|&f| is_conditional(model, f) || e.links.default_flow == Some(f));
        if !plain || !unconditional || !e.links.message_in.is_empty() {
            return None;
        }
        if e.kind == Kind::StartEvent {
            starts.push(nodes.len());
        } else if e.links.incoming.is_empty() {
            sources.push(nodes.len());
        }
        index.insert(id, nodes.len());
        nodes.push(Node {
            el: id,
            kind: e.kind.clone(),
            join: gw.unwrap_or(GatewayType::Xor),
            split: gw.unwrap_or(GatewayType::And),
            ins: Vec::new(),
            outs: Vec::new(),
        });
    }
    let mut edges = Vec::new();
    // The root and its virtual flows (named after their targets).
    let (start, entries, split) = match (starts.len(), sources.is_empty()) {
        (1, true) => (starts[0], Vec::new(), GatewayType::And),
        (0, false) => (nodes.len(), sources, GatewayType::And),
        (n, true) if n >= 2 => (nodes.len(), starts, GatewayType::Xor),
        _ => return None, // nothing starts, or nodes that never run
    };
    if start == nodes.len() {
        nodes.push(Node {
            el: scope,
            kind: Kind::StartEvent,
            join: GatewayType::Xor,
            split,
            ins: Vec::new(),
            outs: Vec::new(),
        });
        for t in entries {
            nodes[start].outs.push(edges.len());
            nodes[t].ins.push(edges.len());
            edges.push((start, t, nodes[t].el));
        }
    }
    for (flow, e) in model.sequence_flows(scope) {
        let s = *index.get(&e.links.source?)?;
        let t = *index.get(&e.links.target?)?;
        nodes[s].outs.push(edges.len());
        nodes[t].ins.push(edges.len());
        edges.push((s, t, flow));
    }
    // Kahn's algorithm: a node left over lies on a cycle.
    let mut missing: Vec<usize> = nodes.iter().map(|n| n.ins.len()).collect();
    let mut order: Vec<usize> = (0..nodes.len()).filter(|&i| missing[i] == 0).collect();
    let mut k = 0;
    while k < order.len() {
        let n = order[k];
        k += 1;
        for &f in &nodes[n].outs {
            let t = edges[f].1;
            missing[t] -= 1;
            if missing[t] == 0 {
                order.push(t);
            }
        }
    }
    if order.len() != nodes.len() {
        return None;
    }
    let mut rank = vec![0; nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        rank[n] = i;
    }
    Some(Graph {
        nodes,
        edges,
        start,
        order,
        rank,
        virtual_root: start >= index.len(),
        index,
    })
}

/// Labels, outcome symbols and the co-marking relation of the error-free part.
struct Symbols {
    /// Per symbol (0 is `τ`): the decision node it is an outcome of.
    decision_of: Vec<usize>,
    /// Per decision node: its outcome symbols.
    outcomes: HashMap<usize, Bits>,
    /// Per node: the label of what makes it fire (decisions only are needed).
    input: Vec<Option<Bits>>,
    /// Per flow: its label, when it lies in the error-free part.
    label: Vec<Option<Bits>>,
    /// Per flow: the flows some run marks together with it.
    co: Vec<Bits>,
    /// Work done by normal forms, against [`MAX_STEPS`].
    steps: std::cell::Cell<u64>,
}

/// Largest number of sequence flows decided symbolically: the co-marking rows take
/// `F²/8` bytes (32 MiB here). Larger scopes are searched under the state budget.
const MAX_FLOWS: usize = 16_384;

/// Most steps spent on normal forms per scope before giving up (to the search): normal
/// forms are polynomial, but a crafted model could make them slow.
const MAX_STEPS: u64 = 200_000_000;

impl Symbols {
    /// Whether symbol `s` happens only in runs where one of `m` happens.
    fn implies(&self, s: usize, m: &Bits, memo: &mut HashMap<usize, bool>) -> bool {
        if m.has(s) {
            return true;
        }
        if s == 0 {
            return false;
        }
        if let Some(&v) = memo.get(&s) {
            return v;
        }
        self.steps.set(self.steps.get() + 1);
        memo.insert(s, false); // acyclic, but keep the recursion finite anyway
        let d = self.decision_of[s];
        let v = match &self.input[d] {
            Some(l) => l.ones().all(|t| self.implies(t, m, memo)),
            None => false,
        };
        memo.insert(s, v);
        v
    }

    /// The normal form of a label: complete outcome sets replaced by their decision's
    /// input, outcomes implied by the rest of the label dropped, until nothing changes.
    fn normalize(&self, mut l: Bits, decisions: &[usize]) -> Bits {
        loop {
            let mut changed = false;
            self.steps
                .set(self.steps.get() + decisions.len() as u64 * l.0.len() as u64);
            for d in decisions.iter().rev() {
                let (Some(outs), Some(input)) = (self.outcomes.get(d), &self.input[*d]) else {
                    continue;
                };
                if outs.subset_of(&l) {
                    l.and_not(outs);
                    l.or(input);
                    changed = true;
                }
            }
            let symbols: Vec<usize> = l.ones().collect();
            for s in symbols.into_iter().rev() {
                l.unset(s);
                let mut memo = HashMap::new();
                if self.implies(s, &l, &mut memo) {
                    changed = true;
                } else {
                    l.set(s);
                }
            }
            // Out of steps: the caller gives up on the scope.
            if !changed || self.steps.get() > MAX_STEPS {
                return l;
            }
        }
    }
}

/// What symbolic execution decided about a scope.
#[derive(Debug, Clone)]
pub(crate) enum Decided {
    /// Every property (the findings are empty when the scope is sound).
    Exact(Vec<SymFinding>),
    /// Only the first errors, in topological order: each is a real defect, but what comes
    /// after them joins flows again, so other properties are not decided. Nothing is
    /// listed as affected.
    FirstErrors(Vec<SymFinding>),
}

/// Decides one scope symbolically, or `None` when it is not an acyclic workflow graph.
pub(crate) fn decide(model: &Model, scope: ElementId) -> Option<Decided> {
    let g = graph(model, scope)?;
    let n_edges = g.edges.len();
    if n_edges > MAX_FLOWS {
        return None;
    }
    // Outcome symbols: one per outgoing flow of every decision.
    let mut decision_of = vec![g.start];
    let mut symbol_of_edge: Vec<Option<usize>> = vec![None; n_edges];
    let mut decisions: Vec<usize> = Vec::new();
    for &n in &g.order {
        let node = &g.nodes[n];
        if node.outs.len() >= 2 && node.split != GatewayType::And {
            decisions.push(n);
            for &f in &node.outs {
                symbol_of_edge[f] = Some(decision_of.len());
                decision_of.push(n);
            }
        }
    }
    let n_symbols = decision_of.len();
    let mut outcomes: HashMap<usize, Bits> = HashMap::new();
    for &d in &decisions {
        let mut b = Bits::new(n_symbols);
        for &f in &g.nodes[d].outs {
            if let Some(s) = symbol_of_edge[f] {
                b.set(s);
            }
        }
        outcomes.insert(d, b);
    }
    let mut sy = Symbols {
        decision_of,
        outcomes,
        input: vec![None; g.nodes.len()],
        label: vec![None; n_edges],
        co: vec![Bits::new(0); n_edges],
        steps: std::cell::Cell::new(0),
    };
    let mut findings: Vec<SymFinding> = Vec::new();
    // Per node: the error it is (or is behind), as the index of the finding.
    let mut behind: Vec<Option<usize>> = vec![None; g.nodes.len()];
    // Per node: the finding of the parallel join that never fires and so keeps it from
    // ever firing (its flows are never marked).
    let mut dead: Vec<Option<usize>> = vec![None; g.nodes.len()];
    // Per node: whether a token stuck at a join that never fires is upstream of it.
    let mut stuck_at: Vec<Option<usize>> = vec![None; g.nodes.len()];
    let mut at_fault = vec![false; g.nodes.len()];
    let mut exact = true;
    let default_of = |n: usize| model.el(g.nodes[n].el).links.default_flow;
    for &n in &g.order {
        let node = &g.nodes[n];
        if let Some(i) = node.ins.iter().find_map(|&f| behind[g.edges[f].0]) {
            // Behind an error: decided here only where no flows join.
            exact &= node.ins.len() < 2;
            behind[n] = Some(i);
            continue;
        }
        // Tokens stuck in front of a join that never fires make every inclusive join
        // after them wait: which ones do depends on where they are, not decided here.
        let stuck = node.ins.iter().find_map(|&f| {
            let s = g.edges[f].0;
            dead[s].or(stuck_at[s])
        });
        stuck_at[n] = stuck;
        if let (Some(i), GatewayType::Or, true) = (stuck, node.join, node.ins.len() >= 2) {
            exact = false;
            behind[n] = Some(i);
            continue;
        }
        // Inputs never marked (behind a join that never fires) take no part: an exclusive
        // join works with the others, a parallel join never fires either, and whether an
        // inclusive join waits depends on where the stuck tokens are: not decided here.
        let ins: Vec<usize> = node
            .ins
            .iter()
            .copied()
            .filter(|&f| dead[g.edges[f].0].is_none())
            .collect();
        if let Some(i) = node.ins.iter().find_map(|&f| dead[g.edges[f].0]) {
            if ins.is_empty() {
                dead[n] = Some(i);
                continue;
            }
            match node.join {
                GatewayType::Xor => {}
                GatewayType::And => {
                    // It waits for a flow behind the join that never fires.
                    let blocker = findings[i].element;
                    dead[n] = Some(findings.len());
                    at_fault[n] = true;
                    findings.push(SymFinding {
                        problem: Problem::Deadlock,
                        element: node.el,
                        split: blocker,
                        affected: Vec::new(),
                    });
                    continue;
                }
                GatewayType::Or => {
                    exact = false;
                    behind[n] = Some(i);
                    continue;
                }
            }
        }
        let node_ins = &ins;
        let input = if n == g.start {
            let mut b = Bits::new(n_symbols);
            b.set(0);
            b
        } else {
            match node.join {
                GatewayType::And if node_ins.len() >= 2 => {
                    let forms: Vec<Bits> = node
                        .ins
                        .iter()
                        .filter_map(|&f| sy.label[f].clone())
                        .map(|l| sy.normalize(l, &decisions))
                        .collect();
                    if sy.steps.get() > MAX_STEPS {
                        return None;
                    }
                    if let Some(k) = (1..forms.len()).find(|&k| forms[k] != forms[0]) {
                        let split = distinguishing_decision(&sy, &g, &forms[0], &forms[k]);
                        if never_fires(&sy, node_ins) == Some(true) {
                            dead[n] = Some(findings.len());
                        } else {
                            behind[n] = Some(findings.len());
                        }
                        at_fault[n] = true;
                        findings.push(SymFinding {
                            problem: Problem::Deadlock,
                            element: node.el,
                            split: g.shown(split.unwrap_or(g.start), n),
                            affected: Vec::new(),
                        });
                        continue;
                    }
                }
                GatewayType::Xor => {
                    if let Some((a, b)) = co_marked_pair(&sy, node_ins) {
                        let problem = if node.kind == Kind::EndEvent {
                            // only an end event that throws a result must not be reached
                            // twice; a plain one consumes the tokens one by one
                            super::net::completion_matters(model, node.el)
                                .then_some(Problem::ImproperCompletion)
                        } else if node.outs.is_empty() {
                            None // an implicit end consumes the tokens one by one
                        } else {
                            Some(Problem::LackOfSync)
                        };
                        if let Some(problem) = problem {
                            let split = parting_split(&g, g.edges[a].0, g.edges[b].0);
                            if problem == Problem::LackOfSync {
                                behind[n] = Some(findings.len());
                            }
                            at_fault[n] = true;
                            findings.push(SymFinding {
                                problem,
                                element: node.el,
                                split: g.shown(split, n),
                                affected: Vec::new(),
                            });
                            continue;
                        }
                    }
                }
                _ => {}
            }
            let mut l = Bits::new(n_symbols);
            if node.join == GatewayType::And {
                if let Some(x) = node_ins.first().and_then(|&f| sy.label[f].as_ref()) {
                    l.or(x);
                }
            } else {
                for &f in node_ins {
                    if let Some(x) = &sy.label[f] {
                        l.or(x);
                    }
                }
            }
            l
        };
        // Flows some run marks together with this node's firing.
        let mut base = Bits::new(n_edges);
        if node.join == GatewayType::And {
            if let Some(&f) = node_ins.first() {
                base.or(&sy.co[f]);
            }
        } else {
            for &f in node_ins {
                base.or(&sy.co[f]);
            }
        }
        let earlier: Vec<usize> = base.ones().collect();
        let default = default_of(n);
        for &f in &node.outs {
            let mut row = base.clone();
            for &h in &node.outs {
                let together = match node.split {
                    _ if h == f => true,
                    GatewayType::And => true,
                    GatewayType::Xor => false,
                    // An inclusive split takes its default flow only alone.
                    GatewayType::Or => {
                        default != Some(g.edges[h].2) && default != Some(g.edges[f].2)
                    }
                };
                if together {
                    row.set(h);
                }
            }
            sy.co[f] = row;
            for &e in &earlier {
                sy.co[e].set(f);
            }
            sy.label[f] = Some(match symbol_of_edge[f] {
                Some(s) => {
                    let mut b = Bits::new(n_symbols);
                    b.set(s);
                    b
                }
                None => input.clone(),
            });
        }
        sy.input[n] = Some(input);
    }
    if !exact {
        return Some(Decided::FirstErrors(findings));
    }
    // What each error breaks after it.
    for &n in &g.order {
        if let (Some(i), false, true) = (dead[n], at_fault[n], g.nodes[n].kind.is_activity()) {
            findings[i]
                .affected
                .push((Problem::DeadActivity, g.nodes[n].el));
        }
        let (Some(i), false) = (behind[n], at_fault[n]) else {
            continue;
        };
        let node = &g.nodes[n];
        match findings[i].problem {
            Problem::LackOfSync if !node.outs.is_empty() => {
                findings[i].affected.push((Problem::LackOfSync, node.el));
            }
            Problem::Deadlock if node.kind.is_activity() => {
                let Some(&j) = g.index.get(&findings[i].element) else {
                    continue;
                };
                match never_fires(&sy, &g.nodes[j].ins) {
                    Some(true) => findings[i].affected.push((Problem::DeadActivity, node.el)),
                    Some(false) => {}
                    None => exact = false, // whether all inputs meet in one run
                }
            }
            _ => {}
        }
    }
    if !exact {
        findings.iter_mut().for_each(|f| f.affected.clear());
        return Some(Decided::FirstErrors(findings));
    }
    Some(Decided::Exact(findings))
}

/// Two inputs that some run marks both.
fn co_marked_pair(sy: &Symbols, ins: &[usize]) -> Option<(usize, usize)> {
    for (i, &a) in ins.iter().enumerate() {
        for &b in &ins[i + 1..] {
            if sy.co[a].has(b) {
                return Some((a, b));
            }
        }
    }
    None
}

/// Whether a parallel join with these inputs never fires: `Some(true)` when two of them
/// are never marked in one run, `Some(false)` when it has two inputs marked together in
/// some run, `None` when more inputs are pairwise but maybe not jointly marked.
fn never_fires(sy: &Symbols, ins: &[usize]) -> Option<bool> {
    for (i, &a) in ins.iter().enumerate() {
        for &b in &ins[i + 1..] {
            if !sy.co[a].has(b) {
                return Some(true);
            }
        }
    }
    if ins.len() <= 2 { Some(false) } else { None }
}

/// The decision closest to the join whose outcome one normal form has and the other not.
fn distinguishing_decision(sy: &Symbols, g: &Graph, a: &Bits, b: &Bits) -> Option<usize> {
    let mut diff = a.clone();
    let mut both = a.clone();
    both.or(b);
    diff.0.iter_mut().zip(&b.0).for_each(|(x, y)| *x ^= y);
    diff.ones()
        .filter(|&s| s != 0)
        .map(|s| sy.decision_of[s])
        .max_by_key(|&d| g.rank[d])
        .or_else(|| {
            both.ones()
                .filter(|&s| s != 0)
                .map(|s| sy.decision_of[s])
                .max_by_key(|&d| g.rank[d])
        })
}

/// The latest common ancestor of `a` and `b` that splits into concurrent branches: where
/// the two tokens parted.
fn parting_split(g: &Graph, a: usize, b: usize) -> usize {
    let (sa, sb) = (ancestors(g, a), ancestors(g, b));
    (0..g.nodes.len())
        .filter(|&n| sa[n] && sb[n])
        .filter(|&n| g.nodes[n].outs.len() >= 2 && g.nodes[n].split != GatewayType::Xor)
        .max_by_key(|&n| g.rank[n])
        .unwrap_or(g.start)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn model(body: &str, flows: &[(&str, &str)]) -> Model {
        let flows: String = flows
            .iter()
            .enumerate()
            .map(|(i, (a, b))| {
                format!(r#"<sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>"#)
            })
            .collect();
        let xml = format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p">{body}{flows}</process></definitions>"#
        );
        crate::parse::parse_str("t.bpmn", &xml, &crate::parse::ParseOptions::default()).unwrap()
    }

    fn decided(m: &Model) -> Option<Vec<(Problem, String, String)>> {
        let out = decide(m, m.by_id("p").unwrap())?;
        let Decided::Exact(found) = out else {
            return None;
        };
        Some(
            found
                .iter()
                .map(|f| {
                    (
                        f.problem,
                        m.el(f.element).id_str().to_owned(),
                        m.el(f.split).id_str().to_owned(),
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn bits_iterate_their_ones_in_order() {
        let mut b = Bits::new(130);
        for i in [0, 63, 64, 129] {
            b.set(i);
        }
        assert_eq!(b.ones().collect::<Vec<_>>(), [0, 63, 64, 129]);
        b.unset(64);
        assert!(!b.has(64) && b.has(129));
    }

    #[test]
    fn all_outcomes_of_a_choice_normalise_to_its_input() {
        // start -> fork(AND) -> {u, v}; u -> choice(XOR) -> {a, b} -> merge(OR);
        // merge and v meet at a parallel join: {a, b} is equivalent to v's {τ}.
        let m = model(
            r#"<startEvent id="s"/><parallelGateway id="fork"/><task id="u"/><task id="v"/>
            <exclusiveGateway id="choice"/><task id="a"/><task id="b"/>
            <inclusiveGateway id="merge"/><parallelGateway id="join"/><endEvent id="e"/>"#,
            &[
                ("s", "fork"),
                ("fork", "u"),
                ("fork", "v"),
                ("u", "choice"),
                ("choice", "a"),
                ("choice", "b"),
                ("a", "merge"),
                ("b", "merge"),
                ("merge", "join"),
                ("v", "join"),
                ("join", "e"),
            ],
        );
        assert_eq!(decided(&m).unwrap(), []);
    }

    #[test]
    fn an_outcome_implied_by_the_rest_of_its_label_is_dropped() {
        // The inclusive join after `choice` merges its first outcome with the choice's own
        // input: {a, τ} ≡ {τ}, so the parallel join with the other branch is fine.
        let m = model(
            r#"<startEvent id="s"/><parallelGateway id="fork"/><task id="u"/><task id="v"/>
            <parallelGateway id="fork2"/><exclusiveGateway id="choice"/><task id="a"/>
            <endEvent id="e2"/><inclusiveGateway id="merge"/><parallelGateway id="join"/>
            <endEvent id="e"/>"#,
            &[
                ("s", "fork"),
                ("fork", "u"),
                ("fork", "v"),
                ("u", "fork2"),
                ("fork2", "choice"),
                ("fork2", "merge"),
                ("choice", "a"),
                ("choice", "e2"),
                ("a", "merge"),
                ("merge", "join"),
                ("v", "join"),
                ("join", "e"),
            ],
        );
        assert_eq!(decided(&m).unwrap(), []);
    }

    #[test]
    fn a_missing_outcome_deadlocks_at_the_parallel_join() {
        let m = model(
            r#"<startEvent id="s"/><parallelGateway id="fork"/><task id="u"/><task id="v"/>
            <exclusiveGateway id="choice"/><task id="a"/><endEvent id="e2"/>
            <parallelGateway id="join"/><endEvent id="e"/>"#,
            &[
                ("s", "fork"),
                ("fork", "u"),
                ("fork", "v"),
                ("u", "choice"),
                ("choice", "a"),
                ("choice", "e2"),
                ("a", "join"),
                ("v", "join"),
                ("join", "e"),
            ],
        );
        assert_eq!(
            decided(&m).unwrap(),
            [(Problem::Deadlock, "join".into(), "choice".into())]
        );
    }

    #[test]
    fn a_default_flow_excludes_the_other_outcomes_of_an_inclusive_split() {
        let m = model(
            r#"<startEvent id="s"/><inclusiveGateway id="o" default="f1"/><task id="a"/>
            <task id="b"/><task id="c"/><exclusiveGateway id="x"/><endEvent id="e"/>
            <endEvent id="e2"/>"#,
            &[
                ("s", "o"),
                ("o", "a"),
                ("o", "b"),
                ("o", "c"),
                ("a", "x"),
                ("b", "x"),
                ("c", "e2"),
                ("x", "e"),
            ],
        );
        // a is the default: never together with b, so the exclusive join is safe; b and c
        // may run together, but c ends on its own.
        assert_eq!(decided(&m).unwrap(), []);
    }

    #[test]
    fn cycles_and_boundary_events_are_left_to_the_search() {
        let m = model(
            r#"<startEvent id="s"/><exclusiveGateway id="x"/><task id="a"/><endEvent id="e"/>"#,
            &[("s", "x"), ("x", "a"), ("a", "x"), ("x", "e")],
        );
        assert!(decide(&m, m.by_id("p").unwrap()).is_none());
        let m = model(
            r#"<startEvent id="s"/><task id="a"/><boundaryEvent id="b" attachedToRef="a"/>
            <endEvent id="e"/>"#,
            &[("s", "a"), ("a", "e"), ("b", "e")],
        );
        assert!(decide(&m, m.by_id("p").unwrap()).is_none());
    }
}
