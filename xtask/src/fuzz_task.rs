//! `cargo xtask fuzz [--seconds N | --runs N] [--seed S] [TARGET...]`: runs the cargo-fuzz targets of `fuzz/` for N
//! seconds each (default 30) and fails on any crash, timeout (an input taking more than 1 s) or
//! out-of-memory (more than 2 GiB).
//!
//! - cargo-fuzz is used from the PATH, or installed into `target/tools` (pinned version) the
//!   first time; the targets build with the nightly toolchain and no sanitizer (the runtime and
//!   the generator forbid `unsafe`, so AddressSanitizer would only slow the search down).
//! - Seeds are made afresh from the repository each run (`target/fuzz/seeds/<target>`): every
//!   fixture envelope, with the selector byte of its binding for `message_decode` (and the
//!   header bytes of a request for `dispatcher`); every schema
//!   and WSDL of `schemas/` and of the generator's fixtures for `schema`; sample lexical forms of each datatype for `xsd_lexical`. The corpus
//!   the fuzzer grows is kept in `target/fuzz/corpus/<target>` across runs.
//! - `--runs N` stops each target after N inputs instead of after a time, and `--seed S` fixes
//!   libFuzzer's random seed: together, from the same seeds, a run explores exactly the same
//!   inputs on any machine at any speed. CI runs that way, so that its run is the one checked
//!   before landing; time-bounded runs with varying seeds are for searching.
//! - A failing input is written to `target/fuzz/artifacts/<target>/`; once fixed, it belongs in
//!   `tests/fixtures/fuzz-regressions/<target>/`, which the normal test suite replays.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// The cargo-fuzz release installed when none is on the PATH.
const CARGO_FUZZ_VERSION: &str = "0.13.2";
const DEFAULT_SECONDS: u64 = 30;

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    match fuzz(root, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

fn fuzz(root: &Path, args: &[String]) -> Result<(), String> {
    let mut seconds = DEFAULT_SECONDS;
    let mut seed = None;
    let mut runs = None;
    let mut wanted = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                let v = it.next().ok_or("error: --seconds needs a number")?;
                seconds = v.parse().map_err(|_| format!("error: --seconds takes a whole number of seconds, not `{v}`"))?;
            }
            "--runs" => {
                let v = it.next().ok_or("error: --runs needs a number")?;
                runs = Some(v.parse::<u64>().map_err(|_| format!("error: --runs takes a whole number, not `{v}`"))?);
            }
            "--seed" => {
                let v = it.next().ok_or("error: --seed needs a number")?;
                seed = Some(v.parse::<u32>().map_err(|_| format!("error: --seed takes a whole number, not `{v}`"))?);
            }
            s if s.starts_with('-') => return Err(format!("error: unknown option `{s}`")),
            t => wanted.push(t.to_owned()),
        }
    }
    let all = targets(root)?;
    for t in &wanted {
        if !all.contains(t) {
            return Err(format!("error: no fuzz target `{t}` (there are: {})", all.join(", ")));
        }
    }
    let targets = if wanted.is_empty() { all } else { wanted };
    nightly()?;
    let path = cargo_fuzz_path(root)?;

    let work = root.join("target").join("fuzz");
    let mut summary = Vec::new();
    for target in &targets {
        let seeds = work.join("seeds").join(target);
        write_seeds(root, target, &seeds)?;
        let corpus = work.join("corpus").join(target);
        let artifacts = work.join("artifacts").join(target);
        let log = work.join("logs").join(format!("{target}.log"));
        for d in [&corpus, &artifacts] {
            std::fs::create_dir_all(d).map_err(|e| format!("error: cannot create {}: {e}", d.display()))?;
        }
        std::fs::create_dir_all(log.parent().unwrap()).map_err(|e| format!("error: cannot create the log directory: {e}"))?;
        let budget = match runs {
            Some(n) => format!("{n} inputs"),
            None => format!("{seconds} s"),
        };
        println!("== fuzz {target}: {budget} (corpus {}, log {})", corpus.display(), log.display());
        let log_file = std::fs::File::create(&log).map_err(|e| format!("error: cannot write {}: {e}", log.display()))?;
        let mut c = Command::new("cargo");
        c.current_dir(root).env("PATH", &path).args(["+nightly", "fuzz", "run", "--sanitizer", "none", target]);
        c.arg(&corpus).arg(&seeds).arg("--");
        match runs {
            Some(n) => c.arg(format!("-runs={n}")),
            None => c.arg(format!("-max_total_time={seconds}")),
        };
        c.arg("-timeout=1").arg("-rss_limit_mb=2048").arg("-print_final_stats=1").arg(format!("-artifact_prefix={}/", artifacts.display()));
        if let Some(seed) = seed {
            c.arg(format!("-seed={seed}"));
        }
        let dict = root.join("fuzz").join("soap.dict");
        if target != "xsd_lexical" {
            c.arg(format!("-dict={}", dict.display()));
        }
        let status =
            c.stdout(Stdio::inherit()).stderr(log_file).status().map_err(|e| format!("error: cannot run cargo +nightly fuzz: {e}"))?;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if !status.success() {
            let tail: Vec<&str> = text.lines().rev().take(60).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(format!(
                "{}\nerror: fuzz target `{target}` failed (log: {}); the input is in {}: fix the bug, then add the input to \
                 tests/fixtures/fuzz-regressions/{target}/",
                tail.join("\n"),
                log.display(),
                artifacts.display()
            ));
        }
        let stat = |name: &str| {
            text.lines().find_map(|l| l.strip_prefix(&format!("stat::{name}:")).map(|v| v.trim().to_owned())).unwrap_or_else(|| "?".into())
        };
        let coverage = text
            .lines()
            .rev()
            .find_map(|l| l.split_whitespace().skip_while(|w| *w != "cov:").nth(1).map(str::to_owned))
            .unwrap_or_else(|| "?".into());
        summary.push(format!(
            "{target:<16} {:>12} executions  {:>7} execs/s  coverage {:>6}  peak RSS {} MB",
            stat("number_of_executed_units"),
            stat("average_exec_per_sec"),
            coverage,
            stat("peak_rss_mb")
        ));
    }
    println!("== fuzzing done, no failure");
    for line in summary {
        println!("{line}");
    }
    Ok(())
}

