//! `fake-join` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags an activity or event with more than one incoming sequence flow.
    ///
    /// ## Why is this bad?
    /// Several flows entering an activity do not wait for each other: the activity runs once per
    /// arriving token. Readers often take it for a join, which it is not.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="A" name="Pack"/><task id="B" name="Print label"/><task id="C" name="Ship"/>
    /// <sequenceFlow id="F1" sourceRef="A" targetRef="C"/><sequenceFlow id="F2" sourceRef="B" targetRef="C"/>
    /// ```
    ///
    /// Merge the flows with a gateway (parallel to wait for all, exclusive to pass each) first.
    FakeJoin { name: "fake-join", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for FakeJoin {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !e.kind.is_flow_node() || e.kind.is_gateway() {
                continue;
            }
            if h::incoming_flows(model, id).count() > 1 {
                out.push(
                    cx.report(&Self::META, id, "Incoming flows do not join")
                        .with_help("merge the incoming flows with a gateway to say how they join"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FakeJoin;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&FakeJoin).docs_examples();
    }
}
