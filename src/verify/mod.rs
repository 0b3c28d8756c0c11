//! Behavioural verification: soundness of BPMN models under BPMN 2.0 token semantics.
//!
//! Properties, each reported per process (or per group of pools that exchange messages,
//! or per embedded sub-process): **option to complete** (no deadlock, no livelock),
//! **proper completion** (no end event reached by two tokens of one instance), **safeness**
//! (no flow carrying two tokens: lack of synchronisation), **no dead activities**, and for
//! collaborations **no message deadlock** (pools waiting for each other's messages).
//!
//! How: every scope is first decomposed into single-entry single-exit fragments
//! ([`fragments::decompose`], linear time). When a scope reduces completely, its verdict
//! comes from the gateway types of its bonds without any search. An unstructured but
//! acyclic scope is decided by symbolic execution (`symbolic.rs`: decision outcomes as
//! labels on the flows, polynomial time) where its errors allow. Everything else is
//! decided by breadth-first search over markings (bitsets interned in a hash table) under
//! a state budget, with partial-order reduction (stubborn sets, `por.rs`) so that
//! concurrent branches are not interleaved in every order; when the budget runs out the
//! answer is "unknown", never a guess. A defect is reported once, at its root cause
//! (`causes.rs`), with the elements it breaks attached. Elements the semantics does not
//! cover are reported as `verify::unsupported`, never dropped.
//!
//! ```
//! let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
//!   <process id="p"><startEvent id="s"/><exclusiveGateway id="x"/>
//!   <task id="a"/><task id="b"/><parallelGateway id="j"/><endEvent id="e"/>
//!   <sequenceFlow id="f1" sourceRef="s" targetRef="x"/>
//!   <sequenceFlow id="f2" sourceRef="x" targetRef="a"/><sequenceFlow id="f3" sourceRef="x" targetRef="b"/>
//!   <sequenceFlow id="f4" sourceRef="a" targetRef="j"/><sequenceFlow id="f5" sourceRef="b" targetRef="j"/>
//!   <sequenceFlow id="f6" sourceRef="j" targetRef="e"/></process></definitions>"#;
//! let model = bpmnkit::parse_str("x.bpmn", xml, &Default::default())?;
//! let report = bpmnkit::verify::verify_model(&model, &Default::default());
//! assert_eq!(report.verdict, bpmnkit::verify::Verdict::Unsound);
//! assert_eq!(report.findings[0].code, "verify::deadlock");
//! assert_eq!(report.findings[0].element.id, "j");
//! # Ok::<(), bpmnkit::ParseError>(())
//! ```

mod causes;
mod explore;
pub mod fragments;
mod net;
mod por;
mod symbolic;

use rustc_hash::FxHashMap;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ElementId, Kind, Model};
use explore::{Problem, RawFinding};
pub use fragments::{Fragment, FragmentKind, FragmentTree, decompose};
pub use net::{GatewayType, UnitKind};

/// Default state budget per unit.
pub const DEFAULT_MAX_STATES: usize = 1_000_000;

/// How to decide soundness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Structural decision for scopes that decompose completely, symbolic execution for
    /// unstructured acyclic ones, search for the rest.
    #[default]
    Auto,
    /// Always search the full state space, without partial-order reduction (the exact
    /// reference the fast path is tested against; its witnesses are shortest runs).
    Exhaustive,
    /// As `Auto`, but unstructured acyclic scopes are searched (with partial-order
    /// reduction) instead of executed symbolically: to compare the two.
    Search,
}

/// Options of [`verify_model`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Most states explored per unit before answering "unknown (budget)".
    pub max_states: usize,
    /// How to decide.
    pub method: Method,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            max_states: DEFAULT_MAX_STATES,
            method: Method::Auto,
        }
    }
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every property holds.
    Sound,
    /// Not decided: the state budget ran out, or an element is not modelled.
    Unknown,
    /// At least one property is violated.
    Unsound,
}

/// The state of one property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Proven.
    Holds,
    /// A violation was found (see the findings).
    Violated,
    /// Not decided (budget).
    Unknown,
    /// Does not apply (message deadlocks in a single process).
    NotApplicable,
}

