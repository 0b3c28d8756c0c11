//! Exhaustive breadth-first exploration of a compiled [`Net`]: markings are bitsets interned
//! in one flat arena with a hash table of indices, so every state costs `words` u64s plus a
//! parent pointer, and the BFS parent chain gives shortest witnesses.
//!
//! A state in which a flow would receive a second token is not stored: the firing is the
//! safeness violation (lack of synchronisation) and is reported at the firing element.

use std::hash::{BuildHasher, Hasher};

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::net::{Net, PlaceKind};
use super::por::Reducer;
use crate::model::{ElementId, Kind, Model};

/// What went wrong, as found by a checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Problem {
    Deadlock,
    MessageDeadlock,
    LackOfSync,
    ImproperCompletion,
    Livelock,
    DeadActivity,
}

/// A violation with the element at fault and the trace of firings that reaches it.
#[derive(Debug, Clone)]
pub(crate) struct RawFinding {
    pub problem: Problem,
    pub element: ElementId,
    /// Further elements involved (the split of a mismatched block, the other waiters).
    pub related: Vec<ElementId>,
    pub trace: Vec<ElementId>,
    /// The firings (transition indices) of the witness run, for violations whose cause is
    /// traced back along it (lack of synchronisation, improper completion).
    pub run: Vec<u32>,
    /// Further elements broken by the same cause, reported with this finding instead of
    /// on their own (elements after a lack of synchronisation that get two tokens,
    /// activities after a deadlock that never run).
    pub affected: Vec<(Problem, ElementId)>,
}

/// The result of exploring one net.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub states: usize,
    pub complete: bool,
    pub findings: Vec<RawFinding>,
}

struct Space {
    words: usize,
    arena: Vec<u64>,
    table: HashTable<u32>,
    parent: Vec<u32>,
    via: Vec<u32>,
    hasher: FxBuildHasher,
}

impl Space {
    fn state(&self, i: u32) -> &[u64] {
        let a = i as usize * self.words;
        &self.arena[a..a + self.words]
    }

    fn hash(&self, m: &[u64]) -> u64 {
        let mut h = self.hasher.build_hasher();
        for &w in m {
            h.write_u64(w);
        }
        h.finish()
    }

    /// Interns a marking; returns its index and whether it is new.
    fn intern(&mut self, m: &[u64], parent: u32, via: u32) -> (u32, bool) {
        let h = self.hash(m);
        let words = self.words;
        let arena = &self.arena;
        if let Some(&i) = self.table.find(h, |&i| {
            let a = i as usize * words;
            &arena[a..a + words] == m
        }) {
            return (i, false);
        }
        let i = u32::try_from(self.parent.len()).unwrap_or(u32::MAX);
        self.arena.extend_from_slice(m);
        self.parent.push(parent);
        self.via.push(via);
        let hasher = self.hasher;
        let arena = &self.arena;
        self.table.insert_unique(h, i, |&j| {
            let a = j as usize * words;
            let mut hh = hasher.build_hasher();
            for &w in &arena[a..a + words] {
                hh.write_u64(w);
            }
            hh.finish()
        });
        (i, true)
    }

    fn len(&self) -> usize {
        self.parent.len()
    }

    /// The transitions fired from an initial state to state `i`.
    fn run(&self, mut i: u32) -> Vec<u32> {
        let mut out = Vec::new();
        while self.via[i as usize] != u32::MAX {
            out.push(self.via[i as usize]);
            i = self.parent[i as usize];
        }
        out.reverse();
        out
    }

    /// The elements fired from an initial state to state `i`.
    fn trace(&self, net: &Net, mut i: u32) -> Vec<ElementId> {
        let mut out = Vec::new();
        while self.via[i as usize] != u32::MAX {
            out.push(net.transitions[self.via[i as usize] as usize].node);
            i = self.parent[i as usize];
        }
        out.reverse();
        out
    }
}

fn has(m: &[u64], p: u32) -> bool {
    m[p as usize / 64] & (1 << (p % 64)) != 0
}

pub(super) fn set(m: &mut [u64], p: u32) {
    m[p as usize / 64] |= 1 << (p % 64);
}

fn unset(m: &mut [u64], p: u32) {
    m[p as usize / 64] &= !(1 << (p % 64));
}

