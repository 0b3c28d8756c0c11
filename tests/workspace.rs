//! Models split over several files: call activities resolve across the files given on one
//! command line and the files they import (`bpmnkit::workspace`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::root;

fn hostile(name: &str) -> PathBuf {
    root().join("tests/hostile").join(name)
}

fn run(args: &[&Path], cmd: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bpmnkit"))
        .env("NO_COLOR", "1")
        .args(cmd)
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

/// `(code, element id, label)` of every workspace diagnostic in a lint JSON report.
fn workspace_findings(report: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for file in report["files"].as_array().unwrap() {
        for d in file["diagnostics"].as_array().unwrap() {
            let code = d["code"].as_str().unwrap();
            if code.starts_with("workspace::") || code == "parse::unresolved-import" {
                out.push((
                    code.to_owned(),
                    d["element_id"].as_str().unwrap_or("").to_owned(),
                    d.to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn lint_resolves_a_callee_imported_from_another_file() {
    // The caller imports multi-callee.bpmn (which exists next to it): `callee:Shipping`
    // resolves, `callee:Billing` does not, and the warning says where it looked.
    let (_, out) = run(
        &[&hostile("multi-caller.bpmn")],
        &["lint", "--format", "json"],
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    let found = workspace_findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, id, text) = &found[0];
    assert_eq!(
        (code.as_str(), id.as_str()),
        ("workspace::unresolved-call", "CallMissing")
    );
    assert!(text.contains("callee:Billing"), "{text}");
    assert!(text.contains("multi-callee.bpmn)"), "{text}");
}

#[test]
fn a_missing_import_stays_a_warning_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let caller = dir.path().join("multi-caller.bpmn");
    std::fs::copy(hostile("multi-caller.bpmn"), &caller).unwrap();
    let (code, out) = run(&[&caller], &["lint", "--format", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    let found = workspace_findings(&report);
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|(c, i, _)| (c.as_str(), i.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("parse::unresolved-import", ""),
            ("workspace::unresolved-call", "CallIt"),
            ("workspace::unresolved-call", "CallMissing"),
        ]
    );
    assert!(
        found[1]
            .2
            .contains(r#"imported from \"multi-callee.bpmn\", which is not found"#),
        "{}",
        found[1].2
    );
    // Warnings only: the file still reads (no exit 2).
    assert_ne!(code, 2);
}

#[test]
fn files_given_together_resolve_plain_process_ids() {
    let dir = tempfile::tempdir().unwrap();
    let caller = dir.path().join("caller.bpmn");
    let callee = dir.path().join("callee.bpmn");
    std::fs::write(
        &caller,
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d1" targetNamespace="urn:a">
  <process id="Main"><startEvent id="s"/><callActivity id="Call" name="Pay" calledElement="Payment"/><endEvent id="e"/>
  <sequenceFlow id="f1" sourceRef="s" targetRef="Call"/><sequenceFlow id="f2" sourceRef="Call" targetRef="e"/></process>
</definitions>"#,
    )
    .unwrap();
    std::fs::write(
        &callee,
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d2" targetNamespace="urn:b">
  <process id="Payment"><startEvent id="s"/><parallelGateway id="g"/><endEvent id="e1"/><endEvent id="e2"/>
  <sequenceFlow id="f1" sourceRef="s" targetRef="g"/><sequenceFlow id="f2" sourceRef="g" targetRef="e1"/>
  <sequenceFlow id="f3" sourceRef="g" targetRef="e2"/></process>
</definitions>"#,
    )
    .unwrap();
    // Alone, the caller's call leads nowhere.
    let (_, out) = run(&[&caller], &["lint", "--format", "json"]);
    let alone = workspace_findings(&serde_json::from_str(&out).unwrap());
    assert_eq!(alone.len(), 1);
    assert!(
        alone[0]
            .2
            .contains("no process or global task `Payment` in this file")
    );
    // Together, it resolves: no dangling-call warning.
    let (_, out) = run(&[&caller, &callee], &["lint", "--format", "json"]);
    assert!(workspace_findings(&serde_json::from_str(&out).unwrap()).is_empty());
    // verify names the file the callee came from and the callee's own verdict.
    let (code, text) = run(&[&caller, &callee], &["verify"]);
    assert!(
        text.contains("call Call \"Pay\" -> Payment in ") && text.contains("callee.bpmn (sound)"),
        "{text}"
    );
    assert_eq!(code, 0, "{text}");
    let (_, json) = run(&[&caller, &callee], &["verify", "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let call = &v[0]["calls"][0];
    assert_eq!(call["status"], "resolved");
    assert_eq!(call["id"], "Payment");
    assert_eq!(call["kind"], "process");
    assert_eq!(call["verdict"], "sound");
    assert!(call["file"].as_str().unwrap().ends_with("callee.bpmn"));
}

#[test]
fn verify_reports_each_call_of_the_multi_file_fixture() {
    let (code, text) = run(
        &[&hostile("multi-caller.bpmn"), &hostile("multi-callee.bpmn")],
        &["verify"],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(r#"call CallIt "Ship order" -> Shipping in "#),
        "{text}"
    );
    assert!(text.contains("multi-callee.bpmn (sound)"), "{text}");
    assert!(
        text.contains("call CallMissing \"Bill\" -> `callee:Billing`: not found"),
        "{text}"
    );
    assert!(text.contains("workspace::unresolved-call"), "{text}");
    // Given alone, the caller's import is read and its process verified as well.
    let (_, alone) = run(&[&hostile("multi-caller.bpmn")], &["verify"]);
    assert!(alone.contains("multi-callee.bpmn (sound)"), "{alone}");
}

#[test]
fn imports_outside_the_models_folder_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("models");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(
        hostile("multi-callee.bpmn"),
        dir.path().join("multi-callee.bpmn"),
    )
    .unwrap();
    let caller = sub.join("caller.bpmn");
    let xml = std::fs::read_to_string(hostile("multi-caller.bpmn"))
        .unwrap()
        .replace(
            r#"location="multi-callee.bpmn""#,
            r#"location="../multi-callee.bpmn""#,
        );
    std::fs::write(&caller, xml).unwrap();
    let (_, out) = run(&[&caller], &["lint", "--format", "json"]);
    let found = workspace_findings(&serde_json::from_str(&out).unwrap());
    // `..` is not followed: CallIt does not resolve (the file exists, but outside).
    assert!(
        found
            .iter()
            .any(|(c, id, t)| c == "workspace::unresolved-call"
                && id == "CallIt"
                && t.contains("outside this file's folder")),
        "{found:?}"
    );
}
