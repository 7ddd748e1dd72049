//! The intermediate representation: every type the WSDL's messages reach, keyed by
//! [`TypeId`], with derivations flattened (and a [`Polymorphic`] where an element may hold a
//! type or those derived from it), model groups expanded, substitution groups turned
//! into choices and anonymous types given a place of their own. The naming stage fills the
//! `rust` fields; the emitters read nothing else.

use std::fmt::Write as _;

use crate::diag::Span;
use crate::syntax::{Methods, QName, SoapVersion, Style, WhiteSpace};

/// Index into [`Ir::types`].
pub type TypeId = usize;
/// Index into [`Ir::elements`].
pub type ElementId = usize;

/// The whole IR.
#[derive(Clone, Debug, Default)]
pub struct Ir {
    /// All types, built-ins included.
    pub types: Vec<TypeDef>,
    /// Global elements reached.
    pub elements: Vec<ElementDef>,
    /// One service per SOAP binding.
    pub services: Vec<Service>,
    /// Namespaces of the generated items, in first-use order.
    pub namespaces: Vec<Namespace>,
}

/// A namespace and the Rust module holding its types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    /// URI (empty for no namespace).
    pub uri: String,
    /// Preferred prefix for writing.
    pub prefix: String,
    /// Rust module name (set by the naming stage).
    pub module: String,
}

/// Where a type comes from; used for naming and messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An XML Schema built-in.
    Builtin(Builtin),
    /// A named `xs:simpleType` / `xs:complexType`.
    Named(QName),
    /// The anonymous type of a global element.
    Element(QName),
    /// The anonymous type of a local element or attribute (`hint` is its local name) in
    /// `parent`.
    Local {
        /// The enclosing type.
        parent: TypeId,
        /// The local element or attribute name.
        hint: String,
    },
    /// A nested model group of `parent` that needs a type of its own.
    Group {
        /// The enclosing type.
        parent: TypeId,
        /// `Sequence` or `Choice`, numbered from the second one on.
        hint: String,
    },
    /// An anonymous member type of a union or item type of a list in `parent`.
    Member {
        /// The enclosing simple type.
        parent: TypeId,
        /// e.g. `Member2`, `Item`.
        hint: String,
    },
    /// The named complex type `base` or a type derived from it, where an element declares
    /// `base` ([`TypeKind::Polymorphic`]).
    Derivations {
        /// The declared type.
        base: TypeId,
    },
}

/// A type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Where it comes from.
    pub origin: Origin,
    /// Namespace whose module holds it (the enclosing type's for anonymous types).
    pub ns: String,
    /// Where it is defined.
    pub span: Span,
    /// Documentation.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Rust name (naming stage).
    pub rust: String,
}

/// The kinds of types.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// A built-in datatype.
    Builtin(Builtin),
    /// A simple type defined in the schema.
    Simple(SimpleDef),
    /// A complex type: a struct.
    Complex(ComplexDef),
    /// A nested sequence that repeats or is optional as a whole: a struct of its members.
    Sequence(Group),
    /// A choice: an enum of its members.
    Choice(Group),
    /// Where an element declares a named complex type that has derived types (or is
    /// abstract): an enum of the declared type and the types derived from it, which
    /// `xsi:type` chooses between.
    Polymorphic(Polymorphic),
}

/// The types an element declared with the named complex type `base` may hold.
#[derive(Clone, Debug)]
pub struct Polymorphic {
    /// The declared type.
    pub base: TypeId,
    /// Its name.
    pub name: QName,
    /// Whether it is abstract (it is then not among the variants).
    pub is_abstract: bool,
    /// The concrete types: `base` first unless abstract, then the types derived from it
    /// (directly or through others, in any namespace of the schema set), depth first in
    /// schema order.
    pub variants: Vec<Substitute>,
    /// Derived types that may not substitute for `base`: abstract ones, and those derived by a
    /// method `base` blocks.
    pub refused: Vec<Refusal>,
    /// Whether an element declared with it blocks some of its variants ([`ElementUse::block`]):
    /// encoding then checks the value against the element's block.
    pub blocked_somewhere: bool,
}

/// One concrete type of a [`Polymorphic`].
#[derive(Clone, Debug)]
pub struct Substitute {
    /// The type's name (what `xsi:type` says).
    pub name: QName,
    /// The type.
    pub ty: TypeId,
    /// The derivation methods on the way from the declared type (none for the declared type
    /// itself).
    pub methods: Methods,
    /// Rust variant name (naming stage).
    pub rust: String,
    /// Held in a `Box` to break a cycle of by-value containment (cycles stage).
    pub boxed: bool,
}

