//! Owned XML content for wildcards (`xs:any`, `xs:anyType`) and SOAP fault details: whatever
//! was received is kept, namespaces included, and written back faithfully.

use std::borrow::Cow;

use super::error::{DecodeError, EncodeError};
use super::ns::NsId;
use super::reader::{Attr, Node, Reader, Start};
use super::writer::Writer;

/// An element captured with everything inside it.
///
/// Equality is that of the XML it stands for: names by namespace URI and local name, attributes,
/// children. Prefixes and namespace declarations are how it was spelled: the prefix is only a
/// hint for writing the element back (the writer may reuse a prefix already bound to the same
/// namespace, as for [`QName`](crate::xsd::QName)), and a declaration already in force where
/// the element is written is left out.
#[derive(Clone, Debug, Eq, Default)]
pub struct AnyElement {
    /// Namespace URI (empty for none): borrowed when it is one of the namespaces the generated
    /// code knows, so capturing an element does not copy it.
    pub ns: Cow<'static, str>,
    /// Local name.
    pub local: String,
    /// Prefix as received (a hint when writing it back).
    pub prefix: Option<String>,
    /// Namespace declarations written on this element, as `(prefix, uri)`; kept so that
    /// QName-valued content (`xsi:type`, fault codes) still resolves when written back.
    pub namespaces: Vec<(String, String)>,
    /// Attributes (namespace declarations excluded).
    pub attributes: Vec<AnyAttribute>,
    /// Child nodes in document order.
    pub children: Vec<AnyNode>,
}

/// An attribute of an [`AnyElement`] (equal by namespace URI, local name and value).
#[derive(Clone, Debug, Eq, Default)]
pub struct AnyAttribute {
    /// Namespace URI (empty for none).
    pub ns: Cow<'static, str>,
    /// Local name.
    pub local: String,
    /// Prefix as received.
    pub prefix: Option<String>,
    /// Normalized value.
    pub value: String,
}

impl AnyAttribute {
    /// Captures attribute `a` as received (its namespace borrowed when the generated code knows
    /// it): for `xs:anyAttribute` and captured elements.
    pub fn capture(r: &Reader<'_>, a: Attr<'_>) -> Self {
        AnyAttribute {
            ns: r.ns_uri_cow(a.ns),
            local: a.local.to_owned(),
            prefix: a.name.split_once(':').map(|(p, _)| p.to_owned()),
            value: a.value.into_owned(),
        }
    }

    /// Writes the attribute on the open start tag (its prefix a hint, as for the element's).
    pub fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.attr_with_prefix(&self.ns, &self.local, &self.value, self.prefix.as_deref())
    }
}

impl PartialEq for AnyElement {
    fn eq(&self, other: &Self) -> bool {
        self.ns == other.ns && self.local == other.local && self.attributes == other.attributes && self.children == other.children
    }
}

impl PartialEq for AnyAttribute {
    fn eq(&self, other: &Self) -> bool {
        self.ns == other.ns && self.local == other.local && self.value == other.value
    }
}

/// A child of an [`AnyElement`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnyNode {
    /// A child element.
    Element(AnyElement),
    /// Character data.
    Text(String),
}

impl AnyElement {
    /// A new element without attributes or children.
    pub fn new(ns: impl Into<Cow<'static, str>>, local: impl Into<String>) -> Self {
        AnyElement { ns: ns.into(), local: local.into(), ..AnyElement::default() }
    }

