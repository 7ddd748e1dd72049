//! The traits generated types implement and the helpers their code calls.
//!
//! - [`SimpleType`]: values written as text (element content or attribute values);
//!   implemented for every [`Lexical`] built-in, for [`QName`] and by generated enumerations,
//!   restrictions, lists and unions.
//! - [`ComplexType`]: element content with attributes; implemented by generated structs (and
//!   by generated enums that are a complex type made of one choice).
//! - [`Group`]: a model group decoded from a run of sibling elements; implemented by
//!   generated choice enums and nested sequence structs.

use crate::xml::{AnyAttribute, AnyElement, AnyNode, Attr, DecodeError, EncodeError, NsId, Reader, Start, Wildcard, Writer};
use crate::xsd::{Lexical, QName, SimpleValue, ValueError};
use crate::xsi::{Derivations, write_xsi_type, xsi_type};

/// The name of a type, `(namespace, local name)`, for `xsi:type`; `None` for an anonymous one.
pub type TypeName = Option<(&'static str, &'static str)>;

/// A value with a text representation.
pub trait SimpleType: Sized {
    /// Whether writing may declare namespace prefixes (true for QName-valued types).
    const NEEDS_NAMESPACES: bool = false;
    /// Whether the text written never needs escaping (see [`Lexical::PLAIN`]).
    const PLAIN: bool = false;
    /// The type's name `(namespace, local name)`, which `xsi:type` on an element of this type
    /// may repeat; `None` for an anonymous type.
    const TYPE_NAME: TypeName = None;

    /// Parses the text of an element or attribute. `r` resolves namespace prefixes (for
    /// QName-valued types) at the current position.
    fn parse_text(text: &str, r: &Reader<'_>) -> Result<Self, ValueError>;

    /// Appends the text to `buf`; `w` has the start tag still open so that QName-valued types
    /// can declare the prefixes they use.
    fn write_text(&self, buf: &mut String, w: &mut Writer) -> Result<(), EncodeError>;
}

impl<T: Lexical> SimpleType for T {
    const PLAIN: bool = T::PLAIN;
    const TYPE_NAME: TypeName = match T::XS_NAME {
        Some(n) => Some((crate::xml::ns::XS, n)),
        None => None,
    };

    #[inline]
    fn parse_text(text: &str, _r: &Reader<'_>) -> Result<Self, ValueError> {
        T::parse_lexical(text)
    }

    #[inline]
    fn write_text(&self, buf: &mut String, _w: &mut Writer) -> Result<(), EncodeError> {
        self.write_lexical(buf);
        Ok(())
    }
}

impl SimpleType for QName {
    const NEEDS_NAMESPACES: bool = true;
    const TYPE_NAME: TypeName = Some((crate::xml::ns::XS, "QName"));

    fn parse_text(text: &str, r: &Reader<'_>) -> Result<Self, ValueError> {
        QName::parse_with(text, |p| r.resolve_prefix(p).map(|id| r.ns_uri(id).to_owned()))
    }

    fn write_text(&self, buf: &mut String, w: &mut Writer) -> Result<(), EncodeError> {
        let mut prefixed = String::new();
        w.push_prefix(&self.ns, self.prefix.as_deref(), &mut prefixed)?;
        let written_prefix = prefixed.strip_suffix(':').unwrap_or("");
        match self.lexical() {
            Some(lex) if written_prefix == self.prefix.as_deref().unwrap_or("") => buf.push_str(lex),
            _ => {
                buf.push_str(&prefixed);
                buf.push_str(&self.local);
            }
        }
        Ok(())
    }
}

/// How a simple value is read from and written to text. Every [`SimpleType`] is its own
/// codec; the marker types in [`codecs`] give the string-like built-ins (`xs:token`,
/// `xs:NCName`, ...) their whitespace rule and lexical checks over a plain `String`.
pub trait Codec {
    /// The Rust value.
    type Value;
    /// Whether writing may declare namespace prefixes (QName values): such values are
    /// formatted while the start tag is still open.
    const NEEDS_NAMESPACES: bool = false;
    /// Whether the text written never needs escaping (see [`Lexical::PLAIN`]).
    const PLAIN: bool = false;
    /// The datatype's name `(namespace, local name)`, which `xsi:type` may repeat.
    const TYPE_NAME: TypeName = None;
    /// Parses text.
    fn parse(text: &str, r: &Reader<'_>) -> Result<Self::Value, ValueError>;
    /// Appends the text of `v`.
    fn write(v: &Self::Value, buf: &mut String, w: &mut Writer) -> Result<(), EncodeError>;
}

impl<T: SimpleType> Codec for T {
    type Value = T;
    const NEEDS_NAMESPACES: bool = T::NEEDS_NAMESPACES;
    const PLAIN: bool = T::PLAIN;
    const TYPE_NAME: TypeName = T::TYPE_NAME;

    #[inline]
    fn parse(text: &str, r: &Reader<'_>) -> Result<T, ValueError> {
        T::parse_text(text, r)
    }

    #[inline]
    fn write(v: &T, buf: &mut String, w: &mut Writer) -> Result<(), EncodeError> {
        v.write_text(buf, w)
    }
}

/// Codecs of the built-in datatypes whose value is a plain `String` (or list of strings, or
/// an [`Integer`](crate::xsd::Integer) with a sign constraint).
pub mod codecs {
    use super::{Codec, TypeName};
    use crate::xml::ns::XS;
    use crate::xml::{EncodeError, Reader, Writer};
    use crate::xsd::string as s;
    use crate::xsd::{Integer, ValueError};

    fn enc(e: ValueError) -> EncodeError {
        EncodeError::new(e.to_string())
    }

    macro_rules! collapsed_string {
        ($(#[$doc:meta] $name:ident($xs:literal) => $check:expr;)*) => {$(
            #[$doc]
            #[derive(Debug)]
            pub struct $name;
            impl Codec for $name {
                type Value = String;
                const TYPE_NAME: TypeName = Some((XS, $xs));
                fn parse(text: &str, _r: &Reader<'_>) -> Result<String, ValueError> {
                    let v = s::collapse_ws(text);
                    ($check)(&*v)?;
                    Ok(v.into_owned())
                }
                fn write(v: &String, buf: &mut String, _w: &mut Writer) -> Result<(), EncodeError> {
                    ($check)(v.as_str()).map_err(enc)?;
                    if *s::collapse_ws(v) != **v {
                        return Err(EncodeError::new(format!("'{v}' has leading, trailing or repeated whitespace, which the datatype removes")));
                    }
                    buf.push_str(v);
                    Ok(())
                }
            }
        )*};
    }

