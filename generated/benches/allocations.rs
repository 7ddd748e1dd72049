//! Allocations per decode and per encode (`encode_into` a buffer grown already) of every codec
//! benchmark input (`benches/codec.rs`),
//! and the peak heap while decoding, beside the document's size (issue 11: the large payloads
//! are to stay under 3x). Counted by a counting global allocator (the `allocation-counter`
//! crate) in a binary of its own, so that it does not weigh on the timings of the codec
//! benchmarks. Counts are exact and repeatable; nothing is timed here.

mod common;

use std::hint::black_box;

fn main() {
    // `cargo bench` passes `--bench`; a filter, if any, selects messages by substring.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let cases = common::all_cases();
    println!(
        "{:<12} {:<60} {:>9} {:>14} {:>14} {:>12} {:>6}",
        "system", "message", "bytes", "decode allocs", "encode allocs", "decode peak", "peak/x"
    );
    let mut worst = (0.0f64, String::new());
    for case in &cases {
        if filter.as_ref().is_some_and(|f| !case.id().contains(f.as_str())) {
            continue;
        }
        let d = allocation_counter::measure(|| {
            black_box((case.decode)(black_box(&case.text)));
        });
        let mut encode = (case.encode)(&case.text);
        // Once first, so that the count is of an encode into a buffer grown already.
        encode();
        let e = allocation_counter::measure(|| {
            black_box(encode());
        });
        let peak = d.bytes_max as f64 / case.text.len() as f64;
        if peak > worst.0 {
            worst = (peak, case.id());
        }
        println!(
            "{:<12} {:<60} {:>9} {:>14} {:>14} {:>12} {:>6.2}",
            case.system,
            case.name,
            case.text.len(),
            d.count_total,
            e.count_total,
            d.bytes_max,
            peak
        );
    }
    println!("largest peak heap while decoding: {:.2}x the document ({})", worst.0, worst.1);
}
