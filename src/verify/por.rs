//! Partial-order reduction with stubborn sets (Valmari). Concurrent branches make the
//! state space the product of the branches' states; most of those interleavings differ
//! only in the order of independent firings. In every state the search fires only a
//! *stubborn* subset of the enabled transitions, computed by closure:
//!
//! - an enabled transition in the set brings in every transition *dependent* on it: one
//!   that writes a place it reads, reads a place it writes, or writes a place it writes;
//! - a disabled transition in the set brings in a *necessary enabling set*: the producers
//!   of one unmarked input place, the consumers of one marked inhibitor place, or for an
//!   inclusive join the producers of a missing input plus the consumers of one token
//!   upstream of it (the non-local rule is a read of every upstream place).
//!
//! Reads include the output places (firing onto a marked flow is the lack-of-
//! synchronisation check) and writes include cleared places (terminate end events).
//! Improper completion (two tokens before one end event) is a state property; it is
//! kept by a virtual transition per such end event that reads the event's incoming
//! flows, so whatever moves tokens there joins the set when the check is involved.
//!
//! With every enabled member a key transition, such sets preserve every reachable dead
//! state, every reachable firing of a transition (so unsafe firings, improper completion
//! and dead activities are found) and the states from which no end is reachable
//! (livelocks), provided no transition is ignored forever on a cycle. When the net can
//! cycle, a state is therefore expanded fully whenever one of its reduced successors was
//! seen before (every cycle of the reduced graph then holds a fully expanded state). An
//! acyclic net needs no such proviso. A firing that puts a second token on a flow ends
//! its run (nothing after it is explored), so it depends on every other transition: a
//! state whose reduced set holds one is expanded fully as well. Nets with transitions that fire without any token
//! (message start events waiting for a new instance) are not reduced: the final state
//! would not be dead there.

use super::net::{Net, PlaceKind};

fn is_token(kind: PlaceKind) -> bool {
    matches!(
        kind,
        PlaceKind::Flow | PlaceKind::Start | PlaceKind::Running | PlaceKind::EventGateway
    )
}

fn has(m: &[u64], p: u32) -> bool {
    m[p as usize / 64] & (1 << (p % 64)) != 0
}

/// Compressed lists: `items[off[i]..off[i + 1]]`.
#[derive(Debug, Default)]
struct Lists {
    off: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    fn from(rows: Vec<Vec<u32>>) -> Lists {
        let mut off = Vec::with_capacity(rows.len() + 1);
        let mut items = Vec::new();
        off.push(0);
        for mut r in rows {
            r.sort_unstable();
            r.dedup();
            items.extend(r);
            off.push(u32::try_from(items.len()).unwrap_or(u32::MAX));
        }
        Lists { off, items }
    }

    fn get(&self, i: usize) -> &[u32] {
        &self.items[self.off[i] as usize..self.off[i + 1] as usize]
    }
}

/// Dependency data of one net.
#[derive(Debug)]
pub(crate) struct Reducer {
    /// Real transitions; ids from here on are the virtual end-event checks.
    real: usize,
    reads: Lists,
    writes: Lists,
    /// Per place: transitions (real and virtual) that read it.
    readers: Lists,
    /// Per place: real transitions that write it.
    writers: Lists,
    /// Per place: transitions that put a token on it.
    producers: Lists,
    /// Per place: transitions that take its token away (consume or clear).
    unmarkers: Lists,
    /// Whether a firing sequence can return to a marking (then the cycle proviso holds).
    pub cyclic: bool,
    /// Membership stamps of the closure.
    mark: Vec<u32>,
    generation: u32,
    stack: Vec<u32>,
    members: Vec<u32>,
}

