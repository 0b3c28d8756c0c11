//! XML markup cut into tokens that borrow the document's text.
//!
//! quick-xml's `Reader` re-validates the UTF-8 of every event it returns, although a
//! `&str` is valid by construction, and records every start tag's name in a buffer of its
//! own even when end names are not checked: together about a quarter of reading a model.
//! This walk keeps quick-xml's own tag scanner ([`ElementParser`], which finds the `>`
//! that ends a tag outside quoted values) and quick-xml's event types, and hands out
//! slices of the text as they are. The rare DOCTYPE is still read by quick-xml's reader.
//!
//! What is checked here is what the walk needs to cut the text: every construct is closed,
//! references end with `;`, `<!` starts a comment, CDATA section or DOCTYPE, and a tag has
//! a name. Well-formedness beyond that (matching end tags, attributes, names) is checked
//! by the reader that consumes the tokens.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::parser::{ElementParser, Parser};

/// One attribute of a start tag as written: its name, its raw value (not yet normalised)
/// and whether the value is plain: free of `&` and of bytes below 0x20, so that XML
/// normalisation leaves it unchanged.
#[derive(Clone, Copy)]
pub(super) struct RawAttr<'t> {
    pub key: &'t str,
    pub value: &'t str,
    pub plain: bool,
}

/// The attributes of the last start tag, when [`Tokens::next_token`] could read them in
/// the same pass that found the tag's end (`scanned`). A tag with anything unusual in it
/// is cut by quick-xml's scanner instead and its attributes are left to the reader,
/// which reports the problem where it is.
#[derive(Default)]
pub(super) struct TagAttrs<'t> {
    pub list: Vec<RawAttr<'t>>,
    pub scanned: bool,
}

