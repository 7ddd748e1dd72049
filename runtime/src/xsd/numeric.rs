//! `xs:boolean`, the bounded integer types (`xs:long` … `xs:unsignedByte`), `xs:float` and
//! `xs:double`, mapped onto Rust primitives.
//!
//! All of these datatypes have `whiteSpace="collapse"`; since none of their lexical forms
//! contains a space, collapsing amounts to stripping leading and trailing XML whitespace, and any
//! whitespace left inside the text is rejected. Parsing never allocates (except to build an error).
//!
//! # Floating point
//!
//! The accepted lexical space is that of XSD 1.0:
//! `(+|-)?([0-9]+(.[0-9]*)?|.[0-9]+)([Ee](+|-)?[0-9]+)?`, `INF`, `-INF` and `NaN`. `+INF` is an
//! XSD 1.1 addition and is rejected, as are Rust-only spellings such as `inf`, `infinity` or `nan`.
//! A literal is rounded to the nearest representable value (IEEE round-half-to-even), so a
//! literal beyond the finite range becomes `INF`/`-INF` and a tiny one becomes `0`/`-0`; this is
//! the XSD 1.1 clarification of the 1.0 text.
//!
//! Written forms use the shortest digit string that reads back as the identical value: plain
//! decimal notation (`1.5`, `100`, `0.001`, `-0`) for magnitudes in `[1e-6, 1e15)` and zero,
//! scientific notation (`1E-7`, `1.2345E20`) otherwise, and `INF`, `-INF`, `NaN`. Every written
//! form is in the XSD 1.0 lexical space and `parse(write(x))` is bit-identical to `x` (NaN payloads
//! aside).

use std::fmt::Write as _;

use super::Lexical;
use super::ValueError;
use super::util::{invalid, invalid_because, trim_ws};

impl Lexical for bool {
    const XS_NAME: Option<&'static str> = Some("boolean");
    const PLAIN: bool = true;
    /// Accepts `true`, `false`, `1` and `0` (case-sensitive).
    fn parse_lexical(text: &str) -> Result<Self, ValueError> {
        match trim_ws(text) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(invalid_because(other, "boolean", "expected true, false, 1 or 0")),
        }
    }

    /// Writes the canonical `true` or `false`.
    fn write_lexical(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// Appends the decimal digits of `n`: integers are the most common attribute values
/// (versions, counts), and `core::fmt` costs several times this.
fn write_decimal(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Scans `[+-]?[0-9]+`. Returns `None` when malformed, else the sign and the magnitude
/// (`None` when the magnitude does not fit `u128`).
fn scan_integer(s: &str) -> Option<(bool, Option<u128>)> {
    let b = s.as_bytes();
    let (negative, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut magnitude: Option<u128> = Some(0);
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude.and_then(|m| m.checked_mul(10)).and_then(|m| m.checked_add(u128::from(d - b'0')));
    }
    Some((negative, magnitude))
}

macro_rules! signed_lexical {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl Lexical for $t {
            const XS_NAME: Option<&'static str> = Some($name);
            const PLAIN: bool = true;
            #[doc = concat!("Parses `xs:", $name, "`: `[+-]?[0-9]+` within the range of `",
                stringify!($t), "`; leading zeros are allowed.")]
            fn parse_lexical(text: &str) -> Result<Self, ValueError> {
                let s = trim_ws(text);
                let (negative, magnitude) = scan_integer(s).ok_or_else(|| invalid(s, $name))?;
                magnitude
                    .and_then(|m| {
                        if negative {
                            0i128.checked_sub_unsigned(m)
                        } else {
                            i128::try_from(m).ok()
                        }
                    })
                    .and_then(|v| <$t>::try_from(v).ok())
                    .ok_or_else(|| {
                        invalid_because(
                            s,
                            $name,
                            format_args!("value out of range {}..={}", <$t>::MIN, <$t>::MAX),
                        )
                    })
            }

            /// Writes the canonical form: no sign for non-negative values, no leading zeros.
            fn write_lexical(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                write_decimal(out, self.unsigned_abs() as u64);
            }
        }
    )*};
}

signed_lexical!(i8 => "byte", i16 => "short", i32 => "int", i64 => "long");

