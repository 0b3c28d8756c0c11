//! Lint outputs: schemas are fresh, JSON and SARIF validate, the CLI's exit codes, config
//! errors, `--init`, and snapshots of each format.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{corpus, root};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bpmnkit"));
    c.env("NO_COLOR", "1");
    c
}

fn fixture(rel: &str) -> PathBuf {
    corpus().join("bpmnlint-fixtures/rules").join(rel)
}

/// Compares a generated schema with the checked-in file; `BPMNKIT_UPDATE_SCHEMAS=1`
/// rewrites it instead.
fn check_fresh(file: &str, generated: &str) {
    let path = root().join("schemas").join(file);
    if std::env::var_os("BPMNKIT_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "schemas/{file} is stale: run `BPMNKIT_UPDATE_SCHEMAS=1 cargo test --test main lint_outputs` and commit it"
    );
}

#[test]
fn schemas_are_fresh() {
    check_fresh("lint-report.schema.json", &bpmnkit::report::lint::schema());
    check_fresh("bpmnlintrc.schema.json", &bpmnkit::lint::config::schema());
}

fn validator(path: &Path) -> jsonschema::Validator {
    // The official SARIF schema's `run.language` pattern ends in a stray `]`, which is a
    // literal in ECMA-262 but rejected by the meta-schema's `format: regex` check of the
    // Rust regex engine; escape it here (the checked-in file stays the official text).
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("-[a-zA-Z]{2}]?$", "-[a-zA-Z]{2}\\\\]?$");
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, instance: &serde_json::Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

fn run_json(args: &[&str]) -> (serde_json::Value, i32) {
    let out = bin().args(args).output().unwrap();
    let code = out.status.code().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, code)
}

#[test]
fn json_output_matches_its_schema() {
    let dir = corpus().join("bpmnlint-fixtures/rules/no-overlapping-elements");
    let cfg = root().join("tests/fixtures/lint/all-rules.bpmnlintrc");
    let (v, code) = run_json(&[
        "lint",
        "--format",
        "json",
        "--config",
        cfg.to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(v["summary"]["errors"].as_u64().unwrap() > 0);
    assert_valid(
        &validator(&root().join("schemas/lint-report.schema.json")),
        &v,
    );
}

#[test]
fn sarif_output_matches_the_sarif_2_1_0_schema() {
    let files = [
        fixture("fake-join/invalid-task.bpmn"),
        fixture("no-bpmndi/invalid-lane.bpmn"),
    ];
    let cfg = root().join("tests/fixtures/lint/all-rules.bpmnlintrc");
    let mut args = vec![
        "lint",
        "--format",
        "sarif",
        "--config",
        cfg.to_str().unwrap(),
    ];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let (v, code) = run_json(&args);
    assert_eq!(code, 1);
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "fake-join"));
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| {
        r["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why is this bad?")
    }));
    assert_valid(
        &validator(&root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json")),
        &v,
    );
}

#[test]
fn config_schema_accepts_the_starter_and_rejects_typos() {
    let v = validator(&root().join("schemas/bpmnlintrc.schema.json"));
    let starter: serde_json::Value =
        serde_json::from_str(&bpmnkit::lint::config::starter()).unwrap();
    assert_valid(&v, &starter);
    let sized =
        serde_json::json!({"rules": {"standard-size": ["warn", {"bpmn:Task": {"width": 120}}]}});
    assert_valid(&v, &sized);
    assert!(!v.is_valid(&serde_json::json!({"rules": {"label-requird": "error"}})));
    assert!(
        !v.is_valid(&serde_json::json!({"rules": {"standard-size": ["warn", {"bpmn:Tsk": {}}]}}))
    );
}

