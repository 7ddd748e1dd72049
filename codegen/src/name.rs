//! Naming stage: chooses every Rust name once, keeping the XML name beside it in the IR.
//!
//! Names come from [`ident`](crate::ident) (case conversion and keyword escaping). Each scope
//! (a module, a struct's fields, an enum's variants, a trait's methods) has a collision table;
//! two XML originals that would get the same Rust name are a hard error naming both, which the
//! user resolves with a rename in [`Options`].

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use crate::Options;
use crate::diag::{DiagKind, Diagnostic, Span};
use crate::ident::{enum_variant, snake, unraw, upper_camel};
use crate::ir::*;
use crate::syntax::QName;

/// Assigns all names in place.
pub fn name(ir: &mut Ir, opts: &Options) -> Result<(), Vec<Diagnostic>> {
    let mut n = Namer { diags: Vec::new(), opts, used: RefCell::default() };
    n.modules(ir);
    n.types(ir);
    n.members(ir);
    n.elements(ir);
    n.services(ir);
    n.unused_renames();
    if n.diags.is_empty() { Ok(()) } else { Err(n.diags) }
}

/// The renames of the options that named something generated.
#[derive(Default)]
struct Used {
    modules: BTreeSet<String>,
    types: BTreeSet<QName>,
    fields: BTreeSet<(QName, String)>,
}

/// A scope of names: the first claimant of a name keeps it; a second is an error naming both.
struct Scope {
    what: String,
    taken: HashMap<String, (String, Option<Span>)>,
}

impl Scope {
    fn new(what: impl Into<String>) -> Self {
        Scope { what: what.into(), taken: HashMap::new() }
    }

    fn claim(&mut self, name: &str, original: String, span: Option<Span>) -> Result<(), Diagnostic> {
        let key = unraw(name).to_owned();
        if let Some((first, first_span)) = self.taken.get(&key) {
            let mut d = Diagnostic::new(
                DiagKind::NameCollision,
                span.or(*first_span),
                format!(
                    "generated name `{name}` {} is used by both {first} and {original}; rename one of them in the generator options",
                    self.what
                ),
            );
            if let (Some(s), Some(_)) = (first_span, span) {
                d = d.with_note(*s, format!("{first} is defined here"));
            }
            return Err(d);
        }
        self.taken.insert(key, (original, span));
        Ok(())
    }

    /// A synthesized name (`choice`, `any`, ...): the first free one of `base`, `base2`, ...
    fn synthesize(&mut self, base: &str, original: String) -> String {
        let mut n = 1;
        loop {
            let candidate = if n == 1 { base.to_owned() } else { format!("{}{n}", unraw(base)) };
            if !self.taken.contains_key(unraw(&candidate)) {
                self.taken.insert(unraw(&candidate).to_owned(), (original, None));
                return candidate;
            }
            n += 1;
        }
    }
}

struct Namer<'o> {
    diags: Vec<Diagnostic>,
    opts: &'o Options,
    used: RefCell<Used>,
}

