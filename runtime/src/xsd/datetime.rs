//! The date and time datatypes: `xs:dateTime`, `xs:date`, `xs:time`, `xs:gYear`,
//! `xs:gYearMonth`, `xs:gMonth`, `xs:gMonthDay` and `xs:gDay`.
//!
//! Each type validates its lexical form fully and keeps it, so writing a parsed value
//! reproduces the (whitespace-collapsed) input exactly, including the time-zone spelling
//! (`Z` vs `+00:00`) and the number of fractional-second digits.
//!
//! # Lexical rules (XSD 1.0 second edition)
//!
//! * Years have at least four digits, may be negative, and have no leading zeros beyond four
//!   digits (`0999`, `12345`, `-0001` are valid, `01999` is not). Year `0000` does not exist in
//!   XSD 1.0 and is rejected. Years are limited to the range of `i64`.
//! * Months are `01`–`12`; days must exist in the month (`29` in February only in leap years;
//!   a year is a leap year when the Gregorian formula holds for the year *number*, as in
//!   XSD 1.0 Appendix E, so `-0004` and `2000` are leap years and `-0001` and `1900` are not).
//!   For `gMonthDay` any leap year is possible, so `--02-29` is valid; `gDay` accepts `01`–`31`.
//! * Times are `hh:mm:ss` with an optional fraction of any length (`.5`, `.000000001`,
//!   `.123456789012`); `24:00:00` (with an all-zero fraction, if any) is the end of the day.
//!   Leap seconds (`60`) are not allowed.
//! * The optional time zone is `Z` or `±hh:mm` within `-14:00`…`+14:00`.
//! * `gMonth` also accepts the `--MM--` form of the first edition of XSD 1.0, still produced by
//!   some toolkits (.NET among them); it is kept as written.
//!
//! # Value comparison
//!
//! Values are compared on the timeline as specified by XSD Part 2 §3.2.7.4: a value with a time
//! zone is normalized to UTC; two values both with or both without a time zone are totally
//! ordered; between a value with and a value without a time zone the order is determined only
//! when they are more than 14 hours apart, otherwise they are incomparable (`None`). Types that
//! lack some fields are placed on the timeline by their first instant, using reference values
//! for missing fields (year 1972, December, day 31 for `time`, day 1 for `gYear`/`gYearMonth`/
//! `gMonth`), so `--12-31` and `--01-01` compare as in the same (leap) year, and
//! `23:00:00-05:00` is greater than `03:00:00Z`.
//!
//! `PartialEq`/`Eq`/`Hash` are by value, consistent with [`DateTime::partial_cmp_value`]:
//! `2000-01-01T12:00:00Z == 2000-01-01T13:00:00+01:00`, `…T24:00:00 == next day …T00:00:00`,
//! `12:00:00.50 == 12:00:00.5`; a value with a time zone never equals one without. `PartialOrd`
//! is the same partial order. Use `lexical_eq` to compare spellings.
//!
//! Year numbers are used as astronomical year numbers for all timeline arithmetic (as in
//! XSD 1.0 Appendix E and XSD 1.1), so `-0001-12-31` is followed by the (not representable)
//! year zero and then by `0001-01-01`; this only matters for conversions to Unix time and for
//! comparisons within 14 hours of the start of year 1.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::time::{Duration as StdDuration, SystemTime, UNIX_EPOCH};

use super::util::{invalid_because, trim_ws};
use super::{Lexical, ValueError};

const SECONDS_PER_DAY: i128 = 86_400;
/// The largest allowed time-zone offset, in minutes (14:00).
const MAX_TZ_MINUTES: i16 = 14 * 60;
/// 14 hours, the bound of the indeterminacy window of §3.2.7.4.
const FOURTEEN_HOURS: i128 = 14 * 3600;
/// The reference year for types without a year (a leap year, so `--02-29` has an instant).
const REFERENCE_YEAR: i64 = 1972;

const MONTH_NAMES: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// Whether `year` is a leap year in the proleptic Gregorian calendar (year numbers as given).
pub(crate) fn is_leap_year(year: i128) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// The number of days in `month` (1–12) of `year`.
pub(crate) fn days_in_month(year: i128, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (astronomical year numbers).
pub(crate) fn days_from_civil(year: i128, month: u8, day: u8) -> i128 {
    let (month, day) = (i128::from(month), i128::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01.
pub(crate) fn civil_from_days(days: i128) -> (i128, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

/// Compares two instants given as whole seconds and fraction digits without trailing zeros.
fn cmp_instant(a: (i128, &str), b: (i128, &str)) -> Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1))
}

/// The order relation of XSD Part 2 §3.2.7.4 between two values given as local timeline
/// positions (seconds, fraction) and optional time zones.
fn cmp_timeline(p: (i128, &str), p_zoned: bool, q: (i128, &str), q_zoned: bool) -> Option<Ordering> {
    match (p_zoned, q_zoned) {
        (true, true) | (false, false) => Some(cmp_instant(p, q)),
        (true, false) => {
            // Q could be anywhere from Q+14:00 (earliest) to Q-14:00 (latest).
            if cmp_instant(p, (q.0 - FOURTEEN_HOURS, q.1)) == Ordering::Less {
                Some(Ordering::Less)
            } else if cmp_instant(p, (q.0 + FOURTEEN_HOURS, q.1)) == Ordering::Greater {
                Some(Ordering::Greater)
            } else {
                None
            }
        }
        (false, true) => cmp_timeline(q, q_zoned, p, p_zoned).map(Ordering::reverse),
    }
}

/// Which datatype a [`Temporal`] is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    DateTime,
    Date,
    Time,
    GYear,
    GYearMonth,
    GMonth,
    GMonthDay,
    GDay,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::DateTime => "dateTime",
            Kind::Date => "date",
            Kind::Time => "time",
            Kind::GYear => "gYear",
            Kind::GYearMonth => "gYearMonth",
            Kind::GMonth => "gMonth",
            Kind::GMonthDay => "gMonthDay",
            Kind::GDay => "gDay",
        }
    }

    /// The expected shape, for error messages.
    fn shape(self) -> &'static str {
        match self {
            Kind::DateTime => "expected YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm]",
            Kind::Date => "expected YYYY-MM-DD[Z|(+|-)hh:mm]",
            Kind::Time => "expected hh:mm:ss[.fff][Z|(+|-)hh:mm]",
            Kind::GYear => "expected YYYY[Z|(+|-)hh:mm]",
            Kind::GYearMonth => "expected YYYY-MM[Z|(+|-)hh:mm]",
            Kind::GMonth => "expected --MM[Z|(+|-)hh:mm]",
            Kind::GMonthDay => "expected --MM-DD[Z|(+|-)hh:mm]",
            Kind::GDay => "expected ---DD[Z|(+|-)hh:mm]",
        }
    }

    fn has_year(self) -> bool {
        matches!(self, Kind::DateTime | Kind::Date | Kind::GYear | Kind::GYearMonth)
    }

    fn has_time(self) -> bool {
        matches!(self, Kind::DateTime | Kind::Time)
    }
}

/// The fields of a temporal value. Fields the datatype lacks hold the reference values used to
/// place it on the timeline.
#[derive(Clone, Copy, Debug)]
struct Fields {
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    /// The fraction digits (after `.`) are `text[frac_start..frac_start + frac_len]`.
    frac_start: usize,
    frac_len: usize,
    /// Offset from UTC in minutes.
    tz: Option<i16>,
}

/// A byte cursor over a lexical form; all grammar characters are ASCII.
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Exactly two digits.
    fn two_digits(&mut self) -> Option<u8> {
        let (a, b) = (*self.b.get(self.pos)?, *self.b.get(self.pos + 1)?);
        if a.is_ascii_digit() && b.is_ascii_digit() {
            self.pos += 2;
            Some((a - b'0') * 10 + (b - b'0'))
        } else {
            None
        }
    }

    /// A run of digits, returned as `start..end`.
    fn digits(&mut self) -> (usize, usize) {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        (start, self.pos)
    }
}