/// The targets: the files of `fuzz/fuzz_targets`.
fn targets(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("fuzz").join("fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("error: cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    Ok(names)
}

fn nightly() -> Result<(), String> {
    let ok = Command::new("cargo").args(["+nightly", "--version"]).output().is_ok_and(|o| o.status.success());
    if ok { Ok(()) } else { Err("error: fuzzing needs the nightly toolchain: `rustup toolchain install nightly`".to_owned()) }
}

/// A PATH on which `cargo fuzz` works, installing cargo-fuzz into target/tools if needed.
fn cargo_fuzz_path(root: &Path) -> Result<std::ffi::OsString, String> {
    let tools = root.join("target").join("tools");
    let bin = tools.join("bin");
    let mut dirs = vec![bin.clone()];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let path = std::env::join_paths(dirs).map_err(|e| format!("error: unusable PATH: {e}"))?;
    let works = |path: &std::ffi::OsString| {
        Command::new("cargo").env("PATH", path).args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success())
    };
    if works(&path) {
        return Ok(path);
    }
    println!("== installing cargo-fuzz {CARGO_FUZZ_VERSION} into {}", tools.display());
    let status = Command::new("cargo")
        .args(["install", "cargo-fuzz", "--locked", "--version", CARGO_FUZZ_VERSION, "--root"])
        .arg(&tools)
        .status()
        .map_err(|e| format!("error: cannot run cargo install: {e}"))?;
    if !status.success() || !works(&path) {
        return Err(format!("error: installing cargo-fuzz {CARGO_FUZZ_VERSION} into {} failed", tools.display()));
    }
    Ok(path)
}

