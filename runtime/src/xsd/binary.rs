//! `xs:base64Binary` and `xs:hexBinary`: byte strings with a textual encoding.
//!
//! Both are newtypes over `Vec<u8>` that dereference to `[u8]`. Equality is on the bytes (the
//! lexical form is not kept: the canonical form is always written).
//!
//! # base64Binary
//!
//! The lexical space is the XSD 1.0 (second edition) `Base64Binary` production: groups of four
//! characters from `A-Z a-z 0-9 + /`, the last group possibly padded with `=` or `==`. After the
//! `collapse` whitespace rule a single space may appear between any two characters (including
//! between the two `=`), so any XML whitespace inside the text is accepted. Padding is strict:
//! the character before `=` must be one of `AEIMQUYcgkosw048` and the character before `==` one of
//! `AQgw` (the unused bits must be zero), and nothing but whitespace may follow the padding.
//! Writing produces canonical base64 without any whitespace or line breaks.
//!
//! # hexBinary
//!
//! Pairs of hexadecimal digits, either case, no internal whitespace; written in upper case (the
//! canonical form).

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;

use super::util::{describe_char_at, invalid_because, is_xml_ws, trim_ws};
use super::{Lexical, ValueError};

/// The 6-bit value of a base64 character.
#[inline]
fn base64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes base64 text (already trimmed) per the XSD 1.0 grammar.
///
/// The grammar is: once every XML whitespace character is removed, canonical padded base64
/// whose unused bits are zero. The fast path removes the line breaks and spaces (a copy of the
/// runs between them, found a word at a time) and decodes the rest in place with a SIMD
/// decoder as strict as the grammar. Anything it refuses (a tab, which it does not remove, or
/// an error) is decoded again by [`decode_base64_exact`], which says precisely what is wrong,
/// so that the fast path decides nothing the exact one does not: both accept the same texts.
fn decode_base64(s: &str) -> Result<Vec<u8>, ValueError> {
    decode_base64_fast(s.as_bytes()).map_or_else(|| decode_base64_exact(s), Ok)
}

/// The SIMD path of [`decode_base64`]; `None` when the text is not valid (or is valid in a way
/// this path does not handle, which [`decode_base64_exact`] then does).
fn decode_base64_fast(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut buf = Vec::with_capacity(bytes.len());
    // Wrapped text first: a line break looked for where the line before ended.
    strip_breaks(bytes, &mut buf, true);
    let decoded = match base64_simd::STANDARD.decode_inplace(&mut buf) {
        Ok(decoded) => decoded.len(),
        Err(_) => {
            // The guess took a space inside a line for part of it: every break searched.
            buf.clear();
            strip_breaks(bytes, &mut buf, false);
            base64_simd::STANDARD.decode_inplace(&mut buf).ok()?.len()
        }
    };
    buf.truncate(decoded);
    buf.shrink_to_fit();
    Some(buf)
}

/// Appends `bytes` to `buf` without the spaces and line breaks that end a run (a tab is kept
/// unless `lines` takes it for a break). With `lines`, the break after a run is looked for first
/// where the run before it ended (base64 is wrapped at a fixed width), and searched for only when
/// it is not there, so a wrapped text is copied a line at a time; what is taken for a break is
/// always whitespace, so whatever is removed the grammar ignores.
fn strip_breaks(bytes: &[u8], buf: &mut Vec<u8>, lines: bool) {
    let mut rest = bytes;
    let mut width = None;
    loop {
        if let Some(w) = width
            && rest.get(w).is_some_and(|&c| is_xml_ws(c))
        {
            buf.extend_from_slice(&rest[..w]);
            rest = &rest[w + 1..];
            continue;
        }
        let Some(at) = memchr::memchr3(b'\n', b' ', b'\r', rest) else {
            buf.extend_from_slice(rest);
            return;
        };
        buf.extend_from_slice(&rest[..at]);
        rest = &rest[at + 1..];
        if lines && at > 0 {
            width = Some(at);
        }
    }
}

