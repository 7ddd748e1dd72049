//! The `soapkit` command line: `generate` writes Rust bindings for a WSDL or XSD, `inspect`
//! describes what a WSDL offers, `roundtrip` checks captured envelopes against the generated
//! types. Every subcommand is a thin layer over [`soapkit_codegen::Config`], the same code a
//! `build.rs` and `cargo xtask gen` run.
//!
//! Exit codes: see [`EXIT_CODES`].

pub mod roundtrip;
pub mod settings;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use soapkit_codegen::{ChangeKind, Config, QName};

use settings::Settings;

/// What the exit status means, for every subcommand.
pub const EXIT_CODES: &str = "Exit status:
  0  success (generate: the output is up to date or was updated; roundtrip: every file round-tripped)
  1  the schemas do not generate (errors with file:line:column), --check found stale files, or a file did not round-trip
  2  the command line or soapkit.toml is invalid
  3  a file could not be written, or cargo could not build the round-trip program";

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "soapkit", version, about = "Typed Rust SOAP bindings from WSDL 1.1 and XML Schema", after_help = EXIT_CODES)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate Rust bindings (one module tree, `mod.rs` at its root) from WSDL or XSD files.
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Describe what a WSDL offers: services, ports, bindings, and each operation's SOAPAction, messages and headers.
    #[command(after_help = EXIT_CODES)]
    Inspect(InspectArgs),
    /// Decode captured SOAP envelopes with the types generated for a WSDL, and print each re-encoded or its error.
    #[command(after_help = EXIT_CODES)]
    Roundtrip(RoundtripArgs),
}

/// How locations that are URLs are read (never from the network).
#[derive(Clone, Debug, Default, Args)]
pub struct LocationArgs {
    /// Read the document at URL from local PATH instead (a URL ending in `/` maps every URL under it into directory PATH). Repeatable.
    #[arg(long, value_name = "URL=PATH")]
    pub map: Vec<String>,
    /// Consult an OASIS XML Catalog (uri, system, rewriteURI, rewriteSystem, uriSuffix, systemSuffix, nextCatalog). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
}

/// Which operations to generate.
#[derive(Clone, Debug, Default, Args)]
pub struct OperationArgs {
    /// Generate only these operations (port type operation names, comma-separated).
    #[arg(long, value_name = "OP,...", value_delimiter = ',')]
    pub operations: Vec<String>,
    /// Leave out these operations (comma-separated), e.g. ones whose types cannot be generated.
    #[arg(long, value_name = "OP,...", value_delimiter = ',')]
    pub exclude_operations: Vec<String>,
}

/// `soapkit generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// WSDL or XSD files, read together as one schema set.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The directory to write the bindings into (it belongs to the generator: .rs files it no longer generates are removed).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Change nothing; exit with status 1 naming each file that differs from what would be generated.
    #[arg(long)]
    pub check: bool,
    /// Operations to generate.
    #[command(flatten)]
    pub ops: OperationArgs,
    /// The Rust module of a namespace. Repeatable.
    #[arg(long, value_name = "URI=NAME")]
    pub module: Vec<String>,
    /// The Rust name of a type (or of an element's anonymous type). Repeatable.
    #[arg(long, value_name = "{URI}LOCAL=NAME")]
    pub rename_type: Vec<String>,
    /// The Rust name of a field or variant of type OWNER: XML is an element's local name, @ and an attribute's local name, or an enumeration value. Repeatable.
    #[arg(long, value_name = "{URI}OWNER:XML=NAME")]
    pub rename_field: Vec<String>,
    /// The path of the runtime facade in the generated code.
    #[arg(long, value_name = "PATH")]
    pub runtime_path: Option<String>,
    /// Implement proptest's Arbitrary for every type and message under #[cfg(CFG)], e.g. 'feature = "proptest"' or 'test' (the crate then needs soapkit's proptest feature there).
    #[arg(long, value_name = "CFG")]
    pub arbitrary: Option<String>,
    /// Location mapping.
    #[command(flatten)]
    pub locations: LocationArgs,
    /// Read options from this file instead of the soapkit.toml next to the first input.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read a soapkit.toml.
    #[arg(long)]
    pub no_config: bool,
}

