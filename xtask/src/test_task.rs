//! `cargo xtask test`: everything CI checks, in one command — prerequisites, formatting
//! (rustfmt; generated code is prettyplease's), freshness of the generated bindings, the whole
//! test suite (all features), clippy and rustdoc with warnings denied.

use std::path::Path;
use std::process::{Command, ExitCode};

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    if let Some(a) = args.first() {
        eprintln!("error: unknown option `{a}`");
        return ExitCode::from(2);
    }
    if let Err(msg) = prerequisites(root) {
        eprintln!("{msg}");
        return ExitCode::FAILURE;
    }
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
        c.current_dir(root).args(cmd);
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

/// What the tests need besides the checkout: xmllint (independent schema validation), Python
/// zeep (a third-party SOAP client) and the reference WSDLs (the generator's generality tests).
fn prerequisites(root: &Path) -> Result<(), String> {
    let mut missing: Vec<String> = Vec::new();
    if Command::new("xmllint").arg("--version").output().is_err() {
        missing.push("xmllint (Debian/Ubuntu: `apt-get install libxml2-utils`)".to_owned());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for (tool, component) in [("fmt", "rustfmt"), ("clippy", "clippy")] {
        let found = Command::new(&cargo).args([tool, "--version"]).output();
        if !found.is_ok_and(|o| o.status.success()) {
            missing.push(format!("cargo {tool} (`rustup component add {component}`)"));
        }
    }
    let zeep = Command::new("python3").args(["-c", "import zeep"]).output();
    if !zeep.is_ok_and(|o| o.status.success()) {
        missing.push("Python zeep (`python3 -m pip install -r tests/requirements.txt`)".to_owned());
    }
    let reference = std::env::var_os("SOAPKIT_REFERENCE").map(std::path::PathBuf::from).unwrap_or_else(|| root.join("../shared/reference"));
    if !reference.join("ews-full/services.wsdl").is_file() || !reference.join("w3c-databinding/examples.wsdl").is_file() {
        missing.push(format!(
            "the reference WSDLs (EWS, W3C databinding) at {}: put the shared material beside the repository \
             as ../shared, or set SOAPKIT_REFERENCE to its reference/ directory",
            reference.display()
        ));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "error: the tests need:\n  - {}\n(.ci/run installs the tools; it finds the reference material beside the repository or its origin)",
            missing.join("\n  - ")
        ))
    }
}
