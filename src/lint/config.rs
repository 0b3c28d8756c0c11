//! Lint configuration: the `.bpmnlintrc` file, built-in configs, overrides, and the
//! resolution of all of it into the rules to run on one file.
//!
//! ```json
//! {
//!   "extends": ["bpmnlint:recommended", "plugin:bpmnkit/recommended"],
//!   "rules": { "label-required": "warn", "standard-size": ["error", {"bpmn:Task": {"width": 120, "height": 80}}] },
//!   "overrides": [{ "files": "legacy/**", "rules": { "no-bpmndi": "off" } }]
//! }
//! ```
//!
//! A level is `off`, `warn`, `error` or `info` (or `0`, `1`, `2`, `3`); a rule entry is a
//! level or `[level, options]`. Rule names may carry bpmnlint's `bpmnlint/` prefix.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_json::Value;

use super::{Rule, configs, registry};
use crate::diagnostic::Severity;

/// The file name looked for upward from each model.
pub const FILE_NAME: &str = ".bpmnlintrc";

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

    /// Reads a level from its config spelling or number.
    #[must_use]
    pub fn parse(value: &Value) -> Option<Level> {
        match value {
            Value::String(s) => match s.as_str() {
                "off" => Some(Level::Off),
                "warn" | "warning" => Some(Level::Warn),
                "error" => Some(Level::Error),
                "info" => Some(Level::Info),
                _ => None,
            },
            Value::Number(n) => match n.as_u64()? {
                0 => Some(Level::Off),
                1 => Some(Level::Warn),
                2 => Some(Level::Error),
                3 => Some(Level::Info),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A config that cannot be used; names the file and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read config {path}: {message}")]
    #[diagnostic(code(config::io))]
    Io {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The file is not JSON, or not the shape of a `.bpmnlintrc`.
    #[error("{path}: {message}")]
    #[diagnostic(
        code(config::syntax),
        help("a .bpmnlintrc is a JSON object with `extends`, `rules` and `overrides`")
    )]
    Syntax {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A value at a key is wrong (unknown rule, bad level, bad options, unknown config).
    #[error("{path}: `{key}`: {message}")]
    #[diagnostic(code(config::invalid), help("{help}"))]
    Invalid {
        /// The file (or `--rule` for the command line).
        path: String,
        /// The key, as a path (`rules.label-requird`, `extends[1]`).
        key: String,
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
    },
}

/// One rule's setting: its level and options.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSetting {
    /// The level.
    pub level: Level,
    /// Options, when the config gives some.
    pub options: Option<Value>,
}

/// Rule settings by rule name.
pub type RuleTable = BTreeMap<&'static str, RuleSetting>;

/// An `overrides` entry: settings for files matching globs.
#[derive(Debug, Clone)]
struct Override {
    globs: GlobSet,
    rules: RuleTable,
}

/// A loaded, checked config.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it was read from (`None` for the built-in default).
    pub path: Option<PathBuf>,
    base: RuleTable,
    overrides: Vec<Override>,
}

/// One rule to run with its severity and options.
#[derive(Clone)]
pub struct ActiveRule {
    /// The rule.
    pub rule: &'static dyn Rule,
    /// The severity of its findings.
    pub severity: Severity,
    /// Its options.
    pub options: Option<Value>,
}

impl std::fmt::Debug for ActiveRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActiveRule")
            .field("rule", &self.rule.meta().name)
            .field("severity", &self.severity)
            .field("options", &self.options)
            .finish()
    }
}

/// The rule named `name` (a `bpmnlint/` prefix is accepted).
#[must_use]
pub fn find_rule(name: &str) -> Option<&'static dyn Rule> {
    registry::by_name(name).or_else(|| registry::by_name(name.strip_prefix("bpmnlint/")?))
}

fn invalid(path: &str, key: String, message: String, help: &str) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_owned(),
        key,
        message,
        help: help.to_owned(),
    }
}

