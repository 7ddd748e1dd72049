//! Services: for each SOAP binding a module with the operations' input and output messages,
//! a client trait and a client struct generic over its transport, a server trait and a
//! dispatcher that routes requests to it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Emitter, doc, ident, lit};
use crate::ir::*;
use crate::syntax::{SoapVersion, Style};

/// The local variable a message part or header is decoded into: prefixed, so that a part
/// named like one of the decoder's own variables (`body`, `start`, `cur`, `r`, ...) cannot
/// shadow it.
fn part_local(rust: &str) -> proc_macro2::Ident {
    format_ident!("__part_{}", rust.trim_start_matches("r#"))
}

impl Emitter<'_> {
    /// Everything of a binding's module but the message structs.
    pub(crate) fn service(&self, s: &Service) -> TokenStream {
        let m = s.rust_module.clone();
        let version = match s.version {
            SoapVersion::Soap11 => quote!(__rt::SoapVersion::V11),
            SoapVersion::Soap12 => quote!(__rt::SoapVersion::V12),
        };
        let ops_enum = ident(&s.items.operations);
        let client_trait = ident(&s.rust);
        let client = ident(&s.items.client);
        let server = ident(&s.items.server);
        let dispatcher = ident(&s.items.dispatcher);

        let variants: Vec<_> = s.operations.iter().map(|op| ident(&op.variant)).collect();
        let op_names: Vec<_> = s.operations.iter().map(|op| lit(&op.name)).collect();
        let op_actions: Vec<_> = s.operations.iter().map(|op| lit(&op.soap_action)).collect();
        let variant_docs: Vec<_> = s.operations.iter().map(|op| doc(&format!("Operation `{}`.", op.name))).collect();

        // Client.
        let mut client_methods = TokenStream::new();
        let mut client_impls = TokenStream::new();
        let mut server_methods = TokenStream::new();
        let mut shared_methods = TokenStream::new();
        let mut dispatch_arms = TokenStream::new();
        for (op, variant) in s.operations.iter().zip(&variants) {
            let Some(input) = &op.input else { continue };
            let method = ident(&op.rust);
            let inp = ident(&input.rust);
            // A one-way operation (no output) answers nothing: the client's call succeeds
            // when the server accepts the request, and the handler returns `()`.
            let (out, call, respond) = match &op.output {
                Some(output) => {
                    let out = ident(&output.rust);
                    (quote!(#out), quote!(__rt::invoke), quote!(__rt::respond(VERSION, PREFIXES, answer)))
                }
                None => (quote!(()), quote!(__rt::invoke_one_way), quote!(__rt::respond_accepted(VERSION, answer))),
            };
            let action = lit(&op.soap_action);
            let op_name = lit(&op.name);
            let mut d = format!("Calls operation `{}`", op.name);
            if !op.soap_action.is_empty() {
                d.push_str(&format!(" (SOAPAction `{}`)", op.soap_action));
            }
            d.push('.');
            if op.output.is_none() {
                d.push_str(" The operation is one-way: the call succeeds when the server accepts the request (HTTP 202, or 200 with no response message).");
            }
            if !op.faults.is_empty() {
                d.push_str(&format!(
                    " A declared fault arrives as [`__rt::ClientError::Fault`]; read it with [`{}::from_fault`].",
                    op.fault_rust
                ));
            }
            if let Some(od) = &op.doc {
                d = format!("{}\n\n{d}", super::doc_text(od));
            }
            let cd = doc(&d);
            client_methods.extend(quote! {
                #cd
                fn #method(&self, input: #inp) -> impl ::core::future::Future<Output = ::core::result::Result<#out, __rt::ClientError>> + Send;
            });
            client_impls.extend(quote! {
                fn #method(&self, input: #inp) -> impl ::core::future::Future<Output = ::core::result::Result<#out, __rt::ClientError>> + Send {
                    #call(&self.transport, BINDING, &self.extra, #op_name, #action, input)
                }
            });
            let declared =
                if op.faults.is_empty() { String::new() } else { format!(" Build a declared fault with [`{}::to_fault`].", op.fault_rust) };
            let one_way =
                if op.output.is_none() { " The operation is one-way: `Ok` is answered with HTTP 202 Accepted and no body." } else { "" };
            let sd = doc(&format!(
                "Handles operation `{}`. Return a [`__rt::Fault`] to answer with a SOAP fault.{declared}{one_way}{}",
                op.name,
                op.doc.as_ref().map(|d| format!("\n\n{}", super::doc_text(d))).unwrap_or_default()
            ));
            server_methods.extend(quote! {
                #sd
                fn #method(&self, ctx: &__rt::RequestContext, input: #inp)
                    -> impl ::core::future::Future<Output = ::core::result::Result<#out, __rt::Fault>> + Send;
            });
            shared_methods.extend(quote! {
                fn #method(&self, ctx: &__rt::RequestContext, input: #inp)
                    -> impl ::core::future::Future<Output = ::core::result::Result<#out, __rt::Fault>> + Send {
                    (**self).#method(ctx, input)
                }
            });
            dispatch_arms.extend(quote! {
                #ops_enum::#variant => match __rt::accept(&probed, &mut ctx, #op_name) {
                    ::core::result::Result::Ok(input) => {
                        let answer = self.service.#method(&ctx, input).await;
                        return #respond;
                    }
                    ::core::result::Result::Err(e) => e,
                },
            });
        }
        let route = self.route(s, &ops_enum);
        let routes = self.routes_const(s);
        let message_enum = self.message_enum(s, &ops_enum);
        let fault_enums: TokenStream = s.operations.iter().map(|op| self.fault_enum(op, &m)).collect();
        let client_doc = doc(&format!("The operations of `{}`, as a client calls them.", s.binding));
        let dispatcher_doc = doc(&format!(
            "Serves an implementation of [`{server}`]: decodes each request, routes it by its\n\
             Body (and, where two operations share a Body element, by that element's content),\n\
             calls the implementation and encodes its answer. Requests that cannot be decoded\n\
             are answered with the fault the policy `P` gives."
        ));
        let server_doc =
            doc(&format!("The operations of `{}`, as a server implements them. Serve an implementation with [`{dispatcher}`].", s.binding));
        quote! {
                /// The SOAP version of the binding.
                pub const VERSION: __rt::SoapVersion = #version;

                /// What calls need to know about the binding.
                pub const BINDING: __rt::Binding = __rt::Binding {
                    version: VERSION,
                    namespaces: NAMESPACES,
                    prefixes: PREFIXES,
                };

                /// The operations of the binding.
                #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
                pub enum #ops_enum {
                    #(#variant_docs #variants,)*
                }

                impl #ops_enum {
                    /// Every operation, in port type order.
                    pub const ALL: &'static [Self] = &[#(Self::#variants,)*];
                    /// The operation's name in the WSDL.
                    pub fn name(&self) -> &'static str {
                        match self { #(Self::#variants => #op_names,)* }
                    }
                    /// The operation's `soapAction`.
                    pub fn soap_action(&self) -> &'static str {
                        match self { #(Self::#variants => #op_actions,)* }
                    }
                }

                #fault_enums

                #client_doc
                pub trait #client_trait {
                    #client_methods
                }

                /// A client of the binding over transport `T` (the endpoint is the transport's).
                #[derive(Clone, Debug)]
                pub struct #client<T> {
                    transport: T,
                    extra: __rt::HeaderSource,
                }

                impl<T: __rt::Transport> #client<T> {
                    /// A client sending its requests through `transport`.
                    pub fn new(transport: T) -> Self {
                        Self { transport, extra: __rt::HeaderSource::NONE }
                    }
                    /// The client, adding the header entries of `headers` to every request (a
                    /// WS-Security `UsernameToken`, fixed headers such as an EWS
                    /// `RequestServerVersion`), before each input's own.
                    pub fn with_extra_headers(mut self, headers: impl __rt::ExtraHeaders) -> Self {
                        self.extra = __rt::HeaderSource::new(headers);
                        self
                    }
                    /// The transport.
                    pub fn transport(&self) -> &T {
                        &self.transport
                    }
                }

                impl<T: __rt::Transport> #client_trait for #client<T> {
                    #client_impls
                }

                #server_doc
                pub trait #server: Send + Sync + 'static {
                    #server_methods
                }

                /// One implementation shared by several dispatchers (several endpoints, or the
                /// SOAP 1.1 and 1.2 bindings of one port type).
                impl<T: #server> #server for ::std::sync::Arc<T> {
                    #shared_methods
                }

                #dispatcher_doc
                #[derive(Clone, Debug)]
                pub struct #dispatcher<S, P = __rt::StandardFaults> {
                    service: S,
                    policy: P,
                }

                impl<S: #server> #dispatcher<S> {
                    /// A dispatcher with the SOAP specification's standard faults.
                    pub fn new(service: S) -> Self {
                        Self { service, policy: __rt::StandardFaults }
                    }
                }

                impl<S, P> #dispatcher<S, P> {
                    /// Replaces the fault policy.
                    pub fn with_fault_policy<Q: __rt::FaultPolicy>(self, policy: Q) -> #dispatcher<S, Q> {
                        #dispatcher { service: self.service, policy }
                    }
                    /// The implementation.
                    pub fn service(&self) -> &S {
                        &self.service
                    }
                }

                #route

                #message_enum

                #routes

                impl<S: #server, P: __rt::FaultPolicy> __rt::SoapService for #dispatcher<S, P> {
                    fn matches(&self, info: &__rt::RequestInfo) -> __rt::Match {
                        ROUTES.matches(info)
                    }

                    fn handle(&self, mut ctx: __rt::RequestContext, request: __rt::SoapHttpRequest) -> impl ::core::future::Future<Output = __rt::SoapHttpResponse> + Send {
                        async move {
                            let reject = |e: &__rt::DecodeError| __rt::reject(VERSION, &self.policy, e);
                            let text = match __rt::request_text(&request, VERSION) {
                                ::core::result::Result::Ok(t) => t,
                                ::core::result::Result::Err(e) => return reject(&e),
                            };
                            if ctx.action.is_none() {
                                ctx.action = request.action();
                            }
                            let probed = match __rt::Probed::open(text, NAMESPACES, ::core::option::Option::Some(VERSION), ctx.limits) {
                                ::core::result::Result::Ok(p) => p.understanding(&ctx.understood_headers),
                                ::core::result::Result::Err(e) => return reject(&e),
                            };
                            let candidates = route(ctx.action.as_deref(), &probed.probe);
                            let mut first_error: ::core::option::Option<__rt::DecodeError> = ::core::option::Option::None;
                            for op in candidates {
                                let error = match op {
                                    #dispatch_arms
                                };
                                first_error.get_or_insert(error);
                            }
                            let error = first_error.map(|e| probed.settle(e)).unwrap_or_else(|| probed.unroutable());
                            reject(&error)
                        }
                    }
                }
        }
    }

    /// `ROUTES`: what requests the dispatcher takes, for serving several services on one
    /// endpoint.
    fn routes_const(&self, s: &Service) -> TokenStream {
        let mut body: Vec<crate::syntax::QName> = Vec::new();
        let mut actions: Vec<&str> = Vec::new();
        for op in s.operations.iter().filter(|o| o.input.is_some()) {
            let (first, _) = self.body_first(op);
            for n in first.names {
                if !body.contains(&n) {
                    body.push(n);
                }
            }
            if !op.soap_action.is_empty() && !actions.contains(&op.soap_action.as_str()) {
                actions.push(&op.soap_action);
            }
        }
        let body = body.iter().map(|n| {
            let uri = self.ns_uri(&n.ns);
            let local = lit(&n.local);
            quote!((#uri, #local))
        });
        let actions = actions.iter().map(|a| lit(a));
        quote! {
            /// The requests the dispatcher takes: its SOAP version, the elements its operations'
            /// Bodies start with, and their actions (for serving several services on one endpoint).
            pub const ROUTES: __rt::Routes = __rt::Routes {
                version: VERSION,
                body: &[#(#body),*],
                actions: &[#(#actions),*],
            };
        }
    }

    /// The documentation of a binding's module.
    pub(crate) fn service_doc(&self, s: &Service) -> String {
        format!(
            "Binding `{}` of port type `{}` ({}).{}{}",
            s.binding,
            s.port_type,
            match s.version {
                SoapVersion::Soap11 => "SOAP 1.1",
                SoapVersion::Soap12 => "SOAP 1.2",
            },
            s.doc.as_ref().map(|d| format!("\n\n{}", super::doc_text(d))).unwrap_or_default(),
            if s.addresses.is_empty() {
                "\n\nThe WSDL names no endpoint address: configure it in the transport.".to_owned()
            } else {
                format!(
                    "\n\nEndpoint addresses in the WSDL: {}.",
                    s.addresses.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                )
            }
        )
    }

    /// The enum of an operation's declared faults (`wsdl:fault`), each carried as an entry of
    /// the SOAP fault's detail, with conversions from and to [`__rt::Fault`].
    fn fault_enum(&self, op: &Operation, m: &str) -> TokenStream {
        if op.faults.is_empty() {
            return TokenStream::new();
        }
        let name = ident(&op.fault_rust);
        let mut variants = TokenStream::new();
        let mut from_arms = TokenStream::new();
        let mut to_arms = TokenStream::new();
        for f in &op.faults {
            let v = ident(&f.rust);
            let eu = self.element_use(f.element);
            let codec = self.element_codec(&eu, m);
            let value = self.value_type(eu.ty, m);
            let value = if eu.nillable { quote!(__rt::Nillable<#value>) } else { value };
            let uri = self.ns_uri(&eu.name.ns);
            let local = lit(&eu.name.local);
            let d = doc(&format!("Fault `{}`: detail entry `{}`.", f.name, eu.name));
            variants.extend(quote!(#d #v(#value),));
            from_arms.extend(quote! {
                if entry.is(#uri, #local) {
                    return __rt::decode_captured::<#codec>(entry, NAMESPACES).map(|v| ::core::option::Option::Some(Self::#v(v)));
                }
            });
            to_arms.extend(quote!(Self::#v(v) => __rt::encode_captured::<#codec>(#uri, #local, v, PREFIXES)?,));
        }
        let d = doc(&format!("The faults operation `{}` declares: each is a SOAP fault whose detail holds the fault's element.", op.name));
        quote! {
            #d
            #[derive(Clone, Debug, PartialEq)]
            pub enum #name {
                #variants
            }

            impl #name {
                /// The declared fault among the detail entries of `fault` (the first entry that
                /// is one), `None` if it carries none. An entry that is one but does not decode
                /// is an error.
                pub fn from_fault(fault: &__rt::Fault) -> ::core::result::Result<::core::option::Option<Self>, __rt::DecodeError> {
                    for entry in fault.detail_entries() {
                        #from_arms
                    }
                    ::core::result::Result::Ok(::core::option::Option::None)
                }

                /// `fault` (its code and reason) with this declared fault added to its detail.
                pub fn to_fault(&self, fault: __rt::Fault) -> ::core::result::Result<__rt::Fault, __rt::EncodeError> {
                    let entry = match self {
                        #to_arms
                    };
                    ::core::result::Result::Ok(fault.with_detail_entry(entry))
                }
            }
        }
    }

    pub(crate) fn message(&self, op: &Operation, msg: &MessageIr, dir: &str, m: &str) -> TokenStream {
        let name = ident(&msg.rust);
        let mut fields = Vec::new();
        let mut field_names = Vec::new();
        for p in &msg.body {
            let f = ident(&p.rust);
            let local = part_local(&p.rust);
            field_names.push(quote!(#f: #local));
            let (ty, what) = match p.kind {
                PartKind::Element(e) => {
                    let el = &self.ir.elements[e];
                    (self.value_type(el.ty, m), format!("element `{}`", el.name))
                }
                PartKind::Type(t) => (
                    self.value_type(t, m),
                    match op.style {
                        Style::Document => format!("type {}: the content of the SOAP Body", self.xml_label(t)),
                        Style::Rpc => format!("type {}", self.xml_label(t)),
                    },
                ),
            };
            let d = doc(&format!("Body part `{}`: {what}.", p.part));
            fields.push(quote!(#d pub #f: #ty));
        }
        for h in &msg.headers {
            let f = ident(&h.rust);
            let local = part_local(&h.rust);
            field_names.push(quote!(#f: #local));
            let el = &self.ir.elements[h.element];
            let ty = self.value_type(el.ty, m);
            let d = doc(&format!("Header part `{}`: element `{}`, optional.", h.part, el.name));
            fields.push(quote!(#d pub #f: ::core::option::Option<#ty>));
        }
        let d = doc(&format!("{dir} of operation `{}` (message `{}`).", op.name, msg.name));
        let decode = self.message_decode(op, msg, m);
        let encode_headers = self.message_encode_headers(msg, m);
        let encode_body = self.message_encode_body(op, msg, m);
        // Without header parts the trait's defaults (no header entries) hold.
        let header_methods = if msg.headers.is_empty() {
            TokenStream::new()
        } else {
            let checks = msg.headers.iter().map(|h| {
                let f = ident(&h.rust);
                quote!(self.#f.is_some())
            });
            quote! {
                fn has_headers(&self) -> bool {
                    #(#checks)||*
                }
                fn encode_headers(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    #encode_headers
                    ::core::result::Result::Ok(())
                }
            }
        };
        let default = if msg.body.is_empty() { quote!(, Default) } else { quote!() };
        quote! {
            #d
            #[derive(Clone, Debug, PartialEq #default)]
            pub struct #name {
                #(#fields,)*
            }

            impl __rt::SoapMessage for #name {
                fn decode_envelope<'a>(env: &mut __rt::EnvelopeReader<'a>) -> ::core::result::Result<Self, __rt::DecodeError> {
                    #decode
                    ::core::result::Result::Ok(Self { #(#field_names,)* })
                }
                #header_methods
                fn encode_body(&self, w: &mut __rt::Writer) -> ::core::result::Result<(), __rt::EncodeError> {
                    #encode_body
                    ::core::result::Result::Ok(())
                }
            }
        }
    }

    fn element_use(&self, e: ElementId) -> ElementUse {
        self.ir.element_use(e)
    }

    fn message_decode(&self, op: &Operation, msg: &MessageIr, m: &str) -> TokenStream {
        let mut out = TokenStream::new();
        // Headers.
        let mut arms = TokenStream::new();
        for h in &msg.headers {
            let f = part_local(&h.rust);
            let eu = self.element_use(h.element);
            let ns = self.ns_id(&eu.name.ns);
            let l = lit(&eu.name.local);
            let dec = self.header_decode(&eu, m);
            out.extend(quote!(let mut #f = ::core::option::Option::None;));
            arms.extend(quote! {
                if c.is(#ns, #l) {
                    if #f.is_some() {
                        return ::core::result::Result::Err(__rt::duplicate(&env.r, &c));
                    }
                    let r = &mut env.r;
                    #f = ::core::option::Option::Some(#dec);
                    continue;
                }
            });
        }
        if !msg.headers.is_empty() {
            out.extend(quote! {
                while let ::core::option::Option::Some(c) = env.next_header()? {
                    #arms
                    env.unknown_header(&c)?;
                }
            });
        }
        // Body (reading it passes over the header entries left, judging each as unknown).
        let type_part = matches!(msg.body.as_slice(), [BodyPart { kind: PartKind::Type(_), .. }]) && op.style == Style::Document;
        if let (None, [BodyPart { rust, kind: PartKind::Element(e), .. }]) = (&msg.rpc_wrapper, msg.body.as_slice()) {
            // The usual document-literal message: a Body of one element.
            let f = part_local(rust);
            let eu = self.element_use(*e);
            let ns = self.ns_id(&eu.name.ns);
            let l = lit(&eu.name.local);
            let codec = self.part_codec(&eu, m);
            out.extend(quote!(let #f = env.body_element::<#codec>(#ns, #l)?;));
            return out;
        }
        out.extend(quote!(let body = env.body()?;));
        if type_part {
            let BodyPart { rust, kind: PartKind::Type(t), .. } = &msg.body[0] else { unreachable!() };
            let f = part_local(rust);
            let ty = self.value_type(*t, m);
            out.extend(quote! {
                let #f = <#ty as __rt::ComplexType>::decode_xml(&mut env.r, &body)?;
                env.finish()?;
            });
            return out;
        }
        match &msg.rpc_wrapper {
            None => {
                out.extend(quote! {
                    let start = &body;
                    let r = &mut env.r;
                    let mut cur = r.next_child(start)?;
                });
                out.extend(self.parts_decode(msg, m, false));
                out.extend(quote!(env.end_body(&body, cur)?;));
            }
            Some(w) => {
                let ns = self.ns_id(&w.ns);
                let l = lit(&w.local);
                let parts = self.parts_decode(msg, m, true);
                out.extend(quote! {
                    let r = &mut env.r;
                    let mut cur = r.next_child(&body)?;
                    let wrapper = match cur {
                        ::core::option::Option::Some(c) if c.is(#ns, #l) => c,
                        _ => return ::core::result::Result::Err(r.missing_element(&body, cur.as_ref(), &[(#ns, #l)])),
                    };
                    let start = &wrapper;
                    let mut cur = r.next_child(start)?;
                    #parts
                    if let ::core::option::Option::Some(c) = cur {
                        return ::core::result::Result::Err(r.unexpected_element(&c, &[]).within(wrapper.name()));
                    }
                    let cur = r.next_child(&body)?;
                    env.end_body(&body, cur)?;
                });
            }
        }
        out
    }

    /// Decoders of the body parts, reading from `cur` under `start`.
    fn parts_decode(&self, msg: &MessageIr, m: &str, rpc: bool) -> TokenStream {
        let mut out = TokenStream::new();
        for p in &msg.body {
            let f = part_local(&p.rust);
            let (ns, l, codec) = match p.kind {
                PartKind::Element(e) => {
                    let eu = self.element_use(e);
                    let ns = self.ns_id(&eu.name.ns);
                    let l = lit(&eu.name.local);
                    (ns, l, self.part_codec(&eu, m))
                }
                PartKind::Type(t) => {
                    let eu = ElementUse::plain(&p.part, t);
                    (quote!(__rt::NsId::NONE), lit(&p.part), self.part_codec(&eu, m))
                }
            };
            let _ = rpc;
            out.extend(quote! {
                let #f = __rt::one::<#codec>(r, start, &mut cur, #ns, #l)?;
            });
        }
        out
    }

    /// The `ElementCodec` a body part is read with: the decoders of [`Self::header_decode`].
    fn part_codec(&self, e: &ElementUse, m: &str) -> TokenStream {
        if self.is_simple(e.ty) {
            let codec = self.codec_type(e.ty, m);
            if e.nillable { quote!(__rt::NillableSimple<#codec>) } else { quote!(__rt::Simple<#codec>) }
        } else {
            let ty = self.value_type(e.ty, m);
            quote!(__rt::Complex<#ty>)
        }
    }

    /// `decode(r, &c)` for a whole element.
    fn header_decode(&self, e: &ElementUse, m: &str) -> TokenStream {
        if self.is_simple(e.ty) {
            let codec = self.codec_type(e.ty, m);
            if e.nillable { quote!(__rt::decode_nillable_simple::<#codec>(r, &c)?) } else { quote!(__rt::decode_simple::<#codec>(r, &c)?) }
        } else {
            let ty = self.value_type(e.ty, m);
            quote!(__rt::decode_complex::<#ty>(r, &c)?)
        }
    }

    fn element_write(&self, e: &ElementUse, v: TokenStream, m: &str) -> TokenStream {
        let uri = self.ns_uri(&e.name.ns);
        let l = lit(&e.name.local);
        if self.is_simple(e.ty) {
            let codec = self.codec_type(e.ty, m);
            quote!(__rt::encode_simple::<#codec>(w, #uri, #l, #v)?;)
        } else {
            let ty = self.value_type(e.ty, m);
            quote!(__rt::encode_complex::<#ty>(w, #uri, #l, #v)?;)
        }
    }

    fn message_encode_headers(&self, msg: &MessageIr, m: &str) -> TokenStream {
        let mut out = TokenStream::new();
        for h in &msg.headers {
            let f = ident(&h.rust);
            let e = self.element_write(&self.element_use(h.element), quote!(v), m);
            out.extend(quote! {
                if let ::core::option::Option::Some(v) = &self.#f {
                    #e
                }
            });
        }
        out
    }

    fn message_encode_body(&self, op: &Operation, msg: &MessageIr, m: &str) -> TokenStream {
        let mut parts = TokenStream::new();
        for p in &msg.body {
            let f = ident(&p.rust);
            match (p.kind.clone(), op.style) {
                (PartKind::Element(e), _) => parts.extend(self.element_write(&self.element_use(e), quote!(&self.#f), m)),
                (PartKind::Type(t), Style::Document) => {
                    let ty = self.value_type(t, m);
                    parts.extend(quote! {
                        <#ty as __rt::ComplexType>::encode_attributes(&self.#f, w)?;
                        <#ty as __rt::ComplexType>::encode_content(&self.#f, w)?;
                    });
                }
                (PartKind::Type(t), Style::Rpc) => {
                    let eu = ElementUse::plain(&p.part, t);
                    parts.extend(self.element_write(&eu, quote!(&self.#f), m));
                }
            }
        }
        match &msg.rpc_wrapper {
            None => parts,
            Some(w) => {
                let uri = self.ns_uri(&w.ns);
                let l = lit(&w.local);
                quote! {
                    w.start(#uri, #l)?;
                    #parts
                    w.end(#uri, #l)?;
                }
            }
        }
    }

    /// The FIRST set of an operation's input body, and for each name the FIRST set of that
    /// element's content (for telling apart operations that share a Body element).
    fn body_first(&self, op: &Operation) -> (First, Option<(crate::syntax::QName, First)>) {
        self.message_first(op.input.as_ref())
    }

    fn message_first(&self, msg: Option<&MessageIr>) -> (First, Option<(crate::syntax::QName, First)>) {
        let Some(input) = msg else { return (First { emptiable: true, ..First::default() }, None) };
        if let Some(w) = &input.rpc_wrapper {
            let inner = First {
                names: input.body.iter().map(|p| crate::syntax::QName::new("", p.part.clone())).collect(),
                wildcards: vec![],
                emptiable: input.body.is_empty(),
            };
            return (First { names: vec![w.clone()], wildcards: vec![], emptiable: false }, Some((w.clone(), inner)));
        }
        match input.body.first().map(|p| &p.kind) {
            None => (First { emptiable: true, ..First::default() }, None),
            Some(PartKind::Element(e)) => {
                let el = &self.ir.elements[*e];
                let f = First { names: vec![el.name.clone()], wildcards: vec![], emptiable: false };
                (f, Some((el.name.clone(), self.ir.first_of_type(el.ty))))
            }
            Some(PartKind::Type(t)) => {
                let f = self.ir.first_of_type(*t);
                // The content of the first element, if the type starts with exactly one.
                let second = match (&f.names[..], &f.wildcards[..]) {
                    ([name], []) => self.member_type_named(*t, name).map(|ty| (name.clone(), self.ir.first_of_type(ty))),
                    _ => None,
                };
                (f, second)
            }
        }
    }

    /// The type of the element `name` at the start of type `t`'s content.
    fn member_type_named(&self, t: TypeId, name: &crate::syntax::QName) -> Option<TypeId> {
        let g = match &self.ir.types[t].kind {
            TypeKind::Complex(ComplexDef { content: Content::Elements(g), .. }) | TypeKind::Sequence(g) | TypeKind::Choice(g) => g,
            _ => return None,
        };
        g.members.iter().find_map(|m| match &m.term {
            MemberTerm::Element(e) if &e.name == name => Some(e.ty),
            MemberTerm::Group(gt) => self.member_type_named(*gt, name),
            _ => None,
        })
    }

    fn route(&self, s: &Service, ops_enum: &proc_macro2::Ident) -> TokenStream {
        let ops: Vec<(usize, &Operation)> = s.operations.iter().enumerate().filter(|(_, o)| o.input.is_some()).collect();
        let variant = |o: &Operation| {
            let v = ident(&o.variant);
            quote!(#ops_enum::#v)
        };
        let firsts: Vec<_> = ops.iter().map(|(_, o)| self.body_first(o)).collect();
        // Group operations whose Body can start with the same element.
        let n = ops.len();
        let mut group: Vec<usize> = (0..n).collect();
        fn find(g: &mut [usize], i: usize) -> usize {
            let mut r = i;
            while g[r] != r {
                r = g[r];
            }
            g[i] = r;
            r
        }
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (&firsts[i].0, &firsts[j].0);
                if a.intersects(b) {
                    let (ra, rb) = (find(&mut group, i), find(&mut group, j));
                    group[rb] = ra;
                }
            }
        }
        let mut seen = Vec::new();
        let mut body_arms = TokenStream::new();
        for i in 0..n {
            let root = find(&mut group, i);
            if seen.contains(&root) {
                continue;
            }
            seen.push(root);
            let members: Vec<usize> = (0..n).filter(|&j| find(&mut group, j) == root).collect();
            let mut union = First::default();
            for &j in &members {
                for name in &firsts[j].0.names {
                    if !union.names.contains(name) {
                        union.names.push(name.clone());
                    }
                }
                union.wildcards.extend(firsts[j].0.wildcards.iter().cloned());
            }
            if union.names.is_empty() && union.wildcards.is_empty() {
                continue;
            }
            let cond = self.first_check(&union);
            let all: Vec<TokenStream> = members.iter().map(|&j| variant(ops[j].1)).collect();
            let inner = if members.len() == 1 {
                quote!(&[#(#all),*])
            } else {
                self.discriminate(&members, &firsts, &ops, &variant).unwrap_or_else(|| quote!(&[#(#all),*]))
            };
            body_arms.extend(quote! {
                if #cond {
                    return #inner;
                }
            });
        }
        let empty: Vec<TokenStream> = (0..n).filter(|&j| firsts[j].0.emptiable).map(|j| variant(ops[j].1)).collect();
        // By action, for a Body that matches no operation (to report the error against the
        // operation the client meant).
        let mut by_action: Vec<(String, Vec<TokenStream>)> = Vec::new();
        for (_, o) in &ops {
            if o.soap_action.is_empty() {
                continue;
            }
            match by_action.iter_mut().find(|(a, _)| *a == o.soap_action) {
                Some((_, v)) => v.push(variant(o)),
                None => by_action.push((o.soap_action.clone(), vec![variant(o)])),
            }
        }
        let action_arms = by_action.iter().map(|(a, v)| {
            let l = lit(a);
            quote!(::core::option::Option::Some(#l) => &[#(#v),*],)
        });
        quote! {
            /// The operations a request may be for, most likely first: by the Body's first
            /// element (and, when operations share it, by that element's first child); when
            /// the Body matches no operation, by the action.
            pub fn route(action: ::core::option::Option<&str>, probe: &__rt::BodyProbe<'_>) -> &'static [#ops_enum] {
                if let ::core::option::Option::Some(c) = probe.child {
                    #body_arms
                } else {
                    let empty: &'static [#ops_enum] = &[#(#empty),*];
                    if !empty.is_empty() {
                        return empty;
                    }
                }
                match action {
                    #(#action_arms)*
                    _ => &[],
                }
            }
        }
    }

    fn message_enum(&self, s: &Service, ops_enum: &proc_macro2::Ident) -> TokenStream {
        let name = ident(&s.items.messages);
        let mut variants = TokenStream::new();
        let mut encode_arms = TokenStream::new();
        let mut op_arms = TokenStream::new();
        let mut kind_arms = TokenStream::new();
        let mut input_arms = TokenStream::new();
        let mut output_tries = TokenStream::new();
        for op in &s.operations {
            let Some(input) = &op.input else { continue };
            let ov = ident(&op.variant);
            let messages = [Some((input, quote!(Input))), op.output.as_ref().map(|o| (o, quote!(Output)))];
            for (msg, kind) in messages.into_iter().flatten() {
                let v = ident(&msg.rust);
                let d = doc(&format!("The {} of operation `{}`.", if kind.to_string() == "Input" { "input" } else { "output" }, op.name));
                variants.extend(quote!(#d #v(#v),));
                encode_arms.extend(quote!(Self::#v(m) => m,));
                op_arms.extend(quote!(Self::#v(_) => ::core::option::Option::Some(#ops_enum::#ov),));
                kind_arms.extend(quote!(Self::#v(_) => __rt::MessageKind::#kind,));
            }
            let iv = ident(&input.rust);
            input_arms.extend(quote!(#ops_enum::#ov => probed.decode_as(Self::#iv),));
            let Some(output) = &op.output else { continue };
            let outv = ident(&output.rust);
            let (first, _) = self.message_first(Some(output));
            let check = self.first_check(&first);
            let cond =
                if first.emptiable { quote!(probe.child.is_none_or(|c| #check)) } else { quote!(probe.child.is_some_and(|c| #check)) };
            output_tries.extend(quote!((#cond, |p| p.decode_as(Self::#outv)),));
        }
        let d = doc(&format!(
            "Any message of binding `{}`: an operation's input or output, or a fault.\n\
             For tools that handle captured traffic (`soapkit roundtrip`), logging proxies and tests.",
            s.binding
        ));
        quote! {
            #d
            #[derive(Clone, Debug, PartialEq)]
            pub enum #name {
                #variants
                /// A SOAP fault.
                Fault(__rt::Fault),
            }

            impl #name {
                /// Decodes an envelope as whichever message of the binding it is: a fault, a
                /// request (routed as the dispatcher routes it) or a response. When it is none,
                /// the error is the one from the message it came closest to.
                pub fn decode(text: &str) -> ::core::result::Result<Self, __rt::DecodeError> {
                    let probed = __rt::Probed::open(text, NAMESPACES, ::core::option::Option::Some(VERSION), __rt::Limits::DEFAULT)?;
                    let probe = &probed.probe;
                    if let ::core::option::Option::Some((fault, _)) = probed.fault()? {
                        return ::core::result::Result::Ok(Self::Fault(fault));
                    }
                    let mut best: ::core::option::Option<__rt::DecodeError> = ::core::option::Option::None;
                    for op in route(::core::option::Option::None, probe) {
                        let decoded = match op {
                            #input_arms
                        };
                        if let ::core::option::Option::Some(m) = __rt::decoded_or_keep(&mut best, decoded) {
                            return ::core::result::Result::Ok(m);
                        }
                    }
                    // Each output whose Body element the Body's first child can start.
                    let outputs: &[(bool, fn(&__rt::Probed<'_>) -> ::core::result::Result<Self, __rt::DecodeError>)] = &[#output_tries];
                    for (applies, decode) in outputs {
                        if *applies {
                            if let ::core::option::Option::Some(m) = __rt::decoded_or_keep(&mut best, decode(&probed)) {
                                return ::core::result::Result::Ok(m);
                            }
                        }
                    }
                    ::core::result::Result::Err(best.map(|e| probed.settle(e)).unwrap_or_else(|| probed.unroutable()))
                }

                /// Encodes the message in an envelope.
                pub fn encode(&self) -> ::core::result::Result<::std::string::String, __rt::EncodeError> {
                    __rt::encode_to_string(|out| self.encode_into(out))
                }

                /// Appends the message in an envelope to `out` (nothing on error): reusing
                /// the buffer, a message is encoded without allocating.
                pub fn encode_into(&self, out: &mut ::std::string::String) -> ::core::result::Result<(), __rt::EncodeError> {
                    let message: &dyn __rt::SoapMessage = match self {
                        #encode_arms
                        Self::Fault(f) => return __rt::encode_fault_into(VERSION, f, out),
                    };
                    __rt::encode_message_into(VERSION, PREFIXES, message, out)
                }

                /// The operation, unless this is a fault.
                pub fn operation(&self) -> ::core::option::Option<#ops_enum> {
                    match self {
                        #op_arms
                        Self::Fault(_) => ::core::option::Option::None,
                    }
                }

                /// Input, output or fault.
                pub fn kind(&self) -> __rt::MessageKind {
                    match self {
                        #kind_arms
                        Self::Fault(_) => __rt::MessageKind::Fault,
                    }
                }
            }

            impl __rt::MessageSet for #name {
                fn decode(text: &str) -> ::core::result::Result<Self, __rt::DecodeError> {
                    Self::decode(text)
                }
                fn encode(&self) -> ::core::result::Result<::std::string::String, __rt::EncodeError> {
                    Self::encode(self)
                }
                fn encode_into(&self, out: &mut ::std::string::String) -> ::core::result::Result<(), __rt::EncodeError> {
                    Self::encode_into(self, out)
                }
                fn operation_name(&self) -> ::core::option::Option<&'static str> {
                    self.operation().map(|o| o.name())
                }
                fn kind(&self) -> __rt::MessageKind {
                    Self::kind(self)
                }
            }
        }
    }

    /// Tells apart operations that share their Body's element by that element's first child,
    /// when their FIRST sets do not overlap.
    fn discriminate(
        &self,
        members: &[usize],
        firsts: &[(First, Option<(crate::syntax::QName, First)>)],
        ops: &[(usize, &Operation)],
        variant: &dyn Fn(&Operation) -> TokenStream,
    ) -> Option<TokenStream> {
        let seconds: Vec<&(crate::syntax::QName, First)> = members.iter().map(|&j| firsts[j].1.as_ref()).collect::<Option<_>>()?;
        let name = &seconds[0].0;
        if seconds.iter().any(|(n, _)| n != name) {
            return None;
        }
        for a in 0..seconds.len() {
            for b in a + 1..seconds.len() {
                if seconds[a].1.intersects(&seconds[b].1) || (seconds[a].1.emptiable && seconds[b].1.emptiable) {
                    return None;
                }
            }
        }
        let mut arms = TokenStream::new();
        let mut empty = None;
        for (k, &j) in members.iter().enumerate() {
            let v = variant(ops[j].1);
            let f = &seconds[k].1;
            if !f.names.is_empty() || !f.wildcards.is_empty() {
                let cond = self.first_check(f);
                arms.extend(quote!(::core::option::Option::Some(c) if #cond => &[#v],));
            }
            if f.emptiable {
                empty = Some(v);
            }
        }
        let all: Vec<TokenStream> = members.iter().map(|&j| variant(ops[j].1)).collect();
        let none = match empty {
            Some(v) => quote!(::core::option::Option::None => &[#v],),
            None => TokenStream::new(),
        };
        Some(quote! {
            match probe.grandchild {
                #arms
                #none
                _ => &[#(#all),*],
            }
        })
    }
}
