//! The layered grid: ranks, crossing reduction, rows, coordinates and orthogonal routing.
//!
//! The input is an abstract graph (sizes, bands, flows); the output is geometry. Every node
//! gets a cell (column = rank, row inside its band); columns and rows are as wide/tall as
//! their largest occupant, so shapes can never overlap. Long flows get one reserved dummy
//! cell per rank they cross, and every edge route runs either through its own cells at row
//! centre height or through the empty channels between columns and rows, so no route can
//! cross a node. Nicer routes (gateway splits/joins from the top/bottom, exception flows
//! straight down, loops underneath) are tried first and kept only when geometry shows they
//! touch no node and overlap no other edge.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::model::{Bounds, Point};

/// Horizontal gap between columns.
pub(crate) const GAP_X: f64 = 50.0;
/// Vertical gap between rows.
pub(crate) const GAP_Y: f64 = 40.0;
/// Padding above the first and below the last row of a band.
const PAD_Y: f64 = 30.0;
/// Spacing of parallel edge tracks in one channel.
const TRACK: f64 = 8.0;
/// Parallel segments of different edges closer than this (and overlapping) read as one
/// line: routes that would make them are refused.
const MIN_SEP: f64 = 5.0;

/// One node of the grid: a flow node or an artifact.
#[derive(Debug, Clone)]
pub(crate) struct NodeSpec {
    /// Shape width.
    pub w: f64,
    /// Shape height.
    pub h: f64,
    /// Extra room below the shape (external label, boundary events).
    pub below: f64,
    /// Half the width the column must offer (labels may be wider than the shape).
    pub half_w: f64,
    /// Band (pool or lane) index.
    pub band: usize,
    /// For artifacts: the node they are placed next to.
    pub artifact_of: Option<usize>,
    /// Whether this is an artifact (placed after the flow nodes).
    pub artifact: bool,
    /// Boundary events: x of their centre relative to the shape's left edge.
    pub sats: Vec<f64>,
    /// Gateways route splits and joins through their top and bottom corners.
    pub gateway: bool,
    /// Start events seed the depth-first search first.
    pub start: bool,
    /// Height of the external label below the shape (0 if none).
    pub label_h: f64,
}

/// An edge end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// A node.
    Node(usize),
    /// A boundary event of a node: (node, index in its `sats`).
    Sat(usize, usize),
    /// A band (a black-box or whole pool as message flow end).
    Band(usize),
}

impl End {
    fn node(self) -> Option<usize> {
        match self {
            End::Node(n) | End::Sat(n, _) => Some(n),
            End::Band(_) => None,
        }
    }
}

/// What an edge is, which decides how it is ranked and routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EdgeKind {
    /// Sequence flow: ranks and orders the nodes.
    Flow,
    /// Message flow: between pools, routed vertically.
    Message,
    /// Association or data association.
    Assoc,
}

/// An edge of the grid.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EdgeSpec {
    /// Source.
    pub from: End,
    /// Target.
    pub to: End,
    /// Kind.
    pub kind: EdgeKind,
}

/// A horizontal band: a pool, a lane or the whole scope.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BandSpec {
    /// Smallest height.
    pub min_height: f64,
    /// Vertical gap above the band (between pools; 0 between lanes).
    pub gap_before: f64,
}

/// What to lay out.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spec {
    pub nodes: Vec<NodeSpec>,
    pub edges: Vec<EdgeSpec>,
    pub bands: Vec<BandSpec>,
    /// x where the content may start (after pool and lane headers).
    pub left: f64,
}

/// The computed geometry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Out {
    /// Shape bounds per node.
    pub nodes: Vec<Bounds>,
    /// Boundary event bounds per node.
    pub sats: Vec<Vec<Bounds>>,
    /// Waypoints per edge (empty if an edge could not be routed, e.g. a dangling end).
    pub edges: Vec<Vec<Point>>,
    /// Band (y, height).
    pub bands: Vec<(f64, f64)>,
    /// Right edge of everything.
    pub width: f64,
    /// Bottom edge of everything.
    pub height: f64,
    /// Crossings of the routes: (between sequence flows, between any edges).
    pub score: (usize, usize),
    /// Message flows that meet a node on its far side (see [`Router::message_round`]).
    pub detours: usize,
}

/// Size of a boundary event.
const SAT: f64 = 36.0;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    H,
    V,
}

struct Obstacle {
    rect: Bounds,
    /// The edge whose dummy cell this is (dummies block other edges only).
    owner: Option<usize>,
    node: usize,
    /// `None` for the shape itself, `Some(k)` for boundary event k, `Some(usize::MAX)` for
    /// the label.
    part: Option<usize>,
}

const LABEL: usize = usize::MAX;
/// Edge index of a removed segment.
const GONE: usize = usize::MAX;
/// Side of the cells of the spatial indexes (grown for very large diagrams).
const BUCKET: f64 = 160.0;
/// End of a cell's list.
const NIL: u32 = u32::MAX;

/// Items (obstacles, placed segments) by the square cells of a grid that their bounding
/// boxes touch, as linked lists in flat arrays: no allocation per cell or per item.
/// Coordinates beyond the grid are clamped to its border cells, which then hold those
/// items as well: that costs a few more checks, never a missed item (clamping keeps
/// every overlap of two ranges of cells).
struct CellIndex {
    x0: f64,
    y0: f64,
    /// 1 / cell side.
    inv: f64,
    nx: usize,
    ny: usize,
    /// First entry per cell.
    head: Vec<u32>,
    entries: Vec<Entry>,
    /// Entries visited by queries so far: the work a layout's routing did, which sizes
    /// the local search (see [`improve`]).
    visits: std::cell::Cell<usize>,
}

/// An item filed under one cell.
#[derive(Clone, Copy)]
struct Entry {
    /// The next entry of the same cell.
    next: u32,
    item: u32,
    /// The item's first cell (so that a query meeting it in several cells reports it
    /// once).
    first: (u32, u32),
}

impl CellIndex {
    /// A grid over `lo`..`hi` with cells of `BUCKET` px, doubled until there are at most
    /// a few per expected item.
    fn new(lo: Point, hi: Point, expect: usize) -> Self {
        let cap = expect.saturating_mul(8).max(4096);
        let mut size = BUCKET;
        let cells = |size: f64| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let n = |span: f64| ((span / size).ceil().max(0.0) as usize).saturating_add(1);
            (n(hi.x - lo.x), n(hi.y - lo.y))
        };
        let (mut nx, mut ny) = cells(size);
        while nx.saturating_mul(ny) > cap && size < 1e12 {
            size *= 2.0;
            (nx, ny) = cells(size);
        }
        let (x0, y0) = (
            if lo.x.is_finite() { lo.x } else { 0.0 },
            if lo.y.is_finite() { lo.y } else { 0.0 },
        );
        CellIndex {
            visits: std::cell::Cell::new(0),
            x0,
            y0,
            inv: 1.0 / size,
            nx,
            ny,
            head: vec![NIL; nx * ny],
            entries: Vec::with_capacity(expect),
        }
    }

    /// The (clamped) cell range of `lo`..`hi` along one axis.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn span(&self, lo: f64, hi: f64, origin: f64, n: usize) -> (u32, u32) {
        // `as` truncates and saturates: below the grid (and NaN) gives 0, like flooring
        // and clamping would, beyond it a huge value (no `floor`: a libm call). To `u32`
        // rather than `usize`: fewer instructions (no fix-up for values past 2^63), and
        // the cell counts fit (see `new`)
        let last = (n - 1) as u32;
        let c = |v: f64| (((v - origin) * self.inv) as u32).min(last);
        (c(lo), c(hi))
    }

    fn cells(&self, a: Point, b: Point) -> ((u32, u32), (u32, u32)) {
        (
            self.span(a.x.min(b.x), a.x.max(b.x), self.x0, self.nx),
            self.span(a.y.min(b.y), a.y.max(b.y), self.y0, self.ny),
        )
    }

    /// Files an item under every cell its bounding box (`a`, `b` opposite corners)
    /// touches.
    fn insert(&mut self, a: Point, b: Point, item: usize) {
        let ((cx0, cx1), (cy0, cy1)) = self.cells(a, b);
        #[allow(clippy::cast_possible_truncation)]
        let item = item as u32;
        for cy in cy0..=cy1 {
            for cx in cx0..=cx1 {
                let cell = cy as usize * self.nx + cx as usize;
                #[allow(clippy::cast_possible_truncation)]
                let e = self.entries.len() as u32;
                self.entries.push(Entry {
                    next: self.head[cell],
                    item,
                    first: (cx0, cy0),
                });
                self.head[cell] = e;
            }
        }
    }

    /// Calls `f` with every item filed in a cell that the box `a`, `b` touches, once
    /// each; stops when `f` says so (returns `false`).
    fn each(&self, a: Point, b: Point, mut f: impl FnMut(usize) -> bool) -> bool {
        let ((cx0, cx1), (cy0, cy1)) = self.cells(a, b);
        let mut visits = 1;
        for cy in cy0..=cy1 {
            for cx in cx0..=cx1 {
                let mut e = self.head[cy as usize * self.nx + cx as usize];
                while e != NIL {
                    visits += 1;
                    let entry = self.entries[e as usize];
                    let (fx, fy) = entry.first;
                    // report an item only in the first cell both ranges share
                    if cx == fx.max(cx0) && cy == fy.max(cy0) && !f(entry.item as usize) {
                        self.visits.set(self.visits.get() + visits);
                        return false;
                    }
                    e = entry.next;
                }
            }
        }
        self.visits.set(self.visits.get() + visits);
        true
    }
}

/// Lays out a spec.
pub(crate) fn run(spec: &Spec) -> Out {
    let g = analyse(spec);
    let first = build(spec, &g, &g.rank, &Tweaks::default());
    improve(spec, &g, first).out
}

