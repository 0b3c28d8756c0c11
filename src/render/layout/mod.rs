//! BPMN-aware automatic layout: diagram interchange (DI) for models that have none.
//!
//! [`layout`] computes [`Diagram`]s in the model's own DI types, so a renderer draws them
//! exactly like DI read from a file, and [`write_di`] splices them into a copy of the
//! file's text, keeping every other byte.
//!
//! The layout is layered, left to right: ranks by longest path after breaking loops at the
//! back edges of a depth-first search from the start events, barycentre sweeps against
//! crossings, rows placed by priority (a flow keeps its predecessor's row, branches go
//! below), and orthogonal routes that never cross a node (see `grid`). BPMN specifics:
//! boundary events sit on their host's bottom border with exception flows leaving
//! downwards; expanded sub-processes are laid out recursively and sized by their content;
//! collapsed ones are 100×80 with their content on a drill-down diagram; pools are
//! stacked, lanes are bands that keep every node in its lane; message flows run
//! vertically between pools; data objects, data stores and text annotations sit in a free
//! cell next to the element they are associated with; a group is a box around the shapes
//! of its members (elements whose `categoryValueRef` names its category value), or an
//! empty box below the diagram when none is drawn. Output is deterministic.
//!
//! ```
//! let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
//!   <process id="p"><startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>
//!   <endEvent id="e"/></process></definitions>"#;
//! let model = bpmnkit::parse::parse_str("example.bpmn", xml, &Default::default())?;
//! let diagrams = bpmnkit::render::layout::layout(&model, &Default::default())?;
//! assert_eq!(diagrams[0].plane.shapes.len(), 2);
//! assert_eq!(diagrams[0].plane.edges.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod grid;
pub mod metrics;
mod write;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use grid::{BandSpec, EdgeKind, EdgeSpec, End, NodeSpec, Spec};
pub use write::{WriteError, strip_di, write_di};

use crate::model::{
    Bounds, DiEdge, DiLabel, DiShape, Diagram, ElementId, Kind, Model, Plane, Point, Span,
};

/// How to lay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutOptions {
    /// Draw sub-processes with content expanded (their content inside them). When
    /// `false`, every sub-process is collapsed (100×80) and its content goes to a
    /// drill-down diagram of its own. A sub-process whose existing DI says
    /// `isExpanded="false"` stays collapsed either way.
    pub expand_sub_processes: bool,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            expand_sub_processes: true,
        }
    }
}

/// Why a model could not be laid out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// There is no process or collaboration.
    #[error("the model has no process or collaboration to lay out")]
    Empty,
}

/// Where diagrams start (pools and processes are placed from here).
const ORIGIN: Point = Point { x: 100.0, y: 80.0 };
/// Width of a pool's or lane's name band.
const HEADER: f64 = 30.0;
/// Gap between stacked pools.
const POOL_GAP: f64 = 40.0;
/// Smallest lane band.
const LANE_MIN: f64 = 120.0;
/// Smallest pool without lanes.
const POOL_MIN: f64 = 160.0;
/// Height of a black-box pool.
const BLACK_BOX: f64 = 60.0;
/// Line height of an external label.
const LABEL_LINE: f64 = 14.0;
/// Width of an external label box.
const LABEL_W: f64 = 90.0;
/// Distance between labelled boundary events on one host (their labels are narrowed to
/// fit).
const SAT_LABEL_STEP: f64 = 64.0;

/// Computes diagrams for a model: one per collaboration, one per process outside any
/// pool, and one drill-down diagram per collapsed sub-process with content.
///
/// # Errors
/// [`LayoutError::Empty`] if the model has no process or collaboration.
pub fn layout(model: &Model, options: &LayoutOptions) -> Result<Vec<Diagram>, LayoutError> {
    let mut cx = Ctx::new(model, options);
    let mut diagrams = Vec::new();
    let mut pooled: HashSet<ElementId> = HashSet::default();
    for (collab, _) in model.of_kind(&Kind::Collaboration) {
        let plane = cx.collaboration(collab, &mut pooled);
        diagrams.push(plane);
    }
    for (process, _) in model.processes() {
        if pooled.contains(&process) {
            continue;
        }
        let plane = cx.lone_process(process);
        diagrams.push(plane);
    }
    if diagrams.is_empty() {
        return Err(LayoutError::Empty);
    }
    // Drill-down diagrams for collapsed sub-processes (which may queue nested ones).
    let mut i = 0;
    while i < cx.collapsed.len() {
        let sub = cx.collapsed[i];
        i += 1;
        let plane = cx.drill_down(sub);
        diagrams.push(plane);
    }
    place_groups(model, &mut diagrams);
    // Every id first (diagram, plane, shapes, edges, diagram by diagram), then handed out
    // in the same order: the strings are made once and moved, not copied.
    let mut ids = Ids::new(model);
    ids.reserve(diagrams.iter().map(|(_, s, e)| 2 + s.len() + e.len()).sum());
    for (n, (_, shapes, edges)) in diagrams.iter().enumerate() {
        ids.unique(format!("BPMNDiagram_{}", n + 1));
        ids.unique(format!("BPMNPlane_{}", n + 1));
        for s in shapes {
            ids.unique(di_id(s.bpmn_element.as_deref(), "shape"));
        }
        for e in edges {
            ids.unique(di_id(e.bpmn_element.as_deref(), "edge"));
        }
    }
    let mut made = ids.made.into_iter();
    let mut out = Vec::with_capacity(diagrams.len());
    for (element, mut shapes, mut edges) in diagrams {
        let diagram_id = made.next();
        let plane_id = made.next();
        for s in &mut shapes {
            s.id = made.next();
        }
        for e in &mut edges {
            e.id = made.next();
        }
        out.push(Diagram {
            id: diagram_id,
            name: None,
            plane: Plane {
                id: plane_id,
                bpmn_element: model.el(element).id.clone(),
                element: Some(element),
                shapes,
                edges,
            },
            extra_planes: Vec::new(),
            label_styles: Vec::new(),
            span: Span::default(),
        });
    }
    Ok(out)
}