/// Why a lexical form was rejected: either a shape mismatch or a specific reason.
enum Reject {
    Shape,
    Reason(String),
}

impl From<String> for Reject {
    fn from(reason: String) -> Self {
        Reject::Reason(reason)
    }
}

/// Parses the lexical form `s` (already whitespace-collapsed) of the datatype `kind`.
fn scan(kind: Kind, s: &str) -> Result<Fields, Reject> {
    let mut c = Cursor { b: s.as_bytes(), pos: 0 };
    let mut f = Fields {
        year: REFERENCE_YEAR,
        month: 12,
        day: if kind == Kind::Time || kind == Kind::GDay { 31 } else { 1 },
        hour: 0,
        minute: 0,
        second: 0,
        frac_start: 0,
        frac_len: 0,
        tz: None,
    };
    if kind.has_year() {
        f.year = scan_year(&mut c, s)?;
    }
    match kind {
        Kind::DateTime | Kind::Date | Kind::GYearMonth => {
            if !c.eat(b'-') {
                return Err(Reject::Shape);
            }
            f.month = c.two_digits().ok_or(Reject::Shape)?;
        }
        Kind::GMonth | Kind::GMonthDay => {
            if !(c.eat(b'-') && c.eat(b'-')) {
                return Err(Reject::Shape);
            }
            f.month = c.two_digits().ok_or(Reject::Shape)?;
        }
        Kind::GYear => f.month = 1,
        Kind::Time | Kind::GDay => {}
    }
    if !(1..=12).contains(&f.month) {
        return Err(format!("month {:02} out of range", f.month).into());
    }
    match kind {
        Kind::DateTime | Kind::Date | Kind::GMonthDay => {
            if !c.eat(b'-') {
                return Err(Reject::Shape);
            }
            f.day = c.two_digits().ok_or(Reject::Shape)?;
        }
        Kind::GDay => {
            if !(c.eat(b'-') && c.eat(b'-') && c.eat(b'-')) {
                return Err(Reject::Shape);
            }
            f.day = c.two_digits().ok_or(Reject::Shape)?;
        }
        Kind::GMonth => {
            // The first-edition form `--MM--`, when followed by the end or a time zone.
            let rest = &c.b[c.pos..];
            if rest.starts_with(b"--") && matches!(rest.get(2), None | Some(b'Z' | b'+' | b'-')) {
                c.pos += 2;
            }
        }
        _ => {}
    }
    let max_day = days_in_month(i128::from(f.year), f.month);
    if f.day == 0 || f.day > max_day {
        let month = MONTH_NAMES[usize::from(f.month - 1)];
        return Err(match kind {
            Kind::GDay => format!("day {:02} out of range", f.day),
            Kind::GMonthDay => format!("day {:02} out of range for {month}", f.day),
            _ => format!("day {:02} out of range for {month} {}", f.day, format_year(f.year)),
        }
        .into());
    }
    if kind == Kind::DateTime && !c.eat(b'T') {
        return Err(Reject::Shape);
    }
    if kind.has_time() {
        f.hour = c.two_digits().ok_or(Reject::Shape)?;
        if !c.eat(b':') {
            return Err(Reject::Shape);
        }
        f.minute = c.two_digits().ok_or(Reject::Shape)?;
        if !c.eat(b':') {
            return Err(Reject::Shape);
        }
        f.second = c.two_digits().ok_or(Reject::Shape)?;
        if c.eat(b'.') {
            let (start, end) = c.digits();
            if start == end {
                return Err("the fractional seconds have no digits".to_owned().into());
            }
            f.frac_start = start;
            f.frac_len = end - start;
        }
        if f.hour > 24 {
            return Err(format!("hour {:02} out of range", f.hour).into());
        }
        if f.minute > 59 {
            return Err(format!("minute {:02} out of range", f.minute).into());
        }
        if f.second > 59 {
            return Err(format!("second {:02} out of range", f.second).into());
        }
        let frac_zero = s.as_bytes()[f.frac_start..f.frac_start + f.frac_len].iter().all(|&d| d == b'0');
        if f.hour == 24 && (f.minute != 0 || f.second != 0 || !frac_zero) {
            return Err("hour 24 is only allowed in 24:00:00".to_owned().into());
        }
        if f.hour == 24 && kind == Kind::Time {
            // A recurring time of day: 24:00:00 is the same instant as 00:00:00 (as in
            // XSD 1.1), so place it at the start of the reference day.
            f.day -= 1;
        }
    }
    if c.pos < c.b.len() {
        f.tz = Some(scan_timezone(&mut c)?);
    }
    if c.pos != c.b.len() {
        return Err(Reject::Shape);
    }
    Ok(f)
}

/// Parses `-?YYYY+` with the XSD 1.0 restrictions.
fn scan_year(c: &mut Cursor<'_>, s: &str) -> Result<i64, Reject> {
    let negative = c.eat(b'-');
    let (start, end) = c.digits();
    let digits = &s[start..end];
    if digits.len() < 4 {
        return Err(Reject::Shape);
    }
    if digits.len() > 4 && digits.starts_with('0') {
        return Err("a year with more than four digits must not have leading zeros".to_owned().into());
    }
    let magnitude = digits
        .bytes()
        .try_fold(0i64, |acc, d| acc.checked_mul(10)?.checked_add(i64::from(d - b'0')))
        .ok_or_else(|| "year out of the supported range".to_owned())?;
    if magnitude == 0 {
        return Err("year 0000 is not allowed in XSD 1.0".to_owned().into());
    }
    Ok(if negative { -magnitude } else { magnitude })
}

/// Parses `Z` or `(+|-)hh:mm` at the cursor, returning the offset in minutes.
fn scan_timezone(c: &mut Cursor<'_>) -> Result<i16, Reject> {
    if c.eat(b'Z') {
        return Ok(0);
    }
    let sign: i16 = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(Reject::Shape);
    };
    let hours = c.two_digits().ok_or(Reject::Shape)?;
    if !c.eat(b':') {
        return Err(Reject::Shape);
    }
    let minutes = c.two_digits().ok_or(Reject::Shape)?;
    let total = i16::from(hours) * 60 + i16::from(minutes);
    if minutes > 59 || total > MAX_TZ_MINUTES {
        let sign = if sign < 0 { '-' } else { '+' };
        return Err(format!("time zone {sign}{hours:02}:{minutes:02} out of range (-14:00 to +14:00)").into());
    }
    Ok(sign * total)
}

/// Formats a year for messages and lexical forms: at least four digits, `-` when negative.
fn format_year(year: impl Into<i128>) -> String {
    let mut s = String::new();
    write_year(&mut s, year.into());
    s
}

fn write_year(out: &mut String, year: i128) {
    if year < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:04}", year.unsigned_abs());
}

fn write_timezone(out: &mut String, tz: Option<i16>) {
    match tz {
        None => {}
        Some(0) => out.push('Z'),
        Some(minutes) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            let _ = write!(out, "{sign}{:02}:{:02}", m / 60, m % 60);
        }
    }
}

/// Appends `.ddd` for a nanosecond count, without trailing zeros (nothing for zero).
fn write_nanos(out: &mut String, nanos: u32) {
    if nanos != 0 {
        let start = out.len();
        let _ = write!(out, ".{nanos:09}");
        let trimmed = out[start..].trim_end_matches('0').len();
        out.truncate(start + trimmed);
    }
}

/// Checks a time-zone offset given to a constructor.
fn check_tz_arg(kind: Kind, tz: Option<i16>) -> Result<(), ValueError> {
    match tz {
        Some(m) if !(-MAX_TZ_MINUTES..=MAX_TZ_MINUTES).contains(&m) => {
            Err(ValueError::new(format!("invalid xs:{}: time-zone offset {m} minutes out of range (-840 to 840)", kind.name())))
        }
        _ => Ok(()),
    }
}

/// The shared representation of the date/time types: the lexical form and its fields.
#[derive(Clone)]
struct Temporal {
    text: Box<str>,
    f: Fields,
}