    collapsed_string! {
        /// `xs:token`.
        Token("token") => |_v: &str| Ok::<(), ValueError>(());
        /// `xs:language`.
        Language("language") => s::check_language;
        /// `xs:Name`.
        Name("Name") => s::check_name;
        /// `xs:NCName`.
        NcName("NCName") => s::check_ncname;
        /// `xs:ID`.
        Id("ID") => s::check_ncname;
        /// `xs:IDREF`.
        IdRef("IDREF") => s::check_ncname;
        /// `xs:ENTITY`.
        Entity("ENTITY") => s::check_ncname;
        /// `xs:NMTOKEN`.
        NmToken("NMTOKEN") => s::check_nmtoken;
        /// `xs:anyURI`.
        AnyUri("anyURI") => s::check_any_uri;
    }

    /// `xs:normalizedString`: TAB, CR and LF become spaces.
    #[derive(Debug)]
    pub struct NormalizedString;

    impl Codec for NormalizedString {
        type Value = String;
        const TYPE_NAME: TypeName = Some((XS, "normalizedString"));
        fn parse(text: &str, _r: &Reader<'_>) -> Result<String, ValueError> {
            Ok(s::replace_ws(text).into_owned())
        }
        fn write(v: &String, buf: &mut String, _w: &mut Writer) -> Result<(), EncodeError> {
            s::check_normalized_string(v).map_err(enc)?;
            buf.push_str(v);
            Ok(())
        }
    }

    macro_rules! token_list {
        ($(#[$doc:meta] $name:ident($xs:literal) => $check:expr;)*) => {$(
            #[$doc]
            #[derive(Debug)]
            pub struct $name;
            impl Codec for $name {
                type Value = Vec<String>;
                const TYPE_NAME: TypeName = Some((XS, $xs));
                fn parse(text: &str, _r: &Reader<'_>) -> Result<Vec<String>, ValueError> {
                    let items: Vec<String> = text.split([' ', '\t', '\r', '\n']).filter(|t| !t.is_empty()).map(str::to_owned).collect();
                    if items.is_empty() {
                        return Err(ValueError::new(concat!("a list of ", $xs, " must have at least one item")));
                    }
                    for i in &items {
                        ($check)(i.as_str())?;
                    }
                    Ok(items)
                }
                fn write(v: &Vec<String>, buf: &mut String, _w: &mut Writer) -> Result<(), EncodeError> {
                    for (n, i) in v.iter().enumerate() {
                        ($check)(i.as_str()).map_err(enc)?;
                        if n > 0 {
                            buf.push(' ');
                        }
                        buf.push_str(i);
                    }
                    Ok(())
                }
            }
        )*};
    }

    token_list! {
        /// `xs:NMTOKENS`: whitespace-separated NMTOKENs.
        NmTokens("NMTOKENS") => s::check_nmtoken;
        /// `xs:IDREFS`: whitespace-separated NCNames.
        IdRefs("IDREFS") => s::check_ncname;
        /// `xs:ENTITIES`: whitespace-separated NCNames.
        Entities("ENTITIES") => s::check_ncname;
    }

    macro_rules! signed_integer {
        ($(#[$doc:meta] $name:ident => $ok:expr, $what:literal;)*) => {$(
            #[$doc]
            #[derive(Debug)]
            pub struct $name;
            impl Codec for $name {
                type Value = Integer;
                const TYPE_NAME: TypeName = Some((XS, $what));
                fn parse(text: &str, r: &Reader<'_>) -> Result<Integer, ValueError> {
                    let v = <Integer as Codec>::parse(text, r)?;
                    if !($ok)(&v) {
                        return Err(ValueError::new(format!(concat!("'{}' is not a valid xs:", $what), v)));
                    }
                    Ok(v)
                }
                fn write(v: &Integer, buf: &mut String, w: &mut Writer) -> Result<(), EncodeError> {
                    if !($ok)(v) {
                        return Err(EncodeError::new(format!(concat!("'{}' is not a valid xs:", $what), v)));
                    }
                    <Integer as Codec>::write(v, buf, w)
                }
            }
        )*};
    }

    signed_integer! {
        /// `xs:nonPositiveInteger`.
        NonPositiveInteger => |v: &Integer| !v.is_positive(), "nonPositiveInteger";
        /// `xs:negativeInteger`.
        NegativeInteger => |v: &Integer| v.is_negative(), "negativeInteger";
        /// `xs:nonNegativeInteger`.
        NonNegativeInteger => |v: &Integer| !v.is_negative(), "nonNegativeInteger";
        /// `xs:positiveInteger`.
        PositiveInteger => |v: &Integer| v.is_positive(), "positiveInteger";
    }
}

/// Element content with attributes.
pub trait ComplexType: Sized {
    /// The type's name `(namespace, local name)`, which `xsi:type` on an element of this type
    /// may repeat; `None` for an anonymous type.
    const TYPE_NAME: TypeName = None;
    /// Decodes the attributes and content of `start`, consuming it through its end tag.
    fn decode_xml<'a>(r: &mut Reader<'a>, start: &Start<'a>) -> Result<Self, DecodeError>;
    /// Like [`decode_xml`](ComplexType::decode_xml), for an element that blocks substitution by
    /// the derivation methods `blocked` (its `block` attribute): a type with derived types
    /// refuses an `xsi:type` derived by one of them. Other types ignore `blocked`.
    fn decode_blocked<'a>(r: &mut Reader<'a>, start: &Start<'a>, blocked: Derivations) -> Result<Self, DecodeError> {
        let _ = blocked;
        Self::decode_xml(r, start)
    }
    /// Checks that the value may be written in an element that blocks substitution by
    /// `blocked` (named `element` in the error).
    fn check_blocked(&self, element: &str, blocked: Derivations) -> Result<(), EncodeError> {
        let _ = (element, blocked);
        Ok(())
    }
    /// Writes the attributes (the start tag is open): none, for a type without attributes.
    fn encode_attributes(&self, w: &mut Writer) -> Result<(), EncodeError> {
        let _ = w;
        Ok(())
    }
    /// Writes the content.
    fn encode_content(&self, w: &mut Writer) -> Result<(), EncodeError>;
}

/// A model group: decoded from the children of `parent` starting at `cur`.
pub trait Group: Sized {
    /// Whether `c` can start the group.
    fn starts_with(c: &Start<'_>) -> bool;
    /// Whether the group can match no element at all.
    const EMPTIABLE: bool;
    /// Decodes the group from `*cur` on, leaving `*cur` at the first child it did not take.
    fn decode_group<'a>(r: &mut Reader<'a>, parent: &Start<'a>, cur: &mut Option<Start<'a>>) -> Result<Self, DecodeError>;
    /// Writes the group's elements.
    fn encode_group(&self, w: &mut Writer) -> Result<(), EncodeError>;
}

/// Content of `xs:anyType`: any attributes and any mixed content, kept as received; or, when
/// `xsi:type` names a built-in simple type (`xsi:type="xs:int"`), that typed value.
///
/// Equality compares attributes, children and value, not the namespace declarations (as for
/// [`AnyElement`]): they only say how names were written.
#[derive(Clone, Debug, Default)]
pub struct AnyContent {
    /// Namespace declarations on the element (kept for QName-valued content).
    pub namespaces: Vec<(String, String)>,
    /// Attributes (an `xsi:type` that does not name a built-in simple type among them).
    pub attributes: Vec<AnyAttribute>,
    /// Children.
    pub children: Vec<AnyNode>,
    /// The value, when `xsi:type` names a built-in simple type; it is written back with that
    /// `xsi:type`, and `attributes` and `children` are then empty.
    pub value: Option<SimpleValue>,
}

impl PartialEq for AnyContent {
    fn eq(&self, other: &Self) -> bool {
        self.attributes == other.attributes && self.children == other.children && self.value == other.value
    }
}

impl AnyContent {
    /// Content that is a value of a built-in simple type, written with its `xsi:type`.
    pub fn typed(value: SimpleValue) -> Self {
        AnyContent { value: Some(value), ..AnyContent::default() }
    }

