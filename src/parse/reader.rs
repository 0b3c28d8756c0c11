//! The XML walk: events from quick-xml into the element arena and DI.

use std::collections::HashMap;
use std::sync::Arc;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::{ParseError, ParseOptions};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Attr, BPMN_NS, BPMNDI_NS, Bounds, DC_NS, DI_NS, DiEdge, DiLabel, DiShape, Diagram, Element,
    ElementId, Kind, Links, Model, Point, SourceText, Span, XmlNode,
};

/// What an open element on the stack is.
enum Frame {
    /// A semantic BPMN element in the arena.
    Sem(ElementId),
    /// A `...Ref`/`incoming`/`outgoing` child of a semantic element: text collected.
    Ref { parent: ElementId, local: Box<str> },
    /// Raw content being built (extension or foreign element).
    Raw(XmlNode),
    /// `BPMNDiagram` (index into diagrams).
    Diagram,
    /// `BPMNPlane` of the last diagram.
    Plane,
    /// A second `BPMNPlane`: read into `plane`, swapped into `extra_planes` on close.
    ExtraPlane,
    /// `BPMNShape` (index into the last plane's shapes).
    Shape,
    /// `BPMNEdge`.
    Edge,
    /// `BPMNLabel` of the last shape (true) or edge (false).
    Label(bool),
    /// `BPMNLabelStyle`.
    LabelStyle,
    /// Anything else: skipped with its content.
    Skip,
}

struct Reader<'a> {
    source: &'a Arc<SourceText>,
    options: &'a ParseOptions,
    elements: Vec<Element>,
    ids: HashMap<Box<str>, ElementId>,
    diagrams: Vec<Diagram>,
    namespaces: Vec<(Box<str>, Box<str>)>,
    diagnostics: Vec<Diagnostic>,
    stack: Vec<Frame>,
    text: String,
    element_count: usize,
    doctype_warned: bool,
    unknown_prefixes: Vec<String>,
}

/// Whether a BPMN-namespace local name is the element form of a reference.
pub(crate) fn is_ref_element(local: &str) -> bool {
    local.ends_with("Ref") || local.ends_with("Refs") || local == "incoming" || local == "outgoing"
}

fn to_box(s: &str) -> Box<str> {
    s.into()
}

