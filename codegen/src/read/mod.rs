//! Reading stage: WSDL 1.1 and XML Schema files into the [`syntax`](crate::syntax) model.
//!
//! This is the only module that sees roxmltree. It follows `wsdl:import`, `xs:include`
//! (including chameleon includes, and cyclic or self includes, which are read once) and
//! `xs:import`, expands every qualified name through the namespace declarations in scope and
//! applies `elementFormDefault` / `attributeFormDefault` / `form` to local declarations.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node, ParsingOptions};

use crate::diag::{DiagKind, Diagnostic, Diagnostics, FileId, SourceMap, Span};
use crate::syntax::*;

/// The result of reading: all schema components, the WSDL (if the entry was a WSDL) and the
/// files read.
#[derive(Debug)]
pub struct Loaded {
    /// All global schema components.
    pub schema: Schema,
    /// The WSDL definitions, if the entry file was a WSDL.
    pub wsdl: Option<Wsdl>,
    /// The files read.
    pub sources: SourceMap,
    /// `xs:import`s whose document could not be read: (namespace, where, why). A schema
    /// location on an import is a hint, so this matters only if a component of that namespace
    /// is referenced; the unresolved reference then says why.
    pub failed_imports: Vec<(String, Span, String)>,
}

/// Reads `entry` (a `.wsdl` or `.xsd`) and everything it includes or imports.
pub fn load(entry: &Path, display_base: Option<PathBuf>) -> Result<Loaded, Diagnostics> {
    LINES.with(|c| c.borrow_mut().clear());
    let mut loader = Loader {
        sources: SourceMap::with_base(display_base),
        diags: Vec::new(),
        schema: Schema::default(),
        wsdl: None,
        seen_schemas: HashSet::new(),
        seen_wsdls: HashSet::new(),
        failed_imports: Vec::new(),
    };
    loader.load_entry(entry);
    LINES.with(|c| c.borrow_mut().clear());
    if loader.diags.is_empty() {
        Ok(Loaded { schema: loader.schema, wsdl: loader.wsdl, sources: loader.sources, failed_imports: loader.failed_imports })
    } else {
        Err(Diagnostics { list: loader.diags, sources: loader.sources })
    }
}

struct Loader {
    sources: SourceMap,
    diags: Vec<Diagnostic>,
    schema: Schema,
    wsdl: Option<Wsdl>,
    /// (file, effective target namespace): a chameleon include into two namespaces is read twice.
    seen_schemas: HashSet<(PathBuf, String)>,
    seen_wsdls: HashSet<PathBuf>,
    failed_imports: Vec<(String, Span, String)>,
}

/// Context of one schema document.
struct SchemaCx<'a, 'i> {
    doc: &'a Document<'i>,
    file: FileId,
    dir: PathBuf,
    /// The effective target namespace (the includer's for a chameleon include).
    tns: String,
    /// Whether unqualified references mean the includer's namespace.
    chameleon: bool,
    element_form_qualified: bool,
    attribute_form_qualified: bool,
}

