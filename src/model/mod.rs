//! The typed BPMN 2.0 model: semantics (an arena of [`Element`]s) and diagram interchange.
//!
//! Every semantic element of the BPMN model namespace becomes one [`Element`] in
//! [`Model::elements`], with its [`Kind`], attributes, children and source [`Span`].
//! References (`sourceRef`, `attachedToRef`, `default`, `processRef`, ...) are resolved
//! after reading into the `links` of each element; what does not resolve is a diagnostic
//! in [`Model::diagnostics`]. Extension content (`extensionElements`, foreign elements and
//! attributes) is kept raw and namespaced, so later rules can read `camunda:assignee` or
//! `bioc:stroke` without the parser knowing those vendors.

mod di;
mod kind;
mod source;
mod summary;

use std::sync::Arc;

pub use di::{Bounds, DiEdge, DiLabel, DiShape, Diagram, Plane, Point};
pub use kind::Kind;
pub use source::{LineCol, Origin, SourceText, Span};
pub use summary::{DiCoverage, LaneSummary, PoolSummary, ProcessSummary, Summary};

use crate::diagnostic::Diagnostic;

/// The BPMN 2.0 model namespace.
pub const BPMN_NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
/// The BPMN 2.0 diagram interchange namespace.
pub const BPMNDI_NS: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
/// The OMG DC namespace (bounds, points).
pub const DC_NS: &str = "http://www.omg.org/spec/DD/20100524/DC";
/// The OMG DI namespace (waypoints).
pub const DI_NS: &str = "http://www.omg.org/spec/DD/20100524/DI";
/// XML Schema instance namespace (`xsi:type`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Camunda 7 extension namespace.
pub const CAMUNDA_NS: &str = "http://camunda.org/schema/1.0/bpmn";
/// Camunda 8 (Zeebe) extension namespace.
pub const ZEEBE_NS: &str = "http://camunda.org/schema/zeebe/1.0";
/// bpmn.io colour extension namespace.
pub const BIOC_NS: &str = "http://bpmn.io/schema/bpmn/biocolor/1.0";
/// OMG "BPMN in Color" namespace.
pub const COLOR_NS: &str = "http://www.omg.org/spec/BPMN/non-normative/color/1.0";

/// Index of an element in [`Model::elements`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct ElementId(pub u32);

impl ElementId {
    /// The index as `usize`.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An XML attribute, with its namespace resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Namespace URI; `None` for unqualified attributes (the BPMN ones).
    pub ns: Option<Box<str>>,
    /// Prefix as written (for display only).
    pub prefix: Option<Box<str>>,
    /// Local name. The attribute names BPMN and its common extensions use are shared
    /// static strings (a file has tens of thousands of attributes and a few dozen names).
    pub local: std::borrow::Cow<'static, str>,
    /// Unescaped value.
    pub value: Box<str>,
}

/// A raw XML element kept as read: extension content and elements of unknown namespaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlNode {
    /// Namespace URI, `None` when the element has no namespace.
    pub ns: Option<Box<str>>,
    /// Prefix as written.
    pub prefix: Option<Box<str>>,
    /// Local name.
    pub local: Box<str>,
    /// Attributes (namespace declarations excluded).
    pub attrs: Vec<Attr>,
    /// Child elements.
    pub children: Vec<XmlNode>,
    /// Text content (concatenated, trimmed), if any.
    pub text: Option<Box<str>>,
    /// The start tag in the source.
    pub span: Span,
}

impl XmlNode {
    /// An attribute by namespace (None = unqualified) and local name.
    #[must_use]
    pub fn attr(&self, ns: Option<&str>, local: &str) -> Option<&str> {
        find_attr(&self.attrs, ns, local)
    }

    /// This node and all its descendants, depth first.
    pub fn descendants(&self) -> impl Iterator<Item = &XmlNode> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let node = stack.pop()?;
            stack.extend(node.children.iter().rev());
            Some(node)
        })
    }
}

fn find_attr<'a>(attrs: &'a [Attr], ns: Option<&str>, local: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.ns.as_deref() == ns && &*a.local == local)
        .map(|a| &*a.value)
}