    /// Captures the content of `start` (not its attributes, which its type's decoder
    /// handles), consuming it through its end tag.
    pub fn decode_children<'a>(r: &mut Reader<'a>, start: &Start<'a>) -> Result<Self, DecodeError> {
        let mut content = AnyContent::default();
        for (prefix, ns) in r.own_prefixes() {
            content.namespaces.push((prefix.to_owned(), r.ns_uri(ns).to_owned()));
        }
        while let Some(node) = r.next_node(start)? {
            match node {
                crate::xml::Node::Text(t) => content.children.push(AnyNode::Text(t.into_owned())),
                crate::xml::Node::Element(c) => content.children.push(AnyNode::Element(decode_any(r, &c)?)),
            }
        }
        Ok(content)
    }

    /// Starts the content of a type whose content is any elements and text (mixed content of
    /// a wildcard) and whose attributes are its own, while its start tag is open: declares the
    /// captured [`namespaces`](AnyContent::namespaces). Such a type has no place for
    /// [`attributes`](AnyContent::attributes) or a typed [`value`](AnyContent::value): either
    /// is refused rather than left out.
    pub fn encode_mixed_start(&self, w: &mut Writer) -> Result<(), EncodeError> {
        if let Some(a) = self.attributes.first() {
            return Err(EncodeError::new(format!(
                "attribute {{{}}}{} of captured content cannot be written: the element's type declares its own attributes",
                a.ns, a.local
            )));
        }
        if let Some(v) = &self.value {
            return Err(EncodeError::new(format!(
                "a typed xs:{} value cannot be written as the content of a type with element content",
                v.xs_name()
            )));
        }
        self.encode_declarations(w)
    }

    /// Declares the captured [`namespaces`](AnyContent::namespaces) on the element being
    /// written.
    fn encode_declarations(&self, w: &mut Writer) -> Result<(), EncodeError> {
        for (p, u) in &self.namespaces {
            w.declare_here(p, u)?;
        }
        Ok(())
    }

    /// The content of `start` as the built-in simple type `xs_name` its `xsi:type` names.
    fn decode_typed<'a>(r: &mut Reader<'a>, start: &Start<'a>, xs_name: &str) -> Result<Option<Self>, DecodeError> {
        if SimpleValue::parse(xs_name, "", r).is_none() {
            return Ok(None);
        }
        for a in r.attributes(start) {
            let a = a?;
            if a.ns == NsId::XSI && matches!(a.local, "type" | "schemaLocation" | "noNamespaceSchemaLocation") {
                continue;
            }
            return Err(r.invalid(
                start.offset(),
                format!(
                    "attribute {} is not allowed on element {}: its xsi:type xs:{xs_name} is a simple type",
                    r.expanded(a.ns, a.local),
                    r.expanded(start.ns(), start.local())
                ),
            ));
        }
        let mut content = AnyContent::default();
        for (prefix, ns) in r.own_prefixes() {
            content.namespaces.push((prefix.to_owned(), r.ns_uri(ns).to_owned()));
        }
        let text = r.read_text(start)?;
        match SimpleValue::parse(xs_name, &text, r) {
            Some(Ok(v)) => content.value = Some(v),
            Some(Err(e)) => return Err(r.invalid_value(start, None, e)),
            None => unreachable!("checked above"),
        }
        Ok(Some(content))
    }
}

impl ComplexType for AnyContent {
    fn decode_xml<'a>(r: &mut Reader<'a>, start: &Start<'a>) -> Result<Self, DecodeError> {
        if let Some(t) = xsi_type(r, start)?
            && r.ns_uri(t.ns) == crate::xml::ns::XS
            && let Some(typed) = AnyContent::decode_typed(r, start, &t.local)?
        {
            return Ok(typed);
        }
        let e = AnyElement::decode(r, start)?;
        Ok(AnyContent { namespaces: e.namespaces, attributes: e.attributes, children: e.children, value: None })
    }

    fn encode_attributes(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.encode_declarations(w)?;
        if let Some(v) = &self.value {
            write_xsi_type(w, crate::xml::ns::XS, v.xs_name(), Some("xs"))?;
        }
        for a in &self.attributes {
            a.encode(w)?;
        }
        Ok(())
    }

    fn encode_content(&self, w: &mut Writer) -> Result<(), EncodeError> {
        if let Some(v) = &self.value {
            let mut buf = w.take_scratch();
            let res = v.write(&mut buf, w);
            if res.is_ok() && !buf.is_empty() {
                w.text(&buf);
            }
            w.put_scratch(buf);
            res?;
        }
        for c in &self.children {
            match c {
                AnyNode::Text(t) => w.text(t),
                AnyNode::Element(e) => e.encode(w)?,
            }
        }
        Ok(())
    }
}

/// A value of a nillable element: either `xsi:nil="true"` or a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nillable<T> {
    /// `xsi:nil="true"`.
    Nil,
    /// A value.
    Value(T),
}

impl<T> Nillable<T> {
    /// The value, if not nil.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(v) => Some(v),
        }
    }
}

impl<T> From<T> for Nillable<T> {
    fn from(v: T) -> Self {
        Nillable::Value(v)
    }
}

// ----- decoding helpers ----------------------------------------------------------------------

