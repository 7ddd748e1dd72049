//! Resolve stage: symbol tables for every kind of named definition (each XML Schema symbol
//! space and each WSDL definition kind), duplicate detection, and look-ups that turn a
//! [`Ref`] into its definition or a diagnostic naming the file, line, column and QName.

use std::collections::HashMap;

use crate::diag::{DiagKind, Diagnostic, Span};
use crate::read::Loaded;
use crate::syntax::*;

/// Which symbol space a name lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Space {
    /// Global element declarations.
    Element,
    /// Type definitions.
    Type,
    /// Global attribute declarations.
    Attribute,
    /// Model groups.
    Group,
    /// Attribute groups.
    AttributeGroup,
    /// WSDL messages.
    Message,
    /// WSDL port types.
    PortType,
    /// WSDL bindings.
    Binding,
}

impl Space {
    /// How the space is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Space::Element => "element",
            Space::Type => "type",
            Space::Attribute => "attribute",
            Space::Group => "model group",
            Space::AttributeGroup => "attribute group",
            Space::Message => "WSDL message",
            Space::PortType => "WSDL port type",
            Space::Binding => "WSDL binding",
        }
    }
}

/// Symbol tables over a [`Loaded`] schema set and WSDL.
pub struct Symbols<'s> {
    /// The schema components.
    pub schema: &'s Schema,
    /// The WSDL, if any.
    pub wsdl: Option<&'s Wsdl>,
    elements: HashMap<&'s QName, usize>,
    types: HashMap<&'s QName, usize>,
    attributes: HashMap<&'s QName, usize>,
    groups: HashMap<&'s QName, usize>,
    attribute_groups: HashMap<&'s QName, usize>,
    messages: HashMap<&'s QName, usize>,
    port_types: HashMap<&'s QName, usize>,
    bindings: HashMap<&'s QName, usize>,
    /// Direct substitution group members of each head, in document order.
    substitutions: HashMap<&'s QName, Vec<usize>>,
    /// Named types derived directly from each named type, in document order.
    derived: HashMap<&'s QName, Vec<(usize, Derivation)>>,
    failed_imports: &'s [(String, Span, String)],
    /// Whether an input was a schema (its global elements are all generated).
    pub has_schema_inputs: bool,
}

/// Builds the symbol tables; duplicates are errors naming both definitions.
pub fn resolve(loaded: &Loaded) -> Result<Symbols<'_>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let schema = &loaded.schema;
    let wsdl = loaded.wsdl.as_ref();
    let mut s = Symbols {
        schema,
        wsdl,
        elements: table(&schema.elements, Space::Element, &mut diags),
        types: table(&schema.types, Space::Type, &mut diags),
        attributes: table(&schema.attributes, Space::Attribute, &mut diags),
        groups: table(&schema.groups, Space::Group, &mut diags),
        attribute_groups: table(&schema.attribute_groups, Space::AttributeGroup, &mut diags),
        messages: HashMap::new(),
        port_types: HashMap::new(),
        bindings: HashMap::new(),
        substitutions: HashMap::new(),
        derived: HashMap::new(),
        failed_imports: &loaded.failed_imports,
        has_schema_inputs: !loaded.schema_inputs.is_empty(),
    };
    // In document order (not the table's), so that the diagnostics are deterministic.
    for def in schema.types.iter().filter(|d| d.name.ns == XS) {
        let name = &def.name;
        diags.push(
            Diagnostic::new(DiagKind::Invalid, Some(def.span), format!("type {name} redefines an XML Schema built-in")).with_qname(name),
        );
    }
    if let Some(w) = wsdl {
        s.messages = table(&w.messages, Space::Message, &mut diags);
        s.port_types = table(&w.port_types, Space::PortType, &mut diags);
        s.bindings = table(&w.bindings, Space::Binding, &mut diags);
    }
    for (i, e) in schema.elements.iter().enumerate() {
        if let Some(head) = &e.item.substitution_group {
            s.substitutions.entry(&head.name).or_default().push(i);
        }
    }
    for (i, t) in schema.types.iter().enumerate() {
        if let Some((base, how)) = base_of(&t.item)
            && base.name.ns != XS
        {
            s.derived.entry(&base.name).or_default().push((i, how));
        }
    }
    if diags.is_empty() { Ok(s) } else { Err(diags) }
}

/// The named type a type definition derives from, and how (`None` for a list, a union, or a
/// complex type that restricts `xs:anyType` implicitly).
pub fn base_of(def: &TypeDef) -> Option<(&Ref, Derivation)> {
    match def {
        TypeDef::Complex(c) => match &c.content {
            ComplexContent::Simple { derivation, base, .. } | ComplexContent::Complex { derivation, base, .. } => Some((base, *derivation)),
            ComplexContent::Implicit { .. } => None,
        },
        TypeDef::Simple(s) => match &s.kind {
            SimpleKind::Restriction { base: TypeUse::Named(r), .. } => Some((r, Derivation::Restriction)),
            _ => None,
        },
    }
}

fn table<'s, T>(defs: &'s [Named<T>], space: Space, diags: &mut Vec<Diagnostic>) -> HashMap<&'s QName, usize> {
    let mut map: HashMap<&QName, usize> = HashMap::with_capacity(defs.len());
    for (i, d) in defs.iter().enumerate() {
        if let Some(&first) = map.get(&d.name) {
            diags.push(
                Diagnostic::new(DiagKind::Duplicate, Some(d.span), format!("duplicate definition of {} {}", space.describe(), d.name))
                    .with_qname(&d.name)
                    .with_note(defs[first].span, "first defined here"),
            );
        } else {
            map.insert(&d.name, i);
        }
    }
    map
}

