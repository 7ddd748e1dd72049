//! Lowering stage: from resolved syntax to the [`Ir`].
//!
//! Starting from the WSDL's SOAP bindings, it reaches every message part, element and type.
//! A type id is allocated the first time a definition is referenced, before its body is
//! converted (bodies wait in a work list), so recursive definitions are safe. Complex type
//! derivations are flattened (extension appends the derived particle to the base's,
//! restriction restates it), model group references and nested groups are expanded or given
//! types of their own, and substitution groups become choices. Where an element declares a
//! named complex type that other types derive from, its type is a [`Polymorphic`] of them all
//! (see [type derivation](crate#type-derivation)).

mod derivation;

use std::collections::{HashMap, HashSet, VecDeque};

use crate::diag::{DiagKind, Diagnostic, Span};
use crate::ir::{self, *};
use crate::ir::{Operation, Service};
use crate::resolve::Symbols;
use crate::syntax::{self, *};
use crate::syntax::{PartKind, TypeDef};

/// Lowers everything the WSDLs' SOAP bindings reach, and every global element when an input
/// is a schema (bare, or given beside the WSDLs).
pub fn lower(sym: &Symbols<'_>, opts: &crate::Options) -> Result<Ir, Vec<Diagnostic>> {
    let mut l = Lowerer {
        sym,
        opts,
        ir: Ir::default(),
        diags: Vec::new(),
        named: HashMap::new(),
        builtins: HashMap::new(),
        elements: HashMap::new(),
        lowering_elements: HashSet::new(),
        anon: HashMap::new(),
        groups: HashMap::new(),
        substitution_choices: HashMap::new(),
        queue: VecDeque::new(),
        effective: HashMap::new(),
        deriving: HashSet::new(),
        expanding_groups: Vec::new(),
        polymorphic: HashMap::new(),
        refusals: Vec::new(),
    };
    match sym.wsdl {
        Some(w) => {
            for b in &w.bindings {
                l.lower_binding(b);
            }
            l.check_operation_options();
            // Every port names a binding that exists.
            for s in &w.services {
                for port in &s.item.ports {
                    if let Err(d) = sym.binding(&port.binding) {
                        l.diags.push(d);
                    }
                }
            }
            if l.ir.services.is_empty() && l.diags.is_empty() {
                l.diags.push(Diagnostic::new(DiagKind::Invalid, None, "the WSDL has no SOAP 1.1 or SOAP 1.2 binding"));
            }
            if sym.has_schema_inputs {
                for i in 0..sym.schema.elements.len() {
                    l.element_id(i);
                }
            }
        }
        None => {
            for i in 0..sym.schema.elements.len() {
                l.element_id(i);
            }
        }
    }
    l.drain();
    l.apply_refusals();
    l.collect_namespaces();
    // A definition reached twice (e.g. a message used as input and output) is reported once.
    let mut unique: Vec<Diagnostic> = Vec::with_capacity(l.diags.len());
    for d in l.diags {
        if !unique.contains(&d) {
            unique.push(d);
        }
    }
    if unique.is_empty() { Ok(l.ir) } else { Err(unique) }
}

type Key = *const ();

fn key<T>(t: &T) -> Key {
    (t as *const T).cast()
}

struct Lowerer<'s> {
    sym: &'s Symbols<'s>,
    opts: &'s crate::Options,
    ir: Ir,
    diags: Vec<Diagnostic>,
    named: HashMap<QName, TypeId>,
    builtins: HashMap<Builtin, TypeId>,
    /// Global elements by schema index: their id, or `None` for one whose type could not be
    /// lowered (diagnosed once; every later use fails too rather than see a placeholder type).
    elements: HashMap<usize, Option<ElementId>>,
    /// Global elements whose type is being lowered (a substitution group cycle returns to one).
    lowering_elements: HashSet<usize>,
    /// Anonymous types by the syntax node that defines them.
    anon: HashMap<Key, TypeId>,
    /// Group types by the particle that defines them.
    groups: HashMap<Key, TypeId>,
    /// Substitution group choices by enclosing type and head element (one per pair, however
    /// often the head is referenced there).
    substitution_choices: HashMap<(TypeId, ElementId), TypeId>,
    /// Bodies still to convert.
    queue: VecDeque<Work<'s>>,
    /// Flattened complex types by name.
    effective: HashMap<QName, Option<Effective<'s>>>,
    /// Complex types whose derivation is being flattened (cycle detection).
    deriving: HashSet<QName>,
    /// Model groups being expanded (cycle detection).
    expanding_groups: Vec<QName>,
    /// What an element declared with a named complex type holds: the type's
    /// [`Polymorphic`], or the type itself when nothing may substitute for it.
    polymorphic: HashMap<TypeId, TypeId>,
    /// Refused substitutions of types that are not polymorphic, set on them once converted.
    refusals: Vec<(TypeId, Vec<Refusal>)>,
}

enum Work<'s> {
    Type { id: TypeId, def: &'s TypeDef, name: Option<QName> },
}

/// A complex type with its derivation chain flattened.
#[derive(Clone)]
struct Effective<'s> {
    /// The declaring (owner) type of each attribute source and its item.
    attrs: Vec<EffAttr<'s>>,
    any_attr: Option<&'s WildcardDecl>,
    content: EffContent<'s>,
    mixed: bool,
    base: Option<QName>,
}

#[derive(Clone)]
struct EffAttr<'s> {
    owner: Owner,
    name: QName,
    item: AttrSource<'s>,
    required: bool,
    prohibited: bool,
    default: Option<String>,
    fixed: Option<String>,
    span: Span,
}

#[derive(Clone, Copy)]
enum AttrSource<'s> {
    Decl(&'s AttributeDecl),
    XmlBuiltin(Builtin),
}

