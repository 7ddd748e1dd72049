//! The prerequisite step on a fresh machine: `cargo xtask prepare` in a fresh clone, with an
//! empty `HOME` and no `../shared` beside it, builds the tests' Python environment by itself and
//! says that the reference tests will be skipped; with `SOAPKIT_REQUIRE_REFERENCE=1` it refuses.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `xtask prepare` run as if from the clone at `root`, in a bare environment.
fn prepare(root: &Path, home: &Path, require_reference: bool) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
    c.arg("prepare")
        .current_dir(root)
        // xtask finds the workspace through its manifest directory, as under `cargo xtask`.
        .env("CARGO_MANIFEST_DIR", root.join("xtask"))
        .env("HOME", home)
        .env_remove("SOAPKIT_REFERENCE")
        .env_remove("SOAPKIT_PYTHON")
        .env_remove("VIRTUAL_ENV")
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONUSERBASE");
    if require_reference {
        c.env("SOAPKIT_REQUIRE_REFERENCE", "1");
    } else {
        c.env_remove("SOAPKIT_REQUIRE_REFERENCE");
    }
    c.output().expect("xtask runs")
}

#[test]
fn prepares_a_fresh_clone_with_an_empty_home() {
    let base = std::env::temp_dir().join(format!("soapkit-fresh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(base.join("home")).unwrap();
    let root = base.join("soapkit");
    let clone = Command::new("git").args(["clone", "--quiet", "--no-hardlinks"]).arg(workspace()).arg(&root).status().expect("git runs");
    assert!(clone.success(), "git clone of the workspace");
    assert!(!base.join("shared").exists(), "no reference material beside the clone");
    // The clone is of HEAD; the requirements under test are the working tree's.
    let requirements = std::fs::read_to_string(workspace().join("tests/requirements.txt")).unwrap();
    std::fs::write(root.join("tests/requirements.txt"), &requirements).unwrap();
    let pinned = |package: &str| {
        requirements
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{package}==")))
            .unwrap_or_else(|| panic!("{package} is pinned"))
            .trim()
            .to_owned()
    };

    let out = prepare(&root, &base.join("home"), false);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "prepare failed:\n{stdout}\n{stderr}");
    let versions = format!("zeep {} lxml {}", pinned("zeep"), pinned("lxml"));
    assert!(stdout.contains(&versions), "the pinned packages ({versions}) are importable:\n{stdout}");
    assert!(stdout.contains("== SKIPPING: the reference material is not at"), "says what is skipped:\n{stdout}");
    let python = root.join("target/python/bin/python");
    let probe = Command::new(&python).args(["-c", "import zeep, lxml.etree, sys; print(sys.prefix)"]).output().unwrap();
    let prefix = String::from_utf8_lossy(&probe.stdout);
    assert!(probe.status.success() && prefix.trim().ends_with("target/python"), "the environment is the clone's own: {prefix}");

    // Run again: nothing to install, and CI's setting turns the missing material into an error.
    let out = prepare(&root, &base.join("home"), true);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "SOAPKIT_REQUIRE_REFERENCE=1 must fail without the material:\n{stdout}");
    assert!(stdout.contains("(tests/requirements.txt installed)"), "the environment is reused:\n{stdout}");
    assert!(stderr.contains("SOAPKIT_REQUIRE_REFERENCE=1 requires it"), "{stderr}");
    let _ = std::fs::remove_dir_all(&base);
}
