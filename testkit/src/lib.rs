//! What the workspace's test suites share about the world outside the repository.
//!
//! - [`python`]: the Python of the interoperability tests, from the virtual environment that
//!   `cargo xtask prepare` (and `cargo xtask test`) builds under `target/python` with the
//!   pinned packages of `tests/requirements.txt`: zeep, and lxml for schema validation.
//! - [`validate`], [`validate_files`]: XML Schema validation through lxml, i.e. libxml2, the
//!   engine of xmllint, reported in xmllint's words; nothing but that environment is needed.
//! - [`reference()`]: the shared reference material that is never committed (the full Exchange
//!   WSDL, the W3C databinding patterns). A test that needs it and does not find it is skipped
//!   with one line saying so, unless `SOAPKIT_REQUIRE_REFERENCE=1` (as CI sets), which makes
//!   that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("testkit/ is in the workspace").to_path_buf()
}

/// The prepared virtual environment's interpreter, `target/python/bin/python` (or
/// `Scripts\python.exe`).
pub fn prepared_python(root: &Path) -> PathBuf {
    let venv = root.join("target").join("python");
    if cfg!(windows) { venv.join("Scripts").join("python.exe") } else { venv.join("bin").join("python") }
}

/// The Python to run the interoperability tests with: `$SOAPKIT_PYTHON`, else the prepared
/// environment; panics with what to run when neither exists (the tests that need Python never
/// skip).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("SOAPKIT_PYTHON") {
        return PathBuf::from(p);
    }
    let prepared = prepared_python(&workspace_root());
    assert!(
        prepared.exists(),
        "the tests' Python environment is not prepared ({} does not exist): run `cargo xtask prepare` \
         (`cargo xtask test` does it too), or set SOAPKIT_PYTHON to a Python with tests/requirements.txt installed",
        prepared.display()
    );
    prepared
}

/// A Python command with [`python`].
pub fn python_command() -> Command {
    Command::new(python())
}

// ----- schema validation ---------------------------------------------------------------------

const VALIDATE_PY: &str = include_str!("xsd_validate.py");

/// What schema validation said about one document, in xmllint's words.
#[derive(Clone, Debug)]
pub struct Validation {
    /// xmllint's exit status: 0 valid, 1 not well-formed, 3 invalid, 5 the schema did not
    /// compile.
    pub status: Option<i32>,
    /// Every line reported (`LABEL:LINE: element NAME: Schemas validity error : ...`, then
    /// `LABEL validates` or `LABEL fails to validate`).
    pub lines: Vec<String>,
    /// The label the document was reported under.
    pub label: String,
}

impl Validation {
    /// Whether the document is valid (`LABEL validates`, status 0).
    pub fn valid(&self) -> bool {
        self.status == Some(0) && self.lines.iter().any(|l| *l == format!("{} validates", self.label))
    }

    /// The diagnostics: every line except the final `validates` / `fails to validate` one.
    pub fn diagnostics(&self) -> Vec<&str> {
        let ok = format!("{} validates", self.label);
        let bad = format!("{} fails to validate", self.label);
        self.lines.iter().map(String::as_str).filter(|l| *l != ok && *l != bad).collect()
    }

    /// Everything reported, for failure messages.
    pub fn output(&self) -> String {
        self.lines.join("\n")
    }
}

/// Validates `xml` against `schema` (a file; its imports and includes are resolved from there,
/// never from the network). `label` names the document in the result.
pub fn validate(schema: &Path, xml: &str, label: &str) -> Validation {
    let file = TempFile::new(&format!("{label}.xml"), xml);
    validate_files(schema, &[(file.path(), label)]).pop().expect("one result per document")
}

