//! `xs:decimal` and `xs:integer` as exact, arbitrary-precision values that keep their lexical form.
//!
//! [`Decimal`] and [`Integer`] store the (whitespace-collapsed) text they were parsed from, so
//! writing a value back reproduces the received spelling (`+001.50` stays `+001.50`). Equality,
//! ordering and hashing are by numeric value: `1.50`, `1.5` and `+01.5` are equal, and so are
//! `-0` and `0`. No arithmetic is provided; the types exist to carry values losslessly and to
//! check facets.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::util::{invalid, trim_ws};
use super::{Lexical, ValueError};

/// Compares two digit strings without leading zeros by numeric value.
fn cmp_unsigned_int(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Accumulates the digit string `digits` into a `u128`; `None` on overflow.
fn digits_to_u128(digits: &str) -> Option<u128> {
    digits.bytes().try_fold(0u128, |acc, d| acc.checked_mul(10)?.checked_add(u128::from(d - b'0')))
}

/// Applies a sign to a magnitude; `None` when the result does not fit `i128`.
fn signed_i128(negative: bool, magnitude: u128) -> Option<i128> {
    if negative { 0i128.checked_sub_unsigned(magnitude) } else { i128::try_from(magnitude).ok() }
}

/// An `xs:decimal`: an exact decimal number of any size and precision, kept in its lexical form.
///
/// The accepted lexical space is `(+|-)?([0-9]+(.[0-9]*)?|.[0-9]+)` after whitespace collapse
/// (so `5.` and `.5` are accepted, as in XSD 1.1 and common processors).
///
/// # Equality
///
/// `PartialEq`, `Eq`, `Ord` and `Hash` are by numeric value: `"1.0" == "1"`, `"-0" == "0"`,
/// `"+001.50" == "1.5"`. Use [`Decimal::as_str`] to compare spellings.
///
/// ```
/// use soapkit::xsd::{Decimal, Lexical};
/// let d = Decimal::parse_lexical(" +001.50 ").unwrap();
/// assert_eq!(d.as_str(), "+001.50");
/// assert_eq!(d.canonical(), "1.5");
/// assert_eq!(d, "1.5".parse::<Decimal>().unwrap());
/// ```
#[derive(Clone)]
pub struct Decimal {
    text: Box<str>,
    /// Set only for values below zero (never for `-0`).
    negative: bool,
    /// The integer digits without leading zeros: `text[int_start..int_end]` (empty for `0.x`).
    int_start: usize,
    int_end: usize,
    /// The fraction digits up to the last non-zero one: `text[frac_start..frac_end]`.
    frac_start: usize,
    frac_end: usize,
}

impl Decimal {
    /// Parses and validates `s`, which has already been whitespace-collapsed.
    fn scan(s: &str) -> Result<Self, ValueError> {
        let b = s.as_bytes();
        let signed = matches!(b.first(), Some(b'+' | b'-'));
        let minus = b.first() == Some(&b'-');
        let digits_start = usize::from(signed);
        let mut i = digits_start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let int_end = i;
        let (frac_start, mut frac_end) = if i < b.len() && b[i] == b'.' {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            (start, i)
        } else {
            (i, i)
        };
        if i != b.len() || (int_end == digits_start && frac_end == frac_start) {
            return Err(invalid(s, "decimal"));
        }
        let mut int_start = digits_start;
        while int_start < int_end && b[int_start] == b'0' {
            int_start += 1;
        }
        while frac_end > frac_start && b[frac_end - 1] == b'0' {
            frac_end -= 1;
        }
        let is_zero = int_start == int_end && frac_start == frac_end;
        Ok(Self { text: s.into(), negative: minus && !is_zero, int_start, int_end, frac_start, frac_end })
    }

    /// The lexical form as parsed (after whitespace collapse) or as constructed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The significant integer digits (no leading zeros; empty when the integer part is zero).
    fn int_digits(&self) -> &str {
        &self.text[self.int_start..self.int_end]
    }

    /// The significant fraction digits (no trailing zeros; empty when there is no fraction).
    fn frac_digits(&self) -> &str {
        &self.text[self.frac_start..self.frac_end]
    }

    /// The XSD 1.0 canonical representation: no `+`, no leading or trailing zeros, and always a
    /// decimal point with at least one digit on each side (`1.0`, `0.5`, `-12.25`, `0.0`).
    pub fn canonical(&self) -> String {
        let (int, frac) = (self.int_digits(), self.frac_digits());
        let mut s = String::with_capacity(int.len() + frac.len() + 4);
        if self.negative {
            s.push('-');
        }
        s.push_str(if int.is_empty() { "0" } else { int });
        s.push('.');
        s.push_str(if frac.is_empty() { "0" } else { frac });
        s
    }

    /// A decimal with the lexical form of `value` written as an integer (`-42`).
    pub fn from_i64(value: i64) -> Self {
        Self::from_integer_text(value.to_string())
    }

    /// Builds from a text known to be a valid integer literal.
    fn from_integer_text(text: String) -> Self {
        let negative = text.starts_with('-');
        let digits_start = usize::from(negative || text.starts_with('+'));
        let int_start = text[digits_start..].find(|c| c != '0').map_or(text.len(), |p| digits_start + p);
        let len = text.len();
        Self { negative: negative && int_start < len, text: text.into_boxed_str(), int_start, int_end: len, frac_start: len, frac_end: len }
    }

    /// The number of significant digits, as constrained by the `totalDigits` facet.
    ///
    /// This is the smallest `t` such that the value is `i × 10^-n` with `|i| < 10^t` and
    /// `0 ≤ n ≤ t`: leading zeros of the integer part and trailing zeros of the fraction do not
    /// count (`001.50` → 2, `0.005` → 3, `100` → 3). Zero has 1 digit.
    pub fn total_digits(&self) -> usize {
        (self.int_end - self.int_start + self.frac_end - self.frac_start).max(1)
    }

    /// The number of fraction digits up to the last non-zero one, as constrained by the
    /// `fractionDigits` facet (`1.50` → 1, `2.0` → 0, `0.005` → 3).
    pub fn fraction_digits(&self) -> usize {
        self.frac_end - self.frac_start
    }

    /// Whether the value is below zero (`-0` and `-0.0` are not).
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether the value is zero (whatever its sign or number of zeros).
    pub fn is_zero(&self) -> bool {
        self.int_start == self.int_end && self.frac_start == self.frac_end
    }

    /// Whether the value has no fractional part (`2.000` is integral).
    pub fn is_integral(&self) -> bool {
        self.frac_start == self.frac_end
    }

    /// The nearest `f64` (round-half-to-even); values beyond the `f64` range become infinite.
    pub fn to_f64(&self) -> f64 {
        // Every xs:decimal lexical form is accepted by Rust's float parser.
        self.text.parse().unwrap_or(f64::NAN)
    }

    /// The value as an `i128`, if it is integral and in range.
    fn to_i128(&self) -> Result<i128, ValueError> {
        if !self.is_integral() {
            return Err(ValueError::new(format!("xs:decimal value {} is not an integer", self.as_str())));
        }
        digits_to_u128(self.int_digits())
            .and_then(|m| signed_i128(self.negative, m))
            .ok_or_else(|| ValueError::new(format!("xs:decimal value {} is out of range for i128", self.as_str())))
    }
}

impl Lexical for Decimal {
    const XS_NAME: Option<&'static str> = Some("decimal");
    const PLAIN: bool = true;
    fn parse_lexical(text: &str) -> Result<Self, ValueError> {
        Self::scan(trim_ws(text))
    }

    /// Writes the lexical form exactly as parsed or constructed.
    fn write_lexical(&self, out: &mut String) {
        out.push_str(&self.text);
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.negative == other.negative && self.int_digits() == other.int_digits() && self.frac_digits() == other.frac_digits()
    }
}

impl Eq for Decimal {}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let magnitude =
            || cmp_unsigned_int(self.int_digits(), other.int_digits()).then_with(|| self.frac_digits().cmp(other.frac_digits()));
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => magnitude(),
            (true, true) => magnitude().reverse(),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.negative.hash(state);
        self.int_digits().hash(state);
        self.frac_digits().hash(state);
    }
}

