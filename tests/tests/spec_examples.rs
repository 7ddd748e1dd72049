//! Every example envelope printed in [MS-OXWUMS] (`tests/fixtures/ms-oxwums`, listed in its
//! `MANIFEST.md`) against the generated bindings:
//!
//! 1. each corrected or clean example decodes into the message its manifest row names, with
//!    the values the example carries (faults: typed `ExceptionType`/`ResponseCode`/`Message`);
//! 2. re-encoding gives XML equivalent to the example (`soapkit_tests::xml_equivalent`, on
//!    roxmltree), and decode → encode is a fixed point;
//! 3. every re-encoded message validates (libxml2, through lxml) against the schemas;
//! 4. each spec erratum (`.as-printed.xml`) fails with the error a user needs, and the
//!    generated server answers erroneous requests with the faults of section 2.2.2.1 without
//!    calling the implementation;
//! 5. the generated client puts the spec's requests on the wire (headers included);
//! 6. the generated server routes the spec's requests to the right method, whatever the
//!    SOAPAction says;
//!
//! and the output format of the `cargo xtask roundtrip` driver.

use std::path::PathBuf;
use std::sync::Mutex;

use generated::exchange::messages::{ResponseCodeType, UmCallState, UmEventCause, UmGreetingType};
use generated::exchange::types::{
    ConnectionFailureCauseType, ExchangeVersionType, PhoneCallStateType, ResponseClassType, ServerVersionInfo,
};
use generated::exchange::um_web_service_soap::{
    UmWebServiceSoap, UmWebServiceSoapClient, UmWebServiceSoapDispatcher, UmWebServiceSoapMessage as Msg, UmWebServiceSoapServer,
};
use generated::faults::{ExchangeFaults, FaultDetail};
use soapkit::client::{ClientError, Transport};
use soapkit::loopback::Loopback;
use soapkit::server::{RequestContext, SoapHttpRequest, SoapHttpResponse, SoapService};
use soapkit::soap::Fault;
use soapkit::xml::{DecodeErrorKind, Limits};
use soapkit::xsd::QName;
use soapkit_tests::{
    Direction, ERRORS_NS, FixtureKind, MESSAGES_NS, ManifestRow, SOAP11, TYPES_NS, TempFile, body_fragment_equivalent, child,
    child_elements, fixtures_dir, load_manifest, parse_xml, qname, read_fault, schema_global_elements, schema_validate, schemas_dir,
    wsdl_soap_actions, xml_equivalent, xmllint_dir,
};

// =============================================================================================
// Fixtures
// =============================================================================================

struct Fixture {
    row: ManifestRow,
    text: String,
}

impl Fixture {
    fn name(&self) -> &str {
        &self.row.file
    }

    /// The example as a whole envelope: body fragments (3.1.4.7) wrapped in a SOAP 1.1
    /// Envelope, everything else as is.
    fn envelope(&self) -> String {
        if self.row.kind == FixtureKind::BodyFragment {
            format!("<soapkit-tests:Envelope xmlns:soapkit-tests=\"{SOAP11}\">{}</soapkit-tests:Envelope>", self.text)
        } else {
            self.text.clone()
        }
    }

    fn decode(&self) -> Msg {
        Msg::decode(&self.envelope()).unwrap_or_else(|e| panic!("{}: expected to decode, got error {e}", self.name()))
    }

    /// The example decoded and encoded again, or what went wrong (prefixed with its name).
    fn reencode(&self) -> Result<(Msg, String), String> {
        let m = Msg::decode(&self.envelope()).map_err(|e| format!("{}: decoding failed: {e}", self.name()))?;
        let xml = m.encode().map_err(|e| format!("{}: encoding failed: {e}", self.name()))?;
        Ok((m, xml))
    }

    /// Whether `xml` (a whole re-encoded envelope) is equivalent to the example.
    fn equivalent_to(&self, xml: &str) -> Result<(), String> {
        if self.row.kind == FixtureKind::BodyFragment { body_fragment_equivalent(&self.text, xml) } else { xml_equivalent(&self.text, xml) }
    }
}

fn all_fixtures() -> Vec<Fixture> {
    let dir = fixtures_dir();
    let rows = load_manifest(&dir).unwrap_or_else(|e| panic!("tests/fixtures/ms-oxwums/MANIFEST.md is not usable:\n{e}"));
    rows.into_iter()
        .map(|row| {
            let path = dir.join(&row.file);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            Fixture { row, text }
        })
        .collect()
}

/// The examples as the spec prints them where they are right, and corrected where not.
fn clean_fixtures() -> Vec<Fixture> {
    all_fixtures().into_iter().filter(|f| !f.row.is_as_printed()).collect()
}

fn fixture(name: &str) -> Fixture {
    all_fixtures().into_iter().find(|f| f.row.file == name).unwrap_or_else(|| panic!("{name} is not listed in MANIFEST.md"))
}

/// Panics with every problem found, one per line.
fn report(what: &str, problems: Vec<String>) {
    assert!(problems.is_empty(), "{what}: {} problem(s):\n{}", problems.len(), problems.join("\n"));
}

fn variant(m: &Msg) -> String {
    let d = format!("{m:?}");
    d.split('(').next().unwrap_or(&d).to_owned()
}

// =============================================================================================
// 1. The manifest, and decoding into the right generated type
// =============================================================================================

#[test]
fn manifest_lists_exactly_the_fixture_files() {
    // load_manifest fails on a malformed table, a listed file that is missing and a file that
    // is not listed (its parser is tested on bad input in the library's unit tests).
    let fixtures = all_fixtures();
    let actions = wsdl_soap_actions();
    let mut problems = Vec::new();
    for f in &fixtures {
        if f.row.operation != "any" && !actions.contains_key(&f.row.operation) {
            problems.push(format!("{}: Operation {} is not an operation of the WSDL binding", f.name(), f.row.operation));
        }
        if f.row.operation == "any" && f.row.direction != Direction::Fault {
            problems.push(format!("{}: only a fault can be for `any` operation", f.name()));
        }
    }
    // Every operation of the binding has at least one example request (section 4 covers all).
    for op in actions.keys() {
        if !fixtures.iter().any(|f| &f.row.operation == op && f.row.direction == Direction::Input && !f.row.is_as_printed()) {
            problems.push(format!("no clean request example for operation {op}"));
        }
    }
    report("MANIFEST.md against the fixtures and the WSDL", problems);
}

#[test]
fn every_example_decodes_as_the_message_its_manifest_row_names() {
    let mut problems = Vec::new();
    let mut count = 0;
    for f in clean_fixtures() {
        count += 1;
        let m = match Msg::decode(&f.envelope()) {
            Ok(m) => m,
            Err(e) => {
                problems.push(format!("{}: expected a {} message, decoding failed: {e}", f.name(), f.row.direction.as_str()));
                continue;
            }
        };
        let kind = m.kind().as_str();
        if kind != f.row.direction.as_str() {
            problems.push(format!("{}: decoded as {} ({kind}), the manifest says {}", f.name(), variant(&m), f.row.direction.as_str()));
        }
        let op = m.operation().map(|o| o.name());
        match f.row.direction {
            Direction::Fault => {
                if !matches!(m, Msg::Fault(_)) || op.is_some() {
                    problems.push(format!(
                        "{}: expected UmWebServiceSoapMessage::Fault, decoded {} (operation {op:?})",
                        f.name(),
                        variant(&m)
                    ));
                }
            }
            _ => {
                if op != Some(f.row.operation.as_str()) {
                    problems.push(format!(
                        "{}: expected operation {}, decoded {} (operation {op:?})",
                        f.name(),
                        f.row.operation,
                        variant(&m)
                    ));
                }
            }
        }
        // The tool behind `cargo xtask roundtrip` (which wraps body fragments itself) agrees.
        match soapkit::tool::roundtrip::<Msg>(&f.text) {
            Ok(rt) => {
                if rt.operation != op || rt.kind != m.kind() {
                    problems.push(format!(
                        "{}: soapkit::tool::roundtrip says {:?} {}, Msg::decode says {op:?} {kind}",
                        f.name(),
                        rt.operation,
                        rt.kind.as_str()
                    ));
                }
            }
            Err(e) => problems.push(format!("{}: soapkit::tool::roundtrip failed: {e}", f.name())),
        }
    }
    assert!(count >= 40, "expected the 40-odd clean examples, found {count}");
    report("decoding the examples", problems);
}

/// What each fault example carries, read off the fixtures.
struct ExpectedFault {
    file: &'static str,
    code: (&'static str, &'static str),
    faultstring: &'static str,
    lang: Option<&'static str>,
    exception_type: Option<&'static str>,
    response_code: Option<ResponseCodeType>,
    message: Option<&'static str>,
}

const DIALING: &str = "Dialing restrictions are preventing the phone number that was entered from being dialed.";

