//! Errors of the XML codec.

use std::fmt;

/// Why a document could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecodeErrorKind {
    /// The bytes are not a well-formed, namespace-well-formed XML document (or use a feature
    /// refused for safety, such as a DTD). SOAP servers answer these with their "malformed
    /// request" fault.
    Malformed,
    /// The document is well-formed but does not match the schema: an unexpected or missing
    /// element or attribute, or a value outside its datatype or facets.
    Invalid,
    /// The root is an `Envelope` of an unsupported or unexpected SOAP version.
    VersionMismatch,
    /// A header entry marked `mustUnderstand` is not understood (see
    /// [`DecodeError::subject`]).
    MustUnderstand,
    /// The document goes past one of the reader's [`Limits`](super::Limits) (nesting depth,
    /// attributes per element, name length, text or attribute value size, number of
    /// elements): it is refused where it did, unread beyond. Servers answer it as a malformed
    /// request.
    LimitExceeded,
}

/// An error found while decoding, with its position in the input and the path of elements that
/// lead to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    message: String,
    offset: usize,
    line: u32,
    column: u32,
    /// Qualified names as written in the document, innermost first.
    path: Vec<Box<str>>,
    /// The element the error is about, as (namespace URI, local name), where relevant.
    subject: Option<Box<(String, String)>>,
}

impl DecodeError {
    /// A new error at a byte offset of `input` (the line and column are computed from it).
    pub fn new(kind: DecodeErrorKind, message: impl Into<String>, input: &str, offset: usize) -> Self {
        let offset = offset.min(input.len());
        let (line, column) = line_column(input, offset);
        DecodeError { kind, message: message.into(), offset, line, column, path: Vec::new(), subject: None }
    }

    /// A new error not tied to a document position (line and column 0).
    pub fn detached(kind: DecodeErrorKind, message: impl Into<String>) -> Self {
        DecodeError { kind, message: message.into(), offset: 0, line: 0, column: 0, path: Vec::new(), subject: None }
    }

    /// Records that the error happened inside the element written `name` in the document.
    /// Called on the way out, so the path is built only when decoding fails.
    #[must_use]
    pub fn within(mut self, name: &str) -> Self {
        self.path.push(name.into());
        self
    }

    /// Copies the element path and subject of `other` (for an error re-created at another
    /// position).
    #[must_use]
    pub fn with_path_of(mut self, other: &DecodeError) -> Self {
        self.path = other.path.clone();
        self.subject = other.subject.clone();
        self
    }

    /// Drops the outermost element of the path (for errors inside a synthetic wrapper).
    #[must_use]
    pub fn without_outermost(mut self) -> Self {
        self.path.pop();
        self
    }

    /// Changes the kind.
    #[must_use]
    pub fn with_kind(mut self, kind: DecodeErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// Names the element the error is about (e.g. the header that was not understood).
    #[must_use]
    pub fn with_subject(mut self, ns: &str, local: &str) -> Self {
        self.subject = Some(Box::new((ns.to_owned(), local.to_owned())));
        self
    }

    /// The element the error is about, as (namespace URI, local name).
    pub fn subject(&self) -> Option<(&str, &str)> {
        self.subject.as_deref().map(|(n, l)| (n.as_str(), l.as_str()))
    }

    /// Malformed or invalid.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// The message, without position or path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Byte offset in the input.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// 1-based line, or 0 if unknown.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column (in characters), or 0 if unknown.
    pub fn column(&self) -> u32 {
        self.column
    }

    /// The element path, outermost first, e.g. `/soap:Envelope/soap:Body/m:Disconnect`.
    pub fn path(&self) -> String {
        let mut s = String::new();
        for seg in self.path.iter().rev() {
            s.push('/');
            s.push_str(seg);
        }
        s
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: ", self.line, self.column)?;
        }
        f.write_str(&self.message)?;
        if !self.path.is_empty() {
            write!(f, " (at {})", self.path())?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A value that cannot be written as valid XML for its schema (for example a list shorter than
/// its `minOccurs`, or a string violating a facet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    message: String,
    path: Vec<Box<str>>,
}

impl EncodeError {
    /// A new error.
    pub fn new(message: impl Into<String>) -> Self {
        EncodeError { message: message.into(), path: Vec::new() }
    }

    /// Records the element being written when the error happened (innermost first).
    #[must_use]
    pub fn within(mut self, name: &str) -> Self {
        self.path.push(name.into());
        self
    }

    /// The message, without path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if !self.path.is_empty() {
            f.write_str(" (at ")?;
            for seg in self.path.iter().rev() {
                write!(f, "/{seg}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for EncodeError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(input: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(input.len());
    while !input.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &input[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let s = "ab\ncé\nxyz";
        assert_eq!(line_column(s, 0), (1, 1));
        assert_eq!(line_column(s, 3), (2, 1));
        // 'é' is two bytes; offset 6 is after it.
        assert_eq!(line_column(s, 6), (2, 3));
        assert_eq!(line_column(s, 100), (3, 4));
    }

    #[test]
    fn display_has_position_message_and_path() {
        let e =
            DecodeError::new(DecodeErrorKind::Invalid, "unexpected element {urn:x}B", "<a>\n <B/>", 5).within("a:inner").within("a:outer");
        assert_eq!(e.to_string(), "2:2: unexpected element {urn:x}B (at /a:outer/a:inner)");
        assert_eq!(e.path(), "/a:outer/a:inner");
    }
}
