//! Splicing computed DI into a copy of a file's text, keeping every other byte.

use std::fmt::Write as _;
use std::ops::Range;

use crate::model::{BPMNDI_NS, Bounds, DC_NS, DI_NS, DiLabel, Diagram, Model};

/// Why DI could not be written into a model's text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The end of an existing `BPMNDiagram` element was not found.
    #[error("cannot find the end of the BPMNDiagram element that starts at byte {0}")]
    UnclosedDiagram(u32),
    /// The closing tag of the root element was not found.
    #[error("cannot find the closing tag of the definitions element")]
    NoRootEnd,
}

/// The byte ranges of the file's `BPMNDiagram` elements, widened to whole lines when
/// only whitespace surrounds them.
fn diagram_ranges(model: &Model) -> Result<Vec<Range<usize>>, WriteError> {
    let text = model.source.text();
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    for d in &model.diagrams {
        let start = d.span.start as usize;
        let tag_end = d.span.end as usize;
        let tag = text.get(start..tag_end).unwrap_or("");
        let end = if tag.trim_end().ends_with("/>") {
            tag_end
        } else {
            let qname: String = tag
                .trim_start_matches('<')
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            let close = format!("</{qname}");
            let rel = text
                .get(tag_end..)
                .and_then(|rest| rest.find(&close))
                .ok_or(WriteError::UnclosedDiagram(d.span.start))?;
            let after = tag_end + rel + close.len();
            let gt = text
                .get(after..)
                .and_then(|rest| rest.find('>'))
                .ok_or(WriteError::UnclosedDiagram(d.span.start))?;
            after + gt + 1
        };
        // widen to the whole line(s) if only indentation precedes and a newline follows
        let mut s = start;
        while s > 0 && matches!(bytes[s - 1], b' ' | b'\t') {
            s -= 1;
        }
        let mut e = end;
        while e < bytes.len() && matches!(bytes[e], b' ' | b'\t' | b'\r') {
            e += 1;
        }
        if (s == 0 || bytes[s - 1] == b'\n') && e < bytes.len() && bytes[e] == b'\n' {
            ranges.push(s..e + 1);
        } else {
            ranges.push(start..end);
        }
    }
    ranges.sort_by_key(|r| r.start);
    Ok(ranges)
}

/// The file's text without its `BPMNDiagram` elements.
///
/// # Errors
/// [`WriteError::UnclosedDiagram`] when a diagram's end tag cannot be found.
pub fn strip_di(model: &Model) -> Result<String, WriteError> {
    let text = model.source.text();
    let ranges = diagram_ranges(model)?;
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in ranges {
        if r.start >= pos {
            out.push_str(&text[pos..r.start]);
            pos = r.end;
        }
    }
    out.push_str(&text[pos..]);
    Ok(out)
}

/// The file's text with its `BPMNDiagram` elements replaced by `diagrams` (inserted where
/// the first one was, or before `</definitions>`). Everything else is kept byte for byte.
///
/// # Errors
/// [`WriteError`] when the existing diagrams or the root's end cannot be located.
pub fn write_di(model: &Model, diagrams: &[Diagram]) -> Result<String, WriteError> {
    let text = model.source.text();
    let ranges = diagram_ranges(model)?;
    let (insert_at, indent, in_line) = match ranges.first() {
        Some(r) => {
            let slice = &text[r.clone()];
            let indent: String = slice
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            (r.start, indent, slice.ends_with('\n'))
        }
        None => {
            let close = text.rfind("</").ok_or(WriteError::NoRootEnd)?;
            if !text[close..].contains("definitions") {
                return Err(WriteError::NoRootEnd);
            }
            // keep the closing tag on its own line, after the indented diagrams
            let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
            let only_ws = text[line_start..close]
                .chars()
                .all(|c| c == ' ' || c == '\t');
            let at = if only_ws { line_start } else { close };
            (at, "  ".to_owned(), only_ws)
        }
    };
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let items: usize = diagrams
        .iter()
        .map(|d| d.plane.shapes.len() + 2 * d.plane.edges.len())
        .sum();
    let decls = missing_decls(model);
    // One buffer: the text before the diagrams, the diagrams written straight into it,
    // then the rest (a separate string for the diagrams cost a copy of all of it).
    let mut out = String::with_capacity(text.len() + items * 160 + 256);
    let write_all = |out: &mut String| {
        if !in_line {
            out.push_str(newline);
        }
        for d in diagrams {
            write_diagram(out, d, &indent, &decls, newline);
        }
    };
    let mut pos = 0;
    let mut inserted = false;
    for r in &ranges {
        if r.start < pos {
            continue;
        }
        out.push_str(&text[pos..r.start]);
        if !inserted {
            write_all(&mut out);
            inserted = true;
        }
        pos = r.end;
    }
    if !inserted {
        out.push_str(&text[pos..insert_at]);
        write_all(&mut out);
        pos = insert_at;
    }
    out.push_str(&text[pos..]);
    Ok(out)
}