fn expected_faults() -> Vec<ExpectedFault> {
    vec![
        ExpectedFault {
            file: "2.2.2.1-fault-malformed-request.xml",
            code: (TYPES_NS, "ErrorInvalidRequest"),
            faultstring: "The request is invalid.",
            lang: Some("en-US"),
            exception_type: None,
            response_code: Some(ResponseCodeType::ErrorInvalidRequest),
            message: Some("The request is invalid."),
        },
        ExpectedFault {
            file: "3.1.4.1-Disconnect-fault-invalid-call-id.xml",
            code: (ERRORS_NS, "InvalidCallIdException"),
            faultstring: "The call identifier isn't valid.",
            lang: Some("en-US"),
            exception_type: Some("InvalidCallIdException"),
            response_code: None,
            message: None,
        },
        ExpectedFault {
            file: "3.1.4.3-GetCallInfo-fault-invalid-call-id.xml",
            code: (ERRORS_NS, "InvalidCallIdException"),
            faultstring: "The call identifier isn't valid.",
            lang: Some("en-US"),
            exception_type: Some("InvalidCallIdException"),
            response_code: None,
            message: None,
        },
        ExpectedFault {
            file: "3.1.4.8-PlayOnPhone-fault-dialing-rules.xml",
            code: (ERRORS_NS, "DialingRulesException"),
            faultstring: DIALING,
            lang: Some("en-US"),
            exception_type: Some("DialingRulesException"),
            response_code: None,
            message: None,
        },
        ExpectedFault {
            file: "3.1.4.8-PlayOnPhone-fault-invalid-object-id.xml",
            code: (ERRORS_NS, "InvalidObjectIdException"),
            faultstring: "The object identifier isn't valid.",
            lang: Some("en-US"),
            exception_type: Some("InvalidObjectIdException"),
            response_code: None,
            message: None,
        },
        ExpectedFault {
            file: "3.1.4.9-PlayOnPhoneGreeting-fault-dialing-rules.xml",
            code: (ERRORS_NS, "DialingRulesException"),
            faultstring: DIALING,
            lang: Some("en-US"),
            exception_type: Some("DialingRulesException"),
            response_code: None,
            message: None,
        },
        ExpectedFault {
            file: "4.15-PlayOnPhone-fault.xml",
            code: (ERRORS_NS, "InvalidObjectIdException"),
            faultstring: "The object identifier isn't valid",
            lang: None,
            exception_type: Some("InvalidObjectIdException"),
            response_code: None,
            message: None,
        },
    ]
}

#[test]
fn fault_examples_carry_their_typed_details() {
    let expected = expected_faults();
    let mut problems = Vec::new();
    let faults: Vec<Fixture> = clean_fixtures().into_iter().filter(|f| f.row.direction == Direction::Fault).collect();
    for f in &faults {
        if !expected.iter().any(|e| e.file == f.name()) {
            problems.push(format!("{}: a fault example without expected values in this test", f.name()));
        }
    }
    for e in &expected {
        let Some(f) = faults.iter().find(|f| f.name() == e.file) else {
            problems.push(format!("{}: expected a clean fault example of that name in MANIFEST.md", e.file));
            continue;
        };
        // The fixture itself, read independently, says what the table says.
        let raw = read_fault(&f.text).unwrap_or_else(|m| panic!("{}: {m}", f.name()));
        if raw.code != (e.code.0.to_owned(), e.code.1.to_owned()) || raw.string != e.faultstring || raw.lang.as_deref() != e.lang {
            problems.push(format!("{}: this test's table disagrees with the fixture: {raw:?}", f.name()));
        }
        let Msg::Fault(fault) = f.decode() else {
            problems.push(format!("{}: expected UmWebServiceSoapMessage::Fault", f.name()));
            continue;
        };
        if fault.code != QName::new(e.code.0, e.code.1) {
            problems.push(format!(
                "{}: faultcode {{{}}}{}, expected {{{}}}{}",
                f.name(),
                fault.code.ns,
                fault.code.local,
                e.code.0,
                e.code.1
            ));
        }
        if fault.reason() != e.faultstring {
            problems.push(format!("{}: faultstring {:?}, expected {:?}", f.name(), fault.reason(), e.faultstring));
        }
        let lang = fault.reasons.first().and_then(|r| r.lang.as_deref());
        if lang != e.lang {
            problems.push(format!("{}: faultstring xml:lang {lang:?}, expected {:?}", f.name(), e.lang));
        }
        let want = FaultDetail {
            exception_type: e.exception_type.map(str::to_owned),
            response_code: e.response_code,
            message: e.message.map(str::to_owned),
        };
        match FaultDetail::from_fault(&fault) {
            Ok(d) if d == want => {}
            Ok(d) => problems.push(format!("{}: FaultDetail {d:?}, expected {want:?}", f.name())),
            Err(err) => problems.push(format!("{}: FaultDetail::from_fault failed: {err}; expected {want:?}", f.name())),
        }
    }
    report("typed fault details", problems);
}

// ---------------------------------------------------------------------------------------------
// Decoded values, per example
// ---------------------------------------------------------------------------------------------

const CALL_ID_41: &str = "NDEzYjEzNmMtZTE2Zi00NTJlLWI3YzctNDhkMTE3MDE3YjlmQGRmLWV1bS0wMS5leGN0YW5nZS5jb3JwLmlpY3Jvc29mdC5jb20=";
const CALL_ID_43: &str = "NDEzYjEzNmMtZTE2Zi00NTJlLWl3YzctNDhkMTE3YjlmQGRmLWV1bS0wMS5leGNoYW5nZS5jb3JwLm1pY3Jvc29mdC5jb20=";
const ENTRY_ID_47: &str = "AAAAAGsd2rbQLVtLobUGbrq/9IUHAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAACxVpE1+KVVL1957wp//x6UAGAetcDUAAA=";
const CALL_ID_47: &str = "NDEzYjEzNmMtZTE2Zi00NTJlLWl3YzctNDhkMTE3MDE3YjlmQGRmLWV1bS0wMS5leGNoYW5nZS5jb3JwLmlpY3Jvc29mdC5jb20=";
const CALL_ID_49: &str = "MjA4MTQ5MmItMTBmZC00ZGFmLThiMzEtND1lNDJjM2Y3MjIxQGRmLWV1bS0wMS51eGNoYW5nZS5jb3JwLmlpY3Jvc29mdC5jb20=";
const FOLDER_ID: &str = "AAAAAGsd2rbQLVtLobUGbrq/9IUBAEX2ikn/L8JJtI5WHI0FAW8AAAFXHhsAAA==";

/// Pushes a problem when `$actual != $expected`.
macro_rules! check {
    ($p:expr, $file:expr, $actual:expr, $expected:expr) => {{
        let (a, e) = ($actual, $expected);
        if a != e {
            $p.push(format!("{}: {} is {:?}, expected {:?}", $file, stringify!($actual), a, e));
        }
    }};
}

/// Binds the payload of variant `$v` or records a problem and returns.
macro_rules! expect_variant {
    ($p:expr, $file:expr, $m:expr, $v:ident) => {
        match $m {
            Msg::$v(x) => x,
            other => {
                $p.push(format!("{}: expected {}, decoded {}", $file, stringify!($v), variant(other)));
                return;
            }
        }
    };
}

fn check_server_version(p: &mut Vec<String>, file: &str, sv: Option<&ServerVersionInfo>) {
    let Some(sv) = sv else {
        p.push(format!("{file}: expected the ServerVersionInfo header (14.0.639.20, Exchange2013)"));
        return;
    };
    check!(
        p,
        file,
        (sv.major_version, sv.minor_version, sv.major_build_number, sv.minor_build_number),
        (Some(14), Some(0), Some(639), Some(20))
    );
    check!(p, file, sv.version.as_deref(), Some("Exchange2013"));
}

