//! `superfluous-gateway` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a gateway with exactly one incoming and one outgoing sequence flow.
    ///
    /// ## Why is this bad?
    /// Such a gateway neither splits nor joins; it only adds a symbol the reader has to decode.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="S"/><exclusiveGateway id="G"/><endEvent id="E"/>
    /// <sequenceFlow id="F1" sourceRef="S" targetRef="G"/><sequenceFlow id="F2" sourceRef="G" targetRef="E"/>
    /// ```
    ///
    /// Delete the gateway and connect its neighbours directly.
    SuperfluousGateway { name: "superfluous-gateway", category: Style, source: Some("bpmnlint") }
}

impl Rule for SuperfluousGateway {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind.is_gateway()
                && h::incoming_flows(model, id).count() == 1
                && h::outgoing_flows(model, id).count() == 1
            {
                out.push(
                    cx.report(&Self::META, id, "Gateway is superfluous")
                        .with_help(
                            "remove the gateway: it only has one incoming and one outgoing flow",
                        ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SuperfluousGateway;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&SuperfluousGateway).docs_examples();
    }
}
