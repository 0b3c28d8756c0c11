//! The single list of rules.

use super::Rule;
use super::rules;

/// Every rule, in name order.
#[must_use]
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &rules::ad_hoc_sub_process::AdHocSubProcess,
        &rules::conditional_event::ConditionalEvent,
        &rules::conditional_flows::ConditionalFlows,
        &rules::end_event_required::EndEventRequired,
        &rules::event_based_gateway::EventBasedGateway,
        &rules::event_sub_process_typed_start_event::EventSubProcessTypedStartEvent,
        &rules::fake_join::FakeJoin,
        &rules::global::Global,
        &rules::label_required::LabelRequired,
        &rules::link_event::LinkEvent,
        &rules::no_bpmndi::NoBpmndi,
        &rules::no_complex_gateway::NoComplexGateway,
        &rules::no_disconnected::NoDisconnected,
        &rules::no_duplicate_sequence_flows::NoDuplicateSequenceFlows,
        &rules::no_gateway_join_fork::NoGatewayJoinFork,
        &rules::no_implicit_end::NoImplicitEnd,
        &rules::no_implicit_split::NoImplicitSplit,
        &rules::no_implicit_start::NoImplicitStart,
        &rules::no_inclusive_gateway::NoInclusiveGateway,
        &rules::no_overlapping_elements::NoOverlappingElements,
        &rules::single_blank_start_event::SingleBlankStartEvent,
        &rules::single_event_definition::SingleEventDefinition,
        &rules::standard_size::StandardSize,
        &rules::start_event_required::StartEventRequired,
        &rules::sub_process_blank_start_event::SubProcessBlankStartEvent,
        &rules::superfluous_gateway::SuperfluousGateway,
        &rules::superfluous_label::SuperfluousLabel,
        &rules::superfluous_termination::SuperfluousTermination,
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
