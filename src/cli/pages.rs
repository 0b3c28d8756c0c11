//! Which memory pages this process asks for, chosen from the size of its input.
//!
//! The allocator (mimalloc) advises the kernel to back its arenas with transparent huge
//! pages. Each first touch of a 2 MiB region then costs the zeroing of the whole region:
//! measured here, one such fault before `main` (the first arena's, see .cargo/config.toml;
//! two with mimalloc's default 1 GiB first arena, three when dynamically linked) and another
//! while reading a 10 KB model, about half of a small `verify` run (`/proc/vmstat`
//! `thp_fault_alloc`, `perf stat`). On a 500 KB model the same pages save some two thousand
//! 4 KiB faults. So a run whose inputs are all small files switches huge pages off for the
//! rest of the process, and any other run keeps them: directories and standard input (sizes
//! unknown up front), and simulation, whose memory grows with the number of cases, not with
//! the model.

use std::path::PathBuf;

use super::Command;

/// Inputs up to this many bytes in all run on ordinary pages. A model this size needs a
/// few megabytes of heap at most, where huge pages cost more zeroing than they save faults.
pub const SMALL_INPUT_BYTES: u64 = 128 * 1024;

/// Switches transparent huge pages off for this process when `command` reads only small
/// files. Failure (an old kernel, another OS) changes nothing but speed, so it is ignored.
pub fn fit_to_inputs(command: &Command) {
    if inputs_are_small(command) {
        disable_huge_pages();
    }
}

/// Whether every input of `command` is a regular file and together they are small.
fn inputs_are_small(command: &Command) -> bool {
    let paths: &[PathBuf] = match command {
        Command::Inspect(args) => &args.paths,
        Command::Verify(args) => &args.paths,
        Command::Lint(args) => &args.paths,
        Command::Check(args) => &args.lint.paths,
        Command::Layout(args) => std::slice::from_ref(&args.input),
        Command::Render(args) => std::slice::from_ref(&args.model),
        Command::Rules(_) | Command::Completions(_) | Command::Man => &[],
        Command::Simulate(_) | Command::Report(_) => return false,
    };
    let mut total: u64 = 0;
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => total = total.saturating_add(meta.len()),
            _ => return false,
        }
    }
    total <= SMALL_INPUT_BYTES
}

#[cfg(target_os = "linux")]
fn disable_huge_pages() {
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

#[cfg(not(target_os = "linux"))]
fn disable_huge_pages() {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn small(args: &[&str]) -> bool {
        inputs_are_small(&Cli::try_parse_from(args).unwrap().command)
    }

    #[test]
    fn only_runs_on_small_files_give_up_huge_pages() {
        let dir = tempfile::tempdir().unwrap();
        let little = dir.path().join("little.bpmn");
        let large = dir.path().join("large.bpmn");
        std::fs::write(&little, vec![b' '; 1000]).unwrap();
        std::fs::write(&large, vec![b' '; 200_000]).unwrap();
        let (l, g, d) = (
            little.to_str().unwrap(),
            large.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        );
        assert!(small(&["bpmnkit", "verify", l]));
        assert!(small(&["bpmnkit", "check", l, l]));
        assert!(small(&["bpmnkit", "layout", l, "-o", "-"]));
        assert!(small(&["bpmnkit", "rules"]));
        assert!(!small(&["bpmnkit", "verify", l, g]));
        assert!(!small(&["bpmnkit", "render", g]));
        assert!(
            !small(&["bpmnkit", "lint", d]),
            "a directory's size is unknown"
        );
        assert!(!small(&["bpmnkit", "lint", "-"]), "standard input");
        assert!(
            !small(&["bpmnkit", "simulate", l]),
            "memory grows with cases"
        );
    }
}
