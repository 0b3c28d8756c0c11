//! `render`: every MIWG reference model and every sample draws, one SVG per diagram; the
//! SVG is well-formed XML, rasterises to a non-empty picture and is snapshotted.

use std::path::{Path, PathBuf};

use bpmnkit::model::Kind;
use bpmnkit::render::svg::{Svg, render};
use bpmnkit::{ParseOptions, parse_file, parse_str};

use crate::common::{bpmn_files, corpus, root};

/// The shared corpus; a worktree checkout sits one level deeper than the main one.
fn corpus_dir() -> PathBuf {
    let c = corpus();
    if c.exists() {
        c
    } else {
        PathBuf::from("/work/shared/corpus")
    }
}

fn render_all(path: &Path) -> Vec<Svg> {
    let model = parse_file(path, &ParseOptions::default()).expect("model parses");
    model.diagrams.iter().map(|d| render(&model, d)).collect()
}

/// One element per line, so that snapshot diffs are readable.
fn pretty(svg: &str) -> String {
    svg.replace("><", ">\n<")
}

fn check_xml(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).expect("SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc
}

fn fontdb_options() -> resvg::usvg::Options<'static> {
    let mut opt = resvg::usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    opt
}

/// Rasterises and returns how many pixels are not transparent.
fn painted_pixels(svg: &str, opt: &resvg::usvg::Options<'_>) -> usize {
    let tree = resvg::usvg::Tree::from_str(svg, opt).expect("resvg reads the SVG");
    let size = tree.size().to_int_size();
    let mut pix = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("pixmap");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pix.as_mut(),
    );
    pix.data().chunks(4).filter(|px| px[3] != 0).count()
}

fn check_and_snapshot(prefix: &str, files: &[PathBuf]) {
    let opt = fontdb_options();
    assert!(!files.is_empty(), "no models for {prefix}");
    for path in files {
        let model = parse_file(path, &ParseOptions::default()).expect("model parses");
        let svgs = render_all(path);
        assert_eq!(
            svgs.len(),
            model.diagrams.len(),
            "{}: one SVG per diagram",
            path.display()
        );
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        for (i, svg) in svgs.iter().enumerate() {
            let doc = check_xml(&svg.text);
            // Every drawn element carries its id, and every shape has a title.
            let ids = doc
                .descendants()
                .filter(|n| n.attribute("data-element-id").is_some())
                .count();
            assert!(ids > 0, "{}: nothing drawn", path.display());
            assert!(
                painted_pixels(&svg.text, &opt) > 100,
                "{}: empty picture",
                path.display()
            );
            // One shared <defs>, markers referenced without quotes.
            assert!(doc.descendants().filter(|n| n.has_tag_name("defs")).count() <= 1);
            assert!(!svg.text.contains("url('"));
            let suffix = if svgs.len() > 1 {
                format!("-{}", i + 1)
            } else {
                String::new()
            };
            insta::assert_snapshot!(format!("{prefix}-{name}{suffix}"), pretty(&svg.text));
        }
    }
}

#[test]
fn miwg_reference_models_render() {
    let files = bpmn_files(&corpus_dir().join("miwg-reference"));
    check_and_snapshot("miwg", &files);
}

#[test]
fn samples_render() {
    let files = bpmn_files(&root().join("samples"));
    check_and_snapshot("sample", &files);
}