/// Reads one rule entry (`"warn"`, `2`, `["error", {...}]`) for `name`.
fn parse_setting(
    path: &str,
    key: &str,
    name: &str,
    value: &Value,
    previous: Option<&RuleSetting>,
) -> Result<(&'static str, RuleSetting), ConfigError> {
    let Some(rule) = find_rule(name) else {
        let near = registry::all()
            .into_iter()
            .map(|r| r.meta().name)
            .min_by_key(|n| edit_distance(n, name))
            .unwrap_or("");
        return Err(invalid(
            path,
            key.to_owned(),
            format!("unknown rule `{name}`"),
            &format!("did you mean `{near}`? `bpmnkit rules` lists every rule"),
        ));
    };
    let meta = rule.meta();
    let (level_value, options) = match value {
        Value::Array(items) => (items.first().unwrap_or(&Value::Null), items.get(1)),
        other => (other, None),
    };
    let Some(level) = Level::parse(level_value) else {
        return Err(invalid(
            path,
            key.to_owned(),
            format!("`{level_value}` is not a level"),
            "use off, warn, error or info (or 0, 1, 2, 3), or [level, options]",
        ));
    };
    if let Value::Array(items) = value {
        if items.len() > 2 {
            return Err(invalid(
                path,
                key.to_owned(),
                "too many items".to_owned(),
                "write [level] or [level, options]",
            ));
        }
    }
    let options = match options {
        Some(o) => {
            let Some(om) = meta.options else {
                return Err(invalid(
                    path,
                    key.to_owned(),
                    format!("rule `{}` takes no options", meta.name),
                    "write the level alone",
                ));
            };
            (om.validate)(o).map_err(|e| {
                invalid(
                    path,
                    key.to_owned(),
                    format!("bad options: {e}"),
                    &format!("`bpmnkit rules {}` documents the options", meta.name),
                )
            })?;
            Some(o.clone())
        }
        // A level alone keeps options set earlier (by an extended config or the base).
        None => previous.and_then(|p| p.options.clone()),
    };
    Ok((meta.name, RuleSetting { level, options }))
}

fn parse_rules(
    path: &str,
    prefix: &str,
    value: &Value,
    table: &mut RuleTable,
) -> Result<(), ConfigError> {
    let Value::Object(map) = value else {
        return Err(invalid(
            path,
            prefix.to_owned(),
            "must be an object of rule names".to_owned(),
            r#"write {"rule-name": "error"}"#,
        ));
    };
    for (name, v) in map {
        let key = format!("{prefix}.{name}");
        let previous = find_rule(name)
            .and_then(|r| table.get(r.meta().name))
            .cloned();
        let (n, setting) = parse_setting(path, &key, name, v, previous.as_ref())?;
        table.insert(n, setting);
    }
    Ok(())
}

