//! Turning a file's bytes into UTF-8 text: BOMs, declared encodings, lenient fallback.
//!
//! The encoding is, in order: a byte-order mark; the UTF-16 signature of `<?`; the
//! `encoding` of the XML declaration (labels as in the WHATWG Encoding Standard, so
//! `ISO-8859-1` reads as windows-1252, its superset); UTF-8. Bytes that are invalid in
//! that encoding are a warning, not an error, unless strict: under UTF-8 each bad byte is
//! read as the windows-1252 character it most likely was (Latin-1 bytes in a file that
//! claims UTF-8 are the usual cause), keeping the valid UTF-8 around it intact.

use encoding_rs::{
    DecoderResult, Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED,
};

/// The outcome of decoding: the text and what was noticed on the way.
pub(crate) struct Decoded {
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Set when some bytes were not valid in the encoding: the offset, in `text`, of the
    /// first character read leniently, and how many bad sequences there were.
    pub lenient: Option<(usize, usize)>,
}

/// Why bytes could not be decoded.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// The declared encoding is not one we can read; offset of the label in the file.
    UnknownEncoding { label: String, offset: usize },
    /// Invalid bytes and strict mode: offset of the first bad byte in the file.
    Invalid {
        encoding: &'static str,
        offset: usize,
    },
}

/// Reads the encoding label from an XML declaration written in an ASCII-compatible
/// encoding, with the label's byte offset.
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

/// Java's names for encodings that the WHATWG list spells differently. Tools written in
/// Java (Yaoqiang, Eclipse-based modelers) put `Charset.name()` or the older `java.io` name
/// in the declaration: Yaoqiang 2.1 on macOS writes `encoding="MacRoman"`.
fn java_charset(label: &str) -> Option<&'static Encoding> {
    let norm = label.trim().to_ascii_lowercase().replace('_', "-");
    let norm = norm.strip_prefix("x-").unwrap_or(&norm);
    let whatwg = match norm {
        "macroman" => "macintosh",
        "maccyrillic" => "x-mac-cyrillic",
        "ms932" | "windows-31j" => "shift_jis",
        "euc-jp" | "euc-kr" | "koi8-r" | "koi8-u" | "utf-8" | "gb18030" => norm,
        other => {
            // ISO8859_2 (java.io) -> iso-8859-2; Cp1250 is already a WHATWG label.
            let digits = other.strip_prefix("iso8859-")?;
            return Encoding::for_label(format!("iso-8859-{digits}").as_bytes());
        }
    };
    Encoding::for_label(whatwg.as_bytes())
}

/// The encoding to read bytes in, and the length of the BOM to skip.
fn detect(bytes: &[u8]) -> Result<(&'static Encoding, usize), DecodeError> {
    // UTF-32 (BOM or the signature of `<`): encoding_rs does not read it, and taken as
    // UTF-8 it would give a baffling XML error on the NUL bytes.
    for signature in [
        &[0x00, 0x00, 0xFE, 0xFF][..],
        &[0xFF, 0xFE, 0x00, 0x00],
        &[0x00, 0x00, 0x00, 0x3C],
        &[0x3C, 0x00, 0x00, 0x00],
    ] {
        if bytes.starts_with(signature) {
            return Err(DecodeError::UnknownEncoding {
                label: "UTF-32".to_owned(),
                offset: 0,
            });
        }
    }
    // A byte-order mark wins over any declaration (XML 1.0, appendix F).
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return Ok((enc, bom_len));
    }
    // UTF-16 without BOM: the first character '<' gives it away.
    if bytes.starts_with(&[0x3C, 0x00]) {
        return Ok((UTF_16LE, 0));
    }
    if bytes.starts_with(&[0x00, 0x3C]) {
        return Ok((UTF_16BE, 0));
    }
    let enc = match declared_label(bytes) {
        Some((label, offset)) => {
            match Encoding::for_label(label.as_bytes()).or_else(|| java_charset(&label)) {
                // A UTF-16 declaration on bytes we are reading as ASCII cannot be right: the
                // file was re-saved without updating the declaration.
                Some(enc) if enc == UTF_16LE || enc == UTF_16BE => UTF_8,
                // Labels the standard maps to "replacement" (ISO-2022-KR, HZ, ...) would
                // decode to a single U+FFFD; x-user-defined is not a real text encoding.
                Some(enc) if enc == REPLACEMENT || enc == X_USER_DEFINED => {
                    return Err(DecodeError::UnknownEncoding { label, offset });
                }
                Some(enc) => enc,
                None => return Err(DecodeError::UnknownEncoding { label, offset }),
            }
        }
        None => UTF_8,
    };
    Ok((enc, 0))
}

