//! Decoding and encoding every example envelope of the three seeded systems, each beside its
//! floor, in one run (issue 11):
//!
//! - decode floor: a quick-xml `NsReader` pass over the bytes that resolves the namespace of
//!   every element and of every prefixed attribute, and copies every text node, CDATA section
//!   and attribute value, unescaped (entity and character references resolved) and attribute-
//!   value normalized, into one reused `String`; nothing is built;
//! - encode floor: a quick-xml `Writer` replaying the event stream of the very bytes the
//!   encoder produced (read once, before timing) into a reused `Vec<u8>`.
//!
//! Decoding is the binding's message set (`UmWebServiceSoapMessage::decode`, ...): what the
//! dispatcher does, routing on the Body's first child and decoding faults too. Encoding is
//! the set's `encode_into` of the decoded message into a reused `String`, as the floor writes
//! into a reused buffer (`encode`, which returns a new `String`, adds one allocation).
//!
//! After criterion's own report, a table of the ratios (criterion's median estimates of this
//! run, generated / floor) per message, with the median and the maximum per system and
//! overall. `BENCHMARKS.md` says how to read them.

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Case, all_cases};
use criterion::{BenchmarkId, Criterion, Throughput};
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// The decode floor (see the module docs). Returns a value depending on everything read.
fn decode_floor(text: &str, buf: &mut String) -> usize {
    let mut r = NsReader::from_str(text);
    let mut n = 0usize;
    loop {
        match r.read_resolved_event() {
            Ok((ns, Event::Start(e) | Event::Empty(e))) => {
                n += ns_len(&ns) + e.local_name().as_ref().len();
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    if a.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    if a.key.prefix().is_some() {
                        let (ans, local) = r.resolver().resolve_attribute(a.key);
                        n += ns_len(&ans) + local.as_ref().len();
                    }
                    buf.clear();
                    buf.push_str(&a.normalized_value(XmlVersion::Implicit1_0).expect("attribute value"));
                    n += buf.len();
                }
            }
            Ok((_, Event::Text(t))) => {
                buf.clear();
                buf.push_str(&t.xml10_content());
                n += buf.len();
            }
            Ok((_, Event::CData(c))) => {
                buf.clear();
                buf.push_str(&c.xml10_content());
                n += buf.len();
            }
            Ok((_, Event::GeneralRef(g))) => {
                buf.clear();
                match g.resolve_char_ref() {
                    Ok(Some(c)) => buf.push(c),
                    _ => buf.push_str(quick_xml::escape::resolve_predefined_entity(g.as_ref()).expect("a predefined entity")),
                }
                n += buf.len();
            }
            Ok((_, Event::Eof)) => break,
            Ok(_) => n += 1,
            Err(e) => panic!("{e}"),
        }
    }
    n
}

fn ns_len(ns: &ResolveResult<'_>) -> usize {
    match ns {
        ResolveResult::Bound(n) => n.0.len(),
        _ => 0,
    }
}

/// The events of `text`, owned (read once, before timing).
fn events(text: &str) -> Vec<Event<'static>> {
    let mut r = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    loop {
        match r.read_event() {
            Ok(Event::Eof) => break,
            Ok(e) => out.push(e.into_owned()),
            Err(e) => panic!("{e}"),
        }
    }
    out
}

/// The encode floor: `events` replayed through a quick-xml `Writer` into `buf`.
fn encode_floor(events: &[Event<'static>], buf: &mut Vec<u8>) -> usize {
    buf.clear();
    let mut w = quick_xml::Writer::new(std::mem::take(buf));
    for e in events {
        w.write_event(e.borrow()).expect("write");
    }
    *buf = w.into_inner();
    buf.len()
}

fn bench(c: &mut Criterion, cases: &[Case]) {
    let mut g = c.benchmark_group("decode");
    let mut buf = String::new();
    for case in cases {
        g.throughput(Throughput::Bytes(case.text.len() as u64));
        g.bench_with_input(BenchmarkId::new("floor", case.id()), &case.text, |b, t| b.iter(|| decode_floor(black_box(t), &mut buf)));
        g.bench_with_input(BenchmarkId::new("generated", case.id()), &case.text, |b, t| b.iter(|| (case.decode)(black_box(t))));
    }
    g.finish();
    let mut g = c.benchmark_group("encode");
    let mut out = Vec::new();
    for case in cases {
        let mut encode = (case.encode)(&case.text);
        // The encoder's own output, read once.
        let evs = events(&(case.reencode)(&case.text));
        g.throughput(Throughput::Bytes(case.text.len() as u64));
        g.bench_with_input(BenchmarkId::new("floor", case.id()), &evs, |b, e| b.iter(|| encode_floor(black_box(e), &mut out)));
        g.bench_function(BenchmarkId::new("generated", case.id()), |b| b.iter(&mut encode));
    }
    g.finish();
}

/// Criterion's median estimate (ns) of one benchmark of this run, if it ran.
fn median(target: &Path, group: &str, function: &str, id: &str) -> Option<f64> {
    let path = target.join("criterion").join(group).join(function).join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn summary(cases: &[Case]) {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    for group in ["decode", "encode"] {
        let mut by_system: Vec<(&str, Vec<(f64, &str)>)> = Vec::new();
        println!("\n{group}: generated / floor (criterion medians of this run)");
        for case in cases {
            let (Some(floor), Some(generated)) =
                (median(&target, group, "floor", &case.id()), median(&target, group, "generated", &case.id()))
            else {
                continue;
            };
            let ratio = generated / floor;
            println!("  {:<12} {:<60} {:>9.0} ns {:>9.0} ns  {ratio:>5.2}x", case.system, case.name, floor, generated);
            match by_system.iter_mut().find(|(s, _)| *s == case.system) {
                Some((_, v)) => v.push((ratio, &case.name)),
                None => by_system.push((case.system, vec![(ratio, &case.name)])),
            }
        }
        let mut all: Vec<(f64, &str)> = Vec::new();
        for (system, ratios) in &by_system {
            let (med, max) = med_max(ratios);
            println!("  {system}: {} messages, median {med:.2}x, max {:.2}x ({})", ratios.len(), max.0, max.1);
            all.extend(ratios.iter().copied());
        }
        if !all.is_empty() {
            let (med, max) = med_max(&all);
            println!("  all: {} messages, median {med:.2}x, max {:.2}x ({})", all.len(), max.0, max.1);
        }
    }
}

fn med_max<'a>(ratios: &[(f64, &'a str)]) -> (f64, (f64, &'a str)) {
    let mut v: Vec<(f64, &str)> = ratios.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let med = if v.len() % 2 == 1 { v[v.len() / 2].0 } else { (v[v.len() / 2 - 1].0 + v[v.len() / 2].0) / 2.0 };
    (med, v[v.len() - 1])
}

fn main() {
    let cases = all_cases();
    // Short measurements (about a hundred benchmarks); the ratios come from one run.
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(700))
        .sample_size(30)
        .configure_from_args();
    bench(&mut c, &cases);
    c.final_summary();
    summary(&cases);
}
