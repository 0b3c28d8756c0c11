//! `bpmnkit/separation-of-duties` (ours).

use std::collections::HashSet;

use serde::Deserialize;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::{
    DEFAULT_APPROVAL_PATTERN, Pattern, approvals, describe_cap, is_approval, is_human_task,
    nearest_preceding, roles_of,
};
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::ElementId;

declare_rule! {
    /// ## What it does
    /// Flags an approval performed by the same role that did the work it approves (the
    /// four-eyes principle). By default the work is the nearest preceding user, manual or
    /// untyped task on each path into the approval that is not itself an approval (the walk
    /// goes into and out of sub-processes). Configured `pairs` of name patterns add checks
    /// between any activity matching `work` and any activity matching `approval` in the same
    /// process. Roles are read as for `bpmnkit/approver-role` (resource roles, Camunda and
    /// Zeebe assignments, else the innermost lane); the finding names both activities and the
    /// shared role.
    ///
    /// Options: `approvalPattern` (which names make an approval), `nearestPreceding`
    /// (`true` by default; `false` checks only the pairs) and `pairs`
    /// (`[{ "work": "(?i)enter order", "approval": "(?i)approve order" }]`).
    ///
    /// ## Why is this bad?
    /// Separation of duties is a basic internal control (SOX, ISO 27001 A.5.3): whoever
    /// prepares a payment, order or change must not be the one who approves it, otherwise
    /// one person can push through fraud or mistakes alone.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <laneSet id="ls"><lane id="sales" name="Sales"><flowNodeRef>s</flowNodeRef><flowNodeRef>enter</flowNodeRef><flowNodeRef>approve</flowNodeRef></lane></laneSet>
    /// <startEvent id="s"/><userTask id="enter" name="Enter order"/><userTask id="approve" name="Approve order"/>
    /// <sequenceFlow id="f1" sourceRef="s" targetRef="enter"/><sequenceFlow id="f2" sourceRef="enter" targetRef="approve"/>
    /// ```
    /// ```xml,valid
    /// <laneSet id="ls"><lane id="sales" name="Sales"><flowNodeRef>s</flowNodeRef><flowNodeRef>enter</flowNodeRef></lane>
    /// <lane id="mgr" name="Sales Manager"><flowNodeRef>approve</flowNodeRef></lane></laneSet>
    /// <startEvent id="s"/><userTask id="enter" name="Enter order"/><userTask id="approve" name="Approve order"/>
    /// <sequenceFlow id="f1" sourceRef="s" targetRef="enter"/><sequenceFlow id="f2" sourceRef="enter" targetRef="approve"/>
    /// ```
    BpmnkitSeparationOfDuties { name: "bpmnkit/separation-of-duties", category: Governance, source: None, options: SeparationOfDutiesOptions }
}

/// A pair of activities that must be performed by different roles.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DutyPair {
    /// Names of the activities doing the work (a regular expression).
    pub work: Pattern,
    /// Names of the activities approving it (a regular expression).
    pub approval: Pattern,
}

/// Options of `bpmnkit/separation-of-duties`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SeparationOfDutiesOptions {
    /// Which activity names make an approval: a regular expression; by default approve,
    /// approval, sign-off, authorize/authorise, in any case.
    pub approval_pattern: Pattern,
    /// Check each approval against the nearest preceding human task on each path
    /// (default `true`).
    pub nearest_preceding: bool,
    /// Further pairs of activities, by name pattern, that need different roles.
    pub pairs: Vec<DutyPair>,
}

impl Default for SeparationOfDutiesOptions {
    fn default() -> Self {
        SeparationOfDutiesOptions {
            approval_pattern: Pattern::builtin(DEFAULT_APPROVAL_PATTERN),
            nearest_preceding: true,
            pairs: Vec::new(),
        }
    }
}

