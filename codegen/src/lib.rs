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
//!
//! # Type derivation
//!
//! A complex type derived from another is generated as a struct of its own with the base's
//! members flattened in (base first): `Part2 { number, description }`, never a struct holding
//! its base. Where the schema *uses* derivation, on the wire, the generated code follows it:
//!
//! - **`xsi:type`.** An element declared with a named complex type `B` may hold `B` or any
//!   concrete type derived from it, in any file or namespace of the schema set, directly or
//!   through other derived types (XML Schema part 1, 3.3.4 and 3.4.6). When the schema set
//!   derives such a type from `B`, the element's Rust type is `AnyB`, an enum with one variant
//!   per concrete type: `B` itself first (unless abstract), then the derived types depth first
//!   in schema order, each variant named after its type and holding it (boxed only where the
//!   cycles stage must break a cycle), with `From` for each. Decoding picks the variant that
//!   `xsi:type` names (a QName resolved through the namespaces in scope, any prefix) and
//!   decodes that type's whole content; encoding writes `xsi:type` for every variant but `B`.
//!   One `AnyB` serves every element declared with `B`.
//!
//!   Why an enum: the set of types is closed (it is the schema set), a `match` is the idiomatic
//!   way to see which one arrived, and it costs nothing beyond the largest variant. A trait
//!   object (`Box<dyn B>`) would allocate, lose `PartialEq`/`Clone` and hide which types exist;
//!   a struct of `B` with an optional extension would be wrong for restrictions and for chains.
//!   Where nothing derives from `B`, the element is `B`, exactly as without derivation.
//! - **Refusals.** `xsi:type` naming a type that is not `B` or derived from it, an abstract
//!   type, or one derived by a method that `B`'s `block` (or its schema's `blockDefault`) or the
//!   element's `block` forbids, is a validity error naming the element, the type and why; so is
//!   an element of an abstract type without `xsi:type`. An abstract `B` from which nothing
//!   concrete derives gives an enum without variants: no value is valid there.
//! - **Substitution groups** are choices of their member elements (an abstract head is not
//!   one). A member's type must derive from the head's type, through any number of levels and
//!   files, by methods the head's `final` allows (a generation error otherwise); the head's
//!   `block` leaves out members derived by a blocked method, or all of them for
//!   `block="substitution"`. A member whose type has derived types holds `AnyT` itself.
//! - **`final`** on a complex type forbids deriving from it by that method: deriving anyway is
//!   a generation error with the file, line and both names.
//! - **`xs:anyType`** content (and an element without a type) whose `xsi:type` names a built-in
//!   simple type decodes to a typed value (`AnyContent::value`, a `soapkit::xsd::SimpleValue`)
//!   and is written back with that `xsi:type`; otherwise it stays the captured XML.
//! - **Simple types** are not substituted: on an element of simple type `xsi:type` may only
//!   repeat the declared type. A restriction with `xs:pattern` of a type whose Rust value
//!   writes a canonical form (the fixed-width integers, `float`, `double`, `boolean`, the
//!   binary types) holds a `soapkit::xsd::Spelled` value, which writes back the spelling it was
//!   read in, so `009` stays `009` under `\d{3}`.

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
