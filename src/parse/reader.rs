//! The XML walk: events from quick-xml into the element arena and DI.
//!
//! Speed matters here (a 10,000-node model should read in a few milliseconds), so the walk
//! avoids work the model does not keep: element names and namespaces are compared as
//! borrowed `&str`, namespace scopes are tracked here (only tags that declare a namespace
//! are scanned for declarations, where quick-xml's `NsReader` scans every tag), unprefixed
//! attributes are never namespace-resolved (they have no namespace in XML), values are
//! copied once, and `dc:Bounds`/`di:waypoint` numbers are parsed straight from the tag
//! without building attribute lists.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};

use super::tokens::{RawAttr, TagAttrs, Token, Tokens, value_end};
use super::{ParseError, ParseOptions};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Attr, BPMN_NS, BPMNDI_NS, Bounds, DC_NS, DI_NS, DiEdge, DiLabel, DiShape, Diagram, Element,
    ElementId, Kind, Links, Model, Point, SourceText, Span, XmlNode,
};

/// What an open element on the stack is.
enum Frame<'a> {
    /// A semantic BPMN element in the arena.
    Sem(ElementId),
    /// A `...Ref`/`incoming`/`outgoing` child of a semantic element: text collected.
    Ref {
        parent: ElementId,
        local: std::borrow::Cow<'a, str>,
    },
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

impl Frame<'_> {
    /// Whether character data inside this frame is kept.
    fn wants_text(&self) -> bool {
        matches!(self, Frame::Sem(_) | Frame::Ref { .. } | Frame::Raw(_))
    }
}

/// Deepest nesting of raw (extension or foreign) content that is kept.
const MAX_RAW_DEPTH: usize = 256;

struct Reader<'a> {
    source: &'a Arc<SourceText>,
    /// The decoded text: every name and value the XML reader hands out points into it.
    text_src: &'a str,
    options: &'a ParseOptions,
    elements: Vec<Element>,
    ids: hashbrown::HashMap<Box<str>, ElementId>,
    diagrams: Vec<Diagram>,
    namespaces: Vec<(Box<str>, Box<str>)>,
    diagnostics: Vec<Diagnostic>,
    stack: Vec<Frame<'a>>,
    /// Qualified names of the open elements, for matching end tags.
    names: Vec<std::borrow::Cow<'a, str>>,
    /// In-scope namespace declarations, innermost last: (prefix, URI); prefix `""` is the
    /// default namespace and an empty URI undeclares it.
    bindings: Vec<(Box<str>, Box<str>, Known)>,
    /// For each open element, `bindings.len()` before its own declarations.
    scopes: Vec<u32>,
    text: String,
    element_count: usize,
    doctype_warned: bool,
    /// Raw (extension or foreign) elements currently open, innermost last.
    raw_depth: usize,
    raw_depth_warned: bool,
    unknown_prefixes: Vec<String>,
}

/// Whether a BPMN-namespace local name is the element form of a reference.
pub(crate) fn is_ref_element(local: &str) -> bool {
    local.ends_with("Ref") || local.ends_with("Refs") || local == "incoming" || local == "outgoing"
}

fn to_box(s: &str) -> Box<str> {
    s.into()
}

/// An attribute's local name: a shared static string for the names BPMN, its DI and the
/// common extensions use, a copy otherwise.
fn attr_name(local: &str) -> std::borrow::Cow<'static, str> {
    use std::borrow::Cow::{Borrowed, Owned};
    Borrowed(match local {
        "id" => "id",
        "name" => "name",
        "sourceRef" => "sourceRef",
        "targetRef" => "targetRef",
        "isExecutable" => "isExecutable",
        "default" => "default",
        "attachedToRef" => "attachedToRef",
        "cancelActivity" => "cancelActivity",
        "processRef" => "processRef",
        "isInterrupting" => "isInterrupting",
        "triggeredByEvent" => "triggeredByEvent",
        "calledElement" => "calledElement",
        "messageRef" => "messageRef",
        "signalRef" => "signalRef",
        "errorRef" => "errorRef",
        "escalationRef" => "escalationRef",
        "dataObjectRef" => "dataObjectRef",
        "dataStoreRef" => "dataStoreRef",
        "categoryValueRef" => "categoryValueRef",
        "activityRef" => "activityRef",
        "itemSubjectRef" => "itemSubjectRef",
        "structureRef" => "structureRef",
        "isCollection" => "isCollection",
        "isClosed" => "isClosed",
        "isHorizontal" => "isHorizontal",
        "isExpanded" => "isExpanded",
        "isMarkerVisible" => "isMarkerVisible",
        "isMessageVisible" => "isMessageVisible",
        "messageVisibleKind" => "messageVisibleKind",
        "bpmnElement" => "bpmnElement",
        "labelStyle" => "labelStyle",
        "gatewayDirection" => "gatewayDirection",
        "eventGatewayType" => "eventGatewayType",
        "instantiate" => "instantiate",
        "parallelMultiple" => "parallelMultiple",
        "isSequential" => "isSequential",
        "completionQuantity" => "completionQuantity",
        "startQuantity" => "startQuantity",
        "isForCompensation" => "isForCompensation",
        "implementation" => "implementation",
        "associationDirection" => "associationDirection",
        "textFormat" => "textFormat",
        "targetNamespace" => "targetNamespace",
        "exporter" => "exporter",
        "exporterVersion" => "exporterVersion",
        "expressionLanguage" => "expressionLanguage",
        "typeLanguage" => "typeLanguage",
        "type" => "type",
        "language" => "language",
        "value" => "value",
        "resourceRef" => "resourceRef",
        "operationRef" => "operationRef",
        "interfaceRef" => "interfaceRef",
        "definitionalCollaborationRef" => "definitionalCollaborationRef",
        "waitForCompletion" => "waitForCompletion",
        "asyncBefore" => "asyncBefore",
        "asyncAfter" => "asyncAfter",
        "assignee" => "assignee",
        "candidateGroups" => "candidateGroups",
        "candidateUsers" => "candidateUsers",
        "formKey" => "formKey",
        "class" => "class",
        "expression" => "expression",
        "delegateExpression" => "delegateExpression",
        "resultVariable" => "resultVariable",
        "topic" => "topic",
        "stroke" => "stroke",
        "fill" => "fill",
        "background-color" => "background-color",
        "border-color" => "border-color",
        "color" => "color",
        "modelerVersion" => "modelerVersion",
        "executionPlatform" => "executionPlatform",
        "executionPlatformVersion" => "executionPlatformVersion",
        _ => return Owned(local.to_owned()),
    })
}

/// The namespace URI given to elements and attributes whose prefix is not declared.
fn undeclared(prefix: &str) -> Box<str> {
    to_box(&format!("urn:bpmnkit:undeclared-prefix:{prefix}"))
}

/// The namespace bound to the `xml` prefix by definition.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The namespaces the walk dispatches on, classified once when declared so that each
/// element's namespace is a `Copy` value compared without touching strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Bpmn,
    BpmnDi,
    Dc,
    Di,
    Other,
}

impl Known {
    fn of(uri: &str) -> Known {
        match uri {
            BPMN_NS => Known::Bpmn,
            BPMNDI_NS => Known::BpmnDi,
            DC_NS => Known::Dc,
            DI_NS => Known::Di,
            _ => Known::Other,
        }
    }
}

/// How a name's prefix resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolved {
    /// No prefix and no default namespace.
    Unbound,
    /// Bound: the kind of namespace and the index of the binding (`None` for `xml`).
    Bound(Known, Option<usize>),
    /// A prefix that is not declared.
    Unknown,
}

/// The warning for an undeclared namespace prefix.
fn unknown_prefix_message(prefix: &str) -> String {
    format!(
        "Namespace prefix \"{prefix}\" is not declared; its elements are kept as foreign content"
    )
}

/// Splits a qualified name into (prefix, local name).
fn split_qname(qname: &str) -> (Option<&str>, &str) {
    // Names are short: a byte loop beats the general `char` searcher (`:` is ASCII, so
    // the split is on a character boundary).
    match qname.bytes().position(|b| b == b':') {
        Some(at) => (Some(&qname[..at]), &qname[at + 1..]),
        None => (None, qname),
    }
}

