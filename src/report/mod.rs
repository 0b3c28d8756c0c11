//! Turning diagnostics into output: text (miette), JSON.
//!
//! Every output format reads the same [`Diagnostic`] values together with the
//! [`SourceText`] they point into.

use std::sync::Arc;

use miette::{MietteError, SourceCode, SourceSpan, SpanContents};
use serde::Serialize;

pub mod html;

pub use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::model::SourceText;

pub mod github;
pub mod lint;
pub mod sarif;
mod text;

/// A diagnostic bound to its file, ready for any output format.
#[derive(Debug, Clone)]
pub struct FileDiagnostic {
    /// The file the diagnostic is about.
    pub source: Arc<SourceText>,
    /// The diagnostic.
    pub diagnostic: Diagnostic,
}

/// `miette` source code backed by a shared [`SourceText`] (no copy of the file).
#[derive(Debug, Clone)]
struct SharedSource(Arc<SourceText>);

impl SourceCode for SharedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // miette's own reading walks the text from its first byte for every snippet, which
        // is quadratic for a large file with many findings. It only looks at lines from
        // `context_lines_before` above the span on: hand it the text from a line start
        // above that, then shift offsets and line numbers back (breaks counted as miette
        // counts them: `\n`, `\r\n` and a lone `\r`).
        let bytes = self.0.text().as_bytes();
        let from = snippet_start(bytes, span.offset().min(bytes.len()), context_lines_before);
        let lines_before = self.0.line_breaks_before(from);
        let shifted = SourceSpan::new((span.offset() - from.min(span.offset())).into(), span.len());
        let c = context_info(
            &bytes[from..],
            shifted.offset(),
            shifted.len(),
            context_lines_before,
            context_lines_after,
        )
        .ok_or(MietteError::OutOfBounds)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.0.name().to_owned(),
            &bytes[from + c.start..from + c.end],
            SourceSpan::new((from + c.start).into(), c.end - c.start),
            c.line + lines_before,
            c.column,
            c.line_count + lines_before,
        )))
    }
}

/// What miette shows of a span: the byte range with its context lines, the first line
/// and column, and the line breaks read.
#[derive(Debug, PartialEq, Eq)]
struct Context {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    line_count: usize,
}

/// miette's reading of a span with context lines (`context_info` in its `source_impls`),
/// step for step, but hopping from line break to line break with memchr where miette
/// looks at every byte: snippets were a tenth of a large lint run. `None` where miette
/// says out of bounds. `context_info_is_miettes` holds the two together.
fn context_info(
    input: &[u8],
    offset: usize,
    len: usize,
    before: usize,
    after: usize,
) -> Option<Context> {
    // The offset from which miette counts the span as passed.
    let last = offset.saturating_add(len).saturating_sub(1);
    let mut at = 0usize;
    let mut line_count = 0;
    let mut start_line = 0;
    let mut start_column = 0;
    // Starts of the last `before` lines above the span.
    let mut starts = std::collections::VecDeque::with_capacity(before + 1);
    let mut line_start = 0;
    let mut end_lines = 0;
    let mut post_span = false;
    let mut post_span_break = false;
    loop {
        // A run of bytes that are not line breaks: columns count up to the span, and the
        // first byte at or past `last` may end the reading.
        let run_end = memchr::memchr2(b'\r', b'\n', &input[at..]).map_or(input.len(), |i| at + i);
        let first_past = at.max(last);
        if first_past < run_end {
            post_span = true;
            if end_lines >= after {
                start_column += (first_past + 1).min(offset).saturating_sub(at);
                at = first_past + 1;
                break;
            }
        }
        start_column += run_end.min(offset).saturating_sub(at);
        at = run_end;
        if at >= input.len() {
            break;
        }
        // A line break (`\r\n` read as one).
        line_count += 1;
        if input[at] == b'\r' && input.get(at + 1) == Some(&b'\n') {
            at += 1;
        }
        if at < offset {
            start_column = 0;
            starts.push_back(line_start);
            if starts.len() > before {
                start_line += 1;
                starts.pop_front();
            }
        } else if at >= last && post_span {
            start_column = 0;
            if post_span_break {
                end_lines += 1;
            } else {
                post_span_break = true;
            }
            if end_lines >= after {
                at += 1;
                break;
            }
        }
        line_start = at + 1;
        if at >= last {
            post_span = true;
            if end_lines >= after {
                at += 1;
                break;
            }
        }
        at += 1;
    }
    let start = starts
        .front()
        .copied()
        .unwrap_or(if before == 0 { offset } else { 0 });
    // miette would slice out of range (and panic) where `start > at`: an empty span past
    // the end. That is out of bounds here.
    (at >= last && start <= at).then_some(Context {
        start,
        end: at,
        line: start_line,
        column: if before == 0 { start_column } else { 0 },
        line_count,
    })
}

