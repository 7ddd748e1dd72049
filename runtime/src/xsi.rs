//! `xsi:type`: reading it, writing it, and type substitution (XML Schema part 1, 3.3.4
//! clause 4 and 3.4.6).
//!
//! An element declared with a complex type `B` may carry the content of a type derived from
//! `B` if it says so with `xsi:type`. The generated code holds the value of such an element as
//! an enum over `B` and the types derived from it (see `soapkit-codegen`'s documentation); its
//! decoder reads `xsi:type` with [`xsi_type`] and picks the variant, and its encoder writes
//! `xsi:type` with [`write_xsi_type`] for every variant but `B` itself. A substitution the
//! schema forbids is a validity error naming the element, the type and why:
//! [`not_derived`], [`abstract_type`], [`blocked`].

use std::borrow::Cow;

use crate::xml::{Attr, DecodeError, EncodeError, NsId, Reader, Start, Writer};

/// A set of derivation methods, for `block`, `final` and the methods a derivation chain uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Derivations(u8);

impl Derivations {
    /// No method.
    pub const NONE: Derivations = Derivations(0);
    /// `extension`.
    pub const EXTENSION: Derivations = Derivations(1);
    /// `restriction`.
    pub const RESTRICTION: Derivations = Derivations(2);
    /// Both.
    pub const ALL: Derivations = Derivations(3);

    /// The set with these bits (1: extension, 2: restriction), as generated code spells it in
    /// a const generic.
    pub const fn from_bits(bits: u8) -> Derivations {
        Derivations(bits & 3)
    }

    /// The bits of the set (see [`Derivations::from_bits`]).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The union of two sets.
    pub const fn with(self, other: Derivations) -> Derivations {
        Derivations(self.0 | other.0)
    }

    /// The methods in both sets.
    pub const fn common(self, other: Derivations) -> Derivations {
        Derivations(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The methods in words: `extension`, `restriction`, `extension and restriction`.
    pub fn describe(self) -> &'static str {
        match self.0 {
            0 => "no derivation",
            1 => "extension",
            2 => "restriction",
            _ => "extension and restriction",
        }
    }
}

/// The `xsi:type` of an element, resolved through the namespaces in scope there.
#[derive(Clone, Debug)]
pub struct XsiType<'a> {
    /// The namespace of the type name (the default namespace for an unprefixed name).
    pub ns: NsId,
    /// The local name.
    pub local: Cow<'a, str>,
    /// The attribute value as written (whitespace trimmed), for messages.
    pub text: Cow<'a, str>,
}

impl XsiType<'_> {
    /// Whether the type named is `{ns}local`.
    #[inline]
    pub fn is(&self, ns: NsId, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// Whether the type named is `{uri}local` (for namespaces outside the reader's table).
    pub fn is_uri(&self, r: &Reader<'_>, uri: &str, local: &str) -> bool {
        self.local == local && r.ns_uri(self.ns) == uri
    }
}

/// Resolves an `xsi:type` attribute value. An undeclared prefix or a value that is not a
/// QName is an error.
pub fn parse_xsi_type<'a>(r: &Reader<'a>, el: &Start<'a>, attr: &Attr<'a>) -> Result<XsiType<'a>, DecodeError> {
    const WS: [char; 4] = [' ', '\t', '\r', '\n'];
    let bad =
        |why: &str| r.invalid(el.offset(), format!("xsi:type=\"{}\" on element {}: {why}", attr.value, r.expanded(el.ns(), el.local())));
    // Borrow from the input where the value is (no entity in it), copy otherwise.
    let sub = |range: std::ops::Range<usize>| -> Cow<'a, str> {
        match &attr.value {
            Cow::Borrowed(s) => Cow::Borrowed(&s[range]),
            Cow::Owned(s) => Cow::Owned(s[range].to_owned()),
        }
    };
    let value: &str = &attr.value;
    let start = value.len() - value.trim_start_matches(WS).len();
    let end = value.trim_end_matches(WS).len().max(start);
    let t = &value[start..end];
    let (prefix, local_at) = match t.find(':') {
        Some(i) => (&t[..i], start + i + 1),
        None => ("", start),
    };
    if crate::xsd::check_ncname(&value[local_at..end]).is_err() || (!prefix.is_empty() && crate::xsd::check_ncname(prefix).is_err()) {
        return Err(bad("not a QName"));
    }
    let Some(ns) = r.resolve_prefix(prefix) else {
        return Err(bad(&format!("the prefix '{prefix}' is not declared")));
    };
    Ok(XsiType { ns, local: sub(local_at..end), text: sub(start..end) })
}

