//! WSDL 1.1 documents: `wsdl:import`, inline schemas, messages, port types, SOAP 1.1/1.2
//! bindings and services.

use roxmltree::{Document, Node};

use super::locate::Base;
use super::{Loader, doc_of, is_wsdl, is_xs, record_prefixes, soap_version, span_of};
use crate::diag::{DiagKind, FileId, Span};
use crate::syntax::*;

impl Loader<'_> {
    /// Reads a `wsdl:definitions` document (an input or an imported one) into the
    /// definitions being built.
    pub(super) fn read_wsdl(&mut self, doc: &Document<'_>, file: FileId, base: &Base, root: Node<'_, '_>) {
        let tns = root.attribute("targetNamespace").unwrap_or("").to_owned();
        record_prefixes(&mut self.schema, root, &tns);
        for child in root.children().filter(Node::is_element) {
            let span = span_of(doc, file, child);
            let name = child.tag_name();
            if name.namespace() != Some(WSDL) {
                self.check_extension(child, span);
                continue;
            }
            match name.name() {
                "documentation" => {}
                "import" => match child.attribute("location") {
                    Some(location) => self.load_import(base, location, child.attribute("namespace"), span),
                    None => self.err(DiagKind::Invalid, Some(span), "wsdl:import without location"),
                },
                "types" => self.read_types(doc, file, base, child),
                "message" => self.read_message(doc, file, &tns, child, span),
                "portType" => self.read_port_type(doc, file, &tns, child, span),
                "binding" => {
                    let Some(n) = self.name_attr(child, span, "wsdl:binding") else { continue };
                    if let Some(b) = self.read_binding(doc, file, child, span) {
                        self.push_wsdl(|w| w.bindings.push(Named { name: QName::new(&tns, n), span, doc: doc_of(child), item: b }));
                    }
                }
                "service" => self.read_service(doc, file, &tns, child, span),
                other => self.err(DiagKind::Unsupported, Some(span), format!("unsupported construct wsdl:{other}")),
            }
        }
    }

    /// `wsdl:types`: inline schemas.
    fn read_types(&mut self, doc: &Document<'_>, file: FileId, base: &Base, node: Node<'_, '_>) {
        for schema in node.children().filter(Node::is_element) {
            let sspan = span_of(doc, file, schema);
            if is_xs(&schema, "schema") {
                self.read_schema_doc(doc, file, base.clone(), schema, None, Some(sspan));
            } else if schema.tag_name().namespace() != Some(WSDL) {
                self.check_extension(schema, sspan);
            }
        }
    }

    fn read_message(&mut self, doc: &Document<'_>, file: FileId, tns: &str, node: Node<'_, '_>, span: Span) {
        let Some(n) = self.name_attr(node, span, "wsdl:message") else { return };
        let mut message = Message::default();
        for part in node.children().filter(|c| is_wsdl(c, "part")) {
            let pspan = span_of(doc, file, part);
            let Some(pname) = self.name_attr(part, pspan, "wsdl:part") else { continue };
            let kind = match (part.attribute("element"), part.attribute("type")) {
                (Some(e), None) => self.qref(part, e, pspan, None).map(PartKind::Element),
                (None, Some(t)) => self.qref(part, t, pspan, None).map(PartKind::Type),
                _ => {
                    self.err(
                        DiagKind::Invalid,
                        Some(pspan),
                        format!("wsdl:part '{pname}' of message {{{tns}}}{n} needs exactly one of element= or type="),
                    );
                    None
                }
            };
            if let Some(kind) = kind {
                message.parts.push(Part { name: pname, span: pspan, kind });
            }
        }
        self.push_wsdl(|w| w.messages.push(Named { name: QName::new(tns, n), span, doc: doc_of(node), item: message }));
    }

    fn read_port_type(&mut self, doc: &Document<'_>, file: FileId, tns: &str, node: Node<'_, '_>, span: Span) {
        let Some(n) = self.name_attr(node, span, "wsdl:portType") else { return };
        let mut pt = PortType::default();
        for op in node.children().filter(|c| is_wsdl(c, "operation")) {
            let ospan = span_of(doc, file, op);
            let Some(oname) = self.name_attr(op, ospan, "wsdl:operation") else { continue };
            pt.operations.push(self.read_operation(doc, file, op, oname, ospan));
        }
        self.push_wsdl(|w| w.port_types.push(Named { name: QName::new(tns, n), span, doc: doc_of(node), item: pt }));
    }

    /// A port type operation: its input, output (in the order written: output first makes a
    /// notification or solicit-response operation) and faults.
    fn read_operation(&mut self, doc: &Document<'_>, file: FileId, op: Node<'_, '_>, name: String, span: Span) -> Operation {
        let mut operation = Operation { name, span, doc: doc_of(op), input: None, output: None, output_first: false, faults: Vec::new() };
        for io in op.children().filter(Node::is_element) {
            let iospan = span_of(doc, file, io);
            if io.tag_name().namespace() != Some(WSDL) {
                self.check_extension(io, iospan);
                continue;
            }
            let message = io.attribute("message").and_then(|m| self.qref(io, m, iospan, None));
            let named = |m| OpMessage { name: io.attribute("name").map(str::to_owned), message: m };
            match (io.tag_name().name(), message) {
                ("documentation", _) => {}
                ("input", Some(m)) => operation.input = Some(named(m)),
                ("output", Some(m)) => {
                    operation.output_first = operation.input.is_none();
                    operation.output = Some(named(m));
                }
                ("fault", Some(m)) => {
                    operation.faults.push(OpFault { name: io.attribute("name").unwrap_or("").to_owned(), message: m, span: iospan })
                }
                (other @ ("input" | "output" | "fault"), None) => {
                    self.err(DiagKind::Invalid, Some(iospan), format!("wsdl:{other} without message="))
                }
                (other, _) => {
                    self.err(DiagKind::Unsupported, Some(iospan), format!("unsupported construct wsdl:{other} in wsdl:operation"))
                }
            }
        }
        operation
    }

    fn read_service(&mut self, doc: &Document<'_>, file: FileId, tns: &str, node: Node<'_, '_>, span: Span) {
        let Some(n) = self.name_attr(node, span, "wsdl:service") else { return };
        let mut service = Service::default();
        for port in node.children().filter(|c| is_wsdl(c, "port")) {
            let pspan = span_of(doc, file, port);
            let (Some(pname), Some(b)) = (self.name_attr(port, pspan, "wsdl:port"), port.attribute("binding")) else {
                continue;
            };
            let Some(binding) = self.qref(port, b, pspan, None) else { continue };
            let address = port
                .children()
                .find(|a| a.is_element() && a.tag_name().name() == "address")
                .and_then(|a| a.attribute("location"))
                .map(str::to_owned);
            service.ports.push(Port { name: pname, binding, address });
        }
        self.push_wsdl(|w| w.services.push(Named { name: QName::new(tns, n), span, doc: doc_of(node), item: service }));
    }

    fn push_wsdl(&mut self, f: impl FnOnce(&mut Wsdl)) {
        if let Some(w) = self.wsdl.as_mut() {
            f(w);
        }
    }

    /// Extensibility elements may be ignored unless marked `wsdl:required="true"`.
    fn check_extension(&mut self, node: Node<'_, '_>, span: Span) {
        if matches!(node.attribute((WSDL, "required")).map(str::trim), Some("true" | "1")) {
            let n = node.tag_name();
            self.err(
                DiagKind::Unsupported,
                Some(span),
                format!("unsupported required WSDL extension {{{}}}{}", n.namespace().unwrap_or(""), n.name()),
            );
        }
    }

    fn read_binding(&mut self, doc: &Document<'_>, file: FileId, node: Node<'_, '_>, span: Span) -> Option<Binding> {
        let port_type = self.qref(node, node.attribute("type")?, span, None)?;
        let mut binding = Binding { port_type, soap: None, operations: Vec::new() };
        for child in node.children().filter(Node::is_element) {
            let cspan = span_of(doc, file, child);
            match soap_version(child) {
                Some(version) if child.tag_name().name() == "binding" => {
                    binding.soap = Some(SoapBinding {
                        version,
                        style: self.style(child, cspan),
                        transport: child.attribute("transport").map(str::to_owned),
                        span: cspan,
                    });
                }
                Some(_) => {
                    self.err(DiagKind::Unsupported, Some(cspan), format!("unsupported SOAP binding element {}", child.tag_name().name()))
                }
                None if is_wsdl(&child, "operation") => {
                    let Some(name) = self.name_attr(child, cspan, "wsdl:operation") else { continue };
                    let mut op = BindingOp {
                        name,
                        span: cspan,
                        soap_action: None,
                        soap_action_required: None,
                        style: None,
                        input: None,
                        output: None,
                        faults: Vec::new(),
                    };
                    for part in child.children().filter(Node::is_element) {
                        let pspan = span_of(doc, file, part);
                        if soap_version(part).is_some() && part.tag_name().name() == "operation" {
                            op.soap_action = part.attribute("soapAction").map(str::to_owned);
                            op.soap_action_required = part.attribute("soapActionRequired").map(|v| v == "true");
                            op.style = self.style(part, pspan);
                        } else if is_wsdl(&part, "input") || is_wsdl(&part, "output") {
                            let io = self.read_binding_io(doc, file, part);
                            if part.tag_name().name() == "input" {
                                op.input = Some(io);
                            } else {
                                op.output = Some(io);
                            }
                        } else if is_wsdl(&part, "fault") {
                            let usage = part
                                .children()
                                .find(|f| soap_version(*f).is_some() && f.tag_name().name() == "fault")
                                .map_or(BodyUse::Literal, |f| self.body_use(f, pspan));
                            op.faults.push(BindingFault { name: part.attribute("name").unwrap_or("").to_owned(), span: pspan, usage });
                        } else if is_wsdl(&part, "documentation") {
                        } else {
                            self.check_extension(part, pspan);
                        }
                    }
                    binding.operations.push(op);
                }
                None if is_wsdl(&child, "documentation") => {}
                None => self.check_extension(child, cspan),
            }
        }
        Some(binding)
    }

    fn read_binding_io(&mut self, doc: &Document<'_>, file: FileId, node: Node<'_, '_>) -> BindingIo {
        let mut io = BindingIo::default();
        for ext in node.children().filter(Node::is_element) {
            let span = span_of(doc, file, ext);
            if soap_version(ext).is_none() {
                if !is_wsdl(&ext, "documentation") {
                    self.check_extension(ext, span);
                }
                continue;
            }
            match ext.tag_name().name() {
                "body" => {
                    io.body = Some(SoapBody {
                        span,
                        parts: ext.attribute("parts").map(|p| p.split_ascii_whitespace().map(str::to_owned).collect()),
                        usage: self.body_use(ext, span),
                        namespace: ext.attribute("namespace").map(str::to_owned),
                    });
                }
                "header" => {
                    let (Some(m), Some(part)) = (ext.attribute("message"), ext.attribute("part")) else {
                        self.err(DiagKind::Invalid, Some(span), "soap:header needs message= and part=");
                        continue;
                    };
                    if let Some(message) = self.qref(ext, m, span, None) {
                        io.headers.push(SoapHeader { span, message, part: part.to_owned(), usage: self.body_use(ext, span) });
                    }
                }
                other => self.err(DiagKind::Unsupported, Some(span), format!("unsupported construct soap:{other} in a binding message")),
            }
        }
        io
    }

    fn style(&mut self, node: Node<'_, '_>, span: Span) -> Option<Style> {
        match node.attribute("style")? {
            "document" => Some(Style::Document),
            "rpc" => Some(Style::Rpc),
            other => {
                self.err(DiagKind::Invalid, Some(span), format!("invalid style '{other}'"));
                None
            }
        }
    }

    fn body_use(&mut self, node: Node<'_, '_>, span: Span) -> BodyUse {
        match node.attribute("use") {
            None | Some("literal") => BodyUse::Literal,
            Some("encoded") => BodyUse::Encoded,
            Some(other) => {
                self.err(DiagKind::Invalid, Some(span), format!("invalid use '{other}'"));
                BodyUse::Literal
            }
        }
    }

    /// `wsdl:import`: a WSDL (read into the same definitions) or a schema.
    pub(super) fn load_import(&mut self, base: &Base, location: &str, namespace: Option<&str>, span: Span) {
        let (path, doc_base) = match self.locate(base, location) {
            Ok(found) => found,
            Err(why) => {
                self.err(DiagKind::Unreadable, Some(span), format!("cannot import '{location}': {why}"));
                return;
            }
        };
        let Some((file, text)) = self.read_text(&path, Some(span)) else { return };
        let Some(doc) = self.parse(file, &text) else { return };
        let root = doc.root_element();
        let rspan = span_of(&doc, file, root);
        match (root.tag_name().namespace(), root.tag_name().name()) {
            (Some(WSDL), "definitions") => {
                if self.seen_wsdls.insert(path.clone()) {
                    self.read_wsdl(&doc, file, &doc_base, root);
                }
            }
            (Some(XS), "schema") => {
                let tns = root.attribute("targetNamespace").unwrap_or("");
                if let Some(expected) = namespace
                    && tns != expected
                {
                    self.err(DiagKind::Invalid, Some(span), format!("imported schema has targetNamespace '{tns}', expected '{expected}'"));
                    return;
                }
                if self.seen_schemas.insert((path.clone(), tns.to_owned())) {
                    self.read_schema_doc(&doc, file, doc_base, root, None, Some(rspan));
                }
            }
            _ => self.err(DiagKind::Invalid, Some(rspan), "imported document is neither WSDL nor XML Schema"),
        }
    }
}
