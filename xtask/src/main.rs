//! Project tasks: `cargo xtask gen [--check]`, `cargo xtask roundtrip [--wsdl PATH] FILE...`,
//! `cargo xtask test`, `cargo xtask prepare`, `cargo xtask fuzz [--seconds N | --runs N] [--seed S] [TARGET...]`,
//! `cargo xtask bench-server [--seconds N] [--connections LIST] [--schemes http,https]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench_server;
mod fuzz_task;
mod gen_task;
mod prepare;
mod roundtrip;
mod test_task;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    match args.first().map(String::as_str) {
        Some("gen") => gen_task::run(&root, &args[1..]),
        Some("roundtrip") => roundtrip::run(&root, &args[1..]),
        Some("test") => test_task::run(&root, &args[1..]),
        Some("prepare") => prepare::run(&root, &args[1..]),
        Some("fuzz") => fuzz_task::run(&root, &args[1..]),
        Some("bench-server") => bench_server::run(&root, &args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print_help();
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown task `{other}`\n");
            print_help();
            ExitCode::from(2)
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <task>\n\n\
         Tasks:\n  \
           gen [--check] [--dump-ir]           regenerate the checked-in bindings in generated/ from schemas/\n  \
                                               (--check: fail if they are stale, change nothing)\n  \
           roundtrip [--wsdl PATH] FILE...     decode each SOAP envelope with the generated types and print it\n  \
                                               re-encoded, or the error with line:column\n  \
           test                                everything CI checks: prerequisites, fresh bindings, all tests,\n  \
                                               clippy and rustdoc with warnings denied\n  \
           prepare                             what the tests need: a Python environment in target/python with\n  \
                                               tests/requirements.txt, and the reference material (or which tests\n  \
                                               skip without it; SOAPKIT_REQUIRE_REFERENCE=1 makes that an error)\n  \
           fuzz [--seconds N|--runs N] [--seed S] [T]\n  \
                                               run the cargo-fuzz targets of fuzz/ for N s each (default 30) or N\n  \
                                               inputs (nightly; cargo-fuzz installed into target/tools if missing);\n  \
                                               fails on a crash, a 1 s input or 2 GiB\n  \
           bench-server [--seconds N] [--connections LIST] [--schemes http,https]\n  \
                                               um-server under wrk beside a static-response handler with the\n  \
                                               same TLS and authentication (BENCHMARKS.md; needs Debian's wrk)"
    );
}

/// The workspace root (the parent of this crate's directory).
pub fn project_root() -> PathBuf {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("xtask"));
    dir.parent().map(Path::to_path_buf).unwrap_or(dir)
}
