//! One module per rule.

pub mod no_implicit_split;
