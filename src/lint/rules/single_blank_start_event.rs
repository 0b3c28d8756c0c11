//! `single-blank-start-event` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a process or sub-process with more than one blank start event.
    ///
    /// ## Why is this bad?
    /// Blank start events cannot be told apart by what triggers them, so several of them in one
    /// scope make it ambiguous where an instance begins.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="S1" name="Start"/><startEvent id="S2" name="Start too"/>
    /// ```
    ///
    /// Keep one blank start event, or give the others a trigger.
    SingleBlankStartEvent { name: "single-blank-start-event", category: Correctness, source: Some("bpmnlint") }
}

impl Rule for SingleBlankStartEvent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !e.kind.is_flow_container() {
                continue;
            }
            let blank = model
                .children(id)
                .filter(|&(c, ce)| ce.kind == Kind::StartEvent && h::is_blank_event(model, c))
                .count();
            if blank > 1 {
                out.push(
                    cx.report(
                        &Self::META,
                        id,
                        format!("{} blank start events in one scope", blank),
                    )
                    .with_help("keep a single blank start event"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SingleBlankStartEvent;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&SingleBlankStartEvent).docs_examples();
    }
}