#[test]
fn exit_codes() {
    let clean = fixture("fake-join/valid.bpmn");
    let status = |args: &[&str]| bin().args(args).output().unwrap().status.code().unwrap();
    // Only fake-join on: the valid fixture is clean, the invalid one has a warning.
    let only = ["--config", "/dev/null"];
    let _ = only;
    let cfg = root().join("tests/fixtures/lint/fake-join-warn.bpmnlintrc");
    let c = cfg.to_str().unwrap();
    assert_eq!(status(&["lint", "--config", c, clean.to_str().unwrap()]), 0);
    let invalid = fixture("fake-join/invalid-task.bpmn");
    let i = invalid.to_str().unwrap();
    assert_eq!(
        status(&["lint", "--config", c, i]),
        0,
        "a warning alone passes"
    );
    assert_eq!(
        status(&["lint", "--config", c, "--max-warnings", "0", i]),
        1
    );
    assert_eq!(
        status(&["lint", "--config", c, "--rule", "fake-join=error", i]),
        1
    );
    assert_eq!(status(&["lint", "--config", c, "does-not-exist.bpmn"]), 2);
}

#[test]
fn config_errors_name_file_and_key_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("bpmnkit-lint-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join(".bpmnlintrc");
    std::fs::write(
        &cfg,
        r#"{"extends": "bpmnlint:recommended", "rules": {"label-requird": "warn"}}"#,
    )
    .unwrap();
    let model = dir.join("m.bpmn");
    std::fs::copy(fixture("fake-join/valid.bpmn"), &model).unwrap();
    let out = bin()
        .args(["lint", model.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(".bpmnlintrc")
            && err.contains("rules.label-requird")
            && err.contains("label-required"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn init_writes_a_starter_once() {
    let dir = std::env::temp_dir().join(format!("bpmnkit-lint-init-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let first = bin()
        .args(["lint", "--init"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.join(".bpmnlintrc")).unwrap();
    assert_eq!(written, bpmnkit::lint::config::starter());
    std::fs::write(dir.join(".bpmnlintrc"), "{}").unwrap();
    let second = bin()
        .args(["lint", "--init"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.join(".bpmnlintrc")).unwrap(),
        "{}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn stdout(args: &[&str]) -> String {
    let out = bin()
        .args(args)
        .current_dir(corpus().join("bpmnlint-fixtures/rules"))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn output_snapshots() {
    let cfg = root().join("tests/fixtures/lint/all-rules.bpmnlintrc");
    let c = cfg.to_str().unwrap();
    let files = [
        "superfluous-gateway/invalid.bpmn",
        "fake-join/invalid-task.bpmn",
    ];
    for (name, format) in [("text", "text"), ("github", "github")] {
        let mut args = vec!["lint", "--config", c, "--format", format];
        args.extend(files);
        insta::assert_snapshot!(format!("lint_output_{name}"), stdout(&args));
    }
    let mut args = vec!["lint", "--config", c, "--format", "json"];
    args.extend(files);
    let mut v: serde_json::Value = serde_json::from_str(&stdout(&args)).unwrap();
    v["tool"]["version"] = "[version]".into();
    for f in v["files"].as_array_mut().unwrap() {
        f["config"] = "[config]".into();
    }
    insta::assert_json_snapshot!("lint_output_json", v);
}

#[test]
fn parallel_output_is_in_input_order() {
    let dir = corpus().join("bpmnlint-fixtures/rules");
    let cfg = root().join("tests/fixtures/lint/all-rules.bpmnlintrc");
    let (v, _) = run_json(&[
        "lint",
        "--format",
        "json",
        "--config",
        cfg.to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths.len(), 193);
    assert_eq!(paths, sorted);
}

#[test]
fn rules_command_lists_every_rule_and_shows_docs() {
    let list = String::from_utf8(bin().arg("rules").output().unwrap().stdout).unwrap();
    for r in bpmnkit::lint::registry::all() {
        assert!(list.contains(r.meta().name), "{} missing", r.meta().name);
    }
    let one = bin()
        .args(["rules", "superfluous-gateway"])
        .output()
        .unwrap();
    let text = String::from_utf8(one.stdout).unwrap();
    assert!(
        text.contains("## Why is this bad?") && text.contains("bpmnlint:recommended = warn"),
        "{text}"
    );
    assert_eq!(
        bin()
            .args(["rules", "nope"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}
