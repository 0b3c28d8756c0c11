//! The HTML report: one self-contained page per model for people who would rather look
//! than read.
//!
//! A page holds the rendered diagram(s) (zoom and pan), every finding listed by severity
//! and drawn on the diagram, the soundness verdict per process with each witness trace
//! playable step by step, and simulation KPIs (cycle-time histogram, waiting-time heat map,
//! resource utilisation). Everything is inline: no network request, no external font or
//! script, so the file works from `file://` and offline. Everything taken from the model
//! (ids, names, messages) is escaped: text through [`Esc`], data for the script as JSON
//! with `<`, `>` and `&` written as `\u` escapes.
//!
//! The page is built from plain values ([`ReportInput`]), so the report does not depend on
//! how lint, verify or simulate compute them; `bpmnkit report` fills them.
//!
//! ```
//! let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
//!   <process id="p"><task id="t" name="Check &lt;order&gt;"/></process></definitions>"#;
//! let model = bpmnkit::parse_str("example.bpmn", xml, &Default::default())?;
//! let input = bpmnkit::report::html::ReportInput::new(&model, model.diagrams.clone());
//! let page = bpmnkit::report::html::render(&input);
//! assert!(page.html.starts_with("<!DOCTYPE html>"));
//! assert!(!page.html.contains("<order>"));
//! # Ok::<(), bpmnkit::ParseError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Diagram, Kind, Model};

const CSS: &str = include_str!("assets/report.css");
const JS: &str = include_str!("assets/report.js");

/// Appends formatted text to a `String` (writing to a `String` cannot fail).
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

/// HTML-escapes text for element content and quoted attribute values.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for ch in self.0.chars() {
            match ch {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c if c < ' ' && c != '\t' && c != '\n' => f.write_char(' ')?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// Where a finding comes from; the report groups and labels findings by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Reading the file.
    Parse,
    /// Lint rules (correctness, suspicious, style).
    Lint,
    /// Governance rules (organisation policy).
    Governance,
    /// Soundness verification.
    Verify,
    /// Simulation.
    Simulate,
    /// Drawing the diagram (elements left out of the picture).
    Render,
}

impl Source {
    /// The word shown on the page.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Source::Parse => "parse",
            Source::Lint => "lint",
            Source::Governance => "governance",
            Source::Verify => "soundness",
            Source::Simulate => "simulation",
            Source::Render => "render",
        }
    }
}

/// One finding on the page.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The diagnostic; its labels with element ids are drawn as a path when
    /// `witness` is set.
    pub diagnostic: Diagnostic,
    /// Where it comes from.
    pub source: Source,
    /// Whether the labels are the steps of a witness run, in order.
    pub witness: bool,
}

/// The verdict of one verified unit (a process, pools linked by messages, a sub-process).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every property holds.
    Sound,
    /// Not decided.
    Unknown,
    /// A property is violated.
    Unsound,
}

impl Verdict {
    /// Lower-case word.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Sound => "sound",
            Verdict::Unknown => "unknown",
            Verdict::Unsound => "unsound",
        }
    }
}

/// The state of one property of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyState {
    /// Proven.
    Holds,
    /// Violated.
    Violated,
    /// Not decided.
    Unknown,
}

/// The soundness verdict of one unit.
#[derive(Debug, Clone)]
pub struct UnitVerdict {
    /// Display name (process or pool names).
    pub name: String,
    /// What kind of unit (`process`, `collaboration`, `sub-process`).
    pub kind: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// How it was decided, in a few words.
    pub how: String,
    /// Per-property results (name, state); properties that do not apply are left out.
    pub properties: Vec<(String, PropertyState)>,
    /// Indexes into [`ReportInput::findings`] of this unit's findings.
    pub findings: Vec<usize>,
}

/// Waiting and processing time of one activity in the simulation.
#[derive(Debug, Clone)]
pub struct ActivityTimes {
    /// Element id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Executions per case.
    pub count: f64,
    /// Mean waiting time before the activity starts, in seconds.
    pub waiting_mean_s: f64,
    /// Mean processing time, in seconds.
    pub processing_mean_s: f64,
}

/// Utilisation of one resource pool in the simulation.
#[derive(Debug, Clone)]
pub struct ResourceUse {
    /// Display name.
    pub name: String,
    /// Number of units in the pool.
    pub units: u32,
    /// Busy time divided by available time, 0..=1.
    pub utilisation: f64,
}

