//! The discrete-event engine: one replication over a compiled [`Net`].
//!
//! Design for speed: a binary heap of small `Copy` events, integer ids everywhere, scope
//! instances ("frames") and cases kept in slabs whose vectors are reused, and zero-time
//! token moves done on a local stack instead of the heap. A task takes its resource at
//! the moment it is enabled (events are processed in time order, so this is FIFO): the
//! unit that can start it first (ties: the lowest index), with the duration stretched
//! over the unit's off-calendar time. That is Prosimos's allocation rule.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::net::{Catch, Net, NodeKind, Repeat, Trigger};

const NONE: u32 = u32::MAX;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Cases to start (arrivals stop after this many).
    pub cases: u64,
    /// Arrivals stop at this time (seconds), if set.
    pub horizon: Option<f64>,
    /// The first cases left out of case and activity statistics.
    pub warmup: u64,
    /// Seed of this replication.
    pub seed: u64,
    /// Keep the event log.
    pub log: bool,
    /// Give every task its own resource (no contention): the analytic method's fallback.
    pub unlimited: bool,
}

/// One row of the event log.
#[derive(Debug, Clone, Copy)]
pub struct LogRow {
    /// Case number (arrival order, from 0).
    pub case: u64,
    /// Activity index.
    pub act: u32,
    /// Enabled at.
    pub enable: f64,
    /// Started at.
    pub start: f64,
    /// Ended at.
    pub end: f64,
    /// Unit resource, `u32::MAX` for none.
    pub unit: u32,
}

/// What one replication measured.
#[derive(Debug, Clone, Default)]
pub struct RepResult {
    /// Per counted case (after warm-up), in completion order: cycle time.
    pub cycle: Vec<f64>,
    /// Processing time (union of task execution intervals).
    pub processing: Vec<f64>,
    /// Waiting time (waiting for a resource while nothing of the case is processed).
    pub waiting: Vec<f64>,
    /// Idle time (cycle − processing − waiting: timers, messages, closed calendars).
    pub idle: Vec<f64>,
    /// Resource cost of the case.
    pub cost: Vec<f64>,
    /// Per activity: executions.
    pub act_count: Vec<u64>,
    /// Per activity: total waiting.
    pub act_wait: Vec<f64>,
    /// Per activity: total processing.
    pub act_proc: Vec<f64>,
    /// Per activity: total cost.
    pub act_cost: Vec<f64>,
    /// Per unit: busy seconds.
    pub unit_busy: Vec<f64>,
    /// Per unit: tasks done.
    pub unit_tasks: Vec<u64>,
    /// First arrival.
    pub first_arrival: f64,
    /// Last completion.
    pub last_end: f64,
    /// Cases started.
    pub started: u64,
    /// Cases that completed.
    pub completed: u64,
    /// Cases that got stuck (a join that can never fire).
    pub stuck: u64,
    /// Cases ended by an error that nothing caught (counted in `completed` too).
    pub failed: u64,
    /// Loop exits forced by the gateway execution limit.
    pub limited: u64,
    /// Events processed.
    pub events: u64,
    /// The event log, when asked for.
    pub log: Vec<LogRow>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Arrival,
    /// The token leaves `node` along its outgoing flows.
    Leave,
    /// A task finished one execution (`aux` = executions done before it).
    TaskDone,
    /// A boundary event of a task fires (non-interrupting: a new token at `node`).
    Spawn,
    /// A boundary event of a sub-process instance (`frame`) fires; `aux` = boundary index.
    SubBoundary,
}

/// A heap event: 32 bytes. Times are non-negative, so their bit patterns order like the
/// numbers and the heap compares two integers.
#[derive(Clone, Copy)]
struct Ev {
    t: u64,
    seq: u64,
    frame: u32,
    epoch: u32,
    node: u32,
    /// Low 29 bits: auxiliary value; high 3 bits: the kind.
    aux_kind: u32,
}

impl Ev {
    fn time(&self) -> f64 {
        f64::from_bits(self.t)
    }
    fn kind(&self) -> Kind {
        match self.aux_kind >> 29 {
            0 => Kind::Arrival,
            1 => Kind::Leave,
            2 => Kind::TaskDone,
            3 => Kind::Spawn,
            _ => Kind::SubBoundary,
        }
    }
    fn aux(&self) -> u32 {
        self.aux_kind & AUX_MASK
    }
}

const AUX_MASK: u32 = (1 << 29) - 1;

impl PartialEq for Ev {
    fn eq(&self, other: &Self) -> bool {
        self.t == other.t && self.seq == other.seq
    }
}
impl Eq for Ev {}
impl PartialOrd for Ev {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ev {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on (time, sequence).
        (other.t, other.seq).cmp(&(self.t, self.seq))
    }
}