/// One piece of the document.
pub(super) enum Token<'t> {
    /// `<name attrs>`.
    Start(BytesStart<'t>),
    /// `<name attrs/>`.
    Empty(BytesStart<'t>),
    /// `</name>`: the name, without trailing white space.
    End(&'t str),
    /// Character data up to the next `<` or `&`, as written.
    Text(&'t str),
    /// The content of `<![CDATA[...]]>`.
    CData(&'t str),
    /// A reference `&name;` or `&#...;`: what is between `&` and `;`.
    Ref(&'t str),
    /// The whole `<!DOCTYPE ...>` declaration.
    DocType(&'t str),
    /// The XML declaration, a processing instruction or a comment.
    Other,
    /// The end of the text.
    Eof,
}

/// Why the text could not be cut: `at` is the byte where the construct starts.
pub(super) struct TokenError {
    pub at: usize,
    pub message: String,
}

/// The walk over `text` from a byte offset.
pub(super) struct Tokens<'t> {
    text: &'t str,
    pos: usize,
}

/// XML's white space (production `S`).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'t> Tokens<'t> {
    /// Starts at byte `pos`, which must be where a token starts (the beginning of the
    /// text or the end of an earlier token). A byte order mark there is skipped.
    pub(super) fn new(text: &'t str, pos: usize) -> Self {
        let pos = if text.get(pos..).is_some_and(|t| t.starts_with('\u{feff}')) {
            pos + '\u{feff}'.len_utf8()
        } else {
            pos
        };
        Tokens { text, pos }
    }

    /// Where the next token starts (the end of the last one).
    pub(super) fn position(&self) -> usize {
        self.pos
    }

    /// The text from `a` to `b`. Every cut is next to an ASCII byte, so it is always on
    /// a character boundary; the check is kept rather than assumed.
    fn slice(&self, a: usize, b: usize) -> Result<&'t str, TokenError> {
        self.text.get(a..b).ok_or_else(|| TokenError {
            at: a,
            message: "the text is cut inside a character".to_owned(),
        })
    }

    /// The next token. For a start tag, `attrs` receives its attributes when they
    /// could be read in the same pass (see [`TagAttrs`]).
    pub(super) fn next_token(&mut self, attrs: &mut TagAttrs<'t>) -> Result<Token<'t>, TokenError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Ok(Token::Eof);
        };
        match first {
            b'<' => self.markup(start, attrs),
            b'&' => {
                let after = start + 1;
                let rest = bytes.get(after..).unwrap_or_default();
                match memchr::memchr3(b';', b'&', b'<', rest) {
                    Some(i) if rest[i] == b';' => {
                        self.pos = after + i + 1;
                        Ok(Token::Ref(self.slice(after, after + i)?))
                    }
                    _ => Err(TokenError {
                        at: start,
                        message: "`&` starts no reference: `;` not found (write `&amp;` for an ampersand)"
                            .to_owned(),
                    }),
                }
            }
            _ => {
                let rest = bytes.get(start..).unwrap_or_default();
                let end = memchr::memchr2(b'<', b'&', rest).map_or(bytes.len(), |i| start + i);
                self.pos = end;
                Ok(Token::Text(self.slice(start, end)?))
            }
        }
    }

    /// The markup that starts with the `<` at `start`.
    fn markup(&mut self, start: usize, attrs: &mut TagAttrs<'t>) -> Result<Token<'t>, TokenError> {
        let bytes = self.text.as_bytes();
        let rest = bytes.get(start + 1..).unwrap_or_default();
        let unclosed = |what: &str, end: &str| TokenError {
            at: start,
            message: format!("the file ends inside {what}: `{end}` not found"),
        };
        match rest.first() {
            None => Err(unclosed("a tag", ">")),
            Some(b'/') => {
                let from = start + 2;
                let Some(i) = memchr::memchr(b'>', bytes.get(from..).unwrap_or_default()) else {
                    return Err(unclosed("an end tag", ">"));
                };
                self.pos = from + i + 1;
                let name = self.slice(from, from + i)?;
                Ok(Token::End(name.trim_end_matches([' ', '\t', '\n', '\r'])))
            }
            Some(b'?') => {
                let from = start + 2;
                let Some(i) = find(bytes, from, b"?>") else {
                    return Err(unclosed("a processing instruction", "?>"));
                };
                self.pos = from + i + 2;
                Ok(Token::Other)
            }
            Some(b'!') => {
                if rest.starts_with(b"!--") {
                    let from = start + 4;
                    let Some(i) = find(bytes, from, b"-->") else {
                        return Err(unclosed("a comment", "-->"));
                    };
                    self.pos = from + i + 3;
                    Ok(Token::Other)
                } else if rest.starts_with(b"![CDATA[") {
                    let from = start + 9;
                    let Some(i) = find(bytes, from, b"]]>") else {
                        return Err(unclosed("a CDATA section", "]]>"));
                    };
                    self.pos = from + i + 3;
                    Ok(Token::CData(self.slice(from, from + i)?))
                } else if rest
                    .get(1..8)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"DOCTYPE"))
                {
                    self.doctype(start)
                } else {
                    Err(TokenError {
                        at: start,
                        message: "`<!` starts neither a comment, a CDATA section nor a DOCTYPE"
                            .to_owned(),
                    })
                }
            }
            Some(_) => {
                attrs.list.clear();
                if let Some((end, name_len)) = scan_tag(self.text, start + 1, &mut attrs.list) {
                    attrs.scanned = true;
                    let empty = bytes[end] == b'/';
                    self.pos = end + if empty { 2 } else { 1 };
                    let content = self.slice(start + 1, end)?;
                    let tag = BytesStart::from_content(Cow::Borrowed(content), name_len);
                    return Ok(if empty {
                        Token::Empty(tag)
                    } else {
                        Token::Start(tag)
                    });
                }
                attrs.list.clear();
                attrs.scanned = false;
                let mut parser = ElementParser::Outside;
                let Some(i) = parser.feed(rest) else {
                    return Err(match parser {
                        ElementParser::Outside => unclosed("a tag", ">"),
                        ElementParser::SingleQ | ElementParser::DoubleQ => TokenError {
                            at: start,
                            message: "the file ends inside a quoted attribute value of this tag"
                                .to_owned(),
                        },
                    });
                };
                self.pos = start + 1 + i + 1;
                let mut content = self.slice(start + 1, start + 1 + i)?;
                let empty = content.ends_with('/');
                if empty {
                    content = &content[..content.len() - 1];
                }
                let name_len = content.bytes().position(is_space).unwrap_or(content.len());
                if name_len == 0 {
                    return Err(TokenError {
                        at: start,
                        message: "a tag must start with a name right after `<`".to_owned(),
                    });
                }
                let tag = BytesStart::from_content(Cow::Borrowed(content), name_len);
                Ok(if empty {
                    Token::Empty(tag)
                } else {
                    Token::Start(tag)
                })
            }
        }
    }

    /// `<!DOCTYPE ...>`, whose internal subset may hold quoted `>` and nested markup:
    /// quick-xml's reader knows its grammar.
    fn doctype(&mut self, start: usize) -> Result<Token<'t>, TokenError> {
        let rest = self.slice(start, self.text.len())?;
        let mut xml = quick_xml::Reader::from_str(rest);
        match xml.read_event() {
            Ok(Event::DocType(_)) => {
                let len = usize::try_from(xml.buffer_position()).unwrap_or(rest.len());
                self.pos = start + len.min(rest.len());
                Ok(Token::DocType(self.slice(start, self.pos)?))
            }
            Ok(_) => Err(TokenError {
                at: start,
                message: "a DOCTYPE declaration could not be read".to_owned(),
            }),
            Err(err) => Err(TokenError {
                at: start,
                message: err.to_string(),
            }),
        }
    }
}

