//! The syntax model: XML Schema and WSDL 1.1 components as read from the files, with every
//! qualified name already expanded through the namespace declarations in scope (and the
//! effective form of local declarations applied), but references not yet resolved.
//!
//! Produced by [`crate::read`]; consumed by [`crate::resolve`] and [`crate::lower`].

use std::fmt;

use crate::diag::Span;

/// The XML Schema namespace.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// The XML namespace.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// WSDL 1.1.
pub const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
/// WSDL 1.1 SOAP 1.1 binding.
pub const WSDL_SOAP11: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// WSDL 1.1 SOAP 1.2 binding.
pub const WSDL_SOAP12: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";

/// An expanded name: namespace URI (empty for none) and local name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct QName {
    /// Namespace URI, empty for no namespace.
    pub ns: String,
    /// Local name.
    pub local: String,
}

impl QName {
    /// A new name.
    pub fn new(ns: impl Into<String>, local: impl Into<String>) -> Self {
        QName { ns: ns.into(), local: local.into() }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ns.is_empty() { f.write_str(&self.local) } else { write!(f, "{{{}}}{}", self.ns, self.local) }
    }
}

/// A reference to a named definition, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    /// The referenced name.
    pub name: QName,
    /// Where the reference is.
    pub span: Span,
}

/// A top-level definition.
#[derive(Clone, Debug)]
pub struct Named<T> {
    /// Its name.
    pub name: QName,
    /// Where it is defined.
    pub span: Span,
    /// `xs:documentation` / `wsdl:documentation` text.
    pub doc: Option<String>,
    /// The definition.
    pub item: T,
}

// ----- XML Schema ----------------------------------------------------------------------------

/// All global schema components of the schema set (all documents, all namespaces).
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Global element declarations.
    pub elements: Vec<Named<ElementDecl>>,
    /// Global attribute declarations.
    pub attributes: Vec<Named<AttributeDecl>>,
    /// Named simple and complex types.
    pub types: Vec<Named<TypeDef>>,
    /// Named model groups.
    pub groups: Vec<Named<Particle>>,
    /// Named attribute groups.
    pub attribute_groups: Vec<Named<Attrs>>,
    /// Namespace prefixes declared on schema and WSDL root elements, in reading order; used
    /// to pick readable prefixes when writing.
    pub prefixes: Vec<PrefixDecl>,
}

/// A namespace declaration on a schema or WSDL root element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixDecl {
    /// The prefix.
    pub prefix: String,
    /// The namespace URI.
    pub uri: String,
    /// Whether the declaring document's target namespace is `uri`.
    pub own: bool,
    /// Whether it is declared on a schema (rather than a WSDL) document.
    pub schema: bool,
}

/// A simple or complex type definition.
#[derive(Clone, Debug)]
pub enum TypeDef {
    /// `xs:simpleType`.
    Simple(SimpleType),
    /// `xs:complexType`.
    Complex(ComplexType),
}

impl TypeDef {
    /// Where the definition is.
    pub fn span(&self) -> Span {
        match self {
            TypeDef::Simple(s) => s.span,
            TypeDef::Complex(c) => c.span,
        }
    }
}

/// Use of a type: by name or by an anonymous definition in place.
#[derive(Clone, Debug)]
pub enum TypeUse {
    /// `type="..."` or `base="..."`.
    Named(Ref),
    /// An anonymous `xs:simpleType` / `xs:complexType` child.
    Anonymous(Box<TypeDef>),
}

/// `xs:simpleType`.
#[derive(Clone, Debug)]
pub struct SimpleType {
    /// Where.
    pub span: Span,
    /// Documentation.
    pub doc: Option<String>,
    /// Its variety.
    pub kind: SimpleKind,
}

/// The three varieties of simple type.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // one per simple type; boxing the facets buys nothing
pub enum SimpleKind {
    /// `xs:restriction` of a base simple type.
    Restriction {
        /// The base type.
        base: TypeUse,
        /// Constraining facets.
        facets: Facets,
    },
    /// `xs:list`.
    List {
        /// Item type.
        item: TypeUse,
    },
    /// `xs:union`.
    Union {
        /// Member types, `memberTypes` first then anonymous members.
        members: Vec<TypeUse>,
    },
}

