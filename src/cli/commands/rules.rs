//! `bpmnkit rules`: list the rules, or show one rule's documentation.

use std::fmt::Write as _;

use crate::cli::{CliError, ExitStatus, write_stdout};
use crate::lint::config::find_rule;
use crate::lint::{configs, registry};

/// What `bpmnkit rules` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str = "List the lint rules, or show one rule's documentation";

/// Arguments of `rules`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct RulesArgs {
    /// Show this rule's full documentation.
    pub name: Option<String>,
}

/// Errors of `rules`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RulesError {
    /// No such rule.
    #[error("unknown rule `{0}`")]
    #[diagnostic(code("cli::unknown-rule"), help("`bpmnkit rules` lists every rule"))]
    Unknown(String),
    /// Output failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Cli(#[from] CliError),
}

/// The level a built-in config gives a rule, as a short column value.
fn level_in(config: &str, rule: &str) -> &'static str {
    configs::by_name(config)
        .and_then(|c| c.rules.iter().find(|(n, _)| *n == rule))
        .map_or("-", |(_, l)| l.as_str())
}

/// Runs `rules`.
///
/// # Errors
/// Unknown rule names and output failures.
pub fn run(args: &RulesArgs) -> Result<ExitStatus, RulesError> {
    let mut out = String::new();
    if let Some(name) = &args.name {
        let rule = find_rule(name).ok_or_else(|| RulesError::Unknown(name.clone()))?;
        let m = rule.meta();
        let _ = writeln!(out, "# {}\n", m.name);
        let _ = writeln!(
            out,
            "category: {}   source: {}",
            format!("{:?}", m.category).to_lowercase(),
            m.source.unwrap_or("bpmnkit")
        );
        let levels: Vec<String> = configs::BUILTIN
            .iter()
            .map(|c| format!("{} = {}", c.name, level_in(c.name, m.name)))
            .collect();
        let _ = writeln!(out, "{}\n", levels.join(", "));
        out.push_str(&m.markdown());
    } else {
        let names: Vec<&str> = configs::BUILTIN.iter().map(|c| c.name).collect();
        let _ = writeln!(
            out,
            "{:<38} {:<12} {:<11} {:<11} {:<11} summary",
            "rule", "category", "recommended", "all", "correctness"
        );
        for r in registry::all() {
            let m = r.meta();
            let _ = writeln!(
                out,
                "{:<38} {:<12} {:<11} {:<11} {:<11} {}",
                m.name,
                format!("{:?}", m.category).to_lowercase(),
                level_in(names[0], m.name),
                level_in(names[1], m.name),
                level_in(names[2], m.name),
                m.summary()
            );
        }
        let _ = writeln!(
            out,
            "\nlevels: the rule's level in bpmnlint:recommended, bpmnlint:all, bpmnlint:correctness (- = not in it).\n`bpmnkit rules NAME` shows a rule's documentation."
        );
    }
    write_stdout(&out).map_err(CliError::Output)?;
    Ok(ExitStatus::Success)
}