/// Reads a start tag from its name at `from` (after the `<`) to its end in one pass,
/// collecting its attributes: returns where the tag ends (the `>`, or the `/` of `/>`)
/// and the length of its name. `None` for anything unusual (no name, a quote or `<` in a
/// name, a missing `=`, quote or white space, an unclosed value): the general path then
/// cuts the tag and the reader reports what is wrong, exactly as without this pass.
fn scan_tag<'t>(text: &'t str, from: usize, out: &mut Vec<RawAttr<'t>>) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let stops_name = |b: u8| is_space(b) || matches!(b, b'>' | b'/' | b'"' | b'\'' | b'<' | b'=');
    let mut i = from;
    while i < bytes.len() && !stops_name(bytes[i]) {
        i += 1;
    }
    let name_len = i - from;
    if name_len == 0 {
        return None;
    }
    loop {
        let before = i;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        match *bytes.get(i)? {
            b'>' => return Some((i, name_len)),
            b'/' => return (bytes.get(i + 1) == Some(&b'>')).then_some((i, name_len)),
            _ if i == before => return None,
            _ => {}
        }
        let key_start = i;
        while i < bytes.len() && !stops_name(bytes[i]) {
            i += 1;
        }
        let key_end = i;
        if key_end == key_start {
            return None;
        }
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return None,
        };
        let value_start = i + 1;
        let (len, plain) = value_end(bytes.get(value_start..)?, quote)?;
        i = value_start + len + 1;
        // Names and quotes are ASCII: every cut is on a character boundary.
        out.push(RawAttr {
            key: text.get(key_start..key_end)?,
            value: text.get(value_start..value_start + len)?,
            plain,
        });
    }
}

/// The length of an attribute value up to its closing `quote`, and whether it is plain:
/// free of `&` and of bytes below 0x20 (tab, line feed, carriage return: the only control
/// characters the reader lets through), so that XML normalisation leaves it unchanged.
/// `None` if the quote never closes. Eight bytes at a time (values are mostly short
/// names and ids, and this runs for every attribute of every file).
pub(super) fn value_end(bytes: &[u8], quote: u8) -> Option<(usize, bool)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Non-zero iff some byte of `x` is zero (the classic bit trick; exact as a test).
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut plain = true;
    let mut at = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let quote_hit = has_zero(x ^ (ONES * u64::from(quote)));
        // Bytes below 0x20, and `&`.
        let special = (x.wrapping_sub(ONES * 0x20) & !x & HIGHS) | has_zero(x ^ (ONES * 0x26));
        if quote_hit != 0 {
            break; // the byte loop below finds it and checks the bytes before it
        }
        if special != 0 {
            plain = false;
        }
        at += 8;
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        if b == quote {
            return Some((at + i, plain));
        }
        if b == b'&' || b < 0x20 {
            plain = false;
        }
    }
    None
}