#[derive(Default)]
struct Frame {
    case: u32,
    parent: u32,
    parent_epoch: u32,
    /// The sub-process node in the parent (NONE for the case root).
    node: u32,
    epoch: u32,
    /// Generation of the instance, for its boundary events: changes when the frame is
    /// freed or starts another iteration, but not when an interrupting event sub-process
    /// clears the rest of the instance (the instance, and its boundary events, go on).
    generation: u32,
    alive: bool,
    /// A group frame holds the parallel instances of a multi-instance sub-process.
    group: bool,
    tokens: u32,
    parked: u32,
    iter: u32,
    started: f64,
    scope: u32,
    slots: Vec<u32>,
    limits: Vec<u32>,
    pos: Vec<u32>,
    track: bool,
}

#[derive(Default)]
struct Case {
    idx: u64,
    arrival: f64,
    cost: f64,
    busy: Vec<(f64, f64)>,
    spans: Vec<(f64, f64)>,
    failed: bool,
}

struct Engine<'a> {
    net: &'a Net,
    spec: &'a RunSpec,
    rng: Xoshiro256PlusPlus,
    heap: BinaryHeap<Ev>,
    seq: u64,
    now: f64,
    frames: Vec<Frame>,
    free_frames: Vec<u32>,
    cases: Vec<Case>,
    free_cases: Vec<u32>,
    unit_free: Vec<f64>,
    work: Vec<(u32, u32)>,
    tmp: Vec<(f64, u32)>,
    copies: Vec<(u32, f64, f64, f64)>,
    out: RepResult,
    progress: Option<&'a AtomicU64>,
}

/// Runs one replication. `progress`, when given, is advanced by completed cases.
#[must_use]
pub fn run(net: &Net, spec: &RunSpec, progress: Option<&AtomicU64>) -> RepResult {
    let mut e = Engine {
        net,
        spec,
        rng: Xoshiro256PlusPlus::seed_from_u64(spec.seed),
        heap: BinaryHeap::with_capacity(1024),
        seq: 0,
        now: 0.0,
        frames: Vec::new(),
        free_frames: Vec::new(),
        cases: Vec::new(),
        free_cases: Vec::new(),
        unit_free: vec![0.0; net.units.len()],
        work: Vec::with_capacity(64),
        tmp: Vec::with_capacity(8),
        copies: Vec::with_capacity(8),
        out: RepResult {
            act_count: vec![0; net.acts.len()],
            act_wait: vec![0.0; net.acts.len()],
            act_proc: vec![0.0; net.acts.len()],
            act_cost: vec![0.0; net.acts.len()],
            unit_busy: vec![0.0; net.units.len()],
            unit_tasks: vec![0; net.units.len()],
            ..RepResult::default()
        },
        progress,
    };
    let cap = usize::try_from(spec.cases.saturating_sub(spec.warmup).min(1_000_000)).unwrap_or(0);
    e.out.cycle.reserve(cap);
    e.out.processing.reserve(cap);
    e.out.waiting.reserve(cap);
    e.out.idle.reserve(cap);
    e.out.cost.reserve(cap);
    if spec.cases > 0 {
        let t0 = net
            .arrival_calendar
            .as_ref()
            .map_or(0.0, |c| c.next_open(0.0));
        e.push(t0, Kind::Arrival, NONE, 0, NONE, 0);
    }
    e.out.first_arrival = f64::NAN;
    while let Some(ev) = e.heap.pop() {
        e.now = ev.time();
        e.out.events += 1;
        e.dispatch(ev);
    }
    if let Some(p) = progress {
        p.fetch_add(e.out.completed % 1024, AtomicOrdering::Relaxed);
    }
    if e.out.first_arrival.is_nan() {
        e.out.first_arrival = 0.0;
    }
    e.out
}

