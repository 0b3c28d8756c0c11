//! Built-in configs that a `.bpmnlintrc` can `extend`, by name.
//!
//! The `bpmnlint:*` configs carry bpmnlint's own rule lists and severities (bpmnlint
//! 11.15, `config/{recommended,all,correctness}.js`). The `plugin:bpmnkit/*` configs hold
//! our governance rules; their lists live in [`BPMNKIT_RECOMMENDED`] and
//! [`BPMNKIT_GOVERNANCE`].

use super::config::Level;

/// A named built-in config: a rule list with levels (options are never preset).
#[derive(Debug, Clone, Copy)]
pub struct BuiltinConfig {
    /// The name used in `extends` (`bpmnlint:recommended`).
    pub name: &'static str,
    /// One line on what it is for.
    pub description: &'static str,
    /// Rule name and level, in name order.
    pub rules: &'static [(&'static str, Level)],
}

use Level::{Error, Warn};

/// Every bpmnlint rule (`bpmnlint:all` turns each on as an error).
pub const BPMNLINT_RULES: &[&str] = &[
    "ad-hoc-sub-process",
    "conditional-event",
    "conditional-flows",
    "end-event-required",
    "event-based-gateway",
    "event-sub-process-typed-start-event",
    "fake-join",
    "global",
    "label-required",
    "link-event",
    "no-bpmndi",
    "no-complex-gateway",
    "no-disconnected",
    "no-duplicate-sequence-flows",
    "no-gateway-join-fork",
    "no-implicit-end",
    "no-implicit-split",
    "no-implicit-start",
    "no-inclusive-gateway",
    "no-overlapping-elements",
    "single-blank-start-event",
    "single-event-definition",
    "standard-size",
    "start-event-required",
    "sub-process-blank-start-event",
    "superfluous-gateway",
    "superfluous-label",
    "superfluous-termination",
];

const BPMNLINT_ALL: &[(&str, Level)] = &[
    ("ad-hoc-sub-process", Error),
    ("conditional-event", Error),
    ("conditional-flows", Error),
    ("end-event-required", Error),
    ("event-based-gateway", Error),
    ("event-sub-process-typed-start-event", Error),
    ("fake-join", Error),
    ("global", Error),
    ("label-required", Error),
    ("link-event", Error),
    ("no-bpmndi", Error),
    ("no-complex-gateway", Error),
    ("no-disconnected", Error),
    ("no-duplicate-sequence-flows", Error),
    ("no-gateway-join-fork", Error),
    ("no-implicit-end", Error),
    ("no-implicit-split", Error),
    ("no-implicit-start", Error),
    ("no-inclusive-gateway", Error),
    ("no-overlapping-elements", Error),
    ("single-blank-start-event", Error),
    ("single-event-definition", Error),
    ("standard-size", Error),
    ("start-event-required", Error),
    ("sub-process-blank-start-event", Error),
    ("superfluous-gateway", Error),
    ("superfluous-label", Error),
    ("superfluous-termination", Error),
];

const BPMNLINT_RECOMMENDED: &[(&str, Level)] = &[
    ("ad-hoc-sub-process", Error),
    ("conditional-flows", Error),
    ("end-event-required", Error),
    ("event-based-gateway", Error),
    ("event-sub-process-typed-start-event", Error),
    ("fake-join", Warn),
    ("global", Warn),
    ("label-required", Error),
    ("link-event", Error),
    ("no-bpmndi", Error),
    ("no-complex-gateway", Error),
    ("no-disconnected", Error),
    ("no-duplicate-sequence-flows", Error),
    ("no-gateway-join-fork", Error),
    ("no-implicit-end", Error),
    ("no-implicit-split", Error),
    ("no-implicit-start", Error),
    ("no-inclusive-gateway", Warn),
    ("no-overlapping-elements", Warn),
    ("single-blank-start-event", Error),
    ("single-event-definition", Error),
    ("start-event-required", Error),
    ("sub-process-blank-start-event", Error),
    ("superfluous-gateway", Warn),
    ("superfluous-label", Warn),
    ("superfluous-termination", Warn),
];

const BPMNLINT_CORRECTNESS: &[(&str, Level)] = &[
    ("ad-hoc-sub-process", Error),
    ("conditional-event", Error),
    ("event-based-gateway", Error),
    ("event-sub-process-typed-start-event", Error),
    ("link-event", Error),
    ("no-duplicate-sequence-flows", Warn),
    ("single-blank-start-event", Error),
    ("sub-process-blank-start-event", Error),
];

/// `plugin:bpmnkit/recommended`: governance rules that need no organisation-specific
/// options, at the levels we recommend. (Governance rules add their line here.)
pub const BPMNKIT_RECOMMENDED: &[(&str, Level)] = &[
    ("bpmnkit/can-reach-end", Error),
    ("bpmnkit/no-duplicate-names", Warn),
    ("bpmnkit/reachable-from-start", Error),
];

/// `plugin:bpmnkit/governance`: every governance rule. (Governance rules add their line
/// here.)
pub const BPMNKIT_GOVERNANCE: &[(&str, Level)] = &[
    ("bpmnkit/activity-naming", Warn),
    ("bpmnkit/approval-has-rejection-path", Error),
    ("bpmnkit/approver-role", Error),
    ("bpmnkit/can-reach-end", Error),
    ("bpmnkit/max-complexity", Warn),
    ("bpmnkit/no-duplicate-names", Warn),
    ("bpmnkit/no-laneless-node", Warn),
    ("bpmnkit/no-orphan-lane", Warn),
    ("bpmnkit/owner-required", Warn),
    ("bpmnkit/reachable-from-start", Error),
    ("bpmnkit/separation-of-duties", Error),
    ("bpmnkit/user-task-assignee", Warn),
];

/// Every built-in config.
pub const BUILTIN: &[BuiltinConfig] = &[
    BuiltinConfig {
        name: "bpmnlint:recommended",
        description: "bpmnlint's recommended rules and severities",
        rules: BPMNLINT_RECOMMENDED,
    },
    BuiltinConfig {
        name: "bpmnlint:all",
        description: "all 28 bpmnlint rules, each an error",
        rules: BPMNLINT_ALL,
    },
    BuiltinConfig {
        name: "bpmnlint:correctness",
        description: "bpmnlint's rules for models that are wrong, not just unusual",
        rules: BPMNLINT_CORRECTNESS,
    },
    BuiltinConfig {
        name: "plugin:bpmnkit/recommended",
        description: "bpmnkit's governance rules that work without options",
        rules: BPMNKIT_RECOMMENDED,
    },
    BuiltinConfig {
        name: "plugin:bpmnkit/governance",
        description: "every bpmnkit governance rule",
        rules: BPMNKIT_GOVERNANCE,
    },
];

/// A built-in config by name.
#[must_use]
pub fn by_name(name: &str) -> Option<&'static BuiltinConfig> {
    BUILTIN.iter().find(|c| c.name == name)
}