impl Temporal {
    fn parse(kind: Kind, text: &str) -> Result<Self, ValueError> {
        let s = trim_ws(text);
        Self::from_text(kind, s, s.into())
    }

    /// Builds from `s` (used for the error message) and `text` (the same content, to keep).
    fn from_text(kind: Kind, s: &str, text: Box<str>) -> Result<Self, ValueError> {
        match scan(kind, s) {
            Ok(f) => Ok(Self { text, f }),
            Err(Reject::Shape) => Err(invalid_because(s, kind.name(), kind.shape())),
            Err(Reject::Reason(reason)) => Err(invalid_because(s, kind.name(), reason)),
        }
    }

    /// Validates a constructed lexical form and keeps it.
    fn from_string(kind: Kind, text: String) -> Result<Self, ValueError> {
        let boxed: Box<str> = text.into_boxed_str();
        let f = match scan(kind, &boxed) {
            Ok(f) => f,
            Err(Reject::Shape) => return Err(invalid_because(&boxed, kind.name(), kind.shape())),
            Err(Reject::Reason(reason)) => {
                return Err(invalid_because(&boxed, kind.name(), reason));
            }
        };
        Ok(Self { text: boxed, f })
    }

    /// The fraction digits as written.
    fn fraction(&self) -> &str {
        &self.text[self.f.frac_start..self.f.frac_start + self.f.frac_len]
    }

    /// The fraction digits without trailing zeros.
    fn fraction_trimmed(&self) -> &str {
        self.fraction().trim_end_matches('0')
    }

    /// The fraction as nanoseconds (truncated beyond nine digits).
    fn nanosecond(&self) -> u32 {
        let mut n = 0u32;
        for i in 0..9 {
            let d = self.fraction().as_bytes().get(i).map_or(0, |&d| u32::from(d - b'0'));
            n = n * 10 + d;
        }
        n
    }

    /// Seconds since 1970-01-01T00:00:00 of the local (un-normalized) first instant.
    fn local_seconds(&self) -> i128 {
        let f = &self.f;
        days_from_civil(i128::from(f.year), f.month, f.day) * SECONDS_PER_DAY
            + i128::from(f.hour) * 3600
            + i128::from(f.minute) * 60
            + i128::from(f.second)
    }

    /// The position on the timeline: UTC when there is a time zone, local otherwise.
    fn timeline_seconds(&self) -> i128 {
        self.local_seconds() - i128::from(self.f.tz.unwrap_or(0)) * 60
    }

    fn partial_cmp_value(&self, other: &Self) -> Option<Ordering> {
        cmp_timeline(
            (self.timeline_seconds(), self.fraction_trimmed()),
            self.f.tz.is_some(),
            (other.timeline_seconds(), other.fraction_trimmed()),
            other.f.tz.is_some(),
        )
    }

    fn hash_value<H: Hasher>(&self, state: &mut H) {
        self.f.tz.is_some().hash(state);
        self.timeline_seconds().hash(state);
        self.fraction_trimmed().hash(state);
    }
}

