//! `realworld`: files written by real modelling tools and engines (ARIS, Signavio,
//! Trisotech, MID Innovator, IBM, ADONIS, Activiti, Eclipse BPMN2 Modeler, Bizagi, Yaoqiang,
//! Enterprise Composer, Camunda Modeler 7 and 8, jBPM, Flowable, bpmn.io's test files), kept
//! in `tests/fixtures/realworld/` with their sources in its README. Every file parses without errors (but the jBPM file that really
//! repeats an id), lints, verifies without `verify::unsupported`, renders well-formed SVG
//! with a shape for every DI shape and edge, and simulates 20 cases when it has a process.
//! The lint and verify findings of each file are snapshotted; each line is a finding we
//! stand by (reviewed against the BPMN 2.0 spec and bpmnlint).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use bpmnkit::lint::config::Config;
use bpmnkit::render::svg::render;
use bpmnkit::verify::{VerifyOptions, verify_model};
use bpmnkit::{ParseOptions, Severity, parse_file};

use crate::common::root;

fn dir() -> PathBuf {
    root().join("tests/fixtures/realworld")
}

/// Every model under the folder (`.bpmn`, jBPM's `.bpmn2`, Flowable's `.bpmn20.xml`).
fn models() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir())
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".bpmn") || name.ends_with(".bpmn2") || name.ends_with(".bpmn20.xml")
        })
        .collect();
    out.sort();
    out
}

fn name(path: &Path) -> String {
    path.strip_prefix(dir())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Parse errors a file really has, with the code it must produce.
const BROKEN_ON_PURPOSE: &[(&str, &str)] = &[
    // jBPM's own test resource gives two sequence flows the same id (the engine keeps the
    // last one); bpmn-moddle reports the same.
    (
        "jbpm/BPMN2-IntermediateLinkEvent.bpmn2",
        "parse::duplicate-id",
    ),
];

#[test]
fn the_fixture_set_covers_many_tools() {
    let files = models();
    assert!(files.len() >= 20, "only {} real-world models", files.len());
    let vendors: std::collections::BTreeSet<String> = files
        .iter()
        .filter_map(|p| name(p).split('/').next().map(str::to_owned))
        .collect();
    assert!(
        vendors.len() >= 12,
        "only {} tools: {vendors:?}",
        vendors.len()
    );
    let readme = std::fs::read_to_string(dir().join("README.md")).expect("README.md");
    for f in &files {
        let n = name(f);
        assert!(readme.contains(&n), "{n} is not listed in the README");
    }
}

#[test]
fn real_world_models_parse_lint_verify_and_render() {
    let config = Config::builtin_default();
    for path in models() {
        let file = name(&path);
        let model =
            parse_file(&path, &ParseOptions::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let errors: Vec<&str> = model
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code.as_str())
            .collect();
        let expected: Vec<&str> = BROKEN_ON_PURPOSE
            .iter()
            .filter(|(f, _)| *f == file)
            .map(|(_, c)| *c)
            .collect();
        assert_eq!(errors, expected, "{file}: parse errors");

        let mut out = String::new();
        let rules = config.rules_for(&path);
        let linted = bpmnkit::lint::check(&model, &rules);
        for d in model.diagnostics.iter().chain(&linted) {
            let _ = writeln!(
                out,
                "{:?} {} {} {}",
                d.severity,
                d.code,
                d.element_id.as_deref().unwrap_or("-"),
                d.message
            );
        }

        let report = verify_model(&model, &VerifyOptions::default());
        let _ = writeln!(out, "verdict {:?}", report.verdict);
        for f in &report.findings {
            assert_ne!(
                f.code, "verify::unsupported",
                "{file}: {} ({})",
                f.message, f.element.id
            );
            let _ = writeln!(out, "{} {} {}", f.code, f.element.id, f.message);
        }

        for diagram in &model.diagrams {
            let svg = render(&model, diagram).text;
            let doc = roxmltree::Document::parse(&svg)
                .unwrap_or_else(|e| panic!("{file}: SVG is not well-formed: {e}"));
            let drawn: std::collections::HashSet<&str> = doc
                .descendants()
                .filter_map(|n| n.attribute("data-element-id"))
                .collect();
            let shapes = diagram.plane.shapes.iter().map(|s| s.element);
            let edges = diagram.plane.edges.iter().map(|e| e.element);
            for el in shapes.chain(edges).flatten() {
                let id = model.el(el).id_str();
                assert!(drawn.contains(id), "{file}: {id} has DI but is not drawn");
            }
        }

        // Simulation runs on every model with a process to simulate; the scenario comes
        // from the model (BPSim in the jBPM files) or the defaults.
        let has_flow_nodes = model
            .processes()
            .any(|(p, _)| model.flow_nodes(p).next().is_some());
        match bpmnkit::simulate::prepare(&model, None, None) {
            Ok(prepared) => {
                let options = bpmnkit::simulate::SimOptions {
                    cases: Some(20),
                    ..Default::default()
                };
                let report = bpmnkit::simulate::run(&prepared, &options);
                let sim = report.simulation.expect("a simulation was asked for");
                assert_eq!(sim.cases_completed, 20, "{file}: simulated cases");
            }
            Err(e) => assert!(
                !has_flow_nodes && e.code == "simulate::no-process",
                "{file}: cannot simulate: {e}"
            ),
        }

        insta::assert_snapshot!(file.replace('/', "__"), out);
    }
}

/// A loop with no way out (`gwi6 -> hhhhh -> gwi6`, no split on it) used to spin each
/// simulated case forever: the execution limit only guarded split gateways. Now one node of
/// every such loop is guarded too, and the cases end at the limit.
#[test]
fn simulation_ends_cases_caught_in_a_loop_with_no_way_out() {
    let path = dir().join("bpmn-auto-layout/scenario.issue-100.bpmn");
    let model = parse_file(&path, &ParseOptions::default()).unwrap();
    let prepared = bpmnkit::simulate::prepare(&model, None, None).unwrap();
    let guarded: Vec<&str> = prepared
        .net
        .nodes
        .iter()
        .filter(|n| n.limit_slot.is_some())
        .map(|n| model.el(n.element).id_str())
        .collect();
    assert!(
        guarded.iter().any(|id| *id == "gwi6" || *id == "Task_7"),
        "the loop gwi6 -> Task_7 is not guarded: {guarded:?}"
    );
    let options = bpmnkit::simulate::SimOptions {
        cases: Some(20),
        ..Default::default()
    };
    let report = bpmnkit::simulate::run(&prepared, &options);
    let sim = report.simulation.expect("a simulation was asked for");
    assert_eq!(sim.cases_completed, 20);
    assert!(sim.loop_limit_hits >= 20, "{}", sim.loop_limit_hits);
    let analytic = report.analytic.expect("an analytic estimate was asked for");
    assert!(
        analytic.note.contains("a loop with no way out"),
        "{}",
        analytic.note
    );
}

/// Enterprise Composer writes `isExpanded="false"` on every shape, pools included; a pool
/// with a process is still drawn expanded (name in the header band), as bpmn.io does.
#[test]
fn a_pool_with_a_process_is_drawn_expanded_whatever_its_is_expanded_says() {
    let path = dir().join("caseagile/case-agile-local-ns-declaration.bpmn");
    let model = parse_file(&path, &ParseOptions::default()).unwrap();
    let svg = render(&model, &model.diagrams[0]).text;
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let pool = doc
        .descendants()
        .find(|n| n.attribute("data-element-id") == Some("_9c3d9edd-e594-4ecf-af64-ae5ceb2fa680"))
        .expect("the pool is drawn");
    let header = pool.descendants().any(|n| {
        n.has_tag_name("path") && n.attribute("d").is_some_and(|d| d.starts_with("M30 0V"))
    });
    assert!(
        header,
        "the pool has no header band: {}",
        &svg[pool.range()]
    );
}

/// Flowable's transaction test: both booking tasks carry a compensation boundary event
/// and meet at a parallel join. Compensation boundary events never fire while their
/// activity runs, so the join is not stranded: the model is sound.
#[test]
fn compensation_boundary_events_do_not_interrupt_their_activity() {
    let path = dir().join("flowable/TransactionSubProcessTest.testSimpleCase.bpmn20.xml");
    let model = parse_file(&path, &ParseOptions::default()).unwrap();
    let report = verify_model(&model, &VerifyOptions::default());
    let found: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.element.id.as_str()))
        .collect();
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(format!("{:?}", report.verdict), "Sound");
}

