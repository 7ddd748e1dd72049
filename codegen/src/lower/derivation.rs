//! Type derivation where instances see it: `xsi:type` substitution and substitution groups.
//!
//! An element declared with a named complex type `B` may hold `B` or any concrete type derived
//! from `B` (XML Schema part 1, 3.3.4 clause 4.3 and 3.4.6), anywhere in the schema set. When
//! the schema set derives a concrete type from `B` that `B` does not block, or `B` is abstract,
//! the element's type is the [`Polymorphic`] of `B`: one per declared type, however many
//! elements declare it. Otherwise the element keeps `B` itself, so a schema without derived
//! types lowers exactly as it would without this pass.
//!
//! The checks that concern the schema itself are here too: a type may not derive from a base
//! that is `final` for that method, and a substitution group member's type must derive from
//! its head's type by methods the head's `final` allows.

use super::Lowerer;
use crate::diag::{DiagKind, Diagnostic, Span};
use crate::ir::*;
use crate::syntax::{self, Derivation, Methods, QName, Ref, TypeDef, TypeUse};

impl<'s> Lowerer<'s> {
    /// What an element declared with type `ty` holds: the [`Polymorphic`] of `ty` when it is a
    /// named complex type with concrete derived types (or abstract), else `ty`.
    pub(super) fn declared(&mut self, ty: TypeId) -> TypeId {
        if let Some(&p) = self.polymorphic.get(&ty) {
            return p;
        }
        let Origin::Named(name) = &self.ir.types[ty].origin else { return ty };
        let name = name.clone();
        let Some((_, def)) = self.sym.type_def(&name) else { return ty };
        let TypeDef::Complex(c) = &def.item else { return ty };
        let derived = self.sym.derived_types(&name);
        if derived.is_empty() && !c.is_abstract {
            self.polymorphic.insert(ty, ty);
            return ty;
        }
        let mut variants = Vec::new();
        if !c.is_abstract {
            variants.push(Substitute { name: name.clone(), ty, methods: Methods::default(), rust: String::new(), boxed: false });
        }
        let mut refused = Vec::new();
        for (index, methods) in derived {
            let d = &self.sym.schema.types[index];
            let TypeDef::Complex(dc) = &d.item else { continue };
            let blocked = methods.common(c.block);
            if dc.is_abstract {
                refused.push(Refusal { name: d.name.clone(), reason: "which is abstract".to_owned() });
            } else if !blocked.is_empty() {
                refused.push(Refusal {
                    name: d.name.clone(),
                    reason: format!(
                        "which is derived from {name} by {}, and {name} blocks substitution by {} (block=\"{}\")",
                        methods.describe(),
                        blocked.describe(),
                        c.block.spelled()
                    ),
                });
            } else if let Some(dty) = self.named_type(&Ref { name: d.name.clone(), span: d.span }) {
                variants.push(Substitute { name: d.name.clone(), ty: dty, methods, rust: String::new(), boxed: false });
            }
        }
        if !c.is_abstract && variants.len() == 1 {
            // Nothing may substitute for it: the type itself, which names the refused types
            // in its errors.
            self.refusals.push((ty, refused));
            self.polymorphic.insert(ty, ty);
            return ty;
        }
        let pid = self.new_type(Origin::Derivations { base: ty }, name.ns.clone(), def.span, None);
        self.ir.types[pid].kind =
            TypeKind::Polymorphic(Polymorphic { base: ty, name, is_abstract: c.is_abstract, variants, refused, blocked_somewhere: false });
        self.polymorphic.insert(ty, pid);
        pid
    }

    /// The derivation methods by which an element of type `ty` with `block="..."` refuses
    /// `xsi:type`: those of its variants that the block hits (empty for a type that is not
    /// polymorphic).
    pub(super) fn element_block(&mut self, ty: TypeId, block: Methods) -> Methods {
        let TypeKind::Polymorphic(p) = &mut self.ir.types[ty].kind else { return Methods::default() };
        let block = block.common(Methods { extension: true, restriction: true, substitution: false });
        let hit = p.variants.iter().fold(Methods::default(), |acc, v| acc.with(v.methods.common(block)));
        p.blocked_somewhere |= !hit.is_empty();
        hit
    }

    /// Sets the refusals of the types that are not polymorphic, now that they are converted.
    pub(super) fn apply_refusals(&mut self) {
        for (ty, refused) in std::mem::take(&mut self.refusals) {
            if let TypeKind::Complex(c) = &mut self.ir.types[ty].kind {
                c.refused = refused;
            }
        }
    }

    /// A complex type derives from `base` by `how`: the base must not be `final` for it.
    pub(super) fn check_final(&mut self, base: &Ref, how: Derivation, derived: &QName, span: Span) {
        let Some((_, def)) = self.sym.type_def(&base.name) else { return };
        let TypeDef::Complex(b) = &def.item else { return };
        let hit = b.final_.common(Methods::of(how));
        if !hit.is_empty() {
            let what =
                if derived.local.starts_with('#') { "an anonymous complex type".to_owned() } else { format!("complex type {derived}") };
            self.diag(
                Diagnostic::new(
                    DiagKind::Invalid,
                    Some(span),
                    format!(
                        "{what} derives from {} by {}, which {} forbids (final=\"{}\")",
                        base.name,
                        hit.describe(),
                        base.name,
                        b.final_.spelled()
                    ),
                )
                .with_qname(&base.name)
                .with_note(def.span, format!("{} is defined here", base.name)),
            );
        }
    }