macro_rules! temporal_type {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $xsd:literal) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(Temporal);

        impl $name {
            /// The lexical form as parsed (after whitespace collapse) or as constructed.
            pub fn as_str(&self) -> &str {
                &self.0.text
            }

            /// The time-zone offset from UTC in minutes (`Some(0)` for `Z`), if any.
            pub fn timezone(&self) -> Option<i16> {
                self.0.f.tz
            }

            #[doc = concat!("Compares by value using the `xs:", $xsd, "` order relation (XSD Part 2 ",
                "§3.2.7.4); `None` when one value has a time zone, the other has none, and they are ",
                "within 14 hours of each other. See the [module docs](self).")]
            pub fn partial_cmp_value(&self, other: &Self) -> Option<Ordering> {
                self.0.partial_cmp_value(&other.0)
            }

            /// Whether the lexical forms are identical (`==` compares values).
            pub fn lexical_eq(&self, other: &Self) -> bool {
                self.0.text == other.0.text
            }
        }

        impl Lexical for $name {
            const XS_NAME: Option<&'static str> = Some($xsd);
            const PLAIN: bool = true;
            #[doc = concat!("Parses and validates an `xs:", $xsd, "` lexical form, keeping it.")]
            fn parse_lexical(text: &str) -> Result<Self, ValueError> {
                Temporal::parse($kind, text).map(Self)
            }

            /// Writes the lexical form exactly as parsed or constructed.
            fn write_lexical(&self, out: &mut String) {
                out.push_str(&self.0.text);
            }
        }

        impl PartialEq for $name {
            /// Value equality: `partial_cmp_value` returns `Some(Equal)`.
            fn eq(&self, other: &Self) -> bool {
                self.partial_cmp_value(other) == Some(Ordering::Equal)
            }
        }

        impl Eq for $name {}

        impl PartialOrd for $name {
            /// The XSD partial order; same as `partial_cmp_value`.
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                self.partial_cmp_value(other)
            }
        }

        impl Hash for $name {
            /// Hashes the value (consistent with `==`).
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.0.hash_value(state);
            }
        }

        impl fmt::Display for $name {
            /// Writes the lexical form.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0.text)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0.text)
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

temporal_type!(
    /// An `xs:dateTime`: `[-]YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm]`.
    ///
    /// Keeps its lexical form; `==` and `partial_cmp` compare values on the timeline (see the
    /// [module docs](self)).
    ///
    /// ```
    /// use soapkit::xsd::{DateTime, Lexical};
    /// let a = DateTime::parse_lexical("2000-01-01T12:00:00Z").unwrap();
    /// let b = DateTime::parse_lexical("2000-01-01T13:00:00+01:00").unwrap();
    /// assert_eq!(a, b);
    /// assert!(!a.lexical_eq(&b));
    /// assert_eq!(b.to_string(), "2000-01-01T13:00:00+01:00");
    /// assert_eq!(b.to_unix(), Some((946_728_000, 0)));
    /// ```
    DateTime,
    Kind::DateTime,
    "dateTime"
);

temporal_type!(
    /// An `xs:date`: `[-]YYYY-MM-DD[Z|(+|-)hh:mm]`, compared by its first instant.
    Date,
    Kind::Date,
    "date"
);

temporal_type!(
    /// An `xs:time`: `hh:mm:ss[.fff][Z|(+|-)hh:mm]`, a recurring instant of every day.
    ///
    /// For comparison, values are placed on the reference day 1972-12-31 before normalization
    /// to UTC, so `23:00:00-05:00` (04:00 UTC the next day) is greater than `03:00:00Z`.
    /// `24:00:00` denotes the same value as `00:00:00` (as in XSD 1.1), although
    /// [`Time::hour`] reports the 24 that was written.
    Time,
    Kind::Time,
    "time"
);

temporal_type!(
    /// An `xs:gYear`: `[-]YYYY[Z|(+|-)hh:mm]`.
    GYear,
    Kind::GYear,
    "gYear"
);

temporal_type!(
    /// An `xs:gYearMonth`: `[-]YYYY-MM[Z|(+|-)hh:mm]`.
    GYearMonth,
    Kind::GYearMonth,
    "gYearMonth"
);

temporal_type!(
    /// An `xs:gMonth`: `--MM[Z|(+|-)hh:mm]` (the first-edition `--MM--` is accepted and kept).
    GMonth,
    Kind::GMonth,
    "gMonth"
);

temporal_type!(
    /// An `xs:gMonthDay`: `--MM-DD[Z|(+|-)hh:mm]` (`--02-29` is valid).
    GMonthDay,
    Kind::GMonthDay,
    "gMonthDay"
);

temporal_type!(
    /// An `xs:gDay`: `---DD[Z|(+|-)hh:mm]`.
    GDay,
    Kind::GDay,
    "gDay"
);

/// Accessors shared by the types that have the named field.
macro_rules! accessors {
    ($name:ident: $($field:ident),*) => {
        impl $name {
            $(accessors!(@one $field);)*
        }
    };
    (@one year) => {
        /// The year (negative before year 1; never 0).
        pub fn year(&self) -> i64 {
            self.0.f.year
        }
    };
    (@one month) => {
        /// The month, 1–12.
        pub fn month(&self) -> u8 {
            self.0.f.month
        }
    };
    (@one day) => {
        /// The day of the month, 1–31.
        pub fn day(&self) -> u8 {
            self.0.f.day
        }
    };
    (@one time) => {
        /// The hour, 0–24 (24 only in `24:00:00`).
        pub fn hour(&self) -> u8 {
            self.0.f.hour
        }

        /// The minute, 0–59.
        pub fn minute(&self) -> u8 {
            self.0.f.minute
        }

        /// The whole seconds, 0–59.
        pub fn second(&self) -> u8 {
            self.0.f.second
        }

        /// The fractional-second digits as written (`"500"` for `:00.500`; empty if none).
        pub fn fraction(&self) -> &str {
            self.0.fraction()
        }

        /// The fractional seconds in nanoseconds; digits beyond the ninth are truncated.
        pub fn nanosecond(&self) -> u32 {
            self.0.nanosecond()
        }
    };
}

accessors!(DateTime: year, month, day, time);
accessors!(Date: year, month, day);
accessors!(Time: time);
accessors!(GYear: year);
accessors!(GYearMonth: year, month);
accessors!(GMonth: month);
accessors!(GMonthDay: month, day);
accessors!(GDay: day);

/// Writes `hh:mm:ss[.fff]` for whole seconds within a day and trimmed fraction digits.
fn write_time_of_day(out: &mut String, seconds_of_day: i128, fraction: &str) {
    let _ = write!(out, "{:02}:{:02}:{:02}", seconds_of_day / 3600, seconds_of_day / 60 % 60, seconds_of_day % 60);
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
}

impl DateTime {
    /// Builds a `dateTime` from its components, written canonically:
    /// `YYYY-MM-DDThh:mm:ss[.fff]` with the fraction's trailing zeros removed, then `Z` for
    /// offset 0 or `±hh:mm` for other offsets (the offset is kept, not normalized away).
    ///
    /// Fails if any component is out of range (`nanosecond` must be below 10⁹, `timezone`
    /// within ±840 minutes, the day must exist, `hour` 24 only with zero minutes, seconds and
    /// nanoseconds, year not 0).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        year: i64,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        nanosecond: u32,
        timezone: Option<i16>,
    ) -> Result<Self, ValueError> {
        check_tz_arg(Kind::DateTime, timezone)?;
        if nanosecond >= 1_000_000_000 {
            return Err(ValueError::new(format!("invalid xs:dateTime: nanosecond {nanosecond} out of range")));
        }
        let mut s = String::with_capacity(32);
        write_year(&mut s, i128::from(year));
        let _ = write!(s, "-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
        write_nanos(&mut s, nanosecond);
        write_timezone(&mut s, timezone);
        Temporal::from_string(Kind::DateTime, s).map(Self)
    }

    /// The instant `secs` seconds plus `nanos` nanoseconds after 1970-01-01T00:00:00Z, written
    /// `YYYY-MM-DDThh:mm:ss[.fff]Z` (fraction without trailing zeros).
    ///
    /// Fails if `nanos` is not below 10⁹ or the instant falls in the year before 0001, which has
    /// no XSD 1.0 representation.
    pub fn from_unix(secs: i64, nanos: u32) -> Result<Self, ValueError> {
        if nanos >= 1_000_000_000 {
            return Err(ValueError::new(format!("invalid xs:dateTime: nanosecond {nanos} out of range")));
        }
        let secs = i128::from(secs);
        let (year, month, day) = civil_from_days(secs.div_euclid(SECONDS_PER_DAY));
        if year == 0 {
            return Err(ValueError::new("invalid xs:dateTime: the instant falls in year 0000, which XSD 1.0 does not allow"));
        }
        let mut s = String::with_capacity(32);
        write_year(&mut s, year);
        let _ = write!(s, "-{month:02}-{day:02}T");
        write_time_of_day(&mut s, secs.rem_euclid(SECONDS_PER_DAY), "");
        write_nanos(&mut s, nanos);
        s.push('Z');
        Temporal::from_string(Kind::DateTime, s).map(Self)
    }

    /// The current time, as [`DateTime::from_system_time`] of [`SystemTime::now`].
    pub fn now() -> Result<Self, ValueError> {
        Self::from_system_time(SystemTime::now())
    }

    /// The given system time in UTC (see [`DateTime::from_unix`]).
    pub fn from_system_time(time: SystemTime) -> Result<Self, ValueError> {
        let (secs, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).ok(), after.subsec_nanos()),
            Err(before) => {
                let d = before.duration();
                let secs = i64::try_from(d.as_secs()).ok().map(|s| -s);
                match d.subsec_nanos() {
                    0 => (secs, 0),
                    n => (secs.and_then(|s| s.checked_sub(1)), 1_000_000_000 - n),
                }
            }
        };
        let secs = secs.ok_or_else(|| ValueError::new("invalid xs:dateTime: system time out of range"))?;
        Self::from_unix(secs, nanos)
    }

    /// Seconds and nanoseconds since 1970-01-01T00:00:00Z (seconds may be negative;
    /// nanoseconds are in `0..10⁹`, truncated beyond nine fraction digits).
    ///
    /// `None` when the value has no time zone (it is not an instant) or the seconds do not
    /// fit in `i64`.
    pub fn to_unix(&self) -> Option<(i64, u32)> {
        self.0.f.tz?;
        let secs = i64::try_from(self.0.timeline_seconds()).ok()?;
        Some((secs, self.0.nanosecond()))
    }

    /// The instant as a [`SystemTime`]; `None` without a time zone or when out of the range of
    /// `SystemTime`.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let (secs, nanos) = self.to_unix()?;
        if secs >= 0 {
            UNIX_EPOCH.checked_add(StdDuration::new(secs.unsigned_abs(), nanos))
        } else {
            UNIX_EPOCH.checked_sub(StdDuration::from_secs(secs.unsigned_abs()))?.checked_add(StdDuration::from_nanos(u64::from(nanos)))
        }
    }

    /// The XSD canonical representation: a value with a time zone is normalized to UTC and
    /// written with `Z`; `24:00:00` becomes `00:00:00` of the next day; the fraction loses its
    /// trailing zeros (and the `.` if nothing remains); the year has at least four digits.
    ///
    /// When normalization crosses into year zero (only possible within 14 hours of
    /// 0001-01-01T00:00:00), the year is written `0000`, the XSD 1.1 form of that instant.
    pub fn canonical(&self) -> String {
        let seconds = self.0.timeline_seconds();
        let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
        let mut s = String::with_capacity(self.0.text.len() + 2);
        write_year(&mut s, year);
        let _ = write!(s, "-{month:02}-{day:02}T");
        write_time_of_day(&mut s, seconds.rem_euclid(SECONDS_PER_DAY), self.0.fraction_trimmed());
        if self.0.f.tz.is_some() {
            s.push('Z');
        }
        s
    }
}

impl Date {
    /// Builds a `date` written `YYYY-MM-DD` plus the time zone (`Z` for 0, `±hh:mm` otherwise).
    pub fn new(year: i64, month: u8, day: u8, timezone: Option<i16>) -> Result<Self, ValueError> {
        check_tz_arg(Kind::Date, timezone)?;
        let mut s = String::with_capacity(16);
        write_year(&mut s, i128::from(year));
        let _ = write!(s, "-{month:02}-{day:02}");
        write_timezone(&mut s, timezone);
        Temporal::from_string(Kind::Date, s).map(Self)
    }
}