/// Handles an attribute a type does not declare: the XML Schema instance attributes
/// (`xsi:type` naming the type itself, `own_type`; `xsi:schemaLocation`,
/// `xsi:noNamespaceSchemaLocation`, `xsi:nil="false"`) and SOAP attributes on a header entry or
/// the Body are accepted; anything else is an error.
pub fn other_attribute<'a>(r: &Reader<'a>, el: &Start<'a>, attr: &Attr<'a>, own_type: Option<(&str, &str)>) -> Result<(), DecodeError> {
    if attr.ns == NsId::XSI {
        match attr.local {
            "schemaLocation" | "noNamespaceSchemaLocation" => return Ok(()),
            "nil" if matches!(attr.value.trim(), "false" | "0") => return Ok(()),
            "type" if own_type.is_some_and(|(ns, local)| is_xsi_type_of(r, attr, ns, local)) => return Ok(()),
            "type" => return Err(crate::xsi::unexpected_xsi_type(r, el, attr, own_type)),
            _ => {}
        }
    }
    if (attr.ns == NsId::SOAP11 || attr.ns == NsId::SOAP12) && r.soap_attributes_allowed(el) {
        return Ok(());
    }
    Err(r.unexpected_attribute(el, attr))
}

/// Whether `attr` is `xsi:type` naming the type `{ns}local`.
pub fn is_xsi_type_of(r: &Reader<'_>, attr: &Attr<'_>, ns: &str, local: &str) -> bool {
    if !(attr.ns == NsId::XSI && attr.local == "type") {
        return false;
    }
    match QName::parse_text(&attr.value, r) {
        Ok(q) => q.ns == ns && q.local == local,
        Err(_) => false,
    }
}

/// Parses an attribute value.
pub fn parse_attr<'a, C: Codec>(r: &Reader<'a>, el: &Start<'a>, attr: &Attr<'a>) -> Result<C::Value, DecodeError> {
    C::parse(&attr.value, r).map_err(|e| r.invalid_value(el, Some(attr.name), e))
}

/// Checks the attributes of an element of simple type (only `xsi:` ones are allowed; an
/// `xsi:type` must name the type itself, `own_type`) and returns whether it is nil.
fn simple_attributes<'a>(r: &Reader<'a>, el: &Start<'a>, own_type: Option<(&str, &str)>) -> Result<bool, DecodeError> {
    let mut nil = false;
    for a in r.attributes(el) {
        let a = a?;
        if a.is(NsId::XSI, "nil") && matches!(a.value.trim(), "true" | "1") {
            nil = true;
            continue;
        }
        if a.is(NsId::XSI, "type") && !own_type.is_some_and(|(ns, local)| is_xsi_type_of(r, &a, ns, local)) {
            return Err(crate::xsi::simple_xsi_type(r, el, &a, own_type));
        }
        other_attribute(r, el, &a, own_type)?;
    }
    Ok(nil)
}

/// Decodes an element of simple type.
pub fn decode_simple<'a, C: Codec>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<C::Value, DecodeError> {
    decode_simple_inner::<C>(r, el).map_err(|e| e.within(el.name()))
}

fn decode_simple_inner<'a, C: Codec>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<C::Value, DecodeError> {
    if simple_attributes(r, el, C::TYPE_NAME)? {
        return Err(r.invalid(el.offset(), format!("element {} is not nillable", r.expanded(el.ns(), el.local()))));
    }
    read_simple_content::<C>(r, el)
}

/// Reads the simple content of `el` (its attributes already read) with codec `C`, through the
/// end tag: the content of a complex type with simple content.
#[inline]
pub fn read_simple_content<'a, C: Codec>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<C::Value, DecodeError> {
    let text = r.read_text(el)?;
    C::parse(&text, r).map_err(|e| r.invalid_value(el, None, e))
}

/// Writes `v` as simple content with codec `C` (the start tag open, its attributes written;
/// an empty value leaves it open, so the element is written `<a/>`): formatted straight into
/// the output unless the value declares namespaces (a QName) where it is written.
#[inline]
pub fn write_simple_content<C: Codec>(w: &mut Writer, v: &C::Value) -> Result<(), EncodeError> {
    if !C::NEEDS_NAMESPACES {
        return w.text_formatted(C::PLAIN, |out, w| C::write(v, out, w));
    }
    let mut buf = w.take_scratch();
    let r = C::write(v, &mut buf, w);
    if r.is_ok() && !buf.is_empty() {
        w.text(&buf);
    }
    w.put_scratch(buf);
    r
}

/// Decodes an element of simple type with a `default` or `fixed` value: empty content takes
/// the default; content must equal a fixed value.
pub fn decode_simple_with<'a, C: Codec>(
    r: &mut Reader<'a>,
    el: &Start<'a>,
    default: Option<&str>,
    fixed: Option<&str>,
) -> Result<C::Value, DecodeError>
where
    C::Value: PartialEq,
{
    let inner = |r: &mut Reader<'a>| -> Result<C::Value, DecodeError> {
        if simple_attributes(r, el, C::TYPE_NAME)? {
            return Err(r.invalid(el.offset(), format!("element {} is not nillable", r.expanded(el.ns(), el.local()))));
        }
        let text = r.read_text(el)?;
        let text: &str = if text.is_empty() { default.or(fixed).unwrap_or("") } else { &text };
        let v = C::parse(text, r).map_err(|e| r.invalid_value(el, None, e))?;
        if let Some(f) = fixed {
            let fv = C::parse(f, r).map_err(|e| r.invalid_value(el, None, e))?;
            if v != fv {
                return Err(r.invalid(el.offset(), format!("element {} must have the fixed value '{f}'", r.expanded(el.ns(), el.local()))));
            }
        }
        Ok(v)
    };
    inner(r).map_err(|e| e.within(el.name()))
}

/// Decodes a nillable element of simple type.
pub fn decode_nillable_simple<'a, C: Codec>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<Nillable<C::Value>, DecodeError> {
    let inner = |r: &mut Reader<'a>| -> Result<Nillable<C::Value>, DecodeError> {
        if simple_attributes(r, el, C::TYPE_NAME)? {
            let text = r.read_text(el)?;
            if !text.is_empty() {
                return Err(r.invalid(el.offset(), "an element with xsi:nil=\"true\" must be empty"));
            }
            return Ok(Nillable::Nil);
        }
        let text = r.read_text(el)?;
        C::parse(&text, r).map(Nillable::Value).map_err(|e| r.invalid_value(el, None, e))
    };
    inner(r).map_err(|e| e.within(el.name()))
}

/// Decodes an element of complex type.
#[inline]
pub fn decode_complex<'a, T: ComplexType>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<T, DecodeError> {
    T::decode_xml(r, el).map_err(|e| e.within(el.name()))
}

/// Decodes an element of complex type that blocks substitution by `blocked`.
#[inline]
pub fn decode_complex_blocked<'a, T: ComplexType>(r: &mut Reader<'a>, el: &Start<'a>, blocked: Derivations) -> Result<T, DecodeError> {
    if blocked.is_empty() {
        return decode_complex(r, el);
    }
    T::decode_blocked(r, el, blocked).map_err(|e| e.within(el.name()))
}

/// Decodes a nillable element of complex type.
pub fn decode_nillable_complex<'a, T: ComplexType>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<Nillable<T>, DecodeError> {
    decode_nillable_complex_blocked(r, el, Derivations::NONE)
}

