//! BPMN token semantics compiled into a small net: places (sequence flows, running
//! activities, waiting event-based gateways, pending messages) and transitions with the
//! extra rules BPMN needs (non-local inclusive joins, terminate = clear, boundary events).
//!
//! A *unit* is what is explored as one system: a group of top-level processes connected by
//! message flows (one pool alone is a group of one), or one embedded / event sub-process
//! (sub-processes are opaque activities in their parent and checked in their own scope).

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::{ElementId, Kind, Model};

/// What a place stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceKind {
    /// A sequence flow.
    Flow,
    /// The not-yet-used entry of a start event / implicit start node.
    Start,
    /// An activity with boundary events that has started and not completed.
    Running,
    /// A non-interrupting boundary event that already fired during this activation.
    Fired,
    /// An event-based gateway waiting for one of its events.
    EventGateway,
    /// A message sent over a message flow and not yet received.
    Message,
}

/// One place.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub kind: PlaceKind,
    /// The flow, activity, gateway, start node or message flow.
    pub el: ElementId,
    /// The node a token here waits at (flow target, running activity, ...).
    pub waiter: Option<ElementId>,
    /// Index of the scope (pool) in the unit.
    pub pool: usize,
}

/// One transition: consume `pre`, clear `clear`, produce `post`.
#[derive(Debug, Clone)]
pub(crate) struct Transition {
    /// The element whose firing this is (shown in witnesses).
    pub node: ElementId,
    pub pre: Vec<u32>,
    pub post: Vec<u32>,
    /// Places emptied when firing (terminate end events, boundary flags).
    pub clear: Vec<u32>,
    /// Places that must be empty.
    pub inhibit: Vec<u32>,
    /// Inclusive join: index into [`Net::or_joins`]; consumes its marked inputs.
    pub or_join: Option<u32>,
    /// Whether the transition starts an activity (counts for dead-activity checks).
    pub activity: Option<ElementId>,
}

/// The non-local rule of one inclusive (or complex) join.
#[derive(Debug, Clone)]
pub(crate) struct OrJoin {
    pub ins: Vec<u32>,
    /// Per incoming place: the places upstream of it not passing through the join.
    pub upstream: Vec<Vec<u64>>,
}

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    /// One top-level process.
    Process,
    /// Several processes (pools) connected by message flows.
    Collaboration,
    /// An embedded or event sub-process, checked in its own scope.
    SubProcess,
}

/// A set of scopes explored together.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub scopes: Vec<ElementId>,
    pub kind: UnitKind,
}

/// The compiled net of a unit.
#[derive(Debug, Clone, Default)]
pub(crate) struct Net {
    pub places: Vec<Place>,
    pub transitions: Vec<Transition>,
    /// Alternative initial markings.
    pub initial: Vec<Vec<u32>>,
    pub or_joins: Vec<OrJoin>,
    /// End events that throw a result, with two or more incoming flows, and those flows'
    /// places.
    pub end_checks: Vec<(ElementId, Vec<u32>)>,
    /// Activities that must be able to run.
    pub activities: Vec<ElementId>,
    /// Elements this compiler does not model, with the reason.
    pub unsupported: Vec<(ElementId, String)>,
    /// Places a token waits in for a message (receivers).
    pub waits_for_message: HashSet<u32>,
}

impl Net {
    /// Number of 64-bit words of a marking.
    pub fn words(&self) -> usize {
        self.places.len().div_ceil(64).max(1)
    }
}

