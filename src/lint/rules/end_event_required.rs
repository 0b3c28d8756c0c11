//! `end-event-required` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a process or sub-process (including event sub-processes and transactions) without an end event.
    ///
    /// ## Why is this bad?
    /// Without an end event, readers cannot tell where the process is meant to finish, and a
    /// flow that just stops is easily a modelling accident.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="Start"/><task id="Work" name="Do work"/>
    /// <sequenceFlow id="F" sourceRef="Start" targetRef="Work"/>
    /// ```
    ///
    /// Add an end event after the last activity.
    EndEventRequired { name: "end-event-required", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for EndEventRequired {
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
            if model.children(id).any(|(_, c)| c.kind == Kind::EndEvent) {
                continue;
            }
            let what = if e.kind == Kind::Process {
                "Process"
            } else {
                "Sub-process"
            };
            out.push(
                cx.report(&Self::META, id, format!("{what} has no end event"))
                    .with_help("add an end event so that readers see where the flow finishes"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EndEventRequired;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&EndEventRequired).docs_examples();
    }
}