fn is_token(kind: PlaceKind) -> bool {
    matches!(
        kind,
        PlaceKind::Flow | PlaceKind::Start | PlaceKind::Running | PlaceKind::EventGateway
    )
}

pub(super) fn enabled(net: &Net, t: usize, m: &[u64]) -> bool {
    let tr = &net.transitions[t];
    if !tr.pre.iter().all(|&p| has(m, p)) || tr.inhibit.iter().any(|&p| has(m, p)) {
        return false;
    }
    if let Some(j) = tr.or_join {
        let join = &net.or_joins[j as usize];
        if !join.ins.iter().any(|&p| has(m, p)) {
            return false;
        }
        return or_blocker(join, m).is_none();
    }
    true
}

/// The place of a token an inclusive join must wait for, if any. By the standard's rule
/// (BPMN 2.0.2, table 13.3, as resolved in OMG issue BPMN2-289), the join waits for a
/// token that has a path (not through the join) to an empty input, unless that token also
/// has such a path to an input that holds a token: a token that can only come back round
/// a loop to a marked input does not hold the join up.
pub(super) fn or_blocker(join: &super::net::OrJoin, m: &[u64]) -> Option<usize> {
    for (w, &word) in m.iter().enumerate() {
        if word == 0 {
            continue;
        }
        let (mut empty, mut full) = (0u64, 0u64);
        for (k, &p) in join.ins.iter().enumerate() {
            let up = join.upstream[k][w];
            if has(m, p) {
                full |= up;
            } else {
                empty |= up;
            }
        }
        let blocking = word & empty & !full;
        if blocking != 0 {
            return Some(w * 64 + blocking.trailing_zeros() as usize);
        }
    }
    None
}

/// Whether firing enabled `t` in `m` would put a second token on a place.
fn unsafe_firing(net: &Net, t: usize, m: &[u64]) -> bool {
    let tr = &net.transitions[t];
    let joined: &[u32] = tr
        .or_join
        .map_or(&[], |j| &net.or_joins[j as usize].ins[..]);
    tr.post.iter().any(|&p| {
        has(m, p)
            && is_token(net.places[p as usize].kind)
            && !tr.pre.contains(&p)
            && !joined.contains(&p)
            && !tr.clear.contains(&p)
    })
}

/// Fires `t`; `Err(place)` when a token place would hold two tokens.
pub(super) fn fire(net: &Net, t: usize, m: &[u64], out: &mut Vec<u64>) -> Result<(), u32> {
    let tr = &net.transitions[t];
    out.clear();
    out.extend_from_slice(m);
    for &p in &tr.pre {
        unset(out, p);
    }
    if let Some(j) = tr.or_join {
        for &p in &net.or_joins[j as usize].ins {
            unset(out, p);
        }
    }
    for &p in &tr.clear {
        unset(out, p);
    }
    for &p in &tr.post {
        if has(out, p) && is_token(net.places[p as usize].kind) {
            return Err(p);
        }
        set(out, p);
    }
    Ok(())
}

/// Explores the state space of `net` up to `max_states` states.
#[allow(clippy::too_many_lines)]
///
/// With `reduce`, each state fires only a stubborn set of its enabled transitions (see
/// [`super::por`]); every property is decided as by the full search.
pub(crate) fn explore(
    model: &Model,
    net: &Net,
    max_states: usize,
    pools: usize,
    reduce: bool,
) -> Outcome {
    let mut outcome = search(model, net, max_states, pools, reduce);
    if reduce && outcome.findings.iter().any(|f| !f.trace.is_empty()) {
        shorten_witnesses(model, net, max_states, pools, &mut outcome);
    }
    outcome
}

/// States the unreduced search may visit to shorten the witnesses of a reduced one: a
/// few times what the reduced search needed, and never more than the budget.
const SHORTEN_FACTOR: usize = 4;
const SHORTEN_MIN: usize = 5_000;

