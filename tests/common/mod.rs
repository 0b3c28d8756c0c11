//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The shared corpus folder (`../shared/corpus` from the package root).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// The package root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `*.bpmn` under a folder, sorted.
pub fn bpmn_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "bpmn"))
        .map(|e| e.path().to_path_buf())
        .collect();
    out.sort();
    out
}

/// Path relative to the corpus or package root, with `/` separators, for snapshot names.
pub fn rel(path: &Path) -> String {
    let corpus = corpus();
    let root = root();
    path.strip_prefix(&corpus)
        .or_else(|_| path.strip_prefix(&root))
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

pub mod hostile;
pub mod mutate;
