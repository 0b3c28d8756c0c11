//! `global` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;
use std::collections::{HashMap, HashSet};

use crate::model::ElementId;

declare_rule! {
    /// ## What it does
    /// Flags global messages, errors, escalations and signals that have a blank name, share a
    /// name with another of their kind, or are not used by any element. A definition with no
    /// `name` attribute at all is not flagged for its name, as in bpmnlint: modellers such as
    /// Signavio write `<message id="..."/>` for messages that only their id identifies.
    ///
    /// ## Why is this bad?
    /// These definitions are how processes and engines correlate events. An unnamed or
    /// duplicate one is ambiguous, and an unused one is dead weight that confuses readers.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <!-- definitions level -->
    /// <message id="Order" name="Order received"/>
    /// <message id="Order2" name="Order received"/>
    /// ```
    ///
    /// Name each definition uniquely and delete the ones nothing refers to.
    Global { name: "global", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for Global {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        let mut referenced: HashSet<&str> = HashSet::new();
        for (_, e) in model.iter() {
            for a in &e.attrs {
                if a.ns.is_none() && REF_ATTRS.contains(&&*a.local) {
                    referenced.insert(local_id(&a.value));
                }
            }
            for (name, value) in &e.refs {
                if REF_ATTRS.contains(&&**name) {
                    referenced.insert(local_id(value));
                }
            }
        }
        // Keyed by the raw `name` attribute, as bpmnlint compares names: definitions of one
        // kind that all lack a name share the "no name" key and are duplicates too.
        let mut by_name: HashMap<(&Kind, Option<&str>), Vec<ElementId>> = HashMap::new();
        for &id in &model.el(model.root()).children {
            let e = model.el(id);
            if !matches!(
                e.kind,
                Kind::Message | Kind::Error | Kind::Escalation | Kind::Signal
            ) {
                continue;
            }
            let human = e.kind.human_name();
            let name = e.attr("name");
            // bpmnlint flags a blank name, not a missing one (see the docs above).
            if name.is_some_and(|n| n.trim().is_empty()) {
                out.push(
                    cx.report(&Self::META, id, format!("The {human} has no name"))
                        .with_help(format!("name the {human} so that it can be told apart")),
                );
            }
            by_name.entry((&e.kind, name)).or_default().push(id);
            if !e.id.as_deref().is_some_and(|i| referenced.contains(i)) {
                out.push(
                    cx.report(&Self::META, id, format!("The {human} is not used"))
                        .with_help(format!(
                            "refer to the {human} from an event or task, or delete it"
                        )),
                );
            }
        }
        let mut dups: Vec<_> = by_name
            .into_iter()
            .filter(|(_, ids)| ids.len() > 1)
            .collect();
        dups.sort();
        for ((kind, name), ids) in dups {
            let message = match name {
                Some(name) => format!("Another {} is also named \"{name}\"", kind.human_name()),
                None => format!("Another {} has no name either", kind.human_name()),
            };
            for id in ids {
                out.push(
                    cx.report(&Self::META, id, message.clone())
                        .with_help("give each definition a unique name"),
                );
            }
        }
    }
}

const REF_ATTRS: &[&str] = &["messageRef", "errorRef", "escalationRef", "signalRef"];

/// The id part of a possibly prefixed reference (`tns:Msg` -> `Msg`).
fn local_id(value: &str) -> &str {
    let v = value.trim();
    v.rsplit_once(':').map_or(v, |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::Global;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&Global).docs_examples();
    }
}
