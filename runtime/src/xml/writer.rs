//! A namespace-aware XML writer into a `String`.
//!
//! Prefixes are chosen by the writer: namespaces registered with [`Writer::declare`] before
//! the root element are declared on it with their preferred prefixes; any other namespace is
//! declared on the first element that needs it (with the caller's preferred prefix when it is
//! free, `ns1`, `ns2`, ... otherwise) and goes out of scope with that element. The default
//! namespace is never used, so an unprefixed name is always in no namespace.

use std::borrow::Cow;

use super::error::EncodeError;
use super::ns::XML;

#[derive(Debug)]
struct Binding {
    prefix: Cow<'static, str>,
    uri: Cow<'static, str>,
    depth: u32,
}

/// The XML writer.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    bindings: Vec<Binding>,
    pending_root: Vec<(&'static str, &'static str)>,
    depth: u32,
    open: bool,
    counter: u32,
    preferred: &'static [(&'static str, &'static str)],
    scratch: String,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Writer::default()
    }

    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Writer { out: String::with_capacity(capacity), ..Writer::default() }
    }

    /// Sets the preferred prefix of each namespace, `(prefix, uri)`, used when a namespace
    /// has to be declared where it is first needed.
    pub fn with_preferred_prefixes(mut self, prefixes: &'static [(&'static str, &'static str)]) -> Self {
        self.preferred = prefixes;
        self
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

    /// Registers `prefix` for `uri`, to be declared on the next start tag (normally the root).
    pub fn declare(&mut self, prefix: &'static str, uri: &'static str) {
        self.pending_root.push((prefix, uri));
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
        for (i, b) in self.bindings.iter().enumerate().rev() {
            if b.uri == uri {
                let shadowed = self.bindings[i + 1..].iter().any(|o| o.prefix == b.prefix);
                if !shadowed {
                    return Some(i);
                }
            }
        }
        None
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
        let preferred = preferred.or_else(|| self.preferred.iter().find(|(_, u)| *u == uri).map(|(p, _)| *p));
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
        self.bindings.push(Binding { prefix: Cow::Owned(prefix), uri: Cow::Owned(uri.to_owned()), depth: self.depth });
        self.bindings.len() - 1
    }

    fn write_decl(&mut self, index: usize) {
        let b = &self.bindings[index];
        self.out.push_str(" xmlns:");
        self.out.push_str(&b.prefix);
        self.out.push_str("=\"");
        escape_attr(&mut self.out, &b.uri);
        self.out.push('"');
    }

    /// The index of the binding for `uri`, declaring it on the open start tag if needed.
    fn bind_in_open_tag(&mut self, uri: &str, preferred: Option<&str>) -> Result<usize, EncodeError> {
        if let Some(i) = self.lookup(uri) {
            return Ok(i);
        }
        if !self.open {
            return Err(EncodeError::new(format!(
                "internal error: namespace {uri} needs a declaration after the start tag was closed"
            )));
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
        self.close_start_tag();
        self.depth += 1;
        let first_new = self.bindings.len();
        for (prefix, uri) in std::mem::take(&mut self.pending_root) {
            self.bindings.push(Binding { prefix: Cow::Borrowed(prefix), uri: Cow::Borrowed(uri), depth: self.depth });
        }
        let binding = if ns.is_empty() {
            None
        } else {
            Some(match self.lookup(ns) {
                Some(i) => i,
                None => self.new_binding(ns, preferred),
            })
        };
        self.out.push('<');
        if let Some(i) = binding {
            self.out.push_str(&self.bindings[i].prefix);
            self.out.push(':');
        }
        self.out.push_str(local);
        for i in first_new..self.bindings.len() {
            self.write_decl(i);
        }
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
        self.out.push(' ');
        if let Some(i) = binding {
            self.out.push_str(&self.bindings[i].prefix);
            self.out.push(':');
        }
        self.out.push_str(local);
        self.out.push_str("=\"");
        escape_attr(&mut self.out, value);
        self.out.push('"');
        Ok(())
    }

    /// Declares `prefix` for `uri` on the open start tag, exactly as given, unless it is
    /// already bound to `uri` in scope. Used to reproduce captured content faithfully.
    pub fn declare_here(&mut self, prefix: &str, uri: &str) -> Result<(), EncodeError> {
        if !self.open {
            return Err(EncodeError::new("internal error: namespace declaration after element content"));
        }
        let current = self.bindings.iter().rev().find(|b| b.prefix == prefix);
        if current.is_some_and(|b| b.uri == uri) || prefix == "xml" || prefix.is_empty() {
            return Ok(());
        }
        self.out.push_str(" xmlns:");
        self.out.push_str(prefix);
        self.out.push_str("=\"");
        escape_attr(&mut self.out, uri);
        self.out.push('"');
        self.bindings.push(Binding { prefix: Cow::Owned(prefix.to_owned()), uri: Cow::Owned(uri.to_owned()), depth: self.depth });
        Ok(())
    }

    /// Writes character data (escaped).
    pub fn text(&mut self, text: &str) {
        self.close_start_tag();
        escape_text(&mut self.out, text);
    }

    /// Closes the element `{ns}local` opened by the matching [`Writer::start`].
    pub fn end(&mut self, ns: &str, local: &str) -> Result<(), EncodeError> {
        if self.open {
            self.out.push_str("/>");
            self.open = false;
        } else {
            self.out.push_str("</");
            if !ns.is_empty() {
                match self.lookup(ns) {
                    Some(i) => {
                        self.out.push_str(&self.bindings[i].prefix);
                        self.out.push(':');
                    }
                    None => return Err(EncodeError::new(format!("internal error: no prefix in scope for {ns} at </{local}>"))),
                }
            }
            self.out.push_str(local);
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

/// Escapes character data: `&`, `<`, `>` and CR (so it survives end-of-line normalization).
pub fn escape_text(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#xD;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// Escapes an attribute value: `&`, `<`, `"` and TAB/LF/CR (so they survive attribute-value
/// normalization).
pub fn escape_attr(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\t' => "&#x9;",
            b'\n' => "&#xA;",
            b'\r' => "&#xD;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn whitespace_in_attributes_is_escaped() {
        let mut out = String::new();
        escape_attr(&mut out, "a\tb\nc\rd");
        assert_eq!(out, "a&#x9;b&#xA;c&#xD;d");
    }
}