impl Engine<'_> {
    #[inline]
    fn push(&mut self, t: f64, kind: Kind, frame: u32, epoch: u32, node: u32, aux: u32) {
        self.seq += 1;
        let k = match kind {
            Kind::Arrival => 0,
            Kind::Leave => 1,
            Kind::TaskDone => 2,
            Kind::Spawn => 3,
            Kind::SubBoundary => 4,
        };
        self.heap.push(Ev {
            t: t.max(0.0).to_bits(),
            seq: self.seq,
            frame,
            epoch,
            node,
            aux_kind: (aux.min(AUX_MASK)) | (k << 29),
        });
    }

    fn live(&self, frame: u32, epoch: u32) -> bool {
        let f = &self.frames[frame as usize];
        f.alive && f.epoch == epoch
    }

    fn dispatch(&mut self, ev: Ev) {
        match ev.kind() {
            Kind::Arrival => self.arrival(),
            Kind::Leave => {
                if self.live(ev.frame, ev.epoch) {
                    self.unpos(ev.frame, ev.node);
                    self.leave(ev.frame, ev.node);
                    self.drain();
                }
            }
            Kind::TaskDone => {
                if self.live(ev.frame, ev.epoch) {
                    self.task_done(ev.frame, ev.node, ev.aux());
                    self.drain();
                }
            }
            Kind::Spawn => {
                if self.live(ev.frame, ev.epoch) {
                    self.frames[ev.frame as usize].tokens += 1;
                    self.to(ev.frame, ev.node);
                    self.drain();
                }
            }
            Kind::SubBoundary => {
                let f = &self.frames[ev.frame as usize];
                if f.alive && f.generation == ev.epoch {
                    self.sub_boundary(ev.frame, ev.aux());
                    self.drain();
                }
            }
        }
    }

    fn arrival(&mut self) {
        let idx = self.out.started;
        self.out.started += 1;
        if self.out.first_arrival.is_nan() {
            self.out.first_arrival = self.now;
        }
        // The next arrival.
        if self.out.started < self.spec.cases {
            let gap = self.net.arrival.sample(&mut self.rng);
            let mut t = self.now + gap;
            if let Some(c) = &self.net.arrival_calendar {
                t = c.next_open(t);
            }
            if self.spec.horizon.is_none_or(|h| t <= h) {
                self.push(t, Kind::Arrival, NONE, 0, NONE, 0);
            }
        }
        let case = self.free_cases.pop().unwrap_or_else(|| {
            self.cases.push(Case::default());
            u32::try_from(self.cases.len() - 1).unwrap_or(NONE)
        });
        {
            let c = &mut self.cases[case as usize];
            c.idx = idx;
            c.arrival = self.now;
            c.cost = 0.0;
            c.busy.clear();
            c.spans.clear();
            c.failed = false;
        }
        let root = self.new_frame(case, NONE, NONE, 0);
        self.start_frame(root);
        self.drain();
    }

    fn new_frame(&mut self, case: u32, parent: u32, node: u32, scope: u32) -> u32 {
        let id = self.free_frames.pop().unwrap_or_else(|| {
            self.frames.push(Frame::default());
            u32::try_from(self.frames.len() - 1).unwrap_or(NONE)
        });
        let s = &self.net.scopes[scope as usize];
        let parent_epoch = if parent == NONE {
            0
        } else {
            self.frames[parent as usize].epoch
        };
        let now = self.now;
        let f = &mut self.frames[id as usize];
        f.case = case;
        f.parent = parent;
        f.parent_epoch = parent_epoch;
        f.node = node;
        f.alive = true;
        f.group = false;
        f.tokens = 0;
        f.parked = 0;
        f.iter = 0;
        f.started = now;
        f.scope = scope;
        f.slots.clear();
        f.slots.resize(s.n_slots as usize, 0);
        f.limits.clear();
        f.limits.resize(s.n_limits as usize, 0);
        f.track = !s.or_joins.is_empty();
        f.pos.clear();
        if f.track {
            f.pos.resize(s.n_nodes as usize, 0);
        }
        id
    }

    fn free_frame(&mut self, id: u32) {
        let f = &mut self.frames[id as usize];
        f.alive = false;
        f.epoch = f.epoch.wrapping_add(1);
        f.generation = f.generation.wrapping_add(1);
        self.free_frames.push(id);
    }

    /// Puts tokens on the start nodes of a frame's scope.
    fn start_frame(&mut self, frame: u32) {
        let scope = self.frames[frame as usize].scope as usize;
        let n = self.net.scopes[scope].starts.len();
        self.frames[frame as usize].tokens += u32::try_from(n).unwrap_or(0);
        for i in 0..n {
            let s = self.net.scopes[scope].starts[i];
            // A start event passes at once; other start nodes are entered.
            if self.net.nodes[s as usize].kind == NodeKind::Start {
                self.leave(frame, s);
            } else {
                self.to(frame, s);
            }
        }
    }

    #[inline]
    fn to(&mut self, frame: u32, node: u32) {
        let f = &mut self.frames[frame as usize];
        if f.track {
            f.pos[self.net.nodes[node as usize].local as usize] += 1;
        }
        self.work.push((frame, node));
    }

    #[inline]
    fn unpos(&mut self, frame: u32, node: u32) {
        let f = &mut self.frames[frame as usize];
        if f.track {
            let l = self.net.nodes[node as usize].local as usize;
            f.pos[l] = f.pos[l].saturating_sub(1);
        }
    }

    #[inline]
    fn pos(&mut self, frame: u32, node: u32) {
        let f = &mut self.frames[frame as usize];
        if f.track {
            f.pos[self.net.nodes[node as usize].local as usize] += 1;
        }
    }

    fn drain(&mut self) {
        while let Some((frame, node)) = self.work.pop() {
            if !self.frames[frame as usize].alive {
                continue;
            }
            self.unpos(frame, node);
            self.enter(frame, node);
            if self.frames[frame as usize].track && self.frames[frame as usize].alive {
                self.check_or(frame);
            }
        }
    }

    /// A token arrives at `node`.
    fn enter(&mut self, frame: u32, node: u32) {
        let net = self.net;
        let n = &net.nodes[node as usize];
        match n.kind {
            NodeKind::Start | NodeKind::Pass | NodeKind::Xor => self.leave(frame, node),
            NodeKind::End => self.consume(frame, 1),
            NodeKind::Terminate => self.terminate(frame),
            NodeKind::Throw { throw } => self.throw(frame, node, throw),
            NodeKind::And { .. } if n.n_in <= 1 => self.leave(frame, node),
            NodeKind::And { slot } => {
                let f = &mut self.frames[frame as usize];
                f.slots[slot as usize] += 1;
                if f.slots[slot as usize] >= n.n_in {
                    f.slots[slot as usize] = 0;
                    f.parked -= n.n_in - 1;
                    f.tokens -= n.n_in - 1;
                    self.leave(frame, node);
                } else {
                    f.parked += 1;
                    self.check_stuck(frame);
                }
            }
            NodeKind::Or { slot } => {
                if n.n_in <= 1 {
                    self.leave(frame, node);
                } else {
                    let f = &mut self.frames[frame as usize];
                    f.slots[slot as usize] += 1;
                    f.parked += 1;
                    f.pos[n.local as usize] += 1;
                    // check_or (after drain step) decides.
                    self.check_stuck(frame);
                }
            }
            NodeKind::EventGw => {
                let mut best = (f64::INFINITY, NONE);
                for &t in net.out(node) {
                    let w = match net.nodes[t as usize].kind {
                        NodeKind::Catch { dist } => net.dists[dist as usize].sample(&mut self.rng),
                        NodeKind::Task { act } => net
                            .elig_of(act)
                            .first()
                            .map_or(0.0, |&(_, d)| net.dists[d as usize].sample(&mut self.rng)),
                        _ => 0.0,
                    };
                    if w < best.0 {
                        best = (w, t);
                    }
                }
                if best.1 == NONE {
                    self.consume(frame, 1);
                } else {
                    self.pos(frame, best.1);
                    let epoch = self.frames[frame as usize].epoch;
                    self.push(self.now + best.0, Kind::Leave, frame, epoch, best.1, 0);
                }
            }
            NodeKind::Catch { dist } => {
                let w = net.dists[dist as usize].sample(&mut self.rng);
                self.pos(frame, node);
                let epoch = self.frames[frame as usize].epoch;
                self.push(self.now + w, Kind::Leave, frame, epoch, node, 0);
            }
            NodeKind::Task { .. } => {
                self.pos(frame, node);
                self.start_task(frame, node, 0);
            }
            NodeKind::Sub { .. } => {
                self.pos(frame, node);
                self.start_sub(frame, node, 0);
            }
        }
    }

    /// The token leaves `node` along its outgoing flows (splits choose here).
    fn leave(&mut self, frame: u32, node: u32) {
        let net = self.net;
        let n = &net.nodes[node as usize];
        let (a, b) = n.out;
        let k = b - a;
        if k == 0 {
            self.consume(frame, 1);
            return;
        }
        if let Some(slot) = n.limit_slot {
            let f = &mut self.frames[frame as usize];
            f.limits[slot as usize] += 1;
            if f.limits[slot as usize] > net.exec_limit {
                self.out.limited += 1;
                let exit = (a..b).find(|&i| !reaches(net, net.succ[i as usize], node));
                match exit {
                    Some(i) => self.to(frame, net.succ[i as usize]),
                    None => self.consume(frame, 1),
                }
                return;
            }
        }
        if k == 1 {
            self.to(frame, net.succ[a as usize]);
            return;
        }
        match n.kind {
            NodeKind::Xor => {
                let u: f64 = self.rng.random();
                let mut pick = b - 1;
                for i in a..b {
                    if u < net.prob[i as usize] {
                        pick = i;
                        break;
                    }
                }
                self.to(frame, net.succ[pick as usize]);
            }
            NodeKind::Or { .. } => {
                let mut fired = 0u32;
                for i in a..b {
                    if self.rng.random::<f64>() < net.prob[i as usize] {
                        fired += 1;
                        self.to(frame, net.succ[i as usize]);
                    }
                }
                if fired == 0 {
                    let total: f64 = (a..b).map(|i| net.prob[i as usize]).sum();
                    let mut u = self.rng.random::<f64>() * total;
                    let mut pick = a;
                    for i in a..b {
                        u -= net.prob[i as usize];
                        if u < 0.0 {
                            pick = i;
                            break;
                        }
                    }
                    fired = 1;
                    self.to(frame, net.succ[pick as usize]);
                }
                self.frames[frame as usize].tokens += fired - 1;
            }
            _ => {
                // Parallel split (gateways, and implicit splits of activities and events).
                self.frames[frame as usize].tokens += k - 1;
                for i in a..b {
                    self.to(frame, net.succ[i as usize]);
                }
            }
        }
    }

    fn start_task(&mut self, frame: u32, node: u32, done: u32) {
        let net = self.net;
        let n = &net.nodes[node as usize];
        let NodeKind::Task { act } = n.kind else {
            return;
        };
        if matches!(n.repeat, Repeat::Parallel(0) | Repeat::Sequential(0)) {
            self.unpos(frame, node);
            self.leave(frame, node);
            return;
        }
        let enable = self.now;
        let copies = match n.repeat {
            Repeat::Parallel(k) => k,
            _ => 1,
        };
        let case = self.frames[frame as usize].case;
        let elig = net.elig_of(act);
        // Each copy (one, or the instances of a parallel multi-instance task) takes the
        // unit that can start it first.
        self.copies.clear();
        let mut max_end = enable;
        let mut first_start = f64::INFINITY;
        for _ in 0..copies {
            let (unit, start, end, before) = self.pick(elig, enable);
            first_start = first_start.min(start);
            max_end = max_end.max(end);
            self.copies.push((unit, start, end, before));
        }
        // Boundary events: timers count from the enable time, so a timer that fires while
        // the task still waits for a resource cancels it before it starts.
        let mut cut = f64::INFINITY;
        let mut cut_by = NONE;
        self.tmp.clear();
        let (ba, bb) = n.bounds;
        for bi in ba..bb {
            let bd = net.bounds[bi as usize];
            let fire = match bd.trigger {
                Trigger::Timer(d) => enable + net.dists[d as usize].sample(&mut self.rng),
                Trigger::Thrown => continue,
                Trigger::Chance { p, at_end, .. } => {
                    if self.rng.random::<f64>() >= p {
                        continue;
                    }
                    if at_end {
                        max_end
                    } else {
                        first_start + self.rng.random::<f64>() * (max_end - first_start)
                    }
                }
            };
            if bd.interrupting {
                if fire < cut && fire <= max_end {
                    cut = fire;
                    cut_by = bi;
                }
            } else {
                self.tmp.push((fire, bd.node));
            }
        }
        let end_all = max_end.min(cut);
        let epoch = self.frames[frame as usize].epoch;
        for i in 0..self.copies.len() {
            let (unit, start, end, before) = self.copies[i];
            if unit != NONE && end_all < end {
                // Cut short: the unit is free at the cut (or was never taken).
                self.unit_free[unit as usize] = if start >= end_all { before } else { end_all };
            }
            let s = start.min(end_all);
            let e = end.min(end_all);
            self.account(
                case,
                act,
                if start >= end_all { NONE } else { unit },
                enable,
                s,
                e,
            );
        }
        for i in 0..self.tmp.len() {
            let (fire, bnode) = self.tmp[i];
            if fire < end_all {
                self.push(fire, Kind::Spawn, frame, epoch, bnode, 0);
            }
        }
        if cut_by == NONE {
            self.push(max_end, Kind::TaskDone, frame, epoch, node, done);
        } else {
            // The token leaves by the boundary event.
            let bnode = net.bounds[cut_by as usize].node;
            self.unpos(frame, node);
            self.pos(frame, bnode);
            self.push(cut, Kind::Leave, frame, epoch, bnode, 0);
        }
    }

    /// The unit that can start first, its start and its end.
    #[inline]
    fn pick(&mut self, elig: &[(u32, u32)], enable: f64) -> (u32, f64, f64, f64) {
        let net = self.net;
        if elig.is_empty() {
            return (NONE, enable, enable, 0.0);
        }
        if self.spec.unlimited {
            // No contention: the first eligible resource's duration, no calendar.
            let (_, d) = elig[0];
            let dur = net.dists[d as usize].sample(&mut self.rng);
            return (NONE, enable, enable + dur, 0.0);
        }
        let mut best = (NONE, f64::INFINITY, 0u32);
        for &(u, d) in elig {
            let unit = &net.units[u as usize];
            let ready = self.unit_free[u as usize].max(enable);
            let cal = &net.calendars[unit.calendar as usize];
            let start = cal.next_open(ready);
            if start < best.1 {
                best = (u, start, d);
            }
        }
        let (u, start, d) = best;
        let dur = net.dists[d as usize].sample(&mut self.rng);
        let cal = &net.calendars[net.units[u as usize].calendar as usize];
        let end = cal.advance(start, dur);
        let before = std::mem::replace(&mut self.unit_free[u as usize], end);
        (u, start, end, before)
    }

    fn account(&mut self, case: u32, act: u32, unit: u32, enable: f64, start: f64, end: f64) {
        let c = &mut self.cases[case as usize];
        let counted = c.idx >= self.spec.warmup;
        let busy = (end - start).max(0.0);
        let cost = if unit == NONE {
            0.0
        } else {
            busy * self.net.units[unit as usize].cost_per_s
        };
        c.cost += cost;
        if end > start {
            c.busy.push((start, end));
        }
        if start > enable {
            c.spans.push((enable, start));
        }
        if unit != NONE {
            self.out.unit_busy[unit as usize] += busy;
            self.out.unit_tasks[unit as usize] += 1;
        }
        if counted {
            let a = act as usize;
            self.out.act_count[a] += 1;
            self.out.act_wait[a] += start - enable;
            self.out.act_proc[a] += busy;
            self.out.act_cost[a] += cost;
        }
        if self.spec.log {
            let idx = c.idx;
            self.out.log.push(LogRow {
                case: idx,
                act,
                enable,
                start,
                end,
                unit,
            });
        }
    }

    fn task_done(&mut self, frame: u32, node: u32, done: u32) {
        let n = &self.net.nodes[node as usize];
        let again = match n.repeat {
            Repeat::Once | Repeat::Parallel(_) => false,
            Repeat::Sequential(k) => done + 1 < k,
            Repeat::Loop { p, max } => done + 1 < max && self.rng.random::<f64>() < p,
        };
        if again {
            self.start_task(frame, node, done + 1);
        } else {
            self.unpos(frame, node);
            self.leave(frame, node);
        }
    }

    fn start_sub(&mut self, frame: u32, node: u32, iter: u32) {
        let net = self.net;
        let n = &net.nodes[node as usize];
        let NodeKind::Sub { scope, .. } = n.kind else {
            return;
        };
        let case = self.frames[frame as usize].case;
        let target = if let Repeat::Parallel(k) = n.repeat {
            let g = self.new_frame(case, frame, node, scope);
            self.frames[g as usize].group = true;
            self.frames[g as usize].track = false;
            if k == 0 {
                self.free_frame(g);
                self.unpos(frame, node);
                self.leave(frame, node);
                return;
            }
            self.frames[g as usize].tokens = k;
            for _ in 0..k {
                let c = self.new_frame(case, g, node, scope);
                self.start_frame(c);
            }
            g
        } else {
            let c = self.new_frame(case, frame, node, scope);
            self.frames[c as usize].iter = iter;
            self.start_frame(c);
            c
        };
        if iter == 0 {
            // Boundary events of the sub-process.
            let epoch = self.frames[target as usize].generation;
            let (ba, bb) = n.bounds;
            for bi in ba..bb {
                let bd = net.bounds[bi as usize];
                let fire = match bd.trigger {
                    Trigger::Timer(d) => self.now + net.dists[d as usize].sample(&mut self.rng),
                    Trigger::Thrown => continue,
                    Trigger::Chance { p, dist, .. } => {
                        if self.rng.random::<f64>() >= p {
                            continue;
                        }
                        self.now + net.dists[dist as usize].sample(&mut self.rng)
                    }
                };
                self.push(fire, Kind::SubBoundary, target, epoch, NONE, bi);
            }
        }
        // The instance may have finished at once (empty sub-process).
        if self.frames[target as usize].alive && self.frames[target as usize].tokens == 0 {
            self.frame_done(target);
        }
    }

    fn sub_boundary(&mut self, frame: u32, bi: u32) {
        let bd = self.net.bounds[bi as usize];
        let f = &self.frames[frame as usize];
        let (parent, node) = (f.parent, f.node);
        if parent == NONE || !self.frames[parent as usize].alive {
            return;
        }
        if bd.interrupting {
            self.kill_tree(frame);
            self.unpos(parent, node);
            self.to(parent, bd.node);
        } else {
            self.frames[parent as usize].tokens += 1;
            self.to(parent, bd.node);
        }
    }

    /// A token reaches an error, escalation or cancel throw event.
    fn throw(&mut self, frame: u32, node: u32, throw: u32) {
        let t = self.net.throws[throw as usize];
        // The thrower's own token, when the catch leaves it alive.
        let go_on = |e: &mut Self| {
            if t.ends {
                e.consume(frame, 1);
            } else {
                e.leave(frame, node);
            }
        };
        match t.catch {
            Catch::Ignored => go_on(self),
            Catch::Uncaught => {
                let case = self.frames[frame as usize].case;
                self.cases[case as usize].failed = true;
                let mut root = frame;
                while self.frames[root as usize].parent != NONE {
                    root = self.frames[root as usize].parent;
                }
                self.terminate(root);
            }
            Catch::Boundary { host, bound } => {
                // The instance of the host sub-process this token is in: the frame of
                // `host` whose parent is not a multi-instance group (for a parallel
                // multi-instance host that is the group, so all instances stop).
                let mut x = frame;
                loop {
                    let f = &self.frames[x as usize];
                    if f.node == host && (f.parent == NONE || !self.frames[f.parent as usize].group)
                    {
                        break;
                    }
                    if f.parent == NONE {
                        x = NONE;
                        break;
                    }
                    x = f.parent;
                }
                let parent = if x == NONE {
                    NONE
                } else {
                    self.frames[x as usize].parent
                };
                if parent == NONE {
                    go_on(self);
                    return;
                }
                let bd = self.net.bounds[bound as usize];
                if bd.interrupting {
                    self.kill_tree(x);
                    self.unpos(parent, host);
                    self.to(parent, bd.node);
                } else {
                    self.frames[parent as usize].tokens += 1;
                    self.to(parent, bd.node);
                    go_on(self);
                }
            }
            Catch::EventSub {
                node: esp,
                interrupting,
            } => {
                let scope = self.net.nodes[esp as usize].scope;
                let mut x = frame;
                while x != NONE
                    && (self.frames[x as usize].scope != scope || self.frames[x as usize].group)
                {
                    x = self.frames[x as usize].parent;
                }
                if x == NONE {
                    go_on(self);
                    return;
                }
                if interrupting {
                    // The rest of the scope instance stops; the event sub-process replaces it.
                    self.kill_tree_keep(x);
                    let f = &mut self.frames[x as usize];
                    f.tokens = 0;
                    f.parked = 0;
                    f.slots.iter_mut().for_each(|v| *v = 0);
                    f.pos.iter_mut().for_each(|v| *v = 0);
                    f.tokens = 1;
                    self.to(x, esp);
                } else {
                    self.frames[x as usize].tokens += 1;
                    self.to(x, esp);
                    go_on(self);
                }
            }
        }
    }

    /// Consumes `k` tokens of a frame.
    fn consume(&mut self, frame: u32, k: u32) {
        let f = &mut self.frames[frame as usize];
        f.tokens = f.tokens.saturating_sub(k);
        if f.tokens == 0 {
            self.frame_done(frame);
        } else {
            self.check_stuck(frame);
        }
    }

    fn check_stuck(&mut self, frame: u32) {
        let f = &self.frames[frame as usize];
        if f.tokens > 0 && f.tokens == f.parked && self.work.iter().all(|&(fr, _)| fr != frame) {
            if f.track && self.fire_any_or(frame, true) {
                return;
            }
            // Every token waits at a join that can never fire.
            self.out.stuck += 1;
            self.kill_tree_keep(frame);
            self.frame_done(frame);
        }
    }

    /// Inclusive joins of a frame that may fire now do.
    fn check_or(&mut self, frame: u32) {
        self.fire_any_or(frame, false);
    }

    fn fire_any_or(&mut self, frame: u32, force: bool) -> bool {
        let net = self.net;
        let scope = self.frames[frame as usize].scope as usize;
        let mut fired = false;
        for (j, bits) in &net.scopes[scope].or_joins {
            let node = &net.nodes[*j as usize];
            let NodeKind::Or { slot } = node.kind else {
                continue;
            };
            let f = &self.frames[frame as usize];
            let waiting = f.slots[slot as usize];
            if waiting == 0 {
                continue;
            }
            let blocked = !force
                && f.pos.iter().enumerate().any(|(l, &c)| {
                    c > 0 && l != node.local as usize && bits[l / 64] & (1 << (l % 64)) != 0
                });
            if blocked {
                continue;
            }
            let f = &mut self.frames[frame as usize];
            f.slots[slot as usize] = 0;
            f.parked -= waiting;
            f.tokens -= waiting - 1;
            f.pos[node.local as usize] = f.pos[node.local as usize].saturating_sub(waiting);
            self.leave(frame, *j);
            fired = true;
            break;
        }
        fired
    }

    fn terminate(&mut self, frame: u32) {
        self.kill_tree_keep(frame);
        self.frames[frame as usize].tokens = 0;
        self.frame_done(frame);
    }

    /// Kills every descendant frame of `frame` (not `frame` itself) and invalidates the
    /// frame's pending events by bumping its generation.
    fn kill_tree_keep(&mut self, frame: u32) {
        let case = self.frames[frame as usize].case;
        let epoch = self.frames[frame as usize].epoch;
        for i in 0..self.frames.len() {
            let f = &self.frames[i];
            if f.alive && f.case == case && f.parent == frame && f.parent_epoch == epoch {
                self.kill_tree(u32::try_from(i).unwrap_or(NONE));
            }
        }
        let f = &mut self.frames[frame as usize];
        f.epoch = f.epoch.wrapping_add(1);
        // Children keep the old parent_epoch; update nothing else.
        self.work.retain(|&(fr, _)| fr != frame);
    }

    fn kill_tree(&mut self, frame: u32) {
        self.kill_tree_keep(frame);
        self.free_frame(frame);
    }

    /// A scope instance has no tokens left.
    fn frame_done(&mut self, frame: u32) {
        let f = &self.frames[frame as usize];
        let (parent, node, group, case) = (f.parent, f.node, f.group, f.case);
        if parent == NONE {
            self.free_frame(frame);
            self.case_done(case);
            return;
        }
        let net = self.net;
        let n = &net.nodes[node as usize];
        let iter = f.iter;
        let started = f.started;
        if group {
            self.free_frame(frame);
            self.sub_finished(parent, node, started, 0);
            return;
        }
        let p = &self.frames[parent as usize];
        if p.group {
            self.free_frame(frame);
            let g = &mut self.frames[parent as usize];
            g.tokens -= 1;
            if g.tokens == 0 {
                self.frame_done(parent);
            }
            return;
        }
        let again = match n.repeat {
            Repeat::Sequential(k) => iter + 1 < k,
            Repeat::Loop { p, max } => iter + 1 < max && self.rng.random::<f64>() < p,
            _ => false,
        };
        if again {
            // Reuse the frame for the next iteration.
            let s = &net.scopes[self.frames[frame as usize].scope as usize];
            let f = &mut self.frames[frame as usize];
            f.iter = iter + 1;
            f.epoch = f.epoch.wrapping_add(1);
            f.generation = f.generation.wrapping_add(1);
            f.slots.iter_mut().for_each(|x| *x = 0);
            f.limits.iter_mut().for_each(|x| *x = 0);
            f.pos.iter_mut().for_each(|x| *x = 0);
            f.tokens = 0;
            f.parked = 0;
            let _ = s;
            self.start_frame(frame);
            if self.frames[frame as usize].tokens == 0 {
                self.frame_done(frame);
            }
            return;
        }
        self.free_frame(frame);
        self.sub_finished(parent, node, started, 0);
    }

    fn sub_finished(&mut self, parent: u32, node: u32, started: f64, _iter: u32) {
        if !self.frames[parent as usize].alive {
            return;
        }
        if let NodeKind::Sub { act, .. } = self.net.nodes[node as usize].kind {
            let case = self.frames[parent as usize].case;
            if self.cases[case as usize].idx >= self.spec.warmup {
                self.out.act_count[act as usize] += 1;
                self.out.act_proc[act as usize] += self.now - started;
            }
        }
        self.unpos(parent, node);
        self.leave(parent, node);
    }

    fn case_done(&mut self, case: u32) {
        let now = self.now;
        let c = &mut self.cases[case as usize];
        self.out.completed += 1;
        if c.failed {
            self.out.failed += 1;
        }
        self.out.last_end = self.out.last_end.max(now);
        if c.idx >= self.spec.warmup {
            let cycle = now - c.arrival;
            let busy = union_len(&mut c.busy);
            c.spans.extend_from_slice(&c.busy);
            let any = union_len(&mut c.spans);
            self.out.cycle.push(cycle);
            self.out.processing.push(busy);
            self.out.waiting.push((any - busy).max(0.0));
            self.out.idle.push((cycle - any).max(0.0));
            self.out.cost.push(c.cost);
        }
        self.free_cases.push(case);
        if self.out.completed % 1024 == 0 {
            if let Some(p) = self.progress {
                p.fetch_add(1024, AtomicOrdering::Relaxed);
            }
        }
    }
}

