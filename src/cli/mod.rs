//! The command-line interface: argument definitions, commands, output and exit codes.
//! Only this module prints; only `main.rs` exits.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod args;
pub mod commands;
pub mod files;
pub mod output;
pub mod pages;

use std::io::Write;

pub use args::{Cli, Command};

/// How a run ended, as a process exit code (0 clean, 1 findings, 2 error), as Ruff does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing to report.
    Success,
    /// Findings at error level (or more warnings than allowed).
    Findings,
    /// A file, config or argument could not be read.
    Error,
}

impl ExitStatus {
    /// The process exit code.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }

    /// The worse of two statuses.
    #[must_use]
    pub fn max(self, other: ExitStatus) -> ExitStatus {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }
}

/// Whether stderr/stdout colour is wanted: a terminal, and `NO_COLOR` unset.
#[must_use]
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes to stdout; a closed pipe is not an error (exit quietly, as ripgrep does).
///
/// # Errors
/// Other I/O errors.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Runs a parsed command line.
#[must_use]
pub fn run(cli: Cli) -> ExitStatus {
    pages::fit_to_inputs(&cli.command);
    let result = match cli.command {
        Command::Inspect(args) => commands::inspect::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
        Command::Render(args) => commands::render::run(&args),
        Command::Report(args) => commands::report::run(&args),
        Command::Completions(args) => commands::completions::completions(&args),
        Command::Man => commands::completions::man(),
        Command::Layout(args) => commands::layout::run(&args),
        Command::Lint(args) => {
            return commands::lint::run(&args).unwrap_or_else(|err| {
                eprintln!("{:?}", miette::Report::new(err));
                ExitStatus::Error
            });
        }
        Command::Check(args) => {
            return commands::check::run(&args).unwrap_or_else(|err| {
                eprintln!("{:?}", miette::Report::new(err));
                ExitStatus::Error
            });
        }
        Command::Rules(args) => {
            return commands::rules::run(&args).unwrap_or_else(|err| {
                eprintln!("{:?}", miette::Report::new(err));
                ExitStatus::Error
            });
        }
        Command::Simulate(args) => commands::simulate::run(&args),
    };
    match result {
        Ok(status) => status,
        Err(err) => {
            eprintln!("{:?}", miette::Report::new(err));
            ExitStatus::Error
        }
    }
}

/// An error of the CLI itself (as opposed to findings in a model).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CliError {
    /// No model files were found under the given paths.
    #[error("no BPMN files found in {0}")]
    #[diagnostic(
        code("cli::no-input"),
        help("pass .bpmn files or directories that contain them")
    )]
    NoInput(String),
    /// A path does not exist.
    #[error("cannot read {path}: {message}")]
    #[diagnostic(code(cli::io))]
    Io {
        /// The path.
        path: String,
        /// Why.
        message: String,
    },
    /// Output could not be written.
    #[error("cannot write output: {0}")]
    #[diagnostic(code(cli::output))]
    Output(#[from] std::io::Error),
    /// A diagram could not be rendered as asked.
    #[error("{0}")]
    #[diagnostic(code(cli::render), help("see bpmnkit render --help"))]
    Render(String),
    /// JSON could not be produced.
    #[error("cannot produce JSON: {0}")]
    #[diagnostic(code(cli::json))]
    Json(#[from] serde_json::Error),
    /// A simulation could not run (bad scenario, options or model).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Simulate(#[from] crate::simulate::SimError),
}