#[derive(Clone)]
enum EffContent<'s> {
    Empty,
    Particles(Vec<(Owner, &'s Particle)>),
    /// Simple content: the value type, and (for a simpleContent restriction) the facets to
    /// apply on top of it.
    Simple {
        base: Ref,
        owner: Owner,
        facets: Option<&'s Facets>,
        span: Span,
    },
    Any,
}

/// The named type that declares a piece of content (anonymous types inside are named after
/// it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Owner(QName);

impl<'s> Lowerer<'s> {
    fn diag(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn err(&mut self, kind: DiagKind, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(kind, Some(span), msg));
    }

    fn new_type(&mut self, origin: Origin, ns: String, span: Span, doc: Option<String>) -> TypeId {
        self.ir.types.push(ir::TypeDef {
            origin,
            ns,
            span,
            doc,
            kind: TypeKind::Builtin(Builtin::AnyType), // placeholder until converted
            rust: String::new(),
        });
        self.ir.types.len() - 1
    }

    fn builtin(&mut self, b: Builtin) -> TypeId {
        if let Some(&id) = self.builtins.get(&b) {
            return id;
        }
        let id = self.new_type(Origin::Builtin(b), syntax::XS.to_owned(), Span::default(), None);
        self.ir.types[id].kind = TypeKind::Builtin(b);
        self.builtins.insert(b, id);
        id
    }

    /// The id of a named type, allocating it (and queueing its body) on first use.
    fn named_type(&mut self, r: &Ref) -> Option<TypeId> {
        if r.name.ns == syntax::XS {
            return match Builtin::from_local(&r.name.local) {
                Some(b) => Some(self.builtin(b)),
                None => {
                    self.diag(
                        Diagnostic::new(DiagKind::Unresolved, Some(r.span), format!("unknown XML Schema built-in type {}", r.name))
                            .with_qname(&r.name),
                    );
                    None
                }
            };
        }
        if let Some(&id) = self.named.get(&r.name) {
            return Some(id);
        }
        match self.sym.type_ref(r) {
            Ok((_, def)) => {
                let id = self.new_type(Origin::Named(r.name.clone()), r.name.ns.clone(), def.span, def.doc.clone());
                self.named.insert(r.name.clone(), id);
                self.queue.push_back(Work::Type { id, def: &def.item, name: Some(r.name.clone()) });
                Some(id)
            }
            Err(d) => {
                self.diag(d);
                None
            }
        }
    }

    /// The id of an anonymous type, allocating it on first use of its definition.
    fn anon_type(&mut self, def: &'s TypeDef, origin: Origin, ns: &str) -> TypeId {
        let k = key(def);
        if let Some(&id) = self.anon.get(&k) {
            return id;
        }
        let doc = match def {
            TypeDef::Simple(s) => s.doc.clone(),
            TypeDef::Complex(c) => c.doc.clone(),
        };
        let id = self.new_type(origin, ns.to_owned(), def.span(), doc);
        self.anon.insert(k, id);
        self.queue.push_back(Work::Type { id, def, name: None });
        id
    }

    fn type_use(&mut self, tu: &'s TypeUse, origin: impl FnOnce() -> Origin, ns: &str) -> Option<TypeId> {
        match tu {
            TypeUse::Named(r) => self.named_type(r),
            TypeUse::Anonymous(def) => Some(self.anon_type(def, origin(), ns)),
        }
    }

    fn drain(&mut self) {
        while let Some(work) = self.queue.pop_front() {
            match work {
                Work::Type { id, def, name } => {
                    let kind = self.convert_type(id, def, name.as_ref());
                    if let Some(kind) = kind {
                        self.ir.types[id].kind = kind;
                    }
                }
            }
        }
    }

    fn is_simple(&self, id: TypeId) -> bool {
        match &self.ir.types[id].kind {
            TypeKind::Builtin(b) => *b != Builtin::AnyType,
            TypeKind::Simple(_) => true,
            _ => false,
        }
    }

    // ----- elements -------------------------------------------------------------------------

    /// The id of a global element (by its index in the schema), allocating it on first use.
    fn element_id(&mut self, index: usize) -> Option<ElementId> {
        if let Some(&id) = self.elements.get(&index) {
            return id;
        }
        let decl = self.sym.element_at(index);
        let id = self.ir.elements.len();
        self.ir.elements.push(ElementDef {
            name: decl.name.clone(),
            ty: 0,
            nillable: decl.item.nillable,
            is_abstract: decl.item.is_abstract,
            block: Methods::default(),
            doc: decl.doc.clone(),
            span: decl.span,
            rust: String::new(),
        });
        self.elements.insert(index, Some(id));
        self.lowering_elements.insert(index);
        let ty = self.global_element_type(decl);
        self.lowering_elements.remove(&index);
        let Some(ty) = ty else {
            self.elements.insert(index, None);
            return None;
        };
        self.ir.elements[id].ty = ty;
        self.ir.elements[id].block = self.element_block(ty, decl.item.block);
        Some(id)
    }

    fn global_element_type(&mut self, decl: &'s Named<ElementDecl>) -> Option<TypeId> {
        let name = decl.name.clone();
        match &decl.item.ty {
            Some(TypeUse::Named(r)) => self.named_type(r).map(|t| self.declared(t)),
            Some(tu) => self.type_use(tu, || Origin::Element(name.clone()), &decl.name.ns),
            None => match &decl.item.substitution_group {
                Some(head) => {
                    let (hi, _) = match self.sym.element(head) {
                        Ok(h) => h,
                        Err(d) => {
                            self.diag(d);
                            return None;
                        }
                    };
                    if self.lowering_elements.contains(&hi) {
                        self.diag(Diagnostic::new(
                            DiagKind::Invalid,
                            Some(decl.span),
                            format!(
                                "element {} is in a substitution group cycle: its head {} leads back to it, so no element of the cycle has a type",
                                decl.name, head.name
                            ),
                        ));
                        return None;
                    }
                    let hid = self.element_id(hi)?;
                    Some(self.ir.elements[hid].ty)
                }
                None => Some(self.builtin(Builtin::AnyType)),
            },
        }
    }

    fn element_ref(&mut self, r: &Ref) -> Option<(usize, ElementId)> {
        match self.sym.element(r) {
            Ok((i, _)) => self.element_id(i).map(|id| (i, id)),
            Err(d) => {
                self.diag(d);
                None
            }
        }
    }

    // ----- types ----------------------------------------------------------------------------

    fn convert_type(&mut self, id: TypeId, def: &'s TypeDef, name: Option<&QName>) -> Option<TypeKind> {
        match def {
            TypeDef::Simple(s) => self.convert_simple(id, s).map(TypeKind::Simple),
            TypeDef::Complex(c) => self.convert_complex(id, c, name),
        }
    }

    fn convert_simple(&mut self, id: TypeId, s: &'s SimpleType) -> Option<SimpleDef> {
        let ns = self.ir.types[id].ns.clone();
        match &s.kind {
            SimpleKind::Restriction { base, facets } => {
                let base_id = self.type_use(base, || Origin::Member { parent: id, hint: "Base".into() }, &ns)?;
                self.simple_restriction(id, base_id, facets, s.span)
            }
            SimpleKind::List { item } => {
                let item_id = self.type_use(item, || Origin::Member { parent: id, hint: "Item".into() }, &ns)?;
                Some(SimpleDef::List { item: item_id, facets: FacetSet::default() })
            }
            SimpleKind::Union { members } => {
                let mut out = Vec::new();
                for (i, m) in members.iter().enumerate() {
                    let hint = if i == 0 { "Member".to_owned() } else { format!("Member{}", i + 1) };
                    if let Some(t) = self.type_use(m, || Origin::Member { parent: id, hint }, &ns) {
                        out.push(Variant { ty: t, rust: String::new() });
                    }
                }
                Some(SimpleDef::Union { members: out })
            }
        }
    }

    /// Converts the base first if needed, so its facets and primitive are known.
    fn ensure_converted(&mut self, id: TypeId) {
        if !matches!(self.ir.types[id].kind, TypeKind::Builtin(Builtin::AnyType)) || self.builtins.values().any(|&b| b == id) {
            return;
        }
        if let Some(pos) = self.queue.iter().position(|w| matches!(w, Work::Type { id: wid, .. } if *wid == id))
            && let Some(Work::Type { id, def, name }) = self.queue.remove(pos)
            && let Some(kind) = self.convert_type(id, def, name.as_ref())
        {
            self.ir.types[id].kind = kind;
        }
    }

    fn simple_restriction(&mut self, id: TypeId, base: TypeId, f: &'s Facets, span: Span) -> Option<SimpleDef> {
        self.ensure_converted(base);
        let step = step_facets(f);
        let values: Vec<EnumValue> = f
            .enumeration
            .iter()
            .map(|e| EnumValue { value: e.value.clone(), doc: e.doc.clone(), rust: String::new(), span: e.span })
            .collect();
        match self.ir.types[base].kind.clone() {
            TypeKind::Builtin(Builtin::AnyType) => {
                self.err(DiagKind::Invalid, span, "a simple type cannot restrict xs:anyType");
                None
            }
            TypeKind::Builtin(b) => {
                if let Some(item) = b.list_item() {
                    let item = self.builtin(item);
                    return Some(SimpleDef::List { item, facets: step });
                }
                Some(SimpleDef::Restriction { base, primitive: b, facets: merge_facets(&FacetSet::default(), &step), values })
            }
            TypeKind::Simple(SimpleDef::Restriction { primitive, facets, values: base_values, .. }) => Some(SimpleDef::Restriction {
                base,
                primitive,
                facets: merge_facets(&facets, &step),
                values: if values.is_empty() { base_values } else { values },
            }),
            TypeKind::Simple(SimpleDef::List { item, facets }) => Some(SimpleDef::List { item, facets: merge_facets(&facets, &step) }),
            TypeKind::Simple(SimpleDef::Union { members }) => {
                if !values.is_empty() || step.has_checks() {
                    self.err(
                        DiagKind::Unsupported,
                        span,
                        format!("unsupported construct: facets on a restriction of the union type {}", self.type_name(base)),
                    );
                }
                let _ = id;
                Some(SimpleDef::Union { members })
            }
            _ => {
                self.err(DiagKind::Invalid, span, format!("simple type restricts {}, which is not a simple type", self.type_name(base)));
                None
            }
        }
    }

    fn type_name(&self, id: TypeId) -> String {
        match &self.ir.types[id].origin {
            Origin::Builtin(b) => format!("xs:{}", b.xs_name()),
            Origin::Named(q) | Origin::Element(q) => q.to_string(),
            _ => "an anonymous type".to_owned(),
        }
    }

    fn convert_complex(&mut self, id: TypeId, c: &'s ComplexType, name: Option<&QName>) -> Option<TypeKind> {
        let owner = Owner(match name {
            Some(q) => q.clone(),
            None => QName::new(self.ir.types[id].ns.clone(), format!("#{id}")),
        });
        let eff = self.effective_of(c, &owner, name)?;
        let ns = self.ir.types[id].ns.clone();
        let base = eff.base.as_ref().and_then(|b| self.named.get(b).copied());

        // Attributes.
        let mut attributes = Vec::new();
        for a in eff.attrs.iter().filter(|a| !a.prohibited) {
            let ty = match a.item {
                AttrSource::XmlBuiltin(b) => self.builtin(b),
                AttrSource::Decl(decl) => {
                    let parent = self.owner_type(&a.owner).unwrap_or(id);
                    let hint = decl.name.local.clone();
                    match &decl.ty {
                        Some(tu) => match self.type_use(tu, || Origin::Local { parent, hint }, &ns) {
                            Some(t) => t,
                            None => continue,
                        },
                        None => self.builtin(Builtin::AnySimpleType),
                    }
                }
            };
            self.ensure_converted(ty);
            if !self.is_simple(ty) {
                self.err(DiagKind::Invalid, a.span, format!("attribute {} has a complex type", a.name));
                continue;
            }
            let doc = match a.item {
                AttrSource::Decl(d) => d.doc.clone(),
                AttrSource::XmlBuiltin(_) => None,
            };
            attributes.push(Attribute {
                name: a.name.clone(),
                ty,
                required: a.required,
                default: a.default.clone(),
                fixed: a.fixed.clone(),
                doc,
                rust: String::new(),
            });
        }
        let any_attribute = eff.any_attr.map(|w| wildcard(&w.namespace));

        // Content.
        let content = match &eff.content {
            EffContent::Empty => Content::Empty,
            EffContent::Any => Content::Any { rust: String::new() },
            EffContent::Simple { base: b, owner: o, facets, span } => {
                let value = self.simple_content_type(id, b, o, *facets, *span)?;
                Content::Simple { ty: value, rust: String::new() }
            }
            EffContent::Particles(ps) if eff.mixed => {
                let _ = ps;
                Content::Any { rust: String::new() }
            }
            EffContent::Particles(ps) => {
                // A type that is exactly one choice, without attributes, is itself the enum.
                if let [(o, p)] = ps.as_slice()
                    && attributes.is_empty()
                    && any_attribute.is_none()
                    && p.min == 1
                    && p.max == MaxOccurs::Bounded(1)
                    && let Term::Choice(items) = &p.term
                {
                    self.groups.insert(key(*p), id);
                    let parent = self.owner_type(o).unwrap_or(id);
                    let members = self.members(parent, o, Compositor::Choice, items);
                    return Some(TypeKind::Choice(Group { compositor: Compositor::Choice, members }));
                }
                let mut members = Vec::new();
                let mut compositor = Compositor::Sequence;
                for (o, p) in ps {
                    let parent = self.owner_type(o).unwrap_or(id);
                    if let (Term::All(items), [_]) = (&p.term, ps.as_slice()) {
                        compositor = Compositor::All;
                        members.extend(self.members(parent, o, Compositor::All, items));
                        if p.min == 0 {
                            for m in &mut members {
                                m.occurs.min = 0;
                            }
                        }
                    } else {
                        self.add_particle(&mut members, parent, o, Compositor::Sequence, p);
                    }
                }
                if members.is_empty() { Content::Empty } else { Content::Elements(Group { compositor, members }) }
            }
        };
        let _ = ns;
        Some(TypeKind::Complex(ComplexDef {
            is_abstract: c.is_abstract,
            base,
            attributes,
            any_attribute,
            any_attribute_rust: String::new(),
            content,
            refused: Vec::new(),
        }))
    }

    /// The type id of an owner (a named complex type, or an anonymous one by id).
    fn owner_type(&self, o: &Owner) -> Option<TypeId> {
        if let Some(rest) = o.0.local.strip_prefix('#') {
            return rest.parse().ok();
        }
        self.named.get(&o.0).copied()
    }

    fn simple_content_type(&mut self, id: TypeId, base: &Ref, owner: &Owner, facets: Option<&'s Facets>, span: Span) -> Option<TypeId> {
        // The base is a simple type, or a complex type with simple content.
        let base_id = self.named_type(base)?;
        self.ensure_converted(base_id);
        let value = match &self.ir.types[base_id].kind {
            TypeKind::Complex(ComplexDef { content: Content::Simple { ty, .. }, .. }) => *ty,
            _ if self.is_simple(base_id) => base_id,
            _ => {
                self.err(DiagKind::Invalid, span, format!("simple content derived from {}, which has no simple content", base.name));
                return None;
            }
        };
        match facets {
            Some(f) if !f.is_empty() => {
                let parent = self.owner_type(owner).unwrap_or(id);
                let ns = self.ir.types[id].ns.clone();
                let vid = self.new_type(Origin::Local { parent, hint: "Value".into() }, ns, span, None);
                let kind = self.simple_restriction(vid, value, f, span).map(TypeKind::Simple)?;
                self.ir.types[vid].kind = kind;
                Some(vid)
            }
            _ => Some(value),
        }
    }

    /// Flattens the derivation chain of a complex type.
    fn effective_of(&mut self, c: &'s ComplexType, owner: &Owner, name: Option<&QName>) -> Option<Effective<'s>> {
        if let Some(n) = name {
            if let Some(e) = self.effective.get(n) {
                return e.clone();
            }
            if !self.deriving.insert(n.clone()) {
                self.diag(Diagnostic::new(DiagKind::Invalid, Some(c.span), format!("complex type {n} derives from itself")).with_qname(n));
                return None;
            }
        }
        let result = self.flatten(c, owner);
        if let Some(n) = name {
            self.deriving.remove(n);
            self.effective.insert(n.clone(), result.clone());
        }
        result
    }

    fn base_effective(&mut self, base: &Ref) -> Option<Effective<'s>> {
        if base.name.ns == syntax::XS {
            return match base.name.local.as_str() {
                "anyType" => Some(Effective { attrs: vec![], any_attr: None, content: EffContent::Any, mixed: false, base: None }),
                _ => None,
            };
        }
        let (_, def) = match self.sym.type_ref(base) {
            Ok(d) => d,
            Err(d) => {
                self.diag(d);
                return None;
            }
        };
        match &def.item {
            TypeDef::Complex(bc) => {
                self.named_type(base);
                self.effective_of(bc, &Owner(base.name.clone()), Some(&def.name))
            }
            TypeDef::Simple(_) => None,
        }
    }

    fn flatten(&mut self, c: &'s ComplexType, owner: &Owner) -> Option<Effective<'s>> {
        match &c.content {
            ComplexContent::Implicit { particle, attrs } => {
                let mut eff = Effective { attrs: vec![], any_attr: None, content: EffContent::Empty, mixed: c.mixed, base: None };
                self.add_attrs(&mut eff, owner, attrs);
                if let Some(p) = particle {
                    eff.content = EffContent::Particles(vec![(owner.clone(), p)]);
                } else if c.mixed {
                    eff.content = EffContent::Any;
                }
                Some(eff)
            }
            ComplexContent::Simple { derivation, base, facets, attrs } => {
                let mut eff = match self.base_effective(base) {
                    Some(mut b) => {
                        if !matches!(b.content, EffContent::Simple { .. }) {
                            self.err(
                                DiagKind::Invalid,
                                base.span,
                                format!("simpleContent derived from {}, which does not have simple content", base.name),
                            );
                            return None;
                        }
                        b.base = Some(base.name.clone());
                        self.check_final(base, *derivation, &owner.0, base.span);
                        if *derivation == Derivation::Restriction {
                            b.content =
                                EffContent::Simple { base: base.clone(), owner: owner.clone(), facets: Some(facets), span: base.span };
                        }
                        b
                    }
                    None => Effective {
                        attrs: vec![],
                        any_attr: None,
                        content: EffContent::Simple {
                            base: base.clone(),
                            owner: owner.clone(),
                            facets: (*derivation == Derivation::Restriction).then_some(facets),
                            span: base.span,
                        },
                        mixed: false,
                        base: None,
                    },
                };
                self.add_attrs(&mut eff, owner, attrs);
                Some(eff)
            }
            ComplexContent::Complex { derivation, base, particle, attrs } => {
                let Some(mut eff) = self.base_effective(base) else {
                    if base.name.ns != syntax::XS {
                        // base_effective reported an unresolved base or a derivation cycle; a
                        // simple base is reported here.
                        if self.sym.type_def(&base.name).is_some_and(|(_, d)| matches!(d.item, TypeDef::Simple(_))) {
                            self.err(DiagKind::Invalid, base.span, format!("complexContent derived from the simple type {}", base.name));
                        }
                    } else {
                        self.err(DiagKind::Invalid, base.span, format!("complexContent derived from {}", base.name));
                    }
                    return None;
                };
                let from_any_type = base.name.ns == syntax::XS;
                eff.base = if from_any_type { None } else { Some(base.name.clone()) };
                if !from_any_type {
                    self.check_final(base, *derivation, &owner.0, base.span);
                }
                eff.mixed = c.mixed;
                if from_any_type && !(*derivation == Derivation::Extension && explicit_content_empty(particle.as_ref())) {
                    // Deriving from xs:anyType: the content is what this type says. (An
                    // extension whose explicit content is empty keeps anyType's content: XML
                    // Schema 1.0 part 1, 3.4.2, {content type} clause 3.1.)
                    eff.content = EffContent::Empty;
                }
                match derivation {
                    Derivation::Extension => {
                        if let Some(p) = particle.as_ref().filter(|p| !explicit_content_empty(Some(p))) {
                            match &mut eff.content {
                                EffContent::Particles(ps) => ps.push((owner.clone(), p)),
                                EffContent::Empty => eff.content = EffContent::Particles(vec![(owner.clone(), p)]),
                                EffContent::Any => {}
                                EffContent::Simple { .. } => {
                                    self.err(
                                        DiagKind::Invalid,
                                        p.span,
                                        format!("element content cannot extend the simple content of {}", base.name),
                                    );
                                }
                            }
                        } else if from_any_type && c.mixed {
                            eff.content = EffContent::Any;
                        }
                        self.add_attrs(&mut eff, owner, attrs);
                    }
                    Derivation::Restriction => {
                        eff.content = match particle {
                            Some(p) => EffContent::Particles(vec![(owner.clone(), p)]),
                            None if c.mixed => EffContent::Any,
                            None => EffContent::Empty,
                        };
                        self.restrict_attrs(&mut eff, owner, attrs);
                    }
                }
                Some(eff)
            }
        }
    }

    /// Expands attribute uses (and attribute group references) into `eff`.
    fn add_attrs(&mut self, eff: &mut Effective<'s>, owner: &Owner, attrs: &'s Attrs) {
        let mut out = Vec::new();
        let mut any = eff.any_attr;
        self.expand_attrs(owner, attrs, &mut out, &mut any, &mut Vec::new());
        for a in out {
            if let Some(existing) = eff.attrs.iter().find(|e| e.name == a.name && !e.prohibited) {
                let span = existing.span;
                self.diag(
                    Diagnostic::new(DiagKind::Duplicate, Some(a.span), format!("attribute {} is declared twice", a.name))
                        .with_qname(&a.name)
                        .with_note(span, "first declared here"),
                );
                continue;
            }
            eff.attrs.push(a);
        }
        eff.any_attr = any;
    }

    fn restrict_attrs(&mut self, eff: &mut Effective<'s>, owner: &Owner, attrs: &'s Attrs) {
        let mut out = Vec::new();
        let mut any = None;
        self.expand_attrs(owner, attrs, &mut out, &mut any, &mut Vec::new());
        for a in out {
            match eff.attrs.iter_mut().find(|e| e.name == a.name) {
                Some(existing) => *existing = a,
                None => eff.attrs.push(a),
            }
        }
        eff.any_attr = any;
    }

    fn expand_attrs(
        &mut self,
        owner: &Owner,
        attrs: &'s Attrs,
        out: &mut Vec<EffAttr<'s>>,
        any: &mut Option<&'s WildcardDecl>,
        stack: &mut Vec<QName>,
    ) {
        for item in &attrs.items {
            match item {
                AttrItem::Local { decl, usage } => out.push(EffAttr {
                    owner: owner.clone(),
                    name: decl.name.clone(),
                    item: AttrSource::Decl(decl),
                    required: *usage == Use::Required,
                    prohibited: *usage == Use::Prohibited,
                    default: decl.default.clone(),
                    fixed: decl.fixed.clone(),
                    span: decl.span,
                }),
                AttrItem::Ref { target, usage, default, fixed } => {
                    let source = if target.name.ns == syntax::XML_NS && self.sym.attribute(target).is_err() {
                        match xml_attribute(&target.name.local) {
                            Some(b) => AttrSource::XmlBuiltin(b),
                            None => {
                                self.err(DiagKind::Unresolved, target.span, format!("unknown attribute {}", target.name));
                                continue;
                            }
                        }
                    } else {
                        match self.sym.attribute(target) {
                            Ok(d) => AttrSource::Decl(&d.item),
                            Err(d) => {
                                self.diag(d);
                                continue;
                            }
                        }
                    };
                    let (decl_default, decl_fixed) = match source {
                        AttrSource::Decl(d) => (d.default.clone(), d.fixed.clone()),
                        AttrSource::XmlBuiltin(_) => (None, None),
                    };
                    out.push(EffAttr {
                        owner: owner.clone(),
                        name: target.name.clone(),
                        item: source,
                        required: *usage == Use::Required,
                        prohibited: *usage == Use::Prohibited,
                        default: default.clone().or(decl_default),
                        fixed: fixed.clone().or(decl_fixed),
                        span: target.span,
                    });
                }
                AttrItem::Group(r) => {
                    if stack.contains(&r.name) {
                        self.err(DiagKind::Invalid, r.span, format!("attribute group {} refers to itself", r.name));
                        continue;
                    }
                    match self.sym.attribute_group(r) {
                        Ok(g) => {
                            stack.push(r.name.clone());
                            self.expand_attrs(owner, &g.item, out, any, stack);
                            stack.pop();
                        }
                        Err(d) => self.diag(d),
                    }
                }
            }
        }
        if let Some(w) = &attrs.any {
            *any = Some(w);
        }
    }

    // ----- content models -------------------------------------------------------------------

    fn members(&mut self, parent: TypeId, owner: &Owner, compositor: Compositor, items: &'s [Particle]) -> Vec<Member> {
        let mut out = Vec::new();
        for p in items {
            self.add_particle(&mut out, parent, owner, compositor, p);
        }
        out
    }

    /// Adds the members for particle `p` to a group of kind `compositor`, inlining what can
    /// be inlined without changing the language.
    fn add_particle(&mut self, out: &mut Vec<Member>, parent: TypeId, owner: &Owner, compositor: Compositor, p: &'s Particle) {
        let occurs = occurs(p);
        if occurs.max == Some(0) {
            return; // maxOccurs="0": the particle is absent
        }
        match &p.term {
            Term::Element(decl) => {
                let ns = self.ir.types[parent].ns.clone();
                let hint = decl.name.local.clone();
                let ty = match &decl.ty {
                    Some(TypeUse::Named(r)) => self.named_type(r).map(|t| self.declared(t)),
                    Some(tu) => self.type_use(tu, || Origin::Local { parent, hint }, &ns),
                    None => Some(self.builtin(Builtin::AnyType)),
                };
                let Some(ty) = ty else { return };
                let block = self.element_block(ty, decl.block);
                out.push(Member {
                    occurs,
                    term: MemberTerm::Element(ElementUse {
                        name: decl.name.clone(),
                        ty,
                        nillable: decl.nillable,
                        default: decl.default.clone(),
                        fixed: decl.fixed.clone(),
                        global: None,
                        block,
                    }),
                    rust: String::new(),
                    doc: decl.doc.clone(),
                    span: decl.span,
                    boxed: false,
                });
            }
            Term::ElementRef(r) => {
                let Some((index, eid)) = self.element_ref(r) else { return };
                let subs = self.substitutes(index);
                if subs.is_empty() {
                    let e = &self.ir.elements[eid];
                    if e.is_abstract {
                        self.err(
                            DiagKind::Invalid,
                            r.span,
                            format!("abstract element {} is referenced but has no substitution group members", r.name),
                        );
                        return;
                    }
                    out.push(self.element_member(eid, occurs, p.span));
                } else {
                    // A substitution group head: a choice of the head (unless abstract) and its
                    // members.
                    let gid = match self.substitution_choices.get(&(parent, eid)) {
                        Some(&g) => g,
                        None => {
                            let ns = self.ir.types[parent].ns.clone();
                            let hint = format!("{}Substitution", r.name.local);
                            let gid = self.new_type(Origin::Group { parent, hint }, ns, p.span, None);
                            self.substitution_choices.insert((parent, eid), gid);
                            let mut members = Vec::new();
                            if !self.sym.element_at(index).item.is_abstract {
                                members.push(self.element_member(eid, Occurs::ONE, p.span));
                            }
                            for m in subs {
                                if self.sym.element_at(m).item.is_abstract {
                                    continue;
                                }
                                if let Some(mid) = self.element_id(m) {
                                    members.push(self.element_member(mid, Occurs::ONE, p.span));
                                }
                            }
                            self.ir.types[gid].kind = TypeKind::Choice(Group { compositor: Compositor::Choice, members });
                            gid
                        }
                    };
                    out.push(Member { occurs, term: MemberTerm::Group(gid), rust: String::new(), doc: None, span: p.span, boxed: false });
                }
            }
            Term::Any(w) => out.push(Member {
                occurs,
                term: MemberTerm::Any(wildcard(&w.namespace)),
                rust: String::new(),
                doc: None,
                span: w.span,
                boxed: false,
            }),
            Term::Group(r) => {
                if self.expanding_groups.contains(&r.name) {
                    self.err(DiagKind::Invalid, r.span, format!("model group {} contains itself", r.name));
                    return;
                }
                let g = match self.sym.group(r) {
                    Ok(g) => g,
                    Err(d) => {
                        self.diag(d);
                        return;
                    }
                };
                // The group's particle with the reference's occurrence.
                self.expanding_groups.push(r.name.clone());
                self.nested(out, parent, owner, compositor, &g.item, occurs);
                self.expanding_groups.pop();
            }
            Term::Sequence(_) | Term::Choice(_) | Term::All(_) => self.nested(out, parent, owner, compositor, p, occurs),
        }
    }

    fn element_member(&self, eid: ElementId, occurs: Occurs, span: Span) -> Member {
        Member {
            occurs,
            term: MemberTerm::Element(self.ir.element_use(eid)),
            rust: String::new(),
            doc: self.ir.elements[eid].doc.clone(),
            span,
            boxed: false,
        }
    }

    /// A nested compositor `p` (its own occurrence replaced by `occurs`).
    fn nested(&mut self, out: &mut Vec<Member>, parent: TypeId, owner: &Owner, outer: Compositor, p: &'s Particle, occurs: Occurs) {
        let (inner, items) = match &p.term {
            Term::Sequence(i) => (Compositor::Sequence, i),
            Term::Choice(i) => (Compositor::Choice, i),
            Term::All(i) => (Compositor::All, i),
            _ => {
                self.add_particle(out, parent, owner, outer, p);
                return;
            }
        };
        if items.is_empty() {
            return;
        }
        // Same compositor, exactly once: inline (sequence in sequence, choice in choice).
        if inner == outer && occurs == Occurs::ONE && inner != Compositor::All {
            for i in items {
                self.add_particle(out, parent, owner, outer, i);
            }
            return;
        }
        // A single particle: fold the occurrences when that keeps the language.
        if let [only] = items.as_slice()
            && inner != Compositor::All
        {
            let before = out.len();
            self.add_particle(out, parent, owner, outer, only);
            if out.len() == before + 1 {
                let m = &mut out[before];
                if let Some(folded) = fold(occurs, m.occurs) {
                    m.occurs = folded;
                    return;
                }
                out.truncate(before);
            } else {
                out.truncate(before);
            }
        }
        // An optional sequence inside a sequence that can be empty anyway: inline it, which
        // does not change the language.
        if outer == Compositor::Sequence && inner == Compositor::Sequence && occurs.max == Some(1) {
            let members = self.members(parent, owner, Compositor::Sequence, items);
            let group = Group { compositor: Compositor::Sequence, members };
            if self.ir.first_of_group(&group).emptiable {
                out.extend(group.members);
                return;
            }
            let gid = self.group_type_with(parent, p, Compositor::Sequence, group);
            out.push(Member { occurs, term: MemberTerm::Group(gid), rust: String::new(), doc: None, span: p.span, boxed: false });
            return;
        }
        let gid = self.group_type(parent, owner, inner, items, p);
        out.push(Member { occurs, term: MemberTerm::Group(gid), rust: String::new(), doc: None, span: p.span, boxed: false });
    }

    /// A group type for `p` whose members are already converted.
    fn group_type_with(&mut self, parent: TypeId, p: &'s Particle, compositor: Compositor, group: Group) -> TypeId {
        if let Some(&g) = self.groups.get(&key(p)) {
            return g;
        }
        let gid = self.new_group_id(parent, compositor, p);
        self.ir.types[gid].kind = match compositor {
            Compositor::Choice => TypeKind::Choice(group),
            _ => TypeKind::Sequence(group),
        };
        gid
    }

    fn new_group_id(&mut self, parent: TypeId, compositor: Compositor, p: &'s Particle) -> TypeId {
        let ns = self.ir.types[parent].ns.clone();
        let base = match compositor {
            Compositor::Choice => "Choice",
            _ => "Sequence",
        };
        let n = self
            .ir
            .types
            .iter()
            .filter(|t| matches!(&t.origin, Origin::Group { parent: gp, hint } if *gp == parent && hint.starts_with(base)))
            .count();
        let hint = if n == 0 { base.to_owned() } else { format!("{base}{}", n + 1) };
        let gid = self.new_type(Origin::Group { parent, hint }, ns, p.span, None);
        self.groups.insert(key(p), gid);
        gid
    }

    fn group_type(&mut self, parent: TypeId, owner: &Owner, compositor: Compositor, items: &'s [Particle], p: &'s Particle) -> TypeId {
        if let Some(&g) = self.groups.get(&key(p)) {
            return g;
        }
        let gid = self.new_group_id(parent, compositor, p);
        let members = self.members(gid, owner, compositor, items);
        let group = Group { compositor, members };
        self.ir.types[gid].kind = match compositor {
            Compositor::Choice => TypeKind::Choice(group),
            _ => TypeKind::Sequence(group),
        };
        gid
    }

    // ----- WSDL -----------------------------------------------------------------------------

    /// Every operation named in [`Options::operations`](crate::Options::operations) or
    /// [`Options::exclude_operations`](crate::Options::exclude_operations) must be one that a
    /// SOAP binding of the WSDL binds (a misspelt name would otherwise select nothing).
    fn check_operation_options(&mut self) {
        let Some(w) = self.sym.wsdl else { return };
        let bound: HashSet<&str> =
            w.bindings.iter().filter(|b| b.item.soap.is_some()).flat_map(|b| b.item.operations.iter().map(|o| o.name.as_str())).collect();
        let named = self
            .opts
            .operations
            .iter()
            .flatten()
            .map(|o| ("operations", o))
            .chain(self.opts.exclude_operations.iter().map(|o| ("exclude_operations", o)));
        let mut missing = Vec::new();
        for (option, name) in named {
            if !bound.contains(name.as_str()) {
                missing.push(Diagnostic::new(
                    DiagKind::Invalid,
                    None,
                    format!("operation '{name}' named in Options::{option} is not an operation of any SOAP binding of the WSDL"),
                ));
            }
        }
        self.diags.extend(missing);
    }

    fn lower_binding(&mut self, b: &'s Named<Binding>) {
        let Some(soap) = &b.item.soap else { return };
        let pt = match self.sym.port_type(&b.item.port_type) {
            Ok(pt) => pt,
            Err(d) => {
                self.diag(d);
                return;
            }
        };
        let mut service = Service {
            binding: b.name.clone(),
            port_type: pt.name.clone(),
            version: soap.version,
            doc: pt.doc.clone().or_else(|| b.doc.clone()),
            addresses: Vec::new(),
            operations: Vec::new(),
            rust_module: String::new(),
            rust: String::new(),
            items: ServiceItems::default(),
        };
        if let Some(w) = self.sym.wsdl {
            for s in &w.services {
                for port in &s.item.ports {
                    if port.binding.name == b.name
                        && let Some(a) = &port.address
                    {
                        service.addresses.push(a.clone());
                    }
                }
            }
        }
        let mut seen = HashSet::new();
        for op in &pt.item.operations {
            if !self.opts.includes_operation(&op.name) {
                continue;
            }
            if !seen.insert(op.name.as_str()) {
                self.err(DiagKind::Unsupported, op.span, format!("unsupported construct: overloaded operation '{}'", op.name));
                continue;
            }
            if op.input.is_none() || op.output_first {
                // Request-response (input, output) and one-way (input only) operations are
                // generated; the other two transmission primitives have the server send first.
                let what = if op.input.is_none() {
                    "notification operation (wsdl:output without wsdl:input)"
                } else {
                    "solicit-response operation (wsdl:output before wsdl:input)"
                };
                self.err(
                    DiagKind::Unsupported,
                    op.span,
                    format!(
                        "unsupported construct: {what} '{}': only request-response and one-way operations are generated; \
                         leave it out with Options::exclude_operations (--exclude-operations {})",
                        op.name, op.name
                    ),
                );
                continue;
            }
            let Some(bop) = b.item.operations.iter().find(|o| o.name == op.name) else {
                self.err(DiagKind::Invalid, b.span, format!("binding {} does not bind operation '{}'", b.name, op.name));
                continue;
            };
            let style = bop.style.or(soap.style).unwrap_or(Style::Document);
            let mut messages = [None, None];
            for (i, (port, bound, what)) in [(&op.input, &bop.input, "input"), (&op.output, &bop.output, "output")].into_iter().enumerate()
            {
                messages[i] = match (port, bound) {
                    (Some(m), Some(io)) => self.lower_message(&m.message, io, style, &op.name, i == 1, &b.item.port_type.name.ns),
                    (None, None) => None,
                    (Some(_), None) => {
                        self.err(
                            DiagKind::Invalid,
                            bop.span,
                            format!("binding {} operation '{}' has no wsdl:{what}, which its port type operation has", b.name, op.name),
                        );
                        None
                    }
                    (None, Some(_)) => {
                        self.err(
                            DiagKind::Invalid,
                            bop.span,
                            format!("binding {} operation '{}' has a wsdl:{what}, which its port type operation lacks", b.name, op.name),
                        );
                        None
                    }
                };
            }
            let [input, output] = messages;
            let mut faults = Vec::new();
            for f in &op.faults {
                if let Some(bf) = bop.faults.iter().find(|bf| bf.name == f.name)
                    && bf.usage == BodyUse::Encoded
                {
                    self.err(DiagKind::Unsupported, bf.span, "unsupported construct: use=\"encoded\" (SOAP encoding)");
                    continue;
                }
                let msg = match self.sym.message(&f.message) {
                    Ok(m) => m,
                    Err(d) => {
                        self.diag(d);
                        continue;
                    }
                };
                match msg.item.parts.as_slice() {
                    [Part { kind: PartKind::Element(r), .. }] => {
                        if let Some((_, eid)) = self.element_ref(r) {
                            faults.push(FaultIr { name: f.name.clone(), element: eid, rust: String::new() });
                        }
                    }
                    _ => self.err(
                        DiagKind::Unsupported,
                        f.span,
                        format!("fault message {} must have exactly one part with element=", f.message.name),
                    ),
                }
            }
            service.operations.push(Operation {
                name: op.name.clone(),
                soap_action: bop.soap_action.clone().unwrap_or_default(),
                style,
                doc: op.doc.clone(),
                input,
                output,
                faults,
                fault_rust: String::new(),
                rust: String::new(),
                variant: String::new(),
                span: op.span,
            });
        }
        self.ir.services.push(service);
    }

    fn lower_message(&mut self, r: &Ref, io: &'s BindingIo, style: Style, op: &str, output: bool, _ns: &str) -> Option<MessageIr> {
        let msg = match self.sym.message(r) {
            Ok(m) => m,
            Err(d) => {
                self.diag(d);
                return None;
            }
        };
        if let Some(body) = &io.body
            && body.usage == BodyUse::Encoded
        {
            self.err(DiagKind::Unsupported, body.span, "unsupported construct: use=\"encoded\" (SOAP encoding)");
            return None;
        }
        // Header parts.
        let mut headers = Vec::new();
        let mut header_parts: HashSet<&str> = HashSet::new();
        for h in &io.headers {
            if h.usage == BodyUse::Encoded {
                self.err(DiagKind::Unsupported, h.span, "unsupported construct: use=\"encoded\" (SOAP encoding)");
                continue;
            }
            let hm = match self.sym.message(&h.message) {
                Ok(m) => m,
                Err(d) => {
                    self.diag(d);
                    continue;
                }
            };
            if hm.name == msg.name {
                header_parts.insert(h.part.as_str());
            }
            match hm.item.parts.iter().find(|p| p.name == h.part) {
                Some(Part { kind: PartKind::Element(er), .. }) => {
                    if let Some((_, eid)) = self.element_ref(er) {
                        headers.push(HeaderPart { part: h.part.clone(), element: eid, rust: String::new() });
                    }
                }
                Some(_) => self.err(DiagKind::Unsupported, h.span, format!("header part '{}' must refer to an element", h.part)),
                None => self.err(DiagKind::Unresolved, h.span, format!("message {} has no part '{}'", hm.name, h.part)),
            }
        }
        // Body parts.
        let selected: Vec<&'s Part> = match io.body.as_ref().and_then(|b| b.parts.as_ref()) {
            Some(names) => {
                let mut v = Vec::new();
                for n in names {
                    match msg.item.parts.iter().find(|p| &p.name == n) {
                        Some(p) => v.push(p),
                        None => {
                            let span = io.body.as_ref().map_or(msg.span, |b| b.span);
                            self.err(DiagKind::Unresolved, span, format!("message {} has no part '{n}'", msg.name));
                        }
                    }
                }
                v
            }
            None => msg.item.parts.iter().filter(|p| !header_parts.contains(p.name.as_str())).collect(),
        };
        let mut body = Vec::new();
        for p in &selected {
            let kind = match &p.kind {
                PartKind::Element(er) => self.element_ref(er).map(|(_, e)| ir::PartKind::Element(e)),
                PartKind::Type(tr) => {
                    if style == Style::Document && selected.len() != 1 {
                        self.err(
                            DiagKind::Unsupported,
                            p.span,
                            format!("unsupported construct: document-style message {} mixes a type= part with other body parts", msg.name),
                        );
                        None
                    } else {
                        // An rpc part accessor is an element, which may say xsi:type.
                        let ty = self.named_type(tr);
                        let ty = if style == Style::Rpc { ty.map(|t| self.declared(t)) } else { ty };
                        ty.map(ir::PartKind::Type)
                    }
                }
            };
            if let Some(kind) = kind {
                body.push(BodyPart { part: p.name.clone(), kind, rust: String::new() });
            }
        }
        let rpc_wrapper = (style == Style::Rpc).then(|| {
            let ns = io.body.as_ref().and_then(|b| b.namespace.clone()).unwrap_or_default();
            QName::new(ns, if output { format!("{op}Response") } else { op.to_owned() })
        });
        Some(MessageIr { name: msg.name.clone(), body, rpc_wrapper, headers, rust: String::new() })
    }

    // ----- namespaces -----------------------------------------------------------------------

    fn collect_namespaces(&mut self) {
        let mut uris: Vec<String> = Vec::new();
        const STANDARD: [&str; 5] = [
            syntax::XS,
            syntax::XML_NS,
            "http://www.w3.org/2001/XMLSchema-instance",
            "http://schemas.xmlsoap.org/soap/envelope/",
            "http://www.w3.org/2003/05/soap-envelope",
        ];
        let mut add = |u: &str| {
            if !u.is_empty() && !STANDARD.contains(&u) && !uris.iter().any(|x| x == u) {
                uris.push(u.to_owned());
            }
        };
        for e in &self.ir.elements {
            add(&e.name.ns);
        }
        for t in &self.ir.types {
            if !matches!(t.kind, TypeKind::Builtin(_)) {
                add(&t.ns);
            }
            let group = match &t.kind {
                TypeKind::Complex(c) => {
                    for a in &c.attributes {
                        add(&a.name.ns);
                    }
                    match &c.content {
                        Content::Elements(g) => Some(g),
                        _ => None,
                    }
                }
                TypeKind::Sequence(g) | TypeKind::Choice(g) => Some(g),
                _ => None,
            };
            for m in group.map(|g| g.members.as_slice()).unwrap_or_default() {
                match &m.term {
                    MemberTerm::Element(e) => add(&e.name.ns),
                    MemberTerm::Any(w) => wildcard_namespaces(w).for_each(&mut add),
                    MemberTerm::Group(_) => {}
                }
            }
            if let TypeKind::Complex(ComplexDef { any_attribute: Some(w), .. }) = &t.kind {
                wildcard_namespaces(w).for_each(&mut add);
            }
        }
        for s in &self.ir.services {
            for op in &s.operations {
                for m in [&op.input, &op.output].into_iter().flatten() {
                    if let Some(w) = &m.rpc_wrapper {
                        add(&w.ns);
                    }
                }
            }
        }
        let prefixes = &self.sym.schema.prefixes;
        let reserved = ["xml", "xmlns", "xsi", "soap", "soap12", "s", "env"];
        let mut used: Vec<String> = Vec::new();
        for (i, uri) in uris.iter().enumerate() {
            // The schema's own prefix for its target namespace first, then any schema's, then
            // the WSDL's.
            let rank = |p: &&PrefixDecl| match (p.schema, p.own) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            };
            let mut ranked: Vec<&PrefixDecl> = prefixes.iter().filter(|p| &p.uri == uri).collect();
            ranked.sort_by_key(rank);
            let candidates = ranked.into_iter().map(|p| p.prefix.clone());
            let mut chosen = None;
            for c in candidates {
                if !reserved.contains(&c.as_str()) && !used.contains(&c) && crate::syntax::is_ncname(&c) {
                    chosen = Some(c);
                    break;
                }
            }
            let prefix = chosen.unwrap_or_else(|| format!("ns{}", i + 1));
            used.push(prefix.clone());
            self.ir.namespaces.push(Namespace { uri: uri.clone(), prefix, module: String::new() });
        }
    }
}

