//! `superfluous-termination` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::ElementId;
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a terminate end event in a scope where it is the only way the flow ends, so that
    /// nothing is left to terminate.
    ///
    /// ## Why is this bad?
    /// A terminate end event says "stop everything else that runs". When no other path can still
    /// run, it is a plain end event in disguise and misleads readers.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="S"/><task id="A" name="Work"/><endEvent id="E"><terminateEventDefinition/></endEvent>
    /// <sequenceFlow id="F1" sourceRef="S" targetRef="A"/><sequenceFlow id="F2" sourceRef="A" targetRef="E"/>
    /// ```
    ///
    /// Use a plain end event.
    SuperfluousTermination { name: "superfluous-termination", category: Style, source: Some("bpmnlint") }
}

impl Rule for SuperfluousTermination {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (scope, se) in model.iter() {
            if !se.kind.is_flow_container() {
                continue;
            }
            let ends: Vec<_> = model
                .flow_nodes(scope)
                .filter(|(_, e)| e.links.outgoing.is_empty())
                .map(|(id, _)| id)
                .collect();
            let is_terminate = |id: ElementId| {
                model.el(id).kind == Kind::EndEvent
                    && h::has_event_definition(model, id, &Kind::TerminateEventDefinition)
            };
            let terminates: Vec<_> = ends
                .iter()
                .copied()
                .filter(|&id| is_terminate(id))
                .collect();
            if terminates.len() != 1 {
                continue;
            }
            if ends
                .iter()
                .all(|&id| is_terminate(id) || h::is_interrupting_event_sub_process(model, id))
            {
                for id in terminates {
                    out.push(
                        cx.report(&Self::META, id, "Termination is superfluous")
                            .with_help(
                                "use a plain end event: no other path can still be running here",
                            ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SuperfluousTermination;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&SuperfluousTermination).docs_examples();
    }
}