/// Simulation results shown by the report.
#[derive(Debug, Clone, Default)]
pub struct SimulationKpis {
    /// The scenario's name or file.
    pub scenario: String,
    /// The process simulated.
    pub process: String,
    /// Cycle time of each counted case, in seconds (drawn as the histogram).
    pub cycle_times_s: Vec<f64>,
    /// Cases that never completed.
    pub cases_stuck: u64,
    /// Cases ended by an error that nothing caught (counted among the cases shown).
    pub cases_failed: u64,
    /// Mean cycle time from the analytic (queueing) estimate, in seconds.
    pub analytic_mean_s: Option<f64>,
    /// Per-activity times.
    pub activities: Vec<ActivityTimes>,
    /// Per-resource utilisation.
    pub resources: Vec<ResourceUse>,
    /// Notes from the simulator (assumptions, comparisons).
    pub notes: Vec<String>,
}

/// Everything one page shows.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// The model.
    pub model: &'a Model,
    /// The diagrams to draw (the file's own, or a computed layout).
    pub diagrams: Vec<Diagram>,
    /// All findings (parse, lint, governance, verify, render).
    pub findings: Vec<Finding>,
    /// Soundness per unit; `None` when not verified.
    pub soundness: Option<Vec<UnitVerdict>>,
    /// Simulation results; `None` when not simulated.
    pub simulation: Option<SimulationKpis>,
    /// A line saying how the report was produced (tool version, date), shown in the footer.
    pub generator: String,
}

