//! `bpmnkit inspect`: what a model contains and what was noticed while reading it.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::cli::args::{Format, ReadArgs};
use crate::cli::{CliError, ExitStatus, files, use_color, write_stdout};
use crate::diagnostic::Severity;
use crate::model::Summary;
use crate::parse::{ParseError, parse_file};
use crate::report::{FileDiagnostic, JsonDiagnostic, render_text};

/// What `bpmnkit inspect` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str =
    "Show what a model contains: processes, pools, lanes, element counts, DI coverage";

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct InspectArgs {
    /// Model files or directories (walked for *.bpmn and BPMN *.xml).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Parser limits.
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    diagnostics: Vec<JsonDiagnostic>,
}

/// A parse failure as a file diagnostic (I/O errors get an empty source).
#[must_use]
pub fn parse_error_diagnostic(err: ParseError) -> FileDiagnostic {
    match err {
        ParseError::Invalid {
            source_text,
            diagnostic,
        } => FileDiagnostic {
            source: source_text,
            diagnostic: *diagnostic,
        },
        ParseError::Io { path, source } => FileDiagnostic {
            source: Arc::new(crate::model::SourceText::new(path.clone(), String::new())),
            diagnostic: crate::diagnostic::Diagnostic::error(
                "parse::io",
                format!("Cannot read {path}: {source}"),
            ),
        },
    }
}

/// Runs `inspect`.
///
/// # Errors
/// Paths that do not exist or hold no model, and output failures.
pub fn run(args: &InspectArgs) -> Result<ExitStatus, CliError> {
    let paths = files::collect(&args.paths)?;
    let options = args.read.options();
    let mut status = ExitStatus::Success;
    let mut reports = Vec::new();
    let mut text = String::new();
    let color = use_color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    for path in &paths {
        let (summary, diags) = match parse_file(path, &options) {
            Ok(model) => {
                let diags: Vec<FileDiagnostic> = model
                    .diagnostics
                    .iter()
                    .map(|d| FileDiagnostic {
                        source: Arc::clone(&model.source),
                        diagnostic: d.clone(),
                    })
                    .collect();
                if diags
                    .iter()
                    .any(|d| d.diagnostic.severity == Severity::Error)
                {
                    status = status.max(ExitStatus::Findings);
                }
                (Some(Summary::of(&model)), diags)
            }
            Err(err) => {
                status = ExitStatus::Error;
                (None, vec![parse_error_diagnostic(err)])
            }
        };
        match args.format {
            Format::Json => reports.push(FileReport {
                file: path.display().to_string(),
                summary,
                diagnostics: diags.iter().map(JsonDiagnostic::new).collect(),
            }),
            Format::Text => {
                let _ = writeln!(text, "{}", path.display());
                if let Some(s) = &summary {
                    write_summary(&mut text, s);
                }
                if !diags.is_empty() {
                    text.push_str(&render_text(&diags, color));
                }
            }
        }
    }
    match args.format {
        Format::Json => write_stdout(&(serde_json::to_string_pretty(&reports)? + "\n"))?,
        Format::Text => write_stdout(&text)?,
    }
    Ok(status)
}

/// A name as one line in quotes: modellers put line breaks into names (Signavio, Camunda),
/// which would break the one-line-per-item listing. The JSON keeps the name as written.
fn quoted(name: &str) -> String {
    let lines: Vec<&str> = name
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    format!(" \"{}\"", lines.join(" "))
}

fn write_summary(out: &mut String, s: &Summary) {
    for p in &s.processes {
        let _ = writeln!(
            out,
            "  process {}{}{}: {} flow nodes, {} sequence flows",
            p.id,
            p.name.as_deref().map(quoted).unwrap_or_default(),
            if p.is_executable { " (executable)" } else { "" },
            p.flow_nodes,
            p.sequence_flows
        );
    }
    for p in &s.pools {
        let _ = writeln!(
            out,
            "  pool {}{}{}",
            p.id,
            p.name.as_deref().map(quoted).unwrap_or_default(),
            p.process
                .as_deref()
                .map(|n| format!(" -> {n}"))
                .unwrap_or_else(|| " (black box)".into())
        );
    }
    for l in &s.lanes {
        let _ = writeln!(
            out,
            "  {}lane {}{}: {} flow nodes",
            "  ".repeat(l.depth),
            l.id,
            l.name.as_deref().map(quoted).unwrap_or_default(),
            l.flow_nodes
        );
    }
    let counts: Vec<String> = s.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(out, "  elements: {}", counts.join(", "));
    let _ = writeln!(
        out,
        "  diagrams: {}; shapes for {}/{} elements, edges for {}/{} flows",
        s.di.diagrams, s.di.with_shape, s.di.shape_elements, s.di.with_edge, s.di.edge_elements
    );
}