/// The values each example carries. Every clean example must have an entry here.
fn check_values(p: &mut Vec<String>, file: &str, m: &Msg) {
    match file {
        "4.1-Disconnect-request.xml" => {
            let i = expect_variant!(p, file, m, DisconnectInput);
            check!(p, file, i.parameters.call_id.as_deref(), Some(CALL_ID_41));
        }
        "4.1-Disconnect-response.xml" => {
            expect_variant!(p, file, m, DisconnectOutput);
        }
        "4.2-DisconnectPhoneCall-request.xml" | "seed001-4.2-DisconnectPhoneCall-request.xml" => {
            let i = expect_variant!(p, file, m, DisconnectPhoneCallInput);
            // The two prints differ in the 4th character (digit 1 / letter l), see MANIFEST.md.
            let id = if file.starts_with("seed001") { "OWVl4NWb3N29t" } else { "OWV14NWb3N29t" };
            check!(p, file, i.request.phone_call_id.id.as_str(), id);
            check!(p, file, i.request_version.as_ref().map(|v| v.version), Some(ExchangeVersionType::Exchange2013));
            check!(p, file, (i.impersonation.is_none(), i.mailbox_culture.is_none()), (true, true));
        }
        "4.2-DisconnectPhoneCall-response.xml" | "seed001-4.2-DisconnectPhoneCall-response.xml" => {
            let o = expect_variant!(p, file, m, DisconnectPhoneCallOutput);
            let r = &o.disconnect_phone_call_result;
            check!(p, file, r.response_class, ResponseClassType::Success);
            check!(p, file, r.response_code, Some(ResponseCodeType::NoError));
            check!(p, file, (r.message_text.as_deref(), r.descriptive_link_key), (None, None));
            check_server_version(p, file, o.server_version.as_ref());
        }
        "4.3-GetCallInfo-request.xml" => {
            let i = expect_variant!(p, file, m, GetCallInfoInput);
            check!(p, file, i.parameters.call_id.as_deref(), Some(CALL_ID_43));
        }
        "4.3-GetCallInfo-response.xml" => {
            let o = expect_variant!(p, file, m, GetCallInfoOutput);
            let info = o.parameters.get_call_info_response.as_ref().map(|c| (c.call_state, c.event_cause));
            check!(p, file, info, Some((UmCallState::Connected, UmEventCause::None)));
        }
        "4.4-GetPhoneCallInformation-request.xml" => {
            let i = expect_variant!(p, file, m, GetPhoneCallInformationInput);
            check!(p, file, i.request.phone_call_id.id.as_str(), "NDDY5uY29y9t");
            check!(p, file, i.request_version.as_ref().map(|v| v.version), Some(ExchangeVersionType::Exchange2013));
        }
        "4.4-GetPhoneCallInformation-response.xml" => {
            let o = expect_variant!(p, file, m, GetPhoneCallInformationOutput);
            let r = &o.get_phone_call_information_result;
            check!(p, file, r.response_class, ResponseClassType::Success);
            check!(p, file, r.response_code, Some(ResponseCodeType::NoError));
            let info = r
                .phone_call_information
                .as_ref()
                .map(|i| (i.phone_call_state, i.connection_failure_cause, i.sip_response_text.clone(), i.sip_response_code));
            check!(p, file, info, Some((PhoneCallStateType::Connected, ConnectionFailureCauseType::None, None, None)));
            check_server_version(p, file, o.server_version.as_ref());
        }
        "4.5-GetUMProperties-request.xml" => {
            expect_variant!(p, file, m, GetUmPropertiesInput);
        }
        "4.5-GetUMProperties-response.xml" => {
            let o = expect_variant!(p, file, m, GetUmPropertiesOutput);
            let Some(u) = &o.parameters.get_um_properties_response else {
                p.push(format!("{file}: expected the inner GetUMPropertiesResponse (UMProperties)"));
                return;
            };
            check!(p, file, u.oof_status, false);
            check!(p, file, u.missed_call_notification_enabled, true);
            check!(p, file, u.play_on_phone_dial_string.as_deref(), Some("12345"));
            check!(p, file, u.telephone_access_numbers.as_deref(), Some("54321"));
            check!(p, file, u.telephone_access_folder_email.as_deref(), Some(FOLDER_ID));
        }
        "4.6-IsUMEnabled-request.xml" => {
            expect_variant!(p, file, m, IsUmEnabledInput);
        }
        "4.6-IsUMEnabled-response.xml" => {
            let o = expect_variant!(p, file, m, IsUmEnabledOutput);
            check!(p, file, o.parameters.is_um_enabled_response, true);
        }
        "4.7-PlayOnPhone-request.xml" => {
            let i = expect_variant!(p, file, m, PlayOnPhoneInput);
            check!(p, file, i.parameters.entry_id.as_deref(), Some(ENTRY_ID_47));
            check!(p, file, i.parameters.dial_string.as_deref(), Some("12345"));
        }
        "4.7-PlayOnPhone-response.xml" => {
            let o = expect_variant!(p, file, m, PlayOnPhoneOutput);
            check!(p, file, o.parameters.play_on_phone_response.as_deref(), Some(CALL_ID_47));
        }
        "4.8-PlayOnPhone2-request.xml" => {
            let i = expect_variant!(p, file, m, PlayOnPhone2Input);
            let r = &i.request.play_on_phone;
            check!(p, file, r.item_id.id.as_str(), "AkAjzQTbY/i=");
            check!(p, file, r.item_id.change_key.as_deref(), None);
            check!(p, file, r.dial_string.as_str(), "5555551212");
            check!(p, file, i.request_version.as_ref().map(|v| v.version), Some(ExchangeVersionType::Exchange2013));
        }
        "4.8-PlayOnPhone2-response.xml" => {
            let o = expect_variant!(p, file, m, PlayOnPhone2Output);
            let r = &o.play_on_phone_result.play_on_phone_response;
            check!(p, file, r.response_class, ResponseClassType::Success);
            check!(p, file, r.response_code, Some(ResponseCodeType::NoError));
            check!(p, file, r.phone_call_id.as_ref().map(|c| c.id.as_str()), Some("ZWMtWYtMY29t"));
            check_server_version(p, file, o.server_version.as_ref());
        }
        "3.1.4.7-PlayOnPhone2-body-error-invalid-id.xml" | "3.1.4.7-PlayOnPhone2-body-error-phone-number-not-dialable.xml" => {
            let o = expect_variant!(p, file, m, PlayOnPhone2Output);
            let r = &o.play_on_phone_result.play_on_phone_response;
            let (text, code) = if file.contains("invalid-id") {
                ("Id is malformed.", ResponseCodeType::ErrorInvalidIdMalformed)
            } else {
                (DIALING, ResponseCodeType::ErrorPhoneNumberNotDialable)
            };
            check!(p, file, r.response_class, ResponseClassType::Error);
            check!(p, file, r.message_text.as_deref(), Some(text));
            check!(p, file, r.response_code, Some(code));
            check!(p, file, r.descriptive_link_key, Some(0));
            check!(p, file, r.phone_call_id.is_none() && o.server_version.is_none(), true);
        }
        "4.9-PlayOnPhoneGreeting-request.xml" => {
            let i = expect_variant!(p, file, m, PlayOnPhoneGreetingInput);
            check!(p, file, i.parameters.greeting_type, UmGreetingType::NormalCustom);
            check!(p, file, i.parameters.dial_string.as_deref(), Some("12345"));
        }
        "4.9-PlayOnPhoneGreeting-response.xml" => {
            let o = expect_variant!(p, file, m, PlayOnPhoneGreetingOutput);
            check!(p, file, o.parameters.play_on_phone_greeting_response.as_deref(), Some(CALL_ID_49));
        }
        "4.10-ResetPIN-request.xml" => {
            expect_variant!(p, file, m, ResetPinInput);
        }
        "4.10-ResetPIN-response.xml" => {
            expect_variant!(p, file, m, ResetPinOutput);
        }
        "4.11-SetMissedCallNotificationEnabled-request.xml" => {
            let i = expect_variant!(p, file, m, SetMissedCallNotificationEnabledInput);
            check!(p, file, i.parameters.status, true);
        }
        "4.11-SetMissedCallNotificationEnabled-response.xml" => {
            expect_variant!(p, file, m, SetMissedCallNotificationEnabledOutput);
        }
        "4.12-SetOofStatus-request.xml" => {
            let i = expect_variant!(p, file, m, SetOofStatusInput);
            check!(p, file, i.parameters.status, true);
        }
        "4.12-SetOofStatus-response.xml" => {
            expect_variant!(p, file, m, SetOofStatusOutput);
        }
        "4.13-SetPlayOnPhoneDialString-request.xml" => {
            let i = expect_variant!(p, file, m, SetPlayOnPhoneDialStringInput);
            check!(p, file, i.parameters.dial_string.as_deref(), Some("12345"));
        }
        "4.13-SetPlayOnPhoneDialString-response.xml" => {
            expect_variant!(p, file, m, SetPlayOnPhoneDialStringOutput);
        }
        "4.14-SetTelephoneAccessFolderEmail-request.xml" => {
            let i = expect_variant!(p, file, m, SetTelephoneAccessFolderEmailInput);
            check!(p, file, i.parameters.base64_folder_id.as_deref(), Some(FOLDER_ID));
        }
        "4.14-SetTelephoneAccessFolderEmail-response.xml" => {
            expect_variant!(p, file, m, SetTelephoneAccessFolderEmailOutput);
        }
        "4.15-PlayOnPhone-request.xml" => {
            let i = expect_variant!(p, file, m, PlayOnPhoneInput);
            check!(p, file, i.parameters.entry_id.as_deref(), Some("INVALID_ENTRY_ID"));
            check!(p, file, i.parameters.dial_string.as_deref(), Some("12345"));
        }
        // Faults: fault_examples_carry_their_typed_details.
        f if expected_faults().iter().any(|e| e.file == f) => {
            expect_variant!(p, file, m, Fault);
        }
        other => p.push(format!("{other}: no expected values in check_values; add them")),
    }
}

#[test]
fn decoded_values_are_those_the_examples_print() {
    let mut problems = Vec::new();
    for f in clean_fixtures() {
        match Msg::decode(&f.envelope()) {
            Ok(m) => check_values(&mut problems, f.name(), &m),
            Err(e) => problems.push(format!("{}: decoding failed: {e}", f.name())),
        }
    }
    report("decoded values", problems);
}

// =============================================================================================
// 2. Re-encoding: equivalent to the example, and a fixed point
// =============================================================================================

