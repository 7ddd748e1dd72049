//! A pull reader over a complete UTF-8 document, built on `quick_xml::Reader`.
//!
//! Generated decoders walk the document with three calls: [`Reader::next_child`] (the next
//! child element of an element, skipping insignificant whitespace, comments and processing
//! instructions), [`Reader::read_text`] (the simple content of an element) and
//! [`Reader::attributes`]. Names are resolved to [`NsId`]s through the reader's own namespace
//! scopes, so nothing is allocated per element unless the decoded value keeps it. Everything
//! borrowed is borrowed from the input.
//!
//! The protocol: after [`Reader::next_child`] returns a child, the caller consumes that child
//! completely (decoding it to its end, or [`Reader::skip`]) before asking for the next sibling.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::events::attributes::Attribute;
use quick_xml::name::QName;

use super::error::{DecodeError, DecodeErrorKind};
use super::limits::Limits;
use super::ns::{NsId, NsTable};
use crate::xsd::ValueError;
use crate::xsd::util::is_xml_ws as is_ws_byte;

/// A start tag (`<a ...>` or `<a .../>`) read from the document.
#[derive(Clone, Copy, Debug)]
pub struct Start<'a> {
    ns: NsId,
    local: &'a str,
    name_len: usize,
    content: &'a str,
    empty: bool,
    offset: usize,
}

impl<'a> Start<'a> {
    /// The namespace of the element.
    #[inline]
    pub fn ns(&self) -> NsId {
        self.ns
    }

    /// The local name.
    #[inline]
    pub fn local(&self) -> &'a str {
        self.local
    }

    /// The qualified name as written (`prefix:local`).
    #[inline]
    pub fn name(&self) -> &'a str {
        &self.content[..self.name_len]
    }

    /// The prefix as written, if any.
    pub fn prefix(&self) -> Option<&'a str> {
        self.name().split_once(':').map(|(p, _)| p)
    }

    /// Whether the tag was written `<a/>`.
    #[inline]
    pub fn is_empty_tag(&self) -> bool {
        self.empty
    }

    /// Byte offset of the `<` of this tag.
    #[inline]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Whether this element is `{ns}local`.
    #[inline]
    pub fn is(&self, ns: NsId, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
}

/// An attribute of a start tag, other than a namespace declaration.
#[derive(Clone, Debug)]
pub struct Attr<'a> {
    /// Namespace of the attribute (unprefixed attributes are in no namespace).
    pub ns: NsId,
    /// Local name.
    pub local: &'a str,
    /// Qualified name as written.
    pub name: &'a str,
    /// Value after attribute-value normalization and entity expansion.
    pub value: Cow<'a, str>,
}

impl Attr<'_> {
    /// Whether this attribute is `{ns}local`.
    #[inline]
    pub fn is(&self, ns: NsId, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
}

/// A node of mixed content: a child element or a run of character data.
#[derive(Debug)]
pub enum Node<'a> {
    /// A child element (to be consumed before the next call).
    Element(Start<'a>),
    /// Character data, with entity and character references resolved.
    Text(Cow<'a, str>),
}

#[derive(Clone, Copy, Debug)]
struct Binding<'a> {
    prefix: &'a str,
    ns: NsId,
    depth: u32,
    /// While [`Reader::innermost`] is kept: the index of the binding of the same prefix that
    /// this one hides ([`NO_BINDING`] if none).
    shadows: u32,
}

const NO_BINDING: u32 = u32::MAX;

/// The value of `a` after attribute-value normalization (XML 1.0 3.3.3): quick-xml's, which
/// looks at the value a byte at a time; values that normalization leaves alone (most) are
/// recognised eight bytes at a time first and borrowed as they are, as quick-xml would.
fn normalized_value<'a>(a: &Attribute<'a>) -> quick_xml::Result<Cow<'a, str>> {
    if may_need_normalizing(a.value.as_bytes()) {
        return a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
    }
    Ok(a.value.clone())
}

/// Whether attribute-value normalization may change `v`: it holds a reference (`&`), a TAB, LF
/// or CR, or another control character (left to the full normalization, which judges it).
/// Never false when normalization would change something.
fn may_need_normalizing(v: &[u8]) -> bool {
    use super::word::{below, load, splat};
    let mut chunks = v.chunks_exact(8);
    for chunk in chunks.by_ref() {
        let w = load(chunk);
        if below(w, 0x0E) | below(w ^ splat(b'&'), 1) != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| b == b'&' || b < 0x0E)
}

/// Up to this many bindings in scope, prefixes are looked up by a scan from the innermost
/// (what every real message needs); past it, through [`Reader::innermost`], so that a deep
/// stack of declarations costs no more per name than a shallow one.
const SCANNED_BINDINGS: usize = 16;

/// The document reader. Cheap to clone (for look-ahead).
pub struct Reader<'a> {
    xml: quick_xml::Reader<&'a [u8]>,
    input: &'a str,
    table: NsTable,
    /// Namespaces not in the table, borrowed from the input when their declaration needs no
    /// normalization.
    dynamic: Vec<Cow<'a, str>>,
    /// Once there are more than [`SCANNED_BINDINGS`] of them: the index of each dynamic
    /// namespace, so that a document declaring thousands costs no scan per declaration.
    dynamic_index: Option<std::collections::HashMap<Cow<'a, str>, u16>>,
    bindings: Vec<Binding<'a>>,
    /// Once more than [`SCANNED_BINDINGS`] bindings were in scope: each prefix's innermost
    /// binding (an index into `bindings`).
    innermost: Option<std::collections::HashMap<&'a str, u32>>,
    depth: u32,
    limits: Limits,
    /// Elements opened so far.
    elements: u64,
    pending: Option<(usize, Event<'a>)>,
    soap_scope: Option<usize>,
    /// An element was just closed; its namespace bindings stay visible (for QName-valued
    /// content parsed right after its text was read) until the next event is read.
    close_pending: bool,
}

const XMLNS_URI: &str = "http://www.w3.org/2000/xmlns/";

impl Clone for Reader<'_> {
    /// A reader at the same position. Decoding clones readers to try candidates, and the
    /// clone's bindings keep room to grow (a derived clone would make them exactly full, so
    /// that the first declaration read reallocates).
    fn clone(&self) -> Self {
        let mut bindings = Vec::with_capacity(self.bindings.capacity());
        bindings.extend_from_slice(&self.bindings);
        Reader {
            xml: self.xml.clone(),
            input: self.input,
            table: self.table,
            dynamic: self.dynamic.clone(),
            dynamic_index: self.dynamic_index.clone(),
            bindings,
            innermost: self.innermost.clone(),
            depth: self.depth,
            limits: self.limits,
            elements: self.elements,
            pending: self.pending.clone(),
            soap_scope: self.soap_scope,
            close_pending: self.close_pending,
        }
    }
}

impl<'a> Reader<'a> {
    /// A reader over `input` whose known namespaces are `table`.
    pub fn new(input: &'a str, table: NsTable) -> Self {
        let input = input.strip_prefix('\u{feff}').unwrap_or(input);
        let mut xml = quick_xml::Reader::from_str(input);
        let config = xml.config_mut();
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.check_comments = true;
        config.expand_empty_elements = false;
        Reader {
            xml,
            input,
            table,
            dynamic: Vec::new(),
            dynamic_index: None,
            bindings: Vec::with_capacity(16),
            innermost: None,
            depth: 0,
            limits: Limits::DEFAULT,
            elements: 0,
            pending: None,
            soap_scope: None,
            close_pending: false,
        }
    }

    /// The same reader with other [`Limits`] (the default ones otherwise). Set them before
    /// reading.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits the reader enforces.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// A reader over raw bytes, which must be UTF-8.
    pub fn from_bytes(input: &'a [u8], table: NsTable) -> Result<Self, DecodeError> {
        match std::str::from_utf8(input) {
            Ok(s) => Ok(Reader::new(s, table)),
            Err(e) => {
                let lossy = String::from_utf8_lossy(&input[..e.valid_up_to()]);
                let (line, col) = super::error::line_column(&lossy, lossy.len());
                Err(DecodeError::detached(
                    DecodeErrorKind::Malformed,
                    format!("{line}:{col}: the document is not valid UTF-8 (only UTF-8 is accepted)"),
                ))
            }
        }
    }

