//! Rendering of BPMN diagrams as SVG.
//!
//! [`svg::render`] draws a model's elements where a [`Diagram`](crate::model::Diagram)
//! places them: the file's own diagram interchange (DI) or one computed by the
//! auto-layout. Text is measured with [`text`], an embedded table of Arial / Liberation
//! Sans advance widths, so output is the same on every machine.
//!
//! ```
//! let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
//!   xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
//!   xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
//!   <process id="p"><task id="t" name="Check order"/></process>
//!   <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane bpmnElement="p">
//!     <bpmndi:BPMNShape bpmnElement="t"><dc:Bounds x="0" y="0" width="100" height="80"/>
//!     </bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>"#;
//! let model = bpmnkit::parse_str("example.bpmn", xml, &Default::default())?;
//! let svg = bpmnkit::render::svg::render(&model, &model.diagrams[0]);
//! assert!(svg.text.contains(r#"data-element-id="t""#));
//! assert!(svg.text.contains("Check order"));
//! # Ok::<(), bpmnkit::parse::ParseError>(())
//! ```

pub mod layout;
pub mod svg;
pub mod text;
