//! The schema set in `schemas/ms-oxwums/` loads in third-party tools: libxml2 (the engine of
//! xmllint, through lxml) compiles it with no network access, and Python zeep reads the WSDL and
//! sees the same 14 operations, SOAP actions and SOAP headers as this project's generator.
//!
//! Both come from the Python environment `cargo xtask prepare` builds; a missing one fails the
//! test with what to run.

use std::path::{Path, PathBuf};

use soapkit_codegen::ir::PartKind;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

const OPERATIONS: [&str; 14] = [
    "Disconnect",
    "DisconnectPhoneCall",
    "GetCallInfo",
    "GetPhoneCallInformation",
    "GetUMProperties",
    "IsUMEnabled",
    "PlayOnPhone",
    "PlayOnPhone2",
    "PlayOnPhoneGreeting",
    "ResetPIN",
    "SetMissedCallNotificationEnabled",
    "SetOofStatus",
    "SetPlayOnPhoneDialString",
    "SetTelephoneAccessFolderEmail",
];

#[test]
fn libxml2_compiles_the_schema_set_offline() {
    let m = "http://schemas.microsoft.com/exchange/services/2006/messages";
    let t = "http://schemas.microsoft.com/exchange/services/2006/types";
    // Each instance needs definitions from both namespaces and from the transcribed
    // MS-OXWSCDATA / MS-OXWSCORE files.
    let cases = [
        (
            "schemas/ms-oxwums/MS-OXWUMS-messages.xsd",
            format!(
                r#"<m:GetPhoneCallInformationResponse xmlns:m="{m}" xmlns:t="{t}" ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:PhoneCallInformation><t:PhoneCallState>Connected</t:PhoneCallState><t:ConnectionFailureCause>None</t:ConnectionFailureCause></m:PhoneCallInformation></m:GetPhoneCallInformationResponse>"#
            ),
        ),
        ("schemas/ms-oxwums/MS-OXWUMS-types.xsd", format!(r#"<t:RequestServerVersion xmlns:t="{t}" Version="Exchange2013"/>"#)),
        (
            "schemas/ms-oxwums/MS-OXWUMS-types.xsd",
            format!(
                r#"<t:ExchangeImpersonation xmlns:t="{t}"><t:ConnectingSID><t:PrimarySmtpAddress>a@b.c</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>"#
            ),
        ),
    ];
    for (schema, instance) in &cases {
        let r = soapkit_testkit::validate(&root().join(schema), instance, "instance");
        assert!(r.valid(), "libxml2 with {schema} on {instance}:\n{}", r.output());
        assert!(!r.output().contains("warning"), "libxml2 warned while compiling {schema}:\n{}", r.output());
    }
    // And it rejects what the schema forbids (the 4.5 erratum), so the check has teeth.
    let bad = format!(
        r#"<m:GetUMPropertiesResponse xmlns:m="{m}"><m:GetUMPropertiesResponse><m:OutOfStatus>false</m:OutOfStatus><m:MissedCallNotificationEnabled>true</m:MissedCallNotificationEnabled></m:GetUMPropertiesResponse></m:GetUMPropertiesResponse>"#
    );
    let r = soapkit_testkit::validate(&root().join("schemas/ms-oxwums/MS-OXWUMS-messages.xsd"), &bad, "bad");
    assert!(!r.valid() && r.output().contains("OutOfStatus"), "libxml2 accepted OutOfStatus:\n{}", r.output());
}

#[test]
fn zeep_sees_the_operations_and_headers_the_generator_sees() {
    let root = root();
    let out = soapkit_testkit::python_command()
        .current_dir(&root)
        .arg("tests/interop/zeep_load.py")
        .output()
        .unwrap_or_else(|e| panic!("the tests' Python is required (`cargo xtask prepare`): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(3) => panic!("Python zeep is required: run `cargo xtask prepare` (it installs tests/requirements.txt)\n{stderr}"),
        _ => panic!("zeep could not load the WSDL:\n{stderr}"),
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the script prints JSON");
    let ops = json["operations"].as_array().expect("operations");
    let names: Vec<&str> = ops.iter().map(|o| o["name"].as_str().unwrap_or("?")).collect();
    assert_eq!(names, OPERATIONS, "operations zeep lists");

    let (ir, _) =
        soapkit_codegen::build_ir(&[root.join("schemas/ms-oxwums/MS-OXWUMS.wsdl")], &Default::default()).unwrap_or_else(|d| panic!("{d}"));
    let service = &ir.services[0];
    assert_eq!(service.operations.len(), 14);
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().expect("array").iter().map(|s| s.as_str().expect("string").to_owned()).collect()
    };
    for op in ops {
        let name = op["name"].as_str().unwrap_or("?");
        let ours = service.operations.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("generator lacks {name}"));
        assert_eq!(op["soap_action"].as_str(), Some(ours.soap_action.as_str()), "soapAction of {name}");
        for (dir, msg) in [("input", &ours.input), ("output", &ours.output)] {
            let msg = msg.as_ref().expect("request-response");
            let headers: Vec<String> = msg.headers.iter().map(|h| ir.elements[h.element].name.to_string()).collect();
            assert_eq!(strings(&op[format!("{dir}_headers")]), headers, "{dir} headers of {name}");
            let body = strings(&op[format!("{dir}_body")]);
            match &msg.body[..] {
                [p] => match p.kind {
                    PartKind::Element(e) => assert_eq!(body, [ir.elements[e].name.to_string()], "{dir} body of {name}"),
                    // A type= part in a document binding: the type is the Body's content
                    // (WSDL 1.1 section 3.5, and the spec's 4.8 example). zeep wraps it in an
                    // element named after the part instead, like gSOAP; record that here so
                    // a change in zeep is noticed.
                    PartKind::Type(_) => assert_eq!(body, std::slice::from_ref(&p.part), "zeep's wrapper for the {dir} of {name}"),
                },
                other => panic!("{name} {dir} has {} body parts", other.len()),
            }
        }
    }
    let with_headers: Vec<&str> =
        ops.iter().filter(|o| !strings(&o["input_headers"]).is_empty()).map(|o| o["name"].as_str().unwrap_or("?")).collect();
    assert_eq!(with_headers, ["DisconnectPhoneCall", "GetPhoneCallInformation", "PlayOnPhone2"]);
}