    /// The whole input.
    pub fn input(&self) -> &'a str {
        self.input
    }

    /// The namespace table.
    pub fn table(&self) -> NsTable {
        self.table
    }

    /// The URI of a namespace id (table or dynamic).
    pub fn ns_uri(&self, id: NsId) -> &str {
        match self.table.uri(id) {
            Some(u) => u,
            None => self.dynamic.get(id.0 as usize - self.table.len()).map_or("", |b| b.as_ref()),
        }
    }

    /// The URI of a namespace id, borrowed for the table's namespaces and copied for the
    /// others (for values that outlive the input).
    pub fn ns_uri_cow(&self, id: NsId) -> Cow<'static, str> {
        match self.table.uri(id) {
            Some(u) => Cow::Borrowed(u),
            None => Cow::Owned(self.ns_uri(id).to_owned()),
        }
    }

    /// Formats `{uri}local` for messages.
    pub fn expanded(&self, ns: NsId, local: &str) -> String {
        let uri = self.ns_uri(ns);
        if uri.is_empty() { local.to_owned() } else { format!("{{{uri}}}{local}") }
    }

    /// Marks the element at `offset` (a SOAP header entry or the Body) as one that may carry
    /// attributes of the SOAP envelope namespace (`mustUnderstand`, `actor`, `role`, ...).
    pub fn set_soap_scope(&mut self, offset: Option<usize>) {
        self.soap_scope = offset;
    }

    /// Whether `el` may carry SOAP envelope attributes (see [`Reader::set_soap_scope`]).
    pub fn soap_attributes_allowed(&self, el: &Start<'a>) -> bool {
        self.soap_scope == Some(el.offset)
    }

    /// The namespace bound to `prefix` at the current position (`""` is the default namespace).
    pub fn resolve_prefix(&self, prefix: &str) -> Option<NsId> {
        if prefix == "xml" {
            return Some(NsId::XML);
        }
        let found = match &self.innermost {
            Some(map) => map.get(prefix).map(|&i| &self.bindings[i as usize]),
            None => self.bindings.iter().rev().find(|b| b.prefix == prefix),
        };
        match found {
            Some(b) => Some(b.ns),
            None if prefix.is_empty() => Some(NsId::NONE),
            None => None,
        }
    }

    /// The prefix bindings in scope, innermost last (for capturing `xs:any` content).
    pub fn in_scope_prefixes(&self) -> impl Iterator<Item = (&'a str, NsId)> + '_ {
        self.bindings.iter().map(|b| (b.prefix, b.ns))
    }

    /// The prefix bindings declared on the element being read (its own `xmlns` attributes).
    pub fn own_prefixes(&self) -> impl Iterator<Item = (&'a str, NsId)> + '_ {
        // Bindings are pushed in document order, so the element's own are the last ones.
        let depth = self.depth;
        let start = self.bindings.iter().rposition(|b| b.depth != depth).map_or(0, |i| i + 1);
        self.bindings[start..].iter().map(|b| (b.prefix, b.ns))
    }

    // ----- errors -------------------------------------------------------------------------

    /// A malformed-document error at `offset`.
    pub fn malformed(&self, offset: usize, message: impl Into<String>) -> DecodeError {
        DecodeError::new(DecodeErrorKind::Malformed, message, self.input, offset)
    }

    /// A [`Limits`] error at `offset`.
    fn limit(&self, offset: usize, message: impl Into<String>) -> DecodeError {
        DecodeError::new(DecodeErrorKind::LimitExceeded, message, self.input, offset)
    }

    /// A schema-validity error at `offset`.
    pub fn invalid(&self, offset: usize, message: impl Into<String>) -> DecodeError {
        DecodeError::new(DecodeErrorKind::Invalid, message, self.input, offset)
    }

    /// `child` is not allowed where it appears. `expected` lists what would have been.
    pub fn unexpected_element(&self, child: &Start<'a>, expected: &[(NsId, &str)]) -> DecodeError {
        let mut msg = format!("unexpected element {}", self.expanded(child.ns, child.local));
        if !expected.is_empty() {
            msg.push_str("; expected ");
            msg.push_str(&self.list_names(expected));
        }
        self.invalid(child.offset, msg)
    }

    /// An element ended, or another element came, where `expected` was required.
    /// `found` is the element found instead, if any.
    pub fn missing_element(&self, parent: &Start<'a>, found: Option<&Start<'a>>, expected: &[(NsId, &str)]) -> DecodeError {
        let names = self.list_names(expected);
        match found {
            Some(f) => self.invalid(f.offset, format!("unexpected element {}; expected {names}", self.expanded(f.ns, f.local))),
            None => self.invalid(self.position(), format!("missing element {names} in {}", self.expanded(parent.ns, parent.local))),
        }
    }

    /// Fewer than `min` occurrences of an element.
    pub fn too_few(&self, parent: &Start<'a>, ns: NsId, local: &str, found: usize, min: usize) -> DecodeError {
        self.invalid(
            self.position(),
            format!(
                "element {} occurs {found} time(s) in {}; at least {min} required",
                self.expanded(ns, local),
                self.expanded(parent.ns, parent.local)
            ),
        )
    }

    /// An attribute not allowed on `el`.
    pub fn unexpected_attribute(&self, el: &Start<'a>, attr: &Attr<'a>) -> DecodeError {
        // A tag with a syntax error later on (e.g. a duplicate attribute) is malformed, which
        // takes precedence over the validity of its first attributes.
        if let Some(Err(e)) = self.attributes(el).find(Result::is_err) {
            return e;
        }
        self.invalid(
            el.offset,
            format!("unexpected attribute {} on element {}", self.expanded(attr.ns, attr.local), self.expanded(el.ns, el.local)),
        )
    }

    /// A required attribute is absent.
    pub fn missing_attribute(&self, el: &Start<'a>, ns: NsId, local: &str) -> DecodeError {
        self.invalid(
            el.offset,
            format!("missing required attribute {} on element {}", self.expanded(ns, local), self.expanded(el.ns, el.local)),
        )
    }

    /// A value of element `el` (or of its attribute `attr`) is not valid for its type.
    pub fn invalid_value(&self, el: &Start<'a>, attr: Option<&str>, error: ValueError) -> DecodeError {
        let msg = match attr {
            Some(a) => format!("invalid value of attribute {a} of {}: {error}", el.name()),
            None => format!("invalid value of element {}: {error}", self.expanded(el.ns, el.local)),
        };
        self.invalid(el.offset, msg)
    }

    fn list_names(&self, names: &[(NsId, &str)]) -> String {
        let mut s = String::new();
        for (i, (ns, local)) in names.iter().enumerate() {
            if i > 0 {
                s.push_str(if i + 1 == names.len() { " or " } else { ", " });
            }
            s.push_str(&self.expanded(*ns, local));
        }
        if s.is_empty() {
            s.push_str("end of element");
        }
        s
    }

    fn xml_error(&self, e: quick_xml::Error) -> DecodeError {
        let pos = usize::try_from(self.xml.error_position()).unwrap_or(usize::MAX);
        self.malformed(pos, format!("malformed XML: {e}"))
    }

    /// Byte offset of the next unread byte.
    #[inline]
    pub fn position(&self) -> usize {
        if let Some((offset, _)) = &self.pending {
            return *offset;
        }
        usize::try_from(self.xml.buffer_position()).unwrap_or(usize::MAX)
    }

    // ----- events ---------------------------------------------------------------------------

    /// A processing instruction whose target is `xml` in any case is not well-formed (the name
    /// is reserved; the XML declaration itself is read as such).
    fn check_pi(&self, pi: &quick_xml::events::BytesPI<'_>, offset: usize) -> Result<(), DecodeError> {
        let target = pi.target();
        if target.eq_ignore_ascii_case("xml") {
            return Err(self.malformed(offset, "a processing instruction may not be named 'xml'"));
        }
        // Namespaces in XML: a processing instruction target contains no colon.
        if !is_ncname(target) {
            return Err(self.malformed(offset, format!("'{target}' is not a valid processing instruction name")));
        }
        Ok(())
    }

    /// Reads the prolog and returns the document element.
    pub fn root(&mut self) -> Result<Start<'a>, DecodeError> {
        loop {
            let (offset, ev) = self.read_event()?;
            match ev {
                Event::Decl(_) if offset != 0 && self.input[..offset] != *"\u{feff}" => {
                    return Err(self.malformed(offset, "the XML declaration must be at the very start of the document"));
                }
                Event::Decl(d) => {
                    check_xml_decl(&d).map_err(|m| self.malformed(offset, format!("malformed XML declaration: {m}")))?;
                    if let Some(enc) = d.encoding() {
                        let enc = enc.map_err(|e| self.malformed(offset, format!("malformed XML declaration: {e}")))?;
                        if !enc.eq_ignore_ascii_case("utf-8") {
                            return Err(self.malformed(offset, format!("unsupported encoding '{enc}': only UTF-8 is accepted")));
                        }
                    }
                }
                Event::Comment(_) => {}
                Event::PI(pi) => self.check_pi(&pi, offset)?,
                Event::Text(t) if is_xml_ws(&t) => {}
                Event::DocType(_) => {
                    return Err(self.malformed(offset, "a document type declaration (DTD) is not allowed"));
                }
                Event::Start(s) => return self.open(s, false, offset),
                Event::Empty(s) => return self.open(s, true, offset),
                Event::Eof => return Err(self.malformed(offset, "the document is empty: no root element")),
                _ => return Err(self.malformed(offset, "content before the root element")),
            }
        }
    }

    /// After the root element has been consumed: checks that only comments, processing
    /// instructions and whitespace follow.
    pub fn end_document(&mut self) -> Result<(), DecodeError> {
        loop {
            let (offset, ev) = self.read_event()?;
            match ev {
                Event::Eof => return Ok(()),
                Event::Comment(_) => {}
                Event::PI(pi) => self.check_pi(&pi, offset)?,
                Event::Text(t) if is_xml_ws(&t) => {}
                _ => return Err(self.malformed(offset, "content after the root element")),
            }
        }
    }

    /// The next child element of `parent`, or `None` when `parent` ends (which closes it).
    /// Whitespace, comments and processing instructions are skipped; other text is an error
    /// (element-only content).
    pub fn next_child(&mut self, parent: &Start<'a>) -> Result<Option<Start<'a>>, DecodeError> {
        loop {
            match self.next_node(parent)? {
                None => return Ok(None),
                Some(Node::Element(s)) => return Ok(Some(s)),
                Some(Node::Text(t)) => {
                    if !is_xml_ws(&t) {
                        let shown: String = t.trim().chars().take(40).collect();
                        return Err(self.invalid(
                            parent.offset,
                            format!(
                                "text '{shown}' is not allowed in the element-only content of {}",
                                self.expanded(parent.ns, parent.local)
                            ),
                        ));
                    }
                }
            }
        }
    }

    /// The next node of `parent`'s (mixed) content, or `None` when `parent` ends.
    pub fn next_node(&mut self, parent: &Start<'a>) -> Result<Option<Node<'a>>, DecodeError> {
        if parent.empty {
            self.close_empty();
            return Ok(None);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let (offset, ev) = self.read_event()?;
            match ev {
                Event::Text(t) => {
                    let t = t.xml10_content();
                    self.check_text(&text, t.len(), offset)?;
                    append(&mut text, t);
                }
                Event::CData(c) => {
                    let c = c.xml10_content();
                    self.check_text(&text, c.len(), offset)?;
                    append(&mut text, c);
                }
                Event::GeneralRef(r) => {
                    let c = self.resolve_ref(&r, offset)?;
                    self.check_text(&text, c.len_utf8(), offset)?;
                    text.get_or_insert_with(|| Cow::Owned(String::new())).to_mut().push(c);
                }
                Event::Comment(_) => {}
                Event::PI(pi) => self.check_pi(&pi, offset)?,
                ev @ (Event::Start(_) | Event::Empty(_) | Event::End(_)) if text.is_some() => {
                    // Return the text first; the tag is returned by the next call.
                    self.pending = Some((offset, ev));
                    return Ok(text.map(Node::Text));
                }
                Event::Start(s) => return self.open(s, false, offset).map(|s| Some(Node::Element(s))),
                Event::Empty(s) => return self.open(s, true, offset).map(|s| Some(Node::Element(s))),
                Event::End(_) => {
                    self.close();
                    return Ok(None);
                }
                Event::Eof => {
                    return Err(self.malformed(offset, format!("unexpected end of document: <{}> is not closed", parent.name())));
                }
                Event::DocType(_) => return Err(self.malformed(offset, "a document type declaration (DTD) is not allowed")),
                Event::Decl(_) => return Err(self.malformed(offset, "misplaced XML declaration")),
            }
        }
    }

    /// The character content of `el` (simple content), closing it. Comments and processing
    /// instructions inside are skipped; a child element is an error.
    pub fn read_text(&mut self, el: &Start<'a>) -> Result<Cow<'a, str>, DecodeError> {
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            match self.next_node(el)? {
                None => return Ok(text.unwrap_or(Cow::Borrowed(""))),
                Some(Node::Text(t)) => append(&mut text, t),
                Some(Node::Element(child)) => {
                    return Err(self.invalid(
                        child.offset,
                        format!(
                            "element {} is not allowed in the simple content of {}",
                            self.expanded(child.ns, child.local),
                            self.expanded(el.ns, el.local)
                        ),
                    ));
                }
            }
        }
    }

    /// Consumes `el` and everything inside it.
    pub fn skip(&mut self, el: &Start<'a>) -> Result<(), DecodeError> {
        while let Some(node) = self.next_node(el)? {
            if let Node::Element(child) = node {
                self.skip(&child)?;
            }
        }
        Ok(())
    }

    /// Consumes `el` and everything inside it without judging any of it (names, namespaces,
    /// attributes, text: only that tags nest), for a look ahead whose reader is then thrown
    /// away: the content is read again, with every check, by whoever decodes it. Errors are
    /// quick-xml's; [`settle`](crate::soap::settle) turns them into the document's first
    /// well-formedness error.
    pub fn skip_unchecked(&mut self, el: &Start<'a>) -> Result<(), DecodeError> {
        if el.empty || self.pending.is_some() {
            return self.skip(el);
        }
        self.apply_close();
        self.xml.read_to_end(QName(el.name())).map_err(|e| self.xml_error(e))?;
        self.close();
        Ok(())
    }

    /// Consumes `el` and everything inside it like [`Reader::skip`], also reading the
    /// attributes of every element, so that any well-formedness error in it is found.
    pub fn skip_checked(&mut self, el: &Start<'a>) -> Result<(), DecodeError> {
        for a in self.attributes(el) {
            a?;
        }
        while let Some(node) = self.next_node(el)? {
            if let Node::Element(child) = node {
                self.skip_checked(&child)?;
            }
        }
        Ok(())
    }

    /// The attributes of `el`, other than namespace declarations. Must be called before any
    /// content of `el` is read.
    pub fn attributes<'r>(&'r self, el: &Start<'a>) -> AttrIter<'a, 'r> {
        AttrIter { reader: self, el: *el, at: el.name_len, seen: Seen::default() }
    }

    /// Whether `el` carries `xsi:nil="true"` (or `"1"`).
    pub fn is_nil(&self, el: &Start<'a>) -> Result<bool, DecodeError> {
        for a in self.attributes(el) {
            let a = a?;
            if a.is(NsId::XSI, "nil") {
                return match a.value.trim_matches(is_ws_char) {
                    "true" | "1" => Ok(true),
                    "false" | "0" => Ok(false),
                    v => Err(self.invalid(el.offset, format!("invalid xsi:nil value '{v}'"))),
                };
            }
        }
        Ok(false)
    }

    // ----- internals ------------------------------------------------------------------------

    fn read_event(&mut self) -> Result<(usize, Event<'a>), DecodeError> {
        self.apply_close();
        if let Some(p) = self.pending.take() {
            return Ok(p);
        }
        let offset = self.position();
        let ev = self.xml.read_event().map_err(|e| self.xml_error(e))?;
        Ok((offset, ev))
    }

    /// Checks that `more` bytes of character data still fit the text limit after `acc`.
    fn check_text(&self, acc: &Option<Cow<'a, str>>, more: usize, offset: usize) -> Result<(), DecodeError> {
        let limit = self.limits.text_bytes();
        if acc.as_ref().map_or(0, |a| a.len()).saturating_add(more) > limit {
            return Err(self.limit(offset, format!("character content longer than the limit of {limit} bytes is refused")));
        }
        Ok(())
    }

    fn open(&mut self, tag: quick_xml::events::BytesStart<'a>, empty: bool, offset: usize) -> Result<Start<'a>, DecodeError> {
        let content = self.borrowed(&tag, offset)?;
        let name_len = tag.name().as_ref().len();
        let limits = self.limits;
        if self.depth >= limits.depth() {
            return Err(self.limit(offset, format!("elements nested more than {} deep are refused", limits.depth())));
        }
        self.elements += 1;
        if self.elements > limits.elements() {
            return Err(self.limit(offset, format!("documents of more than {} elements are refused", limits.elements())));
        }
        if name_len > limits.name_bytes() as usize {
            return Err(self.limit(offset, format!("names longer than {} bytes are refused", limits.name_bytes())));
        }
        let mut decls = Declarations::default();
        if content.len() > name_len
            && let Some((at, problem)) = attribute_problem(content, name_len, &limits, &mut decls)
        {
            let at = offset + 1 + at;
            return Err(match problem {
                AttrProblem::Syntax(what) => self.malformed(at, what),
                AttrProblem::TooMany => self.limit(at, format!("more than {} attributes on one element are refused", limits.attributes())),
                AttrProblem::NameTooLong => self.limit(at, format!("names longer than {} bytes are refused", limits.name_bytes())),
                AttrProblem::ValueTooLong => {
                    self.limit(at, format!("attribute values longer than {} bytes are refused", limits.attribute_bytes()))
                }
            });
        }
        self.depth += 1;
        // Namespace declarations of this element. Repeated declarations are found here, other
        // repeated attributes by AttrIter.
        let first_binding = self.bindings.len();
        let mut xml_declared = false;
        if decls.walked {
            // The walk above read every attribute, and noted the declarations among them.
            for &(name, value) in &decls.spans[..decls.len] {
                let a = Attribute { key: QName(&content[name.0..name.1]), value: Cow::Borrowed(&content[value.0..value.1]) };
                self.declare(a, content, name_len, offset, first_binding, &mut xml_declared)?;
            }
        } else if content[name_len..].contains("xmlns") {
            let mut at = name_len;
            while let Some(a) = next_attribute(content, &mut at) {
                let a = a.map_err(|e| {
                    let (at, msg) = attr_error(offset, content, e);
                    self.malformed(at, msg)
                })?;
                self.declare(a, content, name_len, offset, first_binding, &mut xml_declared)?;
            }
        }
        let name = &content[..name_len];
        let Some((prefix, local)) = split_qname(name) else {
            self.depth -= 1;
            return Err(self.malformed(offset, format!("'{name}' is not a valid element name")));
        };
        let prefix = prefix.unwrap_or("");
        let ns = match self.resolve_prefix(prefix) {
            Some(ns) => ns,
            None => {
                self.depth -= 1;
                return Err(self.malformed(offset, format!("namespace prefix '{prefix}' of element <{name}> is not declared")));
            }
        };
        Ok(Start { ns, local, name_len, content, empty, offset })
    }

    /// Binds the namespace that `a` declares, if it is a namespace declaration, for the element
    /// being opened (`content` its tag, bindings from `first_binding` on its own).
    fn declare(
        &mut self,
        a: Attribute<'a>,
        content: &'a str,
        name_len: usize,
        offset: usize,
        first_binding: usize,
        xml_declared: &mut bool,
    ) -> Result<(), DecodeError> {
        let key: &'a str = a.key.0;
        // Other attribute names are judged when the attributes are read (AttrIter).
        let prefix = if key == "xmlns" {
            ""
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            if !is_ncname(p) {
                return Err(self.malformed(offset, format!("'{key}' is not a valid attribute name")));
            }
            p
        } else {
            return Ok(());
        };
        let repeated = if prefix == "xml" { std::mem::replace(xml_declared, true) } else { self.declared_since(first_binding, prefix) };
        if repeated {
            let at = offset + 1 + (key.as_ptr() as usize - content.as_ptr() as usize);
            return Err(self.malformed(at, format!("namespace declaration {key} appears twice on <{}>", &content[..name_len])));
        }
        let uri = normalized_value(&a).map_err(|e| self.malformed(offset, format!("malformed namespace declaration {key}: {e}")))?;
        if prefix == "xmlns" || uri == XMLNS_URI {
            return Err(self.malformed(offset, format!("reserved namespace declaration {key}=\"{uri}\"")));
        }
        if prefix == "xml" {
            if uri != super::ns::XML {
                return Err(self.malformed(offset, "the prefix 'xml' cannot be bound to another namespace"));
            }
            return Ok(());
        }
        if uri == super::ns::XML {
            return Err(self.malformed(offset, format!("the XML namespace cannot be bound to prefix '{prefix}'")));
        }
        if !prefix.is_empty() && uri.is_empty() {
            return Err(self.malformed(offset, format!("prefix '{prefix}' cannot be undeclared in XML 1.0")));
        }
        let Some(ns) = self.intern(uri) else {
            return Err(self.limit(offset, "documents declaring more than 65 000 distinct namespaces are refused"));
        };
        self.push_binding(prefix, ns);
        Ok(())
    }

    fn borrowed(&self, tag: &quick_xml::events::BytesStart<'a>, offset: usize) -> Result<&'a str, DecodeError> {
        let s: &str = tag;
        let start = (s.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        match start.checked_add(s.len()) {
            Some(end) if end <= self.input.len() && self.input.is_char_boundary(start) && self.input.is_char_boundary(end) => {
                Ok(&self.input[start..end])
            }
            _ => Err(self.malformed(offset, "internal error: tag content not borrowed from input")),
        }
    }

    /// Whether `prefix` is bound by one of the bindings from index `first` on.
    fn declared_since(&self, first: usize, prefix: &str) -> bool {
        match &self.innermost {
            Some(map) => map.get(prefix).is_some_and(|&i| i as usize >= first),
            None => self.bindings[first..].iter().any(|b| b.prefix == prefix),
        }
    }

    fn push_binding(&mut self, prefix: &'a str, ns: NsId) {
        let index = self.bindings.len() as u32;
        let shadows = match &mut self.innermost {
            Some(map) => map.insert(prefix, index).unwrap_or(NO_BINDING),
            None => NO_BINDING,
        };
        self.bindings.push(Binding { prefix, ns, depth: self.depth, shadows });
        if self.innermost.is_none() && self.bindings.len() > SCANNED_BINDINGS {
            let mut map = std::collections::HashMap::with_capacity(self.bindings.len() * 2);
            for (i, b) in self.bindings.iter_mut().enumerate() {
                b.shadows = map.insert(b.prefix, i as u32).unwrap_or(NO_BINDING);
            }
            self.innermost = Some(map);
        }
    }

    fn pop_binding(&mut self) {
        let Some(b) = self.bindings.pop() else { return };
        if let Some(map) = &mut self.innermost {
            if b.shadows == NO_BINDING {
                map.remove(b.prefix);
            } else {
                map.insert(b.prefix, b.shadows);
            }
        }
    }

    /// The id of namespace `uri`, given one if it is new; `None` past the ids an [`NsId`] can
    /// hold (namespaces must never share one).
    fn intern(&mut self, uri: Cow<'a, str>) -> Option<NsId> {
        if let Some(id) = self.table.lookup(&uri) {
            return Some(id);
        }
        let found = match &self.dynamic_index {
            Some(index) => index.get(&uri).copied(),
            None => self.dynamic.iter().position(|d| *d == uri).map(|i| (self.table.len() + i) as u16),
        };
        if let Some(id) = found {
            return Some(NsId(id));
        }
        let id = u16::try_from(self.table.len() + self.dynamic.len()).ok().filter(|&id| id < 65_000)?;
        if let Some(index) = &mut self.dynamic_index {
            index.insert(uri.clone(), id);
        }
        self.dynamic.push(uri);
        if self.dynamic_index.is_none() && self.dynamic.len() > SCANNED_BINDINGS {
            let base = self.table.len();
            self.dynamic_index = Some(self.dynamic.iter().enumerate().map(|(i, d)| (d.clone(), (base + i) as u16)).collect());
        }
        Some(NsId(id))
    }

    fn close(&mut self) {
        self.apply_close();
        self.close_pending = true;
    }

    fn apply_close(&mut self) {
        if !self.close_pending {
            return;
        }
        self.close_pending = false;
        let depth = self.depth;
        while self.bindings.last().is_some_and(|b| b.depth == depth) {
            self.pop_binding();
        }
        self.depth = self.depth.saturating_sub(1);
    }

    fn close_empty(&mut self) {
        self.close();
    }

    fn resolve_ref(&self, r: &quick_xml::events::BytesRef<'_>, offset: usize) -> Result<char, DecodeError> {
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) if is_xml_char(c) => Ok(c),
                Ok(_) | Err(_) => Err(self.malformed(offset, format!("invalid character reference &{};", &**r))),
            };
        }
        match &**r {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            other => Err(self.malformed(offset, format!("undefined entity &{other}; (DTDs and entities are not supported)"))),
        }
    }
}

/// Iterator over the attributes of a start tag; see [`Reader::attributes`].
pub struct AttrIter<'a, 'r> {
    reader: &'r Reader<'a>,
    el: Start<'a>,
    /// Where the next attribute is looked for in the tag's content.
    at: usize,
    seen: Seen<'a>,
}

/// The expanded names of the attributes read so far from one start tag: inline for the usual
/// handful, hashed past that so that a tag with many attributes costs linear time.
struct Seen<'a> {
    few: [(NsId, &'a str); Seen::INLINE],
    len: usize,
    many: Option<std::collections::HashSet<(NsId, &'a str)>>,
}

impl Default for Seen<'_> {
    fn default() -> Self {
        Seen { few: [(NsId::NONE, ""); Seen::INLINE], len: 0, many: None }
    }
}

impl<'a> Seen<'a> {
    const INLINE: usize = 8;

    /// Records `name`; false if it was already there.
    fn insert(&mut self, name: (NsId, &'a str)) -> bool {
        if let Some(set) = &mut self.many {
            return set.insert(name);
        }
        if self.few[..self.len].contains(&name) {
            return false;
        }
        if self.len < Self::INLINE {
            self.few[self.len] = name;
            self.len += 1;
        } else {
            let mut set: std::collections::HashSet<_> = self.few.iter().copied().collect();
            set.insert(name);
            self.many = Some(set);
        }
        true
    }
}

impl<'a> Iterator for AttrIter<'a, '_> {
    type Item = Result<Attr<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let a = match next_attribute(self.el.content, &mut self.at)? {
                Ok(a) => a,
                Err(e) => {
                    // Nothing after the first error.
                    self.at = self.el.content.len();
                    let (at, msg) = attr_error(self.el.offset, self.el.content, e);
                    return Some(Err(self.reader.malformed(at, msg)));
                }
            };
            let name: &'a str = a.key.0;
            let Some((prefix, local)) = split_qname(name) else {
                return Some(Err(self.reader.malformed(self.el.offset, format!("'{name}' is not a valid attribute name"))));
            };
            if name == "xmlns" || prefix == Some("xmlns") {
                continue;
            }
            let (ns, local) = match (prefix, local) {
                (None, local) => (NsId::NONE, local),
                (Some(p), l) => match self.reader.resolve_prefix(p) {
                    Some(ns) => (ns, l),
                    None => {
                        return Some(Err(self
                            .reader
                            .malformed(self.el.offset, format!("namespace prefix '{p}' of attribute {name} is not declared"))));
                    }
                },
            };
            if !self.seen.insert((ns, local)) {
                // Where the name is: the key borrows from the tag's content.
                let at = self.el.offset + 1 + (name.as_ptr() as usize - self.el.content.as_ptr() as usize);
                let what = if ns == NsId::NONE { String::new() } else { format!(" ({{{}}}{local})", self.reader.ns_uri(ns)) };
                return Some(Err(self.reader.malformed(at, format!("attribute {name}{what} appears twice on <{}>", self.el.name()))));
            }
            let value = match normalized_value(&a) {
                Ok(v) => v,
                Err(e) => return Some(Err(self.reader.malformed(self.el.offset, format!("malformed value of attribute {name}: {e}")))),
            };
            return Some(Ok(Attr { ns, local, name, value }));
        }
    }
}

