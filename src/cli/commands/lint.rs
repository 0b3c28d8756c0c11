//! `bpmnkit lint`: check models against the configured rules.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cli::args::ReadArgs;
use crate::cli::commands::inspect::parse_error_diagnostic;
use crate::cli::{CliError, ExitStatus, files, use_color, write_stdout};
use crate::diagnostic::Severity;
use crate::lint::config::{self, Config, ConfigError};
use crate::parse::parse_file;
use crate::report::lint::{LintedFile, report};
use crate::report::{FileDiagnostic, github, render_text, sarif};
use crate::workspace::ModelIndex;

/// Output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LintFormat {
    /// Human-readable text with the XML snippet (miette).
    #[default]
    Text,
    /// JSON, as described by `schemas/lint-report.schema.json`.
    Json,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
    /// GitHub Actions annotations (`::error file=...::message`).
    Github,
}

/// What `bpmnkit lint` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str = "Check models against lint rules (bpmnlint's and governance rules), configured by `.bpmnlintrc`";

/// Arguments of `lint`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct LintArgs {
    /// Model files or directories (walked for *.bpmn and BPMN *.xml).
    #[arg(required_unless_present = "init")]
    pub paths: Vec<PathBuf>,
    /// Use this config for every file instead of the nearest `.bpmnlintrc` above each one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: LintFormat,
    /// Fail (exit 1) when there are more warnings than this.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Set a rule's level, over the config: `--rule label-required=off` (repeatable).
    #[arg(long = "rule", value_name = "NAME=LEVEL")]
    pub rules: Vec<String>,
    /// Write a starter `.bpmnlintrc` into the current directory (never overwrites).
    #[arg(long)]
    pub init: bool,
    /// Parser limits.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// What `lint` could not do before linting (config problems).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LintError {
    /// A config is unusable.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    /// Something outside the configs.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Cli(#[from] CliError),
    /// `--init` found a config already.
    #[error("{0} exists already; not overwriting it")]
    #[diagnostic(
        code("cli::init-exists"),
        help("edit the existing file, or remove it first")
    )]
    InitExists(String),
}

/// Writes the starter config, never over an existing one.
fn init() -> Result<ExitStatus, LintError> {
    let path = Path::new(config::FILE_NAME);
    if path.exists() {
        return Err(LintError::InitExists(config::FILE_NAME.to_owned()));
    }
    // Write to a temporary file, then rename (atomic on one file system).
    let tmp = Path::new(".bpmnlintrc.tmp");
    std::fs::write(tmp, config::starter()).map_err(CliError::Output)?;
    if let Err(e) = std::fs::hard_link(tmp, path) {
        let _ = std::fs::remove_file(tmp);
        if path.exists() {
            return Err(LintError::InitExists(config::FILE_NAME.to_owned()));
        }
        return Err(CliError::Output(e).into());
    }
    let _ = std::fs::remove_file(tmp);
    eprintln_ok(&format!("wrote {}", config::FILE_NAME));
    Ok(ExitStatus::Success)
}

#[allow(clippy::print_stderr)]
fn eprintln_ok(s: &str) {
    eprintln!("{s}");
}

/// Finds and loads the config of each file (cached per directory and config path).
fn configs_for(paths: &[PathBuf], args: &LintArgs) -> Result<Vec<Arc<Config>>, LintError> {
    let apply_cli = |mut c: Config| -> Result<Config, ConfigError> {
        for spec in &args.rules {
            c.set_rule(spec)?;
        }
        Ok(c)
    };
    if let Some(p) = &args.config {
        let c = Arc::new(apply_cli(Config::load(p)?)?);
        return Ok(vec![c; paths.len()]);
    }
    let mut by_file: HashMap<Option<PathBuf>, Arc<Config>> = HashMap::new();
    let mut dir_cache: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let found = dir_cache
            .entry(dir.clone())
            .or_insert_with(|| config::find_upward(&dir))
            .clone();
        let cfg = match by_file.get(&found) {
            Some(c) => Arc::clone(c),
            None => {
                let c = match &found {
                    Some(f) => Config::load(f)?,
                    None => Config::builtin_default(),
                };
                let c = Arc::new(apply_cli(c)?);
                by_file.insert(found, Arc::clone(&c));
                c
            }
        };
        out.push(cfg);
    }
    Ok(out)
}