/// A type derived from a declared type that may not substitute for it, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The derived type's name.
    pub name: QName,
    /// Why, as a clause continuing "xsi:type names {name}, ": `which is abstract`, ...
    pub reason: String,
}

/// A simple type defined in the schema.
#[derive(Clone, Debug)]
pub enum SimpleDef {
    /// A restriction: enumeration or facets over a base simple type.
    Restriction {
        /// The base simple type.
        base: TypeId,
        /// The built-in primitive at the root of the derivation.
        primitive: Builtin,
        /// Facets of this step and all steps above it.
        facets: FacetSet,
        /// Enumeration values (from the nearest step that has any).
        values: Vec<EnumValue>,
    },
    /// A list of items.
    List {
        /// Item type.
        item: TypeId,
        /// Length facets applying to the list.
        facets: FacetSet,
    },
    /// A union.
    Union {
        /// Member types, in order of preference.
        members: Vec<Variant>,
    },
}

/// A union member or enumeration value with its Rust name.
#[derive(Clone, Debug)]
pub struct Variant {
    /// The member type.
    pub ty: TypeId,
    /// Rust variant name (naming stage).
    pub rust: String,
}

/// One enumeration value.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The literal as written.
    pub value: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Rust variant name (naming stage).
    pub rust: String,
    /// Where.
    pub span: Span,
}

/// Accumulated facets (besides enumerations).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacetSet {
    /// Pattern groups: the value must match one pattern of every group (one group per
    /// derivation step).
    pub patterns: Vec<Vec<String>>,
    /// `length`.
    pub length: Option<u64>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minInclusive`.
    pub min_inclusive: Option<String>,
    /// `maxInclusive`.
    pub max_inclusive: Option<String>,
    /// `minExclusive`.
    pub min_exclusive: Option<String>,
    /// `maxExclusive`.
    pub max_exclusive: Option<String>,
    /// `totalDigits`.
    pub total_digits: Option<u32>,
    /// `fractionDigits`.
    pub fraction_digits: Option<u32>,
    /// Effective `whiteSpace`.
    pub white_space: Option<WhiteSpace>,
}

impl FacetSet {
    /// Whether any checking facet is present (whitespace alone is not a check).
    pub fn has_checks(&self) -> bool {
        !self.patterns.is_empty()
            || self.length.is_some()
            || self.min_length.is_some()
            || self.max_length.is_some()
            || self.min_inclusive.is_some()
            || self.max_inclusive.is_some()
            || self.min_exclusive.is_some()
            || self.max_exclusive.is_some()
            || self.total_digits.is_some()
            || self.fraction_digits.is_some()
    }
}

/// A complex type.
#[derive(Clone, Debug)]
pub struct ComplexDef {
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// The type it derives from, if any (documentation only: content is flattened).
    pub base: Option<TypeId>,
    /// Attributes, base type's first.
    pub attributes: Vec<Attribute>,
    /// Attribute wildcard.
    pub any_attribute: Option<Wildcard>,
    /// Rust field name for the wildcard attributes (naming stage).
    pub any_attribute_rust: String,
    /// Content.
    pub content: Content,
    /// Types derived from this one that `xsi:type` may not name where it is declared (when
    /// none may, it is not [`Polymorphic`] but keeps this list for its error messages).
    pub refused: Vec<Refusal>,
}

/// The content of a complex type.
#[derive(Clone, Debug)]
pub enum Content {
    /// No content.
    Empty,
    /// Character data of a simple type.
    Simple {
        /// The simple type.
        ty: TypeId,
        /// Rust field name (naming stage).
        rust: String,
    },
    /// Element content.
    Elements(Group),
    /// Anything (`xs:anyType`): captured as it is.
    Any {
        /// Rust field name (naming stage).
        rust: String,
    },
}

/// Compositor of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compositor {
    /// `xs:sequence`.
    Sequence,
    /// `xs:choice`.
    Choice,
    /// `xs:all`.
    All,
}

/// A model group: members in order.
#[derive(Clone, Debug)]
pub struct Group {
    /// The compositor.
    pub compositor: Compositor,
    /// Members.
    pub members: Vec<Member>,
}

/// Occurrence bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurs {
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs` (`None` = unbounded).
    pub max: Option<u32>,
}

impl Occurs {
    /// Exactly once.
    pub const ONE: Occurs = Occurs { min: 1, max: Some(1) };

    /// How the member is held in Rust.
    pub fn shape(self) -> Shape {
        match (self.min, self.max) {
            (1, Some(1)) => Shape::One,
            (0, Some(1)) => Shape::Optional,
            _ => Shape::Many,
        }
    }
}

/// How a member is held in Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `T`.
    One,
    /// `Option<T>`.
    Optional,
    /// `Vec<T>`.
    Many,
}

