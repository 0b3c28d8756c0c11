//! `standard-size` (from bpmnlint).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{Bounds, ElementId, Kind, Model};

/// A width and a height; either may be left out to keep the default.
#[derive(Debug, Default, Clone, Copy, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Size {
    /// Expected width.
    pub width: Option<f64>,
    /// Expected height.
    pub height: Option<f64>,
}

/// Options of `standard-size`: the expected size per element type, keyed as in bpmnlint.
#[derive(Debug, Default, Clone, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardSizeOptions {
    /// Tasks of every type (default 100 x 80).
    #[serde(rename = "bpmn:Task")]
    pub task: Option<Size>,
    /// Call activities (default 100 x 80).
    #[serde(rename = "bpmn:CallActivity")]
    pub call_activity: Option<Size>,
    /// Collapsed sub-processes (default 100 x 80).
    #[serde(rename = "bpmn:SubProcess")]
    pub sub_process: Option<Size>,
    /// Events (default 36 x 36).
    #[serde(rename = "bpmn:Event")]
    pub event: Option<Size>,
    /// Gateways (default 50 x 50).
    #[serde(rename = "bpmn:Gateway")]
    pub gateway: Option<Size>,
    /// Data object references (default 36 x 50).
    #[serde(rename = "bpmn:DataObjectReference")]
    pub data_object_reference: Option<Size>,
    /// Data store references (default 50 x 50).
    #[serde(rename = "bpmn:DataStoreReference")]
    pub data_store_reference: Option<Size>,
    /// Empty (black-box) pools: `height` of a horizontal pool, `width` of a vertical one
    /// (default 60; the other side is free).
    #[serde(rename = "bpmn:Participant")]
    pub participant: Option<Size>,
}

declare_rule! {
    /// ## What it does
    /// Flags tasks, call activities, collapsed sub-processes, events, gateways, data object and
    /// data store references and empty pools whose diagram shape does not have the standard
    /// size (100 x 80, 36 x 36, 50 x 50, 36 x 50, 50 x 50, and 60 across for an empty pool), or
    /// the sizes given in the options.
    ///
    /// ## Why is this bad?
    /// Shapes of one type in one size make a diagram calm to read; odd sizes suggest a
    /// meaning that is not there and make layouts uneven.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <process id="P"><task id="Task" name="Big"/></process>
    /// <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="Pl" bpmnElement="P">
    ///   <bpmndi:BPMNShape id="Task_di" bpmnElement="Task"><dc:Bounds x="0" y="0" width="150" height="100"/></bpmndi:BPMNShape>
    /// </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
    /// ```
    ///
    /// Use instead:
    /// ```xml,valid
    /// <process id="P"><task id="Task" name="Standard"/></process>
    /// <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="Pl" bpmnElement="P">
    ///   <bpmndi:BPMNShape id="Task_di" bpmnElement="Task"><dc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape>
    /// </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
    /// ```
    ///
    /// Options (`[severity, {...}]`): `{"bpmn:Task": {"width": 120, "height": 80}}`; keys
    /// `bpmn:Task`, `bpmn:CallActivity`, `bpmn:SubProcess`, `bpmn:Event`, `bpmn:Gateway`,
    /// `bpmn:DataObjectReference`, `bpmn:DataStoreReference`, `bpmn:Participant`.
    StandardSize { name: "standard-size", category: Style, source: Some("bpmnlint"), options: StandardSizeOptions }
}

/// What to compare an element's bounds with.
enum Expect {
    /// Both sides.
    Both(f64, f64),
    /// Only the height (horizontal empty pool).
    Height(f64),
    /// Only the width (vertical empty pool).
    Width(f64),
}

fn pick(opt: Option<Size>, w: f64, h: f64) -> Expect {
    let o = opt.unwrap_or_default();
    Expect::Both(o.width.unwrap_or(w), o.height.unwrap_or(h))
}

fn expected(model: &Model, id: ElementId, o: &StandardSizeOptions) -> Option<Expect> {
    let e = model.el(id);
    let shape = model.shape(id)?;
    Some(match &e.kind {
        k if k.is_task() => pick(o.task, 100.0, 80.0),
        Kind::CallActivity => pick(o.call_activity, 100.0, 80.0),
        k if k.is_sub_process() => {
            if shape.is_expanded == Some(true) {
                return None;
            }
            pick(o.sub_process, 100.0, 80.0)
        }
        k if k.is_event() => pick(o.event, 36.0, 36.0),
        k if k.is_gateway() => pick(o.gateway, 50.0, 50.0),
        Kind::DataObjectReference => pick(o.data_object_reference, 36.0, 50.0),
        Kind::DataStoreReference => pick(o.data_store_reference, 50.0, 50.0),
        Kind::Participant if e.links.process.is_none() && e.attr("processRef").is_none() => {
            let p = o.participant.unwrap_or_default();
            if shape.is_horizontal == Some(false) {
                Expect::Width(p.width.unwrap_or(60.0))
            } else {
                Expect::Height(p.height.unwrap_or(60.0))
            }
        }
        _ => return None,
    })
}

/// Exact comparison, as bpmnlint does (35.999999 is not 36 there either).
#[allow(clippy::float_cmp)]
fn same(a: f64, b: f64) -> bool {
    a == b
}

fn fits(b: &Bounds, expect: &Expect) -> bool {
    match *expect {
        Expect::Both(w, h) => same(b.width, w) && same(b.height, h),
        Expect::Height(h) => same(b.height, h),
        Expect::Width(w) => same(b.width, w),
    }
}

impl Rule for StandardSize {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        let options: StandardSizeOptions = cx.options();
        for (id, e) in model.iter() {
            let Some(expect) = expected(model, id, &options) else {
                continue;
            };
            let Some(shape) = model.shape(id) else {
                continue;
            };
            let b = shape.bounds;
            if !b.is_valid() || fits(&b, &expect) {
                continue;
            }
            let want = match expect {
                Expect::Both(w, h) => format!("{w} x {h}"),
                Expect::Height(h) => format!("a height of {h}"),
                Expect::Width(w) => format!("a width of {w}"),
            };
            out.push(
                cx.report(
                    &Self::META,
                    id,
                    format!(
                        "The {} is {} x {}, not the standard {want}",
                        e.kind.human_name(),
                        b.width,
                        b.height
                    ),
                )
                .with_label(shape.span, "its shape", shape.id.as_deref())
                .with_help(format!("resize the shape to {want}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StandardSize;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&StandardSize).docs_examples();
    }

    #[test]
    fn options_change_the_standard() {
        let snippet = r#"<process id="P"><task id="T" name="x"/></process>
<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="Pl" bpmnElement="P">
<bpmndi:BPMNShape id="T_di" bpmnElement="T"><dc:Bounds x="0" y="0" width="120" height="80"/></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"#;
        let t = RuleTester::new(&StandardSize);
        assert_eq!(t.run(snippet).len(), 1);
        let o = serde_json::json!({"bpmn:Task": {"width": 120, "height": 80}});
        assert!(t.run_with(snippet, Some(&o)).is_empty());
    }
}
