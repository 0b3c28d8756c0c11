//! `bpmnkit/max-complexity` (ours).

use serde::Deserialize;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::describe_cap;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{ElementId, Kind, Model};

declare_rule! {
    /// ## What it does
    /// Flags a process whose control-flow complexity (CFC, Cardoso 2005) exceeds `max`
    /// (default 30). Every split adds the number of states it can lead to: an exclusive or
    /// event-based split with *n* branches adds *n*, an inclusive or complex split adds
    /// 2^*n* − 1, a parallel split adds 1; an activity with several conditional outgoing
    /// flows counts as an inclusive split. Sub-processes count towards their process. The
    /// finding lists the splits that weigh most.
    ///
    /// Options: `max` (the highest CFC accepted).
    ///
    /// ## Why is this bad?
    /// Understanding and error rates degrade sharply with the number of decisions a reader
    /// has to follow (Mendling et al., *Seven Process Modeling Guidelines*: decompose large
    /// models). Inclusive splits weigh most because every combination of branches is a
    /// possible state. A process over the limit is a candidate for sub-processes or a
    /// decision table.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="s"/><inclusiveGateway id="g"/>
    /// <task id="a" name="Check a"/><task id="b" name="Check b"/><task id="c" name="Check c"/><task id="d" name="Check d"/><task id="e" name="Check e"/>
    /// <sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
    /// <sequenceFlow id="f1" sourceRef="g" targetRef="a"/><sequenceFlow id="f2" sourceRef="g" targetRef="b"/><sequenceFlow id="f3" sourceRef="g" targetRef="c"/>
    /// <sequenceFlow id="f4" sourceRef="g" targetRef="d"/><sequenceFlow id="f5" sourceRef="g" targetRef="e"/>
    /// ```
    /// ```xml,valid
    /// <startEvent id="s"/><exclusiveGateway id="g"/><task id="a" name="Check a"/><task id="b" name="Check b"/>
    /// <sequenceFlow id="f0" sourceRef="s" targetRef="g"/><sequenceFlow id="f1" sourceRef="g" targetRef="a"/><sequenceFlow id="f2" sourceRef="g" targetRef="b"/>
    /// ```
    BpmnkitMaxComplexity { name: "bpmnkit/max-complexity", category: Governance, source: None, options: MaxComplexityOptions }
}

/// Options of `bpmnkit/max-complexity`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct MaxComplexityOptions {
    /// The highest control-flow complexity accepted per process (default 30).
    pub max: u64,
}

impl Default for MaxComplexityOptions {
    fn default() -> Self {
        MaxComplexityOptions { max: 30 }
    }
}

/// How many splits a finding names.
const MAX_LABELS: usize = 5;

/// The CFC weight of one flow node (0 when it does not split).
#[must_use]
pub fn split_weight(model: &Model, el: ElementId) -> u64 {
    let e = model.el(el);
    let n = e.links.outgoing.len();
    if n < 2 {
        return 0;
    }
    let n64 = u64::try_from(n).unwrap_or(u64::MAX);
    let or_weight = || {
        1u64.checked_shl(u32::try_from(n).unwrap_or(u32::MAX))
            .map_or(u64::MAX, |v| v - 1)
    };
    match e.kind {
        Kind::ExclusiveGateway | Kind::EventBasedGateway => n64,
        Kind::InclusiveGateway | Kind::ComplexGateway => or_weight(),
        Kind::ParallelGateway => 1,
        _ if e.kind.is_activity() || e.kind.is_event() => {
            let conditional = e
                .links
                .outgoing
                .iter()
                .filter(|&&f| {
                    model
                        .children(f)
                        .any(|(_, c)| c.kind == Kind::ConditionExpression)
                })
                .count();
            if conditional >= 2 { or_weight() } else { 0 }
        }
        _ => 0,
    }
}

