//! Governance: who performs an activity, which activities are approvals, and the flow
//! walks the `bpmnkit/*` rules share.
//!
//! This module is public API: reports show the roles it finds ([`roles_of`]) and the
//! approvals it recognises ([`is_approval`]).
//!
//! # Roles
//! An activity's role comes from the first of these that names any:
//! 1. `potentialOwner` / `humanPerformer` / `performer` resource roles: the referenced
//!    `resource`'s name (or id), or the text of the `resourceAssignmentExpression`
//!    (`group(accounting), user(kermit)` is read as `accounting` and `kermit`);
//! 2. Camunda 7 `camunda:candidateGroups`, `camunda:assignee`, `camunda:candidateUsers`
//!    (comma-separated lists);
//! 3. Camunda 8 `zeebe:assignmentDefinition` (`candidateGroups`, `assignee`,
//!    `candidateUsers` attributes);
//! 4. the name of the innermost lane holding the activity (or, for an activity in a
//!    sub-process, holding the sub-process).
//!
//! # Approvals
//! An approval is a task that people perform (`userTask`, `manualTask` or an untyped
//! `task`) whose name matches the approval pattern ([`DEFAULT_APPROVAL_PATTERN`]:
//! approve, approval, sign-off, authorize, in any case). A modeller marks any activity
//! explicitly with the token `[approval]` in its documentation or an extension property
//! named `approval` with value `true` (Camunda `camunda:properties`, Zeebe
//! `zeebe:properties`, or any vendor's `property` element); `[not-approval]` or
//! `approval=false` excludes an activity whose name only looks like one.

use std::collections::{HashSet, VecDeque};
use std::fmt;

use regex::Regex;
use serde::{Deserialize, Deserializer};

use crate::model::{CAMUNDA_NS, ElementId, Kind, Model, ZEEBE_NS};

/// The default approval pattern: approve, approval, sign-off, authorize/authorise, in any
/// case, as a word or word prefix.
pub const DEFAULT_APPROVAL_PATTERN: &str =
    r"(?i)\b(approv\w*|sign(s|ed|ing)?[- ]?off|authori[sz]\w*)";

/// The default rejection pattern, matched against a decision branch's flow name, its
/// condition and the name of its target: no, not, false, reject, decline, deny, refuse,
/// disapprove, or a negated condition such as `${!approved}`.
pub const DEFAULT_REJECTION_PATTERN: &str = r"(?i)(\b(no|not|false|reject\w*|declin\w*|den(y|ied|ial)\w*|refus\w*|disapprov\w*|unapproved)\b|!\s*[\w$({])";

/// A regular expression read from a config file (compiled when the config is read, so a
/// bad pattern is a config error naming the key).
#[derive(Clone)]
pub struct Pattern(Option<Regex>);

impl Pattern {
    /// Compiles a pattern.
    ///
    /// # Errors
    /// When `src` is not a valid regular expression.
    pub fn new(src: &str) -> Result<Self, regex::Error> {
        Regex::new(src).map(|r| Pattern(Some(r)))
    }

    /// Whether the pattern matches somewhere in `text`.
    #[must_use]
    pub fn is_match(&self, text: &str) -> bool {
        self.0.as_ref().is_some_and(|r| r.is_match(text))
    }

    /// The pattern's source text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_ref().map_or("", Regex::as_str)
    }

    /// A built-in pattern (unit tests check they compile); one that would not compile
    /// matches nothing.
    pub(crate) fn builtin(src: &str) -> Self {
        Pattern(Regex::new(src).ok())
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.as_str())
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let src = String::deserialize(d)?;
        Pattern::new(&src).map_err(|e| serde::de::Error::custom(format!("invalid pattern: {e}")))
    }
}

impl schemars::JsonSchema for Pattern {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Pattern".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "regex",
            "description": "A regular expression (Rust regex syntax; `(?i)` for any case)"
        })
    }
}

