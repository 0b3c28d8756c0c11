//! One module per subcommand.

pub mod check;
pub mod completions;
pub mod inspect;
pub mod layout;
pub mod lint;
pub mod render;
pub mod report;
pub mod rules;
pub mod simulate;
pub mod verify;
