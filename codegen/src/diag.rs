//! Diagnostics: every error the generator reports names a file, a line, a column and, where
//! one is involved, the XML qualified name.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::syntax::QName;

/// Index of a source file in [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A position in a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// The files read, for turning [`Span`]s into `path:line:column`.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<PathBuf>,
    /// Paths are shown relative to this directory when possible.
    base: Option<PathBuf>,
}

impl SourceMap {
    /// A map that shows paths relative to `base`.
    pub fn with_base(base: Option<PathBuf>) -> Self {
        SourceMap { files: Vec::new(), base }
    }

    /// Registers a file (or finds it) and returns its id.
    pub fn add(&mut self, path: &Path) -> FileId {
        if let Some(i) = self.files.iter().position(|p| p == path) {
            return FileId(i as u32);
        }
        self.files.push(path.to_path_buf());
        FileId(self.files.len() as u32 - 1)
    }

    /// The path of a file.
    pub fn path(&self, id: FileId) -> &Path {
        self.files.get(id.0 as usize).map_or(Path::new("<unknown>"), PathBuf::as_path)
    }

    /// The path as displayed in messages.
    pub fn display(&self, id: FileId) -> String {
        self.display_path(self.path(id))
    }

    /// A path as displayed in messages (relative to the base when under it).
    pub fn display_path(&self, path: &Path) -> String {
        let shown = self.base.as_deref().and_then(|b| path.strip_prefix(b).ok()).unwrap_or(path);
        shown.display().to_string().replace('\\', "/")
    }

    /// Every file read, in the order first read.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(PathBuf::as_path)
    }

    /// `path:line:column`.
    pub fn location(&self, span: Span) -> String {
        format!("{}:{}:{}", self.display(span.file), span.line, span.column)
    }
}

/// What kind of problem a diagnostic reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagKind {
    /// A file could not be read or parsed as XML.
    Unreadable,
    /// A reference to a definition that does not exist.
    Unresolved,
    /// Two definitions of the same name.
    Duplicate,
    /// A construct the generator does not support.
    Unsupported,
    /// A schema or WSDL that breaks the rules of its language.
    Invalid,
    /// Two generated Rust names that would collide.
    NameCollision,
}

/// One error, with where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The kind of problem.
    pub kind: DiagKind,
    /// Where (absent only for problems with no location, such as a missing input file).
    pub span: Option<Span>,
    /// The qualified name involved, if any.
    pub qname: Option<QName>,
    /// The message.
    pub message: String,
    /// Further locations, e.g. the first of two duplicate definitions.
    pub notes: Vec<(Span, String)>,
}

impl Diagnostic {
    /// A new diagnostic.
    pub fn new(kind: DiagKind, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic { kind, span, qname: None, message: message.into(), notes: Vec::new() }
    }

    /// Attaches the qualified name involved.
    #[must_use]
    pub fn with_qname(mut self, qname: &QName) -> Self {
        self.qname = Some(qname.clone());
        self
    }

    /// Adds a note at another location.
    #[must_use]
    pub fn with_note(mut self, span: Span, note: impl Into<String>) -> Self {
        self.notes.push((span, note.into()));
        self
    }

    /// Renders the diagnostic with file names from `sources`.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut s = String::new();
        if let Some(span) = self.span {
            s.push_str(&sources.location(span));
            s.push_str(": ");
        }
        s.push_str("error: ");
        s.push_str(&self.message);
        if let Some(q) = &self.qname
            && !self.message.contains(&q.to_string())
        {
            s.push_str(&format!(" [{q}]"));
        }
        for (span, note) in &self.notes {
            s.push_str(&format!("\n  {}: note: {note}", sources.location(*span)));
        }
        s
    }
}

/// A list of diagnostics with the source map needed to print them.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    /// The errors, in the order found.
    pub list: Vec<Diagnostic>,
    /// The files read.
    pub sources: SourceMap,
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.list.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(&d.render(&self.sources))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
