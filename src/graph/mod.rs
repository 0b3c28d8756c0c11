//! petgraph views of a model: one flow graph per process or sub-process scope, and a
//! collaboration graph across pools with message flows.

use std::collections::{HashMap, HashSet};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, Reversed, Walker};

use crate::model::{ElementId, Kind, Model};

/// What an edge of a graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edge {
    /// A sequence flow.
    Sequence(ElementId),
    /// A message flow (collaboration graph only).
    Message(ElementId),
    /// From an activity to a boundary event attached to it.
    Attachment,
}

/// Every process and (nested) sub-process of a model, in document order.
#[must_use]
pub fn scopes(model: &Model) -> Vec<ElementId> {
    model
        .iter()
        .filter(|(_, e)| e.kind.is_flow_container())
        .map(|(id, _)| id)
        .collect()
}

/// The flow graph of one scope: nodes are the scope's flow nodes (boundary events
/// included), edges its sequence flows plus host → boundary-event attachments.
#[derive(Debug, Clone)]
pub struct FlowGraph {
    /// The process or sub-process.
    pub scope: ElementId,
    /// The graph; node weights are flow nodes.
    pub graph: DiGraph<ElementId, Edge>,
    index: HashMap<ElementId, NodeIndex>,
}

impl FlowGraph {
    /// Builds the graph of a scope.
    #[must_use]
    pub fn new(model: &Model, scope: ElementId) -> Self {
        let mut graph = DiGraph::new();
        let mut index = HashMap::new();
        for (id, _) in model.flow_nodes(scope) {
            index.insert(id, graph.add_node(id));
        }
        for (flow, e) in model.sequence_flows(scope) {
            if let (Some(s), Some(t)) = (e.links.source, e.links.target) {
                if let (Some(&a), Some(&b)) = (index.get(&s), index.get(&t)) {
                    graph.add_edge(a, b, Edge::Sequence(flow));
                }
            }
        }
        for (id, e) in model.flow_nodes(scope) {
            if let (Some(host), Some(&b)) = (e.links.attached_to, index.get(&id)) {
                if let Some(&h) = index.get(&host) {
                    graph.add_edge(h, b, Edge::Attachment);
                }
            }
        }
        FlowGraph {
            scope,
            graph,
            index,
        }
    }

    /// The graph node of a flow node, if it is in this scope.
    #[must_use]
    pub fn node(&self, el: ElementId) -> Option<NodeIndex> {
        self.index.get(&el).copied()
    }

    /// The flow node of a graph node.
    #[must_use]
    pub fn element(&self, n: NodeIndex) -> ElementId {
        self.graph[n]
    }

    /// Flow nodes reached directly from `el` (by sequence flow or attachment).
    #[must_use]
    pub fn successors(&self, el: ElementId) -> Vec<ElementId> {
        self.neighbors(el, Direction::Outgoing)
    }

    /// Flow nodes that reach `el` directly.
    #[must_use]
    pub fn predecessors(&self, el: ElementId) -> Vec<ElementId> {
        self.neighbors(el, Direction::Incoming)
    }

