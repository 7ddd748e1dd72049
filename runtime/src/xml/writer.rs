//! A namespace-aware XML writer into a `String`.
//!
//! Prefixes are chosen by the writer: namespaces registered with [`Writer::declare`] before
//! the root element are declared on it with their preferred prefixes; any other namespace is
//! declared on the first element that needs it (with the caller's preferred prefix when it is
//! free, `ns1`, `ns2`, ... otherwise) and goes out of scope with that element. The default
//! namespace is never used, so an unprefixed name is always in no namespace.

use std::borrow::Cow;

use super::error::EncodeError;
use super::ns::{XML, XSI};

#[derive(Debug)]
struct Binding {
    prefix: Cow<'static, str>,
    uri: Cow<'static, str>,
    /// Address and length of `uri`, for look-ups that mostly compare static strings.
    uri_at: (usize, usize),
    depth: u32,
}

impl Binding {
    fn new(prefix: Cow<'static, str>, uri: Cow<'static, str>, depth: u32) -> Self {
        let uri_at = (uri.as_ptr() as usize, uri.len());
        Binding { prefix, uri, uri_at, depth }
    }

    /// Whether the binding is for `uri`.
    #[inline]
    fn is_for(&self, uri: &str) -> bool {
        self.uri_at.1 == uri.len() && (self.uri_at.0 == uri.as_ptr() as usize || *self.uri == *uri)
    }
}

/// The XML writer.
#[derive(Debug)]
pub struct Writer {
    out: String,
    /// Namespace bindings in scope, innermost last. Depth 0 marks declarations registered
    /// with [`Writer::declare`] and not yet written.
    bindings: Vec<Binding>,
    /// The open elements, innermost last.
    open_elements: Vec<Open>,
    /// How many bindings at the end of `bindings` are registered but not yet written.
    unwritten: usize,
    /// Whether some binding in scope reuses the prefix of an outer one (then look-ups must
    /// check for shadowing).
    shadowing: bool,
    depth: u32,
    open: bool,
    counter: u32,
    preferred: &'static [(&'static str, &'static str)],
    scratch: String,
    /// Static namespace URIs known to need no escaping (kept when the writer is reused, so a
    /// thread checks each generated namespace once).
    clean_uris: Vec<(usize, usize)>,
    /// Root start tags written by [`Writer::start_root`], kept when the writer is reused.
    roots: Vec<CachedRoot>,
}

/// An open element.
#[derive(Clone, Copy, Debug)]
struct Open {
    /// The index of the binding of its prefix (`usize::MAX`: none).
    binding: usize,
    /// Where its qualified name, as written in the start tag, is in the output: the end tag
    /// copies it from there.
    name_at: usize,
    name_len: usize,
}

