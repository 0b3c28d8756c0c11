//! Governance rules (`bpmnkit/*`): fixtures, the samples and their `.bpmnlintrc`.

use std::path::Path;

use bpmnkit::diagnostic::{Diagnostic, Severity};
use bpmnkit::lint::config::Level;
use bpmnkit::lint::{Rule, configs, registry, run_with_options};

use crate::common::{bpmn_files, rel, root};

/// The `bpmnkit/*` rules a `.bpmnlintrc` turns on, with severity and options. Reads only
/// what the governance rules need (`extends` of the plugin configs and `rules` entries
/// named `bpmnkit/*`); the full config loader is tested with the lint engine.
fn governance_selection(
    rc: &serde_json::Value,
) -> Vec<(&'static dyn Rule, Severity, Option<serde_json::Value>)> {
    let mut chosen: Vec<(&'static str, Option<Severity>, Option<serde_json::Value>)> = Vec::new();
    let mut set = |name: &str, sev: Option<Severity>, opts: Option<serde_json::Value>| {
        let rule = registry::by_name(name).unwrap_or_else(|| panic!("unknown rule {name}"));
        let name = rule.meta().name;
        chosen.retain(|(n, _, _)| *n != name);
        chosen.push((name, sev, opts));
    };
    let extends: Vec<&str> = match &rc["extends"] {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
        _ => vec![],
    };
    for ext in extends {
        if let Some(cfg) = configs::by_name(ext) {
            for &(name, level) in cfg.rules {
                if name.starts_with("bpmnkit/") {
                    set(name, level.severity(), None);
                }
            }
        }
    }
    if let Some(rules) = rc["rules"].as_object() {
        for (name, v) in rules {
            if !name.starts_with("bpmnkit/") {
                continue;
            }
            let (level, opts) = match v {
                serde_json::Value::Array(a) => (&a[0], a.get(1).cloned()),
                other => (other, None),
            };
            let level = match level.as_str() {
                Some("off") => Level::Off,
                Some("warn") => Level::Warn,
                Some("error") => Level::Error,
                Some("info") => Level::Info,
                _ => panic!("bad level for {name}: {level}"),
            };
            set(name, level.severity(), opts);
        }
    }
    chosen
        .into_iter()
        .filter_map(|(name, sev, opts)| Some((registry::by_name(name)?, sev?, opts)))
        .collect()
}

fn lint_with(path: &Path, rc: &serde_json::Value) -> Vec<Diagnostic> {
    let model = bpmnkit::parse_file(path, &Default::default()).unwrap();
    let selection = governance_selection(rc);
    for (rule, _, opts) in &selection {
        if let (Some(meta), Some(v)) = (rule.meta().options, opts) {
            (meta.validate)(v).unwrap_or_else(|e| panic!("{}: {e}", rule.meta().name));
        }
    }
    let rules: Vec<_> = selection
        .iter()
        .map(|(r, s, o)| (*r, *s, o.as_ref()))
        .collect();
    run_with_options(&model, &rules)
}

fn samples_rc() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("samples/.bpmnlintrc")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn dump_samples() {
    let rc = samples_rc();
    for f in bpmn_files(&root().join("samples")) {
        let d = lint_with(&f, &rc);
        println!("== {} ({})", rel(&f), d.len());
        for x in d {
            println!("  {} {:?} {}", x.code, x.element_id, x.message);
        }
    }
    let _ = samples_rc;
}

#[test]
fn dump_cfc() {
    use bpmnkit::lint::rules::bpmnkit_max_complexity::control_flow_complexity;
    for f in bpmn_files(&root().join("samples")) {
        let m = bpmnkit::parse_file(&f, &Default::default()).unwrap();
        for (p, _) in m.processes() {
            println!("{} {}", rel(&f), control_flow_complexity(&m, p).0);
        }
    }
}