impl fmt::Display for Decimal {
    /// Writes the lexical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({:?})", &*self.text)
    }
}

impl FromStr for Decimal {
    type Err = ValueError;

    /// Same as [`Lexical::parse_lexical`] (surrounding XML whitespace is ignored).
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::parse_lexical(s)
    }
}

impl Default for Decimal {
    /// Zero, written `0`.
    fn default() -> Self {
        Self::from_i64(0)
    }
}

macro_rules! decimal_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            #[doc = concat!("The value of a `", stringify!($t), "`, written as an integer.")]
            fn from(value: $t) -> Self {
                Self::from_integer_text(value.to_string())
            }
        }
    )*};
}

decimal_from_int!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

impl From<Integer> for Decimal {
    /// The same value with the same lexical form (every `xs:integer` literal is an `xs:decimal`).
    fn from(value: Integer) -> Self {
        Self::from_integer_text(value.text.into_string())
    }
}

impl TryFrom<&Decimal> for i128 {
    type Error = ValueError;

    /// Fails when the value has a fractional part or is out of range.
    fn try_from(value: &Decimal) -> Result<Self, ValueError> {
        value.to_i128()
    }
}

impl TryFrom<&Decimal> for i64 {
    type Error = ValueError;

    /// Fails when the value has a fractional part or is out of range.
    fn try_from(value: &Decimal) -> Result<Self, ValueError> {
        let v = value.to_i128()?;
        i64::try_from(v).map_err(|_| ValueError::new(format!("xs:decimal value {} is out of range for i64", value.as_str())))
    }
}

