//! `cargo xtask roundtrip` (implemented in a later step).

use std::path::Path;
use std::process::ExitCode;

pub fn run(_root: &Path, _args: &[String]) -> ExitCode {
    eprintln!("error: roundtrip is not available yet");
    ExitCode::FAILURE
}