/// Padding between a group's border and its members.
const GROUP_PAD: f64 = 20.0;

/// Groups: a box around the shapes of their members (the elements whose
/// `categoryValueRef` names the group's category value), on the diagram that shows them;
/// a group without drawn members gets an empty box below its scope's diagram.
fn place_groups(model: &Model, diagrams: &mut [PlaneParts]) {
    let groups: Vec<ElementId> = model.of_kind(&Kind::Group).map(|(id, _)| id).collect();
    if groups.is_empty() || diagrams.is_empty() {
        return;
    }
    for g in groups {
        let ge = model.el(g);
        let value = ge.attr("categoryValueRef");
        let members: HashSet<ElementId> = match value {
            Some(v) => model
                .iter()
                .filter(|(id, e)| {
                    *id != g
                        && e.kind != Kind::Group
                        && (e.refs_named("categoryValueRef").any(|r| r == v)
                            || e.attr("categoryValueRef") == Some(v))
                })
                .map(|(id, _)| id)
                .collect(),
            None => HashSet::default(),
        };
        // the diagram showing most members, else the one showing the group's scope
        let mut best: Option<(usize, usize)> = None;
        for (k, (_, shapes, _)) in diagrams.iter().enumerate() {
            let n = shapes
                .iter()
                .filter(|s| s.element.is_some_and(|e| members.contains(&e)))
                .count();
            if n > 0 && best.is_none_or(|(_, b)| n > b) {
                best = Some((k, n));
            }
        }
        let bounds = if let Some((k, _)) = best {
            let mut u: Option<Bounds> = None;
            for s in &diagrams[k].1 {
                if !s.element.is_some_and(|e| members.contains(&e)) {
                    continue;
                }
                u = Some(union(u, s.bounds));
                if let Some(lb) = s.label.as_ref().and_then(|l| l.bounds) {
                    u = Some(union(u, lb));
                }
            }
            u.map(|b| {
                (
                    k,
                    Bounds {
                        x: b.x - GROUP_PAD,
                        y: b.y - GROUP_PAD,
                        width: b.width + 2.0 * GROUP_PAD,
                        height: b.height + 2.0 * GROUP_PAD,
                    },
                )
            })
        } else {
            let scope = ge.parent;
            let shows = |(el, shapes, _): &PlaneParts| {
                Some(*el) == scope
                    || shapes.iter().any(|s| {
                        s.element
                            .is_some_and(|e| Some(e) == scope || model.el(e).links.process == scope)
                    })
            };
            let k = diagrams.iter().position(shows).unwrap_or(0);
            let shapes = &diagrams[k].1;
            let mut u: Option<Bounds> = None;
            for s in shapes {
                u = Some(union(u, s.bounds));
            }
            for e in &diagrams[k].2 {
                for p in &e.waypoints {
                    u = Some(union(
                        u,
                        Bounds {
                            x: p.x,
                            y: p.y,
                            width: 0.0,
                            height: 0.0,
                        },
                    ));
                }
            }
            // below everything (and below earlier empty groups, which are shapes now)
            let b = u.unwrap_or(Bounds {
                x: ORIGIN.x,
                y: ORIGIN.y,
                width: 0.0,
                height: 0.0,
            });
            Some((
                k,
                Bounds {
                    x: b.x,
                    y: b.bottom() + POOL_GAP,
                    width: 200.0,
                    height: 120.0,
                },
            ))
        };
        if let Some((k, b)) = bounds {
            diagrams[k].1.push(shape(model, g, b));
        }
    }
}

fn union(a: Option<Bounds>, b: Bounds) -> Bounds {
    match a {
        None => b,
        Some(a) => {
            let x = a.x.min(b.x);
            let y = a.y.min(b.y);
            Bounds {
                x,
                y,
                width: a.right().max(b.right()) - x,
                height: a.bottom().max(b.bottom()) - y,
            }
        }
    }
}

/// `{element}_di` (or `{fallback}_di`), the id a DI element gets if it is free.
fn di_id(element: Option<&str>, fallback: &str) -> String {
    let base = element.unwrap_or(fallback);
    let mut id = String::with_capacity(base.len() + 3);
    id.push_str(base);
    id.push_str("_di");
    id
}

/// Ids handed out to DI elements: never one of the model's, never one twice.
struct Ids<'m> {
    model: &'m hashbrown::HashMap<Box<str>, ElementId>,
    /// The ids made so far, found by hash (the strings live in `made`, not twice).
    table: hashbrown::HashTable<usize>,
    made: Vec<Box<str>>,
}

impl<'m> Ids<'m> {
    fn new(model: &'m Model) -> Self {
        Ids {
            model: &model.ids,
            table: hashbrown::HashTable::new(),
            made: Vec::new(),
        }
    }

    fn reserve(&mut self, n: usize) {
        self.made.reserve(n);
        let made = &self.made;
        self.table.reserve(n, |&j| Self::hash(&made[j]));
    }

