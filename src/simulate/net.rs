//! The compiled simulation net: a model plus a scenario flattened into integer-indexed
//! arrays, so the engine's hot loop touches no strings, maps or allocations.

use super::calendar::Calendar;
use super::dist::Dist;
use crate::model::ElementId;

/// What a node does when a token reaches it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NodeKind {
    /// A start event (tokens are placed after it).
    Start,
    /// An end event: the token is consumed.
    End,
    /// A terminate end event: every token of its scope instance is consumed.
    Terminate,
    /// Passes the token on at once (throw events, boundary events, XOR joins and merges).
    Pass,
    /// Exclusive split: one outgoing flow by probability.
    Xor,
    /// Parallel gateway: waits for a token on every incoming flow, then fires all
    /// outgoing flows.
    And {
        /// Join counter slot in the scope instance.
        slot: u32,
    },
    /// Inclusive gateway: joins when no more tokens can arrive; splits into every flow
    /// whose independent probability fires (at least one).
    Or {
        /// Join counter slot in the scope instance.
        slot: u32,
    },
    /// Event-based gateway: the first of its target events to happen wins.
    EventGw,
    /// An intermediate catch event: waits for a sampled duration.
    Catch {
        /// Index into [`Net::dists`].
        dist: u32,
    },
    /// A task (or call activity): needs a resource, takes a sampled time.
    Task {
        /// Index into [`Net::acts`].
        act: u32,
    },
    /// An error, escalation or cancel event that is thrown (an end event, or an
    /// intermediate escalation throw event): `Net::throws[throw]` says who catches it.
    Throw {
        /// Index into [`Net::throws`].
        throw: u32,
    },
    /// An embedded sub-process.
    Sub {
        /// Index into [`Net::acts`].
        act: u32,
        /// The inner scope.
        scope: u32,
    },
}

/// Repetition of an activity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Repeat {
    /// Runs once.
    Once,
    /// Standard loop: runs again with probability `p`, at most `max` times in all.
    Loop {
        /// Probability of another iteration.
        p: f64,
        /// Most iterations.
        max: u32,
    },
    /// Multi-instance, one after another.
    Sequential(u32),
    /// Multi-instance, all at once.
    Parallel(u32),
}

/// What makes a boundary event fire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trigger {
    /// A timer: fires this long after the activity is enabled.
    Timer(u32),
    /// With probability `p` per execution; at a uniform instant of the execution for tasks,
    /// after a sampled delay (`dist`) for sub-processes. Errors fire at the end.
    Chance {
        /// Probability per execution.
        p: f64,
        /// Delay distribution for sub-processes.
        dist: u32,
        /// Fires at the end of the execution (error events).
        at_end: bool,
    },
    /// Fires only when an event thrown inside the sub-process reaches it (see [`Catch`]).
    Thrown,
}

/// Who catches a thrown error, escalation or cancel event, resolved at compile time by
/// BPMN's rules: the scopes from the thrower outwards, in each first an event
/// sub-process with a matching start event, then a matching boundary event of the
/// sub-process that is the scope.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Catch {
    /// A boundary event of an enclosing sub-process `host` (a [`NodeKind::Sub`] node);
    /// `bound` indexes [`Net::bounds`].
    Boundary {
        /// The sub-process node the boundary event is attached to.
        host: u32,
        /// Index into [`Net::bounds`].
        bound: u32,
    },
    /// An event sub-process (a [`NodeKind::Sub`] node without flows) of an enclosing scope.
    EventSub {
        /// The event sub-process node.
        node: u32,
        /// Whether it cancels the rest of its scope (error start events always do).
        interrupting: bool,
    },
    /// An error nothing catches: the case ends, counted as failed.
    Uncaught,
    /// An escalation (or a cancel outside a transaction with a cancel boundary event)
    /// nothing catches: it has no effect.
    Ignored,
}

/// A thrown event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throw {
    /// Who catches it.
    pub catch: Catch,
    /// Whether the throwing token ends there (end events), or goes on (intermediate
    /// throw events).
    pub ends: bool,
}

/// A boundary event of an activity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boundary {
    /// The boundary event's node (a [`NodeKind::Pass`] node with the outgoing flows).
    pub node: u32,
    /// Whether it cancels the activity.
    pub interrupting: bool,
    /// What makes it fire.
    pub trigger: Trigger,
}

