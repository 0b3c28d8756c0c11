//! Finding model files under the paths given on the command line.

use std::path::{Path, PathBuf};

use super::CliError;
use crate::model::BPMN_NS;

/// Whether a `.xml` file holds BPMN (its first 64 KiB mention the BPMN namespace).
fn xml_holds_bpmn(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut buf))
        .is_ok()
        && buf.windows(BPMN_NS.len()).any(|w| w == BPMN_NS.as_bytes())
}

/// Expands files and directories into model files: directories are walked for `*.bpmn`,
/// `*.bpmn2` and for `*.xml` files that hold BPMN, in sorted order; files are taken as given.
///
/// # Errors
/// A path that does not exist, or no model file at all.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| CliError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(|e| CliError::Io {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let p = entry.path();
                match p.extension().and_then(|e| e.to_str()) {
                    // `.bpmn2` is what jBPM, Drools and the Eclipse BPMN2 Modeler write.
                    Some(ext)
                        if ext.eq_ignore_ascii_case("bpmn")
                            || ext.eq_ignore_ascii_case("bpmn2") =>
                    {
                        found.push(p.to_path_buf());
                    }
                    Some(ext) if ext.eq_ignore_ascii_case("xml") && xml_holds_bpmn(p) => {
                        found.push(p.to_path_buf());
                    }
                    _ => {}
                }
            }
            if found.is_empty() {
                return Err(CliError::NoInput(path.display().to_string()));
            }
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    if out.is_empty() {
        return Err(CliError::NoInput("the given paths".to_owned()));
    }
    Ok(out)
}

/// Frees a model the caller no longer needs without making it wait for tens of thousands
/// of small deallocations. With `last` nothing else runs in this process afterwards: the
/// model is left to the system, which takes the memory back at exit (as compilers do).
/// Otherwise a large model is freed on a thread of its own and a small one in place.
pub fn dispose(model: crate::model::Model, last: bool) {
    const BACKGROUND_MIN_ELEMENTS: usize = 5_000;
    if last {
        std::mem::forget(model);
    } else if model.elements.len() >= BACKGROUND_MIN_ELEMENTS {
        // If the thread cannot be started, the model is dropped here as usual.
        let _ = std::thread::Builder::new().spawn(move || drop(model));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_yield_bpmn_bpmn2_and_bpmn_xml_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let bpmn = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>"#;
        for (name, text) in [
            ("a.bpmn", bpmn),
            ("b.bpmn2", bpmn),
            ("c.bpmn20.xml", bpmn),
            ("d.xml", "<pom/>"),
            ("e.txt", bpmn),
        ] {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        let found = collect(&[dir.path().to_path_buf()]).expect("files found");
        let names: Vec<_> = found
            .iter()
            .filter_map(|p| p.file_name()?.to_str())
            .collect();
        assert_eq!(names, ["a.bpmn", "b.bpmn2", "c.bpmn20.xml"]);
    }
}
