//! `cargo xtask gen`: regenerates every checked-in binding from its schema; with `--check`,
//! reports stale files instead of writing them.

use std::path::Path;
use std::process::ExitCode;

use soapkit_codegen::{Options, generate};

/// A checked-in binding: the WSDL it comes from and the directory it is written to (the
/// directory belongs to the generator: files it no longer generates are removed).
pub struct Target {
    /// WSDL, relative to the workspace root.
    pub wsdl: &'static str,
    /// Output directory, relative to the workspace root.
    pub output: &'static str,
}

/// Every binding generated into the workspace.
pub const TARGETS: &[Target] = &[Target { wsdl: "schemas/ms-oxwums/MS-OXWUMS.wsdl", output: "generated/src/ms_oxwums" }];

/// What differs between the generated files and a directory: (path, new content or `None`
/// for a file to delete).
pub fn differences(dir: &Path, files: &[soapkit_codegen::emit::OutputFile]) -> Vec<(std::path::PathBuf, Option<String>)> {
    let mut out = Vec::new();
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(f.code.as_str()) {
            out.push((path, Some(f.code.clone())));
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .filter(|p| !files.iter().any(|f| dir.join(&f.path) == *p))
            .collect();
        extra.sort();
        out.extend(extra.into_iter().map(|p| (p, None)));
    }
    out
}

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
        let dir = root.join(target.output);
        let diffs = differences(&dir, &out.files);
        if diffs.is_empty() {
            continue;
        }
        if check {
            for (path, _) in &diffs {
                stale.push(path.strip_prefix(root).unwrap_or(path).display().to_string());
            }
            continue;
        }
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("error: cannot create {}: {e}", dir.display());
            failed = true;
            continue;
        }
        for (path, code) in diffs {
            let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            let result = match &code {
                Some(c) => std::fs::write(&path, c),
                None => std::fs::remove_file(&path),
            };
            match result {
                Ok(()) => println!("{} {shown}", if code.is_some() { "updated" } else { "removed" }),
                Err(e) => {
                    eprintln!("error: cannot update {shown}: {e}");
                    failed = true;
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails when the checked-in bindings differ from what the schemas generate, naming the
    /// command that fixes it (as rust-analyzer's `ensure_file_contents` does).
    #[test]
    fn checked_in_bindings_are_fresh() {
        let root = crate::project_root();
        for target in TARGETS {
            let out = match generate(&root.join(target.wsdl), &options(&root, target)) {
                Ok(out) => out,
                Err(d) => panic!("the schemas do not generate:\n{d}"),
            };
            let stale = differences(&root.join(target.output), &out.files);
            assert!(
                stale.is_empty(),
                "{} is stale ({} file(s) differ: {}): run `cargo xtask gen` and commit the result",
                target.output,
                stale.len(),
                stale.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>().join(", ")
            );
        }
    }
}
