//! Resolving references after reading, and reporting what does not resolve.

use std::collections::HashSet;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::model::{ElementId, Kind, Model};

/// Looks an id up, accepting QName-style references (`tns:Task_1`) too.
fn lookup(model: &Model, reference: &str) -> Option<ElementId> {
    let reference = super::reader::trim_xml_space(reference);
    model.by_id(reference).or_else(|| {
        reference
            .rsplit_once(':')
            .and_then(|(_, local)| model.by_id(local))
    })
}

struct Resolver {
    diagnostics: Vec<Diagnostic>,
}

impl Resolver {
    fn dangling(&mut self, model: &Model, from: ElementId, attr: &str, value: &str, error: bool) {
        let e = model.el(from);
        let message = format!(
            "{} refers to \"{value}\" in {attr}, which does not exist",
            capitalise(&model.describe(from))
        );
        let mut d = if error {
            Diagnostic::error("parse::unresolved-reference", message)
        } else {
            Diagnostic::warning("parse::unresolved-reference", message)
        };
        d = d.with_span(e.span).with_help(format!(
            "define an element with id \"{value}\" or fix the reference"
        ));
        if let Some(id) = &e.id {
            d = d.with_element(&**id);
        }
        self.diagnostics.push(d);
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Reference attributes of one element, read in a single pass over its attributes (each
/// `Element::attr` call walks the list again, and that adds up over 100,000 elements).
#[derive(Default)]
struct RefAttrs<'m> {
    source: Option<&'m str>,
    target: Option<&'m str>,
    attached_to: Option<&'m str>,
    process: Option<&'m str>,
    default: Option<&'m str>,
    /// Plain references to root elements, indexed like [`ROOT_REFS`].
    roots: [Option<&'m str>; ROOT_REFS.len()],
}

/// Plain references to root elements: a missing one is a warning (the model still reads).
/// `calledElement` is not among them: it legitimately names processes in other files.
const ROOT_REFS: [&str; 8] = [
    "messageRef",
    "signalRef",
    "errorRef",
    "escalationRef",
    "dataObjectRef",
    "dataStoreRef",
    "categoryValueRef",
    "activityRef",
];

impl<'m> RefAttrs<'m> {
    fn of(e: &'m crate::model::Element) -> Self {
        let mut out = RefAttrs::default();
        for a in e.attrs.iter().filter(|a| a.ns.is_none()) {
            let value = Some(&*a.value);
            match &*a.local {
                "sourceRef" => out.source = value,
                "targetRef" => out.target = value,
                "attachedToRef" => out.attached_to = value,
                "processRef" => out.process = value,
                "default" => out.default = value,
                "messageRef" => out.roots[0] = value,
                "signalRef" => out.roots[1] = value,
                "errorRef" => out.roots[2] = value,
                "escalationRef" => out.roots[3] = value,
                "dataObjectRef" => out.roots[4] = value,
                "dataStoreRef" => out.roots[5] = value,
                "categoryValueRef" => out.roots[6] = value,
                "activityRef" => out.roots[7] = value,
                _ => {}
            }
        }
        out
    }
}

/// Fills every element's `links` and reports dangling or ill-placed references.
#[allow(clippy::too_many_lines)] // one match over element kinds
pub(super) fn resolve(model: &mut Model) {
    let mut r = Resolver {
        diagnostics: Vec::new(),
    };
    let n = model.elements.len();
    // Pass 1: compute links without mutating (borrowck), collect updates.
    let mut updates: Vec<(ElementId, Update)> = Vec::new();
    for i in 0..n {
        let id = ElementId(u32::try_from(i).unwrap_or(u32::MAX));
        let e = model.el(id);
        let refs = RefAttrs::of(e);
        match e.kind {
            Kind::SequenceFlow | Kind::MessageFlow | Kind::Association => {
                let mut src = None;
                let mut tgt = None;
                for (attr, value, slot) in [
                    ("sourceRef", refs.source, &mut src),
                    ("targetRef", refs.target, &mut tgt),
                ] {
                    match value {
                        Some(v) => match lookup(model, v) {
                            Some(t) => *slot = Some(t),
                            None => r.dangling(model, id, attr, v, e.kind != Kind::Association),
                        },
                        None => {
                            let mut d = Diagnostic::error(
                                "parse::missing-reference",
                                format!("{} has no {attr}", capitalise(&model.describe(id))),
                            )
                            .with_span(e.span)
                            .with_help(format!("add {attr}=\"...\""));
                            if let Some(xml_id) = &e.id {
                                d = d.with_element(&**xml_id);
                            }
                            r.diagnostics.push(d);
                        }
                    }
                }
                if e.kind == Kind::SequenceFlow {
                    check_sequence_flow(model, id, src, tgt, &mut r);
                }
                updates.push((id, Update::Connect(src, tgt)));
            }
            Kind::DataInputAssociation | Kind::DataOutputAssociation => {
                let src = e
                    .refs_named("sourceRef")
                    .next()
                    .and_then(|v| lookup(model, v));
                let tgt = e
                    .refs_named("targetRef")
                    .next()
                    .and_then(|v| lookup(model, v));
                updates.push((id, Update::Data(src, tgt)));
            }
            Kind::BoundaryEvent => match refs.attached_to {
                Some(v) => match lookup(model, v) {
                    Some(host) if model.el(host).kind.is_activity() => {
                        updates.push((id, Update::Attach(host)));
                    }
                    Some(host) => {
                        let d = Diagnostic::error(
                            "parse::invalid-reference",
                            format!(
                                "Boundary event is attached to {}, which is not an activity",
                                model.describe(host)
                            ),
                        )
                        .with_span(e.span)
                        .with_element(e.id_str());
                        r.diagnostics.push(d);
                    }
                    None => r.dangling(model, id, "attachedToRef", v, true),
                },
                None => r.diagnostics.push(
                    Diagnostic::error(
                        "parse::missing-reference",
                        "Boundary event has no attachedToRef",
                    )
                    .with_span(e.span)
                    .with_element(e.id_str()),
                ),
            },
            Kind::Participant => {
                if let Some(v) = refs.process {
                    match lookup(model, v) {
                        Some(p) => updates.push((id, Update::Pool(p))),
                        None => r.dangling(model, id, "processRef", v, true),
                    }
                }
            }
            Kind::Lane => {
                let mut nodes = Vec::new();
                for v in e.refs_named("flowNodeRef") {
                    match lookup(model, v) {
                        Some(t) => nodes.push(t),
                        None => r.dangling(model, id, "flowNodeRef", v, true),
                    }
                }
                updates.push((id, Update::Lane(nodes)));
            }
            _ => {}
        }
        if let Some(v) = refs.default {
            if e.kind.is_gateway() || e.kind.is_activity() {
                match lookup(model, v) {
                    Some(flow) if model.el(flow).kind == Kind::SequenceFlow => {
                        let flow_src = model
                            .el(flow)
                            .attr("sourceRef")
                            .and_then(|s| lookup(model, s));
                        if flow_src != Some(id) {
                            r.diagnostics.push(
                                Diagnostic::error(
                                    "parse::invalid-reference",
                                    format!(
                                        "Default flow {v} of {} does not leave it",
                                        model.describe(id)
                                    ),
                                )
                                .with_span(e.span)
                                .with_element(e.id_str())
                                .with_help(
                                    "the default flow must be one of the element's outgoing flows",
                                ),
                            );
                        }
                        updates.push((id, Update::Default(flow)));
                    }
                    Some(_) => r.diagnostics.push(
                        Diagnostic::error(
                            "parse::invalid-reference",
                            format!(
                                "Default {v} of {} is not a sequence flow",
                                model.describe(id)
                            ),
                        )
                        .with_span(e.span)
                        .with_element(e.id_str()),
                    ),
                    None => r.dangling(model, id, "default", v, true),
                }
            }
        }
        for (attr, value) in ROOT_REFS.iter().zip(refs.roots) {
            if let Some(v) = value {
                if !v.trim().is_empty() && lookup(model, v).is_none() {
                    r.dangling(model, id, attr, v, false);
                }
            }
        }
    }
    for (id, update) in updates {
        apply(model, id, update);
    }
    resolve_di(model, &mut r);
    model.diagnostics.append(&mut r.diagnostics);
}

enum Update {
    Connect(Option<ElementId>, Option<ElementId>),
    Data(Option<ElementId>, Option<ElementId>),
    Attach(ElementId),
    Pool(ElementId),
    Lane(Vec<ElementId>),
    Default(ElementId),
}

fn apply(model: &mut Model, id: ElementId, update: Update) {
    let els = &mut model.elements;
    match update {
        Update::Connect(src, tgt) => {
            let kind = els[id.index()].kind.clone();
            els[id.index()].links.source = src;
            els[id.index()].links.target = tgt;
            match kind {
                Kind::SequenceFlow => {
                    if let Some(s) = src {
                        els[s.index()].links.outgoing.push(id);
                    }
                    if let Some(t) = tgt {
                        els[t.index()].links.incoming.push(id);
                    }
                }
                Kind::MessageFlow => {
                    if let Some(s) = src {
                        els[s.index()].links.message_out.push(id);
                    }
                    if let Some(t) = tgt {
                        els[t.index()].links.message_in.push(id);
                    }
                }
                _ => {}
            }
        }
        Update::Data(src, tgt) => {
            els[id.index()].links.source = src;
            els[id.index()].links.target = tgt;
        }
        Update::Attach(host) => {
            els[id.index()].links.attached_to = Some(host);
            els[host.index()].links.boundary_events.push(id);
        }
        Update::Pool(process) => {
            els[id.index()].links.process = Some(process);
            els[process.index()].links.participant = Some(id);
        }
        Update::Lane(nodes) => {
            for &n in &nodes {
                els[n.index()].links.lanes.push(id);
            }
            els[id.index()].links.flow_nodes = nodes;
        }
        Update::Default(flow) => els[id.index()].links.default_flow = Some(flow),
    }
}

/// A sequence flow must connect two flow nodes of its own scope.
fn check_sequence_flow(
    model: &Model,
    flow: ElementId,
    src: Option<ElementId>,
    tgt: Option<ElementId>,
    r: &mut Resolver,
) {
    let e = model.el(flow);
    let scope = e.parent;
    for (end, what) in [(src, "source"), (tgt, "target")] {
        let Some(node) = end else { continue };
        let n = model.el(node);
        if !n.kind.is_flow_node() && !is_choreography_activity(&n.kind) {
            r.diagnostics.push(
                Diagnostic::error(
                    "parse::invalid-reference",
                    format!(
                        "Sequence flow {} has {} as its {what}, which is not a flow node",
                        e.id_str(),
                        model.describe(node)
                    ),
                )
                .with_span(e.span)
                .with_element(e.id_str()),
            );
        } else if n.parent != scope {
            r.diagnostics.push(
                Diagnostic::error(
                    "parse::flow-crosses-scope",
                    format!(
                        "Sequence flow {} connects to {} in another process or sub-process",
                        e.id_str(),
                        model.describe(node)
                    ),
                )
                .with_span(e.span)
                .with_element(e.id_str())
                .with_label(n.span, format!("{what} is here"), n.id.as_deref())
                .with_help("sequence flows stay inside one process or sub-process; use a message flow between pools"),
            );
        }
    }
}

/// Choreography activities are flow nodes in BPMN 2.0 (§11.4, `ChoreographyActivity`
/// extends `FlowNode`); the model keeps them as [`Kind::Other`] because nothing here
/// analyses choreographies, but a sequence flow to one is valid (Signavio writes them).
fn is_choreography_activity(kind: &Kind) -> bool {
    matches!(kind, Kind::Other(name)
        if matches!(name.as_ref(), "choreographyTask" | "subChoreography" | "callChoreography"))
}

fn resolve_di(model: &mut Model, r: &mut Resolver) {
    let mut shape_links = Vec::new();
    let mut edge_links = Vec::new();
    for (d, diagram) in model.diagrams.iter().enumerate() {
        let d = u32::try_from(d).unwrap_or(u32::MAX);
        for (s, shape) in diagram.plane.shapes.iter().enumerate() {
            let s = u32::try_from(s).unwrap_or(u32::MAX);
            match shape.bpmn_element.as_deref().map(|v| (v, lookup(model, v))) {
                Some((_, Some(el))) => shape_links.push((d, s, el)),
                Some((v, None)) => r.diagnostics.push(
                    Diagnostic::warning(
                        "parse::unresolved-reference",
                        format!("BPMNShape refers to \"{v}\", which does not exist"),
                    )
                    .with_span(shape.span),
                ),
                None => {}
            }
        }
        for (s, edge) in diagram.plane.edges.iter().enumerate() {
            let s = u32::try_from(s).unwrap_or(u32::MAX);
            match edge.bpmn_element.as_deref().map(|v| (v, lookup(model, v))) {
                Some((_, Some(el))) => edge_links.push((d, s, el)),
                Some((v, None)) => r.diagnostics.push(
                    Diagnostic::warning(
                        "parse::unresolved-reference",
                        format!("BPMNEdge refers to \"{v}\", which does not exist"),
                    )
                    .with_span(edge.span),
                ),
                None => {}
            }
        }
    }
    pool_shapes_of_processes(model, &mut shape_links);
    let planes: Vec<_> = model
        .diagrams
        .iter()
        .map(|d| {
            let v = d.plane.bpmn_element.as_deref()?;
            let found = lookup(model, v);
            if found.is_none() {
                // Activiti Designer exports a plane for a process it did not write.
                r.diagnostics.push(
                    Diagnostic::warning(
                        "parse::unresolved-reference",
                        format!("BPMNPlane refers to \"{v}\", which does not exist"),
                    )
                    .with_span(d.span),
                );
            }
            found
        })
        .collect();
    for (diagram, plane_el) in model.diagrams.iter_mut().zip(planes) {
        diagram.plane.element = plane_el;
    }
    for (d, s, el) in shape_links {
        model.diagrams[d as usize].plane.shapes[s as usize].element = Some(el);
        // The first diagram that shows an element is its main one.
        let links = &mut model.elements[el.index()].links;
        if links.shape.is_none() {
            links.shape = Some((d, s));
        }
    }
    for (d, s, el) in edge_links {
        model.diagrams[d as usize].plane.edges[s as usize].element = Some(el);
        let links = &mut model.elements[el.index()].links;
        if links.edge.is_none() {
            links.edge = Some((d, s));
        }
    }
}

/// In BPMN DI a process has no shape of its own: it is drawn as a plane, or as the pool
/// of the participant that refers to it (a `BPMNShape` shows a participant, §12.2.3).
/// Some tools (Bonita) give the pool's shape the process as its `bpmnElement`; such a
/// shape is the pool's when exactly one participant refers to the process and that
/// participant has no shape of its own. Without this the pool is drawn as a plain box
/// with its name in the middle, and the participant looks missing from the diagram.
fn pool_shapes_of_processes(model: &Model, shape_links: &mut [(u32, u32, ElementId)]) {
    // Nearly every file has no such shape: no set of all shaped elements for those.
    if !shape_links
        .iter()
        .any(|&(_, _, el)| model.el(el).kind == Kind::Process)
    {
        return;
    }
    let has_shape: HashSet<ElementId> = shape_links.iter().map(|&(_, _, el)| el).collect();
    for link in shape_links.iter_mut() {
        let process = link.2;
        if model.el(process).kind != Kind::Process {
            continue;
        }
        let mut pools = model
            .of_kind(&Kind::Participant)
            .filter(|(_, p)| p.links.process == Some(process))
            .map(|(id, _)| id);
        if let (Some(pool), None) = (pools.next(), pools.next()) {
            if !has_shape.contains(&pool) {
                link.2 = pool;
            }
        }
    }
}

/// Warns about `import`s whose file is not next to the model.
pub(super) fn check_imports(model: &mut Model, dir: Option<&Path>) {
    let mut found = Vec::new();
    for (_, e) in model.of_kind(&Kind::Import) {
        let Some(location) = e.attr("location") else {
            continue;
        };
        let location = location.trim();
        if location.contains("://") {
            continue; // a URL: never fetched, so nothing to check
        }
        let exists = dir.is_some_and(|d| d.join(location).is_file());
        if !exists {
            found.push(
                Diagnostic::warning(
                    "parse::unresolved-import",
                    format!("Imported file \"{location}\" is not found"),
                )
                .with_span(e.span)
                .with_help("references into it are not checked"),
            );
        }
    }
    model.diagnostics.append(&mut found);
}