/// The control-flow complexity of a process: the sum of its splits' weights, with each
/// split's weight, heaviest first.
#[must_use]
pub fn control_flow_complexity(model: &Model, process: ElementId) -> (u64, Vec<(ElementId, u64)>) {
    let mut splits: Vec<(ElementId, u64)> = model
        .iter()
        .filter(|(_, e)| e.kind.is_flow_node())
        .filter(|&(id, _)| model.process_of(id) == Some(process))
        .map(|(id, _)| (id, split_weight(model, id)))
        .filter(|&(_, w)| w > 0)
        .collect();
    splits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let total = splits
        .iter()
        .fold(0u64, |acc, (_, w)| acc.saturating_add(*w));
    (total, splits)
}

impl BpmnkitMaxComplexity {
    /// Checks with explicit options.
    pub fn check_with(
        &self,
        cx: &LintContext<'_>,
        options: &MaxComplexityOptions,
        out: &mut Vec<Diagnostic>,
    ) {
        let model = cx.model();
        for (process, _) in model.processes() {
            let (total, splits) = control_flow_complexity(model, process);
            if total <= options.max {
                continue;
            }
            let mut d = cx
                .report(
                    &Self::META,
                    process,
                    format!(
                        "{} has a control-flow complexity of {total}, above the maximum of {}",
                        describe_cap(model, process),
                        options.max
                    ),
                )
                .with_span_label(format!("complexity {total}"))
                .with_help("move parts into sub-processes or replace chains of decisions with a decision table");
            for (split, w) in splits.into_iter().take(MAX_LABELS) {
                let e = model.el(split);
                d = d.with_label(e.span, format!("adds {w}"), e.id.as_deref());
            }
            out.push(d);
        }
    }
}

impl Rule for BpmnkitMaxComplexity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        self.check_with(cx, &cx.options::<MaxComplexityOptions>(), out);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&BpmnkitMaxComplexity).docs_examples();
    }
    use crate::lint::governance::testing::{ids, model, run};

    const BODY: &str = r#"<startEvent id="s"/><exclusiveGateway id="x"/><parallelGateway id="p"/><inclusiveGateway id="o"/>
        <task id="a"/><task id="b"/><task id="c"/><task id="t"/>
        <sequenceFlow id="f0" sourceRef="s" targetRef="x"/>
        <sequenceFlow id="x1" sourceRef="x" targetRef="p"/><sequenceFlow id="x2" sourceRef="x" targetRef="o"/><sequenceFlow id="x3" sourceRef="x" targetRef="t"/>
        <sequenceFlow id="p1" sourceRef="p" targetRef="a"/><sequenceFlow id="p2" sourceRef="p" targetRef="b"/>
        <sequenceFlow id="o1" sourceRef="o" targetRef="a"/><sequenceFlow id="o2" sourceRef="o" targetRef="b"/><sequenceFlow id="o3" sourceRef="o" targetRef="c"/>
        <sequenceFlow id="t1" sourceRef="t" targetRef="a"><conditionExpression>${x}</conditionExpression></sequenceFlow>
        <sequenceFlow id="t2" sourceRef="t" targetRef="b"><conditionExpression>${y}</conditionExpression></sequenceFlow>"#;

    #[test]
    fn cfc_weights() {
        let m = model(BODY);
        let p = m.by_id("Process_1").unwrap();
        // XOR 3 + AND 1 + OR 2^3-1 = 7 + conditional activity 2^2-1 = 3.
        assert_eq!(control_flow_complexity(&m, p).0, 14);
    }

    #[test]
    fn pass_and_fail() {
        let with = |max: u64| {
            let o = MaxComplexityOptions { max };
            run(BODY, |cx, out| BpmnkitMaxComplexity.check_with(cx, &o, out))
        };
        assert!(with(14).is_empty());
        let d = with(13);
        assert_eq!(ids(&d), ["Process_1"]);
        assert_eq!(d[0].labels[0].element_id.as_deref(), Some("o"));
        assert!(run(BODY, |cx, out| BpmnkitMaxComplexity.check(cx, out)).is_empty());
    }
}
