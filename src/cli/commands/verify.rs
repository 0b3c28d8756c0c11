//! `bpmnkit verify`: soundness of every process, collaboration and sub-process.
//!
//! Exit codes: 0 every model is sound; 1 a violation was found, or a verdict is unknown
//! (state budget exhausted or an element not modelled: reported as `verify::budget` /
//! `verify::unsupported`); 2 a file could not be read.

#![allow(clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::cli::args::ReadArgs;
use crate::cli::commands::inspect::parse_error_diagnostic;
use crate::cli::{CliError, ExitStatus, files, use_color, write_stdout};
use crate::parse::parse_file;
use crate::report::{FileDiagnostic, JsonDiagnostic, render_text};
use crate::verify::{Method, Verdict, VerifyOptions, VerifyReport, Witness, verify_model};
use crate::workspace::{CallReport, Workspace};

/// Output formats of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum VerifyFormat {
    /// Human-readable text with the XML snippet and a label on every witness step.
    #[default]
    Text,
    /// One JSON report per file (verdicts, properties, findings with traces).
    Json,
    /// SARIF 2.1.0 (the shared writer of `lint`); witness steps become related locations.
    Sarif,
}

/// What `bpmnkit verify` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str =
    "Check soundness: deadlocks, lack of synchronisation, dead activities, livelocks";

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct VerifyArgs {
    /// Model files or directories (walked for *.bpmn and BPMN *.xml).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: VerifyFormat,
    /// Most states explored per process before answering "unknown (budget)".
    #[arg(long, value_name = "N", default_value_t = crate::verify::DEFAULT_MAX_STATES)]
    pub max_states: usize,
    /// Search the full state space: no structural shortcut, no partial-order reduction
    /// (the reference the fast path is tested against; it may run out of --max-states).
    #[arg(long)]
    pub exhaustive: bool,
    /// Search unstructured acyclic processes (with partial-order reduction) instead of
    /// deciding them by symbolic execution: to compare the two.
    #[arg(long, conflicts_with = "exhaustive")]
    pub no_symbolic: bool,
    /// Print read and verify times per file on stderr (`timing<TAB>file<TAB>read ms<TAB>verify ms`).
    #[arg(long)]
    pub timings: bool,
    /// Parser limits.
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Serialize)]
struct JsonFile {
    #[serde(flatten)]
    report: Option<VerifyReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    diagnostics: Vec<JsonDiagnostic>,
    /// Where each call activity leads (another file given or imported, or nowhere).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    calls: Vec<CallReport>,
}

