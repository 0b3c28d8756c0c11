//! Generators for hostile input too large to commit: every command's tests can use them
//! (`crate::common::hostile::deep_nesting(100_000)`), and `bench/hostile.sh` writes them to
//! disk through the ignored test `hostile::write_generated_files`.

use std::fmt::Write as _;

const DEFS: &str = r#"<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:v="http://vendor.example/ext" id="Defs" targetNamespace="http://bpmnkit.test/generated">"#;

fn wrap(process_body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{DEFS}<bpmn:process id=\"P\">{process_body}</bpmn:process></bpmn:definitions>\n"
    )
}

/// Extension elements nested `depth` levels deep inside one task.
#[must_use]
pub fn deep_nesting(depth: usize) -> String {
    let mut body = String::from("<bpmn:task id=\"T\"><bpmn:extensionElements>");
    body.push_str(&"<v:n>".repeat(depth));
    body.push_str(&"</v:n>".repeat(depth));
    body.push_str("</bpmn:extensionElements></bpmn:task>");
    wrap(&body)
}

/// One task with `count` vendor attributes.
#[must_use]
pub fn many_attributes(count: usize) -> String {
    let mut attrs = String::new();
    for i in 0..count {
        let _ = write!(attrs, " v:a{i}=\"{i}\"");
    }
    wrap(&format!("<bpmn:task id=\"T\"{attrs}/>"))
}

/// One task whose name is `len` bytes long.
#[must_use]
pub fn long_attribute(len: usize) -> String {
    wrap(&format!(
        "<bpmn:task id=\"T\" name=\"{}\"/>",
        "x".repeat(len)
    ))
}

/// A chain of `n` tasks joined by sequence flows (about 2n elements), no DI.
#[must_use]
pub fn many_elements(n: usize) -> String {
    let mut body = String::with_capacity(n * 90);
    body.push_str("<bpmn:startEvent id=\"S\"/>");
    let mut prev = "S".to_owned();
    for i in 0..n {
        let _ = write!(
            body,
            "<bpmn:task id=\"T{i}\"/><bpmn:sequenceFlow id=\"F{i}\" sourceRef=\"{prev}\" targetRef=\"T{i}\"/>"
        );
        prev = format!("T{i}");
    }
    wrap(&body)
}

/// An exclusive gateway splitting `ways` ways into as many tasks, joined again, with DI.
#[must_use]
pub fn wide_gateway(ways: usize) -> String {
    let mut body = String::from(
        "<bpmn:startEvent id=\"S\"/><bpmn:exclusiveGateway id=\"Split\"/><bpmn:exclusiveGateway id=\"Join\"/><bpmn:endEvent id=\"E\"/><bpmn:sequenceFlow id=\"F_in\" sourceRef=\"S\" targetRef=\"Split\"/><bpmn:sequenceFlow id=\"F_out\" sourceRef=\"Join\" targetRef=\"E\"/>",
    );
    let mut di = String::new();
    for i in 0..ways {
        let _ = write!(
            body,
            "<bpmn:task id=\"T{i}\"/><bpmn:sequenceFlow id=\"A{i}\" sourceRef=\"Split\" targetRef=\"T{i}\"><bpmn:conditionExpression>x == {i}</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id=\"B{i}\" sourceRef=\"T{i}\" targetRef=\"Join\"/>"
        );
        let y = i * 100;
        let _ = write!(
            di,
            "<bpmndi:BPMNShape id=\"T{i}_di\" bpmnElement=\"T{i}\"><dc:Bounds x=\"300\" y=\"{y}\" width=\"100\" height=\"80\"/></bpmndi:BPMNShape><bpmndi:BPMNEdge id=\"A{i}_di\" bpmnElement=\"A{i}\"><di:waypoint x=\"150\" y=\"0\"/><di:waypoint x=\"300\" y=\"{y}\"/></bpmndi:BPMNEdge>"
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{DEFS}<bpmn:process id=\"P\">{body}</bpmn:process><bpmndi:BPMNDiagram id=\"D\"><bpmndi:BPMNPlane id=\"PL\" bpmnElement=\"P\">{di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>\n"
    )
}

/// About `target_bytes` of model whose bytes are ~80% vendor extension content: a chain
/// of user tasks, each with a large `extensionElements` block. Returns the text and the
/// number of tasks.
#[must_use]
pub fn vendor_heavy(target_bytes: usize) -> (String, usize) {
    let ext = "<bpmn:extensionElements><v:properties><v:property name=\"priority\" value=\"high\"/><v:property name=\"form\" value=\"approve-order-v2\"/><v:property name=\"sla\" value=\"PT4H\"/></v:properties><v:io><v:input source=\"=order.total\" target=\"amount\"/><v:input source=\"=order.customer\" target=\"customer\"/><v:output source=\"=approved\" target=\"approved\"/></v:io><v:taskHeaders><v:header key=\"team\" value=\"finance\"/><v:header key=\"escalate\" value=\"true\"/></v:taskHeaders></bpmn:extensionElements>";
    let per_task = ext.len() + 60;
    let n = (target_bytes / per_task).max(1);
    let mut body = String::with_capacity(target_bytes + 1024);
    for i in 0..n {
        let _ = write!(body, "<bpmn:userTask id=\"U{i}\">{ext}</bpmn:userTask>");
        if i > 0 {
            let _ = write!(
                body,
                "<bpmn:sequenceFlow id=\"F{i}\" sourceRef=\"U{}\" targetRef=\"U{i}\"/>",
                i - 1
            );
        }
    }
    (wrap(&body), n)
}

/// An internal entity of `entity_len` bytes referenced `refs` times (the "quadratic
/// blow-up" attack: small file, huge expansion).
#[must_use]
pub fn quadratic_blowup(entity_len: usize, refs: usize) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY a \"{}\">]>\n{DEFS}<bpmn:process id=\"P\"><bpmn:documentation>{}</bpmn:documentation></bpmn:process></bpmn:definitions>\n",
        "a".repeat(entity_len),
        "&a;".repeat(refs)
    )
}

/// Every generated file with a name, at the sizes `bench/hostile.sh` measures.
#[must_use]
pub fn all_for_bench() -> Vec<(&'static str, String)> {
    vec![
        ("deep-nesting-100k.bpmn", deep_nesting(100_000)),
        ("many-attributes-5000.bpmn", many_attributes(5_000)),
        ("long-attribute-2mb.bpmn", long_attribute(2 * 1024 * 1024)),
        ("elements-2m.bpmn", many_elements(1_000_000)),
        ("gateway-10000-way.bpmn", wide_gateway(10_000)),
        ("vendor-heavy-1mb.bpmn", vendor_heavy(1024 * 1024).0),
        ("vendor-heavy-50mb.bpmn", vendor_heavy(50 * 1024 * 1024).0),
        ("quadratic-blowup.bpmn", quadratic_blowup(50_000, 50_000)),
    ]
}
