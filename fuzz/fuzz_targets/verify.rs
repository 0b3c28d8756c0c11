//! A model through the soundness check (state-space exploration and the structural
//! method), under a state budget small enough for a fuzz iteration. Must never panic and
//! must stop at its budget.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(model) =
        bpmnkit::parse::parse_bytes("fuzz.bpmn", data, &bpmnkit::testing::quick_options())
    else {
        return;
    };
    for method in [
        bpmnkit::verify::Method::Auto,
        bpmnkit::verify::Method::Exhaustive,
    ] {
        let options = bpmnkit::verify::VerifyOptions {
            max_states: 5_000,
            method,
        };
        let report = bpmnkit::verify::verify_model(&model, &options);
        let _ = serde_json::to_string(&report);
    }
});