    fn hash(id: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(id)
    }

    fn taken(&self, id: &str, hash: u64) -> bool {
        self.model.contains_key(id) || self.table.find(hash, |&i| &*self.made[i] == id).is_some()
    }

    /// `want`, or `want_2`, `want_3`, … whichever is free first.
    fn unique(&mut self, want: String) {
        let hash = Self::hash(&want);
        let (id, hash) = if self.taken(&want, hash) {
            let mut k = 2;
            loop {
                let id = format!("{want}_{k}");
                let hash = Self::hash(&id);
                if !self.taken(&id, hash) {
                    break (id, hash);
                }
                k += 1;
            }
        } else {
            (want, hash)
        };
        let i = self.made.len();
        self.made.push(id.into_boxed_str());
        let made = &self.made;
        self.table.insert_unique(hash, i, |&j| Self::hash(&made[j]));
    }
}

type PlaneParts = (ElementId, Vec<DiShape>, Vec<DiEdge>);

/// A visual connection between two elements: (element, source, target, kind).
#[derive(Clone, Copy)]
struct Link {
    element: ElementId,
    source: ElementId,
    target: ElementId,
    kind: EdgeKind,
}

/// One band of a grid as the caller describes it.
struct BandIn {
    spec: BandSpec,
}

/// What one grid holds and where its results go.
struct Placed {
    shapes: Vec<DiShape>,
    edges: Vec<DiEdge>,
    out: grid::Out,
    /// Links (message flows, associations) drawn in this grid or a nested one.
    consumed: HashSet<ElementId>,
}

struct Ctx<'a> {
    model: &'a Model,
    options: &'a LayoutOptions,
    links: Vec<Link>,
    /// Collapsed sub-processes with content, waiting for their drill-down diagram.
    collapsed: Vec<ElementId>,
}

impl<'a> Ctx<'a> {
    fn new(model: &'a Model, options: &'a LayoutOptions) -> Self {
        let mut links = Vec::new();
        for (id, e) in model.iter() {
            let (source, target, kind) = match e.kind {
                Kind::Association => (e.links.source, e.links.target, EdgeKind::Assoc),
                Kind::MessageFlow => (e.links.source, e.links.target, EdgeKind::Message),
                Kind::DataInputAssociation => (e.links.source, e.parent, EdgeKind::Assoc),
                Kind::DataOutputAssociation => (e.parent, e.links.target, EdgeKind::Assoc),
                _ => continue,
            };
            if let (Some(source), Some(target)) = (source, target) {
                if source != target {
                    links.push(Link {
                        element: id,
                        source,
                        target,
                        kind,
                    });
                }
            }
        }
        Ctx {
            model,
            options,
            links,
            collapsed: Vec::new(),
        }
    }

    fn expanded(&self, sub: ElementId) -> bool {
        let m = self.model;
        if !m.el(sub).kind.is_sub_process() {
            return false;
        }
        let has_content = m
            .children(sub)
            .any(|(_, c)| c.kind.is_flow_node() || is_artifact_node(&c.kind));
        if !has_content {
            return false;
        }
        if m.shape(sub).and_then(|s| s.is_expanded) == Some(false) {
            return false;
        }
        self.options.expand_sub_processes
    }

    /// A collaboration: pools stacked, lanes as bands. Black-box pools (no process) go
    /// where message flows cross least: in document order, all above or all below the
    /// other pools (ties keep document order).
    fn collaboration(&mut self, collab: ElementId, pooled: &mut HashSet<ElementId>) -> PlaneParts {
        let m = self.model;
        // Participants, then (when this is the only collaboration) processes outside any
        // pool, drawn as bands without a pool shape, as modelling tools do.
        let mut entries: Vec<(Option<ElementId>, Option<ElementId>)> = m
            .children(collab)
            .filter(|(_, p)| p.kind == Kind::Participant)
            .map(|(id, p)| (Some(id), p.links.process))
            .collect();
        if m.of_kind(&Kind::Collaboration).count() == 1 {
            let referenced: HashSet<ElementId> = m
                .of_kind(&Kind::Participant)
                .filter_map(|(_, p)| p.links.process)
                .collect();
            for (pr, _) in m.processes() {
                if !referenced.contains(&pr) && !pooled.contains(&pr) {
                    entries.push((None, Some(pr)));
                }
            }
        }
        let black = |e: &(Option<ElementId>, Option<ElementId>)| {
            !e.1.is_some_and(|pr| m.el(pr).kind == Kind::Process && !pooled.contains(&pr))
        };
        let mut orders = vec![entries.clone()];
        if entries.iter().any(black) && !entries.iter().all(black) {
            let (b, o): (Vec<_>, Vec<_>) = entries.iter().partition(|e| black(e));
            for order in [[&b[..], &o[..]].concat(), [&o[..], &b[..]].concat()] {
                if !orders.contains(&order) {
                    orders.push(order);
                }
            }
        }
        let queued = self.collapsed.len();
        // (crossings, message flows round a node's far side): detours only break ties
        #[allow(clippy::type_complexity)]
        let mut best: Option<(
            (usize, usize),
            PlaneParts,
            HashSet<ElementId>,
            Vec<ElementId>,
        )> = None;
        for order in orders {
            if best.as_ref().is_some_and(|b| b.0 == (0, 0)) {
                break;
            }
            self.collapsed.truncate(queued);
            let mut pooled_here = pooled.clone();
            let (parts, cost) = self.pools(collab, order, &mut pooled_here);
            if best.as_ref().is_none_or(|b| cost < b.0) {
                best = Some((cost, parts, pooled_here, self.collapsed.clone()));
            }
        }
        let Some((_, parts, pooled_best, collapsed)) = best else {
            return (collab, Vec::new(), Vec::new());
        };
        *pooled = pooled_best;
        self.collapsed = collapsed;
        parts
    }

