//! `sub-process-blank-start-event` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a start event with a trigger inside an embedded (not event) sub-process.
    ///
    /// ## Why is this bad?
    /// An embedded sub-process starts when the flow reaches it. A trigger on its start event has
    /// no meaning and engines reject it.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <subProcess id="Sub" name="Handle">
    ///   <startEvent id="Start"><messageEventDefinition/></startEvent>
    /// </subProcess>
    /// ```
    ///
    /// Use instead:
    /// ```xml,valid
    /// <subProcess id="Sub" name="Handle">
    ///   <startEvent id="Start"/>
    /// </subProcess>
    /// ```
    ///
    /// Remove the event definition from the start event.
    SubProcessBlankStartEvent { name: "sub-process-blank-start-event", category: Correctness, source: Some("bpmnlint") }
}

impl Rule for SubProcessBlankStartEvent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind != Kind::StartEvent {
                continue;
            }
            let Some(parent) = e.parent else { continue };
            if !model.el(parent).kind.is_sub_process() || h::is_event_sub_process(model, parent) {
                continue;
            }
            if !h::is_blank_event(model, id) {
                out.push(
                    cx.report(&Self::META, id, "Start event of a sub-process has a trigger")
                        .with_help("remove the event definition: sub-processes start when the flow reaches them"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SubProcessBlankStartEvent;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&SubProcessBlankStartEvent).docs_examples();
    }
}
