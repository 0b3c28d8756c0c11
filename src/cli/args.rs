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
///
/// `defer`: a subcommand's arguments are defined only when that subcommand runs, so a run
/// builds the argument tree of one command rather than all eleven (about a third of a small
/// run's instructions before this).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// `bpmnkit inspect`: [`commands::inspect::ABOUT`].
    #[command(about = commands::inspect::ABOUT)]
    Inspect(commands::inspect::InspectArgs),
    /// `bpmnkit verify`: [`commands::verify::ABOUT`].
    #[command(about = commands::verify::ABOUT)]
    Verify(commands::verify::VerifyArgs),
    /// `bpmnkit render`: [`commands::render::ABOUT`].
    #[command(about = commands::render::ABOUT)]
    Render(commands::render::RenderArgs),
    /// `bpmnkit report`: [`commands::report::ABOUT`].
    #[command(about = commands::report::ABOUT)]
    Report(commands::report::ReportArgs),
    /// `bpmnkit completions`: [`commands::completions::ABOUT`].
    #[command(about = commands::completions::ABOUT)]
    Completions(commands::completions::CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// `bpmnkit layout`: [`commands::layout::ABOUT`].
    #[command(about = commands::layout::ABOUT)]
    Layout(commands::layout::LayoutArgs),
    /// `bpmnkit lint`: [`commands::lint::ABOUT`].
    #[command(about = commands::lint::ABOUT)]
    Lint(commands::lint::LintArgs),
    /// `bpmnkit check`: [`commands::check::ABOUT`].
    #[command(about = commands::check::ABOUT)]
    Check(commands::check::CheckArgs),
    /// `bpmnkit rules`: [`commands::rules::ABOUT`].
    #[command(about = commands::rules::ABOUT)]
    Rules(commands::rules::RulesArgs),
    /// `bpmnkit simulate`: [`commands::simulate::ABOUT`].
    #[command(about = commands::simulate::ABOUT)]
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
