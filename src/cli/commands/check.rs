//! `bpmnkit check`: lint and verify in one pass, the command CI runs.

use crate::cli::ExitStatus;
use crate::cli::commands::lint::{LintArgs, LintError, run_with};
use crate::verify::{DEFAULT_MAX_STATES, VerifyOptions};

/// What `bpmnkit check` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str =
    "Lint and verify in one pass (the command CI runs): findings of both, one exit code";

/// Arguments of `check`: those of `lint`, plus the verifier's state budget.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
pub struct CheckArgs {
    /// Lint arguments (paths, config, format, ...).
    #[command(flatten)]
    pub lint: LintArgs,
    /// Most states the verifier explores per process before answering "unknown (budget)".
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_STATES)]
    pub max_states: usize,
}

/// Runs `check`: every model is read once, linted with its config and verified; findings
/// of both come in one report, and the exit code is the worse of the two.
///
/// # Errors
/// Unusable configs or paths, and output failures.
pub fn run(args: &CheckArgs) -> Result<ExitStatus, LintError> {
    let options = VerifyOptions {
        max_states: args.max_states,
        ..VerifyOptions::default()
    };
    run_with(&args.lint, Some(&options))
}
