//! `link-event` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;
use std::collections::HashMap;

use crate::model::ElementId;

declare_rule! {
    /// ## What it does
    /// Flags link events without a link name, link throws without a matching catch in the same
    /// scope, link catches without a throw, and several catches sharing a link name.
    ///
    /// ## Why is this bad?
    /// Link events are a page connector: a throw jumps to the catch with the same link name in
    /// the same process level. Unmatched or ambiguous links break the flow.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <intermediateThrowEvent id="Jump" name="To billing">
    ///   <linkEventDefinition name="billing"/>
    /// </intermediateThrowEvent>
    /// ```
    ///
    /// Use instead:
    /// ```xml,valid
    /// <intermediateThrowEvent id="Jump" name="To billing">
    ///   <linkEventDefinition name="billing"/>
    /// </intermediateThrowEvent>
    /// <intermediateCatchEvent id="Land" name="Billing">
    ///   <linkEventDefinition name="billing"/>
    /// </intermediateCatchEvent>
    /// ```
    ///
    /// Pair every link throw with exactly one catch of the same link name, in the same scope.
    LinkEvent { name: "link-event", category: Correctness, source: Some("bpmnlint") }
}

impl Rule for LinkEvent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (scope, se) in model.iter() {
            if !se.kind.is_flow_container() {
                continue;
            }
            let mut throws: HashMap<&str, Vec<ElementId>> = HashMap::new();
            let mut catches: HashMap<&str, Vec<ElementId>> = HashMap::new();
            let mut order: Vec<(ElementId, bool, &str)> = Vec::new();
            for (id, e) in model.children(scope) {
                let throw = match e.kind {
                    Kind::IntermediateThrowEvent => true,
                    Kind::IntermediateCatchEvent => false,
                    _ => continue,
                };
                let Some((_, def)) = model
                    .event_definitions(id)
                    .find(|(_, d)| d.kind == Kind::LinkEventDefinition)
                else {
                    continue;
                };
                let name = def.attr("name").map_or("", str::trim);
                if name.is_empty() {
                    out.push(
                        cx.report(&Self::META, id, "Link event has no link name")
                            .with_help("name the link so that throw and catch can be paired"),
                    );
                    continue;
                }
                if throw {
                    throws.entry(name).or_default().push(id);
                } else {
                    catches.entry(name).or_default().push(id);
                }
                order.push((id, throw, name));
            }
            for (id, throw, name) in order {
                if throw {
                    if !catches.contains_key(name) {
                        out.push(
                            cx.report(&Self::META, id, format!("No link catch event named \"{name}\" in this scope"))
                                .with_help("add a catching link event with the same link name to the same process or sub-process"),
                        );
                    }
                } else {
                    if !throws.contains_key(name) {
                        out.push(
                            cx.report(&Self::META, id, format!("No link throw event named \"{name}\" in this scope"))
                                .with_help("add a throwing link event with the same link name, or remove this catch"),
                        );
                    }
                    if catches.get(name).is_some_and(|c| c.len() > 1) {
                        out.push(
                            cx.report(
                                &Self::META,
                                id,
                                format!("Several link catch events are named \"{name}\""),
                            )
                            .with_help("give each catching link event its own link name"),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LinkEvent;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&LinkEvent).docs_examples();
    }
}
