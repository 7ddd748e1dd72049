//! `cargo xtask roundtrip [--wsdl PATH] FILE...`: decodes captured envelopes with the types
//! generated for a WSDL and prints them re-encoded, or the error with line and column.
//!
//! For the default WSDL (`schemas/ms-oxwums/MS-OXWUMS.wsdl`) the checked-in bindings are
//! used. For any other WSDL, bindings are generated into a scratch crate under
//! `target/xtask-roundtrip/` and built there (once per distinct generated code), so the check
//! always goes through exactly the code the generator emits.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::gen_task::{TARGETS, options};

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let mut wsdl: Option<PathBuf> = None;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--wsdl" => match it.next() {
                Some(p) => wsdl = Some(PathBuf::from(p)),
                None => {
                    eprintln!("error: --wsdl needs a path");
                    return ExitCode::from(2);
                }
            },
            other if other.starts_with("--") => {
                eprintln!("error: unknown option `{other}`");
                return ExitCode::from(2);
            }
            f => files.push(PathBuf::from(f)),
        }
    }
    if files.is_empty() {
        eprintln!("usage: cargo xtask roundtrip [--wsdl PATH] FILE...");
        return ExitCode::from(2);
    }
    let default = root.join(TARGETS[0].wsdl);
    let wsdl = wsdl.map(|w| absolute(&w.to_string_lossy())).unwrap_or_else(|| default.clone());
    let same = |a: &Path, b: &Path| a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(x, y)| x == y);
    let status = if same(&wsdl, &default) {
        Command::new(cargo())
            .args(["run", "--quiet", "--manifest-path"])
            .arg(root.join("Cargo.toml"))
            .args(["--package", "ms-oxwums", "--bin", "ms-oxwums-roundtrip", "--"])
            .args(&files)
            .status()
    } else {
        match scratch_crate(root, &wsdl) {
            Ok(manifest) => Command::new(cargo())
                .env("CARGO_TARGET_DIR", root.join("target/xtask-roundtrip/target"))
                .args(["run", "--quiet", "--manifest-path"])
                .arg(&manifest)
                .arg("--")
                .args(&files)
                .status(),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    };
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn absolute(p: &str) -> PathBuf {
    let p = PathBuf::from(p);
    if p.is_absolute() { p } else { std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p) }
}

/// Generates the bindings for `wsdl` into a scratch crate and returns its manifest.
fn scratch_crate(root: &Path, wsdl: &Path) -> Result<PathBuf, String> {
    let target = crate::gen_task::Target { wsdl: "", output: "" };
    let mut opts = options(root, &target);
    opts.source_label = format!("`{}`", wsdl.display());
    let (ir, _) =
        soapkit_codegen::build_ir(wsdl, &opts).map_err(|d| format!("{d}\nerror: could not generate bindings for {}", wsdl.display()))?;
    let files = soapkit_codegen::emit::emit(&ir, &opts).map_err(|e| format!("error: {e}"))?;
    if ir.services.is_empty() {
        return Err(format!("error: {} has no SOAP binding", wsdl.display()));
    }
    let mut h = DefaultHasher::new();
    for f in &files {
        f.path.hash(&mut h);
        f.code.hash(&mut h);
    }
    let dir = root.join("target/xtask-roundtrip").join(format!("{:016x}", h.finish()));
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("error: cannot create {}: {e}", src.display()))?;
    let runtime = root.join("runtime");
    let manifest = format!(
        "[package]\nname = \"soapkit-roundtrip\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nsoapkit = {{ path = {:?} }}\n\n[workspace]\n",
        runtime.display().to_string()
    );
    let services: Vec<String> =
        ir.services.iter().map(|s| format!("bindings::{}::{}Message", s.rust_module, s.rust.trim_start_matches("r#"))).collect();
    let mut chain = String::from("soapkit::tool::roundtrip::<");
    chain.push_str(&services[0]);
    chain.push_str(">(text)");
    for s in &services[1..] {
        chain = format!(
            "({chain}).or_else(|e| soapkit::tool::roundtrip::<{s}>(text).map_err(|f| {{ let mut b = Some(e); soapkit::tool::keep_furthest(&mut b, f); b.unwrap() }}))"
        );
    }
    let main = format!(
        "#![allow(warnings)]\nmod bindings;\n\nfn main() -> std::process::ExitCode {{\n    \
         let files: Vec<String> = std::env::args().skip(1).collect();\n    \
         match soapkit::tool::roundtrip_files_with(&files, &mut std::io::stdout().lock(), |text| {chain}) {{\n        \
         Ok(true) => std::process::ExitCode::SUCCESS,\n        _ => std::process::ExitCode::FAILURE,\n    }}\n}}\n"
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    let bindings = src.join("bindings");
    std::fs::create_dir_all(&bindings).map_err(|e| format!("error: cannot create {}: {e}", bindings.display()))?;
    for f in &files {
        write_if_changed(&bindings.join(&f.path), &f.code)?;
    }
    write_if_changed(&src.join("main.rs"), &main)?;
    Ok(dir.join("Cargo.toml"))
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|t| t == text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| format!("error: cannot write {}: {e}", path.display()))
}
