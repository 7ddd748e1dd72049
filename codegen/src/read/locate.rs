//! How a location written in a schema (`schemaLocation`, `wsdl:import/@location`) becomes a
//! document: resolved against the base of the document that wrote it (a directory, or the
//! URL the document stands for), mapped from a URL to a local file, and read.
//!
//! The generator never touches the network. A URL is read from a local copy named by a
//! location map (`--map URL=PATH`, [`Config::map_location`](crate::Config::map_location))
//! or an OASIS XML Catalog (`--catalog`, [`Config::catalog`](crate::Config::catalog)); an
//! unmapped URL is an error that names it. How bytes are obtained is the [`Resolver`] trait,
//! so tests and fuzzers can serve documents from memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node};
use url::Url;

use crate::Options;
use crate::diag::{DiagKind, Diagnostic, Diagnostics, SourceMap, Span};

/// Maps URLs to local documents and reads documents.
pub trait Resolver {
    /// The local file holding the document at `url` (an absolute URL that is not a `file:`
    /// URL, or a namespace URI of an `xs:import` without a location), if known.
    fn map_url(&self, url: &str) -> Option<PathBuf>;

    /// The bytes of the document at `path`.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;

    /// The files the resolver itself read to be configured (catalogs), so that a build
    /// script reruns when they change.
    fn config_files(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    /// How to map an unmapped URL, for the error message.
    fn how_to_map(&self) -> &str {
        "map it to a local copy with --map URL=PATH (Config::map_location) or an XML catalog (--catalog, Config::catalog)"
    }
}

/// Reads files from disk, mapping URLs through the options' location map and catalogs.
#[derive(Clone, Debug, Default)]
pub struct FileResolver {
    map: Vec<(String, PathBuf)>,
    catalog: Catalog,
}

impl FileResolver {
    /// A resolver for `opts` (location map and catalogs, read now). Relative paths are
    /// relative to the current directory.
    pub fn new(opts: &Options) -> Result<Self, Diagnostics> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let map = opts.location_map.iter().map(|(u, p)| (u.trim().to_owned(), cwd.join(p))).collect();
        let mut catalog = Catalog::default();
        let mut sources = SourceMap::with_base(opts.display_base.clone().or_else(|| Some(cwd.clone())));
        let mut diags = Vec::new();
        for c in &opts.catalogs {
            catalog.load(&cwd.join(c), None, &mut sources, &mut diags);
        }
        if diags.is_empty() { Ok(FileResolver { map, catalog }) } else { Err(Diagnostics { list: diags, sources }) }
    }
}

impl Resolver for FileResolver {
    fn map_url(&self, url: &str) -> Option<PathBuf> {
        // Exact entries first, then the longest directory prefix.
        if let Some((_, p)) = self.map.iter().find(|(u, _)| u == url) {
            return Some(p.clone());
        }
        let prefix = self.map.iter().filter(|(u, _)| u.ends_with('/') && url.starts_with(u.as_str())).max_by_key(|(u, _)| u.len());
        if let Some((u, dir)) = prefix {
            return Some(dir.join(&url[u.len()..]));
        }
        self.catalog.resolve(url).and_then(|u| u.to_file_path().ok())
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn config_files(&self) -> Vec<PathBuf> {
        self.catalog.files.clone()
    }
}

/// Serves documents from memory (tests, fuzzing): paths and URLs to text.
#[derive(Clone, Debug, Default)]
pub struct MemoryResolver {
    files: BTreeMap<PathBuf, Vec<u8>>,
    urls: BTreeMap<String, PathBuf>,
}

impl MemoryResolver {
    /// An empty resolver.
    pub fn new() -> Self {
        MemoryResolver::default()
    }

    /// Serves `text` as the file at `path`.
    #[must_use]
    pub fn with_file(mut self, path: impl Into<PathBuf>, text: impl Into<Vec<u8>>) -> Self {
        self.files.insert(path.into(), text.into());
        self
    }

    /// Maps `url` to the file at `path`.
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        self.urls.insert(url.into(), path.into());
        self
    }
}

impl Resolver for MemoryResolver {
    fn map_url(&self, url: &str) -> Option<PathBuf> {
        self.urls.get(url).cloned()
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.files.get(path).cloned().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such document"))
    }

    fn how_to_map(&self) -> &str {
        "the in-memory resolver has no document for it"
    }
}