/// Text without leading and trailing XML whitespace (space, tab, line feed, carriage
/// return): ids may contain, and end in, other Unicode spaces such as U+2028, which
/// `str::trim` would strip.
pub(crate) fn trim_xml_space(text: &str) -> &str {
    let bytes = text.as_bytes();
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |i| i + 1);
    // Both ends sit next to ASCII bytes: character boundaries.
    text.get(start..end).unwrap_or("")
}

/// Whether text is XML whitespace only (space, tab, line feed, carriage return).
fn is_xml_space(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// A syntax error in a start tag's attribute list: where (a byte offset into the list)
/// and what.
struct AttrSyntax {
    at: usize,
    message: String,
}

/// A start tag and, when the tokenizer could read them in the same pass, its attributes.
#[derive(Clone, Copy)]
struct Tag<'e, 't> {
    start: &'e BytesStart<'t>,
    attrs: Option<&'e [RawAttr<'t>]>,
}

impl<'t> std::ops::Deref for Tag<'_, 't> {
    type Target = BytesStart<'t>;

    fn deref(&self) -> &BytesStart<'t> {
        self.start
    }
}

impl<'e> Tag<'e, '_> {
    /// Whether the tag may declare a namespace.
    fn declares(&self) -> bool {
        match self.attrs {
            Some(attrs) => attrs.iter().any(|a| a.key.starts_with("xmlns")),
            None => mentions_xmlns(self.start.attributes_raw()),
        }
    }
}

/// Whether `xmlns` occurs in a tag's text (only tags the tokenizer did not list, which
/// are rare: a plain loop, no searcher to build).
fn mentions_xmlns(text: &str) -> bool {
    text.as_bytes().windows(5).any(|w| w == b"xmlns")
}

/// The attributes of a start tag: the tokenizer's list when it has one, otherwise read
/// straight off the text after its name (quick-xml's attribute iterator costs about 190
/// instructions per attribute; this is a few dozen), with syntax errors pointing at the
/// byte. Values are raw: not yet normalised (see [`Reader::value`]).
enum AttrScan<'e> {
    Listed(std::slice::Iter<'e, RawAttr<'e>>),
    Text { text: &'e str, pos: usize },
}

impl<'e> AttrScan<'e> {
    fn new(e: Tag<'e, '_>) -> Self {
        match e.attrs {
            Some(list) => AttrScan::Listed(list.iter()),
            None => AttrScan::Text {
                text: e.start.attributes_raw(),
                pos: 0,
            },
        }
    }
}

impl AttrScan<'_> {
    /// How many attributes follow, as far as known without reading on: the rest of a
    /// listed tag, or a guess of three for one read from its text.
    fn left(&self) -> usize {
        match self {
            AttrScan::Listed(list) => list.len(),
            AttrScan::Text { .. } => 3,
        }
    }
}

impl<'e> Iterator for AttrScan<'e> {
    type Item = Result<RawAttr<'e>, AttrSyntax>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            AttrScan::Listed(list) => list.next().map(|a| Ok(*a)),
            AttrScan::Text { text, pos } => scan_attr(text, pos),
        }
    }
}

/// The next attribute of `text` from `*pos` on (see [`AttrScan`]).
fn scan_attr<'e>(text: &'e str, pos: &mut usize) -> Option<Result<RawAttr<'e>, AttrSyntax>> {
    let error = |pos: &mut usize, at: usize, message: String| {
        *pos = text.len(); // no more attributes after an error
        Some(Err(AttrSyntax { at, message }))
    };
    {
        let bytes = text.as_bytes();
        let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        let before = *pos;
        let mut i = before;
        while i < bytes.len() && space(bytes[i]) {
            i += 1;
        }
        if i == bytes.len() {
            *pos = i;
            return None;
        }
        if i == before {
            // XML 1.0 production 40: white space before every attribute.
            let message = if before == 0 {
                "the element name is followed by something that is not white space".to_owned()
            } else {
                "attributes must be separated by white space".to_owned()
            };
            return error(pos, i, message);
        }
        let key_start = i;
        while i < bytes.len() && !space(bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        let key = &text[key_start..i];
        if key.is_empty() {
            return error(pos, key_start, "an attribute value has no name".to_owned());
        }
        while i < bytes.len() && space(bytes[i]) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return error(
                pos,
                i.min(bytes.len()),
                format!(
                    "attribute {} is not followed by `=` and a value",
                    shown(key)
                ),
            );
        }
        i += 1;
        while i < bytes.len() && space(bytes[i]) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => {
                return error(
                    pos,
                    i,
                    format!(
                        "the value of attribute {} must be enclosed in `\"` or `'`",
                        shown(key)
                    ),
                );
            }
            None => {
                return error(
                    pos,
                    i,
                    format!("attribute {} has no value after `=`", shown(key)),
                );
            }
        };
        let value_start = i + 1;
        let Some((len, plain)) = value_end(&bytes[value_start..], quote) else {
            return error(
                pos,
                i,
                format!(
                    "the value of attribute {} has no closing `{}`",
                    shown(key),
                    char::from(quote)
                ),
            );
        };
        let end = value_start + len;
        *pos = end + 1;
        // Quotes and white space are ASCII: every cut is on a character boundary.
        Some(Ok(RawAttr {
            key,
            value: &text[value_start..end],
            plain,
        }))
    }
}

/// A rough upper bound on the number of semantic elements, for reserving the arena once
/// instead of growing it (each `Element` is a few hundred bytes, so regrowth costs copies
/// and page faults). Every element needs at least one `<`, and files without DI often
/// write most flow nodes and flows as empty tags (one `<` each, at least 16 bytes such
/// as `<task id="t1"/>`), so the `<` count is the bound. The part of the reservation
/// that is never written is never touched either, so over-reserving costs address
/// space, not memory.
fn estimate_elements(text: &str, max: usize) -> usize {
    let tags = memchr::memchr_iter(b'<', text.as_bytes()).count();
    tags.min(text.len() / 16).min(max).max(16)
}

/// Whether a character is forbidden by XML 1.0 (C0 controls other than tab, line feed
/// and carriage return). Refusing them also keeps terminal escape sequences out of
/// every name and message we print.
fn is_forbidden_control(c: char) -> bool {
    c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')
}

