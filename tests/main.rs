//! The one integration-test binary: a module per topic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

mod common;
mod corpus;
mod hostile;
mod parse_errors;
mod props;