/// Lints one file: reading problems, then rule findings, sorted by position.
fn lint_one(
    path: &Path,
    cfg: &Config,
    read: &crate::parse::ParseOptions,
    verify: Option<&crate::verify::VerifyOptions>,
) -> (Vec<FileDiagnostic>, Option<ModelIndex>) {
    match parse_file(path, read) {
        Ok(model) => {
            let index = ModelIndex::of(&model, Some(path));
            let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            let rules = cfg.rules_for(&abs);
            let mut all = model.diagnostics.clone();
            all.extend(crate::lint::check(&model, &rules));
            if let Some(options) = verify {
                all.extend(crate::verify::verify_model(&model, options).diagnostics);
            }
            all.sort_by(|a, b| {
                (a.span.map(|s| s.start), &a.code, &a.element_id).cmp(&(
                    b.span.map(|s| s.start),
                    &b.code,
                    &b.element_id,
                ))
            });
            let items = all
                .into_iter()
                .map(|d| FileDiagnostic {
                    source: Arc::clone(&model.source),
                    diagnostic: d,
                })
                .collect();
            files::dispose(model, false);
            (items, Some(index))
        }
        Err(e) => (vec![parse_error_diagnostic(e)], None),
    }
}

/// Runs `lint`.
///
/// # Errors
/// Unusable configs or paths, and output failures.
pub fn run(args: &LintArgs) -> Result<ExitStatus, LintError> {
    run_with(args, None)
}

/// Runs `lint`, and with `verify` also the soundness checks on every model read (the
/// `check` command): one parse per file, one report.
///
/// # Errors
/// Unusable configs or paths, and output failures.
pub fn run_with(
    args: &LintArgs,
    verify: Option<&crate::verify::VerifyOptions>,
) -> Result<ExitStatus, LintError> {
    if args.init {
        return init();
    }
    let paths = files::collect(&args.paths)?;
    let configs = configs_for(&paths, args)?;
    let read = args.read.options();
    let mut results: Vec<(Vec<FileDiagnostic>, Option<ModelIndex>)> = paths
        .par_iter()
        .zip(configs.par_iter())
        .map(|(p, c)| lint_one(p, c, &read, verify))
        .collect();
    crate::workspace::add_diagnostics(&mut results, &read);
    let mut unreadable = false;
    let mut linted = Vec::with_capacity(paths.len());
    let mut all: Vec<FileDiagnostic> = Vec::new();
    for ((path, cfg), (diags, index)) in paths.iter().zip(&configs).zip(results) {
        unreadable |= index.is_none();
        linted.push(LintedFile {
            path: path.display().to_string(),
            config: cfg.path.as_ref().map(|p| p.display().to_string()),
            diagnostics: diags.clone(),
        });
        all.extend(diags);
    }
    let errors = all
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
        .count();
    let warnings = all
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Warning)
        .count();
    let infos = all.len() - errors - warnings;
    let out = match args.format {
        LintFormat::Text => {
            let color = use_color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
            let mut s = render_text(&all, color);
            s.push_str(&format!(
                "{} file{} {}: {errors} error{}, {warnings} warning{}, {infos} info\n",
                paths.len(),
                plural(paths.len()),
                if verify.is_some() {
                    "checked"
                } else {
                    "linted"
                },
                plural(errors),
                plural(warnings)
            ));
            s
        }
        LintFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report(&linted)).map_err(CliError::Json)?;
            s.push('\n');
            s
        }
        LintFormat::Sarif => {
            let names: Vec<String> = linted.iter().map(|f| f.path.clone()).collect();
            let log = sarif::render(&all, &crate::lint::registry::all(), &names);
            let mut s = serde_json::to_string_pretty(&log).map_err(CliError::Json)?;
            s.push('\n');
            s
        }
        LintFormat::Github => github::render(&all),
    };
    write_stdout(&out).map_err(CliError::Output)?;
    let too_many = args.max_warnings.is_some_and(|m| warnings > m);
    Ok(if unreadable {
        ExitStatus::Error
    } else if errors > 0 || too_many {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
