//! Shared helpers for the integration tests.
//!
//! Everything here is written independently of the code under test: the fixture manifest is
//! parsed by hand, XML is compared through `roxmltree`, the WSDL's `soapAction`s and the
//! schemas' global declarations are read with `roxmltree`, and schema validation is done by
//! libxml2 through lxml ([`schema_validate`], reporting as xmllint does, with the driver schemas
//! of `tests/xmllint`). None of it uses soapkit's own XML reader or writer, except [`epas`], a
//! test server of the Cisco EPAS interface built on the generated bindings, and [`stubs`] of
//! the Exchange services on them.

pub mod epas;
pub mod stubs;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate lives in the workspace").to_path_buf()
}

/// `tests/fixtures/ms-oxwums`.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("ms-oxwums")
}

/// `schemas/ms-oxwums`.
pub fn schemas_dir() -> PathBuf {
    workspace_root().join("schemas").join("ms-oxwums")
}

/// `tests/xmllint`: the driver schemas that validation of re-encoded messages starts from
/// (they work with `xmllint --schema` as well).
pub fn xmllint_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("xmllint")
}

// ---------------------------------------------------------------------------------------------
// The fixture manifest
// ---------------------------------------------------------------------------------------------

/// The `Kind` column of `MANIFEST.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixtureKind {
    /// A whole request envelope.
    Request,
    /// A whole response envelope.
    Response,
    /// A whole envelope holding a SOAP fault.
    Fault,
    /// A document whose root is the SOAP `Body`.
    BodyFragment,
    /// A whole document of a bare schema (no envelope), e.g. a notification payload.
    Document,
}

/// The `Direction` column of `MANIFEST.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// An operation's input message.
    Input,
    /// An operation's output message.
    Output,
    /// A SOAP fault.
    Fault,
    /// Not a SOAP message (a [`FixtureKind::Document`]).
    None,
}

impl Direction {
    /// `input`, `output`, `fault` or `none`, as the manifest (and `cargo xtask roundtrip`)
    /// write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Input => "input",
            Direction::Output => "output",
            Direction::Fault => "fault",
            Direction::None => "none",
        }
    }
}

/// The `Spec error` column of `MANIFEST.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecError {
    /// `none`: the example is printed correctly.
    None,
    /// `kept: ...`: an `.as-printed.xml` file keeping the spec's error.
    Kept(String),
    /// `corrected: ...`: the corrected twin of an `.as-printed.xml` file.
    Corrected(String),
}

/// One row of the manifest table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestRow {
    /// 1-based line of the row in `MANIFEST.md`.
    pub line: usize,
    /// File name, relative to the fixtures directory.
    pub file: String,
    /// Spec section, e.g. `4.8`.
    pub section: String,
    /// Kind of document.
    pub kind: FixtureKind,
    /// The operation (`any` for the generic 2.2.2.1 fault).
    pub operation: String,
    /// Input, output or fault.
    pub direction: Direction,
    /// What was repaired (free text).
    pub repairs: String,
    /// Whether (and how) the spec printed it wrong.
    pub spec_error: SpecError,
}

impl ManifestRow {
    /// Whether this is an `.as-printed.xml` file (the spec's error kept).
    pub fn is_as_printed(&self) -> bool {
        self.file.ends_with(".as-printed.xml")
    }
}

/// What a `kept: ...` Spec error says when the example cannot be corrected without inventing
/// content, so that it has no corrected twin.
pub const NO_TWIN: &str = "no corrected twin:";

/// The header the manifest table must have, cell by cell.
pub const MANIFEST_HEADER: [&str; 7] = ["File", "Section", "Kind", "Operation", "Direction", "Repairs", "Spec error"];

/// Splits a markdown table row into its cells: `|` separates cells except inside a code span
/// (backticks) or when escaped as `\|`. Returns `None` if the line is not a table row.
fn split_row(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    if !t.starts_with('|') || !t.ends_with('|') || t.len() < 2 {
        return None;
    }
    let inner = &t[1..t.len() - 1];
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut in_code = false;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '`' => {
                in_code = !in_code;
                cur.push(c);
            }
            '|' if !in_code => cells.push(std::mem::take(&mut cur).trim().to_owned()),
            _ => cur.push(c),
        }
    }
    if in_code {
        return None;
    }
    cells.push(cur.trim().to_owned());
    Some(cells)
}

fn is_separator_row(cells: &[String]) -> bool {
    cells.iter().all(|c| {
        let c = c.trim();
        !c.is_empty() && c.trim_matches(':').chars().all(|ch| ch == '-') && c.contains('-')
    })
}