/// Decodes bytes we own: valid UTF-8 (the usual case) becomes the text without a copy.
/// On error the bytes are handed back for showing the snippet.
pub(crate) fn decode_owned(
    bytes: Vec<u8>,
    strict: bool,
) -> Result<Decoded, (DecodeError, Vec<u8>)> {
    match detect(&bytes) {
        Ok((enc, 0)) if enc == UTF_8 => match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text,
                encoding: UTF_8,
                lenient: None,
            }),
            Err(err) => {
                let bytes = err.into_bytes();
                match decode_with(UTF_8, &bytes, strict) {
                    Ok(d) => Ok(d),
                    Err(e) => Err((e, bytes)),
                }
            }
        },
        Ok((enc, bom)) => match decode_with(enc, &bytes[bom..], strict) {
            Ok(d) => Ok(d),
            Err(DecodeError::Invalid { encoding, offset }) => Err((
                DecodeError::Invalid {
                    encoding,
                    offset: offset + bom,
                },
                bytes,
            )),
            Err(e) => Err((e, bytes)),
        },
        Err(e) => Err((e, bytes)),
    }
}

/// Decodes borrowed bytes.
pub(crate) fn decode(bytes: &[u8], strict: bool) -> Result<Decoded, DecodeError> {
    let (enc, bom) = detect(bytes)?;
    decode_with(enc, &bytes[bom..], strict).map_err(|e| match e {
        DecodeError::Invalid { encoding, offset } => DecodeError::Invalid {
            encoding,
            offset: offset + bom,
        },
        other => other,
    })
}

/// UTF-8 with each invalid byte read as windows-1252: returns the text, the offset of the
/// first bad byte and the number of bad sequences.
fn utf8_lenient(bytes: &[u8]) -> (String, usize, usize) {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut first = None;
    let mut bad = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            first.get_or_insert(text.len());
            bad += 1;
            let (decoded, _) = WINDOWS_1252.decode_without_bom_handling(invalid);
            text.push_str(&decoded);
        }
    }
    (text, first.unwrap_or(0), bad)
}

/// Where the first malformed sequence starts in `bytes` under `enc`.
fn first_error(enc: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len().saturating_mul(3).min(1 << 26));
    let mut read_total = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match result {
            DecoderResult::Malformed(len, after) => {
                return read_total.saturating_sub(usize::from(len) + usize::from(after));
            }
            DecoderResult::OutputFull => out.reserve(bytes.len().max(64)),
            DecoderResult::InputEmpty => return read_total,
        }
    }
}

