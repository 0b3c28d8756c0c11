//! Diagram interchange (BPMNDI): diagrams, planes, shapes and edges.

use super::{Attr, ElementId, Span};

/// A point in diagram coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Point {
    /// X.
    pub x: f64,
    /// Y.
    pub y: f64,
}

/// A rectangle in diagram coordinates (`dc:Bounds`).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Bounds {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Bounds {
    /// Whether all four numbers are finite and the size is not negative.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        [self.x, self.y, self.width, self.height]
            .iter()
            .all(|v| v.is_finite())
            && self.width >= 0.0
            && self.height >= 0.0
    }

    /// Centre point.
    #[must_use]
    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.width / 2.0,
            y: self.y + self.height / 2.0,
        }
    }

    /// Right edge.
    #[must_use]
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// Bottom edge.
    #[must_use]
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
}

/// A `BPMNLabel`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiLabel {
    /// The label's bounds, if given.
    pub bounds: Option<Bounds>,
    /// `labelStyle` reference.
    pub label_style: Option<Box<str>>,
    /// Foreign attributes (e.g. `color:color`).
    pub attrs: Vec<Attr>,
}

/// A `BPMNShape`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiShape {
    /// The shape's id.
    pub id: Option<Box<str>>,
    /// `bpmnElement`, as written.
    pub bpmn_element: Option<Box<str>>,
    /// The semantic element it shows, when it resolves.
    pub element: Option<ElementId>,
    /// Bounds.
    pub bounds: Bounds,
    /// `isExpanded`.
    pub is_expanded: Option<bool>,
    /// `isHorizontal`.
    pub is_horizontal: Option<bool>,
    /// `isMarkerVisible` (exclusive gateways).
    pub is_marker_visible: Option<bool>,
    /// `isMessageVisible` (participant bands).
    pub is_message_visible: Option<bool>,
    /// The label, if any.
    pub label: Option<DiLabel>,
    /// The other attributes (`isExpanded` and the like, `bioc:` and `color:` ones); `id`
    /// and `bpmnElement` are in their own fields.
    pub attrs: Vec<Attr>,
    /// Start tag in the source.
    pub span: Span,
}

/// A `BPMNEdge`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiEdge {
    /// The edge's id.
    pub id: Option<Box<str>>,
    /// `bpmnElement`, as written.
    pub bpmn_element: Option<Box<str>>,
    /// The semantic element it shows, when it resolves.
    pub element: Option<ElementId>,
    /// Waypoints, in order.
    pub waypoints: Vec<Point>,
    /// The label, if any.
    pub label: Option<DiLabel>,
    /// The other attributes (`bioc:`, `color:`, `messageVisibleKind`, ...); `id` and
    /// `bpmnElement` are in their own fields.
    pub attrs: Vec<Attr>,
    /// Start tag in the source.
    pub span: Span,
}

/// A `BPMNPlane`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plane {
    /// The plane's id.
    pub id: Option<Box<str>>,
    /// `bpmnElement`, as written (a process or collaboration, usually).
    pub bpmn_element: Option<Box<str>>,
    /// The semantic element, when it resolves.
    pub element: Option<ElementId>,
    /// Shapes in document order.
    pub shapes: Vec<DiShape>,
    /// Edges in document order.
    pub edges: Vec<DiEdge>,
}

/// A `BPMNDiagram`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagram {
    /// The diagram's id.
    pub id: Option<Box<str>>,
    /// The diagram's name.
    pub name: Option<Box<str>>,
    /// Its plane.
    pub plane: Plane,
    /// Further `BPMNPlane`s of the same diagram: not allowed by the schema, but written by
    /// some tools; kept so that nothing is lost, and reported as a warning.
    pub extra_planes: Vec<Plane>,
    /// Number of `BPMNLabelStyle` elements.
    pub label_styles: Vec<(Option<Box<str>>, Vec<Attr>)>,
    /// Start tag in the source.
    pub span: Span,
}
