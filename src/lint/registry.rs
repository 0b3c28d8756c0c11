//! The single list of rules.

use super::Rule;
use super::rules;

/// Every rule, in name order.
#[must_use]
pub fn all() -> Vec<&'static dyn Rule> {
    vec![&rules::no_implicit_split::NoImplicitSplit]
}

/// A rule by its kebab-case name.
#[must_use]
pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().name == name)
}
