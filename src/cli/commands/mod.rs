//! One module per subcommand.

pub mod completions;
pub mod inspect;
pub mod layout;
pub mod render;
pub mod report;
pub mod simulate;
pub mod verify;