    /// The pools of a collaboration in a given order, with the cost of their crossings
    /// and the number of message flows that had to go round a node (see `grid`).
    fn pools(
        &mut self,
        collab: ElementId,
        entries: Vec<(Option<ElementId>, Option<ElementId>)>,
        pooled: &mut HashSet<ElementId>,
    ) -> (PlaneParts, (usize, usize)) {
        let m = self.model;
        let mut bands: Vec<BandIn> = Vec::new();
        let mut band_of: HashMap<ElementId, usize> = HashMap::default();
        let mut scopes: Vec<(ElementId, usize)> = Vec::new();
        // (participant, first band, band count, lanes with (lane, depth, first, count))
        #[allow(clippy::type_complexity)]
        let mut pools: Vec<(
            Option<ElementId>,
            usize,
            usize,
            Vec<(ElementId, usize, usize, usize)>,
        )> = Vec::new();
        let mut max_depth = 0;
        let mut pool_band: HashMap<ElementId, usize> = HashMap::default();
        for (part, process) in entries {
            let gap = if bands.is_empty() { 0.0 } else { POOL_GAP };
            let first = bands.len();
            let process = process.filter(|&pr| m.el(pr).kind == Kind::Process);
            let mut lanes_out = Vec::new();
            match process {
                Some(pr) if !pooled.contains(&pr) => {
                    pooled.insert(pr);
                    let leaves = lane_leaves(m, pr);
                    if leaves.is_empty() {
                        bands.push(BandIn {
                            spec: BandSpec {
                                min_height: POOL_MIN,
                                gap_before: gap,
                            },
                        });
                    } else {
                        for (k, &(lane, depth, _)) in leaves.iter().enumerate() {
                            max_depth = max_depth.max(depth);
                            let b = bands.len();
                            bands.push(BandIn {
                                spec: BandSpec {
                                    min_height: LANE_MIN,
                                    gap_before: if k == 0 { gap } else { 0.0 },
                                },
                            });
                            for &n in &m.el(lane).links.flow_nodes {
                                band_of.entry(n).or_insert(b);
                            }
                        }
                        lanes_out = lane_spans(m, pr, &leaves, first);
                    }
                    scopes.push((pr, first));
                }
                _ => bands.push(BandIn {
                    spec: BandSpec {
                        min_height: BLACK_BOX,
                        gap_before: gap,
                    },
                }),
            }
            if let Some(part) = part {
                pool_band.insert(part, first);
            }
            pools.push((part, first, bands.len() - first, lanes_out));
        }
        #[allow(clippy::cast_precision_loss)]
        let left = HEADER + HEADER * max_depth as f64;
        let extra: Vec<(ElementId, usize)> = m
            .children(collab)
            .filter(|(_, c)| is_artifact_node(&c.kind))
            .map(|(id, _)| (id, 0))
            .collect();
        let placed = self.place(&scopes, &extra, &band_of, &bands, left, &pool_band);
        let mut shapes = Vec::new();
        let width = placed.out.width;
        for (part, first, count, lanes) in &pools {
            let (y0, _) = placed.out.bands[*first];
            let (yl, hl) = placed.out.bands[first + count - 1];
            if let Some(part) = part {
                shapes.push(shape(
                    m,
                    *part,
                    Bounds {
                        x: 0.0,
                        y: y0,
                        width,
                        height: yl + hl - y0,
                    },
                ));
            }
            for &(lane, depth, f, c) in lanes {
                let (ly0, _) = placed.out.bands[f];
                let (ly1, lh1) = placed.out.bands[f + c - 1];
                #[allow(clippy::cast_precision_loss)]
                let x = HEADER * depth as f64;
                shapes.push(shape(
                    m,
                    lane,
                    Bounds {
                        x,
                        y: ly0,
                        width: width - x,
                        height: ly1 + lh1 - ly0,
                    },
                ));
            }
        }
        shapes.extend(placed.shapes);
        let mut edges = placed.edges;
        let grid_edges = edges.len();
        self.post_links(&mut shapes, &mut edges, &placed.consumed);
        // the grid's score does not see the links drawn after it (into expanded
        // sub-processes): their crossings count too when pools are ordered
        let late = late_crossings(&edges, grid_edges);
        translate(&mut shapes, &mut edges, ORIGIN.x, ORIGIN.y);
        let (flows, all) = placed.out.score;
        (
            (collab, shapes, edges),
            (3 * flows + all + late, placed.out.detours),
        )
    }

