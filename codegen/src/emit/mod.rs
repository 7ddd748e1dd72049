//! Emission stage: one `quote!` function per IR construct, assembled into one file and
//! formatted by prettyplease. Emitters see only the IR (and the options).
//!
//! Generated code names the runtime only through the facade module (`__rt`), and the standard
//! library only through `::core::` / `::std::` paths, since schemas define types called
//! `Result`, `Error` or `String`.

mod arbitrary;
mod codec;
mod service;
mod types;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::Options;
use crate::ir::*;
use crate::name::module_of;

/// One generated source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output directory (`mod.rs`, `messages.rs`, ...).
    pub path: String,
    /// The Rust source.
    pub code: String,
}

/// What emission produces: the module tree, and the same code as one include file.
#[derive(Clone, Debug)]
pub struct Emitted {
    /// `mod.rs` first, then one file per module.
    pub files: Vec<OutputFile>,
    /// One file of items: the root's items, then each module inline (`pub mod m { ... }`).
    pub include_file: String,
}

/// A piece of output produced and formatted independently of the others.
#[derive(Clone, Copy, Debug)]
enum Unit {
    /// The head of a file: `mod.rs` entirely, or a module file's inner doc and imports.
    Head(usize),
    /// A type's declaration and codec impls.
    Type(TypeId),
    /// The root-element constants of a namespace module (by file index).
    Elements(usize),
    /// An operation's input or output message.
    Message(usize, usize, bool),
    /// The rest of a service: operations, client, server, dispatcher, message set.
    ServiceRest(usize),
}

/// Emits the code: `mod.rs` (namespaces, prefixes, module declarations), one file per
/// namespace module and one per binding, each starting with `header`. Items are generated and
/// formatted in parallel and assembled in a fixed order, so the output is deterministic.
pub fn emit(ir: &Ir, opts: &Options, header: &str) -> Result<Emitted, String> {
    if let Some(p) = &opts.arbitrary
        && syn::parse_str::<syn::Meta>(p).is_err()
    {
        return Err(format!("'{p}' is not a cfg predicate (the strategies' cfg, e.g. 'feature = \"proptest\"')"));
    }
    let (cyclic, inhabited) = if opts.arbitrary.is_some() {
        (arbitrary::cyclic_components(ir), arbitrary::inhabited_types(ir))
    } else {
        (Vec::new(), Vec::new())
    };
    let e = Emitter { ir, opts, cyclic, inhabited };
    let layout = e.layout();
    let units: Vec<(usize, Unit)> = layout.iter().enumerate().flat_map(|(fi, (_, units))| units.iter().map(move |u| (fi, *u))).collect();
    let timings = std::env::var_os("SOAPKIT_TIMINGS").is_some();
    let formatted: Vec<Result<(String, [std::time::Duration; 3]), String>> = parallel_map(&units, |&(_, unit)| {
        let t0 = std::time::Instant::now();
        let tokens = e.unit_tokens(unit, &layout);
        let t1 = std::time::Instant::now();
        let file: syn::File = syn::parse2(tokens).map_err(|_| unparsable(&e.unit_tokens(unit, &layout)))?;
        let t2 = std::time::Instant::now();
        let code = prettyplease::unparse(&file);
        Ok((code, [t1 - t0, t2 - t1, t2.elapsed()]))
    });
    if timings {
        let mut by_kind: BTreeMap<&str, [std::time::Duration; 3]> = BTreeMap::new();
        for ((_, unit), f) in units.iter().zip(&formatted) {
            let kind = match unit {
                Unit::Head(_) => "head",
                Unit::Type(id) => match &ir.types[*id].kind {
                    TypeKind::Simple(SimpleDef::Restriction { values, .. }) if !values.is_empty() => "enum",
                    TypeKind::Simple(_) => "simple",
                    TypeKind::Complex(_) => "complex",
                    _ => "group",
                },
                Unit::Message(..) => "message",
                Unit::Elements(_) => "elements",
                Unit::ServiceRest(_) => "service",
            };
            if let Ok((_, t)) = f {
                let e = by_kind.entry(kind).or_default();
                for i in 0..3 {
                    e[i] += t[i];
                }
            }
        }
        for (k, t) in by_kind {
            eprintln!("emit {k}: tokens {:?} parse {:?} format {:?}", t[0], t[1], t[2]);
        }
    }
    let formatted: Vec<Result<String, String>> = formatted.into_iter().map(|r| r.map(|(c, _)| c)).collect();
    let mut files: Vec<OutputFile> = layout.iter().map(|(path, _)| OutputFile { path: path.clone(), code: header.to_owned() }).collect();
    let mut bodies: Vec<String> = vec![String::new(); layout.len()];
    for ((fi, _), code) in units.iter().zip(formatted) {
        let code = code?;
        files[*fi].code.push_str(&code);
        bodies[*fi].push_str(&code);
    }
    let inline_root = e.inline_root();
    let inline_root = prettyplease::unparse(&syn::parse2(inline_root.clone()).map_err(|_| unparsable(&inline_root))?);
    let mut include_file = format!("{header}{inline_root}");
    for (fi, (path, _)) in layout.iter().enumerate().skip(1) {
        let m = module_ident(path);
        include_file.push_str(&format!("{ROOT_ALLOWS}\npub mod {m} {{\n{}}}\n", bodies[fi]));
    }
    Ok(Emitted { files, include_file })
}