/// Applies an `extends` value (string or array) onto `table`.
fn apply_extends(
    path: &Path,
    value: &Value,
    table: &mut RuleTable,
    depth: usize,
) -> Result<(), ConfigError> {
    let shown = path.display().to_string();
    let items: Vec<(String, &Value)> = match value {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("extends[{i}]"), v))
            .collect(),
        other => vec![("extends".to_owned(), other)],
    };
    for (key, v) in items {
        let Some(name) = v.as_str() else {
            return Err(invalid(
                &shown,
                key,
                "must be a config name".to_owned(),
                "e.g. \"bpmnlint:recommended\"",
            ));
        };
        if let Some(builtin) = configs::by_name(name) {
            for &(rule, level) in builtin.rules {
                let previous = table.get(rule).and_then(|p| p.options.clone());
                if let Some(r) = find_rule(rule) {
                    table.insert(
                        r.meta().name,
                        RuleSetting {
                            level,
                            options: previous,
                        },
                    );
                }
            }
        } else if name.starts_with('.')
            || name.starts_with('/')
            || name.ends_with(".json")
            || name.ends_with(FILE_NAME)
        {
            if depth > 8 {
                return Err(invalid(
                    &shown,
                    key,
                    format!("`{name}` extends too deeply (a cycle?)"),
                    "break the cycle of extends",
                ));
            }
            let file = path.parent().unwrap_or(Path::new(".")).join(name);
            let parent = load_table(&file, depth + 1)?;
            for (k, s) in parent {
                table.insert(k, s);
            }
        } else {
            let known: Vec<&str> = configs::BUILTIN.iter().map(|c| c.name).collect();
            return Err(invalid(
                &shown,
                key,
                format!("unknown config `{name}`"),
                &format!(
                    "built-in configs: {}; or a relative path to another config file",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| ConfigError::Syntax {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    if !value.is_object() {
        return Err(ConfigError::Syntax {
            path: shown,
            message: "the config must be a JSON object".to_owned(),
        });
    }
    Ok(value)
}

/// The base rule table of a file (its `extends` and `rules`), for `extends` by path.
fn load_table(path: &Path, depth: usize) -> Result<RuleTable, ConfigError> {
    let value = read_json(path)?;
    let mut table = RuleTable::new();
    if let Some(ext) = value.get("extends") {
        apply_extends(path, ext, &mut table, depth)?;
    }
    if let Some(rules) = value.get("rules") {
        parse_rules(&path.display().to_string(), "rules", rules, &mut table)?;
    }
    Ok(table)
}

impl Config {
    /// The config used when no `.bpmnlintrc` is found: `bpmnlint:recommended`.
    #[must_use]
    pub fn builtin_default() -> Config {
        let mut base = RuleTable::new();
        if let Some(c) = configs::by_name("bpmnlint:recommended") {
            for &(rule, level) in c.rules {
                if let Some(r) = find_rule(rule) {
                    base.insert(
                        r.meta().name,
                        RuleSetting {
                            level,
                            options: None,
                        },
                    );
                }
            }
        }
        Config {
            path: None,
            base,
            overrides: Vec::new(),
        }
    }

    /// Reads and checks a config file.
    ///
    /// # Errors
    /// The file cannot be read, is not JSON, or has an unknown key, rule, config, level or
    /// bad options.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let value = read_json(path)?;
        Self::from_value(path, &value)
    }

    /// Checks a config given as JSON text, as if read from `path`.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn from_json(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let value: Value = serde_json::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_value(path, &value)
    }

    fn from_value(path: &Path, value: &Value) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let Value::Object(map) = value else {
            return Err(ConfigError::Syntax {
                path: shown,
                message: "the config must be a JSON object".to_owned(),
            });
        };
        for key in map.keys() {
            if !matches!(key.as_str(), "extends" | "rules" | "overrides" | "$schema") {
                return Err(invalid(
                    &shown,
                    key.clone(),
                    "unknown key".to_owned(),
                    "a .bpmnlintrc has `extends`, `rules` and `overrides`",
                ));
            }
        }
        let mut base = RuleTable::new();
        if let Some(ext) = map.get("extends") {
            apply_extends(path, ext, &mut base, 0)?;
        }
        if let Some(rules) = map.get("rules") {
            parse_rules(&shown, "rules", rules, &mut base)?;
        }
        let mut overrides = Vec::new();
        if let Some(ov) = map.get("overrides") {
            let Value::Array(items) = ov else {
                return Err(invalid(
                    &shown,
                    "overrides".to_owned(),
                    "must be an array".to_owned(),
                    r#"write [{"files": "glob", "rules": {...}}]"#,
                ));
            };
            for (i, item) in items.iter().enumerate() {
                overrides.push(parse_override(&shown, i, item)?);
            }
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            base,
            overrides,
        })
    }

    /// Sets rules from the command line (`--rule name=level`), over everything else.
    ///
    /// # Errors
    /// Unknown rule or level.
    pub fn set_rule(&mut self, spec: &str) -> Result<(), ConfigError> {
        let (name, level) = spec.split_once('=').ok_or_else(|| {
            invalid(
                "--rule",
                spec.to_owned(),
                "expected NAME=LEVEL".to_owned(),
                "e.g. --rule label-required=off",
            )
        })?;
        let level_value = level
            .parse::<u64>()
            .map_or_else(|_| Value::String(level.to_owned()), Value::from);
        let previous = find_rule(name)
            .and_then(|r| self.base.get(r.meta().name))
            .cloned();
        let (n, setting) = parse_setting("--rule", name, name, &level_value, previous.as_ref())?;
        self.base.insert(n, setting.clone());
        for o in &mut self.overrides {
            if let Some(s) = o.rules.get_mut(n) {
                s.level = setting.level;
            }
        }
        Ok(())
    }

    /// The rules to run on `file`, in name order.
    #[must_use]
    pub fn rules_for(&self, file: &Path) -> Vec<ActiveRule> {
        let mut table = self.base.clone();
        let base_dir = self.path.as_deref().and_then(Path::parent);
        let rel = base_dir.and_then(|d| file.strip_prefix(d).ok());
        for o in &self.overrides {
            let hit = o.globs.is_match(file) || rel.is_some_and(|r| o.globs.is_match(r));
            if hit {
                for (k, s) in &o.rules {
                    table.insert(k, s.clone());
                }
            }
        }
        table
            .into_iter()
            .filter_map(|(name, s)| {
                Some(ActiveRule {
                    rule: find_rule(name)?,
                    severity: s.level.severity()?,
                    options: s.options,
                })
            })
            .collect()
    }

    /// The base rule table (before overrides), for listings.
    #[must_use]
    pub fn table(&self) -> &RuleTable {
        &self.base
    }
}

fn parse_override(path: &str, i: usize, item: &Value) -> Result<Override, ConfigError> {
    let key = format!("overrides[{i}]");
    let Value::Object(map) = item else {
        return Err(invalid(
            path,
            key,
            "must be an object".to_owned(),
            r#"write {"files": "glob", "rules": {...}}"#,
        ));
    };
    for k in map.keys() {
        if !matches!(k.as_str(), "files" | "rules") {
            return Err(invalid(
                path,
                format!("{key}.{k}"),
                "unknown key".to_owned(),
                "an override has `files` and `rules`",
            ));
        }
    }
    let patterns: Vec<&str> = match map.get("files") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) if a.iter().all(Value::is_string) && !a.is_empty() => {
            a.iter().filter_map(Value::as_str).collect()
        }
        _ => {
            return Err(invalid(
                path,
                format!("{key}.files"),
                "must be a glob or an array of globs".to_owned(),
                r#"e.g. "files": "legacy/**/*.bpmn""#,
            ));
        }
    };
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p).map_err(|e| {
            invalid(
                path,
                format!("{key}.files"),
                format!("bad glob `{p}`: {e}"),
                "fix the glob syntax",
            )
        })?;
        builder.add(glob);
    }
    let globs = builder.build().map_err(|e| {
        invalid(
            path,
            format!("{key}.files"),
            e.to_string(),
            "fix the glob syntax",
        )
    })?;
    let mut rules = RuleTable::new();
    if let Some(r) = map.get("rules") {
        parse_rules(path, &format!("{key}.rules"), r, &mut rules)?;
    }
    Ok(Override { globs, rules })
}

