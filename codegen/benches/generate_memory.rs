//! Peak heap of generation (issue 11 asks for peak memory beside the times of
//! `benches/generate.rs`): a counting global allocator (the `allocation-counter` crate), in a
//! binary of its own so that counting does not weigh on the timings. Counts are exact and
//! repeatable; nothing is timed here. The size of the generated code is shown beside it (issue 11
//! asks for it to be halved).

mod common;

use std::path::Path;

use soapkit_codegen::Config;

fn measure(name: &str, input: &Path) {
    let input_bytes: u64 = std::fs::metadata(input).map(|m| m.len()).unwrap_or(0);
    let (mut output_bytes, mut output_lines) = (0usize, 0usize);
    let m = allocation_counter::measure(|| {
        let out = Config::new().generate(&[input]).expect("generate");
        output_bytes = out.files.iter().map(|f| f.code.len()).sum();
        output_lines = out.files.iter().map(|f| f.code.lines().count()).sum();
    });
    println!(
        "{name:<16} {:>12} {:>14} {:>14} {:>14.1} {:>14}",
        input_bytes,
        output_bytes,
        output_lines,
        m.bytes_max as f64 / (1024.0 * 1024.0),
        m.count_total
    );
}

fn main() {
    println!(
        "{:<16} {:>12} {:>14} {:>14} {:>14} {:>14}",
        "input", "input bytes", "output bytes", "output lines", "peak heap MiB", "allocations"
    );
    measure("ms-oxwums", &common::ms_oxwums());
    if let Some(ews) = common::ews_full() {
        measure("ews-full", &ews);
    }
    for n in common::SYNTHETIC_SIZES {
        measure(&format!("synthetic/{n}"), &common::synthetic(n));
    }
}
