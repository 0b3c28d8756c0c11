//! The one integration-test binary: a module per topic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

mod common;
mod corpus;
mod governance;
mod hostile;
mod layout;
mod lint_outputs;
mod lint_parity;
mod odd_ids;
mod parse_errors;
mod props;
mod realworld;
mod render;
mod report;
mod simulate;
mod verify;
mod workspace;
