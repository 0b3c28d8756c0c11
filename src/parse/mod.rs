//! Reading BPMN 2.0 XML into a [`Model`].
//!
//! The reader is namespace-aware (the BPMN namespace under any prefix or none), keeps
//! every element's source span, never expands entities beyond XML's five predefined ones
//! and character references, and refuses input over configurable limits. Problems that
//! leave a usable model (dangling references, duplicate ids, unresolved imports) become
//! diagnostics on the model; problems that do not (malformed XML, not BPMN, a limit hit)
//! are a [`ParseError`] carrying one diagnostic with file, line and column.

mod decode;
mod reader;
mod resolve;
mod tokens;

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::model::{Model, Origin, SourceText};

/// Limits and switches for reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Most elements accepted in one file.
    pub max_elements: usize,
    /// Most attributes on one element.
    pub max_attributes: usize,
    /// Longest attribute value, in bytes.
    pub max_attribute_len: usize,
    /// Treat bytes that are invalid in the declared encoding as an error instead of
    /// reading them as windows-1252 with a warning.
    pub strict_encoding: bool,
    /// Files at least this large (in bytes) read their diagram interchange on a second
    /// thread while the semantic part is read on the calling one. The result is the same
    /// either way; `usize::MAX` reads everything on the calling thread.
    pub parallel_min_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_file_bytes: 256 * 1024 * 1024,
            max_depth: 256,
            max_elements: 10_000_000,
            max_attributes: 1024,
            max_attribute_len: 1024 * 1024,
            strict_encoding: false,
            parallel_min_bytes: 256 * 1024,
        }
    }
}

/// Why a file could not be read into a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The content is not a readable BPMN model; the diagnostic says where and why.
    #[error("{}", .diagnostic.message)]
    Invalid {
        /// The file's text (as far as it could be decoded), for showing the snippet.
        source_text: Arc<SourceText>,
        /// What is wrong, with a span.
        diagnostic: Box<Diagnostic>,
    },
}

impl ParseError {
    /// The diagnostic code (`parse::malformed-xml`, `parse::io`, ...).
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            ParseError::Io { .. } => "parse::io",
            ParseError::Invalid { diagnostic, .. } => &diagnostic.code,
        }
    }
}

/// Reads a file from disk.
///
/// # Errors
/// [`ParseError::Io`] if the file cannot be read, [`ParseError::Invalid`] if it is not a
/// readable BPMN model.
pub fn parse_file(path: &Path, options: &ParseOptions) -> Result<Model, ParseError> {
    let name = path.display().to_string();
    let io_err = |source| ParseError::Io {
        path: name.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        return Err(io_err(std::io::Error::other("is a directory")));
    }
    if meta.len() > options.max_file_bytes {
        let text = Arc::new(SourceText::new(name.clone(), String::new()));
        return Err(too_large(text, meta.len(), options.max_file_bytes));
    }
    let bytes = std::fs::read(path).map_err(io_err)?;
    let mut model = parse_owned(&name, bytes, options)?;
    resolve::check_imports(&mut model, path.parent());
    Ok(model)
}

fn too_large(text: Arc<SourceText>, len: u64, max: u64) -> ParseError {
    ParseError::Invalid {
        source_text: text,
        diagnostic: Box::new(
            Diagnostic::error(
                "parse::too-large",
                format!("File is {len} bytes, over the limit of {max} bytes"),
            )
            .with_help("raise the limit with --max-file-size if the file is trusted"),
        ),
    }
}

/// Reads a model from bytes (any supported encoding). `name` is used in messages.
///
/// # Errors
/// [`ParseError::Invalid`] if the bytes are not a readable BPMN model.
pub fn parse_bytes(name: &str, bytes: &[u8], options: &ParseOptions) -> Result<Model, ParseError> {
    check_size(name, bytes.len(), options)?;
    let origin = file_origin(bytes);
    match decode::decode(bytes, options.strict_encoding) {
        Ok(decoded) => finish(name, decoded, origin, options),
        Err(err) => Err(decode_error(name, bytes, err)),
    }
}

/// [`parse_bytes`] for bytes we own: valid UTF-8 becomes the source text without a copy.
fn parse_owned(name: &str, bytes: Vec<u8>, options: &ParseOptions) -> Result<Model, ParseError> {
    check_size(name, bytes.len(), options)?;
    let origin = file_origin(&bytes);
    match decode::decode_owned(bytes, options.strict_encoding) {
        Ok(decoded) => finish(name, decoded, origin, options),
        Err((err, bytes)) => Err(decode_error(name, &bytes, err)),
    }
}