/// Whether the explicit content of a complex content derivation is empty (XML Schema 1.0
/// part 1, 3.4.2, {content type} clause 2.1): no particle, an empty `xs:sequence` or `xs:all`,
/// or an empty `xs:choice` with `minOccurs="0"`, or `maxOccurs="0"`.
fn explicit_content_empty(p: Option<&Particle>) -> bool {
    match p {
        None => true,
        Some(p) if p.max == MaxOccurs::Bounded(0) => true,
        Some(p) => match &p.term {
            Term::Sequence(items) | Term::All(items) => items.is_empty(),
            Term::Choice(items) => items.is_empty() && p.min == 0,
            _ => false,
        },
    }
}

fn occurs(p: &Particle) -> Occurs {
    Occurs {
        min: p.min,
        max: match p.max {
            MaxOccurs::Bounded(n) => Some(n),
            MaxOccurs::Unbounded => None,
        },
    }
}

/// The occurrence of `(m{inner}){outer}` as one range, when that is exact.
fn fold(outer: Occurs, inner: Occurs) -> Option<Occurs> {
    if outer == Occurs::ONE {
        return Some(inner);
    }
    if inner == Occurs::ONE {
        return Some(outer);
    }
    // (m{0..1} or m{1..1}) repeated: m{0..n} etc. are exact when the inner range is
    // contiguous from its minimum through 1.
    if inner.min <= 1 && inner.max == Some(1) {
        return Some(Occurs { min: outer.min * inner.min, max: outer.max });
    }
    if outer.max == Some(1) && outer.min == 0 && inner.min <= 1 {
        return Some(Occurs { min: 0, max: inner.max });
    }
    None
}