/// What relative locations in a document are resolved against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Base {
    /// A file's directory.
    Dir(PathBuf),
    /// The URL the document was read for (relative locations in it are URLs too, RFC 3986).
    Url(Url),
}

/// Where a location points, before mapping.
pub(crate) enum Target {
    /// A local file.
    File(PathBuf),
    /// A URL to be mapped to a local file.
    Url(Url),
}

impl Base {
    /// Resolves a location written in a document with this base.
    pub(crate) fn join(&self, location: &str) -> Result<Target, String> {
        let location = location.trim();
        if has_scheme(location) {
            let url = Url::parse(location).map_err(|e| format!("'{location}' is not a valid URL: {e}"))?;
            return Ok(file_or_url(url));
        }
        match self {
            Base::Dir(dir) => Ok(Target::File(super::normalize(&dir.join(percent_decode(location))))),
            Base::Url(base) => {
                let url = base.join(location).map_err(|e| format!("'{location}' cannot be resolved against {base}: {e}"))?;
                Ok(file_or_url(url))
            }
        }
    }
}

fn file_or_url(url: Url) -> Target {
    if url.scheme() == "file"
        && let Ok(p) = url.to_file_path()
    {
        return Target::File(p);
    }
    Target::Url(url)
}

/// Whether a location starts with a URI scheme (`http:`, `file:`, `urn:`; not a one-letter
/// drive name).
fn has_scheme(location: &str) -> bool {
    let Some(colon) = location.find(':') else { return false };
    let scheme = &location[..colon];
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decodes `%XX` escapes of a relative URI reference into a path.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

// ----- OASIS XML Catalogs 1.1 ------------------------------------------------------------------

const CATALOG_NS: &str = "urn:oasis:names:tc:entity:xmlns:xml:catalog";

/// The entries of one or more catalog files, in the order the specification consults them.
#[derive(Clone, Debug, Default)]
struct Catalog {
    /// Every catalog file read (including `nextCatalog`s), for rerun-if-changed.
    files: Vec<PathBuf>,
    entries: Vec<Entry>,
}

#[derive(Clone, Debug)]
enum Entry {
    /// `uri name=` or `system systemId=`: exact match.
    Exact { system: bool, name: String, target: Url },
    /// `rewriteURI` / `rewriteSystem`: prefix replaced.
    Rewrite { system: bool, start: String, prefix: Url },
    /// `uriSuffix` / `systemSuffix`.
    Suffix { system: bool, suffix: String, target: Url },
    /// `delegateURI` / `delegateSystem`: identifiers with the prefix are looked up only in
    /// these catalogs.
    Delegate { system: bool, start: String, catalog: Box<Catalog> },
    /// `nextCatalog`: consulted when nothing here matches.
    Next(Box<Catalog>),
}

impl Catalog {
    /// Reads the catalog file at `path` into this catalog (`from`: the `nextCatalog` or
    /// `delegate*` entry that names it).
    fn load(&mut self, path: &Path, from: Option<Span>, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) {
        let path = super::normalize(path);
        if self.files.contains(&path) {
            return; // a catalog chain that loops
        }
        self.files.push(path.clone());
        let file = sources.add(&path);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::new(
                    DiagKind::Unreadable,
                    from,
                    format!("cannot read the XML catalog {}: {e}", sources.display(file)),
                ));
                return;
            }
        };
        let opts = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
        let doc = match Document::parse_with_options(&text, opts) {
            Ok(d) => d,
            Err(e) => {
                let span = Span { file, line: e.pos().row, column: e.pos().col };
                diags.push(Diagnostic::new(DiagKind::Unreadable, Some(span), format!("not well-formed XML: {e}")));
                return;
            }
        };
        let root = doc.root_element();
        let span = |n: Node<'_, '_>| {
            let p = doc.text_pos_at(n.range().start);
            Span { file, line: p.row, column: p.col }
        };
        if root.tag_name().namespace() != Some(CATALOG_NS) || root.tag_name().name() != "catalog" {
            diags.push(Diagnostic::new(
                DiagKind::Invalid,
                Some(span(root)),
                format!("{} is not an OASIS XML catalog (root element {{{CATALOG_NS}}}catalog)", sources.display(file)),
            ));
            return;
        }
        let Ok(base) = Url::from_file_path(&path) else {
            diags.push(Diagnostic::new(DiagKind::Unreadable, Some(span(root)), "the catalog path cannot be made a file: URL"));
            return;
        };
        let mut cx = CatalogCx { sources, diags, span: &span };
        self.read_entries(root, &base, &mut cx);
    }

    fn read_entries(&mut self, node: Node<'_, '_>, base: &Url, cx: &mut CatalogCx<'_, '_>) {
        let base = match node.attribute((roxmltree::NS_XML_URI, "base")) {
            Some(b) => match base.join(b) {
                Ok(u) => u,
                Err(e) => {
                    cx.error(node, format!("invalid xml:base '{b}': {e}"));
                    return;
                }
            },
            None => base.clone(),
        };
        for child in node.children().filter(|c| c.is_element() && c.tag_name().namespace() == Some(CATALOG_NS)) {
            let name = child.tag_name().name();
            let system = name.contains("ystem");
            let child_base = match child.attribute((roxmltree::NS_XML_URI, "base")) {
                Some(b) => match base.join(b) {
                    Ok(u) => u,
                    Err(e) => {
                        cx.error(child, format!("invalid xml:base '{b}': {e}"));
                        continue;
                    }
                },
                None => base.clone(),
            };
            let entry = match name {
                "group" => {
                    self.read_entries(child, &base, cx);
                    continue;
                }
                "uri" | "system" => {
                    let key = if system { "systemId" } else { "name" };
                    let (Some(n), Some(target)) = (cx.attr(child, key), cx.url_attr(child, "uri", &child_base)) else { continue };
                    Entry::Exact { system, name: n, target }
                }
                "rewriteURI" | "rewriteSystem" => {
                    let key = if system { "systemIdStartString" } else { "uriStartString" };
                    let (Some(start), Some(prefix)) = (cx.attr(child, key), cx.url_attr(child, "rewritePrefix", &child_base)) else {
                        continue;
                    };
                    Entry::Rewrite { system, start, prefix }
                }
                "uriSuffix" | "systemSuffix" => {
                    let key = if system { "systemIdSuffix" } else { "uriSuffix" };
                    let (Some(suffix), Some(target)) = (cx.attr(child, key), cx.url_attr(child, "uri", &child_base)) else { continue };
                    Entry::Suffix { system, suffix, target }
                }
                "delegateURI" | "delegateSystem" => {
                    let key = if system { "systemIdStartString" } else { "uriStartString" };
                    let (Some(start), Some(target)) = (cx.attr(child, key), cx.url_attr(child, "catalog", &child_base)) else { continue };
                    let mut delegated = Catalog::default();
                    delegated.load_url(&target, child, cx);
                    self.files.extend(delegated.files.iter().cloned());
                    Entry::Delegate { system, start, catalog: Box::new(delegated) }
                }
                "nextCatalog" => {
                    let Some(target) = cx.url_attr(child, "catalog", &child_base) else { continue };
                    let mut next = Catalog { files: self.files.clone(), ..Catalog::default() };
                    next.load_url(&target, child, cx);
                    let new: Vec<PathBuf> = next.files.iter().filter(|f| !self.files.contains(f)).cloned().collect();
                    self.files.extend(new);
                    Entry::Next(Box::new(next))
                }
                // Public identifiers belong to DTDs, which schemas do not use.
                "public" | "delegatePublic" => continue,
                other => {
                    cx.error(child, format!("unknown XML catalog entry <{other}>"));
                    continue;
                }
            };
            self.entries.push(entry);
        }
    }

    fn load_url(&mut self, target: &Url, node: Node<'_, '_>, cx: &mut CatalogCx<'_, '_>) {
        match target.to_file_path() {
            Ok(p) => {
                let from = Some((cx.span)(node));
                self.load(&p, from, cx.sources, cx.diags);
            }
            Err(()) => cx.error(node, format!("catalog {target} is not a local file (catalogs are never fetched)")),
        }
    }

    /// Resolves a URI: the `uri` entries (exact, longest rewrite, longest suffix, delegates),
    /// then the `system` entries in the same order, then the next catalogs.
    fn resolve(&self, id: &str) -> Option<Url> {
        self.resolve_kind(id, false).or_else(|| self.resolve_kind(id, true))
    }

    fn resolve_kind(&self, id: &str, system: bool) -> Option<Url> {
        let of_kind = || self.entries.iter().filter(move |e| entry_kind(e) == Some(system));
        for e in of_kind() {
            if let Entry::Exact { name, target, .. } = e
                && name == id
            {
                return Some(target.clone());
            }
        }
        let rewrite = of_kind()
            .filter_map(|e| match e {
                Entry::Rewrite { start, prefix, .. } if id.starts_with(start.as_str()) => Some((start.len(), prefix, &id[start.len()..])),
                _ => None,
            })
            .max_by_key(|(n, _, _)| *n);
        if let Some((_, prefix, rest)) = rewrite {
            return join_prefix(prefix, rest);
        }
        let suffix = of_kind()
            .filter_map(|e| match e {
                Entry::Suffix { suffix, target, .. } if id.ends_with(suffix.as_str()) => Some((suffix.len(), target)),
                _ => None,
            })
            .max_by_key(|(n, _)| *n);
        if let Some((_, target)) = suffix {
            return Some(target.clone());
        }
        let mut delegates: Vec<(usize, &Catalog)> = of_kind()
            .filter_map(|e| match e {
                Entry::Delegate { start, catalog, .. } if id.starts_with(start.as_str()) => Some((start.len(), &**catalog)),
                _ => None,
            })
            .collect();
        if !delegates.is_empty() {
            delegates.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
            return delegates.iter().find_map(|(_, c)| c.resolve_kind(id, system));
        }
        self.entries.iter().find_map(|e| match e {
            Entry::Next(c) => c.resolve_kind(id, system),
            _ => None,
        })
    }
}