/// A flow node.
#[derive(Debug, Clone)]
pub struct Node {
    /// Its behaviour.
    pub kind: NodeKind,
    /// Its scope (index into [`Net::scopes`]).
    pub scope: u32,
    /// Index within its scope (for token positions).
    pub local: u32,
    /// Outgoing flows: `Net::succ[out.0..out.1]`.
    pub out: (u32, u32),
    /// Number of incoming sequence flows.
    pub n_in: u32,
    /// Boundary events: `Net::bounds[bounds.0..bounds.1]`.
    pub bounds: (u32, u32),
    /// Repetition (activities).
    pub repeat: Repeat,
    /// Execution counter slot, for split gateways on a cycle (loop guard).
    pub limit_slot: Option<u32>,
    /// The model element.
    pub element: ElementId,
}

/// A process or sub-process scope.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Nodes where tokens start.
    pub starts: Vec<u32>,
    /// Event sub-processes of the scope (started only by a thrown event they catch).
    pub event_subs: Vec<u32>,
    /// Number of nodes in the scope.
    pub n_nodes: u32,
    /// Number of join counter slots.
    pub n_slots: u32,
    /// Number of loop-guard slots.
    pub n_limits: u32,
    /// Inclusive joins in this scope: (node, bitset over local node indices of the nodes
    /// from which the join can be reached without passing through it).
    pub or_joins: Vec<(u32, Vec<u64>)>,
}

/// An activity, for per-activity statistics.
#[derive(Debug, Clone)]
pub struct Activity {
    /// Display name (name, else id).
    pub name: String,
    /// XML id.
    pub id: String,
    /// Eligible (unit resource, duration distribution) pairs: `Net::elig[elig.0..elig.1]`.
    pub elig: (u32, u32),
    /// Whether it is a task (as opposed to a sub-process).
    pub is_task: bool,
}

/// A unit resource (one person or machine).
#[derive(Debug, Clone)]
pub struct Unit {
    /// Display name (`clerk_0`).
    pub name: String,
    /// Its calendar.
    pub calendar: u32,
    /// Cost per busy second.
    pub cost_per_s: f64,
    /// Its pool (index into [`Net::pools`]).
    pub pool: u32,
}

/// A resource pool (one `resource_list` entry or one default lane pool).
#[derive(Debug, Clone)]
pub struct Pool {
    /// Resource id in the scenario.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its units: `Net::units[units.0..units.1]`.
    pub units: (u32, u32),
}

/// The whole compiled net.
#[derive(Debug, Clone)]
pub struct Net {
    /// Flow nodes of every scope.
    pub nodes: Vec<Node>,
    /// Successor node per outgoing flow.
    pub succ: Vec<u32>,
    /// Per outgoing flow: cumulative probability (XOR splits) or independent probability
    /// (OR splits); 1 elsewhere.
    pub prob: Vec<f64>,
    /// Boundary events.
    pub bounds: Vec<Boundary>,
    /// Thrown error, escalation and cancel events.
    pub throws: Vec<Throw>,
    /// Scopes; 0 is the process.
    pub scopes: Vec<Scope>,
    /// Activities.
    pub acts: Vec<Activity>,
    /// Eligible (unit, dist) pairs of activities.
    pub elig: Vec<(u32, u32)>,
    /// Distributions.
    pub dists: Vec<Dist>,
    /// Unit resources.
    pub units: Vec<Unit>,
    /// Pools.
    pub pools: Vec<Pool>,
    /// Calendars.
    pub calendars: Vec<Calendar>,
    /// Inter-arrival distribution.
    pub arrival: Dist,
    /// Arrival calendar, if arrivals are restricted.
    pub arrival_calendar: Option<Calendar>,
    /// Loop guard: most executions of one split gateway per scope instance.
    pub exec_limit: u32,
    /// The simulated process element.
    pub process: ElementId,
    /// Its XML id.
    pub process_id: String,
}

impl Net {
    /// The outgoing successors of a node.
    #[inline]
    #[must_use]
    pub fn out(&self, n: u32) -> &[u32] {
        let (a, b) = self.nodes[n as usize].out;
        &self.succ[a as usize..b as usize]
    }

    /// The distributions of the eligible resources of an activity.
    #[must_use]
    pub fn elig_of(&self, act: u32) -> &[(u32, u32)] {
        let (a, b) = self.acts[act as usize].elig;
        &self.elig[a as usize..b as usize]
    }
}