/// Parses the text of `MANIFEST.md`: exactly one table, with the header [`MANIFEST_HEADER`],
/// a separator row, and rows of 7 cells with a known Kind, Direction and Spec error, a
/// section that matches the file name, an `.as-printed.xml` file exactly when the spec error
/// is `kept: ...`, and no file listed twice. Every problem is reported with its line.
pub fn parse_manifest(text: &str) -> Result<Vec<ManifestRow>, String> {
    let lines: Vec<&str> = text.lines().collect();
    // Find the table blocks (maximal runs of lines that start with '|').
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start().starts_with('|') {
            let start = i;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                i += 1;
            }
            blocks.push((start, i));
        } else {
            i += 1;
        }
    }
    let (start, end) = match blocks.as_slice() {
        [one] => *one,
        [] => return Err("MANIFEST.md has no markdown table".to_owned()),
        many => {
            let at: Vec<String> = many.iter().map(|(s, _)| (s + 1).to_string()).collect();
            return Err(format!("MANIFEST.md must have exactly one table; found {} (starting at lines {})", many.len(), at.join(", ")));
        }
    };
    let header = split_row(lines[start]).ok_or_else(|| format!("MANIFEST.md line {}: the table header is not a table row", start + 1))?;
    if header != MANIFEST_HEADER {
        return Err(format!("MANIFEST.md line {}: table header is {:?}; expected {:?}", start + 1, header, MANIFEST_HEADER));
    }
    if end - start < 2 {
        return Err(format!("MANIFEST.md line {}: the table has no separator row", start + 1));
    }
    let sep = split_row(lines[start + 1]).ok_or_else(|| format!("MANIFEST.md line {}: malformed separator row", start + 2))?;
    if sep.len() != MANIFEST_HEADER.len() || !is_separator_row(&sep) {
        return Err(format!(
            "MANIFEST.md line {}: expected a separator row of {} `---` cells, found {:?}",
            start + 2,
            MANIFEST_HEADER.len(),
            sep
        ));
    }
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, line) in lines.iter().enumerate().take(end).skip(start + 2) {
        let lineno = n + 1;
        let cells =
            split_row(line).ok_or_else(|| format!("MANIFEST.md line {lineno}: malformed table row (unbalanced backticks?): {line}"))?;
        if cells.len() != MANIFEST_HEADER.len() {
            return Err(format!("MANIFEST.md line {lineno}: expected {} cells, found {}: {line}", MANIFEST_HEADER.len(), cells.len()));
        }
        let file = cells[0].clone();
        if file.is_empty() || file.contains('/') || !file.ends_with(".xml") {
            return Err(format!("MANIFEST.md line {lineno}: File must be a plain .xml file name, found {file:?}"));
        }
        if !seen.insert(file.clone()) {
            return Err(format!("MANIFEST.md line {lineno}: {file} is listed twice"));
        }
        let section = cells[1].clone();
        if section.is_empty() || !section.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) {
            return Err(format!("MANIFEST.md line {lineno}: Section must look like 4.8 or 3.1.4.7, found {section:?}"));
        }
        let bare = file.strip_prefix("seed001-").unwrap_or(&file);
        if !bare.starts_with(&format!("{section}-")) {
            return Err(format!("MANIFEST.md line {lineno}: {file} does not start with its section {section}"));
        }
        let kind = match cells[2].as_str() {
            "request" => FixtureKind::Request,
            "response" => FixtureKind::Response,
            "fault" => FixtureKind::Fault,
            "body-fragment" => FixtureKind::BodyFragment,
            "document" => FixtureKind::Document,
            other => {
                return Err(format!(
                    "MANIFEST.md line {lineno}: Kind must be request, response, fault, body-fragment or document, found {other:?}"
                ));
            }
        };
        let operation = cells[3].clone();
        if operation.is_empty() || !operation.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("MANIFEST.md line {lineno}: Operation must be an operation name or `any`, found {operation:?}"));
        }
        let direction = match cells[4].as_str() {
            "input" => Direction::Input,
            "output" => Direction::Output,
            "fault" => Direction::Fault,
            "none" => Direction::None,
            other => return Err(format!("MANIFEST.md line {lineno}: Direction must be input, output, fault or none, found {other:?}")),
        };
        let consistent = matches!(
            (kind, direction),
            (FixtureKind::Request, Direction::Input)
                | (FixtureKind::Response, Direction::Output)
                | (FixtureKind::Fault, Direction::Fault)
                | (FixtureKind::BodyFragment, Direction::Input | Direction::Output | Direction::Fault)
                | (FixtureKind::Document, Direction::None)
        );
        if !consistent {
            return Err(format!("MANIFEST.md line {lineno}: Kind {:?} does not go with Direction {:?}", cells[2], cells[4]));
        }
        let spec_error = match cells[6].as_str() {
            "none" => SpecError::None,
            s if s.starts_with("kept: ") && s.len() > 6 => SpecError::Kept(s[6..].to_owned()),
            s if s.starts_with("corrected: ") && s.len() > 11 => SpecError::Corrected(s[11..].to_owned()),
            other => {
                return Err(format!(
                    "MANIFEST.md line {lineno}: Spec error must be `none`, `kept: ...` or `corrected: ...`, found {other:?}"
                ));
            }
        };
        let as_printed = file.ends_with(".as-printed.xml");
        if as_printed != matches!(spec_error, SpecError::Kept(_)) {
            return Err(format!(
                "MANIFEST.md line {lineno}: {file}: an .as-printed.xml file must have Spec error `kept: ...` and only such a file may (found {:?})",
                cells[6]
            ));
        }
        rows.push(ManifestRow { line: lineno, file, section, kind, operation, direction, repairs: cells[5].clone(), spec_error });
    }
    if rows.is_empty() {
        return Err(format!("MANIFEST.md line {}: the table has no rows", start + 1));
    }
    // Twins: every as-printed file has its corrected twin (unless its row says why there is
    // "no corrected twin:") and every `corrected:` row has an as-printed twin, with the same
    // section, kind, operation and direction.
    for r in &rows {
        let twin = match &r.spec_error {
            SpecError::Kept(why) if why.contains(NO_TWIN) => {
                if rows.iter().any(|t| t.file == r.file.replace(".as-printed.xml", ".xml")) {
                    return Err(format!("MANIFEST.md line {}: {} says \"{NO_TWIN}\" but has one", r.line, r.file));
                }
                continue;
            }
            SpecError::Kept(_) => r.file.replace(".as-printed.xml", ".xml"),
            SpecError::Corrected(_) => r.file.replace(".xml", ".as-printed.xml"),
            SpecError::None => continue,
        };
        let Some(t) = rows.iter().find(|t| t.file == twin) else {
            return Err(format!("MANIFEST.md line {}: {} has no twin {twin} in the table", r.line, r.file));
        };
        if (t.section.as_str(), t.kind, t.operation.as_str(), t.direction)
            != (r.section.as_str(), r.kind, r.operation.as_str(), r.direction)
        {
            return Err(format!(
                "MANIFEST.md line {}: {} and its twin {} disagree on Section/Kind/Operation/Direction",
                r.line, r.file, twin
            ));
        }
        if matches!(r.spec_error, SpecError::Kept(_)) && !matches!(t.spec_error, SpecError::Corrected(_)) {
            return Err(format!("MANIFEST.md line {}: the twin {twin} of {} must have Spec error `corrected: ...`", t.line, r.file));
        }
    }
    Ok(rows)
}

