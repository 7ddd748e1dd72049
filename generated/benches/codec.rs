//! Decoding and encoding MS-OXWUMS messages against quick-xml baselines.
//!
//! Targets (see the developers' guide): decoding costs at most 1.5x a quick-xml `NsReader` scan
//! of the same bytes (every event read, every element and attribute name resolved); encoding
//! at most 1.5x replaying the document's events through a quick-xml `Writer`.
//!
//! Inputs: spec examples (small, as the protocol's messages are) and a large generated
//! response (a `GetPhoneCallInformation` response whose `MessageXml` carries many elements),
//! to see per-element costs without per-message overheads.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use generated::exchange::um_web_service_soap::{
    GetPhoneCallInformationOutput, GetUmPropertiesOutput, PlayOnPhone2Input, UmWebServiceSoapMessage,
};
use quick_xml::events::Event;
use quick_xml::reader::NsReader;
use soapkit::soap::{SoapMessage, SoapVersion, decode_message, encode_message};
use soapkit::xml::Limits;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/ms-oxwums").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn large_response(items: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="Exchange2016" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><GetPhoneCallInformationResponse ResponseClass="Warning" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><MessageText>Partial information.</MessageText><ResponseCode>NoError</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey><MessageXml>"#,
    );
    for i in 0..items {
        s.push_str(&format!(
            r#"<t:Value Name="Diagnostic{i}" Kind="trace">Call leg {i} connected after {} ms; codec G.711 &amp; SRTP</t:Value>"#,
            i * 7
        ));
    }
    s.push_str(
        r#"</MessageXml><PhoneCallInformation><t:PhoneCallState>Connected</t:PhoneCallState><t:ConnectionFailureCause>None</t:ConnectionFailureCause><t:SIPResponseText>OK</t:SIPResponseText><t:SIPResponseCode>200</t:SIPResponseCode></PhoneCallInformation></GetPhoneCallInformationResponse></s:Body></s:Envelope>"#,
    );
    s
}

/// The decoding baseline: read every event with namespace resolution.
fn ns_reader_scan(text: &str) -> usize {
    let mut r = NsReader::from_str(text);
    let mut n = 0usize;
    loop {
        match r.read_resolved_event() {
            Ok((ns, Event::Start(e) | Event::Empty(e))) => {
                n += ns_len(&ns) + e.local_name().as_ref().len();
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    let (ans, local) = r.resolver().resolve_attribute(a.key);
                    n += ns_len(&ans) + local.as_ref().len() + a.value.len();
                }
            }
            Ok((_, Event::Text(t))) => n += t.len(),
            Ok((_, Event::Eof)) => break,
            Ok(_) => n += 1,
            Err(e) => panic!("{e}"),
        }
    }
    n
}

fn ns_len(ns: &quick_xml::name::ResolveResult<'_>) -> usize {
    match ns {
        quick_xml::name::ResolveResult::Bound(n) => n.0.len(),
        _ => 0,
    }
}

/// The encoding baseline: the document's events, replayed through a quick-xml `Writer`.
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

fn replay(events: &[Event<'static>]) -> usize {
    let mut w = quick_xml::Writer::new(Vec::with_capacity(1024));
    for e in events {
        w.write_event(e.borrow()).expect("write");
    }
    w.into_inner().len()
}

/// Decodes a message, returning something that depends on the result.
type DecodeFn = fn(&str) -> usize;
/// Decodes a message once and returns a closure that re-encodes it.
type EncodeFn = fn(&str) -> Box<dyn Fn() -> usize>;

/// Decodes and re-encodes one message type.
struct Case {
    name: &'static str,
    text: String,
    decode: DecodeFn,
    encode: EncodeFn,
}

fn typed<M: SoapMessage + 'static>() -> (DecodeFn, EncodeFn) {
    fn dec<M: SoapMessage>(t: &str) -> usize {
        let d = decode_message::<M>(t, generated::exchange::NAMESPACES, Some(SoapVersion::V11), Limits::DEFAULT).expect("decode");
        std::mem::size_of_val(&d.message)
    }
    fn enc<M: SoapMessage + 'static>(t: &str) -> Box<dyn Fn() -> usize> {
        let m = decode_message::<M>(t, generated::exchange::NAMESPACES, Some(SoapVersion::V11), Limits::DEFAULT).expect("decode").message;
        Box::new(move || encode_message(SoapVersion::V11, generated::exchange::PREFIXES, black_box(&m)).expect("encode").len())
    }
    (dec::<M>, enc::<M>)
}

fn bench(c: &mut Criterion) {
    let (d1, e1) = typed::<GetUmPropertiesOutput>();
    let (d2, e2) = typed::<PlayOnPhone2Input>();
    let (d3, e3) = typed::<GetPhoneCallInformationOutput>();
    let cases = [
        Case { name: "4.5-response", text: fixture("4.5-GetUMProperties-response.xml"), decode: d1, encode: e1 },
        Case { name: "4.8-request", text: fixture("4.8-PlayOnPhone2-request.xml"), decode: d2, encode: e2 },
        Case { name: "4.4-response", text: fixture("4.4-GetPhoneCallInformation-response.xml"), decode: d3, encode: e3 },
        Case { name: "large-response", text: large_response(2000), decode: d3, encode: e3 },
    ];
    let mut g = c.benchmark_group("decode");
    for case in &cases {
        g.throughput(Throughput::Bytes(case.text.len() as u64));
        g.bench_with_input(BenchmarkId::new("quick-xml NsReader scan", case.name), &case.text, |b, t| {
            b.iter(|| ns_reader_scan(black_box(t)))
        });
        g.bench_with_input(BenchmarkId::new("generated", case.name), &case.text, |b, t| b.iter(|| (case.decode)(black_box(t))));
    }
    // What the dispatcher does with a request: find the operation, then decode.
    let request = &cases[1].text;
    g.bench_function(BenchmarkId::new("server: route + decode", "4.8-request"), |b| {
        b.iter(|| UmWebServiceSoapMessage::decode(black_box(request)).expect("decode"))
    });
    g.finish();
    let mut g = c.benchmark_group("encode");
    for case in &cases {
        let encode = (case.encode)(&case.text);
        let message = UmWebServiceSoapMessage::decode(&case.text).expect("decode");
        let evs = events(&message.encode().expect("encode"));
        g.throughput(Throughput::Bytes(case.text.len() as u64));
        g.bench_with_input(BenchmarkId::new("quick-xml Writer replay", case.name), &evs, |b, e| b.iter(|| replay(black_box(e))));
        g.bench_function(BenchmarkId::new("generated", case.name), |b| b.iter(&encode));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