/// Lists per index in one flat array (compressed rows): no allocation per list.
struct Csr<T> {
    /// Where each list starts in `items` (one more than lists: the end).
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T: Copy> Csr<T> {
    /// No lists yet (add them with `push_list`).
    fn with_capacity(lists: usize, items: usize) -> Self {
        let mut start = Vec::with_capacity(lists + 1);
        start.push(0);
        Csr {
            start,
            items: Vec::with_capacity(items),
        }
    }

    /// Lists for `0..n` from (list, item) pairs, each list in the pairs' order.
    fn from_pairs(n: usize, pairs: &[(usize, T)]) -> Self {
        let mut start = vec![0usize; n + 1];
        for &(i, _) in pairs {
            start[i + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start[..n].to_vec();
        let mut items = match pairs.first() {
            Some(&(_, t)) => vec![t; pairs.len()],
            None => Vec::new(),
        };
        for &(i, t) in pairs {
            items[fill[i]] = t;
            fill[i] += 1;
        }
        Csr { start, items }
    }

    /// Appends the next list.
    fn push_list(&mut self, list: impl IntoIterator<Item = T>) {
        self.items.extend(list);
        self.start.push(self.items.len());
    }

    fn iter(&self) -> impl Iterator<Item = &[T]> {
        self.start.windows(2).map(|w| &self.items[w[0]..w[1]])
    }
}

impl<T> std::ops::Index<usize> for Csr<T> {
    type Output = [T];
    fn index(&self, i: usize) -> &[T] {
        &self.items[self.start[i]..self.start[i + 1]]
    }
}

impl<T> std::ops::IndexMut<usize> for Csr<T> {
    fn index_mut(&mut self, i: usize) -> &mut [T] {
        &mut self.items[self.start[i]..self.start[i + 1]]
    }
}

/// What stays fixed while the layout is improved: back edges, ranks, components.
struct Graph {
    /// Flow edges out of each node (boundary events count as their host).
    out_e: Csr<usize>,
    /// Back edges of the depth-first search (loops).
    back: Vec<bool>,
    /// Nodes in depth-first discovery order.
    discovery: Vec<usize>,
    /// Longest-path rank per node.
    rank: Vec<usize>,
    /// Nodes in topological order of the forward edges.
    topo: Vec<usize>,
    /// Connected component per node.
    comp: Vec<usize>,
}

/// Steps 1 to 4: adjacency, loops, ranks, components.
#[allow(clippy::too_many_lines)]
fn analyse(spec: &Spec) -> Graph {
    let n = spec.nodes.len();
    // ---- 1. flow adjacency (boundary events count as their host)
    let mut in_deg = vec![0usize; n];
    let mut pairs = Vec::with_capacity(spec.edges.len());
    for (i, e) in spec.edges.iter().enumerate() {
        if e.kind != EdgeKind::Flow {
            continue;
        }
        if let (Some(a), Some(b)) = (e.from.node(), e.to.node()) {
            if a != b && !spec.nodes[a].artifact && !spec.nodes[b].artifact {
                pairs.push((a, i));
                in_deg[b] += 1;
            }
        }
    }
    let mut out_e = Csr::from_pairs(n, &pairs);
    for v in 0..n {
        out_e[v].sort_by_key(|&e| match spec.edges[e].from {
            End::Sat(_, k) => k + 1,
            _ => 0,
        });
    }
    let flow_nodes: Vec<usize> = (0..n).filter(|&i| !spec.nodes[i].artifact).collect();
    // ---- 2. DFS from starts, marking back edges
    let mut seeds: Vec<usize> = flow_nodes
        .iter()
        .copied()
        .filter(|&v| spec.nodes[v].start && in_deg[v] == 0)
        .collect();
    seeds.extend(
        flow_nodes
            .iter()
            .copied()
            .filter(|&v| !spec.nodes[v].start && in_deg[v] == 0),
    );
    seeds.extend(flow_nodes.iter().copied().filter(|&v| spec.nodes[v].start));
    seeds.extend(flow_nodes.iter().copied());
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut back = vec![false; spec.edges.len()];
    let mut discovery: Vec<usize> = Vec::with_capacity(n);
    for &s in &seeds {
        if state[s] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        state[s] = 1;
        discovery.push(s);
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < out_e[v].len() {
                let e = out_e[v][*k];
                *k += 1;
                let Some(t) = spec.edges[e].to.node() else {
                    continue;
                };
                match state[t] {
                    0 => {
                        state[t] = 1;
                        discovery.push(t);
                        stack.push((t, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // ---- 3. longest-path ranks over forward edges
    let mut rank = vec![0usize; n];
    let mut indeg = vec![0usize; n];
    for list in out_e.iter() {
        for &e in list {
            if !back[e] {
                if let Some(t) = spec.edges[e].to.node() {
                    indeg[t] += 1;
                }
            }
        }
    }
    let mut queue: Vec<usize> = discovery
        .iter()
        .copied()
        .filter(|&v| indeg[v] == 0)
        .collect();
    let mut topo = Vec::with_capacity(n);
    let mut qi = 0;
    while qi < queue.len() {
        let v = queue[qi];
        qi += 1;
        topo.push(v);
        for &e in &out_e[v] {
            if back[e] {
                continue;
            }
            if let Some(t) = spec.edges[e].to.node() {
                rank[t] = rank[t].max(rank[v] + 1);
                indeg[t] -= 1;
                if indeg[t] == 0 {
                    queue.push(t);
                }
            }
        }
    }
    // Pull nodes without forward predecessors (extra start events) next to their successor.
    let mut has_pred = vec![false; n];
    for list in out_e.iter() {
        for &e in list {
            if !back[e] {
                if let Some(t) = spec.edges[e].to.node() {
                    has_pred[t] = true;
                }
            }
        }
    }
    for &v in topo.iter().rev() {
        if has_pred[v] {
            continue;
        }
        let min_succ = out_e[v]
            .iter()
            .filter(|&&e| !back[e])
            .filter_map(|&e| spec.edges[e].to.node())
            .map(|t| rank[t])
            .min();
        if let Some(m) = min_succ {
            if m > rank[v] + 1 {
                rank[v] = m - 1;
            }
        }
    }
    // ---- 4. components (union-find over all flows and artifact links)
    let mut uf: Vec<usize> = (0..n).collect();
    fn find(uf: &mut [usize], mut x: usize) -> usize {
        while uf[x] != x {
            uf[x] = uf[uf[x]];
            x = uf[x];
        }
        x
    }
    for e in &spec.edges {
        if e.kind == EdgeKind::Message {
            continue;
        }
        if let (Some(a), Some(b)) = (e.from.node(), e.to.node()) {
            let (ra, rb) = (find(&mut uf, a), find(&mut uf, b));
            if ra != rb {
                uf[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    for v in 0..n {
        if let Some(a) = spec.nodes[v].artifact_of {
            let (ra, rb) = (find(&mut uf, a), find(&mut uf, v));
            if ra != rb {
                uf[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    // components numbered in order of first discovery (by root: no map needed)
    let mut comp_of_root = vec![usize::MAX; n];
    let mut ncomp = 0;
    let mut comp = vec![0usize; n];
    for v in discovery.iter().copied().chain(0..n) {
        let r = find(&mut uf, v);
        if comp_of_root[r] == usize::MAX {
            comp_of_root[r] = ncomp;
            ncomp += 1;
        }
        comp[v] = comp_of_root[r];
    }
    Graph {
        out_e,
        back,
        discovery,
        rank,
        topo,
        comp,
    }
}

/// One complete layout and how good it is.
struct Built {
    out: Out,
    /// Crossings between sequence flows, and between all edges.
    score: (usize, usize),
    /// Edges with at least one crossing.
    crossing: Vec<usize>,
    /// Final order per rank (real nodes and dummies).
    layers: Vec<Vec<usize>>,
    /// (component, band) per vertex: swaps stay inside one.
    group: Vec<(usize, usize)>,
    /// Index entries the routing visited: what one more try of the local search costs.
    work: usize,
}

/// Steps 5 to 10 for given ranks and tweaks: crossing reduction, rows, coordinates,
/// routing.
#[allow(clippy::too_many_lines)]
fn build(spec: &Spec, g: &Graph, rank: &[usize], tweaks: &Tweaks) -> Built {
    let n = spec.nodes.len();
    let mut rank = rank.to_vec();
    let anchor_of = |v: usize| -> Option<usize> {
        tweaks
            .anchor
            .iter()
            .rev()
            .find(|t| t.0 == v)
            .map(|t| t.1)
            .or(spec.nodes[v].artifact_of)
    };
    let mut vband: Vec<usize> = spec.nodes.iter().map(|s| s.band).collect();
    // Artifacts take their anchor's rank and band.
    for v in 0..n {
        if let Some(a) = anchor_of(v) {
            rank[v] = rank[a];
            vband[v] = spec.nodes[a].band;
        }
    }
    let (back, comp, discovery) = (&g.back, &g.comp, &g.discovery);
    // ---- 5. vertices: real nodes + dummies; chains per forward flow
    let mut vrank: Vec<usize> = rank.clone();
    let mut vcomp: Vec<usize> = comp.to_vec();
    // (empty for edges that are not forward flows)
    let mut chains: Csr<usize> = Csr::with_capacity(spec.edges.len(), 2 * spec.edges.len());
    for (i, e) in spec.edges.iter().enumerate() {
        let ends = match (e.from.node(), e.to.node()) {
            (Some(a), Some(b))
                if e.kind == EdgeKind::Flow
                    && !back[i]
                    && a != b
                    && !spec.nodes[a].artifact
                    && !spec.nodes[b].artifact =>
            {
                Some((a, b))
            }
            _ => None,
        };
        let Some((a, b)) = ends else {
            chains.push_list([]);
            continue;
        };
        let first = vrank.len();
        for r in rank[a] + 1..rank[b] {
            vrank.push(r);
            vband.push(spec.nodes[a].band);
            vcomp.push(comp[a]);
        }
        let dummies = first..vrank.len();
        chains.push_list(std::iter::once(a).chain(dummies).chain(std::iter::once(b)));
    }
    let nv = vrank.len();
    let max_rank = vrank.iter().copied().max().unwrap_or(0);
    // preds/succs between adjacent layers, with a bias for boundary-event links
    let mut to_pred = Vec::with_capacity(chains.items.len());
    let mut to_succ = Vec::with_capacity(chains.items.len());
    for (i, chain) in chains.iter().enumerate() {
        for (k, w) in chain.windows(2).enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let bias = if let (0, End::Sat(_, s)) = (k, spec.edges[i].from) {
                // the rightmost boundary event's flow goes to the upper row: nested
                // L-shapes instead of crossing ones
                0.5 - 0.01 * s as f64
            } else {
                0.0
            };
            to_pred.push((w[1], (w[0], bias)));
            to_succ.push((w[0], (w[1], -bias)));
        }
    }
    let preds = Csr::from_pairs(nv, &to_pred);
    let succs = Csr::from_pairs(nv, &to_succ);
    // ---- 6. initial order: discovery order, dummies right after their source
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); max_rank + 1];
    let mut placed = vec![false; nv];
    let mut dummies_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for chain in chains.iter() {
        if chain.len() > 2 {
            dummies_of[chain[0]].extend_from_slice(&chain[1..chain.len() - 1]);
        }
    }
    for &v in discovery {
        if !placed[v] {
            placed[v] = true;
            layers[vrank[v]].push(v);
        }
        for &d in &dummies_of[v] {
            if !placed[d] {
                placed[d] = true;
                layers[vrank[d]].push(d);
            }
        }
    }
    let key_sort = |layer: &mut Vec<usize>, key: &[f64]| {
        layer.sort_by(|&a, &b| {
            (vcomp[a], vband[a])
                .cmp(&(vcomp[b], vband[b]))
                .then(key[a].total_cmp(&key[b]))
        });
    };
    let mut key = vec![0f64; nv];
    for layer in &mut layers {
        for (i, &v) in layer.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let k = i as f64;
            key[v] = k;
        }
        key_sort(layer, &key);
    }
    // ---- 7. crossing reduction: barycentre sweeps, keep the best
    let mut best = layers.clone();
    // crossings of `best` and of `layers`, counted only once a sweep changed something
    // (`None` while both are still the initial order)
    let mut best_cross: Option<usize> = None;
    let mut cur_cross: Option<usize> = None;
    let mut pos = vec![0f64; nv];
    // consecutive sweeps that changed no layer: a sweep depends only on the layers and
    // its direction, so once one in each direction changed nothing, every later one
    // would repeat them (a crossing-free chain usually stops after two)
    let mut unchanged = 0;
    for iter in 0..8 {
        let down = iter % 2 == 0;
        for layer in &layers {
            for (i, &v) in layer.iter().enumerate() {
                pos[v] = i as f64;
            }
        }
        let mut changed = false;
        for k in 0..max_rank {
            let r = if down { k + 1 } else { max_rank - 1 - k };
            let layer = &mut layers[r];
            for &v in layer.iter() {
                let adj = if down { &preds[v] } else { &succs[v] };
                let k = if adj.is_empty() {
                    pos[v]
                } else {
                    adj.iter().map(|&(u, b)| pos[u] + b).sum::<f64>() / adj.len() as f64
                };
                key[v] = k;
            }
            // a stable sort leaves a sorted layer as it is
            let sorted = layer.is_sorted_by(|&a, &b| {
                (vcomp[a], vband[a])
                    .cmp(&(vcomp[b], vband[b]))
                    .then(key[a].total_cmp(&key[b]))
                    .is_le()
            });
            if !sorted {
                changed = true;
                key_sort(layer, &key);
                for (i, &v) in layer.iter().enumerate() {
                    pos[v] = i as f64;
                }
            }
        }
        changed |= transpose(&mut layers, &preds, &succs, &vcomp, &vband, nv);
        // ties go to the later sweep: it has seen the boundary-event bias (an unchanged
        // sweep that ties is already the best)
        if changed {
            unchanged = 0;
            let c = crossings(&layers, &succs, nv);
            cur_cross = Some(c);
            let b = *best_cross.get_or_insert_with(|| crossings(&best, &succs, nv));
            if c <= b {
                best_cross = Some(c);
                best.clone_from(&layers);
            }
        } else {
            unchanged += 1;
            if let (Some(c), Some(b)) = (cur_cross, best_cross) {
                if c <= b {
                    best_cross = Some(c);
                }
            }
        }
        if unchanged == 2 {
            break;
        }
    }
    let mut layers = best;
    for &(a, b) in &tweaks.swaps {
        if a < nv && b < nv && vrank[a] == vrank[b] {
            let layer = &mut layers[vrank[a]];
            if let (Some(i), Some(j)) = (
                layer.iter().position(|&x| x == a),
                layer.iter().position(|&x| x == b),
            ) {
                layer.swap(i, j);
            }
        }
    }
    // ---- 8. rows: priority placement, components stacked
    let nb = spec.bands.len().max(1);
    let mut row = vec![0i64; nv];
    // components one after the other, each rank by rank in layer order (a component
    // without vertices in the layers, an unanchored artifact, takes no rows)
    let mut order: Vec<usize> = layers.iter().flatten().copied().collect();
    order.sort_by_key(|&v| vcomp[v]); // stable
    let mut base = vec![0i64; nb];
    let mut ps: Vec<i64> = Vec::new();
    let mut used_max = vec![-1i64; nb];
    let mut any = vec![false; nb];
    let mut last = vec![-1i64; nb];
    let mut i = 0;
    while i < order.len() {
        let c = vcomp[order[i]];
        used_max.fill(-1);
        any.fill(false);
        let mut layer_rank = usize::MAX;
        while let Some(&v) = order.get(i).filter(|&&v| vcomp[v] == c) {
            i += 1;
            if vrank[v] != layer_rank {
                layer_rank = vrank[v];
                last.fill(-1);
            }
            let b = vband[v].min(nb - 1);
            ps.clear();
            ps.extend(
                preds[v]
                    .iter()
                    .filter(|&&(u, _)| vband[u].min(nb - 1) == b)
                    .map(|&(u, bias)| row[u] - base[b] + i64::from(bias > 0.0)),
            );
            ps.sort_unstable();
            let desired = if ps.is_empty() {
                0
            } else {
                ps[(ps.len() - 1) / 2]
            };
            let r = desired.max(last[b] + 1);
            last[b] = r;
            row[v] = base[b] + r;
            used_max[b] = used_max[b].max(r);
            any[b] = true;
        }
        for b in 0..nb {
            if any[b] {
                base[b] += used_max[b] + 1;
            }
        }
    }
    // artifacts: nearest free cell in the anchor's column, above first
    let mut occupied: HashSet<(usize, usize, i64)> = HashSet::default();
    if spec.nodes.iter().any(|s| s.artifact) {
        for v in 0..nv {
            if v >= n || !spec.nodes[v].artifact {
                occupied.insert((vrank[v], vband[v].min(nb - 1), row[v]));
            }
        }
    }
    for v in 0..n {
        if !spec.nodes[v].artifact {
            continue;
        }
        let b = vband[v].min(nb - 1);
        let anchor = anchor_of(v);
        let (r, r0) = match anchor {
            Some(a) => (vrank[a], row[a]),
            None => (0, 0),
        };
        // above first, unless the search asked for below
        let (first, second) = if tweaks.below.contains(&v) {
            (1, -1)
        } else {
            (-1, 1)
        };
        let mut k = 1i64;
        let chosen = loop {
            if anchor.is_some() && !occupied.contains(&(r, b, r0 + first * k)) {
                break r0 + first * k;
            }
            if !occupied.contains(&(r, b, r0 + second * k)) {
                break r0 + second * k;
            }
            k += 1;
        };
        occupied.insert((r, b, chosen));
        vrank[v] = r;
        row[v] = chosen;
    }
    // ---- 9. coordinates
    let is_real = |v: usize| v < n;
    let mut hw = vec![10f64; max_rank + 1];
    for v in 0..n {
        hw[vrank[v]] = hw[vrank[v]].max(spec.nodes[v].half_w);
    }
    let mut cx_col = vec![0f64; max_rank + 1];
    let mut x = spec.left + GAP_X;
    for r in 0..=max_rank {
        cx_col[r] = x + hw[r];
        x += 2.0 * hw[r] + GAP_X;
    }
    let right = x;
    // rows per band
    let mut band_rows: Vec<Vec<i64>> = vec![Vec::new(); nb];
    for v in 0..nv {
        band_rows[vband[v].min(nb - 1)].push(row[v]);
    }
    let mut row_y: HashMap<(usize, i64), (f64, f64, f64)> = HashMap::default(); // (centre, up, down)
    let mut bands_out = Vec::with_capacity(nb);
    let mut y = 0.0;
    // per band ordered rows: (row id, centre, up, down)
    let mut band_row_list: Vec<Vec<(i64, f64, f64, f64)>> = vec![Vec::new(); nb];
    for b in 0..nb {
        let spec_b = spec.bands.get(b).copied().unwrap_or(BandSpec {
            min_height: 0.0,
            gap_before: 0.0,
        });
        if b > 0 {
            y += spec_b.gap_before;
        }
        let mut rows = band_rows[b].clone();
        rows.sort_unstable();
        rows.dedup();
        let mut ext: HashMap<i64, (f64, f64)> = rows.iter().map(|&r| (r, (8.0, 8.0))).collect();
        for v in 0..nv {
            if vband[v].min(nb - 1) != b || !is_real(v) {
                continue;
            }
            let s = &spec.nodes[v];
            if let Some(e) = ext.get_mut(&row[v]) {
                e.0 = e.0.max(s.h / 2.0);
                e.1 = e.1.max(s.h / 2.0 + s.below);
            }
        }
        let mut content = 0.0;
        let mut centres = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let (up, down) = ext[r];
            if i > 0 {
                content += GAP_Y;
            }
            centres.push(content + up);
            content += up + down;
        }
        let inner = if rows.is_empty() {
            0.0
        } else {
            content + 2.0 * PAD_Y
        };
        let height = inner.max(spec_b.min_height);
        let offset = y + (height - inner) / 2.0 + if rows.is_empty() { 0.0 } else { PAD_Y };
        for (i, r) in rows.iter().enumerate() {
            let (up, down) = ext[r];
            let c = offset + centres[i];
            row_y.insert((b, *r), (c, up, down));
            band_row_list[b].push((*r, c, up, down));
        }
        bands_out.push((y, height));
        y += height;
    }
    let total_h = y;
    let mut nodes_out = Vec::with_capacity(n);
    let mut sats_out = Vec::with_capacity(n);
    // row centre y per vertex
    let vy: Vec<f64> = (0..nv)
        .map(|v| {
            row_y
                .get(&(vband[v].min(nb - 1), row[v]))
                .map_or(0.0, |t| t.0)
        })
        .collect();
    let cell_y = |v: usize| -> f64 { vy[v] };
    for v in 0..n {
        let s = &spec.nodes[v];
        let cx = cx_col[vrank[v]];
        let cy = cell_y(v);
        let bounds = Bounds {
            x: cx - s.w / 2.0,
            y: cy - s.h / 2.0,
            width: s.w,
            height: s.h,
        };
        let mirror = tweaks.mirror.contains(&v);
        sats_out.push(
            s.sats
                .iter()
                .map(|&dx| if mirror { s.w - dx } else { dx })
                .map(|dx| Bounds {
                    x: bounds.x + dx - SAT / 2.0,
                    y: bounds.bottom() - SAT / 2.0,
                    width: SAT,
                    height: SAT,
                })
                .collect(),
        );
        nodes_out.push(bounds);
    }
    // ---- 10. routing
    let mut router = Router {
        spec,
        nodes: &nodes_out,
        sats: &sats_out,
        bands: &bands_out,
        vrank: &vrank,
        vband: &vband,
        row: &row,
        vy: &vy,
        band_rows: &band_row_list,
        cx_col: &cx_col,
        hw: &hw,
        nb,
        obstacles: Vec::new(),
        obstacle_index: CellIndex::new(pt(0.0, 0.0), pt(0.0, 0.0), 0),
        all: Vec::new(),
        par: Vec::new(),
        seg_index: CellIndex::new(pt(0.0, 0.0), pt(0.0, 0.0), 0),
        tracks: HashMap::default(),
        ends: spec.edges.iter().map(|e| (e.from, e.to)).collect(),
        dummies: Vec::new(),
        released: vec![false; spec.edges.len()],
    };
    router.build_obstacles(&chains);
    let mut edges_out = vec![Vec::new(); spec.edges.len()];
    // Forward flows first (in order), then message flows, loops and associations: later
    // edges pick the route with the fewest crossings against what is already placed.
    let mut known_zero = true;
    let mut messages = Vec::new();
    for pass in 0..4 {
        for (i, e) in spec.edges.iter().enumerate() {
            let p = match e.kind {
                EdgeKind::Flow if !chains[i].is_empty() => 0,
                EdgeKind::Message => 1,
                EdgeKind::Flow => 2,
                EdgeKind::Assoc => 3,
            };
            if p != pass {
                continue;
            }
            if p == 1 {
                messages.push(i);
            }
            let (pts, count) = router.route_counted(i, &chains[i]);
            known_zero &= count == Some(0);
            router.register(i, &pts);
            edges_out[i] = pts;
        }
    }
    // Rip up and reroute: an edge that crosses others is routed again with every other
    // edge in place (the first pass saw only the edges before it), and keeps the new route
    // when it crosses less.
    // every edge crossed none placed before it: no crossings at all, nothing to count
    let (mut score, mut crossing) = if known_zero {
        ((0, 0), Vec::new())
    } else {
        router.score(&edges_out)
    };
    for _ in 0..2 {
        let mut changed = false;
        for &i in &crossing {
            let old = router.crossings_with_placed(i, &edges_out[i]);
            if old == 0 {
                continue;
            }
            router.unregister(i);
            // other routes may run through its dummy cells now: a new route must keep
            // clear of them
            let released = std::mem::take(&mut router.released[i]);
            let pts = router.route(i, &chains[i]);
            if pts.len() >= 2
                && router.crossings_with_placed(i, &pts) < old
                && (!released || router.clear(i, &pts))
            {
                edges_out[i] = pts;
                changed = true;
            }
            router.register(i, &edges_out[i]);
        }
        if !changed {
            break;
        }
        (score, crossing) = router.score(&edges_out);
    }
    let mut width = right;
    let mut height = total_h;
    for pts in &edges_out {
        for p in pts {
            width = width.max(p.x);
            height = height.max(p.y);
        }
    }
    let detours = messages
        .iter()
        .filter(|&&i| router.detour(i, &edges_out[i]))
        .count();
    let group = (0..nv).map(|v| (vcomp[v], vband[v])).collect();
    let work = router.seg_index.visits.get() + router.obstacle_index.visits.get();
    Built {
        work,
        out: Out {
            nodes: nodes_out,
            sats: sats_out,
            edges: edges_out,
            bands: bands_out,
            width,
            height,
            score,
            detours,
        },
        score,
        crossing,
        layers,
        group,
    }
}

/// Work budget of the local search, in node visits (evaluations × nodes): small diagrams
/// get many tries, big ones few.
const SEARCH_WORK: usize = 20_000;
/// The same in index entries visited by routing (see [`Built::work`]): a diagram whose
/// edges crowd each other (many pools joined by message flows) costs far more per try
/// than its node count says.
/// (About 0.2 s; the MIWG reference models and the samples need at most 65K per try, so
/// their budget is set by the node count alone.)
const SEARCH_ROUTING_WORK: usize = 16_000_000;
/// Most layouts the local search tries.
const MAX_TRIES: usize = 200;

/// Weighted crossings: a crossing of two sequence flows counts more than one involving
/// a message flow or an association.
fn cost(score: (usize, usize)) -> usize {
    3 * score.0 + score.1
}

/// Choices the local search makes on top of the layered layout.
#[derive(Clone, Default)]
struct Tweaks {
    /// Node pairs whose places in their layer are exchanged after crossing reduction.
    swaps: Vec<(usize, usize)>,
    /// Hosts whose boundary events are placed in mirrored order.
    mirror: Vec<usize>,
    /// Artifacts placed next to another of the nodes they are linked with: (artifact,
    /// node).
    anchor: Vec<(usize, usize)>,
    /// Artifacts placed below their node rather than above.
    below: Vec<usize>,
}

/// One move of the local search.
enum Move {
    Mirror(usize),
    Below(usize),
    Anchor(usize, usize),
    Swap(usize, usize),
    Shift(usize, usize),
}

/// Local search on the routed result: while edges cross, try moves at the ends of
/// crossing edges, cheapest first: put an artifact below its node or next to another node
/// it is linked with, mirror a node's boundary events, swap a node with a neighbour in
/// its layer, move a node one to four ranks to the right (with what follows it). Each try
/// is laid out and routed in full; of one round of moves the one that lowers the real
/// crossings of the routes most is kept (the first without any crossing ends the round),
/// and the next round starts from there. Lanes, bands and the rules of the grid stay
/// as they are, so every try is a valid layout.
fn improve(spec: &Spec, g: &Graph, mut best: Built) -> Built {
    let n = spec.nodes.len();
    let mut budget = (SEARCH_WORK / n.max(1))
        .min(SEARCH_ROUTING_WORK / best.work.max(1))
        .min(MAX_TRIES);
    let mut rank = g.rank.clone();
    let mut tweaks = Tweaks::default();
    // the nodes each artifact is linked with
    let mut linked: HashMap<usize, Vec<usize>> = HashMap::default();
    for e in &spec.edges {
        if e.kind != EdgeKind::Assoc {
            continue;
        }
        if let (Some(a), Some(b)) = (e.from.node(), e.to.node()) {
            for (x, y) in [(a, b), (b, a)] {
                if spec.nodes[x].artifact && !spec.nodes[y].artifact {
                    linked.entry(x).or_default().push(y);
                }
            }
        }
    }
    while best.score.1 > 0 && budget > 0 {
        // nodes at the ends of crossing edges
        let mut ends: Vec<usize> = Vec::new();
        let mut artifacts: Vec<usize> = Vec::new();
        for &e in &best.crossing {
            let edge = &spec.edges[e];
            for end in [edge.to, edge.from] {
                if let Some(v) = end.node() {
                    let list = if spec.nodes[v].artifact {
                        &mut artifacts
                    } else {
                        &mut ends
                    };
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
            }
        }
        let mut moves = Vec::new();
        for &v in &artifacts {
            moves.push(Move::Below(v));
            for &u in linked.get(&v).into_iter().flatten() {
                if Some(u) != spec.nodes[v].artifact_of {
                    moves.push(Move::Anchor(v, u));
                }
            }
        }
        for &v in &ends {
            if spec.nodes[v].sats.len() > 1 {
                moves.push(Move::Mirror(v));
            }
        }
        for &v in &ends {
            let layer = &best.layers[rank[v]];
            if let Some(i) = layer.iter().position(|&x| x == v) {
                for j in [i.wrapping_sub(1), i + 1] {
                    if let Some(&u) = layer.get(j) {
                        if u < n && best.group[u] == best.group[v] {
                            moves.push(Move::Swap(v, u));
                        }
                    }
                }
            }
        }
        for d in 1..=4 {
            for &v in &ends {
                moves.push(Move::Shift(v, d));
            }
        }
        let mut found: Option<(Built, Vec<usize>, Tweaks)> = None;
        for mv in moves {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let mut r = rank.clone();
            let mut t = tweaks.clone();
            match mv {
                Move::Mirror(v) => {
                    if let Some(k) = t.mirror.iter().position(|&x| x == v) {
                        t.mirror.remove(k);
                    } else {
                        t.mirror.push(v);
                    }
                }
                Move::Below(v) => {
                    if let Some(k) = t.below.iter().position(|&x| x == v) {
                        t.below.remove(k);
                    } else {
                        t.below.push(v);
                    }
                }
                Move::Anchor(v, u) => t.anchor.push((v, u)),
                Move::Swap(v, u) => t.swaps.push((v, u)),
                Move::Shift(v, d) => r = push_right(spec, g, &rank, v, d),
            }
            let b = build(spec, g, &r, &t);
            let bar = found.as_ref().map_or(cost(best.score), |f| cost(f.0.score));
            if cost(b.score) < bar {
                let zero = b.score.1 == 0;
                found = Some((b, r, t));
                if zero {
                    break;
                }
            }
        }
        match found {
            Some((b, r, t)) => {
                best = b;
                rank = r;
                tweaks = t;
            }
            None => break,
        }
    }
    best
}

/// Ranks with node `v` moved `d` ranks to the right and its successors pushed along.
fn push_right(spec: &Spec, g: &Graph, rank: &[usize], v: usize, d: usize) -> Vec<usize> {
    let mut r = rank.to_vec();
    r[v] += d;
    for &u in &g.topo {
        for &e in &g.out_e[u] {
            if g.back[e] {
                continue;
            }
            if let Some(t) = spec.edges[e].to.node() {
                if r[t] <= r[u] {
                    r[t] = r[u] + 1;
                }
            }
        }
    }
    r
}

/// Swaps neighbours of one component and band while that removes crossings with the
/// layers on both sides (the transposition step of layered crossing reduction). Says
/// whether it swapped any.
fn transpose(
    layers: &mut [Vec<usize>],
    preds: &Csr<(usize, f64)>,
    succs: &Csr<(usize, f64)>,
    vcomp: &[usize],
    vband: &[usize],
    nv: usize,
) -> bool {
    let mut pos = vec![0usize; nv];
    for layer in layers.iter() {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    // crossings among the edges of u and v (u left of v) to one side
    let pair = |u: usize, v: usize, pos: &[usize]| -> usize {
        let mut c = 0;
        for adj in [preds, succs] {
            for &(a, _) in &adj[u] {
                for &(b, _) in &adj[v] {
                    c += usize::from(pos[a] > pos[b]);
                }
            }
        }
        c
    };
    let mut any = false;
    for _ in 0..6 {
        let mut improved = false;
        for layer in layers.iter_mut() {
            for i in 0..layer.len().saturating_sub(1) {
                let (u, v) = (layer[i], layer[i + 1]);
                if (vcomp[u], vband[u]) != (vcomp[v], vband[v]) {
                    continue;
                }
                if pair(v, u, &pos) < pair(u, v, &pos) {
                    layer.swap(i, i + 1);
                    pos[u] = i + 1;
                    pos[v] = i;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
        any = true;
    }
    any
}

/// Number of crossings between adjacent layers (inversion count per layer pair).
fn crossings(layers: &[Vec<usize>], succs: &Csr<(usize, f64)>, nv: usize) -> usize {
    let mut pos = vec![0usize; nv];
    for layer in layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    let mut total = 0;
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut tree: Vec<usize> = Vec::new();
    for r in 0..layers.len().saturating_sub(1) {
        pairs.clear();
        for &v in &layers[r] {
            for &(t, _) in &succs[v] {
                pairs.push((pos[v], pos[t]));
            }
        }
        pairs.sort_unstable();
        // inversions of the second coordinate, by a Fenwick tree
        let m = layers[r + 1].len() + 1;
        tree.clear();
        tree.resize(m + 1, 0);
        for (seen, &(_, b)) in pairs.iter().enumerate() {
            // count earlier entries with second coordinate > b
            let mut i = b + 1;
            let mut le = 0;
            while i > 0 {
                le += tree[i];
                i &= i - 1;
            }
            total += seen - le;
            let mut i = b + 1;
            while i <= m {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// Drops repeated and collinear middle points (in place).
fn simplify(mut pts: Vec<Point>) -> Vec<Point> {
    let mut len = 0;
    for i in 0..pts.len() {
        let p = pts[i];
        if len > 0 {
            let last = pts[len - 1];
            if (last.x - p.x).abs() < 0.01 && (last.y - p.y).abs() < 0.01 {
                continue;
            }
        }
        if len >= 2 {
            let a = pts[len - 2];
            let b = pts[len - 1];
            let col_x = (a.x - b.x).abs() < 0.01 && (b.x - p.x).abs() < 0.01;
            let col_y = (a.y - b.y).abs() < 0.01 && (b.y - p.y).abs() < 0.01;
            if col_x || col_y {
                len -= 1;
            }
        }
        pts[len] = p;
        len += 1;
    }
    pts.truncate(len);
    pts
}

fn pt(x: f64, y: f64) -> Point {
    Point { x, y }
}

struct Router<'a> {
    spec: &'a Spec,
    nodes: &'a [Bounds],
    sats: &'a [Vec<Bounds>],
    bands: &'a [(f64, f64)],
    vrank: &'a [usize],
    vband: &'a [usize],
    row: &'a [i64],
    /// Row centre y per vertex.
    vy: &'a [f64],
    band_rows: &'a [Vec<(i64, f64, f64, f64)>],
    cx_col: &'a [f64],
    hw: &'a [f64],
    nb: usize,
    obstacles: Vec<Obstacle>,
    /// Indices into `obstacles` by cell.
    obstacle_index: CellIndex,
    /// Every placed segment with its edge (`GONE` once removed), for counting crossings
    /// of candidates.
    all: Vec<(Point, Point, usize)>,
    /// Per entry of `all`: (direction, coordinate, low end, high end) of an axis-parallel
    /// segment, for refusing collinear overlaps.
    par: Vec<Option<(Dir, f64, f64, f64)>>,
    /// Indices into `all` by cell.
    seg_index: CellIndex,
    tracks: HashMap<(u8, i64), usize>,
    ends: Vec<(End, End)>,
    /// Per edge: its dummy cells, a range of `obstacles`.
    dummies: Vec<std::ops::Range<usize>>,
    /// Per edge: whether its route keeps out of its dummy cells, which then block no
    /// other edge (see [`Router::release`]).
    released: Vec<bool>,
}

impl Router<'_> {
    fn build_obstacles(&mut self, chains: &Csr<usize>) {
        self.dummies.reserve(chains.start.len().saturating_sub(1));
        for (i, chain) in chains.iter().enumerate() {
            let first = self.obstacles.len();
            for &d in chain.iter().skip(1).take(chain.len().saturating_sub(2)) {
                let r = self.vrank[d];
                let y = self.ry(d);
                self.obstacles.push(Obstacle {
                    rect: Bounds {
                        x: self.cx_col[r] - self.hw[r],
                        y: y - 1.0,
                        width: 2.0 * self.hw[r],
                        height: 2.0,
                    },
                    owner: Some(i),
                    node: usize::MAX,
                    part: None,
                });
            }
            self.dummies.push(first..self.obstacles.len());
        }
        for (v, b) in self.nodes.iter().enumerate() {
            self.obstacles.push(Obstacle {
                rect: *b,
                owner: None,
                node: v,
                part: None,
            });
            for (k, s) in self.sats[v].iter().enumerate() {
                self.obstacles.push(Obstacle {
                    rect: *s,
                    owner: None,
                    node: v,
                    part: Some(k),
                });
            }
            let lh = self.spec.nodes[v].label_h;
            if lh > 0.0 {
                let w = (2.0 * self.spec.nodes[v].half_w).min(90.0).max(b.width);
                self.obstacles.push(Obstacle {
                    rect: Bounds {
                        x: b.center().x - w / 2.0,
                        y: b.bottom() + 4.0,
                        width: w,
                        height: lh,
                    },
                    owner: None,
                    node: v,
                    part: Some(LABEL),
                });
            }
        }
        // the grids span the obstacles (edges beyond them go to the border cells)
        let (mut lo, mut hi) = (pt(0.0, 0.0), pt(0.0, 0.0));
        for o in &self.obstacles {
            lo = pt(lo.x.min(o.rect.x), lo.y.min(o.rect.y));
            hi = pt(hi.x.max(o.rect.right()), hi.y.max(o.rect.bottom()));
        }
        let mut index = CellIndex::new(lo, hi, self.obstacles.len());
        for (i, o) in self.obstacles.iter().enumerate() {
            index.insert(
                pt(o.rect.x, o.rect.y),
                pt(o.rect.right(), o.rect.bottom()),
                i,
            );
        }
        self.obstacle_index = index;
        self.seg_index = CellIndex::new(lo, hi, 4 * self.spec.edges.len());
    }

    fn band(&self, v: usize) -> usize {
        self.vband[v].min(self.nb - 1)
    }

    /// Row centre y of a vertex.
    fn ry(&self, v: usize) -> f64 {
        self.vy[v]
    }

    /// The free channel below a vertex's row: (y centre, half height).
    fn channel_below(&self, v: usize) -> (f64, f64) {
        let b = self.band(v);
        let list = &self.band_rows[b];
        let i = list.iter().position(|r| r.0 == self.row[v]).unwrap_or(0);
        let Some(&(_, c, _, down)) = list.get(i) else {
            return (self.bands[b].0 + self.bands[b].1, 0.0);
        };
        let top = c + down;
        let bottom = match list.get(i + 1) {
            Some(&(_, c2, up2, _)) => c2 - up2,
            None => self.bands[b].0 + self.bands[b].1,
        };
        ((top + bottom) / 2.0, (bottom - top) / 2.0)
    }

    /// The free channel above a vertex's row.
    fn channel_above(&self, v: usize) -> (f64, f64) {
        let b = self.band(v);
        let list = &self.band_rows[b];
        let i = list.iter().position(|r| r.0 == self.row[v]).unwrap_or(0);
        let Some(&(_, c, up, _)) = list.get(i) else {
            return (self.bands[b].0, 0.0);
        };
        let bottom = c - up;
        let top = if i == 0 {
            self.bands[b].0
        } else {
            let (_, c0, _, d0) = list[i - 1];
            c0 + d0
        };
        ((top + bottom) / 2.0, (bottom - top) / 2.0)
    }

    /// The vertical tracks a route may run along over the columns `cols`, as (x, offset):
    /// each column's centre and the channels either side of it, each at the channel's
    /// middle and one track to either side.
    fn tracks(
        &self,
        cols: std::ops::RangeInclusive<usize>,
    ) -> impl Iterator<Item = (f64, f64)> + '_ {
        cols.flat_map(move |r| {
            [
                self.cx_col[r],
                self.gap_x(Some(r)),
                self.gap_x(r.checked_sub(1)),
            ]
        })
        .flat_map(|x| [0.0, TRACK, -TRACK].map(move |k| (x, k)))
    }

    /// x of the vertical channel right of column `r` (`None` = left of column 0).
    fn gap_x(&self, r: Option<usize>) -> f64 {
        match r {
            Some(r) => self.cx_col[r] + self.hw[r] + GAP_X / 2.0,
            None => self.cx_col.first().map_or(0.0, |c| c - self.hw[0]) - GAP_X / 2.0,
        }
    }

    fn track(&mut self, kind: u8, at: f64, half: f64) -> f64 {
        #[allow(clippy::cast_possible_truncation)]
        let key = (kind, (at * 4.0).round() as i64);
        let k = self.tracks.entry(key).or_insert(0);
        let i = *k;
        *k += 1;
        #[allow(clippy::cast_precision_loss)]
        let step = i.div_ceil(2) as f64 * TRACK;
        let off = if i % 2 == 1 { step } else { -step };
        let limit = (half - 3.0).max(0.0);
        let off = if off.abs() > limit {
            // wrap around inside the channel
            #[allow(clippy::cast_precision_loss)]
            let slots = ((2.0 * limit / TRACK).floor() as usize).max(1);
            #[allow(clippy::cast_precision_loss)]
            let s = (i % slots) as f64;
            -limit + s * TRACK
        } else {
            off
        };
        at + off
    }

    fn vgap(&mut self, r: Option<usize>) -> f64 {
        let x = self.gap_x(r);
        self.track(0, x, GAP_X / 2.0)
    }

    fn hgap(&mut self, ch: (f64, f64)) -> f64 {
        self.track(1, ch.0, ch.1)
    }

    fn shape_of(&self, e: End) -> Option<Bounds> {
        match e {
            End::Node(v) => Some(self.nodes[v]),
            End::Sat(v, k) => self.sats[v].get(k).copied(),
            End::Band(b) => self.bands.get(b).map(|&(y, h)| Bounds {
                x: 0.0,
                y,
                width: 0.0,
                height: h,
            }),
        }
    }

    /// Whether a polyline is free of obstacles (except the edge's own ends) and of
    /// collinear overlaps with other edges.
    fn clear(&self, edge: usize, pts: &[Point]) -> bool {
        let (from, to) = self.ends[edge];
        for w in pts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let free = self.obstacle_index.each(a, b, |i| {
                let o = &self.obstacles[i];
                if let Some(owner) = o.owner {
                    if owner == edge || self.released[owner] {
                        return true;
                    }
                }
                let own = |e: End| match (e, o.part) {
                    (End::Node(v), None | Some(LABEL)) => v == o.node,
                    (End::Sat(v, k), Some(p)) => v == o.node && (p == k || p == LABEL),
                    _ => false,
                };
                own(from) || own(to) || !seg_hits(a, b, &o.rect)
            });
            if !free {
                return false;
            }
            let (dir, at, lo, hi) = if (a.y - b.y).abs() < 0.01 {
                (Dir::H, a.y, a.x.min(b.x), a.x.max(b.x))
            } else {
                (Dir::V, a.x, a.y.min(b.y), a.y.max(b.y))
            };
            // placed segments of the same direction closer than `MIN_SEP`
            let (qa, qb) = match dir {
                Dir::H => (pt(lo, at - MIN_SEP), pt(hi, at + MIN_SEP)),
                Dir::V => (pt(at - MIN_SEP, lo), pt(at + MIN_SEP, hi)),
            };
            let free = self.seg_index.each(qa, qb, |k| {
                let Some((s_dir, s_at, s_lo, s_hi)) = self.par[k] else {
                    return true;
                };
                let e2 = self.all[k].2;
                if e2 == GONE
                    || s_dir != dir
                    || (s_at - at).abs() >= MIN_SEP
                    || s_lo >= hi - 1.0
                    || lo >= s_hi - 1.0
                {
                    return true;
                }
                let (f2, t2) = self.ends[e2];
                let share = |x: End, y: End| x.node().is_some() && x == y;
                share(from, f2) || share(to, t2) || share(from, t2) || share(to, f2)
            });
            if !free {
                return false;
            }
        }
        true
    }

    /// Crossings of a candidate for edge `skip` with the edges placed so far, weighted
    /// as [`cost`] weighs them: a crossing of two sequence flows counts 3, any other 1
    /// (so a route would rather cross a message flow than a sequence flow).
    fn crossings_with_placed(&self, skip: usize, pts: &[Point]) -> usize {
        let flow = |e: usize| self.spec.edges[e].kind == EdgeKind::Flow;
        let mut n = 0;
        for w in pts.windows(2) {
            let (a, b) = (w[0], w[1]);
            self.seg_index.each(a, b, |i| {
                let (c, d, e) = self.all[i];
                if e != GONE && e != skip && super::metrics::cross(a, b, c, d) {
                    n += if flow(e) && flow(skip) { 3 } else { 1 };
                }
                true
            });
        }
        n
    }

    /// The clear candidate with the fewest crossings, then the fewest bends (earlier ones
    /// win ties).
    fn best(&self, edge: usize, cands: Vec<Vec<Point>>) -> Option<Vec<Point>> {
        self.best_scored(edge, cands).map(|(_, c)| c)
    }

    /// [`Router::best`] with its (weighted) crossings.
    fn best_scored(&self, edge: usize, cands: Vec<Vec<Point>>) -> Option<(usize, Vec<Point>)> {
        let mut best: Option<((usize, usize), Vec<Point>)> = None;
        for c in cands {
            let k = (self.crossings_with_placed(edge, &c), c.len());
            if best.as_ref().is_some_and(|(b, _)| k >= *b) {
                continue;
            }
            if !self.clear(edge, &c) {
                continue;
            }
            best = Some((k, c));
        }
        best.map(|((k, _), c)| (k, c))
    }

    /// Crossings between placed edges, (sequence flows only, all), and the edges that
    /// cross any other.
    fn score(&self, edges: &[Vec<Point>]) -> ((usize, usize), Vec<usize>) {
        let (mut flows, mut all) = (0, 0);
        let mut crossing = vec![false; edges.len()];
        for (i, pts) in edges.iter().enumerate() {
            for w in pts.windows(2) {
                let (a, b) = (w[0], w[1]);
                self.seg_index.each(a, b, |k| {
                    let (c, d, j) = self.all[k];
                    // each pair once, from its lower edge
                    if j == GONE || j <= i || !super::metrics::cross(a, b, c, d) {
                        return true;
                    }
                    all += 1;
                    let flow = |e: usize| self.spec.edges[e].kind == EdgeKind::Flow;
                    if flow(i) && flow(j) {
                        flows += 1;
                    }
                    crossing[i] = true;
                    crossing[j] = true;
                    true
                });
            }
        }
        let crossing = (0..edges.len()).filter(|&i| crossing[i]).collect();
        ((flows, all), crossing)
    }

    /// Removes an edge's segments (to route it again with everything else in place).
    fn unregister(&mut self, edge: usize) {
        for s in &mut self.all {
            if s.2 == edge {
                s.2 = GONE;
            }
        }
    }

    /// Places an edge's route, and frees its dummy cells for other routes when the route
    /// keeps out of them (a preferred shape, or a row change out of the way).
    #[inline]
    fn register(&mut self, edge: usize, pts: &[Point]) {
        if let Some(cells) = self.dummies.get(edge).filter(|c| !c.is_empty()) {
            let cells = &self.obstacles[cells.clone()];
            self.released[edge] = !pts
                .windows(2)
                .any(|w| cells.iter().any(|o| seg_hits(w[0], w[1], &o.rect)));
        }
        for w in pts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let k = self.all.len();
            self.seg_index.insert(a, b, k);
            self.all.push((a, b, edge));
            self.par.push(if (a.y - b.y).abs() < 0.01 {
                Some((Dir::H, a.y, a.x.min(b.x), a.x.max(b.x)))
            } else if (a.x - b.x).abs() < 0.01 {
                Some((Dir::V, a.x, a.y.min(b.y), a.y.max(b.y)))
            } else {
                None
            });
        }
    }

    /// Routes one edge (not yet registered).
    fn route(&mut self, edge: usize, chain: &[usize]) -> Vec<Point> {
        self.route_counted(edge, chain).0
    }

    /// Routes one edge (not yet registered), with its crossings with the edges placed
    /// so far when the routing counted them on exactly these points.
    fn route_counted(&mut self, edge: usize, chain: &[usize]) -> (Vec<Point>, Option<usize>) {
        let (pts, count) = match self.spec.edges[edge].kind {
            EdgeKind::Flow if !chain.is_empty() => {
                let (pts, c) = self.forward(edge, chain);
                (pts, Some(c))
            }
            EdgeKind::Flow => (self.backward(edge), None),
            EdgeKind::Message => (self.message(edge), None),
            EdgeKind::Assoc => (self.assoc(edge), None),
        };
        let n = pts.len();
        let pts = simplify(pts);
        // (merging collinear segments can turn a touch at their joint into a crossing)
        let count = count.filter(|_| pts.len() == n);
        (pts, count)
    }

    /// Where an edge leaves its source to the right: points so far, current y.
    fn exit_right(&mut self, from: End) -> (Vec<Point>, f64) {
        match from {
            End::Sat(v, k) => {
                let s = self.sats[v].get(k).copied().unwrap_or(self.nodes[v]);
                let ch = self.channel_below(v);
                let y = self.hgap(ch);
                let start = pt(s.center().x, s.bottom());
                (vec![start, pt(start.x, y)], y)
            }
            _ => {
                let b = self.shape_of(from).unwrap_or_default();
                let y = b.center().y;
                (vec![pt(b.right(), y)], y)
            }
        }
    }

    /// A forward flow along its chain, with its crossings with the placed edges.
    fn forward(&mut self, edge: usize, chain: &[usize]) -> (Vec<Point>, usize) {
        let (from, to) = self.ends[edge];
        let src = chain[0];
        let tgt = chain[chain.len() - 1];
        let tb = self.nodes[tgt];
        let sb = self.nodes[src];
        // Preferred shapes first.
        let mut cands: Vec<Vec<Point>> = Vec::with_capacity(2);
        let y1 = self.ry(chain[1]);
        // the rest of the chain must stay on one row to be a candidate without tracks;
        // then it ends at the target's left side
        let straight_rest = |this: &Self, start_idx: usize, y: f64| -> Option<Point> {
            for &v in &chain[start_idx..] {
                if (this.ry(v) - y).abs() > 0.01 {
                    return None;
                }
            }
            Some(pt(this.nodes[tgt].x, y))
        };
        if let End::Sat(v, k) = from {
            if let Some(s) = self.sats[v].get(k).copied() {
                if y1 > s.bottom() {
                    if let Some(end) = straight_rest(self, 1, y1) {
                        cands.push(vec![
                            pt(s.center().x, s.bottom()),
                            pt(s.center().x, y1),
                            end,
                        ]);
                    }
                }
            }
        } else {
            let sy = sb.center().y;
            if (y1 - sy).abs() < 0.01 {
                if let Some(end) = straight_rest(self, 1, sy) {
                    cands.push(vec![pt(sb.right(), sy), end]);
                }
            } else if self.spec.nodes[src].gateway {
                if let Some(end) = straight_rest(self, 1, y1) {
                    let sx = sb.center().x;
                    let sy0 = if y1 > sy { sb.bottom() } else { sb.y };
                    cands.push(vec![pt(sx, sy0), pt(sx, y1), end]);
                }
            }
            // join into a gateway from above/below: straight along the source row
            if self.spec.nodes[tgt].gateway && (tb.center().y - sy).abs() > 0.01 {
                let all_same = chain[..chain.len() - 1]
                    .iter()
                    .all(|&v| (self.ry(v) - sy).abs() < 0.01);
                if all_same {
                    let ty = if sy < tb.center().y {
                        tb.y
                    } else {
                        tb.bottom()
                    };
                    cands.push(vec![
                        pt(sb.right(), sy),
                        pt(tb.center().x, sy),
                        pt(tb.center().x, ty),
                    ]);
                }
            }
        }
        let preferred = cands.into_iter().find(|c| self.clear(edge, c));
        let pc = preferred
            .as_ref()
            .map(|c| self.crossings_with_placed(edge, c));
        let preferred = match (preferred, pc) {
            (Some(p), Some(0)) => return (p, 0),
            (p, _) => p,
        };
        // Guaranteed route: own cells at row height, row changes in column gaps.
        let (mut pts, mut cur_y) = self.exit_right(from);
        let sat = matches!(from, End::Sat(..));
        for (i, w) in chain.windows(2).enumerate() {
            let ny = self.ry(w[1]);
            if (ny - cur_y).abs() > 0.01 || (sat && i == 0) {
                let gx = self.vgap(Some(self.vrank[w[0]]));
                pts.push(pt(gx, cur_y));
                pts.push(pt(gx, ny));
                cur_y = ny;
            }
        }
        pts.push(pt(tb.x, cur_y));
        let gc = self.crossings_with_placed(edge, &pts);
        let mut best = match (preferred, pc) {
            (Some(p), Some(c)) if c <= gc => (c, p),
            _ => (gc, pts),
        };
        if best.0 == 0 {
            return (best.1, 0);
        }
        // Crossing-free alternatives for a change of row: the row change in another
        // column gap, out of the source's top or bottom, or into the target's.
        for c in self.row_change_routes(from, to, src, tgt) {
            if best.0 == 0 {
                break;
            }
            let k = self.crossings_with_placed(edge, &c);
            if k < best.0 && self.clear(edge, &c) {
                best = (k, c);
            }
        }
        (best.1, best.0)
    }

    /// Alternative routes of a forward flow between different rows, simplest first.
    fn row_change_routes(&self, from: End, to: End, src: usize, tgt: usize) -> Vec<Vec<Point>> {
        let mut out = Vec::new();
        let tb = self.nodes[tgt];
        let ty = tb.center().y;
        let (sx, sy0, sy, right) = match from {
            End::Sat(v, k) => {
                let Some(s) = self.sats[v].get(k).copied() else {
                    return out;
                };
                // below the host's row first
                let (ch, _) = self.channel_below(v);
                (s.center().x, s.bottom(), ch, s.center().x)
            }
            _ => {
                let sb = self.nodes[src];
                (sb.center().x, sb.center().y, sb.center().y, sb.right())
            }
        };
        if (ty - sy).abs() < 0.01 {
            return out;
        }
        let down = ty > sy;
        let start = |x: f64| -> Vec<Point> {
            if matches!(from, End::Sat(..)) {
                vec![pt(sx, sy0), pt(sx, sy), pt(x, sy)]
            } else {
                vec![pt(right, sy), pt(x, sy)]
            }
        };
        if let End::Node(_) = from {
            let sb = self.nodes[src];
            // out of the source's bottom (top), along the target's row
            let y0 = if down { sb.bottom() } else { sb.y };
            for x in self.ports(from, down, sx) {
                out.push(vec![pt(x, y0), pt(x, ty), pt(tb.x, ty)]);
            }
        }
        // along the source's row, into the target's top (bottom)
        for tx in self.ports(to, !down, tb.center().x) {
            let mut p = start(tx);
            p.push(pt(tx, if down { tb.y } else { tb.bottom() }));
            out.push(p);
        }
        // the row change in any column gap between them, on one of a few tracks
        for r in self.vrank[src]..self.vrank[tgt] {
            let gx = self.gap_x(Some(r));
            for k in [0.0, TRACK, -TRACK, 2.0 * TRACK, -2.0 * TRACK] {
                let mut p = start(gx + k);
                p.push(pt(gx + k, ty));
                p.push(pt(tb.x, ty));
                out.push(p);
            }
        }
        out
    }

    /// Loops: underneath if the row allows it, else through the channels.
    fn backward(&mut self, edge: usize) -> Vec<Point> {
        let (from, to) = self.ends[edge];
        let (Some(s), Some(t)) = (from.node(), to.node()) else {
            return Vec::new();
        };
        let sb = self.shape_of(from).unwrap_or_default();
        let tb = self.nodes[t];
        let low = if self.ry(t) > self.ry(s) { t } else { s };
        let ch = self.channel_below(low);
        // candidates: down from the source, along the channel below the lower row, up
        // into the target; or over the top through the channel above the higher row
        {
            let high = if self.ry(t) > self.ry(s) { s } else { t };
            let up = self.channel_above(high);
            let sx = self.port_x(from, true, sb.center().x);
            let tx = self.port_x(to, true, tb.center().x);
            let mut cands = Vec::new();
            for k in [0.0, TRACK, -TRACK] {
                if k != 0.0 && k.abs() > ch.1 - 2.0 {
                    continue;
                }
                let y = ch.0 + k;
                cands.push(vec![
                    pt(sx, sb.bottom()),
                    pt(sx, y),
                    pt(tx, y),
                    pt(tx, tb.bottom()),
                ]);
            }
            if !matches!(from, End::Sat(..)) {
                for k in [0.0, TRACK, -TRACK] {
                    if k != 0.0 && k.abs() > up.1 - 2.0 {
                        continue;
                    }
                    let y = up.0 + k;
                    let (sx, tx) = (sb.center().x, tb.center().x);
                    cands.push(vec![pt(sx, sb.y), pt(sx, y), pt(tx, y), pt(tx, tb.y)]);
                }
            }
            if sx - tx > 1.0 {
                if let Some(c) = self.best(edge, cands) {
                    return c;
                }
            }
        }
        let mut pts;
        let y;
        if let End::Sat(..) = from {
            y = self.hgap(self.channel_below(s));
            pts = vec![pt(sb.center().x, sb.bottom()), pt(sb.center().x, y)];
        } else {
            let gx = self.vgap(Some(self.vrank[s]));
            y = self.hgap(ch);
            pts = vec![
                pt(sb.right(), sb.center().y),
                pt(gx, sb.center().y),
                pt(gx, y),
            ];
        }
        let tr = self.vrank[t];
        let gx2 = self.vgap(tr.checked_sub(1));
        pts.push(pt(gx2, y));
        pts.push(pt(gx2, tb.center().y));
        pts.push(pt(tb.x, tb.center().y));
        pts
    }

    /// Associations: straight or one bend if free, else through the channels.
    fn assoc(&mut self, edge: usize) -> Vec<Point> {
        let (from, to) = self.ends[edge];
        let (Some(a), Some(b)) = (from.node(), to.node()) else {
            return Vec::new();
        };
        let ab = self.shape_of(from).unwrap_or_default();
        let bb = self.shape_of(to).unwrap_or_default();
        let (ac, bc) = (ab.center(), bb.center());
        let mut cands = vec![vec![clip(&ab, ac, bc), clip(&bb, bc, ac)]];
        // vertical straight
        let lo = ab.x.max(bb.x);
        let hi = ab.right().min(bb.right());
        if hi - lo > 2.0 {
            let x = (lo + hi) / 2.0;
            if ab.bottom() <= bb.y {
                cands.push(vec![pt(x, ab.bottom()), pt(x, bb.y)]);
            } else if bb.bottom() <= ab.y {
                cands.push(vec![pt(x, ab.y), pt(x, bb.bottom())]);
            }
        }
        let lo = ab.y.max(bb.y);
        let hi = ab.bottom().min(bb.bottom());
        if hi - lo > 2.0 {
            let y = (lo + hi) / 2.0;
            if ab.right() <= bb.x {
                cands.push(vec![pt(ab.right(), y), pt(bb.x, y)]);
            } else if bb.right() <= ab.x {
                cands.push(vec![pt(ab.x, y), pt(bb.right(), y)]);
            }
        }
        // one bend: horizontal then vertical, and vertical then horizontal
        let hx = if bc.x > ac.x { ab.right() } else { ab.x };
        let vy = if bc.y > ac.y { bb.y } else { bb.bottom() };
        cands.push(vec![pt(hx, ac.y), pt(bc.x, ac.y), pt(bc.x, vy)]);
        let vy2 = if bc.y > ac.y { ab.bottom() } else { ab.y };
        let hx2 = if bc.x > ac.x { bb.x } else { bb.right() };
        cands.push(vec![pt(ac.x, vy2), pt(ac.x, bc.y), pt(hx2, bc.y)]);
        // two bends through a row channel next to either end: over or under the rows
        // between them instead of across their flows
        let mut ys = Vec::new();
        for v in [a, b] {
            for ch in [self.channel_above(v), self.channel_below(v)] {
                for k in [0.0, TRACK, -TRACK, 2.0 * TRACK, -2.0 * TRACK] {
                    if k.abs() < ch.1 - 2.0 || k == 0.0 {
                        ys.push(ch.0 + k);
                    }
                }
            }
        }
        let side = |b: &Bounds, y: f64| -> Option<f64> {
            if y < b.y {
                Some(b.y)
            } else if y > b.bottom() {
                Some(b.bottom())
            } else {
                None
            }
        };
        for y in ys {
            let (Some(ya), Some(yb)) = (side(&ab, y), side(&bb, y)) else {
                continue;
            };
            cands.push(vec![pt(ac.x, ya), pt(ac.x, y), pt(bc.x, y), pt(bc.x, yb)]);
        }
        if let Some(c) = self.best(edge, cands) {
            return c;
        }
        self.universal(from, a, to, b)
    }

    /// Through the channels: right of the source, row channel next to the target, then
    /// into the target's side. Safe by construction.
    fn universal(&mut self, from: End, a: usize, to: End, b: usize) -> Vec<Point> {
        let ca = self.vrank[a];
        let cb = self.vrank[b];
        let (mut pts, ya) = self.exit_right(from);
        let bb = self.shape_of(to).unwrap_or_default();
        let yb = bb.center().y;
        let x1 = self.vgap(Some(ca));
        let (x2, entry_x) = if cb > ca {
            (self.vgap(Some(cb - 1)), bb.x)
        } else if cb == ca {
            (x1, bb.right())
        } else {
            (self.vgap(Some(cb)), bb.right())
        };
        pts.push(pt(x1, ya));
        if (x1 - x2).abs() > 0.01 {
            let ch = if yb > ya {
                self.channel_above(b)
            } else {
                self.channel_below(b)
            };
            let ym = self.hgap(ch);
            pts.push(pt(x1, ym));
            pts.push(pt(x2, ym));
        }
        pts.push(pt(x2, yb));
        pts.push(pt(entry_x, yb));
        pts
    }

    /// `x` if no boundary event covers it on that border, else the nearest free x on
    /// either side of it.
    fn ports(&self, end: End, bottom: bool, x: f64) -> Vec<f64> {
        let End::Node(v) = end else {
            return vec![x];
        };
        if !bottom || self.sats[v].is_empty() {
            return vec![x];
        }
        let b = self.nodes[v];
        let free = |c: f64| {
            c >= b.x + 5.0
                && c <= b.right() - 5.0
                && self.sats[v]
                    .iter()
                    .all(|s| c < s.x - 3.0 || c > s.right() + 3.0)
        };
        if free(x) {
            return vec![x];
        }
        let mut out = Vec::new();
        for sign in [-1.0, 1.0] {
            if let Some(c) = (1..10)
                .map(|k| x + sign * 12.0 * f64::from(k))
                .find(|&c| free(c))
            {
                out.push(c);
            }
        }
        out
    }

    /// An x on a node's top or bottom border near `x` that no boundary event covers.
    fn port_x(&self, end: End, bottom: bool, x: f64) -> f64 {
        let End::Node(v) = end else { return x };
        if !bottom || self.sats[v].is_empty() {
            return x;
        }
        let b = self.nodes[v];
        for k in 0..20 {
            #[allow(clippy::cast_precision_loss)]
            let off = f64::from((k + 1) / 2) * 12.0 * if k % 2 == 1 { 1.0 } else { -1.0 };
            let cand = x + off;
            if cand < b.x + 5.0 || cand > b.right() - 5.0 {
                continue;
            }
            if self.sats[v]
                .iter()
                .all(|s| cand < s.x - 3.0 || cand > s.right() + 3.0)
            {
                return cand;
            }
        }
        x
    }

    /// Whether a message flow's route meets a node end on its far side.
    fn detour(&self, edge: usize, pts: &[Point]) -> bool {
        let (from, to) = self.ends[edge];
        let (Some(&first), Some(&last)) = (pts.first(), pts.last()) else {
            return false;
        };
        let (Some(a), Some(b)) = (self.shape_of(from), self.shape_of(to)) else {
            return false;
        };
        let down = a.center().y < b.center().y;
        let far = |e: End, p: Point, bounds: Bounds, away_up: bool| {
            matches!(e, End::Node(_))
                && if away_up {
                    p.y < bounds.center().y
                } else {
                    p.y > bounds.center().y
                }
        };
        far(from, first, a, down) || far(to, last, b, !down)
    }

    /// Message flow routes with at least one node end met on its far side (the side
    /// away from the other end): out of that side into the channel beyond the node's
    /// row, along it to a column centre or gap in `span`, along the column, and into the
    /// other end on its near or far side the same way.
    fn message_round(
        &self,
        from: End,
        to: End,
        down: bool,
        (ay, by): (f64, f64),
        span: (usize, usize),
    ) -> Vec<Vec<Point>> {
        let mut out = Vec::new();
        if matches!(from, End::Sat(..)) || matches!(to, End::Sat(..)) {
            return out;
        }
        // (border y, channel y, port x) of an end's bottom or top side; `None` for a pool
        let side = |e: End, bottom: bool| -> Option<(f64, f64, f64)> {
            let End::Node(v) = e else { return None };
            let b = self.nodes[v];
            Some(if bottom {
                (
                    b.bottom(),
                    self.channel_below(v).0,
                    self.port_x(e, true, b.center().x),
                )
            } else {
                (b.y, self.channel_above(v).0, b.center().x)
            })
        };
        for (far_a, far_b) in [(true, false), (false, true), (true, true)] {
            // the source's far side is its top when it lies above the target
            let a = if far_a {
                match side(from, !down) {
                    Some(s) => Some(s),
                    None => continue,
                }
            } else {
                side(from, down)
            };
            let b = if far_b {
                match side(to, down) {
                    Some(s) => Some(s),
                    None => continue,
                }
            } else {
                side(to, !down)
            };
            let (ay, by) = (a.map_or(ay, |s| s.0), b.map_or(by, |s| s.0));
            for (x, k) in self.tracks(span.0..=span.1) {
                let mut p = Vec::with_capacity(6);
                match a {
                    Some((_, ch, ax)) => {
                        p.extend([pt(ax, ay), pt(ax, ch + k), pt(x, ch + k)]);
                    }
                    None => p.push(pt(x, ay)),
                }
                match b {
                    Some((_, ch, bx)) => {
                        p.extend([pt(x, ch - k), pt(bx, ch - k), pt(bx, by)]);
                    }
                    None => p.push(pt(x, by)),
                }
                out.push(simplify(p));
            }
        }
        out
    }

    /// Message flows: vertical between pools.
    fn message(&mut self, edge: usize) -> Vec<Point> {
        let (from, to) = self.ends[edge];
        let ab = self.shape_of(from);
        let bb = self.shape_of(to);
        let (Some(ab), Some(bb)) = (ab, bb) else {
            return Vec::new();
        };
        let width = self.cx_col.last().map_or(0.0, |c| c + GAP_X);
        let band_x = |b: &Bounds, other: &Bounds| -> Bounds {
            if b.width == 0.0 {
                Bounds {
                    x: other.center().x.clamp(0.0, width),
                    y: b.y,
                    width: 0.0,
                    height: b.height,
                }
            } else {
                *b
            }
        };
        let ab2 = band_x(&ab, &bb);
        let bb2 = band_x(&bb, &ab2);
        let ab = band_x(&ab2, &bb2);
        let bb = bb2;
        let down = ab.center().y < bb.center().y;
        let (ay, by) = if down {
            (ab.bottom(), bb.y)
        } else {
            (ab.y, bb.bottom())
        };
        let mut cands = Vec::new();
        let lo = ab.x.max(bb.x);
        let hi = ab.right().min(bb.right());
        if hi - lo >= 0.0 {
            let x = if ab.width == 0.0 || bb.width == 0.0 {
                lo
            } else {
                (lo + hi) / 2.0
            };
            cands.push(vec![pt(x, ay), pt(x, by)]);
        }
        let ax = self.port_x(from, down, ab.center().x);
        let bx = self.port_x(to, !down, bb.center().x);
        // two bends in the gap next to the source's row, or next to the target's row
        let mid_rows: Vec<f64> = {
            let mut v = Vec::new();
            if let Some(a) = from.node() {
                v.push(if down {
                    self.channel_below(a).0
                } else {
                    self.channel_above(a).0
                });
            }
            if let Some(b) = to.node() {
                v.push(if down {
                    self.channel_above(b).0
                } else {
                    self.channel_below(b).0
                });
            }
            v.push((ay + by) / 2.0);
            v
        };
        for &ym in &mid_rows {
            cands.push(vec![pt(ax, ay), pt(ax, ym), pt(bx, ym), pt(bx, by)]);
        }
        // Down (or up) a column centre or a column gap near the ends: out of the source's
        // row along its channel, along the column, into the target's row. A column centre
        // is usually crossed by nothing but long flows, a gap by every flow spanning it.
        let ch_a = from.node().map(|a| {
            if down {
                self.channel_below(a)
            } else {
                self.channel_above(a)
            }
        });
        let ch_b = to.node().map(|b| {
            if down {
                self.channel_above(b)
            } else {
                self.channel_below(b)
            }
        });
        let cols: Vec<usize> = [from.node(), to.node()]
            .iter()
            .flatten()
            .map(|&v| self.vrank[v])
            .collect();
        let ncols = self.cx_col.len();
        if let (Some(&c0), Some(&c1)) = (cols.iter().min(), cols.iter().max()) {
            let lo_c = c0.saturating_sub(2);
            let hi_c = (c1 + 2).min(ncols.saturating_sub(1));
            for (x, k) in self.tracks(lo_c..=hi_c) {
                let mut p = Vec::with_capacity(6);
                match ch_a {
                    Some(ch) if (x - ax).abs() > 0.01 => {
                        let y1 = ch.0 + k;
                        p.extend([pt(ax, ay), pt(ax, y1), pt(x, y1)]);
                    }
                    Some(_) => p.push(pt(ax, ay)),
                    None => p.push(pt(x, ay)),
                }
                match ch_b {
                    Some(ch) if (x - bx).abs() > 0.01 => {
                        let y2 = ch.0 - k;
                        p.extend([pt(x, y2), pt(bx, y2), pt(bx, by)]);
                    }
                    Some(_) => p.push(pt(bx, by)),
                    None => p.push(pt(x, by)),
                }
                cands.push(simplify(p));
            }
        }
        let near = self.best_scored(edge, cands);
        if let Some((0, c)) = near {
            return c;
        }
        // Every route between the facing sides crosses something (e.g. a loop closes over
        // the end's facing side): round an end's row instead, out of its far side.
        if let Some((c0, c1)) = cols.iter().min().zip(cols.iter().max()) {
            let ncols = self.cx_col.len();
            let span = (c0.saturating_sub(2), (c1 + 2).min(ncols.saturating_sub(1)));
            let round = self.message_round(from, to, down, (ay, by), span);
            if let Some((k, c)) = self.best_scored(edge, round) {
                if near.as_ref().is_none_or(|n| k < n.0) {
                    return c;
                }
            }
        }
        if let Some((_, c)) = near {
            return c;
        }
        // Four bends: out of the source's row, along a column gap, into the target's row.
        let col = from.node().or(to.node()).map(|v| self.vrank[v]);
        let gx = self.vgap(col);
        let y1 = match from.node() {
            Some(a) => self.hgap(if down {
                self.channel_below(a)
            } else {
                self.channel_above(a)
            }),
            None => ay,
        };
        let y2 = match to.node() {
            Some(b) => self.hgap(if down {
                self.channel_above(b)
            } else {
                self.channel_below(b)
            }),
            None => by,
        };
        // A pool end is met straight at the gap's x.
        let ax = if from.node().is_none() { gx } else { ax };
        let bx = if to.node().is_none() { gx } else { bx };
        vec![
            pt(ax, ay),
            pt(ax, y1),
            pt(gx, y1),
            pt(gx, y2),
            pt(bx, y2),
            pt(bx, by),
        ]
    }
}

/// Where the line from a box's centre towards `to` leaves the box.
fn clip(b: &Bounds, c: Point, to: Point) -> Point {
    let (dx, dy) = (to.x - c.x, to.y - c.y);
    if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
        return c;
    }
    let tx = if dx.abs() < 1e-9 {
        f64::INFINITY
    } else {
        (b.width / 2.0) / dx.abs()
    };
    let ty = if dy.abs() < 1e-9 {
        f64::INFINITY
    } else {
        (b.height / 2.0) / dy.abs()
    };
    let t = tx.min(ty).min(1.0);
    pt(c.x + dx * t, c.y + dy * t)
}

/// Whether an axis-parallel (or any) segment passes through the inside of a rectangle.
pub(crate) fn seg_hits(a: Point, b: Point, r: &Bounds) -> bool {
    const EPS: f64 = 0.5;
    let (x0, x1) = (r.x + EPS, r.right() - EPS);
    let (y0, y1) = (r.y + EPS, r.bottom() - EPS);
    if x1 <= x0 || y1 <= y0 {
        return false;
    }
    // wholly on one side (strictly: a segment on the border still counts below)
    if a.x.max(b.x) < x0 || a.x.min(b.x) > x1 || a.y.max(b.y) < y0 || a.y.min(b.y) > y1 {
        return false;
    }
    // Liang-Barsky clipping
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let mut t0 = 0.0f64;
    let mut t1 = 1.0f64;
    for (p, q) in [
        (-dx, a.x - x0),
        (dx, x1 - a.x),
        (-dy, a.y - y0),
        (dy, y1 - a.y),
    ] {
        if p.abs() < 1e-12 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t1 - t0 > 1e-9
}