/// Files of other formats that reach a BPMN tool by mistake get an error that names them.
#[test]
fn other_formats_are_named_in_the_error() {
    let cases = [
        (
            r#"<definitions xmlns="http://schema.omg.org/spec/BPMN/2.0" id="d"><process id="p"/></definitions>"#,
            "pre-release BPMN 2.0",
        ),
        (
            r#"<Package xmlns="http://www.wfmc.org/2008/XPDL2.1" Id="p"/>"#,
            "XPDL",
        ),
        (
            r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d"/>"#,
            "DMN",
        ),
    ];
    for (text, what) in cases {
        match bpmnkit::parse_str("x.bpmn", text, &ParseOptions::default()) {
            Err(bpmnkit::parse::ParseError::Invalid { diagnostic, .. }) => {
                assert_eq!(diagnostic.code, "parse::not-bpmn");
                let help = diagnostic.help.clone().unwrap_or_default();
                assert!(help.contains(what), "{what}: {help}");
            }
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// Signavio keeps the line breaks users type into pool and process names; `inspect` lists
/// them on one line each (the JSON keeps the names as written).
#[test]
fn inspect_lists_names_with_line_breaks_on_one_line() {
    let path = dir().join("signavio/complex.bpmn");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bpmnkit"))
        .arg("inspect")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines().skip(1) {
        assert!(line.starts_with("  "), "a name broke the listing: {line:?}");
    }
    assert!(text.contains("\"Bewerbungseingang - Sachbearbeiter Personal\""));
}

/// Element descriptions in messages and the simulation's tables are one line even when
/// the name holds line breaks ("Beim Bewerber\nnachfragen" in Signavio's export).
#[test]
fn names_with_line_breaks_are_one_line_in_messages_and_tables() {
    let path = dir().join("signavio/complex.bpmn");
    let model = parse_file(&path, &ParseOptions::default()).unwrap();
    let (task, _) = model
        .iter()
        .find(|(_, e)| {
            e.name
                .as_deref()
                .is_some_and(|n| n.starts_with("Beim Bewerber") && n.contains('\n'))
        })
        .expect("a task whose name has a line break");
    assert_eq!(
        model.describe(task),
        format!(
            "task \"Beim Bewerber nachfragen\" ({})",
            model.el(task).id_str()
        )
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bpmnkit"))
        .args(["simulate", "--cases", "20"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  Beim Bewerber nachfragen "), "{text}");
}
