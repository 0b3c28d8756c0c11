//! SVG writer: draws a model's elements at the places a [`Diagram`] gives them.
//!
//! The look follows bpmn.io (shapes, strokes, markers, label fonts and placement); the
//! icons are drawn from the BPMN 2.0 specification's figures. The output is compact and
//! deterministic: one shared `<defs>` whose ids carry a per-document prefix (a hash of the
//! diagram id and the model text), icons referenced with `<use>`, coordinates rounded to two
//! decimals, the element id as `data-element-id` and a `<title>` per element.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use super::text::{self, LINE_HEIGHT, Line};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Attr, BIOC_NS, Bounds, COLOR_NS, DiEdge, DiLabel, DiShape, Diagram, Element, ElementId, Kind,
    Model, Point,
};

/// Default stroke and label colour of bpmn.io, `hsl(225, 10%, 15%)`.
pub const STROKE: &str = "#22242a";
/// Default fill colour.
pub const FILL: &str = "#fff";
/// Font size of labels inside shapes (tasks, pools, annotations).
pub const EMBEDDED_FONT: f64 = 12.0;
/// Font size of labels outside shapes (events, gateways, data, flows).
pub const EXTERNAL_FONT: f64 = 11.0;
/// Padding around the drawing, as in bpmn.io's SVG export.
const PADDING: f64 = 5.0;

/// One rendered diagram.
#[derive(Debug, Clone)]
pub struct Svg {
    /// The diagram's id, if it has one.
    pub diagram_id: Option<String>,
    /// The SVG document.
    pub text: String,
    /// What was skipped while drawing (invalid bounds, unknown elements).
    pub diagnostics: Vec<Diagnostic>,
}

/// Writes a number rounded to two decimals, without trailing zeros or a leading `0`.
struct N(f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() {
            self.0.clamp(-1e12, 1e12)
        } else {
            0.0
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let cents = (v.abs() * 100.0).round() as u64;
        if cents == 0 {
            return f.write_str("0");
        }
        if v < 0.0 {
            f.write_str("-")?;
        }
        let (int, frac) = (cents / 100, cents % 100);
        if int != 0 {
            write!(f, "{int}")?;
        }
        match frac {
            0 => Ok(()),
            f10 if f10 % 10 == 0 => write!(f, ".{}", f10 / 10),
            _ => write!(f, ".{frac:02}"),
        }
    }
}

/// Appends formatted text to a `String` (writing to a `String` cannot fail).
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

/// XML-escapes text for element content and attribute values.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for ch in self.0.chars() {
            match ch {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                // Characters XML 1.0 does not allow.
                c if (c < ' ' && c != '\t' && c != '\n' && c != '\r')
                    || c == '\u{fffe}'
                    || c == '\u{ffff}' => {}
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// A colour from a DI attribute, if it is a plain CSS colour (no `url(...)`, no markup).
fn sanitize_color(value: &str) -> Option<String> {
    let v = value.trim();
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '#' | '(' | ')' | ',' | '.' | '%' | ' ')
        })
        && !v.to_ascii_lowercase().contains("url");
    ok.then(|| v.to_owned())
}

fn find(attrs: &[Attr], ns: &str, local: &str) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.ns.as_deref() == Some(ns) && &*a.local == local)
        .and_then(|a| sanitize_color(&a.value))
}

/// Fill and stroke overrides from `color:` (OMG) and `bioc:` (bpmn.io) attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Colors {
    fill: Option<String>,
    stroke: Option<String>,
    label: Option<String>,
}

impl Colors {
    fn of(attrs: &[Attr], label: Option<&DiLabel>) -> Colors {
        let fill =
            find(attrs, COLOR_NS, "background-color").or_else(|| find(attrs, BIOC_NS, "fill"));
        let stroke =
            find(attrs, COLOR_NS, "border-color").or_else(|| find(attrs, BIOC_NS, "stroke"));
        let label = label
            .and_then(|l| find(&l.attrs, COLOR_NS, "color"))
            .or_else(|| stroke.clone());
        Colors {
            fill,
            stroke,
            label,
        }
    }

    fn fill(&self) -> &str {
        self.fill.as_deref().unwrap_or(FILL)
    }

    fn stroke(&self) -> &str {
        self.stroke.as_deref().unwrap_or(STROKE)
    }

    /// Attributes for an element's group when it overrides the defaults.
    fn group_attrs(&self) -> String {
        let mut s = String::new();
        if let Some(f) = &self.fill {
            w!(s, " fill=\"{}\"", Esc(f));
        }
        if let Some(st) = &self.stroke {
            w!(s, " stroke=\"{}\" color=\"{}\"", Esc(st), Esc(st));
        }
        s
    }
}

/// Kinds of connection markers kept in the shared `<defs>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum MarkerKind {
    /// Filled arrowhead (sequence flow end).
    SequenceEnd,
    /// Slash (default flow start).
    DefaultStart,
    /// Diamond (conditional flow start).
    ConditionalStart,
    /// Open circle (message flow start).
    MessageStart,
    /// Open white arrowhead (message flow end).
    MessageEnd,
    /// Open arrowhead (associations, data associations).
    OpenArrow,
    /// Open arrowhead pointing backwards (association direction both, start).
    OpenArrowStart,
}

/// Icons kept in the shared `<defs>` and drawn with `<use>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Icon {
    Message,
    Timer,
    Conditional,
    Signal,
    Escalation,
    Link,
    Error,
    Cancel,
    Compensation,
    Multiple,
    ParallelMultiple,
    Terminate,
    GatewayX,
    GatewayPlus,
    GatewayO,
    GatewayStar,
    EventBased,
    EventBasedStart,
    EventBasedParallel,
    User,
    Service,
    Script,
    Manual,
    Envelope,
    BusinessRule,
    SubProcessPlus,
    Loop,
    MiParallel,
    MiSequential,
    CompensationMarker,
    AdHoc,
}

