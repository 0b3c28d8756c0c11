//! One module per subcommand.

pub mod inspect;
pub mod lint;
pub mod rules;