/// The properties of one unit.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Properties {
    /// No deadlock and no livelock: every run can still complete.
    pub option_to_complete: Check,
    /// No end event reached by two tokens of one instance.
    pub proper_completion: Check,
    /// No sequence flow ever carries two tokens (no lack of synchronisation).
    pub safeness: Check,
    /// Every activity can run.
    pub no_dead_activities: Check,
    /// Pools never wait for each other's messages forever.
    pub no_message_deadlock: Check,
}

/// How a unit was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// By fragment decomposition and gateway types, without search.
    Structural,
    /// By symbolic execution of an unstructured acyclic scope (outcome labels on the
    /// flows), without search; or, for an unsound one whose search ran out of states, by
    /// the first defects symbolic execution found (the other properties are unknown).
    Symbolic,
    /// By state-space search (with partial-order reduction unless `Method::Exhaustive`).
    StateSpace,
}

/// What was checked together: a process, pools linked by messages, or a sub-process.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitReport {
    /// What kind of unit.
    pub kind: UnitKind,
    /// Ids of its processes or of the sub-process.
    pub scopes: Vec<String>,
    /// Names of the scopes (pool names when the process has none).
    pub names: Vec<String>,
    /// The verdict of this unit.
    pub verdict: Verdict,
    /// How it was decided.
    pub decision: Decision,
    /// Reachable states explored (0 for structural decisions).
    pub states: usize,
    /// Fragments found by the decomposition of a single scope (0 for collaborations).
    pub fragments: usize,
    /// Per-property results.
    pub properties: Properties,
}

/// One BPMN element in a finding or witness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// Its XML id.
    pub id: String,
    /// Its name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its element type (`parallelGateway`).
    pub kind: String,
}

/// What a witness shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Witness {
    /// A shortest run: every step is one firing, in order.
    Run,
    /// A path of the flow graph from the start through the split to the fault (structural
    /// decisions).
    Path,
    /// None: the finding is that nothing reaches the element.
    None,
}

/// One violation (or an unsupported element, or an exhausted budget).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// `verify::deadlock`, `verify::lack-of-synchronization`, ...
    pub code: String,
    /// The property it violates.
    pub property: String,
    /// What is wrong.
    pub message: String,
    /// The element at fault.
    pub element: Step,
    /// Other elements involved (the split of a mismatched block, other waiting tokens,
    /// the loop).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Step>,
    /// How to read the trace.
    pub witness: Witness,
    /// Steps from the start to the element at fault.
    pub trace: Vec<Step>,
    /// Elements broken by the same fault, reported here rather than as findings of their
    /// own: elements after a lack of synchronisation that get two tokens, end events
    /// reached twice because of it, activities that never run because of a deadlock or a
    /// dead activity before them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<Step>,
    /// The first scope of the unit it was found in.
    pub scope: String,
}

/// The result of verifying one model.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VerifyReport {
    /// The file.
    pub file: String,
    /// Worst verdict over all units.
    pub verdict: Verdict,
    /// Per-unit results.
    pub units: Vec<UnitReport>,
    /// All findings, in unit order.
    pub findings: Vec<Finding>,
    /// The findings as diagnostics (spans into the model's source), for text and SARIF.
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

