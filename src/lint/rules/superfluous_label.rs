//! `superfluous-label` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a labelled sequence flow that is neither conditional nor one of the branches of an
    /// exclusive or inclusive split.
    ///
    /// ## Why is this bad?
    /// Labels on flows are read as conditions. A label on a flow that is always taken suggests a
    /// decision that does not exist.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="A" name="Pack"/><task id="B" name="Ship"/>
    /// <sequenceFlow id="F" name="Done" sourceRef="A" targetRef="B"/>
    /// ```
    ///
    /// Remove the label, or move its text to the element it describes.
    SuperfluousLabel { name: "superfluous-label", category: Style, source: Some("bpmnlint") }
}

impl Rule for SuperfluousLabel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind != Kind::SequenceFlow || e.label().is_none() || h::has_condition(model, id) {
                continue;
            }
            let branch = e.links.source.is_some_and(|s| {
                matches!(
                    model.el(s).kind,
                    Kind::ExclusiveGateway | Kind::InclusiveGateway
                ) && h::outgoing_flows(model, s).count() > 1
            });
            if !branch {
                out.push(
                    cx.report(&Self::META, id, "Sequence flow has a superfluous label")
                        .with_help("remove the label: the flow is always taken"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SuperfluousLabel;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&SuperfluousLabel).docs_examples();
    }
}
