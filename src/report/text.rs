//! miette's graphical report, without colour, for the diagnostics whose labels each sit on
//! one line: the output of `miette::GraphicalReportHandler` (unicode theme, no colour, one
//! line of context, width 100) to the byte, written directly.
//!
//! miette lays out every line of a snippet against every label of the diagnostic, with
//! formatting machinery for colours and gutters that plain output never uses: a witness of
//! ten steps spent a quarter of a small `verify` run there, and a lint run with thousands
//! of findings most of its time. Here the same layout is a few loops. Anything outside that
//! subset (a label spanning lines, which miette draws in a gutter; a span it cannot read)
//! returns `None`, and the caller hands the diagnostic to miette. `plain_text_is_miettes`
//! holds the two together on every finding of the corpus and on hand-made edge cases.

use std::borrow::Cow;
use std::fmt::Write as _;

use miette::{Diagnostic as _, LabeledSpan, SourceCode, SpanContents};
use unicode_width::UnicodeWidthChar;

use super::MietteView;

/// Columns of the terminal miette is told about (`with_width`).
pub(super) const WIDTH: usize = 100;
/// Lines of context above and below a label (`with_context_lines`).
pub(super) const CONTEXT_LINES: usize = 1;
/// miette's default tab width.
const TAB_WIDTH: usize = 4;

const HBAR: char = '─';
const VBAR: char = '│';
const VBAR_BREAK: char = '·';
const UARROW: char = '▲';
const LTOP: char = '╭';
const LBOT: char = '╰';
const RCROSS: char = '┤';
const UNDERBAR: char = '┬';
const UNDERLINE: char = '─';

/// The report of one diagnostic, as miette writes it without colour; `None` where this
/// renderer does not go (the caller then asks miette).
pub(super) fn render(view: &MietteView<'_>) -> Option<String> {
    // Room for a typical report: growing the string copies it.
    let mut out = String::with_capacity(1024);
    header(&mut out, view);
    let width = WIDTH - 2;
    let icon = match view.severity() {
        Some(miette::Severity::Warning) => "⚠",
        Some(miette::Severity::Advice) => "☞",
        Some(miette::Severity::Error) | None => "×",
    };
    let first = format!("  {icon} ");
    let rest = format!("  {VBAR} ");
    let opts = textwrap::Options::new(width)
        .initial_indent(&first)
        .subsequent_indent(&rest)
        .break_words(true);
    fill(&mut out, &view.to_string(), opts);
    snippets(&mut out, view)?;
    if let Some(help) = view.help() {
        let opts = textwrap::Options::new(width)
            .initial_indent("  help: ")
            .subsequent_indent("        ")
            .break_words(true);
        fill(&mut out, &help.to_string(), opts);
    }
    Some(out)
}

/// `text` wrapped as miette wraps it, and a line break. A one-line sentence that fits is
/// the indent and the text: textwrap would split it into words and put them back as they
/// were.
fn fill(out: &mut String, text: &str, opts: textwrap::Options<'_>) {
    let plain = text.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ");
    // The indents are ASCII but for the one-column severity marks.
    let indent = opts.initial_indent.chars().count();
    if plain && indent + text.len() < opts.width {
        out.push_str(opts.initial_indent);
        out.push_str(text);
    } else {
        out.push_str(&textwrap::fill(text, opts));
    }
    out.push('\n');
}

/// The code line (a terminal hyperlink when there is a URL, as miette's default link style
/// writes it) and a blank line.
fn header(out: &mut String, view: &MietteView<'_>) {
    let Some(code) = view.code() else {
        return;
    };
    match view.url() {
        Some(url) => {
            let _ = writeln!(
                out,
                "\u{1b}]8;;{url}\u{1b}\\{code} (link)\u{1b}]8;;\u{1b}\\"
            );
        }
        None => {
            let _ = writeln!(out, "{code}");
        }
    }
    out.push('\n');
}

