//! `no-complex-gateway` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags every complex gateway.
    ///
    /// ## Why is this bad?
    /// The behaviour of a complex gateway hides in its activation condition, which the diagram
    /// does not show; few readers and engines understand it.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <complexGateway id="G" name="Decide"/>
    /// ```
    ///
    /// Model the rule with exclusive, inclusive and parallel gateways.
    NoComplexGateway { name: "no-complex-gateway", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for NoComplexGateway {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind == Kind::ComplexGateway {
                out.push(
                    cx.report(&Self::META, id, "Complex gateway is discouraged")
                        .with_help(
                            "model the rule with exclusive, inclusive and parallel gateways",
                        ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NoComplexGateway;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoComplexGateway).docs_examples();
    }
}