    /// A process without a pool (lanes still become bands).
    fn lone_process(&mut self, process: ElementId) -> PlaneParts {
        let m = self.model;
        let leaves = lane_leaves(m, process);
        let mut bands = Vec::new();
        let mut band_of = HashMap::default();
        let mut max_depth = 0;
        let mut lanes = Vec::new();
        if leaves.is_empty() {
            bands.push(BandIn {
                spec: BandSpec {
                    min_height: 0.0,
                    gap_before: 0.0,
                },
            });
        } else {
            for &(lane, depth, _) in &leaves {
                max_depth = max_depth.max(depth);
                let b = bands.len();
                bands.push(BandIn {
                    spec: BandSpec {
                        min_height: LANE_MIN,
                        gap_before: 0.0,
                    },
                });
                for &n in &m.el(lane).links.flow_nodes {
                    band_of.entry(n).or_insert(b);
                }
            }
            lanes = lane_spans(m, process, &leaves, 0);
        }
        #[allow(clippy::cast_precision_loss)]
        let left = HEADER * max_depth as f64;
        let placed = self.place(
            &[(process, 0)],
            &[],
            &band_of,
            &bands,
            left,
            &HashMap::default(),
        );
        let mut shapes = Vec::new();
        let width = placed.out.width;
        for &(lane, depth, f, c) in &lanes {
            let (ly0, _) = placed.out.bands[f];
            let (ly1, lh1) = placed.out.bands[f + c - 1];
            #[allow(clippy::cast_precision_loss)]
            let x = HEADER * (depth - 1) as f64;
            shapes.push(shape(
                m,
                lane,
                Bounds {
                    x,
                    y: ly0,
                    width: width - x,
                    height: ly1 + lh1 - ly0,
                },
            ));
        }
        shapes.extend(placed.shapes);
        let mut edges = placed.edges;
        self.post_links(&mut shapes, &mut edges, &placed.consumed);
        translate(&mut shapes, &mut edges, ORIGIN.x, ORIGIN.y);
        (process, shapes, edges)
    }

    /// The content of a collapsed sub-process, on its own plane.
    fn drill_down(&mut self, sub: ElementId) -> PlaneParts {
        let bands = [BandIn {
            spec: BandSpec {
                min_height: 0.0,
                gap_before: 0.0,
            },
        }];
        let placed = self.place(
            &[(sub, 0)],
            &[],
            &HashMap::default(),
            &bands,
            0.0,
            &HashMap::default(),
        );
        let mut shapes = placed.shapes;
        let mut edges = placed.edges;
        self.post_links(&mut shapes, &mut edges, &placed.consumed);
        translate(&mut shapes, &mut edges, ORIGIN.x, ORIGIN.y);
        (sub, shapes, edges)
    }

    /// Links whose ends are both drawn in this diagram but in different grids (e.g. a
    /// message flow to a task inside an expanded sub-process): a direct orthogonal line.
    fn post_links(
        &self,
        shapes: &mut [DiShape],
        edges: &mut Vec<DiEdge>,
        consumed: &HashSet<ElementId>,
    ) {
        // (usually every link is drawn by a grid: then no map of all shapes is needed)
        if self.links.iter().all(|l| consumed.contains(&l.element)) {
            return;
        }
        let at: HashMap<ElementId, Bounds> = shapes
            .iter()
            .filter_map(|s| Some((s.element?, s.bounds)))
            .collect();
        for link in &self.links {
            if consumed.contains(&link.element) {
                continue;
            }
            let (Some(a), Some(b)) = (at.get(&link.source), at.get(&link.target)) else {
                continue;
            };
            let pts = direct(a, b);
            edges.push(edge(self.model, link.element, pts));
        }
    }

