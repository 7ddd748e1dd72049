//! Helpers shared by the integration tests: fixture paths, the reference material, and scratch
//! crates under `target/` that compile generated code.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `codegen/`.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root.
pub fn workspace_dir() -> PathBuf {
    crate_dir().parent().expect("codegen/ has a parent").to_path_buf()
}

/// `codegen/tests/fixtures`.
pub fn fixtures() -> PathBuf {
    crate_dir().join("tests/fixtures")
}

/// The shared reference file `rel` that the test group `group` needs (see
/// [`soapkit_testkit::reference()`]): `None` when it is missing, after one line saying that the
/// group is skipped; a failure instead under `SOAPKIT_REQUIRE_REFERENCE=1`, as in CI.
pub fn reference(group: &str, rel: &str) -> Option<PathBuf> {
    soapkit_testkit::reference(group, rel)
}

/// A scratch crate under `target/codegen-scratch/<name>` holding generated bindings as
/// `src/bindings/`, a library root that denies warnings, and optionally a `main.rs`.
pub struct Scratch {
    /// The crate directory.
    pub dir: PathBuf,
    /// The shared target directory of all scratch crates.
    pub target: PathBuf,
}

impl Scratch {
    /// Writes the crate (files are rewritten only when they change, so cargo rebuilds only
    /// what changed).
    pub fn new(name: &str, files: &[soapkit_codegen::emit::OutputFile], main: Option<&str>) -> Scratch {
        let files: Vec<(String, String)> = files.iter().map(|f| (f.path.clone(), f.code.clone())).collect();
        Scratch::with_files(name, &files, "/// The generated code.\npub mod bindings;\n", main)
    }

    /// Like [`Scratch::new`] with files at any path under `src/bindings/` (`mod.rs` first) and
    /// the body of `src/lib.rs` given.
    pub fn with_files(name: &str, files: &[(String, String)], lib: &str, main: Option<&str>) -> Scratch {
        Scratch::with_runtime_features(name, files, lib, main, &[])
    }

    /// Like [`Scratch::with_files`], with these features of the `soapkit` runtime on.
    pub fn with_runtime_features(name: &str, files: &[(String, String)], lib: &str, main: Option<&str>, features: &[&str]) -> Scratch {
        let root = workspace_dir().join("target/codegen-scratch");
        let dir = root.join(name);
        let bindings = dir.join("src/bindings");
        std::fs::create_dir_all(&bindings).unwrap();
        let runtime = workspace_dir().join("runtime");
        let mut manifest = format!(
            "[package]\nname = \"scratch-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [lib]\npath = \"src/lib.rs\"\n\n\
             [dependencies]\nsoapkit = {{ path = {:?}, features = {features:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        );
        if main.is_some() {
            manifest.push_str(&format!("\n[[bin]]\nname = \"scratch-{name}\"\npath = \"src/main.rs\"\n"));
        }
        write_if_changed(&dir.join("Cargo.toml"), &manifest);
        // The workspace's lock file, so the scratch crate builds with the same dependency
        // versions (and without resolving anything).
        if let Ok(lock) = std::fs::read_to_string(workspace_dir().join("Cargo.lock"))
            && !dir.join("Cargo.lock").exists()
        {
            write_if_changed(&dir.join("Cargo.lock"), &lock);
        }
        write_if_changed(
            &dir.join("src/lib.rs"),
            &format!("//! Generated bindings, compiled as a library that denies every warning.\n#![deny(warnings, missing_docs)]\n\n{lib}"),
        );
        for (path, code) in files {
            let path = bindings.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            write_if_changed(&path, code);
        }
        if let Some(main) = main {
            write_if_changed(&dir.join("src/main.rs"), main);
        }
        Scratch { dir, target: root.join("target") }
    }

    /// `cargo <args>` in the crate; panics with cargo's output if it fails.
    pub fn cargo(&self, args: &[&str]) -> std::time::Duration {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let start = std::time::Instant::now();
        let out = Command::new(cargo)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("RUSTFLAGS")
            .args(args)
            .output()
            .expect("cargo runs");
        let elapsed = start.elapsed();
        assert!(
            out.status.success(),
            "cargo {} failed in {}:\n{}",
            args.join(" "),
            self.dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        elapsed
    }

    /// The built binary.
    pub fn binary(&self) -> PathBuf {
        let name = self.dir.file_name().unwrap().to_string_lossy().into_owned();
        self.target.join("debug").join(format!("scratch-{name}{}", std::env::consts::EXE_SUFFIX))
    }
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|t| t == text) {
        return;
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}
