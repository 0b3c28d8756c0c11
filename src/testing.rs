//! A robustness harness: one function that pushes any bytes through every stage of the
//! toolkit, for the mutation test, the property tests and the fuzz targets to share.
//!
//! A stage that lands later (lint, verify, layout and render, ...) adds its call to
//! [`exercise`] once, and from then on every corpus mutation, every generated model and
//! every fuzz input goes through it too. The contract of each stage: never panic, never
//! hang, whatever the model.

use std::sync::Arc;

use crate::model::{Model, Summary};
use crate::parse::{ParseError, ParseOptions, parse_bytes};
use crate::report::{FileDiagnostic, JsonDiagnostic, render_short, render_text};

/// What [`exercise`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The bytes read as a model; this many diagnostics were found while reading.
    Parsed {
        /// Diagnostics on the model.
        diagnostics: usize,
    },
    /// The bytes were refused with a diagnostic (malformed XML, not BPMN, a limit, ...).
    Refused,
}

/// Options for harness runs: the defaults, with limits small enough that each run is
/// quick even on hostile input.
#[must_use]
pub fn quick_options() -> ParseOptions {
    ParseOptions {
        max_depth: 128,
        max_elements: 50_000,
        ..ParseOptions::default()
    }
}

/// Reads `bytes` and runs every stage on the result; renders every diagnostic in every
/// format. Panics only if a stage has a bug (which is what the callers look for).
#[must_use]
pub fn exercise(name: &str, bytes: &[u8], options: &ParseOptions) -> Outcome {
    match parse_bytes(name, bytes, options) {
        Ok(model) => {
            let diagnostics = model.diagnostics.len();
            stages(&model);
            Outcome::Parsed { diagnostics }
        }
        Err(ParseError::Invalid {
            source_text,
            diagnostic,
        }) => {
            render(&[FileDiagnostic {
                source: source_text,
                diagnostic: *diagnostic,
            }]);
            Outcome::Refused
        }
        Err(ParseError::Io { .. }) => Outcome::Refused,
    }
}

/// Every stage over a parsed model. Add new stages here.
fn stages(model: &Model) {
    let summary = Summary::of(model);
    let _ = serde_json::to_string(&summary);
    for scope in crate::graph::scopes(model) {
        let graph = crate::graph::FlowGraph::new(model, scope);
        let starts = graph.starts(model);
        let ends = graph.ends(model);
        let _ = graph.reachable_from(&starts);
        let _ = graph.reaching(&ends);
    }
    let _ = crate::graph::CollaborationGraph::new(model);
    for (id, _) in model.iter() {
        let _ = model.describe(id);
        let _ = model.shape(id);
        let _ = model.edge(id);
    }
    // Every later stage too: all lint rules (default options), verification under a small
    // state budget, SVG of every diagram, and the auto-layout.
    let rules: Vec<(&dyn crate::lint::Rule, crate::Severity)> = crate::lint::registry::all()
        .into_iter()
        .map(|r| (r, crate::Severity::Warning))
        .collect();
    let _ = crate::lint::run(model, &rules);
    let options = crate::verify::VerifyOptions {
        max_states: 20_000,
        ..crate::verify::VerifyOptions::default()
    };
    let _ = crate::verify::verify_model(model, &options);
    for diagram in &model.diagrams {
        let _ = crate::render::svg::render(model, diagram);
    }
    if let Ok(diagrams) =
        crate::render::layout::layout(model, &crate::render::layout::LayoutOptions::default())
    {
        for diagram in &diagrams {
            let _ = crate::render::svg::render(model, diagram);
        }
    }
    let items: Vec<FileDiagnostic> = model
        .diagnostics
        .iter()
        .map(|d| FileDiagnostic {
            source: Arc::clone(&model.source),
            diagnostic: d.clone(),
        })
        .collect();
    render(&items);
}

fn render(items: &[FileDiagnostic]) {
    let _ = render_text(items, false);
    for item in items {
        let _ = render_short(item);
        let _ = serde_json::to_string(&JsonDiagnostic::new(item));
    }
}
