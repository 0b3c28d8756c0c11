//! Turning a file's bytes into UTF-8 text: BOMs, declared encodings, lenient fallback.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The outcome of decoding: the text and what was noticed on the way.
pub(crate) struct Decoded {
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Set when the bytes were not valid in the declared encoding and were read as
    /// windows-1252 instead (the usual cause: Latin-1 bytes under a UTF-8 declaration).
    pub lenient_fallback: Option<usize>,
}

/// Why bytes could not be decoded.
pub(crate) enum DecodeError {
    /// The declared encoding is not one we know.
    UnknownEncoding { label: String, offset: usize },
    /// Invalid bytes and strict mode: offset of the first bad byte.
    Invalid {
        encoding: &'static str,
        offset: usize,
    },
}

/// Reads the encoding label from an XML declaration written in an ASCII-compatible encoding.
fn declared_label(bytes: &[u8]) -> Option<(String, usize)> {
    let head = &bytes[..bytes.len().min(512)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = &head[..end];
    let pos = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = &decl[pos + 8..];
    let quote_at = rest.iter().position(|&b| b == b'"' || b == b'\'')?;
    let quote = rest[quote_at];
    let value = &rest[quote_at + 1..];
    let close = value.iter().position(|&b| b == quote)?;
    let label = String::from_utf8_lossy(&value[..close]).trim().to_owned();
    Some((label, pos + 8 + quote_at + 1))
}

pub(crate) fn decode(bytes: &[u8], strict: bool) -> Result<Decoded, DecodeError> {
    // A byte-order mark wins over any declaration (XML 1.0, appendix F).
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(enc, &bytes[bom_len..], strict);
    }
    // UTF-16 without BOM: the first character '<' gives it away.
    if bytes.starts_with(&[0x3C, 0x00, 0x3F, 0x00]) {
        return decode_with(UTF_16LE, bytes, strict);
    }
    if bytes.starts_with(&[0x00, 0x3C, 0x00, 0x3F]) {
        return decode_with(UTF_16BE, bytes, strict);
    }
    let enc = match declared_label(bytes) {
        Some((label, offset)) => match Encoding::for_label(label.as_bytes()) {
            // A UTF-16 declaration on bytes we are reading as ASCII cannot be right.
            Some(enc) if enc == UTF_16LE || enc == UTF_16BE => UTF_8,
            Some(enc) => enc,
            None => return Err(DecodeError::UnknownEncoding { label, offset }),
        },
        None => UTF_8,
    };
    decode_with(enc, bytes, strict)
}

fn decode_with(enc: &'static Encoding, bytes: &[u8], strict: bool) -> Result<Decoded, DecodeError> {
    if enc == UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text: text.to_owned(),
                encoding: UTF_8,
                lenient_fallback: None,
            }),
            Err(err) if strict => Err(DecodeError::Invalid {
                encoding: "UTF-8",
                offset: err.valid_up_to(),
            }),
            Err(err) => {
                let (text, _, _) = WINDOWS_1252.decode(bytes);
                Ok(Decoded {
                    text: text.into_owned(),
                    encoding: WINDOWS_1252,
                    lenient_fallback: Some(err.valid_up_to()),
                })
            }
        };
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors && strict {
        return Err(DecodeError::Invalid {
            encoding: enc.name(),
            offset: 0,
        });
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: enc,
        lenient_fallback: had_errors.then_some(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_declared_is_decoded() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"caf\xe9\"/>";
        let d = decode(bytes, true).ok().map(|d| d.text);
        assert_eq!(
            d.as_deref(),
            Some("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"café\"/>")
        );
    }

    #[test]
    fn bad_utf8_falls_back_unless_strict() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a n=\"caf\xe9\"/>";
        assert!(matches!(
            decode(bytes, true),
            Err(DecodeError::Invalid { offset: 47, .. })
        ));
        let d = decode(bytes, false).ok();
        assert_eq!(d.as_ref().and_then(|d| d.lenient_fallback), Some(47));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "<a/>".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            decode(&bytes, true).ok().map(|d| d.text).as_deref(),
            Some("<a/>")
        );
    }
}
