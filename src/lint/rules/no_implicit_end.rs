//! `no-implicit-end` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::ElementId;
#[allow(unused_imports)]
use crate::model::Kind;
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Flags flow nodes without outgoing sequence flows that are not end events.
    ///
    /// ## Why is this bad?
    /// A path that just stops leaves readers unsure whether the process is finished there, and
    /// hides which outcome the path stands for.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="Start"/><task id="Work" name="Do work"/>
    /// <sequenceFlow id="F" sourceRef="Start" targetRef="Work"/>
    /// ```
    ///
    /// End every path in an end event. Link throws, compensation handlers, event sub-processes
    /// and the content of ad-hoc sub-processes are exempt.
    NoImplicitEnd { name: "no-implicit-end", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for NoImplicitEnd {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        // Compensation boundary events are linked to their handler by an association.
        let associated: HashSet<ElementId> = model
            .iter()
            .filter(|(_, e)| e.kind == Kind::Association)
            .filter_map(|(_, e)| e.links.source)
            .collect();
        for (id, e) in model.iter() {
            if !e.kind.is_flow_node() || e.kind == Kind::EndEvent || !e.links.outgoing.is_empty() {
                continue;
            }
            let exempt = h::is_event_sub_process(model, id)
                || h::is_compensation_activity(model, id)
                || (h::is_compensation_boundary(model, id) && associated.contains(&id))
                || (e.kind == Kind::IntermediateThrowEvent && h::is_link_event(model, id))
                || h::in_ad_hoc(model, id);
            if !exempt {
                // A compensation boundary event must not get a sequence flow (BPMN 2.0.2
                // §10.5.6): what it lacks is its handler.
                let help = if h::is_compensation_boundary(model, id) {
                    "associate the compensation event with its handler (an activity marked isForCompensation)"
                } else {
                    "connect the element to an end event"
                };
                out.push(
                    cx.report(&Self::META, id, "Flow ends implicitly")
                        .with_help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NoImplicitEnd;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoImplicitEnd).docs_examples();
    }

    /// bpmnlint only finds the association when it is a direct child of the process; we
    /// accept it in a sub-process too (MIWG C.6.0 models compensation that way).
    #[test]
    fn compensation_boundary_with_association_anywhere_is_exempt() {
        let _ = RuleTester::new(&NoImplicitEnd)
            .pass(&[r#"<subProcess id="S" name="s"><startEvent id="St"/><task id="T" name="t"/><endEvent id="E"/>
<sequenceFlow id="F0" sourceRef="St" targetRef="T"/><sequenceFlow id="F1" sourceRef="T" targetRef="E"/>
<boundaryEvent id="B" attachedToRef="T"><compensateEventDefinition/></boundaryEvent>
<task id="H" name="undo" isForCompensation="true"/>
<association id="A" sourceRef="B" targetRef="H"/></subProcess>
<startEvent id="S0"/><endEvent id="E0"/><sequenceFlow id="G0" sourceRef="S0" targetRef="S"/><sequenceFlow id="G1" sourceRef="S" targetRef="E0"/>"#])
            .fail(&[r#"<startEvent id="St"/><task id="T" name="t"/><endEvent id="E"/>
<sequenceFlow id="F0" sourceRef="St" targetRef="T"/><sequenceFlow id="F1" sourceRef="T" targetRef="E"/>
<boundaryEvent id="B" attachedToRef="T"><compensateEventDefinition/></boundaryEvent>"#]);
    }
}