/// `xs:whiteSpace` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhiteSpace {
    /// Keep as is.
    Preserve,
    /// Replace TAB/LF/CR by spaces.
    Replace,
    /// Replace, then collapse runs and trim.
    Collapse,
}

/// One `xs:enumeration`.
#[derive(Clone, Debug)]
pub struct EnumFacet {
    /// The literal.
    pub value: String,
    /// Its documentation.
    pub doc: Option<String>,
    /// Where.
    pub span: Span,
}

/// Constraining facets of a restriction.
#[derive(Clone, Debug, Default)]
pub struct Facets {
    /// Enumerations in document order.
    pub enumeration: Vec<EnumFacet>,
    /// Patterns (all must match... per step; XSD: patterns of one step are ORed).
    pub pattern: Vec<String>,
    /// `xs:length`.
    pub length: Option<u64>,
    /// `xs:minLength`.
    pub min_length: Option<u64>,
    /// `xs:maxLength`.
    pub max_length: Option<u64>,
    /// `xs:minInclusive` (lexical).
    pub min_inclusive: Option<String>,
    /// `xs:maxInclusive`.
    pub max_inclusive: Option<String>,
    /// `xs:minExclusive`.
    pub min_exclusive: Option<String>,
    /// `xs:maxExclusive`.
    pub max_exclusive: Option<String>,
    /// `xs:totalDigits`.
    pub total_digits: Option<u32>,
    /// `xs:fractionDigits`.
    pub fraction_digits: Option<u32>,
    /// `xs:whiteSpace`.
    pub white_space: Option<WhiteSpace>,
}

impl Facets {
    /// Whether no facet is set.
    pub fn is_empty(&self) -> bool {
        self.enumeration.is_empty()
            && self.pattern.is_empty()
            && self.length.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.min_inclusive.is_none()
            && self.max_inclusive.is_none()
            && self.min_exclusive.is_none()
            && self.max_exclusive.is_none()
            && self.total_digits.is_none()
            && self.fraction_digits.is_none()
            && self.white_space.is_none()
    }
}

/// A set of derivation methods: the value of `block`, `final`, `blockDefault` or
/// `finalDefault` (`#all` is every method the attribute allows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Methods {
    /// `extension`.
    pub extension: bool,
    /// `restriction`.
    pub restriction: bool,
    /// `substitution` (element `block` only).
    pub substitution: bool,
}

impl Methods {
    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        !(self.extension || self.restriction || self.substitution)
    }

    /// The methods in both sets.
    pub fn common(self, other: Methods) -> Methods {
        Methods {
            extension: self.extension && other.extension,
            restriction: self.restriction && other.restriction,
            substitution: self.substitution && other.substitution,
        }
    }

    /// The union of two sets.
    pub fn with(self, other: Methods) -> Methods {
        Methods {
            extension: self.extension || other.extension,
            restriction: self.restriction || other.restriction,
            substitution: self.substitution || other.substitution,
        }
    }

    /// The set with only the derivation method `d`.
    pub fn of(d: Derivation) -> Methods {
        match d {
            Derivation::Extension => Methods { extension: true, ..Methods::default() },
            Derivation::Restriction => Methods { restriction: true, ..Methods::default() },
        }
    }

    /// The methods in words: `extension`, `extension and restriction`, ...
    pub fn describe(self) -> String {
        let s = self.spelled();
        match s.rsplit_once(' ') {
            Some((a, b)) => format!("{} and {b}", a.replace(' ', ", ")),
            None => s,
        }
    }

    /// The methods as the schema spells them (`extension restriction`).
    pub fn spelled(self) -> String {
        let mut v = Vec::new();
        if self.extension {
            v.push("extension");
        }
        if self.restriction {
            v.push("restriction");
        }
        if self.substitution {
            v.push("substitution");
        }
        v.join(" ")
    }
}

