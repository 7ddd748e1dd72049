//! Writing generated files: a module tree into a directory the generator owns (files it no
//! longer generates are removed), a single include file, and the stale-file check that
//! `--check` modes and freshness tests use (rust-analyzer's `ensure_file_contents`).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::emit::OutputFile;

/// What writing (or checking) did to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The file.
    pub path: PathBuf,
    /// Created, updated or removed.
    pub kind: ChangeKind,
}

/// How a file changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// It did not exist.
    Created,
    /// Its content differed.
    Updated,
    /// It is no longer generated.
    Removed,
}

impl ChangeKind {
    /// `created`, `updated` or `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Created => "created",
            ChangeKind::Updated => "updated",
            ChangeKind::Removed => "removed",
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.path.display())
    }
}

/// A file that could not be written.
#[derive(Debug)]
pub struct OutputError {
    /// The file or directory.
    pub path: PathBuf,
    /// Why.
    pub error: std::io::Error,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: cannot write {}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// What differs between `files` and the directory `dir`: files to create or update, and the
/// `.rs` files in `dir` that are not generated any more (in name order).
pub fn stale_files(dir: &Path, files: &[OutputFile]) -> Vec<Change> {
    let mut out = Vec::new();
    for f in files {
        let path = dir.join(&f.path);
        match std::fs::read(&path) {
            Ok(old) if old == f.code.as_bytes() => {}
            Ok(_) => out.push(Change { path, kind: ChangeKind::Updated }),
            Err(_) => out.push(Change { path, kind: ChangeKind::Created }),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rs"))
            .filter(|p| !files.iter().any(|f| dir.join(&f.path) == *p))
            .collect();
        extra.sort();
        out.extend(extra.into_iter().map(|path| Change { path, kind: ChangeKind::Removed }));
    }
    out
}

/// Makes `dir` hold exactly `files` (among its `.rs` files): writes what differs, removes
/// what is no longer generated, and returns what it changed.
pub fn write_tree(dir: &Path, files: &[OutputFile]) -> Result<Vec<Change>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|error| OutputError { path: dir.to_path_buf(), error })?;
    let changes = stale_files(dir, files);
    for c in &changes {
        let result = match c.kind {
            ChangeKind::Removed => std::fs::remove_file(&c.path),
            _ => {
                let f = files.iter().find(|f| dir.join(&f.path) == c.path).expect("a change to write comes from a generated file");
                std::fs::write(&c.path, &f.code)
            }
        };
        result.map_err(|error| OutputError { path: c.path.clone(), error })?;
    }
    Ok(changes)
}

/// Writes one file unless it already has this content; the change, if any.
pub fn write_file(path: &Path, code: &str) -> Result<Vec<Change>, OutputError> {
    let kind = match std::fs::read(path) {
        Ok(old) if old == code.as_bytes() => return Ok(Vec::new()),
        Ok(_) => ChangeKind::Updated,
        Err(_) => ChangeKind::Created,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|error| OutputError { path: parent.to_path_buf(), error })?;
    }
    std::fs::write(path, code).map_err(|error| OutputError { path: path.to_path_buf(), error })?;
    Ok(vec![Change { path: path.to_path_buf(), kind }])
}