/// The snippets: labels sorted by offset, and those whose context lines touch read as one.
fn snippets(out: &mut String, view: &MietteView<'_>) -> Option<()> {
    let (Some(source), Some(labels)) = (view.source_code(), view.labels()) else {
        return Some(());
    };
    let mut labels: Vec<LabeledSpan> = labels.collect();
    // The same sort on the same values as miette's, so that labels at one offset come
    // out in its order.
    labels.sort_unstable_by_key(|l| l.inner().offset());
    let mut contexts: Vec<(LabeledSpan, Box<dyn SpanContents<'_> + '_>)> = Vec::new();
    for right in &labels {
        let right_conts = source
            .read_span(right.inner(), CONTEXT_LINES, CONTEXT_LINES)
            .ok()?;
        let touches = contexts.last().is_some_and(|(_, left_conts)| {
            left_conts.line() + left_conts.line_count() >= right_conts.line()
        });
        if let (true, Some((left, _))) = (touches, contexts.last()) {
            let new_end = (left.offset() + left.len()).max(right.offset() + right.len());
            let merged = LabeledSpan::new(
                left.label().map(String::from),
                left.offset(),
                new_end - left.offset(),
            );
            if let Ok(conts) = source.read_span(merged.inner(), CONTEXT_LINES, CONTEXT_LINES) {
                contexts.pop();
                contexts.push((merged, conts));
                continue;
            }
        }
        contexts.push((right.clone(), right_conts));
    }
    let spans: Vec<Span> = labels.iter().map(Span::of).collect();
    for (context, contents) in contexts {
        render_context(out, source, &context, contents, &labels, &spans)?;
    }
    Some(())
}

/// A label as the layout sees it: byte range and text lines.
#[derive(PartialEq)]
struct Span {
    offset: usize,
    len: usize,
    label: Option<Vec<String>>,
}

impl Span {
    fn of(l: &LabeledSpan) -> Self {
        Span {
            offset: l.offset(),
            len: l.len(),
            label: l
                .label()
                .map(|t| t.split('\n').map(str::to_owned).collect()),
        }
    }
}

/// One line of a snippet: its number (1-based), byte range with the line break, and text
/// without it.
struct Line<'a> {
    number: usize,
    offset: usize,
    length: usize,
    text: Cow<'a, str>,
}

impl Line<'_> {
    /// The span starts and ends on this line.
    fn holds(&self, s: &Span) -> bool {
        s.offset >= self.offset && s.offset + s.len <= self.offset + self.length
    }

    /// The span shows on this line (starts, passes through or ends here).
    fn shows(&self, s: &Span) -> bool {
        let len = s.len.max(1);
        let end = self.offset + self.length;
        (s.offset >= self.offset && s.offset < end)
            || (s.offset < self.offset && s.offset + len > end)
            || (s.offset + len > self.offset && s.offset + len <= end)
    }

    /// The span would be drawn in the gutter of this line (it shows here but does not
    /// both start and end here).
    fn in_gutter(&self, s: &Span) -> bool {
        let len = s.len.max(1);
        let end = self.offset + self.length;
        self.shows(s)
            && !((s.offset >= self.offset && s.offset < end)
                && (s.offset + len > self.offset && s.offset + len <= end))
    }
}

