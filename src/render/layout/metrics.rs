//! Layout quality measured on a model's DI: overlaps, edges through nodes, crossings,
//! bends, area, and whether pools, lanes and message flows are drawn.
//!
//! Works on any DI (ours or another tool's), so layouts can be compared on equal terms.
//! Each plane is measured on its own and the figures are summed.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::{Bounds, ElementId, Kind, Model, Point};

/// Quality figures of a model's diagrams.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Node shapes measured (flow nodes, data objects/stores, text annotations).
    pub nodes: usize,
    /// Flow nodes of the model that have no shape at all.
    pub missing_nodes: usize,
    /// Pairs of node shapes whose insides overlap (a container and its content, and a
    /// boundary event and its host, do not count).
    pub overlaps: usize,
    /// (edge, node) pairs where an edge segment passes through a node that is neither its
    /// source nor its target nor a container of either.
    pub edges_through_nodes: usize,
    /// Proper crossings between segments of different edges.
    pub crossings: usize,
    /// Proper crossings between sequence flows only (what every layouter draws).
    pub flow_crossings: usize,
    /// Bends (waypoints beyond the two ends), over all edges.
    pub bends: usize,
    /// Sum over planes of the bounding-box area of shapes and waypoints.
    pub area: f64,
    /// Participants with a shape / participants in the model.
    pub pools: (usize, usize),
    /// Lanes with a shape / lanes in the model.
    pub lanes: (usize, usize),
    /// Message flows with an edge / message flows in the model.
    pub message_flows: (usize, usize),
    /// Flow nodes listed by a lane (flowNodeRef) whose shape is not inside the lane's.
    pub outside_lane: usize,
}

fn is_node(kind: &Kind) -> bool {
    kind.is_flow_node()
        || matches!(
            kind,
            Kind::DataObjectReference | Kind::DataStoreReference | Kind::TextAnnotation
        )
}

fn is_ancestor(m: &Model, anc: ElementId, mut of: ElementId) -> bool {
    while let Some(p) = m.el(of).parent {
        if p == anc {
            return true;
        }
        of = p;
    }
    false
}

fn inner_overlap(a: &Bounds, b: &Bounds) -> bool {
    let w = a.right().min(b.right()) - a.x.max(b.x);
    let h = a.bottom().min(b.bottom()) - a.y.max(b.y);
    w > 1.0 && h > 1.0
}

fn seg_through(a: Point, b: Point, r: &Bounds) -> bool {
    let shrunk = Bounds {
        x: r.x + 1.5,
        y: r.y + 1.5,
        width: r.width - 3.0,
        height: r.height - 3.0,
    };
    super::grid::seg_hits(a, b, &shrunk)
}

fn orient(a: Point, b: Point, c: Point) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

/// Whether two segments cross properly (not just touch or overlap collinearly).
pub(crate) fn cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    const EPS: f64 = 1e-6;
    let o1 = orient(a, b, c);
    let o2 = orient(a, b, d);
    let o3 = orient(c, d, a);
    let o4 = orient(c, d, b);
    ((o1 > EPS && o2 < -EPS) || (o1 < -EPS && o2 > EPS))
        && ((o3 > EPS && o4 < -EPS) || (o3 < -EPS && o4 > EPS))
}

