//! `no-disconnected` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags tasks, gateways, sub-processes and events with neither incoming nor outgoing sequence flows.
    ///
    /// ## Why is this bad?
    /// A disconnected element never runs. It is usually a forgotten connection or a leftover.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="Start"/><endEvent id="End"/>
    /// <sequenceFlow id="F" sourceRef="Start" targetRef="End"/>
    /// <task id="Orphan" name="Forgotten"/>
    /// ```
    ///
    /// Connect the element to the flow, or delete it. Compensation handlers, event sub-processes
    /// and the content of ad-hoc sub-processes are exempt.
    NoDisconnected { name: "no-disconnected", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for NoDisconnected {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            let applies = e.kind.is_task()
                || e.kind.is_gateway()
                || e.kind.is_sub_process()
                || e.kind.is_event();
            if !applies || h::is_event_sub_process(model, id) || h::in_ad_hoc(model, id) {
                continue;
            }
            if h::is_compensation_activity(model, id) || h::is_compensation_boundary(model, id) {
                continue;
            }
            if e.links.incoming.is_empty() && e.links.outgoing.is_empty() {
                out.push(
                    cx.report(
                        &Self::META,
                        id,
                        format!("The {} is not connected", e.kind.human_name()),
                    )
                    .with_help("connect it with sequence flows, or delete it"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NoDisconnected;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoDisconnected).docs_examples();
    }
}
