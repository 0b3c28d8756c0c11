//! Parsing speed: the full parse of a large generated model (10,000+ flow nodes with DI)
//! against a bare quick-xml scan of the same bytes (events only, no model): the ceiling.
//!
//! Run: `cargo bench --bench parse`. Divan prints throughput (bytes/s) for both.
#![allow(missing_docs, clippy::unwrap_used)]

use std::fmt::Write as _;

use divan::counter::BytesCount;
use quick_xml::events::Event;

fn main() {
    divan::main();
}

/// A lint-clean chain of `blocks` XOR split/join blocks, each with two tasks, plus DI.
/// 10,000+ flow nodes for `blocks = 2_500`.
fn generate(blocks: usize) -> String {
    let mut sem = String::new();
    let mut di = String::new();
    let mut x = 100.0_f64;
    let mut prev = "start".to_owned();
    let shape = |di: &mut String, id: &str, x: f64, y: f64, w: f64, h: f64| {
        let _ = write!(
            di,
            r#"<bpmndi:BPMNShape id="{id}_di" bpmnElement="{id}"><dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>"#
        );
    };
    let flow = |sem: &mut String,
                di: &mut String,
                id: String,
                from: &str,
                to: &str,
                x1: f64,
                x2: f64| {
        let _ = write!(
            sem,
            r#"<bpmn:sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}"/>"#
        );
        let _ = write!(
            di,
            r#"<bpmndi:BPMNEdge id="{id}_di" bpmnElement="{id}"><di:waypoint x="{x1}" y="120"/><di:waypoint x="{x2}" y="120"/></bpmndi:BPMNEdge>"#
        );
    };
    let _ = write!(sem, r#"<bpmn:startEvent id="start" name="Start"/>"#);
    shape(&mut di, "start", x, 102.0, 36.0, 36.0);
    x += 86.0;
    for b in 0..blocks {
        let (split, join, a, c) = (
            format!("s{b}"),
            format!("j{b}"),
            format!("a{b}"),
            format!("c{b}"),
        );
        let _ = write!(
            sem,
            r#"<bpmn:exclusiveGateway id="{split}" name="Ok {b}?" default="f{b}_3"/><bpmn:userTask id="{a}" name="Check item {b}"/><bpmn:serviceTask id="{c}" name="Store item {b}"/><bpmn:exclusiveGateway id="{join}"/>"#
        );
        flow(
            &mut sem,
            &mut di,
            format!("f{b}_1"),
            &prev,
            &split,
            x - 50.0,
            x,
        );
        shape(&mut di, &split, x, 95.0, 50.0, 50.0);
        shape(&mut di, &a, x + 100.0, 80.0, 100.0, 80.0);
        shape(&mut di, &c, x + 100.0, 200.0, 100.0, 80.0);
        shape(&mut di, &join, x + 250.0, 95.0, 50.0, 50.0);
        let _ = write!(
            sem,
            r#"<bpmn:sequenceFlow id="f{b}_2" sourceRef="{split}" targetRef="{a}"><bpmn:conditionExpression>${{ok}}</bpmn:conditionExpression></bpmn:sequenceFlow>"#
        );
        flow(
            &mut sem,
            &mut di,
            format!("f{b}_3"),
            &split,
            &c,
            x + 50.0,
            x + 100.0,
        );
        flow(
            &mut sem,
            &mut di,
            format!("f{b}_4"),
            &a,
            &join,
            x + 200.0,
            x + 250.0,
        );
        flow(
            &mut sem,
            &mut di,
            format!("f{b}_5"),
            &c,
            &join,
            x + 200.0,
            x + 250.0,
        );
        prev = join;
        x += 350.0;
    }
    let _ = write!(sem, r#"<bpmn:endEvent id="end" name="End"/>"#);
    flow(&mut sem, &mut di, "f_end".into(), &prev, "end", x - 50.0, x);
    shape(&mut di, "end", x, 102.0, 36.0, 36.0);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="http://bpmnkit/bench"><bpmn:process id="p" isExecutable="false">{sem}</bpmn:process><bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl" bpmnElement="p">{di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"#
    )
}

fn large() -> String {
    generate(2_500)
}

#[divan::bench]
fn full_parse(bencher: divan::Bencher) {
    let xml = large();
    bencher.counter(BytesCount::new(xml.len())).bench(|| {
        bpmnkit::parse_str("large.bpmn", divan::black_box(&xml), &Default::default()).unwrap()
    });
}

#[divan::bench]
fn quick_xml_scan(bencher: divan::Bencher) {
    let xml = large();
    bencher.counter(BytesCount::new(xml.len())).bench(|| {
        let mut reader = quick_xml::NsReader::from_str(divan::black_box(&xml));
        let mut n = 0usize;
        loop {
            match reader.read_resolved_event().unwrap() {
                (_, Event::Eof) => break,
                (_, Event::Start(e) | Event::Empty(e)) => {
                    n += e.attributes().count();
                }
                _ => {}
            }
        }
        n
    });
}