/// `soapkit inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// WSDL files (or XSDs, which only list their global elements).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Location mapping.
    #[command(flatten)]
    pub locations: LocationArgs,
}

/// `soapkit roundtrip`.
#[derive(Debug, Args)]
pub struct RoundtripArgs {
    /// The WSDL whose bindings decode the envelopes. Repeatable (read together).
    #[arg(long, required = true, value_name = "INPUT")]
    pub wsdl: Vec<PathBuf>,
    /// Captured envelopes (or SOAP Body fragments).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Operations to generate.
    #[command(flatten)]
    pub ops: OperationArgs,
    /// Location mapping.
    #[command(flatten)]
    pub locations: LocationArgs,
    /// The soapkit runtime to build against: a directory with its Cargo.toml, or a crates.io version (default: the runtime this program was built from).
    #[arg(long, value_name = "DIR|VERSION")]
    pub runtime: Option<String>,
    /// Where the round-trip program is built (default: $SOAPKIT_WORK_DIR, else ~/.cache/soapkit/roundtrip).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
}

/// A problem with the command line or the options file (exit status 2).
#[derive(Debug)]
pub struct UsageError(pub String);

/// Runs the command line `args` (program name first) and returns the exit status.
pub fn main_with(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Generate(g) => generate(&g, &command_line(&args)),
        Command::Inspect(i) => inspect(&i),
        Command::Roundtrip(r) => roundtrip_cmd(&r),
    }
}

/// The command line as a shell would take it back, for the `@generated` header (without
/// `--check`, which only compares: the files it checks name the command that writes them).
fn command_line(args: &[OsString]) -> String {
    let mut parts = vec!["soapkit".to_owned()];
    for a in args.iter().skip(1).filter(|a| *a != "--check") {
        let a = a.to_string_lossy();
        let plain = !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:@%+".contains(c));
        parts.push(if plain { a.into_owned() } else { format!("'{}'", a.replace('\'', "'\\''")) });
    }
    parts.join(" ")
}

fn usage(message: impl Into<String>) -> ExitCode {
    eprintln!("error: {}", message.into());
    ExitCode::from(2)
}