impl Time {
    /// Builds a `time` written `hh:mm:ss[.fff]` (fraction without trailing zeros) plus the time
    /// zone (`Z` for 0, `±hh:mm` otherwise).
    pub fn new(hour: u8, minute: u8, second: u8, nanosecond: u32, timezone: Option<i16>) -> Result<Self, ValueError> {
        check_tz_arg(Kind::Time, timezone)?;
        if nanosecond >= 1_000_000_000 {
            return Err(ValueError::new(format!("invalid xs:time: nanosecond {nanosecond} out of range")));
        }
        let mut s = String::with_capacity(24);
        let _ = write!(s, "{hour:02}:{minute:02}:{second:02}");
        write_nanos(&mut s, nanosecond);
        write_timezone(&mut s, timezone);
        Temporal::from_string(Kind::Time, s).map(Self)
    }

    /// The canonical representation: normalized to UTC and written with `Z` when there is a
    /// time zone, `24:00:00` as `00:00:00`, fraction without trailing zeros.
    pub fn canonical(&self) -> String {
        let mut s = String::with_capacity(self.0.text.len());
        write_time_of_day(&mut s, self.0.timeline_seconds().rem_euclid(SECONDS_PER_DAY), self.0.fraction_trimmed());
        if self.0.f.tz.is_some() {
            s.push('Z');
        }
        s
    }
}

impl GYear {
    /// Builds a `gYear` written `YYYY` plus the time zone.
    pub fn new(year: i64, timezone: Option<i16>) -> Result<Self, ValueError> {
        check_tz_arg(Kind::GYear, timezone)?;
        let mut s = String::with_capacity(16);
        write_year(&mut s, i128::from(year));
        write_timezone(&mut s, timezone);
        Temporal::from_string(Kind::GYear, s).map(Self)
    }
}

impl GYearMonth {
    /// Builds a `gYearMonth` written `YYYY-MM` plus the time zone.
    pub fn new(year: i64, month: u8, timezone: Option<i16>) -> Result<Self, ValueError> {
        check_tz_arg(Kind::GYearMonth, timezone)?;
        let mut s = String::with_capacity(16);
        write_year(&mut s, i128::from(year));
        let _ = write!(s, "-{month:02}");
        write_timezone(&mut s, timezone);
        Temporal::from_string(Kind::GYearMonth, s).map(Self)
    }
}

impl GMonth {
    /// Builds a `gMonth` written `--MM` plus the time zone.
    pub fn new(month: u8, timezone: Option<i16>) -> Result<Self, ValueError> {
        check_tz_arg(Kind::GMonth, timezone)?;
        let mut s = format!("--{month:02}");
        write_timezone(&mut s, timezone);
        Temporal::from_string(Kind::GMonth, s).map(Self)
    }
}

impl GMonthDay {
    /// Builds a `gMonthDay` written `--MM-DD` plus the time zone.
    pub fn new(month: u8, day: u8, timezone: Option<i16>) -> Result<Self, ValueError> {
        check_tz_arg(Kind::GMonthDay, timezone)?;
        let mut s = format!("--{month:02}-{day:02}");
        write_timezone(&mut s, timezone);
        Temporal::from_string(Kind::GMonthDay, s).map(Self)
    }
}

