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

/// The property tests found that attributes in the captured content of an element whose
/// type is mixed wildcard content (EPAS's `publish-pres-status`) were silently left out when
/// encoding: the type declares no attributes, so they are now refused.
#[test]
fn attributes_in_mixed_wildcard_content_are_refused_not_dropped() {
    use generated::cisco_epas::epas_soap_service_binding::{PublishPresStatusInput, VERSION};
    use generated::cisco_epas::soap::PublishPresStatus;
    use soapkit::codec::AnyContent;
    use soapkit::xml::{AnyAttribute, AnyElement, AnyNode};
    let mut content = AnyContent::default();
    content.children.push(AnyNode::Element(AnyElement::new("urn:x", "status").with_text("away")));
    let mut msg = PublishPresStatusInput { parameters: PublishPresStatus { content }, session_key: None };
    let xml = soapkit::soap::encode_message(VERSION, generated::cisco_epas::PREFIXES, &msg).expect("children only");
    assert!(xml.contains(">away</"), "{xml}");
    msg.parameters.content.attributes.push(AnyAttribute { ns: "urn:x".into(), local: "a".into(), prefix: None, value: "1".into() });
    let err = soapkit::soap::encode_message(VERSION, generated::cisco_epas::PREFIXES, &msg).unwrap_err();
    assert!(err.to_string().contains("attribute {urn:x}a of captured content cannot be written"), "{err}");
}
