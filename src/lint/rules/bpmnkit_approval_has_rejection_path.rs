//! `bpmnkit/approval-has-rejection-path` (ours).

use std::collections::{BTreeSet, HashSet, VecDeque};

use serde::Deserialize;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::{
    DEFAULT_APPROVAL_PATTERN, DEFAULT_REJECTION_PATTERN, Pattern, approvals, describe_cap,
    reach_forward,
};
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{ElementId, Kind, Model};

declare_rule! {
    /// ## What it does
    /// Flags an approval that is not followed by a decision with a real rejection branch.
    /// The decision is the first node after the approval (going through tasks, events,
    /// parallel splits and out of sub-processes) with two or more outgoing sequence flows
    /// that is not a parallel gateway. A branch is a rejection when its flow's name, its
    /// condition or its target's name matches `rejectionPattern` (no, not, false, reject,
    /// decline, deny, refuse, `!approved`, ...). The rule reports:
    /// - an approval with no decision after it;
    /// - a rejection branch that reaches an activity an approved branch also reaches (it
    ///   rejoins the approved path, so the approved work happens anyway); a loop back to the
    ///   approval (rework) is fine, and so is sharing only an end event;
    /// - when no branch is recognisable as a rejection, a decision whose branches all
    ///   perform the same activities and reach the same ends.
    ///
    /// Options: `approvalPattern`, `rejectionPattern` and `ignoreShared` (activities, by name,
    /// that a rejection may share with the approved path, e.g. `"(?i)^archive"`); all are
    /// regular expressions.
    ///
    /// ## Why is this bad?
    /// An approval that cannot say no is a rubber stamp: the process continues the same
    /// way whatever the approver decides. Auditors test exactly this: that a rejected
    /// request is stopped or sent back, never executed.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="s"/><userTask id="approve" name="Approve order"/><exclusiveGateway id="ok" name="Approved?"/>
    /// <task id="notify" name="Notify requester"/><task id="place" name="Place order"/><endEvent id="e"/>
    /// <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/><sequenceFlow id="f2" sourceRef="approve" targetRef="ok"/>
    /// <sequenceFlow id="yes" name="Yes" sourceRef="ok" targetRef="place"/><sequenceFlow id="no" name="No" sourceRef="ok" targetRef="notify"/>
    /// <sequenceFlow id="f3" sourceRef="notify" targetRef="place"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>
    /// ```
    /// ```xml,valid
    /// <startEvent id="s"/><userTask id="approve" name="Approve order"/><exclusiveGateway id="ok" name="Approved?"/>
    /// <task id="notify" name="Notify requester"/><task id="place" name="Place order"/><endEvent id="e"/><endEvent id="r"/>
    /// <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/><sequenceFlow id="f2" sourceRef="approve" targetRef="ok"/>
    /// <sequenceFlow id="yes" name="Yes" sourceRef="ok" targetRef="place"/><sequenceFlow id="no" name="No" sourceRef="ok" targetRef="notify"/>
    /// <sequenceFlow id="f3" sourceRef="notify" targetRef="r"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>
    /// ```
    BpmnkitApprovalHasRejectionPath { name: "bpmnkit/approval-has-rejection-path", category: Governance, source: None, options: ApprovalHasRejectionPathOptions }
}

/// Options of `bpmnkit/approval-has-rejection-path`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ApprovalHasRejectionPathOptions {
    /// Which activity names make an approval: a regular expression; by default approve,
    /// approval, sign-off, authorize/authorise, in any case.
    pub approval_pattern: Pattern,
    /// Which branch names, conditions or target names make a rejection branch: a regular
    /// expression; by default no, not, false, reject, decline, deny, refuse, disapprove, or
    /// a negation such as `${!approved}`.
    pub rejection_pattern: Pattern,
    /// Activities a rejection branch may share with the approved path, by name (a
    /// regular expression, e.g. `"(?i)^archive"` for a common wrap-up step). None by
    /// default.
    pub ignore_shared: Option<Pattern>,
}

