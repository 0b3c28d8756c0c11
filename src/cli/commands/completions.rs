//! `bpmnkit completions SHELL` and `bpmnkit man`: generated from the clap definitions, so
//! they never drift from the real flags.

use clap::CommandFactory;

use crate::cli::{Cli, CliError, ExitStatus, write_stdout};

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints shell completions on stdout.
///
/// # Errors
/// Output failures.
pub fn completions(args: &CompletionsArgs) -> Result<ExitStatus, CliError> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "bpmnkit", &mut buf);
    write_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(ExitStatus::Success)
}

/// Prints the man page (roff) on stdout.
///
/// # Errors
/// Output failures.
pub fn man() -> Result<ExitStatus, CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    write_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(ExitStatus::Success)
}