    /// Lays out the flow nodes of some scopes in one grid.
    #[allow(clippy::too_many_lines)]
    fn place(
        &mut self,
        scopes: &[(ElementId, usize)],
        extra_artifacts: &[(ElementId, usize)],
        band_of: &HashMap<ElementId, usize>,
        bands: &[BandIn],
        left: f64,
        pool_band: &HashMap<ElementId, usize>,
    ) -> Placed {
        let m = self.model;
        let mut spec = Spec {
            left,
            bands: bands.iter().map(|b| b.spec).collect(),
            ..Spec::default()
        };
        // at most one node and one edge per child of the scopes
        let room: usize = scopes.iter().map(|&(s, _)| m.el(s).children.len()).sum();
        spec.nodes.reserve(room + extra_artifacts.len());
        spec.edges.reserve(room + self.links.len().min(room));
        let mut elems: Vec<ElementId> = Vec::with_capacity(room);
        let mut node_of: HashMap<ElementId, usize> = HashMap::default();
        node_of.reserve(room);
        let mut sat_of: HashMap<ElementId, (usize, usize)> = HashMap::default();
        let mut children: HashMap<usize, Placed> = HashMap::default();
        let mut artifacts: Vec<(ElementId, usize)> = Vec::new();
        let mut boundaries: Vec<(ElementId, ElementId)> = Vec::new();
        for &(scope, default_band) in scopes {
            for (id, e) in m.children(scope) {
                if e.kind == Kind::BoundaryEvent {
                    if let Some(host) = e.links.attached_to {
                        boundaries.push((id, host));
                        continue;
                    }
                }
                if is_artifact_node(&e.kind) {
                    artifacts.push((id, default_band));
                    continue;
                }
                if !e.kind.is_flow_node() {
                    continue;
                }
                let band = band_of.get(&id).copied().unwrap_or(default_band);
                let (mut w, mut h) = size(&e.kind);
                let mut child = None;
                if e.kind.is_sub_process() {
                    if self.expanded(id) {
                        let inner = [BandIn {
                            spec: BandSpec {
                                min_height: 0.0,
                                gap_before: 0.0,
                            },
                        }];
                        let p = self.place(
                            &[(id, 0)],
                            &[],
                            &HashMap::default(),
                            &inner,
                            0.0,
                            &HashMap::default(),
                        );
                        w = p.out.width.max(200.0);
                        h = p.out.height.max(120.0);
                        child = Some(p);
                    } else if m
                        .children(id)
                        .any(|(_, c)| c.kind.is_flow_node() || is_artifact_node(&c.kind))
                    {
                        self.collapsed.push(id);
                    }
                }
                let label_h = external_label(m, id).map_or(0.0, |(_, lh)| lh);
                let label_w = external_label(m, id).map_or(0.0, |(lw, _)| lw);
                let v = spec.nodes.len();
                spec.nodes.push(NodeSpec {
                    w,
                    h,
                    below: if label_h > 0.0 { label_h + 6.0 } else { 0.0 },
                    half_w: (w / 2.0).max(label_w / 2.0),
                    band: band.min(bands.len().saturating_sub(1)),
                    artifact_of: None,
                    artifact: false,
                    sats: Vec::new(),
                    gateway: e.kind.is_gateway(),
                    start: e.kind == Kind::StartEvent,
                    label_h,
                });
                if let Some(p) = child {
                    children.insert(v, p);
                }
                elems.push(id);
                node_of.insert(id, v);
            }
        }
        // Boundary events on their host's bottom border.
        let mut per_host: HashMap<usize, Vec<ElementId>> = HashMap::default();
        let mut host_order = Vec::new();
        for &(b, host) in &boundaries {
            if let Some(&h) = node_of.get(&host) {
                if !per_host.contains_key(&h) {
                    host_order.push(h);
                }
                per_host.entry(h).or_default().push(b);
            }
        }
        for h in host_order {
            let list = &per_host[&h];
            let k = list.len();
            #[allow(clippy::cast_precision_loss)]
            let kf = k as f64;
            let labelled = list.iter().any(|&b| external_label(m, b).is_some());
            let step = if labelled && k > 1 {
                SAT_LABEL_STEP
            } else {
                45.0
            };
            let node = &mut spec.nodes[h];
            if !children.contains_key(&h) {
                node.w = node.w.max(step * kf + 10.0);
                node.half_w = node.half_w.max(node.w / 2.0);
            }
            let start = node.w / 2.0 - step * (kf - 1.0) / 2.0;
            let mut lab: f64 = 0.0;
            for (i, &b) in list.iter().enumerate() {
                #[allow(clippy::cast_precision_loss)]
                node.sats.push(start + step * i as f64);
                sat_of.insert(b, (h, i));
                if let Some((_, lh)) = external_label(m, b) {
                    lab = lab.max(lh + 4.0);
                }
            }
            node.below = node.below.max(18.0 + lab + 4.0);
        }
        // Artifacts: anchored to the first element they are linked with.
        let grid_node = |el: ElementId, node_of: &HashMap<ElementId, usize>| -> Option<usize> {
            let mut cur = Some(el);
            while let Some(c) = cur {
                if let Some(&v) = node_of.get(&c) {
                    return Some(v);
                }
                cur = m.el(c).parent;
            }
            None
        };
        artifacts.extend_from_slice(extra_artifacts);
        for &(id, default_band) in &artifacts {
            let (w, h) = artifact_size(m, id);
            let anchor = self.links.iter().find_map(|l| {
                let other = if l.source == id {
                    l.target
                } else if l.target == id {
                    l.source
                } else {
                    return None;
                };
                let sat = sat_of.get(&other).map(|&(h, _)| h);
                sat.or_else(|| grid_node(other, &node_of))
            });
            let band = anchor.map_or(default_band, |a| spec.nodes[a].band);
            let (label_w, label_h) = external_label(m, id).unwrap_or((0.0, 0.0));
            let v = spec.nodes.len();
            spec.nodes.push(NodeSpec {
                w,
                h,
                below: if label_h > 0.0 { label_h + 6.0 } else { 0.0 },
                half_w: (w / 2.0).max(label_w / 2.0),
                band: band.min(bands.len().saturating_sub(1)),
                artifact_of: anchor,
                artifact: true,
                sats: Vec::new(),
                gateway: false,
                start: false,
                label_h,
            });
            elems.push(id);
            node_of.insert(id, v);
        }
        // Edges: sequence flows of the scopes, links with both ends in this grid.
        let mut edge_elems = Vec::new();
        let end_of = |el: ElementId| -> Option<End> {
            if let Some(&(h, k)) = sat_of.get(&el) {
                return Some(End::Sat(h, k));
            }
            if let Some(&v) = node_of.get(&el) {
                return Some(End::Node(v));
            }
            pool_band.get(&el).map(|&b| End::Band(b))
        };
        for &(scope, _) in scopes {
            for (id, e) in m.sequence_flows(scope) {
                let (Some(s), Some(t)) = (e.links.source, e.links.target) else {
                    continue;
                };
                let (Some(from), Some(to)) = (end_of(s), end_of(t)) else {
                    continue;
                };
                if matches!(to, End::Sat(..)) || matches!(from, End::Band(_)) {
                    continue;
                }
                spec.edges.push(EdgeSpec {
                    from,
                    to,
                    kind: EdgeKind::Flow,
                });
                edge_elems.push(id);
            }
        }
        let first_link = edge_elems.len();
        for link in &self.links {
            let (Some(from), Some(to)) = (end_of(link.source), end_of(link.target)) else {
                continue;
            };
            if from == to {
                continue;
            }
            if link.kind == EdgeKind::Assoc
                && (matches!(from, End::Band(_)) || matches!(to, End::Band(_)))
            {
                continue;
            }
            spec.edges.push(EdgeSpec {
                from,
                to,
                kind: link.kind,
            });
            edge_elems.push(link.element);
        }
        let mut out = grid::run(&spec);
        // Shapes.
        let mut shapes = Vec::with_capacity(elems.len() + sat_of.len());
        let mut edges = Vec::with_capacity(edge_elems.len());
        // (only links can be drawn twice: see `post_links`)
        let mut consumed: HashSet<ElementId> = edge_elems[first_link..].iter().copied().collect();
        for (v, &id) in elems.iter().enumerate() {
            let b = out.nodes[v];
            let mut s = shape(m, id, b);
            if m.el(id).kind.is_sub_process() {
                s.is_expanded = Some(children.contains_key(&v));
            }
            shapes.push(s);
            if let Some(mut child) = children.remove(&v) {
                translate(&mut child.shapes, &mut child.edges, b.x, b.y);
                shapes.append(&mut child.shapes);
                edges.append(&mut child.edges);
                consumed.extend(child.consumed);
            }
        }
        for (&b, &(h, k)) in sat_of.iter().collect::<std::collections::BTreeMap<_, _>>() {
            if let Some(bounds) = out.sats[h].get(k) {
                shapes.push(shape(m, b, *bounds));
            }
        }
        for (i, &id) in edge_elems.iter().enumerate() {
            if out.edges[i].len() >= 2 {
                edges.push(edge(m, id, std::mem::take(&mut out.edges[i])));
            }
        }
        Placed {
            shapes,
            edges,
            out,
            consumed,
        }
    }
}

