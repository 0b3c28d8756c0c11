//! The one diagnostic type shared by parse, lint, verify and simulate.
//!
//! A [`Diagnostic`] says *what* is wrong (message), *where* (span + labels) and *what to do*
//! (help). It carries byte spans into the model's decoded source; [`crate::report`] turns it
//! into text (miette), JSON, SARIF or GitHub annotations.

use serde::{Deserialize, Serialize};

use crate::model::Span;

/// How serious a diagnostic is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never fails a run.
    Info,
    /// Probably a mistake; fails a run only beyond `--max-warnings`.
    Warning,
    /// The model is broken or violates a rule set to error.
    Error,
}

impl Severity {
    /// Lower-case name, as in configs and JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location with a short text (e.g. one step of a witness path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Where, in the model's source.
    pub span: Span,
    /// What to say there.
    pub text: String,
    /// The BPMN element at that place, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_id: Option<String>,
}

/// One finding about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// `<area>::<name>`, e.g. `parse::duplicate-id`, `lint::no-implicit-split`.
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong: short, sentence case, no trailing period.
    pub message: String,
    /// The primary location, if the finding has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Text of the primary label (defaults to nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_label: Option<String>,
    /// Id of the BPMN element the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_id: Option<String>,
    /// Further locations (witness steps, the other duplicate, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A page documenting the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Diagnostic {
    /// A new diagnostic with a code, severity and message, and nothing else.
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            span: None,
            span_label: None,
            element_id: None,
            labels: Vec::new(),
            help: None,
            url: None,
        }
    }

    /// An error-level diagnostic.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    /// A warning-level diagnostic.
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    /// Sets the primary span.
    #[must_use]
    pub fn with_span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Sets the text of the primary label.
    #[must_use]
    pub fn with_span_label(mut self, text: impl Into<String>) -> Self {
        self.span_label = Some(text.into());
        self
    }

    /// Sets the element the finding is about.
    #[must_use]
    pub fn with_element(mut self, id: impl Into<String>) -> Self {
        self.element_id = Some(id.into());
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(
        mut self,
        span: Span,
        text: impl Into<String>,
        element_id: Option<&str>,
    ) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
            element_id: element_id.map(str::to_owned),
        });
        self
    }

    /// Sets the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the documentation URL.
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
}