#[test]
fn multi_diagram_model_gives_one_svg_each_with_distinct_ids() {
    let path = corpus_dir().join("miwg-reference/C.4.0.bpmn");
    let svgs = render_all(&path);
    assert!(svgs.len() > 1);
    let ids: std::collections::HashSet<String> = svgs
        .iter()
        .map(|s| {
            check_xml(&s.text)
                .root_element()
                .attribute("id")
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        ids.len(),
        svgs.len(),
        "document id prefixes must differ per diagram"
    );
}

const SMALL: &str = r##"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0" id="d">
  <process id="p">
    <startEvent id="s" name="&lt;script&gt;alert(1)&lt;/script&gt;"/>
    <userTask id="t&amp;1" name="Approve &quot;big&quot; order"/>
    <sequenceFlow id="f" sourceRef="s" targetRef="t&amp;1"/>
  </process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane bpmnElement="p">
    <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="0" y="20" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="t_di" bpmnElement="t&amp;1" bioc:stroke="#e53935" bioc:fill="url(#evil)"><dc:Bounds x="100" y="0" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f_di" bpmnElement="f"><di:waypoint x="36" y="38"/><di:waypoint x="100" y="38"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"##;

#[test]
fn names_ids_and_colours_cannot_inject_markup() {
    let model = parse_str("small.bpmn", SMALL, &ParseOptions::default()).unwrap();
    let svg = render(&model, &model.diagrams[0]);
    let doc = check_xml(&svg.text);
    assert!(!svg.text.contains("<script"));
    assert!(svg.text.contains("&lt;script&gt;"));
    assert!(
        doc.descendants()
            .any(|n| n.attribute("data-element-id") == Some("t&1"))
    );
    // A colour that is not a plain colour is ignored; a plain one is used.
    assert!(!svg.text.contains("evil"));
    assert!(svg.text.contains("stroke=\"#e53935\""));
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&"Approve \"big\" order"));
}

#[test]
fn non_finite_coordinates_are_skipped_with_a_diagnostic() {
    let mut model = parse_str("small.bpmn", SMALL, &ParseOptions::default()).unwrap();
    model.diagrams[0].plane.shapes[1].bounds.x = f64::NAN;
    model.diagrams[0].plane.edges[0].waypoints[1].y = f64::INFINITY;
    let svg = render(&model, &model.diagrams[0]);
    check_xml(&svg.text);
    assert!(!svg.text.contains("NaN") && !svg.text.contains("inf"));
    let codes: Vec<&str> = svg.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["render::invalid-bounds", "render::invalid-waypoints"]
    );
    // The start event is still drawn.
    assert!(svg.text.contains("data-element-id=\"s\""));
}

#[test]
fn every_event_definition_and_task_type_is_drawn() {
    // Across the MIWG reference models every kind of event, gateway, task and activity
    // marker occurs: each icon is defined once per document and drawn by reference.
    let mut all = String::new();
    for path in bpmn_files(&corpus_dir().join("miwg-reference")) {
        for svg in render_all(&path) {
            all.push_str(&svg.text);
        }
    }
    for icon in [
        "msg", "tmr", "cnd", "sig", "esc", "lnk", "err", "usr", "srv", "man", "env", "brt", "gx",
        "gp", "go", "ge", "sp", "lp",
    ] {
        assert!(all.contains(&format!("-{icon}\"")), "icon {icon} missing");
    }
    assert!(bpmn_files(&corpus_dir().join("miwg-reference")).len() > 10);
    let _ = Kind::Task;
}

/// A file whose only diagram is empty (no process, no shapes) is drawn as an empty
/// picture, as a modeller shows an empty canvas; asking for an automatic layout of it is
/// still an error (there is nothing to lay out).
#[test]
fn an_empty_diagram_is_drawn_empty() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("empty.bpmn");
    std::fs::write(
        &model,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="d" targetNamespace="x">
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1"/></bpmndi:BPMNDiagram>
</bpmn:definitions>"#,
    )
    .unwrap();
    let out = dir.path().join("empty.svg");
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_bpmnkit"))
            .arg("render")
            .arg(&model)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .status()
            .unwrap()
    };
    assert!(run(&[]).success());
    let svg = std::fs::read_to_string(&out).unwrap();
    let tree = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(tree.root_element().tag_name().name(), "svg");
    assert!(svg.contains("<title>D1</title>"), "{svg}");
    assert_eq!(run(&["--layout", "auto"]).code(), Some(2));
}

/// Lines of the `<text>` drawn inside the element with this id, in order.
fn text_lines_of(svg: &str, id: &str) -> Vec<String> {
    let doc = check_xml(svg);
    let group = doc
        .descendants()
        .find(|n| n.attribute("data-element-id") == Some(id))
        .expect("element drawn");
    group
        .descendants()
        .filter(|n| n.is_text() && n.parent().is_some_and(|p| !p.has_tag_name("title")))
        .filter_map(|n| n.text())
        .map(str::to_owned)
        .collect()
}

