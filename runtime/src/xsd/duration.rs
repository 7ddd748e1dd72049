//! `xs:duration`: `-?PnYnMnDTnHnMnS`, kept in its lexical form.
//!
//! # Lexical rules
//!
//! An optional `-`, then `P`, then the date components `nY`, `nM`, `nD` and, after `T`, the time
//! components `nH`, `nM`, `nS`, each optional but in this order and at most once. At least one
//! component must be present, and `T` must be followed by at least one time component (`P`,
//! `PT`, `P1YT` are invalid). Numbers are unsigned digit strings (up to `u64::MAX` each); only
//! the seconds may have a fraction, with digits on both sides of the point (`PT1.5S`, not
//! `PT1.S` or `PT.5S`, following the XSD 1.1 regular expression), of any length.
//!
//! # Value comparison
//!
//! Durations are partially ordered as specified by XSD Part 2 §3.2.6.2: each is added to the
//! four reference dateTimes `1696-09-01T00:00:00Z`, `1697-02-01T00:00:00Z`,
//! `1903-03-01T00:00:00Z` and `1903-07-01T00:00:00Z` (with the Appendix E algorithm); if the
//! four comparisons agree, that is the result, otherwise the durations are incomparable
//! (`None`). So `P1Y == P12M`, `P1D == PT24H`, `PT60S == PT1M`, `-P0D == PT0S`,
//! `P1M <> P30D` and `P1M < P32D`. `PartialEq`/`Eq`/`Hash` are consistent with this (`==` holds
//! when all four comparisons give `Equal`, e.g. also `P400Y == P146097D`); `PartialOrd` is the
//! same partial order. Use [`Duration::lexical_eq`] to compare spellings.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::datetime::days_from_civil;
use super::util::{invalid_because, trim_ws};
use super::{Lexical, ValueError};

/// The reference dateTimes of XSD Part 2 §3.2.6.2, as (year, month); all start on day 1 at
/// midnight UTC.
const REFERENCES: [(i128, u8); 4] = [(1696, 9), (1697, 2), (1903, 3), (1903, 7)];

const SHAPE: &str = "expected -?PnYnMnDTnHnMnS with at least one component";

/// A position on the timeline: whole seconds plus a fraction in `[0, 1)`, given by its digits
/// (no trailing zeros), or by the ten's complement of those digits (the fraction `1 - 0.F`).
struct Instant<'a> {
    secs: i128,
    frac: &'a [u8],
    complement: bool,
}