#[test]
fn reencoding_is_equivalent_to_the_example() {
    let mut problems = Vec::new();
    for f in clean_fixtures() {
        let xml = match f.reencode() {
            Ok((_, xml)) => xml,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        if let Err(d) = f.equivalent_to(&xml) {
            problems.push(format!("{}: re-encoding is not equivalent to the example: {d}\n  re-encoded: {xml}", f.name()));
        }
        // `cargo xtask roundtrip` prints the same encoding.
        match soapkit::tool::roundtrip::<Msg>(&f.text) {
            Ok(rt) if rt.xml == xml => {}
            Ok(rt) => {
                problems.push(format!("{}: soapkit::tool::roundtrip printed\n  {}\nbut Msg::encode gives\n  {xml}", f.name(), rt.xml))
            }
            Err(e) => problems.push(format!("{}: soapkit::tool::roundtrip failed: {e}", f.name())),
        }
    }
    report("re-encoding against the examples", problems);
}

#[test]
fn decode_encode_is_a_fixed_point() {
    let mut problems = Vec::new();
    for f in clean_fixtures() {
        let first = match f.reencode() {
            Ok((_, xml)) => xml,
            Err(e) => {
                problems.push(format!("first round trip: {e}"));
                continue;
            }
        };
        let second = match Msg::decode(&first) {
            Ok(m) => m,
            Err(e) => {
                problems.push(format!("{}: the re-encoding does not decode: {e}\n  {first}", f.name()));
                continue;
            }
        };
        match second.encode() {
            Ok(x) if x == first => {}
            Ok(x) => problems.push(format!("{}: second encoding differs from the first:\n  first:  {first}\n  second: {x}", f.name())),
            Err(e) => problems.push(format!("{}: second encoding failed: {e}", f.name())),
        }
    }
    report("decode -> encode -> decode -> encode", problems);
}

// =============================================================================================
// 3. Schema validation (libxml2, through lxml)
// =============================================================================================

/// libxml2's message for `xml:lang` on `faultstring`: the published SOAP 1.1 envelope schema
/// (`tests/xmllint/soap11-envelope.xsd`) declares `faultstring` as `xs:string`, which has no
/// attributes, while Exchange sends `xml:lang` (2.2.2.1, 3.1.4.x examples) and WS-I Basic
/// Profile 1.1 R1016 allows it. Reported to the lead; asserted here as a known failure so that
/// any other error, or a change of the schema, is noticed.
const XML_LANG_REJECTED: &str = ": element faultstring: Schemas validity error : Element 'faultstring', attribute \
     '{http://www.w3.org/XML/1998/namespace}lang': The attribute '{http://www.w3.org/XML/1998/namespace}lang' is not allowed.";

fn is_xml_lang_rejection(label: &str, line: &str) -> bool {
    // `<label>:<line number><XML_LANG_REJECTED>`
    let Some(rest) = line.strip_prefix(label).and_then(|r| r.strip_prefix(':')) else { return false };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0 && &rest[digits..] == XML_LANG_REJECTED
}

/// Which driver schema validates a message, and why.
fn driver_for(m: &Msg) -> (PathBuf, &'static str) {
    match m {
        // PlayOnPhone2's body parts are type= parts whose content is an element with the QName
        // of a *global* element of another operation ({m}PlayOnPhone, {m}PlayOnPhoneResponse).
        // The generic driver's lax Body would validate them against those wrong global
        // declarations; the PlayOnPhone2 drivers type the Body with the part's type instead
        // (see their header comments). The 3.1.4.7 bodies are PlayOnPhone2 outputs and are
        // re-encoded as whole PlayOnPhone2 output envelopes, so they go here too.
        Msg::PlayOnPhone2Input(_) => (xmllint_dir().join("ms-oxwums-playonphone2-request-envelope.xsd"), "PlayOnPhone2 request driver"),
        Msg::PlayOnPhone2Output(_) => (xmllint_dir().join("ms-oxwums-playonphone2-response-envelope.xsd"), "PlayOnPhone2 response driver"),
        // Everything else, faults included (the PlayOnPhone2 drivers declare no Fault).
        _ => (xmllint_dir().join("ms-oxwums-envelope.xsd"), "generic envelope driver"),
    }
}

/// The generic driver validates Header and Body entries laxly: an entry without a global
/// declaration would be accepted unchecked. Check that every entry has one (or is a Fault),
/// so that the validation really covered it.
fn entries_are_declared(xml: &str, globals: &std::collections::BTreeSet<(String, String)>) -> Result<(), String> {
    let doc = parse_xml(xml)?;
    let env = doc.root_element();
    let mut entries = Vec::new();
    for part in ["Header", "Body"] {
        if let Some(p) = child(env, SOAP11, part) {
            entries.extend(child_elements(p));
        }
    }
    for e in entries {
        let q = qname(e);
        if q == (SOAP11.to_owned(), "Fault".to_owned()) {
            continue;
        }
        if !globals.contains(&q) {
            return Err(format!("entry {{{}}}{} has no global declaration: lax validation would not check it", q.0, q.1));
        }
    }
    Ok(())
}

#[test]
fn reencoded_messages_validate_against_the_schemas() {
    let globals = schema_global_elements();
    let mut problems = Vec::new();
    let mut validated = 0;
    for f in clean_fixtures() {
        let (m, xml) = f.reencode().unwrap_or_else(|e| panic!("{e}"));
        let (schema, driver) = driver_for(&m);
        let label = format!("reencoded-{}", f.name());
        let result = schema_validate(&schema, &xml, &label);
        validated += 1;
        let has_lang = matches!(&m, Msg::Fault(fault) if fault.reasons.iter().any(|r| r.lang.is_some()));
        if driver == "generic envelope driver"
            && let Err(e) = entries_are_declared(&xml, &globals)
        {
            problems.push(format!("{}: {e}", f.name()));
        }
        if !has_lang {
            if !result.valid() {
                problems.push(format!(
                    "{}: expected the re-encoding to validate with the {driver}; the validator said:\n{}\n  document: {xml}",
                    f.name(),
                    result.output()
                ));
            }
            continue;
        }
        // Known failure (see XML_LANG_REJECTED): exactly the xml:lang rejection, nothing else.
        let diags = result.diagnostics();
        let only_lang = result.status == Some(3) && diags.len() == 1 && is_xml_lang_rejection(&label, diags[0]);
        if !only_lang {
            problems.push(format!(
                "{}: expected validation to reject exactly the xml:lang attribute of faultstring (known schema limit) and nothing else; it said (status {:?}):\n{}",
                f.name(),
                result.status,
                result.output()
            ));
        }
        // The rest of the fault must be valid: the same document without that one attribute.
        let attr = " xml:lang=\"en-US\"";
        if xml.matches(attr).count() != 1 {
            problems.push(format!("{}: expected exactly one `{attr}` in the re-encoded fault: {xml}", f.name()));
            continue;
        }
        let without = xml.replacen(attr, "", 1);
        let r = schema_validate(&schema, &without, &format!("reencoded-without-xml-lang-{}", f.name()));
        if !r.valid() {
            problems.push(format!("{}: without xml:lang the fault should validate; the validator said:\n{}", f.name(), r.output()));
        }
    }
    assert!(validated >= 40, "expected to validate the 40-odd clean examples, validated {validated}");
    report("schema validation of the re-encoded examples", problems);
}

#[test]
fn validation_harness_rejects_invalid_messages() {
    // The validation above must be able to fail: an xs:boolean that is not one, an element the
    // schema does not allow, and a PlayOnPhone2 body under the generic driver.
    let generic = xmllint_dir().join("ms-oxwums-envelope.xsd");
    let m = fixture("4.11-SetMissedCallNotificationEnabled-request.xml").decode();
    let xml = m.encode().unwrap();
    assert!(xml.contains(">true<"), "the re-encoded 4.11 request should hold status true: {xml}");
    let bad = xml.replace(">true<", ">yes<");
    let r = schema_validate(&generic, &bad, "harness-bad-boolean");
    assert!(
        !r.valid() && r.output().contains("'yes' is not a valid value"),
        "expected validation to reject status 'yes'; it said:\n{}",
        r.output()
    );

    let bad = fixture("4.14-SetTelephoneAccessFolderEmail-request.as-printed.xml").text;
    let r = schema_validate(&generic, &bad, "harness-4.14-as-printed");
    assert!(!r.valid() && r.output().contains("base64FolderID"), "expected validation to reject base64FolderID; it said:\n{}", r.output());

    let (_, p2) = fixture("4.8-PlayOnPhone2-request.xml").reencode().unwrap_or_else(|e| panic!("{e}"));
    let r = schema_validate(&generic, &p2, "harness-playonphone2-generic");
    assert!(!r.valid(), "the generic driver is documented to reject PlayOnPhone2 bodies; it accepted:\n{p2}");
}

/// A schema for the detail entries of [MS-OXWUMS] 2.2.2.1 in the errors namespace, which no
/// schema of the set declares (2.2.3, ERRATA C18): `ResponseCode` of `m:ResponseCodeType`
/// (2.2.3.3 says xs:string; its values are the ResponseCodeType names) and `Message`.
fn detail_schema() -> TempFile {
    let esc = |p: PathBuf| p.to_string_lossy().replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    let xsd = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:m="{MESSAGES_NS}" targetNamespace="{ERRORS_NS}" elementFormDefault="qualified">
  <xs:import namespace="{TYPES_NS}" schemaLocation="{}"/>
  <xs:import namespace="{MESSAGES_NS}" schemaLocation="{}"/>
  <xs:element name="ResponseCode" type="m:ResponseCodeType"/>
  <xs:element name="Message" type="xs:string"/>
</xs:schema>
"#,
        esc(schemas_dir().join("MS-OXWUMS-types.xsd")),
        esc(schemas_dir().join("MS-OXWUMS-messages.xsd")),
    );
    TempFile::new("fault-detail.xsd", &xsd)
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
fn fault_detail_entries_validate() {
    // The envelope schema cannot check the detail entries (detail is xs:any lax and they have
    // no declaration), and it rejects xml:lang (see above); so each entry of each re-encoded
    // fault is checked on its own: ResponseCode/Message against detail_schema(), ExceptionType
    // (messages namespace, xs:string per 2.2.3.1) as simple content without attributes.
    let schema = detail_schema();
    let mut problems = Vec::new();
    let mut entries = 0;
    for f in clean_fixtures().into_iter().filter(|f| f.row.direction == Direction::Fault) {
        let (_, xml) = f.reencode().unwrap_or_else(|e| panic!("{e}"));
        let doc = parse_xml(&xml).unwrap();
        let detail = doc.descendants().find(|n| n.is_element() && n.tag_name().name() == "detail" && n.tag_name().namespace().is_none());
        let Some(detail) = detail else {
            problems.push(format!("{}: the re-encoded fault has no detail", f.name()));
            continue;
        };
        for e in child_elements(detail) {
            entries += 1;
            let (ns, local) = qname(e);
            if child_elements(e).next().is_some() || e.attributes().len() != 0 {
                problems.push(format!("{}: detail entry {{{ns}}}{local} must be simple content without attributes", f.name()));
                continue;
            }
            match (ns.as_str(), local.as_str()) {
                (MESSAGES_NS, "ExceptionType") => {}
                (ERRORS_NS, "ResponseCode" | "Message") => {
                    let doc = format!("<e:{local} xmlns:e=\"{ERRORS_NS}\">{}</e:{local}>", escape_text(e.text().unwrap_or("")));
                    let r = schema_validate(schema.path(), &doc, &format!("detail-{local}-{}", f.name()));
                    if !r.valid() {
                        problems.push(format!("{}: detail entry {local} is not valid: {}", f.name(), r.output()));
                    }
                }
                _ => problems.push(format!("{}: detail entry {{{ns}}}{local} is not one of the entries of 2.2.3", f.name())),
            }
        }
    }
    assert!(entries >= 8, "expected the detail entries of the 7 fault examples, found {entries}");
    // The check can fail.
    let bad = format!("<e:ResponseCode xmlns:e=\"{ERRORS_NS}\">ErrorNoSuchCode</e:ResponseCode>");
    let r = schema_validate(schema.path(), &bad, "detail-bad-response-code");
    assert!(!r.valid(), "expected ResponseCode ErrorNoSuchCode to be rejected; the validator said:\n{}", r.output());
    report("fault detail entries", problems);
}

// =============================================================================================
// 4. Errata: what the spec prints wrong must fail usefully
// =============================================================================================

struct Erratum {
    file: &'static str,
    line: u32,
    /// `None`: not asserted, see the 4.10 entry.
    column: Option<u32>,
    kind: DecodeErrorKind,
    /// Fragments the message must contain.
    says: &'static [&'static str],
    /// The element path (`Some("")` for an error on the root element itself); `None`: not
    /// asserted.
    path: Option<&'static str>,
}

