//! `bpmnkit/no-duplicate-names` (ours).

use std::collections::HashMap;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::{describe_cap, role_key};
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::ElementId;

declare_rule! {
    /// ## What it does
    /// Flags an activity whose name another activity of the same process already has
    /// (sub-processes' contents included; compared ignoring case and extra spaces). The
    /// finding sits on each later duplicate and points at the first one.
    ///
    /// ## Why is this bad?
    /// Two steps with one name are ambiguous in every place that names steps: work lists,
    /// audit logs, process mining, reports and conversations ("the *Check order* step").
    /// Either they are the same step drawn twice, or their names should say how they differ.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="a" name="Check order"/><task id="b" name="check  order"/>
    /// ```
    /// ```xml,valid
    /// <task id="a" name="Check order"/><task id="b" name="Check delivery"/>
    /// ```
    BpmnkitNoDuplicateNames { name: "bpmnkit/no-duplicate-names", category: Suspicious, source: None }
}

impl Rule for BpmnkitNoDuplicateNames {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        let mut first: HashMap<(Option<ElementId>, String), ElementId> = HashMap::new();
        for (id, e) in model.iter() {
            if !e.kind.is_activity() {
                continue;
            }
            let Some(name) = e.label() else { continue };
            let key = (model.process_of(id), role_key(name));
            match first.get(&key) {
                None => {
                    first.insert(key, id);
                }
                Some(&orig) => {
                    let o = model.el(orig);
                    out.push(
                        cx.report(
                            &Self::META,
                            id,
                            format!(
                                "{} has the same name as {}",
                                describe_cap(model, id),
                                model.describe(orig)
                            ),
                        )
                        .with_span_label("duplicate name")
                        .with_label(o.span, "first named here", o.id.as_deref())
                        .with_help("rename one so the name says how the steps differ"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&BpmnkitNoDuplicateNames).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str) -> Vec<String> {
        ids(&run(body, |cx, out| BpmnkitNoDuplicateNames.check(cx, out)))
    }

    #[test]
    fn pass() {
        for body in [
            r#"<task id="a" name="Check order"/><task id="b" name="Check delivery"/>"#,
            // Events and gateways may share names with activities.
            r#"<task id="a" name="Order received"/><startEvent id="s" name="Order received"/>"#,
            r#"<task id="a"/><task id="b"/>"#,
            // Different processes.
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p1"><task id="a" name="Check"/></process><process id="p2"><task id="b" name="Check"/></process></definitions>"#,
        ] {
            assert_eq!(check(body), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn fail() {
        assert_eq!(
            check(
                r#"<task id="a" name="Check order"/><userTask id="b" name=" check ORDER "/><subProcess id="sp"><task id="c" name="Check order"/></subProcess>"#
            ),
            ["b", "c"]
        );
    }
}
