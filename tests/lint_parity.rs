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
