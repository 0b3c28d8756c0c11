//! Text measurement and line wrapping for labels, with the metrics of Arial / Liberation
//! Sans embedded in the crate (no system font lookup), so layout is the same everywhere.
//!
//! Wrapping follows the behaviour bpmn.io users know: explicit line breaks are kept; a line
//! wider than the box is cut at the last space, `-` or soft hyphen that fits, or hard-cut
//! inside a word; lines are never ellipsised or clipped.

mod metrics;

/// Line height as a multiple of the font size.
pub const LINE_HEIGHT: f64 = 1.2;

/// Advance width of one character in font units, estimated for characters outside
/// ASCII / Latin-1 (wide for CJK and other East Asian scripts, zero for combining marks).
fn units(ch: char) -> u16 {
    let cp = u32::from(ch);
    match cp {
        0x20..=0x7E => metrics::ASCII[(cp - 0x20) as usize],
        0xA0..=0xFF => metrics::LATIN1[(cp - 0xA0) as usize],
        // Combining diacritical marks and zero-width characters.
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F => 0,
        // CJK, Hangul, full-width forms: one em.
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60 => {
            metrics::UNITS_PER_EM
        }
        // Control characters are not drawn.
        0x00..=0x1F | 0x7F..=0x9F => 0,
        // Everything else (Greek, Cyrillic, accented Latin beyond Latin-1...): the width of
        // a typical lower-case letter.
        _ => metrics::ASCII[usize::from(b'n' - 0x20)],
    }
}

/// Kerning between two characters, in font units.
fn kerning(left: char, right: char) -> i32 {
    let (Ok(l), Ok(r)) = (
        u8::try_from(u32::from(left)),
        u8::try_from(u32::from(right)),
    ) else {
        return 0;
    };
    metrics::KERNING
        .binary_search_by(|&(a, b, _)| (a, b).cmp(&(l, r)))
        .map_or(0, |i| i32::from(metrics::KERNING[i].2))
}

/// Width of `text` in pixels at `size` px, kerned, trailing whitespace excluded (as a
/// browser canvas measures labels in bpmn.io).
#[must_use]
pub fn measure(text: &str, size: f64) -> f64 {
    let mut total: i64 = 0;
    let mut prev = None;
    for ch in text.trim_end().chars() {
        total += i64::from(units(ch));
        if let Some(p) = prev {
            total += i64::from(kerning(p, ch));
        }
        prev = Some(ch);
    }
    #[allow(clippy::cast_precision_loss)]
    let total = total.max(0) as f64;
    total * size / f64::from(metrics::UNITS_PER_EM)
}

/// Ascent of the font (baseline to top of the line box) at `size` px.
#[must_use]
pub fn ascent(size: f64) -> f64 {
    f64::from(metrics::ASCENDER) * size / f64::from(metrics::UNITS_PER_EM)
}

/// Descent of the font (baseline to bottom of the line box, positive) at `size` px.
#[must_use]
pub fn descent(size: f64) -> f64 {
    -f64::from(metrics::DESCENDER) * size / f64::from(metrics::UNITS_PER_EM)
}

/// One laid-out line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The text of the line, as drawn.
    pub text: String,
    /// Its measured width in pixels.
    pub width: f64,
}

/// Wraps `text` into lines no wider than `max_width` px where possible.
#[must_use]
pub fn wrap(text: &str, max_width: f64, size: f64) -> Vec<Line> {
    let mut pending: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
        .collect();
    pending.reverse();
    let mut out = Vec::new();
    // A line fits when it is no wider than the box (a hair of slack for rounding).
    let limit = max_width + 1e-3;
    while let Some(original) = pending.pop() {
        let mut fit = original.clone();
        loop {
            let width = measure(&fit, size);
            if fit.trim().is_empty() || width <= limit || fit.chars().count() < 2 {
                let fit_len = fit.chars().count();
                if fit_len < original.chars().count() {
                    let rest: String = original.chars().skip(fit_len).collect();
                    let rest = rest.trim();
                    if !rest.is_empty() {
                        pending.push(rest.to_owned());
                    }
                }
                out.push(Line {
                    width: if fit.is_empty() { 0.0 } else { width },
                    text: fit.replace('\u{ad}', "-"),
                });
                break;
            }
            fit = shorten(&fit, width, max_width);
        }
    }
    out
}