fn wildcard_namespaces(w: &Wildcard) -> impl Iterator<Item = &str> {
    let list: Vec<&str> = match w {
        Wildcard::Any => vec![],
        Wildcard::Other(t) => vec![t.as_str()],
        Wildcard::List(l) => l.iter().map(String::as_str).collect(),
    };
    list.into_iter()
}

fn wildcard(ns: &NsConstraint) -> Wildcard {
    match ns {
        NsConstraint::Any => Wildcard::Any,
        NsConstraint::Other(t) => Wildcard::Other(t.clone()),
        NsConstraint::List(l) => Wildcard::List(l.clone()),
    }
}

fn xml_attribute(local: &str) -> Option<Builtin> {
    match local {
        "lang" => Some(Builtin::Language),
        "space" => Some(Builtin::NcName),
        "base" => Some(Builtin::AnyUri),
        "id" => Some(Builtin::Id),
        _ => None,
    }
}

fn step_facets(f: &Facets) -> FacetSet {
    FacetSet {
        patterns: if f.pattern.is_empty() { vec![] } else { vec![f.pattern.clone()] },
        length: f.length,
        min_length: f.min_length,
        max_length: f.max_length,
        min_inclusive: f.min_inclusive.clone(),
        max_inclusive: f.max_inclusive.clone(),
        min_exclusive: f.min_exclusive.clone(),
        max_exclusive: f.max_exclusive.clone(),
        total_digits: f.total_digits,
        fraction_digits: f.fraction_digits,
        white_space: f.white_space,
    }
}

