//! Type declarations: structs for complex types and sequences, enums for choices,
//! enumerations and unions, newtypes for restrictions and lists.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, doc, doc_text, ident, lit};
use crate::ir::*;
use crate::syntax::QName;

impl Emitter<'_> {
    /// The declaration of type `id` (without its codec impls).
    pub(crate) fn type_items(&self, id: TypeId) -> TokenStream {
        let t = &self.ir.types[id];
        let name = ident(&t.rust);
        let docs = doc(&self.type_doc(id));
        match &t.kind {
            TypeKind::Builtin(_) => TokenStream::new(),
            TypeKind::Simple(SimpleDef::Restriction { values, primitive, .. }) if !values.is_empty() => {
                let variants = values.iter().map(|v| {
                    let vn = ident(&v.rust);
                    let mut d = format!("`{}`", v.value);
                    if let Some(vd) = &v.doc {
                        d = format!("{}\n\n{d}", doc_text(vd));
                    }
                    let d = doc(&d);
                    quote!(#d #vn)
                });
                let wire = values.iter().map(|v| lit(&v.value));
                let all = values.iter().map(|v| {
                    let vn = ident(&v.rust);
                    quote!(Self::#vn)
                });
                let _ = primitive;
                quote! {
                    #docs
                    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
                    pub enum #name {
                        #(#variants,)*
                    }
                    impl #name {
                        /// Every value, in schema order.
                        pub const VALUES: &'static [Self] = &[#(#all,)*];
                        /// The values as written in XML, in the order of `VALUES`.
                        const WIRE: &'static [&'static str] = &[#(#wire,)*];
                        /// The value exactly as it is written in XML.
                        pub fn as_str(&self) -> &'static str {
                            Self::WIRE[*self as usize]
                        }
                    }
                    impl ::core::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.write_str(self.as_str())
                        }
                    }
                }
            }
            TypeKind::Simple(SimpleDef::Restriction { primitive, facets, .. }) if spelled(*primitive, facets) => {
                // The pattern may refuse the canonical form: the value keeps its spelling.
                let value = super::builtin_value(*primitive);
                quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq)]
                    pub struct #name(pub __rt::xsd::Spelled<#value>);
                    impl ::core::convert::From<#value> for #name {
                        fn from(v: #value) -> Self { Self(__rt::xsd::Spelled::new(v)) }
                    }
                    impl ::core::ops::Deref for #name {
                        type Target = #value;
                        fn deref(&self) -> &#value { self.0.value() }
                    }
                }
            }
            TypeKind::Simple(SimpleDef::Restriction { primitive, .. }) => {
                let value = super::builtin_value(*primitive);
                quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq)]
                    pub struct #name(pub #value);
                    impl ::core::convert::From<#value> for #name {
                        fn from(v: #value) -> Self { Self(v) }
                    }
                    impl ::core::ops::Deref for #name {
                        type Target = #value;
                        fn deref(&self) -> &#value { &self.0 }
                    }
                }
            }
            TypeKind::Simple(SimpleDef::List { item, .. }) => {
                let m = self.module(id);
                let item_ty = self.value_type(*item, &m);
                quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq, Default)]
                    pub struct #name(pub ::std::vec::Vec<#item_ty>);
                    impl ::core::convert::From<::std::vec::Vec<#item_ty>> for #name {
                        fn from(v: ::std::vec::Vec<#item_ty>) -> Self { Self(v) }
                    }
                    impl ::core::ops::Deref for #name {
                        type Target = [#item_ty];
                        fn deref(&self) -> &[#item_ty] { &self.0 }
                    }
                }
            }
            TypeKind::Simple(SimpleDef::Union { members }) => {
                let m = self.module(id);
                let variants = members.iter().map(|v| {
                    let vn = ident(&v.rust);
                    let ty = self.value_type(v.ty, &m);
                    let d = doc(&format!("A value of member type {}.", self.xml_label(v.ty)));
                    quote!(#d #vn(#ty))
                });
                quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq)]
                    pub enum #name {
                        #(#variants,)*
                    }
                }
            }
            TypeKind::Complex(c) => {
                let m = self.module(id);
                let mut fields = Vec::new();
                for a in &c.attributes {
                    let f = ident(&a.rust);
                    let ty = self.value_type(a.ty, &m);
                    let ty = if a.required { ty } else { quote!(::core::option::Option<#ty>) };
                    let d = doc(&self.attribute_doc(a));
                    fields.push(quote!(#d pub #f: #ty));
                }
                if c.any_attribute.is_some() {
                    let f = ident(&c.any_attribute_rust);
                    fields.push(quote! {
                        /// Attributes matched by the attribute wildcard (`xs:anyAttribute`), as received.
                        pub #f: ::std::vec::Vec<__rt::AnyAttribute>
                    });
                }
                match &c.content {
                    Content::Empty => {}
                    Content::Simple { ty, rust } => {
                        let f = ident(rust);
                        let vt = self.value_type(*ty, &m);
                        let d = doc(&format!("The element's text, of type {}.", self.xml_label(*ty)));
                        fields.push(quote!(#d pub #f: #vt));
                    }
                    Content::Any { rust } => {
                        let f = ident(rust);
                        fields.push(quote! {
                            /// The content (any elements and text), as received.
                            pub #f: __rt::AnyContent
                        });
                    }
                    Content::Elements(g) => {
                        for mem in &g.members {
                            fields.push(self.member_field(mem, &m, g.compositor));
                        }
                    }
                }
                let default = if self.complex_defaultable(c) { quote!(, Default) } else { quote!() };
                quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq #default)]
                    pub struct #name {
                        #(#fields,)*
                    }
                }
            }
            TypeKind::Sequence(g) => {
                let m = self.module(id);
                let fields: Vec<TokenStream> = g.members.iter().map(|mem| self.member_field(mem, &m, g.compositor)).collect();
                let default = if g.members.iter().all(|m| m.occurs.shape() != Shape::One) { quote!(, Default) } else { quote!() };
                quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq #default)]
                    pub struct #name {
                        #(#fields,)*
                    }
                }
            }
            TypeKind::Polymorphic(p) => {
                let m = self.module(id);
                let variants = p.variants.iter().map(|v| {
                    let vn = ident(&v.rust);
                    let ty = self.type_path(v.ty, &m);
                    let ty = if v.boxed { quote!(::std::boxed::Box<#ty>) } else { ty };
                    let d = if v.methods.is_empty() {
                        doc(&format!("`{}` itself, written without `xsi:type`.", v.name))
                    } else {
                        doc(&format!("`{}`, derived by {}: written with `xsi:type`.", v.name, v.methods.describe()))
                    };
                    quote!(#d #vn(#ty))
                });
                let froms = p.variants.iter().map(|v| {
                    let vn = ident(&v.rust);
                    let ty = self.type_path(v.ty, &m);
                    let value = if v.boxed { quote!(::std::boxed::Box::new(v)) } else { quote!(v) };
                    quote! {
                        impl ::core::convert::From<#ty> for #name {
                            fn from(v: #ty) -> Self { Self::#vn(#value) }
                        }
                    }
                });
                quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq)]
                    pub enum #name {
                        #(#variants,)*
                    }
                    #(#froms)*
                }
            }
            TypeKind::Choice(g) => {
                let m = self.module(id);
                let overlapping: Vec<String> = self
                    .ir
                    .choice_branches(g)
                    .into_iter()
                    .filter(|b| b.len() > 1)
                    .map(|b| b.iter().map(|&i| format!("`{}`", g.members[i].rust.trim_start_matches("r#"))).collect::<Vec<_>>().join(", "))
                    .collect();
                let docs = if overlapping.is_empty() {
                    docs
                } else {
                    let note = doc(&format!(
                        "\nThe schema's choice is not deterministic (XML Schema's Unique Particle Attribution):\n\
                         {} can start with the same element. Decoding tries each from there and keeps the one\n\
                         that reads furthest (the first on a tie).",
                        overlapping.join("; ")
                    ));
                    quote!(#docs #note)
                };
                let variants = g.members.iter().map(|mem| {
                    let vn = ident(&mem.rust);
                    let ty = self.member_type(mem, &m);
                    let d = doc(&self.member_doc(mem));
                    quote!(#d #vn(#ty))
                });
                quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq)]
                    pub enum #name {
                        #(#variants,)*
                    }
                }
            }
        }
    }

    fn complex_defaultable(&self, c: &ComplexDef) -> bool {
        c.attributes.iter().all(|a| !a.required)
            && match &c.content {
                Content::Empty | Content::Any { .. } => true,
                Content::Simple { .. } => false,
                Content::Elements(g) => g.members.iter().all(|m| m.occurs.shape() != Shape::One),
            }
    }

    /// The Rust type of a member (field or variant payload).
    pub(crate) fn member_type(&self, m: &Member, from: &str) -> TokenStream {
        let base = match &m.term {
            MemberTerm::Element(e) => {
                let v = self.value_type(e.ty, from);
                if e.nillable { quote!(__rt::Nillable<#v>) } else { v }
            }
            MemberTerm::Group(g) => self.type_path(*g, from),
            MemberTerm::Any(_) => quote!(__rt::AnyElement),
        };
        let base = if m.boxed { quote!(::std::boxed::Box<#base>) } else { base };
        match m.occurs.shape() {
            Shape::One => base,
            Shape::Optional => quote!(::core::option::Option<#base>),
            Shape::Many => quote!(::std::vec::Vec<#base>),
        }
    }

    fn member_field(&self, m: &Member, from: &str, compositor: Compositor) -> TokenStream {
        let f = ident(&m.rust);
        let mut ty = self.member_type(m, from);
        // In xs:all every member occurs at most once; an optional one is an Option.
        if compositor == Compositor::All && m.occurs.min == 0 && m.occurs.shape() == Shape::One {
            ty = quote!(::core::option::Option<#ty>);
        }
        let d = doc(&self.member_doc(m));
        quote!(#d pub #f: #ty)
    }

    fn occurs_text(o: Occurs) -> String {
        match (o.min, o.max) {
            (1, Some(1)) => "required".to_owned(),
            (0, Some(1)) => "optional".to_owned(),
            (min, Some(max)) => format!("{min} to {max} times"),
            (min, None) => format!("{min} or more times"),
        }
    }

    pub(crate) fn member_doc(&self, m: &Member) -> String {
        let what = match &m.term {
            MemberTerm::Element(e) => {
                let mut s = format!("Element `{}` ({}), {}", qlabel(&e.name), self.xml_label(e.ty), Self::occurs_text(m.occurs));
                if e.nillable {
                    s.push_str(", nillable");
                }
                if let Some(d) = &e.default {
                    s.push_str(&format!(", default `{d}`"));
                }
                if let Some(f) = &e.fixed {
                    s.push_str(&format!(", fixed `{f}`"));
                }
                s.push('.');
                s
            }
            MemberTerm::Group(g) => {
                let kind = match self.ir.types[*g].kind {
                    TypeKind::Choice(_) => "A choice",
                    _ => "A sequence",
                };
                format!("{kind} ({}).", Self::occurs_text(m.occurs))
            }
            MemberTerm::Any(w) => {
                format!("Elements matched by a wildcard ({}), {}, as received.", wildcard_text(w), Self::occurs_text(m.occurs))
            }
        };
        match &m.doc {
            Some(d) => format!("{}\n\n{what}", doc_text(d)),
            None => what,
        }
    }

    fn attribute_doc(&self, a: &Attribute) -> String {
        let mut s =
            format!("Attribute `{}` ({}), {}", qlabel(&a.name), self.xml_label(a.ty), if a.required { "required" } else { "optional" });
        if let Some(d) = &a.default {
            s.push_str(&format!("; absent means `{d}`"));
        }
        if let Some(f) = &a.fixed {
            s.push_str(&format!("; fixed `{f}`"));
        }
        s.push('.');
        match &a.doc {
            Some(d) => format!("{}\n\n{s}", doc_text(d)),
            None => s,
        }
    }

    fn type_doc(&self, id: TypeId) -> String {
        let t = &self.ir.types[id];
        let origin = backtick_qnames(&crate::name::describe(self.ir, id));
        let mut s = match &t.doc {
            Some(d) => format!("{}\n\n", doc_text(d)),
            None => String::new(),
        };
        s.push_str(&capitalize(&origin));
        s.push('.');
        if let TypeKind::Complex(c) = &t.kind {
            if let Some(b) = c.base {
                s.push_str(&format!(" Derived from {} (its members come first).", self.xml_label(b)));
            }
            if c.is_abstract {
                s.push_str(" Abstract in the schema.");
            }
        }
        if let TypeKind::Polymorphic(p) = &t.kind {
            s.push_str(&format!(
                "\n\nThe value of an element declared with type `{}`{}: the declared type or one derived from it, \
                 as its `xsi:type` says.",
                p.name,
                if p.is_abstract { ", which is abstract" } else { "" }
            ));
            if p.variants.is_empty() {
                s.push_str(" The schema set derives no concrete type from it, so no value is valid.");
            }
            for r in &p.refused {
                s.push_str(&format!("\n\n`{}` may not appear here, {}.", r.name, backtick_qnames(&r.reason)));
            }
        }
        s
    }
}

/// Whether a restriction holds its value as `Spelled`: a pattern constrains the lexical form,
/// and the primitive's Rust value does not keep it.
pub(crate) fn spelled(primitive: Builtin, facets: &FacetSet) -> bool {
    !facets.patterns.is_empty() && !primitive.keeps_lexical_form()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Puts backticks around `{ns}local` names in a description.
fn backtick_qnames(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find('}').map_or(tail.len(), |j| {
            let after = &tail[j + 1..];
            j + 1 + after.find(|c: char| c.is_whitespace() || c == '\'' || c == ',').unwrap_or(after.len())
        });
        out.push('`');
        out.push_str(&tail[..end]);
        out.push('`');
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn qlabel(q: &QName) -> String {
    q.to_string()
}

fn wildcard_text(w: &Wildcard) -> String {
    match w {
        Wildcard::Any => "any namespace".to_owned(),
        Wildcard::Other(t) => format!("any namespace but `{t}`"),
        Wildcard::List(l) => format!(
            "namespaces {}",
            l.iter().map(|n| if n.is_empty() { "(none)".to_owned() } else { format!("`{n}`") }).collect::<Vec<_>>().join(", ")
        ),
    }
}