/// Classes of bytes in names: `START` may begin a name (`NameStartChar` without the colon),
/// `REST` may follow (`NameChar` without the colon). Non-ASCII bytes have no class here; names
/// with them are judged by [`split_qname_unicode`].
const START: u8 = 1;
const REST: u8 = 2;
const NAME_CLASS: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c == b'_' {
            START | REST
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            REST
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Whether `s` is an NCName (XML 1.0 fifth edition names, without the colon).
fn is_ncname(s: &str) -> bool {
    matches!(split_qname(s), Some((None, _)))
}

/// Splits a qualified name (an NCName, or two joined by one colon) into prefix and local
/// part; `None` if `s` is not a qualified name. Every element and attribute name goes through
/// here, so an ASCII name costs one table look-up per byte.
fn split_qname(s: &str) -> Option<(Option<&str>, &str)> {
    let b = s.as_bytes();
    // The length of the NCName at the start of `b[from..]` (0 if there is none).
    let ncname = |from: usize| {
        if b.get(from).is_none_or(|&c| NAME_CLASS[c as usize] & START == 0) {
            return 0;
        }
        let mut i = from + 1;
        while i < b.len() && NAME_CLASS[b[i] as usize] & REST != 0 {
            i += 1;
        }
        i - from
    };
    let p = ncname(0);
    if p > 0 && p == b.len() {
        return Some((None, s));
    }
    if p > 0 && b[p] == b':' && p + 1 < b.len() && p + 1 + ncname(p + 1) == b.len() {
        return Some((Some(&s[..p]), &s[p + 1..]));
    }
    if s.is_ascii() { None } else { split_qname_unicode(s) }
}

/// [`split_qname`] for names with non-ASCII characters: the XML 1.0 `NameStartChar` and
/// `NameChar` productions, without the colon.
fn split_qname_unicode(s: &str) -> Option<(Option<&str>, &str)> {
    use crate::xsd::string::{is_name_char, is_name_start_char};
    fn ncname(s: &str) -> bool {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c != ':' && is_name_start_char(c)) && chars.all(|c| c != ':' && is_name_char(c))
    }
    match s.split_once(':') {
        None => ncname(s).then_some((None, s)),
        Some((p, l)) => (ncname(p) && ncname(l)).then_some((Some(p), l)),
    }
}