/// The `xsi:type` attribute of `el`, if it has one.
pub fn xsi_type<'a>(r: &Reader<'a>, el: &Start<'a>) -> Result<Option<XsiType<'a>>, DecodeError> {
    for a in r.attributes(el) {
        let a = a?;
        if a.is(NsId::XSI, "type") {
            return parse_xsi_type(r, el, &a).map(Some);
        }
    }
    Ok(None)
}

/// Writes `xsi:type` naming `{uri}local` on the open start tag, declaring the prefixes it
/// needs (`preferred` for the type's namespace, if it is not bound yet).
pub fn write_xsi_type(w: &mut Writer, uri: &str, local: &str, preferred: Option<&str>) -> Result<(), EncodeError> {
    let mut value = w.take_scratch();
    let res = w.push_prefix(uri, preferred, &mut value);
    value.push_str(local);
    let res = res.and_then(|()| w.attr_with_prefix(crate::xml::ns::XSI, "type", &value, Some("xsi")));
    w.put_scratch(value);
    res
}

fn on(r: &Reader<'_>, el: &Start<'_>, t: &XsiType<'_>) -> String {
    format!("xsi:type=\"{}\" on element {} names {}", t.text, r.expanded(el.ns(), el.local()), r.expanded(t.ns, &t.local))
}

/// `xsi:type` names a type that may not substitute the declared type `declared` (`{uri}local`):
/// one of `refused` (`(uri, local, why)`: an abstract or blocked derived type) with its reason,
/// or a type that is not derived from it at all.
pub fn not_derived<'a>(r: &Reader<'a>, el: &Start<'a>, t: &XsiType<'_>, declared: &str, refused: &[(&str, &str, &str)]) -> DecodeError {
    if let Some((_, _, why)) = refused.iter().find(|(u, l, _)| t.is_uri(r, u, l)) {
        return r.invalid(el.offset(), format!("{}, {why}", on(r, el, t)));
    }
    r.invalid(el.offset(), format!("{}, which is not {declared} or a type derived from it", on(r, el, t)))
}

/// `xsi:type` on an element whose type is anonymous (nothing derives from it) or simple and
/// named otherwise.
pub fn unexpected_xsi_type<'a>(r: &Reader<'a>, el: &Start<'a>, attr: &Attr<'a>, declared: Option<(&str, &str)>) -> DecodeError {
    let t = match parse_xsi_type(r, el, attr) {
        Ok(t) => t,
        Err(e) => return e,
    };
    match declared {
        Some((u, l)) => {
            let name = if u.is_empty() { l.to_owned() } else { format!("{{{u}}}{l}") };
            r.invalid(el.offset(), format!("{}, which is not {name} or a type derived from it", on(r, el, &t)))
        }
        None => r.invalid(el.offset(), format!("{}, but the element's type is anonymous, so no type can substitute for it", on(r, el, &t))),
    }
}

/// `xsi:type` on an element of simple type that does not name the declared type `declared`:
/// substituting a simple type (a derived built-in, a restriction or a union member) is not
/// supported, so only the declared type is accepted.
pub fn simple_xsi_type<'a>(r: &Reader<'a>, el: &Start<'a>, attr: &Attr<'a>, declared: Option<(&str, &str)>) -> DecodeError {
    let t = match parse_xsi_type(r, el, attr) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let declared = match declared {
        Some(("", l)) => format!("the simple type {l}"),
        Some((u, l)) => format!("the simple type {{{u}}}{l}"),
        None => "an anonymous simple type".to_owned(),
    };
    r.invalid(
        el.offset(),
        format!(
            "{}, but the element has {declared}, and substituting a simple type is not supported (only its own name is accepted)",
            on(r, el, &t)
        ),
    )
}

/// An element of the abstract type `declared` without an `xsi:type` naming a concrete type
/// derived from it (`candidates`, for the message).
pub fn abstract_type<'a>(r: &Reader<'a>, el: &Start<'a>, declared: &str, candidates: &str) -> DecodeError {
    let hint =
        if candidates.is_empty() { "; the schema set derives no concrete type from it".to_owned() } else { format!(" ({candidates})") };
    r.invalid(
        el.offset(),
        format!(
            "element {} has the abstract type {declared}: it needs an xsi:type naming a concrete type derived from it{hint}",
            r.expanded(el.ns(), el.local())
        ),
    )
}

