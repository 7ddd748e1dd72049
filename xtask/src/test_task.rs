//! `cargo xtask test`: everything CI checks, in one command — prerequisites (`cargo xtask
//! prepare`: the Python environment of the tests, the reference material), formatting
//! (rustfmt; generated code is prettyplease's), freshness of the generated bindings, the whole
//! test suite (all features), clippy and rustdoc with warnings denied.

use std::path::Path;
use std::process::{Command, ExitCode};

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    if let Some(a) = args.first() {
        eprintln!("error: unknown option `{a}`");
        return ExitCode::from(2);
    }
    if let Err(msg) = toolchain() {
        eprintln!("{msg}");
        return ExitCode::FAILURE;
    }
    let prepared = match crate::prepare::prepare(root) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let steps = [
        Step { name: "formatting", args: &["fmt", "--all", "--check"], env: &[] },
        Step { name: "bindings are fresh", args: &["run", "--quiet", "--package", "xtask", "--", "gen", "--check"], env: &[] },
        Step { name: "tests", args: &["test", "--workspace", "--all-features", "--no-fail-fast"], env: &[] },
        Step { name: "clippy", args: &["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"], env: &[] },
        Step { name: "rustdoc", args: &["doc", "--workspace", "--no-deps", "--all-features"], env: &[("RUSTDOCFLAGS", "-D warnings")] },
    ];
    for Step { name, args: cmd, env } in steps {
        println!("== {name}: cargo {}", cmd.join(" "));
        let mut c = Command::new(&cargo);
        c.current_dir(root).args(cmd).env("SOAPKIT_PYTHON", &prepared.python);
        if let Some(r) = &prepared.reference {
            c.env("SOAPKIT_REFERENCE", r);
        }
        for (k, v) in env {
            c.env(k, v);
        }
        match c.status() {
            Ok(s) if s.success() => {}
            Ok(_) => {
                eprintln!("error: step `{name}` failed");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("error: cannot run cargo: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("== all checks passed");
    ExitCode::SUCCESS
}

/// One cargo invocation of the run.
struct Step {
    name: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

/// The toolchain components the steps run.
fn toolchain() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut missing = Vec::new();
    for (tool, component) in [("fmt", "rustfmt"), ("clippy", "clippy")] {
        let found = Command::new(&cargo).args([tool, "--version"]).output();
        if !found.is_ok_and(|o| o.status.success()) {
            missing.push(format!("cargo {tool} (`rustup component add {component}`)"));
        }
    }
    if missing.is_empty() { Ok(()) } else { Err(format!("error: the checks need:\n  - {}", missing.join("\n  - "))) }
}
