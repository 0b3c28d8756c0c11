//! One module per subcommand.

pub mod completions;
pub mod inspect;
pub mod layout;
pub mod render;
pub mod verify;