/// The nearest `.bpmnlintrc` in `dir` or one of its ancestors.
#[must_use]
pub fn find_upward(dir: &Path) -> Option<PathBuf> {
    let mut cur = Some(dir);
    while let Some(d) = cur {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        cur = d.parent();
    }
    None
}

/// The starter config that `bpmnkit lint --init` writes.
#[must_use]
pub fn starter() -> String {
    let text = r#"{
  "$schema": "https://bpmnkit.dev/schemas/bpmnlintrc.schema.json",
  "extends": ["bpmnlint:recommended"],
  "rules": {
    "label-required": "warn"
  },
  "overrides": [
    {
      "files": "drafts/**",
      "rules": { "no-bpmndi": "off", "label-required": "off" }
    }
  ]
}
"#;
    text.to_owned()
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The JSON Schema of a `.bpmnlintrc` (the content of `schemas/bpmnlintrc.schema.json`):
/// the file's frame, a property per registered rule, and each rule's options schema from
/// its options type.
#[must_use]
pub fn schema() -> String {
    use serde_json::json;
    let level = json!({
        "description": "off, warn, error, info, or 0 (off), 1 (warn), 2 (error), 3 (info)",
        "oneOf": [
            {"type": "string", "enum": ["off", "warn", "warning", "error", "info"]},
            {"type": "integer", "minimum": 0, "maximum": 3}
        ]
    });
    let mut generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut rules = serde_json::Map::new();
    for r in registry::all() {
        let m = r.meta();
        let with_options = match m.options {
            Some(o) => {
                let s = (o.schema)(&mut generator);
                json!({"type": "array", "minItems": 1, "maxItems": 2,
                       "items": [{"$ref": "#/definitions/level"}, s.to_value()]})
            }
            None => json!({"type": "array", "minItems": 1, "maxItems": 1,
                           "items": [{"$ref": "#/definitions/level"}]}),
        };
        rules.insert(
            m.name.to_owned(),
            json!({
                "description": m.summary(),
                "anyOf": [{"$ref": "#/definitions/level"}, with_options]
            }),
        );
    }
    let mut definitions = serde_json::Map::new();
    definitions.insert("level".to_owned(), level);
    for (k, v) in generator.take_definitions(true) {
        definitions.insert(k, v);
    }
    let rule_table = json!({
        "type": "object",
        "description": "Rule levels and options by rule name (a `bpmnlint/` prefix is accepted)",
        "properties": rules,
        "patternProperties": {"^bpmnlint/": {"anyOf": [{"$ref": "#/definitions/level"}, {"type": "array"}]}},
        "additionalProperties": false
    });
    let configs: Vec<&str> = configs::BUILTIN.iter().map(|c| c.name).collect();
    let extends_one = json!({
        "type": "string",
        "description": "a built-in config or a relative path to another config file",
        "anyOf": [{"enum": configs}, {"pattern": "^(\\.|/)|\\.json$|\\.bpmnlintrc$"}]
    });
    let doc = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": ".bpmnlintrc",
        "description": "bpmnkit lint configuration (compatible with bpmnlint's .bpmnlintrc)",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "$schema": {"type": "string"},
            "extends": {"anyOf": [extends_one.clone(), {"type": "array", "items": extends_one}]},
            "rules": rule_table.clone(),
            "overrides": {
                "type": "array",
                "description": "settings for files matching globs (relative to the config file)",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["files"],
                    "properties": {
                        "files": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]},
                        "rules": rule_table
                    }
                }
            }
        },
        "definitions": definitions
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{Config, ConfigError, Level};
    use crate::diagnostic::Severity;
    use std::path::Path;

    fn cfg(text: &str) -> Result<Config, ConfigError> {
        Config::from_json(Path::new("/p/.bpmnlintrc"), text)
    }

    fn level_of(c: &Config, file: &str, rule: &str) -> Option<Severity> {
        c.rules_for(Path::new(file))
            .into_iter()
            .find(|r| r.rule.meta().name == rule)
            .map(|r| r.severity)
    }

    #[test]
    fn extends_rules_and_overrides_resolve_in_order() {
        let c = cfg(r#"{"extends": ["bpmnlint:all", "bpmnlint:recommended"],
            "rules": {"bpmnlint/label-required": 1, "no-complex-gateway": "off"},
            "overrides": [{"files": "legacy/**", "rules": {"label-required": "info"}}]}"#)
        .unwrap();
        assert_eq!(
            level_of(&c, "/p/a.bpmn", "fake-join"),
            Some(Severity::Warning)
        );
        assert_eq!(
            level_of(&c, "/p/a.bpmn", "standard-size"),
            Some(Severity::Error)
        );
        assert_eq!(
            level_of(&c, "/p/a.bpmn", "label-required"),
            Some(Severity::Warning)
        );
        assert_eq!(level_of(&c, "/p/a.bpmn", "no-complex-gateway"), None);
        assert_eq!(
            level_of(&c, "/p/legacy/x/a.bpmn", "label-required"),
            Some(Severity::Info)
        );
    }

    #[test]
    fn errors_name_the_key() {
        let e = cfg(r#"{"rules": {"label-requird": "error"}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("rules.label-requird") && e.contains("unknown rule"),
            "{e}"
        );
        let e = cfg(r#"{"rules": {"label-required": "loud"}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a level"), "{e}");
        let e = cfg(r#"{"extends": "bpmnlint:nope"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("extends") && e.contains("unknown config"), "{e}");
        let e = cfg(r#"{"rules": {"standard-size": ["error", {"bpmn:Tsk": {}}]}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("rules.standard-size") && e.contains("bad options"),
            "{e}"
        );
        let e = cfg(r#"{"rule": {}}"#).unwrap_err().to_string();
        assert!(e.contains("`rule`") && e.contains("unknown key"), "{e}");
    }

    #[test]
    fn options_survive_a_level_change() {
        let mut c =
            cfg(r#"{"rules": {"standard-size": ["error", {"bpmn:Task": {"width": 120}}]}}"#)
                .unwrap();
        c.set_rule("standard-size=warn").unwrap();
        let r = c.rules_for(Path::new("/p/a.bpmn"));
        assert_eq!(r[0].severity, Severity::Warning);
        assert!(r[0].options.is_some());
        assert_eq!(Level::parse(&serde_json::json!(3)), Some(Level::Info));
    }

    #[test]
    fn starter_config_is_valid() {
        cfg(&super::starter()).unwrap();
    }
}
