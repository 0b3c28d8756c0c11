//! `no-overlapping-elements` (from bpmnlint).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{Bounds, ElementId, Kind, Model};

declare_rule! {
    /// ## What it does
    /// Flags flow nodes whose shapes overlap or touch another flow node of the same process
    /// or sub-process, pools that overlap other pools, and elements that stick out of the
    /// expanded sub-process they belong to. A boundary event on its own host is fine.
    ///
    /// ## Why is this bad?
    /// Overlapping shapes hide each other and make it unclear which element a flow or a
    /// boundary event belongs to.
    ///
    /// ## Example
    /// ```xml,invalid
    /// <process id="P"><task id="A" name="A"/><task id="B" name="B"/></process>
    /// <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="Pl" bpmnElement="P">
    ///   <bpmndi:BPMNShape id="A_di" bpmnElement="A"><dc:Bounds x="0" y="0" width="100" height="80"/></bpmndi:BPMNShape>
    ///   <bpmndi:BPMNShape id="B_di" bpmnElement="B"><dc:Bounds x="50" y="40" width="100" height="80"/></bpmndi:BPMNShape>
    /// </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
    /// ```
    ///
    /// Use instead: move the shapes apart.
    NoOverlappingElements { name: "no-overlapping-elements", category: Style, source: Some("bpmnlint") }
}

/// One shape taking part in the check.
struct Item {
    id: ElementId,
    bounds: Bounds,
}

/// Whether two rectangles share at least a point (touching counts, as in bpmnlint).
fn touches(a: &Bounds, b: &Bounds) -> bool {
    a.x <= b.right() && b.x <= a.right() && a.y <= b.bottom() && b.y <= a.bottom()
}

fn inside(inner: &Bounds, outer: &Bounds) -> bool {
    inner.x >= outer.x
        && inner.y >= outer.y
        && inner.right() <= outer.right()
        && inner.bottom() <= outer.bottom()
}

/// A usable shape: the file gives bounds and they are finite.
fn bounds_of(model: &Model, id: ElementId) -> Option<(u32, Bounds)> {
    let (d, _) = model.el(id).links.shape?;
    let b = model.shape(id)?.bounds;
    let empty = b.width == 0.0 && b.height == 0.0;
    (b.is_valid() && !empty).then_some((d, b))
}

/// Pairs of items in one group whose rectangles touch, found through a uniform grid so
/// that the work grows with the number of shapes and their neighbours, not its square.
fn touching_pairs(items: &[Item]) -> Vec<(usize, usize)> {
    if items.len() < 2 {
        return Vec::new();
    }
    #[allow(clippy::cast_precision_loss)]
    let mean = items
        .iter()
        .map(|i| i.bounds.width.max(i.bounds.height))
        .sum::<f64>()
        / items.len() as f64;
    let cell = mean.max(1.0);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    let mut big = Vec::new();
    #[allow(clippy::cast_possible_truncation)]
    let to_cell = |v: f64| (v / cell).floor() as i64;
    for (n, it) in items.iter().enumerate() {
        let b = &it.bounds;
        let (x0, x1, y0, y1) = (
            to_cell(b.x),
            to_cell(b.right()),
            to_cell(b.y),
            to_cell(b.bottom()),
        );
        // Shapes spanning very many cells (a huge pool) are compared with everything
        // instead of being copied into every cell.
        if (x1 - x0 + 1).saturating_mul(y1 - y0 + 1) > 1024 {
            big.push(n);
            continue;
        }
        for gx in x0..=x1 {
            for gy in y0..=y1 {
                grid.entry((gx, gy)).or_default().push(n);
            }
        }
    }
    let mut pairs = HashSet::new();
    for cellmates in grid.values() {
        for (k, &a) in cellmates.iter().enumerate() {
            for &b in &cellmates[k + 1..] {
                let p = (a.min(b), a.max(b));
                if touches(&items[a].bounds, &items[b].bounds) {
                    pairs.insert(p);
                }
            }
        }
    }
    for &a in &big {
        for b in 0..items.len() {
            if a != b && touches(&items[a].bounds, &items[b].bounds) {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
    }
    let mut v: Vec<_> = pairs.into_iter().collect();
    v.sort_unstable();
    v
}

impl Rule for NoOverlappingElements {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model();
        // Group the shapes by diagram and semantic container.
        let mut groups: BTreeMap<(u32, ElementId), Vec<Item>> = BTreeMap::new();
        for (id, e) in model.iter() {
            let container = match e.kind {
                Kind::Participant => e.parent,
                ref k if k.is_flow_node() => model.scope_of(id),
                _ => None,
            };
            let (Some(container), Some((d, bounds))) = (container, bounds_of(model, id)) else {
                continue;
            };
            groups
                .entry((d, container))
                .or_default()
                .push(Item { id, bounds });
        }
        let mut found: BTreeMap<ElementId, (String, Option<ElementId>)> = BTreeMap::new();
        for ((d, container), items) in &groups {
            for (a, b) in touching_pairs(items) {
                let (ia, ib) = (items[a].id, items[b].id);
                let host = |x: ElementId, y: ElementId| model.el(x).links.attached_to == Some(y);
                if host(ia, ib) || host(ib, ia) {
                    continue;
                }
                found
                    .entry(ia)
                    .or_insert_with(|| (format!("Overlaps {}", model.describe(ib)), Some(ib)));
                found
                    .entry(ib)
                    .or_insert_with(|| (format!("Overlaps {}", model.describe(ia)), Some(ia)));
            }
            // Content of an expanded sub-process stays inside it.
            let ce = model.el(*container);
            if !ce.kind.is_sub_process() {
                continue;
            }
            let Some(shape) = model.shape(*container) else {
                continue;
            };
            if shape.is_expanded != Some(true)
                || bounds_of(model, *container).map(|x| x.0) != Some(*d)
            {
                continue;
            }
            for it in items {
                if model.el(it.id).kind != Kind::BoundaryEvent && !inside(&it.bounds, &shape.bounds)
                {
                    found.entry(it.id).or_insert_with(|| {
                        (
                            format!("Sticks out of {}", model.describe(*container)),
                            Some(*container),
                        )
                    });
                }
            }
        }
        for (id, (message, other)) in found {
            let mut d = cx
                .report(&Self::META, id, message)
                .with_help("move the shapes so that they do not overlap");
            if let Some(o) = other {
                d = d.with_label(
                    model.el(o).span,
                    "the other element",
                    model.el(o).id.as_deref(),
                );
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{Item, NoOverlappingElements, touching_pairs};
    use crate::lint::test::RuleTester;
    use crate::model::{Bounds, ElementId};

    #[test]
    fn docs_examples() {
        RuleTester::new(&NoOverlappingElements).docs_examples();
    }

    #[test]
    fn grid_finds_the_same_pairs_as_brute_force() {
        let mut items = Vec::new();
        let mut seed = 7u64;
        for i in 0..400u32 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let x = f64::from(u32::try_from(seed >> 40).unwrap() % 3000);
            let y = f64::from(u32::try_from(seed >> 20 & 0xfff).unwrap() % 2000);
            let w = if i % 50 == 0 { 2500.0 } else { 100.0 };
            items.push(Item {
                id: ElementId(i),
                bounds: Bounds {
                    x,
                    y,
                    width: w,
                    height: 80.0,
                },
            });
        }
        let mut brute = Vec::new();
        for a in 0..items.len() {
            for b in a + 1..items.len() {
                if super::touches(&items[a].bounds, &items[b].bounds) {
                    brute.push((a, b));
                }
            }
        }
        assert_eq!(touching_pairs(&items), brute);
    }
}