/// Witnesses found under partial-order reduction are shortest in the reduced state space,
/// not always in the full one: the reduction may postpone the firings that lead to a
/// violation. When the unreduced search finishes within a few times the reduced one's
/// states, its breadth-first witnesses (shortest runs) replace the longer ones, finding by
/// finding (same violation, same element). The verdict is the reduced search's either way.
fn shorten_witnesses(
    model: &Model,
    net: &Net,
    max_states: usize,
    pools: usize,
    outcome: &mut Outcome,
) {
    let budget = max_states.min(SHORTEN_MIN.max(outcome.states.saturating_mul(SHORTEN_FACTOR)));
    let full = search(model, net, budget, pools, false);
    if !full.complete {
        return;
    }
    for f in &mut outcome.findings {
        if f.trace.is_empty() {
            continue;
        }
        if let Some(g) = full.findings.iter().find(|g| {
            g.problem == f.problem && g.element == f.element && g.trace.len() < f.trace.len()
        }) {
            *f = g.clone();
        }
    }
}

fn search(model: &Model, net: &Net, max_states: usize, pools: usize, reduce: bool) -> Outcome {
    let mut reducer = if reduce { Reducer::new(net) } else { None };
    let words = net.words();
    let mut space = Space {
        words,
        arena: Vec::new(),
        table: HashTable::new(),
        parent: Vec::new(),
        via: Vec::new(),
        hasher: FxBuildHasher,
    };
    // Transitions indexed by one place they need, so only candidates are tried.
    let mut by_place: Vec<Vec<u32>> = vec![Vec::new(); net.places.len()];
    for (i, t) in net.transitions.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if let Some(j) = t.or_join {
            for &p in &net.or_joins[j as usize].ins {
                by_place[p as usize].push(i);
            }
        } else if let Some(&p) = t.pre.first() {
            by_place[p as usize].push(i);
        }
    }
    let mut token_mask = vec![0u64; words];
    for (i, p) in net.places.iter().enumerate() {
        if is_token(p.kind) {
            set(&mut token_mask, u32::try_from(i).unwrap_or(u32::MAX));
        }
    }
    let mut findings: Vec<RawFinding> = Vec::new();
    let mut reported: std::collections::HashSet<(Problem, ElementId)> = Default::default();
    let mut fired = vec![false; net.transitions.len()];
    let mut succ_off: Vec<u32> = Vec::new();
    let mut succ: Vec<u32> = Vec::new();
    let mut stuck: Vec<bool> = Vec::new(); // deadlock or violation: the run ends badly here
    let mut is_final: Vec<bool> = Vec::new();
    let mut complete = true;

    let mut init = vec![0u64; words];
    for alt in &net.initial {
        init.iter_mut().for_each(|w| *w = 0);
        for &p in alt {
            set(&mut init, p);
        }
        space.intern(&init, u32::MAX, u32::MAX);
    }
    let mut cur = 0usize;
    let mut next = Vec::with_capacity(words);
    let mut candidates: Vec<u32> = Vec::new();
    let mut stamp = vec![u32::MAX; net.transitions.len()];
    let mut en_stamp = vec![u32::MAX; net.transitions.len()];
    let mut en: Vec<u32> = Vec::new();
    while cur < space.len() {
        let si = u32::try_from(cur).unwrap_or(u32::MAX);
        let m: Vec<u64> = space.state(si).to_vec();
        succ_off.push(u32::try_from(succ.len()).unwrap_or(u32::MAX));
        let fin = m.iter().zip(&token_mask).all(|(w, k)| w & k == 0);
        is_final.push(fin);
        // Improper completion: an end event with tokens on two incoming flows at once.
        for (end, ins) in &net.end_checks {
            if ins.iter().filter(|&&p| has(&m, p)).count() >= 2
                && reported.insert((Problem::ImproperCompletion, *end))
            {
                findings.push(RawFinding {
                    problem: Problem::ImproperCompletion,
                    element: *end,
                    related: Vec::new(),
                    trace: space.trace(net, si),
                    run: space.run(si),
                    affected: Vec::new(),
                });
            }
        }
        candidates.clear();
        for (w, &word) in m.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let p = w * 64 + b;
                if p < by_place.len() {
                    for &t in &by_place[p] {
                        if stamp[t as usize] != si {
                            stamp[t as usize] = si;
                            candidates.push(t);
                        }
                    }
                }
            }
        }
        candidates.sort_unstable();
        en.clear();
        for &t in &candidates {
            if enabled(net, t as usize, &m) {
                en_stamp[t as usize] = si;
                en.push(t);
            }
        }
        let any = !en.is_empty();
        let mut bad = false;
        let mut todo: Vec<u32> = match reducer.as_mut() {
            Some(r) if en.len() > 1 => {
                r.choose(net, &m, &en, &|t| en_stamp[t as usize] == si, &|t| {
                    unsafe_firing(net, t as usize, &m)
                })
            }
            _ => en.clone(),
        };
        let mut full = todo.len() == en.len();
        loop {
            let mut revisit = false;
            for &t in &todo {
                let t = t as usize;
                fired[t] = true;
                match fire(net, t, &m, &mut next) {
                    Ok(()) => {
                        let (j, new) =
                            space.intern(&next, si, u32::try_from(t).unwrap_or(u32::MAX));
                        succ.push(j);
                        revisit |= !new;
                        if new && space.len() > max_states {
                            complete = false;
                        }
                    }
                    Err(_place) => {
                        bad = true;
                        let node = net.transitions[t].node;
                        if reported.insert((Problem::LackOfSync, node)) {
                            let mut trace = space.trace(net, si);
                            trace.push(node);
                            let mut run = space.run(si);
                            run.push(u32::try_from(t).unwrap_or(u32::MAX));
                            findings.push(RawFinding {
                                problem: Problem::LackOfSync,
                                element: node,
                                related: Vec::new(),
                                trace,
                                run,
                                affected: Vec::new(),
                            });
                        }
                    }
                }
            }
            // The cycle proviso: a reduced state that reaches a known state is expanded
            // fully, so no transition is ignored forever round a cycle. An unsafe firing
            // ends its run, so it depends on every other transition: expand fully too.
            let cyclic = reducer.as_ref().is_some_and(|r| r.cyclic);
            if full || !(bad || (revisit && cyclic)) {
                break;
            }
            todo = en
                .iter()
                .copied()
                .filter(|t| todo.binary_search(t).is_err())
                .collect();
            full = true;
        }
        if !any && !fin {
            bad = true;
            report_deadlock(
                model,
                net,
                &space,
                si,
                &m,
                pools,
                &mut reported,
                &mut findings,
            );
        }
        stuck.push(bad);
        cur += 1;
        if !complete {
            break;
        }
    }
    let states = space.len();
    super::causes::group_lack_of_sync(net, &mut findings);
    if !complete {
        return Outcome {
            states,
            complete,
            findings,
        };
    }
    succ_off.push(u32::try_from(succ.len()).unwrap_or(u32::MAX));
    report_livelock(
        model,
        net,
        &space,
        &succ_off,
        &succ,
        &is_final,
        &stuck,
        &mut findings,
    );
    // Dead activities: never started in any reachable state.
    let mut started = std::collections::HashSet::new();
    for (t, f) in fired.iter().enumerate() {
        if *f {
            if let Some(a) = net.transitions[t].activity {
                started.insert(a);
            }
        }
    }
    for &a in &net.activities {
        if !started.contains(&a) {
            findings.push(RawFinding {
                problem: Problem::DeadActivity,
                element: a,
                related: Vec::new(),
                trace: Vec::new(),
                run: Vec::new(),
                affected: Vec::new(),
            });
        }
    }
    super::causes::fold_dead_activities(model, net, &mut findings, &fired);
    Outcome {
        states,
        complete,
        findings,
    }
}