/// Why [`next_attribute`] found no attribute where one starts: quick-xml's attribute errors,
/// at the same positions (byte offsets in the tag's content).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AttrSyntax {
    /// A name not followed by `=`; where the `=` was expected.
    ExpectedEq(usize),
    /// `=` at the end of the tag.
    ExpectedValue(usize),
    /// A value that does not start with a quote; where it starts.
    UnquotedValue(usize),
    /// A value whose closing quote is missing.
    ExpectedQuote(usize),
}

/// The attribute of a start tag's content (`name ... "value" ...`, the name included) that
/// starts at or after `*at` (white space first), advancing `*at` past it; `None` at the end.
/// The same syntax as quick-xml's attribute iterator without its duplicate check (names are
/// judged by whoever reads them), found a run at a time instead of a byte at a time: start
/// tags are read twice (their namespace declarations when opened, their attributes when
/// decoded), and this was a quarter of decoding a small message.
fn next_attribute<'a>(content: &'a str, at: &mut usize) -> Option<Result<Attribute<'a>, AttrSyntax>> {
    let b = content.as_bytes();
    let skip_ws = |mut i: usize| {
        while i < b.len() && is_ws_byte(b[i]) {
            i += 1;
        }
        i
    };
    let start = skip_ws(*at);
    if start >= b.len() {
        *at = start;
        return None;
    }
    // The first byte is the name's, whatever it is (as in quick-xml): `="v"` is a name
    // without `=`, not an empty name.
    let mut i = start + 1;
    while i < b.len() && b[i] != b'=' && !is_ws_byte(b[i]) {
        i += 1;
    }
    let name_end = i;
    let eq = skip_ws(i);
    if eq >= b.len() || b[eq] != b'=' {
        *at = b.len();
        return Some(Err(AttrSyntax::ExpectedEq(eq.min(b.len()))));
    }
    let q = skip_ws(eq + 1);
    let Some(&quote) = b.get(q) else {
        *at = b.len();
        return Some(Err(AttrSyntax::ExpectedValue(b.len())));
    };
    if quote != b'"' && quote != b'\'' {
        *at = b.len();
        return Some(Err(AttrSyntax::UnquotedValue(q)));
    }
    let Some(len) = memchr::memchr(quote, &b[q + 1..]) else {
        *at = b.len();
        return Some(Err(AttrSyntax::ExpectedQuote(b.len())));
    };
    let end = q + 1 + len;
    *at = end + 1;
    // Every delimiter is ASCII, so these are character boundaries.
    Some(Ok(Attribute { key: QName(&content[start..name_end]), value: Cow::Borrowed(&content[q + 1..end]) }))
}

