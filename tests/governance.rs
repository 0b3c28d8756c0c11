//! Governance rules (`bpmnkit/*`): fixtures, the samples and their `.bpmnlintrc`.

use std::path::Path;

use bpmnkit::diagnostic::{Diagnostic, Severity};
use bpmnkit::lint::config::Config;
use bpmnkit::lint::{self, Rule, configs, registry, run_with_options};

use crate::common::{bpmn_files, rel, root};

/// Lints a file with `samples/.bpmnlintrc` through the config loader, as `bpmnkit lint`
/// does.
fn lint_sample(path: &Path) -> Vec<Diagnostic> {
    let config = Config::load(&root().join("samples/.bpmnlintrc")).unwrap();
    let model = bpmnkit::parse_file(path, &Default::default()).unwrap();
    lint::check(&model, &config.rules_for(path))
}

/// One line per finding: element, message, labels and help.
fn render(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&format!(
            "{} [{}] {}: {}\n",
            d.code,
            d.severity,
            d.element_id.as_deref().unwrap_or("-"),
            d.message
        ));
        for l in &d.labels {
            out.push_str(&format!(
                "    label {}: {}\n",
                l.element_id.as_deref().unwrap_or("-"),
                l.text
            ));
        }
        if let Some(h) = &d.help {
            out.push_str(&format!("    help: {h}\n"));
        }
    }
    out
}

/// The rule a fixture folder is for (`bpmnkit-approver-role` -> `bpmnkit/approver-role`),
/// with the folder's `options.json` if it has one.
fn fixture_rule(path: &Path) -> (&'static dyn Rule, Option<serde_json::Value>) {
    let dir = path.parent().unwrap();
    let folder = dir.file_name().unwrap().to_str().unwrap();
    let name = format!("bpmnkit/{}", folder.strip_prefix("bpmnkit-").unwrap());
    let rule = registry::by_name(&name).unwrap_or_else(|| panic!("no rule {name}"));
    let options = std::fs::read_to_string(dir.join("options.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    if let (Some(meta), Some(v)) = (rule.meta().options, &options) {
        (meta.validate)(v).unwrap();
    }
    (rule, options)
}

fn lint_fixture(path: &Path) -> Vec<Diagnostic> {
    let (rule, options) = fixture_rule(path);
    let model = bpmnkit::parse_file(path, &Default::default()).unwrap();
    assert!(
        model.diagnostics.is_empty(),
        "{}: {:?}",
        rel(path),
        model.diagnostics
    );
    assert!(
        !model.diagrams.is_empty(),
        "{}: fixtures carry DI",
        rel(path)
    );
    run_with_options(&model, &[(rule, Severity::Warning, options.as_ref())])
}

fn governance_rules() -> Vec<&'static dyn Rule> {
    registry::all()
        .into_iter()
        .filter(|r| r.meta().name.starts_with("bpmnkit/"))
        .collect()
}

#[test]
fn every_governance_rule_has_valid_and_invalid_fixtures() {
    for rule in governance_rules() {
        let folder = root()
            .join("tests/fixtures/lint")
            .join(rule.meta().name.replace('/', "-"));
        let files = bpmn_files(&folder);
        let named = |prefix: &str| {
            files.iter().any(|f| {
                f.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
            })
        };
        assert!(
            named("valid-"),
            "{} has no valid-* fixture",
            rule.meta().name
        );
        assert!(
            named("invalid-"),
            "{} has no invalid-* fixture",
            rule.meta().name
        );
    }
}

#[test]
fn valid_fixtures_give_no_findings() {
    let mut count = 0;
    for dir in std::fs::read_dir(root().join("tests/fixtures/lint")).unwrap() {
        let dir = dir.unwrap().path();
        if !dir
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("bpmnkit-")
        {
            continue;
        }
        for f in bpmn_files(&dir) {
            if f.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("valid-")
            {
                let d = lint_fixture(&f);
                assert!(d.is_empty(), "{}:\n{}", rel(&f), render(&d));
                count += 1;
            }
        }
    }
    assert!(count >= 12, "only {count} valid fixtures");
}

#[test]
fn invalid_fixtures() {
    insta::glob!("fixtures/lint/bpmnkit-*/invalid-*.bpmn", |path| {
        let d = lint_fixture(path);
        assert!(!d.is_empty(), "{} gives no finding", rel(path));
        insta::assert_snapshot!(render(&d));
    });
}

#[test]
fn governance_configs_list_registered_rules() {
    let plugin = configs::by_name("plugin:bpmnkit/governance").unwrap();
    let recommended = configs::by_name("plugin:bpmnkit/recommended").unwrap();
    for &(name, _) in plugin.rules.iter().chain(recommended.rules) {
        assert!(
            registry::by_name(name).is_some(),
            "{name} is not registered"
        );
    }
    for rule in governance_rules() {
        assert!(
            plugin.rules.iter().any(|(n, _)| *n == rule.meta().name),
            "{} is missing from plugin:bpmnkit/governance",
            rule.meta().name
        );
    }
    for &(name, level) in recommended.rules {
        assert!(
            plugin.rules.contains(&(name, level)),
            "{name}: governance must include recommended"
        );
    }
}

/// Each rule's doc examples: an `xml,invalid` block gives exactly one finding, an
/// `xml,valid` block none (default options).
#[test]
fn governance_doc_examples() {
    for rule in governance_rules() {
        let docs = rule.meta().docs;
        for section in ["## What it does", "## Why is this bad?", "## Example"] {
            assert!(
                docs.contains(section),
                "{}: missing {section}",
                rule.meta().name
            );
        }
        let mut blocks = 0;
        let mut lines = docs.lines();
        while let Some(line) = lines.next() {
            let kind = match line.trim() {
                "```xml,invalid" => 1,
                "```xml,valid" => 0,
                _ => continue,
            };
            let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            let xml = format!(
                r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d"><process id="Process_1">{}</process></definitions>"#,
                body.join("\n")
            );
            let model = bpmnkit::parse_str("doc.bpmn", &xml, &Default::default()).unwrap();
            let d = run_with_options(&model, &[(rule, Severity::Warning, None)]);
            assert_eq!(
                d.len(),
                kind,
                "{} example:\n{}\n{}",
                rule.meta().name,
                body.join("\n"),
                render(&d)
            );
            blocks += 1;
        }
        assert!(
            blocks >= 2,
            "{} needs a valid and an invalid example",
            rule.meta().name
        );
    }
}

#[test]
fn good_samples_lint_clean_with_governance_on() {
    let mut checked = 0;
    for f in bpmn_files(&root().join("samples")) {
        if f.components().any(|c| c.as_os_str() == "flawed") {
            continue;
        }
        let d = lint_sample(&f);
        assert!(d.is_empty(), "{}:\n{}", rel(&f), render(&d));
        checked += 1;
    }
    assert!(checked >= 11, "only {checked} samples");
}

#[test]
fn flawed_sample_shows_every_governance_rule() {
    let path = root().join("samples/flawed/flawed-purchase-request.bpmn");
    let d: Vec<Diagnostic> = lint_sample(&path)
        .into_iter()
        .filter(|x| x.code.starts_with("lint::bpmnkit/"))
        .collect();
    for rule in governance_rules() {
        let code = format!("lint::{}", rule.meta().name);
        assert!(
            d.iter().any(|x| x.code == code),
            "no {code} finding on the flawed sample"
        );
    }
    insta::assert_snapshot!(render(&d));
}
