// The checks behind the fuzz targets (included by src/lib.rs and by the normal test suite's
// tests/tests/fuzz_regressions.rs, so both run exactly the same code).

/// A target's check of one input.
pub type Check = fn(&[u8]);

/// The targets, by name, with their checks: what `cargo xtask fuzz` runs and what the
/// regression test replays.
pub const TARGETS: &[(&str, Check)] = &[
    ("xml_reader", xml_reader),
    ("xsd_lexical", xsd_lexical),
    ("message_decode", message_decode),
    ("dispatcher", dispatcher),
    ("schema", schema),
];

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

/// The fixture folder (under `tests/fixtures`) of the binding each selector byte of
/// `message_decode` and `dispatcher` picks: their seeds.
pub const BINDING_FIXTURES: [(u8, &str); 3] = [(0, "ms-oxwums"), (1, "ms-oxwscext"), (2, "cisco-cup/epas")];

/// Runs a future that must not wait: the dispatchers and the services behind them here never
/// do, so one poll finishes it.
pub fn finish<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the dispatcher waited on a request no service waits for"),
    }
}

/// A request, for messages.
fn shown(request: &soapkit::server::SoapHttpRequest) -> String {
    format!(
        "Content-Type {:?}, SOAPAction {:?}, body:\n{}",
        request.content_type,
        request.soap_action,
        String::from_utf8_lossy(&request.body)
    )
}

/// What a dispatcher must answer `request` with, whatever it is: a fault in a SOAP envelope
/// (or the service's answer), with the status and content type of its version. `stub_called`
/// tells whether the service saw the request: then the answer is the stub's fault.
fn check_answer(request: &soapkit::server::SoapHttpRequest, answer: &soapkit::server::SoapHttpResponse, stub: Option<(bool, &str)>) {
    use soapkit::soap::SoapVersion;
    let version = match answer.content_type.as_str() {
        "text/xml; charset=utf-8" => SoapVersion::V11,
        "application/soap+xml; charset=utf-8" => SoapVersion::V12,
        other => panic!("content type {other:?} of the answer to {}", shown(request)),
    };
    if answer.status == 200 {
        // A service's answer: only the EPAS test server gives them.
        assert!(stub.is_none(), "a stub answered 200 to {}", shown(request));
        return;
    }
    let decoded = soapkit::soap::decode_fault(&answer.body, soapkit::xml::NsTable::STANDARD, soapkit::xml::Limits::DEFAULT);
    let Ok(Some((fault, in_version))) = decoded else {
        panic!("the answer to {} is not a fault: {decoded:?}\n{}", shown(request), answer.body);
    };
    assert_eq!(in_version, version, "a fault in another version than its content type: {}", answer.body);
    assert_eq!(answer.status, soapkit::server::fault_status(version, &fault), "the status of {}", answer.body);
    if let Some((called, reason)) = stub {
        assert_eq!(called, fault.reason() == reason, "called: {called}, but the answer is {}", answer.body);
    }
}

/// Sends `request` to `dispatcher`, whose stub counts its calls (`calls`) and answers with
/// `reason`: the stub is called exactly when the request is `well_typed` and `decode`s as an
/// input of the binding, and the answer is right either way.
fn against_stub<D: soapkit::server::SoapService>(
    dispatcher: &D,
    calls: fn(&D) -> usize,
    decode: fn(&str) -> Option<soapkit::tool::MessageKind>,
    reason: &str,
    request: &soapkit::server::SoapHttpRequest,
    well_typed: bool,
) {
    let answer = finish(dispatcher.handle(soapkit::server::RequestContext::default(), request.clone()));
    let called = calls(dispatcher) == 1;
    let input = std::str::from_utf8(&request.body).ok().and_then(decode);
    let expected = well_typed && input == Some(soapkit::tool::MessageKind::Input);
    assert_eq!(called, expected, "called: {called}, decodes as {input:?}: {}", shown(request));
    check_answer(request, &answer, Some((called, reason)));
}

/// Each generated binding's dispatcher, behind a stub (MS-OXWUMS, MS-OXWSCEXT) or the test
/// EPAS server: the first byte picks the binding, the second the Content-Type, the third the
/// SOAPAction, the rest is the body, as raw bytes. Every request is answered with a fault of
/// the right status and content type, or the service's answer; and a stub is called exactly
/// when the request, sent with its binding's content type, decodes as one of its inputs.
pub fn dispatcher(data: &[u8]) {
    use generated::cisco_epas::epas_soap_service_binding as epas;
    use generated::exchange::{exchange_service_binding as cext, um_web_service_soap as um};
    use soapkit::server::{RequestContext, SoapHttpRequest, SoapService};
    use soapkit::tool::MessageSet;
    let [which, content_type, action, body @ ..] = data else { return };
    let (routes, own_type) = match which % 3 {
        0 => (um::ROUTES, "text/xml"),
        1 => (cext::ROUTES, "text/xml"),
        _ => (epas::ROUTES, "application/soap+xml"),
    };
    let content_type = match content_type % 6 {
        0 => Some(format!("{own_type}; charset=utf-8")),
        1 => Some(own_type.to_owned()),
        2 => None,
        3 => Some(if own_type == "text/xml" { "application/soap+xml" } else { "text/xml" }.to_owned()),
        4 => Some(format!("{own_type}; charset=iso-8859-1")),
        _ => Some("application/json".to_owned()),
    };
    // What the dispatcher takes: its version's media type in UTF-8, or no Content-Type at all.
    let well_typed = content_type.as_deref().is_none_or(|c| c.starts_with(own_type) && !c.contains("iso"));
    let soap_action = match action % 4 {
        0 => None,
        3 => Some("urn:soapkit:fuzz/Unknown".to_owned()),
        n => routes
            .actions
            .get(*action as usize / 4 % routes.actions.len().max(1))
            .map(|a| if n == 1 { (*a).to_owned() } else { format!("\"{a}\"") }),
    };
    let request = SoapHttpRequest { content_type, soap_action, body: body.to_vec() };
    match which % 3 {
        0 => against_stub(
            &um::UmWebServiceSoapDispatcher::new(soapkit_tests::stubs::NoUm::default()),
            |d| d.service().calls(),
            |t| um::UmWebServiceSoapMessage::decode(t).ok().map(|m| MessageSet::kind(&m)),
            soapkit_tests::stubs::NO_UM,
            &request,
            well_typed,
        ),
        1 => against_stub(
            &cext::ExchangeServiceBindingDispatcher::new(soapkit_tests::stubs::NoApps::default()),
            |d| d.service().calls(),
            |t| cext::ExchangeServiceBindingMessage::decode(t).ok().map(|m| MessageSet::kind(&m)),
            soapkit_tests::stubs::NO_APPS,
            &request,
            well_typed,
        ),
        _ => {
            let d = epas::EpasSoapServiceBindingDispatcher::new(soapkit_tests::epas::EpasServer::new(&[("ada", "secret")]));
            let answer = finish(d.handle(RequestContext::default(), request.clone()));
            check_answer(&request, &answer, None);
        }
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