/// Text annotations wrap as bpmn-js wraps them (checked with `anchors/bpmnjs/run.sh
/// render`): in Signavio's 29 px wide annotation boxes the text has 15 px, so "ID2" stands
/// one character a line in bpmn-js too; a line exactly as wide as the box ("vv" is 12 px
/// in a 26 px box) still fits, and fractional bounds are rounded first (x 0.4 → 0).
#[test]
fn text_annotations_wrap_like_bpmn_js() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
  <process id="p">
    <textAnnotation id="narrow"><text>ID2</text></textAnnotation>
    <textAnnotation id="exact"><text>vv</text></textAnnotation>
  </process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane bpmnElement="p">
    <bpmndi:BPMNShape bpmnElement="narrow"><dc:Bounds x="0.4" y="10.6" width="29.02" height="22.98"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape bpmnElement="exact"><dc:Bounds x="100" y="10" width="26" height="30"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"#;
    let model = parse_str("ann.bpmn", xml, &ParseOptions::default()).unwrap();
    let svg = render(&model, &model.diagrams[0]).text;
    assert_eq!(text_lines_of(&svg, "narrow"), ["I", "D", "2"]);
    assert_eq!(text_lines_of(&svg, "exact"), ["vv"]);
    assert!(
        svg.contains(r#"data-element-id="narrow" transform="translate(0 11)""#),
        "{svg}"
    );
}

/// bpmn-js rounds every shape's and label's bounds to whole pixels on import, and a label
/// line wider than its DI box starts at the box's left edge instead of being centred on it.
#[test]
fn bounds_are_rounded_and_wide_labels_start_at_their_box() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
  <process id="p"><startEvent id="s" name="Supercalifragilistic"/></process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane bpmnElement="p">
    <bpmndi:BPMNShape bpmnElement="s"><dc:Bounds x="10.5" y="20.4" width="36" height="36"/>
      <bpmndi:BPMNLabel><dc:Bounds x="20.2" y="60.6" width="30" height="14"/></bpmndi:BPMNLabel>
    </bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"#;
    let model = parse_str("label.bpmn", xml, &ParseOptions::default()).unwrap();
    let svg = render(&model, &model.diagrams[0]).text;
    assert!(svg.contains(r#"transform="translate(11 20)""#), "{svg}");
    // The word is hard-cut to fit 30 px; each piece is centred in the box at x 20..50,
    // or starts at x 20 when it is wider. The first line's baseline is 61 + 13.2 - 3.3.
    let doc = check_xml(&svg);
    let text = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && n.attribute("class") == Some("e"))
        .expect("external label");
    assert_eq!(text.attribute("y"), Some("70.9"));
    let x: f64 = text.attribute("x").unwrap().parse().unwrap();
    assert!((20.0..=35.0).contains(&x), "{x}");
}

