//! # bpmnkit
//!
//! A toolkit for BPMN 2.0 process models: it reads BPMN XML from any modelling tool into a
//! typed [`model::Model`] (semantics and diagram interchange), builds [`graph`] views of it,
//! and reports problems as [`Diagnostic`]s with exact source positions.
//!
//! ```
//! let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
//!   <process id="p"><startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>
//!   <endEvent id="e"/></process></definitions>"#;
//! let model = bpmnkit::parse::parse_str("example.bpmn", xml, &Default::default())?;
//! let start = model.by_id("s").expect("start event");
//! assert_eq!(model.el(start).links.outgoing.len(), 1);
//! assert!(model.diagnostics.is_empty());
//! # Ok::<(), bpmnkit::parse::ParseError>(())
//! ```
#![warn(missing_docs)]

pub mod cli;
pub mod diagnostic;
pub mod graph;
pub mod lint;
pub mod model;
pub mod parse;
pub mod render;
pub mod report;
pub mod simulate;
pub mod testing;
pub mod verify;
pub mod workspace;

pub use diagnostic::{Diagnostic, Severity};
pub use model::{ElementId, Kind, Model};
pub use parse::{ParseError, ParseOptions, parse_file, parse_str};
