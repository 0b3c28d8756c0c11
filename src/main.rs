//! The `bpmnkit` binary: parse arguments, run, map the result to an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = bpmnkit::cli::Cli::parse();
    std::process::ExitCode::from(bpmnkit::cli::run(cli).code())
}
