//! `bpmnkit report`: the HTML page of every sample is produced, its SVG parses, it refers to
//! nothing outside itself, and nothing from the model can inject markup.

use std::path::{Path, PathBuf};
use std::process::Command;

use bpmnkit::cli::commands::report::{PageOptions, SimulateWith, page_for};
use bpmnkit::parse_file;

use crate::common::{bpmn_files, corpus, root};

fn options() -> PageOptions {
    PageOptions {
        config: None,
        max_states: 100_000,
        simulate: Some(SimulateWith {
            scenario: None,
            cases: 200,
            seed: 1,
        }),
    }
}

fn page(path: &Path) -> String {
    let model = parse_file(path, &Default::default()).unwrap();
    page_for(&model, &options()).unwrap().html
}

/// Every `<svg ...>...</svg>` block of a page (they do not nest).
fn svg_blocks(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(a) = rest.find("<svg") {
        let Some(b) = rest[a..].find("</svg>") else {
            break;
        };
        out.push(&rest[a..a + b + 6]);
        rest = &rest[a + b + 6..];
    }
    out
}

/// The embedded data of the page's script.
fn data(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/json\" id=\"bk-data\">")
        .unwrap();
    let body = &html[start..];
    let open = body.find('>').unwrap() + 1;
    let close = body.find("</script>").unwrap();
    serde_json::from_str(&body[open..close]).unwrap()
}

/// Values of attributes that load something (`src`, `href`, `action`, `url(...)`).
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["src=\"", "href=\"", "action=\"", "url("] {
        let mut rest = html;
        while let Some(i) = rest.find(key) {
            let after = &rest[i + key.len()..];
            let end = after.find(['"', ')']).unwrap_or(after.len());
            out.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    out
}

fn assert_self_contained(name: &str, html: &str) {
    for r in references(html) {
        assert!(
            r.starts_with('#') || (!r.contains(':') && r.ends_with(".html")),
            "{name}: external reference {r:?}"
        );
    }
    for bad in ["<link", "@import", "<iframe", "<img", "<object", "<embed"] {
        assert!(!html.contains(bad), "{name}: contains {bad}");
    }
    assert_eq!(
        html.matches("<script").count(),
        2,
        "{name}: one data block, one script"
    );
}

fn samples() -> Vec<PathBuf> {
    let files = bpmn_files(&root().join("samples"));
    assert!(files.len() >= 10, "samples missing");
    files
}

#[test]
fn every_sample_gives_a_self_contained_page_with_parsable_svg() {
    for path in samples() {
        let name = path.display().to_string();
        let html = page(&path);
        assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
        assert!(html.trim_end().ends_with("</html>"), "{name}");
        assert_self_contained(&name, &html);
        let svgs = svg_blocks(&html);
        assert!(!svgs.is_empty(), "{name}: no diagram");
        for svg in &svgs {
            let doc = roxmltree::Document::parse(svg)
                .unwrap_or_else(|e| panic!("{name}: SVG does not parse: {e}"));
            assert_eq!(doc.root_element().tag_name().name(), "svg");
        }
        // The diagram carries the element ids the script and the findings point at.
        let first = roxmltree::Document::parse(svgs[0]).unwrap();
        let ids = first
            .descendants()
            .filter(|n| n.attribute("data-element-id").is_some())
            .count();
        assert!(ids > 5, "{name}: only {ids} elements with data-element-id");
        let d = data(&html);
        assert!(
            d["diagrams"][0]["geom"].as_object().unwrap().len() > 5,
            "{name}"
        );
        // Every sample simulates: the histogram and the utilisation bars are there.
        assert!(
            html.contains("aria-label=\"Cycle-time histogram\""),
            "{name}: no histogram"
        );
        for mark in ["m-mean", "m-p50", "m-p95", "m-an"] {
            assert!(
                html.contains(&format!("mark {mark}")),
                "{name}: no {mark} mark"
            );
        }
        assert!(html.contains("class=\"ufill"), "{name}: no utilisation bar");
        assert!(
            d["heat"]["wait"].as_object().is_some_and(|m| !m.is_empty()),
            "{name}"
        );
    }
}

#[test]
fn the_flawed_sample_shows_each_finding_and_witness() {
    let html = page(&root().join("samples/flawed/flawed-purchase-request.bpmn"));
    let d = data(&html);
    let findings = d["findings"].as_array().unwrap();
    let verify: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["src"] == "verify").collect();
    let codes: Vec<&str> = verify.iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"verify::deadlock"), "{codes:?}");
    assert!(
        codes.contains(&"verify::lack-of-synchronization"),
        "{codes:?}"
    );
    // Deadlocks and lacks of synchronisation carry a path from the start; a dead activity
    // has none by nature (no run reaches it).
    for f in verify
        .iter()
        .filter(|f| f["code"] != "verify::dead-activity")
    {
        let steps = f["steps"].as_array().unwrap();
        assert!(steps.len() > 3, "{f}");
        // The path ends at the element at fault, and consecutive steps are joined by flows.
        assert_eq!(steps.last().unwrap()["id"], f["el"], "{f}");
        assert!(!f["flows"].as_array().unwrap().is_empty(), "{f}");
    }
    // Each finding is listed, each witness has its button, the verdict is shown.
    for (i, f) in findings.iter().enumerate() {
        assert!(
            html.contains(&format!("data-finding=\"{i}\"")),
            "finding {i} not listed"
        );
        let msg = bpmnkit::report::html::Esc(f["msg"].as_str().unwrap()).to_string();
        assert!(html.contains(&msg), "message of finding {i} not shown");
    }
    let with_witness = verify
        .iter()
        .filter(|f| f["code"] != "verify::dead-activity")
        .count();
    assert!(html.matches("class=\"show-witness\"").count() >= 2 * with_witness);
    assert!(html.contains("<span class=\"chip v-unsound\">unsound</span>"));
    assert!(html.contains("Deadlock"));
}

