//! `no-implicit-split` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
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
    /// <task id="a" name="A"/><task id="b" name="B"/><task id="c" name="C"/>
    /// <sequenceFlow id="f1" sourceRef="a" targetRef="b"/><sequenceFlow id="f2" sourceRef="a" targetRef="c"/>
    /// ```
    ///
    /// Route `a` into an explicit `parallelGateway`.
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
            let unconditional = h::outgoing_flows(model, id)
                .filter(|&f| !h::has_condition(model, f) && !h::is_default_flow(model, id, f))
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

#[cfg(test)]
mod tests {
    use super::NoImplicitSplit;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoImplicitSplit).docs_examples();
    }
}