impl Icon {
    /// The short id suffix used in the document.
    fn key(self) -> &'static str {
        match self {
            Icon::Message => "msg",
            Icon::Timer => "tmr",
            Icon::Conditional => "cnd",
            Icon::Signal => "sig",
            Icon::Escalation => "esc",
            Icon::Link => "lnk",
            Icon::Error => "err",
            Icon::Cancel => "cnl",
            Icon::Compensation => "cmp",
            Icon::Multiple => "mul",
            Icon::ParallelMultiple => "pmu",
            Icon::Terminate => "trm",
            Icon::GatewayX => "gx",
            Icon::GatewayPlus => "gp",
            Icon::GatewayO => "go",
            Icon::GatewayStar => "gs",
            Icon::EventBased => "ge",
            Icon::EventBasedStart => "gei",
            Icon::EventBasedParallel => "gep",
            Icon::User => "usr",
            Icon::Service => "srv",
            Icon::Script => "scr",
            Icon::Manual => "man",
            Icon::Envelope => "env",
            Icon::BusinessRule => "brt",
            Icon::SubProcessPlus => "sp",
            Icon::Loop => "lp",
            Icon::MiParallel => "mip",
            Icon::MiSequential => "mis",
            Icon::CompensationMarker => "cm",
            Icon::AdHoc => "ah",
        }
    }

    /// The icon's drawing. Event icons are drawn in a 36×36 box, gateway markers in a
    /// 50×50 box, task icons at their place in a 100×80 task, activity markers around
    /// (0, 0) = bottom centre. Fill and stroke are inherited from the `<use>` unless set.
    fn body(self) -> String {
        match self {
            Icon::Message => {
                "<path d=\"M8.5 11.5h19v12.5h-19z\"/><path d=\"M8.5 11.5l9.5 5.5 9.5-5.5\" fill=\"none\"/>"
                    .to_owned()
            }
            Icon::Timer => {
                let mut s = String::from("<circle cx=\"18\" cy=\"18\" r=\"11\" stroke-width=\"2\"/><path d=\"");
                for i in 0..12 {
                    let a = f64::from(i) * std::f64::consts::PI / 6.0;
                    let (sin, cos) = a.sin_cos();
                    w!(
                        s,
                        "M{} {}L{} {}",
                        N(18.0 + 7.5 * sin),
                        N(18.0 - 7.5 * cos),
                        N(18.0 + 9.75 * sin),
                        N(18.0 - 9.75 * cos)
                    );
                }
                // Two hands, drawn as heavy as the dial's rim.
                s.push_str("\" fill=\"none\"/><path d=\"M18 18l2.25-7.5M18 18l5.25 1.5\" fill=\"none\" stroke-width=\"2\"/>");
                s
            }
            Icon::Conditional => "<path d=\"M10.5 8.5h14.5v18h-14.5z\"/><path d=\"M13 11.5h9.5M13 14.5h9.5M13 17.5h9.5M13 20.5h9.5M13 23.5h9.5\" fill=\"none\"/>".to_owned(),
            Icon::Signal => "<path d=\"M18 7.2l9 16.2h-18z\"/>".to_owned(),
            Icon::Escalation => "<path d=\"M18 7.2l8 20-8-8.5-8 8.5z\"/>".to_owned(),
            Icon::Link => "<path d=\"M7 14.3h13v-4.8l10.4 7.8-10.4 7.8v-4.8h-13z\"/>".to_owned(),
            Icon::Error => "<path d=\"M7.5 26l5.5-18 6 9.5 7.5-10.5-5 18.5-6-9.5z\"/>".to_owned(),
            Icon::Cancel => "<path d=\"M24.15 8.74L27.26 11.85 21.11 18 27.26 24.15 24.15 27.26 18 21.11 11.85 27.26 8.74 24.15 14.89 18 8.74 11.85 11.85 8.74 18 14.89z\"/>".to_owned(),
            Icon::Compensation => "<path d=\"M7.9 18l9-6.5v13zm9 0l9-6.5v13z\"/>".to_owned(),
            Icon::Multiple => format!("<path d=\"{}\"/>", pentagon(18.0, 17.2, 11.0)),
            Icon::ParallelMultiple => "<path d=\"M16.4 7.25h3.2v9.15h9.15v3.2h-9.15v9.15h-3.2v-9.15h-9.15v-3.2h9.15z\"/>".to_owned(),
            Icon::Terminate => "<circle cx=\"18\" cy=\"18\" r=\"10\" stroke-width=\"4\"/>".to_owned(),
            // A filled X, its arms as wide as bpmn.io draws them.
            Icon::GatewayX => "<path fill=\"currentColor\" d=\"M16 15.3h3.44L25 22.71 30.56 15.3H34L26.72 25 34 34.7h-3.44L25 27.29 19.44 34.7H16L23.28 25z\"/>".to_owned(),
            Icon::GatewayPlus => "<path fill=\"currentColor\" d=\"M23.1 10h4.8v12.6h12.6v4.8h-12.6v12.6h-4.8v-12.6h-12.6v-4.8h12.6z\"/>".to_owned(),
            Icon::GatewayO => "<circle cx=\"25\" cy=\"25\" r=\"13\" stroke-width=\"2.5\"/>".to_owned(),
            Icon::GatewayStar => "<path fill=\"none\" d=\"M25.2 13.5v23.8M13.3 25.4h23.8M17.1 17.3l16.2 16.2m0-16.2l-16.2 16.2\" stroke-width=\"4\" stroke-linecap=\"butt\"/>".to_owned(),
            Icon::EventBased => format!(
                "<g fill=\"none\"><circle cx=\"25\" cy=\"25\" r=\"15\"/><circle cx=\"25\" cy=\"25\" r=\"12\"/><path d=\"{}\" stroke-width=\"2\"/></g>",
                pentagon(25.4, 24.9, 7.75)
            ),
            Icon::EventBasedStart => format!(
                "<g fill=\"none\"><circle cx=\"25\" cy=\"25\" r=\"15\"/><path d=\"{}\" stroke-width=\"2\"/></g>",
                pentagon(25.4, 24.9, 7.75)
            ),
            Icon::EventBasedParallel => "<circle cx=\"25\" cy=\"25\" r=\"15\" fill=\"none\"/><path d=\"M23.2 14.8h4.4v7.8h7.8v4.4h-7.8v7.8h-4.4v-7.8h-7.8v-4.4h7.8z\" fill=\"none\"/>".to_owned(),
            Icon::User => "<g stroke-width=\".5\"><path d=\"M4.5 23.5v-6.7c0-2.3 4.6-4.2 6-4.6h4c1.4.4 6 2.3 6 4.6v6.7z\"/><path d=\"M17 13a4.8 4.4 0 0 1-9.6 0M7 18v5.5m11 0v-5\" fill=\"none\"/><circle cx=\"12.3\" cy=\"8.2\" r=\"4.3\"/><path d=\"M8.1 8.2c1-1.3 2.6-2.1 4.3-1.2 1.8 1 3.7 1.3 4.1.8-.1-1.5-1-3.9-4.2-4-3.2 0-4.3 2.6-4.2 4.4z\" fill=\"currentColor\"/></g>".to_owned(),
            Icon::Service => {
                let mut s = String::from("<path d=\"");
                s.push_str(&gear(10.8, 10.8, 5.3, 7.2, 8));
                s.push_str("\"/><circle cx=\"10.8\" cy=\"10.8\" r=\"3\"/><path d=\"");
                s.push_str(&gear(15.8, 14.8, 5.3, 7.2, 8));
                s.push_str("\"/><circle cx=\"15.8\" cy=\"14.8\" r=\"3\"/>");
                s
            }
            // Scaled to bpmn.io's size, lines kept 1 px.
            Icon::Script => "<g transform=\"matrix(.75 0 0 .75 .6 -.6)\" stroke-width=\"1.33\"><path d=\"M10 7.5h12c-3.5 3.5-3.5 6.5 0 9.5s3.5 6.5 0 9.5h-12c3.5-3 3.5-6 0-9.5s-3.5-6 0-9.5z\"/><path d=\"M12.5 11.5h7.5M13.5 15h7.5M14 19h7.5M13 22.5h7.5\" fill=\"none\"/></g>".to_owned(),
            // A flat hand pointing right, thumb raised.
            Icon::Manual => "<g stroke-width=\".5\"><path d=\"M4.5 17v-6c0-2 3-4.5 5.5-7.2 1-1 3-.4 2.2 1.2l-.9 1.5h15.2a1.5 1.5 0 010 3h.5a1.5 1.5 0 010 3h-1.5a1.5 1.5 0 010 3h-3a1.2 1.2 0 010 2.4h-13.5c-2 0-3-.4-4.5-.9z\"/><path d=\"M16.5 9.5h10M16.5 12.5h10.5M16.5 15.5h9\" fill=\"none\"/></g>".to_owned(),
            Icon::Envelope => "<path d=\"M6 5h21v14h-21z\"/><path d=\"M6 5l10.5 6 10.5-6\" fill=\"none\"/>".to_owned(),
            Icon::BusinessRule => "<path d=\"M8 8h20v12h-20z\"/><path d=\"M8 8h20v4h-20z\" fill=\"currentColor\"/><path d=\"M8 16h20M12 12v8\" fill=\"none\"/>".to_owned(),
            Icon::SubProcessPlus => "<rect x=\"-7.5\" y=\"-20\" width=\"14\" height=\"14\"/><path d=\"M-.5-18v10M-5.5-13h10\" fill=\"none\" stroke-width=\"2\"/>".to_owned(),
            // A circular arrow, open at the bottom left, its head at the bottom.
            Icon::Loop => "<path d=\"M0-7A6.35 6.35 0 1 0-2.49-7.5l-.72-3.91m.72 3.91l-3.89.8\" fill=\"none\" stroke-width=\"1.5\"/>".to_owned(),
            Icon::MiParallel => "<path d=\"M-3-18v10M0-18v10M3-18v10\" stroke-width=\"2\"/>".to_owned(),
            Icon::MiSequential => "<path d=\"M-5-16h10M-5-13h10M-5-10h10\" stroke-width=\"2\"/>".to_owned(),
            Icon::CompensationMarker => "<path d=\"M-8-13l7-5v10zm7 0l7-5v10z\"/>".to_owned(),
            // A tilde, its left end at the origin.
            Icon::AdHoc => "<path d=\"M.8-11.5C3-14 5.5-13.8 8-12.8S13-11.2 15.2-13.7\" fill=\"none\" stroke-width=\"2.5\"/>".to_owned(),
        }
    }
}

/// A regular pentagon with one corner up, as path data.
fn pentagon(cx: f64, cy: f64, r: f64) -> String {
    let mut s = String::new();
    for i in 0..5 {
        let a = f64::from(i) * 2.0 * std::f64::consts::PI / 5.0;
        let (sin, cos) = a.sin_cos();
        w!(
            s,
            "{}{} {}",
            if i == 0 { 'M' } else { 'L' },
            N(cx + r * sin),
            N(cy - r * cos)
        );
    }
    s.push('z');
    s
}

/// A gear outline with `teeth` teeth between radii `r_in` and `r_out`, as path data.
fn gear(cx: f64, cy: f64, r_in: f64, r_out: f64, teeth: u32) -> String {
    let mut s = String::new();
    let step = 2.0 * std::f64::consts::PI / f64::from(teeth);
    for i in 0..teeth {
        let a = f64::from(i) * step;
        for (k, (frac, r)) in [(-0.3, r_in), (-0.18, r_out), (0.18, r_out), (0.3, r_in)]
            .into_iter()
            .enumerate()
        {
            let (sin, cos) = (a + frac * step).sin_cos();
            let c = if i == 0 && k == 0 { 'M' } else { 'L' };
            w!(s, "{c}{} {}", N(cx + r * sin), N(cy - r * cos));
        }
    }
    s.push('z');
    s
}

/// FNV-1a, for the document's id prefix.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Axis-aligned box that grows to cover what is drawn.
#[derive(Debug, Clone, Copy)]
struct BBox {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
}

impl BBox {
    fn empty() -> BBox {
        BBox {
            min_x: f64::INFINITY,
            min_y: f64::INFINITY,
            max_x: f64::NEG_INFINITY,
            max_y: f64::NEG_INFINITY,
        }
    }

    fn add_point(&mut self, x: f64, y: f64) {
        if x.is_finite() && y.is_finite() {
            self.min_x = self.min_x.min(x);
            self.min_y = self.min_y.min(y);
            self.max_x = self.max_x.max(x);
            self.max_y = self.max_y.max(y);
        }
    }

    fn add_rect(&mut self, x: f64, y: f64, w: f64, h: f64) {
        self.add_point(x, y);
        self.add_point(x + w, y + h);
    }

    fn is_empty(&self) -> bool {
        self.min_x > self.max_x
    }
}

/// Where a block of text goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    /// Centred horizontally and vertically in the box.
    CenterMiddle,
    /// Centred horizontally, at the top of the box.
    CenterTop,
    /// Left-aligned at the top of the box.
    LeftTop,
}

/// State while drawing one diagram.
struct Painter<'a> {
    model: &'a Model,
    prefix: String,
    body: String,
    markers: Vec<(MarkerKind, String)>,
    icons: Vec<Icon>,
    bbox: BBox,
    diagnostics: Vec<Diagnostic>,
}

