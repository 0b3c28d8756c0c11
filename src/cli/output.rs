//! Writing output files safely: atomically (a temporary file in the same directory,
//! renamed over the target, so a reader never sees half a file and a crash never leaves
//! one), and never over one of the command's input files unless the caller says so.
//!
//! Every command that writes files (`render -o`, `report -o`, ...) goes through
//! [`write_atomic`]:
//!
//! ```no_run
//! # use std::path::{Path, PathBuf};
//! # fn demo(inputs: &[PathBuf], svg: &str) -> Result<(), bpmnkit::cli::output::OutputError> {
//! use bpmnkit::cli::output::{write_atomic, Overwrite};
//! write_atomic(Path::new("out/order.svg"), svg.as_bytes(), inputs, Overwrite::Refuse)?;
//! # Ok(()) }
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

/// Whether an output may replace one of the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse to write over an input file (the default everywhere).
    Refuse,
    /// The user asked for it (`--in-place`).
    AllowInputs,
}

/// Why an output file was not written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum OutputError {
    /// The target is one of the input files.
    #[error("refusing to overwrite the input file {0}")]
    #[diagnostic(
        code(cli::output),
        help("write to another path; inputs are only rewritten with --in-place")
    )]
    WouldOverwriteInput(String),
    /// The target is a directory.
    #[error("cannot write {0}: it is a directory")]
    #[diagnostic(code(cli::output), help("give a file name"))]
    IsDirectory(String),
    /// Creating, writing or renaming failed.
    #[error("cannot write {path}: {source}")]
    #[diagnostic(code(cli::output))]
    Io {
        /// The target path.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// The path with symlinks and `..` resolved, when it exists; otherwise its parent's
/// canonical form joined with the file name (the target usually does not exist yet).
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    parent.canonicalize().ok().map(|p| p.join(name))
}

/// Whether `target` names the same file as one of `inputs` (after resolving symlinks,
/// and by device and inode where the platform has them, so hard links count too).
#[must_use]
pub fn is_input(target: &Path, inputs: &[PathBuf]) -> bool {
    let Some(t) = canonical(target) else {
        return false;
    };
    #[cfg(unix)]
    let t_id = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(&t).ok().map(|m| (m.dev(), m.ino()))
    };
    inputs.iter().any(|input| {
        let Some(i) = canonical(input) else {
            return false;
        };
        if i == t {
            return true;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let i_id = std::fs::metadata(&i).ok().map(|m| (m.dev(), m.ino()));
            if t_id.is_some() && t_id == i_id {
                return true;
            }
        }
        false
    })
}

/// Writes `bytes` to `target` atomically: into a new temporary file in the target's
/// directory, flushed to disk, then renamed over the target. On any error the target is
/// left as it was and the temporary file is removed.
///
/// # Errors
/// [`OutputError::WouldOverwriteInput`] when `target` is one of `inputs` and
/// `overwrite` is [`Overwrite::Refuse`]; [`OutputError::IsDirectory`]; I/O failures.
pub fn write_atomic(
    target: &Path,
    bytes: &[u8],
    inputs: &[PathBuf],
    overwrite: Overwrite,
) -> Result<(), OutputError> {
    write_atomic_with(target, inputs, overwrite, |w| w.write_all(bytes))
}

/// [`write_atomic`] for output produced piece by piece (an event log of millions of
/// rows): `fill` writes into a buffered writer on the temporary file.
///
/// # Errors
/// As [`write_atomic`], and whatever `fill` returns.
pub fn write_atomic_with(
    target: &Path,
    inputs: &[PathBuf],
    overwrite: Overwrite,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let shown = target.display().to_string();
    let replaces_input = is_input(target, inputs);
    if overwrite == Overwrite::Refuse && replaces_input {
        return Err(OutputError::WouldOverwriteInput(shown));
    }
    if target.is_dir() {
        return Err(OutputError::IsDirectory(shown));
    }
    let io = |source| OutputError::Io {
        path: shown.clone(),
        source,
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".bpmnkit-").suffix(".tmp");
    // A temporary file is private (0600) by default; an output is an ordinary file, so it
    // is created as `open` would create it: 0666 less the umask.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w).map_err(io)?;
        w.flush().map_err(io)?;
    }
    // Readers never see a half-written file either way (the rename is atomic). Forcing the
    // data to disk before the rename also keeps a crash from leaving an empty file in its
    // place; that costs ~15 ms a file, so it is done where the old content is the user's
    // (`--in-place` over an input), not for outputs that can be generated again.
    if replaces_input {
        tmp.as_file().sync_all().map_err(io)?;
    }
    // Keep the permissions of a file we replace (a new file gets the umask default).
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(target).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.svg");
        write_atomic(&target, b"one", &[], Overwrite::Refuse).unwrap();
        write_atomic(&target, b"two", &[], Overwrite::Refuse).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.svg")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_output_gets_the_permissions_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, b"x").unwrap();
        let target = dir.path().join("out.svg");
        write_atomic(&target, b"x", &[], Overwrite::Refuse).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&target), mode(&plain));
        // A file that is replaced keeps its own permissions.
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, b"y", &[], Overwrite::Refuse).unwrap();
        assert_eq!(mode(&target), 0o640);
    }

    #[test]
    fn refuses_to_overwrite_an_input_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("model.bpmn");
        std::fs::write(&input, b"<model/>").unwrap();
        let inputs = vec![input.clone()];
        let other_spelling = dir.path().join(".").join("model.bpmn");
        for target in [&input, &other_spelling] {
            let err = write_atomic(target, b"x", &inputs, Overwrite::Refuse).unwrap_err();
            assert!(matches!(err, OutputError::WouldOverwriteInput(_)));
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link.bpmn");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(write_atomic(&link, b"x", &inputs, Overwrite::Refuse).is_err());
            let hard = dir.path().join("hard.bpmn");
            std::fs::hard_link(&input, &hard).unwrap();
            assert!(write_atomic(&hard, b"x", &inputs, Overwrite::Refuse).is_err());
        }
        assert_eq!(std::fs::read(&input).unwrap(), b"<model/>");
        write_atomic(&input, b"new", &inputs, Overwrite::AllowInputs).unwrap();
        assert_eq!(std::fs::read(&input).unwrap(), b"new");
    }

    #[test]
    fn a_directory_or_missing_parent_is_an_error_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            write_atomic(dir.path(), b"x", &[], Overwrite::Refuse),
            Err(OutputError::IsDirectory(_))
        ));
        let missing = dir.path().join("no/such/dir/out.svg");
        assert!(matches!(
            write_atomic(&missing, b"x", &[], Overwrite::Refuse),
            Err(OutputError::Io { .. })
        ));
    }
}