/// References resolved after reading. Each is `None`/empty when absent or dangling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// Sequence flows entering this flow node (from the flows' `targetRef`).
    pub incoming: Vec<ElementId>,
    /// Sequence flows leaving this flow node (from the flows' `sourceRef`).
    pub outgoing: Vec<ElementId>,
    /// For flows and associations: the source element.
    pub source: Option<ElementId>,
    /// For flows and associations: the target element.
    pub target: Option<ElementId>,
    /// For gateways and activities: the `default` sequence flow.
    pub default_flow: Option<ElementId>,
    /// For boundary events: the activity it is attached to.
    pub attached_to: Option<ElementId>,
    /// For activities: the boundary events attached to it.
    pub boundary_events: Vec<ElementId>,
    /// For participants: the process of the pool.
    pub process: Option<ElementId>,
    /// For processes: the participant (pool) that shows it.
    pub participant: Option<ElementId>,
    /// For lanes: the flow nodes listed in `flowNodeRef`.
    pub flow_nodes: Vec<ElementId>,
    /// For flow nodes: the lanes listing it, outermost first.
    pub lanes: Vec<ElementId>,
    /// Message flows leaving this element.
    pub message_out: Vec<ElementId>,
    /// Message flows entering this element.
    pub message_in: Vec<ElementId>,
    /// The element's DI shape, as (diagram index, shape index).
    pub shape: Option<(u32, u32)>,
    /// The element's DI edge, as (diagram index, edge index).
    pub edge: Option<(u32, u32)>,
}

/// One semantic BPMN element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// What the element is.
    pub kind: Kind,
    /// Its `id` attribute.
    pub id: Option<Box<str>>,
    /// Its `name` attribute.
    pub name: Option<Box<str>>,
    /// The element's start tag in the source.
    pub span: Span,
    /// The containing semantic element (`None` for `definitions`).
    pub parent: Option<ElementId>,
    /// Semantic child elements, in document order.
    pub children: Vec<ElementId>,
    /// The other attributes (all but the unqualified `id` and `name`, which are in their
    /// fields), qualified ones with their namespace URI. [`Element::attr`] finds all.
    pub attrs: Vec<Attr>,
    /// Reference child elements (`incoming`, `flowNodeRef`, `dataInputRefs`, ...) as
    /// (local name, text) pairs: the spec's `...Ref(s)` element form of references.
    pub refs: Vec<(Box<str>, Box<str>)>,
    /// Text content for text-bearing elements (`documentation`, `conditionExpression`,
    /// `timeDuration`, `text`, `script`, ...), trimmed.
    pub text: Option<Box<str>>,
    /// Raw content: for `extensionElements` its children; for other elements, any child
    /// elements of foreign namespaces.
    pub raw: Vec<XmlNode>,
    /// Resolved references.
    pub links: Links,
}

impl Element {
    /// An unqualified attribute (the BPMN ones: `isExecutable`, `sourceRef`, ...).
    #[must_use]
    pub fn attr(&self, local: &str) -> Option<&str> {
        match local {
            "id" => self.id.as_deref(),
            "name" => self.name.as_deref(),
            _ => find_attr(&self.attrs, None, local),
        }
    }

    /// A namespaced attribute such as `camunda:assignee` (by namespace URI).
    #[must_use]
    pub fn ns_attr(&self, ns: &str, local: &str) -> Option<&str> {
        find_attr(&self.attrs, Some(ns), local)
    }

    /// A boolean attribute (`true`/`false`, xsd:boolean also allows `1`/`0`).
    #[must_use]
    pub fn bool_attr(&self, local: &str) -> Option<bool> {
        match self.attr(local)?.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }

    /// The id, or the empty string.
    #[must_use]
    pub fn id_str(&self) -> &str {
        self.id.as_deref().unwrap_or("")
    }

    /// The name, trimmed; `None` when absent or blank.
    #[must_use]
    pub fn label(&self) -> Option<&str> {
        self.name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The values of reference child elements with this local name.
    pub fn refs_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.refs
            .iter()
            .filter(move |(name, _)| &**name == local)
            .map(|(_, value)| &**value)
    }
}

/// A parsed BPMN file: the semantic elements, the diagrams and what was found while reading.
#[derive(Debug, Clone)]
pub struct Model {
    /// The file's decoded text and name.
    pub source: Arc<SourceText>,
    /// All semantic elements; index 0 is `definitions`.
    pub elements: Vec<Element>,
    /// Ids of semantic elements (hashbrown with its randomly seeded foldhash: faster than
    /// SipHash, and still not predictable from a hostile file).
    pub ids: hashbrown::HashMap<Box<str>, ElementId>,
    /// Every `BPMNDiagram`, in document order.
    pub diagrams: Vec<Diagram>,
    /// Namespace declarations of the root element, as (prefix, URI); `""` is the default.
    pub namespaces: Vec<(Box<str>, Box<str>)>,
    /// Problems found while reading and resolving (never fatal ones: those are errors).
    pub diagnostics: Vec<Diagnostic>,
}

impl Model {
    /// The `definitions` root.
    #[must_use]
    pub fn root(&self) -> ElementId {
        ElementId(0)
    }

    /// The element with this arena index.
    ///
    /// # Panics
    /// If `id` does not come from this model.
    #[must_use]
    pub fn el(&self, id: ElementId) -> &Element {
        &self.elements[id.index()]
    }

    /// Looks up a semantic element by its XML id.
    #[must_use]
    pub fn by_id(&self, id: &str) -> Option<ElementId> {
        self.ids.get(id).copied()
    }