impl Loader {
    fn err(&mut self, kind: DiagKind, span: Option<Span>, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(kind, span, msg));
    }

    /// An `xs:boolean` attribute (`true`, `false`, `1`, `0`; whitespace collapsed), `default`
    /// when absent; any other value is an error.
    fn bool_attr(&mut self, node: Node<'_, '_>, name: &str, default: bool, span: Span) -> bool {
        match node.attribute(name).map(str::trim) {
            None => default,
            Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => {
                self.err(
                    DiagKind::Invalid,
                    Some(span),
                    format!("invalid {name} '{other}' on {}: expected true, false, 1 or 0", node_label(node)),
                );
                default
            }
        }
    }

    /// A `form`, `elementFormDefault` or `attributeFormDefault` attribute: whether it says
    /// `qualified`, `None` when absent; any other value is an error.
    fn form_attr(&mut self, node: Node<'_, '_>, name: &str, span: Span) -> Option<bool> {
        match node.attribute(name).map(str::trim) {
            None => None,
            Some("qualified") => Some(true),
            Some("unqualified") => Some(false),
            Some(other) => {
                self.err(
                    DiagKind::Invalid,
                    Some(span),
                    format!("invalid {name} '{other}' on {}: expected qualified or unqualified", node_label(node)),
                );
                None
            }
        }
    }

    fn read_text(&mut self, path: &Path, from: Option<Span>) -> Option<(FileId, String)> {
        let file = self.sources.add(path);
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Some((file, text)),
                Err(e) => {
                    // Point at the first byte that is not UTF-8, in the file itself.
                    let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                    let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                    let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
                    let span = Span { file, line: line as u32, column: column as u32 };
                    let msg =
                        format!("{} is not valid UTF-8 (only UTF-8 input is supported): {}", self.sources.display(file), e.utf8_error());
                    self.diags.push(Diagnostic::new(DiagKind::Unreadable, Some(span), msg));
                    None
                }
            },
            Err(e) => {
                let msg = format!("cannot read {}: {e}", self.sources.display(file));
                self.err(DiagKind::Unreadable, from, msg);
                None
            }
        }
    }

    fn parse<'i>(&mut self, file: FileId, text: &'i str) -> Option<Document<'i>> {
        let opts = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
        match Document::parse_with_options(text, opts) {
            Ok(doc) => Some(doc),
            Err(e) => {
                let pos = e.pos();
                let span = Span { file, line: pos.row, column: pos.col };
                self.err(DiagKind::Unreadable, Some(span), format!("not well-formed XML: {e}"));
                None
            }
        }
    }

    fn load_entry(&mut self, entry: &Path) {
        let path = normalize(entry);
        let Some((file, text)) = self.read_text(&path, None) else { return };
        let Some(doc) = self.parse(file, &text) else { return };
        let root = doc.root_element();
        let span = span_of(&doc, file, root);
        match (root.tag_name().namespace(), root.tag_name().name()) {
            (Some(WSDL), "definitions") => {
                self.seen_wsdls.insert(path.clone());
                let tns = root.attribute("targetNamespace").unwrap_or("").to_owned();
                self.wsdl = Some(Wsdl { target_ns: tns, doc: doc_of(root), ..Wsdl::default() });
                self.read_wsdl(&doc, file, &path, root);
            }
            (Some(XS), "schema") => {
                let tns = root.attribute("targetNamespace").unwrap_or("").to_owned();
                self.seen_schemas.insert((path.clone(), tns));
                self.read_schema_doc(&doc, file, parent_dir(&path), root, None, Some(span));
            }
            _ => self.err(
                DiagKind::Invalid,
                Some(span),
                format!("{} is neither a WSDL 1.1 definitions nor an XML Schema document", path.display()),
            ),
        }
    }

    // ----- WSDL -----------------------------------------------------------------------------

    fn read_wsdl(&mut self, doc: &Document<'_>, file: FileId, path: &Path, root: Node<'_, '_>) {
        let dir = parent_dir(path);
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
                "import" => {
                    let Some(location) = child.attribute("location") else {
                        self.err(DiagKind::Invalid, Some(span), "wsdl:import without location");
                        continue;
                    };
                    self.load_import(&dir, location, child.attribute("namespace"), span);
                }
                "types" => {
                    for schema in child.children().filter(Node::is_element) {
                        let sspan = span_of(doc, file, schema);
                        if schema.tag_name().namespace() == Some(XS) && schema.tag_name().name() == "schema" {
                            self.read_schema_doc(doc, file, dir.clone(), schema, None, Some(sspan));
                        } else if schema.tag_name().namespace() != Some(WSDL) {
                            self.check_extension(schema, sspan);
                        }
                    }
                }
                "message" => {
                    let Some(n) = self.name_attr(child, span, "wsdl:message") else { continue };
                    let mut message = Message::default();
                    for part in child.children().filter(|c| is_wsdl(c, "part")) {
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
                    self.push_wsdl(|w| w.messages.push(Named { name: QName::new(&tns, n), span, doc: doc_of(child), item: message }));
                }
                "portType" => {
                    let Some(n) = self.name_attr(child, span, "wsdl:portType") else { continue };
                    let mut pt = PortType::default();
                    for op in child.children().filter(|c| is_wsdl(c, "operation")) {
                        let ospan = span_of(doc, file, op);
                        let Some(oname) = self.name_attr(op, ospan, "wsdl:operation") else { continue };
                        let mut operation =
                            Operation { name: oname, span: ospan, doc: doc_of(op), input: None, output: None, faults: Vec::new() };
                        for io in op.children().filter(Node::is_element) {
                            let iospan = span_of(doc, file, io);
                            if io.tag_name().namespace() != Some(WSDL) {
                                self.check_extension(io, iospan);
                                continue;
                            }
                            let message = io.attribute("message").and_then(|m| self.qref(io, m, iospan, None));
                            match (io.tag_name().name(), message) {
                                ("documentation", _) => {}
                                ("input", Some(m)) => {
                                    operation.input = Some(OpMessage { name: io.attribute("name").map(str::to_owned), message: m })
                                }
                                ("output", Some(m)) => {
                                    operation.output = Some(OpMessage { name: io.attribute("name").map(str::to_owned), message: m })
                                }
                                ("fault", Some(m)) => operation.faults.push(OpFault {
                                    name: io.attribute("name").unwrap_or("").to_owned(),
                                    message: m,
                                    span: iospan,
                                }),
                                (other, None) if matches!(other, "input" | "output" | "fault") => {
                                    self.err(DiagKind::Invalid, Some(iospan), format!("wsdl:{other} without message="))
                                }
                                (other, _) => self.err(
                                    DiagKind::Unsupported,
                                    Some(iospan),
                                    format!("unsupported construct wsdl:{other} in wsdl:operation"),
                                ),
                            }
                        }
                        pt.operations.push(operation);
                    }
                    self.push_wsdl(|w| w.port_types.push(Named { name: QName::new(&tns, n), span, doc: doc_of(child), item: pt }));
                }
                "binding" => {
                    let Some(n) = self.name_attr(child, span, "wsdl:binding") else { continue };
                    if let Some(b) = self.read_binding(doc, file, child, span) {
                        self.push_wsdl(|w| w.bindings.push(Named { name: QName::new(&tns, n), span, doc: doc_of(child), item: b }));
                    }
                }
                "service" => {
                    let Some(n) = self.name_attr(child, span, "wsdl:service") else { continue };
                    let mut service = Service::default();
                    for port in child.children().filter(|c| is_wsdl(c, "port")) {
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
                    self.push_wsdl(|w| w.services.push(Named { name: QName::new(&tns, n), span, doc: doc_of(child), item: service }));
                }
                other => self.err(DiagKind::Unsupported, Some(span), format!("unsupported construct wsdl:{other}")),
            }
        }
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

    fn load_import(&mut self, dir: &Path, location: &str, namespace: Option<&str>, span: Span) {
        if is_remote(location) {
            self.err(
                DiagKind::Unsupported,
                Some(span),
                format!("remote location '{location}' is not fetched; save a local copy and refer to it"),
            );
            return;
        }
        let path = normalize(&dir.join(location));
        let Some((file, text)) = self.read_text(&path, Some(span)) else { return };
        let Some(doc) = self.parse(file, &text) else { return };
        let root = doc.root_element();
        let rspan = span_of(&doc, file, root);
        match (root.tag_name().namespace(), root.tag_name().name()) {
            (Some(WSDL), "definitions") => {
                if self.seen_wsdls.insert(path.clone()) {
                    self.read_wsdl(&doc, file, &path, root);
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
                    self.read_schema_doc(&doc, file, parent_dir(&path), root, None, Some(rspan));
                }
            }
            _ => self.err(DiagKind::Invalid, Some(rspan), "imported document is neither WSDL nor XML Schema"),
        }
    }

    // ----- XML Schema -----------------------------------------------------------------------

    /// Reads one `xs:schema` element. `chameleon_tns` is the includer's namespace when this
    /// document is included and has no target namespace of its own.
    fn read_schema_doc(
        &mut self,
        doc: &Document<'_>,
        file: FileId,
        dir: PathBuf,
        root: Node<'_, '_>,
        chameleon_tns: Option<&str>,
        _span: Option<Span>,
    ) {
        let own_tns = root.attribute("targetNamespace");
        let (tns, chameleon) = match (own_tns, chameleon_tns) {
            (None, Some(c)) => (c.to_owned(), !c.is_empty()),
            (t, _) => (t.unwrap_or("").to_owned(), false),
        };
        record_prefixes(&mut self.schema, root, &tns);
        let mut cx = SchemaCx { doc, file, dir, tns, chameleon, element_form_qualified: false, attribute_form_qualified: false };
        let root_span = cx.span(root);
        cx.element_form_qualified = self.form_attr(root, "elementFormDefault", root_span).unwrap_or(false);
        cx.attribute_form_qualified = self.form_attr(root, "attributeFormDefault", root_span).unwrap_or(false);
        for child in root.children().filter(Node::is_element) {
            let span = cx.span(child);
            if child.tag_name().namespace() != Some(XS) {
                continue; // foreign elements at top level are not allowed by XSD, but harmless
            }
            match child.tag_name().name() {
                "annotation" => {}
                "include" => self.include(&cx, child, span),
                "import" => self.import(&cx, child, span),
                "element" => {
                    if let Some(decl) = self.element_decl(&cx, child, true) {
                        let name = decl.name.clone();
                        self.schema.elements.push(Named { name, span, doc: doc_of(child), item: decl });
                    }
                }
                "attribute" => {
                    if let Some(decl) = self.attribute_decl(&cx, child, true) {
                        let name = decl.name.clone();
                        self.schema.attributes.push(Named { name, span, doc: doc_of(child), item: decl });
                    }
                }
                kind @ ("simpleType" | "complexType") => {
                    let Some(n) = self.name_attr(child, span, &format!("a global xs:{kind}")) else { continue };
                    if let Some(def) = self.type_def(&cx, child) {
                        self.schema.types.push(Named { name: QName::new(&cx.tns, n), span, doc: doc_of(child), item: def });
                    }
                }
                "group" => {
                    let Some(n) = self.name_attr(child, span, "xs:group") else { continue };
                    let particle = child
                        .children()
                        .filter(|c| is_xs(c, "sequence") || is_xs(c, "choice") || is_xs(c, "all"))
                        .find_map(|c| self.particle(&cx, c));
                    match particle {
                        Some(p) => self.schema.groups.push(Named { name: QName::new(&cx.tns, n), span, doc: doc_of(child), item: p }),
                        None => self.err(DiagKind::Invalid, Some(span), format!("xs:group '{n}' has no model group")),
                    }
                }
                "attributeGroup" => {
                    let Some(n) = self.name_attr(child, span, "xs:attributeGroup") else { continue };
                    let attrs = self.attrs(&cx, child);
                    self.schema.attribute_groups.push(Named { name: QName::new(&cx.tns, n), span, doc: doc_of(child), item: attrs });
                }
                "notation" => {}
                other => self.err(DiagKind::Unsupported, Some(span), format!("unsupported construct xs:{other}")),
            }
        }
    }

    fn include(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, span: Span) {
        let Some(location) = node.attribute("schemaLocation") else {
            self.err(DiagKind::Invalid, Some(span), "xs:include without schemaLocation");
            return;
        };
        if is_remote(location) {
            self.err(DiagKind::Unsupported, Some(span), format!("remote schemaLocation '{location}' is not fetched"));
            return;
        }
        let path = normalize(&cx.dir.join(location));
        if !self.seen_schemas.insert((path.clone(), cx.tns.clone())) {
            return; // already read into this namespace (cyclic or repeated include)
        }
        let Some((file, text)) = self.read_text(&path, Some(span)) else { return };
        let Some(doc) = self.parse(file, &text) else { return };
        let root = doc.root_element();
        if !is_xs(&root, "schema") {
            self.err(DiagKind::Invalid, Some(span), format!("{location} is not an XML Schema document"));
            return;
        }
        match root.attribute("targetNamespace") {
            Some(t) if t != cx.tns => self.err(
                DiagKind::Invalid,
                Some(span),
                format!("included schema {location} has targetNamespace '{t}', the including schema '{}'", cx.tns),
            ),
            _ => self.read_schema_doc(&doc, file, parent_dir(&path), root, Some(&cx.tns), None),
        }
    }

    fn import(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, span: Span) {
        let namespace = node.attribute("namespace").unwrap_or("");
        if namespace == cx.tns && !cx.tns.is_empty() {
            self.err(DiagKind::Invalid, Some(span), "xs:import of the schema's own target namespace (use xs:include)");
            return;
        }
        let Some(location) = node.attribute("schemaLocation") else {
            return; // components must come from another document of the set (or be built in)
        };
        if is_remote(location) {
            // The namespace may be provided by another document; an unresolved reference
            // into it is reported where it is used.
            return;
        }
        let path = normalize(&cx.dir.join(location));
        if !self.seen_schemas.insert((path.clone(), namespace.to_owned())) {
            return;
        }
        if let Err(e) = std::fs::metadata(&path) {
            let id = self.sources.add(&path);
            let shown = self.sources.display(id);
            self.failed_imports.push((namespace.to_owned(), span, format!("cannot read {shown}: {e}")));
            return;
        }
        let Some((file, text)) = self.read_text(&path, Some(span)) else { return };
        let Some(doc) = self.parse(file, &text) else { return };
        let root = doc.root_element();
        if !is_xs(&root, "schema") {
            self.err(DiagKind::Invalid, Some(span), format!("{location} is not an XML Schema document"));
            return;
        }
        let tns = root.attribute("targetNamespace").unwrap_or("");
        if tns != namespace {
            self.err(
                DiagKind::Invalid,
                Some(span),
                format!("imported schema {location} has targetNamespace '{tns}', xs:import says '{namespace}'"),
            );
            return;
        }
        self.read_schema_doc(&doc, file, parent_dir(&path), root, None, None);
    }

    fn name_attr(&mut self, node: Node<'_, '_>, span: Span, what: &str) -> Option<String> {
        match node.attribute("name").map(str::trim) {
            Some(n) if crate::syntax::is_ncname(n) => Some(n.to_owned()),
            Some(n) if !n.is_empty() => {
                self.err(DiagKind::Invalid, Some(span), format!("{what} name '{n}' is not an NCName (a name without a colon)"));
                None
            }
            _ => {
                self.err(DiagKind::Invalid, Some(span), format!("{what} without a name"));
                None
            }
        }
    }

    /// Resolves a QName-valued attribute value written on `node`.
    fn qref(&mut self, node: Node<'_, '_>, value: &str, span: Span, chameleon: Option<&str>) -> Option<Ref> {
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, value),
        };
        if local.is_empty() || local.contains(':') {
            self.err(DiagKind::Invalid, Some(span), format!("'{value}' is not a valid QName"));
            return None;
        }
        let ns = match prefix {
            Some("xml") => XML_NS.to_owned(),
            Some(p) => match node.lookup_namespace_uri(Some(p)) {
                Some(ns) => ns.to_owned(),
                None => {
                    self.err(DiagKind::Unresolved, Some(span), format!("namespace prefix '{p}' in '{value}' is not declared"));
                    return None;
                }
            },
            None => node.lookup_namespace_uri(None).unwrap_or("").to_owned(),
        };
        let ns = match chameleon {
            Some(tns) if ns.is_empty() => tns.to_owned(),
            _ => ns,
        };
        Some(Ref { name: QName::new(ns, local), span })
    }

    fn xref(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, attr: &str) -> Option<Ref> {
        let value = node.attribute(attr)?;
        let span = cx.span(node);
        let chameleon = cx.chameleon.then_some(cx.tns.as_str());
        self.qref(node, value, span, chameleon)
    }

    fn element_decl(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, global: bool) -> Option<ElementDecl> {
        let span = cx.span(node);
        let name = self.name_attr(node, span, "xs:element")?;
        let form = self.form_attr(node, "form", span);
        let qualified = global || form.unwrap_or(cx.element_form_qualified);
        let ns = if qualified { cx.tns.clone() } else { String::new() };
        let ty = self.type_use(cx, node, "type");
        let substitution_group = if global { self.xref(cx, node, "substitutionGroup") } else { None };
        for c in node.children().filter(Node::is_element) {
            if c.tag_name().namespace() == Some(XS)
                && !matches!(c.tag_name().name(), "annotation" | "simpleType" | "complexType" | "key" | "keyref" | "unique")
            {
                self.err(DiagKind::Invalid, Some(cx.span(c)), format!("xs:{} is not allowed in xs:element", c.tag_name().name()));
            }
        }
        Some(ElementDecl {
            name: QName::new(ns, name),
            span,
            doc: doc_of(node),
            ty,
            nillable: self.bool_attr(node, "nillable", false, span),
            is_abstract: self.bool_attr(node, "abstract", false, span),
            default: node.attribute("default").map(str::to_owned),
            fixed: node.attribute("fixed").map(str::to_owned),
            substitution_group,
        })
    }

    fn attribute_decl(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, global: bool) -> Option<AttributeDecl> {
        let span = cx.span(node);
        let name = self.name_attr(node, span, "xs:attribute")?;
        let form = self.form_attr(node, "form", span);
        let qualified = global || form.unwrap_or(cx.attribute_form_qualified);
        let ns = if qualified { cx.tns.clone() } else { String::new() };
        Some(AttributeDecl {
            name: QName::new(ns, name),
            span,
            doc: doc_of(node),
            ty: self.type_use(cx, node, "type"),
            default: node.attribute("default").map(str::to_owned),
            fixed: node.attribute("fixed").map(str::to_owned),
        })
    }

    /// `attr="..."` or an anonymous type child.
    fn type_use(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>, attr: &str) -> Option<TypeUse> {
        if let Some(r) = self.xref(cx, node, attr) {
            return Some(TypeUse::Named(r));
        }
        let child = node.children().find(|c| is_xs(c, "simpleType") || is_xs(c, "complexType"))?;
        self.type_def(cx, child).map(|d| TypeUse::Anonymous(Box::new(d)))
    }

    fn type_def(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<TypeDef> {
        match node.tag_name().name() {
            "simpleType" => self.simple_type(cx, node).map(TypeDef::Simple),
            _ => self.complex_type(cx, node).map(TypeDef::Complex),
        }
    }

    fn simple_type(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<SimpleType> {
        let span = cx.span(node);
        let Some(body) = node.children().find(|c| is_xs(c, "restriction") || is_xs(c, "list") || is_xs(c, "union")) else {
            self.err(DiagKind::Invalid, Some(span), "xs:simpleType without restriction, list or union");
            return None;
        };
        let kind = match body.tag_name().name() {
            "restriction" => {
                let base = self.type_use(cx, body, "base");
                let Some(base) = base else {
                    self.err(DiagKind::Invalid, Some(cx.span(body)), "xs:restriction without a base type");
                    return None;
                };
                SimpleKind::Restriction { base, facets: self.facets(cx, body) }
            }
            "list" => {
                let Some(item) = self.type_use(cx, body, "itemType") else {
                    self.err(DiagKind::Invalid, Some(cx.span(body)), "xs:list without an item type");
                    return None;
                };
                SimpleKind::List { item }
            }
            _ => {
                let mut members = Vec::new();
                if let Some(list) = body.attribute("memberTypes") {
                    let bspan = cx.span(body);
                    let chameleon = cx.chameleon.then_some(cx.tns.as_str());
                    for m in list.split_ascii_whitespace() {
                        if let Some(r) = self.qref(body, m, bspan, chameleon) {
                            members.push(TypeUse::Named(r));
                        }
                    }
                }
                for c in body.children().filter(|c| is_xs(c, "simpleType")) {
                    if let Some(s) = self.simple_type(cx, c) {
                        members.push(TypeUse::Anonymous(Box::new(TypeDef::Simple(s))));
                    }
                }
                if members.is_empty() {
                    self.err(DiagKind::Invalid, Some(cx.span(body)), "xs:union without member types");
                    return None;
                }
                SimpleKind::Union { members }
            }
        };
        Some(SimpleType { span, doc: doc_of(node), kind })
    }

    fn facets(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Facets {
        let mut f = Facets::default();
        for c in node.children().filter(Node::is_element) {
            if c.tag_name().namespace() != Some(XS) {
                continue;
            }
            let span = cx.span(c);
            let value = c.attribute("value");
            let name = c.tag_name().name();
            if matches!(name, "annotation" | "simpleType" | "attribute" | "attributeGroup" | "anyAttribute")
                || matches!(name, "sequence" | "choice" | "all" | "group")
            {
                continue;
            }
            let Some(value) = value else {
                self.err(DiagKind::Invalid, Some(span), format!("xs:{name} without value"));
                continue;
            };
            let num = |this: &mut Self| -> Option<u64> {
                match value.trim().parse::<u64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        this.err(DiagKind::Invalid, Some(span), format!("xs:{name} value '{value}' is not a non-negative integer"));
                        None
                    }
                }
            };
            match name {
                "enumeration" => f.enumeration.push(EnumFacet { value: value.to_owned(), doc: doc_of(c), span }),
                "pattern" => f.pattern.push(value.to_owned()),
                "length" => f.length = num(self),
                "minLength" => f.min_length = num(self),
                "maxLength" => f.max_length = num(self),
                "totalDigits" => f.total_digits = num(self).map(|n| n.min(u32::MAX as u64) as u32),
                "fractionDigits" => f.fraction_digits = num(self).map(|n| n.min(u32::MAX as u64) as u32),
                "minInclusive" => f.min_inclusive = Some(value.to_owned()),
                "maxInclusive" => f.max_inclusive = Some(value.to_owned()),
                "minExclusive" => f.min_exclusive = Some(value.to_owned()),
                "maxExclusive" => f.max_exclusive = Some(value.to_owned()),
                "whiteSpace" => {
                    f.white_space = match value {
                        "preserve" => Some(WhiteSpace::Preserve),
                        "replace" => Some(WhiteSpace::Replace),
                        "collapse" => Some(WhiteSpace::Collapse),
                        other => {
                            self.err(DiagKind::Invalid, Some(span), format!("invalid xs:whiteSpace '{other}'"));
                            None
                        }
                    }
                }
                other => self.err(DiagKind::Unsupported, Some(span), format!("unsupported facet xs:{other}")),
            }
        }
        f
    }

    fn complex_type(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<ComplexType> {
        let span = cx.span(node);
        let mut mixed = self.bool_attr(node, "mixed", false, span);
        let is_abstract = self.bool_attr(node, "abstract", false, span);
        let content = if let Some(sc) = node.children().find(|c| is_xs(c, "simpleContent")) {
            let deriv = sc.children().find(|c| is_xs(c, "extension") || is_xs(c, "restriction"))?;
            let derivation = if deriv.tag_name().name() == "extension" { Derivation::Extension } else { Derivation::Restriction };
            let Some(base) = self.xref(cx, deriv, "base") else {
                self.err(DiagKind::Invalid, Some(cx.span(deriv)), "simpleContent derivation without base");
                return None;
            };
            if deriv.children().any(|c| is_xs(&c, "simpleType")) {
                self.err(
                    DiagKind::Unsupported,
                    Some(cx.span(deriv)),
                    "unsupported construct: anonymous xs:simpleType inside simpleContent restriction",
                );
            }
            let facets = if derivation == Derivation::Restriction { self.facets(cx, deriv) } else { Facets::default() };
            ComplexContent::Simple { derivation, base, facets, attrs: self.attrs(cx, deriv) }
        } else if let Some(cc) = node.children().find(|c| is_xs(c, "complexContent")) {
            mixed = self.bool_attr(cc, "mixed", mixed, cx.span(cc));
            let deriv = cc.children().find(|c| is_xs(c, "extension") || is_xs(c, "restriction"))?;
            let derivation = if deriv.tag_name().name() == "extension" { Derivation::Extension } else { Derivation::Restriction };
            let Some(base) = self.xref(cx, deriv, "base") else {
                self.err(DiagKind::Invalid, Some(cx.span(deriv)), "complexContent derivation without base");
                return None;
            };
            let particle = self.content_particle(cx, deriv);
            ComplexContent::Complex { derivation, base, particle, attrs: self.attrs(cx, deriv) }
        } else {
            ComplexContent::Implicit { particle: self.content_particle(cx, node), attrs: self.attrs(cx, node) }
        };
        Some(ComplexType { span, doc: doc_of(node), is_abstract, mixed, content })
    }

    fn content_particle(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<Particle> {
        let c = node.children().find(|c| is_xs(c, "sequence") || is_xs(c, "choice") || is_xs(c, "all") || is_xs(c, "group"))?;
        self.particle(cx, c)
    }

    fn occurs(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> (u32, MaxOccurs) {
        let span = cx.span(node);
        let min = match node.attribute("minOccurs") {
            None => 1,
            Some(v) => v.trim().parse().unwrap_or_else(|_| {
                self.err(DiagKind::Invalid, Some(span), format!("invalid minOccurs '{v}'"));
                1
            }),
        };
        let max = match node.attribute("maxOccurs") {
            None => MaxOccurs::Bounded(1),
            Some("unbounded") => MaxOccurs::Unbounded,
            Some(v) => MaxOccurs::Bounded(v.trim().parse().unwrap_or_else(|_| {
                self.err(DiagKind::Invalid, Some(span), format!("invalid maxOccurs '{v}'"));
                1
            })),
        };
        if let MaxOccurs::Bounded(m) = max
            && m < min
        {
            self.err(DiagKind::Invalid, Some(span), format!("maxOccurs {m} is less than minOccurs {min}"));
        }
        (min, max)
    }

    fn particle(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Option<Particle> {
        let span = cx.span(node);
        let (min, max) = self.occurs(cx, node);
        let term = match node.tag_name().name() {
            "element" => {
                if node.attribute("ref").is_some() {
                    Term::ElementRef(self.xref(cx, node, "ref")?)
                } else {
                    Term::Element(Box::new(self.element_decl(cx, node, false)?))
                }
            }
            "group" => Term::Group(self.xref(cx, node, "ref").or_else(|| {
                self.err(DiagKind::Invalid, Some(span), "xs:group reference without ref=");
                None
            })?),
            "any" => Term::Any(self.wildcard(cx, node)),
            "sequence" | "choice" | "all" => {
                let mut items = Vec::new();
                for c in node.children().filter(Node::is_element) {
                    if c.tag_name().namespace() != Some(XS) || is_xs(&c, "annotation") {
                        continue;
                    }
                    if matches!(c.tag_name().name(), "element" | "group" | "any" | "sequence" | "choice") {
                        if let Some(p) = self.particle(cx, c) {
                            items.push(p);
                        }
                    } else {
                        self.err(
                            DiagKind::Invalid,
                            Some(cx.span(c)),
                            format!("xs:{} is not allowed in xs:{}", c.tag_name().name(), node.tag_name().name()),
                        );
                    }
                }
                match node.tag_name().name() {
                    "sequence" => Term::Sequence(items),
                    "choice" => Term::Choice(items),
                    _ => Term::All(items),
                }
            }
            other => {
                self.err(DiagKind::Unsupported, Some(span), format!("unsupported construct xs:{other}"));
                return None;
            }
        };
        Some(Particle { span, min, max, term })
    }

    fn wildcard(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> WildcardDecl {
        let span = cx.span(node);
        let namespace = match node.attribute("namespace").map(str::trim) {
            None | Some("##any") => NsConstraint::Any,
            Some("##other") => NsConstraint::Other(cx.tns.clone()),
            Some(list) => NsConstraint::List(
                list.split_ascii_whitespace()
                    .map(|n| match n {
                        "##targetNamespace" => cx.tns.clone(),
                        "##local" => String::new(),
                        other => other.to_owned(),
                    })
                    .collect(),
            ),
        };
        let process = match node.attribute("processContents") {
            None | Some("strict") => ProcessContents::Strict,
            Some("lax") => ProcessContents::Lax,
            Some("skip") => ProcessContents::Skip,
            Some(other) => {
                self.err(DiagKind::Invalid, Some(span), format!("invalid processContents '{other}'"));
                ProcessContents::Strict
            }
        };
        WildcardDecl { span, namespace, process }
    }

    fn attrs(&mut self, cx: &SchemaCx<'_, '_>, node: Node<'_, '_>) -> Attrs {
        let mut attrs = Attrs::default();
        for c in node.children().filter(Node::is_element) {
            let span = cx.span(c);
            if is_xs(&c, "attribute") {
                let usage = match c.attribute("use") {
                    None | Some("optional") => Use::Optional,
                    Some("required") => Use::Required,
                    Some("prohibited") => Use::Prohibited,
                    Some(other) => {
                        self.err(DiagKind::Invalid, Some(span), format!("invalid use '{other}'"));
                        Use::Optional
                    }
                };
                if c.attribute("ref").is_some() {
                    if let Some(target) = self.xref(cx, c, "ref") {
                        attrs.items.push(AttrItem::Ref {
                            target,
                            usage,
                            default: c.attribute("default").map(str::to_owned),
                            fixed: c.attribute("fixed").map(str::to_owned),
                        });
                    }
                } else if let Some(decl) = self.attribute_decl(cx, c, false) {
                    attrs.items.push(AttrItem::Local { decl, usage });
                }
            } else if is_xs(&c, "attributeGroup") {
                if let Some(r) = self.xref(cx, c, "ref") {
                    attrs.items.push(AttrItem::Group(r));
                }
            } else if is_xs(&c, "anyAttribute") {
                attrs.any = Some(self.wildcard(cx, c));
            }
        }
        attrs
    }
}

impl SchemaCx<'_, '_> {
    fn span(&self, node: Node<'_, '_>) -> Span {
        span_of(self.doc, self.file, node)
    }
}

fn record_prefixes(schema: &mut Schema, root: Node<'_, '_>, tns: &str) {
    let is_schema = is_xs(&root, "schema");
    let inherited: Vec<(Option<&str>, &str)> =
        root.parent_element().map(|p| p.namespaces().map(|n| (n.name(), n.uri())).collect()).unwrap_or_default();
    for ns in root.namespaces() {
        if inherited.contains(&(ns.name(), ns.uri())) {
            continue; // declared on an ancestor (a WSDL around an inline schema)
        }
        if let Some(prefix) = ns.name() {
            let decl = PrefixDecl { prefix: prefix.to_owned(), uri: ns.uri().to_owned(), own: ns.uri() == tns, schema: is_schema };
            if !schema.prefixes.contains(&decl) {
                schema.prefixes.push(decl);
            }
        }
    }
}

fn span_of(doc: &Document<'_>, file: FileId, node: Node<'_, '_>) -> Span {
    let text = doc.input_text();
    let (line, column) = LINES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let starts = cache.entry(file).or_insert_with(|| line_starts(text));
        position(text, starts, node.range().start)
    });
    Span { file, line, column }
}

thread_local! {
    /// Line starts of each file of the current [`load`] (cleared when a load starts; a file id
    /// names one file, and an inline schema shares its WSDL's text and id).
    static LINES: std::cell::RefCell<std::collections::HashMap<FileId, Vec<usize>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
    v
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, starts: &[usize], offset: usize) -> (u32, u32) {
    let line = starts.partition_point(|&s| s <= offset).max(1);
    let start = starts[line - 1];
    let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
    (line as u32, column as u32)
}

/// How a schema element is named in a message: `xs:element 'x'`, or `xs:schema` for one
/// without a name.
fn node_label(node: Node<'_, '_>) -> String {
    match node.attribute("name") {
        Some(n) => format!("xs:{} '{n}'", node.tag_name().name()),
        None => format!("xs:{}", node.tag_name().name()),
    }
}

fn is_xs(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(XS) && node.tag_name().name() == name
}

fn is_wsdl(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(WSDL) && node.tag_name().name() == name
}

fn soap_version(node: Node<'_, '_>) -> Option<SoapVersion> {
    match node.tag_name().namespace() {
        Some(WSDL_SOAP11) => Some(SoapVersion::Soap11),
        Some(WSDL_SOAP12) => Some(SoapVersion::Soap12),
        _ => None,
    }
}

fn is_remote(location: &str) -> bool {
    let l = location.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("ftp://")
}

/// The text of `xs:annotation/xs:documentation` or `wsdl:documentation` children, with
/// indentation removed.
fn doc_of(node: Node<'_, '_>) -> Option<String> {
    let mut parts = Vec::new();
    for c in node.children().filter(Node::is_element) {
        let docs: Vec<Node<'_, '_>> = if is_xs(&c, "annotation") {
            c.children().filter(|d| is_xs(d, "documentation")).collect()
        } else if is_wsdl(&c, "documentation") {
            vec![c]
        } else {
            continue;
        };
        for d in docs {
            let text: String = d.descendants().filter(Node::is_text).filter_map(|t| t.text()).collect();
            let cleaned = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
            if !cleaned.is_empty() {
                parts.push(cleaned);
            }
        }
    }
    if parts.is_empty() { None } else { Some(parts.join("\n\n")) }
}

fn parent_dir(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Lexically normalizes `a/b/../c` so the same file reached by two routes is read once.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir
                if out.components().next_back().is_some_and(|l| matches!(l, std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}
