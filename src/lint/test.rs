//! `RuleTester`: inline pass/fail snippets for one rule (oxc's `Tester`, STYLE.md §5).
//!
//! Snippets are process content (`<task id="a"/>...`) that the tester wraps in a
//! `definitions` + `process`; a snippet that holds its own `<process` or `<collaboration`,
//! or starts with `<!-- definitions level -->`, is wrapped in `definitions` only.

use super::Rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::{ParseOptions, parse_str};

/// Runs one rule on small snippets and checks the outcome.
pub struct RuleTester {
    rule: &'static dyn Rule,
}

/// Wraps a snippet into a complete BPMN document.
#[must_use]
pub fn wrap(snippet: &str) -> String {
    let head = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" "#,
        r#"xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" "#,
        r#"xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" "#,
        r#"xmlns:di="http://www.omg.org/spec/DD/20100524/DI" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
        r#"id="Definitions" targetNamespace="http://example.com/test">"#,
        "\n"
    );
    let own_level = snippet
        .trim_start()
        .starts_with("<!-- definitions level -->")
        || snippet.contains("<process")
        || snippet.contains("<collaboration");
    if own_level {
        format!("{head}{snippet}\n</definitions>\n")
    } else {
        format!(
            "{head}<process id=\"Process\" isExecutable=\"true\">\n{snippet}\n</process>\n</definitions>\n"
        )
    }
}

impl RuleTester {
    /// A tester for `rule`.
    #[must_use]
    pub fn new(rule: &'static dyn Rule) -> Self {
        RuleTester { rule }
    }

    /// The rule's findings on a snippet (at warning level, default options).
    ///
    /// # Panics
    /// When the snippet does not parse.
    #[must_use]
    pub fn run(&self, snippet: &str) -> Vec<Diagnostic> {
        self.run_with(snippet, None)
    }

    /// Like [`RuleTester::run`], with options.
    ///
    /// # Panics
    /// When the snippet does not parse.
    #[must_use]
    pub fn run_with(&self, snippet: &str, options: Option<&serde_json::Value>) -> Vec<Diagnostic> {
        let xml = wrap(snippet);
        let model = parse_str("snippet.bpmn", &xml, &ParseOptions::default())
            .unwrap_or_else(|e| panic!("snippet does not parse: {e}\n{xml}"));
        super::run_with_options(&model, &[(self.rule, Severity::Warning, options)])
    }

    /// Asserts that every snippet gives no finding.
    ///
    /// # Panics
    /// When one does.
    #[must_use]
    pub fn pass(self, snippets: &[&str]) -> Self {
        for s in snippets {
            let found = self.run(s);
            assert!(
                found.is_empty(),
                "{}: expected no finding for\n{s}\ngot {found:#?}",
                self.rule.meta().name
            );
        }
        self
    }

    /// Asserts that every snippet gives at least one finding.
    ///
    /// # Panics
    /// When one does not.
    #[must_use]
    pub fn fail(self, snippets: &[&str]) -> Self {
        for s in snippets {
            assert!(
                !self.run(s).is_empty(),
                "{}: expected a finding for\n{s}",
                self.rule.meta().name
            );
        }
        self
    }

    /// Checks the examples in the rule's docs: each ```` ```xml,invalid ```` block gives
    /// at least one finding, each ```` ```xml,valid ```` block none.
    ///
    /// # Panics
    /// When an example does not behave as labelled, or the docs have no invalid example.
    pub fn docs_examples(&self) {
        let (valid, invalid) = doc_examples(self.rule.meta().docs);
        assert!(
            !invalid.is_empty(),
            "{}: docs need an xml,invalid example",
            self.rule.meta().name
        );
        let v: Vec<&str> = valid.iter().map(String::as_str).collect();
        let i: Vec<&str> = invalid.iter().map(String::as_str).collect();
        let _ = RuleTester::new(self.rule).pass(&v).fail(&i);
    }
}

/// The `xml,valid` and `xml,invalid` code blocks of a rule's docs.
#[must_use]
pub fn doc_examples(docs: &str) -> (Vec<String>, Vec<String>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    let mut current: Option<(bool, String)> = None;
    for line in docs.lines() {
        let t = line.trim();
        match &mut current {
            None if t == "```xml,valid" => current = Some((true, String::new())),
            None if t == "```xml,invalid" => current = Some((false, String::new())),
            Some(_) if t == "```" => {
                if let Some((is_valid, text)) = current.take() {
                    if is_valid {
                        valid.push(text);
                    } else {
                        invalid.push(text);
                    }
                }
            }
            Some((_, text)) => {
                text.push_str(line.strip_prefix(' ').unwrap_or(line));
                text.push('\n');
            }
            None => {}
        }
    }
    (valid, invalid)
}
