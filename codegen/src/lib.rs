//! soapkit-codegen: WSDL 1.1 + XML Schema in, typed Rust out.
//!
//! The stages, one module each:
//!
//! 1. [`read`]: files to the [`syntax`] model (the only stage that sees roxmltree);
//! 2. [`resolve`]: symbol tables and duplicate detection;
//! 3. [`lower`]: syntax to the [`ir`], reaching only what the WSDL's messages use;
//! 4. [`cycles`]: boxes the members that would make a type contain itself;
//! 5. [`name`]: Rust names, with a collision table per scope;
//! 6. [`emit`]: `quote!` fragments per construct, formatted by prettyplease.
//!
//! ```no_run
//! let out = soapkit_codegen::generate(std::path::Path::new("service.wsdl"), &Default::default())?;
//! std::fs::create_dir_all("src/service")?;
//! for file in &out.files {
//!     std::fs::write(std::path::Path::new("src/service").join(&file.path), &file.code)?;
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod cycles;
pub mod diag;
pub mod emit;
pub mod ident;
pub mod ir;
pub mod lower;
pub mod name;
pub mod read;
pub mod resolve;
pub mod syntax;
pub mod xsd_regex;

use std::path::{Path, PathBuf};

use diag::{DiagKind, Diagnostic, Diagnostics, SourceMap};
use syntax::QName;

/// Generator options.
#[derive(Clone, Debug)]
pub struct Options {
    /// Path of the runtime facade in generated code.
    pub runtime_path: String,
    /// Rust module names for namespaces, overriding the derived ones: `(uri, module)`.
    pub modules: Vec<(String, String)>,
    /// Rust names for types: `(type or element QName, name)`.
    pub type_renames: Vec<(QName, String)>,
    /// Rust names for fields and variants: `(owner type QName, XML name, name)`, where the XML
    /// name is an element's local name, `@` and an attribute's local name (an attribute's plain
    /// local name applies too, unless an `@` entry exists), or an enumeration value.
    pub field_renames: Vec<(QName, String, String)>,
    /// How the input is named in the `@generated` header.
    pub source_label: String,
    /// The command that regenerates the file, named in the `@generated` header.
    pub regenerate_command: String,
    /// Directory that diagnostics show paths relative to.
    pub display_base: Option<PathBuf>,
    /// Generate only these operations (WSDL port type operation names, as written), or every
    /// operation when `None`. Types are generated only as far as the selected operations reach
    /// them, so a part of a WSDL that cannot be generated can be left out. Naming an operation
    /// that no SOAP binding has is an error.
    pub operations: Option<Vec<String>>,
    /// Leave out these operations (applied after [`Options::operations`]). Naming an operation
    /// that no SOAP binding has is an error.
    pub exclude_operations: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime_path: "::soapkit::codegen".to_owned(),
            modules: Vec::new(),
            type_renames: Vec::new(),
            field_renames: Vec::new(),
            source_label: "a WSDL".to_owned(),
            regenerate_command: "cargo xtask gen".to_owned(),
            display_base: None,
            operations: None,
            exclude_operations: Vec::new(),
        }
    }
}

impl Options {
    /// The configured name of a type, if renamed.
    pub fn type_rename(&self, q: &QName) -> Option<&str> {
        self.type_renames.iter().find(|(n, _)| n == q).map(|(_, r)| r.as_str())
    }

    /// Whether operation `name` is to be generated.
    pub fn includes_operation(&self, name: &str) -> bool {
        self.operations.as_ref().is_none_or(|ops| ops.iter().any(|o| o == name)) && !self.exclude_operations.iter().any(|o| o == name)
    }

    /// The configured name of a field or variant, if renamed.
    pub fn field_rename(&self, owner: &QName, local: &str) -> Option<&str> {
        self.field_renames.iter().find(|(o, l, _)| o == owner && l == local).map(|(_, _, r)| r.as_str())
    }
}

/// The generator's output.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The Rust source files, to be written into one directory (`mod.rs` declares the
    /// others).
    pub files: Vec<emit::OutputFile>,
    /// A readable dump of the IR.
    pub ir_dump: String,
    /// The files read.
    pub sources: SourceMap,
}

/// Runs every stage up to a named IR.
pub fn build_ir(entry: &Path, opts: &Options) -> Result<(ir::Ir, SourceMap), Diagnostics> {
    let loaded = read::load(entry, opts.display_base.clone())?;
    let sources = loaded.sources.clone();
    let fail = |list: Vec<Diagnostic>| Diagnostics { list, sources: sources.clone() };
    let symbols = resolve::resolve(&loaded).map_err(fail)?;
    let mut ir = lower::lower(&symbols, opts).map_err(fail)?;
    cycles::break_cycles(&mut ir);
    name::name(&mut ir, opts).map_err(fail)?;
    Ok((ir, sources))
}

/// Generates Rust code for the WSDL (or schema) at `entry`.
pub fn generate(entry: &Path, opts: &Options) -> Result<Generated, Diagnostics> {
    let (ir, sources) = build_ir(entry, opts)?;
    let files = emit::emit(&ir, opts)
        .map_err(|message| Diagnostics { list: vec![Diagnostic::new(DiagKind::Invalid, None, message)], sources: sources.clone() })?;
    Ok(Generated { files, ir_dump: ir.dump(), sources })
}