/// The namespace declarations [`attribute_problem`] noted on its walk: the spans (in the tag's
/// content) of each one's name and raw value, when it read every attribute as
/// [`next_attribute`] reads them (`walked`) and there were no more than fit.
struct Declarations {
    spans: [((usize, usize), (usize, usize)); Declarations::INLINE],
    len: usize,
    walked: bool,
}

impl Default for Declarations {
    fn default() -> Self {
        Declarations { spans: [((0, 0), (0, 0)); Declarations::INLINE], len: 0, walked: true }
    }
}

impl Declarations {
    const INLINE: usize = 8;
}

/// What is wrong with a start tag's attributes.
enum AttrProblem {
    Syntax(&'static str),
    TooMany,
    NameTooLong,
    ValueTooLong,
}

/// The first problem, in a start tag's content (what is between `<` and `>`), that quick-xml's
/// attribute parser lets through, or a [`Limits`] one: where it is (a byte offset in
/// `content`) and what it is. quick-xml accepts `a="1"b="2"` and a `<` in a value; both are
/// not well-formed. Other syntax errors are left to quick-xml, which reports them when the
/// attributes are read.
///
/// On the way it notes the namespace declarations in `decls`; where it stops early without a
/// problem, meets a name that [`next_attribute`] would read otherwise (empty, or with white
/// space in it) or more declarations than fit, it says the walk is incomplete.
fn attribute_problem(content: &str, name_len: usize, limits: &Limits, decls: &mut Declarations) -> Option<(usize, AttrProblem)> {
    let b = content.as_bytes();
    let mut i = name_len;
    let mut count = 0u32;
    // Whether the walk reads every attribute as next_attribute reads it.
    let mut regular = true;
    decls.walked = false;
    loop {
        while i < b.len() && is_ws_byte(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            decls.walked = regular;
            return None;
        }
        let eq = i + memchr::memchr(b'=', &b[i..])?;
        count += 1;
        if count > limits.attributes() {
            return Some((i, AttrProblem::TooMany));
        }
        let mut name_end = eq;
        while name_end > i && is_ws_byte(b[name_end - 1]) {
            name_end -= 1;
        }
        if name_end - i > limits.name_bytes() as usize {
            return Some((i, AttrProblem::NameTooLong));
        }
        let mut q = eq + 1;
        while q < b.len() && is_ws_byte(b[q]) {
            q += 1;
        }
        let quote = *b.get(q).filter(|c| **c == b'"' || **c == b'\'')?;
        let end = q + 1 + memchr::memchr2(quote, b'<', &b[q + 1..])?;
        if b[end] == b'<' {
            return Some((end, AttrProblem::Syntax("'<' is not allowed in an attribute value")));
        }
        if end - (q + 1) > limits.attribute_bytes() {
            return Some((i, AttrProblem::ValueTooLong));
        }
        let name = &b[i..name_end];
        if name.is_empty() || name.iter().any(|&c| is_ws_byte(c)) {
            // next_attribute reads this otherwise (and reports it when the declarations are
            // read with it).
            regular = false;
        } else if name.starts_with(b"xmlns") {
            if decls.len < Declarations::INLINE {
                decls.spans[decls.len] = ((i, name_end), (q + 1, end));
                decls.len += 1;
            } else {
                regular = false;
            }
        }
        i = end + 1;
        if i < b.len() && !is_ws_byte(b[i]) && b[i] != b'/' {
            return Some((i, AttrProblem::Syntax("attributes must be separated by white space")));
        }
    }
}

/// Checks the pseudo-attributes of an XML declaration: `version` (1.x) first, then optionally
/// `encoding` (an encoding name) and `standalone` (`yes` or `no`), in that order, each once.
fn check_xml_decl(decl: &str) -> Result<(), String> {
    const ORDER: [&str; 3] = ["version", "encoding", "standalone"];
    // What nearly every message starts with.
    if matches!(decl, r#"xml version="1.0" encoding="utf-8""# | r#"xml version="1.0" encoding="UTF-8""# | r#"xml version="1.0""#) {
        return Ok(());
    }
    let mut rest = decl.strip_prefix("xml").unwrap_or(decl);
    // How many of ORDER may no longer come (the ones seen and those before them).
    let mut passed = 0;
    loop {
        let t = rest.trim_start_matches(is_ws_char);
        if t.is_empty() {
            break;
        }
        if t.len() == rest.len() {
            return Err(format!("expected white space before '{}'", t.chars().next().unwrap_or(' ')));
        }
        let Some(eq) = t.find('=') else { return Err(format!("'{t}' is not name=\"value\"")) };
        let name = t[..eq].trim_end_matches(is_ws_char);
        let after = t[eq + 1..].trim_start_matches(is_ws_char);
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return Err(format!("the value of {name} is not quoted"));
        };
        let Some(end) = after[1..].find(quote) else { return Err(format!("the value of {name} is not closed")) };
        let value = &after[1..1 + end];
        rest = &after[end + 2..];
        let ok = match name {
            "version" => value.strip_prefix("1.").is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
            "encoding" => {
                value.starts_with(|c: char| c.is_ascii_alphabetic())
                    && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            }
            "standalone" => matches!(value, "yes" | "no"),
            other => return Err(format!("unknown pseudo-attribute '{other}'")),
        };
        if !ok {
            return Err(format!("invalid {name} '{value}'"));
        }
        let rank = ORDER.iter().position(|o| *o == name).unwrap_or(0);
        if passed == 0 && rank != 0 {
            return Err("version must come first".to_owned());
        }
        if rank < passed {
            return Err(format!("{name} is repeated or out of order (version, encoding, standalone)"));
        }
        passed = rank + 1;
    }
    if passed == 0 {
        return Err("the version is missing".to_owned());
    }
    Ok(())
}

/// An attribute syntax error of the start tag whose content (between `<` and `>`) is
/// `content`, at byte `tag_offset` of the document: where it is and what to say.
///
/// quick-xml reports positions relative to the tag's content. A name not followed by `=` is
/// reported at its end; the error is at its start, and a name starting with `<` means the tag
/// was never closed (its `>` is missing).
fn attr_error(tag_offset: usize, content: &str, e: AttrSyntax) -> (usize, String) {
    use AttrSyntax as E;
    // XML's whitespace only (S, production 3): `char::is_whitespace` would also split at a
    // no-break space inside a name, and `i + 1` would then not be a character boundary.
    let xml_space = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let name = content.split(|c: char| xml_space(c) || c == '/').next().unwrap_or("");
    match e {
        E::ExpectedEq(end) => {
            let mut end = end.min(content.len());
            while !content.is_char_boundary(end) {
                end -= 1;
            }
            let start = content[..end].rfind(xml_space).map_or(0, |i| i + 1);
            let key = &content[start..end];
            let at = tag_offset + 1 + start;
            if key.starts_with('<') {
                (at, format!("the start tag <{name}> is not closed (`>` missing before `{key}`)"))
            } else {
                (at, format!("malformed start tag <{name}>: attribute `{key}` has no `=` and value"))
            }
        }
        E::ExpectedValue(p) => (tag_offset + 1 + p, format!("malformed start tag <{name}>: `=` must be followed by a quoted value")),
        E::UnquotedValue(p) => (tag_offset + 1 + p, format!("malformed start tag <{name}>: attribute values must be quoted")),
        E::ExpectedQuote(p) => (tag_offset + 1 + p, format!("malformed start tag <{name}>: attribute value not closed by its quote")),
    }
}

