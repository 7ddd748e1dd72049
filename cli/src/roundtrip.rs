//! `soapkit roundtrip --wsdl INPUT FILE...`: decodes captured envelopes with the types
//! generated for a WSDL and prints each re-encoded (`OK <operation> <kind>` and the XML), or
//! `ERROR <file>:<line>:<column>: <message>`.
//!
//! The bindings are generated into a scratch crate and built with cargo (once per distinct
//! generated code), so the check goes through exactly the code the generator emits.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use soapkit_codegen::Config;

/// The `soapkit` runtime the scratch crate depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// A local checkout of the runtime crate.
    Path(PathBuf),
    /// A version from crates.io.
    Version(String),
}

impl Runtime {
    /// The runtime this program was built with, if its source is still there; else the
    /// crates.io release of the same version.
    pub fn default_for_this_build() -> Runtime {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
        match source.join("Cargo.toml").is_file() {
            true => Runtime::Path(source.canonicalize().unwrap_or(source)),
            false => Runtime::Version(env!("CARGO_PKG_VERSION").to_owned()),
        }
    }

    /// Parses `--runtime`: a directory holding the runtime's `Cargo.toml`, or a version.
    pub fn parse(s: &str) -> Runtime {
        let p = Path::new(s);
        if p.join("Cargo.toml").is_file() {
            Runtime::Path(p.canonicalize().unwrap_or_else(|_| p.to_path_buf()))
        } else {
            Runtime::Version(s.to_owned())
        }
    }

    fn dependency(&self) -> String {
        match self {
            Runtime::Path(p) => format!("soapkit = {{ path = {:?} }}", p.display().to_string()),
            Runtime::Version(v) => format!("soapkit = {v:?}"),
        }
    }
}

/// Where and with what the scratch crate is built.
#[derive(Clone, Debug)]
pub struct Scratch {
    /// Directory for the scratch crates and their shared target directory.
    pub work_dir: PathBuf,
    /// The runtime dependency.
    pub runtime: Runtime,
    /// The cargo to run.
    pub cargo: String,
}

impl Scratch {
    /// The defaults: `$SOAPKIT_WORK_DIR`, else the user's cache directory; this build's runtime;
    /// `$CARGO` or `cargo`.
    pub fn defaults() -> Scratch {
        let work_dir = std::env::var_os("SOAPKIT_WORK_DIR").map(PathBuf::from).unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .unwrap_or_else(std::env::temp_dir);
            cache.join("soapkit/roundtrip")
        });
        Scratch {
            work_dir,
            runtime: Runtime::default_for_this_build(),
            cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()),
        }
    }
}

/// Generates the bindings of `inputs` into a scratch crate, builds it and runs it on `files`;
/// its output goes to this process's stdout. `Ok(true)` when every file round-tripped.
pub fn run(cfg: &Config, inputs: &[PathBuf], files: &[PathBuf], scratch: &Scratch) -> Result<bool, String> {
    let manifest = scratch_crate(cfg, inputs, scratch)?;
    let files: Vec<PathBuf> = files.iter().map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone())).collect();
    let status = Command::new(&scratch.cargo)
        .env("CARGO_TARGET_DIR", scratch.work_dir.join("target"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .arg("--")
        .args(&files)
        .status()
        .map_err(|e| format!("error: cannot run {}: {e}", scratch.cargo))?;
    match status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(format!("error: the round-trip program failed to build or run ({status})")),
    }
}

/// Writes the scratch crate for `inputs` and returns its manifest.
pub fn scratch_crate(cfg: &Config, inputs: &[PathBuf], scratch: &Scratch) -> Result<PathBuf, String> {
    let generated = cfg.generate(inputs).map_err(|d| format!("{d}\nerror: could not generate bindings for {}", shown(inputs)))?;
    if generated.services.is_empty() {
        return Err(format!("error: {} has no SOAP binding, so there are no messages to round-trip", shown(inputs)));
    }
    let mut h = DefaultHasher::new();
    scratch.runtime.dependency().hash(&mut h);
    for f in &generated.files {
        f.path.hash(&mut h);
        f.code.hash(&mut h);
    }
    let dir = scratch.work_dir.join(format!("{:016x}", h.finish()));
    let src = dir.join("src");
    let manifest = format!(
        "[package]\nname = \"soapkit-roundtrip\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n\n[workspace]\n",
        scratch.runtime.dependency()
    );
    let sets: Vec<String> = generated.services.iter().map(|s| format!("bindings::{}::{}", s.module, s.messages)).collect();
    // Each binding's message set in turn; the error reported is the one that got furthest.
    let mut chain = format!("soapkit::tool::roundtrip::<{}>(text)", sets[0]);
    for s in &sets[1..] {
        chain = format!(
            "({chain}).or_else(|e| soapkit::tool::roundtrip::<{s}>(text).map_err(|f| {{ let mut b = Some(e); soapkit::tool::keep_furthest(&mut b, f); b.unwrap() }}))"
        );
    }
    let main = format!(
        "#![allow(warnings)]\nmod bindings;\n\nfn main() -> std::process::ExitCode {{\n    \
         let files: Vec<String> = std::env::args().skip(1).collect();\n    \
         match soapkit::tool::roundtrip_files_with(&files, &mut std::io::stdout().lock(), |text| {chain}) {{\n        \
         Ok(true) => std::process::ExitCode::SUCCESS,\n        Ok(false) => std::process::ExitCode::from(1),\n        \
         Err(e) => {{\n            eprintln!(\"error: {{e}}\");\n            std::process::ExitCode::from(3)\n        }}\n    }}\n}}\n"
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    let bindings = src.join("bindings");
    soapkit_codegen::output::write_tree(&bindings, &generated.files).map_err(|e| e.to_string())?;
    write_if_changed(&src.join("main.rs"), &main)?;
    Ok(dir.join("Cargo.toml"))
}

fn shown(inputs: &[PathBuf]) -> String {
    inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    soapkit_codegen::output::write_file(path, text).map(drop).map_err(|e| e.to_string())
}