impl Reducer {
    /// Dependency data for `net`, or `None` when the net must not be reduced.
    pub(crate) fn new(net: &Net) -> Option<Reducer> {
        let np = net.places.len();
        let real = net.transitions.len();
        let ins_of = |t: usize| -> &[u32] {
            net.transitions[t]
                .or_join
                .and_then(|j| net.or_joins.get(j as usize))
                .map_or(&[], |j| &j.ins[..])
        };
        // A transition that needs no token (a message start event) can fire in a state
        // without tokens: final states would not be dead, which the reduction relies on.
        for t in 0..real {
            let tr = &net.transitions[t];
            if !tr
                .pre
                .iter()
                .chain(ins_of(t))
                .any(|&p| is_token(net.places[p as usize].kind))
            {
                return None;
            }
        }
        let mut reads: Vec<Vec<u32>> = Vec::with_capacity(real + net.end_checks.len());
        let mut writes: Vec<Vec<u32>> = Vec::with_capacity(real);
        let mut producers = vec![Vec::new(); np];
        let mut unmarkers = vec![Vec::new(); np];
        for t in 0..real {
            let tr = &net.transitions[t];
            let id = u32::try_from(t).unwrap_or(u32::MAX);
            let mut r: Vec<u32> = tr.pre.clone();
            r.extend(&tr.inhibit);
            r.extend(&tr.post);
            let mut w: Vec<u32> = tr.pre.clone();
            w.extend(&tr.post);
            w.extend(&tr.clear);
            if let Some(join) = tr.or_join.and_then(|j| net.or_joins.get(j as usize)) {
                r.extend(&join.ins);
                w.extend(&join.ins);
                for up in &join.upstream {
                    for (wi, &word) in up.iter().enumerate() {
                        let mut bits = word;
                        while bits != 0 {
                            let b = bits.trailing_zeros() as usize;
                            bits &= bits - 1;
                            if let Ok(p) = u32::try_from(wi * 64 + b) {
                                r.push(p);
                            }
                        }
                    }
                }
            }
            for &p in &tr.post {
                producers[p as usize].push(id);
            }
            for &p in tr.pre.iter().chain(ins_of(t)).chain(&tr.clear) {
                unmarkers[p as usize].push(id);
            }
            reads.push(r);
            writes.push(w);
        }
        for (_, ins) in &net.end_checks {
            reads.push(ins.clone());
        }
        let mut readers = vec![Vec::new(); np];
        let mut writers = vec![Vec::new(); np];
        for (t, r) in reads.iter().enumerate() {
            let id = u32::try_from(t).unwrap_or(u32::MAX);
            for &p in r {
                readers[p as usize].push(id);
            }
        }
        for (t, w) in writes.iter().enumerate() {
            let id = u32::try_from(t).unwrap_or(u32::MAX);
            for &p in w {
                writers[p as usize].push(id);
            }
        }
        let total = reads.len();
        Some(Reducer {
            real,
            cyclic: place_graph_cyclic(net),
            reads: Lists::from(reads),
            writes: Lists::from(writes),
            readers: Lists::from(readers),
            writers: Lists::from(writers),
            producers: Lists::from(producers),
            unmarkers: Lists::from(unmarkers),
            mark: vec![0; total],
            generation: 0,
            stack: Vec::new(),
            members: Vec::new(),
        })
    }

    fn add(&mut self, t: u32) {
        if self.mark[t as usize] != self.generation {
            self.mark[t as usize] = self.generation;
            self.stack.push(t);
        }
    }

    fn add_all(&mut self, list: fn(&Reducer) -> &Lists, i: usize) {
        let n = list(self).get(i).len();
        for k in 0..n {
            let t = list(self).get(i)[k];
            self.add(t);
        }
    }

