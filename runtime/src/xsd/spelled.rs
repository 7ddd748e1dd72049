//! [`Spelled`]: a value together with the lexical form it was read from.
//!
//! Most datatypes here write the form they read (see the [module docs](super)); the
//! fixed-width integers, `float`/`double`, `boolean` and the binary types are plain Rust values
//! that write their canonical form. That is right until a schema restricts one of them with
//! `xs:pattern`: `<xs:restriction base="xs:int"><xs:pattern value="\d{3}"/></xs:restriction>`
//! accepts `009`, whose canonical form `9` the pattern refuses. The generated code holds such
//! types as `Spelled<i32>`, which writes back the spelling it was given.

use std::fmt;
use std::ops::Deref;

/// A value and, when it was decoded, the spelling it was decoded from.
///
/// A `Spelled` built from a value ([`Spelled::new`], `From`) writes the value's canonical
/// form; one read from a document writes the text it was read from (after whitespace
/// collapsing). The spelling cannot be changed apart from the value: it is only ever the
/// spelling of this value. Equality, order and hashing are the value's.
#[derive(Clone, Default)]
pub struct Spelled<T> {
    value: T,
    spelling: Option<Box<str>>,
}

impl<T> Spelled<T> {
    /// A value that is written in its canonical form.
    pub fn new(value: T) -> Self {
        Spelled { value, spelling: None }
    }

    /// A value read from `spelling` (which the caller parsed to `value`).
    pub fn read(value: T, spelling: &str) -> Self {
        Spelled { value, spelling: Some(spelling.into()) }
    }

    /// The value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The value, dropping the spelling.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The spelling it was read from, if it was read.
    pub fn spelling(&self) -> Option<&str> {
        self.spelling.as_deref()
    }
}

impl<T> From<T> for Spelled<T> {
    fn from(value: T) -> Self {
        Spelled::new(value)
    }
}

impl<T> Deref for Spelled<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Spelled<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spelled<T> {}

impl<T: PartialOrd> PartialOrd for Spelled<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Spelled<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: std::hash::Hash> std::hash::Hash for Spelled<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: fmt::Debug> fmt::Debug for Spelled<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.spelling {
            Some(s) => write!(f, "{:?} (spelled {s:?})", self.value),
            None => self.value.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_the_values() {
        assert_eq!(Spelled::read(9, "009"), Spelled::new(9));
        assert_ne!(Spelled::read(9, "009"), Spelled::new(10));
        assert_eq!(Spelled::read(9, "009").spelling(), Some("009"));
        assert_eq!(Spelled::new(9).spelling(), None);
        assert_eq!(*Spelled::read(9, "009"), 9);
        assert_eq!(format!("{:?}", Spelled::read(9, "009")), "9 (spelled \"009\")");
    }
}
