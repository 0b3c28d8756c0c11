//! SVG writer for BPMN diagrams.