impl TryFrom<&Decimal> for Integer {
    type Error = ValueError;

    /// Fails when the value has a fractional part. The result is written canonically.
    fn try_from(value: &Decimal) -> Result<Self, ValueError> {
        if !value.is_integral() {
            return Err(ValueError::new(format!("xs:decimal value {} is not an integer", value.as_str())));
        }
        let digits = value.int_digits();
        let mut text = String::with_capacity(digits.len() + 1);
        if value.negative {
            text.push('-');
        }
        text.push_str(if digits.is_empty() { "0" } else { digits });
        Ok(Integer::from_valid_text(text))
    }
}

/// An `xs:integer` (or one of its unbounded derived types such as `xs:nonNegativeInteger`): an
/// integer of any size, kept in its lexical form.
///
/// The accepted lexical space is `(+|-)?[0-9]+` after whitespace collapse. Use [`Integer::sign`]
/// to check the sign restriction of `nonNegativeInteger`, `positiveInteger`,
/// `nonPositiveInteger` and `negativeInteger` (`-0` and `+0` are zero, so they are valid
/// non-negative and non-positive integers).
///
/// # Equality
///
/// `PartialEq`, `Eq`, `Ord` and `Hash` are by numeric value (`"007" == "+7"`, `"-0" == "0"`).
///
/// ```
/// use soapkit::xsd::{Integer, Lexical};
/// use std::cmp::Ordering;
/// let n = Integer::parse_lexical("-0042").unwrap();
/// assert_eq!(n.sign(), Ordering::Less);
/// assert_eq!(i64::try_from(&n).unwrap(), -42);
/// assert_eq!(n.to_string(), "-0042");
/// assert_eq!(n.canonical(), "-42");
/// ```
#[derive(Clone)]
pub struct Integer {
    text: Box<str>,
    /// Set only for values below zero (never for `-0`).
    negative: bool,
    /// Start of the significant digits (no leading zeros); they run to the end of `text`.
    start: usize,
}

