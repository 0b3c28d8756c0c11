//! `bpmnkit/no-laneless-node` (ours).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::describe_cap;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a flow node that sits in no lane of a process that has lanes. Boundary events
    /// (they belong to their activity) and the contents of sub-processes (they belong to the
    /// sub-process) are not checked.
    ///
    /// ## Why is this bad?
    /// Once a process is divided into lanes, readers take each lane as the role doing the
    /// work inside it. A step outside every lane has no visible owner, and roles derived
    /// from lanes (`bpmnkit/approver-role`, `bpmnkit/separation-of-duties`) cannot see it.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <laneSet id="ls"><lane id="clerk" name="Clerk"><flowNodeRef>s</flowNodeRef></lane></laneSet>
    /// <startEvent id="s"/><task id="t" name="Check invoice"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/>
    /// ```
    /// ```xml,valid
    /// <laneSet id="ls"><lane id="clerk" name="Clerk"><flowNodeRef>s</flowNodeRef><flowNodeRef>t</flowNodeRef></lane></laneSet>
    /// <startEvent id="s"/><task id="t" name="Check invoice"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/>
    /// ```
    BpmnkitNoLanelessNode { name: "bpmnkit/no-laneless-node", category: Suspicious, source: None }
}

impl Rule for BpmnkitNoLanelessNode {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (process, _) in model.processes() {
            let has_lanes = model.children(process).any(|(ls, e)| {
                e.kind == Kind::LaneSet && model.children(ls).any(|(_, l)| l.kind == Kind::Lane)
            });
            if !has_lanes {
                continue;
            }
            for (id, e) in model.flow_nodes(process) {
                if e.kind == Kind::BoundaryEvent || !e.links.lanes.is_empty() {
                    continue;
                }
                out.push(
                    cx.report(
                        &Self::META,
                        id,
                        format!("{} is in no lane", describe_cap(model, id)),
                    )
                    .with_span_label("outside every lane")
                    .with_help("move it into the lane of the role that performs it"),
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
        RuleTester::new(&BpmnkitNoLanelessNode).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str) -> Vec<String> {
        ids(&run(body, |cx, out| BpmnkitNoLanelessNode.check(cx, out)))
    }

    #[test]
    fn pass() {
        // No lanes at all: nothing to say.
        assert!(check(r#"<startEvent id="s"/><task id="t"/>"#).is_empty());
        assert!(check(r#"<laneSet id="ls"><lane id="a"><flowNodeRef>t</flowNodeRef></lane></laneSet><task id="t"/><boundaryEvent id="b" attachedToRef="t"/><subProcess id="x"><task id="inner"/></subProcess>"#)
            .eq(&["x"]));
    }

    #[test]
    fn fail() {
        assert_eq!(
            check(
                r#"<laneSet id="ls"><lane id="a"><flowNodeRef>s</flowNodeRef></lane></laneSet><startEvent id="s"/><task id="t"/><endEvent id="e"/>"#
            ),
            ["e", "t"]
        );
    }
}