/// Reads `MANIFEST.md` in `dir` and checks it against the directory: every listed file
/// exists, and every file of the directory other than `MANIFEST.md` is listed.
pub fn load_manifest(dir: &Path) -> Result<Vec<ManifestRow>, String> {
    let path = dir.join("MANIFEST.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let rows = parse_manifest(&text)?;
    let listed: BTreeSet<&str> = rows.iter().map(|r| r.file.as_str()).collect();
    let mut problems = Vec::new();
    for r in &rows {
        if !dir.join(&r.file).is_file() {
            problems.push(format!("MANIFEST.md line {}: {} is listed but does not exist in {}", r.line, r.file, dir.display()));
        }
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut on_disk = Vec::new();
    for e in entries {
        let e = e.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        on_disk.push(e.file_name().to_string_lossy().into_owned());
    }
    on_disk.sort();
    for name in &on_disk {
        if name != "MANIFEST.md" && !listed.contains(name.as_str()) {
            problems.push(format!("{} exists in {} but is not listed in MANIFEST.md", name, dir.display()));
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems.join("\n")) }
}

// ---------------------------------------------------------------------------------------------
// XML equivalence
// ---------------------------------------------------------------------------------------------

/// Whether `c` is XML white space (production `S`: space, tab, CR, LF).
fn is_xml_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

#[derive(Debug)]
enum Item<'a, 'input> {
    Element(roxmltree::Node<'a, 'input>),
    Text(String),
}

/// The children that take part in the comparison, see [`xml_equivalent`].
fn significant_children<'a, 'input>(node: roxmltree::Node<'a, 'input>) -> Vec<Item<'a, 'input>> {
    let mut items: Vec<Item<'a, 'input>> = Vec::new();
    for c in node.children() {
        if c.is_element() {
            items.push(Item::Element(c));
        } else if c.is_text() {
            let t = c.text().unwrap_or("");
            // Adjacent text (split by a comment or processing instruction) is one text.
            if let Some(Item::Text(prev)) = items.last_mut() {
                prev.push_str(t);
            } else {
                items.push(Item::Text(t.to_owned()));
            }
        }
        // Comments and processing instructions are not compared.
    }
    let has_element = items.iter().any(|i| matches!(i, Item::Element(_)));
    let element_only =
        has_element && items.iter().all(|i| matches!(i, Item::Element(_)) || matches!(i, Item::Text(t) if t.chars().all(is_xml_ws)));
    if element_only {
        items.retain(|i| matches!(i, Item::Element(_)));
    }
    items
}

fn expanded(node: roxmltree::Node<'_, '_>) -> String {
    let name = node.tag_name();
    match name.namespace() {
        Some(ns) if !ns.is_empty() => format!("{{{ns}}}{}", name.name()),
        _ => name.name().to_owned(),
    }
}

fn attrs(node: roxmltree::Node<'_, '_>) -> BTreeMap<String, String> {
    node.attributes()
        .map(|a| {
            let key = match a.namespace() {
                Some(ns) if !ns.is_empty() => format!("{{{ns}}}{}", a.name()),
                _ => a.name().to_owned(),
            };
            (key, a.value().to_owned())
        })
        .collect()
}

fn describe(item: &Item<'_, '_>) -> String {
    match item {
        Item::Element(e) => format!("element {}", expanded(*e)),
        Item::Text(t) => format!("text {t:?}"),
    }
}

/// What an equivalence check may treat as equal beyond what XML itself lets a writer choose,
/// because a schema says so (see [`xml_equivalent_with`]). Names are `(namespace URI, local
/// name)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Equivalence<'a> {
    /// Elements whose child elements may come in any order (`xs:all` content).
    pub unordered: &'a [(&'a str, &'a str)],
    /// Elements whose text compares after XML Schema white space collapsing (`xs:token`).
    pub collapsed: &'a [(&'a str, &'a str)],
    /// Elements whose text is an `xs:QName`, compared by namespace URI and local name.
    pub qname_text: &'a [(&'a str, &'a str)],
    /// Elements of the expected document that the actual one need not have (header entries
    /// a receiver ignores).
    pub ignored: &'a [(&'a str, &'a str)],
    /// Whether `xsi:schemaLocation` / `xsi:noNamespaceSchemaLocation` (hints for a validator,
    /// not content) are left out of the attribute comparison.
    pub ignore_schema_location_hints: bool,
}

fn named(node: roxmltree::Node<'_, '_>, list: &[(&str, &str)]) -> bool {
    let n = node.tag_name();
    list.iter().any(|(ns, local)| n.name() == *local && n.namespace().unwrap_or("") == *ns)
}

fn collapse(s: &str) -> String {
    s.split(is_xml_ws).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// `{uri}local` of a QName written in `node`'s text, resolved in its scope.
fn resolved_qname(node: roxmltree::Node<'_, '_>, text: &str) -> String {
    let text = text.trim_matches(is_xml_ws);
    let (prefix, local) = text.split_once(':').map_or((None, text), |(p, l)| (Some(p), l));
    match node.lookup_namespace_uri(prefix) {
        Some(uri) if !uri.is_empty() => format!("{{{uri}}}{local}"),
        _ if prefix.is_some() => format!("{{unbound prefix {}}}{local}", prefix.unwrap_or("")),
        _ => local.to_owned(),
    }
}

fn compare_elements(
    expected: roxmltree::Node<'_, '_>,
    actual: roxmltree::Node<'_, '_>,
    path: &str,
    eq: &Equivalence<'_>,
) -> Result<(), String> {
    let (en, an) = (expanded(expected), expanded(actual));
    let path = format!("{path}/{en}");
    if en != an {
        return Err(format!("at {path}: expected element {en}, found element {an}"));
    }
    let (mut ea, mut aa) = (attrs(expected), attrs(actual));
    if eq.ignore_schema_location_hints {
        for m in [&mut ea, &mut aa] {
            m.retain(|k, _| !k.starts_with("{http://www.w3.org/2001/XMLSchema-instance}") || !k.ends_with("chemaLocation"));
        }
    }
    if ea != aa {
        let mut msg = format!("at {path}: attributes differ");
        for (k, v) in &ea {
            match aa.get(k) {
                None => write!(msg, "; missing {k}={v:?}").unwrap(),
                Some(w) if w != v => write!(msg, "; {k} expected {v:?}, found {w:?}").unwrap(),
                Some(_) => {}
            }
        }
        for (k, v) in &aa {
            if !ea.contains_key(k) {
                write!(msg, "; unexpected {k}={v:?}").unwrap();
            }
        }
        return Err(msg);
    }
    let (mut ec, mut ac) = (significant_children(expected), significant_children(actual));
    ec.retain(|i| !matches!(i, Item::Element(e) if named(*e, eq.ignored)));
    if named(expected, eq.unordered) {
        // Stable: elements of one name keep their order.
        let key = |i: &Item<'_, '_>| match i {
            Item::Element(e) => expanded(*e),
            Item::Text(_) => String::new(),
        };
        ec.sort_by_key(key);
        ac.sort_by_key(key);
    }
    for (i, pair) in ec.iter().zip(ac.iter()).enumerate() {
        match pair {
            (Item::Element(e), Item::Element(a)) => compare_elements(*e, *a, &format!("{path}[child {}]", i + 1), eq)?,
            (Item::Text(e), Item::Text(a)) => {
                let same = if named(expected, eq.qname_text) {
                    resolved_qname(expected, e) == resolved_qname(actual, a)
                } else if named(expected, eq.collapsed) {
                    collapse(e) == collapse(a)
                } else {
                    e == a
                };
                if !same {
                    return Err(format!("at {path}: child {} text expected {e:?}, found {a:?}", i + 1));
                }
            }
            (e, a) => return Err(format!("at {path}: child {} expected {}, found {}", i + 1, describe(e), describe(a))),
        }
    }
    if ec.len() != ac.len() {
        let extra = if ec.len() > ac.len() {
            format!("missing {}", describe(&ec[ac.len()]))
        } else {
            format!("unexpected {}", describe(&ac[ec.len()]))
        };
        return Err(format!("at {path}: expected {} significant children, found {} ({extra})", ec.len(), ac.len()));
    }
    Ok(())
}

/// Parses `text` with `roxmltree` (the independent parser of these tests).
pub fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, String> {
    roxmltree::Document::parse(text).map_err(|e| format!("not well-formed XML: {e}"))
}

/// Compares two XML documents for equivalence: whether `actual` carries the same message as
/// `expected`, ignoring only what XML lets a writer choose.
///
/// Compared:
/// - elements by namespace URI and local name, in document order;
/// - attributes by namespace URI, local name and (normalized) value, in any order;
///   namespace declarations are not attributes and are not compared;
/// - text, character for character, except insignificant white space.
///
/// Insignificant white space, precisely: an element has *element-only content* when it has at
/// least one child element and every text between its children consists of XML white space
/// only (space, tab, CR, LF); in such an element those white-space-only text nodes are
/// ignored. Every other text is significant and must be equal character for character: the
/// text of an element without child elements (even if it is only white space, and including
/// leading and trailing white space such as the line break before `</faultcode>`), and every
/// text node of mixed content. Adjacent text nodes count as one (a comment between them is
/// skipped). An element without child elements and whose text is white space only is
/// therefore not equivalent to an empty element: the comparator does not know the schema and
/// keeps such text.
///
/// Not compared: prefixes, where namespaces are declared, attribute order and quoting, the
/// XML declaration, character references versus literal characters, CDATA sections versus
/// escaped text, comments and processing instructions. QName-valued text and attributes
/// (e.g. `faultcode`) are compared as text, so their prefixes must match too.
pub fn xml_equivalent(expected: &str, actual: &str) -> Result<(), String> {
    xml_equivalent_with(expected, actual, &Equivalence::default())
}

/// [`xml_equivalent`], also treating as equal what `eq` allows (what the schema makes equal
/// in value: `xs:all` order, collapsed `xs:token` text, QName text by expanded name, header
/// entries the receiver ignores, schema location hints).
pub fn xml_equivalent_with(expected: &str, actual: &str, eq: &Equivalence<'_>) -> Result<(), String> {
    let e = parse_xml(expected).map_err(|m| format!("expected document: {m}"))?;
    let a = parse_xml(actual).map_err(|m| format!("actual document: {m}"))?;
    compare_elements(e.root_element(), a.root_element(), "", eq)
}

/// Compares the `Body` element that is the root of `fragment` (a SOAP Body printed on its
/// own, as in [MS-OXWUMS] 3.1.4.7) with the `Body` of the envelope `envelope`, as
/// [`xml_equivalent`] does.
pub fn body_fragment_equivalent(fragment: &str, envelope: &str) -> Result<(), String> {
    let f = parse_xml(fragment).map_err(|m| format!("fragment: {m}"))?;
    let e = parse_xml(envelope).map_err(|m| format!("envelope: {m}"))?;
    let root = e.root_element();
    let body = root
        .children()
        .filter(|c| c.is_element())
        .find(|c| c.tag_name().name() == "Body" && c.tag_name().namespace() == root.tag_name().namespace())
        .ok_or_else(|| format!("the envelope {} has no Body", expanded(root)))?;
    compare_elements(f.root_element(), body, "", &Equivalence::default())
}

// ---------------------------------------------------------------------------------------------
// SOAP helpers (on roxmltree)
// ---------------------------------------------------------------------------------------------

/// SOAP 1.1 envelope namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace.
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// The EWS messages namespace.
pub const MESSAGES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
/// The EWS types namespace.
pub const TYPES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
/// The EWS errors namespace (fault detail entries of 2.2.2.1).
pub const ERRORS_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/errors";

/// The child elements of `node`.
pub fn child_elements<'a, 'input>(node: roxmltree::Node<'a, 'input>) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    node.children().filter(|c| c.is_element())
}

/// The first child element `{ns}local` of `node`.
pub fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, ns: &str, local: &str) -> Option<roxmltree::Node<'a, 'input>> {
    child_elements(node).find(|c| c.tag_name().name() == local && c.tag_name().namespace().unwrap_or("") == ns)
}

