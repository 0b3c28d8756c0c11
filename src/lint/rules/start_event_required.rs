//! `start-event-required` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a process or sub-process (including event sub-processes and transactions) without a start event.
    ///
    /// ## Why is this bad?
    /// Without a start event, readers cannot tell where the process begins, and every activity
    /// without incoming flow becomes an implicit start.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="Work" name="Do work"/><endEvent id="End"/>
    /// <sequenceFlow id="F" sourceRef="Work" targetRef="End"/>
    /// ```
    ///
    /// Add a start event before the first activity.
    StartEventRequired { name: "start-event-required", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for StartEventRequired {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !(e.kind == Kind::Process || matches!(e.kind, Kind::SubProcess | Kind::Transaction))
            {
                continue;
            }
            if model.children(id).any(|(_, c)| c.kind == Kind::StartEvent) {
                continue;
            }
            let what = if e.kind == Kind::Process {
                "Process"
            } else {
                "Sub-process"
            };
            out.push(
                cx.report(&Self::META, id, format!("{what} has no start event"))
                    .with_help("add a start event so that readers see where the flow begins"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StartEventRequired;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&StartEventRequired).docs_examples();
    }
}