/// Draws one diagram of `model` as an SVG document.
#[must_use]
pub fn render(model: &Model, diagram: &Diagram) -> Svg {
    let diagram_id = diagram.id.as_deref().map(str::to_owned);
    let hash = fnv1a(&[
        diagram.id.as_deref().unwrap_or("").as_bytes(),
        model.source.text().as_bytes(),
    ]);
    let mut p = Painter {
        model,
        prefix: format!("b{:08x}", hash & 0xffff_ffff),
        body: String::with_capacity(
            256 * (diagram.plane.shapes.len() + diagram.plane.edges.len()) + 1024,
        ),
        markers: Vec::new(),
        icons: Vec::new(),
        bbox: BBox::empty(),
        diagnostics: Vec::new(),
    };

    let rank = z_order(model);
    // Like bpmn.io, draw only what belongs to the plane's element (a collaboration's pools
    // and their processes, a process, or a drilled-down sub-process): shapes of elements
    // elsewhere in the file (say, a called process) are not part of this diagram.
    let scope = diagram.plane.element.map(|root| reachable(model, root));
    let in_scope = |el: ElementId| scope.as_ref().is_none_or(|s| s.contains(&el));
    let mut shapes: Vec<(usize, &DiShape)> = Vec::with_capacity(diagram.plane.shapes.len());
    for shape in &diagram.plane.shapes {
        let Some(el) = shape.element else {
            p.skip(
                "render::unknown-element",
                format!(
                    "Shape {} shows no known element ({})",
                    shape.id.as_deref().unwrap_or("?"),
                    shape.bpmn_element.as_deref().unwrap_or("no bpmnElement")
                ),
                shape.span,
            );
            continue;
        };
        if !shape.bounds.is_valid() {
            p.skip(
                "render::invalid-bounds",
                format!(
                    "Shape of {} has non-finite or negative bounds",
                    model.describe(el)
                ),
                shape.span,
            );
            continue;
        }
        if !in_scope(el) {
            continue;
        }
        let e = model.el(el);
        let class = usize::from(e.kind == Kind::BoundaryEvent);
        shapes.push((
            class * 10_000_000 + rank.get(&el).copied().unwrap_or(5_000_000),
            shape,
        ));
    }
    shapes.sort_by_key(|(r, _)| *r);

    let mut edges: Vec<(usize, &DiEdge)> = Vec::with_capacity(diagram.plane.edges.len());
    for edge in &diagram.plane.edges {
        let Some(el) = edge.element else {
            p.skip(
                "render::unknown-element",
                format!(
                    "Edge {} shows no known element ({})",
                    edge.id.as_deref().unwrap_or("?"),
                    edge.bpmn_element.as_deref().unwrap_or("no bpmnElement")
                ),
                edge.span,
            );
            continue;
        };
        if edge.waypoints.len() < 2
            || edge
                .waypoints
                .iter()
                .any(|w| !w.x.is_finite() || !w.y.is_finite())
        {
            p.skip(
                "render::invalid-waypoints",
                format!(
                    "Edge of {} has fewer than two finite waypoints",
                    model.describe(el)
                ),
                edge.span,
            );
            continue;
        }
        if !in_scope(el) {
            continue;
        }
        let class = usize::from(model.el(el).kind == Kind::MessageFlow);
        edges.push((
            class * 10_000_000 + rank.get(&el).copied().unwrap_or(5_000_000),
            edge,
        ));
    }
    edges.sort_by_key(|(r, _)| *r);

    let by_element: HashMap<ElementId, &DiShape> = shapes
        .iter()
        .filter_map(|(_, s)| Some((s.element?, *s)))
        .collect();
    for (_, shape) in &shapes {
        p.shape(shape);
    }
    if !edges.is_empty() {
        p.body.push_str("<g fill=\"none\">");
        for (_, edge) in &edges {
            p.edge(edge, &by_element);
        }
        p.body.push_str("</g>");
    }
    let diagnostics = std::mem::take(&mut p.diagnostics);
    Svg {
        diagram_id,
        text: p.finish(diagram),
        diagnostics,
    }
}

/// Drawing order of semantic elements, as bpmn.io imports them: pools, then the content
/// of each pool's process in document order (containers before their content), then
/// what is left.
fn z_order(model: &Model) -> HashMap<ElementId, usize> {
    let mut rank = HashMap::with_capacity(model.elements.len());
    fn walk(model: &Model, id: ElementId, rank: &mut HashMap<ElementId, usize>) {
        let mut stack = vec![id];
        while let Some(cur) = stack.pop() {
            if rank.contains_key(&cur) {
                continue;
            }
            let n = rank.len();
            rank.insert(cur, n);
            let e = model.el(cur);
            if e.kind == Kind::Participant {
                if let Some(p) = e.links.process {
                    stack.push(p);
                }
            }
            // Lanes go behind everything else in their pool, as bpmn-js inserts them
            // (otherwise their translucent fill would wash out a data input declared
            // before the lane set).
            let is_lanes = |c: &ElementId| model.el(*c).kind == Kind::LaneSet;
            stack.extend(e.children.iter().rev().filter(|c| !is_lanes(c)));
            stack.extend(e.children.iter().rev().filter(|c| is_lanes(c)));
        }
    }
    for (_, e) in model.iter() {
        if e.kind == Kind::Collaboration {
            for &c in &e.children {
                if model.el(c).kind == Kind::Participant {
                    walk(model, c, &mut rank);
                }
            }
        }
    }
    walk(model, model.root(), &mut rank);
    rank
}

/// Elements under `root`, following pools to their processes.
fn reachable(model: &Model, root: ElementId) -> std::collections::HashSet<ElementId> {
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![root];
    // Under a collaboration plane, bpmn-js also draws the processes no pool shows, but
    // only those with lanes (free-floating lanes, as in MIWG A.4.0): a process that is
    // only called (the body of an expanded call activity in B.2.0) stays out.
    if model.el(root).kind == Kind::Collaboration {
        stack.extend(
            model
                .processes()
                .filter(|(id, p)| {
                    p.links.participant.is_none()
                        && model.children(*id).any(|(_, c)| c.kind == Kind::LaneSet)
                })
                .map(|(id, _)| id),
        );
    }
    while let Some(cur) = stack.pop() {
        if !seen.insert(cur) {
            continue;
        }
        let e = model.el(cur);
        if let Some(p) = e.links.process {
            stack.push(p);
        }
        stack.extend(e.children.iter().copied());
    }
    seen
}

/// The element a reference attribute names (ids may carry a namespace prefix).
fn resolve_ref(model: &Model, value: &str) -> Option<ElementId> {
    let v = value.trim();
    model
        .by_id(v)
        .or_else(|| v.split_once(':').and_then(|(_, local)| model.by_id(local)))
}

/// What an event shows inside its circle.
fn event_icon(model: &Model, id: ElementId) -> Option<Icon> {
    let e = model.el(id);
    let mut defs: Vec<&Kind> = model.event_definitions(id).map(|(_, d)| &d.kind).collect();
    let referenced: Vec<ElementId> = e
        .refs_named("eventDefinitionRef")
        .filter_map(|r| resolve_ref(model, r))
        .collect();
    defs.extend(referenced.iter().map(|&r| &model.el(r).kind));
    if defs.len() > 1 {
        return Some(if e.bool_attr("parallelMultiple") == Some(true) {
            Icon::ParallelMultiple
        } else {
            Icon::Multiple
        });
    }
    Some(match defs.first()? {
        Kind::MessageEventDefinition => Icon::Message,
        Kind::TimerEventDefinition => Icon::Timer,
        Kind::ConditionalEventDefinition => Icon::Conditional,
        Kind::SignalEventDefinition => Icon::Signal,
        Kind::EscalationEventDefinition => Icon::Escalation,
        Kind::LinkEventDefinition => Icon::Link,
        Kind::ErrorEventDefinition => Icon::Error,
        Kind::CancelEventDefinition => Icon::Cancel,
        Kind::CompensateEventDefinition => Icon::Compensation,
        Kind::TerminateEventDefinition => Icon::Terminate,
        _ => return None,
    })
}

/// Width bpmn-js wraps an external label at when the file gives no label box.
const DEFAULT_LABEL_WIDTH: f64 = 90.0;

/// Where an external label goes (before bpmn-js' rounding to whole pixels).
#[derive(Debug, Clone, Copy)]
enum LabelPlace {
    /// The label box of the file's DI: top-left corner and width.
    Box { x: f64, y: f64, width: f64 },
    /// No usable box: centred on `cx`, top at `top`.
    Centered { cx: f64, top: f64 },
}

/// The place of a label from its DI bounds. A box narrower than a letter is treated as
/// no box (Yaoqiang writes 0- and 1-pixel wide label boxes for boundary events, which
/// would otherwise stack the name one letter a line); bpmn-js does the same for width 0.
fn label_place(lb: Bounds) -> LabelPlace {
    if lb.width < 5.0 {
        LabelPlace::Centered {
            cx: lb.x + lb.width / 2.0,
            top: lb.y,
        }
    } else {
        LabelPlace::Box {
            x: lb.x,
            y: lb.y,
            width: lb.width,
        }
    }
}

