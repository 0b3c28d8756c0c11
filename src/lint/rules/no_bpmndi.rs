//! `no-bpmndi` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
#[allow(unused_imports)]
use crate::lint::helpers as h;
use crate::lint::{LintContext, Rule, RuleMeta};
#[allow(unused_imports)]
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags elements that should be drawn but have no shape or edge in any diagram (BPMNDI).
    ///
    /// ## Why is this bad?
    /// Without diagram information the element is invisible in every modeller, although it is
    /// part of the model. Usually an export or merge dropped it.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <task id="Work" name="Invisible"/>
    /// ```
    ///
    /// Redraw the element in a modeller, or delete it if it is a leftover.
    NoBpmndi { name: "no-bpmndi", category: Style, source: Some("bpmnlint") }
}

impl Rule for NoBpmndi {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        for (id, e) in model.iter() {
            if !is_visual(&e.kind) {
                continue;
            }
            if e.links.shape.is_none() && e.links.edge.is_none() {
                out.push(
                    cx.report(
                        &Self::META,
                        id,
                        format!("The {} is not in any diagram", e.kind.human_name()),
                    )
                    .with_help("draw the element (add a BPMNShape or BPMNEdge), or remove it"),
                );
            }
        }
    }
}

/// Elements that a diagram shows.
fn is_visual(kind: &Kind) -> bool {
    kind.is_flow_node()
        // Choreography activities are flow elements of a choreography (bpmnlint checks every
        // flow element but data objects); the model keeps them as `Other`.
        || matches!(kind, Kind::Other(name) if matches!(&**name, "choreographyTask" | "subChoreography" | "callChoreography"))
        || matches!(
            kind,
            Kind::SequenceFlow
                | Kind::MessageFlow
                | Kind::Participant
                | Kind::Lane
                | Kind::DataObjectReference
                | Kind::DataStoreReference
                | Kind::TextAnnotation
                | Kind::Group
                | Kind::Association
        )
}

#[cfg(test)]
mod tests {
    use super::NoBpmndi;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoBpmndi).docs_examples();
    }

    /// Bonita draws a pool with a shape whose `bpmnElement` is the pool's process: the
    /// participant is in the diagram. Without any shape for the pool it is not.
    #[test]
    fn a_pool_shape_that_names_the_process_shows_the_participant() {
        let di = |pool_shape: &str| {
            format!(
                r#"<collaboration id="C"><participant id="P" name="Pool" processRef="Proc"/></collaboration>
<process id="Proc"><task id="T" name="Work"/></process>
<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="C">{pool_shape}
<bpmndi:BPMNShape id="T_di" bpmnElement="T"><dc:Bounds x="100" y="40" width="100" height="80"/></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"#
            )
        };
        let pool = r#"<bpmndi:BPMNShape id="P_di" bpmnElement="Proc" isHorizontal="true"><dc:Bounds x="0" y="0" width="400" height="160"/></bpmndi:BPMNShape>"#;
        let _ = RuleTester::new(&NoBpmndi)
            .pass(&[&di(pool)])
            .fail(&[&di("")]);
    }
}
