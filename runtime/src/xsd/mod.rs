//! The XML Schema built-in datatypes (XSD 1.0 Part 2) as Rust values.
//!
//! Every type here parses the lexical space of its datatype and writes it back. Types whose
//! lexical form carries more than their value (decimals with trailing zeros, date/time values
//! with a chosen time-zone spelling or fractional-second precision) keep the lexical form, so a
//! decode followed by an encode reproduces the received text exactly.

mod error;

pub use error::ValueError;

/// A value with an XML Schema lexical representation.
///
/// `parse_lexical` receives the text exactly as it appeared in the document (after entity
/// decoding); it applies the datatype's `whiteSpace` facet itself. `write_lexical` appends the
/// lexical form to `out` without any XML escaping.
pub trait Lexical: Sized {
    /// Parses a lexical form, applying the datatype's whitespace rule first.
    fn parse_lexical(text: &str) -> Result<Self, ValueError>;
    /// Appends the lexical form of `self` to `out`.
    fn write_lexical(&self, out: &mut String);
}
