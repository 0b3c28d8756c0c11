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

/// Whether `rule` is disabled for `el` by its own or an ancestor's documentation; a
/// participant's documentation also covers its process.
#[must_use]
pub fn is_suppressed(model: &Model, el: ElementId, rule: &str) -> bool {
    let mut cur = Some(el);
    while let Some(c) = cur {
        let docs = model
            .children(c)
            .filter(|(_, e)| e.kind == Kind::Documentation)
            .filter_map(|(_, e)| e.text.as_deref());
        for d in docs {
            if parse_directives(d).is_some_and(|x| x.covers(rule)) {
                return true;
            }
        }
        let e = model.el(c);
        cur = match (e.kind == Kind::Process, e.links.participant) {
            (true, Some(p)) if p != el => {
                // Check the pool's documentation, then stop (a pool's parent is the
                // collaboration, which holds other pools).
                return model
                    .children(p)
                    .filter(|(_, x)| x.kind == Kind::Documentation)
                    .filter_map(|(_, x)| x.text.as_deref())
                    .any(|d| parse_directives(d).is_some_and(|x| x.covers(rule)));
            }
            _ => e.parent,
        };
    }
    false
}

/// Drops the lint findings that the model's documentation suppresses.
pub fn apply(model: &Model, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain(|d| {
        let Some(rule) = d.code.strip_prefix("lint::") else {
            return true;
        };
        let Some(el) = d.element_id.as_deref().and_then(|id| model.by_id(id)) else {
            return true;
        };
        !is_suppressed(model, el, rule)
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
}