impl Integer {
    /// Parses and validates `s`, which has already been whitespace-collapsed.
    fn scan(s: &str) -> Result<Self, ValueError> {
        let b = s.as_bytes();
        let digits_start = usize::from(matches!(b.first(), Some(b'+' | b'-')));
        if digits_start == b.len() || !b[digits_start..].iter().all(u8::is_ascii_digit) {
            return Err(invalid(s, "integer"));
        }
        let start = b[digits_start..].iter().position(|&d| d != b'0').map_or(b.len(), |p| digits_start + p);
        Ok(Self { negative: b[0] == b'-' && start < b.len(), text: s.into(), start })
    }

    /// Builds from a text known to be a valid integer literal.
    fn from_valid_text(text: String) -> Self {
        let b = text.as_bytes();
        let digits_start = usize::from(matches!(b.first(), Some(b'+' | b'-')));
        let start = b[digits_start..].iter().position(|&d| d != b'0').map_or(b.len(), |p| digits_start + p);
        Self { negative: text.starts_with('-') && start < text.len(), start, text: text.into_boxed_str() }
    }

    /// The lexical form as parsed (after whitespace collapse) or as constructed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The significant digits (no sign, no leading zeros; empty for zero).
    fn digits(&self) -> &str {
        &self.text[self.start..]
    }

    /// The sign of the value: `Less` for negative, `Equal` for zero (including `-0`), `Greater`
    /// for positive.
    pub fn sign(&self) -> Ordering {
        if self.negative {
            Ordering::Less
        } else if self.start == self.text.len() {
            Ordering::Equal
        } else {
            Ordering::Greater
        }
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.sign() == Ordering::Less
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.sign() == Ordering::Equal
    }

    /// Whether the value is above zero.
    pub fn is_positive(&self) -> bool {
        self.sign() == Ordering::Greater
    }

    /// The number of significant decimal digits (for the `totalDigits` facet); zero has 1.
    pub fn total_digits(&self) -> usize {
        self.digits().len().max(1)
    }

    /// The canonical representation: no `+`, no leading zeros (`0` for zero).
    pub fn canonical(&self) -> String {
        let digits = self.digits();
        let mut s = String::with_capacity(digits.len() + 1);
        if self.negative {
            s.push('-');
        }
        s.push_str(if digits.is_empty() { "0" } else { digits });
        s
    }

    /// The nearest `f64`; values beyond the `f64` range become infinite.
    pub fn to_f64(&self) -> f64 {
        self.text.parse().unwrap_or(f64::NAN)
    }

    /// The value as an `i128`, if in range.
    fn to_i128(&self) -> Option<i128> {
        digits_to_u128(self.digits()).and_then(|m| signed_i128(self.negative, m))
    }

    fn out_of_range(&self, target: &str) -> ValueError {
        ValueError::new(format!("xs:integer value {} is out of range for {target}", self.as_str()))
    }
}

impl Lexical for Integer {
    const XS_NAME: Option<&'static str> = Some("integer");
    const PLAIN: bool = true;
    fn parse_lexical(text: &str) -> Result<Self, ValueError> {
        Self::scan(trim_ws(text))
    }

    /// Writes the lexical form exactly as parsed or constructed.
    fn write_lexical(&self, out: &mut String) {
        out.push_str(&self.text);
    }
}

impl PartialEq for Integer {
    fn eq(&self, other: &Self) -> bool {
        self.negative == other.negative && self.digits() == other.digits()
    }
}

impl Eq for Integer {}

impl Ord for Integer {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => cmp_unsigned_int(self.digits(), other.digits()),
            (true, true) => cmp_unsigned_int(self.digits(), other.digits()).reverse(),
        }
    }
}

impl PartialOrd for Integer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Integer {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.negative.hash(state);
        self.digits().hash(state);
    }
}