/// Whether a label box is a leftover rather than a place for the label. BPMN DI gives
/// label bounds in plane coordinates, but Yaoqiang and the tools built on it (actiBPM)
/// write the label's offset from its shape: `(0, 0)` with the shape's own size for
/// most shapes, a point such as `(41, -16)` for boundary events, `0 × 0` at `(0, 0)` for
/// flows. Taken at their word, those labels pile up in the diagram's top-left corner,
/// far from what they name. So a box that lies at the origin without touching its
/// element, or that lies far from it (more than twice the element's larger side, and at
/// least 100 px, as no modeller puts a label), counts as no box, and the label goes where
/// bpmn-js puts a label that has none. `element` is the shape's bounds or the box
/// around a flow's waypoints.
fn is_stray_label(lb: Bounds, element: Bounds) -> bool {
    let dx = (element.x - (lb.x + lb.width)).max(lb.x - (element.x + element.width));
    let dy = (element.y - (lb.y + lb.height)).max(lb.y - (element.y + element.height));
    let gap = dx.max(dy);
    let far = (2.0 * element.width.max(element.height)).max(100.0);
    (lb.x == 0.0 && lb.y == 0.0 && gap > 0.0) || gap > far
}

/// The box around a flow's waypoints.
fn points_box(pts: &[Point]) -> Bounds {
    let (mut x0, mut y0) = (f64::INFINITY, f64::INFINITY);
    let (mut x1, mut y1) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in pts {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    if x0 > x1 {
        return Bounds {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: 0.0,
        };
    }
    Bounds {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    }
}

/// `Math.round` of JavaScript (halves round up), which bpmn-js applies to every shape's
/// and label's bounds when it imports a diagram.
fn js_round(v: f64) -> f64 {
    (v + 0.5).floor()
}

/// A shape's bounds as bpmn-js draws them: each number rounded to a whole pixel.
fn rounded(b: Bounds) -> Bounds {
    Bounds {
        x: js_round(b.x),
        y: js_round(b.y),
        width: js_round(b.width),
        height: js_round(b.height),
    }
}

/// Whether an element's label is drawn outside its shape.
fn has_external_label(kind: &Kind) -> bool {
    kind.is_event()
        || kind.is_gateway()
        || matches!(
            kind,
            Kind::DataObjectReference
                | Kind::DataStoreReference
                | Kind::DataInput
                | Kind::DataOutput
                | Kind::DataObject
                | Kind::SequenceFlow
                | Kind::MessageFlow
                | Kind::Group
        )
}

impl Painter<'_> {
    fn skip(&mut self, code: &str, message: String, span: crate::model::Span) {
        self.diagnostics.push(
            Diagnostic::warning(code, message)
                .with_span(span)
                .with_help("the element is left out of the picture; fix its diagram coordinates"),
        );
    }

    fn icon(&mut self, icon: Icon) -> String {
        if !self.icons.contains(&icon) {
            self.icons.push(icon);
        }
        format!("#{}-{}", self.prefix, icon.key())
    }

    fn marker(&mut self, kind: MarkerKind, color: &str) -> String {
        let i = match self
            .markers
            .iter()
            .position(|(k, c)| *k == kind && c == color)
        {
            Some(i) => i,
            None => {
                self.markers.push((kind, color.to_owned()));
                self.markers.len() - 1
            }
        };
        format!("url(#{}-m{i})", self.prefix)
    }

    /// Opens an element's group: id, colours, optional translation and title.
    fn open(&mut self, e: &Element, colors: &Colors, at: Option<(f64, f64)>) {
        let b = &mut self.body;
        b.push_str("<g data-element-id=\"");
        w!(b, "{}\"", Esc(e.id_str()));
        b.push_str(&colors.group_attrs());
        if let Some((x, y)) = at {
            w!(b, " transform=\"translate({} {})\"", N(x), N(y));
        }
        b.push('>');
        // The name for screen readers and tooltips; unnamed shapes say what they are,
        // unnamed connections say nothing (their ends do).
        match e.label() {
            Some(name) => w!(b, "<title>{}</title>", Esc(name)),
            None if at.is_some() => w!(b, "<title>{}</title>", Esc(&e.kind.human_name())),
            None => {}
        }
    }

    fn use_icon(&mut self, icon: Icon, extra: &str) {
        let href = self.icon(icon);
        w!(self.body, "<use href=\"{href}\"{extra}/>");
    }

    /// Writes lines of text. `x`, `y` is the top-left of the box, `(w, h)` its size.
    ///
    /// As in bpmn-js, a centred line starts at `max(padding + (w - 2·padding - width) / 2,
    /// 0)`: a line wider than the box starts at the box's left edge instead of spilling
    /// out on both sides.
    #[allow(clippy::too_many_arguments)]
    fn text_lines(
        &mut self,
        lines: &[Line],
        size: f64,
        align: Align,
        (x, y, w, h): (f64, f64, f64, f64),
        padding: f64,
        color: Option<&str>,
        transform: Option<String>,
        track_bbox: bool,
    ) {
        // Blank lines inside a label ("Prepare&#10;&#10;Bank") keep their height, as in
        // bpmn-js; only a label with nothing to show is skipped.
        if lines.iter().all(|l| l.text.trim().is_empty()) {
            return;
        }
        let line_h = size * LINE_HEIGHT;
        #[allow(clippy::cast_precision_loss)]
        let total = lines.len() as f64 * line_h;
        let y0 = match align {
            Align::CenterMiddle => y + (h - total) / 2.0 - line_h / 4.0,
            Align::CenterTop | Align::LeftTop => y + padding - line_h / 4.0,
        };
        // The anchor of each line: its left end for left-aligned text, its centre otherwise.
        let anchor = |l: &Line| match align {
            Align::LeftTop => x + padding,
            _ => x + ((w - 2.0 * padding - l.width) / 2.0 + padding).max(0.0) + l.width / 2.0,
        };
        if track_bbox {
            for (i, l) in lines.iter().enumerate() {
                let a = anchor(l);
                let left = if align == Align::LeftTop {
                    a
                } else {
                    a - l.width / 2.0
                };
                #[allow(clippy::cast_precision_loss)]
                let top = y0 + line_h * (i as f64 + 0.25);
                self.bbox.add_rect(left, top, l.width, line_h);
            }
        }
        let b = &mut self.body;
        b.push_str("<text");
        match (
            (size - EXTERNAL_FONT).abs() < f64::EPSILON,
            align == Align::LeftTop,
        ) {
            (true, true) => b.push_str(" class=\"e l\""),
            (true, false) => b.push_str(" class=\"e\""),
            (false, true) => b.push_str(" class=\"l\""),
            (false, false) => {}
        }
        if let Some(c) = color {
            w!(b, " style=\"fill:{}\"", Esc(c));
        }
        if let Some(t) = transform {
            w!(b, " transform=\"{t}\"");
        }
        // An empty tspan would not move the pen (dy applies to characters), so blank
        // lines are not written: the next line's dy covers them.
        let mut shown = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.text.trim().is_empty());
        let Some((first, first_line)) = shown.next() else {
            return;
        };
        #[allow(clippy::cast_precision_loss)]
        let first_y = y0 + line_h * (first as f64 + 1.0);
        w!(
            b,
            " x=\"{}\" y=\"{}\">{}",
            N(anchor(first_line)),
            N(first_y),
            Esc(first_line.text.trim_end())
        );
        let mut previous = first;
        for (i, line) in shown {
            #[allow(clippy::cast_precision_loss)]
            let dy = line_h * (i - previous) as f64;
            previous = i;
            w!(
                b,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                N(anchor(line)),
                N(dy),
                Esc(line.text.trim_end())
            );
        }
        b.push_str("</text>");
    }

    /// An external label, placed as bpmn-js places its label element: a DI label box keeps
    /// its (rounded) place and width and the text wraps at that width; without one, the
    /// text wraps at 90 px, the box shrinks to the widest line and is centred on the
    /// default place. Lines are centred in the box, or start at its left edge when wider.
    fn external_label(&mut self, name: &str, place: LabelPlace, color: Option<&str>) {
        let (x, y, width) = match place {
            LabelPlace::Box { x, y, width } => (js_round(x), js_round(y), js_round(width)),
            LabelPlace::Centered { cx, top } => {
                let widest = text::wrap(name, DEFAULT_LABEL_WIDTH, EXTERNAL_FONT)
                    .iter()
                    .map(|l| l.width)
                    .fold(0.0, f64::max);
                (
                    js_round(cx - widest / 2.0),
                    js_round(top),
                    js_round(widest.ceil()),
                )
            }
        };
        let lines = text::wrap(name, width, EXTERNAL_FONT);
        self.text_lines(
            &lines,
            EXTERNAL_FONT,
            Align::CenterTop,
            (x, y, width, 0.0),
            0.0,
            color,
            None,
            true,
        );
    }

    fn shape(&mut self, shape: &DiShape) {
        let Some(id) = shape.element else { return };
        let model = self.model;
        let e = model.el(id);
        // A process or collaboration has no shape in BPMN DI: it is the plane, or the pool
        // of its participant. MID Innovator writes a shape for the process next to the
        // pool's own (a shape that is the only one of its pool is the pool's, see
        // `parse::resolve`); drawn as a box, it covered the pool with the process name
        // in the middle of the picture.
        if matches!(e.kind, Kind::Process | Kind::Collaboration) {
            return;
        }
        let b = rounded(shape.bounds);
        let colors = Colors::of(&shape.attrs, shape.label.as_ref());
        let kind = &e.kind;
        let (w, h) = (b.width, b.height);
        self.bbox.add_rect(b.x, b.y, w, h);
        self.open(e, &colors, Some((b.x, b.y)));
        let label_color = colors.label.clone();
        match kind {
            k if k.is_event() => self.event(id, e, &colors, w, h),
            k if k.is_gateway() => self.gateway(e, shape, w, h),
            k if k.is_activity() => self.activity(id, e, shape, &colors, w, h),
            Kind::Participant => self.participant(id, e, shape, w, h, label_color.as_deref()),
            Kind::Lane => {
                w!(
                    self.body,
                    "<rect width=\"{}\" height=\"{}\" fill-opacity=\".25\" stroke-width=\"1.5\"/>",
                    N(w),
                    N(h)
                );
                if shape.is_horizontal == Some(false) {
                    self.band_label(e.label(), w, h, false, label_color.as_deref());
                } else {
                    self.band_label(e.label(), w, h, true, label_color.as_deref());
                }
            }
            Kind::DataObjectReference | Kind::DataObject | Kind::DataInput | Kind::DataOutput => {
                self.data_object(id, e, &colors, w, h);
            }
            Kind::DataStoreReference | Kind::DataStore => self.data_store(w, h),
            Kind::TextAnnotation => {
                w!(self.body, "<path d=\"M10 0H0V{}h10\" fill=\"none\"/>", N(h));
                let text = model
                    .children(id)
                    .find(|(_, c)| c.kind == Kind::Text)
                    .and_then(|(_, c)| c.text.as_deref())
                    .map(str::trim)
                    .filter(|t| !t.is_empty());
                if let Some(t) = text {
                    let lines = text::wrap(t, w - 14.0, EMBEDDED_FONT);
                    self.text_lines(
                        &lines,
                        EMBEDDED_FONT,
                        Align::LeftTop,
                        (0.0, 0.0, w, h),
                        7.0,
                        label_color.as_deref(),
                        None,
                        false,
                    );
                    self.bbox_text_local(&lines, EMBEDDED_FONT, b.x + 7.0, b.y + 7.0);
                }
            }
            Kind::Group => {
                w!(
                    self.body,
                    "<rect width=\"{}\" height=\"{}\" rx=\"10\" fill=\"none\" stroke-width=\"1.5\" stroke-dasharray=\"10,6,0,6\"/>",
                    N(w),
                    N(h)
                );
            }
            _ => {
                // Unknown kinds (choreographies, conversations, ...): a plain box, so that
                // nothing silently disappears.
                w!(
                    self.body,
                    "<rect width=\"{}\" height=\"{}\" rx=\"10\"/>",
                    N(w),
                    N(h)
                );
                let lines = text::wrap(e.label().unwrap_or(""), w - 10.0, EMBEDDED_FONT);
                self.text_lines(
                    &lines,
                    EMBEDDED_FONT,
                    Align::CenterMiddle,
                    (0.0, 0.0, w, h),
                    5.0,
                    label_color.as_deref(),
                    None,
                    false,
                );
            }
        }
        self.body.push_str("</g>");

        // External label, right after its owner.
        if has_external_label(kind) {
            let name = if *kind == Kind::Group {
                e.attr("categoryValueRef")
                    .and_then(|r| resolve_ref(model, r))
                    .and_then(|cv| model.el(cv).attr("value"))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            } else {
                e.label()
            };
            if let Some(name) = name {
                let place = match shape
                    .label
                    .as_ref()
                    .and_then(|l| l.bounds)
                    .filter(Bounds::is_valid)
                    .filter(|&lb| !is_stray_label(lb, b))
                {
                    Some(lb) => label_place(lb),
                    // bpmn-js centres a group's label at its top, any other below the shape.
                    None if *kind == Kind::Group => LabelPlace::Centered {
                        cx: b.x + w / 2.0,
                        top: b.y,
                    },
                    None => LabelPlace::Centered {
                        cx: b.x + w / 2.0,
                        top: b.y + h,
                    },
                };
                self.external_label(name, place, label_color.as_deref());
            }
        }
    }

    fn bbox_text_local(&mut self, lines: &[Line], size: f64, x: f64, y: f64) {
        let widest = lines.iter().map(|l| l.width).fold(0.0, f64::max);
        #[allow(clippy::cast_precision_loss)]
        let height = lines.len() as f64 * size * LINE_HEIGHT;
        self.bbox.add_rect(x, y, widest, height);
    }

    fn event(&mut self, id: ElementId, e: &Element, colors: &Colors, w: f64, h: f64) {
        // bpmn.io's circle: radius round((w + h) / 4), the inner ring 3 px inside.
        let (cx, cy, r) = (w / 2.0, h / 2.0, js_round((w + h) / 4.0));
        let kind = &e.kind;
        let dashed = match kind {
            Kind::StartEvent => e.bool_attr("isInterrupting") == Some(false),
            Kind::BoundaryEvent => e.bool_attr("cancelActivity") == Some(false),
            _ => false,
        };
        let dash = if dashed {
            " stroke-dasharray=\"6\""
        } else {
            ""
        };
        let opacity = if *kind == Kind::BoundaryEvent {
            " fill-opacity=\"1\""
        } else {
            ""
        };

        match kind {
            Kind::StartEvent => w!(
                self.body,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{opacity}{dash}/>",
                N(cx),
                N(cy),
                N(r)
            ),
            Kind::EndEvent => w!(
                self.body,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" stroke-width=\"4\"{opacity}/>",
                N(cx),
                N(cy),
                N(r)
            ),
            _ => w!(
                self.body,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" stroke-width=\"1.5\"{opacity}{dash}/><circle cx=\"{}\" cy=\"{}\" r=\"{}\" stroke-width=\"1.5\" fill=\"none\"{dash}/>",
                N(cx),
                N(cy),
                N(r),
                N(cx),
                N(cy),
                N(js_round((w + h) / 4.0 - 3.0))
            ),
        }
        let Some(icon) = event_icon(self.model, id) else {
            return;
        };
        // Timer, conditional and parallel-multiple icons stay outlined even on throw
        // events (bpmn.io draws them only as catching).
        let throwing = kind.is_throw_event()
            && !matches!(
                icon,
                Icon::Timer | Icon::Conditional | Icon::ParallelMultiple
            );
        let (fill, stroke) = (colors.fill(), colors.stroke());
        let paint = if icon == Icon::Terminate {
            format!(" fill=\"{}\"", Esc(stroke))
        } else if throwing && icon == Icon::Message {
            format!(" fill=\"{}\" stroke=\"{}\"", Esc(stroke), Esc(fill))
        } else if throwing {
            format!(" fill=\"{}\"", Esc(stroke))
        } else {
            String::new()
        };
        let scale = transform_for(
            w.min(h) / 36.0,
            cx - 18.0 * w.min(h) / 36.0,
            cy - 18.0 * w.min(h) / 36.0,
        );
        self.use_icon(icon, &format!("{paint}{scale}"));
    }

    fn gateway(&mut self, e: &Element, shape: &DiShape, w: f64, h: f64) {
        w!(
            self.body,
            "<path d=\"M{} 0L{} {} {} {} 0 {}z\"/>",
            N(w / 2.0),
            N(w),
            N(h / 2.0),
            N(w / 2.0),
            N(h),
            N(h / 2.0)
        );
        let icon = match e.kind {
            Kind::ExclusiveGateway if shape.is_marker_visible == Some(true) => Icon::GatewayX,
            Kind::ParallelGateway => Icon::GatewayPlus,
            Kind::InclusiveGateway => Icon::GatewayO,
            Kind::ComplexGateway => Icon::GatewayStar,
            Kind::EventBasedGateway => {
                let parallel = e.attr("eventGatewayType").map(str::trim) == Some("Parallel");
                if parallel {
                    Icon::EventBasedParallel
                } else if e.bool_attr("instantiate") == Some(true) {
                    Icon::EventBasedStart
                } else {
                    Icon::EventBased
                }
            }
            _ => return,
        };
        // bpmn.io stretches the X, + and asterisk with the diamond; circles keep round.
        let stretched = matches!(icon, Icon::GatewayX | Icon::GatewayPlus | Icon::GatewayStar);
        let scale = if stretched && (w - h).abs() > 1e-9 {
            format!(
                " transform=\"matrix({} 0 0 {} 0 0)\"",
                N(w / 50.0),
                N(h / 50.0)
            )
        } else {
            let s = w.min(h) / 50.0;
            transform_for(s, w / 2.0 - 25.0 * s, h / 2.0 - 25.0 * s)
        };
        self.use_icon(icon, &scale);
    }

    fn activity(
        &mut self,
        id: ElementId,
        e: &Element,
        shape: &DiShape,
        colors: &Colors,
        w: f64,
        h: f64,
    ) {
        let model = self.model;
        let kind = &e.kind;
        let expanded = kind.is_sub_process() && shape.is_expanded == Some(true);
        let event_sub = kind.is_sub_process() && e.bool_attr("triggeredByEvent") == Some(true);
        let rect = |extra: &str| {
            format!(
                "<rect width=\"{}\" height=\"{}\" rx=\"10\"{extra}/>",
                N(w),
                N(h)
            )
        };
        match kind {
            Kind::CallActivity => self.body.push_str(&rect(" stroke-width=\"5\"")),
            Kind::Transaction => {
                self.body.push_str(&rect(" stroke-width=\"1.5\""));
                w!(
                    self.body,
                    "<rect x=\"3\" y=\"3\" width=\"{}\" height=\"{}\" rx=\"7\" fill=\"none\" stroke-width=\"1.5\"/>",
                    N(w - 6.0),
                    N(h - 6.0)
                );
            }
            _ if event_sub => self
                .body
                .push_str(&rect(" stroke-width=\"2.5\" stroke-dasharray=\"0,5.5\"")),
            _ => self.body.push_str(&rect("")),
        }
        let (fill, stroke) = (colors.fill().to_owned(), colors.stroke().to_owned());
        // Task type icon, top left.
        match kind {
            Kind::UserTask => self.use_icon(Icon::User, ""),
            Kind::ServiceTask => self.use_icon(Icon::Service, ""),
            Kind::ScriptTask => self.use_icon(Icon::Script, ""),
            Kind::ManualTask => self.use_icon(Icon::Manual, ""),
            Kind::BusinessRuleTask => self.use_icon(Icon::BusinessRule, ""),
            Kind::SendTask => self.use_icon(
                Icon::Envelope,
                &format!(" fill=\"{}\" stroke=\"{}\"", Esc(&stroke), Esc(&fill)),
            ),
            Kind::ReceiveTask => {
                if e.bool_attr("instantiate") == Some(true) {
                    self.body
                        .push_str("<circle cx=\"14\" cy=\"14\" r=\"10\" stroke-width=\"1\"/>");
                    self.use_icon(
                        Icon::Envelope,
                        &format!(
                            " fill=\"{}\" stroke=\"{}\" transform=\"matrix(.6 0 0 .6 4.17 6.52)\"",
                            Esc(&stroke),
                            Esc(&fill)
                        ),
                    );
                } else {
                    // A little smaller than the send task's.
                    self.use_icon(Icon::Envelope, " transform=\"matrix(.9 0 0 .9 .9 1.1)\"");
                }
            }
            _ => {}
        }
        // Collapsed event sub-process: its start event's icon at the top left.
        if event_sub && !expanded {
            let start = model
                .children(id)
                .find(|(_, c)| c.kind == Kind::StartEvent)
                .map(|(sid, s)| (sid, s.bool_attr("isInterrupting") != Some(false)));
            if let Some((sid, interrupting)) = start {
                let dash = if interrupting {
                    ""
                } else {
                    " stroke-dasharray=\"3.5\""
                };
                self.body.push_str(&format!(
                    "<circle cx=\"11\" cy=\"11\" r=\"10\" stroke-width=\"1\"{dash}/>"
                ));
                if let Some(icon) = event_icon(model, sid) {
                    self.use_icon(icon, " transform=\"matrix(.61 0 0 .61 0 0)\"");
                }
            }
        }
        // Label.
        if let Some(name) = e.label() {
            let color = colors.label.clone();
            if expanded {
                let lines = text::wrap(name, w - 14.0, EMBEDDED_FONT);
                self.text_lines(
                    &lines,
                    EMBEDDED_FONT,
                    Align::CenterTop,
                    (0.0, 0.0, w, h),
                    7.0,
                    color.as_deref(),
                    None,
                    false,
                );
            } else {
                let lines = text::wrap(name, w - 14.0, EMBEDDED_FONT);
                self.text_lines(
                    &lines,
                    EMBEDDED_FONT,
                    Align::CenterMiddle,
                    (0.0, 0.0, w, h),
                    7.0,
                    color.as_deref(),
                    None,
                    false,
                );
            }
        }
        // Bottom markers.
        let loop_icon = model.loop_characteristics(id).map(|(_, l)| match l.kind {
            Kind::StandardLoopCharacteristics => Icon::Loop,
            _ if l.bool_attr("isSequential") == Some(true) => Icon::MiSequential,
            _ => Icon::MiParallel,
        });
        let compensation = e.bool_attr("isForCompensation") == Some(true);
        let collapsed = (kind.is_sub_process() || *kind == Kind::CallActivity) && !expanded;
        let adhoc = *kind == Kind::AdHocSubProcess;
        let mut slots: Vec<(Icon, f64)> = Vec::new();
        let cx = w / 2.0;
        // Offsets from the bottom centre, as bpmn.io places its markers: a collapsed
        // sub-process keeps the centre for its "+", the others move left of it, the
        // ad-hoc tilde goes right of it.
        if collapsed {
            slots.push((Icon::SubProcessPlus, 0.0));
            let mut left = -17.0;
            if let Some(l) = loop_icon {
                slots.push((l, if l == Icon::Loop { -18.0 } else { -16.0 }));
                left -= 18.0;
            }
            if compensation {
                slots.push((Icon::CompensationMarker, left));
            }
            if adhoc {
                slots.push((Icon::AdHoc, 10.0));
            }
        } else {
            let mut left = 0.0;
            if let Some(l) = loop_icon {
                slots.push((l, 0.0));
                left = -18.0;
            }
            if compensation {
                slots.push((Icon::CompensationMarker, left));
            }
            if adhoc {
                slots.push((Icon::AdHoc, if slots.is_empty() { -8.0 } else { 10.0 }));
            }
        }
        for (icon, dx) in slots {
            let href = self.icon(icon);
            w!(
                self.body,
                "<use href=\"{href}\" x=\"{}\" y=\"{}\"/>",
                N(cx + dx),
                N(h)
            );
        }
    }

    fn participant(
        &mut self,
        id: ElementId,
        e: &Element,
        shape: &DiShape,
        w: f64,
        h: f64,
        color: Option<&str>,
    ) {
        let horizontal = shape.is_horizontal != Some(false);
        // A pool is drawn expanded when it has a process, whatever its `isExpanded` says:
        // the DI spec gives `isExpanded` to sub-processes, and tools such as Enterprise
        // Composer write `isExpanded="false"` on every shape, pools included (bpmn.io
        // ignores it for pools too).
        let expanded = e.links.process.is_some();
        w!(
            self.body,
            "<rect width=\"{}\" height=\"{}\" stroke-width=\"1.5\"/>",
            N(w),
            N(h)
        );
        if expanded {
            if horizontal {
                w!(
                    self.body,
                    "<path d=\"M30 0V{}\" stroke-width=\"1.5\"/>",
                    N(h)
                );
            } else {
                w!(
                    self.body,
                    "<path d=\"M0 30H{}\" stroke-width=\"1.5\"/>",
                    N(w)
                );
            }
            self.band_label(e.label(), w, h, horizontal, color);
        } else if let Some(name) = e.label() {
            // A collapsed vertical pool reads bottom to top along its long side, as
            // bpmn-js draws it: lay the name out in the rotated box, then turn it.
            let (box_w, box_h, transform) = if horizontal {
                (w, h, None)
            } else {
                (h, w, Some(format!("matrix(0 -1 1 0 0 {})", N(h))))
            };
            let lines = text::wrap(name, box_w, EMBEDDED_FONT);
            self.text_lines(
                &lines,
                EMBEDDED_FONT,
                Align::CenterMiddle,
                (0.0, 0.0, box_w, box_h),
                0.0,
                color,
                transform,
                false,
            );
        }
        let multi = self
            .model
            .children(id)
            .any(|(_, c)| c.kind == Kind::Other("participantMultiplicity".into()));
        if multi {
            w!(
                self.body,
                "<path d=\"M{} {}v-10m5 10v-10m5 10v-10\" stroke-width=\"2\" stroke-linecap=\"butt\"/>",
                N(w / 2.0 - 5.0),
                N(h - 2.0)
            );
        }
    }

    /// The name of a pool or lane in its 30 px header band, rotated for horizontal ones.
    fn band_label(
        &mut self,
        name: Option<&str>,
        w: f64,
        h: f64,
        horizontal: bool,
        color: Option<&str>,
    ) {
        let Some(name) = name else { return };
        if horizontal {
            let lines = text::wrap(name, h, EMBEDDED_FONT);
            self.text_lines(
                &lines,
                EMBEDDED_FONT,
                Align::CenterMiddle,
                (0.0, 0.0, h, 30.0),
                0.0,
                color,
                Some(format!("matrix(0 -1 1 0 0 {})", N(h))),
                false,
            );
        } else {
            let lines = text::wrap(name, w, EMBEDDED_FONT);
            self.text_lines(
                &lines,
                EMBEDDED_FONT,
                Align::CenterMiddle,
                (0.0, 0.0, w, 30.0),
                0.0,
                color,
                None,
                false,
            );
        }
    }

    fn data_object(&mut self, id: ElementId, e: &Element, colors: &Colors, w: f64, h: f64) {
        // bpmn.io draws the page a little inside its box (98 % of the width, 60/61 of the
        // height); the folded corner is a fifth of the page wide and a sixth of it tall.
        let (pw, ph) = (w / 1.02, h * 60.0 / 61.0);
        let (fold_w, fold_h) = (pw * 0.2, ph / 6.0);
        w!(
            self.body,
            "<path d=\"M0 0H{}L{} {}V{}H0z\"/><path d=\"M{} 0V{}H{}\" fill=\"none\"/>",
            N(pw - fold_w),
            N(pw),
            N(fold_h),
            N(ph),
            N(pw - fold_w),
            N(fold_h),
            N(pw)
        );
        let model = self.model;
        let object = if e.kind == Kind::DataObjectReference {
            e.attr("dataObjectRef")
                .and_then(|r| resolve_ref(model, r))
                .map(|o| model.el(o))
        } else {
            Some(model.el(id))
        };
        let collection = e.bool_attr("isCollection") == Some(true)
            || object.is_some_and(|o| o.bool_attr("isCollection") == Some(true));
        if collection {
            w!(
                self.body,
                "<path d=\"M{} {}v-10m3 10v-10m3 10v-10\"/>",
                N(w / 2.0 - 3.12),
                N(h - 6.0)
            );
        }
        let arrow = match e.kind {
            Kind::DataInput => Some(colors.fill().to_owned()),
            Kind::DataOutput => Some(colors.stroke().to_owned()),
            _ => None,
        };
        if let Some(fill) = arrow {
            w!(
                self.body,
                "<path d=\"M4 6.5h7v-3.5l6.5 6-6.5 6v-3.5h-7z\" stroke-width=\"1\" fill=\"{}\"/>",
                Esc(&fill)
            );
        }
    }

    fn data_store(&mut self, w: f64, h: f64) {
        // A cylinder in bpmn.io's proportions (for a 50×50 box: 49.2 wide, the body from
        // y 6.65 to 43.5, caps bulging 6 px, three rims 5.74 apart at the top).
        let (sx, sy) = (w / 50.0, h / 50.0);
        let (width, top, bottom) = (49.18 * sx, 6.65 * sy, 43.54 * sy);
        let (c, k, gap) = (1.64 * sx, 8.2 * sy, 5.74 * sy);
        w!(
            self.body,
            "<path d=\"M0 {top}V{bottom}C{c} {bk} {cw} {bk} {width} {bottom}V{top}C{cw} {tk} {c} {tk} 0 {top}z\"/>",
            top = N(top),
            bottom = N(bottom),
            bk = N(bottom + k),
            tk = N(top - k),
            c = N(c),
            cw = N(width - c),
            width = N(width)
        );
        self.body.push_str("<path d=\"");
        for i in 0..3 {
            let y = top + f64::from(i) * gap;
            w!(
                self.body,
                "M0 {y}C{c} {yk} {cw} {yk} {width} {y}",
                y = N(y),
                yk = N(y + k),
                c = N(c),
                cw = N(width - c),
                width = N(width)
            );
        }
        self.body.push_str("\" fill=\"none\"/>");
    }

    fn edge(&mut self, edge: &DiEdge, by_element: &HashMap<ElementId, &DiShape>) {
        let Some(id) = edge.element else { return };
        let model = self.model;
        let e = model.el(id);
        let colors = Colors::of(&edge.attrs, edge.label.as_ref());
        let stroke = colors.stroke().to_owned();
        let pts = &edge.waypoints;
        for p in pts {
            self.bbox.add_point(p.x, p.y);
        }
        self.open(
            e,
            &Colors {
                fill: None,
                ..colors.clone()
            },
            None,
        );
        let mut attrs = String::new();
        match &e.kind {
            Kind::SequenceFlow => {
                let source = e.links.source.map(|s| model.el(s));
                let is_default = source.is_some_and(|s| s.links.default_flow == Some(id));
                let conditional = !is_default
                    && source.is_some_and(|s| s.kind.is_activity())
                    && model
                        .children(id)
                        .any(|(_, c)| c.kind == Kind::ConditionExpression);
                if is_default {
                    w!(
                        attrs,
                        " marker-start=\"{}\"",
                        self.marker(MarkerKind::DefaultStart, &stroke)
                    );
                } else if conditional {
                    w!(
                        attrs,
                        " marker-start=\"{}\"",
                        self.marker(MarkerKind::ConditionalStart, &stroke)
                    );
                }
                w!(
                    attrs,
                    " marker-end=\"{}\"",
                    self.marker(MarkerKind::SequenceEnd, &stroke)
                );
                w!(self.body, "<path d=\"{}\"{attrs}/>", rounded_path(pts, 5.0));
            }
            Kind::MessageFlow => {
                let start = self.marker(MarkerKind::MessageStart, &stroke);
                let end = self.marker(MarkerKind::MessageEnd, &stroke);
                w!(
                    self.body,
                    "<path d=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"10,11\" marker-start=\"{start}\" marker-end=\"{end}\"/>",
                    rounded_path(pts, 5.0)
                );
                if let Some(msg) = e.attr("messageRef").and_then(|r| resolve_ref(model, r)) {
                    let mid = path_mid(pts);
                    let initiating = edge.attrs.iter().any(|a| {
                        &*a.local == "messageVisibleKind" && a.value.trim() != "non_initiating"
                    });
                    let has_kind = edge.attrs.iter().any(|a| &*a.local == "messageVisibleKind");
                    let filled = has_kind && !initiating;
                    let (fill, line) = if filled {
                        (stroke.clone(), colors.fill().to_owned())
                    } else {
                        (colors.fill().to_owned(), stroke.clone())
                    };
                    w!(
                        self.body,
                        "<path d=\"M{} {}h21v14h-21zl10.5 6 10.5-6\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
                        N(mid.x - 10.5),
                        N(mid.y - 7.0),
                        Esc(&fill),
                        Esc(&line)
                    );
                    // bpmn-js writes the message's name 10 px below the envelope, in the
                    // 12 px font, wrapped at its default text box width of 150 px.
                    if let Some(name) = model.el(msg).label() {
                        let lines = text::wrap(name, 150.0, EMBEDDED_FONT);
                        let widest = lines.iter().map(|l| l.width).fold(0.0, f64::max);
                        self.text_lines(
                            &lines,
                            EMBEDDED_FONT,
                            Align::CenterTop,
                            (mid.x - widest / 2.0, mid.y + 7.0 + 10.0, widest, 0.0),
                            0.0,
                            colors.label.as_deref(),
                            None,
                            true,
                        );
                    }
                }
            }
            Kind::Association => {
                let dir = e
                    .attr("associationDirection")
                    .map(str::trim)
                    .unwrap_or("None");
                if dir == "Both" {
                    w!(
                        attrs,
                        " marker-start=\"{}\"",
                        self.marker(MarkerKind::OpenArrowStart, &stroke)
                    );
                }
                if dir == "One" || dir == "Both" {
                    w!(
                        attrs,
                        " marker-end=\"{}\"",
                        self.marker(MarkerKind::OpenArrow, &stroke)
                    );
                }
                w!(
                    self.body,
                    "<path d=\"{}\" stroke-dasharray=\"0,5\"{attrs}/>",
                    rounded_path(pts, 5.0)
                );
            }
            Kind::DataInputAssociation | Kind::DataOutputAssociation => {
                let end = self.marker(MarkerKind::OpenArrow, &stroke);
                w!(
                    self.body,
                    "<path d=\"{}\" stroke-dasharray=\"0,5\" marker-end=\"{end}\"/>",
                    rounded_path(pts, 5.0)
                );
            }
            _ => w!(self.body, "<path d=\"{}\"/>", rounded_path(pts, 5.0)),
        }
        self.body.push_str("</g>");
        let _ = by_element;
        if has_external_label(&e.kind) {
            if let Some(name) = e.label() {
                let place = match edge
                    .label
                    .as_ref()
                    .and_then(|l| l.bounds)
                    .filter(Bounds::is_valid)
                    .filter(|&lb| !is_stray_label(lb, points_box(pts)))
                {
                    Some(lb) => label_place(lb),
                    None => {
                        let (mid, vertical) = flow_label_mid(pts);
                        if vertical {
                            LabelPlace::Centered {
                                cx: mid.x + 15.0,
                                top: mid.y - 10.0,
                            }
                        } else {
                            LabelPlace::Centered {
                                cx: mid.x,
                                top: mid.y - 15.0 - 10.0,
                            }
                        }
                    }
                };
                self.external_label(name, place, colors.label.as_deref());
            }
        }
    }

    fn finish(mut self, diagram: &Diagram) -> String {
        if self.bbox.is_empty() {
            self.bbox.add_rect(0.0, 0.0, 0.0, 0.0);
        }
        let bb = self.bbox;
        // Whole pixels, so that strokes stay crisp when the SVG is shown at 100 %.
        let (x, y) = ((bb.min_x - PADDING).floor(), (bb.min_y - PADDING).floor());
        let (w, h) = (
            (bb.max_x + PADDING - x).ceil(),
            (bb.max_y + PADDING - y).ceil(),
        );
        let p = &self.prefix;
        let mut out = String::with_capacity(self.body.len() + 4096);
        w!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{p}\" width=\"{}\" height=\"{}\" viewBox=\"{} {} {} {}\" color=\"{STROKE}\" font-family=\"Arial, 'Liberation Sans', Helvetica, sans-serif\">",
            N(w.ceil()),
            N(h.ceil()),
            N(x),
            N(y),
            N(w.ceil()),
            N(h.ceil())
        );
        let title = diagram
            .name
            .as_deref()
            .or(diagram.id.as_deref())
            .unwrap_or("BPMN diagram");
        w!(out, "<title>{}</title>", Esc(title));
        w!(
            out,
            "<style>#{p} text{{fill:{STROKE};fill-opacity:1;stroke:none;font-size:12px;text-anchor:middle}}#{p} .e{{font-size:11px}}#{p} .l{{text-anchor:start}}</style>"
        );
        let mut icons = self.icons.clone();
        icons.sort();
        if !icons.is_empty() || !self.markers.is_empty() {
            out.push_str("<defs>");
            for (i, (kind, color)) in self.markers.iter().enumerate() {
                marker_def(&mut out, p, i, *kind, color);
            }
            for icon in icons {
                // Icons are drawn with 1 px lines unless they say otherwise.
                w!(
                    out,
                    "<g id=\"{p}-{}\" stroke-width=\"1\">{}</g>",
                    icon.key(),
                    icon.body()
                );
            }
            out.push_str("</defs>");
        }
        w!(
            out,
            "<g fill=\"{FILL}\" fill-opacity=\".95\" stroke=\"{STROKE}\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\">"
        );
        out.push_str(&self.body);
        out.push_str("</g></svg>\n");
        out
    }
}