    /// Adds a text child (builder style).
    #[must_use]
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.children.push(AnyNode::Text(text.into()));
        self
    }

    /// Adds an element child (builder style).
    #[must_use]
    pub fn with_child(mut self, child: AnyElement) -> Self {
        self.children.push(AnyNode::Element(child));
        self
    }

    /// Adds an attribute (builder style).
    #[must_use]
    pub fn with_attribute(mut self, ns: impl Into<Cow<'static, str>>, local: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push(AnyAttribute { ns: ns.into(), local: local.into(), prefix: None, value: value.into() });
        self
    }

    /// Declares `prefix` for `uri` on this element (builder style), e.g. for a QName-valued
    /// attribute.
    #[must_use]
    pub fn with_namespace(mut self, prefix: impl Into<String>, uri: impl Into<String>) -> Self {
        self.namespaces.push((prefix.into(), uri.into()));
        self
    }

    /// Whether this is `{ns}local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// The concatenated text of the direct text children.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.children {
            if let AnyNode::Text(t) = c {
                s.push_str(t);
            }
        }
        s
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &AnyElement> {
        self.children.iter().filter_map(|c| match c {
            AnyNode::Element(e) => Some(e),
            AnyNode::Text(_) => None,
        })
    }

    /// The first child element `{ns}local`.
    pub fn child(&self, ns: &str, local: &str) -> Option<&AnyElement> {
        self.elements().find(|e| e.is(ns, local))
    }

    /// The value of attribute `{ns}local`.
    pub fn attribute(&self, ns: &str, local: &str) -> Option<&str> {
        self.attributes.iter().find(|a| a.ns == ns && a.local == local).map(|a| a.value.as_str())
    }

    /// Captures the element `start` (already read) and all its content.
    ///
    /// The tree keeps no spare room: a document of it may be kept whole (a large `xs:any`),
    /// so each element's attributes and children are gathered on stacks the thread keeps for
    /// captures and moved into vectors of their exact size when the element ends.
    pub fn decode<'a>(r: &mut Reader<'a>, start: &Start<'a>) -> Result<Self, DecodeError> {
        type Stacks = (Vec<AnyAttribute>, Vec<AnyNode>);
        thread_local! {
            static STACKS: std::cell::RefCell<Stacks> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
        }
        STACKS.with(|stacks| match stacks.try_borrow_mut() {
            Ok(mut stacks) => {
                let captured = Self::decode_with(r, start, &mut stacks);
                stacks.0.clear();
                stacks.1.clear();
                // A large capture's room is not kept for the thread's life.
                if stacks.0.capacity() > 256 || stacks.1.capacity() > 256 {
                    *stacks = Stacks::default();
                }
                captured
            }
            // Not reached (a capture does not start another), but a fresh pair would do.
            Err(_) => Self::decode_with(r, start, &mut Stacks::default()),
        })
    }

    fn decode_with<'a>(r: &mut Reader<'a>, start: &Start<'a>, stacks: &mut (Vec<AnyAttribute>, Vec<AnyNode>)) -> Result<Self, DecodeError> {
        let mut el = AnyElement {
            ns: r.ns_uri_cow(start.ns()),
            local: start.local().to_owned(),
            prefix: start.prefix().map(str::to_owned),
            ..AnyElement::default()
        };
        for (prefix, ns) in r.own_prefixes() {
            el.namespaces.push((prefix.to_owned(), r.ns_uri(ns).to_owned()));
        }
        let first_attribute = stacks.0.len();
        for a in r.attributes(start) {
            stacks.0.push(AnyAttribute::capture(r, a?));
        }
        el.attributes = stacks.0.drain(first_attribute..).collect();
        let first_child = stacks.1.len();
        while let Some(node) = r.next_node(start)? {
            match node {
                Node::Text(t) => stacks.1.push(AnyNode::Text(t.into_owned())),
                Node::Element(child) => {
                    let c = AnyElement::decode_with(r, &child, stacks).map_err(|e| e.within(child.name()))?;
                    stacks.1.push(AnyNode::Element(c));
                }
            }
        }
        el.children = stacks.1.drain(first_child..).collect();
        Ok(el)
    }

    /// Writes the element back.
    pub fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.start_captured(&self.ns, &self.local, self.prefix.as_deref(), &self.namespaces)?;
        for a in &self.attributes {
            a.encode(w)?;
        }
        for c in &self.children {
            match c {
                AnyNode::Text(t) => w.text(t),
                AnyNode::Element(e) => e.encode(w)?,
            }
        }
        w.end(&self.ns, &self.local)
    }
}

/// Whether a namespace matches a wildcard's namespace constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wildcard {
    /// `##any`.
    Any,
    /// `##other`: any namespace except the target namespace, and not unqualified.
    Other(NsId),
    /// An explicit list (`##local` is [`NsId::NONE`], `##targetNamespace` the target id).
    List(&'static [NsId]),
}

impl Wildcard {
    /// Whether an element or attribute in `ns` is allowed.
    pub fn allows(&self, ns: NsId) -> bool {
        match self {
            Wildcard::Any => true,
            Wildcard::Other(target) => ns != *target && ns != NsId::NONE,
            Wildcard::List(list) => list.contains(&ns),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::ns::NsTable;

    #[test]
    fn capture_and_write_back_keep_names_text_and_declarations() {
        let doc = r#"<r xmlns:e="urn:e"><e:A x="1" xmlns:q="urn:q" q:y="2">t<e:B>u</e:B>v</e:A></r>"#;
        let mut r = Reader::new(doc, NsTable::STANDARD);
        let root = r.root().unwrap();
        let a = r.next_child(&root).unwrap().unwrap();
        let any = AnyElement::decode(&mut r, &a).unwrap();
        assert!(r.next_child(&root).unwrap().is_none());
        assert_eq!(any.ns, "urn:e");
        assert_eq!(any.attribute("urn:q", "y"), Some("2"));
        assert_eq!(any.text(), "tv");
        assert_eq!(any.child("urn:e", "B").unwrap().text(), "u");
        let mut w = Writer::new();
        any.encode(&mut w).unwrap();
        // A's own declaration (q) first, then the one its name needs here (e, inherited in
        // the input).
        assert_eq!(w.into_string(), r#"<e:A xmlns:q="urn:q" xmlns:e="urn:e" x="1" q:y="2">t<e:B>u</e:B>v</e:A>"#);
    }

    #[test]
    fn captured_trees_keep_no_spare_room() {
        let doc = r#"<r><a x="1" y="2">t<b/>u<c/>v</a></r>"#;
        let mut r = Reader::new(doc, NsTable::STANDARD);
        let root = r.root().unwrap();
        let any = AnyElement::decode(&mut r, &root).unwrap();
        let AnyNode::Element(a) = &any.children[0] else { panic!("an element") };
        // Vectors grown a push at a time would have room for 4 attributes and 8 children.
        assert_eq!((a.attributes.len(), a.children.len()), (2, 5));
        assert_eq!((a.attributes.capacity(), a.children.capacity()), (2, 5));
        assert_eq!(any.children.capacity(), 1);
    }

    #[test]
    fn equality_ignores_prefixes_and_declarations_but_not_namespaces() {
        let a = AnyElement::new("urn:e", "A").with_attribute("urn:q", "y", "2");
        let mut b = a.clone();
        b.prefix = Some("e".into());
        b.attributes[0].prefix = Some("q".into());
        b.namespaces.push(("e".into(), "urn:e".into()));
        assert_eq!(a, b, "a prefix is a hint, a declaration a spelling");
        let mut c = a.clone();
        c.ns = "urn:other".into();
        assert_ne!(a, c);
        let mut d = a.clone();
        d.attributes[0].value = "3".into();
        assert_ne!(a, d);
    }
}
