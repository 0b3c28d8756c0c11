//! Broken input: each case gives a diagnostic naming file, line and column.

use bpmnkit::report::{FileDiagnostic, render_short, render_text};
use bpmnkit::{ParseError, ParseOptions, parse_str};

/// Reads a fixture and renders what the parser says about it: the fatal error, or the
/// model's diagnostics.
fn diagnose(name: &str, text: &str) -> String {
    match parse_str(name, text, &ParseOptions::default()) {
        Ok(model) => {
            let items: Vec<FileDiagnostic> = model
                .diagnostics
                .iter()
                .map(|d| FileDiagnostic {
                    source: model.source.clone(),
                    diagnostic: d.clone(),
                })
                .collect();
            let short: Vec<String> = items.iter().map(render_short).collect();
            format!("{}\n\n{}", short.join("\n"), render_text(&items, false))
        }
        Err(ParseError::Invalid {
            source_text,
            diagnostic,
        }) => {
            let item = FileDiagnostic {
                source: source_text,
                diagnostic: *diagnostic,
            };
            format!(
                "{}\n\n{}",
                render_short(&item),
                render_text(std::slice::from_ref(&item), false)
            )
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

#[test]
fn invalid_parse_fixtures() {
    insta::glob!("fixtures/parse/invalid/*.bpmn", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = format!(
            "tests/fixtures/parse/invalid/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let out = diagnose(&name, &text);
        assert!(out.contains(&name), "diagnostic names the file");
        insta::assert_snapshot!(out);
    });
}
