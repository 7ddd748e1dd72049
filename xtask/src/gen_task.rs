//! `cargo xtask gen`: regenerates every checked-in binding from its schema; with `--check`,
//! reports stale files instead of writing them.

use std::path::Path;
use std::process::ExitCode;

use soapkit_codegen::{Options, generate};

/// A checked-in binding: the WSDL it comes from and the file it is written to.
pub struct Target {
    /// WSDL, relative to the workspace root.
    pub wsdl: &'static str,
    /// Output file, relative to the workspace root.
    pub output: &'static str,
}

/// Every binding generated into the workspace.
pub const TARGETS: &[Target] = &[Target { wsdl: "schemas/ms-oxwums/MS-OXWUMS.wsdl", output: "generated/src/ms_oxwums.rs" }];

/// The options used for `target`.
pub fn options(root: &Path, target: &Target) -> Options {
    Options {
        source_label: format!("`{}`", target.wsdl),
        regenerate_command: "cargo xtask gen".to_owned(),
        display_base: Some(root.to_path_buf()),
        ..Options::default()
    }
}

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let mut check = false;
    let mut dump_ir = false;
    for a in args {
        match a.as_str() {
            "--check" => check = true,
            "--dump-ir" => dump_ir = true,
            other => {
                eprintln!("error: unknown option `{other}` (expected --check or --dump-ir)");
                return ExitCode::from(2);
            }
        }
    }
    let mut failed = false;
    let mut stale = Vec::new();
    for target in TARGETS {
        let wsdl = root.join(target.wsdl);
        let out = match generate(&wsdl, &options(root, target)) {
            Ok(out) => out,
            Err(diags) => {
                eprintln!("{diags}");
                eprintln!("error: could not generate {} from {}", target.output, target.wsdl);
                failed = true;
                continue;
            }
        };
        if dump_ir {
            println!("{}", out.ir_dump);
        }
        let path = root.join(target.output);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == out.code {
            continue;
        }
        if check {
            stale.push(target.output);
            continue;
        }
        if let Err(e) = std::fs::write(&path, &out.code) {
            eprintln!("error: cannot write {}: {e}", path.display());
            failed = true;
        } else {
            println!("updated {}", target.output);
        }
    }
    if !stale.is_empty() {
        for s in &stale {
            eprintln!("error: {s} is stale: it differs from what the schemas generate");
        }
        eprintln!("run `cargo xtask gen` to regenerate it, and commit the result");
        return ExitCode::FAILURE;
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