/// The offset of the first forbidden control byte. Written as a branch-free fold over
/// blocks so that it vectorises: it runs over every byte of every file.
fn first_control(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    for (i, block) in bytes.chunks(BLOCK).enumerate() {
        let bad = block.iter().fold(false, |acc, &b| {
            acc | (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r')
        });
        if bad {
            let at = block
                .iter()
                .position(|&b| b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r')
                .unwrap_or(0);
            return Some(i * BLOCK + at);
        }
    }
    None
}

/// The text with forbidden control characters replaced by `?` (same byte offsets), for
/// showing snippets of a refused file without sending its control bytes to a terminal.
pub(crate) fn printable_source(text: &str) -> String {
    text.chars()
        .map(|c| if is_forbidden_control(c) { '?' } else { c })
        .collect()
}

/// A name from the file for a message: control characters escaped, at most 80 chars.
fn shown(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(80)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if name.chars().nth(80).is_some() {
        out.push('…');
    }
    out
}

pub(super) fn read(source: Arc<SourceText>, options: &ParseOptions) -> Result<Model, ParseError> {
    let text = source.text();
    if let Some(at) = first_control(text.as_bytes()) {
        let c = text[at..].chars().next().map_or(0, u32::from);
        let safe = Arc::new(SourceText::new(source.name(), printable_source(text)));
        return Err(ParseError::Invalid {
            source_text: safe,
            diagnostic: Box::new(
                Diagnostic::error(
                    "parse::malformed-xml",
                    format!("Malformed XML: control character U+{c:04X} is not allowed"),
                )
                .with_span(Span::new(at, at + 1))
                .with_help("XML allows no control characters but tab, line feed and carriage return; the file may be binary, or UTF-16 without a byte-order mark"),
            ),
        });
    }
    let mut r = Reader::new(&source, options);
    let split = if text.len() >= options.parallel_min_bytes {
        di_split(text)
    } else {
        None
    };
    match split {
        None => {
            r.run(0, &mut Mode::Whole)?;
        }
        Some(at) => {
            let cancel = AtomicBool::new(false);
            std::thread::scope(|scope| {
                let di = scope.spawn(|| read_di(&source, options, at, &cancel));
                let join = move || di.join().ok().flatten();
                let mut mode = Mode::Main {
                    at,
                    join: Some(Box::new(join)),
                    cancel: &cancel,
                };
                let result = r.run(0, &mut mode);
                // Stops the other thread if it is still reading (an error came first).
                cancel.store(true, Ordering::Relaxed);
                result
            })?;
        }
    }
    r.into_model()
}

/// Where the diagram interchange probably starts: the first `<BPMNDiagram` or
/// `<prefix:BPMNDiagram` tag. Only a guess (it may sit in a comment or deeper down): the
/// main reader uses it only if it meets a `BPMNDiagram` start tag there, as a child of
/// the root.
fn di_split(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let finder = memchr::memmem::Finder::new("BPMNDiagram");
    let mut from = 0;
    while let Some(found) = finder.find(&bytes[from..]) {
        let at = from + found;
        from = at + 1;
        let after = bytes.get(at + "BPMNDiagram".len()).copied();
        if !matches!(after, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')) {
            continue;
        }
        // Back over an optional `prefix:` to the `<`.
        let mut i = at;
        if i > 0 && bytes[i - 1] == b':' {
            i -= 1;
            while i > 0 && !matches!(bytes[i - 1], b'<' | b' ' | b'\t' | b'\r' | b'\n' | b'>') {
                i -= 1;
            }
        }
        if i > 0 && bytes[i - 1] == b'<' {
            return Some(i - 1);
        }
    }
    None
}

/// What the diagram thread read: its diagrams and diagnostics, and where it stopped
/// (the first thing after the diagrams that is not a diagram, for the main reader to
/// go on from).
struct DiPart {
    diagrams: Vec<Diagram>,
    diagnostics: Vec<Diagnostic>,
    unknown_prefixes: Vec<String>,
    element_count: usize,
    stop: usize,
}

/// Reads the diagrams from `at` on (a second thread). `None` when it gives up (the guess
/// was wrong, or the main reader no longer needs it): the main reader then reads them.
fn read_di(
    source: &Arc<SourceText>,
    options: &ParseOptions,
    at: usize,
    cancel: &AtomicBool,
) -> Option<Result<DiPart, ParseError>> {
    let text = source.text();
    let mut r = Reader::new(source, options);
    // The root's namespace declarations are in scope for the diagrams: read its tag.
    let mut xml = quick_xml::Reader::from_str(text);
    let root = loop {
        let start = usize::try_from(xml.buffer_position()).ok()?;
        match xml.read_event().ok()? {
            Event::Start(e) => {
                let end = usize::try_from(xml.buffer_position()).ok()?;
                break (e, Span::new(start, end));
            }
            Event::Empty(_) | Event::End(_) | Event::Eof => return None,
            _ => {}
        }
    };
    if usize::try_from(root.1.end).map_or(true, |end| end > at) {
        return None;
    }
    let root_tag = Tag {
        start: &root.0,
        attrs: None,
    };
    r.declare(root_tag, root.1).ok()?;
    let id = r.push_element(Kind::Definitions, [None, None], Vec::new(), root.1, None);
    r.stack.push(Frame::Sem(id));
    let stop = match r.run(at, &mut Mode::Di { cancel }) {
        Ok(Some(stop)) => stop,
        Ok(None) => return None,
        Err(err) => return Some(Err(err)),
    };
    Some(Ok(DiPart {
        diagrams: r.diagrams,
        diagnostics: r.diagnostics,
        unknown_prefixes: r.unknown_prefixes,
        element_count: r.element_count,
        stop,
    }))
}

/// Hands over the diagram thread's result (waiting for it).
type Join<'s> = Box<dyn FnOnce() -> Option<Result<DiPart, ParseError>> + 's>;

/// How [`Reader::run`] reads.
enum Mode<'s> {
    /// The whole document, on this thread.
    Whole,
    /// The whole document, but the diagrams starting at `at` come from the other thread.
    Main {
        at: usize,
        join: Option<Join<'s>>,
        cancel: &'s AtomicBool,
    },
    /// Only the diagrams from where it starts: stops at the first child of the root that
    /// is not a `BPMNDiagram`, or at the root's end tag.
    Di { cancel: &'s AtomicBool },
}

impl<'a> Reader<'a> {
    fn new(source: &'a Arc<SourceText>, options: &'a ParseOptions) -> Self {
        let text = source.text();
        let mut r = Reader {
            source,
            text_src: text,
            options,
            elements: Vec::with_capacity(estimate_elements(text, options.max_elements)),
            ids: hashbrown::HashMap::new(),
            diagrams: Vec::new(),
            namespaces: Vec::new(),
            diagnostics: Vec::new(),
            stack: Vec::with_capacity(32),
            names: Vec::with_capacity(32),
            bindings: Vec::new(),
            scopes: Vec::with_capacity(32),
            text: String::new(),
            element_count: 0,
            doctype_warned: false,
            raw_depth: 0,
            raw_depth_warned: false,
            unknown_prefixes: Vec::new(),
        };
        r.ids.reserve(r.elements.capacity());
        r
    }

    fn into_model(self) -> Result<Model, ParseError> {
        let text = self.text_src;
        if !self.stack.is_empty() {
            let at = text.len();
            return Err(self.fatal(
                "parse::malformed-xml",
                "Malformed XML: the file ends before all elements are closed".to_owned(),
                Span::new(at.saturating_sub(1), at),
                "the file looks truncated",
            ));
        }
        if self.elements.is_empty() {
            return Err(self.fatal(
                "parse::not-bpmn",
                "Not a BPMN file: no BPMN 2.0 definitions element".to_owned(),
                Span::new(0, 1.min(text.len())),
                "a BPMN 2.0 file has a root element definitions in namespace http://www.omg.org/spec/BPMN/20100524/MODEL",
            ));
        }
        // What the estimate over-reserved is not given back: shrinking by more than half
        // copies the whole arena, and the unused tail was never touched.
        Ok(Model {
            source: Arc::clone(self.source),
            elements: self.elements,
            ids: self.ids,
            diagrams: self.diagrams,
            namespaces: self.namespaces,
            diagnostics: self.diagnostics,
        })
    }

    /// Whether a child of the root is a `BPMNDiagram` (for the diagram thread's stop).
    fn is_diagram(&self, e: &BytesStart<'_>) -> bool {
        let (prefix, local) = split_qname(e.name().0);
        local == "BPMNDiagram"
            && matches!(
                self.resolve_prefix(prefix),
                Resolved::Bound(Known::BpmnDi, _)
            )
            && !mentions_xmlns(e.attributes_raw())
    }

    /// Takes over what the diagram thread read, as if read here at `span`.
    fn merge(&mut self, part: DiPart, span: Span) -> Result<(), ParseError> {
        self.diagrams.extend(part.diagrams);
        for d in part.diagnostics {
            let repeated = d.code == "parse::unknown-prefix"
                && self
                    .unknown_prefixes
                    .iter()
                    .any(|p| d.message == unknown_prefix_message(p));
            if !repeated {
                self.diagnostics.push(d);
            }
        }
        for p in part.unknown_prefixes {
            if !self.unknown_prefixes.contains(&p) {
                self.unknown_prefixes.push(p);
            }
        }
        self.element_count += part.element_count;
        if self.element_count > self.options.max_elements {
            return Err(self.too_many_elements(span));
        }
        self.text.clear();
        Ok(())
    }

    /// The token loop, from byte `base` of the text. Returns where a [`Mode::Di`] read
    /// stopped (`None` if it gave up); other modes read to the end.
    #[allow(clippy::too_many_lines)] // one match over the event kinds
    fn run(&mut self, base: usize, mode: &mut Mode<'_>) -> Result<Option<usize>, ParseError> {
        let text = self.text_src;
        let mut seen_root = !self.stack.is_empty();
        let mut events: u32 = 0;
        let mut xml = Tokens::new(text, base);
        let mut attrs = TagAttrs::default();
        loop {
            let start = xml.position();
            if let Mode::Di { cancel } = mode {
                events = events.wrapping_add(1);
                if events % 1024 == 0 && cancel.load(Ordering::Relaxed) {
                    return Ok(None);
                }
            }
            let event = match xml.next_token(&mut attrs) {
                Ok(ok) => ok,
                Err(err) => {
                    if matches!(mode, Mode::Di { .. }) && self.stack.len() == 1 {
                        return Ok(Some(start)); // the main reader reports it
                    }
                    return Err(self.fatal(
                        "parse::malformed-xml",
                        format!("Malformed XML: {}", err.message),
                        Span::new(err.at, err.at + 1),
                        "fix the XML so that it is well-formed",
                    ));
                }
            };
            let end = xml.position();
            let span = Span::new(start, end);
            if self.stack.len() == 1 {
                match (&event, &mut *mode) {
                    (Token::Start(e) | Token::Empty(e), Mode::Di { .. }) if !self.is_diagram(e) => {
                        return Ok(Some(start));
                    }
                    (Token::End(_) | Token::Eof, Mode::Di { .. }) => return Ok(Some(start)),
                    (Token::Start(_) | Token::Empty(_), Mode::Main { at, join, .. })
                        if *at == start =>
                    {
                        match join.take().and_then(|join| join()) {
                            Some(Ok(part)) => {
                                let stop = part.stop;
                                self.merge(part, span)?;
                                xml = Tokens::new(text, stop);
                                continue;
                            }
                            Some(Err(err)) => return Err(err),
                            None => {} // read the diagrams here
                        }
                    }
                    _ => {}
                }
            }
            if let Mode::Main { at, join, cancel } = mode {
                if join.is_some() && start > *at {
                    // The guess was not a diagram of the root: stop the other thread.
                    cancel.store(true, Ordering::Relaxed);
                    *join = None;
                }
            }
            match event {
                Token::Start(_) | Token::Empty(_) if seen_root && self.stack.is_empty() => {
                    return Err(self.fatal(
                        "parse::malformed-xml",
                        "Malformed XML: content after the root element".to_owned(),
                        span,
                        "a document has exactly one root element",
                    ));
                }
                Token::Start(ref e) | Token::Empty(ref e) => {
                    let is_root = !seen_root;
                    seen_root = true;
                    let tag = Tag {
                        start: e,
                        attrs: attrs.scanned.then_some(&attrs.list[..]),
                    };
                    self.open(tag, span, is_root)?;
                    if matches!(event, Token::Empty(_)) {
                        self.close();
                    } else {
                        let name = e.name().0;
                        self.names.push(match self.in_source(name) {
                            Some(name) => std::borrow::Cow::Borrowed(name),
                            None => std::borrow::Cow::Owned(name.to_owned()),
                        });
                    }
                }
                Token::End(found) => {
                    let problem = match self.names.pop() {
                        Some(expected) if expected == found => None,
                        Some(expected) => Some(format!(
                            "expected `</{expected}>`, but `</{found}>` was found"
                        )),
                        None => Some(format!(
                            "close tag `</{found}>` does not match any open tag"
                        )),
                    };
                    if let Some(problem) = problem {
                        return Err(self.fatal(
                            "parse::malformed-xml",
                            format!("Malformed XML: ill-formed document: {problem}"),
                            Span::new(start, start + 1),
                            "fix the XML so that it is well-formed",
                        ));
                    }
                    self.close();
                }
                Token::Text(raw) => {
                    if self.stack.last().is_some_and(Frame::wants_text)
                        && !(self.text.is_empty() && is_xml_space(raw))
                    {
                        self.text.push_str(raw);
                    }
                }
                Token::CData(raw) => {
                    if self.stack.last().is_some_and(Frame::wants_text) {
                        self.text.push_str(raw);
                    }
                }
                Token::Ref(name) => {
                    let reference = quick_xml::events::BytesRef::new(name);
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(ch)) => Some(ch),
                        Ok(None) => {
                            let name: &str = &reference;
                            match quick_xml::escape::resolve_predefined_entity(name) {
                                Some(s) => s.chars().next(),
                                None => None,
                            }
                        }
                        Err(_) => None,
                    };
                    if let Some(ch) = resolved.filter(|&c| is_forbidden_control(c)) {
                        return Err(self.fatal(
                                "parse::malformed-xml",
                                format!(
                                    "Malformed XML: character reference to U+{:04X} is not allowed",
                                    u32::from(ch)
                                ),
                                span,
                                "XML allows no control characters but tab, line feed and carriage return",
                            ));
                    }
                    match resolved {
                        Some(ch) => {
                            if self.stack.last().is_some_and(Frame::wants_text) {
                                self.text.push(ch);
                            }
                        }
                        None => {
                            let name = reference.to_string();
                            return Err(self.fatal(
                                    "parse::entity",
                                    format!("Entity reference &{name}; is not expanded"),
                                    span,
                                    "bpmnkit expands only XML's predefined entities and character references; DTD entities are never expanded",
                                ));
                        }
                    }
                }
                Token::DocType(body) => {
                    if (body.contains("<!ENTITY")
                        || body.contains("SYSTEM")
                        || body.contains("PUBLIC"))
                        && !self.doctype_warned
                    {
                        self.doctype_warned = true;
                        self.diagnostics.push(
                                Diagnostic::warning(
                                    "parse::doctype",
                                    "DOCTYPE declarations are ignored: no entity is expanded and no external DTD is read",
                                )
                                .with_span(span)
                                .with_help("remove the DOCTYPE; BPMN files do not need one"),
                            );
                    }
                }
                Token::Eof => return Ok(None),
                Token::Other => {}
            }
        }
    }
}

