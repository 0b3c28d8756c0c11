//! `no-duplicate-sequence-flows` (from bpmnlint).

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
    /// Flags sequence flows that repeat another flow's source, target and condition, and the
    /// elements they connect.
    ///
    /// ## Why is this bad?
    /// A duplicate flow sends a second token along the same path, which doubles the work that
    /// follows. In a diagram the copies lie on top of each other and cannot be seen.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="A" name="Pack"/><task id="B" name="Ship"/>
    /// <sequenceFlow id="F1" sourceRef="A" targetRef="B"/>
    /// <sequenceFlow id="F2" sourceRef="A" targetRef="B"/>
    /// ```
    ///
    /// Delete the copies.
    NoDuplicateSequenceFlows { name: "no-duplicate-sequence-flows", category: Suspicious, source: Some("bpmnlint") }
}

impl Rule for NoDuplicateSequenceFlows {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        let mut seen: HashMap<(String, String, &str), ElementId> = HashMap::new();
        let mut sources: HashSet<ElementId> = HashSet::new();
        let mut targets: HashSet<ElementId> = HashSet::new();
        for (id, e) in model.iter() {
            if e.kind != Kind::SequenceFlow {
                continue;
            }
            let end = |l: Option<ElementId>| {
                l.map_or_else(
                    || e.id_str().to_owned(),
                    |x| model.el(x).id_str().to_owned(),
                )
            };
            let key = (
                end(e.links.source),
                end(e.links.target),
                h::condition(model, id).unwrap_or(""),
            );
            if let Some(&first) = seen.get(&key) {
                out.push(
                    cx.report(&Self::META, id, "Sequence flow duplicates another one")
                        .with_label(
                            model.el(first).span,
                            "first flow",
                            model.el(first).id.as_deref(),
                        )
                        .with_help("delete the duplicate flow"),
                );
                if let Some(s) = e.links.source {
                    if sources.insert(s) {
                        out.push(
                            cx.report(
                                &Self::META,
                                s,
                                "Element has duplicate outgoing sequence flows",
                            )
                            .with_help("delete the duplicate flows"),
                        );
                    }
                }
                if let Some(t) = e.links.target {
                    if targets.insert(t) {
                        out.push(
                            cx.report(
                                &Self::META,
                                t,
                                "Element has duplicate incoming sequence flows",
                            )
                            .with_help("delete the duplicate flows"),
                        );
                    }
                }
            } else {
                seen.insert(key, id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NoDuplicateSequenceFlows;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoDuplicateSequenceFlows).docs_examples();
    }
}