pub(super) fn read(source: Arc<SourceText>, options: &ParseOptions) -> Result<Model, ParseError> {
    let text = source.text();
    let mut xml = NsReader::from_str(text);
    {
        let config = xml.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.check_comments = false;
    }
    let mut r = Reader {
        source: &source,
        options,
        elements: Vec::new(),
        ids: HashMap::new(),
        diagrams: Vec::new(),
        namespaces: Vec::new(),
        diagnostics: Vec::new(),
        stack: Vec::new(),
        text: String::new(),
        element_count: 0,
        doctype_warned: false,
        unknown_prefixes: Vec::new(),
    };
    let mut seen_root = false;
    loop {
        let start = usize::try_from(xml.buffer_position()).unwrap_or(usize::MAX);
        let (ns, event) = match xml.read_resolved_event() {
            Ok(ok) => ok,
            Err(err) => {
                let at = usize::try_from(xml.error_position()).unwrap_or(0);
                return Err(r.fatal(
                    "parse::malformed-xml",
                    format!("Malformed XML: {err}"),
                    Span::new(at, at + 1),
                    "fix the XML so that it is well-formed",
                ));
            }
        };
        let ns: Option<Box<str>> = match ns {
            ResolveResult::Bound(ns) => Some(to_box(ns.into_inner())),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(prefix) => {
                // Not namespace-well-formed, but readable: keep the element as foreign
                // content (never as BPMN) and say so once per prefix.
                let end = usize::try_from(xml.buffer_position()).unwrap_or(start);
                r.unknown_prefix(&prefix, Span::new(start, end));
                Some(to_box(&format!("urn:bpmnkit:undeclared-prefix:{prefix}")))
            }
        };
        let end = usize::try_from(xml.buffer_position()).unwrap_or(start);
        let span = Span::new(start, end);
        match event {
            Event::Start(e) | Event::Empty(e) if seen_root && r.stack.is_empty() => {
                let _ = e;
                return Err(r.fatal(
                    "parse::malformed-xml",
                    "Malformed XML: content after the root element".to_owned(),
                    span,
                    "a document has exactly one root element",
                ));
            }
            Event::Start(e) => {
                let is_root = !seen_root;
                seen_root = true;
                r.open(&xml, ns, &e, span, is_root)?;
            }
            Event::Empty(e) => {
                let is_root = !seen_root;
                seen_root = true;
                r.open(&xml, ns, &e, span, is_root)?;
                r.close();
            }
            Event::End(_) => r.close(),
            Event::Text(t) => {
                if !r.stack.is_empty() {
                    let raw = t.into_inner();
                    if !(r.text.is_empty() && raw.trim().is_empty()) {
                        r.text.push_str(&raw);
                    }
                }
            }
            Event::CData(c) => {
                if !r.stack.is_empty() {
                    r.text.push_str(&c.into_inner());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => Some(ch.to_string()),
                    Ok(None) => {
                        let name: &str = &reference;
                        quick_xml::escape::resolve_predefined_entity(name).map(str::to_owned)
                    }
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => r.text.push_str(&s),
                    None => {
                        let name = reference.to_string();
                        return Err(r.fatal(
                            "parse::entity",
                            format!("Entity reference &{name}; is not expanded"),
                            span,
                            "bpmnkit expands only XML's predefined entities and character references; DTD entities are never expanded",
                        ));
                    }
                }
            }
            Event::DocType(d) => {
                let body: &str = &d;
                if (body.contains("<!ENTITY") || body.contains("SYSTEM") || body.contains("PUBLIC"))
                    && !r.doctype_warned
                {
                    r.doctype_warned = true;
                    r.diagnostics.push(
                        Diagnostic::warning(
                            "parse::doctype",
                            "DOCTYPE declarations are ignored: no entity is expanded and no external DTD is read",
                        )
                        .with_span(span)
                        .with_help("remove the DOCTYPE; BPMN files do not need one"),
                    );
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !r.stack.is_empty() {
        let at = text.len();
        return Err(r.fatal(
            "parse::malformed-xml",
            "Malformed XML: the file ends before all elements are closed".to_owned(),
            Span::new(at.saturating_sub(1), at),
            "the file looks truncated",
        ));
    }
    if r.elements.is_empty() {
        return Err(r.fatal(
            "parse::not-bpmn",
            "Not a BPMN file: no BPMN 2.0 definitions element".to_owned(),
            Span::new(0, 1.min(text.len())),
            "a BPMN 2.0 file has a root element definitions in namespace http://www.omg.org/spec/BPMN/20100524/MODEL",
        ));
    }
    Ok(Model {
        source: Arc::clone(&source),
        elements: r.elements,
        ids: r.ids,
        diagrams: r.diagrams,
        namespaces: r.namespaces,
        diagnostics: r.diagnostics,
    })
}

impl Reader<'_> {
    fn unknown_prefix(&mut self, prefix: &str, span: Span) {
        if self.unknown_prefixes.iter().any(|p| p == prefix) {
            return;
        }
        self.unknown_prefixes.push(prefix.to_owned());
        self.diagnostics.push(
            Diagnostic::warning(
                "parse::unknown-prefix",
                format!("Namespace prefix \"{prefix}\" is not declared; its elements are kept as foreign content"),
            )
            .with_span(span)
            .with_help(format!("declare it with xmlns:{prefix}=\"...\" on the root element")),
        );
    }

    fn fatal(&self, code: &str, message: String, span: Span, help: &str) -> ParseError {
        ParseError::Invalid {
            source_text: Arc::clone(self.source),
            diagnostic: Box::new(
                Diagnostic::error(code, message)
                    .with_span(span)
                    .with_help(help.to_owned()),
            ),
        }
    }

    fn attrs(
        &self,
        xml: &NsReader<&[u8]>,
        e: &BytesStart<'_>,
        span: Span,
        namespaces: Option<&mut Vec<(Box<str>, Box<str>)>>,
    ) -> Result<Vec<Attr>, ParseError> {
        let mut out = Vec::new();
        let mut decls = namespaces;
        for attr in e.attributes() {
            let attr = attr.map_err(|err| {
                self.fatal(
                    "parse::malformed-xml",
                    format!("Malformed XML: {err}"),
                    span,
                    "fix the attribute syntax",
                )
            })?;
            let key = attr.key;
            let raw_key = key.as_ref().to_owned();
            if raw_key == "xmlns" || raw_key.starts_with("xmlns:") {
                if let Some(decls) = decls.as_deref_mut() {
                    let prefix = raw_key.strip_prefix("xmlns:").unwrap_or("");
                    let value = attr.value.to_string();
                    decls.push((prefix.into(), value.into()));
                }
                continue;
            }
            if out.len() >= self.options.max_attributes {
                return Err(self.fatal(
                    "parse::limit",
                    format!(
                        "Element has more than {} attributes",
                        self.options.max_attributes
                    ),
                    span,
                    "raise the limit with --max-attributes if the file is trusted",
                ));
            }
            if attr.value.len() > self.options.max_attribute_len {
                return Err(self.fatal(
                    "parse::limit",
                    format!(
                        "Attribute {raw_key} is {} bytes long, over the limit of {}",
                        attr.value.len(),
                        self.options.max_attribute_len
                    ),
                    span,
                    "raise the limit with --max-attribute-length if the file is trusted",
                ));
            }
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| {
                    self.fatal(
                        "parse::entity",
                        format!("Attribute {raw_key} uses an entity that is not expanded ({err})"),
                        span,
                        "bpmnkit expands only XML's predefined entities and character references",
                    )
                })?;
            let (ns, local) = xml.resolver().resolve_attribute(key);
            let ns = match ns {
                ResolveResult::Bound(ns) => Some(to_box(ns.into_inner())),
                ResolveResult::Unbound => None,
                ResolveResult::Unknown(prefix) => {
                    Some(to_box(&format!("urn:bpmnkit:undeclared-prefix:{prefix}")))
                }
            };
            let prefix = key.prefix().map(|p| to_box(p.as_ref()));
            out.push(Attr {
                ns,
                prefix,
                local: to_box(local.as_ref()),
                value: to_box(&value),
            });
        }
        Ok(out)
    }

    fn open(
        &mut self,
        xml: &NsReader<&[u8]>,
        ns: Option<Box<str>>,
        e: &BytesStart<'_>,
        span: Span,
        is_root: bool,
    ) -> Result<(), ParseError> {
        self.element_count += 1;
        if self.element_count > self.options.max_elements {
            return Err(self.fatal(
                "parse::limit",
                format!("File has more than {} elements", self.options.max_elements),
                span,
                "raise the limit with --max-elements if the file is trusted",
            ));
        }
        if self.stack.len() >= self.options.max_depth {
            return Err(self.fatal(
                "parse::limit",
                format!(
                    "Elements nest deeper than {} levels",
                    self.options.max_depth
                ),
                span,
                "raise the limit with --max-depth if the file is trusted",
            ));
        }
        // Text belongs to the innermost element only: reset on every start tag.
        self.text.clear();
        let local_name = e.local_name();
        let local = local_name.as_ref().to_owned();
        let prefix = e.name().prefix().map(|p| to_box(p.as_ref()));
        let ns_str = ns.as_deref();

        if is_root {
            let mut decls = Vec::new();
            let attrs = self.attrs(xml, e, span, Some(&mut decls))?;
            self.namespaces = decls;
            if ns_str != Some(BPMN_NS) || local != "definitions" {
                let found = match ns_str {
                    Some(uri) => format!("{local} in namespace {uri}"),
                    None => format!("{local} without a namespace"),
                };
                return Err(self.fatal(
                    "parse::not-bpmn",
                    format!("Not a BPMN 2.0 file: the root element is {found}"),
                    span,
                    "a BPMN 2.0 file has a root element definitions in namespace http://www.omg.org/spec/BPMN/20100524/MODEL",
                ));
            }
            let id = self.push_element(Kind::Definitions, attrs, span, None);
            self.stack.push(Frame::Sem(id));
            return Ok(());
        }

        let frame = match self.stack.last() {
            Some(Frame::Sem(parent)) => {
                let parent = *parent;
                let parent_kind_is_ext =
                    self.elements[parent.index()].kind == Kind::ExtensionElements;
                if parent_kind_is_ext {
                    let attrs = self.attrs(xml, e, span, None)?;
                    Frame::Raw(XmlNode {
                        ns,
                        prefix,
                        local: local.into(),
                        attrs,
                        children: Vec::new(),
                        text: None,
                        span,
                    })
                } else if ns_str == Some(BPMN_NS) {
                    if is_ref_element(&local) {
                        Frame::Ref {
                            parent,
                            local: local.into(),
                        }
                    } else {
                        let attrs = self.attrs(xml, e, span, None)?;
                        let id = self.push_element(
                            Kind::from_local_name(&local),
                            attrs,
                            span,
                            Some(parent),
                        );
                        Frame::Sem(id)
                    }
                } else if ns_str == Some(BPMNDI_NS)
                    && local == "BPMNDiagram"
                    && self.elements[parent.index()].kind == Kind::Definitions
                {
                    let attrs = self.attrs(xml, e, span, None)?;
                    self.diagrams.push(Diagram {
                        id: find(&attrs, "id"),
                        name: find(&attrs, "name"),
                        span,
                        ..Diagram::default()
                    });
                    Frame::Diagram
                } else {
                    let attrs = self.attrs(xml, e, span, None)?;
                    Frame::Raw(XmlNode {
                        ns,
                        prefix,
                        local: local.into(),
                        attrs,
                        children: Vec::new(),
                        text: None,
                        span,
                    })
                }
            }
            Some(Frame::Raw(_)) => {
                let attrs = self.attrs(xml, e, span, None)?;
                Frame::Raw(XmlNode {
                    ns,
                    prefix,
                    local: local.into(),
                    attrs,
                    children: Vec::new(),
                    text: None,
                    span,
                })
            }
            Some(Frame::Diagram) if ns_str == Some(BPMNDI_NS) && local == "BPMNPlane" => {
                let attrs = self.attrs(xml, e, span, None)?;
                let plane = crate::model::Plane {
                    id: find(&attrs, "id"),
                    bpmn_element: find(&attrs, "bpmnElement"),
                    ..crate::model::Plane::default()
                };
                if let Some(d) = self.diagrams.last_mut() {
                    if d.plane.id.is_some()
                        || d.plane.bpmn_element.is_some()
                        || !d.plane.shapes.is_empty()
                    {
                        // A second plane: park the first one's content behind the new one
                        // would reorder things; instead fill the new plane in place and
                        // move it to `extra_planes` when it closes.
                        let first = std::mem::replace(&mut d.plane, plane);
                        d.extra_planes.push(first);
                        self.diagnostics.push(
                            Diagnostic::warning(
                                "parse::invalid-di",
                                "BPMNDiagram has more than one BPMNPlane; only the first is drawn",
                            )
                            .with_span(span),
                        );
                        Frame::ExtraPlane
                    } else {
                        d.plane = plane;
                        Frame::Plane
                    }
                } else {
                    Frame::Skip
                }
            }
            Some(Frame::Diagram) if ns_str == Some(BPMNDI_NS) && local == "BPMNLabelStyle" => {
                let attrs = self.attrs(xml, e, span, None)?;
                if let Some(d) = self.diagrams.last_mut() {
                    d.label_styles.push((find(&attrs, "id"), Vec::new()));
                }
                Frame::LabelStyle
            }
            Some(Frame::LabelStyle) if ns_str == Some(DC_NS) && local == "Font" => {
                let attrs = self.attrs(xml, e, span, None)?;
                if let Some((_, font)) = self
                    .diagrams
                    .last_mut()
                    .and_then(|d| d.label_styles.last_mut())
                {
                    *font = attrs;
                }
                Frame::Skip
            }
            Some(Frame::Plane | Frame::ExtraPlane)
                if ns_str == Some(BPMNDI_NS) && local == "BPMNShape" =>
            {
                let attrs = self.attrs(xml, e, span, None)?;
                let shape = DiShape {
                    id: find(&attrs, "id"),
                    bpmn_element: find(&attrs, "bpmnElement"),
                    element: None,
                    bounds: Bounds::default(),
                    is_expanded: find_bool(&attrs, "isExpanded"),
                    is_horizontal: find_bool(&attrs, "isHorizontal"),
                    is_marker_visible: find_bool(&attrs, "isMarkerVisible"),
                    is_message_visible: find_bool(&attrs, "isMessageVisible"),
                    label: None,
                    attrs,
                    span,
                };
                if let Some(d) = self.diagrams.last_mut() {
                    d.plane.shapes.push(shape);
                }
                Frame::Shape
            }
            Some(Frame::Plane | Frame::ExtraPlane)
                if ns_str == Some(BPMNDI_NS) && local == "BPMNEdge" =>
            {
                let attrs = self.attrs(xml, e, span, None)?;
                let edge = DiEdge {
                    id: find(&attrs, "id"),
                    bpmn_element: find(&attrs, "bpmnElement"),
                    element: None,
                    waypoints: Vec::new(),
                    label: None,
                    attrs,
                    span,
                };
                if let Some(d) = self.diagrams.last_mut() {
                    d.plane.edges.push(edge);
                }
                Frame::Edge
            }
            Some(Frame::Shape) if ns_str == Some(DC_NS) && local == "Bounds" => {
                let attrs = self.attrs(xml, e, span, None)?;
                let bounds = self.bounds(&attrs, span);
                if let Some(s) = self
                    .diagrams
                    .last_mut()
                    .and_then(|d| d.plane.shapes.last_mut())
                {
                    s.bounds = bounds;
                }
                Frame::Skip
            }
            Some(Frame::Edge) if ns_str == Some(DI_NS) && local == "waypoint" => {
                let attrs = self.attrs(xml, e, span, None)?;
                let x = self.number(&attrs, "x", span);
                let y = self.number(&attrs, "y", span);
                if let Some(edge) = self
                    .diagrams
                    .last_mut()
                    .and_then(|d| d.plane.edges.last_mut())
                {
                    edge.waypoints.push(Point { x, y });
                }
                Frame::Skip
            }
            Some(Frame::Shape | Frame::Edge)
                if ns_str == Some(BPMNDI_NS) && local == "BPMNLabel" =>
            {
                let on_shape = matches!(self.stack.last(), Some(Frame::Shape));
                let attrs = self.attrs(xml, e, span, None)?;
                let label = DiLabel {
                    bounds: None,
                    label_style: find(&attrs, "labelStyle"),
                    attrs,
                };
                if let Some(plane) = self.diagrams.last_mut().map(|d| &mut d.plane) {
                    if on_shape {
                        if let Some(s) = plane.shapes.last_mut() {
                            s.label = Some(label);
                        }
                    } else if let Some(edge) = plane.edges.last_mut() {
                        edge.label = Some(label);
                    }
                }
                Frame::Label(on_shape)
            }
            Some(Frame::Label(on_shape)) if ns_str == Some(DC_NS) && local == "Bounds" => {
                let on_shape = *on_shape;
                let attrs = self.attrs(xml, e, span, None)?;
                let bounds = self.bounds(&attrs, span);
                if let Some(plane) = self.diagrams.last_mut().map(|d| &mut d.plane) {
                    let label = if on_shape {
                        plane.shapes.last_mut().and_then(|s| s.label.as_mut())
                    } else {
                        plane.edges.last_mut().and_then(|s| s.label.as_mut())
                    };
                    if let Some(label) = label {
                        label.bounds = Some(bounds);
                    }
                }
                Frame::Skip
            }
            Some(
                Frame::Ref { .. }
                | Frame::Diagram
                | Frame::Plane
                | Frame::ExtraPlane
                | Frame::Shape
                | Frame::Edge
                | Frame::Label(_)
                | Frame::LabelStyle
                | Frame::Skip,
            ) => Frame::Skip,
            None => Frame::Skip,
        };
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let text = std::mem::take(&mut self.text);
        let trimmed = text.trim();
        match frame {
            Frame::Sem(id) => {
                if !trimmed.is_empty() {
                    self.elements[id.index()].text = Some(trimmed.into());
                }
            }
            Frame::Ref { parent, local } => {
                if !trimmed.is_empty() {
                    self.elements[parent.index()]
                        .refs
                        .push((local, trimmed.into()));
                }
            }
            Frame::Raw(mut node) => {
                if !trimmed.is_empty() {
                    node.text = Some(trimmed.into());
                }
                match self.stack.last_mut() {
                    Some(Frame::Raw(parent)) => parent.children.push(node),
                    Some(Frame::Sem(parent)) => self.elements[parent.index()].raw.push(node),
                    _ => {}
                }
            }
            Frame::ExtraPlane => {
                if let Some(d) = self.diagrams.last_mut() {
                    if let Some(first) = d.extra_planes.pop() {
                        let extra = std::mem::replace(&mut d.plane, first);
                        d.extra_planes.push(extra);
                    }
                }
            }
            Frame::Diagram
            | Frame::Plane
            | Frame::Shape
            | Frame::Edge
            | Frame::Label(_)
            | Frame::LabelStyle
            | Frame::Skip => {}
        }
    }

    fn push_element(
        &mut self,
        kind: Kind,
        attrs: Vec<Attr>,
        span: Span,
        parent: Option<ElementId>,
    ) -> ElementId {
        let id = ElementId(u32::try_from(self.elements.len()).unwrap_or(u32::MAX));
        let xml_id = find(&attrs, "id");
        if let Some(xml_id) = &xml_id {
            if let Some(&first) = self.ids.get(xml_id) {
                let first_span = self.elements[first.index()].span;
                self.diagnostics.push(
                    Diagnostic::error("parse::duplicate-id", format!("Duplicate id \"{xml_id}\""))
                        .with_span(span)
                        .with_span_label("second use")
                        .with_element(&**xml_id)
                        .with_label(first_span, "first used here", Some(xml_id))
                        .with_help("ids must be unique in a file; rename one of them"),
                );
            } else {
                self.ids.insert(xml_id.clone(), id);
            }
        }
        let name = find(&attrs, "name");
        self.elements.push(Element {
            kind,
            id: xml_id,
            name,
            span,
            parent,
            children: Vec::new(),
            attrs,
            refs: Vec::new(),
            text: None,
            raw: Vec::new(),
            links: Links::default(),
        });
        if let Some(p) = parent {
            self.elements[p.index()].children.push(id);
        }
        id
    }

    fn number(&mut self, attrs: &[Attr], name: &str, span: Span) -> f64 {
        let Some(raw) = attrs.iter().find(|a| a.ns.is_none() && &*a.local == name) else {
            self.diagnostics.push(
                Diagnostic::warning("parse::invalid-di", format!("Missing attribute {name}"))
                    .with_span(span),
            );
            return f64::NAN;
        };
        match raw.value.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "parse::invalid-di",
                        format!("Attribute {name}=\"{}\" is not a finite number", raw.value),
                    )
                    .with_span(span),
                );
                f64::NAN
            }
        }
    }

    fn bounds(&mut self, attrs: &[Attr], span: Span) -> Bounds {
        let b = Bounds {
            x: self.number(attrs, "x", span),
            y: self.number(attrs, "y", span),
            width: self.number(attrs, "width", span),
            height: self.number(attrs, "height", span),
        };
        if b.width < 0.0 || b.height < 0.0 {
            self.diagnostics.push(
                Diagnostic::warning("parse::invalid-di", "Bounds have a negative size")
                    .with_span(span),
            );
        }
        b
    }
}

fn find(attrs: &[Attr], name: &str) -> Option<Box<str>> {
    attrs
        .iter()
        .find(|a| a.ns.is_none() && &*a.local == name)
        .map(|a| a.value.clone())
}

fn find_bool(attrs: &[Attr], name: &str) -> Option<bool> {
    match find(attrs, name)?.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}
