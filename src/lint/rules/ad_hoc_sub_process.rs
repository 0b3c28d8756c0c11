//! `ad-hoc-sub-process` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags start and end events inside an ad-hoc sub-process.
    ///
    /// ## Why is this bad?
    /// The activities of an ad-hoc sub-process run in any order, as the performers choose.
    /// A start or end event has no meaning there and engines reject it.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <adHocSubProcess id="Adhoc" name="Collect documents">
    ///   <startEvent id="Start"/>
    ///   <task id="Task" name="Ask for ID"/>
    /// </adHocSubProcess>
    /// ```
    ///
    /// Use instead:
    /// ```xml,valid
    /// <adHocSubProcess id="Adhoc" name="Collect documents">
    ///   <task id="Task" name="Ask for ID"/>
    /// </adHocSubProcess>
    /// ```
    ///
    /// Remove the start and end events from the ad-hoc sub-process.
    AdHocSubProcess { name: "ad-hoc-sub-process", category: Correctness, source: Some("bpmnlint") }
}

impl Rule for AdHocSubProcess {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !matches!(e.kind, Kind::StartEvent | Kind::EndEvent) || !h::in_ad_hoc(model, id) {
                continue;
            }
            let what = if e.kind == Kind::StartEvent {
                "start"
            } else {
                "end"
            };
            out.push(
                cx.report(&Self::META, id, format!("Ad-hoc sub-process contains a {what} event"))
                    .with_help("remove the event: activities of an ad-hoc sub-process start and end as performers choose"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AdHocSubProcess;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&AdHocSubProcess).docs_examples();
    }
}
