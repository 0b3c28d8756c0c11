//! The `bpmnkit` binary: parse arguments, run, map the result to an exit code.

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = bpmnkit::cli::Cli::parse();
    std::process::ExitCode::from(bpmnkit::cli::run(cli).code())
}
