//! The fuzz targets' checks (`fuzz/src/checks.rs`, the same file the cargo-fuzz targets call)
//! in the normal test suite:
//!
//! - every input that once failed a target, kept in `tests/fixtures/fuzz-regressions/<target>/`
//!   (named after what it found), passes its check now;
//! - the checks hold on the fixtures the fuzzers are seeded with, and they reach what they are
//!   meant to test (the schema target generates bindings from a valid schema, the message target
//!   decodes a valid envelope, the dispatcher target's requests reach the service), so a fuzz
//!   run is never a run of early rejections.

#[allow(dead_code)]
#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    soapkit_testkit::workspace_root().join("tests").join("fixtures")
}

fn files(dir: &Path, ext: Option<&str>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if ext.is_none_or(|x| p.extension().is_some_and(|e| e == x)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_input_that_once_failed_a_fuzz_target_passes() {
    let root = fixtures().join("fuzz-regressions");
    let mut ran = 0;
    for (name, check) in checks::TARGETS {
        for input in files(&root.join(name), None) {
            let bytes = std::fs::read(&input).unwrap();
            check(&bytes);
            ran += 1;
        }
    }
    assert!(ran > 0, "no regression inputs under {}", root.display());
    // Every directory is a target's.
    for dir in std::fs::read_dir(&root).unwrap().flatten() {
        let name = dir.file_name().to_string_lossy().into_owned();
        assert!(checks::TARGETS.iter().any(|(t, _)| *t == name), "{name} is not a fuzz target");
    }
}

#[test]
fn the_message_check_holds_on_every_fixture_envelope_and_decodes_them() {
    let mut decoded = 0;
    for (selector, sub) in checks::BINDING_FIXTURES {
        for path in files(&fixtures().join(sub), Some("xml")) {
            let text = std::fs::read_to_string(&path).unwrap();
            checks::message_decode(&[&[selector][..], text.as_bytes()].concat());
            checks::xml_reader(text.as_bytes());
            decoded += usize::from(match selector {
                0 => generated::exchange::um_web_service_soap::UmWebServiceSoapMessage::decode(&text).is_ok(),
                1 => generated::exchange::exchange_service_binding::ExchangeServiceBindingMessage::decode(&text).is_ok(),
                _ => generated::cisco_epas::epas_soap_service_binding::EpasSoapServiceBindingMessage::decode(&text).is_ok(),
            });
        }
    }
    assert!(decoded > 100, "only {decoded} fixtures decode: the seeds would not reach the decoders");
}

#[test]
fn the_dispatcher_check_holds_on_every_fixture_envelope_and_requests_reach_the_stubs() {
    use generated::exchange::um_web_service_soap::UmWebServiceSoapDispatcher;
    use soapkit::server::{RequestContext, SoapHttpRequest, SoapService};
    let mut reached = 0;
    for (selector, sub) in checks::BINDING_FIXTURES {
        for path in files(&fixtures().join(sub), Some("xml")) {
            let bytes = std::fs::read(&path).unwrap();
            // Every content type and action choice of the check.
            for content_type in 0..6u8 {
                for action in [0u8, 1, 2, 3, 6] {
                    checks::dispatcher(&[&[selector, content_type, action][..], &bytes].concat());
                }
            }
            if selector == 0 {
                let stub = UmWebServiceSoapDispatcher::new(soapkit_tests::stubs::NoUm::default());
                let request =
                    SoapHttpRequest { content_type: Some("text/xml; charset=utf-8".into()), soap_action: None, body: bytes.clone() };
                checks::finish(stub.handle(RequestContext::default(), request));
                reached += stub.service().calls();
            }
        }
    }
    // The spec's 14 operations' requests, less the erroneous examples.
    assert!(reached >= 14, "only {reached} MS-OXWUMS fixtures reach the service: the seeds would not reach the operations");
}

#[test]
fn the_schema_check_reaches_the_generator() {
    let schema = br#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:f" xmlns:f="urn:f" elementFormDefault="qualified"><xs:include schemaLocation="a.xsd"/><xs:element name="R" type="f:T"/></xs:schema>"#;
    let included = br#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:f"><xs:complexType name="T"><xs:sequence><xs:element name="v" type="xs:int"/></xs:sequence></xs:complexType></xs:schema>"#;
    let input = [&schema[..], b"\0", &included[..]].concat();
    checks::schema(&input);
    let generated = checks::generate(&input).unwrap_or_else(|e| panic!("{e}"));
    assert!(!generated.files.is_empty());
    // A broken include is an error with a message, not a panic.
    checks::schema(&[&schema[..], b"\0", b"<xs:schema"].concat());
    assert!(checks::generate(&[&schema[..], b"\0", b"<xs:schema"].concat()).is_err());
}

#[test]
fn the_datatype_check_holds_on_edge_cases() {
    for (selector, text) in [(1u8, "-0.50"), (11, "NaN"), (13, "2024-02-29T24:00:00"), (21, "-PT0S"), (22, "YWJj ZA=="), (25, "p:x")] {
        checks::xsd_lexical(&[&[selector][..], text.as_bytes()].concat());
    }
}
