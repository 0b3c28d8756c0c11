//! `bpmnkit/no-orphan-lane` (ours).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::describe_cap;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{ElementId, Kind, Model};

declare_rule! {
    /// ## What it does
    /// Flags a lane that holds no flow node: neither itself nor any of its child lanes
    /// lists a `flowNodeRef`.
    ///
    /// ## Why is this bad?
    /// Lanes say who does what. An empty lane names a role that does nothing in the
    /// process: a leftover from an earlier version, or work that was drawn outside the lane
    /// by mistake. Either way the responsibility chart is wrong.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <laneSet id="ls"><lane id="clerk" name="Clerk"><flowNodeRef>s</flowNodeRef></lane><lane id="auditor" name="Auditor"/></laneSet>
    /// <startEvent id="s"/>
    /// ```
    /// ```xml,valid
    /// <laneSet id="ls"><lane id="clerk" name="Clerk"><flowNodeRef>s</flowNodeRef></lane></laneSet>
    /// <startEvent id="s"/>
    /// ```
    BpmnkitNoOrphanLane { name: "bpmnkit/no-orphan-lane", category: Suspicious, source: None }
}

/// Whether a lane or any lane nested in it lists a flow node.
fn holds_nodes(model: &Model, lane: ElementId) -> bool {
    let mut stack = vec![lane];
    while let Some(l) = stack.pop() {
        let e = model.el(l);
        if !e.links.flow_nodes.is_empty() || e.refs_named("flowNodeRef").next().is_some() {
            return true;
        }
        for (c, ce) in model.children(l) {
            if ce.kind == Kind::ChildLaneSet || ce.kind == Kind::Lane {
                stack.push(c);
            }
        }
    }
    false
}

impl Rule for BpmnkitNoOrphanLane {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if e.kind != Kind::Lane || holds_nodes(model, id) {
                continue;
            }
            // Report the outermost empty lane only.
            let parent_lane = e
                .parent
                .and_then(|p| model.el(p).parent)
                .filter(|&gp| model.el(gp).kind == Kind::Lane);
            if parent_lane.is_some_and(|p| !holds_nodes(model, p)) {
                continue;
            }
            out.push(
                cx.report(
                    &Self::META,
                    id,
                    format!("{} holds no flow node", describe_cap(model, id)),
                )
                .with_span_label("empty lane")
                .with_help("move the role's work into the lane or remove the lane"),
            );
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
        RuleTester::new(&BpmnkitNoOrphanLane).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str) -> Vec<String> {
        ids(&run(body, |cx, out| BpmnkitNoOrphanLane.check(cx, out)))
    }

    #[test]
    fn pass() {
        assert!(check(r#"<laneSet id="ls"><lane id="a"><flowNodeRef>s</flowNodeRef></lane></laneSet><startEvent id="s"/>"#).is_empty());
        // A parent lane holds nodes through its child lanes.
        assert!(check(r#"<laneSet id="ls"><lane id="a"><childLaneSet id="cls"><lane id="b"><flowNodeRef>s</flowNodeRef></lane></childLaneSet></lane></laneSet><startEvent id="s"/>"#).is_empty());
    }

    #[test]
    fn fail() {
        assert_eq!(
            check(
                r#"<laneSet id="ls"><lane id="a"><flowNodeRef>s</flowNodeRef></lane><lane id="b"><childLaneSet id="cls"><lane id="c"/></childLaneSet></lane></laneSet><startEvent id="s"/>"#
            ),
            ["b"]
        );
    }
}