/// Validates several files against one schema, compiling it once.
pub fn validate_files(schema: &Path, docs: &[(&Path, &str)]) -> Vec<Validation> {
    let mut cmd = python_command();
    cmd.arg("-c").arg(VALIDATE_PY).arg(schema);
    for (file, label) in docs {
        cmd.arg(file).arg(label);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", python().display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the schema validator failed (is lxml installed? run `cargo xtask prepare`):\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut results: Vec<Validation> = Vec::new();
    for l in stdout.lines() {
        if let Some(status) = l.strip_prefix("@@ ") {
            let label = docs[results.len()].1.to_owned();
            results.push(Validation { status: status.parse().ok(), lines: Vec::new(), label });
        } else if let Some(r) = results.last_mut() {
            r.lines.push(l.to_owned());
        }
    }
    assert_eq!(results.len(), docs.len(), "the validator reported on every document:\n{stdout}");
    results
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A file under [`std::env::temp_dir`] with a name unique to this process and call (so tests
/// running in parallel, in this or another test binary, never share one), removed on drop.
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// Writes `contents` to a new temporary file whose name ends with `label` (sanitized).
    pub fn new(label: &str, contents: &str) -> TempFile {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let safe: String = label.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
        let path = std::env::temp_dir().join(format!("soapkit-tests-{}-{n}-{safe}", std::process::id()));
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        TempFile { path }
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

// ----- reference material --------------------------------------------------------------------

/// Where the shared reference material is looked for: `$SOAPKIT_REFERENCE`, else
/// `shared/reference` beside the workspace.
pub fn reference_dir() -> PathBuf {
    std::env::var_os("SOAPKIT_REFERENCE").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("../shared/reference"))
}

/// Whether a missing reference is a failure (`SOAPKIT_REQUIRE_REFERENCE=1`).
pub fn reference_required() -> bool {
    std::env::var("SOAPKIT_REQUIRE_REFERENCE").is_ok_and(|v| v == "1")
}

/// The reference file `rel` (under [`reference_dir`]) that the test group `group` needs. When
/// it is missing, prints one line naming the group and returns `None` (the caller returns), or
/// panics if [`reference_required`].
pub fn reference(group: &str, rel: &str) -> Option<PathBuf> {
    let path = reference_dir().join(rel);
    if path.exists() {
        return Some(path.canonicalize().unwrap_or(path));
    }
    let why = format!(
        "{group}: the shared reference material is missing ({} does not exist; put shared/ beside the \
         repository or set SOAPKIT_REFERENCE to its reference/ directory)",
        path.display()
    );
    assert!(!reference_required(), "{why}, and SOAPKIT_REQUIRE_REFERENCE=1 requires it");
    eprintln!("SKIPPED {why}");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
  <xs:element name="r"><xs:complexType><xs:sequence><xs:element name="n" type="xs:int"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>
"#;

    #[test]
    fn reports_like_xmllint() {
        let schema = TempFile::new("t.xsd", SCHEMA);
        let ok = validate(schema.path(), r#"<r xmlns="urn:t"><n>1</n></r>"#, "good");
        assert!(ok.valid(), "{}", ok.output());
        assert_eq!(ok.lines, ["good validates"]);
        let bad = validate(schema.path(), "<r xmlns=\"urn:t\">\n<n>x</n></r>", "bad");
        assert!(!bad.valid());
        assert_eq!(bad.status, Some(3));
        assert_eq!(
            bad.diagnostics(),
            ["bad:2: element n: Schemas validity error : Element '{urn:t}n': 'x' is not a valid value of the atomic type 'xs:int'."]
        );
        assert_eq!(bad.lines.last().map(String::as_str), Some("bad fails to validate"));
        let broken = validate(schema.path(), "<r", "broken");
        assert_eq!(broken.status, Some(1), "{}", broken.output());
    }

    #[test]
    fn a_schema_that_does_not_compile_is_status_5() {
        let schema = TempFile::new("broken.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element/></xs:schema>");
        let r = validate(schema.path(), "<r/>", "doc");
        assert_eq!(r.status, Some(5), "{}", r.output());
        assert!(r.output().contains("failed to compile"), "{}", r.output());
    }
}
