//! `label-required` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags tasks, events, splitting gateways, conditional flows, pools and lanes without a name.
    ///
    /// ## Why is this bad?
    /// A diagram is read by people. Unlabelled elements force the reader to guess what happens,
    /// what is decided, or who acts.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="Work"/>
    /// ```
    ///
    /// Use instead:
    /// ```xml,valid
    /// <task id="Work" name="Check invoice"/>
    /// ```
    ///
    /// Give the element a short name (`verb object` for activities, a question for splits).
    LabelRequired { name: "label-required", category: Style, source: Some("bpmnlint") }
}

impl Rule for LabelRequired {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            let needs = match &e.kind {
                Kind::Participant | Kind::Lane => true,
                Kind::SequenceFlow => h::has_condition(model, id),
                Kind::ParallelGateway | Kind::EventBasedGateway => false,
                k if k.is_gateway() => h::outgoing_flows(model, id).count() > 1,
                k if k.is_sub_process() => false,
                k => k.is_flow_node(),
            };
            if needs && e.label().is_none() {
                out.push(
                    cx.report(
                        &Self::META,
                        id,
                        format!("The {} has no label", e.kind.human_name()),
                    )
                    .with_help("add a name that says what happens here"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LabelRequired;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&LabelRequired).docs_examples();
    }
}
