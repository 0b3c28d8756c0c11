//! `conditional-event` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a conditional event in an executable process whose condition is missing or empty.
    ///
    /// ## Why is this bad?
    /// A conditional event waits until its condition becomes true. Without a condition it
    /// waits forever, and engines refuse to deploy the process.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="Start">
    ///   <conditionalEventDefinition id="Def"/>
    /// </startEvent>
    /// ```
    ///
    /// Use instead:
    /// ```xml,valid
    /// <startEvent id="Start">
    ///   <conditionalEventDefinition id="Def">
    ///     <condition xsi:type="tFormalExpression">${stock &lt; 10}</condition>
    ///   </conditionalEventDefinition>
    /// </startEvent>
    /// ```
    ///
    /// Give the `conditionalEventDefinition` a `condition` with an expression.
    ConditionalEvent { name: "conditional-event", category: Correctness, source: Some("bpmnlint") }
}

impl Rule for ConditionalEvent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !e.kind.is_event() {
                continue;
            }
            let executable = model
                .process_of(id)
                .and_then(|p| model.el(p).bool_attr("isExecutable"))
                .unwrap_or(false);
            if !executable {
                continue;
            }
            let missing = model.event_definitions(id).any(|(d, de)| {
                de.kind == Kind::ConditionalEventDefinition
                    && !model.children(d).any(|(_, c)| {
                        c.kind == Kind::Condition
                            && c.text.as_deref().is_some_and(|t| !t.is_empty())
                    })
            });
            if missing {
                out.push(
                    cx.report(&Self::META, id, "Conditional event has no condition")
                        .with_help(
                            "add a condition expression to the conditional event definition",
                        ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ConditionalEvent;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&ConditionalEvent).docs_examples();
    }
}