    /// The enabled members of a stubborn set of marking `m` that contains `seed`, or
    /// `None` once it would hold `limit` or more enabled transitions.
    fn closure(
        &mut self,
        net: &Net,
        m: &[u64],
        is_enabled: &dyn Fn(u32) -> bool,
        is_unsafe: &dyn Fn(u32) -> bool,
        seed: u32,
        limit: usize,
    ) -> Option<Vec<u32>> {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.mark.iter_mut().for_each(|x| *x = 0);
            self.generation = 1;
        }
        self.stack.clear();
        self.members.clear();
        self.add(seed);
        while let Some(t) = self.stack.pop() {
            let ti = t as usize;
            if ti >= self.real {
                // A virtual end-event check: whatever moves tokens on its inputs.
                let n = self.reads.get(ti).len();
                for k in 0..n {
                    let p = self.reads.get(ti)[k] as usize;
                    self.add_all(|r| &r.writers, p);
                }
                continue;
            }
            if is_enabled(t) {
                self.members.push(t);
                if self.members.len() >= limit || is_unsafe(t) {
                    return None;
                }
                let n = self.writes.get(ti).len();
                for k in 0..n {
                    let p = self.writes.get(ti)[k] as usize;
                    self.add_all(|r| &r.readers, p);
                    self.add_all(|r| &r.writers, p);
                }
                let n = self.reads.get(ti).len();
                for k in 0..n {
                    let p = self.reads.get(ti)[k] as usize;
                    self.add_all(|r| &r.writers, p);
                }
            } else {
                self.enabling_set(net, m, ti, is_enabled);
            }
        }
        Some(std::mem::take(&mut self.members))
    }

    /// Adds transitions one of which must fire before disabled transition `t` can be
    /// enabled.
    fn enabling_set(&mut self, net: &Net, m: &[u64], t: usize, is_enabled: &dyn Fn(u32) -> bool) {
        let tr = &net.transitions[t];
        // An unmarked input: the one that brings in the fewest new transitions, enabled
        // ones counting most (a join whose missing input comes from the seed itself
        // adds nothing).
        let cost = |p: u32| -> usize {
            self.producers
                .get(p as usize)
                .iter()
                .filter(|&&u| self.mark[u as usize] != self.generation)
                .map(|&u| if is_enabled(u) { 1000 } else { 1 })
                .sum()
        };
        if let Some(&p) = tr
            .pre
            .iter()
            .filter(|&&p| !has(m, p))
            .min_by_key(|&&p| cost(p))
        {
            self.add_all(|r| &r.producers, p as usize);
            return;
        }
        if let Some(&p) = tr.inhibit.iter().find(|&&p| has(m, p)) {
            self.add_all(|r| &r.unmarkers, p as usize);
            return;
        }
        let Some(join) = tr.or_join.and_then(|j| net.or_joins.get(j as usize)) else {
            return;
        };
        if !join.ins.iter().any(|&p| has(m, p)) {
            for &p in &join.ins {
                self.add_all(|r| &r.producers, p as usize);
            }
            return;
        }
        // A token the join must wait for (see `explore::or_blocker`): that token must move
        // away, or an empty input it can reach must get one (then it reaches a marked one).
        let Some(q) = super::explore::or_blocker(join, m) else {
            return;
        };
        self.add_all(|r| &r.unmarkers, q);
        for (k, &p) in join.ins.iter().enumerate() {
            if !has(m, p) && join.upstream[k][q / 64] & (1 << (q % 64)) != 0 {
                self.add_all(|r| &r.producers, p as usize);
            }
        }
    }

    /// The transitions to fire in marking `m`: a smallest stubborn set found by trying
    /// each enabled transition as the seed (`enabled` is sorted). A set must not hold a
    /// firing that would put a second token on a flow (`is_unsafe`): that firing ends its
    /// run, so it depends on every transition; when no set avoids one, all are fired.
    pub(crate) fn choose(
        &mut self,
        net: &Net,
        m: &[u64],
        enabled: &[u32],
        is_enabled: &dyn Fn(u32) -> bool,
        is_unsafe: &dyn Fn(u32) -> bool,
    ) -> Vec<u32> {
        let mut best: Option<Vec<u32>> = None;
        for &seed in enabled {
            if is_unsafe(seed) {
                continue;
            }
            let limit = best.as_ref().map_or(enabled.len(), Vec::len);
            if let Some(set) = self.closure(net, m, is_enabled, is_unsafe, seed, limit) {
                let one = set.len() == 1;
                best = Some(set);
                if one {
                    break;
                }
            }
        }
        let mut set = best.unwrap_or_else(|| enabled.to_vec());
        set.sort_unstable();
        set
    }
}

/// Whether the graph "a transition consumes p and produces q" has a cycle. Without one,
/// every firing replaces tokens by tokens further along, so no marking repeats.
fn place_graph_cyclic(net: &Net) -> bool {
    let np = net.places.len();
    let mut succ: Vec<Vec<u32>> = vec![Vec::new(); np];
    for tr in &net.transitions {
        let ins: &[u32] = tr
            .or_join
            .and_then(|j| net.or_joins.get(j as usize))
            .map_or(&[], |j| &j.ins[..]);
        for &p in tr.pre.iter().chain(ins) {
            succ[p as usize].extend(&tr.post);
        }
    }
    // Iterative depth-first search with colours: 0 new, 1 on the stack, 2 done.
    let mut colour = vec![0u8; np];
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for s in 0..np {
        if colour[s] != 0 {
            continue;
        }
        colour[s] = 1;
        stack.push((u32::try_from(s).unwrap_or(u32::MAX), 0));
        while let Some(&mut (p, ref mut i)) = stack.last_mut() {
            if let Some(&q) = succ[p as usize].get(*i) {
                *i += 1;
                match colour[q as usize] {
                    0 => {
                        colour[q as usize] = 1;
                        stack.push((q, 0));
                    }
                    1 => return true,
                    _ => {}
                }
            } else {
                colour[p as usize] = 2;
                stack.pop();
            }
        }
    }
    false
}