/// The units of a model: top-level processes grouped by message flows, then every embedded
/// or event sub-process on its own.
pub(crate) fn units(model: &Model) -> Vec<Unit> {
    // One pass over the elements.
    let mut processes: Vec<ElementId> = Vec::new();
    let mut message_flows: Vec<ElementId> = Vec::new();
    let mut sub_processes: Vec<ElementId> = Vec::new();
    for (id, e) in model.iter() {
        match e.kind {
            Kind::Process => processes.push(id),
            Kind::MessageFlow => message_flows.push(id),
            Kind::SubProcess | Kind::Transaction => sub_processes.push(id),
            _ => {}
        }
    }
    let index: rustc_hash::FxHashMap<ElementId, usize> =
        processes.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut parent: Vec<usize> = (0..processes.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &mf in &message_flows {
        let mf = model.el(mf);
        let (Some(s), Some(t)) = (mf.links.source, mf.links.target) else {
            continue;
        };
        let (Some(a), Some(b)) = (top_process(model, s), top_process(model, t)) else {
            continue;
        };
        if let (Some(&a), Some(&b)) = (index.get(&a), index.get(&b)) {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra] = rb;
            }
        }
    }
    let mut groups: Vec<(usize, Vec<ElementId>)> = Vec::new();
    for (i, &p) in processes.iter().enumerate() {
        let r = find(&mut parent, i);
        match groups.iter_mut().find(|(root, _)| *root == r) {
            Some((_, g)) => g.push(p),
            None => groups.push((r, vec![p])),
        }
    }
    let mut out: Vec<Unit> = groups
        .into_iter()
        .map(|(_, scopes)| Unit {
            kind: if scopes.len() > 1 {
                UnitKind::Collaboration
            } else {
                UnitKind::Process
            },
            scopes,
        })
        .collect();
    out.extend(sub_processes.into_iter().map(|id| Unit {
        scopes: vec![id],
        kind: UnitKind::SubProcess,
    }));
    out
}

/// The top-level process of a message flow end: a participant's process, or the process
/// of a flow node directly in a process (nodes inside sub-processes do not count).
fn top_process(model: &Model, el: ElementId) -> Option<ElementId> {
    let e = model.el(el);
    if e.kind == Kind::Participant {
        return e.links.process;
    }
    let scope = model.scope_of(el)?;
    (model.el(scope).kind == Kind::Process).then_some(scope)
}

/// Whether an event has an event definition of this kind.
pub(crate) fn has_trigger(model: &Model, el: ElementId, kind: &Kind) -> bool {
    model.event_definitions(el).any(|(_, d)| &d.kind == kind)
}

/// Whether reaching this end event twice in one instance is a fault (improper
/// completion): it throws a result (a message, signal, escalation or compensation), which
/// would then be thrown twice. A plain end event only consumes its token, so two branches
/// may share one (BPMN 2.0.2 §13.5.6: the instance completes when no token is left);
/// terminate, error and cancel end events end their scope at the first token.
pub(crate) fn completion_matters(model: &Model, el: ElementId) -> bool {
    model.el(el).kind == Kind::EndEvent
        && model.event_definitions(el).any(|(_, d)| {
            matches!(
                d.kind,
                Kind::MessageEventDefinition
                    | Kind::SignalEventDefinition
                    | Kind::EscalationEventDefinition
                    | Kind::CompensateEventDefinition
            )
        })
}

/// Whether a node waits for a message when a message flow points at it.
fn is_receiver(model: &Model, el: ElementId) -> bool {
    let e = model.el(el);
    match e.kind {
        Kind::ReceiveTask => true,
        Kind::StartEvent | Kind::IntermediateCatchEvent | Kind::BoundaryEvent => {
            has_trigger(model, el, &Kind::MessageEventDefinition)
        }
        _ => false,
    }
}

/// Gateway behaviour used by both the net compiler and the structural checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayType {
    /// Exclusive: one token in, one out.
    Xor,
    /// Parallel: all in, all out.
    And,
    /// Inclusive (and complex): non-local join, any non-empty subset out.
    Or,
}

/// The join/split behaviour of a flow node, or `None` for event-based gateways.
pub(crate) fn gateway_type(kind: &Kind) -> Option<GatewayType> {
    match kind {
        Kind::ExclusiveGateway => Some(GatewayType::Xor),
        Kind::ParallelGateway => Some(GatewayType::And),
        Kind::InclusiveGateway | Kind::ComplexGateway => Some(GatewayType::Or),
        _ => None,
    }
}

/// Whether a sequence flow carries a condition.
pub(crate) fn is_conditional(model: &Model, flow: ElementId) -> bool {
    model
        .children(flow)
        .any(|(_, c)| c.kind == Kind::ConditionExpression)
}

/// Limit on the outgoing options of one inclusive split (2^12).
const MAX_OPTIONS: usize = 4096;

struct Builder<'m> {
    model: &'m Model,
    net: Net,
    nodes: HashMap<ElementId, usize>,
    flow_place: HashMap<ElementId, u32>,
    msg_place: HashMap<ElementId, u32>,
    start_place: HashMap<ElementId, u32>,
}