impl BpmnkitSeparationOfDuties {
    /// Checks with explicit options.
    pub fn check_with(
        &self,
        cx: &LintContext<'_>,
        options: &SeparationOfDutiesOptions,
        out: &mut Vec<Diagnostic>,
    ) {
        let model = cx.model();
        let mut checked: HashSet<(ElementId, ElementId)> = HashSet::new();
        let mut candidates: Vec<(ElementId, ElementId)> = Vec::new();
        if options.nearest_preceding {
            for approval in approvals(model, &options.approval_pattern) {
                let work = nearest_preceding(model, approval, |n| {
                    is_human_task(&model.el(n).kind)
                        && !is_approval(model, n, &options.approval_pattern)
                });
                candidates.extend(work.into_iter().map(|w| (approval, w)));
            }
        }
        for pair in &options.pairs {
            let named = |p: &Pattern| -> Vec<ElementId> {
                model
                    .iter()
                    .filter(|(_, e)| {
                        e.kind.is_activity() && e.label().is_some_and(|n| p.is_match(n))
                    })
                    .map(|(id, _)| id)
                    .collect()
            };
            let works = named(&pair.work);
            for approval in named(&pair.approval) {
                for &w in &works {
                    if w != approval && model.process_of(w) == model.process_of(approval) {
                        candidates.push((approval, w));
                    }
                }
            }
        }
        for (approval, work) in candidates {
            if !checked.insert((approval, work)) {
                continue;
            }
            let approver = roles_of(model, approval);
            let worker = roles_of(model, work);
            let Some(shared) = approver
                .iter()
                .find(|a| worker.iter().any(|w| w.key() == a.key()))
            else {
                continue;
            };
            let w = model.el(work);
            out.push(
                cx.report(
                    &Self::META,
                    approval,
                    format!(
                        "{} and the work it approves, {}, are both performed by \"{}\"",
                        describe_cap(model, approval),
                        model.describe(work),
                        shared.name
                    ),
                )
                .with_span_label(format!("approved by \"{}\"", shared.name))
                .with_label(
                    w.span,
                    format!("work done by \"{}\"", shared.name),
                    w.id.as_deref(),
                )
                .with_help("assign the approval to a different role than the work it approves"),
            );
        }
    }
}

impl Rule for BpmnkitSeparationOfDuties {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        self.check_with(cx, &cx.options::<SeparationOfDutiesOptions>(), out);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&BpmnkitSeparationOfDuties).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check_opts(body: &str, options: &SeparationOfDutiesOptions) -> Vec<Diagnostic> {
        run(body, |cx, out| {
            BpmnkitSeparationOfDuties.check_with(cx, options, out);
        })
    }

    fn check(body: &str) -> Vec<String> {
        ids(&check_opts(body, &SeparationOfDutiesOptions::default()))
    }

    const FLOW: &str = r#"<startEvent id="s"/><serviceTask id="calc" name="Calculate total"/><endEvent id="e"/>
        <sequenceFlow id="f1" sourceRef="s" targetRef="enter"/><sequenceFlow id="f2" sourceRef="enter" targetRef="calc"/>
        <sequenceFlow id="f3" sourceRef="calc" targetRef="approve"/><sequenceFlow id="f4" sourceRef="approve" targetRef="e"/>"#;

    fn lanes(enter: &str, approve: &str) -> String {
        format!(
            r#"<laneSet id="ls"><lane id="L1" name="{enter}"><flowNodeRef>enter</flowNodeRef></lane><lane id="L2" name="{approve}"><flowNodeRef>approve</flowNodeRef></lane></laneSet>
            <userTask id="enter" name="Enter order"/><userTask id="approve" name="Approve order"/>{FLOW}"#
        )
    }

    #[test]
    fn pass() {
        assert_eq!(check(&lanes("Clerk", "Manager")), Vec::<String>::new());
        // A role nobody assigned is approver-role's business, not this rule's.
        assert_eq!(
            check(&format!(
                r#"<userTask id="enter" name="Enter order"/><userTask id="approve" name="Approve order"/>{FLOW}"#
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn fail() {
        let d = check_opts(
            &lanes("Clerk", "clerk"),
            &SeparationOfDutiesOptions::default(),
        );
        assert_eq!(ids(&d), ["approve"]);
        assert!(d[0].message.contains("\"Enter order\""), "{}", d[0].message);
        assert_eq!(d[0].labels[0].element_id.as_deref(), Some("enter"));
        // Explicit assignment wins over the lane.
        assert_eq!(
            check(&format!(
                r#"<laneSet id="ls"><lane id="L1" name="Clerk"><flowNodeRef>enter</flowNodeRef><flowNodeRef>approve</flowNodeRef></lane></laneSet>
                <userTask id="enter" name="Enter order" camunda:candidateGroups="buyers"/><userTask id="approve" name="Approve order" camunda:candidateGroups="managers, buyers"/>{FLOW}"#
            )),
            ["approve"]
        );
    }

    #[test]
    fn pairs() {
        let body = r#"<laneSet id="ls"><lane id="L1" name="Sales"><flowNodeRef>q</flowNodeRef><flowNodeRef>r</flowNodeRef></lane></laneSet>
            <userTask id="q" name="Prepare quote"/><userTask id="r" name="Release quote"/>"#;
        let options: SeparationOfDutiesOptions = serde_json::from_str(
            r#"{"nearestPreceding": false, "pairs": [{"work": "(?i)prepare", "approval": "(?i)release"}]}"#,
        )
        .unwrap();
        assert_eq!(ids(&check_opts(body, &options)), ["r"]);
        assert!(check_opts(body, &SeparationOfDutiesOptions::default()).is_empty());
        assert!(
            serde_json::from_str::<SeparationOfDutiesOptions>(r#"{"pairs": [{"work": "x"}]}"#)
                .is_err()
        );
    }
}