/// ` transform="matrix(...)"` for a uniform scale `s` and translation, or nothing.
fn transform_for(s: f64, tx: f64, ty: f64) -> String {
    if (s - 1.0).abs() < 1e-9 {
        if tx.abs() < 0.005 && ty.abs() < 0.005 {
            String::new()
        } else {
            format!(" x=\"{}\" y=\"{}\"", N(tx), N(ty))
        }
    } else {
        format!(
            " transform=\"matrix({} 0 0 {} {} {})\"",
            N(s),
            N(s),
            N(tx),
            N(ty)
        )
    }
}

fn marker_def(out: &mut String, p: &str, i: usize, kind: MarkerKind, color: &str) {
    let c = Esc(color);
    // Marker boxes are 20×20 units; message flow markers are drawn 1.5 times larger, as
    // bpmn.io scales them with the flow's stroke width.
    let size = if matches!(kind, MarkerKind::MessageStart | MarkerKind::MessageEnd) {
        30
    } else {
        20
    };
    w!(
        out,
        "<marker id=\"{p}-m{i}\" viewBox=\"0 0 20 20\" markerWidth=\"{size}\" markerHeight=\"{size}\" markerUnits=\"userSpaceOnUse\" orient=\"auto\" "
    );
    match kind {
        MarkerKind::SequenceEnd => w!(
            out,
            "refX=\"11\" refY=\"10\"><path d=\"M1 5L11 10 1 15z\" fill=\"{c}\" stroke=\"{c}\" stroke-width=\"1\" stroke-linejoin=\"round\"/>"
        ),
        MarkerKind::DefaultStart => w!(
            out,
            "refX=\"0\" refY=\"10\"><path d=\"M6 4l4 12\" stroke=\"{c}\" stroke-width=\"2\" stroke-linecap=\"round\"/>"
        ),
        MarkerKind::ConditionalStart => w!(
            out,
            "refX=\"-1\" refY=\"10\"><path d=\"M0 10l8-4 8 4-8 4z\" fill=\"{FILL}\" stroke=\"{c}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
        ),
        MarkerKind::MessageStart => w!(
            out,
            "refX=\"6\" refY=\"6\"><circle cx=\"6\" cy=\"6\" r=\"3.5\" fill=\"{FILL}\" stroke=\"{c}\" stroke-width=\"1\"/>"
        ),
        MarkerKind::MessageEnd => w!(
            out,
            "refX=\"8.5\" refY=\"5\"><path d=\"M1 2l7 3-7 3z\" fill=\"{FILL}\" stroke=\"{c}\" stroke-width=\"1\" stroke-linejoin=\"round\"/>"
        ),
        MarkerKind::OpenArrow => w!(
            out,
            "refX=\"11\" refY=\"10\"><path d=\"M1 5l10 5-10 5\" fill=\"none\" stroke=\"{c}\" stroke-width=\"1.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>"
        ),
        MarkerKind::OpenArrowStart => w!(
            out,
            "refX=\"1\" refY=\"10\"><path d=\"M11 5L1 10l10 5\" fill=\"none\" stroke=\"{c}\" stroke-width=\"1.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>"
        ),
    }
    out.push_str("</marker>");
}