/// Where a role was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleSource {
    /// A `potentialOwner` resource role.
    PotentialOwner,
    /// A `humanPerformer` resource role.
    HumanPerformer,
    /// A `performer` resource role.
    Performer,
    /// `camunda:candidateGroups`.
    CamundaCandidateGroups,
    /// `camunda:assignee`.
    CamundaAssignee,
    /// `camunda:candidateUsers`.
    CamundaCandidateUsers,
    /// `zeebe:assignmentDefinition candidateGroups`.
    ZeebeCandidateGroups,
    /// `zeebe:assignmentDefinition assignee`.
    ZeebeAssignee,
    /// `zeebe:assignmentDefinition candidateUsers`.
    ZeebeCandidateUsers,
    /// The innermost lane holding the activity.
    Lane,
}

impl RoleSource {
    /// How the source reads in messages.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            RoleSource::PotentialOwner => "potential owner",
            RoleSource::HumanPerformer => "human performer",
            RoleSource::Performer => "performer",
            RoleSource::CamundaCandidateGroups => "camunda:candidateGroups",
            RoleSource::CamundaAssignee => "camunda:assignee",
            RoleSource::CamundaCandidateUsers => "camunda:candidateUsers",
            RoleSource::ZeebeCandidateGroups => "zeebe candidateGroups",
            RoleSource::ZeebeAssignee => "zeebe assignee",
            RoleSource::ZeebeCandidateUsers => "zeebe candidateUsers",
            RoleSource::Lane => "lane",
        }
    }
}

/// One role performing an activity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Role {
    /// The role's name as written (trimmed).
    pub name: String,
    /// Where it was read from.
    pub source: RoleSource,
    /// The element that declares it: the resource role, the activity, or the lane.
    #[serde(skip)]
    pub declared_by: ElementId,
}

/// The roles of one activity, for reports (e.g. the HTML report's role column).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActivityRoles {
    /// The activity.
    #[serde(skip)]
    pub activity: ElementId,
    /// Its XML id.
    pub id: String,
    /// Its name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether it is an approval (with the default approval pattern).
    pub approval: bool,
    /// Its roles, from the first source that names any (empty: unassigned).
    pub roles: Vec<Role>,
}

/// Every activity of the model with its roles and whether it is an approval (default
/// approval pattern), in document order.
#[must_use]
pub fn activity_roles(model: &Model) -> Vec<ActivityRoles> {
    let pattern = Pattern::builtin(DEFAULT_APPROVAL_PATTERN);
    model
        .iter()
        .filter(|(_, e)| e.kind.is_activity())
        .map(|(id, e)| ActivityRoles {
            activity: id,
            id: e.id_str().to_owned(),
            name: e.label().map(str::to_owned),
            approval: is_approval(model, id, &pattern),
            roles: roles_of(model, id),
        })
        .collect()
}

impl Role {
    /// The role's name for comparisons (see [`role_key`]).
    #[must_use]
    pub fn key(&self) -> String {
        role_key(&self.name)
    }
}