/// Up to this many attributes, duplicates are found by comparing names pairwise (no
/// allocation); beyond it a hash set keeps the check linear.
const SMALL_ATTRS: usize = 16;

/// Duplicate-attribute detection without quick-xml's per-tag allocation.
struct SeenKeys<'k> {
    small: [&'k str; SMALL_ATTRS],
    len: usize,
    large: Option<HashSet<&'k str>>,
}

impl<'k> SeenKeys<'k> {
    fn new() -> Self {
        SeenKeys {
            small: [""; SMALL_ATTRS],
            len: 0,
            large: None,
        }
    }

    /// Records a key; false if it was seen before.
    fn insert(&mut self, key: &'k str) -> bool {
        if let Some(set) = &mut self.large {
            return set.insert(key);
        }
        if self.small[..self.len].contains(&key) {
            return false;
        }
        if self.len < SMALL_ATTRS {
            self.small[self.len] = key;
            self.len += 1;
        } else {
            let mut set: HashSet<&'k str> = self.small.iter().copied().collect();
            set.insert(key);
            self.large = Some(set);
        }
        true
    }
}

/// The numbers of a `dc:Bounds` or `di:waypoint`, read straight off the tag.
#[derive(Default)]
struct Numbers<'v> {
    x: Option<std::borrow::Cow<'v, str>>,
    y: Option<std::borrow::Cow<'v, str>>,
    width: Option<std::borrow::Cow<'v, str>>,
    height: Option<std::borrow::Cow<'v, str>>,
}