/// A member of a group: a struct field (sequence, all) or an enum variant (choice).
#[derive(Clone, Debug)]
pub struct Member {
    /// Occurrence bounds.
    pub occurs: Occurs,
    /// What occurs.
    pub term: MemberTerm,
    /// Rust field or variant name (naming stage).
    pub rust: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Where.
    pub span: Span,
    /// Held in a `Box` to break a cycle of by-value containment (cycles stage).
    pub boxed: bool,
}

/// The term of a member.
#[derive(Clone, Debug)]
pub enum MemberTerm {
    /// An element.
    Element(ElementUse),
    /// A nested group with a type of its own ([`TypeKind::Sequence`] or [`TypeKind::Choice`]).
    Group(TypeId),
    /// An element wildcard.
    Any(Wildcard),
}

/// An element in a content model.
#[derive(Clone, Debug)]
pub struct ElementUse {
    /// Effective name.
    pub name: QName,
    /// Its type.
    pub ty: TypeId,
    /// `nillable="true"`.
    pub nillable: bool,
    /// `default`.
    pub default: Option<String>,
    /// `fixed`.
    pub fixed: Option<String>,
    /// The global declaration, for references.
    pub global: Option<ElementId>,
    /// The derivation methods by which the element refuses `xsi:type` substitution (its
    /// `block`, or its schema's `blockDefault`), where its type is [`Polymorphic`] and has a
    /// variant derived that way; empty otherwise.
    pub block: Methods,
}

impl ElementUse {
    /// An unqualified element `local` of type `ty` with nothing else declared (an rpc-style
    /// part accessor).
    pub fn plain(local: &str, ty: TypeId) -> ElementUse {
        ElementUse { name: QName::new("", local), ty, nillable: false, default: None, fixed: None, global: None, block: Methods::default() }
    }
}

/// An attribute of a complex type.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// Effective name.
    pub name: QName,
    /// Simple type.
    pub ty: TypeId,
    /// `use="required"`.
    pub required: bool,
    /// `default`.
    pub default: Option<String>,
    /// `fixed`.
    pub fixed: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Rust field name (naming stage).
    pub rust: String,
}

/// A wildcard's namespace constraint, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wildcard {
    /// Any namespace.
    Any,
    /// Not this namespace (and not unqualified).
    Other(String),
    /// Only these (`""` is unqualified).
    List(Vec<String>),
}

impl Wildcard {
    /// Whether a name in `ns` is allowed.
    pub fn allows(&self, ns: &str) -> bool {
        match self {
            Wildcard::Any => true,
            Wildcard::Other(t) => ns != t && !ns.is_empty(),
            Wildcard::List(l) => l.iter().any(|n| n == ns),
        }
    }

    /// Whether two wildcards can accept a common namespace.
    pub fn overlaps(&self, other: &Wildcard) -> bool {
        match (self, other) {
            (Wildcard::Any, _) | (_, Wildcard::Any) => true,
            (Wildcard::Other(_), Wildcard::Other(_)) => true,
            (Wildcard::Other(t), Wildcard::List(l)) | (Wildcard::List(l), Wildcard::Other(t)) => l.iter().any(|n| n != t && !n.is_empty()),
            (Wildcard::List(a), Wildcard::List(b)) => a.iter().any(|n| b.contains(n)),
        }
    }
}

/// A global element.
#[derive(Clone, Debug)]
pub struct ElementDef {
    /// Its name.
    pub name: QName,
    /// Its type.
    pub ty: TypeId,
    /// `nillable`.
    pub nillable: bool,
    /// `abstract`.
    pub is_abstract: bool,
    /// The derivation methods by which it refuses `xsi:type` substitution (as
    /// [`ElementUse::block`]).
    pub block: Methods,
    /// Documentation.
    pub doc: Option<String>,
    /// Where.
    pub span: Span,
    /// Rust name of the constant that decodes and encodes documents whose root is this
    /// element (naming stage; empty for an abstract element).
    pub rust: String,
}

/// The XML Schema built-in datatypes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Builtin {
    AnyType,
    AnySimpleType,
    String,
    NormalizedString,
    Token,
    Language,
    Name,
    NcName,
    Id,
    IdRef,
    IdRefs,
    Entity,
    Entities,
    NmToken,
    NmTokens,
    AnyUri,
    QName,
    Notation,
    Boolean,
    Decimal,
    Integer,
    NonPositiveInteger,
    NegativeInteger,
    NonNegativeInteger,
    PositiveInteger,
    Long,
    Int,
    Short,
    Byte,
    UnsignedLong,
    UnsignedInt,
    UnsignedShort,
    UnsignedByte,
    Float,
    Double,
    Duration,
    DateTime,
    Date,
    Time,
    GYear,
    GYearMonth,
    GMonth,
    GMonthDay,
    GDay,
    Base64Binary,
    HexBinary,
}