/// Verifies every process, collaboration and sub-process of a model.
#[must_use]
pub fn verify_model(model: &Model, options: &VerifyOptions) -> VerifyReport {
    let mut report = VerifyReport {
        file: model.source.name().to_owned(),
        verdict: Verdict::Sound,
        units: Vec::new(),
        findings: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut paths = Paths::new();
    for unit in net::units(model) {
        let scope_id = model.el(unit.scopes[0]).id_str().to_owned();
        let mut raw: Vec<RawFinding> = Vec::new();
        let mut findings: Vec<Finding> = Vec::new();
        let mut complete = true;
        let mut states = 0;
        let mut decision = Decision::StateSpace;
        let mut witness = Witness::Run;
        let mut fragments = 0;
        let tree = (unit.scopes.len() == 1).then(|| fragments::reduce(model, unit.scopes[0]));
        if let Some(tree) = &tree {
            fragments = tree.fragment_count();
        }
        let structural = options.method != Method::Exhaustive
            && tree.as_ref().is_some_and(|t| t.eligible && t.structured);
        let mut unsupported = Vec::new();
        // An unstructured acyclic scope: symbolic execution instead of search.
        let symbolic = match &tree {
            // `symbolic` checks its own (wider) eligibility: zero or several start events.
            Some(_) if options.method == Method::Auto && !structural => {
                symbolic::decide(model, unit.scopes[0])
            }
            _ => None,
        };
        let to_raw = |found: Vec<symbolic::SymFinding>, paths: &mut Paths| -> Vec<RawFinding> {
            found
                .into_iter()
                .map(|f| RawFinding {
                    problem: f.problem,
                    element: f.element,
                    related: vec![f.split],
                    trace: paths.structural(model, unit.scopes[0], f.split, f.element),
                    run: Vec::new(),
                    affected: f.affected,
                })
                .collect()
        };
        // Set when only the first errors are known: every other property is unknown.
        let mut partial = false;
        let (exact, first_errors) = match symbolic {
            Some(symbolic::Decided::Exact(found)) => (Some(found), None),
            Some(symbolic::Decided::FirstErrors(found)) => (None, Some(found)),
            None => (None, None),
        };
        if let Some(found) = exact {
            decision = Decision::Symbolic;
            witness = Witness::Path;
            raw = to_raw(found, &mut paths);
        } else if structural {
            decision = Decision::Structural;
            witness = Witness::Path;
            for &(problem, fault, split) in tree.as_ref().map(|t| &t.problems[..]).unwrap_or(&[]) {
                let trace = paths.structural(model, unit.scopes[0], split, fault);
                raw.push(RawFinding {
                    problem,
                    element: fault,
                    related: vec![split],
                    trace,
                    run: Vec::new(),
                    affected: Vec::new(),
                });
            }
        } else {
            let net = net::compile(model, &unit);
            unsupported.clone_from(&net.unsupported);
            let outcome = explore::explore(
                model,
                &net,
                options.max_states,
                unit.scopes.len(),
                options.method != Method::Exhaustive,
            );
            complete = outcome.complete;
            states = outcome.states;
            raw = outcome.findings;
            if !unsupported.is_empty() {
                // An element the net does not model stops its tokens: a run that reaches one
                // says nothing, and what is never reached behind it is not known to be dead.
                // Keep only violations whose witness stays clear of every such element.
                let blocked = |el: &ElementId| unsupported.iter().any(|(u, _)| u == el);
                raw.retain(|f| {
                    f.problem != Problem::DeadActivity
                        && !blocked(&f.element)
                        && !f.trace.iter().any(blocked)
                });
                for f in &mut raw {
                    f.affected.retain(|&(p, _)| p != Problem::DeadActivity);
                }
            }
            // The search ran out of states, but the defects symbolic execution found
            // first are certain: report them rather than "unknown".
            if let (false, Some(found)) = (complete, first_errors) {
                decision = Decision::Symbolic;
                witness = Witness::Path;
                raw = to_raw(found, &mut paths);
                partial = true;
            }
        }
        raw.sort_by_key(|f| f.problem);
        let mut violated: Vec<Problem> = Vec::new();
        for f in &raw {
            violated.push(f.problem);
            violated.extend(f.affected.iter().map(|&(p, _)| p));
            findings.push(make_finding(model, f, &scope_id, witness));
        }
        for (el, why) in &unsupported {
            findings.push(Finding {
                code: "verify::unsupported".into(),
                property: "semantics".into(),
                message: format!("Unsupported: {why}"),
                element: step(model, *el),
                related: Vec::new(),
                witness: Witness::None,
                trace: Vec::new(),
                affected: Vec::new(),
                scope: scope_id.clone(),
            });
        }
        if !complete {
            findings.push(Finding {
                code: "verify::budget".into(),
                property: "all".into(),
                message: format!(
                    "Unknown (budget): more than {} reachable states; the check stopped",
                    options.max_states
                ),
                element: step(model, unit.scopes[0]),
                related: Vec::new(),
                witness: Witness::None,
                trace: Vec::new(),
                affected: Vec::new(),
                scope: scope_id.clone(),
            });
        }
        let prop = |ps: &[Problem], needs_complete: bool| {
            if ps.iter().any(|p| violated.contains(p)) {
                Check::Violated
            } else if ((needs_complete || partial) && !complete)
                || (needs_complete && !unsupported.is_empty())
            {
                Check::Unknown
            } else {
                Check::Holds
            }
        };
        let properties = Properties {
            option_to_complete: prop(&[Problem::Deadlock, Problem::Livelock], true),
            proper_completion: prop(&[Problem::ImproperCompletion], false),
            safeness: prop(&[Problem::LackOfSync], false),
            no_dead_activities: prop(&[Problem::DeadActivity], true),
            no_message_deadlock: if unit.scopes.len() > 1 {
                prop(&[Problem::MessageDeadlock], true)
            } else {
                Check::NotApplicable
            },
        };
        let verdict = if !violated.is_empty() {
            Verdict::Unsound
        } else if !complete || !unsupported.is_empty() {
            Verdict::Unknown
        } else {
            Verdict::Sound
        };
        report.verdict = report.verdict.max(verdict);
        report.units.push(UnitReport {
            kind: unit.kind,
            scopes: unit
                .scopes
                .iter()
                .map(|&s| model.el(s).id_str().to_owned())
                .collect(),
            names: unit.scopes.iter().map(|&s| scope_name(model, s)).collect(),
            verdict,
            decision,
            states,
            fragments,
            properties,
        });
        report.findings.extend(findings);
    }
    report.diagnostics = report
        .findings
        .iter()
        .map(|f| to_diagnostic(model, f))
        .collect();
    report
}

fn scope_name(model: &Model, s: ElementId) -> String {
    let e = model.el(s);
    e.label()
        .or_else(|| e.links.participant.and_then(|p| model.el(p).label()))
        .map_or_else(|| e.id_str().to_owned(), one_line)
}

/// Names may span lines in the XML; reports show them on one.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn step(model: &Model, el: ElementId) -> Step {
    let e = model.el(el);
    Step {
        id: e.id_str().to_owned(),
        name: e.label().map(one_line),
        kind: e.kind.local_name().to_owned(),
    }
}

