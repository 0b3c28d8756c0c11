//! `bpmnkit completions SHELL` and `bpmnkit man`: generated from the clap definitions, so
//! they never drift from the real flags.

use clap::CommandFactory;

use crate::cli::{Cli, CliError, ExitStatus, write_stdout};

/// What `bpmnkit completions` does, as the command list and `--help` say it (one text for both:
/// the subcommand's arguments are defined only when it runs, see [`crate::cli::Command`]).
pub const ABOUT: &str = "Print shell completions (bash, zsh, fish, powershell, elvish)";

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
#[command(about = ABOUT)]
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