impl Builder<'_> {
    fn place(
        &mut self,
        kind: PlaceKind,
        el: ElementId,
        waiter: Option<ElementId>,
        pool: usize,
    ) -> u32 {
        let i = u32::try_from(self.net.places.len()).unwrap_or(u32::MAX);
        self.net.places.push(Place {
            kind,
            el,
            waiter,
            pool,
        });
        i
    }

    fn push(&mut self, t: Transition) {
        self.net.transitions.push(t);
    }

    /// The messages a node sends when it fires.
    fn sends(&self, el: ElementId) -> Vec<u32> {
        self.model
            .el(el)
            .links
            .message_out
            .iter()
            .filter_map(|mf| self.msg_place.get(mf).copied())
            .collect()
    }

    /// Alternative sets of message places a receiver can consume (one per flow), or one
    /// empty alternative when the message comes from outside the unit.
    fn receives(&self, el: ElementId) -> Vec<Vec<u32>> {
        let places: Vec<u32> = self
            .model
            .el(el)
            .links
            .message_in
            .iter()
            .filter_map(|mf| self.msg_place.get(mf).copied())
            .collect();
        if places.is_empty() {
            vec![Vec::new()]
        } else {
            places.into_iter().map(|p| vec![p]).collect()
        }
    }

    fn out_places(&self, el: ElementId) -> Vec<(ElementId, u32)> {
        self.model
            .el(el)
            .links
            .outgoing
            .iter()
            .filter_map(|f| self.flow_place.get(f).map(|&p| (*f, p)))
            .collect()
    }

    fn in_places(&self, el: ElementId) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .model
            .el(el)
            .links
            .incoming
            .iter()
            .filter_map(|f| self.flow_place.get(f).copied())
            .collect();
        if let Some(&s) = self.start_place.get(&el) {
            v.push(s);
        }
        v
    }

    /// The alternative sets of outgoing flows a node may produce.
    fn split_options(&mut self, el: ElementId) -> Vec<Vec<u32>> {
        let outs = self.out_places(el);
        let kind = self.model.el(el).kind.clone();
        let default = self.model.el(el).links.default_flow;
        if outs.is_empty() {
            return vec![Vec::new()];
        }
        match gateway_type(&kind) {
            Some(GatewayType::Xor) => outs.iter().map(|&(_, p)| vec![p]).collect(),
            Some(GatewayType::And) => vec![outs.iter().map(|&(_, p)| p).collect()],
            Some(GatewayType::Or) => {
                let free: Vec<u32> = outs
                    .iter()
                    .filter(|(f, _)| Some(*f) != default)
                    .map(|&(_, p)| p)
                    .collect();
                let def: Option<u32> = outs
                    .iter()
                    .find(|(f, _)| Some(*f) == default)
                    .map(|&(_, p)| p);
                self.subsets(el, &[], &free, def, false)
            }
            None => {
                let mut always = Vec::new();
                let mut cond = Vec::new();
                let mut def = None;
                for &(f, p) in &outs {
                    if Some(f) == default {
                        def = Some(p);
                    } else if is_conditional(self.model, f) {
                        cond.push(p);
                    } else {
                        always.push(p);
                    }
                }
                if cond.is_empty() {
                    always.extend(def);
                    return vec![always];
                }
                self.subsets(el, &always, &cond, def, true)
            }
        }
    }

    /// `always` plus every subset of `free` (the empty one only when allowed or with the
    /// default flow, which is taken exactly when nothing of `free` is).
    fn subsets(
        &mut self,
        el: ElementId,
        always: &[u32],
        free: &[u32],
        def: Option<u32>,
        allow_empty: bool,
    ) -> Vec<Vec<u32>> {
        if free.len() >= 12 {
            self.net.unsupported.push((
                el,
                format!(
                    "inclusive split with {} conditional outgoing flows (at most 11)",
                    free.len()
                ),
            ));
            return Vec::new();
        }
        let mut out = Vec::new();
        for mask in 0usize..(1 << free.len()) {
            let mut v: Vec<u32> = always.to_vec();
            v.extend(
                free.iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, &p)| p),
            );
            if mask == 0 {
                match def {
                    Some(d) => v.push(d),
                    None if !allow_empty => continue,
                    None => {}
                }
                if v.is_empty() && !allow_empty {
                    continue;
                }
            }
            out.push(v);
            if out.len() > MAX_OPTIONS {
                break;
            }
        }
        out
    }
}

