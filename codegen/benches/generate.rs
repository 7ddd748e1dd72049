//! Generation time (issue 11): MS-OXWUMS (the checked-in bindings, target under 30 ms), the
//! full Exchange Web Services WSDL (`../shared/reference/ews-full/services.wsdl`, about 700 KB
//! of WSDL and schemas; target under 0.4 s), and a synthetic WSDL at 1x, 2x and 4x its base
//! size, whose times are to grow linearly. After criterion's measurements, a table gives the
//! time per operation of each synthetic size against the 1x one, from criterion's estimates of
//! this run. The peak heap of generation is measured by `benches/generate_memory.rs`.

mod common;

use std::path::Path;

use criterion::{BenchmarkId, Criterion, criterion_group};
use soapkit_codegen::Config;

fn generate(input: &Path) {
    let out = Config::new().generate(&[input]).expect("generate");
    std::hint::black_box(out);
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate");
    g.sample_size(10);
    let ms_oxwums = common::ms_oxwums();
    g.bench_function("ms-oxwums", |b| b.iter(|| generate(&ms_oxwums)));
    if let Some(ews) = common::ews_full() {
        g.bench_function("ews-full", |b| b.iter(|| generate(&ews)));
    }
    for n in common::SYNTHETIC_SIZES {
        let input = common::synthetic(n);
        g.bench_with_input(BenchmarkId::new("synthetic", n), &input, |b, input| b.iter(|| generate(input)));
    }
    g.finish();
}

/// Criterion's median estimate, in nanoseconds, of `generate/<id>` in this run (read as the
/// codec bench of the `generated` crate reads its own).
fn median_ns(id: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| common::root().join("target"), std::path::PathBuf::from);
    let path = target.join("criterion/generate").join(id).join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn report() {
    println!("\ngeneration time (criterion medians of this run):");
    for id in ["ms-oxwums", "ews-full"] {
        if let Some(ns) = median_ns(id) {
            println!("  {id:<16} {:>9.2} ms", ns / 1e6);
        }
    }
    let base_n = common::SYNTHETIC_SIZES[0];
    let base = median_ns(&format!("synthetic/{base_n}")).map(|t| t / base_n as f64);
    for n in common::SYNTHETIC_SIZES {
        let Some(t) = median_ns(&format!("synthetic/{n}")) else { continue };
        let per_op = t / n as f64;
        let ratio = base.map_or(f64::NAN, |b| per_op / b);
        println!("  synthetic/{n:<6} {:>9.2} ms  {:>7.1} µs per operation, {ratio:.2}x that of the 1x size", t / 1e6, per_op / 1e3);
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // With `cargo bench -- <filter>` only some ran: the table shows those (an older run's
    // estimates of the others may be left in target/criterion).
    report();
}
