//! clap definitions: the raw command line.

use clap::{Parser, Subcommand};

use super::commands;

/// `bpmnkit --version`: the tool's version and the rule set it checks against.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nrule set: bpmnlint 11.15.0 (all 28 rules, same names and verdicts) + bpmnkit governance rules",
    "\nsimulation scenarios: Prosimos 2.1.0 JSON, BPSim, QBP"
);

/// bpmnkit: parse, lint, verify, simulate and render BPMN 2.0 process models.
#[derive(Debug, Parser)]
#[command(
    name = "bpmnkit",
    version,
    long_version = LONG_VERSION,
    about,
    propagate_version = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what a model contains: processes, pools, lanes, element counts, DI coverage.
    Inspect(commands::inspect::InspectArgs),
    /// Check soundness: deadlocks, lack of synchronisation, dead activities, livelocks.
    Verify(commands::verify::VerifyArgs),
    /// Draw a model's diagrams as SVG, the way bpmn.io shows them.
    Render(commands::render::RenderArgs),
    /// Write a self-contained HTML report: diagram, findings, soundness, simulation KPIs.
    Report(commands::report::ReportArgs),
    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    Completions(commands::completions::CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// Lay a model out automatically and write the diagram (DI) into a copy of the file.
    Layout(commands::layout::LayoutArgs),
    /// Check models against lint rules (bpmnlint's and governance rules), configured by
    /// `.bpmnlintrc`.
    Lint(commands::lint::LintArgs),
    /// Lint and verify in one pass (the command CI runs): findings of both, one exit code.
    Check(commands::check::CheckArgs),
    /// List the lint rules, or show one rule's documentation.
    Rules(commands::rules::RulesArgs),
    /// Estimate cycle times: discrete-event simulation and an analytic estimate.
    Simulate(commands::simulate::SimulateArgs),
}

/// Output formats shared by several commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// JSON on stdout.
    Json,
}

/// Parser limits, shared by every command that reads models.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Refuse elements nested deeper than this.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_depth: usize,
    /// Refuse files with more elements than this.
    #[arg(long, value_name = "N", default_value_t = 10_000_000)]
    pub max_elements: usize,
    /// Refuse elements with more attributes than this.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_attributes: usize,
    /// Refuse attribute values longer than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_attribute_length: usize,
    /// Treat bytes invalid in the declared encoding as an error (default: read them as
    /// windows-1252 with a warning).
    #[arg(long)]
    pub strict: bool,
}

impl ReadArgs {
    /// The parser options these flags ask for.
    #[must_use]
    pub fn options(&self) -> crate::parse::ParseOptions {
        crate::parse::ParseOptions {
            max_file_bytes: self.max_file_size,
            max_depth: self.max_depth,
            max_elements: self.max_elements,
            max_attributes: self.max_attributes,
            max_attribute_len: self.max_attribute_length,
            strict_encoding: self.strict,
            ..crate::parse::ParseOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    /// `--version` names the bpmnlint rule count: keep it true.
    #[test]
    fn long_version_matches_the_registry() {
        let bpmnlint = crate::lint::registry::all()
            .iter()
            .filter(|r| r.meta().source == Some("bpmnlint"))
            .count();
        assert_eq!(bpmnlint, 28);
        assert!(super::LONG_VERSION.contains("all 28 rules"));
    }
}
