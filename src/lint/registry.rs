//! The single list of rules.

use super::Rule;
use super::rules;

/// Every rule, in name order.
#[must_use]
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &rules::no_implicit_split::NoImplicitSplit,
        &rules::bpmnkit_approval_has_rejection_path::BpmnkitApprovalHasRejectionPath,
        &rules::bpmnkit_approver_role::BpmnkitApproverRole,
        &rules::bpmnkit_can_reach_end::BpmnkitCanReachEnd,
        &rules::bpmnkit_no_duplicate_names::BpmnkitNoDuplicateNames,
        &rules::bpmnkit_reachable_from_start::BpmnkitReachableFromStart,
        &rules::bpmnkit_separation_of_duties::BpmnkitSeparationOfDuties,
        &rules::bpmnkit_activity_naming::BpmnkitActivityNaming,
        &rules::bpmnkit_max_complexity::BpmnkitMaxComplexity,
        &rules::bpmnkit_no_laneless_node::BpmnkitNoLanelessNode,
        &rules::bpmnkit_no_orphan_lane::BpmnkitNoOrphanLane,
        &rules::bpmnkit_owner_required::BpmnkitOwnerRequired,
        &rules::bpmnkit_user_task_assignee::BpmnkitUserTaskAssignee,
    ]
}

/// A rule by its kebab-case name.
#[must_use]
pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().name == name)
}
