//! Property-test strategies ([`Options::arbitrary`](crate::Options::arbitrary)): an
//! implementation of `proptest::arbitrary::Arbitrary` for every type and message, under the
//! configured `cfg`, built from the runtime's `arbitrary` helpers.
//!
//! Values are the ones the decoder can produce: facets are honoured (the runtime makes simple
//! values in their lexical space and lets the type parse them), occurrence bounds kept, fixed
//! values used, and a choice's optional or repeated branch holds at least one item (an empty
//! branch writes nothing, which reads back as whichever branch decoding settles on). A member
//! whose type leads back to its owner (the two are in one strongly connected component of the
//! type graph) is generated one `Depth` further down, and left out or kept at its minimum
//! when none is left.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

use super::{Emitter, builtin_codec, ident, lit};
use crate::ir::*;

/// The namespace generated wildcard content is put in, when the wildcard admits it: the
/// runtime's `arbitrary::FOREIGN_NS`.
const FOREIGN_NS: &str = "urn:soapkit:arbitrary";

impl Emitter<'_> {
    fn arbitrary_impl(&self, name: TokenStream, body: TokenStream) -> TokenStream {
        let Some(cfg) = &self.opts.arbitrary else { return TokenStream::new() };
        let cfg: TokenStream = cfg.parse().unwrap_or_else(|_| quote!(any()));
        quote! {
            #[cfg(#cfg)]
            impl __rt::arbitrary::proptest::arbitrary::Arbitrary for #name {
                type Parameters = __rt::arbitrary::Depth;
                type Strategy = __rt::arbitrary::BoxedStrategy<Self>;
                fn arbitrary_with(depth: __rt::arbitrary::Depth) -> Self::Strategy {
                    #body
                }
            }
        }
    }

    /// The `Arbitrary` implementation of type `id` (nothing unless strategies are asked for).
    pub(crate) fn arbitrary_type(&self, id: TypeId) -> TokenStream {
        if self.opts.arbitrary.is_none() {
            return TokenStream::new();
        }
        let t = &self.ir.types[id];
        if !self.inhabited[id] {
            // No value is valid (a polymorphic type with no concrete variant, or a type that
            // requires one): there is nothing to generate.
            return TokenStream::new();
        }
        let m = self.module(id);
        let body = match &t.kind {
            TypeKind::Builtin(_) => return TokenStream::new(),
            TypeKind::Simple(SimpleDef::Restriction { values, .. }) if !values.is_empty() => {
                quote!(__rt::arbitrary::select(Self::VALUES))
            }
            TypeKind::Simple(SimpleDef::Restriction { primitive, facets, .. }) => {
                let codec = builtin_codec(*primitive);
                let facets = self.facets_value(facets);
                quote! {
                    static FACETS: __rt::arbitrary::Facets = #facets;
                    __rt::arbitrary::restricted::<Self, #codec>(&FACETS)
                }
            }
            TypeKind::Simple(SimpleDef::List { item, facets }) => {
                let item_ty = self.value_type(*item, &m);
                let item = self.value_strategy(*item, &m, quote!(depth));
                let facets = self.facets_value(facets);
                quote! {
                    static FACETS: __rt::arbitrary::Facets = #facets;
                    __rt::arbitrary::list::<Self, #item_ty>(#item, &FACETS, Self)
                }
            }
            TypeKind::Simple(SimpleDef::Union { members }) => {
                let branches = members.iter().map(|v| {
                    let vn = ident(&v.rust);
                    let s = self.value_strategy(v.ty, &m, quote!(depth));
                    quote!(__rt::arbitrary::map(#s, Self::#vn))
                });
                quote!(__rt::arbitrary::reparsed::<Self>(::std::vec![#(#branches),*]))
            }
            TypeKind::Complex(c) => self.complex_strategy(id, c, &m),
            TypeKind::Sequence(g) => {
                let fields: Vec<(String, TokenStream)> =
                    g.members.iter().map(|mem| (mem.rust.clone(), self.member_strategy(id, mem, &m, false))).collect();
                construct(&fields)
            }
            TypeKind::Choice(g) => {
                let deeper = quote!(depth.deeper().is_some());
                let all_recursive = g.members.iter().all(|mem| self.recursive_member(id, mem));
                let branches = g.members.iter().filter(|mem| self.member_inhabited(mem)).map(|mem| {
                    let vn = ident(&mem.rust);
                    let s = self.member_strategy(id, mem, &m, true);
                    let s = quote!(__rt::arbitrary::map(#s, Self::#vn));
                    if self.recursive_member(id, mem) && !all_recursive {
                        quote!(if #deeper { ::core::option::Option::Some(#s) } else { ::core::option::Option::None })
                    } else {
                        quote!(::core::option::Option::Some(#s))
                    }
                });
                let one_of = quote!(__rt::arbitrary::one_of([#(#branches),*].into_iter().flatten().collect()));
                // Overlapping branches: the value decoding gives.
                let emptiable = g.members.iter().filter(|mem| self.ir.first_of_term(&mem.term).emptiable).count();
                if self.ir.choice_branches(g).iter().any(|b| b.len() > 1) || emptiable > 1 {
                    quote!(__rt::arbitrary::as_decoded(#one_of, NAMESPACES))
                } else {
                    one_of
                }
            }
            TypeKind::Polymorphic(p) => {
                let branches = p.variants.iter().filter(|v| self.inhabited[v.ty]).map(|v| {
                    let vn = ident(&v.rust);
                    let s = self.value_strategy(v.ty, &m, quote!(depth));
                    let s = if v.boxed { quote!(__rt::arbitrary::map(#s, ::std::boxed::Box::new)) } else { s };
                    quote!(__rt::arbitrary::map(#s, Self::#vn))
                });
                quote!(__rt::arbitrary::one_of(::std::vec![#(#branches),*]))
            }
        };
        self.arbitrary_impl(ident(&t.rust).into_token_stream(), body)
    }

    /// The `Arbitrary` implementation of an operation's message struct `name`.
    pub(crate) fn arbitrary_message(&self, msg: &MessageIr, m: &str) -> TokenStream {
        if self.opts.arbitrary.is_none() {
            return TokenStream::new();
        }
        let parts = msg.body.iter().map(|p| match p.kind {
            PartKind::Element(e) => self.ir.elements[e].ty,
            PartKind::Type(t) => t,
        });
        if !parts.into_iter().all(|t| self.inhabited[t]) {
            return TokenStream::new();
        }
        let mut fields = Vec::new();
        for p in &msg.body {
            let ty = match p.kind {
                PartKind::Element(e) => self.ir.elements[e].ty,
                PartKind::Type(t) => t,
            };
            fields.push((p.rust.clone(), self.value_strategy(ty, m, quote!(depth))));
        }
        for h in &msg.headers {
            let ty = self.ir.elements[h.element].ty;
            let s = if self.inhabited[ty] {
                let s = self.value_strategy(ty, m, quote!(depth));
                quote!(__rt::arbitrary::optional(#s))
            } else {
                quote!(__rt::arbitrary::just(::core::option::Option::None))
            };
            fields.push((h.rust.clone(), s));
        }
        self.arbitrary_impl(ident(&msg.rust).into_token_stream(), construct(&fields))
    }

    fn complex_strategy(&self, id: TypeId, c: &ComplexDef, m: &str) -> TokenStream {
        let mut fields = Vec::new();
        for a in &c.attributes {
            let s = match &a.fixed {
                Some(f) => {
                    let codec = self.codec_type(a.ty, m);
                    let f = lit(f);
                    quote!(__rt::arbitrary::fixed::<#codec>(#f))
                }
                None => self.value_strategy(a.ty, m, quote!(depth)),
            };
            let s = if a.required { s } else { quote!(__rt::arbitrary::optional(#s)) };
            fields.push((a.rust.clone(), s));
        }
        if let Some(w) = &c.any_attribute {
            let ns = lit(wildcard_ns(w));
            fields.push((c.any_attribute_rust.clone(), quote!(__rt::arbitrary::any_attributes(#ns))));
        }
        match &c.content {
            Content::Empty => {}
            Content::Simple { ty, rust } => fields.push((rust.clone(), self.value_strategy(*ty, m, quote!(depth)))),
            Content::Any { rust } => fields.push((rust.clone(), quote!(__rt::arbitrary::mixed_content()))),
            Content::Elements(g) => {
                for mem in &g.members {
                    fields.push((mem.rust.clone(), self.member_strategy(id, mem, m, false)));
                }
            }
        }
        construct(&fields)
    }

    /// Values of a simple or complex type used as a field, `depth` levels left.
    fn value_strategy(&self, ty: TypeId, m: &str, depth: TokenStream) -> TokenStream {
        match &self.ir.types[ty].kind {
            TypeKind::Builtin(Builtin::AnyType) => quote!(__rt::arbitrary::any_content()),
            TypeKind::Builtin(b) => {
                let codec = builtin_codec(*b);
                quote!(__rt::arbitrary::builtin::<#codec>())
            }
            _ => {
                let path = self.type_path(ty, m);
                quote!(__rt::arbitrary::of::<#path>(#depth))
            }
        }
    }

    /// The type a member holds (`None` for a wildcard).
    fn member_target(mem: &Member) -> Option<TypeId> {
        match &mem.term {
            MemberTerm::Element(e) => Some(e.ty),
            MemberTerm::Group(g) => Some(*g),
            MemberTerm::Any(_) => None,
        }
    }

    /// Whether a member's type has values (a wildcard's always has).
    fn member_inhabited(&self, mem: &Member) -> bool {
        Self::member_target(mem).is_none_or(|t| self.inhabited[t])
    }

    /// Whether a member of `owner` leads back to it.
    fn recursive_member(&self, owner: TypeId, mem: &Member) -> bool {
        Self::member_target(mem).is_some_and(|t| self.cyclic.get(t).copied().flatten().is_some_and(|c| Some(c) == self.cyclic[owner]))
    }

    /// Values of a member of `owner` as the field (or, in a choice, the variant payload) holds
    /// them.
    fn member_strategy(&self, owner: TypeId, mem: &Member, m: &str, in_choice: bool) -> TokenStream {
        let recursive = self.recursive_member(owner, mem);
        let base = |depth: TokenStream| -> TokenStream {
            let s = match &mem.term {
                MemberTerm::Element(e) => {
                    let s = match &e.fixed {
                        Some(f) if self.is_simple(e.ty) => {
                            let codec = self.codec_type(e.ty, m);
                            let f = lit(f);
                            quote!(__rt::arbitrary::fixed::<#codec>(#f))
                        }
                        _ => self.value_strategy(e.ty, m, depth),
                    };
                    let bits = super::codec::derivation_bits(e.block);
                    let s = if bits == 0 {
                        s
                    } else {
                        let bits = Literal::u8_unsuffixed(bits);
                        quote!(__rt::arbitrary::unblocked(#s, #bits))
                    };
                    if e.nillable { quote!(__rt::arbitrary::nillable(#s)) } else { s }
                }
                MemberTerm::Group(g) => self.value_strategy(*g, m, depth),
                MemberTerm::Any(w) => {
                    let ns = lit(wildcard_ns(w));
                    quote!(__rt::arbitrary::any_element(#ns))
                }
            };
            if mem.boxed { quote!(__rt::arbitrary::map(#s, ::std::boxed::Box::new)) } else { s }
        };
        let min = mem.occurs.min as usize;
        // In a choice, an empty branch reads back as another one: at least one item.
        let min = if in_choice { min.max(1) } else { min };
        let max = match mem.occurs.max {
            Some(x) => {
                let x = Literal::usize_unsuffixed(x as usize);
                quote!(::core::option::Option::Some(#x))
            }
            None => quote!(::core::option::Option::None),
        };
        let min_lit = Literal::usize_unsuffixed(min);
        if !self.member_inhabited(mem) {
            // Only the absent or empty value is valid (the owner is uninhabited otherwise, and
            // has no strategy).
            return match mem.occurs.shape() {
                Shape::Many => quote!(__rt::arbitrary::just(::std::vec::Vec::new())),
                _ => quote!(__rt::arbitrary::just(::core::option::Option::None)),
            };
        }
        match (mem.occurs.shape(), recursive) {
            (Shape::One, false) => base(quote!(depth)),
            (Shape::One, true) => base(quote!(depth.below())),
            (Shape::Optional, false) if in_choice => {
                let s = base(quote!(depth));
                quote!(__rt::arbitrary::map(#s, ::core::option::Option::Some))
            }
            (Shape::Optional, false) => {
                let s = base(quote!(depth));
                quote!(__rt::arbitrary::optional(#s))
            }
            (Shape::Optional, true) => {
                let s = base(quote!(d));
                let s = if in_choice {
                    quote!(__rt::arbitrary::map(#s, ::core::option::Option::Some))
                } else {
                    quote!(__rt::arbitrary::optional(#s))
                };
                quote! {
                    match depth.deeper() {
                        ::core::option::Option::Some(d) => #s,
                        ::core::option::Option::None => __rt::arbitrary::just(::core::option::Option::None),
                    }
                }
            }
            (Shape::Many, false) => {
                let s = base(quote!(depth));
                quote!(__rt::arbitrary::many(#s, #min_lit, #max))
            }
            (Shape::Many, true) => {
                let s = base(quote!(d));
                let at_min = if min == 0 {
                    quote!(__rt::arbitrary::just(::std::vec::Vec::new()))
                } else {
                    let s0 = base(quote!(__rt::arbitrary::Depth(0)));
                    quote!(__rt::arbitrary::many(#s0, #min_lit, ::core::option::Option::Some(#min_lit)))
                };
                quote! {
                    match depth.deeper() {
                        ::core::option::Option::Some(d) => __rt::arbitrary::many(#s, #min_lit, #max),
                        ::core::option::Option::None => #at_min,
                    }
                }
            }
        }
    }

    /// The runtime's `Facets` for a facet set.
    fn facets_value(&self, f: &FacetSet) -> TokenStream {
        let mut set = Vec::new();
        if !f.patterns.is_empty() {
            let groups = f.patterns.iter().map(|g| {
                let ps = g.iter().map(|p| lit(&crate::xsd_regex::translate(p).unwrap_or_else(|_| "^$".to_owned())));
                quote!(&[#(#ps),*])
            });
            set.push(quote!(patterns: &[#(#groups),*]));
        }
        for (name, v) in [("length", f.length), ("min_length", f.min_length), ("max_length", f.max_length)] {
            if let Some(v) = v {
                let n = format_ident!("{name}");
                let v = Literal::u64_unsuffixed(v);
                set.push(quote!(#n: ::core::option::Option::Some(#v)));
            }
        }
        for (name, v) in [
            ("min_inclusive", &f.min_inclusive),
            ("max_inclusive", &f.max_inclusive),
            ("min_exclusive", &f.min_exclusive),
            ("max_exclusive", &f.max_exclusive),
        ] {
            if let Some(v) = v {
                let n = format_ident!("{name}");
                let v = lit(v);
                set.push(quote!(#n: ::core::option::Option::Some(#v)));
            }
        }
        for (name, v) in [("total_digits", f.total_digits), ("fraction_digits", f.fraction_digits)] {
            if let Some(v) = v {
                let n = format_ident!("{name}");
                let v = Literal::u32_unsuffixed(v);
                set.push(quote!(#n: ::core::option::Option::Some(#v)));
            }
        }
        quote!(__rt::arbitrary::Facets { #(#set,)* ..__rt::arbitrary::Facets::NONE })
    }
}

/// The namespace generated content of wildcard `w` goes in.
fn wildcard_ns(w: &Wildcard) -> &str {
    match w {
        Wildcard::Any | Wildcard::Other(_) => FOREIGN_NS,
        Wildcard::List(l) => l.iter().find(|n| !n.is_empty()).or(l.first()).map_or("", String::as_str),
    }
}

/// `Self { .. }` from one strategy per field: a tuple of them (nested in tuples of ten, the
/// largest proptest implements `Strategy` for), mapped to the struct.
fn construct(fields: &[(String, TokenStream)]) -> TokenStream {
    if fields.is_empty() {
        return quote!(__rt::arbitrary::just(Self {}));
    }
    let names: Vec<proc_macro2::Ident> = (0..fields.len()).map(|i| format_ident!("v{i}")).collect();
    let strategies: Vec<TokenStream> = fields.iter().map(|(_, s)| s.clone()).collect();
    let pattern = nest(&names.iter().map(|n| quote!(#n)).collect::<Vec<_>>());
    let tuple = nest(&strategies);
    let inits = fields.iter().zip(&names).map(|((f, _), v)| {
        let f = ident(f);
        quote!(#f: #v)
    });
    quote!(__rt::arbitrary::map(#tuple, |#pattern| Self { #(#inits,)* }))
}

/// Items as a tuple, nested so that no tuple has more than ten elements.
fn nest(items: &[TokenStream]) -> TokenStream {
    if items.len() == 1 {
        let one = &items[0];
        return quote!((#one,));
    }
    if items.len() <= 10 {
        return quote!((#(#items),*));
    }
    let parts: Vec<TokenStream> = items.chunks(10).map(nest).collect();
    nest(&parts)
}

/// For each type, whether it has any value: the least fixed point of "every member that must
/// occur has a type with values" (a choice: some branch; a polymorphic type: some variant).
pub(crate) fn inhabited_types(ir: &Ir) -> Vec<bool> {
    let n = ir.types.len();
    let mut inhabited: Vec<bool> = ir.types.iter().map(|t| matches!(t.kind, TypeKind::Builtin(_) | TypeKind::Simple(_))).collect();
    let required = |inh: &[bool], m: &Member| m.occurs.min == 0 || Emitter::member_target(m).is_none_or(|t| inh[t]);
    let branch = |inh: &[bool], m: &Member| Emitter::member_target(m).is_none_or(|t| inh[t]);
    loop {
        let mut changed = false;
        for t in 0..n {
            if inhabited[t] {
                continue;
            }
            let now = match &ir.types[t].kind {
                TypeKind::Builtin(_) | TypeKind::Simple(_) => true,
                TypeKind::Complex(c) => match &c.content {
                    Content::Elements(g) => g.members.iter().all(|m| required(&inhabited, m)),
                    _ => true,
                },
                TypeKind::Sequence(g) => g.members.iter().all(|m| required(&inhabited, m)),
                TypeKind::Choice(g) => g.members.iter().any(|m| branch(&inhabited, m)),
                TypeKind::Polymorphic(p) => p.variants.iter().any(|v| inhabited[v.ty]),
            };
            if now {
                inhabited[t] = true;
                changed = true;
            }
        }
        if !changed {
            return inhabited;
        }
    }
}

/// For each type, the strongly connected component of the type graph (an edge from a type to
/// each type a member, variant or part holds, repetition included) that it is in, if that
/// component has a cycle.
pub(crate) fn cyclic_components(ir: &Ir) -> Vec<Option<usize>> {
    let n = ir.types.len();
    let edges = |t: TypeId| -> Vec<TypeId> {
        match &ir.types[t].kind {
            TypeKind::Complex(ComplexDef { content: Content::Elements(g), .. }) | TypeKind::Sequence(g) | TypeKind::Choice(g) => {
                g.members.iter().filter_map(Emitter::member_target).collect()
            }
            TypeKind::Polymorphic(p) => p.variants.iter().map(|v| v.ty).collect(),
            _ => Vec::new(),
        }
    };
    // Tarjan's algorithm, iteratively.
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![None; n];
    let mut next = 0;
    let mut comps = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(TypeId, Vec<TypeId>, usize)> = vec![(root, edges(root), 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some((v, out, i)) = work.last_mut() {
            let v = *v;
            if let Some(&w) = out.get(*i) {
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, edges(w), 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some((parent, _, _)) = work.last() {
                low[*parent] = low[*parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                let cyclic = members.len() > 1 || edges(v).contains(&v);
                if cyclic {
                    for w in members {
                        comp[w] = Some(comps);
                    }
                    comps += 1;
                }
            }
        }
    }
    comp
}
