//! GitHub Actions workflow commands (`::error file=..,line=..,col=..,title=..::message`),
//! which GitHub shows as annotations on the changed files.

use super::FileDiagnostic;
use crate::diagnostic::Severity;

/// Escapes a workflow-command message (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation line per diagnostic.
#[must_use]
pub fn render(items: &[FileDiagnostic]) -> String {
    let mut out = String::new();
    for item in items {
        let d = &item.diagnostic;
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("file={}", escape_property(item.source.name()))];
        if let Some(span) = d.span {
            let a = item.source.line_col(span.start);
            let b = item.source.line_col(span.end);
            props.push(format!("line={}", a.line));
            props.push(format!("col={}", a.column));
            props.push(format!("endLine={}", b.line));
            if a.line == b.line {
                props.push(format!("endColumn={}", b.column));
            }
        }
        props.push(format!("title={}", escape_property(&d.code)));
        let mut message = d.message.clone();
        if let Some(id) = &d.element_id {
            message.push_str(&format!(" ({id})"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(super::escape_data("x\ny"), "x%0Ay");
    }
}