/// Compiles one unit.
#[allow(clippy::too_many_lines)]
pub(crate) fn compile(model: &Model, unit: &Unit) -> Net {
    let mut b = Builder {
        model,
        net: Net::default(),
        nodes: HashMap::new(),
        flow_place: HashMap::new(),
        msg_place: HashMap::new(),
        start_place: HashMap::new(),
    };
    // Nodes of the unit, by pool.
    let mut node_list: Vec<(ElementId, usize)> = Vec::new();
    for (pool, &scope) in unit.scopes.iter().enumerate() {
        for (id, _) in model.flow_nodes(scope) {
            b.nodes.insert(id, pool);
            node_list.push((id, pool));
        }
    }
    // Elements of the scope that are not flow nodes but take part in sequence flows.
    for &scope in &unit.scopes {
        for (id, e) in model.children(scope) {
            if let Kind::Other(name) = &e.kind {
                if !e.links.incoming.is_empty() || !e.links.outgoing.is_empty() {
                    b.net
                        .unsupported
                        .push((id, format!("{name} in a process flow")));
                }
            }
        }
    }
    // Sequence flow places.
    for (pool, &scope) in unit.scopes.iter().enumerate() {
        for (flow, e) in model.sequence_flows(scope) {
            match (e.links.source, e.links.target) {
                (Some(s), Some(t)) if b.nodes.contains_key(&s) && b.nodes.contains_key(&t) => {
                    let p = b.place(PlaceKind::Flow, flow, Some(t), pool);
                    b.flow_place.insert(flow, p);
                }
                (_, t) => {
                    let what = t.map_or_else(
                        || "sequence flow without a target in its scope".to_owned(),
                        |t| {
                            format!(
                                "sequence flow to {} outside its scope",
                                model.el(t).kind.human_name()
                            )
                        },
                    );
                    b.net.unsupported.push((flow, what));
                }
            }
        }
    }
    // Message places: both ends in the unit and the target waits for messages.
    for (mf, e) in model.of_kind(&Kind::MessageFlow) {
        if let (Some(s), Some(t)) = (e.links.source, e.links.target) {
            if let (Some(_), Some(&pool)) = (b.nodes.get(&s), b.nodes.get(&t)) {
                if is_receiver(model, t) {
                    let p = b.place(PlaceKind::Message, mf, Some(t), pool);
                    b.msg_place.insert(mf, p);
                }
            }
        }
    }
    // Entries and initial markings, per pool.
    let mut per_pool: Vec<Vec<Vec<u32>>> = Vec::new();
    for (pool, &scope) in unit.scopes.iter().enumerate() {
        let nodes: Vec<ElementId> = model.flow_nodes(scope).map(|(id, _)| id).collect();
        let starts: Vec<ElementId> = nodes
            .iter()
            .copied()
            .filter(|&n| model.el(n).kind == Kind::StartEvent)
            .collect();
        let mut alternatives = Vec::new();
        if starts.is_empty() {
            let implicit: Vec<ElementId> = nodes
                .iter()
                .copied()
                .filter(|&n| is_implicit_start(model, n))
                .collect();
            let mut set = Vec::new();
            for n in implicit {
                let p = b.place(PlaceKind::Start, n, Some(n), pool);
                b.start_place.insert(n, p);
                set.push(p);
            }
            alternatives.push(set);
        } else {
            for s in starts {
                let by_message = model
                    .el(s)
                    .links
                    .message_in
                    .iter()
                    .any(|mf| b.msg_place.contains_key(mf));
                if by_message {
                    continue;
                }
                let p = b.place(PlaceKind::Start, s, Some(s), pool);
                b.start_place.insert(s, p);
                alternatives.push(vec![p]);
            }
            if alternatives.is_empty() {
                alternatives.push(Vec::new());
            }
        }
        per_pool.push(alternatives);
    }
    let mut initial: Vec<Vec<u32>> = vec![Vec::new()];
    for alts in per_pool {
        let mut next = Vec::new();
        for base in &initial {
            for alt in &alts {
                let mut m = base.clone();
                m.extend(alt);
                next.push(m);
                if next.len() >= 64 {
                    break;
                }
            }
        }
        initial = next;
    }
    b.net.initial = initial;

    // Transitions.
    for &(el, pool) in &node_list {
        let e = model.el(el);
        let kind = e.kind.clone();
        if e.bool_attr("isForCompensation").unwrap_or(false) {
            continue;
        }
        if kind.is_activity() {
            b.net.activities.push(el);
        }
        let ins = b.in_places(el);
        match &kind {
            Kind::BoundaryEvent => {} // compiled with its host
            _ if kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false) => {
                // An event sub-process is not part of its parent's flow; it is checked
                // in its own scope. It counts as live when its parent can run.
                b.net.activities.pop();
            }
            Kind::StartEvent => {
                let outs = b.split_options(el);
                let sends = b.sends(el);
                let entry = b.start_place.get(&el).copied();
                let pre_sets: Vec<Vec<u32>> = match entry {
                    Some(p) => vec![vec![p]],
                    None => {
                        let r = b.receives(el);
                        if r.iter().all(Vec::is_empty) {
                            Vec::new() // not an entry and not message-started: never fires
                        } else {
                            r
                        }
                    }
                };
                // A message start creates a new instance: it waits until the pool's current
                // instance is over instead of adding tokens to it (filled in below).
                let inhibit = if entry.is_none() {
                    vec![u32::MAX]
                } else {
                    Vec::new()
                };
                for pre in pre_sets {
                    for o in &outs {
                        let mut post = o.clone();
                        post.extend(&sends);
                        b.push(Transition {
                            node: el,
                            pre: pre.clone(),
                            post,
                            clear: Vec::new(),
                            inhibit: inhibit.clone(),
                            or_join: None,
                            activity: None,
                        });
                    }
                }
            }
            Kind::EndEvent => {
                let sends = b.sends(el);
                let terminate = has_trigger(model, el, &Kind::TerminateEventDefinition);
                // Filled in once every place exists (see the end of `compile`).
                let clear: Vec<u32> = if terminate {
                    vec![u32::MAX]
                } else {
                    Vec::new()
                };
                if ins.len() >= 2 && completion_matters(model, el) {
                    b.net.end_checks.push((el, ins.clone()));
                }
                for p in ins {
                    b.push(Transition {
                        node: el,
                        pre: vec![p],
                        post: sends.clone(),
                        clear: clear.clone(),
                        inhibit: Vec::new(),
                        or_join: None,
                        activity: None,
                    });
                }
            }
            Kind::EventBasedGateway => {
                let wait = b.place(PlaceKind::EventGateway, el, Some(el), pool);
                for p in &ins {
                    b.push(Transition {
                        node: el,
                        pre: vec![*p],
                        post: vec![wait],
                        clear: Vec::new(),
                        inhibit: Vec::new(),
                        or_join: None,
                        activity: None,
                    });
                }
                let targets: Vec<ElementId> = e
                    .links
                    .outgoing
                    .iter()
                    .filter_map(|f| model.el(*f).links.target)
                    .collect();
                for t in targets {
                    let outs = b.split_options(t);
                    let sends = b.sends(t);
                    let recv = b.receives(t);
                    if recv.iter().any(|r| !r.is_empty()) {
                        b.net.waits_for_message.insert(wait);
                    }
                    let is_act = model.el(t).kind.is_activity().then_some(t);
                    for r in &recv {
                        for o in &outs {
                            let mut pre = vec![wait];
                            pre.extend(r);
                            let mut post = o.clone();
                            post.extend(&sends);
                            b.push(Transition {
                                node: t,
                                pre,
                                post,
                                clear: Vec::new(),
                                inhibit: Vec::new(),
                                or_join: None,
                                activity: is_act,
                            });
                        }
                    }
                }
            }
            _ if kind.is_gateway() => {
                let gt = gateway_type(&kind).unwrap_or(GatewayType::Or);
                let outs = b.split_options(el);
                match gt {
                    GatewayType::And => {
                        for o in outs {
                            b.push(Transition {
                                node: el,
                                pre: ins.clone(),
                                post: o,
                                clear: Vec::new(),
                                inhibit: Vec::new(),
                                or_join: None,
                                activity: None,
                            });
                        }
                    }
                    GatewayType::Or if ins.len() > 1 => {
                        let j = u32::try_from(b.net.or_joins.len()).unwrap_or(u32::MAX);
                        b.net.or_joins.push(OrJoin {
                            ins: ins.clone(),
                            upstream: Vec::new(),
                        });
                        for o in outs {
                            b.push(Transition {
                                node: el,
                                pre: Vec::new(),
                                post: o,
                                clear: Vec::new(),
                                inhibit: Vec::new(),
                                or_join: Some(j),
                                activity: None,
                            });
                        }
                    }
                    _ => {
                        for p in &ins {
                            for o in &outs {
                                b.push(Transition {
                                    node: el,
                                    pre: vec![*p],
                                    post: o.clone(),
                                    clear: Vec::new(),
                                    inhibit: Vec::new(),
                                    or_join: None,
                                    activity: None,
                                });
                            }
                        }
                    }
                }
            }
            Kind::IntermediateThrowEvent if has_trigger(model, el, &Kind::LinkEventDefinition) => {
                let catch = crate::graph::link_target(model, el)
                    .filter(|c| node_list.iter().any(|&(n, _)| n == *c));
                // Without a matching catch the token stays at the throw: a deadlock.
                if let Some(c) = catch {
                    let outs = b.split_options(c);
                    for p in &ins {
                        for o in &outs {
                            b.push(Transition {
                                node: el,
                                pre: vec![*p],
                                post: o.clone(),
                                clear: Vec::new(),
                                inhibit: Vec::new(),
                                or_join: None,
                                activity: None,
                            });
                        }
                    }
                }
            }
            _ if kind.is_flow_node() => {
                compile_pass_through(&mut b, el, pool, &ins);
            }
            _ => {}
        }
    }
    // Boundary events whose host is outside the unit.
    for &(el, _) in &node_list {
        let e = model.el(el);
        if e.kind == Kind::BoundaryEvent {
            match e.links.attached_to {
                Some(h) if b.nodes.contains_key(&h) => {}
                _ => b
                    .net
                    .unsupported
                    .push((el, "boundary event without a host activity".to_owned())),
            }
        }
    }
    // Terminate end events clear every place of their pool (messages stay sent).
    let places = b.net.places.clone();
    for t in &mut b.net.transitions {
        if t.clear == [u32::MAX] {
            let pool = b.nodes.get(&t.node).copied().unwrap_or(0);
            t.clear = (0..places.len())
                .filter(|&i| places[i].pool == pool && places[i].kind != PlaceKind::Message)
                .filter_map(|i| u32::try_from(i).ok())
                .collect();
        }
    }
    for t in &mut b.net.transitions {
        if t.inhibit == [u32::MAX] {
            let pool = b.nodes.get(&t.node).copied().unwrap_or(0);
            t.inhibit = (0..places.len())
                .filter(|&i| {
                    places[i].pool == pool
                        && !matches!(places[i].kind, PlaceKind::Message | PlaceKind::Fired)
                })
                .filter_map(|i| u32::try_from(i).ok())
                .collect();
        }
    }
    compute_or_upstream(&mut b.net);
    b.net
}

