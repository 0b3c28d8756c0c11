//! Ids with odd characters (U+2028/U+2029, quotes, angle brackets, ampersands, leading and
//! trailing Unicode spaces) resolve as references and come out of every output escaped and
//! unchanged: SVG, the HTML report, SARIF and JSON.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The ids of the model: start, task, end.
const IDS: [&str; 3] = ["\u{2028}start", "t\"<b>&'x\u{2029}", "end\u{2028}"];

fn esc(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

fn write_model(dir: &Path) -> PathBuf {
    let [s, t, e] = IDS.map(esc);
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
<process id="P">
<startEvent id="{s}"><outgoing>f1</outgoing></startEvent>
<task id="{t}"><incoming>f1</incoming><outgoing>f2</outgoing></task>
<endEvent id="{e}"><incoming>f2</incoming></endEvent>
<sequenceFlow id="f1" name="T&lt;/title&gt;&lt;script&gt;" sourceRef="{s}" targetRef="{t}"/><sequenceFlow id="f2" sourceRef="{t}" targetRef="{e}"/>
</process>
<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="P">
<bpmndi:BPMNShape id="sh1" bpmnElement="{s}"><dc:Bounds x="0" y="0" width="36" height="36"/></bpmndi:BPMNShape>
<bpmndi:BPMNShape id="sh2" bpmnElement="{t}"><dc:Bounds x="100" y="0" width="100" height="80"/></bpmndi:BPMNShape>
<bpmndi:BPMNShape id="sh3" bpmnElement="{e}"><dc:Bounds x="300" y="0" width="36" height="36"/></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"#
    );
    let path = dir.join("odd-ids.bpmn");
    std::fs::write(&path, xml).unwrap();
    path
}

fn bpmnkit(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bpmnkit"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn ids() -> BTreeSet<String> {
    IDS.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn odd_ids_resolve_as_references() {
    let dir = tempfile::tempdir().unwrap();
    let model = bpmnkit::parse_file(&write_model(dir.path()), &Default::default()).unwrap();
    let codes: Vec<&str> = model.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.is_empty(), "{codes:?}");
    for id in IDS {
        let el = model.by_id(id).unwrap_or_else(|| panic!("{id:?}"));
        assert!(model.shape(el).is_some(), "no shape for {id:?}");
    }
    let task = model.by_id(IDS[1]).unwrap();
    let links = &model.el(task).links;
    assert_eq!((links.incoming.len(), links.outgoing.len()), (1, 1));
}

/// Every `data-element-id` of an SVG, unescaped by a real XML reader.
fn svg_ids(svg: &str) -> BTreeSet<String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut out = BTreeSet::new();
    loop {
        match reader.read_event().expect("well-formed SVG") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.unwrap();
                    let key: &str = a.key.into_inner();
                    if key == "data-element-id" {
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap();
                        out.insert(v.into_owned());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn svg_escapes_odd_ids_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let model = bpmnkit::parse_file(&write_model(dir.path()), &Default::default()).unwrap();
    let svg = bpmnkit::render::svg::render(&model, &model.diagrams[0]).text;
    assert!(!svg.contains("<b>") && !svg.contains("<script>"), "{svg}");
    let found = svg_ids(&svg);
    assert!(ids().is_subset(&found), "{found:?}");
}

#[test]
fn json_and_sarif_keep_odd_ids_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path());
    let p = path.to_str().unwrap();
    // The three events and task have no label: a finding on each, naming the element.
    let (_, json) = bpmnkit(&[
        "lint",
        "--format",
        "json",
        "--rule",
        "label-required=error",
        p,
    ]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let in_json: BTreeSet<String> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["element_id"].as_str().map(str::to_owned))
        .collect();
    assert!(ids().is_subset(&in_json), "{in_json:?}");
    let (_, sarif) = bpmnkit(&[
        "lint",
        "--format",
        "sarif",
        "--rule",
        "label-required=error",
        p,
    ]);
    let v: Value = serde_json::from_str(&sarif).unwrap();
    let in_sarif: BTreeSet<String> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["locations"][0]["logicalLocations"]
                .as_array()
                .unwrap()
                .clone()
        })
        .filter_map(|l| l["name"].as_str().map(str::to_owned))
        .collect();
    assert!(ids().is_subset(&in_sarif), "{in_sarif:?}");
}

#[test]
fn html_report_escapes_odd_ids_and_keeps_them_referable() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path());
    let out = dir.path().join("report.html");
    let (code, _) = bpmnkit(&[
        "report",
        "--no-simulation",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_ne!(code, 2);
    let html = std::fs::read_to_string(&out).unwrap();
    // No markup from the model's ids or names, and no raw line separators anywhere a
    // script reads (they end a JavaScript string literal in older engines).
    assert!(!html.contains("<b>&'x"), "markup injected");
    assert!(!html.contains("<script>\u{2028}") && !html.contains("</title><script>"));
    let start = html
        .find(r#"<script type="application/json" id="bk-data">"#)
        .unwrap();
    let rest = &html[start..];
    let data = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    assert!(!data.contains('\u{2028}') && !data.contains('\u{2029}'));
    let v: Value = serde_json::from_str(data).unwrap();
    // The diagram geometry is keyed by element id, and findings point at ids: both must
    // give back the ids exactly.
    let geom: BTreeSet<String> = v["diagrams"][0]["geom"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(ids().is_subset(&geom), "{geom:?}");
    let findings: BTreeSet<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["el"].as_str().map(str::to_owned))
        .collect();
    assert!(
        findings
            .iter()
            .all(|f| ids().contains(f) || !f.contains('\u{2028}'))
    );
    assert!(findings.contains(IDS[2]), "{findings:?}");
    // The SVG inside the page carries the same ids.
    let svg_start = html.find("<svg").unwrap();
    let svg_end = html[svg_start..].find("</svg>").unwrap() + svg_start + 6;
    assert!(ids().is_subset(&svg_ids(&html[svg_start..svg_end])));
}