/// One snippet. `contents` is the context's span read with its context lines, as miette
/// reads it again here (the same call on the same span: the reading is reused).
fn render_context<'s>(
    out: &mut String,
    source: &'s dyn SourceCode,
    context: &LabeledSpan,
    contents: Box<dyn SpanContents<'s> + 's>,
    labels: &[LabeledSpan],
    spans: &[Span],
) -> Option<()> {
    let lines = lines(contents.as_ref());
    // Multi-line labels take miette's gutter drawing: not done here.
    if lines
        .iter()
        .any(|line| spans.iter().any(|s| !line.holds(s) && line.in_gutter(s)))
    {
        return None;
    }
    let (start, end) = (context.offset(), context.offset() + context.len());
    let inside = || {
        labels
            .iter()
            .filter(move |l| start <= l.offset() && l.offset() + l.len() <= end)
    };
    let primary = inside().find(|l| l.primary()).or_else(|| inside().next());
    let linum_width = lines.last().map_or(0, |l| l.number).to_string().len();
    let pad = " ".repeat(linum_width + 2);
    out.push_str(&pad);
    out.push(LTOP);
    out.push(HBAR);
    let at = match primary {
        Some(label) => source.read_span(label.inner(), 0, 0).ok()?,
        None => contents,
    };
    let name = at.name()?;
    let _ = writeln!(out, "[{}:{}:{}]", name, at.line() + 1, at.column() + 1);
    for line in &lines {
        gutter(out, linum_width, Some(line.number), VBAR);
        if memchr::memchr(b'\t', line.text.as_bytes()).is_some() {
            for (c, w) in line.text.chars().zip(visual_widths(&line.text)) {
                if c == '\t' {
                    out.extend(std::iter::repeat_n(' ', w));
                } else {
                    out.push(c);
                }
            }
        } else {
            out.push_str(&line.text);
        }
        out.push('\n');
        let single: Vec<&Span> = spans
            .iter()
            .filter(|s| line.shows(s) && line.holds(s))
            .collect();
        if !single.is_empty() {
            gutter(out, linum_width, None, VBAR_BREAK);
            highlights(out, line, linum_width, &single);
        }
    }
    out.push_str(&pad);
    out.push(LBOT);
    out.extend(std::iter::repeat_n(HBAR, 4));
    out.push('\n');
    Some(())
}

/// A line's gutter: its number right-aligned in `width` columns (blank without one) and
/// the bar, as miette pads them (`" {:width$} {bar} "`).
fn gutter(out: &mut String, width: usize, number: Option<usize>, bar: char) {
    let mut digits = itoa::Buffer::new();
    let number = number.map_or("", |n| digits.format(n));
    out.push(' ');
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(number.len())));
    out.push_str(number);
    out.push(' ');
    out.push(bar);
    out.push(' ');
}

/// The snippet's lines, split as miette splits them (`\n` and `\r\n` end a line; a lone
/// `\r` stays in the text).
fn lines<'a>(contents: &dyn SpanContents<'a>) -> Vec<Line<'a>> {
    // The text is UTF-8 already (read from a `str` at line breaks): only checked.
    let Ok(text) = std::str::from_utf8(contents.data()) else {
        return split_by_chars(&String::from_utf8_lossy(contents.data()), contents);
    };
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        let mut offset = contents.span().offset();
        return text
            .split_inclusive('\n')
            .zip(contents.line() + 1..)
            .map(|(line, number)| {
                let at = offset;
                offset += line.len();
                Line {
                    number,
                    offset: at,
                    length: line.len(),
                    text: Cow::Borrowed(line.strip_suffix('\n').unwrap_or(line)),
                }
            })
            .collect();
    }
    split_by_chars(text, contents)
}

/// [`lines`] character by character, as miette reads them: for texts with a `\r`.
fn split_by_chars<'a>(text: &str, contents: &dyn SpanContents<'_>) -> Vec<Line<'a>> {
    let mut line = contents.line();
    let mut column = contents.column();
    let mut offset = contents.span().offset();
    let mut line_offset = offset;
    let mut line_str = String::new();
    let mut lines = Vec::new();
    let mut iter = text.chars().peekable();
    while let Some(c) = iter.next() {
        offset += c.len_utf8();
        let mut at_end_of_file = false;
        match c {
            '\r' => {
                if iter.next_if_eq(&'\n').is_some() {
                    offset += 1;
                    line += 1;
                    column = 0;
                } else {
                    line_str.push(c);
                    column += 1;
                }
                at_end_of_file = iter.peek().is_none();
            }
            '\n' => {
                at_end_of_file = iter.peek().is_none();
                line += 1;
                column = 0;
            }
            _ => {
                line_str.push(c);
                column += 1;
            }
        }
        if iter.peek().is_none() && !at_end_of_file {
            line += 1;
        }
        if column == 0 || iter.peek().is_none() {
            lines.push(Line {
                number: line,
                offset: line_offset,
                length: offset - line_offset,
                text: Cow::Owned(std::mem::take(&mut line_str)),
            });
            line_offset = offset;
        }
    }
    lines
}

