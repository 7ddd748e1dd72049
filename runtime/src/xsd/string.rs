//! `xs:string` and the string-derived datatypes: whitespace processing and validators.
//!
//! All string-like datatypes map to `String`. `xs:string` keeps its text untouched
//! (`whiteSpace="preserve"`, see the [`Lexical`] impl for `String`); the derived types apply a
//! whitespace rule and then a lexical check:
//!
//! | datatype | whitespace | check |
//! |---|---|---|
//! | `normalizedString` | [`replace_ws`] | [`check_normalized_string`] |
//! | `token` | [`collapse_ws`] | [`check_token`] |
//! | `language` | [`collapse_ws`] | [`check_language`] |
//! | `Name` | [`collapse_ws`] | [`check_name`] |
//! | `NCName`, `ID`, `IDREF`, `ENTITY` | [`collapse_ws`] | [`check_ncname`] |
//! | `NMTOKEN` | [`collapse_ws`] | [`check_nmtoken`] |
//! | `NMTOKENS` | [`collapse_ws`] | [`check_nmtokens`] |
//! | `QName` (lexical form only) | [`collapse_ws`] | [`check_qname`] |
//! | `anyURI` | [`collapse_ws`] | [`check_any_uri`] |
//!
//! The `check_*` functions expect text to which the whitespace rule has already been applied.
//! Name characters follow the XML 1.0 fifth edition `NameStartChar` / `NameChar` productions.

use std::borrow::Cow;

use super::util::{describe_char_at, invalid_because, is_xml_ws};
use super::{Lexical, ValueError};

impl Lexical for String {
    const XS_NAME: Option<&'static str> = Some("string");
    /// `xs:string`: the text is kept exactly (`whiteSpace="preserve"`); this never fails.
    fn parse_lexical(text: &str) -> Result<Self, ValueError> {
        Ok(text.to_owned())
    }

    /// Appends the text unchanged.
    fn write_lexical(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// The `replace` whitespace rule (`xs:normalizedString`): every tab, line feed and carriage
/// return becomes a space. Borrows `s` when it contains none of them.
pub fn replace_ws(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }).collect())
}