impl Builtin {
    /// All built-ins with their XML Schema local names.
    pub const ALL: &'static [(&'static str, Builtin)] = &[
        ("anyType", Builtin::AnyType),
        ("anySimpleType", Builtin::AnySimpleType),
        ("string", Builtin::String),
        ("normalizedString", Builtin::NormalizedString),
        ("token", Builtin::Token),
        ("language", Builtin::Language),
        ("Name", Builtin::Name),
        ("NCName", Builtin::NcName),
        ("ID", Builtin::Id),
        ("IDREF", Builtin::IdRef),
        ("IDREFS", Builtin::IdRefs),
        ("ENTITY", Builtin::Entity),
        ("ENTITIES", Builtin::Entities),
        ("NMTOKEN", Builtin::NmToken),
        ("NMTOKENS", Builtin::NmTokens),
        ("anyURI", Builtin::AnyUri),
        ("QName", Builtin::QName),
        ("NOTATION", Builtin::Notation),
        ("boolean", Builtin::Boolean),
        ("decimal", Builtin::Decimal),
        ("integer", Builtin::Integer),
        ("nonPositiveInteger", Builtin::NonPositiveInteger),
        ("negativeInteger", Builtin::NegativeInteger),
        ("nonNegativeInteger", Builtin::NonNegativeInteger),
        ("positiveInteger", Builtin::PositiveInteger),
        ("long", Builtin::Long),
        ("int", Builtin::Int),
        ("short", Builtin::Short),
        ("byte", Builtin::Byte),
        ("unsignedLong", Builtin::UnsignedLong),
        ("unsignedInt", Builtin::UnsignedInt),
        ("unsignedShort", Builtin::UnsignedShort),
        ("unsignedByte", Builtin::UnsignedByte),
        ("float", Builtin::Float),
        ("double", Builtin::Double),
        ("duration", Builtin::Duration),
        ("dateTime", Builtin::DateTime),
        ("date", Builtin::Date),
        ("time", Builtin::Time),
        ("gYear", Builtin::GYear),
        ("gYearMonth", Builtin::GYearMonth),
        ("gMonth", Builtin::GMonth),
        ("gMonthDay", Builtin::GMonthDay),
        ("gDay", Builtin::GDay),
        ("base64Binary", Builtin::Base64Binary),
        ("hexBinary", Builtin::HexBinary),
    ];

    /// The built-in with XML Schema local name `local`.
    pub fn from_local(local: &str) -> Option<Builtin> {
        Builtin::ALL.iter().find(|(n, _)| *n == local).map(|(_, b)| *b)
    }

    /// The XML Schema local name.
    pub fn xs_name(self) -> &'static str {
        Builtin::ALL.iter().find(|(_, b)| *b == self).map_or("?", |(n, _)| n)
    }

    /// Whether the value space is strings (whitespace and length facets count characters).
    pub fn is_string_like(self) -> bool {
        matches!(
            self,
            Builtin::AnySimpleType
                | Builtin::String
                | Builtin::NormalizedString
                | Builtin::Token
                | Builtin::Language
                | Builtin::Name
                | Builtin::NcName
                | Builtin::Id
                | Builtin::IdRef
                | Builtin::Entity
                | Builtin::NmToken
                | Builtin::AnyUri
        )
    }

    /// Whether the Rust value writes back the lexical form it was read from. The fixed-width
    /// integers, `float`, `double`, `boolean` and the binary types write their canonical form
    /// instead, which a pattern facet may refuse (`\d{3}` and `009`): restrictions of them with
    /// patterns hold a `Spelled` value.
    pub fn keeps_lexical_form(self) -> bool {
        !matches!(
            self,
            Builtin::Boolean
                | Builtin::Long
                | Builtin::Int
                | Builtin::Short
                | Builtin::Byte
                | Builtin::UnsignedLong
                | Builtin::UnsignedInt
                | Builtin::UnsignedShort
                | Builtin::UnsignedByte
                | Builtin::Float
                | Builtin::Double
                | Builtin::Base64Binary
                | Builtin::HexBinary
        )
    }

    /// Built-in list types (`IDREFS`, `ENTITIES`, `NMTOKENS`) and their item type.
    pub fn list_item(self) -> Option<Builtin> {
        match self {
            Builtin::IdRefs => Some(Builtin::IdRef),
            Builtin::Entities => Some(Builtin::Entity),
            Builtin::NmTokens => Some(Builtin::NmToken),
            _ => None,
        }
    }

    /// The default whitespace handling of the type.
    pub fn white_space(self) -> WhiteSpace {
        match self {
            Builtin::String | Builtin::AnySimpleType => WhiteSpace::Preserve,
            Builtin::NormalizedString => WhiteSpace::Replace,
            _ => WhiteSpace::Collapse,
        }
    }
}

