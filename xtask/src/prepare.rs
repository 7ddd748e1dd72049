//! `cargo xtask prepare`: what the tests need besides the checkout and the Rust toolchain,
//! prepared without anything installed by hand.
//!
//! - A Python virtual environment in `target/python` with the pinned packages of
//!   `tests/requirements.txt` (zeep for the interoperability tests, lxml for schema
//!   validation), built with the `python3` found on the PATH and installed from the package
//!   index; rebuilt only when the requirements change.
//! - The shared reference material (never committed): found at `$SOAPKIT_REFERENCE` or
//!   `../shared/reference`; when it is missing, the tests that need it are skipped (and this
//!   says which), unless `SOAPKIT_REQUIRE_REFERENCE=1`, which makes it an error.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// What `prepare` found or made.
pub struct Prepared {
    /// The environment's interpreter (for `SOAPKIT_PYTHON`).
    pub python: PathBuf,
    /// The reference directory, if present.
    pub reference: Option<PathBuf>,
}

/// The test groups that need the reference material, for the message when it is missing.
const REFERENCE_GROUPS: &str = "the full Exchange WSDL (generation, build, derivation messages) and the W3C databinding \
                                patterns (generation, round trips)";

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    if let Some(a) = args.first() {
        eprintln!("error: unknown option `{a}`");
        return ExitCode::from(2);
    }
    match prepare(root) {
        Ok(_) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

pub fn prepare(root: &Path) -> Result<Prepared, String> {
    let python = python_env(root)?;
    let reference = reference(root)?;
    Ok(Prepared { python, reference })
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) { venv.join("Scripts").join("python.exe") } else { venv.join("bin").join("python") }
}

fn python_env(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target").join("python");
    let python = venv_python(&venv);
    let requirements = root.join("tests").join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).map_err(|e| format!("error: cannot read {}: {e}", requirements.display()))?;
    let stamp = venv.join("soapkit-requirements.txt");
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        println!("== python: {} (tests/requirements.txt installed)", venv.display());
        return check_imports(&python);
    }
    if !python.exists() {
        let bootstrap = ["python3", "python"]
            .into_iter()
            .find(|p| Command::new(p).arg("--version").output().is_ok_and(|o| o.status.success()))
            .ok_or("error: the tests need Python 3 (`python3` on the PATH) to build their environment in target/python")?;
        println!("== python: creating {} with {bootstrap}", venv.display());
        let out =
            Command::new(bootstrap).args(["-m", "venv"]).arg(&venv).output().map_err(|e| format!("error: cannot run {bootstrap}: {e}"))?;
        if !out.status.success() {
            let _ = std::fs::remove_dir_all(&venv);
            return Err(format!(
                "error: `{bootstrap} -m venv {}` failed (on Debian/Ubuntu the venv module is the python3-venv package):\n{}",
                venv.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    println!("== python: installing tests/requirements.txt into {}", venv.display());
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "-r"])
        .arg(&requirements)
        .status()
        .map_err(|e| format!("error: cannot run {}: {e}", python.display()))?;
    if !status.success() {
        return Err(format!("error: installing {} into {} failed (see pip's output above)", requirements.display(), venv.display()));
    }
    std::fs::write(&stamp, wanted).map_err(|e| format!("error: cannot write {}: {e}", stamp.display()))?;
    check_imports(&python)
}

/// The environment imports what the tests use.
fn check_imports(python: &Path) -> Result<PathBuf, String> {
    let out = Command::new(python)
        .args(["-c", "import zeep, lxml.etree; print('zeep', zeep.__version__, 'lxml', lxml.etree.__version__)"])
        .output()
        .map_err(|e| format!("error: cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "error: {} cannot import zeep and lxml (delete target/python to rebuild it):\n{}",
            python.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    println!("   {}", String::from_utf8_lossy(&out.stdout).trim());
    Ok(python.to_path_buf())
}

fn reference(root: &Path) -> Result<Option<PathBuf>, String> {
    let dir = std::env::var_os("SOAPKIT_REFERENCE").map(PathBuf::from).unwrap_or_else(|| root.join("../shared/reference"));
    let wanted = ["ews-full/services.wsdl", "w3c-databinding/examples.wsdl"];
    let missing: Vec<&str> = wanted.into_iter().filter(|f| !dir.join(f).is_file()).collect();
    if missing.is_empty() {
        println!("== reference material: {}", dir.display());
        return Ok(Some(dir));
    }
    let what = format!(
        "the reference material is not at {} ({} missing): the tests of {REFERENCE_GROUPS} need it. Put the shared \
         material beside the repository as ../shared, or set SOAPKIT_REFERENCE to its reference/ directory",
        dir.display(),
        missing.join(", ")
    );
    if std::env::var("SOAPKIT_REQUIRE_REFERENCE").is_ok_and(|v| v == "1") {
        return Err(format!("error: {what} (SOAPKIT_REQUIRE_REFERENCE=1 requires it)"));
    }
    println!("== SKIPPING: {what}; those tests will be skipped (SOAPKIT_REQUIRE_REFERENCE=1 makes this an error)");
    Ok(None)
}
