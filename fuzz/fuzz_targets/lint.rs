//! A model through every lint rule (each at its default options), then the findings
//! through every output format: text, JSON, SARIF and GitHub annotations. Must never
//! panic.
#![no_main]

use std::sync::Arc;

use bpmnkit::report::FileDiagnostic;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(model) =
        bpmnkit::parse::parse_bytes("fuzz.bpmn", data, &bpmnkit::testing::quick_options())
    else {
        return;
    };
    let all = bpmnkit::lint::registry::all();
    let rules: Vec<(&dyn bpmnkit::lint::Rule, bpmnkit::Severity)> = all
        .iter()
        .map(|&r| (r, bpmnkit::Severity::Warning))
        .collect();
    let findings = bpmnkit::lint::run(&model, &rules);
    let items: Vec<FileDiagnostic> = findings
        .into_iter()
        .map(|diagnostic| FileDiagnostic {
            source: Arc::clone(&model.source),
            diagnostic,
        })
        .collect();
    let _ = bpmnkit::report::render_text(&items, false);
    let sarif = bpmnkit::report::sarif::render(&items, &all, &["fuzz.bpmn".to_owned()]);
    let _ = serde_json::to_string(&sarif);
    let _ = bpmnkit::report::github::render(&items);
    let report = bpmnkit::report::lint::report(&[bpmnkit::report::lint::LintedFile {
        path: "fuzz.bpmn".to_owned(),
        config: None,
        diagnostics: items,
    }]);
    let _ = serde_json::to_string(&report);
});