macro_rules! unsigned_lexical {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl Lexical for $t {
            const XS_NAME: Option<&'static str> = Some($name);
            const PLAIN: bool = true;
            #[doc = concat!("Parses `xs:", $name, "`: `[+-]?[0-9]+` within the range of `",
                stringify!($t), "`; `+` and leading zeros are allowed, and `-0` denotes zero.")]
            fn parse_lexical(text: &str) -> Result<Self, ValueError> {
                let s = trim_ws(text);
                let (negative, magnitude) = scan_integer(s).ok_or_else(|| invalid(s, $name))?;
                magnitude
                    .filter(|&m| !negative || m == 0)
                    .and_then(|m| <$t>::try_from(m).ok())
                    .ok_or_else(|| {
                        invalid_because(
                            s,
                            $name,
                            format_args!("value out of range 0..={}", <$t>::MAX),
                        )
                    })
            }

            /// Writes the canonical form: no sign, no leading zeros.
            fn write_lexical(&self, out: &mut String) {
                write_decimal(out, *self as u64);
            }
        }
    )*};
}

unsigned_lexical!(
    u8 => "unsignedByte",
    u16 => "unsignedShort",
    u32 => "unsignedInt",
    u64 => "unsignedLong",
);

/// What a valid `xs:float`/`xs:double` literal denotes before conversion.
enum FloatLexical {
    Inf,
    NegInf,
    NaN,
    /// A decimal literal, which Rust's float parser accepts verbatim.
    Number,
}

/// Checks `s` (already trimmed) against the XSD 1.0 float/double lexical space.
fn scan_float(s: &str, name: &str) -> Result<FloatLexical, ValueError> {
    match s {
        "INF" => return Ok(FloatLexical::Inf),
        "-INF" => return Ok(FloatLexical::NegInf),
        "NaN" => return Ok(FloatLexical::NaN),
        "+INF" => {
            return Err(invalid_because(s, name, "'+INF' is only allowed in XSD 1.1, use 'INF'"));
        }
        _ => {}
    }
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut mantissa_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        mantissa_digits += i - frac_start;
    }
    if mantissa_digits == 0 {
        return Err(invalid(s, name));
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return Err(invalid_because(s, name, "exponent has no digits"));
        }
    }
    if i != b.len() {
        return Err(invalid(s, name));
    }
    Ok(FloatLexical::Number)
}

macro_rules! float_lexical {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl Lexical for $t {
            const XS_NAME: Option<&'static str> = Some($name);
            const PLAIN: bool = true;
            #[doc = concat!("Parses `xs:", $name, "` (XSD 1.0 lexical space, see the module docs);",
                " the literal is rounded to the nearest `", stringify!($t), "`.")]
            fn parse_lexical(text: &str) -> Result<Self, ValueError> {
                let s = trim_ws(text);
                match scan_float(s, $name)? {
                    FloatLexical::Inf => Ok(<$t>::INFINITY),
                    FloatLexical::NegInf => Ok(<$t>::NEG_INFINITY),
                    FloatLexical::NaN => Ok(<$t>::NAN),
                    // The grammar checked above is a subset of what `str::parse` accepts.
                    FloatLexical::Number => s.parse::<$t>().map_err(|_| invalid(s, $name)),
                }
            }

            /// Writes the shortest form that reads back as exactly this value (see the module docs).
            fn write_lexical(&self, out: &mut String) {
                let x = *self;
                if x.is_nan() {
                    out.push_str("NaN");
                } else if x.is_infinite() {
                    out.push_str(if x > 0.0 { "INF" } else { "-INF" });
                } else {
                    let magnitude = x.abs();
                    if magnitude == 0.0 || (1e-6..1e15).contains(&magnitude) {
                        let _ = write!(out, "{x}");
                    } else {
                        let start = out.len();
                        let _ = write!(out, "{x:e}");
                        if let Some(e) = out[start..].find('e') {
                            out.replace_range(start + e..start + e + 1, "E");
                        }
                    }
                }
            }
        }
    )*};
}