/// `xmlns:` declarations the root does not already make for the prefixes we write.
fn missing_decls(model: &Model) -> String {
    let mut s = String::new();
    for (prefix, uri) in [("bpmndi", BPMNDI_NS), ("dc", DC_NS), ("di", DI_NS)] {
        let declared = model
            .namespaces
            .iter()
            .any(|(p, u)| &**p == prefix && &**u == uri);
        if !declared {
            let _ = write!(s, " xmlns:{prefix}=\"{uri}\"");
        }
    }
    s
}

/// Appends an attribute value, escaped.
fn push_esc(xml: &mut String, v: &str) {
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'"');
    // ids almost never need escaping: one branch-free scan, then one copy
    if !v.bytes().fold(false, |any, b| any | special(b)) {
        xml.push_str(v);
        return;
    }
    let mut rest = v;
    while let Some(i) = rest.bytes().position(special) {
        xml.push_str(&rest[..i]);
        xml.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[i + 1..];
    }
    xml.push_str(rest);
}

/// ` name="value"` when there is a value (`open` is ` name="`).
fn opt(xml: &mut String, open: &str, v: Option<&str>) {
    if let Some(v) = v {
        xml.push_str(open);
        push_esc(xml, v);
        xml.push('"');
    }
}

/// Appends a coordinate, rounded to a tenth, without a trailing `.0`. Written digit by
/// digit: `core::fmt` took most of the time of writing a large diagram.
fn push_num(xml: &mut String, v: f64) {
    let r = v * 10.0;
    if !r.is_finite() || r.abs() >= 1e15 {
        let _ = write!(xml, "{}", r.round() / 10.0);
        return;
    }
    // `round` without the libm call it is on x86-64: the fraction `r - trunc(r)` is
    // exact, so this rounds half away from zero exactly as `round` does
    #[allow(clippy::cast_possible_truncation)]
    let whole = r as i64;
    #[allow(clippy::cast_precision_loss)]
    let frac = r - whole as f64;
    let t = whole + i64::from(frac >= 0.5) - i64::from(frac <= -0.5);
    let (whole, tenth) = (t / 10, (t % 10).unsigned_abs());
    if t < 0 && whole == 0 {
        xml.push('-');
    }
    xml.push_str(itoa::Buffer::new().format(whole));
    if tenth != 0 {
        xml.push('.');
        #[allow(clippy::cast_possible_truncation)]
        xml.push(char::from(b'0' + tenth as u8));
    }
}

#[cfg(test)]
fn num(v: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, v);
    s
}

/// The fixed text between the values of one diagram's elements, made once per diagram
/// with its indentation and line ends (fewer, longer appends).
struct Glue {
    shape_open: String,
    edge_open: String,
    /// Closes the element's start tag and opens the first bounds or waypoint.
    shape_bounds: String,
    edge_point: String,
    /// Ends a bounds or waypoint line.
    point_end: String,
    shape_close: String,
    edge_close: String,
    label_open: String,
    label_close: String,
    label_empty: String,
}

impl Glue {
    fn new(ind: &str, nl: &str) -> Self {
        let i3 = format!("{ind}    ");
        let i4 = format!("{ind}      ");
        Glue {
            shape_open: format!("{i3}<bpmndi:BPMNShape"),
            edge_open: format!("{i3}<bpmndi:BPMNEdge"),
            shape_bounds: format!(">{nl}{i4}<dc:Bounds x=\""),
            edge_point: format!("{i4}<di:waypoint x=\""),
            point_end: format!("\" />{nl}"),
            shape_close: format!("{i3}</bpmndi:BPMNShape>{nl}"),
            edge_close: format!("{i3}</bpmndi:BPMNEdge>{nl}"),
            label_open: format!("{i4}<bpmndi:BPMNLabel>{nl}{i4}  <dc:Bounds x=\""),
            label_close: format!("{i4}</bpmndi:BPMNLabel>{nl}"),
            label_empty: format!("{i4}<bpmndi:BPMNLabel />{nl}"),
        }
    }
}