impl GDay {
    /// Builds a `gDay` written `---DD` plus the time zone.
    pub fn new(day: u8, timezone: Option<i16>) -> Result<Self, ValueError> {
        check_tz_arg(Kind::GDay, timezone)?;
        let mut s = format!("---{day:02}");
        write_timezone(&mut s, timezone);
        Temporal::from_string(Kind::GDay, s).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsd::util::TestRng;
    use std::collections::hash_map::DefaultHasher;

    fn dt(s: &str) -> DateTime {
        DateTime::parse_lexical(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn date(s: &str) -> Date {
        Date::parse_lexical(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn time(s: &str) -> Time {
        Time::parse_lexical(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn err<T: Lexical + fmt::Debug>(s: &str) -> String {
        T::parse_lexical(s).expect_err(s).message().to_owned()
    }

    fn written<T: Lexical>(v: &T) -> String {
        let mut s = String::new();
        v.write_lexical(&mut s);
        s
    }

    fn hash_of<T: Hash>(v: &T) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    #[test]
    fn calendar_helpers() {
        assert!(is_leap_year(2000) && is_leap_year(2004) && is_leap_year(-4) && is_leap_year(0));
        assert!(!is_leap_year(1900) && !is_leap_year(2001) && !is_leap_year(-1) && !is_leap_year(-100));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        let mut rng = TestRng::new(8);
        for _ in 0..20_000 {
            let days = (rng.next_u64() as i64 >> 20) as i128;
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn datetime_valid_forms_round_trip() {
        for s in [
            "2013-02-28T12:34:56",
            "2013-02-28T12:34:56Z",
            "2013-02-28T12:34:56+00:00",
            "2013-02-28T12:34:56-00:00",
            "2013-02-28T12:34:56.5+05:30",
            "2000-02-29T00:00:00",
            "2004-02-29T23:59:59.999",
            "1900-02-28T00:00:00Z",
            "2000-01-01T24:00:00",
            "2000-01-01T24:00:00.000Z",
            "-0001-01-01T00:00:00",
            "-12345-06-07T08:09:10Z",
            "10000-01-01T00:00:00",
            "0001-01-01T00:00:00",
            "0999-12-31T23:59:59",
            "2000-01-01T00:00:00.000000001Z",
            "2000-01-01T00:00:00.1234567890123456789",
            "2000-01-01T00:00:00+14:00",
            "2000-01-01T00:00:00-14:00",
            "2000-01-01T00:00:00-13:59",
            "9223372036854775807-12-31T23:59:59Z",
            "-9223372036854775807-01-01T00:00:00Z",
        ] {
            assert_eq!(written(&dt(s)), s);
            assert_eq!(dt(&format!(" \n\t{s} \r\n")).as_str(), s);
        }
    }

    #[test]
    fn datetime_invalid_forms() {
        for bad in [
            "",
            "2013-02-28",
            "2013-02-28T12:34",
            "2013-02-28 12:34:56",
            "2013-02-28t12:34:56",
            "2013-2-28T12:34:56",
            "2013-02-8T12:34:56",
            "13-02-28T12:34:56",
            "013-02-28T12:34:56",
            "+2013-02-28T12:34:56",
            "2013-02-28T1:34:56",
            "2013-02-28T12:34:56.",
            "2013-02-28T12:34:56,5",
            "2013-02-28T12:34:56z",
            "2013-02-28T12:34:56+0100",
            "2013-02-28T12:34:56+1:00",
            "2013-02-28T12:34:56+01",
            "2013-02-28T12:34:56 Z",
            "2013-02-28T12:34:56ZZ",
            "2013-02-28T12:34:60",
            "2013-02-28T12:60:00",
            "2013-02-28T25:00:00",
            "2013-02-28T24:00:01",
            "2013-02-28T24:01:00",
            "2013-02-28T24:00:00.1",
            "2013-00-10T00:00:00",
            "2013-13-10T00:00:00",
            "2013-01-00T00:00:00",
            "2013-01-32T00:00:00",
            "2013-04-31T00:00:00",
            "2013-02-29T00:00:00",
            "1900-02-29T00:00:00",
            "-0001-02-29T00:00:00",
            "0000-01-01T00:00:00",
            "-0000-01-01T00:00:00",
            "01999-01-01T00:00:00",
            "--2000-01-01T00:00:00",
            "2000-01-01T00:00:00+14:01",
            "2000-01-01T00:00:00-14:01",
            "2000-01-01T00:00:00+15:00",
            "2000-01-01T00:00:00+01:60",
            "9223372036854775808-01-01T00:00:00",
            "２０００-01-01T00:00:00",
            "2000-01-01T00:00:00é",
        ] {
            assert!(DateTime::parse_lexical(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn datetime_error_messages() {
        assert_eq!(err::<Date>("2013-02-30"), "'2013-02-30' is not a valid xs:date: day 30 out of range for February 2013");
        assert_eq!(
            err::<DateTime>("1900-02-29T00:00:00"),
            "'1900-02-29T00:00:00' is not a valid xs:dateTime: day 29 out of range for February 1900"
        );
        assert_eq!(
            err::<DateTime>("2013-02-28 12:00:00"),
            "'2013-02-28 12:00:00' is not a valid xs:dateTime: expected YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm]"
        );
        assert_eq!(
            err::<DateTime>("0000-01-01T00:00:00"),
            "'0000-01-01T00:00:00' is not a valid xs:dateTime: year 0000 is not allowed in XSD 1.0"
        );
        assert_eq!(
            err::<DateTime>("2000-01-01T00:00:00+14:01"),
            "'2000-01-01T00:00:00+14:01' is not a valid xs:dateTime: time zone +14:01 out of range (-14:00 to +14:00)"
        );
        assert_eq!(
            err::<DateTime>("2000-01-01T24:00:01"),
            "'2000-01-01T24:00:01' is not a valid xs:dateTime: hour 24 is only allowed in 24:00:00"
        );
        assert_eq!(err::<Time>("12:61:00"), "'12:61:00' is not a valid xs:time: minute 61 out of range");
        assert_eq!(err::<Date>("2013-13-01"), "'2013-13-01' is not a valid xs:date: month 13 out of range");
        assert_eq!(err::<GYear>("02013"), "'02013' is not a valid xs:gYear: a year with more than four digits must not have leading zeros");
        assert_eq!(err::<GYear>("99999999999999999999"), "'99999999999999999999' is not a valid xs:gYear: year out of the supported range");
        assert_eq!(err::<GMonthDay>("--02-30"), "'--02-30' is not a valid xs:gMonthDay: day 30 out of range for February");
        assert_eq!(err::<GDay>("---32"), "'---32' is not a valid xs:gDay: day 32 out of range");
        assert_eq!(err::<Date>("-0001-02-29"), "'-0001-02-29' is not a valid xs:date: day 29 out of range for February -0001");
        assert_eq!(err::<Time>("12:00:00."), "'12:00:00.' is not a valid xs:time: the fractional seconds have no digits");
    }

    #[test]
    fn leap_years() {
        assert!(Date::parse_lexical("2000-02-29").is_ok());
        assert!(Date::parse_lexical("2004-02-29").is_ok());
        assert!(Date::parse_lexical("1900-02-29").is_err());
        assert!(Date::parse_lexical("2001-02-29").is_err());
        assert!(Date::parse_lexical("2100-02-29").is_err());
        assert!(Date::parse_lexical("2400-02-29").is_ok());
        assert!(Date::parse_lexical("-0004-02-29").is_ok());
        assert!(Date::parse_lexical("-0001-02-29").is_err());
        assert!(Date::parse_lexical("2004-02-30").is_err());
    }

    #[test]
    fn datetime_accessors() {
        let v = dt("-12345-06-07T08:09:10.1234567891+05:30");
        assert_eq!((v.year(), v.month(), v.day()), (-12345, 6, 7));
        assert_eq!((v.hour(), v.minute(), v.second()), (8, 9, 10));
        assert_eq!(v.fraction(), "1234567891");
        assert_eq!(v.nanosecond(), 123_456_789);
        assert_eq!(v.timezone(), Some(330));
        let v = dt("2000-01-01T00:00:00.5-14:00");
        assert_eq!((v.nanosecond(), v.fraction(), v.timezone()), (500_000_000, "5", Some(-840)));
        let v = dt("2000-01-01T00:00:00.000000001");
        assert_eq!((v.nanosecond(), v.timezone()), (1, None));
        assert_eq!(dt("2000-01-01T00:00:00Z").timezone(), Some(0));
        assert_eq!(dt("2000-01-01T00:00:00-00:00").timezone(), Some(0));
        assert_eq!(dt("2000-01-01T00:00:00").fraction(), "");
    }

    #[test]
    fn datetime_value_equality() {
        let equal_pairs = [
            ("2000-01-01T12:00:00Z", "2000-01-01T13:00:00+01:00"),
            ("2000-01-01T12:00:00Z", "2000-01-01T12:00:00+00:00"),
            ("2000-01-01T12:00:00Z", "2000-01-01T12:00:00-00:00"),
            ("2000-01-01T12:00:00Z", "1999-12-31T22:00:00-14:00"),
            ("2000-01-01T24:00:00", "2000-01-02T00:00:00"),
            ("1999-12-31T24:00:00Z", "2000-01-01T00:00:00.000Z"),
            ("2000-01-01T12:00:00.50", "2000-01-01T12:00:00.5"),
            ("2000-01-01T12:00:00.0", "2000-01-01T12:00:00"),
            ("2000-03-01T00:30:00+01:00", "2000-02-29T23:30:00Z"),
        ];
        for (a, b) in equal_pairs {
            assert_eq!(dt(a), dt(b), "{a} == {b}");
            assert_eq!(hash_of(&dt(a)), hash_of(&dt(b)), "hash {a} {b}");
            assert_eq!(dt(a).partial_cmp_value(&dt(b)), Some(Ordering::Equal));
        }
        assert!(!dt("2000-01-01T12:00:00Z").lexical_eq(&dt("2000-01-01T13:00:00+01:00")));
        assert!(dt("2000-01-01T12:00:00Z").lexical_eq(&dt(" 2000-01-01T12:00:00Z")));
        // A zoned value never equals an unzoned one, even with identical fields.
        assert_ne!(dt("2000-01-01T12:00:00Z"), dt("2000-01-01T12:00:00"));
        assert_ne!(dt("2000-01-01T12:00:00.1"), dt("2000-01-01T12:00:00.01"));
    }

    #[test]
    fn datetime_order_and_fourteen_hour_rule() {
        let lt = |a: &str, b: &str| {
            assert_eq!(dt(a).partial_cmp_value(&dt(b)), Some(Ordering::Less), "{a} < {b}");
            assert_eq!(dt(b).partial_cmp_value(&dt(a)), Some(Ordering::Greater), "{b} > {a}");
            assert!(dt(a) < dt(b));
        };
        let incomparable = |a: &str, b: &str| {
            assert_eq!(dt(a).partial_cmp_value(&dt(b)), None, "{a} <> {b}");
            assert_eq!(dt(b).partial_cmp_value(&dt(a)), None, "{b} <> {a}");
            assert_ne!(dt(a), dt(b));
            assert_eq!(dt(a).partial_cmp(&dt(b)), None);
            assert!(!dt(a).lt(&dt(b)) && !dt(a).gt(&dt(b)) && !dt(a).le(&dt(b)));
        };
        lt("2000-01-01T12:00:00Z", "2000-01-01T12:00:00.000000001Z");
        lt("2000-01-01T12:00:00.09Z", "2000-01-01T12:00:00.1Z");
        lt("2000-01-01T13:00:00+01:00", "2000-01-01T12:30:00Z");
        lt("-0001-12-31T23:59:59Z", "0001-01-01T00:00:00Z");
        lt("-10000-01-01T00:00:00", "-9999-01-01T00:00:00");
        lt("9999-12-31T23:59:59", "10000-01-01T00:00:00");
        lt("2000-01-01T23:59:59", "2000-01-01T24:00:00");
        // Examples from XSD Part 2 §3.2.7.4.
        lt("2000-01-15T00:00:00", "2000-02-15T00:00:00");
        lt("2000-01-15T12:00:00", "2000-01-16T12:00:00Z");
        incomparable("2000-01-01T12:00:00", "1999-12-31T23:00:00Z");
        incomparable("2000-01-16T12:00:00", "2000-01-16T12:00:00Z");
        incomparable("2000-01-16T00:00:00", "2000-01-16T12:00:00Z");
        // The boundary: exactly 14 hours apart is still indeterminate, one nanosecond more is not.
        incomparable("2000-01-01T12:00:00Z", "2000-01-01T22:00:00");
        incomparable("2000-01-02T02:00:00Z", "2000-01-01T12:00:00");
        incomparable("2000-01-01T12:00:00", "2000-01-01T22:00:00Z");
        lt("2000-01-01T12:00:00", "2000-01-02T02:00:00.000000001Z");
        incomparable("2000-01-01T12:00:00", "2000-01-02T02:00:00Z");
        incomparable("1999-12-31T22:00:00Z", "2000-01-01T12:00:00");
        lt("1999-12-31T21:59:59.999Z", "2000-01-01T12:00:00");
        incomparable("1999-12-31T22:00:00.000Z", "2000-01-01T12:00:00.000");
        lt("1999-12-31T21:59:59.9999999999Z", "2000-01-01T12:00:00");
    }

    #[test]
    fn order_is_consistent_with_unix_time_on_random_values() {
        let mut rng = TestRng::new(31);
        for _ in 0..5_000 {
            let s1 = (rng.next_u64() as i64) >> 26;
            let s2 = if rng.below(4) == 0 { s1 + rng.below(3) as i64 - 1 } else { (rng.next_u64() as i64) >> 26 };
            let (n1, n2) = ((rng.next_u64() % 1_000_000_000) as u32, (rng.next_u64() % 1_000_000_000) as u32);
            let (Ok(a), Ok(b)) = (DateTime::from_unix(s1, n1), DateTime::from_unix(s2, n2)) else {
                continue;
            };
            assert_eq!(a.to_unix(), Some((s1, n1)), "{a}");
            assert_eq!(a.partial_cmp_value(&b), Some((s1, n1).cmp(&(s2, n2))), "{a} vs {b}");
            // Re-expressed in another time zone, the value is unchanged.
            let tz = rng.below(1681) as i64 - 840;
            let shifted = s1 + tz * 60;
            let (y, mo, d) = civil_from_days(i128::from(shifted).div_euclid(86_400));
            let sod = shifted.rem_euclid(86_400);
            if y == 0 {
                continue;
            }
            let Ok(y) = i64::try_from(y) else { continue };
            let local =
                DateTime::new(y, mo, d, (sod / 3600) as u8, (sod / 60 % 60) as u8, (sod % 60) as u8, n1, Some(tz as i16)).expect("valid");
            assert_eq!(local, a, "{local} vs {a}");
            assert_eq!(hash_of(&local), hash_of(&a));
            assert_eq!(local.to_unix(), Some((s1, n1)));
            assert_eq!(dt(&local.canonical()), a);
            assert_eq!(local.canonical(), a.canonical());
        }
    }

    #[test]
    fn unix_conversions() {
        assert_eq!(DateTime::from_unix(0, 0).expect("epoch").as_str(), "1970-01-01T00:00:00Z");
        assert_eq!(DateTime::from_unix(-1, 500_000_000).expect("before").as_str(), "1969-12-31T23:59:59.5Z");
        assert_eq!(DateTime::from_unix(951_782_400, 1).expect("leap").as_str(), "2000-02-29T00:00:00.000000001Z");
        assert_eq!(DateTime::from_unix(253_402_300_800, 0).expect("10000").as_str(), "10000-01-01T00:00:00Z");
        assert_eq!(DateTime::from_unix(-62_135_596_800, 0).expect("year 1").as_str(), "0001-01-01T00:00:00Z");
        assert!(DateTime::from_unix(-62_135_596_801, 0).is_err());
        assert_eq!(DateTime::from_unix(-62_167_219_201, 0).expect("-0001").as_str(), "-0001-12-31T23:59:59Z");
        assert!(DateTime::from_unix(0, 1_000_000_000).is_err());
        assert!(DateTime::from_unix(i64::MAX, 999_999_999).is_ok());
        assert!(DateTime::from_unix(i64::MIN, 0).is_ok());
        assert_eq!(dt("1970-01-01T00:00:00").to_unix(), None);
        assert_eq!(dt("2000-01-01T12:00:00Z").to_unix(), Some((946_728_000, 0)));
        assert_eq!(dt("2000-01-01T13:00:00+01:00").to_unix(), Some((946_728_000, 0)));
        assert_eq!(dt("1969-12-31T23:59:59.25Z").to_unix(), Some((-1, 250_000_000)));
        assert_eq!(dt("1970-01-01T00:00:00.1234567899Z").to_unix(), Some((0, 123_456_789)));
        assert_eq!(dt("9223372036854775807-12-31T23:59:59Z").to_unix(), None);
        let t = dt("2001-09-09T01:46:40.5Z").to_system_time().expect("system time");
        assert_eq!(t.duration_since(UNIX_EPOCH).expect("after"), StdDuration::new(1_000_000_000, 500_000_000));
        let t = dt("1969-12-31T23:59:59.25Z").to_system_time().expect("system time");
        assert_eq!(UNIX_EPOCH.duration_since(t).expect("before"), StdDuration::from_millis(750));
        assert_eq!(dt("2000-01-01T00:00:00").to_system_time(), None);
        assert_eq!(DateTime::from_system_time(t).expect("round trip").as_str(), "1969-12-31T23:59:59.25Z");
        let later = UNIX_EPOCH + StdDuration::new(1_000_000_000, 120_000_000);
        assert_eq!(DateTime::from_system_time(later).expect("later").as_str(), "2001-09-09T01:46:40.12Z");
        assert!(DateTime::now().expect("now").to_unix().expect("zoned").0 > 1_600_000_000);
    }

    #[test]
    fn constructors() {
        assert_eq!(DateTime::new(2024, 2, 29, 23, 5, 9, 0, Some(0)).expect("ok").as_str(), "2024-02-29T23:05:09Z");
        assert_eq!(DateTime::new(-45, 1, 2, 3, 4, 5, 120_000_000, Some(-330)).expect("ok").as_str(), "-0045-01-02T03:04:05.12-05:30");
        assert_eq!(DateTime::new(12345, 12, 31, 24, 0, 0, 0, None).expect("ok").as_str(), "12345-12-31T24:00:00");
        assert!(DateTime::new(2023, 2, 29, 0, 0, 0, 0, None).is_err());
        assert!(DateTime::new(0, 1, 1, 0, 0, 0, 0, None).is_err());
        assert!(DateTime::new(2000, 1, 1, 24, 0, 0, 1, None).is_err());
        assert!(DateTime::new(2000, 1, 1, 0, 0, 0, 1_000_000_000, None).is_err());
        assert!(DateTime::new(2000, 1, 1, 0, 0, 0, 0, Some(841)).is_err());
        assert!(DateTime::new(2000, 1, 1, 0, 0, 0, 0, Some(i16::MIN)).is_err());
        assert!(DateTime::new(2000, 1, 1, 0, 0, 0, 0, Some(-840)).is_ok());
        assert!(DateTime::new(2000, 13, 1, 0, 0, 0, 0, None).is_err());
        assert!(DateTime::new(2000, 1, 1, 0, 0, 255, 0, None).is_err());
        assert!(DateTime::new(i64::MIN, 1, 1, 0, 0, 0, 0, None).is_err());
        assert_eq!(
            DateTime::new(2023, 2, 29, 0, 0, 0, 0, None).expect_err("bad day").message(),
            "'2023-02-29T00:00:00' is not a valid xs:dateTime: day 29 out of range for February 2023"
        );
        assert_eq!(Date::new(2000, 2, 29, Some(60)).expect("ok").as_str(), "2000-02-29+01:00");
        assert!(Date::new(1900, 2, 29, None).is_err());
        assert_eq!(Time::new(7, 8, 9, 10, None).expect("ok").as_str(), "07:08:09.00000001");
        assert_eq!(Time::new(24, 0, 0, 0, Some(0)).expect("ok").as_str(), "24:00:00Z");
        assert!(Time::new(24, 0, 1, 0, None).is_err());
        assert_eq!(GYear::new(-1, None).expect("ok").as_str(), "-0001");
        assert!(GYear::new(0, None).is_err());
        assert_eq!(GYearMonth::new(10000, 3, Some(-60)).expect("ok").as_str(), "10000-03-01:00");
        assert_eq!(GMonth::new(5, Some(0)).expect("ok").as_str(), "--05Z");
        assert!(GMonth::new(0, None).is_err());
        assert_eq!(GMonthDay::new(2, 29, None).expect("ok").as_str(), "--02-29");
        assert!(GMonthDay::new(2, 30, None).is_err());
        assert_eq!(GDay::new(31, Some(840)).expect("ok").as_str(), "---31+14:00");
        assert!(GDay::new(32, None).is_err());
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(dt("2000-01-01T13:00:00+01:00").canonical(), "2000-01-01T12:00:00Z");
        assert_eq!(dt("2000-01-01T00:30:00+01:00").canonical(), "1999-12-31T23:30:00Z");
        assert_eq!(dt("2000-12-31T23:30:00-01:00").canonical(), "2001-01-01T00:30:00Z");
        assert_eq!(dt("1999-12-31T24:00:00").canonical(), "2000-01-01T00:00:00");
        assert_eq!(dt("2000-01-01T12:00:00.500Z").canonical(), "2000-01-01T12:00:00.5Z");
        assert_eq!(dt("2000-01-01T12:00:00.000-00:00").canonical(), "2000-01-01T12:00:00Z");
        assert_eq!(dt("-0001-06-01T00:00:00").canonical(), "-0001-06-01T00:00:00");
        assert_eq!(dt("0001-01-01T00:00:00+01:00").canonical(), "0000-12-31T23:00:00Z");
        assert_eq!(time("23:00:00-05:00").canonical(), "04:00:00Z");
        assert_eq!(time("24:00:00").canonical(), "00:00:00");
        assert_eq!(time("01:00:00.10+02:00").canonical(), "23:00:00.1Z");
    }

    #[test]
    fn date_and_time_types() {
        for s in ["2000-02-29", "2000-02-29Z", "-0001-01-01+14:00", "10000-12-31-14:00"] {
            assert_eq!(written(&date(s)), s);
        }
        for bad in ["2000-02-30", "2000-1-01", "2000-01-01T00:00:00", "2000-01", "0000-01-01", "2000-01-01+14:30"] {
            assert!(Date::parse_lexical(bad).is_err(), "{bad:?}");
        }
        let d = date("2004-02-29-05:00");
        assert_eq!((d.year(), d.month(), d.day(), d.timezone()), (2004, 2, 29, Some(-300)));
        assert_eq!(date("2000-01-02+13:00"), date("2000-01-01-11:00"));
        assert!(date("2000-01-01Z") < date("2000-01-02Z"));
        assert_eq!(date("2000-01-01").partial_cmp_value(&date("2000-01-01Z")), None);
        assert_eq!(date("2000-01-01").partial_cmp_value(&date("2000-01-02Z")), Some(Ordering::Less));

        for s in ["00:00:00", "23:59:59.999999999999", "24:00:00", "12:00:00Z", "12:00:00+14:00"] {
            assert_eq!(written(&time(s)), s);
        }
        for bad in ["24:00:01", "12:00", "12:00:00.", "1:00:00", "12:00:60", "T12:00:00", "12:00:00+14:01"] {
            assert!(Time::parse_lexical(bad).is_err(), "{bad:?}");
        }
        let t = time("13:20:30.000000001-03:30");
        assert_eq!((t.hour(), t.minute(), t.second(), t.nanosecond(), t.timezone()), (13, 20, 30, 1, Some(-210)));
        assert_eq!(time("24:00:00"), time("00:00:00"));
        assert_eq!(time("13:00:00+01:00"), time("12:00:00Z"));
        assert_eq!(time("23:00:00-05:00").partial_cmp_value(&time("03:00:00Z")), Some(Ordering::Greater));
        assert!(time("12:00:00Z") < time("12:00:00.1Z"));
        assert_eq!(time("12:00:00").partial_cmp_value(&time("12:00:00Z")), None);
    }

    #[test]
    fn gregorian_types() {
        for s in ["2000", "-0001", "10000", "0001Z", "1999+14:00", "-123456789-05:00"] {
            assert_eq!(GYear::parse_lexical(s).map(|v| v.to_string()), Ok(s.to_owned()));
        }
        for bad in ["0000", "-0000", "200", "02000", "2000-01", "+2000", "2000Z ", "2000 Z"] {
            if bad == "2000Z " {
                assert!(GYear::parse_lexical(bad).is_ok());
                continue;
            }
            assert!(GYear::parse_lexical(bad).is_err(), "{bad:?}");
        }
        assert_eq!(GYear::parse_lexical("-0044").expect("ok").year(), -44);

        for s in ["2000-02", "-0001-12Z", "10000-01+01:00"] {
            assert_eq!(GYearMonth::parse_lexical(s).map(|v| v.to_string()), Ok(s.to_owned()));
        }
        for bad in ["2000-13", "2000-00", "2000", "2000-1", "0000-01", "2000-01-01"] {
            assert!(GYearMonth::parse_lexical(bad).is_err(), "{bad:?}");
        }
        let ym = GYearMonth::parse_lexical("1999-05Z").expect("ok");
        assert_eq!((ym.year(), ym.month(), ym.timezone()), (1999, 5, Some(0)));

        for s in ["--01", "--12Z", "--05-14:00", "--05--", "--05--Z", "--05---05:00"] {
            assert_eq!(GMonth::parse_lexical(s).map(|v| v.to_string()), Ok(s.to_owned()));
        }
        for bad in ["--13", "--00", "-05", "--5", "05", "--05-", "--05---", "--05-01", "---05"] {
            assert!(GMonth::parse_lexical(bad).is_err(), "{bad:?}");
        }
        assert_eq!(GMonth::parse_lexical("--05---05:00").expect("ok").timezone(), Some(-300));
        assert_eq!(GMonth::parse_lexical("--05-05:00").expect("ok").timezone(), Some(-300));
        assert_eq!(GMonth::parse_lexical("--05--").expect("ok"), GMonth::parse_lexical("--05").expect("ok"));

        for s in ["--02-29", "--12-31Z", "--01-01+14:00", "--04-30"] {
            assert_eq!(GMonthDay::parse_lexical(s).map(|v| v.to_string()), Ok(s.to_owned()));
        }
        for bad in ["--02-30", "--04-31", "--13-01", "--00-01", "--01-00", "-01-01", "--1-01", "01-01"] {
            assert!(GMonthDay::parse_lexical(bad).is_err(), "{bad:?}");
        }
        let md = GMonthDay::parse_lexical("--02-29").expect("ok");
        assert_eq!((md.month(), md.day()), (2, 29));

        for s in ["---01", "---31", "---15Z", "---15-14:00"] {
            assert_eq!(GDay::parse_lexical(s).map(|v| v.to_string()), Ok(s.to_owned()));
        }
        for bad in ["---00", "---32", "--01", "---1", "----01"] {
            assert!(GDay::parse_lexical(bad).is_err(), "{bad:?}");
        }
        assert_eq!(GDay::parse_lexical("---07").expect("ok").day(), 7);

        // Ordering by first instant.
        let gy = |s: &str| GYear::parse_lexical(s).expect("ok");
        assert!(gy("-0001") < gy("0001"));
        assert!(gy("1999") < gy("2000"));
        assert_eq!(gy("2000Z"), gy("2000-00:00"));
        assert_eq!(gy("2000+01:00").partial_cmp_value(&gy("1999Z")), Some(Ordering::Greater));
        assert_eq!(gy("2000").partial_cmp_value(&gy("2000Z")), None);
        let gmd = |s: &str| GMonthDay::parse_lexical(s).expect("ok");
        assert!(gmd("--01-01") < gmd("--12-31"));
        assert!(gmd("--02-28") < gmd("--02-29"));
        let gd = |s: &str| GDay::parse_lexical(s).expect("ok");
        assert!(gd("---01") < gd("---31"));
        assert_eq!(gd("---02+14:00"), gd("---01-10:00"));
        assert_eq!(gd("---02+14:00").partial_cmp_value(&gd("---01Z")), Some(Ordering::Greater));
    }
}
