//! The XML Schema built-in datatypes (XSD 1.0 Part 2) as Rust values.
//!
//! Every type here parses the lexical space of its datatype and writes it back. Types whose
//! lexical form carries more than their value (decimals with trailing zeros, date/time values
//! with a chosen time-zone spelling or fractional-second precision) keep the lexical form, so a
//! decode followed by an encode reproduces the received text exactly.
//!
//! # Datatype mapping
//!
//! | XSD datatype | Rust type |
//! |---|---|
//! | `xs:boolean` | `bool` |
//! | `xs:decimal` | [`Decimal`] |
//! | `xs:integer`, `nonNegativeInteger`, `positiveInteger`, `nonPositiveInteger`, `negativeInteger` | [`Integer`] (check the sign with [`Integer::sign`]) |
//! | `xs:long`, `int`, `short`, `byte` | `i64`, `i32`, `i16`, `i8` |
//! | `xs:unsignedLong`, `unsignedInt`, `unsignedShort`, `unsignedByte` | `u64`, `u32`, `u16`, `u8` |
//! | `xs:float`, `xs:double` | `f32`, `f64` |
//! | `xs:dateTime`, `date`, `time` | [`DateTime`], [`Date`], [`Time`] |
//! | `xs:gYear`, `gYearMonth`, `gMonth`, `gMonthDay`, `gDay` | [`GYear`], [`GYearMonth`], [`GMonth`], [`GMonthDay`], [`GDay`] |
//! | `xs:duration` | [`Duration`] |
//! | `xs:base64Binary`, `xs:hexBinary` | [`Base64Binary`], [`HexBinary`] |
//! | `xs:string` | `String` |
//! | `normalizedString`, `token`, `language`, `Name`, `NCName`, `ID`, `IDREF`, `ENTITY`, `NMTOKEN`, `NMTOKENS`, `anyURI` | `String`, after [`replace_ws`] or [`collapse_ws`] and a `check_*` validator (see [`string`]) |
//!
//! The submodules document each family in detail (accepted lexical forms, written forms,
//! equality and order); their public types are re-exported here.
//!
//! # Whitespace
//!
//! [`Lexical::parse_lexical`] receives the text before whitespace processing and applies the
//! datatype's `whiteSpace` facet: `String` keeps it; every other type here has
//! `whiteSpace="collapse"`, which for types without internal spaces in their lexical space means
//! that leading and trailing XML whitespace (#x20, #x9, #xD, #xA — not other Unicode spaces) is
//! ignored and any other whitespace is an error. `base64Binary` allows whitespace between its
//! characters.
//!
//! # Errors
//!
//! A rejected text gives a [`ValueError`] that quotes the text (shortened beyond 80 characters)
//! and names the datatype, with the reason when one is specific:
//! `'2013-02-30' is not a valid xs:date: day 30 out of range for February 2013`.
//!
//! # Equality
//!
//! Types that keep their lexical form compare by value with `==` (`Decimal` `1.50 == 1.5`,
//! `DateTime` `12:00:00Z == 13:00:00+01:00`, `Duration` `P1Y == P12M`) and offer `as_str` (and,
//! for date/time and duration types, `lexical_eq`) for the spelling. Date/time and duration
//! values are only partially ordered, as in XSD; see their `partial_cmp_value`.

pub mod binary;
pub mod datetime;
pub mod decimal;
pub mod duration;
mod error;
pub mod numeric;
pub mod qname;
pub mod simple_value;
pub mod spelled;
pub mod string;
pub(crate) mod util;

pub use binary::{Base64Binary, HexBinary};
pub use datetime::{Date, DateTime, GDay, GMonth, GMonthDay, GYear, GYearMonth, Time};
pub use decimal::{Decimal, Integer};
pub use duration::Duration;
pub use error::ValueError;
pub use qname::QName;
pub use simple_value::SimpleValue;
pub use spelled::Spelled;
pub use string::{
    check_any_uri, check_language, check_name, check_ncname, check_nmtoken, check_nmtokens, check_normalized_string, check_qname,
    check_token, collapse_ws, replace_ws,
};

/// A value with an XML Schema lexical representation.
///
/// `parse_lexical` receives the text exactly as it appeared in the document (after entity
/// decoding); it applies the datatype's `whiteSpace` facet itself. `write_lexical` appends the
/// lexical form to `out` without any XML escaping.
pub trait Lexical: Sized {
    /// The local name of the datatype in the XML Schema namespace, which `xsi:type` may name
    /// (`None` for a type that is not exactly one built-in).
    const XS_NAME: Option<&'static str> = None;
    /// Whether no text `write_lexical` produces holds a character that XML escapes (`&`, `<`,
    /// `>`, `"`, TAB, LF, CR), so that the writer copies it without looking: true of the
    /// numeric, boolean, date and time, duration and binary types, whose lexical spaces hold
    /// none of them.
    const PLAIN: bool = false;
    /// Parses a lexical form, applying the datatype's whitespace rule first.
    fn parse_lexical(text: &str) -> Result<Self, ValueError>;
    /// Appends the lexical form of `self` to `out`.
    fn write_lexical(&self, out: &mut String);
}