fn is_artifact_node(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::DataObjectReference | Kind::DataStoreReference | Kind::TextAnnotation
    )
}

/// Leaf lanes of a process in document order: (lane, depth from 1, parent chain).
fn lane_leaves(m: &Model, process: ElementId) -> Vec<(ElementId, usize, Vec<ElementId>)> {
    fn walk(
        m: &Model,
        set: ElementId,
        depth: usize,
        chain: &mut Vec<ElementId>,
        out: &mut Vec<(ElementId, usize, Vec<ElementId>)>,
    ) {
        for (lane, l) in m.children(set) {
            if l.kind != Kind::Lane {
                continue;
            }
            chain.push(lane);
            let subs: Vec<ElementId> = m
                .children(lane)
                .filter(|(_, c)| c.kind == Kind::ChildLaneSet)
                .map(|(id, _)| id)
                .collect();
            let has_children = subs
                .iter()
                .any(|&s| m.children(s).any(|(_, c)| c.kind == Kind::Lane));
            if has_children {
                for s in subs {
                    walk(m, s, depth + 1, chain, out);
                }
            } else {
                out.push((lane, depth, chain.clone()));
            }
            chain.pop();
        }
    }
    let mut out = Vec::new();
    let mut chain = Vec::new();
    for (set, s) in m.children(process) {
        if s.kind == Kind::LaneSet {
            walk(m, set, 1, &mut chain, &mut out);
        }
    }
    out
}

/// Every lane (inner ones too) with its depth and band range.
fn lane_spans(
    m: &Model,
    _process: ElementId,
    leaves: &[(ElementId, usize, Vec<ElementId>)],
    first_band: usize,
) -> Vec<(ElementId, usize, usize, usize)> {
    let _ = m;
    let mut spans: Vec<(ElementId, usize, usize, usize)> = Vec::new();
    for (i, (_, _, chain)) in leaves.iter().enumerate() {
        for (d, &lane) in chain.iter().enumerate() {
            let b = first_band + i;
            if let Some(s) = spans.iter_mut().find(|s| s.0 == lane) {
                s.3 = b + 1 - s.2;
            } else {
                spans.push((lane, d + 1, b, 1));
            }
        }
    }
    spans
}

fn size(kind: &Kind) -> (f64, f64) {
    if kind.is_event() {
        (36.0, 36.0)
    } else if kind.is_gateway() {
        (50.0, 50.0)
    } else {
        (100.0, 80.0)
    }
}

fn artifact_size(m: &Model, id: ElementId) -> (f64, f64) {
    match m.el(id).kind {
        Kind::DataObjectReference => (36.0, 50.0),
        Kind::DataStoreReference => (50.0, 50.0),
        _ => {
            let text = m
                .children(id)
                .find(|(_, c)| c.kind == Kind::Text)
                .and_then(|(_, c)| c.text.as_deref())
                .unwrap_or("");
            let lines = wrap_lines(text, 86.0, 12.0);
            #[allow(clippy::cast_precision_loss)]
            let h = (lines as f64 * 14.4 + 14.0).max(40.0);
            (100.0, h)
        }
    }
}

/// Rough Arial width of a text (average glyph 0.5 em).
fn text_width(text: &str, font: f64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let n = text.chars().count() as f64;
    n * font * 0.52
}

fn wrap_lines(text: &str, max: f64, font: f64) -> usize {
    text.lines()
        .map(|l| {
            let w = text_width(l.trim(), font);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let n = (w / max).ceil() as usize;
            n.max(1)
        })
        .sum::<usize>()
        .max(1)
}

/// External label size (width, height) for events, gateways and data with a name.
fn external_label(m: &Model, id: ElementId) -> Option<(f64, f64)> {
    let e = m.el(id);
    let has_external = e.kind.is_event()
        || e.kind.is_gateway()
        || matches!(e.kind, Kind::DataObjectReference | Kind::DataStoreReference);
    if !has_external {
        return None;
    }
    let name = e.label()?;
    let max = if e.kind == Kind::BoundaryEvent {
        SAT_LABEL_STEP - 4.0
    } else {
        LABEL_W
    };
    let w = text_width(name, 11.0).min(max);
    #[allow(clippy::cast_precision_loss)]
    let lines = wrap_lines(name, max, 11.0) as f64;
    Some((w.max(20.0), lines * LABEL_LINE))
}