/// Checks that the derivation methods `methods` of the type `xsi:type` names are not among
/// those the element blocks (`blocked`, from its `block` attribute or its schema's
/// `blockDefault`).
pub fn blocked<'a>(r: &Reader<'a>, el: &Start<'a>, t: &XsiType<'_>, blocked: Derivations, methods: Derivations) -> Result<(), DecodeError> {
    let hit = blocked.common(methods);
    if hit.is_empty() {
        return Ok(());
    }
    Err(r.invalid(
        el.offset(),
        format!(
            "{}, which is derived by {}, and element {} blocks substitution by {}",
            on(r, el, t),
            methods.describe(),
            r.expanded(el.ns(), el.local()),
            hit.describe()
        ),
    ))
}

/// The encoding counterpart of [`blocked`]: a value of a derived type where the element blocks
/// its derivation method.
pub fn check_blocked_encode(element: &str, type_name: &str, blocked: Derivations, methods: Derivations) -> Result<(), EncodeError> {
    let hit = blocked.common(methods);
    if hit.is_empty() {
        return Ok(());
    }
    Err(EncodeError::new(format!(
        "element {element} blocks substitution by {}: it cannot hold a value of {type_name}, which is derived by {}",
        hit.describe(),
        methods.describe()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::NsTable;

    fn first_child_type(doc: &str) -> Result<Option<(String, String, String)>, String> {
        let mut r = Reader::new(doc, NsTable::STANDARD);
        let root = r.root().unwrap();
        let c = r.next_child(&root).unwrap().unwrap();
        match xsi_type(&r, &c) {
            Ok(Some(t)) => Ok(Some((r.ns_uri(t.ns).to_owned(), t.local.into_owned(), t.text.into_owned()))),
            Ok(None) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    const XSI: &str = "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'";

    #[test]
    fn resolves_the_prefix_in_scope_at_the_element() {
        let d = format!("<r {XSI} xmlns:a='urn:a'><c xmlns:b='urn:b' xsi:type=' b:T '/></r>");
        assert_eq!(first_child_type(&d).unwrap(), Some(("urn:b".into(), "T".into(), "b:T".into())));
        let d = format!("<r {XSI} xmlns='urn:d'><c xsi:type='T'/></r>");
        assert_eq!(first_child_type(&d).unwrap(), Some(("urn:d".into(), "T".into(), "T".into())), "unprefixed: the default namespace");
        let d = format!("<r {XSI}><c/></r>");
        assert_eq!(first_child_type(&d).unwrap(), None);
        let d = format!("<r {XSI}><c xsi:type='&#x61;:T' xmlns:a='urn:a'/></r>");
        assert_eq!(first_child_type(&d).unwrap(), Some(("urn:a".into(), "T".into(), "a:T".into())), "an entity in the value");
    }

    #[test]
    fn an_undeclared_prefix_or_a_non_qname_is_an_error() {
        let d = format!("<r {XSI}><c xsi:type='q:T'/></r>");
        assert_eq!(first_child_type(&d).unwrap_err(), "1:58: xsi:type=\"q:T\" on element c: the prefix 'q' is not declared");
        let d = format!("<r {XSI}><c xsi:type='a b'/></r>");
        assert!(first_child_type(&d).unwrap_err().ends_with("xsi:type=\"a b\" on element c: not a QName"));
    }

    #[test]
    fn writes_a_declared_prefix() {
        let mut w = Writer::new();
        w.start("urn:e", "e").unwrap();
        write_xsi_type(&mut w, "urn:t", "T", Some("t")).unwrap();
        w.end("urn:e", "e").unwrap();
        let s = w.into_string();
        assert!(s.contains("xsi:type=\"t:T\""), "{s}");
        assert!(s.contains("xmlns:t=\"urn:t\"") && s.contains("xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""), "{s}");
    }

    #[test]
    fn derivation_sets() {
        assert_eq!(Derivations::EXTENSION.with(Derivations::RESTRICTION), Derivations::ALL);
        assert!(Derivations::EXTENSION.common(Derivations::RESTRICTION).is_empty());
        assert_eq!(Derivations::ALL.describe(), "extension and restriction");
    }
}