/// The seeds of `target`, written afresh into `dir`.
fn write_seeds(root: &Path, target: &str, dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    let fixtures = root.join("tests").join("fixtures");
    match target {
        "xml_reader" => seeds.extend(files(&fixtures, &["xml"]).into_iter().filter_map(|p| std::fs::read(p).ok())),
        "message_decode" => {
            for (selector, sub) in BINDING_FIXTURES {
                for p in files(&fixtures.join(sub), &["xml"]) {
                    if let Ok(bytes) = std::fs::read(p) {
                        seeds.push([&[selector][..], &bytes].concat());
                    }
                }
            }
        }
        // The same envelopes as requests: with their binding's content type, without and with
        // an action (the header bytes of `dispatcher` in fuzz/src/checks.rs).
        "dispatcher" => {
            for (selector, sub) in BINDING_FIXTURES {
                for p in files(&fixtures.join(sub), &["xml"]) {
                    if let Ok(bytes) = std::fs::read(p) {
                        seeds.push([&[selector, 0, 0][..], &bytes].concat());
                        seeds.push([&[selector, 0, 2][..], &bytes].concat());
                    }
                }
            }
        }
        // The seeded systems' schemas and the generator's fixtures (most are self-contained, so
        // they reach the later stages; the negative ones reach the errors).
        "schema" => {
            for dir in [root.join("schemas"), root.join("codegen").join("tests").join("fixtures")] {
                seeds.extend(files(&dir, &["xsd", "wsdl"]).into_iter().filter_map(|p| std::fs::read(p).ok()));
            }
        }
        "xsd_lexical" => {
            for (selector, samples) in LEXICAL_SAMPLES.iter().enumerate() {
                for s in *samples {
                    seeds.push([&[selector as u8][..], s.as_bytes()].concat());
                }
            }
        }
        _ => {}
    }
    for (i, s) in seeds.iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i:04}")), s).map_err(|e| format!("error: cannot write a seed: {e}"))?;
    }
    Ok(())
}

/// The fixture folder of the binding each selector byte of `message_decode` and `dispatcher`
/// picks (`BINDING_FIXTURES` in fuzz/src/checks.rs, which xtask does not build).
const BINDING_FIXTURES: [(u8, &str); 3] = [(0, "ms-oxwums"), (1, "ms-oxwscext"), (2, "cisco-cup/epas")];

/// Sample lexical forms, by the selector byte of `xsd_lexical` (fuzz/src/checks.rs).
const LEXICAL_SAMPLES: &[&[&str]] = &[
    &["true", "0", " false "],
    &["-0.50", "+12.000", "1E3", ".5"],
    &["-0", "+00123456789012345678901234567890"],
    &["-9223372036854775808", "9223372036854775807"],
    &["-2147483648", "+0042"],
    &["-32768", "32767"],
    &["-128", "127"],
    &["18446744073709551615", "0"],
    &["4294967295"],
    &["65535"],
    &["255"],
    &["-0", "INF", "-INF", "NaN", "1.5e-45", "3.4028235E38"],
    &["-0", "INF", "NaN", "4.9e-324", "1.7976931348623157E308", "1e"],
    &["2013-02-28T23:59:60Z", "-0001-01-01T00:00:00.000+14:00", "2024-02-29T24:00:00"],
    &["2013-02-28Z", "-10000-01-01"],
    &["23:59:59.9999999-14:00", "24:00:00"],
    &["2026", "-0001Z"],
    &["2026-12+01:00"],
    &["--12"],
    &["--02-29"],
    &["---31Z"],
    &["P1Y2M3DT4H5M6.7S", "-PT0S", "P"],
    &["AAAA", "YWJj ZA==", "=="],
    &["0aFf", "0"],
    &["  a  <&> \u{e9}\u{1f600}  "],
    &["p:local", "local", "u:x", ":x"],
];

/// The files under `dir` with one of `extensions`, sorted.
fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| extensions.contains(&x)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
