//! A model through rendering of its own diagrams and through the auto-layout and the
//! rendering of its result. Must never panic, and every SVG must be well-formed XML
//! (ids and names from the model are escaped).
#![no_main]

use libfuzzer_sys::fuzz_target;

fn well_formed(svg: &str) {
    let mut reader = quick_xml::Reader::from_str(svg);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(_) => {}
            Err(e) => panic!("SVG is not well-formed: {e}\n{svg}"),
        }
    }
    assert_eq!(depth, 0, "SVG has unclosed elements");
}

fuzz_target!(|data: &[u8]| {
    let Ok(model) =
        bpmnkit::parse::parse_bytes("fuzz.bpmn", data, &bpmnkit::testing::quick_options())
    else {
        return;
    };
    for diagram in &model.diagrams {
        well_formed(&bpmnkit::render::svg::render(&model, diagram).text);
    }
    let options = bpmnkit::render::layout::LayoutOptions::default();
    if let Ok(diagrams) = bpmnkit::render::layout::layout(&model, &options) {
        for diagram in &diagrams {
            well_formed(&bpmnkit::render::svg::render(&model, diagram).text);
        }
    }
});
