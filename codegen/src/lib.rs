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
//! Every entry point — a `build.rs`, the `soapkit` command line, `cargo xtask gen` — goes
//! through [`Config`]:
//!
//! ```no_run
//! // Checked-in bindings: a module tree in src/service/, regenerated on demand.
//! let changes = soapkit_codegen::Config::new().out_dir("src/service").compile(&["service.wsdl"])?;
//! for change in &changes {
//!     println!("{change}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod config;
pub mod cycles;
pub mod diag;
pub mod emit;
pub mod ident;
pub mod inspect;
pub mod ir;
pub mod lower;
pub mod name;
pub mod output;
pub mod read;
pub mod resolve;
pub mod syntax;
pub mod xsd_regex;

use std::path::{Path, PathBuf};

pub use config::{CompileError, Config, Options};
pub use output::{Change, ChangeKind};
pub use syntax::QName;

use diag::{DiagKind, Diagnostic, Diagnostics, SourceMap};
use read::Resolver;

/// The generator's output.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The Rust source files of the module tree, to be written into one directory (`mod.rs`
    /// declares the others).
    pub files: Vec<emit::OutputFile>,
    /// The same code as one file of items, for `include!` (what `soapkit::include_bindings!`
    /// includes from `OUT_DIR`).
    pub include_file: String,
    /// A readable dump of the IR.
    pub ir_dump: String,
    /// The services generated (one per SOAP binding).
    pub services: Vec<GeneratedService>,
    /// The files read.
    pub sources: SourceMap,
}

/// Where a generated service's items are, for tools that build on the generated code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedService {
    /// The binding's QName.
    pub binding: QName,
    /// The module holding the service (under the generated root).
    pub module: String,
    /// The client trait.
    pub client_trait: String,
    /// The client struct.
    pub client: String,
    /// The server trait.
    pub server: String,
    /// The dispatcher.
    pub dispatcher: String,
    /// The enum of every message of the binding (implements `soapkit::tool::MessageSet`).
    pub messages: String,
    /// Operation names, in port type order.
    pub operations: Vec<String>,
}

/// Runs every stage up to a named IR, reading `inputs` (WSDL or XSD files) as one schema set
/// through `resolver`.
pub fn build_ir_with(inputs: &[PathBuf], opts: &Options, resolver: &dyn Resolver) -> Result<(ir::Ir, SourceMap), Diagnostics> {
    let loaded = read::load(inputs, opts.display_base.clone(), resolver)?;
    let sources = loaded.sources.clone();
    let fail = |list: Vec<Diagnostic>| Diagnostics { list, sources: sources.clone() };
    let symbols = resolve::resolve(&loaded).map_err(fail)?;
    let mut ir = lower::lower(&symbols, opts).map_err(fail)?;
    cycles::break_cycles(&mut ir);
    name::name(&mut ir, opts).map_err(fail)?;
    Ok((ir, sources))
}

/// [`build_ir_with`] reading files from disk (with the options' location mappings).
pub fn build_ir(inputs: &[impl AsRef<Path>], opts: &Options) -> Result<(ir::Ir, SourceMap), Diagnostics> {
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| p.as_ref().to_path_buf()).collect();
    build_ir_with(&inputs, opts, &read::FileResolver::new(opts)?)
}

/// Every stage, from the input files to the generated code.
pub(crate) fn run(inputs: &[PathBuf], opts: &Options, resolver: &dyn Resolver) -> Result<Generated, Diagnostics> {
    if syn::parse_str::<syn::Path>(&opts.runtime_path).is_err() {
        let message = format!("the runtime path '{}' is not a Rust path (e.g. ::soapkit::codegen)", opts.runtime_path);
        return Err(Diagnostics { list: vec![Diagnostic::new(DiagKind::Invalid, None, message)], sources: SourceMap::default() });
    }
    let (ir, sources) = build_ir_with(inputs, opts, resolver)?;
    let header = header(inputs, opts, &sources);
    let emitted = emit::emit(&ir, opts, &header)
        .map_err(|message| Diagnostics { list: vec![Diagnostic::new(DiagKind::Invalid, None, message)], sources: sources.clone() })?;
    let services = ir
        .services
        .iter()
        .map(|s| GeneratedService {
            binding: s.binding.clone(),
            module: s.rust_module.clone(),
            client_trait: s.rust.clone(),
            client: s.items.client.clone(),
            server: s.items.server.clone(),
            dispatcher: s.items.dispatcher.clone(),
            messages: s.items.messages.clone(),
            operations: s.operations.iter().map(|o| o.name.clone()).collect(),
        })
        .collect();
    Ok(Generated { files: emitted.files, include_file: emitted.include_file, ir_dump: ir.dump(), services, sources })
}

/// The `@generated` line every file starts with: what produced it, from which inputs, and
/// how to regenerate it.
fn header(inputs: &[PathBuf], opts: &Options, sources: &SourceMap) -> String {
    let shown: Vec<String> = inputs.iter().map(|p| format!("`{}`", sources.display_path(p))).collect();
    let from = match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let regenerate = opts.regenerate.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    format!("// @generated by {} from {from}. Do not edit{regenerate}.\n", opts.generated_by)
}
