//! What the generator is asked to do: [`Options`] (what to generate and how to name it) and
//! [`Config`], the builder every entry point uses — a `build.rs` (prost-build style), the
//! `soapkit` command line and `cargo xtask gen` all end in [`Config::generate`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::output::{self, Change, OutputError};
use crate::read::{FileResolver, Resolver};
use crate::syntax::QName;

/// What to generate and how to name it. Built through [`Config`]; read by the stages.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// Path of the runtime facade in generated code (default `::soapkit::codegen`).
    pub runtime_path: String,
    /// Rust module names for namespaces, overriding the derived ones: namespace URI → module.
    pub modules: BTreeMap<String, String>,
    /// Rust names for types: type (or element, for an anonymous type) QName → name.
    pub type_renames: BTreeMap<QName, String>,
    /// Rust names for fields and variants: owner type QName → (XML name → name), where the
    /// XML name is an element's local name, `@` and an attribute's local name (an attribute's
    /// plain local name applies too, unless an `@` entry exists), or an enumeration value.
    pub field_renames: BTreeMap<QName, BTreeMap<String, String>>,
    /// What produced the code, named in the `@generated` header (default `soapkit-codegen`).
    pub generated_by: String,
    /// How to regenerate the code, said in the `@generated` header (default: nothing).
    pub regenerate: Option<String>,
    /// Directory that diagnostics and the header show paths relative to.
    pub display_base: Option<PathBuf>,
    /// Generate only these operations (WSDL port type operation names, as written), or every
    /// operation when `None`. Types are generated only as far as the selected operations reach
    /// them, so a part of a WSDL that cannot be generated can be left out. Naming an operation
    /// that no SOAP binding has is an error.
    pub operations: Option<Vec<String>>,
    /// Leave out these operations (applied after [`Options::operations`]). Naming an operation
    /// that no SOAP binding has is an error.
    pub exclude_operations: Vec<String>,
    /// `http(s):` locations mapped to local files: exact URL → file, or a URL ending in `/` →
    /// a directory standing for every URL under it.
    pub location_map: Vec<(String, PathBuf)>,
    /// OASIS XML Catalog files consulted for `http(s):` (and other non-file) locations.
    pub catalogs: Vec<PathBuf>,
    /// Implement `proptest::arbitrary::Arbitrary` for every type and message, under this
    /// `cfg` predicate (e.g. `feature = "proptest"` or `test`); the crate then needs the
    /// `soapkit` runtime's `proptest` feature where the predicate holds. `None`: no strategies.
    pub arbitrary: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime_path: "::soapkit::codegen".to_owned(),
            modules: BTreeMap::new(),
            type_renames: BTreeMap::new(),
            field_renames: BTreeMap::new(),
            generated_by: "soapkit-codegen".to_owned(),
            regenerate: None,
            display_base: None,
            operations: None,
            exclude_operations: Vec::new(),
            location_map: Vec::new(),
            catalogs: Vec::new(),
            arbitrary: None,
        }
    }
}

impl Options {
    /// The configured name of a type, if renamed.
    pub fn type_rename(&self, q: &QName) -> Option<&str> {
        self.type_renames.get(q).map(String::as_str)
    }

    /// Whether operation `name` is to be generated.
    pub fn includes_operation(&self, name: &str) -> bool {
        self.operations.as_ref().is_none_or(|ops| ops.iter().any(|o| o == name)) && !self.exclude_operations.iter().any(|o| o == name)
    }

    /// The configured name of a field or variant, if renamed.
    pub fn field_rename(&self, owner: &QName, local: &str) -> Option<&str> {
        self.field_renames.get(owner).and_then(|m| m.get(local)).map(String::as_str)
    }
}

/// The generator's configuration, with chained setters, and the operations that run it.
///
/// In `build.rs`:
///
/// ```no_run
/// soapkit_codegen::Config::new().compile(&["svc.wsdl"]).unwrap_or_else(|e| panic!("{e}"));
/// ```
///
/// and in `src/lib.rs`: `pub mod svc { soapkit::include_bindings!("svc"); }`.
///
/// Defaults are neutral: the runtime at `::soapkit::codegen`, Rust names derived from the XML
/// names, every operation, no location mapping, output under `OUT_DIR`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    opts: Options,
    out_dir: Option<PathBuf>,
    include_name: Option<String>,
    rerun_if_changed: Option<bool>,
}

impl Config {
    /// A configuration with the defaults.
    pub fn new() -> Self {
        Config::default()
    }

