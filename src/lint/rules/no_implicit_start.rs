//! `no-implicit-start` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags flow nodes without incoming sequence flows that are not start events.
    ///
    /// ## Why is this bad?
    /// An element without incoming flow starts a path of its own when the process starts, which
    /// readers rarely expect and which is usually a missing connection.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="Work" name="Do work"/><endEvent id="End"/>
    /// <sequenceFlow id="F" sourceRef="Work" targetRef="End"/>
    /// ```
    ///
    /// Begin every path with a start event. Boundary events, link catches, compensation
    /// handlers, event sub-processes and the content of ad-hoc sub-processes are exempt.
    NoImplicitStart { name: "no-implicit-start", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for NoImplicitStart {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !e.kind.is_flow_node()
                || matches!(e.kind, Kind::StartEvent | Kind::BoundaryEvent)
                || !e.links.incoming.is_empty()
            {
                continue;
            }
            let exempt = h::is_event_sub_process(model, id)
                || h::is_compensation_activity(model, id)
                || (e.kind == Kind::IntermediateCatchEvent && h::is_link_event(model, id))
                || h::in_ad_hoc(model, id);
            if !exempt {
                out.push(
                    cx.report(&Self::META, id, "Flow starts implicitly")
                        .with_help("connect a start event (or an earlier element) to it"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NoImplicitStart;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoImplicitStart).docs_examples();
    }
}
