//! Verification speed on the generated 100-node block-structured models that
//! `bench/vs-pm4py.sh` compares against pm4py (`gen_blocks.py --nodes 100 --seed 1`, one per
//! family and defect, in `benches/models/`). Each model is parsed once; only
//! `verify_model` is timed.
//!
//! Run: `cargo bench --bench verify`.
#![allow(missing_docs, clippy::unwrap_used)]

use bpmnkit::verify::{VerifyOptions, verify_model};

// The CLI's allocator: verification is allocation-heavy enough for it to matter.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const MODELS: &[&str] = &[
    "seq-100-none",
    "xor-100-none",
    "xor-100-deadlock",
    "mixed-100-none",
    "mixed-100-deadlock",
    "mixed-100-lack-of-sync",
    "and-100-none",
    "and-100-deadlock",
    "and-100-lack-of-sync",
];

fn load(name: &str) -> bpmnkit::Model {
    let path = format!("{}/benches/models/{name}.bpmn", env!("CARGO_MANIFEST_DIR"));
    bpmnkit::parse_file(std::path::Path::new(&path), &Default::default()).unwrap()
}

#[divan::bench(args = MODELS)]
fn verify(bencher: divan::Bencher, name: &str) {
    let model = load(name);
    let options = VerifyOptions::default();
    bencher.bench(|| verify_model(divan::black_box(&model), &options));
}