float_lexical!(f32 => "float", f64 => "double");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsd::util::TestRng;

    #[test]
    fn integers_are_written_as_core_fmt_writes_them() {
        fn lexical<T: Lexical>(v: T) -> String {
            let mut out = String::from("x");
            v.write_lexical(&mut out);
            out[1..].to_owned()
        }
        for v in [i64::MIN, i64::MIN + 1, -1_000_000_007, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_234_567_890, i64::MAX] {
            assert_eq!(lexical(v), v.to_string());
        }
        for v in [0u64, 7, 10, 18_446_744_073_709_551_615] {
            assert_eq!(lexical(v), v.to_string());
        }
        assert_eq!(lexical(i8::MIN), "-128");
        assert_eq!(lexical(u8::MAX), "255");
        assert_eq!(lexical(i32::MIN), "-2147483648");
        let mut rng = TestRng::new(0x1e7);
        for _ in 0..2000 {
            let v = rng.next_u64();
            assert_eq!(lexical(v), v.to_string());
            assert_eq!(lexical(v as i64), (v as i64).to_string());
        }
    }

    fn parse<T: Lexical>(s: &str) -> Result<T, ValueError> {
        T::parse_lexical(s)
    }

    fn write<T: Lexical>(v: &T) -> String {
        let mut s = String::new();
        v.write_lexical(&mut s);
        s
    }

    fn err<T: Lexical + std::fmt::Debug>(s: &str) -> String {
        T::parse_lexical(s).expect_err(s).message().to_owned()
    }

    #[test]
    fn boolean() {
        assert_eq!(parse::<bool>("true"), Ok(true));
        assert_eq!(parse::<bool>("1"), Ok(true));
        assert_eq!(parse::<bool>("false"), Ok(false));
        assert_eq!(parse::<bool>("0"), Ok(false));
        assert_eq!(parse::<bool>(" \n\ttrue\r\n "), Ok(true));
        for bad in ["TRUE", "True", "yes", "", " ", "01", "t", "true false", "+1", "-0", "1.0"] {
            assert!(parse::<bool>(bad).is_err(), "{bad:?}");
        }
        assert_eq!(err::<bool>("yes"), "'yes' is not a valid xs:boolean: expected true, false, 1 or 0");
        assert_eq!(write(&true), "true");
        assert_eq!(write(&false), "false");
    }

    #[test]
    fn byte_boundaries() {
        assert_eq!(parse::<i8>("-128"), Ok(-128));
        assert_eq!(parse::<i8>("127"), Ok(127));
        assert_eq!(parse::<i8>("+127"), Ok(127));
        assert_eq!(parse::<i8>("-0"), Ok(0));
        assert_eq!(parse::<i8>("000000000000000000000000000000000000000000000000127"), Ok(127));
        assert_eq!(err::<i8>("128"), "'128' is not a valid xs:byte: value out of range -128..=127");
        assert_eq!(err::<i8>("-129"), "'-129' is not a valid xs:byte: value out of range -128..=127");
        assert_eq!(write(&-128i8), "-128");
    }

    #[test]
    fn signed_boundaries() {
        assert_eq!(parse::<i16>("-32768"), Ok(i16::MIN));
        assert_eq!(parse::<i16>("32767"), Ok(i16::MAX));
        assert!(parse::<i16>("32768").is_err());
        assert_eq!(parse::<i32>("-2147483648"), Ok(i32::MIN));
        assert_eq!(parse::<i32>("2147483647"), Ok(i32::MAX));
        assert!(parse::<i32>("2147483648").is_err());
        assert!(parse::<i32>("-2147483649").is_err());
        assert_eq!(parse::<i64>("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse::<i64>("9223372036854775807"), Ok(i64::MAX));
        assert!(parse::<i64>("9223372036854775808").is_err());
        assert!(parse::<i64>("-9223372036854775809").is_err());
        // Far beyond u128: reported as out of range, not as malformed.
        let huge = "9".repeat(100);
        assert_eq!(
            err::<i64>(&huge),
            format!("'{}…' is not a valid xs:long: value out of range -9223372036854775808..=9223372036854775807", "9".repeat(80))
        );
        assert!(err::<i64>(&format!("-{huge}")).contains("out of range"));
    }

    #[test]
    fn malformed_integers() {
        assert_eq!(err::<i32>("12a"), "'12a' is not a valid xs:int");
        assert_eq!(err::<i32>(""), "'' is not a valid xs:int");
        assert_eq!(err::<i32>("  \t "), "'' is not a valid xs:int");
        for bad in ["+", "-", "+-1", "--1", "1 2", "1.0", "1e3", "0x10", " 1_000", "١", "1\u{a0}", "٣"] {
            assert!(parse::<i32>(bad).is_err(), "{bad:?}");
            assert!(parse::<u32>(bad).is_err(), "{bad:?}");
            assert!(parse::<i64>(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse::<i32>("\n 42 \t"), Ok(42));
    }

    #[test]
    fn unsigned_boundaries() {
        assert_eq!(parse::<u8>("255"), Ok(255));
        assert_eq!(parse::<u8>("+255"), Ok(255));
        assert_eq!(parse::<u8>("-0"), Ok(0));
        assert_eq!(parse::<u8>("-000"), Ok(0));
        assert_eq!(parse::<u8>("+0"), Ok(0));
        assert_eq!(err::<u8>("256"), "'256' is not a valid xs:unsignedByte: value out of range 0..=255");
        assert_eq!(err::<u8>("-1"), "'-1' is not a valid xs:unsignedByte: value out of range 0..=255");
        assert_eq!(parse::<u16>("65535"), Ok(u16::MAX));
        assert!(parse::<u16>("65536").is_err());
        assert_eq!(parse::<u32>("4294967295"), Ok(u32::MAX));
        assert!(parse::<u32>("4294967296").is_err());
        assert_eq!(parse::<u64>("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse::<u64>("+0018446744073709551615"), Ok(u64::MAX));
        assert!(parse::<u64>("18446744073709551616").is_err());
        assert!(err::<u64>("-18446744073709551615").contains("xs:unsignedLong: value out of range"));
        assert_eq!(write(&u64::MAX), "18446744073709551615");
        assert_eq!(write(&0u8), "0");
    }

    #[test]
    fn integers_agree_with_std_on_random_input() {
        let alphabet = ["0", "1", "5", "9", "+", "-", " ", "a", "\t"];
        let mut rng = TestRng::new(7);
        for _ in 0..20_000 {
            let s = rng.string_from(&alphabet, 12);
            let t = trim_ws(&s);
            let std_i16 = t.parse::<i16>().ok();
            assert_eq!(parse::<i16>(&s).ok(), std_i16, "{s:?}");
            let ours = parse::<u16>(&s).ok();
            let expected = t.parse::<u16>().ok().or_else(|| {
                // std rejects "-0"; XSD accepts any negative zero for unsigned types.
                let rest = t.strip_prefix('-')?;
                (!rest.is_empty() && rest.bytes().all(|b| b == b'0')).then_some(0)
            });
            assert_eq!(ours, expected, "{s:?}");
            if let Some(v) = ours {
                assert_eq!(parse::<u16>(&write(&v)), Ok(v));
            }
        }
    }

    #[test]
    fn double_lexical_space() {
        let cases: &[(&str, f64)] = &[
            ("0", 0.0),
            ("-0", -0.0),
            ("1.5E3", 1500.0),
            ("1.5e3", 1500.0),
            ("1.5E+3", 1500.0),
            ("15E-1", 1.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("-.5e1", -5.0),
            ("+1", 1.0),
            ("007.250", 7.25),
            ("12678967.543233", 12678967.543233),
            ("1E308", 1e308),
            ("4.9E-324", 4.9e-324),
            ("1e400", f64::INFINITY),
            ("-1e400", f64::NEG_INFINITY),
            ("1e-400", 0.0),
            ("0E99999999999999999999", 0.0),
            ("INF", f64::INFINITY),
            ("-INF", f64::NEG_INFINITY),
            (" \n 3.25 \t", 3.25),
        ];
        for &(s, expected) in cases {
            let v = parse::<f64>(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            assert_eq!(v.to_bits(), expected.to_bits(), "{s:?}");
        }
        assert!(parse::<f64>("NaN").expect("NaN").is_nan());
        assert!(parse::<f64>("-0").expect("-0").is_sign_negative());
    }

    #[test]
    fn double_rejects() {
        for bad in [
            "", ".", "-", "+", "E5", ".E5", "1E", "1E+", "1.5.3", "1,5", "inf", "Inf", "-inf", "infinity", "nan", "NAN", "-NaN", "+NaN",
            "INF ", "1 E5", "0x1p3", "1e5.0", "1d5", "١", "--1", "1e--5",
        ] {
            if bad == "INF " {
                // Trailing whitespace is stripped by the collapse rule.
                assert!(parse::<f64>(bad).is_ok());
                continue;
            }
            assert!(parse::<f64>(bad).is_err(), "{bad:?}");
            assert!(parse::<f32>(bad).is_err(), "{bad:?}");
        }
        assert_eq!(err::<f64>("+INF"), "'+INF' is not a valid xs:double: '+INF' is only allowed in XSD 1.1, use 'INF'");
        assert_eq!(err::<f32>("1e"), "'1e' is not a valid xs:float: exponent has no digits");
        assert_eq!(err::<f64>("abc"), "'abc' is not a valid xs:double");
    }

    #[test]
    fn float_rounding() {
        assert_eq!(parse::<f32>("3.4028235E38"), Ok(f32::MAX));
        assert_eq!(parse::<f32>("3.5E38"), Ok(f32::INFINITY));
        assert_eq!(parse::<f32>("1.4E-45"), Ok(f32::from_bits(1)));
        assert_eq!(parse::<f32>("0.1"), Ok(0.1f32));
        assert_eq!(parse::<f32>("16777217"), Ok(16777216.0));
    }

    #[test]
    fn double_writing() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.5, "1.5"),
            (100.0, "100"),
            (0.001, "0.001"),
            (1e-6, "0.000001"),
            (1e-7, "1E-7"),
            (1.5e15, "1.5E15"),
            (999999999999999.0, "999999999999999"),
            (1.2345e20, "1.2345E20"),
            (-2.5e-10, "-2.5E-10"),
            (f64::MAX, "1.7976931348623157E308"),
            (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
            (5e-324, "5E-324"),
            (0.1, "0.1"),
            (f64::INFINITY, "INF"),
            (f64::NEG_INFINITY, "-INF"),
            (f64::NAN, "NaN"),
        ];
        for &(v, expected) in cases {
            assert_eq!(write(&v), expected, "{v:?}");
        }
        assert_eq!(write(&f32::MAX), "3.4028235E38");
        assert_eq!(write(&0.1f32), "0.1");
        assert_eq!(write(&1e-7f32), "1E-7");
        assert_eq!(write(&f32::NEG_INFINITY), "-INF");
    }

    #[test]
    fn double_round_trips_bit_exactly() {
        let mut rng = TestRng::new(42);
        for _ in 0..50_000 {
            let bits = rng.next_u64();
            let v = f64::from_bits(bits);
            let text = write(&v);
            let back = parse::<f64>(&text).unwrap_or_else(|e| panic!("{v:?} -> {text}: {e}"));
            if v.is_nan() {
                assert!(back.is_nan());
            } else {
                assert_eq!(back.to_bits(), v.to_bits(), "{v:?} -> {text}");
            }
            let v32 = f32::from_bits(bits as u32);
            let text = write(&v32);
            let back = parse::<f32>(&text).unwrap_or_else(|e| panic!("{v32:?} -> {text}: {e}"));
            if v32.is_nan() {
                assert!(back.is_nan());
            } else {
                assert_eq!(back.to_bits(), v32.to_bits(), "{v32:?} -> {text}");
            }
        }
    }

    #[test]
    fn floats_never_panic_on_random_input() {
        let alphabet = ["0", "1", "9", ".", "e", "E", "+", "-", "I", "N", "F", "a", " ", "é"];
        let mut rng = TestRng::new(3);
        for _ in 0..20_000 {
            let s = rng.string_from(&alphabet, 10);
            if let Ok(v) = parse::<f64>(&s) {
                let t = trim_ws(&s);
                // Anything accepted must also be accepted by Rust's parser or be a special value.
                assert!(matches!(t, "INF" | "-INF" | "NaN") || t.parse::<f64>().is_ok(), "{s:?}");
                if !v.is_nan() {
                    assert_eq!(parse::<f64>(&write(&v)).map(f64::to_bits), Ok(v.to_bits()));
                }
            }
            let _ = parse::<f32>(&s);
        }
    }
}