/// `xs:complexType`.
#[derive(Clone, Debug)]
pub struct ComplexType {
    /// Where.
    pub span: Span,
    /// Documentation.
    pub doc: Option<String>,
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// `block` (or the schema's `blockDefault`): derivation methods by which derived types may
    /// not substitute for this one with `xsi:type`.
    pub block: Methods,
    /// `final` (or the schema's `finalDefault`): derivation methods by which no type may
    /// derive from this one.
    pub final_: Methods,
    /// `mixed="true"` (on the type or its `xs:complexContent`).
    pub mixed: bool,
    /// The content.
    pub content: ComplexContent,
}

/// Extension or restriction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derivation {
    /// `xs:extension`.
    Extension,
    /// `xs:restriction`.
    Restriction,
}

/// The content of a complex type.
#[derive(Clone, Debug)]
pub enum ComplexContent {
    /// A model group and attributes directly inside `xs:complexType` (a restriction of
    /// `xs:anyType`).
    Implicit {
        /// The particle, if any.
        particle: Option<Particle>,
        /// Attributes.
        attrs: Attrs,
    },
    /// `xs:simpleContent`.
    Simple {
        /// Extension or restriction.
        derivation: Derivation,
        /// The base type.
        base: Ref,
        /// Facets (restriction only).
        facets: Facets,
        /// Attributes.
        attrs: Attrs,
    },
    /// `xs:complexContent`.
    Complex {
        /// Extension or restriction.
        derivation: Derivation,
        /// The base type.
        base: Ref,
        /// The particle, if any.
        particle: Option<Particle>,
        /// Attributes.
        attrs: Attrs,
    },
}

/// Attribute uses and attribute wildcard of a complex type or attribute group.
#[derive(Clone, Debug, Default)]
pub struct Attrs {
    /// In document order.
    pub items: Vec<AttrItem>,
    /// `xs:anyAttribute`.
    pub any: Option<WildcardDecl>,
}

/// One entry of [`Attrs`].
#[derive(Clone, Debug)]
pub enum AttrItem {
    /// A local attribute declaration (name already qualified per its form).
    Local {
        /// The declaration.
        decl: AttributeDecl,
        /// `use`.
        usage: Use,
    },
    /// `<xs:attribute ref="..."/>`.
    Ref {
        /// The referenced global attribute.
        target: Ref,
        /// `use`.
        usage: Use,
        /// `default` on the reference.
        default: Option<String>,
        /// `fixed` on the reference.
        fixed: Option<String>,
    },
    /// `<xs:attributeGroup ref="..."/>`.
    Group(Ref),
}

/// `use` of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// `optional` (default).
    Optional,
    /// `required`.
    Required,
    /// `prohibited`.
    Prohibited,
}

/// An attribute declaration (global, or local with its effective name).
#[derive(Clone, Debug)]
pub struct AttributeDecl {
    /// Effective name.
    pub name: QName,
    /// Where.
    pub span: Span,
    /// Documentation.
    pub doc: Option<String>,
    /// Type (absent: `xs:anySimpleType`).
    pub ty: Option<TypeUse>,
    /// `default`.
    pub default: Option<String>,
    /// `fixed`.
    pub fixed: Option<String>,
}

/// `maxOccurs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxOccurs {
    /// A number.
    Bounded(u32),
    /// `unbounded`.
    Unbounded,
}

