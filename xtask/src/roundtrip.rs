//! `cargo xtask roundtrip [--wsdl PATH]... FILE...`: decodes captured envelopes with the types
//! generated for a WSDL and prints them re-encoded, or the error with line and column.
//!
//! Without `--wsdl`, the checked-in bindings of every seeded system are used (the `generated`
//! crate's `generated-roundtrip`). With `--wsdl`, it is `soapkit roundtrip` (the `soapkit-cli`
//! library): bindings generated into a scratch crate under `target/xtask-roundtrip/` and
//! built there, so the check goes through exactly the code the generator emits.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use soapkit_cli::roundtrip::{Runtime, Scratch};

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let mut wsdls: Vec<PathBuf> = Vec::new();
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--wsdl" => match it.next() {
                Some(p) => wsdls.push(absolute(p)),
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
        eprintln!("usage: cargo xtask roundtrip [--wsdl PATH]... FILE...");
        return ExitCode::from(2);
    }
    if !wsdls.is_empty() {
        let scratch = Scratch {
            work_dir: root.join("target/xtask-roundtrip"),
            runtime: Runtime::Path(root.join("runtime")),
            cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()),
        };
        let mut cfg = soapkit_codegen::Config::new();
        cfg.display_base(root);
        return match soapkit_cli::roundtrip::run(&cfg, &wsdls, &files, &scratch) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .args(["--package", "generated", "--bin", "generated-roundtrip", "--"])
        .args(&files)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn absolute(p: &str) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| PathBuf::from(p))
}