fn errata() -> Vec<Erratum> {
    vec![
        // Line 2 opens <soap:Envelope and never closes the start tag; the document stops being
        // well-formed at line 3, column 3, the `<` of `<soap:Body>` (where xmllint points).
        Erratum {
            file: "4.10-ResetPIN-request.as-printed.xml",
            line: 3,
            column: Some(3),
            kind: DecodeErrorKind::Malformed,
            says: &["<soap:Envelope> is not closed", "`>` missing"],
            path: Some(""),
        },
        Erratum {
            file: "4.11-SetMissedCallNotificationEnabled-request.as-printed.xml",
            line: 3,
            column: Some(3),
            kind: DecodeErrorKind::Malformed,
            says: &["<soap:Envelope> is not closed", "`>` missing"],
            path: Some(""),
        },
        // The stray `>` at the end of line 3 closes <soap:Envelope before xmlns:soap is
        // declared (line 5): the prefix of the element at line 2, column 1 is unbound.
        Erratum {
            file: "4.2-DisconnectPhoneCall-request.as-printed.xml",
            line: 2,
            column: Some(1),
            kind: DecodeErrorKind::Malformed,
            says: &["prefix 'soap'", "<soap:Envelope>", "not declared"],
            path: Some(""),
        },
        // The fragment's root, <s:Body at line 1, column 1, uses the undeclared prefix s.
        Erratum {
            file: "3.1.4.7-PlayOnPhone2-body-error-invalid-id.as-printed.xml",
            line: 1,
            column: Some(1),
            kind: DecodeErrorKind::Malformed,
            says: &["prefix 's'", "<s:Body>", "not declared"],
            path: Some(""),
        },
        Erratum {
            file: "3.1.4.7-PlayOnPhone2-body-error-phone-number-not-dialable.as-printed.xml",
            line: 1,
            column: Some(1),
            kind: DecodeErrorKind::Malformed,
            says: &["prefix 's'", "<s:Body>", "not declared"],
            path: Some(""),
        },
        // <faultcode> at line 7, column 7 holds the QName a:InvalidObjectIdException with no
        // declaration of `a` in scope. The document is namespace-well-formed (QNames in
        // content are not covered by Namespaces in XML), so this is a value error (Invalid).
        Erratum {
            file: "4.15-PlayOnPhone-fault.as-printed.xml",
            line: 7,
            column: Some(7),
            kind: DecodeErrorKind::Invalid,
            says: &["faultcode", "a:InvalidObjectIdException", "prefix 'a'", "not declared"],
            path: Some("/soap:Envelope/soap:Body/soap:Fault/faultcode"),
        },
        // <OutOfStatus> at line 9, column 5, where UMProperties requires OofStatus.
        Erratum {
            file: "4.5-GetUMProperties-response.as-printed.xml",
            line: 9,
            column: Some(5),
            kind: DecodeErrorKind::Invalid,
            says: &["{http://schemas.microsoft.com/exchange/services/2006/messages}OutOfStatus", "OofStatus"],
            path: Some("/soap:Envelope/soap:Body/GetUMPropertiesResponse/GetUMPropertiesResponse"),
        },
        // <base64FolderID> at line 7, column 5 (after the blank line the spec prints).
        Erratum {
            file: "4.14-SetTelephoneAccessFolderEmail-request.as-printed.xml",
            line: 7,
            column: Some(5),
            kind: DecodeErrorKind::Invalid,
            says: &["{http://schemas.microsoft.com/exchange/services/2006/messages}base64FolderID"],
            path: Some("/soap:Envelope/soap:Body/SetTelephoneAccessFolderEmail"),
        },
        // <SetOoofStatus> at line 4, column 5 is no operation's body element. (The path is not
        // asserted: soapkit gives none here, where /soap:Envelope/soap:Body would match the
        // other errors; a suggestion, not a bug.)
        Erratum {
            file: "4.12-SetOofStatus-request.as-printed.xml",
            line: 4,
            column: Some(5),
            kind: DecodeErrorKind::Invalid,
            says: &["<SetOoofStatus>", "does not match any operation"],
            path: None,
        },
        Erratum {
            file: "4.12-SetOofStatus-response.as-printed.xml",
            line: 6,
            column: Some(5),
            kind: DecodeErrorKind::Invalid,
            says: &["<SetOoofStatusResponse>", "does not match any operation"],
            path: None,
        },
    ]
}