/// The `collapse` whitespace rule (`xs:token` and most other datatypes): after `replace`, runs
/// of spaces become a single space and leading and trailing spaces are removed.
///
/// Borrows from `s` when that suffices, including when only leading or trailing whitespace has
/// to be removed.
pub fn collapse_ws(s: &str) -> Cow<'_, str> {
    let trimmed = s.trim_matches(|c: char| c.is_ascii() && is_xml_ws(c as u8));
    let b = trimmed.as_bytes();
    let needs_work = b.iter().enumerate().any(|(i, &c)| matches!(c, b'\t' | b'\n' | b'\r') || (c == b' ' && b.get(i + 1) == Some(&b' ')));
    if !needs_work {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut in_space = false;
    for c in trimmed.chars() {
        if c.is_ascii() && is_xml_ws(c as u8) {
            in_space = true;
        } else {
            if in_space {
                out.push(' ');
                in_space = false;
            }
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` matches the XML 1.0 (fifth edition) `NameStartChar` production.
pub fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// Whether `c` matches the XML 1.0 (fifth edition) `NameChar` production.
pub fn is_name_char(c: char) -> bool {
    is_name_start_char(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Checks a name-like production: a first character accepted by `start`, then characters
/// accepted by `rest`.
fn check_name_like(s: &str, datatype: &str, start: impl Fn(char) -> bool, rest: impl Fn(char) -> bool) -> Result<(), ValueError> {
    let mut chars = s.char_indices();
    match chars.next() {
        None => return Err(invalid_because(s, datatype, "must not be empty")),
        Some((_, c)) if !start(c) => {
            return Err(invalid_because(s, datatype, format_args!("must not start with {}", describe_char_at(s, 0))));
        }
        Some(_) => {}
    }
    for (i, c) in chars {
        if !rest(c) {
            return Err(invalid_because(s, datatype, format_args!("{} is not allowed", describe_char_at(s, i))));
        }
    }
    Ok(())
}

/// Checks `xs:Name`: the XML `Name` production (colons allowed).
pub fn check_name(s: &str) -> Result<(), ValueError> {
    check_name_like(s, "Name", is_name_start_char, is_name_char)
}

/// Checks `xs:NCName` (also `xs:ID`, `xs:IDREF`, `xs:ENTITY`): an XML `Name` without colons.
pub fn check_ncname(s: &str) -> Result<(), ValueError> {
    check_ncname_as(s, "NCName")
}

fn check_ncname_as(s: &str, datatype: &str) -> Result<(), ValueError> {
    check_name_like(s, datatype, |c| c != ':' && is_name_start_char(c), |c| c != ':' && is_name_char(c))
}

/// Checks the lexical form of `xs:QName`: `NCName` or `NCName:NCName` (the prefix is not
/// resolved here).
pub fn check_qname(s: &str) -> Result<(), ValueError> {
    let (prefix, local) = match s.split_once(':') {
        Some((prefix, local)) => (Some(prefix), local),
        None => (None, s),
    };
    let fail = |part: &str, e: ValueError| {
        let detail = e.message().split_once(": ").map_or("", |(_, d)| d).to_owned();
        invalid_because(s, "QName", format_args!("{part} {detail}"))
    };
    if let Some(prefix) = prefix {
        check_ncname(prefix).map_err(|e| fail("prefix", e))?;
    }
    check_ncname(local).map_err(|e| fail("local part", e))
}

/// Checks `xs:NMTOKEN`: one or more XML `NameChar`s.
pub fn check_nmtoken(s: &str) -> Result<(), ValueError> {
    check_name_like(s, "NMTOKEN", is_name_char, is_name_char)
}

/// Checks `xs:NMTOKENS`: a collapsed, space-separated, non-empty list of `NMTOKEN`s.
pub fn check_nmtokens(s: &str) -> Result<(), ValueError> {
    if s.is_empty() {
        return Err(invalid_because(s, "NMTOKENS", "must contain at least one token"));
    }
    check_token_as(s, "NMTOKENS")?;
    for token in s.split(' ') {
        check_nmtoken(token).map_err(|e| {
            let detail = e.message().split_once(": ").map_or("", |(_, d)| d).to_owned();
            invalid_because(s, "NMTOKENS", format_args!("token '{token}' {detail}"))
        })?;
    }
    Ok(())
}

/// Checks `xs:normalizedString`: no tab, line feed or carriage return.
pub fn check_normalized_string(s: &str) -> Result<(), ValueError> {
    match s.bytes().position(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        Some(i) => Err(invalid_because(s, "normalizedString", format_args!("{} is not allowed", describe_char_at(s, i)))),
        None => Ok(()),
    }
}

/// Checks `xs:token`: a `normalizedString` with no leading or trailing space and no two
/// consecutive spaces. Text that went through [`collapse_ws`] always passes.
pub fn check_token(s: &str) -> Result<(), ValueError> {
    check_token_as(s, "token")
}

fn check_token_as(s: &str, datatype: &str) -> Result<(), ValueError> {
    if let Some(i) = s.bytes().position(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        return Err(invalid_because(s, datatype, format_args!("{} is not allowed", describe_char_at(s, i))));
    }
    if s.starts_with(' ') || s.ends_with(' ') {
        return Err(invalid_because(s, datatype, "leading or trailing space is not allowed"));
    }
    if s.contains("  ") {
        return Err(invalid_because(s, datatype, "consecutive spaces are not allowed"));
    }
    Ok(())
}

/// Checks `xs:language`: `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*` (the XSD 1.0 pattern; the subtags
/// are not checked against any registry).
pub fn check_language(s: &str) -> Result<(), ValueError> {
    let fail = || invalid_because(s, "language", "expected [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*");
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    if primary.is_empty() || primary.len() > 8 || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(fail());
    }
    for sub in parts {
        if sub.is_empty() || sub.len() > 8 || !sub.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(fail());
        }
    }
    Ok(())
}

/// Checks `xs:anyURI` leniently.
///
/// XSD 1.0 defines the lexical space as the strings that, after the escaping of XLink §5.4
/// (non-ASCII characters, spaces and other characters not allowed in URIs are `%`-escaped), are
/// RFC 2396 URI references. Since escaping makes almost any character acceptable, this check
/// rejects only what escaping cannot repair:
///
/// * a `%` not followed by two hexadecimal digits;
/// * more than one `#` (a fragment cannot contain `#`);
/// * a `:` before the first `/`, `?` or `#` when the text before it is not a valid scheme
///   (`ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")`): such a text is neither an absolute URI nor a
///   relative reference.
///
/// The empty string is a valid (same-document) reference. Authorities, ports and IP literals
/// are not checked.
pub fn check_any_uri(s: &str) -> Result<(), ValueError> {
    let b = s.as_bytes();
    let mut hashes = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'%' => {
                let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
                if !ok {
                    return Err(invalid_because(s, "anyURI", "'%' must be followed by two hexadecimal digits"));
                }
            }
            b'#' => {
                hashes += 1;
                if hashes > 1 {
                    return Err(invalid_because(s, "anyURI", "more than one '#'"));
                }
            }
            _ => {}
        }
    }
    let head_end = b.iter().position(|&c| matches!(c, b'/' | b'?' | b'#')).unwrap_or(b.len());
    if let Some(colon) = b[..head_end].iter().position(|&c| c == b':') {
        let scheme = &b[..colon];
        let valid_scheme = scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
        if !valid_scheme {
            return Err(invalid_because(s, "anyURI", "invalid scheme before ':'"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsd::util::TestRng;

    #[test]
    fn string_is_preserved() {
        let text = "  a\tb\r\n  c  ";
        let s = String::parse_lexical(text).expect("string");
        assert_eq!(s, text);
        let mut out = String::from(">");
        s.write_lexical(&mut out);
        assert_eq!(out, format!(">{text}"));
        assert_eq!(String::parse_lexical(""), Ok(String::new()));
    }

    #[test]
    fn replace_whitespace() {
        assert!(matches!(replace_ws("a b  c "), Cow::Borrowed("a b  c ")));
        assert!(matches!(replace_ws(""), Cow::Borrowed("")));
        assert_eq!(replace_ws("\ta\r\nb\u{a0}é\n"), " a  b\u{a0}é ");
        assert!(matches!(replace_ws("x\ty"), Cow::Owned(_)));
    }

    #[test]
    fn collapse_whitespace() {
        assert!(matches!(collapse_ws("a b c"), Cow::Borrowed("a b c")));
        assert!(matches!(collapse_ws("  a b c \n"), Cow::Borrowed("a b c")));
        assert!(matches!(collapse_ws(" \t\r\n "), Cow::Borrowed("")));
        assert!(matches!(collapse_ws(""), Cow::Borrowed("")));
        assert_eq!(collapse_ws("a  b"), "a b");
        assert_eq!(collapse_ws("a\tb"), "a b");
        assert_eq!(collapse_ws(" \n a \t\r\n b  é  c\n"), "a b é c");
        assert_eq!(collapse_ws("a\u{a0} b"), "a\u{a0} b");
        assert_eq!(collapse_ws("\u{2003}a\u{2003}"), "\u{2003}a\u{2003}");
    }

    #[test]
    fn collapse_is_idempotent_and_yields_tokens() {
        let alphabet = [" ", "\t", "\n", "\r", "a", "é", "\u{a0}", "-"];
        let mut rng = TestRng::new(17);
        for _ in 0..10_000 {
            let s = rng.string_from(&alphabet, 10);
            let c = collapse_ws(&s);
            assert!(check_token(&c).is_ok(), "{s:?} -> {c:?}");
            assert!(matches!(collapse_ws(&c), Cow::Borrowed(_)));
            assert_eq!(collapse_ws(&replace_ws(&s)), c);
            let expected: Vec<&str> = s.split([' ', '\t', '\n', '\r']).filter(|w| !w.is_empty()).collect();
            assert_eq!(c, expected.join(" "));
            assert!(check_normalized_string(&replace_ws(&s)).is_ok());
        }
    }

    #[test]
    fn names() {
        for ok in ["a", "_", ":", "a:b", "xml:lang", "A-1.b_c", "é", "\u{10000}x", "a\u{B7}", "a\u{300}", "日本語"] {
            assert_eq!(check_name(ok), Ok(()), "{ok:?}");
        }
        for bad in ["", "1a", "-a", ".a", "a b", "a\tb", "\u{B7}a", "\u{300}a", "a$", "a\u{D7}", "\u{2000}"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_name("1abc").expect_err("digit").message(), "'1abc' is not a valid xs:Name: must not start with '1'");
        assert_eq!(check_name("a b").expect_err("space").message(), "'a b' is not a valid xs:Name: U+0020 is not allowed");
        assert_eq!(check_name("").expect_err("empty").message(), "'' is not a valid xs:Name: must not be empty");
    }

    #[test]
    fn ncnames() {
        for ok in ["a", "_x", "a-b.c", "é9", "ID_1"] {
            assert_eq!(check_ncname(ok), Ok(()), "{ok:?}");
        }
        for bad in ["", ":", "a:b", ":a", "a:", "1a", "-", "a b"] {
            assert!(check_ncname(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_ncname("a:b").expect_err("colon").message(), "'a:b' is not a valid xs:NCName: ':' is not allowed");
    }

    #[test]
    fn qnames() {
        for ok in ["a", "p:a", "soap:Envelope", "_:_"] {
            assert_eq!(check_qname(ok), Ok(()), "{ok:?}");
        }
        for bad in ["", ":", ":a", "a:", "a:b:c", "1:a", "p:1a", "a b"] {
            assert!(check_qname(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_qname("p:1a").expect_err("local").message(), "'p:1a' is not a valid xs:QName: local part must not start with '1'");
        assert_eq!(check_qname(":a").expect_err("prefix").message(), "':a' is not a valid xs:QName: prefix must not be empty");
    }

    #[test]
    fn nmtokens() {
        for ok in ["a", "1", "-", ".", "123abc", "a:b", "\u{B7}", "\u{300}"] {
            assert_eq!(check_nmtoken(ok), Ok(()), "{ok:?}");
        }
        for bad in ["", "a b", "a,b", "$", "a\u{D7}"] {
            assert!(check_nmtoken(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_nmtokens("a 1 -x"), Ok(()));
        for bad in ["", " a", "a ", "a  b", "a $", "a\tb"] {
            assert!(check_nmtokens(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            check_nmtokens("a $").expect_err("bad").message(),
            "'a $' is not a valid xs:NMTOKENS: token '$' must not start with '$'"
        );
    }

    #[test]
    fn tokens_and_normalized_strings() {
        assert_eq!(check_token(""), Ok(()));
        assert_eq!(check_token("a b c"), Ok(()));
        assert_eq!(
            check_token(" a").expect_err("lead").message(),
            "' a' is not a valid xs:token: leading or trailing space is not allowed"
        );
        assert!(check_token("a ").is_err());
        assert_eq!(
            check_token("a  b").expect_err("double").message(),
            "'a  b' is not a valid xs:token: consecutive spaces are not allowed"
        );
        assert_eq!(check_token("a\nb").expect_err("nl").message(), "'a\nb' is not a valid xs:token: U+000A is not allowed");
        assert_eq!(check_normalized_string("  a  b "), Ok(()));
        assert!(check_normalized_string("a\rb").is_err());
        assert!(check_normalized_string("\t").is_err());
    }

    #[test]
    fn languages() {
        for ok in ["en", "EN", "en-US", "de-CH-1996", "x-klingon", "abcdefgh", "i-abcdefgh-12345678", "zh-Hant-TW"] {
            assert_eq!(check_language(ok), Ok(()), "{ok:?}");
        }
        for bad in ["", "-", "en-", "-en", "abcdefghi", "en-123456789", "e1", "1en", "en_US", "en--US", "en US", "é"] {
            assert!(check_language(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            check_language("en_US").expect_err("underscore").message(),
            "'en_US' is not a valid xs:language: expected [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*"
        );
    }

    #[test]
    fn any_uris() {
        for ok in [
            "",
            "http://example.com/a?b=c#d",
            "urn:oasis:names:tc",
            "mailto:a@b.c",
            "../relative/path",
            "a b",
            "http://example.com/ü",
            "%20%aF",
            "#frag",
            "?q",
            "/a:b",
            "a/b:c",
            "x-y+z.1:foo",
            "http://[::1]:80/",
            "http://host:notaport/",
        ] {
            assert_eq!(check_any_uri(ok), Ok(()), "{ok:?}");
        }
        for bad in ["%", "%2", "%zz", "a%g0", "a#b#c", "##", "1abc:foo", ":foo", "a b:c", "é:x", "a_b:c"] {
            assert!(check_any_uri(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            check_any_uri("a%zz").expect_err("pct").message(),
            "'a%zz' is not a valid xs:anyURI: '%' must be followed by two hexadecimal digits"
        );
        assert_eq!(check_any_uri("a#b#c").expect_err("hash").message(), "'a#b#c' is not a valid xs:anyURI: more than one '#'");
        assert_eq!(check_any_uri(":x").expect_err("scheme").message(), "':x' is not a valid xs:anyURI: invalid scheme before ':'");
    }

    #[test]
    fn validators_never_panic_on_random_input() {
        let alphabet = ["a", "1", ":", "-", ".", " ", "%", "#", "/", "é", "\u{300}", "\u{10000}", "\t", "F"];
        let mut rng = TestRng::new(23);
        for _ in 0..20_000 {
            let s = rng.string_from(&alphabet, 8);
            let name = check_name(&s).is_ok();
            let ncname = check_ncname(&s).is_ok();
            let nmtoken = check_nmtoken(&s).is_ok();
            assert!(!ncname || name, "{s:?}");
            assert!(!name || nmtoken, "{s:?}");
            assert_eq!(ncname, name && !s.contains(':'), "{s:?}");
            assert!(check_qname(&s).is_err() || name, "{s:?}");
            let _ = (check_language(&s), check_any_uri(&s), check_nmtokens(&s), check_token(&s));
        }
    }
}