    /// The options the stages see.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Path of the runtime facade in the generated code (default `::soapkit::codegen`), for a
    /// crate that renames or re-exports the `soapkit` dependency.
    pub fn runtime_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.opts.runtime_path = path.into();
        self
    }

    /// The Rust module for namespace `uri` (instead of one derived from the URI).
    pub fn module(&mut self, uri: impl Into<String>, module: impl Into<String>) -> &mut Self {
        self.opts.modules.insert(uri.into(), module.into());
        self
    }

    /// The Rust name of type `name` (a named type, or the element of an anonymous type).
    pub fn rename_type(&mut self, name: QName, rust: impl Into<String>) -> &mut Self {
        self.opts.type_renames.insert(name, rust.into());
        self
    }

    /// The Rust name of a field or variant of type `owner`: `xml` is an element's local name,
    /// `@` and an attribute's local name, or an enumeration value.
    pub fn rename_field(&mut self, owner: QName, xml: impl Into<String>, rust: impl Into<String>) -> &mut Self {
        self.opts.field_renames.entry(owner).or_default().insert(xml.into(), rust.into());
        self
    }

    /// Generates only these operations (port type operation names).
    pub fn operations<S: Into<String>>(&mut self, names: impl IntoIterator<Item = S>) -> &mut Self {
        self.opts.operations = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Leaves out these operations.
    pub fn exclude_operations<S: Into<String>>(&mut self, names: impl IntoIterator<Item = S>) -> &mut Self {
        self.opts.exclude_operations.extend(names.into_iter().map(Into::into));
        self
    }

    /// Reads the document at `url` (an `http:`/`https:` location a schema names) from `path`
    /// instead; a `url` ending in `/` maps every location under it into directory `path`. The
    /// generator never fetches anything from the network.
    pub fn map_location(&mut self, url: impl Into<String>, path: impl Into<PathBuf>) -> &mut Self {
        self.opts.location_map.push((url.into(), path.into()));
        self
    }

    /// Consults the OASIS XML Catalog at `path` (`uri`, `system`, `rewriteURI`,
    /// `rewriteSystem`, `uriSuffix`, `systemSuffix`, `nextCatalog`) for non-file locations.
    pub fn catalog(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.opts.catalogs.push(path.into());
        self
    }

    /// Implements `proptest::arbitrary::Arbitrary` for every generated type and message under
    /// `#[cfg(predicate)]` (`feature = "proptest"`, `test`, ...), so that property tests can
    /// draw valid values with `proptest::prelude::any::<T>()`. The crate needs `proptest` and
    /// `soapkit`'s `proptest` feature wherever the predicate holds.
    pub fn arbitrary(&mut self, predicate: impl Into<String>) -> &mut Self {
        self.opts.arbitrary = Some(predicate.into());
        self
    }

    /// Shows paths in diagnostics and in the header relative to `dir`.
    pub fn display_base(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.opts.display_base = Some(dir.into());
        self
    }

    /// What the `@generated` header says produced the code (default `soapkit-codegen`; a
    /// build script gets `soapkit-codegen via build.rs`).
    pub fn generated_by(&mut self, what: impl Into<String>) -> &mut Self {
        self.opts.generated_by = what.into();
        self
    }

    /// How to regenerate the code, said in the `@generated` header (e.g. the command).
    pub fn regenerate_with(&mut self, how: impl Into<String>) -> &mut Self {
        self.opts.regenerate = Some(how.into());
        self
    }

    /// Writes the bindings as a module tree (`mod.rs` and one file per module) into `dir`
    /// instead of one file under `OUT_DIR`, e.g. for checked-in code.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The name [`include_bindings!`](https://docs.rs/soapkit) takes (default: the first
    /// input's file stem, `svc.wsdl` → `svc`).
    pub fn include_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.include_name = Some(name.into());
        self
    }

    /// Whether [`Config::compile`] prints `cargo:rerun-if-changed` for every file read
    /// (default: when it writes under `OUT_DIR`, i.e. when run from a build script).
    pub fn emit_rerun_if_changed(&mut self, on: bool) -> &mut Self {
        self.rerun_if_changed = Some(on);
        self
    }

    /// Generates the bindings of `inputs` (WSDL or XSD files, read together as one schema
    /// set) in memory. Every entry point ends here.
    pub fn generate(&self, inputs: &[impl AsRef<Path>]) -> Result<crate::Generated, Diagnostics> {
        self.generate_with(inputs, &FileResolver::new(&self.opts)?)
    }

    /// [`Config::generate`] reading documents through `resolver`.
    pub fn generate_with(&self, inputs: &[impl AsRef<Path>], resolver: &dyn Resolver) -> Result<crate::Generated, Diagnostics> {
        let inputs: Vec<PathBuf> = inputs.iter().map(|p| p.as_ref().to_path_buf()).collect();
        crate::run(&inputs, &self.opts, resolver)
    }

    /// When `inputs` do not generate, the operations to leave out: those that do not generate
    /// on their own, provided the others then generate. `None` when the problem is not
    /// confined to operations (a file that cannot be read, a duplicate definition, a bare
    /// schema), so there is no such fix to suggest.
    pub fn operations_to_exclude(&self, inputs: &[impl AsRef<Path>]) -> Option<Vec<String>> {
        let inputs: Vec<PathBuf> = inputs.iter().map(|p| p.as_ref().to_path_buf()).collect();
        let resolver = FileResolver::new(&self.opts).ok()?;
        let loaded = crate::read::load(&inputs, self.opts.display_base.clone(), &resolver).ok()?;
        let symbols = crate::resolve::resolve(&loaded).ok()?;
        let mut names: Vec<String> = Vec::new();
        for b in symbols.wsdl?.bindings.iter().filter(|b| b.item.soap.is_some()) {
            for op in &b.item.operations {
                if self.opts.includes_operation(&op.name) && !names.contains(&op.name) {
                    names.push(op.name.clone());
                }
            }
        }
        let builds = |opts: &Options| crate::build_ir_with(&inputs, opts, &resolver).is_ok();
        let failing: Vec<String> = names
            .iter()
            .filter(|name| {
                let mut one = self.opts.clone();
                one.operations = Some(vec![(*name).clone()]);
                one.exclude_operations.clear();
                !builds(&one)
            })
            .cloned()
            .collect();
        if failing.is_empty() || failing.len() == names.len() {
            return None;
        }
        let mut rest = self.opts.clone();
        rest.exclude_operations.extend(failing.iter().cloned());
        builds(&rest).then_some(failing)
    }

    /// Describes what the WSDL definitions of `inputs` offer (services, ports, bindings,
    /// operations with their messages), without generating anything.
    pub fn inspect(&self, inputs: &[impl AsRef<Path>]) -> Result<crate::inspect::Description, Diagnostics> {
        let inputs: Vec<PathBuf> = inputs.iter().map(|p| p.as_ref().to_path_buf()).collect();
        crate::inspect::inspect(&inputs, &self.opts, &FileResolver::new(&self.opts)?)
    }

    /// Generates the bindings of `inputs` and writes them: into [`Config::out_dir`] as a module
    /// tree (removing `.rs` files there that are no longer generated), or else as one file
    /// `OUT_DIR/<name>.rs` for [`include_bindings!`](https://docs.rs/soapkit). Unchanged
    /// files are not rewritten. Returns what changed.
    pub fn compile(&self, inputs: &[impl AsRef<Path>]) -> Result<Vec<Change>, CompileError> {
        let mut cfg = self.clone();
        let in_out_dir = cfg.out_dir.is_none();
        if in_out_dir && cfg.opts.generated_by == Options::default().generated_by {
            cfg.opts.generated_by = "soapkit-codegen via build.rs".to_owned();
            cfg.opts.regenerate.get_or_insert_with(|| "it is regenerated by every build".to_owned());
        }
        let generated = cfg.generate(inputs).map_err(CompileError::Schema)?;
        if cfg.rerun_if_changed.unwrap_or(in_out_dir) {
            for path in generated.sources.paths() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        match &cfg.out_dir {
            Some(dir) => output::write_tree(dir, &generated.files).map_err(CompileError::Output),
            None => {
                let dir = std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or(CompileError::NoOutDir)?;
                let name = match &cfg.include_name {
                    Some(n) => n.clone(),
                    None => include_name_of(inputs.first().map(AsRef::as_ref)).ok_or(CompileError::NoInput)?,
                };
                output::write_file(&dir.join(format!("{name}.rs")), &generated.include_file).map_err(CompileError::Output)
            }
        }
    }

    /// Generates the bindings of `inputs` and compares them with the module tree in `dir`,
    /// changing nothing: the files that differ, are missing, or would be removed.
    pub fn check(&self, inputs: &[impl AsRef<Path>], dir: &Path) -> Result<Vec<Change>, CompileError> {
        let generated = self.generate(inputs).map_err(CompileError::Schema)?;
        Ok(output::stale_files(dir, &generated.files))
    }
}

/// The default [`include_bindings!`](https://docs.rs/soapkit) name of an input: its file stem.
pub fn include_name_of(input: Option<&Path>) -> Option<String> {
    input?.file_stem().map(|s| s.to_string_lossy().into_owned())
}

/// Why [`Config::compile`] failed.
#[derive(Debug)]
pub enum CompileError {
    /// The schemas could not be generated.
    Schema(Diagnostics),
    /// A file could not be written.
    Output(OutputError),
    /// No `OUT_DIR` (not run from a build script) and no [`Config::out_dir`].
    NoOutDir,
    /// No input file was given.
    NoInput,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Schema(d) => write!(f, "{d}"),
            CompileError::Output(e) => write!(f, "{e}"),
            CompileError::NoOutDir => {
                f.write_str("error: OUT_DIR is not set: call Config::compile from a build script, or set Config::out_dir")
            }
            CompileError::NoInput => f.write_str("error: no input file: give Config::compile at least one WSDL or XSD"),
        }
    }
}

impl std::error::Error for CompileError {}
