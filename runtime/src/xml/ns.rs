//! Namespace identities.
//!
//! The reader maps every namespace URI it meets to a small [`NsId`] once, when the URI is
//! declared, so that matching an element or attribute name is an integer comparison plus a
//! comparison of the local name. Generated code lists the namespaces it knows in a
//! [`NsTable`]; URIs outside the table get dynamic ids private to one reader.

/// The XML namespace (`xml:` prefix), bound by definition.
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
/// The XML Schema instance namespace (`xsi:type`, `xsi:nil`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The XML Schema namespace.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// The SOAP 1.1 envelope namespace.
pub const SOAP11_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace.
pub const SOAP12_ENV: &str = "http://www.w3.org/2003/05/soap-envelope";

/// The identity of a namespace URI within one [`NsTable`] (and one reader).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct NsId(pub u16);

impl NsId {
    /// No namespace (an unqualified name).
    pub const NONE: NsId = NsId(0);
    /// [`XML`].
    pub const XML: NsId = NsId(1);
    /// [`XSI`].
    pub const XSI: NsId = NsId(2);
    /// [`SOAP11_ENV`].
    pub const SOAP11: NsId = NsId(3);
    /// [`SOAP12_ENV`].
    pub const SOAP12: NsId = NsId(4);
    /// The first id a generated table may use for its own namespaces.
    pub const FIRST_USER: u16 = 5;
}

/// The namespaces a generated module knows, indexed by [`NsId`].
///
/// The first [`NsId::FIRST_USER`] entries are fixed: `""`, [`XML`], [`XSI`], [`SOAP11_ENV`],
/// [`SOAP12_ENV`]; use [`NsTable::with_user`] to build a table.
#[derive(Clone, Copy, Debug)]
pub struct NsTable {
    uris: &'static [&'static str],
}

/// The fixed head of every table.
pub const STANDARD_NAMESPACES: [&str; 5] = ["", XML, XSI, SOAP11_ENV, SOAP12_ENV];

impl NsTable {
    /// A table holding only the standard namespaces.
    pub const STANDARD: NsTable = NsTable { uris: &STANDARD_NAMESPACES };

    /// A table from a complete list whose first five entries are [`STANDARD_NAMESPACES`].
    ///
    /// # Panics
    /// At compile time (in a `const`) or at run time if the head of `uris` is not the standard
    /// list; generated code always passes a correct list.
    pub const fn with_user(uris: &'static [&'static str]) -> NsTable {
        assert!(uris.len() >= STANDARD_NAMESPACES.len(), "namespace table lacks the standard head");
        let mut i = 0;
        while i < STANDARD_NAMESPACES.len() {
            assert!(const_str_eq(uris[i], STANDARD_NAMESPACES[i]), "namespace table does not start with the standard namespaces");
            i += 1;
        }
        assert!(uris.len() < u16::MAX as usize / 2, "namespace table too large");
        NsTable { uris }
    }

    /// The id of `uri`, if the table holds it.
    #[inline]
    pub fn lookup(&self, uri: &str) -> Option<NsId> {
        if uri.is_empty() {
            return Some(NsId::NONE);
        }
        self.uris.iter().skip(1).position(|u| *u == uri).map(|i| NsId(i as u16 + 1))
    }

    /// The URI of a table id (`None` for a dynamic id).
    #[inline]
    pub fn uri(&self, id: NsId) -> Option<&'static str> {
        self.uris.get(id.0 as usize).copied()
    }

    /// Number of entries; dynamic ids start here.
    #[inline]
    pub fn len(&self) -> usize {
        self.uris.len()
    }

    /// Always false: the standard head is present.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.uris.is_empty()
    }
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: NsTable = NsTable::with_user(&["", XML, XSI, SOAP11_ENV, SOAP12_ENV, "urn:a", "urn:b"]);

    #[test]
    fn lookup_maps_standard_and_user_namespaces() {
        assert_eq!(TABLE.lookup(""), Some(NsId::NONE));
        assert_eq!(TABLE.lookup(XSI), Some(NsId::XSI));
        assert_eq!(TABLE.lookup(SOAP12_ENV), Some(NsId::SOAP12));
        assert_eq!(TABLE.lookup("urn:b"), Some(NsId(6)));
        assert_eq!(TABLE.lookup("urn:c"), None);
        assert_eq!(TABLE.uri(NsId(5)), Some("urn:a"));
        assert_eq!(TABLE.uri(NsId(7)), None);
    }

    #[test]
    #[should_panic(expected = "standard namespaces")]
    fn table_without_standard_head_is_rejected() {
        let _ = NsTable::with_user(&["", XML, "urn:x", SOAP11_ENV, SOAP12_ENV]);
    }
}