#[test]
fn errata_fail_with_position_and_reason() {
    let errata = errata();
    let mut problems = Vec::new();
    // Every as-printed example is covered here or (3.1.4.3) below.
    for f in all_fixtures().into_iter().filter(|f| f.row.is_as_printed()) {
        if !errata.iter().any(|e| e.file == f.name()) && f.name() != "3.1.4.3-GetCallInfo-fault-invalid-call-id.as-printed.xml" {
            problems.push(format!("{}: an as-printed example without an expected error in this test", f.name()));
        }
    }
    for e in &errata {
        let f = fixture(e.file);
        // Body fragments go through the tool, which reports positions in the fragment.
        let err = match soapkit::tool::roundtrip::<Msg>(&f.text) {
            Ok(rt) => {
                problems.push(format!("{}: expected an error, decoded {:?} {}", e.file, rt.operation, rt.kind.as_str()));
                continue;
            }
            Err(err) => err,
        };
        let at = (err.line(), err.column());
        let column_ok = e.column.is_none_or(|c| err.column() == c);
        if err.line() != e.line || !column_ok {
            let col = e.column.map_or("any column".to_owned(), |c| format!("column {c}"));
            problems.push(format!("{}: error at {}:{}, expected line {} {col}: {err}", e.file, at.0, at.1, e.line));
        }
        if err.kind() != e.kind {
            problems.push(format!("{}: error kind {:?}, expected {:?}: {err}", e.file, err.kind(), e.kind));
        }
        for s in e.says {
            if !err.message().contains(s) {
                problems.push(format!("{}: the message should mention {s:?}: {}", e.file, err.message()));
            }
        }
        if let Some(path) = e.path
            && err.path() != path
        {
            problems.push(format!("{}: error path {:?}, expected {path:?}", e.file, err.path()));
        }
        // Whole envelopes: Msg::decode reports the same error as the tool.
        if f.row.kind != FixtureKind::BodyFragment {
            match Msg::decode(&f.text) {
                Ok(m) => problems.push(format!("{}: Msg::decode accepted it as {}", e.file, variant(&m))),
                Err(d) if d != err => problems.push(format!("{}: Msg::decode says {d}, the tool says {err}", e.file)),
                Err(_) => {}
            }
        }
    }
    report("errata", problems);
}

#[test]
fn unqualified_exception_type_decodes_but_is_not_the_typed_exception_type() {
    // 3.1.4.3 prints the detail entry as <ExceptionType> in no namespace (its xmlns:m is
    // unused). SOAP 1.1's detail is xs:any lax, so the fault is a valid SOAP fault and must
    // decode, with the entry kept as received; but it is not {messages}ExceptionType (2.2.3.1),
    // so FaultDetail must not report it as one: a client that trusted it would accept any
    // element of that local name from any namespace.
    let f = fixture("3.1.4.3-GetCallInfo-fault-invalid-call-id.as-printed.xml");
    let Msg::Fault(fault) = f.decode() else { panic!("{}: expected a fault", f.name()) };
    assert_eq!(fault.code, QName::new(ERRORS_NS, "InvalidCallIdException"), "faultcode of {}", f.name());
    let detail = FaultDetail::from_fault(&fault).expect("the detail has no ResponseCode to reject");
    assert_eq!(detail, FaultDetail::default(), "an unqualified ExceptionType must not fill FaultDetail::exception_type");
    let entries: Vec<_> = fault.detail_entries().map(|e| (&*e.ns, e.local.as_str(), e.text())).collect();
    assert_eq!(entries, vec![("", "ExceptionType", "InvalidCallIdException\n        ".to_owned())], "the entry must be kept as printed");
    // Re-encoding keeps the entry unqualified (equivalent to the example as printed).
    let xml = Msg::Fault(fault).encode().unwrap();
    if let Err(d) = xml_equivalent(&f.text, &xml) {
        panic!("{}: re-encoding is not equivalent to the example: {d}\n{xml}", f.name());
    }
    // The corrected twin gives the typed value.
    let Msg::Fault(fixed) = fixture("3.1.4.3-GetCallInfo-fault-invalid-call-id.xml").decode() else { panic!("expected a fault") };
    assert_eq!(FaultDetail::from_fault(&fixed).unwrap().exception_type.as_deref(), Some("InvalidCallIdException"));
}

// =============================================================================================
// A recording server implementation, and the client calls
// =============================================================================================

/// Records every call (method name and input) and answers with a canned message.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<(&'static str, Msg)>>,
    answer: Mutex<Option<Msg>>,
}

impl Recorder {
    fn answering(answer: Msg) -> Recorder {
        Recorder { calls: Mutex::new(Vec::new()), answer: Mutex::new(Some(answer)) }
    }

    fn calls(&self) -> Vec<(&'static str, Msg)> {
        self.calls.lock().unwrap().clone()
    }

    fn record(&self, method: &'static str, input: Msg) -> Option<Msg> {
        self.calls.lock().unwrap().push((method, input));
        self.answer.lock().unwrap().clone()
    }
}

fn no_answer(method: &str, got: Option<&Msg>) -> Fault {
    Fault::new(
        QName::new("urn:soapkit-tests", "NoCannedAnswer"),
        format!("{method}: the test has no answer of that type (has {:?})", got.map(variant)),
    )
}

/// For each operation: (method, WSDL name, input variant, output variant).
macro_rules! operations {
    ($(($method:ident, $op:literal, $input:ident, $output:ident)),* $(,)?) => {
        impl UmWebServiceSoapServer for Recorder {
            $(
                async fn $method(&self, _ctx: &RequestContext, input: generated::exchange::um_web_service_soap::$input)
                    -> Result<generated::exchange::um_web_service_soap::$output, Fault> {
                    match self.record(stringify!($method), Msg::$input(input)) {
                        Some(Msg::$output(o)) => Ok(o),
                        Some(Msg::Fault(f)) => Err(f),
                        other => Err(no_answer(stringify!($method), other.as_ref())),
                    }
                }
            )*
        }

        /// Calls the client method for `input`'s operation; wraps the answer back in `Msg`.
        async fn call_client<T: Transport>(client: &UmWebServiceSoapClient<T>, input: Msg) -> Result<Msg, ClientError> {
            match input {
                $( Msg::$input(i) => client.$method(i).await.map(Msg::$output), )*
                other => panic!("call_client: {} is not an input message", variant(&other)),
            }
        }

        /// The server method of a WSDL operation.
        fn method_of(op: &str) -> &'static str {
            match op {
                $( $op => stringify!($method), )*
                other => panic!("no operation {other}"),
            }
        }
    };
}

operations! {
    (is_um_enabled, "IsUMEnabled", IsUmEnabledInput, IsUmEnabledOutput),
    (get_um_properties, "GetUMProperties", GetUmPropertiesInput, GetUmPropertiesOutput),
    (set_oof_status, "SetOofStatus", SetOofStatusInput, SetOofStatusOutput),
    (set_play_on_phone_dial_string, "SetPlayOnPhoneDialString", SetPlayOnPhoneDialStringInput, SetPlayOnPhoneDialStringOutput),
    (set_telephone_access_folder_email, "SetTelephoneAccessFolderEmail", SetTelephoneAccessFolderEmailInput, SetTelephoneAccessFolderEmailOutput),
    (set_missed_call_notification_enabled, "SetMissedCallNotificationEnabled", SetMissedCallNotificationEnabledInput, SetMissedCallNotificationEnabledOutput),
    (reset_pin, "ResetPIN", ResetPinInput, ResetPinOutput),
    (play_on_phone, "PlayOnPhone", PlayOnPhoneInput, PlayOnPhoneOutput),
    (get_call_info, "GetCallInfo", GetCallInfoInput, GetCallInfoOutput),
    (disconnect, "Disconnect", DisconnectInput, DisconnectOutput),
    (play_on_phone_greeting, "PlayOnPhoneGreeting", PlayOnPhoneGreetingInput, PlayOnPhoneGreetingOutput),
    (disconnect_phone_call, "DisconnectPhoneCall", DisconnectPhoneCallInput, DisconnectPhoneCallOutput),
    (get_phone_call_information, "GetPhoneCallInformation", GetPhoneCallInformationInput, GetPhoneCallInformationOutput),
    (play_on_phone2, "PlayOnPhone2", PlayOnPhone2Input, PlayOnPhone2Output),
}

/// The section 4 request examples with the example answering them (response or fault).
fn request_response_pairs() -> Vec<(Fixture, Fixture)> {
    let all = clean_fixtures();
    let mut pairs = Vec::new();
    for req in all.iter().filter(|f| f.row.direction == Direction::Input) {
        let stem =
            req.name().strip_suffix("-request.xml").unwrap_or_else(|| panic!("{}: a request should end with -request.xml", req.name()));
        let answer = [format!("{stem}-response.xml"), format!("{stem}-fault.xml")]
            .into_iter()
            .find_map(|n| all.iter().find(|f| f.row.file == n))
            .unwrap_or_else(|| panic!("{}: no response or fault example for it", req.name()));
        pairs.push((fixture(req.name()), fixture(answer.name())));
    }
    assert!(pairs.len() >= 16, "expected the 16 request examples of section 4, found {}", pairs.len());
    pairs
}