/// Decodes a nillable element of complex type that blocks substitution by `blocked`.
pub fn decode_nillable_complex_blocked<'a, T: ComplexType>(
    r: &mut Reader<'a>,
    el: &Start<'a>,
    blocked: Derivations,
) -> Result<Nillable<T>, DecodeError> {
    let nil = r.is_nil(el).map_err(|e| e.within(el.name()))?;
    if !nil {
        return decode_complex_blocked(r, el, blocked).map(Nillable::Value);
    }
    let inner = |r: &mut Reader<'a>| -> Result<Nillable<T>, DecodeError> {
        for a in r.attributes(el) {
            let a = a?;
            if a.is(NsId::XSI, "nil") {
                continue;
            }
            other_attribute(r, el, &a, T::TYPE_NAME)?;
        }
        if r.next_node(el)?.is_some() {
            return Err(r.invalid(el.offset(), "an element with xsi:nil=\"true\" must be empty"));
        }
        Ok(Nillable::Nil)
    };
    inner(r).map_err(|e| e.within(el.name()))
}

/// Captures an element matched by a wildcard.
#[inline]
pub fn decode_any<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<AnyElement, DecodeError> {
    AnyElement::decode(r, el).map_err(|e| e.within(el.name()))
}

/// Decodes a captured element (for example a fault detail entry, see
/// [`Fault::detail_entries`](crate::soap::Fault::detail_entries)) with the element codec `E`.
/// `namespaces` is the generated `NAMESPACES` table.
///
/// The element is written out again and read back, so an error carries the element path but
/// no line or column; a QName-valued value whose prefix was declared outside the captured
/// element fails to resolve (the capture keeps only the declarations made inside it).
pub fn decode_captured<E: ElementCodec>(element: &AnyElement, namespaces: crate::xml::NsTable) -> Result<E::Value, DecodeError> {
    let mut w = Writer::new();
    element
        .encode(&mut w)
        .map_err(|e| DecodeError::detached(crate::xml::DecodeErrorKind::Invalid, format!("cannot re-read the captured element: {e}")))?;
    let text = w.into_string();
    let mut r = Reader::new(&text, namespaces);
    let detach = |e: DecodeError| DecodeError::detached(e.kind(), e.message()).with_path_of(&e);
    let root = r.root().map_err(detach)?;
    let v = E::decode(&mut r, &root).map_err(detach)?;
    r.end_document().map_err(detach)?;
    Ok(v)
}

/// A global element as the root of a whole document, outside any envelope (an instance of a
/// bare schema, such as a notification payload): decodes a document whose root it is and
/// encodes one. Generated code has one constant per global element.
pub struct RootElement<E> {
    uri: &'static str,
    local: &'static str,
    namespaces: crate::xml::NsTable,
    prefixes: &'static [(&'static str, &'static str)],
    codec: std::marker::PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for RootElement<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RootElement({{{}}}{})", self.uri, self.local)
    }
}

impl<E: ElementCodec> RootElement<E> {
    /// The element `{uri}local`; `namespaces` and `prefixes` are the generated tables.
    pub const fn new(
        uri: &'static str,
        local: &'static str,
        namespaces: crate::xml::NsTable,
        prefixes: &'static [(&'static str, &'static str)],
    ) -> Self {
        RootElement { uri, local, namespaces, prefixes, codec: std::marker::PhantomData }
    }

    /// `v` as this element, captured (for a header entry to send with every request, see
    /// [`FixedHeaders`](crate::client::FixedHeaders), or a fault detail entry).
    pub fn capture(&self, v: &E::Value) -> Result<AnyElement, EncodeError> {
        encode_captured::<E>(self.uri, self.local, v, self.prefixes)
    }

    /// The element's namespace URI and local name.
    pub fn name(&self) -> (&'static str, &'static str) {
        (self.uri, self.local)
    }

    /// Decodes a document whose root element is this one. Errors have the line, column and
    /// element path; a document that is not well-formed anywhere is reported as such.
    pub fn decode(&self, text: &str) -> Result<E::Value, DecodeError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let result = (|| {
            let mut r = Reader::new(text, self.namespaces);
            let root = r.root()?;
            if r.ns_uri(root.ns()) != self.uri || root.local() != self.local {
                let found = r.expanded(root.ns(), root.local());
                return Err(r.invalid(root.offset(), format!("the root element is {found}, not {{{}}}{}", self.uri, self.local)));
            }
            let v = E::decode(&mut r, &root)?;
            r.end_document()?;
            Ok(v)
        })();
        result.map_err(|e| crate::soap::settle(text, self.namespaces, crate::xml::Limits::DEFAULT, e))
    }

    /// Encodes `v` as a document with this root element (an XML declaration, then the element
    /// with the generated prefixes declared on it).
    pub fn encode(&self, v: &E::Value) -> Result<String, EncodeError> {
        let mut w = Writer::new().with_preferred_prefixes(self.prefixes);
        w.declaration();
        w.declare_all(self.prefixes);
        E::encode(&mut w, self.uri, self.local, v)?;
        Ok(w.into_string())
    }
}

/// Encodes `v` as the element `{ns}local` and captures it (for example as a fault detail entry,
/// see [`Fault::with_detail_entry`](crate::soap::Fault::with_detail_entry)). `prefixes` is the
/// generated `PREFIXES` table.
pub fn encode_captured<E: ElementCodec>(
    ns: &str,
    local: &str,
    v: &E::Value,
    prefixes: &'static [(&'static str, &'static str)],
) -> Result<AnyElement, EncodeError> {
    let mut w = Writer::new().with_preferred_prefixes(prefixes);
    E::encode(&mut w, ns, local, v)?;
    let text = w.into_string();
    let mut r = Reader::new(&text, crate::xml::NsTable::STANDARD);
    let captured = r.root().and_then(|root| AnyElement::decode(&mut r, &root));
    captured.map_err(|e| EncodeError::new(format!("the encoding of {{{ns}}}{local} does not read back: {e}")))
}

/// An element of a `Vec` member occurred more often than `max`.
pub fn too_many<'a>(r: &Reader<'a>, el: &Start<'a>, max: usize) -> DecodeError {
    r.invalid(el.offset(), format!("element {} occurs more than {max} time(s)", r.expanded(el.ns(), el.local())))
}

/// An element of an `xs:all` group occurred twice.
pub fn duplicate<'a>(r: &Reader<'a>, el: &Start<'a>) -> DecodeError {
    r.invalid(el.offset(), format!("element {} occurs twice in an xs:all group", r.expanded(el.ns(), el.local())))
}