fn entry_kind(e: &Entry) -> Option<bool> {
    match e {
        Entry::Exact { system, .. } | Entry::Rewrite { system, .. } | Entry::Suffix { system, .. } | Entry::Delegate { system, .. } => {
            Some(*system)
        }
        Entry::Next(_) => None,
    }
}

/// `rewritePrefix` + the rest of the identifier.
fn join_prefix(prefix: &Url, rest: &str) -> Option<Url> {
    let mut s = prefix.as_str().to_owned();
    if !s.ends_with('/') && !rest.is_empty() && !rest.starts_with('/') {
        s.push('/');
    }
    s.push_str(rest);
    Url::parse(&s).ok()
}

struct CatalogCx<'a, 'b> {
    sources: &'a mut SourceMap,
    diags: &'a mut Vec<Diagnostic>,
    span: &'b dyn Fn(Node<'_, '_>) -> Span,
}

impl CatalogCx<'_, '_> {
    fn error(&mut self, node: Node<'_, '_>, message: String) {
        self.diags.push(Diagnostic::new(DiagKind::Invalid, Some((self.span)(node)), message));
    }

    fn attr(&mut self, node: Node<'_, '_>, name: &str) -> Option<String> {
        match node.attribute(name) {
            Some(v) => Some(v.trim().to_owned()),
            None => {
                self.error(node, format!("XML catalog entry <{}> without {name}=", node.tag_name().name()));
                None
            }
        }
    }

