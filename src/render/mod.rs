//! Rendering of BPMN diagrams: SVG output (`svg`) from diagram interchange (DI).

pub mod layout;
pub mod svg;
