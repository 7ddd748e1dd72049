//! Regression tests for runtime bugs the spec-example suite found: each failed before its fix.

use generated::exchange::um_web_service_soap::UmWebServiceSoapMessage as Msg;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(soapkit_tests::fixtures_dir().join(name)).unwrap()
}

/// 4.10 as printed breaks at 3:3 (the `<` of `<soap:Body>`); it was reported at 3:13.
#[test]
fn unclosed_start_tag_is_reported_where_the_document_breaks() {
    for f in ["4.10-ResetPIN-request.as-printed.xml", "4.11-SetMissedCallNotificationEnabled-request.as-printed.xml"] {
        let e = Msg::decode(&fixture(f)).unwrap_err();
        assert_eq!((e.line(), e.column()), (3, 3), "{f}: {e}");
    }
}

/// A default namespace declaration on captured content (a fault detail entry) survives.
#[test]
fn default_namespace_of_a_detail_entry_survives_a_round_trip() {
    let m = Msg::decode(&fixture("4.15-PlayOnPhone-fault.xml")).unwrap();
    let again = Msg::decode(&m.encode().unwrap()).unwrap();
    assert_eq!(again, m, "decode(encode(m)) != m");
}

/// a duplicated attribute is a well-formedness error (XML 1.0, WFC Unique Att
/// Spec), so 2.2.2.1 wants ErrorInvalidRequest; when the attribute is also unexpected, soapkit
/// reported the validity error first (Invalid -> ErrorSchemaValidation).
#[test]
fn duplicate_attribute_is_malformed_even_if_unexpected() {
    let doc = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><SetOofStatus xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><status a="1" a="2">true</status></SetOofStatus></soap:Body></soap:Envelope>"#;
    let e = Msg::decode(doc).unwrap_err();
    assert_eq!(e.kind(), soapkit::xml::DecodeErrorKind::Malformed, "{e}");
}
