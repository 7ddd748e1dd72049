//! What hostile documents cost the reader.
//!
//! - `linear/<pattern>/<n>`: the patterns that make naive XML readers quadratic, each at n
//!   and 4n. The reader is linear in them if the throughput (bytes per second) stays the same
//!   from n to 4n. The limits are raised here so that the algorithm, not a limit, is measured.
//! - `refusal/<limit>`: a document of the server's default body limit (4 MiB) that goes past
//!   one limit, under the server's limits: how long the reader takes to refuse it.
//!
//! Every document is read completely: every start tag, every attribute (resolved and checked
//! for duplicates) and every text node, as a decoder of `xs:any` content would.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use soapkit::xml::{DecodeError, DecodeErrorKind, Limits, Node, NsTable, Reader, Start};

/// The body limit of `SoapRouter` (`soapkit::http::server::DEFAULT_BODY_LIMIT`).
const BODY_LIMIT: usize = 4 * 1024 * 1024;

fn walk<'a>(r: &mut Reader<'a>, el: &Start<'a>, sum: &mut usize) -> Result<(), DecodeError> {
    for a in r.attributes(el) {
        let a = a?;
        *sum += a.ns.0 as usize + a.value.len();
    }
    while let Some(node) = r.next_node(el)? {
        match node {
            Node::Element(child) => walk(r, &child, sum)?,
            Node::Text(t) => *sum += t.len(),
        }
    }
    Ok(())
}

fn read_all(doc: &str, limits: Limits) -> Result<usize, DecodeError> {
    let mut r = Reader::new(doc, NsTable::STANDARD).with_limits(limits);
    let root = r.root()?;
    let mut sum = 0;
    walk(&mut r, &root, &mut sum)?;
    r.end_document()?;
    Ok(sum)
}

/// `n` attributes of the same local name, each in its own namespace (declared on the same
/// element): every attribute needs its prefix resolved and a duplicate check.
fn same_local_name_in_many_namespaces(n: usize) -> String {
    let mut s = String::from("<a");
    for i in 0..n {
        s.push_str(&format!(" xmlns:p{i}='urn:{i}'"));
    }
    for i in 0..n {
        s.push_str(&format!(" p{i}:x='1'"));
    }
    s.push_str("/>");
    s
}

/// The deepest nesting allowed, four declarations at every level, then `n` elements at the
/// bottom whose names and attributes use the outermost prefixes (the worst case of a scan
/// from the innermost binding).
fn deep_declaration_stack(n: usize) -> String {
    let depth = soapkit::xml::MAX_DEPTH as usize - 1;
    let mut s = String::new();
    for level in 0..depth {
        s.push_str(&format!("<e xmlns:a{level}='urn:a' xmlns:b{level}='urn:b' xmlns:c{level}='urn:c' xmlns:d{level}='urn:d'>"));
    }
    for _ in 0..n {
        s.push_str("<a0:x b0:y='1' c0:z='2'/>");
    }
    s.push_str(&"</e>".repeat(depth));
    s
}

/// `n` character references in one text node, and as many entity references.
fn character_references(n: usize) -> String {
    format!("<a>{}</a>", "&#x41;&amp;".repeat(n / 2))
}

/// `n` character references in one attribute value, and as many entity references.
fn references_in_an_attribute(n: usize) -> String {
    format!("<a x='{}'/>", "&#x41;&amp;".repeat(n / 2))
}

/// `n` namespace declarations on one element (each checked against the others).
fn many_declarations_on_one_element(n: usize) -> String {
    let mut s = String::from("<a");
    for i in 0..n {
        s.push_str(&format!(" xmlns:p{i}='urn:x'"));
    }
    s.push_str("/>");
    s
}

/// A pattern: its name, the document it makes at a size, and the smaller size measured.
type Pattern = (&'static str, fn(usize) -> String, usize);

fn linear(c: &mut Criterion) {
    let open =
        Limits::DEFAULT.with_attributes(u32::MAX).with_text_bytes(usize::MAX).with_attribute_bytes(usize::MAX).with_elements(u64::MAX);
    let patterns: [Pattern; 5] = [
        ("same_local_name_in_many_namespaces", same_local_name_in_many_namespaces, 2_000),
        ("deep_declaration_stack", deep_declaration_stack, 20_000),
        ("character_references", character_references, 200_000),
        ("references_in_an_attribute", references_in_an_attribute, 200_000),
        ("many_declarations_on_one_element", many_declarations_on_one_element, 5_000),
    ];
    let mut g = c.benchmark_group("linear");
    g.sample_size(20);
    for (name, make, n) in patterns {
        for n in [n, 4 * n] {
            let doc = make(n);
            read_all(&doc, open).unwrap_or_else(|e| panic!("{name} {n}: {e}"));
            g.throughput(Throughput::Bytes(doc.len() as u64));
            g.bench_with_input(BenchmarkId::new(name, n), &doc, |b, doc| b.iter(|| read_all(black_box(doc), open)));
        }
    }
    g.finish();
}

/// Documents of [`BODY_LIMIT`] bytes, each past one limit.
fn refusal(c: &mut Criterion) {
    let fill = |head: &str, unit: &str, tail: &str| {
        let mut s = String::from(head);
        while s.len() + unit.len() + tail.len() <= BODY_LIMIT {
            s.push_str(unit);
        }
        s.push_str(tail);
        s
    };
    let server = Limits::DEFAULT;
    let cases: Vec<(&str, String, Limits)> = vec![
        ("depth", fill("", "<a>", ""), server),
        ("attributes", fill("<a", " x='1'", "/>"), server),
        ("name_bytes", fill("<a", "b", "/>"), server),
        ("attribute_bytes", fill("<a x='", "v", "'/>"), server),
        ("elements", fill("<r>", "<a/>", "</r>"), server),
        // The default text limit (16 MiB) is above the body limit: a 1 MiB one.
        ("text_bytes", fill("<a>", "t", "</a>"), server.with_text_bytes(1024 * 1024)),
    ];
    let mut g = c.benchmark_group("refusal");
    g.sample_size(20);
    for (name, doc, limits) in cases {
        let e = read_all(&doc, limits).expect_err(name);
        assert_eq!(e.kind(), DecodeErrorKind::LimitExceeded, "{name}: {e}");
        g.bench_function(name, |b| b.iter(|| read_all(black_box(&doc), limits).is_err()));
    }
    g.finish();
}

criterion_group!(benches, linear, refusal);
criterion_main!(benches);