/// Decodes base64 text (already trimmed) per the XSD 1.0 grammar, a character at a time,
/// naming the first character that is wrong.
fn decode_base64_exact(s: &str) -> Result<Vec<u8>, ValueError> {
    let fail = |reason: &dyn fmt::Display| invalid_because(s, "base64Binary", reason);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let mut quad = [0u8; 4];
    let mut filled = 0usize;
    // Number of '=' still expected (after the first one has been seen), and whether padding
    // has been completed.
    let mut pad_expected = 0usize;
    let mut done = false;
    for (i, &c) in bytes.iter().enumerate() {
        if is_xml_ws(c) {
            continue;
        }
        if done {
            return Err(fail(&format_args!("{} after the final padding", describe_char_at(s, i))));
        }
        if pad_expected > 0 {
            if c != b'=' {
                return Err(fail(&"'==' padding expected after a 2-character final group"));
            }
            pad_expected = 0;
            done = true;
            continue;
        }
        if c == b'=' {
            match filled {
                2 => {
                    if quad[1] & 0x0F != 0 {
                        return Err(fail(&"the character before '==' must be one of A, Q, g, w"));
                    }
                    out.push(quad[0] << 2 | quad[1] >> 4);
                    pad_expected = 1;
                }
                3 => {
                    if quad[2] & 0x03 != 0 {
                        return Err(fail(&"the character before '=' must be one of AEIMQUYcgkosw048"));
                    }
                    out.push(quad[0] << 2 | quad[1] >> 4);
                    out.push(quad[1] << 4 | quad[2] >> 2);
                    done = true;
                }
                _ => {
                    return Err(fail(&"'=' padding is only allowed at the end of the last group"));
                }
            }
            continue;
        }
        let Some(v) = base64_value(c) else {
            return Err(fail(&format_args!("invalid character {}", describe_char_at(s, i))));
        };
        quad[filled] = v;
        filled += 1;
        if filled == 4 {
            out.push(quad[0] << 2 | quad[1] >> 4);
            out.push(quad[1] << 4 | quad[2] >> 2);
            out.push(quad[2] << 6 | quad[3]);
            filled = 0;
        }
    }
    if pad_expected > 0 {
        return Err(fail(&"'==' padding expected after a 2-character final group"));
    }
    if !done && filled != 0 {
        return Err(fail(&"the number of base64 characters is not a multiple of 4"));
    }
    Ok(out)
}

/// Appends the canonical base64 encoding of `data` (with padding, no whitespace).
fn encode_base64(data: &[u8], out: &mut String) {
    base64_simd::STANDARD.encode_append(data, out);
}

/// Decodes hex text (already trimmed).
fn decode_hex(s: &str) -> Result<Vec<u8>, ValueError> {
    let bytes = s.as_bytes();
    let nibble = |i: usize| -> Result<u8, ValueError> {
        let c = bytes[i];
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => {
                return Err(invalid_because(s, "hexBinary", format_args!("invalid character {}", describe_char_at(s, i))));
            }
        };
        Ok(v)
    };
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let mut i = 0;
    while i + 1 < bytes.len() {
        out.push(nibble(i)? << 4 | nibble(i + 1)?);
        i += 2;
    }
    if i < bytes.len() {
        nibble(i)?;
        return Err(invalid_because(s, "hexBinary", "odd number of hexadecimal digits"));
    }
    Ok(out)
}