/// Builds the generator configuration from the options file (if any) and the command line.
pub fn config_for(g: &GenerateArgs) -> Result<(Config, Option<PathBuf>), UsageError> {
    let file = match (&g.config, g.no_config) {
        (Some(f), _) => Some(f.clone()),
        (None, true) => None,
        (None, false) => g.inputs.first().and_then(|i| Settings::beside(i)),
    };
    let settings = match &file {
        Some(f) => Settings::read(f).map_err(UsageError)?,
        None => Settings::default(),
    };
    let mut cfg = Config::new();
    cfg.display_base(std::env::current_dir().unwrap_or_default());
    if let Some(p) = g.runtime_path.as_ref().or(settings.runtime_path.as_ref()) {
        cfg.runtime_path(p.clone());
    }
    if let Some(p) = g.arbitrary.as_ref().or(settings.arbitrary.as_ref()) {
        cfg.arbitrary(p.clone());
    }
    let ops: Vec<String> = settings.operations.clone().unwrap_or_default().into_iter().chain(g.ops.operations.iter().cloned()).collect();
    if !ops.is_empty() {
        cfg.operations(ops);
    }
    cfg.exclude_operations(settings.exclude_operations.iter().chain(&g.ops.exclude_operations).cloned());
    for (uri, module) in &settings.modules {
        cfg.module(uri.clone(), module.clone());
    }
    for m in &g.module {
        let (uri, module) = split_last_eq(m, "--module", "URI=NAME")?;
        cfg.module(uri, module);
    }
    for (q, name) in &settings.rename_types {
        cfg.rename_type(parse_qname(q).map_err(|e| UsageError(format!("{}: [rename-types] {e}", shown(&file))))?, name.clone());
    }
    for r in &g.rename_type {
        let (q, name) = split_last_eq(r, "--rename-type", "{URI}LOCAL=NAME")?;
        cfg.rename_type(parse_qname(&q).map_err(|e| UsageError(format!("--rename-type {r}: {e}")))?, name);
    }
    for (owner, fields) in &settings.rename_fields {
        let q = parse_qname(owner).map_err(|e| UsageError(format!("{}: [rename-fields] {e}", shown(&file))))?;
        for (xml, name) in fields {
            cfg.rename_field(q.clone(), xml.clone(), name.clone());
        }
    }
    for r in &g.rename_field {
        let (lhs, name) = split_last_eq(r, "--rename-field", "{URI}OWNER:XML=NAME")?;
        let after_ns = lhs.find('}').map_or(0, |i| i + 1);
        let Some(colon) = lhs[after_ns..].find(':').map(|i| i + after_ns) else {
            return Err(UsageError(format!(
                "--rename-field {r}: expected {{URI}}OWNER:XML=NAME (a colon between the owner type and the XML name)"
            )));
        };
        let owner = parse_qname(&lhs[..colon]).map_err(|e| UsageError(format!("--rename-field {r}: {e}")))?;
        cfg.rename_field(owner, &lhs[colon + 1..], name);
    }
    add_locations(&mut cfg, &g.locations)?;
    for (url, path) in &settings.map {
        cfg.map_location(url.clone(), path.clone());
    }
    for c in &settings.catalogs {
        cfg.catalog(c.clone());
    }
    Ok((cfg, settings.out))
}

fn shown(file: &Option<PathBuf>) -> String {
    file.as_ref().map_or_else(|| settings::FILE_NAME.to_owned(), |f| f.display().to_string())
}

fn add_locations(cfg: &mut Config, l: &LocationArgs) -> Result<(), UsageError> {
    for m in &l.map {
        let Some((url, path)) = m.split_once('=').filter(|(u, p)| !u.is_empty() && !p.is_empty()) else {
            return Err(UsageError(format!("--map {m}: expected URL=PATH")));
        };
        cfg.map_location(url, path);
    }
    for c in &l.catalog {
        cfg.catalog(c.clone());
    }
    Ok(())
}

/// `A=B` split at the last `=` (Rust names never contain one), both sides non-empty.
fn split_last_eq(s: &str, flag: &str, form: &str) -> Result<(String, String), UsageError> {
    match s.rsplit_once('=') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok((a.to_owned(), b.to_owned())),
        _ => Err(UsageError(format!("{flag} {s}: expected {form}"))),
    }
}

/// `{uri}local` (or a plain `local` for no namespace).
pub fn parse_qname(s: &str) -> Result<QName, String> {
    match s.strip_prefix('{') {
        Some(rest) => match rest.split_once('}') {
            Some((uri, local)) if !local.is_empty() => Ok(QName::new(uri, local)),
            _ => Err(format!("'{s}' is not a {{URI}}LOCAL name")),
        },
        None if !s.is_empty() && !s.contains(['{', '}']) => Ok(QName::new("", s)),
        None => Err(format!("'{s}' is not a {{URI}}LOCAL name")),
    }
}