/// Waypoints without repeats and without points in the middle of a straight run (as
/// drawn, rounded to the output's precision).
fn simplify(pts: &[Point]) -> Vec<Point> {
    let r = |v: f64| (v * 100.0).round() / 100.0;
    let mut out: Vec<Point> = Vec::with_capacity(pts.len());
    for p in pts {
        let p = Point {
            x: r(p.x),
            y: r(p.y),
        };
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let cross = (b.x - a.x) * (p.y - b.y) - (b.y - a.y) * (p.x - b.x);
            let forward = (b.x - a.x) * (p.x - b.x) + (b.y - a.y) * (p.y - b.y) >= 0.0;
            if cross.abs() < 1e-9 && forward {
                out.pop();
            }
        }
        out.push(p);
    }
    if out.len() == 1 {
        out.push(out[0]);
    }
    out
}

/// A line to `p` from `from`, with `H`/`V` when axis-aligned.
fn line_to(s: &mut String, from: Point, p: Point) {
    if (p.y - from.y).abs() < 1e-9 {
        w!(s, "H{}", N(p.x));
    } else if (p.x - from.x).abs() < 1e-9 {
        w!(s, "V{}", N(p.y));
    } else {
        w!(s, "L{} {}", N(p.x), N(p.y));
    }
}