    /// All element arena ids with their elements.
    pub fn iter(&self) -> impl Iterator<Item = (ElementId, &Element)> {
        self.elements
            .iter()
            .enumerate()
            .map(|(i, e)| (ElementId(u32::try_from(i).unwrap_or(u32::MAX)), e))
    }

    /// Elements of one kind.
    pub fn of_kind<'a>(
        &'a self,
        kind: &'a Kind,
    ) -> impl Iterator<Item = (ElementId, &'a Element)> + 'a {
        self.iter().filter(move |(_, e)| &e.kind == kind)
    }

    /// All processes.
    pub fn processes(&self) -> impl Iterator<Item = (ElementId, &Element)> {
        self.of_kind(&Kind::Process)
    }

    /// Child elements of `id`.
    pub fn children(&self, id: ElementId) -> impl Iterator<Item = (ElementId, &Element)> {
        self.el(id).children.iter().map(move |&c| (c, self.el(c)))
    }

    /// Flow nodes directly contained in a process or sub-process.
    pub fn flow_nodes(&self, scope: ElementId) -> impl Iterator<Item = (ElementId, &Element)> {
        self.children(scope).filter(|(_, e)| e.kind.is_flow_node())
    }

    /// Sequence flows directly contained in a process or sub-process.
    pub fn sequence_flows(&self, scope: ElementId) -> impl Iterator<Item = (ElementId, &Element)> {
        self.children(scope)
            .filter(|(_, e)| e.kind == Kind::SequenceFlow)
    }

    /// Event definitions of an event (its `...EventDefinition` children).
    pub fn event_definitions(
        &self,
        event: ElementId,
    ) -> impl Iterator<Item = (ElementId, &Element)> {
        self.children(event)
            .filter(|(_, e)| e.kind.is_event_definition())
    }

    /// The loop characteristics of an activity, if any.
    #[must_use]
    pub fn loop_characteristics(&self, activity: ElementId) -> Option<(ElementId, &Element)> {
        self.children(activity).find(|(_, e)| {
            matches!(
                e.kind,
                Kind::StandardLoopCharacteristics | Kind::MultiInstanceLoopCharacteristics
            )
        })
    }

    /// The raw extension nodes of an element (the children of its `extensionElements`).
    pub fn extensions(&self, id: ElementId) -> impl Iterator<Item = &XmlNode> {
        self.children(id)
            .filter(|(_, e)| e.kind == Kind::ExtensionElements)
            .flat_map(|(_, e)| e.raw.iter())
    }

    /// The process or sub-process directly containing a flow element.
    #[must_use]
    pub fn scope_of(&self, id: ElementId) -> Option<ElementId> {
        let mut cur = self.el(id).parent;
        while let Some(p) = cur {
            if self.el(p).kind.is_flow_container() {
                return Some(p);
            }
            cur = self.el(p).parent;
        }
        None
    }

    /// The process containing an element, however deeply nested.
    #[must_use]
    pub fn process_of(&self, id: ElementId) -> Option<ElementId> {
        let mut cur = Some(id);
        while let Some(c) = cur {
            if self.el(c).kind == Kind::Process {
                return Some(c);
            }
            cur = self.el(c).parent;
        }
        None
    }

    /// The text of the first `documentation` child.
    #[must_use]
    pub fn documentation(&self, id: ElementId) -> Option<&str> {
        self.children(id)
            .find(|(_, e)| e.kind == Kind::Documentation)
            .and_then(|(_, e)| e.text.as_deref())
    }

    /// The DI shape of an element, if the file has one.
    #[must_use]
    pub fn shape(&self, id: ElementId) -> Option<&DiShape> {
        let (d, s) = self.el(id).links.shape?;
        self.diagrams.get(d as usize)?.plane.shapes.get(s as usize)
    }

    /// The DI edge of an element, if the file has one.
    #[must_use]
    pub fn edge(&self, id: ElementId) -> Option<&DiEdge> {
        let (d, s) = self.el(id).links.edge?;
        self.diagrams.get(d as usize)?.plane.edges.get(s as usize)
    }

    /// A short description for messages: `user task "Approve order" (Task_1)`.
    #[must_use]
    pub fn describe(&self, id: ElementId) -> String {
        let e = self.el(id);
        // Names keep the line breaks modellers type (Signavio, Camunda); a description is
        // one line.
        let one_line = e.label().map(|n| {
            n.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        });
        match (one_line.as_deref(), e.id.as_deref()) {
            (Some(name), Some(xml_id)) => format!("{} \"{name}\" ({xml_id})", e.kind.human_name()),
            (None, Some(xml_id)) => format!("{} {xml_id}", e.kind.human_name()),
            (Some(name), None) => format!("{} \"{name}\"", e.kind.human_name()),
            (None, None) => e.kind.human_name(),
        }
    }
}
