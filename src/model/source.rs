//! Source text, byte spans and line/column lookup.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A byte range in a model's decoded (UTF-8) source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end` byte offsets (saturating at `u32::MAX`).
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end.max(start)).unwrap_or(u32::MAX),
        }
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new((span.start as usize).into(), span.len())
    }
}

/// A 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in Unicode scalar values.
    pub column: u32,
}

/// Where a [`SourceText`]'s text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Given as text (not read from bytes).
    #[default]
    Text,
    /// Read from a file's bytes.
    File {
        /// The bytes started with a UTF-8 byte-order mark (not part of the text).
        utf8_bom: bool,
        /// The text is the bytes as they are (after the mark): UTF-8 that needed no
        /// repair. Otherwise it was decoded from another encoding or repaired.
        verbatim: bool,
    },
}

/// A file's name and decoded text, with a line index built on first use.
#[derive(Debug)]
pub struct SourceText {
    name: String,
    text: String,
    origin: Origin,
    lines: OnceLock<Vec<u32>>,
    /// Offsets of `\r`s not followed by `\n` (old Mac line breaks; miette counts them).
    lone_crs: OnceLock<Vec<u32>>,
    /// Characters before each 4 KiB block of `text`: makes a column lookup O(4 KiB)
    /// instead of O(line length) (a one-line 50 MB file with many diagnostics would
    /// otherwise be quadratic).
    blocks: OnceLock<Vec<u32>>,
}

const BLOCK_SHIFT: usize = 12;

/// Characters in a byte range of UTF-8 (counting bytes that start a character; works on
/// any byte boundaries).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceText {
    /// Wraps a file name and its decoded text.
    #[must_use]
    pub fn new(name: impl Into<String>, text: String) -> Self {
        SourceText {
            name: name.into(),
            text,
            origin: Origin::Text,
            lines: OnceLock::new(),
            lone_crs: OnceLock::new(),
            blocks: OnceLock::new(),
        }
    }

    /// The same, saying where the text came from.
    #[must_use]
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// Where the text came from (so that a tool writing the file back can keep its
    /// byte-order mark, and knows whether it changes the encoding).
    #[must_use]
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The file name, as given by the caller.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The decoded text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    fn line_starts(&self) -> &[u32] {
        self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(
                    memchr::memchr_iter(b'\n', self.text.as_bytes())
                        .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
                )
                .collect()
        })
    }

    /// Line breaks before a byte offset as miette counts them: `\n`, `\r\n` (once) and a
    /// lone `\r`. From indexes built once, so that each snippet of a large file does not
    /// count from the first byte.
    #[must_use]
    pub fn line_breaks_before(&self, offset: usize) -> usize {
        let below = |at: &u32| (*at as usize) < offset;
        // Line starts after a `\n` at or above 1; the `\n` itself is before `offset` when
        // the start is at or before it.
        let lf = self.line_starts()[1..].partition_point(|&s| s as usize <= offset);
        let lone_crs = self.lone_crs.get_or_init(|| {
            let bytes = self.text.as_bytes();
            memchr::memchr_iter(b'\r', bytes)
                .filter(|&at| bytes.get(at + 1) != Some(&b'\n'))
                .map(|at| u32::try_from(at).unwrap_or(u32::MAX))
                .collect()
        });
        lf + lone_crs.partition_point(below)
    }

    /// Characters before a byte offset.
    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let blocks = self.blocks.get_or_init(|| {
            let mut acc = 0u32;
            let mut out = Vec::with_capacity((bytes.len() >> BLOCK_SHIFT) + 1);
            for block in bytes.chunks(1 << BLOCK_SHIFT) {
                out.push(acc);
                acc = acc.saturating_add(u32::try_from(count_chars(block)).unwrap_or(u32::MAX));
            }
            out.push(acc);
            out
        });
        let offset = offset.min(bytes.len());
        let block = offset >> BLOCK_SHIFT;
        let base = blocks.get(block).copied().unwrap_or(0) as usize;
        base + count_chars(&bytes[block << BLOCK_SHIFT..offset])
    }

    /// The byte range of the line holding `offset`, without its line break.
    #[must_use]
    pub fn line_bounds(&self, offset: u32) -> Span {
        let starts = self.line_starts();
        let offset = (offset as usize).min(self.text.len());
        let line = starts.partition_point(|&s| s as usize <= offset).max(1);
        let start = starts[line - 1] as usize;
        let end = starts
            .get(line)
            .map_or(self.text.len(), |&next| (next as usize).saturating_sub(1));
        Span::new(start, end.max(start))
    }

    /// The 1-based line and column of a byte offset (clamped to the text).
    #[must_use]
    pub fn line_col(&self, offset: u32) -> LineCol {
        let starts = self.line_starts();
        let offset = (offset as usize).min(self.text.len());
        let line = starts.partition_point(|&s| s as usize <= offset).max(1);
        let start = starts[line - 1] as usize;
        // A line shorter than a block is counted directly; a long one (a file written on
        // one line) from the block index, so no call counts more than two blocks.
        let column = if offset - start <= 1 << BLOCK_SHIFT {
            count_chars(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        LineCol {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// The text of a span (empty if out of range).
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let s = SourceText::new("x", "ab\ncdé\nf".to_owned());
        assert_eq!(s.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(s.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(s.line_col(7), LineCol { line: 2, column: 4 });
        assert_eq!(s.line_col(8), LineCol { line: 3, column: 1 });
        assert_eq!(s.line_col(100), LineCol { line: 3, column: 2 });
        assert_eq!(s.line_bounds(4), Span::new(3, 7));
        assert_eq!(s.line_bounds(8), Span::new(8, 9));
    }

    #[test]
    fn columns_on_short_and_very_long_lines_count_characters() {
        // Lines shorter and longer than a block of the character index, with multi-byte
        // characters on both sides of block boundaries.
        let long: String = (0..9000)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        let text = format!("ab\n{long}\nxé€y\n{long}");
        let s = SourceText::new("x", text.clone());
        for (offset, _) in text.char_indices().step_by(13).chain([(text.len(), ' ')]) {
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let want = text[start..offset].chars().count() + 1;
            let line = text[..offset].matches('\n').count() + 1;
            let got = s.line_col(u32::try_from(offset).unwrap_or(u32::MAX));
            assert_eq!(
                (got.line as usize, got.column as usize),
                (line, want),
                "{offset}"
            );
        }
    }

    #[test]
    fn line_breaks_are_counted_as_miette_counts_them() {
        for text in ["a\nb\r\nc\rd\r\r\ne\n", "\r", "\n\n", "none", ""] {
            let s = SourceText::new("x", text.to_owned());
            let bytes = text.as_bytes();
            for offset in 0..=text.len() {
                let lf = bytes[..offset].iter().filter(|&&b| b == b'\n').count();
                let lone_cr = (0..offset)
                    .filter(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
                    .count();
                assert_eq!(
                    s.line_breaks_before(offset),
                    lf + lone_cr,
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