/// Checks a fixed attribute value.
pub fn check_fixed_attr<'a, C: Codec>(r: &Reader<'a>, el: &Start<'a>, attr: &Attr<'a>, v: &C::Value, fixed: &str) -> Result<(), DecodeError>
where
    C::Value: PartialEq,
{
    let fv = C::parse(fixed, r).map_err(|e| r.invalid_value(el, Some(attr.name), e))?;
    if *v != fv {
        return Err(r.invalid(el.offset(), format!("attribute {} must have the fixed value '{fixed}'", attr.name)));
    }
    Ok(())
}

// ----- encoding helpers ----------------------------------------------------------------------

/// Writes an attribute of simple type.
pub fn encode_attr<C: Codec>(w: &mut Writer, ns: &str, local: &str, v: &C::Value) -> Result<(), EncodeError> {
    if !C::NEEDS_NAMESPACES && ns.is_empty() {
        // Formatted straight into the output.
        return w.attr_formatted(local, C::PLAIN, |out, w| C::write(v, out, w));
    }
    let mut buf = w.take_scratch();
    let r = C::write(v, &mut buf, w).and_then(|()| w.attr(ns, local, &buf));
    w.put_scratch(buf);
    r
}

/// Writes an element of simple type.
pub fn encode_simple<C: Codec>(w: &mut Writer, ns: &str, local: &str, v: &C::Value) -> Result<(), EncodeError> {
    w.start(ns, local)?;
    write_simple_content::<C>(w, v).map_err(|e| e.within(local))?;
    w.end(ns, local)
}

/// Writes a nillable element of simple type.
pub fn encode_nillable_simple<C: Codec>(w: &mut Writer, ns: &str, local: &str, v: &Nillable<C::Value>) -> Result<(), EncodeError> {
    match v {
        Nillable::Value(v) => encode_simple::<C>(w, ns, local, v),
        Nillable::Nil => write_nil(w, ns, local),
    }
}

fn write_nil(w: &mut Writer, ns: &str, local: &str) -> Result<(), EncodeError> {
    w.start(ns, local)?;
    w.attr(crate::xml::ns::XSI, "nil", "true")?;
    w.end(ns, local)
}

/// Writes an element of complex type.
pub fn encode_complex<T: ComplexType>(w: &mut Writer, ns: &str, local: &str, v: &T) -> Result<(), EncodeError> {
    w.start(ns, local)?;
    v.encode_attributes(w).and_then(|()| v.encode_content(w)).map_err(|e| e.within(local))?;
    w.end(ns, local)
}

/// Writes a nillable element of complex type.
pub fn encode_nillable_complex<T: ComplexType>(w: &mut Writer, ns: &str, local: &str, v: &Nillable<T>) -> Result<(), EncodeError> {
    match v {
        Nillable::Value(v) => encode_complex(w, ns, local, v),
        Nillable::Nil => write_nil(w, ns, local),
    }
}

/// Checks the number of items of a repeated member before writing it.
pub fn check_count(len: usize, min: usize, max: Option<usize>, what: &str) -> Result<(), EncodeError> {
    if len < min {
        return Err(EncodeError::new(format!("{what} has {len} item(s); at least {min} required")));
    }
    if let Some(max) = max.filter(|&max| len > max) {
        return Err(EncodeError::new(format!("{what} has {len} item(s); at most {max} allowed")));
    }
    Ok(())
}

/// Writes the text of a list value: items separated by single spaces.
pub fn write_list<C: Codec>(items: &[C::Value], buf: &mut String, w: &mut Writer) -> Result<(), EncodeError> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            buf.push(' ');
        }
        C::write(item, buf, w)?;
    }
    Ok(())
}

/// Parses the text of a list value.
pub fn parse_list<C: Codec>(text: &str, r: &Reader<'_>) -> Result<Vec<C::Value>, ValueError> {
    text.split([' ', '\t', '\r', '\n']).filter(|s| !s.is_empty()).map(|s| C::parse(s, r)).collect()
}

/// Applies the `whiteSpace` facet `collapse` (for enumerations over string types whose
/// facet says so).
pub fn collapse(text: &str) -> std::borrow::Cow<'_, str> {
    crate::xsd::string::collapse_ws(text)
}

/// Applies the `whiteSpace` facet `replace`.
pub fn replace(text: &str) -> std::borrow::Cow<'_, str> {
    crate::xsd::string::replace_ws(text)
}

/// Parses a string-valued enumeration: `text` (its whitespace already processed) is one of
/// `wire`, and the value at the same index of `values` is returned. The error names the type by
/// `label` and lists every value. Generated enumerations keep their values as these two tables
/// instead of matching on each spelling.
pub fn parse_enumeration<E: Copy>(text: &str, wire: &[&str], values: &[E], label: &str) -> Result<E, ValueError> {
    match wire.iter().position(|w| *w == text).and_then(|i| values.get(i)) {
        Some(v) => Ok(*v),
        None => Err(not_enumerated(text, wire, label)),
    }
}

/// The error for `text` that is none of an enumeration's values (`wire`, as written in the
/// schema), of the type `label` names: what [`parse_enumeration`] says, and what an
/// enumeration over a non-string type says of a value that parses but is not one of them.
pub fn not_enumerated(text: &str, wire: &[&str], label: &str) -> ValueError {
    ValueError::new(format!("'{text}' is not a value of {label} (expected one of: {})", wire.join(", ")))
}

/// Number of characters (for length facets on strings).
#[inline]
pub fn char_len(s: &str) -> u64 {
    s.chars().count() as u64
}

// ----- members of a content model --------------------------------------------------------------

/// How an element's value is decoded and encoded: [`Simple`], [`Complex`], [`NillableSimple`]
/// or [`NillableComplex`]. Generated code names one of these per member, so each member of a
/// content model is one call to [`one`], [`opt`] or [`many`].
pub trait ElementCodec {
    /// The Rust value of the element.
    type Value;
    /// Decodes the element `el` (consumed through its end tag).
    fn decode<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<Self::Value, DecodeError>;
    /// Writes the element `{ns}local` with value `v`.
    fn encode(w: &mut Writer, ns: &str, local: &str, v: &Self::Value) -> Result<(), EncodeError>;
}

/// An element of simple type, read and written with codec `C`.
pub struct Simple<C>(std::marker::PhantomData<C>);
/// An element of complex type `T`; `BLOCK` is the derivation methods by which the element
/// blocks substitution ([`Derivations`] bits, from its `block` attribute).
pub struct Complex<T, const BLOCK: u8 = 0>(std::marker::PhantomData<T>);
/// A nillable element of simple type.
pub struct NillableSimple<C>(std::marker::PhantomData<C>);
/// A nillable element of complex type (`BLOCK` as for [`Complex`]).
pub struct NillableComplex<T, const BLOCK: u8 = 0>(std::marker::PhantomData<T>);

