//! `single-event-definition` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags an event with more than one event definition.
    ///
    /// ## Why is this bad?
    /// An event with several definitions is a "multiple" event whose meaning (any or all?) is not
    /// visible in the diagram and is not supported by most engines.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="Start">
    ///   <messageEventDefinition/><timerEventDefinition/>
    /// </startEvent>
    /// ```
    ///
    /// Use one event per trigger, or an event-based gateway to wait for the first of several.
    SingleEventDefinition { name: "single-event-definition", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for SingleEventDefinition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind.is_event() && model.event_definitions(id).count() > 1 {
                out.push(
                    cx.report(&Self::META, id, "Event has more than one event definition")
                        .with_help("use one event per trigger"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SingleEventDefinition;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&SingleEventDefinition).docs_examples();
    }
}