    /// The members of the substitution group of the global element at `head` (transitively)
    /// that may appear where the head is referenced: each member's type must derive from the
    /// head's type (an error otherwise, and where the head's `final` excludes the method), and
    /// the head's `block` (with its type's) leaves out members derived by a blocked method, or
    /// all of them for `block="substitution"`.
    pub(super) fn substitutes(&mut self, head: usize) -> Vec<usize> {
        let h = self.sym.element_at(head);
        let members = self.sym.substitution_members(&h.name);
        let head_type = self.element_type(head);
        let head_type_block = match &head_type {
            ElementType::Named(q) => match self.sym.type_def(q) {
                Some((_, d)) => match &d.item {
                    TypeDef::Complex(c) => c.block,
                    TypeDef::Simple(_) => Methods::default(),
                },
                None => Methods::default(),
            },
            _ => Methods::default(),
        };
        let blocked = h.item.block.with(head_type_block);
        let mut out = Vec::new();
        for m in members {
            let md = self.sym.element_at(m);
            // The methods from the head's type to the member's (through its own head, which is
            // checked when that head is referenced).
            let methods = match (&head_type, self.element_type(m)) {
                (ElementType::AnyType, _) => Some(Methods::default()),
                (a, b) if a == &b => Some(Methods::default()),
                (ElementType::Named(target), ElementType::Named(q)) => {
                    self.sym.type_def(&q).and_then(|(_, d)| self.sym.derivation_to(&d.item, target))
                }
                (ElementType::Named(target), ElementType::Anonymous(def)) => self.sym.derivation_to(def, target),
                _ => None,
            };
            let Some(methods) = methods else {
                let d = Diagnostic::new(
                    DiagKind::Invalid,
                    Some(md.span),
                    format!(
                        "element {} is in the substitution group of {}, but its type is not derived from {}",
                        md.name,
                        h.name,
                        head_type.describe(&h.name)
                    ),
                )
                .with_qname(&md.name)
                .with_note(h.span, format!("{} is declared here", h.name));
                self.diag(d);
                continue;
            };
            let excluded = methods.common(h.item.final_);
            if !excluded.is_empty() {
                let d = Diagnostic::new(
                    DiagKind::Invalid,
                    Some(md.span),
                    format!(
                        "element {} is in the substitution group of {}, but its type is derived by {}, which {} excludes (final=\"{}\")",
                        md.name,
                        h.name,
                        excluded.describe(),
                        h.name,
                        h.item.final_.spelled()
                    ),
                )
                .with_qname(&md.name)
                .with_note(h.span, format!("{} is declared here", h.name));
                self.diag(d);
                continue;
            }
            if h.item.block.substitution || !methods.common(blocked).is_empty() {
                continue; // the head refuses this member where it is referenced
            }
            out.push(m);
        }
        out
    }

    /// The type a global element declares: by name, in place, or its head's (`xs:anyType`
    /// without either).
    fn element_type(&self, index: usize) -> ElementType<'s> {
        let mut cur = self.sym.element_at(index);
        for _ in 0..=self.sym.schema.elements.len() {
            match &cur.item.ty {
                Some(TypeUse::Named(r)) if r.name.ns == syntax::XS && r.name.local == "anyType" => return ElementType::AnyType,
                Some(TypeUse::Named(r)) => return ElementType::Named(r.name.clone()),
                Some(TypeUse::Anonymous(def)) => return ElementType::Anonymous(def),
                None => match &cur.item.substitution_group {
                    Some(head) => match self.sym.element(head) {
                        Ok((_, h)) => cur = h,
                        Err(_) => return ElementType::AnyType,
                    },
                    None => return ElementType::AnyType,
                },
            }
        }
        ElementType::AnyType // a substitution group cycle
    }
}

/// The type a global element declares.
#[derive(Debug)]
enum ElementType<'s> {
    AnyType,
    Named(QName),
    Anonymous(&'s TypeDef),
}

impl PartialEq for ElementType<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ElementType::AnyType, ElementType::AnyType) => true,
            (ElementType::Named(a), ElementType::Named(b)) => a == b,
            (ElementType::Anonymous(a), ElementType::Anonymous(b)) => std::ptr::eq(*a, *b),
            _ => false,
        }
    }
}

impl ElementType<'_> {
    fn describe(&self, element: &QName) -> String {
        match self {
            ElementType::AnyType => "xs:anyType".to_owned(),
            ElementType::Named(q) => q.to_string(),
            ElementType::Anonymous(_) => format!("the anonymous type of {element}"),
        }
    }
}