/// A polyline with its bends rounded as bpmn-js rounds every connection: the line stops
/// `r` before the bend (`r` = `radius`, or less when a neighbouring segment is shorter) and
/// a cubic curve, with its control points halfway to the bend, joins the next segment.
fn rounded_path(pts: &[Point], radius: f64) -> String {
    let pts = simplify(pts);
    let mut s = String::new();
    let Some(&first) = pts.first() else { return s };
    w!(s, "M{} {}", N(first.x), N(first.y));
    let mut cur = first;
    for i in 1..pts.len() {
        let p = pts[i];
        if i + 1 < pts.len() {
            let prev = pts[i - 1];
            let next = pts[i + 1];
            let d_in = dist(prev, p);
            let d_out = dist(p, next);
            let r = radius.min(d_in).min(d_out);
            if r > 0.0 {
                let toward = |q: Point, d: f64, len: f64| Point {
                    x: p.x + (q.x - p.x) / d * len,
                    y: p.y + (q.y - p.y) / d * len,
                };
                let (a, a2) = (toward(prev, d_in, r), toward(prev, d_in, r / 2.0));
                let (b, b2) = (toward(next, d_out, r), toward(next, d_out, r / 2.0));
                line_to(&mut s, cur, a);
                w!(
                    s,
                    "C{} {} {} {} {} {}",
                    N(a2.x),
                    N(a2.y),
                    N(b2.x),
                    N(b2.y),
                    N(b.x),
                    N(b.y)
                );
                cur = b;
                continue;
            }
        }
        line_to(&mut s, cur, p);
        cur = p;
    }
    s
}

