//! `bpmnkit/approver-role` (ours).

use serde::Deserialize;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::{
    DEFAULT_APPROVAL_PATTERN, Pattern, approvals, describe_cap, role_key, roles_of,
};
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags an approval activity that is not performed by one of the configured approver
    /// roles, or by no role at all. An approval is a user, manual or untyped task whose name
    /// matches `approvalPattern` (approve, approval, sign-off, authorize, in any case), or an
    /// activity marked `[approval]` in its documentation. Its role comes, in order, from a
    /// `potentialOwner`/`humanPerformer` resource, `camunda:candidateGroups`/`camunda:assignee`,
    /// `zeebe:assignmentDefinition`, or the innermost lane's name. When a task names several
    /// candidate roles, every one of them must be an approver role: any of them could approve.
    ///
    /// Options: `approverRoles` (list of role names, compared ignoring case and extra
    /// spaces; when empty, any role is accepted but one is required) and `approvalPattern`
    /// (a regular expression over activity names).
    ///
    /// ## Why is this bad?
    /// Approval authority is an internal control: an order, invoice or contract approved by
    /// someone without that authority is not approved at all, and auditors ask who may sign
    /// off. An approval nobody is assigned to lands in no one's work list.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <userTask id="approve" name="Approve purchase order"/>
    /// ```
    /// ```xml,valid
    /// <laneSet id="ls"><lane id="fm" name="Finance Manager"><flowNodeRef>approve</flowNodeRef></lane></laneSet>
    /// <userTask id="approve" name="Approve purchase order"/>
    /// ```
    /// With `"bpmnkit/approver-role": ["error", { "approverRoles": ["Finance Manager"] }]`, an
    /// approval in the lane *Clerk* is flagged too.
    BpmnkitApproverRole { name: "bpmnkit/approver-role", category: Governance, source: None, options: ApproverRoleOptions }
}

/// Options of `bpmnkit/approver-role`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ApproverRoleOptions {
    /// Roles allowed to approve, compared ignoring case, spaces, `-` and `_`
    /// (`"Finance Manager"` matches the group `finance-manager`). Empty (the
    /// default): any role is accepted, but an approval must have one.
    pub approver_roles: Vec<String>,
    /// Which activity names make an approval: a regular expression; by default approve,
    /// approval, sign-off, authorize/authorise, in any case.
    pub approval_pattern: Pattern,
}

impl Default for ApproverRoleOptions {
    fn default() -> Self {
        ApproverRoleOptions {
            approver_roles: Vec::new(),
            approval_pattern: Pattern::builtin(DEFAULT_APPROVAL_PATTERN),
        }
    }
}

impl BpmnkitApproverRole {
    /// Checks with explicit options.
    pub fn check_with(
        &self,
        cx: &LintContext<'_>,
        options: &ApproverRoleOptions,
        out: &mut Vec<Diagnostic>,
    ) {
        let model = cx.model();
        let allowed: Vec<String> = options.approver_roles.iter().map(|r| role_key(r)).collect();
        for approval in approvals(model, &options.approval_pattern) {
            let roles = roles_of(model, approval);
            if roles.is_empty() {
                out.push(
                    cx.report(
                        &Self::META,
                        approval,
                        format!(
                            "{} is an approval with no performer role",
                            describe_cap(model, approval)
                        ),
                    )
                    .with_span_label("nobody is assigned to approve")
                    .with_help(approver_help(
                        "put it in an approver's lane or assign a candidate group",
                        options,
                    )),
                );
                continue;
            }
            if allowed.is_empty() {
                continue;
            }
            for role in roles.iter().filter(|r| !allowed.contains(&r.key())) {
                let decl = model.el(role.declared_by);
                let mut d = cx
                    .report(
                        &Self::META,
                        approval,
                        format!(
                            "{} approves as \"{}\", which is not an approver role",
                            describe_cap(model, approval),
                            role.name
                        ),
                    )
                    .with_span_label("approved by a role without approval authority")
                    .with_help(approver_help("assign it to an approver role", options));
                if role.declared_by != approval {
                    d = d.with_label(
                        decl.span,
                        format!("role from {}", role.source.describe()),
                        decl.id.as_deref(),
                    );
                }
                out.push(d);
            }
        }
    }
}

fn approver_help(prefix: &str, options: &ApproverRoleOptions) -> String {
    if options.approver_roles.is_empty() {
        prefix.to_owned()
    } else {
        format!(
            "{prefix} (approver roles: {})",
            options.approver_roles.join(", ")
        )
    }
}

impl Rule for BpmnkitApproverRole {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        self.check_with(cx, &cx.options::<ApproverRoleOptions>(), out);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&BpmnkitApproverRole).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str, roles: &[&str]) -> Vec<String> {
        let options = ApproverRoleOptions {
            approver_roles: roles.iter().map(|&r| r.to_owned()).collect(),
            ..ApproverRoleOptions::default()
        };
        ids(&run(body, |cx, out| {
            BpmnkitApproverRole.check_with(cx, &options, out);
        }))
    }

    const LANES: &str = r#"<laneSet id="ls"><lane id="L1" name="Clerk"><flowNodeRef>a</flowNodeRef></lane><lane id="L2" name="finance  manager"><flowNodeRef>b</flowNodeRef></lane></laneSet>"#;

    #[test]
    fn pass() {
        for (body, roles) in [
            (format!(r#"{LANES}<userTask id="a" name="Enter order"/><userTask id="b" name="Approve order"/>"#), vec!["Finance Manager"]),
            (r#"<userTask id="b" name="Approve order" camunda:candidateGroups="Directors, Finance Manager"/>"#.to_owned(), vec!["Finance Manager", "directors"]),
            // Without configured roles any role will do.
            (format!(r#"{LANES}<userTask id="a" name="Approve order"/>"#), vec![]),
            // Automated steps are not approvals.
            (r#"<serviceTask id="x" name="Send approval notice"/>"#.to_owned(), vec!["Finance Manager"]),
        ] {
            assert_eq!(check(&body, &roles), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn fail() {
        assert_eq!(
            check(
                &format!(r#"{LANES}<userTask id="a" name="Approve order"/>"#),
                &["Finance Manager"]
            ),
            ["a"]
        );
        assert_eq!(
            check(r#"<userTask id="a" name="Sign-off contract"/>"#, &[]),
            ["a"]
        );
        // One candidate group without authority is enough.
        assert_eq!(
            check(
                r#"<userTask id="a" name="Authorize payment"><extensionElements><zeebe:assignmentDefinition candidateGroups="finance manager,clerk"/></extensionElements></userTask>"#,
                &["Finance Manager"]
            ),
            ["a"]
        );
    }

    #[test]
    fn options_reject_unknown_keys_and_bad_patterns() {
        let ok: ApproverRoleOptions =
            serde_json::from_str(r#"{"approverRoles":["CFO"],"approvalPattern":"(?i)ok"}"#)
                .unwrap();
        assert_eq!(ok.approver_roles, ["CFO"]);
        assert!(serde_json::from_str::<ApproverRoleOptions>(r#"{"roles":[]}"#).is_err());
        assert!(serde_json::from_str::<ApproverRoleOptions>(r#"{"approvalPattern":"("}"#).is_err());
    }
}