impl Instant<'_> {
    /// The `i`-th fraction digit (0 beyond the end).
    fn digit(&self, i: usize) -> u8 {
        let n = self.frac.len();
        match self.frac.get(i) {
            None => 0,
            Some(&d) if !self.complement => d - b'0',
            Some(&d) if i + 1 < n => 9 - (d - b'0'),
            Some(&d) => 10 - (d - b'0'),
        }
    }

    fn cmp(&self, other: &Self) -> Ordering {
        self.secs.cmp(&other.secs).then_with(|| {
            (0..self.frac.len().max(other.frac.len()))
                .map(|i| self.digit(i).cmp(&other.digit(i)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        })
    }
}

/// An `xs:duration`, kept in its lexical form; compared by value with the XSD partial order.
///
/// ```
/// use soapkit::xsd::{Duration, Lexical};
/// let d = Duration::parse_lexical("-P1Y2M3DT4H5M6.7S").unwrap();
/// assert!(d.is_negative());
/// assert_eq!((d.years(), d.months(), d.days()), (1, 2, 3));
/// assert_eq!((d.hours(), d.minutes(), d.seconds(), d.fraction()), (4, 5, 6, "7"));
/// assert_eq!(d.to_string(), "-P1Y2M3DT4H5M6.7S");
/// assert_eq!("P1Y".parse::<Duration>().unwrap(), "P12M".parse::<Duration>().unwrap());
/// assert_eq!("P1M".parse::<Duration>().unwrap().partial_cmp_value(&"P30D".parse().unwrap()), None);
/// ```
#[derive(Clone)]
pub struct Duration {
    text: Box<str>,
    negative: bool,
    years: u64,
    months: u64,
    days: u64,
    hours: u64,
    minutes: u64,
    seconds: u64,
    /// The fraction digits of the seconds are `text[frac_start..frac_start + frac_len]`.
    frac_start: usize,
    frac_len: usize,
}

/// Why a lexical form was rejected.
enum Reject {
    Shape,
    Reason(&'static str),
}

impl Duration {
    /// Parses the lexical form `text` (already whitespace-collapsed) and keeps it.
    fn from_text(text: Box<str>) -> Result<Self, ValueError> {
        let mut d = Self {
            text: Box::default(),
            negative: false,
            years: 0,
            months: 0,
            days: 0,
            hours: 0,
            minutes: 0,
            seconds: 0,
            frac_start: 0,
            frac_len: 0,
        };
        match d.scan_fields(&text) {
            Ok(()) => {
                d.text = text;
                Ok(d)
            }
            Err(Reject::Shape) => Err(invalid_because(&text, "duration", SHAPE)),
            Err(Reject::Reason(reason)) => Err(invalid_because(&text, "duration", reason)),
        }
    }

    fn scan_fields(&mut self, s: &str) -> Result<(), Reject> {
        let b = s.as_bytes();
        let mut p = 0;
        if b.first() == Some(&b'-') {
            self.negative = true;
            p = 1;
        }
        if b.get(p) != Some(&b'P') {
            return Err(Reject::Shape);
        }
        p += 1;
        let mut any = false;
        let mut in_time = false;
        // Rank of the last component read in the current part, to enforce order.
        let mut last_rank = 0u8;
        while p < b.len() {
            if b[p] == b'T' {
                if in_time {
                    return Err(Reject::Shape);
                }
                in_time = true;
                last_rank = 0;
                p += 1;
                if p == b.len() {
                    return Err(Reject::Reason("'T' must be followed by at least one time component"));
                }
                continue;
            }
            let start = p;
            while p < b.len() && b[p].is_ascii_digit() {
                p += 1;
            }
            if p == start {
                return Err(Reject::Shape);
            }
            let value = s[start..p]
                .bytes()
                .try_fold(0u64, |acc, d| acc.checked_mul(10)?.checked_add(u64::from(d - b'0')))
                .ok_or(Reject::Reason("a component exceeds the supported range (u64)"))?;
            let mut fraction = None;
            if b.get(p) == Some(&b'.') {
                let frac_start = p + 1;
                p = frac_start;
                while p < b.len() && b[p].is_ascii_digit() {
                    p += 1;
                }
                if p == frac_start {
                    return Err(Reject::Reason("the fractional seconds have no digits"));
                }
                fraction = Some((frac_start, p - frac_start));
            }
            let Some(&designator) = b.get(p) else {
                return Err(Reject::Shape);
            };
            p += 1;
            let rank = match (in_time, designator) {
                (false, b'Y') | (true, b'H') => 1,
                (false, b'M') | (true, b'M') => 2,
                (false, b'D') | (true, b'S') => 3,
                (false, b'H' | b'S') => {
                    return Err(Reject::Reason("hours and seconds must follow 'T'"));
                }
                (true, b'Y' | b'D') => {
                    return Err(Reject::Reason("years and days must precede 'T'"));
                }
                _ => return Err(Reject::Shape),
            };
            if rank <= last_rank {
                return Err(Reject::Reason("components must appear at most once, in the order Y M D T H M S"));
            }
            last_rank = rank;
            if fraction.is_some() && !(in_time && rank == 3) {
                return Err(Reject::Reason("only the seconds may have a fraction"));
            }
            match (in_time, rank) {
                (false, 1) => self.years = value,
                (false, 2) => self.months = value,
                (false, _) => self.days = value,
                (true, 1) => self.hours = value,
                (true, 2) => self.minutes = value,
                (true, _) => {
                    self.seconds = value;
                    if let Some((start, len)) = fraction {
                        self.frac_start = start;
                        self.frac_len = len;
                    }
                }
            }
            any = true;
        }
        if !any {
            return Err(Reject::Reason("at least one component is required"));
        }
        Ok(())
    }

    /// The lexical form as parsed (after whitespace collapse) or as constructed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the duration is written with a leading `-` (true even for `-P0D`).
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The `nY` component (0 if absent).
    pub fn years(&self) -> u64 {
        self.years
    }

    /// The `nM` component before `T` (0 if absent).
    pub fn months(&self) -> u64 {
        self.months
    }

    /// The `nD` component (0 if absent).
    pub fn days(&self) -> u64 {
        self.days
    }

    /// The `nH` component (0 if absent).
    pub fn hours(&self) -> u64 {
        self.hours
    }

    /// The `nM` component after `T` (0 if absent).
    pub fn minutes(&self) -> u64 {
        self.minutes
    }

    /// The whole seconds of the `nS` component (0 if absent).
    pub fn seconds(&self) -> u64 {
        self.seconds
    }

    /// The fractional-second digits as written (`"70"` for `6.70S`; empty if none).
    pub fn fraction(&self) -> &str {
        &self.text[self.frac_start..self.frac_start + self.frac_len]
    }

    /// The fractional seconds in nanoseconds; digits beyond the ninth are truncated.
    pub fn nanoseconds(&self) -> u32 {
        let f = self.fraction().as_bytes();
        (0..9).fold(0u32, |n, i| n * 10 + f.get(i).map_or(0, |&d| u32::from(d - b'0')))
    }

    /// The year and month components as a signed number of months (`years × 12 + months`).
    pub fn total_months(&self) -> i128 {
        let m = i128::from(self.years) * 12 + i128::from(self.months);
        if self.negative { -m } else { m }
    }

    /// The day and time components as a signed number of whole seconds (the fraction is in
    /// [`Duration::fraction`], with the same sign).
    pub fn total_seconds(&self) -> i128 {
        let s = self.whole_seconds();
        if self.negative { -s } else { s }
    }

    /// The unsigned whole seconds of the day and time components.
    fn whole_seconds(&self) -> i128 {
        i128::from(self.days) * 86_400 + i128::from(self.hours) * 3600 + i128::from(self.minutes) * 60 + i128::from(self.seconds)
    }

    /// Whether the value is zero (`PT0S`, `-P0Y`, `PT0.000S`, …).
    pub fn is_zero(&self) -> bool {
        self.total_months() == 0 && self.whole_seconds() == 0 && self.fraction_trimmed().is_empty()
    }

    fn fraction_trimmed(&self) -> &str {
        self.fraction().trim_end_matches('0')
    }

    /// The result of adding `self` to the reference dateTime `year-month-01T00:00:00Z`.
    fn instant_at(&self, year: i128, month: u8) -> Instant<'_> {
        let m0 = i128::from(month) - 1 + self.total_months();
        let target_month = (m0.rem_euclid(12) + 1) as u8;
        let base = days_from_civil(year + m0.div_euclid(12), target_month, 1) * 86_400;
        let whole = self.whole_seconds();
        let frac = self.fraction_trimmed().as_bytes();
        match (self.negative, frac.is_empty()) {
            (false, _) => Instant { secs: base + whole, frac, complement: false },
            (true, true) => Instant { secs: base - whole, frac, complement: false },
            (true, false) => Instant { secs: base - whole - 1, frac, complement: true },
        }
    }

    /// Compares by value with the partial order of XSD Part 2 §3.2.6.2 (see the
    /// [module docs](self)); `None` when the order depends on the reference dateTime.
    pub fn partial_cmp_value(&self, other: &Self) -> Option<Ordering> {
        let mut result = None;
        for (year, month) in REFERENCES {
            let o = self.instant_at(year, month).cmp(&other.instant_at(year, month));
            match result {
                None => result = Some(o),
                Some(r) if r != o => return None,
                Some(_) => {}
            }
        }
        result
    }

    /// Whether the lexical forms are identical (`==` compares values).
    pub fn lexical_eq(&self, other: &Self) -> bool {
        self.text == other.text
    }

    /// Builds a duration from its components, written with the zero components omitted
    /// (`PT0S` when all are zero, in which case `negative` is ignored) and the fraction without
    /// trailing zeros: `Duration::new(true, 1, 0, 2, 0, 0, 3, 500_000_000)` is `-P1Y2DT3.5S`.
    ///
    /// Fails when `nanoseconds` is not below 10⁹.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        negative: bool,
        years: u64,
        months: u64,
        days: u64,
        hours: u64,
        minutes: u64,
        seconds: u64,
        nanoseconds: u32,
    ) -> Result<Self, ValueError> {
        if nanoseconds >= 1_000_000_000 {
            return Err(ValueError::new(format!("invalid xs:duration: nanoseconds {nanoseconds} out of range")));
        }
        let mut s = String::with_capacity(24);
        let zero = [years, months, days, hours, minutes, seconds].iter().all(|&c| c == 0) && nanoseconds == 0;
        if negative && !zero {
            s.push('-');
        }
        s.push('P');
        for (value, designator) in [(years, 'Y'), (months, 'M'), (days, 'D')] {
            if value != 0 {
                let _ = write!(s, "{value}{designator}");
            }
        }
        if hours != 0 || minutes != 0 || seconds != 0 || nanoseconds != 0 || zero {
            s.push('T');
            for (value, designator) in [(hours, 'H'), (minutes, 'M')] {
                if value != 0 {
                    let _ = write!(s, "{value}{designator}");
                }
            }
            if seconds != 0 || nanoseconds != 0 || zero {
                let _ = write!(s, "{seconds}");
                if nanoseconds != 0 {
                    let start = s.len();
                    let _ = write!(s, ".{nanoseconds:09}");
                    let kept = s[start..].trim_end_matches('0').len();
                    s.truncate(start + kept);
                }
                s.push('S');
            }
        }
        Self::from_text(s.into_boxed_str())
    }

    /// A non-negative duration of days, hours, minutes and seconds equal to `d`
    /// (`PT0S` for zero).
    pub fn from_std(d: std::time::Duration) -> Self {
        let secs = d.as_secs();
        let built = Self::new(false, 0, 0, secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60, d.subsec_nanos());
        // `subsec_nanos` is always below 10⁹, so construction cannot fail.
        built.unwrap_or_else(|_| Self::zero())
    }

    /// The zero duration, written `PT0S`.
    fn zero() -> Self {
        Self {
            text: "PT0S".into(),
            negative: false,
            years: 0,
            months: 0,
            days: 0,
            hours: 0,
            minutes: 0,
            seconds: 0,
            frac_start: 0,
            frac_len: 0,
        }
    }

    /// The duration as a [`std::time::Duration`] (fraction truncated to nanoseconds).
    ///
    /// `None` when it has year or month components (their length varies), is negative and not
    /// zero, or exceeds `u64::MAX` seconds.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        if self.years != 0 || self.months != 0 {
            return None;
        }
        if self.is_zero() {
            return Some(std::time::Duration::ZERO);
        }
        if self.negative {
            return None;
        }
        let secs = u64::try_from(self.whole_seconds()).ok()?;
        Some(std::time::Duration::new(secs, self.nanoseconds()))
    }
}

