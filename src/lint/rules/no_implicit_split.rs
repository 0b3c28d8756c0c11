//! `no-implicit-split` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a task or event with more than one unconditional outgoing sequence flow.
    ///
    /// ## Why is this bad?
    /// That is a hidden parallel fork. Readers expect a gateway to show where paths split.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="a"/><task id="b"/><task id="c"/>
    /// <sequenceFlow id="f1" sourceRef="a" targetRef="b"/><sequenceFlow id="f2" sourceRef="a" targetRef="c"/>
    /// ```
    /// Use instead: route `a` into an explicit `parallelGateway`.
    NoImplicitSplit { name: "no-implicit-split", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for NoImplicitSplit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !(e.kind.is_activity() || e.kind.is_event()) {
                continue;
            }
            let unconditional = e
                .links
                .outgoing
                .iter()
                .filter(|&&f| {
                    let flow = model.el(f);
                    !model
                        .children(f)
                        .any(|(_, c)| c.kind == Kind::ConditionExpression)
                        && e.links.default_flow != Some(f)
                        && flow.kind == Kind::SequenceFlow
                })
                .count();
            if unconditional > 1 {
                out.push(
                    cx.report(&Self::META, id, "Flow splits implicitly")
                        .with_help("add a parallel or exclusive gateway to show the split"),
                );
            }
        }
    }
}