/// The lints the root module allows for the generated tree, as outer attributes (an
/// included file cannot have inner ones).
const ROOT_ALLOWS: &str = "#[allow(clippy::all, clippy::pedantic, clippy::nursery)]\n#[allow(unused_mut, unused_variables, non_camel_case_types, non_snake_case)]";

/// The identifier a module file is declared as (`type.rs` → `r#type`).
fn module_ident(path: &str) -> Ident {
    let stem = path.trim_end_matches(".rs");
    ident(&crate::ident::escape(stem.to_owned()))
}

/// Applies `f` to every item on all available cores, keeping the order of the results.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len().max(1));
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        // A worker that panicked (a generator bug) passes its panic on: dropping its share
        // of the results would silently truncate the output.
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Describes generated tokens that do not parse (a generator bug), with a dump to look at.
fn unparsable(tokens: &TokenStream) -> String {
    let text = tokens.to_string();
    match syn::parse_str::<syn::File>(&text) {
        Ok(_) => "internal error: generated code does not parse".to_owned(),
        Err(err) => {
            let dump = std::env::temp_dir().join("soapkit-codegen-unparsable.rs");
            let _ = std::fs::write(&dump, &text);
            format!("internal error: generated code does not parse: {err} (tokens written to {})", dump.display())
        }
    }
}

/// Namespaces with fixed ids in every table.
pub(crate) const XSI_URI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// SOAP 1.1 envelope.
pub(crate) const SOAP11_URI: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope.
pub(crate) const SOAP12_URI: &str = "http://www.w3.org/2003/05/soap-envelope";

/// Escapes text for use inside a `format!` string literal.
pub(crate) fn fmt_escape(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}

pub(crate) struct Emitter<'a> {
    pub ir: &'a Ir,
    pub opts: &'a Options,
    /// For each type, its cyclic strongly connected component (only with
    /// [`Options::arbitrary`], for the strategies' depth).
    pub cyclic: Vec<Option<usize>>,
    /// For each type, whether it has values (likewise).
    pub inhabited: Vec<bool>,
}

/// An identifier, raw if needed.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A string literal.
pub(crate) fn lit(s: &str) -> Literal {
    Literal::string(s)
}