impl Default for ApprovalHasRejectionPathOptions {
    fn default() -> Self {
        ApprovalHasRejectionPathOptions {
            approval_pattern: Pattern::builtin(DEFAULT_APPROVAL_PATTERN),
            rejection_pattern: Pattern::builtin(DEFAULT_REJECTION_PATTERN),
            ignore_shared: None,
        }
    }
}

/// Whether a node decides between paths.
fn is_decision(model: &Model, el: ElementId) -> bool {
    let e = model.el(el);
    e.links.outgoing.len() >= 2 && e.kind != Kind::ParallelGateway
}

/// Targets of a node's sequence flows, leaving a sub-process through its own flows when
/// the node ends it.
fn next_nodes(model: &Model, el: ElementId) -> Vec<ElementId> {
    let e = model.el(el);
    let targets = |flows: &[ElementId]| -> Vec<ElementId> {
        flows
            .iter()
            .filter_map(|&f| model.el(f).links.target)
            .collect()
    };
    if e.links.outgoing.is_empty() && e.kind != Kind::BoundaryEvent {
        if let Some(scope) = model.scope_of(el) {
            let s = model.el(scope);
            if s.kind.is_sub_process() && s.bool_attr("triggeredByEvent") != Some(true) {
                return targets(&s.links.outgoing);
            }
        }
    }
    targets(&e.links.outgoing)
}

/// The first decision after `approval` (the approval itself when it has conditional flows).
fn find_decision(model: &Model, approval: ElementId) -> Option<ElementId> {
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([approval]);
    while let Some(n) = queue.pop_front() {
        if !seen.insert(n) {
            continue;
        }
        if is_decision(model, n) {
            return Some(n);
        }
        queue.extend(next_nodes(model, n));
    }
    None
}

struct Branch {
    flow: ElementId,
    rejection: bool,
    /// Reached nodes, nearest first.
    order: Vec<ElementId>,
    activities: BTreeSet<ElementId>,
    outcomes: BTreeSet<ElementId>,
}

impl BpmnkitApprovalHasRejectionPath {
    /// Checks with explicit options.
    pub fn check_with(
        &self,
        cx: &LintContext<'_>,
        options: &ApprovalHasRejectionPathOptions,
        out: &mut Vec<Diagnostic>,
    ) {
        let model = cx.model();
        for approval in approvals(model, &options.approval_pattern) {
            let Some(decision) = find_decision(model, approval) else {
                out.push(
                    cx.report(
                        &Self::META,
                        approval,
                        format!(
                            "{} is not followed by a decision",
                            describe_cap(model, approval)
                        ),
                    )
                    .with_span_label("the flow goes on the same way whatever is decided")
                    .with_help("add an exclusive gateway after it with a branch for rejection"),
                );
                continue;
            };
            let branches = self.branches(model, approval, decision, options);
            let rejections: Vec<&Branch> = branches.iter().filter(|b| b.rejection).collect();
            let approved: Vec<&Branch> = branches.iter().filter(|b| !b.rejection).collect();
            let d = model.el(decision);
            if !rejections.is_empty() && !approved.is_empty() {
                for r in rejections {
                    let ignored = |n: &ElementId| {
                        options
                            .ignore_shared
                            .as_ref()
                            .is_some_and(|p| model.el(*n).label().is_some_and(|l| p.is_match(l)))
                    };
                    let shared = r.order.iter().find(|n| {
                        r.activities.contains(n)
                            && !ignored(n)
                            && approved.iter().any(|a| a.activities.contains(n))
                    });
                    let Some(&shared) = shared else { continue };
                    let flow = model.el(r.flow);
                    let s = model.el(shared);
                    out.push(
                        cx.report(
                            &Self::META,
                            approval,
                            format!(
                                "The rejection branch of {} rejoins the approved path at {}",
                                model.describe(approval),
                                model.describe(shared)
                            ),
                        )
                        .with_span_label("a rejection still leads to the approved work")
                        .with_label(flow.span, "rejection branch", flow.id.as_deref())
                        .with_label(s.span, "performed after rejection too", s.id.as_deref())
                        .with_help(
                            "end the rejection branch or send it back for rework instead of joining the approved path",
                        ),
                    );
                }
            } else if branches
                .windows(2)
                .all(|w| w[0].activities == w[1].activities && w[0].outcomes == w[1].outcomes)
            {
                out.push(
                    cx.report(
                        &Self::META,
                        approval,
                        format!(
                            "No branch of the decision after {} avoids the approved path",
                            model.describe(approval)
                        ),
                    )
                    .with_span_label("every branch leads to the same work")
                    .with_label(d.span, "decision", d.id.as_deref())
                    .with_help(
                        "give the decision a rejection branch (named e.g. \"Rejected\") that ends or loops back",
                    ),
                );
            }
        }
    }

