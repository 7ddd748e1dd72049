//! Codec impls: `SimpleType` for simple types, `ComplexType` for complex types, `Group` for
//! choices and nested sequences. Decoding is a single forward pass over sibling elements with
//! one element of look-ahead (`cur`), using each member's FIRST set.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Emitter, builtin_codec, builtin_value, fmt_escape, ident, lit};
use crate::ir::*;
use crate::syntax::WhiteSpace;

impl Emitter<'_> {
    /// The codec impls of type `id`.
    pub(crate) fn codec_items(&self, id: TypeId) -> TokenStream {
        let t = &self.ir.types[id];
        let name = ident(&t.rust);
        match &t.kind {
            TypeKind::Builtin(_) => TokenStream::new(),
            TypeKind::Simple(SimpleDef::Restriction { values, primitive, facets, .. }) if !values.is_empty() => {
                self.enum_codec(id, values, *primitive, facets)
            }
            TypeKind::Simple(SimpleDef::Restriction { primitive, facets, .. }) => self.restriction_codec(id, *primitive, facets),
            TypeKind::Simple(SimpleDef::List { item, facets }) => self.list_codec(id, *item, facets),
            TypeKind::Simple(SimpleDef::Union { members }) => self.union_codec(id, members),
            TypeKind::Complex(c) => self.complex_codec(id, c),
            TypeKind::Sequence(g) => {
                let m = self.module(id);
                let first = self.first_check(&self.ir.first_of_group(g));
                let emptiable = self.ir.first_of_group(g).emptiable;
                let (decls, fields) = self.decode_members(g, &m, true);
                let enc = self.encode_members(g, &m, quote!(self));
                quote! {
                    impl __rt::Group for #name {
                        const EMPTIABLE: bool = #emptiable;
                        fn starts_with(c: &__rt::Start<'_>) -> bool { #first }
                        fn decode_group<'a>(
                            r: &mut __rt::Reader<'a>,
                            start: &__rt::Start<'a>,
                            cur_ref: &mut ::core::option::Option<__rt::Start<'a>>,
                        ) -> ::core::result::Result<Self, __rt::DecodeError> {
                            let mut cur = *cur_ref;
                            #decls
                            *cur_ref = cur;
                            ::core::result::Result::Ok(Self { #(#fields,)* })
                        }
                        fn encode_group(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                            #enc
                            ::core::result::Result::Ok(())
                        }
                    }
                }
            }
            TypeKind::Choice(g) => self.choice_codec(id, g),
            TypeKind::Polymorphic(p) => self.polymorphic_codec(id, p),
        }
    }

    // ----- type substitution ----------------------------------------------------------------

    /// The `(uri, local, why)` table of refused `xsi:type`s.
    fn refusal_table(&self, refused: &[Refusal]) -> TokenStream {
        let rows = refused.iter().map(|r| {
            let u = lit(&r.name.ns);
            let l = lit(&r.name.local);
            let why = lit(&r.reason);
            quote!((#u, #l, #why))
        });
        quote!(&[#(#rows),*])
    }

    /// `ComplexType` for the enum of a declared type and the types derived from it: decoding
    /// picks the variant `xsi:type` names, encoding writes `xsi:type` for every variant but the
    /// declared type.
    fn polymorphic_codec(&self, id: TypeId, p: &Polymorphic) -> TokenStream {
        let name = ident(&self.ir.types[id].rust);
        let m = self.module(id);
        let declared = lit(&p.name.to_string());
        let (uri, local) = (self.ns_uri(&p.name.ns), lit(&p.name.local));
        let mut refused = p.refused.clone();
        if p.is_abstract {
            refused.insert(0, Refusal { name: p.name.clone(), reason: "which is abstract".to_owned() });
        }
        let table = self.refusal_table(&refused);
        let mut arms = TokenStream::new();
        let mut blocked_arms = TokenStream::new();
        let mut attr_arms = TokenStream::new();
        let mut content_arms = TokenStream::new();
        for v in &p.variants {
            let vn = ident(&v.rust);
            let ty = self.type_path(v.ty, &m);
            let wrap = if v.boxed { quote!(|v| Self::#vn(::std::boxed::Box::new(v))) } else { quote!(Self::#vn) };
            let decode = quote!(<#ty as __rt::ComplexType>::decode_xml(r, start).map(#wrap));
            let ns = self.ns_id(&v.name.ns);
            let l = lit(&v.name.local);
            let inner = if v.boxed { quote!(&**v) } else { quote!(v) };
            if v.methods.is_empty() {
                arms.extend(quote! {
                    if t.is(#ns, #l) {
                        return #decode;
                    }
                });
                attr_arms.extend(quote!(Self::#vn(v) => <#ty as __rt::ComplexType>::encode_attributes(#inner, w),));
            } else {
                let bits = Literal::u8_unsuffixed(derivation_bits(v.methods));
                let vu = self.ns_uri(&v.name.ns);
                let vname = lit(&v.name.to_string());
                arms.extend(quote! {
                    if t.is(#ns, #l) {
                        __rt::xsi_blocked(r, start, &t, blocked, __rt::Derivations::from_bits(#bits))?;
                        return #decode;
                    }
                });
                blocked_arms.extend(quote! {
                    Self::#vn(_) => __rt::check_blocked_encode(element, #vname, blocked, __rt::Derivations::from_bits(#bits)),
                });
                attr_arms.extend(quote! {
                    Self::#vn(v) => {
                        __rt::write_xsi_type(w, #vu, #l, ::core::option::Option::None)?;
                        <#ty as __rt::ComplexType>::encode_attributes(#inner, w)
                    }
                });
            }
            content_arms.extend(quote!(Self::#vn(v) => <#ty as __rt::ComplexType>::encode_content(#inner, w),));
        }
        let untyped = match p.variants.first() {
            Some(v) if v.methods.is_empty() => {
                let vn = ident(&v.rust);
                let ty = self.type_path(v.ty, &m);
                let wrap = if v.boxed { quote!(|v| Self::#vn(::std::boxed::Box::new(v))) } else { quote!(Self::#vn) };
                quote!(<#ty as __rt::ComplexType>::decode_xml(r, start).map(#wrap))
            }
            _ => {
                let mut names: Vec<String> = p.variants.iter().take(8).map(|v| v.name.to_string()).collect();
                if p.variants.len() > 8 {
                    names.push(format!("and {} more", p.variants.len() - 8));
                }
                let candidates = lit(&names.join(", "));
                quote!(::core::result::Result::Err(__rt::abstract_type(r, start, #declared, #candidates)))
            }
        };
        // An abstract type the schema set derives nothing concrete from: an uninhabited enum.
        let (attr_match, content_match) = if p.variants.is_empty() {
            (quote!(match *self {}), quote!(match *self {}))
        } else {
            (quote!(match self { #attr_arms }), quote!(match self { #content_arms }))
        };
        // Only where an element blocks some variant does encoding check the value against it.
        let check_blocked = if p.blocked_somewhere {
            quote! {
                fn check_blocked(&self, element: &str, blocked: __rt::Derivations) -> ::core::result::Result<(), __rt::EncodeError> {
                    match self {
                        #blocked_arms
                        #[allow(unreachable_patterns)]
                        _ => ::core::result::Result::Ok(()),
                    }
                }
            }
        } else {
            TokenStream::new()
        };
        quote! {
            impl __rt::ComplexType for #name {
                const TYPE_NAME: __rt::TypeName = ::core::option::Option::Some((#uri, #local));
                fn decode_xml<'a>(r: &mut __rt::Reader<'a>, start: &__rt::Start<'a>) -> ::core::result::Result<Self, __rt::DecodeError> {
                    <Self as __rt::ComplexType>::decode_blocked(r, start, __rt::Derivations::NONE)
                }
                fn decode_blocked<'a>(
                    r: &mut __rt::Reader<'a>,
                    start: &__rt::Start<'a>,
                    blocked: __rt::Derivations,
                ) -> ::core::result::Result<Self, __rt::DecodeError> {
                    let ::core::option::Option::Some(t) = __rt::xsi_type(r, start)? else {
                        return #untyped;
                    };
                    #arms
                    ::core::result::Result::Err(__rt::not_derived(r, start, &t, #declared, #table))
                }
                #check_blocked
                fn encode_attributes(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    #attr_match
                }
                fn encode_content(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    #content_match
                }
            }
        }
    }

    // ----- simple types ---------------------------------------------------------------------

    fn whitespace(&self, primitive: Builtin, facets: &FacetSet) -> TokenStream {
        let ws = facets.white_space.unwrap_or(primitive.white_space());
        if !primitive.is_string_like() || ws == primitive.white_space() {
            return quote!(let text: &str = text;);
        }
        match ws {
            WhiteSpace::Preserve => quote!(let text: &str = text;),
            WhiteSpace::Replace => quote!(let text = __rt::replace(text); let text: &str = &text;),
            WhiteSpace::Collapse => quote!(let text = __rt::collapse(text); let text: &str = &text;),
        }
    }

    fn enum_codec(&self, id: TypeId, values: &[EnumValue], primitive: Builtin, facets: &FacetSet) -> TokenStream {
        let name = ident(&self.ir.types[id].rust);
        let type_name = self.type_name_const(id);
        let described = lit(&crate::name::describe(self.ir, id));
        let parse = if primitive.is_string_like() {
            let ws = facets.white_space.unwrap_or(primitive.white_space());
            let norm = match ws {
                WhiteSpace::Preserve => quote!(let t: &str = text;),
                WhiteSpace::Replace => quote!(let t = __rt::replace(text); let t: &str = &t;),
                WhiteSpace::Collapse => quote!(let t = __rt::collapse(text); let t: &str = &t;),
            };
            quote! {
                #norm
                __rt::parse_enumeration(t, Self::WIRE, Self::VALUES, #described)
            }
        } else {
            let codec = builtin_codec(primitive);
            let checks = values.iter().map(|v| {
                let vn = ident(&v.rust);
                let l = lit(&v.value);
                quote! {
                    if <#codec as __rt::Codec>::parse(#l, r).is_ok_and(|lit| lit == v) {
                        return ::core::result::Result::Ok(Self::#vn);
                    }
                }
            });
            quote! {
                let v = <#codec as __rt::Codec>::parse(text, r)?;
                #(#checks)*
                ::core::result::Result::Err(__rt::not_enumerated(text.trim(), Self::WIRE, #described))
            }
        };
        // Spellings that XML never escapes are copied into the output without looking.
        let plain = values.iter().all(|v| !v.value.contains(['&', '<', '>', '"', '\t', '\n', '\r']));
        let plain = plain.then(|| {
            quote!(
                const PLAIN: bool = true;
            )
        });
        quote! {
            impl __rt::SimpleType for #name {
                #type_name
                #plain
                fn parse_text(text: &str, r: &__rt::Reader<'_>) -> ::core::result::Result<Self, __rt::ValueError> {
                    #parse
                }
                fn write_text(&self, buf: &mut ::std::string::String, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    buf.push_str(self.as_str());
                    ::core::result::Result::Ok(())
                }
            }
            impl ::core::str::FromStr for #name {
                type Err = __rt::ValueError;
                fn from_str(s: &str) -> ::core::result::Result<Self, __rt::ValueError> {
                    <Self as __rt::SimpleType>::parse_text(s, &__rt::Reader::new("", __rt::NsTable::STANDARD))
                }
            }
        }
    }

    /// Checks of value facets (length, ranges, digits) on `v`, returning `ValueError`s.
    fn value_checks(&self, label: &str, primitive: Builtin, facets: &FacetSet, v: TokenStream, is_list: bool) -> TokenStream {
        let mut out = TokenStream::new();
        let len = if is_list {
            Some(quote!(#v.len() as u64))
        } else if primitive.is_string_like() {
            Some(quote!(__rt::char_len(#v)))
        } else if matches!(primitive, Builtin::Base64Binary | Builtin::HexBinary) {
            Some(quote!(#v.len() as u64))
        } else {
            None
        };
        if let Some(len) = len {
            for (facet, bound, cmp) in [
                ("length", facets.length, quote!(!=)),
                ("minLength", facets.min_length, quote!(<)),
                ("maxLength", facets.max_length, quote!(>)),
            ] {
                if let Some(b) = bound {
                    let msg = lit(&format!("value of {label} has length {{}}, which breaks {facet}={b}"));
                    let b = Literal::u64_unsuffixed(b);
                    out.extend(quote! {
                        let n = #len;
                        if n #cmp #b {
                            return ::core::result::Result::Err(__rt::ValueError::new(::std::format!(#msg, n)));
                        }
                    });
                }
            }
        }
        if !is_list {
            let codec = builtin_codec(primitive);
            for (facet, bound, cmp) in [
                ("minInclusive", &facets.min_inclusive, quote!(<)),
                ("maxInclusive", &facets.max_inclusive, quote!(>)),
                ("minExclusive", &facets.min_exclusive, quote!(<=)),
                ("maxExclusive", &facets.max_exclusive, quote!(>=)),
            ] {
                if let Some(b) = bound {
                    let l = lit(b);
                    let msg = lit(&format!("value of {label} breaks {facet}={b}"));
                    // An incomparable pair (e.g. dates with and without time zone) is
                    // rejected as well.
                    let ok = match cmp.to_string().as_str() {
                        "<" => quote!(#v >= &bound),
                        ">" => quote!(#v <= &bound),
                        "<=" => quote!(#v > &bound),
                        _ => quote!(#v < &bound),
                    };
                    out.extend(quote! {
                        if let ::core::result::Result::Ok(bound) = <#codec as __rt::Codec>::parse(#l, &__rt::Reader::new("", __rt::NsTable::STANDARD)) {
                            if !(#ok) {
                                return ::core::result::Result::Err(__rt::ValueError::new(#msg));
                            }
                        }
                    });
                }
            }
            let digits = match primitive {
                Builtin::Decimal
                | Builtin::Integer
                | Builtin::NonNegativeInteger
                | Builtin::PositiveInteger
                | Builtin::NonPositiveInteger
                | Builtin::NegativeInteger => Some(quote!((#v.total_digits() as u64))),
                Builtin::Long | Builtin::Int | Builtin::Short | Builtin::Byte => Some(quote!((#v.unsigned_abs().to_string().len() as u64))),
                Builtin::UnsignedLong | Builtin::UnsignedInt | Builtin::UnsignedShort | Builtin::UnsignedByte => {
                    Some(quote!((#v.to_string().len() as u64)))
                }
                _ => None,
            };
            if let (Some(d), Some(total)) = (&digits, facets.total_digits) {
                let msg = lit(&format!("value of {label} has more than {total} digits"));
                let total = Literal::u64_unsuffixed(u64::from(total));
                out.extend(quote! {
                    if #d > #total {
                        return ::core::result::Result::Err(__rt::ValueError::new(#msg));
                    }
                });
            }
            if let (Builtin::Decimal, Some(frac)) = (primitive, facets.fraction_digits) {
                let msg = lit(&format!("value of {label} has more than {frac} fraction digits"));
                let frac = Literal::u64_unsuffixed(u64::from(frac));
                out.extend(quote! {
                    if (#v.fraction_digits() as u64) > #frac {
                        return ::core::result::Result::Err(__rt::ValueError::new(#msg));
                    }
                });
            }
        }
        out
    }

    /// Pattern checks on the lexical form `text`.
    fn pattern_checks(&self, id: TypeId, label: &str, facets: &FacetSet) -> (TokenStream, TokenStream) {
        let mut statics = TokenStream::new();
        let mut checks = TokenStream::new();
        for (gi, group) in facets.patterns.iter().enumerate() {
            let mut alternatives = Vec::new();
            for (pi, p) in group.iter().enumerate() {
                let translated = crate::xsd_regex::translate(p).unwrap_or_else(|_| "^$".to_owned());
                let sname = format_ident!("PATTERN_{}_{}_{}", self.ir.types[id].rust.trim_start_matches("r#").to_uppercase(), gi, pi);
                let l = lit(&translated);
                statics.extend(quote! {
                    static #sname: __rt::LazyLock<__rt::Regex> =
                        __rt::LazyLock::new(|| __rt::Regex::new(#l).expect("pattern checked by soapkit-codegen"));
                });
                alternatives.push(quote!(#sname.is_match(text)));
            }
            let shown = fmt_escape(&group.join("' or '"));
            let msg = lit(&format!("'{{}}' is not a valid {label}: it does not match the pattern '{shown}'"));
            checks.extend(quote! {
                if !(#(#alternatives)||*) {
                    return ::core::result::Result::Err(__rt::ValueError::new(::std::format!(#msg, text)));
                }
            });
        }
        (statics, checks)
    }

    fn restriction_codec(&self, id: TypeId, primitive: Builtin, facets: &FacetSet) -> TokenStream {
        let name = ident(&self.ir.types[id].rust);
        let type_name = self.type_name_const(id);
        let label = fmt_escape(&crate::name::describe(self.ir, id));
        let codec = builtin_codec(primitive);
        // What is written is the base type's lexical form (or a spelling received in it): it
        // needs no escaping if the base type's never does (never so for the string types).
        let plain = (!primitive.is_string_like()).then(|| quote!(const PLAIN: bool = <#codec as __rt::Codec>::PLAIN;));
        let value = builtin_value(primitive);
        let ws = self.whitespace(primitive, facets);
        let checks = self.value_checks(&label, primitive, facets, quote!(v), false);
        let (statics, pattern) = self.pattern_checks(id, &label, facets);
        let (read, value_ref, write) = if super::types::spelled(primitive, facets) {
            (
                quote! {
                    let lexical = __rt::collapse(text);
                    Self::check_lexical(&lexical)?;
                    ::core::result::Result::Ok(Self(__rt::xsd::Spelled::read(v, &lexical)))
                },
                quote!(self.0.value()),
                quote! {
                    match self.0.spelling() {
                        ::core::option::Option::Some(s) => buf.push_str(s),
                        ::core::option::Option::None => <#codec as __rt::Codec>::write(self.0.value(), buf, w)?,
                    }
                },
            )
        } else {
            // Patterns apply to the value after its whitespace processing (for xs:string,
            // none: a TAB is part of the value and must match).
            let normalized = match facets.white_space.unwrap_or(primitive.white_space()) {
                WhiteSpace::Preserve => quote!(text),
                WhiteSpace::Replace => quote!(__rt::replace(text).as_ref()),
                WhiteSpace::Collapse => quote!(__rt::collapse(text).as_ref()),
            };
            (
                quote! {
                    Self::check_lexical(#normalized)?;
                    ::core::result::Result::Ok(Self(v))
                },
                quote!(&self.0),
                quote!(<#codec as __rt::Codec>::write(&self.0, buf, w)?;),
            )
        };
        quote! {
            impl #name {
                /// Checks the facets of the type on a value.
                pub fn check(v: &#value) -> ::core::result::Result<(), __rt::ValueError> {
                    #checks
                    ::core::result::Result::Ok(())
                }
                /// Checks the pattern facets on a lexical form.
                pub fn check_lexical(text: &str) -> ::core::result::Result<(), __rt::ValueError> {
                    #statics
                    #pattern
                    ::core::result::Result::Ok(())
                }
            }
            impl __rt::SimpleType for #name {
                #type_name
                #plain
                fn parse_text(text: &str, r: &__rt::Reader<'_>) -> ::core::result::Result<Self, __rt::ValueError> {
                    #ws
                    let v = <#codec as __rt::Codec>::parse(text, r)?;
                    Self::check(&v)?;
                    #read
                }
                fn write_text(&self, buf: &mut ::std::string::String, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    Self::check(#value_ref).map_err(|e| __rt::EncodeError::new(e.to_string()))?;
                    let at = buf.len();
                    #write
                    Self::check_lexical(&buf[at..]).map_err(|e| __rt::EncodeError::new(e.to_string()))
                }
            }
        }
    }

    fn list_codec(&self, id: TypeId, item: TypeId, facets: &FacetSet) -> TokenStream {
        let name = ident(&self.ir.types[id].rust);
        let type_name = self.type_name_const(id);
        let m = self.module(id);
        let label = fmt_escape(&crate::name::describe(self.ir, id));
        let codec = self.codec_type(item, &m);
        let checks = self.value_checks(&label, Builtin::String, facets, quote!(v), true);
        let (statics, pattern) = self.pattern_checks(id, &label, facets);
        quote! {
            impl #name {
                fn check(v: &[<#codec as __rt::Codec>::Value]) -> ::core::result::Result<(), __rt::ValueError> {
                    #checks
                    ::core::result::Result::Ok(())
                }
                fn check_lexical(text: &str) -> ::core::result::Result<(), __rt::ValueError> {
                    #statics
                    #pattern
                    ::core::result::Result::Ok(())
                }
            }
            impl __rt::SimpleType for #name {
                #type_name
                fn parse_text(text: &str, r: &__rt::Reader<'_>) -> ::core::result::Result<Self, __rt::ValueError> {
                    let v = __rt::parse_list::<#codec>(text, r)?;
                    Self::check(&v)?;
                    Self::check_lexical(__rt::collapse(text).as_ref())?;
                    ::core::result::Result::Ok(Self(v))
                }
                fn write_text(&self, buf: &mut ::std::string::String, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    Self::check(&self.0).map_err(|e| __rt::EncodeError::new(e.to_string()))?;
                    let at = buf.len();
                    __rt::write_list::<#codec>(&self.0, buf, w)?;
                    Self::check_lexical(&buf[at..]).map_err(|e| __rt::EncodeError::new(e.to_string()))
                }
            }
        }
    }

    fn union_codec(&self, id: TypeId, members: &[Variant]) -> TokenStream {
        let name = ident(&self.ir.types[id].rust);
        let type_name = self.type_name_const(id);
        let m = self.module(id);
        let label = fmt_escape(&crate::name::describe(self.ir, id));
        let tries = members.iter().map(|v| {
            let vn = ident(&v.rust);
            let c = self.codec_type(v.ty, &m);
            quote! {
                if let ::core::result::Result::Ok(v) = <#c as __rt::Codec>::parse(text, r) {
                    return ::core::result::Result::Ok(Self::#vn(v));
                }
            }
        });
        let writes = members.iter().map(|v| {
            let vn = ident(&v.rust);
            let c = self.codec_type(v.ty, &m);
            quote!(Self::#vn(v) => <#c as __rt::Codec>::write(v, buf, w))
        });
        let msg = lit(&format!("'{{}}' is not a valid value of any member type of {label}"));
        quote! {
            impl __rt::SimpleType for #name {
                #type_name
                fn parse_text(text: &str, r: &__rt::Reader<'_>) -> ::core::result::Result<Self, __rt::ValueError> {
                    #(#tries)*
                    ::core::result::Result::Err(__rt::ValueError::new(::std::format!(#msg, text.trim())))
                }
                fn write_text(&self, buf: &mut ::std::string::String, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    match self { #(#writes,)* }
                }
            }
        }
    }

    // ----- complex types --------------------------------------------------------------------

    /// The attribute loop: declared attributes, the attribute wildcard, then the rest.
    fn decode_attributes(&self, id: TypeId, c: &ComplexDef, m: &str) -> (TokenStream, TokenStream) {
        let mut decls = TokenStream::new();
        let mut arms = TokenStream::new();
        let mut finish = TokenStream::new();
        for a in &c.attributes {
            let f = local(&a.rust);
            let ns = self.ns_id(&a.name.ns);
            let local = lit(&a.name.local);
            let codec = self.codec_type(a.ty, m);
            decls.extend(quote!(let mut #f = ::core::option::Option::None;));
            let fixed = a.fixed.as_ref().map(|fx| {
                let fl = lit(fx);
                quote!(__rt::check_fixed_attr::<#codec>(r, start, &attr, &v, #fl)?;)
            });
            arms.extend(quote! {
                if attr.is(#ns, #local) {
                    let v = __rt::parse_attr::<#codec>(r, start, &attr)?;
                    #fixed
                    #f = ::core::option::Option::Some(v);
                    continue;
                }
            });
            if a.required {
                finish.extend(quote!(let #f = __rt::required_attribute(r, start, #f, #ns, #local)?;));
            }
        }
        if let Some(w) = &c.any_attribute {
            let f = local(&c.any_attribute_rust);
            decls.extend(quote!(let mut #f = ::std::vec::Vec::new();));
            // xsi attributes are the schema instance's, never content.
            let allow = match self.wildcard_check(w, &quote!(attr.ns)) {
                None => quote!(attr.ns != __rt::NsId::XSI),
                Some(check) => quote!(attr.ns != __rt::NsId::XSI && #check),
            };
            arms.extend(quote! {
                if #allow {
                    #f.push(__rt::AnyAttribute::capture(r, attr));
                    continue;
                }
            });
        }
        if !c.refused.is_empty()
            && let Origin::Named(q) = &self.ir.types[id].origin
        {
            // Derived types exist but none may substitute here: say why.
            let (u, l) = (lit(&q.ns), lit(&q.local));
            let declared = lit(&q.to_string());
            let table = self.refusal_table(&c.refused);
            arms.extend(quote! {
                if attr.is(__rt::NsId::XSI, "type") && !__rt::is_xsi_type_of(r, &attr, #u, #l) {
                    let t = __rt::parse_xsi_type(r, start, &attr)?;
                    return ::core::result::Result::Err(__rt::not_derived(r, start, &t, #declared, #table));
                }
            });
        }
        // The rest are judged against the type's own name (for `xsi:type`), its TYPE_NAME.
        let lp = if arms.is_empty() {
            quote!(__rt::no_attributes_of::<Self>(r, start)?;)
        } else {
            quote! {
                #decls
                for attr in r.attributes(start) {
                    let attr = attr?;
                    #arms
                    __rt::other_attribute_of::<Self>(r, start, &attr)?;
                }
                #finish
            }
        };
        (lp, TokenStream::new())
    }

    fn encode_attributes(&self, c: &ComplexDef, m: &str) -> TokenStream {
        let mut out = TokenStream::new();
        for a in &c.attributes {
            let f = ident(&a.rust);
            let uri = self.ns_uri(&a.name.ns);
            let local = lit(&a.name.local);
            let codec = self.codec_type(a.ty, m);
            if a.required {
                out.extend(quote!(__rt::encode_attr::<#codec>(w, #uri, #local, &self.#f)?;));
            } else {
                out.extend(quote! {
                    if let ::core::option::Option::Some(v) = &self.#f {
                        __rt::encode_attr::<#codec>(w, #uri, #local, v)?;
                    }
                });
            }
        }
        if c.any_attribute.is_some() {
            let f = ident(&c.any_attribute_rust);
            out.extend(quote! {
                for a in &self.#f {
                    a.encode(w)?;
                }
            });
        }
        out
    }

    fn complex_codec(&self, id: TypeId, c: &ComplexDef) -> TokenStream {
        let name = ident(&self.ir.types[id].rust);
        let m = self.module(id);
        let (attrs, _) = self.decode_attributes(id, c, &m);
        let mut fields: Vec<TokenStream> = c.attributes.iter().map(|a| field_init(&a.rust)).collect();
        if c.any_attribute.is_some() {
            fields.push(field_init(&c.any_attribute_rust));
        }
        let (content_decode, content_encode) = match &c.content {
            Content::Empty => (quote!(__rt::empty_content(r, start)?;), TokenStream::new()),
            Content::Simple { ty, rust } => {
                let f = local(rust);
                let field = ident(rust);
                fields.push(field_init(rust));
                let codec = self.codec_type(*ty, &m);
                (
                    quote!(let #f = __rt::read_simple_content::<#codec>(r, start)?;),
                    quote!(__rt::write_simple_content::<#codec>(w, &self.#field)?;),
                )
            }
            Content::Any { rust } => {
                let f = local(rust);
                let field = ident(rust);
                fields.push(field_init(rust));
                (
                    quote!(let #f = __rt::AnyContent::decode_children(r, start)?;),
                    quote!(__rt::ComplexType::encode_content(&self.#field, w)?;),
                )
            }
            Content::Elements(g) => {
                let (decls, fs) = self.decode_members(g, &m, false);
                fields.extend(fs);
                let enc = self.encode_members(g, &m, quote!(self));
                (
                    quote! {
                        let mut cur = r.next_child(start)?;
                        #decls
                        __rt::end_of_content(r, cur)?;
                    },
                    enc,
                )
            }
        };
        let mut enc_attrs = self.encode_attributes(c, &m);
        if let Content::Any { rust } = &c.content {
            // The namespace declarations captured with the content (its text may be a QName),
            // before the attributes, which may use them.
            let field = ident(rust);
            enc_attrs = quote! {
                self.#field.encode_mixed_start(w)?;
                #enc_attrs
            };
        }
        // Without attributes the trait's default (none) holds.
        let enc_attrs = if enc_attrs.is_empty() {
            enc_attrs
        } else {
            quote! {
                fn encode_attributes(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    #enc_attrs
                    ::core::result::Result::Ok(())
                }
            }
        };
        let type_name = self.type_name_const(id);
        quote! {
            impl __rt::ComplexType for #name {
                #type_name
                fn decode_xml<'a>(r: &mut __rt::Reader<'a>, start: &__rt::Start<'a>) -> ::core::result::Result<Self, __rt::DecodeError> {
                    #attrs
                    #content_decode
                    ::core::result::Result::Ok(Self { #(#fields,)* })
                }
                #enc_attrs
                fn encode_content(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    #content_encode
                    ::core::result::Result::Ok(())
                }
            }
        }
    }

    // ----- members --------------------------------------------------------------------------

    /// A boolean expression: can element `c` start this FIRST set?
    pub(crate) fn first_check(&self, first: &First) -> TokenStream {
        let mut parts: Vec<TokenStream> = first
            .names
            .iter()
            .map(|n| {
                let ns = self.ns_id(&n.ns);
                let l = lit(&n.local);
                quote!(c.is(#ns, #l))
            })
            .collect();
        for w in &first.wildcards {
            match self.wildcard_check(w, &quote!(c.ns())) {
                Some(check) => parts.push(quote!((#check))),
                None => return quote!(true),
            }
        }
        if parts.is_empty() {
            return quote!(false);
        }
        quote!(#(#parts)||*)
    }

    /// A boolean expression: does namespace `ns` match the wildcard? `None`: every namespace.
    fn wildcard_check(&self, w: &Wildcard, ns: &TokenStream) -> Option<TokenStream> {
        match w {
            Wildcard::Any => None,
            Wildcard::Other(t) => {
                let t = self.ns_id(t);
                Some(quote!(#ns != #t && #ns != __rt::NsId::NONE))
            }
            Wildcard::List(l) => {
                let ids: Vec<TokenStream> = l.iter().map(|n| self.ns_id(n)).collect();
                Some(match ids.as_slice() {
                    [one] => quote!(#ns == #one),
                    _ => quote!([#(#ids),*].contains(&#ns)),
                })
            }
        }
    }

    /// The `ElementCodec` of an element use.
    pub(crate) fn element_codec(&self, e: &ElementUse, m: &str) -> TokenStream {
        if self.is_simple(e.ty) {
            let codec = self.codec_type(e.ty, m);
            if e.nillable { quote!(__rt::NillableSimple<#codec>) } else { quote!(__rt::Simple<#codec>) }
        } else {
            let ty = self.value_type(e.ty, m);
            let bits = derivation_bits(e.block);
            let ty = if bits == 0 {
                ty
            } else {
                let b = Literal::u8_unsuffixed(bits);
                quote!(#ty, #b)
            };
            if e.nillable { quote!(__rt::NillableComplex<#ty>) } else { quote!(__rt::Complex<#ty>) }
        }
    }

    fn wildcard_value(&self, w: &Wildcard) -> TokenStream {
        match w {
            Wildcard::Any => quote!(&__rt::Wildcard::Any),
            Wildcard::Other(t) => {
                let t = self.ns_id(t);
                quote!(&__rt::Wildcard::Other(#t))
            }
            Wildcard::List(l) => {
                let ids: Vec<TokenStream> = l.iter().map(|n| self.ns_id(n)).collect();
                quote!(&__rt::Wildcard::List(&[#(#ids),*]))
            }
        }
    }

    fn max_lit(o: Occurs) -> TokenStream {
        match o.max {
            Some(x) => {
                let x = Literal::usize_unsuffixed(x as usize);
                quote!(#x)
            }
            None => quote!(usize::MAX),
        }
    }

    /// The expression decoding one member at `cur` (under `start`), of the member's Rust
    /// type.
    /// Decoding of one member. `within` is set for the members of a nested group, which can
    /// repeat: a repeated member stops at its maximum and leaves a further occurrence to the
    /// group's next repetition (or to the error of whoever cannot take it) instead of refusing
    /// it there.
    fn member_decode(&self, mem: &Member, m: &str, within: bool) -> TokenStream {
        let min = Literal::usize_unsuffixed(mem.occurs.min as usize);
        let max = Self::max_lit(mem.occurs);
        let boxed = mem.boxed;
        let bx = |t: TokenStream| if boxed { quote!(::std::boxed::Box::new(#t)) } else { t };
        let bx_opt = |t: TokenStream| if boxed { quote!(#t.map(::std::boxed::Box::new)) } else { t };
        match &mem.term {
            MemberTerm::Element(e) if e.default.is_some() || e.fixed.is_some() => {
                // Defaults and fixed values apply to simple content only.
                let codec = self.codec_type(e.ty, m);
                let ns = self.ns_id(&e.name.ns);
                let l = lit(&e.name.local);
                let d = opt_lit(e.default.as_deref());
                let f = opt_lit(e.fixed.as_deref());
                let one = quote!({
                    let v = __rt::decode_simple_with::<#codec>(r, &c, #d, #f)?;
                    cur = r.next_child(start)?;
                    v
                });
                match mem.occurs.shape() {
                    Shape::One => quote!(match cur {
                        ::core::option::Option::Some(c) if c.is(#ns, #l) => #one,
                        _ => return ::core::result::Result::Err(r.missing_element(start, cur.as_ref(), &[(#ns, #l)])),
                    }),
                    Shape::Optional => quote!(match cur {
                        ::core::option::Option::Some(c) if c.is(#ns, #l) => ::core::option::Option::Some(#one),
                        _ => ::core::option::Option::None,
                    }),
                    Shape::Many => quote!({
                        let mut items = ::std::vec::Vec::new();
                        while let ::core::option::Option::Some(c) = cur {
                            if !c.is(#ns, #l) || items.len() >= #max { break; }
                            items.push(#one);
                        }
                        if items.len() < #min {
                            return ::core::result::Result::Err(r.too_few(start, #ns, #l, items.len(), #min));
                        }
                        items
                    }),
                }
            }
            MemberTerm::Element(e) => {
                let codec = self.element_codec(e, m);
                let ns = self.ns_id(&e.name.ns);
                let l = lit(&e.name.local);
                match mem.occurs.shape() {
                    Shape::One => bx(quote!(__rt::one::<#codec>(r, start, &mut cur, #ns, #l)?)),
                    Shape::Optional => bx_opt(quote!(__rt::opt::<#codec>(r, start, &mut cur, #ns, #l)?)),
                    Shape::Many if within => quote!(__rt::many_upto::<#codec>(r, start, &mut cur, #ns, #l, #min, #max)?),
                    Shape::Many => quote!(__rt::many::<#codec>(r, start, &mut cur, #ns, #l, #min, #max)?),
                }
            }
            MemberTerm::Group(g) => {
                let ty = self.type_path(*g, m);
                match mem.occurs.shape() {
                    Shape::One => bx(quote!(<#ty as __rt::Group>::decode_group(r, start, &mut cur)?)),
                    Shape::Optional => bx_opt(quote!(__rt::opt_group::<#ty>(r, start, &mut cur)?)),
                    Shape::Many if within => quote!(__rt::many_group_upto::<#ty>(r, start, &mut cur, #min, #max)?),
                    Shape::Many => quote!(__rt::many_group::<#ty>(r, start, &mut cur, #min, #max)?),
                }
            }
            MemberTerm::Any(w) => {
                let wc = self.wildcard_value(w);
                match mem.occurs.shape() {
                    Shape::One => quote!(__rt::one_any(r, start, &mut cur, #wc)?),
                    Shape::Optional => quote!(__rt::opt_any(r, start, &mut cur, #wc)?),
                    Shape::Many if within => quote!(__rt::many_any_upto(r, start, &mut cur, #wc, #min, #max)?),
                    Shape::Many => quote!(__rt::many_any(r, start, &mut cur, #wc, #min, #max)?),
                }
            }
        }
    }

    /// Decoding statements for the members of a sequence or all group (binding one local per
    /// member) and the field list to build the value.
    pub(crate) fn decode_members(&self, g: &Group, m: &str, within: bool) -> (TokenStream, Vec<TokenStream>) {
        if g.compositor == Compositor::All {
            return self.decode_all(g, m);
        }
        let mut out = TokenStream::new();
        let mut fields = Vec::new();
        for mem in &g.members {
            let f = local(&mem.rust);
            fields.push(field_init(&mem.rust));
            let d = self.member_decode(mem, m, within);
            out.extend(quote!(let #f = #d;));
        }
        (out, fields)
    }

    fn decode_all(&self, g: &Group, m: &str) -> (TokenStream, Vec<TokenStream>) {
        let mut decls = TokenStream::new();
        let mut arms = TokenStream::new();
        let mut finish = TokenStream::new();
        let mut fields = Vec::new();
        for mem in &g.members {
            let f = local(&mem.rust);
            fields.push(field_init(&mem.rust));
            let MemberTerm::Element(e) = &mem.term else { continue };
            let ns = self.ns_id(&e.name.ns);
            let l = lit(&e.name.local);
            let codec = self.element_codec(e, m);
            let d = if mem.boxed {
                quote!(::std::boxed::Box::new(<#codec as __rt::ElementCodec>::decode(r, &c)?))
            } else {
                quote!(<#codec as __rt::ElementCodec>::decode(r, &c)?)
            };
            decls.extend(quote!(let mut #f = ::core::option::Option::None;));
            arms.extend(quote! {
                if c.is(#ns, #l) {
                    if #f.is_some() {
                        return ::core::result::Result::Err(__rt::duplicate(r, &c));
                    }
                    #f = ::core::option::Option::Some(#d);
                    cur = r.next_child(start)?;
                    continue;
                }
            });
            if mem.occurs.min > 0 {
                finish.extend(quote! {
                    let #f = match #f {
                        ::core::option::Option::Some(v) => v,
                        ::core::option::Option::None => return ::core::result::Result::Err(r.missing_element(start, ::core::option::Option::None, &[(#ns, #l)])),
                    };
                });
            }
        }
        let out = quote! {
            #decls
            while let ::core::option::Option::Some(c) = cur {
                #arms
                break;
            }
            #finish
        };
        (out, fields)
    }

    fn expected_names(&self, first: &First) -> TokenStream {
        let names = first.names.iter().map(|n| {
            let ns = self.ns_id(&n.ns);
            let l = lit(&n.local);
            quote!((#ns, #l))
        });
        quote!(#(#names),*)
    }

    /// Encoding statements for the members of a sequence or all group, reading fields of
    /// `this`.
    pub(crate) fn encode_members(&self, g: &Group, m: &str, this: TokenStream) -> TokenStream {
        let mut out = TokenStream::new();
        for mem in &g.members {
            let f = ident(&mem.rust);
            let optional_in_all = g.compositor == Compositor::All && mem.occurs.min == 0 && mem.occurs.shape() == Shape::One;
            let shape = if optional_in_all { Shape::Optional } else { mem.occurs.shape() };
            out.extend(self.member_encode(mem, shape, quote!(#this.#f), m));
        }
        out
    }

    /// Statements writing a member held in place expression `v` with shape `shape`.
    fn member_encode(&self, mem: &Member, shape: Shape, v: TokenStream, m: &str) -> TokenStream {
        let min = Literal::usize_unsuffixed(mem.occurs.min as usize);
        let max = Self::max_lit(mem.occurs);
        let what = lit(&mem.rust);
        match &mem.term {
            MemberTerm::Element(e) => {
                let codec = self.element_codec(e, m);
                let uri = self.ns_uri(&e.name.ns);
                let l = lit(&e.name.local);
                match shape {
                    Shape::One => quote!(__rt::put::<#codec>(w, #uri, #l, &#v)?;),
                    Shape::Optional if mem.boxed => quote!(__rt::put_opt::<#codec>(w, #uri, #l, #v.as_deref())?;),
                    Shape::Optional => quote!(__rt::put_opt::<#codec>(w, #uri, #l, #v.as_ref())?;),
                    Shape::Many => quote!(__rt::put_many::<#codec>(w, #uri, #l, &#v, #min, #max)?;),
                }
            }
            MemberTerm::Group(g) => {
                let ty = self.type_path(*g, m);
                match shape {
                    Shape::One => quote!(<#ty as __rt::Group>::encode_group(&#v, w)?;),
                    Shape::Optional => quote! {
                        if let ::core::option::Option::Some(v) = &#v {
                            <#ty as __rt::Group>::encode_group(v, w)?;
                        }
                    },
                    Shape::Many => quote!(__rt::put_many_group(w, &#v, #min, #max, #what)?;),
                }
            }
            MemberTerm::Any(_) => match shape {
                Shape::One => quote!(#v.encode(w)?;),
                Shape::Optional => quote! {
                    if let ::core::option::Option::Some(v) = &#v {
                        v.encode(w)?;
                    }
                },
                Shape::Many => quote!(__rt::put_many_any(w, &#v, #min, #max, #what)?;),
            },
        }
    }

    fn choice_codec(&self, id: TypeId, g: &Group) -> TokenStream {
        let name = ident(&self.ir.types[id].rust);
        let m = self.module(id);
        let first = self.ir.first_of_group(g);
        let first_check = self.first_check(&first);
        let emptiable = first.emptiable;
        let mut arms = TokenStream::new();
        let mut empty_arm = None;
        let mut enc_arms = TokenStream::new();
        for branch in self.ir.choice_branches(g) {
            if let [only] = branch[..] {
                let mem = &g.members[only];
                let vn = ident(&mem.rust);
                let matches = self.first_check(&self.ir.first_of_term(&mem.term));
                let payload = self.member_decode(mem, &m, true);
                arms.extend(quote! {
                    ::core::option::Option::Some(c) if #matches => Self::#vn(#payload),
                });
                continue;
            }
            // Members that can start with the same element (the schema's choice is not
            // deterministic): each is tried from here and the one that reads furthest wins.
            let mut union = First::default();
            let mut attempts = Vec::new();
            for &i in &branch {
                let mem = &g.members[i];
                union.add(self.ir.first_of_term(&mem.term));
                let vn = ident(&mem.rust);
                let payload = self.member_decode(mem, &m, true);
                attempts.push(quote! {
                    &|r: &mut __rt::Reader<'a>, mut cur: ::core::option::Option<__rt::Start<'a>>| {
                        let v = Self::#vn(#payload);
                        ::core::result::Result::Ok((v, cur))
                    }
                });
            }
            let matches = self.first_check(&union);
            arms.extend(quote! {
                ::core::option::Option::Some(c) if #matches => __rt::longest_branch(r, &mut cur, &[#(#attempts),*])?,
            });
        }
        for mem in &g.members {
            let vn = ident(&mem.rust);
            let f = self.ir.first_of_term(&mem.term);
            let payload = self.member_decode(mem, &m, true);
            let member_empty = mem.occurs.min == 0 || (matches!(mem.term, MemberTerm::Group(_)) && f.emptiable);
            if member_empty && empty_arm.is_none() {
                empty_arm = Some(quote!(_ => Self::#vn(#payload),));
            }
            let e = self.member_encode(mem, mem.occurs.shape(), quote!((*v)), &m);
            enc_arms.extend(quote!(Self::#vn(v) => { #e }));
        }
        let expected = self.expected_names(&first);
        let fallback = empty_arm
            .unwrap_or_else(|| quote!(_ => return ::core::result::Result::Err(r.missing_element(start, cur.as_ref(), &[#expected])),));
        let complex = if matches!(self.ir.types[id].origin, Origin::Group { .. }) {
            TokenStream::new()
        } else {
            let type_name = self.type_name_const(id);
            quote! {
                impl __rt::ComplexType for #name {
                    #type_name
                    fn decode_xml<'a>(r: &mut __rt::Reader<'a>, start: &__rt::Start<'a>) -> ::core::result::Result<Self, __rt::DecodeError> {
                        __rt::no_attributes_of::<Self>(r, start)?;
                        let mut cur = r.next_child(start)?;
                        let v = <Self as __rt::Group>::decode_group(r, start, &mut cur)?;
                        __rt::end_of_content(r, cur)?;
                        ::core::result::Result::Ok(v)
                    }
                    fn encode_content(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                        <Self as __rt::Group>::encode_group(self, w)
                    }
                }
            }
        };
        quote! {
            impl __rt::Group for #name {
                const EMPTIABLE: bool = #emptiable;
                fn starts_with(c: &__rt::Start<'_>) -> bool { #first_check }
                fn decode_group<'a>(
                    r: &mut __rt::Reader<'a>,
                    start: &__rt::Start<'a>,
                    cur_ref: &mut ::core::option::Option<__rt::Start<'a>>,
                ) -> ::core::result::Result<Self, __rt::DecodeError> {
                    let mut cur = *cur_ref;
                    let v = match cur {
                        #arms
                        #fallback
                    };
                    *cur_ref = cur;
                    ::core::result::Result::Ok(v)
                }
                fn encode_group(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    match self { #enc_arms }
                    ::core::result::Result::Ok(())
                }
            }
            #complex
        }
    }

    /// `const TYPE_NAME` of a named type's codec impl (nothing for an anonymous type, whose
    /// name the trait's default says is `None`).
    fn type_name_const(&self, id: TypeId) -> TokenStream {
        match &self.ir.types[id].origin {
            Origin::Named(_) => {
                let own = self.own_type(id);
                quote!(const TYPE_NAME: __rt::TypeName = #own;)
            }
            _ => TokenStream::new(),
        }
    }

    /// `Some((uri, local))` of a named type (for `xsi:type` naming it), else `None`.
    fn own_type(&self, id: TypeId) -> TokenStream {
        match &self.ir.types[id].origin {
            Origin::Named(q) => {
                let u = self.ns_uri(&q.ns);
                let l = lit(&q.local);
                quote!(::core::option::Option::Some((#u, #l)))
            }
            _ => quote!(::core::option::Option::None),
        }
    }
}

/// The bits of the runtime's `Derivations` for a set of methods (1: extension, 2:
/// restriction).
pub(crate) fn derivation_bits(m: crate::syntax::Methods) -> u8 {
    u8::from(m.extension) | (u8::from(m.restriction) << 1)
}

/// The local variable holding a field's value while decoding: prefixed so that no field
/// name (`start`, `r`, `cur`, `attr`, ...) can shadow the decoder's own variables.
fn local(rust: &str) -> proc_macro2::Ident {
    format_ident!("__v_{}", rust.trim_start_matches("r#"))
}

/// `field: __v_field` in a struct literal.
fn field_init(rust: &str) -> TokenStream {
    let f = ident(rust);
    let l = local(rust);
    quote!(#f: #l)
}

fn opt_lit(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => {
            let l = lit(s);
            quote!(::core::option::Option::Some(#l))
        }
        None => quote!(::core::option::Option::None),
    }
}
