// The checks behind the fuzz targets (included by src/lib.rs and by the normal test suite's
// tests/tests/fuzz_regressions.rs, so both run exactly the same code).

/// A target's check of one input.
pub type Check = fn(&[u8]);

/// The targets, by name, with their checks: what `cargo xtask fuzz` runs and what the
/// regression test replays.
pub const TARGETS: &[(&str, Check)] =
    &[("xml_reader", xml_reader), ("xsd_lexical", xsd_lexical), ("message_decode", message_decode), ("schema", schema)];

/// The XML reader alone: any document is read to its end (captured as an `AnyElement`) or
/// refused with an error that has a line and a column.
pub fn xml_reader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut r = soapkit::xml::Reader::new(text, soapkit::xml::NsTable::STANDARD);
    let result = r.root().and_then(|root| soapkit::xml::AnyElement::decode(&mut r, &root));
    if let Err(e) = result {
        assert!(e.line() >= 1 && e.column() >= 1, "an error without a position: {e}");
    }
}

fn lexical<T: soapkit::xsd::Lexical + PartialEq + std::fmt::Debug>(text: &str, same_value: bool) {
    let Ok(v) = T::parse_lexical(text) else { return };
    let mut out = String::new();
    v.write_lexical(&mut out);
    let again = T::parse_lexical(&out).unwrap_or_else(|e| panic!("{text:?} parsed, but its written form {out:?} does not: {e}"));
    let mut out2 = String::new();
    again.write_lexical(&mut out2);
    assert_eq!(out, out2, "writing is not a fixed point for {text:?}");
    if same_value {
        assert_eq!(v, again, "{text:?} -> {out:?} changed the value");
    }
}

/// The XSD lexical parsers and writers: the first byte picks the datatype, the rest is the
/// text. Whatever parses writes a form that parses to an equal value, and writing that again
/// gives the same text.
pub fn xsd_lexical(data: &[u8]) {
    use soapkit::xsd::*;
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match which % 26 {
        0 => lexical::<bool>(text, true),
        1 => lexical::<Decimal>(text, true),
        2 => lexical::<Integer>(text, true),
        3 => lexical::<i64>(text, true),
        4 => lexical::<i32>(text, true),
        5 => lexical::<i16>(text, true),
        6 => lexical::<i8>(text, true),
        7 => lexical::<u64>(text, true),
        8 => lexical::<u32>(text, true),
        9 => lexical::<u16>(text, true),
        10 => lexical::<u8>(text, true),
        // NaN is not equal to itself: the written forms are compared instead.
        11 => lexical::<f32>(text, false),
        12 => lexical::<f64>(text, false),
        13 => lexical::<DateTime>(text, true),
        14 => lexical::<Date>(text, true),
        15 => lexical::<Time>(text, true),
        16 => lexical::<GYear>(text, true),
        17 => lexical::<GYearMonth>(text, true),
        18 => lexical::<GMonth>(text, true),
        19 => lexical::<GMonthDay>(text, true),
        20 => lexical::<GDay>(text, true),
        21 => lexical::<Duration>(text, true),
        22 => lexical::<Base64Binary>(text, true),
        23 => lexical::<HexBinary>(text, true),
        24 => lexical::<String>(text, true),
        _ => {
            // Any prefix resolves (to a namespace named after it), except `u`, which is undeclared.
            let resolve = |p: &str| (p != "u").then(|| format!("urn:{p}"));
            if let Ok(q) = QName::parse_with(text, resolve) {
                let written = match &q.prefix {
                    Some(p) => format!("{p}:{}", q.local),
                    None => q.local.clone(),
                };
                let again = QName::parse_with(&written, resolve).unwrap_or_else(|e| panic!("{text:?} parsed, {written:?} does not: {e}"));
                assert_eq!(again, q, "{text:?}");
            }
        }
    }
}

macro_rules! round_trip {
    ($message:ty, $text:expr) => {{
        if let Ok(m) = <$message>::decode($text) {
            let encoded = m.encode().unwrap_or_else(|e| panic!("a decoded message does not encode: {e}\n{m:?}"));
            let again = <$message>::decode(&encoded).unwrap_or_else(|e| panic!("the re-encoding does not decode: {e}\n{encoded}"));
            assert_eq!(again, m, "the re-encoding decodes to another value:\n{encoded}");
        }
    }};
}

/// Each generated binding's `Message::decode` (what its dispatcher does with a request body):
/// the first byte picks the binding, the rest is the envelope. A message that decodes encodes,
/// and the encoding decodes to an equal value.
pub fn message_decode(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match which % 3 {
        0 => round_trip!(generated::exchange::um_web_service_soap::UmWebServiceSoapMessage, text),
        1 => round_trip!(generated::exchange::exchange_service_binding::ExchangeServiceBindingMessage, text),
        _ => round_trip!(generated::cisco_epas::epas_soap_service_binding::EpasSoapServiceBindingMessage, text),
    }
}

/// The schema loader and the whole generator: up to four documents separated by NUL bytes,
/// served from memory as `/mem/main.wsdl` (or `/mem/main.xsd` when the first is not a WSDL),
/// `/mem/a.xsd`, `/mem/b.xsd` and `/mem/c.xsd` (relative locations such as `a.xsd` reach them), so that a fuzzed schema can include and import fuzzed schemas. Every
/// input gives bindings or errors, and every error has a message.
pub fn schema(data: &[u8]) {
    if let Err(diagnostics) = generate(data) {
        assert!(!diagnostics.to_string().is_empty(), "a failure without a message");
    }
}

/// What the generator makes of the documents of a `schema` input.
pub fn generate(data: &[u8]) -> Result<soapkit_codegen::Generated, soapkit_codegen::diag::Diagnostics> {
    let mut docs = data.splitn(4, |b| *b == 0);
    let first = docs.next().unwrap_or_default();
    let main = if first.windows(11).any(|w| w == b"definitions") { "/mem/main.wsdl" } else { "/mem/main.xsd" };
    let mut resolver = soapkit_codegen::read::MemoryResolver::new().with_file(main, first.to_vec());
    for (name, doc) in ["/mem/a.xsd", "/mem/b.xsd", "/mem/c.xsd"].into_iter().zip(docs) {
        resolver = resolver.with_file(name, doc.to_vec());
    }
    soapkit_codegen::Config::new().generate_with(&[main], &resolver)
}
