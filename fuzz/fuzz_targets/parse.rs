//! Any bytes through the whole reading path and every stage after it (see
//! `bpmnkit::testing::exercise`): decode, XML walk, resolve, summary, graphs and the
//! rendering of every diagnostic. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bpmnkit::testing::exercise("fuzz.bpmn", data, &bpmnkit::testing::quick_options());
});