/// `(namespace, local name)` of an element.
pub fn qname(node: roxmltree::Node<'_, '_>) -> (String, String) {
    (node.tag_name().namespace().unwrap_or("").to_owned(), node.tag_name().name().to_owned())
}

/// A SOAP 1.1 fault read with roxmltree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawFault {
    /// `faultcode` resolved: (namespace, local name).
    pub code: (String, String),
    /// `faultstring` text.
    pub string: String,
    /// `xml:lang` of `faultstring`.
    pub lang: Option<String>,
    /// Detail entries: (namespace, local name, text).
    pub detail: Vec<(String, String, String)>,
}

/// Reads the SOAP 1.1 or 1.2 fault in `envelope` (the first child of its Body): the fault
/// code (`faultcode`, or `Code/Value`) resolved against the namespaces in scope where it is
/// written, the reason (`faultstring`, or the first `Reason/Text`) with its `xml:lang`, and
/// the detail entries (`detail` / `Detail`).
pub fn read_fault(envelope: &str) -> Result<RawFault, String> {
    let doc = parse_xml(envelope)?;
    let env = doc.root_element();
    let soap = match qname(env) {
        (ns, local) if local == "Envelope" && (ns == SOAP11 || ns == SOAP12) => ns,
        _ => return Err(format!("root is {}, not a SOAP 1.1 or 1.2 Envelope", expanded(env))),
    };
    let body = child(env, &soap, "Body").ok_or("no Body")?;
    let fault = child(body, &soap, "Fault").ok_or("the Body holds no Fault")?;
    let v12 = soap == SOAP12;
    let code_el = if v12 {
        child(fault, &soap, "Code").and_then(|c| child(c, &soap, "Value")).ok_or("no Code/Value")?
    } else {
        child(fault, "", "faultcode").ok_or("no faultcode")?
    };
    let code_text = code_el.text().unwrap_or("").trim_matches(is_xml_ws);
    let code = match code_text.split_once(':') {
        Some((p, l)) => {
            let ns = code_el.lookup_namespace_uri(Some(p)).ok_or_else(|| format!("fault code prefix {p:?} is not declared"))?;
            (ns.to_owned(), l.to_owned())
        }
        None => (code_el.lookup_namespace_uri(None).unwrap_or("").to_owned(), code_text.to_owned()),
    };
    let s = if v12 {
        child(fault, &soap, "Reason").and_then(|r| child(r, &soap, "Text")).ok_or("no Reason/Text")?
    } else {
        child(fault, "", "faultstring").ok_or("no faultstring")?
    };
    let lang = s.attribute(("http://www.w3.org/XML/1998/namespace", "lang")).map(str::to_owned);
    let detail_el = if v12 { child(fault, &soap, "Detail") } else { child(fault, "", "detail") };
    let detail = match detail_el {
        Some(d) => child_elements(d)
            .map(|e| {
                let (ns, local) = qname(e);
                (ns, local, e.text().unwrap_or("").to_owned())
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(RawFault { code, string: s.text().unwrap_or("").to_owned(), lang, detail })
}

// ---------------------------------------------------------------------------------------------
// The WSDL and the schemas
// ---------------------------------------------------------------------------------------------

const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
const WSDL_SOAP11_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";

/// The `soapAction` of every operation of every SOAP 1.1 binding of the MS-OXWUMS WSDL, by
/// operation name, read from `schemas/ms-oxwums/MS-OXWUMS.wsdl`.
pub fn wsdl_soap_actions() -> BTreeMap<String, String> {
    let path = schemas_dir().join("MS-OXWUMS.wsdl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc = parse_xml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut actions = BTreeMap::new();
    for binding in doc.descendants().filter(|n| n.has_tag_name((WSDL_NS, "binding"))) {
        for op in child_elements(binding).filter(|n| n.has_tag_name((WSDL_NS, "operation"))) {
            let name = op.attribute("name").expect("wsdl:operation has a name");
            if let Some(so) = child(op, WSDL_SOAP11_NS, "operation") {
                actions.insert(name.to_owned(), so.attribute("soapAction").unwrap_or("").to_owned());
            }
        }
    }
    actions
}

/// The global element declarations, as `(namespace, name)`, of the MS-OXWUMS schema set: every
/// `.xsd` file of `schemas/ms-oxwums` and of the shared `schemas/ms-oxwscdata`.
pub fn schema_global_elements() -> BTreeSet<(String, String)> {
    let schemas = workspace_root().join("schemas");
    schema_global_elements_in(&[schemas.join("ms-oxwums"), schemas.join("ms-oxwscdata")])
}

/// The global element declarations, as `(namespace, name)`, of every `.xsd` file in `dirs`.
pub fn schema_global_elements_in(dirs: &[PathBuf]) -> BTreeSet<(String, String)> {
    let mut set = BTreeSet::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        files.extend(
            std::fs::read_dir(dir)
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                .map(|e| e.expect("directory entry").path())
                .filter(|p| p.extension().is_some_and(|x| x == "xsd")),
        );
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()));
        let doc = parse_xml(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let schema = doc.root_element();
        let tns = schema.attribute("targetNamespace").unwrap_or("");
        for el in child_elements(schema).filter(|n| n.has_tag_name((XSD_NS, "element"))) {
            if let Some(name) = el.attribute("name") {
                set.insert((tns.to_owned(), name.to_owned()));
            }
        }
    }
    set
}

// ---------------------------------------------------------------------------------------------
// Schema validation
// ---------------------------------------------------------------------------------------------

pub use soapkit_testkit::{TempFile, Validation, validate as schema_validate};

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "| File | Section | Kind | Operation | Direction | Repairs | Spec error |\n| --- | --- | --- | --- | --- | --- | --- |\n";

    #[test]
    fn manifest_rows_are_parsed() {
        let text =
            format!("# t\n\n{HEADER}| 4.1-Disconnect-request.xml | 4.1 | request | Disconnect | input | joined `a|b` \\| x | none |\n");
        let rows = parse_manifest(&text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 5);
        assert_eq!(rows[0].repairs, "joined `a|b` | x");
        assert_eq!(rows[0].kind, FixtureKind::Request);
        assert_eq!(rows[0].direction, Direction::Input);
        assert_eq!(rows[0].spec_error, SpecError::None);
        // Documents of a bare schema, operations with hyphens, and an as-printed example
        // that cannot be corrected.
        let text = format!(
            "{HEADER}| 7.2-Contacts-insert.as-printed.xml | 7.2 | document | EPAS-Contacts_1 | none | none | kept: bad; {NO_TWIN} why |\n"
        );
        let rows = parse_manifest(&text).unwrap();
        assert_eq!(
            (rows[0].kind, rows[0].direction, rows[0].operation.as_str()),
            (FixtureKind::Document, Direction::None, "EPAS-Contacts_1")
        );
    }

    #[test]
    fn malformed_manifests_are_rejected_with_the_line() {
        let row = "| 4.1-Disconnect-request.xml | 4.1 | request | Disconnect | input | none | none |\n";
        let cases: Vec<(String, &str)> = vec![
            ("no table here\n".to_owned(), "no markdown table"),
            (format!("{HEADER}{row}\ntext\n\n{HEADER}{row}"), "exactly one table"),
            (format!("| File | Section |\n| --- | --- |\n{row}"), "table header is"),
            (format!("{}{row}", HEADER.lines().next().unwrap().to_owned() + "\n"), "line 2: expected a separator row"),
            (format!("{HEADER}| a.xml | 4.1 | request |\n"), "line 3: expected 7 cells, found 3"),
            (format!("{HEADER}| 4.1-x.xml | 4.1 | envelope | Disconnect | input | none | none |\n"), "Kind must be"),
            (format!("{HEADER}| 4.1-x.xml | 4.1 | request | Disconnect | sideways | none | none |\n"), "Direction must be"),
            (format!("{HEADER}| 4.1-x.xml | 4.1 | request | Disconnect | output | none | none |\n"), "does not go with"),
            (format!("{HEADER}| 4.1-x.xml | 4.1 | request | Disconnect | input | none | maybe |\n"), "Spec error must be"),
            (format!("{HEADER}| 4.2-x.xml | 4.1 | request | Disconnect | input | none | none |\n"), "does not start with its section"),
            (format!("{HEADER}{row}{row}"), "listed twice"),
            (
                format!("{HEADER}| 4.1-x.as-printed.xml | 4.1 | request | Disconnect | input | none | none |\n"),
                "must have Spec error `kept: ...`",
            ),
            (format!("{HEADER}| 4.1-x.as-printed.xml | 4.1 | request | Disconnect | input | none | kept: oops |\n"), "has no twin"),
            (format!("{HEADER}| 4.1-x.xml | 4.1 | request | Disconnect | input | `unbalanced | none |\n"), "malformed table row"),
            (format!("{HEADER}| 7.1-x.xml | 7.1 | document | T | input | none | none |\n"), "does not go with"),
            (format!("{HEADER}| 4.1-x.xml | 4.1 | request | Dis connect | input | none | none |\n"), "Operation must be"),
            (
                format!(
                    "{HEADER}| 4.1-x.as-printed.xml | 4.1 | request | D | input | none | kept: {NO_TWIN} gone |\n\
                     | 4.1-x.xml | 4.1 | request | D | input | none | corrected: c |\n"
                ),
                "but has one",
            ),
        ];
        for (text, wanted) in cases {
            match parse_manifest(&text) {
                Ok(rows) => panic!("expected an error containing {wanted:?}, got {} rows for:\n{text}", rows.len()),
                Err(e) => assert!(e.contains(wanted), "expected an error containing {wanted:?}, got {e:?} for:\n{text}"),
            }
        }
    }

    #[test]
    fn equivalence_ignores_prefixes_declarations_attribute_order_and_indentation() {
        let a = r#"<?xml version="1.0"?>
<s:E xmlns:s="urn:s" xmlns:m="urn:m">
  <s:B>
    <m:X b="2" a="1">text</m:X>
  </s:B>
</s:E>"#;
        let b = r#"<E xmlns="urn:s"><B><X xmlns="urn:m" a="1" b="2">text</X></B></E>"#;
        xml_equivalent(a, b).unwrap();
        xml_equivalent(b, a).unwrap();
    }

    #[test]
    fn equivalence_detects_every_kind_of_difference() {
        let base = r#"<e xmlns="urn:x"><a k="v">t</a><b/></e>"#;
        let cases = [
            (r#"<e xmlns="urn:y"><a k="v">t</a><b/></e>"#, "expected element {urn:x}e, found element {urn:y}e"),
            (r#"<e xmlns="urn:x"><b/><a k="v">t</a></e>"#, "expected element {urn:x}a, found element {urn:x}b"),
            (r#"<e xmlns="urn:x"><a k="w">t</a><b/></e>"#, "k expected \"v\", found \"w\""),
            (r#"<e xmlns="urn:x"><a>t</a><b/></e>"#, "missing k=\"v\""),
            (r#"<e xmlns="urn:x"><a k="v" j="1">t</a><b/></e>"#, "unexpected j=\"1\""),
            (r#"<e xmlns="urn:x"><a k="v">t </a><b/></e>"#, "text expected \"t\", found \"t \""),
            (r#"<e xmlns="urn:x"><a k="v"></a><b/></e>"#, "missing text \"t\""),
            (r#"<e xmlns="urn:x"><a k="v">t</a></e>"#, "missing element {urn:x}b"),
            (r#"<e xmlns="urn:x"><a k="v">t</a><b/><b/></e>"#, "unexpected element {urn:x}b"),
            (r#"<e xmlns="urn:x"><a k="v">t</a>x<b/></e>"#, "expected element {urn:x}b, found text \"x\""),
            (r#"<e xmlns="urn:x"><a xmlns:p="urn:p" p:k="v">t</a><b/></e>"#, "missing k=\"v\""),
        ];
        for (other, wanted) in cases {
            match xml_equivalent(base, other) {
                Ok(()) => panic!("{other} was found equivalent to {base}; expected a difference {wanted:?}"),
                Err(e) => assert!(e.contains(wanted), "comparing {base} with {other}: expected {wanted:?} in {e:?}"),
            }
        }
    }

    #[test]
    fn whitespace_rule_is_exactly_the_documented_one() {
        // Element-only content: indentation between elements is ignored.
        xml_equivalent("<a>\n  <b/>\n  <c/>\n</a>", "<a><b/><c/></a>").unwrap();
        // Simple content: leading/trailing white space is significant (faultcode in 3.1.4.1).
        assert!(xml_equivalent("<f>a:X\n      </f>", "<f>a:X</f>").is_err());
        // White-space-only simple content is not the empty element.
        assert!(xml_equivalent("<a> </a>", "<a/>").is_err());
        // Mixed content: every text node counts, white space included.
        assert!(xml_equivalent("<a>x <b/> y</a>", "<a>x<b/>y</a>").is_err());
        xml_equivalent("<a>x <b/> y</a>", "<a>x <b/> y</a>").unwrap();
        // Comments and CDATA are not compared as such.
        xml_equivalent("<a>x<!-- c -->y</a>", "<a><![CDATA[xy]]></a>").unwrap();
        // Character references are the characters they stand for.
        xml_equivalent("<a>&#x41;&amp;</a>", "<a>A&#38;</a>").unwrap();
    }

    #[test]
    fn body_fragments_are_compared_with_the_envelope_body() {
        let fragment = r#"<s:Body xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><X xmlns="urn:x">1</X></s:Body>"#;
        let env = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><x:X xmlns:x="urn:x">1</x:X></soap:Body></soap:Envelope>"#;
        body_fragment_equivalent(fragment, env).unwrap();
        let other = env.replace(">1<", ">2<");
        assert!(body_fragment_equivalent(fragment, &other).is_err());
    }

    #[test]
    fn faults_are_read_with_resolved_codes() {
        let f = read_fault(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="urn:a"> a:X
</faultcode><faultstring xml:lang="en-US">r</faultstring><detail><e:M xmlns:e="urn:e">m</e:M></detail></s:Fault></s:Body></s:Envelope>"#,
        )
        .unwrap();
        assert_eq!(f.code, ("urn:a".to_owned(), "X".to_owned()));
        assert_eq!(f.string, "r");
        assert_eq!(f.lang.as_deref(), Some("en-US"));
        assert_eq!(f.detail, vec![("urn:e".to_owned(), "M".to_owned(), "m".to_owned())]);
    }
}