/// Length of the union of intervals (sorts in place).
fn union_len(v: &mut [(f64, f64)]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    if !v.is_sorted_by(|a, b| a.0 <= b.0) {
        v.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    }
    let mut total = 0.0;
    let (mut s, mut e) = v[0];
    for &(a, b) in &v[1..] {
        if a > e {
            total += e - s;
            s = a;
            e = b;
        } else if b > e {
            e = b;
        }
    }
    total + (e - s)
}

/// Whether `from` can reach `target` in the net (rarely used: loop-guard exits).
fn reaches(net: &Net, from: u32, target: u32) -> bool {
    let mut seen = vec![false; net.nodes.len()];
    let mut stack = vec![from];
    while let Some(m) = stack.pop() {
        if m == target {
            return true;
        }
        if std::mem::replace(&mut seen[m as usize], true) {
            continue;
        }
        stack.extend_from_slice(net.out(m));
        let (a, b) = net.nodes[m as usize].bounds;
        for bi in a..b {
            stack.push(net.bounds[bi as usize].node);
        }
    }
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::union_len;

    #[test]
    fn union_does_not_double_count_three_overlaps() {
        // Prosimos's sum_interval_union gives 21.5 here.
        let mut v = vec![(0.0, 14.0), (0.0, 2.5), (0.0, 10.0)];
        assert_eq!(union_len(&mut v), 14.0);
        let mut v = vec![(5.0, 6.0), (0.0, 1.0), (0.5, 2.0)];
        assert_eq!(union_len(&mut v), 3.0);
    }
}