/// Reads a model from a string. `name` is used in messages.
///
/// The text is taken as already decoded: an `encoding` in its XML declaration is not
/// applied again, and a leading byte-order mark is skipped.
///
/// # Errors
/// [`ParseError::Invalid`] if the text is not a readable BPMN model.
pub fn parse_str(name: &str, text: &str, options: &ParseOptions) -> Result<Model, ParseError> {
    check_size(name, text.len(), options)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let decoded = decode::Decoded {
        text: text.to_owned(),
        encoding: encoding_rs::UTF_8,
        lenient: None,
    };
    finish(name, decoded, Origin::Text, options)
}

/// The origin of text read from these bytes, before decoding: whether they start with a
/// UTF-8 byte-order mark (`finish` decides whether the text is verbatim).
fn file_origin(bytes: &[u8]) -> Origin {
    Origin::File {
        utf8_bom: bytes.starts_with(b"\xEF\xBB\xBF"),
        verbatim: true,
    }
}

fn check_size(name: &str, len: usize, options: &ParseOptions) -> Result<(), ParseError> {
    if len as u64 > options.max_file_bytes {
        let text = Arc::new(SourceText::new(name, String::new()));
        return Err(too_large(text, len as u64, options.max_file_bytes));
    }
    Ok(())
}

fn decode_error(name: &str, bytes: &[u8], err: decode::DecodeError) -> ParseError {
    // Show the snippet from a lossy reading; offsets before the problem are the same.
    let lossy = reader::printable_source(&String::from_utf8_lossy(bytes));
    let (message, offset, help) = match err {
        decode::DecodeError::UnknownEncoding { label, offset } => (
            format!("Unsupported encoding \"{label}\""),
            offset,
            "save the file as UTF-8 (or UTF-16, ISO-8859-1, windows-1252 and the other WHATWG encodings)",
        ),
        decode::DecodeError::Invalid { encoding, offset } => (
            format!("Invalid {encoding} byte sequence"),
            offset,
            "save the file in the encoding its XML declaration names, or drop --strict to read such bytes leniently",
        ),
    };
    let offset = lossy.get(..offset).map_or(0, str::len);
    ParseError::Invalid {
        source_text: Arc::new(SourceText::new(name, lossy)),
        diagnostic: Box::new(
            Diagnostic::error("parse::encoding", message)
                .with_span(crate::model::Span::new(offset, offset + 1))
                .with_help(help),
        ),
    }
}

fn finish(
    name: &str,
    decoded: decode::Decoded,
    origin: Origin,
    options: &ParseOptions,
) -> Result<Model, ParseError> {
    // Bytes become the text unchanged as UTF-8 that needed no repair, and as ASCII in
    // any encoding that agrees with ASCII (an ISO-8859-1 declaration on ASCII content).
    let origin = match origin {
        Origin::File { utf8_bom, .. } => Origin::File {
            utf8_bom,
            verbatim: decoded.lenient.is_none()
                && (decoded.encoding == encoding_rs::UTF_8
                    || (decoded.encoding.is_ascii_compatible() && decoded.text.is_ascii())),
        },
        Origin::Text => Origin::Text,
    };
    let mut warnings = Vec::new();
    if let Some((at, count)) = decoded.lenient {
        let (message, help) = if decoded.encoding == encoding_rs::UTF_8 {
            (
                format!(
                    "{count} byte sequence{} not valid UTF-8; read as windows-1252",
                    if count == 1 { " is" } else { "s are" }
                ),
                "save the file as UTF-8, or declare the encoding it is in (e.g. encoding=\"windows-1252\"); --strict makes this an error",
            )
        } else {
            (
                format!(
                    "{count} byte sequence{} not valid {}; replaced by U+FFFD",
                    if count == 1 { " is" } else { "s are" },
                    decoded.encoding.name()
                ),
                "check the encoding in the XML declaration; --strict makes this an error",
            )
        };
        warnings.push(
            Diagnostic::warning("parse::invalid-encoding", message)
                .with_span(crate::model::Span::new(at, at + 1))
                .with_help(help),
        );
    }
    let source = Arc::new(SourceText::new(name, decoded.text).with_origin(origin));
    let mut model = reader::read(source, options)?;
    warnings.append(&mut model.diagnostics);
    model.diagnostics = warnings;
    resolve::resolve(&mut model);
    Ok(model)
}
