//! Generality: the full Exchange WSDL and the W3C databinding examples (shared reference
//! material: without it these tests are skipped with a line saying so, and fail under
//! `SOAPKIT_REQUIRE_REFERENCE=1`, as in CI), and the operation selection options.

mod support;

use soapkit_codegen::Config;
use soapkit_codegen::diag::DiagKind;

#[test]
fn ews_full_services_wsdl_generates() {
    let Some(wsdl) = support::reference("EWS generation", "ews-full/services.wsdl") else { return };
    let start = std::time::Instant::now();
    let out = Config::new().generate(&[&wsdl]).unwrap_or_else(|d| panic!("{d}"));
    eprintln!(
        "generated EWS in {:?}: {} files, {} bytes",
        start.elapsed(),
        out.files.len(),
        out.files.iter().map(|f| f.code.len()).sum::<usize>()
    );
    let paths: Vec<&str> = out.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["mod.rs", "types.rs", "messages.rs", "exchange_service_binding.rs"]);
    assert!(out.ir_dump.contains("operation GetUserConfiguration"), "a late EWS operation is there");
    // Deterministic, byte for byte, at scale: hash maps are seeded per instance and emission
    // runs on several threads, so a second generation in the same process would differ if
    // any order leaked into the output.
    let again = Config::new().generate(&[&wsdl]).unwrap_or_else(|d| panic!("{d}"));
    assert!(again.ir_dump == out.ir_dump, "the IR dump differs between two generations");
    assert_eq!(out.files.len(), again.files.len(), "a different number of files");
    for (a, b) in out.files.iter().zip(&again.files) {
        assert!(a == b, "{} differs between two generations", a.path);
    }
}

/// The five errors of `examples.wsdl`: in the "…Unqualified…" patterns, unprefixed type and
/// attribute references resolve through the default namespace, which is the WSDL namespace
/// there, and nothing of those names exists in it.
const W3C_ERRORS: &str = "\
examples.wsdl:3520:1: error: unresolved reference to type {http://schemas.xmlsoap.org/wsdl/}GlobalElementUnqualifiedType
examples.wsdl:3343:11: error: unresolved reference to type {http://schemas.xmlsoap.org/wsdl/}ElementTypeReferenceUnqualifiedRef
examples.wsdl:3360:9: error: unresolved reference to attribute {http://schemas.xmlsoap.org/wsdl/}attributeReferenceUnqualifiedAtt
examples.wsdl:3379:9: error: unresolved reference to type {http://schemas.xmlsoap.org/wsdl/}AttributeTypeReferenceUnqualifiedType
examples.wsdl:3426:1: error: unresolved reference to type {http://schemas.xmlsoap.org/wsdl/}GlobalAttributeUnqualifiedTypeSimpleType";

/// The operations of those five patterns.
const W3C_BROKEN: [&str; 5] = [
    "echoElementTypeReferenceUnqualified",
    "echoAttributeReferenceUnqualified",
    "echoAttributeTypeReferenceUnqualified",
    "echoGlobalAttributeUnqualifiedType",
    "echoGlobalElementUnqualifiedType",
];

/// The W3C examples' WSDL and the options that show paths relative to it.
fn w3c() -> Option<(std::path::PathBuf, Config)> {
    let wsdl = support::reference("W3C databinding generation", "w3c-databinding/examples.wsdl")?;
    let mut c = Config::new();
    c.display_base(wsdl.parent().expect("the WSDL is in a directory"));
    Some((wsdl, c))
}

#[test]
fn w3c_examples_have_exactly_five_unresolved_references() {
    let Some((wsdl, config)) = w3c() else { return };
    let d = config.generate(&[&wsdl]).expect_err("the five unqualified patterns do not resolve");
    assert_eq!(d.to_string(), W3C_ERRORS);
    assert!(d.list.iter().all(|x| x.kind == DiagKind::Unresolved && x.qname.is_some()));
}

#[test]
fn w3c_examples_generate_without_the_five_patterns() {
    let Some((wsdl, mut config)) = w3c() else { return };
    let out = config.exclude_operations(W3C_BROKEN.iter().copied()).generate(&[&wsdl]).unwrap_or_else(|d| panic!("{d}"));
    let operations = out.ir_dump.lines().filter(|l| l.starts_with("  operation ")).count();
    // The port type has 293 operations.
    assert_eq!(operations, 293 - 5);
    for op in W3C_BROKEN {
        assert!(!out.ir_dump.contains(&format!("operation {op} ")), "{op} is left out");
    }
}

// ----- Options::operations / exclude_operations -------------------------------------------

fn fixture(name: &str) -> std::path::PathBuf {
    support::fixtures().join("constructs").join(name)
}

fn operations_of(dump: &str) -> Vec<String> {
    dump.lines().filter_map(|l| l.strip_prefix("  operation ")).map(|l| l.split(' ').next().unwrap().to_owned()).collect()
}

#[test]
fn operations_selects_a_subset_and_only_the_types_it_reaches() {
    let out = Config::new().operations(["WithAction"]).generate(&[fixture("wsdl_soap_action.wsdl")]).unwrap();
    assert_eq!(operations_of(&out.ir_dump), ["WithAction"]);
    // A is WithAction's input, C its output; B only EmptyAction's.
    assert!(out.ir_dump.contains("element #0 {urn:fx:action}A"));
    assert!(!out.ir_dump.contains("{urn:fx:action}B"), "{}", out.ir_dump);
}

#[test]
fn exclude_operations_leaves_operations_out() {
    let out = Config::new().exclude_operations(["Upper"]).generate(&[fixture("wsdl_shared_body_element.wsdl")]).unwrap();
    assert_eq!(operations_of(&out.ir_dump), ["Lower"]);
    let out = Config::new()
        .operations(["Upper", "Lower"])
        .exclude_operations(["Lower"])
        .generate(&[fixture("wsdl_shared_body_element.wsdl")])
        .unwrap();
    assert_eq!(operations_of(&out.ir_dump), ["Upper"]);
}

#[test]
fn excluding_a_notification_operation_lets_the_rest_generate() {
    let path = support::fixtures().join("errors/unsupported_notification.wsdl");
    let out = Config::new().exclude_operations(["Op"]).generate(&[&path]).unwrap_or_else(|d| panic!("{d}"));
    assert!(operations_of(&out.ir_dump).is_empty());
}

#[test]
fn naming_an_unknown_operation_is_an_error() {
    let d = Config::new()
        .operations(["Upper", "Uper"])
        .exclude_operations(["Lowr"])
        .generate(&[fixture("wsdl_shared_body_element.wsdl")])
        .unwrap_err();
    assert_eq!(
        d.to_string(),
        "error: operation 'Uper' named in Options::operations is not an operation of any SOAP binding of the WSDL\n\
         error: operation 'Lowr' named in Options::exclude_operations is not an operation of any SOAP binding of the WSDL"
    );
    assert!(d.list.iter().all(|x| x.kind == DiagKind::Invalid));
}