/// Runs `verify`.
///
/// # Errors
/// Paths that do not exist or hold no model, and output failures.
pub fn run(args: &VerifyArgs) -> Result<ExitStatus, CliError> {
    let paths = files::collect(&args.paths)?;
    let options = args.read.options();
    let vopts = VerifyOptions {
        max_states: args.max_states,
        method: if args.exhaustive {
            Method::Exhaustive
        } else if args.no_symbolic {
            Method::Search
        } else {
            Method::Auto
        },
    };
    let color = use_color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let mut status = ExitStatus::Success;
    let mut json = Vec::new();
    let mut sarif_items: Vec<FileDiagnostic> = Vec::new();
    let mut text = String::new();
    // Read and verify every file first, then resolve call activities across all of them
    // (and their imports) before writing anything.
    let mut done: Vec<Result<(VerifyReport, Vec<FileDiagnostic>), FileDiagnostic>> = Vec::new();
    let mut ws = Workspace::new();
    let mut member_of = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let t0 = std::time::Instant::now();
        match parse_file(path, &options) {
            Ok(model) => {
                let t1 = std::time::Instant::now();
                let report = verify_model(&model, &vopts);
                if args.timings {
                    eprintln!(
                        "timing\t{}\t{:.3}\t{:.3}",
                        path.display(),
                        (t1 - t0).as_secs_f64() * 1e3,
                        t1.elapsed().as_secs_f64() * 1e3
                    );
                }
                if report.verdict != Verdict::Sound {
                    status = status.max(ExitStatus::Findings);
                }
                let diags: Vec<FileDiagnostic> = report
                    .diagnostics
                    .iter()
                    .map(|d| FileDiagnostic {
                        source: Arc::clone(&model.source),
                        diagnostic: d.clone(),
                    })
                    .collect();
                member_of.push(Some(ws.add(&model, Some(path))));
                done.push(Ok((report, diags)));
                // Freeing the last model's many small allocations would cost about as much
                // as verifying a 100-node model.
                crate::cli::files::dispose(model, i + 1 == paths.len());
            }
            Err(err) => {
                status = ExitStatus::Error;
                member_of.push(None);
                done.push(Err(parse_error_diagnostic(err)));
            }
        }
    }
    ws.load_imports(&options);
    // The verdict of each given file's processes, for the calls into them.
    let verdicts: Vec<Option<&VerifyReport>> = done
        .iter()
        .map(|d| d.as_ref().ok().map(|(r, _)| r))
        .collect();
    let verdict_of = |member: usize, id: &str| -> Option<Verdict> {
        let file = member_of.iter().position(|m| *m == Some(member))?;
        let report = verdicts[file]?;
        report
            .units
            .iter()
            .filter(|u| u.scopes.iter().any(|s| s == id))
            .map(|u| u.verdict)
            .max()
    };
    // Imported files that define a called process are verified too (once each), so that
    // every call gets its callee's verdict.
    let mut imported: std::collections::HashMap<usize, Option<VerifyReport>> =
        std::collections::HashMap::new();
    for link in ws.calls() {
        if let crate::workspace::CallTarget::Resolved { member, .. } = link.target {
            if member_of.contains(&Some(member)) || imported.contains_key(&member) {
                continue;
            }
            let report = ws.members[member]
                .index
                .path
                .as_deref()
                .and_then(|p| parse_file(p, &options).ok())
                .map(|model| verify_model(&model, &vopts));
            imported.insert(member, report);
        }
    }
    let imported_verdict = |member: usize, id: &str| -> Option<Verdict> {
        imported
            .get(&member)?
            .as_ref()?
            .units
            .iter()
            .filter(|u| u.scopes.iter().any(|s| s == id))
            .map(|u| u.verdict)
            .max()
    };
    let mut calls_of = Vec::new();
    for m in &member_of {
        let Some(m) = *m else {
            calls_of.push((Vec::new(), Vec::new(), None));
            continue;
        };
        let mut calls = ws.call_report(m);
        for (c, site) in calls
            .iter_mut()
            .zip(ws.calls().iter().filter(|l| l.caller == m))
        {
            if let crate::workspace::CallTarget::Resolved { member, id, .. } = &site.target {
                c.verdict = verdict_of(*member, id).or_else(|| imported_verdict(*member, id));
            }
        }
        calls_of.push((calls, ws.diagnostics(m), ws.members[m].index.source.clone()));
    }
    for ((path, result), (calls, extra, source)) in paths.iter().zip(done).zip(calls_of) {
        match result {
            Ok((report, mut diags)) => {
                let extra: Vec<FileDiagnostic> = source
                    .map(|source| {
                        extra
                            .into_iter()
                            .map(|diagnostic| FileDiagnostic {
                                source: Arc::clone(&source),
                                diagnostic,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                match args.format {
                    VerifyFormat::Json => {
                        diags.extend(extra);
                        json.push(JsonFile {
                            diagnostics: diags.iter().map(JsonDiagnostic::new).collect(),
                            report: Some(report),
                            file: None,
                            calls,
                        });
                    }
                    VerifyFormat::Text => {
                        write_text(&mut text, &report, &diags, color);
                        write_calls(&mut text, &calls);
                        text.push_str(&render_text(&extra, color));
                    }
                    VerifyFormat::Sarif => {
                        sarif_items.extend(diags);
                        sarif_items.extend(extra);
                    }
                }
            }
            Err(d) => match args.format {
                VerifyFormat::Json => json.push(JsonFile {
                    report: None,
                    file: Some(path.display().to_string()),
                    diagnostics: vec![JsonDiagnostic::new(&d)],
                    calls: Vec::new(),
                }),
                VerifyFormat::Text => {
                    let _ = writeln!(text, "{}: unreadable", path.display());
                    text.push_str(&render_text(&[d], color));
                }
                VerifyFormat::Sarif => sarif_items.push(d),
            },
        }
    }
    match args.format {
        VerifyFormat::Json => write_stdout(&(serde_json::to_string_pretty(&json)? + "\n"))?,
        VerifyFormat::Text => write_stdout(&text)?,
        VerifyFormat::Sarif => {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            let log = crate::report::sarif::render(&sarif_items, &[], &names);
            write_stdout(&(serde_json::to_string_pretty(&log)? + "\n"))?;
        }
    }
    Ok(status)
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Sound => "sound",
        Verdict::Unsound => "unsound",
        Verdict::Unknown => "unknown",
    }
}

/// The text form: a verdict line per file and unit, then each finding with its witness.
fn write_text(out: &mut String, report: &VerifyReport, diags: &[FileDiagnostic], color: bool) {
    let _ = writeln!(out, "{}: {}", report.file, verdict_word(report.verdict));
    if report.units.is_empty() {
        // Sound holds vacuously: say so rather than let "sound" suggest a check.
        let _ = writeln!(
            out,
            "  nothing to verify: the file has no process with a flow"
        );
    }
    for u in &report.units {
        let how = match u.decision {
            crate::verify::Decision::Structural => {
                format!("structural, {} fragments", u.fragments)
            }
            crate::verify::Decision::Symbolic => "symbolic".to_owned(),
            crate::verify::Decision::StateSpace => format!("{} states", u.states),
        };
        let _ = writeln!(
            out,
            "  {} {}: {} ({how})",
            serde_json::to_value(u.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            u.names.join(" + "),
            verdict_word(u.verdict),
        );
    }
    for (f, d) in report.findings.iter().zip(diags) {
        if !f.trace.is_empty() {
            let steps: Vec<String> = f
                .trace
                .iter()
                .map(|s| match &s.name {
                    Some(n) => format!("{} \"{n}\"", s.id),
                    None => s.id.clone(),
                })
                .collect();
            let what = if f.witness == Witness::Path {
                "path"
            } else {
                "shortest run"
            };
            let _ = writeln!(out, "\n{} witness ({what}): {}", f.code, steps.join(" -> "));
        }
        out.push_str(&render_text(std::slice::from_ref(d), color));
    }
}

/// One line per call activity: where its callee was found and the callee's verdict (a
/// call is verified as one step that completes: the callee's own verdict says whether it
/// does).
fn write_calls(out: &mut String, calls: &[CallReport]) {
    for c in calls {
        let who = match &c.name {
            Some(n) => format!("{} \"{n}\"", c.call),
            None => c.call.clone(),
        };
        let to = match (c.status, &c.file, &c.id) {
            ("local", _, Some(id)) => format!("{id} in this file"),
            (_, Some(file), Some(id)) => format!("{id} in {file}"),
            ("dynamic", ..) => "an expression, resolved at run time".to_owned(),
            _ => format!(
                "`{}`: not found ({})",
                c.called_element,
                c.reason.as_deref().unwrap_or("")
            ),
        };
        let verdict = match (c.verdict, c.status) {
            (Some(v), _) => format!(" ({})", verdict_word(v)),
            (None, "local" | "resolved") => " (not verified: unreadable)".to_owned(),
            _ => String::new(),
        };
        let _ = writeln!(out, "  call {who} -> {to}{verdict}");
    }
}