macro_rules! binary_newtype {
    ($name:ident, $xsd:literal) => {
        impl $name {
            /// The bytes, by value.
            pub fn into_inner(self) -> Vec<u8> {
                self.0
            }
        }

        impl Deref for $name {
            type Target = [u8];

            fn deref(&self) -> &[u8] {
                &self.0
            }
        }

        impl DerefMut for $name {
            fn deref_mut(&mut self) -> &mut [u8] {
                &mut self.0
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl From<Vec<u8>> for $name {
            fn from(bytes: Vec<u8>) -> Self {
                Self(bytes)
            }
        }

        impl From<&[u8]> for $name {
            fn from(bytes: &[u8]) -> Self {
                Self(bytes.to_vec())
            }
        }

        impl From<$name> for Vec<u8> {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            #[doc = concat!("Writes the canonical `xs:", $xsd, "` form.")]
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut s = String::new();
                self.write_lexical(&mut s);
                f.write_str(&s)
            }
        }

        impl FromStr for $name {
            type Err = ValueError;

            /// Same as [`Lexical::parse_lexical`].
            fn from_str(s: &str) -> Result<Self, ValueError> {
                Self::parse_lexical(s)
            }
        }
    };
}

/// An `xs:base64Binary` value: arbitrary bytes, written in base64.
///
/// ```
/// use soapkit::xsd::{Base64Binary, Lexical};
/// let b = Base64Binary::parse_lexical("aGVs\nbG8=").unwrap();
/// assert_eq!(&b[..], b"hello");
/// assert_eq!(b.to_string(), "aGVsbG8=");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Base64Binary(pub Vec<u8>);

binary_newtype!(Base64Binary, "base64Binary");

impl Lexical for Base64Binary {
    const XS_NAME: Option<&'static str> = Some("base64Binary");
    const PLAIN: bool = true;
    /// Decodes base64 per the XSD 1.0 grammar (see the module docs); XML whitespace may appear
    /// anywhere between characters.
    fn parse_lexical(text: &str) -> Result<Self, ValueError> {
        decode_base64(trim_ws(text)).map(Self)
    }

    /// Writes canonical base64: padded, no whitespace.
    fn write_lexical(&self, out: &mut String) {
        encode_base64(&self.0, out);
    }
}

/// An `xs:hexBinary` value: arbitrary bytes, written as upper-case hexadecimal.
///
/// ```
/// use soapkit::xsd::{HexBinary, Lexical};
/// let h = HexBinary::parse_lexical("0fb7").unwrap();
/// assert_eq!(&h[..], &[0x0F, 0xB7]);
/// assert_eq!(h.to_string(), "0FB7");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HexBinary(pub Vec<u8>);

binary_newtype!(HexBinary, "hexBinary");

impl Lexical for HexBinary {
    const XS_NAME: Option<&'static str> = Some("hexBinary");
    const PLAIN: bool = true;
    /// Decodes pairs of hexadecimal digits (either case); only leading and trailing whitespace
    /// is removed.
    fn parse_lexical(text: &str) -> Result<Self, ValueError> {
        decode_hex(trim_ws(text)).map(Self)
    }

    /// Writes upper-case hexadecimal (the canonical form).
    fn write_lexical(&self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        out.reserve(self.0.len() * 2);
        for &b in &self.0 {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0F)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsd::util::TestRng;

    fn b64(s: &str) -> Vec<u8> {
        Base64Binary::parse_lexical(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).into_inner()
    }

    fn b64_err(s: &str) -> String {
        Base64Binary::parse_lexical(s).expect_err(s).message().to_owned()
    }

    fn enc(data: &[u8]) -> String {
        Base64Binary::from(data).to_string()
    }

    #[test]
    fn base64_rfc4648_vectors() {
        let vectors: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"fooba", "Zm9vYmE="),
            (b"foobar", "Zm9vYmFy"),
            (&[0xFF, 0xFE, 0xFD], "//79"),
            (&[0xFB, 0xEF, 0xBE], "++++"),
        ];
        for &(data, text) in vectors {
            assert_eq!(enc(data), text);
            assert_eq!(b64(text), data, "{text}");
        }
    }

    #[test]
    fn base64_whitespace() {
        assert_eq!(b64("Zm9v YmFy"), b"foobar");
        assert_eq!(b64(" Z m 9 v Y g = = "), b"foob");
        assert_eq!(b64("Zm9vYg= ="), b"foob");
        assert_eq!(b64("Zm9vYmE =\n"), b"fooba");
        assert_eq!(b64("\r\n Zm9v\r\n\tYmFy \r\n"), b"foobar");
        assert_eq!(b64("Zm9v    YmFy"), b"foobar");
        assert_eq!(b64("   "), b"");
        // Long line-wrapped MIME-style input.
        let data: Vec<u8> = (0..=255).collect();
        let canonical = enc(&data);
        let wrapped: Vec<&str> = canonical.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).expect("ascii")).collect();
        assert_eq!(b64(&wrapped.join("\r\n")), data);
        assert!(!canonical.contains(|c: char| c.is_whitespace()));
    }

    #[test]
    fn base64_padding_rules() {
        // The last character before '==' must encode zero low bits.
        for c in ['A', 'Q', 'g', 'w'] {
            assert!(Base64Binary::parse_lexical(&format!("Z{c}==")).is_ok(), "{c}");
        }
        for c in ['B', 'R', 'h', 'x', 'z', '/'] {
            assert_eq!(
                b64_err(&format!("Z{c}==")),
                format!("'Z{c}==' is not a valid xs:base64Binary: the character before '==' must be one of A, Q, g, w")
            );
        }
        for c in "AEIMQUYcgkosw048".chars() {
            assert!(Base64Binary::parse_lexical(&format!("Zm{c}=")).is_ok(), "{c}");
        }
        for c in ['B', 'F', 'Z', 'd', '1', '9', '+', '/'] {
            assert!(b64_err(&format!("Zm{c}=")).contains("the character before '=' must be one of AEIMQUYcgkosw048"), "{c}");
        }
        for bad in [
            "Zg=", "Zg", "Zm9", "Z", "Zm9vY", "=", "==", "Z===", "Zg===", "Zm9=v", "Zg==Zg==", "Zm8=Zm8=", "Zg=a", "Zm8==", "A=AA", "Zg===",
        ] {
            assert!(Base64Binary::parse_lexical(bad).is_err(), "{bad:?}");
        }
        assert_eq!(b64_err("Zm9vY"), "'Zm9vY' is not a valid xs:base64Binary: the number of base64 characters is not a multiple of 4");
        assert_eq!(b64_err("Zg=a"), "'Zg=a' is not a valid xs:base64Binary: '==' padding expected after a 2-character final group");
        assert_eq!(b64_err("Zm8=Zm8="), "'Zm8=Zm8=' is not a valid xs:base64Binary: 'Z' after the final padding");
        assert_eq!(b64_err("Z==="), "'Z===' is not a valid xs:base64Binary: '=' padding is only allowed at the end of the last group");
    }

    #[test]
    fn base64_invalid_characters() {
        for bad in ["Zm9v-mFy", "Zm9v_mFy", "Zm9v.mFy", "Zm9vYmFy!", "Zm9\u{a0}vYmFy", "Zm9vYmé=", "Zm9\u{0}v"] {
            assert!(Base64Binary::parse_lexical(bad).is_err(), "{bad:?}");
        }
        assert_eq!(b64_err("Zm9v-mFy"), "'Zm9v-mFy' is not a valid xs:base64Binary: invalid character '-'");
        assert_eq!(b64_err("Zm9vYmé="), "'Zm9vYmé=' is not a valid xs:base64Binary: invalid character 'é'");
    }

    #[test]
    fn base64_round_trips_random_bytes() {
        let mut rng = TestRng::new(1);
        for len in 0usize..200 {
            let data: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let text = enc(&data);
            assert_eq!(text.len(), len.div_ceil(3) * 4);
            assert_eq!(b64(&text), data);
        }
    }

    #[test]
    fn base64_never_panics_on_random_input() {
        let alphabet = ["A", "Q", "Z", "g", "9", "+", "/", "=", " ", "\n", "-", "é"];
        let mut rng = TestRng::new(2);
        for _ in 0..30_000 {
            let s = rng.string_from(&alphabet, 12);
            if let Ok(v) = Base64Binary::parse_lexical(&s) {
                // Accepted text is the canonical encoding once whitespace is removed.
                let compact: String = s.chars().filter(|c| !matches!(c, ' ' | '\n')).collect();
                assert_eq!(v.to_string(), compact, "{s:?}");
            }
        }
    }

    #[test]
    fn base64_fast_and_exact_paths_accept_the_same_texts() {
        // The SIMD path must decide nothing the character-at-a-time one does not: same bytes
        // for what both accept, refused by both otherwise, except that a text with a tab is
        // left to the exact path. Short texts over an alphabet rich in padding and whitespace
        // reach every split of a group across runs.
        let alphabet = ["A", "Q", "Zg", "m9", "w", "+", "/", "=", "==", " ", "\r\n", "\t", "-"];
        let mut rng = TestRng::new(3);
        let mut left_to_exact = 0;
        for _ in 0..60_000 {
            let s = rng.string_from(&alphabet, 14);
            let exact = decode_base64_exact(trim_ws(&s)).ok();
            match decode_base64_fast(trim_ws(&s).as_bytes()) {
                None if exact.is_some() => {
                    assert!(s.contains('\t'), "{s:?} refused by the fast path only");
                    left_to_exact += 1;
                }
                fast => assert_eq!(fast, exact, "{s:?}"),
            }
        }
        assert!(left_to_exact > 0, "the alphabet reaches texts with tabs");
        // Long texts (the SIMD blocks) with one character spoiled at each place: a character
        // outside the alphabet, padding inside the text, a tab (valid, for the exact path).
        let data: Vec<u8> = (0..=255u8).cycle().take(300).collect();
        let canonical = enc(&data);
        for at in 0..canonical.len() {
            for spoil in ["-", "=", "\t", "\u{e9}"] {
                let s = format!("{}{spoil}{}", &canonical[..at], &canonical[at + 1..]);
                let exact = decode_base64_exact(&s).ok();
                match decode_base64_fast(s.as_bytes()) {
                    None if spoil == "\t" => {}
                    fast => assert_eq!(fast, exact, "{spoil:?} at {at}"),
                }
            }
        }
        // A space inside a line where the wrapping guess expects the line to go on.
        assert_eq!(decode_base64_fast(b"QUJD\nQ UJ DQUJD"), Some(b"ABCABCABC".to_vec()));
        // The last character before the padding with its unused bits set, in a long text.
        let two = enc(&data[..298]);
        let spoilt = format!("{}B=", &two[..two.len() - 2]);
        assert_eq!(decode_base64_fast(spoilt.as_bytes()), None);
        assert!(decode_base64_exact(&spoilt).is_err());
        // Long runs, wrapped at every line length, and every prefix of a padded text.
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let canonical = enc(&data);
        for width in 1..=80 {
            let lines: Vec<&str> = canonical.as_bytes().chunks(width).map(|c| std::str::from_utf8(c).expect("ascii")).collect();
            assert_eq!(decode_base64_fast(lines.join("\n").as_bytes()), Some(data.clone()), "width {width}");
        }
        let padded = enc(&data[..998]);
        for end in 0..padded.len() {
            let cut = &padded[..end];
            assert_eq!(decode_base64_fast(cut.as_bytes()), decode_base64_exact(cut).ok(), "{cut:?}");
        }
    }

    #[test]
    fn hex() {
        let h = HexBinary::parse_lexical(" 0fB7aA\n").expect("hex");
        assert_eq!(&h[..], &[0x0F, 0xB7, 0xAA]);
        assert_eq!(h.to_string(), "0FB7AA");
        assert_eq!(HexBinary::parse_lexical("").expect("empty").len(), 0);
        assert_eq!(HexBinary::from(vec![0, 1, 0xFE, 0xFF]).to_string(), "0001FEFF");
        for bad in ["0", "0g", "abc", "0x00", "0F B7", "0F\nB7", "é0", "0é"] {
            assert!(HexBinary::parse_lexical(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            HexBinary::parse_lexical("abc").expect_err("odd").message(),
            "'abc' is not a valid xs:hexBinary: odd number of hexadecimal digits"
        );
        assert_eq!(HexBinary::parse_lexical("0g").expect_err("char").message(), "'0g' is not a valid xs:hexBinary: invalid character 'g'");
        assert_eq!(
            HexBinary::parse_lexical("abz").expect_err("char").message(),
            "'abz' is not a valid xs:hexBinary: invalid character 'z'"
        );
        let mut rng = TestRng::new(9);
        for len in 0..64 {
            let data: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let text = HexBinary::from(data.clone()).to_string();
            assert_eq!(HexBinary::parse_lexical(&text).map(Vec::from), Ok(data.clone()));
            assert_eq!(HexBinary::parse_lexical(&text.to_lowercase()).map(Vec::from), Ok(data));
        }
    }

    #[test]
    fn newtype_conveniences() {
        let mut b = Base64Binary::from(vec![1, 2, 3]);
        b[0] = 9;
        assert_eq!(b.as_ref(), &[9, 2, 3]);
        assert_eq!(b.len(), 3);
        assert_eq!(Vec::from(b.clone()), vec![9, 2, 3]);
        assert_eq!("CQID".parse::<Base64Binary>(), Ok(b));
        assert_eq!("0102".parse::<HexBinary>(), Ok(HexBinary(vec![1, 2])));
        assert_eq!(HexBinary::default().to_string(), "");
    }
}