/// The middle of a polyline, by length.
fn path_mid(pts: &[Point]) -> Point {
    let total: f64 = pts.windows(2).map(|w| dist(w[0], w[1])).sum();
    let mut left = total / 2.0;
    for seg in pts.windows(2) {
        let d = dist(seg[0], seg[1]);
        if d >= left && d > 0.0 {
            let t = left / d;
            return Point {
                x: seg[0].x + (seg[1].x - seg[0].x) * t,
                y: seg[0].y + (seg[1].y - seg[0].y) * t,
            };
        }
        left -= d;
    }
    pts.first().copied().unwrap_or_default()
}

fn dist(a: Point, b: Point) -> f64 {
    ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt()
}

/// bpmn.io's default place of a flow label: the middle of the middle segment, and whether
/// that segment is vertical (label goes right of it instead of above).
fn flow_label_mid(pts: &[Point]) -> (Point, bool) {
    #[allow(clippy::cast_precision_loss)]
    let mid = pts.len() as f64 / 2.0 - 1.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (i, j) = (
        (mid.floor().max(0.0) as usize).min(pts.len() - 1),
        ((mid + 0.01).ceil().max(0.0) as usize).min(pts.len() - 1),
    );
    let (a, b) = (pts[i], pts[j]);
    let m = Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    // bpmn-js tests the segment's angle: a vertical or zero-length one puts the label beside.
    let vertical = (b.x - a.x).abs() < f64::EPSILON;
    (m, vertical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(body: &str, di: &str) -> String {
        let xml = format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">{body}
  <bpmndi:BPMNDiagram id="D">{di}</bpmndi:BPMNDiagram></definitions>"#
        );
        let model = crate::parse_str("t.bpmn", &xml, &crate::ParseOptions::default())
            .expect("test model parses");
        render(&model, &model.diagrams[0]).text
    }

    #[test]
    fn blank_lines_in_a_label_keep_their_height() {
        // Camunda's invoice example names a task "Prepare&#10;&#10;Bank&#10;&#10;Transfer";
        // bpmn-js draws five lines, the blank ones as empty space.
        let svg = draw(
            r#"<process id="p"><task id="t" name="Prepare&#10;&#10;Bank"/></process>"#,
            r#"<bpmndi:BPMNPlane bpmnElement="p"><bpmndi:BPMNShape bpmnElement="t">
               <dc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape></bpmndi:BPMNPlane>"#,
        );
        assert!(
            svg.contains(r#"y="29.2">Prepare<tspan x="50" dy="28.8">Bank</tspan>"#),
            "{svg}"
        );
    }

    #[test]
    fn collapsed_vertical_pool_names_run_along_the_pool() {
        let svg = draw(
            r#"<collaboration id="c"><participant id="P" name="Collapsed Pool"/></collaboration>"#,
            r#"<bpmndi:BPMNPlane bpmnElement="c"><bpmndi:BPMNShape bpmnElement="P" isHorizontal="false">
               <dc:Bounds x="0" y="0" width="60" height="600"/></bpmndi:BPMNShape></bpmndi:BPMNPlane>"#,
        );
        assert!(
            svg.contains(
                r#"<text transform="matrix(0 -1 1 0 0 600)" x="300" y="33.6">Collapsed Pool</text>"#
            ),
            "{svg}"
        );
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(N(1.0).to_string(), "1");
        assert_eq!(N(0.5).to_string(), ".5");
        assert_eq!(N(-0.25).to_string(), "-.25");
        assert_eq!(N(12.345).to_string(), "12.35");
        assert_eq!(N(-0.001).to_string(), "0");
        assert_eq!(N(f64::NAN).to_string(), "0");
        assert_eq!(N(100.10).to_string(), "100.1");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            Esc("<a href=\"x\">&'").to_string(),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(sanitize_color("url(#x)"), None);
        assert_eq!(sanitize_color("\"/><script>"), None);
        assert_eq!(sanitize_color(" #ff0000 ").as_deref(), Some("#ff0000"));
    }

    #[test]
    fn rounded_corners() {
        let pts = [
            Point { x: 0.0, y: 0.0 },
            Point { x: 100.0, y: 0.0 },
            Point { x: 100.0, y: 50.0 },
        ];
        assert_eq!(rounded_path(&pts, 5.0), "M0 0H95C97.5 0 100 2.5 100 5V50");
        let straight = [
            Point { x: 0.0, y: 0.0 },
            Point { x: 50.0, y: 0.0 },
            Point { x: 100.0, y: 0.0 },
        ];
        assert_eq!(rounded_path(&straight, 5.0), "M0 0H100");
    }
}