/// Measures every diagram of a model.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn measure(m: &Model) -> Metrics {
    let mut out = Metrics::default();
    let mut shaped: HashMap<ElementId, ()> = HashMap::new();
    let mut edged: HashMap<ElementId, ()> = HashMap::new();
    for d in &m.diagrams {
        let plane = &d.plane;
        let nodes: Vec<(ElementId, Bounds)> = plane
            .shapes
            .iter()
            .filter_map(|s| {
                let el = s.element?;
                is_node(&m.el(el).kind).then_some((el, s.bounds))
            })
            .collect();
        let bounds_of: HashMap<ElementId, Bounds> = plane
            .shapes
            .iter()
            .filter_map(|s| Some((s.element?, s.bounds)))
            .collect();
        for s in &plane.shapes {
            if let Some(el) = s.element {
                shaped.insert(el, ());
            }
        }
        out.nodes += nodes.len();
        // overlaps (sweep by x to stay fast on big models)
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        order.sort_by(|&a, &b| nodes[a].1.x.total_cmp(&nodes[b].1.x));
        for (i, &a) in order.iter().enumerate() {
            let (ea, ba) = nodes[a];
            for &b in &order[i + 1..] {
                let (eb, bb) = nodes[b];
                if bb.x >= ba.right() {
                    break;
                }
                if ea == eb || is_ancestor(m, ea, eb) || is_ancestor(m, eb, ea) {
                    continue;
                }
                let attached = m.el(ea).links.attached_to == Some(eb)
                    || m.el(eb).links.attached_to == Some(ea);
                if !attached && inner_overlap(&ba, &bb) {
                    out.overlaps += 1;
                }
            }
        }
        // edges
        let mut segs: Vec<(usize, Point, Point)> = Vec::new();
        let flow_edge: Vec<bool> = plane
            .edges
            .iter()
            .map(|e| {
                e.element
                    .is_some_and(|x| m.el(x).kind == Kind::SequenceFlow)
            })
            .collect();
        let mut minx = f64::INFINITY;
        let mut miny = f64::INFINITY;
        let mut maxx = f64::NEG_INFINITY;
        let mut maxy = f64::NEG_INFINITY;
        for s in &plane.shapes {
            minx = minx.min(s.bounds.x);
            miny = miny.min(s.bounds.y);
            maxx = maxx.max(s.bounds.right());
            maxy = maxy.max(s.bounds.bottom());
        }
        for (k, e) in plane.edges.iter().enumerate() {
            if let Some(el) = e.element {
                edged.insert(el, ());
            }
            out.bends += e.waypoints.len().saturating_sub(2);
            for p in &e.waypoints {
                minx = minx.min(p.x);
                miny = miny.min(p.y);
                maxx = maxx.max(p.x);
                maxy = maxy.max(p.y);
            }
            let el = e.element;
            let (src, tgt) = match el.map(|x| m.el(x)) {
                Some(x) => match x.kind {
                    Kind::DataInputAssociation => (x.links.source, x.parent),
                    Kind::DataOutputAssociation => (x.parent, x.links.target),
                    _ => (x.links.source, x.links.target),
                },
                None => (None, None),
            };
            let exempt = |n: ElementId| -> bool {
                [src, tgt].iter().flatten().any(|&end| {
                    n == end || is_ancestor(m, n, end) || m.el(end).links.attached_to == Some(n)
                })
            };
            for w in e.waypoints.windows(2) {
                segs.push((k, w[0], w[1]));
            }
            for (n, b) in &nodes {
                if exempt(*n) {
                    continue;
                }
                if e.waypoints.windows(2).any(|w| seg_through(w[0], w[1], b)) {
                    out.edges_through_nodes += 1;
                }
            }
            let _ = &bounds_of;
        }
        if minx.is_finite() {
            out.area += (maxx - minx) * (maxy - miny);
        }
        segs.sort_by(|a, b| a.1.x.min(a.2.x).total_cmp(&b.1.x.min(b.2.x)));
        for i in 0..segs.len() {
            let (ka, a0, a1) = segs[i];
            let right = a0.x.max(a1.x);
            for &(kb, b0, b1) in &segs[i + 1..] {
                if b0.x.min(b1.x) > right {
                    break;
                }
                if ka != kb && cross(a0, a1, b0, b1) {
                    out.crossings += 1;
                    if flow_edge[ka] && flow_edge[kb] {
                        out.flow_crossings += 1;
                    }
                }
            }
        }
        // lanes keep their nodes
        for s in &plane.shapes {
            let Some(lane) = s.element else { continue };
            if m.el(lane).kind != Kind::Lane {
                continue;
            }
            for n in &m.el(lane).links.flow_nodes {
                if let Some(b) = bounds_of.get(n) {
                    let inside = b.x >= s.bounds.x - 0.5
                        && b.right() <= s.bounds.right() + 0.5
                        && b.y >= s.bounds.y - 0.5
                        && b.bottom() <= s.bounds.bottom() + 0.5;
                    if !inside {
                        out.outside_lane += 1;
                    }
                }
            }
        }
    }
    for (id, e) in m.iter() {
        match e.kind {
            Kind::Participant => {
                out.pools.1 += 1;
                out.pools.0 += usize::from(shaped.contains_key(&id));
            }
            Kind::Lane => {
                out.lanes.1 += 1;
                out.lanes.0 += usize::from(shaped.contains_key(&id));
            }
            Kind::MessageFlow => {
                out.message_flows.1 += 1;
                out.message_flows.0 += usize::from(edged.contains_key(&id));
            }
            ref k if k.is_flow_node() && !shaped.contains_key(&id) => out.missing_nodes += 1,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_needs_a_proper_intersection() {
        let p = |x, y| Point { x, y };
        assert!(cross(p(0., 5.), p(10., 5.), p(5., 0.), p(5., 10.)));
        // touching at an end is not a crossing
        assert!(!cross(p(0., 5.), p(10., 5.), p(10., 0.), p(10., 10.)));
        // collinear overlap is not a crossing
        assert!(!cross(p(0., 5.), p(10., 5.), p(5., 5.), p(15., 5.)));
    }
}
