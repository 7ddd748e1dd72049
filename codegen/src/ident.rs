//! Rust identifiers from XML names: the one place where case conversion and keyword escaping
//! happen.
//!
//! Keywords become raw identifiers (`r#type`), except `self`, `super`, `crate` and `Self`,
//! which cannot be raw and get a `_` suffix. Names that do not start with a letter or `_` get
//! a prefix (`_` for fields, `V` for types and variants).

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, all editions up to 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
    "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "union", "unsafe",
    "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Replaces characters that cannot appear in an identifier by `_`, keeping word boundaries.
fn clean(name: &str) -> String {
    name.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

/// Escapes a keyword; leaves other identifiers alone.
pub fn escape(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        return format!("{ident}_");
    }
    if KEYWORDS.contains(&ident.as_str()) {
        return format!("r#{ident}");
    }
    ident
}

/// A field, method or module name: `snake_case`.
pub fn snake(name: &str) -> String {
    let mut s = clean(name).to_snake_case();
    if s.is_empty() {
        s.push('_');
    }
    if !s.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    escape(s)
}

/// A constant name: `SHOUTY_SNAKE_CASE`.
pub fn shouty(name: &str) -> String {
    let mut s = clean(name).to_shouty_snake_case();
    if s.is_empty() {
        s.push('_');
    }
    if !s.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    s
}

/// A type or variant name: `UpperCamelCase`.
pub fn upper_camel(name: &str) -> String {
    let mut s = clean(name).to_upper_camel_case();
    if s.is_empty() {
        s.push_str("Empty");
    }
    if !s.starts_with(|c: char| c.is_alphabetic()) {
        s.insert(0, 'V');
    }
    escape(s)
}

/// An enum variant for an enumeration value: `UpperCamelCase`, keeping what distinguishes
/// numeric literals: a leading sign becomes `Minus` / `Plus`, and a separator between two
/// digits becomes `_` (`-1.5` is `Minus1_5`, `15` is `V15`, `1.5` is `V1_5`).
pub fn enum_variant(value: &str) -> String {
    let (sign, rest) = match value.trim() {
        v if v.starts_with('-') && v.len() > 1 => ("Minus", &v[1..]),
        v if v.starts_with('+') && v.len() > 1 => ("Plus", &v[1..]),
        v => ("", v),
    };
    let mut s = String::from(sign);
    let mut prev_digit = false;
    let mut pending_sep = false;
    for segment in rest.split(|c: char| !c.is_alphanumeric()) {
        if segment.is_empty() {
            pending_sep = true;
            continue;
        }
        if (pending_sep || s.len() > sign.len()) && prev_digit && segment.starts_with(|c: char| c.is_ascii_digit()) {
            s.push('_');
        }
        s.push_str(&segment.to_upper_camel_case());
        prev_digit = segment.ends_with(|c: char| c.is_ascii_digit());
        pending_sep = false;
    }
    if s.is_empty() {
        s.push_str("Empty");
    }
    if !s.starts_with(|c: char| c.is_alphabetic()) {
        s.insert(0, 'V');
    }
    escape(s)
}

/// The identifier without a raw prefix (for building derived names).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_fields_and_methods() {
        assert_eq!(snake("IsUMEnabled"), "is_um_enabled");
        assert_eq!(snake("ResetPIN"), "reset_pin");
        assert_eq!(snake("PlayOnPhone2"), "play_on_phone2");
        assert_eq!(snake("SIPResponseText"), "sip_response_text");
        assert_eq!(snake("base64FolderId"), "base64_folder_id");
        assert_eq!(snake("entryId"), "entry_id");
        assert_eq!(snake("dialString"), "dial_string");
        assert_eq!(snake("ResponseClass"), "response_class");
        assert_eq!(snake("my-attr.name"), "my_attr_name");
        assert_eq!(snake("Élan"), "élan");
    }

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("Type"), "r#type");
        assert_eq!(snake("match"), "r#match");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(snake("gen"), "r#gen");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("super"), "super_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(upper_camel("self"), "Self_");
        assert_eq!(upper_camel("Self"), "Self_");
        assert_eq!(upper_camel("type"), "Type");
        for kw in KEYWORDS {
            let s = snake(kw);
            assert!(s.starts_with("r#") || s.ends_with('_') || s != *kw, "{kw} -> {s}");
            let parsed = syn::parse_str::<syn::Ident>(&s);
            assert!(parsed.is_ok() || s.ends_with('_'), "{s} is not an identifier");
        }
    }

    #[test]
    fn every_escaped_name_is_a_valid_identifier() {
        for name in ["type", "Self", "self", "crate", "1st", "", "-", "a b", "fn", "union", "_", "Ω"] {
            for ident in [snake(name), upper_camel(name)] {
                assert!(syn::parse_str::<syn::Ident>(&ident).is_ok(), "{name:?} -> {ident:?}");
            }
        }
    }

    #[test]
    fn enum_variants_keep_signs_and_decimal_points() {
        assert_eq!(enum_variant("+1000.0001"), "Plus1000_0001");
        assert_eq!(enum_variant("-1000.0001"), "Minus1000_0001");
        assert_eq!(enum_variant("1000.0001"), "V1000_0001");
        assert_eq!(enum_variant("10000001"), "V10000001");
        assert_eq!(enum_variant("-INF"), "MinusInf");
        assert_eq!(enum_variant("-"), "Empty");
        assert_eq!(enum_variant(""), "Empty");
        assert_eq!(enum_variant("Exchange2007_SP1"), "Exchange2007Sp1");
        assert_eq!(enum_variant("a-b"), "AB");
        assert_eq!(enum_variant("a_b"), "AB");
        assert_eq!(enum_variant("Self"), "Self_");
        assert_eq!(enum_variant("2007 1"), "V2007_1");
        for v in ["+1", "-1", "1.5", "1e5", "-0", "x"] {
            assert!(syn::parse_str::<syn::Ident>(&enum_variant(v)).is_ok(), "{v}");
        }
    }

    #[test]
    fn upper_camel_types_and_variants() {
        assert_eq!(upper_camel("UMProperties"), "UmProperties");
        assert_eq!(upper_camel("GetUMPropertiesResponse"), "GetUmPropertiesResponse");
        assert_eq!(upper_camel("ConnectingSIDType"), "ConnectingSidType");
        assert_eq!(upper_camel("Exchange2007_SP1"), "Exchange2007Sp1");
        assert_eq!(upper_camel("recurrence:DayOfMonth"), "RecurrenceDayOfMonth");
        assert_eq!(upper_camel("1"), "V1");
        assert_eq!(upper_camel("-1.5"), "V15");
        assert_eq!(upper_camel(""), "Empty");
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("plain"), "plain");
    }
}
