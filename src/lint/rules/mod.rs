//! One module per rule.

pub mod bpmnkit_activity_naming;
pub mod bpmnkit_approval_has_rejection_path;
pub mod bpmnkit_approver_role;
pub mod bpmnkit_can_reach_end;
pub mod bpmnkit_max_complexity;
pub mod bpmnkit_no_duplicate_names;
pub mod bpmnkit_no_laneless_node;
pub mod bpmnkit_no_orphan_lane;
pub mod bpmnkit_owner_required;
pub mod bpmnkit_reachable_from_start;
pub mod bpmnkit_separation_of_duties;
pub mod bpmnkit_user_task_assignee;
pub mod no_implicit_split;