/// A `BPMNShape` cannot show a process; Bonita gives the pool's shape the process as its
/// `bpmnElement`. It is drawn as the pool of the one participant that refers to the
/// process (name in the header band), not as a plain box with the name in its middle.
#[test]
fn a_pool_shape_that_names_the_process_is_drawn_as_the_pool() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
  <collaboration id="c"><participant id="pool" name="Orders" processRef="p"/></collaboration>
  <process id="p" name="Orders"><task id="t" name="Work"/></process>
  <bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="c">
    <bpmndi:BPMNShape bpmnElement="p" isHorizontal="true"><dc:Bounds x="30" y="30" width="600" height="200"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape bpmnElement="t"><dc:Bounds x="200" y="90" width="100" height="80"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"#;
    let model = parse_str("pool-on-process.bpmn", xml, &ParseOptions::default()).unwrap();
    let pool = model.by_id("pool").unwrap();
    assert!(
        model.el(pool).links.shape.is_some(),
        "the pool has its shape"
    );
    let svg = render(&model, &model.diagrams[0]).text;
    check_xml(&svg);
    assert!(
        svg.contains(r#"<g data-element-id="pool""#),
        "drawn as the participant: {svg}"
    );
    assert!(
        !svg.contains(r#"<g data-element-id="p""#),
        "not as a box for the process: {svg}"
    );
}

/// MID Innovator writes a shape for the process as well as the pool's own shape. The
/// process is not drawn: no box over the pool, no process name in the middle of it.
#[test]
fn a_shape_for_a_process_next_to_its_pool_is_not_drawn() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
  <collaboration id="c"><participant id="pool" name="Orders" processRef="p"/></collaboration>
  <process id="p" name="Order process"><task id="t" name="Work"/></process>
  <bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="c">
    <bpmndi:BPMNShape bpmnElement="p"><dc:Bounds x="90" y="10" width="1050" height="350"/>
      <bpmndi:BPMNLabel><dc:Bounds x="90" y="10" width="20" height="350"/></bpmndi:BPMNLabel></bpmndi:BPMNShape>
    <bpmndi:BPMNShape bpmnElement="t"><dc:Bounds x="200" y="90" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape bpmnElement="pool" isHorizontal="true"><dc:Bounds x="40" y="10" width="1100" height="350"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"#;
    let model = parse_str("process-shape.bpmn", xml, &ParseOptions::default()).unwrap();
    let svg = render(&model, &model.diagrams[0]).text;
    check_xml(&svg);
    assert!(svg.contains(r#"<g data-element-id="pool""#), "{svg}");
    assert!(!svg.contains(r#"<g data-element-id="p""#), "{svg}");
    assert!(!svg.contains("Order process"), "{svg}");
}

/// Yaoqiang and actiBPM write each label box as an offset from its shape (`(0, 0)` with
/// the shape's size, a point such as `(41, -16)` for boundary events), although BPMN DI
/// wants plane coordinates. Such boxes are ignored: the labels go below their shapes,
/// as without a box, instead of piling up in the top-left corner.
#[test]
fn label_boxes_given_relative_to_their_shape_do_not_pile_up_at_the_origin() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
  <process id="p"><startEvent id="s" name="Begin"/><task id="t" name="Work"/>
    <boundaryEvent id="b" name="Late" attachedToRef="t"/>
    <sequenceFlow id="f" name="go" sourceRef="s" targetRef="t"/></process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane bpmnElement="p">
    <bpmndi:BPMNShape bpmnElement="s"><dc:Bounds x="300" y="300" width="32" height="32"/>
      <bpmndi:BPMNLabel><dc:Bounds x="0" y="0" width="32" height="32"/></bpmndi:BPMNLabel>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape bpmnElement="t"><dc:Bounds x="400" y="290" width="85" height="55"/>
      <bpmndi:BPMNLabel><dc:Bounds x="0" y="0" width="85" height="55"/></bpmndi:BPMNLabel>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape bpmnElement="b"><dc:Bounds x="440" y="329" width="32" height="32"/>
      <bpmndi:BPMNLabel><dc:Bounds x="41" y="-16" width="0" height="0"/></bpmndi:BPMNLabel>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNEdge bpmnElement="f"><di:waypoint x="332" y="316"/><di:waypoint x="400" y="316"/>
      <bpmndi:BPMNLabel><dc:Bounds x="0" y="0" width="0" height="0"/></bpmndi:BPMNLabel>
    </bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>"#;
    let model = parse_str("relative-labels.bpmn", xml, &ParseOptions::default()).unwrap();
    let svg = render(&model, &model.diagrams[0]).text;
    let doc = check_xml(&svg);
    let labels: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("class") == Some("e"))
        .map(|n| {
            let at = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
            (at("x"), at("y"))
        })
        .collect();
    assert_eq!(labels.len(), 3, "{svg}");
    // Every external label sits by its element, well away from the origin.
    for (x, y) in labels {
        assert!(x > 250.0 && y > 250.0, "label at ({x}, {y}): {svg}");
    }
    // The start event's label is centred below it, as bpmn-js puts a label without a box.
    assert!(svg.contains(">Begin</text>"), "{svg}");
}
