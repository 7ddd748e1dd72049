//! The deterministic telephony simulation: which dial strings the dialing rules allow, what
//! the simulated callee does, and which item identifiers are well formed. README.md of this
//! crate documents the same rules for users.
//!
//! Dialing rules (a dial string that breaks one is "not dialable": `a:DialingRulesException`
//! for `PlayOnPhone` / `PlayOnPhoneGreeting`, `ErrorPhoneNumberNotDialable` for
//! `PlayOnPhone2`):
//!
//! 1. at most [`MAX_DIAL_STRING_CHARS`] characters; an optional `tel:` prefix is dropped;
//! 2. the visual separators of RFC 3966 (space, `-`, `.`, `(`, `)`) are dropped;
//! 3. what remains is an optional `+` followed by [`MIN_DIGITS`] to [`MAX_DIGITS`] digits;
//! 4. numbers whose digits start with [`BLOCKED_PREFIXES`] (premium rate) are restricted.
//!
//! The callee (by the last digits of the normalized number):
//!
//! - ending in [`BUSY_SUFFIX`] (after SIP's 486 Busy Here): the line is busy; the call stays
//!   `Connecting` for the ring delay, then becomes `Disconnected` with cause `UserBusy`;
//! - any other number answers after the ring delay (`Connected`) and hangs up by itself
//!   (`Phone_hangup`) once the hang-up delay has passed since it answered: `Disconnected` with
//!   cause `None`.
//!
//! Item identifiers (`entryId` of `PlayOnPhone`, `ItemId/@Id` of `PlayOnPhone2`) and folder
//! identifiers (`base64FolderId`) are base64 (RFC 2045 section 6.8): well formed if, once ASCII
//! whitespace is removed, they are 1 to [`MAX_ID_CHARS`] characters of the base64 alphabet that
//! decode to at least one byte. Any well-formed item identifier names an item (the server has
//! no mailbox store to look it up in).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Longest dial string accepted, in characters, before normalization.
pub const MAX_DIAL_STRING_CHARS: usize = 64;
/// Fewest digits of a dialable number.
pub const MIN_DIGITS: usize = 3;
/// Most digits of a dialable number (E.164 allows 15).
pub const MAX_DIGITS: usize = 15;
/// Digit prefixes the dialing rules restrict (premium-rate numbers).
pub const BLOCKED_PREFIXES: &[&str] = &["900", "1900"];
/// Numbers ending in these digits are busy.
pub const BUSY_SUFFIX: &str = "486";
/// Longest item or folder identifier accepted, in characters.
pub const MAX_ID_CHARS: usize = 4096;

/// What the simulated callee does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Callee {
    /// Answers after the ring delay, hangs up after the hang-up delay.
    Answers,
    /// The line is busy: disconnected with cause `UserBusy` after the ring delay.
    Busy,
}

/// A dial string the dialing rules allow, normalized (`+` and digits only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialable {
    /// The normalized number.
    pub number: String,
    /// What the callee will do.
    pub callee: Callee,
}

/// Applies the dialing rules to `dial_string`.
pub fn dial(dial_string: &str) -> Option<Dialable> {
    if dial_string.chars().count() > MAX_DIAL_STRING_CHARS {
        return None;
    }
    let s = dial_string.trim();
    let s = match s.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => &s[4..],
        _ => s,
    };
    let mut number = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            ' ' | '-' | '.' | '(' | ')' => {}
            '+' if i == 0 => number.push('+'),
            '0'..='9' => number.push(c),
            _ => return None,
        }
    }
    let digits = number.trim_start_matches('+');
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
        return None;
    }
    if BLOCKED_PREFIXES.iter().any(|p| digits.starts_with(p)) {
        return None;
    }
    let callee = if digits.ends_with(BUSY_SUFFIX) { Callee::Busy } else { Callee::Answers };
    Some(Dialable { number, callee })
}

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Whether `id` is a well-formed base64 identifier (see the module documentation). Accepts
/// the identifiers printed in [MS-OXWUMS] 4.7 and 4.8, whose last characters carry non-zero
/// padding bits.
pub fn well_formed_id(id: &str) -> bool {
    if id.len() > MAX_ID_CHARS * 2 {
        return false;
    }
    let compact: String = id.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() || compact.len() > MAX_ID_CHARS {
        return false;
    }
    matches!(LENIENT.decode(compact.as_bytes()), Ok(bytes) if !bytes.is_empty())
}

/// The standard base64 encoding of `bytes` (with padding).
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialing_rules() {
        assert_eq!(dial("12345"), Some(Dialable { number: "12345".into(), callee: Callee::Answers }));
        assert_eq!(dial("tel:+1-425-555-0100").map(|d| d.number), Some("+14255550100".into()));
        assert_eq!(dial(" (425) 555.0100 ").map(|d| d.number), Some("4255550100".into()));
        assert_eq!(dial("5555551212").map(|d| d.callee), Some(Callee::Answers));
        assert_eq!(dial("+1 425 555 0486").map(|d| d.callee), Some(Callee::Busy));
        for bad in ["", "12", "abc", "12a45", "1+2345", "++12345", "1234567890123456", "900-555-1212", "+1 900 555 1212", "1;2"] {
            assert_eq!(dial(bad), None, "{bad:?}");
        }
        assert_eq!(dial(&"1".repeat(65)), None);
        assert_eq!(dial(&format!("{}1234", " ".repeat(61))), None);
        assert!(dial(&format!("{}1234", " ".repeat(60))).is_some());
    }

    #[test]
    fn ids() {
        // The identifiers of the spec's examples (4.7 entryId, 4.8 ItemId).
        assert!(well_formed_id("AAAAAGsd2rbQLVtLobUGbrq/9IUHAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAACxVpE1+KVVL1957wp//x6UAGAetcDUAAA="));
        assert!(well_formed_id("AkAjzQTbY/i="));
        assert!(well_formed_id("AAAA\n  AAAA"));
        for bad in ["", "   ", "not base64!", "A", "AAAA=AAA", "é"] {
            assert!(!well_formed_id(bad), "{bad:?}");
        }
        assert!(!well_formed_id(&"A".repeat(MAX_ID_CHARS + 4)));
        assert_eq!(base64(b"hi"), "aGk=");
    }
}
