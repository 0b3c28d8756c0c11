//! Per-element suppression that a modeller can type in the element's documentation.
//!
//! A line of the element's `<documentation>` of the form
//!
//! ```text
//! bpmnkit-disable label-required, no-implicit-end
//! ```
//!
//! (or `bpmnlint-disable ...`) turns those rules off for that element and everything inside
//! it (a process, pool or sub-process). Without a rule list, every rule is off there. The
//! directive may appear anywhere in a line, so `-- bpmnkit-disable fake-join: merged on
//! purpose` works; text after a `:` is a reason and is ignored.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::{ElementId, Kind, Model};

/// Which rules one element's documentation disables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disabled {
    /// Every rule.
    All,
    /// These rules.
    Rules(Vec<String>),
}

impl Disabled {
    fn covers(&self, rule: &str) -> bool {
        match self {
            Disabled::All => true,
            Disabled::Rules(r) => r
                .iter()
                .any(|x| x == rule || x.strip_prefix("bpmnlint/") == Some(rule)),
        }
    }
}

/// Reads the directives of one documentation text.
#[must_use]
pub fn parse_directives(text: &str) -> Option<Disabled> {
    let mut rules = Vec::new();
    let mut all = false;
    for line in text.lines() {
        let found = ["bpmnkit-disable", "bpmnlint-disable"]
            .iter()
            .find_map(|m| line.find(m).map(|pos| pos + m.len()));
        let Some(end) = found else {
            continue;
        };
        let rest = &line[end..];
        let rest = rest.split_once(':').map_or(rest, |(a, _)| a);
        let names: Vec<String> = rest
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if names.is_empty() {
            all = true;
        }
        rules.extend(names);
    }
    if all {
        Some(Disabled::All)
    } else if rules.is_empty() {
        None
    } else {
        Some(Disabled::Rules(rules))
    }
}

/// The directives of one model: for each element whose own documentation has any, what
/// they disable. Read once per model, so that checking a finding walks only its ancestors
/// (checking each finding against every sibling's documentation made `lint` of a
/// 5,000-node model with 12,000 findings spend most of its time here).
#[derive(Debug, Default)]
pub struct Directives(HashMap<ElementId, Vec<Disabled>>);

impl Directives {
    /// Reads every documentation text of `model`.
    #[must_use]
    pub fn of(model: &Model) -> Self {
        let mut map: HashMap<ElementId, Vec<Disabled>> = HashMap::new();
        for (_, e) in model.iter() {
            if e.kind != Kind::Documentation {
                continue;
            }
            let (Some(owner), Some(text)) = (e.parent, e.text.as_deref()) else {
                continue;
            };
            if let Some(d) = parse_directives(text) {
                map.entry(owner).or_default().push(d);
            }
        }
        Directives(map)
    }

    /// Whether the model has no directive at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn own(&self, el: ElementId, rule: &str) -> bool {
        self.0
            .get(&el)
            .is_some_and(|ds| ds.iter().any(|d| d.covers(rule)))
    }

    /// Whether `rule` is disabled for `el` by its own or an ancestor's documentation; a
    /// participant's documentation also covers its process.
    #[must_use]
    pub fn suppresses(&self, model: &Model, el: ElementId, rule: &str) -> bool {
        let mut cur = Some(el);
        while let Some(c) = cur {
            if self.own(c, rule) {
                return true;
            }
            let e = model.el(c);
            cur = match (e.kind == Kind::Process, e.links.participant) {
                // Check the pool's documentation, then stop (a pool's parent is the
                // collaboration, which holds other pools).
                (true, Some(p)) if p != el => return self.own(p, rule),
                _ => e.parent,
            };
        }
        false
    }
}

/// Drops the lint findings that the model's documentation suppresses.
pub fn apply(model: &Model, diagnostics: &mut Vec<Diagnostic>) {
    let directives = Directives::of(model);
    if directives.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let Some(rule) = d.code.strip_prefix("lint::") else {
            return true;
        };
        let Some(el) = d.element_id.as_deref().and_then(|id| model.by_id(id)) else {
            return true;
        };
        !directives.suppresses(model, el, rule)
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{Disabled, parse_directives};
    use crate::lint::rules::label_required::LabelRequired;
    use crate::lint::rules::no_implicit_end::NoImplicitEnd;
    use crate::lint::test::wrap;

    #[test]
    fn directives_parse() {
        assert_eq!(parse_directives("nothing here"), None);
        assert_eq!(parse_directives("x\nbpmnkit-disable"), Some(Disabled::All));
        assert_eq!(
            parse_directives("bpmnlint-disable label-required, fake-join: on purpose"),
            Some(Disabled::Rules(vec![
                "label-required".into(),
                "fake-join".into()
            ]))
        );
    }

    #[test]
    fn documentation_suppresses_on_the_element_and_inside() {
        let xml = wrap(
            r#"<task id="T"><documentation>bpmnkit-disable label-required</documentation></task>
<subProcess id="S" name="s"><documentation>bpmnkit-disable</documentation><task id="U"/></subProcess>
<task id="V"/>"#,
        );
        let m = crate::parse::parse_str("x.bpmn", &xml, &Default::default()).unwrap();
        let mut d = crate::lint::run(
            &m,
            &[
                (&LabelRequired, crate::Severity::Error),
                (&NoImplicitEnd, crate::Severity::Error),
            ],
        );
        super::apply(&m, &mut d);
        let ids: Vec<_> = d
            .iter()
            .map(|x| (x.code.as_str(), x.element_id.as_deref().unwrap()))
            .collect();
        assert!(ids.contains(&("lint::label-required", "V")));
        assert!(ids.contains(&("lint::no-implicit-end", "T")));
        assert!(
            !ids.iter()
                .any(|x| x.1 == "U" || x == &("lint::label-required", "T")),
            "{ids:?}"
        );
    }

    #[test]
    fn a_pools_documentation_covers_its_process_and_no_other() {
        let xml = wrap(
            r#"<!-- definitions level -->
<collaboration id="C">
  <participant id="P1" processRef="A"><documentation>bpmnlint-disable label-required</documentation></participant>
  <participant id="P2" processRef="B"/>
</collaboration>
<process id="A"><task id="TA"/></process>
<process id="B"><task id="TB"/></process>"#,
        );
        let m = crate::parse::parse_str("x.bpmn", &xml, &Default::default()).unwrap();
        let mut d = crate::lint::run(&m, &[(&LabelRequired, crate::Severity::Error)]);
        let before: Vec<_> = d.iter().filter_map(|x| x.element_id.clone()).collect();
        assert!(before.contains(&"TA".to_owned()) && before.contains(&"TB".to_owned()));
        super::apply(&m, &mut d);
        let after: Vec<_> = d.iter().filter_map(|x| x.element_id.as_deref()).collect();
        assert!(after.contains(&"TB"), "{after:?}");
        assert!(!after.contains(&"TA"), "{after:?}");
    }
}