/// `"; 3 elements after it get two tokens, 1 activity after it never runs"`, or nothing.
fn consequences(affected: &[(Problem, ElementId)]) -> String {
    let count = |p: Problem| affected.iter().filter(|&&(q, _)| q == p).count();
    let mut parts = Vec::new();
    match count(Problem::LackOfSync) {
        0 => {}
        1 => parts.push("1 element after it gets two tokens".to_owned()),
        n => parts.push(format!("{n} elements after it get two tokens")),
    }
    match count(Problem::ImproperCompletion) {
        0 => {}
        1 => parts.push("1 end event is reached twice".to_owned()),
        n => parts.push(format!("{n} end events are reached twice")),
    }
    match count(Problem::DeadActivity) {
        0 => {}
        1 => parts.push("1 activity after it never runs".to_owned()),
        n => parts.push(format!("{n} activities after it never run")),
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join(", "))
    }
}

fn make_finding(model: &Model, f: &RawFinding, scope: &str, witness: Witness) -> Finding {
    let what = model.describe(f.element);
    let after = consequences(&f.affected);
    let (code, property, message) = match f.problem {
        Problem::Deadlock => (
            "verify::deadlock",
            "option-to-complete",
            match f.related.first() {
                Some(&s) if witness == Witness::Path => format!(
                    "Deadlock: {what} waits for branches that {} never activates together{after}",
                    model.describe(s)
                ),
                _ => format!("Deadlock: a token waits forever at {what}{after}"),
            },
        ),
        Problem::LackOfSync => (
            "verify::lack-of-synchronization",
            "safeness",
            match f.related.first() {
                Some(&s) => format!(
                    "Lack of synchronisation: {what} passes on each of the concurrent branches of {}{after}",
                    model.describe(s)
                ),
                None => format!(
                    "Lack of synchronisation: {what} puts a second token on a sequence flow{after}"
                ),
            },
        ),
        Problem::ImproperCompletion => (
            "verify::improper-completion",
            "proper-completion",
            format!("Improper completion: {what} is reached by two tokens of one instance"),
        ),
        Problem::Livelock => (
            "verify::livelock",
            "option-to-complete",
            format!("Livelock: the loop through {what} can never reach an end"),
        ),
        Problem::DeadActivity => (
            "verify::dead-activity",
            "no-dead-activities",
            format!("Dead activity: no run reaches {what}{after}"),
        ),
        Problem::MessageDeadlock => (
            "verify::message-deadlock",
            "no-message-deadlock",
            format!("Message deadlock: {what} waits for a message that is never sent"),
        ),
    };
    let mut trace: Vec<Step> = f.trace.iter().map(|&e| step(model, e)).collect();
    if witness == Witness::Run && f.problem == Problem::DeadActivity {
        trace.clear();
    }
    Finding {
        code: code.into(),
        property: property.into(),
        message,
        element: step(model, f.element),
        related: f.related.iter().map(|&e| step(model, e)).collect(),
        witness: if f.problem == Problem::DeadActivity {
            Witness::None
        } else {
            witness
        },
        trace,
        affected: f.affected.iter().map(|&(_, e)| step(model, e)).collect(),
        scope: scope.to_owned(),
    }
}