#[test]
fn hostile_ids_and_names_are_escaped() {
    let path = root().join("tests/fixtures/report/hostile-names.bpmn");
    let html = page(&path);
    assert_self_contained("hostile", &html);
    for raw in [
        "<script>window.__pwned",
        "<img src=x",
        "<svg onload",
        "</svg><svg",
        "<a href=\"http://example.com/x\">",
        "<!-- comment -->",
        "Defs_<b>",
        "Diagram <i>",
    ] {
        assert!(!html.contains(raw), "unescaped {raw:?}");
    }
    // The ids survive escaping exactly: in the SVG and in the script data.
    let svgs = svg_blocks(&html);
    let doc = roxmltree::Document::parse(svgs[0]).unwrap();
    let ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("data-element-id"))
        .collect();
    for id in [
        "Start_<img src=x onerror=window.__pwned=3>",
        "Task_</svg>",
        "Split_&amp;",
        "Join_<>",
        "Flow_'1'",
    ] {
        assert!(ids.contains(&id), "{id:?} not in {ids:?}");
    }
    let d = data(&html);
    assert!(d["diagrams"][0]["geom"].get("Task_</svg>").is_some());
    assert!(d["names"].as_object().unwrap().values().any(|v| {
        v.as_str()
            .unwrap()
            .contains("<img src=x onerror=\"window.__pwned=4\">")
    }));
    // The hostile process deadlocks (XOR split, AND join): its witness is there too.
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "verify::deadlock")
    );
}

#[test]
fn miwg_reference_models_give_pages() {
    for path in bpmn_files(&corpus().join("miwg-reference")) {
        let name = path.display().to_string();
        let Ok(model) = parse_file(&path, &Default::default()) else {
            continue;
        };
        let html = page_for(&model, &options()).unwrap().html;
        assert_self_contained(&name, &html);
        for svg in svg_blocks(&html) {
            roxmltree::Document::parse(svg)
                .unwrap_or_else(|e| panic!("{name}: SVG does not parse: {e}"));
        }
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bpmnkit-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bpmnkit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bpmnkit"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

#[test]
fn cli_exit_codes_index_and_atomic_output() {
    let dir = tmp("cli");
    // One clean model: exit 0, the file asked for.
    let out = dir.join("one.html");
    let o = bpmnkit(&[
        "report",
        "samples/invoice-approval.bpmn",
        "--cases",
        "100",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("invoice-approval.bpmn")
    );
    // Errors in the model: exit 1.
    let flawed = dir.join("flawed.html");
    let o = bpmnkit(&[
        "report",
        "samples/flawed/flawed-purchase-request.bpmn",
        "--no-simulation",
        "-o",
        flawed.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Several models, one unreadable: pages + index, exit 2, no temp files left.
    let bad = dir.join("broken.bpmn");
    std::fs::write(&bad, "<definitions").unwrap();
    let site = format!("{}/", dir.join("site").display());
    let o = bpmnkit(&[
        "report",
        "samples/invoice-approval.bpmn",
        bad.to_str().unwrap(),
        "--no-simulation",
        "-o",
        &site,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let index = std::fs::read_to_string(dir.join("site/index.html")).unwrap();
    assert!(index.contains("href=\"invoice-approval.html\""));
    assert!(index.contains("unreadable"));
    let names: Vec<String> = std::fs::read_dir(dir.join("site"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    // Several models need a directory.
    let o = bpmnkit(&[
        "report",
        "samples/invoice-approval.bpmn",
        "samples/quote-approval.bpmn",
        "-o",
        dir.join("x.html").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Never over an input.
    let copy = dir.join("model.bpmn");
    std::fs::copy(root().join("samples/invoice-approval.bpmn"), &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let o = bpmnkit(&[
        "report",
        copy.to_str().unwrap(),
        "--no-simulation",
        "-o",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cases_failed_by_an_uncaught_error_are_shown() {
    let dir = tmp("failed");
    let out = dir.join("uncaught.html");
    let o = bpmnkit(&[
        "report",
        "tests/fixtures/simulate/uncaught_error.bpmn",
        "--scenario",
        "tests/fixtures/simulate/uncaught_error.scenario.json",
        "--cases",
        "500",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("failed</span> (ended by an error nothing caught)"),
        "the page does not show the failed cases"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