impl Lexical for Duration {
    const XS_NAME: Option<&'static str> = Some("duration");
    const PLAIN: bool = true;
    fn parse_lexical(text: &str) -> Result<Self, ValueError> {
        Self::from_text(trim_ws(text).into())
    }

    /// Writes the lexical form exactly as parsed or constructed.
    fn write_lexical(&self, out: &mut String) {
        out.push_str(&self.text);
    }
}

impl PartialEq for Duration {
    /// Value equality: equal results when added to each of the four reference dateTimes.
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp_value(other) == Some(Ordering::Equal)
    }
}

impl Eq for Duration {}

impl PartialOrd for Duration {
    /// The XSD partial order; same as [`Duration::partial_cmp_value`].
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.partial_cmp_value(other)
    }
}

impl Hash for Duration {
    /// Hashes the result of adding the duration to the first reference dateTime, which equal
    /// durations share.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (year, month) = REFERENCES[0];
        let instant = self.instant_at(year, month);
        instant.secs.hash(state);
        for i in 0..instant.frac.len() {
            state.write_u8(instant.digit(i));
        }
    }
}

impl fmt::Display for Duration {
    /// Writes the lexical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duration({:?})", &*self.text)
    }
}

impl FromStr for Duration {
    type Err = ValueError;

    /// Same as [`Lexical::parse_lexical`].
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::parse_lexical(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsd::util::TestRng;
    use std::collections::hash_map::DefaultHasher;

    fn dur(s: &str) -> Duration {
        Duration::parse_lexical(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn err(s: &str) -> String {
        Duration::parse_lexical(s).expect_err(s).message().to_owned()
    }

    fn hash_of(d: &Duration) -> u64 {
        let mut h = DefaultHasher::new();
        d.hash(&mut h);
        h.finish()
    }

    #[test]
    fn valid_forms_round_trip() {
        for s in [
            "P1Y2M3DT10H30M",
            "-P1Y2M3DT4H5M6.7S",
            "P1Y",
            "P2M",
            "P3D",
            "PT4H",
            "PT5M",
            "PT6S",
            "PT0S",
            "P0D",
            "-P0Y",
            "P1Y2M",
            "P1YT1S",
            "P1DT2H",
            "PT1H1S",
            "PT0.000000001S",
            "PT1.123456789012345S",
            "P18446744073709551615Y",
            "P0001Y",
            "PT36H",
            "PT90M",
            "PT3600S",
        ] {
            let d = dur(s);
            let mut out = String::new();
            d.write_lexical(&mut out);
            assert_eq!(out, s);
            assert_eq!(dur(&format!("\n {s}\t")).as_str(), s);
        }
    }

    #[test]
    fn invalid_forms() {
        for bad in [
            "",
            "P",
            "-P",
            "PT",
            "P1YT",
            "-PT",
            "1Y",
            "P-1Y",
            "+P1Y",
            "P1.5Y",
            "P1.5D",
            "PT1.5M",
            "PT1.S",
            "PT.5S",
            "P1M1Y",
            "P1D1M",
            "PT1S1M",
            "PT1M1H",
            "P1Y1Y",
            "PT1H1H",
            "P1H",
            "P1S",
            "PT1D",
            "PT1Y",
            "P1YT2H3D",
            "PTT1H",
            "P1YTT1H",
            "P T1H",
            "P1 Y",
            "p1Y",
            "P1y",
            "PY",
            "PTH",
            "P1",
            "PT1",
            "P18446744073709551616Y",
            "P1W",
            "--P1Y",
            "P1Y-",
            "PT1.5.5S",
            "PT１S",
            "P1Yé",
        ] {
            assert!(Duration::parse_lexical(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(err("P"), "'P' is not a valid xs:duration: at least one component is required");
        assert_eq!(err("P1YT"), "'P1YT' is not a valid xs:duration: 'T' must be followed by at least one time component");
        assert_eq!(err("P1H"), "'P1H' is not a valid xs:duration: hours and seconds must follow 'T'");
        assert_eq!(err("PT1D"), "'PT1D' is not a valid xs:duration: years and days must precede 'T'");
        assert_eq!(err("P1.5Y"), "'P1.5Y' is not a valid xs:duration: only the seconds may have a fraction");
        assert_eq!(err("P1M1Y"), "'P1M1Y' is not a valid xs:duration: components must appear at most once, in the order Y M D T H M S");
        assert_eq!(err("1Y"), format!("'1Y' is not a valid xs:duration: {SHAPE}"));
        assert_eq!(
            err("P99999999999999999999Y"),
            "'P99999999999999999999Y' is not a valid xs:duration: a component exceeds the supported range (u64)"
        );
    }

    #[test]
    fn accessors() {
        let d = dur("-P1Y2M3DT4H5M6.70S");
        assert!(d.is_negative());
        assert_eq!((d.years(), d.months(), d.days(), d.hours(), d.minutes(), d.seconds()), (1, 2, 3, 4, 5, 6));
        assert_eq!((d.fraction(), d.nanoseconds()), ("70", 700_000_000));
        assert_eq!(d.total_months(), -14);
        assert_eq!(d.total_seconds(), -(3 * 86_400 + 4 * 3600 + 5 * 60 + 6));
        let d = dur("PT0.1234567891S");
        assert_eq!((d.seconds(), d.nanoseconds(), d.fraction()), (0, 123_456_789, "1234567891"));
        let d = dur("P5M");
        assert!(!d.is_negative());
        assert_eq!((d.years(), d.months(), d.minutes(), d.fraction(), d.nanoseconds()), (0, 5, 0, "", 0));
        let d = dur("PT5M");
        assert_eq!((d.months(), d.minutes()), (0, 5));
        assert!(dur("-PT0.000S").is_zero());
        assert!(!dur("PT0.001S").is_zero());
    }

    #[test]
    fn value_equality() {
        let groups: &[&[&str]] = &[
            &["P1Y", "P12M", "P0Y12M", "P1Y0M0DT0H0M0.000S"],
            &["P1D", "PT24H", "PT1440M", "PT86400S", "PT86400.0S"],
            &["PT1M", "PT60S", "PT60.000S"],
            &["PT0S", "-PT0S", "P0D", "-P0Y", "PT0.0S"],
            &["-P1Y", "-P12M"],
            &["PT1.5S", "PT1.50S", "PT1.500000000000S"],
            &["-PT1.5S", "-PT1.50S"],
            &["P400Y", "P146097D"],
        ];
        for group in groups {
            for a in *group {
                for b in *group {
                    assert_eq!(dur(a), dur(b), "{a} == {b}");
                    assert_eq!(hash_of(&dur(a)), hash_of(&dur(b)), "hash {a} {b}");
                }
            }
        }
        assert!(!dur("P1Y").lexical_eq(&dur("P12M")));
        assert!(dur("P1Y").lexical_eq(&dur(" P1Y ")));
        assert_ne!(dur("P1Y"), dur("-P1Y"));
        assert_ne!(dur("P1M"), dur("P30D"));
        assert_ne!(dur("PT1.5S"), dur("PT1.05S"));
    }

    #[test]
    fn partial_order() {
        let cmp = |a: &str, b: &str| dur(a).partial_cmp_value(&dur(b));
        // Examples from XSD Part 2 §3.2.6.2.
        assert_eq!(cmp("P1Y", "P364D"), Some(Ordering::Greater));
        assert_eq!(cmp("P1Y", "P365D"), None);
        assert_eq!(cmp("P1Y", "P366D"), None);
        assert_eq!(cmp("P1Y", "P367D"), Some(Ordering::Less));
        assert_eq!(cmp("P1M", "P27D"), Some(Ordering::Greater));
        assert_eq!(cmp("P1M", "P28D"), None);
        assert_eq!(cmp("P1M", "P29D"), None);
        assert_eq!(cmp("P1M", "P30D"), None);
        assert_eq!(cmp("P1M", "P31D"), None);
        assert_eq!(cmp("P1M", "P32D"), Some(Ordering::Less));
        assert_eq!(cmp("P5M", "P149D"), Some(Ordering::Greater));
        assert_eq!(cmp("P5M", "P150D"), None);
        assert_eq!(cmp("P5M", "P153D"), None);
        assert_eq!(cmp("P5M", "P154D"), Some(Ordering::Less));
        // Plain comparisons.
        assert_eq!(cmp("PT1S", "PT1.000000001S"), Some(Ordering::Less));
        assert_eq!(cmp("-PT1S", "-PT1.000000001S"), Some(Ordering::Greater));
        assert_eq!(cmp("-PT0.3S", "-PT0.25S"), Some(Ordering::Less));
        assert_eq!(cmp("-PT0.25S", "PT0S"), Some(Ordering::Less));
        assert_eq!(cmp("-PT0.001S", "-PT0.0009999S"), Some(Ordering::Less));
        assert_eq!(cmp("-P1Y", "P1D"), Some(Ordering::Less));
        assert_eq!(cmp("-P1M", "-P27D"), Some(Ordering::Less));
        assert_eq!(cmp("-P1M", "-P30D"), None);
        assert_eq!(cmp("P1DT1S", "PT24H0.5S"), Some(Ordering::Greater));
        assert!(dur("PT59M") < dur("PT1H"));
        assert!(dur("P18446744073709551615Y") > dur("P18446744073709551615D"));
        assert_eq!(dur("P1M").partial_cmp(&dur("P30D")), None);
        assert!(!dur("P1M").lt(&dur("P30D")) && !dur("P1M").gt(&dur("P30D")) && !dur("P1M").ge(&dur("P30D")));
    }

    #[test]
    fn order_matches_exact_arithmetic_for_day_time_durations() {
        // Without months, the order is total and equals the order of the signed seconds.
        let mut rng = TestRng::new(77);
        let make = |rng: &mut TestRng| -> (Duration, i128) {
            let neg = rng.below(2) == 0;
            let (d, h, m, s, ms) = (rng.below(3), rng.below(30), rng.below(90), rng.below(90), rng.below(1000));
            let text = format!("{}P{d}DT{h}H{m}M{s}.{ms:03}S", if neg { "-" } else { "" });
            let total = ((d * 86_400 + h * 3600 + m * 60 + s) * 1000 + ms) as i128;
            (dur(&text), if neg { -total } else { total })
        };
        for _ in 0..5_000 {
            let (a, ta) = make(&mut rng);
            let (b, tb) = make(&mut rng);
            assert_eq!(a.partial_cmp_value(&b), Some(ta.cmp(&tb)), "{a} vs {b}");
            if ta == tb {
                assert_eq!(hash_of(&a), hash_of(&b));
            }
        }
    }

    #[test]
    fn constructors_and_std() {
        assert_eq!(Duration::new(true, 1, 0, 2, 0, 0, 3, 500_000_000).expect("ok").as_str(), "-P1Y2DT3.5S");
        assert_eq!(Duration::new(true, 0, 0, 0, 0, 0, 0, 0).expect("ok").as_str(), "PT0S");
        assert_eq!(Duration::new(false, 0, 14, 0, 25, 0, 0, 0).expect("ok").as_str(), "P14MT25H");
        assert_eq!(Duration::new(false, 0, 0, 0, 0, 0, 0, 1).expect("ok").as_str(), "PT0.000000001S");
        assert_eq!(Duration::new(false, u64::MAX, 0, 0, 0, 0, 0, 0).expect("ok").years(), u64::MAX);
        assert!(Duration::new(false, 0, 0, 0, 0, 0, 0, 1_000_000_000).is_err());
        let std = std::time::Duration::new(90_061, 5_000_000);
        let d = Duration::from_std(std);
        assert_eq!(d.as_str(), "P1DT1H1M1.005S");
        assert_eq!(d.to_std(), Some(std));
        assert_eq!(Duration::from_std(std::time::Duration::ZERO).as_str(), "PT0S");
        assert_eq!(Duration::from_std(std::time::Duration::from_secs(u64::MAX)).to_std(), Some(std::time::Duration::from_secs(u64::MAX)));
        assert_eq!(dur("PT1.0000000019S").to_std(), Some(std::time::Duration::new(1, 1)));
        assert_eq!(dur("-PT0S").to_std(), Some(std::time::Duration::ZERO));
        assert_eq!(dur("-PT1S").to_std(), None);
        assert_eq!(dur("P1M").to_std(), None);
        assert_eq!(dur("P0Y1D").to_std(), Some(std::time::Duration::from_secs(86_400)));
        assert_eq!(dur("P18446744073709551615D").to_std(), None);
    }

    #[test]
    fn never_panics_on_random_input() {
        let alphabet = ["P", "T", "Y", "M", "D", "H", "S", "1", "0", "9", ".", "-", " ", "é"];
        let tokens = ["T", "1Y", "0M", "12D", "3H", "45M", "6S", "7.25S", "0.000S", "-", "P", " ", ".", "99999999999999999999Y"];
        let mut rng = TestRng::new(13);
        let mut accepted = 0;
        for i in 0..50_000 {
            let s = if i % 2 == 0 {
                rng.string_from(&alphabet, 10)
            } else {
                format!("{}P{}", ["", "-", " "][rng.below(3)], rng.string_from(&tokens, 4))
            };
            if let Ok(d) = Duration::parse_lexical(&s) {
                accepted += 1;
                assert_eq!(d.as_str(), trim_ws(&s));
                assert_eq!(d.partial_cmp_value(&d), Some(Ordering::Equal));
                let rebuilt =
                    Duration::new(d.is_negative(), d.years(), d.months(), d.days(), d.hours(), d.minutes(), d.seconds(), d.nanoseconds())
                        .expect("valid components");
                if d.fraction().len() <= 9 {
                    assert_eq!(rebuilt, d, "{s:?}");
                }
            }
        }
        assert!(accepted > 100, "the generator should produce some valid durations");
    }
}