/// A root start tag with its declarations, as [`Writer::start_root`] wrote it.
#[derive(Debug)]
struct CachedRoot {
    /// Addresses and lengths of the static arguments it was written for.
    key: [usize; 5],
    /// The text, from `<` up to the last declaration (the tag left open).
    text: String,
    /// The declarations made on it, in order.
    declared: Vec<(&'static str, &'static str)>,
    /// The binding the root's name uses.
    binding: usize,
    /// The length of the root's qualified name.
    name_len: usize,
    /// Whether a declaration shadows an earlier one of the same prefix.
    shadowing: bool,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    /// An empty writer.
    pub const fn new() -> Self {
        Writer {
            out: String::new(),
            bindings: Vec::new(),
            open_elements: Vec::new(),
            unwritten: 0,
            shadowing: false,
            depth: 0,
            open: false,
            counter: 0,
            preferred: &[],
            scratch: String::new(),
            clean_uris: Vec::new(),
            roots: Vec::new(),
        }
    }

    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Writer {
            out: String::with_capacity(capacity),
            bindings: Vec::with_capacity(8),
            open_elements: Vec::with_capacity(16),
            ..Writer::new()
        }
    }

    /// Sets the preferred prefix of each namespace, `(prefix, uri)`, used when a namespace
    /// has to be declared where it is first needed.
    pub fn with_preferred_prefixes(mut self, prefixes: &'static [(&'static str, &'static str)]) -> Self {
        self.preferred = prefixes;
        self
    }

    /// Sets the preferred prefixes, as [`Writer::with_preferred_prefixes`] does.
    pub fn set_preferred_prefixes(&mut self, prefixes: &'static [(&'static str, &'static str)]) {
        self.preferred = prefixes;
    }

    /// Declares every namespace of `prefixes` on the next start tag (normally the root).
    pub fn declare_all(&mut self, prefixes: &'static [(&'static str, &'static str)]) {
        for (p, u) in prefixes {
            self.declare(p, u);
        }
    }

    /// A cleared scratch buffer for formatting a value; give it back with
    /// [`Writer::put_scratch`] so it is reused.
    pub fn take_scratch(&mut self) -> String {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        s
    }

    /// Returns a buffer taken with [`Writer::take_scratch`].
    pub fn put_scratch(&mut self, buf: String) {
        self.scratch = buf;
    }

    /// Writes the XML declaration `<?xml version="1.0" encoding="utf-8"?>`.
    pub fn declaration(&mut self) {
        self.out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    }

    /// Opens the root element `{uri}local` declaring `prefix` for `uri` and then every
    /// namespace of `declarations`: the same as [`Writer::declare`], [`Writer::declare_all`]
    /// and [`Writer::start`] on a fresh writer, but a writer that is reused (see
    /// [`Writer::reset`]) remembers the tag and writes it again with one copy.
    pub fn start_root(
        &mut self,
        prefix: &'static str,
        uri: &'static str,
        local: &'static str,
        declarations: &'static [(&'static str, &'static str)],
    ) -> Result<(), EncodeError> {
        if self.depth != 0 || !self.bindings.is_empty() || self.open {
            self.declare(prefix, uri);
            self.declare_all(declarations);
            return self.start(uri, local);
        }
        let key = [
            prefix.as_ptr() as usize ^ (prefix.len() << 48),
            uri.as_ptr() as usize ^ (uri.len() << 48),
            local.as_ptr() as usize ^ (local.len() << 48),
            declarations.as_ptr() as usize,
            declarations.len(),
        ];
        if let Some(root) = self.roots.iter().find(|r| r.key == key) {
            for &(p, u) in &root.declared {
                self.bindings.push(Binding::new(Cow::Borrowed(p), Cow::Borrowed(u), 1));
            }
            self.shadowing = root.shadowing;
            self.depth = 1;
            self.open = true;
            self.open_elements.push(Open { binding: root.binding, name_at: self.out.len() + 1, name_len: root.name_len });
            self.out.push_str(&root.text);
            return Ok(());
        }
        let at = self.out.len();
        self.declare(prefix, uri);
        self.declare_all(declarations);
        let registered = self.bindings.len();
        self.start(uri, local)?;
        // Cached only when the tag is made of the given declarations alone (no prefix had to
        // be invented for a shadowed one).
        if self.roots.len() < 8 && self.bindings.len() == registered {
            let text = self.out[at..].to_owned();
            let declared = self
                .bindings
                .iter()
                .filter_map(|b| match (&b.prefix, &b.uri) {
                    (Cow::Borrowed(p), Cow::Borrowed(u)) => Some((*p, *u)),
                    _ => None,
                })
                .collect();
            let open = self.open_elements.last().copied().unwrap_or(Open { binding: usize::MAX, name_at: 0, name_len: 0 });
            self.roots.push(CachedRoot { key, text, declared, binding: open.binding, name_len: open.name_len, shadowing: self.shadowing });
        }
        Ok(())
    }

    /// Registers `prefix` for `uri`, to be declared on the next start tag (normally the root).
    /// A prefix registered twice for the same tag keeps its first namespace (the other is
    /// declared where it is needed, under another prefix); `xml` and `xmlns` are never
    /// declared.
    pub fn declare(&mut self, prefix: &'static str, uri: &'static str) {
        let pending = &self.bindings[self.bindings.len() - self.unwritten..];
        if prefix == "xml" || prefix == "xmlns" || pending.iter().any(|b| b.prefix == prefix) {
            return;
        }
        self.note_prefix(prefix);
        self.bindings.push(Binding::new(Cow::Borrowed(prefix), Cow::Borrowed(uri), 0));
        self.unwritten += 1;
    }

    fn note_prefix(&mut self, prefix: &str) {
        if !self.shadowing && self.bindings.iter().any(|b| b.prefix == prefix) {
            self.shadowing = true;
        }
    }

    /// The text written so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// Finishes and returns the document.
    pub fn into_string(self) -> String {
        self.out
    }

    /// Current element nesting depth.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Index of the binding in scope for `uri` (innermost, not shadowed).
    fn lookup(&self, uri: &str) -> Option<usize> {
        self.lookup_for(uri, false)
    }

    /// Index of the binding in scope for `uri`. Attributes cannot use the default namespace
    /// (an unprefixed attribute is in no namespace).
    fn lookup_for(&self, uri: &str, attribute: bool) -> Option<usize> {
        if !self.shadowing {
            // No prefix is bound twice: every binding in scope is in force.
            return self.bindings.iter().rposition(|b| b.is_for(uri) && b.depth > 0 && !(attribute && b.prefix.is_empty()));
        }
        for (i, b) in self.bindings.iter().enumerate().rev() {
            if b.is_for(uri)
                && b.depth > 0
                && !(attribute && b.prefix.is_empty())
                && !(self.shadowing && self.bindings[i + 1..].iter().any(|o| o.prefix == b.prefix))
            {
                return Some(i);
            }
        }
        None
    }

    /// The namespace unprefixed element names are in at this point (empty: none).
    fn default_namespace(&self) -> &str {
        self.bindings.iter().rev().find(|b| b.prefix.is_empty() && b.depth > 0).map_or("", |b| &b.uri)
    }

    fn prefix_in_use(&self, prefix: &str) -> bool {
        self.bindings.iter().any(|b| b.prefix == prefix)
    }

    fn close_start_tag(&mut self) {
        if self.open {
            self.out.push('>');
            self.open = false;
        }
    }

    /// Chooses a prefix for `uri` and binds it at the current depth (not yet written).
    fn new_binding(&mut self, uri: &str, preferred: Option<&str>) -> usize {
        let preferred =
            preferred.or_else(|| self.preferred.iter().find(|(_, u)| *u == uri).map(|(p, _)| *p)).or_else(|| (uri == XSI).then_some("xsi"));
        let prefix = match preferred {
            Some(p) if !p.is_empty() && p != "xml" && p != "xmlns" && !self.prefix_in_use(p) => p.to_owned(),
            _ => loop {
                self.counter += 1;
                let p = format!("ns{}", self.counter);
                if !self.prefix_in_use(&p) {
                    break p;
                }
            },
        };
        self.note_prefix(&prefix);
        self.bindings.push(Binding::new(Cow::Owned(prefix), Cow::Owned(uri.to_owned()), self.depth));
        self.bindings.len() - 1
    }

    fn write_decl(&mut self, index: usize) {
        let b = &self.bindings[index];
        if b.prefix.is_empty() {
            self.out.push_str(" xmlns=\"");
        } else {
            self.out.push_str(" xmlns:");
            self.out.push_str(&b.prefix);
            self.out.push_str("=\"");
        }
        match &b.uri {
            Cow::Borrowed(uri) => {
                let key = (uri.as_ptr() as usize, uri.len());
                if self.clean_uris.contains(&key) {
                    self.out.push_str(uri);
                } else if first_special(uri.as_bytes(), &ATTR_SPECIAL).is_none() {
                    self.out.push_str(uri);
                    if self.clean_uris.len() < 32 {
                        self.clean_uris.push(key);
                    }
                } else {
                    escape_attr(&mut self.out, uri);
                }
            }
            Cow::Owned(uri) => escape_attr(&mut self.out, uri),
        }
        self.out.push('"');
    }

    /// The index of the binding for `uri`, declaring it on the open start tag if needed.
    fn bind_in_open_tag(&mut self, uri: &str, preferred: Option<&str>) -> Result<usize, EncodeError> {
        if let Some(i) = self.lookup_for(uri, true) {
            return Ok(i);
        }
        if !self.open {
            return Err(EncodeError::new(format!("internal error: namespace {uri} needs a declaration after the start tag was closed")));
        }
        let i = self.new_binding(uri, preferred);
        self.write_decl(i);
        Ok(i)
    }

    /// Appends the prefix bound to `uri` (declaring it on the open start tag if needed) and a
    /// colon to `out`; nothing for no namespace. For QName-valued text and attributes.
    pub fn push_prefix(&mut self, uri: &str, preferred: Option<&str>, out: &mut String) -> Result<(), EncodeError> {
        if uri.is_empty() {
            return Ok(());
        }
        if uri == XML {
            out.push_str("xml:");
            return Ok(());
        }
        let i = self.bind_in_open_tag(uri, preferred)?;
        out.push_str(&self.bindings[i].prefix);
        out.push(':');
        Ok(())
    }

    /// Writes a start tag `{ns}local`.
    pub fn start(&mut self, ns: &str, local: &str) -> Result<(), EncodeError> {
        self.start_with_prefix(ns, local, None)
    }

    /// Like [`Writer::start`], with a preferred prefix in case `ns` must be declared here.
    pub fn start_with_prefix(&mut self, ns: &str, local: &str, preferred: Option<&str>) -> Result<(), EncodeError> {
        self.open_element(ns, local, preferred, &[])
    }

    /// Writes a start tag for captured content: `declarations` (`(prefix, uri)`, `""` for the
    /// default namespace) are reproduced on it unless already in force, and take effect for
    /// its own name.
    pub fn start_captured(
        &mut self,
        ns: &str,
        local: &str,
        preferred: Option<&str>,
        declarations: &[(String, String)],
    ) -> Result<(), EncodeError> {
        self.open_element(ns, local, preferred, declarations)
    }

    fn open_element(
        &mut self,
        ns: &str,
        local: &str,
        preferred: Option<&str>,
        declarations: &[(String, String)],
    ) -> Result<(), EncodeError> {
        self.close_start_tag();
        self.depth += 1;
        // Declarations registered for this (root) element take effect here.
        let first_new = self.bindings.len() - self.unwritten;
        if self.unwritten != 0 {
            self.unwritten = 0;
            for b in &mut self.bindings[first_new..] {
                b.depth = self.depth;
            }
        }
        for (prefix, uri) in declarations {
            if prefix == "xml" || prefix == "xmlns" {
                continue;
            }
            let current = self.bindings.iter().rev().find(|b| b.prefix == *prefix && b.depth > 0);
            let in_force = match current {
                Some(b) => b.uri == *uri,
                None => prefix.is_empty() && uri.is_empty(),
            };
            if !in_force {
                self.note_prefix(prefix);
                self.bindings.push(Binding::new(Cow::Owned(prefix.clone()), Cow::Owned(uri.clone()), self.depth));
            }
        }
        let binding = if ns.is_empty() {
            // Unprefixed means no namespace only if no default namespace is in force.
            if !self.default_namespace().is_empty() {
                self.note_prefix("");
                self.bindings.push(Binding::new(Cow::Borrowed(""), Cow::Borrowed(""), self.depth));
            }
            None
        } else {
            Some(match self.lookup(ns) {
                Some(i) => i,
                None => self.new_binding(ns, preferred),
            })
        };
        let prefix = match binding {
            Some(i) => &*self.bindings[i].prefix,
            None => "",
        };
        let name_len = if prefix.is_empty() { local.len() } else { prefix.len() + 1 + local.len() };
        self.out.reserve(name_len + 1);
        self.out.push('<');
        let name_at = self.out.len();
        if !prefix.is_empty() {
            self.out.push_str(prefix);
            self.out.push(':');
        }
        self.out.push_str(local);
        for i in first_new..self.bindings.len() {
            self.write_decl(i);
        }
        self.open_elements.push(Open { binding: binding.unwrap_or(usize::MAX), name_at, name_len });
        self.open = true;
        Ok(())
    }

    /// Writes an attribute on the open start tag.
    pub fn attr(&mut self, ns: &str, local: &str, value: &str) -> Result<(), EncodeError> {
        self.attr_with_prefix(ns, local, value, None)
    }

    /// Like [`Writer::attr`], with a preferred prefix for an undeclared namespace.
    pub fn attr_with_prefix(&mut self, ns: &str, local: &str, value: &str, preferred: Option<&str>) -> Result<(), EncodeError> {
        if !self.open {
            return Err(EncodeError::new(format!("internal error: attribute {local} written after element content")));
        }
        let binding = match ns {
            "" => None,
            XML => {
                self.out.push_str(" xml:");
                self.out.push_str(local);
                self.out.push_str("=\"");
                escape_attr(&mut self.out, value);
                self.out.push('"');
                return Ok(());
            }
            _ => Some(self.bind_in_open_tag(ns, preferred)?),
        };
        self.attr_name(binding, local);
        escape_attr(&mut self.out, value);
        self.out.push('"');
        Ok(())
    }

    /// Writes ` prefix:local="` (the prefix of binding `binding`, if any).
    fn attr_name(&mut self, binding: Option<usize>, local: &str) {
        let prefix = binding.map_or("", |i| &*self.bindings[i].prefix);
        self.out.reserve(prefix.len() + local.len() + 4);
        self.out.push(' ');
        if !prefix.is_empty() {
            self.out.push_str(prefix);
            self.out.push(':');
        }
        self.out.push_str(local);
        self.out.push_str("=\"");
    }

    /// Writes an attribute of no namespace on the open start tag whose value `f` formats
    /// straight into the output (escaped afterwards only if needed: no copy in the usual
    /// case; not at all if `plain`, see [`Lexical::PLAIN`](crate::xsd::Lexical::PLAIN)). `f`
    /// gets the writer with its output taken out meanwhile: it is for values that declare no
    /// namespaces, which never write through it.
    pub(crate) fn attr_formatted(
        &mut self,
        local: &str,
        plain: bool,
        f: impl FnOnce(&mut String, &mut Writer) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        if !self.open {
            return Err(EncodeError::new(format!("internal error: attribute {local} written after element content")));
        }
        let before = self.out.len();
        self.attr_name(None, local);
        let at = self.out.len();
        if let Err(e) = self.format_into_out(f) {
            self.out.truncate(before);
            return Err(e);
        }
        self.escape_written(at, plain, &ATTR_SPECIAL);
        self.out.push('"');
        Ok(())
    }

    /// Runs `f` on the output, handing it the writer with the output taken out.
    fn format_into_out<E>(&mut self, f: impl FnOnce(&mut String, &mut Writer) -> Result<(), E>) -> Result<(), E> {
        let mut out = std::mem::take(&mut self.out);
        let r = f(&mut out, self);
        self.out = out;
        r
    }

    /// Escapes what was written to the output from `at` on, if it needs it (never if
    /// `plain`).
    #[inline]
    fn escape_written(&mut self, at: usize, plain: bool, special: &[bool; 256]) {
        debug_assert!(!plain || first_special(&self.out.as_bytes()[at..], special).is_none(), "plain text needs escaping");
        if !plain && first_special(&self.out.as_bytes()[at..], special).is_some() {
            let raw = self.out.split_off(at);
            escape_with(&mut self.out, &raw, special);
        }
    }

    /// Declares `prefix` (`""`: the default namespace) for `uri` on the open start tag,
    /// exactly as given, unless already in force. Used to reproduce captured content
    /// faithfully; a default namespace declared here applies to the element's children.
    pub fn declare_here(&mut self, prefix: &str, uri: &str) -> Result<(), EncodeError> {
        if !self.open {
            return Err(EncodeError::new("internal error: namespace declaration after element content"));
        }
        let current = self.bindings.iter().rev().find(|b| b.prefix == prefix && b.depth > 0);
        let in_force = match current {
            Some(b) => b.uri == uri,
            None => prefix.is_empty() && uri.is_empty(),
        };
        if in_force || prefix == "xml" || prefix == "xmlns" {
            return Ok(());
        }
        self.note_prefix(prefix);
        self.bindings.push(Binding::new(Cow::Owned(prefix.to_owned()), Cow::Owned(uri.to_owned()), self.depth));
        self.write_decl(self.bindings.len() - 1);
        Ok(())
    }

    /// Writes character data (escaped).
    pub fn text(&mut self, text: &str) {
        self.close_start_tag();
        escape_text(&mut self.out, text);
    }

    /// Writes character data produced by `f` straight into the output, escaping it afterwards
    /// only if needed (no copy in the usual case; not at all if `plain`). The start tag is
    /// closed before `f` runs,
    /// and `f` gets the writer with its output taken out meanwhile: it is for values that
    /// declare no namespaces, which never write through it.
    pub(crate) fn text_formatted<E>(&mut self, plain: bool, f: impl FnOnce(&mut String, &mut Writer) -> Result<(), E>) -> Result<(), E> {
        let was_open = self.open;
        self.close_start_tag();
        let at = self.out.len();
        let r = self.format_into_out(f);
        if r.is_err() || self.out.len() == at {
            // Nothing written: keep the start tag open so an empty element stays `<a/>`.
            self.out.truncate(at);
            if was_open && self.out.ends_with('>') {
                self.out.pop();
                self.open = true;
            }
            return r;
        }
        self.escape_written(at, plain, &TEXT_SPECIAL);
        Ok(())
    }

    /// Puts `out` in place of the output and returns the output: to write into a buffer the
    /// caller keeps, swap it in on a cleared writer, and the writer's own buffer back after
    /// (then [`Writer::reset`]).
    pub fn swap_output(&mut self, out: String) -> String {
        std::mem::replace(&mut self.out, out)
    }

    /// Clears the writer for the next document, keeping its buffers (the output's too).
    pub fn reset(&mut self) {
        self.out.clear();
        self.bindings.clear();
        self.open_elements.clear();
        self.unwritten = 0;
        self.shadowing = false;
        self.depth = 0;
        self.open = false;
        self.counter = 0;
        self.preferred = &[];
    }

    /// Closes the element `{ns}local` opened by the matching [`Writer::start`].
    pub fn end(&mut self, ns: &str, local: &str) -> Result<(), EncodeError> {
        let Some(open) = self.open_elements.pop() else {
            return Err(EncodeError::new(format!("internal error: </{local}> without a start tag")));
        };
        if open.binding == usize::MAX && !ns.is_empty() {
            return Err(EncodeError::new(format!("internal error: </{local}> of {ns} closes an element of no namespace")));
        }
        if self.open {
            self.out.push_str("/>");
            self.open = false;
        } else {
            // The name as the start tag wrote it, copied from there.
            let name = open.name_at..open.name_at + open.name_len;
            debug_assert!(self.out[name.clone()].ends_with(local));
            self.out.reserve(open.name_len + 3);
            self.out.push_str("</");
            self.out.extend_from_within(name);
            self.out.push('>');
        }
        let depth = self.depth;
        while self.bindings.last().is_some_and(|b| b.depth == depth) {
            self.bindings.pop();
        }
        self.depth -= 1;
        Ok(())
    }

    /// Writes `<{ns}local>text</{ns}local>`.
    pub fn text_element(&mut self, ns: &str, local: &str, text: &str) -> Result<(), EncodeError> {
        self.start(ns, local)?;
        if !text.is_empty() {
            self.text(text);
        }
        self.end(ns, local)
    }
}

