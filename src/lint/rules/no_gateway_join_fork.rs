//! `no-gateway-join-fork` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a gateway that both joins (several incoming flows) and forks (several outgoing flows).
    ///
    /// ## Why is this bad?
    /// One gateway doing two jobs hides which semantics apply to the join and which to the split;
    /// readers misread it and engines may not support it.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <parallelGateway id="G"/>
    /// <task id="A" name="A"/><task id="B" name="B"/><task id="C" name="C"/><task id="D" name="D"/>
    /// <sequenceFlow id="F1" sourceRef="A" targetRef="G"/><sequenceFlow id="F2" sourceRef="B" targetRef="G"/>
    /// <sequenceFlow id="F3" sourceRef="G" targetRef="C"/><sequenceFlow id="F4" sourceRef="G" targetRef="D"/>
    /// ```
    ///
    /// Use two gateways: one that joins, followed by one that splits.
    NoGatewayJoinFork { name: "no-gateway-join-fork", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for NoGatewayJoinFork {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !e.kind.is_gateway() {
                continue;
            }
            if h::incoming_flows(model, id).count() > 1 && h::outgoing_flows(model, id).count() > 1
            {
                out.push(
                    cx.report(&Self::META, id, "Gateway both joins and forks")
                        .with_help("split it into a joining gateway followed by a forking one"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NoGatewayJoinFork;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoGatewayJoinFork).docs_examples();
    }
}