// ----- services ------------------------------------------------------------------------------

/// A SOAP binding with its operations.
#[derive(Clone, Debug)]
pub struct Service {
    /// The binding's name.
    pub binding: QName,
    /// The port type's name.
    pub port_type: QName,
    /// SOAP version.
    pub version: SoapVersion,
    /// Documentation (port type's).
    pub doc: Option<String>,
    /// Addresses of ports using this binding, if the WSDL has a service.
    pub addresses: Vec<String>,
    /// Operations in port type order.
    pub operations: Vec<Operation>,
    /// Rust module name (naming stage).
    pub rust_module: String,
    /// Rust name of the client trait, and the base of the other names (naming stage).
    pub rust: String,
    /// The names of the items generated for the binding (naming stage).
    pub items: ServiceItems,
}

/// The Rust names of a binding's generated items besides the messages (naming stage).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceItems {
    /// The client struct (`…Client`).
    pub client: String,
    /// The server trait (`…Server`).
    pub server: String,
    /// The dispatcher struct (`…Dispatcher`).
    pub dispatcher: String,
    /// The enum of the operations (`…Operation`).
    pub operations: String,
    /// The enum of every message (`…Message`).
    pub messages: String,
}

/// An operation of a binding.
#[derive(Clone, Debug)]
pub struct Operation {
    /// Operation name.
    pub name: String,
    /// `soapAction` (empty if none).
    pub soap_action: String,
    /// Style.
    pub style: Style,
    /// Documentation.
    pub doc: Option<String>,
    /// Input message.
    pub input: Option<MessageIr>,
    /// Output message.
    pub output: Option<MessageIr>,
    /// Declared faults.
    pub faults: Vec<FaultIr>,
    /// Rust name of the enum of the declared faults (naming stage; empty without faults).
    pub fault_rust: String,
    /// Rust method name (naming stage).
    pub rust: String,
    /// Rust name of the operation's variant in the operations enum (naming stage).
    pub variant: String,
    /// Where.
    pub span: Span,
}

/// A message as it travels: body parts and header parts.
#[derive(Clone, Debug)]
pub struct MessageIr {
    /// The WSDL message name.
    pub name: QName,
    /// Body parts in order.
    pub body: Vec<BodyPart>,
    /// For rpc style: the wrapper element's name.
    pub rpc_wrapper: Option<QName>,
    /// Header parts.
    pub headers: Vec<HeaderPart>,
    /// Rust struct name (naming stage).
    pub rust: String,
}

/// A body part.
#[derive(Clone, Debug)]
pub struct BodyPart {
    /// Part name.
    pub part: String,
    /// What it holds.
    pub kind: PartKind,
    /// Rust field name (naming stage).
    pub rust: String,
}

/// What a part holds.
#[derive(Clone, Debug)]
pub enum PartKind {
    /// A global element.
    Element(ElementId),
    /// A type: in document style the type of the SOAP Body itself; in rpc style the type of
    /// the part accessor element.
    Type(TypeId),
}

/// A header part: always a global element (literal use).
#[derive(Clone, Debug)]
pub struct HeaderPart {
    /// Part name.
    pub part: String,
    /// The element.
    pub element: ElementId,
    /// Rust field name (naming stage).
    pub rust: String,
}

/// A declared fault.
#[derive(Clone, Debug)]
pub struct FaultIr {
    /// Fault name.
    pub name: String,
    /// The detail element.
    pub element: ElementId,
    /// Rust variant name (naming stage).
    pub rust: String,
}

// ----- analysis ------------------------------------------------------------------------------

/// The element names (and wildcards) that can start a particle, and whether it can be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct First {
    /// Element names.
    pub names: Vec<QName>,
    /// Wildcards.
    pub wildcards: Vec<Wildcard>,
    /// Whether the particle can match nothing.
    pub emptiable: bool,
}

impl First {
    /// Adds the names and wildcards of `other` (emptiability is the caller's to decide).
    pub fn add(&mut self, other: First) {
        for n in other.names {
            if !self.names.contains(&n) {
                self.names.push(n);
            }
        }
        for w in other.wildcards {
            if !self.wildcards.contains(&w) {
                self.wildcards.push(w);
            }
        }
    }

