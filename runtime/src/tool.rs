//! Support for tools over generated bindings: a set of messages that can decode any envelope
//! of a binding, and the `roundtrip` driver behind `cargo xtask roundtrip`.

use std::io::Write;
use std::path::Path;

use crate::xml::{DecodeError, EncodeError};

/// Whether a message is an operation's input, its output, or a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A request.
    Input,
    /// A response.
    Output,
    /// A SOAP fault.
    Fault,
}

impl MessageKind {
    /// `input`, `output` or `fault`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Input => "input",
            MessageKind::Output => "output",
            MessageKind::Fault => "fault",
        }
    }
}

/// Every message of a binding; implemented by the generated `…Message` enums.
pub trait MessageSet: Sized {
    /// Decodes an envelope as whichever message it is.
    fn decode(text: &str) -> Result<Self, DecodeError>;
    /// Encodes the message in an envelope.
    fn encode(&self) -> Result<String, EncodeError>;
    /// Appends the message in an envelope to `out` (nothing on error), so that a caller
    /// reusing its buffer encodes without allocating.
    fn encode_into(&self, out: &mut String) -> Result<(), EncodeError> {
        out.push_str(&self.encode()?);
        Ok(())
    }
    /// The operation, unless this is a fault.
    fn operation_name(&self) -> Option<&'static str>;
    /// Input, output or fault.
    fn kind(&self) -> MessageKind;
}

/// Keeps, of several decoding errors, the one that got furthest into the document: the
/// message the input most likely was.
pub fn keep_furthest(best: &mut Option<DecodeError>, e: DecodeError) {
    match best {
        Some(b) if b.offset() >= e.offset() => {}
        _ => *best = Some(e),
    }
}

/// The message `result` holds, or `None` after keeping its error as [`keep_furthest`] does:
/// for trying candidate messages one after the other.
pub fn decoded_or_keep<T>(best: &mut Option<DecodeError>, result: Result<T, DecodeError>) -> Option<T> {
    match result {
        Ok(m) => Some(m),
        Err(e) => {
            keep_furthest(best, e);
            None
        }
    }
}

/// A decoded message and its re-encoding.
#[derive(Debug)]
pub struct RoundTrip {
    /// The operation name, or `None` for a fault.
    pub operation: Option<&'static str>,
    /// Input, output or fault.
    pub kind: MessageKind,
    /// The message encoded again.
    pub xml: String,
}

/// Decodes `text` as a message of `M` and encodes it again. A document whose root is a SOAP
/// `Body` (a fragment, as printed in specifications) is read as if wrapped in an Envelope.
pub fn roundtrip<M: MessageSet>(text: &str) -> Result<RoundTrip, DecodeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (doc, shift) = match body_fragment(text) {
        Some(env_ns) => {
            let body = strip_declaration(text);
            let prefix = format!("<soapkit-wrapper:Envelope xmlns:soapkit-wrapper=\"{env_ns}\">");
            (format!("{prefix}{body}</soapkit-wrapper:Envelope>"), Some((prefix.chars().count(), text.len() - body.len())))
        }
        None => (text.to_owned(), None),
    };
    let message = match M::decode(&doc) {
        Ok(m) => m,
        Err(e) => {
            return Err(match shift {
                // Report positions in the fragment as given.
                Some((cols, skipped)) => {
                    let offset = e.offset().saturating_sub(cols).saturating_add(skipped);
                    DecodeError::new(e.kind(), e.message(), text, offset.min(text.len())).with_path_of(&e).without_outermost()
                }
                None => e,
            });
        }
    };
    let xml =
        message.encode().map_err(|e| DecodeError::detached(crate::xml::DecodeErrorKind::Invalid, format!("re-encoding failed: {e}")))?;
    Ok(RoundTrip { operation: message.operation_name(), kind: message.kind(), xml })
}

/// If the root element of `text` is a SOAP 1.1 or 1.2 `Body` written with a prefix bound on
/// it (or not bound at all), the envelope namespace to wrap it in.
fn body_fragment(text: &str) -> Option<&'static str> {
    let body = strip_declaration(text);
    let start = body.trim_start();
    let name_end = start.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    let name = start.get(1..name_end)?;
    if !start.starts_with('<') || !name.ends_with(":Body") && name != "Body" {
        return None;
    }
    let tag_end = start.find('>')?;
    let tag = &start[..tag_end];
    if tag.contains(crate::xml::ns::SOAP12_ENV) { Some(crate::xml::ns::SOAP12_ENV) } else { Some(crate::xml::ns::SOAP11_ENV) }
}

fn strip_declaration(text: &str) -> &str {
    let t = text.trim_start();
    match t.find("?>") {
        Some(end) if t.starts_with("<?xml") => &t[end + 2..],
        _ => text,
    }
}

/// The `cargo xtask roundtrip` driver: for each file prints `OK <operation> <kind>` and the
/// re-encoded XML, or `ERROR <file>:<line>:<column>: <message>`. Returns whether all
/// succeeded.
pub fn roundtrip_files<M: MessageSet>(files: &[impl AsRef<Path>], out: &mut impl Write) -> std::io::Result<bool> {
    roundtrip_files_with(files, out, roundtrip::<M>)
}

/// Like [`roundtrip_files`] with any decoder (e.g. one trying several bindings).
pub fn roundtrip_files_with(
    files: &[impl AsRef<Path>],
    out: &mut impl Write,
    decode: impl Fn(&str) -> Result<RoundTrip, DecodeError>,
) -> std::io::Result<bool> {
    let mut all_ok = true;
    for f in files {
        let f = f.as_ref();
        let text = match std::fs::read(f) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    writeln!(out, "ERROR {}:1:1: the file is not valid UTF-8 (byte {})", f.display(), e.utf8_error().valid_up_to())?;
                    all_ok = false;
                    continue;
                }
            },
            Err(e) => {
                writeln!(out, "ERROR {}:0:0: cannot read the file: {e}", f.display())?;
                all_ok = false;
                continue;
            }
        };
        match decode(&text) {
            Ok(rt) => {
                writeln!(out, "OK {} {}", rt.operation.unwrap_or("-"), rt.kind.as_str())?;
                writeln!(out, "{}", rt.xml)?;
            }
            Err(e) => {
                all_ok = false;
                let mut msg = e.message().to_owned();
                let path = e.path();
                if !path.is_empty() {
                    msg.push_str(&format!(" (at {path})"));
                }
                writeln!(out, "ERROR {}:{}:{}: {msg}", f.display(), e.line(), e.column())?;
            }
        }
    }
    Ok(all_ok)
}
