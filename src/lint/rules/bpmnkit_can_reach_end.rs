//! `bpmnkit/can-reach-end` (ours).

use std::collections::HashSet;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::graph::{FlowGraph, scopes};
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{ElementId, Kind};

declare_rule! {
    /// ## What it does
    /// Flags a flow node from which no path leads to an end of its process or sub-process:
    /// the flow enters a loop it can never leave (a trap). Ends are end events and flow
    /// nodes without outgoing sequence flows; paths through boundary events count. The
    /// finding sits where the flow enters the trap, with the trap's other nodes as labels.
    ///
    /// ## Why is this bad?
    /// A case that gets there runs forever: it never completes, never frees its resources
    /// and never shows up in completion figures. Usually an exit condition or a flow out of
    /// the loop is missing.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="s"/><task id="a" name="Check order"/><exclusiveGateway id="g"/><task id="b" name="Fix order"/>
    /// <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="g"/>
    /// <sequenceFlow id="f3" sourceRef="g" targetRef="b"/><sequenceFlow id="f4" sourceRef="b" targetRef="a"/>
    /// ```
    /// ```xml,valid
    /// <startEvent id="s"/><task id="a" name="Check order"/><exclusiveGateway id="g"/><task id="b" name="Fix order"/><endEvent id="e"/>
    /// <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="g"/>
    /// <sequenceFlow id="f3" sourceRef="g" targetRef="b"/><sequenceFlow id="f4" sourceRef="b" targetRef="a"/>
    /// <sequenceFlow id="f5" sourceRef="g" targetRef="e"/>
    /// ```
    /// Give the loop an exit: a gateway branch that leads to an end event.
    BpmnkitCanReachEnd { name: "bpmnkit/can-reach-end", category: Correctness, source: None }
}

/// How many other trap nodes a finding lists as labels.
const MAX_TRAP_LABELS: usize = 8;

/// Up to [`MAX_TRAP_LABELS`] trapped nodes reached from `entry` (breadth first), so a
/// model with many trap entries stays linear.
fn trap_region(
    graph: &FlowGraph,
    entry: ElementId,
    trapped: &HashSet<ElementId>,
) -> Vec<ElementId> {
    let mut seen = HashSet::from([entry]);
    let mut queue = std::collections::VecDeque::from([entry]);
    let mut out = Vec::new();
    while let Some(n) = queue.pop_front() {
        for m in graph.successors(n) {
            if trapped.contains(&m) && seen.insert(m) {
                out.push(m);
                if out.len() == MAX_TRAP_LABELS {
                    return out;
                }
                queue.push_back(m);
            }
        }
    }
    out
}

impl Rule for BpmnkitCanReachEnd {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for scope in scopes(model) {
            if model.el(scope).kind == Kind::AdHocSubProcess {
                continue;
            }
            let graph = FlowGraph::new(model, scope);
            let ends = graph.ends(model);
            let reaching = graph.reaching(&ends);
            let trapped: HashSet<ElementId> = model
                .flow_nodes(scope)
                .map(|(id, _)| id)
                .filter(|id| !reaching.contains(id))
                .collect();
            if trapped.is_empty() {
                continue;
            }
            let scope_name = if model.el(scope).kind == Kind::Process {
                "process"
            } else {
                "sub-process"
            };
            for (n, _) in model.flow_nodes(scope) {
                if !trapped.contains(&n) {
                    continue;
                }
                let preds = graph.predecessors(n);
                // Report where the flow enters the trap, not every node inside it.
                if !preds.is_empty() && preds.iter().all(|p| trapped.contains(p)) {
                    continue;
                }
                let mut d = cx
                    .report(
                        &Self::META,
                        n,
                        format!(
                            "No path from {} reaches an end of its {scope_name}",
                            model.describe(n)
                        ),
                    )
                    .with_span_label("the flow is trapped from here on")
                    .with_help("add a path out of the loop that leads to an end event");
                let region = trap_region(&graph, n, &trapped);
                for m in region {
                    let e = model.el(m);
                    d = d.with_label(e.span, "trapped", e.id.as_deref());
                }
                out.push(d);
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
        RuleTester::new(&BpmnkitCanReachEnd).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str) -> Vec<String> {
        ids(&run(body, |cx, out| BpmnkitCanReachEnd.check(cx, out)))
    }

    #[test]
    fn pass() {
        for body in [
            r#"<startEvent id="s"/><task id="a"/><endEvent id="e"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="e"/>"#,
            // The loop is left through a boundary event.
            r#"<startEvent id="s"/><task id="a"/><task id="b"/><boundaryEvent id="t" attachedToRef="b"><timerEventDefinition/></boundaryEvent><endEvent id="e"/>
               <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="b"/><sequenceFlow id="f3" sourceRef="b" targetRef="a"/><sequenceFlow id="f4" sourceRef="t" targetRef="e"/>"#,
            // A task without outgoing flows is an (implicit) end.
            r#"<startEvent id="s"/><task id="a"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/>"#,
        ] {
            assert_eq!(check(body), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn fail() {
        let d = run(
            r#"<startEvent id="s"/><task id="a"/><exclusiveGateway id="g"/><task id="b"/><task id="c"/><endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="g"/>
            <sequenceFlow id="f3" sourceRef="g" targetRef="b"/><sequenceFlow id="f4" sourceRef="b" targetRef="c"/><sequenceFlow id="f5" sourceRef="c" targetRef="b"/>
            <sequenceFlow id="f6" sourceRef="g" targetRef="e"/>"#,
            |cx, out| BpmnkitCanReachEnd.check(cx, out),
        );
        // Only the entry into the b <-> c loop is reported, with c as a label.
        assert_eq!(ids(&d), ["b"]);
        assert_eq!(d[0].labels.len(), 1);
        assert_eq!(d[0].labels[0].element_id.as_deref(), Some("c"));
    }
}
