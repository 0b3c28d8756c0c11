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

    /// The next token.
    pub(super) fn next_token(&mut self) -> Result<Token<'t>, TokenError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Ok(Token::Eof);
        };
        match first {
            b'<' => self.markup(start),
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
    fn markup(&mut self, start: usize) -> Result<Token<'t>, TokenError> {
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
        let mut out = Vec::new();
        loop {
            let start = tokens.position();
            let token = tokens.next_token().map_err(|e| (e.at, e.message))?;
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
