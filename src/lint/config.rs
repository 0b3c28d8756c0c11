//! Lint configuration: levels, `.bpmnlintrc` files, resolution to a rule selection.

use crate::diagnostic::Severity;

/// A rule's level in a config: `off`, `warn`, `error`, `info` (or 0, 1, 2, 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Not run.
    Off,
    /// Findings are warnings.
    Warn,
    /// Findings are errors.
    Error,
    /// Findings are informational.
    Info,
}

impl Level {
    /// The severity findings get, `None` when off.
    #[must_use]
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warn => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
            Level::Info => Some(Severity::Info),
        }
    }

    /// The config spelling (`off`, `warn`, `error`, `info`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Info => "info",
        }
    }
}
