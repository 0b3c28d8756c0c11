//! The linter: rules over the model and graph, one rule per file in [`rules`].
//!
//! A rule declares its metadata and docs with [`declare_rule!`] and implements [`Rule`].
//! [`registry::all`] is the single list of rules. [`run`] checks one model with a
//! selection of rules and severities and returns diagnostics coded `lint::<rule-name>`.

pub mod governance;
pub mod registry;
pub mod rules;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ElementId, Model};

/// What kind of problem a rule finds; sets its default level (STYLE.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The model is broken: error by default.
    Correctness,
    /// Probably a modelling mistake: warning by default.
    Suspicious,
    /// Labels, naming, layout hygiene: warning by default.
    Style,
    /// Organisation policy; needs options; off unless configured.
    Governance,
    /// New rules, never on by default.
    Nursery,
}

/// A rule's fixed description.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Kebab-case name, the rule's one stable id (`no-implicit-split`).
    pub name: &'static str,
    /// Category.
    pub category: Category,
    /// Where the rule comes from (`Some("bpmnlint")`), `None` for our own.
    pub source: Option<&'static str>,
    /// The rule's documentation (markdown from its `///` comment).
    pub docs: &'static str,
}

impl RuleMeta {
    /// The first sentence of "What it does", for one-line listings.
    #[must_use]
    pub fn summary(&self) -> &'static str {
        self.docs
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("")
    }
}

/// A lint rule.
pub trait Rule: Send + Sync {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Checks a model and pushes findings.
    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>);
}

/// Declares a rule struct with its docs and metadata.
///
/// The `///` lines become the rule's `docs`; see any file in `rules/`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $name:ident { name: $kebab:literal, category: $cat:ident, source: $source:expr $(,)? }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone)]
        pub struct $name;

        impl $name {
            /// The rule's metadata.
            pub const META: $crate::lint::RuleMeta = $crate::lint::RuleMeta {
                name: $kebab,
                category: $crate::lint::Category::$cat,
                source: $source,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// What a rule sees: the model, and a way to build its diagnostics.
pub struct LintContext<'a> {
    model: &'a Model,
    severity: Severity,
}

impl<'a> LintContext<'a> {
    /// A context for checking `model`, reporting at `severity`.
    #[must_use]
    pub fn new(model: &'a Model, severity: Severity) -> Self {
        LintContext { model, severity }
    }

    /// The model under check.
    #[must_use]
    pub fn model(&self) -> &'a Model {
        self.model
    }

    /// A diagnostic of `rule` about element `el` (span, element id set).
    #[must_use]
    pub fn report(&self, rule: &RuleMeta, el: ElementId, message: impl Into<String>) -> Diagnostic {
        let e = self.model.el(el);
        let mut d = Diagnostic::new(format!("lint::{}", rule.name), self.severity, message)
            .with_span(e.span);
        if let Some(id) = &e.id {
            d = d.with_element(&**id);
        }
        d
    }
}

/// Checks one model with the given rules, each at its severity. Findings come sorted by
/// position, then rule name.
#[must_use]
pub fn run(model: &Model, rules: &[(&dyn Rule, Severity)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &(rule, severity) in rules {
        let cx = LintContext::new(model, severity);
        rule.check(&cx, &mut out);
    }
    out.sort_by(|a, b| {
        (a.span.map(|s| s.start), &a.code, &a.element_id).cmp(&(
            b.span.map(|s| s.start),
            &b.code,
            &b.element_id,
        ))
    });
    out
}