fn header<'a>(headers: &'a [(&'static str, String)], name: &str) -> Vec<&'a str> {
    headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
}

/// Whether two faults say the same: code, reasons, actor, the typed detail, and the detail as
/// XML (equivalent). Not `PartialEq`: a detail entry written with a default namespace
/// (`<ExceptionType xmlns="...">`, 4.15) comes back from the wire with a generated prefix and
/// without the default declaration, so the captured `AnyElement`s differ in `prefix` and
/// `namespaces`; that is reported as a bug (a default namespace declaration of captured content
/// is dropped) and kept out of this suite.
fn same_fault(a: &Fault, b: &Fault) -> Result<(), String> {
    if a.code != b.code || a.reasons != b.reasons || a.actor != b.actor {
        return Err(format!("faults differ: {a:?} vs {b:?}"));
    }
    if FaultDetail::from_fault(a) != FaultDetail::from_fault(b) {
        return Err(format!("typed details differ: {:?} vs {:?}", FaultDetail::from_fault(a), FaultDetail::from_fault(b)));
    }
    let (x, y) = (Msg::Fault(a.clone()).encode().unwrap(), Msg::Fault(b.clone()).encode().unwrap());
    xml_equivalent(&x, &y)
}

// =============================================================================================
// 5. The client puts the spec's requests on the wire
// =============================================================================================

#[tokio::test]
async fn client_sends_the_spec_requests_and_decodes_the_spec_responses() {
    let actions = wsdl_soap_actions();
    let mut problems = Vec::new();
    for (req, resp) in request_response_pairs() {
        let input = req.decode();
        let answer = resp.decode();
        let op = req.row.operation.clone();
        let loopback =
            Loopback::new(UmWebServiceSoapDispatcher::new(Recorder::answering(answer.clone())).with_fault_policy(ExchangeFaults));
        let client = UmWebServiceSoapClient::new(loopback.clone());
        let result = call_client(&client, input.clone()).await;
        let name = req.name();

        let exchanges = loopback.exchanges();
        let [ex] = exchanges.as_slice() else {
            problems.push(format!("{name}: expected one exchange, the loopback recorded {}", exchanges.len()));
            continue;
        };
        // Headers: SOAP 1.1 over HTTP, the binding's soapAction quoted (WSDL, read here).
        let ct = header(&ex.request_headers, "Content-Type");
        if ct != ["text/xml; charset=utf-8"] {
            problems.push(format!("{name}: Content-Type {ct:?}, expected [\"text/xml; charset=utf-8\"]"));
        }
        let action = actions.get(&op).unwrap_or_else(|| panic!("the WSDL has no soapAction for {op}"));
        let want = format!("\"{action}\"");
        let sa = header(&ex.request_headers, "SOAPAction");
        if sa != [want.as_str()] {
            problems.push(format!("{name}: SOAPAction {sa:?}, expected [{want:?}]"));
        }
        if ex.request_headers.len() != 2 {
            problems.push(format!("{name}: unexpected headers {:?}", ex.request_headers));
        }
        // The envelope is the spec's request.
        if let Err(d) = xml_equivalent(&req.text, &ex.request_body) {
            problems.push(format!("{name}: the request on the wire is not the example: {d}\n  sent: {}", ex.request_body));
        }
        // The server saw that request, once, in the right method.
        let calls = loopback.service().service().calls();
        if calls != vec![(method_of(&op), input.clone())] {
            problems.push(format!(
                "{name}: expected exactly one call of {} with the decoded example, got {:?}",
                method_of(&op),
                calls.iter().map(|c| c.0).collect::<Vec<_>>()
            ));
        }
        // The answer came back as the example's response (or fault).
        let expect_status = if matches!(answer, Msg::Fault(_)) { 500 } else { 200 };
        if ex.status != expect_status || ex.response_content_type != "text/xml; charset=utf-8" {
            problems.push(format!(
                "{name}: response status {} / {:?}, expected {expect_status} / text/xml; charset=utf-8",
                ex.status, ex.response_content_type
            ));
        }
        if let Err(d) = resp.equivalent_to(&ex.response_body) {
            problems.push(format!("{name}: the response on the wire is not {}: {d}", resp.name()));
        }
        match (result, &answer) {
            (Ok(out), expected) if out == *expected => {}
            (Ok(out), expected) => {
                problems.push(format!("{name}: the client decoded\n  {out:?}\nexpected {}:\n  {expected:?}", resp.name()))
            }
            (Err(ClientError::Fault(f)), Msg::Fault(expected)) => {
                if let Err(d) = same_fault(&f, expected) {
                    problems.push(format!("{name}: the client's fault is not {}: {d}", resp.name()));
                }
            }
            (Err(e), _) => problems.push(format!("{name}: the call failed: {e}; expected {}", resp.name())),
        }
    }
    report("client against the examples", problems);
}

// =============================================================================================
// 6. The server routes the spec's requests
// =============================================================================================

fn http_request(body: &str, soap_action: Option<&str>) -> SoapHttpRequest {
    SoapHttpRequest {
        content_type: Some("text/xml; charset=utf-8".to_owned()),
        soap_action: soap_action.map(|a| format!("\"{a}\"")),
        body: body.as_bytes().to_vec(),
    }
}

async fn serve(answer: Option<Msg>, body: &str, soap_action: Option<&str>) -> (SoapHttpResponse, Vec<(&'static str, Msg)>) {
    serve_in(RequestContext::default(), answer, body, soap_action).await
}

async fn serve_in(
    ctx: RequestContext,
    answer: Option<Msg>,
    body: &str,
    soap_action: Option<&str>,
) -> (SoapHttpResponse, Vec<(&'static str, Msg)>) {
    let recorder = match answer {
        Some(a) => Recorder::answering(a),
        None => Recorder::default(),
    };
    let dispatcher = UmWebServiceSoapDispatcher::new(recorder).with_fault_policy(ExchangeFaults);
    let response = dispatcher.handle(ctx, http_request(body, soap_action)).await;
    let calls = dispatcher.service().calls();
    (response, calls)
}

/// Routing rule of the generated dispatcher (documented on `route` in the generated code):
/// the operation is chosen by the first element of the SOAP Body; where two operations share
/// that element ({m}PlayOnPhone: PlayOnPhone and PlayOnPhone2), by that element's first child
/// (entryId/DialString: PlayOnPhone, ItemId: PlayOnPhone2). SOAPAction is consulted only when
/// the Body matches no operation. So a missing or wrong SOAPAction does not change where a
/// valid request goes: the Body wins.
#[tokio::test]
async fn server_calls_the_right_method_whatever_the_soapaction() {
    let actions = wsdl_soap_actions();
    let mut problems = Vec::new();
    for (req, resp) in request_response_pairs() {
        let name = req.name();
        let op = req.row.operation.as_str();
        let input = req.decode();
        let answer = resp.decode();
        let right = actions[op].clone();
        // A wrong action: another operation's (Disconnect's; ResetPIN's for Disconnect itself).
        // PlayOnPhone's would not be wrong for PlayOnPhone2: both operations share that value.
        let other_op = if op == "Disconnect" { "ResetPIN" } else { "Disconnect" };
        let soap_actions: Vec<(String, Option<String>)> = vec![
            ("the binding's SOAPAction".to_owned(), Some(right)),
            ("no SOAPAction".to_owned(), None),
            (format!("the SOAPAction of {other_op}"), Some(actions[other_op].clone())),
            ("an unknown SOAPAction".to_owned(), Some("urn:soapkit-tests:no-such-action".to_owned())),
        ];
        for (how, action) in soap_actions {
            let (response, calls) = serve(Some(answer.clone()), &req.text, action.as_deref()).await;
            let want = vec![(method_of(op), input.clone())];
            if calls != want {
                problems.push(format!(
                    "{name} with {how}: expected exactly one call of {} with the decoded example, got calls {:?} (response {} {})",
                    method_of(op),
                    calls.iter().map(|c| c.0).collect::<Vec<_>>(),
                    response.status,
                    response.body
                ));
                continue;
            }
            let expect_status = if matches!(answer, Msg::Fault(_)) { 500 } else { 200 };
            if response.status != expect_status || response.content_type != "text/xml; charset=utf-8" {
                problems.push(format!(
                    "{name} with {how}: status {} / {:?}, expected {expect_status} / text/xml; charset=utf-8",
                    response.status, response.content_type
                ));
            }
            if let Err(d) = resp.equivalent_to(&response.body) {
                problems.push(format!("{name} with {how}: the answer is not {}: {d}", resp.name()));
            }
        }
    }
    report("server routing of the examples", problems);
}

#[tokio::test]
async fn playonphone_and_playonphone2_are_not_confused() {
    // Same body element {m}PlayOnPhone and the same SOAPAction, different operations.
    for (file, method) in [
        ("4.8-PlayOnPhone2-request.xml", "play_on_phone2"),
        ("4.7-PlayOnPhone-request.xml", "play_on_phone"),
        ("4.15-PlayOnPhone-request.xml", "play_on_phone"),
    ] {
        let f = fixture(file);
        let action = wsdl_soap_actions()["PlayOnPhone"].clone();
        let (_, calls) = serve(None, &f.text, Some(&action)).await;
        let methods: Vec<&str> = calls.iter().map(|c| c.0).collect();
        assert_eq!(methods, vec![method], "{file}: expected only {method} to be called");
        assert_eq!(calls[0].1, f.decode(), "{file}: the input passed to {method}");
    }
}

// ---------------------------------------------------------------------------------------------
// 4 (server side). Erroneous requests get the faults of 2.2.2.1, the implementation is not called
// ---------------------------------------------------------------------------------------------

struct FaultCase {
    file: &'static str,
    code: &'static str,
    faultstring: &'static str,
    message: &'static str,
}

const SCHEMA_FAULT: (&str, &str, &str) =
    ("ErrorSchemaValidation", "The request failed schema validation.", "The request failed schema validation");
const MALFORMED_FAULT: (&str, &str, &str) = ("ErrorInvalidRequest", "The request is invalid.", "The request is invalid.");

fn server_fault_cases() -> Vec<FaultCase> {
    let case =
        |file, (code, faultstring, message): (&'static str, &'static str, &'static str)| FaultCase { file, code, faultstring, message };
    vec![
        // Well-formed but not valid: 2.2.2.1's ErrorSchemaValidation.
        case("4.12-SetOofStatus-request.as-printed.xml", SCHEMA_FAULT),
        case("4.14-SetTelephoneAccessFolderEmail-request.as-printed.xml", SCHEMA_FAULT),
        // Not well-formed (4.10, 4.11) or not namespace-well-formed (4.2): ErrorInvalidRequest.
        case("4.10-ResetPIN-request.as-printed.xml", MALFORMED_FAULT),
        case("4.11-SetMissedCallNotificationEnabled-request.as-printed.xml", MALFORMED_FAULT),
        case("4.2-DisconnectPhoneCall-request.as-printed.xml", MALFORMED_FAULT),
    ]
}

#[tokio::test]
async fn server_answers_erroneous_examples_with_the_faults_of_2_2_2_1() {
    let actions = wsdl_soap_actions();
    let mut problems = Vec::new();
    for c in server_fault_cases() {
        let f = fixture(c.file);
        for action in [Some(actions[&f.row.operation].clone()), None] {
            let how = if action.is_some() { "with its SOAPAction" } else { "without SOAPAction" };
            let (response, calls) = serve(None, &f.text, action.as_deref()).await;
            let name = format!("{} {how}", c.file);
            if !calls.is_empty() {
                problems.push(format!(
                    "{name}: the implementation must not be called, but {:?} was",
                    calls.iter().map(|c| c.0).collect::<Vec<_>>()
                ));
            }
            if response.status != 500 || response.content_type != "text/xml; charset=utf-8" {
                problems
                    .push(format!("{name}: HTTP {} {:?}, expected 500 text/xml; charset=utf-8", response.status, response.content_type));
            }
            // Read independently of the generated code...
            match read_fault(&response.body) {
                Ok(raw) => {
                    if raw.code != (TYPES_NS.to_owned(), c.code.to_owned()) {
                        problems.push(format!("{name}: faultcode {:?}, expected {{{TYPES_NS}}}{}", raw.code, c.code));
                    }
                    if raw.string != c.faultstring {
                        problems.push(format!("{name}: faultstring {:?}, expected {:?}", raw.string, c.faultstring));
                    }
                    let entry =
                        |local: &str| raw.detail.iter().find(|(ns, l, _)| ns == ERRORS_NS && l == local).map(|(_, _, t)| t.as_str());
                    if entry("ResponseCode") != Some(c.code) || entry("Message") != Some(c.message) {
                        problems.push(format!(
                            "{name}: detail ResponseCode {:?} / Message {:?}, expected {:?} / {:?} (in the errors namespace)",
                            entry("ResponseCode"),
                            entry("Message"),
                            c.code,
                            c.message
                        ));
                    }
                }
                Err(e) => problems.push(format!("{name}: the answer is not a SOAP 1.1 fault ({e}): {}", response.body)),
            }
            // ...and typed.
            match Msg::decode(&response.body) {
                Ok(Msg::Fault(fault)) => {
                    let d = FaultDetail::from_fault(&fault);
                    let want = c.code.parse::<ResponseCodeType>().ok();
                    if d.as_ref().map(|d| (d.response_code, d.message.as_deref())) != Ok((want, Some(c.message))) {
                        problems.push(format!("{name}: FaultDetail {d:?}"));
                    }
                }
                other => problems.push(format!("{name}: the answer does not decode as a fault: {other:?}")),
            }
        }
    }
    report("server faults for erroneous requests", problems);
}

#[tokio::test]
async fn a_request_past_the_reader_limits_is_error_invalid_request_and_never_reaches_the_service() {
    // 4.4's request: 6 elements, 4 deep, 5 attributes on the Envelope, names of up to 25
    // bytes (m:GetPhoneCallInformation), attribute values of up to 60 (the messages
    // namespace), and white space of up to 7 bytes between tags.
    let f = fixture("4.4-GetPhoneCallInformation-request.xml");
    let cases = [
        ("depth", Limits::DEFAULT.with_depth(4), Limits::DEFAULT.with_depth(3)),
        ("elements", Limits::DEFAULT.with_elements(6), Limits::DEFAULT.with_elements(5)),
        ("attributes", Limits::DEFAULT.with_attributes(5), Limits::DEFAULT.with_attributes(4)),
        ("name bytes", Limits::DEFAULT.with_name_bytes(25), Limits::DEFAULT.with_name_bytes(24)),
        ("attribute bytes", Limits::DEFAULT.with_attribute_bytes(60), Limits::DEFAULT.with_attribute_bytes(59)),
        ("text bytes", Limits::DEFAULT.with_text_bytes(7), Limits::DEFAULT.with_text_bytes(6)),
    ];
    let mut problems = Vec::new();
    for (what, at, below) in cases {
        let ctx = |limits| RequestContext { limits, ..RequestContext::default() };
        let (_, calls) = serve_in(ctx(at), None, &f.text, None).await;
        if calls.len() != 1 {
            problems.push(format!("{what}: at the request's own size the service must be called once, got {calls:?}"));
        }
        let (response, calls) = serve_in(ctx(below), None, &f.text, None).await;
        if !calls.is_empty() {
            problems.push(format!("{what}: one below, the service must not be called, but {calls:?} was"));
        }
        match read_fault(&response.body) {
            Ok(raw) if raw.code == (TYPES_NS.to_owned(), MALFORMED_FAULT.0.to_owned()) && response.status == 500 => {}
            other => problems.push(format!("{what}: expected HTTP 500 with ErrorInvalidRequest, got {}: {other:?}", response.status)),
        }
    }
    report("reader limits", problems);
}

// =============================================================================================
// The `cargo xtask roundtrip` driver's output
// =============================================================================================

#[test]
fn roundtrip_driver_prints_ok_and_error_lines() {
    let dir = fixtures_dir();
    let files = [
        dir.join("4.8-PlayOnPhone2-request.xml"),
        dir.join("4.14-SetTelephoneAccessFolderEmail-request.as-printed.xml"),
        dir.join("3.1.4.7-PlayOnPhone2-body-error-invalid-id.xml"),
        dir.join("4.5-GetUMProperties-response.as-printed.xml"),
        dir.join("no-such-example.xml"),
    ];
    let mut out = Vec::new();
    let all_ok = soapkit::tool::roundtrip_files::<Msg>(&files, &mut out).expect("writing to a Vec cannot fail");
    assert!(!all_ok, "roundtrip_files must report failure when a file fails");
    let text = String::from_utf8(out).expect("the driver writes UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let d = |i: usize| files[i].display().to_string();
    assert_eq!(lines.len(), 7, "expected OK+XML, ERROR, OK+XML, ERROR, ERROR (7 lines), got:\n{text}");
    assert_eq!(lines[0], "OK PlayOnPhone2 input", "output:\n{text}");
    xml_equivalent(&fixture("4.8-PlayOnPhone2-request.xml").text, lines[1])
        .unwrap_or_else(|e| panic!("line 2 is not the 4.8 request: {e}\n{text}"));
    let e1 = format!("ERROR {}:7:5: ", d(1));
    assert!(
        lines[2].starts_with(&e1)
            && lines[2].contains("base64FolderID")
            && lines[2].ends_with(" (at /soap:Envelope/soap:Body/SetTelephoneAccessFolderEmail)"),
        "expected `{e1}... base64FolderID ... (at /soap:Envelope/soap:Body/SetTelephoneAccessFolderEmail)`, got {:?}",
        lines[2]
    );
    assert_eq!(lines[3], "OK PlayOnPhone2 output", "output:\n{text}");
    body_fragment_equivalent(&fixture("3.1.4.7-PlayOnPhone2-body-error-invalid-id.xml").text, lines[4])
        .unwrap_or_else(|e| panic!("line 5 is not the 3.1.4.7 body: {e}\n{text}"));
    let e2 = format!("ERROR {}:9:5: ", d(3));
    assert!(
        lines[5].starts_with(&e2)
            && lines[5].contains("OutOfStatus")
            && lines[5].ends_with(" (at /soap:Envelope/soap:Body/GetUMPropertiesResponse/GetUMPropertiesResponse)"),
        "expected `{e2}... OutOfStatus ... (at .../GetUMPropertiesResponse/GetUMPropertiesResponse)`, got {:?}",
        lines[5]
    );
    let e3 = format!("ERROR {}:", d(4));
    assert!(lines[6].starts_with(&e3) && lines[6].contains("cannot read"), "expected `{e3}...cannot read...`, got {:?}", lines[6]);
    // Every line is one of the three shapes.
    let shape_ok = |l: &str| l.starts_with("OK ") || l.starts_with("ERROR ") || l.starts_with("<?xml");
    assert!(lines.iter().all(|l| shape_ok(l)), "unexpected line shape in:\n{text}");
    // With only good files the driver reports success.
    let mut out = Vec::new();
    assert!(soapkit::tool::roundtrip_files::<Msg>(&files[..1], &mut out).unwrap(), "a good file must succeed");
}