/// A doc attribute (one per paragraph line).
pub(crate) fn doc(text: &str) -> TokenStream {
    let mut out = TokenStream::new();
    for line in text.lines() {
        let line = format!(" {}", line.replace("\r", ""));
        out.extend(quote!(#[doc = #line]));
    }
    out
}

/// `[text](..)` style escaping is not needed; but brackets in schema docs would be taken as
/// intra-doc links by rustdoc, so escape them.
pub(crate) fn doc_text(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]").replace('<', "&lt;").replace('>', "&gt;")
}

impl<'a> Emitter<'a> {
    /// The files and the units each is made of, in order.
    fn layout(&self) -> Vec<(String, Vec<Unit>)> {
        let mut modules: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
        for (id, t) in self.ir.types.iter().enumerate() {
            if !matches!(t.kind, TypeKind::Builtin(_)) {
                modules.entry(module_of(self.ir, &t.ns)).or_default().push(id);
            }
        }
        // Modules in the order their namespaces were first used, then any others.
        let mut order: Vec<String> = self.ir.namespaces.iter().map(|n| n.module.clone()).filter(|m| modules.contains_key(m)).collect();
        for k in modules.keys() {
            if !order.contains(k) {
                order.push(k.clone());
            }
        }
        let mut layout = vec![("mod.rs".to_owned(), vec![Unit::Head(0)])];
        for m in order {
            let fi = layout.len();
            let mut units = vec![Unit::Head(fi)];
            units.extend(modules.remove(&m).unwrap_or_default().into_iter().map(Unit::Type));
            if self.ir.elements.iter().any(|e| !e.rust.is_empty() && module_of(self.ir, &e.name.ns) == m) {
                units.push(Unit::Elements(fi));
            }
            layout.push((format!("{}.rs", m.trim_start_matches("r#")), units));
        }
        for (si, s) in self.ir.services.iter().enumerate() {
            let fi = layout.len();
            let mut units = vec![Unit::Head(fi)];
            for (oi, op) in s.operations.iter().enumerate() {
                if op.input.is_some() {
                    units.push(Unit::Message(si, oi, false));
                }
                if op.output.is_some() {
                    units.push(Unit::Message(si, oi, true));
                }
            }
            units.push(Unit::ServiceRest(si));
            layout.push((format!("{}.rs", s.rust_module.trim_start_matches("r#")), units));
        }
        layout
    }

    fn unit_tokens(&self, unit: Unit, layout: &[(String, Vec<Unit>)]) -> TokenStream {
        match unit {
            Unit::Head(0) => self.root(layout),
            Unit::Head(fi) => {
                let stem = layout[fi].0.trim_end_matches(".rs");
                let d = match self.ir.services.iter().find(|s| s.rust_module.trim_start_matches("r#") == stem) {
                    Some(s) => self.service_doc(s),
                    None => {
                        let uri = self.ir.namespaces.iter().find(|n| n.module.trim_start_matches("r#") == stem).map(|n| n.uri.clone());
                        match uri {
                            Some(u) if !u.is_empty() => format!("Types of the namespace `{u}`."),
                            _ => "Types of elements and attributes in no namespace.".to_owned(),
                        }
                    }
                };
                let inner: TokenStream = d
                    .lines()
                    .map(|l| {
                        let l = format!(" {l}");
                        quote!(#![doc = #l])
                    })
                    .collect();
                let consts: Vec<TokenStream> = self
                    .ir
                    .namespaces
                    .iter()
                    .flat_map(|n| {
                        let a = self.ns_const_ident(&n.uri);
                        let b = self.uri_const_ident(&n.uri);
                        [quote!(#a), quote!(#b)]
                    })
                    .collect();
                quote! {
                    #inner
                    #[allow(unused_imports)]
                    use super::{__rt, NAMESPACES, PREFIXES #(, #consts)*};
                }
            }
            Unit::Type(id) => {
                let mut t = self.type_items(id);
                t.extend(self.codec_items(id));
                t.extend(self.arbitrary_type(id));
                t
            }
            Unit::Elements(fi) => {
                let stem = layout[fi].0.trim_end_matches(".rs");
                let m =
                    self.ir.namespaces.iter().map(|n| n.module.clone()).find(|m| m.trim_start_matches("r#") == stem).unwrap_or_default();
                self.root_elements(&m)
            }
            Unit::Message(si, oi, output) => {
                let s = &self.ir.services[si];
                let op = &s.operations[oi];
                let (msg, dir) = if output { (op.output.as_ref(), "Output") } else { (op.input.as_ref(), "Input") };
                match msg {
                    Some(msg) => {
                        let mut t = self.message(op, msg, dir, &s.rust_module);
                        t.extend(self.arbitrary_message(msg, &s.rust_module));
                        t
                    }
                    None => TokenStream::new(),
                }
            }
            Unit::ServiceRest(si) => self.service(&self.ir.services[si]),
        }
    }

    /// `mod.rs`: the lints allowed in the tree, the root's items and module declarations.
    fn root(&self, layout: &[(String, Vec<Unit>)]) -> TokenStream {
        let items = self.inline_root();
        let mods = layout[1..].iter().map(|(path, _)| {
            let m = module_ident(path);
            quote!(pub mod #m;)
        });
        let mut lines = vec!["Bindings generated by soapkit:".to_owned(), String::new()];
        for (path, _) in &layout[1..] {
            let stem = path.trim_end_matches(".rs");
            let what = match self.ir.services.iter().find(|s| s.rust_module.trim_start_matches("r#") == stem) {
                Some(s) => format!("the binding `{}`", s.binding),
                None => match self.ir.namespaces.iter().find(|n| n.module.trim_start_matches("r#") == stem) {
                    Some(n) if !n.uri.is_empty() => format!("the types of namespace `{}`", n.uri),
                    _ => "the types of elements and attributes in no namespace".to_owned(),
                },
            };
            // A module that needs a raw identifier (`r#type`) is named without a link.
            let name = if module_ident(path) == stem { format!("[`{stem}`]") } else { format!("`{}`", module_ident(path)) };
            lines.push(format!("- {name}: {what};"));
        }
        let inner: TokenStream = lines
            .iter()
            .map(|l| {
                let l = if l.is_empty() { String::new() } else { format!(" {l}") };
                quote!(#![doc = #l])
            })
            .collect();
        quote! {
            #inner
            #![allow(clippy::all, clippy::pedantic, clippy::nursery)]
            #![allow(unused_mut, unused_variables, non_camel_case_types, non_snake_case)]

            #items
            #(#mods)*
        }
    }

    /// The root's items: the runtime import and the namespace constants.
    fn inline_root(&self) -> TokenStream {
        let rt: TokenStream = self.opts.runtime_path.parse().unwrap_or_else(|_| quote!(::soapkit::codegen));
        let mut uris = Vec::new();
        let mut consts = TokenStream::new();
        for (i, ns) in self.ir.namespaces.iter().enumerate() {
            let id = (i + 5) as u16;
            let ns_const = self.ns_const_ident(&ns.uri);
            let uri_const = self.uri_const_ident(&ns.uri);
            let uri = lit(&ns.uri);
            let d1 = format!(" Namespace id of `{}` in [`NAMESPACES`].", ns.uri);
            let d2 = format!(" The namespace URI `{}`.", ns.uri);
            consts.extend(quote! {
                #[doc = #d1]
                #[allow(dead_code)]
                const #ns_const: __rt::NsId = __rt::NsId(#id);
                #[doc = #d2]
                #[allow(dead_code)]
                const #uri_const: &str = #uri;
            });
            uris.push(uri);
        }
        let prefixes: Vec<TokenStream> = self
            .ir
            .namespaces
            .iter()
            .map(|n| {
                let p = lit(&n.prefix);
                let u = self.uri_const_ident(&n.uri);
                quote!((#p, #u))
            })
            .collect();
        let std_ns = [quote!(""), quote!(__rt::XML), quote!(__rt::XSI), quote!(__rt::SOAP11_ENV), quote!(__rt::SOAP12_ENV)];
        quote! {
            #[allow(unused_imports)]
            use #rt as __rt;

            /// Every namespace this code knows, for the XML reader.
            pub const NAMESPACES: __rt::NsTable = __rt::NsTable::with_user(&[#(#std_ns,)* #(#uris,)*]);

            /// The preferred prefix of each namespace, declared on the SOAP Envelope when writing.
            pub const PREFIXES: &[(&str, &str)] = &[#(#prefixes,)*];

            #consts
        }
    }

    /// One constant per global element of module `m`: decodes and encodes documents whose
    /// root the element is.
    fn root_elements(&self, m: &str) -> TokenStream {
        let mut out = TokenStream::new();
        for (id, e) in self.ir.elements.iter().enumerate().filter(|(_, e)| !e.rust.is_empty() && module_of(self.ir, &e.name.ns) == m) {
            let name = ident(&e.rust);
            let eu = self.ir.element_use(id);
            let codec = self.element_codec(&eu, m);
            let uri = self.ns_uri(&e.name.ns);
            let local = lit(&e.name.local);
            let d = doc(&format!("Documents whose root is the global element `{}` ({}).", e.name, self.xml_label(e.ty)));
            out.extend(quote! {
                #d
                pub const #name: __rt::RootElement<#codec> = __rt::RootElement::new(#uri, #local, NAMESPACES, PREFIXES);
            });
        }
        out
    }

    // ----- names and paths ------------------------------------------------------------------

    fn module_suffix(&self, uri: &str) -> String {
        module_of(self.ir, uri).trim_start_matches("r#").to_uppercase()
    }

    pub(crate) fn ns_const_ident(&self, uri: &str) -> Ident {
        format_ident!("NS_{}", self.module_suffix(uri))
    }

    pub(crate) fn uri_const_ident(&self, uri: &str) -> Ident {
        format_ident!("URI_{}", self.module_suffix(uri))
    }

    /// The namespace id expression for `uri`, from inside a generated module.
    pub(crate) fn ns_id(&self, uri: &str) -> TokenStream {
        match uri {
            "" => return quote!(__rt::NsId::NONE),
            crate::syntax::XML_NS => return quote!(__rt::NsId::XML),
            XSI_URI => return quote!(__rt::NsId::XSI),
            SOAP11_URI => return quote!(__rt::NsId::SOAP11),
            SOAP12_URI => return quote!(__rt::NsId::SOAP12),
            _ => {}
        }
        let c = self.ns_const_ident(uri);
        quote!(#c)
    }

    /// The namespace URI expression for `uri`, from inside a generated module.
    pub(crate) fn ns_uri(&self, uri: &str) -> TokenStream {
        match uri {
            "" => return quote!(""),
            crate::syntax::XML_NS => return quote!(__rt::XML),
            XSI_URI => return quote!(__rt::XSI),
            SOAP11_URI => return quote!(__rt::SOAP11_ENV),
            SOAP12_URI => return quote!(__rt::SOAP12_ENV),
            _ => {}
        }
        let c = self.uri_const_ident(uri);
        quote!(#c)
    }

    /// The module of a type.
    pub(crate) fn module(&self, id: TypeId) -> String {
        module_of(self.ir, &self.ir.types[id].ns)
    }

    /// The path of a generated type as seen from module `from`.
    pub(crate) fn type_path(&self, id: TypeId, from: &str) -> TokenStream {
        let name = ident(&self.ir.types[id].rust);
        let m = self.module(id);
        if m == from {
            quote!(#name)
        } else {
            let mi = ident(&m);
            quote!(super::#mi::#name)
        }
    }

    /// The Rust value type of a simple or complex type used as a field.
    pub(crate) fn value_type(&self, id: TypeId, from: &str) -> TokenStream {
        match &self.ir.types[id].kind {
            TypeKind::Builtin(b) => builtin_value(*b),
            _ => self.type_path(id, from),
        }
    }

    /// The codec type of a simple type.
    pub(crate) fn codec_type(&self, id: TypeId, from: &str) -> TokenStream {
        match &self.ir.types[id].kind {
            TypeKind::Builtin(b) => builtin_codec(*b),
            _ => self.type_path(id, from),
        }
    }

    /// Whether values of the type are written as text.
    pub(crate) fn is_simple(&self, id: TypeId) -> bool {
        match &self.ir.types[id].kind {
            TypeKind::Builtin(b) => *b != Builtin::AnyType,
            TypeKind::Simple(_) => true,
            _ => false,
        }
    }

    /// A short description of a type for docs.
    pub(crate) fn xml_label(&self, id: TypeId) -> String {
        match &self.ir.types[id].origin {
            Origin::Builtin(b) => format!("xs:{}", b.xs_name()),
            Origin::Named(q) => format!("`{}`", q),
            Origin::Derivations { base } => format!("{} or a type derived from it", self.xml_label(*base)),
            _ => "an anonymous type".to_owned(),
        }
    }
}

/// The Rust type holding a value of a built-in datatype.
pub(crate) fn builtin_value(b: Builtin) -> TokenStream {
    match b {
        Builtin::AnyType => quote!(__rt::AnyContent),
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
        | Builtin::AnyUri => quote!(::std::string::String),
        Builtin::IdRefs | Builtin::Entities | Builtin::NmTokens => quote!(::std::vec::Vec<::std::string::String>),
        Builtin::QName | Builtin::Notation => quote!(__rt::QName),
        Builtin::Boolean => quote!(bool),
        Builtin::Decimal => quote!(__rt::xsd::Decimal),
        Builtin::Integer
        | Builtin::NonPositiveInteger
        | Builtin::NegativeInteger
        | Builtin::NonNegativeInteger
        | Builtin::PositiveInteger => quote!(__rt::xsd::Integer),
        Builtin::Long => quote!(i64),
        Builtin::Int => quote!(i32),
        Builtin::Short => quote!(i16),
        Builtin::Byte => quote!(i8),
        Builtin::UnsignedLong => quote!(u64),
        Builtin::UnsignedInt => quote!(u32),
        Builtin::UnsignedShort => quote!(u16),
        Builtin::UnsignedByte => quote!(u8),
        Builtin::Float => quote!(f32),
        Builtin::Double => quote!(f64),
        Builtin::Duration => quote!(__rt::xsd::Duration),
        Builtin::DateTime => quote!(__rt::xsd::DateTime),
        Builtin::Date => quote!(__rt::xsd::Date),
        Builtin::Time => quote!(__rt::xsd::Time),
        Builtin::GYear => quote!(__rt::xsd::GYear),
        Builtin::GYearMonth => quote!(__rt::xsd::GYearMonth),
        Builtin::GMonth => quote!(__rt::xsd::GMonth),
        Builtin::GMonthDay => quote!(__rt::xsd::GMonthDay),
        Builtin::GDay => quote!(__rt::xsd::GDay),
        Builtin::Base64Binary => quote!(__rt::xsd::Base64Binary),
        Builtin::HexBinary => quote!(__rt::xsd::HexBinary),
    }
}

/// The codec of a built-in datatype.
pub(crate) fn builtin_codec(b: Builtin) -> TokenStream {
    match b {
        Builtin::NormalizedString => quote!(__rt::codecs::NormalizedString),
        Builtin::Token => quote!(__rt::codecs::Token),
        Builtin::Language => quote!(__rt::codecs::Language),
        Builtin::Name => quote!(__rt::codecs::Name),
        Builtin::NcName => quote!(__rt::codecs::NcName),
        Builtin::Id => quote!(__rt::codecs::Id),
        Builtin::IdRef => quote!(__rt::codecs::IdRef),
        Builtin::Entity => quote!(__rt::codecs::Entity),
        Builtin::NmToken => quote!(__rt::codecs::NmToken),
        Builtin::AnyUri => quote!(__rt::codecs::AnyUri),
        Builtin::NmTokens => quote!(__rt::codecs::NmTokens),
        Builtin::IdRefs => quote!(__rt::codecs::IdRefs),
        Builtin::Entities => quote!(__rt::codecs::Entities),
        Builtin::NonPositiveInteger => quote!(__rt::codecs::NonPositiveInteger),
        Builtin::NegativeInteger => quote!(__rt::codecs::NegativeInteger),
        Builtin::NonNegativeInteger => quote!(__rt::codecs::NonNegativeInteger),
        Builtin::PositiveInteger => quote!(__rt::codecs::PositiveInteger),
        other => builtin_value(other),
    }
}