    /// Whether an element `name` can start the particle.
    pub fn accepts(&self, name: &QName) -> bool {
        self.names.contains(name) || self.wildcards.iter().any(|w| w.allows(&name.ns))
    }

    /// Whether two FIRST sets share a possible start (element name or wildcard overlap).
    pub fn intersects(&self, other: &First) -> bool {
        self.names.iter().any(|n| other.accepts(n))
            || other.names.iter().any(|n| self.accepts(n))
            || self.wildcards.iter().any(|a| other.wildcards.iter().any(|b| a.overlaps(b)))
    }
}

impl Ir {
    /// The use of global element `e` (a reference to it).
    pub fn element_use(&self, e: ElementId) -> ElementUse {
        let el = &self.elements[e];
        ElementUse { name: el.name.clone(), ty: el.ty, nillable: el.nillable, default: None, fixed: None, global: Some(e), block: el.block }
    }

    /// FIRST set of one occurrence of a member's term.
    pub fn first_of_term(&self, term: &MemberTerm) -> First {
        match term {
            MemberTerm::Element(e) => First { names: vec![e.name.clone()], wildcards: vec![], emptiable: false },
            MemberTerm::Any(w) => First { names: vec![], wildcards: vec![w.clone()], emptiable: false },
            MemberTerm::Group(t) => match &self.types[*t].kind {
                TypeKind::Sequence(g) | TypeKind::Choice(g) => self.first_of_group(g),
                _ => First::default(),
            },
        }
    }

    /// FIRST set of a member including its occurrence (`minOccurs=0` makes it emptiable).
    pub fn first_of_member(&self, m: &Member) -> First {
        let mut f = self.first_of_term(&m.term);
        if m.occurs.min == 0 {
            f.emptiable = true;
        }
        f
    }

    /// FIRST set of a group.
    pub fn first_of_group(&self, g: &Group) -> First {
        let mut out = First::default();
        match g.compositor {
            Compositor::Sequence => {
                out.emptiable = true;
                for m in &g.members {
                    let f = self.first_of_member(m);
                    let empt = f.emptiable;
                    out.add(f);
                    if !empt {
                        out.emptiable = false;
                        break;
                    }
                }
            }
            Compositor::Choice => {
                out.emptiable = g.members.is_empty();
                for m in &g.members {
                    let f = self.first_of_member(m);
                    out.emptiable |= f.emptiable;
                    out.add(f);
                }
            }
            Compositor::All => {
                out.emptiable = true;
                for m in &g.members {
                    let f = self.first_of_member(m);
                    out.emptiable &= f.emptiable;
                    out.add(f);
                }
            }
        }
        out
    }