fn help(code: &str) -> &'static str {
    match code {
        "verify::deadlock" => {
            "a join waits for a branch that cannot come: make the join match its split (e.g. exclusive with exclusive)"
        }
        "verify::lack-of-synchronization" => {
            "concurrent branches pass this element one by one: join them with a parallel or inclusive gateway"
        }
        "verify::improper-completion" => {
            "join the concurrent branches before the end event, or give each branch its own end event"
        }
        "verify::livelock" => "give the loop an exit that leads to an end event",
        "verify::dead-activity" => {
            "connect the activity to the flow, or check the gateways in front of it"
        }
        "verify::message-deadlock" => {
            "each pool waits for the other: send one of the messages before waiting for the other"
        }
        "verify::budget" => {
            "raise --max-states, or split the model into sub-processes so parts are checked separately"
        }
        _ => "this element is not modelled by the verifier; its verdict is unknown",
    }
}

fn to_diagnostic(model: &Model, f: &Finding) -> Diagnostic {
    let severity = match f.code.as_str() {
        "verify::budget" | "verify::unsupported" => Severity::Warning,
        _ => Severity::Error,
    };
    let mut d = Diagnostic::new(f.code.clone(), severity, f.message.clone())
        .with_element(f.element.id.clone())
        .with_help(help(&f.code));
    if let Some(el) = model.by_id(&f.element.id) {
        d = d
            .with_span(model.el(el).span)
            .with_span_label(match f.code.as_str() {
                "verify::deadlock" | "verify::message-deadlock" => "stuck here",
                "verify::lack-of-synchronization" => "second token here",
                "verify::improper-completion" => "reached twice",
                "verify::livelock" => "loops forever",
                "verify::dead-activity" => "never runs",
                _ => "here",
            });
    }
    // One label per witness step; a step repeated at the same place is labelled once,
    // with all its step numbers.
    let mut labels: Vec<(&str, String)> = Vec::with_capacity(f.trace.len());
    let mut label_of = LabelIndex::default();
    let mut num = itoa::Buffer::new();
    for (i, s) in f.trace.iter().enumerate() {
        let n = num.format(i + 1);
        match label_of.get(&labels, &s.id) {
            Some(l) => {
                let text = &mut labels[l].1;
                text.push_str(", ");
                text.push_str(n);
            }
            None => {
                label_of.insert(&labels, &s.id);
                let mut text = String::with_capacity(8);
                text.push_str("step ");
                text.push_str(n);
                labels.push((&s.id, text));
            }
        }
    }
    for (id, text) in &mut labels {
        if *id == f.element.id {
            continue;
        }
        if let Some(el) = model.by_id(id) {
            d = d.with_label(model.el(el).span, std::mem::take(text), Some(id));
        }
    }
    // The elements broken by the same fault, after the witness.
    for s in &f.affected {
        if s.id != f.element.id && label_of.get(&labels, &s.id).is_some() {
            continue;
        }
        if let Some(el) = model.by_id(&s.id) {
            let what = match (f.code.as_str(), model.el(el).kind.is_activity()) {
                ("verify::lack-of-synchronization", _) => "then gets two tokens",
                (_, true) => "never runs because of it",
                _ => "affected",
            };
            d = d.with_label(model.el(el).span, what, Some(&s.id));
        }
    }
    d
}