/// Facets of a derivation step on top of the base's: the step's values replace the base's,
/// patterns accumulate (each step's patterns are one group).
fn merge_facets(base: &FacetSet, step: &FacetSet) -> FacetSet {
    let mut patterns = base.patterns.clone();
    patterns.extend(step.patterns.iter().cloned());
    FacetSet {
        patterns,
        length: step.length.or(base.length),
        min_length: step.min_length.or(base.min_length),
        max_length: step.max_length.or(base.max_length),
        min_inclusive: step.min_inclusive.clone().or_else(|| base.min_inclusive.clone()),
        max_inclusive: step.max_inclusive.clone().or_else(|| base.max_inclusive.clone()),
        min_exclusive: step.min_exclusive.clone().or_else(|| base.min_exclusive.clone()),
        max_exclusive: step.max_exclusive.clone().or_else(|| base.max_exclusive.clone()),
        total_digits: step.total_digits.or(base.total_digits),
        fraction_digits: step.fraction_digits.or(base.fraction_digits),
        white_space: step.white_space.or(base.white_space),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_the_language() {
        let o = |min, max| Occurs { min, max };
        assert_eq!(fold(Occurs::ONE, o(0, None)), Some(o(0, None)));
        assert_eq!(fold(o(0, None), Occurs::ONE), Some(o(0, None)));
        assert_eq!(fold(o(2, Some(5)), o(0, Some(1))), Some(o(0, Some(5))));
        assert_eq!(fold(o(0, Some(1)), o(1, Some(3))), Some(o(0, Some(3))));
        // (a{2,2}){0,unbounded} allows only even counts: not foldable.
        assert_eq!(fold(o(0, None), o(2, Some(2))), None);
    }
}
