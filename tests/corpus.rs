//! Every real file in ../shared/corpus reads, and our element counts match an independent
//! count made with a different XML reader (roxmltree).

use std::collections::BTreeMap;

use bpmnkit::model::{BPMN_NS, BPMNDI_NS, Summary};
use bpmnkit::{ParseOptions, Severity, parse_file};

use crate::common::{bpmn_files, corpus, rel};

/// Files that are invalid on purpose, with the diagnostic code they must produce.
const INVALID_ON_PURPOSE: &[(&str, &str)] = &[
    // A message flow without sourceRef/targetRef (bpmnlint's no-bpmndi fixture).
    (
        "bpmnlint-fixtures/rules/no-bpmndi/invalid-message-flow.bpmn",
        "parse::missing-reference",
    ),
];

fn is_ref_element(local: &str) -> bool {
    local.ends_with("Ref") || local.ends_with("Refs") || local == "incoming" || local == "outgoing"
}

/// Counts elements the way the model defines them, with roxmltree: BPMN-namespace
/// elements reached through BPMN-namespace parents only (not inside extensionElements or
/// foreign elements), minus reference elements; and BPMNDI elements by local name.
fn independent_counts(text: &str) -> BTreeMap<String, usize> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(text, opts).expect("roxmltree parses the corpus");
    let mut counts = BTreeMap::new();
    fn walk(node: roxmltree::Node<'_, '_>, counts: &mut BTreeMap<String, usize>) {
        for child in node.children().filter(roxmltree::Node::is_element) {
            let ns = child.tag_name().namespace();
            let local = child.tag_name().name();
            if ns == Some(BPMN_NS) {
                if is_ref_element(local) {
                    continue;
                }
                *counts.entry(local.to_owned()).or_default() += 1;
                if local != "extensionElements" {
                    walk(child, counts);
                }
            } else if ns == Some(BPMNDI_NS) && local == "BPMNDiagram" {
                for di in child.descendants().filter(roxmltree::Node::is_element) {
                    if di.tag_name().namespace() == Some(BPMNDI_NS) {
                        *counts.entry(di.tag_name().name().to_owned()).or_default() += 1;
                    }
                }
            }
        }
    }
    let root = doc.root_element();
    *counts.entry(root.tag_name().name().to_owned()).or_default() += 1;
    walk(root, &mut counts);
    counts
}

#[test]
fn every_corpus_file_reads_and_counts_match_an_independent_reader() {
    let files = bpmn_files(&corpus());
    assert!(
        files.len() > 250,
        "corpus not found next to the package: {}",
        corpus().display()
    );
    let mut checked = 0;
    for path in &files {
        let name = rel(path);
        let model =
            parse_file(path, &ParseOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors: Vec<_> = model
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code.as_str())
            .collect();
        match INVALID_ON_PURPOSE.iter().find(|(f, _)| *f == name) {
            Some((_, code)) => assert!(
                errors.contains(code),
                "{name}: expected {code}, got {errors:?}"
            ),
            None => assert!(errors.is_empty(), "{name}: unexpected errors {errors:?}"),
        }
        let text = std::fs::read(path).unwrap();
        // The independent reader gets the text decoded the same simple way; corpus files
        // are ASCII or UTF-8 (ISO-8859-1 declared on pure ASCII content).
        let text = String::from_utf8(text).expect("corpus files are UTF-8");
        if text.contains("xmlns:bpmn=") || !text.contains("<bpmn:") {
            let ours = Summary::of(&model).counts;
            let theirs = independent_counts(&text);
            assert_eq!(ours, theirs, "{name}: element counts differ");
            checked += 1;
        }
    }
    assert!(checked > 250, "only {checked} files compared");
}

#[test]
fn samples_read_without_any_diagnostic_and_counts_match() {
    let files = bpmn_files(&crate::common::root().join("samples"));
    assert!(files.len() >= 12, "samples missing");
    for path in &files {
        let name = rel(path);
        let model =
            parse_file(path, &ParseOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            model.diagnostics.is_empty(),
            "{name}: {:?}",
            model.diagnostics
        );
        let summary = Summary::of(&model);
        assert_eq!(
            summary.di.with_shape, summary.di.shape_elements,
            "{name}: full DI"
        );
        assert_eq!(
            summary.di.with_edge, summary.di.edge_elements,
            "{name}: full DI"
        );
        assert!(!summary.lanes.is_empty(), "{name}: lanes name roles");
        let text = std::fs::read_to_string(path).unwrap();
        assert_eq!(summary.counts, independent_counts(&text), "{name}: counts");
    }
}

/// Reading the diagrams on a second thread (large files) gives the same model, the same
/// diagnostics and the same errors as reading everything on one: checked by forcing the
/// split on every corpus file, sample and parse fixture (valid or not).
#[test]
fn reading_diagrams_on_a_second_thread_changes_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = bpmn_files(&corpus());
    files.extend(bpmn_files(&root.join("samples")));
    files.extend(bpmn_files(&root.join("tests/fixtures")));
    let one = ParseOptions {
        parallel_min_bytes: usize::MAX,
        ..ParseOptions::default()
    };
    let two = ParseOptions {
        parallel_min_bytes: 0,
        ..ParseOptions::default()
    };
    let mut errors = 0;
    for path in &files {
        let name = rel(path);
        match (parse_file(path, &one), parse_file(path, &two)) {
            (Ok(mut a), Ok(mut b)) => {
                // Hash maps print in a random order: compare the ids sorted.
                let ids_a: BTreeMap<_, _> = a.ids.drain().collect();
                let ids_b: BTreeMap<_, _> = b.ids.drain().collect();
                assert_eq!(ids_a, ids_b, "{name}");
                same(&name, &format!("{a:?}"), &format!("{b:?}"));
            }
            (Err(a), Err(b)) => {
                errors += 1;
                same(&name, &format!("{a:?}"), &format!("{b:?}"));
            }
            (a, b) => panic!("{name}: {:?} vs {:?}", a.err(), b.err()),
        }
    }
    assert!(
        files.len() > 300 && errors > 5,
        "{} files, {errors} errors",
        files.len()
    );
}

/// Asserts two debug renderings are equal, showing where they first differ.
fn same(name: &str, a: &str, b: &str) {
    if a != b {
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let from = a[..at].char_indices().rev().nth(300).map_or(0, |(i, _)| i);
        let show = |s: &str| s[from..].chars().take(600).collect::<String>();
        panic!(
            "{name}: differs at byte {at}\n one thread: {}\n two threads: {}",
            show(a),
            show(b)
        );
    }
}