    fn neighbors(&self, el: ElementId, dir: Direction) -> Vec<ElementId> {
        self.node(el)
            .map(|n| {
                self.graph
                    .neighbors_directed(n, dir)
                    .map(|m| self.graph[m])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Entry points of the scope: start events, and flow nodes without incoming
    /// sequence flows that are not boundary events, compensation handlers or link catches.
    #[must_use]
    pub fn starts(&self, model: &Model) -> Vec<ElementId> {
        self.graph
            .node_indices()
            .map(|n| self.graph[n])
            .filter(|&el| {
                let e = model.el(el);
                e.kind == Kind::StartEvent
                    || (e.links.incoming.is_empty()
                        && e.kind != Kind::BoundaryEvent
                        && !e.bool_attr("isForCompensation").unwrap_or(false)
                        && !is_link_catch(model, el))
            })
            .collect()
    }

    /// Exit points: end events and flow nodes without outgoing sequence flows.
    #[must_use]
    pub fn ends(&self, model: &Model) -> Vec<ElementId> {
        self.graph
            .node_indices()
            .map(|n| self.graph[n])
            .filter(|&el| {
                let e = model.el(el);
                e.kind == Kind::EndEvent || e.links.outgoing.is_empty()
            })
            .collect()
    }

    /// Everything reachable from `from` (included), following edges forward.
    #[must_use]
    pub fn reachable_from(&self, from: &[ElementId]) -> HashSet<ElementId> {
        let mut seen = HashSet::new();
        for &el in from {
            if let Some(n) = self.node(el) {
                for m in Bfs::new(&self.graph, n).iter(&self.graph) {
                    seen.insert(self.graph[m]);
                }
            }
        }
        seen
    }

    /// Everything that can reach one of `to` (included), following edges backward.
    #[must_use]
    pub fn reaching(&self, to: &[ElementId]) -> HashSet<ElementId> {
        let rev = Reversed(&self.graph);
        let mut seen = HashSet::new();
        for &el in to {
            if let Some(n) = self.node(el) {
                for m in Bfs::new(rev, n).iter(rev) {
                    seen.insert(self.graph[m]);
                }
            }
        }
        seen
    }
}

/// The name that pairs a link throw event with its link catch event (BPMN 2.0.2 §10.5.5):
/// the `name` of its `linkEventDefinition`, or, when that is missing or blank, the event's
/// own name. Tools built on EMF write `name=""` on every definition and name the events
/// instead; a blank name pairs nothing, or every unnamed throw would go to the first
/// unnamed catch. Surrounding whitespace is not part of the name.
#[must_use]
pub fn link_name(model: &Model, el: ElementId) -> Option<&str> {
    model
        .event_definitions(el)
        .find(|(_, d)| d.kind == Kind::LinkEventDefinition)
        .and_then(|(_, d)| d.attr("name"))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .or_else(|| model.el(el).label())
}

/// The link catch event a link throw event leads to (BPMN 2.0.2 §10.5.5: a source has
/// exactly one target, a target may have many sources): the link catch of the same scope
/// with the same [`link_name`]. A throw with no name at all leads to the scope's one catch
/// with no name; with two or more, which one would be a guess, and the throw leads nowhere
/// (verify reports the token stuck there).
#[must_use]
pub fn link_target(model: &Model, throw: ElementId) -> Option<ElementId> {
    let is_link_throw = |el: ElementId| {
        model.el(el).kind == Kind::IntermediateThrowEvent
            && model
                .event_definitions(el)
                .any(|(_, d)| d.kind == Kind::LinkEventDefinition)
    };
    if !is_link_throw(throw) {
        return None;
    }
    let scope = model.scope_of(throw);
    let name = link_name(model, throw);
    let in_scope = |el: ElementId| model.scope_of(el) == scope && link_name(model, el) == name;
    let mut catches = model
        .iter()
        .map(|(el, _)| el)
        .filter(|&el| is_link_catch(model, el) && in_scope(el));
    let first = catches.next()?;
    (name.is_some() || catches.next().is_none()).then_some(first)
}

/// Whether an intermediate catch event is a link catch (entered by a link throw).
#[must_use]
pub fn is_link_catch(model: &Model, el: ElementId) -> bool {
    model.el(el).kind == Kind::IntermediateCatchEvent
        && model
            .event_definitions(el)
            .any(|(_, d)| d.kind == Kind::LinkEventDefinition)
}

/// All flow nodes of every scope, with sequence flows and message flows, and
/// attachments: the view for collaboration-level questions.
#[derive(Debug, Clone)]
pub struct CollaborationGraph {
    /// The graph; node weights are flow nodes and participants.
    pub graph: DiGraph<ElementId, Edge>,
    index: HashMap<ElementId, NodeIndex>,
}

impl CollaborationGraph {
    /// Builds the graph over the whole model.
    #[must_use]
    pub fn new(model: &Model) -> Self {
        let mut graph = DiGraph::new();
        let mut index = HashMap::new();
        for (id, e) in model.iter() {
            if e.kind.is_flow_node() || e.kind == Kind::Participant {
                index.insert(id, graph.add_node(id));
            }
        }
        for (id, e) in model.iter() {
            let edge = match e.kind {
                Kind::SequenceFlow => Edge::Sequence(id),
                Kind::MessageFlow => Edge::Message(id),
                _ => {
                    if let (Some(host), Some(&b)) = (e.links.attached_to, index.get(&id)) {
                        if let Some(&h) = index.get(&host) {
                            graph.add_edge(h, b, Edge::Attachment);
                        }
                    }
                    continue;
                }
            };
            if let (Some(s), Some(t)) = (e.links.source, e.links.target) {
                if let (Some(&a), Some(&b)) = (index.get(&s), index.get(&t)) {
                    graph.add_edge(a, b, edge);
                }
            }
        }
        CollaborationGraph { graph, index }
    }

    /// The graph node of an element.
    #[must_use]
    pub fn node(&self, el: ElementId) -> Option<NodeIndex> {
        self.index.get(&el).copied()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{link_name, link_target};
    use crate::parse::{ParseOptions, parse_str};

    #[test]
    fn link_names_come_from_the_definition_else_from_the_event() {
        let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p">
  <intermediateThrowEvent id="named" name="Event"><linkEventDefinition name=" L1 "/></intermediateThrowEvent>
  <intermediateThrowEvent id="blank" name="To X"><linkEventDefinition name=" "/></intermediateThrowEvent>
  <intermediateThrowEvent id="absent" name="To Y"><linkEventDefinition/></intermediateThrowEvent>
  <intermediateThrowEvent id="none"><linkEventDefinition name=""/></intermediateThrowEvent>
</process></definitions>"#;
        let model = parse_str("links.bpmn", xml, &ParseOptions::default()).unwrap();
        let name = |id: &str| link_name(&model, model.by_id(id).unwrap());
        assert_eq!(name("named"), Some("L1"));
        assert_eq!(name("blank"), Some("To X"));
        assert_eq!(name("absent"), Some("To Y"));
        assert_eq!(name("none"), None);
    }

    #[test]
    fn a_link_throw_leads_to_the_catch_of_its_name_in_its_scope() {
        let link = |tag: &str, id: &str, def: &str| {
            format!("<{tag} id=\"{id}\"><linkEventDefinition{def}/></{tag}>")
        };
        let throw = |id: &str, def: &str| link("intermediateThrowEvent", id, def);
        let catch = |id: &str, def: &str| link("intermediateCatchEvent", id, def);
        let xml = format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p">{}{}{}{}{}
  <subProcess id="sub">{}{}</subProcess>
  <intermediateThrowEvent id="msg" name="A"><messageEventDefinition/></intermediateThrowEvent>
</process>
<process id="q">{}{}{}</process>
<process id="r">{}{}{}</process></definitions>"#,
            throw("ta", r#" name="A""#),
            catch("ca", r#" name="A""#),
            throw("tb", r#" name="B""#),
            throw("u1", ""),
            catch("cu1", ""),
            catch("cb_inner", r#" name="B""#),
            throw("u_inner", ""),
            throw("v1", ""),
            throw("v2", ""),
            catch("cv", ""),
            throw("w", ""),
            catch("cw1", ""),
            catch("cw2", ""),
        );
        let model = parse_str("links.bpmn", &xml, &ParseOptions::default()).unwrap();
        let target = |id: &str| {
            link_target(&model, model.by_id(id).unwrap())
                .and_then(|c| model.el(c).id.as_deref().map(str::to_owned))
        };
        assert_eq!(target("ta").as_deref(), Some("ca"));
        // The only "B" catch is in the sub-process: another scope.
        assert_eq!(target("tb"), None);
        // One unnamed throw and one unnamed catch in a scope pair up...
        assert_eq!(target("u1").as_deref(), Some("cu1"));
        // ...and several throws may share one catch, but not across scopes.
        assert_eq!(target("v1").as_deref(), Some("cv"));
        assert_eq!(target("v2").as_deref(), Some("cv"));
        assert_eq!(target("u_inner"), None);
        // Two unnamed catches: which one would be a guess.
        assert_eq!(target("w"), None);
        // A message throw named like a link leads nowhere.
        assert_eq!(target("msg"), None);
    }
}