impl<C: Codec> ElementCodec for Simple<C> {
    type Value = C::Value;
    #[inline]
    fn decode<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<C::Value, DecodeError> {
        decode_simple::<C>(r, el)
    }
    #[inline]
    fn encode(w: &mut Writer, ns: &str, local: &str, v: &C::Value) -> Result<(), EncodeError> {
        encode_simple::<C>(w, ns, local, v)
    }
}

impl<T: ComplexType, const BLOCK: u8> ElementCodec for Complex<T, BLOCK> {
    type Value = T;
    #[inline]
    fn decode<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<T, DecodeError> {
        decode_complex_blocked::<T>(r, el, Derivations::from_bits(BLOCK))
    }
    #[inline]
    fn encode(w: &mut Writer, ns: &str, local: &str, v: &T) -> Result<(), EncodeError> {
        if BLOCK != 0 {
            v.check_blocked(&expanded(ns, local), Derivations::from_bits(BLOCK))?;
        }
        encode_complex::<T>(w, ns, local, v)
    }
}

impl<C: Codec> ElementCodec for NillableSimple<C> {
    type Value = Nillable<C::Value>;
    #[inline]
    fn decode<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<Self::Value, DecodeError> {
        decode_nillable_simple::<C>(r, el)
    }
    #[inline]
    fn encode(w: &mut Writer, ns: &str, local: &str, v: &Self::Value) -> Result<(), EncodeError> {
        encode_nillable_simple::<C>(w, ns, local, v)
    }
}

impl<T: ComplexType, const BLOCK: u8> ElementCodec for NillableComplex<T, BLOCK> {
    type Value = Nillable<T>;
    #[inline]
    fn decode<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<Self::Value, DecodeError> {
        decode_nillable_complex_blocked::<T>(r, el, Derivations::from_bits(BLOCK))
    }
    #[inline]
    fn encode(w: &mut Writer, ns: &str, local: &str, v: &Self::Value) -> Result<(), EncodeError> {
        if let (Nillable::Value(v), true) = (v, BLOCK != 0) {
            v.check_blocked(&expanded(ns, local), Derivations::from_bits(BLOCK))?;
        }
        encode_nillable_complex::<T>(w, ns, local, v)
    }
}

/// `{ns}local` for messages.
fn expanded(ns: &str, local: &str) -> String {
    if ns.is_empty() { local.to_owned() } else { format!("{{{ns}}}{local}") }
}

/// The value of required attribute `{ns}local` of `el`, read into `v` by the attribute loop
/// (an error naming it if the element had none).
#[inline]
pub fn required_attribute<'a, T>(r: &Reader<'a>, el: &Start<'a>, v: Option<T>, ns: NsId, local: &str) -> Result<T, DecodeError> {
    v.ok_or_else(|| r.missing_attribute(el, ns, local))
}

/// A required element `{ns}local` at `*cur`; advances `cur`.
#[inline]
pub fn one<'a, E: ElementCodec>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    ns: NsId,
    local: &'static str,
) -> Result<E::Value, DecodeError> {
    match *cur {
        Some(c) if c.is(ns, local) => {
            let v = E::decode(r, &c)?;
            *cur = r.next_child(parent)?;
            Ok(v)
        }
        _ => Err(r.missing_element(parent, cur.as_ref(), &[(ns, local)])),
    }
}

/// An optional element `{ns}local` at `*cur`.
#[inline]
pub fn opt<'a, E: ElementCodec>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    ns: NsId,
    local: &'static str,
) -> Result<Option<E::Value>, DecodeError> {
    match *cur {
        Some(c) if c.is(ns, local) => {
            let v = E::decode(r, &c)?;
            *cur = r.next_child(parent)?;
            Ok(Some(v))
        }
        _ => Ok(None),
    }
}

/// `min` to `max` occurrences of `{ns}local` from `*cur` on (`max` of `usize::MAX` is
/// unbounded).
#[inline]
pub fn many<'a, E: ElementCodec>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    ns: NsId,
    local: &'static str,
    min: usize,
    max: usize,
) -> Result<Vec<E::Value>, DecodeError> {
    let items = many_upto::<E>(r, parent, cur, ns, local, min, max)?;
    match *cur {
        Some(c) if c.is(ns, local) => Err(too_many(r, &c, max)),
        _ => Ok(items),
    }
}

/// Like [`many`], but stops at `max` and leaves a further occurrence at `*cur`: for a member
/// of a nested group, whose next repetition may take it.
pub fn many_upto<'a, E: ElementCodec>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    ns: NsId,
    local: &'static str,
    min: usize,
    max: usize,
) -> Result<Vec<E::Value>, DecodeError> {
    let mut items = Vec::new();
    while let Some(c) = *cur {
        if !c.is(ns, local) || items.len() >= max {
            break;
        }
        items.push(E::decode(r, &c)?);
        *cur = r.next_child(parent)?;
    }
    if items.len() < min {
        return Err(r.too_few(parent, ns, local, items.len(), min));
    }
    Ok(items)
}

/// Writes a required element.
#[inline]
pub fn put<E: ElementCodec>(w: &mut Writer, ns: &str, local: &str, v: &E::Value) -> Result<(), EncodeError> {
    E::encode(w, ns, local, v)
}

/// Writes an optional element.
#[inline]
pub fn put_opt<E: ElementCodec>(w: &mut Writer, ns: &str, local: &str, v: Option<&E::Value>) -> Result<(), EncodeError> {
    match v {
        Some(v) => E::encode(w, ns, local, v),
        None => Ok(()),
    }
}

/// Writes a repeated element, checking its count.
#[inline]
pub fn put_many<E: ElementCodec>(
    w: &mut Writer,
    ns: &str,
    local: &str,
    items: &[E::Value],
    min: usize,
    max: usize,
) -> Result<(), EncodeError> {
    check_count(items.len(), min, (max != usize::MAX).then_some(max), local)?;
    for v in items {
        E::encode(w, ns, local, v)?;
    }
    Ok(())
}

/// An optional group at `*cur`.
#[inline]
pub fn opt_group<'a, G: Group>(r: &mut Reader<'a>, parent: &Start<'a>, cur: &mut Option<Start<'a>>) -> Result<Option<G>, DecodeError> {
    match *cur {
        Some(c) if G::starts_with(&c) => G::decode_group(r, parent, cur).map(Some),
        _ => Ok(None),
    }
}

/// One way of reading a choice branch from a position: the value and the next child.
pub type Attempt<'a, 'f, T> = &'f dyn Fn(&mut Reader<'a>, Option<Start<'a>>) -> Result<(T, Option<Start<'a>>), DecodeError>;