impl<'a> ReportInput<'a> {
    /// A report of `model` with these diagrams and nothing else yet.
    #[must_use]
    pub fn new(model: &'a Model, diagrams: Vec<Diagram>) -> Self {
        ReportInput {
            model,
            diagrams,
            findings: Vec::new(),
            soundness: None,
            simulation: None,
            generator: format!("bpmnkit {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The state of one model, for the index page and the exit code.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ModelStatus {
    /// The model file as given.
    pub file: String,
    /// The report's file name, relative to the index.
    pub href: Option<String>,
    /// Findings at error level.
    pub errors: usize,
    /// Findings at warning level.
    pub warnings: usize,
    /// Findings at info level.
    pub infos: usize,
    /// Worst soundness verdict, when verified.
    pub verdict: Option<Verdict>,
    /// Simulated mean cycle time, in seconds.
    pub mean_cycle_time_s: Option<f64>,
    /// Why the model could not be read, if it could not.
    pub unreadable: Option<String>,
}

/// One rendered page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The HTML document.
    pub html: String,
    /// The model's status (for the index page and the exit code).
    pub status: ModelStatus,
}

// ---------------------------------------------------------------------------------------
// Data for the script

#[derive(Serialize)]
#[serde(untagged)]
enum Geom {
    Rect([f64; 4]),
    Line(Vec<[f64; 2]>),
}

#[derive(Serialize)]
struct DiagramData {
    geom: BTreeMap<String, Geom>,
}

#[derive(Serialize)]
struct StepData {
    id: String,
    text: String,
    name: String,
}

#[derive(Serialize)]
struct FindingData {
    sev: Severity,
    src: Source,
    code: String,
    msg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    el: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    steps: Vec<StepData>,
    /// Flows between consecutive witness steps: (index of the step they lead to, flow id).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    flows: Vec<(usize, String)>,
}

#[derive(Serialize)]
struct HeatData {
    /// Element id -> (waiting seconds, label).
    wait: BTreeMap<String, (f64, String)>,
    max: f64,
}

#[derive(Serialize)]
struct PageData {
    diagrams: Vec<DiagramData>,
    findings: Vec<FindingData>,
    names: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    heat: Option<HeatData>,
}

/// JSON safe inside `<script>`: `<`, `>`, `&` and the JS line separators as `\u` escapes.
fn script_json<T: Serialize>(value: &T) -> String {
    let raw = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    let mut out = String::with_capacity(raw.len() + 64);
    for ch in raw.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn round2(v: f64) -> f64 {
    if v.is_finite() {
        (v * 100.0).round() / 100.0
    } else {
        0.0
    }
}

fn diagram_data(model: &Model, diagram: &Diagram) -> DiagramData {
    let mut geom = BTreeMap::new();
    for plane in std::iter::once(&diagram.plane).chain(&diagram.extra_planes) {
        for s in &plane.shapes {
            let Some(el) = s.element else { continue };
            if !s.bounds.is_valid() {
                continue;
            }
            let b = s.bounds;
            geom.insert(
                model.el(el).id_str().to_owned(),
                Geom::Rect([round2(b.x), round2(b.y), round2(b.width), round2(b.height)]),
            );
        }
        for e in &plane.edges {
            let Some(el) = e.element else { continue };
            let pts: Vec<[f64; 2]> = e
                .waypoints
                .iter()
                .filter(|p| p.x.is_finite() && p.y.is_finite())
                .map(|p| [round2(p.x), round2(p.y)])
                .collect();
            if pts.len() >= 2 {
                geom.insert(model.el(el).id_str().to_owned(), Geom::Line(pts));
            }
        }
    }
    DiagramData { geom }
}

/// Diagrams wider or taller than this (in diagram units) open with labels hidden.
const LOD_EXTENT: f64 = 4000.0;

/// The larger side of the box around everything in a diagram.
fn extent(d: &DiagramData) -> f64 {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut add = |x: f64, y: f64| {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    };
    for g in d.geom.values() {
        match g {
            Geom::Rect([x, y, w, h]) => {
                add(*x, *y);
                add(x + w, y + h);
            }
            Geom::Line(pts) => pts.iter().for_each(|p| add(p[0], p[1])),
        }
    }
    if x1 < x0 { 0.0 } else { (x1 - x0).max(y1 - y0) }
}

/// The display name of an element id: its name, else its type and id.
fn display_name(model: &Model, id: &str) -> String {
    match model.by_id(id) {
        Some(el) => {
            let e = model.el(el);
            match e.label() {
                Some(name) => name.to_owned(),
                None => format!("{} {id}", capitalise(&e.kind.human_name())),
            }
        }
        None => id.to_owned(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Sequence flows joining consecutive witness steps (`a -> b` when a flow goes from `a`
/// to `b`); a step that is itself a flow is kept as is.
fn connecting_flows(model: &Model, steps: &[String]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, pair) in steps.windows(2).enumerate() {
        let (Some(a), Some(b)) = (model.by_id(&pair[0]), model.by_id(&pair[1])) else {
            continue;
        };
        let flow = model.el(a).links.outgoing.iter().copied().find(|&f| {
            let fe = model.el(f);
            fe.links.target == Some(b) && matches!(fe.kind, Kind::SequenceFlow | Kind::MessageFlow)
        });
        if let Some(f) = flow {
            out.push((i + 1, model.el(f).id_str().to_owned()));
        }
    }
    out
}

fn finding_data(model: &Model, f: &Finding) -> FindingData {
    let d = &f.diagnostic;
    let steps: Vec<StepData> = if f.witness {
        d.labels
            .iter()
            .filter_map(|l| {
                let id = l.element_id.clone()?;
                Some(StepData {
                    name: display_name(model, &id),
                    id,
                    text: l.text.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut steps = steps;
    // The element at fault ends the path when the labels stop just before it.
    if let Some(el) = &d.element_id {
        if !steps.is_empty() && steps.last().is_some_and(|s| &s.id != el) {
            steps.push(StepData {
                name: display_name(model, el),
                id: el.clone(),
                text: "here".to_owned(),
            });
        }
    }
    let ids: Vec<String> = steps.iter().map(|s| s.id.clone()).collect();
    FindingData {
        sev: d.severity,
        src: f.source,
        code: d.code.clone(),
        msg: d.message.clone(),
        el: d.element_id.clone(),
        flows: connecting_flows(model, &ids),
        steps,
    }
}

// ---------------------------------------------------------------------------------------
// Formatting helpers

/// A duration in seconds in the unit a reader expects (s, min, h, d).
#[must_use]
pub fn duration(s: f64) -> String {
    if !s.is_finite() {
        return "–".to_owned();
    }
    let a = s.abs();
    if a < 90.0 {
        format!("{s:.0} s")
    } else if a < 90.0 * 60.0 {
        format!("{:.1} min", s / 60.0)
    } else if a < 48.0 * 3600.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} d", s / 86400.0)
    }
}

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "err",
        Severity::Warning => "warn",
        Severity::Info => "info",
    }
}

fn sev_heading(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Errors",
        Severity::Warning => "Warnings",
        Severity::Info => "Notes",
    }
}

/// Quantile of sorted values (linear interpolation).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    #[allow(clippy::cast_precision_loss)]
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let frac = pos - pos.floor();
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

/// Mean, median and 95th percentile of the cycle times.
fn cycle_stats(values: &[f64]) -> Option<(f64, f64, f64, Vec<f64>)> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    #[allow(clippy::cast_precision_loss)]
    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
    Some((
        mean,
        quantile(&sorted, 0.5),
        quantile(&sorted, 0.95),
        sorted,
    ))
}

// ---------------------------------------------------------------------------------------
// The page

/// Counts findings by severity: (errors, warnings, infos).
fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for f in findings {
        match f.diagnostic.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
            Severity::Info => c.2 += 1,
        }
    }
    c
}

/// The worst verdict of the units.
fn overall(units: &[UnitVerdict]) -> Option<Verdict> {
    let rank = |v: Verdict| match v {
        Verdict::Sound => 0,
        Verdict::Unknown => 1,
        Verdict::Unsound => 2,
    };
    units.iter().map(|u| u.verdict).max_by_key(|v| rank(*v))
}

fn head(out: &mut String, title: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    // No network at all: a CSP that forbids every fetch makes a stray reference fail loudly
    // in the browser test instead of leaking a request.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">");
    w!(
        out,
        "<title>{}</title><style>{CSS}</style></head>",
        Esc(title)
    );
}

fn chips(out: &mut String, (e, w, i): (usize, usize, usize), verdict: Option<Verdict>) {
    out.push_str("<span class=\"chips\">");
    let chip = |out: &mut String, n: usize, class: &str, word: &str| {
        let plural = if n == 1 { "" } else { "s" };
        w!(
            out,
            "<span class=\"chip {class}{}\">{n} {word}{plural}</span>",
            if n == 0 { " zero" } else { "" }
        );
    };
    chip(out, e, "err", "error");
    chip(out, w, "warn", "warning");
    if i > 0 {
        chip(out, i, "info", "note");
    }
    if let Some(v) = verdict {
        w!(out, "<span class=\"chip v-{0}\">{0}</span>", v.as_str());
    }
    out.push_str("</span>");
}

/// Renders one model's page.
#[must_use]
pub fn render(input: &ReportInput<'_>) -> Page {
    let model = input.model;
    let file = model.source.name().to_owned();
    let title = file.rsplit(['/', '\\']).next().unwrap_or(&file).to_owned();
    let svgs: Vec<crate::render::svg::Svg> = input
        .diagrams
        .iter()
        .map(|d| crate::render::svg::render(model, d))
        .collect();
    // What the drawing had to leave out is a finding too (appended, so the indexes held
    // by the soundness units stay valid).
    let mut findings = input.findings.clone();
    for svg in &svgs {
        findings.extend(svg.diagnostics.iter().map(|d| Finding {
            diagnostic: d.clone(),
            source: Source::Render,
            witness: false,
        }));
    }
    let input = &ReportInput {
        findings,
        ..input.clone()
    };
    let counted = counts(&input.findings);
    let verdict = input.soundness.as_deref().and_then(overall);

    // Findings in page order: by severity (worst first), then source, then position.
    let mut order: Vec<usize> = (0..input.findings.len()).collect();
    order.sort_by_key(|&i| {
        let d = &input.findings[i].diagnostic;
        (
            std::cmp::Reverse(d.severity),
            input.findings[i].source,
            d.span.map_or(u32::MAX, |s| s.start),
            i,
        )
    });

    let mut names = BTreeMap::new();
    let mut data = PageData {
        diagrams: input
            .diagrams
            .iter()
            .map(|d| diagram_data(model, d))
            .collect(),
        findings: input
            .findings
            .iter()
            .map(|f| finding_data(model, f))
            .collect(),
        names: BTreeMap::new(),
        heat: None,
    };
    for f in &data.findings {
        for id in f.el.iter().chain(f.steps.iter().map(|s| &s.id)) {
            names
                .entry(id.clone())
                .or_insert_with(|| display_name(model, id));
        }
    }
    let sim_stats = input
        .simulation
        .as_ref()
        .and_then(|s| cycle_stats(&s.cycle_times_s));
    if let Some(sim) = &input.simulation {
        let mut wait = BTreeMap::new();
        let mut max: f64 = 0.0;
        for a in &sim.activities {
            if a.waiting_mean_s.is_finite() && a.waiting_mean_s >= 0.0 {
                max = max.max(a.waiting_mean_s);
                wait.insert(
                    a.id.clone(),
                    (round2(a.waiting_mean_s), duration(a.waiting_mean_s)),
                );
                names.entry(a.id.clone()).or_insert_with(|| a.name.clone());
            }
        }
        data.heat = Some(HeatData {
            wait,
            max: round2(max),
        });
    }
    data.names = names;

    let mut out =
        String::with_capacity(svgs.iter().map(|s| s.text.len()).sum::<usize>() + 64 * 1024);
    head(&mut out, &format!("{title} · bpmnkit report"));
    out.push_str("<body><header class=\"top\">");
    w!(out, "<h1 title=\"{0}\">{1}</h1>", Esc(&file), Esc(&title));
    chips(&mut out, counted, verdict);
    out.push_str("</header><main>");

    // Diagram pane.
    out.push_str("<section class=\"pane\" id=\"pane\"><div class=\"toolbar\">");
    if svgs.len() > 1 {
        out.push_str("<span class=\"tabs\" role=\"tablist\">");
        for (i, d) in input.diagrams.iter().enumerate() {
            let name = d
                .name
                .as_deref()
                .or(d.id.as_deref())
                .map_or_else(|| format!("Diagram {}", i + 1), str::to_owned);
            w!(
                out,
                "<button class=\"tab{}\" data-diagram=\"{i}\" role=\"tab\">{}</button>",
                if i == 0 { " on" } else { "" },
                Esc(&name)
            );
        }
        out.push_str("</span>");
    }
    out.push_str("<span class=\"zoom\"><button data-zoom=\"in\" title=\"Zoom in (+)\">+</button><button data-zoom=\"out\" title=\"Zoom out (−)\">−</button><button data-zoom=\"fit\" title=\"Fit to window (0)\">Fit</button></span>");
    if input.simulation.is_some() {
        out.push_str("<label class=\"toggle\"><input type=\"checkbox\" id=\"heat-toggle\"> Waiting-time heat map</label>");
    }
    out.push_str("<span class=\"lod-hint\" id=\"lod-hint\" hidden>Labels hidden at this zoom: zoom in to read them</span>");
    out.push_str("<span class=\"hint\">Scroll to zoom · drag to pan · hover a shape for its findings</span></div>");
    out.push_str("<div class=\"witness-bar\" id=\"witness-bar\" hidden><span class=\"w-title\" id=\"w-title\"></span><button id=\"w-prev\" title=\"Previous step\">◀ Prev</button><span id=\"w-step\" class=\"w-step\"></span><button id=\"w-next\" title=\"Next step\">Next ▶</button><button id=\"w-all\" title=\"Show the whole path\">All</button><button id=\"w-close\" title=\"Hide the witness\">✕</button></div>");
    out.push_str("<div class=\"canvas-wrap\">");
    if svgs.is_empty() {
        out.push_str(
            "<p class=\"empty\">This model has no diagram to draw (no BPMNDI coordinates).</p>",
        );
    }
    for (i, svg) in svgs.iter().enumerate() {
        // Labels of a big diagram seen whole are too small to read and cost most of the
        // first paint: such a diagram opens with labels hidden until zoomed in (the script
        // keeps the class in step with the zoom).
        let lod = data.diagrams.get(i).is_some_and(|d| extent(d) > LOD_EXTENT);
        w!(
            out,
            "<div class=\"canvas{}\" data-diagram=\"{i}\"{}>",
            if lod { " lod" } else { "" },
            if i == 0 { "" } else { " hidden" }
        );
        out.push_str(svg.text.trim_end());
        out.push_str("</div>");
    }
    out.push_str("<div class=\"legend\" id=\"heat-legend\" hidden></div></div></section>");

    // Side panel.
    out.push_str("<aside class=\"side\">");
    findings_section(&mut out, input, &order, &data);
    if let Some(units) = &input.soundness {
        soundness_section(&mut out, input, units, &data);
    }
    if let Some(sim) = &input.simulation {
        simulation_section(&mut out, sim, sim_stats.as_ref());
    }
    w!(
        out,
        "<footer>{} · {}</footer>",
        Esc(&input.generator),
        Esc(&file)
    );
    out.push_str("</aside></main><div class=\"tip\" id=\"tip\" hidden></div>");
    w!(
        out,
        "<script type=\"application/json\" id=\"bk-data\">{}</script>",
        script_json(&data)
    );
    w!(out, "<script>{JS}</script></body></html>\n");

    Page {
        html: out,
        status: ModelStatus {
            file,
            href: None,
            errors: counted.0,
            warnings: counted.1,
            infos: counted.2,
            verdict,
            mean_cycle_time_s: sim_stats.map(|s| s.0),
            unreadable: None,
        },
    }
}

fn findings_section(out: &mut String, input: &ReportInput<'_>, order: &[usize], data: &PageData) {
    w!(
        out,
        "<section class=\"card\" id=\"findings\"><h2>Findings <small>{}</small></h2>",
        input.findings.len()
    );
    if input.findings.is_empty() {
        out.push_str("<p class=\"ok\">No findings: every rule that ran is satisfied.</p>");
    }
    let mut current: Option<Severity> = None;
    for &i in order {
        let f = &input.findings[i];
        let d = &f.diagnostic;
        if current != Some(d.severity) {
            if current.is_some() {
                out.push_str("</ul>");
            }
            current = Some(d.severity);
            let n = input
                .findings
                .iter()
                .filter(|x| x.diagnostic.severity == d.severity)
                .count();
            w!(
                out,
                "<h3 class=\"{}\">{} <small>{n}</small></h3><ul class=\"findings\">",
                sev_class(d.severity),
                sev_heading(d.severity)
            );
        }
        let on_diagram = d
            .element_id
            .as_deref()
            .is_some_and(|id| data.diagrams.iter().any(|g| g.geom.contains_key(id)));
        w!(
            out,
            "<li class=\"finding {}{}\" data-finding=\"{i}\" tabindex=\"0\"><span class=\"sev\" aria-label=\"{}\"></span><div class=\"body\"><div class=\"msg\">{}</div><div class=\"meta\"><span class=\"code\">{}</span> · {}",
            sev_class(d.severity),
            if on_diagram { " linked" } else { "" },
            d.severity,
            Esc(&d.message),
            Esc(&d.code),
            f.source.label()
        );
        if let Some(id) = &d.element_id {
            w!(
                out,
                " · <span class=\"el\">{}</span>",
                Esc(&display_name(input.model, id))
            );
        }
        out.push_str("</div>");
        if let Some(help) = &d.help {
            w!(out, "<div class=\"help\">{}</div>", Esc(help));
        }
        let steps = data.findings.get(i).map_or(0, |x| x.steps.len());
        if steps > 0 {
            w!(
                out,
                "<button class=\"show-witness\" data-witness=\"{i}\">Show witness ({steps} steps)</button>"
            );
        }
        out.push_str("</div></li>");
    }
    if current.is_some() {
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

fn prop_mark(s: PropertyState) -> (&'static str, &'static str) {
    match s {
        PropertyState::Holds => ("holds", "✓"),
        PropertyState::Violated => ("violated", "✗"),
        PropertyState::Unknown => ("unknown", "?"),
    }
}

fn soundness_section(
    out: &mut String,
    input: &ReportInput<'_>,
    units: &[UnitVerdict],
    data: &PageData,
) {
    out.push_str("<section class=\"card\" id=\"soundness\"><h2>Soundness</h2>");
    if units.is_empty() {
        out.push_str("<p class=\"muted\">No process to verify.</p>");
    }
    for u in units {
        w!(
            out,
            "<div class=\"unit\"><div class=\"unit-head\"><span class=\"chip v-{0}\">{0}</span> <b>{1}</b> <small>{2} · {3}</small></div><ul class=\"props\">",
            u.verdict.as_str(),
            Esc(&u.name),
            Esc(&u.kind),
            Esc(&u.how)
        );
        for (name, state) in &u.properties {
            let (class, mark) = prop_mark(*state);
            w!(
                out,
                "<li class=\"{class}\"><span>{mark}</span> {}</li>",
                Esc(name)
            );
        }
        out.push_str("</ul>");
        for &i in &u.findings {
            let Some(f) = input.findings.get(i) else {
                continue;
            };
            let steps = data.findings.get(i).map_or(0, |x| x.steps.len());
            w!(
                out,
                "<div class=\"unit-finding\" data-finding=\"{i}\"><span class=\"code\">{}</span> {}",
                Esc(&f.diagnostic.code),
                Esc(&f.diagnostic.message)
            );
            if steps > 0 {
                w!(
                    out,
                    " <button class=\"show-witness\" data-witness=\"{i}\">Play witness ({steps} steps)</button>"
                );
            }
            out.push_str("</div>");
        }
        out.push_str("</div>");
    }
    out.push_str("</section>");
}

/// The cycle-time histogram with mean, p50, p95 and the analytic estimate marked.
fn histogram(out: &mut String, sorted: &[f64], marks: &[(&str, f64, &str)]) {
    const W: f64 = 400.0;
    const H: f64 = 170.0;
    const L: f64 = 36.0;
    const R: f64 = 10.0;
    const T: f64 = 14.0;
    const B: f64 = 30.0;
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return;
    };
    let lo = marks
        .iter()
        .map(|m| m.1)
        .filter(|v| v.is_finite())
        .fold(min, f64::min)
        .min(min);
    let hi = marks
        .iter()
        .map(|m| m.1)
        .filter(|v| v.is_finite())
        .fold(max, f64::max)
        .max(max);
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let bins = ((sorted.len() as f64).sqrt().ceil() as usize).clamp(1, 40);
    let span = if hi > lo { hi - lo } else { 1.0 };
    #[allow(clippy::cast_precision_loss)]
    let width = span / bins as f64;
    let mut count = vec![0usize; bins];
    for &v in sorted {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let b = (((v - lo) / width) as usize).min(bins - 1);
        count[b] += 1;
    }
    let top = count.iter().copied().max().unwrap_or(1).max(1);
    let x = |v: f64| L + (v - lo) / span * (W - L - R);
    #[allow(clippy::cast_precision_loss)]
    let y = |c: usize| T + (H - T - B) * (1.0 - c as f64 / top as f64);
    w!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Cycle-time histogram\">"
    );
    w!(
        out,
        "<line class=\"axis\" x1=\"{L}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\"/>",
        H - B,
        W - R
    );
    for (i, &c) in count.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x0 = x(lo + width * i as f64);
        let bw = (x(lo + width) - x(lo) - 1.0).max(1.0);
        #[allow(clippy::cast_precision_loss)]
        let (from, to) = (
            duration(lo + width * i as f64),
            duration(lo + width * (i + 1) as f64),
        );
        w!(
            out,
            "<rect class=\"bar\" x=\"{x0:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\"><title>{from} – {to}: {c} cases</title></rect>",
            y(c),
            (H - B) - y(c)
        );
    }
    w!(
        out,
        "<text class=\"tick\" x=\"{L}\" y=\"{:.1}\" text-anchor=\"start\">{}</text>",
        H - B + 14.0,
        Esc(&duration(lo))
    );
    w!(
        out,
        "<text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        W - R,
        H - B + 14.0,
        Esc(&duration(hi))
    );
    w!(
        out,
        "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{top}</text>",
        L - 4.0,
        T + 4.0
    );
    w!(
        out,
        "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">0</text>",
        L - 4.0,
        H - B
    );
    w!(
        out,
        "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">cycle time</text>",
        (L + W - R) / 2.0,
        H - 4.0
    );
    for &(name, v, class) in marks {
        if !v.is_finite() {
            continue;
        }
        let mx = x(v);
        w!(
            out,
            "<line class=\"mark {class}\" x1=\"{mx:.1}\" y1=\"{:.1}\" x2=\"{mx:.1}\" y2=\"{:.1}\"><title>{}: {}</title></line>",
            T - 6.0,
            H - B,
            Esc(name),
            Esc(&duration(v))
        );
    }
    out.push_str("</svg><div class=\"marks\">");
    for &(name, v, class) in marks {
        if v.is_finite() {
            w!(
                out,
                "<span><i class=\"{class}\"></i>{} {}</span>",
                Esc(name),
                Esc(&duration(v))
            );
        }
    }
    out.push_str("</div>");
}

fn simulation_section(
    out: &mut String,
    sim: &SimulationKpis,
    stats: Option<&(f64, f64, f64, Vec<f64>)>,
) {
    out.push_str("<section class=\"card\" id=\"simulation\"><h2>Simulation</h2>");
    w!(
        out,
        "<p class=\"muted\">Process <b>{}</b>, scenario <b>{}</b>: {} cases",
        Esc(&sim.process),
        Esc(&sim.scenario),
        sim.cycle_times_s.len()
    );
    if sim.cases_stuck > 0 {
        w!(
            out,
            ", <span class=\"warn-text\">{} stuck</span>",
            sim.cases_stuck
        );
    }
    if sim.cases_failed > 0 {
        w!(
            out,
            ", <span class=\"warn-text\">{} failed</span> (ended by an error nothing caught)",
            sim.cases_failed
        );
    }
    out.push_str(".</p>");
    if let Some((mean, p50, p95, sorted)) = stats {
        out.push_str("<table class=\"kpi\"><tr><th></th><th>Simulated</th><th>Analytic</th></tr>");
        w!(
            out,
            "<tr><td>Mean cycle time</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            duration(*mean),
            sim.analytic_mean_s.map_or_else(|| "–".to_owned(), duration)
        );
        if let Some(a) = sim.analytic_mean_s {
            if a > 0.0 {
                w!(
                    out,
                    "<tr><td>Difference</td><td class=\"num\" colspan=\"2\">{:+.1} %</td></tr>",
                    (mean - a) / a * 100.0
                );
            }
        }
        w!(
            out,
            "<tr><td>Median (p50)</td><td class=\"num\">{}</td><td></td></tr>",
            duration(*p50)
        );
        w!(
            out,
            "<tr><td>p95</td><td class=\"num\">{}</td><td></td></tr></table>",
            duration(*p95)
        );
        let mut marks = vec![
            ("mean", *mean, "m-mean"),
            ("p50", *p50, "m-p50"),
            ("p95", *p95, "m-p95"),
        ];
        if let Some(a) = sim.analytic_mean_s {
            marks.push(("analytic", a, "m-an"));
        }
        out.push_str("<h3>Cycle time</h3>");
        histogram(out, sorted, &marks);
    } else {
        out.push_str(
            "<p class=\"warn-text\">No case completed, so there is no cycle time to show.</p>",
        );
    }
    if !sim.activities.is_empty() {
        out.push_str("<h3>Waiting time per activity</h3><p class=\"muted\">Tick “Waiting-time heat map” above the diagram to tint the shapes.</p><table class=\"kpi acts\"><tr><th>Activity</th><th>Waiting</th><th>Processing</th></tr>");
        let mut acts: Vec<&ActivityTimes> = sim.activities.iter().collect();
        acts.sort_by(|a, b| b.waiting_mean_s.total_cmp(&a.waiting_mean_s));
        for a in acts.iter().take(12) {
            w!(
                out,
                "<tr data-el=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                Esc(&a.id),
                Esc(&a.name),
                duration(a.waiting_mean_s),
                duration(a.processing_mean_s)
            );
        }
        out.push_str("</table>");
    }
    if !sim.resources.is_empty() {
        out.push_str("<h3>Resource utilisation</h3><div class=\"util\">");
        for r in &sim.resources {
            let pct = (r.utilisation * 100.0).clamp(0.0, 100.0);
            let class = if pct >= 90.0 {
                "hot"
            } else if pct >= 70.0 {
                "warm"
            } else {
                ""
            };
            w!(
                out,
                "<div class=\"urow\"><span class=\"uname\" title=\"{0}\">{0} <small>×{1}</small></span><span class=\"ubar\"><span class=\"ufill {class}\" style=\"width:{pct:.1}%\"></span></span><span class=\"num\">{pct:.0} %</span></div>",
                Esc(&r.name),
                r.units
            );
        }
        out.push_str("</div>");
    }
    if !sim.notes.is_empty() {
        out.push_str("<ul class=\"notes\">");
        for n in &sim.notes {
            w!(out, "<li>{}</li>", Esc(n));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

/// The index page: one row per model with its status and a link to its report.
#[must_use]
pub fn index(statuses: &[ModelStatus], generator: &str) -> String {
    let mut out = String::with_capacity(4096 + 512 * statuses.len());
    head(&mut out, "bpmnkit report");
    out.push_str("<body class=\"index\"><header class=\"top\"><h1>bpmnkit report</h1>");
    let total = statuses.iter().fold((0, 0, 0), |a, s| {
        (a.0 + s.errors, a.1 + s.warnings, a.2 + s.infos)
    });
    let unsound = statuses
        .iter()
        .filter(|s| s.verdict == Some(Verdict::Unsound))
        .count();
    w!(
        out,
        "<span class=\"muted\">{} models · {} errors · {} warnings · {} unsound</span></header>",
        statuses.len(),
        total.0,
        total.1,
        unsound
    );
    out.push_str("<main class=\"index-main\"><table class=\"models\"><thead><tr><th>Model</th><th>Errors</th><th>Warnings</th><th>Notes</th><th>Soundness</th><th>Mean cycle time</th></tr></thead><tbody>");
    for s in statuses {
        out.push_str("<tr>");
        match &s.href {
            Some(href) => w!(
                out,
                "<td><a href=\"{}\">{}</a></td>",
                Esc(&percent_path(href)),
                Esc(&s.file)
            ),
            None => w!(out, "<td>{}</td>", Esc(&s.file)),
        }
        if let Some(why) = &s.unreadable {
            w!(
                out,
                "<td colspan=\"5\" class=\"err-text\">unreadable: {}</td></tr>",
                Esc(why)
            );
            continue;
        }
        let cell = |out: &mut String, n: usize, class: &str| {
            w!(
                out,
                "<td class=\"num\"><span class=\"chip {class}{}\">{n}</span></td>",
                if n == 0 { " zero" } else { "" }
            );
        };
        cell(&mut out, s.errors, "err");
        cell(&mut out, s.warnings, "warn");
        cell(&mut out, s.infos, "info");
        match s.verdict {
            Some(v) => w!(
                out,
                "<td><span class=\"chip v-{0}\">{0}</span></td>",
                v.as_str()
            ),
            None => out.push_str("<td class=\"muted\">–</td>"),
        }
        w!(
            out,
            "<td class=\"num\">{}</td></tr>",
            s.mean_cycle_time_s.map_or_else(|| "–".to_owned(), duration)
        );
    }
    w!(
        out,
        "</tbody></table><footer>{}</footer></main></body></html>\n",
        Esc(generator)
    );
    out
}

/// A relative file name made safe for an `href` (percent-encodes everything but
/// unreserved characters and `/`).
fn percent_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            w!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            Esc("<a href=\"x\">&'").to_string(),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = script_json(&vec![
            "</script><script>alert(1)</script>",
            "a&b",
            "\u{2028}",
        ]);
        assert!(!s.contains("</script>"));
        assert!(!s.contains('<') && !s.contains('&'));
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration(30.0), "30 s");
        assert_eq!(duration(600.0), "10.0 min");
        assert_eq!(duration(7200.0), "2.0 h");
        assert_eq!(duration(3.0 * 86400.0), "3.0 d");
    }

    #[test]
    fn quantiles_interpolate() {
        let (mean, p50, p95, _) = cycle_stats(&[4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
        assert!((mean - 3.0).abs() < 1e-9);
        assert!((p50 - 3.0).abs() < 1e-9);
        assert!((p95 - 4.8).abs() < 1e-9);
    }

    #[test]
    fn percent_path_keeps_plain_names() {
        assert_eq!(percent_path("a-b_c.html"), "a-b_c.html");
        assert_eq!(percent_path("a b\"<.html"), "a%20b%22%3C.html");
    }
}