/// The label of a witness step by element id: a scan while there are few labels (most
/// witnesses), a hash map once there are many.
#[derive(Default)]
struct LabelIndex<'a> {
    map: Option<FxHashMap<&'a str, usize>>,
}

impl<'a> LabelIndex<'a> {
    const SCAN: usize = 16;

    fn get(&self, labels: &[(&'a str, String)], id: &str) -> Option<usize> {
        match &self.map {
            Some(map) => map.get(id).copied(),
            None => labels.iter().position(|&(l, _)| l == id),
        }
    }

    /// Records that the label of `id` is about to be pushed onto `labels`.
    fn insert(&mut self, labels: &[(&'a str, String)], id: &'a str) {
        if let Some(map) = &mut self.map {
            map.insert(id, labels.len());
        } else if labels.len() >= Self::SCAN {
            let mut map: FxHashMap<&'a str, usize> = labels
                .iter()
                .enumerate()
                .map(|(i, &(l, _))| (l, i))
                .collect();
            map.insert(id, labels.len());
            self.map = Some(map);
        }
    }
}

/// Breadth-first search state reused by every witness path of one report: a dense
/// predecessor array over the model's elements (cleared after each search by walking
/// the queue, which holds every element it set) instead of a hash map per search.
struct Paths {
    /// Per element index: the predecessor on the search tree, or `NONE`.
    prev: Vec<u32>,
    queue: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Paths {
    fn new() -> Self {
        Paths {
            prev: Vec::new(),
            queue: Vec::new(),
        }
    }

    /// Shortest flow-graph path from the scope's start through `split` to `fault`.
    fn structural(
        &mut self,
        model: &Model,
        scope: ElementId,
        split: ElementId,
        fault: ElementId,
    ) -> Vec<ElementId> {
        let start = model
            .flow_nodes(scope)
            .find(|(_, e)| e.kind == Kind::StartEvent)
            .map(|(id, _)| id);
        let mut path = Vec::new();
        if let Some(s) = start {
            // With several start events the split may lie after another one.
            if !self.shortest(model, s, split, None, &mut path) {
                path.clear();
                path.push(s);
            }
            if path.last() != Some(&split) && model.el(split).kind == Kind::StartEvent {
                path.clear();
            }
        }
        if path.last() != Some(&split) {
            path.push(split);
        }
        if split != fault {
            // Leave the split, then go to the fault.
            let at = path.len();
            if self.shortest(model, split, fault, Some(split), &mut path) {
                // The search appended the split again: drop it.
                path.remove(at);
            } else {
                path.push(fault);
            }
        }
        path
    }

    /// Appends the shortest path from `from` to `to` (both included) to `out`, if there is
    /// one; otherwise leaves `out` as it was.
    fn shortest(
        &mut self,
        model: &Model,
        from: ElementId,
        to: ElementId,
        avoid_back: Option<ElementId>,
        out: &mut Vec<ElementId>,
    ) -> bool {
        if self.prev.is_empty() {
            self.prev = vec![NONE; model.elements.len()];
        }
        self.queue.clear();
        self.queue.push(from.0);
        let mut head = 0;
        let mut found = false;
        'search: while let Some(&n) = self.queue.get(head) {
            head += 1;
            for &f in &model.el(ElementId(n)).links.outgoing {
                let Some(t) = model.el(f).links.target else {
                    continue;
                };
                if self.prev[t.index()] != NONE || ((t == from || Some(t) == avoid_back) && t != to)
                {
                    continue;
                }
                self.prev[t.index()] = n;
                self.queue.push(t.0);
                if t == to {
                    found = true;
                    break 'search;
                }
            }
        }
        if found {
            let base = out.len();
            out.push(to);
            let mut c = to;
            loop {
                let p = self.prev[c.index()];
                if p == NONE {
                    break;
                }
                out.push(ElementId(p));
                if p == from.0 {
                    break;
                }
                c = ElementId(p);
            }
            out[base..].reverse();
        }
        for &q in &self.queue {
            self.prev[q as usize] = NONE;
        }
        found
    }
}
