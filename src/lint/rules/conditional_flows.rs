//! `conditional-flows` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a sequence flow without a condition that leaves a conditional split: an element
    /// with a default flow or with at least one conditional outgoing flow.
    ///
    /// ## Why is this bad?
    /// Once one outgoing flow is conditional or a default exists, readers and engines expect every
    /// other outgoing flow to say when it is taken. A flow without a condition there is
    /// either a forgotten condition or an unintended unconditional path.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <exclusiveGateway id="Split" name="Approved?"/>
    /// <task id="A" name="Ship"/><task id="B" name="Cancel"/>
    /// <sequenceFlow id="Yes" sourceRef="Split" targetRef="A">
    ///   <conditionExpression xsi:type="tFormalExpression">${approved}</conditionExpression>
    /// </sequenceFlow>
    /// <sequenceFlow id="No" sourceRef="Split" targetRef="B"/>
    /// ```
    ///
    /// Use instead:
    /// ```xml,valid
    /// <exclusiveGateway id="Split" name="Approved?" default="No"/>
    /// <task id="A" name="Ship"/><task id="B" name="Cancel"/>
    /// <sequenceFlow id="Yes" sourceRef="Split" targetRef="A">
    ///   <conditionExpression xsi:type="tFormalExpression">${approved}</conditionExpression>
    /// </sequenceFlow>
    /// <sequenceFlow id="No" sourceRef="Split" targetRef="B"/>
    /// ```
    ///
    /// Give the flow a condition, or make it the element's `default` flow.
    ConditionalFlows { name: "conditional-flows", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for ConditionalFlows {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !e.kind.is_flow_node() {
                continue;
            }
            let forking = e.links.default_flow.is_some()
                || h::outgoing_flows(model, id).any(|f| h::has_condition(model, f));
            if !forking {
                continue;
            }
            for f in h::outgoing_flows(model, id) {
                if !h::has_condition(model, f) && !h::is_default_flow(model, id, f) {
                    out.push(
                        cx.report(&Self::META, f, "Sequence flow has no condition")
                            .with_help("add a condition, or mark the flow as the default flow of its source"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ConditionalFlows;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&ConditionalFlows).docs_examples();
    }
}
