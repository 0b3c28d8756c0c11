//! A summary of a model: processes, pools, lanes, element counts and DI coverage.
//! This is what `bpmnkit inspect` prints.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{ElementId, Kind, Model};

/// One process.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessSummary {
    /// Its id.
    pub id: String,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `isExecutable`.
    pub is_executable: bool,
    /// Flow nodes in the process, sub-processes' contents included.
    pub flow_nodes: usize,
    /// Sequence flows in the process, sub-processes' included.
    pub sequence_flows: usize,
}

/// One pool (participant).
#[derive(Debug, Clone, Serialize)]
pub struct PoolSummary {
    /// Its id.
    pub id: String,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The process it shows, if any (a black-box pool has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
}

/// One lane.
#[derive(Debug, Clone, Serialize)]
pub struct LaneSummary {
    /// Its id.
    pub id: String,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The process it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// Nesting depth (0 = top-level lane).
    pub depth: usize,
    /// Flow nodes listed in it.
    pub flow_nodes: usize,
}

/// How much of the model the diagrams show.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DiCoverage {
    /// `BPMNDiagram` count.
    pub diagrams: usize,
    /// Elements that are drawn as shapes (flow nodes, pools, lanes, data, artifacts).
    pub shape_elements: usize,
    /// Of those, how many have a `BPMNShape`.
    pub with_shape: usize,
    /// Elements that are drawn as edges (sequence/message flows, associations).
    pub edge_elements: usize,
    /// Of those, how many have a `BPMNEdge`.
    pub with_edge: usize,
}

/// Everything `inspect` reports about one model.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Processes.
    pub processes: Vec<ProcessSummary>,
    /// Pools.
    pub pools: Vec<PoolSummary>,
    /// Lanes.
    pub lanes: Vec<LaneSummary>,
    /// Count of every element kind, keyed by the element's local name (`userTask`),
    /// BPMN semantic elements and BPMNDI elements alike. Reference elements
    /// (`incoming`, `flowNodeRef`, ...) are not elements of the model and not counted.
    pub counts: BTreeMap<String, usize>,
    /// Diagram coverage.
    pub di: DiCoverage,
}

fn is_shape_kind(kind: &Kind) -> bool {
    kind.is_flow_node()
        || matches!(
            kind,
            Kind::Participant
                | Kind::Lane
                | Kind::DataObjectReference
                | Kind::DataStoreReference
                | Kind::TextAnnotation
                | Kind::Group
        )
}

fn is_edge_kind(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::SequenceFlow
            | Kind::MessageFlow
            | Kind::Association
            | Kind::DataInputAssociation
            | Kind::DataOutputAssociation
    )
}

impl Summary {
    /// Summarises a model.
    #[must_use]
    pub fn of(model: &Model) -> Self {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut di = DiCoverage {
            diagrams: model.diagrams.len(),
            ..DiCoverage::default()
        };
        for (_, e) in model.iter() {
            *counts.entry(e.kind.local_name().to_owned()).or_default() += 1;
            if is_shape_kind(&e.kind) {
                di.shape_elements += 1;
                di.with_shape += usize::from(e.links.shape.is_some());
            }
            if is_edge_kind(&e.kind) {
                di.edge_elements += 1;
                di.with_edge += usize::from(e.links.edge.is_some());
            }
        }
        for d in &model.diagrams {
            *counts.entry("BPMNDiagram".into()).or_default() += 1;
            let planes = || std::iter::once(&d.plane).chain(&d.extra_planes);
            *counts.entry("BPMNPlane".into()).or_default() += 1 + d.extra_planes.len();
            let shapes = planes().map(|p| p.shapes.len()).sum();
            let edges = planes().map(|p| p.edges.len()).sum();
            let labels = planes()
                .map(|p| {
                    p.shapes.iter().filter(|s| s.label.is_some()).count()
                        + p.edges.iter().filter(|s| s.label.is_some()).count()
                })
                .sum();
            for (key, n) in [
                ("BPMNShape", shapes),
                ("BPMNEdge", edges),
                ("BPMNLabel", labels),
                ("BPMNLabelStyle", d.label_styles.len()),
            ] {
                if n > 0 {
                    *counts.entry(key.into()).or_default() += n;
                }
            }
        }
        let id_of = |id: Option<ElementId>| id.map(|i| model.el(i).id_str().to_owned());
        let processes = model
            .processes()
            .map(|(pid, p)| {
                let mut flow_nodes = 0;
                let mut sequence_flows = 0;
                for (id, e) in model.iter() {
                    if e.kind.is_flow_node() && model.process_of(id) == Some(pid) {
                        flow_nodes += 1;
                    } else if e.kind == Kind::SequenceFlow && model.process_of(id) == Some(pid) {
                        sequence_flows += 1;
                    }
                }
                ProcessSummary {
                    id: p.id_str().to_owned(),
                    name: p.label().map(str::to_owned),
                    is_executable: p.bool_attr("isExecutable").unwrap_or(false),
                    flow_nodes,
                    sequence_flows,
                }
            })
            .collect();
        let pools = model
            .of_kind(&Kind::Participant)
            .map(|(_, e)| PoolSummary {
                id: e.id_str().to_owned(),
                name: e.label().map(str::to_owned),
                process: id_of(e.links.process),
            })
            .collect();
        let lanes = model
            .of_kind(&Kind::Lane)
            .map(|(id, e)| {
                let mut depth = 0;
                let mut cur = e.parent;
                while let Some(p) = cur {
                    if model.el(p).kind == Kind::Lane {
                        depth += 1;
                    }
                    cur = model.el(p).parent;
                }
                LaneSummary {
                    id: e.id_str().to_owned(),
                    name: e.label().map(str::to_owned),
                    process: id_of(model.process_of(id)),
                    depth,
                    flow_nodes: e.links.flow_nodes.len(),
                }
            })
            .collect();
        Summary {
            processes,
            pools,
            lanes,
            counts,
            di,
        }
    }
}