/// Shortens a line that is `width` px wide towards `max_width`: at a word boundary when
/// one fits, otherwise by cutting the word.
fn shorten(line: &str, width: f64, max_width: f64) -> String {
    let len = line.chars().count();
    #[allow(clippy::cast_precision_loss)]
    let target = (len as f64 * (max_width / width)).max(1.0);
    let semantic = shorten_at_breaks(line, target);
    if !semantic.is_empty() && semantic.chars().count() < len {
        return semantic;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let keep = ((target - 1.0).round().max(1.0) as usize).min(len.saturating_sub(1).max(1));
    line.chars().take(keep).collect()
}

/// The longest prefix made of whole parts (words, spaces, hyphens) shorter than
/// `max_len` characters. When a hyphen no longer fits, the word before it goes to the
/// next line too; a trailing soft hyphen is printed as `-`.
fn shorten_at_breaks(line: &str, max_len: f64) -> String {
    // Split like a regex split with a captured separator: words (possibly empty) between
    // separators, and the separators themselves.
    let mut parts: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, ch) in line.char_indices() {
        if ch.is_whitespace() || ch == '-' || ch == '\u{ad}' {
            parts.push(&line[start..i]);
            parts.push(&line[i..i + ch.len_utf8()]);
            start = i + ch.len_utf8();
        }
    }
    parts.push(&line[start..]);
    if parts.len() < 2 {
        return String::new();
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut count = 0usize;
    for part in parts {
        // An empty part (two separators in a row, or a leading one) ends the search.
        if part.is_empty() {
            break;
        }
        let n = part.chars().count();
        #[allow(clippy::cast_precision_loss)]
        if ((n + count) as f64) < max_len {
            kept.push(part);
            count += n;
        } else {
            if part == "-" || part == "\u{ad}" {
                kept.pop();
            }
            break;
        }
    }
    if kept.last() == Some(&"\u{ad}") {
        kept.pop();
        kept.push("-");
    }
    kept.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_match_liberation_sans() {
        // "Start 1" at 11 px is 32.4 px wide in Chromium with Liberation Sans.
        assert!((measure("Start 1", 11.0) - 32.4).abs() < 0.01);
        assert!((measure("Start 1   ", 11.0) - 32.4).abs() < 0.01);
        // Kerned as Chromium measures it: bpmn-js centres "Service Task" at x = 7.49 in
        // an 83 px wide task, so the line is 68.02 px wide.
        assert!(
            (measure("Service Task", 12.0) - 68.02).abs() < 0.01,
            "{}",
            measure("Service Task", 12.0)
        );
    }

    #[test]
    fn wraps_at_spaces_and_keeps_explicit_breaks() {
        // "Check the credit" is 86.7 px: one word too many for a 100 px task.
        let lines = wrap("Check the credit worthiness of the customer", 86.0, 12.0);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Check the ", "credit ", "worthiness of ", "the customer"]
        );
        assert!(lines.iter().all(|l| l.width < 86.0));
        let lines = wrap("a\nb", 86.0, 12.0);
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn hard_cuts_long_words() {
        let lines = wrap("Supercalifragilisticexpialidocious", 86.0, 12.0);
        assert!(lines.len() > 1);
        let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(joined, "Supercalifragilisticexpialidocious");
    }

    #[test]
    fn hyphen_breaks() {
        let lines = wrap("Collapsed Sub-Process 1 Multi-Instances", 86.0, 12.0);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Collapsed Sub-", "Process 1 ", "Multi-Instances"]);
    }
}
