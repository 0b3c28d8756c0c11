//! A simulation scenario (Prosimos-style JSON) against one of the sample models: the
//! first byte picks the model, the rest is the scenario. Reads it, compiles it with the
//! model and simulates a few cases with both methods. Must never panic nor hang, whatever
//! the probabilities, durations, resources and calendars say.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The models the scenarios are written for (samples and simulation fixtures).
const MODELS: &[(&str, &str)] = &[
    (
        "invoice-approval.bpmn",
        include_str!("../../samples/invoice-approval.bpmn"),
    ),
    (
        "order-to-cash.bpmn",
        include_str!("../../samples/order-to-cash.bpmn"),
    ),
    (
        "purchase-order.bpmn",
        include_str!("../../samples/purchase-order.bpmn"),
    ),
    (
        "complaint-resolution.bpmn",
        include_str!("../../samples/complaint-resolution.bpmn"),
    ),
    (
        "global-onboarding.bpmn",
        include_str!("../../samples/global-onboarding.bpmn"),
    ),
    (
        "and_join.bpmn",
        include_str!("../../tests/fixtures/simulate/and_join.bpmn"),
    ),
    (
        "boundary_timer.bpmn",
        include_str!("../../tests/fixtures/simulate/boundary_timer.bpmn"),
    ),
    (
        "calendar.bpmn",
        include_str!("../../tests/fixtures/simulate/calendar.bpmn"),
    ),
    (
        "loop.bpmn",
        include_str!("../../tests/fixtures/simulate/loop.bpmn"),
    ),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (name, xml) = MODELS[usize::from(pick) % MODELS.len()];
    let Ok(model) = bpmnkit::parse_str(name, xml, &bpmnkit::ParseOptions::default()) else {
        return;
    };
    let Ok(scenario) = bpmnkit::simulate::Scenario::from_json(text) else {
        return;
    };
    let Ok(prepared) = bpmnkit::simulate::prepare(&model, Some(scenario), None) else {
        return;
    };
    let options = bpmnkit::simulate::SimOptions {
        cases: Some(20),
        replications: Some(1),
        ..Default::default()
    };
    let report = bpmnkit::simulate::run(&prepared, &options);
    let _ = serde_json::to_string(&report);
});
