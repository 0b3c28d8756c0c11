//! Small questions about BPMN elements that several rules ask.

use crate::model::{ElementId, Kind, Model};

/// Whether a sequence flow has a `conditionExpression` (even an empty one).
#[must_use]
pub fn has_condition(model: &Model, flow: ElementId) -> bool {
    condition(model, flow).is_some()
}

/// The `conditionExpression` of a sequence flow: `Some(body)` (trimmed, maybe empty)
/// when present.
#[must_use]
pub fn condition(model: &Model, flow: ElementId) -> Option<&str> {
    model
        .children(flow)
        .find(|(_, c)| c.kind == Kind::ConditionExpression)
        .map(|(_, c)| c.text.as_deref().unwrap_or(""))
}

/// Whether `flow` is the `default` flow of `node`.
#[must_use]
pub fn is_default_flow(model: &Model, node: ElementId, flow: ElementId) -> bool {
    model.el(node).links.default_flow == Some(flow)
}

/// An embedded sub-process with `triggeredByEvent="true"`.
#[must_use]
pub fn is_event_sub_process(model: &Model, id: ElementId) -> bool {
    let e = model.el(id);
    e.kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false)
}

/// Kinds of the event definitions of an event.
pub fn event_definition_kinds(model: &Model, event: ElementId) -> impl Iterator<Item = &Kind> {
    model.event_definitions(event).map(|(_, e)| &e.kind)
}

/// Whether an event has an event definition of this kind.
#[must_use]
pub fn has_event_definition(model: &Model, event: ElementId, kind: &Kind) -> bool {
    event_definition_kinds(model, event).any(|k| k == kind)
}

/// Whether an event has no event definition (a "blank" or "none" event).
#[must_use]
pub fn is_blank_event(model: &Model, event: ElementId) -> bool {
    model.event_definitions(event).next().is_none()
}

/// An activity with `isForCompensation="true"`.
#[must_use]
pub fn is_compensation_activity(model: &Model, id: ElementId) -> bool {
    model.el(id).bool_attr("isForCompensation").unwrap_or(false)
}

/// A boundary event whose only event definition is a compensation one.
#[must_use]
pub fn is_compensation_boundary(model: &Model, id: ElementId) -> bool {
    let e = model.el(id);
    if e.kind != Kind::BoundaryEvent {
        return false;
    }
    let mut defs = model.event_definitions(id);
    matches!(
        (defs.next(), defs.next()),
        (Some((_, d)), None) if d.kind == Kind::CompensateEventDefinition
    )
}

/// Whether the element's direct parent is an ad-hoc sub-process.
#[must_use]
pub fn in_ad_hoc(model: &Model, id: ElementId) -> bool {
    model
        .el(id)
        .parent
        .is_some_and(|p| model.el(p).kind == Kind::AdHocSubProcess)
}

/// A link event (intermediate catch or throw with a `linkEventDefinition`).
#[must_use]
pub fn is_link_event(model: &Model, id: ElementId) -> bool {
    has_event_definition(model, id, &Kind::LinkEventDefinition)
}

/// An event sub-process whose start event interrupts (the default).
#[must_use]
pub fn is_interrupting_event_sub_process(model: &Model, id: ElementId) -> bool {
    is_event_sub_process(model, id)
        && model
            .children(id)
            .filter(|(_, c)| c.kind == Kind::StartEvent)
            .all(|(_, c)| c.bool_attr("isInterrupting").unwrap_or(true))
}

/// Process-like scopes: processes and embedded sub-processes of every kind.
#[must_use]
pub fn is_scope(kind: &Kind) -> bool {
    kind.is_flow_container()
}

/// Sequence flows leaving a flow node (only real sequence flows).
pub fn outgoing_flows(model: &Model, id: ElementId) -> impl Iterator<Item = ElementId> + '_ {
    model
        .el(id)
        .links
        .outgoing
        .iter()
        .copied()
        .filter(move |&f| model.el(f).kind == Kind::SequenceFlow)
}

/// Sequence flows entering a flow node.
pub fn incoming_flows(model: &Model, id: ElementId) -> impl Iterator<Item = ElementId> + '_ {
    model
        .el(id)
        .links
        .incoming
        .iter()
        .copied()
        .filter(move |&f| model.el(f).kind == Kind::SequenceFlow)
}
