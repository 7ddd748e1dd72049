//! Reading stage: WSDL 1.1 and XML Schema files into the [`syntax`](crate::syntax) model.
//!
//! This is the only module that sees roxmltree. It follows `wsdl:import`, `xs:include`
//! (including chameleon includes, and cyclic or self includes, which are read once) and
//! `xs:import`, expands every qualified name through the namespace declarations in scope and
//! applies `elementFormDefault` / `attributeFormDefault` / `form` to local declarations.
//!
//! Locations are resolved by `locate` (relative paths, `file:` URLs, and `http(s):` URLs
//! mapped to local copies through a [`Resolver`]); WSDL documents are read by `wsdl`, schema
//! documents by `schema`.

mod locate;
mod schema;
mod wsdl;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node, ParsingOptions};

pub use locate::{FileResolver, MemoryResolver, Resolver};

use crate::diag::{DiagKind, Diagnostic, Diagnostics, FileId, SourceMap, Span};
use crate::syntax::*;
use locate::{Base, Target};

/// The result of reading: all schema components, the WSDL definitions (of every WSDL input and
/// the WSDLs they import, merged) and the files read.
#[derive(Debug)]
pub struct Loaded {
    /// All global schema components.
    pub schema: Schema,
    /// The WSDL definitions, if an input was a WSDL.
    pub wsdl: Option<Wsdl>,
    /// The input documents that were schemas (not WSDLs).
    pub schema_inputs: Vec<FileId>,
    /// The files read.
    pub sources: SourceMap,
    /// `xs:import`s whose document could not be read: (namespace, where, why). A schema
    /// location on an import is a hint, so this matters only if a component of that namespace
    /// is referenced; the unresolved reference then says why.
    pub failed_imports: Vec<(String, Span, String)>,
}

/// Reads `inputs` (`.wsdl` or `.xsd` files, as one schema set) and everything they include
/// or import, obtaining documents through `resolver`. Paths are shown relative to
/// `display_base` (the current directory when `None`).
pub fn load(inputs: &[PathBuf], display_base: Option<PathBuf>, resolver: &dyn Resolver) -> Result<Loaded, Diagnostics> {
    LINES.with(|c| c.borrow_mut().clear());
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut loader = Loader {
        sources: SourceMap::with_base(display_base.or_else(|| Some(cwd.clone()))),
        diags: Vec::new(),
        schema: Schema::default(),
        wsdl: None,
        schema_inputs: Vec::new(),
        seen_schemas: HashSet::new(),
        seen_wsdls: HashSet::new(),
        failed_imports: Vec::new(),
        resolver,
    };
    if inputs.is_empty() {
        loader.err(DiagKind::Unreadable, None, "no input: give at least one WSDL or XML Schema file");
    }
    for input in inputs {
        loader.load_entry(&cwd.join(input));
    }
    for path in resolver.config_files() {
        loader.sources.add(&path);
    }
    LINES.with(|c| c.borrow_mut().clear());
    if loader.diags.is_empty() {
        Ok(Loaded {
            schema: loader.schema,
            wsdl: loader.wsdl,
            schema_inputs: loader.schema_inputs,
            sources: loader.sources,
            failed_imports: loader.failed_imports,
        })
    } else {
        Err(Diagnostics { list: loader.diags, sources: loader.sources })
    }
}

struct Loader<'r> {
    sources: SourceMap,
    diags: Vec<Diagnostic>,
    schema: Schema,
    wsdl: Option<Wsdl>,
    schema_inputs: Vec<FileId>,
    /// (file, effective target namespace): a chameleon include into two namespaces is read twice.
    seen_schemas: HashSet<(PathBuf, String)>,
    seen_wsdls: HashSet<PathBuf>,
    failed_imports: Vec<(String, Span, String)>,
    resolver: &'r dyn Resolver,
}

/// Context of one schema document.
struct SchemaCx<'a, 'i> {
    doc: &'a Document<'i>,
    file: FileId,
    /// What relative locations in the document are resolved against.
    base: Base,
    /// The effective target namespace (the includer's for a chameleon include).
    tns: String,
    /// Whether unqualified references mean the includer's namespace.
    chameleon: bool,
    element_form_qualified: bool,
    attribute_form_qualified: bool,
    /// `blockDefault` on the schema element.
    block_default: Methods,
    /// `finalDefault` on the schema element.
    final_default: Methods,
}