/// A flow node without incoming flows that starts when its process starts (in a process
/// without start events).
fn is_implicit_start(model: &Model, n: ElementId) -> bool {
    let e = model.el(n);
    e.links.incoming.is_empty()
        && e.kind != Kind::BoundaryEvent
        && !e.bool_attr("isForCompensation").unwrap_or(false)
        && !crate::graph::is_link_catch(model, n)
        && !(e.kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false))
}

/// Activities and intermediate events: implicit XOR join, implicit AND split (or inclusive
/// for conditional flows), message receipt, and boundary events on activities.
fn compile_pass_through(b: &mut Builder<'_>, el: ElementId, pool: usize, ins: &[u32]) {
    let model = b.model;
    let e = model.el(el);
    let is_act = e.kind.is_activity().then_some(el);
    let outs = b.split_options(el);
    let sends = b.sends(el);
    let recv = b.receives(el);
    let waiting_msg = recv.iter().any(|r| !r.is_empty());
    let boundaries: Vec<ElementId> = e
        .links
        .boundary_events
        .iter()
        .copied()
        .filter(|x| b.nodes.contains_key(x))
        // A compensation boundary event never fires while its activity runs: it only
        // marks the handler (joined by an association) that compensation calls after the
        // activity completed (BPMN 2.0.2 §10.5.6). Taken as a boundary event it would
        // "interrupt" the activity and strand the join after it.
        .filter(|&x| !has_trigger(model, x, &Kind::CompensateEventDefinition))
        .collect();
    if boundaries.is_empty() || !e.kind.is_activity() {
        for &p in ins {
            if waiting_msg {
                b.net.waits_for_message.insert(p);
            }
            for r in &recv {
                for o in &outs {
                    let mut pre = vec![p];
                    pre.extend(r);
                    let mut post = o.clone();
                    post.extend(&sends);
                    b.push(Transition {
                        node: el,
                        pre,
                        post,
                        clear: Vec::new(),
                        inhibit: Vec::new(),
                        or_join: None,
                        activity: is_act,
                    });
                }
            }
        }
        return;
    }
    // Two phases: start (token into `running`), then completion or a boundary event.
    let running = b.place(PlaceKind::Running, el, Some(el), pool);
    let mut flags = Vec::new();
    for &bd in &boundaries {
        let interrupting = model.el(bd).bool_attr("cancelActivity").unwrap_or(true);
        if !interrupting {
            flags.push((bd, b.place(PlaceKind::Fired, bd, None, pool)));
        }
    }
    let flag_places: Vec<u32> = flags.iter().map(|&(_, p)| p).collect();
    for &p in ins {
        if waiting_msg {
            b.net.waits_for_message.insert(p);
        }
        for r in &recv {
            let mut pre = vec![p];
            pre.extend(r);
            b.push(Transition {
                node: el,
                pre,
                post: vec![running],
                clear: Vec::new(),
                inhibit: Vec::new(),
                or_join: None,
                activity: is_act,
            });
        }
    }
    for o in &outs {
        let mut post = o.clone();
        post.extend(&sends);
        b.push(Transition {
            node: el,
            pre: vec![running],
            post,
            clear: flag_places.clone(),
            inhibit: Vec::new(),
            or_join: None,
            activity: None,
        });
    }
    for &bd in &boundaries {
        let interrupting = model.el(bd).bool_attr("cancelActivity").unwrap_or(true);
        let bouts = b.split_options(bd);
        let bsends = b.sends(bd);
        let brecv = b.receives(bd);
        let flag = flags.iter().find(|(x, _)| *x == bd).map(|&(_, p)| p);
        for r in &brecv {
            for o in &bouts {
                let mut pre = vec![running];
                pre.extend(r);
                let mut post = o.clone();
                post.extend(&bsends);
                let (clear, inhibit) = match (interrupting, flag) {
                    (false, Some(f)) => {
                        post.push(running);
                        post.push(f);
                        (Vec::new(), vec![f])
                    }
                    _ => (flag_places.clone(), Vec::new()),
                };
                b.push(Transition {
                    node: bd,
                    pre,
                    post,
                    clear,
                    inhibit,
                    or_join: None,
                    activity: None,
                });
            }
        }
    }
}