fn generate(g: &GenerateArgs, command: &str) -> ExitCode {
    let (mut cfg, configured_out) = match config_for(g) {
        Ok(c) => c,
        Err(UsageError(m)) => return usage(m),
    };
    let Some(out) = g.out.clone().or(configured_out) else {
        return usage("no output directory: give --out DIR (or `out` in soapkit.toml)");
    };
    cfg.regenerate_with(format!("change the schema and run `{command}`")).out_dir(&out);
    let result = if g.check { cfg.check(&g.inputs, &out) } else { cfg.compile(&g.inputs) };
    match result {
        Ok(changes) if g.check => {
            if changes.is_empty() {
                println!("{} is up to date", out.display());
                return ExitCode::SUCCESS;
            }
            for c in &changes {
                let why = match c.kind {
                    ChangeKind::Created => "is missing",
                    ChangeKind::Updated => "differs from what the schemas generate",
                    ChangeKind::Removed => "is no longer generated",
                };
                eprintln!("stale: {} {why}", c.path.display());
            }
            eprintln!("error: {} file(s) are stale; run `{command}` to update them", changes.len());
            ExitCode::from(1)
        }
        Ok(changes) => {
            if changes.is_empty() {
                println!("{} is up to date", out.display());
            }
            for c in &changes {
                println!("{c}");
            }
            ExitCode::SUCCESS
        }
        Err(soapkit_codegen::CompileError::Schema(d)) => {
            eprintln!("{d}");
            suggest_exclusions(&cfg, &g.inputs);
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(3)
        }
    }
}

/// After a failed generation: which operations to leave out for the rest to generate.
fn suggest_exclusions(cfg: &Config, inputs: &[PathBuf]) {
    if let Some(ops) = cfg.operations_to_exclude(inputs) {
        eprintln!(
            "help: the errors come from {} operation(s); the others generate without them: add --exclude-operations {}",
            ops.len(),
            ops.join(",")
        );
    }
}

fn inspect(i: &InspectArgs) -> ExitCode {
    let mut cfg = Config::new();
    cfg.display_base(std::env::current_dir().unwrap_or_default());
    if let Err(UsageError(m)) = add_locations(&mut cfg, &i.locations) {
        return usage(m);
    }
    match cfg.inspect(&i.inputs) {
        Ok(d) => {
            print!("{d}");
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}");
            ExitCode::from(1)
        }
    }
}

fn roundtrip_cmd(r: &RoundtripArgs) -> ExitCode {
    let mut cfg = Config::new();
    cfg.display_base(std::env::current_dir().unwrap_or_default()).generated_by("soapkit roundtrip");
    if !r.ops.operations.is_empty() {
        cfg.operations(r.ops.operations.iter().cloned());
    }
    cfg.exclude_operations(r.ops.exclude_operations.iter().cloned());
    if let Err(UsageError(m)) = add_locations(&mut cfg, &r.locations) {
        return usage(m);
    }
    let mut scratch = roundtrip::Scratch::defaults();
    if let Some(rt) = &r.runtime {
        scratch.runtime = roundtrip::Runtime::parse(rt);
    }
    if let Some(w) = &r.work_dir {
        scratch.work_dir = w.clone();
    }
    match roundtrip::run(&cfg, &r.wsdl, &r.files, &scratch) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("{e}");
            if e.contains("could not generate") { ExitCode::from(1) } else { ExitCode::from(3) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qnames_and_assignments_parse() {
        assert_eq!(parse_qname("{urn:a:b}T").unwrap(), QName::new("urn:a:b", "T"));
        assert_eq!(parse_qname("T").unwrap(), QName::new("", "T"));
        assert!(parse_qname("{urn:a}").is_err());
        assert!(parse_qname("{urn:a").is_err());
        assert_eq!(split_last_eq("{urn:x=y}T=Name", "--rename-type", "").unwrap(), ("{urn:x=y}T".to_owned(), "Name".to_owned()));
        assert!(split_last_eq("T=", "--rename-type", "").is_err());
    }

    #[test]
    fn the_command_line_is_quoted_back() {
        let args: Vec<OsString> =
            ["soapkit", "generate", "a b.wsdl", "--out", "src/x", "--rename-type", "{urn:x}T=U"].map(OsString::from).into();
        assert_eq!(command_line(&args), "soapkit generate 'a b.wsdl' --out src/x --rename-type '{urn:x}T=U'");
    }
}
