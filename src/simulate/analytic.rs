//! The analytic estimate: the cycle-time distribution without resource contention,
//! computed from the model's structure on a discretised time grid, plus a queueing
//! estimate of the waiting per resource pool.
//!
//! The process graph is reduced to a block tree by three rewrite rules, repeated until
//! one edge from start to end remains:
//! - **series**: a node with one incoming and one outgoing edge → convolution;
//! - **parallel edges** between a split and a join → mixture (XOR), maximum (AND), or
//!   maximum over the subsets that fire (OR, branches independent as in the engine);
//! - **loops**: a join whose only successor is an XOR split with an edge back to it → a
//!   geometric number of iterations (`T = A + K·(B + A)`, solved by one recurrence).
//!
//! Interrupting boundary timers with a fixed duration `c` on tasks become an XOR split:
//! `T | T < c` on the normal path with probability `P(T < c)`, the constant `c` on the
//! timer's path otherwise.
//!
//! A sub-process whose only boundary events are interrupting ones caught from inside
//! (error, cancel, interrupting escalation) and with no parallel flow inside is drawn into
//! its parent's graph: a throw is an edge straight to the boundary event that catches it,
//! so an exclusive choice of the error end event is a mixture like any other. Other
//! throws (non-interrupting escalations, event sub-processes, uncaught errors, errors
//! caught further out) are sampled.
//!
//! This is exact (up to the grid step) for block-structured models. When the reduction
//! gets stuck (unstructured models, other boundary events, event-based gateways, terminate
//! events), the distribution is instead sampled from the engine with unlimited resources
//! and flagged as approximate.

use serde::Serialize;

use super::dist::{Dist, Shape};
use super::engine::{self, RunSpec};
use super::net::{Catch, Net, Node, NodeKind, Repeat, Trigger};
use super::stats::{Stat, percentile};

/// Points of the time grid.
const GRID: usize = 4096;

/// Cases sampled when the distribution cannot be computed.
const SAMPLED_CASES: u64 = 20_000;

/// Cases of the pilot run that decides whether the full sample is worth running.
const PILOT_CASES: u64 = 500;

/// The analytic estimate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Analytic {
    /// `grid` (computed from the block structure) or `sampled` (contention-free
    /// simulation, for models that are not block-structured).
    pub method: &'static str,
    /// Whether the figures are approximate (not block-structured).
    pub approximate: bool,
    /// Why it is approximate, or what the grid step was.
    pub note: String,
    /// Cycle time without contention (no queueing, calendars ignored), s.
    pub cycle_time: Stat,
    /// Its standard deviation, s.
    pub cycle_sd: f64,
    /// Expected executions per case, per activity id.
    pub visits: Vec<(String, f64)>,
    /// Queueing estimate per pool.
    pub queueing: Vec<PoolQueue>,
    /// Mean cycle time plus the expected queueing delays, s (absent if a pool is
    /// overloaded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle_mean_with_queueing: Option<f64>,
}

/// Queueing estimate of one pool.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PoolQueue {
    /// Pool name.
    pub pool: String,
    /// Servers (units).
    pub servers: u32,
    /// Arrivals of work per hour.
    pub arrivals_per_hour: f64,
    /// Offered load per server.
    pub utilisation: f64,
    /// Mean wait per task (Erlang C, scaled by (Ca² + Cs²)/2 for general service times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_mean_s: Option<f64>,
    /// `M/M/c` when arrivals and service times are exponential, else `M/G/c` (Allen–Cunneen).
    /// Units that work only part of the week count as 24/7 units with stretched tasks.
    pub model: &'static str,
}

