//! One module per subcommand.

pub mod completions;
pub mod inspect;
pub mod verify;
pub mod render;
pub mod layout;