impl<'o> Namer<'o> {
    fn type_rename(&self, q: &QName) -> Option<&'o str> {
        let r = self.opts.type_rename(q);
        if r.is_some() {
            self.used.borrow_mut().types.insert(q.clone());
        }
        r
    }

    fn field_rename(&self, owner: &QName, xml: &str) -> Option<&'o str> {
        let r = self.opts.field_rename(owner, xml);
        if r.is_some() {
            self.used.borrow_mut().fields.insert((owner.clone(), xml.to_owned()));
        }
        r
    }

    /// A rename that names nothing generated is a mistake (a misspelt name, a type the
    /// selected operations do not reach): an error, never silently ignored.
    fn unused_renames(&mut self) {
        let used = std::mem::take(&mut *self.used.borrow_mut());
        for uri in self.opts.modules.keys().filter(|u| !used.modules.contains(*u)) {
            self.diags.push(Diagnostic::new(
                DiagKind::Invalid,
                None,
                format!("the module name for namespace {uri:?} matches no generated namespace"),
            ));
        }
        for q in self.opts.type_renames.keys().filter(|q| !used.types.contains(*q)) {
            self.diags.push(
                Diagnostic::new(
                    DiagKind::Invalid,
                    None,
                    format!("the type rename of {q} matches no generated type (misspelt, or not reached by the selected operations)"),
                )
                .with_qname(q),
            );
        }
        for (owner, fields) in &self.opts.field_renames {
            for xml in fields.keys().filter(|x| !used.fields.contains(&(owner.clone(), (*x).clone()))) {
                self.diags.push(
                    Diagnostic::new(
                        DiagKind::Invalid,
                        None,
                        format!("the field rename of {owner}:{xml} matches no field or variant of a generated type {owner}"),
                    )
                    .with_qname(owner),
                );
            }
        }
    }

    fn check(&mut self, r: Result<(), Diagnostic>) {
        if let Err(d) = r {
            self.diags.push(d);
        }
    }

    fn modules(&mut self, ir: &mut Ir) {
        let mut scope = Scope::new("for a module");
        for ns in &mut ir.namespaces {
            let module = match self.opts.modules.get(&ns.uri) {
                Some(m) => {
                    self.used.borrow_mut().modules.insert(ns.uri.clone());
                    m.clone()
                }
                None => module_name(&ns.uri),
            };
            ns.module = module;
            let r = scope.claim(&ns.module, format!("namespace {:?}", ns.uri), None);
            self.check(r);
        }
        for s in &mut ir.services {
            s.rust_module = snake(&s.binding.local);
            s.rust = upper_camel(&s.binding.local);
            let r = scope.claim(&s.rust_module, format!("binding {}", s.binding), None);
            self.check(r);
        }
    }

    fn types(&mut self, ir: &mut Ir) {
        let mut scopes: HashMap<String, Scope> = HashMap::new();
        for id in 0..ir.types.len() {
            let name = match &ir.types[id].origin {
                Origin::Builtin(_) => continue,
                Origin::Named(q) | Origin::Element(q) => match self.type_rename(q) {
                    Some(r) => r.to_owned(),
                    None => upper_camel(&q.local),
                },
                Origin::Local { parent, hint } => format!("{}{}", unraw(&ir.types[*parent].rust), unraw(&upper_camel(hint))),
                Origin::Group { parent, hint } | Origin::Member { parent, hint } => {
                    format!("{}{}", unraw(&ir.types[*parent].rust), unraw(&upper_camel(hint)))
                }
                Origin::Derivations { base } => format!("Any{}", unraw(&ir.types[*base].rust)),
            };
            let name = crate::ident::escape(name);
            let original = describe(ir, id);
            let module = module_of(ir, &ir.types[id].ns);
            let scope = scopes.entry(module.clone()).or_insert_with(|| Scope::new(format!("in module `{module}`")));
            let span = Some(ir.types[id].span);
            let r = scope.claim(&name, original, span);
            self.check(r);
            ir.types[id].rust = name;
        }
    }

    /// The constant of each global element (`UPC_CONFIG_CHANGE` for `UPCConfigChange`), in its
    /// namespace's module, beside the namespace constants every module imports.
    fn elements(&mut self, ir: &mut Ir) {
        let mut scopes: HashMap<String, Scope> = HashMap::new();
        let imported: Vec<String> = ["NAMESPACES".to_owned(), "PREFIXES".to_owned()]
            .into_iter()
            .chain(ir.namespaces.iter().flat_map(|n| {
                let m = unraw(&n.module).to_uppercase();
                [format!("NS_{m}"), format!("URI_{m}")]
            }))
            .collect();
        let modules: Vec<String> = ir.elements.iter().map(|e| module_of(ir, &e.name.ns)).collect();
        for (e, module) in ir.elements.iter_mut().zip(modules).filter(|(e, _)| !e.is_abstract) {
            let scope = scopes.entry(module.clone()).or_insert_with(|| {
                let mut s = Scope::new(format!("for a constant in module `{module}`"));
                for name in &imported {
                    let _ = s.claim(name, "a namespace constant".to_owned(), None);
                }
                s
            });
            e.rust = crate::ident::shouty(&e.name.local);
            let r = scope.claim(&e.rust, format!("element {}", e.name), Some(e.span));
            self.check(r);
        }
    }

    fn members(&mut self, ir: &mut Ir) {
        for id in 0..ir.types.len() {
            let owner = describe(ir, id);
            let owner_q = match &ir.types[id].origin {
                Origin::Named(q) | Origin::Element(q) => Some(q.clone()),
                _ => None,
            };
            let mut kind = std::mem::replace(&mut ir.types[id].kind, TypeKind::Builtin(Builtin::AnyType));
            match &mut kind {
                TypeKind::Builtin(_) => {}
                TypeKind::Simple(SimpleDef::Restriction { values, .. }) => {
                    let mut scope = Scope::new(format!("for a variant of {owner}"));
                    for v in values.iter_mut() {
                        v.rust = match owner_q.as_ref().and_then(|q| self.field_rename(q, &v.value)) {
                            Some(r) => r.to_owned(),
                            None => enum_variant(&v.value),
                        };
                        let r = scope.claim(&v.rust, format!("enumeration value {:?}", v.value), Some(v.span));
                        self.check(r);
                    }
                }
                TypeKind::Simple(SimpleDef::List { .. }) => {}
                TypeKind::Simple(SimpleDef::Union { members }) => {
                    let mut scope = Scope::new(format!("for a variant of {owner}"));
                    for m in members.iter_mut() {
                        let base = match &ir.types[m.ty].kind {
                            TypeKind::Builtin(b) => upper_camel(b.xs_name()),
                            _ => unraw(&ir.types[m.ty].rust).to_owned(),
                        };
                        let base = base.strip_prefix(unraw(&ir.types[id].rust)).filter(|s| !s.is_empty()).unwrap_or(&base).to_owned();
                        m.rust = scope.synthesize(&base, format!("member type {}", ir.type_label(m.ty)));
                    }
                }
                TypeKind::Complex(c) => {
                    let mut scope = Scope::new(format!("for a field of {owner}"));
                    // Elements first: an attribute whose name an element of the same type
                    // already has gets an `_attribute` suffix (both are common in schemas, and
                    // a rename keyed by the local name could not tell them apart).
                    let element_names: Vec<String> = match &c.content {
                        Content::Elements(g) => g
                            .members
                            .iter()
                            .filter_map(|m| match &m.term {
                                MemberTerm::Element(e) => Some(unraw(&self.field_name(owner_q.as_ref(), &e.name.local)).to_owned()),
                                _ => None,
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    for a in c.attributes.iter_mut() {
                        a.rust = match owner_q.as_ref().and_then(|q| self.field_rename(q, &format!("@{}", a.name.local))) {
                            Some(r) => r.to_owned(),
                            None => {
                                let plain = self.field_name(owner_q.as_ref(), &a.name.local);
                                if element_names.iter().any(|n| n == unraw(&plain)) {
                                    format!("{}_attribute", unraw(&plain))
                                } else {
                                    plain
                                }
                            }
                        };
                        let r = scope.claim(&a.rust, format!("attribute {}", a.name), None);
                        self.check(r);
                    }
                    match &mut c.content {
                        Content::Elements(g) => self.group_fields(ir, g, &mut scope, owner_q.as_ref()),
                        Content::Simple { rust, .. } => *rust = scope.synthesize("value", "the simple content".into()),
                        Content::Any { rust } => *rust = scope.synthesize("content", "the content".into()),
                        Content::Empty => {}
                    }
                    if c.any_attribute.is_some() {
                        c.any_attribute_rust = scope.synthesize("other_attributes", "the attribute wildcard".into());
                    }
                }
                TypeKind::Sequence(g) => {
                    let mut scope = Scope::new(format!("for a field of {owner}"));
                    self.group_fields(ir, g, &mut scope, owner_q.as_ref());
                }
                TypeKind::Polymorphic(p) => {
                    // Each variant is named after its type; one from another module whose
                    // name is taken gets the module's name in front.
                    let mut scope = Scope::new(format!("for a variant of {owner}"));
                    for v in p.variants.iter_mut() {
                        let plain = unraw(&ir.types[v.ty].rust).to_owned();
                        let original = format!("type {}", v.name);
                        v.rust = if scope.taken.contains_key(&plain) {
                            let qualified = format!("{}{plain}", upper_camel(&module_of(ir, &ir.types[v.ty].ns)));
                            let r = scope.claim(&qualified, original, Some(ir.types[v.ty].span));
                            self.check(r);
                            qualified
                        } else {
                            let r = scope.claim(&plain, original, Some(ir.types[v.ty].span));
                            self.check(r);
                            plain
                        };
                    }
                }
                TypeKind::Choice(g) => {
                    let mut scope = Scope::new(format!("for a variant of {owner}"));
                    for m in g.members.iter_mut() {
                        match &m.term {
                            MemberTerm::Element(e) => {
                                m.rust = match owner_q.as_ref().and_then(|q| self.field_rename(q, &e.name.local)) {
                                    Some(r) => r.to_owned(),
                                    None => upper_camel(&e.name.local),
                                };
                                let r = scope.claim(&m.rust, format!("element {}", e.name), Some(m.span));
                                self.check(r);
                            }
                            MemberTerm::Group(t) => {
                                let hint = match &ir.types[*t].kind {
                                    TypeKind::Choice(_) => "Choice",
                                    _ => "Sequence",
                                };
                                m.rust = scope.synthesize(hint, format!("a nested group {}", ir.type_label(*t)));
                            }
                            MemberTerm::Any(_) => m.rust = scope.synthesize("Any", "an element wildcard".into()),
                        }
                    }
                }
            }
            ir.types[id].kind = kind;
        }
    }

    fn field_name(&self, owner: Option<&QName>, local: &str) -> String {
        match owner.and_then(|q| self.field_rename(q, local)) {
            Some(r) => r.to_owned(),
            None => snake(local),
        }
    }

    fn group_fields(&mut self, ir: &Ir, g: &mut Group, scope: &mut Scope, owner: Option<&QName>) {
        // Real names first, synthesized ones after, so a synthesized name never takes a real
        // element's name.
        for m in g.members.iter_mut() {
            if let MemberTerm::Element(e) = &m.term {
                m.rust = self.field_name(owner, &e.name.local);
                let r = scope.claim(&m.rust, format!("element {}", e.name), Some(m.span));
                self.check(r);
            }
        }
        for m in g.members.iter_mut() {
            match &m.term {
                MemberTerm::Element(_) => {}
                MemberTerm::Group(t) => {
                    let base = match &ir.types[*t].kind {
                        TypeKind::Choice(_) => "choice",
                        _ => "sequence",
                    };
                    m.rust = scope.synthesize(base, format!("a nested group {}", ir.type_label(*t)));
                }
                MemberTerm::Any(_) => m.rust = scope.synthesize("any", "an element wildcard".into()),
            }
        }
    }

    fn services(&mut self, ir: &mut Ir) {
        for s in &mut ir.services {
            let mut methods = Scope::new(format!("for a method of {}", s.rust));
            let mut variants = Scope::new(format!("for a variant of {}Operation", unraw(&s.rust)));
            let mut types = Scope::new(format!("in module `{}`", s.rust_module));
            for op in &mut s.operations {
                op.rust = snake(&op.name);
                let r = methods.claim(&op.rust, format!("operation '{}'", op.name), Some(op.span));
                self.check(r);
                op.variant = upper_camel(&op.name);
                let r = variants.claim(&op.variant, format!("operation '{}'", op.name), Some(op.span));
                self.check(r);
                let base = unraw(&upper_camel(&op.name)).to_owned();
                for (m, suffix) in [(&mut op.input, "Input"), (&mut op.output, "Output")] {
                    let Some(m) = m else { continue };
                    m.rust = format!("{base}{suffix}");
                    let r = types.claim(&m.rust, format!("{} of operation '{}'", suffix.to_lowercase(), op.name), Some(op.span));
                    self.check(r);
                    let mut fields = Scope::new(format!("for a field of {}", m.rust));
                    for p in &mut m.body {
                        p.rust = snake(&p.part);
                        let r = fields.claim(&p.rust, format!("body part '{}'", p.part), Some(op.span));
                        self.check(r);
                    }
                    for h in &mut m.headers {
                        h.rust = snake(&h.part);
                        let r = fields.claim(&h.rust, format!("header part '{}'", h.part), Some(op.span));
                        self.check(r);
                    }
                }
                if !op.faults.is_empty() {
                    op.fault_rust = format!("{base}Fault");
                    let r = types.claim(&op.fault_rust, format!("the declared faults of operation '{}'", op.name), Some(op.span));
                    self.check(r);
                }
                let mut variants = Scope::new(format!("for a fault of operation '{}'", op.name));
                for f in &mut op.faults {
                    f.rust = upper_camel(&f.name);
                    let r = variants.claim(&f.rust, format!("fault '{}'", f.name), Some(op.span));
                    self.check(r);
                }
            }
            // Names the service module defines besides the message structs.
            let base = unraw(&s.rust).to_owned();
            s.items = ServiceItems {
                client: format!("{base}Client"),
                server: format!("{base}Server"),
                dispatcher: format!("{base}Dispatcher"),
                operations: format!("{base}Operation"),
                messages: format!("{base}Message"),
            };
            let items = &s.items;
            for (item, what) in [
                (&s.rust, "client trait"),
                (&items.client, "client"),
                (&items.server, "server trait"),
                (&items.dispatcher, "dispatcher"),
                (&items.operations, "operations enum"),
                (&items.messages, "messages enum"),
            ] {
                let r = types.claim(item, format!("the generated {what} of binding {}", s.binding), None);
                self.check(r);
            }
        }
    }
}

/// The module of namespace `uri`.
pub fn module_of(ir: &Ir, uri: &str) -> String {
    ir.namespaces.iter().find(|n| n.uri == uri).map_or_else(|| "no_namespace".to_owned(), |n| n.module.clone())
}

/// A module name derived from a namespace URI: its last path segment that starts with a letter.
pub fn module_name(uri: &str) -> String {
    if uri.is_empty() {
        return "no_namespace".to_owned();
    }
    let segment = uri
        .split(['/', ':', '#', '?'])
        .rev()
        .find(|s| s.starts_with(|c: char| c.is_ascii_alphabetic()) && !s.contains('.'))
        .or_else(|| uri.split(['/', ':', '#', '?']).rev().find(|s| s.starts_with(|c: char| c.is_ascii_alphabetic())))
        .unwrap_or("ns");
    snake(segment)
}

/// How a type is named in messages: its XML original.
pub fn describe(ir: &Ir, id: TypeId) -> String {
    match &ir.types[id].origin {
        Origin::Builtin(b) => format!("xs:{}", b.xs_name()),
        Origin::Named(q) => match ir.types[id].kind {
            TypeKind::Simple(_) => format!("simple type {q}"),
            _ => format!("complex type {q}"),
        },
        Origin::Element(q) => format!("the anonymous type of element {q}"),
        Origin::Local { parent, hint } => format!("the anonymous type of '{hint}' in {}", describe(ir, *parent)),
        Origin::Group { parent, hint } => format!("the {hint} group in {}", describe(ir, *parent)),
        Origin::Member { parent, hint } => format!("the {hint} type of {}", describe(ir, *parent)),
        Origin::Derivations { base } => format!("{} or a type derived from it", describe(ir, *base)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_from_namespace_uris() {
        assert_eq!(module_name("http://schemas.microsoft.com/exchange/services/2006/messages"), "messages");
        assert_eq!(module_name("http://schemas.microsoft.com/exchange/services/2006/types"), "types");
        assert_eq!(module_name("http://www.w3.org/2002/ws/databinding/examples/6/09/"), "examples");
        assert_eq!(module_name("urn:cisco:uccn"), "uccn");
        assert_eq!(module_name(""), "no_namespace");
        assert_eq!(module_name("http://example.com/"), "http");
    }

    #[test]
    fn scope_reports_both_originals() {
        let mut s = Scope::new("in module `m`");
        s.claim("FooBar", "complex type {u}FooBar".into(), None).unwrap();
        let e = s.claim("FooBar", "complex type {u}foo_bar".into(), None).unwrap_err();
        assert!(e.message.contains("{u}FooBar") && e.message.contains("{u}foo_bar"), "{}", e.message);
        assert_eq!(s.synthesize("choice", "x".into()), "choice");
        assert_eq!(s.synthesize("choice", "y".into()), "choice2");
    }
}
