//! The JSON report of `bpmnkit lint --format json`, documented by
//! `schemas/lint-report.schema.json` (generated from these types by [`schema`]).

use serde::Serialize;

use super::{FileDiagnostic, JsonDiagnostic};
use crate::diagnostic::Severity;

/// The whole report: every file linted, in the order given, and totals.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(title = "bpmnkit lint report")]
pub struct LintReport {
    /// The tool that wrote the report.
    pub tool: ToolInfo,
    /// One entry per file, in the order the files were given (directories sorted).
    pub files: Vec<FileReport>,
    /// Totals over all files.
    pub summary: Summary,
}

/// Name and version of the tool.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ToolInfo {
    /// Always `bpmnkit`.
    pub name: String,
    /// The bpmnkit version.
    pub version: String,
}

/// The findings of one file.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FileReport {
    /// The file, as given on the command line or found in a directory.
    pub path: String,
    /// The config file that applied, if one was found (`null`: built-in
    /// `bpmnlint:recommended`).
    pub config: Option<String>,
    /// Findings sorted by position: reading problems (`parse::*`) and rule findings
    /// (`lint::<rule>`).
    pub diagnostics: Vec<JsonDiagnostic>,
}

/// Totals.
#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Files linted (including those that could not be read).
    pub files: usize,
    /// Findings at error level.
    pub errors: usize,
    /// Findings at warning level.
    pub warnings: usize,
    /// Informational findings.
    pub infos: usize,
}

impl Summary {
    /// Counts one finding.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

/// One file's input to a report.
#[derive(Debug, Clone)]
pub struct LintedFile {
    /// The file name as shown.
    pub path: String,
    /// The config that applied.
    pub config: Option<String>,
    /// Its findings.
    pub diagnostics: Vec<FileDiagnostic>,
}

/// Builds the JSON report.
#[must_use]
pub fn report(files: &[LintedFile]) -> LintReport {
    let mut summary = Summary {
        files: files.len(),
        ..Summary::default()
    };
    let files = files
        .iter()
        .map(|f| {
            for d in &f.diagnostics {
                summary.add(d.diagnostic.severity);
            }
            FileReport {
                path: f.path.clone(),
                config: f.config.clone(),
                diagnostics: f.diagnostics.iter().map(JsonDiagnostic::new).collect(),
            }
        })
        .collect();
    LintReport {
        tool: ToolInfo {
            name: "bpmnkit".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        files,
        summary,
    }
}

/// The JSON Schema of [`LintReport`], pretty-printed with a final newline (the content of
/// `schemas/lint-report.schema.json`).
#[must_use]
pub fn schema() -> String {
    let schema = schemars::schema_for!(LintReport);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