fn unresolved_plain(space: Space, r: &Ref) -> Diagnostic {
    Diagnostic::new(DiagKind::Unresolved, Some(r.span), format!("unresolved reference to {} {}", space.describe(), r.name))
        .with_qname(&r.name)
}

impl<'s> Symbols<'s> {
    fn unresolved(&self, space: Space, r: &Ref) -> Diagnostic {
        let mut d = unresolved_plain(space, r);
        for (ns, span, why) in self.failed_imports {
            if *ns == r.name.ns {
                d = d.with_note(*span, format!("the schema for namespace {ns} is imported here but {why}"));
            }
        }
        d
    }

    /// The global element `r` names.
    pub fn element(&self, r: &Ref) -> Result<(usize, &'s Named<ElementDecl>), Diagnostic> {
        self.elements.get(&r.name).map(|&i| (i, &self.schema.elements[i])).ok_or_else(|| self.unresolved(Space::Element, r))
    }

    /// The global element at index `i`.
    pub fn element_at(&self, i: usize) -> &'s Named<ElementDecl> {
        &self.schema.elements[i]
    }

    /// The type `name` names, if defined in the schema set (built-ins are not).
    pub fn type_def(&self, name: &QName) -> Option<(usize, &'s Named<TypeDef>)> {
        self.types.get(name).map(|&i| (i, &self.schema.types[i]))
    }

    /// The type `r` names, or an unresolved-reference diagnostic.
    pub fn type_ref(&self, r: &Ref) -> Result<(usize, &'s Named<TypeDef>), Diagnostic> {
        self.type_def(&r.name).ok_or_else(|| self.unresolved(Space::Type, r))
    }

    /// The global attribute `r` names.
    pub fn attribute(&self, r: &Ref) -> Result<&'s Named<AttributeDecl>, Diagnostic> {
        self.attributes.get(&r.name).map(|&i| &self.schema.attributes[i]).ok_or_else(|| self.unresolved(Space::Attribute, r))
    }

    /// The model group `r` names.
    pub fn group(&self, r: &Ref) -> Result<&'s Named<Particle>, Diagnostic> {
        self.groups.get(&r.name).map(|&i| &self.schema.groups[i]).ok_or_else(|| self.unresolved(Space::Group, r))
    }

    /// The attribute group `r` names.
    pub fn attribute_group(&self, r: &Ref) -> Result<&'s Named<Attrs>, Diagnostic> {
        self.attribute_groups
            .get(&r.name)
            .map(|&i| &self.schema.attribute_groups[i])
            .ok_or_else(|| self.unresolved(Space::AttributeGroup, r))
    }

    /// The WSDL message `r` names.
    pub fn message(&self, r: &Ref) -> Result<&'s Named<Message>, Diagnostic> {
        let w = self.wsdl.ok_or_else(|| self.unresolved(Space::Message, r))?;
        self.messages.get(&r.name).map(|&i| &w.messages[i]).ok_or_else(|| self.unresolved(Space::Message, r))
    }

    /// The WSDL port type `r` names.
    pub fn port_type(&self, r: &Ref) -> Result<&'s Named<PortType>, Diagnostic> {
        let w = self.wsdl.ok_or_else(|| self.unresolved(Space::PortType, r))?;
        self.port_types.get(&r.name).map(|&i| &w.port_types[i]).ok_or_else(|| self.unresolved(Space::PortType, r))
    }

    /// The WSDL binding `r` names.
    pub fn binding(&self, r: &Ref) -> Result<&'s Named<Binding>, Diagnostic> {
        let w = self.wsdl.ok_or_else(|| self.unresolved(Space::Binding, r))?;
        self.bindings.get(&r.name).map(|&i| &w.bindings[i]).ok_or_else(|| self.unresolved(Space::Binding, r))
    }

    /// The named types derived from the named type `base`, directly or through others, with
    /// the derivation methods on the way: depth first in document order, each type right after
    /// the type it derives from.
    pub fn derived_types(&self, base: &QName) -> Vec<(usize, Methods)> {
        let mut out = Vec::new();
        self.collect_derived(base, base, Methods::default(), &mut out);
        out
    }

    fn collect_derived(&self, root: &QName, b: &QName, so_far: Methods, out: &mut Vec<(usize, Methods)>) {
        let Some(children) = self.derived.get(b) else { return };
        for &(i, how) in children {
            let name = &self.schema.types[i].name;
            // Seen already, or the root again: a derivation cycle, reported where the type
            // is lowered.
            if name == root || out.iter().any(|(j, _)| *j == i) {
                continue;
            }
            let m = so_far.with(Methods::of(how));
            out.push((i, m));
            self.collect_derived(root, name, m, out);
        }
    }

    /// The derivation methods by which the type definition `def` derives from the named type
    /// `target` (through named bases), or `None` if it does not.
    pub fn derivation_to(&self, def: &TypeDef, target: &QName) -> Option<Methods> {
        let mut methods = Methods::default();
        let mut cur = def;
        for _ in 0..=self.schema.types.len() {
            let (base, how) = base_of(cur)?;
            methods = methods.with(Methods::of(how));
            if &base.name == target {
                return Some(methods);
            }
            cur = &self.type_def(&base.name)?.1.item;
        }
        None // a derivation cycle
    }

    /// All elements that may substitute for the head `name`, transitively, in a deterministic
    /// order (document order, depth first), excluding the head itself.
    pub fn substitution_members(&self, name: &QName) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![name];
        while let Some(head) = stack.pop() {
            if let Some(members) = self.substitutions.get(head) {
                for &m in members {
                    if !out.contains(&m) {
                        out.push(m);
                        stack.push(&self.schema.elements[m].name);
                    }
                }
            }
        }
        out
    }
}