/// Decodes a choice whose branches can start with the same element (a schema whose content
/// model is not deterministic, against XML Schema's Unique Particle Attribution rule): every
/// branch is tried from the same position, and the one that reads furthest wins (the first
/// in schema order on a tie). When none decodes, the error is the one that got furthest.
/// Deterministic choices never come here: they are decided by their first element.
pub fn longest_branch<'a, T>(r: &mut Reader<'a>, cur: &mut Option<Start<'a>>, branches: &[Attempt<'a, '_, T>]) -> Result<T, DecodeError> {
    let mut best: Option<(usize, T, Reader<'a>, Option<Start<'a>>)> = None;
    let mut error: Option<DecodeError> = None;
    for branch in branches {
        let mut attempt = r.clone();
        match branch(&mut attempt, *cur) {
            Ok((v, next)) => {
                let reached = next.map_or(attempt.position(), |n| n.offset());
                if best.as_ref().is_none_or(|(b, ..)| reached > *b) {
                    best = Some((reached, v, attempt, next));
                }
            }
            Err(e) => crate::tool::keep_furthest(&mut error, e),
        }
    }
    match best {
        Some((_, v, reader, next)) => {
            *r = reader;
            *cur = next;
            Ok(v)
        }
        None => Err(error.unwrap_or_else(|| r.invalid(r.position(), "no branch of the choice matches"))),
    }
}

/// `min` to `max` occurrences of a group.
pub fn many_group<'a, G: Group>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    min: usize,
    max: usize,
) -> Result<Vec<G>, DecodeError> {
    let items = many_group_upto::<G>(r, parent, cur, min, max)?;
    match *cur {
        Some(c) if items.len() >= max && G::starts_with(&c) => Err(too_many(r, &c, max)),
        _ => Ok(items),
    }
}

/// Like [`many_group`], but stops at `max` (for a group nested in a repeated group).
pub fn many_group_upto<'a, G: Group>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    min: usize,
    max: usize,
) -> Result<Vec<G>, DecodeError> {
    let mut items = Vec::new();
    while let Some(c) = *cur {
        if !G::starts_with(&c) || items.len() >= max {
            break;
        }
        items.push(G::decode_group(r, parent, cur)?);
        // A group that can be empty must consume something each round.
        if cur.map(|x| x.offset()) == Some(c.offset()) {
            break;
        }
    }
    if items.len() < min {
        let found = *cur;
        return Err(r.invalid(
            found.map_or(r.position(), |c| c.offset()),
            format!(
                "a repeated group of {} occurs {} time(s); at least {min} required",
                r.expanded(parent.ns(), parent.local()),
                items.len()
            ),
        ));
    }
    Ok(items)
}

/// Writes a repeated group, checking its count.
pub fn put_many_group<G: Group>(w: &mut Writer, items: &[G], min: usize, max: usize, what: &str) -> Result<(), EncodeError> {
    check_count(items.len(), min, (max != usize::MAX).then_some(max), what)?;
    for g in items {
        g.encode_group(w)?;
    }
    Ok(())
}

/// An element matched by a wildcard at `*cur` (required).
pub fn one_any<'a>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    wildcard: &Wildcard,
) -> Result<AnyElement, DecodeError> {
    match *cur {
        Some(c) if wildcard.allows(c.ns()) => {
            let v = decode_any(r, &c)?;
            *cur = r.next_child(parent)?;
            Ok(v)
        }
        _ => Err(r.missing_element(parent, cur.as_ref(), &[])),
    }
}

/// An optional element matched by a wildcard.
pub fn opt_any<'a>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    wildcard: &Wildcard,
) -> Result<Option<AnyElement>, DecodeError> {
    match *cur {
        Some(c) if wildcard.allows(c.ns()) => {
            let v = decode_any(r, &c)?;
            *cur = r.next_child(parent)?;
            Ok(Some(v))
        }
        _ => Ok(None),
    }
}

/// `min` to `max` elements matched by a wildcard.
pub fn many_any<'a>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    wildcard: &Wildcard,
    min: usize,
    max: usize,
) -> Result<Vec<AnyElement>, DecodeError> {
    let items = many_any_upto(r, parent, cur, wildcard, min, max)?;
    match *cur {
        Some(c) if items.len() >= max && wildcard.allows(c.ns()) => Err(too_many(r, &c, max)),
        _ => Ok(items),
    }
}

/// Like [`many_any`], but stops at `max` (for a wildcard in a nested group).
pub fn many_any_upto<'a>(
    r: &mut Reader<'a>,
    parent: &Start<'a>,
    cur: &mut Option<Start<'a>>,
    wildcard: &Wildcard,
    min: usize,
    max: usize,
) -> Result<Vec<AnyElement>, DecodeError> {
    let mut items = Vec::new();
    while let Some(c) = *cur {
        if !wildcard.allows(c.ns()) || items.len() >= max {
            break;
        }
        items.push(decode_any(r, &c)?);
        *cur = r.next_child(parent)?;
    }
    if items.len() < min {
        return Err(r.missing_element(parent, cur.as_ref(), &[]));
    }
    Ok(items)
}

/// Writes wildcard elements, checking their count.
pub fn put_many_any(w: &mut Writer, items: &[AnyElement], min: usize, max: usize, what: &str) -> Result<(), EncodeError> {
    check_count(items.len(), min, (max != usize::MAX).then_some(max), what)?;
    for e in items {
        e.encode(w)?;
    }
    Ok(())
}

/// The end of element-only content: anything left at `cur` is unexpected.
#[inline]
pub fn end_of_content<'a>(r: &Reader<'a>, cur: Option<Start<'a>>) -> Result<(), DecodeError> {
    match cur {
        Some(c) => Err(r.unexpected_element(&c, &[])),
        None => Ok(()),
    }
}

/// Checks the attributes of an element whose type declares none (`own_type` is the type's
/// name, which `xsi:type` may repeat).
pub fn no_attributes<'a>(r: &Reader<'a>, el: &Start<'a>, own_type: Option<(&str, &str)>) -> Result<(), DecodeError> {
    for a in r.attributes(el) {
        other_attribute(r, el, &a?, own_type)?;
    }
    Ok(())
}

/// [`other_attribute`] for an element of complex type `T` (its own name is `T::TYPE_NAME`).
#[inline]
pub fn other_attribute_of<'a, T: ComplexType>(r: &Reader<'a>, el: &Start<'a>, attr: &Attr<'a>) -> Result<(), DecodeError> {
    other_attribute(r, el, attr, T::TYPE_NAME)
}

/// [`no_attributes`] for an element of complex type `T` (its own name is `T::TYPE_NAME`).
#[inline]
pub fn no_attributes_of<'a, T: ComplexType>(r: &Reader<'a>, el: &Start<'a>) -> Result<(), DecodeError> {
    no_attributes(r, el, T::TYPE_NAME)
}

/// The content of an element whose type has empty content.
pub fn empty_content<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<(), DecodeError> {
    match r.next_child(el)? {
        Some(c) => Err(r.unexpected_element(&c, &[])),
        None => Ok(()),
    }
}