impl Loader<'_> {
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

    /// A `block`, `final`, `blockDefault` or `finalDefault` attribute: `#all` or a list of the
    /// `allowed` methods (`extension`, `restriction`, `substitution`; `list` and `union` are
    /// accepted where `final` allows them, and concern simple types only), `default` when
    /// absent; any other token is an error.
    fn methods_attr(&mut self, node: Node<'_, '_>, name: &str, allowed: &[&str], default: Methods, span: Span) -> Methods {
        let Some(v) = node.attribute(name) else { return default };
        let all = |m: &str| allowed.contains(&m);
        let mut out = Methods::default();
        let tokens: Vec<&str> = v.split_ascii_whitespace().collect();
        if tokens == ["#all"] {
            return Methods { extension: all("extension"), restriction: all("restriction"), substitution: all("substitution") };
        }
        for t in tokens {
            match t {
                "extension" if all(t) => out.extension = true,
                "restriction" if all(t) => out.restriction = true,
                "substitution" if all(t) => out.substitution = true,
                "list" | "union" if all(t) => {}
                other => self.err(
                    DiagKind::Invalid,
                    Some(span),
                    format!("invalid {name} '{v}' on {}: '{other}' is not #all or one of {}", node_label(node), allowed.join(", ")),
                ),
            }
        }
        out
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
        match self.resolver.read(path) {
            Ok(bytes) => self.utf8(file, bytes).map(|text| (file, text)),
            Err(e) => {
                let msg = format!("cannot read {}: {e}", self.sources.display(file));
                self.err(DiagKind::Unreadable, from, msg);
                None
            }
        }
    }

    /// The text of a document, or an error at its first byte that is not UTF-8.
    fn utf8(&mut self, file: FileId, bytes: Vec<u8>) -> Option<String> {
        match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
                let span = Span { file, line: line as u32, column: column as u32 };
                let msg = format!("{} is not valid UTF-8 (only UTF-8 input is supported): {}", self.sources.display(file), e.utf8_error());
                self.diags.push(Diagnostic::new(DiagKind::Unreadable, Some(span), msg));
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
        let base = Base::Dir(parent_dir(&path));
        match (root.tag_name().namespace(), root.tag_name().name()) {
            (Some(WSDL), "definitions") => {
                if !self.seen_wsdls.insert(path.clone()) {
                    return; // given twice, or already imported by an earlier input
                }
                if self.wsdl.is_none() {
                    let tns = root.attribute("targetNamespace").unwrap_or("").to_owned();
                    self.wsdl = Some(Wsdl { target_ns: tns, doc: doc_of(root), ..Wsdl::default() });
                }
                self.read_wsdl(&doc, file, &base, root);
            }
            (Some(XS), "schema") => {
                self.schema_inputs.push(file);
                let tns = root.attribute("targetNamespace").unwrap_or("").to_owned();
                if self.seen_schemas.insert((path.clone(), tns)) {
                    self.read_schema_doc(&doc, file, base, root, None, Some(span));
                }
            }
            _ => self.err(
                DiagKind::Invalid,
                Some(span),
                format!("{} is neither a WSDL 1.1 definitions nor an XML Schema document", path.display()),
            ),
        }
    }

    /// Resolves `location`, written in a document with base `base`, to the local file to read
    /// and the base of the document found there; why not, otherwise.
    fn locate(&self, base: &Base, location: &str) -> Result<(PathBuf, Base), String> {
        match base.join(location)? {
            Target::File(p) => {
                let p = normalize(&p);
                let b = Base::Dir(parent_dir(&p));
                Ok((p, b))
            }
            Target::Url(u) => match self.resolver.map_url(u.as_str()) {
                Some(p) => Ok((normalize(&p), Base::Url(u))),
                None => Err(format!("{u} has no local copy (the generator never reads the network): {}", self.resolver.how_to_map())),
            },
        }
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