#[cfg(test)]
mod tests {
    use super::util::{TestRng, trim_ws};
    use super::*;

    fn written<T: Lexical>(v: &T) -> String {
        let mut s = String::new();
        v.write_lexical(&mut s);
        s
    }

    /// Parses `s` as `T`; when accepted, checks that writing gives the collapsed input back
    /// (for lexical-keeping types) and that re-parsing the output yields an equal value.
    fn check_keeps<T: Lexical + PartialEq + std::fmt::Debug>(s: &str) -> bool {
        match T::parse_lexical(s) {
            Ok(v) => {
                let out = written(&v);
                assert_eq!(out, trim_ws(s), "{s:?}");
                assert_eq!(T::parse_lexical(&out).as_ref(), Ok(&v), "{s:?}");
                true
            }
            Err(e) => {
                assert!(e.message().contains(" is not a valid xs:"), "{e}");
                false
            }
        }
    }

    fn check_value<T: Lexical + PartialEq + std::fmt::Debug>(s: &str) -> bool {
        match T::parse_lexical(s) {
            Ok(v) => {
                assert_eq!(T::parse_lexical(&written(&v)).as_ref(), Ok(&v), "{s:?}");
                true
            }
            Err(e) => {
                assert!(e.message().contains(" is not a valid xs:"), "{e}");
                false
            }
        }
    }

    /// Feeds every parser with many generated strings: nothing may panic, and everything
    /// accepted must round-trip.
    #[test]
    fn all_parsers_survive_generated_input() {
        let alphabet = [
            "0",
            "1",
            "2",
            "9",
            "-",
            "+",
            ":",
            ".",
            "T",
            "Z",
            "P",
            "Y",
            "M",
            "D",
            "H",
            "S",
            "E",
            "=",
            "A",
            "g",
            " ",
            "\t",
            "\n",
            "é",
            "\u{10000}",
            "INF",
            "NaN",
            "true",
            "2000-01-01",
            "12:00:00",
            "--",
            "+14:00",
            "24",
        ];
        let mut rng = TestRng::new(2024);
        let mut accepted = 0usize;
        for _ in 0..60_000 {
            let s = rng.string_from(&alphabet, 8);
            let results = [
                check_keeps::<Decimal>(&s),
                check_keeps::<Integer>(&s),
                check_keeps::<DateTime>(&s),
                check_keeps::<Date>(&s),
                check_keeps::<Time>(&s),
                check_keeps::<GYear>(&s),
                check_keeps::<GYearMonth>(&s),
                check_keeps::<GMonth>(&s),
                check_keeps::<GMonthDay>(&s),
                check_keeps::<GDay>(&s),
                check_keeps::<Duration>(&s),
                check_value::<bool>(&s),
                check_value::<i8>(&s),
                check_value::<i64>(&s),
                check_value::<u8>(&s),
                check_value::<u64>(&s),
                check_value::<Base64Binary>(&s),
                check_value::<HexBinary>(&s),
            ];
            accepted += results.iter().filter(|&&ok| ok).count();
            if let Ok(v) = f32::parse_lexical(&s) {
                assert!(v.is_nan() || f32::parse_lexical(&written(&v)) == Ok(v), "{s:?}");
            }
            if let Ok(v) = f64::parse_lexical(&s) {
                assert!(v.is_nan() || f64::parse_lexical(&written(&v)) == Ok(v), "{s:?}");
            }
            let _ = (check_name(&s), check_ncname(&s), check_nmtoken(&s), check_language(&s), check_any_uri(&s), check_token(&s));
        }
        assert!(accepted > 1_000, "generator too weak: {accepted} accepted");
    }

    #[test]
    fn mapping_examples() {
        assert_eq!(written(&bool::parse_lexical(" 1 ").expect("bool")), "true");
        assert_eq!(written(&Decimal::parse_lexical("+001.50").expect("decimal")), "+001.50");
        assert_eq!(Integer::parse_lexical("-0").expect("integer").sign(), std::cmp::Ordering::Equal);
        assert_eq!(
            Date::parse_lexical("2013-02-30").expect_err("invalid").message(),
            "'2013-02-30' is not a valid xs:date: day 30 out of range for February 2013"
        );
        assert_eq!(i32::parse_lexical("12a").expect_err("invalid").message(), "'12a' is not a valid xs:int");
        assert_eq!(String::parse_lexical(" a ").expect("string"), " a ");
    }
}