/// The values of a `dc:Bounds` after its opening `x="`, up to the closing quote.
fn bounds_values(xml: &mut String, b: &Bounds) {
    push_num(xml, b.x);
    xml.push_str("\" y=\"");
    push_num(xml, b.y);
    xml.push_str("\" width=\"");
    push_num(xml, b.width);
    xml.push_str("\" height=\"");
    push_num(xml, b.height);
}

fn label(xml: &mut String, l: &DiLabel, g: &Glue) {
    match &l.bounds {
        Some(b) => {
            xml.push_str(&g.label_open);
            bounds_values(xml, b);
            xml.push_str(&g.point_end);
            xml.push_str(&g.label_close);
        }
        None => xml.push_str(&g.label_empty),
    }
}

fn write_diagram(xml: &mut String, d: &Diagram, ind: &str, decls: &str, nl: &str) {
    xml.push_str(ind);
    xml.push_str("<bpmndi:BPMNDiagram");
    opt(xml, " id=\"", d.id.as_deref());
    xml.push_str(decls);
    xml.push('>');
    xml.push_str(nl);
    xml.push_str(ind);
    xml.push_str("  <bpmndi:BPMNPlane");
    let p = &d.plane;
    opt(xml, " id=\"", p.id.as_deref());
    opt(xml, " bpmnElement=\"", p.bpmn_element.as_deref());
    xml.push('>');
    xml.push_str(nl);
    let g = Glue::new(ind, nl);
    for s in &p.shapes {
        xml.push_str(&g.shape_open);
        opt(xml, " id=\"", s.id.as_deref());
        opt(xml, " bpmnElement=\"", s.bpmn_element.as_deref());
        for (name, v) in [
            (" isHorizontal=\"", s.is_horizontal),
            (" isExpanded=\"", s.is_expanded),
            (" isMarkerVisible=\"", s.is_marker_visible),
            (" isMessageVisible=\"", s.is_message_visible),
        ] {
            if let Some(v) = v {
                xml.push_str(name);
                xml.push_str(if v { "true\"" } else { "false\"" });
            }
        }
        xml.push_str(&g.shape_bounds);
        bounds_values(xml, &s.bounds);
        xml.push_str(&g.point_end);
        if let Some(l) = &s.label {
            label(xml, l, &g);
        }
        xml.push_str(&g.shape_close);
    }
    for e in &p.edges {
        xml.push_str(&g.edge_open);
        opt(xml, " id=\"", e.id.as_deref());
        opt(xml, " bpmnElement=\"", e.bpmn_element.as_deref());
        xml.push('>');
        xml.push_str(nl);
        for w in &e.waypoints {
            xml.push_str(&g.edge_point);
            push_num(xml, w.x);
            xml.push_str("\" y=\"");
            push_num(xml, w.y);
            xml.push_str(&g.point_end);
        }
        if let Some(l) = &e.label {
            label(xml, l, &g);
        }
        xml.push_str(&g.edge_close);
    }
    for part in [
        ind,
        "  </bpmndi:BPMNPlane>",
        nl,
        ind,
        "</bpmndi:BPMNDiagram>",
        nl,
    ] {
        xml.push_str(part);
    }
}

#[cfg(test)]
mod tests {
    use super::num;
    use std::fmt::Write as _;

    #[test]
    fn escapes_attribute_values() {
        let mut s = String::new();
        super::push_esc(&mut s, "a&b<\"c\">");
        assert_eq!(s, "a&amp;b&lt;&quot;c&quot;&gt;");
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(num(10.0), "10");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-3.5), "-3.5");
        assert_eq!(num(-0.3), "-0.3");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(1_234_567.84), "1234567.8");
        assert_eq!(num(-120.0), "-120");
        // halves of tenths round away from zero, as `f64::round` does
        assert_eq!(num(0.25), "0.3");
        assert_eq!(num(-0.25), "-0.3");
        assert_eq!(num(0.04999), "0");
        for i in -2000..2000 {
            let v = f64::from(i) * 0.0125;
            let mut want = String::new();
            let t = (v * 10.0).round();
            let _ = write!(want, "{}", t / 10.0);
            let want = if want == "-0" { "0".to_owned() } else { want };
            assert_eq!(num(v), want, "{v}");
        }
    }
}