impl fmt::Display for Integer {
    /// Writes the lexical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Integer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Integer({:?})", &*self.text)
    }
}

impl FromStr for Integer {
    type Err = ValueError;

    /// Same as [`Lexical::parse_lexical`] (surrounding XML whitespace is ignored).
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::parse_lexical(s)
    }
}

impl Default for Integer {
    /// Zero, written `0`.
    fn default() -> Self {
        Self::from(0u8)
    }
}

macro_rules! integer_conversions {
    ($($t:ty),*) => {$(
        impl From<$t> for Integer {
            #[doc = concat!("The value of a `", stringify!($t), "`, written canonically.")]
            fn from(value: $t) -> Self {
                Self::from_valid_text(value.to_string())
            }
        }

        impl TryFrom<&Integer> for $t {
            type Error = ValueError;

            #[doc = concat!("Fails when the value is out of the range of `", stringify!($t), "`.")]
            fn try_from(value: &Integer) -> Result<Self, ValueError> {
                value
                    .to_i128()
                    .and_then(|v| <$t>::try_from(v).ok())
                    .ok_or_else(|| value.out_of_range(stringify!($t)))
            }
        }
    )*};
}

integer_conversions!(i8, i16, i32, i64, i128, u8, u16, u32, u64);

impl From<u128> for Integer {
    /// The value of a `u128`, written canonically.
    fn from(value: u128) -> Self {
        Self::from_valid_text(value.to_string())
    }
}

impl TryFrom<&Integer> for u128 {
    type Error = ValueError;