/// Where `needle` first occurs in `bytes` from `from` on, relative to `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The tokens of a text as short strings, or the error with its offset.
    fn cut(text: &str) -> Result<Vec<String>, (usize, String)> {
        let mut tokens = Tokens::new(text, 0);
        let mut attrs = TagAttrs::default();
        let mut out = Vec::new();
        loop {
            let start = tokens.position();
            let token = tokens
                .next_token(&mut attrs)
                .map_err(|e| (e.at, e.message))?;
            let end = tokens.position();
            out.push(match token {
                Token::Start(e) => format!("start {} [{}]", e.name().0, e.attributes_raw()),
                Token::Empty(e) => format!("empty {} [{}]", e.name().0, e.attributes_raw()),
                Token::End(n) => format!("end {n}"),
                Token::Text(t) => format!("text {t:?}"),
                Token::CData(t) => format!("cdata {t:?}"),
                Token::Ref(r) => format!("ref {r}"),
                Token::DocType(d) => format!("doctype {}", d.len()),
                Token::Other => format!("other {start}..{end}"),
                Token::Eof => return Ok(out),
            });
        }
    }

    #[test]
    fn cuts_tags_text_and_references() {
        let got = cut("\u{feff}<?xml version=\"1.0\"?><a x=\"1>2\" y='/>'><b/>t&amp;u&#x41;<!-- c --><![CDATA[<&>]]></a >")
            .unwrap();
        assert_eq!(
            got,
            [
                "other 3..24",
                "start a [ x=\"1>2\" y='/>']",
                "empty b []",
                "text \"t\"",
                "ref amp",
                "text \"u\"",
                "ref #x41",
                "other 59..69",
                "cdata \"<&>\"",
                "end a",
            ]
        );
    }

    /// The attributes read in the tag's own pass, or `None` when the tag was left to the
    /// general path.
    fn scanned(tag: &str) -> Option<Vec<(String, String, bool)>> {
        let mut tokens = Tokens::new(tag, 0);
        let mut attrs = TagAttrs::default();
        let token = tokens.next_token(&mut attrs).ok()?;
        assert!(matches!(token, Token::Start(_) | Token::Empty(_)), "{tag}");
        attrs.scanned.then(|| {
            attrs
                .list
                .iter()
                .map(|a| (a.key.to_owned(), a.value.to_owned(), a.plain))
                .collect()
        })
    }

    #[test]
    fn plain_tags_are_read_with_their_attributes_in_one_pass() {
        let own = |k: &str, v: &str, plain| (k.to_owned(), v.to_owned(), plain);
        assert_eq!(scanned("<a>"), Some(vec![]));
        assert_eq!(scanned("<a/>"), Some(vec![]));
        assert_eq!(
            scanned("<p:a x=\"1\" \n y = '2>' z=\"a&amp;b\"/>"),
            Some(vec![
                own("x", "1", true),
                own("y", "2>", true),
                own("z", "a&amp;b", false)
            ])
        );
        // Anything unusual is left to the general path, which reports it where it is.
        for tag in [
            "<a x=\"1\"y=\"2\">",
            "<a x/y=\"1\">",
            "<a x>",
            "<a x=1>",
            "<a x=\"1\" / >",
            "<a\"b\">",
            "<a/b>",
            "<a x=\"1",
        ] {
            assert_eq!(scanned(tag), None, "{tag}");
        }
    }

    #[test]
    fn a_doctype_with_an_internal_subset_is_one_token() {
        let got = cut("<!DOCTYPE d [<!ENTITY e \"a>b\">]><d/>").unwrap();
        assert_eq!(got, ["doctype 32", "empty d []"]);
    }

    #[test]
    fn unclosed_constructs_are_errors_at_their_start() {
        let cases = [
            ("<a><b x='1", 3, "quoted attribute value"),
            ("<a>x</a", 4, "an end tag"),
            ("<a><!-- x", 3, "a comment"),
            ("<a><![CDATA[x", 3, "a CDATA section"),
            ("<?xml version='1.0'", 0, "processing instruction"),
            ("<a>x & y</a>", 5, "`&` starts no reference"),
            ("<a><!ELEMENT x></a>", 3, "`<!` starts neither"),
            ("<a>< b/></a>", 3, "must start with a name"),
            ("<a><", 3, "a tag"),
        ];
        for (text, at, message) in cases {
            let err = cut(text).unwrap_err();
            assert_eq!(err.0, at, "{text}");
            assert!(err.1.contains(message), "{text}: {}", err.1);
        }
    }
}