#[derive(Debug, Clone)]
enum Expr {
    Zero,
    Leaf(u32, Option<u32>),
    Seq(Vec<Expr>),
    Xor(Vec<(f64, Expr)>),
    And(Vec<Expr>),
    Or(Vec<(f64, Expr)>),
    Loop(Box<Expr>, Box<Expr>, f64),
    MaxN(Box<Expr>, u32),
    SumN(Box<Expr>, u32),
    /// A task's duration given that it ends before an interrupting timer `c`.
    Below(u32, f64, Option<u32>),
    /// A constant (an interrupting timer that fired), counting a visit of the activity.
    Const(f64, Option<u32>),
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum SplitKind {
    Xor,
    And,
    Or,
    Plain,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum JoinKind {
    Xor,
    And,
    Or,
    Sink,
}

struct Edge {
    from: usize,
    to: usize,
    expr: Expr,
    prob: f64,
    alive: bool,
}

struct Graph {
    split: Vec<SplitKind>,
    join: Vec<JoinKind>,
    edges: Vec<Edge>,
}

impl Graph {
    fn outs(&self, v: usize) -> Vec<usize> {
        (0..self.edges.len())
            .filter(|&i| self.edges[i].alive && self.edges[i].from == v)
            .collect()
    }
    fn ins(&self, v: usize) -> Vec<usize> {
        (0..self.edges.len())
            .filter(|&i| self.edges[i].alive && self.edges[i].to == v)
            .collect()
    }
}

/// Why the reduction failed.
type Fail = String;

/// The earliest fixed interrupting timer of a task, when that is its only kind of
/// boundary event (the analytic method handles those exactly).
fn timer_cut(net: &Net, node: u32) -> Result<Option<f64>, Fail> {
    let n = &net.nodes[node as usize];
    let (a, b) = n.bounds;
    if a == b {
        return Ok(None);
    }
    if !matches!(n.kind, NodeKind::Task { .. }) || n.repeat != Repeat::Once {
        return Err("boundary events on a sub-process or repeated activity".to_owned());
    }
    let mut cut = f64::INFINITY;
    for bi in a..b {
        let bd = net.bounds[bi as usize];
        match bd.trigger {
            super::net::Trigger::Timer(d) if bd.interrupting => match net.dists[d as usize].shape {
                Shape::Fixed(c) => cut = cut.min(c),
                _ => return Err("a boundary timer with a random duration".to_owned()),
            },
            _ => return Err("non-interrupting or non-timer boundary events".to_owned()),
        }
    }
    Ok(Some(cut))
}

fn activity_expr(net: &Net, node: u32) -> Result<Expr, Fail> {
    let n = &net.nodes[node as usize];
    if n.bounds.1 > n.bounds.0 {
        return Err("boundary events".to_owned());
    }
    let base = match n.kind {
        NodeKind::Task { act } => match net.elig_of(act).first() {
            Some(&(_, d)) => Expr::Leaf(d, Some(act)),
            None => Expr::Zero,
        },
        NodeKind::Sub { scope, act } => {
            let inner = scope_expr(net, scope)?;
            Expr::Seq(vec![inner, Expr::Leaf(u32::MAX, Some(act))])
        }
        NodeKind::Catch { dist } => Expr::Leaf(dist, None),
        NodeKind::EventGw => return Err("an event-based gateway".to_owned()),
        NodeKind::Terminate => return Err("a terminate end event".to_owned()),
        NodeKind::Throw { throw } => match net.throws[throw as usize].catch {
            Catch::Ignored => Expr::Zero,
            Catch::Uncaught => return Err("an error end event nothing catches".to_owned()),
            Catch::Boundary { .. } | Catch::EventSub { .. } => {
                return Err(
                    "an error, escalation or cancel event caught further out than the boundary of its own sub-process, or without interrupting it".to_owned(),
                );
            }
        },
        _ => Expr::Zero,
    };
    Ok(match n.repeat {
        Repeat::Once => base,
        Repeat::Parallel(k) => Expr::MaxN(Box::new(base), k),
        Repeat::Sequential(k) => Expr::SumN(Box::new(base), k),
        Repeat::Loop { p, .. } => Expr::Loop(Box::new(base), Box::new(Expr::Zero), p),
    })
}

/// Whether a sub-process is drawn into its parent's graph instead of being one block: it
/// runs once and its only boundary events are interrupting ones that events thrown
/// inside it trigger (errors, cancels, interrupting escalations). Its flow then leaves
/// either by its end (the sub-process's own outgoing flows) or by a throw, straight to
/// the boundary event that catches it, which is an exclusive choice the reduction
/// handles like any other.
fn inlined(net: &Net, n: u32) -> bool {
    let node = &net.nodes[n as usize];
    let NodeKind::Sub { scope, .. } = node.kind else {
        return false;
    };
    let (a, b) = node.bounds;
    a < b
        && node.repeat == Repeat::Once
        && net.bounds[a as usize..b as usize]
            .iter()
            .all(|bd| bd.interrupting && bd.trigger == Trigger::Thrown)
        && net.scopes[scope as usize].event_subs.is_empty()
        && net.scopes[scope as usize].starts.len() == 1
        // One token at a time inside: a throw that ends one of several parallel branches
        // would cut the others short, which no block of the reduction expresses.
        && net.nodes.iter().filter(|m| m.scope == scope).all(|m| {
            !matches!(m.kind, NodeKind::And { .. } | NodeKind::Or { .. })
                && (m.kind == NodeKind::Xor || m.out.1 - m.out.0 <= 1)
        })
}

/// The nodes of a scope, with those of the sub-processes drawn into it ([`inlined`]).
fn graph_members(net: &Net, scope: u32, out: &mut Vec<u32>) {
    for i in 0..net.nodes.len() {
        if net.nodes[i].scope != scope {
            continue;
        }
        let n = u32::try_from(i).unwrap_or(0);
        out.push(n);
        if let (true, NodeKind::Sub { scope: inner, .. }) = (inlined(net, n), net.nodes[i].kind) {
            graph_members(net, inner, out);
        }
    }
}

fn scope_expr(net: &Net, scope: u32) -> Result<Expr, Fail> {
    let mut members = Vec::new();
    graph_members(net, scope, &mut members);
    let starts = &net.scopes[scope as usize].starts;
    if !net.scopes[scope as usize].event_subs.is_empty() {
        return Err("an event sub-process".to_owned());
    }
    if starts.len() != 1 {
        return Err("several start nodes".to_owned());
    }
    // Graph nodes: each net node n has in(n) = 2i and out(n) = 2i+1; sink is last.
    let idx = |n: u32| members.iter().position(|&m| m == n).unwrap_or(usize::MAX);
    let count = members.len() * 2 + 1;
    let sink = count - 1;
    let mut g = Graph {
        split: vec![SplitKind::Plain; count],
        join: vec![JoinKind::Xor; count],
        edges: Vec::new(),
    };
    g.join[sink] = JoinKind::Sink;
    // Where a token that ends in a scope goes: the sink for this scope, the `out` vertex of
    // the sub-process for an inlined one (which then waits for all of them, like a sink).
    let exit = |s: u32| -> usize {
        if s == scope {
            return sink;
        }
        members
            .iter()
            .position(
                |&m| matches!(net.nodes[m as usize].kind, NodeKind::Sub { scope: x, .. } if x == s),
            )
            .map_or(sink, |i| 2 * i + 1)
    };
    // The edges that leave a node's `out` vertex: one per outgoing flow `k`, taken with
    // chance `prob(k)`, or one certain edge to where its scope ends when it has none.
    let out_edges = |g: &mut Graph,
                     vout: usize,
                     node: &Node,
                     prob: &dyn Fn(usize) -> f64|
     -> Result<(), Fail> {
        let (a, b) = node.out;
        if a == b {
            g.edges.push(Edge {
                from: vout,
                to: exit(node.scope),
                expr: Expr::Zero,
                prob: 1.0,
                alive: true,
            });
        }
        for k in a..b {
            let j = idx(net.succ[k as usize]);
            if j == usize::MAX {
                return Err("a flow leaves the scope".to_owned());
            }
            g.edges.push(Edge {
                from: vout,
                to: 2 * j,
                expr: Expr::Zero,
                prob: prob(k as usize),
                alive: true,
            });
        }
        Ok(())
    };
    // A node whose every outgoing flow is taken (an AND split).
    let and_out = |g: &mut Graph, vout: usize, node: &Node| -> Result<(), Fail> {
        g.split[vout] = SplitKind::And;
        out_edges(g, vout, node, &|_| 1.0)
    };
    for (i, &n) in members.iter().enumerate() {
        let node = &net.nodes[n as usize];
        let (vin, vout) = (2 * i, 2 * i + 1);
        if let (true, NodeKind::Sub { scope: inner, act }) = (inlined(net, n), node.kind) {
            let start = net.scopes[inner as usize].starts.first().copied().map(idx);
            let Some(j) = start.filter(|&j| j != usize::MAX) else {
                return Err("a sub-process without a start".to_owned());
            };
            // Entering counts a visit; the inner flow runs to `vout`, a join that waits
            // for all inner tokens, and on along the sub-process's flows.
            g.edges.push(Edge {
                from: vin,
                to: 2 * j,
                expr: Expr::Leaf(u32::MAX, Some(act)),
                prob: 1.0,
                alive: true,
            });
            g.join[vout] = JoinKind::Sink;
            and_out(&mut g, vout, node)?;
            continue;
        }
        if let NodeKind::Throw { throw } = node.kind {
            if let Catch::Boundary { host, bound } = net.throws[throw as usize].catch {
                // Thrown to an inlined sub-process's boundary event: the token goes there
                // (the catch interrupts the sub-process, so nothing else of it is left).
                let j = idx(net.bounds[bound as usize].node);
                if idx(host) == usize::MAX || j == usize::MAX || !inlined(net, host) {
                    return Err(
                        "an error, escalation or cancel event caught further out than the boundary of its own sub-process, or without interrupting it".to_owned(),
                    );
                }
                g.edges.push(Edge {
                    from: vin,
                    to: vout,
                    expr: Expr::Zero,
                    prob: 1.0,
                    alive: true,
                });
                g.edges.push(Edge {
                    from: vout,
                    to: 2 * j,
                    expr: Expr::Zero,
                    prob: 1.0,
                    alive: true,
                });
                continue;
            }
        }
        if let (Some(c), NodeKind::Task { act }) = (timer_cut(net, n)?, node.kind) {
            // vin → split: before the timer (T | T < c) → vout, or the timer fires at c →
            // the boundary event with the earliest timer.
            let Some(&(_, d)) = net.elig_of(act).first() else {
                return Err("a task without resources".to_owned());
            };
            let q = net.dists[d as usize].cdf(c - 1e-9);
            let vx = g.split.len();
            g.split.push(SplitKind::Xor);
            g.join.push(JoinKind::Xor);
            g.edges.push(Edge {
                from: vin,
                to: vx,
                expr: Expr::Zero,
                prob: 1.0,
                alive: true,
            });
            g.edges.push(Edge {
                from: vx,
                to: vout,
                expr: Expr::Below(d, c, Some(act)),
                prob: q,
                alive: true,
            });
            let (a, b) = node.bounds;
            let first = (a..b)
                .find(|&bi| matches!(net.bounds[bi as usize].trigger, super::net::Trigger::Timer(t) if matches!(net.dists[t as usize].shape, Shape::Fixed(x) if x == c)))
                .map(|bi| net.bounds[bi as usize].node);
            let Some(bnode) = first.map(idx).filter(|&j| j != usize::MAX) else {
                return Err("a boundary event outside the scope".to_owned());
            };
            g.edges.push(Edge {
                from: vx,
                to: 2 * bnode,
                expr: Expr::Const(c, Some(act)),
                prob: 1.0 - q,
                alive: true,
            });
            and_out(&mut g, vout, node)?;
            continue;
        }
        let expr = activity_expr(net, n)?;
        match node.kind {
            NodeKind::Xor => g.split[vout] = SplitKind::Xor,
            NodeKind::And { .. } => {
                g.split[vout] = SplitKind::And;
                g.join[vin] = JoinKind::And;
            }
            NodeKind::Or { .. } => {
                g.split[vout] = SplitKind::Or;
                g.join[vin] = JoinKind::Or;
            }
            _ => g.split[vout] = SplitKind::And,
        }
        g.edges.push(Edge {
            from: vin,
            to: vout,
            expr,
            prob: 1.0,
            alive: true,
        });
        // An exclusive split's chances are stored cumulatively over its flows.
        let first = node.out.0 as usize;
        let is_xor = matches!(node.kind, NodeKind::Xor);
        out_edges(&mut g, vout, node, &|k| {
            let before = if is_xor && k > first {
                net.prob[k - 1]
            } else {
                0.0
            };
            net.prob[k] - before
        })?;
    }
    let source = 2 * idx(starts[0]);
    // Parts no token can reach (such as the path after a boundary event that nothing
    // thrown reaches) never run: drop them.
    loop {
        let dead: Vec<usize> = (0..g.edges.len())
            .filter(|&e| {
                g.edges[e].alive && g.edges[e].from != source && g.ins(g.edges[e].from).is_empty()
            })
            .collect();
        if dead.is_empty() {
            break;
        }
        for e in dead {
            g.edges[e].alive = false;
        }
    }
    reduce(&mut g, source, sink)
}

fn reduce(g: &mut Graph, source: usize, sink: usize) -> Result<Expr, Fail> {
    loop {
        let mut changed = false;
        let n = g.split.len();
        // Series.
        for v in 0..n {
            if v == source || v == sink {
                continue;
            }
            let ins = g.ins(v);
            let outs = g.outs(v);
            if ins.len() == 1 && outs.len() == 1 && ins[0] != outs[0] {
                let (e1, e2) = (ins[0], outs[0]);
                let x1 = std::mem::replace(&mut g.edges[e1].expr, Expr::Zero);
                let x2 = std::mem::replace(&mut g.edges[e2].expr, Expr::Zero);
                g.edges[e1].alive = false;
                g.edges[e2].alive = false;
                let (from, to, prob) = (g.edges[e1].from, g.edges[e2].to, g.edges[e1].prob);
                g.edges.push(Edge {
                    from,
                    to,
                    expr: seq(x1, x2),
                    prob,
                    alive: true,
                });
                changed = true;
            }
        }
        // Self loops on an XOR node.
        for v in 0..n {
            let outs = g.outs(v);
            if let Some(&e) = outs.iter().find(|&&e| g.edges[e].to == v) {
                if outs.iter().all(|&o| g.edges[o].to == v) {
                    return Err("a loop with no way out".to_owned());
                }
                if g.split[v] != SplitKind::Xor || !matches!(g.join[v], JoinKind::Xor) {
                    return Err("a loop through a non-exclusive gateway".to_owned());
                }
                let p = g.edges[e].prob;
                if p >= 1.0 {
                    return Err("a loop that is never left".to_owned());
                }
                let back = std::mem::replace(&mut g.edges[e].expr, Expr::Zero);
                g.edges[e].alive = false;
                let l = Expr::Loop(Box::new(Expr::Zero), Box::new(back), p);
                for &o in &outs {
                    if o != e {
                        let x = std::mem::replace(&mut g.edges[o].expr, Expr::Zero);
                        g.edges[o].expr = seq(l.clone(), x);
                        g.edges[o].prob /= 1.0 - p;
                    }
                }
                changed = true;
            }
        }
        // Loop: j has one out-edge to s; s has an edge back to j.
        for j in 0..n {
            let outs = g.outs(j);
            if outs.len() != 1 || j == sink {
                continue;
            }
            let s = g.edges[outs[0]].to;
            if s == j {
                continue;
            }
            let back = g.outs(s).into_iter().find(|&e| g.edges[e].to == j);
            let Some(back) = back else { continue };
            if g.ins(j).len() < 2 {
                continue;
            }
            if g.split[s] != SplitKind::Xor || g.join[j] != JoinKind::Xor {
                return Err("a loop through a non-exclusive gateway".to_owned());
            }
            let p = g.edges[back].prob;
            if p >= 1.0 {
                return Err("a loop that is never left".to_owned());
            }
            let b = std::mem::replace(&mut g.edges[back].expr, Expr::Zero);
            g.edges[back].alive = false;
            let a = std::mem::replace(&mut g.edges[outs[0]].expr, Expr::Zero);
            g.edges[outs[0]].expr = Expr::Loop(Box::new(a), Box::new(b), p);
            for o in g.outs(s) {
                g.edges[o].prob /= 1.0 - p;
            }
            changed = true;
        }
        // Parallel edges.
        'outer: for u in 0..n {
            let outs = g.outs(u);
            for (x, &e1) in outs.iter().enumerate() {
                for &e2 in &outs[x + 1..] {
                    if g.edges[e1].to != g.edges[e2].to {
                        continue;
                    }
                    let w = g.edges[e1].to;
                    let jk = g.join[w];
                    match g.split[u] {
                        SplitKind::Xor | SplitKind::Plain => {
                            if !matches!(jk, JoinKind::Xor | JoinKind::Sink) {
                                return Err(
                                    "an exclusive split closed by a parallel or inclusive join"
                                        .to_owned(),
                                );
                            }
                            let (p1, p2) = (g.edges[e1].prob, g.edges[e2].prob);
                            let x1 = std::mem::replace(&mut g.edges[e1].expr, Expr::Zero);
                            let x2 = std::mem::replace(&mut g.edges[e2].expr, Expr::Zero);
                            g.edges[e2].alive = false;
                            let tot = p1 + p2;
                            g.edges[e1].expr = if tot > 0.0 {
                                Expr::Xor(vec![(p1 / tot, x1), (p2 / tot, x2)])
                            } else {
                                x1
                            };
                            g.edges[e1].prob = tot;
                        }
                        SplitKind::And => {
                            if !matches!(jk, JoinKind::And | JoinKind::Sink) {
                                return Err(
                                    "a parallel split closed by an exclusive or inclusive join"
                                        .to_owned(),
                                );
                            }
                            let x1 = std::mem::replace(&mut g.edges[e1].expr, Expr::Zero);
                            let x2 = std::mem::replace(&mut g.edges[e2].expr, Expr::Zero);
                            g.edges[e2].alive = false;
                            g.edges[e1].expr = Expr::And(vec![x1, x2]);
                        }
                        SplitKind::Or => {
                            if !matches!(jk, JoinKind::Or | JoinKind::Sink) {
                                return Err("an inclusive split closed by another join".to_owned());
                            }
                            // Only when every branch of the split meets here.
                            if outs.iter().any(|&e| g.edges[e].to != w) {
                                continue;
                            }
                            if outs.len() > 12 {
                                return Err(
                                    "an inclusive split with more than 12 branches".to_owned()
                                );
                            }
                            let branches: Vec<(f64, Expr)> = outs
                                .iter()
                                .map(|&e| {
                                    (
                                        g.edges[e].prob,
                                        std::mem::replace(&mut g.edges[e].expr, Expr::Zero),
                                    )
                                })
                                .collect();
                            for &e in &outs[1..] {
                                g.edges[e].alive = false;
                            }
                            g.edges[outs[0]].expr = Expr::Or(branches);
                            g.edges[outs[0]].prob = 1.0;
                            g.split[u] = SplitKind::Plain;
                        }
                    }
                    changed = true;
                    break 'outer;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let alive: Vec<usize> = (0..g.edges.len()).filter(|&i| g.edges[i].alive).collect();
    if alive.len() == 1 && g.edges[alive[0]].from == source && g.edges[alive[0]].to == sink {
        Ok(std::mem::replace(&mut g.edges[alive[0]].expr, Expr::Zero))
    } else {
        Err("the flow is not block-structured".to_owned())
    }
}

fn seq(a: Expr, b: Expr) -> Expr {
    match (a, b) {
        (Expr::Zero, x) | (x, Expr::Zero) => x,
        (Expr::Seq(mut v), Expr::Seq(w)) => {
            v.extend(w);
            Expr::Seq(v)
        }
        (Expr::Seq(mut v), x) => {
            v.push(x);
            Expr::Seq(v)
        }
        (x, Expr::Seq(mut w)) => {
            w.insert(0, x);
            Expr::Seq(w)
        }
        (x, y) => Expr::Seq(vec![x, y]),
    }
}

/// (mean, variance), roughly for AND/OR (used only to size the grid).
fn moments(net: &Net, e: &Expr, cache: &mut Vec<Option<(f64, f64)>>) -> (f64, f64) {
    match e {
        Expr::Zero => (0.0, 0.0),
        Expr::Leaf(d, _) => {
            if *d == u32::MAX {
                return (0.0, 0.0);
            }
            let i = *d as usize;
            if let Some(m) = cache[i] {
                return m;
            }
            let m = net.dists[i].moments();
            cache[i] = Some(m);
            m
        }
        Expr::Seq(v) | Expr::And(v) => v.iter().fold((0.0, 0.0), |(m, s), x| {
            let (a, b) = moments(net, x, cache);
            (m + a, s + b)
        }),
        Expr::Xor(v) | Expr::Or(v) => {
            let (mut m1, mut m2, mut tot) = (0.0, 0.0, 0.0);
            for (p, x) in v {
                let (a, b) = moments(net, x, cache);
                m1 += p * a;
                m2 += p * (b + a * a);
                tot += p;
            }
            if matches!(e, Expr::Or(_)) {
                // Upper bound for sizing: as if all branches ran in sequence.
                let s = v.iter().fold((0.0, 0.0), |(m, s), (_, x)| {
                    let (a, b) = moments(net, x, cache);
                    (m + a, s + b)
                });
                return s;
            }
            let m1 = m1 / tot.max(1e-12);
            let m2 = m2 / tot.max(1e-12);
            (m1, (m2 - m1 * m1).max(0.0))
        }
        Expr::Loop(a, b, p) => {
            let (ma, va) = moments(net, a, cache);
            let (mb, vb) = moments(net, b, cache);
            let k = p / (1.0 - p);
            let vk = p / (1.0 - p).powi(2);
            let mc = ma + mb;
            (ma + k * mc, va + k * (va + vb) + vk * mc * mc)
        }
        Expr::MaxN(x, k) | Expr::SumN(x, k) => {
            let (m, v) = moments(net, x, cache);
            (m * f64::from(*k), v * f64::from(*k))
        }
        Expr::Below(d, c, _) => {
            let (m, v) = moments(net, &Expr::Leaf(*d, None), cache);
            (m.min(*c), v)
        }
        Expr::Const(c, _) => (*c, 0.0),
    }
}

fn visits(e: &Expr, w: f64, out: &mut [f64]) {
    match e {
        Expr::Zero => {}
        Expr::Leaf(_, act) => {
            if let Some(a) = act {
                out[*a as usize] += w;
            }
        }
        Expr::Seq(v) | Expr::And(v) => v.iter().for_each(|x| visits(x, w, out)),
        Expr::Xor(v) => v.iter().for_each(|(p, x)| visits(x, w * p, out)),
        Expr::Or(v) => {
            let none: f64 = v.iter().map(|(p, _)| 1.0 - p).product();
            let tot: f64 = v.iter().map(|(p, _)| p).sum();
            for (p, x) in v {
                let fired = p + if tot > 0.0 { none * p / tot } else { 0.0 };
                visits(x, w * fired, out);
            }
        }
        Expr::Loop(a, b, p) => {
            let k = p / (1.0 - p);
            visits(a, w * (1.0 + k), out);
            visits(b, w * k, out);
        }
        Expr::MaxN(x, k) | Expr::SumN(x, k) => visits(x, w * f64::from(*k), out),
        Expr::Below(_, _, act) | Expr::Const(_, act) => {
            if let Some(a) = act {
                out[*a as usize] += w;
            }
        }
    }
}

struct Grid {
    h: f64,
}

impl Grid {
    fn leaf(&self, d: &Dist) -> Vec<f64> {
        let mut p = vec![0.0; GRID];
        let h = self.h;
        match &d.shape {
            Shape::Fixed(v) => self.point(&mut p, v.clamp(d.lo, d.hi), 1.0),
            Shape::Exponential { loc, scale } if *scale == 0.0 => {
                self.point(&mut p, loc.clamp(d.lo, d.hi), 1.0)
            }
            Shape::Histogram { cdf, mids } => {
                let total = cdf.last().copied().unwrap_or(1.0);
                let mut prev = 0.0;
                for (c, m) in cdf.iter().zip(mids.iter()) {
                    self.point(&mut p, m.clamp(d.lo, d.hi), (c - prev) / total);
                    prev = *c;
                }
            }
            _ => {
                let mut prev = 0.0;
                for (k, slot) in p.iter_mut().enumerate().take(GRID - 1) {
                    #[allow(clippy::cast_precision_loss)]
                    let c = d.cdf((k as f64 + 0.5) * h);
                    *slot = (c - prev).max(0.0);
                    prev = c;
                }
                p[GRID - 1] = (1.0 - prev).max(0.0);
            }
        }
        p
    }

    /// Mass `w` at value `v`, split between the two neighbouring points (keeps the mean).
    fn point(&self, p: &mut [f64], v: f64, w: f64) {
        let x = v / self.h;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let k = x.floor().max(0.0) as usize;
        if k >= GRID - 1 {
            p[GRID - 1] += w;
            return;
        }
        #[allow(clippy::cast_precision_loss)]
        let f = x - k as f64;
        p[k] += w * (1.0 - f);
        p[k + 1] += w * f;
    }
}

fn support(p: &[f64]) -> (usize, usize) {
    let first = p.iter().position(|&x| x > 1e-300).unwrap_or(0);
    let last = p.iter().rposition(|&x| x > 1e-300).unwrap_or(0);
    (first, last)
}

fn conv(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; GRID];
    let (a0, a1) = support(a);
    let (b0, b1) = support(b);
    for (i, &x) in a.iter().enumerate().take(a1 + 1).skip(a0) {
        if x == 0.0 {
            continue;
        }
        for (j, &y) in b.iter().enumerate().take(b1 + 1).skip(b0) {
            out[(i + j).min(GRID - 1)] += x * y;
        }
    }
    out
}

fn cdf_of(p: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    p.iter()
        .map(|x| {
            acc += x;
            acc.min(1.0)
        })
        .collect()
}

fn pmf_of(c: &[f64]) -> Vec<f64> {
    let mut prev = 0.0;
    c.iter()
        .map(|&x| {
            let d = (x - prev).max(0.0);
            prev = x;
            d
        })
        .collect()
}

fn max_of(ps: &[Vec<f64>]) -> Vec<f64> {
    let mut c = vec![1.0; GRID];
    for p in ps {
        for (ci, x) in c.iter_mut().zip(cdf_of(p)) {
            *ci *= x;
        }
    }
    pmf_of(&c)
}

fn delta0() -> Vec<f64> {
    let mut d = vec![0.0; GRID];
    d[0] = 1.0;
    d
}

fn eval(net: &Net, g: &Grid, e: &Expr, cache: &mut Vec<Option<Vec<f64>>>) -> Vec<f64> {
    match e {
        Expr::Zero => delta0(),
        Expr::Leaf(d, _) => {
            if *d == u32::MAX {
                return delta0();
            }
            let i = *d as usize;
            if let Some(p) = &cache[i] {
                return p.clone();
            }
            let p = g.leaf(&net.dists[i]);
            cache[i] = Some(p.clone());
            p
        }
        Expr::Seq(v) => v.iter().fold(delta0(), |acc, x| {
            let p = eval(net, g, x, cache);
            conv(&acc, &p)
        }),
        Expr::Xor(v) => {
            let mut out = vec![0.0; GRID];
            for (w, x) in v {
                for (o, y) in out.iter_mut().zip(eval(net, g, x, cache)) {
                    *o += w * y;
                }
            }
            out
        }
        Expr::And(v) => {
            let ps: Vec<Vec<f64>> = v.iter().map(|x| eval(net, g, x, cache)).collect();
            max_of(&ps)
        }
        Expr::Or(v) => {
            let ps: Vec<Vec<f64>> = v.iter().map(|(_, x)| eval(net, g, x, cache)).collect();
            let probs: Vec<f64> = v.iter().map(|(p, _)| *p).collect();
            let total: f64 = probs.iter().sum();
            let none: f64 = probs.iter().map(|p| 1.0 - p).product();
            let mut out = vec![0.0; GRID];
            let n = v.len();
            for mask in 1u32..(1 << n) {
                let mut w = 1.0;
                for (i, p) in probs.iter().enumerate() {
                    w *= if mask & (1 << i) != 0 { *p } else { 1.0 - p };
                }
                if mask.count_ones() == 1 && total > 0.0 {
                    let i = mask.trailing_zeros() as usize;
                    w += none * probs[i] / total;
                }
                if w == 0.0 {
                    continue;
                }
                let chosen: Vec<Vec<f64>> = (0..n)
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| ps[i].clone())
                    .collect();
                for (o, y) in out.iter_mut().zip(max_of(&chosen)) {
                    *o += w * y;
                }
            }
            out
        }
        Expr::Loop(a, b, p) => {
            let pa = eval(net, g, a, cache);
            let pb = eval(net, g, b, cache);
            let c = conv(&pb, &pa);
            // G = (1-p)δ0 + p·C∗G, solved forward.
            let mut gg = vec![0.0; GRID];
            let denom = 1.0 - p * c[0];
            let (c0, c1) = support(&c);
            for k in 0..GRID {
                let mut s = if k == 0 { 1.0 - p } else { 0.0 };
                let lo = c0.max(1);
                let hi = c1.min(k);
                for j in lo..=hi {
                    s += p * c[j] * gg[k - j];
                }
                gg[k] = s / denom;
            }
            let captured: f64 = gg.iter().sum();
            gg[GRID - 1] += (1.0 - captured).max(0.0);
            conv(&pa, &gg)
        }
        Expr::MaxN(x, k) => {
            let p = eval(net, g, x, cache);
            let c: Vec<f64> = cdf_of(&p)
                .iter()
                .map(|v| v.powi(i32::try_from(*k).unwrap_or(i32::MAX)))
                .collect();
            pmf_of(&c)
        }
        Expr::SumN(x, k) => {
            let p = eval(net, g, x, cache);
            (0..*k).fold(delta0(), |acc, _| conv(&acc, &p))
        }
        Expr::Const(c, _) => {
            let mut p = vec![0.0; GRID];
            g.point(&mut p, *c, 1.0);
            p
        }
        Expr::Below(d, c, _) => {
            // The task's grid distribution, cut at the timer and renormalised.
            let mut p = g.leaf(&net.dists[*d as usize]);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let k = ((c / g.h).floor() as usize).min(GRID - 1);
            for x in p.iter_mut().skip(k + 1) {
                *x = 0.0;
            }
            // The point at the cut holds mass from both sides: keep its share below c.
            #[allow(clippy::cast_precision_loss)]
            let lo = (k as f64 - 0.5) * g.h;
            let d = &net.dists[*d as usize];
            p[k] = (d.cdf(*c) - d.cdf(lo.max(0.0))).max(0.0);
            let total: f64 = p.iter().sum();
            if total > 0.0 {
                p.iter_mut().for_each(|x| *x /= total);
                p
            } else {
                let mut q = vec![0.0; GRID];
                g.point(&mut q, *c, 1.0);
                q
            }
        }
    }
}

fn quantile(p: &[f64], h: f64, q: f64) -> f64 {
    let mut acc = 0.0;
    for (k, &x) in p.iter().enumerate() {
        if acc + x >= q && x > 0.0 {
            // Mass of point k spread uniformly over [k - 1/2, k + 1/2] grid steps.
            #[allow(clippy::cast_precision_loss)]
            let base = (k as f64 - 0.5).max(0.0) * h;
            let width = if k == 0 { 0.5 * h } else { h };
            return base + width * (q - acc) / x;
        }
        acc += x;
    }
    #[allow(clippy::cast_precision_loss)]
    let top = (p.len() - 1) as f64 * h;
    top
}

/// Computes the analytic estimate of a net.
#[must_use]
pub fn estimate(net: &Net, seed: u64) -> Analytic {
    let mut visit = vec![0.0; net.acts.len()];
    let (method, approximate, note, cycle, sd) = match scope_expr(net, 0) {
        Ok(expr) => {
            let mut mc = vec![None; net.dists.len()];
            let (m, v) = moments(net, &expr, &mut mc);
            let top = (m + 12.0 * v.sqrt()).max(1e-6);
            #[allow(clippy::cast_precision_loss)]
            let g = Grid {
                h: top / (GRID - 1) as f64,
            };
            let mut cache = vec![None; net.dists.len()];
            let p = eval(net, &g, &expr, &mut cache);
            #[allow(clippy::cast_precision_loss)]
            let mean: f64 = p.iter().enumerate().map(|(k, x)| k as f64 * g.h * x).sum();
            #[allow(clippy::cast_precision_loss)]
            let m2: f64 = p
                .iter()
                .enumerate()
                .map(|(k, x)| (k as f64 * g.h).powi(2) * x)
                .sum();
            let (mx, _) = support(&p);
            let _ = mx;
            let (_, last) = support(&p);
            visits(&expr, 1.0, &mut visit);
            #[allow(clippy::cast_precision_loss)]
            let stat = Stat {
                mean,
                ci95: None,
                median: quantile(&p, g.h, 0.5),
                p90: quantile(&p, g.h, 0.9),
                p95: quantile(&p, g.h, 0.95),
                max: last as f64 * g.h,
            };
            (
                "grid",
                false,
                format!(
                    "block-structured: exact up to the grid step of {:.3} s; no contention, calendars ignored",
                    g.h
                ),
                stat,
                (m2 - mean * mean).max(0.0).sqrt(),
            )
        }
        Err(why) => {
            let mut spec = RunSpec {
                cases: PILOT_CASES,
                horizon: None,
                warmup: 0,
                seed,
                log: false,
                unlimited: true,
            };
            // A pilot run first: when the execution limit already had to end loops there
            // (a loop with no way out), 20,000 cases would each spin to the limit and take
            // seconds for a figure that only says "these cases never end". The pilot's
            // cases then stand for the estimate.
            let mut r = engine::run(net, &spec, None);
            if r.limited == 0 {
                spec.cases = SAMPLED_CASES;
                r = engine::run(net, &spec, None);
            }
            let cases = if r.limited == 0 {
                "20,000".to_owned()
            } else {
                r.cycle.len().to_string()
            };
            #[allow(clippy::cast_precision_loss)]
            let n = r.cycle.len().max(1) as f64;
            for (v, c) in visit.iter_mut().zip(&r.act_count) {
                #[allow(clippy::cast_precision_loss)]
                let c = *c as f64;
                *v = c / n;
            }
            r.cycle.sort_unstable_by(f64::total_cmp);
            let mean = r.cycle.iter().sum::<f64>() / n;
            let sd = (r.cycle.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            let stat = Stat {
                mean,
                ci95: None,
                median: percentile(&r.cycle, 0.5),
                p90: percentile(&r.cycle, 0.9),
                p95: percentile(&r.cycle, 0.95),
                max: r.cycle.last().copied().unwrap_or(0.0),
            };
            (
                "sampled",
                true,
                if r.limited == 0 {
                    format!(
                        "approximate: {why}, so the distribution was sampled ({cases} cases, unlimited resources) instead of computed"
                    )
                } else {
                    format!(
                        "approximate: {why}, so the distribution was sampled ({cases} cases, unlimited resources) instead of computed; the execution limit ended {} loops that had no way out",
                        r.limited
                    )
                },
                stat,
                sd,
            )
        }
    };
    let queueing = queueing(net, &visit);
    let with_q = if queueing.iter().all(|q| q.waiting_mean_s.is_some()) {
        let mut extra = 0.0;
        for (i, a) in net.acts.iter().enumerate() {
            if let Some(&(u, _)) = net.elig_of(u32::try_from(i).unwrap_or(0)).first() {
                let pool = net.units[u as usize].pool as usize;
                if let Some(q) = queueing.iter().find(|q| q.pool == net.pools[pool].name) {
                    extra += visit[i] * q.waiting_mean_s.unwrap_or(0.0);
                }
            }
            let _ = a;
        }
        Some(cycle.mean + extra)
    } else {
        None
    };
    Analytic {
        method,
        approximate,
        note,
        cycle_time: cycle,
        cycle_sd: sd,
        visits: net
            .acts
            .iter()
            .zip(&visit)
            .map(|(a, v)| (a.id.clone(), *v))
            .collect(),
        queueing,
        cycle_mean_with_queueing: with_q,
    }
}

/// Erlang C probability of waiting with `c` servers and offered load `a` (erlangs).
#[must_use]
pub fn erlang_c(c: u32, a: f64) -> f64 {
    if f64::from(c) <= a {
        return 1.0;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let cf = f64::from(c);
    cf * b / (cf - a * (1.0 - b))
}

fn queueing(net: &Net, visit: &[f64]) -> Vec<PoolQueue> {
    let (am, av) = net.arrival.moments();
    if am <= 0.0 {
        return Vec::new();
    }
    let lambda = 1.0 / am;
    let ca2 = av / (am * am);
    let mut out = Vec::new();
    for (pi, pool) in net.pools.iter().enumerate() {
        let servers = pool.units.1 - pool.units.0;
        let (mut rate, mut m1, mut m2) = (0.0, 0.0, 0.0);
        let mut expo = true;
        for (i, _) in net.acts.iter().enumerate() {
            let elig = net.elig_of(u32::try_from(i).unwrap_or(0));
            let Some(&(u, d)) = elig.first() else {
                continue;
            };
            if net.units[u as usize].pool as usize != pi || visit[i] == 0.0 {
                continue;
            }
            let dist = &net.dists[d as usize];
            let (m, v) = dist.moments();
            expo &= matches!(dist.shape, Shape::Exponential { loc, .. } if loc == 0.0);
            let r = lambda * visit[i];
            rate += r;
            m1 += r * m;
            m2 += r * (v + m * m);
        }
        if rate == 0.0 || servers == 0 {
            continue;
        }
        // A unit available a fraction f of the week works as a 24/7 unit whose tasks take
        // 1/f times longer (the work is stretched over its closed hours).
        let (ua, ub) = pool.units;
        let avail = (ua..ub)
            .map(|u| {
                net.calendars[net.units[u as usize].calendar as usize].open_per_week()
                    / super::calendar::WEEK
            })
            .sum::<f64>()
            / f64::from(servers);
        if avail <= 0.0 {
            continue;
        }
        let es = m1 / rate / avail;
        let es2 = m2 / rate / (avail * avail);
        let cs2 = if es > 0.0 { es2 / (es * es) - 1.0 } else { 0.0 };
        let a = rate * es;
        let rho = a / f64::from(servers);
        let exp_arrivals = (ca2 - 1.0).abs() < 1e-6;
        let wait = if rho < 1.0 && es > 0.0 {
            let wq = erlang_c(servers, a) * es / (f64::from(servers) - a);
            Some(wq * (ca2 + cs2) / 2.0)
        } else if es == 0.0 {
            Some(0.0)
        } else {
            None
        };
        out.push(PoolQueue {
            pool: pool.name.clone(),
            servers,
            arrivals_per_hour: rate * 3600.0,
            utilisation: rho,
            waiting_mean_s: wait,
            model: if expo && exp_arrivals {
                "M/M/c"
            } else {
                "M/G/c"
            },
        });
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::erlang_c;

    #[test]
    fn erlang_c_matches_known_values() {
        // M/M/2 with a = 1.6: P(wait) = 0.7111.
        assert!((erlang_c(2, 1.6) - 0.711_111).abs() < 1e-5);
        // M/M/1: P(wait) = ρ.
        assert!((erlang_c(1, 0.8) - 0.8).abs() < 1e-12);
    }
}