/// The terminal columns of each character of a line: tabs to the next stop, escape
/// sequences none, others their Unicode width.
fn visual_widths(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut column = 0;
    let mut escaped = false;
    text.chars().map(move |c| {
        let width = match (escaped, c) {
            (false, '\t') => TAB_WIDTH - column % TAB_WIDTH,
            (false, '\x1b') => {
                escaped = true;
                0
            }
            (false, c) => c.width().unwrap_or(0),
            (true, 'm') => {
                escaped = false;
                0
            }
            (true, _) => 0,
        };
        column += width;
        width
    })
}

/// The column of a byte offset of a line: where its character starts (`start`) or ends,
/// and one past the text for an offset past it.
fn visual_offset(line: &Line, offset: usize, start: bool) -> usize {
    let mut index = offset - line.offset;
    while index <= line.text.len() && !line.text.is_char_boundary(index) {
        if start {
            index -= 1;
        } else {
            index += 1;
        }
    }
    let before = &line.text[..index.min(line.text.len())];
    // Printable ASCII is one column a character.
    let width: usize = if before.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        before.len()
    } else {
        visual_widths(before).sum()
    };
    if index > line.text.len() {
        width + 1
    } else {
        width
    }
}

/// The underline row of a line's one-line labels, then their texts, last label first,
/// each hanging from its mark.
fn highlights(out: &mut String, line: &Line, linum_width: usize, single: &[&Span]) {
    let mut highest = 0;
    let mut marks: Vec<(&Span, usize)> = Vec::with_capacity(single.len());
    for hl in single {
        let start = visual_offset(line, hl.offset, true).max(highest);
        let end = if hl.len == 0 {
            start + 1
        } else {
            visual_offset(line, hl.offset + hl.len, false).max(start + 1)
        };
        let mark = (start + end) / 2;
        out.extend(std::iter::repeat_n(' ', start.saturating_sub(highest)));
        out.extend(std::iter::repeat_n(UNDERLINE, mark - start));
        out.push(if hl.len == 0 {
            UARROW
        } else if hl.label.is_some() {
            UNDERBAR
        } else {
            UNDERLINE
        });
        out.extend(std::iter::repeat_n(UNDERLINE, end - mark - 1));
        highest = highest.max(end);
        marks.push((hl, mark));
    }
    out.push('\n');
    for hl in single.iter().rev() {
        let Some(parts) = &hl.label else {
            continue;
        };
        for (i, part) in parts.iter().enumerate() {
            gutter(out, linum_width, None, VBAR_BREAK);
            let mut column = 1usize;
            for &(other, mark) in &marks {
                while column < mark + 1 {
                    out.push(' ');
                    column += 1;
                }
                if other != *hl {
                    out.push(VBAR);
                    column += 1;
                } else {
                    if parts.len() == 1 {
                        let _ = writeln!(out, "{LBOT}{HBAR}{HBAR} {part}");
                    } else if i == 0 {
                        let _ = writeln!(out, "{LBOT}{HBAR}{RCROSS} {part}");
                    } else {
                        let _ = writeln!(out, "  {VBAR} {part}");
                    }
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{Diagnostic, Label, Severity};
    use crate::model::{SourceText, Span as ByteSpan};
    use crate::report::FileDiagnostic;

    fn miettes(view: &MietteView<'_>) -> String {
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_context_lines(CONTEXT_LINES)
                .with_width(WIDTH);
        let mut out = String::new();
        handler.render_report(&mut out, view).unwrap();
        out
    }

    /// Ours against miette's; whether ours rendered it.
    fn same(item: &FileDiagnostic) -> bool {
        let view = MietteView::new(item);
        match render(&view) {
            Some(ours) => {
                assert_eq!(ours, miettes(&view), "{:#?}", item.diagnostic);
                true
            }
            None => false,
        }
    }

    fn span(text: &str, needle: &str, nth: usize) -> ByteSpan {
        let at = text.match_indices(needle).nth(nth).unwrap().0;
        ByteSpan::new(at, at + needle.len())
    }

    fn item(text: &str, diagnostic: Diagnostic) -> FileDiagnostic {
        FileDiagnostic {
            source: Arc::new(SourceText::new("edge.bpmn", text.to_owned())),
            diagnostic,
        }
    }

    fn label(span: ByteSpan, text: &str) -> Label {
        Label {
            span,
            text: text.to_owned(),
            element_id: None,
        }
    }

    #[test]
    fn plain_text_is_miettes_on_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rules: Vec<(&dyn crate::lint::Rule, crate::Severity)> = crate::lint::registry::all()
            .into_iter()
            .map(|r| (r, crate::Severity::Warning))
            .collect();
        let (mut ours, mut total) = (0usize, 0usize);
        for dir in [root.join("../shared/corpus"), root.join("samples")] {
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.unwrap();
                let path = entry.path();
                if path.extension().and_then(|e| e.to_str()) != Some("bpmn") {
                    continue;
                }
                let bytes = std::fs::read(path).unwrap();
                let name = path.display().to_string();
                let items: Vec<FileDiagnostic> =
                    match crate::parse::parse_bytes(&name, &bytes, &Default::default()) {
                        Ok(model) => {
                            let mut all = model.diagnostics.clone();
                            all.extend(crate::lint::run(&model, &rules));
                            let verified = crate::verify::verify_model(&model, &Default::default());
                            all.extend(verified.diagnostics);
                            all.into_iter()
                                .map(|diagnostic| FileDiagnostic {
                                    source: Arc::clone(&model.source),
                                    diagnostic,
                                })
                                .collect()
                        }
                        Err(crate::parse::ParseError::Invalid {
                            source_text,
                            diagnostic,
                        }) => vec![FileDiagnostic {
                            source: source_text,
                            diagnostic: *diagnostic,
                        }],
                        Err(err) => panic!("{err:?}"),
                    };
                for item in &items {
                    total += 1;
                    ours += usize::from(same(item));
                }
            }
        }
        assert!(total > 2_000, "{total} diagnostics");
        // Every finding of the corpus has its labels on one line each.
        assert_eq!(ours, total, "{ours} of {total} rendered here");
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(3000))]

        /// Random texts of line breaks (LF, CRLF, lone CR), tabs, wide and multi-byte
        /// characters, with up to four labels anywhere (empty, crossing lines, sharing a
        /// line or an offset): wherever ours renders, it is miette's text; and it renders
        /// every diagnostic whose labels each sit on one line of `\n`-ended text.
        #[test]
        fn plain_text_is_miettes_on_random_texts(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["ab", " ", "\n", "\r\n", "\r", "\t", "é", "日", "<x a=\"1\"/>"]),
                0..24,
            ),
            picks in proptest::collection::vec((0usize..1000, 0usize..8, proptest::bool::ANY), 1..5),
            help in proptest::bool::ANY,
        ) {
            let text: String = parts.concat();
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let spans: Vec<ByteSpan> = picks
                .iter()
                .map(|&(at, len, _)| {
                    let a = bounds[at % bounds.len()];
                    let b = bounds[(at % bounds.len() + len % 4).min(bounds.len() - 1)];
                    ByteSpan::new(a, b)
                })
                .collect();
            let mut d = Diagnostic::error("lint::r", "Random labels");
            d.span = Some(spans[0]);
            d.span_label = picks[0].2.then(|| "first".to_owned());
            d.labels = spans[1..]
                .iter()
                .zip(&picks[1..])
                .map(|(&s, p)| label(s, if p.2 { "two\nlines" } else { "one" }))
                .collect();
            if help {
                d.help = Some("Some help".into());
            }
            let item = item(&text, d);
            let view = MietteView::new(&item);
            let ours = render(&view);
            // miette panics on some spans past the end of a text; ours then gives way.
            let theirs = std::panic::catch_unwind(|| miettes(&view));
            if let (Some(ours), Ok(theirs)) = (&ours, &theirs) {
                proptest::prop_assert_eq!(ours, theirs);
            }
            let one_line_each = !text.contains('\r')
                && spans.iter().all(|s| !text[s.start as usize..s.end as usize].contains('\n'));
            if one_line_each && theirs.is_ok() {
                proptest::prop_assert!(ours.is_some(), "{:?} {:?}", text, spans);
            }
        }
    }

    #[test]
    fn plain_text_is_miettes_on_edge_cases() {
        let text = "<a>\n\t<task id=\"t\"\tname=\"x\"/> <task id=\"u\"/>\n  <b name=\"日本語 ü\"/>\r\n<c/>\r<d/>\n<e/>";
        let t = span(text, "<task id=\"t\"\tname=\"x\"/>", 0);
        let u = span(text, "<task id=\"u\"/>", 0);
        let b = span(text, "<b name=\"日本語 ü\"/>", 0);
        let wide = span(text, "語 ü", 0);
        let c = span(text, "<c/>", 0);
        let d = span(text, "<d/>", 0);
        let e = span(text, "<e/>", 0);
        let empty = ByteSpan::new(t.start as usize + 3, t.start as usize + 3);
        let long = "a fairly long message, ".repeat(8);
        let mut cases = Vec::new();
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            let mut d = Diagnostic::new("lint::x", severity, "Two labels on one line");
            d.span = Some(t);
            d.element_id = Some("t".into());
            d.labels = vec![label(u, "next"), label(empty, "here")];
            cases.push(d);
        }
        let mut with_url = Diagnostic::error("lint::y", long.trim_end());
        with_url.span = Some(b);
        with_url.url = Some("https://example.com/rule".into());
        with_url.help = Some(format!("{long}  and  spaces "));
        with_url.labels = vec![label(wide, "wide\nand two lines"), label(b, "same span")];
        cases.push(with_url);
        let mut crs = Diagnostic::error("verify::z", "Lines ended by CR LF and a lone CR");
        crs.span = Some(d);
        crs.labels = vec![label(c, "after CRLF"), label(e, "last line, no break")];
        cases.push(crs);
        let mut no_label = Diagnostic::error("parse::w", "A span without a label text");
        no_label.span = Some(c);
        cases.push(no_label);
        for (message, help) in [
            ("Short  with  double spaces", " leading space"),
            ("Trailing space ", "Fits exactly"),
            ("Tab\tinside", "Ends with a break\n"),
        ] {
            let mut d = Diagnostic::error("lint::s", message);
            d.span = Some(u);
            d.help = Some(help.into());
            cases.push(d);
        }
        // Messages around the width where a line must wrap.
        for n in 90..100 {
            let mut d = Diagnostic::error("lint::n", "x".repeat(n - 20) + " and twenty more c");
            d.help = Some("y ".repeat(n / 2).trim_end().to_owned());
            cases.push(d);
        }
        let mut plain = Diagnostic::error("parse::v", "No span at all");
        plain.help = Some("Nothing to show".into());
        cases.push(plain);
        for d in cases {
            assert!(same(&item(text, d.clone())), "{d:#?}");
        }

        // A span over two lines is drawn in miette's gutter: left to miette.
        let mut multi = Diagnostic::error("lint::m", "Spans lines");
        multi.span = Some(ByteSpan::new(t.start as usize, b.end as usize));
        assert!(!same(&item(text, multi)));
    }
}
