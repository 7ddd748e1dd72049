//! `cargo xtask gen`: regenerates every checked-in binding from its schema; with `--check`,
//! reports stale files instead of writing them.

use std::path::Path;
use std::process::ExitCode;

use soapkit_codegen::{ChangeKind, CompileError, Config};

/// A checked-in binding: the schema files it is generated from (read together as one set)
/// and the directory it is written to (the directory belongs to the generator: files it no
/// longer generates are removed).
pub struct Target {
    /// WSDL or XSD files, relative to the workspace root.
    pub inputs: &'static [&'static str],
    /// Output directory, relative to the workspace root.
    pub output: &'static str,
}

/// Every binding generated into the workspace.
pub const TARGETS: &[Target] = &[
    // [MS-OXWUMS] and [MS-OXWSCEXT] together, so that they share one Rust type per
    // MS-OXWSCDATA type.
    Target { inputs: &["schemas/ms-oxwums/MS-OXWUMS.wsdl", "schemas/ms-oxwscext/MS-OXWSCEXT.wsdl"], output: "generated/src/exchange" },
    // The Cisco Unified Presence EPAS SOAP 1.2 interface (WSDL reconstructed from the guide).
    Target { inputs: &["schemas/cisco-cup/epas.wsdl"], output: "generated/src/cisco_epas" },
    // The UCCN notification payloads: types from a bare schema.
    Target { inputs: &["schemas/cisco-cup/UCCNSchema.xsd"], output: "generated/src/cisco_uccn" },
];

/// The configuration used for `target`.
pub fn config(root: &Path, target: &Target) -> Config {
    let mut c = Config::new();
    c.display_base(root)
        .regenerate_with("change the schema and run `cargo xtask gen`")
        .out_dir(root.join(target.output))
        // The `generated` crate's `proptest` feature: strategies for the property tests.
        .arbitrary("feature = \"proptest\"");
    c
}

fn inputs(root: &Path, target: &Target) -> Vec<std::path::PathBuf> {
    target.inputs.iter().map(|i| root.join(i)).collect()
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
        let cfg = config(root, target);
        let inputs = inputs(root, target);
        if dump_ir {
            match cfg.generate(&inputs) {
                Ok(out) => println!("{}", out.ir_dump),
                Err(d) => eprintln!("{d}"),
            }
        }
        let result = if check { cfg.check(&inputs, &root.join(target.output)) } else { cfg.compile(&inputs) };
        match result {
            Ok(changes) => {
                for c in changes {
                    let shown = c.path.strip_prefix(root).unwrap_or(&c.path).display().to_string();
                    if check {
                        stale.push(match c.kind {
                            ChangeKind::Removed => format!("{shown} is no longer generated"),
                            ChangeKind::Created => format!("{shown} is missing"),
                            ChangeKind::Updated => format!("{shown} differs from what the schemas generate"),
                        });
                    } else {
                        println!("{} {shown}", c.kind.as_str());
                    }
                }
            }
            Err(e) => {
                eprintln!("{e}");
                if let CompileError::Schema(_) = e {
                    eprintln!("error: could not generate {} from {}", target.output, target.inputs.join(", "));
                }
                failed = true;
            }
        }
    }
    if !stale.is_empty() {
        for s in &stale {
            eprintln!("error: {s}: the checked-in bindings are stale");
        }
        eprintln!("run `cargo xtask gen` to regenerate them, and commit the result");
        return ExitCode::FAILURE;
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails when the checked-in bindings differ from what the schemas generate, naming the
    /// command that fixes it (as rust-analyzer's `ensure_file_contents` does).
    #[test]
    fn checked_in_bindings_are_fresh() {
        let root = crate::project_root();
        for target in TARGETS {
            let stale = match config(&root, target).check(&inputs(&root, target), &root.join(target.output)) {
                Ok(stale) => stale,
                Err(e) => panic!("the schemas do not generate:\n{e}"),
            };
            assert!(
                stale.is_empty(),
                "{} is stale ({} file(s) differ: {}): run `cargo xtask gen` and commit the result",
                target.output,
                stale.len(),
                stale.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            );
        }
    }
}