    /// The members of a choice grouped by overlapping FIRST sets, each group in member order
    /// and the groups in the order of their first member. A deterministic choice (what XML
    /// Schema's Unique Particle Attribution requires) has only groups of one.
    pub fn choice_branches(&self, g: &Group) -> Vec<Vec<usize>> {
        let firsts: Vec<First> = g.members.iter().map(|m| self.first_of_term(&m.term)).collect();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, f) in firsts.iter().enumerate() {
            let overlapping: Vec<usize> = (0..groups.len()).filter(|&k| groups[k].iter().any(|&j| firsts[j].intersects(f))).collect();
            match overlapping.as_slice() {
                [] => groups.push(vec![i]),
                [first, rest @ ..] => {
                    // Merge every group this member overlaps into the earliest one.
                    for &k in rest.iter().rev() {
                        let moved = groups.remove(k);
                        groups[*first].extend(moved);
                    }
                    groups[*first].push(i);
                    groups[*first].sort_unstable();
                }
            }
        }
        groups
    }

    /// FIRST set of the element content of a type (`None` if the type has no element content).
    pub fn first_of_type(&self, ty: TypeId) -> First {
        match &self.types[ty].kind {
            TypeKind::Complex(c) => match &c.content {
                Content::Elements(g) => self.first_of_group(g),
                Content::Empty | Content::Simple { .. } => First { emptiable: true, ..First::default() },
                Content::Any { .. } => First { names: vec![], wildcards: vec![Wildcard::Any], emptiable: true },
            },
            TypeKind::Sequence(g) | TypeKind::Choice(g) => self.first_of_group(g),
            _ => First { emptiable: true, ..First::default() },
        }
    }

    /// A readable, deterministic dump of the IR (for snapshot tests and `--dump-ir`).
    pub fn dump(&self) -> String {
        let mut s = String::new();
        for ns in &self.namespaces {
            let _ = writeln!(s, "namespace {:?} prefix {} module {}", ns.uri, ns.prefix, ns.module);
        }
        for (id, t) in self.types.iter().enumerate() {
            if matches!(t.kind, TypeKind::Builtin(_)) {
                continue;
            }
            let _ = writeln!(s, "\ntype #{id} {} = {}", t.rust, self.describe_origin(&t.origin));
            self.dump_kind(&mut s, &t.kind);
        }
        for (id, e) in self.elements.iter().enumerate() {
            let _ = writeln!(
                s,
                "\nelement #{id} {} : {}{}{}{}",
                e.name,
                self.type_label(e.ty),
                if e.nillable { " nillable" } else { "" },
                if e.is_abstract { " abstract" } else { "" },
                if e.rust.is_empty() { String::new() } else { format!(" -> {}", e.rust) }
            );
        }
        for svc in &self.services {
            let _ = writeln!(
                s,
                "\nservice {} (mod {}) binding {} portType {} {:?}",
                svc.rust, svc.rust_module, svc.binding, svc.port_type, svc.version
            );
            for a in &svc.addresses {
                let _ = writeln!(s, "  address {a}");
            }
            for op in &svc.operations {
                let _ = writeln!(s, "  operation {} (fn {}) action {:?} {:?}", op.name, op.rust, op.soap_action, op.style);
                for (dir, m) in [("input", &op.input), ("output", &op.output)] {
                    let Some(m) = m else { continue };
                    let _ = writeln!(s, "    {dir} {} ({})", m.rust, m.name);
                    if let Some(w) = &m.rpc_wrapper {
                        let _ = writeln!(s, "      rpc wrapper {w}");
                    }
                    for p in &m.body {
                        let what = match p.kind {
                            PartKind::Element(e) => format!("element {}", self.elements[e].name),
                            PartKind::Type(t) => format!("type {} (body content)", self.type_label(t)),
                        };
                        let _ = writeln!(s, "      body part {} -> {}: {what}", p.part, p.rust);
                    }
                    for h in &m.headers {
                        let _ = writeln!(s, "      header part {} -> {}: element {}", h.part, h.rust, self.elements[h.element].name);
                    }
                }
                if !op.faults.is_empty() {
                    let _ = writeln!(s, "    faults -> {}", op.fault_rust);
                }
                for f in &op.faults {
                    let _ = writeln!(s, "    fault {} -> {}: element {}", f.name, f.rust, self.elements[f.element].name);
                }
            }
        }
        s
    }

    fn describe_origin(&self, o: &Origin) -> String {
        match o {
            Origin::Builtin(b) => format!("xs:{}", b.xs_name()),
            Origin::Named(q) => format!("named {q}"),
            Origin::Element(q) => format!("anonymous type of element {q}"),
            Origin::Local { parent, hint } => format!("anonymous type of {hint} in #{parent}"),
            Origin::Group { parent, hint } => format!("{hint} group in #{parent}"),
            Origin::Member { parent, hint } => format!("{hint} of #{parent}"),
            Origin::Derivations { base } => format!("#{base} or a type derived from it"),
        }
    }

    /// `Name#id` or `xs:builtin`.
    pub fn type_label(&self, id: TypeId) -> String {
        match &self.types[id].kind {
            TypeKind::Builtin(b) => format!("xs:{}", b.xs_name()),
            _ => format!("{}#{id}", self.types[id].rust),
        }
    }

    fn dump_kind(&self, s: &mut String, kind: &TypeKind) {
        match kind {
            TypeKind::Builtin(_) => {}
            TypeKind::Simple(SimpleDef::Restriction { base, primitive, facets, values }) => {
                let _ = writeln!(s, "  restriction of {} (primitive xs:{})", self.type_label(*base), primitive.xs_name());
                dump_facets(s, facets);
                for v in values {
                    let _ = writeln!(s, "  enum {:?} -> {}", v.value, v.rust);
                }
            }
            TypeKind::Simple(SimpleDef::List { item, facets }) => {
                let _ = writeln!(s, "  list of {}", self.type_label(*item));
                dump_facets(s, facets);
            }
            TypeKind::Simple(SimpleDef::Union { members }) => {
                for m in members {
                    let _ = writeln!(s, "  union member {} -> {}", self.type_label(m.ty), m.rust);
                }
            }
            TypeKind::Complex(c) => {
                if c.is_abstract {
                    let _ = writeln!(s, "  abstract");
                }
                if let Some(b) = c.base {
                    let _ = writeln!(s, "  derived from {}", self.type_label(b));
                }
                for a in &c.attributes {
                    let _ = writeln!(
                        s,
                        "  attribute {} : {} -> {}{}{}{}",
                        a.name,
                        self.type_label(a.ty),
                        a.rust,
                        if a.required { " required" } else { "" },
                        a.default.as_ref().map(|d| format!(" default={d:?}")).unwrap_or_default(),
                        a.fixed.as_ref().map(|d| format!(" fixed={d:?}")).unwrap_or_default(),
                    );
                }
                if let Some(w) = &c.any_attribute {
                    let _ = writeln!(s, "  anyAttribute {w:?} -> {}", c.any_attribute_rust);
                }
                match &c.content {
                    Content::Empty => {
                        let _ = writeln!(s, "  empty content");
                    }
                    Content::Simple { ty, rust } => {
                        let _ = writeln!(s, "  simple content {} -> {rust}", self.type_label(*ty));
                    }
                    Content::Any { rust } => {
                        let _ = writeln!(s, "  any content -> {rust}");
                    }
                    Content::Elements(g) => self.dump_group(s, g),
                }
            }
            TypeKind::Sequence(g) | TypeKind::Choice(g) => self.dump_group(s, g),
            TypeKind::Polymorphic(p) => {
                let _ = writeln!(s, "  xsi:type of {}{}", p.name, if p.is_abstract { " (abstract)" } else { "" });
                for v in &p.variants {
                    let how = if v.methods.is_empty() { String::new() } else { format!(" by {}", v.methods.spelled()) };
                    let _ = writeln!(
                        s,
                        "    {} : {}{how} -> {}{}",
                        v.name,
                        self.type_label(v.ty),
                        v.rust,
                        if v.boxed { " (boxed)" } else { "" }
                    );
                }
                for r in &p.refused {
                    let _ = writeln!(s, "    refused {}: {}", r.name, r.reason);
                }
            }
        }
        if let TypeKind::Complex(c) = kind {
            for r in &c.refused {
                let _ = writeln!(s, "  refused xsi:type {}: {}", r.name, r.reason);
            }
        }
    }

    fn dump_group(&self, s: &mut String, g: &Group) {
        let overlapping: Vec<String> = match g.compositor {
            Compositor::Choice => self
                .choice_branches(g)
                .into_iter()
                .filter(|b| b.len() > 1)
                .map(|b| b.iter().map(|&i| g.members[i].rust.clone()).collect::<Vec<_>>().join(" "))
                .collect(),
            _ => Vec::new(),
        };
        if overlapping.is_empty() {
            let _ = writeln!(s, "  {:?}", g.compositor);
        } else {
            let _ = writeln!(s, "  {:?} (not deterministic: longest of {})", g.compositor, overlapping.join("; "));
        }
        for m in &g.members {
            let occ = match m.occurs.max {
                Some(max) => format!("[{}..{}]", m.occurs.min, max),
                None => format!("[{}..*]", m.occurs.min),
            };
            let what = match &m.term {
                MemberTerm::Element(e) => format!(
                    "element {} : {}{}{}{}{}",
                    e.name,
                    self.type_label(e.ty),
                    if e.block.is_empty() { String::new() } else { format!(" block={:?}", e.block.spelled()) },
                    if e.nillable { " nillable" } else { "" },
                    e.default.as_ref().map(|d| format!(" default={d:?}")).unwrap_or_default(),
                    e.fixed.as_ref().map(|d| format!(" fixed={d:?}")).unwrap_or_default(),
                ),
                MemberTerm::Group(t) => format!("group {}", self.type_label(*t)),
                MemberTerm::Any(w) => format!("any {w:?}"),
            };
            let _ = writeln!(s, "    {occ} {what} -> {}{}", m.rust, if m.boxed { " (boxed)" } else { "" });
        }
    }
}

fn dump_facets(s: &mut String, f: &FacetSet) {
    let mut parts = Vec::new();
    if !f.patterns.is_empty() {
        parts.push(format!("pattern={:?}", f.patterns));
    }
    for (n, v) in [("length", f.length), ("minLength", f.min_length), ("maxLength", f.max_length)] {
        if let Some(v) = v {
            parts.push(format!("{n}={v}"));
        }
    }
    for (n, v) in [
        ("minInclusive", &f.min_inclusive),
        ("maxInclusive", &f.max_inclusive),
        ("minExclusive", &f.min_exclusive),
        ("maxExclusive", &f.max_exclusive),
    ] {
        if let Some(v) = v {
            parts.push(format!("{n}={v:?}"));
        }
    }
    if let Some(v) = f.total_digits {
        parts.push(format!("totalDigits={v}"));
    }
    if let Some(v) = f.fraction_digits {
        parts.push(format!("fractionDigits={v}"));
    }
    if let Some(v) = f.white_space {
        parts.push(format!("whiteSpace={v:?}"));
    }
    if !parts.is_empty() {
        let _ = writeln!(s, "  facets {}", parts.join(" "));
    }
}