const fn table(special: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
}

const TEXT_SPECIAL: [bool; 256] = table(b"&<>\r");
const ATTR_SPECIAL: [bool; 256] = table(b"&<>\"\t\n\r");

/// The first byte of `bytes` that `special` marks: for short and middling strings (the names,
/// codes and values most messages hold) eight bytes at a time by a word test, for longer ones
/// by SIMD searches (a search costs a few dozen instructions to set up, and attribute values
/// need three; measured with callgrind on the benchmark's messages: the word test wins up to
/// 64 bytes).
#[inline]
fn first_special(bytes: &[u8], special: &[bool; 256]) -> Option<usize> {
    if bytes.len() <= 64 {
        let attr = special[b'"' as usize];
        let mut chunks = bytes.chunks_exact(8);
        let mut at = 0;
        for chunk in chunks.by_ref() {
            if may_be_special(super::word::load(chunk), attr)
                && let Some(i) = chunk.iter().position(|&b| special[b as usize])
            {
                return Some(at + i);
            }
            at += 8;
        }
        return chunks.remainder().iter().position(|&b| special[b as usize]).map(|i| at + i);
    }
    // `&`, `<` and `>` are special in both tables; the rest (quote, TAB, LF, CR) are rare in
    // the values written, so one more pass for them costs little.
    let a = memchr::memchr3(b'&', b'<', b'>', bytes);
    let b = if special[b'"' as usize] {
        memchr::memchr3(b'"', b'\t', b'\n', bytes).into_iter().chain(memchr::memchr(b'\r', bytes)).min()
    } else {
        memchr::memchr(b'\r', bytes)
    };
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// Whether one of the eight bytes of `word` may be special (never false when one is): in
/// attribute values `&`, `<`, `>`, `"` and the control characters (TAB, LF, CR and the others,
/// which the table then tells apart), in text `&`, `<`, `>`, CR and the quote (also told apart
/// by the table). `<` and `>` differ in one bit, as do `"` and `&`: setting it makes one
/// comparison of each pair.
#[inline]
fn may_be_special(word: u64, attr: bool) -> bool {
    use super::word::{below, splat};
    let angle = below((word | splat(0x02)) ^ splat(0x3E), 1);
    let amp_or_quote = below((word | splat(0x04)) ^ splat(0x26), 1);
    let control = if attr { below(word, 0x20) } else { below(word ^ splat(0x0D), 1) };
    angle | amp_or_quote | control != 0
}

#[inline]
fn escape_with(out: &mut String, s: &str, special: &[bool; 256]) {
    // Fast path: nothing to escape (the usual case) is one copy.
    let Some(mut next) = first_special(s.as_bytes(), special) else {
        out.push_str(s);
        return;
    };
    let mut rest = s;
    loop {
        let rep = match rest.as_bytes()[next] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\t' => "&#x9;",
            b'\n' => "&#xA;",
            _ => "&#xD;",
        };
        out.push_str(&rest[..next]);
        out.push_str(rep);
        // Every special byte is ASCII, so next + 1 is a character boundary.
        rest = &rest[next + 1..];
        match first_special(rest.as_bytes(), special) {
            Some(i) => next = i,
            None => break,
        }
    }
    out.push_str(rest);
}