#[allow(clippy::too_many_arguments)]
fn report_deadlock(
    model: &Model,
    net: &Net,
    space: &Space,
    si: u32,
    m: &[u64],
    pools: usize,
    reported: &mut std::collections::HashSet<(Problem, ElementId)>,
    findings: &mut Vec<RawFinding>,
) {
    let mut waiters: Vec<(ElementId, bool)> = Vec::new();
    for (i, p) in net.places.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if is_token(p.kind) && has(m, i) {
            let w = p.waiter.unwrap_or(p.el);
            waiters.push((w, net.waits_for_message.contains(&i)));
        }
    }
    let message = pools > 1 && waiters.iter().any(|&(_, msg)| msg);
    let rank = |&(w, msg): &(ElementId, bool)| {
        let e = model.el(w);
        if message {
            u8::from(!msg)
        } else if e.kind.is_gateway() && e.links.incoming.len() > 1 {
            0
        } else if e.kind.is_gateway() {
            1
        } else if e.kind == Kind::IntermediateThrowEvent {
            2
        } else {
            3
        }
    };
    let Some(&(fault, _)) = waiters.iter().min_by_key(|w| rank(w)) else {
        return;
    };
    let problem = if message {
        Problem::MessageDeadlock
    } else {
        Problem::Deadlock
    };
    if reported.insert((problem, fault)) {
        let mut related: Vec<ElementId> = waiters
            .iter()
            .map(|&(w, _)| w)
            .filter(|&w| w != fault)
            .collect();
        related.dedup();
        let mut trace = space.trace(net, si);
        trace.push(fault);
        findings.push(RawFinding {
            problem,
            element: fault,
            related,
            trace,
            run: Vec::new(),
            affected: Vec::new(),
        });
    }
}