/// A line start at least `before + 1` line breaks above `offset` (or 0): reading from
/// there gives miette the same lines of context as reading from the top.
fn snippet_start(bytes: &[u8], offset: usize, before: usize) -> usize {
    let mut end = offset;
    for _ in 0..before + 2 {
        match memchr::memrchr2(b'\n', b'\r', &bytes[..end]) {
            // `\r\n` is one break: step over both.
            Some(at) if bytes[at] == b'\n' && at > 0 && bytes[at - 1] == b'\r' => end = at - 1,
            Some(at) => end = at,
            None => return 0,
        }
    }
    // `end` is the last break found; the line after it starts past its `\n` (or lone `\r`).
    if bytes.get(end) == Some(&b'\r') && bytes.get(end + 1) == Some(&b'\n') {
        end + 2
    } else {
        end + 1
    }
}

/// The miette view of a [`FileDiagnostic`].
#[derive(Debug)]
struct MietteView<'a> {
    d: &'a Diagnostic,
    source: SharedSource,
    /// Whether the snippet is shown: not for spans on very long lines (a one-line file
    /// would print megabytes per diagnostic, and miette cannot pad past 65,535 columns).
    snippet: bool,
}

/// Longest line shown in a snippet, in bytes.
const MAX_SNIPPET_LINE: usize = 2_000;

impl<'a> MietteView<'a> {
    fn new(item: &'a FileDiagnostic) -> Self {
        let d = &item.diagnostic;
        let snippet = d
            .span
            .into_iter()
            .chain(d.labels.iter().map(|l| l.span))
            .all(|s| {
                item.source.line_bounds(s.start).len() <= MAX_SNIPPET_LINE
                    && item.source.line_bounds(s.end).len() <= MAX_SNIPPET_LINE
            });
        MietteView {
            d,
            source: SharedSource(Arc::clone(&item.source)),
            snippet,
        }
    }
}

impl std::fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message)?;
        match self.d.span {
            Some(span) if !self.snippet => {
                let lc = self.source.0.line_col(span.start);
                write!(
                    f,
                    "\n[{}:{}:{}] (the line is too long to show)",
                    self.source.0.name(),
                    lc.line,
                    lc.column
                )
            }
            _ => Ok(()),
        }
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.d.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.d
            .url
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if !self.snippet {
            return None;
        }
        let primary = self.d.span.map(|span| {
            let text = self
                .d
                .span_label
                .clone()
                .or_else(|| self.d.element_id.as_ref().map(|id| format!("id {id}")));
            miette::LabeledSpan::new_primary_with_span(text, span)
        });
        let rest = self
            .d
            .labels
            .iter()
            .map(|l| miette::LabeledSpan::new_with_span(Some(l.text.clone()), l.span));
        Some(Box::new(primary.into_iter().chain(rest)))
    }
}

/// Renders diagnostics as miette's graphical text, with the XML snippet.
#[must_use]
pub fn render_text(items: &[FileDiagnostic], color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_context_lines(text::CONTEXT_LINES)
        .with_width(text::WIDTH);
    let miette = |view: &MietteView<'_>| {
        let mut one = String::new();
        if handler.render_report(&mut one, view).is_err() {
            one.push_str(&view.d.message);
        }
        one
    };
    let render = |item: &FileDiagnostic| {
        let view = MietteView::new(item);
        let mut one = if color {
            miette(&view)
        } else {
            text::render(&view).unwrap_or_else(|| miette(&view))
        };
        one.push('\n');
        one
    };
    // Rendering a snippet costs far more than finding it: many findings use every core
    // (in order: rayon's collect keeps it).
    let parts: Vec<String> = if items.len() >= PARALLEL_RENDER_MIN {
        use rayon::prelude::*;
        items.par_iter().map(render).collect()
    } else {
        items.iter().map(render).collect()
    };
    parts.concat()
}

/// From this many findings on, text rendering is spread over the cores.
const PARALLEL_RENDER_MIN: usize = 64;

/// A position in a file for machine-readable output.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Location {
    /// 1-based line of the start.
    pub line: u32,
    /// 1-based column of the start.
    pub column: u32,
    /// 1-based line of the end.
    pub end_line: u32,
    /// 1-based column of the end.
    pub end_column: u32,
    /// Byte offset of the start in the decoded text.
    pub offset: u32,
    /// Length in bytes.
    pub length: u32,
}

impl Location {
    /// The location of a span in a source text.
    #[must_use]
    pub fn of(source: &SourceText, span: crate::model::Span) -> Self {
        let a = source.line_col(span.start);
        let b = source.line_col(span.end);
        Location {
            line: a.line,
            column: a.column,
            end_line: b.line,
            end_column: b.column,
            offset: span.start,
            length: span.end - span.start,
        }
    }
}

/// A secondary location in JSON output.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct JsonLabel {
    /// What is said there.
    pub text: String,
    /// Where.
    pub location: Location,
    /// Element id at that place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_id: Option<String>,
}