/// A particle: a term with occurrence bounds.
#[derive(Clone, Debug)]
pub struct Particle {
    /// Where.
    pub span: Span,
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs`.
    pub max: MaxOccurs,
    /// The term.
    pub term: Term,
}

/// The term of a particle.
#[derive(Clone, Debug)]
pub enum Term {
    /// A local element declaration.
    Element(Box<ElementDecl>),
    /// `<xs:element ref="..."/>`.
    ElementRef(Ref),
    /// `<xs:group ref="..."/>`.
    Group(Ref),
    /// `xs:sequence`.
    Sequence(Vec<Particle>),
    /// `xs:choice`.
    Choice(Vec<Particle>),
    /// `xs:all`.
    All(Vec<Particle>),
    /// `xs:any`.
    Any(WildcardDecl),
}

/// An element declaration (global, or local with its effective name).
#[derive(Clone, Debug)]
pub struct ElementDecl {
    /// Effective name.
    pub name: QName,
    /// Where.
    pub span: Span,
    /// Documentation.
    pub doc: Option<String>,
    /// Type (absent: the head's type, or `xs:anyType`).
    pub ty: Option<TypeUse>,
    /// `nillable="true"`.
    pub nillable: bool,
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// `block` (or the schema's `blockDefault`): substitutions refused where the element
    /// occurs (by `xsi:type` derived by extension or restriction, by substitution group).
    pub block: Methods,
    /// `final` (or the schema's `finalDefault`, global elements only): derivation methods of
    /// the types of elements that may not join its substitution group.
    pub final_: Methods,
    /// `default`.
    pub default: Option<String>,
    /// `fixed`.
    pub fixed: Option<String>,
    /// `substitutionGroup`.
    pub substitution_group: Option<Ref>,
}

/// `processContents`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessContents {
    /// `strict`.
    Strict,
    /// `lax`.
    Lax,
    /// `skip`.
    Skip,
}

/// A namespace constraint of a wildcard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NsConstraint {
    /// `##any`.
    Any,
    /// `##other` relative to a target namespace.
    Other(String),
    /// A list; `""` stands for `##local`.
    List(Vec<String>),
}

/// `xs:any` / `xs:anyAttribute`.
#[derive(Clone, Debug)]
pub struct WildcardDecl {
    /// Where.
    pub span: Span,
    /// Allowed namespaces.
    pub namespace: NsConstraint,
    /// `processContents`.
    pub process: ProcessContents,
}

// ----- WSDL ----------------------------------------------------------------------------------

/// The WSDL definitions (all imported WSDL documents merged).
#[derive(Clone, Debug, Default)]
pub struct Wsdl {
    /// `targetNamespace` of the main document.
    pub target_ns: String,
    /// Documentation of `wsdl:definitions`.
    pub doc: Option<String>,
    /// `wsdl:message`.
    pub messages: Vec<Named<Message>>,
    /// `wsdl:portType`.
    pub port_types: Vec<Named<PortType>>,
    /// `wsdl:binding`.
    pub bindings: Vec<Named<Binding>>,
    /// `wsdl:service`.
    pub services: Vec<Named<Service>>,
}

/// `wsdl:message`.
#[derive(Clone, Debug, Default)]
pub struct Message {
    /// Parts in order.
    pub parts: Vec<Part>,
}

/// `wsdl:part`.
#[derive(Clone, Debug)]
pub struct Part {
    /// `name`.
    pub name: String,
    /// Where.
    pub span: Span,
    /// `element=` or `type=`.
    pub kind: PartKind,
}

/// What a part refers to.
#[derive(Clone, Debug)]
pub enum PartKind {
    /// `element="..."`.
    Element(Ref),
    /// `type="..."`.
    Type(Ref),
}

/// `wsdl:portType`.
#[derive(Clone, Debug, Default)]
pub struct PortType {
    /// Operations in order.
    pub operations: Vec<Operation>,
}

/// `wsdl:operation` of a port type.
#[derive(Clone, Debug)]
pub struct Operation {
    /// `name`.
    pub name: String,
    /// Where.
    pub span: Span,
    /// Documentation.
    pub doc: Option<String>,
    /// `wsdl:input`.
    pub input: Option<OpMessage>,
    /// `wsdl:output`.
    pub output: Option<OpMessage>,
    /// Whether the output comes before the input (a notification or solicit-response
    /// operation, WSDL 1.1 section 2.4).
    pub output_first: bool,
    /// `wsdl:fault`s.
    pub faults: Vec<OpFault>,
}

