//! `no-inclusive-gateway` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags every inclusive gateway.
    ///
    /// ## Why is this bad?
    /// An inclusive join waits for every path that may still arrive, which is hard to reason
    /// about and not supported by every engine.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <inclusiveGateway id="G" name="Decide"/>
    /// ```
    ///
    /// Use exclusive or parallel gateways where possible.
    NoInclusiveGateway { name: "no-inclusive-gateway", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for NoInclusiveGateway {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind == Kind::InclusiveGateway {
                out.push(
                    cx.report(&Self::META, id, "Inclusive gateway is discouraged")
                        .with_help("use exclusive or parallel gateways where possible"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NoInclusiveGateway;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoInclusiveGateway).docs_examples();
    }
}
