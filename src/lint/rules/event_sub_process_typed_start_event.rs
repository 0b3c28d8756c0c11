//! `event-sub-process-typed-start-event` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a start event without an event definition inside an event sub-process.
    ///
    /// ## Why is this bad?
    /// An event sub-process starts when its start event's trigger occurs. A blank start event has
    /// no trigger, so the event sub-process can never start.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <subProcess id="OnCancel" triggeredByEvent="true">
    ///   <startEvent id="Start"/>
    /// </subProcess>
    /// ```
    ///
    /// Use instead:
    /// ```xml,valid
    /// <subProcess id="OnCancel" triggeredByEvent="true">
    ///   <startEvent id="Start"><messageEventDefinition/></startEvent>
    /// </subProcess>
    /// ```
    ///
    /// Give the start event a trigger (message, timer, error, signal, ...).
    EventSubProcessTypedStartEvent { name: "event-sub-process-typed-start-event", category: Correctness, source: Some("bpmnlint") }
}

impl Rule for EventSubProcessTypedStartEvent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind != Kind::StartEvent
                || !e.parent.is_some_and(|p| h::is_event_sub_process(model, p))
            {
                continue;
            }
            if h::is_blank_event(model, id) {
                out.push(
                    cx.report(&Self::META, id, "Start event of an event sub-process has no trigger")
                        .with_help("add an event definition (message, timer, error, signal, ...) to the start event"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventSubProcessTypedStartEvent;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&EventSubProcessTypedStartEvent).docs_examples();
    }
}
