//! Parity with bpmnlint: for every fixture of `bpmnlint-fixtures/EXPECTED.tsv`, running
//! only that rule reports exactly the element ids bpmnlint 11.15 reports.

use std::collections::BTreeSet;

use bpmnkit::Severity;
use bpmnkit::lint::{registry, run};

use crate::common::corpus;

/// Fixtures where we deliberately differ from bpmnlint: (fixture, our ids, reason).
const DEVIATIONS: &[(&str, &str, &str)] = &[];

#[test]
fn every_fixture_matches_bpmnlint() {
    let dir = corpus().join("bpmnlint-fixtures");
    let tsv = std::fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (fixture, rule_name) = (cols[0], cols[1]);
        let expected_ids = cols.get(4).copied().unwrap_or("");
        let expected: BTreeSet<&str> = expected_ids.split(',').filter(|s| !s.is_empty()).collect();
        let rule =
            registry::by_name(rule_name).unwrap_or_else(|| panic!("no rule named {rule_name}"));
        let model = bpmnkit::parse_file(&dir.join(fixture), &Default::default())
            .unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let found = run(&model, &[(rule, Severity::Error)]);
        let ours: BTreeSet<String> = found.iter().filter_map(|d| d.element_id.clone()).collect();
        let ours: BTreeSet<&str> = ours.iter().map(String::as_str).collect();
        let want: BTreeSet<&str> = match DEVIATIONS.iter().find(|d| d.0 == fixture) {
            Some((_, ids, _)) => ids.split(',').filter(|s| !s.is_empty()).collect(),
            None => expected,
        };
        if ours != want {
            failures.push(format!("{fixture}: bpmnlint {want:?}, bpmnkit {ours:?}"));
        }
        count += 1;
    }
    assert_eq!(count, 193, "EXPECTED.tsv should list 193 fixtures");
    assert!(
        failures.is_empty(),
        "{} of {count} fixtures differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Findings bpmnlint reports on the MIWG models and we deliberately do not:
/// (file, rule, element id, reason).
const MIWG_DEVIATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "C.6.0.bpmn",
        "no-implicit-end",
        "_b25ecc7c-4eff-4a70-96f2-6b2f94cf19b1",
        "a compensation boundary event must not have outgoing sequence flows (BPMN 2.0, 10.4.5); its handler is joined by an association",
    ),
    (
        "C.6.0.bpmn",
        "no-implicit-end",
        "_fe3f9094-097b-416d-adeb-4b7e7e753f3c",
        "as above: the second compensation boundary event of the model",
    ),
];

/// With all of bpmnlint's rules on, every MIWG reference model gets exactly the findings
/// bpmnlint 11.15 gives it (rule, element and severity), but the listed deviations.
#[test]
fn miwg_reference_models_get_bpmnlints_findings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tsv = std::fs::read_to_string(root.join("tests/fixtures/lint/bpmnlint-miwg/findings.tsv"))
        .unwrap();
    let mut theirs: BTreeSet<(String, String, String, String)> = tsv
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].into(), c[1].into(), c[2].into(), c[3].into())
        })
        .collect();
    for (file, rule, id, _) in MIWG_DEVIATIONS {
        let before = theirs.len();
        theirs.retain(|t| !(t.0 == *file && t.1 == *rule && t.2 == *id));
        assert_eq!(
            before,
            theirs.len() + 1,
            "deviation {file} {rule} {id} not in the TSV"
        );
    }
    let config = bpmnkit::lint::config::Config::from_json(
        std::path::Path::new("all.bpmnlintrc"),
        r#"{ "extends": ["bpmnlint:all", "bpmnlint:recommended"] }"#,
    )
    .unwrap();
    let dir = corpus().join("miwg-reference");
    let mut ours = BTreeSet::new();
    let mut files = 0;
    for path in crate::common::bpmn_files(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let model = bpmnkit::parse_file(&path, &Default::default()).unwrap();
        let rules = config.rules_for(&path);
        for d in bpmnkit::lint::check(&model, &rules) {
            let rule = d.code.trim_start_matches("lint::").to_owned();
            let severity = format!("{:?}", d.severity).to_lowercase();
            ours.insert((
                name.clone(),
                rule,
                d.element_id.unwrap_or_default(),
                severity,
            ));
        }
        files += 1;
    }
    assert!(files >= 20, "only {files} MIWG models");
    let missing: Vec<_> = theirs.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "only bpmnlint: {missing:#?}\nonly bpmnkit: {extra:#?}"
    );
    assert!(theirs.len() > 400, "{} findings", theirs.len());
}