/// States from which neither completion nor an already reported violation is reachable
/// but which still move: the run loops forever.
#[allow(clippy::too_many_arguments)]
fn report_livelock(
    model: &Model,
    net: &Net,
    space: &Space,
    succ_off: &[u32],
    succ: &[u32],
    is_final: &[bool],
    stuck: &[bool],
    findings: &mut Vec<RawFinding>,
) {
    let n = is_final.len();
    let mut rev_off = vec![0u32; n + 1];
    for &j in succ {
        rev_off[j as usize + 1] += 1;
    }
    for i in 0..n {
        rev_off[i + 1] += rev_off[i];
    }
    let mut fill = rev_off.clone();
    let mut rev = vec![0u32; succ.len()];
    for i in 0..n {
        for &j in &succ[succ_off[i] as usize..succ_off[i + 1] as usize] {
            rev[fill[j as usize] as usize] = u32::try_from(i).unwrap_or(u32::MAX);
            fill[j as usize] += 1;
        }
    }
    let mut good = vec![false; n];
    let mut queue: Vec<u32> = Vec::new();
    for i in 0..n {
        if is_final[i] || stuck[i] {
            good[i] = true;
            queue.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
    }
    while let Some(j) = queue.pop() {
        for &i in &rev[rev_off[j as usize] as usize..rev_off[j as usize + 1] as usize] {
            if !good[i as usize] {
                good[i as usize] = true;
                queue.push(i);
            }
        }
    }
    let Some(s0) = (0..n).find(|&i| !good[i]) else {
        return;
    };
    // Follow the loop from s0 until a state repeats.
    let mut order: Vec<u32> = Vec::new();
    let mut pos = std::collections::HashMap::new();
    let mut cur = u32::try_from(s0).unwrap_or(u32::MAX);
    let mut via: Vec<ElementId> = Vec::new();
    let start = loop {
        if let Some(&k) = pos.get(&cur) {
            break k;
        }
        pos.insert(cur, order.len());
        order.push(cur);
        let i = cur as usize;
        let Some(&j) = succ[succ_off[i] as usize..succ_off[i + 1] as usize]
            .iter()
            .find(|&&j| !good[j as usize])
        else {
            break order.len();
        };
        // The firing from i to j: j's BFS parent may differ, so find the transition anew.
        via.push(step_node(net, space, cur, j));
        cur = j;
    };
    let cycle: Vec<ElementId> = via.get(start..).map(<[_]>::to_vec).unwrap_or_default();
    let fault = cycle
        .iter()
        .copied()
        .find(|&e| model.el(e).kind.is_gateway())
        .or_else(|| cycle.first().copied())
        .unwrap_or(ElementId(0));
    let mut trace = space.trace(net, u32::try_from(s0).unwrap_or(u32::MAX));
    trace.extend(&via);
    // End the witness at the fault, going once more round the loop if needed.
    if let Some(k) = cycle.iter().position(|&e| e == fault) {
        if trace.last() != Some(&fault) {
            trace.extend(&cycle[..=k]);
        }
    }
    findings.push(RawFinding {
        problem: Problem::Livelock,
        element: fault,
        related: cycle,
        trace,
        run: Vec::new(),
        affected: Vec::new(),
    });
}

/// The element of a transition leading from state `i` to state `j`.
fn step_node(net: &Net, space: &Space, i: u32, j: u32) -> ElementId {
    let m = space.state(i);
    let target = space.state(j);
    let mut buf = Vec::new();
    for t in 0..net.transitions.len() {
        if enabled(net, t, m) && fire(net, t, m, &mut buf).is_ok() && buf == target {
            return net.transitions[t].node;
        }
    }
    net.transitions[space.via[j as usize] as usize].node
}
