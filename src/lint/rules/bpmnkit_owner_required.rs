//! `bpmnkit/owner-required` (ours).

use serde::Deserialize;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::governance::describe_cap;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{ElementId, Kind, Model};

declare_rule! {
    /// ## What it does
    /// Flags a process that names no owner. An owner is named by any of:
    /// - a line of the process's (or its pool's) documentation that starts with
    ///   `documentationMarker` (default `Owner:`, any case) followed by a name, e.g.
    ///   `Owner: Head of Procurement`;
    /// - an extension property called `property` (default `owner`) with a value, e.g.
    ///   `<camunda:property name="owner" value="Head of Procurement"/>` or its
    ///   `zeebe:property` equivalent;
    /// - a `performer`, `humanPerformer` or `potentialOwner` resource role on the process;
    /// - with `acceptLanes: true`, a named lane in the process.
    ///
    /// Processes without flow nodes (black-box pools) are skipped.
    ///
    /// ## Why is this bad?
    /// Every process in a governed repository needs an accountable owner (ISO 9001 §5.3,
    /// BPM governance practice): someone who approves changes, answers audit questions and
    /// keeps the model current. A model without one goes stale unnoticed.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <startEvent id="s"/>
    /// ```
    /// ```xml,valid
    /// <documentation>Owner: Head of Procurement</documentation><startEvent id="s"/>
    /// ```
    BpmnkitOwnerRequired { name: "bpmnkit/owner-required", category: Governance, source: None, options: OwnerRequiredOptions }
}

/// Options of `bpmnkit/owner-required`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct OwnerRequiredOptions {
    /// The documentation line prefix that names the owner (default `Owner:`, any case).
    pub documentation_marker: String,
    /// The extension property that names the owner (default `owner`).
    pub property: String,
    /// Whether a process with a named lane counts as owned (default `false`).
    pub accept_lanes: bool,
}

impl Default for OwnerRequiredOptions {
    fn default() -> Self {
        OwnerRequiredOptions {
            documentation_marker: "Owner:".to_owned(),
            property: "owner".to_owned(),
            accept_lanes: false,
        }
    }
}

/// The owner a process names, by the rules of `bpmnkit/owner-required` (without lanes).
#[must_use]
pub fn process_owner(
    model: &Model,
    process: ElementId,
    options: &OwnerRequiredOptions,
) -> Option<String> {
    let holders: Vec<ElementId> = std::iter::once(process)
        .chain(model.el(process).links.participant)
        .collect();
    let marker = options.documentation_marker.trim().to_lowercase();
    for &h in &holders {
        for (_, doc) in model
            .children(h)
            .filter(|(_, c)| c.kind == Kind::Documentation)
        {
            for line in doc.text.as_deref().unwrap_or("").lines() {
                let line = line.trim();
                let head = line.get(..marker.len()).map(str::to_lowercase);
                if !marker.is_empty() && head.as_deref() == Some(marker.as_str()) {
                    let name = line[marker.len()..].trim();
                    if !name.is_empty() {
                        return Some(name.to_owned());
                    }
                }
            }
        }
        for node in model.extensions(h).flat_map(|n| n.descendants()) {
            if &*node.local == "property"
                && node.attr(None, "name") == Some(options.property.as_str())
            {
                if let Some(v) = node
                    .attr(None, "value")
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                {
                    return Some(v.to_owned());
                }
            }
        }
    }
    let roles = model.children(process).filter(|(_, c)| {
        matches!(
            c.kind,
            Kind::Performer | Kind::HumanPerformer | Kind::PotentialOwner
        )
    });
    for (rid, r) in roles {
        let name = r
            .refs_named("resourceRef")
            .next()
            .map(|reference| {
                model
                    .by_id(reference.trim())
                    .and_then(|t| model.el(t).label())
                    .unwrap_or(reference.trim())
                    .to_owned()
            })
            .or_else(|| {
                model
                    .children(rid)
                    .flat_map(|(e, _)| model.children(e))
                    .find_map(|(_, x)| x.text.as_deref().map(str::to_owned))
            })
            .or_else(|| r.label().map(str::to_owned));
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            return Some(name);
        }
    }
    None
}

impl BpmnkitOwnerRequired {
    /// Checks with explicit options.
    pub fn check_with(
        &self,
        cx: &LintContext<'_>,
        options: &OwnerRequiredOptions,
        out: &mut Vec<Diagnostic>,
    ) {
        let model = cx.model();
        for (process, _) in model.processes() {
            if model.flow_nodes(process).next().is_none() {
                continue;
            }
            if process_owner(model, process, options).is_some() {
                continue;
            }
            if options.accept_lanes
                && model.iter().any(|(id, e)| {
                    e.kind == Kind::Lane
                        && e.label().is_some()
                        && model.process_of(id) == Some(process)
                })
            {
                continue;
            }
            // Report on the pool when there is one: that is what a modeller clicks.
            let at = model.el(process).links.participant.unwrap_or(process);
            out.push(
                cx.report(
                    &Self::META,
                    at,
                    format!("{} names no owner", describe_cap(model, process)),
                )
                .with_span_label("no owner")
                .with_help(format!(
                    "add a documentation line \"{} <name>\" or an extension property \"{}\"",
                    options.documentation_marker.trim(),
                    options.property
                )),
            );
        }
    }
}

impl Rule for BpmnkitOwnerRequired {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        self.check_with(cx, &cx.options::<OwnerRequiredOptions>(), out);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::test::RuleTester;

    #[test]
    fn docs_examples() {
        RuleTester::new(&BpmnkitOwnerRequired).docs_examples();
    }
    use crate::lint::governance::testing::{ids, run};

    fn check(body: &str) -> Vec<String> {
        ids(&run(body, |cx, out| BpmnkitOwnerRequired.check(cx, out)))
    }

    #[test]
    fn pass() {
        for body in [
            r#"<documentation>Order handling.
               owner:  Head of Sales </documentation><startEvent id="s"/>"#,
            r#"<extensionElements><camunda:properties><camunda:property name="owner" value="CFO"/></camunda:properties></extensionElements><startEvent id="s"/>"#,
            r#"<extensionElements><zeebe:properties><zeebe:property name="owner" value="CFO"/></zeebe:properties></extensionElements><startEvent id="s"/>"#,
            r#"<performer id="pf"><resourceAssignmentExpression id="r"><formalExpression id="x">Process Office</formalExpression></resourceAssignmentExpression></performer><startEvent id="s"/>"#,
            // A black-box process is skipped.
            "",
        ] {
            assert_eq!(check(body), Vec::<String>::new(), "{body}");
        }
    }

    #[test]
    fn fail() {
        assert_eq!(
            check(r#"<documentation>Owner:</documentation><startEvent id="s"/>"#),
            ["Process_1"]
        );
        let lanes = r#"<laneSet id="ls"><lane id="l" name="Sales"><flowNodeRef>s</flowNodeRef></lane></laneSet><startEvent id="s"/>"#;
        assert_eq!(check(lanes), ["Process_1"]);
        let o = OwnerRequiredOptions {
            accept_lanes: true,
            ..OwnerRequiredOptions::default()
        };
        assert!(
            run(lanes, |cx, out| BpmnkitOwnerRequired
                .check_with(cx, &o, out))
            .is_empty()
        );
    }
}