/// `wsdl:input` / `wsdl:output` of a port type operation.
#[derive(Clone, Debug)]
pub struct OpMessage {
    /// `name`, if given.
    pub name: Option<String>,
    /// `message`.
    pub message: Ref,
}

/// `wsdl:fault` of a port type operation.
#[derive(Clone, Debug)]
pub struct OpFault {
    /// `name`.
    pub name: String,
    /// `message`.
    pub message: Ref,
    /// Where.
    pub span: Span,
}

/// SOAP version of a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    /// SOAP 1.1 (`wsdl/soap/`).
    Soap11,
    /// SOAP 1.2 (`wsdl/soap12/`).
    Soap12,
}

/// `style`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `document`.
    Document,
    /// `rpc`.
    Rpc,
}

/// `use` of a SOAP body, header or fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyUse {
    /// `literal`.
    Literal,
    /// `encoded`.
    Encoded,
}

/// `wsdl:binding`.
#[derive(Clone, Debug)]
pub struct Binding {
    /// `type`: the port type.
    pub port_type: Ref,
    /// The SOAP binding, if this is one (`None` for HTTP and other bindings).
    pub soap: Option<SoapBinding>,
    /// Operations.
    pub operations: Vec<BindingOp>,
}

/// `soap:binding` / `soap12:binding`.
#[derive(Clone, Debug)]
pub struct SoapBinding {
    /// SOAP version.
    pub version: SoapVersion,
    /// Default style.
    pub style: Option<Style>,
    /// `transport`.
    pub transport: Option<String>,
    /// Where.
    pub span: Span,
}

/// `wsdl:operation` of a binding.
#[derive(Clone, Debug)]
pub struct BindingOp {
    /// `name`.
    pub name: String,
    /// Where.
    pub span: Span,
    /// `soapAction`.
    pub soap_action: Option<String>,
    /// `soapActionRequired` (SOAP 1.2).
    pub soap_action_required: Option<bool>,
    /// `style`.
    pub style: Option<Style>,
    /// `wsdl:input`.
    pub input: Option<BindingIo>,
    /// `wsdl:output`.
    pub output: Option<BindingIo>,
    /// `wsdl:fault`s.
    pub faults: Vec<BindingFault>,
}

/// `wsdl:input` / `wsdl:output` of a binding operation.
#[derive(Clone, Debug, Default)]
pub struct BindingIo {
    /// `soap:body`.
    pub body: Option<SoapBody>,
    /// `soap:header`s.
    pub headers: Vec<SoapHeader>,
}

/// `soap:body`.
#[derive(Clone, Debug)]
pub struct SoapBody {
    /// Where.
    pub span: Span,
    /// `parts`, if given.
    pub parts: Option<Vec<String>>,
    /// `use`.
    pub usage: BodyUse,
    /// `namespace` (rpc wrapper namespace).
    pub namespace: Option<String>,
}

/// `soap:header`.
#[derive(Clone, Debug)]
pub struct SoapHeader {
    /// Where.
    pub span: Span,
    /// `message`.
    pub message: Ref,
    /// `part`.
    pub part: String,
    /// `use`.
    pub usage: BodyUse,
}

/// `wsdl:fault` of a binding operation.
#[derive(Clone, Debug)]
pub struct BindingFault {
    /// `name`.
    pub name: String,
    /// Where.
    pub span: Span,
    /// `use` of its `soap:fault`.
    pub usage: BodyUse,
}

/// `wsdl:service`.
#[derive(Clone, Debug, Default)]
pub struct Service {
    /// Ports.
    pub ports: Vec<Port>,
}

/// `wsdl:port`.
#[derive(Clone, Debug)]
pub struct Port {
    /// `name`.
    pub name: String,
    /// `binding`.
    pub binding: Ref,
    /// `soap:address location`.
    pub address: Option<String>,
}

/// Whether `s` is an XML NCName (a name without a colon): a letter or `_`, then letters,
/// digits, `_`, `-`, `.` and the combining characters (approximated by Unicode alphanumerics).
pub fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{B7}'))
}