fn decode_with(enc: &'static Encoding, bytes: &[u8], strict: bool) -> Result<Decoded, DecodeError> {
    if enc == UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text: text.to_owned(),
                encoding: UTF_8,
                lenient: None,
            }),
            Err(err) if strict => Err(DecodeError::Invalid {
                encoding: "UTF-8",
                offset: err.valid_up_to(),
            }),
            Err(_) => {
                let (text, first, bad) = utf8_lenient(bytes);
                Ok(Decoded {
                    text,
                    encoding: UTF_8,
                    lenient: Some((first, bad)),
                })
            }
        };
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors && strict {
        return Err(DecodeError::Invalid {
            encoding: enc.name(),
            offset: first_error(enc, bytes),
        });
    }
    let lenient = had_errors.then(|| {
        let first = text.find('\u{FFFD}').unwrap_or(0);
        (first, text.matches('\u{FFFD}').count())
    });
    Ok(Decoded {
        text: text.into_owned(),
        encoding: enc,
        lenient,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8], strict: bool) -> Option<String> {
        decode(bytes, strict).ok().map(|d| d.text)
    }

    #[test]
    fn latin1_declared_is_decoded() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"caf\xe9\"/>";
        assert_eq!(
            text(bytes, true).as_deref(),
            Some("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"café\"/>")
        );
    }

    #[test]
    fn windows_1252_declared_reads_smart_quotes() {
        let bytes = b"<?xml version='1.0' encoding='windows-1252'?><a n='\x93hi\x94 \x80'/>";
        assert!(text(bytes, true).is_some_and(|t| t.contains("\u{201c}hi\u{201d} \u{20ac}")));
    }

    #[test]
    fn bad_utf8_falls_back_per_byte_unless_strict() {
        let bytes = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a n=\"ü caf\u{e9}\"/>"
            .as_bytes()
            .iter()
            .copied()
            .chain(*b"<b n=\"caf\xe9\"/>")
            .collect::<Vec<u8>>();
        let bad_at = bytes.iter().position(|&b| b == 0xe9);
        assert!(matches!(
            decode(&bytes, true),
            Err(DecodeError::Invalid { offset, .. }) if Some(offset) == bad_at
        ));
        let d = decode(&bytes, false).ok();
        let d = d.as_ref();
        // Valid UTF-8 stays as it was; the stray byte becomes é.
        assert!(d.is_some_and(|d| d.text.ends_with("<a n=\"ü café\"/><b n=\"café\"/>")));
        assert_eq!(d.and_then(|d| d.lenient), Some((bad_at.unwrap_or(0), 1)));
    }

    #[test]
    fn owned_and_borrowed_agree() {
        for bytes in [
            &b"<a/>"[..],
            b"\xef\xbb\xbf<a/>",
            b"<?xml version='1.0' encoding='latin1'?><a n='\xe9'/>",
            b"<a n='\xe9'/>",
        ] {
            let owned = decode_owned(bytes.to_vec(), false).ok().map(|d| d.text);
            assert_eq!(owned, text(bytes, false));
        }
    }

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for unit in s.encode_utf16() {
            out.extend_from_slice(&if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a n=\"é€\"/>";
        for le in [true, false] {
            for bom in [true, false] {
                assert_eq!(text(&utf16(s, le, bom), true).as_deref(), Some(s));
            }
        }
    }

    #[test]
    fn utf8_bom_is_skipped() {
        assert_eq!(text(b"\xef\xbb\xbf<a/>", true).as_deref(), Some("<a/>"));
    }

    #[test]
    fn java_charset_names_are_read() {
        // Yaoqiang BPMN Editor 2.1.34 (MIWG A.3.0 export) declares MacRoman.
        let bytes = b"<?xml version=\"1.0\" encoding=\"MacRoman\"?><a n=\"Caf\x8e\"/>";
        assert_eq!(
            text(bytes, true).as_deref(),
            Some("<?xml version=\"1.0\" encoding=\"MacRoman\"?><a n=\"Caf\u{e9}\"/>")
        );
        for (label, byte, ch) in [
            ("ISO8859_1", 0xe9, '\u{e9}'),
            ("ISO8859_2", 0xb1, '\u{105}'),
            ("x-MacRoman", 0x8e, '\u{e9}'),
        ] {
            let mut bytes = format!("<?xml version='1.0' encoding='{label}'?><a n='").into_bytes();
            bytes.push(byte);
            bytes.extend_from_slice(b"'/>");
            let t = text(&bytes, true).unwrap_or_else(|| panic!("{label}"));
            assert!(t.contains(ch), "{label}: {t}");
        }
    }

    #[test]
    fn utf32_and_unknown_labels_are_refused() {
        assert!(matches!(
            decode(&[0x00, 0x00, 0xFE, 0xFF, 0, 0, 0, 0x3C], false),
            Err(DecodeError::UnknownEncoding { .. })
        ));
        for label in ["klingon", "ISO-2022-KR", "x-user-defined"] {
            let bytes = format!("<?xml version=\"1.0\" encoding=\"{label}\"?><a/>");
            assert!(matches!(
                decode(bytes.as_bytes(), false),
                Err(DecodeError::UnknownEncoding { offset: 30, .. })
            ));
        }
    }

    #[test]
    fn invalid_shift_jis_names_the_offset_under_strict() {
        let bytes = b"<?xml version='1.0' encoding='Shift_JIS'?><a n='\x82\xa0\xff'/>";
        let bad_at = bytes.iter().position(|&b| b == 0xff);
        assert!(matches!(
            decode(bytes, true),
            Err(DecodeError::Invalid { offset, .. }) if Some(offset) == bad_at
        ));
        let d = decode(bytes, false).ok();
        assert_eq!(d.and_then(|d| d.lenient).map(|l| l.1), Some(1));
    }
}
