//! `event-based-gateway` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags an event-based gateway with fewer than two outgoing flows, and conditional flows leaving one.
    ///
    /// ## Why is this bad?
    /// An event-based gateway waits for the first of several events; with one path it waits for
    /// nothing to choose from, and a condition on its flows is not allowed by BPMN.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <eventBasedGateway id="Wait"/>
    /// <intermediateCatchEvent id="Msg" name="Reply"><messageEventDefinition/></intermediateCatchEvent>
    /// <sequenceFlow id="F" sourceRef="Wait" targetRef="Msg"/>
    /// ```
    ///
    /// Give the gateway at least two outgoing flows, each to a catching event, without conditions.
    EventBasedGateway { name: "event-based-gateway", category: Correctness, source: Some("bpmnlint") }
}

impl Rule for EventBasedGateway {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind != Kind::EventBasedGateway {
                continue;
            }
            if h::outgoing_flows(model, id).count() < 2 {
                out.push(
                    cx.report(
                        &Self::META,
                        id,
                        "Event-based gateway has fewer than two outgoing flows",
                    )
                    .with_help("add the alternative events the gateway waits for"),
                );
            }
            for f in h::outgoing_flows(model, id) {
                if h::has_condition(model, f) {
                    out.push(
                        cx.report(
                            &Self::META,
                            f,
                            "Flow leaving an event-based gateway has a condition",
                        )
                        .with_help(
                            "remove the condition: the event that occurs first picks the path",
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventBasedGateway;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&EventBasedGateway).docs_examples();
    }
}