    /// Fails when the value is negative or above `u128::MAX`.
    fn try_from(value: &Integer) -> Result<Self, ValueError> {
        if value.negative {
            return Err(value.out_of_range("u128"));
        }
        digits_to_u128(value.digits()).ok_or_else(|| value.out_of_range("u128"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsd::util::TestRng;
    use std::collections::hash_map::DefaultHasher;

    fn dec(s: &str) -> Decimal {
        Decimal::parse_lexical(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn int(s: &str) -> Integer {
        Integer::parse_lexical(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn hash_of<T: Hash>(v: &T) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    fn written<T: Lexical>(v: &T) -> String {
        let mut s = String::new();
        v.write_lexical(&mut s);
        s
    }

    #[test]
    fn decimal_keeps_lexical_form() {
        for s in ["+001.50", "-0", "0", "-.5", "5.", "12678967.543233", "+100000.00", "210", "-0.000"] {
            assert_eq!(written(&dec(s)), s);
            assert_eq!(dec(s).to_string(), s);
        }
        assert_eq!(written(&dec(" \t+001.50\n ")), "+001.50");
        let long = format!("-{}.{}", "9".repeat(500), "1".repeat(500));
        assert_eq!(dec(&long).as_str(), long);
    }

    #[test]
    fn decimal_rejects() {
        for bad in [
            "", " ", ".", "+", "-", "+.", "1..2", "1.2.3", "1e3", "1E3", "INF", "NaN", "1,5", "++1", "+-1", "1 000", "0x1", "١", "1.5 2",
            "1.-5", "- 1",
        ] {
            assert!(Decimal::parse_lexical(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Decimal::parse_lexical(" 1.2.3 ").expect_err("invalid").message(), "'1.2.3' is not a valid xs:decimal");
    }

    #[test]
    fn decimal_value_equality() {
        let groups: &[&[&str]] = &[
            &["1.0", "1", "+1", "01.000", "1.", "+0001.0"],
            &["1.50", "1.5", "+01.5", "001.5000"],
            &["-0", "0", "+0", "0.0", "-0.000", ".0", "-.0", "000"],
            &["0.5", ".5", "+.50", "00.5"],
            &["-12.25", "-012.250"],
        ];
        for group in groups {
            for a in *group {
                for b in *group {
                    assert_eq!(dec(a), dec(b), "{a} == {b}");
                    assert_eq!(hash_of(&dec(a)), hash_of(&dec(b)), "hash {a} {b}");
                    assert_eq!(dec(a).cmp(&dec(b)), Ordering::Equal);
                }
            }
        }
        assert_ne!(dec("1.5"), dec("15"));
        assert_ne!(dec("1.5"), dec("-1.5"));
        assert_ne!(dec("0.15"), dec("1.5"));
        assert_ne!(dec("10"), dec("1"));
    }

    #[test]
    fn decimal_order() {
        let ascending = [
            "-100", "-99.99", "-10", "-1.5", "-1.05", "-1", "-0.5", "-0.05", "-0.0001", "0", "0.0001", "0.05", "0.5", "0.51", "1", "1.05",
            "1.5", "9.999", "10", "99.9", "100",
        ];
        for (i, a) in ascending.iter().enumerate() {
            for (j, b) in ascending.iter().enumerate() {
                assert_eq!(dec(a).cmp(&dec(b)), i.cmp(&j), "{a} vs {b}");
            }
        }
        assert_eq!(dec("100000000000000000000000000000001").cmp(&dec("99999999999999999999999999999999.9")), Ordering::Greater);
    }

    #[test]
    fn decimal_order_agrees_with_f64_on_random_values() {
        let mut rng = TestRng::new(11);
        let alphabet = ["0", "0", "1", "5", "9"];
        let make = |rng: &mut TestRng| {
            let sign = ["", "+", "-"][rng.below(3)];
            let int = rng.string_from(&alphabet, 3);
            let frac = rng.string_from(&alphabet, 3);
            if int.is_empty() && frac.is_empty() {
                format!("{sign}0")
            } else if frac.is_empty() {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac}")
            }
        };
        for _ in 0..20_000 {
            let (a, b) = (make(&mut rng), make(&mut rng));
            let (da, db) = (dec(&a), dec(&b));
            // With at most 3+3 digits, f64 comparison is exact.
            let expected = da.to_f64().partial_cmp(&db.to_f64()).expect("finite");
            assert_eq!(da.cmp(&db), expected, "{a} vs {b}");
            assert_eq!(da == db, expected == Ordering::Equal);
            if da == db {
                assert_eq!(hash_of(&da), hash_of(&db));
            }
            assert_eq!(dec(&da.canonical()), da, "{a}");
        }
    }

    #[test]
    fn decimal_canonical() {
        let cases = [
            ("+001.50", "1.5"),
            ("1", "1.0"),
            ("-0", "0.0"),
            ("0.000", "0.0"),
            (".5", "0.5"),
            ("5.", "5.0"),
            ("-012.2500", "-12.25"),
            ("100", "100.0"),
            ("-0.001", "-0.001"),
        ];
        for (s, canonical) in cases {
            assert_eq!(dec(s).canonical(), canonical, "{s}");
        }
    }

    #[test]
    fn decimal_digit_counts() {
        let cases = [
            ("0", 1, 0),
            ("-0.000", 1, 0),
            ("001.50", 2, 1),
            ("0.005", 3, 3),
            ("100", 3, 0),
            ("100.0", 3, 0),
            ("123.456", 6, 3),
            ("-.1", 1, 1),
            ("10.01", 4, 2),
        ];
        for (s, total, fraction) in cases {
            assert_eq!(dec(s).total_digits(), total, "total {s}");
            assert_eq!(dec(s).fraction_digits(), fraction, "fraction {s}");
        }
    }

    #[test]
    fn decimal_predicates_and_conversions() {
        assert!(dec("-0.1").is_negative());
        assert!(!dec("-0.0").is_negative());
        assert!(dec("-0.0").is_zero());
        assert!(!dec("0.01").is_zero());
        assert!(dec("2.000").is_integral());
        assert!(!dec("2.001").is_integral());
        assert_eq!(i64::try_from(&dec("-42.000")), Ok(-42));
        assert_eq!(i64::try_from(&dec("-9223372036854775808")), Ok(i64::MIN));
        assert_eq!(
            i64::try_from(&dec("9223372036854775808")).expect_err("range").message(),
            "xs:decimal value 9223372036854775808 is out of range for i64"
        );
        assert_eq!(i64::try_from(&dec("1.5")).expect_err("fraction").message(), "xs:decimal value 1.5 is not an integer");
        assert_eq!(i128::try_from(&dec("170141183460469231731687303715884105727")), Ok(i128::MAX));
        assert_eq!(i128::try_from(&dec("-170141183460469231731687303715884105728")), Ok(i128::MIN));
        assert!(i128::try_from(&dec("170141183460469231731687303715884105728")).is_err());
        assert_eq!(dec("1.5").to_f64(), 1.5);
        assert_eq!(dec("-.25").to_f64(), -0.25);
        assert_eq!(dec("5.").to_f64(), 5.0);
        assert_eq!(dec(&"9".repeat(400)).to_f64(), f64::INFINITY);
        assert_eq!(Decimal::from_i64(-42).as_str(), "-42");
        assert_eq!(Decimal::from_i64(i64::MIN), dec("-9223372036854775808"));
        assert_eq!(Decimal::from(0u8), dec("-0.0"));
        assert_eq!(Decimal::from(u128::MAX).as_str(), "340282366920938463463374607431768211455");
        assert_eq!(Decimal::default().as_str(), "0");
        assert_eq!(Decimal::from(int("+007")).as_str(), "+007");
        assert_eq!(Decimal::from(int("-0")), dec("0"));
        assert!(!Decimal::from(int("-0")).is_negative());
        assert_eq!(Integer::try_from(&dec("-0012.000")).map(|i| i.as_str().to_owned()), Ok("-12".to_owned()));
        assert_eq!(Integer::try_from(&dec("-0.0")).map(|i| i.as_str().to_owned()), Ok("0".to_owned()));
        assert!(Integer::try_from(&dec("0.1")).is_err());
        assert_eq!("1.25".parse::<Decimal>(), Ok(dec("1.250")));
        assert_eq!(format!("{:?}", dec("1.50")), "Decimal(\"1.50\")");
    }

    #[test]
    fn integer_lexical_and_value() {
        for s in ["0", "-0", "+0", "007", "-0042", "+1", &"1".repeat(300)] {
            assert_eq!(written(&int(s)), s);
        }
        assert_eq!(int(" \n-0042\t").as_str(), "-0042");
        for bad in ["", "+", "-", "1.0", "1.", ".1", "1e2", "--1", "1 2", "x", "١"] {
            assert!(Integer::parse_lexical(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Integer::parse_lexical("12a").expect_err("bad").message(), "'12a' is not a valid xs:integer");
        assert_eq!(int("007"), int("+7"));
        assert_eq!(int("-0"), int("0"));
        assert_eq!(hash_of(&int("-0")), hash_of(&int("+000")));
        assert_ne!(int("7"), int("-7"));
        let ascending = ["-1000", "-999", "-10", "-2", "-1", "0", "1", "2", "10", "999", "1000"];
        for (i, a) in ascending.iter().enumerate() {
            for (j, b) in ascending.iter().enumerate() {
                assert_eq!(int(a).cmp(&int(b)), i.cmp(&j), "{a} vs {b}");
            }
        }
        assert_eq!(int("-007").canonical(), "-7");
        assert_eq!(int("-0").canonical(), "0");
        assert_eq!(int("+000").canonical(), "0");
        assert_eq!(int("+010").canonical(), "10");
        assert_eq!(int("-0010").total_digits(), 2);
        assert_eq!(int("0").total_digits(), 1);
    }

    #[test]
    fn integer_sign_for_derived_types() {
        assert_eq!(int("-0").sign(), Ordering::Equal);
        assert_eq!(int("+0").sign(), Ordering::Equal);
        assert_eq!(int("000").sign(), Ordering::Equal);
        assert_eq!(int("-1").sign(), Ordering::Less);
        assert_eq!(int("+1").sign(), Ordering::Greater);
        assert_eq!(int("0001").sign(), Ordering::Greater);
        assert!(int("-5").is_negative() && !int("-5").is_zero() && !int("-5").is_positive());
        assert!(int("-0").is_zero() && !int("-0").is_negative());
        assert!(int("3").is_positive());
    }

    #[test]
    fn integer_conversions() {
        assert_eq!(i64::try_from(&int("-9223372036854775808")), Ok(i64::MIN));
        assert!(i64::try_from(&int("9223372036854775808")).is_err());
        assert_eq!(u64::try_from(&int("+18446744073709551615")), Ok(u64::MAX));
        assert_eq!(u64::try_from(&int("-0")), Ok(0));
        assert_eq!(u64::try_from(&int("-1")).expect_err("negative").message(), "xs:integer value -1 is out of range for u64");
        assert_eq!(i8::try_from(&int("-128")), Ok(-128));
        assert!(i8::try_from(&int("128")).is_err());
        assert_eq!(i128::try_from(&int("-170141183460469231731687303715884105728")), Ok(i128::MIN));
        assert!(i128::try_from(&int("170141183460469231731687303715884105728")).is_err());
        assert_eq!(u128::try_from(&int("340282366920938463463374607431768211455")), Ok(u128::MAX));
        assert!(u128::try_from(&int("340282366920938463463374607431768211456")).is_err());
        assert!(u128::try_from(&int("-1")).is_err());
        assert!(u128::try_from(&int(&"9".repeat(60))).is_err());
        assert_eq!(Integer::from(-5i64).as_str(), "-5");
        assert_eq!(Integer::from(i128::MIN).as_str(), "-170141183460469231731687303715884105728");
        assert_eq!(Integer::from(u64::MAX), int("18446744073709551615"));
        assert_eq!(Integer::from(0u8).sign(), Ordering::Equal);
        assert_eq!(Integer::default(), int("-0"));
        assert_eq!(int("12").to_f64(), 12.0);
        assert_eq!("+5".parse::<Integer>(), Ok(int("5")));
        assert_eq!(format!("{:?}", int("+5")), "Integer(\"+5\")");
    }

    #[test]
    fn integer_agrees_with_i64_on_random_values() {
        let mut rng = TestRng::new(5);
        for _ in 0..20_000 {
            let (a, b) = (rng.next_u64() as i64 >> rng.below(63), rng.next_u64() as i64 >> rng.below(63));
            let (ia, ib) = (Integer::from(a), Integer::from(b));
            assert_eq!(ia.cmp(&ib), a.cmp(&b));
            assert_eq!(i64::try_from(&ia), Ok(a));
            assert_eq!(Decimal::from(a).cmp(&Decimal::from(b)), a.cmp(&b));
            assert_eq!(ia.sign(), a.cmp(&0));
        }
    }

    #[test]
    fn never_panics_on_random_input() {
        let alphabet = ["0", "1", "9", ".", "+", "-", " ", "\t", "e", "é", "\u{10000}"];
        let mut rng = TestRng::new(99);
        for _ in 0..20_000 {
            let s = rng.string_from(&alphabet, 8);
            if let Ok(d) = Decimal::parse_lexical(&s) {
                assert_eq!(d.as_str(), trim_ws(&s));
                assert_eq!(dec(&d.canonical()), d);
                let _ = (d.total_digits(), d.fraction_digits(), i64::try_from(&d), d.to_f64());
            }
            if let Ok(i) = Integer::parse_lexical(&s) {
                assert_eq!(i.as_str(), trim_ws(&s));
                assert_eq!(int(&i.canonical()), i);
                assert_eq!(Decimal::parse_lexical(&s).ok(), Some(Decimal::from(i.clone())));
            }
        }
    }
}