    fn url_attr(&mut self, node: Node<'_, '_>, name: &str, base: &Url) -> Option<Url> {
        let v = self.attr(node, name)?;
        match base.join(&v) {
            Ok(u) => Some(u),
            Err(e) => {
                self.error(node, format!("invalid {name} '{v}': {e}"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_told_from_drive_letters_and_paths() {
        assert!(has_scheme("http://x/a.xsd"));
        assert!(has_scheme("urn:x"));
        assert!(has_scheme("file:///tmp/a.xsd"));
        assert!(!has_scheme("C:\\schemas\\a.xsd"));
        assert!(!has_scheme("a.xsd"));
        assert!(!has_scheme("../a:b.xsd"));
    }

    #[test]
    fn relative_locations_follow_their_base() {
        let dir = Base::Dir(PathBuf::from("/s/wsdl"));
        assert!(matches!(dir.join("../xsd/a%20b.xsd"), Ok(Target::File(p)) if p == Path::new("/s/xsd/a b.xsd")));
        let url = Base::Url(Url::parse("http://docs.oasis-open.org/wsn/b-2.xsd").unwrap());
        assert!(matches!(url.join("../wsrf/bf-2.xsd"), Ok(Target::Url(u)) if u.as_str() == "http://docs.oasis-open.org/wsrf/bf-2.xsd"));
        assert!(matches!(url.join("file:///tmp/x.xsd"), Ok(Target::File(p)) if p == Path::new("/tmp/x.xsd")));
    }
}