    fn branches(
        &self,
        model: &Model,
        approval: ElementId,
        decision: ElementId,
        options: &ApprovalHasRejectionPathOptions,
    ) -> Vec<Branch> {
        let mut branches = Vec::new();
        for &flow in &model.el(decision).links.outgoing {
            let f = model.el(flow);
            let Some(target) = f.links.target else {
                continue;
            };
            let condition = model
                .children(flow)
                .filter(|(_, c)| c.kind == Kind::ConditionExpression)
                .filter_map(|(_, c)| c.text.as_deref());
            let rejection = f
                .label()
                .into_iter()
                .chain(condition)
                .chain(model.el(target).label())
                .any(|t| options.rejection_pattern.is_match(t));
            let reached = reach_forward(model, target, &[approval, decision]);
            let activities = reached
                .iter()
                .copied()
                .filter(|&n| model.el(n).kind.is_activity())
                .collect();
            let outcomes = reached
                .iter()
                .copied()
                .filter(|&n| {
                    let k = &model.el(n).kind;
                    k.is_activity() || *k == Kind::EndEvent
                })
                .collect();
            branches.push(Branch {
                flow,
                rejection,
                order: reached,
                activities,
                outcomes,
            });
        }
        branches
    }
}

impl Rule for BpmnkitApprovalHasRejectionPath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        self.check_with(cx, &cx.options::<ApprovalHasRejectionPathOptions>(), out);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&BpmnkitApprovalHasRejectionPath).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str) -> Vec<String> {
        ids(&run(body, |cx, out| {
            BpmnkitApprovalHasRejectionPath.check(cx, out)
        }))
    }

    const HEAD: &str = r#"<startEvent id="s"/><userTask id="approve" name="Approve order"/><exclusiveGateway id="ok"/>
        <task id="notify" name="Notify requester"/><task id="place" name="Place order"/><endEvent id="e"/><endEvent id="r"/>
        <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/><sequenceFlow id="f2" sourceRef="approve" targetRef="ok"/>"#;

    #[test]
    fn pass() {
        for tail in [
            // Rejection ends elsewhere.
            r#"<sequenceFlow id="y" name="Yes" sourceRef="ok" targetRef="place"/><sequenceFlow id="n" name="No" sourceRef="ok" targetRef="notify"/>
               <sequenceFlow id="f3" sourceRef="notify" targetRef="r"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>"#,
            // Rejection loops back for rework.
            r#"<sequenceFlow id="y" sourceRef="ok" targetRef="place"><conditionExpression>${approved}</conditionExpression></sequenceFlow>
               <sequenceFlow id="n" sourceRef="ok" targetRef="notify"><conditionExpression>${!approved}</conditionExpression></sequenceFlow>
               <sequenceFlow id="f3" sourceRef="notify" targetRef="approve"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>"#,
            // Rejection skips the approved work and joins only at the end.
            r#"<sequenceFlow id="y" name="Approved" sourceRef="ok" targetRef="place"/><sequenceFlow id="n" name="Rejected" sourceRef="ok" targetRef="e"/>
               <sequenceFlow id="f4" sourceRef="place" targetRef="e"/>"#,
            // Unlabelled branches that differ.
            r#"<sequenceFlow id="y" sourceRef="ok" targetRef="place"/><sequenceFlow id="n" sourceRef="ok" targetRef="r"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>"#,
        ] {
            assert_eq!(
                check(&format!("{HEAD}{tail}")),
                Vec::<String>::new(),
                "{tail}"
            );
        }
    }

    #[test]
    fn fail() {
        // Rejection rejoins before "Place order".
        assert_eq!(
            check(&format!(
                r#"{HEAD}<sequenceFlow id="y" name="Yes" sourceRef="ok" targetRef="place"/><sequenceFlow id="n" name="No" sourceRef="ok" targetRef="notify"/>
                <sequenceFlow id="f3" sourceRef="notify" targetRef="place"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>"#
            )),
            ["approve"]
        );
        // Both branches go on to the same work after different first steps.
        let shared = format!(
            r#"{HEAD}<task id="log" name="Log decision"/><sequenceFlow id="y" name="Approved" sourceRef="ok" targetRef="log"/><sequenceFlow id="n" name="Rejected" sourceRef="ok" targetRef="notify"/>
            <sequenceFlow id="f3" sourceRef="notify" targetRef="place"/><sequenceFlow id="f5" sourceRef="log" targetRef="place"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>"#
        );
        let d = run(&shared, |cx, out| {
            BpmnkitApprovalHasRejectionPath.check(cx, out)
        });
        assert_eq!(ids(&d), ["approve"]);
        assert!(
            d[0].message.ends_with(r#"at task "Place order" (place)"#),
            "{}",
            d[0].message
        );
        let options: ApprovalHasRejectionPathOptions =
            serde_json::from_str(r#"{"ignoreShared": "(?i)^place"}"#).unwrap();
        assert!(
            run(&shared, |cx, out| BpmnkitApprovalHasRejectionPath
                .check_with(cx, &options, out))
            .is_empty()
        );
        // Unlabelled branches that do the same thing.
        assert_eq!(
            check(&format!(
                r#"{HEAD}<sequenceFlow id="y" sourceRef="ok" targetRef="place"/><sequenceFlow id="n" sourceRef="ok" targetRef="place"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>"#
            )),
            ["approve"]
        );
        // No decision at all.
        assert_eq!(
            check(
                r#"<startEvent id="s"/><userTask id="approve" name="Approve order"/><task id="place" name="Place order"/><endEvent id="e"/>
                <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/><sequenceFlow id="f2" sourceRef="approve" targetRef="place"/><sequenceFlow id="f3" sourceRef="place" targetRef="e"/>"#
            ),
            ["approve"]
        );
    }

    #[test]
    fn decision_after_a_sub_process_counts() {
        assert_eq!(
            check(
                r#"<startEvent id="s"/><subProcess id="sp"><startEvent id="ss"/><userTask id="approve" name="Approve order"/><endEvent id="se"/>
                <sequenceFlow id="g1" sourceRef="ss" targetRef="approve"/><sequenceFlow id="g2" sourceRef="approve" targetRef="se"/></subProcess>
                <exclusiveGateway id="ok"/><task id="place" name="Place order"/><endEvent id="e"/><endEvent id="r" name="Order rejected"/>
                <sequenceFlow id="f1" sourceRef="s" targetRef="sp"/><sequenceFlow id="f2" sourceRef="sp" targetRef="ok"/>
                <sequenceFlow id="y" sourceRef="ok" targetRef="place"/><sequenceFlow id="n" sourceRef="ok" targetRef="r"/><sequenceFlow id="f4" sourceRef="place" targetRef="e"/>"#
            ),
            Vec::<String>::new()
        );
    }
}