/// For every inclusive join input: the places from which a token can reach it without
/// passing through the join (messages and flags excluded: they are not tokens of the flow).
fn compute_or_upstream(net: &mut Net) {
    if net.or_joins.is_empty() {
        return;
    }
    let n = net.places.len();
    let words = net.words();
    // Reverse edges q <- p, tagged with the firing node.
    let mut rev: Vec<Vec<(u32, ElementId)>> = vec![Vec::new(); n];
    for t in &net.transitions {
        let pre: Vec<u32> = match t.or_join {
            Some(j) => net.or_joins[j as usize].ins.clone(),
            None => t.pre.clone(),
        };
        for &p in &pre {
            if matches!(
                net.places[p as usize].kind,
                PlaceKind::Message | PlaceKind::Fired
            ) {
                continue;
            }
            for &q in &t.post {
                rev[q as usize].push((p, t.node));
            }
        }
    }
    let join_nodes: Vec<ElementId> = net
        .or_joins
        .iter()
        .enumerate()
        .map(|(j, _)| {
            net.transitions
                .iter()
                .find(|t| t.or_join == Some(u32::try_from(j).unwrap_or(u32::MAX)))
                .map_or(ElementId(0), |t| t.node)
        })
        .collect();
    for (j, join) in net.or_joins.iter_mut().enumerate() {
        let node = join_nodes[j];
        join.upstream = join
            .ins
            .iter()
            .map(|&f| {
                let mut bits = vec![0u64; words];
                let mut seen = vec![false; n];
                let mut queue = VecDeque::from([f]);
                seen[f as usize] = true;
                while let Some(q) = queue.pop_front() {
                    for &(p, via) in &rev[q as usize] {
                        if via == node || seen[p as usize] {
                            continue;
                        }
                        seen[p as usize] = true;
                        bits[p as usize / 64] |= 1 << (p % 64);
                        queue.push_back(p);
                    }
                }
                bits
            })
            .collect();
    }
}