/// One diagnostic in JSON output.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct JsonDiagnostic {
    /// The file.
    pub file: String,
    /// `<area>::<name>`.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The element concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_id: Option<String>,
    /// Further locations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<JsonLabel>,
    /// What to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Documentation link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl JsonDiagnostic {
    /// Converts a diagnostic and its file.
    #[must_use]
    pub fn new(item: &FileDiagnostic) -> Self {
        let d = &item.diagnostic;
        let src = &item.source;
        JsonDiagnostic {
            file: src.name().to_owned(),
            code: d.code.clone(),
            severity: d.severity,
            message: d.message.clone(),
            location: d.span.map(|s| Location::of(src, s)),
            element_id: d.element_id.clone(),
            labels: d
                .labels
                .iter()
                .map(|l| JsonLabel {
                    text: l.text.clone(),
                    location: Location::of(src, l.span),
                    element_id: l.element_id.clone(),
                })
                .collect(),
            help: d.help.clone(),
            url: d.url.clone(),
        }
    }
}

/// One-line `file:line:col: severity[code]: message` form, for logs and tests.
#[must_use]
pub fn render_short(item: &FileDiagnostic) -> String {
    let d = &item.diagnostic;
    match d.span {
        Some(span) => {
            let lc = item.source.line_col(span.start);
            format!(
                "{}:{}:{}: {}[{}]: {}",
                item.source.name(),
                lc.line,
                lc.column,
                d.severity,
                d.code,
                d.message
            )
        }
        None => format!(
            "{}: {}[{}]: {}",
            item.source.name(),
            d.severity,
            d.code,
            d.message
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Our step-for-step copy of miette's span reading agrees with miette on every span
    /// (empty ones, ones past the end) of texts built from every short mix of bytes,
    /// `\r`, `\n` and a two-byte character, for 0 to 3 lines of context on each side.
    #[test]
    fn context_info_is_miettes() {
        let parts: [&str; 4] = ["a", "\n", "\r", "é"];
        let mut texts = vec![String::new()];
        for n in 1..=6 {
            let mut code = 0usize;
            while code < parts.len().pow(n) {
                let mut c = code;
                let mut t = String::new();
                for _ in 0..n {
                    t.push_str(parts[c % parts.len()]);
                    c /= parts.len();
                }
                texts.push(t);
                code += 1;
            }
        }
        for text in &texts {
            let bytes = text.as_bytes();
            for offset in 0..=bytes.len() + 1 {
                for len in 0..=(bytes.len() + 2 - offset) {
                    for before in 0..3 {
                        for after in 0..3 {
                            let span = SourceSpan::new(offset.into(), len);
                            let ours = context_info(bytes, offset, len, before, after);
                            // miette panics slicing an empty span past the end: ours says
                            // out of bounds.
                            let Ok(theirs) = std::panic::catch_unwind(|| {
                                bytes.read_span(&span, before, after).ok().map(|w| Context {
                                    start: w.span().offset(),
                                    end: w.span().offset() + w.span().len(),
                                    line: w.line(),
                                    column: w.column(),
                                    line_count: w.line_count(),
                                })
                            }) else {
                                assert_eq!(ours, None, "{text:?} {offset}+{len}");
                                continue;
                            };
                            assert_eq!(
                                ours, theirs,
                                "{text:?} {offset}+{len} ctx {before}/{after}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// Our snippet reading gives exactly what miette's reading of the whole text gives,
    /// for every span of texts with `\n`, `\r\n` and lone `\r` breaks, blank lines and
    /// spans at line starts, and for 0 to 3 lines of context.
    #[test]
    fn snippets_match_miettes_own_reading() {
        let texts = [
            "a\nbb\n\nccc\ndddd\ne\n",
            "<a>\r\n  <b/>\r\n\r\n  <c>x</c>\r\n</a>\r\n",
            "one\rtwo\r\rthree\rfour",
            "mixed\r\nlf\nlone\rcr\r\n\n\rend",
            "no breaks at all",
        ];
        for text in texts {
            let source = SharedSource(Arc::new(SourceText::new("t", text.to_owned())));
            for offset in 0..text.len() {
                for len in [0, 1, 3, 7] {
                    if offset + len > text.len() {
                        continue;
                    }
                    let span = SourceSpan::new(offset.into(), len);
                    for context in 0..4 {
                        let want = text.as_bytes().read_span(&span, context, context);
                        let got = source.read_span(&span, context, context);
                        match (want, got) {
                            (Ok(w), Ok(g)) => {
                                let case = format!("{text:?} {offset}+{len} ctx {context}");
                                assert_eq!(w.data(), g.data(), "{case}");
                                assert_eq!(w.span(), g.span(), "{case}");
                                assert_eq!(w.line(), g.line(), "{case}");
                                assert_eq!(w.column(), g.column(), "{case}");
                                assert_eq!(w.line_count(), g.line_count(), "{case}");
                            }
                            (Err(_), Err(_)) => {}
                            (w, g) => panic!(
                                "{text:?} {offset}+{len}: {:?} vs {:?}",
                                w.is_ok(),
                                g.is_ok()
                            ),
                        }
                    }
                }
            }
        }
    }
}