impl<'a> Reader<'a> {
    /// The same text as `s`, borrowed from the source for the whole read when `s` points
    /// into it (it always does for names and unescaped values); otherwise `None`.
    fn in_source(&self, s: &str) -> Option<&'a str> {
        let base = self.text_src.as_ptr() as usize;
        let at = (s.as_ptr() as usize).checked_sub(base)?;
        let found = self.text_src.get(at..at.checked_add(s.len())?)?;
        (found.as_ptr() == s.as_ptr()).then_some(found)
    }

    /// The namespace of a prefix (`None` = the default namespace) in the current scope.
    fn resolve_prefix(&self, prefix: Option<&str>) -> Resolved {
        let key = prefix.unwrap_or("");
        if key == "xml" {
            return Resolved::Bound(Known::Other, None);
        }
        match self.bindings.iter().rposition(|(p, _, _)| &**p == key) {
            Some(i) if !self.bindings[i].1.is_empty() => {
                Resolved::Bound(self.bindings[i].2, Some(i))
            }
            _ if prefix.is_none() => Resolved::Unbound,
            _ => Resolved::Unknown,
        }
    }

    /// The namespace URI of a resolved prefix, owned (for raw nodes and attributes).
    fn ns_uri(&self, resolved: Resolved, prefix: Option<&str>) -> Option<Box<str>> {
        match resolved {
            Resolved::Unbound => None,
            Resolved::Bound(_, None) => Some(to_box(XML_NS)),
            Resolved::Bound(_, Some(i)) => self.bindings.get(i).map(|b| b.1.clone()),
            Resolved::Unknown => Some(undeclared(prefix.unwrap_or(""))),
        }
    }

    /// The namespace URI of a prefixed attribute, owned.
    fn attr_ns(&self, prefix: &str) -> Box<str> {
        self.ns_uri(self.resolve_prefix(Some(prefix)), Some(prefix))
            .unwrap_or_else(|| undeclared(prefix))
    }

    /// Opens a namespace scope for a start tag: records the declarations it makes.
    /// Only tags whose attribute text mentions `xmlns` are scanned.
    fn declare(&mut self, e: Tag<'_, '_>, span: Span) -> Result<(), ParseError> {
        self.scopes
            .push(u32::try_from(self.bindings.len()).unwrap_or(u32::MAX));
        if !e.declares() {
            return Ok(());
        }
        for attr in AttrScan::new(e) {
            let attr = attr.map_err(|err| self.attr_syntax(e.start, &err))?;
            let key = attr.key;
            let prefix = if key == "xmlns" {
                ""
            } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                prefix
            } else {
                continue;
            };
            let uri = to_box(&self.value(&attr, span)?);
            let known = Known::of(&uri);
            self.bindings.push((prefix.into(), uri, known));
        }
        Ok(())
    }

    fn unknown_prefix(&mut self, prefix: &str, span: Span) {
        if self.unknown_prefixes.iter().any(|p| p == prefix) {
            return;
        }
        self.unknown_prefixes.push(prefix.to_owned());
        self.diagnostics.push(
            Diagnostic::warning("parse::unknown-prefix", unknown_prefix_message(prefix))
                .with_span(span)
                .with_help(format!(
                    "declare it with xmlns:{prefix}=\"...\" on the root element"
                )),
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

    /// The error for a syntax error in a start tag's attributes, pointing at the byte.
    fn attr_syntax(&self, e: &BytesStart<'_>, err: &AttrSyntax) -> ParseError {
        let raw = e.attributes_raw();
        let base = (raw.as_ptr() as usize).wrapping_sub(self.text_src.as_ptr() as usize);
        let at = base.saturating_add(err.at).min(self.text_src.len());
        self.fatal(
            "parse::malformed-xml",
            format!("Malformed XML: {}", err.message),
            Span::new(at, (at + 1).min(self.text_src.len()).max(at)),
            "fix the attribute syntax: name=\"value\", separated by white space",
        )
    }

    fn malformed_attr(&self, err: &dyn std::fmt::Display, span: Span) -> ParseError {
        self.fatal(
            "parse::malformed-xml",
            format!("Malformed XML: {err}"),
            span,
            "fix the attribute syntax",
        )
    }

    /// Checks one attribute against the limits and the duplicate rule; `count` is the
    /// number of attributes accepted so far.
    fn check_attr<'k>(
        &self,
        attr: &RawAttr<'k>,
        count: usize,
        seen: &mut SeenKeys<'k>,
        span: Span,
    ) -> Result<(), ParseError> {
        let key = attr.key;
        if count >= self.options.max_attributes {
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
                    "Attribute {key} is {} bytes long, over the limit of {}",
                    attr.value.len(),
                    self.options.max_attribute_len
                ),
                span,
                "raise the limit with --max-attribute-length if the file is trusted",
            ));
        }
        if !seen.insert(key) {
            return Err(self.malformed_attr(&format_args!("attribute {key} is given twice"), span));
        }
        Ok(())
    }

    /// The attribute's value after XML normalisation; borrowed when nothing changes.
    fn value<'v>(
        &self,
        attr: &RawAttr<'v>,
        span: Span,
    ) -> Result<std::borrow::Cow<'v, str>, ParseError> {
        if attr.plain {
            return Ok(std::borrow::Cow::Borrowed(attr.value));
        }
        let value = Attribute {
            key: quick_xml::name::QName(attr.key),
            value: std::borrow::Cow::Borrowed(attr.value),
        }
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| {
                let what = match &err {
                    quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(
                        _,
                        name,
                    )) => format!("uses the entity &{}; which is not expanded", shown(name)),
                    other => format!("has a bad reference ({other})"),
                };
                self.fatal(
                    "parse::entity",
                    format!("Attribute {} {what}", shown(attr.key)),
                    span,
                    "bpmnkit expands only XML's predefined entities and character references; DTD entities are never expanded",
                )
            })?;
        if let Some(c) = value.chars().find(|&c| is_forbidden_control(c)) {
            return Err(self.fatal(
                "parse::malformed-xml",
                format!(
                    "Malformed XML: attribute {} refers to control character U+{:04X}",
                    shown(attr.key),
                    u32::from(c)
                ),
                span,
                "XML allows no control characters but tab, line feed and carriage return",
            ));
        }
        Ok(std::borrow::Cow::Owned(value.into_owned()))
    }

    fn attrs(&self, e: Tag<'_, '_>, span: Span) -> Result<Vec<Attr>, ParseError> {
        self.attrs_taking(e, span, &mut [])
    }

    /// [`Self::attrs`], but the unprefixed attributes named in `taken` go into their slot
    /// there instead of the list (the DI's `id` and `bpmnElement`, kept in fields of their
    /// own: one allocation each instead of a copy in the list and one in the field).
    fn attrs_taking(
        &self,
        e: Tag<'_, '_>,
        span: Span,
        taken: &mut [(&str, Option<Box<str>>)],
    ) -> Result<Vec<Attr>, ParseError> {
        if let Some(list) = e.attrs.filter(|list| self.plainly_valid(list)) {
            return Ok(self.listed_attrs(list, taken));
        }
        let mut out = Vec::new();
        let mut seen = SeenKeys::new();
        let mut count = 0;
        let mut scan = AttrScan::new(e);
        while let Some(attr) = scan.next() {
            let attr = attr.map_err(|err| self.attr_syntax(e.start, &err))?;
            let raw_key = attr.key;
            if raw_key == "xmlns" || raw_key.starts_with("xmlns:") {
                continue; // declarations: see `declare`
            }
            self.check_attr(&attr, count, &mut seen, span)?;
            count += 1;
            let value = self.value(&attr, span)?;
            self.keep_attr(&mut out, taken, raw_key, &value, 1 + scan.left());
        }
        Ok(out)
    }

    /// Puts one attribute, its value normalised, where it goes: its slot in `taken`, or
    /// the list, which is given room for `room` on its first push (this one and, at most,
    /// all that follow: one allocation).
    fn keep_attr(
        &self,
        out: &mut Vec<Attr>,
        taken: &mut [(&str, Option<Box<str>>)],
        key: &str,
        value: &str,
        room: usize,
    ) {
        if let Some(slot) = taken.iter_mut().find(|(name, _)| *name == key) {
            slot.1 = Some(to_box(value));
            return;
        }
        // Unprefixed attributes have no namespace (Namespaces in XML, 6.2): no lookup.
        let (prefix, local) = split_qname(key);
        let (ns, prefix) = match prefix {
            None => (None, None),
            Some(p) => (Some(self.attr_ns(p)), Some(to_box(p))),
        };
        if out.capacity() == 0 {
            out.reserve_exact(room);
        }
        out.push(Attr {
            ns,
            prefix,
            local: attr_name(local),
            value: to_box(value),
        });
    }

    /// Whether a listed tag's attributes pass every check of [`Self::attrs_taking`] and
    /// need no normalisation: a few, each plain, none too long, no name twice. Most tags
    /// are so; the others take the general path, which says what is wrong.
    fn plainly_valid(&self, list: &[RawAttr<'_>]) -> bool {
        list.len() <= SMALL_ATTRS.min(self.options.max_attributes)
            && list.iter().enumerate().all(|(i, a)| {
                a.plain
                    && a.value.len() <= self.options.max_attribute_len
                    && !list[..i].iter().any(|b| b.key == a.key)
            })
    }

    /// [`Self::attrs_taking`] for a list that is [`Self::plainly_valid`]: nothing can fail.
    fn listed_attrs(
        &self,
        list: &[RawAttr<'_>],
        taken: &mut [(&str, Option<Box<str>>)],
    ) -> Vec<Attr> {
        let mut out = Vec::new();
        for (i, attr) in list.iter().enumerate() {
            let key = attr.key;
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue; // declarations: see `declare`
            }
            self.keep_attr(&mut out, taken, key, attr.value, list.len() - i);
        }
        out
    }

    /// Reads the unprefixed `x`, `y`, `width`, `height` of a DI element, checking the
    /// same limits as [`Self::attrs`] but keeping nothing else.
    fn numbers<'e>(&self, e: Tag<'e, '_>, span: Span) -> Result<Numbers<'e>, ParseError> {
        let mut out = Numbers::default();
        let mut seen = SeenKeys::new();
        let mut count = 0;
        for attr in AttrScan::new(e) {
            let attr = attr.map_err(|err| self.attr_syntax(e.start, &err))?;
            let raw_key = attr.key;
            if raw_key == "xmlns" || raw_key.starts_with("xmlns:") {
                continue;
            }
            self.check_attr(&attr, count, &mut seen, span)?;
            count += 1;
            let slot = match raw_key {
                "x" => &mut out.x,
                "y" => &mut out.y,
                "width" => &mut out.width,
                "height" => &mut out.height,
                _ => continue,
            };
            *slot = Some(self.value(&attr, span)?);
        }
        Ok(out)
    }

    /// A raw (extension or foreign) node for this start tag.
    fn raw_node(
        &self,
        ns: Option<Box<str>>,
        e: Tag<'_, '_>,
        local: &str,
        span: Span,
    ) -> Result<Frame<'a>, ParseError> {
        let attrs = self.attrs(e, span)?;
        Ok(Frame::Raw(XmlNode {
            ns,
            prefix: split_qname(e.name().0).0.map(to_box),
            local: local.into(),
            attrs,
            children: Vec::new(),
            text: None,
            span,
        }))
    }

    #[allow(clippy::too_many_lines)] // one match over where we are in the document
    fn open(&mut self, e: Tag<'_, '_>, span: Span, is_root: bool) -> Result<(), ParseError> {
        self.element_count += 1;
        if self.element_count > self.options.max_elements {
            return Err(self.too_many_elements(span));
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
        // Elements inside skipped content are never looked at: no name resolution.
        if matches!(self.stack.last(), Some(Frame::Skip | Frame::Ref { .. })) {
            // Declarations still scope over the skipped content (cheap when there are none).
            self.declare(e, span)?;
            self.stack.push(Frame::Skip);
            return Ok(());
        }
        self.declare(e, span)?;
        let (prefix, local) = split_qname(e.name().0);
        let resolved = self.resolve_prefix(prefix);
        let ns = match resolved {
            Resolved::Bound(known, _) => Some(known),
            Resolved::Unbound => None,
            Resolved::Unknown => {
                // Not namespace-well-formed, but readable: keep the element as foreign
                // content (never as BPMN) and say so once per prefix.
                self.unknown_prefix(prefix.unwrap_or(""), span);
                Some(Known::Other)
            }
        };

        if is_root {
            let mut taken = [("id", None), ("name", None)];
            let attrs = self.attrs_taking(e, span, &mut taken)?;
            self.namespaces = self
                .bindings
                .iter()
                .map(|(p, uri, _)| (p.clone(), uri.clone()))
                .collect();
            if ns != Some(Known::Bpmn) || local != "definitions" {
                let uri = self.ns_uri(resolved, prefix);
                return Err(self.not_bpmn_root(local, uri.as_deref(), span));
            }
            let [(_, id), (_, name)] = taken;
            let id = self.push_element(Kind::Definitions, [id, name], attrs, span, None);
            self.stack.push(Frame::Sem(id));
            return Ok(());
        }

        let frame = match self.stack.last() {
            Some(Frame::Sem(parent)) => {
                let parent = *parent;
                let parent_kind = &self.elements[parent.index()].kind;
                if *parent_kind == Kind::ExtensionElements {
                    self.raw_node(self.ns_uri(resolved, prefix), e, local, span)?
                } else if ns == Some(Known::Bpmn) {
                    if is_ref_element(local) {
                        let local = match self.in_source(local) {
                            Some(local) => std::borrow::Cow::Borrowed(local),
                            None => std::borrow::Cow::Owned(local.to_owned()),
                        };
                        Frame::Ref { parent, local }
                    } else {
                        let mut taken = [("id", None), ("name", None)];
                        let attrs = self.attrs_taking(e, span, &mut taken)?;
                        let [(_, id), (_, name)] = taken;
                        let kind = Kind::from_local_name(local);
                        Frame::Sem(self.push_element(kind, [id, name], attrs, span, Some(parent)))
                    }
                } else if ns == Some(Known::BpmnDi)
                    && local == "BPMNDiagram"
                    && *parent_kind == Kind::Definitions
                {
                    let attrs = self.attrs(e, span)?;
                    self.diagrams.push(Diagram {
                        id: find(&attrs, "id"),
                        name: find(&attrs, "name"),
                        span,
                        ..Diagram::default()
                    });
                    Frame::Diagram
                } else {
                    self.raw_node(self.ns_uri(resolved, prefix), e, local, span)?
                }
            }
            Some(Frame::Raw(_)) if self.raw_depth >= MAX_RAW_DEPTH => {
                // Extension content this deep is never meaningful, and keeping it would make
                // every walk over raw nodes (drop, clone, search) recurse without bound.
                if !self.raw_depth_warned {
                    self.raw_depth_warned = true;
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "parse::deep-extension",
                            format!("Extension content nested deeper than {MAX_RAW_DEPTH} levels is not kept"),
                        )
                        .with_span(span),
                    );
                }
                Frame::Skip
            }
            Some(Frame::Raw(_)) => self.raw_node(self.ns_uri(resolved, prefix), e, local, span)?,
            Some(Frame::Diagram) if ns == Some(Known::BpmnDi) && local == "BPMNPlane" => {
                let attrs = self.attrs(e, span)?;
                self.open_plane(&attrs, span)
            }
            Some(Frame::Diagram) if ns == Some(Known::BpmnDi) && local == "BPMNLabelStyle" => {
                let attrs = self.attrs(e, span)?;
                if let Some(d) = self.diagrams.last_mut() {
                    d.label_styles.push((find(&attrs, "id"), Vec::new()));
                }
                Frame::LabelStyle
            }
            Some(Frame::LabelStyle) if ns == Some(Known::Dc) && local == "Font" => {
                let attrs = self.attrs(e, span)?;
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
                if ns == Some(Known::BpmnDi) && local == "BPMNShape" =>
            {
                let mut taken = [("id", None), ("bpmnElement", None)];
                let attrs = self.attrs_taking(e, span, &mut taken)?;
                let [(_, id), (_, bpmn_element)] = taken;
                let shape = DiShape {
                    id,
                    bpmn_element,
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
                if ns == Some(Known::BpmnDi) && local == "BPMNEdge" =>
            {
                let mut taken = [("id", None), ("bpmnElement", None)];
                let attrs = self.attrs_taking(e, span, &mut taken)?;
                let [(_, id), (_, bpmn_element)] = taken;
                let edge = DiEdge {
                    id,
                    bpmn_element,
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
            Some(Frame::Shape) if ns == Some(Known::Dc) && local == "Bounds" => {
                let numbers = self.numbers(e, span)?;
                let bounds = self.bounds(&numbers, span);
                if let Some(s) = self
                    .diagrams
                    .last_mut()
                    .and_then(|d| d.plane.shapes.last_mut())
                {
                    s.bounds = bounds;
                }
                Frame::Skip
            }
            Some(Frame::Edge) if ns == Some(Known::Di) && local == "waypoint" => {
                let numbers = self.numbers(e, span)?;
                let x = self.number(numbers.x.as_deref(), "x", span);
                let y = self.number(numbers.y.as_deref(), "y", span);
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
                if ns == Some(Known::BpmnDi) && local == "BPMNLabel" =>
            {
                let on_shape = matches!(self.stack.last(), Some(Frame::Shape));
                let attrs = self.attrs(e, span)?;
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
            Some(Frame::Label(on_shape)) if ns == Some(Known::Dc) && local == "Bounds" => {
                let on_shape = *on_shape;
                let numbers = self.numbers(e, span)?;
                let bounds = self.bounds(&numbers, span);
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
            )
            | None => Frame::Skip,
        };
        if matches!(frame, Frame::Raw(_)) {
            self.raw_depth += 1;
        }
        self.stack.push(frame);
        Ok(())
    }

    fn too_many_elements(&self, span: Span) -> ParseError {
        self.fatal(
            "parse::limit",
            format!("File has more than {} elements", self.options.max_elements),
            span,
            "raise the limit with --max-elements if the file is trusted",
        )
    }

    fn not_bpmn_root(&self, local: &str, ns: Option<&str>, span: Span) -> ParseError {
        let local = shown(local);
        let found = match ns {
            Some(uri) => format!("{local} in namespace {}", shown(uri)),
            None => format!("{local} without a namespace"),
        };
        let help = match ns.and_then(|uri| known_other_format(uri).map(|what| (uri, what))) {
            // Quoted, so that a space at either end can be seen.
            Some((uri, what)) if what.starts_with("a BPMN namespace") => format!(
                "this is {what} (it reads \"{}\"); a BPMN 2.0 file has a root element definitions in namespace http://www.omg.org/spec/BPMN/20100524/MODEL",
                shown(uri)
            ),
            Some((_, what)) => format!(
                "this is {what}; a BPMN 2.0 file has a root element definitions in namespace http://www.omg.org/spec/BPMN/20100524/MODEL"
            ),
            None => "a BPMN 2.0 file has a root element definitions in namespace http://www.omg.org/spec/BPMN/20100524/MODEL".to_owned(),
        };
        self.fatal(
            "parse::not-bpmn",
            format!("Not a BPMN 2.0 file: the root element is {found}"),
            span,
            &help,
        )
    }

    fn open_plane(&mut self, attrs: &[Attr], span: Span) -> Frame<'a> {
        let plane = crate::model::Plane {
            id: find(attrs, "id"),
            bpmn_element: find(attrs, "bpmnElement"),
            ..crate::model::Plane::default()
        };
        let Some(d) = self.diagrams.last_mut() else {
            return Frame::Skip;
        };
        if d.plane.id.is_some() || d.plane.bpmn_element.is_some() || !d.plane.shapes.is_empty() {
            // A second plane: fill the new plane in place (shapes and edges are pushed to
            // `d.plane`) and move it to `extra_planes` when it closes.
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
    }

    fn close(&mut self) {
        if matches!(self.stack.last(), Some(Frame::Raw(_))) {
            self.raw_depth -= 1;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if let Some(len) = self.scopes.pop() {
            self.bindings.truncate(len as usize);
        }
        // Borrow the collected text in place and clear it afterwards, so that the buffer
        // is reused instead of reallocated for every element.
        // XML whitespace only (an id in `<incoming>` may end in U+2028).
        let trimmed = trim_xml_space(&self.text);
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
                        .push((to_box(&local), trimmed.into()));
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
        self.text.clear();
    }

    /// Adds a semantic element: its `id` and `name` attributes are kept in their fields,
    /// not in `attrs` (see [`Element::attr`]).
    fn push_element(
        &mut self,
        kind: Kind,
        [xml_id, name]: [Option<Box<str>>; 2],
        attrs: Vec<Attr>,
        span: Span,
        parent: Option<ElementId>,
    ) -> ElementId {
        let id = ElementId(u32::try_from(self.elements.len()).unwrap_or(u32::MAX));
        if let Some(xml_id) = &xml_id {
            match self.ids.entry(xml_id.clone()) {
                hashbrown::hash_map::Entry::Occupied(first) => {
                    let first_span = self.elements[first.get().index()].span;
                    self.diagnostics.push(
                        Diagnostic::error(
                            "parse::duplicate-id",
                            format!("Duplicate id \"{xml_id}\""),
                        )
                        .with_span(span)
                        .with_span_label("second use")
                        .with_element(&**xml_id)
                        .with_label(first_span, "first used here", Some(xml_id))
                        .with_help("ids must be unique in a file; rename one of them"),
                    );
                }
                hashbrown::hash_map::Entry::Vacant(slot) => {
                    slot.insert(id);
                }
            }
        }
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

    fn number(&mut self, raw: Option<&str>, name: &str, span: Span) -> f64 {
        let Some(raw) = raw else {
            self.diagnostics.push(
                Diagnostic::warning("parse::invalid-di", format!("Missing attribute {name}"))
                    .with_span(span),
            );
            return f64::NAN;
        };
        match parse_number(raw) {
            Some(v) if v.is_finite() => v,
            _ => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "parse::invalid-di",
                        format!("Attribute {name}=\"{raw}\" is not a finite number"),
                    )
                    .with_span(span),
                );
                f64::NAN
            }
        }
    }

    fn bounds(&mut self, n: &Numbers<'_>, span: Span) -> Bounds {
        let b = Bounds {
            x: self.number(n.x.as_deref(), "x", span),
            y: self.number(n.y.as_deref(), "y", span),
            width: self.number(n.width.as_deref(), "width", span),
            height: self.number(n.height.as_deref(), "height", span),
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

/// Powers of ten exactly representable as `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Parses a DI coordinate. Most are short decimals (`120`, `-35.5`): those take a fast
/// path that is exact (an integer mantissa below 2^53 divided by an exact power of ten
/// is correctly rounded, Clinger's fast path); anything else goes to `str::parse`.
fn parse_number(raw: &str) -> Option<f64> {
    let s = raw.trim_ascii();
    let (negative, digits) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut frac_digits = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
            }
            b'.' if frac_digits.is_none() && i + 1 < digits.len() => {
                frac_digits = Some(digits.len() - i - 1);
            }
            _ => return s.parse().ok(),
        }
        if count > 15 {
            return s.parse().ok();
        }
    }
    if count == 0 {
        return s.parse().ok();
    }
    #[allow(clippy::cast_precision_loss)] // below 10^15 < 2^53: exact
    let mut v = mantissa as f64;
    if let Some(k) = frac_digits {
        v /= POW10[k.min(15)];
    }
    Some(if negative { -v } else { v })
}

fn find(attrs: &[Attr], name: &str) -> Option<Box<str>> {
    attrs
        .iter()
        .find(|a| a.ns.is_none() && &*a.local == name)
        .map(|a| a.value.clone())
}

fn find_bool(attrs: &[Attr], name: &str) -> Option<bool> {
    let value = attrs.iter().find(|a| a.ns.is_none() && &*a.local == name)?;
    match value.value.trim_ascii() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// What a root namespace that is not BPMN 2.0's says the file is, for formats that reach a
/// BPMN tool by mistake: pre-release BPMN 2.0 (jBPM 4, early Activiti), BPMN 1.x's XPDL,
/// DMN, CMMN, XMI; or a near miss of the BPMN 2.0 namespace, which looks right in the
/// message but is another namespace (XML compares namespace names character for
/// character): surrounding spaces, another letter case, `https`, a trailing `/`.
fn known_other_format(ns: &str) -> Option<&'static str> {
    let near = ns
        .trim()
        .trim_end_matches('/')
        .replacen("https://", "http://", 1);
    if near.eq_ignore_ascii_case(crate::model::BPMN_NS) {
        return Some(
            "a BPMN namespace that is not written exactly as the standard's: check it for spaces, letter case, https or a trailing slash",
        );
    }
    let ns = ns.trim_end_matches('/');
    if ns.starts_with("http://www.omg.org/spec/XMI/")
        || ns.starts_with("http://schema.omg.org/spec/XMI/")
    {
        return Some(
            "an XMI file (such as the BPMN XMI interchange format), not BPMN 2.0 XML; export the model as BPMN 2.0 XML",
        );
    }
    if ns == "http://schema.omg.org/spec/BPMN/2.0"
        || ns == "http://www.omg.org/bpmn20"
        || (ns.starts_with("http://www.omg.org/spec/BPMN/")
            && ns.ends_with("/MODEL")
            && ns != "http://www.omg.org/spec/BPMN/20100524/MODEL")
    {
        Some(
            "a model in a pre-release BPMN 2.0 namespace (tools from before the final standard, such as jBPM 4, wrote these); re-save it with a BPMN 2.0 tool",
        )
    } else if ns.starts_with("http://www.wfmc.org/") && ns.contains("XPDL") {
        Some("XPDL, the interchange format of BPMN 1.x")
    } else if ns.contains("/spec/DMN/") || ns.starts_with("http://www.omg.org/spec/DMN") {
        Some("a DMN decision model")
    } else if ns.contains("/spec/CMMN/") {
        Some("a CMMN case model")
    } else {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{parse_number, value_end};
    use crate::parse::{ParseError, ParseOptions, parse_str};

    /// The code and message of the error reading `text` with `options`.
    fn refusal(text: &str, options: &ParseOptions) -> (String, String) {
        match parse_str("t.bpmn", text, options) {
            Err(ParseError::Invalid { diagnostic, .. }) => {
                (diagnostic.code.clone(), diagnostic.message.clone())
            }
            other => panic!("{text}: {:?}", other.map(|m| m.elements.len())),
        }
    }

    #[test]
    fn listed_tags_are_held_to_every_attribute_check() {
        const NS: &str = "xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"";
        let doc = |attrs: &str| {
            format!(
                "<definitions {NS} id=\"d\"><process id=\"p\"><task {attrs}/></process></definitions>"
            )
        };
        let small = ParseOptions {
            max_attributes: 2,
            max_attribute_len: 4,
            ..ParseOptions::default()
        };
        let (code, message) = refusal(&doc("id=\"t\" name=\"a\" x=\"1\""), &small);
        assert_eq!(code, "parse::limit");
        assert!(message.contains("more than 2 attributes"), "{message}");
        let (code, message) = refusal(&doc("id=\"toolong\""), &small);
        assert_eq!(code, "parse::limit");
        assert!(message.contains("over the limit of 4"), "{message}");
        let (_, message) = refusal(&doc("id=\"a\" id=\"b\""), &ParseOptions::default());
        assert!(message.contains("attribute id is given twice"), "{message}");
        // A value with a reference is normalised on the general path.
        let model = parse_str(
            "t.bpmn",
            &doc("id=\"t\" name=\"a&amp;b&#9;c\td\""),
            &ParseOptions::default(),
        )
        .unwrap();
        let task = model.by_id("t").unwrap();
        assert_eq!(model.el(task).name.as_deref(), Some("a&b\tc d"));
    }

    /// A root namespace that only looks like BPMN 2.0's (a trailing space, `https`, another
    /// letter case, a trailing slash) is still another namespace, but the error says so,
    /// and quotes it, instead of printing what looks like the expected namespace.
    #[test]
    fn a_near_miss_of_the_bpmn_namespace_is_named_in_the_error() {
        for ns in [
            "http://www.omg.org/spec/BPMN/20100524/MODEL ",
            "https://www.omg.org/spec/BPMN/20100524/MODEL",
            "http://www.omg.org/spec/BPMN/20100524/model",
            "http://www.omg.org/spec/BPMN/20100524/MODEL/",
        ] {
            let xml =
                format!(r#"<definitions xmlns="{ns}" id="d"><process id="p"/></definitions>"#);
            let Err(ParseError::Invalid { diagnostic, .. }) =
                parse_str("near-miss.bpmn", &xml, &ParseOptions::default())
            else {
                panic!("{ns:?} is not the BPMN 2.0 namespace");
            };
            let help = diagnostic.help.unwrap_or_default();
            assert!(help.contains("not written exactly"), "{ns:?}: {help}");
            assert!(help.contains(&format!("\"{ns}\"")), "{ns:?}: {help}");
        }
        let xmi = r#"<xmi:XMI xmlns:xmi="http://www.omg.org/spec/XMI/20131001"/>"#;
        let Err(ParseError::Invalid { diagnostic, .. }) =
            parse_str("model.xmi", xmi, &ParseOptions::default())
        else {
            panic!("XMI is not BPMN 2.0 XML");
        };
        let help = diagnostic.help.unwrap_or_default();
        assert!(help.contains("XMI file"), "{help}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// The tokenizer's one-pass read of a start tag ends the tag where quick-xml's tag
        /// scanner does and lists exactly the attributes the reader's own scan finds in it;
        /// any tag it does not list goes to those two instead.
        #[test]
        fn the_one_pass_tag_read_agrees_with_the_general_path(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                " ", "\t", "\n", "a", "id", "b:c", "xmlns", "xmlns:p", "=", "\"", "'", "v",
                "&amp;", "&", ">", "/", "<", "\u{e9}", "\u{2028}",
            ]), 0..14)
        ) {
            use super::super::tokens::{TagAttrs, Token, Tokens};
            use quick_xml::parser::{ElementParser, Parser};
            let text = format!("<t{}/>", parts.concat());
            let mut tokens = Tokens::new(&text, 0);
            let mut attrs = TagAttrs::default();
            let token = tokens.next_token(&mut attrs);
            if let (Ok(Token::Start(e) | Token::Empty(e)), true) = (&token, attrs.scanned) {
                let end = ElementParser::Outside.feed(&text.as_bytes()[1..]);
                proptest::prop_assert_eq!(Some(tokens.position()), end.map(|i| i + 2));
                let mut pos = 0;
                let mut general = Vec::new();
                while let Some(attr) = super::scan_attr(e.attributes_raw(), &mut pos) {
                    let attr = attr.map_err(|err| proptest::test_runner::TestCaseError::fail(err.message))?;
                    general.push((attr.key, attr.value, attr.plain));
                }
                let listed: Vec<_> = attrs.list.iter().map(|a| (a.key, a.value, a.plain)).collect();
                proptest::prop_assert_eq!(listed, general);
            }
        }
    }

    #[test]
    fn value_end_finds_the_quote_and_what_needs_normalising() {
        // Every position of the closing quote and of a special byte, on both sides of the
        // eight-byte blocks.
        for len in 0..40 {
            let plain = "a".repeat(len) + "\"rest";
            assert_eq!(
                value_end(plain.as_bytes(), b'"'),
                Some((len, true)),
                "{plain}"
            );
            assert_eq!(value_end(plain.as_bytes(), b'\''), None);
            for at in 0..len {
                for special in [b'&', b'\t', b'\n', b'\r'] {
                    let mut bytes = plain.clone().into_bytes();
                    bytes[at] = special;
                    assert_eq!(value_end(&bytes, b'"'), Some((len, false)), "{len} {at}");
                }
            }
            // A special byte after the quote does not count.
            let after = "a".repeat(len) + "\"&\t";
            assert_eq!(value_end(after.as_bytes(), b'"'), Some((len, true)));
        }
    }

    #[test]
    fn attribute_syntax_errors_point_at_the_byte() {
        let cases = [
            (
                r#"<definitions id="a"name="b"/>"#,
                19,
                "separated by white space",
            ),
            (r#"<definitions id "a"/>"#, 16, "not followed by `=`"),
            (r#"<definitions id=a/>"#, 16, "must be enclosed"),
            (
                r#"<definitions a = 'x' b="y"c="z"/>"#,
                26,
                "separated by white space",
            ),
            (r#"<definitions id=/>"#, 16, "no value after `=`"),
            (r#"<definitions ="a"/>"#, 13, "has no name"),
        ];
        for (xml, at, message) in cases {
            let Err(ParseError::Invalid { diagnostic: d, .. }) =
                parse_str("t.bpmn", xml, &ParseOptions::default())
            else {
                panic!("{xml}: no syntax error");
            };
            assert!(d.message.contains(message), "{xml}: {}", d.message);
            assert_eq!(d.span.map(|s| s.start), Some(at), "{xml}");
        }
    }

    #[test]
    fn numbers_parse_like_std() {
        for s in [
            "0",
            "120",
            "-35.5",
            " 7 ",
            "+3",
            "1.25",
            "0.1",
            "100.123456789",
            "-0",
            "1e3",
            "1.",
            ".5",
            "123456789012345",
            "1234567890123456789",
            "0.30000000000000004",
            "-",
            "",
            "1.2.3",
            "NaN",
            "inf",
            "12a",
            "9007199254740993",
        ] {
            let ours = parse_number(s);
            let std = s.trim().parse::<f64>().ok();
            assert_eq!(
                ours.map(f64::to_bits),
                std.map(f64::to_bits),
                "{s:?}: {ours:?} vs {std:?}"
            );
        }
    }
}
