//! Property tests: reading never panics, whatever the bytes, and on generated BPMN-like
//! XML the whole pipeline (`bpmnkit::testing::exercise`) holds up.

use proptest::prelude::*;

use bpmnkit::testing::{Outcome, exercise, quick_options};

/// Fuzz-found inputs, kept as regression tests (see fuzz/README.md).
#[test]
fn fuzz_regressions() {
    let dir = crate::common::root().join("tests/fixtures/fuzz");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let _ = exercise("regression.bpmn", &bytes, &quick_options());
    }
}

/// A diagnostic far out on a very long line: miette panics when padding past 65,535
/// columns (found by fuzzing), and showing a multi-megabyte line is useless anyway.
#[test]
fn diagnostics_on_very_long_lines_render_without_the_snippet() {
    let filler = format!("<bpmn:task id=\"pad\" name=\"{}\"/>", "x".repeat(70_000));
    let xml = format!(
        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\"><bpmn:process id=\"p\">{filler}<bpmn:sequenceFlow id=\"f\" sourceRef=\"nowhere\" targetRef=\"pad\"/></bpmn:process></bpmn:definitions>"
    );
    let model = bpmnkit::parse_str("long.bpmn", &xml, &Default::default()).unwrap();
    let items: Vec<_> = model
        .diagnostics
        .iter()
        .map(|d| bpmnkit::report::FileDiagnostic {
            source: model.source.clone(),
            diagnostic: d.clone(),
        })
        .collect();
    assert!(!items.is_empty());
    let text = bpmnkit::report::render_text(&items, false);
    assert!(text.contains("[long.bpmn:1:70133]"), "{text}");
    assert!(text.contains("too long to show"));
    assert!(text.len() < 2_000, "the line is not printed");
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z_][a-zA-Z0-9_.-]{0,8}",
        "[ -~]{0,12}".prop_map(|s| s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")),
        "\\PC{0,6}".prop_map(|s| s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")),
    ]
}

const KINDS: &[&str] = &[
    "task",
    "userTask",
    "startEvent",
    "endEvent",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "subProcess",
    "callActivity",
    "boundaryEvent",
    "intermediateCatchEvent",
    "dataObjectReference",
];

/// One generated element: kind, id, name, and up to two references (which may dangle).
#[derive(Debug, Clone)]
struct Node {
    kind: usize,
    id: usize,
    name: String,
    refs: (usize, usize),
    nested: bool,
}

fn node() -> impl Strategy<Value = Node> {
    (
        0..KINDS.len(),
        0usize..40,
        name(),
        (0usize..48, 0usize..48),
        any::<bool>(),
    )
        .prop_map(|(kind, id, name, refs, nested)| Node {
            kind,
            id,
            name,
            refs,
            nested,
        })
}

/// BPMN-like XML: random elements with random (possibly duplicate) ids, flows between
/// random (possibly missing) ids, nesting, DI with random numbers, extension content.
fn bpmn_like() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(node(), 0..40),
        prop::collection::vec((0usize..48, -1e6f64..1e6, any::<bool>()), 0..20),
        any::<bool>(),
    )
        .prop_map(|(nodes, shapes, default_ns)| {
            let p = if default_ns { "" } else { "bpmn:" };
            let mut body = String::new();
            let mut open_sub = false;
            for n in &nodes {
                let kind = KINDS[n.kind];
                let extra = match kind {
                    "boundaryEvent" => format!(" attachedToRef=\"n{}\"", n.refs.0),
                    "exclusiveGateway" => format!(" default=\"f{}\"", n.refs.1),
                    "callActivity" => format!(" calledElement=\"n{}\"", n.refs.0),
                    _ => String::new(),
                };
                body.push_str(&format!(
                    "<{p}{kind} id=\"n{}\" name=\"{}\"{extra}>",
                    n.id, n.name
                ));
                if n.nested && kind == "subProcess" && !open_sub {
                    open_sub = true;
                    continue;
                }
                if n.nested {
                    body.push_str(&format!(
                        "<{p}extensionElements><v:x a=\"1\"><{p}task id=\"raw{}\"/></v:x></{p}extensionElements>",
                        n.id
                    ));
                }
                body.push_str(&format!("</{p}{kind}>"));
                body.push_str(&format!(
                    "<{p}sequenceFlow id=\"f{}\" sourceRef=\"n{}\" targetRef=\"n{}\"/>",
                    n.id, n.refs.0, n.refs.1
                ));
            }
            if open_sub {
                body.push_str(&format!("</{p}subProcess>"));
            }
            let mut di = String::new();
            for (target, x, edge) in shapes {
                if edge {
                    di.push_str(&format!("<bpmndi:BPMNEdge id=\"e{target}\" bpmnElement=\"f{target}\"><di:waypoint x=\"{x}\" y=\"0\"/><di:waypoint x=\"NaN\" y=\"{x}\"/></bpmndi:BPMNEdge>"));
                } else {
                    di.push_str(&format!("<bpmndi:BPMNShape id=\"s{target}\" bpmnElement=\"n{target}\"><dc:Bounds x=\"{x}\" y=\"{x}\" width=\"{}\" height=\"80\"/></bpmndi:BPMNShape>", -x));
                }
            }
            let xmlns = if default_ns {
                "xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\""
            } else {
                "xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\""
            };
            format!(
                "<?xml version=\"1.0\"?><{p}definitions {xmlns} xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" xmlns:v=\"urn:v\" id=\"d\"><{p}process id=\"p\">{body}</{p}process><bpmndi:BPMNDiagram id=\"D\"><bpmndi:BPMNPlane id=\"PL\" bpmnElement=\"p\">{di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></{p}definitions>"
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = exercise("bytes.bpmn", &bytes, &quick_options());
    }

    #[test]
    fn arbitrary_text_after_a_bpmn_prefix_never_panics(tail in "\\PC{0,400}") {
        let text = format!("<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">{tail}");
        let _ = exercise("text.bpmn", text.as_bytes(), &quick_options());
    }

    #[test]
    fn generated_bpmn_like_models_read_and_go_through_every_stage(xml in bpmn_like()) {
        // Well-formed by construction: it must read (diagnostics are fine).
        let outcome = exercise("generated.bpmn", xml.as_bytes(), &quick_options());
        prop_assert!(matches!(outcome, Outcome::Parsed { .. }), "refused: {xml}");
    }
}