fn append<'a>(acc: &mut Option<Cow<'a, str>>, more: Cow<'a, str>) {
    match acc {
        None => *acc = Some(more),
        Some(existing) => existing.to_mut().push_str(&more),
    }
}

/// Whether `c` is XML whitespace (space, tab, CR, LF).
#[inline]
pub fn is_ws_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Whether `s` is empty or only XML whitespace.
#[inline]
pub fn is_xml_ws(s: &str) -> bool {
    s.bytes().all(is_ws_byte)
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::MAX_DEPTH;
    use crate::xml::ns::{SOAP11_ENV, STANDARD_NAMESPACES};

    const M: &str = "urn:m";
    const TABLE: NsTable = NsTable::with_user(&[
        STANDARD_NAMESPACES[0],
        STANDARD_NAMESPACES[1],
        STANDARD_NAMESPACES[2],
        STANDARD_NAMESPACES[3],
        STANDARD_NAMESPACES[4],
        M,
    ]);
    const NS_M: NsId = NsId(5);

    #[test]
    fn prefixes_and_default_namespace_resolve_to_ids() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- c --><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body><Op xmlns="urn:m"><x:A xmlns:x="urn:m"/><B xmlns="">b</B><C/></Op></s:Body>
</s:Envelope>"#;
        let mut r = Reader::new(doc, TABLE);
        let env = r.root().unwrap();
        assert!(env.is(NsId::SOAP11, "Envelope"));
        assert_eq!(r.ns_uri(env.ns()), SOAP11_ENV);
        let body = r.next_child(&env).unwrap().unwrap();
        let op = r.next_child(&body).unwrap().unwrap();
        assert!(op.is(NS_M, "Op"));
        let a = r.next_child(&op).unwrap().unwrap();
        assert!(a.is(NS_M, "A") && a.is_empty_tag() && a.name() == "x:A");
        assert!(r.next_child(&a).unwrap().is_none());
        let b = r.next_child(&op).unwrap().unwrap();
        assert!(b.is(NsId::NONE, "B"));
        assert_eq!(r.read_text(&b).unwrap(), "b");
        // The default namespace declared on Op is back in force after B.
        let c = r.next_child(&op).unwrap().unwrap();
        assert!(c.is(NS_M, "C"));
        assert!(r.next_child(&c).unwrap().is_none());
        assert!(r.next_child(&op).unwrap().is_none());
        assert!(r.next_child(&body).unwrap().is_none());
        assert!(r.next_child(&env).unwrap().is_none());
        r.end_document().unwrap();
    }

    #[test]
    fn unknown_namespaces_get_dynamic_ids() {
        let mut r = Reader::new(r#"<a:x xmlns:a="urn:zzz"><b:y xmlns:b="urn:zzz"/></a:x>"#, TABLE);
        let x = r.root().unwrap();
        assert_eq!(x.ns().0 as usize, TABLE.len());
        assert_eq!(r.ns_uri(x.ns()), "urn:zzz");
        let y = r.next_child(&x).unwrap().unwrap();
        assert_eq!(y.ns(), x.ns());
        assert_eq!(r.expanded(y.ns(), y.local()), "{urn:zzz}y");
    }

    #[test]
    fn text_joins_entities_cdata_and_skips_comments() {
        let mut r = Reader::new("<a>x &lt;&#x41;&#66;<!--c--><![CDATA[<y>]]>&amp;\r\nz</a>", TABLE);
        let a = r.root().unwrap();
        assert_eq!(r.read_text(&a).unwrap(), "x <AB<y>&\nz");
    }

    #[test]
    fn text_without_references_is_borrowed() {
        let mut r = Reader::new("<a>plain text</a>", TABLE);
        let a = r.root().unwrap();
        assert!(matches!(r.read_text(&a).unwrap(), Cow::Borrowed("plain text")));
    }

    #[test]
    fn attributes_resolve_prefixes_and_skip_declarations() {
        let doc = r#"<a xmlns:m="urn:m" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Id="1&amp;2" m:k=" v
w" xsi:nil="true"/>"#;
        let mut r = Reader::new(doc, TABLE);
        let a = r.root().unwrap();
        let attrs: Vec<_> = r.attributes(&a).map(|x| x.unwrap()).collect();
        assert_eq!(attrs.len(), 3);
        assert!(attrs[0].is(NsId::NONE, "Id"));
        assert_eq!(attrs[0].value, "1&2");
        assert!(attrs[1].is(NS_M, "k"));
        assert_eq!(attrs[1].value, " v w");
        assert!(r.is_nil(&a).unwrap());
    }

    #[test]
    fn mixed_content_nodes_come_in_order() {
        let mut r = Reader::new("<a>t1<b/>t2</a>", TABLE);
        let a = r.root().unwrap();
        assert!(matches!(r.next_node(&a).unwrap(), Some(Node::Text(t)) if t == "t1"));
        let Some(Node::Element(b)) = r.next_node(&a).unwrap() else { panic!("element expected") };
        assert!(r.next_node(&b).unwrap().is_none());
        assert!(matches!(r.next_node(&a).unwrap(), Some(Node::Text(t)) if t == "t2"));
        assert!(r.next_node(&a).unwrap().is_none());
    }

    fn first_error(doc: &str) -> DecodeError {
        let mut r = Reader::new(doc, TABLE);
        let root = match r.root() {
            Ok(root) => root,
            Err(e) => return e,
        };
        match r.skip(&root).and_then(|()| r.end_document()) {
            Ok(()) => panic!("no error in {doc}"),
            Err(e) => e,
        }
    }

    #[test]
    fn malformed_documents_are_reported_with_positions() {
        let e = first_error("<a>\n  <b></c>\n</a>");
        assert_eq!(e.kind(), DecodeErrorKind::Malformed);
        assert_eq!(e.line(), 2, "{e}");

        let e = first_error("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>");
        assert_eq!(e.kind(), DecodeErrorKind::Malformed);
        assert!(e.message().contains("DTD"), "{e}");

        let e = first_error("<a>\n<p:b/></a>");
        assert_eq!((e.line(), e.column()), (2, 1));
        assert!(e.message().contains("prefix 'p'"), "{e}");

        let e = first_error("<a>&nbsp;</a>");
        assert!(e.message().contains("undefined entity"), "{e}");

        let e = first_error("<a/><b/>");
        assert!(e.message().contains("after the root"), "{e}");

        let e = first_error("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>");
        assert!(e.message().contains("only UTF-8"), "{e}");

        // Duplicate attributes are found when the attributes are read (every decoder reads them).
        let mut r = Reader::new("<a x='1' x='2'/>", TABLE);
        let a = r.root().unwrap();
        let e = r.attributes(&a).find_map(Result::err).unwrap();
        assert_eq!(e.kind(), DecodeErrorKind::Malformed);

        let e = first_error("<a><b>");
        assert!(e.message().contains("not closed") || e.message().contains("malformed"), "{e}");
    }

    /// The error `skip_checked` finds in `doc`, which must be malformed.
    fn first_checked_error(doc: &str) -> DecodeError {
        let mut r = Reader::new(doc, TABLE);
        let e = match r.root() {
            Ok(root) => r.skip_checked(&root).and_then(|()| r.end_document()).expect_err(doc),
            Err(e) => e,
        };
        assert_eq!(e.kind(), DecodeErrorKind::Malformed, "{doc}: {e}");
        e
    }

    #[test]
    fn xml_declarations_and_processing_instructions_are_checked() {
        let e = first_checked_error(" <?xml version=\"1.0\"?><a/>");
        assert!(e.message().contains("very start"), "{e}");
        assert!(first_checked_error("<?xml version=\"2.0\"?><a/>").message().contains("version '2.0'"));
        assert!(first_checked_error("<?xml encoding=\"utf-8\" version=\"1.0\"?><a/>").message().contains("version must come first"));
        let e = first_checked_error("<?xml version=\"1.0\" standalone=\"yes\" encoding=\"utf-8\"?><a/>");
        assert!(e.message().contains("out of order"), "{e}");
        assert!(first_checked_error("<?xml version=\"1.0\" standalone=\"maybe\"?><a/>").message().contains("standalone"));
        assert!(first_checked_error("<?xml version='1.0' version='1.0'?><a/>").message().contains("repeated"));
        assert!(first_checked_error("<?xml?><a/>").message().contains("version is missing"));
        assert!(first_checked_error("<?xml version=\"1.0\"?><a><?XML x?></a>").message().contains("named 'xml'"));
        assert!(first_checked_error("<a/><?p:q x?>").message().contains("'p:q'"));
        // A byte order mark may precede the declaration; a well-formed one and a PI pass.
        let mut r = Reader::new("\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?><a><?pi data?></a>", TABLE);
        let a = r.root().unwrap();
        r.skip_checked(&a).unwrap();
        r.end_document().unwrap();
    }

    #[test]
    fn names_and_attribute_syntax_are_checked() {
        let e = first_checked_error("<a>\n <:b/></a>");
        assert_eq!((e.line(), e.column()), (2, 2), "{e}");
        assert!(e.message().contains("':b' is not a valid element name"), "{e}");
        assert!(first_checked_error("<a><b:c:d/></a>").message().contains("'b:c:d'"));
        assert!(first_checked_error("<a><b 1x='1'/></a>").message().contains("'1x'"));
        assert!(first_checked_error("<a xmlns:=\"urn:x\"/>").message().contains("'xmlns:'"));
        let e = first_checked_error("<a><b x='1'y='2'/></a>");
        assert_eq!(e.column(), 12, "{e}"); // the `y`
        assert!(e.message().contains("white space"), "{e}");
        assert!(first_checked_error("<a><b x='<'/></a>").message().contains("'<' is not allowed"));
        assert!(first_checked_error("<a xmlns:p='<'/>").message().contains("'<' is not allowed"));
        // Attributes of an element skipped inside a wildcard are read too.
        assert_eq!(first_checked_error("<a><b><c x='1' x='2'/></b></a>").kind(), DecodeErrorKind::Malformed);
    }

    #[test]
    fn qualified_names_are_split_and_judged() {
        assert_eq!(split_qname("a"), Some((None, "a")));
        assert_eq!(split_qname("t:Item-2.x_y"), Some((Some("t"), "Item-2.x_y")));
        assert_eq!(split_qname("_a:_b"), Some((Some("_a"), "_b")));
        assert_eq!(split_qname("\u{e9}t\u{e9}:\u{c9}l\u{b7}\u{301}"), Some((Some("\u{e9}t\u{e9}"), "\u{c9}l\u{b7}\u{301}")));
        for bad in ["", ":", ":a", "a:", "a::b", "a:b:c", "1a", "a:1b", "-a", ".a", "a b", "a=b", "a\"", "\u{b7}a", "a:\u{301}", "\u{e9}:"]
        {
            assert_eq!(split_qname(bad), None, "{bad:?}");
        }
        assert!(is_ncname("Body") && !is_ncname("s:Body") && !is_ncname(""));
        // The XML 1.0 productions, not Unicode's letter and digit classes.
        assert_eq!(split_qname("\u{1F600}"), Some((None, "\u{1F600}")));
        assert_eq!(split_qname("a\u{B2}"), None);
        assert_eq!(split_qname("\u{3099}"), Some((None, "\u{3099}")));
    }

    #[test]
    fn attributes_with_the_same_expanded_name_are_malformed() {
        let e = first_checked_error("<a xmlns:p='urn:x' xmlns:q='urn:x'>\n<b p:c='1' q:c='2'/></a>");
        assert_eq!((e.line(), e.column()), (2, 12), "{e}");
        assert!(e.message().contains("q:c ({urn:x}c) appears twice on <b>"), "{e}");
        let e = first_checked_error("<a xmlns:p='urn:x'><b xmlns='urn:y' xmlns:p='urn:y' xmlns:p='urn:z'/></a>");
        assert_eq!(e.column(), 53, "{e}");
        assert!(e.message().contains("declaration xmlns:p appears twice on <b>"), "{e}");
        assert!(first_checked_error("<a xmlns='urn:x' xmlns='urn:x'/>").message().contains("xmlns appears twice"));
        let xml = "xmlns:xml='http://www.w3.org/XML/1998/namespace'";
        assert!(first_checked_error(&format!("<a {xml} {xml}/>")).message().contains("appears twice"));
        let e = first_checked_error("<a><b c='1' d='2' c='3'/></a>");
        assert!(e.message().contains("attribute c appears twice"), "{e}");
        // Past the inline capacity, still found; many distinct ones pass.
        let many: String = (0..40).map(|i| format!(" x{i}='{i}'")).collect();
        let doc = format!("<a{many}/>");
        let mut r = Reader::new(&doc, TABLE);
        let a = r.root().unwrap();
        assert_eq!(r.attributes(&a).filter(Result::is_ok).count(), 40);
        let e = first_checked_error(&format!("<a{many} x17='again'/>"));
        assert!(e.message().contains("x17 appears twice"), "{e}");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused_without_recursing() {
        let depth = MAX_DEPTH as usize;
        let ok = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let mut r = Reader::new(&ok, TABLE);
        let root = r.root().unwrap();
        r.skip_checked(&root).unwrap();
        r.end_document().unwrap();
        // A hundred thousand levels: refused at the limit, not a stack overflow.
        let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
        let e = checked_error_with(&deep, Limits::DEFAULT);
        assert_eq!(e.kind(), DecodeErrorKind::LimitExceeded, "{e}");
        assert!(e.message().contains(&format!("more than {MAX_DEPTH} deep")), "{e}");
        assert_eq!(e.column(), 3 * MAX_DEPTH + 1, "{e}");
        // No limit goes past the ceiling.
        assert_eq!(Limits::DEFAULT.with_depth(u32::MAX).depth(), MAX_DEPTH);
    }

    /// Reads all of `doc` under `limits`; the error it gives.
    fn checked_error_with(doc: &str, limits: Limits) -> DecodeError {
        let mut r = Reader::new(doc, TABLE).with_limits(limits);
        match r.root() {
            Ok(root) => r.skip_checked(&root).and_then(|()| r.end_document()).expect_err(doc),
            Err(e) => e,
        }
    }

    /// Reads all of `doc` under `limits`, which it must pass, reading every text too.
    fn read_all_with(doc: &str, limits: Limits) {
        fn walk<'a>(r: &mut Reader<'a>, el: &Start<'a>) -> Result<(), DecodeError> {
            for a in r.attributes(el) {
                a?;
            }
            while let Some(node) = r.next_node(el)? {
                if let Node::Element(child) = node {
                    walk(r, &child)?;
                }
            }
            Ok(())
        }
        let mut r = Reader::new(doc, TABLE).with_limits(limits);
        let root = r.root().unwrap_or_else(|e| panic!("{doc}: {e}"));
        walk(&mut r, &root).and_then(|()| r.end_document()).unwrap_or_else(|e| panic!("{doc}: {e}"));
    }

    #[test]
    fn every_limit_holds_at_its_value_and_refuses_one_more_where_it_is_passed() {
        let attrs = |n: usize| (0..n).map(|i| format!(" a{i}='v'")).collect::<String>();
        // (limits, a document exactly at them, one just past them, where the error is, what it says)
        let cases: Vec<(Limits, String, String, u32, &str)> = vec![
            (Limits::DEFAULT.with_depth(3), "<a><b><c/></b></a>".into(), "<a><b><c><d/></c></b></a>".into(), 10, "nested more than 3 deep"),
            (Limits::DEFAULT.with_elements(3), "<a><b/><c/></a>".into(), "<a><b/><c/><d/></a>".into(), 12, "more than 3 elements"),
            (
                Limits::DEFAULT.with_attributes(3),
                format!("<a xmlns:p='urn:p'{}/>", attrs(2)),
                format!("<a xmlns:p='urn:p'{}/>", attrs(3)),
                34,
                "more than 3 attributes",
            ),
            (
                Limits::DEFAULT.with_name_bytes(7),
                "<p:abcde xmlns:p='urn:p'><abcdefg/></p:abcde>".into(),
                "<p:abcde xmlns:p='urn:p'><abcdefgh/></p:abcde>".into(),
                26,
                "names longer than 7 bytes",
            ),
            (
                Limits::DEFAULT.with_name_bytes(7),
                "<a p:cdefg='1' xmlns:p='urn:p'/>".into(),
                "<a p:cdefgh='1' xmlns:p='urn:p'/>".into(),
                4,
                "names longer than 7 bytes",
            ),
            (
                Limits::DEFAULT.with_attribute_bytes(5),
                "<a x='&amp;'/>".into(),
                "<a x='&amp;5'/>".into(),
                4,
                "attribute values longer than 5 bytes",
            ),
            (
                Limits::DEFAULT.with_attribute_bytes(5),
                "<a xmlns='urn:m'/>".into(),
                "<a xmlns='urn:mm'/>".into(),
                4,
                "attribute values longer than 5 bytes",
            ),
            (
                Limits::DEFAULT.with_text_bytes(6),
                "<a><b>&lt;<![CDATA[&]]>&#x10000;</b></a>".into(),
                "<a><b>&lt;<![CDATA[&]]>&#x10000;2</b></a>".into(),
                33,
                "character content longer than the limit of 6 bytes",
            ),
            (Limits::DEFAULT.with_text_bytes(3), "<a>12<!--c-->3</a>".into(), "<a>12<!--c-->34</a>".into(), 14, "limit of 3 bytes"),
        ];
        for (limits, at, past, column, says) in cases {
            read_all_with(&at, limits);
            let e = checked_error_with(&past, limits);
            assert_eq!(e.kind(), DecodeErrorKind::LimitExceeded, "{past}: {e}");
            assert!(e.message().contains(says), "{past}: {e}");
            assert_eq!((e.line(), e.column()), (1, column), "{past}: {e}");
            // The defaults take both.
            read_all_with(&past, Limits::DEFAULT);
        }
    }

    #[test]
    fn thousands_of_distinct_namespaces_keep_distinct_ids_and_past_what_an_id_holds_are_refused() {
        // 300 siblings each declaring 254 namespaces of their own (and two attributes, the most
        // an element may have): 76 200 in all.
        let mut doc = String::from("<r>");
        for e in 0..300 {
            doc.push_str("<e");
            for p in 0..254 {
                doc.push_str(&format!(" xmlns:p{p}='urn:{e}:{p}'"));
            }
            doc.push_str(" p0:a='1' p253:b='2'/>");
        }
        doc.push_str("</r>");
        let mut r = Reader::new(&doc, TABLE);
        let root = r.root().unwrap();
        let mut seen = std::collections::HashSet::new();
        let e = loop {
            match r.next_child(&root) {
                Ok(Some(el)) => {
                    for a in r.attributes(&el) {
                        let a = a.unwrap();
                        assert!(seen.insert(a.ns), "{} shares an id", r.ns_uri(a.ns));
                    }
                    r.skip(&el).unwrap();
                }
                Ok(None) => panic!("read to the end"),
                Err(e) => break e,
            }
        };
        assert_eq!(e.kind(), DecodeErrorKind::LimitExceeded, "{e}");
        assert!(e.message().contains("more than 65 000 distinct namespaces"), "{e}");
        // Every id given before was a namespace's own.
        assert!(seen.len() > 500, "{}", seen.len());
    }

    #[test]
    fn a_deep_stack_of_declarations_resolves_as_a_shallow_one() {
        // Forty levels, each declaring its own prefix and re-declaring `s`: past the scanned
        // bindings, names resolve through the map, which closing an element restores.
        let levels = 40;
        let mut doc = String::from("<r xmlns:s='urn:s-outer'>");
        for i in 0..levels {
            doc.push_str(&format!("<e{i} xmlns:p{i}='urn:p{i}' xmlns:s='urn:s{i}'>"));
        }
        for i in (0..levels).rev() {
            doc.push_str(&format!("<s:in p0:a='1' p{i}:b='2'/></e{i}>"));
        }
        doc.push_str("<s:last/></r>");
        let mut r = Reader::new(&doc, TABLE);
        let root = r.root().unwrap();
        let mut open = vec![root];
        for i in 0..levels {
            let parent = *open.last().unwrap();
            let child = r.next_child(&parent).unwrap().unwrap();
            assert_eq!(child.local(), format!("e{i}"));
            assert_eq!(r.own_prefixes().count(), 2, "level {i}");
            open.push(child);
        }
        for i in (0..levels).rev() {
            let parent = open.pop().unwrap();
            let inner = r.next_child(&parent).unwrap().unwrap();
            assert_eq!(r.ns_uri(inner.ns()), format!("urn:s{i}"));
            let attrs: Vec<_> = r.attributes(&inner).map(|a| a.unwrap()).map(|a| (r.ns_uri(a.ns).to_owned(), a.local)).collect();
            assert_eq!(attrs, [("urn:p0".to_owned(), "a"), (format!("urn:p{i}"), "b")]);
            // The declarations of the level closed before are out of scope.
            assert_eq!(r.resolve_prefix(&format!("p{}", i + 1)), None, "after </e{}>", i + 1);
            assert!(r.next_child(&inner).unwrap().is_none());
            assert!(r.next_child(&parent).unwrap().is_none());
        }
        let last = r.next_child(&root).unwrap().unwrap();
        assert_eq!(r.ns_uri(last.ns()), "urn:s-outer");
        assert!(r.next_child(&last).unwrap().is_none());
        assert!(r.next_child(&root).unwrap().is_none());
        r.end_document().unwrap();
        // A repeated declaration is found among many, too.
        let many: String = (0..30).map(|i| format!(" xmlns:p{i}='urn:p'")).collect();
        let e = first_checked_error(&format!("<a{many} xmlns:p3='urn:q'/>"));
        assert!(e.message().contains("xmlns:p3 appears twice"), "{e}");
    }

    #[test]
    fn text_in_element_only_content_is_invalid() {
        let mut r = Reader::new("<a>\n  <b/> oops </a>", TABLE);
        let a = r.root().unwrap();
        let b = r.next_child(&a).unwrap().unwrap();
        assert!(r.next_child(&b).unwrap().is_none());
        let e = r.next_child(&a).unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::Invalid);
        assert!(e.message().contains("'oops'"), "{e}");
    }

    #[test]
    fn child_element_in_simple_content_is_invalid() {
        let mut r = Reader::new("<a>x<b/></a>", TABLE);
        let a = r.root().unwrap();
        let e = r.read_text(&a).unwrap_err();
        assert_eq!(e.kind(), DecodeErrorKind::Invalid);
        assert_eq!(e.column(), 5);
    }

    #[test]
    fn clone_gives_independent_look_ahead() {
        let mut r = Reader::new("<a><b><c/></b><d/></a>", TABLE);
        let a = r.root().unwrap();
        let b = r.next_child(&a).unwrap().unwrap();
        let mut probe = r.clone();
        let c = probe.next_child(&b).unwrap().unwrap();
        assert_eq!(c.local(), "c");
        // The original has not moved.
        let c2 = r.next_child(&b).unwrap().unwrap();
        assert_eq!(c2.local(), "c");
    }

    #[test]
    fn invalid_utf8_is_malformed() {
        let e = Reader::from_bytes(b"<a>\xff</a>", TABLE).err().unwrap();
        assert_eq!(e.kind(), DecodeErrorKind::Malformed);
        assert!(e.message().contains("UTF-8"));
    }

    #[test]
    fn attributes_are_split_as_quick_xml_splits_them() {
        use quick_xml::events::attributes::{AttrError, Attributes};
        // quick-xml's attribute iterator is the oracle: the same names and raw values, and
        // the same first error at the same position, for tags made of the bytes that matter.
        let alphabet = [" ", "\t", "\n", "\r", "a", "b", ":", "=", "\"", "'", "&", ";", "<", "/", "\u{e9}", "\u{a0}", "x=\"1\"", "y='2'"];
        let mut rng = crate::xsd::util::TestRng::new(2026);
        for _ in 0..50_000 {
            let content = format!("e{}", rng.string_from(&alphabet, 12));
            let mut theirs = Attributes::new(&content, 1);
            theirs.with_checks(false);
            let mut at = 1;
            loop {
                let ours = next_attribute(&content, &mut at);
                let expected = theirs.next().map(|r| {
                    r.map(|a| (a.key.0, a.value)).map_err(|e| match e {
                        AttrError::ExpectedEq(p) => AttrSyntax::ExpectedEq(p),
                        AttrError::ExpectedValue(p) => AttrSyntax::ExpectedValue(p),
                        AttrError::UnquotedValue(p) => AttrSyntax::UnquotedValue(p),
                        AttrError::ExpectedQuote(p, _) => AttrSyntax::ExpectedQuote(p),
                        AttrError::Duplicated(..) => unreachable!("checks are off"),
                    })
                });
                let ours = ours.map(|r| r.map(|a| (a.key.0, a.value)));
                assert_eq!(ours, expected, "{content:?}");
                if !matches!(ours, Some(Ok(_))) {
                    break;
                }
            }
        }
    }

    #[test]
    fn values_left_borrowed_are_those_quick_xml_leaves_alone() {
        // quick-xml's normalization is the oracle: whatever the word test lets through is
        // unchanged by it, and the value is the same either way (errors included).
        let alphabet =
            ["a", "b", " ", "\t", "\n", "\r", "\r\n", "&", "&amp;", "&#x41;", "&bogus;", "\u{1}", "\u{e9}", "%", "'", "\u{20ac}"];
        let mut rng = crate::xsd::util::TestRng::new(7);
        for _ in 0..50_000 {
            let value = rng.string_from(&alphabet, 24);
            let a = Attribute { key: QName("k"), value: Cow::Borrowed(value.as_str()) };
            let theirs = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string());
            if !may_need_normalizing(value.as_bytes()) {
                assert!(matches!(theirs, Ok(Cow::Borrowed(v)) if v == value), "{value:?}");
            }
            assert_eq!(normalized_value(&a).map_err(|e| e.to_string()), theirs, "{value:?}");
        }
        // Each byte normalization changes, at every place of values around the word size.
        for len in 1..=20 {
            for at in 0..len {
                for special in [b'&', b'\t', b'\n', b'\r'] {
                    let mut v = vec![b'a'; len];
                    v[at] = special;
                    assert!(may_need_normalizing(&v), "{special:#x} at {at} of {len}");
                }
            }
            assert!(!may_need_normalizing(&vec![b'a'; len]));
        }
    }

    #[test]
    fn declarations_noted_by_the_walk_are_those_next_attribute_reads() {
        // When attribute_problem says it read every attribute, the tag has no syntax error for
        // next_attribute and the declarations it noted are exactly the xmlns ones read so.
        let alphabet = [" ", "\n", "a", ":", "=", "\"", "'", "<", "/", "xmlns", "xmlns:p", "=\"u\"", "='v'", "x=\"1\""];
        let mut rng = crate::xsd::util::TestRng::new(11);
        let mut walked = 0;
        for _ in 0..50_000 {
            let content = format!("e{}", rng.string_from(&alphabet, 10));
            let mut decls = Declarations::default();
            if attribute_problem(&content, 1, &Limits::DEFAULT, &mut decls).is_some() || !decls.walked {
                continue;
            }
            walked += 1;
            let mut at = 1;
            let mut read = Vec::new();
            while let Some(a) = next_attribute(&content, &mut at) {
                let a = a.unwrap_or_else(|e| panic!("{content:?}: walked, but next_attribute finds {e:?}"));
                if a.key.0.starts_with("xmlns") {
                    read.push((a.key.0.to_owned(), a.value.into_owned()));
                }
            }
            let noted: Vec<(String, String)> =
                decls.spans[..decls.len].iter().map(|&(n, v)| (content[n.0..n.1].to_owned(), content[v.0..v.1].to_owned())).collect();
            assert_eq!(noted, read, "{content:?}");
        }
        assert!(walked > 5_000, "only {walked} tags walked");
    }

    #[test]
    fn an_attribute_error_next_to_a_no_break_space_is_reported_not_a_panic() {
        // Found by fuzzing: U+00A0 is not XML whitespace, and splitting at it cut a character.
        let content = "r x\u{a0}y";
        for end in [content.len(), 4] {
            let (at, msg) = attr_error(10, content, AttrSyntax::ExpectedEq(end));
            assert_eq!(at, 13, "{msg}");
            assert!(msg.starts_with("malformed start tag <r>: attribute `x"), "{msg}");
        }
    }
}
