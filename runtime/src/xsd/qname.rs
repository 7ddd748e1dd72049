//! `xs:QName` values, resolved through the namespace declarations in scope.

use std::fmt;

use super::ValueError;
use crate::xml::reader::is_ws_char;

/// A qualified name value (`xs:QName`), e.g. a SOAP fault code.
///
/// Equality and hashing use the namespace URI and local name only. A decoded value also keeps
/// the prefix and the exact text it was written with, so it is written back unchanged when the
/// prefix is still bound to the same namespace.
#[derive(Clone, Debug, Default)]
pub struct QName {
    /// Namespace URI (empty for none).
    pub ns: String,
    /// Local name.
    pub local: String,
    /// Preferred prefix (as received, or chosen by the caller).
    pub prefix: Option<String>,
    lexical: Option<Box<str>>,
}

impl QName {
    /// A new name with no prefix preference.
    pub fn new(ns: impl Into<String>, local: impl Into<String>) -> Self {
        QName { ns: ns.into(), local: local.into(), prefix: None, lexical: None }
    }

    /// A new name with a preferred prefix.
    pub fn with_prefix(ns: impl Into<String>, local: impl Into<String>, prefix: impl Into<String>) -> Self {
        QName { ns: ns.into(), local: local.into(), prefix: Some(prefix.into()), lexical: None }
    }

    /// Parses `text` (`prefix:local` or `local`), resolving the prefix with `resolve`
    /// (`""` asks for the default namespace).
    pub fn parse_with(text: &str, resolve: impl Fn(&str) -> Option<String>) -> Result<Self, ValueError> {
        let t = text.trim_matches(is_ws_char);
        let (prefix, local) = match t.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, t),
        };
        if local.is_empty()
            || local.contains(':')
            || prefix.is_some_and(str::is_empty)
            || super::string::check_ncname(local).is_err()
            || prefix.is_some_and(|p| super::string::check_ncname(p).is_err())
        {
            return Err(ValueError::new(format!("'{t}' is not a valid xs:QName")));
        }
        let ns = match resolve(prefix.unwrap_or("")) {
            Some(ns) => ns,
            None => match prefix {
                Some(p) => return Err(ValueError::new(format!("the prefix '{p}' of QName '{t}' is not declared"))),
                None => String::new(),
            },
        };
        Ok(QName {
            ns,
            local: local.to_owned(),
            prefix: prefix.map(str::to_owned),
            lexical: (t != text || prefix.is_some()).then(|| text.into()),
        })
    }

    /// The exact text this value was decoded from, if it was decoded.
    pub fn lexical(&self) -> Option<&str> {
        self.lexical.as_deref()
    }

    /// Forgets the decoded text (the value is then written as `prefix:local`).
    pub fn clear_lexical(&mut self) {
        self.lexical = None;
    }
}

impl PartialEq for QName {
    fn eq(&self, other: &Self) -> bool {
        self.ns == other.ns && self.local == other.local
    }
}

impl Eq for QName {}

impl std::hash::Hash for QName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.ns.hash(state);
        self.local.hash(state);
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ns.is_empty() { f.write_str(&self.local) } else { write!(f, "{{{}}}{}", self.ns, self.local) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(p: &str) -> Option<String> {
        match p {
            "a" => Some("urn:a".into()),
            "" => None,
            _ => None,
        }
    }

    #[test]
    fn parses_and_keeps_text() {
        let q = QName::parse_with("a:Foo\n  ", resolver).unwrap();
        assert_eq!((q.ns.as_str(), q.local.as_str(), q.prefix.as_deref()), ("urn:a", "Foo", Some("a")));
        assert_eq!(q.lexical(), Some("a:Foo\n  "));
        assert_eq!(q, QName::new("urn:a", "Foo"));
        let plain = QName::parse_with("Bar", resolver).unwrap();
        assert_eq!(plain.ns, "");
        assert_eq!(plain.lexical(), None);
    }

    #[test]
    fn rejects_undeclared_prefix_and_bad_names() {
        assert!(QName::parse_with("b:Foo", resolver).unwrap_err().message().contains("not declared"));
        assert!(QName::parse_with("a:", resolver).is_err());
        assert!(QName::parse_with(":x", resolver).is_err());
        assert!(QName::parse_with("a:b:c", resolver).is_err());
        assert!(QName::parse_with("1x", resolver).is_err());
    }
}