/// Escapes character data: `&`, `<`, `>` and CR (so it survives end-of-line normalization).
pub fn escape_text(out: &mut String, s: &str) {
    escape_with(out, s, &TEXT_SPECIAL);
}

/// Escapes an attribute value: `&`, `<`, `>`, `"` and TAB/LF/CR (so they survive
/// attribute-value normalization).
pub fn escape_attr(out: &mut String, s: &str) {
    escape_with(out, s, &ATTR_SPECIAL);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_special_finds_every_special_byte_at_every_position() {
        for (table, specials) in [(&TEXT_SPECIAL, &b"&<>\r"[..]), (&ATTR_SPECIAL, &b"&<>\"\t\n\r"[..])] {
            for len in [1usize, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100] {
                // Every other byte value, in particular the near misses of the word test
                // ($, ', =, ?, control characters), is not special.
                for filler in 0u8..=0x7F {
                    let clean = vec![filler; len];
                    let expected = if table[filler as usize] { Some(0) } else { None };
                    assert_eq!(first_special(&clean, table), expected, "filler {filler:#x}, len {len}");
                }
                for &sp in specials {
                    for pos in 0..len {
                        let mut v = vec![b'a'; len];
                        v[pos] = sp;
                        assert_eq!(first_special(&v, table), Some(pos), "{sp:#x} at {pos} of {len}");
                    }
                }
            }
            // Non-ASCII bytes (UTF-8 continuation and lead bytes) are not special.
            let s = "é€😀".repeat(5);
            assert_eq!(first_special(s.as_bytes(), table), None);
        }
    }

    #[test]
    fn start_root_writes_the_same_tag_again_from_its_cache() {
        static PLAIN: &[(&str, &str)] = &[("m", "urn:m"), ("t", "urn:t")];
        // `soap` is also declared for another namespace: the Envelope needs a prefix of its own.
        static SHADOWING: &[(&str, &str)] = &[("m", "urn:m"), ("soap", "urn:other")];
        fn message(w: Writer, decls: &'static [(&'static str, &'static str)]) -> (String, Writer) {
            let mut w = w;
            w.reset();
            w.start_root("soap", "urn:env", "Envelope", decls).unwrap();
            w.start("urn:env", "Body").unwrap();
            w.start("urn:m", "A").unwrap();
            w.start("urn:other", "B").unwrap();
            w.end("urn:other", "B").unwrap();
            w.end("urn:m", "A").unwrap();
            w.end("urn:env", "Body").unwrap();
            w.end("urn:env", "Envelope").unwrap();
            (w.as_str().to_owned(), w)
        }
        let (first, w) = message(Writer::new(), PLAIN);
        assert_eq!(
            first,
            "<soap:Envelope xmlns:soap=\"urn:env\" xmlns:m=\"urn:m\" xmlns:t=\"urn:t\"><soap:Body><m:A>\
             <ns1:B xmlns:ns1=\"urn:other\"/></m:A></soap:Body></soap:Envelope>"
        );
        let (again, w) = message(w, PLAIN);
        assert_eq!(again, first);
        let (shadowed, w) = message(w, SHADOWING);
        assert_eq!(
            shadowed,
            "<soap:Envelope xmlns:soap=\"urn:env\" xmlns:m=\"urn:m\"><soap:Body><m:A>\
             <ns1:B xmlns:ns1=\"urn:other\"/></m:A></soap:Body></soap:Envelope>"
        );
        let (shadowed_again, w) = message(w, SHADOWING);
        assert_eq!(shadowed_again, shadowed);
        let (plain_again, _) = message(w, PLAIN);
        assert_eq!(plain_again, first);
    }

    #[test]
    fn escaping_replaces_every_special_byte() {
        let mut out = String::new();
        escape_text(&mut out, "a&b<c>d\re\tf\ng\"h");
        assert_eq!(out, "a&amp;b&lt;c&gt;d&#xD;e\tf\ng\"h");
        out.clear();
        escape_attr(&mut out, "a&b<c>d\re\tf\ng\"h");
        assert_eq!(out, "a&amp;b&lt;c&gt;d&#xD;e&#x9;f&#xA;g&quot;h");
        out.clear();
        let long = "x".repeat(70) + "&" + &"y".repeat(70) + "<";
        escape_text(&mut out, &long);
        assert_eq!(out, "x".repeat(70) + "&amp;" + &"y".repeat(70) + "&lt;");
    }

    #[test]
    fn root_declarations_and_ad_hoc_declarations() {
        let mut w = Writer::new();
        w.declare("m", "urn:m");
        w.start("urn:m", "A").unwrap();
        w.attr("", "x", "1 < 2 & \"3\"").unwrap();
        w.start("urn:other", "B").unwrap();
        w.text("a<b&c>d");
        w.end("urn:other", "B").unwrap();
        w.start("urn:other", "C").unwrap();
        w.end("urn:other", "C").unwrap();
        w.start("", "plain").unwrap();
        w.end("", "plain").unwrap();
        w.end("urn:m", "A").unwrap();
        assert_eq!(
            w.into_string(),
            "<m:A xmlns:m=\"urn:m\" x=\"1 &lt; 2 &amp; &quot;3&quot;\">\
             <ns1:B xmlns:ns1=\"urn:other\">a&lt;b&amp;c&gt;d</ns1:B>\
             <ns2:C xmlns:ns2=\"urn:other\"/><plain/></m:A>"
        );
    }

    #[test]
    fn preferred_prefix_used_when_free() {
        let mut w = Writer::new();
        w.start_with_prefix("urn:t", "T", Some("t")).unwrap();
        w.attr_with_prefix("urn:u", "a", "v", Some("t")).unwrap();
        w.end("urn:t", "T").unwrap();
        assert_eq!(w.into_string(), "<t:T xmlns:t=\"urn:t\" xmlns:ns1=\"urn:u\" ns1:a=\"v\"/>");
    }

    #[test]
    fn captured_default_namespace_is_reproduced_and_undeclared_for_unqualified_children() {
        let mut w = Writer::new();
        w.declare("m", "urn:m");
        w.start("urn:m", "Root").unwrap();
        w.start_captured("urn:d", "A", None, &[(String::new(), "urn:d".to_owned())]).unwrap();
        w.start_captured("urn:d", "B", None, &[]).unwrap();
        w.attr("urn:d", "at", "1").unwrap();
        w.end("urn:d", "B").unwrap();
        w.start("", "plain").unwrap();
        w.end("", "plain").unwrap();
        w.end("urn:d", "A").unwrap();
        w.end("urn:m", "Root").unwrap();
        assert_eq!(
            w.into_string(),
            "<m:Root xmlns:m=\"urn:m\"><A xmlns=\"urn:d\"><B xmlns:ns1=\"urn:d\" ns1:at=\"1\"/><plain xmlns=\"\"/></A></m:Root>"
        );
    }

    #[test]
    fn whitespace_in_attributes_is_escaped() {
        let mut out = String::new();
        escape_attr(&mut out, "a\tb\nc\rd");
        assert_eq!(out, "a&#x9;b&#xA;c&#xD;d");
    }
}
