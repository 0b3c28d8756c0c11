//! SARIF 2.1.0 output: one run, the lint rules as `tool.driver.rules` with their docs as
//! help, one result per diagnostic. Validated against the OASIS schema in the tests.

use serde::Serialize;

use super::FileDiagnostic;
use crate::diagnostic::Severity;
use crate::lint::Rule;

/// `$schema` of SARIF 2.1.0.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    artifacts: Vec<Artifact>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: DefaultConfiguration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    category: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'static str>,
}

#[derive(Serialize)]
struct Artifact {
    location: ArtifactLocation,
}

#[derive(Serialize, Clone)]
struct ArtifactLocation {
    uri: String,
    index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    kind: &'static str,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a relative URI reference (forward slashes, spaces escaped).
fn uri(name: &str) -> String {
    name.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}

/// The SARIF log for `items`, describing `rules` (usually all registered rules).
#[must_use]
pub fn render(
    items: &[FileDiagnostic],
    rules: &[&'static dyn Rule],
    files: &[String],
) -> serde_json::Value {
    let descriptors: Vec<ReportingDescriptor> = rules
        .iter()
        .map(|r| {
            let m = r.meta();
            let default = match m.category {
                crate::lint::Category::Correctness => "error",
                crate::lint::Category::Suspicious | crate::lint::Category::Style => "warning",
                crate::lint::Category::Governance | crate::lint::Category::Nursery => "none",
            };
            ReportingDescriptor {
                id: m.name.to_owned(),
                name: m.name.to_owned(),
                short_description: Text {
                    text: m.summary().to_owned(),
                },
                full_description: Text {
                    text: m.docs.trim().to_owned(),
                },
                help: Help {
                    text: m.docs.trim().to_owned(),
                    markdown: m.docs.trim().to_owned(),
                },
                default_configuration: DefaultConfiguration { level: default },
                properties: RuleProperties {
                    category: format!("{:?}", m.category).to_lowercase(),
                    source: m.source,
                },
            }
        })
        .collect();
    let artifacts: Vec<Artifact> = files
        .iter()
        .enumerate()
        .map(|(index, f)| Artifact {
            location: ArtifactLocation { uri: uri(f), index },
        })
        .collect();
    let results = items
        .iter()
        .map(|item| {
            let d = &item.diagnostic;
            let rule_name = d.code.strip_prefix("lint::").unwrap_or(&d.code);
            let rule_index = rules.iter().position(|r| r.meta().name == rule_name);
            let index = files
                .iter()
                .position(|f| f == item.source.name())
                .unwrap_or(0);
            let region = d.span.map(|span| {
                let a = item.source.line_col(span.start);
                let b = item.source.line_col(span.end);
                Region {
                    start_line: a.line,
                    start_column: a.column,
                    end_line: b.line,
                    end_column: b.column,
                }
            });
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!(" (help: {help})"));
            }
            SarifResult {
                rule_id: if rule_index.is_some() {
                    rule_name.to_owned()
                } else {
                    d.code.clone()
                },
                rule_index,
                level: level(d.severity),
                message: Text { text },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: uri(item.source.name()),
                            index,
                        },
                        region,
                    },
                    logical_locations: d
                        .element_id
                        .iter()
                        .map(|id| LogicalLocation {
                            name: id.clone(),
                            kind: "element",
                        })
                        .collect(),
                }],
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "bpmnkit",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/bpmnkit/bpmnkit",
                    rules: descriptors,
                },
            },
            artifacts,
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_value(log).unwrap_or(serde_json::Value::Null)
}
