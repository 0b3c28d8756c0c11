//! One module per subcommand.

pub mod completions;
pub mod inspect;
pub mod lint;
pub mod rules;
