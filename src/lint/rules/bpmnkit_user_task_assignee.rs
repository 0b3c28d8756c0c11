//! `bpmnkit/user-task-assignee` (ours).

use serde::Deserialize;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::{describe_cap, explicit_roles_of, roles_of};
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a user task (and, unless `includeManualTasks` is `false`, a manual task) that
    /// nobody is assigned to: no `potentialOwner`/`humanPerformer` resource, no
    /// `camunda:candidateGroups`/`camunda:assignee`/`camunda:candidateUsers`, no
    /// `zeebe:assignmentDefinition`, and no lane. With `requireExplicit: true`, a lane is
    /// not enough: the task itself must carry an assignment (what a workflow engine reads).
    ///
    /// Options: `includeManualTasks` (default `true`), `requireExplicit` (default `false`).
    ///
    /// ## Why is this bad?
    /// A user task without an assignee or candidate group shows up in no one's task list,
    /// so cases stall there; on paper, nobody is responsible for the step.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <userTask id="t" name="Check invoice"/>
    /// ```
    /// ```xml,valid
    /// <userTask id="t" name="Check invoice"><potentialOwner id="po"><resourceAssignmentExpression id="rae">
    /// <formalExpression id="fe">group(accounts-payable)</formalExpression></resourceAssignmentExpression></potentialOwner></userTask>
    /// ```
    BpmnkitUserTaskAssignee { name: "bpmnkit/user-task-assignee", category: Governance, source: None, options: UserTaskAssigneeOptions }
}

/// Options of `bpmnkit/user-task-assignee`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct UserTaskAssigneeOptions {
    /// Check manual tasks too (default `true`).
    pub include_manual_tasks: bool,
    /// Require an assignment on the task itself; a lane does not count (default `false`).
    pub require_explicit: bool,
}

impl Default for UserTaskAssigneeOptions {
    fn default() -> Self {
        UserTaskAssigneeOptions {
            include_manual_tasks: true,
            require_explicit: false,
        }
    }
}

impl BpmnkitUserTaskAssignee {
    /// Checks with explicit options.
    pub fn check_with(
        &self,
        cx: &LintContext<'_>,
        options: &UserTaskAssigneeOptions,
        out: &mut Vec<Diagnostic>,
    ) {
        let model = cx.model();
        for (id, e) in model.iter() {
            let checked = e.kind == Kind::UserTask
                || (options.include_manual_tasks && e.kind == Kind::ManualTask);
            if !checked {
                continue;
            }
            let assigned = if options.require_explicit {
                !explicit_roles_of(model, id).is_empty()
            } else {
                !roles_of(model, id).is_empty()
            };
            if assigned {
                continue;
            }
            let help = if options.require_explicit {
                "assign a candidate group or assignee on the task itself"
            } else {
                "assign a candidate group or assignee, or place the task in a role's lane"
            };
            out.push(
                cx.report(
                    &Self::META,
                    id,
                    format!("{} is assigned to nobody", describe_cap(model, id)),
                )
                .with_span_label("no assignee, candidate group or lane")
                .with_help(help),
            );
        }
    }
}

impl Rule for BpmnkitUserTaskAssignee {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        self.check_with(cx, &cx.options::<UserTaskAssigneeOptions>(), out);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&BpmnkitUserTaskAssignee).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    const LANE: &str = r#"<laneSet id="ls"><lane id="l" name="Clerk"><flowNodeRef>a</flowNodeRef></lane></laneSet>"#;

    fn check(body: &str, options: &UserTaskAssigneeOptions) -> Vec<String> {
        ids(&run(body, |cx, out| {
            BpmnkitUserTaskAssignee.check_with(cx, options, out)
        }))
    }

    #[test]
    fn pass() {
        let d = UserTaskAssigneeOptions::default();
        for body in [
            format!(r#"{LANE}<userTask id="a"/>"#),
            r#"<userTask id="a" camunda:assignee="demo"/>"#.to_owned(),
            r#"<userTask id="a"><extensionElements><zeebe:assignmentDefinition assignee="=initiator"/></extensionElements></userTask>"#.to_owned(),
            r#"<userTask id="a"><potentialOwner id="po"><resourceRef>clerks</resourceRef></potentialOwner></userTask>"#.to_owned(),
            r#"<serviceTask id="a"/><task id="b"/>"#.to_owned(),
        ] {
            assert_eq!(check(&body, &d), Vec::<String>::new(), "{body}");
        }
        let no_manual = UserTaskAssigneeOptions {
            include_manual_tasks: false,
            ..d
        };
        assert!(check(r#"<manualTask id="m"/>"#, &no_manual).is_empty());
    }

    #[test]
    fn fail() {
        let d = UserTaskAssigneeOptions::default();
        assert_eq!(
            check(r#"<userTask id="a"/><manualTask id="m"/>"#, &d),
            ["a", "m"]
        );
        let strict = UserTaskAssigneeOptions {
            require_explicit: true,
            ..d
        };
        assert_eq!(
            check(&format!(r#"{LANE}<userTask id="a"/>"#), &strict),
            ["a"]
        );
    }
}
