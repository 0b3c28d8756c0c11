//! `bpmnkit/reachable-from-start` (ours).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::graph::{FlowGraph, is_link_catch, scopes};
use crate::lint::governance::describe_cap;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{ElementId, Kind, Model};

declare_rule! {
    /// ## What it does
    /// Flags a flow node that no path from an entry of its process or sub-process reaches.
    /// Entries are start events, event sub-processes, boundary events, link catch events and
    /// compensation handlers; in a scope without start events, flow nodes without incoming
    /// sequence flows are entries too (BPMN instantiates them when the scope starts).
    ///
    /// ## Why is this bad?
    /// An unreachable activity never runs: it is dead work in the diagram, usually a flow
    /// that was deleted or never drawn. Readers assume every shape can happen.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="s"/><task id="a" name="Check order"/><endEvent id="e"/>
    /// <task id="orphan" name="Archive order"/>
    /// <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="e"/>
    /// <sequenceFlow id="f3" sourceRef="orphan" targetRef="e"/>
    /// ```
    /// ```xml,valid
    /// <startEvent id="s"/><task id="a" name="Check order"/><endEvent id="e"/>
    /// <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="e"/>
    /// ```
    /// Connect `orphan` from a node on the path, or delete it.
    BpmnkitReachableFromStart { name: "bpmnkit/reachable-from-start", category: Correctness, source: None }
}

/// Whether a flow node is an entry of its scope (see the rule docs).
fn is_entry(model: &Model, el: ElementId, implicit_starts: bool) -> bool {
    let e = model.el(el);
    e.kind == Kind::StartEvent
        || e.kind == Kind::BoundaryEvent
        || (e.kind.is_sub_process() && e.bool_attr("triggeredByEvent").unwrap_or(false))
        || e.bool_attr("isForCompensation").unwrap_or(false)
        || is_link_catch(model, el)
        || (implicit_starts && e.links.incoming.is_empty())
}

impl Rule for BpmnkitReachableFromStart {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for scope in scopes(model) {
            // Ad-hoc sub-processes run their activities in any order, without flows.
            if model.el(scope).kind == Kind::AdHocSubProcess {
                continue;
            }
            let graph = FlowGraph::new(model, scope);
            let nodes: Vec<ElementId> = model.flow_nodes(scope).map(|(id, _)| id).collect();
            let has_start = nodes.iter().any(|&n| model.el(n).kind == Kind::StartEvent);
            let entries: Vec<ElementId> = nodes
                .iter()
                .copied()
                .filter(|&n| is_entry(model, n, !has_start))
                .collect();
            let reached = graph.reachable_from(&entries);
            let scope_name = if model.el(scope).kind == Kind::Process {
                "process"
            } else {
                "sub-process"
            };
            for n in nodes {
                if reached.contains(&n) {
                    continue;
                }
                out.push(
                    cx.report(
                        &Self::META,
                        n,
                        format!(
                            "{} is not reachable from a start of its {scope_name}",
                            describe_cap(model, n)
                        ),
                    )
                    .with_span_label("no path leads here")
                    .with_help("connect it from a start event or a node on the flow, or remove it"),
                );
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
        RuleTester::new(&BpmnkitReachableFromStart).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str) -> Vec<String> {
        ids(&run(body, |cx, out| {
            BpmnkitReachableFromStart.check(cx, out)
        }))
    }

    #[test]
    fn pass() {
        for body in [
            r#"<startEvent id="s"/><task id="a"/><endEvent id="e"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="e"/>"#,
            // Boundary event paths, event sub-processes and link catches are entries.
            r#"<startEvent id="s"/><task id="a"/><boundaryEvent id="b" attachedToRef="a"><timerEventDefinition/></boundaryEvent><task id="esc"/><endEvent id="e"/>
               <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="e"/><sequenceFlow id="f3" sourceRef="b" targetRef="esc"/>
               <subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><messageEventDefinition/></startEvent><endEvent id="ee"/><sequenceFlow id="f4" sourceRef="es" targetRef="ee"/></subProcess>
               <intermediateCatchEvent id="lc" name="L"><linkEventDefinition name="L"/></intermediateCatchEvent><sequenceFlow id="f5" sourceRef="lc" targetRef="e"/>"#,
            // No start events: nodes without incoming flows start the scope.
            r#"<task id="a"/><task id="b"/><sequenceFlow id="f1" sourceRef="a" targetRef="b"/>"#,
            // Ad-hoc sub-processes have no flow.
            r#"<startEvent id="s"/><adHocSubProcess id="ah"><task id="x"/><task id="y"/></adHocSubProcess><sequenceFlow id="f1" sourceRef="s" targetRef="ah"/>"#,
        ] {
            assert_eq!(check(body), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn fail() {
        assert_eq!(
            check(
                r#"<startEvent id="s"/><task id="a"/><endEvent id="e"/><task id="x"/><task id="y"/>
                <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="e"/>
                <sequenceFlow id="f3" sourceRef="x" targetRef="y"/><sequenceFlow id="f4" sourceRef="y" targetRef="e"/>"#
            ),
            ["x", "y"]
        );
        // Inside a sub-process, against the sub-process's own start.
        assert_eq!(
            check(
                r#"<startEvent id="s"/><subProcess id="sp"><startEvent id="ss"/><endEvent id="se"/><task id="dead"/><sequenceFlow id="g1" sourceRef="ss" targetRef="se"/></subProcess>
                <sequenceFlow id="f1" sourceRef="s" targetRef="sp"/>"#
            ),
            ["dead"]
        );
    }
}