fn shape(m: &Model, id: ElementId, bounds: Bounds) -> DiShape {
    let e = m.el(id);
    let label = external_label(m, id).map(|(w, h)| DiLabel {
        bounds: Some(Bounds {
            x: bounds.center().x - w / 2.0,
            y: bounds.bottom() + 5.0,
            width: w,
            height: h,
        }),
        label_style: None,
        attrs: Vec::new(),
    });
    let horizontal = matches!(e.kind, Kind::Participant | Kind::Lane).then_some(true);
    DiShape {
        id: None,
        bpmn_element: e.id.clone(),
        element: Some(id),
        bounds,
        is_expanded: None,
        is_horizontal: horizontal,
        is_marker_visible: (e.kind == Kind::ExclusiveGateway).then_some(true),
        is_message_visible: None,
        label,
        attrs: Vec::new(),
        span: Span::default(),
    }
}

fn edge(m: &Model, id: ElementId, waypoints: Vec<Point>) -> DiEdge {
    let e = m.el(id);
    let label = e
        .label()
        .filter(|_| e.kind == Kind::SequenceFlow)
        .and_then(|name| {
            let n = waypoints.len();
            if n < 2 {
                return None;
            }
            let (a, b) = (waypoints[(n - 1) / 2], waypoints[n / 2]);
            let (a, b) = if n % 2 == 0 {
                (a, b)
            } else {
                (waypoints[n / 2 - 1], waypoints[n / 2])
            };
            let mid = Point {
                x: (a.x + b.x) / 2.0,
                y: (a.y + b.y) / 2.0,
            };
            let w = text_width(name, 11.0).clamp(20.0, LABEL_W);
            #[allow(clippy::cast_precision_loss)]
            let h = wrap_lines(name, LABEL_W, 11.0) as f64 * LABEL_LINE;
            let horizontal = (a.y - b.y).abs() < 0.01;
            let bounds = if horizontal {
                Bounds {
                    x: mid.x - w / 2.0,
                    y: mid.y - h - 4.0,
                    width: w,
                    height: h,
                }
            } else {
                Bounds {
                    x: mid.x + 6.0,
                    y: mid.y - h / 2.0,
                    width: w,
                    height: h,
                }
            };
            Some(DiLabel {
                bounds: Some(bounds),
                label_style: None,
                attrs: Vec::new(),
            })
        });
    DiEdge {
        id: None,
        bpmn_element: e.id.clone(),
        element: Some(id),
        waypoints,
        label,
        attrs: Vec::new(),
        span: Span::default(),
    }
}

fn translate(shapes: &mut [DiShape], edges: &mut [DiEdge], dx: f64, dy: f64) {
    let mv = |b: &mut Bounds| {
        b.x += dx;
        b.y += dy;
    };
    for s in shapes {
        mv(&mut s.bounds);
        if let Some(b) = s.label.as_mut().and_then(|l| l.bounds.as_mut()) {
            mv(b);
        }
    }
    for e in edges {
        for p in &mut e.waypoints {
            p.x += dx;
            p.y += dy;
        }
        if let Some(b) = e.label.as_mut().and_then(|l| l.bounds.as_mut()) {
            mv(b);
        }
    }
}

/// Crossings of the edges from `first` on with every other edge (each pair once).
fn late_crossings(edges: &[DiEdge], first: usize) -> usize {
    let bbox = |e: &DiEdge| {
        e.waypoints.iter().fold(
            (
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ),
            |(x0, y0, x1, y1), p| (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y)),
        )
    };
    let mut n = 0;
    for (i, late) in edges.iter().enumerate().skip(first) {
        let (lx0, ly0, lx1, ly1) = bbox(late);
        for (j, other) in edges.iter().enumerate() {
            // pairs of late edges once, from the later one
            if j == i || (j >= first && j > i) {
                continue;
            }
            let (ox0, oy0, ox1, oy1) = bbox(other);
            if ox1 < lx0 || ox0 > lx1 || oy1 < ly0 || oy0 > ly1 {
                continue;
            }
            for a in late.waypoints.windows(2) {
                for b in other.waypoints.windows(2) {
                    n += usize::from(metrics::cross(a[0], a[1], b[0], b[1]));
                }
            }
        }
    }
    n
}

/// A direct orthogonal connection between two boxes (used across grids).
fn direct(a: &Bounds, b: &Bounds) -> Vec<Point> {
    let (ac, bc) = (a.center(), b.center());
    let lo = a.x.max(b.x);
    let hi = a.right().min(b.right());
    if hi > lo {
        let x = (lo + hi) / 2.0;
        return if ac.y < bc.y {
            vec![Point { x, y: a.bottom() }, Point { x, y: b.y }]
        } else {
            vec![Point { x, y: a.y }, Point { x, y: b.bottom() }]
        };
    }
    let (y0, y1) = if ac.y < bc.y {
        (a.bottom(), b.y)
    } else {
        (a.y, b.bottom())
    };
    let ym = (y0 + y1) / 2.0;
    vec![
        Point { x: ac.x, y: y0 },
        Point { x: ac.x, y: ym },
        Point { x: bc.x, y: ym },
        Point { x: bc.x, y: y1 },
    ]
}