/// A role name for comparisons: lower case, with `-` and `_` read as spaces and runs of
/// spaces collapsed, so the lane "Finance Manager" and the group `finance-manager` match.
#[must_use]
pub fn role_key(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The roles performing an activity, from the first source that names any (see the
/// module docs). Empty when nothing assigns the activity.
#[must_use]
pub fn roles_of(model: &Model, activity: ElementId) -> Vec<Role> {
    let explicit = explicit_roles_of(model, activity);
    if !explicit.is_empty() {
        return explicit;
    }
    lane_role(model, activity).into_iter().collect()
}

/// The roles an activity is assigned explicitly (resource roles, Camunda, Zeebe),
/// without falling back to its lane.
#[must_use]
pub fn explicit_roles_of(model: &Model, activity: ElementId) -> Vec<Role> {
    let mut roles = resource_roles(model, activity);
    if !roles.is_empty() {
        return roles;
    }
    let e = model.el(activity);
    for (local, source) in [
        ("candidateGroups", RoleSource::CamundaCandidateGroups),
        ("assignee", RoleSource::CamundaAssignee),
        ("candidateUsers", RoleSource::CamundaCandidateUsers),
    ] {
        if let Some(v) = e.ns_attr(CAMUNDA_NS, local) {
            push_list(&mut roles, v, source, activity);
        }
    }
    if !roles.is_empty() {
        return roles;
    }
    for node in model.extensions(activity) {
        if node.ns.as_deref() == Some(ZEEBE_NS) && &*node.local == "assignmentDefinition" {
            for (local, source) in [
                ("candidateGroups", RoleSource::ZeebeCandidateGroups),
                ("assignee", RoleSource::ZeebeAssignee),
                ("candidateUsers", RoleSource::ZeebeCandidateUsers),
            ] {
                if let Some(v) = node.attr(None, local) {
                    push_list(&mut roles, v, source, activity);
                }
            }
        }
    }
    roles
}

/// The innermost lane holding the activity, or holding the nearest enclosing activity
/// that is in a lane (activities inside sub-processes are rarely listed in lanes).
#[must_use]
pub fn lane_role(model: &Model, activity: ElementId) -> Option<Role> {
    let mut cur = Some(activity);
    while let Some(c) = cur {
        let e = model.el(c);
        if let Some(&lane) = e.links.lanes.last() {
            let l = model.el(lane);
            return l.label().map(|name| Role {
                name: name.to_owned(),
                source: RoleSource::Lane,
                declared_by: lane,
            });
        }
        if e.kind == Kind::Process {
            return None;
        }
        cur = e.parent;
    }
    None
}

fn resource_roles(model: &Model, activity: ElementId) -> Vec<Role> {
    let mut roles = Vec::new();
    for (rid, r) in model.children(activity) {
        let source = match r.kind {
            Kind::PotentialOwner => RoleSource::PotentialOwner,
            Kind::HumanPerformer => RoleSource::HumanPerformer,
            Kind::Performer => RoleSource::Performer,
            _ => continue,
        };
        let before = roles.len();
        let refs = r
            .refs_named("resourceRef")
            .chain(r.attr("resourceRef"))
            .map(str::trim)
            .filter(|s| !s.is_empty());
        for reference in refs {
            let target = model.by_id(reference).or_else(|| {
                reference
                    .rsplit_once(':')
                    .and_then(|(_, local)| model.by_id(local))
            });
            let name = target
                .and_then(|t| model.el(t).label().or(model.el(t).id.as_deref()))
                .unwrap_or(reference);
            push_list(&mut roles, name, source, rid);
        }
        if roles.len() == before {
            // resourceAssignmentExpression: the text of its expression.
            for (rae_id, rae) in model.children(rid) {
                if rae.kind != Kind::ResourceAssignmentExpression {
                    continue;
                }
                for (_, expr) in model.children(rae_id) {
                    if let Some(text) = expr.text.as_deref() {
                        push_list(&mut roles, text, source, rid);
                    }
                }
            }
        }
        if roles.len() == before {
            if let Some(name) = r.label() {
                push_list(&mut roles, name, source, rid);
            }
        }
    }
    roles
}

/// Splits `group(a), user(b), c` into `a`, `b`, `c` and appends them.
fn push_list(roles: &mut Vec<Role>, value: &str, source: RoleSource, declared_by: ElementId) {
    for part in value.split(',') {
        let mut part = part.trim();
        for wrapper in ["group(", "user("] {
            if let Some(inner) = part.strip_prefix(wrapper).and_then(|p| p.strip_suffix(')')) {
                part = inner.trim();
            }
        }
        if part.is_empty() {
            continue;
        }
        if roles
            .iter()
            .any(|r| r.source == source && role_key(&r.name) == role_key(part))
        {
            continue;
        }
        roles.push(Role {
            name: part.to_owned(),
            source,
            declared_by,
        });
    }
}

/// [`Model::describe`] with a capital first letter, to open a message.
#[must_use]
pub fn describe_cap(model: &Model, id: ElementId) -> String {
    let d = model.describe(id);
    let mut chars = d.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Tasks that people perform: user tasks, manual tasks and untyped tasks.
#[must_use]
pub fn is_human_task(kind: &Kind) -> bool {
    matches!(kind, Kind::UserTask | Kind::ManualTask | Kind::Task)
}

/// An explicit approval marker on an activity: `Some(true)` for `[approval]` in its
/// documentation or an `approval=true` extension property, `Some(false)` for
/// `[not-approval]` or `approval=false`, `None` when unmarked.
#[must_use]
pub fn approval_mark(model: &Model, el: ElementId) -> Option<bool> {
    for node in model.extensions(el).flat_map(|n| n.descendants()) {
        if &*node.local == "property" && node.attr(None, "name").map(str::trim) == Some("approval")
        {
            match node.attr(None, "value").map(|v| v.trim().to_lowercase()) {
                Some(v) if v == "true" => return Some(true),
                Some(v) if v == "false" => return Some(false),
                _ => {}
            }
        }
    }
    let docs = model
        .children(el)
        .filter(|(_, c)| c.kind == Kind::Documentation)
        .filter_map(|(_, c)| c.text.as_deref());
    for text in docs {
        let lower = text.to_lowercase();
        if lower.contains("[not-approval]") {
            return Some(false);
        }
        if lower.contains("[approval]") {
            return Some(true);
        }
    }
    None
}

/// Whether an element is an approval activity (see the module docs).
#[must_use]
pub fn is_approval(model: &Model, el: ElementId, pattern: &Pattern) -> bool {
    let e = model.el(el);
    if !e.kind.is_activity() {
        return false;
    }
    if let Some(mark) = approval_mark(model, el) {
        return mark;
    }
    is_human_task(&e.kind) && e.label().is_some_and(|n| pattern.is_match(n))
}

/// All approval activities of the model, in document order.
#[must_use]
pub fn approvals(model: &Model, pattern: &Pattern) -> Vec<ElementId> {
    model
        .iter()
        .filter(|&(id, _)| is_approval(model, id, pattern))
        .map(|(id, _)| id)
        .collect()
}

/// Whether a sub-process is an event sub-process (its own entry, not in the flow).
fn is_event_sub_process(model: &Model, el: ElementId) -> bool {
    let e = model.el(el);
    e.kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false)
}

/// Where a backward walk goes from `el`: the sources of its incoming flows (into a
/// sub-process's ends when a source is one), the host of a boundary event, and out of a
/// sub-process to its own predecessors when `el` has none inside.
#[must_use]
pub fn backward_steps(model: &Model, el: ElementId) -> Vec<ElementId> {
    let e = model.el(el);
    let mut out = Vec::new();
    for &f in &e.links.incoming {
        if let Some(s) = model.el(f).links.source {
            enter_from_behind(model, s, &mut out);
        }
    }
    if let Some(host) = e.links.attached_to {
        out.push(host);
    }
    if out.is_empty() {
        // Leave a sub-process through its own incoming flows.
        if let Some(scope) = model.scope_of(el) {
            let s = model.el(scope);
            if s.kind.is_sub_process() && !is_event_sub_process(model, scope) {
                for &f in &s.links.incoming {
                    if let Some(src) = model.el(f).links.source {
                        enter_from_behind(model, src, &mut out);
                    }
                }
                if let Some(host) = s.links.attached_to {
                    out.push(host);
                }
            }
        }
    }
    out
}

fn enter_from_behind(model: &Model, node: ElementId, out: &mut Vec<ElementId>) {
    let e = model.el(node);
    if e.kind.is_sub_process() && !is_event_sub_process(model, node) {
        let ends: Vec<ElementId> = model
            .flow_nodes(node)
            .filter(|(_, c)| {
                c.links.outgoing.is_empty()
                    && c.kind != Kind::BoundaryEvent
                    && !(c.kind.is_sub_process() && c.bool_attr("triggeredByEvent") == Some(true))
            })
            .map(|(id, _)| id)
            .collect();
        if !ends.is_empty() {
            out.extend(ends);
            return;
        }
    }
    out.push(node);
}

/// Where a forward walk goes from `el`: the targets of its outgoing flows, its boundary
/// events, and out of a sub-process to the sub-process's successors when `el` ends it.
#[must_use]
pub fn forward_steps(model: &Model, el: ElementId) -> Vec<ElementId> {
    let e = model.el(el);
    let mut out: Vec<ElementId> = e
        .links
        .outgoing
        .iter()
        .filter_map(|&f| model.el(f).links.target)
        .collect();
    out.extend(e.links.boundary_events.iter().copied());
    if e.links.outgoing.is_empty() && e.kind != Kind::BoundaryEvent {
        if let Some(scope) = model.scope_of(el) {
            let s = model.el(scope);
            if s.kind.is_sub_process() && !is_event_sub_process(model, scope) {
                out.extend(
                    s.links
                        .outgoing
                        .iter()
                        .filter_map(|&f| model.el(f).links.target),
                );
            }
        }
    }
    out
}

/// The nearest preceding activities on each path into `from` that satisfy `is_target`
/// (the walk stops at each one it finds and never passes `from` again), in walk order.
pub fn nearest_preceding(
    model: &Model,
    from: ElementId,
    mut is_target: impl FnMut(ElementId) -> bool,
) -> Vec<ElementId> {
    let mut seen = HashSet::from([from]);
    let mut queue: VecDeque<ElementId> = backward_steps(model, from).into();
    let mut found = Vec::new();
    while let Some(n) = queue.pop_front() {
        if !seen.insert(n) {
            continue;
        }
        if is_target(n) {
            found.push(n);
            continue;
        }
        queue.extend(backward_steps(model, n));
    }
    found
}

/// Every flow node reachable from `start` (included) going forward, never entering one of
/// `stop`, in breadth-first order (nearest first).
#[must_use]
pub fn reach_forward(model: &Model, start: ElementId, stop: &[ElementId]) -> Vec<ElementId> {
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        if stop.contains(&n) || !seen.insert(n) {
            continue;
        }
        order.push(n);
        queue.extend(forward_steps(model, n));
    }
    order
}

/// Test helpers for the `bpmnkit/*` rules.
#[cfg(test)]
pub(crate) mod testing {
    use crate::diagnostic::{Diagnostic, Severity};
    use crate::lint::LintContext;
    use crate::model::Model;

    /// Wraps process content in `definitions`/`process` with the usual namespaces.
    pub(crate) fn wrap(body: &str) -> String {
        if body.trim_start().starts_with("<definitions") || body.trim_start().starts_with("<?xml") {
            return body.to_owned();
        }
        format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="http://example.com"><process id="Process_1">{body}</process></definitions>"#
        )
    }

    /// Parses a snippet (wrapped unless it is a whole document).
    pub(crate) fn model(body: &str) -> Model {
        crate::parse::parse_str("test.bpmn", &wrap(body), &Default::default())
            .unwrap_or_else(|e| panic!("snippet does not parse: {e}"))
    }

    /// Runs a check over a snippet and returns the findings.
    pub(crate) fn run(
        body: &str,
        check: impl Fn(&LintContext<'_>, &mut Vec<Diagnostic>),
    ) -> Vec<Diagnostic> {
        let m = model(body);
        let cx = LintContext::new(&m, Severity::Warning);
        let mut out = Vec::new();
        check(&cx, &mut out);
        out
    }

    /// Element ids of findings, sorted.
    pub(crate) fn ids(diags: &[Diagnostic]) -> Vec<String> {
        let mut v: Vec<String> = diags
            .iter()
            .map(|d| d.element_id.clone().unwrap_or_default())
            .collect();
        v.sort();
        v
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::testing::model;
    use super::*;

    #[test]
    fn roles_come_from_the_first_source_that_names_any() {
        let m = model(
            r#"<laneSet id="ls"><lane id="L" name="Clerks"><flowNodeRef>a</flowNodeRef><flowNodeRef>b</flowNodeRef><flowNodeRef>c</flowNodeRef><flowNodeRef>d</flowNodeRef></lane></laneSet>
            <userTask id="a" name="Approve" camunda:candidateGroups="managers, directors"/>
            <userTask id="b" name="Check"><potentialOwner id="po"><resourceAssignmentExpression id="r"><formalExpression id="fe">group(finance), user(kermit)</formalExpression></resourceAssignmentExpression></potentialOwner></userTask>
            <userTask id="c"><extensionElements><zeebe:assignmentDefinition candidateGroups="legal"/></extensionElements></userTask>
            <userTask id="d"/>"#,
        );
        let names = |id: &str| -> Vec<(String, RoleSource)> {
            roles_of(&m, m.by_id(id).unwrap())
                .into_iter()
                .map(|r| (r.name, r.source))
                .collect()
        };
        assert_eq!(
            names("a"),
            [
                ("managers".into(), RoleSource::CamundaCandidateGroups),
                ("directors".into(), RoleSource::CamundaCandidateGroups)
            ]
        );
        assert_eq!(
            names("b"),
            [
                ("finance".into(), RoleSource::PotentialOwner),
                ("kermit".into(), RoleSource::PotentialOwner)
            ]
        );
        assert_eq!(
            names("c"),
            [("legal".into(), RoleSource::ZeebeCandidateGroups)]
        );
        assert_eq!(names("d"), [("Clerks".into(), RoleSource::Lane)]);
    }

    #[test]
    fn resource_refs_resolve_to_resource_names() {
        let m = model(
            r#"<userTask id="a"><humanPerformer id="hp"><resourceRef>res</resourceRef></humanPerformer></userTask>"#,
        );
        let doc = m.source.text().replace(
            "<process",
            r#"<resource id="res" name="Head of Sales"/><process"#,
        );
        let m2 = crate::parse::parse_str("t.bpmn", &doc, &Default::default()).unwrap();
        let _ = m;
        let roles = roles_of(&m2, m2.by_id("a").unwrap());
        assert_eq!(roles.len(), 1);
        assert_eq!(roles[0].name, "Head of Sales");
        assert_eq!(roles[0].key(), "head of sales");
    }

    #[test]
    fn activity_roles_for_reports() {
        let m = model(
            r#"<laneSet id="ls"><lane id="L" name="Managers"><flowNodeRef>a</flowNodeRef></lane></laneSet>
            <userTask id="a" name="Approve order"/><serviceTask id="b" name="Book order"/>"#,
        );
        let rows = activity_roles(&m);
        let json = serde_json::to_string(&rows).unwrap();
        assert_eq!(
            json,
            r#"[{"id":"a","name":"Approve order","approval":true,"roles":[{"name":"Managers","source":"lane"}]},{"id":"b","name":"Book order","approval":false,"roles":[]}]"#
        );
    }

    #[test]
    fn approvals_by_name_and_marker() {
        let m = model(
            r#"<userTask id="a" name="Approve invoice"/><serviceTask id="b" name="Send approval notice"/>
            <task id="c" name="Manager sign-off"/><userTask id="d" name="Check"><documentation>[approval] final check</documentation></userTask>
            <userTask id="e" name="Read approval policy"><documentation>[not-approval]</documentation></userTask>
            <manualTask id="f" name="AUTHORIZE payment"/>"#,
        );
        let p = Pattern::builtin(DEFAULT_APPROVAL_PATTERN);
        let ids: Vec<&str> = approvals(&m, &p)
            .into_iter()
            .map(|id| m.el(id).id_str())
            .collect();
        assert_eq!(ids, ["a", "c", "d", "f"]);
    }

    #[test]
    fn builtin_patterns_compile() {
        assert!(Pattern::new(DEFAULT_APPROVAL_PATTERN).is_ok());
        let rej = Pattern::new(DEFAULT_REJECTION_PATTERN).unwrap();
        for yes in [
            "No",
            "rejected",
            "not approved",
            "${!approved}",
            "=approved = false",
        ] {
            assert!(rej.is_match(yes), "{yes}");
        }
        for no in ["Yes", "approved", "${approved}", "OK", "Notify"] {
            assert!(!rej.is_match(no), "{no}");
        }
    }

    #[test]
    fn bad_pattern_is_a_deserialize_error() {
        let e = serde_json::from_str::<Pattern>(r#""(unclosed""#).unwrap_err();
        assert!(e.to_string().contains("invalid pattern"), "{e}");
    }
}
