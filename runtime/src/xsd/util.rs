//! Helpers shared by the datatype implementations: XML whitespace and error construction.

use std::fmt::{self, Display};

use super::ValueError;

/// Whether `b` is one of the four XML whitespace characters (#x20, #x9, #xD, #xA).
#[inline]
pub(crate) fn is_xml_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Strips leading and trailing XML whitespace (not Unicode whitespace: U+00A0 is kept).
///
/// For every datatype whose lexical space contains no internal whitespace this is exactly the
/// `collapse` rule: internal whitespace is left in place and then rejected by the grammar.
#[inline]
pub(crate) fn trim_ws(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_xml_ws(c as u8))
}

/// The longest input, in characters, quoted verbatim in an error message.
const MAX_QUOTED_CHARS: usize = 80;

/// Displays a lexical form in quotes, shortened (on a character boundary) when very long.
struct Quoted<'a>(&'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(MAX_QUOTED_CHARS) {
            Some((cut, _)) => write!(f, "'{}…'", &self.0[..cut]),
            None => write!(f, "'{}'", self.0),
        }
    }
}

/// `'<text>' is not a valid xs:<datatype>`.
pub(crate) fn invalid(text: &str, datatype: &str) -> ValueError {
    ValueError::new(format!("{} is not a valid xs:{datatype}", Quoted(text)))
}

/// `'<text>' is not a valid xs:<datatype>: <reason>`.
pub(crate) fn invalid_because(text: &str, datatype: &str, reason: impl Display) -> ValueError {
    ValueError::new(format!("{} is not a valid xs:{datatype}: {reason}", Quoted(text)))
}

/// Describes the character starting at byte `pos` of `s` for an error message, e.g. `'a'` or
/// `U+0009`. `pos` must be a character boundary; otherwise a neutral text is returned.
pub(crate) fn describe_char_at(s: &str, pos: usize) -> String {
    match s.get(pos..).and_then(|rest| rest.chars().next()) {
        Some(c) if c.is_control() || c.is_whitespace() => format!("U+{:04X}", c as u32),
        Some(c) => format!("'{c}'"),
        None => "end of text".to_owned(),
    }
}

/// A deterministic pseudo-random generator for the panic-hunting tests (xorshift64*).
#[cfg(test)]
pub(crate) struct TestRng(u64);

#[cfg(test)]
impl TestRng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A string of up to `max_len` characters drawn from `alphabet`.
    pub(crate) fn string_from(&mut self, alphabet: &[&str], max_len: usize) -> String {
        let len = self.below(max_len + 1);
        let mut s = String::new();
        for _ in 0..len {
            s.push_str(alphabet[self.below(alphabet.len())]);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_only_xml_whitespace() {
        assert_eq!(trim_ws(" \t\r\n x y \n"), "x y");
        assert_eq!(trim_ws("\u{a0}x\u{a0}"), "\u{a0}x\u{a0}");
        assert_eq!(trim_ws("\u{2003}x"), "\u{2003}x");
        assert_eq!(trim_ws("   "), "");
        assert_eq!(trim_ws(""), "");
    }

    #[test]
    fn error_messages_quote_and_shorten() {
        assert_eq!(invalid("12a", "int").message(), "'12a' is not a valid xs:int");
        assert_eq!(invalid_because("x", "date", "bad").message(), "'x' is not a valid xs:date: bad");
        let long = "é".repeat(100);
        let msg = invalid(&long, "string").message().to_owned();
        assert_eq!(msg, format!("'{}…' is not a valid xs:string", "é".repeat(80)));
    }

    #[test]
    fn describes_characters() {
        assert_eq!(describe_char_at("ab", 1), "'b'");
        assert_eq!(describe_char_at("a\tb", 1), "U+0009");
        assert_eq!(describe_char_at("a", 1), "end of text");
        assert_eq!(describe_char_at("é", 1), "end of text");
    }
}
